//! Performance, measured (not asserted): `cargo bench`. Prints a table.
//!
//! - one frame, a filter keystroke, a sort, the details, with 100,000 instances (demo
//!   backend, 200×50 cells)
//! - listing 10,000 instances from a local endpoint, ec2tui's whole path vs the bare paginator
//! - the release binary end to end at 10,000, 50,000 and 100,000 instances from a local
//!   endpoint (`tests/moto/canned.py`) in a pseudo-terminal, beside the bare single-chain
//!   paginator on the same endpoint; keys pressed while 100,000 stream in (p50, p99); the
//!   binary's memory after the load and after ten refreshes
//! - the core's property test (tests/it/props.rs), up to a million cases in two minutes

#[path = "../tests/it/driver.rs"]
mod driver;
#[path = "../tests/it/emulator.rs"]
mod emulator;
#[path = "../tests/it/props.rs"]
#[allow(dead_code)]
mod props;

use std::sync::Arc;
use std::time::{Duration, Instant};

use ec2tui::app::{ApiEvent, AppState, Collection, Context, Effect, Event, Key, KeyCode, Resource};
use ec2tui::aws::Ec2Api;
use ec2tui::aws::demo::DemoRegion;
use ec2tui::panes::instances::{InstanceRow, InstancesPane};
use ec2tui::tui::{Sink, run_effect};
use ec2tui::ui::{self, theme::Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn app() -> AppState {
    let ctx = Context {
        profile: "bench".into(),
        region: "eu-west-1".into(),
        demo: true,
        ..Default::default()
    };
    let mut app = ec2tui::panes::app(ctx, ec2tui::panes::default_keymap());
    app.refresh_secs = 0;
    app.update(Event::Resize {
        width: 200,
        height: 50,
    });
    app
}

/// Loads everything the app's start-up asks for, effects run inline.
async fn load(app: &mut AppState, api: Arc<dyn Ec2Api>) {
    let fx = app.start();
    run_listing(app, api, fx).await;
}

/// Runs the instance listing among `fx` (and the listings it leads to), applying its pages
/// as they arrive, as the shell does.
async fn run_listing(app: &mut AppState, api: Arc<dyn Ec2Api>, mut fx: Vec<Effect>) {
    static JOURNAL: std::sync::OnceLock<ec2tui::journal::Journal> = std::sync::OnceLock::new();
    let journal = JOURNAL.get_or_init(ec2tui::journal::Journal::none);
    while let Some(f) = (!fx.is_empty()).then(|| fx.remove(0)) {
        // the listing only: not the protection and status look-ups of the rows on screen
        let listing = matches!(&f, Effect::Fetch { job, .. } if job.what == "DescribeInstances");
        if !listing {
            continue;
        }
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<ApiEvent>();
        let sink: Sink = Arc::new(move |e| tx.send(e).is_ok());
        let task = tokio::spawn(run_effect(api.clone(), journal, f, sink));
        while let Some(e) = rx.recv().await {
            fx.extend(app.update(Event::Api(e)));
        }
        task.await.unwrap();
    }
    instances(app).refresh_view();
}

fn instances(app: &mut AppState) -> &mut Collection<InstanceRow> {
    &mut app.pane_mut::<InstancesPane>().unwrap().list
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn row(what: &str, value: String, target: &str) {
    println!("| {what:<60} | {value:>10} | {target:<10} |");
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n = 100_000;
    // EC2TUI_BENCH_QUICK=1: the in-process rows, then the binary at 100,000 once (its
    // listing, keys while loading and sorts; not its memory), each sort printed
    let quick = std::env::var("EC2TUI_BENCH_QUICK").is_ok_and(|v| v == "1");
    println!(
        "| {:<60} | {:>10} | {:<10} |",
        "measure", "result", "target"
    );
    println!("|{}|{}|{}|", "-".repeat(62), "-".repeat(12), "-".repeat(12));

    let demo: Arc<dyn Ec2Api> = Arc::new(DemoRegion::new(n, Duration::ZERO, Duration::ZERO));
    let mut a = app();
    load(&mut a, demo.clone()).await;
    assert_eq!(instances(&mut a).len(), n);

    // one frame
    let theme = Theme::default();
    let mut term = Terminal::new(TestBackend::new(200, 50)).unwrap();
    let mut frames = Vec::new();
    for i in 0..300 {
        // scroll a little each frame, as a user would
        a.update(Event::Key(Key::char(if i % 2 == 0 { 'j' } else { 'k' })));
        instances(&mut a).refresh_view();
        let t = Instant::now();
        term.draw(|f| ui::draw(f, &a, &theme)).unwrap();
        frames.push(t.elapsed());
    }
    row(
        &format!("frame, {n} instances, 200x50 (median of 300)"),
        format!("{:.3} ms", median(frames).as_secs_f64() * 1e3),
        "< 2 ms",
    );

    // filter keystrokes
    a.update(Event::Key(Key::char('/')));
    let mut keys = Vec::new();
    for _ in 0..5 {
        for c in "web-prod".chars() {
            let t = Instant::now();
            a.update(Event::Key(Key::char(c)));
            instances(&mut a).refresh_view();
            keys.push(t.elapsed());
        }
        for _ in 0..8 {
            let t = Instant::now();
            a.update(Event::Key(Key::plain(KeyCode::Backspace)));
            instances(&mut a).refresh_view();
            keys.push(t.elapsed());
        }
    }
    row(
        &format!("filter keystroke, {n} instances (median)"),
        format!("{:.3} ms", median(keys.clone()).as_secs_f64() * 1e3),
        "< 16 ms",
    );
    row(
        &format!("filter keystroke, {n} instances (worst)"),
        format!("{:.3} ms", keys.iter().max().unwrap().as_secs_f64() * 1e3),
        "< 16 ms",
    );
    // a filter of several terms (a word, an exclusion, a tag) typed after the first
    let mut terms = Vec::new();
    for _ in 0..3 {
        for c in "web !stopped Team=payments".chars() {
            let t = Instant::now();
            a.update(Event::Key(Key::char(c)));
            instances(&mut a).refresh_view();
            terms.push(t.elapsed());
        }
        for _ in 0..26 {
            a.update(Event::Key(Key::plain(KeyCode::Backspace)));
        }
    }
    row(
        &format!("filter keystroke of 3 terms, {n} instances (worst)"),
        format!("{:.3} ms", terms.iter().max().unwrap().as_secs_f64() * 1e3),
        "< 16 ms",
    );

    // a sort by each column in turn (`>` through them all, twice round), then the other way
    // round (`=`), and opening the details, as keys
    a.update(Event::Key(Key::plain(KeyCode::Esc)));
    a.update(Event::Key(Key::plain(KeyCode::Esc)));
    let mut sorts = Vec::new();
    let columns = ec2tui::panes::instances::InstanceRow::columns().len();
    for k in std::iter::repeat_n('>', 2 * columns).chain(['=', '=']) {
        let t = Instant::now();
        a.update(Event::Key(Key::char(k)));
        instances(&mut a).refresh_view();
        sorts.push(t.elapsed());
    }
    if quick {
        eprintln!("in-process sorts: {sorts:?}");
    }
    row(
        &format!(
            "sort by each column, {n} instances (median of {})",
            sorts.len()
        ),
        format!("{:.3} ms", median(sorts.clone()).as_secs_f64() * 1e3),
        "< 16 ms",
    );
    row(
        &format!("sort by each column, {n} instances (worst)"),
        format!("{:.3} ms", sorts.iter().max().unwrap().as_secs_f64() * 1e3),
        "< 16 ms",
    );
    let t = Instant::now();
    a.update(Event::Key(Key::plain(KeyCode::Enter)));
    let _ = a.details();
    row(
        &format!("open the details, {n} instances"),
        format!("{:.3} ms", t.elapsed().as_secs_f64() * 1e3),
        "< 16 ms",
    );
    drop(a);

    // listing from a local endpoint: a canned DescribeInstances server (moto takes minutes to
    // create 10,000 instances and pages by reservation)
    let total = 10_000;
    let canned = emulator::Moto::start_script("canned.py", &[&total.to_string()]);
    let c = canned.client().await;
    let adapter: Arc<dyn Ec2Api> = Arc::new(canned.adapter().await);
    let mut ours = Vec::new();
    let mut bare = Vec::new();
    for round in 0..if quick { 0 } else { 9 } {
        if round % 2 == 1 {
            // alternate which goes first, so neither always meets a warm endpoint
            bare_listing(&c, total).await;
        }
        let t = Instant::now();
        let mut a = app();
        load(&mut a, adapter.clone()).await;
        assert_eq!(instances(&mut a).len(), total);
        ours.push(t.elapsed());
        bare.push(bare_listing(&c, total).await);
    }
    let (o, b) = if quick {
        (Duration::ZERO, Duration::from_nanos(1))
    } else {
        (median(ours), median(bare))
    };
    row(
        &format!("list {total} instances, local endpoint: ec2tui (median of 9)"),
        format!("{:.0} ms", o.as_secs_f64() * 1e3),
        "",
    );
    row(
        &format!("list {total} instances, local endpoint: bare paginator"),
        format!("{:.0} ms", b.as_secs_f64() * 1e3),
        "",
    );
    row(
        "ec2tui listing relative to the bare paginator",
        format!(
            "{:+.1} %",
            (o.as_secs_f64() / b.as_secs_f64() - 1.0) * 100.0
        ),
        "within 10%",
    );

    // the release binary end to end, as a user gets it: N instances from the canned
    // endpoint, in a pseudo-terminal, keys pressed while the pages stream in; beside the
    // bare single-chain paginator on the same endpoint, in the same run
    let sizes: &[usize] = if quick {
        &[100_000]
    } else {
        &[10_000, 50_000, 100_000]
    };
    for &total in sizes {
        let canned = emulator::Moto::start_script("canned.py", &[&total.to_string()]);
        let c = canned.client().await;
        let (mut ours, mut bare, mut keys, mut sorts) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for _ in 0..if quick { 1 } else { 3 } {
            bare.push(bare_listing(&c, total).await);
            let endpoint = canned.endpoint.clone();
            let run = tokio::task::spawn_blocking(move || binary_lists(&endpoint, total, 0))
                .await
                .unwrap();
            ours.push(run.listed);
            keys.extend(run.keys);
            sorts.extend(run.sorts);
        }
        let (o, b) = (median(ours), median(bare));
        row(
            &format!("list {total}: the release binary, start until all shown (median of 3)"),
            format!("{:.0} ms", o.as_secs_f64() * 1e3),
            "",
        );
        row(
            &format!("list {total}: bare single-chain SDK paginator (median of 3)"),
            format!("{:.0} ms", b.as_secs_f64() * 1e3),
            "",
        );
        row(
            &format!("list {total}: release binary / bare paginator"),
            format!("{:.2}x", o.as_secs_f64() / b.as_secs_f64()),
            "< 1.0x",
        );
        if total == 100_000 {
            keys.sort();
            let pct = |p: f64| {
                keys.get(((keys.len() as f64 * p).ceil() as usize).saturating_sub(1))
                    .map_or("none".to_string(), |k| {
                        format!("{:.1} ms", k.as_secs_f64() * 1e3)
                    })
            };
            row(
                &format!("key to frame while {total} load, p50 ({} keys)", keys.len()),
                pct(0.5),
                "< 50 ms",
            );
            row(
                &format!("key to frame while {total} load, p99 ({} keys)", keys.len()),
                pct(0.99),
                "< 50 ms",
            );
            if quick {
                eprintln!("binary sorts: {sorts:?}");
            }
            sorts.sort();
            row(
                &format!(
                    "release binary: sort key to frame, {total} (median of {})",
                    sorts.len()
                ),
                format!("{:.1} ms", median(sorts.clone()).as_secs_f64() * 1e3),
                "< 16 ms",
            );
            row(
                &format!("release binary: sort key to frame, {total} (worst)"),
                format!(
                    "{:.1} ms",
                    sorts.last().map_or(0.0, |d| d.as_secs_f64() * 1e3)
                ),
                "< 16 ms",
            );
            if quick {
                return;
            }
            // memory of the binary: after the load, and after ten refreshes
            let endpoint = canned.endpoint.clone();
            let run = tokio::task::spawn_blocking(move || binary_lists(&endpoint, total, 10))
                .await
                .unwrap();
            let per = |kib: u64| (kib.saturating_sub(run.rss_start) as f64 * 1024.0) / total as f64;
            row(
                &format!("release binary: resident memory per instance, {total} loaded"),
                format!("{:.0} B", per(run.rss_loaded)),
                "< 2048 B",
            );
            row(
                "release binary: the same after ten refreshes",
                format!("{:.0} B", per(run.rss_refreshed)),
                "< 2048 B",
            );
            row(
                "release binary: growth across ten refreshes",
                format!(
                    "{:+.1} %",
                    (per(run.rss_refreshed) / per(run.rss_loaded) - 1.0) * 100.0
                ),
                "< 5 %",
            );
        }
    }

    // the property test at scale: as many cases as two minutes allow, up to a million
    // (EC2TUI_BENCH_PROPS=0 skips it, when only the numbers above are wanted)
    let budget = Duration::from_secs(
        std::env::var("EC2TUI_BENCH_PROPS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(120),
    );
    // random keys save files (`w` in a text view, a key pair's private key) where they are
    // told, relative paths included: in a directory of its own, not the work tree
    let scratch = std::env::temp_dir().join(format!("ec2tui-bench-props-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    std::env::set_current_dir(&scratch).unwrap();
    let started = Instant::now();
    let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
        failure_persistence: None,
        ..Default::default()
    });
    let strategy = (
        proptest::collection::vec(props::step(), 1..60),
        proptest::bool::weighted(0.3),
    );
    let (mut cases, mut failures) = (0u64, 0u64);
    while cases < 1_000_000 && started.elapsed() < budget {
        use proptest::strategy::{Strategy, ValueTree};
        let (steps, read_only) = strategy.new_tree(&mut runner).unwrap().current();
        if let Err(e) = props::run(steps, read_only).await {
            failures += 1;
            eprintln!("property broken: {e}");
        }
        cases += 1;
    }
    row(
        "property test cases run (random keys, resizes, API results)",
        format!("{cases}"),
        "1,000,000",
    );
    row("property test cases broken", format!("{failures}"), "0");
    let _ = std::fs::remove_dir_all(&scratch);
}

/// The bare aws-sdk-ec2 paginator, one NextToken chain, every page parsed.
async fn bare_listing(c: &aws_sdk_ec2::Client, total: usize) -> Duration {
    let t = Instant::now();
    let mut pages = c
        .describe_instances()
        .max_results(1000)
        .into_paginator()
        .send();
    let mut count = 0;
    while let Some(p) = pages.next().await {
        count += p
            .unwrap()
            .reservations()
            .iter()
            .map(|r| r.instances().len())
            .sum::<usize>();
    }
    assert_eq!(count, total);
    t.elapsed()
}

/// What one run of the binary measured.
struct BinaryRun {
    /// Process start until the title shows all the instances, loaded.
    listed: Duration,
    /// Each key (`:` then Esc, again and again) pressed while the pages stream in, until the
    /// screen shows it.
    keys: Vec<Duration>,
    /// Resident memory (KiB): at the first frame, once loaded, after the refreshes.
    rss_start: u64,
    rss_loaded: u64,
    rss_refreshed: u64,
    /// Each sort key (`>` then `<`) pressed once all are loaded, until the column heads show
    /// the new sort.
    sorts: Vec<Duration>,
}

fn rss_of(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Runs the real binary in a pseudo-terminal against `endpoint` until its title shows all
/// `total` instances (pressing keys while they stream in), then waits for `refreshes`
/// periodic refreshes (one second apart) to complete.
fn binary_lists(endpoint: &str, total: usize, refreshes: usize) -> BinaryRun {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    use std::io::{Read, Write};
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 50,
            cols: 200,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("a pty");
    let home = std::env::temp_dir().join(format!("ec2tui-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&home);
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_ec2tui"));
    // refreshes 5 s apart: memory is sampled 4 s after a listing ends (what stays held),
    // before the next one starts
    let every = if refreshes > 0 { "5" } else { "0" };
    cmd.args([
        "--endpoint-url",
        endpoint,
        "--region",
        "us-east-1",
        "--refresh",
        every,
    ]);
    cmd.env_clear();
    for (k, v) in [
        ("PATH", "/usr/bin:/bin"),
        ("TERM", "xterm-256color"),
        ("AWS_ACCESS_KEY_ID", "bench"),
        ("AWS_SECRET_ACCESS_KEY", "bench"),
        ("AWS_CONFIG_FILE", "/nonexistent/config"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ] {
        cmd.env(k, v);
    }
    cmd.env("HOME", &home);
    cmd.env("XDG_DATA_HOME", home.join("data"));
    cmd.env("XDG_CONFIG_HOME", home.join("config"));
    let start = Instant::now();
    let mut child = pair.slave.spawn_command(cmd).expect("spawn ec2tui");
    let pid = child.process_id().unwrap_or(0);
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let mut writer = pair.master.take_writer().unwrap();
    let parser = std::sync::Arc::new(std::sync::Mutex::new(vt100::Parser::new(50, 200, 0)));
    let p = parser.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            p.lock().unwrap().process(&buf[..n]);
        }
    });
    let screen = || parser.lock().unwrap().screen().contents();
    let bottom = || {
        let s = parser.lock().unwrap();
        s.screen().contents_between(49, 0, 49, 200)
    };
    let mut send = |b: &[u8]| {
        writer.write_all(b).unwrap();
        writer.flush().unwrap();
    };
    let done = format!("Instances ({total})");
    let deadline = Instant::now() + Duration::from_secs(600);
    let mut keys = Vec::new();
    // the key in flight: when it was sent, and whether it opens the command line
    let mut sent: Option<(Instant, bool)> = None;
    let mut rss_start = 0;
    let listed = loop {
        let s = screen();
        if rss_start == 0 && s.contains("Instances") {
            rss_start = rss_of(pid);
        }
        let open = bottom().trim_end() == ":";
        match sent {
            Some((t, opens)) if open == opens => {
                keys.push(t.elapsed());
                sent = None;
            }
            None if s.contains("loading (page") => {
                send(if open { b"\x1b" } else { b":" });
                sent = Some((Instant::now(), !open));
            }
            _ => {}
        }
        if s.contains(&done) && !s.contains("loading") {
            break start.elapsed();
        }
        assert!(Instant::now() < deadline, "never listed:\n{s}");
        std::thread::sleep(Duration::from_millis(1));
    };
    // let the key in flight land, then close the command line if it is open
    std::thread::sleep(Duration::from_millis(300));
    if bottom().trim_end() == ":" {
        send(b"\x1b");
    }
    std::thread::sleep(Duration::from_millis(if refreshes > 0 {
        4000
    } else {
        300
    }));
    let rss_loaded = rss_of(pid);
    // sorts of every instance, as the user gets them: key until the heads show the arrow
    let mut sorts = Vec::new();
    if refreshes == 0 {
        for (k, head) in [(b">", "Instance ID↑"), (b"<", "Name↑")]
            .iter()
            .cycle()
            .take(6)
        {
            let t = Instant::now();
            send(*k);
            while !screen().contains(head) {
                assert!(Instant::now() < deadline, "never sorted");
                std::thread::sleep(Duration::from_millis(1));
            }
            sorts.push(t.elapsed());
        }
    }
    // each refresh shows "loading" in the title, then its end
    let mut loading = false;
    let mut completed = 0;
    while completed < refreshes {
        let now_loading = screen().contains("loading");
        if loading && !now_loading {
            completed += 1;
        }
        loading = now_loading;
        assert!(Instant::now() < deadline, "refreshes never completed");
        std::thread::sleep(Duration::from_millis(1));
    }
    std::thread::sleep(Duration::from_millis(if refreshes > 0 { 4000 } else { 0 }));
    let rss_refreshed = rss_of(pid);
    send(b"\x1b");
    std::thread::sleep(Duration::from_millis(100));
    send(b"q");
    for _ in 0..500 {
        if child.try_wait().ok().flatten().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&home);
    BinaryRun {
        listed,
        keys,
        rss_start,
        rss_loaded,
        rss_refreshed,
        sorts,
    }
}
