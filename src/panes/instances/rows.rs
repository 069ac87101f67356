//! The rows of the instances pane: an instance with what was learned of it separately
//! (termination protection, status checks), its columns, sort keys and filter text.

use super::*;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Name,
    Id,
    State,
    Type,
    Az,
    PrivateIp,
    PublicIp,
    Key,
    Checks,
    Launched,
    Group,
    Region,
    Protection,
}

pub(super) const COLUMNS: &[(Col, Column)] = &[
    (Col::Name, Column::new("Name", 24, 12)),
    (Col::Region, Column::new("Region", 14, 9).hide_empty()),
    (Col::Id, Column::new("Instance ID", 19, 19).id()),
    (Col::State, Column::new("State", 13, 10)),
    (Col::Group, Column::new("ASG", 16, 6).hide_empty()),
    (Col::Type, Column::new("Type", 11, 9)),
    (Col::Az, Column::new("AZ", 11, 10)),
    (Col::PrivateIp, Column::new("Private IP", 15, 11)),
    (Col::PublicIp, Column::new("Public IP", 15, 11)),
    (Col::Key, Column::new("Key", 10, 4)),
    (Col::Checks, Column::new("Checks", 12, 6)),
    (Col::Launched, Column::new("Launched", 8, 8)),
    (Col::Protection, Column::new("Prot", 4, 4)),
];

/// The Auto Scaling group an instance belongs to (its `aws:autoscaling:groupName` tag).
pub fn group_of(i: &Instance) -> Option<&str> {
    i.tags
        .iter()
        .find(|(k, _)| k == crate::aws::GROUP_TAG)
        .map(|(_, v)| v.as_str())
}

impl Resource for InstanceRow {
    type Col = Col;

    fn domain(&self) -> &dyn Any {
        &self.inst
    }
    fn domain_type() -> std::any::TypeId {
        std::any::TypeId::of::<Instance>()
    }

    fn id(&self) -> &str {
        &self.inst.id
    }

    fn columns() -> &'static [(Col, Column)] {
        COLUMNS
    }

    fn cell(&self, col: Col, now: i64) -> (String, Tone) {
        let i = &self.inst;
        let muted = |s: &str| {
            if s.is_empty() {
                ("-".to_string(), Tone::Muted)
            } else {
                (s.to_string(), Tone::Normal)
            }
        };
        match col {
            Col::Name => muted(&i.name),
            Col::Id => (i.id.clone(), Tone::Normal),
            Col::State => (i.state.as_str().to_string(), state_tone(i.state)),
            Col::Type => (i.instance_type.clone(), Tone::Normal),
            Col::Az => (i.az.clone(), Tone::Normal),
            Col::PrivateIp => muted(&i.private_ip),
            Col::PublicIp => muted(&i.public_ip),
            Col::Key => muted(&i.key_name),
            Col::Checks => match self.checks.as_deref() {
                Some("2/2") => ("2/2".into(), Tone::Good),
                Some("initializing") => ("initializing".into(), Tone::Warn),
                Some("") | None => (String::new(), Tone::Muted),
                Some(c) => (c.to_string(), Tone::Bad),
            },
            Col::Launched => (age(i.launch_time, now), Tone::Normal),
            Col::Group => (group_of(i).unwrap_or_default().to_string(), Tone::Accent),
            Col::Region => (i.region.clone(), Tone::Normal),
            Col::Protection => match self.protected {
                Some(true) => ("[P]".into(), Tone::Accent),
                Some(false) => (String::new(), Tone::Normal),
                None if i.state == InstanceState::Terminated => (String::new(), Tone::Normal),
                None => ("·".into(), Tone::Muted),
            },
        }
    }

    fn compare(&self, other: &Self, col: Col) -> Ordering {
        let (a, b) = (&self.inst, &other.inst);
        match col {
            Col::Name => crate::app::cmp_ci(&a.name, &b.name),
            Col::Id => a.id.cmp(&b.id),
            Col::State => a.state.as_str().cmp(b.state.as_str()),
            Col::Type => a.instance_type.cmp(&b.instance_type),
            Col::Az => a.az.cmp(&b.az),
            Col::PrivateIp => cmp_ip(&a.private_ip, &b.private_ip),
            Col::PublicIp => cmp_ip(&a.public_ip, &b.public_ip),
            Col::Key => a.key_name.cmp(&b.key_name),
            Col::Checks => self.checks.cmp(&other.checks),
            // ascending means oldest first, as in the web console
            Col::Launched => a.launch_time.cmp(&b.launch_time),
            Col::Group => group_of(a).cmp(&group_of(b)),
            Col::Region => a.region.cmp(&b.region),
            Col::Protection => self.protected.cmp(&other.protected),
        }
    }

    fn sort_key(&self, col: Col, level: usize) -> Option<u128> {
        let i = &self.inst;
        Some(match col {
            Col::Name => key_ci(&i.name, level),
            Col::Id => key_bytes(&i.id, level),
            Col::State => key_bytes(i.state.as_str(), level),
            Col::Type => key_bytes(&i.instance_type, level),
            Col::Az => key_bytes(&i.az, level),
            Col::PrivateIp => key_ip(&i.private_ip, level),
            Col::PublicIp => key_ip(&i.public_ip, level),
            Col::Key => key_bytes(&i.key_name, level),
            // status checks are fetched for the rows on screen only: compared
            Col::Checks => return None,
            Col::Launched => key_num(i.launch_time),
            Col::Group => key_bytes(group_of(i).unwrap_or_default(), level),
            Col::Region => key_bytes(&i.region, level),
            Col::Protection => key_num(self.protected.map(i64::from)),
        })
    }

    fn tags(&self) -> &[(String, String)] {
        &self.inst.tags
    }
    fn taggable() -> bool {
        true
    }
    fn set_tags(&mut self, tags: Vec<(String, String)>) {
        self.inst.name = crate::aws::name_from_tags(&tags);
        self.inst.tags = tags;
    }
    fn value(&self, what: CopyWhat) -> Option<String> {
        let i = &self.inst;
        match what {
            CopyWhat::Name => Some(i.name.clone()),
            CopyWhat::PrivateIp => Some(i.private_ip.clone()),
            CopyWhat::PublicIp => Some(i.public_ip.clone()),
            _ => None,
        }
    }
    fn arn_resource(&self) -> Option<(String, bool)> {
        Some((format!("instance/{}", self.inst.id), true))
    }
    fn to_json(&self, _now: i64) -> serde_json::Value {
        serde_json::to_value(&self.inst).unwrap_or_default()
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
