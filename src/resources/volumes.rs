//! The volumes and snapshots panes' rows.

use std::cmp::Ordering;

use super::{Column, Resource, Tone, age};
use crate::aws::{Snapshot, Volume};

const VOLUME_COLUMNS: &[Column] = &[
    Column {
        title: "Name",
        width: 22,
        min: 10,
    },
    Column {
        title: "Volume ID",
        width: 22,
        min: 21,
    },
    Column {
        title: "Size",
        width: 6,
        min: 5,
    },
    Column {
        title: "Type",
        width: 8,
        min: 4,
    },
    Column {
        title: "IOPS",
        width: 6,
        min: 5,
    },
    Column {
        title: "State",
        width: 10,
        min: 8,
    },
    Column {
        title: "AZ",
        width: 11,
        min: 10,
    },
    Column {
        title: "Attached to",
        width: 30,
        min: 12,
    },
    Column {
        title: "Enc",
        width: 3,
        min: 3,
    },
    Column {
        title: "Created",
        width: 7,
        min: 7,
    },
    Column {
        title: "Snapshot",
        width: 22,
        min: 8,
    },
];

pub fn volume_tone(state: &str) -> Tone {
    match state {
        "available" => Tone::Good,
        "in-use" => Tone::Accent,
        "creating" | "deleting" => Tone::Warn,
        "error" => Tone::Bad,
        _ => Tone::Muted,
    }
}

fn lower(mut s: String) -> String {
    if s.is_ascii() {
        s.make_ascii_lowercase();
        s
    } else {
        s.to_lowercase()
    }
}

impl Resource for Volume {
    fn id(&self) -> &str {
        &self.id
    }
    fn columns() -> &'static [Column] {
        VOLUME_COLUMNS
    }
    fn cell(&self, col: usize, now: i64) -> (String, Tone) {
        let dash = |s: &str| {
            if s.is_empty() {
                ("-".to_string(), Tone::Muted)
            } else {
                (s.to_string(), Tone::Normal)
            }
        };
        match col {
            0 => dash(&self.name),
            1 => (self.id.clone(), Tone::Normal),
            2 => (format!("{}G", self.size_gib), Tone::Normal),
            3 => (self.volume_type.clone(), Tone::Normal),
            4 => self
                .iops
                .map(|i| (i.to_string(), Tone::Normal))
                .unwrap_or(("-".into(), Tone::Muted)),
            5 => (self.state.clone(), volume_tone(&self.state)),
            6 => (self.az.clone(), Tone::Normal),
            7 => match self.attachments.first() {
                Some(a) if !self.attached_name.is_empty() => (
                    format!("{} ({}) {}", self.attached_name, a.instance_id, a.device),
                    Tone::Normal,
                ),
                Some(a) => (format!("{} {}", a.instance_id, a.device), Tone::Normal),
                None => ("-".into(), Tone::Muted),
            },
            8 => (
                if self.encrypted { "yes" } else { "no" }.into(),
                if self.encrypted {
                    Tone::Normal
                } else {
                    Tone::Warn
                },
            ),
            9 => (age(self.created, now), Tone::Normal),
            10 => dash(&self.snapshot_id),
            _ => (String::new(), Tone::Normal),
        }
    }
    fn compare(&self, other: &Self, col: usize) -> Ordering {
        match col {
            2 => self.size_gib.cmp(&other.size_gib),
            4 => self.iops.cmp(&other.iops),
            9 => self.created.cmp(&other.created),
            c => self
                .cell(c, 0)
                .0
                .to_lowercase()
                .cmp(&other.cell(c, 0).0.to_lowercase()),
        }
    }
    fn filter_text(&self) -> String {
        let mut s = format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.name,
            self.id,
            self.volume_type,
            self.state,
            self.az,
            self.snapshot_id,
            self.size_gib
        );
        for a in &self.attachments {
            s.push_str(&format!(
                "\u{1f}{} {} {}",
                self.attached_name, a.instance_id, a.device
            ));
        }
        for (k, v) in &self.tags {
            s.push_str(&format!("\u{1f}{k}={v}"));
        }
        lower(s)
    }
}

const SNAPSHOT_COLUMNS: &[Column] = &[
    Column {
        title: "Name / Description",
        width: 34,
        min: 12,
    },
    Column {
        title: "Snapshot ID",
        width: 22,
        min: 22,
    },
    Column {
        title: "Volume",
        width: 22,
        min: 8,
    },
    Column {
        title: "Size",
        width: 6,
        min: 5,
    },
    Column {
        title: "State",
        width: 9,
        min: 7,
    },
    Column {
        title: "Progress",
        width: 8,
        min: 5,
    },
    Column {
        title: "Started",
        width: 7,
        min: 7,
    },
    Column {
        title: "Enc",
        width: 3,
        min: 3,
    },
];

impl Resource for Snapshot {
    fn id(&self) -> &str {
        &self.id
    }
    fn columns() -> &'static [Column] {
        SNAPSHOT_COLUMNS
    }
    fn cell(&self, col: usize, now: i64) -> (String, Tone) {
        match col {
            0 => {
                if !self.name.is_empty() {
                    (self.name.clone(), Tone::Normal)
                } else if !self.description.is_empty() {
                    (self.description.clone(), Tone::Normal)
                } else {
                    ("-".into(), Tone::Muted)
                }
            }
            1 => (self.id.clone(), Tone::Normal),
            2 => (
                if self.volume_id.is_empty() {
                    "-".into()
                } else {
                    self.volume_id.clone()
                },
                Tone::Normal,
            ),
            3 => (format!("{}G", self.size_gib), Tone::Normal),
            4 => (
                self.state.clone(),
                match self.state.as_str() {
                    "completed" => Tone::Good,
                    "pending" => Tone::Warn,
                    "error" => Tone::Bad,
                    _ => Tone::Muted,
                },
            ),
            5 => (self.progress.clone(), Tone::Normal),
            6 => (age(self.started, now), Tone::Normal),
            7 => (
                if self.encrypted { "yes" } else { "no" }.into(),
                Tone::Normal,
            ),
            _ => (String::new(), Tone::Normal),
        }
    }
    fn compare(&self, other: &Self, col: usize) -> Ordering {
        match col {
            3 => self.size_gib.cmp(&other.size_gib),
            6 => self.started.cmp(&other.started),
            c => self
                .cell(c, 0)
                .0
                .to_lowercase()
                .cmp(&other.cell(c, 0).0.to_lowercase()),
        }
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
