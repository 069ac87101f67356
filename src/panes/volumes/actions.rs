//! The volumes pane's calls: the forms submitted, and the answers of the calls.

use super::*;

impl VolumesPane {
    pub(super) fn submit(&mut self, tag: &VolumeForm, cx: &mut Cx) -> Vec<Effect> {
        let Some(form) = cx.form().cloned() else {
            return vec![];
        };
        let call = match tag.clone() {
            VolumeForm::Create => {
                let Ok(size) = form.field(F_SIZE).get().trim().parse::<i32>() else {
                    return cx.form_error("the size must be a whole number of GiB");
                };
                let vt = form.field(F_VTYPE).get();
                let iops = match form.field(F_IOPS).get().trim() {
                    "" => None,
                    t => match t.parse::<i32>() {
                        Ok(i) => Some(i),
                        Err(_) => return cx.form_error("IOPS must be a whole number"),
                    },
                };
                let iops = if matches!(vt.as_str(), "io1" | "io2") {
                    iops
                } else {
                    None
                };
                if let Err(e) = check_volume(&vt, size, iops) {
                    return cx.form_error(e);
                }
                let az = form.field(F_AZ).get();
                if az.is_empty() {
                    return cx
                        .form_error("choose an availability zone (the list is still loading?)");
                }
                let snapshot_id =
                    Some(form.field(F_SOURCE).get().trim().to_string()).filter(|s| !s.is_empty());
                // EC2 refuses a volume smaller than its snapshot: said before any call
                let least = snapshot_id
                    .as_deref()
                    .and_then(|id| cx.find::<Snapshot>(id))
                    .map(|snap| (snap.id.clone(), snap.size_gib));
                if let Some((id, gib)) = least.filter(|(_, gib)| *gib > size) {
                    return cx.form_error(format!(
                        "{id} is {gib} GiB: a volume from it is at least {gib} GiB (not {size})"
                    ));
                }
                let name = form.field(F_VNAME).get().trim().to_string();
                VolumeCall::Create(VolumeSpec {
                    az,
                    size_gib: size,
                    volume_type: vt,
                    iops,
                    snapshot_id,
                    encrypted: form.field(F_ENCRYPTED).on(),
                    tags: if name.is_empty() {
                        vec![]
                    } else {
                        vec![("Name".into(), name)]
                    },
                })
            }
            VolumeForm::Attach { volume } => {
                let instance = form.field(F_INSTANCE).get();
                if instance.is_empty() {
                    return cx.form_error("there is no instance in this AZ to attach to");
                }
                let device = form.field(F_DEVICE).get().trim().to_string();
                if !device.starts_with("/dev/") && !device.starts_with("xvd") {
                    return cx.form_error("the device is a name like /dev/sdf");
                }
                VolumeCall::Attach {
                    volume,
                    instance,
                    device,
                }
            }
            VolumeForm::Detach { volume, instance } => VolumeCall::Detach {
                volume,
                instance,
                force: form.field(F_FORCE).on(),
            },
            VolumeForm::Snapshot { volume, tags } => VolumeCall::Snapshot {
                volume,
                description: form.field(F_SDESC).get(),
                tags: if form.field(F_STAGS).on() {
                    tags
                } else {
                    vec![]
                },
            },
            VolumeForm::Delete { volume } => {
                if !cx.capturing() && form.field(crate::panes::kit::F_DELETE).get() != "delete" {
                    return cx.form_error("type delete and press Enter to confirm; Esc cancels");
                }
                VolumeCall::Delete(volume)
            }
        };
        cx.dialog = None;
        cx.info(format!("{}…", call.describe()));
        cx.call(ID, vec![Op::new(call)])
    }

    pub(super) fn done(
        &mut self,
        _req: u64,
        results: Vec<(Op, ApiResult<Outcome>)>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        let mut fx = Vec::new();
        for (op, result) in results {
            let Some(call) = op.get::<VolumeCall>() else {
                continue;
            };
            match &result {
                Ok(Outcome::Created(id)) => cx.ok(format!("{}: {id}", call.describe())),
                Ok(_) => cx.ok(call.describe()),
                Err(e) => cx.call_failed(&call.describe(), e),
            }
            fx.extend(self.refresh(cx));
            cx.tell(Fact::SnapshotsChanged {
                listed_or_not: matches!(call, VolumeCall::Snapshot { .. }),
            });
            if let VolumeCall::Attach { instance, .. } | VolumeCall::Detach { instance, .. } = call
            {
                // the instance's block devices changed
                cx.tell(Fact::InstancesChanged(vec![instance.clone()]));
            }
            if let (Ok(Outcome::Created(id)), VolumeCall::Create(_)) = (&result, call) {
                self.list.set_filter("");
                self.pending_select = Some(id.clone());
                cx.focus(ID);
            }
        }
        fx
    }
}
