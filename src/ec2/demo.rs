//! An in-process simulated region for `--demo`, screenshots, UI tests and benchmarks.
//!
//! Actions behave as EC2's do: transitions take time, a wrong-state action is refused with
//! `IncorrectInstanceState`, termination protection refuses terminate with
//! `OperationNotPermitted`. It never stands in for the SDK path in tests of AWS behaviour.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{
    ApiError, ApiResult, BlockDevice, Ec2Api, Identity, Instance, InstanceState, Page,
    clean_instance, clean_multiline,
};

/// The demo account id shown in the header.
pub const DEMO_ACCOUNT: &str = "000000000000";

struct DemoInstance {
    inst: Instance,
    protected: bool,
    user_data: Option<String>,
    /// A transition in progress: the state it reaches, and when.
    next: Option<(Instant, InstanceState)>,
}

struct Inner {
    fleet: Vec<DemoInstance>,
    index: HashMap<String, usize>,
}

/// The simulated region.
pub struct DemoRegion {
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
        Self::new(size, Duration::from_secs(4), Duration::from_millis(150))
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
        Self {
            inner: Mutex::new(Inner { fleet, index }),
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
        let arch = if ty.contains('g') && !ty.starts_with("g5") {
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
            security_groups: vec![(format!("sg-0{role}00001"), format!("{role}-sg"))],
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
}
