//! A property test of the core: random keys, resizes and API results (failures and stale
//! pages among them) over the demo region, checked after every step.

use std::time::Duration;

use ec2tui::app::{Dialog, Event, Key, KeyCode, MIN_HEIGHT, MIN_WIDTH};
use ec2tui::aws::demo::DemoRegion;
use ec2tui::aws::{ApiError, ErrorKind, Instance, InstanceState, Page};
use proptest::prelude::*;

use crate::driver::{Driver, Panes, instances_page};

#[derive(Debug, Clone)]
pub enum Step {
    Key(Key),
    /// A `:` command from a safe list (no pane that writes files is reachable at random).
    Command(&'static str),
    Resize(u16, u16),
    WatchDue,
    RefreshDue,
    /// A page of instances for a request id near the latest: stale, current or unknown.
    Page {
        back: u64,
        fail: bool,
    },
}

fn key() -> impl Strategy<Value = Key> {
    let chars = "jkgG/<>= sSFrpiLlonavxdCqy?1234510\u{1b}";
    prop_oneof![
        6 => proptest::sample::select(chars.chars().collect::<Vec<_>>()).prop_map(Key::char),
        2 => proptest::sample::select(vec![
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Down,
            KeyCode::Up,
            KeyCode::PageDown,
            KeyCode::PageUp,
            KeyCode::Backspace,
            KeyCode::End,
            KeyCode::Home,
        ])
        .prop_map(Key::plain),
        1 => proptest::sample::select(vec!['d', 's', 'r', 'u']).prop_map(Key::ctrl),
        1 => Just(Key::char('t')), // part of "terminate"
    ]
}

pub fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        12 => key().prop_map(Step::Key),
        1 => proptest::sample::select(vec![
            "instances", "amis", "volumes", "snapshots", "events", "journal", "sg",
            "messages", "bogus", "help", "templates", "asg", "lc", "keypairs", "region",
            "profile", "region eu-west-1", "profile demo-prod",
        ])
        .prop_map(Step::Command),
        1 => (10u16..220, 5u16..70).prop_map(|(w, h)| Step::Resize(w, h)),
        1 => Just(Step::WatchDue),
        1 => Just(Step::RefreshDue),
        1 => (0u64..4, any::<bool>()).prop_map(|(back, fail)| Step::Page { back, fail }),
    ]
}

/// The screen as drawn at `w`×`h`, as text (this file is also the bench's: no test module).
fn screen(app: &mut ec2tui::app::AppState, w: u16, h: u16) -> String {
    app.update(Event::Resize {
        width: w,
        height: h,
    });
    app.prepare_draw();
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    let theme = ec2tui::ui::theme::Theme::default();
    t.draw(|f| ec2tui::ui::draw(f, app, &theme)).unwrap();
    let b = t.backend().buffer();
    (0..b.area.height)
        .map(|y| {
            (0..b.area.width)
                .map(|x| b[(x, y)].symbol())
                .collect::<String>()
                + "\n"
        })
        .collect()
}

/// Runs the steps; returns a description of the first broken rule, if any.
pub async fn run(steps: Vec<Step>, read_only: bool) -> Result<(), String> {
    let mut d = Driver::new(
        DemoRegion::new(12, Duration::ZERO, Duration::ZERO),
        read_only,
    );
    d.start().await;
    let mut confirmed_ever = false;
    let mut latest_req = 0u64;
    for (n, s) in steps.into_iter().enumerate() {
        let (w, h) = d.app.size;
        let dialog_before = match &d.app.dialog {
            Some(Dialog::Confirm(_)) => "confirm",
            Some(Dialog::Form { .. }) => "form",
            _ => "",
        };
        // a confirmation is answered only where its prompt is drawn: looked for on screen
        // (drawn only for the keys that answer one: drawing every step is slow)
        let answers = matches!(&s, Step::Key(k)
            if k.code == KeyCode::Enter || k.code == KeyCode::Char('y') || *k == Key::ctrl('s'));
        let visible = w >= MIN_WIDTH
            && h >= MIN_HEIGHT
            && (dialog_before != "confirm" || !answers || {
                let screen = screen(&mut d.app, w, h);
                screen.contains("y/Enter confirm") || screen.contains("and press Enter to confirm")
            });
        let (fx, by_key) = match &s {
            Step::Key(k) => (d.app.update(Event::Key(*k)), true),
            Step::Command(c) => {
                let mut fx = d.app.update(Event::Key(Key::char(':')));
                for ch in c.chars() {
                    fx.extend(d.app.update(Event::Key(Key::char(ch))));
                }
                fx.extend(d.app.update(Event::Key(Key::plain(KeyCode::Enter))));
                (fx, true)
            }
            Step::Resize(w, h) => (
                d.app.update(Event::Resize {
                    width: *w,
                    height: *h,
                }),
                false,
            ),
            Step::WatchDue => (d.app.update(Event::WatchDue), false),
            Step::RefreshDue => (d.app.update(Event::RefreshDue), false),
            Step::Page { back, fail } => {
                let req = latest_req.saturating_sub(*back);
                let result = if *fail {
                    Err(ApiError::other(ErrorKind::Network, "injected"))
                } else {
                    Ok(Page {
                        items: vec![Instance {
                            id: format!("i-injected{back}"),
                            state: InstanceState::Running,
                            ..Default::default()
                        }],
                        next_token: None,
                    })
                };
                (d.app.update(instances_page(req, result)), false)
            }
        };
        for f in &fx {
            if let ec2tui::app::Effect::Fetch {
                pane: "instances",
                req,
                job,
            } = f
                && job.what == "DescribeInstances"
            {
                latest_req = latest_req.max(*req);
            }
        }
        let calls_now = crate::driver::calls(&fx).len();
        if calls_now > 0 {
            if read_only {
                return Err(format!("step {n} {s:?}: a call in read-only mode"));
            }
            if by_key {
                if dialog_before.is_empty() || !visible {
                    return Err(format!(
                        "step {n} {s:?}: a call without a confirmation on a visible prompt (dialog {dialog_before:?}, {w}×{h})"
                    ));
                }
                confirmed_ever = true;
            } else if !confirmed_ever {
                return Err(format!(
                    "step {n} {s:?}: a call nobody confirmed: {:?}",
                    crate::driver::calls(&fx)
                ));
            }
        }
        d.run(fx).await;
        if d.calls.iter().any(|_| read_only) {
            return Err(format!("step {n}: a follow-up call in read-only mode"));
        }
        // selection and marks only on rows that exist
        d.app.prepare_draw();
        let t = d.app.instances();
        if let Some(id) = t.selected_id()
            && t.get(id).is_none()
        {
            return Err(format!("step {n}: selected {id} is not a row"));
        }
        if let Some(m) = t.marks().iter().find(|m| t.get(m).is_none()) {
            return Err(format!("step {n}: marked {m} is not a row"));
        }
        let focused = d.app.table();
        if let Some(id) = focused.selected_id().map(str::to_string)
            && focused.rows() > 0
            && focused.cursor() >= focused.rows()
        {
            return Err(format!("step {n}: cursor past the rows (selected {id})"));
        }
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("EC2TUI_PROP_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        .. ProptestConfig::default()
    })]

    #[test]
    fn random_use_never_calls_aws_unconfirmed_nor_breaks_the_table(
        steps in proptest::collection::vec(step(), 1..60),
        read_only in proptest::bool::weighted(0.3),
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let r = rt.block_on(run(steps, read_only));
        prop_assert!(r.is_ok(), "{}", r.unwrap_err());
    }
}

fn row() -> impl Strategy<Value = ec2tui::panes::instances::InstanceRow> {
    // few distinct values with shared long prefixes, mixed case and non-ASCII, so that
    // sort keys tie and the comparison has to decide
    let text = proptest::sample::select(vec![
        "",
        "a",
        "A",
        "web-prod-eu-west-1-0001",
        "web-prod-eu-west-1-0002",
        "Web-Prod-EU-west-1-0001",
        "web-prod-eu-west-1-00010",
        "Ünïcode-name",
        "ünïcode-name-2",
        "z",
        "10.0.0.1",
        "10.0.0.10",
        "9.9.9.9",
        "not-an-ip",
        // upper case and non-ASCII past the first 15 bytes (the second level of keys)
        "ABCDEFGHIJKLMNOÜ",
        "abcdefghijklmnoü",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ-ÄÖ",
        "abcdefghijklmnopqrstuvwxyz-äö",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ-ä",
        "x@y",
        "X[Y",
        "x`y",
        "X{Y",
        "Z",
        "a",
    ]);
    let ip = proptest::sample::select(vec!["", "10.0.0.1", "10.0.0.2", "9.255.0.1", "x"]);
    (
        "i-[0-9a-f]{3}",
        text.clone(),
        0..6usize,
        text.clone(),
        ip.clone(),
        ip,
        proptest::option::of(-3i64..3),
        proptest::option::of(text),
        proptest::option::of(any::<bool>()),
    )
        .prop_map(
            |(id, name, st, ty, private, public, launched, checks, protected)| {
                let states = [
                    InstanceState::Pending,
                    InstanceState::Running,
                    InstanceState::Stopping,
                    InstanceState::Stopped,
                    InstanceState::ShuttingDown,
                    InstanceState::Terminated,
                ];
                ec2tui::panes::instances::InstanceRow {
                    inst: Instance {
                        id,
                        name: name.into(),
                        state: states[st],
                        instance_type: ty.into(),
                        az: ty.into(),
                        key_name: name.into(),
                        private_ip: private.into(),
                        public_ip: public.into(),
                        launch_time: launched.map(|t| t * 1_000_000_000_000_000_000 / 3),
                        ..Default::default()
                    },
                    checks: checks.map(String::from),
                    protected,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases().min(500),
        failure_persistence: None,
        .. ProptestConfig::default()
    })]

    /// Sorting by keys (and comparing only where keys tie) orders rows exactly as the
    /// column's comparison does, ties broken by id, in both directions: rows arriving in any
    /// order, in two pages (the second merged into the first's order), some then removed.
    #[test]
    fn keyed_sort_orders_as_the_comparison(
        rows in proptest::collection::vec(row(), 0..80),
        cut in 0..80usize,
        gone in 1..5usize,
    ) {
        use ec2tui::app::{Collection, Resource};
        use ec2tui::panes::instances::InstanceRow;
        let mut seen = std::collections::HashSet::new();
        let rows: Vec<InstanceRow> =
            rows.into_iter().filter(|r| seen.insert(r.inst.id.clone())).collect();
        let cut = cut.min(rows.len());
        for &(col, _) in InstanceRow::columns() {
            for desc in [false, true] {
                let mut c = Collection::<InstanceRow>::default();
                c.set_sort(col, desc);
                c.begin(1);
                c.apply_page(1, rows[..cut].to_vec(), false);
                c.refresh_view();
                c.apply_page(1, rows[cut..].to_vec(), true);
                let mut want = rows.clone();
                want.sort_by(|a, b| {
                    let o = a.compare(b, col).then_with(|| a.id().cmp(b.id()));
                    if desc { o.reverse() } else { o }
                });
                for stage in ["merged", "sorted afresh", "some removed"] {
                    match stage {
                        "sorted afresh" => {
                            c.set_sort(col, !desc);
                            c.refresh_view();
                            c.set_sort(col, desc);
                        }
                        "some removed" => {
                            for r in rows.iter().step_by(gone) {
                                c.remove(r.id());
                            }
                            want.retain(|w| !rows.iter().step_by(gone).any(|r| r.id() == w.id()));
                        }
                        _ => {}
                    }
                    c.refresh_view();
                    let got: Vec<&str> = (0..c.rows()).map(|p| c.row(p).unwrap().id()).collect();
                    let want: Vec<&str> = want.iter().map(|r| r.id()).collect();
                    prop_assert_eq!(got, want, "{:?} desc={} {}", col, desc, stage);
                }
            }
        }
    }
}

/// A key typed into a form: any character at all, or a key that moves or edits.
fn form_key() -> impl Strategy<Value = Key> {
    prop_oneof![
        4 => any::<char>().prop_map(Key::char),
        3 => proptest::sample::select(vec!['é', 'ß', '漢', '👍', '=', ',', '"', '\'', ':', 'a', ' ', '\u{301}'])
            .prop_map(Key::char),
        3 => proptest::sample::select(vec![
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Backspace,
            KeyCode::Delete,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Enter,
        ])
        .prop_map(Key::plain),
    ]
}

/// Every form, and the filter and command lines, each opened by a pane's key.
const FORMS: &[(&str, &str)] = &[
    ("instances", "t"),
    ("instances", "i"),
    ("instances", "L"),
    ("instances", "T"),
    ("instances", "/"),
    ("instances", ":"),
    ("amis", "l"),
    ("amis", "C"),
    ("amis", "t"),
    ("volumes", "n"),
    ("volumes", "x"),
    ("volumes", "t"),
    ("snapshots", "v"),
    ("snapshots", "C"),
    ("keypairs", "n"),
    ("keypairs", "i"),
    ("templates", "n"),
    ("templates", "l"),
    ("asg", "e"),
    ("asg", "u"),
    ("lc", "n"),
    ("lc", "m"),
];

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases().min(150),
        failure_persistence: None,
        .. ProptestConfig::default()
    })]

    /// Arbitrary Unicode typed into every text field of every form (and removed again, the
    /// cursor moved over it, the form submitted) never panics, neither the keys nor the
    /// drawing at 80×24 and 60×15.
    #[test]
    fn any_text_in_any_form_never_panics(
        form in 0..FORMS.len(),
        keys in proptest::collection::vec(form_key(), 1..80),
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let mut d = Driver::new(DemoRegion::new(6, Duration::ZERO, Duration::ZERO), false);
            d.start().await;
            let (pane, key) = FORMS[form];
            d.keys(":").await;
            d.keys(pane).await;
            d.enter().await;
            d.keys(key).await;
            for (n, k) in keys.into_iter().enumerate() {
                d.key(k).await;
                // drawn every few keys, at both sizes (drawing every key is slow)
                if n % 4 == 3 {
                    let (w, h) = if n % 8 == 3 { (80, 24) } else { (60, 15) };
                    screen(&mut d.app, w, h);
                }
            }
            screen(&mut d.app, 60, 15);
        });
    }
}

/// The keys of issue 17: a multibyte character at the 4th byte of a key to set or remove.
#[test]
fn a_tag_key_with_a_multibyte_fourth_byte_is_parsed() {
    let (set, removed) = ec2tui::app::tags::parse("xyzé=v", "abcé").unwrap();
    assert_eq!(set, [("xyzé".to_string(), "v".to_string())]);
    assert_eq!(removed, ["abcé"]);
    assert!(ec2tui::app::tags::parse("aws:x=1", "").is_err());
    assert!(ec2tui::app::tags::parse("AWS:x=1", "").is_err());
}
