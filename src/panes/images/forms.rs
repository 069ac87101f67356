//! The AMIs pane's forms: create an image of an instance (its name, consistency and what it
//! means), launch from an AMI, deregister, copy to another region; proposing and submitting them.

use super::*;

pub(super) const CONSISTENCY: [(ImageConsistency, &str); 3] = [
    (
        ImageConsistency::StopFirst,
        "stop first: ec2tui stops it, waits for stopped, then images it",
    ),
    (
        ImageConsistency::Reboot,
        "reboot: EC2 reboots it for consistent disks (EC2's default)",
    ),
    (
        ImageConsistency::NoReboot,
        "no reboot: fastest; file system integrity is NOT guaranteed",
    ),
];

/// EC2's rule for AMI names: 3–128 characters of letters, digits and `()[] ./-'@_`.
pub fn valid_ami_name(name: &str) -> Result<(), String> {
    let n = name.chars().count();
    let ok_char = |c: char| c.is_ascii_alphanumeric() || "()[] ./-'@_".contains(c);
    if !(3..=128).contains(&n) {
        return Err(format!(
            "the AMI name must be 3 to 128 characters (it is {n})"
        ));
    }
    if let Some(c) = name.chars().find(|c| !ok_char(*c)) {
        return Err(format!(
            "the AMI name may not contain {c:?}: use letters, digits, spaces and ( ) [ ] . / - ' @ _"
        ));
    }
    Ok(())
}

/// `Name-YYYYMMDD-HHMMSS` (UTC), the default image name: seconds, so that a second image
/// of the same instance in the same minute does not collide.
pub fn default_image_name(base: &str, now: i64) -> String {
    let t = fmt_time(now); // "2026-11-22 10:04 UTC"
    let stamp = format!(
        "{}{}{}-{}{}{:02}",
        &t[0..4],
        &t[5..7],
        &t[8..10],
        &t[11..13],
        &t[14..16],
        now.rem_euclid(60)
    );
    let base: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "()[]./-'@_".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(110)
        .collect();
    format!("{base}-{stamp}")
}

impl ImagesPane {
    pub(super) fn propose_create_image(&mut self, i: Instance, cx: &mut Cx) -> Vec<Effect> {
        let running = i.state == InstanceState::Running;
        if !running && i.state != InstanceState::Stopped {
            cx.error(format!(
                "{} is {}: an image needs a running or stopped instance",
                i.id, i.state
            ));
            return vec![];
        }
        let base = if i.name.is_empty() {
            i.id.clone()
        } else {
            i.name.clone()
        };
        let target = Target::new(i.id.clone(), i.name.clone());
        let options: Vec<Opt> = CONSISTENCY.iter().map(|(_, l)| Opt::new(*l, *l)).collect();
        let consistency = if running { 0 } else { 2 };
        let mut form = Form::new(
            format!("Create image of {}", target.label()),
            vec![
                Field::text(F_NAME, &default_image_name(&base, cx.now)),
                Field::text(F_DESCRIPTION, &format!("Created by ec2tui from {}", i.id)),
                Field::choice(F_CONSISTENCY, options, Some(consistency)),
                Field::toggle(F_RESTART, false),
                Field::toggle(F_COPY_TAGS, true),
            ],
        );
        if !running {
            form.intro.push(format!(
                "{} is stopped: its disks are already consistent.",
                i.id
            ));
        }
        describe_consistency(&mut form, running);
        cx.open_form(
            ID,
            form,
            FormTag::new(CreateImageTag {
                instance: target,
                running,
                tags: user_tags(&i.tags),
            }),
        );
        vec![]
    }

    pub(super) fn propose_launch(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(img) = self.selected() else {
            cx.error("no AMI selected to launch from");
            return vec![];
        };
        if img.state != "available" {
            cx.error(format!(
                "{} is {}: only an available AMI can be launched",
                img.id, img.state
            ));
            return vec![];
        }
        let title = format!(
            "Launch from {} ({})",
            if img.name.is_empty() { "-" } else { &img.name },
            img.id
        );
        self.launcher.open(
            ID,
            title,
            img.id.clone(),
            img.architecture.clone(),
            None,
            cx,
        )
    }

    pub(super) fn propose_deregister(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(img) = self.selected() else {
            cx.error("no AMI selected to deregister");
            return vec![];
        };
        if self.scope != ImageScope::Mine {
            cx.error("only your own AMIs can be deregistered (press o for the scope: mine)");
            return vec![];
        }
        let snapshots = img.snapshot_ids();
        let target = Target::new(img.id.clone(), img.name.clone());
        let mut form = Form::new(
            format!("Deregister {}", target.label()),
            vec![
                Field::toggle(F_DELETE_SNAPSHOTS, false),
                Field::text(F_CONFIRM, ""),
            ],
        );
        form.danger = true;
        form.focus = 1;
        form.intro
            .push(format!("Deregister AMI {}.", target.label()));
        if snapshots.is_empty() {
            form.intro.push("It has no EBS snapshots.".into());
        } else {
            form.intro
                .push("Backing snapshots (kept unless you tick the box):".into());
            for d in img.devices.iter().filter(|d| !d.snapshot_id.is_empty()) {
                form.intro.push(format!(
                    "  {}  {} GiB  {}",
                    d.snapshot_id, d.size_gib, d.device
                ));
            }
        }
        form.intro.push("Running instances launched from it are not affected; new launches from it become impossible.".into());
        cx.open_form(
            ID,
            form,
            FormTag::new(DeregisterTag {
                image: target,
                snapshots,
            }),
        );
        vec![]
    }

    pub(super) fn propose_copy(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(img) = self.selected() else {
            cx.error("no AMI selected to copy");
            return vec![];
        };
        let target = Target::new(img.id.clone(), img.name.clone());
        let mut form = Form::new(
            format!("Copy {} to another region", target.label()),
            vec![
                Field::loading_choice(F_REGION),
                Field::text(F_NAME, &img.name),
            ],
        );
        form.intro
            .push(format!("From {} ({}).", cx.ctx.region, img.architecture));
        cx.open_form(ID, form, FormTag::new(CopyTag { image: target }));
        match &self.regions {
            Some(r) => {
                crate::panes::kit::fill_regions(r, cx);
                vec![]
            }
            None => {
                let job = Job::once("DescribeRegions", |api| {
                    Box::pin(async move { Got::Regions(api.regions().await) })
                });
                vec![cx.fetch(ID, job).1]
            }
        }
    }

    pub(super) fn submit(&mut self, tag: &FormTag, cx: &mut Cx) -> Vec<Effect> {
        let Some(form) = cx.form().cloned() else {
            return vec![];
        };
        if let Some(t) = tag.get::<CreateImageTag>() {
            let name = form.field(F_NAME).get().trim().to_string();
            if let Err(e) = valid_ami_name(&name) {
                return cx.form_error(e);
            }
            let chosen = form.field(F_CONSISTENCY).get();
            let consistency = CONSISTENCY
                .iter()
                .find(|(_, l)| *l == chosen)
                .map(|(c, _)| *c)
                .unwrap_or(ImageConsistency::StopFirst);
            let spec = ImageSpec {
                instance_id: t.instance.id.clone(),
                name,
                description: form.field(F_DESCRIPTION).get(),
                no_reboot: consistency != ImageConsistency::Reboot,
                tags: if form.field(F_COPY_TAGS).on() {
                    t.tags.clone()
                } else {
                    Vec::new()
                },
            };
            if let Some(taken) = self.list.ids().find_map(|id| {
                self.list
                    .get(id)
                    .filter(|i| i.name == spec.name)
                    .map(|i| i.id.clone())
            }) {
                return cx.form_error(format!(
                    "an AMI named {} exists already ({taken}): choose another name",
                    spec.name
                ));
            }
            // an earlier job for this instance that was never confirmed goes
            self.jobs
                .retain(|j| !(j.instance.id == t.instance.id && j.stage == Stage::Confirming));
            if consistency == ImageConsistency::StopFirst && t.running && cx.capturing() {
                // Ctrl-y: every call it leads to (stop, then create), none sent
                return cx.call(
                    ID,
                    vec![
                        InstanceCall::op(Verb::Stop, t.instance.clone()),
                        Op::new(CreateImageAfterStop {
                            create: CreateImage(spec),
                            restart: form.field(F_RESTART).on(),
                        }),
                    ],
                );
            }
            if consistency == ImageConsistency::StopFirst && t.running {
                // stopping an instance is confirmed on its own, naming it
                let restart = form.field(F_RESTART).on();
                let mut c = Confirm::new(
                    ID,
                    "Stop first",
                    vec![InstanceCall::op(Verb::Stop, t.instance.clone())],
                );
                c.progress = format!("stopping {} before creating the image…", t.instance.label());
                // Ctrl-y copies the whole runbook, as the form's does: the stop, the wait,
                // the image and, when ticked, the start again
                c.copy = c
                    .ops
                    .iter()
                    .chain(&[Op::new(CreateImageAfterStop {
                        create: CreateImage(spec.clone()),
                        restart,
                    })])
                    .flat_map(|o| o.cli(""))
                    .collect();
                // told when it is confirmed: from then on the stop is in flight
                c.then = Some(std::sync::Arc::new(StopFirstSent(t.instance.id.clone())));
                self.jobs.push(ImageJob {
                    instance: t.instance.clone(),
                    spec,
                    stop_first: true,
                    restart,
                    stage: Stage::Confirming,
                });
                cx.dialog = Some(Dialog::Confirm(c));
                return vec![];
            }
            let fx = cx.call(ID, vec![Op::new(CreateImage(spec.clone()))]);
            if !fx.is_empty() {
                // the form stays open until EC2 answers: a refusal is shown in it
                if let Some(form) = cx.form_mut() {
                    form.error = None;
                    form.info = Some(format!("creating image {}…", spec.name));
                }
                self.jobs.push(ImageJob {
                    instance: t.instance.clone(),
                    spec,
                    stop_first: false,
                    restart: false,
                    stage: Stage::Creating,
                });
            }
            return fx;
        }
        if tag.get::<LaunchTag>().is_some() {
            return self.launcher.submit(ID, cx);
        }
        if let Some(t) = tag.get::<DeregisterTag>() {
            if !cx.capturing() && form.field(F_CONFIRM).get() != "deregister" {
                return cx.form_error(
                    "type deregister and press Ctrl-s or Enter to confirm; Esc cancels",
                );
            }
            let delete = form.field(F_DELETE_SNAPSHOTS).on();
            cx.dialog = None;
            cx.info(format!("deregistering {}…", t.image.label()));
            let snapshots = if delete {
                t.snapshots.clone()
            } else {
                Vec::new()
            };
            return cx.call(
                ID,
                vec![Op::new(DeregisterImage {
                    image: t.image.clone(),
                    snapshots,
                })],
            );
        }
        if let Some(t) = tag.get::<CopyTag>() {
            let region = form.field(F_REGION).get();
            if region.is_empty() {
                return cx.form_error("choose a target region (the list is still loading?)");
            }
            let name = form.field(F_NAME).get().trim().to_string();
            if let Err(e) = valid_ami_name(&name) {
                return cx.form_error(e);
            }
            cx.dialog = None;
            cx.info(format!("copying {} to {region}…", t.image.label()));
            return cx.call(
                ID,
                vec![Op::new(CopyImage {
                    image: t.image.clone(),
                    name,
                    region,
                })],
            );
        }
        vec![]
    }
}

/// The help line under the consistency choice says what the choice means (for a stopped
/// instance every choice images consistent disks).
pub(super) fn describe_consistency(form: &mut Form, running: bool) {
    let Some(i) = form.index_of(F_CONSISTENCY) else {
        return;
    };
    let chosen = form.fields[i].get();
    let help = match CONSISTENCY
        .iter()
        .find(|(_, l)| *l == chosen)
        .map(|(c, _)| *c)
    {
        Some(ImageConsistency::NoReboot) => {
            "It keeps running; writes in flight may miss the image."
        }
        Some(ImageConsistency::Reboot) => "It is unavailable for a minute while EC2 reboots it.",
        _ => "It is unavailable until it is started again.",
    };
    form.fields[i].help = Some(if running {
        help.to_string()
    } else {
        "It is stopped: its disks are consistent, and it stays stopped.".to_string()
    });
}
