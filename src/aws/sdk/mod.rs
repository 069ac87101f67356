//! The aws-sdk-ec2 adapter: real AWS, and any emulator through `endpoint_url`.
//! The only module that knows SDK types: this file holds the client, the error mapping and
//! the helpers every family shares; each family's port is implemented in its own file, with
//! the conversions of its SDK types.

mod account;
mod images;
mod instances;
mod key_pairs;
mod security_groups;
mod status;
mod storage;

use aws_config::BehaviorVersion;
use aws_sdk_ec2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ec2::operation::RequestId;
use aws_smithy_types::error::display::DisplayErrorContext;

use super::{ApiError, ErrorKind, clean};

/// Where to connect: everything else comes from aws-config's default chain.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
}

/// The adapter: one EC2 client and one STS client sharing a configuration.
#[derive(Clone)]
pub struct SdkEc2 {
    ec2: aws_sdk_ec2::Client,
    sts: aws_sdk_sts::Client,
    region: Option<String>,
}

/// The page size for `DescribeInstances` (the API's maximum).
pub const PAGE_SIZE: i32 = 1000;

impl SdkEc2 {
    /// Loads the shared configuration (profile, region, credentials chain, endpoint).
    /// Credentials are resolved lazily, on the first call.
    pub async fn connect(opts: &ConnectOptions) -> Self {
        let mut loader = aws_config::defaults(BehaviorVersion::latest());
        if let Some(p) = &opts.profile {
            loader = loader.profile_name(p);
        }
        if let Some(r) = &opts.region {
            loader = loader.region(aws_config::Region::new(r.clone()));
        }
        if let Some(u) = &opts.endpoint_url {
            loader = loader.endpoint_url(u);
        }
        Self::from_conf(&loader.load().await)
    }

    /// An adapter over an already loaded configuration (tests pass static credentials).
    pub fn from_conf(conf: &aws_config::SdkConfig) -> Self {
        let ec2 = aws_sdk_ec2::config::Builder::from(conf)
            .interceptor(RequestIdRecorder)
            .build();
        Self {
            region: conf.region().map(|r| r.to_string()),
            ec2: aws_sdk_ec2::Client::from_conf(ec2),
            sts: aws_sdk_sts::Client::new(conf),
        }
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
        SdkError::TimeoutError(_) => {
            ApiError::other(ErrorKind::Network, "the endpoint did not answer in time")
        }
        SdkError::DispatchFailure(df) => {
            let text = chain_text(&err);
            if mentions_credentials(&text) {
                credentials_error(&text)
            } else if df.is_io() || df.is_timeout() {
                ApiError::other(
                    ErrorKind::Network,
                    format!("cannot reach the endpoint: {}", deepest(&err)),
                )
            } else {
                ApiError::other(ErrorKind::Network, deepest(&err))
            }
        }
        _ => {
            let text = chain_text(&err);
            if mentions_credentials(&text) {
                credentials_error(&text)
            } else {
                ApiError::other(ErrorKind::Other, deepest(&err))
            }
        }
    };
    out.request_id = request_id;
    out
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

/// The most specific message of the source chain ("Connection refused (os error 111)"),
/// cleaned and bounded.
fn deepest(err: &(dyn std::error::Error + 'static)) -> String {
    let mut best = err.to_string();
    let mut cur = err.source();
    while let Some(e) = cur {
        let m = e.to_string();
        if !m.trim().is_empty() && !m.contains('{') {
            best = m;
        }
        cur = e.source();
    }
    let mut out = clean(&best);
    if out.chars().count() > 300 {
        out = out.chars().take(300).collect::<String>() + "…";
    }
    out
}

fn credentials_error(text: &str) -> ApiError {
    let t = text.to_lowercase();
    let msg = if t.contains("sso") && (t.contains("expired") || t.contains("token")) {
        "the SSO session has expired or is invalid"
    } else if t.contains("no providers in chain") || t.contains("credentialsnotloaded") {
        "no AWS credentials found (environment, profile files, SSO and instance metadata were tried)"
    } else if t.contains("expired") {
        "the AWS credentials have expired"
    } else {
        "the AWS credentials could not be loaded"
    };
    ApiError::other(ErrorKind::Credentials, msg)
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
