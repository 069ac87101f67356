//! The launch configurations pane (`:launchconfigs`, `:lc`): the legacy way Auto Scaling
//! groups say how to launch (seed 002's "Launch Configurations"). Name, AMI, type, key,
//! created, the groups using it. `Enter`: details with the decoded user data. `Ctrl-d`
//! deletes one no group uses (typed `delete`; one in use is refused, naming the groups, before
//! any call). `m` migrates one to a launch template with the same settings, as the console's
//! "copy to launch template" does. ec2tui creates no launch configurations (accounts created
//! since October 2024 cannot, and AWS adds no new instance types to them): `n`, the empty table,
//! the details and help say so and where to go instead.

use std::any::Any;
use std::cmp::Ordering;
use std::collections::HashMap;

use crate::app::{
    ActionSpec, Collection, Column, Cx, DetailsView, Dialog, Effect, Field, Form, FormEvent,
    FormTag, Job, Pane, PaneSpec, Resource, Shared, TableOps, Tone, age,
};
use crate::app::{Ask, Fact};
use crate::aws::ops::*;
use crate::aws::{
    ApiResult, LaunchConfiguration, Op, Outcome, Page, TemplateData, TemplateSpec, fmt_time,
};

pub const ID: &str = "launch_configs";

/// Why `n` creates nothing.
pub const NO_NEW: &str = "AWS no longer allows new launch configurations (new accounts, since 2024-10): use :templates, or m to copy one";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Name,
    Ami,
    Type,
    Key,
    UsedBy,
    Created,
}

/// A launch configuration with the groups using it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigRow {
    pub lc: LaunchConfiguration,
    pub used_by: Vec<String>,
}

const COLUMNS: &[(Col, Column)] = &[
    (Col::Name, Column::new("Name", 28, 10)),
    (Col::Ami, Column::new("AMI", 21, 12)),
    (Col::Type, Column::new("Type", 11, 6)),
    (Col::Key, Column::new("Key", 12, 4)),
    (Col::UsedBy, Column::new("Used by", 24, 6)),
    (Col::Created, Column::new("Created", 8, 7)),
];

impl Resource for ConfigRow {
    type Col = Col;

    fn id(&self) -> &str {
        &self.lc.name
    }
    fn columns() -> &'static [(Col, Column)] {
        COLUMNS
    }
    fn cell(&self, col: Col, now: i64) -> (String, Tone) {
        let dash = |s: &str| {
            if s.is_empty() {
                ("-".to_string(), Tone::Muted)
            } else {
                (s.to_string(), Tone::Normal)
            }
        };
        match col {
            Col::Name => (self.lc.name.clone(), Tone::Normal),
            Col::Ami => dash(&self.lc.image_id),
            Col::Type => dash(&self.lc.instance_type),
            Col::Key => dash(&self.lc.key_name),
            Col::UsedBy => {
                if self.used_by.is_empty() {
                    ("-".into(), Tone::Muted)
                } else {
                    (self.used_by.join(", "), Tone::Accent)
                }
            }
            Col::Created => (age(self.lc.created, now), Tone::Normal),
        }
    }
    fn compare(&self, other: &Self, col: Col) -> Ordering {
        match col {
            Col::Name => crate::app::cmp_ci(&self.lc.name, &other.lc.name),
            Col::Created => self.lc.created.cmp(&other.lc.created),
            c => self.cell(c, 0).0.cmp(&other.cell(c, 0).0),
        }
    }
    fn filter_text(&self) -> String {
        format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.lc.name,
            self.lc.image_id,
            self.lc.instance_type,
            self.lc.key_name,
            self.used_by.join(" ")
        )
        .to_lowercase()
    }
}

pub const F_NAME: &str = "Template name";
pub const F_DESCRIPTION: &str = "Description";
pub const F_CONFIRM: &str = super::kit::F_DELETE;

#[derive(Debug, Clone)]
enum LcForm {
    Delete { name: String },
    Migrate { lc: Box<LaunchConfiguration> },
}

enum Got {
    Page(ApiResult<Page<LaunchConfiguration>>),
}

const ACTIONS: &[ActionSpec] = &[
    ActionSpec::new(
        "migrate_to_template",
        "migrate to a launch template (same settings)",
        "migrate",
    )
    .mutating(),
    ActionSpec::new(
        "delete_launch_config",
        "delete the launch configuration",
        "delete",
    )
    .mutating(),
    ActionSpec::new(
        "new_launch_config",
        "new launch configuration: AWS no longer allows it (why, and what instead)",
        "new?",
    ),
];

pub static SPEC: PaneSpec = PaneSpec {
    id: ID,
    title: "Launch configurations pane",
    focus: "launch configurations pane (legacy)",
    one: "launch configuration",
    commands: &["launchconfigs", "lc", "launchconfig"],
    number: None,
    actions: ACTIONS,
    footer: &[
        "details",
        "filter",
        "migrate_to_template",
        "delete_launch_config",
        "new_launch_config",
        "refresh",
        "help",
        "quit",
    ],
};

pub struct LaunchConfigsPane {
    pub list: Collection<ConfigRow>,
    /// Launch configuration → the groups using it, as the Auto Scaling pane last said.
    in_use: HashMap<String, Vec<String>>,
}

impl Default for LaunchConfigsPane {
    fn default() -> Self {
        let mut list = Collection::default();
        list.set_sort(Col::Name, false);
        Self {
            list,
            in_use: HashMap::new(),
        }
    }
}

impl LaunchConfigsPane {
    fn selected(&mut self, cx: &mut Cx) -> Option<ConfigRow> {
        self.list.refresh_view();
        let r = self.list.selected().cloned();
        if r.is_none() {
            cx.error("no launch configuration selected");
        }
        r
    }

    fn propose_delete(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(r) = self.selected(cx) else {
            return vec![];
        };
        if !r.used_by.is_empty() {
            cx.error(format!(
                "launch configuration {} is used by Auto Scaling group{} {}: switch {} to a launch template first (m migrates this one; v in :asg switches); nothing was sent",
                r.lc.name,
                if r.used_by.len() == 1 { "" } else { "s" },
                r.used_by.join(", "),
                if r.used_by.len() == 1 { "it" } else { "them" }
            ));
            return vec![];
        }
        let mut form = Form::new(
            format!("Delete launch configuration {}", r.lc.name),
            vec![Field::text(F_CONFIRM, "")],
        );
        form.danger = true;
        form.intro.push(format!(
            "Delete launch configuration {} ({}, {}). No listed group uses it.",
            r.lc.name, r.lc.image_id, r.lc.instance_type
        ));
        form.intro.push(
            "ec2tui cannot make it again (AWS no longer allows new launch configurations for new accounts): m copies it into a launch template first."
                .into(),
        );
        cx.open_form(ID, form, FormTag::new(LcForm::Delete { name: r.lc.name }));
        vec![]
    }

    fn propose_migrate(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(r) = self.selected(cx) else {
            return vec![];
        };
        let name: String =
            r.lc.name
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
            format!("Launch template from {}", r.lc.name),
            vec![
                Field::text(F_NAME, &name),
                Field::text(
                    F_DESCRIPTION,
                    &format!("migrated from launch configuration {}", r.lc.name),
                ),
            ],
        );
        form.intro.push(format!(
            "A launch template with its settings: AMI {}, {}, key {}, groups {}, user data.",
            r.lc.image_id,
            r.lc.instance_type,
            if r.lc.key_name.is_empty() {
                "none"
            } else {
                &r.lc.key_name
            },
            r.lc.security_groups.join(", ")
        ));
        if !r.used_by.is_empty() {
            form.intro.push(format!(
                "Then point {} at it with v in :asg; the configuration stays until deleted.",
                r.used_by.join(", ")
            ));
        }
        cx.open_form(
            ID,
            form,
            FormTag::new(LcForm::Migrate { lc: Box::new(r.lc) }),
        );
        vec![]
    }

    fn submit(&mut self, tag: &LcForm, cx: &mut Cx) -> Vec<Effect> {
        let Some(form) = cx.form().cloned() else {
            return vec![];
        };
        let op = match tag {
            LcForm::Delete { name } => {
                if !cx.capturing() && form.field(F_CONFIRM).get() != "delete" {
                    return cx.form_error(
                        "type delete and press Ctrl-s or Enter to confirm; Esc cancels",
                    );
                }
                if let Some(g) = self.in_use.get(name).filter(|g| !g.is_empty()) {
                    return cx.form_error(format!(
                        "{name} is used by {}: nothing was sent",
                        g.join(", ")
                    ));
                }
                cx.dialog = None;
                Op::new(DeleteLaunchConfiguration { name: name.clone() })
            }
            LcForm::Migrate { lc } => {
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
                let op = Op::new(CreateTemplate {
                    name,
                    spec: TemplateSpec {
                        description: form.field(F_DESCRIPTION).get().trim().to_string(),
                        data: TemplateData {
                            image_id: lc.image_id.clone(),
                            instance_type: lc.instance_type.clone(),
                            key_name: lc.key_name.clone(),
                            security_group_ids: lc.security_groups.clone(),
                            user_data: lc.user_data.clone(),
                            instance_tags: vec![],
                        },
                    },
                    from: format!("launch configuration {}", lc.name),
                });
                if let Some(form) = cx.form_mut() {
                    form.error = None;
                    form.info = Some(format!("{}…", op.describe()));
                }
                op
            }
        };
        if op.is_destructive() {
            cx.info(format!("{}…", op.describe()));
        }
        cx.call(ID, vec![op])
    }
}

impl Pane for LaunchConfigsPane {
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
        "Launch configurations (legacy)".into()
    }
    fn noun(&self) -> &'static str {
        "launch configurations"
    }
    fn empty(&self, s: &Shared) -> String {
        format!(
            "No launch configurations in {}. ec2tui creates none (AWS no longer allows it for new accounts): use launch templates (:templates).",
            s.ctx.region
        )
    }

    fn refresh(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let job = Job::pages(
            "DescribeLaunchConfigurations",
            |api, token| Box::pin(async move { api.list_launch_configurations(token).await }),
            Got::Page,
        );
        let fx = cx.list(ID, &mut self.list, job);
        if !fx.is_empty() {
            // which groups use which: the Auto Scaling pane says (listing if never)
            cx.ask(Ask::ListGroups);
        }
        fx
    }

    fn on_action(&mut self, name: &'static str, cx: &mut Cx) -> Vec<Effect> {
        match name {
            "migrate_to_template" => self.propose_migrate(cx),
            "delete_launch_config" => self.propose_delete(cx),
            "new_launch_config" => {
                cx.error(NO_NEW);
                vec![]
            }
            _ => vec![],
        }
    }

    fn details(&self, id: &str, s: &Shared) -> Option<DetailsView> {
        let r = self.list.get(id)?;
        let lc = &r.lc;
        let mut d = DetailsView::build(format!("launch configuration {}", lc.name), 14);
        d.kv("Name", lc.name.clone())
            .kv("AMI", lc.image_id.clone())
            .kv("Instance type", lc.instance_type.clone())
            .kv("Key pair", lc.key_name.clone())
            .kv("Groups", lc.security_groups.join(", "))
            .kv("IAM profile", lc.iam_profile.clone())
            .kv(
                "Created",
                lc.created
                    .map(|c| format!("{} ({} ago)", fmt_time(c), age(Some(c), s.now)))
                    .unwrap_or_default(),
            )
            .kv("Used by", r.used_by.join(", "))
            .blank();
        match lc.user_data.as_deref() {
            Some(u) if !u.is_empty() => {
                d.heading("User data");
                for l in u.lines() {
                    d.text(format!("  {l}"));
                }
            }
            _ => {
                d.kv("User data", "");
            }
        }
        d.blank().line(
            "Legacy: AWS no longer allows new launch configurations for new accounts. m copies this one into a launch template.",
            Tone::Muted,
        );
        Some(d.done())
    }

    fn on_form(&mut self, tag: &FormTag, ev: FormEvent, cx: &mut Cx) -> Vec<Effect> {
        let Some(t) = tag.get::<LcForm>() else {
            return vec![];
        };
        match ev {
            FormEvent::Submit => self.submit(t, cx),
            FormEvent::Changed(_) => vec![],
        }
    }

    fn on_loaded(&mut self, req: u64, data: Box<dyn Any + Send>, cx: &mut Cx) -> Vec<Effect> {
        let Ok(got) = data.downcast::<Got>() else {
            return vec![];
        };
        let Got::Page(page) = *got;
        let rows = page.map(|p| Page {
            items: p
                .items
                .into_iter()
                .map(|lc| ConfigRow {
                    used_by: self.in_use.get(&lc.name).cloned().unwrap_or_default(),
                    lc,
                })
                .collect(),
            next_token: p.next_token,
        });
        cx.page(&mut self.list, req, rows, "launch configurations");
        vec![]
    }

    fn on_done(
        &mut self,
        _req: u64,
        results: Vec<(Op, ApiResult<Outcome>)>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        let form_open = cx.form_tag::<LcForm>().is_some();
        for (op, result) in results {
            match &result {
                Err(e) => {
                    let text = cx.with_hint(&e.failed(&op.describe()), e);
                    if form_open {
                        cx.log(crate::app::Level::Error, &text);
                        return cx.form_error(text);
                    }
                    cx.error(text);
                }
                Ok(out) => {
                    if form_open {
                        cx.dialog = None;
                    }
                    match (op.get::<CreateTemplate>(), out) {
                        (Some(c), Outcome::Created(id)) => {
                            cx.ok(format!(
                                "created launch template {} ({id}) from {}; v in :asg points a group at it",
                                c.name, c.from
                            ));
                            cx.tell(Fact::TemplatesChanged);
                        }
                        _ => cx.ok(op.describe()),
                    }
                }
            }
        }
        self.refresh(cx)
    }

    fn on_fact(&mut self, fact: &Fact, _cx: &mut Cx) -> Vec<Effect> {
        if let Fact::ConfigsInUse(m) = fact {
            self.in_use = m.clone();
            let ids: Vec<String> = self.list.ids().map(str::to_string).collect();
            for id in ids {
                let used = self.in_use.get(&id).cloned().unwrap_or_default();
                self.list.update(&id, |r| r.used_by = used);
            }
        }
        vec![]
    }

    fn on_details(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.list.refresh_view();
        match self.list.selected_id() {
            Some(id) => {
                cx.dialog = Some(Dialog::Details {
                    pane: ID,
                    id: id.to_string(),
                    scroll: 0,
                })
            }
            None => cx.error("no launch configuration selected"),
        }
        vec![]
    }
}
