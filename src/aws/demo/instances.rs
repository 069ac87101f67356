//! `InstancesApi` of the demo region: transitions take time, wrong-state actions and
//! protected terminations are refused as EC2 refuses them.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;

use super::{DemoInstance, DemoRegion, DemoVolume, Inner, now_epoch, private_dns};
use crate::aws::{
    ApiError, ApiResult, Attachment, BlockDevice, ImageDevice, Instance, InstanceState,
    InstanceTypeInfo, InstancesApi, LaunchSpec, Page, Subnet, Volume, clean_instance,
    clean_multiline, clean_volume, console_text,
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
    /// Starts a transition: `via` now, `to` once `t` has passed (at once when `t` is zero:
    /// the region completes it before answering).
    fn begin(
        d: &mut DemoInstance,
        now: Instant,
        t: Duration,
        via: InstanceState,
        to: InstanceState,
    ) {
        d.inst.state = via;
        d.next = Some((now + t, to));
    }
}

/// The default subnet of each zone: `10.0.{0,16,32}.0/20`, as DescribeSubnets lists them.
pub(super) fn demo_subnets(azs: &[&str]) -> Vec<Subnet> {
    azs.iter()
        .enumerate()
        .map(|(i, az)| Subnet {
            id: format!("subnet-0demo{}", &az[az.len() - 1..]),
            az: az.to_string(),
            vpc_id: "vpc-0demo1234".into(),
            cidr: format!("10.0.{}.0/20", i * 16),
            default_for_az: true,
            name: format!("default-{}", &az[az.len() - 1..]),
        })
        .collect()
}

fn ipv4(s: &str) -> Option<u32> {
    let o: Vec<u32> = s
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    (o.len() == 4 && o.iter().all(|x| *x < 256)).then(|| o.iter().fold(0, |a, x| (a << 8) | x))
}

/// The first address of `cidr` no instance of the region holds, past the four EC2 keeps at
/// the start of every subnet and short of the broadcast address.
fn free_address(cidr: &str, used: &HashSet<u32>) -> Option<String> {
    let (base, bits) = cidr.split_once('/')?;
    let bits: u32 = bits.parse().ok().filter(|b| (16..=28).contains(b))?;
    let size = 1u32 << (32 - bits);
    let base = ipv4(base)? & !(size - 1);
    (base + 4..base + size - 1)
        .find(|a| !used.contains(a))
        .map(|a| std::net::Ipv4Addr::from(a).to_string())
}

impl DemoRegion {
    /// `RunInstances` on the locked region: the fleet positions of the new instances (none
    /// for a DryRun). Used by the launch port and by the Auto Scaling groups.
    pub(super) fn launch_in(
        &self,
        inner: &mut Inner,
        spec: &LaunchSpec,
        dry_run: bool,
        now: Instant,
    ) -> ApiResult<Vec<usize>> {
        let Some(img) = inner
            .images
            .iter()
            .find(|d| d.img.id == spec.image_id && d.region == self.region)
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
        let subnets = demo_subnets(self.azs);
        let subnet = match spec.subnet_id.as_deref().filter(|s| !s.is_empty()) {
            Some(id) => subnets.iter().find(|s| s.id == id).ok_or_else(|| {
                ApiError::service(
                    "InvalidSubnetID.NotFound",
                    format!("The subnet ID '{id}' does not exist"),
                )
            })?,
            // EC2 picks a default subnet: the demo, the first zone's
            None => subnets
                .iter()
                .find(|s| s.default_for_az)
                .expect("a default subnet"),
        }
        .clone();
        if let Some(k) = spec.key_name.as_deref().filter(|k| !k.is_empty())
            && !inner.key_pairs.iter().any(|p| p.name == k)
        {
            return Err(ApiError::service(
                "InvalidKeyPair.NotFound",
                format!("The key pair '{k}' does not exist"),
            ));
        }
        // the groups by id, with their names; the VPC's default group when none is given
        let mut security_groups = Vec::new();
        for g in &spec.security_group_ids {
            let Some(sg) = inner.groups.iter().find(|x| &x.id == g) else {
                return Err(ApiError::service(
                    "InvalidGroup.NotFound",
                    format!("The security group '{g}' does not exist"),
                ));
            };
            security_groups.push((sg.id.clone(), sg.name.clone()));
        }
        if security_groups.is_empty()
            && let Some(sg) = inner.groups.iter().find(|x| x.name == "default")
        {
            security_groups.push((sg.id.clone(), sg.name.clone()));
        }
        // a private address inside the subnet for each, none held by another instance
        let count = spec.count.max(1) as usize;
        let mut used: HashSet<u32> = inner
            .fleet
            .iter()
            .filter_map(|d| ipv4(&d.inst.private_ip))
            .collect();
        let mut addresses = Vec::with_capacity(count);
        for _ in 0..count {
            let Some(ip) = free_address(&subnet.cidr, &used) else {
                return Err(ApiError::service(
                    "InsufficientFreeAddressesInSubnet",
                    format!(
                        "There are not enough free addresses in subnet '{}' to satisfy the requested number of instances.",
                        subnet.id
                    ),
                ));
            };
            used.extend(ipv4(&ip));
            addresses.push(ip);
        }
        if dry_run {
            return Ok(Vec::new());
        }
        // a volume for every EBS mapping of the image, the root one at least
        let root = if img.root_device_name.is_empty() {
            "/dev/xvda".to_string()
        } else {
            img.root_device_name.clone()
        };
        let mut mappings = img.devices.clone();
        if !mappings.iter().any(|m| m.device == root) {
            mappings.insert(
                0,
                ImageDevice {
                    device: root.clone(),
                    size_gib: 8,
                    volume_type: "gp3".into(),
                    delete_on_termination: true,
                    ..Default::default()
                },
            );
        }
        let name = spec
            .tags
            .iter()
            .find(|(k, _)| k == "Name")
            .map(|(_, v)| v.clone());
        let mut ids = Vec::with_capacity(count);
        for ip in addresses {
            let id = Self::fresh_id(inner, "i");
            let n = inner.fleet.len();
            let mut block_devices = Vec::new();
            for m in &mappings {
                let vol_id = Self::fresh_id(inner, "vol");
                let is_root = m.device == root;
                let delete_on_termination = is_root || m.delete_on_termination;
                let encrypted = inner
                    .snaps
                    .iter()
                    .find(|s| s.snap.id == m.snapshot_id && s.region == self.region)
                    .is_some_and(|s| s.snap.encrypted);
                let mut vol = Volume {
                    id: vol_id.clone(),
                    size_gib: i32::try_from(m.size_gib)
                        .ok()
                        .filter(|s| *s > 0)
                        .unwrap_or(8),
                    volume_type: if m.volume_type.is_empty() {
                        "gp3".into()
                    } else {
                        m.volume_type.clone()
                    },
                    iops: Some(3000),
                    state: "in-use".into(),
                    az: subnet.az.clone(),
                    attachments: vec![Attachment {
                        instance_id: id.clone(),
                        device: m.device.clone(),
                        state: "attached".into(),
                        delete_on_termination,
                    }],
                    encrypted,
                    created: Some(now_epoch()),
                    snapshot_id: m.snapshot_id.clone(),
                    tags: name
                        .iter()
                        .map(|n| {
                            let suffix = if is_root { "root" } else { "data" };
                            ("Name".to_string(), format!("{n}-{suffix}"))
                        })
                        .collect(),
                    ..Default::default()
                };
                clean_volume(&mut vol);
                inner.volumes.push(DemoVolume { vol, next: None });
                block_devices.push(BlockDevice {
                    device: m.device.clone(),
                    volume_id: vol_id,
                    delete_on_termination,
                });
            }
            let mut inst = Instance {
                id: id.clone(),
                state: InstanceState::Pending,
                instance_type: spec.instance_type.clone(),
                az: subnet.az.clone(),
                private_dns: private_dns(&ip, self.region),
                private_ip: ip,
                key_name: spec.key_name.clone().unwrap_or_default(),
                launch_time: Some(now_epoch()),
                image_id: img.id.clone(),
                vpc_id: subnet.vpc_id.clone(),
                subnet_id: subnet.id.clone(),
                architecture: img.architecture.clone(),
                platform: "Linux/UNIX".into(),
                root_device_name: root.clone(),
                root_device_type: "ebs".into(),
                security_groups: security_groups.clone(),
                block_devices,
                tags: spec.tags.clone(),
                ..Default::default()
            };
            clean_instance(&mut inst);
            let mut d = DemoInstance {
                inst,
                protected: spec.termination_protection,
                user_data: spec.user_data.clone().filter(|u| !u.is_empty()),
                next: None,
                running_since: None,
            };
            Self::begin(
                &mut d,
                now,
                self.transition,
                InstanceState::Pending,
                InstanceState::Running,
            );
            inner.index.insert(id.clone(), n);
            inner.fleet.push(d);
            Self::track(inner, n);
            ids.push(n);
        }
        Ok(ids)
    }
}

impl DemoRegion {
    /// A page of the fleet (of one zone when `zone` is given); the token is where the next
    /// page starts in the fleet.
    async fn instances_page(
        &self,
        zone: Option<String>,
        next_token: Option<String>,
    ) -> ApiResult<Page<Instance>> {
        self.delay().await;
        let start: usize = match next_token.as_deref() {
            None => 0,
            Some(t) => t.parse().map_err(|_| {
                ApiError::service("InvalidParameterValue", "The token is not valid")
            })?,
        };
        let inner = self.lock();
        let mut items = Vec::new();
        let mut at = start;
        while at < inner.fleet.len() && items.len() < self.page_size {
            let inst = &inner.fleet[at].inst;
            if zone.as_ref().is_none_or(|z| inst.az == *z) {
                items.push(inst.clone());
            }
            at += 1;
        }
        let next_token = (at < inner.fleet.len()).then(|| at.to_string());
        Ok(Page { items, next_token })
    }
}

impl InstancesApi for DemoRegion {
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
                        // its volumes stay attached until it is terminated (see `arrive`)
                        Self::begin(d, now, t, InstanceState::ShuttingDown, InstanceState::Terminated);
                        d.inst.public_ip.clear();
                        d.inst.public_dns.clear();
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

    fn console_output(&self, id: String) -> BoxFuture<'_, ApiResult<Option<String>>> {
        Box::pin(async move {
            self.delay().await;
            self.with(&id, |d, _, _| {
                if d.inst.state == InstanceState::Pending {
                    return Ok(None);
                }
                let i = &d.inst;
                // a boot log as consoles write it: colours, CRLF, a progress line
                let raw = format!(
                    "[    0.000000] Linux version 6.1.112-122.189.amzn2023.{arch} (mockbuild@ip-10-0-1-1)\r\n\
                     [    0.000000] Command line: BOOT_IMAGE=(hd0,gpt1)/boot/vmlinuz root=UUID=demo ro console=tty0 console=ttyS0,115200n8\r\n\
                     [    1.204311] EXT4-fs (nvme0n1p1): mounted filesystem with ordered data mode\r\n\
                     [  \x1b[32mOK\x1b[0m  ] Started \x1b[0;1;39msshd.service\x1b[0m - OpenSSH server daemon.\r\n\
                     [  \x1b[32mOK\x1b[0m  ] Reached target \x1b[0;1;39mmulti-user.target\x1b[0m.\r\n\
                     cloud-init[1822]: Downloading packages:  10%\rcloud-init[1822]: Downloading packages: 100%\r\n\
                     cloud-init[1822]: Cloud-init v. 22.2.2 finished. Datasource DataSourceEc2.  Up 14.52 seconds\r\n\
                     \r\n\
                     Amazon Linux 2023\r\n\
                     Kernel 6.1.112 on an {arch}\r\n\
                     \r\n\
                     {host} login: \x1b]0;{name}\x07\r\n\
                     [  OK  ] state now {state}\r\n",
                    arch = if i.architecture.is_empty() { "x86_64" } else { &i.architecture },
                    host = i.private_dns.split('.').next().unwrap_or("ip"),
                    name = i.name,
                    state = i.state,
                );
                Ok(Some(console_text(&raw)))
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
            let mut inner = self.lock();
            let now = Instant::now();
            let ids = self.launch_in(&mut inner, &spec, dry_run, now)?;
            self.advance(&mut inner, now);
            Ok(ids.iter().map(|&n| inner.fleet[n].inst.clone()).collect())
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
        Box::pin(async move { Ok(demo_subnets(self.azs)) })
    }
}
