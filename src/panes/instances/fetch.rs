//! What the instances pane reads: the listing (by zone, or of every region), instances followed
//! until they settle, protection and status checks of the rows on screen.

use super::*;

/// Describes instances in their own regions (`:region all`: the followed ones are in several),
/// each keeping its region.
pub(super) async fn describe_by_region(
    api: std::sync::Arc<dyn crate::aws::Ec2Api>,
    groups: Vec<(String, Vec<String>)>,
) -> ApiResult<Vec<Instance>> {
    let mut all = Vec::new();
    for (region, ids) in groups {
        let there = if region.is_empty() {
            None
        } else {
            api.in_region(&region)
        };
        let mut got = there
            .as_deref()
            .unwrap_or(&*api)
            .describe_instances(ids)
            .await?;
        for i in &mut got {
            i.region = region.clone();
        }
        all.extend(got);
    }
    Ok(all)
}

impl InstancesPane {
    /// A row for a fresh copy of an instance, keeping what was fetched separately — but
    /// status checks only while the state is the same (a stopped instance has none).
    pub(super) fn row_for(&mut self, inst: Instance) -> InstanceRow {
        match self.list.get(&inst.id) {
            Some(old) => {
                let checks = if old.inst.state == inst.state {
                    old.checks.clone()
                } else {
                    // asked again for the rows on screen
                    self.checks_requested.remove(&inst.id);
                    None
                };
                InstanceRow {
                    inst,
                    protected: old.protected,
                    checks,
                }
            }
            None => InstanceRow::from(inst),
        }
    }

    pub(super) fn upsert(&mut self, inst: Instance) {
        let row = self.row_for(inst);
        self.list.upsert(row);
    }

    /// Follows instances until they settle, describing them now unless a describe is in
    /// flight (then they join the next round).
    pub(super) fn follow(
        &mut self,
        ids: &[String],
        until: Option<InstanceState>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        for id in ids {
            self.watch.add(id.clone(), until);
        }
        self.poll(cx)
    }

    pub(super) fn poll(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let req = cx.req();
        let Some(items) = self.watch.due(req) else {
            return vec![];
        };
        let ids: Vec<String> = items.into_iter().map(|(id, _)| id).collect();
        let what = format!("DescribeInstances {}", ids.join(","));
        let groups = self.by_region(ids);
        let job = Job::once(what, move |api| {
            Box::pin(async move { Got::Watched(describe_by_region(api, groups).await) })
        });
        vec![Effect::Fetch { pane: ID, req, job }]
    }

    /// Ids grouped by the region of their rows (one group, "", outside `:region all`).
    pub(super) fn by_region(&self, ids: Vec<String>) -> Vec<(String, Vec<String>)> {
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for id in ids {
            let region = self
                .list
                .get(&id)
                .map(|r| r.inst.region.clone())
                .unwrap_or_default();
            match groups.iter_mut().find(|(r, _)| *r == region) {
                Some((_, g)) => g.push(id),
                None => groups.push((region, vec![id])),
            }
        }
        groups
    }

    pub(super) fn request_protection(&mut self, ids: Vec<String>, cx: &mut Cx) -> Vec<Effect> {
        let ids: Vec<String> = ids
            .into_iter()
            .filter(|id| self.protection_requested.insert(id.clone()))
            .collect();
        if ids.is_empty() {
            return vec![];
        }
        let job = Job::once(
            format!("DescribeInstanceAttribute {}", ids.join(",")),
            move |api| {
                Box::pin(async move {
                    use futures::StreamExt;
                    let results = futures::stream::iter(ids)
                        .map(|id| {
                            let api = api.clone();
                            async move {
                                let r = api.termination_protection(id.clone()).await;
                                (id, r)
                            }
                        })
                        .buffer_unordered(8)
                        .collect()
                        .await;
                    Got::Protection(results)
                })
            },
        );
        vec![cx.fetch(ID, job).1]
    }

    /// Termination protection and status checks are not in `DescribeInstances`: fetch them
    /// for the rows on screen.
    pub(super) fn request_visible(&mut self, cx: &mut Cx) -> Vec<Effect> {
        if self.list.is_empty() || cx.focused != ID {
            return vec![];
        }
        self.list.refresh_view();
        let h = cx.table_rows();
        let ids: Vec<String> = self
            .list
            .visible(h)
            .filter(|(_, r)| {
                r.protected.is_none()
                    && r.inst.state != InstanceState::Terminated
                    && !self.protection_requested.contains(&r.inst.id)
            })
            .map(|(_, r)| r.inst.id.clone())
            .collect();
        let checks: Vec<String> = self
            .list
            .visible(h)
            .filter(|(_, r)| r.checks.is_none() && !self.checks_requested.contains(&r.inst.id))
            .map(|(_, r)| r.inst.id.clone())
            .collect();
        let mut fx = self.request_protection(ids, cx);
        if !checks.is_empty() {
            self.checks_requested.extend(checks.iter().cloned());
            let job = Job::once(
                format!("DescribeInstanceStatus {}", checks.join(",")),
                move |api| Box::pin(async move { Got::Checks(api.statuses_of(checks).await) }),
            );
            fx.push(cx.fetch(ID, job).1);
        }
        fx
    }
}

impl InstancesPane {
    pub(super) fn on_watched(&mut self, list: Vec<Instance>, cx: &mut Cx) {
        let mut settled = Vec::new();
        for inst in list {
            let id = inst.id.clone();
            let state = inst.state;
            let name = inst.name.clone();
            self.upsert(inst);
            if self.watch.observe(&id, state.is_stable(), |until| {
                until.is_none_or(|s| s == state)
            }) {
                settled.push(format!("{} is {}", Target::new(id, name).label(), state));
            }
        }
        if !settled.is_empty() {
            // the status line names three; the log has every one
            let full = settled.join(", ");
            let short = if settled.len() > 3 {
                format!("{} and {} more", settled[..3].join(", "), settled.len() - 3)
            } else {
                full.clone()
            };
            // a refusal of the same action shown since the last key stays (Shared::error)
            cx.ok_in_full(short, &full);
        }
    }
}
impl InstancesPane {
    pub(super) fn loaded(
        &mut self,
        req: u64,
        data: Box<dyn Any + Send>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        let Ok(got) = data.downcast::<Got>() else {
            return vec![];
        };
        match *got {
            Got::Page(Ok(page)) => {
                let last = page.next_token.is_none();
                let moving: Vec<String> = page
                    .items
                    .iter()
                    .filter(|i| {
                        matches!(
                            i.state,
                            InstanceState::Pending
                                | InstanceState::Stopping
                                | InstanceState::ShuttingDown
                        ) && !self.watch.contains(&i.id)
                    })
                    .map(|i| i.id.clone())
                    .collect();
                let mut rows = Vec::new();
                for i in &page.items {
                    if self.list.get(&i.id).is_some_and(|old| old.inst == *i) {
                        // a refresh mostly brings rows back as they were: nothing to copy
                        self.list.still_there(req, &i.id);
                    } else {
                        // copied here, on the loop's thread: the rows kept are then
                        // allocated together, not between the garbage each page's parsing
                        // left on the runtime's threads (which is then given back whole)
                        rows.push(self.row_for(i.clone()));
                    }
                }
                if self.list.apply_page(req, rows, last) {
                    // whoever started it, an instance in transition is followed until it
                    // settles (on the watch timer)
                    for id in moving {
                        self.watch.add(id, None);
                    }
                    if last {
                        cx.listed();
                        if matches!(cx.status.as_ref(), Some(s) if s.level == Level::Error && s.text.starts_with("cannot list"))
                        {
                            cx.status = None;
                        }
                    }
                }
            }
            Got::Page(Err(e)) => {
                if self.list.fail(req, e.clone()) {
                    cx.error_with_hint("cannot list instances", &e);
                }
            }
            Got::AllRegions(news) => {
                if req != self.list.latest_req {
                    return vec![];
                }
                match news {
                    listing::AllRegions::Page(p) => {
                        return self.on_loaded(req, Box::new(Got::Page(Ok(p))), cx);
                    }
                    listing::AllRegions::Failed(e) => {
                        return self.on_loaded(req, Box::new(Got::Page(Err(e))), cx);
                    }
                    listing::AllRegions::Regions(rs) => {
                        self.all_regions = Some(
                            rs.into_iter()
                                .map(|r| (r, listing::RegionLoad::Loading))
                                .collect(),
                        );
                    }
                    listing::AllRegions::Region(r, load) => {
                        if let listing::RegionLoad::Failed(why) = &load {
                            cx.error(format!("cannot list the instances of {r}: {why}"));
                        }
                        if let Some(rs) = &mut self.all_regions
                            && let Some(slot) = rs.iter_mut().find(|(name, _)| *name == r)
                        {
                            slot.1 = load;
                        }
                    }
                }
            }
            Got::Watched(result) => {
                if !self.watch.accept(req) {
                    return vec![];
                }
                match result {
                    Ok(list) => {
                        self.watch.answered();
                        let seen: Vec<String> = list.iter().map(|i| i.id.clone()).collect();
                        self.on_watched(list, cx);
                        // long terminated, no longer described: no longer followed
                        self.watch.missing(seen.iter().map(String::as_str));
                    }
                    Err(e) if e.code.as_deref().is_some_and(|c| c.ends_with(".NotFound")) => {
                        self.watch.forget_asked();
                    }
                    Err(e) => {
                        self.watch.round_failed("check instance state", &e, cx);
                    }
                }
            }
            Got::Described(Ok(list)) => {
                for inst in list {
                    self.upsert(inst);
                }
            }
            Got::Described(Err(e)) => tracing::warn!("describe instances: {e}"),
            Got::Protection(results) => {
                for (id, r) in results {
                    match r {
                        Ok(p) => self.list.update(&id, |row| row.protected = Some(p)),
                        Err(e) => tracing::warn!("termination protection of {id}: {e}"),
                    }
                }
            }
            Got::Checks(Ok(list)) => {
                for st in list {
                    let checks = st.checks();
                    self.list
                        .update(&st.id, |r| r.checks = Some(checks.clone()));
                }
            }
            Got::Checks(Err(e)) => tracing::warn!("status checks: {e}"),
            Got::Console { id, result } => {
                let here = self.console.as_deref() == Some(id.as_str());
                let page = cx.s.size.1.saturating_sub(5) as usize;
                if let Some(Dialog::Text(v)) = &mut cx.dialog
                    && v.pane == ID
                    && v.refresh == Some("console_output")
                    && here
                {
                    match result {
                        Ok(Some(text)) => {
                            let at_end = v.scroll + 1 >= v.lines.len() || v.lines.len() <= 1;
                            v.set_lines(text.lines().map(str::to_string).collect());
                            if at_end {
                                // like a log: the view ends with the newest line
                                v.scroll = v.lines.len().saturating_sub(page.max(1));
                            }
                            v.note = Some(format!(
                                "{} lines, the latest EC2 keeps (Ctrl-r asks again)",
                                v.lines.len()
                            ));
                        }
                        Ok(None) => {
                            v.set_lines(vec![
                                "No console output yet: EC2 has it once the instance has booted."
                                    .into(),
                            ]);
                            v.note = Some("Ctrl-r asks again".into());
                        }
                        Err(e) => {
                            let text = cx.s.with_hint(
                                &format!("cannot get the console output: {}", e.describe()),
                                &e,
                            );
                            if let Some(Dialog::Text(v)) = &mut cx.dialog {
                                v.note = Some(text.clone());
                            }
                            cx.log(Level::Error, &text);
                        }
                    }
                }
            }
            Got::SshPlan {
                id,
                image,
                key_file,
            } => {
                // still selected and running: the user may have moved on meanwhile
                let Some(inst) = self
                    .list
                    .selected()
                    .filter(|r| r.inst.id == id)
                    .map(|r| r.inst.clone())
                else {
                    return vec![];
                };
                if let Some(why) = crate::panes::kit::connect::refusal(&inst) {
                    cx.error(why);
                    return vec![];
                }
                return match crate::panes::kit::connect::ssh(
                    &self.connect,
                    &inst,
                    image.as_deref(),
                    key_file.as_deref(),
                ) {
                    Ok(e) => self.run(e, cx),
                    Err(e) => {
                        cx.error(e);
                        vec![]
                    }
                };
            }
            Got::UserData { id, result } => {
                if let Some((u, f)) = &mut self.user_data
                    && *u == id
                {
                    *f = match result {
                        Ok(u) => Fetch::Ready(u),
                        Err(e) => Fetch::Failed(e.describe()),
                    };
                }
            }
        }
        vec![]
    }
}
