//! The async shell: owns the terminal, runs effects as spawned tasks, feeds their results
//! back into `update`. The loop never awaits AWS.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crossterm::event::{Event as TermEvent, EventStream, KeyEvent, KeyEventKind, KeyModifiers};
use futures::StreamExt;
use futures::future::BoxFuture;
use ratatui::DefaultTerminal;
use tokio::sync::mpsc;

use crate::app::{ApiEvent, AppState, Effect, Emit, Event, Exec, Key, KeyCode, SwitchTarget};
use crate::aws::{ApiResult, Ec2Api, Op, Outcome, with_request_ids};
use crate::journal::{Entry, Journal};
use crate::ui;
use crate::ui::theme::Theme;

/// How long the loop applies arrived results before it draws (and reads keys) again.
const SLICE: Duration = Duration::from_millis(12);

/// How many calls of one effect run at once (per-instance actions, protection look-ups).
const CONCURRENCY: usize = 8;

/// Converts a crossterm key to ours; releases and repeats are ignored.
pub fn key_from(k: KeyEvent) -> Option<Key> {
    if k.kind != KeyEventKind::Press {
        return None;
    }
    use crossterm::event::KeyCode as C;
    let code = match k.code {
        C::Char(c) => KeyCode::Char(c),
        C::Enter => KeyCode::Enter,
        C::Esc => KeyCode::Esc,
        C::Tab => KeyCode::Tab,
        C::BackTab => KeyCode::BackTab,
        C::Backspace => KeyCode::Backspace,
        C::Delete => KeyCode::Delete,
        C::Up => KeyCode::Up,
        C::Down => KeyCode::Down,
        C::Left => KeyCode::Left,
        C::Right => KeyCode::Right,
        C::Home => KeyCode::Home,
        C::End => KeyCode::End,
        C::PageUp => KeyCode::PageUp,
        C::PageDown => KeyCode::PageDown,
        C::F(n) => KeyCode::F(n),
        _ => return None,
    };
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let code = match code {
        KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
        other => other,
    };
    Some(Key {
        code,
        ctrl,
        alt: k.modifiers.contains(KeyModifiers::ALT),
    })
}

fn epoch_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Where results go: the shell's channel, or a test's list.
pub type Sink = Arc<dyn Fn(ApiEvent) -> bool + Send + Sync>;

/// Journals each change of several steps still in the middle when ec2tui ends without a
/// quit of its own (the terminal gone, a signal), so that the next start says so.
fn journal_in_flight(journal: &Journal, app: &AppState) {
    for n in app.in_flight() {
        let _ = journal.write(&interrupted_entry(journal, n));
    }
}

/// SIGHUP and SIGTERM, as one future that is ready when either comes.
struct Ended {
    #[cfg(unix)]
    signals: Vec<tokio::signal::unix::Signal>,
}

impl Ended {
    fn new() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let signals = [SignalKind::hangup(), SignalKind::terminate()]
                .into_iter()
                .filter_map(|k| signal(k).ok())
                .collect();
            Self { signals }
        }
        #[cfg(not(unix))]
        Self {}
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        if !self.signals.is_empty() {
            let waits = self.signals.iter_mut().map(|s| Box::pin(s.recv()));
            futures::future::select_all(waits).await;
            return;
        }
        std::future::pending::<()>().await
    }
}

/// The journal's record of a change a quit left in the middle.
fn interrupted_entry(journal: &Journal, n: crate::app::InFlight) -> Entry {
    let mut e = journal.entry("note", crate::journal::INTERRUPTED, n.targets, vec![]);
    e.message = Some(n.left);
    e
}

fn report(journal: &Journal, sink: &Sink, entry: Entry) {
    let error = journal.write(&entry).err();
    sink(ApiEvent::Journal {
        entry: Box::new(entry),
        error,
    });
}

/// After an answer that does not say whether the change was made: what reading it back
/// tells, and how it was known. Made: the call succeeded; not made: the error as it came;
/// cannot tell: the outcome is unknown.
async fn read_back(
    api: &dyn Ec2Api,
    op: &Op,
    e: crate::aws::ApiError,
) -> (ApiResult<Outcome>, Option<String>) {
    use crate::aws::{ApiError, ErrorKind};
    let unknown = |why: String| ApiError {
        kind: ErrorKind::Unknown,
        code: e.code.clone(),
        message: why,
        request_id: e.request_id.clone(),
    };
    let Some(check) = op.verify(api) else {
        let why = format!(
            "{} (the change may have been made; ec2tui cannot read it back)",
            e.message
        );
        return (Err(unknown(why)), None);
    };
    // a description read at once may not show the change yet (EC2 is eventually
    // consistent): "not made" is read again after a moment before it is believed
    let mut seen = check.await;
    if matches!(seen, Ok(false))
        && let Some(again) = op.verify(api)
    {
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        seen = again.await;
    }
    match seen {
        Ok(true) => {
            tracing::warn!(error = %e, "answer lost; read back: made");
            let how = format!("the answer was lost ({}); read back: made", e.describe());
            (Ok(Outcome::Done), Some(how))
        }
        Ok(false) => {
            let e = ApiError {
                message: format!("{} (read back: not made)", e.message),
                ..e
            };
            (Err(e), None)
        }
        Err(again) => {
            let why = format!(
                "{}; reading it back failed too: {}",
                e.message,
                again.describe()
            );
            (Err(unknown(why)), None)
        }
    }
}

/// Runs one mutating call, journaled before it is sent and again with its outcome.
async fn journaled(
    api: &dyn Ec2Api,
    journal: &Journal,
    sink: &Sink,
    op: &Op,
) -> ApiResult<Outcome> {
    let rec = op.record();
    tracing::info!(op = rec.operation, targets = ?rec.targets, "calling");
    report(
        journal,
        sink,
        journal.entry(
            "request",
            rec.operation,
            rec.targets.clone(),
            rec.params.clone(),
        ),
    );
    let (result, ids, attempts) = with_request_ids(op.run(api)).await;
    let mut out = journal.entry("outcome", rec.operation, rec.targets, rec.params);
    // an answer lost, or an error after a retry, does not say the change was not made: it
    // is read back where the call can tell
    let (result, how) = match result {
        Err(e) if e.may_have_happened(attempts) => read_back(api, op, e).await,
        r => (r, None),
    };
    match &result {
        Ok(_) => out.result = Some("ok".into()),
        Err(e) => {
            tracing::warn!(op = rec.operation, error = %e, "refused");
            out.result = Some(if e.kind == crate::aws::ErrorKind::Unknown {
                "unknown".into()
            } else {
                "error".into()
            });
            out.code = e.code.clone();
            out.message = Some(e.message.clone());
            out.request_id = e.request_id.clone();
        }
    }
    if let Some(how) = how {
        out.message = Some(how);
    }
    if out.request_id.is_none() {
        out.request_id = ids.last().cloned();
    }
    report(journal, sink, out);
    result
}

/// Runs one effect to completion, reporting each result through `sink`. The shell spawns
/// this; tests await it inline for determinism. It knows no pane and no operation: jobs
/// and ops carry how they run.
pub async fn run_effect(api: Arc<dyn Ec2Api>, journal: &Journal, fx: Effect, sink: Sink) {
    match fx {
        Effect::Identity => {
            sink(ApiEvent::Identity(api.identity().await));
        }
        Effect::Fetch { pane, req, job } => {
            let to = sink.clone();
            let emit: Emit = Arc::new(move |data| to(ApiEvent::Loaded { pane, req, data }));
            job.run(api, emit).await;
        }
        Effect::Call { pane, req, ops } => {
            let results: Vec<(Op, ApiResult<Outcome>)> = futures::stream::iter(ops)
                .map(|op| {
                    let (api, sink) = (&*api, &sink);
                    async move {
                        let r = journaled(api, journal, sink, &op).await;
                        (op, r)
                    }
                })
                .buffered(CONCURRENCY)
                .collect()
                .await;
            sink(ApiEvent::Done { pane, req, results });
        }
        Effect::Write {
            path,
            text,
            overwrite,
            what,
        } => {
            // rendering (an export of 100,000 rows) and writing block: not on a runtime thread
            let result = tokio::task::spawn_blocking(move || {
                // a file that is there is kept: said before rendering what would not be written
                if !overwrite && crate::config::expand_home(&path).exists() {
                    return write_file(&path, "", false);
                }
                write_file(&path, &text.render(), overwrite)
            })
            .await
            .unwrap_or_else(|e| Err(format!("the file was not written: {e}")));
            sink(ApiEvent::Wrote { what, result });
        }
        Effect::Note(n) => report(journal, &sink, interrupted_entry(journal, n)),
        // the terminal's: the event loop does them (tests see them in the effects)
        Effect::Clipboard(_) | Effect::Exec(_) | Effect::Connect(_) | Effect::Quit => {}
    }
}

/// Where a program is: a path as given, else the first executable of that name on `PATH`.
pub fn find_program(program: &str) -> Option<std::path::PathBuf> {
    let runnable = |p: &std::path::Path| {
        std::fs::metadata(p).is_ok_and(|m| {
            #[cfg(unix)]
            let executable = {
                use std::os::unix::fs::PermissionsExt;
                m.permissions().mode() & 0o111 != 0
            };
            #[cfg(not(unix))]
            let executable = true;
            m.is_file() && executable
        })
    };
    if program.contains('/') {
        let p = crate::config::expand_home(program);
        return runnable(&p).then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| runnable(p))
}

fn install_hint(program: &str) -> &'static str {
    match program {
        "aws" => {
            "install the AWS CLI v2 (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html)"
        }
        "session-manager-plugin" => {
            "the AWS CLI needs the Session Manager plugin for SSM sessions: install it (https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html)"
        }
        "ssh" => "install an OpenSSH client",
        _ => "install it, or set the command in config.toml [connect]",
    }
}

/// Runs a program in the foreground with the terminal handed over: keys stop being read, the
/// alternate screen and raw mode are left, the program runs (an argument vector, no shell),
/// then the terminal is taken back and redrawn. A missing program is said before anything.
fn run_foreground(
    terminal: &mut DefaultTerminal,
    input: &mut Option<EventStream>,
    e: &Exec,
) -> io::Result<Result<Option<i32>, String>> {
    for p in std::iter::once(&e.program).chain(&e.requires) {
        if find_program(p).is_none() {
            return Ok(Err(format!(
                "cannot start the {}: {p} is not on PATH — {}; nothing was run",
                e.what,
                install_hint(p)
            )));
        }
    }
    let Some(path) = find_program(&e.program) else {
        return Ok(Err(format!("{} is not on PATH", e.program)));
    };
    tracing::info!(command = %e.line(), "running in the foreground");
    // the program gets the keys: our reader stops first
    drop(input.take());
    std::thread::sleep(Duration::from_millis(30));
    restore();
    {
        use std::io::Write;
        let mut out = io::stdout();
        let _ = writeln!(
            out,
            "ec2tui: {} — ec2tui comes back when it ends\n",
            e.line()
        );
        let _ = out.flush();
    }
    let mut cmd = std::process::Command::new(&path);
    cmd.args(&e.args);
    // Ctrl-c and Ctrl-\ in the cooked terminal signal the whole foreground group: they are
    // the program's, never a reason for ec2tui to die under it
    #[cfg(unix)]
    let ignoring = IgnoreInterrupts::new(&mut cmd);
    let status = tokio::task::block_in_place(|| cmd.status());
    // a program that failed said why on this screen (ssh: "Connection timed out"): it stays
    // readable until Enter, instead of vanishing under ec2tui's next frame
    if let Ok(st) = &status
        && let Some(code) = st.code()
        && code != 0
        && code != 130
    {
        use std::io::{BufRead, Write};
        let mut out = io::stdout();
        let _ = write!(
            out,
            "\nec2tui: {} exited with status {code} — press Enter to return to ec2tui ",
            e.what
        );
        let _ = out.flush();
        let mut line = String::new();
        let _ = tokio::task::block_in_place(|| io::stdin().lock().read_line(&mut line));
    }
    #[cfg(unix)]
    drop(ignoring);
    crossterm::terminal::enable_raw_mode()?;
    crossterm::execute!(
        io::stdout(),
        crossterm::terminal::EnterAlternateScreen,
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
    )?;
    // both buffers blank: the next frame is drawn whole (Terminal::clear would ask the
    // terminal where its cursor is, which not every terminal answers)
    terminal.swap_buffers();
    terminal.swap_buffers();
    *input = Some(EventStream::new());
    Ok(match status {
        Ok(st) => Ok(st.code()),
        Err(err) => Err(format!("cannot start the {}: {err}", e.what)),
    })
}

/// While it lives, ec2tui ignores SIGINT and SIGQUIT; the program it runs gets the default
/// dispositions back (ignored signals would be inherited through exec).
#[cfg(unix)]
struct IgnoreInterrupts;

#[cfg(unix)]
impl IgnoreInterrupts {
    fn new(cmd: &mut std::process::Command) -> Self {
        use std::os::unix::process::CommandExt;
        // SAFETY: signal() with SIG_IGN / SIG_DFL; in the child, between fork and exec, only
        // async-signal-safe calls are made (signal is one).
        unsafe {
            cmd.pre_exec(|| {
                libc::signal(libc::SIGINT, libc::SIG_DFL);
                libc::signal(libc::SIGQUIT, libc::SIG_DFL);
                Ok(())
            });
            libc::signal(libc::SIGINT, libc::SIG_IGN);
            libc::signal(libc::SIGQUIT, libc::SIG_IGN);
        }
        Self
    }
}

#[cfg(unix)]
impl Drop for IgnoreInterrupts {
    fn drop(&mut self) {
        // SAFETY: restores the default dispositions ec2tui runs with
        unsafe {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            libc::signal(libc::SIGQUIT, libc::SIG_DFL);
        }
    }
}

/// Writes `text` to `path` (`~/` expanded), never over an existing file unless
/// `overwrite`: the written path, or why not.
fn write_file(path: &str, text: &str, overwrite: bool) -> Result<String, String> {
    use std::io::Write;
    let p = crate::config::expand_home(path);
    let mut o = std::fs::OpenOptions::new();
    o.write(true);
    if overwrite {
        o.create(true).truncate(true);
    } else {
        o.create_new(true);
    }
    let shown = p.display().to_string();
    let mut f = o.open(&p).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => {
            format!(
                "{shown} exists and was kept: choose another file (an export is overwritten with :export! {path})"
            )
        }
        _ => format!("cannot write {shown}: {e}"),
    })?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| format!("cannot write {shown}: {e}"))?;
    Ok(shown)
}

/// The OSC 52 sequence that puts `text` on the terminal's clipboard, wrapped so that tmux
/// (`TMUX` set) or GNU screen (`STY` set) passes it on to the terminal around them. Inside
/// tmux the plain sequence goes first too: tmux 3.3 and later drop a passthrough unless
/// `allow-passthrough` is on, but take a plain OSC 52 with `set-clipboard on` (its buffer,
/// and the terminal around it).
pub fn osc52(text: &str, tmux: bool, screen: bool) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let seq = format!("\x1b]52;c;{b64}\x07");
    if tmux {
        // then a DCS passthrough: every ESC inside is doubled
        format!("{seq}\x1bPtmux;{}\x1b\\", seq.replace('\x1b', "\x1b\x1b"))
    } else if screen {
        // screen limits a DCS string: the sequence goes in chunks, each its own DCS
        let mut out = String::new();
        let bytes = seq.as_bytes();
        for chunk in bytes.chunks(240) {
            out.push_str("\x1bP");
            out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
            out.push_str("\x1b\\");
        }
        out
    } else {
        seq
    }
}

/// Writes the clipboard sequence to the terminal.
fn write_clipboard(terminal: &mut DefaultTerminal, text: &str) -> io::Result<()> {
    use std::io::Write;
    let seq = osc52(
        text,
        std::env::var_os("TMUX").is_some_and(|v| !v.is_empty()),
        std::env::var_os("STY").is_some_and(|v| !v.is_empty()),
    );
    let out = terminal.backend_mut();
    out.write_all(seq.as_bytes())?;
    out.flush()
}

fn spawn_effect(
    api: &Arc<dyn Ec2Api>,
    journal: &Arc<Journal>,
    tx: &mpsc::UnboundedSender<ApiEvent>,
    fx: Effect,
) {
    if matches!(fx, Effect::Quit) {
        return;
    }
    if let Effect::Note(n) = fx {
        // written now, not in a task: a quit follows at once
        let _ = journal.write(&interrupted_entry(journal, n));
        return;
    }
    let api = Arc::clone(api);
    let journal = Arc::clone(journal);
    let tx = tx.clone();
    tokio::spawn(async move {
        let sink: Sink = Arc::new(move |ev| tx.send(ev).is_ok());
        run_effect(api, &journal, fx, sink).await;
    });
}

/// Leaves raw mode and the alternate screen and shows the cursor again.
pub fn restore() {
    ratatui::restore();
    let _ = crossterm::execute!(io::stdout(), crossterm::cursor::Show);
}

/// Set by the panic hook: no frame is drawn after it.
static PANICKED: AtomicBool = AtomicBool::new(false);
/// Held while a frame is drawn; the panic hook takes it before it restores the terminal.
static DRAWING: Mutex<()> = Mutex::new(());

/// Draws a frame, unless a panic is restoring the terminal.
fn draw(terminal: &mut DefaultTerminal, app: &AppState, theme: &Theme) -> io::Result<()> {
    let _frame = DRAWING.lock().unwrap_or_else(|p| p.into_inner());
    if PANICKED.load(Ordering::SeqCst) {
        return Ok(());
    }
    terminal.draw(|f| ui::draw(f, app, theme)).map(|_| ())
}

/// Makes a panic anywhere (the loop or a spawned task) restore the terminal, log, and exit
/// non-zero instead of leaving a live app on a restored terminal.
fn install_panic_hook() {
    let restore_and_report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!("panic: {info}");
        PANICKED.store(true, Ordering::SeqCst);
        // wait (briefly: the panic may be inside a draw on this very thread) for a frame
        // being drawn to finish, so none lands on the restored screen
        let deadline = std::time::Instant::now() + Duration::from_millis(200);
        let _frame = loop {
            match DRAWING.try_lock() {
                Ok(g) => break Some(g),
                Err(std::sync::TryLockError::Poisoned(p)) => break Some(p.into_inner()),
                Err(std::sync::TryLockError::WouldBlock)
                    if std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(Duration::from_millis(5))
                }
                Err(std::sync::TryLockError::WouldBlock) => break None,
            }
        };
        restore();
        // the report goes on a clean screen, not over fragments of the UI
        let _ = crossterm::execute!(
            io::stdout(),
            crossterm::terminal::Clear(crossterm::terminal::ClearType::All),
            crossterm::cursor::MoveTo(0, 0)
        );
        restore_and_report(info);
        eprintln!("ec2tui crashed; the terminal was restored. See the log for details.");
        crate::aws::sdk::stop_credential_processes();
        std::process::exit(101);
    }));
}

/// Runs the UI until the user quits. The terminal is restored on every exit path.
/// Makes the clients (and opens the journal) for a profile in a region: `:region`,
/// `:profile`. An error is said as it is, after "cannot switch to …".
pub type Connector = Arc<dyn Fn(String, String) -> BoxFuture<'static, Made> + Send + Sync>;

/// What a connector makes: the clients, their journal, and their account when it checked it.
pub type Made = Result<(Arc<dyn Ec2Api>, Arc<Journal>, Option<String>), String>;

pub async fn run(
    api: Arc<dyn Ec2Api>,
    journal: Arc<Journal>,
    app: AppState,
    theme: Theme,
    connector: Connector,
) -> io::Result<()> {
    let mut terminal = match ratatui::try_init() {
        Ok(t) => t,
        Err(e) => {
            ratatui::restore();
            return Err(io::Error::new(
                e.kind(),
                format!("ec2tui needs an interactive terminal ({e})"),
            ));
        }
    };
    install_panic_hook();
    let result = event_loop(&mut terminal, api, journal, app, &theme, connector).await;
    // a credential process still running goes with ec2tui (its calls are dropped later,
    // with the runtime; this does not wait for that)
    crate::aws::sdk::stop_credential_processes();
    drop(terminal);
    restore();
    result
}

async fn event_loop(
    terminal: &mut DefaultTerminal,
    mut api: Arc<dyn Ec2Api>,
    mut journal: Arc<Journal>,
    mut app: AppState,
    theme: &Theme,
    connector: Connector,
) -> io::Result<()> {
    let (mut tx, mut rx) = mpsc::unbounded_channel::<ApiEvent>();
    // switches of region or profile: the new clients, or why there are none
    let (made_tx, mut made_rx) = mpsc::unbounded_channel::<(SwitchTarget, Made)>();
    // None while a program runs in the foreground (it gets the keys)
    let mut input = Some(EventStream::new());
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut watch = tokio::time::interval(Duration::from_secs(crate::app::watch::WATCH_TICK_SECS));
    // (the periodic refresh is the core's: due on a tick, counted from the last listing's end)

    let size = terminal.size()?;
    let mut fx = app.update(Event::Resize {
        width: size.width,
        height: size.height,
    });
    fx.extend(app.update(Event::Tick { now: epoch_now() }));
    fx.extend(app.start());
    // changes an earlier quit left in the middle, said once
    app.report_interrupted(journal.interrupted());
    for f in fx {
        spawn_effect(&api, &journal, &tx, f);
    }
    draw(terminal, &app, theme)?;
    if std::env::var_os("EC2TUI_DEBUG_PANIC").is_some() {
        // a support aid (and the test of the panic path): a panic in a spawned task must
        // restore the terminal and end the process, not leave a live app behind
        tokio::spawn(async { panic!("EC2TUI_DEBUG_PANIC is set") });
    }

    // results applied since memory was last tidied (see crate::memory), and when that was
    let (mut untidy, mut tidied) = (0usize, std::time::Instant::now());
    // the terminal going away (an SSH connection dropped: SIGHUP) or a SIGTERM end ec2tui
    // as a quit does, what is in the middle journaled for the next start
    let mut ended = Ended::new();
    loop {
        let first = tokio::select! {
            ev = async {
                match input.as_mut() {
                    Some(i) => i.next().await,
                    None => std::future::pending().await,
                }
            } => match ev {
                Some(Ok(e)) => term_event(e),
                Some(Err(e)) => {
                    journal_in_flight(&journal, &app);
                    return Err(e);
                }
                None => {
                    journal_in_flight(&journal, &app);
                    return Ok(());
                }
            },
            () = ended.recv() => {
                journal_in_flight(&journal, &app);
                return Ok(());
            }
            Some(a) = rx.recv() => Some(Event::Api(a)),
            Some((to, made)) = made_rx.recv() => Some(Event::Api(ApiEvent::Connected {
                to,
                result: match made {
                    Ok((a, j, account)) => {
                        // from now on the new clients; what the old ones still answer goes
                        // to a channel nobody reads (nothing from before is shown after)
                        api = a;
                        journal = j;
                        (tx, rx) = mpsc::unbounded_channel::<ApiEvent>();
                        Ok(account)
                    }
                    Err(e) => Err(e),
                },
            })),
            _ = tick.tick() => Some(Event::Tick { now: epoch_now() }),
            _ = watch.tick() => Some(Event::WatchDue),
        };
        let Some(first) = first else {
            continue;
        };
        match &first {
            Event::Api(_) => untidy += 1,
            // the results have stopped coming after a burst (a listing ended; not each
            // answer of the watch every two seconds): give back the memory their parsing
            // left, here and on the runtime's threads (woken to park again)
            Event::Tick { .. }
                if rx.is_empty()
                    && (untidy >= 8
                        || untidy > 0 && tidied.elapsed() >= Duration::from_secs(30)) =>
            {
                (untidy, tidied) = (0, std::time::Instant::now());
                crate::memory::tidy();
                for _ in 0..tokio::runtime::Handle::current().metrics().num_workers() {
                    tokio::spawn(async {});
                }
            }
            _ => {}
        }
        // apply what arrived, in a slice of bounded time, then draw once: a key pressed
        // while 100,000 instances stream in waits for one slice at most, never for all of
        // them. (Terminal events are not drained with now_or_never: a dropped poll of
        // EventStream loses its wake-up and the next key would wait for the next tick.)
        let slice = std::time::Instant::now();
        let mut next = Some(first);
        while let Some(ev) = next.take() {
            for f in app.update(ev) {
                match f {
                    Effect::Clipboard(text) => write_clipboard(terminal, &text)?,
                    Effect::Exec(e) => {
                        let result = run_foreground(terminal, &mut input, &e)?;
                        let _ = tx.send(ApiEvent::Exited {
                            what: e.what.clone(),
                            result,
                        });
                    }
                    Effect::Connect(to) => {
                        let (connector, made_tx) = (connector.clone(), made_tx.clone());
                        tokio::spawn(async move {
                            let made = connector(to.profile.clone(), to.region.clone()).await;
                            let _ = made_tx.send((to, made));
                        });
                    }
                    f => spawn_effect(&api, &journal, &tx, f),
                }
            }
            if app.quit {
                return Ok(());
            }
            if slice.elapsed() < SLICE
                && let Ok(a) = rx.try_recv()
            {
                next = Some(Event::Api(a));
            }
        }
        app.prepare_draw();
        draw(terminal, &app, theme)?;
    }
}

fn term_event(e: TermEvent) -> Option<Event> {
    match e {
        TermEvent::Key(k) => key_from(k).map(Event::Key),
        TermEvent::Resize(width, height) => Some(Event::Resize { width, height }),
        _ => None,
    }
}
