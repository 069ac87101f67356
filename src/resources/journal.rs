//! The journal pane's rows: this session's journal entries.

use std::cmp::Ordering;

use super::{Column, Resource, Tone};
use crate::journal::Entry;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalRow {
    /// Sequence number in the session, as text (the row id).
    pub seq: String,
    pub entry: Entry,
}

const COLUMNS: &[Column] = &[
    Column {
        title: "#",
        width: 4,
        min: 3,
    },
    Column {
        title: "Time (UTC)",
        width: 12,
        min: 8,
    },
    Column {
        title: "Phase",
        width: 7,
        min: 7,
    },
    Column {
        title: "Operation",
        width: 24,
        min: 12,
    },
    Column {
        title: "Targets",
        width: 24,
        min: 12,
    },
    Column {
        title: "Result",
        width: 6,
        min: 5,
    },
    Column {
        title: "Code / request id",
        width: 38,
        min: 10,
    },
    Column {
        title: "Parameters",
        width: 30,
        min: 8,
    },
];

impl Resource for JournalRow {
    fn id(&self) -> &str {
        &self.seq
    }

    fn columns() -> &'static [Column] {
        COLUMNS
    }

    fn cell(&self, col: usize, _now: i64) -> (String, Tone) {
        let e = &self.entry;
        match col {
            0 => (self.seq.clone(), Tone::Muted),
            1 => (
                e.time.get(11..23).unwrap_or(&e.time).to_string(),
                Tone::Normal,
            ),
            2 => (
                e.phase.to_string(),
                if e.phase == "request" {
                    Tone::Muted
                } else {
                    Tone::Normal
                },
            ),
            3 => (e.operation.clone(), Tone::Accent),
            4 => (e.targets.join(", "), Tone::Normal),
            5 => match e.result.as_deref() {
                Some("ok") => ("ok".into(), Tone::Good),
                Some(r) => (r.to_string(), Tone::Bad),
                None => (String::new(), Tone::Normal),
            },
            6 => {
                let text = match (&e.code, &e.request_id) {
                    (Some(c), Some(r)) => format!("{c} {r}"),
                    (Some(c), None) => c.clone(),
                    (None, Some(r)) => r.clone(),
                    (None, None) => String::new(),
                };
                (
                    text,
                    if e.code.is_some() {
                        Tone::Bad
                    } else {
                        Tone::Muted
                    },
                )
            }
            7 => (
                e.params
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(" "),
                Tone::Normal,
            ),
            _ => (String::new(), Tone::Normal),
        }
    }

    fn compare(&self, other: &Self, col: usize) -> Ordering {
        match col {
            0 => self
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
