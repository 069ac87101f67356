//! `LaunchTemplatesApi` over aws-sdk-ec2, and the conversion of SDK launch templates.

use aws_sdk_ec2::types::{
    InstanceType, LaunchTemplateTagSpecificationRequest, RequestLaunchTemplateData, ResourceType,
    ResponseLaunchTemplateData, Tag,
};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use futures::future::BoxFuture;

use super::{SdkEc2, map_err, page_token, s};
use crate::aws::{
    ApiError, ApiResult, ErrorKind, LaunchTemplate, LaunchTemplatesApi, Page, TemplateData,
    TemplateSpec, TemplateVersion, clean, clean_template, clean_template_data, clean_version,
};

fn to_template(t: &aws_sdk_ec2::types::LaunchTemplate) -> LaunchTemplate {
    let mut out = LaunchTemplate {
        id: s(t.launch_template_id()),
        name: s(t.launch_template_name()),
        default_version: t.default_version_number().unwrap_or_default(),
        latest_version: t.latest_version_number().unwrap_or_default(),
        created_by: s(t.created_by()),
        created: t.create_time().map(|c| c.secs()),
        tags: t
            .tags()
            .iter()
            .map(|t| (s(t.key()), s(t.value())))
            .collect(),
    };
    clean_template(&mut out);
    out
}

/// Decoded user data; text that is not base64 is shown as it is.
fn decode_user_data(b64: &str) -> Option<String> {
    if b64.trim().is_empty() {
        return None;
    }
    Some(match STANDARD.decode(b64.trim()) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => b64.to_string(),
    })
}

/// A template version's settings for the screen: every string cleaned.
fn to_data(d: &ResponseLaunchTemplateData) -> TemplateData {
    let mut out = as_sent(d);
    clean_template_data(&mut out);
    out
}

/// The settings as EC2 has them, not cleaned: they go back to EC2 (a template made of an
/// instance's), never to the screen, and a tag with a newline must keep it.
fn as_sent(d: &ResponseLaunchTemplateData) -> TemplateData {
    let mut groups: Vec<String> = d.security_group_ids().to_vec();
    // groups given through the network interface count as the template's too
    for ni in d.network_interfaces() {
        for g in ni.groups() {
            if !groups.contains(g) {
                groups.push(g.clone());
            }
        }
    }
    TemplateData {
        image_id: s(d.image_id()),
        instance_type: s(d.instance_type().map(|t| t.as_str())),
        key_name: s(d.key_name()),
        security_group_ids: groups,
        user_data: d.user_data().and_then(decode_user_data),
        instance_tags: d
            .tag_specifications()
            .iter()
            .filter(|t| t.resource_type() == Some(&ResourceType::Instance))
            .flat_map(|t| t.tags())
            .map(|t| (s(t.key()), s(t.value())))
            .collect(),
    }
}

fn to_request(spec: &TemplateSpec) -> RequestLaunchTemplateData {
    let d = &spec.data;
    let mut b = RequestLaunchTemplateData::builder();
    if !d.image_id.is_empty() {
        b = b.image_id(&d.image_id);
    }
    if !d.instance_type.is_empty() {
        b = b.instance_type(InstanceType::from(d.instance_type.as_str()));
    }
    if !d.key_name.is_empty() {
        b = b.key_name(&d.key_name);
    }
    if !d.security_group_ids.is_empty() {
        b = b.set_security_group_ids(Some(d.security_group_ids.clone()));
    }
    if let Some(u) = d.user_data.as_deref().filter(|u| !u.is_empty()) {
        b = b.user_data(STANDARD.encode(u));
    }
    let tags: Vec<Tag> = d
        .instance_tags
        .iter()
        .filter(|(k, _)| !k.starts_with("aws:"))
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    if !tags.is_empty() {
        b = b.tag_specifications(
            LaunchTemplateTagSpecificationRequest::builder()
                .resource_type(ResourceType::Instance)
                .set_tags(Some(tags))
                .build(),
        );
    }
    b.build()
}

impl LaunchTemplatesApi for SdkEc2 {
    fn list_launch_templates(
        &self,
        next_token: Option<String>,
    ) -> BoxFuture<'_, ApiResult<Page<LaunchTemplate>>> {
        Box::pin(async move {
            let out = self
                .ec2
                .describe_launch_templates()
                .max_results(200)
                .set_next_token(next_token)
                .send()
                .await
                .map_err(map_err)?;
            Ok(Page {
                items: out.launch_templates().iter().map(to_template).collect(),
                next_token: page_token(out.next_token()),
            })
        })
    }

    fn template_versions(
        &self,
        template_id: String,
    ) -> BoxFuture<'_, ApiResult<Vec<TemplateVersion>>> {
        Box::pin(async move {
            let mut all = Vec::new();
            let mut token = None;
            loop {
                let out = self
                    .ec2
                    .describe_launch_template_versions()
                    .launch_template_id(&template_id)
                    .max_results(200)
                    .set_next_token(token.take())
                    .send()
                    .await
                    .map_err(map_err)?;
                for v in out.launch_template_versions() {
                    let mut tv = TemplateVersion {
                        template_id: s(v.launch_template_id()),
                        template_name: s(v.launch_template_name()),
                        number: v.version_number().unwrap_or_default(),
                        is_default: v.default_version().unwrap_or_default(),
                        description: s(v.version_description()),
                        created_by: s(v.created_by()),
                        created: v.create_time().map(|c| c.secs()),
                        data: v.launch_template_data().map(to_data).unwrap_or_default(),
                    };
                    clean_version(&mut tv);
                    all.push(tv);
                }
                match page_token(out.next_token()) {
                    Some(t) => token = Some(t),
                    None => break,
                }
            }
            all.sort_by_key(|v: &TemplateVersion| std::cmp::Reverse(v.number));
            Ok(all)
        })
    }

    fn create_launch_template(
        &self,
        name: String,
        spec: TemplateSpec,
    ) -> BoxFuture<'_, ApiResult<LaunchTemplate>> {
        Box::pin(async move {
            let out = self
                .ec2
                .create_launch_template()
                .launch_template_name(name)
                .version_description(&spec.description)
                .launch_template_data(to_request(&spec))
                .send()
                .await
                .map_err(map_err)?;
            out.launch_template().map(to_template).ok_or_else(|| {
                ApiError::other(
                    ErrorKind::Other,
                    "CreateLaunchTemplate answered no template",
                )
            })
        })
    }

    fn create_template_version(
        &self,
        template_id: String,
        source: Option<i64>,
        spec: TemplateSpec,
    ) -> BoxFuture<'_, ApiResult<i64>> {
        Box::pin(async move {
            let out = self
                .ec2
                .create_launch_template_version()
                .launch_template_id(template_id)
                .set_source_version(source.map(|v| v.to_string()))
                .version_description(&spec.description)
                .launch_template_data(to_request(&spec))
                .send()
                .await
                .map_err(map_err)?;
            if let Some(w) = out.warning() {
                let text: Vec<String> = w
                    .errors()
                    .iter()
                    .map(|e| clean(e.message().unwrap_or_default()))
                    .collect();
                tracing::warn!("CreateLaunchTemplateVersion warning: {}", text.join("; "));
            }
            out.launch_template_version()
                .and_then(|v| v.version_number())
                .ok_or_else(|| {
                    ApiError::other(
                        ErrorKind::Other,
                        "CreateLaunchTemplateVersion answered no version number",
                    )
                })
        })
    }

    fn set_default_version(
        &self,
        template_id: String,
        version: i64,
    ) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.ec2
                .modify_launch_template()
                .launch_template_id(template_id)
                .default_version(version.to_string())
                .send()
                .await
                .map_err(map_err)?;
            Ok(())
        })
    }

    fn template_data_of(&self, instance_id: String) -> BoxFuture<'_, ApiResult<TemplateData>> {
        Box::pin(async move {
            let out = self
                .ec2
                .get_launch_template_data()
                .instance_id(instance_id)
                .send()
                .await
                .map_err(map_err)?;
            Ok(out.launch_template_data().map(as_sent).unwrap_or_default())
        })
    }

    fn delete_template_versions(
        &self,
        template_id: String,
        versions: Vec<i64>,
    ) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            let out = self
                .ec2
                .delete_launch_template_versions()
                .launch_template_id(template_id)
                .set_versions(Some(versions.iter().map(i64::to_string).collect()))
                .send()
                .await
                .map_err(map_err)?;
            let refused: Vec<String> = out
                .unsuccessfully_deleted_launch_template_versions()
                .iter()
                .map(|v| {
                    let why = v
                        .response_error()
                        .map(|e| {
                            format!(
                                "{}: {}",
                                e.code().map(|c| c.as_str()).unwrap_or("refused"),
                                e.message().unwrap_or_default()
                            )
                        })
                        .unwrap_or_else(|| "refused".into());
                    clean(&format!(
                        "version {}: {why}",
                        v.version_number().unwrap_or_default()
                    ))
                })
                .collect();
            if refused.is_empty() {
                Ok(())
            } else {
                Err(ApiError::service(
                    "UnsuccessfullyDeletedLaunchTemplateVersions",
                    refused.join("; "),
                ))
            }
        })
    }

    fn delete_launch_template(&self, template_id: String) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.ec2
                .delete_launch_template()
                .launch_template_id(template_id)
                .send()
                .await
                .map_err(map_err)?;
            Ok(())
        })
    }
}
