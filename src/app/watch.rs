//! The one watcher: ids followed until they reach a settled condition, one request in flight
//! at a time (more ids wait for the next round: coalesced), and a result older than the
//! latest request dropped (newest wins). Every pane that follows something uses it.
//!
//! A round that fails spaces the next ones out (4 s, 8 s, 16 s, then every 32 s) and, after
//! [`GIVE_UP_AFTER`] failures in a row, the watch gives up with a message: a persistent error
//! (a policy without one read permission, an endpoint gone) never polls forever.

use std::collections::BTreeMap;

use crate::aws::ApiError;

/// Seconds between two watch rounds (the event loop's watch tick).
pub const WATCH_TICK_SECS: u64 = 2;
/// Failed rounds in a row after which nothing is followed any more.
pub const GIVE_UP_AFTER: u32 = 6;
/// Most ticks skipped between two rounds while failing (15: a round every 32 s).
const MOST_SKIPPED: u32 = 15;

#[derive(Debug, Clone)]
struct Followed<C> {
    until: C,
    rounds: u32,
    moved: bool,
}

#[derive(Debug, Clone)]
pub struct Watch<C> {
    items: BTreeMap<String, Followed<C>>,
    /// The request in flight, if any.
    in_flight: Option<u64>,
    /// The ids the last request asked about.
    asked: Vec<String>,
    /// Rounds failed in a row, and ticks still to skip before the next round.
    failures: u32,
    skip: u32,
}

impl<C> Default for Watch<C> {
    fn default() -> Self {
        Self {
            items: BTreeMap::new(),
            in_flight: None,
            asked: Vec::new(),
            failures: 0,
            skip: 0,
        }
    }
}

impl<C: Clone> Watch<C> {
    /// Follows `id` until `until` holds (a later add replaces the condition).
    pub fn add(&mut self, id: impl Into<String>, until: C) {
        self.items.insert(
            id.into(),
            Followed {
                until,
                rounds: 0,
                moved: false,
            },
        );
    }

    pub fn remove(&mut self, id: &str) {
        self.items.remove(id);
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn contains(&self, id: &str) -> bool {
        self.items.contains_key(id)
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.items.keys().map(String::as_str)
    }

    pub fn until(&self, id: &str) -> Option<&C> {
        self.items.get(id).map(|f| &f.until)
    }

    /// The ids (with their conditions) to describe now as request `req`, or None when
    /// nothing is followed or a request is already in flight.
    pub fn due(&mut self, req: u64) -> Option<Vec<(String, C)>> {
        if self.items.is_empty() || self.in_flight.is_some() {
            return None;
        }
        if self.skip > 0 {
            // backing off after a failed round
            self.skip -= 1;
            return None;
        }
        self.in_flight = Some(req);
        self.asked = self.items.keys().cloned().collect();
        Some(
            self.items
                .iter()
                .map(|(id, f)| (id.clone(), f.until.clone()))
                .collect(),
        )
    }

    /// The answer did not mention these asked ids: they are gone (deleted, deregistered),
    /// so they are no longer followed. Returns them.
    pub fn missing<'a>(&mut self, seen: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        let seen: std::collections::HashSet<&str> = seen.into_iter().collect();
        let gone: Vec<String> = self
            .asked
            .iter()
            .filter(|id| !seen.contains(id.as_str()))
            .cloned()
            .collect();
        for id in &gone {
            self.items.remove(id);
        }
        gone
    }

    /// The request failed because what it asked about is gone (`*.NotFound`): stop
    /// following those ids rather than ask for them forever.
    pub fn forget_asked(&mut self) {
        for id in std::mem::take(&mut self.asked) {
            self.items.remove(&id);
        }
    }

    /// `due`, with the ids grouped by their condition (e.g. by region).
    pub fn due_grouped(&mut self, req: u64) -> Option<std::collections::BTreeMap<C, Vec<String>>>
    where
        C: Ord,
    {
        let mut out = std::collections::BTreeMap::<C, Vec<String>>::new();
        for (id, c) in self.due(req)? {
            out.entry(c).or_default().push(id);
        }
        Some(out)
    }

    pub fn in_flight(&self) -> bool {
        self.in_flight.is_some()
    }

    /// A result of request `req` arrived: true if it is the one in flight (use it), false
    /// if it is stale (drop it).
    pub fn accept(&mut self, req: u64) -> bool {
        if self.in_flight == Some(req) {
            self.in_flight = None;
            true
        } else {
            false
        }
    }

    /// Forgets everything followed and any request in flight (its result will be dropped).
    pub fn clear(&mut self) {
        self.items.clear();
        self.in_flight = None;
        self.failures = 0;
        self.skip = 0;
    }

    /// A round was answered: the failures in a row are over.
    pub fn answered(&mut self) {
        self.failures = 0;
        self.skip = 0;
    }

    /// Rounds failed in a row so far.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// A round failed (`what` it could not do, e.g. "check instance state"): the next rounds
    /// are spaced out, and after `GIVE_UP_AFTER` in a row nothing is followed any more. The
    /// status line and the log say which (at most one line per failed round). Returns the
    /// ids given up on, when it gives up.
    pub fn round_failed(
        &mut self,
        what: &str,
        e: &ApiError,
        s: &mut super::Shared,
    ) -> Option<Vec<String>> {
        self.failures += 1;
        let why = s.with_hint(&format!("cannot {what}: {}", e.describe()), e);
        if self.failures >= GIVE_UP_AFTER {
            let ids: Vec<String> = self.items.keys().cloned().collect();
            let n = self.failures;
            self.clear();
            s.error(format!(
                "stopped following {} after {n} failed reads — {why}; Ctrl-r lists again",
                list_of(&ids)
            ));
            return Some(ids);
        }
        self.skip = ((1u32 << self.failures) - 1).min(MOST_SKIPPED);
        s.error(format!(
            "{why} — read again in {} s ({} of {GIVE_UP_AFTER} tries)",
            (u64::from(self.skip) + 1) * WATCH_TICK_SECS,
            self.failures
        ));
        None
    }

    /// One observation of `id`: `stable` when it is in a state that will not change by
    /// itself, `reached` when that is the state it should settle in. It settles when stable
    /// and reached, or stable after it was seen moving, or stable for three rounds. Returns
    /// true when it settled (and is no longer followed).
    pub fn observe(&mut self, id: &str, stable: bool, reached: impl FnOnce(&C) -> bool) -> bool {
        let Some(f) = self.items.get_mut(id) else {
            return false;
        };
        f.rounds += 1;
        if !stable {
            f.moved = true;
            return false;
        }
        if reached(&f.until) || f.moved || f.rounds >= 3 {
            self.items.remove(id);
            return true;
        }
        false
    }
}

/// "a, b, c" or "a, b, c and 4 more".
fn list_of(ids: &[String]) -> String {
    match ids.len() {
        0..=3 => ids.join(", "),
        n => format!("{} and {} more", ids[..3].join(", "), n - 3),
    }
}
