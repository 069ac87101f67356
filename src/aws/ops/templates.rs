//! Launch template calls: versions, the default version, templates from an instance or a
//! launch configuration, deletes.

use futures::future::BoxFuture;

use crate::aws::*;

/// `CreateLaunchTemplateVersion` from a version of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateTemplateVersion {
    pub template_id: String,
    pub template_name: String,
    pub source: Option<i64>,
    pub spec: TemplateSpec,
    /// Followed by `ModifyLaunchTemplate` to make it the default.
    pub make_default: bool,
}

impl Mutation for CreateTemplateVersion {
    fn record(&self) -> Record {
        let mut r = Record::new(
            "CreateLaunchTemplateVersion",
            vec![self.template_id.clone()],
        )
        .param("imageId", &self.spec.data.image_id)
        .param("instanceType", &self.spec.data.instance_type)
        .param("description", &self.spec.description);
        if let Some(s) = self.source {
            r = r.param("sourceVersion", s);
        }
        r
    }
    fn describe(&self) -> String {
        format!(
            "create a version of launch template {} ({})",
            self.template_name, self.template_id
        )
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        Box::pin(async move {
            let mut spec = self.spec.clone();
            spec.data.user_data = read_user_data(&spec.data.user_data)?;
            let n = api
                .create_template_version(self.template_id.clone(), self.source, spec)
                .await?;
            Ok(Outcome::Created(n.to_string()))
        })
    }
}

/// `ModifyLaunchTemplate`: a new default version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetDefaultVersion {
    pub template_id: String,
    pub template_name: String,
    pub version: i64,
}

impl Mutation for SetDefaultVersion {
    fn record(&self) -> Record {
        Record::new("ModifyLaunchTemplate", vec![self.template_id.clone()])
            .param("defaultVersion", self.version)
    }
    fn describe(&self) -> String {
        format!(
            "make version {} the default of launch template {}",
            self.version, self.template_name
        )
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        Box::pin(async move {
            api.set_default_version(self.template_id.clone(), self.version)
                .await
                .map(|()| Outcome::Done)
        })
    }
}

/// `CreateLaunchTemplate` with the settings of an instance (`GetLaunchTemplateData` first,
/// as the console's "create template from instance" does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateTemplateFromInstance {
    pub instance: Target,
    pub name: String,
    pub description: String,
}

impl Mutation for CreateTemplateFromInstance {
    fn record(&self) -> Record {
        Record::new("CreateLaunchTemplate", vec![self.name.clone()])
            .param("fromInstance", &self.instance.id)
            .param("description", &self.description)
    }
    fn describe(&self) -> String {
        format!(
            "create launch template {} from {}",
            self.name,
            self.instance.label()
        )
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        Box::pin(async move {
            let data = api.template_data_of(self.instance.id.clone()).await?;
            let t = api
                .create_launch_template(
                    self.name.clone(),
                    TemplateSpec {
                        description: self.description.clone(),
                        data,
                    },
                )
                .await?;
            Ok(Outcome::Created(t.id))
        })
    }
}

/// `CreateLaunchTemplate` with given settings (a launch configuration's, when migrating).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateTemplate {
    pub name: String,
    pub spec: TemplateSpec,
    /// Where the settings come from, for the journal: "launch configuration web-v3".
    pub from: String,
}

impl Mutation for CreateTemplate {
    fn record(&self) -> Record {
        Record::new("CreateLaunchTemplate", vec![self.name.clone()])
            .param("from", &self.from)
            .param("imageId", &self.spec.data.image_id)
            .param("instanceType", &self.spec.data.instance_type)
    }
    fn describe(&self) -> String {
        format!("create launch template {} from {}", self.name, self.from)
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        Box::pin(async move {
            let t = api
                .create_launch_template(self.name.clone(), self.spec.clone())
                .await?;
            Ok(Outcome::Created(t.id))
        })
    }
}

/// `DeleteLaunchTemplateVersions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteTemplateVersions {
    pub template_id: String,
    pub template_name: String,
    pub versions: Vec<i64>,
}

impl Mutation for DeleteTemplateVersions {
    fn record(&self) -> Record {
        let v: Vec<String> = self.versions.iter().map(i64::to_string).collect();
        Record::new(
            "DeleteLaunchTemplateVersions",
            vec![self.template_id.clone()],
        )
        .param("versions", v.join(","))
    }
    fn is_destructive(&self) -> bool {
        true
    }
    fn describe(&self) -> String {
        let v: Vec<String> = self.versions.iter().map(i64::to_string).collect();
        format!(
            "delete version {} of launch template {}",
            v.join(", "),
            self.template_name
        )
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        Box::pin(async move {
            api.delete_template_versions(self.template_id.clone(), self.versions.clone())
                .await
                .map(|()| Outcome::Done)
        })
    }
}

/// `DeleteLaunchTemplate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteTemplate {
    pub template_id: String,
    pub template_name: String,
}

impl Mutation for DeleteTemplate {
    fn record(&self) -> Record {
        Record::new("DeleteLaunchTemplate", vec![self.template_id.clone()])
    }
    fn is_destructive(&self) -> bool {
        true
    }
    fn describe(&self) -> String {
        format!(
            "delete launch template {} ({}) with all its versions",
            self.template_name, self.template_id
        )
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        Box::pin(async move {
            api.delete_launch_template(self.template_id.clone())
                .await
                .map(|()| Outcome::Done)
        })
    }
}
/// Text, or `@path` read when the call runs.
pub fn read_user_data(text: &Option<String>) -> ApiResult<Option<String>> {
    match text
        .as_deref()
        .map(str::trim)
        .and_then(|t| t.strip_prefix('@'))
    {
        Some(path) => {
            let path = crate::config::expand_home(path.trim());
            std::fs::read_to_string(&path).map(Some).map_err(|e| {
                ApiError::other(
                    ErrorKind::Other,
                    format!(
                        "cannot read the user data file {}: {e} (nothing was sent)",
                        path.display()
                    ),
                )
            })
        }
        None => Ok(text.clone()),
    }
}
