//! The instances pane: every instance of the region, paginated to the end; start, stop,
//! force stop, reboot, terminate (typed word, with the volumes that go and stay), termination
//! protection; instances followed until they settle; protection and status checks fetched for
//! the rows on screen. Creating an image and launching more like one are the AMIs pane's
//! forms: this pane hands the instance over.

use std::any::Any;
use std::cmp::Ordering;
use std::collections::{BTreeSet, HashSet};

use super::kit::state_tone;
use crate::app::clip::CopyWhat;
use crate::app::text::TextView;
use crate::app::{
    ActionSpec, Collection, Column, Confirm, ConfirmView, Cx, DetailsView, Dialog, Effect, Fetch,
    Job, Level, Line, Pane, PaneSpec, Resource, Shared, TableOps, Target, Tone, Watch, age,
    capitalise, cmp_ip, key_bytes, key_ci, key_ip, key_num,
};
use crate::app::{Ask, Fact};
use crate::aws::ops::*;
use crate::aws::{
    ApiResult, Instance, InstanceState, InstanceStatus, Op, Outcome, Page, fmt_time, listing,
};

pub const ID: &str = "instances";

/// An instance row: the instance plus what the console learned about it separately.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceRow {
    pub inst: Instance,
    /// Termination protection (`DescribeInstanceAttribute`), fetched for visible rows only.
    pub protected: Option<bool>,
    /// Status checks (`2/2`, `1/2 impaired`, `initializing`) from `DescribeInstanceStatus`.
    pub checks: Option<String>,
}

impl From<Instance> for InstanceRow {
    fn from(inst: Instance) -> Self {
        Self {
            inst,
            protected: None,
            checks: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Name,
    Id,
    State,
    Type,
    Az,
    PrivateIp,
    PublicIp,
    Key,
    Checks,
    Launched,
    Group,
    Region,
    Protection,
}

const COLUMNS: &[(Col, Column)] = &[
    (Col::Name, Column::new("Name", 24, 12)),
    (Col::Region, Column::new("Region", 14, 9).hide_empty()),
    (Col::Id, Column::new("Instance ID", 19, 19).id()),
    (Col::State, Column::new("State", 13, 10)),
    (Col::Group, Column::new("ASG", 16, 6).hide_empty()),
    (Col::Type, Column::new("Type", 11, 9)),
    (Col::Az, Column::new("AZ", 11, 10)),
    (Col::PrivateIp, Column::new("Private IP", 15, 11)),
    (Col::PublicIp, Column::new("Public IP", 15, 11)),
    (Col::Key, Column::new("Key", 10, 4)),
    (Col::Checks, Column::new("Checks", 12, 6)),
    (Col::Launched, Column::new("Launched", 8, 8)),
    (Col::Protection, Column::new("Prot", 4, 4)),
];

/// The Auto Scaling group an instance belongs to (its `aws:autoscaling:groupName` tag).
pub fn group_of(i: &Instance) -> Option<&str> {
    i.tags
        .iter()
        .find(|(k, _)| k == crate::aws::GROUP_TAG)
        .map(|(_, v)| v.as_str())
}

impl Resource for InstanceRow {
    type Col = Col;

    fn domain(&self) -> &dyn Any {
        &self.inst
    }
    fn domain_type() -> std::any::TypeId {
        std::any::TypeId::of::<Instance>()
    }

    fn id(&self) -> &str {
        &self.inst.id
    }

    fn columns() -> &'static [(Col, Column)] {
        COLUMNS
    }

    fn cell(&self, col: Col, now: i64) -> (String, Tone) {
        let i = &self.inst;
        let muted = |s: &str| {
            if s.is_empty() {
                ("-".to_string(), Tone::Muted)
            } else {
                (s.to_string(), Tone::Normal)
            }
        };
        match col {
            Col::Name => muted(&i.name),
            Col::Id => (i.id.clone(), Tone::Normal),
            Col::State => (i.state.as_str().to_string(), state_tone(i.state)),
            Col::Type => (i.instance_type.clone(), Tone::Normal),
            Col::Az => (i.az.clone(), Tone::Normal),
            Col::PrivateIp => muted(&i.private_ip),
            Col::PublicIp => muted(&i.public_ip),
            Col::Key => muted(&i.key_name),
            Col::Checks => match self.checks.as_deref() {
                Some("2/2") => ("2/2".into(), Tone::Good),
                Some("initializing") => ("initializing".into(), Tone::Warn),
                Some("") | None => (String::new(), Tone::Muted),
                Some(c) => (c.to_string(), Tone::Bad),
            },
            Col::Launched => (age(i.launch_time, now), Tone::Normal),
            Col::Group => (group_of(i).unwrap_or_default().to_string(), Tone::Accent),
            Col::Region => (i.region.clone(), Tone::Normal),
            Col::Protection => match self.protected {
                Some(true) => ("[P]".into(), Tone::Accent),
                Some(false) => (String::new(), Tone::Normal),
                None if i.state == InstanceState::Terminated => (String::new(), Tone::Normal),
                None => ("·".into(), Tone::Muted),
            },
        }
    }

    fn compare(&self, other: &Self, col: Col) -> Ordering {
        let (a, b) = (&self.inst, &other.inst);
        match col {
            Col::Name => crate::app::cmp_ci(&a.name, &b.name),
            Col::Id => a.id.cmp(&b.id),
            Col::State => a.state.as_str().cmp(b.state.as_str()),
            Col::Type => a.instance_type.cmp(&b.instance_type),
            Col::Az => a.az.cmp(&b.az),
            Col::PrivateIp => cmp_ip(&a.private_ip, &b.private_ip),
            Col::PublicIp => cmp_ip(&a.public_ip, &b.public_ip),
            Col::Key => a.key_name.cmp(&b.key_name),
            Col::Checks => self.checks.cmp(&other.checks),
            // ascending means oldest first, as in the web console
            Col::Launched => a.launch_time.cmp(&b.launch_time),
            Col::Group => group_of(a).cmp(&group_of(b)),
            Col::Region => a.region.cmp(&b.region),
            Col::Protection => self.protected.cmp(&other.protected),
        }
    }

    fn sort_key(&self, col: Col, level: usize) -> Option<u128> {
        let i = &self.inst;
        Some(match col {
            Col::Name => key_ci(&i.name, level),
            Col::Id => key_bytes(&i.id, level),
            Col::State => key_bytes(i.state.as_str(), level),
            Col::Type => key_bytes(&i.instance_type, level),
            Col::Az => key_bytes(&i.az, level),
            Col::PrivateIp => key_ip(&i.private_ip, level),
            Col::PublicIp => key_ip(&i.public_ip, level),
            Col::Key => key_bytes(&i.key_name, level),
            // status checks are fetched for the rows on screen only: compared
            Col::Checks => return None,
            Col::Launched => key_num(i.launch_time),
            Col::Group => key_bytes(group_of(i).unwrap_or_default(), level),
            Col::Region => key_bytes(&i.region, level),
            Col::Protection => key_num(self.protected.map(i64::from)),
        })
    }

    fn tags(&self) -> &[(String, String)] {
        &self.inst.tags
    }
    fn taggable() -> bool {
        true
    }
    fn set_tags(&mut self, tags: Vec<(String, String)>) {
        self.inst.name = crate::aws::name_from_tags(&tags);
        self.inst.tags = tags;
    }
    fn value(&self, what: CopyWhat) -> Option<String> {
        let i = &self.inst;
        match what {
            CopyWhat::Name => Some(i.name.clone()),
            CopyWhat::PrivateIp => Some(i.private_ip.clone()),
            CopyWhat::PublicIp => Some(i.public_ip.clone()),
            _ => None,
        }
    }
    fn arn_resource(&self) -> Option<(String, bool)> {
        Some((format!("instance/{}", self.inst.id), true))
    }
    fn to_json(&self, _now: i64) -> serde_json::Value {
        serde_json::to_value(&self.inst).unwrap_or_default()
    }

    fn filter_text(&self) -> String {
        let i = &self.inst;
        let mut s = String::with_capacity(160);
        for part in [
            i.name.as_str(),
            &i.id,
            i.state.as_str(),
            &i.instance_type,
            &i.az,
            &i.private_ip,
            &i.public_ip,
            &i.key_name,
        ] {
            s.push_str(part);
            s.push('\u{1f}');
        }
        for (k, v) in &i.tags {
            s.push_str(k);
            s.push('=');
            s.push_str(v);
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

/// What this pane's fetches hand back.
#[derive(Debug)]
pub enum Got {
    Page(ApiResult<Page<Instance>>),
    /// `:region all`: a region listing's news.
    AllRegions(listing::AllRegions),
    Watched(ApiResult<Vec<Instance>>),
    /// A one-off describe (something else changed them), not followed.
    Described(ApiResult<Vec<Instance>>),
    Protection(Vec<(String, ApiResult<bool>)>),
    Checks(ApiResult<Vec<InstanceStatus>>),
    UserData {
        id: String,
        result: ApiResult<Option<String>>,
    },
    Console {
        id: String,
        result: ApiResult<Option<String>>,
    },
    /// What `C` needs: the instance's AMI (for the user), its key file if it exists.
    SshPlan {
        id: String,
        image: Option<Box<crate::aws::Image>>,
        key_file: Option<String>,
    },
}

/// Describes instances in their own regions (`:region all`: the followed ones are in several),
/// each keeping its region.
async fn describe_by_region(
    api: std::sync::Arc<dyn crate::aws::Ec2Api>,
    groups: Vec<(String, Vec<String>)>,
) -> ApiResult<Vec<Instance>> {
    let mut all = Vec::new();
    for (region, ids) in groups {
        let there = if region.is_empty() {
            None
        } else {
            api.in_region(&region)
        };
        let mut got = there
            .as_deref()
            .unwrap_or(&*api)
            .describe_instances(ids)
            .await?;
        for i in &mut got {
            i.region = region.clone();
        }
        all.extend(got);
    }
    Ok(all)
}

const ACTIONS: &[ActionSpec] = &[
    ActionSpec::new("start", "start", "start").mutating(),
    ActionSpec::new("stop", "stop", "stop").mutating(),
    ActionSpec::new("force_stop", "force stop", "force-stop").mutating(),
    ActionSpec::new("reboot", "reboot", "reboot").mutating(),
    ActionSpec::new("terminate", "terminate", "terminate").mutating(),
    ActionSpec::new(
        "toggle_protection",
        "toggle termination protection",
        "protect",
    )
    .mutating(),
    ActionSpec::new(
        "create_image",
        "create an image (AMI) of the instance",
        "image",
    )
    .mutating(),
    ActionSpec::new("launch_more", "launch more like this", "launch-more").mutating(),
    ActionSpec::new(
        "create_template",
        "create a launch template from the instance",
        "template",
    )
    .mutating(),
    ActionSpec::new(
        "terminate_in_group",
        "terminate in its Auto Scaling group, lowering desired",
        "terminate in group",
    )
    .mutating(),
    ActionSpec::new("ssm", "connect: SSM session (aws ssm start-session)", "ssm"),
    ActionSpec::new("ssh", "connect: SSH (public address, else private)", "ssh"),
    ActionSpec::new(
        "console_output",
        "console output (searchable; Ctrl-r again, w save)",
        "console",
    ),
];

pub static SPEC: PaneSpec = PaneSpec {
    id: ID,
    title: "Instances pane",
    focus: "instances pane",
    one: "instance",
    commands: &["instances", "instance", "inst", "ec2", "i"],
    number: Some('1'),
    actions: ACTIONS,
    footer: &[
        "details",
        "mark",
        "filter",
        "start",
        "stop",
        "force_stop",
        "reboot",
        "terminate",
        "toggle_protection",
        "create_image",
        "pane_amis",
        "help",
        "quit",
    ],
};

pub struct InstancesPane {
    pub list: Collection<InstanceRow>,
    watch: Watch<Option<InstanceState>>,
    protection_requested: HashSet<String>,
    checks_requested: HashSet<String>,
    /// The user data of the instance whose details are open.
    user_data: Option<(String, Fetch<Option<String>>)>,
    /// The last action had refusals, shown on the status line until it settles.
    refused: bool,
    /// The instance whose console output is open (`o`).
    console: Option<String>,
    /// How `c` and `C` connect (`config.toml` `[connect]`).
    pub connect: super::kit::connect::Connect,
    /// `:region all`: every enabled region's instances, and how each region's listing
    /// stands (in the order they were listed).
    all_regions: Option<Vec<(String, listing::RegionLoad)>>,
    /// The targets the open confirmation leaves out, their state forbidding the action
    /// ("web-1 (i-0…) [stopped]"): said in its body.
    left_out: Vec<String>,
}

impl Default for InstancesPane {
    fn default() -> Self {
        let mut list = Collection::default();
        list.set_sort(Col::Name, false);
        Self {
            list,
            watch: Watch::default(),
            protection_requested: HashSet::new(),
            checks_requested: HashSet::new(),
            user_data: None,
            refused: false,
            console: None,
            connect: Default::default(),
            all_regions: None,
            left_out: Vec::new(),
        }
    }
}

impl InstancesPane {
    /// Ids followed until they settle.
    pub fn watching_ids(&self) -> impl Iterator<Item = &str> {
        self.watch.ids()
    }

    /// "web-1 (i-0123)" for an instance id, or the id.
    pub fn label(&self, id: &str) -> String {
        match self.list.get(id) {
            Some(r) => Target::new(id, r.inst.name.clone()).label(),
            None => id.to_string(),
        }
    }

    /// A row for a fresh copy of an instance, keeping what was fetched separately — but
    /// status checks only while the state is the same (a stopped instance has none).
    fn row_for(&mut self, inst: Instance) -> InstanceRow {
        match self.list.get(&inst.id) {
            Some(old) => {
                let checks = if old.inst.state == inst.state {
                    old.checks.clone()
                } else {
                    // asked again for the rows on screen
                    self.checks_requested.remove(&inst.id);
                    None
                };
                InstanceRow {
                    inst,
                    protected: old.protected,
                    checks,
                }
            }
            None => InstanceRow::from(inst),
        }
    }

    fn upsert(&mut self, inst: Instance) {
        let row = self.row_for(inst);
        self.list.upsert(row);
    }

    /// Follows instances until they settle, describing them now unless a describe is in
    /// flight (then they join the next round).
    fn follow(&mut self, ids: &[String], until: Option<InstanceState>, cx: &mut Cx) -> Vec<Effect> {
        for id in ids {
            self.watch.add(id.clone(), until);
        }
        self.poll(cx)
    }

    fn poll(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let req = cx.req();
        let Some(items) = self.watch.due(req) else {
            return vec![];
        };
        let ids: Vec<String> = items.into_iter().map(|(id, _)| id).collect();
        let what = format!("DescribeInstances {}", ids.join(","));
        let groups = self.by_region(ids);
        let job = Job::once(what, move |api| {
            Box::pin(async move { Got::Watched(describe_by_region(api, groups).await) })
        });
        vec![Effect::Fetch { pane: ID, req, job }]
    }

    /// Ids grouped by the region of their rows (one group, "", outside `:region all`).
    fn by_region(&self, ids: Vec<String>) -> Vec<(String, Vec<String>)> {
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for id in ids {
            let region = self
                .list
                .get(&id)
                .map(|r| r.inst.region.clone())
                .unwrap_or_default();
            match groups.iter_mut().find(|(r, _)| *r == region) {
                Some((_, g)) => g.push(id),
                None => groups.push((region, vec![id])),
            }
        }
        groups
    }

    fn request_protection(&mut self, ids: Vec<String>, cx: &mut Cx) -> Vec<Effect> {
        let ids: Vec<String> = ids
            .into_iter()
            .filter(|id| self.protection_requested.insert(id.clone()))
            .collect();
        if ids.is_empty() {
            return vec![];
        }
        let job = Job::once(
            format!("DescribeInstanceAttribute {}", ids.join(",")),
            move |api| {
                Box::pin(async move {
                    use futures::StreamExt;
                    let results = futures::stream::iter(ids)
                        .map(|id| {
                            let api = api.clone();
                            async move {
                                let r = api.termination_protection(id.clone()).await;
                                (id, r)
                            }
                        })
                        .buffer_unordered(8)
                        .collect()
                        .await;
                    Got::Protection(results)
                })
            },
        );
        vec![cx.fetch(ID, job).1]
    }

    /// Termination protection and status checks are not in `DescribeInstances`: fetch them
    /// for the rows on screen.
    fn request_visible(&mut self, cx: &mut Cx) -> Vec<Effect> {
        if self.list.is_empty() || cx.focused != ID {
            return vec![];
        }
        self.list.refresh_view();
        let h = cx.table_rows();
        let ids: Vec<String> = self
            .list
            .visible(h)
            .filter(|(_, r)| {
                r.protected.is_none()
                    && r.inst.state != InstanceState::Terminated
                    && !self.protection_requested.contains(&r.inst.id)
            })
            .map(|(_, r)| r.inst.id.clone())
            .collect();
        let checks: Vec<String> = self
            .list
            .visible(h)
            .filter(|(_, r)| r.checks.is_none() && !self.checks_requested.contains(&r.inst.id))
            .map(|(_, r)| r.inst.id.clone())
            .collect();
        let mut fx = self.request_protection(ids, cx);
        if !checks.is_empty() {
            self.checks_requested.extend(checks.iter().cloned());
            let job = Job::once(
                format!("DescribeInstanceStatus {}", checks.join(",")),
                move |api| Box::pin(async move { Got::Checks(api.statuses_of(checks).await) }),
            );
            fx.push(cx.fetch(ID, job).1);
        }
        fx
    }

    /// Opens the confirmation of a call on the targets; nothing is sent yet.
    fn propose(&mut self, name: &str, cx: &mut Cx) -> Vec<Effect> {
        self.list.refresh_view();
        let rows = self.list.targets();
        // on or off: by the instances it can apply to (a terminated one has no say)
        let all_protected = rows
            .iter()
            .filter(|r| Verb::Protect(true).can_take(r.inst.state))
            .all(|r| r.protected == Some(true));
        let verb = match name {
            "start" => Verb::Start,
            "stop" => Verb::Stop,
            "force_stop" => Verb::ForceStop,
            "reboot" => Verb::Reboot,
            "terminate" => Verb::Terminate,
            _ => Verb::Protect(!all_protected),
        };
        if rows.is_empty() {
            let what = ACTIONS
                .iter()
                .find(|a| a.name == name)
                .map_or(name, |a| a.describe);
            cx.error(format!("no instance selected to {what}"));
            return vec![];
        }
        // only those whose state allows it: the others are named, not sent (EC2 would refuse
        // them, and a count that includes them misinforms)
        let (rows, left_out): (Vec<_>, Vec<_>) =
            rows.into_iter().partition(|r| verb.can_take(r.inst.state));
        self.left_out = left_out
            .iter()
            .map(|r| format!("{} [{}]", self.label(&r.inst.id), r.inst.state.as_str()))
            .collect();
        if rows.is_empty() {
            let states: BTreeSet<&str> = left_out.iter().map(|r| r.inst.state.as_str()).collect();
            let states: Vec<&str> = states.into_iter().collect();
            // protection is neither on nor off for what cannot have it changed
            let what = match verb {
                Verb::Protect(_) => "change the termination protection of",
                v => v.verb(),
            };
            cx.error(match left_out.as_slice() {
                [one] => format!(
                    "{} is {}: cannot {what} it",
                    self.label(&one.inst.id),
                    one.inst.state.as_str(),
                ),
                _ => format!(
                    "cannot {what} any of the {} instances: they are {}",
                    left_out.len(),
                    states.join(" or ")
                ),
            });
            return vec![];
        }
        let targets: Vec<(Target, String)> = rows
            .iter()
            .map(|r| {
                (
                    Target::new(r.inst.id.clone(), r.inst.name.clone()),
                    r.inst.region.clone(),
                )
            })
            .collect();
        let ids: Vec<String> = targets.iter().map(|t| t.0.id.clone()).collect();
        let n = targets.len();
        let ops = targets
            .into_iter()
            .map(|(t, region)| InstanceCall::op_in(verb, t, region))
            .collect();
        let mut c = Confirm::new(ID, verb.title(), ops);
        if verb == Verb::Terminate {
            c.typed = Some("terminate");
        }
        c.progress = format!(
            "{} {n} instance{}…",
            verb.doing(),
            if n == 1 { "" } else { "s" }
        );
        cx.dialog = Some(Dialog::Confirm(c));
        self.request_protection(ids, cx)
    }

    /// `c` / `C`: a session on the selected instance. SSM runs at once; SSH first looks up
    /// the AMI (the user) and the key file (`~/.ssh/<KeyName>.pem`).
    fn connect(&mut self, name: &str, cx: &mut Cx) -> Vec<Effect> {
        self.list.refresh_view();
        let Some(inst) = self.list.selected().map(|r| r.inst.clone()) else {
            cx.error("no instance selected to connect to");
            return vec![];
        };
        if let Some(why) = super::kit::connect::refusal(&inst) {
            cx.error(why);
            return vec![];
        }
        if name == "ssm" {
            let profile = if cx.ctx.profile == "default" {
                String::new()
            } else {
                cx.ctx.profile.clone()
            };
            let region = cx.ctx.region.clone();
            return match super::kit::connect::ssm(&self.connect, &inst, &region, &profile) {
                Ok(e) => self.run(e, cx),
                Err(e) => {
                    cx.error(e);
                    vec![]
                }
            };
        }
        cx.info(format!("connecting to {}…", self.label(&inst.id)));
        let (id, ami, key) = (
            inst.id.clone(),
            inst.image_id.clone(),
            inst.key_name.clone(),
        );
        let job = Job::once(format!("DescribeImages {ami} (SSH user)"), move |api| {
            Box::pin(async move {
                let image = if ami.is_empty() {
                    None
                } else {
                    api.describe_images(None, vec![ami])
                        .await
                        .ok()
                        .and_then(|v| v.into_iter().next())
                        .map(Box::new)
                };
                // (the shell runs jobs: looking at a file here is not the core's doing)
                let key_file = (!key.is_empty())
                    .then(|| format!("~/.ssh/{key}.pem"))
                    .map(|p| crate::config::expand_home(&p))
                    .filter(|p| p.is_file())
                    .map(|p| p.display().to_string());
                Got::SshPlan {
                    id,
                    image,
                    key_file,
                }
            })
        });
        vec![cx.fetch(ID, job).1]
    }

    /// Runs a connect command (not in the demo region: there is nothing to connect to).
    fn run(&mut self, e: crate::app::Exec, cx: &mut Cx) -> Vec<Effect> {
        if cx.ctx.demo {
            cx.info(format!(
                "demo region: no instance to connect to; ec2tui would run: {}",
                e.line()
            ));
            return vec![];
        }
        cx.info(format!("running: {}", e.line()));
        vec![Effect::Exec(e)]
    }

    /// `o`: opens the console output of the selected instance, or (`Ctrl-r` in it) asks for
    /// it again.
    fn console_output(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let open = matches!(&cx.dialog, Some(Dialog::Text(v)) if v.pane == ID && v.refresh == Some("console_output"));
        let id = if open {
            self.console.clone()
        } else {
            self.list.refresh_view();
            self.list.selected_id().map(str::to_string)
        };
        let Some(id) = id else {
            cx.error("no instance selected to show the console output of");
            return vec![];
        };
        if open {
            if let Some(Dialog::Text(v)) = &mut cx.dialog {
                v.note = Some("asking again (GetConsoleOutput)…".into());
            }
        } else {
            let mut v = TextView::new(
                ID,
                format!("Console output of {}", self.label(&id)),
                vec!["loading…".into()],
            );
            v.refresh = Some("console_output");
            v.save_as = Some(format!("console-{id}.log"));
            v.what = format!("the console output of {id}");
            cx.dialog = Some(Dialog::Text(v));
        }
        self.console = Some(id.clone());
        let job = Job::once(format!("GetConsoleOutput {id}"), move |api| {
            Box::pin(async move {
                let result = api.console_output(id.clone()).await;
                Got::Console { id, result }
            })
        });
        vec![cx.fetch(ID, job).1]
    }

    fn on_watched(&mut self, list: Vec<Instance>, cx: &mut Cx) {
        let mut settled = Vec::new();
        for inst in list {
            let id = inst.id.clone();
            let state = inst.state;
            let name = inst.name.clone();
            self.upsert(inst);
            if self.watch.observe(&id, state.is_stable(), |until| {
                until.is_none_or(|s| s == state)
            }) {
                settled.push(format!("{} is {}", Target::new(id, name).label(), state));
            }
        }
        if !settled.is_empty() {
            let more = if settled.len() > 3 {
                format!(" and {} more", settled.len() - 3)
            } else {
                String::new()
            };
            settled.truncate(3);
            let text = format!("{}{more}", settled.join(", "));
            let refusal_shown =
                matches!(&cx.status, Some(s) if s.level == crate::app::Level::Error);
            if self.refused && refusal_shown {
                // the refusals of the same action stay on the status line
                cx.log(crate::app::Level::Ok, &text);
            } else {
                cx.ok(text);
            }
            if self.watch.is_empty() {
                self.refused = false;
            }
        }
    }
}

impl Pane for InstancesPane {
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
        let Some(regions) = &self.all_regions else {
            return "Instances".into();
        };
        // "17 regions: 15 loaded, 1 loading, 1 AccessDenied"
        let n = regions.len();
        let count =
            |f: fn(&listing::RegionLoad) -> bool| regions.iter().filter(|(_, l)| f(l)).count();
        let loaded = count(|l| matches!(l, listing::RegionLoad::Loaded(_)));
        let loading = count(|l| matches!(l, listing::RegionLoad::Loading));
        let mut parts = vec![format!("{loaded} loaded")];
        if loading > 0 {
            parts.push(format!("{loading} loading"));
        }
        for (r, l) in regions {
            if let listing::RegionLoad::Failed(why) = l {
                parts.push(format!("{r} {why}"));
            }
        }
        format!(
            "Instances, every region — {n} region{}: {}",
            if n == 1 { "" } else { "s" },
            parts.join(", ")
        )
    }
    fn noun(&self) -> &'static str {
        "instances"
    }
    fn empty(&self, s: &Shared) -> String {
        format!("No instances in {}.", s.ctx.region)
    }
    fn watching(&self) -> usize {
        self.watch.len()
    }

    fn refresh(&mut self, cx: &mut Cx) -> Vec<Effect> {
        if self.all_regions.is_some() {
            // :region all: every enabled region, each as one region is listed
            let home = cx.ctx.region.clone();
            let job = Job::stream("DescribeInstances (every region)", move |api, emit| {
                Box::pin(listing::list_all_regions(api, home, move |got| {
                    emit(Box::new(Got::AllRegions(got)))
                }))
            });
            let fx = cx.list(ID, &mut self.list, job);
            if !fx.is_empty() {
                self.protection_requested.clear();
                self.checks_requested.clear();
            }
            return fx;
        }
        // one chain per availability zone, merged as they arrive (aws::listing)
        let job = Job::stream("DescribeInstances", |api, emit| {
            Box::pin(async move {
                let how =
                    listing::list_instances(api, |page| emit(Box::new(Got::Page(page)))).await;
                tracing::debug!("instances listed: {how:?}");
            })
        });
        let fx = cx.list(ID, &mut self.list, job);
        if !fx.is_empty() {
            // a new listing: what was fetched for the rows on screen is fetched again
            self.protection_requested.clear();
            self.checks_requested.clear();
        }
        fx
    }

    fn on_action(&mut self, name: &'static str, cx: &mut Cx) -> Vec<Effect> {
        match name {
            "terminate_in_group" => {
                self.list.refresh_view();
                let members: Vec<(Target, String)> = self
                    .list
                    .targets()
                    .iter()
                    .filter_map(|r| {
                        group_of(&r.inst).map(|g| {
                            (
                                Target::new(r.inst.id.clone(), r.inst.name.clone()),
                                g.to_string(),
                            )
                        })
                    })
                    .collect();
                if members.is_empty() {
                    cx.error("no Auto Scaling member selected (their Auto Scaling column names the group)");
                    return vec![];
                }
                cx.ask(Ask::TerminateInGroup(members));
                vec![]
            }
            "create_image" | "launch_more" | "create_template" => {
                self.list.refresh_view();
                let Some(inst) = self.list.selected().map(|r| r.inst.clone()) else {
                    cx.error(match name {
                        "create_image" => "no instance selected to create an image of",
                        "create_template" => "no instance selected to make a template of",
                        _ => "no instance selected to launch more like",
                    });
                    return vec![];
                };
                cx.ask(match name {
                    "create_image" => Ask::CreateImageOf(inst),
                    "create_template" => Ask::CreateTemplateFrom(inst),
                    _ => Ask::LaunchLike(inst),
                });
                vec![]
            }
            "console_output" => self.console_output(cx),
            "ssm" | "ssh" => self.connect(name, cx),
            _ => self.propose(name, cx),
        }
    }

    fn on_details(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.list.refresh_view();
        let Some(id) = self.list.selected_id().map(str::to_string) else {
            cx.error("no instance selected");
            return vec![];
        };
        cx.dialog = Some(Dialog::Details {
            pane: ID,
            id: id.clone(),
            scroll: 0,
        });
        self.user_data = Some((id.clone(), Fetch::Loading));
        let uid = id.clone();
        let job = Job::once(
            format!("DescribeInstanceAttribute userData {id}"),
            move |api| {
                Box::pin(async move {
                    let result = api.user_data(uid.clone()).await;
                    Got::UserData { id: uid, result }
                })
            },
        );
        let mut fx = vec![cx.fetch(ID, job).1];
        fx.extend(self.request_protection(vec![id], cx));
        fx
    }

    fn details(&self, id: &str, s: &Shared) -> Option<DetailsView> {
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

    fn confirm_body(&self, c: &Confirm, s: &Shared) -> ConfirmView {
        let calls: Vec<&InstanceCall> = c.ops.iter().filter_map(|o| o.get()).collect();
        let Some(verb) = calls.first().map(|c| c.verb) else {
            return ConfirmView::default();
        };
        let destructive = verb == Verb::Terminate;
        let n = calls.len();
        let mut items: Vec<Line> = Vec::new();
        let (mut protected, mut unknown, mut deleted, mut kept) = (0, 0, 0, 0);
        let mut members: Vec<String> = Vec::new();
        for t in calls.iter().map(|c| &c.target) {
            let row = self.list.get(&t.id);
            let state = row.map(|r| r.inst.state.as_str()).unwrap_or("?");
            let mut line = format!("  {}  [{state}]", t.label());
            let mut tone = Tone::Normal;
            if destructive {
                match row.and_then(|r| r.protected) {
                    Some(true) => {
                        protected += 1;
                        line.push_str("  protected: will be refused");
                        tone = Tone::Warn;
                    }
                    Some(false) => {}
                    None => {
                        unknown += 1;
                        line.push_str("  (checking protection…)");
                    }
                }
            }
            items.push(vec![(line, tone)]);
            if let Some(g) = row.and_then(|r| group_of(&r.inst))
                && matches!(verb, Verb::Stop | Verb::ForceStop | Verb::Terminate)
            {
                members.push(g.to_string());
                items.push(vec![(
                    format!(
                        "      member of Auto Scaling group {g}: the group will replace it{}",
                        if destructive {
                            ""
                        } else {
                            " (a stopped member is unhealthy)"
                        }
                    ),
                    Tone::Warn,
                )]);
            }
            if destructive && let Some(r) = row {
                // a protected instance's volumes stay where they are
                let goes = r.protected != Some(true);
                for b in &r.inst.block_devices {
                    let (what, tone) = if b.delete_on_termination {
                        deleted += usize::from(goes);
                        ("deleted", Tone::Bad)
                    } else {
                        kept += usize::from(goes);
                        ("kept   ", Tone::Good)
                    };
                    items.push(vec![(
                        format!("      {what} {} {}", b.volume_id, b.device),
                        tone,
                    )]);
                }
            }
        }
        let plural = |k: usize, one: &str| format!("{k} {one}{}", if k == 1 { "" } else { "s" });
        let mut summary = format!("{} {}", capitalise(verb.verb()), plural(n, "instance"));
        // a list of every region: the calls go to each instance's own region, grouped so
        let mut regions: Vec<(&str, usize)> = Vec::new();
        for c in &calls {
            match regions.iter_mut().find(|(r, _)| *r == c.region) {
                Some(e) => e.1 += 1,
                None => regions.push((c.region.as_str(), 1)),
            }
        }
        if regions.iter().any(|(r, _)| !r.is_empty()) {
            regions.sort();
            let each: Vec<String> = regions
                .iter()
                .map(|(r, k)| format!("{} in {r}", k))
                .collect();
            summary.push_str(&format!(
                " in {} ({}; each call goes to its instance's region)",
                plural(regions.len(), "region"),
                each.join(", ")
            ));
        }
        if destructive {
            summary.push_str(&format!(
                ": {} will be terminated, {protected} protected",
                n - protected - unknown
            ));
            if unknown > 0 {
                summary.push_str(&format!(", {unknown} being checked"));
            }
            summary.push_str(&format!(
                "; {} deleted, {kept} kept",
                plural(deleted, "volume")
            ));
        } else {
            summary.push(':');
        }
        let tone = if destructive || verb == Verb::ForceStop {
            Tone::Bad
        } else {
            Tone::Normal
        };
        let mut tail = vec![vec![(verb.consequence().to_string(), tone)]];
        if !self.left_out.is_empty() {
            let shown: Vec<&str> = self.left_out.iter().take(4).map(String::as_str).collect();
            let more = self.left_out.len() - shown.len();
            tail.push(vec![(
                format!(
                    "Left out, their state does not allow it: {}{}",
                    shown.join(", "),
                    if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    }
                ),
                Tone::Warn,
            )]);
        }
        if !members.is_empty() {
            members.sort();
            members.dedup();
            let key = s
                .keymap
                .named(ID, "terminate_in_group")
                .and_then(|a| s.keymap.key_for(&crate::app::Keymap::scopes(ID), a))
                .map_or("X".to_string(), |k| k.to_string());
            tail.push(vec![(
                format!(
                    "Auto Scaling ({}) launches a replacement for each member. To remove members for good: Esc, then {key} (terminate in group, lowering desired).",
                    members.join(", ")
                ),
                Tone::Warn,
            )]);
        }
        ConfirmView {
            summary: vec![vec![(summary, Tone::Normal)]],
            items,
            tail,
        }
    }

    fn on_loaded(&mut self, req: u64, data: Box<dyn Any + Send>, cx: &mut Cx) -> Vec<Effect> {
        let Ok(got) = data.downcast::<Got>() else {
            return vec![];
        };
        match *got {
            Got::Page(Ok(page)) => {
                let last = page.next_token.is_none();
                let moving: Vec<String> = page
                    .items
                    .iter()
                    .filter(|i| {
                        matches!(
                            i.state,
                            InstanceState::Pending
                                | InstanceState::Stopping
                                | InstanceState::ShuttingDown
                        ) && !self.watch.contains(&i.id)
                    })
                    .map(|i| i.id.clone())
                    .collect();
                let mut rows = Vec::new();
                for i in &page.items {
                    if self.list.get(&i.id).is_some_and(|old| old.inst == *i) {
                        // a refresh mostly brings rows back as they were: nothing to copy
                        self.list.still_there(req, &i.id);
                    } else {
                        // copied here, on the loop's thread: the rows kept are then
                        // allocated together, not between the garbage each page's parsing
                        // left on the runtime's threads (which is then given back whole)
                        rows.push(self.row_for(i.clone()));
                    }
                }
                if self.list.apply_page(req, rows, last) {
                    // whoever started it, an instance in transition is followed until it
                    // settles (on the watch timer)
                    for id in moving {
                        self.watch.add(id, None);
                    }
                    if last {
                        cx.listed();
                        if matches!(cx.status.as_ref(), Some(s) if s.level == Level::Error && s.text.starts_with("cannot list"))
                        {
                            cx.status = None;
                        }
                    }
                }
            }
            Got::Page(Err(e)) => {
                if self.list.fail(req, e.clone()) {
                    cx.error_with_hint("cannot list instances", &e);
                }
            }
            Got::AllRegions(news) => {
                if req != self.list.latest_req {
                    return vec![];
                }
                match news {
                    listing::AllRegions::Page(p) => {
                        return self.on_loaded(req, Box::new(Got::Page(Ok(p))), cx);
                    }
                    listing::AllRegions::Failed(e) => {
                        return self.on_loaded(req, Box::new(Got::Page(Err(e))), cx);
                    }
                    listing::AllRegions::Regions(rs) => {
                        self.all_regions = Some(
                            rs.into_iter()
                                .map(|r| (r, listing::RegionLoad::Loading))
                                .collect(),
                        );
                    }
                    listing::AllRegions::Region(r, load) => {
                        if let listing::RegionLoad::Failed(why) = &load {
                            cx.error(format!("cannot list the instances of {r}: {why}"));
                        }
                        if let Some(rs) = &mut self.all_regions
                            && let Some(slot) = rs.iter_mut().find(|(name, _)| *name == r)
                        {
                            slot.1 = load;
                        }
                    }
                }
            }
            Got::Watched(result) => {
                if !self.watch.accept(req) {
                    return vec![];
                }
                match result {
                    Ok(list) => {
                        let seen: Vec<String> = list.iter().map(|i| i.id.clone()).collect();
                        self.on_watched(list, cx);
                        // long terminated, no longer described: no longer followed
                        self.watch.missing(seen.iter().map(String::as_str));
                    }
                    Err(e) if e.code.as_deref().is_some_and(|c| c.ends_with(".NotFound")) => {
                        self.watch.forget_asked();
                    }
                    Err(e) => cx.error_with_hint("cannot check instance state", &e),
                }
            }
            Got::Described(Ok(list)) => {
                for inst in list {
                    self.upsert(inst);
                }
            }
            Got::Described(Err(e)) => tracing::warn!("describe instances: {e}"),
            Got::Protection(results) => {
                for (id, r) in results {
                    match r {
                        Ok(p) => self.list.update(&id, |row| row.protected = Some(p)),
                        Err(e) => tracing::warn!("termination protection of {id}: {e}"),
                    }
                }
            }
            Got::Checks(Ok(list)) => {
                for st in list {
                    let checks = st.checks();
                    self.list
                        .update(&st.id, |r| r.checks = Some(checks.clone()));
                }
            }
            Got::Checks(Err(e)) => tracing::warn!("status checks: {e}"),
            Got::Console { id, result } => {
                let here = self.console.as_deref() == Some(id.as_str());
                let page = cx.s.size.1.saturating_sub(5) as usize;
                if let Some(Dialog::Text(v)) = &mut cx.dialog
                    && v.pane == ID
                    && v.refresh == Some("console_output")
                    && here
                {
                    match result {
                        Ok(Some(text)) => {
                            let at_end = v.scroll + 1 >= v.lines.len() || v.lines.len() <= 1;
                            v.set_lines(text.lines().map(str::to_string).collect());
                            if at_end {
                                // like a log: the view ends with the newest line
                                v.scroll = v.lines.len().saturating_sub(page.max(1));
                            }
                            v.note = Some(format!(
                                "{} lines, the latest EC2 keeps (Ctrl-r asks again)",
                                v.lines.len()
                            ));
                        }
                        Ok(None) => {
                            v.set_lines(vec![
                                "No console output yet: EC2 has it once the instance has booted."
                                    .into(),
                            ]);
                            v.note = Some("Ctrl-r asks again".into());
                        }
                        Err(e) => {
                            let text = cx.s.with_hint(
                                &format!("cannot get the console output: {}", e.describe()),
                                &e,
                            );
                            if let Some(Dialog::Text(v)) = &mut cx.dialog {
                                v.note = Some(text.clone());
                            }
                            cx.log(Level::Error, &text);
                        }
                    }
                }
            }
            Got::SshPlan {
                id,
                image,
                key_file,
            } => {
                // still selected and running: the user may have moved on meanwhile
                let Some(inst) = self
                    .list
                    .selected()
                    .filter(|r| r.inst.id == id)
                    .map(|r| r.inst.clone())
                else {
                    return vec![];
                };
                if let Some(why) = super::kit::connect::refusal(&inst) {
                    cx.error(why);
                    return vec![];
                }
                return match super::kit::connect::ssh(
                    &self.connect,
                    &inst,
                    image.as_deref(),
                    key_file.as_deref(),
                ) {
                    Ok(e) => self.run(e, cx),
                    Err(e) => {
                        cx.error(e);
                        vec![]
                    }
                };
            }
            Got::UserData { id, result } => {
                if let Some((u, f)) = &mut self.user_data
                    && *u == id
                {
                    *f = match result {
                        Ok(u) => Fetch::Ready(u),
                        Err(e) => Fetch::Failed(e.describe()),
                    };
                }
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
        let calls: Vec<(&InstanceCall, &ApiResult<Outcome>)> = results
            .iter()
            .filter_map(|(o, r)| o.get::<InstanceCall>().map(|c| (c, r)))
            .collect();
        let Some(verb) = calls.first().map(|(c, _)| c.verb) else {
            return vec![];
        };
        let mut ok: Vec<&Target> = Vec::new();
        // (label, code or message): the one-line summary; the full text goes to :messages
        let mut failed: Vec<(String, String)> = Vec::new();
        // those whose outcome is unknown are followed too: the screen reads them back
        let mut unknown: Vec<String> = Vec::new();
        for (c, r) in &calls {
            match r {
                Ok(_) => ok.push(&c.target),
                Err(e) => {
                    let full = cx.with_hint(
                        &e.failed(&format!("{} {}", verb.verb(), c.target.label())),
                        e,
                    );
                    cx.log(crate::app::Level::Error, &full);
                    let short = e.code.clone().unwrap_or_else(|| e.message.clone());
                    if e.kind == crate::aws::ErrorKind::Unknown {
                        unknown.push(c.target.id.clone());
                        failed.push((c.target.label(), "outcome unknown".into()));
                    } else {
                        failed.push((c.target.label(), short));
                    }
                }
            }
        }
        // "refused", "of unknown outcome", or both counted apart
        let (n_unknown, n_refused) = (unknown.len(), failed.len() - unknown.len());
        let refused = match (n_refused, n_unknown) {
            (_, 0) => "refused".to_string(),
            (0, _) => "of unknown outcome".to_string(),
            (r, u) => format!("not done ({r} refused, {u} of unknown outcome)"),
        };
        let mut ok_ids: Vec<String> = ok.iter().map(|t| t.id.clone()).collect();
        if let Verb::Protect(on) = verb {
            for id in &ok_ids {
                self.list.update(id, |r| r.protected = Some(on));
            }
        }
        let summary = |ts: &[&Target]| -> String {
            let mut s: Vec<String> = ts.iter().take(3).map(|t| t.label()).collect();
            if ts.len() > 3 {
                s.push(format!("{} more", ts.len() - 3));
            }
            s.join(", ")
        };
        if failed.is_empty() {
            self.refused = false;
            cx.ok(format!("{}: {}", verb.doing(), summary(&ok)));
        } else {
            // one summary line: what went, how many were refused, the first refusal's code;
            // every refusal in full is in :messages
            let hint = calls
                .iter()
                .find_map(|(_, r)| r.as_ref().err())
                .and_then(|e| e.hint(&cx.ctx.profile))
                .map(|h| format!(" — {h}"))
                .unwrap_or_default();
            let head = if ok.is_empty() {
                format!("{} {refused}", verb.verb())
            } else {
                format!(
                    "{} {}: {}; {} {refused}",
                    verb.doing(),
                    ok.len(),
                    summary(&ok),
                    failed.len()
                )
            };
            let more = if failed.len() > 1 {
                format!(" and {} more", failed.len() - 1)
            } else {
                String::new()
            };
            let (label, code) = &failed[0];
            self.refused = true;
            cx.s.status = Some(crate::app::Status {
                text: format!("{head}: {label} {code}{more}{hint} (:messages has the details)"),
                level: crate::app::Level::Error,
            });
        }
        self.list.clear_marks();
        ok_ids.extend(unknown);
        match verb.settles_in() {
            Some(until) if !ok_ids.is_empty() => self.follow(&ok_ids, Some(until), cx),
            _ => vec![],
        }
    }

    fn on_watch_due(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.poll(cx)
    }

    fn on_message(&mut self, msg: Box<dyn Any + Send>, cx: &mut Cx) -> Vec<Effect> {
        match msg.downcast::<crate::app::AllRegionsView>() {
            Ok(_) => {
                // every enabled region's instances, listed afresh (nothing of the one-region
                // list stays: its rows have no region)
                self.all_regions = Some(Vec::new());
                self.list = Collection::default();
                self.list.set_sort(Col::Name, false);
                self.watch = Watch::default();
                cx.info("refreshing: the instances of every region…");
                self.refresh(cx)
            }
            Err(_) => vec![],
        }
    }

    fn on_ask(&mut self, ask: &Ask, cx: &mut Cx) -> Option<Vec<Effect>> {
        let Ask::ShowInstance(id) = ask else {
            return None;
        };
        let h = cx.table_rows();
        self.list.set_filter("");
        self.list.select_id(id, h);
        if self.list.selected_id() != Some(id.as_str()) {
            cx.error(format!("{id} is not in the instances list (yet)"));
        }
        cx.focus(ID);
        Some(vec![])
    }

    fn on_fact(&mut self, fact: &Fact, cx: &mut Cx) -> Vec<Effect> {
        let h = cx.table_rows();
        match fact {
            Fact::Launched(list) => {
                let ids: Vec<String> = list.iter().map(|i| i.id.clone()).collect();
                for inst in list {
                    self.upsert(inst.clone());
                }
                // the new instances must be visible: a filter that hides them goes
                self.list.set_filter("");
                if let Some(first) = ids.first() {
                    self.list.select_id(first, h);
                }
                cx.ok(format!(
                    "launched {} instance{}: {}",
                    ids.len(),
                    if ids.len() == 1 { "" } else { "s" },
                    ids.join(", ")
                ));
                cx.focus(ID);
                self.follow(&ids, Some(InstanceState::Running), cx)
            }
            Fact::Moving { ids, until } => self.follow(ids, *until, cx),
            Fact::InstancesChanged(ids) => {
                let what = format!("DescribeInstances {}", ids.join(","));
                let groups = self.by_region(ids.clone());
                let job = Job::once(what, move |api| {
                    Box::pin(async move { Got::Described(describe_by_region(api, groups).await) })
                });
                vec![cx.fetch(ID, job).1]
            }
            Fact::Checks(c) => {
                for (id, checks) in c {
                    self.list.update(id, |r| r.checks = Some(checks.clone()));
                }
                vec![]
            }
            _ => vec![],
        }
    }

    fn after_event(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.request_visible(cx)
    }
}
