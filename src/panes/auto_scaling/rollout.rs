//! The rollout of new user data to an Auto Scaling group (seed 002's workflow): a new template
//! version, the group pointed at it, then its members replaced. A pure state machine: the
//! Auto Scaling pane feeds it what happened (a call's answer, the group as last described)
//! and sends the one call it asks for next, as an `Op`.
//!
//! One at a time (the seed's manual process): terminate one old member without lowering the
//! desired capacity, wait until the group is whole again (its replacement `InService` and
//! `Healthy`), then the next. It never takes a member out of service unless every member is in
//! service and healthy, so at most one is ever out. A replacement that comes up unhealthy, or
//! that does not come within the deadline, or a refused call, stops the rollout and says why.

use crate::aws::AutoScalingGroup;

/// How the members are replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    OneAtATime,
    /// AWS's instance refresh, with this minimum healthy percentage.
    Refresh(i32),
    DontReplace,
}

/// Where the rollout is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// The new template version is being created.
    CreatingVersion,
    /// The group is being pointed at the new version.
    PointingGroup,
    /// The instance refresh is being started.
    StartingRefresh,
    /// Replacing members one at a time: `current` is the member terminated (its
    /// replacement awaited), None between members.
    Replacing { current: Option<String> },
    /// Every original member was replaced (or nothing was to be replaced).
    Finished,
    /// Stopped on request, after the member being replaced.
    Stopped,
    /// Stopped by a failure.
    Failed(String),
}

/// The one call the pane makes next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Do {
    /// Create the new template version (the pane holds its settings).
    CreateVersion,
    /// Point the group at this version of its template.
    PointGroup(i64),
    StartRefresh(i32),
    /// `TerminateInstanceInAutoScalingGroup` without lowering the desired capacity.
    Terminate(String),
    /// Wait for the next description of the group.
    Wait,
    /// Nothing more: the rollout is over (see its phase).
    Over,
}

/// How long a replacement may take to be in service and healthy, in seconds.
pub const REPLACEMENT_DEADLINE: i64 = 900;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rollout {
    pub group: String,
    pub how: How,
    pub phase: Phase,
    /// The members to replace, in the order they are replaced.
    pub originals: Vec<String>,
    /// Those replaced so far.
    pub replaced: Vec<String>,
    /// The new version, once created (None when only replacing).
    pub version: Option<i64>,
    /// Stop after the member being replaced.
    pub stop_requested: bool,
    /// When the member being replaced was terminated (seconds since the epoch).
    since: i64,
}

impl Rollout {
    /// A rollout of new user data: a new version first, then the group, then the members.
    pub fn new(group: &AutoScalingGroup, how: How) -> Self {
        Self {
            group: group.name.clone(),
            how,
            phase: Phase::CreatingVersion,
            originals: active_members(group),
            replaced: Vec::new(),
            version: None,
            stop_requested: false,
            since: 0,
        }
    }

    /// Only the replacement of these members (an interrupted rollout continued); the group
    /// is already on the version wanted.
    pub fn resume(group: &str, how: How, old_members: Vec<String>) -> Self {
        Self {
            group: group.to_string(),
            how,
            phase: match how {
                How::Refresh(_) => Phase::StartingRefresh,
                _ => Phase::Replacing { current: None },
            },
            originals: old_members,
            replaced: Vec::new(),
            version: None,
            stop_requested: false,
            since: 0,
        }
    }

    /// The first call.
    pub fn start(&self) -> Do {
        match (&self.phase, self.how) {
            (Phase::CreatingVersion, _) => Do::CreateVersion,
            (Phase::StartingRefresh, How::Refresh(p)) => Do::StartRefresh(p),
            _ => Do::Wait,
        }
    }

    pub fn is_active(&self) -> bool {
        !matches!(
            self.phase,
            Phase::Finished | Phase::Stopped | Phase::Failed(_)
        )
    }

    /// The members still to replace.
    pub fn remaining(&self) -> Vec<String> {
        self.originals
            .iter()
            .filter(|id| !self.replaced.contains(id))
            .cloned()
            .collect()
    }

    /// The new version exists.
    pub fn version_created(&mut self, n: i64) -> Do {
        if self.phase != Phase::CreatingVersion {
            return Do::Wait;
        }
        self.version = Some(n);
        self.phase = Phase::PointingGroup;
        Do::PointGroup(n)
    }

    /// The group launches from the new version now.
    pub fn group_pointed(&mut self) -> Do {
        if self.phase != Phase::PointingGroup {
            return Do::Wait;
        }
        match self.how {
            How::DontReplace => {
                self.phase = Phase::Finished;
                Do::Over
            }
            How::Refresh(p) => {
                self.phase = Phase::StartingRefresh;
                Do::StartRefresh(p)
            }
            How::OneAtATime => {
                self.phase = Phase::Replacing { current: None };
                Do::Wait
            }
        }
    }

    /// The instance refresh started: AWS replaces the members from here on.
    pub fn refresh_started(&mut self) -> Do {
        if self.phase == Phase::StartingRefresh {
            self.phase = Phase::Finished;
        }
        Do::Over
    }

    /// The member was terminated (its replacement is on its way).
    pub fn terminated(&mut self, id: &str, now: i64) -> Do {
        if let Phase::Replacing { current: Some(c) } = &self.phase
            && c == id
        {
            self.since = now;
        }
        Do::Wait
    }

    /// A call was refused: the rollout stops and says why.
    pub fn failed(&mut self, why: impl Into<String>) -> Do {
        self.phase = Phase::Failed(why.into());
        Do::Over
    }

    /// Stop after the member being replaced (at once between members).
    pub fn stop(&mut self) -> Do {
        self.stop_requested = true;
        match &self.phase {
            Phase::Replacing { current: None } => {
                self.phase = Phase::Stopped;
                Do::Over
            }
            _ => Do::Wait,
        }
    }

    /// The group as just described: the next step of a one-at-a-time replacement.
    pub fn observe(&mut self, g: &AutoScalingGroup, now: i64) -> Do {
        let Phase::Replacing { current } = self.phase.clone() else {
            return if self.is_active() { Do::Wait } else { Do::Over };
        };
        let active: Vec<_> = g.members.iter().filter(|m| !m.leaving()).collect();
        let whole = active.len() as i32 >= g.desired
            && active.iter().all(|m| m.in_service() && m.healthy());
        if let Some(cur) = current {
            // a replacement that came up unhealthy, or is being replaced itself: stop
            if let Some(bad) = active
                .iter()
                .find(|m| !self.originals.contains(&m.instance_id) && !m.healthy())
            {
                let why = format!(
                    "replacement {} of {cur} is {} ({}): stopped; nothing more is terminated",
                    bad.instance_id, bad.health, bad.lifecycle
                );
                self.phase = Phase::Failed(why);
                return Do::Over;
            }
            let cur_gone = !active.iter().any(|m| m.instance_id == cur);
            if !(cur_gone && whole) {
                if self.since > 0 && now - self.since > REPLACEMENT_DEADLINE {
                    self.phase = Phase::Failed(format!(
                        "no healthy replacement of {cur} after {} minutes: stopped; nothing more is terminated",
                        REPLACEMENT_DEADLINE / 60
                    ));
                    return Do::Over;
                }
                return Do::Wait;
            }
            self.replaced.push(cur);
            self.phase = Phase::Replacing { current: None };
        }
        if self.stop_requested {
            self.phase = Phase::Stopped;
            return Do::Over;
        }
        // the next original still in the group (one gone by other means is not waited for)
        let next = self
            .remaining()
            .into_iter()
            .find(|id| active.iter().any(|m| &m.instance_id == id));
        let Some(next) = next else {
            self.phase = Phase::Finished;
            return Do::Over;
        };
        if !whole {
            // never a second member out of service: wait until the group is whole
            return Do::Wait;
        }
        self.phase = Phase::Replacing {
            current: Some(next.clone()),
        };
        self.since = now;
        Do::Terminate(next)
    }

    /// "replacing 2 of 4", for the group's row and details.
    pub fn progress(&self) -> String {
        let n = self.originals.len();
        match &self.phase {
            Phase::CreatingVersion => "rollout: creating the version".into(),
            Phase::PointingGroup => "rollout: switching the group".into(),
            Phase::StartingRefresh => "rollout: starting the refresh".into(),
            Phase::Replacing { current: Some(_) } => {
                format!("replacing {} of {n}", self.replaced.len() + 1)
            }
            Phase::Replacing { current: None } => {
                format!("replaced {} of {n}", self.replaced.len())
            }
            Phase::Finished => match (self.how, self.version) {
                (How::Refresh(_), _) => "rollout: refresh started".into(),
                (How::DontReplace, Some(v)) => format!("on version {v}; members not replaced"),
                _ => format!("rollout done: {} replaced", self.replaced.len()),
            },
            Phase::Stopped => format!("rollout stopped: {} of {n} replaced", self.replaced.len()),
            Phase::Failed(_) => format!("rollout failed: {} of {n} replaced", self.replaced.len()),
        }
    }
}

/// The members in the group (not leaving), in a stable order.
fn active_members(g: &AutoScalingGroup) -> Vec<String> {
    let mut v: Vec<String> = g
        .members
        .iter()
        .filter(|m| !m.leaving())
        .map(|m| m.instance_id.clone())
        .collect();
    v.sort();
    v
}
