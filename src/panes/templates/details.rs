//! The details of a launch template: its settings, the groups using it, and its versions newest
//! first with their settings and decoded user data.

use super::*;

impl TemplatesPane {
    pub(super) fn details_view(&self, id: &str, s: &Shared) -> Option<DetailsView> {
        let t = self.list.get(id)?;
        let mut d = DetailsView::build(format!("launch template {}", t.name), 16);
        d.kv("Name", t.name.clone())
            .kv("Template ID", t.id.clone())
            .kv("Default version", t.default_version.to_string())
            .kv("Latest version", t.latest_version.to_string())
            .kv("Created by", t.created_by.clone())
            .kv(
                "Created",
                t.created
                    .map(|c| format!("{} ({} ago)", fmt_time(c), age(Some(c), s.now)))
                    .unwrap_or_default(),
            );
        if let Some(groups) = self.users_of(&t.id) {
            d.kv("Used by", groups.join(", "));
        }
        d.blank();
        match self.versions.get(id).map(|(_, f)| f) {
            None | Some(Fetch::Loading) => {
                d.line("Reading the versions…", Tone::Muted);
            }
            Some(Fetch::Failed(e)) => {
                d.line(format!("Cannot read the versions: {e}"), Tone::Bad);
            }
            Some(Fetch::Ready(vs)) => {
                d.heading(format!("Versions ({}), newest first", vs.len()));
                for v in vs {
                    d.blank();
                    let mut head = format!("Version {}", v.number);
                    if v.is_default {
                        head.push_str("  (default)");
                    }
                    if v.number == t.latest_version {
                        head.push_str("  ($Latest)");
                    }
                    d.line(head, Tone::Heading);
                    let dash = |s: &str| {
                        if s.is_empty() {
                            "-".to_string()
                        } else {
                            s.to_string()
                        }
                    };
                    d.kv("  Description", dash(&v.description))
                        .kv("  Created", v.created.map(fmt_time).unwrap_or_default())
                        .kv("  AMI", dash(&v.data.image_id))
                        .kv("  Instance type", dash(&v.data.instance_type))
                        .kv("  Key pair", dash(&v.data.key_name))
                        .kv("  Groups", v.data.security_group_ids.join(", "));
                    match v.data.user_data.as_deref() {
                        Some(u) if !u.is_empty() => {
                            d.line("  User data:", Tone::Muted);
                            for l in u.lines() {
                                d.text(format!("    {l}"));
                            }
                        }
                        _ => {
                            d.kv("  User data", "");
                        }
                    }
                }
            }
        }
        Some(d.done())
    }
}
