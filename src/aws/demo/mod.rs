//! An in-process simulated region for `--demo`, screenshots, UI tests and benchmarks.
//!
//! Actions behave as EC2's do: transitions take time, a wrong-state action is refused with
//! `IncorrectInstanceState`, termination protection refuses terminate with
//! `OperationNotPermitted`. It never stands in for the SDK path in tests of AWS behaviour.
//!
//! This file holds the region's state, its constructors and the helpers every family uses;
//! each family's port is implemented in its own file, with the data and helpers only it uses.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

mod account;
pub use account::{DEMO_PROFILES, DEMO_REGIONS};
mod autoscaling;
mod images;
mod instances;
mod key_pairs;
mod security_groups;
mod status;
mod storage;
mod tags;
mod templates;

use super::{ApiError, ApiResult, BlockDevice, Image, ImageScope, Instance, InstanceState};
use super::{KeyPair, SecurityGroup, Snapshot, Volume, clean_instance};
use autoscaling::{DemoGroup, demo_launch_configurations};
use images::demo_images;
use key_pairs::demo_key_pairs;
use security_groups::demo_security_groups;
use storage::{demo_snapshots, demo_volumes};
use templates::{DemoTemplate, demo_templates};

/// The demo account id shown in the header.
pub const DEMO_ACCOUNT: &str = "000000000000";

struct DemoInstance {
    inst: Instance,
    protected: bool,
    user_data: Option<String>,
    /// A transition in progress: the state it reaches, and when.
    next: Option<(Instant, InstanceState)>,
    /// When it last reached `running` through a launch or a start (None for the seed fleet):
    /// it is on a fresh host, its checks initialize for a while and no event is scheduled.
    running_since: Option<Instant>,
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

pub(super) struct Inner {
    volumes: Vec<DemoVolume>,
    /// Some volume has a transition in progress (so [`DemoRegion::advance`] looks at them).
    volumes_moving: bool,
    /// Every region's snapshots (copies live in their target region).
    snaps: Vec<DemoSnapshot>,
    fleet: Vec<DemoInstance>,
    index: HashMap<String, usize>,
    /// The fleet positions with a transition in progress.
    moving: Vec<usize>,
    images: Vec<DemoImage>,
    key_pairs: Vec<KeyPair>,
    groups: Vec<SecurityGroup>,
    templates: Vec<DemoTemplate>,
    /// The Auto Scaling groups (none unless asked for: [`DemoRegion::with_auto_scaling`]).
    asgs: Vec<DemoGroup>,
    launch_configs: Vec<super::LaunchConfiguration>,
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

/// EC2's private DNS name of an address outside us-east-1; none without an address.
fn private_dns(ip: &str, region: &str) -> String {
    if ip.is_empty() {
        String::new()
    } else {
        format!("ip-{}.{region}.compute.internal", ip.replace('.', "-"))
    }
}

/// The zones of a demo region.
fn zones_of(region: &str) -> &'static [&'static str] {
    match region {
        "us-east-1" => &["us-east-1a", "us-east-1b", "us-east-1c"],
        _ => &["eu-west-1a", "eu-west-1b", "eu-west-1c"],
    }
}

/// The simulated region.
pub struct DemoRegion {
    /// "Now" for the scheduled events (fixed for tests and screenshots, the clock for --demo).
    epoch: i64,
    inner: Mutex<Inner>,
    transition: Duration,
    latency: Duration,
    page_size: usize,
    /// The region it simulates, and its zones.
    region: &'static str,
    azs: &'static [&'static str],
    /// The demo's regions, made as they are first asked for (`--demo` only): the same
    /// account elsewhere, for `:region` and `:region all`.
    universe: Option<Universe>,
    /// The size it was asked for (another region's fleet is a third of it).
    size: usize,
}

/// Every region of one demo, by name.
type Universe = std::sync::Arc<Mutex<HashMap<&'static str, std::sync::Arc<DemoRegion>>>>;

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
const KEYS: &[&str] = &["ops-2024", "deploy", "alice", ""];

/// The epoch second the demo fleet treats as "now" when it dates launches.
const DEMO_EPOCH: i64 = 1_795_000_000;

impl DemoRegion {
    /// The interactive demo: about 60 instances, realistic delays.
    pub fn interactive(size: usize) -> Self {
        let mut d = Self::new(size, Duration::from_secs(4), Duration::from_millis(150));
        d.epoch = now_epoch();
        d.with_auto_scaling()
    }

    /// A fleet of `size` instances; `transition` is how long pending/stopping/shutting-down
    /// last, `latency` how long every call takes.
    pub fn new(size: usize, transition: Duration, latency: Duration) -> Self {
        Self::new_in(DEMO_REGION, size, transition, latency)
    }

    /// The demo's world in one of its regions (`DEMO_REGIONS`): another region has another
    /// fleet (other names, ids and zones), a third of the size.
    pub fn new_in(region: &str, size: usize, transition: Duration, latency: Duration) -> Self {
        let (region, azs, seed, size, first): (&'static str, _, u64, usize, usize) = match region {
            "us-east-1" => ("us-east-1", zones_of("us-east-1"), 0x0ea5_7001, size / 3, 7),
            _ => (DEMO_REGION, zones_of(DEMO_REGION), 0x05ee_dec2, size, 0),
        };
        let mut rng = Lcg(seed);
        let mut fleet = Vec::with_capacity(size);
        for n in 0..size {
            fleet.push(Self::generate(n, &mut rng, azs, region, first));
        }
        let index = fleet
            .iter()
            .enumerate()
            .map(|(i, d)| (d.inst.id.clone(), i))
            .collect();
        let volumes = demo_volumes(&fleet, azs);
        let snaps = demo_snapshots(region);
        Self {
            epoch: DEMO_EPOCH,
            inner: Mutex::new(Inner {
                volumes,
                volumes_moving: false,
                snaps,
                fleet,
                index,
                moving: Vec::new(),
                images: demo_images(region),
                key_pairs: demo_key_pairs(),
                groups: demo_security_groups(),
                templates: demo_templates(),
                asgs: Vec::new(),
                launch_configs: demo_launch_configurations(),
                counter: 0,
            }),
            transition,
            latency,
            page_size: 1000,
            region,
            azs,
            universe: None,
            size,
        }
    }

    /// The interactive demo with its other region, reachable through `in_region` (and so
    /// by `:region` and `:region all`).
    pub fn interactive_universe(size: usize) -> std::sync::Arc<Self> {
        let universe: Universe = Default::default();
        let mut root = Self::interactive(size);
        root.universe = Some(universe.clone());
        let root = std::sync::Arc::new(root);
        universe
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(DEMO_REGION, root.clone());
        root
    }

    /// This demo's world in `region`, made the first time it is asked for.
    pub fn region_world(&self, region: &str) -> Option<std::sync::Arc<Self>> {
        let universe = self.universe.as_ref()?;
        let (name, _) = account::DEMO_REGIONS
            .iter()
            .find(|(r, opt)| *r == region && *opt != "not-opted-in")?;
        let mut worlds = universe.lock().unwrap_or_else(|p| p.into_inner());
        let world = worlds.entry(name).or_insert_with(|| {
            let mut w = Self::new_in(name, self.size, self.transition, self.latency);
            w.epoch = self.epoch;
            w.universe = Some(universe.clone());
            std::sync::Arc::new(w)
        });
        Some(world.clone())
    }

    /// Instance `n` of a region's fleet; `salt` makes another region's ids its own.
    fn generate(
        n: usize,
        rng: &mut Lcg,
        azs: &[&'static str],
        region: &str,
        salt: usize,
    ) -> DemoInstance {
        let role = rng.pick(ROLES);
        let env = rng.pick(ENVS);
        let team = rng.pick(TEAMS);
        let az = rng.pick(azs);
        let ty = rng.pick(TYPES);
        let state = match rng.next() % 10 {
            0..=5 => InstanceState::Running,
            6 | 7 => InstanceState::Stopped,
            8 => InstanceState::Terminated,
            _ => InstanceState::Running,
        };
        let id = format!(
            "i-0{:016x}",
            ((n as u64) ^ ((salt as u64) << 40)).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 4
        );
        let running = state == InstanceState::Running;
        let subnet_octet = azs.iter().position(|a| *a == az).unwrap_or(0) * 16;
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
        // inside the zone's subnet (10.0.{0,16,32}.0/20), past the 4 addresses EC2 keeps
        let private_ip = if state == InstanceState::Terminated {
            String::new()
        } else {
            format!("10.0.{}.{}", subnet_octet + (n / 250) % 16, n % 250 + 4)
        };
        let mut inst = Instance {
            id: id.clone(),
            region: String::new(),
            name: String::new(),
            state,
            state_reason: if state == InstanceState::Stopped {
                "Client.UserInitiatedShutdown: User initiated shutdown".into()
            } else {
                String::new()
            },
            instance_type: ty.to_string(),
            az: az.to_string(),
            private_ip: private_ip.clone(),
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
            private_dns: private_dns(&private_ip, region),
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
            running_since: None,
        }
    }

    async fn delay(&self) {
        if !self.latency.is_zero() {
            tokio::time::sleep(self.latency).await;
        }
    }

    /// Locks the region and brings it up to now: every transition due has happened, with
    /// what follows from it.
    fn lock(&self) -> MutexGuard<'_, Inner> {
        let mut inner = self.inner.lock().expect("demo region lock");
        self.advance(&mut inner, Instant::now());
        inner
    }

    /// Completes the instance and volume transitions due by `now`.
    fn advance(&self, inner: &mut Inner, now: Instant) {
        let mut k = 0;
        while k < inner.moving.len() {
            let i = inner.moving[k];
            match inner.fleet[i].next {
                Some((at, to)) if now >= at => {
                    inner.moving.swap_remove(k);
                    self.arrive(inner, i, to, at);
                }
                Some(_) => k += 1,
                None => {
                    inner.moving.swap_remove(k);
                }
            }
        }
        if inner.volumes_moving {
            for v in &mut inner.volumes {
                if let Some((at, to)) = &v.next
                    && now >= *at
                {
                    v.vol.state = to.clone();
                    v.next = None;
                }
            }
            // a volume deleted with its instance leaves the region once `deleting` is over
            inner.volumes.retain(|v| v.vol.state != "deleted");
            inner.volumes_moving = inner.volumes.iter().any(|v| v.next.is_some());
        }
        if !inner.asgs.is_empty() {
            self.advance_groups(inner, now);
        }
    }

    /// Instance `i` reaches `to` at `at`. Reaching `running` puts it on a fresh host; reaching
    /// `terminated` releases its addresses and its volumes: those marked DeleteOnTermination
    /// are deleted (after a `deleting` moment), the others are detached and `available`.
    fn arrive(&self, inner: &mut Inner, i: usize, to: InstanceState, at: Instant) {
        let d = &mut inner.fleet[i];
        d.inst.state = to;
        d.next = None;
        match to {
            InstanceState::Running => d.running_since = Some(at),
            InstanceState::Terminated => {
                d.running_since = None;
                for s in [
                    &mut d.inst.private_ip,
                    &mut d.inst.private_dns,
                    &mut d.inst.public_ip,
                    &mut d.inst.public_dns,
                ] {
                    s.clear();
                }
                let id = d.inst.id.clone();
                let devices = std::mem::take(&mut d.inst.block_devices);
                for v in &mut inner.volumes {
                    let Some(a) = v.vol.attachments.iter().find(|a| a.instance_id == id) else {
                        continue;
                    };
                    let delete = devices
                        .iter()
                        .find(|b| b.volume_id == v.vol.id)
                        .map_or(a.delete_on_termination, |b| b.delete_on_termination);
                    v.vol.attachments.clear();
                    if delete {
                        begin_volume(v, at, self.transition, "deleting", "deleted");
                    } else {
                        v.vol.state = "available".into();
                        v.next = None;
                    }
                }
                inner.volumes_moving = true;
            }
            _ => d.running_since = None,
        }
    }

    /// Runs `f` on one instance, then completes what it started if that takes no time.
    fn with<T>(
        &self,
        id: &str,
        f: impl FnOnce(&mut DemoInstance, Instant, Duration) -> ApiResult<T>,
    ) -> ApiResult<T> {
        let mut inner = self.lock();
        let now = Instant::now();
        let Some(&i) = inner.index.get(id) else {
            return Err(ApiError::service(
                "InvalidInstanceID.NotFound",
                format!("The instance ID '{id}' does not exist"),
            ));
        };
        let out = f(&mut inner.fleet[i], now, self.transition);
        Self::track(&mut inner, i);
        self.advance(&mut inner, now);
        out
    }

    /// Follows instance `i` if a transition of its is in progress.
    fn track(inner: &mut Inner, i: usize) {
        if inner.fleet[i].next.is_some() && !inner.moving.contains(&i) {
            inner.moving.push(i);
        }
    }

    fn fresh_id(inner: &mut Inner, prefix: &str) -> String {
        inner.counter += 1;
        format!(
            "{prefix}-0d{:015x}",
            inner.counter.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 4
        )
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

/// Starts a volume transition at `start`: `via` now, `to` once `t` has passed (the caller
/// sets `volumes_moving`).
fn begin_volume(v: &mut DemoVolume, start: Instant, t: Duration, via: &str, to: &str) {
    v.vol.state = via.into();
    v.next = Some((start + t, to.into()));
}
