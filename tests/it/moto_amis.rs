//! The AMI workflows through the keys, against moto; outcomes checked by a separate client.

use base64::Engine;
use ec2tui::app::{Dialog, Key, KeyCode};

use crate::driver::Driver;
use crate::driver::Panes;
use crate::emulator::{Moto, launch, some_ami, state_of};

type D = Driver<ec2tui::aws::sdk::SdkEc2>;

async fn setup(moto: &Moto, name: &str) -> (aws_sdk_ec2::Client, String, D) {
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    let id = launch(&c, &ami, 1, name).await.remove(0);
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    d.filter(&id).await;
    (c, id, d)
}

fn tab(n: usize) -> Vec<Key> {
    vec![Key::plain(KeyCode::Tab); n]
}

async fn keys(d: &mut D, ks: &[Key]) {
    for k in ks {
        d.key(*k).await;
    }
}

/// Opens the create-image form and picks the consistency option at `choice` (0 stop first,
/// 1 reboot, 2 no reboot); returns the new image id after Ctrl-s.
async fn create_image(d: &mut D, choice: usize, restart: bool) -> String {
    // a second later: the proposed name (to the second) is a new one
    d.app.now += 1;
    d.keys("i").await;
    assert!(
        matches!(d.app.dialog, Some(Dialog::Form { .. })),
        "i opens the create-image form"
    );
    keys(d, &tab(2)).await; // to Consistency
    d.key(Key::plain(KeyCode::Enter)).await; // open the list
    keys(d, &vec![Key::plain(KeyCode::Down); choice]).await;
    d.key(Key::plain(KeyCode::Enter)).await; // pick
    if restart {
        keys(d, &tab(1)).await;
        d.keys(" ").await;
    }
    d.key(Key::ctrl('s')).await;
    if let Some(Dialog::Confirm(c)) = &d.app.dialog {
        // stop first: the stop is confirmed on its own, naming the instance
        assert_eq!(choice, 0, "only stop first asks again");
        let text = d.app.confirm_body(c).text().join("\n");
        assert!(text.contains("Stop ") && text.contains("(i-"), "{text}");
        d.keys("y").await;
    }
    assert!(d.app.dialog.is_none(), "submitted: {:?}", d.status());
    assert_eq!(
        d.app.focused,
        "amis",
        "the new image is shown in the AMIs pane: {}",
        d.status()
    );
    let id = d
        .app
        .amis()
        .selected_id()
        .expect("the new image is selected")
        .to_string();
    assert!(id.starts_with("ami-"), "{id}");
    id
}

async fn image_exists(c: &aws_sdk_ec2::Client, id: &str) -> bool {
    c.describe_images()
        .owners("self")
        .send()
        .await
        .unwrap()
        .images()
        .iter()
        .any(|i| i.image_id() == Some(id))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_image_with_each_consistency_choice() {
    let moto = Moto::start();
    let (c, id, mut d) = setup(&moto, "golden").await;

    // stop first, without restart: the instance is left stopped
    let a = create_image(&mut d, 0, false).await;
    assert!(image_exists(&c, &a).await);
    assert_eq!(state_of(&c, &id).await, "stopped");
    let img = d.app.amis().get(&a).unwrap();
    assert_eq!(img.state, "available", "watched until available");
    assert!(
        img.tags.iter().any(|(k, v)| k == "Name" && v == "golden"),
        "tags copied: {:?}",
        img.tags
    );

    // start it, then stop first with restart: running again once the image is available
    d.keys("1").await;
    d.keys("s").await;
    d.keys("y").await;
    assert_eq!(state_of(&c, &id).await, "running");
    let b = create_image(&mut d, 0, true).await;
    assert!(image_exists(&c, &b).await);
    assert_eq!(
        state_of(&c, &id).await,
        "running",
        "restarted when asked: {}",
        d.status()
    );

    // reboot and no reboot leave it running
    d.keys("1").await;
    let r = create_image(&mut d, 1, false).await;
    d.keys("1").await;
    let n = create_image(&mut d, 2, false).await;
    for x in [&r, &n] {
        assert!(image_exists(&c, x).await);
    }
    assert_eq!(state_of(&c, &id).await, "running");
    assert_eq!(d.app.amis().len(), 4, "all four are listed as mine");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn launch_from_an_image_with_user_data() {
    let moto = Moto::start();
    let (c, _id, mut d) = setup(&moto, "src").await;
    let ami = create_image(&mut d, 2, false).await;
    d.keys("l").await;
    let Some(Dialog::Form { form, .. }) = &d.app.dialog else {
        panic!("no launch form: {}", d.status())
    };
    assert!(
        !form.field("Instance type").get().is_empty(),
        "a default type is chosen"
    );
    keys(&mut d, &tab(5)).await; // Name
    d.keys("from-golden").await;
    keys(&mut d, &tab(2)).await; // User data
    d.keys("#!/bin/bash").await;
    d.key(Key::plain(KeyCode::Enter)).await;
    d.keys("echo hello > /tmp/hi").await;
    d.key(Key::ctrl('s')).await;
    assert!(d.app.dialog.is_none(), "launched: {}", d.status());
    assert_eq!(d.app.focused, "instances");
    let new = d.app.instances().selected_id().unwrap().to_string();
    assert!(d.status().contains(&new), "{}", d.status());
    let attr = c
        .describe_instance_attribute()
        .instance_id(&new)
        .attribute(aws_sdk_ec2::types::InstanceAttributeName::UserData)
        .send()
        .await
        .unwrap();
    let b64 = attr.user_data().and_then(|u| u.value()).unwrap();
    let text = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(text, "#!/bin/bash\necho hello > /tmp/hi");
    let out = c
        .describe_instances()
        .instance_ids(&new)
        .send()
        .await
        .unwrap();
    let inst = &out.reservations()[0].instances()[0];
    assert_eq!(inst.image_id(), Some(ami.as_str()));
    assert!(
        inst.tags()
            .iter()
            .any(|t| t.key() == Some("Name") && t.value() == Some("from-golden"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deregister_with_and_without_snapshots() {
    let moto = Moto::start();
    let (c, _id, mut d) = setup(&moto, "dereg").await;
    let snaps_of = |c: aws_sdk_ec2::Client, ami: String| async move {
        c.describe_images()
            .image_ids(ami)
            .send()
            .await
            .unwrap()
            .images()
            .iter()
            .flat_map(|i| i.block_device_mappings())
            .filter_map(|b| b.ebs().and_then(|e| e.snapshot_id()).map(str::to_string))
            .collect::<Vec<_>>()
    };
    let snapshot_exists = |c: aws_sdk_ec2::Client, s: String| async move {
        c.describe_snapshots()
            .owner_ids("self")
            .send()
            .await
            .unwrap()
            .snapshots()
            .iter()
            .any(|x| x.snapshot_id() == Some(s.as_str()))
    };

    // keep the snapshots (the default)
    let keep = create_image(&mut d, 2, false).await;
    let kept = snaps_of(c.clone(), keep.clone()).await;
    assert!(!kept.is_empty());
    d.key(Key::ctrl('d')).await;
    d.keys("deregister").await;
    d.key(Key::plain(KeyCode::Enter)).await;
    assert!(!image_exists(&c, &keep).await, "{}", d.status());
    assert!(d.app.amis().get(&keep).is_none());
    for s in &kept {
        assert!(snapshot_exists(c.clone(), s.clone()).await, "{s} kept");
    }

    // delete them too
    d.keys("1").await;
    let gone = create_image(&mut d, 2, false).await;
    let deleted = snaps_of(c.clone(), gone.clone()).await;
    d.key(Key::ctrl('d')).await;
    // a wrong word does nothing
    d.keys("nope").await;
    d.key(Key::plain(KeyCode::Enter)).await;
    assert!(image_exists(&c, &gone).await);
    d.key(Key::ctrl('u')).await;
    d.key(Key::plain(KeyCode::BackTab)).await;
    d.keys(" ").await; // tick "also delete its snapshots"
    d.key(Key::plain(KeyCode::Tab)).await;
    d.keys("deregister").await;
    d.key(Key::ctrl('s')).await;
    assert!(!image_exists(&c, &gone).await, "{}", d.status());
    for s in &deleted {
        assert!(
            !snapshot_exists(c.clone(), s.clone()).await,
            "{s} deleted: {}",
            d.status()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_an_image_to_another_region() {
    let moto = Moto::start();
    let (_c, _id, mut d) = setup(&moto, "copyme").await;
    let ami = create_image(&mut d, 2, false).await;
    d.keys("C").await;
    d.key(Key::plain(KeyCode::Enter)).await; // open the region list
    d.keys("us-west-2").await;
    d.key(Key::plain(KeyCode::Enter)).await;
    d.key(Key::ctrl('s')).await;
    assert!(d.app.dialog.is_none(), "{}", d.status());
    let s = d.status();
    assert!(s.contains("us-west-2") && s.contains(&ami), "{s}");
    let fx = d.app.update(ec2tui::app::Event::WatchDue);
    d.run(fx).await;
    assert!(
        d.status().contains("available in us-west-2"),
        "{}",
        d.status()
    );
    let west = aws_sdk_ec2::Client::from_conf(
        aws_sdk_ec2::config::Builder::from(&moto.sdk_config().await)
            .region(aws_sdk_ec2::config::Region::new("us-west-2"))
            .build(),
    );
    let out = west.describe_images().owners("self").send().await.unwrap();
    assert!(
        out.images()
            .iter()
            .any(|i| i.name().is_some_and(|n| n.starts_with("copyme")))
    );
}

/// `L` (launch more like this) carries the instance's user data into the launch form, read
/// as the form opens, and the instances it launches get it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn launch_more_like_this_carries_the_user_data() {
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    let data = "#!/bin/sh\necho 'like me' > /tmp/like\n";
    let out = c
        .run_instances()
        .image_id(&ami)
        .min_count(1)
        .max_count(1)
        .user_data(base64::engine::general_purpose::STANDARD.encode(data))
        .tag_specifications(
            aws_sdk_ec2::types::TagSpecification::builder()
                .resource_type(aws_sdk_ec2::types::ResourceType::Instance)
                .tags(
                    aws_sdk_ec2::types::Tag::builder()
                        .key("Name")
                        .value("liked")
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let id = out.instances()[0].instance_id().unwrap().to_string();
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    d.filter(&id).await;
    d.keys("L").await;
    let Some(Dialog::Form { form, .. }) = &d.app.dialog else {
        panic!("no launch form: {}", d.status())
    };
    let field = form.field(ec2tui::panes::kit::launch::F_USER_DATA);
    assert_eq!(field.get(), data, "the form carries the user data");
    assert_eq!(
        field.help.as_deref(),
        Some(format!("the user data of {id}").as_str())
    );
    d.key(Key::ctrl('s')).await;
    assert!(d.app.dialog.is_none(), "launched: {}", d.status());
    let new = d.app.instances().selected_id().unwrap().to_string();
    assert_ne!(new, id);
    let attr = c
        .describe_instance_attribute()
        .instance_id(&new)
        .attribute(aws_sdk_ec2::types::InstanceAttributeName::UserData)
        .send()
        .await
        .unwrap();
    let b64 = attr.user_data().and_then(|u| u.value()).unwrap();
    let text = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(text, data);
}

/// `L` on an instance whose user data has `bytes`: the form's user data field and its help,
/// then the user data the instance it launches gets (None: none).
async fn launch_like_with(bytes: &[u8]) -> (String, String, Option<Vec<u8>>) {
    use base64::Engine;
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    let out = c
        .run_instances()
        .image_id(&ami)
        .min_count(1)
        .max_count(1)
        .user_data(base64::engine::general_purpose::STANDARD.encode(bytes))
        .send()
        .await
        .unwrap();
    let id = out.instances()[0].instance_id().unwrap().to_string();
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    d.filter(&id).await;
    d.keys("L").await;
    let Some(Dialog::Form { form, .. }) = &d.app.dialog else {
        panic!("no launch form: {}", d.status())
    };
    let field = form.field(ec2tui::panes::kit::launch::F_USER_DATA);
    let (shown, help) = (field.get(), field.help.clone().unwrap_or_default());
    d.key(Key::ctrl('s')).await;
    assert!(d.app.dialog.is_none(), "launched: {}", d.status());
    let new = d.app.instances().selected_id().unwrap().to_string();
    assert_ne!(new, id);
    let attr = c
        .describe_instance_attribute()
        .instance_id(&new)
        .attribute(aws_sdk_ec2::types::InstanceAttributeName::UserData)
        .send()
        .await
        .unwrap();
    let sent = attr
        .user_data()
        .and_then(|u| u.value())
        .filter(|b| !b.is_empty())
        .map(|b| base64::engine::general_purpose::STANDARD.decode(b).unwrap());
    (shown, help, sent)
}

/// Tabs and carriage returns are not drawn in the form, but the launched instances get the
/// user data byte for byte (they got it cleaned for the screen); gzip'd user data, which the
/// form cannot hold, is said to be left out, never sent mangled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn launch_more_like_this_sends_the_user_data_exactly_or_says_why_not() {
    let data = "#!/bin/sh\r\ncat <<-EOF > /tmp/x\r\n\tindented by a tab\r\n\tEOF\r\n";
    let (shown, help, sent) = launch_like_with(data.as_bytes()).await;
    assert!(
        !shown.contains('\t') && shown.contains("indented by a tab"),
        "{shown:?}"
    );
    assert!(help.contains("sent exactly as it is"), "{help}");
    assert_eq!(sent.as_deref(), Some(data.as_bytes()), "byte for byte");

    // gzip's magic bytes and a body that is not UTF-8
    let gz: &[u8] = &[0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x00, 0x80, 0x81];
    let (shown, help, sent) = launch_like_with(gz).await;
    assert_eq!(shown, "");
    assert!(
        help.contains("not carried") && help.contains("binary"),
        "{help}"
    );
    assert_eq!(sent, None, "nothing mangled is sent");
}
