//! The AMIs pane and the golden-image loop: images in three scopes (mine, Amazon's newest
//! first, shared with me); create an image of an instance (stop first, reboot, no reboot),
//! launch from an AMI or more like an instance, deregister (optionally with its snapshots),
//! copy to another region; pending images followed until they settle, here or there.

use std::any::Any;
use std::cmp::Ordering;

use super::kit::launch::{LaunchTag, Launcher, OptionsLoaded, user_tags};
use crate::app::clip::CopyWhat;
use crate::app::{
    ActionSpec, Collection, Column, Confirm, ConfirmView, Cx, DetailsView, Dialog, Effect, Field,
    Form, FormEvent, FormTag, Job, Opt, Pane, PaneSpec, Resource, Shared, TableOps, Target, Tone,
    Watch, age,
};
use crate::app::{Ask, Fact};
use crate::aws::ops::*;
use crate::aws::{
    ApiResult, Image, ImageConsistency, ImageScope, ImageSpec, Instance, InstanceState, Op,
    Outcome, Page, fmt_time,
};

pub const ID: &str = "amis";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Name,
    Id,
    State,
    Arch,
    Virt,
    Root,
    Size,
    Created,
    Visibility,
    Description,
}

const COLUMNS: &[(Col, Column)] = &[
    (Col::Name, Column::new("Name", 34, 16)),
    (Col::Id, Column::new("Image ID", 21, 21).id()),
    (Col::State, Column::new("State", 9, 7)),
    (Col::Arch, Column::new("Arch", 6, 6)),
    (Col::Virt, Column::new("Virt", 4, 4)),
    (Col::Root, Column::new("Root", 4, 4)),
    (Col::Size, Column::new("Size", 5, 4)),
    (Col::Created, Column::new("Created", 7, 7)),
    (Col::Visibility, Column::new("Visibility", 10, 7)),
    (Col::Description, Column::new("Description", 30, 8)),
];

pub fn state_tone(s: &str) -> Tone {
    match s {
        "available" => Tone::Good,
        "pending" => Tone::Warn,
        "failed" | "error" | "invalid" => Tone::Bad,
        _ => Tone::Muted,
    }
}

impl Resource for Image {
    type Col = Col;

    fn id(&self) -> &str {
        &self.id
    }

    fn columns() -> &'static [(Col, Column)] {
        COLUMNS
    }

    fn cell(&self, col: Col, now: i64) -> (String, Tone) {
        let or_dash = |s: &str| {
            if s.is_empty() {
                ("-".to_string(), Tone::Muted)
            } else {
                (s.to_string(), Tone::Normal)
            }
        };
        match col {
            Col::Name => or_dash(&self.name),
            Col::Id => (self.id.clone(), Tone::Normal),
            Col::State => (self.state.clone(), state_tone(&self.state)),
            Col::Arch => (self.architecture.clone(), Tone::Normal),
            Col::Virt => (self.virtualization.clone(), Tone::Normal),
            Col::Root => (self.root_device_type.clone(), Tone::Normal),
            Col::Size => (format!("{}G", self.size_gib()), Tone::Normal),
            Col::Created => (age(self.created, now), Tone::Normal),
            Col::Visibility => (
                if self.public { "public" } else { "private" }.to_string(),
                if self.public {
                    Tone::Warn
                } else {
                    Tone::Normal
                },
            ),
            Col::Description => or_dash(&self.description),
        }
    }

    fn compare(&self, other: &Self, col: Col) -> Ordering {
        match col {
            Col::Name => crate::app::cmp_ci(&self.name, &other.name),
            Col::Id => self.id.cmp(&other.id),
            Col::State => self.state.cmp(&other.state),
            Col::Arch => self.architecture.cmp(&other.architecture),
            Col::Virt => self.virtualization.cmp(&other.virtualization),
            Col::Root => self.root_device_type.cmp(&other.root_device_type),
            Col::Size => self.size_gib().cmp(&other.size_gib()),
            Col::Created => self.created.cmp(&other.created),
            Col::Visibility => self.public.cmp(&other.public),
            Col::Description => self.description.cmp(&other.description),
        }
    }

    fn tags(&self) -> &[(String, String)] {
        &self.tags
    }
    fn taggable() -> bool {
        true
    }
    fn set_tags(&mut self, tags: Vec<(String, String)>) {
        self.tags = tags;
    }
    fn value(&self, what: CopyWhat) -> Option<String> {
        (what == CopyWhat::Name).then(|| self.name.clone())
    }
    fn arn_resource(&self) -> Option<(String, bool)> {
        Some((format!("image/{}", self.id), false))
    }
    fn to_json(&self, _now: i64) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    fn filter_text(&self) -> String {
        let mut s = String::with_capacity(128);
        for part in [
            self.name.as_str(),
            &self.id,
            &self.state,
            &self.architecture,
            &self.virtualization,
            &self.root_device_type,
            &self.description,
            &self.owner_id,
            if self.public { "public" } else { "private" },
        ] {
            s.push_str(part);
            s.push('\u{1f}');
        }
        for (k, v) in &self.tags {
            s.push_str(k);
            s.push('=');
            s.push_str(v);
            s.push('\u{1f}');
        }
        for d in &self.devices {
            s.push_str(&d.snapshot_id);
            s.push('\u{1f}');
        }
        if s.is_ascii() {
            s.make_ascii_lowercase();
            s
        } else {
            s.to_lowercase()
        }
    }
}

// Field labels: the forms' fields are looked up by them.
pub const F_NAME: &str = "Name";
pub const F_DESCRIPTION: &str = "Description";
pub const F_CONSISTENCY: &str = "Consistency";
pub const F_RESTART: &str = "Start again when available";
pub const F_COPY_TAGS: &str = "Copy tags to AMI + snapshots";
pub const F_DELETE_SNAPSHOTS: &str = "Also delete its snapshots";
pub const F_CONFIRM: &str = "Type deregister to confirm";
pub use super::kit::F_REGION;

const CONSISTENCY: [(ImageConsistency, &str); 3] = [
    (
        ImageConsistency::StopFirst,
        "stop first: ec2tui stops it, waits for stopped, then images it",
    ),
    (
        ImageConsistency::Reboot,
        "reboot: EC2 reboots it for consistent disks (EC2's default)",
    ),
    (
        ImageConsistency::NoReboot,
        "no reboot: fastest; file system integrity is NOT guaranteed",
    ),
];

/// EC2's rule for AMI names: 3–128 characters of letters, digits and `()[] ./-'@_`.
pub fn valid_ami_name(name: &str) -> Result<(), String> {
    let n = name.chars().count();
    let ok_char = |c: char| c.is_ascii_alphanumeric() || "()[] ./-'@_".contains(c);
    if !(3..=128).contains(&n) {
        return Err(format!(
            "the AMI name must be 3 to 128 characters (it is {n})"
        ));
    }
    if let Some(c) = name.chars().find(|c| !ok_char(*c)) {
        return Err(format!(
            "the AMI name may not contain {c:?}: use letters, digits, spaces and ( ) [ ] . / - ' @ _"
        ));
    }
    Ok(())
}

/// `Name-YYYYMMDD-HHMMSS` (UTC), the default image name: seconds, so that a second image
/// of the same instance in the same minute does not collide.
pub fn default_image_name(base: &str, now: i64) -> String {
    let t = fmt_time(now); // "2026-11-22 10:04 UTC"
    let stamp = format!(
        "{}{}{}-{}{}{:02}",
        &t[0..4],
        &t[5..7],
        &t[8..10],
        &t[11..13],
        &t[14..16],
        now.rem_euclid(60)
    );
    let base: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "()[]./-'@_".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(110)
        .collect();
    format!("{base}-{stamp}")
}

/// The stop of a stop-first image was confirmed (its job is in flight from then on).
struct StopFirstSent(String);

/// A create-image run that spans several calls (stop, wait, create, wait, start).
#[derive(Debug, Clone)]
struct ImageJob {
    instance: Target,
    spec: ImageSpec,
    /// ec2tui stops the instance first (else a plain CreateImage).
    stop_first: bool,
    restart: bool,
    stage: Stage,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Stage {
    /// The stop is waiting for its confirmation.
    Confirming,
    Stopping,
    Creating,
    Waiting {
        image_id: String,
    },
}

/// The tags of this pane's forms.
#[derive(Debug, Clone)]
struct CreateImageTag {
    instance: Target,
    running: bool,
    tags: Vec<(String, String)>,
}
#[derive(Debug, Clone)]
struct DeregisterTag {
    image: Target,
    snapshots: Vec<String>,
}
#[derive(Debug, Clone)]
struct CopyTag {
    image: Target,
}

/// What this pane's fetches hand back.
enum Got {
    Page(ApiResult<Page<Image>>),
    /// Images followed, by region (None: ours).
    Watched(Vec<(Option<String>, ApiResult<Vec<Image>>)>),
    Regions(ApiResult<Vec<String>>),
}

const ACTIONS: &[ActionSpec] = &[
    ActionSpec::new(
        "cycle_scope",
        "cycle scope: mine, Amazon's, shared with me",
        "scope",
    ),
    ActionSpec::new("launch", "launch instances from this AMI", "launch").mutating(),
    ActionSpec::new("deregister", "deregister the AMI", "deregister").mutating(),
    ActionSpec::new("copy_image", "copy the AMI to another region", "copy").mutating(),
];

pub static SPEC: PaneSpec = PaneSpec {
    id: ID,
    title: "AMIs pane",
    focus: "AMIs pane",
    one: "image",
    commands: &["amis", "ami", "images", "image"],
    number: Some('2'),
    actions: ACTIONS,
    footer: &[
        "details",
        "filter",
        "cycle_scope",
        "launch",
        "copy_image",
        "deregister",
        "pane_instances",
        "refresh",
        "help",
        "quit",
    ],
};

pub struct ImagesPane {
    pub list: Collection<Image>,
    pub scope: ImageScope,
    /// Pending images followed until they settle: id -> region (None: ours).
    watch: Watch<Option<String>>,
    jobs: Vec<ImageJob>,
    launcher: Launcher,
    regions: Option<Vec<String>>,
    /// A deregistration whose snapshots are being deleted.
    deregistering: Option<Target>,
}

impl Default for ImagesPane {
    fn default() -> Self {
        Self {
            list: Self::new_list(None),
            scope: ImageScope::Mine,
            watch: Watch::default(),
            jobs: Vec::new(),
            launcher: Launcher::default(),
            regions: None,
            deregistering: None,
        }
    }
}

impl ImagesPane {
    /// The launch form's options, once loaded.
    pub fn launch_options(&self) -> Option<&super::kit::launch::LaunchOptions> {
        self.launcher.options.as_ref()
    }

    fn new_list(keep: Option<(&Collection<Image>, ImageScope)>) -> Collection<Image> {
        let mut list = Collection::default();
        match keep {
            Some((old, scope)) => {
                let (col, desc) = if scope == ImageScope::Amazon {
                    (Col::Created, true)
                } else {
                    old.sort_by()
                };
                list.set_sort(col, desc);
                list.set_filter(old.filter());
            }
            None => list.set_sort(Col::Created, true),
        }
        list
    }

    fn selected(&mut self) -> Option<Image> {
        self.list.refresh_view();
        self.list.selected().cloned()
    }

    fn cycle_scope(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.scope = self.scope.next();
        self.list = Self::new_list(Some((&self.list, self.scope)));
        cx.info(format!("AMIs: {}", self.scope.label()));
        self.refresh(cx)
    }

    fn poll(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let req = cx.req();
        let Some(by_region) = self.watch.due_grouped(req) else {
            return vec![];
        };
        let job = super::kit::describe_by_region(
            "DescribeImages",
            by_region,
            |api, region, ids| Box::pin(async move { api.describe_images(region, ids).await }),
            Got::Watched,
        );
        vec![Effect::Fetch { pane: ID, req, job }]
    }

    fn propose_create_image(&mut self, i: Instance, cx: &mut Cx) -> Vec<Effect> {
        let running = i.state == InstanceState::Running;
        if !running && i.state != InstanceState::Stopped {
            cx.error(format!(
                "{} is {}: an image needs a running or stopped instance",
                i.id, i.state
            ));
            return vec![];
        }
        let base = if i.name.is_empty() {
            i.id.clone()
        } else {
            i.name.clone()
        };
        let target = Target::new(i.id.clone(), i.name.clone());
        let options: Vec<Opt> = CONSISTENCY.iter().map(|(_, l)| Opt::new(*l, *l)).collect();
        let consistency = if running { 0 } else { 2 };
        let mut form = Form::new(
            format!("Create image of {}", target.label()),
            vec![
                Field::text(F_NAME, &default_image_name(&base, cx.now)),
                Field::text(F_DESCRIPTION, &format!("Created by ec2tui from {}", i.id)),
                Field::choice(F_CONSISTENCY, options, Some(consistency)),
                Field::toggle(F_RESTART, false),
                Field::toggle(F_COPY_TAGS, true),
            ],
        );
        if !running {
            form.intro.push(format!(
                "{} is stopped: its disks are already consistent.",
                i.id
            ));
        }
        describe_consistency(&mut form, running);
        cx.open_form(
            ID,
            form,
            FormTag::new(CreateImageTag {
                instance: target,
                running,
                tags: user_tags(&i.tags),
            }),
        );
        vec![]
    }

    fn propose_launch(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(img) = self.selected() else {
            cx.error("no AMI selected to launch from");
            return vec![];
        };
        if img.state != "available" {
            cx.error(format!(
                "{} is {}: only an available AMI can be launched",
                img.id, img.state
            ));
            return vec![];
        }
        let title = format!(
            "Launch from {} ({})",
            if img.name.is_empty() { "-" } else { &img.name },
            img.id
        );
        self.launcher.open(
            ID,
            title,
            img.id.clone(),
            img.architecture.clone(),
            None,
            cx,
        )
    }

    fn propose_deregister(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(img) = self.selected() else {
            cx.error("no AMI selected to deregister");
            return vec![];
        };
        if self.scope != ImageScope::Mine {
            cx.error("only your own AMIs can be deregistered (press o for the scope: mine)");
            return vec![];
        }
        let snapshots = img.snapshot_ids();
        let target = Target::new(img.id.clone(), img.name.clone());
        let mut form = Form::new(
            format!("Deregister {}", target.label()),
            vec![
                Field::toggle(F_DELETE_SNAPSHOTS, false),
                Field::text(F_CONFIRM, ""),
            ],
        );
        form.danger = true;
        form.focus = 1;
        form.intro
            .push(format!("Deregister AMI {}.", target.label()));
        if snapshots.is_empty() {
            form.intro.push("It has no EBS snapshots.".into());
        } else {
            form.intro
                .push("Backing snapshots (kept unless you tick the box):".into());
            for d in img.devices.iter().filter(|d| !d.snapshot_id.is_empty()) {
                form.intro.push(format!(
                    "  {}  {} GiB  {}",
                    d.snapshot_id, d.size_gib, d.device
                ));
            }
        }
        form.intro.push("Running instances launched from it are not affected; new launches from it become impossible.".into());
        cx.open_form(
            ID,
            form,
            FormTag::new(DeregisterTag {
                image: target,
                snapshots,
            }),
        );
        vec![]
    }

    fn propose_copy(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(img) = self.selected() else {
            cx.error("no AMI selected to copy");
            return vec![];
        };
        let target = Target::new(img.id.clone(), img.name.clone());
        let mut form = Form::new(
            format!("Copy {} to another region", target.label()),
            vec![
                Field::loading_choice(F_REGION),
                Field::text(F_NAME, &img.name),
            ],
        );
        form.intro
            .push(format!("From {} ({}).", cx.ctx.region, img.architecture));
        cx.open_form(ID, form, FormTag::new(CopyTag { image: target }));
        match &self.regions {
            Some(r) => {
                super::kit::fill_regions(r, cx);
                vec![]
            }
            None => {
                let job = Job::once("DescribeRegions", |api| {
                    Box::pin(async move { Got::Regions(api.regions().await) })
                });
                vec![cx.fetch(ID, job).1]
            }
        }
    }

    fn submit(&mut self, tag: &FormTag, cx: &mut Cx) -> Vec<Effect> {
        let Some(form) = cx.form().cloned() else {
            return vec![];
        };
        if let Some(t) = tag.get::<CreateImageTag>() {
            let name = form.field(F_NAME).get().trim().to_string();
            if let Err(e) = valid_ami_name(&name) {
                return cx.form_error(e);
            }
            let chosen = form.field(F_CONSISTENCY).get();
            let consistency = CONSISTENCY
                .iter()
                .find(|(_, l)| *l == chosen)
                .map(|(c, _)| *c)
                .unwrap_or(ImageConsistency::StopFirst);
            let spec = ImageSpec {
                instance_id: t.instance.id.clone(),
                name,
                description: form.field(F_DESCRIPTION).get(),
                no_reboot: consistency != ImageConsistency::Reboot,
                tags: if form.field(F_COPY_TAGS).on() {
                    t.tags.clone()
                } else {
                    Vec::new()
                },
            };
            if let Some(taken) = self.list.ids().find_map(|id| {
                self.list
                    .get(id)
                    .filter(|i| i.name == spec.name)
                    .map(|i| i.id.clone())
            }) {
                return cx.form_error(format!(
                    "an AMI named {} exists already ({taken}): choose another name",
                    spec.name
                ));
            }
            // an earlier job for this instance that was never confirmed goes
            self.jobs
                .retain(|j| !(j.instance.id == t.instance.id && j.stage == Stage::Confirming));
            if consistency == ImageConsistency::StopFirst && t.running && cx.capturing() {
                // Ctrl-y: every call it leads to (stop, then create), none sent
                return cx.call(
                    ID,
                    vec![
                        InstanceCall::op(Verb::Stop, t.instance.clone()),
                        Op::new(CreateImageAfterStop {
                            create: CreateImage(spec),
                            restart: form.field(F_RESTART).on(),
                        }),
                    ],
                );
            }
            if consistency == ImageConsistency::StopFirst && t.running {
                // stopping an instance is confirmed on its own, naming it
                let restart = form.field(F_RESTART).on();
                let mut c = Confirm::new(
                    ID,
                    "Stop first",
                    vec![InstanceCall::op(Verb::Stop, t.instance.clone())],
                );
                c.progress = format!("stopping {} before creating the image…", t.instance.label());
                // told when it is confirmed: from then on the stop is in flight
                c.then = Some(std::sync::Arc::new(StopFirstSent(t.instance.id.clone())));
                self.jobs.push(ImageJob {
                    instance: t.instance.clone(),
                    spec,
                    stop_first: true,
                    restart,
                    stage: Stage::Confirming,
                });
                cx.dialog = Some(Dialog::Confirm(c));
                return vec![];
            }
            let fx = cx.call(ID, vec![Op::new(CreateImage(spec.clone()))]);
            if !fx.is_empty() {
                // the form stays open until EC2 answers: a refusal is shown in it
                if let Some(form) = cx.form_mut() {
                    form.error = None;
                    form.info = Some(format!("creating image {}…", spec.name));
                }
                self.jobs.push(ImageJob {
                    instance: t.instance.clone(),
                    spec,
                    stop_first: false,
                    restart: false,
                    stage: Stage::Creating,
                });
            }
            return fx;
        }
        if tag.get::<LaunchTag>().is_some() {
            return self.launcher.submit(ID, cx);
        }
        if let Some(t) = tag.get::<DeregisterTag>() {
            if form.field(F_CONFIRM).get() != "deregister" {
                return cx.form_error(
                    "type deregister and press Ctrl-s or Enter to confirm; Esc cancels",
                );
            }
            let delete = form.field(F_DELETE_SNAPSHOTS).on();
            cx.dialog = None;
            cx.info(format!("deregistering {}…", t.image.label()));
            let snapshots = if delete {
                t.snapshots.clone()
            } else {
                Vec::new()
            };
            return cx.call(
                ID,
                vec![Op::new(DeregisterImage {
                    image: t.image.clone(),
                    snapshots,
                })],
            );
        }
        if let Some(t) = tag.get::<CopyTag>() {
            let region = form.field(F_REGION).get();
            if region.is_empty() {
                return cx.form_error("choose a target region (the list is still loading?)");
            }
            let name = form.field(F_NAME).get().trim().to_string();
            if let Err(e) = valid_ami_name(&name) {
                return cx.form_error(e);
            }
            cx.dialog = None;
            cx.info(format!("copying {} to {region}…", t.image.label()));
            return cx.call(
                ID,
                vec![Op::new(CopyImage {
                    image: t.image.clone(),
                    name,
                    region,
                })],
            );
        }
        vec![]
    }

    fn on_created(
        &mut self,
        instance_id: &str,
        result: ApiResult<Outcome>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        let pos = self
            .jobs
            .iter()
            .position(|j| j.instance.id == instance_id && j.stage == Stage::Creating);
        let job = pos.map(|p| self.jobs.remove(p));
        let form_open = cx.form_tag::<CreateImageTag>().is_some();
        match result {
            Ok(out) => {
                let Outcome::Created(id) = out else {
                    return vec![];
                };
                if form_open {
                    cx.dialog = None;
                }
                let arch = cx
                    .find::<Instance>(instance_id)
                    .map(|i| i.architecture.clone())
                    .unwrap_or_default();
                let name = job
                    .as_ref()
                    .map(|j| j.spec.name.clone())
                    .unwrap_or_default();
                let img = Image {
                    id: id.clone(),
                    name: name.clone(),
                    state: "pending".into(),
                    architecture: arch,
                    created: Some(cx.now),
                    description: job
                        .as_ref()
                        .map(|j| j.spec.description.clone())
                        .unwrap_or_default(),
                    owner_id: cx.ctx.account.clone().unwrap_or_default(),
                    ..Default::default()
                };
                let fresh =
                    self.scope != ImageScope::Mine || self.list.load == crate::app::Load::Idle;
                if self.scope != ImageScope::Mine {
                    self.scope = ImageScope::Mine;
                    self.list = Self::new_list(None);
                }
                self.list.upsert(img);
                self.list.set_filter("");
                let h = cx.table_rows();
                self.list.select_id(&id, h);
                self.watch.add(id.clone(), None);
                cx.focus(ID);
                cx.info(format!("image {name} ({id}) is pending; watching it"));
                if let Some(mut j) = job.filter(|j| j.restart) {
                    j.stage = Stage::Waiting { image_id: id };
                    self.jobs.push(j);
                }
                let mut fx = self.poll(cx);
                if fresh {
                    fx.extend(self.refresh(cx));
                }
                fx
            }
            Err(e) => {
                let text = cx.with_hint(&e.failed(&format!("create image of {instance_id}")), &e);
                if form_open {
                    // what was typed stays: fix the name and submit again
                    cx.log(crate::app::Level::Error, &text);
                    cx.form_error(text);
                } else {
                    cx.error(text);
                }
                match job.filter(|j| j.restart) {
                    Some(j) => cx.call(ID, vec![InstanceCall::op(Verb::Start, j.instance)]),
                    None => vec![],
                }
            }
        }
    }

    fn on_watched(&mut self, region: Option<String>, list: Vec<Image>, cx: &mut Cx) -> Vec<Effect> {
        let mut fx = Vec::new();
        for img in list {
            let settled = img.is_settled();
            if region.is_none()
                && (self.scope == ImageScope::Mine || self.list.get(&img.id).is_some())
            {
                self.list.upsert(img.clone());
            }
            if !self.watch.observe(&img.id, settled, |_| true) {
                continue;
            }
            let label = Target::new(img.id.clone(), img.name.clone()).label();
            let where_ = region
                .as_ref()
                .map(|r| format!(" in {r}"))
                .unwrap_or_default();
            if img.state == "available" {
                cx.ok(format!("image {label} is available{where_}"));
            } else {
                let why = if img.state_reason.is_empty() {
                    String::new()
                } else {
                    format!(": {}", img.state_reason)
                };
                cx.error(format!("image {label}{where_} is {}{why}", img.state));
            }
            if let Some(p) = self.jobs.iter().position(|j| {
                j.stage
                    == Stage::Waiting {
                        image_id: img.id.clone(),
                    }
            }) {
                let j = self.jobs.remove(p);
                if img.state == "available" || j.restart {
                    cx.info(format!(
                        "image {label} is {}; starting {} again",
                        img.state,
                        j.instance.label()
                    ));
                    fx.extend(cx.call(ID, vec![InstanceCall::op(Verb::Start, j.instance)]));
                }
            }
        }
        fx
    }
}

/// The help line under the consistency choice says what the choice means (for a stopped
/// instance every choice images consistent disks).
fn describe_consistency(form: &mut Form, running: bool) {
    let Some(i) = form.index_of(F_CONSISTENCY) else {
        return;
    };
    let chosen = form.fields[i].get();
    let help = match CONSISTENCY
        .iter()
        .find(|(_, l)| *l == chosen)
        .map(|(c, _)| *c)
    {
        Some(ImageConsistency::NoReboot) => {
            "It keeps running; writes in flight may miss the image."
        }
        Some(ImageConsistency::Reboot) => "It is unavailable for a minute while EC2 reboots it.",
        _ => "It is unavailable until it is started again.",
    };
    form.fields[i].help = Some(if running {
        help.to_string()
    } else {
        "It is stopped: its disks are consistent, and it stays stopped.".to_string()
    });
}

impl Pane for ImagesPane {
    fn in_flight(&self) -> Vec<crate::app::InFlight> {
        self.jobs
            .iter()
            .filter_map(|j| {
                let who = j.instance.label();
                let name = &j.spec.name;
                let again = if j.restart { ", not started again" } else { "" };
                let left = match &j.stage {
                    // a plain CreateImage: EC2 makes the image whether ec2tui stays or not
                    _ if !j.stop_first => return None,
                    Stage::Confirming => return None,
                    Stage::Waiting { .. } if !j.restart => return None,
                    Stage::Stopping => format!(
                        "{who} being stopped for image {name}: no image is made, it is left stopped{again} — s starts it"
                    ),
                    Stage::Creating => format!(
                        "{who} stopped for image {name}, CreateImage sent and not yet answered: it is left stopped{again} — s starts it"
                    ),
                    Stage::Waiting { image_id } => format!(
                        "{who} stopped for image {name} ({image_id}, still being made): not started again — s starts it"
                    ),
                };
                Some(crate::app::InFlight {
                    targets: vec![j.instance.id.clone()],
                    left,
                })
            })
            .collect()
    }

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
        format!("AMIs: {}", self.scope.label())
    }
    fn noun(&self) -> &'static str {
        "AMIs"
    }
    fn empty(&self, s: &Shared) -> String {
        format!(
            "No AMIs ({}) in {}. Press o for another scope.",
            self.scope.label(),
            s.ctx.region
        )
    }
    fn watching(&self) -> usize {
        self.watch.len()
    }

    fn refresh(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let scope = self.scope;
        let job = Job::pages(
            format!("DescribeImages ({})", scope.label()),
            move |api, token| Box::pin(async move { api.list_images(scope, token).await }),
            Got::Page,
        );
        cx.list(ID, &mut self.list, job)
    }

    fn on_action(&mut self, name: &'static str, cx: &mut Cx) -> Vec<Effect> {
        match name {
            "cycle_scope" => self.cycle_scope(cx),
            "launch" => self.propose_launch(cx),
            "deregister" => self.propose_deregister(cx),
            "copy_image" => self.propose_copy(cx),
            _ => vec![],
        }
    }

    fn details(&self, id: &str, s: &Shared) -> Option<DetailsView> {
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

    /// The stop-first confirmation: the instance, the image it is for, and what follows.
    fn confirm_body(&self, c: &Confirm, _s: &Shared) -> ConfirmView {
        let Some(call) = c.ops.iter().find_map(|o| o.get::<InstanceCall>()) else {
            return ConfirmView::default();
        };
        let t = &call.target;
        let job = self
            .jobs
            .iter()
            .find(|j| j.instance.id == t.id && j.stage == Stage::Confirming);
        let name = job.map(|j| j.spec.name.as_str()).unwrap_or("?");
        let then = if job.is_some_and(|j| j.restart) {
            "ec2tui starts it again when the image is available."
        } else {
            "it stays stopped afterwards (tick \"Start again when available\" to restart it)."
        };
        ConfirmView {
            summary: vec![vec![(
                format!("Stop {} first, then create the image {name}:", t.label()),
                Tone::Normal,
            )]],
            items: vec![vec![(format!("  {}  [running]", t.label()), Tone::Normal)]],
            tail: vec![vec![(
                format!("It is unavailable until it is started again; {then}"),
                Tone::Warn,
            )]],
        }
    }

    fn on_form(&mut self, tag: &FormTag, ev: FormEvent, cx: &mut Cx) -> Vec<Effect> {
        match ev {
            FormEvent::Submit => self.submit(tag, cx),
            FormEvent::Changed(label) => {
                if tag.get::<LaunchTag>().is_some() {
                    self.launcher.on_changed(label, cx);
                } else if label == F_CONSISTENCY {
                    let running = tag.get::<CreateImageTag>().is_some_and(|t| t.running);
                    if let Some(form) = cx.form_mut() {
                        describe_consistency(form, running);
                    }
                }
                vec![]
            }
        }
    }

    fn on_loaded(&mut self, req: u64, data: Box<dyn Any + Send>, cx: &mut Cx) -> Vec<Effect> {
        let data = match data.downcast::<OptionsLoaded>() {
            Ok(o) => {
                self.launcher.on_options(o.0, cx);
                return vec![];
            }
            Err(d) => d,
        };
        let Ok(got) = data.downcast::<Got>() else {
            return vec![];
        };
        match *got {
            Got::Page(result) => {
                for img in result.iter().flat_map(|p| &p.items) {
                    if !img.is_settled() && !self.watch.contains(&img.id) {
                        self.watch.add(img.id.clone(), None);
                    }
                }
                cx.page(&mut self.list, req, result, "AMIs");
            }
            Got::Watched(results) => {
                if !self.watch.accept(req) {
                    return vec![];
                }
                let mut fx = Vec::new();
                let mut seen: Vec<String> = Vec::new();
                let mut all_answered = true;
                for (region, result) in results {
                    match result {
                        Ok(list) => {
                            seen.extend(list.iter().map(|i| i.id.clone()));
                            fx.extend(self.on_watched(region, list, cx));
                        }
                        Err(e) if e.code.as_deref().is_some_and(|c| c.ends_with(".NotFound")) => {
                            all_answered = false;
                            self.watch.forget_asked();
                        }
                        Err(e) => {
                            all_answered = false;
                            cx.error_with_hint("cannot check the image", &e);
                        }
                    }
                }
                if all_answered {
                    // an image no longer described (deregistered) is no longer followed
                    self.watch.missing(seen.iter().map(String::as_str));
                }
                return fx;
            }
            Got::Regions(Ok(r)) => {
                super::kit::fill_regions(&r, cx);
                self.regions = Some(r);
            }
            Got::Regions(Err(e)) => {
                return cx.form_error(format!("cannot list regions: {}", e.describe()));
            }
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
        let mut deleted = Vec::new();
        let mut refused = Vec::new();
        for (op, result) in results {
            if let Some(c) = op.get::<InstanceCall>() {
                // the stop of a stop-first image, or the start after it
                let t = c.target.clone();
                match result {
                    Ok(_) => {
                        if c.verb == Verb::Stop {
                            for j in &mut self.jobs {
                                if j.instance.id == t.id && j.stage == Stage::Confirming {
                                    j.stage = Stage::Stopping;
                                }
                            }
                            cx.info(format!("stopping {} before creating the image…", t.label()));
                        } else {
                            cx.ok(format!("starting: {}", t.label()));
                        }
                        cx.tell(Fact::Moving {
                            ids: vec![t.id.clone()],
                            until: c.verb.settles_in(),
                        });
                    }
                    Err(e) if e.kind == crate::aws::ErrorKind::Unknown && c.verb == Verb::Stop => {
                        // it may be stopping: followed, and the image made once it is stopped
                        for j in &mut self.jobs {
                            if j.instance.id == t.id && j.stage == Stage::Confirming {
                                j.stage = Stage::Stopping;
                            }
                        }
                        cx.call_failed(&format!("stop {}", t.label()), &e);
                        cx.tell(Fact::Moving {
                            ids: vec![t.id.clone()],
                            until: c.verb.settles_in(),
                        });
                    }
                    Err(e) => {
                        self.jobs.retain(|j| {
                            !(j.instance.id == t.id
                                && matches!(j.stage, Stage::Stopping | Stage::Confirming))
                        });
                        cx.call_failed(&format!("{} {}", c.verb.verb(), t.label()), &e);
                    }
                }
            } else if let Some(c) = op.get::<CreateImage>() {
                let id = c.0.instance_id.clone();
                fx.extend(self.on_created(&id, result, cx));
            } else if let Some(d) = op.get::<DeregisterImage>() {
                match result {
                    Ok(_) => {
                        self.list.remove(&d.image.id);
                        self.watch.remove(&d.image.id);
                        if d.snapshots.is_empty() {
                            cx.ok(format!("deregistered {}; snapshots kept", d.image.label()));
                        } else {
                            self.deregistering = Some(d.image.clone());
                            cx.info(format!(
                                "deregistered {}; deleting its snapshots…",
                                d.image.label()
                            ));
                            let ops = d
                                .snapshots
                                .iter()
                                .map(|s| Op::new(DeleteSnapshot { id: s.clone() }))
                                .collect();
                            fx.extend(cx.call(ID, ops));
                        }
                    }
                    Err(e) => cx.call_failed(&format!("deregister {}", d.image.label()), &e),
                }
            } else if let Some(s) = op.get::<DeleteSnapshot>() {
                match result {
                    Ok(_) => deleted.push(s.id.clone()),
                    Err(e) => refused.push(format!("{}: {}", s.id, e.describe())),
                }
            } else if let Some(c) = op.get::<CopyImage>() {
                match result {
                    Ok(Outcome::Created(new_id)) => {
                        self.watch.add(new_id.clone(), Some(c.region.clone()));
                        cx.info(format!(
                            "copying {} to {} as {new_id}: pending",
                            c.image.label(),
                            c.region
                        ));
                    }
                    Ok(_) => {}
                    Err(e) => cx.call_failed(
                        &format!("the copy of {} to {}", c.image.label(), c.region),
                        &e,
                    ),
                }
            } else if let Some(r) = op.get::<RunInstances>() {
                fx.extend(self.launcher.on_done(ID, r, result, cx));
            }
        }
        if let Some(image) = (!deleted.is_empty() || !refused.is_empty())
            .then(|| self.deregistering.take())
            .flatten()
        {
            if refused.is_empty() {
                cx.ok(format!(
                    "deregistered {}; deleted {}",
                    image.label(),
                    deleted.join(", ")
                ));
            } else {
                cx.error(format!(
                    "deregistered {}; snapshot refused: {}",
                    image.label(),
                    refused.join("; ")
                ));
            }
        }
        fx
    }

    fn on_watch_due(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.poll(cx)
    }

    fn on_message(&mut self, msg: Box<dyn Any + Send>, _cx: &mut Cx) -> Vec<Effect> {
        match msg.downcast::<crate::app::Confirmed>() {
            Ok(c) => {
                if let Some(StopFirstSent(id)) = c.0.downcast_ref() {
                    for j in &mut self.jobs {
                        if &j.instance.id == id && j.stage == Stage::Confirming {
                            j.stage = Stage::Stopping;
                        }
                    }
                }
                vec![]
            }
            Err(_) => vec![],
        }
    }

    fn on_ask(&mut self, ask: &Ask, cx: &mut Cx) -> Option<Vec<Effect>> {
        match ask {
            Ask::CreateImageOf(i) => Some(self.propose_create_image(i.clone(), cx)),
            Ask::ListImages => Some(
                if self.list.load == crate::app::Load::Idle && self.scope == ImageScope::Mine {
                    self.refresh(cx)
                } else {
                    vec![]
                },
            ),
            Ask::LaunchLike(i) => {
                let title = format!(
                    "Launch more like {}",
                    Target::new(i.id.clone(), i.name.clone()).label()
                );
                let (image, arch) = (i.image_id.clone(), i.architecture.clone());
                Some(
                    self.launcher
                        .open(ID, title, image, arch, Some(i.clone()), cx),
                )
            }
            _ => None,
        }
    }

    /// Jobs waiting for their instance to stop: create the image once it has.
    fn after_event(&mut self, cx: &mut Cx) -> Vec<Effect> {
        if !self.jobs.iter().any(|j| j.stage == Stage::Stopping) {
            return vec![];
        }
        let ready: Vec<usize> = (0..self.jobs.len())
            .filter(|&i| {
                self.jobs[i].stage == Stage::Stopping
                    && cx
                        .find::<Instance>(&self.jobs[i].instance.id)
                        .is_some_and(|i| i.state == InstanceState::Stopped)
            })
            .collect();
        let mut fx = Vec::new();
        for i in ready {
            self.jobs[i].stage = Stage::Creating;
            let j = &self.jobs[i];
            cx.info(format!(
                "{} stopped; creating image {}…",
                j.instance.label(),
                j.spec.name
            ));
            fx.extend(cx.call(ID, vec![Op::new(CreateImage(j.spec.clone()))]));
        }
        fx
    }
}
