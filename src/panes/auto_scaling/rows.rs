//! The rows of the Auto Scaling pane: a group, its columns, what is old.

use super::*;

/// A member launched from something else than what its group launches from now: another
/// template, another version (`resolved` is the number `$Latest`/`$Default` stand for, when
/// known), another launch configuration.
pub fn is_old(g: &AutoScalingGroup, m: &GroupMember, resolved: Option<i64>) -> bool {
    match &g.template {
        Some(t) => {
            if m.template_version.is_empty() {
                // launched from a launch configuration, or not said
                return !m.launch_configuration.is_empty();
            }
            m.template_version != t.version
                && resolved.is_none_or(|n| m.template_version != n.to_string())
        }
        None => m.launch_configuration != g.launch_configuration,
    }
}

/// A group's row: the group, its old members, its latest refresh, a rollout's progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    pub g: AutoScalingGroup,
    /// The members on another version than the group's.
    pub old: Vec<String>,
    /// The latest instance refresh, when read.
    pub refresh: Option<InstanceRefresh>,
    /// A rollout's progress ("replacing 2 of 4").
    pub progress: String,
}

impl GroupRow {
    pub fn in_service(&self) -> usize {
        self.g
            .members
            .iter()
            .filter(|m| m.in_service() && m.healthy())
            .count()
    }
    pub(super) fn launches_from(&self) -> String {
        match &self.g.template {
            Some(t) => {
                let name = if t.name.is_empty() { &t.id } else { &t.name };
                format!("{name} {}", t.version)
            }
            None if !self.g.launch_configuration.is_empty() => {
                format!("lc {}", self.g.launch_configuration)
            }
            None => "-".into(),
        }
    }
    /// Being changed by someone: members on their way in or out, fewer than desired, a
    /// refresh or a deletion.
    pub fn moving(&self) -> bool {
        let g = &self.g;
        let active = g.members.iter().filter(|m| !m.leaving()).count() as i32;
        active != g.desired
            || g.members.iter().any(|m| !(m.in_service() && m.healthy()))
            || self.refresh.as_ref().is_some_and(InstanceRefresh::running)
            || !g.status.is_empty()
    }
    pub(super) fn status(&self) -> (String, Tone) {
        if !self.progress.is_empty() {
            let tone = if self.progress.contains("failed") {
                Tone::Bad
            } else {
                Tone::Accent
            };
            return (self.progress.clone(), tone);
        }
        if let Some(r) = self.refresh.as_ref().filter(|r| r.running()) {
            return (
                format!("refresh {} {}%", r.status, r.percentage),
                Tone::Accent,
            );
        }
        if !self.g.status.is_empty() {
            return (self.g.status.clone(), Tone::Warn);
        }
        ("-".into(), Tone::Muted)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Name,
    LaunchesFrom,
    Capacity,
    InService,
    Zones,
    HealthCheck,
    Old,
    Status,
}

pub(super) const COLUMNS: &[(Col, Column)] = &[
    (Col::Name, Column::new("Name", 24, 10)),
    (Col::LaunchesFrom, Column::new("Template / config", 22, 10)),
    (Col::Capacity, Column::new("Min/Des/Max", 11, 8)),
    (Col::InService, Column::new("In service", 10, 6)),
    (Col::Zones, Column::new("AZs", 6, 3)),
    (Col::HealthCheck, Column::new("Health", 6, 4)),
    (Col::Old, Column::new("Old ver", 7, 3)),
    (Col::Status, Column::new("Status", 24, 8)),
];

/// Words into lines of at most `width` characters (a longer word gets a line of its own).
pub(super) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for w in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + w.chars().count() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(w);
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

/// At most `w` characters, with … when cut.
pub(super) fn short(s: &str, w: usize) -> String {
    if s.chars().count() <= w {
        s.to_string()
    } else {
        s.chars().take(w.saturating_sub(1)).collect::<String>() + "…"
    }
}

/// `eu-west-1a, eu-west-1b` → `a,b` (the region is in the header).
pub(super) fn zones(azs: &[String]) -> String {
    let Some(first) = azs.first() else {
        return "-".into();
    };
    // (an untrusted name: cut before its last character, on a char boundary)
    let region = first.char_indices().last().map_or("", |(i, _)| &first[..i]);
    if azs
        .iter()
        .all(|a| a.len() == first.len() && a.starts_with(region))
    {
        let letters: Vec<&str> = azs.iter().map(|a| &a[region.len()..]).collect();
        letters.join(",")
    } else {
        azs.join(",")
    }
}

impl Resource for GroupRow {
    type Col = Col;

    fn id(&self) -> &str {
        &self.g.name
    }
    fn columns() -> &'static [(Col, Column)] {
        COLUMNS
    }
    fn cell(&self, col: Col, _now: i64) -> (String, Tone) {
        let g = &self.g;
        match col {
            Col::Name => (g.name.clone(), Tone::Normal),
            Col::LaunchesFrom => (self.launches_from(), Tone::Normal),
            Col::Capacity => (format!("{}/{}/{}", g.min, g.desired, g.max), Tone::Normal),
            Col::InService => {
                let n = self.in_service();
                let total = g.members.iter().filter(|m| !m.leaving()).count();
                (
                    format!("{n}/{total}"),
                    if (n as i32) < g.desired {
                        Tone::Warn
                    } else {
                        Tone::Good
                    },
                )
            }
            Col::Zones => (zones(&g.azs), Tone::Muted),
            Col::HealthCheck => (g.health_check_type.clone(), Tone::Normal),
            Col::Old => {
                let n = self.old.len();
                (n.to_string(), if n > 0 { Tone::Warn } else { Tone::Muted })
            }
            Col::Status => self.status(),
        }
    }
    fn compare(&self, other: &Self, col: Col) -> Ordering {
        match col {
            Col::Name => crate::app::cmp_ci(&self.g.name, &other.g.name),
            Col::Capacity => (self.g.desired, self.g.min, self.g.max).cmp(&(
                other.g.desired,
                other.g.min,
                other.g.max,
            )),
            Col::InService => self.in_service().cmp(&other.in_service()),
            Col::Old => self.old.len().cmp(&other.old.len()),
            c => self.cell(c, 0).0.cmp(&other.cell(c, 0).0),
        }
    }
    fn filter_text(&self) -> String {
        let mut s = format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.g.name,
            self.launches_from(),
            self.g.health_check_type,
            self.g.azs.join(" "),
            self.status().0
        );
        for m in &self.g.members {
            s.push_str(&format!("\u{1f}{}", m.instance_id));
        }
        for (k, v) in &self.g.tags {
            s.push_str(&format!("\u{1f}{k}={v}"));
        }
        s.to_lowercase()
    }
}
