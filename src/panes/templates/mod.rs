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

mod actions;
mod details;
mod fetch;
mod forms;
mod rows;
use forms::*;
pub use rows::*;

pub const ID: &str = "templates";

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
        self.details_view(id, s)
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
        self.loaded(req, data, cx)
    }

    fn on_done(
        &mut self,
        _req: u64,
        results: Vec<(Op, ApiResult<Outcome>)>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        self.done(_req, results, cx)
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
