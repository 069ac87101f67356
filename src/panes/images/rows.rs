//! The rows of the AMIs pane: an image's columns, sort keys, state tone and filter text.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Name,
    Id,
    State,
    Arch,
    Virt,
    Root,
    Size,
    Created,
    Visibility,
    Description,
}

pub(super) const COLUMNS: &[(Col, Column)] = &[
    (Col::Name, Column::new("Name", 34, 16)),
    (Col::Id, Column::new("Image ID", 21, 21).id()),
    (Col::State, Column::new("State", 9, 7)),
    (Col::Arch, Column::new("Arch", 6, 6)),
    (Col::Virt, Column::new("Virt", 4, 4)),
    (Col::Root, Column::new("Root", 4, 4)),
    (Col::Size, Column::new("Size", 5, 4)),
    (Col::Created, Column::new("Created", 7, 7)),
    (Col::Visibility, Column::new("Visibility", 10, 7)),
    (Col::Description, Column::new("Description", 30, 8)),
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
    type Col = Col;

    fn id(&self) -> &str {
        &self.id
    }

    fn columns() -> &'static [(Col, Column)] {
        COLUMNS
    }

    fn cell(&self, col: Col, now: i64) -> (String, Tone) {
        let or_dash = |s: &str| {
            if s.is_empty() {
                ("-".to_string(), Tone::Muted)
            } else {
                (s.to_string(), Tone::Normal)
            }
        };
        match col {
            Col::Name => or_dash(&self.name),
            Col::Id => (self.id.clone(), Tone::Normal),
            Col::State => (self.state.clone(), state_tone(&self.state)),
            Col::Arch => (self.architecture.clone(), Tone::Normal),
            Col::Virt => (self.virtualization.clone(), Tone::Normal),
            Col::Root => (self.root_device_type.clone(), Tone::Normal),
            Col::Size => (format!("{}G", self.size_gib()), Tone::Normal),
            Col::Created => (age(self.created, now), Tone::Normal),
            Col::Visibility => (
                if self.public { "public" } else { "private" }.to_string(),
                if self.public {
                    Tone::Warn
                } else {
                    Tone::Normal
                },
            ),
            Col::Description => or_dash(&self.description),
        }
    }

    fn compare(&self, other: &Self, col: Col) -> Ordering {
        match col {
            Col::Name => crate::app::cmp_ci(&self.name, &other.name),
            Col::Id => self.id.cmp(&other.id),
            Col::State => self.state.cmp(&other.state),
            Col::Arch => self.architecture.cmp(&other.architecture),
            Col::Virt => self.virtualization.cmp(&other.virtualization),
            Col::Root => self.root_device_type.cmp(&other.root_device_type),
            Col::Size => self.size_gib().cmp(&other.size_gib()),
            Col::Created => self.created.cmp(&other.created),
            Col::Visibility => self.public.cmp(&other.public),
            Col::Description => self.description.cmp(&other.description),
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
        Some((format!("image/{}", self.id), false))
    }
    fn to_json(&self, _now: i64) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
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
