//! The instances pane's actions: start, stop, force stop, reboot, terminate (plain or in the
//! group), protection, connect, console output; their confirmations and their answers.

use super::*;

impl InstancesPane {
    /// Opens the confirmation of a call on the targets; nothing is sent yet.
    pub(super) fn propose(&mut self, name: &str, cx: &mut Cx) -> Vec<Effect> {
        self.list.refresh_view();
        let rows = self.list.targets();
        // on or off: by the instances it can apply to (a terminated one has no say)
        let all_protected = rows
            .iter()
            .filter(|r| Verb::Protect(true).can_take(r.inst.state))
            .all(|r| r.protected == Some(true));
        let verb = match name {
            "start" => Verb::Start,
            "stop" => Verb::Stop,
            "force_stop" => Verb::ForceStop,
            "reboot" => Verb::Reboot,
            "terminate" => Verb::Terminate,
            _ => Verb::Protect(!all_protected),
        };
        if rows.is_empty() {
            let what = ACTIONS
                .iter()
                .find(|a| a.name == name)
                .map_or(name, |a| a.describe);
            cx.error(format!("no instance selected to {what}"));
            return vec![];
        }
        // only those whose state allows it: the others are named, not sent (EC2 would refuse
        // them, and a count that includes them misinforms)
        let (rows, left_out): (Vec<_>, Vec<_>) =
            rows.into_iter().partition(|r| verb.can_take(r.inst.state));
        self.left_out = left_out
            .iter()
            .map(|r| format!("{} [{}]", self.label(&r.inst.id), r.inst.state.as_str()))
            .collect();
        if rows.is_empty() {
            let states: BTreeSet<&str> = left_out.iter().map(|r| r.inst.state.as_str()).collect();
            let states: Vec<&str> = states.into_iter().collect();
            // protection is neither on nor off for what cannot have it changed
            let what = match verb {
                Verb::Protect(_) => "change the termination protection of",
                v => v.verb(),
            };
            cx.error(match left_out.as_slice() {
                [one] => format!(
                    "{} is {}: cannot {what} it",
                    self.label(&one.inst.id),
                    one.inst.state.as_str(),
                ),
                _ => format!(
                    "cannot {what} any of the {} instances: they are {}",
                    left_out.len(),
                    states.join(" or ")
                ),
            });
            return vec![];
        }
        let targets: Vec<(Target, String)> = rows
            .iter()
            .map(|r| {
                (
                    Target::new(r.inst.id.clone(), r.inst.name.clone()),
                    r.inst.region.clone(),
                )
            })
            .collect();
        let ids: Vec<String> = targets.iter().map(|t| t.0.id.clone()).collect();
        let n = targets.len();
        let ops = targets
            .into_iter()
            .map(|(t, region)| InstanceCall::op_in(verb, t, region))
            .collect();
        let mut c = Confirm::new(ID, verb.title(), ops);
        if verb == Verb::Terminate {
            c.typed = Some("terminate");
        }
        c.progress = format!(
            "{} {n} instance{}…",
            verb.doing(),
            if n == 1 { "" } else { "s" }
        );
        cx.dialog = Some(Dialog::Confirm(c));
        self.request_protection(ids, cx)
    }

    /// `c` / `C`: a session on the selected instance. SSM runs at once; SSH first looks up
    /// the AMI (the user) and the key file (`~/.ssh/<KeyName>.pem`).
    pub(super) fn connect(&mut self, name: &str, cx: &mut Cx) -> Vec<Effect> {
        self.list.refresh_view();
        let Some(inst) = self.list.selected().map(|r| r.inst.clone()) else {
            cx.error("no instance selected to connect to");
            return vec![];
        };
        if let Some(why) = crate::panes::kit::connect::refusal(&inst) {
            cx.error(why);
            return vec![];
        }
        if name == "ssm" {
            let profile = if cx.ctx.profile == "default" {
                String::new()
            } else {
                cx.ctx.profile.clone()
            };
            let region = cx.ctx.region.clone();
            return match crate::panes::kit::connect::ssm(&self.connect, &inst, &region, &profile) {
                Ok(e) => self.run(e, cx),
                Err(e) => {
                    cx.error(e);
                    vec![]
                }
            };
        }
        cx.info(format!("connecting to {}…", self.label(&inst.id)));
        let (id, ami, key) = (
            inst.id.clone(),
            inst.image_id.clone(),
            inst.key_name.clone(),
        );
        let job = Job::once(format!("DescribeImages {ami} (SSH user)"), move |api| {
            Box::pin(async move {
                let image = if ami.is_empty() {
                    None
                } else {
                    api.describe_images(None, vec![ami])
                        .await
                        .ok()
                        .and_then(|v| v.into_iter().next())
                        .map(Box::new)
                };
                // (the shell runs jobs: looking at a file here is not the core's doing)
                let key_file = (!key.is_empty())
                    .then(|| format!("~/.ssh/{key}.pem"))
                    .map(|p| crate::config::expand_home(&p))
                    .filter(|p| p.is_file())
                    .map(|p| p.display().to_string());
                Got::SshPlan {
                    id,
                    image,
                    key_file,
                }
            })
        });
        vec![cx.fetch(ID, job).1]
    }

    /// Runs a connect command (not in the demo region: there is nothing to connect to).
    pub(super) fn run(&mut self, e: crate::app::Exec, cx: &mut Cx) -> Vec<Effect> {
        if cx.ctx.demo {
            cx.info(format!(
                "demo region: no instance to connect to; ec2tui would run: {}",
                e.line()
            ));
            return vec![];
        }
        cx.info(format!("running: {}", e.line()));
        vec![Effect::Exec(e)]
    }

    /// `o`: opens the console output of the selected instance, or (`Ctrl-r` in it) asks for
    /// it again.
    pub(super) fn console_output(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let open = matches!(&cx.dialog, Some(Dialog::Text(v)) if v.pane == ID && v.refresh == Some("console_output"));
        let id = if open {
            self.console.clone()
        } else {
            self.list.refresh_view();
            self.list.selected_id().map(str::to_string)
        };
        let Some(id) = id else {
            cx.error("no instance selected to show the console output of");
            return vec![];
        };
        if open {
            if let Some(Dialog::Text(v)) = &mut cx.dialog {
                v.note = Some("asking again (GetConsoleOutput)…".into());
            }
        } else {
            let mut v = TextView::new(
                ID,
                format!("Console output of {}", self.label(&id)),
                vec!["loading…".into()],
            );
            v.refresh = Some("console_output");
            v.save_as = Some(format!("console-{id}.log"));
            v.what = format!("the console output of {id}");
            cx.dialog = Some(Dialog::Text(v));
        }
        self.console = Some(id.clone());
        let job = Job::once(format!("GetConsoleOutput {id}"), move |api| {
            Box::pin(async move {
                let result = api.console_output(id.clone()).await;
                Got::Console { id, result }
            })
        });
        vec![cx.fetch(ID, job).1]
    }
}
impl InstancesPane {
    pub(super) fn confirm_view(&self, c: &Confirm, s: &Shared) -> ConfirmView {
        let calls: Vec<&InstanceCall> = c.ops.iter().filter_map(|o| o.get()).collect();
        let Some(verb) = calls.first().map(|c| c.verb) else {
            return ConfirmView::default();
        };
        let destructive = verb == Verb::Terminate;
        let n = calls.len();
        let mut items: Vec<Line> = Vec::new();
        let (mut protected, mut unknown, mut deleted, mut kept) = (0, 0, 0, 0);
        let mut members: Vec<String> = Vec::new();
        for t in calls.iter().map(|c| &c.target) {
            let row = self.list.get(&t.id);
            let state = row.map(|r| r.inst.state.as_str()).unwrap_or("?");
            let mut line = format!("  {}  [{state}]", t.label());
            let mut tone = Tone::Normal;
            if destructive {
                match row.and_then(|r| r.protected) {
                    Some(true) => {
                        protected += 1;
                        line.push_str("  protected: will be refused");
                        tone = Tone::Warn;
                    }
                    Some(false) => {}
                    None => {
                        unknown += 1;
                        line.push_str("  (checking protection…)");
                    }
                }
            }
            items.push(vec![(line, tone)]);
            if let Some(g) = row.and_then(|r| group_of(&r.inst))
                && matches!(verb, Verb::Stop | Verb::ForceStop | Verb::Terminate)
            {
                members.push(g.to_string());
                items.push(vec![(
                    format!(
                        "      member of Auto Scaling group {g}: the group will replace it{}",
                        if destructive {
                            ""
                        } else {
                            " (a stopped member is unhealthy)"
                        }
                    ),
                    Tone::Warn,
                )]);
            }
            if destructive && let Some(r) = row {
                // a protected instance's volumes stay where they are
                let goes = r.protected != Some(true);
                for b in &r.inst.block_devices {
                    let (what, tone) = if !goes {
                        // refused: nothing happens to its volumes either way
                        ("untouched", Tone::Muted)
                    } else if b.delete_on_termination {
                        deleted += 1;
                        ("deleted", Tone::Bad)
                    } else {
                        kept += 1;
                        ("kept   ", Tone::Good)
                    };
                    items.push(vec![(
                        format!("      {what} {} {}", b.volume_id, b.device),
                        tone,
                    )]);
                }
            }
        }
        let plural = |k: usize, one: &str| format!("{k} {one}{}", if k == 1 { "" } else { "s" });
        let mut summary = format!("{} {}", capitalise(verb.verb()), plural(n, "instance"));
        // a list of every region: the calls go to each instance's own region, grouped so
        let mut regions: Vec<(&str, usize)> = Vec::new();
        for c in &calls {
            match regions.iter_mut().find(|(r, _)| *r == c.region) {
                Some(e) => e.1 += 1,
                None => regions.push((c.region.as_str(), 1)),
            }
        }
        if regions.iter().any(|(r, _)| !r.is_empty()) {
            regions.sort();
            let each: Vec<String> = regions
                .iter()
                .map(|(r, k)| format!("{} in {r}", k))
                .collect();
            summary.push_str(&format!(
                " in {} ({}; each call goes to its instance's region)",
                plural(regions.len(), "region"),
                each.join(", ")
            ));
        }
        if destructive && protected == n {
            // nothing goes: say so, not "0 will be terminated … 0 volumes deleted"
            summary.push_str(if n == 1 {
                ": protected, EC2 refuses it; nothing is terminated"
            } else {
                ": all protected, EC2 refuses them; nothing is terminated"
            });
        } else if destructive {
            summary.push_str(&format!(
                ": {} will be terminated, {protected} protected",
                n - protected - unknown
            ));
            if unknown > 0 {
                summary.push_str(&format!(", {unknown} being checked"));
            }
            summary.push_str(&format!(
                "; {} deleted, {kept} kept",
                plural(deleted, "volume")
            ));
        } else {
            summary.push(':');
        }
        let tone = if destructive || verb == Verb::ForceStop {
            Tone::Bad
        } else {
            Tone::Normal
        };
        let mut tail = vec![vec![(verb.consequence().to_string(), tone)]];
        if !self.left_out.is_empty() {
            let shown: Vec<&str> = self.left_out.iter().take(4).map(String::as_str).collect();
            let more = self.left_out.len() - shown.len();
            tail.push(vec![(
                format!(
                    "Left out, their state does not allow it: {}{}",
                    shown.join(", "),
                    if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    }
                ),
                Tone::Warn,
            )]);
        }
        if !members.is_empty() {
            members.sort();
            members.dedup();
            let key = s
                .keymap
                .named(ID, "terminate_in_group")
                .and_then(|a| s.keymap.key_for(&crate::app::Keymap::scopes(ID), a))
                .map_or("X".to_string(), |k| k.to_string());
            tail.push(vec![(
                format!(
                    "Auto Scaling ({}) launches a replacement for each member. To remove members for good: Esc, then {key} (terminate in group, lowering desired).",
                    members.join(", ")
                ),
                Tone::Warn,
            )]);
        }
        ConfirmView {
            summary: vec![vec![(summary, Tone::Normal)]],
            items,
            tail,
        }
    }
}

impl InstancesPane {
    pub(super) fn done(
        &mut self,
        _req: u64,
        results: Vec<(Op, ApiResult<Outcome>)>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        let calls: Vec<(&InstanceCall, &ApiResult<Outcome>)> = results
            .iter()
            .filter_map(|(o, r)| o.get::<InstanceCall>().map(|c| (c, r)))
            .collect();
        let Some(verb) = calls.first().map(|(c, _)| c.verb) else {
            return vec![];
        };
        let mut ok: Vec<&Target> = Vec::new();
        // (label, code or message): the one-line summary; the full text goes to :messages
        let mut failed: Vec<(String, String)> = Vec::new();
        // those whose outcome is unknown are followed too: the screen reads them back
        let mut unknown: Vec<String> = Vec::new();
        for (c, r) in &calls {
            match r {
                Ok(_) => ok.push(&c.target),
                Err(e) => {
                    let full = cx.with_hint(
                        &e.failed(&format!("{} {}", verb.verb(), c.target.label())),
                        e,
                    );
                    cx.log(crate::app::Level::Error, &full);
                    let short = e.code.clone().unwrap_or_else(|| e.message.clone());
                    if e.kind == crate::aws::ErrorKind::Unknown {
                        unknown.push(c.target.id.clone());
                        failed.push((c.target.label(), "outcome unknown".into()));
                    } else {
                        failed.push((c.target.label(), short));
                    }
                }
            }
        }
        // "refused", "of unknown outcome", or both counted apart
        let (n_unknown, n_refused) = (unknown.len(), failed.len() - unknown.len());
        let refused = match (n_refused, n_unknown) {
            (_, 0) => "refused".to_string(),
            (0, _) => "of unknown outcome".to_string(),
            (r, u) => format!("not done ({r} refused, {u} of unknown outcome)"),
        };
        let mut ok_ids: Vec<String> = ok.iter().map(|t| t.id.clone()).collect();
        if let Verb::Protect(on) = verb {
            for id in &ok_ids {
                self.list.update(id, |r| r.protected = Some(on));
            }
        }
        let summary = |ts: &[&Target]| -> String {
            let mut s: Vec<String> = ts.iter().take(3).map(|t| t.label()).collect();
            if ts.len() > 3 {
                s.push(format!("{} more", ts.len() - 3));
            }
            s.join(", ")
        };
        if failed.is_empty() {
            let all: Vec<String> = ok.iter().map(|t| t.label()).collect();
            cx.ok_in_full(
                format!("{}: {}", verb.doing(), summary(&ok)),
                &format!("{}: {}", verb.doing(), all.join(", ")),
            );
        } else {
            // one summary line: what went, how many were refused, the first refusal's code;
            // every refusal in full is in :messages
            let hint = calls
                .iter()
                .find_map(|(_, r)| r.as_ref().err())
                .and_then(|e| e.hint(&cx.ctx.profile))
                .map(|h| format!(" — {h}"))
                .unwrap_or_default();
            let head = if ok.is_empty() {
                format!("{} {refused}", verb.verb())
            } else {
                format!(
                    "{} {}: {}; {} {refused}",
                    verb.doing(),
                    ok.len(),
                    summary(&ok),
                    failed.len()
                )
            };
            let more = if failed.len() > 1 {
                format!(" and {} more", failed.len() - 1)
            } else {
                String::new()
            };
            let (label, code) = &failed[0];
            if !ok.is_empty() {
                let all: Vec<String> = ok.iter().map(|t| t.label()).collect();
                cx.log(
                    crate::app::Level::Ok,
                    &format!("{} {}: {}", verb.doing(), ok.len(), all.join(", ")),
                );
            }
            cx.show_error(format!(
                "{head}: {label} {code}{more}{hint} (:messages has the details)"
            ));
        }
        self.list.clear_marks();
        ok_ids.extend(unknown);
        match verb.settles_in() {
            Some(until) if !ok_ids.is_empty() => self.follow(&ok_ids, Some(until), cx),
            _ => vec![],
        }
    }
}
