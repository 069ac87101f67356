//! The EC2 ports (one trait per resource family, [`Ec2Api`] for all of them), the domain types
//! (ours, not the SDK's), errors, and the adapters.
//!
//! Only `sdk/` knows aws-sdk-ec2. Every string that enters a domain type passes through
//! [`clean`], so nothing from AWS can reach the terminal with control characters in it.

mod autoscaling;
pub mod demo;
mod key_pairs;
pub mod listing;
pub mod op;
pub mod ops;
mod ports;
pub mod sdk;
mod security_groups;
mod templates;

pub use autoscaling::{
    AutoScalingGroup, GROUP_TAG, GroupMember, InstanceRefresh, LaunchConfiguration,
    ScalingActivity, TemplateRef, clean_activity, clean_group, clean_launch_configuration,
    clean_refresh,
};
pub use key_pairs::{KeyPair, NewKeyPair, clean_key_pair, public_key_type};
pub use ports::{
    AccountApi, AutoScalingApi, Ec2Api, ImagesApi, InstancesApi, KeyPairsApi, LaunchTemplatesApi,
    SecurityGroupsApi, StatusApi, StorageApi, TagsApi,
};
pub use security_groups::{Rule, RuleSource, SecurityGroup, clean_security_group};
pub use templates::{
    LaunchTemplate, TemplateData, TemplateSpec, TemplateVersion, clean_template,
    clean_template_data, clean_version,
};

/// Every port trait, so callers can `use ec2tui::aws::prelude::*` and call any method.
pub mod prelude {
    pub use super::{
        AccountApi, AutoScalingApi, Ec2Api, ImagesApi, InstancesApi, KeyPairsApi,
        LaunchTemplatesApi, SecurityGroupsApi, StatusApi, StorageApi, TagsApi,
    };
}

use std::fmt;

pub use op::{
    AsAny, Mutation, Op, Outcome, Record, Target, argv, capitalise, tag_specs_json, tags_json,
};
use std::future::Future;

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

fn clean_pairs(v: &mut [(String, String)]) {
    for (a, b) in v {
        *a = clean(a);
        *b = clean(b);
    }
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

/// What kind of failure, so the UI can give the right hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// No credentials, expired credentials or an expired SSO token.
    Credentials,
    /// The endpoint could not be reached, or did not answer in time.
    Network,
    /// AWS (or the emulator) answered with an error.
    Service,
    /// Anything else, including malformed answers.
    Other,
    /// A change whose answer was lost (a timeout, a dropped connection, a server error after
    /// a retry): it may or may not have been made, and reading it back did not tell.
    Unknown,
}

/// An error from the EC2 API, already in plain words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct ApiError {
    pub kind: ErrorKind,
    /// The AWS error code, e.g. `IncorrectInstanceState`.
    pub code: Option<String>,
    pub message: String,
    pub request_id: Option<String>,
}

impl ApiError {
    pub fn service(code: &str, message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Service,
            code: Some(code.to_string()),
            message: clean(&message.into()),
            request_id: None,
        }
    }

    pub fn other(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            code: None,
            message: clean(&message.into()),
            request_id: None,
        }
    }

    /// How a call that ended in this error is said: "stop web-1 (i-…) refused: …", or, where
    /// the outcome is unknown, that.
    pub fn failed(&self, what: &str) -> String {
        match self.kind {
            ErrorKind::Unknown => format!("the outcome of {what} is unknown: {}", self.describe()),
            _ => format!("{what} refused: {}", self.describe()),
        }
    }

    /// Whether the call that ended in this error may have been carried out all the same:
    /// its answer was lost or it failed on the server's side, or an earlier attempt of it
    /// (`attempts` were sent) may have been made before the answer that came.
    pub fn may_have_happened(&self, attempts: u32) -> bool {
        let code = self.code.as_deref().unwrap_or("");
        let server = matches!(
            code,
            "InternalError" | "InternalFailure" | "ServiceUnavailable" | "Unavailable"
        ) || self.message.contains("status code 5")
            || self.message.contains("HTTP 5");
        // refused before anything was sent: no connection could be made at all
        let unsent = attempts <= 1
            && [
                "Connection refused",
                "dns error",
                "failed to lookup address",
            ]
            .iter()
            .any(|w| self.message.contains(w));
        match self.kind {
            ErrorKind::Network => !unsent,
            ErrorKind::Unknown => true,
            ErrorKind::Service | ErrorKind::Other => server || attempts > 1,
            ErrorKind::Credentials => false,
        }
    }

    /// One line: the message, then the code in brackets.
    pub fn describe(&self) -> String {
        match &self.code {
            Some(code) => format!("{} [{}]", self.message, code),
            None => self.message.clone(),
        }
    }

    /// Credentials that could not be loaded: what failed, then the first line of the
    /// SDK's cause (`detail`). [`ApiError::hint`] reads the cause back from the message.
    pub fn credentials(cause: CredentialsCause, detail: &str) -> Self {
        let head = match &cause {
            CredentialsCause::Sso => {
                let d = detail.to_lowercase();
                if ["expired", "token", "unauthorized", "401", "invalid"]
                    .iter()
                    .any(|w| d.contains(w))
                {
                    "the SSO session has expired or is invalid".to_string()
                } else {
                    "the SSO sign-in failed".to_string()
                }
            }
            CredentialsCause::Process => "credential_process failed".to_string(),
            CredentialsCause::ProcessTimeout(secs) => {
                format!("the credential process did not answer in {secs} s")
            }
            CredentialsCause::SourceProfile(name) => {
                format!("source_profile {name} is not in the config files")
            }
            CredentialsCause::Missing => {
                return Self::other(
                    ErrorKind::Credentials,
                    "no AWS credentials found (environment, profile files, SSO and instance metadata were tried)",
                );
            }
            CredentialsCause::Expired => "the AWS credentials have expired".to_string(),
            CredentialsCause::Other => "the AWS credentials could not be loaded".to_string(),
        };
        let message = if detail.trim().is_empty() {
            head
        } else {
            format!("{head}: {detail}")
        };
        Self::other(ErrorKind::Credentials, message)
    }

    /// What the user can do about it, if we know.
    pub fn hint(&self, profile: &str) -> Option<String> {
        let code = self.code.as_deref().unwrap_or("");
        let lower = self.message.to_lowercase();
        match self.kind {
            ErrorKind::Credentials => {
                if lower.starts_with("the credential process did not answer") {
                    Some(format!(
                        "run the credential_process command of profile {profile} by hand: it may be waiting for input (a prompt, an MFA code, a browser sign-in)"
                    ))
                } else if lower.starts_with("credential_process failed") {
                    Some(format!(
                        "run the credential_process command of profile {profile} by hand to see why it fails"
                    ))
                } else if let Some(name) = self
                    .message
                    .strip_prefix("source_profile ")
                    .and_then(|rest| rest.split_whitespace().next())
                {
                    Some(format!(
                        "add a [profile {name}] section to ~/.aws/config, or change the source_profile that names it"
                    ))
                } else if lower.starts_with("the sso ") {
                    Some(format!("run: aws sso login --profile {profile}"))
                } else {
                    Some("set credentials: AWS_PROFILE / --profile, or aws configure".to_string())
                }
            }
            ErrorKind::Network => {
                Some("check the network or --endpoint-url; retrying on the next refresh".into())
            }
            ErrorKind::Service => match code {
                "UnauthorizedOperation" | "AccessDenied" | "AccessDeniedException" => {
                    Some("your IAM policy does not allow this".into())
                }
                "AuthFailure" | "ExpiredToken" | "RequestExpired" | "InvalidClientTokenId" => Some(
                    format!("refresh credentials (aws sso login --profile {profile})"),
                ),
                "OperationNotPermitted" => {
                    Some("termination protection is on: press p to turn it off first".into())
                }
                "IncorrectInstanceState" => Some("wait for the instance to settle".into()),
                "Throttling" | "ThrottlingException" | "RequestLimitExceeded" => {
                    Some("AWS is throttling this account; retried on the next refresh".into())
                }
                _ => None,
            },
            ErrorKind::Other => None,
            ErrorKind::Unknown => Some("Ctrl-r shows what is there now".into()),
        }
    }
}

/// Why credentials could not be loaded: decides the message's head and its hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialsCause {
    /// An SSO profile: no token, an expired one, or the portal refused it.
    Sso,
    /// The profile's `credential_process` failed.
    Process,
    /// The profile's `credential_process` did not answer in this many seconds (stopped).
    ProcessTimeout(u64),
    /// A role profile's `source_profile` names a profile that does not exist.
    SourceProfile(String),
    /// No provider of the chain had any.
    Missing,
    Expired,
    Other,
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Parses an EC2 timestamp (`2024-05-01T12:34:56.000Z`) to seconds since the epoch.
pub fn parse_time(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 19 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    // days from civil (Howard Hinnant's algorithm)
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

tokio::task_local! {
    /// The AWS request ids of the calls made inside [`with_request_ids`].
    static REQUEST_IDS: std::cell::RefCell<Vec<String>>;
    /// How many attempts (the first and each retry) were sent inside it.
    static ATTEMPTS: std::cell::Cell<u32>;
}

/// Runs `f`, returning its output and the AWS request ids of the calls it made (the SDK
/// adapter records them; the demo region makes none).
/// Also how many attempts were sent (the SDK retries).
pub async fn with_request_ids<F: Future>(f: F) -> (F::Output, Vec<String>, u32) {
    let inner = async move {
        let out = f.await;
        let ids = REQUEST_IDS.with(|v| v.take());
        let attempts = ATTEMPTS.with(|a| a.get());
        (out, ids, attempts)
    };
    ATTEMPTS
        .scope(
            std::cell::Cell::new(0),
            REQUEST_IDS.scope(std::cell::RefCell::new(Vec::new()), inner),
        )
        .await
}

/// Counts an attempt of the current operation for the enclosing [`with_request_ids`], if
/// any; `new_operation` starts the count again (an op may make several calls: the count is
/// the last one's).
pub fn record_attempt(new_operation: bool) {
    let _ = ATTEMPTS.try_with(|a| a.set(if new_operation { 0 } else { a.get() + 1 }));
}

/// Records a request id for the enclosing [`with_request_ids`], if any.
pub fn record_request_id(id: &str) {
    let _ = REQUEST_IDS.try_with(|v| v.borrow_mut().push(clean(id)));
}

/// Strips control characters (C0, C1, DEL) and whole escape sequences (CSI, OSC, DCS, ...)
/// from an untrusted string, so it can neither move the cursor, clear the screen nor retitle
/// the terminal. Tabs become spaces; newlines are dropped (use [`clean_multiline`] to keep them).
pub fn clean(s: &str) -> String {
    clean_inner(s, false)
}

/// A console log as it would read on a terminal, safe to draw: CRLF line ends, a carriage
/// return overwriting its line (progress bars: what follows the last one), tabs to the next
/// stop of 8; then every escape sequence and control character removed.
pub fn console_text(raw: &str) -> String {
    // the sequences go first, so that a carriage return never lands inside one
    let raw = clean_keeping(raw, |c| matches!(c, '\n' | '\r' | '\t'));
    let mut out = String::with_capacity(raw.len());
    let mut cells: Vec<char> = Vec::new();
    for line in raw.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        cells.clear();
        let mut col = 0;
        let put = |cells: &mut Vec<char>, col: &mut usize, c: char| {
            if *col < cells.len() {
                cells[*col] = c;
            } else {
                cells.push(c);
            }
            *col += 1;
        };
        for c in line.chars() {
            match c {
                '\r' => col = 0,
                '\t' => {
                    for _ in 0..8 - col % 8 {
                        put(&mut cells, &mut col, ' ');
                    }
                }
                c => put(&mut cells, &mut col, c),
            }
        }
        out.extend(cells.iter());
        out.push('\n');
    }
    out.pop();
    out
}

/// Like [`clean`], but keeps `\n` so multi-line text (user data) keeps its lines.
pub fn clean_multiline(s: &str) -> String {
    clean_inner(s, true)
}

fn clean_inner(s: &str, keep_newlines: bool) -> String {
    if keep_newlines {
        clean_keeping(s, |c| c == '\n')
    } else {
        clean_keeping(s, |_| false)
    }
}

/// Removes escape sequences and control characters but those `keep` accepts.
fn clean_keeping(s: &str, keep: fn(char) -> bool) -> String {
    if !s.chars().any(is_control) {
        return s.to_string();
    }
    #[derive(PartialEq)]
    enum St {
        Text,
        Esc,
        Csi,
        /// OSC, DCS, SOS, PM, APC: a string ended by BEL or ST.
        Str,
        StrEsc,
    }
    let mut out = String::with_capacity(s.len());
    let mut st = St::Text;
    for c in s.chars() {
        st = match st {
            St::Text => match c {
                '\u{1b}' => St::Esc,
                '\u{9b}' => St::Csi,
                '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => St::Str,
                c if keep(c) => {
                    out.push(c);
                    St::Text
                }
                '\t' => {
                    out.push(' ');
                    St::Text
                }
                c if is_control(c) => St::Text,
                c => {
                    out.push(c);
                    St::Text
                }
            },
            St::Esc => match c {
                '[' => St::Csi,
                ']' | 'P' | 'X' | '^' | '_' => St::Str,
                // intermediates of an nF sequence: keep consuming
                ' '..='/' => St::Esc,
                _ => St::Text,
            },
            St::Csi => match c {
                '@'..='~' => St::Text,
                c if is_control(c) && c != '\u{1b}' => St::Csi,
                '\u{1b}' => St::Esc,
                _ => St::Csi,
            },
            St::Str => match c {
                '\u{7}' | '\u{9c}' => St::Text,
                '\u{1b}' => St::StrEsc,
                _ => St::Str,
            },
            St::StrEsc => match c {
                '\\' => St::Text,
                '\u{1b}' => St::StrEsc,
                _ => St::Str,
            },
        };
    }
    out
}

fn is_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
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

/// `2026-11-22 10:04 UTC` from epoch seconds, without a date library.
pub fn fmt_time(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // civil from days (Howard Hinnant's algorithm)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        secs / 3600,
        (secs % 3600) / 60
    )
}
