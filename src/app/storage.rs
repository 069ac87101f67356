//! The volumes and snapshots panes: create, attach (only in the volume's AZ), detach,
//! snapshot, delete, create a volume from a snapshot.

use super::*;
use crate::aws::{Snapshot, Volume, VolumeSpec};

/// A mutating call on volumes or snapshots, carried as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageOp {
    CreateVolume(VolumeSpec),
    Attach {
        volume: String,
        instance: String,
        device: String,
    },
    Detach {
        volume: String,
        instance: String,
        force: bool,
    },
    DeleteVolume(String),
    Snapshot {
        volume: String,
        description: String,
        tags: Vec<(String, String)>,
    },
    DeleteSnapshot(String),
    CopySnapshot {
        snapshot: String,
        region: String,
        description: String,
    },
}

impl StorageOp {
    pub fn describe(&self) -> String {
        match self {
            Self::CreateVolume(s) => format!(
                "create a {} GiB {} volume in {}",
                s.size_gib, s.volume_type, s.az
            ),
            Self::Attach {
                volume,
                instance,
                device,
            } => format!("attach {volume} to {instance} at {device}"),
            Self::Detach {
                volume,
                instance,
                force,
            } => {
                format!(
                    "{}detach {volume} from {instance}",
                    if *force { "force " } else { "" }
                )
            }
            Self::DeleteVolume(v) => format!("delete {v}"),
            Self::Snapshot { volume, .. } => format!("snapshot {volume}"),
            Self::DeleteSnapshot(s) => format!("delete {s}"),
            Self::CopySnapshot {
                snapshot, region, ..
            } => format!("copy {snapshot} to {region}"),
        }
    }
}

pub const F_SIZE: &str = "Size (GiB)";
pub const F_VTYPE: &str = "Type";
pub const F_IOPS: &str = "IOPS (io1/io2)";
pub const F_AZ: &str = "Availability zone";
pub const F_SOURCE: &str = "Source snapshot";
pub const F_ENCRYPTED: &str = "Encrypted";
pub const F_VNAME: &str = "Name";
pub const F_INSTANCE: &str = "Instance";
pub const F_DEVICE: &str = "Device";
pub const F_FORCE: &str = "Force detach";
pub const F_SDESC: &str = "Description";
pub const F_STAGS: &str = "Copy the volume's tags";
pub const F_DELETE: &str = "Type delete to confirm";

const TYPES: [&str; 7] = ["gp3", "gp2", "io1", "io2", "st1", "sc1", "standard"];

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

impl AppState {
    pub(crate) fn refresh_volumes(&mut self) -> Vec<Effect> {
        if self.volumes.is_loading() {
            return vec![];
        }
        let req = self.req();
        self.volumes.begin(req);
        vec![Effect::ListVolumes { req }]
    }

    pub(crate) fn refresh_snapshots(&mut self) -> Vec<Effect> {
        if self.snapshots.is_loading() {
            return vec![];
        }
        let Some(owner) = self.ctx.account.clone() else {
            self.error("the account id is not known yet (STS GetCallerIdentity): cannot list your snapshots");
            return vec![];
        };
        let req = self.req();
        self.snapshots.begin(req);
        let mut fx = vec![Effect::ListSnapshots { req, owner }];
        // which snapshots back AMIs: the AMIs pane's own list (mine)
        if self.amis.load == Load::Idle && self.ami_scope == ImageScope::Mine {
            fx.extend(self.refresh_amis());
        }
        fx
    }

    /// Describes, by id, the volumes in transition (creating, attaching...) and the pending
    /// snapshots, so their state and progress move on screen until they settle.
    pub(crate) fn watch_storage(&mut self) -> Vec<Effect> {
        if self.storage_watch_in_flight {
            return vec![];
        }
        let volumes: Vec<String> = self
            .volumes
            .ids()
            .filter(|id| {
                self.volumes.get(id).is_some_and(|v| {
                    matches!(v.state.as_str(), "creating" | "deleting")
                        || v.attachments
                            .iter()
                            .any(|a| matches!(a.state.as_str(), "attaching" | "detaching"))
                })
            })
            .map(str::to_string)
            .collect();
        let snapshots: Vec<String> = self
            .snapshots
            .ids()
            .filter(|id| self.snapshots.get(id).is_some_and(|s| s.state == "pending"))
            .map(str::to_string)
            .collect();
        if volumes.is_empty() && snapshots.is_empty() {
            return vec![];
        }
        self.storage_watch_in_flight = true;
        vec![Effect::WatchStorage { volumes, snapshots }]
    }

    /// Follows snapshot copies in their target regions until they complete.
    pub(crate) fn watch_snapshot_copies(&mut self) -> Vec<Effect> {
        if self.snapshot_copies.is_empty() || self.copies_watch_in_flight {
            return vec![];
        }
        self.copies_watch_in_flight = true;
        let mut by_region: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (id, region) in &self.snapshot_copies {
            by_region
                .entry(region.clone())
                .or_default()
                .push(id.clone());
        }
        by_region
            .into_iter()
            .map(|(region, ids)| Effect::WatchSnapshotCopies { region, ids })
            .collect()
    }

    fn with_attached_name(&self, mut v: Volume) -> Volume {
        if let Some(a) = v.attachments.first() {
            v.attached_name = self
                .instances
                .get(&a.instance_id)
                .map(|r| r.inst.name.clone())
                .unwrap_or_default();
        }
        v
    }

    fn selected_volume(&mut self) -> Option<Volume> {
        self.volumes.refresh_view();
        self.volumes.selected().cloned()
    }

    fn selected_snapshot(&mut self) -> Option<Snapshot> {
        self.snapshots.refresh_view();
        self.snapshots.selected().cloned()
    }

    fn instance_label(&self, id: &str) -> String {
        match self.instances.get(id) {
            Some(r) if !r.inst.name.is_empty() => format!("{} ({id})", r.inst.name),
            _ => id.to_string(),
        }
    }

    pub(crate) fn propose_create_volume(&mut self, from: Option<Snapshot>) -> Vec<Effect> {
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
        self.open_form(form, FormKind::CreateVolume);
        self.fill_or_load(self.zones.is_some(), Self::fill_zones, Effect::LoadZones)
    }

    fn fill_zones(&mut self) {
        let Some(zones) = self.zones.clone() else {
            return;
        };
        let prefer = self.volumes.selected().map(|v| v.az.clone());
        let Some(Dialog::Form {
            form,
            kind: FormKind::CreateVolume,
        }) = &mut self.dialog
        else {
            return;
        };
        let sel = prefer
            .and_then(|p| zones.iter().position(|z| *z == p))
            .or((!zones.is_empty()).then_some(0));
        form.field_mut(F_AZ)
            .set_options(zones.iter().map(|z| Opt::new(z, z)).collect(), sel);
    }

    pub(crate) fn propose_volume_from_snapshot(&mut self) -> Vec<Effect> {
        match self.selected_snapshot() {
            Some(s) if s.state == "completed" => self.propose_create_volume(Some(s)),
            Some(s) => {
                self.error(format!(
                    "{} is {}: wait until it is completed",
                    s.id, s.state
                ));
                vec![]
            }
            None => {
                self.error("no snapshot selected");
                vec![]
            }
        }
    }

    pub(crate) fn propose_attach(&mut self) -> Vec<Effect> {
        let Some(v) = self.selected_volume() else {
            self.error("no volume selected to attach");
            return vec![];
        };
        if v.state != "available" {
            self.error(format!(
                "{} is {}: only an available volume can be attached",
                v.id, v.state
            ));
            return vec![];
        }
        self.instances.refresh_view();
        let mut candidates: Vec<&InstanceRow> = (0..self.instances.rows())
            .filter_map(|p| self.instances.row(p))
            .filter(|r| {
                r.inst.az == v.az
                    && !matches!(
                        r.inst.state,
                        InstanceState::Terminated | InstanceState::ShuttingDown
                    )
            })
            .collect();
        candidates.sort_by(|a, b| {
            a.inst
                .name
                .cmp(&b.inst.name)
                .then(a.inst.id.cmp(&b.inst.id))
        });
        let options: Vec<Opt> = candidates
            .iter()
            .map(|r| {
                let label = if r.inst.name.is_empty() {
                    r.inst.id.clone()
                } else {
                    format!("{} ({})", r.inst.name, r.inst.id)
                };
                Opt::new(&r.inst.id, format!("{label}  {}", r.inst.state))
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
        self.open_form(
            form,
            FormKind::Attach {
                volume: v.id.clone(),
                az: v.az.clone(),
            },
        );
        self.propose_device();
        vec![]
    }

    /// The device field follows the chosen instance: its next free /dev/sdX.
    fn propose_device(&mut self) {
        let Some(Dialog::Form {
            form,
            kind: FormKind::Attach { .. },
        }) = &self.dialog
        else {
            return;
        };
        let id = form.field(F_INSTANCE).get();
        let used: Vec<String> = self
            .instances
            .get(&id)
            .map(|r| {
                let mut d: Vec<String> = r
                    .inst
                    .block_devices
                    .iter()
                    .map(|b| b.device.clone())
                    .collect();
                d.push(r.inst.root_device_name.clone());
                d
            })
            .unwrap_or_default();
        let device = next_free_device(&used);
        if let Some(Dialog::Form { form, .. }) = &mut self.dialog {
            let f = form.field_mut(F_DEVICE);
            f.value = FieldValue::Text(Input::new(device.clone().unwrap_or_default()));
            f.help = Some(match device {
                Some(_) => "the next free name from /dev/sdf to /dev/sdp; editable".into(),
                None => "no free name from /dev/sdf to /dev/sdp: type one".into(),
            });
        }
    }

    pub(crate) fn propose_detach(&mut self) -> Vec<Effect> {
        let Some(v) = self.selected_volume() else {
            self.error("no volume selected to detach");
            return vec![];
        };
        let Some(a) = v.attachments.first() else {
            self.error(format!("{} is not attached", v.id));
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
            self.instance_label(&a.instance_id),
            a.device
        ));
        form.intro.push("Unmount it in the instance first.".into());
        self.open_form(
            form,
            FormKind::Detach {
                volume: v.id.clone(),
                instance: a.instance_id.clone(),
            },
        );
        vec![]
    }

    pub(crate) fn propose_snapshot(&mut self) -> Vec<Effect> {
        let Some(v) = self.selected_volume() else {
            self.error("no volume selected to snapshot");
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
        self.open_form(
            form,
            FormKind::Snapshot {
                volume: v.id.clone(),
                tags,
            },
        );
        vec![]
    }

    pub(crate) fn propose_delete_volume(&mut self) -> Vec<Effect> {
        let Some(v) = self.selected_volume() else {
            self.error("no volume selected to delete");
            return vec![];
        };
        if let Some(a) = v.attachments.first() {
            self.error(format!(
                "{} is attached to {} at {}: detach it first (press d)",
                v.id,
                self.instance_label(&a.instance_id),
                a.device
            ));
            return vec![];
        }
        let mut form = Form::new(format!("Delete {}", v.id), vec![Field::text(F_DELETE, "")]);
        form.danger = true;
        form.intro.push(format!(
            "Delete volume {}{}: {} GiB {} in {}. Its data is gone for good unless you have a snapshot.",
            v.id,
            if v.name.is_empty() { String::new() } else { format!(" ({})", v.name) },
            v.size_gib,
            v.volume_type,
            v.az
        ));
        self.open_form(
            form,
            FormKind::DeleteVolume {
                volume: v.id.clone(),
            },
        );
        vec![]
    }

    pub(crate) fn propose_copy_snapshot(&mut self) -> Vec<Effect> {
        let Some(s) = self.selected_snapshot() else {
            self.error("no snapshot selected to copy");
            return vec![];
        };
        let form = Form::new(
            format!("Copy {} to another region", s.id),
            vec![
                Field::loading_choice(super::amis::F_REGION),
                Field::text(
                    F_SDESC,
                    &format!("Copy of {} from {}", s.id, self.ctx.region),
                ),
            ],
        );
        self.open_form(
            form,
            FormKind::CopySnapshot {
                snapshot: s.id.clone(),
            },
        );
        self.fill_or_load(
            self.regions.is_some(),
            Self::fill_regions,
            Effect::LoadRegions,
        )
    }

    pub(crate) fn propose_delete_snapshot(&mut self) -> Vec<Effect> {
        let Some(s) = self.selected_snapshot() else {
            self.error("no snapshot selected to delete");
            return vec![];
        };
        let mut form = Form::new(format!("Delete {}", s.id), vec![Field::text(F_DELETE, "")]);
        form.danger = true;
        form.intro.push(format!(
            "Delete snapshot {} ({} GiB, of {}).",
            s.id,
            s.size_gib,
            if s.volume_id.is_empty() {
                "-"
            } else {
                &s.volume_id
            }
        ));
        let backing: Vec<String> = self
            .amis
            .ids()
            .filter_map(|id| self.amis.get(id))
            .filter(|i| i.snapshot_ids().contains(&s.id))
            .map(|i| format!("{} ({})", i.id, i.name))
            .collect();
        if !backing.is_empty() {
            form.intro.push(format!(
                "It backs AMI {}: AWS will refuse until that AMI is deregistered.",
                backing.join(", ")
            ));
        }
        self.open_form(
            form,
            FormKind::DeleteSnapshot {
                snapshot: s.id.clone(),
            },
        );
        vec![]
    }

    /// Submits the storage forms (called from `submit_form`).
    pub(crate) fn submit_storage(&mut self, form: Form, kind: FormKind) -> Vec<Effect> {
        let op = match kind {
            FormKind::CreateVolume => {
                let Ok(size) = form.field(F_SIZE).get().trim().parse::<i32>() else {
                    return self.form_error("the size must be a whole number of GiB");
                };
                let vt = form.field(F_VTYPE).get();
                let iops_text = form.field(F_IOPS).get();
                let iops = match iops_text.trim() {
                    "" => None,
                    t => match t.parse::<i32>() {
                        Ok(i) => Some(i),
                        Err(_) => return self.form_error("IOPS must be a whole number"),
                    },
                };
                let iops = if matches!(vt.as_str(), "io1" | "io2") {
                    iops
                } else {
                    None
                };
                if let Err(e) = check_volume(&vt, size, iops) {
                    return self.form_error(e);
                }
                let az = form.field(F_AZ).get();
                if az.is_empty() {
                    return self
                        .form_error("choose an availability zone (the list is still loading?)");
                }
                let name = form.field(F_VNAME).get().trim().to_string();
                StorageOp::CreateVolume(VolumeSpec {
                    az,
                    size_gib: size,
                    volume_type: vt,
                    iops,
                    snapshot_id: Some(form.field(F_SOURCE).get().trim().to_string())
                        .filter(|s| !s.is_empty()),
                    encrypted: form.field(F_ENCRYPTED).on(),
                    tags: if name.is_empty() {
                        vec![]
                    } else {
                        vec![("Name".into(), name)]
                    },
                })
            }
            FormKind::Attach { volume, .. } => {
                let instance = form.field(F_INSTANCE).get();
                if instance.is_empty() {
                    return self.form_error("there is no instance in this AZ to attach to");
                }
                let device = form.field(F_DEVICE).get().trim().to_string();
                if !device.starts_with("/dev/") && !device.starts_with("xvd") {
                    return self.form_error("the device is a name like /dev/sdf");
                }
                StorageOp::Attach {
                    volume,
                    instance,
                    device,
                }
            }
            FormKind::Detach { volume, instance } => StorageOp::Detach {
                volume,
                instance,
                force: form.field(F_FORCE).on(),
            },
            FormKind::Snapshot { volume, tags } => StorageOp::Snapshot {
                volume,
                description: form.field(F_SDESC).get(),
                tags: if form.field(F_STAGS).on() {
                    tags
                } else {
                    vec![]
                },
            },
            FormKind::CopySnapshot { snapshot } => {
                let region = form.field(super::amis::F_REGION).get();
                if region.is_empty() {
                    return self.form_error("choose a target region (the list is still loading?)");
                }
                StorageOp::CopySnapshot {
                    snapshot,
                    region,
                    description: form.field(F_SDESC).get(),
                }
            }
            FormKind::DeleteVolume { .. } | FormKind::DeleteSnapshot { .. }
                if form.field(F_DELETE).get() != "delete" =>
            {
                return self.form_error("type delete and press Enter to confirm; Esc cancels");
            }
            FormKind::DeleteVolume { volume } => StorageOp::DeleteVolume(volume),
            FormKind::DeleteSnapshot { snapshot } => StorageOp::DeleteSnapshot(snapshot),
            _ => return vec![],
        };
        self.dialog = None;
        self.info(format!("{}…", op.describe()));
        let req = self.req();
        vec![Effect::Storage { req, op }]
    }

    pub(crate) fn storage_form_changed(&mut self, label: &str) {
        if label == F_INSTANCE {
            self.propose_device();
        }
    }

    pub(crate) fn on_storage_api(&mut self, a: ApiEvent) -> Vec<Effect> {
        match a {
            ApiEvent::VolumesPage { req, result } => match result {
                Ok(p) => {
                    let last = p.next_token.is_none();
                    let items = p
                        .items
                        .into_iter()
                        .map(|v| self.with_attached_name(v))
                        .collect();
                    self.volumes.apply_page(req, items, last);
                }
                Err(e) => {
                    if self.volumes.fail(req, e.clone()) {
                        self.error_with_hint("cannot list volumes", &e);
                    }
                }
            },
            ApiEvent::SnapshotsPage { req, result } => match result {
                Ok(p) => {
                    let last = p.next_token.is_none();
                    self.snapshots.apply_page(req, p.items, last);
                }
                Err(e) => {
                    if self.snapshots.fail(req, e.clone()) {
                        self.error_with_hint("cannot list snapshots", &e);
                    }
                }
            },
            ApiEvent::StorageWatched { volumes, snapshots } => {
                self.storage_watch_in_flight = false;
                match volumes {
                    Ok(list) => {
                        for v in list {
                            let v = self.with_attached_name(v);
                            self.volumes.upsert(v);
                        }
                    }
                    Err(e) => self.error_with_hint("cannot check volumes", &e),
                }
                match snapshots {
                    Ok(list) => {
                        for snap in list {
                            if snap.state == "completed" {
                                self.ok(format!("snapshot {} is completed", snap.id));
                            }
                            self.snapshots.upsert(snap);
                        }
                    }
                    Err(e) => self.error_with_hint("cannot check snapshots", &e),
                }
            }
            ApiEvent::SnapshotCopiesWatched { region, result } => {
                self.copies_watch_in_flight = false;
                match result {
                    Ok(list) => {
                        for snap in list {
                            match snap.state.as_str() {
                                "completed" => {
                                    self.snapshot_copies.remove(&snap.id);
                                    self.ok(format!(
                                        "snapshot copy {} in {region} is completed",
                                        snap.id
                                    ));
                                }
                                "error" => {
                                    self.snapshot_copies.remove(&snap.id);
                                    self.error(format!(
                                        "snapshot copy {} in {region} failed",
                                        snap.id
                                    ));
                                }
                                _ => self.info(format!(
                                    "snapshot copy {} in {region}: {}",
                                    snap.id, snap.progress
                                )),
                            }
                        }
                    }
                    Err(e) => {
                        self.error_with_hint(&format!("cannot check the copy in {region}"), &e)
                    }
                }
            }
            ApiEvent::Zones(result) => match result {
                Ok(z) => {
                    self.zones = Some(z);
                    self.fill_zones();
                }
                Err(e) => {
                    let text = format!("cannot list availability zones: {}", e.describe());
                    return self.form_error(text);
                }
            },
            ApiEvent::StorageDone { op, result } => {
                match &result {
                    Ok(id) => {
                        let made = id.as_ref().map(|i| format!(": {i}")).unwrap_or_default();
                        self.ok(format!("{}{made}", op.describe()));
                    }
                    Err(e) => self.error_with_hint(&format!("{} refused", op.describe()), e),
                }
                let mut fx = self.refresh_volumes();
                if matches!(
                    op,
                    StorageOp::Snapshot { .. } | StorageOp::DeleteSnapshot(_)
                ) || self.snapshots.load != Load::Idle
                {
                    fx.extend(self.refresh_snapshots());
                }
                if matches!(op, StorageOp::Attach { .. } | StorageOp::Detach { .. }) {
                    // the instance's block devices changed
                    if let StorageOp::Attach { instance, .. } | StorageOp::Detach { instance, .. } =
                        &op
                    {
                        fx.push(Effect::Watch {
                            ids: vec![instance.clone()],
                        });
                    }
                }
                if let (Ok(Some(id)), StorageOp::CopySnapshot { region, .. }) = (&result, &op) {
                    self.snapshot_copies.insert(id.clone(), region.clone());
                    fx.extend(self.watch_snapshot_copies());
                }
                if let (Ok(Some(id)), StorageOp::CreateVolume(_)) = (&result, &op) {
                    self.pane = Pane::Volumes;
                    self.volumes.set_filter("");
                    self.pending_select = Some(id.clone());
                }
                return fx;
            }
            _ => {}
        }
        if let Some(id) = self.pending_select.clone()
            && self.volumes.get(&id).is_some()
        {
            let h = self.table_rows();
            self.volumes.select_id(&id, h);
            self.pending_select = None;
        }
        vec![]
    }
}

/// The lines of a volume's details.
pub fn volume_lines(v: &Volume, label: impl Fn(&str) -> String) -> Vec<String> {
    let mut out = vec![
        format!(
            "Name               {}",
            if v.name.is_empty() { "-" } else { &v.name }
        ),
        format!("Volume ID          {}", v.id),
        format!("State              {}", v.state),
        format!("Size               {} GiB", v.size_gib),
        format!("Type               {}", v.volume_type),
        format!(
            "IOPS               {}",
            v.iops.map(|i| i.to_string()).unwrap_or_else(|| "-".into())
        ),
        format!("Availability zone  {}", v.az),
        format!(
            "Encrypted          {}",
            if v.encrypted { "yes" } else { "no" }
        ),
        format!(
            "Source snapshot    {}",
            if v.snapshot_id.is_empty() {
                "-"
            } else {
                &v.snapshot_id
            }
        ),
        String::new(),
        format!("Attachments ({})", v.attachments.len()),
    ];
    for a in &v.attachments {
        out.push(format!(
            "  {}  {}  {}{}",
            label(&a.instance_id),
            a.device,
            a.state,
            if a.delete_on_termination {
                "  DeleteOnTermination"
            } else {
                ""
            }
        ));
    }
    out.push(String::new());
    out.push(format!("Tags ({})", v.tags.len()));
    out.extend(v.tags.iter().map(|(k, val)| format!("  {k} = {val}")));
    out
}

/// The lines of a snapshot's details.
pub fn snapshot_lines(s: &Snapshot) -> Vec<String> {
    let mut out = vec![
        format!("Snapshot ID        {}", s.id),
        format!(
            "Name               {}",
            if s.name.is_empty() { "-" } else { &s.name }
        ),
        format!("Description        {}", s.description),
        format!(
            "Volume             {}",
            if s.volume_id.is_empty() {
                "-"
            } else {
                &s.volume_id
            }
        ),
        format!("Size               {} GiB", s.size_gib),
        format!("State              {} ({})", s.state, s.progress),
        format!(
            "Encrypted          {}",
            if s.encrypted { "yes" } else { "no" }
        ),
        format!("Owner              {}", s.owner_id),
        String::new(),
        format!("Tags ({})", s.tags.len()),
    ];
    out.extend(s.tags.iter().map(|(k, val)| format!("  {k} = {val}")));
    out
}
