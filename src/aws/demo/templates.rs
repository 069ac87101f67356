//! `LaunchTemplatesApi` of the demo region: a few templates with versions; new versions,
//! default changes and deletions behave as EC2's do (the default version cannot be deleted
//! alone, version numbers are never reused).

use futures::future::BoxFuture;

use super::{DEMO_EPOCH, DemoRegion, Inner, now_epoch};
use crate::aws::{
    ApiError, ApiResult, InstanceState, LaunchTemplate, LaunchTemplatesApi, Page, TemplateData,
    TemplateSpec, TemplateVersion, clean_template, clean_version,
};

pub(super) struct DemoTemplate {
    pub(super) t: LaunchTemplate,
    /// Oldest first.
    pub(super) versions: Vec<TemplateVersion>,
}

const CREATOR: &str = "arn:aws:iam::000000000000:user/ops";

/// The user data of the seed web template's versions.
pub(super) fn web_user_data(version: i64) -> String {
    format!(
        "#!/bin/bash\nexport APP_ENV=production\nexport APP_RELEASE=2026.{version}\nyum install -y httpd\nsystemctl enable --now httpd\n"
    )
}

fn version(
    t: &LaunchTemplate,
    n: i64,
    days_ago: i64,
    description: &str,
    data: TemplateData,
) -> TemplateVersion {
    let mut v = TemplateVersion {
        template_id: t.id.clone(),
        template_name: t.name.clone(),
        number: n,
        is_default: n == t.default_version,
        description: description.into(),
        created_by: CREATOR.into(),
        created: Some(DEMO_EPOCH - days_ago * 86_400),
        data,
    };
    clean_version(&mut v);
    v
}

/// The seed templates: `web-prod` (three versions, the second the default) and
/// `worker-staging` (one).
pub(super) fn demo_templates() -> Vec<DemoTemplate> {
    let template = |n: u32, name: &str, default: i64, latest: i64, days_ago: i64| {
        let mut t = LaunchTemplate {
            id: format!("lt-0demo{n:012}"),
            name: name.into(),
            default_version: default,
            latest_version: latest,
            created_by: CREATOR.into(),
            created: Some(DEMO_EPOCH - days_ago * 86_400),
            tags: vec![],
        };
        clean_template(&mut t);
        t
    };
    let web = template(1, "web-prod", 2, 3, 200);
    let web_data = |v: i64, ty: &str| TemplateData {
        image_id: "ami-0f9e8d7c6b5a49382".into(),
        instance_type: ty.into(),
        key_name: "deploy".into(),
        security_group_ids: vec!["sg-0demo00000001".into()],
        user_data: Some(web_user_data(v)),
        instance_tags: vec![("Name".into(), "web-prod-asg".into())],
    };
    let web_versions = vec![
        version(&web, 1, 200, "first release", web_data(1, "t3.small")),
        version(&web, 2, 40, "release 2026.2", web_data(2, "t3.small")),
        version(
            &web,
            3,
            2,
            "bigger instances (testing)",
            web_data(3, "t3.medium"),
        ),
    ];
    let worker = template(2, "worker-staging", 1, 1, 90);
    let worker_versions = vec![version(
        &worker,
        1,
        90,
        "queue workers",
        TemplateData {
            image_id: "ami-0a1b2c3d4e5f60718".into(),
            instance_type: "t4g.small".into(),
            key_name: "ops-2024".into(),
            security_group_ids: vec!["sg-0demo00000000".into()],
            user_data: Some("#!/bin/bash\nexport QUEUE=jobs-staging\n/opt/worker/run\n".into()),
            instance_tags: vec![("Name".into(), "worker-staging-asg".into())],
        },
    )];
    vec![
        DemoTemplate {
            t: web,
            versions: web_versions,
        },
        DemoTemplate {
            t: worker,
            versions: worker_versions,
        },
    ]
}

fn not_found(id: &str) -> ApiError {
    ApiError::service(
        "InvalidLaunchTemplateId.NotFound",
        format!("The specified launch template, with template ID {id}, does not exist."),
    )
}

impl Inner {
    pub(super) fn template_mut(&mut self, id: &str) -> ApiResult<&mut DemoTemplate> {
        self.templates
            .iter_mut()
            .find(|t| t.t.id == id)
            .ok_or_else(|| not_found(id))
    }
}

impl LaunchTemplatesApi for DemoRegion {
    fn list_launch_templates(
        &self,
        _next_token: Option<String>,
    ) -> BoxFuture<'_, ApiResult<Page<LaunchTemplate>>> {
        Box::pin(async move {
            self.delay().await;
            let inner = self.lock();
            Ok(Page {
                items: inner.templates.iter().map(|t| t.t.clone()).collect(),
                next_token: None,
            })
        })
    }

    fn template_versions(
        &self,
        template_id: String,
    ) -> BoxFuture<'_, ApiResult<Vec<TemplateVersion>>> {
        Box::pin(async move {
            self.delay().await;
            let mut inner = self.lock();
            let t = inner.template_mut(&template_id)?;
            let mut out = t.versions.clone();
            out.reverse();
            Ok(out)
        })
    }

    fn create_launch_template(
        &self,
        name: String,
        spec: TemplateSpec,
    ) -> BoxFuture<'_, ApiResult<LaunchTemplate>> {
        Box::pin(async move {
            self.delay().await;
            let mut inner = self.lock();
            if inner.templates.iter().any(|t| t.t.name == name) {
                return Err(ApiError::service(
                    "InvalidLaunchTemplateName.AlreadyExistsException",
                    format!("Launch template name already in use: {name}"),
                ));
            }
            let id = Self::fresh_id(&mut inner, "lt");
            let mut t = LaunchTemplate {
                id,
                name,
                default_version: 1,
                latest_version: 1,
                created_by: CREATOR.into(),
                created: Some(now_epoch()),
                tags: vec![],
            };
            clean_template(&mut t);
            let mut v = version(&t, 1, 0, &spec.description, spec.data);
            v.created = Some(now_epoch());
            inner.templates.push(DemoTemplate {
                t: t.clone(),
                versions: vec![v],
            });
            Ok(t)
        })
    }

    fn create_template_version(
        &self,
        template_id: String,
        source: Option<i64>,
        spec: TemplateSpec,
    ) -> BoxFuture<'_, ApiResult<i64>> {
        Box::pin(async move {
            self.delay().await;
            let mut inner = self.lock();
            let t = inner.template_mut(&template_id)?;
            let mut data = match source {
                Some(n) => t
                    .versions
                    .iter()
                    .find(|v| v.number == n)
                    .map(|v| v.data.clone())
                    .ok_or_else(|| {
                        ApiError::service(
                            "InvalidLaunchTemplateVersion.NotFound",
                            format!("Could not find launch template version {n}"),
                        )
                    })?,
                None => TemplateData::default(),
            };
            // what is given replaces the source's
            let d = spec.data;
            if !d.image_id.is_empty() {
                data.image_id = d.image_id;
            }
            if !d.instance_type.is_empty() {
                data.instance_type = d.instance_type;
            }
            if !d.key_name.is_empty() {
                data.key_name = d.key_name;
            }
            if !d.security_group_ids.is_empty() {
                data.security_group_ids = d.security_group_ids;
            }
            if d.user_data.is_some() {
                data.user_data = d.user_data;
            }
            if !d.instance_tags.is_empty() {
                data.instance_tags = d.instance_tags;
            }
            t.t.latest_version += 1;
            let n = t.t.latest_version;
            let mut v = version(&t.t, n, 0, &spec.description, data);
            v.created = Some(now_epoch());
            t.versions.push(v);
            Ok(n)
        })
    }

    fn set_default_version(
        &self,
        template_id: String,
        version: i64,
    ) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.delay().await;
            let mut inner = self.lock();
            let t = inner.template_mut(&template_id)?;
            if !t.versions.iter().any(|v| v.number == version) {
                return Err(ApiError::service(
                    "InvalidLaunchTemplateVersion.NotFound",
                    format!("Could not find launch template version {version}"),
                ));
            }
            t.t.default_version = version;
            for v in &mut t.versions {
                v.is_default = v.number == version;
            }
            Ok(())
        })
    }

    fn template_data_of(&self, instance_id: String) -> BoxFuture<'_, ApiResult<TemplateData>> {
        Box::pin(async move {
            self.delay().await;
            let inner = self.lock();
            let Some(&i) = inner.index.get(&instance_id) else {
                return Err(ApiError::service(
                    "InvalidInstanceID.NotFound",
                    format!("The instance ID '{instance_id}' does not exist"),
                ));
            };
            let d = &inner.fleet[i];
            if d.inst.state == InstanceState::Terminated {
                return Err(ApiError::service(
                    "IncorrectInstanceState",
                    format!("The instance '{instance_id}' is terminated."),
                ));
            }
            Ok(TemplateData {
                image_id: d.inst.image_id.clone(),
                instance_type: d.inst.instance_type.clone(),
                key_name: d.inst.key_name.clone(),
                security_group_ids: d
                    .inst
                    .security_groups
                    .iter()
                    .map(|(id, _)| id.clone())
                    .collect(),
                user_data: d.user_data.clone(),
                instance_tags: d
                    .inst
                    .tags
                    .iter()
                    .filter(|(k, _)| !k.starts_with("aws:"))
                    .cloned()
                    .collect(),
            })
        })
    }

    fn delete_template_versions(
        &self,
        template_id: String,
        versions: Vec<i64>,
    ) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.delay().await;
            let mut inner = self.lock();
            let t = inner.template_mut(&template_id)?;
            let mut refused = Vec::new();
            for n in versions {
                if n == t.t.default_version {
                    refused.push(format!(
                        "version {n}: InvalidLaunchTemplateVersion.DefaultVersion: the default version cannot be deleted"
                    ));
                } else if !t.versions.iter().any(|v| v.number == n) {
                    refused.push(format!(
                        "version {n}: InvalidLaunchTemplateVersion.NotFound: it does not exist"
                    ));
                } else {
                    t.versions.retain(|v| v.number != n);
                }
            }
            // $Latest follows what is left (the number of the next version still grows)
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
            self.delay().await;
            let mut inner = self.lock();
            inner.template_mut(&template_id)?;
            inner.templates.retain(|t| t.t.id != template_id);
            Ok(())
        })
    }
}
