//! The rows of the volumes pane: a volume's columns, state tone, sort keys and filter text, and
//! whether it is in transition.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Name,
    Id,
    Size,
    Type,
    Iops,
    State,
    Az,
    AttachedTo,
    Encrypted,
    Created,
    Snapshot,
}

pub(super) const COLUMNS: &[(Col, Column)] = &[
    (Col::Name, Column::new("Name", 22, 10)),
    (Col::Id, Column::new("Volume ID", 22, 21)),
    (Col::Size, Column::new("Size", 6, 5)),
    (Col::Type, Column::new("Type", 8, 4)),
    (Col::Iops, Column::new("IOPS", 6, 5)),
    (Col::State, Column::new("State", 10, 8)),
    (Col::Az, Column::new("AZ", 11, 10)),
    (Col::AttachedTo, Column::new("Attached to", 30, 12)),
    (Col::Encrypted, Column::new("Enc", 3, 3)),
    (Col::Created, Column::new("Created", 7, 7)),
    (Col::Snapshot, Column::new("Snapshot", 22, 8)),
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

impl Resource for Volume {
    type Col = Col;

    fn id(&self) -> &str {
        &self.id
    }
    fn columns() -> &'static [(Col, Column)] {
        COLUMNS
    }
    fn cell(&self, col: Col, now: i64) -> (String, Tone) {
        let dash = |s: &str| {
            if s.is_empty() {
                ("-".to_string(), Tone::Muted)
            } else {
                (s.to_string(), Tone::Normal)
            }
        };
        match col {
            Col::Name => dash(&self.name),
            Col::Id => (self.id.clone(), Tone::Normal),
            Col::Size => (format!("{}G", self.size_gib), Tone::Normal),
            Col::Type => (self.volume_type.clone(), Tone::Normal),
            Col::Iops => self
                .iops
                .map(|i| (i.to_string(), Tone::Normal))
                .unwrap_or(("-".into(), Tone::Muted)),
            Col::State => (self.state.clone(), volume_tone(&self.state)),
            Col::Az => (self.az.clone(), Tone::Normal),
            Col::AttachedTo => match self.attachments.first() {
                Some(a) if !self.attached_name.is_empty() => (
                    format!("{} ({}) {}", self.attached_name, a.instance_id, a.device),
                    Tone::Normal,
                ),
                Some(a) => (format!("{} {}", a.instance_id, a.device), Tone::Normal),
                None => ("-".into(), Tone::Muted),
            },
            Col::Encrypted => (
                if self.encrypted { "yes" } else { "no" }.into(),
                if self.encrypted {
                    Tone::Normal
                } else {
                    Tone::Warn
                },
            ),
            Col::Created => (age(self.created, now), Tone::Normal),
            Col::Snapshot => dash(&self.snapshot_id),
        }
    }
    fn compare(&self, other: &Self, col: Col) -> Ordering {
        match col {
            Col::Size => self.size_gib.cmp(&other.size_gib),
            Col::Iops => self.iops.cmp(&other.iops),
            Col::Created => self.created.cmp(&other.created),
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
        self.name = crate::aws::name_from_tags(&tags);
        self.tags = tags;
    }
    fn value(&self, what: CopyWhat) -> Option<String> {
        (what == CopyWhat::Name).then(|| self.name.clone())
    }
    fn arn_resource(&self) -> Option<(String, bool)> {
        Some((format!("volume/{}", self.id), true))
    }
    fn to_json(&self, _now: i64) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
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

/// A volume in transition: its state will move by itself.
pub(super) fn in_transition(v: &Volume) -> bool {
    matches!(v.state.as_str(), "creating" | "deleting")
        || v.attachments
            .iter()
            .any(|a| matches!(a.state.as_str(), "attaching" | "detaching"))
}
