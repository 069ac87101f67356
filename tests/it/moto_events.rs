//! Status checks and scheduled events, against moto extended by the launcher (reserved tags
//! inject what moto's EC2 model lacks).

use ec2tui::app::{Key, KeyCode};

use crate::driver::Driver;
use crate::driver::Panes;
use crate::emulator::{Moto, launch, some_ami};

fn iso(t: i64) -> String {
    let s = ec2tui::aws::fmt_time(t); // "YYYY-MM-DD HH:MM UTC"
    format!("{}T{}:00Z", &s[..10], &s[11..16])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_are_listed_soonest_first_and_impaired_checks_show() {
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    let calm = launch(&c, &ami, 1, "calm").await.remove(0);
    let later = launch(&c, &ami, 1, "later").await.remove(0);
    let soon = launch(&c, &ami, 1, "soon").await.remove(0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let tag = |id: &str, k: &str, v: String| {
        let c = c.clone();
        let (id, k) = (id.to_string(), k.to_string());
        async move {
            c.create_tags()
                .resources(id)
                .tags(aws_sdk_ec2::types::Tag::builder().key(k).value(v).build())
                .send()
                .await
                .unwrap();
        }
    };
    tag(
        &later,
        "ec2tui:test:event",
        format!(
            "instance-retirement|degraded hardware|{}||",
            iso(now + 20 * 86_400)
        ),
    )
    .await;
    tag(
        &soon,
        "ec2tui:test:event",
        format!(
            "system-reboot|host maintenance|{}|{}|{}",
            iso(now + 86_400),
            iso(now + 90_000),
            iso(now + 5 * 86_400)
        ),
    )
    .await;
    tag(&soon, "ec2tui:test:instance-status", "impaired".into()).await;

    let mut d = Driver::new(moto.adapter().await, false);
    d.app.now = now;
    d.start().await;
    // the instances pane's Checks column
    assert_eq!(
        d.app.instances().get(&calm).unwrap().checks.as_deref(),
        Some("2/2")
    );
    assert_eq!(
        d.app.instances().get(&soon).unwrap().checks.as_deref(),
        Some("1/2 impaired")
    );

    d.keys("5").await;
    assert_eq!(d.app.focused, "events");
    d.app.events_mut().refresh_view();
    let order: Vec<(String, Option<String>)> = (0..d.app.events().rows())
        .filter_map(|p| d.app.events().row(p))
        .map(|r| {
            (
                r.instance_id.clone(),
                r.event.as_ref().map(|e| e.code.clone()),
            )
        })
        .collect();
    assert_eq!(
        order[0],
        (soon.clone(), Some("system-reboot".into())),
        "soonest first: {order:?}"
    );
    assert_eq!(
        order[1],
        (later.clone(), Some("instance-retirement".into()))
    );
    assert_eq!(order[2], (calm.clone(), None));
    let first = d.app.events().row(0).unwrap();
    assert!(first.due_soon(), "due within 7 days stands out");
    assert!(!d.app.events().row(1).unwrap().due_soon());
    assert_eq!(
        first.event.as_ref().unwrap().deadline,
        Some(now + 5 * 86_400 - (now + 5 * 86_400) % 60)
    );

    // Enter jumps to the instance
    d.key(Key::plain(KeyCode::Enter)).await;
    assert_eq!(d.app.focused, "instances");
    assert_eq!(d.app.instances().selected_id(), Some(soon.as_str()));

    // Tab switches between events and the journal
    d.keys("5").await;
    d.key(Key::plain(KeyCode::Tab)).await;
    assert_eq!(d.app.focused, "journal");
    d.key(Key::plain(KeyCode::Tab)).await;
    assert_eq!(d.app.focused, "events");
}
