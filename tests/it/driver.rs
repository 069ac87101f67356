//! Drives the pure core the way the shell does, but with effects run inline (deterministic).

#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use ec2tui::app::{ApiEvent, AppState, Collection, Context, Effect, Event, Key, KeyCode};
use ec2tui::aws::{ApiResult, Ec2Api, Image, ImageScope, Instance, Op, Page, Snapshot, Volume};
use ec2tui::panes::events::{EventRow, EventsPane};
use ec2tui::panes::images::ImagesPane;
use ec2tui::panes::instances::{self, InstanceRow, InstancesPane};
use ec2tui::panes::journal::{JournalPane, JournalRow};
use ec2tui::panes::kit::launch::LaunchOptions;
use ec2tui::panes::snapshots::SnapshotsPane;
use ec2tui::panes::volumes::VolumesPane;
use ec2tui::tui::{Sink, run_effect};

/// The panes' tables, for tests.
pub trait Panes {
    fn instances(&self) -> &Collection<InstanceRow>;
    fn instances_mut(&mut self) -> &mut Collection<InstanceRow>;
    fn amis(&self) -> &Collection<Image>;
    fn amis_mut(&mut self) -> &mut Collection<Image>;
    fn volumes(&self) -> &Collection<Volume>;
    fn volumes_mut(&mut self) -> &mut Collection<Volume>;
    fn snapshots(&self) -> &Collection<Snapshot>;
    fn snapshots_mut(&mut self) -> &mut Collection<Snapshot>;
    fn events(&self) -> &Collection<EventRow>;
    fn events_mut(&mut self) -> &mut Collection<EventRow>;
    fn journal(&self) -> &Collection<JournalRow>;
    fn ami_scope(&self) -> ImageScope;
    fn launch_options(&self) -> Option<LaunchOptions>;
    /// Instance ids followed until they settle.
    fn watching(&self) -> Vec<String>;
}

impl Panes for AppState {
    fn instances(&self) -> &Collection<InstanceRow> {
        &self.pane::<InstancesPane>().unwrap().list
    }
    fn instances_mut(&mut self) -> &mut Collection<InstanceRow> {
        &mut self.pane_mut::<InstancesPane>().unwrap().list
    }
    fn amis(&self) -> &Collection<Image> {
        &self.pane::<ImagesPane>().unwrap().list
    }
    fn amis_mut(&mut self) -> &mut Collection<Image> {
        &mut self.pane_mut::<ImagesPane>().unwrap().list
    }
    fn volumes(&self) -> &Collection<Volume> {
        &self.pane::<VolumesPane>().unwrap().list
    }
    fn volumes_mut(&mut self) -> &mut Collection<Volume> {
        &mut self.pane_mut::<VolumesPane>().unwrap().list
    }
    fn snapshots(&self) -> &Collection<Snapshot> {
        &self.pane::<SnapshotsPane>().unwrap().list
    }
    fn snapshots_mut(&mut self) -> &mut Collection<Snapshot> {
        &mut self.pane_mut::<SnapshotsPane>().unwrap().list
    }
    fn events(&self) -> &Collection<EventRow> {
        &self.pane::<EventsPane>().unwrap().list
    }
    fn events_mut(&mut self) -> &mut Collection<EventRow> {
        &mut self.pane_mut::<EventsPane>().unwrap().list
    }
    fn journal(&self) -> &Collection<JournalRow> {
        &self.pane::<JournalPane>().unwrap().list
    }
    fn ami_scope(&self) -> ImageScope {
        self.pane::<ImagesPane>().unwrap().scope
    }
    fn launch_options(&self) -> Option<LaunchOptions> {
        self.pane::<ImagesPane>().unwrap().launch_options().cloned()
    }
    fn watching(&self) -> Vec<String> {
        self.pane::<InstancesPane>()
            .unwrap()
            .watching_ids()
            .map(str::to_string)
            .collect()
    }
}

/// The request id of the first fetch of `pane` whose job starts with `what`.
pub fn fetch_req(fx: &[Effect], pane: &str, what: &str) -> Option<u64> {
    fx.iter().find_map(|f| match f {
        Effect::Fetch { pane: p, req, job } if *p == pane && job.what.starts_with(what) => {
            Some(*req)
        }
        _ => None,
    })
}

/// A page of instances, as the instances pane's listing hands it back.
pub fn instances_page(req: u64, result: ApiResult<Page<Instance>>) -> Event {
    Event::Api(ApiEvent::Loaded {
        pane: instances::ID,
        req,
        data: Box::new(instances::Got::Page(result)),
    })
}

/// The ops of every call among the effects.
pub fn calls(fx: &[Effect]) -> Vec<&Op> {
    fx.iter()
        .flat_map(|f| match f {
            Effect::Call { ops, .. } => ops.iter().collect(),
            _ => Vec::new(),
        })
        .collect()
}

pub fn state(read_only: bool) -> AppState {
    let ctx = Context {
        profile: "test".into(),
        region: "us-east-1".into(),
        endpoint: None,
        read_only,
        demo: false,
        account: None,
        ..Default::default()
    };
    let mut app = ec2tui::panes::app(ctx, ec2tui::panes::default_keymap());
    app.now = 1_795_000_000;
    app.update(Event::Resize {
        width: 120,
        height: 30,
    });
    app
}

pub struct Driver<A: Ec2Api> {
    pub app: AppState,
    pub api: Arc<A>,
    pub journal: ec2tui::journal::Journal,
    /// Every effect `update` asked for, in order, described (`Effect::describe`).
    pub effects: Vec<String>,
    /// Every mutating call sent, in order.
    pub calls: Vec<Op>,
    /// Every text put on the clipboard, in order.
    pub clipboard: Vec<String>,
    /// Makes the clients of a switch (`:region`, `:profile`), as the binary's connector.
    pub connector: Option<Connector<A>>,
}

/// Where a test's file goes: a relative or `~/` path lands in a scratch directory, never
/// in the work tree or the user's home (random keys save files under default names).
fn in_scratch(path: &str) -> String {
    if std::path::Path::new(path).is_absolute() {
        return path.to_string();
    }
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("driver-files-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    dir.join(path.trim_start_matches("~/"))
        .display()
        .to_string()
}

/// A test's connector: new clients for (profile, region) and their account when it checked
/// it, or why not.
pub type Connector<A> = Box<
    dyn Fn(
            String,
            String,
        ) -> futures::future::BoxFuture<'static, Result<(A, Option<String>), String>>
        + Send,
>;

impl<A: Ec2Api> Driver<A> {
    pub fn new(api: A, read_only: bool) -> Self {
        Self {
            app: state(read_only),
            api: Arc::new(api),
            journal: ec2tui::journal::Journal::none(),
            effects: Vec::new(),
            calls: Vec::new(),
            clipboard: Vec::new(),
            connector: None,
        }
    }

    /// Journals into `dir` (as the binary does into its data directory).
    pub fn with_journal(mut self, dir: &std::path::Path) -> Self {
        let (j, warning) = ec2tui::journal::Journal::open(Some(dir), "test", "us-east-1");
        self.journal = j;
        if let Some(w) = warning {
            self.app.status = Some(ec2tui::app::Status {
                text: w,
                level: ec2tui::app::Level::Error,
            });
        }
        self
    }

    /// Starts the app and runs its effects to completion.
    pub async fn start(&mut self) {
        let fx = self.app.start();
        self.run(fx).await;
    }

    /// Runs effects inline and feeds their results back, until nothing is left to do.
    pub async fn run(&mut self, fx: Vec<Effect>) {
        let rest = self.run_until(fx, |_| false).await;
        debug_assert!(rest.is_empty());
    }

    /// Like `run`, but stops once an effect for which `stop` holds has run and its results
    /// were handed back; returns the effects still to run (to interleave keys with a flow).
    pub async fn run_until(
        &mut self,
        mut fx: Vec<Effect>,
        mut stop: impl FnMut(&Effect) -> bool,
    ) -> Vec<Effect> {
        while let Some(mut f) = (!fx.is_empty()).then(|| fx.remove(0)) {
            if let Effect::Write { path, .. } = &mut f {
                *path = in_scratch(path);
            }
            if let Effect::Call { ops, .. } = &mut f {
                for o in ops.iter_mut() {
                    if let Some(k) = o.get::<ec2tui::aws::ops::CreateKeyPair>() {
                        let path = in_scratch(&k.path);
                        *o = Op::new(ec2tui::aws::ops::CreateKeyPair { path, ..k.clone() });
                    }
                }
            }
            let hit = stop(&f);
            self.effects.push(f.describe());
            if let Effect::Call { ops, .. } = &f {
                self.calls.extend(ops.iter().cloned());
            }
            if let Effect::Clipboard(text) = &f {
                self.clipboard.push(text.clone());
            }
            if let Effect::Connect(to) = &f {
                let result = match &self.connector {
                    Some(c) => c(to.profile.clone(), to.region.clone()).await,
                    None => Err("no connector in this test".into()),
                };
                let result = result.map(|(api, account)| {
                    self.api = Arc::new(api);
                    account
                });
                fx.extend(self.app.update(Event::Api(ApiEvent::Connected {
                    to: to.clone(),
                    result,
                })));
                continue;
            }
            let events = Arc::new(Mutex::new(Vec::<ApiEvent>::new()));
            let to = events.clone();
            let sink: Sink = Arc::new(move |e| {
                to.lock().unwrap().push(e);
                true
            });
            let api: Arc<dyn Ec2Api> = self.api.clone();
            // boxed: the effect futures of the SDK are large in debug builds
            Box::pin(run_effect(api, &self.journal, f, sink)).await;
            let events = std::mem::take(&mut *events.lock().unwrap());
            for e in events {
                fx.extend(self.app.update(Event::Api(e)));
            }
            if hit {
                return fx;
            }
        }
        fx
    }

    pub async fn key(&mut self, k: Key) {
        let fx = self.app.update(Event::Key(k));
        self.run(fx).await;
    }

    pub async fn keys(&mut self, s: &str) {
        for c in s.chars() {
            self.key(Key::char(c)).await;
        }
    }

    pub async fn enter(&mut self) {
        self.key(Key::plain(KeyCode::Enter)).await;
    }

    /// Filters the table to rows matching `text` (`/text` Enter).
    pub async fn filter(&mut self, text: &str) {
        self.keys("/").await;
        self.key(Key::ctrl('u')).await; // replace, not extend, the current filter
        self.keys(text).await;
        self.enter().await;
    }

    pub fn status(&self) -> String {
        self.app
            .status
            .as_ref()
            .map(|s| s.text.clone())
            .unwrap_or_default()
    }
}
