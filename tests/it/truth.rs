//! Issue 19: what the screen says is true. Failures that the screen hid or contradicted,
//! replayed against moto (through the fault proxy where an error is needed) or the demo.

use std::time::Duration;

use ec2tui::app::{Dialog, Event, Key, KeyCode};
use ec2tui::aws::InstanceState;
use ec2tui::aws::prelude::*;

use crate::driver::{Driver, Panes};
use crate::emulator::{FaultProxy, Moto, launch, some_ami, state_of};

/// Runs the watches until `done` holds (10 s at most), as the event loop's ticks would.
pub(crate) async fn watch_until<A: Ec2Api + 'static>(
    d: &mut Driver<A>,
    what: &str,
    mut done: impl FnMut(&Driver<A>) -> bool,
) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !done(d) {
        assert!(
            std::time::Instant::now() < deadline,
            "{what}: never happened; status {:?}",
            d.status()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
        let fx = d.app.update(Event::WatchDue);
        d.run(fx).await;
    }
}

/// Item 1: create image with stop first and start again; the endpoint refuses CreateImage.
/// The instance is started again, and the status line still says the image was refused and
/// not made (it used to say "… is running" 0.8 s later, the refusal only in :messages).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_create_image_stays_on_the_status_line_after_the_restart() {
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    let id = launch(&c, &ami, 1, "web-2").await.remove(0);
    let proxy = FaultProxy::start(&moto);
    let api = crate::faults::through(
        &proxy,
        "refused-image",
        Duration::from_secs(5),
        Duration::from_secs(20),
    )
    .await;
    let mut d = Driver::new(api, false);
    d.start().await;
    d.filter(&id).await;
    d.keys("i").await;
    for _ in 0..3 {
        d.key(Key::plain(KeyCode::Tab)).await;
    }
    d.keys(" ").await; // start again when available
    proxy.set("deny-action:CreateImage");
    d.key(Key::ctrl('s')).await;
    assert!(
        matches!(&d.app.dialog, Some(Dialog::Confirm(c)) if c.title == "Stop first"),
        "{}",
        d.status()
    );
    d.keys("y").await;
    watch_until(&mut d, "started again", |d| {
        d.app
            .instances()
            .get(&id)
            .is_some_and(|r| r.inst.state == InstanceState::Running)
            && d.app.watching().is_empty()
    })
    .await;
    assert_eq!(state_of(&c, &id).await, "running");
    assert!(proxy.count("deny-action:CreateImage", "CreateImage") >= 1);
    let s = d.status();
    assert!(
        s.contains("create image") && s.contains("UnauthorizedOperation"),
        "the refusal is still shown: {s}"
    );
    assert!(
        s.contains("no image made") && s.contains("again"),
        "and what became of the instance: {s}"
    );
    // the start and its settling are in the log, under the refusal
    let log: Vec<String> = d.app.messages().iter().map(|m| m.text.clone()).collect();
    assert!(
        log.iter()
            .any(|t| t.contains("is running") && t.contains(&id)),
        "{log:?}"
    );
}
