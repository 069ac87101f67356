//! `InstancesApi` of the demo region: transitions take time, wrong-state actions and
//! protected terminations are refused as EC2 refuses them.

use std::time::{Duration, Instant};

use futures::future::BoxFuture;

use super::{AZS, DEMO_EPOCH, DEMO_REGION, DemoInstance, DemoRegion};
use crate::aws::{
    ApiError, ApiResult, BlockDevice, Instance, InstanceState, InstanceTypeInfo, InstancesApi,
    LaunchSpec, Page, Subnet, clean_instance, clean_multiline,
};

const TYPE_TABLE: &[(&str, i32, i64, bool, &str)] = &[
    ("t2.micro", 1, 1024, true, "x86_64"),
    ("t3.nano", 2, 512, true, "x86_64"),
    ("t3.micro", 2, 1024, true, "x86_64"),
    ("t3.small", 2, 2048, true, "x86_64"),
    ("t3.medium", 2, 4096, true, "x86_64"),
    ("t4g.nano", 2, 512, true, "arm64"),
    ("t4g.micro", 2, 1024, true, "arm64"),
    ("t4g.small", 2, 2048, true, "arm64"),
    ("m4.large", 2, 8192, false, "x86_64"),
    ("m6i.large", 2, 8192, true, "x86_64"),
    ("m6i.xlarge", 4, 16384, true, "x86_64"),
    ("c6g.large", 2, 4096, true, "arm64"),
    ("r6i.2xlarge", 8, 65536, true, "x86_64"),
    ("g5.xlarge", 4, 16384, true, "x86_64"),
];

impl DemoRegion {
    fn begin(
        d: &mut DemoInstance,
        now: Instant,
        t: Duration,
        via: InstanceState,
        to: InstanceState,
    ) {
        if t.is_zero() {
            d.inst.state = to;
            d.next = None;
        } else {
            d.inst.state = via;
            d.next = Some((now + t, to));
        }
    }
}

impl InstancesApi for DemoRegion {
    fn list_instances(
        &self,
        next_token: Option<String>,
    ) -> BoxFuture<'_, ApiResult<Page<Instance>>> {
        Box::pin(async move {
            self.delay().await;
            let start: usize = match next_token.as_deref() {
                None => 0,
                Some(t) => t.parse().map_err(|_| {
                    ApiError::service("InvalidParameterValue", "The token is not valid")
                })?,
            };
            let mut inner = self.inner.lock().expect("demo region lock");
            let now = Instant::now();
            let end = (start + self.page_size).min(inner.fleet.len());
            let mut items = Vec::with_capacity(end.saturating_sub(start));
            for d in &mut inner.fleet[start.min(end)..end] {
                self.settle(d, now);
                items.push(d.inst.clone());
            }
            let next_token = (end < inner.fleet.len()).then(|| end.to_string());
            Ok(Page { items, next_token })
        })
    }

    fn describe_instances(&self, ids: Vec<String>) -> BoxFuture<'_, ApiResult<Vec<Instance>>> {
        Box::pin(async move {
            self.delay().await;
            ids.iter()
                .map(|id| self.with(id, |d, _, _| Ok(d.inst.clone())))
                .collect()
        })
    }

    fn start_instance(&self, id: String) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.delay().await;
            self.with(&id, |d, now, t| match d.inst.state {
                InstanceState::Stopped => {
                    Self::begin(d, now, t, InstanceState::Pending, InstanceState::Running);
                    d.inst.state_reason.clear();
                    Ok(())
                }
                InstanceState::Running | InstanceState::Pending => Ok(()),
                _ => Err(Self::wrong_state(d, "started")),
            })
        })
    }

    fn stop_instance(&self, id: String, force: bool) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.delay().await;
            self.with(&id, |d, now, t| match d.inst.state {
                InstanceState::Running | InstanceState::Pending => {
                    let t = if force { t / 2 } else { t };
                    Self::begin(d, now, t, InstanceState::Stopping, InstanceState::Stopped);
                    d.inst.state_reason =
                        "Client.UserInitiatedShutdown: User initiated shutdown".into();
                    d.inst.public_ip.clear();
                    Ok(())
                }
                InstanceState::Stopping if force => {
                    Self::begin(
                        d,
                        now,
                        t / 4,
                        InstanceState::Stopping,
                        InstanceState::Stopped,
                    );
                    Ok(())
                }
                InstanceState::Stopped | InstanceState::Stopping => Ok(()),
                _ => Err(Self::wrong_state(d, "stopped")),
            })
        })
    }

    fn reboot_instance(&self, id: String) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.delay().await;
            self.with(&id, |d, _, _| match d.inst.state {
                InstanceState::Running => Ok(()),
                _ => Err(Self::wrong_state(d, "rebooted")),
            })
        })
    }

    fn terminate_instance(&self, id: String) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.delay().await;
            self.with(&id, |d, now, t| {
                if d.protected {
                    return Err(ApiError::service(
                        "OperationNotPermitted",
                        format!(
                            "The instance '{}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.",
                            d.inst.id
                        ),
                    ));
                }
                match d.inst.state {
                    InstanceState::Terminated | InstanceState::ShuttingDown => Ok(()),
                    _ => {
                        Self::begin(d, now, t, InstanceState::ShuttingDown, InstanceState::Terminated);
                        d.inst.public_ip.clear();
                        d.inst.block_devices.retain(|b| !b.delete_on_termination);
                        Ok(())
                    }
                }
            })
        })
    }

    fn termination_protection(&self, id: String) -> BoxFuture<'_, ApiResult<bool>> {
        Box::pin(async move {
            self.delay().await;
            self.with(&id, |d, _, _| Ok(d.protected))
        })
    }

    fn set_termination_protection(&self, id: String, on: bool) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.delay().await;
            self.with(&id, |d, _, _| {
                d.protected = on;
                Ok(())
            })
        })
    }

    fn user_data(&self, id: String) -> BoxFuture<'_, ApiResult<Option<String>>> {
        Box::pin(async move {
            self.delay().await;
            self.with(&id, |d, _, _| {
                Ok(d.user_data.as_deref().map(clean_multiline))
            })
        })
    }

    fn run_instances(
        &self,
        spec: LaunchSpec,
        dry_run: bool,
    ) -> BoxFuture<'_, ApiResult<Vec<Instance>>> {
        Box::pin(async move {
            self.delay().await;
            let mut inner = self.inner.lock().expect("demo region lock");
            let Some(img) = inner
                .images
                .iter()
                .find(|d| d.img.id == spec.image_id && d.region == DEMO_REGION)
                .map(|d| d.img.clone())
            else {
                return Err(ApiError::service(
                    "InvalidAMIID.NotFound",
                    format!("The image id '[{}]' does not exist", spec.image_id),
                ));
            };
            if img.state != "available" {
                return Err(ApiError::service(
                    "InvalidAMIID.Unavailable",
                    format!("The image '{}' is not available yet", img.id),
                ));
            }
            let Some(ty) = TYPE_TABLE.iter().find(|t| t.0 == spec.instance_type) else {
                return Err(ApiError::service(
                    "InvalidParameterValue",
                    format!("Invalid value '{}' for InstanceType.", spec.instance_type),
                ));
            };
            if ty.4 != img.architecture {
                return Err(ApiError::service(
                    "InvalidParameterValue",
                    format!(
                        "The architecture '{}' of the specified instance type does not match the architecture '{}' of the specified AMI.",
                        ty.4, img.architecture
                    ),
                ));
            }
            if dry_run {
                return Ok(Vec::new());
            }
            let now = Instant::now();
            let az = spec
                .subnet_id
                .as_deref()
                .and_then(|s| AZS.iter().find(|a| s.ends_with(&a[a.len() - 1..])))
                .copied()
                .unwrap_or(AZS[0]);
            let mut out = Vec::new();
            for _ in 0..spec.count.max(1) {
                let id = Self::fresh_id(&mut inner, "i");
                let n = inner.fleet.len();
                let vol = Self::fresh_id(&mut inner, "vol");
                let mut inst = Instance {
                    id: id.clone(),
                    state: InstanceState::Pending,
                    instance_type: spec.instance_type.clone(),
                    az: az.to_string(),
                    private_ip: format!("10.0.{}.{}", 200 + n / 250 % 50, n % 250 + 4),
                    key_name: spec.key_name.clone().unwrap_or_default(),
                    launch_time: Some(
                        std::time::SystemTime::now()
                            .duration_since(std::time::UNIX_EPOCH)
                            .map(|d| d.as_secs() as i64)
                            .unwrap_or(DEMO_EPOCH),
                    ),
                    image_id: img.id.clone(),
                    vpc_id: "vpc-0demo1234".into(),
                    subnet_id: spec
                        .subnet_id
                        .clone()
                        .unwrap_or_else(|| "subnet-0demoa".into()),
                    architecture: img.architecture.clone(),
                    platform: "Linux/UNIX".into(),
                    root_device_name: "/dev/xvda".into(),
                    root_device_type: "ebs".into(),
                    security_groups: spec
                        .security_group_ids
                        .iter()
                        .map(|g| (g.clone(), g.clone()))
                        .collect(),
                    block_devices: vec![BlockDevice {
                        device: "/dev/xvda".into(),
                        volume_id: vol,
                        delete_on_termination: true,
                    }],
                    tags: spec.tags.clone(),
                    ..Default::default()
                };
                clean_instance(&mut inst);
                let mut d = DemoInstance {
                    inst: inst.clone(),
                    protected: spec.termination_protection,
                    user_data: spec.user_data.clone().filter(|u| !u.is_empty()),
                    next: None,
                };
                Self::begin(
                    &mut d,
                    now,
                    self.transition,
                    InstanceState::Pending,
                    InstanceState::Running,
                );
                out.push(d.inst.clone());
                inner.index.insert(id, n);
                inner.fleet.push(d);
            }
            Ok(out)
        })
    }

    fn instance_types(&self) -> BoxFuture<'_, ApiResult<Vec<InstanceTypeInfo>>> {
        Box::pin(async move {
            self.delay().await;
            Ok(TYPE_TABLE
                .iter()
                .map(|(n, c, m, g, a)| InstanceTypeInfo {
                    name: n.to_string(),
                    vcpus: *c,
                    memory_mib: *m,
                    current_generation: *g,
                    architectures: vec![a.to_string()],
                })
                .collect())
        })
    }

    fn subnets(&self) -> BoxFuture<'_, ApiResult<Vec<Subnet>>> {
        Box::pin(async move {
            Ok(AZS
                .iter()
                .enumerate()
                .map(|(i, az)| Subnet {
                    id: format!("subnet-0demo{}", &az[az.len() - 1..]),
                    az: az.to_string(),
                    vpc_id: "vpc-0demo1234".into(),
                    cidr: format!("10.0.{}.0/20", i * 16),
                    default_for_az: true,
                    name: format!("default-{}", &az[az.len() - 1..]),
                })
                .collect())
        })
    }
}
