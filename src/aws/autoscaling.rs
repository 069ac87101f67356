//! Auto Scaling: the domain types of the `AutoScalingApi` port (groups, their members, scaling
//! activities, instance refreshes, launch configurations).

use super::{clean, clean_multiline, clean_pairs, is_control};

/// The tag Auto Scaling puts on every instance it launches.
pub const GROUP_TAG: &str = "aws:autoscaling:groupName";

/// The launch template a group launches from: `version` is `$Latest`, `$Default` or a number.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TemplateRef {
    pub id: String,
    pub name: String,
    pub version: String,
}

/// One instance of a group, as Auto Scaling sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupMember {
    pub instance_id: String,
    pub az: String,
    /// `Pending`, `InService`, `Terminating`, `Terminated`, `Standby`...
    pub lifecycle: String,
    /// `Healthy` or `Unhealthy`.
    pub health: String,
    /// The template version it was launched from (a number), when from a template.
    pub template_version: String,
    /// The launch configuration it was launched from, when from one.
    pub launch_configuration: String,
    pub instance_type: String,
}

impl GroupMember {
    pub fn in_service(&self) -> bool {
        self.lifecycle == "InService"
    }
    pub fn healthy(&self) -> bool {
        self.health == "Healthy"
    }
    /// Terminating or gone: no longer counted by the group.
    pub fn leaving(&self) -> bool {
        self.lifecycle.starts_with("Terminat")
    }
}

/// An Auto Scaling group.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AutoScalingGroup {
    pub name: String,
    pub template: Option<TemplateRef>,
    pub launch_configuration: String,
    pub min: i32,
    pub desired: i32,
    pub max: i32,
    pub members: Vec<GroupMember>,
    pub azs: Vec<String>,
    /// `EC2` or `ELB`.
    pub health_check_type: String,
    /// Set while the group is being deleted ("Delete in progress").
    pub status: String,
    pub created: Option<i64>,
    pub tags: Vec<(String, String)>,
}

/// One scaling activity of a group.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScalingActivity {
    pub id: String,
    pub group: String,
    /// `Successful`, `InProgress`, `Failed`, `Cancelled`...
    pub status: String,
    pub description: String,
    pub cause: String,
    pub start: Option<i64>,
    pub end: Option<i64>,
}

/// An instance refresh of a group.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InstanceRefresh {
    pub id: String,
    pub group: String,
    /// `Pending`, `InProgress`, `Successful`, `Failed`, `Cancelling`, `Cancelled`...
    pub status: String,
    pub reason: String,
    pub percentage: i32,
    pub to_update: i32,
    pub min_healthy: i32,
    pub start: Option<i64>,
    pub end: Option<i64>,
}

impl InstanceRefresh {
    /// Still replacing (or about to): a second one cannot start, this one can be cancelled.
    pub fn running(&self) -> bool {
        matches!(
            self.status.as_str(),
            "Pending" | "InProgress" | "Cancelling"
        )
    }
}

/// A launch configuration (the legacy way a group says how to launch).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LaunchConfiguration {
    pub name: String,
    pub image_id: String,
    pub instance_type: String,
    pub key_name: String,
    /// Security group ids (or names, in EC2-Classic days).
    pub security_groups: Vec<String>,
    /// Decoded.
    pub user_data: Option<String>,
    pub iam_profile: String,
    pub created: Option<i64>,
}

fn c(s: &mut String) {
    if s.chars().any(is_control) {
        *s = clean(s);
    }
}

/// Cleans every string of a group in place.
pub fn clean_group(g: &mut AutoScalingGroup) {
    for s in [
        &mut g.name,
        &mut g.launch_configuration,
        &mut g.health_check_type,
        &mut g.status,
    ] {
        c(s);
    }
    if let Some(t) = &mut g.template {
        for s in [&mut t.id, &mut t.name, &mut t.version] {
            c(s);
        }
    }
    for m in &mut g.members {
        for s in [
            &mut m.instance_id,
            &mut m.az,
            &mut m.lifecycle,
            &mut m.health,
            &mut m.template_version,
            &mut m.launch_configuration,
            &mut m.instance_type,
        ] {
            c(s);
        }
    }
    for s in &mut g.azs {
        c(s);
    }
    clean_pairs(&mut g.tags);
}

pub fn clean_activity(a: &mut ScalingActivity) {
    for s in [
        &mut a.id,
        &mut a.group,
        &mut a.status,
        &mut a.description,
        &mut a.cause,
    ] {
        c(s);
    }
}

pub fn clean_refresh(r: &mut InstanceRefresh) {
    for s in [&mut r.id, &mut r.group, &mut r.status, &mut r.reason] {
        c(s);
    }
}

pub fn clean_launch_configuration(l: &mut LaunchConfiguration) {
    for s in [
        &mut l.name,
        &mut l.image_id,
        &mut l.instance_type,
        &mut l.key_name,
        &mut l.iam_profile,
    ] {
        c(s);
    }
    for s in &mut l.security_groups {
        c(s);
    }
    if let Some(u) = &mut l.user_data {
        *u = clean_multiline(u);
    }
}
