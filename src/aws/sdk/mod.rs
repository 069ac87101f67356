//! The aws-sdk-ec2 (and aws-sdk-autoscaling) adapter: real AWS, and any emulator through
//! `endpoint_url`.
//! The only module that knows SDK types: this file holds the client, the error mapping and
//! the helpers every family shares; each family's port is implemented in its own file, with
//! the conversions of its SDK types.

mod account;
mod autoscaling;
mod credential_process;
mod images;
mod instances;
mod key_pairs;
mod profiles;
mod security_groups;
mod status;
mod storage;
mod tags;
mod templates;

use std::path::PathBuf;
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_ec2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ec2::operation::RequestId;
use aws_smithy_types::error::display::DisplayErrorContext;

use aws_credential_types::provider::SharedCredentialsProvider;

use super::{ApiError, CredentialsCause, ErrorKind, clean};

pub use credential_process::{PROCESS_TIMEOUT, stop_credential_processes};

/// How long a connection may take to open.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one attempt of a call may go unanswered before it is given up (and retried).
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a call may take with its retries: a stalled endpoint fails within this.
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(30);
/// Attempts per call (the SDK's standard retry mode: backoff with jitter and a retry quota,
/// so throttling is retried, never in a storm).
pub const MAX_ATTEMPTS: u32 = 3;

/// Where to connect: everything else comes from aws-config's default chain.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// [`CONNECT_TIMEOUT`] unless set (tests shorten it).
    pub connect_timeout: Option<Duration>,
    /// [`ATTEMPT_TIMEOUT`] unless set.
    pub attempt_timeout: Option<Duration>,
    /// [`OPERATION_TIMEOUT`] unless set.
    pub operation_timeout: Option<Duration>,
    /// The shared config file instead of `AWS_CONFIG_FILE` / `~/.aws/config` (tests).
    pub config_file: Option<PathBuf>,
    /// The credentials file instead of `AWS_SHARED_CREDENTIALS_FILE` /
    /// `~/.aws/credentials` (tests).
    pub credentials_file: Option<PathBuf>,
}

impl ConnectOptions {
    /// The options for a switch (`:region`, `:profile`) to `profile` in `region`. The
    /// profile a session started on without naming one (no `--profile`, no `AWS_PROFILE`:
    /// `default`) stays unnamed: with credentials only in the environment there is no such
    /// profile in the files, and a named one that is not there is refused.
    pub fn switched(&self, profile: &str, region: &str) -> Self {
        let mut o = self.clone();
        o.region = Some(region.to_string());
        if profiles::named_profile(self).is_some() || profile != "default" {
            o.profile = Some(profile.to_string());
        }
        o
    }
}

/// The adapter: one EC2, one Auto Scaling and one STS client sharing a configuration
/// (profile, region, credentials, endpoint, timeouts and retries).
#[derive(Clone)]
pub struct SdkEc2 {
    ec2: aws_sdk_ec2::Client,
    autoscaling: aws_sdk_autoscaling::Client,
    sts: aws_sdk_sts::Client,
    region: Option<String>,
    /// What it was made with (the profiles it can list come from the same files).
    opts: ConnectOptions,
    /// The configuration, for the same clients in another region.
    conf: aws_config::SdkConfig,
}

/// The page size for `DescribeInstances` (the API's maximum).
pub const PAGE_SIZE: i32 = 1000;

impl SdkEc2 {
    /// Loads the shared configuration (profile, region, credentials chain, endpoint) with
    /// timeouts and the standard retry mode. Credentials are resolved lazily, on the first
    /// call. A named profile (`--profile`, `AWS_PROFILE`) missing from the config files is
    /// an error, in words for the user.
    pub async fn connect(opts: &ConnectOptions) -> Result<Self, String> {
        let info = profiles::inspect(opts).await?;
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(opts.connect_timeout.unwrap_or(CONNECT_TIMEOUT))
                    .operation_attempt_timeout(opts.attempt_timeout.unwrap_or(ATTEMPT_TIMEOUT))
                    .operation_timeout(opts.operation_timeout.unwrap_or(OPERATION_TIMEOUT))
                    .build(),
            )
            .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS));
        if let Some(files) = profiles::files(opts) {
            loader = loader.profile_files(files);
        }
        if info.chain.is_some() {
            // ec2tui's provider keeps the credentials itself: the SDK's cache gave up after
            // 5 s without stopping the process, and ran it again for every waiting call
            loader = loader.identity_cache(aws_config::identity::IdentityCache::no_cache());
        }
        if let Some(p) = &opts.profile {
            loader = loader.profile_name(p);
        }
        if let Some(r) = &opts.region {
            loader = loader.region(aws_config::Region::new(r.clone()));
        }
        if let Some(u) = &opts.endpoint_url {
            loader = loader.endpoint_url(u);
        }
        let mut conf = loader.load().await;
        let inner = match &info.chain {
            Some(chain) => Some(credential_process::provider(chain, &info, &conf).await),
            None => conf.credentials_provider(),
        };
        if let Some(inner) = inner {
            conf = conf
                .to_builder()
                .credentials_provider(SharedCredentialsProvider::new(profiles::Explained::new(
                    inner, info,
                )))
                .build();
        }
        let mut api = Self::from_conf(&conf);
        api.opts = opts.clone();
        Ok(api)
    }

    /// Clients for a switch of profile or region (`:profile`, `:region`): made, then asked
    /// who they are, so that a profile whose credentials fail (an expired SSO token, a role
    /// it cannot assume) is refused with its cause and hint while the old clients stay.
    /// The account comes back with them (nobody needs to ask again).
    pub async fn connect_checked(opts: &ConnectOptions) -> Result<(Self, String), String> {
        use crate::aws::AccountApi;
        let api = Self::connect(opts).await?;
        let profile = opts.profile.clone().unwrap_or_else(|| "default".into());
        match api.identity().await {
            Ok(id) => Ok((api, id.account)),
            Err(e) => Err(match e.hint(&profile) {
                Some(h) => format!("{} — {h}", e.describe()),
                None => e.describe(),
            }),
        }
    }

    /// An adapter over an already loaded configuration (tests pass static credentials).
    pub fn from_conf(conf: &aws_config::SdkConfig) -> Self {
        let ec2 = aws_sdk_ec2::config::Builder::from(conf)
            .interceptor(RequestIdRecorder)
            .build();
        let autoscaling = aws_sdk_autoscaling::config::Builder::from(conf)
            .interceptor(RequestIdRecorder)
            .build();
        Self {
            autoscaling: aws_sdk_autoscaling::Client::from_conf(autoscaling),
            region: conf.region().map(|r| r.to_string()),
            ec2: aws_sdk_ec2::Client::from_conf(ec2),
            sts: aws_sdk_sts::Client::new(conf),
            opts: ConnectOptions::default(),
            conf: conf.clone(),
        }
    }

    /// The same credentials and settings in another region.
    pub fn for_region(&self, region: &str) -> Self {
        let conf = self
            .conf
            .to_builder()
            .region(aws_config::Region::new(region.to_string()))
            .build();
        let mut api = Self::from_conf(&conf);
        api.opts = self.opts.clone();
        api
    }

    /// The region the configuration resolved, if any.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }
}

/// Hands each response's `x-amzn-requestid` to the journal (see `with_request_ids`).
#[derive(Debug)]
struct RequestIdRecorder;

impl aws_sdk_ec2::config::Intercept for RequestIdRecorder {
    fn name(&self) -> &'static str {
        "ec2tui-request-id"
    }

    fn read_before_execution(
        &self,
        _ctx: &aws_sdk_ec2::config::interceptors::BeforeSerializationInterceptorContextRef<'_>,
        _cfg: &mut aws_sdk_ec2::config::ConfigBag,
    ) -> Result<(), aws_sdk_ec2::error::BoxError> {
        // attempts are counted per operation: what matters is whether the last one retried
        super::record_attempt(true);
        Ok(())
    }

    fn read_before_attempt(
        &self,
        _ctx: &aws_sdk_ec2::config::interceptors::BeforeTransmitInterceptorContextRef<'_>,
        _rc: &aws_sdk_ec2::config::RuntimeComponents,
        _cfg: &mut aws_sdk_ec2::config::ConfigBag,
    ) -> Result<(), aws_sdk_ec2::error::BoxError> {
        super::record_attempt(false);
        Ok(())
    }

    fn read_after_transmit(
        &self,
        ctx: &aws_sdk_ec2::config::interceptors::BeforeDeserializationInterceptorContextRef<'_>,
        _rc: &aws_sdk_ec2::config::RuntimeComponents,
        _cfg: &mut aws_sdk_ec2::config::ConfigBag,
    ) -> Result<(), aws_sdk_ec2::error::BoxError> {
        let headers = ctx.response().headers();
        if let Some(id) = headers
            .get("x-amzn-requestid")
            .or_else(|| headers.get("x-amz-request-id"))
        {
            super::record_request_id(id);
        }
        Ok(())
    }
}

/// Turns any SDK error into plain words with the AWS error code and request id.
fn map_err<E>(err: SdkError<E, aws_smithy_runtime_api::http::Response>) -> ApiError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let request_id = err.request_id().map(str::to_string);
    tracing::debug!("AWS error: {}", DisplayErrorContext(&err));
    if let Some(e) = explained(&err) {
        return ApiError {
            request_id,
            ..e.clone()
        };
    }
    let mut out = match &err {
        SdkError::ServiceError(se) => {
            let e = se.err();
            let status = se.raw().status().as_u16();
            match e.code() {
                Some(code) => {
                    let kind = match code {
                        "AuthFailure"
                        | "ExpiredToken"
                        | "ExpiredTokenException"
                        | "InvalidClientTokenId"
                        | "UnrecognizedClientException"
                        | "SignatureDoesNotMatch" => ErrorKind::Credentials,
                        _ => ErrorKind::Service,
                    };
                    ApiError {
                        kind,
                        code: Some(clean(code)),
                        message: clean(e.message().unwrap_or("the request was refused")),
                        request_id: None,
                    }
                }
                None => ApiError::other(
                    ErrorKind::Other,
                    format!(
                        "unexpected HTTP {status} answer from the endpoint (not an EC2 error document)"
                    ),
                ),
            }
        }
        SdkError::TimeoutError(_) => timeout_error(&chain_text(&err)),
        SdkError::DispatchFailure(df) => {
            let text = chain_text(&err);
            if mentions_credentials(&text) {
                credentials_error(&text, &cause_line(&err))
            } else if df.is_timeout() {
                timeout_error(&text)
            } else if df.is_io() {
                ApiError::other(
                    ErrorKind::Network,
                    format!("cannot reach the endpoint: {}", cause_line(&err)),
                )
            } else {
                ApiError::other(ErrorKind::Network, cause_line(&err))
            }
        }
        _ => {
            let text = chain_text(&err);
            if mentions_credentials(&text) {
                credentials_error(&text, &cause_line(&err))
            } else {
                ApiError::other(ErrorKind::Other, cause_line(&err))
            }
        }
    };
    out.request_id = request_id;
    out
}

/// The credentials failure our provider already put in words, if that is what failed.
fn explained<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a ApiError> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(f) = e.downcast_ref::<profiles::CredentialsFailure>() {
            return Some(&f.0);
        }
        cur = e.source();
    }
    None
}

/// A call that got no answer: "no answer from the endpoint in 30 s" (the seconds are the
/// SDK's, read from its "... timeout occurred after 30s"), or no connection at all.
fn timeout_error(text: &str) -> ApiError {
    let secs = text
        .split("occurred after ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(duration_secs);
    let within = secs.map(|s| format!(" in {s} s")).unwrap_or_default();
    let message = if text.contains("connect timeout") {
        format!("the endpoint did not accept a connection{within}")
    } else {
        format!("no answer from the endpoint{within}")
    };
    ApiError::other(ErrorKind::Network, message)
}

/// Seconds from a `Duration`'s debug form ("30s", "2.5s", "500ms"), for people.
fn duration_secs(d: &str) -> Option<String> {
    let secs: f64 = if let Some(ms) = d.strip_suffix("ms") {
        ms.parse::<f64>().ok()? / 1000.0
    } else {
        d.strip_suffix('s')?.parse().ok()?
    };
    Some(if secs.fract() == 0.0 {
        format!("{secs:.0}")
    } else {
        format!("{secs:.1}")
    })
}

fn mentions_credentials(text: &str) -> bool {
    let t = text.to_lowercase();
    t.contains("credential") || t.contains("sso") || t.contains("token")
}

/// Every message of the error's source chain, joined: for classification only.
fn chain_text(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = String::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        out.push_str(&e.to_string());
        out.push('\n');
        cur = e.source();
    }
    out.push_str(&DisplayErrorContext(err).to_string());
    out
}

/// The first line of the most specific message of the source chain ("Connection refused
/// (os error 111)"), with its parent when it is a bare OS error ("failed to read
/// `/home/me/.aws/sso/cache/...json`: No such file or directory (os error 2)"); cleaned
/// and bounded.
fn cause_line(err: &(dyn std::error::Error + 'static)) -> String {
    let first = |e: &dyn std::error::Error| {
        e.to_string()
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or_default()
            .to_string()
    };
    let mut parent: Option<String> = None;
    let mut best = first(err);
    let mut cur = err.source();
    while let Some(e) = cur {
        let m = first(e);
        if !m.is_empty() && !m.contains('{') {
            parent = Some(std::mem::replace(&mut best, m));
        }
        cur = e.source();
    }
    if best.contains("(os error")
        && let Some(p) =
            parent.filter(|p| !p.contains("dispatch failure") && !p.contains("io error"))
    {
        best = format!("{p}: {best}");
    }
    let mut out = clean(&best);
    if out.chars().count() > 300 {
        out = out.chars().take(300).collect::<String>() + "…";
    }
    out
}

/// A credentials failure told only by the SDK's text (no provider of ours explained it).
fn credentials_error(text: &str, cause: &str) -> ApiError {
    let t = text.to_lowercase();
    let kind = if t.contains("sso") {
        CredentialsCause::Sso
    } else if t.contains("no providers in chain") || t.contains("credentialsnotloaded") {
        CredentialsCause::Missing
    } else if t.contains("expired") {
        CredentialsCause::Expired
    } else {
        CredentialsCause::Other
    };
    ApiError::credentials(kind, cause)
}

fn s(x: Option<&str>) -> String {
    x.unwrap_or_default().to_string()
}

/// EC2's pagination token, where an empty one means the last page.
fn page_token(t: Option<&str>) -> Option<String> {
    t.filter(|t| !t.is_empty()).map(str::to_string)
}

fn tag_spec(
    kind: aws_sdk_ec2::types::ResourceType,
    tags: &[(String, String)],
) -> aws_sdk_ec2::types::TagSpecification {
    let mut b = aws_sdk_ec2::types::TagSpecification::builder().resource_type(kind);
    for (k, v) in tags {
        b = b.tags(aws_sdk_ec2::types::Tag::builder().key(k).value(v).build());
    }
    b.build()
}

impl SdkEc2 {
    fn in_region(&self, region: Option<String>) -> aws_sdk_ec2::Client {
        match region {
            Some(r) if Some(r.as_str()) != self.region.as_deref() => {
                aws_sdk_ec2::Client::from_conf(
                    self.ec2
                        .config()
                        .to_builder()
                        .region(aws_config::Region::new(r))
                        .build(),
                )
            }
            _ => self.ec2.clone(),
        }
    }
}
