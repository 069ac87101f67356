//! The launch templates pane: name, id, default and latest version, created by, created.
//! `Enter` shows the versions, newest first, with their settings and decoded user data. `n`
//! makes a new version from one of them (made the default unless unticked), `D` sets the
//! default version, `l` launches from a version through the shared launch form (DryRun
//! first), `Ctrl-d` deletes a version or the whole template (typed `delete`; a template an
//! Auto Scaling group uses is refused before any call). `T` in the instances pane creates a
//! template from an instance (the message [`CreateTemplateFrom`]).

use std::any::Any;
use std::cmp::Ordering;
use std::collections::HashMap;

use super::kit::launch::{LaunchTag, Launcher, OptionsLoaded};
use crate::app::{
    ActionSpec, Collection, Column, Cx, DetailsView, Dialog, Effect, Fetch, Field, FieldValue,
    Form, FormEvent, FormTag, Job, Opt, Pane, PaneSpec, Resource, Shared, TableOps, Target, Tone,
    age,
};
use crate::app::{Ask, Fact};
use crate::aws::ops::*;
use crate::aws::{
    ApiResult, Instance, LaunchTemplate, Op, Outcome, Page, TemplateData, TemplateSpec,
    TemplateVersion, fmt_time,
};

pub const ID: &str = "templates";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Name,
    Id,
    Default,
    Latest,
    CreatedBy,
    Created,
}

const COLUMNS: &[(Col, Column)] = &[
    (Col::Name, Column::new("Name", 24, 10)),
    (Col::Id, Column::new("Template ID", 21, 12)),
    (Col::Default, Column::new("Default", 7, 4)),
    (Col::Latest, Column::new("Latest", 6, 4)),
    (Col::CreatedBy, Column::new("Created by", 30, 10)),
    (Col::Created, Column::new("Created", 8, 7)),
];

impl Resource for LaunchTemplate {
    type Col = Col;

    fn id(&self) -> &str {
        &self.id
    }
    fn columns() -> &'static [(Col, Column)] {
        COLUMNS
    }
    fn cell(&self, col: Col, now: i64) -> (String, Tone) {
        match col {
            Col::Name => (self.name.clone(), Tone::Normal),
            Col::Id => (self.id.clone(), Tone::Normal),
            Col::Default => (self.default_version.to_string(), Tone::Normal),
            Col::Latest => (
                self.latest_version.to_string(),
                if self.latest_version != self.default_version {
                    Tone::Warn
                } else {
                    Tone::Normal
                },
            ),
            Col::CreatedBy => (
                // the ARN's last part says who: "user/ops"
                self.created_by
                    .rsplit(':')
                    .next()
                    .unwrap_or_default()
                    .to_string(),
                Tone::Muted,
            ),
            Col::Created => (age(self.created, now), Tone::Normal),
        }
    }
    fn compare(&self, other: &Self, col: Col) -> Ordering {
        match col {
            Col::Name => crate::app::cmp_ci(&self.name, &other.name),
            Col::Default => self.default_version.cmp(&other.default_version),
            Col::Latest => self.latest_version.cmp(&other.latest_version),
            Col::Created => self.created.cmp(&other.created),
            c => self.cell(c, 0).0.cmp(&other.cell(c, 0).0),
        }
    }
    fn filter_text(&self) -> String {
        let mut s = format!("{}\u{1f}{}\u{1f}{}", self.name, self.id, self.created_by);
        for (k, v) in &self.tags {
            s.push_str(&format!("\u{1f}{k}={v}"));
        }
        s.to_lowercase()
    }
}

/// Who uses which template: an Auto Scaling pane answers this, so a template in use is not
/// deleted. Template id → the names of the groups using it.
pub type TemplateUsers = HashMap<String, Vec<String>>;

/// What is known of the templates the Auto Scaling groups use.
#[derive(Debug, Clone, Default)]
enum Usage {
    /// Not heard yet: a deletion waits for it.
    #[default]
    Asking,
    Known(TemplateUsers),
    /// The groups could not be listed: a deletion says so.
    Unknown(String),
}

pub const F_FROM: &str = "From version";
pub const F_VERSION: &str = "Version";
pub const F_AMI: &str = "AMI";
pub const F_TYPE: &str = "Instance type";
pub const F_KEY: &str = "Key pair";
pub const F_GROUPS: &str = "Security group ids";
pub const F_USER_DATA: &str = "User data (text, or @path)";
pub const F_DESCRIPTION: &str = "Description";
pub const F_MAKE_DEFAULT: &str = "Make it the default";
pub const F_NAME: &str = "Template name";
pub const F_DELETE_WHAT: &str = "Delete";
pub const F_CONFIRM: &str = super::kit::F_DELETE;

/// The value of the delete form's choice that deletes the whole template.
const WHOLE: &str = "template";

#[derive(Debug, Clone)]
enum TemplateForm {
    NewVersion { t: LaunchTemplate },
    SetDefault { t: LaunchTemplate },
    PickLaunch { t: LaunchTemplate },
    Delete { t: LaunchTemplate },
    FromInstance { instance: Box<Instance> },
}

/// What to do once a template's versions are here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    NewVersion,
    SetDefault,
    Launch,
    Delete,
}

enum Got {
    Page(ApiResult<Page<LaunchTemplate>>),
    Versions(String, ApiResult<Vec<TemplateVersion>>),
    /// The AMI of a version to launch from, for its architecture.
    Image(
        Box<(LaunchTemplate, TemplateVersion)>,
        ApiResult<Vec<crate::aws::Image>>,
    ),
}

const ACTIONS: &[ActionSpec] = &[
    ActionSpec::new(
        "new_version",
        "new version from a version (user data, AMI, type…)",
        "new version",
    )
    .mutating(),
    ActionSpec::new("set_default", "set the default version", "default").mutating(),
    ActionSpec::new(
        "launch_from_template",
        "launch instances from a version (DryRun first)",
        "launch",
    )
    .mutating(),
    ActionSpec::new(
        "delete_template",
        "delete a version or the whole template",
        "delete",
    )
    .mutating(),
];

pub static SPEC: PaneSpec = PaneSpec {
    id: ID,
    title: "Launch templates pane",
    focus: "launch templates pane",
    one: "launch template",
    commands: &["templates", "lt", "template", "launchtemplates"],
    number: None,
    actions: ACTIONS,
    footer: &[
        "details",
        "filter",
        "new_version",
        "set_default",
        "launch_from_template",
        "delete_template",
        "refresh",
        "help",
        "quit",
    ],
};

pub struct TemplatesPane {
    pub list: Collection<LaunchTemplate>,
    /// Versions by template id (newest first), with the request that fetches them.
    versions: HashMap<String, (u64, Fetch<Vec<TemplateVersion>>)>,
    /// An action waiting for a template's versions.
    waiting: Option<(String, Want)>,
    launcher: Launcher,
    /// Templates the Auto Scaling groups use (as last told).
    in_use: Usage,
    pending_select: Option<String>,
}

impl Default for TemplatesPane {
    fn default() -> Self {
        let mut list = Collection::default();
        list.set_sort(Col::Name, false);
        Self {
            list,
            versions: HashMap::new(),
            waiting: None,
            launcher: Launcher::default(),
            in_use: Usage::default(),
            pending_select: None,
        }
    }
}

fn version_label(v: &TemplateVersion) -> String {
    let mut s = format!("version {}", v.number);
    if v.is_default {
        s.push_str(" (default)");
    }
    if !v.description.is_empty() {
        s.push_str(&format!(" — {}", v.description));
    }
    s
}

fn version_opts(vs: &[TemplateVersion]) -> Vec<Opt> {
    vs.iter()
        .map(|v| Opt::new(v.number.to_string(), version_label(v)))
        .collect()
}

/// Sets a text field's value.
fn set_text(form: &mut Form, label: &str, value: &str) {
    let f = form.field_mut(label);
    f.value = match f.value {
        FieldValue::Area(_) => FieldValue::Area(value.to_string()),
        _ => FieldValue::Text(tui_input::Input::new(value.to_string())),
    };
}

/// Fills the settings fields of the new version form from a version.
fn fill_from(form: &mut Form, v: &TemplateVersion) {
    set_text(form, F_AMI, &v.data.image_id);
    set_text(form, F_TYPE, &v.data.instance_type);
    set_text(form, F_KEY, &v.data.key_name);
    set_text(form, F_GROUPS, &v.data.security_group_ids.join(", "));
    set_text(form, F_USER_DATA, v.data.user_data.as_deref().unwrap_or(""));
}

impl TemplatesPane {
    /// The groups using a template, if any is known to.
    fn users_of(&self, id: &str) -> Option<&Vec<String>> {
        match &self.in_use {
            Usage::Known(m) => m.get(id).filter(|g| !g.is_empty()),
            _ => None,
        }
    }

    /// The versions of a template, if they are here.
    pub fn versions_of(&self, id: &str) -> Option<&[TemplateVersion]> {
        match self.versions.get(id) {
            Some((_, Fetch::Ready(v))) => Some(v),
            _ => None,
        }
    }

    fn fetch_versions(&mut self, id: &str, cx: &mut Cx) -> Vec<Effect> {
        let tid = id.to_string();
        let job = Job::once(format!("DescribeLaunchTemplateVersions {id}"), move |api| {
            Box::pin(async move {
                let r = api.template_versions(tid.clone()).await;
                Got::Versions(tid, r)
            })
        });
        let (req, fx) = cx.fetch(ID, job);
        self.versions.insert(id.to_string(), (req, Fetch::Loading));
        vec![fx]
    }

    /// Runs `want` on the selected template once its versions are here.
    fn with_versions(&mut self, want: Want, cx: &mut Cx) -> Vec<Effect> {
        self.list.refresh_view();
        let Some(t) = self.list.selected().cloned() else {
            cx.error("no launch template selected");
            return vec![];
        };
        if want == Want::Delete && matches!(self.in_use, Usage::Asking) {
            // EC2 deletes a template a group uses (the group then cannot launch): ask first
            cx.ask(Ask::ListGroups);
            cx.error(format!(
                "checking which Auto Scaling groups use {}: press Ctrl-d again in a moment (nothing was sent)",
                t.name
            ));
            return vec![];
        }
        if want == Want::Delete
            && let Some(groups) = self.users_of(&t.id)
        {
            cx.error(format!(
                "launch template {} is used by Auto Scaling group{} {}: switch {} to another template first (nothing was sent)",
                t.name,
                if groups.len() == 1 { "" } else { "s" },
                groups.join(", "),
                if groups.len() == 1 { "it" } else { "them" }
            ));
            return vec![];
        }
        if self.versions_of(&t.id).is_some() {
            return self.open(want, &t, cx);
        }
        self.waiting = Some((t.id.clone(), want));
        cx.info(format!("reading the versions of {}…", t.name));
        self.fetch_versions(&t.id, cx)
    }

    fn open(&mut self, want: Want, t: &LaunchTemplate, cx: &mut Cx) -> Vec<Effect> {
        let vs = self.versions_of(&t.id).unwrap_or_default().to_vec();
        if vs.is_empty() {
            cx.error(format!("launch template {} has no versions", t.name));
            return vec![];
        }
        let default_pos = vs.iter().position(|v| v.is_default).unwrap_or(0);
        match want {
            Want::NewVersion => {
                let mut form = Form::new(
                    format!("New version of {}", t.name),
                    vec![
                        Field::choice(F_FROM, version_opts(&vs), Some(default_pos))
                            .with_help("its other settings are kept"),
                        Field::text(F_AMI, ""),
                        Field::text(F_TYPE, ""),
                        Field::text(F_KEY, ""),
                        Field::text(F_GROUPS, ""),
                        Field::area(F_USER_DATA, ""),
                        Field::text(F_DESCRIPTION, ""),
                        Field::toggle(F_MAKE_DEFAULT, true),
                    ],
                );
                fill_from(&mut form, &vs[default_pos]);
                form.intro.push(format!(
                    "Launch template {} ({}): default version {}, latest {}.",
                    t.name, t.id, t.default_version, t.latest_version
                ));
                cx.open_form(
                    ID,
                    form,
                    FormTag::new(TemplateForm::NewVersion { t: t.clone() }),
                );
            }
            Want::SetDefault => {
                let mut form = Form::new(
                    format!("Default version of {}", t.name),
                    vec![Field::choice(F_VERSION, version_opts(&vs), Some(0))],
                );
                form.intro.push(format!(
                    "Now version {}. Launches and groups asking for $Default get the one chosen.",
                    t.default_version
                ));
                cx.open_form(
                    ID,
                    form,
                    FormTag::new(TemplateForm::SetDefault { t: t.clone() }),
                );
            }
            Want::Launch => {
                let mut form = Form::new(
                    format!("Launch from {}", t.name),
                    vec![Field::choice(
                        F_VERSION,
                        version_opts(&vs),
                        Some(default_pos),
                    )],
                );
                form.intro
                    .push("Ctrl-s opens the launch form with this version's settings.".to_string());
                cx.open_form(
                    ID,
                    form,
                    FormTag::new(TemplateForm::PickLaunch { t: t.clone() }),
                );
            }
            Want::Delete => {
                let mut opts = vec![Opt::new(
                    WHOLE,
                    format!("the whole template ({} versions)", vs.len()),
                )];
                opts.extend(
                    vs.iter()
                        .filter(|v| !v.is_default)
                        .map(|v| Opt::new(v.number.to_string(), version_label(v))),
                );
                let mut form = Form::new(
                    format!("Delete from launch template {}", t.name),
                    vec![
                        Field::choice(F_DELETE_WHAT, opts, Some(0))
                            .with_help("the default version goes only with the template"),
                        Field::text(F_CONFIRM, ""),
                    ],
                );
                form.danger = true;
                form.intro.push(format!(
                    "Launch template {} ({}), {} version{}; default {}.",
                    t.name,
                    t.id,
                    vs.len(),
                    if vs.len() == 1 { "" } else { "s" },
                    t.default_version
                ));
                form.intro.push(
                    "Instances launched from it keep running; nothing can launch from what is deleted."
                        .into(),
                );
                if let Usage::Unknown(why) = &self.in_use {
                    form.intro.push(format!(
                        "Which Auto Scaling groups use it is not known ({why}): a group using it could not launch any more."
                    ));
                }
                cx.open_form(
                    ID,
                    form,
                    FormTag::new(TemplateForm::Delete { t: t.clone() }),
                );
            }
        }
        vec![]
    }

    fn propose_from_instance(&mut self, inst: Instance, cx: &mut Cx) -> Vec<Effect> {
        let base = if inst.name.is_empty() {
            inst.id.clone()
        } else {
            inst.name.clone()
        };
        let name: String = base
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "()./_-".contains(c) {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let mut form = Form::new(
            format!(
                "Launch template from {}",
                Target::new(inst.id.clone(), inst.name.clone()).label()
            ),
            vec![
                Field::text(F_NAME, &format!("{name}-template")),
                Field::text(
                    F_DESCRIPTION,
                    &format!("from {} ({})", inst.id, inst.instance_type),
                ),
            ],
        );
        form.intro.push(format!(
            "Its settings as EC2 gives them (GetLaunchTemplateData): AMI {}, {}, key {}, groups {}, user data, tags.",
            inst.image_id,
            inst.instance_type,
            if inst.key_name.is_empty() {
                "none"
            } else {
                &inst.key_name
            },
            inst.security_groups
                .iter()
                .map(|(id, _)| id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        cx.open_form(
            ID,
            form,
            FormTag::new(TemplateForm::FromInstance {
                instance: Box::new(inst),
            }),
        );
        vec![]
    }

    fn submit(&mut self, tag: &TemplateForm, cx: &mut Cx) -> Vec<Effect> {
        let Some(form) = cx.form().cloned() else {
            return vec![];
        };
        let op = match tag {
            TemplateForm::NewVersion { t } => {
                let source = form.field(F_FROM).get().parse::<i64>().ok();
                let groups: Vec<String> = form
                    .field(F_GROUPS)
                    .get()
                    .split([',', ' '])
                    .map(str::trim)
                    .filter(|g| !g.is_empty())
                    .map(str::to_string)
                    .collect();
                if let Some(bad) = groups.iter().find(|g| !g.starts_with("sg-")) {
                    return cx.form_error(format!("{bad} is not a security group id (sg-…)"));
                }
                let ami = form.field(F_AMI).get().trim().to_string();
                if !ami.is_empty() && !ami.starts_with("ami-") {
                    return cx.form_error(format!("{ami} is not an AMI id (ami-…)"));
                }
                let user_data = form.field(F_USER_DATA).get();
                Op::new(CreateTemplateVersion {
                    template_id: t.id.clone(),
                    template_name: t.name.clone(),
                    source,
                    spec: TemplateSpec {
                        description: form.field(F_DESCRIPTION).get().trim().to_string(),
                        data: TemplateData {
                            image_id: ami,
                            instance_type: form.field(F_TYPE).get().trim().to_string(),
                            key_name: form.field(F_KEY).get().trim().to_string(),
                            security_group_ids: groups,
                            // empty user data is kept empty, not inherited
                            user_data: Some(user_data),
                            instance_tags: vec![],
                        },
                    },
                    make_default: form.field(F_MAKE_DEFAULT).on(),
                })
            }
            TemplateForm::SetDefault { t } => {
                let Ok(version) = form.field(F_VERSION).get().parse::<i64>() else {
                    return cx.form_error("choose a version");
                };
                if version == t.default_version {
                    return cx.form_error(format!("version {version} is the default already"));
                }
                Op::new(SetDefaultVersion {
                    template_id: t.id.clone(),
                    template_name: t.name.clone(),
                    version,
                })
            }
            TemplateForm::PickLaunch { t } => {
                let Ok(n) = form.field(F_VERSION).get().parse::<i64>() else {
                    return cx.form_error("choose a version");
                };
                let Some(v) = self
                    .versions_of(&t.id)
                    .and_then(|vs| vs.iter().find(|v| v.number == n))
                    .cloned()
                else {
                    return cx.form_error("that version is gone: press Esc and Ctrl-r");
                };
                if v.data.image_id.is_empty() {
                    return cx.form_error(format!(
                        "version {} names no AMI: the launch form needs one",
                        v.number
                    ));
                }
                // the AMI's architecture decides the instance types offered
                if let Some(form) = cx.form_mut() {
                    form.info = Some(format!("reading {}…", v.data.image_id));
                }
                let ami = v.data.image_id.clone();
                let what = Box::new((t.clone(), v));
                let job = Job::once(format!("DescribeImages {ami}"), move |api| {
                    Box::pin(
                        async move { Got::Image(what, api.describe_images(None, vec![ami]).await) },
                    )
                });
                return vec![cx.fetch(ID, job).1];
            }
            TemplateForm::Delete { t } => {
                if form.field(F_CONFIRM).get() != "delete" {
                    return cx.form_error(
                        "type delete and press Ctrl-s or Enter to confirm; Esc cancels",
                    );
                }
                let what = form.field(F_DELETE_WHAT).get();
                if let Some(groups) = self.users_of(&t.id) {
                    return cx.form_error(format!(
                        "{} is used by {}: nothing was sent",
                        t.name,
                        groups.join(", ")
                    ));
                }
                if what == WHOLE {
                    Op::new(DeleteTemplate {
                        template_id: t.id.clone(),
                        template_name: t.name.clone(),
                    })
                } else {
                    let Ok(n) = what.parse::<i64>() else {
                        return cx.form_error("choose what to delete");
                    };
                    Op::new(DeleteTemplateVersions {
                        template_id: t.id.clone(),
                        template_name: t.name.clone(),
                        versions: vec![n],
                    })
                }
            }
            TemplateForm::FromInstance { instance } => {
                let name = form.field(F_NAME).get().trim().to_string();
                if name.len() < 3 || name.len() > 128 {
                    return cx.form_error("a template name is 3 to 128 characters");
                }
                if name
                    .chars()
                    .any(|c| !(c.is_ascii_alphanumeric() || "()./_-".contains(c)))
                {
                    return cx
                        .form_error("a template name has letters, digits and ( ) . / _ - only");
                }
                if self
                    .list
                    .ids()
                    .any(|id| self.list.get(id).is_some_and(|t| t.name == name))
                {
                    return cx.form_error(format!("a launch template named {name} exists already"));
                }
                Op::new(CreateTemplateFromInstance {
                    instance: Target::new(instance.id.clone(), instance.name.clone()),
                    name,
                    description: form.field(F_DESCRIPTION).get().trim().to_string(),
                })
            }
        };
        if op.is_destructive() {
            cx.dialog = None;
            cx.info(format!("{}…", op.describe()));
        } else if let Some(form) = cx.form_mut() {
            // the form stays open until EC2 answers: a refusal is shown in it
            form.error = None;
            form.info = Some(format!("{}…", op.describe()));
        }
        cx.call(ID, vec![op])
    }

    /// The shared launch form, prefilled with a version's settings.
    fn open_launch(
        &mut self,
        t: &LaunchTemplate,
        v: &TemplateVersion,
        arch: String,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        let like = Instance {
            instance_type: v.data.instance_type.clone(),
            key_name: v.data.key_name.clone(),
            security_groups: v
                .data
                .security_group_ids
                .iter()
                .map(|g| (g.clone(), String::new()))
                .collect(),
            name: v
                .data
                .instance_tags
                .iter()
                .find(|(k, _)| k == "Name")
                .map(|(_, n)| n.clone())
                .unwrap_or_default(),
            tags: v.data.instance_tags.clone(),
            ..Default::default()
        };
        let title = format!("Launch from {} version {}", t.name, v.number);
        let fx = self
            .launcher
            .open(ID, title, v.data.image_id.clone(), arch, Some(like), cx);
        if let Some(form) = cx.form_mut() {
            set_text(
                form,
                super::kit::launch::F_USER_DATA,
                v.data.user_data.as_deref().unwrap_or(""),
            );
            form.intro.push(format!(
                "From launch template {} ({}) version {}.",
                t.name, t.id, v.number
            ));
        }
        fx
    }
}

impl Pane for TemplatesPane {
    fn spec(&self) -> &'static PaneSpec {
        &SPEC
    }
    fn table(&self) -> &dyn TableOps {
        &self.list
    }
    fn table_mut(&mut self) -> &mut dyn TableOps {
        &mut self.list
    }
    fn heading(&self, _s: &Shared) -> String {
        "Launch templates".into()
    }
    fn noun(&self) -> &'static str {
        "launch templates"
    }
    fn empty(&self, s: &Shared) -> String {
        format!(
            "No launch templates in {}. Press T on an instance (in the instances pane) to make one from it.",
            s.ctx.region
        )
    }

    fn refresh(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let job = Job::pages(
            "DescribeLaunchTemplates",
            |api, token| Box::pin(async move { api.list_launch_templates(token).await }),
            Got::Page,
        );
        let fx = cx.list(ID, &mut self.list, job);
        if !fx.is_empty() {
            // which groups use which template: the Auto Scaling pane says (listing if never)
            cx.ask(Ask::ListGroups);
            // versions are read again when next needed
            self.versions
                .retain(|_, (_, f)| matches!(f, Fetch::Loading));
        }
        fx
    }

    fn on_action(&mut self, name: &'static str, cx: &mut Cx) -> Vec<Effect> {
        match name {
            "new_version" => self.with_versions(Want::NewVersion, cx),
            "set_default" => self.with_versions(Want::SetDefault, cx),
            "launch_from_template" => self.with_versions(Want::Launch, cx),
            "delete_template" => self.with_versions(Want::Delete, cx),
            _ => vec![],
        }
    }

    fn on_details(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.list.refresh_view();
        let Some(id) = self.list.selected_id().map(str::to_string) else {
            cx.error("no launch template selected");
            return vec![];
        };
        cx.dialog = Some(Dialog::Details {
            pane: ID,
            id: id.clone(),
            scroll: 0,
        });
        self.fetch_versions(&id, cx)
    }

    fn details(&self, id: &str, s: &Shared) -> Option<DetailsView> {
        let t = self.list.get(id)?;
        let mut d = DetailsView::build(format!("launch template {}", t.name), 16);
        d.kv("Name", t.name.clone())
            .kv("Template ID", t.id.clone())
            .kv("Default version", t.default_version.to_string())
            .kv("Latest version", t.latest_version.to_string())
            .kv("Created by", t.created_by.clone())
            .kv(
                "Created",
                t.created
                    .map(|c| format!("{} ({} ago)", fmt_time(c), age(Some(c), s.now)))
                    .unwrap_or_default(),
            );
        if let Some(groups) = self.users_of(&t.id) {
            d.kv("Used by", groups.join(", "));
        }
        d.blank();
        match self.versions.get(id).map(|(_, f)| f) {
            None | Some(Fetch::Loading) => {
                d.line("Reading the versions…", Tone::Muted);
            }
            Some(Fetch::Failed(e)) => {
                d.line(format!("Cannot read the versions: {e}"), Tone::Bad);
            }
            Some(Fetch::Ready(vs)) => {
                d.heading(format!("Versions ({}), newest first", vs.len()));
                for v in vs {
                    d.blank();
                    let mut head = format!("Version {}", v.number);
                    if v.is_default {
                        head.push_str("  (default)");
                    }
                    if v.number == t.latest_version {
                        head.push_str("  ($Latest)");
                    }
                    d.line(head, Tone::Heading);
                    let dash = |s: &str| {
                        if s.is_empty() {
                            "-".to_string()
                        } else {
                            s.to_string()
                        }
                    };
                    d.kv("  Description", dash(&v.description))
                        .kv("  Created", v.created.map(fmt_time).unwrap_or_default())
                        .kv("  AMI", dash(&v.data.image_id))
                        .kv("  Instance type", dash(&v.data.instance_type))
                        .kv("  Key pair", dash(&v.data.key_name))
                        .kv("  Groups", v.data.security_group_ids.join(", "));
                    match v.data.user_data.as_deref() {
                        Some(u) if !u.is_empty() => {
                            d.line("  User data:", Tone::Muted);
                            for l in u.lines() {
                                d.text(format!("    {l}"));
                            }
                        }
                        _ => {
                            d.kv("  User data", "");
                        }
                    }
                }
            }
        }
        Some(d.done())
    }

    fn on_form(&mut self, tag: &FormTag, ev: FormEvent, cx: &mut Cx) -> Vec<Effect> {
        if tag.get::<LaunchTag>().is_some() {
            return match ev {
                FormEvent::Submit => self.launcher.submit(ID, cx),
                FormEvent::Changed(label) => {
                    self.launcher.on_changed(label, cx);
                    vec![]
                }
            };
        }
        let Some(t) = tag.get::<TemplateForm>() else {
            return vec![];
        };
        match (ev, t) {
            (FormEvent::Submit, t) => self.submit(t, cx),
            (FormEvent::Changed(F_FROM), TemplateForm::NewVersion { t }) => {
                let n = cx
                    .form()
                    .and_then(|f| f.field(F_FROM).get().parse::<i64>().ok());
                let v = self
                    .versions_of(&t.id)
                    .and_then(|vs| vs.iter().find(|v| Some(v.number) == n))
                    .cloned();
                if let (Some(v), Some(form)) = (v, cx.form_mut()) {
                    fill_from(form, &v);
                }
                vec![]
            }
            _ => vec![],
        }
    }

    fn on_loaded(&mut self, req: u64, data: Box<dyn Any + Send>, cx: &mut Cx) -> Vec<Effect> {
        let data = match data.downcast::<OptionsLoaded>() {
            Ok(o) => {
                self.launcher.on_options(o.0, cx);
                return vec![];
            }
            Err(d) => d,
        };
        let Ok(got) = data.downcast::<Got>() else {
            return vec![];
        };
        match *got {
            Got::Page(page) => {
                cx.page(&mut self.list, req, page, "launch templates");
                if let Some(id) = self.pending_select.clone()
                    && self.list.get(&id).is_some()
                {
                    let h = cx.table_rows();
                    self.list.select_id(&id, h);
                    self.pending_select = None;
                }
                vec![]
            }
            Got::Image(what, images) => {
                let (t, v) = *what;
                // still the form that asked
                let asking = matches!(cx.form_tag::<TemplateForm>(), Some(TemplateForm::PickLaunch { t: x }) if x.id == t.id);
                if !asking {
                    return vec![];
                }
                let arch = match images {
                    Ok(imgs) => imgs
                        .into_iter()
                        .find(|i| i.id == v.data.image_id)
                        .map(|i| i.architecture)
                        .unwrap_or_default(),
                    // an AMI that cannot be read: every type is offered, EC2 checks
                    Err(_) => String::new(),
                };
                self.open_launch(&t, &v, arch, cx)
            }
            Got::Versions(id, result) => {
                if self.versions.get(&id).map(|(r, _)| *r) != Some(req) {
                    return vec![]; // an older request's answer
                }
                let fetch = match result {
                    Ok(v) => Fetch::Ready(v),
                    Err(e) => {
                        let text = e.describe();
                        if self.waiting.as_ref().is_some_and(|(w, _)| *w == id) {
                            self.waiting = None;
                            cx.error_with_hint("cannot read the template's versions", &e);
                        }
                        Fetch::Failed(text)
                    }
                };
                let ready = matches!(fetch, Fetch::Ready(_));
                self.versions.insert(id.clone(), (req, fetch));
                if ready
                    && let Some((w, want)) = self.waiting.clone()
                    && w == id
                {
                    self.waiting = None;
                    if cx.dialog.is_none()
                        && let Some(t) = self.list.get(&id).cloned()
                    {
                        cx.info("");
                        return self.open(want, &t, cx);
                    }
                }
                vec![]
            }
        }
    }

    fn on_done(
        &mut self,
        _req: u64,
        results: Vec<(Op, ApiResult<Outcome>)>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        let mut fx = Vec::new();
        for (op, result) in results {
            if let Some(call) = op.get::<RunInstances>() {
                fx.extend(self.launcher.on_done(ID, call, result, cx));
                continue;
            }
            let form_open = cx.form_tag::<TemplateForm>().is_some();
            match &result {
                Err(e) => {
                    let text = cx.with_hint(&e.failed(&op.describe()), e);
                    if form_open {
                        fx.extend(cx.form_error(text.clone()));
                        cx.log(crate::app::Level::Error, &text);
                    } else {
                        cx.error(text);
                    }
                }
                Ok(out) => {
                    if form_open {
                        cx.dialog = None;
                    }
                    if let Some(c) = op.get::<CreateTemplateVersion>() {
                        let n = match out {
                            Outcome::Created(n) => n.parse::<i64>().ok(),
                            _ => None,
                        };
                        cx.ok(format!(
                            "created version {} of launch template {}",
                            n.map(|n| n.to_string()).unwrap_or_else(|| "?".into()),
                            c.template_name
                        ));
                        self.versions.remove(&c.template_id);
                        self.pending_select = Some(c.template_id.clone());
                        if c.make_default
                            && let Some(n) = n
                        {
                            fx.extend(cx.call(
                                ID,
                                vec![Op::new(SetDefaultVersion {
                                    template_id: c.template_id.clone(),
                                    template_name: c.template_name.clone(),
                                    version: n,
                                })],
                            ));
                        }
                    } else {
                        if let Outcome::Created(id) = out {
                            self.pending_select = Some(id.clone());
                        }
                        cx.ok(op.describe());
                        for id in [
                            op.get::<SetDefaultVersion>().map(|s| &s.template_id),
                            op.get::<DeleteTemplateVersions>().map(|s| &s.template_id),
                        ]
                        .into_iter()
                        .flatten()
                        {
                            self.versions.remove(id);
                        }
                    }
                }
            }
        }
        fx.extend(self.refresh(cx));
        // an open details view shows the new versions
        if let Some(Dialog::Details { pane: ID, id, .. }) = &cx.dialog {
            let id = id.clone();
            fx.extend(self.fetch_versions(&id, cx));
        }
        fx
    }

    fn on_ask(&mut self, ask: &Ask, cx: &mut Cx) -> Option<Vec<Effect>> {
        match ask {
            Ask::CreateTemplateFrom(i) => Some(self.propose_from_instance(i.clone(), cx)),
            _ => None,
        }
    }

    fn on_fact(&mut self, fact: &Fact, cx: &mut Cx) -> Vec<Effect> {
        match fact {
            Fact::TemplatesChanged => {
                self.versions.clear();
                if *self.list.load() == crate::app::Load::Idle {
                    vec![]
                } else {
                    self.refresh(cx)
                }
            }
            Fact::TemplatesInUse(m) => {
                self.in_use = Usage::Known(m.clone());
                vec![]
            }
            Fact::TemplateUsageUnknown(why) => {
                self.in_use = Usage::Unknown(why.clone());
                vec![]
            }
            _ => vec![],
        }
    }
}
