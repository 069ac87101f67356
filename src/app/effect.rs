//! What the core asks of the shell (`Effect`: fetches, calls, the clipboard, a program in the
//! foreground, a file) and what comes back (`Event`, `ApiEvent`); a fetch's `Job`.

use super::*;

/// Where a job's results go: each value is handed to the pane that asked, as
/// `ApiEvent::Loaded`. False: nobody listens any more.
pub type Emit = Arc<dyn Fn(Box<dyn Any + Send>) -> bool + Send + Sync>;

pub(super) type JobFn = Box<dyn FnOnce(Arc<dyn Ec2Api>, Emit) -> BoxFuture<'static, ()> + Send>;

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
        .map(|a| crate::aws::op::quote(a))
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
