//! The AMIs pane's rows.

use std::cmp::Ordering;

use super::{Column, Resource, Tone, age};
use crate::aws::Image;

pub type AmiRow = Image;

pub const COL_CREATED: usize = 7;

const COLUMNS: &[Column] = &[
    Column {
        title: "Name",
        width: 34,
        min: 16,
    },
    Column {
        title: "Image ID",
        width: 21,
        min: 21,
    },
    Column {
        title: "State",
        width: 9,
        min: 7,
    },
    Column {
        title: "Arch",
        width: 6,
        min: 6,
    },
    Column {
        title: "Virt",
        width: 4,
        min: 4,
    },
    Column {
        title: "Root",
        width: 4,
        min: 4,
    },
    Column {
        title: "Size",
        width: 5,
        min: 4,
    },
    Column {
        title: "Created",
        width: 7,
        min: 7,
    },
    Column {
        title: "Visibility",
        width: 10,
        min: 7,
    },
    Column {
        title: "Description",
        width: 30,
        min: 8,
    },
];

pub fn state_tone(s: &str) -> Tone {
    match s {
        "available" => Tone::Good,
        "pending" => Tone::Warn,
        "failed" | "error" | "invalid" => Tone::Bad,
        _ => Tone::Muted,
    }
}

impl Resource for Image {
    fn id(&self) -> &str {
        &self.id
    }

    fn columns() -> &'static [Column] {
        COLUMNS
    }

    fn cell(&self, col: usize, now: i64) -> (String, Tone) {
        let or_dash = |s: &str| {
            if s.is_empty() {
                ("-".to_string(), Tone::Muted)
            } else {
                (s.to_string(), Tone::Normal)
            }
        };
        match col {
            0 => or_dash(&self.name),
            1 => (self.id.clone(), Tone::Normal),
            2 => (self.state.clone(), state_tone(&self.state)),
            3 => (self.architecture.clone(), Tone::Normal),
            4 => (self.virtualization.clone(), Tone::Normal),
            5 => (self.root_device_type.clone(), Tone::Normal),
            6 => (format!("{}G", self.size_gib()), Tone::Normal),
            7 => (age(self.created, now), Tone::Normal),
            8 => (
                if self.public { "public" } else { "private" }.to_string(),
                if self.public {
                    Tone::Warn
                } else {
                    Tone::Normal
                },
            ),
            9 => or_dash(&self.description),
            _ => (String::new(), Tone::Normal),
        }
    }

    fn compare(&self, other: &Self, col: usize) -> Ordering {
        match col {
            0 => self.name.to_lowercase().cmp(&other.name.to_lowercase()),
            1 => self.id.cmp(&other.id),
            2 => self.state.cmp(&other.state),
            3 => self.architecture.cmp(&other.architecture),
            4 => self.virtualization.cmp(&other.virtualization),
            5 => self.root_device_type.cmp(&other.root_device_type),
            6 => self.size_gib().cmp(&other.size_gib()),
            7 => self.created.cmp(&other.created),
            8 => self.public.cmp(&other.public),
            9 => self.description.cmp(&other.description),
            _ => Ordering::Equal,
        }
    }

    fn filter_text(&self) -> String {
        let mut s = String::with_capacity(128);
        for part in [
            self.name.as_str(),
            &self.id,
            &self.state,
            &self.architecture,
            &self.virtualization,
            &self.root_device_type,
            &self.description,
            &self.owner_id,
            if self.public { "public" } else { "private" },
        ] {
            s.push_str(part);
            s.push('\u{1f}');
        }
        for (k, v) in &self.tags {
            s.push_str(k);
            s.push('=');
            s.push_str(v);
            s.push('\u{1f}');
        }
        for d in &self.devices {
            s.push_str(&d.snapshot_id);
            s.push('\u{1f}');
        }
        if s.is_ascii() {
            s.make_ascii_lowercase();
            s
        } else {
            s.to_lowercase()
        }
    }
}
