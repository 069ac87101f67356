//! The details of a group: settings, members (chosen with j/k), activities, refreshes, the rollout.

use super::*;

impl AutoScalingPane {
    pub(super) fn details_view(&self, id: &str, s: &Shared) -> Option<(DetailsView, usize)> {
        let r = self.list.get(id)?;
        let g = &r.g;
        let resolved = self.resolved(g);
        let mut d = DetailsView::build(format!("Auto Scaling group {}", g.name), 16);
        d.kv("Name", g.name.clone());
        match &g.template {
            Some(t) => {
                let v = match (t.version.parse::<i64>().ok(), resolved) {
                    (None, Some(n)) => format!("{} (= {n})", t.version),
                    _ => t.version.clone(),
                };
                d.kv(
                    "Launch template",
                    format!("{} ({}) version {v}", t.name, t.id),
                );
            }
            None => {
                d.kv("Launch config", g.launch_configuration.clone());
            }
        }
        d.kv(
            "Capacity",
            format!("min {}, desired {}, max {}", g.min, g.desired, g.max),
        )
        .kv(
            "In service",
            format!(
                "{} of {}",
                r.in_service(),
                g.members.iter().filter(|m| !m.leaving()).count()
            ),
        )
        .kv("Zones", g.azs.join(", "))
        .kv("Health check", g.health_check_type.clone())
        .kv(
            "Created",
            g.created
                .map(|c| format!("{} ({} ago)", fmt_time(c), age(Some(c), s.now)))
                .unwrap_or_default(),
        );
        if !g.status.is_empty() {
            d.kv_tone("Status", g.status.clone(), Tone::Warn);
        }
        if let Some(ro) = self.rollouts.get(id) {
            let tone = match ro.phase {
                Phase::Failed(_) => Tone::Bad,
                _ => Tone::Accent,
            };
            d.kv_tone("Rollout", ro.progress(), tone);
            if let Phase::Failed(why) = &ro.phase {
                d.kv_tone("", why.clone(), Tone::Bad);
            }
            if ro.is_active() {
                d.line(
                    if ro.stop_requested {
                        "  stopping after the current member"
                    } else {
                        "  Esc stops it after the current member (q closes this view)"
                    },
                    Tone::Muted,
                );
            }
        }
        d.blank();
        d.heading(format!(
            "Members ({}), {} old — j/k choose, Enter goes to the instance",
            g.members.len(),
            r.old.len()
        ));
        let start = d.len();
        let mut members: Vec<&GroupMember> = g.members.iter().collect();
        members.sort_by(|a, b| a.instance_id.cmp(&b.instance_id));
        for (i, m) in members.iter().enumerate() {
            let cursor = if i == self.member_cursor {
                "▶ "
            } else {
                "  "
            };
            let name = self.names.get(&m.instance_id).cloned().unwrap_or_default();
            let old = !m.leaving() && is_old(g, m, resolved);
            let version = if !m.template_version.is_empty() {
                format!("v{}", m.template_version)
            } else if !m.launch_configuration.is_empty() {
                m.launch_configuration.clone()
            } else {
                "-".into()
            };
            let tone = if !m.healthy() {
                Tone::Bad
            } else if !m.in_service() {
                Tone::Warn
            } else {
                Tone::Normal
            };
            d.spans(vec![
                (
                    format!(
                        "{cursor}{:<20} {:<22} {:<12} {:<12} {:<9} {version}",
                        m.instance_id,
                        short(&name, 22),
                        m.az,
                        m.lifecycle,
                        m.health
                    ),
                    tone,
                ),
                (if old { "  old".into() } else { String::new() }, Tone::Warn),
            ]);
        }
        d.blank();
        let extra = self.extra.get(id);
        match extra.and_then(|e| e.refreshes.as_ref()) {
            Some(Fetch::Ready(rs)) if !rs.is_empty() => {
                let x = &rs[0];
                d.heading("Instance refresh");
                d.kv(
                    "  Status",
                    format!(
                        "{} {}% ({} to update, min healthy {}%)",
                        x.status, x.percentage, x.to_update, x.min_healthy
                    ),
                )
                .kv("  Started", x.start.map(fmt_time).unwrap_or_default());
                if !x.reason.is_empty() {
                    d.kv("  Reason", x.reason.clone());
                }
                d.blank();
            }
            Some(Fetch::Failed(e)) => {
                d.line(
                    format!("Instance refreshes: cannot read ({e})"),
                    Tone::Muted,
                );
                d.blank();
            }
            _ => {}
        }
        d.heading("Recent scaling activities");
        match extra.and_then(|e| e.activities.as_ref()) {
            None | Some(Fetch::Loading) => {
                d.line("  reading…", Tone::Muted);
            }
            Some(Fetch::Failed(e)) => {
                d.line(format!("  cannot read: {e}"), Tone::Bad);
            }
            Some(Fetch::Ready(acts)) if acts.is_empty() => {
                d.line("  none recorded", Tone::Muted);
            }
            Some(Fetch::Ready(acts)) => {
                for a in acts.iter().take(10) {
                    let tone = match a.status.as_str() {
                        "Successful" => Tone::Good,
                        "Failed" | "Cancelled" => Tone::Bad,
                        _ => Tone::Accent,
                    };
                    d.spans(vec![
                        (format!("  {:<11}", a.status), tone),
                        (
                            format!(
                                " {} → {}  {}",
                                a.start.map(fmt_time).unwrap_or_default(),
                                match (a.start, a.end) {
                                    (Some(s), Some(e))
                                        if fmt_time(s)[..10] == fmt_time(e)[..10] =>
                                    {
                                        fmt_time(e)[11..16].to_string()
                                    }
                                    (_, Some(e)) => fmt_time(e),
                                    (_, None) => "…".into(),
                                },
                                a.description
                            ),
                            Tone::Normal,
                        ),
                    ]);
                    let width = (s.size.0 as usize).saturating_sub(24).max(40);
                    for l in wrap(&a.cause, width) {
                        d.line(format!("      {l}"), Tone::Muted);
                    }
                }
            }
        }
        Some((d.done(), start))
    }
}
