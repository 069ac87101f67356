//! Tags (`t`) through the keys, against moto: bulk add and remove on three instances, seen
//! by a separate client; journaled; `aws:` refused before any call; read-only refused.

use ec2tui::app::{Dialog, Key, KeyCode};

use crate::driver::{Driver, Panes};
use crate::emulator::{Moto, launch, some_ami};

async fn tags_of(c: &aws_sdk_ec2::Client, id: &str) -> Vec<(String, String)> {
    let out = c
        .describe_instances()
        .instance_ids(id)
        .send()
        .await
        .unwrap();
    let mut t: Vec<(String, String)> = out.reservations()[0].instances()[0]
        .tags()
        .iter()
        .map(|t| (t.key().unwrap().to_string(), t.value().unwrap().to_string()))
        .collect();
    t.sort();
    t
}

fn pair(k: &str, v: &str) -> (String, String) {
    (k.to_string(), v.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_tags_on_three_instances() {
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    let ids = launch(&c, &ami, 3, "tagged").await;
    launch(&c, &ami, 1, "other").await;
    let dir = crate::e2e::scratch("tags-journal");
    let mut d = Driver::new(moto.adapter().await, false).with_journal(&dir);
    d.start().await;
    // the three, marked: filter, then mark each
    d.filter("tagged").await;
    d.keys("   ").await;
    assert_eq!(d.app.instances().marks().len(), 3);

    d.keys("t").await;
    let Some(Dialog::Form { form, .. }) = &d.app.dialog else {
        panic!("no tags form: {}", d.status());
    };
    assert!(form.title.contains("3 instances"), "{}", form.title);
    assert!(
        form.intro.iter().any(|l| l.contains("Name = tagged")),
        "{:?}",
        form.intro
    );
    d.keys("Env=prod").await;
    d.enter().await;
    d.keys("Owner=alice").await;
    d.key(Key::ctrl('s')).await;
    assert!(d.app.dialog.is_none(), "{}", d.status());
    assert!(
        d.status()
            .contains("tag 3 instances: Env=prod, Owner=alice"),
        "{}",
        d.status()
    );
    for id in &ids {
        assert_eq!(
            tags_of(&c, id).await,
            [
                pair("Env", "prod"),
                pair("Name", "tagged"),
                pair("Owner", "alice")
            ]
        );
        // the rows show them without a refresh
        let row = d.app.instances().get(id).unwrap();
        assert!(row.inst.tags.contains(&pair("Owner", "alice")));
    }

    // one of them differs: "varies"; then remove Owner and rename all three
    c.create_tags()
        .resources(&ids[0])
        .tags(
            aws_sdk_ec2::types::Tag::builder()
                .key("Env")
                .value("dev")
                .build(),
        )
        .send()
        .await
        .unwrap();
    d.key(Key::ctrl('r')).await;
    d.keys("t").await;
    let Some(Dialog::Form { form, .. }) = &d.app.dialog else {
        panic!("no tags form");
    };
    assert!(
        form.intro.iter().any(|l| l.contains("Env = (varies)")),
        "{:?}",
        form.intro
    );
    assert!(
        form.intro.iter().any(|l| l.contains("Owner = alice")),
        "{:?}",
        form.intro
    );
    d.keys("Name=renamed").await;
    d.key(Key::plain(KeyCode::Tab)).await;
    d.keys("Owner").await;
    d.key(Key::ctrl('s')).await;
    assert!(d.app.dialog.is_none(), "{}", d.status());
    for (i, id) in ids.iter().enumerate() {
        let env = if i == 0 { "dev" } else { "prod" };
        assert_eq!(
            tags_of(&c, id).await,
            [pair("Env", env), pair("Name", "renamed")]
        );
        assert_eq!(d.app.instances().get(id).unwrap().inst.name, "renamed");
    }
    // journaled: a request and an outcome for each call, with all three targets
    let journal = std::fs::read_to_string(dir.join("journal.jsonl")).unwrap();
    let ops: Vec<serde_json::Value> = journal
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for op in ["CreateTags", "DeleteTags"] {
        let mine: Vec<&serde_json::Value> = ops.iter().filter(|o| o["operation"] == op).collect();
        assert!(mine.len() >= 2, "{op}: {journal}");
        assert!(
            mine.iter()
                .all(|o| o["targets"].as_array().unwrap().len() == 3)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_aws_prefix_is_refused_before_any_call() {
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    let id = launch(&c, &ami, 1, "one").await.remove(0);
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    for (set, remove) in [("AWS:owner=x", ""), ("", "aws:cloudformation:stack-name")] {
        d.keys("t").await;
        d.keys(set).await;
        d.key(Key::plain(KeyCode::Tab)).await;
        d.keys(remove).await;
        d.key(Key::ctrl('s')).await;
        let Some(Dialog::Form { form, .. }) = &d.app.dialog else {
            panic!("the form closed: {}", d.status());
        };
        let e = form.error.as_deref().unwrap_or_default();
        assert!(e.contains("reserved for AWS"), "{e}");
        d.key(Key::plain(KeyCode::Esc)).await;
    }
    // a line that is not Key=Value is explained too, and nothing at all is "nothing to change"
    d.keys("t").await;
    d.keys("just-a-word").await;
    d.key(Key::ctrl('s')).await;
    assert!(
        d.app
            .form()
            .unwrap()
            .error
            .as_deref()
            .unwrap()
            .contains("Key=Value")
    );
    d.key(Key::plain(KeyCode::Esc)).await;
    d.keys("t").await;
    d.key(Key::ctrl('s')).await;
    assert!(
        d.app
            .form()
            .unwrap()
            .error
            .as_deref()
            .unwrap()
            .contains("nothing to change")
    );
    d.key(Key::plain(KeyCode::Esc)).await;
    assert!(d.calls.is_empty(), "no call was sent: {:?}", d.calls);
    assert_eq!(tags_of(&c, &id).await, [pair("Name", "one")]);
}

#[tokio::test]
async fn read_only_and_untagged_panes_say_so() {
    let api =
        ec2tui::aws::demo::DemoRegion::new(5, std::time::Duration::ZERO, std::time::Duration::ZERO);
    let mut d = Driver::new(api, true);
    d.start().await;
    d.keys("t").await;
    assert!(d.app.dialog.is_none());
    assert!(d.status().contains("read-only"), "{}", d.status());
    let api =
        ec2tui::aws::demo::DemoRegion::new(5, std::time::Duration::ZERO, std::time::Duration::ZERO);
    let mut d = Driver::new(api, false);
    d.start().await;
    d.keys(":messages").await;
    d.enter().await;
    d.keys("t").await;
    assert!(d.app.dialog.is_none());
    assert!(
        d.status().contains("no tags to edit here"),
        "{}",
        d.status()
    );
}
