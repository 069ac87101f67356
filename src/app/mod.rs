//! The pure core: one `AppState`, one `update` that turns events into state changes plus
//! effects, no I/O. The shell runs the effects and feeds their results back as events.
//!
//! The core keeps only what every pane shares (context, keymap, mode, input, dialog,
//! status) and the panes; everything about one kind of resource lives in its pane module
//! (`crate::panes`), which the core reaches through the `Pane` trait.

pub mod clip;
pub mod confirm;
pub mod export;
pub mod form;
pub mod intents;
pub mod keys;
pub mod pane;
pub mod safety;
pub mod switch;
pub mod table;
pub mod tags;
pub mod text;
pub mod watch;

pub use crate::aws::{Target, capitalise};
pub use intents::{Ask, Fact};
use std::any::Any;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use futures::future::BoxFuture;
use tui_input::{Input, InputRequest};

pub use form::{Field, FieldValue, Form, FormOutcome, Opt};
pub use keys::{Action, ActionSpec, Key, KeyCode, Keymap, PaneId, PaneKeys};
pub use pane::{ConfirmView, DetailsView, InFlight, Line, Lines, Pane, PaneSpec};
pub use safety::{Safety, SafetyEntry, SafetyRules};
pub use switch::{AllRegionsView, CORE, Choice, PickKind, Picker, Target as SwitchTarget};
pub use table::{
    Collection, Column, Load, Resource, TableOps, Term, Tone, age, cmp_ci, cmp_ip, key_bytes,
    key_ci, key_ip, key_num, lower,
};
pub use watch::Watch;
/// The word typed to confirm a change where `config.toml` asks for typed confirmations and
/// the change has no word of its own.
pub const TYPED_WORD: &str = "yes";

use crate::aws::{ApiError, ApiResult, Ec2Api, Identity, Op, Outcome, Page};
use clip::CopyWhat;

mod actions;
mod dialog;
mod effect;
mod help;
mod shared;
mod update;
pub use dialog::*;
pub use effect::*;
pub use shared::*;

/// Who and where: shown in the header so the account acted on is unmistakable.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub profile: String,
    pub region: String,
    pub endpoint: Option<String>,
    pub read_only: bool,
    pub demo: bool,
    pub account: Option<String>,
    /// The banner of this profile and region (`config.toml`), shown in the header.
    pub banner: Option<String>,
    /// Every change needs its word typed (`confirm = "typed"` in `config.toml`).
    pub typed: bool,
    /// `:region all`: the instances pane lists every enabled region.
    pub all_regions: bool,
}

/// A pane shown again after this long away (or the refresh period, if shorter) lists again.
pub const STALE_AFTER_SECS: i64 = 15;

/// What every pane shares.
pub struct Shared {
    pub ctx: Context,
    pub keymap: Keymap,
    pub mode: Mode,
    /// The filter or command line being edited.
    pub input: Input,
    pub dialog: Option<Dialog>,
    pub status: Option<Status>,
    /// The error on the status line came between two keys: what happens in the background
    /// (a watch settling, the start again after a refused image) goes to the log and leaves
    /// it shown until the user presses a key, so a failure never vanishes unread.
    pinned: bool,
    pub now: i64,
    pub size: (u16, u16),
    pub quit: bool,
    /// Seconds between full refreshes; 0 turns them off.
    pub refresh_secs: u64,
    /// Why the journal file cannot be written, if it cannot: shown in the header.
    pub journal_error: Option<String>,
    /// The focused pane.
    pub focused: PaneId,
    /// A `GetCallerIdentity` is in flight.
    identity_in_flight: bool,
    /// When the periodic refresh is next due (the app's clock); set from the end of the last
    /// listing.
    next_refresh: Option<i64>,
    /// The refresh being handled was asked for by the user: listings in flight restart.
    restart: bool,
    messages: Vec<Message>,
    messages_logged: u64,
    next_req: u64,
    outbox: Vec<Letter>,
    /// Requests of the tags form's calls: their answers go to `Pane::on_tags_done`.
    tag_calls: std::collections::HashSet<u64>,
    focus_to: Option<PaneId>,
    /// When each pane was last left for another: one away for a while lists again when it is
    /// focused (only the focused pane refreshes periodically).
    left_at: std::collections::HashMap<PaneId, i64>,
    /// Watch ticks each pane not shown has let pass since its last round.
    hidden_ticks: std::collections::HashMap<PaneId, u32>,
    /// Ctrl-y in a form: calls are kept here, not sent.
    capture: Option<Vec<Op>>,
    /// Ctrl-y in a form whose submit opens a flow of several steps: its runbook's lines.
    capture_lines: Vec<crate::aws::CliLine>,
    /// `config.toml`'s safety rules, and whether `--read-only` was given: together they
    /// make the context's safety (`apply_safety`), again on every switch.
    pub rules: SafetyRules,
    pub flag_read_only: bool,
    /// A key is being handled: a change sent now was asked for by the user.
    in_key: bool,
    /// A confirmation was just answered: its calls go out.
    confirmed: bool,
    /// Results of requests older than this (from before a switch) are dropped.
    epoch: u64,
}

/// A pane's view of the rest while it handles something: the shared state (through
/// `Deref`) and the other panes.
pub struct Cx<'a> {
    pub s: &'a mut Shared,
    /// The pane being handled.
    me: PaneId,
    before: &'a mut [Box<dyn Pane>],
    after: &'a mut [Box<dyn Pane>],
}

/// The whole state: what is shared, and the panes in registry order.
pub struct AppState {
    s: Shared,
    panes: Vec<Box<dyn Pane>>,
    focus: usize,
    /// Makes the panes afresh (a switch of region or profile starts every pane again).
    factory: Option<PaneFactory>,
}

/// Makes every pane, as the registry does.
pub type PaneFactory = Box<dyn Fn() -> Vec<Box<dyn Pane>> + Send>;

impl Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.s
    }
}

impl DerefMut for AppState {
    fn deref_mut(&mut self) -> &mut Shared {
        &mut self.s
    }
}

impl AppState {
    /// The state over these panes (the registry); the first is focused.
    pub fn new(ctx: Context, keymap: Keymap, panes: Vec<Box<dyn Pane>>) -> Self {
        let read_only = ctx.read_only;
        assert!(!panes.is_empty(), "at least one pane");
        let focused = panes[0].spec().id;
        Self {
            s: Shared {
                ctx,
                keymap,
                mode: Mode::Normal,
                input: Input::default(),
                dialog: None,
                status: None,
                pinned: false,
                now: 0,
                size: (120, 40),
                quit: false,
                refresh_secs: 30,
                journal_error: None,
                focused,
                identity_in_flight: false,
                rules: SafetyRules::default(),
                flag_read_only: read_only,
                in_key: false,
                confirmed: false,
                epoch: 0,
                next_refresh: None,
                restart: false,
                messages: Vec::new(),
                messages_logged: 0,
                next_req: 0,
                outbox: Vec::new(),
                focus_to: None,
                left_at: Default::default(),
                hidden_ticks: Default::default(),
                capture: None,
                tag_calls: Default::default(),
                capture_lines: Vec::new(),
            },
            panes,
            focus: 0,
            factory: None,
        }
    }

    /// The effects to run at start-up: who we are, and the first pane's list.
    /// How to make the panes afresh (on a switch of region or profile).
    pub fn set_factory(&mut self, make: PaneFactory) {
        self.factory = Some(make);
    }

    pub fn start(&mut self) -> Vec<Effect> {
        let mut fx = self.s.identity();
        fx.extend(self.with(self.focus, |p, cx| p.refresh(cx)));
        fx
    }

    pub fn panes(&self) -> impl Iterator<Item = &dyn Pane> {
        self.panes.iter().map(|p| p.as_ref())
    }

    /// A pane, by type.
    pub fn pane<P: Pane>(&self) -> Option<&P> {
        self.panes
            .iter()
            .find_map(|p| p.as_ref().as_any().downcast_ref::<P>())
    }

    pub fn pane_mut<P: Pane>(&mut self) -> Option<&mut P> {
        self.panes
            .iter_mut()
            .find_map(|p| p.as_mut().as_any_mut().downcast_mut::<P>())
    }

    pub fn pane_by_id(&self, id: &str) -> Option<&dyn Pane> {
        self.panes
            .iter()
            .find(|p| p.spec().id == id)
            .map(|p| p.as_ref())
    }

    fn index_of(&self, id: &str) -> Option<usize> {
        self.panes.iter().position(|p| p.spec().id == id)
    }

    /// The focused pane.
    pub fn focused(&self) -> &dyn Pane {
        self.panes[self.focus].as_ref()
    }

    pub fn focused_mut(&mut self) -> &mut dyn Pane {
        self.panes[self.focus].as_mut()
    }

    /// The focused pane's table.
    pub fn table(&self) -> &dyn TableOps {
        self.focused().table()
    }

    pub fn table_mut(&mut self) -> &mut dyn TableOps {
        self.focused_mut().table_mut()
    }

    /// The keymap sections of the focused pane, most specific first.
    pub fn scopes(&self) -> [&'static str; 3] {
        Keymap::scopes(self.s.focused)
    }

    /// Brings every table's view up to date; the shell calls this before drawing.
    pub fn prepare_draw(&mut self) {
        for p in &mut self.panes {
            p.table_mut().refresh_view();
        }
    }

    /// Runs `f` on pane `i` with the rest as its context, then delivers what it sent.
    fn with(
        &mut self,
        i: usize,
        f: impl FnOnce(&mut dyn Pane, &mut Cx) -> Vec<Effect>,
    ) -> Vec<Effect> {
        let mut fx = self.with_only(i, f);
        fx.extend(self.deliver());
        fx
    }

    fn with_only<T: Default>(
        &mut self,
        i: usize,
        f: impl FnOnce(&mut dyn Pane, &mut Cx) -> T,
    ) -> T {
        let (before, rest) = self.panes.split_at_mut(i);
        let Some((me, after)) = rest.split_first_mut() else {
            return T::default();
        };
        let mut cx = Cx {
            me: me.spec().id,
            s: &mut self.s,
            before,
            after,
        };
        f(me.as_mut(), &mut cx)
    }

    /// The first pane that takes an ask acts on it; none: an error, in the log and the
    /// status line (a flow that silently does nothing is worse).
    fn hand_ask(&mut self, from: PaneId, ask: &Ask) -> Vec<Effect> {
        if let Some(fx) = self.take_ask(ask) {
            return fx;
        }
        tracing::error!("no pane takes the ask {} (from {from})", ask.name());
        self.s.error(format!(
            "internal error: nothing here takes {} (from the {from} pane)",
            ask.name()
        ));
        vec![]
    }

    /// The effects of the first pane that takes the ask (None: no pane takes it).
    fn take_ask(&mut self, ask: &Ask) -> Option<Vec<Effect>> {
        (0..self.panes.len()).find_map(|i| self.with_only(i, |p, cx| p.on_ask(ask, cx)))
    }

    /// Whether some pane of the registry takes this ask (tests: every ask has a taker).
    pub fn takes(&mut self, ask: &Ask) -> bool {
        self.take_ask(ask).is_some()
    }

    /// Delivers messages between panes, then a requested focus change.
    fn deliver(&mut self) -> Vec<Effect> {
        let mut fx = Vec::new();
        // a message may answer with another; a few rounds are plenty, a loop is a bug
        for _ in 0..8 {
            let msgs = std::mem::take(&mut self.s.outbox);
            if msgs.is_empty() {
                break;
            }
            for letter in msgs {
                match letter {
                    Letter::Ask(from, ask) => fx.extend(self.hand_ask(from, &ask)),
                    Letter::Fact(from, fact) => {
                        for i in 0..self.panes.len() {
                            if self.panes[i].spec().id != from {
                                fx.extend(self.with_only(i, |p, cx| p.on_fact(&fact, cx)));
                            }
                        }
                    }
                }
            }
        }
        if let Some(to) = self.s.focus_to.take()
            && let Some(i) = self.index_of(to)
        {
            fx.extend(self.focus_pane(i));
        }
        fx
    }

    fn focus_pane(&mut self, i: usize) -> Vec<Effect> {
        let (from, to) = (self.s.focused, self.panes[i].spec().id);
        if from != to {
            self.s.left_at.insert(from, self.s.now);
        }
        let away = self.s.left_at.get(to).map(|t| self.s.now - t);
        self.focus = i;
        self.s.focused = to;
        self.s.mode = Mode::Normal;
        self.s.input = Input::new(self.panes[i].table().filter().to_string());
        let h = self.s.table_rows();
        let t = self.panes[i].table_mut();
        t.refresh_view();
        t.scroll_into_view(h);
        let mut fx = self.with_only(i, |p, cx| p.on_focus(cx));
        // rows left unrefreshed while the pane was not shown: listed again, and said so
        let stale_after = (self.s.refresh_secs as i64).min(STALE_AFTER_SECS);
        if let Some(secs) = away.filter(|a| self.s.refresh_secs > 0 && *a >= stale_after)
            && *self.panes[i].table().load() == Load::Loaded
        {
            let listing = self.with_only(i, |p, cx| p.refresh(cx));
            if !listing.is_empty() {
                self.s.info(format!(
                    "refreshing: back after {} elsewhere, the rows may be out of date…",
                    table::age(Some(self.s.now - secs), self.s.now)
                ));
            }
            fx.extend(listing);
        }
        fx.extend(self.deliver());
        fx
    }

    /// Runs `f` on every pane in turn.
    /// A watch round: the focused pane's watch every tick, the others' no faster than the
    /// refresh period (a pane not shown has nobody looking at it change).
    fn watch_round(&mut self) -> Vec<Effect> {
        let every = (self.s.refresh_secs.max(1) / watch::WATCH_TICK_SECS).max(1) as u32;
        let mut fx = Vec::new();
        for i in 0..self.panes.len() {
            let id = self.panes[i].spec().id;
            if i != self.focus {
                let n = self.s.hidden_ticks.entry(id).or_insert(0);
                *n += 1;
                if *n < every {
                    continue;
                }
            }
            self.s.hidden_ticks.insert(id, 0);
            fx.extend(self.with(i, |p, cx| p.on_watch_due(cx)));
        }
        fx
    }

    fn each(&mut self, f: impl Fn(&mut dyn Pane, &mut Cx) -> Vec<Effect>) -> Vec<Effect> {
        let mut fx = Vec::new();
        for i in 0..self.panes.len() {
            fx.extend(self.with(i, &f));
        }
        fx
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
