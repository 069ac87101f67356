//! The domain types of instances, images, volumes, snapshots, statuses and the account (ours,
//! not the SDK's), and the cleaning of their strings.

use std::fmt;

use super::text::{clean, clean_pairs, is_control};

/// The lifecycle state of an instance, as EC2 names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum InstanceState {
    Pending,
    Running,
    ShuttingDown,
    Terminated,
    Stopping,
    Stopped,
    #[default]
    Unknown,
}

impl InstanceState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Running => "running",
            Self::ShuttingDown => "shutting-down",
            Self::Terminated => "terminated",
            Self::Stopping => "stopping",
            Self::Stopped => "stopped",
            Self::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Self {
        match s {
            "pending" => Self::Pending,
            "running" => Self::Running,
            "shutting-down" => Self::ShuttingDown,
            "terminated" => Self::Terminated,
            "stopping" => Self::Stopping,
            "stopped" => Self::Stopped,
            _ => Self::Unknown,
        }
    }

    /// A state that will not change without somebody asking: watching can stop here.
    pub fn is_stable(self) -> bool {
        matches!(self, Self::Running | Self::Stopped | Self::Terminated)
    }
}

impl serde::Serialize for InstanceState {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Tags as a JSON object (`{"Name": "web-1"}`), in their order.
pub fn tags_as_map<S: serde::Serializer>(
    tags: &[(String, String)],
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(tags.len()))?;
    for (k, v) in tags {
        m.serialize_entry(k, v)?;
    }
    m.end()
}

impl fmt::Display for InstanceState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One EBS volume (or instance-store device) mapped on an instance.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BlockDevice {
    pub device: String,
    pub volume_id: String,
    pub delete_on_termination: bool,
}

/// An instance as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Instance {
    pub id: String,
    /// The region it is in, when the list spans regions (`:region all`); empty otherwise.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub region: String,
    pub name: String,
    pub state: InstanceState,
    pub state_reason: String,
    pub instance_type: String,
    pub az: String,
    pub private_ip: String,
    pub public_ip: String,
    pub key_name: String,
    /// Launch time, seconds since the Unix epoch.
    pub launch_time: Option<i64>,
    pub image_id: String,
    pub vpc_id: String,
    pub subnet_id: String,
    pub architecture: String,
    pub platform: String,
    pub root_device_name: String,
    pub root_device_type: String,
    pub private_dns: String,
    pub public_dns: String,
    pub lifecycle: String,
    pub iam_profile: String,
    pub security_groups: Vec<(String, String)>,
    pub block_devices: Vec<BlockDevice>,
    #[serde(serialize_with = "tags_as_map")]
    pub tags: Vec<(String, String)>,
}

/// Which images the AMIs pane lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ImageScope {
    /// `Owners=self`
    #[default]
    Mine,
    /// `Owners=amazon`, newest first
    Amazon,
    /// `ExecutableUsers=self`
    Shared,
}

impl ImageScope {
    pub fn label(self) -> &'static str {
        match self {
            Self::Mine => "mine",
            Self::Amazon => "Amazon's",
            Self::Shared => "shared with me",
        }
    }
    pub fn next(self) -> Self {
        match self {
            Self::Mine => Self::Amazon,
            Self::Amazon => Self::Shared,
            Self::Shared => Self::Mine,
        }
    }
}

/// One block device mapping of an image.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct ImageDevice {
    pub device: String,
    pub snapshot_id: String,
    pub size_gib: i64,
    pub volume_type: String,
    pub delete_on_termination: bool,
}

/// An AMI as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Image {
    pub id: String,
    pub name: String,
    /// pending, available, failed, ...
    pub state: String,
    pub architecture: String,
    pub virtualization: String,
    pub root_device_type: String,
    pub root_device_name: String,
    /// Seconds since the epoch.
    pub created: Option<i64>,
    pub public: bool,
    pub description: String,
    pub owner_id: String,
    pub platform: String,
    pub state_reason: String,
    pub devices: Vec<ImageDevice>,
    #[serde(serialize_with = "tags_as_map")]
    pub tags: Vec<(String, String)>,
}

impl Image {
    /// Total size of the image's EBS snapshots.
    pub fn size_gib(&self) -> i64 {
        self.devices.iter().map(|d| d.size_gib).sum()
    }
    pub fn snapshot_ids(&self) -> Vec<String> {
        self.devices
            .iter()
            .filter(|d| !d.snapshot_id.is_empty())
            .map(|d| d.snapshot_id.clone())
            .collect()
    }
    pub fn is_settled(&self) -> bool {
        self.state != "pending"
    }
}

/// Cleans every string of an image in place.
pub fn clean_image(i: &mut Image) {
    for s in [
        &mut i.id,
        &mut i.name,
        &mut i.state,
        &mut i.architecture,
        &mut i.virtualization,
        &mut i.root_device_type,
        &mut i.root_device_name,
        &mut i.description,
        &mut i.owner_id,
        &mut i.platform,
        &mut i.state_reason,
    ] {
        if s.chars().any(is_control) {
            *s = clean(s);
        }
    }
    for (a, b) in &mut i.tags {
        *a = clean(a);
        *b = clean(b);
    }
    for d in &mut i.devices {
        d.device = clean(&d.device);
        d.snapshot_id = clean(&d.snapshot_id);
        d.volume_type = clean(&d.volume_type);
    }
}

/// How to get consistent disks for an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageConsistency {
    /// ec2tui stops the instance first and waits for `stopped`.
    StopFirst,
    /// EC2 reboots the instance (its default).
    Reboot,
    /// Fastest; file system integrity is not guaranteed.
    NoReboot,
}

/// What `CreateImage` needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageSpec {
    pub instance_id: String,
    pub name: String,
    pub description: String,
    pub no_reboot: bool,
    /// Tags for the image and its snapshots.
    pub tags: Vec<(String, String)>,
}

/// An instance type offered by the launch form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceTypeInfo {
    pub name: String,
    pub vcpus: i32,
    pub memory_mib: i64,
    pub current_generation: bool,
    pub architectures: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subnet {
    pub id: String,
    pub az: String,
    pub vpc_id: String,
    pub cidr: String,
    pub default_for_az: bool,
    pub name: String,
}

/// Everything `RunInstances` needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LaunchSpec {
    pub image_id: String,
    pub instance_type: String,
    pub key_name: Option<String>,
    pub security_group_ids: Vec<String>,
    pub subnet_id: Option<String>,
    pub count: i32,
    pub tags: Vec<(String, String)>,
    /// Plain text; the adapter does the base64 encoding.
    pub user_data: Option<String>,
    pub termination_protection: bool,
}

/// One attachment of a volume.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Attachment {
    pub instance_id: String,
    pub device: String,
    pub state: String,
    pub delete_on_termination: bool,
}

/// An EBS volume.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Volume {
    pub id: String,
    pub name: String,
    pub size_gib: i32,
    pub volume_type: String,
    pub iops: Option<i32>,
    /// creating, available, in-use, deleting, deleted, error
    pub state: String,
    pub az: String,
    pub attachments: Vec<Attachment>,
    pub encrypted: bool,
    pub created: Option<i64>,
    pub snapshot_id: String,
    pub tags: Vec<(String, String)>,
    /// The Name of the instance it is attached to, filled in by the console.
    pub attached_name: String,
}

/// An EBS snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Snapshot {
    pub id: String,
    pub name: String,
    pub description: String,
    pub volume_id: String,
    pub size_gib: i32,
    /// pending, completed, error
    pub state: String,
    pub progress: String,
    pub started: Option<i64>,
    pub encrypted: bool,
    pub owner_id: String,
    #[serde(serialize_with = "tags_as_map")]
    pub tags: Vec<(String, String)>,
}

/// What `CreateVolume` needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VolumeSpec {
    pub az: String,
    pub size_gib: i32,
    pub volume_type: String,
    pub iops: Option<i32>,
    pub snapshot_id: Option<String>,
    pub encrypted: bool,
    pub tags: Vec<(String, String)>,
}

/// The value of the `Name` tag, or "".
pub fn name_from_tags(tags: &[(String, String)]) -> String {
    tags.iter()
        .find(|(k, _)| k == "Name")
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// Cleans every string of a volume in place and fills its name from the tags.
pub fn clean_volume(v: &mut Volume) {
    for s in [
        &mut v.id,
        &mut v.volume_type,
        &mut v.state,
        &mut v.az,
        &mut v.snapshot_id,
    ] {
        if s.chars().any(is_control) {
            *s = clean(s);
        }
    }
    for a in &mut v.attachments {
        a.instance_id = clean(&a.instance_id);
        a.device = clean(&a.device);
        a.state = clean(&a.state);
    }
    clean_pairs(&mut v.tags);
    v.name = name_from_tags(&v.tags);
}

/// Cleans every string of a snapshot in place and fills its name from the tags.
pub fn clean_snapshot(s: &mut Snapshot) {
    for x in [
        &mut s.id,
        &mut s.description,
        &mut s.volume_id,
        &mut s.state,
        &mut s.progress,
        &mut s.owner_id,
    ] {
        if x.chars().any(is_control) {
            *x = clean(x);
        }
    }
    clean_pairs(&mut s.tags);
    s.name = name_from_tags(&s.tags);
}

/// A scheduled event on an instance (`system-reboot`, `instance-retirement`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScheduledEvent {
    pub code: String,
    pub description: String,
    pub not_before: Option<i64>,
    pub not_after: Option<i64>,
    pub deadline: Option<i64>,
}

/// `DescribeInstanceStatus` for one instance.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InstanceStatus {
    pub id: String,
    pub az: String,
    pub state: InstanceState,
    /// ok, impaired, initializing, insufficient-data, not-applicable
    pub system_status: String,
    pub instance_status: String,
    /// (check, status) pairs, e.g. ("system reachability", "passed").
    pub reachability: Vec<(String, String)>,
    pub events: Vec<ScheduledEvent>,
}

impl InstanceStatus {
    /// The Checks column: `2/2`, `1/2 impaired`, `initializing`, or empty.
    pub fn checks(&self) -> String {
        let both = [self.system_status.as_str(), self.instance_status.as_str()];
        if both.iter().all(|s| *s == "ok") {
            "2/2".into()
        } else if both.contains(&"initializing") {
            "initializing".into()
        } else if both.iter().all(|s| matches!(*s, "not-applicable" | "")) {
            String::new()
        } else {
            let ok = both.iter().filter(|s| **s == "ok").count();
            let bad = both.iter().find(|s| **s != "ok").copied().unwrap_or("");
            format!("{ok}/2 {bad}")
        }
    }
}

/// Cleans every string of a status in place.
pub fn clean_status(s: &mut InstanceStatus) {
    for x in [
        &mut s.id,
        &mut s.az,
        &mut s.system_status,
        &mut s.instance_status,
    ] {
        if x.chars().any(is_control) {
            *x = clean(x);
        }
    }
    clean_pairs(&mut s.reachability);
    for e in &mut s.events {
        e.code = clean(&e.code);
        e.description = clean(&e.description);
    }
}

/// The caller, from STS `GetCallerIdentity`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub account: String,
    pub arn: String,
}

/// A region of the partition and whether the account can use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionInfo {
    pub name: String,
    /// `opt-in-not-required`, `opted-in` or `not-opted-in` (DescribeRegions).
    pub opt_in: String,
}

impl RegionInfo {
    /// Why the account cannot work in it, if it cannot.
    pub fn refusal(&self) -> Option<String> {
        (self.opt_in == "not-opted-in").then(|| {
            format!(
                "{} is not enabled for this account (opt in first: Account settings → AWS Regions)",
                self.name
            )
        })
    }
}

/// One page of a paginated list.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
}

/// Every string field of an instance (not its lists).
fn instance_strings(i: &mut Instance) -> [&mut String; 20] {
    [
        &mut i.id,
        &mut i.region,
        &mut i.name,
        &mut i.state_reason,
        &mut i.instance_type,
        &mut i.az,
        &mut i.private_ip,
        &mut i.public_ip,
        &mut i.key_name,
        &mut i.image_id,
        &mut i.vpc_id,
        &mut i.subnet_id,
        &mut i.architecture,
        &mut i.platform,
        &mut i.root_device_name,
        &mut i.root_device_type,
        &mut i.private_dns,
        &mut i.public_dns,
        &mut i.lifecycle,
        &mut i.iam_profile,
    ]
}

/// Cleans every string of an instance in place: both adapters call this before handing an
/// instance to the core.
pub fn clean_instance(i: &mut Instance) {
    for s in instance_strings(i) {
        if s.chars().any(is_control) {
            *s = clean(s);
        }
    }
    for (a, b) in i.security_groups.iter_mut().chain(i.tags.iter_mut()) {
        *a = clean(a);
        *b = clean(b);
    }
    for d in &mut i.block_devices {
        d.device = clean(&d.device);
        d.volume_id = clean(&d.volume_id);
    }
    if i.name.is_empty()
        && let Some((_, v)) = i.tags.iter().find(|(k, _)| k == "Name")
    {
        i.name = v.clone();
    }
    shrink_instance(i);
}

/// Gives back the spare capacity an instance's strings and lists came with (strings parsed
/// from a response carry more than they hold): at 100,000 instances that was ~800 bytes each.
fn shrink_instance(i: &mut Instance) {
    for s in instance_strings(i) {
        s.shrink_to_fit();
    }
    for (a, b) in i.security_groups.iter_mut().chain(i.tags.iter_mut()) {
        a.shrink_to_fit();
        b.shrink_to_fit();
    }
    for d in &mut i.block_devices {
        d.device.shrink_to_fit();
        d.volume_id.shrink_to_fit();
    }
    i.security_groups.shrink_to_fit();
    i.tags.shrink_to_fit();
    i.block_devices.shrink_to_fit();
}
