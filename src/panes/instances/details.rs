//! The details of an instance: every setting, its volumes, tags, and what was learned of it.

use super::*;

impl InstancesPane {
    pub(super) fn details_view(&self, id: &str, s: &Shared) -> Option<DetailsView> {
        let row = self.list.get(id)?;
        let i = &row.inst;
        let mut v = DetailsView::build(format!("{} {}", i.id, i.name), 22);
        v.kv("Name", i.name.clone())
            .kv("Instance ID", i.id.clone())
            .kv_tone("State", i.state.to_string(), state_tone(i.state))
            .kv("State reason", i.state_reason.clone())
            .kv("Instance type", i.instance_type.clone())
            .kv("Availability zone", i.az.clone())
            .kv("Private IP", i.private_ip.clone())
            .kv("Private DNS", i.private_dns.clone())
            .kv("Public IP", i.public_ip.clone())
            .kv("Public DNS", i.public_dns.clone())
            .kv("Key pair", i.key_name.clone())
            .kv(
                "Launched",
                i.launch_time
                    .map(|t| format!("{} ({} ago)", fmt_time(t), age(Some(t), s.now)))
                    .unwrap_or_default(),
            )
            .kv("AMI", i.image_id.clone())
            .kv("Architecture", i.architecture.clone())
            .kv("Platform", i.platform.clone())
            .kv("VPC", i.vpc_id.clone())
            .kv("Subnet", i.subnet_id.clone())
            .kv(
                "Lifecycle",
                if i.lifecycle.is_empty() {
                    "on-demand".into()
                } else {
                    i.lifecycle.clone()
                },
            )
            .kv("IAM profile", i.iam_profile.clone())
            .kv(
                "Root device",
                format!("{} ({})", i.root_device_name, i.root_device_type),
            )
            .kv(
                "Termination protect.",
                match row.protected {
                    Some(true) => "on",
                    Some(false) => "off",
                    None => "checking…",
                },
            )
            .blank()
            .heading("Security groups");
        if i.security_groups.is_empty() {
            v.text("  none");
        }
        for (id, name) in &i.security_groups {
            v.text(format!("  {id}  {name}"));
        }
        v.blank().heading("Block devices");
        if i.block_devices.is_empty() {
            v.text("  none");
        }
        for b in &i.block_devices {
            v.spans(vec![
                (
                    format!("  {:<12} {:<22} ", b.device, b.volume_id),
                    Tone::Normal,
                ),
                if b.delete_on_termination {
                    ("DeleteOnTermination".into(), Tone::Warn)
                } else {
                    ("kept on termination".into(), Tone::Good)
                },
            ]);
        }
        v.blank().heading(format!("Tags ({})", i.tags.len()));
        for (key, val) in &i.tags {
            v.spans(vec![
                (format!("  {key} = "), Tone::Muted),
                (val.clone(), Tone::Normal),
            ]);
        }
        v.blank().heading("User data");
        match self
            .user_data
            .as_ref()
            .filter(|(u, _)| u == id)
            .map(|(_, f)| f)
        {
            Some(Fetch::Ready(Some(u))) => {
                for l in u.lines() {
                    v.text(format!("  {l}"));
                }
            }
            Some(Fetch::Ready(None)) => {
                v.line("  none", Tone::Muted);
            }
            Some(Fetch::Failed(e)) => {
                v.line(format!("  {e}"), Tone::Bad);
            }
            _ => {
                v.line("  loading…", Tone::Warn);
            }
        }
        Some(v.done())
    }
}
