//! The instances pane's rows.

use std::cmp::Ordering;

use super::{Column, Resource, Tone, age, cmp_ip};
use crate::aws::{Instance, InstanceState};

/// An instance row: the instance plus what the console learned about it separately.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceRow {
    pub inst: Instance,
    /// Termination protection (`DescribeInstanceAttribute`), fetched for visible rows only.
    pub protected: Option<bool>,
    /// Status checks (`2/2`, `1/2 impaired`, `initializing`) from `DescribeInstanceStatus`.
    pub checks: Option<String>,
}

impl From<Instance> for InstanceRow {
    fn from(inst: Instance) -> Self {
        Self {
            inst,
            protected: None,
            checks: None,
        }
    }
}

pub const COL_NAME: usize = 0;
pub const COL_STATE: usize = 2;

const COLUMNS: &[Column] = &[
    Column {
        title: "Name",
        width: 24,
        min: 12,
    },
    Column {
        title: "Instance ID",
        width: 19,
        min: 19,
    },
    Column {
        title: "State",
        width: 13,
        min: 10,
    },
    Column {
        title: "Type",
        width: 11,
        min: 9,
    },
    Column {
        title: "AZ",
        width: 11,
        min: 10,
    },
    Column {
        title: "Private IP",
        width: 15,
        min: 11,
    },
    Column {
        title: "Public IP",
        width: 15,
        min: 11,
    },
    Column {
        title: "Key",
        width: 10,
        min: 4,
    },
    Column {
        title: "Checks",
        width: 12,
        min: 6,
    },
    Column {
        title: "Launched",
        width: 8,
        min: 8,
    },
    Column {
        title: "Prot",
        width: 4,
        min: 4,
    },
];

pub fn state_tone(s: InstanceState) -> Tone {
    match s {
        InstanceState::Running => Tone::Good,
        InstanceState::Pending | InstanceState::Stopping | InstanceState::ShuttingDown => {
            Tone::Warn
        }
        InstanceState::Stopped => Tone::Bad,
        InstanceState::Terminated | InstanceState::Unknown => Tone::Muted,
    }
}

impl Resource for InstanceRow {
    fn id(&self) -> &str {
        &self.inst.id
    }

    fn columns() -> &'static [Column] {
        COLUMNS
    }

    fn cell(&self, col: usize, now: i64) -> (String, Tone) {
        let i = &self.inst;
        let muted = |s: &str| {
            if s.is_empty() {
                ("-".to_string(), Tone::Muted)
            } else {
                (s.to_string(), Tone::Normal)
            }
        };
        match col {
            0 => muted(&i.name),
            1 => (i.id.clone(), Tone::Normal),
            2 => (i.state.as_str().to_string(), state_tone(i.state)),
            3 => (i.instance_type.clone(), Tone::Normal),
            4 => (i.az.clone(), Tone::Normal),
            5 => muted(&i.private_ip),
            6 => muted(&i.public_ip),
            7 => muted(&i.key_name),
            8 => match self.checks.as_deref() {
                Some("2/2") => ("2/2".into(), Tone::Good),
                Some("initializing") => ("initializing".into(), Tone::Warn),
                Some("") | None => (String::new(), Tone::Muted),
                Some(c) => (c.to_string(), Tone::Bad),
            },
            9 => (age(i.launch_time, now), Tone::Normal),
            10 => match self.protected {
                Some(true) => ("[P]".into(), Tone::Accent),
                Some(false) => (String::new(), Tone::Normal),
                None if i.state == InstanceState::Terminated => (String::new(), Tone::Normal),
                None => ("·".into(), Tone::Muted),
            },
            _ => (String::new(), Tone::Normal),
        }
    }

    fn compare(&self, other: &Self, col: usize) -> Ordering {
        let (a, b) = (&self.inst, &other.inst);
        match col {
            0 => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
            1 => a.id.cmp(&b.id),
            2 => a.state.as_str().cmp(b.state.as_str()),
            3 => a.instance_type.cmp(&b.instance_type),
            4 => a.az.cmp(&b.az),
            5 => cmp_ip(&a.private_ip, &b.private_ip),
            6 => cmp_ip(&a.public_ip, &b.public_ip),
            7 => a.key_name.cmp(&b.key_name),
            // newest first reads best, but ascending means oldest first, as in the web console
            8 => self.checks.cmp(&other.checks),
            9 => a.launch_time.cmp(&b.launch_time),
            10 => self.protected.cmp(&other.protected),
            _ => Ordering::Equal,
        }
    }

    fn filter_text(&self) -> String {
        let i = &self.inst;
        let mut s = String::with_capacity(160);
        for part in [
            i.name.as_str(),
            &i.id,
            i.state.as_str(),
            &i.instance_type,
            &i.az,
            &i.private_ip,
            &i.public_ip,
            &i.key_name,
        ] {
            s.push_str(part);
            s.push('\u{1f}');
        }
        for (k, v) in &i.tags {
            s.push_str(k);
            s.push('=');
            s.push_str(v);
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
