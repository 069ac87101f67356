//! The EBS volumes pane: create (per-type size and IOPS checked before any call), attach
//! (only to instances in the volume's AZ, at the next free device), detach (force warned),
//! snapshot, delete (typed word; an attached volume is refused before any call, naming its
//! instance); volumes in transition followed until they settle.

use std::any::Any;
use std::cmp::Ordering;

use tui_input::Input;

use crate::app::clip::CopyWhat;
use crate::app::{
    ActionSpec, Collection, Column, Cx, DetailsView, Effect, Field, FieldValue, Form, FormEvent,
    FormTag, Job, Opt, Pane, PaneSpec, Resource, Shared, TableOps, Tone, Watch, age, lower,
};
use crate::app::{Ask, Fact};
use crate::aws::Instance;
use crate::aws::ops::*;
use crate::aws::{
    ApiResult, InstanceState, Mutation, Op, Outcome, Page, Snapshot, Volume, VolumeSpec,
};

pub const ID: &str = "volumes";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Name,
    Id,
    Size,
    Type,
    Iops,
    State,
    Az,
    AttachedTo,
    Encrypted,
    Created,
    Snapshot,
}

const COLUMNS: &[(Col, Column)] = &[
    (Col::Name, Column::new("Name", 22, 10)),
    (Col::Id, Column::new("Volume ID", 22, 21)),
    (Col::Size, Column::new("Size", 6, 5)),
    (Col::Type, Column::new("Type", 8, 4)),
    (Col::Iops, Column::new("IOPS", 6, 5)),
    (Col::State, Column::new("State", 10, 8)),
    (Col::Az, Column::new("AZ", 11, 10)),
    (Col::AttachedTo, Column::new("Attached to", 30, 12)),
    (Col::Encrypted, Column::new("Enc", 3, 3)),
    (Col::Created, Column::new("Created", 7, 7)),
    (Col::Snapshot, Column::new("Snapshot", 22, 8)),
];

pub fn volume_tone(state: &str) -> Tone {
    match state {
        "available" => Tone::Good,
        "in-use" => Tone::Accent,
        "creating" | "deleting" => Tone::Warn,
        "error" => Tone::Bad,
        _ => Tone::Muted,
    }
}

impl Resource for Volume {
    type Col = Col;

    fn id(&self) -> &str {
        &self.id
    }
    fn columns() -> &'static [(Col, Column)] {
        COLUMNS
    }
    fn cell(&self, col: Col, now: i64) -> (String, Tone) {
        let dash = |s: &str| {
            if s.is_empty() {
                ("-".to_string(), Tone::Muted)
            } else {
                (s.to_string(), Tone::Normal)
            }
        };
        match col {
            Col::Name => dash(&self.name),
            Col::Id => (self.id.clone(), Tone::Normal),
            Col::Size => (format!("{}G", self.size_gib), Tone::Normal),
            Col::Type => (self.volume_type.clone(), Tone::Normal),
            Col::Iops => self
                .iops
                .map(|i| (i.to_string(), Tone::Normal))
                .unwrap_or(("-".into(), Tone::Muted)),
            Col::State => (self.state.clone(), volume_tone(&self.state)),
            Col::Az => (self.az.clone(), Tone::Normal),
            Col::AttachedTo => match self.attachments.first() {
                Some(a) if !self.attached_name.is_empty() => (
                    format!("{} ({}) {}", self.attached_name, a.instance_id, a.device),
                    Tone::Normal,
                ),
                Some(a) => (format!("{} {}", a.instance_id, a.device), Tone::Normal),
                None => ("-".into(), Tone::Muted),
            },
            Col::Encrypted => (
                if self.encrypted { "yes" } else { "no" }.into(),
                if self.encrypted {
                    Tone::Normal
                } else {
                    Tone::Warn
                },
            ),
            Col::Created => (age(self.created, now), Tone::Normal),
            Col::Snapshot => dash(&self.snapshot_id),
        }
    }
    fn compare(&self, other: &Self, col: Col) -> Ordering {
        match col {
            Col::Size => self.size_gib.cmp(&other.size_gib),
            Col::Iops => self.iops.cmp(&other.iops),
            Col::Created => self.created.cmp(&other.created),
            c => crate::app::cmp_ci(&self.cell(c, 0).0, &other.cell(c, 0).0),
        }
    }
    fn tags(&self) -> &[(String, String)] {
        &self.tags
    }
    fn taggable() -> bool {
        true
    }
    fn set_tags(&mut self, tags: Vec<(String, String)>) {
        self.name = crate::aws::name_from_tags(&tags);
        self.tags = tags;
    }
    fn value(&self, what: CopyWhat) -> Option<String> {
        (what == CopyWhat::Name).then(|| self.name.clone())
    }
    fn arn_resource(&self) -> Option<(String, bool)> {
        Some((format!("volume/{}", self.id), true))
    }
    fn to_json(&self, _now: i64) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    fn filter_text(&self) -> String {
        let mut s = format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.name,
            self.id,
            self.volume_type,
            self.state,
            self.az,
            self.snapshot_id,
            self.size_gib
        );
        for a in &self.attachments {
            s.push_str(&format!(
                "\u{1f}{} {} {}",
                self.attached_name, a.instance_id, a.device
            ));
        }
        for (k, v) in &self.tags {
            s.push_str(&format!("\u{1f}{k}={v}"));
        }
        lower(s)
    }
}

/// A volume in transition: its state will move by itself.
fn in_transition(v: &Volume) -> bool {
    matches!(v.state.as_str(), "creating" | "deleting")
        || v.attachments
            .iter()
            .any(|a| matches!(a.state.as_str(), "attaching" | "detaching"))
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

/// What this pane's fetches hand back.
enum Got {
    Page(ApiResult<Page<Volume>>),
    Watched(ApiResult<Vec<Volume>>),
    Zones(ApiResult<Vec<String>>),
}

/// The tags of this pane's forms.
#[derive(Debug, Clone)]
enum VolumeForm {
    Create,
    Attach {
        volume: String,
    },
    Detach {
        volume: String,
        instance: String,
    },
    Snapshot {
        volume: String,
        tags: Vec<(String, String)>,
    },
    Delete {
        volume: String,
    },
}

const ACTIONS: &[ActionSpec] = &[
    ActionSpec::new("create_volume", "create a volume", "new").mutating(),
    ActionSpec::new(
        "attach",
        "attach the volume to an instance in its AZ",
        "attach",
    )
    .mutating(),
    ActionSpec::new("detach", "detach the volume", "detach").mutating(),
    ActionSpec::new("snapshot_volume", "snapshot the volume", "snapshot").mutating(),
    ActionSpec::new("delete_volume", "delete the volume", "delete").mutating(),
];

pub static SPEC: PaneSpec = PaneSpec {
    id: ID,
    title: "Volumes pane",
    focus: "EBS volumes pane",
    one: "volume",
    commands: &["volumes", "volume", "vol", "ebs"],
    number: Some('3'),
    actions: ACTIONS,
    footer: &[
        "details",
        "filter",
        "create_volume",
        "attach",
        "detach",
        "snapshot_volume",
        "delete_volume",
        "pane_snapshots",
        "help",
        "quit",
    ],
};

#[derive(Default)]
pub struct VolumesPane {
    pub list: Collection<Volume>,
    zones: Option<Vec<String>>,
    watch: Watch<()>,
    /// A created volume to select once the list that holds it arrives.
    pending_select: Option<String>,
}

impl VolumesPane {
    fn with_attached_name(mut v: Volume, cx: &Cx) -> Volume {
        if let Some(a) = v.attachments.first() {
            v.attached_name = cx
                .find::<Instance>(&a.instance_id)
                .map(|i| i.name.clone())
                .unwrap_or_default();
        }
        v
    }

    fn instance_label(id: &str, cx: &Cx) -> String {
        match cx.find::<Instance>(id) {
            Some(i) if !i.name.is_empty() => format!("{} ({id})", i.name),
            _ => id.to_string(),
        }
    }

    /// Follows the volumes that are in transition.
    fn follow_moving(&mut self, vols: &[Volume]) {
        for v in vols.iter().filter(|v| in_transition(v)) {
            if !self.watch.contains(&v.id) {
                self.watch.add(v.id.clone(), ());
            }
        }
    }

    fn selected(&mut self) -> Option<Volume> {
        self.list.refresh_view();
        self.list.selected().cloned()
    }

    fn propose_create(&mut self, from: Option<Snapshot>, cx: &mut Cx) -> Vec<Effect> {
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

    fn fill_zones(&mut self, cx: &mut Cx) {
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

    fn propose_attach(&mut self, cx: &mut Cx) -> Vec<Effect> {
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

    fn propose_detach(&mut self, cx: &mut Cx) -> Vec<Effect> {
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

    fn propose_snapshot(&mut self, cx: &mut Cx) -> Vec<Effect> {
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

    fn propose_delete(&mut self, cx: &mut Cx) -> Vec<Effect> {
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
            vec![Field::text(super::kit::F_DELETE, "")],
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

    fn submit(&mut self, tag: &VolumeForm, cx: &mut Cx) -> Vec<Effect> {
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
                let name = form.field(F_VNAME).get().trim().to_string();
                VolumeCall::Create(VolumeSpec {
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
                if form.field(super::kit::F_DELETE).get() != "delete" {
                    return cx.form_error("type delete and press Enter to confirm; Esc cancels");
                }
                VolumeCall::Delete(volume)
            }
        };
        cx.dialog = None;
        cx.info(format!("{}…", call.describe()));
        cx.call(ID, vec![Op::new(call)])
    }
}

/// The device field follows the chosen instance: its next free /dev/sdX.
fn propose_device(form: &mut Form, cx: &Cx) {
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

impl Pane for VolumesPane {
    fn spec(&self) -> &'static PaneSpec {
        &SPEC
    }
    fn table(&self) -> &dyn TableOps {
        &self.list
    }
    fn table_mut(&mut self) -> &mut dyn TableOps {
        &mut self.list
    }
    fn heading(&self, _s: &Shared) -> String {
        "Volumes".into()
    }
    fn noun(&self) -> &'static str {
        "volumes"
    }
    fn empty(&self, s: &Shared) -> String {
        format!("No EBS volumes in {}. Press n to create one.", s.ctx.region)
    }
    fn watching(&self) -> usize {
        self.watch.len()
    }

    fn refresh(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let job = Job::pages(
            "DescribeVolumes",
            |api, token| Box::pin(async move { api.list_volumes(token).await }),
            Got::Page,
        );
        cx.list(ID, &mut self.list, job)
    }

    fn on_action(&mut self, name: &'static str, cx: &mut Cx) -> Vec<Effect> {
        match name {
            "create_volume" => self.propose_create(None, cx),
            "attach" => self.propose_attach(cx),
            "detach" => self.propose_detach(cx),
            "snapshot_volume" => self.propose_snapshot(cx),
            "delete_volume" => self.propose_delete(cx),
            _ => vec![],
        }
    }

    fn details(&self, id: &str, _s: &Shared) -> Option<DetailsView> {
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

    fn on_form(&mut self, tag: &FormTag, ev: FormEvent, cx: &mut Cx) -> Vec<Effect> {
        let Some(t) = tag.get::<VolumeForm>() else {
            return vec![];
        };
        match ev {
            FormEvent::Submit => self.submit(t, cx),
            FormEvent::Changed(F_INSTANCE) => {
                if let Some(mut form) = cx.form().cloned() {
                    propose_device(&mut form, cx);
                    if let Some(f) = cx.form_mut() {
                        *f = form;
                    }
                }
                vec![]
            }
            FormEvent::Changed(_) => vec![],
        }
    }

    fn on_loaded(&mut self, req: u64, data: Box<dyn Any + Send>, cx: &mut Cx) -> Vec<Effect> {
        let Ok(got) = data.downcast::<Got>() else {
            return vec![];
        };
        match *got {
            Got::Page(result) => {
                let result = result.map(|mut p| {
                    p.items = std::mem::take(&mut p.items)
                        .into_iter()
                        .map(|v| Self::with_attached_name(v, cx))
                        .collect();
                    self.follow_moving(&p.items);
                    p
                });
                cx.page(&mut self.list, req, result, "volumes");
            }
            Got::Watched(result) => {
                if !self.watch.accept(req) {
                    return vec![];
                }
                match result {
                    Ok(list) => {
                        let seen: Vec<String> = list.iter().map(|v| v.id.clone()).collect();
                        for v in list {
                            let v = Self::with_attached_name(v, cx);
                            self.watch.observe(&v.id, !in_transition(&v), |_| true);
                            self.list.upsert(v);
                        }
                        // a deleted volume is not described any more: it leaves the table
                        for id in self.watch.missing(seen.iter().map(String::as_str)) {
                            self.list.remove(&id);
                        }
                    }
                    Err(e) if e.code.as_deref().is_some_and(|c| c.ends_with(".NotFound")) => {
                        // EC2 refuses the whole describe when one volume is gone
                        self.watch.forget_asked();
                        return self.refresh(cx);
                    }
                    Err(e) => cx.error_with_hint("cannot check volumes", &e),
                }
            }
            Got::Zones(Ok(z)) => {
                self.zones = Some(z);
                self.fill_zones(cx);
            }
            Got::Zones(Err(e)) => {
                return cx.form_error(format!("cannot list availability zones: {}", e.describe()));
            }
        }
        if let Some(id) = self.pending_select.clone()
            && self.list.get(&id).is_some()
        {
            let h = cx.table_rows();
            self.list.select_id(&id, h);
            self.pending_select = None;
        }
        vec![]
    }

    fn on_done(
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

    fn on_watch_due(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let req = cx.req();
        let Some(items) = self.watch.due(req) else {
            return vec![];
        };
        let ids: Vec<String> = items.into_iter().map(|(id, _)| id).collect();
        let job = Job::once(format!("DescribeVolumes {}", ids.join(",")), move |api| {
            Box::pin(async move { Got::Watched(api.describe_volumes(ids).await) })
        });
        vec![Effect::Fetch { pane: ID, req, job }]
    }

    fn on_ask(&mut self, ask: &Ask, cx: &mut Cx) -> Option<Vec<Effect>> {
        match ask {
            Ask::CreateVolumeFrom(s) => Some(self.propose_create(Some(s.clone()), cx)),
            _ => None,
        }
    }

    fn on_fact(&mut self, fact: &Fact, cx: &mut Cx) -> Vec<Effect> {
        match fact {
            Fact::VolumesChanged => self.refresh(cx),
            _ => vec![],
        }
    }
}
