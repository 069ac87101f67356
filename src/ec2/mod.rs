//! The `Ec2Api` port: domain types (ours, not the SDK's), errors, and the adapters.
//!
//! Only `sdk.rs` knows aws-sdk-ec2. Every string that enters a domain type passes through
//! [`clean`], so nothing from AWS can reach the terminal with control characters in it.

pub mod demo;
pub mod sdk;

use std::fmt;
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

impl fmt::Display for InstanceState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One EBS volume (or instance-store device) mapped on an instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockDevice {
    pub device: String,
    pub volume_id: String,
    pub delete_on_termination: bool,
}

/// An instance as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Instance {
    pub id: String,
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
    pub tags: Vec<(String, String)>,
}

/// The caller, from STS `GetCallerIdentity`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub account: String,
    pub arn: String,
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

    /// One line: the message, then the code in brackets.
    pub fn describe(&self) -> String {
        match &self.code {
            Some(code) => format!("{} [{}]", self.message, code),
            None => self.message.clone(),
        }
    }

    /// What the user can do about it, if we know.
    pub fn hint(&self, profile: &str) -> Option<String> {
        let code = self.code.as_deref().unwrap_or("");
        let lower = self.message.to_lowercase();
        match self.kind {
            ErrorKind::Credentials => {
                if lower.contains("sso session") || lower.contains("sso token") {
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
                _ => None,
            },
            ErrorKind::Other => None,
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The port. Both the SDK adapter and the demo region implement it; the shell runs these calls
/// in spawned tasks and never awaits them in the event loop.
pub trait Ec2Api: Send + Sync + 'static {
    fn identity(&self) -> impl Future<Output = ApiResult<Identity>> + Send;
    fn list_instances(
        &self,
        next_token: Option<String>,
    ) -> impl Future<Output = ApiResult<Page<Instance>>> + Send;
    fn describe_instances(
        &self,
        ids: Vec<String>,
    ) -> impl Future<Output = ApiResult<Vec<Instance>>> + Send;
    fn start_instance(&self, id: String) -> impl Future<Output = ApiResult<()>> + Send;
    fn stop_instance(&self, id: String, force: bool) -> impl Future<Output = ApiResult<()>> + Send;
    fn reboot_instance(&self, id: String) -> impl Future<Output = ApiResult<()>> + Send;
    fn terminate_instance(&self, id: String) -> impl Future<Output = ApiResult<()>> + Send;
    fn termination_protection(&self, id: String) -> impl Future<Output = ApiResult<bool>> + Send;
    fn set_termination_protection(
        &self,
        id: String,
        on: bool,
    ) -> impl Future<Output = ApiResult<()>> + Send;
    /// The decoded user data, `None` when the instance has none.
    fn user_data(&self, id: String) -> impl Future<Output = ApiResult<Option<String>>> + Send;
}

/// Strips control characters (C0, C1, DEL) and whole escape sequences (CSI, OSC, DCS, ...)
/// from an untrusted string, so it can neither move the cursor, clear the screen nor retitle
/// the terminal. Tabs become spaces; newlines are dropped (use [`clean_multiline`] to keep them).
pub fn clean(s: &str) -> String {
    clean_inner(s, false)
}

/// Like [`clean`], but keeps `\n` so multi-line text (user data) keeps its lines.
pub fn clean_multiline(s: &str) -> String {
    clean_inner(s, true)
}

fn clean_inner(s: &str, keep_newlines: bool) -> String {
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
                '\t' => {
                    out.push(' ');
                    St::Text
                }
                '\n' if keep_newlines => {
                    out.push('\n');
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

/// Cleans every string of an instance in place: both adapters call this before handing an
/// instance to the core.
pub fn clean_instance(i: &mut Instance) {
    for s in [
        &mut i.id,
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
    ] {
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
}
