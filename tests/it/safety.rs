//! Per-profile and per-region safety from `config.toml` (read-only that cannot be turned
//! off, banner, typed confirmations; a broken file reads as read-only) and the colourless
//! theme (`NO_COLOR`, `--no-color`).

use ec2tui::app::{Dialog, Key, KeyCode, SafetyRules};
use ec2tui::config;

use crate::driver::{Driver, Panes};
use crate::emulator::{Moto, launch, some_ami, state_of};
use crate::ui::{render, text};

const CONFIG: &str = r#"
[profiles.prod]
read_only = true
banner = "PRODUCTION"

[profiles.staging]
banner = "STAGING"
confirm = "typed"

[regions.us-east-1]
banner = "US-EAST-1"
"#;

fn rules_from(text: &str) -> (SafetyRules, Option<String>) {
    let dir = tempdir();
    std::fs::write(dir.join("config.toml"), text).unwrap();
    let (c, warning) = config::load_config(Some(&dir));
    let _ = std::fs::remove_dir_all(&dir);
    (c.rules(), warning)
}

fn tempdir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let d = std::env::temp_dir().join(format!(
        "ec2tui-safety-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn rules_combine_profile_and_region_and_a_broken_file_is_read_only_everywhere() {
    let (rules, warning) = rules_from(CONFIG);
    assert!(warning.is_none(), "{warning:?}");
    let prod = rules.for_context("prod", "eu-west-1");
    assert!(prod.read_only && !prod.typed);
    assert_eq!(prod.banner.as_deref(), Some("PRODUCTION"));
    let staging = rules.for_context("staging", "us-east-1");
    assert!(!staging.read_only && staging.typed);
    assert_eq!(staging.banner.as_deref(), Some("STAGING · US-EAST-1"));
    let other = rules.for_context("dev", "eu-west-1");
    assert!(!other.read_only && !other.typed && other.banner.is_none());

    for broken in [
        "[profiles.prod\nread_only = true",     // not TOML
        "[profiles.prod]\nread_only = \"yes\"", // wrong type
        "[profiles.prod]\nconfirm = \"maybe\"", // unknown word
        "[profiles.prod]\nreadonly = true",     // misspelt key
    ] {
        let (rules, warning) = rules_from(broken);
        let w = warning.expect("a broken file is reported");
        assert!(w.contains("read-only until it is fixed"), "{w}");
        assert!(rules.for_context("dev", "eu-west-1").read_only, "{broken}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_profile_refuses_every_change_and_no_call_is_sent() {
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    let ids = launch(&c, &ami, 2, "prod-web").await;
    let mut d = Driver::new(moto.adapter().await, false);
    d.app.rules = rules_from(CONFIG).0;
    d.app.ctx.profile = "prod".into();
    d.app.apply_safety();
    d.start().await;
    assert_eq!(d.app.instances().len(), 2);
    // every key that changes something, on one and on two marked instances
    for marked in [false, true] {
        if marked {
            d.keys(" j ").await;
        }
        for k in [
            Key::char('s'),
            Key::char('S'),
            Key::char('F'),
            Key::char('r'),
            Key::ctrl('d'),
            Key::char('p'),
            Key::char('i'),
            Key::char('L'),
            Key::char('t'),
        ] {
            d.key(k).await;
            // whatever opened (nothing should), answer it as a user bent on it would
            d.keys("yterminate").await;
            d.key(Key::plain(KeyCode::Enter)).await;
            d.key(Key::ctrl('s')).await;
            d.key(Key::plain(KeyCode::Esc)).await;
        }
    }
    assert!(d.calls.is_empty(), "nothing sent: {:?}", d.calls);
    for id in &ids {
        assert_eq!(state_of(&c, id).await, "running");
    }
    let said: Vec<String> = d.app.messages().iter().map(|m| m.text.clone()).collect();
    assert!(
        said.iter()
            .any(|m| m.contains("profile prod is read-only in config.toml")),
        "{said:?}"
    );
    // the header says so, with the banner
    let screen = text(&render(&mut d.app, 100, 20));
    let header = screen.lines().next().unwrap();
    assert!(
        header.contains("PRODUCTION") && header.contains("READ-ONLY"),
        "{header}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_confirmation_for_every_change_of_a_profile() {
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    let ids = launch(&c, &ami, 1, "staging-web").await;
    let mut d = Driver::new(moto.adapter().await, false);
    d.app.rules = rules_from(CONFIG).0;
    d.app.ctx.profile = "staging".into();
    d.app.apply_safety();
    d.start().await;
    // a stop, usually y: now the word is asked, and y is not it
    d.keys("S").await;
    let Some(Dialog::Confirm(cf)) = &d.app.dialog else {
        panic!("a confirmation: {:?}", d.app.dialog.is_some());
    };
    assert_eq!(cf.typed, Some("yes"));
    d.keys("y").await;
    d.key(Key::plain(KeyCode::Enter)).await;
    assert!(d.calls.is_empty(), "y is not enough");
    let screen = text(&render(&mut d.app, 100, 30));
    assert!(
        screen.contains("yes"),
        "the prompt names the word:\n{screen}"
    );
    d.key(Key::ctrl('u')).await;
    d.keys("yes").await;
    d.key(Key::plain(KeyCode::Enter)).await;
    assert_eq!(d.calls.len(), 1);
    assert_eq!(state_of(&c, &ids[0]).await, "stopped");

    // a change a form sends on its own (a new volume: the form is its only question):
    // the rule asks before anything is sent
    let before = d.calls.len();
    d.keys(":volumes").await;
    d.key(Key::plain(KeyCode::Enter)).await;
    d.keys("n").await;
    assert!(
        matches!(d.app.dialog, Some(Dialog::Form { .. })),
        "the form"
    );
    d.key(Key::ctrl('s')).await;
    assert_eq!(d.calls.len(), before, "not sent before the word");
    let Some(Dialog::Confirm(cf)) = &d.app.dialog else {
        panic!("the rule asks: {}", d.status());
    };
    assert!(cf.rule && cf.typed == Some("yes"));
    let screen = text(&render(&mut d.app, 100, 30));
    assert!(
        screen.contains("CreateVolume") || screen.contains("volume"),
        "{screen}"
    );
    d.keys("yes").await;
    d.key(Key::plain(KeyCode::Enter)).await;
    assert_eq!(d.calls.len(), before + 1);
    let volumes = c.describe_volumes().send().await.unwrap();
    assert!(volumes.volumes().len() >= 2, "the volume was created");
}

#[tokio::test]
async fn without_colour_the_selection_banner_and_dangers_are_told_by_reverse_and_bold() {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::style::{Color, Modifier};
    let mut d = crate::ui::demo_app(10).await;
    d.app.ctx.banner = Some("PRODUCTION".into());
    d.app.update(ec2tui::app::Event::Resize {
        width: 100,
        height: 20,
    });
    d.app.prepare_draw();
    let theme = ec2tui::ui::theme::Theme::mono();
    let mut t = Terminal::new(TestBackend::new(100, 20)).unwrap();
    t.draw(|f| ec2tui::ui::draw(f, &d.app, &theme)).unwrap();
    let b = t.backend().buffer().clone();
    let mut colours = 0;
    for y in 0..20 {
        for x in 0..100 {
            let c = &b[(x, y)];
            if c.fg != Color::Reset || c.bg != Color::Reset {
                colours += 1;
            }
        }
    }
    assert_eq!(colours, 0, "no colour anywhere");
    let screen = text(&b);
    let header = screen.lines().next().unwrap();
    let x = header.find("PRODUCTION").unwrap() as u16;
    assert!(
        b[(x, 0)].modifier.contains(Modifier::REVERSED),
        "the banner is reversed"
    );
    // the selected row (the first of the table, below the title and the column heads)
    let row = (0..20)
        .find(|&y| (0..100).any(|x| b[(x, y)].modifier.contains(Modifier::REVERSED)) && y > 0)
        .expect("a reversed row: the selection");
    assert!(screen.lines().nth(row as usize).unwrap().contains("i-"));
}

/// In a context that wants the word typed, the tags form's calls go out from that
/// confirmation and their answers still reach the rows (found by review: they went to the
/// pane's own answers and the rows kept their old tags).
#[tokio::test]
async fn tags_confirmed_with_the_typed_word_reach_the_rows() {
    use std::time::Duration;
    let mut d = Driver::new(
        ec2tui::aws::demo::DemoRegion::new(10, Duration::ZERO, Duration::ZERO),
        false,
    );
    d.start().await;
    d.app.ctx.typed = true;
    let id = d.app.instances().selected_id().unwrap().to_string();
    d.keys("t").await;
    d.keys("Env=typed").await;
    d.key(Key::ctrl('s')).await;
    let Some(Dialog::Confirm(c)) = &d.app.dialog else {
        panic!("the typed confirmation: {}", d.status())
    };
    assert!(c.typed.is_some());
    d.keys(ec2tui::app::TYPED_WORD).await;
    d.key(Key::plain(KeyCode::Enter)).await;
    let tags = d.app.instances().get(&id).unwrap().inst.tags.clone();
    assert!(
        tags.contains(&("Env".to_string(), "typed".to_string())),
        "{tags:?} — {}",
        d.status()
    );
    assert!(d.status().contains("Env=typed"), "{}", d.status());
}
