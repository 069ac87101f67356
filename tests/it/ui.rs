//! UI snapshots over ratatui's TestBackend (insta), and the README screenshots.

use std::time::Duration;

use ec2tui::app::{AppState, Event, Key, KeyCode};
use ec2tui::aws::demo::DemoRegion;
use ec2tui::aws::{ApiError, ErrorKind};
use ec2tui::ui::{self, theme::Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use crate::driver::Panes;
use crate::driver::{Driver, state};

pub fn render(app: &mut AppState, w: u16, h: u16) -> Buffer {
    app.update(Event::Resize {
        width: w,
        height: h,
    });
    app.prepare_draw();
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    let theme = Theme::default();
    t.draw(|f| ui::draw(f, app, &theme)).unwrap();
    t.backend().buffer().clone()
}

pub fn text(b: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..b.area.height {
        let mut line = String::new();
        for x in 0..b.area.width {
            line.push_str(b[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub async fn demo_app(n: usize) -> Driver<DemoRegion> {
    let mut d = Driver::new(
        DemoRegion::new(n, Duration::from_secs(3600), Duration::ZERO),
        false,
    );
    d.app.ctx.demo = true;
    d.app.ctx.profile = "demo".into();
    d.app.ctx.region = "eu-west-1".into();
    d.start().await;
    d
}

#[tokio::test]
async fn pane_loading() {
    let mut app = state(false);
    app.start();
    insta::assert_snapshot!(text(&render(&mut app, 100, 20)));
}

#[tokio::test]
async fn pane_loaded() {
    let mut d = demo_app(60).await;
    d.keys("jj").await;
    insta::assert_snapshot!(text(&render(&mut d.app, 120, 30)));
}

#[tokio::test]
async fn pane_empty() {
    let mut d = demo_app(0).await;
    insta::assert_snapshot!(text(&render(&mut d.app, 100, 20)));
}

#[tokio::test]
async fn pane_failed() {
    let mut app = state(false);
    app.ctx.endpoint = Some("http://127.0.0.1:9".into());
    app.ctx.read_only = true;
    let fx = app.start();
    let req = crate::driver::fetch_req(&fx, "instances", "DescribeInstances").unwrap();
    let err = ApiError::other(
        ErrorKind::Network,
        "cannot reach the endpoint: Connection refused (os error 111)",
    );
    app.update(crate::driver::instances_page(req, Err(err)));
    insta::assert_snapshot!(text(&render(&mut app, 100, 20)));
}

#[tokio::test]
async fn pane_filtered_with_marks() {
    let mut d = demo_app(60).await;
    d.keys("/web").await;
    d.keys(" ").await; // typed into the filter: a space is part of the filter text
    d.key(Key::plain(KeyCode::Backspace)).await;
    d.key(Key::plain(KeyCode::Enter)).await;
    d.keys("  ").await;
    insta::assert_snapshot!(text(&render(&mut d.app, 120, 24)));
}

async fn dialog(keys: &[Key]) -> String {
    // the first running db instance: protected, with a kept data volume
    dialog_on("db-prod-44", keys).await
}

async fn dialog_on(filter: &str, keys: &[Key]) -> String {
    let mut d = demo_app(60).await;
    d.filter(filter).await;
    for k in keys {
        d.key(*k).await;
    }
    text(&render(&mut d.app, 110, 30))
}

#[tokio::test]
async fn dialog_stop() {
    insta::assert_snapshot!(dialog(&[Key::char('S')]).await);
}

#[tokio::test]
async fn dialog_force_stop() {
    insta::assert_snapshot!(dialog(&[Key::char('F')]).await);
}

#[tokio::test]
async fn dialog_start_reboot_protection() {
    insta::assert_snapshot!(
        "dialog_start",
        dialog_on("stopped", &[Key::char('s')]).await
    );
    insta::assert_snapshot!("dialog_reboot", dialog(&[Key::char('r')]).await);
    insta::assert_snapshot!("dialog_protection", dialog(&[Key::char('p')]).await);
}

#[tokio::test]
async fn dialog_terminate() {
    let typed: Vec<Key> = std::iter::once(Key::ctrl('d'))
        .chain("termi".chars().map(Key::char))
        .collect();
    insta::assert_snapshot!(dialog(&typed).await);
}

#[tokio::test]
async fn details() {
    let mut d = demo_app(60).await;
    d.filter("web-").await;
    d.key(Key::plain(KeyCode::Enter)).await;
    insta::assert_snapshot!(text(&render(&mut d.app, 110, 50)));
}

#[tokio::test]
async fn help() {
    let mut d = demo_app(10).await;
    d.keys("?").await;
    insta::assert_snapshot!(text(&render(&mut d.app, 100, 45)));
}

#[tokio::test]
async fn too_small() {
    let mut d = demo_app(10).await;
    insta::assert_snapshot!(text(&render(&mut d.app, 50, 12)));
}

#[tokio::test]
async fn hostile_tag_never_reaches_a_cell() {
    let mut d = demo_app(60).await;
    d.filter("mallory").await;
    assert_eq!(d.app.instances().rows(), 1);
    d.key(Key::plain(KeyCode::Enter)).await;
    let b = render(&mut d.app, 110, 50);
    let t = text(&b);
    assert!(t.contains("Owner = mallory"), "{t}");
    for cell in b.content() {
        assert!(
            !cell.symbol().chars().any(|c| c.is_control()),
            "control character in a cell"
        );
    }
}

/// Writes the README screenshots: `cargo test --test it screenshots -- --ignored`.
#[tokio::test]
#[ignore]
async fn screenshots() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let mut d = demo_app(60).await;
    d.keys("jjjj").await;
    std::fs::write(
        dir.join("instances.svg"),
        crate::svg::to_svg(&render(&mut d.app, 120, 32)),
    )
    .unwrap();
    d.filter("db-prod-44").await;
    d.key(Key::ctrl('d')).await;
    d.keys("termi").await;
    std::fs::write(
        dir.join("terminate.svg"),
        crate::svg::to_svg(&render(&mut d.app, 120, 32)),
    )
    .unwrap();
    let mut d = demo_app(60).await;
    d.filter("web-").await;
    d.key(Key::plain(KeyCode::Enter)).await;
    std::fs::write(
        dir.join("details.svg"),
        crate::svg::to_svg(&render(&mut d.app, 120, 40)),
    )
    .unwrap();
    let mut d = demo_app(60).await;
    d.filter("api-prod-3").await;
    d.keys("i").await;
    std::fs::write(
        dir.join("create-image.svg"),
        crate::svg::to_svg(&render(&mut d.app, 120, 24)),
    )
    .unwrap();
    let mut d = demo_app(60).await;
    d.keys("2").await;
    d.filter("golden-web").await;
    d.keys("l").await;
    for _ in 0..5 {
        d.key(Key::plain(KeyCode::Tab)).await;
    }
    d.keys("web-from-golden").await;
    d.key(Key::plain(KeyCode::Tab)).await;
    d.key(Key::plain(KeyCode::Tab)).await;
    d.keys("echo ready > /tmp/ready").await;
    std::fs::write(
        dir.join("launch.svg"),
        crate::svg::to_svg(&render(&mut d.app, 120, 30)),
    )
    .unwrap();
    let mut d = demo_app(60).await;
    d.keys("2").await;
    std::fs::write(
        dir.join("amis.svg"),
        crate::svg::to_svg(&render(&mut d.app, 120, 16)),
    )
    .unwrap();
    // launch templates
    let mut d = demo_app(60).await;
    d.keys(":lt").await;
    d.enter().await;
    std::fs::write(
        dir.join("templates.svg"),
        crate::svg::to_svg(&render(&mut d.app, 120, 16)),
    )
    .unwrap();
    // every region at once
    let mut d = demo_app(60).await;
    d.keys(":region all").await;
    d.enter().await;
    std::fs::write(
        dir.join("every-region.svg"),
        crate::svg::to_svg(&render(&mut d.app, 140, 24)),
    )
    .unwrap();
    // an Auto Scaling group with a rollout in progress, and its details
    let mut d = crate::auto_scaling::asg_demo_app().await;
    d.filter("web-prod").await;
    d.keys("u").await;
    crate::auto_scaling::new_user_data(&mut d, "#!/bin/bash\nexport APP_RELEASE=2026.12").await;
    crate::auto_scaling::submit_rollout(&mut d).await;
    std::fs::write(
        dir.join("asg-rollout.svg"),
        crate::svg::to_svg(&render(&mut d.app, 120, 16)),
    )
    .unwrap();
    d.enter().await;
    std::fs::write(
        dir.join("asg-rollout-details.svg"),
        crate::svg::to_svg(&render(&mut d.app, 120, 40)),
    )
    .unwrap();
}

mod amis {
    use super::*;

    #[tokio::test]
    async fn amis_pane() {
        let mut d = demo_app(60).await;
        d.keys("2").await;
        insta::assert_snapshot!(text(&render(&mut d.app, 130, 16)));
    }

    #[tokio::test]
    async fn create_image_dialog() {
        let mut d = demo_app(60).await;
        d.filter("api-prod-3").await;
        d.keys("i").await;
        insta::assert_snapshot!(text(&render(&mut d.app, 120, 24)));
    }

    #[tokio::test]
    async fn launch_form_with_a_validation_error() {
        let mut d = demo_app(60).await;
        d.keys("2").await;
        d.filter("golden-web").await;
        d.keys("l").await;
        for _ in 0..4 {
            d.key(Key::plain(KeyCode::Tab)).await;
        }
        d.key(Key::plain(KeyCode::Backspace)).await;
        d.keys("many").await;
        d.key(Key::ctrl('s')).await;
        insta::assert_snapshot!(text(&render(&mut d.app, 120, 30)));
    }

    #[tokio::test]
    async fn launch_form_with_the_type_list_open() {
        let mut d = demo_app(60).await;
        d.keys("2").await;
        d.filter("golden-web").await;
        d.keys("l").await;
        d.key(Key::plain(KeyCode::Enter)).await;
        d.keys("m6").await;
        insta::assert_snapshot!(text(&render(&mut d.app, 120, 30)));
    }

    #[tokio::test]
    async fn deregister_dialog() {
        let mut d = demo_app(60).await;
        d.keys("2").await;
        d.filter("golden-web").await;
        d.key(Key::ctrl('d')).await;
        d.keys("dereg").await;
        insta::assert_snapshot!(text(&render(&mut d.app, 120, 24)));
    }

    #[tokio::test]
    async fn image_details() {
        let mut d = demo_app(60).await;
        d.keys("2").await;
        d.filter("golden-web").await;
        d.key(Key::plain(KeyCode::Enter)).await;
        insta::assert_snapshot!(text(&render(&mut d.app, 110, 30)));
    }
}

mod storage {
    use super::*;

    #[tokio::test]
    async fn volumes_pane() {
        let mut d = demo_app(60).await;
        d.keys("3").await;
        insta::assert_snapshot!(text(&render(&mut d.app, 130, 16)));
    }

    #[tokio::test]
    async fn snapshots_pane() {
        let mut d = demo_app(60).await;
        d.app.ctx.account = Some("000000000000".into());
        d.keys("4").await;
        insta::assert_snapshot!(text(&render(&mut d.app, 120, 16)));
    }

    #[tokio::test]
    async fn attach_dialog_with_candidates() {
        let mut d = demo_app(60).await;
        d.keys("3").await;
        d.filter("spare-a").await;
        d.keys("a").await;
        insta::assert_snapshot!(text(&render(&mut d.app, 110, 20)));
    }

    #[tokio::test]
    async fn attach_dialog_without_candidates() {
        let mut d = demo_app(60).await;
        // no instance lives in eu-west-1c once they are all terminated there
        d.app.instances_mut().refresh_view();
        let ids: Vec<String> = (0..d.app.instances().rows())
            .filter_map(|p| d.app.instances().row(p))
            .filter(|r| r.inst.az == "eu-west-1c")
            .map(|r| r.inst.id.clone())
            .collect();
        for id in ids {
            d.app.instances_mut().update(&id, |r| {
                r.inst.state = ec2tui::aws::InstanceState::Terminated
            });
        }
        d.keys("3").await;
        d.filter("spare-c").await;
        d.keys("a").await;
        insta::assert_snapshot!(text(&render(&mut d.app, 110, 20)));
    }
}

#[tokio::test]
async fn events_pane_with_an_event_due_tomorrow() {
    let mut d = demo_app(60).await;
    d.keys("5").await;
    insta::assert_snapshot!(text(&render(&mut d.app, 160, 16)));
}

/// Thirty marked running instances and Ctrl-d: the dialog summarises, scrolls its list, and
/// keeps the prompt on screen.
async fn terminate_thirty(w: u16, h: u16) -> (Driver<DemoRegion>, String) {
    let mut d = demo_app(120).await;
    d.app.update(Event::Resize {
        width: w,
        height: h,
    });
    d.filter("running").await;
    for _ in 0..30 {
        d.keys(" ").await;
    }
    assert_eq!(d.app.instances().marks().len(), 30);
    d.key(Key::ctrl('d')).await;
    d.keys("termin").await;
    let screen = text(&render(&mut d.app, w, h));
    (d, screen)
}

#[tokio::test]
async fn terminate_thirty_at_100x30() {
    let (_, screen) = terminate_thirty(100, 30).await;
    assert!(screen.contains("Terminate 30 instances:"), "{screen}");
    assert!(
        screen.contains("Type terminate and press Enter"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[tokio::test]
async fn terminate_thirty_at_80x24() {
    let (mut d, screen) = terminate_thirty(80, 24).await;
    assert!(
        screen.contains("Type terminate and press Enter"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
    // the list scrolls with the arrows; the prompt stays
    for _ in 0..200 {
        d.key(Key::plain(KeyCode::Down)).await;
    }
    let screen = text(&render(&mut d.app, 80, 24));
    assert!(
        screen.contains("Type terminate and press Enter"),
        "{screen}"
    );
    assert!(screen.contains("of "), "{screen}");
    // at the end, one Up moves one line back (the scroll never runs past what is drawn)
    let range = |s: &str| {
        s.lines()
            .find(|l| l.contains("… lines"))
            .unwrap()
            .to_string()
    };
    let end = range(&screen);
    d.key(Key::plain(KeyCode::Up)).await;
    let up = range(&text(&render(&mut d.app, 80, 24)));
    assert_ne!(end, up, "one Up from the end moves");
}

#[tokio::test]
async fn a_ten_thousand_character_name_is_cut_in_the_dialog() {
    let mut d = demo_app(10).await;
    let id = d.app.instances().selected_id().unwrap().to_string();
    let mut row = d.app.instances().get(&id).unwrap().clone();
    row.inst.name = "n".repeat(10_000);
    d.app.instances_mut().upsert(row);
    // (the user is on that row: until a row is picked, the top row is the selection)
    d.app.instances_mut().select_id(&id, 10);
    d.key(Key::char('S')).await;
    let screen = text(&render(&mut d.app, 100, 30));
    assert!(screen.contains("y/Enter confirm"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[tokio::test]
async fn a_confirmation_cannot_be_given_on_a_terminal_too_small_to_show_it() {
    let mut d = demo_app(10).await;
    d.key(Key::char('S')).await;
    d.app.update(Event::Resize {
        width: 50,
        height: 10,
    });
    d.key(Key::char('y')).await;
    assert!(d.calls.is_empty(), "nothing sent: {:?}", d.calls);
    let Some(ec2tui::app::Dialog::Confirm(c)) = &d.app.dialog else {
        panic!("the dialog stays")
    };
    assert!(c.note.as_deref().unwrap_or("").contains("too small"));
}

/// 300 marked instances, about half of them already stopped, `S` at 60×15: every part of
/// the dialog is measured. The prompt is on screen whenever the dialog can be answered, and
/// where the summary, the left-out paragraph, the prompt and one target do not fit, `y` is
/// refused and nothing is sent.
#[tokio::test]
async fn a_stop_with_a_left_out_paragraph_is_never_confirmed_blind() {
    let mut d = demo_app(600).await;
    for _ in 0..300 {
        d.keys(" ").await;
    }
    assert_eq!(d.app.instances().marks().len(), 300);
    let marked: Vec<String> = d.app.instances().marks().iter().cloned().collect();
    let stopped = marked
        .iter()
        .filter(|id| {
            d.app.instances().get(id).unwrap().inst.state == ec2tui::aws::InstanceState::Stopped
        })
        .count();
    assert!(
        stopped > 0 && stopped < 300,
        "a mixed marking: {stopped} stopped"
    );
    for (w, h) in [(60u16, 15u16), (80, 24), (200, 50)] {
        d.app.update(Event::Resize {
            width: w,
            height: h,
        });
        d.key(Key::char('S')).await;
        let screen = text(&render(&mut d.app, w, h));
        assert!(screen.contains("Left out"), "{w}×{h}: {screen}");
        let (fit, sent) = match &d.app.dialog {
            Some(ec2tui::app::Dialog::Confirm(c)) => (d.app.confirm_fit(c), c.ops.len()),
            _ => panic!("{w}×{h}: a confirmation opens"),
        };
        if fit.answerable {
            assert!(screen.contains("y/Enter confirm"), "{w}×{h}: {screen}");
            assert!(!screen.contains("lines 1-0"), "{w}×{h}: {screen}");
        } else {
            assert!(!screen.contains("y/Enter confirm"), "{w}×{h}: {screen}");
            assert!(screen.contains("Too small to confirm"), "{w}×{h}: {screen}");
            d.key(Key::char('y')).await;
            assert!(d.calls.is_empty(), "{w}×{h}: nothing sent blind");
            assert!(d.app.dialog.is_some(), "the dialog stays");
        }
        if (w, h) == (60, 15) {
            insta::assert_snapshot!(screen);
            // a typed confirmation too small to show takes no letters blind
            d.key(Key::plain(KeyCode::Esc)).await;
            d.key(Key::ctrl('d')).await;
            let Some(ec2tui::app::Dialog::Confirm(c)) = &d.app.dialog else {
                panic!("the terminate confirmation")
            };
            assert!(
                !d.app.confirm_fit(&c.clone()).answerable,
                "too small at 60×15"
            );
            {
                d.keys("terminate").await;
                let Some(ec2tui::app::Dialog::Confirm(c)) = &d.app.dialog else {
                    panic!("it stays")
                };
                assert_eq!(c.input.value(), "", "nothing typed into a hidden prompt");
                let screen = text(&render(&mut d.app, w, h));
                assert!(!screen.contains("n/Esc"), "n types: {screen}");
            }
            d.key(Key::plain(KeyCode::Esc)).await;
            d.key(Key::char('S')).await;
        }
        if (w, h) == (200, 50) {
            assert!(fit.answerable, "{screen}");
            d.key(Key::char('y')).await;
            assert!(sent < 300 && screen.contains(&format!("Stop {sent} instances")));
            assert_eq!(d.calls.len(), sent, "the instances the dialog counted");
        } else {
            d.key(Key::plain(KeyCode::Esc)).await;
        }
    }
}

#[tokio::test]
async fn the_header_keeps_every_value_at_80_columns() {
    let mut d = demo_app(10).await;
    d.app.ctx.demo = false;
    d.app.ctx.profile = "production-admin".into();
    d.app.ctx.region = "ap-southeast-2".into();
    d.app.ctx.endpoint = Some("http://127.0.0.1:45123".into());
    for w in [80u16, 120] {
        let screen = text(&render(&mut d.app, w, 24));
        let header = screen.lines().next().unwrap();
        for v in [
            "production-admin",
            "000000000000",
            "ap-southeast-2",
            "127.0.0.1:45123",
        ] {
            assert!(header.contains(v), "{w} columns: {v} missing in {header:?}");
        }
    }
    let screen = text(&render(&mut d.app, 120, 24));
    assert!(
        screen.lines().next().unwrap().contains("endpoint http://"),
        "labels when there is room"
    );
}
