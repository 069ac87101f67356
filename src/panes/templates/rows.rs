//! The rows of the launch templates pane: a template's columns, sort keys and filter text.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Name,
    Id,
    Default,
    Latest,
    CreatedBy,
    Created,
}

pub(super) const COLUMNS: &[(Col, Column)] = &[
    (Col::Name, Column::new("Name", 24, 10)),
    (Col::Id, Column::new("Template ID", 21, 12)),
    (Col::Default, Column::new("Default", 7, 4)),
    (Col::Latest, Column::new("Latest", 6, 4)),
    (Col::CreatedBy, Column::new("Created by", 30, 10)),
    (Col::Created, Column::new("Created", 8, 7)),
];

impl Resource for LaunchTemplate {
    type Col = Col;

    fn id(&self) -> &str {
        &self.id
    }
    fn columns() -> &'static [(Col, Column)] {
        COLUMNS
    }
    fn cell(&self, col: Col, now: i64) -> (String, Tone) {
        match col {
            Col::Name => (self.name.clone(), Tone::Normal),
            Col::Id => (self.id.clone(), Tone::Normal),
            Col::Default => (self.default_version.to_string(), Tone::Normal),
            Col::Latest => (
                self.latest_version.to_string(),
                if self.latest_version != self.default_version {
                    Tone::Warn
                } else {
                    Tone::Normal
                },
            ),
            Col::CreatedBy => (
                // the ARN's last part says who: "user/ops"
                self.created_by
                    .rsplit(':')
                    .next()
                    .unwrap_or_default()
                    .to_string(),
                Tone::Muted,
            ),
            Col::Created => (age(self.created, now), Tone::Normal),
        }
    }
    fn compare(&self, other: &Self, col: Col) -> Ordering {
        match col {
            Col::Name => crate::app::cmp_ci(&self.name, &other.name),
            Col::Default => self.default_version.cmp(&other.default_version),
            Col::Latest => self.latest_version.cmp(&other.latest_version),
            Col::Created => self.created.cmp(&other.created),
            c => self.cell(c, 0).0.cmp(&other.cell(c, 0).0),
        }
    }
    fn filter_text(&self) -> String {
        let mut s = format!("{}\u{1f}{}\u{1f}{}", self.name, self.id, self.created_by);
        for (k, v) in &self.tags {
            s.push_str(&format!("\u{1f}{k}={v}"));
        }
        s.to_lowercase()
    }
}
