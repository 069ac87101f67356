//! The status checks and scheduled events pane: a row per scheduled event (or per instance
//! without one), soonest first, events due within a week in red. `Enter` goes to the
//! instance, `Tab` to the journal.

use std::any::Any;
use std::cmp::Ordering;

use super::kit::state_tone;
use crate::app::{
    ActionSpec, Collection, Column, Cx, Effect, Job, Pane, PaneSpec, Resource, Shared, TableOps,
    Tone,
};
use crate::app::{Ask, Fact};
use crate::aws::Instance;
use crate::aws::{ApiResult, InstanceState, InstanceStatus, Page, ScheduledEvent};

pub const ID: &str = "events";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// `<instance id>#<n>`: unique per event.
    pub key: String,
    pub instance_id: String,
    pub name: String,
    pub state: InstanceState,
    pub system: String,
    pub instance: String,
    pub reachability: String,
    pub event: Option<ScheduledEvent>,
    /// The clock the rows were built at, for "due soon".
    pub now: i64,
}

/// A week: events due sooner stand out.
pub const SOON: i64 = 7 * 86_400;

impl EventRow {
    pub fn from_status(s: &InstanceStatus, name: &str, now: i64) -> Vec<EventRow> {
        let reach = s
            .reachability
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join(", ");
        let base = |n: usize, event: Option<ScheduledEvent>| EventRow {
            key: format!("{}#{n}", s.id),
            instance_id: s.id.clone(),
            name: name.to_string(),
            state: s.state,
            system: s.system_status.clone(),
            instance: s.instance_status.clone(),
            reachability: reach.clone(),
            event,
            now,
        };
        if s.events.is_empty() {
            return vec![base(0, None)];
        }
        s.events
            .iter()
            .enumerate()
            .map(|(n, e)| base(n, Some(e.clone())))
            .collect()
    }

    pub fn due_soon(&self) -> bool {
        self.event
            .as_ref()
            .and_then(|e| e.not_before)
            .is_some_and(|t| t - self.now < SOON)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Name,
    Id,
    State,
    System,
    Instance,
    Event,
    NotBefore,
    NotAfter,
    Deadline,
    Description,
    Reachability,
}

const COLUMNS: &[(Col, Column)] = &[
    (Col::Name, Column::new("Name", 18, 8)),
    (Col::Id, Column::new("Instance ID", 19, 19)),
    (Col::State, Column::new("State", 10, 7)),
    (Col::System, Column::new("System", 12, 6)),
    (Col::Instance, Column::new("Instance", 12, 6)),
    (Col::Event, Column::new("Event", 20, 10)),
    (Col::NotBefore, Column::new("Not before", 25, 25)),
    (Col::NotAfter, Column::new("Not after", 16, 16)),
    (Col::Deadline, Column::new("Deadline", 16, 16)),
    (Col::Description, Column::new("Description", 30, 10)),
    (Col::Reachability, Column::new("Reachability", 30, 8)),
];

fn when(t: Option<i64>, now: i64) -> String {
    let Some(t) = t else { return String::new() };
    let stamp = crate::aws::fmt_time(t);
    let d = t - now;
    let rel = if d < 0 {
        "past".to_string()
    } else if d < 86_400 {
        format!("in {}h", d / 3600)
    } else {
        format!("in {}d", d / 86_400)
    };
    format!("{} ({rel})", &stamp[..16])
}

fn stamp(t: Option<i64>) -> String {
    t.map(|t| crate::aws::fmt_time(t)[..16].to_string())
        .unwrap_or_default()
}

fn status_tone(s: &str) -> Tone {
    match s {
        "ok" | "passed" => Tone::Good,
        "impaired" | "failed" => Tone::Bad,
        "initializing" | "insufficient-data" => Tone::Warn,
        _ => Tone::Muted,
    }
}

impl Resource for EventRow {
    type Col = Col;

    fn id(&self) -> &str {
        &self.key
    }

    fn value(&self, what: crate::app::clip::CopyWhat) -> Option<String> {
        // the row's key is `<instance id>#<n>`: `y` copies the instance's id
        (what == crate::app::clip::CopyWhat::Id).then(|| self.instance_id.clone())
    }

    fn columns() -> &'static [(Col, Column)] {
        COLUMNS
    }

    fn cell(&self, col: Col, _now: i64) -> (String, Tone) {
        let soon = if self.due_soon() {
            Tone::Bad
        } else {
            Tone::Normal
        };
        let e = self.event.as_ref();
        match col {
            Col::Name => (
                if self.name.is_empty() {
                    "-".into()
                } else {
                    self.name.clone()
                },
                Tone::Normal,
            ),
            Col::Id => (self.instance_id.clone(), Tone::Normal),
            Col::State => (self.state.to_string(), state_tone(self.state)),
            Col::System => (self.system.clone(), status_tone(&self.system)),
            Col::Instance => (self.instance.clone(), status_tone(&self.instance)),
            Col::Event => (
                e.map(|e| e.code.clone()).unwrap_or_else(|| "-".into()),
                if e.is_some() { soon } else { Tone::Muted },
            ),
            Col::NotBefore => (when(e.and_then(|e| e.not_before), self.now), soon),
            Col::NotAfter => (stamp(e.and_then(|e| e.not_after)), Tone::Normal),
            Col::Deadline => (stamp(e.and_then(|e| e.deadline)), Tone::Normal),
            Col::Description => (
                e.map(|e| e.description.clone()).unwrap_or_default(),
                Tone::Normal,
            ),
            Col::Reachability => (self.reachability.clone(), Tone::Muted),
        }
    }

    fn compare(&self, other: &Self, col: Col) -> Ordering {
        match col {
            // soonest first; instances without events after all events
            Col::NotBefore => {
                let k = |r: &Self| {
                    r.event
                        .as_ref()
                        .and_then(|e| e.not_before)
                        .unwrap_or(i64::MAX)
                };
                k(self).cmp(&k(other))
            }
            c => self.cell(c, 0).0.cmp(&other.cell(c, 0).0),
        }
    }

    fn filter_text(&self) -> String {
        let e = self.event.as_ref();
        format!(
            "{} {} {} {} {} {} {} {}",
            self.name,
            self.instance_id,
            self.state,
            self.system,
            self.instance,
            e.map(|e| e.code.as_str()).unwrap_or(""),
            e.map(|e| e.description.as_str()).unwrap_or(""),
            self.reachability
        )
        .to_lowercase()
    }
}

/// What this pane's fetch hands back.
pub struct Got(pub ApiResult<Page<InstanceStatus>>);

const ACTIONS: &[ActionSpec] = &[
    ActionSpec::new(
        "switch_view",
        "switch between events and the journal",
        "journal",
    ),
    ActionSpec::new(
        "jump_to_instance",
        "go to the instance in the instances pane",
        "go to instance",
    ),
];

pub static SPEC: PaneSpec = PaneSpec {
    id: ID,
    title: "Status & events pane",
    focus: "status checks and scheduled events",
    one: "event",
    commands: &["events", "status"],
    number: Some('5'),
    actions: ACTIONS,
    footer: &[
        "jump_to_instance",
        "switch_view",
        "filter",
        "refresh",
        "help",
        "quit",
    ],
};

pub struct EventsPane {
    pub list: Collection<EventRow>,
    /// Rows that arrived before their instance: named once the instance is listed.
    unnamed: usize,
}

impl Default for EventsPane {
    fn default() -> Self {
        let mut list = Collection::default();
        list.set_sort(Col::NotBefore, false);
        Self { list, unnamed: 0 }
    }
}

impl Pane for EventsPane {
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
        "Status & events (Tab: journal)".into()
    }
    fn noun(&self) -> &'static str {
        "instance status"
    }
    fn empty(&self, _s: &Shared) -> String {
        "No instances, so no status checks or events.".into()
    }

    fn refresh(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let job = Job::pages(
            "DescribeInstanceStatus",
            |api, token| Box::pin(async move { api.instance_statuses(token).await }),
            Got,
        );
        cx.list(ID, &mut self.list, job)
    }

    fn on_action(&mut self, name: &'static str, cx: &mut Cx) -> Vec<Effect> {
        match name {
            "switch_view" => cx.focus("journal"),
            _ => {
                self.list.refresh_view();
                if let Some(id) = self.list.selected().map(|r| r.instance_id.clone()) {
                    cx.ask(Ask::ShowInstance(id));
                }
            }
        }
        vec![]
    }

    fn on_loaded(&mut self, req: u64, data: Box<dyn Any + Send>, cx: &mut Cx) -> Vec<Effect> {
        let Ok(got) = data.downcast::<Got>() else {
            return vec![];
        };
        match got.0 {
            Ok(page) => {
                let last = page.next_token.is_none();
                let mut rows = Vec::new();
                let mut checks = Vec::new();
                for st in &page.items {
                    checks.push((st.id.clone(), st.checks()));
                    let name = cx
                        .find::<Instance>(&st.id)
                        .map(|i| i.name.clone())
                        .unwrap_or_default();
                    rows.extend(EventRow::from_status(st, &name, cx.now));
                }
                self.unnamed += rows.iter().filter(|r| r.name.is_empty()).count();
                if self.list.apply_page(req, rows, last) && last {
                    cx.listed();
                }
                cx.tell(Fact::Checks(checks));
            }
            Err(e) => {
                if self.list.fail(req, e.clone()) && cx.focused == ID {
                    cx.error_with_hint("cannot read instance status", &e);
                }
            }
        }
        vec![]
    }

    /// Rows that arrived before their instance get its name once it is listed.
    fn after_event(&mut self, cx: &mut Cx) -> Vec<Effect> {
        if self.unnamed == 0 {
            return vec![];
        }
        let named: Vec<(String, String)> = self
            .list
            .ids()
            .filter_map(|k| {
                let row = self.list.get(k)?;
                if !row.name.is_empty() {
                    return None;
                }
                let name = &cx.find::<Instance>(&row.instance_id)?.name;
                (!name.is_empty()).then(|| (k.to_string(), name.clone()))
            })
            .collect();
        for (k, name) in named {
            self.list.update(&k, |r| r.name = name);
        }
        self.unnamed = self
            .list
            .ids()
            .filter(|k| self.list.get(k).is_some_and(|r| r.name.is_empty()))
            .count();
        vec![]
    }
}
