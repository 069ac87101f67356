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

pub mod rollout;
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
use rollout::{Do, How, Phase, Rollout};

mod details;
mod driver;
mod forms;
mod listing;
mod rows;
use driver::*;
pub use rows::*;

pub const ID: &str = "asg";

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
            super::kit::scroll_details_to(start + self.member_cursor, cx);
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
                // members that came or went since the rows shown: the instances pane learns
                // of them (a listing after a change of capacity replaces the rows at once)
                let changed: Vec<String> = match &page {
                    Ok(p) if req == self.list.latest_req => p
                        .items
                        .iter()
                        .flat_map(|g| self.members_changed(g, false))
                        .collect(),
                    _ => vec![],
                };
                if !changed.is_empty() {
                    cx.tell(Fact::InstancesChanged(changed));
                }
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
                        self.watch_failed("follow the Auto Scaling groups", &e, cx);
                        return vec![];
                    }
                };
                // a refresh that cannot be read may be running still: the round failed (a
                // policy without DescribeInstanceRefreshes must not be polled forever)
                let mut failed = None;
                for (name, r) in refreshes {
                    match r {
                        Ok(rs) => {
                            let latest = rs.first().cloned();
                            self.list.update(&name, |row| row.refresh = latest.clone());
                            if let Some(e) = self.extra.get_mut(&name) {
                                e.refreshes = Some(Fetch::Ready(rs));
                            }
                        }
                        Err(e) => {
                            failed = Some((format!("read the instance refreshes of {name}"), e))
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
                match failed {
                    Some((what, e)) => self.watch_failed(&what, &e, cx),
                    None => self.watch.answered(),
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
