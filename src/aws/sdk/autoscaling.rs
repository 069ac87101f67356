//! `AutoScalingApi` over aws-sdk-autoscaling (the same configuration as the EC2 client), and
//! the conversion of its types.

use aws_sdk_autoscaling::types::{LaunchTemplateSpecification, RefreshPreferences};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use futures::future::BoxFuture;

use super::{SdkEc2, map_err, page_token, s};
use crate::aws::{
    ApiResult, AutoScalingApi, AutoScalingGroup, GroupMember, InstanceRefresh, LaunchConfiguration,
    Page, ScalingActivity, TemplateRef, clean_activity, clean_group, clean_launch_configuration,
    clean_refresh,
};

fn template_ref(t: &LaunchTemplateSpecification) -> TemplateRef {
    TemplateRef {
        id: s(t.launch_template_id()),
        name: s(t.launch_template_name()),
        version: s(t.version()),
    }
}

fn to_group(g: &aws_sdk_autoscaling::types::AutoScalingGroup) -> AutoScalingGroup {
    let template = g.launch_template().map(template_ref).or_else(|| {
        g.mixed_instances_policy()
            .and_then(|p| p.launch_template())
            .and_then(|t| t.launch_template_specification())
            .map(template_ref)
    });
    let mut out = AutoScalingGroup {
        name: s(g.auto_scaling_group_name()),
        template,
        launch_configuration: s(g.launch_configuration_name()),
        min: g.min_size().unwrap_or_default(),
        desired: g.desired_capacity().unwrap_or_default(),
        max: g.max_size().unwrap_or_default(),
        members: g
            .instances()
            .iter()
            .map(|i| GroupMember {
                instance_id: s(i.instance_id()),
                az: s(i.availability_zone()),
                lifecycle: s(i.lifecycle_state().map(|l| l.as_str())),
                health: s(i.health_status()),
                template_version: s(i.launch_template().and_then(|t| t.version())),
                launch_configuration: s(i.launch_configuration_name()),
                instance_type: s(i.instance_type()),
            })
            .collect(),
        azs: g.availability_zones().to_vec(),
        health_check_type: s(g.health_check_type()),
        status: s(g.status()),
        created: g.created_time().map(|t| t.secs()),
        tags: g
            .tags()
            .iter()
            .map(|t| (s(t.key()), s(t.value())))
            .collect(),
    };
    clean_group(&mut out);
    out
}

fn to_refresh(r: &aws_sdk_autoscaling::types::InstanceRefresh) -> InstanceRefresh {
    let mut out = InstanceRefresh {
        id: s(r.instance_refresh_id()),
        group: s(r.auto_scaling_group_name()),
        status: s(r.status().map(|x| x.as_str())),
        reason: s(r.status_reason()),
        percentage: r.percentage_complete().unwrap_or_default(),
        to_update: r.instances_to_update().unwrap_or_default(),
        min_healthy: r
            .preferences()
            .and_then(|p| p.min_healthy_percentage())
            .unwrap_or_default(),
        start: r.start_time().map(|t| t.secs()),
        end: r.end_time().map(|t| t.secs()),
    };
    clean_refresh(&mut out);
    out
}

impl AutoScalingApi for SdkEc2 {
    fn list_groups(
        &self,
        next_token: Option<String>,
    ) -> BoxFuture<'_, ApiResult<Page<AutoScalingGroup>>> {
        Box::pin(async move {
            let out = self
                .autoscaling
                .describe_auto_scaling_groups()
                .max_records(100)
                .set_next_token(next_token)
                .send()
                .await
                .map_err(map_err)?;
            Ok(Page {
                items: out.auto_scaling_groups().iter().map(to_group).collect(),
                next_token: page_token(out.next_token()),
            })
        })
    }

    fn describe_groups(
        &self,
        names: Vec<String>,
    ) -> BoxFuture<'_, ApiResult<Vec<AutoScalingGroup>>> {
        Box::pin(async move {
            let out = self
                .autoscaling
                .describe_auto_scaling_groups()
                .set_auto_scaling_group_names(Some(names))
                .send()
                .await
                .map_err(map_err)?;
            Ok(out.auto_scaling_groups().iter().map(to_group).collect())
        })
    }

    fn activities(&self, group: String) -> BoxFuture<'_, ApiResult<Vec<ScalingActivity>>> {
        Box::pin(async move {
            let out = self
                .autoscaling
                .describe_scaling_activities()
                .auto_scaling_group_name(group)
                .max_records(20)
                .send()
                .await
                .map_err(map_err)?;
            let mut v: Vec<ScalingActivity> = out
                .activities()
                .iter()
                .map(|a| {
                    let mut x = ScalingActivity {
                        id: s(a.activity_id()),
                        group: s(a.auto_scaling_group_name()),
                        status: s(a.status_code().map(|c| c.as_str())),
                        description: s(a.description()),
                        cause: s(a.cause()),
                        start: a.start_time().map(|t| t.secs()),
                        end: a.end_time().map(|t| t.secs()),
                    };
                    clean_activity(&mut x);
                    x
                })
                .collect();
            v.sort_by_key(|a| std::cmp::Reverse(a.start));
            Ok(v)
        })
    }

    fn refreshes(&self, group: String) -> BoxFuture<'_, ApiResult<Vec<InstanceRefresh>>> {
        Box::pin(async move {
            let out = self
                .autoscaling
                .describe_instance_refreshes()
                .auto_scaling_group_name(group)
                .send()
                .await
                .map_err(map_err)?;
            let mut v: Vec<InstanceRefresh> =
                out.instance_refreshes().iter().map(to_refresh).collect();
            v.sort_by_key(|r| std::cmp::Reverse(r.start));
            Ok(v)
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
            self.autoscaling
                .update_auto_scaling_group()
                .auto_scaling_group_name(group)
                .min_size(min)
                .desired_capacity(desired)
                .max_size(max)
                .send()
                .await
                .map_err(map_err)?;
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
            self.autoscaling
                .update_auto_scaling_group()
                .auto_scaling_group_name(group)
                .launch_template(
                    LaunchTemplateSpecification::builder()
                        .launch_template_id(template_id)
                        .version(version)
                        .build(),
                )
                .send()
                .await
                .map_err(map_err)?;
            Ok(())
        })
    }

    fn terminate_in_group(
        &self,
        instance_id: String,
        decrement: bool,
    ) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.autoscaling
                .terminate_instance_in_auto_scaling_group()
                .instance_id(instance_id)
                .should_decrement_desired_capacity(decrement)
                .send()
                .await
                .map_err(map_err)?;
            Ok(())
        })
    }

    fn start_refresh(&self, group: String, min_healthy: i32) -> BoxFuture<'_, ApiResult<String>> {
        Box::pin(async move {
            let out = self
                .autoscaling
                .start_instance_refresh()
                .auto_scaling_group_name(group)
                .preferences(
                    RefreshPreferences::builder()
                        .min_healthy_percentage(min_healthy)
                        .build(),
                )
                .send()
                .await
                .map_err(map_err)?;
            Ok(crate::aws::clean(
                out.instance_refresh_id().unwrap_or_default(),
            ))
        })
    }

    fn cancel_refresh(&self, group: String) -> BoxFuture<'_, ApiResult<String>> {
        Box::pin(async move {
            let out = self
                .autoscaling
                .cancel_instance_refresh()
                .auto_scaling_group_name(group)
                .send()
                .await
                .map_err(map_err)?;
            Ok(crate::aws::clean(
                out.instance_refresh_id().unwrap_or_default(),
            ))
        })
    }

    fn delete_group(&self, group: String, force: bool) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.autoscaling
                .delete_auto_scaling_group()
                .auto_scaling_group_name(group)
                .force_delete(force)
                .send()
                .await
                .map_err(map_err)?;
            Ok(())
        })
    }

    fn list_launch_configurations(
        &self,
        next_token: Option<String>,
    ) -> BoxFuture<'_, ApiResult<Page<LaunchConfiguration>>> {
        Box::pin(async move {
            let out = self
                .autoscaling
                .describe_launch_configurations()
                .max_records(100)
                .set_next_token(next_token)
                .send()
                .await
                .map_err(map_err)?;
            Ok(Page {
                items: out
                    .launch_configurations()
                    .iter()
                    .map(|l| {
                        let mut x = LaunchConfiguration {
                            name: s(l.launch_configuration_name()),
                            image_id: s(l.image_id()),
                            instance_type: s(l.instance_type()),
                            key_name: s(l.key_name()),
                            security_groups: l.security_groups().to_vec(),
                            user_data: l.user_data().filter(|u| !u.trim().is_empty()).map(|u| {
                                match STANDARD.decode(u.trim()) {
                                    Ok(b) => String::from_utf8_lossy(&b).into_owned(),
                                    Err(_) => u.to_string(),
                                }
                            }),
                            iam_profile: s(l.iam_instance_profile()),
                            created: l.created_time().map(|t| t.secs()),
                        };
                        clean_launch_configuration(&mut x);
                        x
                    })
                    .collect(),
                next_token: page_token(out.next_token()),
            })
        })
    }

    fn delete_launch_configuration(&self, name: String) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.autoscaling
                .delete_launch_configuration()
                .launch_configuration_name(name)
                .send()
                .await
                .map_err(map_err)?;
            Ok(())
        })
    }
}
