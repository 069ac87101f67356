//! The status and events pane's rows: one per scheduled event, or one per instance without.

use std::cmp::Ordering;

use super::{Column, Resource, Tone, instances::state_tone};
use crate::aws::{InstanceState, InstanceStatus, ScheduledEvent};

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

const COLUMNS: &[Column] = &[
    Column {
        title: "Name",
        width: 18,
        min: 8,
    },
    Column {
        title: "Instance ID",
        width: 19,
        min: 19,
    },
    Column {
        title: "State",
        width: 10,
        min: 7,
    },
    Column {
        title: "System",
        width: 12,
        min: 6,
    },
    Column {
        title: "Instance",
        width: 12,
        min: 6,
    },
    Column {
        title: "Event",
        width: 20,
        min: 10,
    },
    Column {
        title: "Not before",
        width: 25,
        min: 25,
    },
    Column {
        title: "Not after",
        width: 16,
        min: 16,
    },
    Column {
        title: "Deadline",
        width: 16,
        min: 16,
    },
    Column {
        title: "Description",
        width: 30,
        min: 10,
    },
    Column {
        title: "Reachability",
        width: 30,
        min: 8,
    },
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
    fn id(&self) -> &str {
        &self.key
    }

    fn columns() -> &'static [Column] {
        COLUMNS
    }

    fn cell(&self, col: usize, _now: i64) -> (String, Tone) {
        let soon = if self.due_soon() {
            Tone::Bad
        } else {
            Tone::Normal
        };
        let e = self.event.as_ref();
        match col {
            0 => (
                if self.name.is_empty() {
                    "-".into()
                } else {
                    self.name.clone()
                },
                Tone::Normal,
            ),
            1 => (self.instance_id.clone(), Tone::Normal),
            2 => (self.state.to_string(), state_tone(self.state)),
            3 => (self.system.clone(), status_tone(&self.system)),
            4 => (self.instance.clone(), status_tone(&self.instance)),
            5 => (
                e.map(|e| e.code.clone()).unwrap_or_else(|| "-".into()),
                if e.is_some() { soon } else { Tone::Muted },
            ),
            6 => (when(e.and_then(|e| e.not_before), self.now), soon),
            7 => (stamp(e.and_then(|e| e.not_after)), Tone::Normal),
            8 => (stamp(e.and_then(|e| e.deadline)), Tone::Normal),
            9 => (
                e.map(|e| e.description.clone()).unwrap_or_default(),
                Tone::Normal,
            ),
            10 => (self.reachability.clone(), Tone::Muted),
            _ => (String::new(), Tone::Normal),
        }
    }

    fn compare(&self, other: &Self, col: usize) -> Ordering {
        match col {
            // soonest first; instances without events after all events
            6 => {
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
