//! The AMIs pane's calls answered: the image created (and followed), the stop-first
//! confirmation, deregistration with its snapshots, copies, launches; stop-first jobs carried on.

use super::*;

impl ImagesPane {
    pub(super) fn on_created(
        &mut self,
        instance_id: &str,
        result: ApiResult<Outcome>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        let pos = self
            .jobs
            .iter()
            .position(|j| j.instance.id == instance_id && j.stage == Stage::Creating);
        let job = pos.map(|p| self.jobs.remove(p));
        let form_open = cx.form_tag::<CreateImageTag>().is_some();
        match result {
            Ok(out) => {
                let Outcome::Created(id) = out else {
                    return vec![];
                };
                if form_open {
                    cx.dialog = None;
                }
                let arch = cx
                    .find::<Instance>(instance_id)
                    .map(|i| i.architecture.clone())
                    .unwrap_or_default();
                let name = job
                    .as_ref()
                    .map(|j| j.spec.name.clone())
                    .unwrap_or_default();
                let img = Image {
                    id: id.clone(),
                    name: name.clone(),
                    state: "pending".into(),
                    architecture: arch,
                    created: Some(cx.now),
                    description: job
                        .as_ref()
                        .map(|j| j.spec.description.clone())
                        .unwrap_or_default(),
                    owner_id: cx.ctx.account.clone().unwrap_or_default(),
                    ..Default::default()
                };
                let fresh =
                    self.scope != ImageScope::Mine || self.list.load == crate::app::Load::Idle;
                if self.scope != ImageScope::Mine {
                    self.scope = ImageScope::Mine;
                    self.list = Self::new_list(None);
                }
                self.list.upsert(img);
                self.list.set_filter("");
                let h = cx.table_rows();
                self.list.select_id(&id, h);
                self.watch.add(id.clone(), None);
                cx.focus(ID);
                cx.info(format!("image {name} ({id}) is pending; watching it"));
                if let Some(mut j) = job.filter(|j| j.restart) {
                    j.stage = Stage::Waiting { image_id: id };
                    self.jobs.push(j);
                }
                let mut fx = self.poll(cx);
                if fresh {
                    fx.extend(self.refresh(cx));
                }
                fx
            }
            Err(e) => {
                let mut text =
                    cx.with_hint(&e.failed(&format!("create image of {instance_id}")), &e);
                // what became of the instance stopped for it: the refusal must not read as
                // "an image is on its way" once the start's own message comes
                match &job {
                    Some(j) if j.restart => text.push_str(&format!(
                        " — no image made; starting {} again",
                        j.instance.label()
                    )),
                    Some(j) if j.stop_first => text.push_str(&format!(
                        " — no image made; {} is left stopped (s starts it)",
                        j.instance.label()
                    )),
                    _ => {}
                }
                if form_open {
                    // what was typed stays: fix the name and submit again
                    cx.log(crate::app::Level::Error, &text);
                    cx.form_error(text);
                } else {
                    cx.error(text);
                }
                match job.filter(|j| j.restart) {
                    Some(j) => cx.call(ID, vec![InstanceCall::op(Verb::Start, j.instance)]),
                    None => vec![],
                }
            }
        }
    }

    /// The stop-first confirmation: the instance, the image it is for, and what follows.
    pub(super) fn confirm_view(&self, c: &Confirm, _s: &Shared) -> ConfirmView {
        let Some(call) = c.ops.iter().find_map(|o| o.get::<InstanceCall>()) else {
            return ConfirmView::default();
        };
        let t = &call.target;
        let job = self
            .jobs
            .iter()
            .find(|j| j.instance.id == t.id && j.stage == Stage::Confirming);
        let name = job.map(|j| j.spec.name.as_str()).unwrap_or("?");
        let then = if job.is_some_and(|j| j.restart) {
            "ec2tui starts it again when the image is available."
        } else {
            "it stays stopped afterwards (tick \"Start again when available\" to restart it)."
        };
        ConfirmView {
            summary: vec![vec![(
                format!("Stop {} first, then create the image {name}:", t.label()),
                Tone::Normal,
            )]],
            items: vec![vec![(format!("  {}  [running]", t.label()), Tone::Normal)]],
            tail: vec![vec![(
                format!("It is unavailable until it is started again; {then}"),
                Tone::Warn,
            )]],
        }
    }

    pub(super) fn done(
        &mut self,
        _req: u64,
        results: Vec<(Op, ApiResult<Outcome>)>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        let mut fx = Vec::new();
        let mut deleted = Vec::new();
        let mut refused = Vec::new();
        for (op, result) in results {
            if let Some(c) = op.get::<InstanceCall>() {
                // the stop of a stop-first image, or the start after it
                let t = c.target.clone();
                match result {
                    Ok(_) => {
                        if c.verb == Verb::Stop {
                            for j in &mut self.jobs {
                                if j.instance.id == t.id && j.stage == Stage::Confirming {
                                    j.stage = Stage::Stopping;
                                }
                            }
                            cx.info(format!("stopping {} before creating the image…", t.label()));
                        } else {
                            cx.ok(format!("starting: {}", t.label()));
                        }
                        cx.tell(Fact::Moving {
                            ids: vec![t.id.clone()],
                            until: c.verb.settles_in(),
                        });
                    }
                    Err(e) if e.kind == crate::aws::ErrorKind::Unknown && c.verb == Verb::Stop => {
                        // it may be stopping: followed, and the image made once it is stopped
                        for j in &mut self.jobs {
                            if j.instance.id == t.id && j.stage == Stage::Confirming {
                                j.stage = Stage::Stopping;
                            }
                        }
                        cx.call_failed(&format!("stop {}", t.label()), &e);
                        cx.tell(Fact::Moving {
                            ids: vec![t.id.clone()],
                            until: c.verb.settles_in(),
                        });
                    }
                    Err(e) => {
                        self.jobs.retain(|j| {
                            !(j.instance.id == t.id
                                && matches!(j.stage, Stage::Stopping | Stage::Confirming))
                        });
                        cx.call_failed(&format!("{} {}", c.verb.verb(), t.label()), &e);
                    }
                }
            } else if let Some(c) = op.get::<CreateImage>() {
                let id = c.0.instance_id.clone();
                fx.extend(self.on_created(&id, result, cx));
            } else if let Some(d) = op.get::<DeregisterImage>() {
                match result {
                    Ok(_) => {
                        self.list.remove(&d.image.id);
                        self.watch.remove(&d.image.id);
                        if d.snapshots.is_empty() {
                            cx.ok(format!("deregistered {}; snapshots kept", d.image.label()));
                        } else {
                            self.deregistering = Some(d.image.clone());
                            cx.info(format!(
                                "deregistered {}; deleting its snapshots…",
                                d.image.label()
                            ));
                            let ops = d
                                .snapshots
                                .iter()
                                .map(|s| Op::new(DeleteSnapshot { id: s.clone() }))
                                .collect();
                            fx.extend(cx.call(ID, ops));
                        }
                    }
                    Err(e) => cx.call_failed(&format!("deregister {}", d.image.label()), &e),
                }
            } else if let Some(s) = op.get::<DeleteSnapshot>() {
                match result {
                    Ok(_) => deleted.push(s.id.clone()),
                    Err(e) => refused.push(format!("{}: {}", s.id, e.describe())),
                }
            } else if let Some(c) = op.get::<CopyImage>() {
                match result {
                    Ok(Outcome::Created(new_id)) => {
                        self.watch.add(new_id.clone(), Some(c.region.clone()));
                        cx.info(format!(
                            "copying {} to {} as {new_id}: pending",
                            c.image.label(),
                            c.region
                        ));
                    }
                    Ok(_) => {}
                    Err(e) => cx.call_failed(
                        &format!("the copy of {} to {}", c.image.label(), c.region),
                        &e,
                    ),
                }
            } else if let Some(r) = op.get::<RunInstances>() {
                fx.extend(self.launcher.on_done(ID, r, result, cx));
            }
        }
        if let Some(image) = (!deleted.is_empty() || !refused.is_empty())
            .then(|| self.deregistering.take())
            .flatten()
        {
            if refused.is_empty() {
                cx.ok(format!(
                    "deregistered {}; deleted {}",
                    image.label(),
                    deleted.join(", ")
                ));
            } else {
                cx.error(format!(
                    "deregistered {}; snapshot refused: {}",
                    image.label(),
                    refused.join("; ")
                ));
            }
        }
        fx
    }

    /// Jobs waiting for their instance to stop: create the image once it has.
    pub(super) fn create_when_stopped(&mut self, cx: &mut Cx) -> Vec<Effect> {
        if !self.jobs.iter().any(|j| j.stage == Stage::Stopping) {
            return vec![];
        }
        let ready: Vec<usize> = (0..self.jobs.len())
            .filter(|&i| {
                self.jobs[i].stage == Stage::Stopping
                    && cx
                        .find::<Instance>(&self.jobs[i].instance.id)
                        .is_some_and(|i| i.state == InstanceState::Stopped)
            })
            .collect();
        let mut fx = Vec::new();
        for i in ready {
            self.jobs[i].stage = Stage::Creating;
            let j = &self.jobs[i];
            cx.info(format!(
                "{} stopped; creating image {}…",
                j.instance.label(),
                j.spec.name
            ));
            fx.extend(cx.call(ID, vec![Op::new(CreateImage(j.spec.clone()))]));
        }
        fx
    }
}
