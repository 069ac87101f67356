//! The rollout (`u`) as the pane drives it: the form, the confirmation, each step sent as the
//! state machine (`rollout.rs`) asks, each answer and each new description fed back.

use super::*;
use crate::aws::{CliLine, Word, argv};

impl AutoScalingPane {
    pub(super) fn propose_rollout(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(r) = self.selected(cx) else {
            return vec![];
        };
        if self.rollouts.get(&r.g.name).is_some_and(Rollout::is_active) {
            cx.error(format!(
                "a rollout of {} is running: Enter shows it, Esc there stops it after the current member",
                r.g.name
            ));
            return vec![];
        }
        let Some(t) = r.g.template.clone() else {
            cx.error(format!(
                "{} launches from launch configuration {}: switch it to a launch template first (v, or m in :launchconfigs)",
                r.g.name, r.g.launch_configuration
            ));
            return vec![];
        };
        self.waiting = Some((r.g.name.clone(), Want::Rollout));
        cx.info(format!(
            "reading the user data of {} {}…",
            t.name, t.version
        ));
        let (id, group) = (t.id.clone(), r.g.name.clone());
        let job = Job::once(format!("DescribeLaunchTemplateVersions {id}"), move |api| {
            Box::pin(async move { Got::Versions(group, api.template_versions(id).await) })
        });
        vec![cx.fetch(ID, job).1]
    }

    pub(super) fn open_rollout(&mut self, group: &str, vs: Vec<TemplateVersion>, cx: &mut Cx) {
        let Some(r) = self.list.get(group).cloned() else {
            return;
        };
        let Some(t) = r.g.template.clone() else {
            return;
        };
        let latest = vs.iter().map(|v| v.number).max().unwrap_or(0);
        let number = match t.version.as_str() {
            "$Latest" | "" => Some(latest),
            "$Default" => vs.iter().find(|v| v.is_default).map(|v| v.number),
            n => n.parse().ok(),
        };
        let Some(v) = number.and_then(|n| vs.iter().find(|v| v.number == n)) else {
            cx.error(format!(
                "version {} of {} is not there (deleted?): switch the group with v",
                t.version, t.name
            ));
            return;
        };
        // an interrupted rollout, or members on another version: offer to continue
        let mut old: Vec<String> = self
            .rollouts
            .get(group)
            .filter(|ro| !ro.is_active())
            .map(Rollout::remaining)
            .unwrap_or_default();
        old.retain(|id| {
            r.g.members
                .iter()
                .any(|m| &m.instance_id == id && !m.leaving())
        });
        for id in &r.old {
            if !old.contains(id) {
                old.push(id.clone());
            }
        }
        let mut fields = Vec::new();
        if !old.is_empty() {
            fields.push(
                Field::choice(
                    F_START,
                    vec![
                        Opt::new(
                            CONTINUE,
                            format!(
                                "continue: replace the {} old member{} (no new version)",
                                old.len(),
                                if old.len() == 1 { "" } else { "s" }
                            ),
                        ),
                        Opt::new(NEW_DATA, "new user data: a new version, then every member"),
                    ],
                    Some(0),
                )
                .with_help(format!("old: {}", old.join(", "))),
            );
        }
        fields.push(Field::area(
            F_USER_DATA,
            v.data.user_data.as_deref().unwrap_or(""),
        ));
        fields.push(Field::text(F_DESCRIPTION, "user data for the group"));
        fields.push(Field::choice(
            F_HOW,
            vec![
                Opt::new("one", "one at a time (never more than one out of service)"),
                Opt::new("refresh", "instance refresh (AWS replaces them)"),
                Opt::new("none", "don't replace (only new instances get it)"),
            ],
            Some(0),
        ));
        fields.push(Field::text(F_MIN_HEALTHY, "90").with_help("instance refresh only"));
        let mut form = Form::new(format!("New user data for {}", r.g.name), fields);
        let which = if t.version == v.number.to_string() {
            t.version.clone()
        } else {
            format!("{} (= {})", t.version, v.number)
        };
        form.intro.push(format!(
            "{} launches from {} version {which}. Ctrl-s: a new version of {} with this user data, the group switched to it, then the members replaced as chosen.",
            r.g.name, t.name, t.name
        ));
        form.intro.push(format!(
            "{} members, desired {}: one at a time never takes more than one out of service.",
            r.g.members.iter().filter(|m| !m.leaving()).count(),
            r.g.desired
        ));
        cx.open_form(
            ID,
            form,
            FormTag::new(AsgForm::Rollout(Box::new(RolloutForm {
                group: group.to_string(),
                template_id: t.id.clone(),
                template_name: t.name.clone(),
                source: v.number,
                old,
                user_data: v.data.user_data.clone().unwrap_or_default(),
            }))),
        );
    }

    pub(super) fn submit_rollout(
        &mut self,
        rf: &RolloutForm,
        form: &Form,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        let Some(row) = self.list.get(&rf.group).cloned() else {
            return cx.form_error("the group is gone: press Esc and Ctrl-r");
        };
        let how = match form.field(F_HOW).get().as_str() {
            "refresh" => {
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
                How::Refresh(p)
            }
            "none" => How::DontReplace,
            _ => How::OneAtATime,
        };
        let continuing = form.index_of(F_START).is_some() && form.field(F_START).get() == CONTINUE;
        if continuing && form.field(F_USER_DATA).get() != rf.user_data {
            return cx.form_error(
                "the user data was edited, but Start is \"continue\" (no new version): choose new user data in Start, or undo the edit",
            );
        }
        cx.dialog = None;
        if continuing {
            if how == How::DontReplace {
                cx.info("nothing to do: the members stay as they are");
                return vec![];
            }
            let ro = Rollout::resume(&rf.group, how, rf.old.clone());
            return self.confirm_rollout(ro, cx);
        }
        let user_data = form.field(F_USER_DATA).get();
        self.rollout_specs.insert(
            rf.group.clone(),
            CreateTemplateVersion {
                template_id: rf.template_id.clone(),
                template_name: rf.template_name.clone(),
                source: Some(rf.source),
                spec: TemplateSpec {
                    description: form.field(F_DESCRIPTION).get().trim().to_string(),
                    data: TemplateData {
                        user_data: Some(user_data),
                        ..Default::default()
                    },
                },
                make_default: false,
            },
        );
        let ro = Rollout::new(&row.g, how);
        self.confirm_rollout(ro, cx)
    }

    /// One confirmation for the whole rollout, naming every member it will replace; once
    /// given, the steps follow without asking again. Replacing members is destructive: the
    /// word `replace` is typed.
    pub(super) fn confirm_rollout(&mut self, ro: Rollout, cx: &mut Cx) -> Vec<Effect> {
        let replaces = ro.how != How::DontReplace && !ro.originals.is_empty();
        let mut c = Confirm::new(ID, format!("Roll out to {}", ro.group), vec![]);
        c.typed = if replaces {
            Some("replace")
        } else if cx.ctx.typed {
            Some(crate::app::TYPED_WORD)
        } else {
            None
        };
        c.danger = replaces;
        c.copy = self.runbook(&ro);
        cx.capture_runbook(c.copy.clone());
        c.then = Some(std::sync::Arc::new(StartRollout(ro)));
        cx.dialog = Some(Dialog::Confirm(c));
        vec![]
    }

    /// What the rollout's confirmation says: every step, every member it replaces.
    pub(super) fn rollout_body(&self, ro: &Rollout) -> ConfirmView {
        let group = self.list.get(&ro.group);
        let spec = self.rollout_specs.get(&ro.group);
        let mut steps = Vec::new();
        if ro.phase == Phase::CreatingVersion
            && let Some(s) = spec
        {
            steps.push(format!(
                "a new version of {} ({}) with the new user data{}, the group switched to it",
                s.template_name,
                s.template_id,
                s.source
                    .map(|v| format!(" (from version {v})"))
                    .unwrap_or_default()
            ));
        }
        let n = ro.originals.len();
        let members = format!("{n} member{}", if n == 1 { "" } else { "s" });
        let then = if steps.is_empty() {
            "its old"
        } else {
            "then its"
        };
        steps.push(match ro.how {
            How::OneAtATime => format!("{then} {members} replaced one at a time"),
            How::Refresh(p) => {
                format!("{then} {members} replaced by an instance refresh (at least {p}% healthy)")
            }
            How::DontReplace => "the members are not replaced".to_string(),
        });
        let summary = vec![vec![(
            format!("Roll out to {}: {}:", ro.group, steps.join("; ")),
            Tone::Normal,
        )]];
        let items: Vec<Line> = if ro.how == How::DontReplace {
            Vec::new()
        } else {
            ro.originals
                .iter()
                .map(|id| {
                    let name = self.names.get(id).map(String::as_str).unwrap_or("");
                    let state = group
                        .and_then(|r| r.g.members.iter().find(|m| &m.instance_id == id))
                        .map(|m| format!("  [{} {}] {}", m.lifecycle, m.health, m.az))
                        .unwrap_or_default();
                    let label = if name.is_empty() {
                        id.clone()
                    } else {
                        format!("{name} ({id})")
                    };
                    vec![(format!("  {label}{state}"), Tone::Normal)]
                })
                .collect()
        };
        let tail = match ro.how {
            How::OneAtATime => vec![vec![(
                "Each is terminated (TerminateInstanceInAutoScalingGroup, desired capacity kept) only while every member is in service and healthy, and the group launches its replacement: at most one is out at a time. Instance-store data and volumes deleted on termination go with it."
                    .into(),
                Tone::Bad,
            )]],
            How::Refresh(_) => vec![vec![(
                "AWS terminates and replaces them (StartInstanceRefresh); instance-store data and volumes deleted on termination go with them."
                    .into(),
                Tone::Bad,
            )]],
            How::DontReplace => vec![vec![(
                "Running members keep their user data until they are replaced.".into(),
                Tone::Muted,
            )]],
        };
        ConfirmView {
            summary,
            items,
            tail,
        }
    }

    pub(super) fn begin_rollout(&mut self, ro: Rollout, cx: &mut Cx) -> Vec<Effect> {
        let group = ro.group.clone();
        let first = ro.start();
        self.rollouts.insert(group.clone(), ro);
        self.follow(&group);
        let mut fx = self.perform(&group, first.clone(), cx);
        if first == Do::Wait {
            // replacing right away: on a fresh description of the group, never an old one
            fx.extend(self.poll(cx));
        }
        self.show_progress(&group);
        fx
    }

    /// A watch round failed; when the watch gives up, a rollout of a group no longer
    /// followed cannot go on (it waits on what it reads): it fails, saying why.
    pub(super) fn watch_failed(&mut self, what: &str, e: &crate::aws::ApiError, cx: &mut Cx) {
        let Some(gone) = self.watch.round_failed(what, e, cx) else {
            return;
        };
        for g in gone {
            if let Some(ro) = self.rollouts.get_mut(&g).filter(|r| r.is_active()) {
                ro.failed(format!(
                    "stopped: the group cannot be read any more ({})",
                    e.describe()
                ));
                self.show_progress(&g);
                self.report_end(&g, cx);
            }
        }
    }

    /// Describes the groups followed (a watch round), unless one is in flight.
    pub(super) fn poll(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let req = cx.req();
        let Some(items) = self.watch.due(req) else {
            return vec![];
        };
        let names: Vec<String> = items.into_iter().map(|(n, ())| n).collect();
        let job = Job::once(
            format!("DescribeAutoScalingGroups {}", names.join(",")),
            move |api| {
                Box::pin(async move {
                    let groups = api.describe_groups(names.clone()).await;
                    let mut refreshes = Vec::new();
                    for n in names {
                        let r = api.refreshes(n.clone()).await;
                        refreshes.push((n, r));
                    }
                    Got::Watched(groups, refreshes)
                })
            },
        );
        vec![Effect::Fetch { pane: ID, req, job }]
    }

    /// Sends the call the rollout asks for.
    pub(super) fn perform(&mut self, group: &str, step: Do, cx: &mut Cx) -> Vec<Effect> {
        let op = match step {
            Do::CreateVersion => match self.rollout_specs.get(group) {
                Some(spec) => Op::new(spec.clone()),
                None => return vec![],
            },
            Do::PointGroup(n) => {
                let Some(t) = self.list.get(group).and_then(|r| r.g.template.clone()) else {
                    return vec![];
                };
                Op::new(SetGroupTemplate {
                    group: group.to_string(),
                    template_id: t.id,
                    template_name: t.name,
                    version: n.to_string(),
                })
            }
            Do::StartRefresh(p) => Op::new(StartRefresh {
                group: group.to_string(),
                min_healthy: p,
            }),
            Do::Terminate(id) => {
                let name = self.names.get(&id).cloned().unwrap_or_default();
                Op::new(TerminateInGroup {
                    instance: Target::new(id, name),
                    group: group.to_string(),
                    decrement: false,
                })
            }
            Do::Wait => return vec![],
            Do::Over => {
                self.report_end(group, cx);
                return vec![];
            }
        };
        cx.info(format!("rollout of {group}: {}…", op.describe()));
        let fx = cx.call(ID, vec![op]);
        if fx.is_empty()
            && let Some(ro) = self.rollouts.get_mut(group)
        {
            // refused before sending (read-only)
            ro.failed("nothing was sent");
        }
        fx
    }

    pub(super) fn report_end(&mut self, group: &str, cx: &mut Cx) {
        let Some(ro) = self.rollouts.get(group) else {
            return;
        };
        match &ro.phase {
            Phase::Finished => cx.ok(format!("{group}: {}", ro.progress())),
            Phase::Stopped => cx.ok(format!(
                "{group}: {}; u continues with the {} left",
                ro.progress(),
                ro.remaining().len()
            )),
            Phase::Failed(why) => cx.error(format!("{group}: {} — {why}", ro.progress())),
            _ => {}
        }
    }

    pub(super) fn show_progress(&mut self, group: &str) {
        let p = self
            .rollouts
            .get(group)
            .map(Rollout::progress)
            .unwrap_or_default();
        self.list.update(group, |r| r.progress = p);
    }

    /// The group whose rollout made this call, if a rollout made it.
    pub(super) fn rollout_for(&self, op: &Op) -> Option<String> {
        if let Some(c) = op.get::<CreateTemplateVersion>() {
            return self
                .rollouts
                .iter()
                .find(|(g, r)| {
                    r.phase == Phase::CreatingVersion
                        && self
                            .rollout_specs
                            .get(*g)
                            .is_some_and(|s| s.template_id == c.template_id)
                })
                .map(|(g, _)| g.clone());
        }
        let group = group_of(op)?;
        let ro = self.rollouts.get(&group)?;
        let ours = if op.get::<SetGroupTemplate>().is_some() {
            ro.phase == Phase::PointingGroup
        } else if op.get::<StartRefresh>().is_some() {
            ro.phase == Phase::StartingRefresh
        } else if let Some(t) = op.get::<TerminateInGroup>() {
            ro.phase
                == Phase::Replacing {
                    current: Some(t.instance.id.clone()),
                }
        } else {
            false
        };
        ours.then_some(group)
    }

    /// A call of a rollout answered: the next step.
    pub(super) fn rollout_done(
        &mut self,
        group: String,
        op: &Op,
        result: &ApiResult<Outcome>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        let now = cx.now;
        let Some(ro) = self.rollouts.get_mut(&group) else {
            return vec![];
        };
        let step = match result {
            Err(e) => ro.failed(e.failed(&op.describe())),
            Ok(out) => {
                if op.get::<CreateTemplateVersion>().is_some() {
                    match out {
                        Outcome::Created(n) => match n.parse::<i64>() {
                            Ok(n) => ro.version_created(n),
                            Err(_) => ro.failed("the new version's number was not answered"),
                        },
                        _ => ro.failed("the new version's number was not answered"),
                    }
                } else if op.get::<SetGroupTemplate>().is_some() {
                    ro.group_pointed()
                } else if op.get::<StartRefresh>().is_some() {
                    ro.refresh_started()
                } else if let Some(t) = op.get::<TerminateInGroup>() {
                    ro.terminated(&t.instance.id, now)
                } else {
                    Do::Wait
                }
            }
        };
        let fx = self.perform(&group, step, cx);
        self.show_progress(&group);
        self.follow(&group);
        fx
    }

    /// The group was described again: a one-at-a-time rollout takes its next step.
    pub(super) fn rollout_observe(&mut self, g: &AutoScalingGroup, cx: &mut Cx) -> Vec<Effect> {
        let now = cx.now;
        let Some(ro) = self.rollouts.get_mut(&g.name) else {
            return vec![];
        };
        if !ro.is_active() {
            return vec![];
        }
        let step = ro.observe(g, now);
        let fx = self.perform(&g.name.clone(), step, cx);
        self.show_progress(&g.name);
        fx
    }
}

/// A rollout waiting for its confirmation.
pub(super) struct StartRollout(pub(super) Rollout);

/// The group an op of this pane acts on.
pub(super) fn group_of(op: &Op) -> Option<String> {
    if let Some(x) = op.get::<SetCapacity>() {
        return Some(x.group.clone());
    }
    if let Some(x) = op.get::<SetGroupTemplate>() {
        return Some(x.group.clone());
    }
    if let Some(x) = op.get::<TerminateInGroup>() {
        return Some(x.group.clone());
    }
    if let Some(x) = op.get::<StartRefresh>() {
        return Some(x.group.clone());
    }
    if let Some(x) = op.get::<CancelRefresh>() {
        return Some(x.group.clone());
    }
    if let Some(x) = op.get::<DeleteGroup>() {
        return Some(x.group.clone());
    }
    None
}

impl AutoScalingPane {
    /// The rollout as AWS CLI lines, what Ctrl-y copies of its confirmation and of the `u`
    /// form: the new template version (its number kept in `$v`), the group pointed at it, then
    /// the members replaced as the rollout replaces them (one at a time: terminated without
    /// lowering the desired capacity, waited for until gone, then until the group has as many
    /// members in service and healthy as it wants, as the rollout waits; or an instance
    /// refresh).
    pub(super) fn runbook(&self, ro: &Rollout) -> Vec<CliLine> {
        let group = ro.group.as_str();
        let mut lines = Vec::new();
        if ro.phase == Phase::CreatingVersion
            && let Some(spec) = self.rollout_specs.get(group)
            && let Some(create) = Op::new(spec.clone()).cli("").into_iter().next()
        {
            let mut line = vec![Word::Shell("v=\"$(")];
            line.extend(create);
            line.extend(argv(&[
                "--query",
                "LaunchTemplateVersion.VersionNumber",
                "--output",
                "text",
            ]));
            line.push(Word::Shell(")\""));
            lines.push(line);
            let mut point = argv(&[
                "autoscaling",
                "update-auto-scaling-group",
                "--auto-scaling-group-name",
                group,
                "--launch-template",
            ]);
            point.push(Word::Join(vec![
                Word::Arg(format!("LaunchTemplateId={},Version=", spec.template_id)),
                Word::Shell("\"$v\""),
            ]));
            lines.push(point);
        }
        match ro.how {
            How::DontReplace => {}
            How::Refresh(p) => lines.extend(
                Op::new(StartRefresh {
                    group: group.to_string(),
                    min_healthy: p,
                })
                .cli(""),
            ),
            How::OneAtATime => {
                let whole = "length(AutoScalingGroups[0].Instances[?LifecycleState=='InService' && HealthStatus=='Healthy']) >= AutoScalingGroups[0].DesiredCapacity";
                for m in &ro.originals {
                    lines.extend(
                        Op::new(TerminateInGroup {
                            instance: Target::new(m.clone(), ""),
                            group: group.to_string(),
                            decrement: false,
                        })
                        .cli(""),
                    );
                    lines.push(argv(&[
                        "ec2",
                        "wait",
                        "instance-terminated",
                        "--instance-ids",
                        m,
                    ]));
                    // in a subshell with a deadline (80 rounds, 20 minutes): a read that
                    // keeps failing ends the chain instead of looping for ever
                    let mut wait = vec![Word::Shell("( n=0; until [ \"$(")];
                    wait.extend(argv(&[
                        "autoscaling",
                        "describe-auto-scaling-groups",
                        "--auto-scaling-group-names",
                        group,
                        "--query",
                        whole,
                        "--output",
                        "text",
                    ]));
                    wait.push(Word::Shell(
                        ")\" = True ]; do n=$((n+1)); [ \"$n\" -lt 80 ] || { echo 'ec2tui: the group is not whole after 20 minutes: stopping here' >&2; exit 1; }; sleep 15; done )",
                    ));
                    lines.push(wait);
                }
            }
        }
        // one chain: a step that fails stops the rest, as ec2tui's rollout stops
        let n = lines.len();
        for line in lines.iter_mut().take(n.saturating_sub(1)) {
            line.push(Word::Shell("&&"));
        }
        lines
    }
}
