//! Copying (`y`, `Y`): what is copied, in every pane, and the OSC 52 bytes the real binary
//! writes (plain, and wrapped for tmux), with hostile text impossible.

use std::time::Duration;

use base64::Engine;
use ec2tui::app::{Dialog, Key, KeyCode};
use ec2tui::aws::demo::DemoRegion;
use ec2tui::tui::osc52;

use crate::driver::{Driver, Panes};
use crate::e2e::{Term, scratch};
use crate::emulator::{Moto, launch, some_ami};

async fn demo() -> Driver<DemoRegion> {
    let mut d = Driver::new(DemoRegion::new(30, Duration::ZERO, Duration::ZERO), false);
    d.start().await;
    d
}

#[tokio::test]
async fn y_copies_the_selected_or_marked_ids() {
    let mut d = demo().await;
    d.app.instances_mut().refresh_view();
    let first = d.app.instances().selected_id().unwrap().to_string();
    d.keys("y").await;
    assert_eq!(d.clipboard, std::slice::from_ref(&first));
    assert!(
        d.status().contains(&format!("copied {first}")),
        "{}",
        d.status()
    );
    assert!(d.status().contains("OSC 52"), "{}", d.status());
    // two marked rows: both ids, a line each
    d.keys("  ").await;
    let marked: Vec<String> = d
        .app
        .instances()
        .targets()
        .iter()
        .map(|r| r.inst.id.clone())
        .collect();
    assert_eq!(marked.len(), 2);
    d.keys("y").await;
    assert_eq!(d.clipboard[1], marked.join("\n"));
    assert!(d.status().contains("2 values"), "{}", d.status());
}

#[tokio::test]
async fn marked_rows_without_the_value_are_left_out_and_said() {
    let mut d = demo().await;
    d.app.instances_mut().refresh_view();
    // two with a private address, one terminated (none)
    let rows: Vec<(String, String)> = (0..d.app.instances().rows())
        .filter_map(|p| d.app.instances().row(p))
        .map(|r| (r.inst.id.clone(), r.inst.private_ip.clone()))
        .collect();
    let with: Vec<&(String, String)> = rows.iter().filter(|r| !r.1.is_empty()).take(2).collect();
    let without = rows
        .iter()
        .find(|r| r.1.is_empty())
        .expect("a terminated one");
    for id in [&with[0].0, &with[1].0, &without.0] {
        d.app.instances_mut().select_id(id, 20);
        d.keys(" ").await;
    }
    d.keys("Y3").await;
    let mut got: Vec<&str> = d.clipboard.last().unwrap().lines().collect();
    got.sort();
    let mut want = vec![with[0].1.as_str(), with[1].1.as_str()];
    want.sort();
    assert_eq!(got, want);
    assert!(
        d.status()
            .starts_with("copied 2 of 3 (1 without a private IP)"),
        "{}",
        d.status()
    );
}

#[tokio::test]
async fn y_in_the_events_pane_copies_the_instance_id() {
    let mut d = demo().await;
    d.keys("5").await;
    d.app.events_mut().refresh_view();
    let row = d
        .app
        .events()
        .selected()
        .cloned()
        .expect("the demo's instances have status rows");
    d.keys("y").await;
    assert_eq!(d.clipboard.last().unwrap(), &row.instance_id);
    assert!(!d.clipboard.last().unwrap().contains('#'));
}

#[tokio::test]
async fn the_copy_menu_offers_name_addresses_arn_and_json() {
    let mut d = demo().await;
    d.app.ctx.account = Some("123456789012".into());
    let row = {
        d.app.instances_mut().refresh_view();
        // a running instance with a public address
        let id = (0..d.app.instances().rows())
            .filter_map(|p| d.app.instances().row(p))
            .find(|r| !r.inst.public_ip.is_empty())
            .unwrap()
            .inst
            .id
            .clone();
        d.filter(&id).await;
        d.app.instances().get(&id).unwrap().inst.clone()
    };
    for (k, want) in [
        ('1', row.id.clone()),
        ('2', row.name.clone()),
        ('3', row.private_ip.clone()),
        ('4', row.public_ip.clone()),
        (
            '5',
            format!("arn:aws:ec2:us-east-1:123456789012:instance/{}", row.id),
        ),
    ] {
        d.keys("Y").await;
        assert!(matches!(d.app.dialog, Some(Dialog::CopyMenu { .. })));
        d.key(Key::char(k)).await;
        assert!(d.app.dialog.is_none());
        assert_eq!(d.clipboard.last().unwrap(), &want, "menu item {k}");
    }
    // the JSON, picked with the arrows and Enter
    d.keys("Y").await;
    for _ in 0..5 {
        d.key(Key::plain(KeyCode::Down)).await;
    }
    d.enter().await;
    let v: serde_json::Value = serde_json::from_str(d.clipboard.last().unwrap()).unwrap();
    assert_eq!(v["id"], row.id.as_str());
    assert_eq!(v["state"], row.state.as_str());
    assert_eq!(v["private_ip"], row.private_ip.as_str());
    // Esc closes it without copying
    let n = d.clipboard.len();
    d.keys("Y").await;
    d.key(Key::plain(KeyCode::Esc)).await;
    assert!(d.app.dialog.is_none());
    assert_eq!(d.clipboard.len(), n);
}

#[tokio::test]
async fn copying_works_in_every_pane_and_says_what_is_missing() {
    let mut d = demo().await;
    // the volumes pane: ids, and no private IP
    d.keys("3").await;
    d.app.volumes_mut().refresh_view();
    let vol = d.app.volumes().selected_id().unwrap().to_string();
    d.keys("y").await;
    assert_eq!(d.clipboard.last().unwrap(), &vol);
    let n = d.clipboard.len();
    d.keys("Y3").await;
    assert_eq!(d.clipboard.len(), n, "nothing copied");
    assert!(
        d.status().contains(&format!("{vol} has no private IP")),
        "{}",
        d.status()
    );
    // the ARN needs the account: said, not guessed
    d.app.ctx.account = None;
    d.keys("Y5").await;
    assert!(
        d.status().contains("account is not known"),
        "{}",
        d.status()
    );
    // an image's ARN names no account
    d.keys("2").await;
    d.keys("o").await; // Amazon's images: the demo has some
    d.app.amis_mut().refresh_view();
    if let Some(ami) = d.app.amis().selected_id().map(str::to_string) {
        d.keys("Y5").await;
        assert_eq!(
            d.clipboard.last().unwrap(),
            &format!("arn:aws:ec2:us-east-1::image/{ami}")
        );
    }
    // the messages pane (no domain type): its row as JSON, by column
    d.keys(":messages").await;
    d.enter().await;
    d.keys("Y6").await;
    let v: serde_json::Value = serde_json::from_str(d.clipboard.last().unwrap()).unwrap();
    assert!(v.is_object(), "{v}");
}

#[test]
fn osc52_is_wrapped_for_tmux_and_screen() {
    assert_eq!(osc52("hi", false, false), "\x1b]52;c;aGk=\x07");
    // in tmux: plain (tmux 3.3+ with set-clipboard on), then passed through (older tmux,
    // or allow-passthrough on)
    assert_eq!(
        osc52("hi", true, false),
        "\x1b]52;c;aGk=\x07\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\"
    );
    assert_eq!(osc52("hi", false, true), "\x1bP\x1b]52;c;aGk=\x07\x1b\\");
    // screen: a long text goes in several DCS strings
    let long = "x".repeat(1000);
    let s = osc52(&long, false, true);
    assert!(s.matches("\x1bP").count() > 1);
    let joined: String = s
        .split("\x1bP")
        .map(|c| c.trim_end_matches("\x1b\\"))
        .collect();
    assert_eq!(joined, osc52(&long, false, false));
}

/// The base64 payloads of the OSC 52 sequences in `raw`, plain or inside tmux's wrapping.
fn payloads(raw: &[u8], tmux: bool) -> Vec<String> {
    let text = String::from_utf8_lossy(raw);
    let start = if tmux {
        "\x1bPtmux;\x1b\x1b]52;c;"
    } else {
        "\x1b]52;c;"
    };
    let end = if tmux { "\x07\x1b\\" } else { "\x07" };
    text.split(start)
        .skip(1)
        .filter_map(|p| p.split(end).next())
        .map(|b| {
            String::from_utf8(base64::engine::general_purpose::STANDARD.decode(b).unwrap()).unwrap()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_writes_osc52_plain_and_for_tmux_and_never_hostile_bytes() {
    use aws_sdk_ec2::types::Tag;
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    let id = launch(&c, &ami, 1, "evil").await.remove(0);
    c.create_tags()
        .resources(&id)
        .tags(
            Tag::builder()
                .key("Name")
                .value("\u{1b}]52;c;cHduZWQ=\u{7}evil\u{1b}[2J\u{9b}31m")
                .build(),
        )
        .send()
        .await
        .unwrap();
    for tmux in [false, true] {
        let home = scratch(if tmux { "osc52-tmux" } else { "osc52" });
        let mut env = vec![
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
        ];
        if tmux {
            env.push(("TMUX", "/tmp/tmux-0/default,1,0"));
        }
        tokio::task::block_in_place(|| {
            let mut t = Term::spawn_with(&moto.endpoint, &home, &[], &env);
            t.wait_for("Instances (1)", 60);
            t.send("y");
            t.wait_for("copied i-", 10);
            t.send("Y");
            t.wait_for("the row as JSON", 10);
            t.send("2");
            t.wait_for("copied evil", 10);
            std::thread::sleep(Duration::from_millis(200));
            let got = payloads(&t.raw(), tmux);
            assert_eq!(got.len(), 2, "two copies: {got:?}");
            assert_eq!(got[0], id);
            // the name, cleaned: the escape sequences and controls are gone
            assert_eq!(got[1], "evil");
            let raw = String::from_utf8_lossy(&t.raw()).to_string();
            assert!(
                !raw.contains("cHduZWQ="),
                "the hostile OSC 52 reached the terminal"
            );
            if !tmux {
                assert!(!raw.contains("\x1bPtmux;"), "not wrapped outside tmux");
            } else {
                // plain as well (tmux 3.3+ drops a passthrough unless allow-passthrough is on)
                assert!(payloads(&t.raw(), false).len() >= 4, "plain and wrapped");
            }
            t.send("q");
            assert!(t.wait_exit(10).success());
            t.assert_restored();
        });
    }
}
