//! Local files and messages: a `theme.toml` that cannot be read is reported like a
//! `keymap.toml`; what went wrong at start is kept whole in `:messages` and the status line
//! says there is more; `:region NAME` works with credentials only in the environment.

use ec2tui::app::{Level, Status};

use crate::e2e::{Term, scratch};
use crate::emulator::{Moto, launch, some_ami};
use crate::ui::{demo_app, render, text};

#[test]
fn a_theme_toml_that_is_a_directory_is_reported_like_a_keymap_toml() {
    let dir = scratch("theme-dir");
    std::fs::create_dir(dir.join("theme.toml")).unwrap();
    std::fs::create_dir(dir.join("keymap.toml")).unwrap();
    let (_, keymap) = ec2tui::config::load_keymap(Some(&dir), ec2tui::panes::keys());
    let (_, theme) = ec2tui::config::load_theme(Some(&dir));
    let keymap = keymap.expect("the keymap's directory is reported");
    let theme = theme.expect("the theme's directory is reported");
    assert_eq!(
        theme,
        format!(
            "{}: Is a directory (os error 21); using the default theme",
            dir.join("theme.toml").display()
        )
    );
    assert!(keymap.contains("Is a directory"), "{keymap}");
    // a missing file is no news; a broken one is said, and the default holds whole
    let none = scratch("theme-none");
    assert_eq!(ec2tui::config::load_theme(Some(&none)).1, None);
    std::fs::write(
        none.join("theme.toml"),
        "accent = \"green\"\nbad = \"nope\"\n",
    )
    .unwrap();
    let (t, w) = ec2tui::config::load_theme(Some(&none));
    assert!(w.unwrap().contains("bad: unknown colour \"nope\""));
    assert_eq!(
        t.accent,
        ec2tui::ui::theme::Theme::default().accent,
        "nothing of a broken file is used"
    );
}

#[tokio::test]
async fn a_status_wider_than_the_line_says_that_messages_has_it_whole() {
    let mut d = demo_app(20).await;
    let long = format!("{} the end", "a long error that goes on, ".repeat(5));
    d.app.error(long.clone());
    let screen = text(&render(&mut d.app, 80, 24));
    let last = screen.lines().last().unwrap().trim_end().to_string();
    assert!(last.ends_with("… (:messages)"), "{last:?}");
    assert!(last.starts_with(" a long error that goes on,"), "{last:?}");
    assert_eq!(d.app.messages().last().unwrap().text, long, "kept whole");
    // progress is not kept: cut, and no pointer to where it is not
    d.app.status = Some(Status {
        text: long.clone(),
        level: Level::Info,
    });
    let screen = text(&render(&mut d.app, 80, 24));
    let last = screen.lines().last().unwrap().trim_end().to_string();
    assert!(
        last.ends_with('…') && !last.contains(":messages"),
        "{last:?}"
    );
    // what fits is shown as it is
    d.app.error("short");
    let screen = text(&render(&mut d.app, 80, 24));
    assert_eq!(screen.lines().last().unwrap().trim_end(), " short");
}

/// Before: only the first problem was shown, cut at 80 columns, and none was kept.
#[test]
fn problems_at_start_are_kept_whole_in_messages() {
    let home = scratch("startup-problems");
    let cfg = home.join("config").join("ec2tui");
    std::fs::create_dir_all(cfg.join("theme.toml")).unwrap();
    std::fs::write(cfg.join("keymap.toml"), "[global\nquit = \"q\"\n").unwrap();
    std::fs::write(cfg.join("config.toml"), "read_only = maybe\n").unwrap();
    let mut t = Term::spawn_sized("http://127.0.0.1:9", &home, &["--demo"], &[], (24, 80));
    let s = t.wait_for("(:messages)", 30);
    let status = s.lines().last().unwrap_or_default().trim_end().to_string();
    assert!(
        status.starts_with(
            &format!(" {}", cfg.join("keymap.toml").display())
                .chars()
                .take(60)
                .collect::<String>()
        ),
        "the first problem first: {status:?}"
    );
    assert!(status.ends_with("… (:messages)"), "{status:?}");
    t.send(":messages\r");
    t.wait_for("Messages of this session", 10);
    // newest first: config.toml, theme.toml, keymap.toml; each whole in its details
    for (n, file, tail) in [
        (
            3,
            "config.toml",
            "read-only until it is fixed (it may hold safety rules)",
        ),
        (
            2,
            "theme.toml",
            "Is a directory (os error 21); using the default theme",
        ),
        (1, "keymap.toml", "using the default keys"),
    ] {
        t.send("\r");
        let details = t.wait_for(&format!("message #{n}"), 10);
        // the text inside the frames, its lines joined and its spaces left out (it wraps)
        let squeeze = |s: &str| s.replace([' ', '│'], "");
        let joined: String = details.lines().map(squeeze).collect();
        let path = cfg.join(file).display().to_string();
        assert!(
            joined.contains(&squeeze(&path)) && joined.contains(&squeeze(tail)),
            "{file}: the whole message in its details:\n{details}"
        );
        // a TOML mistake says where it is
        if file != "theme.toml" {
            assert!(
                joined.contains(&squeeze("line 1, column")),
                "{file}: where:\n{details}"
            );
        }
        t.send("\x1b");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while t.screen().contains("message #") {
            assert!(
                std::time::Instant::now() < deadline,
                "the details stay open"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        t.send("j");
    }
    t.send("q");
    assert!(t.wait_exit(10).success());
}

/// Before: "cannot switch to profile default in us-west-2: profile default is not in
/// /nonexistent/config or /nonexistent/credentials", while `:region all` worked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_region_switch_with_credentials_only_in_the_environment() {
    let moto = Moto::start();
    let west = {
        let conf = moto
            .sdk_config()
            .await
            .into_builder()
            .region(aws_config::Region::new("us-west-2"))
            .build();
        let c = aws_sdk_ec2::Client::new(&conf);
        let ami = some_ami(&c).await;
        launch(&c, &ami, 1, "only-in-the-west").await.remove(0)
    };
    let home = scratch("region-env-only");
    tokio::task::block_in_place(|| {
        let mut t = Term::spawn_with(
            &moto.endpoint,
            &home,
            &[],
            &[
                ("AWS_ACCESS_KEY_ID", "testing"),
                ("AWS_SECRET_ACCESS_KEY", "testing"),
            ],
        );
        t.wait_for("Instances (0)", 60);
        t.send(":region us-west-2\r");
        let s = t.wait_for("now in region us-west-2", 30);
        assert!(!s.contains("is not in"), "{s}");
        let s = t.wait_for(&west, 30);
        assert!(s.contains("us-west-2a"), "{s}");
        assert!(
            s.contains("profile default"),
            "the profile is still called default"
        );
        t.send("q");
        assert!(t.wait_exit(10).success());
    });
}
