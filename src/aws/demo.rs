//! An in-process simulated region for `--demo`, screenshots, UI tests and benchmarks.
//!
//! Actions behave as EC2's do: transitions take time, a wrong-state action is refused with
//! `IncorrectInstanceState`, termination protection refuses terminate with
//! `OperationNotPermitted`. It never stands in for the SDK path in tests of AWS behaviour.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{
    ApiError, ApiResult, BlockDevice, Ec2Api, Identity, Image, ImageDevice, ImageScope, ImageSpec,
    Instance, InstanceState, InstanceTypeInfo, LaunchSpec, Page, SecurityGroup, Subnet,
    clean_image, clean_instance, clean_multiline,
};
use super::{Attachment, Snapshot, Volume, VolumeSpec};
use super::{InstanceStatus, ScheduledEvent};

/// The demo account id shown in the header.
pub const DEMO_ACCOUNT: &str = "000000000000";

struct DemoInstance {
    inst: Instance,
    protected: bool,
    user_data: Option<String>,
    /// A transition in progress: the state it reaches, and when.
    next: Option<(Instant, InstanceState)>,
}

struct DemoImage {
    img: Image,
    scope: ImageScope,
    region: String,
    /// When a pending image becomes available.
    ready_at: Option<Instant>,
}

struct DemoVolume {
    vol: Volume,
    /// A transition in progress: the state it reaches, and when.
    next: Option<(Instant, String)>,
}

struct DemoSnapshot {
    snap: Snapshot,
    started: Instant,
    region: String,
}

struct Inner {
    volumes: Vec<DemoVolume>,
    snaps: Vec<DemoSnapshot>,
    fleet: Vec<DemoInstance>,
    index: HashMap<String, usize>,
    images: Vec<DemoImage>,
    snapshots: Vec<String>,
    counter: u64,
}

fn now_epoch() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(DEMO_EPOCH)
}

/// The demo's own region.
pub const DEMO_REGION: &str = "eu-west-1";

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

fn demo_images() -> Vec<DemoImage> {
    let img = |id: &str,
               name: &str,
               arch: &str,
               scope: ImageScope,
               days_ago: i64,
               desc: &str,
               snap: &str| DemoImage {
        img: Image {
            id: id.into(),
            name: name.into(),
            state: "available".into(),
            architecture: arch.into(),
            virtualization: "hvm".into(),
            root_device_type: "ebs".into(),
            root_device_name: "/dev/xvda".into(),
            created: Some(DEMO_EPOCH - days_ago * 86_400),
            public: scope == ImageScope::Amazon,
            description: desc.into(),
            owner_id: if scope == ImageScope::Mine {
                DEMO_ACCOUNT.into()
            } else if scope == ImageScope::Amazon {
                "137112412989".into()
            } else {
                "111122223333".into()
            },
            platform: "Linux/UNIX".into(),
            state_reason: String::new(),
            devices: vec![ImageDevice {
                device: "/dev/xvda".into(),
                snapshot_id: snap.into(),
                size_gib: 8,
                volume_type: "gp3".into(),
                delete_on_termination: true,
            }],
            tags: if scope == ImageScope::Mine {
                vec![("Team".into(), "platform".into())]
            } else {
                vec![]
            },
        },
        scope,
        region: DEMO_REGION.into(),
        ready_at: None,
    };
    vec![
        img(
            "ami-0f9e8d7c6b5a49382",
            "golden-web-20261020-0930",
            "x86_64",
            ImageScope::Mine,
            33,
            "Apache on AL2023",
            "snap-0aa11bb22cc33dd44",
        ),
        img(
            "ami-0a1b2c3d4e5f60718",
            "golden-arm-20261101-1200",
            "arm64",
            ImageScope::Mine,
            21,
            "Graviton base",
            "snap-0bb22cc33dd44ee55",
        ),
        img(
            "ami-0c0ffee0c0ffee001",
            "al2023-ami-2023.9.20261105.0-kernel-6.1-x86_64",
            "x86_64",
            ImageScope::Amazon,
            17,
            "Amazon Linux 2023 AMI",
            "snap-0amz0000000000001",
        ),
        img(
            "ami-0c0ffee0c0ffee002",
            "al2023-ami-2023.9.20261105.0-kernel-6.1-arm64",
            "arm64",
            ImageScope::Amazon,
            17,
            "Amazon Linux 2023 AMI",
            "snap-0amz0000000000002",
        ),
        img(
            "ami-0c0ffee0c0ffee003",
            "al2023-ami-2023.8.20260901.0-kernel-6.1-x86_64",
            "x86_64",
            ImageScope::Amazon,
            82,
            "Amazon Linux 2023 AMI",
            "snap-0amz0000000000003",
        ),
        img(
            "ami-0bada55bada550001",
            "partner-hardened-base-2026.10",
            "x86_64",
            ImageScope::Shared,
            40,
            "Shared by the security team",
            "snap-0shr0000000000001",
        ),
    ]
}

/// The simulated region.
pub struct DemoRegion {
    /// "Now" for the scheduled events (fixed for tests and screenshots, the clock for --demo).
    epoch: i64,
    inner: Mutex<Inner>,
    transition: Duration,
    latency: Duration,
    page_size: usize,
}

/// A small deterministic generator, so every demo fleet (and every screenshot) is the same.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() as usize) % xs.len()]
    }
}

const ROLES: &[&str] = &[
    "web", "api", "worker", "db", "cache", "bastion", "search", "queue", "etl", "ml-train",
];
const ENVS: &[&str] = &["prod", "staging", "dev"];
const TEAMS: &[&str] = &["payments", "platform", "growth", "data", "identity"];
const TYPES: &[&str] = &[
    "t3.micro",
    "t3.small",
    "t3.medium",
    "m6i.large",
    "m6i.xlarge",
    "c6g.large",
    "r6i.2xlarge",
    "t4g.small",
    "g5.xlarge",
];
const AZS: &[&str] = &["eu-west-1a", "eu-west-1b", "eu-west-1c"];
const KEYS: &[&str] = &["ops-2024", "deploy", "alice", ""];

/// The epoch second the demo fleet treats as "now" when it dates launches.
const DEMO_EPOCH: i64 = 1_795_000_000;

impl DemoRegion {
    /// The interactive demo: about 60 instances, realistic delays.
    pub fn interactive(size: usize) -> Self {
        let mut d = Self::new(size, Duration::from_secs(4), Duration::from_millis(150));
        d.epoch = now_epoch();
        d
    }

    /// A fleet of `size` instances; `transition` is how long pending/stopping/shutting-down
    /// last, `latency` how long every call takes.
    pub fn new(size: usize, transition: Duration, latency: Duration) -> Self {
        let mut rng = Lcg(0x05ee_dec2);
        let mut fleet = Vec::with_capacity(size);
        for n in 0..size {
            fleet.push(Self::generate(n, &mut rng));
        }
        let index = fleet
            .iter()
            .enumerate()
            .map(|(i, d)| (d.inst.id.clone(), i))
            .collect();
        let mut volumes: Vec<DemoVolume> = fleet
            .iter()
            .take(60)
            .flat_map(|d| {
                d.inst.block_devices.iter().map(move |b| Volume {
                    id: b.volume_id.clone(),
                    name: format!(
                        "{}{}",
                        d.inst.name,
                        if b.device == "/dev/xvda" {
                            "-root"
                        } else {
                            "-data"
                        }
                    ),
                    size_gib: if b.device == "/dev/xvda" { 8 } else { 100 },
                    volume_type: "gp3".into(),
                    iops: Some(3000),
                    state: "in-use".into(),
                    az: d.inst.az.clone(),
                    attachments: vec![Attachment {
                        instance_id: d.inst.id.clone(),
                        device: b.device.clone(),
                        state: "attached".into(),
                        delete_on_termination: b.delete_on_termination,
                    }],
                    encrypted: true,
                    created: d.inst.launch_time,
                    snapshot_id: String::new(),
                    attached_name: String::new(),
                    tags: vec![(
                        "Name".into(),
                        format!(
                            "{}{}",
                            d.inst.name,
                            if b.device == "/dev/xvda" {
                                "-root"
                            } else {
                                "-data"
                            }
                        ),
                    )],
                })
            })
            .map(|vol| DemoVolume { vol, next: None })
            .collect();
        for (i, az) in AZS.iter().enumerate() {
            volumes.push(DemoVolume {
                vol: Volume {
                    id: format!("vol-0spare{i:012}"),
                    name: format!("spare-{}", &az[az.len() - 1..]),
                    size_gib: 50 * (i as i32 + 1),
                    volume_type: if i == 2 { "io2".into() } else { "gp3".into() },
                    iops: Some(if i == 2 { 5000 } else { 3000 }),
                    state: "available".into(),
                    az: az.to_string(),
                    encrypted: i != 1,
                    created: Some(DEMO_EPOCH - 86_400 * (i as i64 + 2)),
                    tags: vec![("Name".into(), format!("spare-{}", &az[az.len() - 1..]))],
                    ..Default::default()
                },
                next: None,
            });
        }
        let snaps = vec![DemoSnapshot {
            snap: Snapshot {
                id: "snap-0aa11bb22cc33dd44".into(),
                name: "golden-web-root".into(),
                description: "Created by CreateImage for ami-0f9e8d7c6b5a49382".into(),
                volume_id: "vol-0000000000000049b".into(),
                size_gib: 8,
                state: "completed".into(),
                progress: "100%".into(),
                started: Some(DEMO_EPOCH - 33 * 86_400),
                encrypted: true,
                owner_id: DEMO_ACCOUNT.into(),
                tags: vec![("Name".into(), "golden-web-root".into())],
            },
            started: Instant::now(),
            region: DEMO_REGION.into(),
        }];
        Self {
            epoch: DEMO_EPOCH,
            inner: Mutex::new(Inner {
                volumes,
                snaps,
                fleet,
                index,
                images: demo_images(),
                snapshots: vec![
                    "snap-0aa11bb22cc33dd44".into(),
                    "snap-0bb22cc33dd44ee55".into(),
                ],
                counter: 0,
            }),
            transition,
            latency,
            page_size: 1000,
        }
    }

    fn generate(n: usize, rng: &mut Lcg) -> DemoInstance {
        let role = rng.pick(ROLES);
        let env = rng.pick(ENVS);
        let team = rng.pick(TEAMS);
        let az = rng.pick(AZS);
        let ty = rng.pick(TYPES);
        let state = match rng.next() % 10 {
            0..=5 => InstanceState::Running,
            6 | 7 => InstanceState::Stopped,
            8 => InstanceState::Terminated,
            _ => InstanceState::Running,
        };
        let id = format!(
            "i-0{:016x}",
            (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 4
        );
        let running = state == InstanceState::Running;
        let subnet_octet = AZS.iter().position(|a| *a == az).unwrap_or(0) * 16;
        let family = ty.split('.').next().unwrap_or(ty);
        let arch = if family.ends_with('g') {
            "arm64"
        } else {
            "x86_64"
        };
        let mut tags = vec![
            ("Name".to_string(), format!("{role}-{env}-{}", n + 1)),
            ("Environment".to_string(), env.to_string()),
            ("Team".to_string(), team.to_string()),
        ];
        if n == 7 {
            // A hostile tag value: it must never reach the terminal as an escape sequence.
            tags.push((
                "Owner".to_string(),
                "\u{1b}]0;pwned\u{7}mallory\u{1b}[2J".to_string(),
            ));
        }
        let mut inst = Instance {
            id: id.clone(),
            name: String::new(),
            state,
            state_reason: if state == InstanceState::Stopped {
                "Client.UserInitiatedShutdown: User initiated shutdown".into()
            } else {
                String::new()
            },
            instance_type: ty.to_string(),
            az: az.to_string(),
            private_ip: if state == InstanceState::Terminated {
                String::new()
            } else {
                format!("10.0.{}.{}", subnet_octet + (n / 250) % 16, n % 250 + 4)
            },
            public_ip: if running && (role == "web" || role == "bastion") {
                format!(
                    "54.{}.{}.{}",
                    170 + n % 60,
                    (n * 7) % 256,
                    (n * 13) % 250 + 1
                )
            } else {
                String::new()
            },
            key_name: rng.pick(KEYS).to_string(),
            launch_time: Some(DEMO_EPOCH - (rng.next() % (400 * 86_400)) as i64),
            image_id: if arch == "arm64" {
                "ami-0a1b2c3d4e5f60718".into()
            } else {
                "ami-0f9e8d7c6b5a49382".into()
            },
            vpc_id: "vpc-0demo1234".into(),
            subnet_id: format!("subnet-0demo{}", &az[az.len() - 1..]),
            architecture: arch.to_string(),
            platform: "Linux/UNIX".into(),
            root_device_name: "/dev/xvda".into(),
            root_device_type: "ebs".into(),
            private_dns: format!("ip-10-0-{}-{}.ec2.internal", subnet_octet, n % 250 + 4),
            public_dns: String::new(),
            lifecycle: if n % 11 == 3 {
                "spot".into()
            } else {
                String::new()
            },
            iam_profile: String::new(),
            security_groups: {
                // the same groups the demo's DescribeSecurityGroups lists
                let (n, name) = match role {
                    "web" => (1, "web-sg"),
                    "db" => (2, "db-sg"),
                    "bastion" => (3, "bastion-sg"),
                    _ => (0, "default"),
                };
                vec![(format!("sg-0demo{n:08}"), name.to_string())]
            },
            block_devices: if state == InstanceState::Terminated {
                vec![]
            } else {
                let mut v = vec![BlockDevice {
                    device: "/dev/xvda".into(),
                    volume_id: format!("vol-0{:016x}", n as u64 * 31 + 1),
                    delete_on_termination: true,
                }];
                if role == "db" || role == "search" {
                    v.push(BlockDevice {
                        device: "/dev/sdf".into(),
                        volume_id: format!("vol-0{:016x}", n as u64 * 31 + 2),
                        delete_on_termination: false,
                    });
                }
                v
            },
            tags,
        };
        clean_instance(&mut inst);
        DemoInstance {
            inst,
            protected: role == "db" && env == "prod" || n % 17 == 5,
            user_data: (role == "web").then(|| {
                "#!/bin/bash\nyum install -y httpd\nsystemctl enable --now httpd\n".to_string()
            }),
            next: None,
        }
    }

    async fn delay(&self) {
        if !self.latency.is_zero() {
            tokio::time::sleep(self.latency).await;
        }
    }

    fn settle(&self, d: &mut DemoInstance, now: Instant) {
        if let Some((at, to)) = d.next
            && now >= at
        {
            d.inst.state = to;
            d.next = None;
            // A stop that has settled is followed by nothing; a start needs nothing more.
        }
    }

    fn with<T>(
        &self,
        id: &str,
        f: impl FnOnce(&mut DemoInstance, Instant, Duration) -> ApiResult<T>,
    ) -> ApiResult<T> {
        let mut inner = self.inner.lock().expect("demo region lock");
        let now = Instant::now();
        let Some(&i) = inner.index.get(id) else {
            return Err(ApiError::service(
                "InvalidInstanceID.NotFound",
                format!("The instance ID '{id}' does not exist"),
            ));
        };
        let d = &mut inner.fleet[i];
        self.settle(d, now);
        f(d, now, self.transition)
    }

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

    fn settle_images(inner: &mut Inner, now: Instant) {
        for d in &mut inner.images {
            if let Some(at) = d.ready_at
                && now >= at
            {
                d.img.state = "available".into();
                d.ready_at = None;
            }
        }
    }

    fn fresh_id(inner: &mut Inner, prefix: &str) -> String {
        inner.counter += 1;
        format!(
            "{prefix}-0d{:015x}",
            inner.counter.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 4
        )
    }

    fn volume<'a>(inner: &'a mut Inner, id: &str) -> ApiResult<&'a mut DemoVolume> {
        inner
            .volumes
            .iter_mut()
            .find(|v| v.vol.id == id)
            .ok_or_else(|| {
                ApiError::service(
                    "InvalidVolume.NotFound",
                    format!("The volume '{id}' does not exist."),
                )
            })
    }

    fn settle_volume(v: &mut DemoVolume, now: Instant) {
        if let Some((at, to)) = &v.next
            && now >= *at
        {
            v.vol.state = to.clone();
            v.next = None;
        }
    }

    fn begin_volume(v: &mut DemoVolume, t: Duration, via: &str, to: &str) {
        if t.is_zero() {
            v.vol.state = to.into();
            v.next = None;
        } else {
            v.vol.state = via.into();
            v.next = Some((Instant::now() + t, to.into()));
        }
    }

    /// State and progress of a snapshot just started: done at once when transitions are off.
    fn new_snapshot_state(&self) -> (String, String) {
        if self.transition.is_zero() {
            ("completed".into(), "100%".into())
        } else {
            ("pending".into(), "0%".into())
        }
    }

    fn settle_snapshots(&self, inner: &mut Inner) {
        let total = self.transition * 3;
        // a snapshot deleted through delete_snapshot leaves the id list: drop it here too
        let ids = inner.snapshots.clone();
        inner.snaps.retain(|s| ids.contains(&s.snap.id));
        for s in &mut inner.snaps {
            if s.snap.state != "pending" {
                continue;
            }
            let done = total.is_zero() || s.started.elapsed() >= total;
            if done {
                s.snap.state = "completed".into();
                s.snap.progress = "100%".into();
            } else {
                let pct = (s.started.elapsed().as_secs_f64() / total.as_secs_f64() * 100.0) as u32;
                s.snap.progress = format!("{pct}%");
            }
        }
    }

    fn wrong_state(d: &DemoInstance, verb: &str) -> ApiError {
        ApiError::service(
            "IncorrectInstanceState",
            format!(
                "The instance '{}' is not in a state from which it can be {verb}.",
                d.inst.id
            ),
        )
    }
}

impl Ec2Api for DemoRegion {
    async fn identity(&self) -> ApiResult<Identity> {
        Ok(Identity {
            account: DEMO_ACCOUNT.into(),
            arn: format!("arn:aws:iam::{DEMO_ACCOUNT}:user/demo"),
        })
    }

    async fn list_instances(&self, next_token: Option<String>) -> ApiResult<Page<Instance>> {
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
    }

    async fn describe_instances(&self, ids: Vec<String>) -> ApiResult<Vec<Instance>> {
        self.delay().await;
        ids.iter()
            .map(|id| self.with(id, |d, _, _| Ok(d.inst.clone())))
            .collect()
    }

    async fn start_instance(&self, id: String) -> ApiResult<()> {
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
    }

    async fn stop_instance(&self, id: String, force: bool) -> ApiResult<()> {
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
    }

    async fn reboot_instance(&self, id: String) -> ApiResult<()> {
        self.delay().await;
        self.with(&id, |d, _, _| match d.inst.state {
            InstanceState::Running => Ok(()),
            _ => Err(Self::wrong_state(d, "rebooted")),
        })
    }

    async fn terminate_instance(&self, id: String) -> ApiResult<()> {
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
    }

    async fn termination_protection(&self, id: String) -> ApiResult<bool> {
        self.delay().await;
        self.with(&id, |d, _, _| Ok(d.protected))
    }

    async fn set_termination_protection(&self, id: String, on: bool) -> ApiResult<()> {
        self.delay().await;
        self.with(&id, |d, _, _| {
            d.protected = on;
            Ok(())
        })
    }

    async fn user_data(&self, id: String) -> ApiResult<Option<String>> {
        self.delay().await;
        self.with(&id, |d, _, _| {
            Ok(d.user_data.as_deref().map(clean_multiline))
        })
    }

    async fn list_images(
        &self,
        scope: ImageScope,
        next_token: Option<String>,
    ) -> ApiResult<Page<Image>> {
        self.delay().await;
        let _ = next_token;
        let mut inner = self.inner.lock().expect("demo region lock");
        Self::settle_images(&mut inner, Instant::now());
        let items = inner
            .images
            .iter()
            .filter(|d| d.scope == scope && d.region == DEMO_REGION)
            .map(|d| d.img.clone())
            .collect();
        Ok(Page {
            items,
            next_token: None,
        })
    }

    async fn describe_images(
        &self,
        region: Option<String>,
        ids: Vec<String>,
    ) -> ApiResult<Vec<Image>> {
        self.delay().await;
        let region = region.unwrap_or_else(|| DEMO_REGION.to_string());
        let mut inner = self.inner.lock().expect("demo region lock");
        Self::settle_images(&mut inner, Instant::now());
        let mut out = Vec::new();
        for id in &ids {
            match inner
                .images
                .iter()
                .find(|d| &d.img.id == id && d.region == region)
            {
                Some(d) => out.push(d.img.clone()),
                None => {
                    return Err(ApiError::service(
                        "InvalidAMIID.NotFound",
                        format!("The image id '[{id}]' does not exist"),
                    ));
                }
            }
        }
        Ok(out)
    }

    async fn create_image(&self, spec: ImageSpec) -> ApiResult<String> {
        self.delay().await;
        let mut inner = self.inner.lock().expect("demo region lock");
        let now = Instant::now();
        if let Some(d) = inner
            .images
            .iter()
            .find(|d| d.scope == ImageScope::Mine && d.img.name == spec.name)
        {
            return Err(ApiError::service(
                "InvalidAMIName.Duplicate",
                format!(
                    "AMI name {} is already in use by AMI {}",
                    spec.name, d.img.id
                ),
            ));
        }
        let Some(&i) = inner.index.get(&spec.instance_id) else {
            return Err(ApiError::service(
                "InvalidInstanceID.NotFound",
                format!("The instance ID '{}' does not exist", spec.instance_id),
            ));
        };
        let (arch, devices) = {
            let d = &mut inner.fleet[i];
            self.settle(d, now);
            if !matches!(
                d.inst.state,
                InstanceState::Running | InstanceState::Stopped
            ) {
                return Err(Self::wrong_state(d, "imaged"));
            }
            (d.inst.architecture.clone(), d.inst.block_devices.clone())
        };
        let id = Self::fresh_id(&mut inner, "ami");
        let mut devs = Vec::new();
        for b in devices {
            let snap = Self::fresh_id(&mut inner, "snap");
            inner.snapshots.push(snap.clone());
            devs.push(ImageDevice {
                device: b.device,
                snapshot_id: snap,
                size_gib: 8,
                volume_type: "gp3".into(),
                delete_on_termination: b.delete_on_termination,
            });
        }
        let pending = self.transition * 3;
        let mut img = Image {
            id: id.clone(),
            name: spec.name,
            state: if pending.is_zero() {
                "available".into()
            } else {
                "pending".into()
            },
            architecture: arch,
            virtualization: "hvm".into(),
            root_device_type: "ebs".into(),
            root_device_name: "/dev/xvda".into(),
            created: Some(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs() as i64)
                    .unwrap_or(DEMO_EPOCH),
            ),
            public: false,
            description: spec.description,
            owner_id: DEMO_ACCOUNT.into(),
            platform: "Linux/UNIX".into(),
            state_reason: String::new(),
            devices: devs,
            tags: spec.tags,
        };
        clean_image(&mut img);
        inner.images.push(DemoImage {
            img,
            scope: ImageScope::Mine,
            region: DEMO_REGION.into(),
            ready_at: (!pending.is_zero()).then(|| now + pending),
        });
        Ok(id)
    }

    async fn deregister_image(&self, id: String) -> ApiResult<()> {
        self.delay().await;
        let mut inner = self.inner.lock().expect("demo region lock");
        let before = inner.images.len();
        inner.images.retain(|d| {
            !(d.img.id == id && d.region == DEMO_REGION && d.scope == ImageScope::Mine)
        });
        if inner.images.len() == before {
            return Err(ApiError::service(
                "InvalidAMIID.Unavailable",
                format!("The image '{id}' is not yours or does not exist"),
            ));
        }
        Ok(())
    }

    async fn delete_snapshot(&self, id: String) -> ApiResult<()> {
        self.delay().await;
        let mut inner = self.inner.lock().expect("demo region lock");
        if let Some(ami) = inner
            .images
            .iter()
            .find(|d| d.img.snapshot_ids().contains(&id))
        {
            return Err(ApiError::service(
                "InvalidSnapshot.InUse",
                format!("The snapshot {id} is currently in use by {}", ami.img.id),
            ));
        }
        let before = inner.snapshots.len();
        inner.snapshots.retain(|s| s != &id);
        if inner.snapshots.len() == before {
            return Err(ApiError::service(
                "InvalidSnapshot.NotFound",
                format!("The snapshot '{id}' does not exist."),
            ));
        }
        Ok(())
    }

    async fn copy_image(
        &self,
        id: String,
        name: String,
        target_region: String,
    ) -> ApiResult<String> {
        self.delay().await;
        let mut inner = self.inner.lock().expect("demo region lock");
        let Some(src) = inner
            .images
            .iter()
            .find(|d| d.img.id == id && d.region == DEMO_REGION)
        else {
            return Err(ApiError::service(
                "InvalidAMIID.NotFound",
                format!("The image id '[{id}]' does not exist"),
            ));
        };
        let mut img = src.img.clone();
        let new_id = Self::fresh_id(&mut inner, "ami");
        img.id = new_id.clone();
        img.name = name;
        let pending = self.transition * 4;
        img.state = if pending.is_zero() {
            "available".into()
        } else {
            "pending".into()
        };
        inner.images.push(DemoImage {
            img,
            scope: ImageScope::Mine,
            region: target_region,
            ready_at: (!pending.is_zero()).then(|| Instant::now() + pending),
        });
        Ok(new_id)
    }

    async fn regions(&self) -> ApiResult<Vec<String>> {
        Ok([
            "eu-central-1",
            "eu-north-1",
            "eu-west-1",
            "eu-west-2",
            "us-east-1",
            "us-east-2",
            "us-west-2",
            "ap-southeast-2",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect())
    }

    async fn instance_types(&self) -> ApiResult<Vec<InstanceTypeInfo>> {
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
    }

    async fn key_pairs(&self) -> ApiResult<Vec<String>> {
        Ok(vec!["alice".into(), "deploy".into(), "ops-2024".into()])
    }

    async fn subnets(&self) -> ApiResult<Vec<Subnet>> {
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
    }

    async fn security_groups(&self) -> ApiResult<Vec<SecurityGroup>> {
        Ok(["default", "web-sg", "db-sg", "bastion-sg"]
            .iter()
            .enumerate()
            .map(|(i, n)| SecurityGroup {
                id: format!("sg-0demo{i:08}"),
                name: n.to_string(),
                vpc_id: "vpc-0demo1234".into(),
            })
            .collect())
    }

    async fn run_instances(&self, spec: LaunchSpec, dry_run: bool) -> ApiResult<Vec<Instance>> {
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
    }

    async fn list_volumes(&self, _next_token: Option<String>) -> ApiResult<Page<Volume>> {
        self.delay().await;
        let mut inner = self.inner.lock().expect("demo region lock");
        let now = Instant::now();
        for v in &mut inner.volumes {
            Self::settle_volume(v, now);
        }
        Ok(Page {
            items: inner.volumes.iter().map(|v| v.vol.clone()).collect(),
            next_token: None,
        })
    }

    async fn describe_volumes(&self, ids: Vec<String>) -> ApiResult<Vec<Volume>> {
        self.delay().await;
        let mut inner = self.inner.lock().expect("demo region lock");
        let now = Instant::now();
        let mut out = Vec::new();
        for id in ids {
            let v = Self::volume(&mut inner, &id)?;
            Self::settle_volume(v, now);
            out.push(v.vol.clone());
        }
        Ok(out)
    }

    async fn create_volume(&self, spec: VolumeSpec) -> ApiResult<String> {
        self.delay().await;
        let mut inner = self.inner.lock().expect("demo region lock");
        if !AZS.contains(&spec.az.as_str()) {
            return Err(ApiError::service(
                "InvalidParameterValue",
                format!("Invalid availability zone: [{}]", spec.az),
            ));
        }
        let id = Self::fresh_id(&mut inner, "vol");
        let mut vol = Volume {
            id: id.clone(),
            size_gib: spec.size_gib,
            volume_type: spec.volume_type,
            iops: spec.iops.or(Some(3000)),
            state: "creating".into(),
            az: spec.az,
            encrypted: spec.encrypted,
            created: Some(now_epoch()),
            snapshot_id: spec.snapshot_id.unwrap_or_default(),
            tags: spec.tags,
            ..Default::default()
        };
        super::clean_volume(&mut vol);
        let mut d = DemoVolume { vol, next: None };
        Self::begin_volume(&mut d, self.transition, "creating", "available");
        inner.volumes.push(d);
        Ok(id)
    }

    async fn attach_volume(
        &self,
        volume_id: String,
        instance_id: String,
        device: String,
    ) -> ApiResult<()> {
        self.delay().await;
        let mut inner = self.inner.lock().expect("demo region lock");
        let Some(&i) = inner.index.get(&instance_id) else {
            return Err(ApiError::service(
                "InvalidInstanceID.NotFound",
                format!("The instance ID '{instance_id}' does not exist"),
            ));
        };
        let inst_az = inner.fleet[i].inst.az.clone();
        if inner.fleet[i]
            .inst
            .block_devices
            .iter()
            .any(|b| b.device == device)
        {
            return Err(ApiError::service(
                "InvalidParameterValue",
                format!(
                    "Invalid value '{device}' for unixDevice. Attachment point {device} is already in use"
                ),
            ));
        }
        let t = self.transition;
        let v = Self::volume(&mut inner, &volume_id)?;
        Self::settle_volume(v, Instant::now());
        if v.vol.state != "available" {
            return Err(ApiError::service(
                "VolumeInUse",
                format!("{volume_id} is already attached to an instance"),
            ));
        }
        if v.vol.az != inst_az {
            return Err(ApiError::service(
                "InvalidVolume.ZoneMismatch",
                format!(
                    "The volume '{volume_id}' is not in the same availability zone as instance '{instance_id}'"
                ),
            ));
        }
        v.vol.attachments = vec![Attachment {
            instance_id: instance_id.clone(),
            device: device.clone(),
            state: "attached".into(),
            delete_on_termination: false,
        }];
        Self::begin_volume(v, t, "in-use", "in-use");
        inner.fleet[i].inst.block_devices.push(BlockDevice {
            device,
            volume_id,
            delete_on_termination: false,
        });
        Ok(())
    }

    async fn detach_volume(
        &self,
        volume_id: String,
        instance_id: String,
        _force: bool,
    ) -> ApiResult<()> {
        self.delay().await;
        let mut inner = self.inner.lock().expect("demo region lock");
        let t = self.transition;
        let v = Self::volume(&mut inner, &volume_id)?;
        if !v
            .vol
            .attachments
            .iter()
            .any(|a| a.instance_id == instance_id)
        {
            return Err(ApiError::service(
                "IncorrectState",
                format!("Volume '{volume_id}' is in the 'available' state."),
            ));
        }
        v.vol.attachments.clear();
        Self::begin_volume(v, t, "in-use", "available");
        if let Some(&i) = inner.index.get(&instance_id) {
            inner.fleet[i]
                .inst
                .block_devices
                .retain(|b| b.volume_id != volume_id);
        }
        Ok(())
    }

    async fn delete_volume(&self, id: String) -> ApiResult<()> {
        self.delay().await;
        let mut inner = self.inner.lock().expect("demo region lock");
        let v = Self::volume(&mut inner, &id)?;
        if !v.vol.attachments.is_empty() {
            return Err(ApiError::service(
                "VolumeInUse",
                format!(
                    "Volume {id} is currently attached to {}",
                    v.vol.attachments[0].instance_id
                ),
            ));
        }
        inner.volumes.retain(|v| v.vol.id != id);
        Ok(())
    }

    async fn create_snapshot(
        &self,
        volume_id: String,
        description: String,
        tags: Vec<(String, String)>,
    ) -> ApiResult<String> {
        self.delay().await;
        let mut inner = self.inner.lock().expect("demo region lock");
        let (size, encrypted) = {
            let v = Self::volume(&mut inner, &volume_id)?;
            (v.vol.size_gib, v.vol.encrypted)
        };
        let id = Self::fresh_id(&mut inner, "snap");
        let (state, progress) = self.new_snapshot_state();
        let mut snap = Snapshot {
            id: id.clone(),
            description,
            volume_id,
            size_gib: size,
            state,
            progress,
            started: Some(now_epoch()),
            encrypted,
            owner_id: DEMO_ACCOUNT.into(),
            tags,
            ..Default::default()
        };
        super::clean_snapshot(&mut snap);
        inner.snapshots.push(id.clone());
        inner.snaps.push(DemoSnapshot {
            snap,
            started: Instant::now(),
            region: DEMO_REGION.into(),
        });
        Ok(id)
    }

    async fn list_snapshots(
        &self,
        owner_id: String,
        _next_token: Option<String>,
    ) -> ApiResult<Page<Snapshot>> {
        self.delay().await;
        let mut inner = self.inner.lock().expect("demo region lock");
        self.settle_snapshots(&mut inner);
        Ok(Page {
            items: inner
                .snaps
                .iter()
                .filter(|s| s.snap.owner_id == owner_id && s.region == DEMO_REGION)
                .map(|s| s.snap.clone())
                .collect(),
            next_token: None,
        })
    }

    async fn describe_snapshots(
        &self,
        region: Option<String>,
        ids: Vec<String>,
    ) -> ApiResult<Vec<Snapshot>> {
        self.delay().await;
        let region = region.unwrap_or_else(|| DEMO_REGION.to_string());
        let mut inner = self.inner.lock().expect("demo region lock");
        self.settle_snapshots(&mut inner);
        ids.iter()
            .map(|id| {
                inner
                    .snaps
                    .iter()
                    .find(|s| &s.snap.id == id && s.region == region)
                    .map(|s| s.snap.clone())
                    .ok_or_else(|| {
                        ApiError::service(
                            "InvalidSnapshot.NotFound",
                            format!("The snapshot '{id}' does not exist."),
                        )
                    })
            })
            .collect()
    }

    async fn availability_zones(&self) -> ApiResult<Vec<String>> {
        Ok(AZS.iter().map(|s| s.to_string()).collect())
    }

    async fn instance_statuses(
        &self,
        next_token: Option<String>,
    ) -> ApiResult<Page<InstanceStatus>> {
        self.delay().await;
        let start: usize = next_token
            .as_deref()
            .and_then(|t| t.parse().ok())
            .unwrap_or(0);
        let mut inner = self.inner.lock().expect("demo region lock");
        let now = Instant::now();
        let end = (start + self.page_size).min(inner.fleet.len());
        let mut items = Vec::new();
        for (n, d) in inner.fleet[start.min(end)..end].iter_mut().enumerate() {
            self.settle(d, now);
            let n = start + n;
            let running = d.inst.state == InstanceState::Running;
            let (sys, inst) = match (running, n) {
                (false, _) => ("not-applicable", "not-applicable"),
                (true, 9) => ("ok", "impaired"),
                (true, 14) => ("initializing", "initializing"),
                _ => ("ok", "ok"),
            };
            let day = 86_400;
            let events = match n {
                3 if running => vec![ScheduledEvent {
                    code: "system-reboot".into(),
                    description: "scheduled reboot for host maintenance".into(),
                    not_before: Some(self.epoch + day),
                    not_after: Some(self.epoch + day + 2 * 3600),
                    deadline: Some(self.epoch + 5 * day),
                }],
                11 if running => vec![ScheduledEvent {
                    code: "instance-retirement".into(),
                    description: "The instance is running on degraded hardware".into(),
                    not_before: Some(self.epoch + 12 * day),
                    not_after: None,
                    deadline: None,
                }],
                _ => vec![],
            };
            items.push(InstanceStatus {
                id: d.inst.id.clone(),
                az: d.inst.az.clone(),
                state: d.inst.state,
                system_status: sys.into(),
                instance_status: inst.into(),
                reachability: vec![
                    (
                        "system reachability".into(),
                        if sys == "ok" {
                            "passed".into()
                        } else {
                            sys.into()
                        },
                    ),
                    (
                        "instance reachability".into(),
                        if inst == "ok" {
                            "passed".into()
                        } else if inst == "impaired" {
                            "failed".into()
                        } else {
                            inst.into()
                        },
                    ),
                ],
                events,
            });
        }
        let next_token = (end < inner.fleet.len()).then(|| end.to_string());
        Ok(Page { items, next_token })
    }

    async fn copy_snapshot(
        &self,
        id: String,
        _description: String,
        target_region: String,
    ) -> ApiResult<String> {
        self.delay().await;
        let mut inner = self.inner.lock().expect("demo region lock");
        if !inner.snaps.iter().any(|s| s.snap.id == id) {
            return Err(ApiError::service(
                "InvalidSnapshot.NotFound",
                format!("The snapshot '{id}' does not exist."),
            ));
        }
        let Some(src) = inner
            .snaps
            .iter()
            .find(|s| s.snap.id == id)
            .map(|s| s.snap.clone())
        else {
            return Err(ApiError::service(
                "InvalidSnapshot.NotFound",
                format!("The snapshot '{id}' does not exist."),
            ));
        };
        let new_id = Self::fresh_id(&mut inner, "snap");
        let (state, progress) = self.new_snapshot_state();
        let snap = Snapshot {
            id: new_id.clone(),
            description: format!("Copied for {id} from {DEMO_REGION}"),
            state,
            progress,
            started: Some(now_epoch()),
            ..src
        };
        inner.snapshots.push(new_id.clone());
        inner.snaps.push(DemoSnapshot {
            snap,
            started: Instant::now(),
            region: target_region,
        });
        Ok(new_id)
    }

    async fn statuses_of(&self, ids: Vec<String>) -> ApiResult<Vec<InstanceStatus>> {
        let mut out = Vec::new();
        let mut token = None;
        loop {
            let page = self.instance_statuses(token).await?;
            out.extend(page.items.into_iter().filter(|s| ids.contains(&s.id)));
            match page.next_token {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        Ok(out)
    }
}
