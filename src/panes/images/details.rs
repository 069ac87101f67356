//! The details of an AMI: its settings, block device mappings and tags.

use super::*;

impl ImagesPane {
    pub(super) fn details_view(&self, id: &str, s: &Shared) -> Option<DetailsView> {
        let i = self.list.get(id)?;
        let mut v = DetailsView::build(format!("{} {}", i.id, i.name), 18);
        v.kv("Name", i.name.clone())
            .kv("Image ID", i.id.clone())
            .kv_tone("State", i.state.clone(), state_tone(&i.state))
            .kv("State reason", i.state_reason.clone())
            .kv("Description", i.description.clone())
            .kv("Owner", i.owner_id.clone())
            .kv("Visibility", if i.public { "public" } else { "private" })
            .kv("Architecture", i.architecture.clone())
            .kv("Virtualization", i.virtualization.clone())
            .kv("Platform", i.platform.clone())
            .kv(
                "Root device",
                format!("{} ({})", i.root_device_name, i.root_device_type),
            )
            .kv("Size", format!("{} GiB", i.size_gib()))
            .kv(
                "Created",
                i.created
                    .map(|t| format!("{} ({} ago)", fmt_time(t), age(Some(t), s.now)))
                    .unwrap_or_default(),
            )
            .blank()
            .heading(format!("Block device mappings ({})", i.devices.len()));
        for d in &i.devices {
            v.text(format!(
                "  {:<12} {:<24} {:>4} GiB  {:<5} {}",
                d.device,
                if d.snapshot_id.is_empty() {
                    "-"
                } else {
                    &d.snapshot_id
                },
                d.size_gib,
                d.volume_type,
                if d.delete_on_termination {
                    "DeleteOnTermination"
                } else {
                    "kept on termination"
                }
            ));
        }
        v.blank().heading(format!("Tags ({})", i.tags.len()));
        for (key, val) in &i.tags {
            v.spans(vec![
                (format!("  {key} = "), Tone::Muted),
                (val.clone(), Tone::Normal),
            ]);
        }
        Some(v.done())
    }
}
