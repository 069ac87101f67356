//! The launch configurations pane, driven as a user would: against moto (checked by separate
//! Auto Scaling and EC2 clients), and as a UI snapshot on the demo region.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use ec2tui::app::{Dialog, Key};
use ec2tui::aws::demo::DemoRegion;
use ec2tui::aws::prelude::*;

use crate::driver::Driver;
use crate::emulator::{Moto, some_ami};
use crate::moto_autoscaling::asg_client;
use crate::ui::{render, text};

async fn make_config(a: &aws_sdk_autoscaling::Client, name: &str, ami: &str, user_data: &str) {
    a.create_launch_configuration()
        .launch_configuration_name(name)
        .image_id(ami)
        .instance_type("t3.micro")
        .user_data(STANDARD.encode(user_data))
        .send()
        .await
        .expect("create the launch configuration");
}

async fn configs_seen_by(a: &aws_sdk_autoscaling::Client) -> Vec<String> {
    let out = a.describe_launch_configurations().send().await.unwrap();
    let mut v: Vec<String> = out
        .launch_configurations()
        .iter()
        .filter_map(|l| l.launch_configuration_name().map(str::to_string))
        .collect();
    v.sort();
    v
}

fn form_error(d: &Driver<impl Ec2Api>) -> String {
    match &d.app.dialog {
        Some(Dialog::Form { form, .. }) => form.error.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_details_delete_refusal_and_migration() {
    let moto = Moto::start();
    let c = moto.client().await;
    let a = asg_client(&moto).await;
    let ami = some_ami(&c).await;
    make_config(&a, "ci-lc-used", &ami, "#!/bin/bash\necho used\n").await;
    make_config(&a, "ci-lc-free", &ami, "#!/bin/bash\necho free\n").await;
    a.create_auto_scaling_group()
        .auto_scaling_group_name("ci-lc-group")
        .launch_configuration_name("ci-lc-used")
        .min_size(0)
        .desired_capacity(1)
        .max_size(2)
        .availability_zones("us-east-1a")
        .send()
        .await
        .unwrap();

    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    d.keys(":lc").await;
    d.enter().await;
    assert_eq!(d.app.focused, "launch_configs");

    // details: the user data decoded, and who uses it
    d.filter("ci-lc-used").await;
    d.enter().await;
    let details = d.app.details().expect("details").text().join("\n");
    assert!(details.contains("  echo used"), "{details}");
    assert!(details.contains("ci-lc-group"), "{details}");
    d.key(Key::plain(ec2tui::app::KeyCode::Esc)).await;

    // delete while a group uses it: refused before any call, naming the group
    d.key(Key::ctrl('d')).await;
    assert!(d.app.dialog.is_none());
    assert!(
        d.status()
            .contains("used by Auto Scaling group ci-lc-group"),
        "{}",
        d.status()
    );
    assert!(d.calls.is_empty());

    // n: no new ones, and why
    d.keys("n").await;
    assert!(
        d.status()
            .contains("no longer allows new launch configurations"),
        "{}",
        d.status()
    );

    // m: a launch template with the same settings
    d.keys("m").await;
    d.key(Key::ctrl('u')).await;
    d.keys("ci-lc-migrated").await;
    d.key(Key::ctrl('s')).await;
    assert!(d.app.dialog.is_none(), "{}", form_error(&d));
    let out = c
        .describe_launch_templates()
        .launch_template_names("ci-lc-migrated")
        .send()
        .await
        .unwrap();
    let id = out.launch_templates()[0].launch_template_id().unwrap();
    let v = c
        .describe_launch_template_versions()
        .launch_template_id(id)
        .send()
        .await
        .unwrap();
    let data = v.launch_template_versions()[0]
        .launch_template_data()
        .unwrap();
    assert_eq!(data.image_id(), Some(ami.as_str()));
    assert_eq!(data.instance_type().map(|t| t.as_str()), Some("t3.micro"));
    let ud = STANDARD.decode(data.user_data().unwrap()).unwrap();
    assert_eq!(String::from_utf8(ud).unwrap(), "#!/bin/bash\necho used\n");

    // delete the free one: typed word, then gone
    d.filter("ci-lc-free").await;
    d.key(Key::ctrl('d')).await;
    d.keys("delete").await;
    d.key(Key::ctrl('s')).await;
    assert!(d.app.dialog.is_none(), "{}", form_error(&d));
    assert_eq!(configs_seen_by(&a).await, vec!["ci-lc-used".to_string()]);
    let ops: Vec<&str> = d.calls.iter().map(|o| o.record().operation).collect();
    assert_eq!(
        ops,
        vec!["CreateLaunchTemplate", "DeleteLaunchConfiguration"]
    );
}

#[tokio::test]
async fn launch_configs_pane() {
    let mut d = Driver::new(
        DemoRegion::new(60, Duration::from_secs(3600), Duration::ZERO).with_auto_scaling(),
        false,
    );
    d.app.ctx.demo = true;
    d.app.ctx.profile = "demo".into();
    d.app.ctx.region = "eu-west-1".into();
    d.start().await;
    d.keys(":lc").await;
    d.enter().await;
    insta::assert_snapshot!(text(&render(&mut d.app, 110, 15)));
}
