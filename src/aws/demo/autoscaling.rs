//! `AutoScalingApi` of the demo region: groups that act like Auto Scaling. Whenever the region
//! is looked at, each group compares its members with its desired capacity and launches or
//! terminates instances (real demo instances, tagged `aws:autoscaling:groupName`, that take
//! the region's transition time to start and stop); a stopped member is unhealthy and is
//! replaced; an instance refresh replaces old members a few at a time within its minimum
//! healthy percentage; every launch and termination is a scaling activity.

use std::time::{Duration, Instant};

use futures::future::BoxFuture;

use super::{DEMO_EPOCH, DemoRegion, Inner, now_epoch};
use crate::aws::{
    ApiError, ApiResult, AutoScalingApi, AutoScalingGroup, GROUP_TAG, GroupMember, InstanceRefresh,
    InstanceState, LaunchConfiguration, LaunchSpec, Page, ScalingActivity, TemplateRef,
    clean_activity, clean_group, clean_launch_configuration, clean_refresh,
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

    fn advance_group(&self, inner: &mut Inner, gi: usize, now: Instant) {
        let epoch_now = self.wall();
        // members follow their instances
        let mut gone = Vec::new();
        {
            let Inner {
                asgs, fleet, index, ..
            } = &mut *inner;
            let dg = &mut asgs[gi];
            for m in &mut dg.g.members {
                let state = index.get(&m.instance_id).map(|&i| fleet[i].inst.state);
                match state {
                    None | Some(InstanceState::Terminated) => gone.push(m.instance_id.clone()),
                    Some(InstanceState::Pending) => {
                        m.lifecycle = "Pending".into();
                        m.health = "Healthy".into();
                    }
                    Some(InstanceState::Running) => {
                        m.lifecycle = "InService".into();
                        m.health = "Healthy".into();
                    }
                    Some(InstanceState::ShuttingDown) => m.lifecycle = "Terminating".into(),
                    Some(_) => m.health = "Unhealthy".into(),
                }
            }
            dg.g.members.retain(|m| !gone.contains(&m.instance_id));
            // activities end with what they waited for
            for a in dg
                .activities
                .iter_mut()
                .filter(|a| a.status == "InProgress")
            {
                let Some(id) = a.description.rsplit(' ').next() else {
                    continue;
                };
                let done = if a.description.starts_with("Launching") {
                    dg.g.members
                        .iter()
                        .any(|m| m.instance_id == id && m.in_service())
                        || !dg.g.members.iter().any(|m| m.instance_id == id)
                } else {
                    gone.iter().any(|g| g == id)
                };
                if done {
                    a.status = "Successful".into();
                    a.end = Some(epoch_now);
                }
            }
        }
        let deleting = inner.asgs[gi].g.status == "Delete in progress";
        // unhealthy members are replaced
        let unhealthy: Vec<String> = inner.asgs[gi]
            .g
            .members
            .iter()
            .filter(|m| !m.healthy() && !m.leaving())
            .map(|m| m.instance_id.clone())
            .collect();
        for id in unhealthy {
            self.terminate_member(
                inner,
                gi,
                &id,
                now,
                "an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.".into(),
            );
        }
        if deleting {
            return;
        }
        // the refresh goes on within its minimum healthy percentage
        self.advance_refresh(inner, gi, now);
        // capacity
        let g = inner.asgs[gi].g.clone();
        let active: Vec<&GroupMember> = g.members.iter().filter(|m| !m.leaving()).collect();
        let n = active.len() as i32;
        if n < g.desired {
            if inner.asgs[gi].retry_at.is_some_and(|t| now < t) {
                return;
            }
            for _ in n..g.desired {
                self.launch_member(inner, gi, now);
            }
        } else if n > g.desired {
            // the old ones first, then the oldest
            let mut order: Vec<&GroupMember> = active.clone();
            order.sort_by_key(|m| {
                let launched = inner
                    .index
                    .get(&m.instance_id)
                    .and_then(|&i| inner.fleet[i].inst.launch_time);
                (!inner.is_old(&g, m), launched)
            });
            let ids: Vec<String> = order
                .iter()
                .take((n - g.desired) as usize)
                .map(|m| m.instance_id.clone())
                .collect();
            for id in ids {
                self.terminate_member(
                    inner,
                    gi,
                    &id,
                    now,
                    format!(
                        "an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from {n} to {}.",
                        g.desired
                    ),
                );
            }
        }
    }

    fn advance_refresh(&self, inner: &mut Inner, gi: usize, now: Instant) {
        let Some(r) = inner.asgs[gi].refreshes.last().cloned() else {
            return;
        };
        if !matches!(r.status.as_str(), "Pending" | "InProgress") {
            return;
        }
        let g = inner.asgs[gi].g.clone();
        let todo = &inner.asgs[gi].refresh_todo;
        let old: Vec<&GroupMember> = g
            .members
            .iter()
            .filter(|m| !m.leaving() && todo.contains(&m.instance_id))
            .collect();
        let healthy = g
            .members
            .iter()
            .filter(|m| !m.leaving() && m.in_service() && m.healthy())
            .count() as i32;
        // at most this many out of service at once (one at least, or nothing would move)
        let keep = (g.desired * r.min_healthy + 99) / 100;
        let allowed_out = (g.desired - keep).max(1);
        let may_go = (allowed_out - (g.desired - healthy)).max(0);
        let dg = &mut inner.asgs[gi];
        let to_update = r.to_update.max(1);
        let last = dg.refreshes.last_mut().expect("a refresh");
        last.status = "InProgress".into();
        last.percentage = (100 * dg.refreshed / to_update).min(100);
        if old.is_empty() && healthy >= g.desired {
            last.status = "Successful".into();
            last.percentage = 100;
            last.end = Some(self.wall());
            last.reason = String::new();
            return;
        }
        last.reason = format!(
            "Waiting for instances to warm up before continuing. For example: {} is warming up.",
            g.members
                .iter()
                .find(|m| !m.in_service())
                .map(|m| m.instance_id.as_str())
                .unwrap_or("-")
        );
        let ids: Vec<String> = old
            .iter()
            .filter(|m| m.in_service())
            .take(may_go as usize)
            .map(|m| m.instance_id.clone())
            .collect();
        for id in ids {
            inner.asgs[gi].refreshed += 1;
            self.terminate_member(
                inner,
                gi,
                &id,
                now,
                format!(
                    "an instance was taken out of service in response to an instance refresh ({}).",
                    r.id
                ),
            );
        }
    }

    fn launch_member(&self, inner: &mut Inner, gi: usize, now: Instant) {
        let g = inner.asgs[gi].g.clone();
        // the zone with the fewest members
        let az = g
            .azs
            .iter()
            .min_by_key(|az| {
                g.members
                    .iter()
                    .filter(|m| !m.leaving() && &m.az == *az)
                    .count()
            })
            .cloned()
            .unwrap_or_else(|| self.azs[0].to_string());
        let n = g.members.iter().filter(|m| !m.leaving()).count();
        let cause = inner.asgs[gi].cause.clone().unwrap_or_default();
        let at = crate::aws::fmt_time(self.wall());
        let why = format!(
            "{cause}At {at} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from {n} to {}.",
            n + 1
        );
        let launched = inner
            .member_spec(&g, &az)
            .and_then(|(spec, version)| Ok((self.launch_in(inner, &spec, false, now)?, version)));
        let act_id = Self::fresh_id(inner, "act");
        match launched {
            Ok((ids, version)) => {
                for i in ids {
                    let inst = inner.fleet[i].inst.clone();
                    let dg = &mut inner.asgs[gi];
                    dg.g.members.push(GroupMember {
                        instance_id: inst.id.clone(),
                        az: inst.az.clone(),
                        lifecycle: "Pending".into(),
                        health: "Healthy".into(),
                        template_version: version.clone(),
                        launch_configuration: g.launch_configuration.clone(),
                        instance_type: inst.instance_type.clone(),
                    });
                    dg.activities.push(activity(
                        act_id.clone(),
                        &g.name,
                        "InProgress",
                        format!("Launching a new EC2 instance: {}", inst.id),
                        why.clone(),
                        self.wall(),
                        None,
                    ));
                    dg.retry_at = None;
                }
            }
            Err(e) => {
                let dg = &mut inner.asgs[gi];
                dg.retry_at = Some(now + RETRY);
                dg.activities.push(activity(
                    act_id,
                    &g.name,
                    "Failed",
                    format!(
                        "Launching a new EC2 instance. Status Reason: {}",
                        e.describe()
                    ),
                    why,
                    self.wall(),
                    Some(self.wall()),
                ));
            }
        }
        inner.asgs[gi].cause = None;
    }

    /// Terminates a member's instance (it stays a `Terminating` member until it is gone).
    fn terminate_member(&self, inner: &mut Inner, gi: usize, id: &str, now: Instant, why: String) {
        let Some(&i) = inner.index.get(id) else {
            return;
        };
        {
            let d = &mut inner.fleet[i];
            if matches!(
                d.inst.state,
                InstanceState::ShuttingDown | InstanceState::Terminated
            ) {
                return;
            }
            d.inst.state = InstanceState::ShuttingDown;
            d.next = Some((now + self.transition, InstanceState::Terminated));
            d.inst.public_ip.clear();
            d.inst.public_dns.clear();
            // Auto Scaling terminates whatever the instance's protection says
            d.protected = false;
        }
        Self::track(inner, i);
        let act_id = Self::fresh_id(inner, "act");
        let cause = inner.asgs[gi].cause.clone().unwrap_or_default();
        let at = crate::aws::fmt_time(self.wall());
        let dg = &mut inner.asgs[gi];
        if let Some(m) = dg.g.members.iter_mut().find(|m| m.instance_id == id) {
            m.lifecycle = "Terminating".into();
        }
        dg.activities.push(activity(
            act_id,
            &dg.g.name.clone(),
            "InProgress",
            format!("Terminating EC2 instance: {id}"),
            format!("{cause}At {at} {why}"),
            self.wall(),
            None,
        ));
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

impl AutoScalingApi for DemoRegion {
    fn list_groups(
        &self,
        _next_token: Option<String>,
    ) -> BoxFuture<'_, ApiResult<Page<AutoScalingGroup>>> {
        Box::pin(async move {
            self.delay().await;
            let inner = self.lock();
            Ok(Page {
                items: inner.asgs.iter().map(answer).collect(),
                next_token: None,
            })
        })
    }

    fn describe_groups(
        &self,
        names: Vec<String>,
    ) -> BoxFuture<'_, ApiResult<Vec<AutoScalingGroup>>> {
        Box::pin(async move {
            self.delay().await;
            let inner = self.lock();
            Ok(inner
                .asgs
                .iter()
                .filter(|d| names.contains(&d.g.name))
                .map(answer)
                .collect())
        })
    }

    fn activities(&self, group: String) -> BoxFuture<'_, ApiResult<Vec<ScalingActivity>>> {
        Box::pin(async move {
            self.delay().await;
            let inner = self.lock();
            let gi = Self::group_index(&inner, &group)?;
            Ok(inner.asgs[gi]
                .activities
                .iter()
                .rev()
                .take(20)
                .cloned()
                .collect())
        })
    }

    fn refreshes(&self, group: String) -> BoxFuture<'_, ApiResult<Vec<InstanceRefresh>>> {
        Box::pin(async move {
            self.delay().await;
            let inner = self.lock();
            let gi = Self::group_index(&inner, &group)?;
            Ok(inner.asgs[gi].refreshes.iter().rev().cloned().collect())
        })
    }

    fn set_capacity(
        &self,
        group: String,
        min: i32,
        desired: i32,
        max: i32,
    ) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.delay().await;
            let mut inner = self.lock();
            let gi = Self::group_index(&inner, &group)?;
            if min > max {
                return Err(validation(format!(
                    "Max bound, {max}, must be greater than or equal to min bound, {min}"
                )));
            }
            if desired < min || desired > max {
                return Err(validation(format!(
                    "Desired capacity:{desired} must be between the specified min size:{min} and max size:{max}"
                )));
            }
            let dg = &mut inner.asgs[gi];
            dg.cause = Some(format!(
                "At {} a user request update of AutoScalingGroup constraints to min: {min}, max: {max}, desired: {desired} changing the desired capacity from {} to {desired}. ",
                crate::aws::fmt_time(self.wall()),
                dg.g.desired
            ));
            dg.g.min = min;
            dg.g.desired = desired;
            dg.g.max = max;
            dg.retry_at = None;
            self.advance(&mut inner, Instant::now());
            Ok(())
        })
    }

    fn set_group_template(
        &self,
        group: String,
        template_id: String,
        version: String,
    ) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.delay().await;
            let mut inner = self.lock();
            let gi = Self::group_index(&inner, &group)?;
            let Some(t) = inner.templates.iter().find(|t| t.t.id == template_id) else {
                return Err(validation(format!(
                    "The specified launch template, with template ID {template_id}, does not exist."
                )));
            };
            let ok = match version.as_str() {
                "$Latest" | "$Default" => true,
                n => n
                    .parse::<i64>()
                    .is_ok_and(|n| t.versions.iter().any(|v| v.number == n)),
            };
            if !ok {
                return Err(validation(format!(
                    "The specified launch template, with template ID {template_id}, version {version}, does not exist."
                )));
            }
            let name = t.t.name.clone();
            let dg = &mut inner.asgs[gi];
            dg.g.template = Some(TemplateRef {
                id: template_id,
                name,
                version,
            });
            dg.g.launch_configuration.clear();
            clean_group(&mut dg.g);
            dg.retry_at = None;
            Ok(())
        })
    }

    fn terminate_in_group(
        &self,
        instance_id: String,
        decrement: bool,
    ) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.delay().await;
            let mut inner = self.lock();
            let Some(gi) = inner
                .asgs
                .iter()
                .position(|d| d.g.members.iter().any(|m| m.instance_id == instance_id))
            else {
                return Err(validation(format!(
                    "Instance Id not found - No managed instance found for instance ID: {instance_id}"
                )));
            };
            let now = Instant::now();
            let at = crate::aws::fmt_time(self.wall());
            let dg = &mut inner.asgs[gi];
            let why = if decrement {
                if dg.g.desired - 1 < dg.g.min {
                    return Err(validation(format!(
                        "Currently, desiredSize equals minSize ({}). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.",
                        dg.g.min
                    )));
                }
                dg.g.desired -= 1;
                format!(
                    "an instance was taken out of service in response to a user request, shrinking the capacity from {} to {}.",
                    dg.g.desired + 1,
                    dg.g.desired
                )
            } else {
                let _ = at;
                "an instance was taken out of service in response to a user request.".to_string()
            };
            self.terminate_member(&mut inner, gi, &instance_id, now, why);
            self.advance(&mut inner, now);
            Ok(())
        })
    }

    fn start_refresh(&self, group: String, min_healthy: i32) -> BoxFuture<'_, ApiResult<String>> {
        Box::pin(async move {
            self.delay().await;
            let mut inner = self.lock();
            let gi = Self::group_index(&inner, &group)?;
            if inner.asgs[gi].refreshes.last().is_some_and(|r| r.running()) {
                return Err(ApiError::service(
                    "InstanceRefreshInProgress",
                    format!(
                        "An Instance Refresh is already in progress and blocks the execution of this Instance Refresh for group {group}."
                    ),
                ));
            }
            if !(0..=100).contains(&min_healthy) {
                return Err(validation("MinHealthyPercentage must be between 0 and 100"));
            }
            let id = Self::fresh_id(&mut inner, "ir").replace("ir-", "");
            let g = inner.asgs[gi].g.clone();
            let todo: Vec<String> = g
                .members
                .iter()
                .filter(|m| !m.leaving())
                .map(|m| m.instance_id.clone())
                .collect();
            let to_update = todo.len() as i32;
            let mut r = InstanceRefresh {
                id: id.clone(),
                group: group.clone(),
                status: "Pending".into(),
                reason: String::new(),
                percentage: 0,
                to_update,
                min_healthy,
                start: Some(self.wall()),
                end: None,
            };
            clean_refresh(&mut r);
            let dg = &mut inner.asgs[gi];
            dg.refreshes.push(r);
            dg.refreshed = 0;
            dg.refresh_todo = todo;
            Ok(id)
        })
    }

    fn cancel_refresh(&self, group: String) -> BoxFuture<'_, ApiResult<String>> {
        Box::pin(async move {
            self.delay().await;
            let mut inner = self.lock();
            let gi = Self::group_index(&inner, &group)?;
            match inner.asgs[gi].refreshes.last_mut() {
                Some(r) if r.running() => {
                    r.status = "Cancelled".into();
                    r.end = Some(self.wall());
                    r.reason = "Cancelled by a user request.".into();
                    Ok(r.id.clone())
                }
                _ => Err(ApiError::service(
                    "ActiveInstanceRefreshNotFound",
                    format!(
                        "No in progress or pending Instance Refresh found for Auto Scaling group {group}"
                    ),
                )),
            }
        })
    }

    fn delete_group(&self, group: String, force: bool) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.delay().await;
            let mut inner = self.lock();
            let gi = Self::group_index(&inner, &group)?;
            if inner.asgs[gi].g.members.is_empty() {
                inner.asgs.remove(gi);
                return Ok(());
            }
            if !force {
                return Err(ApiError::service(
                    "ResourceInUse",
                    "You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.",
                ));
            }
            let now = Instant::now();
            let ids: Vec<String> = inner.asgs[gi]
                .g
                .members
                .iter()
                .map(|m| m.instance_id.clone())
                .collect();
            inner.asgs[gi].g.status = "Delete in progress".into();
            inner.asgs[gi].g.desired = 0;
            inner.asgs[gi].g.min = 0;
            for id in ids {
                self.terminate_member(
                    &mut inner,
                    gi,
                    &id,
                    now,
                    "an instance was taken out of service in response to a user request to delete the group.".into(),
                );
            }
            Ok(())
        })
    }

    fn list_launch_configurations(
        &self,
        _next_token: Option<String>,
    ) -> BoxFuture<'_, ApiResult<Page<LaunchConfiguration>>> {
        Box::pin(async move {
            self.delay().await;
            let inner = self.lock();
            Ok(Page {
                items: inner.launch_configs.clone(),
                next_token: None,
            })
        })
    }

    fn delete_launch_configuration(&self, name: String) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.delay().await;
            let mut inner = self.lock();
            if !inner.launch_configs.iter().any(|l| l.name == name) {
                return Err(validation(format!(
                    "Launch configuration name not found - Launch configuration {name} not found"
                )));
            }
            if let Some(g) = inner.asgs.iter().find(|d| d.g.launch_configuration == name) {
                return Err(ApiError::service(
                    "ResourceInUse",
                    format!(
                        "Cannot delete launch configuration {name} because it is attached to AutoScalingGroup {}",
                        g.g.name
                    ),
                ));
            }
            inner.launch_configs.retain(|l| l.name != name);
            Ok(())
        })
    }
}
