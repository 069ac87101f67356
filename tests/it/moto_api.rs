//! The aws-sdk-ec2 adapter against moto's standalone server; outcomes checked by a separate
//! SDK client.

use std::collections::HashSet;

use ec2tui::app::{Key, KeyCode};
use ec2tui::aws::ErrorKind;
use ec2tui::aws::prelude::*;
use futures::StreamExt;

use crate::driver::Driver;
use crate::driver::Panes;
use crate::emulator::{Moto, eventually, launch, some_ami, state_of};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fleet_of_over_1000_instances_is_listed_completely() {
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    // moto pages by reservation: make more than one page of reservations, plus a big one
    let mut launched: HashSet<String> = futures::stream::iter(0..1005)
        .map(|n| {
            let (c, ami) = (c.clone(), ami.clone());
            async move { launch(&c, &ami, 1, &format!("fleet-{n}")).await }
        })
        .buffer_unordered(8)
        .flat_map(futures::stream::iter)
        .collect()
        .await;
    launched.extend(launch(&c, &ami, 50, "batch").await);
    assert_eq!(launched.len(), 1055);

    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    let pages = d
        .effects
        .iter()
        .filter(|f| *f == "instances: DescribeInstances")
        .count();
    assert_eq!(pages, 1, "one list request");
    assert!(matches!(d.app.instances().load, ec2tui::app::Load::Loaded));
    let listed: HashSet<String> = (0..d.app.instances().len())
        .filter_map(|p| d.app.instances().row(p).map(|r| r.inst.id.clone()))
        .collect();
    assert_eq!(listed, launched, "every instance is listed, across pages");
    // and the adapter did page: the first page is not the whole fleet
    let first = d.api.list_instances(None).await.unwrap();
    assert!(first.next_token.is_some() && first.items.len() < 1055);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_change_instance_state_as_seen_by_a_separate_client() {
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    let ids = launch(&c, &ami, 3, "app").await;
    let id = ids[1].clone();
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    assert_eq!(d.app.instances().len(), 3);
    d.filter(&id).await;
    assert_eq!(d.app.instances().selected_id(), Some(id.as_str()));

    let steps: &[(Key, &str)] = &[
        (Key::char('S'), "stopped"),
        (Key::char('s'), "running"),
        (Key::char('F'), "stopped"),
        (Key::char('s'), "running"),
        (Key::char('r'), "running"),
    ];
    for (k, want) in steps {
        d.key(*k).await;
        d.key(Key::char('y')).await;
        let (c, id) = (c.clone(), id.clone());
        eventually(&format!("{k} -> {want}"), 10, || {
            let (c, id) = (c.clone(), id.clone());
            async move { state_of(&c, &id).await == *want }
        })
        .await;
        assert!(!d.status().contains("refused"), "{}", d.status());
    }
    d.key(Key::ctrl('d')).await;
    d.keys("terminate").await;
    d.key(Key::plain(KeyCode::Enter)).await;
    assert_eq!(state_of(&c, &id).await, "terminated");
    // the other instances were not touched
    assert_eq!(state_of(&c, &ids[0]).await, "running");
    assert_eq!(state_of(&c, &ids[2]).await, "running");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn protection_makes_terminate_fail_readably() {
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    let id = launch(&c, &ami, 1, "precious").await.remove(0);
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    assert_eq!(d.app.instances().get(&id).unwrap().protected, Some(false));
    d.keys("p").await;
    d.keys("y").await;
    let attr = c
        .describe_instance_attribute()
        .instance_id(&id)
        .attribute(aws_sdk_ec2::types::InstanceAttributeName::DisableApiTermination)
        .send()
        .await
        .unwrap();
    assert_eq!(
        attr.disable_api_termination().and_then(|b| b.value()),
        Some(true)
    );
    d.key(Key::ctrl('d')).await;
    d.keys("terminate").await;
    d.key(Key::plain(KeyCode::Enter)).await;
    let s = d.status();
    assert!(
        s.contains(&id) && s.contains("OperationNotPermitted"),
        "{s}"
    );
    assert!(s.contains("precious"), "names the instance: {s}");
    assert_eq!(state_of(&c, &id).await, "running");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_map_to_plain_words() {
    let moto = Moto::start();
    let api = moto.adapter().await;
    let e = api
        .stop_instance("i-0123456789abcdef0".into(), false)
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Service);
    assert_eq!(e.code.as_deref(), Some("InvalidInstanceID.NotFound"));
    assert!(
        e.describe().contains("i-0123456789abcdef0"),
        "{}",
        e.describe()
    );

    let id = api.identity().await.unwrap();
    assert_eq!(id.account, "123456789012");

    // nothing listens on port 9: a network error with a hint, not a crash
    let conf = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url("http://127.0.0.1:9")
        .credentials_provider(aws_sdk_ec2::config::Credentials::new(
            "a", "b", None, None, "t",
        ))
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .load()
        .await;
    let down = ec2tui::aws::sdk::SdkEc2::from_conf(&conf);
    let e = down.list_instances(None).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Network, "{e:?}");
    assert!(e.hint("p").unwrap().contains("endpoint"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_data_is_fetched_and_decoded() {
    use base64::Engine;
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    let script = "#!/bin/bash\nyum install -y httpd\n";
    let out = c
        .run_instances()
        .image_id(&ami)
        .min_count(1)
        .max_count(1)
        .user_data(base64::engine::general_purpose::STANDARD.encode(script))
        .send()
        .await
        .unwrap();
    let id = out.instances()[0].instance_id().unwrap().to_string();
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    d.key(Key::plain(KeyCode::Enter)).await;
    let det = d.app.details().expect("no details");
    assert!(det.title.starts_with(&id), "{}", det.title);
    let text = det.text().join("\n");
    let user_data = text
        .split("User data\n")
        .nth(1)
        .expect("a user data section");
    let shown: Vec<&str> = user_data.lines().map(str::trim).collect();
    let expected: Vec<&str> = script.lines().collect();
    assert_eq!(shown, expected, "the decoded user data, line by line");
}
