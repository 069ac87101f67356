//! The snapshots pane: this account's EBS snapshots, newest first; a volume from a snapshot
//! in any AZ, a copy to another region (followed there until it completes), delete (typed
//! word, naming an AMI it backs); pending snapshots followed until they complete.

use std::any::Any;
use std::cmp::Ordering;

use crate::app::clip::CopyWhat;
use crate::app::{
    ActionSpec, Collection, Column, Cx, DetailsView, Effect, Field, Form, FormEvent, FormTag, Job,
    Pane, PaneSpec, Resource, Shared, TableOps, Tone, Watch, age, lower,
};
use crate::app::{Ask, Fact};
use crate::aws::Image;
use crate::aws::ops::*;
use crate::aws::{ApiResult, Op, Outcome, Page, Snapshot};

pub const ID: &str = "snapshots";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Name,
    Id,
    Volume,
    Size,
    State,
    Progress,
    Started,
    Encrypted,
}

const COLUMNS: &[(Col, Column)] = &[
    (Col::Name, Column::new("Name / Description", 34, 12)),
    (Col::Id, Column::new("Snapshot ID", 22, 22)),
    (Col::Volume, Column::new("Volume", 22, 8)),
    (Col::Size, Column::new("Size", 6, 5)),
    (Col::State, Column::new("State", 9, 7)),
    (Col::Progress, Column::new("Progress", 8, 5)),
    (Col::Started, Column::new("Started", 7, 7)),
    (Col::Encrypted, Column::new("Enc", 3, 3)),
];

impl Resource for Snapshot {
    type Col = Col;

    fn id(&self) -> &str {
        &self.id
    }
    fn columns() -> &'static [(Col, Column)] {
        COLUMNS
    }
    fn cell(&self, col: Col, now: i64) -> (String, Tone) {
        match col {
            Col::Name => {
                if !self.name.is_empty() {
                    (self.name.clone(), Tone::Normal)
                } else if !self.description.is_empty() {
                    (self.description.clone(), Tone::Normal)
                } else {
                    ("-".into(), Tone::Muted)
                }
            }
            Col::Id => (self.id.clone(), Tone::Normal),
            Col::Volume => (
                if self.volume_id.is_empty() {
                    "-".into()
                } else {
                    self.volume_id.clone()
                },
                Tone::Normal,
            ),
            Col::Size => (format!("{}G", self.size_gib), Tone::Normal),
            Col::State => (
                self.state.clone(),
                match self.state.as_str() {
                    "completed" => Tone::Good,
                    "pending" => Tone::Warn,
                    "error" => Tone::Bad,
                    _ => Tone::Muted,
                },
            ),
            Col::Progress => (self.progress.clone(), Tone::Normal),
            Col::Started => (age(self.started, now), Tone::Normal),
            Col::Encrypted => (
                if self.encrypted { "yes" } else { "no" }.into(),
                Tone::Normal,
            ),
        }
    }
    fn compare(&self, other: &Self, col: Col) -> Ordering {
        match col {
            Col::Size => self.size_gib.cmp(&other.size_gib),
            Col::Started => self.started.cmp(&other.started),
            c => crate::app::cmp_ci(&self.cell(c, 0).0, &other.cell(c, 0).0),
        }
    }
    fn tags(&self) -> &[(String, String)] {
        &self.tags
    }
    fn taggable() -> bool {
        true
    }
    fn set_tags(&mut self, tags: Vec<(String, String)>) {
        self.tags = tags;
    }
    fn value(&self, what: CopyWhat) -> Option<String> {
        (what == CopyWhat::Name).then(|| self.name.clone())
    }
    fn arn_resource(&self) -> Option<(String, bool)> {
        Some((format!("snapshot/{}", self.id), false))
    }
    fn to_json(&self, _now: i64) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    fn filter_text(&self) -> String {
        let mut s = format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.name, self.description, self.id, self.volume_id, self.state
        );
        for (k, v) in &self.tags {
            s.push_str(&format!("\u{1f}{k}={v}"));
        }
        lower(s)
    }
}

pub const F_DESCRIPTION: &str = "Description";

/// What this pane's fetches hand back.
enum Got {
    Page(ApiResult<Page<Snapshot>>),
    /// Snapshots followed, by region (None: ours).
    Watched(Vec<(Option<String>, ApiResult<Vec<Snapshot>>)>),
    Regions(ApiResult<Vec<String>>),
}

#[derive(Debug, Clone)]
enum SnapshotForm {
    Copy { snapshot: String },
    Delete { snapshot: String },
}

const ACTIONS: &[ActionSpec] = &[
    ActionSpec::new(
        "volume_from_snapshot",
        "create a volume from the snapshot (any AZ)",
        "volume",
    )
    .mutating(),
    ActionSpec::new(
        "copy_snapshot",
        "copy the snapshot to another region",
        "copy",
    )
    .mutating(),
    ActionSpec::new("delete_snapshot", "delete the snapshot", "delete").mutating(),
];

pub static SPEC: PaneSpec = PaneSpec {
    id: ID,
    title: "Snapshots pane",
    focus: "snapshots pane",
    one: "snapshot",
    commands: &["snapshots", "snapshot", "snap"],
    number: Some('4'),
    actions: ACTIONS,
    footer: &[
        "details",
        "filter",
        "volume_from_snapshot",
        "copy_snapshot",
        "delete_snapshot",
        "pane_volumes",
        "refresh",
        "help",
        "quit",
    ],
};

pub struct SnapshotsPane {
    pub list: Collection<Snapshot>,
    /// A listing waits for the account id (snapshots are listed by owner).
    wants_account: bool,
    /// Pending snapshots, here (None) or copies in another region.
    watch: Watch<Option<String>>,
    regions: Option<Vec<String>>,
}

impl Default for SnapshotsPane {
    fn default() -> Self {
        let mut list = Collection::default();
        list.set_sort(Col::Started, true);
        Self {
            list,
            wants_account: false,
            watch: Watch::default(),
            regions: None,
        }
    }
}

impl SnapshotsPane {
    fn selected(&mut self) -> Option<Snapshot> {
        self.list.refresh_view();
        self.list.selected().cloned()
    }

    fn follow_pending(&mut self, snaps: &[Snapshot]) {
        for s in snaps.iter().filter(|s| s.state == "pending") {
            if !self.watch.contains(&s.id) {
                self.watch.add(s.id.clone(), None);
            }
        }
    }

    fn propose_volume(&mut self, cx: &mut Cx) -> Vec<Effect> {
        match self.selected() {
            Some(s) if s.state == "completed" => {
                cx.ask(Ask::CreateVolumeFrom(s));
            }
            Some(s) => cx.error(format!(
                "{} is {}: wait until it is completed",
                s.id, s.state
            )),
            None => cx.error("no snapshot selected"),
        }
        vec![]
    }

    fn propose_copy(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(s) = self.selected() else {
            cx.error("no snapshot selected to copy");
            return vec![];
        };
        let form = Form::new(
            format!("Copy {} to another region", s.id),
            vec![
                Field::loading_choice(super::kit::F_REGION),
                Field::text(
                    F_DESCRIPTION,
                    &format!("Copy of {} from {}", s.id, cx.ctx.region),
                ),
            ],
        );
        cx.open_form(
            ID,
            form,
            FormTag::new(SnapshotForm::Copy { snapshot: s.id }),
        );
        match &self.regions {
            Some(r) => {
                super::kit::fill_regions(r, cx);
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

    fn propose_delete(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(s) = self.selected() else {
            cx.error("no snapshot selected to delete");
            return vec![];
        };
        let mut form = Form::new(
            format!("Delete {}", s.id),
            vec![Field::text(super::kit::F_DELETE, "")],
        );
        form.danger = true;
        form.intro.push(format!(
            "Delete snapshot {} ({} GiB, of {}).",
            s.id,
            s.size_gib,
            if s.volume_id.is_empty() {
                "-"
            } else {
                &s.volume_id
            }
        ));
        let backing: Vec<String> = cx
            .rows::<Image>()
            .filter(|i| i.snapshot_ids().contains(&s.id))
            .map(|i| format!("{} ({})", i.id, i.name))
            .collect();
        if !backing.is_empty() {
            form.intro.push(format!(
                "It backs AMI {}: AWS will refuse until that AMI is deregistered.",
                backing.join(", ")
            ));
        }
        cx.open_form(
            ID,
            form,
            FormTag::new(SnapshotForm::Delete { snapshot: s.id }),
        );
        vec![]
    }

    fn submit(&mut self, tag: &SnapshotForm, cx: &mut Cx) -> Vec<Effect> {
        let Some(form) = cx.form().cloned() else {
            return vec![];
        };
        let op = match tag.clone() {
            SnapshotForm::Copy { snapshot } => {
                let region = form.field(super::kit::F_REGION).get();
                if region.is_empty() {
                    return cx.form_error("choose a target region (the list is still loading?)");
                }
                Op::new(CopySnapshot {
                    snapshot,
                    region,
                    description: form.field(F_DESCRIPTION).get(),
                })
            }
            SnapshotForm::Delete { snapshot } => {
                if !cx.capturing() && form.field(super::kit::F_DELETE).get() != "delete" {
                    return cx.form_error("type delete and press Enter to confirm; Esc cancels");
                }
                Op::new(DeleteSnapshot { id: snapshot })
            }
        };
        cx.dialog = None;
        cx.info(format!("{}…", op.describe()));
        cx.call(ID, vec![op])
    }

    fn poll(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let req = cx.req();
        let Some(by_region) = self.watch.due_grouped(req) else {
            return vec![];
        };
        let job = super::kit::describe_by_region(
            "DescribeSnapshots",
            by_region,
            |api, region, ids| Box::pin(async move { api.describe_snapshots(region, ids).await }),
            Got::Watched,
        );
        vec![Effect::Fetch { pane: ID, req, job }]
    }

    fn on_watched(&mut self, region: Option<String>, list: Vec<Snapshot>, cx: &mut Cx) {
        for snap in list {
            let done = snap.state != "pending";
            self.watch.observe(&snap.id, done, |_| true);
            match &region {
                None => {
                    if snap.state == "completed" {
                        cx.ok(format!("snapshot {} is completed", snap.id));
                    }
                    self.list.upsert(snap);
                }
                Some(region) => match snap.state.as_str() {
                    "completed" => cx.ok(format!(
                        "snapshot copy {} in {region} is completed",
                        snap.id
                    )),
                    "error" => cx.error(format!("snapshot copy {} in {region} failed", snap.id)),
                    _ => cx.info(format!(
                        "snapshot copy {} in {region}: {}",
                        snap.id, snap.progress
                    )),
                },
            }
        }
    }
}

impl Pane for SnapshotsPane {
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
        "Snapshots: mine".into()
    }
    fn noun(&self) -> &'static str {
        "snapshots"
    }
    fn empty(&self, s: &Shared) -> String {
        format!("No snapshots of yours in {}.", s.ctx.region)
    }
    fn watching(&self) -> usize {
        self.watch.len()
    }

    fn refresh(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(owner) = cx.ctx.account.clone() else {
            self.wants_account = true;
            cx.info("waiting for the account id (STS GetCallerIdentity) to list your snapshots…");
            return vec![];
        };
        self.wants_account = false;
        let job = Job::pages(
            format!("DescribeSnapshots owner {owner}"),
            move |api, token| {
                let owner = owner.clone();
                Box::pin(async move { api.list_snapshots(owner, token).await })
            },
            Got::Page,
        );
        // which snapshots back AMIs: the AMIs pane lists its own images if it has not
        cx.ask(Ask::ListImages);
        cx.list(ID, &mut self.list, job)
    }

    fn on_action(&mut self, name: &'static str, cx: &mut Cx) -> Vec<Effect> {
        match name {
            "volume_from_snapshot" => self.propose_volume(cx),
            "copy_snapshot" => self.propose_copy(cx),
            "delete_snapshot" => self.propose_delete(cx),
            _ => vec![],
        }
    }

    fn details(&self, id: &str, _s: &Shared) -> Option<DetailsView> {
        let s = self.list.get(id)?;
        let mut d = DetailsView::build(s.id.clone(), 19);
        d.kv("Snapshot ID", s.id.clone())
            .kv("Name", s.name.clone())
            .kv("Description", s.description.clone())
            .kv("Volume", s.volume_id.clone())
            .kv("Size", format!("{} GiB", s.size_gib))
            .kv("State", format!("{} ({})", s.state, s.progress))
            .kv("Encrypted", if s.encrypted { "yes" } else { "no" })
            .kv("Owner", s.owner_id.clone())
            .blank()
            .heading(format!("Tags ({})", s.tags.len()));
        for (k, val) in &s.tags {
            d.text(format!("  {k} = {val}"));
        }
        Some(d.done())
    }

    fn on_form(&mut self, tag: &FormTag, ev: FormEvent, cx: &mut Cx) -> Vec<Effect> {
        match (tag.get::<SnapshotForm>(), ev) {
            (Some(t), FormEvent::Submit) => self.submit(t, cx),
            _ => vec![],
        }
    }

    fn on_loaded(&mut self, req: u64, data: Box<dyn Any + Send>, cx: &mut Cx) -> Vec<Effect> {
        let Ok(got) = data.downcast::<Got>() else {
            return vec![];
        };
        match *got {
            Got::Page(result) => {
                if let Ok(p) = &result {
                    self.follow_pending(&p.items);
                }
                cx.page(&mut self.list, req, result, "snapshots");
            }
            Got::Watched(results) => {
                if !self.watch.accept(req) {
                    return vec![];
                }
                let mut seen: Vec<String> = Vec::new();
                let mut all_answered = true;
                let mut failed = None;
                for (region, result) in results {
                    match result {
                        Ok(list) => {
                            seen.extend(list.iter().map(|s| s.id.clone()));
                            self.on_watched(region, list, cx)
                        }
                        Err(e) if e.code.as_deref().is_some_and(|c| c.ends_with(".NotFound")) => {
                            all_answered = false;
                            self.watch.forget_asked();
                        }
                        Err(e) => {
                            all_answered = false;
                            let what = match &region {
                                Some(r) => format!("check the copy in {r}"),
                                None => "check snapshots".to_string(),
                            };
                            failed = Some((what, e));
                        }
                    }
                }
                match failed {
                    // one failure per round, however many regions it asked
                    Some((what, e)) => {
                        self.watch.round_failed(&what, &e, cx);
                    }
                    None => self.watch.answered(),
                }
                if all_answered {
                    // a snapshot no longer described (deleted) is no longer followed
                    self.watch.missing(seen.iter().map(String::as_str));
                }
            }
            Got::Regions(Ok(r)) => {
                super::kit::fill_regions(&r, cx);
                self.regions = Some(r);
            }
            Got::Regions(Err(e)) => {
                return cx.form_error(format!("cannot list regions: {}", e.describe()));
            }
        }
        vec![]
    }

    fn on_done(
        &mut self,
        _req: u64,
        results: Vec<(Op, ApiResult<Outcome>)>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        let mut fx = Vec::new();
        for (op, result) in results {
            match &result {
                Ok(Outcome::Created(id)) => cx.ok(format!("{}: {id}", op.describe())),
                Ok(_) => cx.ok(op.describe()),
                Err(e) => cx.call_failed(&op.describe(), e),
            }
            if let (Ok(Outcome::Created(id)), Some(c)) = (&result, op.get::<CopySnapshot>()) {
                self.watch.add(id.clone(), Some(c.region.clone()));
                fx.extend(self.poll(cx));
            }
        }
        cx.tell(Fact::VolumesChanged);
        fx.extend(self.refresh(cx));
        fx
    }

    fn on_watch_due(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.poll(cx)
    }

    /// The listing that waited for the account id starts as soon as it is known.
    fn after_event(&mut self, cx: &mut Cx) -> Vec<Effect> {
        if self.wants_account && cx.ctx.account.is_some() {
            return self.refresh(cx);
        }
        vec![]
    }

    fn on_fact(&mut self, fact: &Fact, cx: &mut Cx) -> Vec<Effect> {
        match fact {
            Fact::SnapshotsChanged { listed_or_not }
                if *listed_or_not || *self.list.load() != crate::app::Load::Idle =>
            {
                self.refresh(cx)
            }
            _ => vec![],
        }
    }
}
