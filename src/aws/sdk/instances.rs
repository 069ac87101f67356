//! `InstancesApi` over aws-sdk-ec2, and the conversion of SDK instances.

use aws_sdk_ec2::types::{AttributeBooleanValue, InstanceAttributeName};
use base64::Engine;
use futures::future::BoxFuture;

use super::{PAGE_SIZE, SdkEc2, map_err, tag_spec};
use crate::aws::{
    ApiError, ApiResult, BlockDevice, ErrorKind, Instance, InstanceState, InstanceTypeInfo,
    InstancesApi, LaunchSpec, Page, Subnet, clean, clean_instance, clean_multiline, console_text,
};

/// Moves an SDK instance into ours: the strings are taken, not copied (this runs for every
/// instance of every page).
fn to_instance(i: aws_sdk_ec2::types::Instance) -> Instance {
    let o = |x: Option<String>| x.unwrap_or_default();
    let e = |x: Option<&str>| x.unwrap_or_default().to_string();
    let mut out = Instance {
        id: o(i.instance_id),
        region: String::new(),
        name: String::new(),
        state: InstanceState::parse(
            i.state
                .as_ref()
                .and_then(|st| st.name())
                .map(|n| n.as_str())
                .unwrap_or(""),
        ),
        state_reason: o(i.state_reason.and_then(|r| r.message)),
        instance_type: e(i.instance_type.as_ref().map(|t| t.as_str())),
        az: o(i.placement.and_then(|p| p.availability_zone)),
        private_ip: o(i.private_ip_address),
        public_ip: o(i.public_ip_address),
        key_name: o(i.key_name),
        launch_time: i.launch_time.map(|t| t.secs()),
        image_id: o(i.image_id),
        vpc_id: o(i.vpc_id),
        subnet_id: o(i.subnet_id),
        architecture: e(i.architecture.as_ref().map(|a| a.as_str())),
        platform: o(i.platform_details),
        root_device_name: o(i.root_device_name),
        root_device_type: e(i.root_device_type.as_ref().map(|d| d.as_str())),
        private_dns: o(i.private_dns_name),
        public_dns: o(i.public_dns_name),
        lifecycle: e(i.instance_lifecycle.as_ref().map(|l| l.as_str())),
        iam_profile: o(i.iam_instance_profile.and_then(|p| p.arn)),
        security_groups: i
            .security_groups
            .unwrap_or_default()
            .into_iter()
            .map(|g| (o(g.group_id), o(g.group_name)))
            .collect(),
        block_devices: i
            .block_device_mappings
            .unwrap_or_default()
            .into_iter()
            .map(|b| {
                let ebs = b.ebs;
                BlockDevice {
                    device: o(b.device_name),
                    delete_on_termination: ebs
                        .as_ref()
                        .and_then(|e| e.delete_on_termination)
                        .unwrap_or(false),
                    volume_id: o(ebs.and_then(|e| e.volume_id)),
                }
            })
            .collect(),
        tags: i
            .tags
            .unwrap_or_default()
            .into_iter()
            .map(|t| (o(t.key), o(t.value)))
            .collect(),
    };
    clean_instance(&mut out);
    out
}

fn instances_of(reservations: Option<Vec<aws_sdk_ec2::types::Reservation>>) -> Vec<Instance> {
    reservations
        .unwrap_or_default()
        .into_iter()
        .flat_map(|r| r.instances.unwrap_or_default())
        .map(to_instance)
        .collect()
}

impl SdkEc2 {
    /// One page of `DescribeInstances`, of one zone when `zone` is given.
    async fn instances_page(
        &self,
        zone: Option<String>,
        next_token: Option<String>,
    ) -> ApiResult<Page<Instance>> {
        let filter = zone.map(|z| {
            aws_sdk_ec2::types::Filter::builder()
                .name("availability-zone")
                .values(z)
                .build()
        });
        let out = self
            .ec2
            .describe_instances()
            .set_filters(filter.map(|f| vec![f]))
            .max_results(PAGE_SIZE)
            .set_next_token(next_token)
            .send()
            .await
            .map_err(map_err)?;
        let next_token = out.next_token.filter(|t| !t.is_empty());
        Ok(Page {
            items: instances_of(out.reservations),
            next_token,
        })
    }
}

impl InstancesApi for SdkEc2 {
    fn list_instances(
        &self,
        next_token: Option<String>,
    ) -> BoxFuture<'_, ApiResult<Page<Instance>>> {
        Box::pin(self.instances_page(None, next_token))
    }

    fn list_instances_in(
        &self,
        zone: String,
        next_token: Option<String>,
    ) -> BoxFuture<'_, ApiResult<Page<Instance>>> {
        Box::pin(self.instances_page(Some(zone), next_token))
    }

    fn describe_instances(&self, ids: Vec<String>) -> BoxFuture<'_, ApiResult<Vec<Instance>>> {
        Box::pin(async move {
            let mut all = Vec::with_capacity(ids.len());
            for chunk in ids.chunks(500) {
                let out = self
                    .ec2
                    .describe_instances()
                    .set_instance_ids(Some(chunk.to_vec()))
                    .send()
                    .await
                    .map_err(map_err)?;
                all.extend(instances_of(out.reservations));
            }
            Ok(all)
        })
    }

    fn start_instance(&self, id: String) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.ec2
                .start_instances()
                .instance_ids(id)
                .send()
                .await
                .map_err(map_err)?;
            Ok(())
        })
    }

    fn stop_instance(&self, id: String, force: bool) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.ec2
                .stop_instances()
                .instance_ids(id)
                .force(force)
                .send()
                .await
                .map_err(map_err)?;
            Ok(())
        })
    }

    fn reboot_instance(&self, id: String) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.ec2
                .reboot_instances()
                .instance_ids(id)
                .send()
                .await
                .map_err(map_err)?;
            Ok(())
        })
    }

    fn terminate_instance(&self, id: String) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.ec2
                .terminate_instances()
                .instance_ids(id)
                .send()
                .await
                .map_err(map_err)?;
            Ok(())
        })
    }

    fn termination_protection(&self, id: String) -> BoxFuture<'_, ApiResult<bool>> {
        Box::pin(async move {
            let out = self
                .ec2
                .describe_instance_attribute()
                .instance_id(id)
                .attribute(InstanceAttributeName::DisableApiTermination)
                .send()
                .await
                .map_err(map_err)?;
            Ok(out
                .disable_api_termination()
                .and_then(|b| b.value())
                .unwrap_or(false))
        })
    }

    fn set_termination_protection(&self, id: String, on: bool) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.ec2
                .modify_instance_attribute()
                .instance_id(id)
                .disable_api_termination(AttributeBooleanValue::builder().value(on).build())
                .send()
                .await
                .map_err(map_err)?;
            Ok(())
        })
    }

    fn user_data(&self, id: String) -> BoxFuture<'_, ApiResult<Option<String>>> {
        Box::pin(async move {
            let out = self
                .ec2
                .describe_instance_attribute()
                .instance_id(id)
                .attribute(InstanceAttributeName::UserData)
                .send()
                .await
                .map_err(map_err)?;
            let Some(b64) = out.user_data().and_then(|a| a.value()) else {
                return Ok(None);
            };
            if b64.is_empty() {
                return Ok(None);
            }
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|e| {
                    ApiError::other(ErrorKind::Other, format!("user data is not base64: {e}"))
                })?;
            Ok(Some(clean_multiline(&String::from_utf8_lossy(&bytes))))
        })
    }

    fn user_data_exact(&self, id: String) -> BoxFuture<'_, ApiResult<Option<Vec<u8>>>> {
        Box::pin(async move {
            let out = self
                .ec2
                .describe_instance_attribute()
                .instance_id(id)
                .attribute(InstanceAttributeName::UserData)
                .send()
                .await
                .map_err(map_err)?;
            let Some(b64) = out
                .user_data()
                .and_then(|a| a.value())
                .filter(|b| !b.is_empty())
            else {
                return Ok(None);
            };
            base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map(Some)
                .map_err(|e| {
                    ApiError::other(ErrorKind::Other, format!("user data is not base64: {e}"))
                })
        })
    }

    fn console_output(&self, id: String) -> BoxFuture<'_, ApiResult<Option<String>>> {
        Box::pin(async move {
            let out = self
                .ec2
                .get_console_output()
                .instance_id(id)
                .latest(true)
                .send()
                .await
                .map_err(map_err)?;
            let Some(b64) = out.output().filter(|o| !o.trim().is_empty()) else {
                return Ok(None);
            };
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|e| {
                    ApiError::other(
                        ErrorKind::Other,
                        format!("the console output is not base64: {e}"),
                    )
                })?;
            Ok(Some(console_text(&String::from_utf8_lossy(&bytes))))
        })
    }

    fn run_instances(
        &self,
        spec: LaunchSpec,
        dry_run: bool,
    ) -> BoxFuture<'_, ApiResult<Vec<Instance>>> {
        Box::pin(async move {
            use aws_sdk_ec2::types::ResourceType;
            let mut req = self
                .ec2
                .run_instances()
                .image_id(spec.image_id)
                .instance_type(aws_sdk_ec2::types::InstanceType::from(
                    spec.instance_type.as_str(),
                ))
                .min_count(spec.count)
                .max_count(spec.count)
                .set_key_name(spec.key_name)
                .set_subnet_id(spec.subnet_id)
                .disable_api_termination(spec.termination_protection)
                .dry_run(dry_run);
            if !spec.security_group_ids.is_empty() {
                req = req.set_security_group_ids(Some(spec.security_group_ids));
            }
            if !spec.tags.is_empty() {
                req = req.tag_specifications(tag_spec(ResourceType::Instance, &spec.tags));
            }
            if let Some(u) = spec.user_data.filter(|u| !u.is_empty()) {
                req = req.user_data(base64::engine::general_purpose::STANDARD.encode(u));
            }
            match req.send().await {
                Ok(out) => Ok(out
                    .instances
                    .unwrap_or_default()
                    .into_iter()
                    .map(to_instance)
                    .collect()),
                Err(e) => {
                    let e = map_err(e);
                    if dry_run && e.code.as_deref() == Some("DryRunOperation") {
                        Ok(Vec::new())
                    } else {
                        Err(e)
                    }
                }
            }
        })
    }

    fn instance_types(&self) -> BoxFuture<'_, ApiResult<Vec<InstanceTypeInfo>>> {
        Box::pin(async move {
            let mut pages = self
                .ec2
                .describe_instance_types()
                .max_results(100)
                .into_paginator()
                .send();
            let mut out = Vec::new();
            while let Some(page) = pages.next().await {
                let page = page.map_err(map_err)?;
                out.extend(page.instance_types().iter().map(|t| {
                    InstanceTypeInfo {
                        name: clean(t.instance_type().map(|x| x.as_str()).unwrap_or_default()),
                        vcpus: t.v_cpu_info().and_then(|v| v.default_v_cpus()).unwrap_or(0),
                        memory_mib: t.memory_info().and_then(|m| m.size_in_mib()).unwrap_or(0),
                        current_generation: t.current_generation().unwrap_or(false),
                        architectures: t
                            .processor_info()
                            .map(|p| {
                                p.supported_architectures()
                                    .iter()
                                    .map(|a| clean(a.as_str()))
                                    .collect()
                            })
                            .unwrap_or_default(),
                    }
                }));
            }
            Ok(out)
        })
    }

    fn subnets(&self) -> BoxFuture<'_, ApiResult<Vec<Subnet>>> {
        Box::pin(async move {
            let out = self.ec2.describe_subnets().send().await.map_err(map_err)?;
            Ok(out
                .subnets()
                .iter()
                .map(|n| Subnet {
                    id: clean(n.subnet_id().unwrap_or_default()),
                    az: clean(n.availability_zone().unwrap_or_default()),
                    vpc_id: clean(n.vpc_id().unwrap_or_default()),
                    cidr: clean(n.cidr_block().unwrap_or_default()),
                    default_for_az: n.default_for_az().unwrap_or(false),
                    name: clean(
                        n.tags()
                            .iter()
                            .find(|t| t.key() == Some("Name"))
                            .and_then(|t| t.value())
                            .unwrap_or_default(),
                    ),
                })
                .collect())
        })
    }
}
