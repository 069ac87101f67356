//! Volumes and snapshots through the keys, against moto; checked by a separate client.

use ec2tui::app::{Dialog, Key, KeyCode};

use crate::driver::Driver;
use crate::driver::Panes;
use crate::emulator::{Moto, some_ami};

async fn launch_in(c: &aws_sdk_ec2::Client, ami: &str, az: &str, name: &str) -> String {
    use aws_sdk_ec2::types::{Placement, ResourceType, Tag, TagSpecification};
    let out = c
        .run_instances()
        .image_id(ami)
        .min_count(1)
        .max_count(1)
        .placement(Placement::builder().availability_zone(az).build())
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::Instance)
                .tags(Tag::builder().key("Name").value(name).build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    out.instances()[0].instance_id().unwrap().to_string()
}

async fn volume(c: &aws_sdk_ec2::Client, id: &str) -> Option<aws_sdk_ec2::types::Volume> {
    let out = c.describe_volumes().send().await.unwrap();
    out.volumes()
        .iter()
        .find(|v| v.volume_id() == Some(id))
        .cloned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn volumes_and_snapshots_round_trip() {
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    let here = launch_in(&c, &ami, "us-east-1a", "here").await;
    let there = launch_in(&c, &ami, "us-east-1b", "there").await;
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;

    // create: n, size 10, the first AZ (us-east-1a), Ctrl-s
    d.keys("3").await;
    assert_eq!(d.app.focused, "volumes");
    d.keys("n").await;
    d.key(Key::ctrl('u')).await;
    d.keys("10").await;
    for _ in 0..6 {
        d.key(Key::plain(KeyCode::Tab)).await;
    }
    d.keys("data-1").await;
    d.key(Key::ctrl('s')).await;
    assert!(d.app.dialog.is_none(), "{}", d.status());
    let vol = d
        .app
        .volumes()
        .selected_id()
        .expect("the new volume is selected")
        .to_string();
    let v = volume(&c, &vol).await.expect("created");
    assert_eq!(v.size(), Some(10));
    assert_eq!(v.availability_zone(), Some("us-east-1a"));
    assert!(v.tags().iter().any(|t| t.value() == Some("data-1")));

    // attach: only the instance in us-east-1a is offered, with /dev/sdf
    d.keys("a").await;
    let Some(Dialog::Form { form, .. }) = &d.app.dialog else {
        panic!("{}", d.status())
    };
    let offered: Vec<String> = form
        .field("Instance")
        .list()
        .unwrap()
        .options
        .iter()
        .map(|o| o.value.clone())
        .collect();
    assert_eq!(
        offered,
        vec![here.clone()],
        "{there} is in another AZ and is not offered"
    );
    assert_eq!(form.field("Device").get(), "/dev/sdf");
    d.key(Key::ctrl('s')).await;
    let v = volume(&c, &vol).await.unwrap();
    assert_eq!(
        v.attachments()[0].instance_id(),
        Some(here.as_str()),
        "{}",
        d.status()
    );
    assert_eq!(v.attachments()[0].device(), Some("/dev/sdf"));

    // an attached volume's delete is refused before any call
    let before = d.effects.len();
    d.key(Key::ctrl('d')).await;
    assert!(d.app.dialog.is_none());
    assert!(d.status().contains("attached to here"), "{}", d.status());
    assert_eq!(d.effects.len(), before);

    // detach (moto needs the instance id, which ec2tui passes)
    d.keys("d").await;
    d.key(Key::ctrl('s')).await;
    assert!(
        volume(&c, &vol).await.unwrap().attachments().is_empty(),
        "{}",
        d.status()
    );

    // snapshot it
    d.keys("x").await;
    d.key(Key::ctrl('s')).await;
    let snaps = c
        .describe_snapshots()
        .owner_ids("self")
        .send()
        .await
        .unwrap();
    let snap = snaps
        .snapshots()
        .iter()
        .find(|s| s.volume_id() == Some(vol.as_str()))
        .and_then(|s| s.snapshot_id())
        .expect("a snapshot of the volume")
        .to_string();

    // a volume from the snapshot in another AZ
    d.keys("4").await;
    assert_eq!(d.app.focused, "snapshots");
    d.app.snapshots_mut().refresh_view();
    assert_eq!(
        d.app.snapshots().len(),
        1,
        "only my snapshots, not moto's built-in ones"
    );
    d.keys("v").await;
    for _ in 0..3 {
        d.key(Key::plain(KeyCode::Tab)).await;
    }
    d.key(Key::plain(KeyCode::Enter)).await;
    d.keys("us-east-1b").await;
    d.key(Key::plain(KeyCode::Enter)).await;
    d.key(Key::ctrl('s')).await;
    let vols = c.describe_volumes().send().await.unwrap();
    let copy = vols
        .volumes()
        .iter()
        .find(|v| v.snapshot_id() == Some(snap.as_str()))
        .expect("a volume from the snapshot");
    assert_eq!(copy.availability_zone(), Some("us-east-1b"));
    let copy = copy.volume_id().unwrap().to_string();

    // delete everything: snapshot, then both volumes, each with the typed word
    d.keys("4").await;
    d.key(Key::ctrl('d')).await;
    d.keys("delete").await;
    d.key(Key::plain(KeyCode::Enter)).await;
    let snaps = c
        .describe_snapshots()
        .owner_ids("self")
        .send()
        .await
        .unwrap();
    assert!(
        snaps
            .snapshots()
            .iter()
            .all(|s| s.snapshot_id() != Some(snap.as_str())),
        "{}",
        d.status()
    );
    d.keys("3").await;
    for id in [&vol, &copy] {
        d.filter(id).await;
        d.key(Key::ctrl('d')).await;
        d.keys("delete").await;
        d.key(Key::plain(KeyCode::Enter)).await;
        assert!(volume(&c, id).await.is_none(), "{id}: {}", d.status());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_a_snapshot_to_another_region() {
    let moto = Moto::start();
    let c = moto.client().await;
    let vol = c
        .create_volume()
        .availability_zone("us-east-1a")
        .size(5)
        .send()
        .await
        .unwrap();
    let snap = c
        .create_snapshot()
        .volume_id(vol.volume_id().unwrap())
        .description("to copy")
        .send()
        .await
        .unwrap();
    let snap = snap.snapshot_id().unwrap().to_string();
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    d.keys("4").await;
    d.app.snapshots_mut().refresh_view();
    assert_eq!(d.app.snapshots().selected_id(), Some(snap.as_str()));
    d.keys("C").await;
    d.key(Key::plain(KeyCode::Enter)).await;
    d.keys("us-west-2").await;
    d.key(Key::plain(KeyCode::Enter)).await;
    d.key(Key::ctrl('s')).await;
    assert!(d.status().contains("us-west-2"), "{}", d.status());
    // the copy is followed in its region until it completes
    assert!(
        d.status().contains("completed in us-west-2")
            || d.status().contains("in us-west-2 is completed"),
        "{}",
        d.status()
    );
    let west = aws_sdk_ec2::Client::from_conf(
        aws_sdk_ec2::config::Builder::from(&moto.sdk_config().await)
            .region(aws_sdk_ec2::config::Region::new("us-west-2"))
            .build(),
    );
    let out = west
        .describe_snapshots()
        .owner_ids("self")
        .send()
        .await
        .unwrap();
    assert!(
        out.snapshots()
            .iter()
            .any(|s| s.description().is_some_and(|x| x.contains(&snap))),
        "{:?} / {}",
        out.snapshots(),
        d.status()
    );
}

/// Issue 17: a DeleteVolume carried out whose answer is lost: the SDK's retry is refused (the
/// volume is gone), and a volume's delete cannot be read back here, so the screen and the
/// journal say the outcome is unknown, never that it was refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_that_cannot_be_read_back_is_of_unknown_outcome() {
    let moto = Moto::start();
    let c = moto.client().await;
    let vol = c
        .create_volume()
        .availability_zone("us-east-1a")
        .size(1)
        .send()
        .await
        .unwrap()
        .volume_id()
        .unwrap()
        .to_string();
    let proxy = crate::emulator::FaultProxy::start(&moto);
    let api = crate::faults::through(
        &proxy,
        "lost-delete",
        std::time::Duration::from_secs(5),
        std::time::Duration::from_secs(20),
    )
    .await;
    let dir = crate::e2e::scratch("lost-delete-journal");
    let mut d = Driver::new(api, false).with_journal(&dir);
    d.start().await;
    d.keys("3").await;
    d.filter(&vol).await;
    proxy.set("lose-once:DeleteVolume");
    d.key(Key::ctrl('d')).await;
    d.keys("delete").await;
    d.key(Key::plain(KeyCode::Enter)).await;
    assert_eq!(proxy.count("lose-once:DeleteVolume", "DeleteVolume"), 1);
    assert!(volume(&c, &vol).await.is_none(), "it was made");
    let s = d.status();
    assert!(
        s.contains(&format!("the outcome of delete {vol} is unknown")),
        "{s}"
    );
    assert!(!s.contains("refused"), "{s}");
    let journal = std::fs::read_to_string(dir.join("journal.jsonl")).unwrap();
    let outcome = journal
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["phase"] == "outcome" && v["operation"] == "DeleteVolume")
        .expect("an outcome");
    assert_eq!(outcome["result"], "unknown", "{outcome}");
}
