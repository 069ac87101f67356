//! The launch templates pane's forms: a new version, the default version, launching from a
//! version (the shared launch form, prefilled), deleting, a template from an instance.

use super::*;

pub(super) fn version_label(v: &TemplateVersion) -> String {
    let mut s = format!("version {}", v.number);
    if v.is_default {
        s.push_str(" (default)");
    }
    if !v.description.is_empty() {
        s.push_str(&format!(" — {}", v.description));
    }
    s
}

pub(super) fn version_opts(vs: &[TemplateVersion]) -> Vec<Opt> {
    vs.iter()
        .map(|v| Opt::new(v.number.to_string(), version_label(v)))
        .collect()
}

/// Sets a text field's value.
pub(super) fn set_text(form: &mut Form, label: &str, value: &str) {
    let f = form.field_mut(label);
    f.value = match f.value {
        FieldValue::Area(_) => FieldValue::Area(value.to_string()),
        _ => FieldValue::Text(tui_input::Input::new(value.to_string())),
    };
}

/// Fills the settings fields of the new version form from a version.
pub(super) fn fill_from(form: &mut Form, v: &TemplateVersion) {
    set_text(form, F_AMI, &v.data.image_id);
    set_text(form, F_TYPE, &v.data.instance_type);
    set_text(form, F_KEY, &v.data.key_name);
    set_text(form, F_GROUPS, &v.data.security_group_ids.join(", "));
    set_text(form, F_USER_DATA, v.data.user_data.as_deref().unwrap_or(""));
}

impl TemplatesPane {
    /// Runs `want` on the selected template once its versions are here.
    pub(super) fn with_versions(&mut self, want: Want, cx: &mut Cx) -> Vec<Effect> {
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

    pub(super) fn open(&mut self, want: Want, t: &LaunchTemplate, cx: &mut Cx) -> Vec<Effect> {
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

    pub(super) fn propose_from_instance(&mut self, inst: Instance, cx: &mut Cx) -> Vec<Effect> {
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

    /// The shared launch form, prefilled with a version's settings.
    pub(super) fn open_launch(
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
                crate::panes::kit::launch::F_USER_DATA,
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
