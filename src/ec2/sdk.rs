//! The aws-sdk-ec2 adapter: real AWS, and any emulator through `endpoint_url`.
//! The only module that knows SDK types.

use aws_config::BehaviorVersion;
use aws_sdk_ec2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ec2::operation::RequestId;
use aws_sdk_ec2::types::{AttributeBooleanValue, InstanceAttributeName};
use aws_smithy_types::error::display::DisplayErrorContext;
use base64::Engine;

use super::{
    ApiError, ApiResult, BlockDevice, Ec2Api, ErrorKind, Identity, Instance, InstanceState, Page,
    clean, clean_instance, clean_multiline,
};

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
        Self {
            region: conf.region().map(|r| r.to_string()),
            ec2: aws_sdk_ec2::Client::new(conf),
            sts: aws_sdk_sts::Client::new(conf),
        }
    }

    /// The region the configuration resolved, if any.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The raw client, for tests and benchmarks that compare against the bare SDK.
    pub fn client(&self) -> &aws_sdk_ec2::Client {
        &self.ec2
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

fn to_instance(i: &aws_sdk_ec2::types::Instance) -> Instance {
    let mut out = Instance {
        id: s(i.instance_id()),
        name: String::new(),
        state: InstanceState::parse(
            i.state()
                .and_then(|st| st.name())
                .map(|n| n.as_str())
                .unwrap_or(""),
        ),
        state_reason: s(i.state_reason().and_then(|r| r.message())),
        instance_type: s(i.instance_type().map(|t| t.as_str())),
        az: s(i.placement().and_then(|p| p.availability_zone())),
        private_ip: s(i.private_ip_address()),
        public_ip: s(i.public_ip_address()),
        key_name: s(i.key_name()),
        launch_time: i.launch_time().map(|t| t.secs()),
        image_id: s(i.image_id()),
        vpc_id: s(i.vpc_id()),
        subnet_id: s(i.subnet_id()),
        architecture: s(i.architecture().map(|a| a.as_str())),
        platform: s(i.platform_details()),
        root_device_name: s(i.root_device_name()),
        root_device_type: s(i.root_device_type().map(|d| d.as_str())),
        private_dns: s(i.private_dns_name()),
        public_dns: s(i.public_dns_name()),
        lifecycle: s(i.instance_lifecycle().map(|l| l.as_str())),
        iam_profile: s(i.iam_instance_profile().and_then(|p| p.arn())),
        security_groups: i
            .security_groups()
            .iter()
            .map(|g| (s(g.group_id()), s(g.group_name())))
            .collect(),
        block_devices: i
            .block_device_mappings()
            .iter()
            .map(|b| BlockDevice {
                device: s(b.device_name()),
                volume_id: s(b.ebs().and_then(|e| e.volume_id())),
                delete_on_termination: b
                    .ebs()
                    .and_then(|e| e.delete_on_termination())
                    .unwrap_or(false),
            })
            .collect(),
        tags: i
            .tags()
            .iter()
            .map(|t| (s(t.key()), s(t.value())))
            .collect(),
    };
    clean_instance(&mut out);
    out
}

impl Ec2Api for SdkEc2 {
    async fn identity(&self) -> ApiResult<Identity> {
        let out = self
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(map_err)?;
        Ok(Identity {
            account: clean(out.account().unwrap_or("?")),
            arn: clean(out.arn().unwrap_or("")),
        })
    }

    async fn list_instances(&self, next_token: Option<String>) -> ApiResult<Page<Instance>> {
        let out = self
            .ec2
            .describe_instances()
            .max_results(PAGE_SIZE)
            .set_next_token(next_token)
            .send()
            .await
            .map_err(map_err)?;
        let items = out
            .reservations()
            .iter()
            .flat_map(|r| r.instances())
            .map(to_instance)
            .collect();
        Ok(Page {
            items,
            next_token: out
                .next_token()
                .filter(|t| !t.is_empty())
                .map(str::to_string),
        })
    }

    async fn describe_instances(&self, ids: Vec<String>) -> ApiResult<Vec<Instance>> {
        let mut all = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let out = self
                .ec2
                .describe_instances()
                .set_instance_ids(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(map_err)?;
            all.extend(
                out.reservations()
                    .iter()
                    .flat_map(|r| r.instances())
                    .map(to_instance),
            );
        }
        Ok(all)
    }

    async fn start_instance(&self, id: String) -> ApiResult<()> {
        self.ec2
            .start_instances()
            .instance_ids(id)
            .send()
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn stop_instance(&self, id: String, force: bool) -> ApiResult<()> {
        self.ec2
            .stop_instances()
            .instance_ids(id)
            .force(force)
            .send()
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn reboot_instance(&self, id: String) -> ApiResult<()> {
        self.ec2
            .reboot_instances()
            .instance_ids(id)
            .send()
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn terminate_instance(&self, id: String) -> ApiResult<()> {
        self.ec2
            .terminate_instances()
            .instance_ids(id)
            .send()
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn termination_protection(&self, id: String) -> ApiResult<bool> {
        let out = self
            .ec2
            .describe_instance_attribute()
            .instance_id(id)
            .attribute(InstanceAttributeName::DisableApiTermination)
            .send()
            .await
            .map_err(map_err)?;
        Ok(out
            .disable_api_termination()
            .and_then(|b| b.value())
            .unwrap_or(false))
    }

    async fn set_termination_protection(&self, id: String, on: bool) -> ApiResult<()> {
        self.ec2
            .modify_instance_attribute()
            .instance_id(id)
            .disable_api_termination(AttributeBooleanValue::builder().value(on).build())
            .send()
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn user_data(&self, id: String) -> ApiResult<Option<String>> {
        let out = self
            .ec2
            .describe_instance_attribute()
            .instance_id(id)
            .attribute(InstanceAttributeName::UserData)
            .send()
            .await
            .map_err(map_err)?;
        let Some(b64) = out.user_data().and_then(|a| a.value()) else {
            return Ok(None);
        };
        if b64.is_empty() {
            return Ok(None);
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .map_err(|e| {
                ApiError::other(ErrorKind::Other, format!("user data is not base64: {e}"))
            })?;
        Ok(Some(clean_multiline(&String::from_utf8_lossy(&bytes))))
    }
}
