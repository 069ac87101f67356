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

/// Item 2: a watch whose reads keep failing (a policy without `ec2:DescribeInstances`) backs
/// off and gives up with a message after a bounded number of rounds, where it used to ask
/// every two seconds forever and log a line each time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watch_that_keeps_failing_backs_off_and_gives_up_with_a_message() {
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    let id = launch(&c, &ami, 1, "web-3").await.remove(0);
    let proxy = FaultProxy::start(&moto);
    let api = crate::faults::through(
        &proxy,
        "failing-watch",
        Duration::from_secs(5),
        Duration::from_secs(20),
    )
    .await;
    let mut d = Driver::new(api, false);
    d.start().await;
    d.filter(&id).await;
    let denied = "deny-action:DescribeInstances";
    proxy.set(denied);
    d.keys("S").await;
    d.keys("y").await;
    assert_eq!(state_of(&c, &id).await, "stopped", "the stop was sent");
    assert_eq!(d.app.watching(), vec![id.clone()]);
    let mut ticks = 0;
    while !d.app.watching().is_empty() {
        ticks += 1;
        assert!(ticks < 200, "never gave up: {}", d.status());
        let fx = d.app.update(Event::WatchDue);
        d.run(fx).await;
        if d.app.watching().len() == 1 {
            // while it tries, the status line says when it reads again
            let s = d.status();
            assert!(s.contains("read again in") && s.contains("tries"), "{s}");
        }
    }
    let rounds = proxy.count(denied, "DescribeInstances");
    assert!(
        (6..=7).contains(&rounds),
        "six failed rounds, then no more: {rounds}"
    );
    // spaced out: far more ticks than rounds
    assert!(ticks > 30, "{ticks} ticks for {rounds} rounds");
    let s = d.status();
    assert!(
        s.contains("stopped following") && s.contains(&id) && s.contains("UnauthorizedOperation"),
        "{s}"
    );
    // nothing more is asked once it gave up
    for _ in 0..20 {
        let fx = d.app.update(Event::WatchDue);
        d.run(fx).await;
    }
    assert_eq!(proxy.count(denied, "DescribeInstances"), rounds);
    let lines = d
        .app
        .messages()
        .iter()
        .filter(|m| m.text.contains("check instance state"))
        .count();
    assert!(lines <= 7, "one line per failed round: {lines}");
}

/// Item 2, the Auto Scaling case of the issue: a group followed after a change whose reads
/// are refused (DescribeAutoScalingGroups denied) is given up on after a bounded number of
/// rounds, with a message, and the header's "watching" count goes back to nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_whose_reads_are_refused_is_not_followed_forever() {
    let moto = Moto::start();
    let (_c, _a, _lt) = crate::auto_scaling::setup(&moto, "ci-deny").await;
    let proxy = FaultProxy::start(&moto);
    let api = crate::faults::through(
        &proxy,
        "failing-group-watch",
        Duration::from_secs(5),
        Duration::from_secs(20),
    )
    .await;
    let mut d = Driver::new(api, false);
    d.start().await;
    crate::auto_scaling::open_group(&mut d, "ci-deny").await;
    d.keys("e").await;
    crate::auto_scaling::focus_field(&mut d, "Desired").await;
    d.key(Key::ctrl('u')).await;
    d.keys("4").await;
    let denied = "deny-action:DescribeAutoScalingGroups";
    proxy.set(denied);
    d.key(Key::ctrl('s')).await;
    assert!(d.app.dialog.is_none());
    assert!(
        group_watching(&d) > 0,
        "the group is followed: {} {:?}",
        d.status(),
        &d.effects[d.effects.len().saturating_sub(6)..]
    );
    for _ in 0..200 {
        if group_watching(&d) == 0 {
            break;
        }
        let fx = d.app.update(Event::WatchDue);
        d.run(fx).await;
    }
    assert!(group_watching(&d) == 0, "{}", d.status());
    let rounds = proxy.count(denied, "DescribeAutoScalingGroups");
    assert!(rounds <= 8, "a bounded number of reads: {rounds}");
    let s = d.status();
    assert!(
        s.contains("stopped following") && s.contains("ci-deny"),
        "{s}"
    );
}

fn group_watching<A: Ec2Api>(d: &Driver<A>) -> usize {
    use ec2tui::app::Pane;
    d.app
        .pane::<ec2tui::panes::auto_scaling::AutoScalingPane>()
        .unwrap()
        .watching()
}

/// Item 5: a volume from a 20 GiB snapshot with size 10 is refused in the form, before any
/// call (EC2 refuses it); at the snapshot's size it is created.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_volume_smaller_than_its_snapshot_is_refused_in_the_form() {
    let moto = Moto::start();
    let c = moto.client().await;
    let vol = c
        .create_volume()
        .availability_zone("us-east-1a")
        .size(20)
        .send()
        .await
        .unwrap();
    let snap = c
        .create_snapshot()
        .volume_id(vol.volume_id().unwrap())
        .send()
        .await
        .unwrap()
        .snapshot_id()
        .unwrap()
        .to_string();
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    d.keys("4").await;
    assert_eq!(d.app.focused, "snapshots");
    d.filter(&snap).await;
    d.keys("v").await;
    let size_field = |d: &Driver<_>| match &d.app.dialog {
        Some(Dialog::Form { form, .. }) => form.field("Size (GiB)").get(),
        _ => panic!("the form is open: {}", d.status()),
    };
    assert_eq!(size_field(&d), "20", "the snapshot's size is proposed");
    d.key(Key::ctrl('u')).await;
    d.keys("10").await;
    d.key(Key::ctrl('s')).await;
    let Some(Dialog::Form { form, .. }) = &d.app.dialog else {
        panic!("the form stays open: {}", d.status())
    };
    let e = form.error.clone().unwrap_or_default();
    assert!(
        e.contains(&snap) && e.contains("20 GiB") && e.contains("not 10"),
        "{e}"
    );
    assert!(d.calls.is_empty(), "nothing was sent: {:?}", d.calls);
    d.key(Key::ctrl('u')).await;
    d.keys("20").await;
    d.key(Key::ctrl('s')).await;
    assert!(d.app.dialog.is_none(), "{}", d.status());
    let vols = c.describe_volumes().send().await.unwrap();
    let made = vols
        .volumes()
        .iter()
        .find(|v| v.snapshot_id() == Some(snap.as_str()))
        .expect("a volume from the snapshot");
    assert_eq!(made.size(), Some(20));
}

/// Item 7: a pane shown again after a while elsewhere lists again at once, and says so; it
/// used to show the rows of a minute ago until the next periodic refresh.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pane_shown_again_after_a_while_lists_again() {
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    launch(&c, &ami, 1, "first").await;
    let mut d = Driver::new(moto.adapter().await, false);
    let t0 = 1_900_000_000;
    let fx = d.app.update(Event::Tick { now: t0 });
    d.run(fx).await;
    d.start().await;
    assert_eq!(d.app.instances().len(), 1);
    d.keys("3").await;
    assert_eq!(d.app.focused, "volumes");
    // launched elsewhere meanwhile
    let second = launch(&c, &ami, 1, "second").await.remove(0);
    let fx = d.app.update(Event::Tick { now: t0 + 65 });
    d.run(fx).await;
    d.keys("1").await;
    assert_eq!(d.app.focused, "instances");
    d.app.instances_mut().refresh_view();
    assert!(
        d.app.instances().get(&second).is_some(),
        "listed again on coming back: {}",
        d.status()
    );
    let refreshing = d
        .effects
        .iter()
        .rev()
        .take_while(|e| !e.contains("DescribeVolumes"))
        .any(|e| e.contains("DescribeInstances"));
    assert!(refreshing, "{:?}", d.effects);
    // a quick look elsewhere and back does not list again
    let before = d.effects.len();
    d.keys("3").await;
    d.keys("1").await;
    assert!(
        !d.effects[before..]
            .iter()
            .any(|e| e.contains("DescribeInstances")),
        "{:?}",
        &d.effects[before..]
    );
}

/// Item 7, the group's side: instances a group change launches are in the instances pane
/// without Ctrl-r.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_a_group_change_launches_appear_without_ctrl_r() {
    let moto = Moto::start();
    let (_c, a, _lt) = crate::auto_scaling::setup(&moto, "ci-grow").await;
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    assert_eq!(d.app.instances().len(), 3);
    crate::auto_scaling::open_group(&mut d, "ci-grow").await;
    d.keys("e").await;
    crate::auto_scaling::focus_field(&mut d, "Desired").await;
    d.key(Key::ctrl('u')).await;
    d.keys("5").await;
    d.key(Key::ctrl('s')).await;
    assert!(d.app.dialog.is_none(), "{}", d.status());
    for _ in 0..5 {
        let fx = d.app.update(Event::WatchDue);
        d.run(fx).await;
    }
    let members = crate::moto_autoscaling::members_seen_by(&a, "ci-grow").await;
    assert_eq!(members.len(), 5);
    d.keys("1").await;
    d.app.instances_mut().refresh_view();
    for m in &members {
        assert!(
            d.app.instances().get(m).is_some(),
            "{m} is shown: {:?}",
            &d.effects[d.effects.len().saturating_sub(8)..]
        );
    }
}

/// Item 11: a bulk result is shortened on the status line ("and 2 more") and whole in
/// :messages, every instance named.
#[tokio::test]
async fn a_bulk_result_is_whole_in_messages() {
    use ec2tui::aws::demo::DemoRegion;
    let mut d = Driver::new(DemoRegion::new(60, Duration::ZERO, Duration::ZERO), false);
    d.start().await;
    d.filter("stopped").await;
    d.app.instances_mut().refresh_view();
    let n = d.app.instances().len().min(5);
    assert!(n >= 5, "five stopped instances in the demo");
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(d.app.instances().selected_id().unwrap().to_string());
        d.keys(" ").await; // marks and moves down
    }
    d.keys("s").await;
    d.keys("y").await;
    let s = d.status();
    assert!(
        s.contains("and 2 more"),
        "shortened on the status line: {s}"
    );
    let log: Vec<String> = d.app.messages().iter().map(|m| m.text.clone()).collect();
    assert!(
        log.iter()
            .any(|t| ids.iter().all(|id| t.contains(id.as_str()))),
        "one message names all five: {ids:?} {log:?}"
    );
}

/// A watch of a pane not shown goes no faster than the refresh period (30 s: one round in 15
/// watch ticks), the shown pane's every tick.
#[tokio::test]
async fn a_pane_not_shown_watches_no_faster_than_its_refresh() {
    use ec2tui::aws::demo::DemoRegion;
    let mut d = Driver::new(
        DemoRegion::new(20, Duration::from_secs(3600), Duration::ZERO),
        false,
    );
    d.start().await;
    d.filter("running").await;
    let id = d.app.instances().selected_id().unwrap().to_string();
    d.keys("S").await;
    d.keys("y").await;
    assert_eq!(d.app.watching(), vec![id.clone()]);
    let shown = thirty_ticks(&mut d, &id).await;
    assert!(shown >= 29, "the shown pane's watch every tick: {shown}");
    d.keys("3").await;
    let hidden = thirty_ticks(&mut d, &id).await;
    assert!(
        (1..=2).contains(&hidden),
        "hidden: {hidden} rounds in 30 ticks"
    );
    assert_eq!(d.app.watching(), vec![id], "still followed");
}

/// Thirty watch ticks; how many rounds asked about `id`.
async fn thirty_ticks<A: Ec2Api + 'static>(d: &mut Driver<A>, id: &str) -> usize {
    let from = d.effects.len();
    for _ in 0..30 {
        let fx = d.app.update(Event::WatchDue);
        d.run(fx).await;
    }
    d.effects[from..]
        .iter()
        .filter(|e| e.contains("DescribeInstances") && e.contains(id))
        .count()
}
