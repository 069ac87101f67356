//! The AMIs pane and the image workflows: create an image (stop first, reboot, no reboot),
//! launch from an AMI, deregister, copy to another region.

use super::*;
use crate::aws::ImageConsistency;
use crate::resources::amis::COL_CREATED;

/// A create-image run that spans several calls (stop, wait, create, wait, start).
#[derive(Debug, Clone)]
pub struct ImageJob {
    pub instance: Target,
    pub spec: ImageSpec,
    pub restart: bool,
    pub stage: Stage,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    Stopping,
    Creating,
    Waiting { image_id: String },
}

// Field labels: the form's fields are looked up by them.
pub const F_NAME: &str = "Name";
pub const F_DESCRIPTION: &str = "Description";
pub const F_CONSISTENCY: &str = "Consistency";
pub const F_RESTART: &str = "Start again when available";
pub const F_COPY_TAGS: &str = "Copy tags to AMI + snapshots";
pub const F_TYPE: &str = "Instance type";
pub const F_KEY: &str = "Key pair";
pub const F_SUBNET: &str = "Subnet";
pub const F_GROUPS: &str = "Security groups";
pub const F_COUNT: &str = "Count";
pub const F_TAGS: &str = "Tags (k=v, k=v)";
pub const F_USER_DATA: &str = "User data (text, or @path)";
pub const F_PROTECT: &str = "Termination protection";
pub const F_DELETE_SNAPSHOTS: &str = "Also delete its snapshots";
pub const F_CONFIRM: &str = "Type deregister to confirm";
pub const F_REGION: &str = "Target region";

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

/// Refuses an instance type that cannot run an AMI's architecture, before any call.
pub fn check_architecture(
    info: &InstanceTypeInfo,
    arch: &str,
    image_id: &str,
) -> Result<(), String> {
    if arch.is_empty()
        || info.architectures.is_empty()
        || info.architectures.iter().any(|a| a == arch)
    {
        return Ok(());
    }
    Err(format!(
        "instance type {} ({}) cannot run the {arch} AMI {image_id}: choose a type that supports {arch}",
        info.name,
        info.architectures.join(", ")
    ))
}

/// `Name-YYYYMMDD-HHMM` (UTC), the default image name.
pub fn default_image_name(base: &str, now: i64) -> String {
    let t = crate::aws::fmt_time(now); // "2026-11-22 10:04 UTC"
    let stamp = format!(
        "{}{}{}-{}{}",
        &t[0..4],
        &t[5..7],
        &t[8..10],
        &t[11..13],
        &t[14..16]
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

fn user_tags(tags: &[(String, String)]) -> Vec<(String, String)> {
    tags.iter()
        .filter(|(k, _)| !k.starts_with("aws:"))
        .cloned()
        .collect()
}

fn parse_tags(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = part
            .split_once('=')
            .ok_or_else(|| format!("tag {part:?} is not key=value"))?;
        if k.trim().is_empty() {
            return Err(format!("tag {part:?} has an empty key"));
        }
        out.push((k.trim().to_string(), v.trim().to_string()));
    }
    Ok(out)
}

impl AppState {
    pub(crate) fn refresh_amis(&mut self) -> Vec<Effect> {
        if self.amis.is_loading() {
            return vec![];
        }
        let req = self.req();
        self.amis.begin(req);
        vec![Effect::ListImages {
            req,
            scope: self.ami_scope,
        }]
    }

    pub(crate) fn cycle_scope(&mut self) -> Vec<Effect> {
        self.ami_scope = self.ami_scope.next();
        let filter = self.amis.filter().to_string();
        let sort = if self.ami_scope == ImageScope::Amazon {
            (COL_CREATED, true)
        } else {
            self.amis.sort
        };
        self.amis = Collection::default();
        self.amis.set_sort(sort.0, sort.1);
        self.amis.set_filter(&filter);
        self.info(format!("AMIs: {}", self.ami_scope.label()));
        self.refresh_amis()
    }

    pub(crate) fn watch_images(&mut self) -> Vec<Effect> {
        if self.image_watch.is_empty() || self.image_watch_in_flight {
            return vec![];
        }
        self.image_watch_in_flight = true;
        let mut by_region: BTreeMap<Option<String>, Vec<String>> = BTreeMap::new();
        for (id, region) in &self.image_watch {
            by_region
                .entry(region.clone())
                .or_default()
                .push(id.clone());
        }
        by_region
            .into_iter()
            .map(|(region, ids)| Effect::WatchImages { region, ids })
            .collect()
    }

    fn selected_instance(&mut self) -> Option<InstanceRow> {
        self.instances.refresh_view();
        self.instances.selected().cloned()
    }

    fn selected_image(&mut self) -> Option<Image> {
        self.amis.refresh_view();
        self.amis.selected().cloned()
    }

    /// A form's list options: filled at once from what was loaded before, or fetched.
    pub(crate) fn fill_or_load(
        &mut self,
        loaded: bool,
        fill: fn(&mut Self),
        load: Effect,
    ) -> Vec<Effect> {
        if loaded {
            fill(self);
            vec![]
        } else {
            vec![load]
        }
    }

    pub(crate) fn open_form(&mut self, form: Form, kind: FormKind) {
        self.dialog = Some(Dialog::Form { form, kind });
    }

    pub(crate) fn propose_create_image(&mut self) -> Vec<Effect> {
        let Some(row) = self.selected_instance() else {
            self.error("no instance selected to create an image of");
            return vec![];
        };
        let i = &row.inst;
        let running = i.state == InstanceState::Running;
        if !running && i.state != InstanceState::Stopped {
            self.error(format!(
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
        let options: Vec<Opt> = CONSISTENCY.iter().map(|(_, l)| Opt::new(*l, *l)).collect();
        let consistency = if running { 0 } else { 2 };
        let mut form = Form::new(
            format!(
                "Create image of {}",
                Target {
                    id: i.id.clone(),
                    name: i.name.clone()
                }
                .label()
            ),
            vec![
                Field::text(F_NAME, &default_image_name(&base, self.now)),
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
        self.open_form(
            form,
            FormKind::CreateImage {
                instance: Target {
                    id: i.id.clone(),
                    name: i.name.clone(),
                },
                running,
                tags: user_tags(&i.tags),
            },
        );
        self.describe_consistency();
        vec![]
    }

    /// The help line under the consistency choice says what the choice means.
    fn describe_consistency(&mut self) {
        let Some(Dialog::Form { form, .. }) = &mut self.dialog else {
            return;
        };
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
            Some(ImageConsistency::Reboot) => {
                "It is unavailable for a minute while EC2 reboots it."
            }
            _ => "It is unavailable until it is started again.",
        };
        form.fields[i].help = Some(help.to_string());
    }

    pub(crate) fn propose_launch_from_ami(&mut self) -> Vec<Effect> {
        let Some(img) = self.selected_image() else {
            self.error("no AMI selected to launch from");
            return vec![];
        };
        if img.state != "available" {
            self.error(format!(
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
        self.open_launch_form(title, img.id.clone(), img.architecture.clone(), None)
    }

    pub(crate) fn propose_launch_more(&mut self) -> Vec<Effect> {
        let Some(row) = self.selected_instance() else {
            self.error("no instance selected to launch more like");
            return vec![];
        };
        let i = row.inst;
        let title = format!(
            "Launch more like {}",
            Target {
                id: i.id.clone(),
                name: i.name.clone()
            }
            .label()
        );
        self.open_launch_form(title, i.image_id.clone(), i.architecture.clone(), Some(i))
    }

    fn open_launch_form(
        &mut self,
        title: String,
        image_id: String,
        arch: String,
        like: Option<Instance>,
    ) -> Vec<Effect> {
        let (name, tags) = match &like {
            Some(i) => (
                i.name.clone(),
                user_tags(&i.tags)
                    .into_iter()
                    .filter(|(k, _)| k != "Name")
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            None => (String::new(), String::new()),
        };
        let mut form = Form::new(
            title,
            vec![
                Field::loading_choice(F_TYPE),
                Field::loading_choice(F_KEY),
                Field::loading_choice(F_SUBNET),
                Field::loading_multi(F_GROUPS),
                Field::text(F_COUNT, "1"),
                Field::text(F_NAME, &name),
                Field::text(F_TAGS, &tags),
                Field::area(F_USER_DATA, ""),
                Field::toggle(F_PROTECT, false),
            ],
        );
        form.intro.push(format!("AMI {image_id} ({arch})"));
        self.open_form(form, FormKind::Launch { image_id, arch });
        self.launch_prefill = like;
        self.fill_or_load(
            self.launch_options.is_some(),
            Self::fill_launch_form,
            Effect::LoadLaunchOptions,
        )
    }

    /// Puts the loaded options into an open launch form, with its defaults.
    fn fill_launch_form(&mut self) {
        let Some(opts) = self.launch_options.clone() else {
            return;
        };
        let like = self.launch_prefill.clone();
        let Some(Dialog::Form {
            form,
            kind: FormKind::Launch { arch, .. },
        }) = &mut self.dialog
        else {
            return;
        };
        let mut types: Vec<&InstanceTypeInfo> = opts
            .types
            .iter()
            .filter(|t| arch.is_empty() || t.architectures.iter().any(|a| a == arch))
            .collect();
        types.sort_by(|a, b| {
            (a.memory_mib, a.vcpus, &a.name).cmp(&(b.memory_mib, b.vcpus, &b.name))
        });
        let type_opts: Vec<Opt> = types
            .iter()
            .map(|t| {
                Opt::new(
                    &t.name,
                    format!(
                        "{:<14} {:>3} vCPU {:>7.1} GiB{}",
                        t.name,
                        t.vcpus,
                        t.memory_mib as f64 / 1024.0,
                        if t.current_generation {
                            ""
                        } else {
                            "  previous generation"
                        }
                    ),
                )
            })
            .collect();
        let type_sel = like
            .as_ref()
            .and_then(|i| types.iter().position(|t| t.name == i.instance_type))
            .or_else(|| types.iter().position(|t| t.current_generation))
            .or(if types.is_empty() { None } else { Some(0) });
        form.field_mut(F_TYPE).set_options(type_opts, type_sel);

        let mut key_opts = vec![Opt::new("", "(none)")];
        key_opts.extend(opts.keys.iter().map(|k| Opt::new(k, k)));
        let key_sel = like
            .as_ref()
            .and_then(|i| opts.keys.iter().position(|k| *k == i.key_name))
            .map(|p| p + 1)
            .unwrap_or(0);
        form.field_mut(F_KEY).set_options(key_opts, Some(key_sel));

        let mut subnet_opts = vec![Opt::new("", "(default subnet)")];
        subnet_opts.extend(
            opts.subnets
                .iter()
                .map(|n| Opt::new(&n.id, format!("{}  {}  {}  {}", n.id, n.az, n.cidr, n.name))),
        );
        let subnet_sel = like
            .as_ref()
            .and_then(|i| opts.subnets.iter().position(|n| n.id == i.subnet_id))
            .map(|p| p + 1)
            .unwrap_or(0);
        form.field_mut(F_SUBNET)
            .set_options(subnet_opts, Some(subnet_sel));
        let chosen: Vec<String> = like
            .as_ref()
            .map(|i| i.security_groups.iter().map(|(id, _)| id.clone()).collect())
            .unwrap_or_default();
        Self::fill_groups(&mut *form, &opts, &chosen);
    }

    /// Security groups of the chosen subnet's VPC (all of them for the default subnet).
    fn fill_groups(form: &mut Form, opts: &LaunchOptions, keep: &[String]) {
        let subnet = form.field(F_SUBNET).get();
        let vpc = opts
            .subnets
            .iter()
            .find(|n| n.id == subnet)
            .map(|n| n.vpc_id.clone());
        let groups: Vec<&SecurityGroup> = opts
            .groups
            .iter()
            .filter(|g| vpc.as_ref().is_none_or(|v| &g.vpc_id == v))
            .collect();
        let options: Vec<Opt> = groups
            .iter()
            .map(|g| Opt::new(&g.id, format!("{}  {}  ({})", g.id, g.name, g.vpc_id)))
            .collect();
        let field = form.field_mut(F_GROUPS);
        field.set_options(options, None);
        if let FieldValue::Multi { chosen, .. } = &mut field.value {
            *chosen = groups
                .iter()
                .enumerate()
                .filter(|(_, g)| keep.contains(&g.id))
                .map(|(i, _)| i)
                .collect();
        }
        field.help = Some(match &vpc {
            Some(v) => format!("groups of {v}; none chosen: the VPC's default group"),
            None => "none chosen: the default VPC's default group".to_string(),
        });
    }

    pub(crate) fn propose_deregister(&mut self) -> Vec<Effect> {
        let Some(img) = self.selected_image() else {
            self.error("no AMI selected to deregister");
            return vec![];
        };
        if self.ami_scope != ImageScope::Mine {
            self.error("only your own AMIs can be deregistered (press o for the scope: mine)");
            return vec![];
        }
        let snapshots = img.snapshot_ids();
        let target = Target {
            id: img.id.clone(),
            name: img.name.clone(),
        };
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
        self.open_form(
            form,
            FormKind::Deregister {
                image: target,
                snapshots,
            },
        );
        vec![]
    }

    pub(crate) fn propose_copy(&mut self) -> Vec<Effect> {
        let Some(img) = self.selected_image() else {
            self.error("no AMI selected to copy");
            return vec![];
        };
        let target = Target {
            id: img.id.clone(),
            name: img.name.clone(),
        };
        let mut form = Form::new(
            format!("Copy {} to another region", target.label()),
            vec![
                Field::loading_choice(F_REGION),
                Field::text(F_NAME, &img.name),
            ],
        );
        form.intro
            .push(format!("From {} ({}).", self.ctx.region, img.architecture));
        self.open_form(form, FormKind::CopyImage { image: target });
        self.fill_or_load(
            self.regions.is_some(),
            Self::fill_regions,
            Effect::LoadRegions,
        )
    }

    pub(crate) fn fill_regions(&mut self) {
        let Some(regions) = self.regions.clone() else {
            return;
        };
        let ours = self.ctx.region.clone();
        let Some(Dialog::Form {
            form,
            kind: FormKind::CopyImage { .. } | FormKind::CopySnapshot { .. },
        }) = &mut self.dialog
        else {
            return;
        };
        let opts: Vec<Opt> = regions
            .iter()
            .filter(|r| **r != ours)
            .map(|r| Opt::new(r, r))
            .collect();
        let sel = (!opts.is_empty()).then_some(0);
        form.field_mut(F_REGION).set_options(opts, sel);
    }

    pub(crate) fn on_form_key(&mut self, k: Key) -> Vec<Effect> {
        let Some(Dialog::Form { form, .. }) = &mut self.dialog else {
            return vec![];
        };
        let outcome = form.key(k);
        match outcome {
            FormOutcome::Cancel => {
                self.dialog = None;
                self.info("cancelled");
                vec![]
            }
            FormOutcome::Submit => self.submit_form(),
            FormOutcome::Changed(i) => {
                let label = form.fields[i].label;
                form.error = None;
                if label == F_CONSISTENCY {
                    self.describe_consistency();
                } else if label == F_SUBNET {
                    if let (Some(opts), Some(Dialog::Form { form, .. })) =
                        (self.launch_options.clone(), &mut self.dialog)
                    {
                        let keep: Vec<String> = form
                            .field(F_GROUPS)
                            .get()
                            .split(',')
                            .map(str::to_string)
                            .collect();
                        Self::fill_groups(&mut *form, &opts, &keep);
                    }
                } else if label == storage::F_INSTANCE {
                    self.storage_form_changed(label);
                } else if label == F_USER_DATA {
                    let Some(Dialog::Form { form, .. }) = &mut self.dialog else {
                        return vec![];
                    };
                    let text = form.field(F_USER_DATA).get();
                    let help = if let Some(path) = text.trim().strip_prefix('@') {
                        format!("read from {} when launching", path.trim())
                    } else {
                        format!("{} bytes, base64-encoded by ec2tui", text.len())
                    };
                    form.field_mut(F_USER_DATA).help = Some(help);
                }
                vec![]
            }
            FormOutcome::Edited => vec![],
        }
    }

    pub(crate) fn form_error(&mut self, e: impl Into<String>) -> Vec<Effect> {
        if let Some(Dialog::Form { form, .. }) = &mut self.dialog {
            form.error = Some(e.into());
            form.info = None;
        }
        vec![]
    }

    fn submit_form(&mut self) -> Vec<Effect> {
        if self.ctx.read_only {
            self.dialog = None;
            self.error("read-only mode: nothing was sent");
            return vec![];
        }
        let Some(Dialog::Form { form, kind }) = self.dialog.clone() else {
            return vec![];
        };
        match kind {
            FormKind::CreateImage {
                instance,
                running,
                tags,
            } => {
                let name = form.field(F_NAME).get().trim().to_string();
                if let Err(e) = valid_ami_name(&name) {
                    return self.form_error(e);
                }
                let chosen = form.field(F_CONSISTENCY).get();
                let consistency = CONSISTENCY
                    .iter()
                    .find(|(_, l)| *l == chosen)
                    .map(|(c, _)| *c)
                    .unwrap_or(ImageConsistency::StopFirst);
                let spec = ImageSpec {
                    instance_id: instance.id.clone(),
                    name,
                    description: form.field(F_DESCRIPTION).get(),
                    no_reboot: consistency != ImageConsistency::Reboot,
                    tags: if form.field(F_COPY_TAGS).on() {
                        tags
                    } else {
                        Vec::new()
                    },
                };
                let restart = consistency == ImageConsistency::StopFirst
                    && running
                    && form.field(F_RESTART).on();
                self.dialog = None;
                if consistency == ImageConsistency::StopFirst && running {
                    self.info(format!(
                        "stopping {} before creating the image…",
                        instance.label()
                    ));
                    self.jobs.push(ImageJob {
                        instance: instance.clone(),
                        spec,
                        restart,
                        stage: Stage::Stopping,
                    });
                    let req = self.req();
                    return vec![Effect::Call {
                        req,
                        op: Ec2Op::Stop {
                            targets: vec![instance],
                            force: false,
                        },
                    }];
                }
                self.info(format!(
                    "creating image {} of {}…",
                    spec.name,
                    instance.label()
                ));
                self.jobs.push(ImageJob {
                    instance,
                    spec: spec.clone(),
                    restart: false,
                    stage: Stage::Creating,
                });
                let req = self.req();
                vec![Effect::CreateImage { req, spec }]
            }
            FormKind::Launch { image_id, arch } => {
                let Ok(count) = form.field(F_COUNT).get().trim().parse::<i32>() else {
                    return self.form_error("count must be a whole number from 1 to 50");
                };
                if !(1..=50).contains(&count) {
                    return self.form_error("count must be a whole number from 1 to 50");
                }
                let ty = form.field(F_TYPE).get();
                if ty.is_empty() {
                    return self.form_error("choose an instance type (the list is still loading?)");
                }
                if let Some(info) = self
                    .launch_options
                    .as_ref()
                    .and_then(|o| o.types.iter().find(|t| t.name == ty))
                    && let Err(e) = check_architecture(info, &arch, &image_id)
                {
                    return self.form_error(e);
                }
                let mut tags = Vec::new();
                let name = form.field(F_NAME).get().trim().to_string();
                if !name.is_empty() {
                    tags.push(("Name".to_string(), name));
                }
                match parse_tags(&form.field(F_TAGS).get()) {
                    Ok(t) => {
                        let has_name = !tags.is_empty();
                        tags.extend(t.into_iter().filter(|(k, _)| k != "Name" || !has_name));
                    }
                    Err(e) => return self.form_error(e),
                }
                let groups = form.field(F_GROUPS).get();
                let spec = LaunchSpec {
                    image_id,
                    instance_type: ty,
                    key_name: Some(form.field(F_KEY).get()).filter(|k| !k.is_empty()),
                    security_group_ids: groups
                        .split(',')
                        .filter(|g| !g.is_empty())
                        .map(str::to_string)
                        .collect(),
                    subnet_id: Some(form.field(F_SUBNET).get()).filter(|s| !s.is_empty()),
                    count,
                    tags,
                    user_data: Some(form.field(F_USER_DATA).get()).filter(|u| !u.is_empty()),
                    termination_protection: form.field(F_PROTECT).on(),
                };
                if let Some(Dialog::Form { form, .. }) = &mut self.dialog {
                    form.error = None;
                    form.info = Some("checking with DryRun…".into());
                }
                let req = self.req();
                vec![Effect::Launch {
                    req,
                    spec,
                    dry_run: true,
                }]
            }
            FormKind::Deregister { image, snapshots } => {
                if form.field(F_CONFIRM).get() != "deregister" {
                    return self.form_error(
                        "type deregister and press Ctrl-s or Enter to confirm; Esc cancels",
                    );
                }
                let delete = form.field(F_DELETE_SNAPSHOTS).on();
                self.dialog = None;
                self.info(format!("deregistering {}…", image.label()));
                let req = self.req();
                vec![Effect::Deregister {
                    req,
                    image,
                    snapshots: if delete { snapshots } else { Vec::new() },
                }]
            }
            kind @ (FormKind::CreateVolume
            | FormKind::Attach { .. }
            | FormKind::Detach { .. }
            | FormKind::Snapshot { .. }
            | FormKind::DeleteVolume { .. }
            | FormKind::CopySnapshot { .. }
            | FormKind::DeleteSnapshot { .. }) => self.submit_storage(form, kind),
            FormKind::CopyImage { image } => {
                let region = form.field(F_REGION).get();
                if region.is_empty() {
                    return self.form_error("choose a target region (the list is still loading?)");
                }
                let name = form.field(F_NAME).get().trim().to_string();
                if let Err(e) = valid_ami_name(&name) {
                    return self.form_error(e);
                }
                self.dialog = None;
                self.info(format!("copying {} to {region}…", image.label()));
                let req = self.req();
                vec![Effect::CopyImage {
                    req,
                    image,
                    name,
                    region,
                }]
            }
        }
    }

    /// Jobs waiting for their instance to stop: create the image once it has.
    pub(crate) fn jobs_on_instances(&mut self) -> Vec<Effect> {
        let mut fx = Vec::new();
        let mut notes = Vec::new();
        for i in 0..self.jobs.len() {
            if self.jobs[i].stage != Stage::Stopping {
                continue;
            }
            let stopped = self
                .instances
                .get(&self.jobs[i].instance.id)
                .is_some_and(|r| r.inst.state == InstanceState::Stopped);
            if stopped {
                self.jobs[i].stage = Stage::Creating;
                notes.push(format!(
                    "{} stopped; creating image {}…",
                    self.jobs[i].instance.label(),
                    self.jobs[i].spec.name
                ));
                let spec = self.jobs[i].spec.clone();
                self.next_req += 1;
                fx.push(Effect::CreateImage {
                    req: self.next_req,
                    spec,
                });
            }
        }
        if let Some(n) = notes.pop() {
            self.info(n);
        }
        fx
    }

    /// A job's stop was refused: the job ends.
    pub(crate) fn jobs_on_done(&mut self, op: &Ec2Op, results: &[(Target, ApiResult<()>)]) {
        if !matches!(op, Ec2Op::Stop { .. }) {
            return;
        }
        for (t, r) in results {
            if r.is_err() {
                self.jobs
                    .retain(|j| !(j.instance.id == t.id && j.stage == Stage::Stopping));
            }
        }
    }

    pub(crate) fn on_image_api(&mut self, a: ApiEvent) -> Vec<Effect> {
        match a {
            ApiEvent::ImagesPage { req, result } => match result {
                Ok(page) => {
                    let last = page.next_token.is_none();
                    for img in page.items.iter().filter(|i| !i.is_settled()) {
                        self.image_watch.entry(img.id.clone()).or_insert(None);
                    }
                    self.amis.apply_page(req, page.items, last);
                }
                Err(e) => {
                    if self.amis.fail(req, e.clone()) {
                        self.error_with_hint("cannot list AMIs", &e);
                    }
                }
            },
            ApiEvent::ImagesWatched { region, result } => {
                self.image_watch_in_flight = false;
                match result {
                    Ok(list) => return self.on_images_watched(region, list),
                    Err(e) => self.error_with_hint("cannot check the image", &e),
                }
            }
            ApiEvent::ImageCreated {
                req: _,
                instance_id,
                result,
            } => {
                let pos = self
                    .jobs
                    .iter()
                    .position(|j| j.instance.id == instance_id && j.stage == Stage::Creating);
                let job = pos.map(|p| self.jobs.remove(p));
                match result {
                    Ok(id) => {
                        let (name, arch) = match &job {
                            Some(j) => (
                                j.spec.name.clone(),
                                self.instances
                                    .get(&instance_id)
                                    .map(|r| r.inst.architecture.clone())
                                    .unwrap_or_default(),
                            ),
                            None => (String::new(), String::new()),
                        };
                        let img = Image {
                            id: id.clone(),
                            name: name.clone(),
                            state: "pending".into(),
                            architecture: arch,
                            created: Some(self.now),
                            description: job
                                .as_ref()
                                .map(|j| j.spec.description.clone())
                                .unwrap_or_default(),
                            owner_id: self.ctx.account.clone().unwrap_or_default(),
                            ..Default::default()
                        };
                        if self.ami_scope != ImageScope::Mine {
                            self.ami_scope = ImageScope::Mine;
                            self.amis = Collection::default();
                            self.amis.set_sort(COL_CREATED, true);
                        }
                        self.amis.upsert(img);
                        self.amis.set_filter("");
                        self.input.reset();
                        self.pane = Pane::Amis;
                        self.mode = Mode::Normal;
                        let h = self.table_rows();
                        self.amis.select_id(&id, h);
                        self.image_watch.insert(id.clone(), None);
                        self.info(format!("image {name} ({id}) is pending; watching it"));
                        if let Some(mut j) = job.filter(|j| j.restart) {
                            j.stage = Stage::Waiting { image_id: id };
                            self.jobs.push(j);
                        }
                        let mut fx = self.watch_images();
                        if self.amis.load == Load::Idle {
                            fx.extend(self.refresh_amis());
                        }
                        return fx;
                    }
                    Err(e) => {
                        self.error_with_hint(&format!("create image of {instance_id} refused"), &e);
                        if let Some(j) = job.filter(|j| j.restart) {
                            let req = self.req();
                            return vec![Effect::Call {
                                req,
                                op: Ec2Op::Start(vec![j.instance]),
                            }];
                        }
                    }
                }
            }
            ApiEvent::Deregistered {
                image,
                result,
                snapshots,
            } => match result {
                Ok(()) => {
                    self.amis.remove(&image.id);
                    let deleted: Vec<&str> = snapshots
                        .iter()
                        .filter(|(_, r)| r.is_ok())
                        .map(|(s, _)| s.as_str())
                        .collect();
                    let failed: Vec<String> = snapshots
                        .iter()
                        .filter_map(|(s, r)| {
                            r.as_ref().err().map(|e| format!("{s}: {}", e.describe()))
                        })
                        .collect();
                    if failed.is_empty() {
                        let snaps = if deleted.is_empty() {
                            "snapshots kept".to_string()
                        } else {
                            format!("deleted {}", deleted.join(", "))
                        };
                        self.ok(format!("deregistered {}; {snaps}", image.label()));
                    } else {
                        self.error(format!(
                            "deregistered {}; snapshot refused: {}",
                            image.label(),
                            failed.join("; ")
                        ));
                    }
                }
                Err(e) => {
                    self.error_with_hint(&format!("deregister {} refused", image.label()), &e)
                }
            },
            ApiEvent::Copied {
                image,
                region,
                result,
            } => match result {
                Ok(new_id) => {
                    self.image_watch
                        .insert(new_id.clone(), Some(region.clone()));
                    self.info(format!(
                        "copying {} to {region} as {new_id}: pending",
                        image.label()
                    ));
                }
                Err(e) => self.error_with_hint(
                    &format!("copy of {} to {region} refused", image.label()),
                    &e,
                ),
            },
            ApiEvent::LaunchOptions(result) => match result {
                Ok(o) => {
                    self.launch_options = Some(o);
                    self.fill_launch_form();
                }
                Err(e) => {
                    let text = format!("cannot load the launch options: {}", e.describe());
                    return self.form_error(text);
                }
            },
            ApiEvent::Regions(result) => match result {
                Ok(r) => {
                    self.regions = Some(r);
                    self.fill_regions();
                }
                Err(e) => {
                    let text = format!("cannot list regions: {}", e.describe());
                    return self.form_error(text);
                }
            },
            ApiEvent::Launched {
                req: _,
                dry_run,
                result,
            } => return self.on_launched(dry_run, result),
            _ => {}
        }
        vec![]
    }

    fn on_launched(&mut self, dry_run: bool, result: ApiResult<Vec<Instance>>) -> Vec<Effect> {
        let form_open = matches!(
            self.dialog,
            Some(Dialog::Form {
                kind: FormKind::Launch { .. },
                ..
            })
        );
        match (dry_run, result) {
            (true, Ok(_)) => {
                if !form_open {
                    return vec![];
                }
                // The dry run passed: launch for real with the same spec.
                let Some(Dialog::Form { form, .. }) = &mut self.dialog else {
                    return vec![];
                };
                form.info = Some("DryRun: would succeed — launching…".into());
                let fx = self.submit_form();
                fx.into_iter()
                    .map(|f| match f {
                        Effect::Launch { req, spec, .. } => Effect::Launch {
                            req,
                            spec,
                            dry_run: false,
                        },
                        other => other,
                    })
                    .collect()
            }
            (_, Err(e)) => {
                let mut text = format!(
                    "{}: {}",
                    if dry_run {
                        "DryRun refused"
                    } else {
                        "launch refused"
                    },
                    e.describe()
                );
                if let Some(h) = e.hint(&self.ctx.profile) {
                    text.push_str(" — ");
                    text.push_str(&h);
                }
                if form_open {
                    self.form_error(text)
                } else {
                    self.error(text);
                    vec![]
                }
            }
            (false, Ok(list)) => {
                self.dialog = None;
                let ids: Vec<String> = list.iter().map(|i| i.id.clone()).collect();
                for inst in list {
                    self.upsert_instance(inst);
                }
                self.pane = Pane::Instances;
                self.mode = Mode::Normal;
                // the new instances must be visible: a filter that hides them goes
                self.instances.set_filter("");
                self.input.reset();
                if let Some(first) = ids.first() {
                    let h = self.table_rows();
                    self.instances.select_id(first, h);
                }
                self.ok(format!(
                    "launched {} instance{}: {}",
                    ids.len(),
                    if ids.len() == 1 { "" } else { "s" },
                    ids.join(", ")
                ));
                self.watch_instances(&ids, Some(InstanceState::Running))
            }
        }
    }

    fn on_images_watched(&mut self, region: Option<String>, list: Vec<Image>) -> Vec<Effect> {
        let mut fx = Vec::new();
        for img in list {
            let settled = img.is_settled();
            if region.is_none()
                && (self.ami_scope == ImageScope::Mine || self.amis.get(&img.id).is_some())
            {
                self.amis.upsert(img.clone());
            }
            if !settled {
                continue;
            }
            self.image_watch.remove(&img.id);
            let label = Target {
                id: img.id.clone(),
                name: img.name.clone(),
            }
            .label();
            let where_ = region
                .as_ref()
                .map(|r| format!(" in {r}"))
                .unwrap_or_default();
            if img.state == "available" {
                self.ok(format!("image {label} is available{where_}"));
            } else {
                let why = if img.state_reason.is_empty() {
                    String::new()
                } else {
                    format!(": {}", img.state_reason)
                };
                self.error(format!("image {label}{where_} is {}{why}", img.state));
            }
            if let Some(p) = self.jobs.iter().position(|j| {
                j.stage
                    == Stage::Waiting {
                        image_id: img.id.clone(),
                    }
            }) {
                let j = self.jobs.remove(p);
                if img.state == "available" || j.restart {
                    self.info(format!(
                        "image {label} is {}; starting {} again",
                        img.state,
                        j.instance.label()
                    ));
                    let req = self.req();
                    fx.push(Effect::Call {
                        req,
                        op: Ec2Op::Start(vec![j.instance]),
                    });
                }
            }
        }
        fx
    }
}
