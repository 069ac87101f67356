//! The volumes pane's forms: create (size and IOPS checked per type), attach (at the next free
//! device), detach, snapshot, delete; proposing them.

use super::*;

pub(super) const TYPES: [&str; 7] = ["gp3", "gp2", "io1", "io2", "st1", "sc1", "standard"];

/// EBS size and IOPS limits per type, checked before any call.
pub fn check_volume(volume_type: &str, size: i32, iops: Option<i32>) -> Result<(), String> {
    let (lo, hi) = match volume_type {
        "gp2" | "gp3" => (1, 16_384),
        "io1" | "io2" => (4, 16_384),
        "st1" | "sc1" => (125, 16_384),
        "standard" => (1, 1024),
        other => return Err(format!("unknown volume type {other}")),
    };
    if !(lo..=hi).contains(&size) {
        return Err(format!(
            "a {volume_type} volume is {lo} to {hi} GiB (not {size})"
        ));
    }
    match (volume_type, iops) {
        ("io1" | "io2", None) => Err(format!("{volume_type} needs IOPS (100 to 64000)")),
        ("io1" | "io2", Some(i)) if !(100..=64_000).contains(&i) => {
            Err(format!("{volume_type} IOPS must be 100 to 64000 (not {i})"))
        }
        ("io1", Some(i)) if i > 50 * size => Err(format!(
            "io1 allows at most 50 IOPS per GiB: {} for {size} GiB",
            50 * size
        )),
        ("io2", Some(i)) if i > 1000 * size => Err(format!(
            "io2 allows at most 1000 IOPS per GiB: {} for {size} GiB",
            1000 * size
        )),
        _ => Ok(()),
    }
}

/// The first of /dev/sdf … /dev/sdp that the instance does not use (xvdX counts as sdX).
pub fn next_free_device(used: &[String]) -> Option<String> {
    let taken = |c: char| {
        used.iter().any(|d| {
            let tail = d.trim_start_matches("/dev/");
            tail == format!("sd{c}")
                || tail == format!("xvd{c}")
                || tail.starts_with(&format!("sd{c}"))
                || tail.starts_with(&format!("xvd{c}"))
        })
    };
    ('f'..='p')
        .find(|c| !taken(*c))
        .map(|c| format!("/dev/sd{c}"))
}

impl VolumesPane {
    pub(super) fn propose_create(&mut self, from: Option<Snapshot>, cx: &mut Cx) -> Vec<Effect> {
        let (size, source, name) = match &from {
            Some(s) => (
                s.size_gib.max(1).to_string(),
                s.id.clone(),
                format!("from-{}", s.id),
            ),
            None => ("8".to_string(), String::new(), String::new()),
        };
        let types: Vec<Opt> = TYPES.iter().map(|t| Opt::new(*t, *t)).collect();
        let mut form = Form::new(
            match &from {
                Some(s) => format!("Create a volume from {}", s.id),
                None => "Create a volume".to_string(),
            },
            vec![
                Field::text(F_SIZE, &size),
                Field::choice(F_VTYPE, types, Some(0)),
                Field::text(F_IOPS, ""),
                Field::loading_choice(F_AZ),
                Field::text(F_SOURCE, &source),
                Field::toggle(F_ENCRYPTED, true),
                Field::text(F_VNAME, &name),
            ],
        );
        if from.is_some() {
            form.intro
                .push("Pick any availability zone: this is how data moves between zones.".into());
        }
        cx.open_form(ID, form, FormTag::new(VolumeForm::Create));
        if self.zones.is_some() {
            self.fill_zones(cx);
            return vec![];
        }
        let job = Job::once("DescribeAvailabilityZones", |api| {
            Box::pin(async move { Got::Zones(api.availability_zones().await) })
        });
        vec![cx.fetch(ID, job).1]
    }

    pub(super) fn fill_zones(&mut self, cx: &mut Cx) {
        let Some(zones) = &self.zones else {
            return;
        };
        let prefer = self.list.selected().map(|v| v.az.clone());
        if !matches!(cx.form_tag::<VolumeForm>(), Some(VolumeForm::Create)) {
            return;
        }
        let Some(form) = cx.form_mut() else {
            return;
        };
        let sel = prefer
            .and_then(|p| zones.iter().position(|z| *z == p))
            .or((!zones.is_empty()).then_some(0));
        form.field_mut(F_AZ)
            .set_options(zones.iter().map(|z| Opt::new(z, z)).collect(), sel);
    }

    pub(super) fn propose_attach(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(v) = self.selected() else {
            cx.error("no volume selected to attach");
            return vec![];
        };
        if v.state != "available" {
            cx.error(format!(
                "{} is {}: only an available volume can be attached",
                v.id, v.state
            ));
            return vec![];
        }
        let mut candidates: Vec<&Instance> = cx
            .rows::<Instance>()
            .filter(|i| {
                i.az == v.az
                    && !matches!(
                        i.state,
                        InstanceState::Terminated | InstanceState::ShuttingDown
                    )
            })
            .collect();
        candidates.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        let options: Vec<Opt> = candidates
            .iter()
            .map(|i| {
                let label = if i.name.is_empty() {
                    i.id.clone()
                } else {
                    format!("{} ({})", i.name, i.id)
                };
                Opt::new(&i.id, format!("{label}  {}", i.state))
            })
            .collect();
        let none = options.is_empty();
        let mut form = Form::new(
            format!(
                "Attach {}{}",
                v.id,
                if v.name.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", v.name)
                }
            ),
            vec![
                Field::choice(F_INSTANCE, options, (!none).then_some(0)),
                Field::text(F_DEVICE, ""),
            ],
        );
        form.intro.push(format!(
            "{} GiB {} in {}. Only instances in {} can take it.",
            v.size_gib, v.volume_type, v.az, v.az
        ));
        if none {
            form.intro.push(format!("No instance in {} can take it: launch one there, or create a volume from a snapshot in another AZ.", v.az));
        }
        propose_device(&mut form, cx);
        cx.open_form(ID, form, FormTag::new(VolumeForm::Attach { volume: v.id }));
        vec![]
    }

    pub(super) fn propose_detach(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(v) = self.selected() else {
            cx.error("no volume selected to detach");
            return vec![];
        };
        let Some(a) = v.attachments.first() else {
            cx.error(format!("{} is not attached", v.id));
            return vec![];
        };
        let mut form = Form::new(
            format!("Detach {}", v.id),
            vec![Field::toggle(F_FORCE, false).with_help(
                "force: the instance gets no chance to flush; data may be lost and the file system damaged. Only for a detach that is stuck.",
            )],
        );
        form.intro.push(format!(
            "Detach {} from {} at {}.",
            v.id,
            Self::instance_label(&a.instance_id, cx),
            a.device
        ));
        form.intro.push("Unmount it in the instance first.".into());
        let tag = VolumeForm::Detach {
            volume: v.id.clone(),
            instance: a.instance_id.clone(),
        };
        cx.open_form(ID, form, FormTag::new(tag));
        vec![]
    }

    pub(super) fn propose_snapshot(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(v) = self.selected() else {
            cx.error("no volume selected to snapshot");
            return vec![];
        };
        let what = if v.name.is_empty() {
            v.id.clone()
        } else {
            format!("{} ({})", v.name, v.id)
        };
        let form = Form::new(
            format!("Snapshot {what}"),
            vec![
                Field::text(F_SDESC, &format!("ec2tui snapshot of {what}")),
                Field::toggle(F_STAGS, true),
            ],
        );
        let tags = v
            .tags
            .iter()
            .filter(|(k, _)| !k.starts_with("aws:"))
            .cloned()
            .collect();
        let tag = VolumeForm::Snapshot {
            volume: v.id.clone(),
            tags,
        };
        cx.open_form(ID, form, FormTag::new(tag));
        vec![]
    }

    pub(super) fn propose_delete(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(v) = self.selected() else {
            cx.error("no volume selected to delete");
            return vec![];
        };
        if let Some(a) = v.attachments.first() {
            let who = Self::instance_label(&a.instance_id, cx);
            cx.error(format!(
                "{} is attached to {who} at {}: detach it first (press d)",
                v.id, a.device
            ));
            return vec![];
        }
        let mut form = Form::new(
            format!("Delete {}", v.id),
            vec![Field::text(crate::panes::kit::F_DELETE, "")],
        );
        form.danger = true;
        form.intro.push(format!(
            "Delete volume {}{}: {} GiB {} in {}. Its data is gone for good unless you have a snapshot.",
            v.id,
            if v.name.is_empty() { String::new() } else { format!(" ({})", v.name) },
            v.size_gib,
            v.volume_type,
            v.az
        ));
        cx.open_form(ID, form, FormTag::new(VolumeForm::Delete { volume: v.id }));
        vec![]
    }
}

/// The device field follows the chosen instance: its next free /dev/sdX.
pub(super) fn propose_device(form: &mut Form, cx: &Cx) {
    let id = form.field(F_INSTANCE).get();
    let used: Vec<String> = cx
        .find::<Instance>(&id)
        .map(|i| {
            let mut d: Vec<String> = i.block_devices.iter().map(|b| b.device.clone()).collect();
            d.push(i.root_device_name.clone());
            d
        })
        .unwrap_or_default();
    let device = next_free_device(&used);
    let f = form.field_mut(F_DEVICE);
    f.value = FieldValue::Text(Input::new(device.clone().unwrap_or_default()));
    f.help = Some(match device {
        Some(_) => "the next free name from /dev/sdf to /dev/sdp; editable".into(),
        None => "no free name from /dev/sdf to /dev/sdp: type one".into(),
    });
}
