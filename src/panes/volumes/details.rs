//! The details of a volume: its settings, attachments and tags.

use super::*;

impl VolumesPane {
    pub(super) fn details_view(&self, id: &str, _s: &Shared) -> Option<DetailsView> {
        let v = self.list.get(id)?;
        let mut d = DetailsView::build(v.id.clone(), 19);
        d.kv("Name", v.name.clone())
            .kv("Volume ID", v.id.clone())
            .kv("State", v.state.clone())
            .kv("Size", format!("{} GiB", v.size_gib))
            .kv("Type", v.volume_type.clone())
            .kv("IOPS", v.iops.map(|i| i.to_string()).unwrap_or_default())
            .kv("Availability zone", v.az.clone())
            .kv("Encrypted", if v.encrypted { "yes" } else { "no" })
            .kv("Source snapshot", v.snapshot_id.clone())
            .blank()
            .heading(format!("Attachments ({})", v.attachments.len()));
        for a in &v.attachments {
            let who = if !v.attached_name.is_empty() {
                format!("{} ({})", v.attached_name, a.instance_id)
            } else {
                a.instance_id.clone()
            };
            d.text(format!(
                "  {who}  {}  {}{}",
                a.device,
                a.state,
                if a.delete_on_termination {
                    "  DeleteOnTermination"
                } else {
                    ""
                }
            ));
        }
        d.blank().heading(format!("Tags ({})", v.tags.len()));
        for (k, val) in &v.tags {
            d.text(format!("  {k} = {val}"));
        }
        Some(d.done())
    }
}
