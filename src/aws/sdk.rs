//! The aws-sdk-ec2 adapter: real AWS, and any emulator through `endpoint_url`.
//! The only module that knows SDK types.

use aws_config::BehaviorVersion;
use aws_sdk_ec2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ec2::operation::RequestId;
use aws_sdk_ec2::types::{AttributeBooleanValue, InstanceAttributeName};
use aws_smithy_types::error::display::DisplayErrorContext;
use base64::Engine;

use super::{
    ApiError, ApiResult, BlockDevice, Ec2Api, ErrorKind, Identity, Image, ImageDevice, ImageScope,
    ImageSpec, Instance, InstanceState, InstanceTypeInfo, LaunchSpec, Page, SecurityGroup, Subnet,
    clean, clean_image, clean_instance, clean_multiline, parse_time,
};
use super::{Attachment, Snapshot, Volume, VolumeSpec, clean_snapshot, clean_volume};
use super::{InstanceStatus, ScheduledEvent, clean_status};

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

/// Moves an SDK instance into ours: the strings are taken, not copied (this runs for every
/// instance of every page).
fn to_instance(i: aws_sdk_ec2::types::Instance) -> Instance {
    let o = |x: Option<String>| x.unwrap_or_default();
    let e = |x: Option<&str>| x.unwrap_or_default().to_string();
    let mut out = Instance {
        id: o(i.instance_id),
        name: String::new(),
        state: InstanceState::parse(
            i.state
                .as_ref()
                .and_then(|st| st.name())
                .map(|n| n.as_str())
                .unwrap_or(""),
        ),
        state_reason: o(i.state_reason.and_then(|r| r.message)),
        instance_type: e(i.instance_type.as_ref().map(|t| t.as_str())),
        az: o(i.placement.and_then(|p| p.availability_zone)),
        private_ip: o(i.private_ip_address),
        public_ip: o(i.public_ip_address),
        key_name: o(i.key_name),
        launch_time: i.launch_time.map(|t| t.secs()),
        image_id: o(i.image_id),
        vpc_id: o(i.vpc_id),
        subnet_id: o(i.subnet_id),
        architecture: e(i.architecture.as_ref().map(|a| a.as_str())),
        platform: o(i.platform_details),
        root_device_name: o(i.root_device_name),
        root_device_type: e(i.root_device_type.as_ref().map(|d| d.as_str())),
        private_dns: o(i.private_dns_name),
        public_dns: o(i.public_dns_name),
        lifecycle: e(i.instance_lifecycle.as_ref().map(|l| l.as_str())),
        iam_profile: o(i.iam_instance_profile.and_then(|p| p.arn)),
        security_groups: i
            .security_groups
            .unwrap_or_default()
            .into_iter()
            .map(|g| (o(g.group_id), o(g.group_name)))
            .collect(),
        block_devices: i
            .block_device_mappings
            .unwrap_or_default()
            .into_iter()
            .map(|b| {
                let ebs = b.ebs;
                BlockDevice {
                    device: o(b.device_name),
                    delete_on_termination: ebs
                        .as_ref()
                        .and_then(|e| e.delete_on_termination)
                        .unwrap_or(false),
                    volume_id: o(ebs.and_then(|e| e.volume_id)),
                }
            })
            .collect(),
        tags: i
            .tags
            .unwrap_or_default()
            .into_iter()
            .map(|t| (o(t.key), o(t.value)))
            .collect(),
    };
    clean_instance(&mut out);
    out
}

fn instances_of(reservations: Option<Vec<aws_sdk_ec2::types::Reservation>>) -> Vec<Instance> {
    reservations
        .unwrap_or_default()
        .into_iter()
        .flat_map(|r| r.instances.unwrap_or_default())
        .map(to_instance)
        .collect()
}

fn to_image(i: &aws_sdk_ec2::types::Image) -> Image {
    let mut out = Image {
        id: s(i.image_id()),
        name: s(i.name()),
        state: s(i.state().map(|x| x.as_str())),
        architecture: s(i.architecture().map(|x| x.as_str())),
        virtualization: s(i.virtualization_type().map(|x| x.as_str())),
        root_device_type: s(i.root_device_type().map(|x| x.as_str())),
        root_device_name: s(i.root_device_name()),
        created: i.creation_date().and_then(parse_time),
        public: i.public().unwrap_or(false),
        description: s(i.description()),
        owner_id: s(i.owner_id()),
        platform: s(i.platform_details()),
        state_reason: s(i.state_reason().and_then(|r| r.message())),
        devices: i
            .block_device_mappings()
            .iter()
            .map(|b| ImageDevice {
                device: s(b.device_name()),
                snapshot_id: s(b.ebs().and_then(|e| e.snapshot_id())),
                size_gib: b.ebs().and_then(|e| e.volume_size()).unwrap_or(0) as i64,
                volume_type: s(b.ebs().and_then(|e| e.volume_type()).map(|v| v.as_str())),
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
    clean_image(&mut out);
    out
}

fn to_volume(v: &aws_sdk_ec2::types::Volume) -> Volume {
    let mut out = Volume {
        id: s(v.volume_id()),
        name: String::new(),
        size_gib: v.size().unwrap_or(0),
        volume_type: s(v.volume_type().map(|x| x.as_str())),
        iops: v.iops(),
        state: s(v.state().map(|x| x.as_str())),
        az: s(v.availability_zone()),
        attachments: v
            .attachments()
            .iter()
            .map(|a| Attachment {
                instance_id: s(a.instance_id()),
                device: s(a.device()),
                state: s(a.state().map(|x| x.as_str())),
                delete_on_termination: a.delete_on_termination().unwrap_or(false),
            })
            .collect(),
        encrypted: v.encrypted().unwrap_or(false),
        created: v.create_time().map(|t| t.secs()),
        snapshot_id: s(v.snapshot_id()),
        tags: v
            .tags()
            .iter()
            .map(|t| (s(t.key()), s(t.value())))
            .collect(),
        attached_name: String::new(),
    };
    clean_volume(&mut out);
    out
}

fn to_snapshot(x: &aws_sdk_ec2::types::Snapshot) -> Snapshot {
    let mut out = Snapshot {
        id: s(x.snapshot_id()),
        name: String::new(),
        description: s(x.description()),
        volume_id: s(x.volume_id()),
        size_gib: x.volume_size().unwrap_or(0),
        state: s(x.state().map(|v| v.as_str())),
        progress: s(x.progress()),
        started: x.start_time().map(|t| t.secs()),
        encrypted: x.encrypted().unwrap_or(false),
        owner_id: s(x.owner_id()),
        tags: x
            .tags()
            .iter()
            .map(|t| (s(t.key()), s(t.value())))
            .collect(),
    };
    clean_snapshot(&mut out);
    out
}

fn statuses(
    out: &aws_sdk_ec2::operation::describe_instance_status::DescribeInstanceStatusOutput,
) -> Vec<InstanceStatus> {
    out.instance_statuses()
        .iter()
        .map(|st| {
            let summary = |x: Option<&aws_sdk_ec2::types::InstanceStatusSummary>, kind: &str| {
                let status = s(x.and_then(|v| v.status()).map(|v| v.as_str()));
                let details: Vec<(String, String)> = x
                    .map(|v| v.details())
                    .unwrap_or_default()
                    .iter()
                    .map(|d| {
                        (
                            format!("{kind} {}", s(d.name().map(|n| n.as_str()))),
                            s(d.status().map(|n| n.as_str())),
                        )
                    })
                    .collect();
                (status, details)
            };
            let (system_status, mut reach) = summary(st.system_status(), "system");
            let (instance_status, inst_reach) = summary(st.instance_status(), "instance");
            reach.extend(inst_reach);
            let mut out = InstanceStatus {
                id: s(st.instance_id()),
                az: s(st.availability_zone()),
                state: InstanceState::parse(
                    st.instance_state()
                        .and_then(|x| x.name())
                        .map(|n| n.as_str())
                        .unwrap_or(""),
                ),
                system_status,
                instance_status,
                reachability: reach,
                events: st
                    .events()
                    .iter()
                    .map(|e| ScheduledEvent {
                        code: s(e.code().map(|c| c.as_str())),
                        description: s(e.description()),
                        not_before: e.not_before().map(|t| t.secs()),
                        not_after: e.not_after().map(|t| t.secs()),
                        deadline: e.not_before_deadline().map(|t| t.secs()),
                    })
                    .collect(),
            };
            clean_status(&mut out);
            out
        })
        .collect()
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
        let next_token = out.next_token.filter(|t| !t.is_empty());
        Ok(Page {
            items: instances_of(out.reservations),
            next_token,
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
            all.extend(instances_of(out.reservations));
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

    async fn list_images(
        &self,
        scope: ImageScope,
        next_token: Option<String>,
    ) -> ApiResult<Page<Image>> {
        let mut req = self
            .ec2
            .describe_images()
            .max_results(1000)
            .set_next_token(next_token);
        req = match scope {
            ImageScope::Mine => req.owners("self"),
            ImageScope::Amazon => req.owners("amazon"),
            ImageScope::Shared => req.executable_users("self"),
        };
        let out = req.send().await.map_err(map_err)?;
        Ok(Page {
            items: out.images().iter().map(to_image).collect(),
            next_token: page_token(out.next_token()),
        })
    }

    async fn describe_images(
        &self,
        region: Option<String>,
        ids: Vec<String>,
    ) -> ApiResult<Vec<Image>> {
        let out = self
            .in_region(region)
            .describe_images()
            .set_image_ids(Some(ids))
            .send()
            .await
            .map_err(map_err)?;
        Ok(out.images().iter().map(to_image).collect())
    }

    async fn create_image(&self, spec: ImageSpec) -> ApiResult<String> {
        use aws_sdk_ec2::types::ResourceType;
        let mut req = self
            .ec2
            .create_image()
            .instance_id(spec.instance_id)
            .name(spec.name)
            .no_reboot(spec.no_reboot);
        if !spec.description.is_empty() {
            req = req.description(spec.description);
        }
        if !spec.tags.is_empty() {
            req = req
                .tag_specifications(tag_spec(ResourceType::Image, &spec.tags))
                .tag_specifications(tag_spec(ResourceType::Snapshot, &spec.tags));
        }
        let out = req.send().await.map_err(map_err)?;
        Ok(clean(out.image_id().unwrap_or_default()))
    }

    async fn deregister_image(&self, id: String) -> ApiResult<()> {
        self.ec2
            .deregister_image()
            .image_id(id)
            .send()
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn delete_snapshot(&self, id: String) -> ApiResult<()> {
        self.ec2
            .delete_snapshot()
            .snapshot_id(id)
            .send()
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn copy_image(
        &self,
        id: String,
        name: String,
        target_region: String,
    ) -> ApiResult<String> {
        let source = self.region.clone().unwrap_or_default();
        let out = self
            .in_region(Some(target_region))
            .copy_image()
            .source_region(source)
            .source_image_id(id)
            .name(name)
            .send()
            .await
            .map_err(map_err)?;
        Ok(clean(out.image_id().unwrap_or_default()))
    }

    async fn regions(&self) -> ApiResult<Vec<String>> {
        let out = self.ec2.describe_regions().send().await.map_err(map_err)?;
        let mut v: Vec<String> = out
            .regions()
            .iter()
            .filter_map(|r| r.region_name())
            .map(clean)
            .collect();
        v.sort();
        Ok(v)
    }

    async fn instance_types(&self) -> ApiResult<Vec<InstanceTypeInfo>> {
        let mut pages = self
            .ec2
            .describe_instance_types()
            .max_results(100)
            .into_paginator()
            .send();
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(map_err)?;
            out.extend(page.instance_types().iter().map(|t| {
                InstanceTypeInfo {
                    name: clean(t.instance_type().map(|x| x.as_str()).unwrap_or_default()),
                    vcpus: t.v_cpu_info().and_then(|v| v.default_v_cpus()).unwrap_or(0),
                    memory_mib: t.memory_info().and_then(|m| m.size_in_mib()).unwrap_or(0),
                    current_generation: t.current_generation().unwrap_or(false),
                    architectures: t
                        .processor_info()
                        .map(|p| {
                            p.supported_architectures()
                                .iter()
                                .map(|a| clean(a.as_str()))
                                .collect()
                        })
                        .unwrap_or_default(),
                }
            }));
        }
        Ok(out)
    }

    async fn key_pairs(&self) -> ApiResult<Vec<String>> {
        let out = self
            .ec2
            .describe_key_pairs()
            .send()
            .await
            .map_err(map_err)?;
        let mut v: Vec<String> = out
            .key_pairs()
            .iter()
            .filter_map(|k| k.key_name())
            .map(clean)
            .collect();
        v.sort();
        Ok(v)
    }

    async fn subnets(&self) -> ApiResult<Vec<Subnet>> {
        let out = self.ec2.describe_subnets().send().await.map_err(map_err)?;
        Ok(out
            .subnets()
            .iter()
            .map(|n| Subnet {
                id: clean(n.subnet_id().unwrap_or_default()),
                az: clean(n.availability_zone().unwrap_or_default()),
                vpc_id: clean(n.vpc_id().unwrap_or_default()),
                cidr: clean(n.cidr_block().unwrap_or_default()),
                default_for_az: n.default_for_az().unwrap_or(false),
                name: clean(
                    n.tags()
                        .iter()
                        .find(|t| t.key() == Some("Name"))
                        .and_then(|t| t.value())
                        .unwrap_or_default(),
                ),
            })
            .collect())
    }

    async fn security_groups(&self) -> ApiResult<Vec<SecurityGroup>> {
        let out = self
            .ec2
            .describe_security_groups()
            .send()
            .await
            .map_err(map_err)?;
        Ok(out
            .security_groups()
            .iter()
            .map(|g| SecurityGroup {
                id: clean(g.group_id().unwrap_or_default()),
                name: clean(g.group_name().unwrap_or_default()),
                vpc_id: clean(g.vpc_id().unwrap_or_default()),
            })
            .collect())
    }

    async fn run_instances(&self, spec: LaunchSpec, dry_run: bool) -> ApiResult<Vec<Instance>> {
        use aws_sdk_ec2::types::ResourceType;
        let mut req = self
            .ec2
            .run_instances()
            .image_id(spec.image_id)
            .instance_type(aws_sdk_ec2::types::InstanceType::from(
                spec.instance_type.as_str(),
            ))
            .min_count(spec.count)
            .max_count(spec.count)
            .set_key_name(spec.key_name)
            .set_subnet_id(spec.subnet_id)
            .disable_api_termination(spec.termination_protection)
            .dry_run(dry_run);
        if !spec.security_group_ids.is_empty() {
            req = req.set_security_group_ids(Some(spec.security_group_ids));
        }
        if !spec.tags.is_empty() {
            req = req.tag_specifications(tag_spec(ResourceType::Instance, &spec.tags));
        }
        if let Some(u) = spec.user_data.filter(|u| !u.is_empty()) {
            req = req.user_data(base64::engine::general_purpose::STANDARD.encode(u));
        }
        match req.send().await {
            Ok(out) => Ok(out
                .instances
                .unwrap_or_default()
                .into_iter()
                .map(to_instance)
                .collect()),
            Err(e) => {
                let e = map_err(e);
                if dry_run && e.code.as_deref() == Some("DryRunOperation") {
                    Ok(Vec::new())
                } else {
                    Err(e)
                }
            }
        }
    }

    async fn list_volumes(&self, next_token: Option<String>) -> ApiResult<Page<Volume>> {
        let out = self
            .ec2
            .describe_volumes()
            .max_results(500)
            .set_next_token(next_token)
            .send()
            .await
            .map_err(map_err)?;
        Ok(Page {
            items: out.volumes().iter().map(to_volume).collect(),
            next_token: page_token(out.next_token()),
        })
    }

    async fn describe_volumes(&self, ids: Vec<String>) -> ApiResult<Vec<Volume>> {
        let out = self
            .ec2
            .describe_volumes()
            .set_volume_ids(Some(ids))
            .send()
            .await
            .map_err(map_err)?;
        Ok(out.volumes().iter().map(to_volume).collect())
    }

    async fn create_volume(&self, spec: VolumeSpec) -> ApiResult<String> {
        use aws_sdk_ec2::types::{ResourceType, VolumeType};
        let mut req = self
            .ec2
            .create_volume()
            .availability_zone(spec.az)
            .size(spec.size_gib)
            .volume_type(VolumeType::from(spec.volume_type.as_str()))
            .set_iops(spec.iops)
            .set_snapshot_id(spec.snapshot_id)
            .encrypted(spec.encrypted);
        if !spec.tags.is_empty() {
            req = req.tag_specifications(tag_spec(ResourceType::Volume, &spec.tags));
        }
        let out = req.send().await.map_err(map_err)?;
        Ok(clean(out.volume_id().unwrap_or_default()))
    }

    async fn attach_volume(
        &self,
        volume_id: String,
        instance_id: String,
        device: String,
    ) -> ApiResult<()> {
        self.ec2
            .attach_volume()
            .volume_id(volume_id)
            .instance_id(instance_id)
            .device(device)
            .send()
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn detach_volume(
        &self,
        volume_id: String,
        instance_id: String,
        force: bool,
    ) -> ApiResult<()> {
        self.ec2
            .detach_volume()
            .volume_id(volume_id)
            .instance_id(instance_id)
            .force(force)
            .send()
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn delete_volume(&self, id: String) -> ApiResult<()> {
        self.ec2
            .delete_volume()
            .volume_id(id)
            .send()
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn create_snapshot(
        &self,
        volume_id: String,
        description: String,
        tags: Vec<(String, String)>,
    ) -> ApiResult<String> {
        let mut req = self
            .ec2
            .create_snapshot()
            .volume_id(volume_id)
            .description(description);
        if !tags.is_empty() {
            req =
                req.tag_specifications(tag_spec(aws_sdk_ec2::types::ResourceType::Snapshot, &tags));
        }
        let out = req.send().await.map_err(map_err)?;
        Ok(clean(out.snapshot_id().unwrap_or_default()))
    }

    async fn list_snapshots(
        &self,
        owner_id: String,
        next_token: Option<String>,
    ) -> ApiResult<Page<Snapshot>> {
        let out = self
            .ec2
            .describe_snapshots()
            .filters(
                aws_sdk_ec2::types::Filter::builder()
                    .name("owner-id")
                    .values(owner_id)
                    .build(),
            )
            .max_results(1000)
            .set_next_token(next_token)
            .send()
            .await
            .map_err(map_err)?;
        Ok(Page {
            items: out.snapshots().iter().map(to_snapshot).collect(),
            next_token: page_token(out.next_token()),
        })
    }

    async fn describe_snapshots(
        &self,
        region: Option<String>,
        ids: Vec<String>,
    ) -> ApiResult<Vec<Snapshot>> {
        let out = self
            .in_region(region)
            .describe_snapshots()
            .set_snapshot_ids(Some(ids))
            .send()
            .await
            .map_err(map_err)?;
        Ok(out.snapshots().iter().map(to_snapshot).collect())
    }

    async fn availability_zones(&self) -> ApiResult<Vec<String>> {
        let out = self
            .ec2
            .describe_availability_zones()
            .send()
            .await
            .map_err(map_err)?;
        let mut v: Vec<String> = out
            .availability_zones()
            .iter()
            .filter_map(|z| z.zone_name())
            .map(clean)
            .collect();
        v.sort();
        Ok(v)
    }

    async fn instance_statuses(
        &self,
        next_token: Option<String>,
    ) -> ApiResult<Page<InstanceStatus>> {
        let out = self
            .ec2
            .describe_instance_status()
            .include_all_instances(true)
            .max_results(1000)
            .set_next_token(next_token)
            .send()
            .await
            .map_err(map_err)?;
        Ok(Page {
            items: statuses(&out),
            next_token: page_token(out.next_token()),
        })
    }

    async fn statuses_of(&self, ids: Vec<String>) -> ApiResult<Vec<InstanceStatus>> {
        let mut all = Vec::new();
        for chunk in ids.chunks(100) {
            let out = self
                .ec2
                .describe_instance_status()
                .include_all_instances(true)
                .set_instance_ids(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(map_err)?;
            all.extend(statuses(&out));
        }
        Ok(all)
    }

    async fn copy_snapshot(
        &self,
        id: String,
        description: String,
        target_region: String,
    ) -> ApiResult<String> {
        let source = self.region.clone().unwrap_or_default();
        let out = self
            .in_region(Some(target_region))
            .copy_snapshot()
            .source_region(source)
            .source_snapshot_id(id)
            .description(description)
            .send()
            .await
            .map_err(map_err)?;
        Ok(clean(out.snapshot_id().unwrap_or_default()))
    }
}
