//! `AutoScalingApi` of the demo region: groups that act like Auto Scaling. Whenever the region
//! is looked at, each group compares its members with its desired capacity and launches or
//! terminates instances (real demo instances, tagged `aws:autoscaling:groupName`, that take
//! the region's transition time to start and stop); a stopped member is unhealthy and is
//! replaced; an instance refresh replaces old members a few at a time within its minimum
//! healthy percentage; every launch and termination is a scaling activity.
//!
//! Here: the groups as they are seeded and what their members are launched from; how they
//! change over time is in `advance.rs`, the API calls in `api.rs`.

mod advance;
mod api;

use std::time::{Duration, Instant};

use super::{DEMO_EPOCH, DemoRegion, Inner, now_epoch};
use crate::aws::{
    ApiError, ApiResult, AutoScalingGroup, GROUP_TAG, GroupMember, InstanceRefresh, InstanceState,
    LaunchConfiguration, LaunchSpec, ScalingActivity, TemplateRef, clean_activity, clean_group,
    clean_launch_configuration,
};

pub(super) struct DemoGroup {
    pub(super) g: AutoScalingGroup,
    /// Oldest first.
    activities: Vec<ScalingActivity>,
    /// Oldest first.
    refreshes: Vec<InstanceRefresh>,
    /// The members replaced by the running refresh so far.
    refreshed: i32,
    /// The members the running refresh replaces (every member when it started: AWS's
    /// default, which does not skip matching instances).
    refresh_todo: Vec<String>,
    /// Why the next launches and terminations happen (a user's request).
    cause: Option<String>,
    /// A launch failed: the next try waits until then.
    retry_at: Option<Instant>,
}

/// How long a failed launch waits before the group tries again.
const RETRY: Duration = Duration::from_secs(10);

fn validation(message: impl Into<String>) -> ApiError {
    ApiError::service("ValidationError", message)
}

fn no_group(name: &str) -> ApiError {
    validation(format!(
        "AutoScalingGroup name not found - AutoScalingGroup '{name}' not found"
    ))
}

/// The legacy launch configurations: `batch-lc-v3` is used by `batch-legacy-asg`, `v2` is not.
pub(super) fn demo_launch_configurations() -> Vec<LaunchConfiguration> {
    let lc = |name: &str, release: &str, days_ago: i64| {
        let mut l = LaunchConfiguration {
            name: name.into(),
            image_id: "ami-0f9e8d7c6b5a49382".into(),
            instance_type: "t3.small".into(),
            key_name: "ops-2024".into(),
            security_groups: vec!["sg-0demo00000000".into()],
            user_data: Some(format!(
                "#!/bin/bash\nexport BATCH_RELEASE={release}\n/opt/batch/run --nightly\n"
            )),
            iam_profile: String::new(),
            created: Some(DEMO_EPOCH - days_ago * 86_400),
        };
        clean_launch_configuration(&mut l);
        l
    };
    vec![
        lc("batch-lc-v2", "2024.11", 700),
        lc("batch-lc-v3", "2025.06", 520),
    ]
}

fn activity(
    id: String,
    group: &str,
    status: &str,
    description: String,
    cause: String,
    start: i64,
    end: Option<i64>,
) -> ScalingActivity {
    let mut a = ScalingActivity {
        id,
        group: group.into(),
        status: status.into(),
        description,
        cause,
        start: Some(start),
        end,
    };
    clean_activity(&mut a);
    a
}

impl Inner {
    /// The version number (as text) a template group launches from now.
    fn resolved_version(&self, g: &AutoScalingGroup) -> Option<String> {
        let t = g.template.as_ref()?;
        let tpl = self
            .templates
            .iter()
            .find(|x| x.t.id == t.id || x.t.name == t.name)?;
        Some(match t.version.as_str() {
            "$Latest" | "" => tpl.t.latest_version.to_string(),
            "$Default" => tpl.t.default_version.to_string(),
            n => n.to_string(),
        })
    }

    /// A member launched from something other than what the group launches from now.
    fn is_old(&self, g: &AutoScalingGroup, m: &GroupMember) -> bool {
        if g.template.is_some() {
            Some(&m.template_version) != self.resolved_version(g).as_ref()
        } else {
            m.launch_configuration != g.launch_configuration
        }
    }

    /// What a group's next instance is launched with: the spec and the version it records.
    fn member_spec(&self, g: &AutoScalingGroup, az: &str) -> ApiResult<(LaunchSpec, String)> {
        let subnet = format!("subnet-0demo{}", &az[az.len() - 1..]);
        let mut tags = vec![(GROUP_TAG.to_string(), g.name.clone())];
        if let Some(t) = &g.template {
            let version = self.resolved_version(g).unwrap_or_default();
            let Some(v) = self
                .templates
                .iter()
                .find(|x| x.t.id == t.id)
                .and_then(|x| x.versions.iter().find(|v| v.number.to_string() == version))
            else {
                return Err(validation(format!(
                    "The specified launch template, with template ID {}, version {}, does not exist.",
                    t.id, t.version
                )));
            };
            tags.extend(v.data.instance_tags.iter().cloned());
            let spec = LaunchSpec {
                image_id: v.data.image_id.clone(),
                instance_type: v.data.instance_type.clone(),
                key_name: Some(v.data.key_name.clone()).filter(|k| !k.is_empty()),
                security_group_ids: v.data.security_group_ids.clone(),
                subnet_id: Some(subnet),
                count: 1,
                tags,
                user_data: v.data.user_data.clone(),
                termination_protection: false,
            };
            return Ok((spec, version));
        }
        let Some(lc) = self
            .launch_configs
            .iter()
            .find(|l| l.name == g.launch_configuration)
        else {
            return Err(validation(format!(
                "Launch configuration name not found - Launch configuration {} not found",
                g.launch_configuration
            )));
        };
        tags.push(("Name".into(), g.name.clone()));
        let spec = LaunchSpec {
            image_id: lc.image_id.clone(),
            instance_type: lc.instance_type.clone(),
            key_name: Some(lc.key_name.clone()).filter(|k| !k.is_empty()),
            security_group_ids: lc.security_groups.clone(),
            subnet_id: Some(subnet),
            count: 1,
            tags,
            user_data: lc.user_data.clone(),
            termination_protection: false,
        };
        Ok((spec, String::new()))
    }
}

impl DemoRegion {
    /// The wall clock of activities and refreshes: the fixed demo epoch for tests and
    /// screenshots, the real clock for --demo.
    fn wall(&self) -> i64 {
        if self.epoch == DEMO_EPOCH {
            DEMO_EPOCH
        } else {
            now_epoch()
        }
    }

    /// The demo's Auto Scaling groups, launched now: `web-prod-asg` (template web-prod version
    /// 2, one member still on version 1), `worker-staging-asg` (worker-staging `$Latest`),
    /// and `batch-legacy-asg` (a launch configuration, no instances). The interactive demo has
    /// them; tests ask for them.
    pub fn with_auto_scaling(self) -> Self {
        {
            let mut inner = self.inner.lock().expect("demo region lock");
            self.seed_groups(&mut inner);
        }
        self
    }

    fn seed_groups(&self, inner: &mut Inner) {
        let group = |name: &str,
                     template: Option<(&str, &str, &str)>,
                     lc: &str,
                     cap: (i32, i32, i32),
                     hc: &str| {
            let mut g = AutoScalingGroup {
                name: name.into(),
                template: template.map(|(id, n, v)| TemplateRef {
                    id: id.into(),
                    name: n.into(),
                    version: v.into(),
                }),
                launch_configuration: lc.into(),
                min: cap.0,
                desired: cap.1,
                max: cap.2,
                members: vec![],
                azs: self.azs.iter().map(|a| a.to_string()).collect(),
                health_check_type: hc.into(),
                status: String::new(),
                created: Some(DEMO_EPOCH - 150 * 86_400),
                tags: vec![("Team".into(), "platform".into())],
            };
            clean_group(&mut g);
            DemoGroup {
                g,
                activities: vec![],
                refreshes: vec![],
                refreshed: 0,
                refresh_todo: Vec::new(),
                cause: None,
                retry_at: None,
            }
        };
        inner.asgs = vec![
            group(
                "web-prod-asg",
                Some(("lt-0demo000000000001", "web-prod", "2")),
                "",
                (2, 4, 8),
                "ELB",
            ),
            group(
                "worker-staging-asg",
                Some(("lt-0demo000000000002", "worker-staging", "$Latest")),
                "",
                (1, 2, 4),
                "EC2",
            ),
            group("batch-legacy-asg", None, "batch-lc-v3", (0, 0, 2), "EC2"),
        ];
        let now = Instant::now();
        // the members are there already: launched, running, dated in the past; one web
        // member still runs version 1
        for gi in 0..inner.asgs.len() {
            let desired = inner.asgs[gi].g.desired;
            for k in 0..desired {
                let az = self.azs[k as usize % self.azs.len()];
                let g = inner.asgs[gi].g.clone();
                let Ok((mut spec, mut version)) = inner.member_spec(&g, az) else {
                    continue;
                };
                if g.name == "web-prod-asg" && k == 3 {
                    spec.user_data = Some(super::templates::web_user_data(1));
                    version = "1".into();
                }
                let Ok(ids) = self.launch_in(inner, &spec, false, now) else {
                    continue;
                };
                for i in ids {
                    let d = &mut inner.fleet[i];
                    d.inst.state = InstanceState::Running;
                    d.next = None;
                    d.inst.launch_time = Some(DEMO_EPOCH - (30 - i64::from(k)) * 86_400);
                    let m = GroupMember {
                        instance_id: d.inst.id.clone(),
                        az: d.inst.az.clone(),
                        lifecycle: "InService".into(),
                        health: "Healthy".into(),
                        template_version: version.clone(),
                        launch_configuration: g.launch_configuration.clone(),
                        instance_type: d.inst.instance_type.clone(),
                    };
                    let start = d.inst.launch_time.unwrap_or(DEMO_EPOCH);
                    let id = m.instance_id.clone();
                    inner.moving.retain(|x| *x != i);
                    let a = activity(
                        format!("act-seed-{gi}-{k}"),
                        &g.name,
                        "Successful",
                        format!("Launching a new EC2 instance: {id}"),
                        format!(
                            "At {} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from {k} to {}.",
                            crate::aws::fmt_time(start),
                            k + 1
                        ),
                        start,
                        Some(start + 40),
                    );
                    let dg = &mut inner.asgs[gi];
                    dg.g.members.push(m);
                    dg.activities.push(a);
                }
            }
        }
    }

    /// Brings every group up to date: members follow their instances, stopped members are
    /// replaced, capacity is launched or terminated, a running refresh goes on.
    pub(super) fn advance_groups(&self, inner: &mut Inner, now: Instant) {
        for gi in 0..inner.asgs.len() {
            self.advance_group(inner, gi, now);
        }
        // a group being deleted goes once its instances have
        inner
            .asgs
            .retain(|d| !(d.g.status == "Delete in progress" && d.g.members.is_empty()));
    }

    fn group_index(inner: &Inner, name: &str) -> ApiResult<usize> {
        inner
            .asgs
            .iter()
            .position(|d| d.g.name == name)
            .ok_or_else(|| no_group(name))
    }
}

/// A group as the API answers it: members sorted by id.
fn answer(d: &DemoGroup) -> AutoScalingGroup {
    let mut g = d.g.clone();
    g.members.sort_by(|a, b| a.instance_id.cmp(&b.instance_id));
    g
}
