//! The pure core: one `AppState`, one `update` that turns events into state changes plus
//! effects, no I/O. The shell runs the effects and feeds their results back as events.

pub mod amis;
pub mod form;
pub mod keys;
pub mod storage;
pub mod table;

use std::collections::{BTreeMap, HashSet};

use tui_input::{Input, InputRequest};

pub use form::{Field, FieldValue, Form, FormOutcome, Opt};
pub use keys::{Action, Key, KeyCode, Keymap, Scope};
pub use table::{Collection, Load, TableOps};

use crate::aws::{
    ApiError, ApiResult, Identity, Image, ImageScope, ImageSpec, Instance, InstanceState,
    InstanceTypeInfo, LaunchSpec, Page, SecurityGroup, Subnet,
};
use crate::resources::Tone;
use crate::resources::amis::AmiRow;
use crate::resources::instances::InstanceRow;

/// Who and where: shown in the header so the account acted on is unmistakable.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub profile: String,
    pub region: String,
    pub endpoint: Option<String>,
    pub read_only: bool,
    pub demo: bool,
    pub account: Option<String>,
}

/// One instance an operation applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub id: String,
    pub name: String,
}

impl Target {
    /// "web-1 (i-0123)" or just the id.
    pub fn label(&self) -> String {
        if self.name.is_empty() {
            self.id.clone()
        } else {
            format!("{} ({})", self.name, self.id)
        }
    }
}

/// A mutating EC2 call, carried as data from the key press through the confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ec2Op {
    Start(Vec<Target>),
    Stop { targets: Vec<Target>, force: bool },
    Reboot(Vec<Target>),
    Terminate(Vec<Target>),
    SetProtection { targets: Vec<Target>, on: bool },
}

impl Ec2Op {
    pub fn targets(&self) -> &[Target] {
        match self {
            Self::Start(t) | Self::Reboot(t) | Self::Terminate(t) => t,
            Self::Stop { targets, .. } | Self::SetProtection { targets, .. } => targets,
        }
    }

    pub fn verb(&self) -> &'static str {
        match self {
            Self::Start(_) => "start",
            Self::Stop { force: false, .. } => "stop",
            Self::Stop { force: true, .. } => "force stop",
            Self::Reboot(_) => "reboot",
            Self::Terminate(_) => "terminate",
            Self::SetProtection { on: true, .. } => "turn on termination protection for",
            Self::SetProtection { on: false, .. } => "turn off termination protection for",
        }
    }

    fn done(&self) -> &'static str {
        match self {
            Self::Start(_) => "starting",
            Self::Stop { force: false, .. } => "stopping",
            Self::Stop { force: true, .. } => "force stopping",
            Self::Reboot(_) => "rebooting",
            Self::Terminate(_) => "terminating",
            Self::SetProtection { on: true, .. } => "protection on",
            Self::SetProtection { on: false, .. } => "protection off",
        }
    }

    /// Destructive operations need the typed word, not just `y`.
    pub fn is_destructive(&self) -> bool {
        matches!(self, Self::Terminate(_))
    }

    /// The state the instances should settle in, for watching.
    fn expect(&self) -> Option<InstanceState> {
        match self {
            Self::Start(_) | Self::Reboot(_) => Some(InstanceState::Running),
            Self::Stop { .. } => Some(InstanceState::Stopped),
            Self::Terminate(_) => Some(InstanceState::Terminated),
            Self::SetProtection { .. } => None,
        }
    }
}

/// What the shell must do. `update` never does I/O itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    LoadIdentity,
    /// List every instance, page by page, reporting each page.
    ListInstances {
        req: u64,
    },
    /// Describe these instances (watching state changes).
    Watch {
        ids: Vec<String>,
    },
    /// Run a mutating operation: one call per target, each outcome reported.
    Call {
        req: u64,
        op: Ec2Op,
    },
    FetchProtection {
        ids: Vec<String>,
    },
    /// Status checks of these instances (the rows on screen).
    FetchStatuses {
        ids: Vec<String>,
    },
    FetchUserData {
        id: String,
    },
    /// List the images of a scope, page by page.
    ListImages {
        req: u64,
        scope: ImageScope,
    },
    /// Describe these images (in `region`, None: ours), watching them leave `pending`.
    WatchImages {
        region: Option<String>,
        ids: Vec<String>,
    },
    CreateImage {
        req: u64,
        spec: ImageSpec,
    },
    /// Deregister an image, then delete `snapshots` (empty: keep them).
    Deregister {
        req: u64,
        image: Target,
        snapshots: Vec<String>,
    },
    CopyImage {
        req: u64,
        image: Target,
        name: String,
        region: String,
    },
    /// Instance types, key pairs, subnets and security groups for the launch form.
    LoadLaunchOptions,
    LoadRegions,
    Launch {
        req: u64,
        spec: LaunchSpec,
        dry_run: bool,
    },
    ListVolumes {
        req: u64,
    },
    /// Describe snapshot copies in another region until they complete.
    WatchSnapshotCopies {
        region: String,
        ids: Vec<String>,
    },
    /// Describe these volumes and snapshots (watching them settle).
    WatchStorage {
        volumes: Vec<String>,
        snapshots: Vec<String>,
    },
    /// `DescribeInstanceStatus` for every instance, page by page.
    ListStatuses {
        req: u64,
    },
    /// The snapshots owned by this account id.
    ListSnapshots {
        req: u64,
        owner: String,
    },
    LoadZones,
    /// A mutating call on volumes or snapshots.
    Storage {
        req: u64,
        op: storage::StorageOp,
    },
    Quit,
}

/// A result coming back from the shell.
#[derive(Debug, Clone)]
pub enum ApiEvent {
    Identity(ApiResult<Identity>),
    InstancesPage {
        req: u64,
        result: ApiResult<Page<Instance>>,
    },
    Watched(ApiResult<Vec<Instance>>),
    Done {
        req: u64,
        op: Ec2Op,
        results: Vec<(Target, ApiResult<()>)>,
    },
    Protection(Vec<(String, ApiResult<bool>)>),
    Statuses(ApiResult<Vec<crate::aws::InstanceStatus>>),
    UserData {
        id: String,
        result: ApiResult<Option<String>>,
    },
    ImagesPage {
        req: u64,
        result: ApiResult<Page<Image>>,
    },
    ImagesWatched {
        region: Option<String>,
        result: ApiResult<Vec<Image>>,
    },
    ImageCreated {
        req: u64,
        instance_id: String,
        result: ApiResult<String>,
    },
    Deregistered {
        image: Target,
        result: ApiResult<()>,
        snapshots: Vec<(String, ApiResult<()>)>,
    },
    Copied {
        image: Target,
        region: String,
        result: ApiResult<String>,
    },
    LaunchOptions(ApiResult<LaunchOptions>),
    Regions(ApiResult<Vec<String>>),
    Launched {
        req: u64,
        dry_run: bool,
        result: ApiResult<Vec<Instance>>,
    },
    VolumesPage {
        req: u64,
        result: ApiResult<Page<crate::aws::Volume>>,
    },
    SnapshotsPage {
        req: u64,
        result: ApiResult<Page<crate::aws::Snapshot>>,
    },
    Zones(ApiResult<Vec<String>>),
    SnapshotCopiesWatched {
        region: String,
        result: ApiResult<Vec<crate::aws::Snapshot>>,
    },
    StorageWatched {
        volumes: ApiResult<Vec<crate::aws::Volume>>,
        snapshots: ApiResult<Vec<crate::aws::Snapshot>>,
    },
    StatusesPage {
        req: u64,
        result: ApiResult<Page<crate::aws::InstanceStatus>>,
    },
    /// A storage call finished; `Ok(Some(id))` names what it created.
    StorageDone {
        op: storage::StorageOp,
        result: ApiResult<Option<String>>,
    },
    /// A journal line was written (or could not be: `error`).
    Journal {
        entry: Box<crate::journal::Entry>,
        error: Option<String>,
    },
}

/// What the launch form offers, loaded once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LaunchOptions {
    pub types: Vec<InstanceTypeInfo>,
    pub keys: Vec<String>,
    pub subnets: Vec<Subnet>,
    pub groups: Vec<SecurityGroup>,
}

#[derive(Debug, Clone)]
pub enum Event {
    Key(Key),
    Resize {
        width: u16,
        height: u16,
    },
    /// The wall clock, seconds since the epoch (ages are drawn against it).
    Tick {
        now: i64,
    },
    RefreshDue,
    WatchDue,
    Api(ApiEvent),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Filter,
    Command,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Fetch<T> {
    Loading,
    Ready(T),
    Failed(String),
}

/// A confirmation: the operation as data, and for destructive ones the word to type.
#[derive(Debug, Clone)]
pub struct Confirm {
    pub op: Ec2Op,
    pub typed: Option<&'static str>,
    pub input: Input,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Details {
    pub id: String,
    pub user_data: Fetch<Option<String>>,
    pub scroll: u16,
}

#[derive(Debug, Clone)]
pub enum Dialog {
    Confirm(Confirm),
    Details(Details),
    ImageDetails {
        id: String,
        scroll: u16,
    },
    /// Read-only text (volume, snapshot and journal details).
    Text {
        title: String,
        lines: Vec<String>,
        scroll: u16,
    },
    Help {
        scroll: u16,
    },
    Form {
        form: Form,
        kind: FormKind,
    },
}

/// What a form is for; its fields hold the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKind {
    CreateImage {
        instance: Target,
        running: bool,
        tags: Vec<(String, String)>,
    },
    Launch {
        image_id: String,
        arch: String,
    },
    Deregister {
        image: Target,
        snapshots: Vec<String>,
    },
    CopyImage {
        image: Target,
    },
    CreateVolume,
    Attach {
        volume: String,
        az: String,
    },
    Detach {
        volume: String,
        instance: String,
    },
    Snapshot {
        volume: String,
        tags: Vec<(String, String)>,
    },
    DeleteVolume {
        volume: String,
    },
    DeleteSnapshot {
        snapshot: String,
    },
    CopySnapshot {
        snapshot: String,
    },
}

/// The focused pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Instances,
    Amis,
    Volumes,
    Snapshots,
    Events,
    Journal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Ok,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub level: Level,
}

#[derive(Debug, Clone)]
struct Watching {
    expect: Option<InstanceState>,
    rounds: u32,
    moved: bool,
}

/// Rows of chrome around the table: header, table borders and column titles, footer, status.
pub const CHROME_ROWS: u16 = 6;
/// Below this the UI says the terminal is too small instead of drawing.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

pub struct AppState {
    pub ctx: Context,
    pub keymap: Keymap,
    pub instances: Collection<InstanceRow>,
    pub amis: Collection<AmiRow>,
    pub volumes: Collection<crate::aws::Volume>,
    pub snapshots: Collection<crate::aws::Snapshot>,
    pub zones: Option<Vec<String>>,
    /// Status checks and scheduled events, a row per event.
    pub events: Collection<crate::resources::events::EventRow>,
    /// Why the journal file cannot be written, if it cannot: shown in the header.
    pub journal_error: Option<String>,
    /// This session's journal entries.
    pub journal: Collection<crate::resources::journal::JournalRow>,
    pub ami_scope: ImageScope,
    pub pane: Pane,
    pub launch_options: Option<LaunchOptions>,
    pub regions: Option<Vec<String>>,
    pub mode: Mode,
    /// The filter or command line being edited.
    pub input: Input,
    pub dialog: Option<Dialog>,
    pub status: Option<Status>,
    pub now: i64,
    pub size: (u16, u16),
    pub quit: bool,
    /// Seconds between full refreshes; 0 turns them off.
    pub refresh_secs: u64,
    watching: BTreeMap<String, Watching>,
    watch_in_flight: bool,
    protection_requested: HashSet<String>,
    checks_requested: HashSet<String>,
    next_req: u64,
    jobs: Vec<amis::ImageJob>,
    /// The instance a "launch more like this" form was opened from.
    launch_prefill: Option<Instance>,
    /// A created resource to select once the list that holds it arrives.
    pending_select: Option<String>,
    /// Images watched until they leave `pending`: id -> region (None: ours).
    image_watch: BTreeMap<String, Option<String>>,
    image_watch_in_flight: bool,
    storage_watch_in_flight: bool,
    /// Snapshot copies followed in their target region: id -> region.
    snapshot_copies: BTreeMap<String, String>,
    copies_watch_in_flight: bool,
}

const SCOPES: &[Scope] = &[Scope::Instances, Scope::Table, Scope::Global];
const AMI_SCOPES: &[Scope] = &[Scope::Amis, Scope::Table, Scope::Global];
const JOURNAL_SCOPES: &[Scope] = &[Scope::Journal, Scope::Table, Scope::Global];
const EVENT_SCOPES: &[Scope] = &[Scope::Events, Scope::Table, Scope::Global];
const VOLUME_SCOPES: &[Scope] = &[Scope::Volumes, Scope::Table, Scope::Global];
const SNAPSHOT_SCOPES: &[Scope] = &[Scope::Snapshots, Scope::Table, Scope::Global];

impl AppState {
    pub fn new(ctx: Context, keymap: Keymap) -> Self {
        let mut instances = Collection::default();
        instances.set_sort(crate::resources::instances::COL_NAME, false);
        Self {
            ctx,
            keymap,
            instances,
            amis: {
                let mut a = Collection::default();
                a.set_sort(crate::resources::amis::COL_CREATED, true);
                a
            },
            journal_error: None,
            journal: {
                let mut j = Collection::default();
                j.set_sort(0, true);
                j.load = Load::Loaded;
                j
            },
            volumes: Collection::default(),
            snapshots: {
                let mut c = Collection::default();
                c.set_sort(6, true);
                c
            },
            zones: None,
            events: {
                let mut c = Collection::default();
                c.set_sort(6, false);
                c
            },
            ami_scope: ImageScope::Mine,
            pane: Pane::Instances,
            launch_options: None,
            regions: None,
            mode: Mode::Normal,
            input: Input::default(),
            dialog: None,
            status: None,
            now: 0,
            size: (120, 40),
            quit: false,
            refresh_secs: 30,
            watching: BTreeMap::new(),
            watch_in_flight: false,
            protection_requested: HashSet::new(),
            checks_requested: HashSet::new(),
            next_req: 0,
            jobs: Vec::new(),
            launch_prefill: None,
            pending_select: None,
            image_watch: BTreeMap::new(),
            image_watch_in_flight: false,
            storage_watch_in_flight: false,
            snapshot_copies: BTreeMap::new(),
            copies_watch_in_flight: false,
        }
    }

    /// The effects to run at start-up.
    pub fn start(&mut self) -> Vec<Effect> {
        let mut fx = vec![Effect::LoadIdentity];
        fx.extend(self.refresh_instances());
        fx
    }

    /// The scopes of the focused pane, most specific first.
    pub fn scopes(&self) -> &'static [Scope] {
        match self.pane {
            Pane::Instances => SCOPES,
            Pane::Amis => AMI_SCOPES,
            Pane::Journal => JOURNAL_SCOPES,
            Pane::Events => EVENT_SCOPES,
            Pane::Volumes => VOLUME_SCOPES,
            Pane::Snapshots => SNAPSHOT_SCOPES,
        }
    }

    /// Brings every table's view up to date; the shell calls this before drawing.
    pub fn prepare_draw(&mut self) {
        self.instances.refresh_view();
        self.amis.refresh_view();
        self.journal.refresh_view();
        self.events.refresh_view();
        self.volumes.refresh_view();
        self.snapshots.refresh_view();
    }

    /// The focused pane's table.
    pub fn table_mut(&mut self) -> &mut dyn TableOps {
        match self.pane {
            Pane::Instances => &mut self.instances,
            Pane::Amis => &mut self.amis,
            Pane::Journal => &mut self.journal,
            Pane::Events => &mut self.events,
            Pane::Volumes => &mut self.volumes,
            Pane::Snapshots => &mut self.snapshots,
        }
    }

    pub fn table(&self) -> &dyn TableOps {
        match self.pane {
            Pane::Instances => &self.instances,
            Pane::Amis => &self.amis,
            Pane::Journal => &self.journal,
            Pane::Events => &self.events,
            Pane::Volumes => &self.volumes,
            Pane::Snapshots => &self.snapshots,
        }
    }

    /// Rows the table has room for at the current size.
    pub fn table_rows(&self) -> usize {
        self.size.1.saturating_sub(CHROME_ROWS).max(1) as usize
    }

    /// Ids under watch (settling after an action).
    pub fn watching(&self) -> impl Iterator<Item = &str> {
        self.watching.keys().map(String::as_str)
    }

    pub(crate) fn req(&mut self) -> u64 {
        self.next_req += 1;
        self.next_req
    }

    pub(crate) fn info(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            level: Level::Info,
        });
    }
    pub(crate) fn ok(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            level: Level::Ok,
        });
    }
    pub(crate) fn error(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            level: Level::Error,
        });
    }

    pub(crate) fn error_with_hint(&mut self, what: &str, e: &ApiError) {
        let mut text = format!("{what}: {}", e.describe());
        if let Some(h) = e.hint(&self.ctx.profile) {
            text.push_str(" — ");
            text.push_str(&h);
        }
        self.error(text);
    }

    /// Refreshes the focused pane.
    fn refresh(&mut self) -> Vec<Effect> {
        match self.pane {
            Pane::Instances => self.refresh_instances(),
            Pane::Amis => self.refresh_amis(),
            Pane::Journal => vec![],
            Pane::Events => self.refresh_statuses(),
            Pane::Volumes => self.refresh_volumes(),
            Pane::Snapshots => self.refresh_snapshots(),
        }
    }

    /// Event rows that arrived before their instance get its name.
    fn name_event_rows(&mut self, named: &[(String, String)]) {
        if self.events.is_empty() || named.is_empty() {
            return;
        }
        let names: std::collections::HashMap<&str, &str> = named
            .iter()
            .map(|(i, n)| (i.as_str(), n.as_str()))
            .collect();
        let keys: Vec<(String, String)> = self
            .events
            .ids()
            .filter_map(|k| {
                let row = self.events.get(k)?;
                let name = names.get(row.instance_id.as_str())?;
                (row.name.is_empty()).then(|| (k.to_string(), name.to_string()))
            })
            .collect();
        for (k, name) in keys {
            self.events.update(&k, |r| r.name = name);
        }
    }

    /// Lists status checks and scheduled events unless that is in flight.
    fn refresh_statuses(&mut self) -> Vec<Effect> {
        if self.events.is_loading() {
            return vec![];
        }
        let req = self.req();
        self.events.begin(req);
        vec![Effect::ListStatuses { req }]
    }

    /// Starts a full refresh of the instances unless one is in flight (coalesced).
    fn refresh_instances(&mut self) -> Vec<Effect> {
        if self.instances.is_loading() {
            return vec![];
        }
        let req = self.req();
        self.instances.begin(req);
        self.protection_requested.clear();
        self.checks_requested.clear();
        vec![Effect::ListInstances { req }]
    }

    pub fn update(&mut self, ev: Event) -> Vec<Effect> {
        let mut fx = match ev {
            Event::Key(k) => self.on_key(k),
            Event::Resize { width, height } => {
                self.size = (width, height);
                let h = self.table_rows();
                self.instances.refresh_view();
                self.instances.scroll_into_view(h);
                vec![]
            }
            Event::Tick { now } => {
                self.now = now;
                vec![]
            }
            Event::RefreshDue => self.refresh(),
            Event::WatchDue => {
                let mut fx = self.watch_images();
                fx.extend(self.watch_storage());
                fx.extend(self.watch_snapshot_copies());
                if !self.watching.is_empty() && !self.watch_in_flight {
                    self.watch_in_flight = true;
                    fx.push(Effect::Watch {
                        ids: self.watching.keys().cloned().collect(),
                    });
                }
                fx
            }
            Event::Api(a) => self.on_api(a),
        };
        if !self.quit {
            fx.extend(self.request_visible_protection());
        }
        fx
    }

    /// Termination protection is not in `DescribeInstances`: fetch it for the rows on screen.
    fn request_visible_protection(&mut self) -> Vec<Effect> {
        if self.instances.is_empty() || self.pane != Pane::Instances {
            return vec![];
        }
        self.instances.refresh_view();
        let h = self.table_rows();
        let ids: Vec<String> = self
            .instances
            .visible(h)
            .filter(|(_, r)| {
                r.protected.is_none()
                    && r.inst.state != InstanceState::Terminated
                    && !self.protection_requested.contains(&r.inst.id)
            })
            .map(|(_, r)| r.inst.id.clone())
            .collect();
        // status checks, like protection, are fetched for the rows on screen only
        let checks: Vec<String> = self
            .instances
            .visible(h)
            .filter(|(_, r)| r.checks.is_none() && !self.checks_requested.contains(&r.inst.id))
            .map(|(_, r)| r.inst.id.clone())
            .collect();
        let mut fx: Vec<Effect> = self.request_protection(ids).into_iter().collect();
        if !checks.is_empty() {
            self.checks_requested.extend(checks.iter().cloned());
            fx.push(Effect::FetchStatuses { ids: checks });
        }
        fx
    }

    fn request_protection(&mut self, ids: Vec<String>) -> Option<Effect> {
        let ids: Vec<String> = ids
            .into_iter()
            .filter(|id| self.protection_requested.insert(id.clone()))
            .collect();
        (!ids.is_empty()).then_some(Effect::FetchProtection { ids })
    }

    fn on_api(&mut self, a: ApiEvent) -> Vec<Effect> {
        match a {
            ApiEvent::Identity(Ok(id)) => self.ctx.account = Some(id.account),
            ApiEvent::Identity(Err(e)) => {
                self.ctx.account = None;
                self.error_with_hint("cannot identify the account", &e);
            }
            ApiEvent::InstancesPage { req, result } => match result {
                Ok(page) => {
                    let last = page.next_token.is_none();
                    let rows: Vec<InstanceRow> = page
                        .items
                        .into_iter()
                        .map(|inst| self.row_for(inst))
                        .collect();
                    if !self.events.is_empty() {
                        let named: Vec<(String, String)> = rows
                            .iter()
                            .filter(|r| !r.inst.name.is_empty())
                            .map(|r| (r.inst.id.clone(), r.inst.name.clone()))
                            .collect();
                        self.name_event_rows(&named);
                    }
                    if self.instances.apply_page(req, rows, last)
                        && last
                        && matches!(self.status.as_ref(), Some(s) if s.level == Level::Error && s.text.starts_with("cannot list"))
                    {
                        self.status = None;
                    }
                }
                Err(e) => {
                    if self.instances.fail(req, e.clone()) {
                        self.error_with_hint("cannot list instances", &e);
                    }
                }
            },
            ApiEvent::Watched(result) => {
                self.watch_in_flight = false;
                match result {
                    Ok(list) => return self.on_watched(list),
                    Err(e) => self.error_with_hint("cannot check instance state", &e),
                }
            }
            ApiEvent::Done {
                req: _,
                op,
                results,
            } => return self.on_done(op, results),
            ApiEvent::Statuses(result) => match result {
                Ok(list) => {
                    for st in list {
                        let checks = st.checks();
                        self.instances
                            .update(&st.id, |r| r.checks = Some(checks.clone()));
                    }
                }
                Err(e) => tracing::warn!("status checks: {e}"),
            },
            ApiEvent::Protection(results) => {
                for (id, r) in results {
                    match r {
                        Ok(p) => self.instances.update(&id, |row| row.protected = Some(p)),
                        Err(e) => tracing::warn!("termination protection of {id}: {e}"),
                    }
                }
            }
            ApiEvent::ImagesPage { .. }
            | ApiEvent::ImagesWatched { .. }
            | ApiEvent::ImageCreated { .. }
            | ApiEvent::Deregistered { .. }
            | ApiEvent::Copied { .. }
            | ApiEvent::LaunchOptions(_)
            | ApiEvent::Regions(_)
            | ApiEvent::Launched { .. } => return self.on_image_api(a),
            ApiEvent::StatusesPage { req, result } => match result {
                Ok(page) => {
                    let last = page.next_token.is_none();
                    let mut rows = Vec::new();
                    for st in &page.items {
                        let checks = st.checks();
                        self.instances
                            .update(&st.id, |r| r.checks = Some(checks.clone()));
                        let name = self
                            .instances
                            .get(&st.id)
                            .map(|r| r.inst.name.clone())
                            .unwrap_or_default();
                        rows.extend(crate::resources::events::EventRow::from_status(
                            st, &name, self.now,
                        ));
                    }
                    self.events.apply_page(req, rows, last);
                }
                Err(e) => {
                    if self.events.fail(req, e.clone()) && self.pane == Pane::Events {
                        self.error_with_hint("cannot read instance status", &e);
                    }
                }
            },
            ApiEvent::VolumesPage { .. }
            | ApiEvent::SnapshotsPage { .. }
            | ApiEvent::Zones(_)
            | ApiEvent::StorageWatched { .. }
            | ApiEvent::SnapshotCopiesWatched { .. }
            | ApiEvent::StorageDone { .. } => return self.on_storage_api(a),
            ApiEvent::Journal { entry, error } => {
                let seq = (self.journal.len() + 1).to_string();
                self.journal
                    .upsert(crate::resources::journal::JournalRow { seq, entry: *entry });
                if let Some(e) = error {
                    self.error(format!("{e} — the change was still sent"));
                    self.journal_error = Some(e);
                }
            }
            ApiEvent::UserData { id, result } => {
                if let Some(Dialog::Details(d)) = &mut self.dialog
                    && d.id == id
                {
                    d.user_data = match result {
                        Ok(u) => Fetch::Ready(u),
                        Err(e) => Fetch::Failed(e.describe()),
                    };
                }
            }
        }
        vec![]
    }

    fn on_watched(&mut self, list: Vec<Instance>) -> Vec<Effect> {
        let mut settled = Vec::new();
        for inst in list {
            let id = inst.id.clone();
            let state = inst.state;
            let name = inst.name.clone();
            self.upsert_instance(inst);
            if let Some(w) = self.watching.get_mut(&id) {
                w.rounds += 1;
                if !state.is_stable() {
                    w.moved = true;
                }
                let done = state.is_stable()
                    && (w.expect == Some(state) || w.moved || w.expect.is_none() || w.rounds >= 3);
                if done {
                    self.watching.remove(&id);
                    settled.push(format!("{} is {}", Target { id, name }.label(), state));
                }
            }
        }
        let fx = self.jobs_on_instances();
        if !settled.is_empty() {
            let more = if settled.len() > 3 {
                format!(" and {} more", settled.len() - 3)
            } else {
                String::new()
            };
            settled.truncate(3);
            if fx.is_empty() {
                self.ok(format!("{}{more}", settled.join(", ")));
            }
        }
        fx
    }

    /// A row for a fresh copy of an instance, keeping what was fetched separately.
    fn row_for(&self, inst: Instance) -> InstanceRow {
        match self.instances.get(&inst.id) {
            Some(old) => InstanceRow {
                inst,
                protected: old.protected,
                checks: old.checks.clone(),
            },
            None => InstanceRow::from(inst),
        }
    }

    pub(crate) fn upsert_instance(&mut self, inst: Instance) {
        let row = self.row_for(inst);
        self.instances.upsert(row);
    }

    fn on_done(&mut self, op: Ec2Op, results: Vec<(Target, ApiResult<()>)>) -> Vec<Effect> {
        self.jobs_on_done(&op, &results);
        let mut ok: Vec<&Target> = Vec::new();
        let mut failed: Vec<String> = Vec::new();
        for (t, r) in &results {
            match r {
                Ok(()) => ok.push(t),
                Err(e) => failed.push(format!("{}: {}", t.label(), e.describe())),
            }
        }
        let ok_ids: Vec<String> = ok.iter().map(|t| t.id.clone()).collect();
        if let Ec2Op::SetProtection { on, .. } = op {
            for id in &ok_ids {
                self.instances.update(id, |r| r.protected = Some(on));
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
            self.ok(format!("{}: {}", op.done(), summary(&ok)));
        } else {
            let hint = results
                .iter()
                .find_map(|(_, r)| r.as_ref().err())
                .and_then(|e| e.hint(&self.ctx.profile))
                .map(|h| format!(" — {h}"))
                .unwrap_or_default();
            let head = if ok.is_empty() {
                format!("{} refused", op.verb())
            } else {
                format!("{}: {}; refused", op.done(), summary(&ok))
            };
            let extra = if failed.len() > 1 {
                format!(" (+{} more refused)", failed.len() - 1)
            } else {
                String::new()
            };
            self.error(format!("{head}: {}{extra}{hint}", failed[0]));
        }
        self.instances.clear_marks();
        let expect = op.expect();
        if expect.is_none() || ok_ids.is_empty() {
            return vec![];
        }
        for id in &ok_ids {
            self.watching.insert(
                id.clone(),
                Watching {
                    expect,
                    rounds: 0,
                    moved: false,
                },
            );
        }
        self.watch_in_flight = true;
        vec![Effect::Watch { ids: ok_ids }]
    }

    /// Starts watching instances until they settle (`expect`: the state they should reach).
    pub(crate) fn watch_instances(
        &mut self,
        ids: &[String],
        expect: Option<InstanceState>,
    ) -> Vec<Effect> {
        for id in ids {
            self.watching.insert(
                id.clone(),
                Watching {
                    expect,
                    rounds: 0,
                    moved: false,
                },
            );
        }
        if self.watch_in_flight {
            return vec![];
        }
        self.watch_in_flight = true;
        vec![Effect::Watch { ids: ids.to_vec() }]
    }

    fn on_key(&mut self, k: Key) -> Vec<Effect> {
        if k == Key::ctrl('c') {
            self.quit = true;
            return vec![Effect::Quit];
        }
        if self.dialog.is_some() {
            return self.on_dialog_key(k);
        }
        match self.mode {
            Mode::Filter => {
                match k.code {
                    KeyCode::Esc => {
                        self.input.reset();
                        self.table_mut().set_filter("");
                        self.mode = Mode::Normal;
                    }
                    KeyCode::Enter => self.mode = Mode::Normal,
                    _ => {
                        edit(&mut self.input, k);
                        let v = self.input.value().to_string();
                        let h = self.table_rows();
                        let t = self.table_mut();
                        t.set_filter(&v);
                        t.refresh_view();
                        t.scroll_into_view(h);
                    }
                }
                vec![]
            }
            Mode::Command => match k.code {
                KeyCode::Esc => {
                    self.mode = Mode::Normal;
                    vec![]
                }
                KeyCode::Enter => {
                    self.mode = Mode::Normal;
                    let cmd = self.input.value().trim().to_string();
                    self.command(&cmd)
                }
                _ => {
                    edit(&mut self.input, k);
                    vec![]
                }
            },
            Mode::Normal => match self.keymap.lookup(self.scopes(), k) {
                Some(a) => self.action(a),
                None => vec![],
            },
        }
    }

    fn command(&mut self, cmd: &str) -> Vec<Effect> {
        let (word, _arg) = cmd.split_once(' ').unwrap_or((cmd, ""));
        match word {
            "" => vec![],
            "q" | "q!" | "quit" | "qa" | "exit" => {
                self.quit = true;
                vec![Effect::Quit]
            }
            "instances" | "instance" | "inst" | "ec2" | "i" | "1" => {
                self.action(Action::PaneInstances)
            }
            "amis" | "ami" | "images" | "image" | "2" => self.action(Action::PaneAmis),
            "journal" | "j" => self.action(Action::PaneJournal),
            "events" | "status" | "5" => self.action(Action::PaneEvents),
            "volumes" | "volume" | "vol" | "ebs" | "3" => self.action(Action::PaneVolumes),
            "snapshots" | "snapshot" | "snap" | "4" => self.action(Action::PaneSnapshots),
            "help" | "h" => self.action(Action::Help),
            "refresh" | "r" => self.action(Action::Refresh),
            other => {
                self.error(format!(
                    "unknown command :{other} — try :instances, :amis, :q or ?"
                ));
                vec![]
            }
        }
    }

    /// About how many lines a read-only dialog has, so scrolling stops at its last line.
    fn dialog_lines(&self) -> usize {
        match &self.dialog {
            Some(Dialog::Text { lines, .. }) => lines.len(),
            Some(Dialog::Help { .. }) => self.keymap.help(self.scopes()).len() + 10,
            Some(Dialog::ImageDetails { id, .. }) => self
                .amis
                .get(id)
                .map(|i| 17 + i.devices.len() + i.tags.len())
                .unwrap_or(1),
            Some(Dialog::Details(d)) => self
                .instances
                .get(&d.id)
                .map(|r| {
                    let user_data = match &d.user_data {
                        Fetch::Ready(Some(u)) => u.lines().count(),
                        _ => 1,
                    };
                    30 + r.inst.security_groups.len()
                        + r.inst.block_devices.len()
                        + r.inst.tags.len()
                        + user_data
                })
                .unwrap_or(1),
            _ => 0,
        }
    }

    fn clamp_dialog_scroll(&mut self) {
        let max = self.dialog_lines().saturating_sub(1).min(u16::MAX as usize) as u16;
        if let Some(
            Dialog::Help { scroll }
            | Dialog::ImageDetails { scroll, .. }
            | Dialog::Text { scroll, .. }
            | Dialog::Details(Details { scroll, .. }),
        ) = &mut self.dialog
        {
            *scroll = (*scroll).min(max);
        }
    }

    /// Runs one action from the keymap.
    pub fn action(&mut self, a: Action) -> Vec<Effect> {
        let h = self.table_rows();
        if a.is_mutating() && self.ctx.read_only {
            self.error(format!(
                "read-only mode: {} is disabled (started with --read-only)",
                a.describe()
            ));
            return vec![];
        }
        match a {
            Action::Quit => {
                self.quit = true;
                return vec![Effect::Quit];
            }
            Action::Command => {
                self.input = Input::default();
                self.mode = Mode::Command;
            }
            Action::Help => self.dialog = Some(Dialog::Help { scroll: 0 }),
            Action::Refresh => {
                let fx = self.refresh();
                self.info(if fx.is_empty() {
                    "refresh already in progress"
                } else {
                    "refreshing…"
                });
                return fx;
            }
            Action::PaneInstances => {
                self.pane = Pane::Instances;
                self.mode = Mode::Normal;
                self.input = Input::new(self.instances.filter().to_string());
            }
            Action::PaneVolumes | Action::PaneSnapshots => {
                self.pane = if a == Action::PaneVolumes {
                    Pane::Volumes
                } else {
                    Pane::Snapshots
                };
                self.mode = Mode::Normal;
                self.input = Input::new(self.table().filter().to_string());
                let idle = match self.pane {
                    Pane::Volumes => self.volumes.load == Load::Idle,
                    _ => self.snapshots.load == Load::Idle,
                };
                if idle {
                    return self.refresh();
                }
            }
            Action::CreateVolume => return self.propose_create_volume(None),
            Action::Attach => return self.propose_attach(),
            Action::Detach => return self.propose_detach(),
            Action::SnapshotVolume => return self.propose_snapshot(),
            Action::DeleteVolume => return self.propose_delete_volume(),
            Action::VolumeFromSnapshot => return self.propose_volume_from_snapshot(),
            Action::DeleteSnapshot => return self.propose_delete_snapshot(),
            Action::CopySnapshot => return self.propose_copy_snapshot(),
            Action::Details if self.pane == Pane::Volumes => {
                if let Some(v) = self.volumes.selected().cloned() {
                    let lines = storage::volume_lines(&v, |id| match self.instances.get(id) {
                        Some(r) if !r.inst.name.is_empty() => format!("{} ({id})", r.inst.name),
                        _ => id.to_string(),
                    });
                    self.dialog = Some(Dialog::Text {
                        title: v.id.clone(),
                        lines,
                        scroll: 0,
                    });
                }
            }
            Action::Details if self.pane == Pane::Snapshots => {
                if let Some(s) = self.snapshots.selected() {
                    let lines = storage::snapshot_lines(s);
                    self.dialog = Some(Dialog::Text {
                        title: s.id.clone(),
                        lines,
                        scroll: 0,
                    });
                }
            }
            Action::Details if self.pane == Pane::Journal => {
                if let Some(r) = self.journal.selected() {
                    let text = serde_json::to_string_pretty(&r.entry).unwrap_or_default();
                    let lines = text.lines().map(str::to_string).collect();
                    self.dialog = Some(Dialog::Text {
                        title: format!("journal #{}", r.seq),
                        lines,
                        scroll: 0,
                    });
                }
            }
            Action::PaneEvents => {
                self.pane = Pane::Events;
                self.mode = Mode::Normal;
                self.input = Input::new(self.events.filter().to_string());
                if self.events.load == Load::Idle {
                    return self.refresh_statuses();
                }
            }
            Action::SwitchView => {
                let to = if self.pane == Pane::Events {
                    Action::PaneJournal
                } else {
                    Action::PaneEvents
                };
                return self.action(to);
            }
            Action::JumpToInstance => {
                self.events.refresh_view();
                if let Some(id) = self.events.selected().map(|r| r.instance_id.clone()) {
                    self.pane = Pane::Instances;
                    self.instances.set_filter("");
                    self.input.reset();
                    self.instances.select_id(&id, h);
                    if self.instances.selected_id() != Some(id.as_str()) {
                        self.error(format!("{id} is not in the instances list (yet)"));
                    }
                }
            }
            Action::PaneJournal => {
                self.pane = Pane::Journal;
                self.mode = Mode::Normal;
                self.input = Input::new(self.journal.filter().to_string());
            }
            Action::PaneAmis => {
                self.pane = Pane::Amis;
                self.mode = Mode::Normal;
                self.input = Input::new(self.amis.filter().to_string());
                if self.amis.load == Load::Idle {
                    return self.refresh_amis();
                }
            }
            Action::Down => self.table_mut().move_by(1, h),
            Action::Up => self.table_mut().move_by(-1, h),
            Action::PageDown => self.table_mut().move_by(h as isize, h),
            Action::PageUp => self.table_mut().move_by(-(h as isize), h),
            Action::Top => self.table_mut().move_by(isize::MIN / 2, h),
            Action::Bottom => self.table_mut().move_by(isize::MAX / 2, h),
            Action::Filter => {
                self.input = Input::new(self.table().filter().to_string());
                self.mode = Mode::Filter;
            }
            Action::SortPrev | Action::SortNext => {
                let t = self.table_mut();
                let n = t.columns().len();
                let (col, _) = t.sort();
                let col = if a == Action::SortNext {
                    (col + 1) % n
                } else {
                    (col + n - 1) % n
                };
                t.set_sort(col, false);
                t.refresh_view();
                t.scroll_into_view(h);
                let title = t.columns()[col].title;
                self.info(format!("sorted by {title} ↑"));
            }
            Action::SortReverse => {
                let t = self.table_mut();
                let (col, desc) = t.sort();
                t.set_sort(col, !desc);
                t.refresh_view();
                t.scroll_into_view(h);
                let title = t.columns()[col].title;
                let arrow = if desc { "↑" } else { "↓" };
                self.info(format!("sorted by {title} {arrow}"));
            }
            Action::CycleScope => return self.cycle_scope(),
            Action::CreateImage => return self.propose_create_image(),
            Action::Launch => return self.propose_launch_from_ami(),
            Action::LaunchMore => return self.propose_launch_more(),
            Action::Deregister => return self.propose_deregister(),
            Action::CopyImage => return self.propose_copy(),
            Action::Details if self.pane == Pane::Amis => {
                self.amis.refresh_view();
                match self.amis.selected_id() {
                    Some(id) => {
                        self.dialog = Some(Dialog::ImageDetails {
                            id: id.to_string(),
                            scroll: 0,
                        })
                    }
                    None => self.error("no image selected"),
                }
            }
            Action::Details => {
                self.instances.refresh_view();
                if let Some(id) = self.instances.selected_id().map(str::to_string) {
                    self.dialog = Some(Dialog::Details(Details {
                        id: id.clone(),
                        user_data: Fetch::Loading,
                        scroll: 0,
                    }));
                    let mut fx = vec![Effect::FetchUserData { id: id.clone() }];
                    fx.extend(self.request_protection(vec![id]));
                    return fx;
                }
                self.error("no instance selected");
            }
            Action::Mark => {
                let t = self.table_mut();
                t.refresh_view();
                t.toggle_mark();
                t.move_by(1, h);
            }
            Action::ClearMarks => {
                let t = self.table_mut();
                if t.marks_len() > 0 {
                    t.clear_marks();
                } else if !t.filter().is_empty() {
                    t.set_filter("");
                    self.input.reset();
                }
            }
            Action::Start
            | Action::Stop
            | Action::ForceStop
            | Action::Reboot
            | Action::Terminate
            | Action::ToggleProtection => return self.propose(a),
        }
        vec![]
    }

    /// Opens the confirmation of a mutating action on the targets; nothing is sent yet.
    fn propose(&mut self, a: Action) -> Vec<Effect> {
        self.instances.refresh_view();
        let rows = self.instances.targets();
        if rows.is_empty() {
            self.error(format!("no instance selected to {}", a.describe()));
            return vec![];
        }
        let targets: Vec<Target> = rows
            .iter()
            .map(|r| Target {
                id: r.inst.id.clone(),
                name: r.inst.name.clone(),
            })
            .collect();
        let all_protected = rows.iter().all(|r| r.protected == Some(true));
        let op = match a {
            Action::Start => Ec2Op::Start(targets),
            Action::Stop => Ec2Op::Stop {
                targets,
                force: false,
            },
            Action::ForceStop => Ec2Op::Stop {
                targets,
                force: true,
            },
            Action::Reboot => Ec2Op::Reboot(targets),
            Action::Terminate => Ec2Op::Terminate(targets),
            Action::ToggleProtection => Ec2Op::SetProtection {
                targets,
                on: !all_protected,
            },
            _ => return vec![],
        };
        let ids: Vec<String> = op.targets().iter().map(|t| t.id.clone()).collect();
        let typed = op.is_destructive().then_some("terminate");
        self.dialog = Some(Dialog::Confirm(Confirm {
            op,
            typed,
            input: Input::default(),
            note: None,
        }));
        self.request_protection(ids).into_iter().collect()
    }

    fn on_dialog_key(&mut self, k: Key) -> Vec<Effect> {
        let Some(dialog) = self.dialog.as_mut() else {
            return vec![];
        };
        match dialog {
            Dialog::Form { .. } => self.on_form_key(k),
            Dialog::Help { scroll }
            | Dialog::ImageDetails { scroll, .. }
            | Dialog::Text { scroll, .. }
            | Dialog::Details(Details { scroll, .. }) => {
                match k.code {
                    KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') | KeyCode::Char('?') => {
                        self.dialog = None
                    }
                    KeyCode::Down | KeyCode::Char('j') => *scroll = scroll.saturating_add(1),
                    KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
                    KeyCode::PageDown | KeyCode::Char(' ') => *scroll = scroll.saturating_add(10),
                    KeyCode::PageUp => *scroll = scroll.saturating_sub(10),
                    KeyCode::Home | KeyCode::Char('g') => *scroll = 0,
                    _ => {}
                }
                self.clamp_dialog_scroll();
                vec![]
            }
            Dialog::Confirm(c) => {
                let submit = k.code == KeyCode::Enter || k == Key::ctrl('s');
                match (c.typed, k.code) {
                    (_, KeyCode::Esc) => {
                        self.dialog = None;
                        self.info("cancelled");
                        vec![]
                    }
                    (None, KeyCode::Char('n')) => {
                        self.dialog = None;
                        self.info("cancelled");
                        vec![]
                    }
                    (None, KeyCode::Char('y')) => self.confirm(),
                    (None, _) if submit => self.confirm(),
                    (Some(word), _) if submit => {
                        if c.input.value() == word {
                            self.confirm()
                        } else {
                            c.note = Some(format!(
                                "type {word} and press Enter to confirm, Esc to cancel"
                            ));
                            vec![]
                        }
                    }
                    (Some(_), _) => {
                        edit(&mut c.input, k);
                        c.note = None;
                        vec![]
                    }
                    _ => vec![],
                }
            }
        }
    }

    fn confirm(&mut self) -> Vec<Effect> {
        let Some(Dialog::Confirm(c)) = self.dialog.take() else {
            return vec![];
        };
        if self.ctx.read_only {
            self.error("read-only mode: nothing was sent");
            return vec![];
        }
        let n = c.op.targets().len();
        self.info(format!(
            "{} {n} instance{}…",
            c.op.done(),
            if n == 1 { "" } else { "s" }
        ));
        let req = self.req();
        vec![Effect::Call { req, op: c.op }]
    }

    /// The body of a confirmation dialog: what will happen, to what.
    pub fn confirm_body(&self, c: &Confirm) -> Vec<(String, Tone)> {
        let mut out = Vec::new();
        let n = c.op.targets().len();
        out.push((
            format!(
                "{} {n} instance{}:",
                capitalise(c.op.verb()),
                if n == 1 { "" } else { "s" }
            ),
            Tone::Normal,
        ));
        for t in c.op.targets() {
            let row = self.instances.get(&t.id);
            let state = row.map(|r| r.inst.state.as_str()).unwrap_or("?");
            let mut line = format!("  {}  [{state}]", t.label());
            let mut tone = Tone::Normal;
            if c.op.is_destructive() {
                match row.and_then(|r| r.protected) {
                    Some(true) => {
                        line.push_str("  protected: will be refused");
                        tone = Tone::Warn;
                    }
                    Some(false) => {}
                    None => line.push_str("  (checking protection…)"),
                }
            }
            out.push((line, tone));
            if c.op.is_destructive()
                && let Some(r) = row
            {
                for b in &r.inst.block_devices {
                    let (what, tone) = if b.delete_on_termination {
                        ("deleted", Tone::Bad)
                    } else {
                        ("kept   ", Tone::Good)
                    };
                    out.push((format!("      {what} {} {}", b.volume_id, b.device), tone));
                }
            }
        }
        out.push((String::new(), Tone::Normal));
        let consequence = match &c.op {
            Ec2Op::Start(_) => {
                "Instances boot; a stopped instance gets a new public IP unless it has an Elastic IP."
            }
            Ec2Op::Stop { force: false, .. } => {
                "The OS shuts down. Instance-store data is lost; EBS volumes are kept."
            }
            Ec2Op::Stop { force: true, .. } => {
                "FORCE: the OS gets no chance to flush caches or file systems. Instance-store data is lost."
            }
            Ec2Op::Reboot(_) => "The OS restarts; the instance keeps its IPs and data.",
            Ec2Op::Terminate(_) => {
                "Terminated instances cannot be started again. Volumes marked deleted go with them."
            }
            Ec2Op::SetProtection { on: true, .. } => {
                "Terminate calls will be refused until protection is turned off."
            }
            Ec2Op::SetProtection { on: false, .. } => "The instances can then be terminated.",
        };
        out.push((
            consequence.to_string(),
            if c.op.is_destructive() || matches!(c.op, Ec2Op::Stop { force: true, .. }) {
                Tone::Bad
            } else {
                Tone::Normal
            },
        ));
        out
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Applies an editing key to a single-line input.
pub fn edit(input: &mut Input, k: Key) {
    let req = match (k.code, k.ctrl) {
        (KeyCode::Char('w'), true) => InputRequest::DeletePrevWord,
        (KeyCode::Char('u'), true) => InputRequest::DeleteLine,
        (KeyCode::Char('a'), true) => InputRequest::GoToStart,
        (KeyCode::Char('e'), true) => InputRequest::GoToEnd,
        (KeyCode::Char(_), true) => return,
        (KeyCode::Char(c), false) => InputRequest::InsertChar(c),
        (KeyCode::Backspace, _) => InputRequest::DeletePrevChar,
        (KeyCode::Delete, _) => InputRequest::DeleteNextChar,
        (KeyCode::Left, _) => InputRequest::GoToPrevChar,
        (KeyCode::Right, _) => InputRequest::GoToNextChar,
        (KeyCode::Home, _) => InputRequest::GoToStart,
        (KeyCode::End, _) => InputRequest::GoToEnd,
        _ => return,
    };
    input.handle(req);
}
