//! The Auto Scaling pane's forms and their submits: capacity, template and version, instance refresh (start, cancel), delete, terminate in the group.

use super::*;

pub(super) fn parse_capacity(s: &str, what: &str) -> Result<i32, String> {
    s.trim()
        .parse::<i32>()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or_else(|| format!("{what} must be a whole number, 0 or more"))
}

/// Checks a capacity before any call: min ≤ desired ≤ max.
pub fn check_capacity(min: i32, desired: i32, max: i32) -> Result<(), String> {
    if min > max {
        return Err(format!("min ({min}) is above max ({max})"));
    }
    if desired < min {
        return Err(format!("desired ({desired}) is below min ({min})"));
    }
    if desired > max {
        return Err(format!("desired ({desired}) is above max ({max})"));
    }
    Ok(())
}

impl AutoScalingPane {
    pub(super) fn propose_capacity(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(r) = self.selected(cx) else {
            return vec![];
        };
        let g = &r.g;
        let mut form = Form::new(
            format!("Capacity of {}", g.name),
            vec![
                Field::text(F_MIN, &g.min.to_string()),
                Field::text(F_DESIRED, &g.desired.to_string()),
                Field::text(F_MAX, &g.max.to_string()),
            ],
        );
        form.intro.push(format!(
            "Now min {}, desired {}, max {}; {} in service. Min ≤ desired ≤ max.",
            g.min,
            g.desired,
            g.max,
            r.in_service()
        ));
        cx.open_form(
            ID,
            form,
            FormTag::new(AsgForm::Capacity {
                group: g.name.clone(),
            }),
        );
        vec![]
    }

    /// `v`: the templates are read afresh (one may have just been made), then the form.
    pub(super) fn propose_template(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(r) = self.selected(cx) else {
            return vec![];
        };
        self.waiting = Some((r.g.name.clone(), Want::Template));
        cx.info("reading the launch templates…");
        vec![self.fetch_templates(cx)]
    }

    pub(super) fn open_template(&mut self, group: &str, cx: &mut Cx) -> Vec<Effect> {
        let Some(r) = self.list.get(group).cloned() else {
            return vec![];
        };
        let mut tpls: Vec<&LaunchTemplate> = self.templates.values().collect();
        tpls.sort_by(|a, b| a.name.cmp(&b.name));
        if tpls.is_empty() {
            cx.error("no launch templates listed (yet): press Ctrl-r, or make one in :templates");
            return vec![];
        }
        let current = r.g.template.as_ref();
        let opts: Vec<Opt> = tpls
            .iter()
            .map(|t| {
                Opt::new(
                    &t.id,
                    format!(
                        "{}  ({}; default {}, latest {})",
                        t.name, t.id, t.default_version, t.latest_version
                    ),
                )
            })
            .collect();
        let sel = current
            .and_then(|c| tpls.iter().position(|t| t.id == c.id))
            .unwrap_or(0);
        let mut form = Form::new(
            format!("Launch template of {}", r.g.name),
            vec![
                Field::choice(F_TEMPLATE, opts, Some(sel)),
                Field::text(
                    F_VERSION,
                    current.map(|c| c.version.as_str()).unwrap_or("$Default"),
                )
                .with_help("$Latest, $Default, or a version number"),
            ],
        );
        form.intro.push(format!(
            "Now: {}. Members keep running what they were launched with; {}",
            r.launches_from(),
            "new ones (and replacements) get the new choice."
        ));
        cx.open_form(
            ID,
            form,
            FormTag::new(AsgForm::Template {
                group: r.g.name.clone(),
            }),
        );
        vec![]
    }

    pub(super) fn propose_refresh(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(r) = self.selected(cx) else {
            return vec![];
        };
        let mut form = Form::new(
            format!("Instance refresh of {}", r.g.name),
            vec![Field::text(F_MIN_HEALTHY, "90")],
        );
        form.intro.push(format!(
            "AWS replaces the {} members a few at a time, keeping at least this share in service and healthy.",
            r.g.members.len()
        ));
        cx.open_form(
            ID,
            form,
            FormTag::new(AsgForm::Refresh {
                group: r.g.name.clone(),
            }),
        );
        vec![]
    }

    /// `X`: the group's refreshes are read afresh, then the confirmation shows the running
    /// one's status and percentage.
    pub(super) fn propose_cancel(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(r) = self.selected(cx) else {
            return vec![];
        };
        self.waiting = Some((r.g.name.clone(), Want::Cancel));
        cx.info(format!("reading the instance refreshes of {}…", r.g.name));
        self.fetch_extra(&r.g.name, cx)
    }

    pub(super) fn open_cancel(&mut self, group: &str, cx: &mut Cx) -> Vec<Effect> {
        let running = self.list.get(group).and_then(|r| r.refresh.clone());
        match running.filter(|r| r.running()) {
            Some(_) => {
                let mut c = Confirm::new(
                    ID,
                    "Cancel instance refresh",
                    vec![Op::new(CancelRefresh {
                        group: group.to_string(),
                    })],
                );
                c.progress = format!("cancelling the instance refresh of {group}…");
                cx.dialog = Some(Dialog::Confirm(c));
            }
            None => cx.error(format!(
                "no instance refresh is running in {group} (R starts one)"
            )),
        }
        vec![]
    }

    pub(super) fn propose_delete(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(r) = self.selected(cx) else {
            return vec![];
        };
        let members: Vec<String> =
            r.g.members
                .iter()
                .filter(|m| m.lifecycle != "Terminated")
                .map(|m| m.instance_id.clone())
                .collect();
        let mut fields = vec![];
        if !members.is_empty() {
            fields.push(
                Field::toggle(force_label(members.len()), false)
                    .with_help("ForceDelete: the instances listed above are terminated"),
            );
        }
        fields.push(Field::text(F_CONFIRM, ""));
        let mut form = Form::new(format!("Delete group {}", r.g.name), fields);
        form.danger = true;
        form.intro.push(format!(
            "Delete Auto Scaling group {} ({}; min {}, desired {}, max {}).",
            r.g.name,
            r.launches_from(),
            r.g.min,
            r.g.desired,
            r.g.max
        ));
        if members.is_empty() {
            form.intro.push("It has no instances.".into());
        } else {
            form.intro.push(format!(
                "It has {} instance{}; it is refused unless they are terminated too:",
                members.len(),
                if members.len() == 1 { "" } else { "s" }
            ));
            for m in r.g.members.iter().take(12) {
                let name = self.names.get(&m.instance_id).cloned().unwrap_or_default();
                form.intro.push(format!(
                    "  {}  {}  {}",
                    Target::new(m.instance_id.clone(), name).label(),
                    m.az,
                    m.lifecycle
                ));
            }
            if members.len() > 12 {
                form.intro
                    .push(format!("  and {} more", members.len() - 12));
            }
        }
        cx.open_form(
            ID,
            form,
            FormTag::new(AsgForm::Delete {
                group: r.g.name.clone(),
                members,
            }),
        );
        vec![]
    }

    pub(super) fn submit(&mut self, tag: &AsgForm, cx: &mut Cx) -> Vec<Effect> {
        let Some(form) = cx.form().cloned() else {
            return vec![];
        };
        let op = match tag {
            AsgForm::Capacity { group } => {
                let parsed = (|| {
                    Ok::<_, String>((
                        parse_capacity(&form.field(F_MIN).get(), "min")?,
                        parse_capacity(&form.field(F_DESIRED).get(), "desired")?,
                        parse_capacity(&form.field(F_MAX).get(), "max")?,
                    ))
                })();
                let (min, desired, max) = match parsed {
                    Ok(x) => x,
                    Err(e) => return cx.form_error(format!("{e} (nothing was sent)")),
                };
                if let Err(e) = check_capacity(min, desired, max) {
                    return cx.form_error(format!("{e}: min ≤ desired ≤ max (nothing was sent)"));
                }
                Op::new(SetCapacity {
                    group: group.clone(),
                    min,
                    desired,
                    max,
                })
            }
            AsgForm::Template { group } => {
                let id = form.field(F_TEMPLATE).get();
                let Some(t) = self.templates.get(&id) else {
                    return cx.form_error("choose a launch template");
                };
                let version = form.field(F_VERSION).get().trim().to_string();
                let ok = match version.as_str() {
                    "$Latest" | "$Default" => true,
                    n => n
                        .parse::<i64>()
                        .is_ok_and(|n| n >= 1 && n <= t.latest_version),
                };
                if !ok {
                    return cx.form_error(format!(
                        "the version is $Latest, $Default, or a number from 1 to {} (nothing was sent)",
                        t.latest_version
                    ));
                }
                Op::new(SetGroupTemplate {
                    group: group.clone(),
                    template_id: t.id.clone(),
                    template_name: t.name.clone(),
                    version,
                })
            }
            AsgForm::Refresh { group } => {
                let Some(p) = form
                    .field(F_MIN_HEALTHY)
                    .get()
                    .trim()
                    .parse::<i32>()
                    .ok()
                    .filter(|p| (0..=100).contains(p))
                else {
                    return cx.form_error("the minimum healthy percentage is 0 to 100");
                };
                Op::new(StartRefresh {
                    group: group.clone(),
                    min_healthy: p,
                })
            }
            AsgForm::Delete { group, members } => {
                let force = form
                    .fields
                    .iter()
                    .find(|f| f.label.starts_with(F_FORCE))
                    .is_some_and(Field::on);
                if !members.is_empty() && !force {
                    return cx.form_error(format!(
                        "{group} has {} instance{}: tick \"{}\" to delete it with them (nothing was sent)",
                        members.len(),
                        if members.len() == 1 { "" } else { "s" },
                        force_label(members.len())
                    ));
                }
                if !cx.capturing() && form.field(F_CONFIRM).get() != "delete" {
                    return cx.form_error(
                        "type delete and press Ctrl-s or Enter to confirm; Esc cancels",
                    );
                }
                Op::new(DeleteGroup {
                    group: group.clone(),
                    force,
                    instances: members.clone(),
                })
            }
            AsgForm::Rollout(rf) => return self.submit_rollout(rf, &form, cx),
        };
        if op.is_destructive() {
            cx.dialog = None;
            cx.info(format!("{}…", op.describe()));
        } else if let Some(form) = cx.form_mut() {
            form.error = None;
            form.info = Some(format!("{}…", op.describe()));
        }
        cx.call(ID, vec![op])
    }

    pub(super) fn propose_terminate_in_group(
        &mut self,
        members: Vec<(Target, String)>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        // the groups' minimum, where known, is checked before any call
        let mut per_group: BTreeMap<String, i32> = BTreeMap::new();
        for (_, g) in &members {
            *per_group.entry(g.clone()).or_default() += 1;
        }
        for (g, n) in &per_group {
            if let Some(r) = self.list.get(g)
                && r.g.desired - n < r.g.min
            {
                cx.error(format!(
                    "{g}: desired {} less {n} would be below its min {}: lower its min first (e in :asg); nothing was sent",
                    r.g.desired, r.g.min
                ));
                return vec![];
            }
        }
        let ops: Vec<Op> = members
            .into_iter()
            .map(|(t, g)| {
                Op::new(TerminateInGroup {
                    instance: t,
                    group: g,
                    decrement: true,
                })
            })
            .collect();
        let n = ops.len();
        let mut c = Confirm::new(ID, "Terminate in group", ops);
        c.typed = Some("terminate");
        c.progress = format!(
            "terminating {n} member{} in their groups…",
            if n == 1 { "" } else { "s" }
        );
        cx.dialog = Some(Dialog::Confirm(c));
        vec![]
    }

    // ---- the rollout ----
}
