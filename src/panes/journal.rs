//! The journal pane: this session's journal entries (every mutating request, before it is
//! sent and with its outcome), newest first. `Tab` goes to the events pane.

use std::cmp::Ordering;

use crate::app::{
    ActionSpec, Collection, Column, Cx, DetailsView, Effect, Load, Pane, PaneSpec, Resource,
    Shared, TableOps, Tone,
};
use crate::journal::Entry;

pub const ID: &str = "journal";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalRow {
    /// Sequence number in the session, as text (the row id).
    pub seq: String,
    pub entry: Entry,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Seq,
    Time,
    Phase,
    Operation,
    Targets,
    Result,
    Code,
    Params,
}

const COLUMNS: &[(Col, Column)] = &[
    (Col::Seq, Column::new("#", 4, 3)),
    (Col::Time, Column::new("Time (UTC)", 12, 8)),
    (Col::Phase, Column::new("Phase", 7, 7)),
    (Col::Operation, Column::new("Operation", 24, 12)),
    (Col::Targets, Column::new("Targets", 24, 12)),
    (Col::Result, Column::new("Result", 6, 5)),
    (Col::Code, Column::new("Code / request id", 38, 10)),
    (Col::Params, Column::new("Parameters", 30, 8)),
];

impl Resource for JournalRow {
    type Col = Col;

    fn id(&self) -> &str {
        &self.seq
    }

    fn columns() -> &'static [(Col, Column)] {
        COLUMNS
    }

    fn cell(&self, col: Col, _now: i64) -> (String, Tone) {
        let e = &self.entry;
        match col {
            Col::Seq => (self.seq.clone(), Tone::Muted),
            Col::Time => (
                e.time.get(11..23).unwrap_or(&e.time).to_string(),
                Tone::Normal,
            ),
            Col::Phase => (
                e.phase.to_string(),
                if e.phase == "request" {
                    Tone::Muted
                } else {
                    Tone::Normal
                },
            ),
            Col::Operation => (e.operation.clone(), Tone::Accent),
            Col::Targets => (e.targets.join(", "), Tone::Normal),
            Col::Result => match e.result.as_deref() {
                Some("ok") => ("ok".into(), Tone::Good),
                Some(r) => (r.to_string(), Tone::Bad),
                None => (String::new(), Tone::Normal),
            },
            Col::Code => {
                let text = match (&e.code, &e.request_id) {
                    (Some(c), Some(r)) => format!("{c} {r}"),
                    (Some(c), None) => c.clone(),
                    (None, Some(r)) => r.clone(),
                    (None, None) => String::new(),
                };
                let tone = if e.code.is_some() {
                    Tone::Bad
                } else {
                    Tone::Muted
                };
                (text, tone)
            }
            Col::Params => (
                e.params
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(" "),
                Tone::Normal,
            ),
        }
    }

    fn compare(&self, other: &Self, col: Col) -> Ordering {
        match col {
            Col::Seq => self
                .seq
                .len()
                .cmp(&other.seq.len())
                .then(self.seq.cmp(&other.seq)),
            c => self.cell(c, 0).0.cmp(&other.cell(c, 0).0),
        }
    }

    fn filter_text(&self) -> String {
        let e = &self.entry;
        format!(
            "{} {} {} {} {} {} {} {}",
            e.time,
            e.phase,
            e.operation,
            e.targets.join(" "),
            e.result.as_deref().unwrap_or(""),
            e.code.as_deref().unwrap_or(""),
            e.request_id.as_deref().unwrap_or(""),
            e.message.as_deref().unwrap_or("")
        )
        .to_lowercase()
    }
}

const ACTIONS: &[ActionSpec] = &[ActionSpec::new(
    "switch_view",
    "switch between events and the journal",
    "events",
)];

pub static SPEC: PaneSpec = PaneSpec {
    id: ID,
    title: "Journal pane",
    focus: "journal of this session's changes",
    one: "journal entry",
    commands: &["journal", "j"],
    number: None,
    actions: ACTIONS,
    footer: &["details", "switch_view", "filter", "help", "quit"],
};

pub struct JournalPane {
    pub list: Collection<JournalRow>,
}

impl Default for JournalPane {
    fn default() -> Self {
        let mut list = Collection::default();
        list.set_sort(Col::Seq, true);
        list.load = Load::Loaded;
        Self { list }
    }
}

impl Pane for JournalPane {
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
        "Journal of this session (Tab: events)".into()
    }
    /// Opens on the newest entry.
    fn on_focus(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.list.refresh_view();
        self.list.select_pos(0, cx.table_rows());
        vec![]
    }

    fn noun(&self) -> &'static str {
        "journal entries"
    }
    fn empty(&self, _s: &Shared) -> String {
        "No changes yet in this session. Every mutating request is recorded here and in the journal file.".into()
    }

    fn on_action(&mut self, name: &'static str, cx: &mut Cx) -> Vec<Effect> {
        if name == "switch_view" {
            cx.focus("events");
        }
        vec![]
    }

    fn details(&self, id: &str, _s: &Shared) -> Option<DetailsView> {
        let r = self.list.get(id)?;
        let text = serde_json::to_string_pretty(&r.entry).unwrap_or_default();
        let mut v = DetailsView::build(format!("journal #{}", r.seq), 0);
        for l in text.lines() {
            v.text(l);
        }
        Some(v.done())
    }

    fn on_journal(&mut self, entry: &Entry) {
        let seq = (self.list.len() + 1).to_string();
        self.list.upsert(JournalRow {
            seq,
            entry: entry.clone(),
        });
    }
}
