//! Console output (`o`) against moto, with escape sequences injected: shown clean,
//! searchable, asked again with Ctrl-r, saved with `w`.
//!
//! moto 5.2.5 answers GetConsoleOutput with one fixed sample; `tests/moto/launcher.py` lets a
//! test give an instance its own output through reserved `ec2tui:test:console:N` tags.

use base64::Engine;
use ec2tui::app::{Dialog, Key, KeyCode, text::TextView};

use crate::driver::{Driver, Panes};
use crate::emulator::{Moto, launch, some_ami};

fn view<A: ec2tui::aws::Ec2Api>(d: &Driver<A>) -> &TextView {
    match &d.app.dialog {
        Some(Dialog::Text(v)) => v,
        other => panic!("no text view: {other:?} ({})", d.status()),
    }
}

const HOSTILE: &str = "\u{1b}[32mOK\u{1b}[0m  booted\r\n\u{1b}]0;pwned\u{7}login: \u{9b}2J\r\nprog 10%\r100%\r\n\tindented\u{7}\u{8}\r\n\u{1b}]52;c;cHduZWQ=\u{7}end";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_output_is_shown_clean_searchable_refreshed_and_saved() {
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    let id = launch(&c, &ami, 1, "booting").await.remove(0);
    let plain = launch(&c, &ami, 1, "plain").await.remove(0);
    let b64 = base64::engine::general_purpose::STANDARD.encode(HOSTILE);
    let mut req = c.create_tags().resources(&id);
    for (i, chunk) in b64.as_bytes().chunks(200).enumerate() {
        req = req.tags(
            aws_sdk_ec2::types::Tag::builder()
                .key(format!("ec2tui:test:console:{i}"))
                .value(std::str::from_utf8(chunk).unwrap())
                .build(),
        );
    }
    req.send().await.unwrap();
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    d.filter(&id).await;
    d.keys("o").await;
    let v = view(&d);
    assert!(v.title.contains("booting"), "{}", v.title);
    assert_eq!(
        v.lines,
        [
            "OK  booted",
            "login: ",
            "100% 10%",
            "        indented",
            "end"
        ],
        "decoded, sequences and controls gone, carriage returns overwrite, tabs expanded"
    );
    for l in &v.lines {
        assert!(!l.chars().any(char::is_control), "{l:?}");
        assert!(!l.contains("pwned") && !l.contains("cHduZWQ"), "{l:?}");
    }

    // search
    d.keys("/INDENT").await;
    d.enter().await;
    assert_eq!(view(&d).scroll, 3);
    // Ctrl-r asks again (the output changed meanwhile)
    let asked = |d: &Driver<_>| {
        d.effects
            .iter()
            .filter(|e| e.contains("GetConsoleOutput"))
            .count()
    };
    assert_eq!(asked(&d), 1);
    c.delete_tags()
        .resources(&id)
        .tags(
            aws_sdk_ec2::types::Tag::builder()
                .key("ec2tui:test:console:0")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode("second boot\r\n");
    c.create_tags()
        .resources(&id)
        .tags(
            aws_sdk_ec2::types::Tag::builder()
                .key("ec2tui:test:console:0")
                .value(b64)
                .build(),
        )
        .send()
        .await
        .unwrap();
    // (the other chunks are gone too)
    for i in 1..4 {
        let _ = c
            .delete_tags()
            .resources(&id)
            .tags(
                aws_sdk_ec2::types::Tag::builder()
                    .key(format!("ec2tui:test:console:{i}"))
                    .build(),
            )
            .send()
            .await;
    }
    d.key(Key::ctrl('r')).await;
    assert_eq!(asked(&d), 2);
    assert_eq!(view(&d).lines, ["second boot"]);

    // w saves it
    let path = crate::e2e::scratch("console").join("boot.log");
    d.keys("w").await;
    assert_eq!(
        view(&d).saving.as_ref().unwrap().value(),
        format!("console-{id}.log")
    );
    d.key(Key::ctrl('u')).await;
    d.keys(&path.display().to_string()).await;
    d.enter().await;
    assert!(
        d.status().contains("wrote the console output of"),
        "{}",
        d.status()
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "second boot\n");
    // saved again: refused, the file is kept
    d.keys("w").await;
    d.key(Key::ctrl('u')).await;
    d.keys(&path.display().to_string()).await;
    d.enter().await;
    assert!(d.status().contains("exists"), "{}", d.status());
    d.key(Key::plain(KeyCode::Esc)).await;
    assert!(d.app.dialog.is_none());

    // an instance with moto's own sample
    d.filter(&plain).await;
    d.keys("o").await;
    assert!(view(&d).lines.iter().any(|l| l.contains("Linux version")));
    assert!(view(&d).title.contains("plain"));
    d.app.instances_mut().refresh_view();
}
