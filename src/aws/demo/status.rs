//! `StatusApi` of the demo region: checks for running instances only (`not-applicable` for
//! the others); a couple of impaired or initializing instances and scheduled events at fixed
//! places in the seed fleet; instances started or launched here initialize, then pass.

use std::time::Instant;

use futures::future::BoxFuture;

use super::DemoRegion;
use crate::aws::{ApiResult, InstanceState, InstanceStatus, Page, ScheduledEvent, StatusApi};

impl StatusApi for DemoRegion {
    fn statuses_of(&self, ids: Vec<String>) -> BoxFuture<'_, ApiResult<Vec<InstanceStatus>>> {
        Box::pin(async move {
            let mut out = Vec::new();
            let mut token = None;
            loop {
                let page = self.instance_statuses(token).await?;
                out.extend(page.items.into_iter().filter(|s| ids.contains(&s.id)));
                match page.next_token {
                    Some(t) => token = Some(t),
                    None => break,
                }
            }
            Ok(out)
        })
    }

    fn instance_statuses(
        &self,
        next_token: Option<String>,
    ) -> BoxFuture<'_, ApiResult<Page<InstanceStatus>>> {
        Box::pin(async move {
            self.delay().await;
            let start: usize = next_token
                .as_deref()
                .and_then(|t| t.parse().ok())
                .unwrap_or(0);
            let inner = self.lock();
            let now = Instant::now();
            let end = (start + self.page_size).min(inner.fleet.len());
            let mut items = Vec::new();
            for (n, d) in inner.fleet[start.min(end)..end].iter().enumerate() {
                let n = start + n;
                // Only a running instance is checked. One started or launched through the API
                // is on a fresh host: initializing for a while, then ok, with nothing
                // scheduled; the seed fleet has a few troubles at fixed places.
                let running = d.inst.state == InstanceState::Running;
                let seed_host = running && d.running_since.is_none();
                let (sys, inst) = match (running, d.running_since, n) {
                    (false, _, _) => ("not-applicable", "not-applicable"),
                    (true, Some(at), _) if now < at + self.transition * 2 => {
                        ("initializing", "initializing")
                    }
                    (true, Some(_), _) => ("ok", "ok"),
                    (true, None, 9) => ("ok", "impaired"),
                    (true, None, 14) => ("initializing", "initializing"),
                    (true, None, _) => ("ok", "ok"),
                };
                let day = 86_400;
                let events = match n {
                    3 if seed_host => vec![ScheduledEvent {
                        code: "system-reboot".into(),
                        description: "scheduled reboot for host maintenance".into(),
                        not_before: Some(self.epoch + day),
                        not_after: Some(self.epoch + day + 2 * 3600),
                        deadline: Some(self.epoch + 5 * day),
                    }],
                    11 if seed_host => vec![ScheduledEvent {
                        code: "instance-retirement".into(),
                        description: "The instance is running on degraded hardware".into(),
                        not_before: Some(self.epoch + 12 * day),
                        not_after: None,
                        deadline: None,
                    }],
                    _ => vec![],
                };
                items.push(InstanceStatus {
                    id: d.inst.id.clone(),
                    az: d.inst.az.clone(),
                    state: d.inst.state,
                    system_status: sys.into(),
                    instance_status: inst.into(),
                    reachability: vec![
                        (
                            "system reachability".into(),
                            if sys == "ok" {
                                "passed".into()
                            } else {
                                sys.into()
                            },
                        ),
                        (
                            "instance reachability".into(),
                            if inst == "ok" {
                                "passed".into()
                            } else if inst == "impaired" {
                                "failed".into()
                            } else {
                                inst.into()
                            },
                        ),
                    ],
                    events,
                });
            }
            let next_token = (end < inner.fleet.len()).then(|| end.to_string());
            Ok(Page { items, next_token })
        })
    }
}
