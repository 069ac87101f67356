//! Auto Scaling calls: capacity, the group's template, terminating members in their group,
//! instance refreshes, deleting groups and launch configurations.

use futures::future::BoxFuture;

use crate::aws::*;

/// `DeleteLaunchConfiguration`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteLaunchConfiguration {
    pub name: String,
}

impl Mutation for DeleteLaunchConfiguration {
    fn record(&self) -> Record {
        Record::new("DeleteLaunchConfiguration", vec![self.name.clone()])
    }
    fn is_destructive(&self) -> bool {
        true
    }
    fn describe(&self) -> String {
        format!("delete launch configuration {}", self.name)
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        Box::pin(async move {
            api.delete_launch_configuration(self.name.clone())
                .await
                .map(|()| Outcome::Done)
        })
    }
    fn cli(&self, _region: &str) -> Vec<CliLine> {
        vec![argv(&[
            "autoscaling",
            "delete-launch-configuration",
            "--launch-configuration-name",
            &self.name,
        ])]
    }
}

/// `UpdateAutoScalingGroup` with min, desired and max.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetCapacity {
    pub group: String,
    pub min: i32,
    pub desired: i32,
    pub max: i32,
}

impl Mutation for SetCapacity {
    fn record(&self) -> Record {
        Record::new("UpdateAutoScalingGroup", vec![self.group.clone()])
            .param("minSize", self.min)
            .param("desiredCapacity", self.desired)
            .param("maxSize", self.max)
    }
    fn describe(&self) -> String {
        format!(
            "set {} to min {}, desired {}, max {}",
            self.group, self.min, self.desired, self.max
        )
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        Box::pin(async move {
            api.set_capacity(self.group.clone(), self.min, self.desired, self.max)
                .await
                .map(|()| Outcome::Done)
        })
    }
    fn cli(&self, _region: &str) -> Vec<CliLine> {
        vec![argv(&[
            "autoscaling",
            "update-auto-scaling-group",
            "--auto-scaling-group-name",
            &self.group,
            "--min-size",
            &self.min.to_string(),
            "--desired-capacity",
            &self.desired.to_string(),
            "--max-size",
            &self.max.to_string(),
        ])]
    }
}

/// `UpdateAutoScalingGroup` with a launch template and version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetGroupTemplate {
    pub group: String,
    pub template_id: String,
    pub template_name: String,
    pub version: String,
}

impl Mutation for SetGroupTemplate {
    fn record(&self) -> Record {
        Record::new("UpdateAutoScalingGroup", vec![self.group.clone()])
            .param("launchTemplateId", &self.template_id)
            .param("version", &self.version)
    }
    fn describe(&self) -> String {
        format!(
            "point {} at launch template {} version {}",
            self.group, self.template_name, self.version
        )
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        Box::pin(async move {
            api.set_group_template(
                self.group.clone(),
                self.template_id.clone(),
                self.version.clone(),
            )
            .await
            .map(|()| Outcome::Done)
        })
    }
    fn cli(&self, _region: &str) -> Vec<CliLine> {
        let spec = serde_json::json!({
            "LaunchTemplateId": self.template_id,
            "Version": self.version,
        });
        vec![argv(&[
            "autoscaling",
            "update-auto-scaling-group",
            "--auto-scaling-group-name",
            &self.group,
            "--launch-template",
            &spec.to_string(),
        ])]
    }
}

/// `TerminateInstanceInAutoScalingGroup`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminateInGroup {
    pub instance: Target,
    pub group: String,
    /// Lower the desired capacity (no replacement).
    pub decrement: bool,
}

impl Mutation for TerminateInGroup {
    fn record(&self) -> Record {
        Record::new(
            "TerminateInstanceInAutoScalingGroup",
            vec![self.instance.id.clone()],
        )
        .param("group", &self.group)
        .param("shouldDecrementDesiredCapacity", self.decrement)
    }
    fn is_destructive(&self) -> bool {
        true
    }
    fn describe(&self) -> String {
        if self.decrement {
            format!(
                "terminate {} in {}, lowering its desired capacity",
                self.instance.label(),
                self.group
            )
        } else {
            format!(
                "terminate {} in {} (the group replaces it)",
                self.instance.label(),
                self.group
            )
        }
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        Box::pin(async move {
            api.terminate_in_group(self.instance.id.clone(), self.decrement)
                .await
                .map(|()| Outcome::Done)
        })
    }
    fn verify<'a>(&'a self, api: &'a dyn Ec2Api) -> Option<BoxFuture<'a, ApiResult<bool>>> {
        // made: the instance has left the group, or is on its way out
        Some(Box::pin(async move {
            let groups = api.describe_groups(vec![self.group.clone()]).await?;
            if groups.is_empty() {
                // the group itself is not there: that says nothing of the call
                return Err(crate::aws::ApiError::other(
                    crate::aws::ErrorKind::Other,
                    format!("group {} is not listed", self.group),
                ));
            }
            Ok(groups.iter().all(|g| {
                g.members
                    .iter()
                    .filter(|m| m.instance_id == self.instance.id)
                    .all(|m| m.lifecycle.starts_with("Terminat"))
            }))
        }))
    }
    fn cli(&self, _region: &str) -> Vec<CliLine> {
        vec![argv(&[
            "autoscaling",
            "terminate-instance-in-auto-scaling-group",
            "--instance-id",
            &self.instance.id,
            if self.decrement {
                "--should-decrement-desired-capacity"
            } else {
                "--no-should-decrement-desired-capacity"
            },
        ])]
    }
}

/// `StartInstanceRefresh`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartRefresh {
    pub group: String,
    pub min_healthy: i32,
}

impl Mutation for StartRefresh {
    fn record(&self) -> Record {
        Record::new("StartInstanceRefresh", vec![self.group.clone()])
            .param("minHealthyPercentage", self.min_healthy)
    }
    fn describe(&self) -> String {
        format!(
            "start an instance refresh of {} (at least {}% healthy)",
            self.group, self.min_healthy
        )
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        Box::pin(async move {
            api.start_refresh(self.group.clone(), self.min_healthy)
                .await
                .map(Outcome::Created)
        })
    }
    fn cli(&self, _region: &str) -> Vec<CliLine> {
        let prefs = serde_json::json!({ "MinHealthyPercentage": self.min_healthy });
        vec![argv(&[
            "autoscaling",
            "start-instance-refresh",
            "--auto-scaling-group-name",
            &self.group,
            "--preferences",
            &prefs.to_string(),
        ])]
    }
}

/// `CancelInstanceRefresh`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelRefresh {
    pub group: String,
}

impl Mutation for CancelRefresh {
    fn record(&self) -> Record {
        Record::new("CancelInstanceRefresh", vec![self.group.clone()])
    }
    fn describe(&self) -> String {
        format!("cancel the instance refresh of {}", self.group)
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        Box::pin(async move {
            api.cancel_refresh(self.group.clone())
                .await
                .map(Outcome::Created)
        })
    }
    fn cli(&self, _region: &str) -> Vec<CliLine> {
        vec![argv(&[
            "autoscaling",
            "cancel-instance-refresh",
            "--auto-scaling-group-name",
            &self.group,
        ])]
    }
}

/// `DeleteAutoScalingGroup`, with `ForceDelete` when its instances go too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteGroup {
    pub group: String,
    pub force: bool,
    pub instances: Vec<String>,
}

impl Mutation for DeleteGroup {
    fn record(&self) -> Record {
        Record::new("DeleteAutoScalingGroup", vec![self.group.clone()])
            .param("forceDelete", self.force)
            .param("instances", self.instances.join(","))
    }
    fn is_destructive(&self) -> bool {
        true
    }
    fn describe(&self) -> String {
        if self.force && !self.instances.is_empty() {
            format!(
                "delete group {} and terminate its {} instance{}",
                self.group,
                self.instances.len(),
                if self.instances.len() == 1 { "" } else { "s" }
            )
        } else {
            format!("delete group {}", self.group)
        }
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        Box::pin(async move {
            api.delete_group(self.group.clone(), self.force)
                .await
                .map(|()| Outcome::Done)
        })
    }
    fn cli(&self, _region: &str) -> Vec<CliLine> {
        let mut line = argv(&[
            "autoscaling",
            "delete-auto-scaling-group",
            "--auto-scaling-group-name",
            &self.group,
        ]);
        if self.force {
            line.push("--force-delete".into());
        }
        vec![line]
    }
}
