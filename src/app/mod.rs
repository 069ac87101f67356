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

/// Where a job's results go: each value is handed to the pane that asked, as
/// `ApiEvent::Loaded`. False: nobody listens any more.
pub type Emit = Arc<dyn Fn(Box<dyn Any + Send>) -> bool + Send + Sync>;

type JobFn = Box<dyn FnOnce(Arc<dyn Ec2Api>, Emit) -> BoxFuture<'static, ()> + Send>;

/// A read-only fetch a pane asks the shell to run: what it is (for logs and tests), and how.
pub struct Job {
    pub what: String,
    run: JobFn,
}

impl Job {
    /// One call, one result.
    pub fn once<T: Send + 'static>(
        what: impl Into<String>,
        f: impl FnOnce(Arc<dyn Ec2Api>) -> BoxFuture<'static, T> + Send + 'static,
    ) -> Self {
        Self {
            what: what.into(),
            run: Box::new(move |api, emit| {
                Box::pin(async move {
                    let v = f(api).await;
                    emit(Box::new(v));
                })
            }),
        }
    }

    /// Page after page: each page's result (wrapped by `wrap`) is handed over as it arrives,
    /// until the last page, the first error, or nobody listening.
    pub fn pages<T: Send + 'static, W: Send + 'static>(
        what: impl Into<String>,
        fetch: impl Fn(Arc<dyn Ec2Api>, Option<String>) -> BoxFuture<'static, ApiResult<Page<T>>>
        + Send
        + 'static,
        wrap: fn(ApiResult<Page<T>>) -> W,
    ) -> Self {
        Self {
            what: what.into(),
            run: Box::new(move |api, emit| {
                Box::pin(async move {
                    let mut token = None;
                    loop {
                        let result = fetch(api.clone(), token.take()).await;
                        let next = result.as_ref().ok().and_then(|p| p.next_token.clone());
                        let end = next.is_none();
                        if !emit(Box::new(wrap(result))) || end {
                            break;
                        }
                        token = next;
                    }
                })
            }),
        }
    }

    /// Anything else: `f` hands over as many values as it likes through `emit` (false:
    /// nobody listens any more, stop).
    pub fn stream(
        what: impl Into<String>,
        f: impl FnOnce(Arc<dyn Ec2Api>, Emit) -> BoxFuture<'static, ()> + Send + 'static,
    ) -> Self {
        Self {
            what: what.into(),
            run: Box::new(f),
        }
    }

    /// Runs the job (the shell spawns this; tests await it inline).
    pub fn run(self, api: Arc<dyn Ec2Api>, emit: Emit) -> BoxFuture<'static, ()> {
        (self.run)(api, emit)
    }
}

impl fmt::Debug for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Job({})", self.what)
    }
}

/// A program to run in the foreground, the terminal handed over (`c`, `C`): an argument
/// vector, never a shell line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exec {
    pub program: String,
    pub args: Vec<String>,
    /// Other programs it needs on `PATH` (the AWS CLI's Session Manager plugin).
    pub requires: Vec<String>,
    /// What it is, for messages: "SSM session on i-0123".
    pub what: String,
}

impl Exec {
    /// The command as one line, for messages (never run as such).
    pub fn line(&self) -> String {
        let all: Vec<String> = std::iter::once(&self.program)
            .chain(&self.args)
            .cloned()
            .collect();
        shell_line(&all)
    }
}

/// An argument vector as a POSIX shell line, quoted where needed (for showing and copying;
/// ec2tui itself never runs a shell).
pub fn shell_line(argv: &[String]) -> String {
    argv.iter()
        .map(|a| {
            let plain = !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c));
            if plain {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a written file holds: text, or a sheet the shell renders (off the loop's thread: an
/// export of 100,000 rows is 13 MB of CSV, 43 MB of JSON).
#[derive(Debug)]
pub enum Body {
    Text(String),
    Sheet(export::Sheet, export::Format),
}

impl Body {
    pub fn render(self) -> String {
        match self {
            Self::Text(t) => t,
            Self::Sheet(sheet, format) => sheet.render(format),
        }
    }
}

/// What the shell must do. `update` never does I/O itself.
#[derive(Debug)]
pub enum Effect {
    /// Who the credentials belong to (STS).
    Identity,
    /// A pane's read-only fetch; results come back as `ApiEvent::Loaded` for that pane.
    Fetch {
        pane: PaneId,
        req: u64,
        job: Job,
    },
    /// Mutating calls, journaled before and after each; the results come back together as
    /// `ApiEvent::Done` for that pane.
    Call {
        pane: PaneId,
        req: u64,
        ops: Vec<Op>,
    },
    /// Text for the clipboard: the shell writes it as OSC 52 (cleaned strings only).
    Clipboard(String),
    /// Leaves the alternate screen, runs a program in the foreground, and comes back; the
    /// outcome comes back as `ApiEvent::Exited`. A missing program is said before anything.
    Exec(Exec),
    /// Writes a file (`~/` expanded); never over an existing one unless `overwrite`. The
    /// outcome comes back as `ApiEvent::Wrote`.
    Write {
        path: String,
        text: Body,
        overwrite: bool,
        /// What it is, for the status line: "42 instances", "the console output of i-1".
        what: String,
    },
    /// Make clients for this profile in this region and use them from now on; the old ones
    /// stay until that succeeded. The outcome comes back as `ApiEvent::Connected`.
    Connect(switch::Target),
    /// A line in the journal that is not a call: a change left half done by a quit. The
    /// shell writes it before it runs any later effect (a quit follows).
    Note(InFlight),
    Quit,
}

impl Effect {
    /// A short description: "instances: DescribeInstances", "instances: StopInstances i-1".
    pub fn describe(&self) -> String {
        match self {
            Self::Identity => "GetCallerIdentity".into(),
            Self::Fetch { pane, job, .. } => format!("{pane}: {}", job.what),
            Self::Call { pane, ops, .. } => {
                let ops: Vec<String> = ops
                    .iter()
                    .map(|o| {
                        let r = o.record();
                        format!("{} {}", r.operation, r.targets.join(","))
                    })
                    .collect();
                format!("{pane}: {}", ops.join("; "))
            }
            Self::Clipboard(t) => format!("clipboard: {} bytes", t.len()),
            Self::Exec(e) => format!("run {}", e.line()),
            Self::Write { path, what, .. } => format!("write {what} to {path}"),
            Self::Connect(t) => format!("connect: profile {} in {}", t.profile, t.region),
            Self::Note(n) => format!("journal: interrupted {}", n.targets.join(",")),
            Self::Quit => "quit".into(),
        }
    }
}

/// A result coming back from the shell.
pub enum ApiEvent {
    Identity(ApiResult<Identity>),
    /// A value a pane's job handed over.
    Loaded {
        pane: PaneId,
        req: u64,
        data: Box<dyn Any + Send>,
    },
    /// The outcomes of a `Call`, in the order of its ops.
    Done {
        pane: PaneId,
        req: u64,
        results: Vec<(Op, ApiResult<Outcome>)>,
    },
    /// A program ran (`Effect::Exec`): its exit code, or why it did not run.
    Exited {
        what: String,
        result: Result<Option<i32>, String>,
    },
    /// A file was written (`Effect::Write`): where, or why not.
    Wrote {
        what: String,
        result: Result<String, String>,
    },
    /// The clients of `Effect::Connect` are in use (`Ok`), or could not be made.
    Connected {
        to: switch::Target,
        /// The new clients' account when the shell learned it making them.
        result: Result<Option<String>, String>,
    },
    /// A journal line was written (or could not be: `error`).
    Journal {
        entry: Box<crate::journal::Entry>,
        error: Option<String>,
    },
}

impl fmt::Debug for ApiEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Identity(r) => write!(f, "Identity({r:?})"),
            Self::Loaded { pane, req, .. } => write!(f, "Loaded({pane}, {req})"),
            Self::Done { pane, req, results } => write!(f, "Done({pane}, {req}, {results:?})"),
            Self::Journal { entry, error } => write!(f, "Journal({entry:?}, {error:?})"),
            Self::Wrote { what, result } => write!(f, "Wrote({what}, {result:?})"),
            Self::Connected { to, result } => write!(f, "Connected({to:?}, {result:?})"),
            Self::Exited { what, result } => write!(f, "Exited({what}, {result:?})"),
        }
    }
}

#[derive(Debug)]
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

/// A confirmation: the calls as data, what to call it, and for destructive ones the word to
/// type. Only the confirmation turns the ops into a `Call`.
#[derive(Debug, Clone)]
pub struct Confirm {
    /// The pane that asked: it draws the body and gets the results.
    pub pane: PaneId,
    /// The dialog's title: "Terminate".
    pub title: String,
    pub ops: Vec<Op>,
    pub typed: Option<&'static str>,
    /// Asked by the typed-confirmation rule for a change sent without a confirmation of
    /// its own (a form's): the body lists the calls.
    pub rule: bool,
    pub input: Input,
    pub note: Option<String>,
    /// The status line once confirmed: "stopping 2 instances…".
    pub progress: String,
    /// The first target line shown, when they do not all fit.
    pub scroll: usize,
    /// What the asking pane is handed (as [`Confirmed`]) once this is confirmed: a change of
    /// several steps, which the pane then drives without asking again.
    pub then: Option<Arc<dyn Any + Send + Sync>>,
    /// Destructive although its ops are not (the steps of `then` are).
    pub danger: bool,
}

/// The quit question's mark (see `AppState::quit`).
struct QuitAnyway;

fn quit_body(left: &[InFlight]) -> ConfirmView {
    if left.is_empty() {
        return ConfirmView {
            summary: vec![vec![(
                "Nothing is in the middle any more: y quits.".into(),
                Tone::Normal,
            )]],
            ..ConfirmView::default()
        };
    }
    // sentences, wrapped: each says what it leaves
    let mut summary = vec![vec![(
        format!(
            "{} change{} of several steps {} in the middle. Quitting now leaves:",
            left.len(),
            if left.len() == 1 { "" } else { "s" },
            if left.len() == 1 { "is" } else { "are" }
        ),
        Tone::Normal,
    )]];
    summary.extend(
        left.iter()
            .map(|l| vec![(format!("• {}", l.left), Tone::Warn)]),
    );
    ConfirmView {
        summary,
        items: Vec::new(),
        tail: vec![vec![(
            "The journal records it and the next start says so. n/Esc stays and lets it finish."
                .into(),
            Tone::Muted,
        )]],
    }
}

/// A pane's message: the confirmation it opened with [`Confirm::then`] was given.
pub struct Confirmed(pub Arc<dyn Any + Send + Sync>);

impl Confirm {
    pub fn new(pane: PaneId, title: impl Into<String>, ops: Vec<Op>) -> Self {
        Self {
            pane,
            title: title.into(),
            ops,
            typed: None,
            rule: false,
            input: Input::default(),
            note: None,
            progress: String::new(),
            scroll: 0,
            then: None,
            danger: false,
        }
    }
    pub fn is_destructive(&self) -> bool {
        self.danger || self.ops.iter().any(Op::is_destructive)
    }
}

/// What a form is for, as its pane defines it.
#[derive(Clone)]
pub struct FormTag(pub Arc<dyn Any + Send + Sync>);

impl FormTag {
    pub fn new<T: Any + Send + Sync>(t: T) -> Self {
        Self(Arc::new(t))
    }
    pub fn get<T: 'static>(&self) -> Option<&T> {
        self.0.downcast_ref()
    }
}

impl fmt::Debug for FormTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FormTag")
    }
}

/// What a key did to a form, for its pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormEvent {
    /// Ctrl-s, or Enter where it submits.
    Submit,
    /// The field with this label changed (a choice picked, a toggle flipped, text edited).
    Changed(&'static str),
}

#[derive(Debug, Clone)]
pub enum Dialog {
    Confirm(Confirm),
    /// A row's details, drawn from its pane.
    Details {
        pane: PaneId,
        id: String,
        scroll: u16,
    },
    Help {
        scroll: u16,
    },
    Form {
        pane: PaneId,
        form: Form,
        tag: FormTag,
    },
    /// A scrollable, searchable text: JSON (`J`), console output (`o`).
    Text(text::TextView),
    /// `Y`: what to copy of the selected or marked rows (`clip::MENU`).
    CopyMenu {
        cursor: usize,
    },
    /// `:region` / `:profile` without a name: pick one.
    Pick(Picker),
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

/// A result or error kept for the session (`:messages`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// 1, 2, 3... in the session.
    pub seq: u64,
    /// Seconds since the epoch.
    pub time: i64,
    pub level: Level,
    pub text: String,
}

/// How many messages the log keeps (the oldest tenth goes when it is full).
pub const MESSAGES_KEPT: usize = 10_000;
/// Seconds without a page after which `Ctrl-r` restarts a listing in flight.
pub const STALLED_SECS: i64 = 10;

/// Rows of chrome around the table: header, table borders and column titles, footer, status.
pub const CHROME_ROWS: u16 = 6;
/// Below this the UI says the terminal is too small instead of drawing.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

/// What a pane published for the others, delivered once its handler returns.
enum Letter {
    Ask(PaneId, Ask),
    Fact(PaneId, Fact),
}

/// What every pane shares.
pub struct Shared {
    pub ctx: Context,
    pub keymap: Keymap,
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
    focus_to: Option<PaneId>,
    /// Ctrl-y in a form: calls are kept here, not sent.
    capture: Option<Vec<Op>>,
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

/// The CLI options that take a list of ids.
const LIST_OPTIONS: [&str; 2] = ["--instance-ids", "--resources"];

/// Consecutive commands that differ only in the one value of a list option
/// (`--instance-ids`, `--resources`) become one command naming them all: stopping 30 marked
/// instances is one `aws ec2 stop-instances --instance-ids …`, not 30. Terminations stay one
/// per instance, as ec2tui sends them: EC2 refuses a whole TerminateInstances when one of its
/// instances is protected.
fn merge_lists(lines: Vec<Vec<String>>) -> Vec<Vec<String>> {
    // each command as (before the values, the values, after them)
    let mut out: Vec<(Vec<String>, Vec<String>, Vec<String>)> = Vec::new();
    for mut line in lines {
        let Some(p) = line
            .iter()
            .position(|a| LIST_OPTIONS.contains(&a.as_str()))
            .filter(|p| *p + 1 < line.len())
            .filter(|_| !line.iter().any(|a| a == "terminate-instances"))
        else {
            out.push((line, Vec::new(), Vec::new()));
            continue;
        };
        let after = line.split_off(p + 2);
        let value = line.pop().unwrap_or_default();
        // into the latest command that differs only in its values, looking back over commands
        // of the same kind (the calls of several regions come interleaved); never past another
        let kind = |l: &[String]| l.iter().take(3).cloned().collect::<Vec<_>>();
        let same = out
            .iter()
            .rev()
            .take_while(|(before, values, _)| !values.is_empty() && kind(before) == kind(&line))
            .position(|(before, _, rest)| *before == line && *rest == after);
        match same {
            Some(back) => {
                let at = out.len() - 1 - back;
                out[at].1.push(value);
            }
            None => out.push((line, vec![value], after)),
        }
    }
    out.into_iter()
        .map(|(mut line, values, after)| {
            line.extend(values);
            line.extend(after);
            line
        })
        .collect()
}

impl Shared {
    /// Calls are being collected for Ctrl-y (copy as a command), not sent: a form's submit
    /// that would ask a confirmation first hands over every call it leads to instead.
    pub fn capturing(&self) -> bool {
        self.capture.is_some()
    }

    /// The AWS CLI commands of these calls, whole: `aws`, the command, and `--region`,
    /// `--profile` and `--endpoint-url` as this session uses them.
    pub fn cli_lines(&self, ops: &[Op]) -> Vec<Vec<String>> {
        let ctx = &self.ctx;
        let lines = ops
            .iter()
            .flat_map(|o| o.cli(&ctx.region))
            .map(|args| {
                let mut a = vec!["aws".to_string()];
                let has_region = args.iter().any(|x| x == "--region");
                a.extend(args);
                if !has_region {
                    a.extend(["--region".to_string(), ctx.region.clone()]);
                }
                if !ctx.demo && !ctx.profile.is_empty() && ctx.profile != "default" {
                    a.extend(["--profile".to_string(), ctx.profile.clone()]);
                }
                if let Some(e) = &ctx.endpoint {
                    a.extend(["--endpoint-url".to_string(), e.clone()]);
                }
                a
            })
            .collect();
        merge_lists(lines)
    }

    /// A new request id (newest wins: results carry it back).
    pub fn req(&mut self) -> u64 {
        self.next_req += 1;
        self.next_req
    }

    /// Progress: shown on the status line, not kept.
    pub fn info(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            level: Level::Info,
        });
    }
    /// A result: shown, and kept in the message log.
    pub fn ok(&mut self, text: impl Into<String>) {
        let text = text.into();
        self.log(Level::Ok, &text);
        self.status = Some(Status {
            text,
            level: Level::Ok,
        });
    }
    /// An error: shown, and kept in the message log.
    pub fn error(&mut self, text: impl Into<String>) {
        let text = text.into();
        self.log(Level::Error, &text);
        self.status = Some(Status {
            text,
            level: Level::Error,
        });
    }

    /// Keeps a message in the log (`:messages`) without showing it: the full text of what a
    /// one-line summary shortens.
    pub fn log(&mut self, level: Level, text: &str) {
        if self.messages.len() >= MESSAGES_KEPT {
            self.messages.drain(..MESSAGES_KEPT / 10);
        }
        self.messages_logged += 1;
        self.messages.push(Message {
            seq: self.messages_logged,
            time: self.now,
            level,
            text: text.to_string(),
        });
    }

    /// The message log, oldest first (at most the last `MESSAGES_KEPT`).
    pub fn messages(&self) -> &[Message] {
        &self.messages
    }

    /// A listing finished: "refreshing…" has done its job.
    pub fn listed(&mut self) {
        if matches!(&self.status, Some(s) if s.level == Level::Info && s.text.starts_with("refreshing"))
        {
            self.status = None;
        }
    }

    /// An error with the hint of what to do about it (log in, check the network...).
    /// A call that ended in an error: "WHAT refused: …", or that its outcome is unknown.
    pub fn call_failed(&mut self, what: &str, e: &ApiError) {
        let text = self.with_hint(&e.failed(what), e);
        self.error(text);
    }

    pub fn error_with_hint(&mut self, what: &str, e: &ApiError) {
        let text = self.with_hint(&format!("{what}: {}", e.describe()), e);
        self.error(text);
    }

    pub fn with_hint(&self, text: &str, e: &ApiError) -> String {
        match e.hint(&self.ctx.profile) {
            Some(h) => format!("{text} — {h}"),
            None => text.to_string(),
        }
    }

    /// Rows the table has room for at the current size.
    pub fn table_rows(&self) -> usize {
        self.size.1.saturating_sub(CHROME_ROWS).max(1) as usize
    }

    /// From now on, results of the requests made so far are dropped (a switch of region or
    /// profile: nothing from before is shown under the new name).
    pub fn forget_before_now(&mut self) {
        self.epoch = self.next_req + 1;
        self.identity_in_flight = false;
    }

    /// The context's safety from the rules and the flag: read-only, banner, typed
    /// confirmation. A flag's or a rule's read-only is never turned off from inside the app.
    pub fn apply_safety(&mut self) {
        let s = self.rules.for_context(&self.ctx.profile, &self.ctx.region);
        self.ctx.read_only = self.flag_read_only || s.read_only;
        self.ctx.banner = s.banner;
        self.ctx.typed = s.typed;
    }

    /// The read-only in force comes from `config.toml` (not only the flag).
    fn rule_read_only(&self) -> bool {
        self.rules
            .for_context(&self.ctx.profile, &self.ctx.region)
            .read_only
    }

    /// Why changes are refused: the flag, or config.toml's rule.
    pub fn read_only_why(&self) -> String {
        if self.rule_read_only() {
            format!("{} is read-only in config.toml", self.where_())
        } else {
            "started with --read-only".into()
        }
    }

    /// "profile prod" / "region eu-west-1" / "config.toml (unreadable)": where the read-only
    /// comes from.
    fn where_(&self) -> String {
        let r = &self.rules;
        if r.broken {
            return "everything (config.toml could not be read)".into();
        }
        match (
            r.profiles
                .get(&self.ctx.profile)
                .is_some_and(|e| e.read_only),
            r.regions.get(&self.ctx.region).is_some_and(|e| e.read_only),
        ) {
            (true, _) => format!("profile {}", self.ctx.profile),
            _ => format!("region {}", self.ctx.region),
        }
    }

    /// Sends mutating calls for a pane. The one place read-only mode refuses them.
    pub fn call(&mut self, pane: PaneId, ops: Vec<Op>) -> Vec<Effect> {
        if ops.is_empty() {
            return vec![];
        }
        if let Some(kept) = &mut self.capture {
            kept.extend(ops);
            return vec![];
        }
        if self.ctx.read_only {
            if matches!(self.dialog, Some(Dialog::Form { .. } | Dialog::Confirm(_))) {
                self.dialog = None;
            }
            self.error(if self.rule_read_only() {
                format!(
                    "read-only: {} is read-only in config.toml; nothing was sent",
                    self.where_()
                )
            } else {
                "read-only mode: nothing was sent".to_string()
            });
            return vec![];
        }
        if self.ctx.typed && self.in_key && !self.confirmed {
            // a change the user sends without a confirmation of its own (a form's): the
            // rule asks (steps that follow a confirmed change on their own do not)
            let mut c = Confirm::new(pane, "Confirm", ops);
            c.typed = Some(TYPED_WORD);
            c.rule = true;
            self.dialog = Some(Dialog::Confirm(c));
            return vec![];
        }
        let req = self.req();
        vec![Effect::Call { pane, req, ops }]
    }

    /// Starts listing `list` with `job` unless a listing is in flight (coalesced): a listing
    /// making progress is never restarted, or a big fleet's refresh would never finish.
    /// `Ctrl-r` restarts a stalled one (no page for `STALLED_SECS`): the older listing's
    /// pages are then dropped (newest wins), so a stalled load never blocks a refresh.
    pub fn list<R: Resource>(
        &mut self,
        pane: PaneId,
        list: &mut Collection<R>,
        job: Job,
    ) -> Vec<Effect> {
        if list.is_loading() && !(self.restart && self.now - list.progress_at >= STALLED_SECS) {
            return vec![];
        }
        let (req, fx) = self.fetch(pane, job);
        list.begin(req);
        list.progress_at = self.now;
        vec![fx]
    }

    /// A page of a listing arrived: applied if it is the newest listing's; a failure of the
    /// newest listing is shown as "cannot list <what>" with its hint.
    pub fn page<R: Resource>(
        &mut self,
        list: &mut Collection<R>,
        req: u64,
        result: ApiResult<Page<R>>,
        what: &str,
    ) {
        match result {
            Ok(page) => {
                let last = page.next_token.is_none();
                if list.apply_page(req, page.items, last) && last {
                    self.listed();
                }
            }
            Err(e) => {
                if list.fail(req, e.clone()) {
                    self.error_with_hint(&format!("cannot list {what}"), &e);
                }
            }
        }
    }

    /// The next periodic refresh is due `refresh_secs` after the end of the last listing, so a
    /// listing that takes longer than the period is never started again before it ends.
    pub fn schedule_refresh(&mut self) {
        if self.refresh_secs > 0 {
            self.next_refresh = Some(self.now + self.refresh_secs as i64);
        }
    }

    /// Who the credentials belong to: asked at start, and again with every refresh until
    /// known (a throttled or failed start is not the end of it).
    pub fn identity(&mut self) -> Vec<Effect> {
        if self.ctx.account.is_some() || self.identity_in_flight {
            return vec![];
        }
        self.identity_in_flight = true;
        vec![Effect::Identity]
    }

    /// A fetch for a pane, with a new request id.
    pub fn fetch(&mut self, pane: PaneId, job: Job) -> (u64, Effect) {
        let req = self.req();
        (req, Effect::Fetch { pane, req, job })
    }

    /// Focuses another pane once the current handler (and its messages) are done.
    pub fn focus(&mut self, pane: PaneId) {
        self.focus_to = Some(pane);
    }

    pub fn open_form(&mut self, pane: PaneId, form: Form, tag: FormTag) {
        self.dialog = Some(Dialog::Form { pane, form, tag });
    }

    /// The open form, if a form is open.
    pub fn form_mut(&mut self) -> Option<&mut Form> {
        match &mut self.dialog {
            Some(Dialog::Form { form, .. }) => Some(form),
            _ => None,
        }
    }

    pub fn form(&self) -> Option<&Form> {
        match &self.dialog {
            Some(Dialog::Form { form, .. }) => Some(form),
            _ => None,
        }
    }

    /// The open form's tag, if its pane's form of type `T` is open.
    pub fn form_tag<T: 'static>(&self) -> Option<&T> {
        match &self.dialog {
            Some(Dialog::Form { tag, .. }) => tag.get::<T>(),
            _ => None,
        }
    }

    /// Shows an error in the open form (nothing was sent).
    pub fn form_error(&mut self, e: impl Into<String>) -> Vec<Effect> {
        if let Some(form) = self.form_mut() {
            form.error = Some(e.into());
            form.info = None;
        }
        vec![]
    }
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

impl Deref for Cx<'_> {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        self.s
    }
}

impl DerefMut for Cx<'_> {
    fn deref_mut(&mut self) -> &mut Shared {
        self.s
    }
}

impl Cx<'_> {
    /// Another pane, by type.
    pub fn pane<P: Pane>(&self) -> Option<&P> {
        self.before
            .iter()
            .chain(self.after.iter())
            .find_map(|p| p.as_ref().as_any().downcast_ref::<P>())
    }

    /// Asks whichever pane owns the kind to act, once the current handler returns
    /// (`Pane::on_ask`); one that no pane takes is an error in the log.
    pub fn ask(&mut self, ask: Ask) {
        let from = self.me;
        self.s.outbox.push(Letter::Ask(from, ask));
    }

    /// Tells every other pane what happened, once the current handler returns
    /// (`Pane::on_fact`).
    pub fn tell(&mut self, fact: Fact) {
        let from = self.me;
        self.s.outbox.push(Letter::Fact(from, fact));
    }

    /// A row of another kind by id, from whichever other pane lists that kind
    /// (`cx.find::<Instance>("i-…")`).
    pub fn find<T: Any>(&self, id: &str) -> Option<&T> {
        self.lists::<T>()
            .find_map(|t| t.find_any(id).and_then(|a| a.downcast_ref::<T>()))
    }

    /// Every row of another kind, from the other panes that list it (in no order).
    pub fn rows<T: Any>(&self) -> impl Iterator<Item = &T> {
        self.lists::<T>()
            .flat_map(|t| t.rows_any())
            .filter_map(|a| a.downcast_ref::<T>())
    }

    /// How the listing of kind `T` stands, in the other pane that lists it.
    pub fn load_of<T: Any>(&self) -> Option<&Load> {
        self.lists::<T>().next().map(|t| t.load())
    }

    /// The other panes' tables whose rows are of kind `T`.
    fn lists<T: Any>(&self) -> impl Iterator<Item = &dyn TableOps> {
        let want = std::any::TypeId::of::<T>();
        self.before
            .iter()
            .chain(self.after.iter())
            .map(|p| p.table())
            .filter(move |t| t.domain_type() == want)
    }
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
                capture: None,
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
        for i in 0..self.panes.len() {
            if let Some(fx) = self.with_only(i, |p, cx| p.on_ask(ask, cx)) {
                return fx;
            }
        }
        tracing::error!("no pane takes the ask {} (from {from})", ask.name());
        self.s.error(format!(
            "internal error: nothing here takes {} (from the {from} pane)",
            ask.name()
        ));
        vec![]
    }

    /// Whether some pane of the registry takes this ask (tests: every ask has a taker).
    pub fn takes(&mut self, ask: &Ask) -> bool {
        let n = self.s.messages().len();
        self.s.outbox.push(Letter::Ask("test", ask.clone()));
        let _ = self.deliver();
        let err = format!("nothing here takes {}", ask.name());
        !self.s.messages()[n.min(self.s.messages().len())..]
            .iter()
            .any(|m| m.text.contains(&err))
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
        self.focus = i;
        self.s.focused = self.panes[i].spec().id;
        self.s.mode = Mode::Normal;
        self.s.input = Input::new(self.panes[i].table().filter().to_string());
        let h = self.s.table_rows();
        let t = self.panes[i].table_mut();
        t.refresh_view();
        t.scroll_into_view(h);
        let mut fx = self.with_only(i, |p, cx| p.on_focus(cx));
        fx.extend(self.deliver());
        fx
    }

    /// Runs `f` on every pane in turn.
    fn each(&mut self, f: impl Fn(&mut dyn Pane, &mut Cx) -> Vec<Effect>) -> Vec<Effect> {
        let mut fx = Vec::new();
        for i in 0..self.panes.len() {
            fx.extend(self.with(i, &f));
        }
        fx
    }

    pub fn update(&mut self, ev: Event) -> Vec<Effect> {
        let mut fx = match ev {
            Event::Key(k) => {
                self.s.in_key = true;
                let fx = self.on_key(k);
                self.s.in_key = false;
                fx
            }
            Event::Resize { width, height } => {
                self.s.size = (width, height);
                if let Some(Dialog::Confirm(c)) = &mut self.s.dialog
                    && c.note.as_deref().is_some_and(|n| n.contains("too small"))
                {
                    c.note = None; // it was about the size before
                }
                let h = self.s.table_rows();
                let t = self.table_mut();
                t.refresh_view();
                t.scroll_into_view(h);
                vec![]
            }
            Event::Tick { now } => {
                self.s.now = now;
                if self.s.refresh_secs == 0 {
                    vec![]
                } else if self.s.next_refresh.is_none_or(|t| now < t) {
                    self.s
                        .next_refresh
                        .get_or_insert(now + self.s.refresh_secs as i64);
                    vec![]
                } else {
                    // (a pane that lists pushes this back again when its listing ends)
                    self.s.schedule_refresh();
                    return self.update(Event::RefreshDue);
                }
            }
            Event::RefreshDue => {
                let mut fx = self.s.identity();
                fx.extend(self.with(self.focus, |p, cx| p.refresh(cx)));
                fx
            }
            Event::WatchDue => self.each(|p, cx| p.on_watch_due(cx)),
            Event::Api(a) => self.on_api(a),
        };
        if !self.s.quit {
            fx.extend(self.each(|p, cx| p.after_event(cx)));
        }
        if self.s.ctx.typed
            && let Some(Dialog::Confirm(c)) = &mut self.s.dialog
            && c.typed.is_none()
        {
            // config.toml asks every change of this profile or region to be typed
            c.typed = Some(TYPED_WORD);
        }
        fx
    }

    fn on_api(&mut self, a: ApiEvent) -> Vec<Effect> {
        if self.stale(&a) {
            return vec![];
        }
        match a {
            ApiEvent::Loaded { pane, data, .. } if pane == CORE => self.on_core_loaded(data),
            ApiEvent::Connected { to, result } => return self.on_connected(to, result),
            ApiEvent::Identity(Ok(id)) => {
                self.s.identity_in_flight = false;
                self.s.ctx.account = Some(id.account);
            }
            ApiEvent::Identity(Err(e)) => {
                self.s.identity_in_flight = false;
                self.s.ctx.account = None;
                self.s.error_with_hint("cannot identify the account", &e);
            }
            ApiEvent::Loaded { pane, req, data } => {
                if let Some(i) = self.index_of(pane) {
                    // whichever way the pane applies it, a page that moved its listing on is
                    // progress; a listing that ended schedules the next periodic refresh
                    let before = self.panes[i].table().load().clone();
                    let fx = self.with(i, |p, cx| p.on_loaded(req, data, cx));
                    let now = self.s.now;
                    let table = self.panes[i].table_mut();
                    if *table.load() != before {
                        table.progressed(now);
                        if matches!(before, Load::Loading { .. }) && !table.is_loading() {
                            self.s.schedule_refresh();
                        }
                    }
                    return fx;
                }
            }
            ApiEvent::Done { pane, req, results } => {
                let tagging = |o: &Op| {
                    o.get::<tags::CreateTags>().is_some() || o.get::<tags::DeleteTags>().is_some()
                };
                if !results.is_empty() && results.iter().all(|(o, _)| tagging(o)) {
                    self.tags_done(pane, results);
                    return vec![];
                }
                if let Some(i) = self.index_of(pane) {
                    return self.with(i, |p, cx| p.on_done(req, results, cx));
                }
            }
            ApiEvent::Exited { what, result } => match result {
                Ok(Some(0)) => self.s.ok(format!("back from the {what}")),
                Ok(Some(code)) => self.s.error(format!(
                    "back from the {what}: it exited with status {code}"
                )),
                Ok(None) => self
                    .s
                    .error(format!("back from the {what}: it was ended by a signal")),
                Err(e) => self.s.error(e),
            },
            ApiEvent::Wrote { what, result } => match result {
                Ok(path) => self.s.ok(format!("wrote {what} to {path}")),
                Err(e) => self.s.error(format!("nothing written: {e}")),
            },
            ApiEvent::Journal { entry, error } => {
                for p in &mut self.panes {
                    p.on_journal(&entry);
                }
                if let Some(e) = error {
                    self.s.error(format!("{e} — the change was still sent"));
                    self.s.journal_error = Some(e);
                }
            }
        }
        vec![]
    }

    fn on_key(&mut self, k: Key) -> Vec<Effect> {
        if k == Key::ctrl('c') {
            // a second Ctrl-c on the question quits
            let asked = matches!(&self.s.dialog, Some(Dialog::Confirm(c))
                if c.then.as_ref().is_some_and(|t| t.is::<QuitAnyway>()));
            return self.quit(asked);
        }
        if self.s.dialog.is_some() {
            return self.on_dialog_key(k);
        }
        match self.s.mode {
            Mode::Filter => {
                match k.code {
                    KeyCode::Esc => {
                        self.s.input.reset();
                        self.table_mut().set_filter("");
                        self.s.mode = Mode::Normal;
                    }
                    KeyCode::Enter => self.s.mode = Mode::Normal,
                    _ => {
                        edit(&mut self.s.input, k);
                        let v = self.s.input.value().to_string();
                        let h = self.s.table_rows();
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
                    self.s.mode = Mode::Normal;
                    vec![]
                }
                KeyCode::Enter => {
                    self.s.mode = Mode::Normal;
                    let cmd = self.s.input.value().trim().to_string();
                    self.command(&cmd)
                }
                _ => {
                    edit(&mut self.s.input, k);
                    vec![]
                }
            },
            Mode::Normal => match self.s.keymap.lookup(&self.scopes(), k) {
                Some(a) => self.action(a),
                None => vec![],
            },
        }
    }

    fn command(&mut self, cmd: &str) -> Vec<Effect> {
        let (word, _arg) = cmd.split_once(' ').unwrap_or((cmd, ""));
        match word {
            "" => vec![],
            "q!" | "qa!" => self.quit(true),
            "q" | "quit" | "qa" | "exit" => self.quit(false),
            "help" | "h" => self.action(Action::Help),
            "export" | "export!" => self.export(_arg.trim(), word == "export!"),
            "region" => self.switch_command(PickKind::Region, _arg.trim()),
            "profile" => self.switch_command(PickKind::Profile, _arg.trim()),
            "refresh" | "r" => self.action(Action::Refresh),
            other => {
                let hit = self.panes.iter().position(|p| {
                    let s = p.spec();
                    s.commands.contains(&other) || s.number.is_some_and(|n| other.chars().eq([n]))
                });
                match hit {
                    Some(i) => self.action(Action::Focus(i)),
                    None => {
                        let panes: Vec<String> = self
                            .panes
                            .iter()
                            .map(|p| format!(":{}", p.spec().commands[0]))
                            .collect();
                        self.s.error(format!(
                            "unknown command :{other} — panes: {}; :q quits, ? helps",
                            panes.join(" ")
                        ));
                        vec![]
                    }
                }
            }
        }
    }

    /// Runs one action from the keymap.
    pub fn action(&mut self, a: Action) -> Vec<Effect> {
        let h = self.s.table_rows();
        if self.s.keymap.is_mutating(a) && self.s.ctx.read_only {
            let what = self.s.keymap.describe(a);
            let why = self.s.read_only_why();
            self.s
                .error(format!("read-only mode: {what} is disabled ({why})"));
            return vec![];
        }
        match a {
            Action::Quit => return self.quit(false),
            Action::Command => {
                self.s.input = Input::default();
                self.s.mode = Mode::Command;
            }
            Action::Help => self.s.dialog = Some(Dialog::Help { scroll: 0 }),
            Action::Refresh => {
                let mut fx = self.s.identity();
                let before = self.s.status.clone();
                let was_loading = self.table().is_loading();
                self.s.restart = true;
                let listing = self.with(self.focus, |p, cx| p.refresh(cx));
                self.s.restart = false;
                if !listing.is_empty() {
                    self.s.info(if was_loading {
                        "refreshing: the listing in progress starts again…"
                    } else {
                        "refreshing…"
                    });
                } else if self.s.status == before {
                    // (a pane that could not start says why itself)
                    let t = self.table();
                    self.s.info(if was_loading {
                        format!(
                            "still listing ({} so far): a listing making progress is not \
                             restarted (Ctrl-r restarts one {STALLED_SECS} s without a page)",
                            t.len()
                        )
                    } else {
                        "refresh already in progress".to_string()
                    });
                }
                fx.extend(listing);
                return fx;
            }
            Action::Focus(i) if i < self.panes.len() => return self.focus_pane(i),
            Action::Focus(_) => {}
            Action::Down => self.table_mut().move_by(1, h),
            Action::Up => self.table_mut().move_by(-1, h),
            Action::PageDown => self.table_mut().move_by(h as isize, h),
            Action::PageUp => self.table_mut().move_by(-(h as isize), h),
            Action::Top => self.table_mut().move_by(isize::MIN / 2, h),
            Action::Bottom => self.table_mut().move_by(isize::MAX / 2, h),
            Action::Filter => {
                self.s.input = Input::new(self.table().filter().to_string());
                self.s.mode = Mode::Filter;
            }
            Action::SortPrev | Action::SortNext | Action::SortReverse => {
                let now = self.s.now;
                let t = self.table_mut();
                let cols = t.columns();
                let n = cols.len();
                let (mut col, desc) = t.sort();
                // a column hidden while no row on screen fills it (the Region of one region's
                // list, the ASG of an account without groups) is not sorted by: the user could
                // not see it
                let hidden = |c: usize, t: &dyn TableOps| {
                    cols[c].hide_empty
                        && t.visible_cells(h, &[c], now)
                            .iter()
                            .all(|r| r.cells[0].0.is_empty())
                };
                let desc = match a {
                    Action::SortNext | Action::SortPrev => {
                        let step = if a == Action::SortNext { 1 } else { n - 1 };
                        for _ in 0..n {
                            col = (col + step) % n;
                            if !hidden(col, &*t) {
                                break;
                            }
                        }
                        false
                    }
                    _ => !desc,
                };
                t.set_sort_pos(col, desc);
                t.refresh_view();
                t.scroll_into_view(h);
                let title = t.columns()[col].title;
                let arrow = if desc { "↓" } else { "↑" };
                self.s.info(format!("sorted by {title} {arrow}"));
            }
            Action::Details => return self.with(self.focus, |p, cx| p.on_details(cx)),
            Action::Mark => {
                let t = self.table_mut();
                t.refresh_view();
                t.toggle_mark();
                t.move_by(1, h);
            }
            Action::ClearMarks => {
                let h = self.s.table_rows();
                let t = self.table_mut();
                if t.marks_len() > 0 {
                    t.clear_marks();
                } else if !t.filter().is_empty() {
                    t.set_filter("");
                    // the selection is kept: on screen, where the keys act on it
                    t.refresh_view();
                    t.scroll_into_view(h);
                    self.s.input.reset();
                }
            }
            Action::Copy => return self.copy(CopyWhat::Id),
            Action::Tags => self.open_tags(),
            Action::Raw => {
                self.table_mut().refresh_view();
                let t = self.table();
                match t
                    .selected_id()
                    .map(|id| (id.to_string(), t.json_of(id, self.s.now)))
                {
                    Some((id, Some(v))) => {
                        let text = serde_json::to_string_pretty(&v).unwrap_or_default();
                        let lines = text.lines().map(str::to_string).collect();
                        let mut view =
                            text::TextView::new(self.s.focused, format!("{id} (JSON)"), lines);
                        view.save_as = Some(format!("{id}.json"));
                        view.what = format!("the JSON of {id}");
                        self.s.dialog = Some(Dialog::Text(view));
                    }
                    _ => {
                        let one = self.focused().spec().one;
                        self.s.error(format!("no {one} selected"));
                    }
                }
            }
            Action::CopyMenu => self.s.dialog = Some(Dialog::CopyMenu { cursor: 0 }),
            Action::Pane(p, _) if p == self.focus => {
                if let Some(spec) = self.s.keymap.pane_action(a) {
                    let name = spec.name;
                    return self.with(self.focus, |p, cx| p.on_action(name, cx));
                }
            }
            Action::Pane(..) => {}
        }
        vec![]
    }

    fn on_dialog_key(&mut self, k: Key) -> Vec<Effect> {
        // a pane's details view: its pane may handle the key first (a list inside it)
        if let Some(Dialog::Details { pane, id, .. }) = &self.s.dialog {
            let (pane, id) = (*pane, id.clone());
            if let Some(i) = self.index_of(pane) {
                let mut handled = false;
                let fx = self.with(i, |p, cx| match p.on_details_key(&id, k, cx) {
                    Some(fx) => {
                        handled = true;
                        fx
                    }
                    None => Vec::new(),
                });
                if handled {
                    return fx;
                }
            }
        }
        // a confirmation can be answered only while all of it is on screen
        let (w, h) = self.s.size;
        let confirm_shown = match &self.s.dialog {
            Some(Dialog::Confirm(c)) => {
                w >= MIN_WIDTH && h >= MIN_HEIGHT && self.confirm_fit(c).answerable
            }
            _ => true,
        };
        let Some(dialog) = self.s.dialog.as_mut() else {
            return vec![];
        };
        match dialog {
            Dialog::Pick(_) => self.on_picker_key(k),
            Dialog::Form { .. } if k == Key::ctrl('y') => self.form_cli(),
            Dialog::Confirm(c) if k == Key::ctrl('y') => {
                let ops = c.ops.clone();
                self.copy_cli(&ops)
            }
            Dialog::Form { form, pane, tag } => {
                let outcome = form.key(k);
                let (pane, tag) = (*pane, tag.clone());
                let ev = match outcome {
                    FormOutcome::Cancel => {
                        self.s.dialog = None;
                        self.s.info("cancelled");
                        return vec![];
                    }
                    FormOutcome::Submit => {
                        let (w, h) = self.s.size;
                        if w < MIN_WIDTH || h < MIN_HEIGHT {
                            // the form is not on screen: it cannot be submitted
                            form.error = Some(format!(
                                "the terminal is too small to show this form ({w}×{h}): enlarge it to at least {MIN_WIDTH}×{MIN_HEIGHT}"
                            ));
                            return vec![];
                        }
                        FormEvent::Submit
                    }
                    FormOutcome::Changed(i) => {
                        form.error = None;
                        FormEvent::Changed(form.fields[i].label)
                    }
                    FormOutcome::Edited => return vec![],
                };
                if let Some(t) = tag.get::<tags::TagsForm>() {
                    return match ev {
                        FormEvent::Submit => self.submit_tags(pane, t.clone()),
                        FormEvent::Changed(_) => vec![],
                    };
                }
                match self.index_of(pane) {
                    Some(i) => self.with(i, |p, cx| p.on_form(&tag, ev, cx)),
                    None => vec![],
                }
            }
            Dialog::Text(view) => {
                let page = self.s.size.1.saturating_sub(8).max(1) as usize;
                // as the view is drawn: the popup's width, less its border
                view.width = text::popup_width(self.s.size.0).saturating_sub(2) as usize;
                match view.key(k, page) {
                    text::TextKey::None => vec![],
                    text::TextKey::Close => {
                        self.s.dialog = None;
                        vec![]
                    }
                    text::TextKey::Refresh(action) => {
                        let pane = view.pane;
                        match self.index_of(pane) {
                            Some(i) => self.with(i, |p, cx| p.on_action(action, cx)),
                            None => vec![],
                        }
                    }
                    text::TextKey::Save { path, text } => {
                        let what = view.what.clone();
                        vec![Effect::Write {
                            path,
                            text: Body::Text(text),
                            overwrite: false,
                            what,
                        }]
                    }
                }
            }
            Dialog::CopyMenu { cursor } => {
                let n = clip::MENU.len();
                let pick = match k.code {
                    KeyCode::Esc | KeyCode::Char('q') => {
                        self.s.dialog = None;
                        return vec![];
                    }
                    KeyCode::Down | KeyCode::Char('j') => {
                        *cursor = (*cursor + 1) % n;
                        None
                    }
                    KeyCode::Up | KeyCode::Char('k') => {
                        *cursor = (*cursor + n - 1) % n;
                        None
                    }
                    KeyCode::Enter => Some(*cursor),
                    KeyCode::Char(c) => c
                        .to_digit(10)
                        .map(|d| d as usize)
                        .filter(|d| (1..=n).contains(d))
                        .map(|d| d - 1),
                    _ => None,
                };
                match pick {
                    Some(i) => {
                        self.s.dialog = None;
                        self.copy(clip::MENU[i].0)
                    }
                    None => vec![],
                }
            }
            Dialog::Help { scroll } | Dialog::Details { scroll, .. } => {
                match k.code {
                    KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') | KeyCode::Char('?') => {
                        self.s.dialog = None
                    }
                    KeyCode::Down | KeyCode::Char('j') => *scroll = scroll.saturating_add(1),
                    KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
                    KeyCode::PageDown | KeyCode::Char(' ') => *scroll = scroll.saturating_add(10),
                    KeyCode::PageUp => *scroll = scroll.saturating_sub(10),
                    KeyCode::Home | KeyCode::Char('g') => *scroll = 0,
                    KeyCode::End | KeyCode::Char('G') => *scroll = u16::MAX,
                    _ => {}
                }
                self.clamp_dialog_scroll();
                vec![]
            }
            Dialog::Confirm(c) => {
                let submit = k.code == KeyCode::Enter || k == Key::ctrl('s');
                let scroll = match (c.typed, k.code) {
                    (_, KeyCode::Down) | (None, KeyCode::Char('j')) => Some(1),
                    (_, KeyCode::Up) | (None, KeyCode::Char('k')) => Some(-1),
                    (_, KeyCode::PageDown) | (None, KeyCode::Char(' ')) => Some(10),
                    (_, KeyCode::PageUp) => Some(-10),
                    _ => None,
                };
                if let Some(by) = scroll {
                    // from where it is drawn, to at most where the last line shows
                    let c2 = c.clone();
                    let fit = self.confirm_fit(&c2);
                    if let Some(Dialog::Confirm(c)) = &mut self.s.dialog {
                        c.scroll = c
                            .scroll
                            .min(fit.max_scroll)
                            .saturating_add_signed(by)
                            .min(fit.max_scroll);
                    }
                    return vec![];
                }
                let answering = submit || (c.typed.is_none() && k.code == KeyCode::Char('y'));
                if answering && !confirm_shown {
                    // the prompt, or what it confirms, is not on screen: it cannot be answered
                    c.note = Some(format!(
                        "the terminal is too small to show this confirmation whole ({w}×{h}): enlarge it"
                    ));
                    return vec![];
                }
                match (c.typed, k.code) {
                    (_, KeyCode::Esc) | (None, KeyCode::Char('n')) => {
                        let quitting = c.then.as_ref().is_some_and(|t| t.is::<QuitAnyway>());
                        self.s.dialog = None;
                        self.s.info(if quitting {
                            "not quitting: what is in the middle goes on"
                        } else {
                            "cancelled"
                        });
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
                    (Some(_), _) if !confirm_shown => {
                        // nothing is typed into a prompt that is not drawn
                        c.note = Some(format!(
                            "the terminal is too small to show this confirmation whole ({w}×{h}): enlarge it"
                        ));
                        vec![]
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

    /// `t`: the tags form over the focused pane's selected or marked rows.
    fn open_tags(&mut self) {
        if self.s.ctx.read_only {
            let why = self.s.read_only_why();
            self.s
                .error(format!("read-only mode: editing tags is disabled ({why})"));
            return;
        }
        self.table_mut().refresh_view();
        let spec = self.focused().spec();
        if !self.table().taggable() {
            self.s.error(format!(
                "no tags to edit here: {} have none",
                self.focused().noun()
            ));
            return;
        }
        let targets = self.table().tag_targets();
        if targets.is_empty() {
            self.s.error(format!("no {} selected to tag", spec.one));
            return;
        }
        let n = targets.len();
        let noun = if n == 1 {
            spec.one.to_string()
        } else {
            self.focused().noun().to_string()
        };
        let all: Vec<Vec<(String, String)>> = targets.iter().map(|(_, _, t)| t.clone()).collect();
        let form = tags::form(&noun, n, &tags::common(&all));
        let tag = FormTag::new(tags::TagsForm {
            targets: targets.into_iter().map(|(a, r, _)| (a, r)).collect(),
            noun,
        });
        self.s.open_form(spec.id, form, tag);
    }

    /// The tags form was submitted: checked, then sent as `CreateTags` / `DeleteTags`.
    fn submit_tags(&mut self, pane: PaneId, t: tags::TagsForm) -> Vec<Effect> {
        let Some(form) = self.s.form() else {
            return vec![];
        };
        let (set, remove) = (
            form.field(tags::F_SET).get(),
            form.field(tags::F_REMOVE).get(),
        );
        let (set, remove) = match tags::parse(&set, &remove) {
            Ok(x) => x,
            Err(e) => return self.s.form_error(e),
        };
        if set.is_empty() && remove.is_empty() {
            return self
                .s
                .form_error("nothing to change: add Key=Value lines or keys to remove");
        }
        let label = match t.targets.as_slice() {
            [(_, row)] => row.clone(),
            many => format!("{} {}", many.len(), t.noun),
        };
        let mut ops = Vec::new();
        if !set.is_empty() {
            ops.push(Op::new(tags::CreateTags {
                targets: t.targets.clone(),
                label: label.clone(),
                tags: set,
            }));
        }
        if !remove.is_empty() {
            ops.push(Op::new(tags::DeleteTags {
                targets: t.targets.clone(),
                label,
                keys: remove,
            }));
        }
        self.s.dialog = None;
        self.s
            .info(format!("tagging {} {}…", t.targets.len(), t.noun));
        self.s.call(pane, ops)
    }

    /// Tag calls came back: the rows take their new tags; the status says what happened.
    fn tags_done(&mut self, pane: PaneId, results: Vec<(Op, ApiResult<Outcome>)>) {
        let mut done = Vec::new();
        let mut failed = Vec::new();
        for (op, r) in &results {
            match r {
                Ok(_) => done.push(op.describe()),
                Err(e) => failed.push(self.s.with_hint(&e.failed(&op.describe()), e)),
            }
            if r.is_err() {
                continue;
            }
            let Some(i) = self.index_of(pane) else {
                continue;
            };
            let table = self.panes[i].table_mut();
            if let Some(c) = op.get::<tags::CreateTags>() {
                for (_, row) in &c.targets {
                    if let Some(mut cur) = table.tags_of(row) {
                        for (k, v) in &c.tags {
                            match cur.iter_mut().find(|(x, _)| x == k) {
                                Some(e) => e.1 = v.clone(),
                                None => cur.push((k.clone(), v.clone())),
                            }
                        }
                        table.set_tags(row, cur);
                    }
                }
            }
            if let Some(d) = op.get::<tags::DeleteTags>() {
                for (_, row) in &d.targets {
                    if let Some(mut cur) = table.tags_of(row) {
                        cur.retain(|(k, _)| !d.keys.contains(k));
                        table.set_tags(row, cur);
                    }
                }
            }
        }
        if failed.is_empty() {
            self.s.ok(done.join("; "));
        } else {
            let mut text = failed.join("; ");
            if !done.is_empty() {
                text = format!("{}; {text}", done.join("; "));
            }
            self.s.error(text);
        }
    }

    /// Ctrl-y: the AWS CLI commands equivalent to these calls, copied to the clipboard and
    /// shown in the open dialog (and in full in `:messages`).
    fn copy_cli(&mut self, ops: &[Op]) -> Vec<Effect> {
        let lines: Vec<String> = self
            .s
            .cli_lines(ops)
            .iter()
            .map(|a| shell_line(a))
            .collect();
        let shown = match lines.as_slice() {
            [] => {
                let e = "no AWS CLI command to show for this".to_string();
                match &mut self.s.dialog {
                    Some(Dialog::Confirm(c)) => c.note = Some(e),
                    Some(Dialog::Form { form, .. }) => form.error = Some(e),
                    _ => self.s.error(e),
                }
                return vec![];
            }
            [one] => one.clone(),
            [first, rest @ ..] => format!("{first}  (+{} more: :messages)", rest.len()),
        };
        let n = lines.len();
        for (i, l) in lines.iter().enumerate() {
            self.s.log(
                Level::Ok,
                &format!("AWS CLI command {}/{n} copied: {l}", i + 1),
            );
        }
        let note = format!("copied: {shown}");
        match &mut self.s.dialog {
            Some(Dialog::Confirm(c)) => c.note = Some(note.clone()),
            Some(Dialog::Form { form, .. }) => {
                form.error = None;
                form.info = Some(note.clone());
            }
            _ => {}
        }
        self.s.status = Some(Status {
            text: format!("{note} (OSC 52: the terminal must allow it)"),
            level: Level::Ok,
        });
        vec![Effect::Clipboard(clip::clip_text(&lines))]
    }

    /// Ctrl-y in a form: its submit, run with calls collected instead of sent; the form,
    /// the status line and the dialog are put back as they were.
    fn form_cli(&mut self) -> Vec<Effect> {
        let Some(Dialog::Form { pane, tag, .. }) = &self.s.dialog else {
            return vec![];
        };
        let (pane, tag) = (*pane, tag.clone());
        let (dialog, status) = (self.s.dialog.clone(), self.s.status.clone());
        self.s.capture = Some(Vec::new());
        // (no effect of a dry submit is run: fetches it asked for are dropped)
        let _ = match tag.get::<tags::TagsForm>() {
            Some(t) => self.submit_tags(pane, t.clone()),
            None => match self.index_of(pane) {
                Some(i) => self.with(i, |p, cx| p.on_form(&tag, FormEvent::Submit, cx)),
                None => vec![],
            },
        };
        let ops = self.s.capture.take().unwrap_or_default();
        let refusal = match &self.s.dialog {
            Some(Dialog::Form { form, .. }) => form.error.clone(),
            _ => None,
        };
        self.s.dialog = dialog;
        self.s.status = status;
        if ops.is_empty() {
            return self.s.form_error(
                refusal.unwrap_or_else(|| "nothing would be sent: no command to copy".into()),
            );
        }
        self.copy_cli(&ops)
    }

    /// `:export PATH`: the focused pane as shown to a CSV or JSON file.
    fn export(&mut self, path: &str, overwrite: bool) -> Vec<Effect> {
        if path.is_empty() {
            self.s
                .error("export to where? :export PATH.csv or PATH.json (:export! overwrites)");
            return vec![];
        }
        let Some(format) = export::Format::of(path) else {
            self.s.error(format!(
                "cannot export to {path}: the file must end in .csv or .json"
            ));
            return vec![];
        };
        self.table_mut().refresh_view();
        let sheet = self.table().sheet(self.s.now);
        let n = sheet.rows.len();
        let what = format!(
            "{n} {}",
            if n == 1 {
                self.focused().spec().one.to_string()
            } else {
                self.focused().noun().to_string()
            }
        );
        self.s.info(format!("exporting {what}…"));
        vec![Effect::Write {
            path: path.to_string(),
            text: Body::Sheet(sheet, format),
            overwrite,
            what,
        }]
    }

    /// Copies what `what` names of the focused pane's selected or marked rows.
    fn copy(&mut self, what: CopyWhat) -> Vec<Effect> {
        self.table_mut().refresh_view();
        let asked = self.table().marks_len().max(1);
        match self.focused().copy(what, &self.s) {
            Ok(values) => {
                let said = if values.len() < asked {
                    format!(
                        "copied {} of {asked} ({} without a {}) to the clipboard (OSC 52: the \
                         terminal must allow it; in tmux, set-clipboard on)",
                        values.len(),
                        asked - values.len(),
                        what.label()
                    )
                } else {
                    clip::copied_status(what, &values)
                };
                self.s.ok(said);
                vec![Effect::Clipboard(clip::clip_text(&values))]
            }
            Err(e) => {
                self.s.error(format!("nothing copied: {e}"));
                vec![]
            }
        }
    }

    /// Says what an earlier quit left in the middle (from the journal): each in the message
    /// log, the first on the status line.
    pub fn report_interrupted(&mut self, found: Vec<String>) {
        let n = found.len();
        for f in found.iter().skip(1) {
            self.s.log(Level::Error, f);
        }
        if let Some(first) = found.into_iter().next() {
            self.s.error(if n > 1 {
                format!("{first} (+{} more: :messages)", n - 1)
            } else {
                first
            });
        }
    }

    /// Every change of several steps in the middle, pane by pane.
    pub fn in_flight(&self) -> Vec<InFlight> {
        self.panes.iter().flat_map(|p| p.in_flight()).collect()
    }

    /// Quits, unless a change of several steps is in the middle and `force` is not given:
    /// then it asks, naming each and the state it would be left in. Quitting with them
    /// journals each, so that the next start can say so.
    fn quit(&mut self, force: bool) -> Vec<Effect> {
        let left = self.in_flight();
        // below the smallest size the question could not be drawn: the screen says
        // instead that q quits and leaves them (see ui::draw)
        let (w, h) = self.s.size;
        let shown = w >= MIN_WIDTH && h >= MIN_HEIGHT;
        if !left.is_empty() && !force && shown {
            let mut c = Confirm::new(CORE, "Quit with changes in the middle", vec![]);
            c.then = Some(Arc::new(QuitAnyway));
            c.danger = true;
            self.s.dialog = Some(Dialog::Confirm(c));
            return vec![];
        }
        self.s.quit = true;
        let mut fx: Vec<Effect> = left.into_iter().map(Effect::Note).collect();
        fx.push(Effect::Quit);
        fx
    }

    fn confirm(&mut self) -> Vec<Effect> {
        if let Some(Dialog::Confirm(c)) = &self.s.dialog
            && c.then.as_ref().is_some_and(|t| t.is::<QuitAnyway>())
        {
            self.s.dialog = None;
            return self.quit(true);
        }
        let Some(Dialog::Confirm(c)) = self.s.dialog.take() else {
            return vec![];
        };
        if !c.progress.is_empty() && !self.s.ctx.read_only {
            self.s.info(c.progress.clone());
        }
        self.s.confirmed = true;
        let mut fx = self.s.call(c.pane, c.ops);
        if let Some(then) = c.then
            && let Some(i) = self.index_of(c.pane)
        {
            // the steps it starts were confirmed here: the typed rule does not ask again
            fx.extend(self.with(i, |p, cx| p.on_message(Box::new(Confirmed(then)), cx)));
        }
        self.s.confirmed = false;
        fx
    }

    /// What a confirmation shows, from the pane that asked.
    pub fn confirm_body(&self, c: &Confirm) -> ConfirmView {
        if c.then.as_ref().is_some_and(|t| t.is::<QuitAnyway>()) {
            return quit_body(&self.in_flight());
        }
        match self.pane_by_id(c.pane) {
            _ if c.rule => pane::calls_body(c),
            Some(p) => p.confirm_body(c, &self.s),
            None => ConfirmView::default(),
        }
    }

    /// How a confirmation is laid out at the current size (the drawing and the keys that
    /// answer share it).
    pub fn confirm_fit(&self, c: &Confirm) -> confirm::ConfirmFit {
        confirm::fit(&self.confirm_body(c), c, self.s.size)
    }

    /// The open details view, if one is open.
    pub fn details(&self) -> Option<DetailsView> {
        let Some(Dialog::Details { pane, id, .. }) = &self.s.dialog else {
            return None;
        };
        let p = self.pane_by_id(pane)?;
        Some(p.details(id, &self.s).unwrap_or_else(|| {
            DetailsView::build(id.clone(), 0)
                .text(format!("{id} is no longer listed"))
                .done()
        }))
    }

    /// The help of the focused pane: its keys (from the keymap that handles them), then
    /// the keys of dialogs and forms.
    pub fn help(&self) -> Vec<Line> {
        let km = &self.s.keymap;
        let mut out: Vec<Line> = vec![vec![(self.focused().spec().title.into(), Tone::Heading)]];
        for (keys, action) in km.help(&self.scopes()) {
            let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
            let disabled = self.s.ctx.read_only && km.is_mutating(action);
            let (text, tone) = if disabled {
                (
                    format!("{} (read-only: disabled)", km.describe(action)),
                    Tone::Muted,
                )
            } else {
                (km.describe(action).to_string(), Tone::Normal)
            };
            out.push(vec![
                (format!("  {:<18}", keys.join(" ")), Tone::Accent),
                (text, tone),
            ]);
        }
        out.push(Vec::new());
        out.push(vec![("Panes (: commands)".into(), Tone::Heading)]);
        for p in &self.panes {
            let spec = p.spec();
            // its number, its command and its shortest alias
            let mut keys: Vec<String> = spec.number.map(|n| n.to_string()).into_iter().collect();
            keys.extend(spec.commands.first().map(|c| format!(":{c}")));
            if let Some(short) = spec
                .commands
                .iter()
                .skip(1)
                .filter(|c| c.len() <= 4)
                .min_by_key(|c| c.len())
            {
                keys.push(format!(":{short}"));
            }
            let keys = keys.join(" ");
            let sep = if keys.len() >= 18 { " " } else { "" };
            let keys = format!("{keys:<18}");
            out.push(vec![
                (format!("  {keys}{sep}"), Tone::Accent),
                (spec.focus.to_string(), Tone::Normal),
            ]);
        }
        out.push(vec![
            (format!("  {:<18}", ":export PATH"), Tone::Accent),
            (
                "the pane to .csv or .json (:export! overwrites)".to_string(),
                Tone::Normal,
            ),
        ]);
        out.push(Vec::new());
        out.push(vec![("Filter (/)".into(), Tone::Heading)]);
        for (k, d) in [
            (
                "prod running",
                "rows with both words (every term must match)",
            ),
            ("!stopped", "rows without the word"),
            (
                "Environment=prod",
                "rows with the tag Environment = prod, exactly",
            ),
        ] {
            out.push(vec![
                (format!("  {k:<18}"), Tone::Accent),
                (d.to_string(), Tone::Normal),
            ]);
        }
        out.push(Vec::new());
        out.push(vec![("Dialogs and forms".into(), Tone::Heading)]);
        for (k, d) in [
            ("y Enter", "confirm"),
            ("n Esc", "cancel"),
            ("Tab Shift-Tab", "next / previous field"),
            ("Ctrl-s", "submit from any field"),
            ("Ctrl-y", "copy the equivalent aws CLI command(s)"),
        ] {
            out.push(vec![
                (format!("  {k:<18}"), Tone::Accent),
                (d.to_string(), Tone::Normal),
            ]);
        }
        if self.s.ctx.read_only {
            out.push(Vec::new());
            out.push(vec![(
                "READ-ONLY: actions are disabled.".into(),
                Tone::Warn,
            )]);
        }
        out
    }

    /// The footer hints of the focused pane: (key, label) of each action it names.
    pub fn footer(&self) -> Vec<(Key, &'static str)> {
        let km = &self.s.keymap;
        let scopes = self.scopes();
        let spec = self.focused().spec();
        spec.footer
            .iter()
            .filter_map(|name| km.named(spec.id, name))
            .filter(|a| !(self.s.ctx.read_only && km.is_mutating(*a)))
            .filter_map(|a| km.key_for(&scopes, a).map(|k| (k, km.label(a))))
            .collect()
    }

    fn dialog_lines(&self) -> usize {
        match &self.s.dialog {
            Some(Dialog::Help { .. }) => self.help().len(),
            Some(Dialog::Details { .. }) => self.details().map_or(1, |d| d.lines.len()),
            _ => 0,
        }
    }

    fn clamp_dialog_scroll(&mut self) {
        let max = self.dialog_lines().saturating_sub(1).min(u16::MAX as usize) as u16;
        if let Some(Dialog::Help { scroll } | Dialog::Details { scroll, .. }) = &mut self.s.dialog {
            *scroll = (*scroll).min(max);
        }
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
