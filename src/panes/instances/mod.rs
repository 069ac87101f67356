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

mod actions;
mod details;
mod fetch;
mod rows;
use fetch::*;
pub use rows::*;

pub const ID: &str = "instances";

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
    /// The instance whose console output is open (`o`).
    console: Option<String>,
    /// How `c` and `C` connect (`config.toml` `[connect]`).
    pub connect: crate::panes::kit::connect::Connect,
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
            console: None,
            connect: Default::default(),
            all_regions: None,
            left_out: Vec::new(),
        }
    }
}

impl InstancesPane {
    /// The pane with the user's `[connect]` settings.
    pub fn with_connect(connect: crate::panes::kit::connect::Connect) -> Self {
        Self {
            connect,
            ..Self::default()
        }
    }

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
        self.details_view(id, s)
    }

    fn confirm_body(&self, c: &Confirm, s: &Shared) -> ConfirmView {
        self.confirm_view(c, s)
    }

    fn on_loaded(&mut self, req: u64, data: Box<dyn Any + Send>, cx: &mut Cx) -> Vec<Effect> {
        self.loaded(req, data, cx)
    }

    fn on_done(
        &mut self,
        _req: u64,
        results: Vec<(Op, ApiResult<Outcome>)>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        self.done(_req, results, cx)
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
