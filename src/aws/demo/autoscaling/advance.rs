//! How a group follows its desired capacity: members follow their instances, unhealthy and
//! surplus ones go, missing ones are launched, and a running instance refresh replaces old
//! members, each change a scaling activity.

use std::time::Instant;

use super::{RETRY, activity};
use crate::aws::demo::{DemoRegion, Inner};
use crate::aws::{GroupMember, InstanceState};

impl DemoRegion {
    pub(super) fn advance_group(&self, inner: &mut Inner, gi: usize, now: Instant) {
        let epoch_now = self.wall();
        // members follow their instances
        let mut gone = Vec::new();
        {
            let Inner {
                asgs, fleet, index, ..
            } = &mut *inner;
            let dg = &mut asgs[gi];
            for m in &mut dg.g.members {
                let state = index.get(&m.instance_id).map(|&i| fleet[i].inst.state);
                match state {
                    None | Some(InstanceState::Terminated) => gone.push(m.instance_id.clone()),
                    Some(InstanceState::Pending) => {
                        m.lifecycle = "Pending".into();
                        m.health = "Healthy".into();
                    }
                    Some(InstanceState::Running) => {
                        m.lifecycle = "InService".into();
                        m.health = "Healthy".into();
                    }
                    Some(InstanceState::ShuttingDown) => m.lifecycle = "Terminating".into(),
                    Some(_) => m.health = "Unhealthy".into(),
                }
            }
            dg.g.members.retain(|m| !gone.contains(&m.instance_id));
            // activities end with what they waited for
            for a in dg
                .activities
                .iter_mut()
                .filter(|a| a.status == "InProgress")
            {
                let Some(id) = a.description.rsplit(' ').next() else {
                    continue;
                };
                let done = if a.description.starts_with("Launching") {
                    dg.g.members
                        .iter()
                        .any(|m| m.instance_id == id && m.in_service())
                        || !dg.g.members.iter().any(|m| m.instance_id == id)
                } else {
                    gone.iter().any(|g| g == id)
                };
                if done {
                    a.status = "Successful".into();
                    a.end = Some(epoch_now);
                }
            }
        }
        let deleting = inner.asgs[gi].g.status == "Delete in progress";
        // unhealthy members are replaced
        let unhealthy: Vec<String> = inner.asgs[gi]
            .g
            .members
            .iter()
            .filter(|m| !m.healthy() && !m.leaving())
            .map(|m| m.instance_id.clone())
            .collect();
        for id in unhealthy {
            self.terminate_member(
                inner,
                gi,
                &id,
                now,
                "an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.".into(),
            );
        }
        if deleting {
            return;
        }
        // the refresh goes on within its minimum healthy percentage
        self.advance_refresh(inner, gi, now);
        // capacity
        let g = inner.asgs[gi].g.clone();
        let active: Vec<&GroupMember> = g.members.iter().filter(|m| !m.leaving()).collect();
        let n = active.len() as i32;
        if n < g.desired {
            if inner.asgs[gi].retry_at.is_some_and(|t| now < t) {
                return;
            }
            for _ in n..g.desired {
                self.launch_member(inner, gi, now);
            }
        } else if n > g.desired {
            // the old ones first, then the oldest
            let mut order: Vec<&GroupMember> = active.clone();
            order.sort_by_key(|m| {
                let launched = inner
                    .index
                    .get(&m.instance_id)
                    .and_then(|&i| inner.fleet[i].inst.launch_time);
                (!inner.is_old(&g, m), launched)
            });
            let ids: Vec<String> = order
                .iter()
                .take((n - g.desired) as usize)
                .map(|m| m.instance_id.clone())
                .collect();
            for id in ids {
                self.terminate_member(
                    inner,
                    gi,
                    &id,
                    now,
                    format!(
                        "an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from {n} to {}.",
                        g.desired
                    ),
                );
            }
        }
    }

    fn advance_refresh(&self, inner: &mut Inner, gi: usize, now: Instant) {
        let Some(r) = inner.asgs[gi].refreshes.last().cloned() else {
            return;
        };
        if !matches!(r.status.as_str(), "Pending" | "InProgress") {
            return;
        }
        let g = inner.asgs[gi].g.clone();
        let todo = &inner.asgs[gi].refresh_todo;
        let old: Vec<&GroupMember> = g
            .members
            .iter()
            .filter(|m| !m.leaving() && todo.contains(&m.instance_id))
            .collect();
        let healthy = g
            .members
            .iter()
            .filter(|m| !m.leaving() && m.in_service() && m.healthy())
            .count() as i32;
        // at most this many out of service at once (one at least, or nothing would move)
        let keep = (g.desired * r.min_healthy + 99) / 100;
        let allowed_out = (g.desired - keep).max(1);
        let may_go = (allowed_out - (g.desired - healthy)).max(0);
        let dg = &mut inner.asgs[gi];
        let to_update = r.to_update.max(1);
        let last = dg.refreshes.last_mut().expect("a refresh");
        last.status = "InProgress".into();
        last.percentage = (100 * dg.refreshed / to_update).min(100);
        if old.is_empty() && healthy >= g.desired {
            last.status = "Successful".into();
            last.percentage = 100;
            last.end = Some(self.wall());
            last.reason = String::new();
            return;
        }
        last.reason = format!(
            "Waiting for instances to warm up before continuing. For example: {} is warming up.",
            g.members
                .iter()
                .find(|m| !m.in_service())
                .map(|m| m.instance_id.as_str())
                .unwrap_or("-")
        );
        let ids: Vec<String> = old
            .iter()
            .filter(|m| m.in_service())
            .take(may_go as usize)
            .map(|m| m.instance_id.clone())
            .collect();
        for id in ids {
            inner.asgs[gi].refreshed += 1;
            self.terminate_member(
                inner,
                gi,
                &id,
                now,
                format!(
                    "an instance was taken out of service in response to an instance refresh ({}).",
                    r.id
                ),
            );
        }
    }

    fn launch_member(&self, inner: &mut Inner, gi: usize, now: Instant) {
        let g = inner.asgs[gi].g.clone();
        // the zone with the fewest members
        let az = g
            .azs
            .iter()
            .min_by_key(|az| {
                g.members
                    .iter()
                    .filter(|m| !m.leaving() && &m.az == *az)
                    .count()
            })
            .cloned()
            .unwrap_or_else(|| self.azs[0].to_string());
        let n = g.members.iter().filter(|m| !m.leaving()).count();
        let cause = inner.asgs[gi].cause.clone().unwrap_or_default();
        let at = crate::aws::fmt_time(self.wall());
        let why = format!(
            "{cause}At {at} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from {n} to {}.",
            n + 1
        );
        let launched = inner
            .member_spec(&g, &az)
            .and_then(|(spec, version)| Ok((self.launch_in(inner, &spec, false, now)?, version)));
        let act_id = Self::fresh_id(inner, "act");
        match launched {
            Ok((ids, version)) => {
                for i in ids {
                    let inst = inner.fleet[i].inst.clone();
                    let dg = &mut inner.asgs[gi];
                    dg.g.members.push(GroupMember {
                        instance_id: inst.id.clone(),
                        az: inst.az.clone(),
                        lifecycle: "Pending".into(),
                        health: "Healthy".into(),
                        template_version: version.clone(),
                        launch_configuration: g.launch_configuration.clone(),
                        instance_type: inst.instance_type.clone(),
                    });
                    dg.activities.push(activity(
                        act_id.clone(),
                        &g.name,
                        "InProgress",
                        format!("Launching a new EC2 instance: {}", inst.id),
                        why.clone(),
                        self.wall(),
                        None,
                    ));
                    dg.retry_at = None;
                }
            }
            Err(e) => {
                let dg = &mut inner.asgs[gi];
                dg.retry_at = Some(now + RETRY);
                dg.activities.push(activity(
                    act_id,
                    &g.name,
                    "Failed",
                    format!(
                        "Launching a new EC2 instance. Status Reason: {}",
                        e.describe()
                    ),
                    why,
                    self.wall(),
                    Some(self.wall()),
                ));
            }
        }
        inner.asgs[gi].cause = None;
    }

    /// Terminates a member's instance (it stays a `Terminating` member until it is gone).
    pub(super) fn terminate_member(
        &self,
        inner: &mut Inner,
        gi: usize,
        id: &str,
        now: Instant,
        why: String,
    ) {
        let Some(&i) = inner.index.get(id) else {
            return;
        };
        {
            let d = &mut inner.fleet[i];
            if matches!(
                d.inst.state,
                InstanceState::ShuttingDown | InstanceState::Terminated
            ) {
                return;
            }
            d.inst.state = InstanceState::ShuttingDown;
            d.next = Some((now + self.transition, InstanceState::Terminated));
            d.inst.public_ip.clear();
            d.inst.public_dns.clear();
            // Auto Scaling terminates whatever the instance's protection says
            d.protected = false;
        }
        Self::track(inner, i);
        let act_id = Self::fresh_id(inner, "act");
        let cause = inner.asgs[gi].cause.clone().unwrap_or_default();
        let at = crate::aws::fmt_time(self.wall());
        let dg = &mut inner.asgs[gi];
        if let Some(m) = dg.g.members.iter_mut().find(|m| m.instance_id == id) {
            m.lifecycle = "Terminating".into();
        }
        dg.activities.push(activity(
            act_id,
            &dg.g.name.clone(),
            "InProgress",
            format!("Terminating EC2 instance: {id}"),
            format!("{cause}At {at} {why}"),
            self.wall(),
            None,
        ));
    }
}
