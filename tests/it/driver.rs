//! Drives the pure core the way the shell does, but with effects run inline (deterministic).

#![allow(dead_code)]

use std::sync::Mutex;

use ec2tui::app::{ApiEvent, AppState, Context, Effect, Event, Key, KeyCode, Keymap};
use ec2tui::aws::Ec2Api;
use ec2tui::config::DEFAULT_KEYMAP;
use ec2tui::tui::run_effect;

pub fn state(read_only: bool) -> AppState {
    let ctx = Context {
        profile: "test".into(),
        region: "us-east-1".into(),
        endpoint: None,
        read_only,
        demo: false,
        account: None,
    };
    let mut app = AppState::new(ctx, Keymap::parse(DEFAULT_KEYMAP).unwrap());
    app.now = 1_795_000_000;
    app.update(Event::Resize {
        width: 120,
        height: 30,
    });
    app
}

pub struct Driver<A: Ec2Api> {
    pub app: AppState,
    pub api: A,
    pub journal: ec2tui::journal::Journal,
    /// Every effect `update` asked for, in order.
    pub effects: Vec<Effect>,
}

impl<A: Ec2Api> Driver<A> {
    pub fn new(api: A, read_only: bool) -> Self {
        Self {
            app: state(read_only),
            api,
            journal: ec2tui::journal::Journal::none(),
            effects: Vec::new(),
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
    pub async fn run(&mut self, mut fx: Vec<Effect>) {
        while let Some(f) = (!fx.is_empty()).then(|| fx.remove(0)) {
            self.effects.push(f.clone());
            let events = Mutex::new(Vec::<ApiEvent>::new());
            // boxed: the effect futures of the SDK are large in debug builds
            Box::pin(run_effect(&self.api, &self.journal, f, &|e| {
                events.lock().unwrap().push(e);
                true
            }))
            .await;
            for e in events.into_inner().unwrap() {
                fx.extend(self.app.update(Event::Api(e)));
            }
        }
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
