//! The launch templates pane, driven as a user would: against moto (checked by a separate SDK
//! client), and as UI snapshots on the demo region.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use ec2tui::app::{Dialog, Key, KeyCode};
use ec2tui::aws::prelude::*;

use crate::driver::Driver;
use crate::emulator::{Moto, launch, some_ami};
use crate::ui::{demo_app, render, text};

fn form_text(d: &Driver<impl Ec2Api>) -> String {
    match &d.app.dialog {
        Some(Dialog::Form { form, .. }) => {
            let mut s = form.intro.join("\n");
            s.push('\n');
            s.push_str(form.error.as_deref().unwrap_or(""));
            s
        }
        _ => String::new(),
    }
}

/// Tabs to the field with this label in the open form.
async fn focus_field(d: &mut Driver<impl Ec2Api>, label: &str) {
    for _ in 0..20 {
        if let Some(Dialog::Form { form, .. }) = &d.app.dialog
            && form.fields[form.focus].label == label
        {
            return;
        }
        d.key(Key::plain(KeyCode::Tab)).await;
    }
    panic!("no field {label}: {}", form_text(d));
}

/// A template made by the separate client, with one version; returns its id.
pub async fn make_template(
    c: &aws_sdk_ec2::Client,
    name: &str,
    ami: &str,
    user_data: &str,
) -> String {
    use aws_sdk_ec2::types::{InstanceType, RequestLaunchTemplateData};
    c.create_launch_template()
        .launch_template_name(name)
        .version_description("first")
        .launch_template_data(
            RequestLaunchTemplateData::builder()
                .image_id(ami)
                .instance_type(InstanceType::T3Micro)
                .user_data(STANDARD.encode(user_data))
                .build(),
        )
        .send()
        .await
        .unwrap()
        .launch_template()
        .unwrap()
        .launch_template_id()
        .unwrap()
        .to_string()
}

/// (version number, decoded user data, is default) of every version, by the separate client.
async fn versions_seen_by(c: &aws_sdk_ec2::Client, id: &str) -> Vec<(i64, String, bool)> {
    let out = c
        .describe_launch_template_versions()
        .launch_template_id(id)
        .send()
        .await
        .unwrap();
    let mut v: Vec<(i64, String, bool)> = out
        .launch_template_versions()
        .iter()
        .map(|v| {
            let ud = v
                .launch_template_data()
                .and_then(|d| d.user_data())
                .map(|b| String::from_utf8(STANDARD.decode(b).unwrap()).unwrap())
                .unwrap_or_default();
            (
                v.version_number().unwrap(),
                ud,
                v.default_version().unwrap_or(false),
            )
        })
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_version_with_new_user_data_is_read_back_decoded_and_made_the_default() {
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    let id = make_template(&c, "ci-web", &ami, "#!/bin/bash\necho v1\n").await;

    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    d.keys(":lt").await;
    d.enter().await;
    assert_eq!(d.app.focused, "templates");
    d.filter("ci-web").await;
    d.keys("n").await;
    {
        let Some(Dialog::Form { form, .. }) = &d.app.dialog else {
            panic!("no form: {}", d.status())
        };
        assert_eq!(
            form.field("User data (text, or @path)").get(),
            "#!/bin/bash\necho v1\n",
            "the form starts from the default version's decoded user data"
        );
        assert_eq!(form.field("AMI").get(), ami);
        assert!(form.field("Make it the default").on(), "ticked by default");
    }
    focus_field(&mut d, "User data (text, or @path)").await;
    d.key(Key::ctrl('u')).await;
    d.keys("#!/bin/bash").await;
    d.enter().await;
    d.keys("export APP_RELEASE=2\n").await;
    focus_field(&mut d, "Description").await;
    d.keys("release 2").await;
    d.key(Key::ctrl('s')).await;
    assert!(d.app.dialog.is_none(), "{}", form_text(&d));

    // the separate client sees version 2, with the new user data, and as the default
    let seen = versions_seen_by(&c, &id).await;
    assert_eq!(
        seen,
        vec![
            (1, "#!/bin/bash\necho v1\n".to_string(), false),
            (2, "#!/bin/bash\nexport APP_RELEASE=2\n".to_string(), true),
        ]
    );
    // and the adapter reads it back decoded, newest first
    let ours = d.api.template_versions(id.clone()).await.unwrap();
    assert_eq!(ours[0].number, 2);
    assert_eq!(
        ours[0].data.user_data.as_deref(),
        Some("#!/bin/bash\nexport APP_RELEASE=2\n")
    );
    assert_eq!(ours[0].description, "release 2");
    assert_eq!(ours[0].data.image_id, ami, "the other settings are kept");
    let journaled: Vec<&str> = d.calls.iter().map(|o| o.record().operation).collect();
    assert_eq!(
        journaled,
        vec!["CreateLaunchTemplateVersion", "ModifyLaunchTemplate"]
    );

    // the details show the versions newest first, with the user data decoded
    d.enter().await;
    let Some(details) = d.app.details() else {
        panic!("no details")
    };
    let lines = details.text().join("\n");
    let v2 = lines.find("Version 2").expect("version 2 shown");
    let v1 = lines.find("Version 1").expect("version 1 shown");
    assert!(v2 < v1, "newest first:\n{lines}");
    assert!(lines.contains("    export APP_RELEASE=2"), "{lines}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn default_version_delete_version_and_template() {
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    let id = make_template(&c, "ci-del", &ami, "one").await;
    for ud in ["two", "three"] {
        c.create_launch_template_version()
            .launch_template_id(&id)
            .launch_template_data(
                aws_sdk_ec2::types::RequestLaunchTemplateData::builder()
                    .image_id(&ami)
                    .user_data(STANDARD.encode(ud))
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    d.keys(":templates").await;
    d.enter().await;
    d.filter("ci-del").await;

    // D: the default becomes version 3 (the first offered: newest)
    d.keys("D").await;
    d.key(Key::ctrl('s')).await;
    assert!(d.app.dialog.is_none(), "{}", form_text(&d));
    let seen = versions_seen_by(&c, &id).await;
    assert!(seen.iter().any(|v| v.0 == 3 && v.2), "{seen:?}");

    // Ctrl-d: version 1 (the choice lists the template, then the non-default versions)
    d.key(Key::ctrl('d')).await;
    assert!(form_text(&d).contains("3 versions"), "{}", form_text(&d));
    d.enter().await; // open the list
    d.keys("j").await; // version 2
    d.keys("j").await; // version 1
    d.enter().await;
    focus_field(&mut d, "Type delete to confirm").await;
    d.keys("nope").await;
    d.key(Key::ctrl('s')).await;
    assert!(form_text(&d).contains("type delete"), "{}", form_text(&d));
    assert_eq!(versions_seen_by(&c, &id).await.len(), 3, "nothing was sent");
    d.key(Key::ctrl('u')).await;
    d.keys("delete").await;
    d.key(Key::ctrl('s')).await;
    assert!(d.app.dialog.is_none(), "{}", form_text(&d));
    let left: Vec<i64> = versions_seen_by(&c, &id)
        .await
        .iter()
        .map(|v| v.0)
        .collect();
    assert_eq!(left, vec![2, 3]);

    // Ctrl-d: the whole template (the first choice)
    d.key(Key::ctrl('d')).await;
    focus_field(&mut d, "Type delete to confirm").await;
    d.keys("delete").await;
    d.key(Key::ctrl('s')).await;
    assert!(d.app.dialog.is_none(), "{}", form_text(&d));
    let out = c.describe_launch_templates().send().await.unwrap();
    assert!(
        !out.launch_templates()
            .iter()
            .any(|t| t.launch_template_id() == Some(id.as_str())),
        "the template is gone"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t_on_an_instance_makes_a_template_of_it() {
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    let ids = launch(&c, &ami, 1, "ci-source").await;
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    d.filter(&ids[0]).await;
    d.keys("T").await;
    {
        let Some(Dialog::Form { form, .. }) = &d.app.dialog else {
            panic!("no form: {}", d.status())
        };
        assert_eq!(form.field("Template name").get(), "ci-source-template");
    }
    d.key(Key::ctrl('s')).await;
    assert!(d.app.dialog.is_none(), "{}", form_text(&d));
    let out = c
        .describe_launch_templates()
        .launch_template_names("ci-source-template")
        .send()
        .await
        .unwrap();
    let t = &out.launch_templates()[0];
    let v = c
        .describe_launch_template_versions()
        .launch_template_id(t.launch_template_id().unwrap())
        .send()
        .await
        .unwrap();
    let data = v.launch_template_versions()[0]
        .launch_template_data()
        .unwrap();
    assert_eq!(data.image_id(), Some(ami.as_str()));
    assert_eq!(data.instance_type().map(|t| t.as_str()), Some("t3.micro"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn l_opens_the_launch_form_with_the_version_and_launches_after_the_dry_run() {
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    make_template(&c, "ci-launch", &ami, "#!/bin/bash\necho launched\n").await;
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    d.keys(":lt").await;
    d.enter().await;
    d.filter("ci-launch").await;
    d.keys("l").await;
    d.key(Key::ctrl('s')).await; // the version picked: the default
    {
        let Some(Dialog::Form { form, .. }) = &d.app.dialog else {
            panic!("no launch form: {}", d.status())
        };
        assert!(form.title.contains("ci-launch version 1"), "{}", form.title);
        assert!(
            form.intro[0].contains("(x86_64)"),
            "the AMI's architecture was read: {:?}",
            form.intro
        );
        assert_eq!(form.field("Instance type").get(), "t3.micro");
        assert_eq!(
            form.field("User data (text, or @path)").get(),
            "#!/bin/bash\necho launched\n"
        );
    }
    d.key(Key::ctrl('s')).await;
    assert!(d.app.dialog.is_none(), "{}", form_text(&d));
    let runs: Vec<String> = d
        .calls
        .iter()
        .filter(|o| o.record().operation == "RunInstances")
        .map(|o| format!("{:?}", o.record().params))
        .collect();
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert!(runs[0].contains("(\"dryRun\", \"true\")"), "{runs:?}");
    assert!(runs[1].contains("(\"dryRun\", \"false\")"), "{runs:?}");
    assert_eq!(d.app.focused, "instances");
}

#[tokio::test]
async fn templates_pane() {
    let mut d = demo_app(60).await;
    d.keys(":lt").await;
    d.enter().await;
    insta::assert_snapshot!(text(&render(&mut d.app, 100, 15)));
}

#[tokio::test]
async fn templates_details() {
    let mut d = demo_app(60).await;
    d.keys(":lt").await;
    d.enter().await;
    d.filter("web-prod").await;
    d.enter().await;
    insta::assert_snapshot!(text(&render(&mut d.app, 100, 40)));
}

#[tokio::test]
async fn templates_new_version_form() {
    let mut d = demo_app(60).await;
    d.keys(":lt").await;
    d.enter().await;
    d.filter("web-prod").await;
    d.keys("n").await;
    insta::assert_snapshot!(text(&render(&mut d.app, 100, 24)));
}
