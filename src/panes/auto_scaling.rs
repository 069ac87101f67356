//! The Auto Scaling groups pane (`:asg`): name, what it launches from (template and version,
//! or launch configuration), min / desired / max, instances in service / total, zones, health
//! check, how many members run an older version, and what is going on (a rollout, a refresh).
//! `Enter`: the members (`j`/`k` choose, `Enter` goes to the instance) and the recent scaling
//! activities. `e` capacity (checked before any call), `v` template and version, `u` new user
//! data rolled out to the members (see [`super::rollout`]), `R` / `X` start and cancel an
//! instance refresh, `Ctrl-d` delete the group (typed; its instances only with the box
//! ticked). Whatever moves is followed until it settles.

use std::any::Any;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use super::rollout::{Do, How, Phase, Rollout};
use crate::app::{
    ActionSpec, Collection, Column, Confirm, ConfirmView, Cx, DetailsView, Dialog, Effect, Fetch,
    Field, Form, FormEvent, FormTag, Job, Key, KeyCode, Line, Opt, Pane, PaneSpec, Resource,
    Shared, TableOps, Target, Tone, Watch, age,
};
use crate::app::{Ask, Fact};
use crate::aws::Instance;
use crate::aws::ops::*;
use crate::aws::{
    ApiResult, AutoScalingGroup, GroupMember, InstanceRefresh, LaunchTemplate, Op, Outcome, Page,
    ScalingActivity, TemplateData, TemplateSpec, TemplateVersion, fmt_time,
};

pub const ID: &str = "asg";

/// A member launched from something else than what its group launches from now: another
/// template, another version (`resolved` is the number `$Latest`/`$Default` stand for, when
/// known), another launch configuration.
pub fn is_old(g: &AutoScalingGroup, m: &GroupMember, resolved: Option<i64>) -> bool {
    match &g.template {
        Some(t) => {
            if m.template_version.is_empty() {
                // launched from a launch configuration, or not said
                return !m.launch_configuration.is_empty();
            }
            m.template_version != t.version
                && resolved.is_none_or(|n| m.template_version != n.to_string())
        }
        None => m.launch_configuration != g.launch_configuration,
    }
}

/// A group's row: the group, its old members, its latest refresh, a rollout's progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    pub g: AutoScalingGroup,
    /// The members on another version than the group's.
    pub old: Vec<String>,
    /// The latest instance refresh, when read.
    pub refresh: Option<InstanceRefresh>,
    /// A rollout's progress ("replacing 2 of 4").
    pub progress: String,
}

impl GroupRow {
    pub fn in_service(&self) -> usize {
        self.g
            .members
            .iter()
            .filter(|m| m.in_service() && m.healthy())
            .count()
    }
    fn launches_from(&self) -> String {
        match &self.g.template {
            Some(t) => {
                let name = if t.name.is_empty() { &t.id } else { &t.name };
                format!("{name} {}", t.version)
            }
            None if !self.g.launch_configuration.is_empty() => {
                format!("lc {}", self.g.launch_configuration)
            }
            None => "-".into(),
        }
    }
    /// Being changed by someone: members on their way in or out, fewer than desired, a
    /// refresh or a deletion.
    pub fn moving(&self) -> bool {
        let g = &self.g;
        let active = g.members.iter().filter(|m| !m.leaving()).count() as i32;
        active != g.desired
            || g.members.iter().any(|m| !(m.in_service() && m.healthy()))
            || self.refresh.as_ref().is_some_and(InstanceRefresh::running)
            || !g.status.is_empty()
    }
    fn status(&self) -> (String, Tone) {
        if !self.progress.is_empty() {
            let tone = if self.progress.contains("failed") {
                Tone::Bad
            } else {
                Tone::Accent
            };
            return (self.progress.clone(), tone);
        }
        if let Some(r) = self.refresh.as_ref().filter(|r| r.running()) {
            return (
                format!("refresh {} {}%", r.status, r.percentage),
                Tone::Accent,
            );
        }
        if !self.g.status.is_empty() {
            return (self.g.status.clone(), Tone::Warn);
        }
        ("-".into(), Tone::Muted)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Name,
    LaunchesFrom,
    Capacity,
    InService,
    Zones,
    HealthCheck,
    Old,
    Status,
}

const COLUMNS: &[(Col, Column)] = &[
    (Col::Name, Column::new("Name", 24, 10)),
    (Col::LaunchesFrom, Column::new("Template / config", 22, 10)),
    (Col::Capacity, Column::new("Min/Des/Max", 11, 8)),
    (Col::InService, Column::new("In service", 10, 6)),
    (Col::Zones, Column::new("AZs", 6, 3)),
    (Col::HealthCheck, Column::new("Health", 6, 4)),
    (Col::Old, Column::new("Old ver", 7, 3)),
    (Col::Status, Column::new("Status", 24, 8)),
];

/// Words into lines of at most `width` characters (a longer word gets a line of its own).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for w in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + w.chars().count() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(w);
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

/// At most `w` characters, with … when cut.
fn short(s: &str, w: usize) -> String {
    if s.chars().count() <= w {
        s.to_string()
    } else {
        s.chars().take(w.saturating_sub(1)).collect::<String>() + "…"
    }
}

/// `eu-west-1a, eu-west-1b` → `a,b` (the region is in the header).
fn zones(azs: &[String]) -> String {
    let Some(first) = azs.first() else {
        return "-".into();
    };
    // (an untrusted name: cut before its last character, on a char boundary)
    let region = first.char_indices().last().map_or("", |(i, _)| &first[..i]);
    if azs
        .iter()
        .all(|a| a.len() == first.len() && a.starts_with(region))
    {
        let letters: Vec<&str> = azs.iter().map(|a| &a[region.len()..]).collect();
        letters.join(",")
    } else {
        azs.join(",")
    }
}

impl Resource for GroupRow {
    type Col = Col;

    fn id(&self) -> &str {
        &self.g.name
    }
    fn columns() -> &'static [(Col, Column)] {
        COLUMNS
    }
    fn cell(&self, col: Col, _now: i64) -> (String, Tone) {
        let g = &self.g;
        match col {
            Col::Name => (g.name.clone(), Tone::Normal),
            Col::LaunchesFrom => (self.launches_from(), Tone::Normal),
            Col::Capacity => (format!("{}/{}/{}", g.min, g.desired, g.max), Tone::Normal),
            Col::InService => {
                let n = self.in_service();
                let total = g.members.iter().filter(|m| !m.leaving()).count();
                (
                    format!("{n}/{total}"),
                    if (n as i32) < g.desired {
                        Tone::Warn
                    } else {
                        Tone::Good
                    },
                )
            }
            Col::Zones => (zones(&g.azs), Tone::Muted),
            Col::HealthCheck => (g.health_check_type.clone(), Tone::Normal),
            Col::Old => {
                let n = self.old.len();
                (n.to_string(), if n > 0 { Tone::Warn } else { Tone::Muted })
            }
            Col::Status => self.status(),
        }
    }
    fn compare(&self, other: &Self, col: Col) -> Ordering {
        match col {
            Col::Name => crate::app::cmp_ci(&self.g.name, &other.g.name),
            Col::Capacity => (self.g.desired, self.g.min, self.g.max).cmp(&(
                other.g.desired,
                other.g.min,
                other.g.max,
            )),
            Col::InService => self.in_service().cmp(&other.in_service()),
            Col::Old => self.old.len().cmp(&other.old.len()),
            c => self.cell(c, 0).0.cmp(&other.cell(c, 0).0),
        }
    }
    fn filter_text(&self) -> String {
        let mut s = format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.g.name,
            self.launches_from(),
            self.g.health_check_type,
            self.g.azs.join(" "),
            self.status().0
        );
        for m in &self.g.members {
            s.push_str(&format!("\u{1f}{}", m.instance_id));
        }
        for (k, v) in &self.g.tags {
            s.push_str(&format!("\u{1f}{k}={v}"));
        }
        s.to_lowercase()
    }
}

// ---- the calls ----

// ---- forms ----

pub const F_MIN: &str = "Min";
pub const F_DESIRED: &str = "Desired";
pub const F_MAX: &str = "Max";
pub const F_TEMPLATE: &str = "Launch template";
pub const F_VERSION: &str = "Version";
pub const F_MIN_HEALTHY: &str = "Minimum healthy %";
/// The start of the delete form's toggle: "Also terminate its 4 instances".
pub const F_FORCE: &str = "Also terminate its";

/// "Also terminate its 4 instances": form labels are static, so each count's label is made
/// once and kept (a few, whatever the session does).
fn force_label(n: usize) -> &'static str {
    use std::sync::{Mutex, OnceLock};
    static LABELS: OnceLock<Mutex<HashMap<usize, &'static str>>> = OnceLock::new();
    let mut m = LABELS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    m.entry(n).or_insert_with(|| {
        Box::leak(
            format!("{F_FORCE} {n} instance{}", if n == 1 { "" } else { "s" }).into_boxed_str(),
        )
    })
}
pub const F_CONFIRM: &str = super::kit::F_DELETE;
pub const F_START: &str = "Start";
pub const F_USER_DATA: &str = "User data (text, or @path)";
pub const F_DESCRIPTION: &str = "Version description";
pub const F_HOW: &str = "Replace the members";

const CONTINUE: &str = "continue";
const NEW_DATA: &str = "new";

#[derive(Debug, Clone)]
enum AsgForm {
    Capacity { group: String },
    Template { group: String },
    Refresh { group: String },
    Delete { group: String, members: Vec<String> },
    Rollout(Box<RolloutForm>),
}

/// What the `u` form was opened on.
#[derive(Debug, Clone)]
struct RolloutForm {
    group: String,
    template_id: String,
    template_name: String,
    /// The version whose user data the form starts from (the new one is made from it).
    source: i64,
    /// The members to replace when continuing.
    old: Vec<String>,
    /// The user data the form opened with (an edit is never dropped without a word).
    user_data: String,
}

/// What to do once a group's extra reads are here.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Want {
    Cancel,
    Rollout,
    Template,
}

enum Got {
    Page(ApiResult<Page<AutoScalingGroup>>),
    Templates(ApiResult<Vec<LaunchTemplate>>),
    /// Activities and refreshes of a group (for its details, or an action waiting).
    Extra(
        String,
        ApiResult<Vec<ScalingActivity>>,
        ApiResult<Vec<InstanceRefresh>>,
    ),
    /// A watch round: the groups followed, and their refreshes.
    Watched(
        ApiResult<Vec<AutoScalingGroup>>,
        Vec<(String, ApiResult<Vec<InstanceRefresh>>)>,
    ),
    /// The versions of a group's template, for the `u` form.
    Versions(String, ApiResult<Vec<TemplateVersion>>),
}

const ACTIONS: &[ActionSpec] = &[
    ActionSpec::new("edit_capacity", "edit min / desired / max", "capacity").mutating(),
    ActionSpec::new(
        "switch_template",
        "switch the launch template or version",
        "version",
    )
    .mutating(),
    ActionSpec::new(
        "rollout",
        "new user data: new version, group on it, members replaced",
        "user data",
    )
    .mutating(),
    ActionSpec::new("start_refresh", "start an instance refresh", "refresh").mutating(),
    ActionSpec::new(
        "cancel_refresh",
        "cancel the running instance refresh",
        "cancel refresh",
    )
    .mutating(),
    ActionSpec::new("delete_group", "delete the group", "delete").mutating(),
];

pub static SPEC: PaneSpec = PaneSpec {
    id: ID,
    title: "Auto Scaling groups pane",
    focus: "Auto Scaling groups pane",
    one: "Auto Scaling group",
    commands: &["asg", "autoscaling", "groups-as", "scaling"],
    number: None,
    actions: ACTIONS,
    footer: &[
        "details",
        "filter",
        "edit_capacity",
        "switch_template",
        "rollout",
        "start_refresh",
        "cancel_refresh",
        "delete_group",
        "refresh",
        "help",
        "quit",
    ],
};

#[derive(Default)]
struct Extra {
    req: u64,
    activities: Option<Fetch<Vec<ScalingActivity>>>,
    refreshes: Option<Fetch<Vec<InstanceRefresh>>>,
}

pub struct AutoScalingPane {
    pub list: Collection<GroupRow>,
    /// Template id → (default, latest) version, to know what `$Default`/`$Latest` are.
    templates: HashMap<String, LaunchTemplate>,
    extra: HashMap<String, Extra>,
    watch: Watch<()>,
    /// Rollouts by group (kept when over, so an interrupted one can be continued).
    pub rollouts: BTreeMap<String, Rollout>,
    /// The new version's settings of a rollout waiting to create it.
    rollout_specs: HashMap<String, CreateTemplateVersion>,
    waiting: Option<(String, Want)>,
    /// The member chosen in the open details.
    member_cursor: usize,
    /// Instance names, for the details.
    names: HashMap<String, String>,
    pending_select: Option<String>,
}

impl Default for AutoScalingPane {
    fn default() -> Self {
        let mut list = Collection::default();
        list.set_sort(Col::Name, false);
        Self {
            list,
            templates: HashMap::new(),
            extra: HashMap::new(),
            watch: Watch::default(),
            rollouts: BTreeMap::new(),
            rollout_specs: HashMap::new(),
            waiting: None,
            member_cursor: 0,
            names: HashMap::new(),
            pending_select: None,
        }
    }
}

fn parse_capacity(s: &str, what: &str) -> Result<i32, String> {
    s.trim()
        .parse::<i32>()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or_else(|| format!("{what} must be a whole number, 0 or more"))
}

/// Checks a capacity before any call: min ≤ desired ≤ max.
pub fn check_capacity(min: i32, desired: i32, max: i32) -> Result<(), String> {
    if min > max {
        return Err(format!("min ({min}) is above max ({max})"));
    }
    if desired < min {
        return Err(format!("desired ({desired}) is below min ({min})"));
    }
    if desired > max {
        return Err(format!("desired ({desired}) is above max ({max})"));
    }
    Ok(())
}

impl AutoScalingPane {
    fn resolved(&self, g: &AutoScalingGroup) -> Option<i64> {
        let t = g.template.as_ref()?;
        let tpl = self
            .templates
            .get(&t.id)
            .or_else(|| self.templates.values().find(|x| x.name == t.name))?;
        match t.version.as_str() {
            "$Latest" | "" => Some(tpl.latest_version),
            "$Default" => Some(tpl.default_version),
            n => n.parse().ok(),
        }
    }

    fn row(&self, g: AutoScalingGroup) -> GroupRow {
        let resolved = self.resolved(&g);
        let old = g
            .members
            .iter()
            .filter(|m| !m.leaving() && is_old(&g, m, resolved))
            .map(|m| m.instance_id.clone())
            .collect();
        let prev = self.list.get(&g.name);
        let progress = self
            .rollouts
            .get(&g.name)
            .map(Rollout::progress)
            .unwrap_or_default();
        GroupRow {
            refresh: prev.and_then(|p| p.refresh.clone()),
            g,
            old,
            progress,
        }
    }

    fn rebuild_rows(&mut self) {
        let rows: Vec<GroupRow> = self
            .list
            .ids()
            .filter_map(|id| self.list.get(id))
            .map(|r| self.row(r.g.clone()))
            .collect();
        for r in rows {
            self.list.upsert(r);
        }
    }

    /// Who uses which template and launch configuration, for the panes that delete them.
    fn tell_usage(&self, cx: &mut Cx) {
        let mut by_template: HashMap<String, Vec<String>> = HashMap::new();
        let mut by_config: HashMap<String, Vec<String>> = HashMap::new();
        for id in self.list.ids() {
            let Some(r) = self.list.get(id) else { continue };
            if let Some(t) = &r.g.template {
                by_template
                    .entry(t.id.clone())
                    .or_default()
                    .push(r.g.name.clone());
            }
            if !r.g.launch_configuration.is_empty() {
                by_config
                    .entry(r.g.launch_configuration.clone())
                    .or_default()
                    .push(r.g.name.clone());
            }
        }
        cx.tell(Fact::TemplatesInUse(by_template));
        cx.tell(Fact::ConfigsInUse(by_config));
    }

    fn selected(&mut self, cx: &mut Cx) -> Option<GroupRow> {
        self.list.refresh_view();
        let r = self.list.selected().cloned();
        if r.is_none() {
            cx.error("no Auto Scaling group selected");
        }
        r
    }

    fn fetch_templates(&mut self, cx: &mut Cx) -> Effect {
        let job = Job::once("DescribeLaunchTemplates", |api| {
            Box::pin(async move {
                let mut all = Vec::new();
                let mut token = None;
                loop {
                    match api.list_launch_templates(token.take()).await {
                        Ok(p) => {
                            all.extend(p.items);
                            match p.next_token {
                                Some(t) => token = Some(t),
                                None => break Got::Templates(Ok(all)),
                            }
                        }
                        Err(e) => break Got::Templates(Err(e)),
                    }
                }
            })
        });
        cx.fetch(ID, job).1
    }

    fn fetch_extra(&mut self, group: &str, cx: &mut Cx) -> Vec<Effect> {
        let name = group.to_string();
        let job = Job::once(
            format!("DescribeScalingActivities, DescribeInstanceRefreshes {group}"),
            move |api| {
                Box::pin(async move {
                    let (a, r) =
                        futures::join!(api.activities(name.clone()), api.refreshes(name.clone()));
                    Got::Extra(name, a, r)
                })
            },
        );
        let (req, fx) = cx.fetch(ID, job);
        let e = self.extra.entry(group.to_string()).or_default();
        e.req = req;
        e.activities.get_or_insert(Fetch::Loading);
        e.refreshes.get_or_insert(Fetch::Loading);
        vec![fx]
    }

    fn follow(&mut self, group: &str) {
        self.watch.add(group, ());
    }

    fn propose_capacity(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(r) = self.selected(cx) else {
            return vec![];
        };
        let g = &r.g;
        let mut form = Form::new(
            format!("Capacity of {}", g.name),
            vec![
                Field::text(F_MIN, &g.min.to_string()),
                Field::text(F_DESIRED, &g.desired.to_string()),
                Field::text(F_MAX, &g.max.to_string()),
            ],
        );
        form.intro.push(format!(
            "Now min {}, desired {}, max {}; {} in service. Min ≤ desired ≤ max.",
            g.min,
            g.desired,
            g.max,
            r.in_service()
        ));
        cx.open_form(
            ID,
            form,
            FormTag::new(AsgForm::Capacity {
                group: g.name.clone(),
            }),
        );
        vec![]
    }

    /// `v`: the templates are read afresh (one may have just been made), then the form.
    fn propose_template(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(r) = self.selected(cx) else {
            return vec![];
        };
        self.waiting = Some((r.g.name.clone(), Want::Template));
        cx.info("reading the launch templates…");
        vec![self.fetch_templates(cx)]
    }

    fn open_template(&mut self, group: &str, cx: &mut Cx) -> Vec<Effect> {
        let Some(r) = self.list.get(group).cloned() else {
            return vec![];
        };
        let mut tpls: Vec<&LaunchTemplate> = self.templates.values().collect();
        tpls.sort_by(|a, b| a.name.cmp(&b.name));
        if tpls.is_empty() {
            cx.error("no launch templates listed (yet): press Ctrl-r, or make one in :templates");
            return vec![];
        }
        let current = r.g.template.as_ref();
        let opts: Vec<Opt> = tpls
            .iter()
            .map(|t| {
                Opt::new(
                    &t.id,
                    format!(
                        "{}  ({}; default {}, latest {})",
                        t.name, t.id, t.default_version, t.latest_version
                    ),
                )
            })
            .collect();
        let sel = current
            .and_then(|c| tpls.iter().position(|t| t.id == c.id))
            .unwrap_or(0);
        let mut form = Form::new(
            format!("Launch template of {}", r.g.name),
            vec![
                Field::choice(F_TEMPLATE, opts, Some(sel)),
                Field::text(
                    F_VERSION,
                    current.map(|c| c.version.as_str()).unwrap_or("$Default"),
                )
                .with_help("$Latest, $Default, or a version number"),
            ],
        );
        form.intro.push(format!(
            "Now: {}. Members keep running what they were launched with; {}",
            r.launches_from(),
            "new ones (and replacements) get the new choice."
        ));
        cx.open_form(
            ID,
            form,
            FormTag::new(AsgForm::Template {
                group: r.g.name.clone(),
            }),
        );
        vec![]
    }

    fn propose_refresh(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(r) = self.selected(cx) else {
            return vec![];
        };
        let mut form = Form::new(
            format!("Instance refresh of {}", r.g.name),
            vec![Field::text(F_MIN_HEALTHY, "90")],
        );
        form.intro.push(format!(
            "AWS replaces the {} members a few at a time, keeping at least this share in service and healthy.",
            r.g.members.len()
        ));
        cx.open_form(
            ID,
            form,
            FormTag::new(AsgForm::Refresh {
                group: r.g.name.clone(),
            }),
        );
        vec![]
    }

    /// `X`: the group's refreshes are read afresh, then the confirmation shows the running
    /// one's status and percentage.
    fn propose_cancel(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(r) = self.selected(cx) else {
            return vec![];
        };
        self.waiting = Some((r.g.name.clone(), Want::Cancel));
        cx.info(format!("reading the instance refreshes of {}…", r.g.name));
        self.fetch_extra(&r.g.name, cx)
    }

    fn open_cancel(&mut self, group: &str, cx: &mut Cx) -> Vec<Effect> {
        let running = self.list.get(group).and_then(|r| r.refresh.clone());
        match running.filter(|r| r.running()) {
            Some(_) => {
                let mut c = Confirm::new(
                    ID,
                    "Cancel instance refresh",
                    vec![Op::new(CancelRefresh {
                        group: group.to_string(),
                    })],
                );
                c.progress = format!("cancelling the instance refresh of {group}…");
                cx.dialog = Some(Dialog::Confirm(c));
            }
            None => cx.error(format!(
                "no instance refresh is running in {group} (R starts one)"
            )),
        }
        vec![]
    }

    fn propose_delete(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(r) = self.selected(cx) else {
            return vec![];
        };
        let members: Vec<String> =
            r.g.members
                .iter()
                .filter(|m| m.lifecycle != "Terminated")
                .map(|m| m.instance_id.clone())
                .collect();
        let mut fields = vec![];
        if !members.is_empty() {
            fields.push(
                Field::toggle(force_label(members.len()), false)
                    .with_help("ForceDelete: the instances listed above are terminated"),
            );
        }
        fields.push(Field::text(F_CONFIRM, ""));
        let mut form = Form::new(format!("Delete group {}", r.g.name), fields);
        form.danger = true;
        form.intro.push(format!(
            "Delete Auto Scaling group {} ({}; min {}, desired {}, max {}).",
            r.g.name,
            r.launches_from(),
            r.g.min,
            r.g.desired,
            r.g.max
        ));
        if members.is_empty() {
            form.intro.push("It has no instances.".into());
        } else {
            form.intro.push(format!(
                "It has {} instance{}; it is refused unless they are terminated too:",
                members.len(),
                if members.len() == 1 { "" } else { "s" }
            ));
            for m in r.g.members.iter().take(12) {
                let name = self.names.get(&m.instance_id).cloned().unwrap_or_default();
                form.intro.push(format!(
                    "  {}  {}  {}",
                    Target::new(m.instance_id.clone(), name).label(),
                    m.az,
                    m.lifecycle
                ));
            }
            if members.len() > 12 {
                form.intro
                    .push(format!("  and {} more", members.len() - 12));
            }
        }
        cx.open_form(
            ID,
            form,
            FormTag::new(AsgForm::Delete {
                group: r.g.name.clone(),
                members,
            }),
        );
        vec![]
    }

    fn submit(&mut self, tag: &AsgForm, cx: &mut Cx) -> Vec<Effect> {
        let Some(form) = cx.form().cloned() else {
            return vec![];
        };
        let op = match tag {
            AsgForm::Capacity { group } => {
                let parsed = (|| {
                    Ok::<_, String>((
                        parse_capacity(&form.field(F_MIN).get(), "min")?,
                        parse_capacity(&form.field(F_DESIRED).get(), "desired")?,
                        parse_capacity(&form.field(F_MAX).get(), "max")?,
                    ))
                })();
                let (min, desired, max) = match parsed {
                    Ok(x) => x,
                    Err(e) => return cx.form_error(format!("{e} (nothing was sent)")),
                };
                if let Err(e) = check_capacity(min, desired, max) {
                    return cx.form_error(format!("{e}: min ≤ desired ≤ max (nothing was sent)"));
                }
                Op::new(SetCapacity {
                    group: group.clone(),
                    min,
                    desired,
                    max,
                })
            }
            AsgForm::Template { group } => {
                let id = form.field(F_TEMPLATE).get();
                let Some(t) = self.templates.get(&id) else {
                    return cx.form_error("choose a launch template");
                };
                let version = form.field(F_VERSION).get().trim().to_string();
                let ok = match version.as_str() {
                    "$Latest" | "$Default" => true,
                    n => n
                        .parse::<i64>()
                        .is_ok_and(|n| n >= 1 && n <= t.latest_version),
                };
                if !ok {
                    return cx.form_error(format!(
                        "the version is $Latest, $Default, or a number from 1 to {} (nothing was sent)",
                        t.latest_version
                    ));
                }
                Op::new(SetGroupTemplate {
                    group: group.clone(),
                    template_id: t.id.clone(),
                    template_name: t.name.clone(),
                    version,
                })
            }
            AsgForm::Refresh { group } => {
                let Some(p) = form
                    .field(F_MIN_HEALTHY)
                    .get()
                    .trim()
                    .parse::<i32>()
                    .ok()
                    .filter(|p| (0..=100).contains(p))
                else {
                    return cx.form_error("the minimum healthy percentage is 0 to 100");
                };
                Op::new(StartRefresh {
                    group: group.clone(),
                    min_healthy: p,
                })
            }
            AsgForm::Delete { group, members } => {
                let force = form
                    .fields
                    .iter()
                    .find(|f| f.label.starts_with(F_FORCE))
                    .is_some_and(Field::on);
                if !members.is_empty() && !force {
                    return cx.form_error(format!(
                        "{group} has {} instance{}: tick \"{}\" to delete it with them (nothing was sent)",
                        members.len(),
                        if members.len() == 1 { "" } else { "s" },
                        force_label(members.len())
                    ));
                }
                if form.field(F_CONFIRM).get() != "delete" {
                    return cx.form_error(
                        "type delete and press Ctrl-s or Enter to confirm; Esc cancels",
                    );
                }
                Op::new(DeleteGroup {
                    group: group.clone(),
                    force,
                    instances: members.clone(),
                })
            }
            AsgForm::Rollout(rf) => return self.submit_rollout(rf, &form, cx),
        };
        if op.is_destructive() {
            cx.dialog = None;
            cx.info(format!("{}…", op.describe()));
        } else if let Some(form) = cx.form_mut() {
            form.error = None;
            form.info = Some(format!("{}…", op.describe()));
        }
        cx.call(ID, vec![op])
    }

    fn propose_terminate_in_group(
        &mut self,
        members: Vec<(Target, String)>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        // the groups' minimum, where known, is checked before any call
        let mut per_group: BTreeMap<String, i32> = BTreeMap::new();
        for (_, g) in &members {
            *per_group.entry(g.clone()).or_default() += 1;
        }
        for (g, n) in &per_group {
            if let Some(r) = self.list.get(g)
                && r.g.desired - n < r.g.min
            {
                cx.error(format!(
                    "{g}: desired {} less {n} would be below its min {}: lower its min first (e in :asg); nothing was sent",
                    r.g.desired, r.g.min
                ));
                return vec![];
            }
        }
        let ops: Vec<Op> = members
            .into_iter()
            .map(|(t, g)| {
                Op::new(TerminateInGroup {
                    instance: t,
                    group: g,
                    decrement: true,
                })
            })
            .collect();
        let n = ops.len();
        let mut c = Confirm::new(ID, "Terminate in group", ops);
        c.typed = Some("terminate");
        c.progress = format!(
            "terminating {n} member{} in their groups…",
            if n == 1 { "" } else { "s" }
        );
        cx.dialog = Some(Dialog::Confirm(c));
        vec![]
    }

    // ---- the rollout ----

    fn propose_rollout(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(r) = self.selected(cx) else {
            return vec![];
        };
        if self.rollouts.get(&r.g.name).is_some_and(Rollout::is_active) {
            cx.error(format!(
                "a rollout of {} is running: Enter shows it, Esc there stops it after the current member",
                r.g.name
            ));
            return vec![];
        }
        let Some(t) = r.g.template.clone() else {
            cx.error(format!(
                "{} launches from launch configuration {}: switch it to a launch template first (v, or m in :launchconfigs)",
                r.g.name, r.g.launch_configuration
            ));
            return vec![];
        };
        self.waiting = Some((r.g.name.clone(), Want::Rollout));
        cx.info(format!(
            "reading the user data of {} {}…",
            t.name, t.version
        ));
        let (id, group) = (t.id.clone(), r.g.name.clone());
        let job = Job::once(format!("DescribeLaunchTemplateVersions {id}"), move |api| {
            Box::pin(async move { Got::Versions(group, api.template_versions(id).await) })
        });
        vec![cx.fetch(ID, job).1]
    }

    fn open_rollout(&mut self, group: &str, vs: Vec<TemplateVersion>, cx: &mut Cx) {
        let Some(r) = self.list.get(group).cloned() else {
            return;
        };
        let Some(t) = r.g.template.clone() else {
            return;
        };
        let latest = vs.iter().map(|v| v.number).max().unwrap_or(0);
        let number = match t.version.as_str() {
            "$Latest" | "" => Some(latest),
            "$Default" => vs.iter().find(|v| v.is_default).map(|v| v.number),
            n => n.parse().ok(),
        };
        let Some(v) = number.and_then(|n| vs.iter().find(|v| v.number == n)) else {
            cx.error(format!(
                "version {} of {} is not there (deleted?): switch the group with v",
                t.version, t.name
            ));
            return;
        };
        // an interrupted rollout, or members on another version: offer to continue
        let mut old: Vec<String> = self
            .rollouts
            .get(group)
            .filter(|ro| !ro.is_active())
            .map(Rollout::remaining)
            .unwrap_or_default();
        old.retain(|id| {
            r.g.members
                .iter()
                .any(|m| &m.instance_id == id && !m.leaving())
        });
        for id in &r.old {
            if !old.contains(id) {
                old.push(id.clone());
            }
        }
        let mut fields = Vec::new();
        if !old.is_empty() {
            fields.push(
                Field::choice(
                    F_START,
                    vec![
                        Opt::new(
                            CONTINUE,
                            format!(
                                "continue: replace the {} old member{} (no new version)",
                                old.len(),
                                if old.len() == 1 { "" } else { "s" }
                            ),
                        ),
                        Opt::new(NEW_DATA, "new user data: a new version, then every member"),
                    ],
                    Some(0),
                )
                .with_help(format!("old: {}", old.join(", "))),
            );
        }
        fields.push(Field::area(
            F_USER_DATA,
            v.data.user_data.as_deref().unwrap_or(""),
        ));
        fields.push(Field::text(F_DESCRIPTION, "user data for the group"));
        fields.push(Field::choice(
            F_HOW,
            vec![
                Opt::new("one", "one at a time (never more than one out of service)"),
                Opt::new("refresh", "instance refresh (AWS replaces them)"),
                Opt::new("none", "don't replace (only new instances get it)"),
            ],
            Some(0),
        ));
        fields.push(Field::text(F_MIN_HEALTHY, "90").with_help("instance refresh only"));
        let mut form = Form::new(format!("New user data for {}", r.g.name), fields);
        let which = if t.version == v.number.to_string() {
            t.version.clone()
        } else {
            format!("{} (= {})", t.version, v.number)
        };
        form.intro.push(format!(
            "{} launches from {} version {which}. Ctrl-s: a new version of {} with this user data, the group switched to it, then the members replaced as chosen.",
            r.g.name, t.name, t.name
        ));
        form.intro.push(format!(
            "{} members, desired {}: one at a time never takes more than one out of service.",
            r.g.members.iter().filter(|m| !m.leaving()).count(),
            r.g.desired
        ));
        cx.open_form(
            ID,
            form,
            FormTag::new(AsgForm::Rollout(Box::new(RolloutForm {
                group: group.to_string(),
                template_id: t.id.clone(),
                template_name: t.name.clone(),
                source: v.number,
                old,
                user_data: v.data.user_data.clone().unwrap_or_default(),
            }))),
        );
    }

    fn submit_rollout(&mut self, rf: &RolloutForm, form: &Form, cx: &mut Cx) -> Vec<Effect> {
        let Some(row) = self.list.get(&rf.group).cloned() else {
            return cx.form_error("the group is gone: press Esc and Ctrl-r");
        };
        let how = match form.field(F_HOW).get().as_str() {
            "refresh" => {
                let Some(p) = form
                    .field(F_MIN_HEALTHY)
                    .get()
                    .trim()
                    .parse::<i32>()
                    .ok()
                    .filter(|p| (0..=100).contains(p))
                else {
                    return cx.form_error("the minimum healthy percentage is 0 to 100");
                };
                How::Refresh(p)
            }
            "none" => How::DontReplace,
            _ => How::OneAtATime,
        };
        let continuing = form.index_of(F_START).is_some() && form.field(F_START).get() == CONTINUE;
        if continuing && form.field(F_USER_DATA).get() != rf.user_data {
            return cx.form_error(
                "the user data was edited, but Start is \"continue\" (no new version): choose new user data in Start, or undo the edit",
            );
        }
        cx.dialog = None;
        if continuing {
            if how == How::DontReplace {
                cx.info("nothing to do: the members stay as they are");
                return vec![];
            }
            let ro = Rollout::resume(&rf.group, how, rf.old.clone());
            return self.confirm_rollout(ro, cx);
        }
        let user_data = form.field(F_USER_DATA).get();
        self.rollout_specs.insert(
            rf.group.clone(),
            CreateTemplateVersion {
                template_id: rf.template_id.clone(),
                template_name: rf.template_name.clone(),
                source: Some(rf.source),
                spec: TemplateSpec {
                    description: form.field(F_DESCRIPTION).get().trim().to_string(),
                    data: TemplateData {
                        user_data: Some(user_data),
                        ..Default::default()
                    },
                },
                make_default: false,
            },
        );
        let ro = Rollout::new(&row.g, how);
        self.confirm_rollout(ro, cx)
    }

    /// One confirmation for the whole rollout, naming every member it will replace; once
    /// given, the steps follow without asking again. Replacing members is destructive: the
    /// word `replace` is typed.
    fn confirm_rollout(&mut self, ro: Rollout, cx: &mut Cx) -> Vec<Effect> {
        let replaces = ro.how != How::DontReplace && !ro.originals.is_empty();
        let mut c = Confirm::new(ID, format!("Roll out to {}", ro.group), vec![]);
        c.typed = if replaces {
            Some("replace")
        } else if cx.ctx.typed {
            Some(crate::app::TYPED_WORD)
        } else {
            None
        };
        c.danger = replaces;
        c.then = Some(std::sync::Arc::new(StartRollout(ro)));
        cx.dialog = Some(Dialog::Confirm(c));
        vec![]
    }

    /// What the rollout's confirmation says: every step, every member it replaces.
    fn rollout_body(&self, ro: &Rollout) -> ConfirmView {
        let group = self.list.get(&ro.group);
        let spec = self.rollout_specs.get(&ro.group);
        let mut steps = Vec::new();
        if ro.phase == Phase::CreatingVersion
            && let Some(s) = spec
        {
            steps.push(format!(
                "a new version of {} ({}) with the new user data{}, the group switched to it",
                s.template_name,
                s.template_id,
                s.source
                    .map(|v| format!(" (from version {v})"))
                    .unwrap_or_default()
            ));
        }
        let n = ro.originals.len();
        let members = format!("{n} member{}", if n == 1 { "" } else { "s" });
        let then = if steps.is_empty() {
            "its old"
        } else {
            "then its"
        };
        steps.push(match ro.how {
            How::OneAtATime => format!("{then} {members} replaced one at a time"),
            How::Refresh(p) => {
                format!("{then} {members} replaced by an instance refresh (at least {p}% healthy)")
            }
            How::DontReplace => "the members are not replaced".to_string(),
        });
        let summary = vec![vec![(
            format!("Roll out to {}: {}:", ro.group, steps.join("; ")),
            Tone::Normal,
        )]];
        let items: Vec<Line> = if ro.how == How::DontReplace {
            Vec::new()
        } else {
            ro.originals
                .iter()
                .map(|id| {
                    let name = self.names.get(id).map(String::as_str).unwrap_or("");
                    let state = group
                        .and_then(|r| r.g.members.iter().find(|m| &m.instance_id == id))
                        .map(|m| format!("  [{} {}] {}", m.lifecycle, m.health, m.az))
                        .unwrap_or_default();
                    let label = if name.is_empty() {
                        id.clone()
                    } else {
                        format!("{name} ({id})")
                    };
                    vec![(format!("  {label}{state}"), Tone::Normal)]
                })
                .collect()
        };
        let tail = match ro.how {
            How::OneAtATime => vec![vec![(
                "Each is terminated (TerminateInstanceInAutoScalingGroup, desired capacity kept) only while every member is in service and healthy, and the group launches its replacement: at most one is out at a time. Instance-store data and volumes deleted on termination go with it."
                    .into(),
                Tone::Bad,
            )]],
            How::Refresh(_) => vec![vec![(
                "AWS terminates and replaces them (StartInstanceRefresh); instance-store data and volumes deleted on termination go with them."
                    .into(),
                Tone::Bad,
            )]],
            How::DontReplace => vec![vec![(
                "Running members keep their user data until they are replaced.".into(),
                Tone::Muted,
            )]],
        };
        ConfirmView {
            summary,
            items,
            tail,
        }
    }

    fn begin_rollout(&mut self, ro: Rollout, cx: &mut Cx) -> Vec<Effect> {
        let group = ro.group.clone();
        let first = ro.start();
        self.rollouts.insert(group.clone(), ro);
        self.follow(&group);
        let mut fx = self.perform(&group, first.clone(), cx);
        if first == Do::Wait {
            // replacing right away: on a fresh description of the group, never an old one
            fx.extend(self.poll(cx));
        }
        self.show_progress(&group);
        fx
    }

    /// Describes the groups followed (a watch round), unless one is in flight.
    fn poll(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let req = cx.req();
        let Some(items) = self.watch.due(req) else {
            return vec![];
        };
        let names: Vec<String> = items.into_iter().map(|(n, ())| n).collect();
        let job = Job::once(
            format!("DescribeAutoScalingGroups {}", names.join(",")),
            move |api| {
                Box::pin(async move {
                    let groups = api.describe_groups(names.clone()).await;
                    let mut refreshes = Vec::new();
                    for n in names {
                        let r = api.refreshes(n.clone()).await;
                        refreshes.push((n, r));
                    }
                    Got::Watched(groups, refreshes)
                })
            },
        );
        vec![Effect::Fetch { pane: ID, req, job }]
    }

    /// Sends the call the rollout asks for.
    fn perform(&mut self, group: &str, step: Do, cx: &mut Cx) -> Vec<Effect> {
        let op = match step {
            Do::CreateVersion => match self.rollout_specs.get(group) {
                Some(spec) => Op::new(spec.clone()),
                None => return vec![],
            },
            Do::PointGroup(n) => {
                let Some(t) = self.list.get(group).and_then(|r| r.g.template.clone()) else {
                    return vec![];
                };
                Op::new(SetGroupTemplate {
                    group: group.to_string(),
                    template_id: t.id,
                    template_name: t.name,
                    version: n.to_string(),
                })
            }
            Do::StartRefresh(p) => Op::new(StartRefresh {
                group: group.to_string(),
                min_healthy: p,
            }),
            Do::Terminate(id) => {
                let name = self.names.get(&id).cloned().unwrap_or_default();
                Op::new(TerminateInGroup {
                    instance: Target::new(id, name),
                    group: group.to_string(),
                    decrement: false,
                })
            }
            Do::Wait => return vec![],
            Do::Over => {
                self.report_end(group, cx);
                return vec![];
            }
        };
        cx.info(format!("rollout of {group}: {}…", op.describe()));
        let fx = cx.call(ID, vec![op]);
        if fx.is_empty()
            && let Some(ro) = self.rollouts.get_mut(group)
        {
            // refused before sending (read-only)
            ro.failed("nothing was sent");
        }
        fx
    }

    fn report_end(&mut self, group: &str, cx: &mut Cx) {
        let Some(ro) = self.rollouts.get(group) else {
            return;
        };
        match &ro.phase {
            Phase::Finished => cx.ok(format!("{group}: {}", ro.progress())),
            Phase::Stopped => cx.ok(format!(
                "{group}: {}; u continues with the {} left",
                ro.progress(),
                ro.remaining().len()
            )),
            Phase::Failed(why) => cx.error(format!("{group}: {} — {why}", ro.progress())),
            _ => {}
        }
    }

    fn show_progress(&mut self, group: &str) {
        let p = self
            .rollouts
            .get(group)
            .map(Rollout::progress)
            .unwrap_or_default();
        self.list.update(group, |r| r.progress = p);
    }

    /// The group whose rollout made this call, if a rollout made it.
    fn rollout_for(&self, op: &Op) -> Option<String> {
        if let Some(c) = op.get::<CreateTemplateVersion>() {
            return self
                .rollouts
                .iter()
                .find(|(g, r)| {
                    r.phase == Phase::CreatingVersion
                        && self
                            .rollout_specs
                            .get(*g)
                            .is_some_and(|s| s.template_id == c.template_id)
                })
                .map(|(g, _)| g.clone());
        }
        let group = group_of(op)?;
        let ro = self.rollouts.get(&group)?;
        let ours = if op.get::<SetGroupTemplate>().is_some() {
            ro.phase == Phase::PointingGroup
        } else if op.get::<StartRefresh>().is_some() {
            ro.phase == Phase::StartingRefresh
        } else if let Some(t) = op.get::<TerminateInGroup>() {
            ro.phase
                == Phase::Replacing {
                    current: Some(t.instance.id.clone()),
                }
        } else {
            false
        };
        ours.then_some(group)
    }

    /// A call of a rollout answered: the next step.
    fn rollout_done(
        &mut self,
        group: String,
        op: &Op,
        result: &ApiResult<Outcome>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        let now = cx.now;
        let Some(ro) = self.rollouts.get_mut(&group) else {
            return vec![];
        };
        let step = match result {
            Err(e) => ro.failed(e.failed(&op.describe())),
            Ok(out) => {
                if op.get::<CreateTemplateVersion>().is_some() {
                    match out {
                        Outcome::Created(n) => match n.parse::<i64>() {
                            Ok(n) => ro.version_created(n),
                            Err(_) => ro.failed("the new version's number was not answered"),
                        },
                        _ => ro.failed("the new version's number was not answered"),
                    }
                } else if op.get::<SetGroupTemplate>().is_some() {
                    ro.group_pointed()
                } else if op.get::<StartRefresh>().is_some() {
                    ro.refresh_started()
                } else if let Some(t) = op.get::<TerminateInGroup>() {
                    ro.terminated(&t.instance.id, now)
                } else {
                    Do::Wait
                }
            }
        };
        let fx = self.perform(&group, step, cx);
        self.show_progress(&group);
        self.follow(&group);
        fx
    }

    /// The group was described again: a one-at-a-time rollout takes its next step.
    fn rollout_observe(&mut self, g: &AutoScalingGroup, cx: &mut Cx) -> Vec<Effect> {
        let now = cx.now;
        let Some(ro) = self.rollouts.get_mut(&g.name) else {
            return vec![];
        };
        if !ro.is_active() {
            return vec![];
        }
        let step = ro.observe(g, now);
        let fx = self.perform(&g.name.clone(), step, cx);
        self.show_progress(&g.name);
        fx
    }

    fn details_view(&self, id: &str, s: &Shared) -> Option<(DetailsView, usize)> {
        let r = self.list.get(id)?;
        let g = &r.g;
        let resolved = self.resolved(g);
        let mut d = DetailsView::build(format!("Auto Scaling group {}", g.name), 16);
        d.kv("Name", g.name.clone());
        match &g.template {
            Some(t) => {
                let v = match (t.version.parse::<i64>().ok(), resolved) {
                    (None, Some(n)) => format!("{} (= {n})", t.version),
                    _ => t.version.clone(),
                };
                d.kv(
                    "Launch template",
                    format!("{} ({}) version {v}", t.name, t.id),
                );
            }
            None => {
                d.kv("Launch config", g.launch_configuration.clone());
            }
        }
        d.kv(
            "Capacity",
            format!("min {}, desired {}, max {}", g.min, g.desired, g.max),
        )
        .kv(
            "In service",
            format!(
                "{} of {}",
                r.in_service(),
                g.members.iter().filter(|m| !m.leaving()).count()
            ),
        )
        .kv("Zones", g.azs.join(", "))
        .kv("Health check", g.health_check_type.clone())
        .kv(
            "Created",
            g.created
                .map(|c| format!("{} ({} ago)", fmt_time(c), age(Some(c), s.now)))
                .unwrap_or_default(),
        );
        if !g.status.is_empty() {
            d.kv_tone("Status", g.status.clone(), Tone::Warn);
        }
        if let Some(ro) = self.rollouts.get(id) {
            let tone = match ro.phase {
                Phase::Failed(_) => Tone::Bad,
                _ => Tone::Accent,
            };
            d.kv_tone("Rollout", ro.progress(), tone);
            if let Phase::Failed(why) = &ro.phase {
                d.kv_tone("", why.clone(), Tone::Bad);
            }
            if ro.is_active() {
                d.line(
                    if ro.stop_requested {
                        "  stopping after the current member"
                    } else {
                        "  Esc stops it after the current member (q closes this view)"
                    },
                    Tone::Muted,
                );
            }
        }
        d.blank();
        d.heading(format!(
            "Members ({}), {} old — j/k choose, Enter goes to the instance",
            g.members.len(),
            r.old.len()
        ));
        let start = d.len();
        let mut members: Vec<&GroupMember> = g.members.iter().collect();
        members.sort_by(|a, b| a.instance_id.cmp(&b.instance_id));
        for (i, m) in members.iter().enumerate() {
            let cursor = if i == self.member_cursor {
                "▶ "
            } else {
                "  "
            };
            let name = self.names.get(&m.instance_id).cloned().unwrap_or_default();
            let old = !m.leaving() && is_old(g, m, resolved);
            let version = if !m.template_version.is_empty() {
                format!("v{}", m.template_version)
            } else if !m.launch_configuration.is_empty() {
                m.launch_configuration.clone()
            } else {
                "-".into()
            };
            let tone = if !m.healthy() {
                Tone::Bad
            } else if !m.in_service() {
                Tone::Warn
            } else {
                Tone::Normal
            };
            d.spans(vec![
                (
                    format!(
                        "{cursor}{:<20} {:<22} {:<12} {:<12} {:<9} {version}",
                        m.instance_id,
                        short(&name, 22),
                        m.az,
                        m.lifecycle,
                        m.health
                    ),
                    tone,
                ),
                (if old { "  old".into() } else { String::new() }, Tone::Warn),
            ]);
        }
        d.blank();
        let extra = self.extra.get(id);
        match extra.and_then(|e| e.refreshes.as_ref()) {
            Some(Fetch::Ready(rs)) if !rs.is_empty() => {
                let x = &rs[0];
                d.heading("Instance refresh");
                d.kv(
                    "  Status",
                    format!(
                        "{} {}% ({} to update, min healthy {}%)",
                        x.status, x.percentage, x.to_update, x.min_healthy
                    ),
                )
                .kv("  Started", x.start.map(fmt_time).unwrap_or_default());
                if !x.reason.is_empty() {
                    d.kv("  Reason", x.reason.clone());
                }
                d.blank();
            }
            Some(Fetch::Failed(e)) => {
                d.line(
                    format!("Instance refreshes: cannot read ({e})"),
                    Tone::Muted,
                );
                d.blank();
            }
            _ => {}
        }
        d.heading("Recent scaling activities");
        match extra.and_then(|e| e.activities.as_ref()) {
            None | Some(Fetch::Loading) => {
                d.line("  reading…", Tone::Muted);
            }
            Some(Fetch::Failed(e)) => {
                d.line(format!("  cannot read: {e}"), Tone::Bad);
            }
            Some(Fetch::Ready(acts)) if acts.is_empty() => {
                d.line("  none recorded", Tone::Muted);
            }
            Some(Fetch::Ready(acts)) => {
                for a in acts.iter().take(10) {
                    let tone = match a.status.as_str() {
                        "Successful" => Tone::Good,
                        "Failed" | "Cancelled" => Tone::Bad,
                        _ => Tone::Accent,
                    };
                    d.spans(vec![
                        (format!("  {:<11}", a.status), tone),
                        (
                            format!(
                                " {} → {}  {}",
                                a.start.map(fmt_time).unwrap_or_default(),
                                match (a.start, a.end) {
                                    (Some(s), Some(e))
                                        if fmt_time(s)[..10] == fmt_time(e)[..10] =>
                                    {
                                        fmt_time(e)[11..16].to_string()
                                    }
                                    (_, Some(e)) => fmt_time(e),
                                    (_, None) => "…".into(),
                                },
                                a.description
                            ),
                            Tone::Normal,
                        ),
                    ]);
                    let width = (s.size.0 as usize).saturating_sub(24).max(40);
                    for l in wrap(&a.cause, width) {
                        d.line(format!("      {l}"), Tone::Muted);
                    }
                }
            }
        }
        Some((d.done(), start))
    }

    /// Members of the group in the details' order.
    fn members_sorted(&self, id: &str) -> Vec<String> {
        let mut v: Vec<String> = self
            .list
            .get(id)
            .map(|r| r.g.members.iter().map(|m| m.instance_id.clone()).collect())
            .unwrap_or_default();
        v.sort();
        v
    }

    /// Applies groups described again (a watch round, or a listing page).
    fn apply_groups(&mut self, groups: Vec<AutoScalingGroup>, cx: &mut Cx) -> Vec<Effect> {
        let mut fx = Vec::new();
        let mut reload = Vec::new();
        for g in groups {
            let before: Vec<String> = self
                .list
                .get(&g.name)
                .map(|r| r.g.members.iter().map(|m| m.instance_id.clone()).collect())
                .unwrap_or_default();
            for m in &g.members {
                if !before.contains(&m.instance_id) {
                    reload.push(m.instance_id.clone());
                }
            }
            for id in before {
                if !g.members.iter().any(|m| m.instance_id == id) {
                    reload.push(id);
                }
            }
            fx.extend(self.rollout_observe(&g, cx));
            let row = self.row(g);
            if row.moving()
                || self
                    .rollouts
                    .get(&row.g.name)
                    .is_some_and(Rollout::is_active)
            {
                self.follow(&row.g.name);
            }
            self.list.upsert(row);
        }
        if !reload.is_empty() {
            // the instances pane learns of the members that came and went
            cx.tell(Fact::InstancesChanged(reload));
        }
        fx
    }
}

impl Pane for AutoScalingPane {
    fn in_flight(&self) -> Vec<crate::app::InFlight> {
        self.rollouts
            .values()
            .filter(|r| r.is_active())
            .map(|r| {
                let left = r.remaining().len();
                let old = match r.how {
                    How::Refresh(_) => "the instance refresh perhaps not started; the members keep the old user data — R starts one".to_string(),
                    How::DontReplace => "the group perhaps not yet on the new version".to_string(),
                    How::OneAtATime => format!(
                        "{left} member{} not yet replaced{} — u continues",
                        if left == 1 { "" } else { "s" },
                        match &r.phase {
                            Phase::Replacing { current: Some(id) } =>
                                format!(" ({id} being terminated, the group replaces it)"),
                            Phase::CreatingVersion | Phase::PointingGroup =>
                                ", the group perhaps not yet on the new version".to_string(),
                            _ => String::new(),
                        }
                    ),
                };
                crate::app::InFlight {
                    targets: vec![r.group.clone()],
                    left: format!("rollout of {}: {}; {old}", r.group, r.progress()),
                }
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
        "Auto Scaling groups".into()
    }
    fn noun(&self) -> &'static str {
        "Auto Scaling groups"
    }
    fn empty(&self, s: &Shared) -> String {
        format!("No Auto Scaling groups in {}.", s.ctx.region)
    }
    fn watching(&self) -> usize {
        self.watch.len()
    }

    fn refresh(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let job = Job::pages(
            "DescribeAutoScalingGroups",
            |api, token| Box::pin(async move { api.list_groups(token).await }),
            Got::Page,
        );
        let mut fx = cx.list(ID, &mut self.list, job);
        if !fx.is_empty() {
            fx.push(self.fetch_templates(cx));
        }
        fx
    }

    fn on_action(&mut self, name: &'static str, cx: &mut Cx) -> Vec<Effect> {
        match name {
            "edit_capacity" => self.propose_capacity(cx),
            "switch_template" => self.propose_template(cx),
            "rollout" => self.propose_rollout(cx),
            "start_refresh" => self.propose_refresh(cx),
            "cancel_refresh" => self.propose_cancel(cx),
            "delete_group" => self.propose_delete(cx),
            _ => vec![],
        }
    }

    fn on_details(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.list.refresh_view();
        let Some(id) = self.list.selected_id().map(str::to_string) else {
            cx.error("no Auto Scaling group selected");
            return vec![];
        };
        cx.dialog = Some(Dialog::Details {
            pane: ID,
            id: id.clone(),
            scroll: 0,
        });
        self.member_cursor = 0;
        self.fetch_extra(&id, cx)
    }

    fn details(&self, id: &str, s: &Shared) -> Option<DetailsView> {
        self.details_view(id, s).map(|(d, _)| d)
    }

    fn on_details_key(&mut self, id: &str, key: Key, cx: &mut Cx) -> Option<Vec<Effect>> {
        let members = self.members_sorted(id);
        let moved = match key.code {
            KeyCode::Down | KeyCode::Char('j') if !key.ctrl => {
                self.member_cursor = (self.member_cursor + 1).min(members.len().saturating_sub(1));
                true
            }
            KeyCode::Up | KeyCode::Char('k') if !key.ctrl => {
                self.member_cursor = self.member_cursor.saturating_sub(1);
                true
            }
            KeyCode::Enter => {
                let m = members.get(self.member_cursor)?;
                cx.dialog = None;
                cx.ask(Ask::ShowInstance(m.clone()));
                return Some(vec![]);
            }
            KeyCode::Esc => {
                let ro = self.rollouts.get_mut(id)?;
                if !ro.is_active() || ro.stop_requested {
                    return None;
                }
                let step = ro.stop();
                cx.info(format!(
                    "{id}: the rollout stops after the current member (u continues it later)"
                ));
                let fx = self.perform(id, step, cx);
                self.show_progress(id);
                return Some(fx);
            }
            _ => false,
        };
        if moved {
            // keep the chosen member on screen
            let (_, start) = self.details_view(id, &*cx.s)?;
            let line = (start + self.member_cursor) as u16;
            let visible = cx.size.1.saturating_sub(8).max(3);
            if let Some(Dialog::Details { scroll, .. }) = &mut cx.dialog {
                if line < *scroll {
                    *scroll = line;
                } else if line >= *scroll + visible {
                    *scroll = line + 1 - visible;
                }
            }
            return Some(vec![]);
        }
        None
    }

    fn on_form(&mut self, tag: &FormTag, ev: FormEvent, cx: &mut Cx) -> Vec<Effect> {
        let Some(t) = tag.get::<AsgForm>() else {
            return vec![];
        };
        match ev {
            FormEvent::Submit => self.submit(t, cx),
            FormEvent::Changed(F_TEMPLATE) => {
                // a new template starts from its default version
                if let Some(form) = cx.form_mut() {
                    form.field_mut(F_VERSION).value =
                        crate::app::FieldValue::Text(tui_input::Input::new("$Default".into()));
                }
                vec![]
            }
            FormEvent::Changed(_) => vec![],
        }
    }

    fn confirm_body(&self, c: &Confirm, _s: &Shared) -> ConfirmView {
        if let Some(StartRollout(ro)) = c.then.as_ref().and_then(|t| t.downcast_ref()) {
            return self.rollout_body(ro);
        }
        let mut items: Vec<Line> = Vec::new();
        let mut summary: Vec<Line> = Vec::new();
        for op in &c.ops {
            if let Some(x) = op.get::<CancelRefresh>() {
                let r = self.list.get(&x.group).and_then(|r| r.refresh.clone());
                summary.push(vec![(
                    format!("Cancel the instance refresh of {}:", x.group),
                    Tone::Normal,
                )]);
                if let Some(r) = r {
                    items.push(vec![(
                        format!(
                            "  {}  {} {}% of {} to update (min healthy {}%)",
                            r.id, r.status, r.percentage, r.to_update, r.min_healthy
                        ),
                        Tone::Normal,
                    )]);
                }
            } else {
                items.push(vec![(format!("  {}", op.describe()), Tone::Normal)]);
            }
        }
        let terminating = c
            .ops
            .iter()
            .filter(|o| o.get::<TerminateInGroup>().is_some())
            .count();
        let tail = if terminating > 0 {
            summary.push(vec![(
                format!(
                    "Terminate {terminating} Auto Scaling member{} (TerminateInstanceInAutoScalingGroup):",
                    if terminating == 1 { "" } else { "s" }
                ),
                Tone::Normal,
            )]);
            vec![vec![(
                "Each group's desired capacity goes down by one per member: nothing replaces them; their volumes go as a terminate's do."
                    .into(),
                Tone::Bad,
            )]]
        } else {
            vec![vec![(
                "Members replaced so far stay; the others keep running what they run.".into(),
                Tone::Muted,
            )]]
        };
        ConfirmView {
            summary,
            items,
            tail,
        }
    }

    fn on_loaded(&mut self, req: u64, data: Box<dyn Any + Send>, cx: &mut Cx) -> Vec<Effect> {
        let Ok(got) = data.downcast::<Got>() else {
            return vec![];
        };
        match *got {
            Got::Page(page) => {
                let mut fx = Vec::new();
                let rows = page.map(|p| Page {
                    items: p.items.into_iter().map(|g| self.row(g)).collect(),
                    next_token: p.next_token,
                });
                // only the newest listing moves a rollout (an older one may show members
                // as they were before its last call)
                let current = req == self.list.latest_req;
                if let Ok(p) = &rows
                    && current
                {
                    for r in &p.items {
                        if r.moving() {
                            self.follow(&r.g.name);
                        }
                    }
                    for r in p.items.clone() {
                        fx.extend(self.rollout_observe(&r.g, cx));
                    }
                }
                let failed = rows.as_ref().err().map(|e| e.describe());
                let last = rows.as_ref().is_ok_and(|p| p.next_token.is_none());
                cx.page(&mut self.list, req, rows, "Auto Scaling groups");
                if let Some(why) = failed {
                    cx.tell(Fact::TemplateUsageUnknown(why));
                    return fx;
                }
                if let Some(id) = self.pending_select.clone()
                    && self.list.get(&id).is_some()
                {
                    let h = cx.table_rows();
                    self.list.select_id(&id, h);
                    self.pending_select = None;
                }
                if last {
                    // who uses what, once every group is known
                    self.tell_usage(cx);
                }
                fx
            }
            Got::Templates(result) => {
                let waiting = match &self.waiting {
                    Some((g, Want::Template)) => Some(g.clone()),
                    _ => None,
                };
                match result {
                    Ok(ts) => {
                        self.templates = ts.into_iter().map(|t| (t.id.clone(), t)).collect();
                        self.rebuild_rows();
                        if let Some(g) = waiting {
                            self.waiting = None;
                            cx.info("");
                            return self.open_template(&g, cx);
                        }
                    }
                    Err(e) => {
                        if waiting.is_some() {
                            self.waiting = None;
                            cx.error_with_hint("cannot list the launch templates", &e);
                        }
                    }
                }
                vec![]
            }
            Got::Extra(name, acts, refreshes) => {
                let Some(e) = self.extra.get_mut(&name) else {
                    return vec![];
                };
                if e.req != req {
                    return vec![];
                }
                e.activities = Some(match acts {
                    Ok(a) => Fetch::Ready(a),
                    Err(err) => Fetch::Failed(err.describe()),
                });
                let latest = match &refreshes {
                    Ok(rs) => rs.first().cloned(),
                    Err(_) => None,
                };
                let refresh_error = refreshes.as_ref().err().cloned();
                e.refreshes = Some(match refreshes {
                    Ok(r) => Fetch::Ready(r),
                    Err(err) => Fetch::Failed(err.describe()),
                });
                self.list.update(&name, |r| r.refresh = latest.clone());
                if latest.as_ref().is_some_and(InstanceRefresh::running) {
                    self.follow(&name);
                }
                if let Some((w, Want::Cancel)) = self.waiting.clone()
                    && w == name
                {
                    self.waiting = None;
                    if let Some(e) = refresh_error {
                        cx.error_with_hint(
                            &format!("cannot read the instance refreshes of {name}"),
                            &e,
                        );
                        return vec![];
                    }
                    return self.open_cancel(&name, cx);
                }
                vec![]
            }
            Got::Watched(groups, refreshes) => {
                if !self.watch.accept(req) {
                    return vec![];
                }
                let groups = match groups {
                    Ok(g) => g,
                    Err(e) => {
                        cx.error_with_hint("cannot follow the Auto Scaling groups", &e);
                        return vec![];
                    }
                };
                for (name, r) in refreshes {
                    if let Ok(rs) = r {
                        let latest = rs.first().cloned();
                        self.list.update(&name, |row| row.refresh = latest.clone());
                        if let Some(e) = self.extra.get_mut(&name) {
                            e.refreshes = Some(Fetch::Ready(rs));
                        }
                    }
                }
                let seen: Vec<String> = groups.iter().map(|g| g.name.clone()).collect();
                for gone in self.watch.missing(seen.iter().map(String::as_str)) {
                    self.list.remove(&gone);
                }
                let mut fx = self.apply_groups(groups, cx);
                for name in seen {
                    let Some(r) = self.list.get(&name) else {
                        continue;
                    };
                    let stable =
                        !r.moving() && !self.rollouts.get(&name).is_some_and(Rollout::is_active);
                    self.watch.observe(&name, stable, |_| true);
                }
                // the details show the latest activities
                if let Some(Dialog::Details { pane: ID, id, .. }) = &cx.dialog {
                    let id = id.clone();
                    fx.extend(self.fetch_extra(&id, cx));
                }
                fx
            }
            Got::Versions(group, result) => {
                if self.waiting.as_ref() != Some(&(group.clone(), Want::Rollout)) {
                    return vec![];
                }
                self.waiting = None;
                match result {
                    Ok(vs) => {
                        cx.info("");
                        self.open_rollout(&group, vs, cx);
                    }
                    Err(e) => cx.error_with_hint("cannot read the template's versions", &e),
                }
                vec![]
            }
        }
    }

    fn on_done(
        &mut self,
        _req: u64,
        results: Vec<(Op, ApiResult<Outcome>)>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        let mut fx = Vec::new();
        for (op, result) in results {
            let rollout = self.rollout_for(&op);
            let in_rollout = rollout.is_some();
            if let Some(group) = rollout {
                fx.extend(self.rollout_done(group, &op, &result, cx));
            }
            let form_open = cx.form_tag::<AsgForm>().is_some();
            match &result {
                Err(e) => {
                    let text = cx.with_hint(&e.failed(&op.describe()), e);
                    if form_open {
                        fx.extend(cx.form_error(text.clone()));
                        cx.log(crate::app::Level::Error, &text);
                    } else if !in_rollout {
                        cx.error(text);
                    }
                }
                Ok(_) => {
                    if form_open {
                        cx.dialog = None;
                    }
                    if !in_rollout {
                        cx.ok(op.describe());
                    }
                }
            }
            if let Some(g) = group_of(&op) {
                self.follow(&g);
                self.pending_select = Some(g);
            }
            if let Some(t) = op.get::<TerminateInGroup>() {
                cx.tell(Fact::InstancesChanged(vec![t.instance.id.clone()]));
            }
            if op.get::<CreateTemplateVersion>().is_some() {
                // the templates pane shows the new version when next looked at
                cx.tell(Fact::TemplatesChanged);
            }
        }
        fx.extend(self.refresh(cx));
        fx
    }

    fn on_watch_due(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.poll(cx)
    }

    fn on_message(&mut self, msg: Box<dyn Any + Send>, cx: &mut Cx) -> Vec<Effect> {
        match msg.downcast::<crate::app::Confirmed>() {
            Ok(c) => match c.0.downcast_ref::<StartRollout>() {
                Some(StartRollout(ro)) => self.begin_rollout(ro.clone(), cx),
                None => vec![],
            },
            Err(_) => vec![],
        }
    }

    fn on_ask(&mut self, ask: &Ask, cx: &mut Cx) -> Option<Vec<Effect>> {
        match ask {
            Ask::TerminateInGroup(members) => {
                Some(self.propose_terminate_in_group(members.clone(), cx))
            }
            Ask::ListGroups => {
                if *self.list.load() == crate::app::Load::Idle {
                    return Some(self.refresh(cx));
                }
                self.tell_usage(cx);
                Some(vec![])
            }
            _ => None,
        }
    }

    fn after_event(&mut self, cx: &mut Cx) -> Vec<Effect> {
        // the names of the members of the group on screen (its details, or the selected row)
        let shown = match &cx.dialog {
            Some(Dialog::Details { pane: ID, id, .. }) => Some(id.clone()),
            _ if cx.focused == ID => self.list.selected_id().map(str::to_string),
            _ => None,
        };
        if let Some(id) = shown
            && let Some(r) = self.list.get(&id)
        {
            for m in &r.g.members {
                if let Some(i) = cx.find::<Instance>(&m.instance_id) {
                    self.names.insert(m.instance_id.clone(), i.name.clone());
                }
            }
        }
        vec![]
    }
}

/// A rollout waiting for its confirmation.
struct StartRollout(Rollout);

/// The group an op of this pane acts on.
fn group_of(op: &Op) -> Option<String> {
    if let Some(x) = op.get::<SetCapacity>() {
        return Some(x.group.clone());
    }
    if let Some(x) = op.get::<SetGroupTemplate>() {
        return Some(x.group.clone());
    }
    if let Some(x) = op.get::<TerminateInGroup>() {
        return Some(x.group.clone());
    }
    if let Some(x) = op.get::<StartRefresh>() {
        return Some(x.group.clone());
    }
    if let Some(x) = op.get::<CancelRefresh>() {
        return Some(x.group.clone());
    }
    if let Some(x) = op.get::<DeleteGroup>() {
        return Some(x.group.clone());
    }
    None
}
