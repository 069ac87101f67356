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
    fn cli(&self, _region: &str) -> Vec<CliLine> {
        let mut line = argv(&[
            "ec2",
            "create-launch-template-version",
            "--launch-template-id",
            &self.template_id,
        ]);
        if let Some(s) = self.source {
            line.extend(argv(&["--source-version", &s.to_string()]));
        }
        line.extend(argv(&[
            "--version-description",
            &self.spec.description,
            "--launch-template-data",
            &data_json(&self.spec.data),
        ]));
        let mut lines: Vec<CliLine> = unreadable_guard(&self.spec.data).into_iter().collect();
        lines.push(line);
        if self.make_default {
            // ec2tui makes the version it created the default; the CLI's line makes the
            // latest one the default, which is that version unless another came between
            let mut set = argv(&[
                "ec2",
                "modify-launch-template",
                "--launch-template-id",
                &self.template_id,
                "--default-version",
            ]);
            set.push(Word::Shell("\"$("));
            set.extend(argv(&[
                "ec2",
                "describe-launch-templates",
                "--launch-template-ids",
                &self.template_id,
                "--query",
                "LaunchTemplates[0].LatestVersionNumber",
                "--output",
                "text",
            ]));
            set.push(Word::Shell(")\""));
            lines.push(set);
        }
        lines
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
    fn cli(&self, _region: &str) -> Vec<CliLine> {
        vec![argv(&[
            "ec2",
            "modify-launch-template",
            "--launch-template-id",
            &self.template_id,
            "--default-version",
            &self.version.to_string(),
        ])]
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
    fn cli(&self, _region: &str) -> Vec<CliLine> {
        // ec2tui reads the instance's settings (GetLaunchTemplateData) and makes the template
        // of them: the CLI's lines keep them in a file between the two calls
        let file = format!("{}.launch-template-data.json", self.instance.id);
        let mut get = argv(&[
            "ec2",
            "get-launch-template-data",
            "--instance-id",
            &self.instance.id,
            "--query",
            "LaunchTemplateData",
            "--output",
            "json",
        ]);
        get.push(Word::Shell(">"));
        get.push(Word::Arg(file.clone()));
        let mut create = argv(&[
            "ec2",
            "create-launch-template",
            "--launch-template-name",
            &self.name,
        ]);
        // as ec2tui sends it: an empty description too (left out, the version has none)
        create.extend(argv(&["--version-description", &self.description]));
        create.extend(argv(&["--launch-template-data", &format!("file://{file}")]));
        vec![get, create]
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
    fn cli(&self, _region: &str) -> Vec<CliLine> {
        let mut lines: Vec<CliLine> = unreadable_guard(&self.spec.data).into_iter().collect();
        lines.push(argv(&[
            "ec2",
            "create-launch-template",
            "--launch-template-name",
            &self.name,
            "--version-description",
            &self.spec.description,
            "--launch-template-data",
            &data_json(&self.spec.data),
        ]));
        lines
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
    fn cli(&self, _region: &str) -> Vec<CliLine> {
        let mut line = argv(&[
            "ec2",
            "delete-launch-template-versions",
            "--launch-template-id",
            &self.template_id,
            "--versions",
        ]);
        line.extend(self.versions.iter().map(|v| Word::Arg(v.to_string())));
        vec![line]
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
    fn cli(&self, _region: &str) -> Vec<CliLine> {
        vec![argv(&[
            "ec2",
            "delete-launch-template",
            "--launch-template-id",
            &self.template_id,
        ])]
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

/// The line before a copied template call whose `@file` user data cannot be read: it says
/// why on stderr and fails, so the call after it (joined by `&&`) never runs without the
/// user data ec2tui would have sent.
pub fn unreadable_guard(d: &TemplateData) -> Option<CliLine> {
    let e = read_user_data(&d.user_data).err()?;
    Some(vec![
        Word::Shell("echo"),
        Word::Arg(format!("ec2tui: {}", e.describe())),
        Word::Shell(">&2 && false &&"),
    ])
}

/// A template's settings as `--launch-template-data` JSON, as the adapter sends them (user
/// data base64; `@path` user data is read now, for the copied line, as the call reads it
/// when it runs).
pub fn data_json(d: &TemplateData) -> String {
    use base64::Engine;
    let mut m = serde_json::Map::new();
    if !d.image_id.is_empty() {
        m.insert("ImageId".into(), d.image_id.clone().into());
    }
    if !d.instance_type.is_empty() {
        m.insert("InstanceType".into(), d.instance_type.clone().into());
    }
    if !d.key_name.is_empty() {
        m.insert("KeyName".into(), d.key_name.clone().into());
    }
    if !d.security_group_ids.is_empty() {
        m.insert(
            "SecurityGroupIds".into(),
            d.security_group_ids.clone().into(),
        );
    }
    // unreadable: left out here, and `unreadable_guard` stops the copied line from running
    let user_data = read_user_data(&d.user_data).ok().flatten();
    if let Some(u) = user_data.filter(|u| !u.is_empty()) {
        m.insert(
            "UserData".into(),
            base64::engine::general_purpose::STANDARD.encode(u).into(),
        );
    }
    let tags: Vec<serde_json::Value> = d
        .instance_tags
        .iter()
        .filter(|(k, _)| !k.starts_with("aws:"))
        .map(|(k, v)| serde_json::json!({"Key": k, "Value": v}))
        .collect();
    if !tags.is_empty() {
        m.insert(
            "TagSpecifications".into(),
            serde_json::json!([{"ResourceType": "instance", "Tags": tags}]),
        );
    }
    serde_json::Value::Object(m).to_string()
}
