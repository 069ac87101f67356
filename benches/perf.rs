//! Performance, measured (not asserted): `cargo bench`. Prints a table.
//!
//! - one frame with 100,000 instances (demo backend, 200×50 cells)
//! - one filter keystroke over 100,000 instances
//! - resident memory per instance held by the app
//! - listing 10,000 instances from a local moto, ec2tui's whole path vs the bare paginator
//! - the release binary end to end: listing 100,000 instances from a local endpoint in a
//!   pseudo-terminal, and a key pressed while they stream in, beside the bare paginator
//! - the core's property test (tests/it/props.rs), up to a million cases in two minutes

#[path = "../tests/it/driver.rs"]
mod driver;
#[path = "../tests/it/emulator.rs"]
mod emulator;
#[path = "../tests/it/props.rs"]
#[allow(dead_code)]
mod props;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ec2tui::app::{ApiEvent, AppState, Collection, Context, Effect, Event, Key, KeyCode};
use ec2tui::aws::Ec2Api;
use ec2tui::aws::demo::DemoRegion;
use ec2tui::panes::instances::{InstanceRow, InstancesPane};
use ec2tui::tui::{Sink, run_effect};
use ec2tui::ui::{self, theme::Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

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
    let mut fx = app.start();
    while let Some(f) = (!fx.is_empty()).then(|| fx.remove(0)) {
        // the listing only: not the protection and status look-ups of the rows on screen
        let listing = matches!(&f, Effect::Fetch { job, .. } if job.what == "DescribeInstances");
        if !listing {
            continue;
        }
        let events = Arc::new(Mutex::new(Vec::<ApiEvent>::new()));
        let to = events.clone();
        let sink: Sink = Arc::new(move |e| {
            to.lock().unwrap().push(e);
            true
        });
        Box::pin(run_effect(
            api.clone(),
            &ec2tui::journal::Journal::none(),
            f,
            sink,
        ))
        .await;
        let events = std::mem::take(&mut *events.lock().unwrap());
        for e in events {
            fx.extend(app.update(Event::Api(e)));
        }
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
    println!(
        "| {:<60} | {:>10} | {:<10} |",
        "measure", "result", "target"
    );
    println!("|{}|{}|{}|", "-".repeat(62), "-".repeat(12), "-".repeat(12));

    let demo = DemoRegion::new(n, Duration::ZERO, Duration::ZERO);
    let mut a = app();
    let before = rss_kib();
    load(&mut a, Arc::new(demo)).await;
    let after = rss_kib();
    assert_eq!(instances(&mut a).len(), n);
    let per = (after.saturating_sub(before) as f64 * 1024.0) / n as f64;

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
    row(
        "resident memory per instance held by the app",
        format!("{per:.0} B"),
        "< 2048 B",
    );

    // a sort (the next column, then back) and opening the details, as keys
    a.update(Event::Key(Key::plain(KeyCode::Esc)));
    a.update(Event::Key(Key::plain(KeyCode::Esc)));
    let mut sorts = Vec::new();
    for k in [">", ">", "<", "<", "=", "="].iter().cycle().take(12) {
        let t = Instant::now();
        a.update(Event::Key(Key::char(k.chars().next().unwrap())));
        instances(&mut a).refresh_view();
        sorts.push(t.elapsed());
    }
    row(
        &format!("sort by another column, {n} instances (median of 12)"),
        format!("{:.3} ms", median(sorts.clone()).as_secs_f64() * 1e3),
        "< 16 ms",
    );
    row(
        &format!("sort by another column, {n} instances (worst)"),
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
    for round in 0..9 {
        if round % 2 == 1 {
            // alternate which goes first, so neither always meets a warm endpoint
            let t = Instant::now();
            let mut pages = c
                .describe_instances()
                .max_results(1000)
                .into_paginator()
                .send();
            while let Some(p) = pages.next().await {
                p.unwrap();
            }
            let _ = t.elapsed();
        }
        let t = Instant::now();
        let mut a = app();
        load(&mut a, adapter.clone()).await;
        assert_eq!(instances(&mut a).len(), total);
        ours.push(t.elapsed());

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
        bare.push(t.elapsed());
    }
    let (o, b) = (median(ours), median(bare));
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

    // the release binary end to end, as a user gets it: 100,000 instances from the canned
    // endpoint, in a pseudo-terminal, with a key pressed while the pages stream in
    let total = 100_000;
    let canned = emulator::Moto::start_script("canned.py", &[&total.to_string()]);
    let c = canned.client().await;
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
    let bare = t.elapsed();
    let endpoint = canned.endpoint.clone();
    let (listed, key) = tokio::task::spawn_blocking(move || binary_lists(&endpoint, total))
        .await
        .unwrap();
    row(
        &format!("list {total}, local endpoint: the release binary until shown"),
        format!("{:.0} ms", listed.as_secs_f64() * 1e3),
        "",
    );
    row(
        &format!("list {total}, local endpoint: bare paginator"),
        format!("{:.0} ms", bare.as_secs_f64() * 1e3),
        "",
    );
    row(
        "a key pressed while they stream in, until drawn",
        match key {
            Some(k) => format!("{:.0} ms", k.as_secs_f64() * 1e3),
            None => "not seen".into(),
        },
        "< 50 ms",
    );
    drop(canned);

    // the property test at scale: as many cases as two minutes allow, up to a million
    let budget = Duration::from_secs(120);
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
}

/// Runs the real binary in a pseudo-terminal against `endpoint`: how long until the title
/// shows all `total` instances, and how long a key (`:`) pressed while the pages stream in
/// takes to be drawn.
fn binary_lists(endpoint: &str, total: usize) -> (Duration, Option<Duration>) {
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
    cmd.args([
        "--endpoint-url",
        endpoint,
        "--region",
        "us-east-1",
        "--refresh",
        "0",
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
    let done = format!("Instances ({total})");
    let deadline = Instant::now() + Duration::from_secs(600);
    let mut key = None;
    let mut sent: Option<Instant> = None;
    loop {
        let s = screen();
        if key.is_none() && sent.is_none() && s.contains("loading (page") {
            writer.write_all(b":").unwrap();
            writer.flush().unwrap();
            sent = Some(Instant::now());
        }
        if let Some(t) = sent
            && key.is_none()
            && bottom().trim_end() == ":"
        {
            key = Some(t.elapsed());
            writer.write_all(b"\x1b").unwrap();
            writer.flush().unwrap();
        }
        if s.contains(&done) && !s.contains("loading") {
            break;
        }
        assert!(Instant::now() < deadline, "never listed:\n{s}");
        std::thread::sleep(Duration::from_millis(2));
    }
    let listed = start.elapsed();
    writer.write_all(b"q").unwrap();
    writer.flush().unwrap();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&home);
    (listed, key)
}
