//! The journal: two lines per mutating call, outcome included, failures too.

use ec2tui::app::{Key, KeyCode};

use crate::driver::Driver;
use crate::driver::Panes;
use crate::emulator::{Moto, launch, some_ami};

fn scratch(name: &str) -> std::path::PathBuf {
    let d = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("journal-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn lines(dir: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join("journal.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_mutating_call_is_journaled_with_its_outcome() {
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    let ok = launch(&c, &ami, 1, "plain").await.remove(0);
    let guarded = launch(&c, &ami, 1, "guarded").await.remove(0);
    c.modify_instance_attribute()
        .instance_id(&guarded)
        .disable_api_termination(
            aws_sdk_ec2::types::AttributeBooleanValue::builder()
                .value(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let dir = scratch("calls");
    // something already in the file stays: the journal only appends
    std::fs::write(dir.join("journal.jsonl"), "{\"earlier\":true}\n").unwrap();
    let mut d = Driver::new(moto.adapter().await, false).with_journal(&dir);
    d.start().await;
    assert!(lines(&dir).len() == 1, "listing is not journaled");

    d.filter(&ok).await;
    d.keys("S").await;
    d.keys("y").await;
    d.filter(&guarded).await;
    d.key(Key::ctrl('d')).await;
    d.keys("terminate").await;
    d.key(Key::plain(KeyCode::Enter)).await;

    let l = lines(&dir);
    assert_eq!(l[0]["earlier"], true);
    let l = &l[1..];
    assert_eq!(l.len(), 4, "{l:#?}");
    assert_eq!(l[0]["phase"], "request");
    assert_eq!(l[0]["operation"], "StopInstances");
    assert_eq!(l[0]["targets"][0], ok.as_str());
    assert_eq!(l[0]["profile"], "test");
    assert_eq!(l[0]["region"], "us-east-1");
    assert_eq!(l[1]["phase"], "outcome");
    assert_eq!(l[1]["result"], "ok");
    assert!(
        l[1]["request_id"].as_str().is_some_and(|r| !r.is_empty()),
        "request id: {:?}",
        l[1]
    );
    assert_eq!(l[2]["operation"], "TerminateInstances");
    assert_eq!(l[3]["result"], "error");
    assert_eq!(l[3]["code"], "OperationNotPermitted");
    assert!(l[3]["time"].as_str().unwrap().ends_with('Z'));

    // the session's entries are listed in the journal pane
    d.keys("5").await;
    d.key(Key::plain(KeyCode::Tab)).await;
    assert_eq!(d.app.focused, "journal");
    d.app.prepare_draw();
    assert_eq!(d.app.journal().len(), 4);
}

#[tokio::test]
async fn an_unwritable_journal_is_reported_in_the_ui() {
    let base = scratch("unwritable");
    std::fs::write(base.join("file"), "not a directory").unwrap();
    let dir = base.join("file").join("ec2tui");
    let demo = ec2tui::aws::demo::DemoRegion::new(
        10,
        std::time::Duration::ZERO,
        std::time::Duration::ZERO,
    );
    let mut d = Driver::new(demo, false).with_journal(&dir);
    assert!(
        d.status().contains("cannot write the journal"),
        "{}",
        d.status()
    );
    d.start().await;
    d.keys("r").await;
    d.keys("y").await;
    let e = d
        .app
        .journal_error
        .clone()
        .expect("a failed write is remembered");
    assert!(e.contains("journal"), "{e}");
    let screen = crate::ui::text(&crate::ui::render(&mut d.app, 120, 20));
    assert!(
        screen
            .lines()
            .next()
            .unwrap()
            .contains("JOURNAL NOT WRITTEN"),
        "{screen}"
    );
}
