//! The `AutoScalingApi` calls the demo region answers.

use std::time::Instant;

use futures::future::BoxFuture;

use super::{answer, validation};
use crate::aws::demo::DemoRegion;
use crate::aws::{
    ApiError, ApiResult, AutoScalingApi, AutoScalingGroup, InstanceRefresh, LaunchConfiguration,
    Page, ScalingActivity, TemplateRef, clean_group, clean_refresh,
};

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
