//! The key pairs pane, driven as a user would: against moto (checked by a separate SDK
//! client and on disk), and as UI snapshots on the demo region.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use ec2tui::app::{Dialog, Key, KeyCode};

use crate::driver::{Driver, Panes};
use crate::emulator::{Moto, some_ami};
use crate::ui::{demo_app, render, text};

fn scratch(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("kp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The key pairs moto has, by name, sorted (a separate client's view).
pub(crate) async fn names_seen_by(c: &aws_sdk_ec2::Client) -> Vec<String> {
    let out = c.describe_key_pairs().send().await.unwrap();
    let mut v: Vec<String> = out
        .key_pairs()
        .iter()
        .filter_map(|k| k.key_name().map(str::to_string))
        .collect();
    v.sort();
    v
}

/// Replaces the text of the focused form field.
async fn retype(d: &mut Driver<impl ec2tui::aws::Ec2Api>, text: &str) {
    d.key(Key::ctrl('u')).await;
    d.keys(text).await;
}

fn form_text(d: &Driver<impl ec2tui::aws::Ec2Api>) -> String {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_writes_the_private_key_once_with_mode_0600() {
    let moto = Moto::start();
    let c = moto.client().await;
    let dir = scratch("create");
    let pem = dir.join("ci-made.pem");
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    d.keys(":kp").await;
    d.enter().await;
    assert_eq!(d.app.focused, "key_pairs");
    d.keys("n").await;
    d.key(Key::ctrl('u')).await; // the proposed name goes
    d.keys("ci-made").await;
    {
        let Some(Dialog::Form { form, .. }) = &d.app.dialog else {
            panic!("no form")
        };
        assert_eq!(
            form.field("Save the private key to").get(),
            "~/.ssh/ci-made.pem",
            "the default file follows the name"
        );
    }
    d.key(Key::plain(KeyCode::Tab)).await;
    d.key(Key::plain(KeyCode::Tab)).await;
    retype(&mut d, pem.to_str().unwrap()).await;
    d.key(Key::ctrl('s')).await;
    assert!(d.app.dialog.is_none(), "{}", form_text(&d));
    assert!(d.status().contains(pem.to_str().unwrap()), "{}", d.status());
    let body = std::fs::read_to_string(&pem).expect("the private key was written");
    assert!(body.starts_with("-----BEGIN"), "{body:.40}");
    assert!(body.trim_end().ends_with("PRIVATE KEY-----"));
    let mode = std::fs::metadata(&pem).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        files,
        ["ci-made.pem"],
        "the reservation went into place, nothing else is left"
    );
    assert!(names_seen_by(&c).await.contains(&"ci-made".to_string()));
    assert_eq!(
        d.app
            .pane::<ec2tui::panes::key_pairs::KeyPairsPane>()
            .unwrap()
            .list
            .selected_id(),
        Some("ci-made")
    );

    // a second key pair into the same file: refused before any call, the file untouched
    d.keys("n").await;
    d.key(Key::ctrl('u')).await;
    d.keys("ci-other").await;
    d.key(Key::plain(KeyCode::Tab)).await;
    d.key(Key::plain(KeyCode::Tab)).await;
    retype(&mut d, pem.to_str().unwrap()).await;
    d.key(Key::ctrl('s')).await;
    let shown = form_text(&d);
    assert!(
        shown.contains("never overwritten") && shown.contains("nothing was created"),
        "the refusal is shown in the form: {shown}"
    );
    assert_eq!(std::fs::read_to_string(&pem).unwrap(), body);
    assert!(!names_seen_by(&c).await.contains(&"ci-other".to_string()));
    d.key(Key::plain(KeyCode::Esc)).await;
    assert!(d.app.dialog.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_and_delete_naming_the_instances_launched_with_it() {
    let moto = Moto::start();
    let c = moto.client().await;
    let dir = scratch("import");
    let public = dir.join("id_ed25519.pub");
    std::fs::write(
        &public,
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICupFKkKNEy7H7HQvoFjDQWetTtouF2NaJYFOMb1Qx8n ci\n",
    )
    .unwrap();
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    d.keys(":kp").await;
    d.enter().await;
    d.keys("i").await;
    {
        let Some(Dialog::Form { form, .. }) = &d.app.dialog else {
            panic!("no form")
        };
        assert_eq!(form.field("Public key file").get(), "~/.ssh/id_ed25519.pub");
    }
    d.key(Key::ctrl('u')).await;
    d.keys("ci-laptop").await;
    d.key(Key::plain(KeyCode::Tab)).await;
    retype(&mut d, public.to_str().unwrap()).await;
    d.key(Key::ctrl('s')).await;
    assert!(d.app.dialog.is_none(), "{}", form_text(&d));
    assert!(names_seen_by(&c).await.contains(&"ci-laptop".to_string()));
    let row = d
        .app
        .pane::<ec2tui::panes::key_pairs::KeyPairsPane>()
        .unwrap()
        .list
        .get("ci-laptop")
        .cloned()
        .expect("listed");
    assert_eq!(row.key_type, "ed25519");

    // an instance launched with it, listed by the app
    let ami = some_ami(&c).await;
    let out = c
        .run_instances()
        .image_id(&ami)
        .instance_type(aws_sdk_ec2::types::InstanceType::T2Nano)
        .key_name("ci-laptop")
        .min_count(1)
        .max_count(1)
        .tag_specifications(
            aws_sdk_ec2::types::TagSpecification::builder()
                .resource_type(aws_sdk_ec2::types::ResourceType::Instance)
                .tags(
                    aws_sdk_ec2::types::Tag::builder()
                        .key("Name")
                        .value("uses-laptop-key")
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let id = out.instances()[0].instance_id().unwrap().to_string();
    d.keys("1").await;
    d.key(Key::ctrl('r')).await;
    assert!(d.app.instances().get(&id).is_some());
    d.keys(":kp").await;
    d.enter().await;
    d.filter("ci-laptop").await;
    d.key(Key::ctrl('d')).await;
    let shown = form_text(&d);
    assert!(
        shown.contains(&format!("uses-laptop-key ({id})")),
        "the delete form names the instances launched with the key: {shown}"
    );
    // the typed word is required
    d.keys("yes").await;
    d.key(Key::ctrl('s')).await;
    assert!(form_text(&d).contains("type delete"), "{}", form_text(&d));
    assert!(names_seen_by(&c).await.contains(&"ci-laptop".to_string()));
    d.key(Key::ctrl('u')).await;
    d.keys("delete").await;
    d.key(Key::ctrl('s')).await;
    assert!(d.app.dialog.is_none());
    assert!(!names_seen_by(&c).await.contains(&"ci-laptop".to_string()));
    assert!(
        d.status().contains("delete key pair ci-laptop"),
        "{}",
        d.status()
    );
}

#[tokio::test]
async fn key_pairs_pane() {
    let mut d = demo_app(60).await;
    d.keys(":kp").await;
    d.enter().await;
    insta::assert_snapshot!(text(&render(&mut d.app, 120, 20)));
}

#[tokio::test]
async fn key_pairs_delete_dialog() {
    let mut d = demo_app(60).await;
    d.keys(":kp").await;
    d.enter().await;
    d.filter("alice").await;
    d.key(Key::ctrl('d')).await;
    insta::assert_snapshot!(text(&render(&mut d.app, 120, 30)));
}

#[tokio::test]
async fn key_pairs_create_form() {
    let mut d = demo_app(60).await;
    d.keys(":kp").await;
    d.enter().await;
    d.keys("n").await;
    d.key(Key::ctrl('u')).await;
    d.keys("build-2026").await;
    insta::assert_snapshot!(text(&render(&mut d.app, 100, 24)));
}

#[tokio::test]
async fn a_form_taller_than_the_screen_keeps_its_field_and_keys() {
    let mut d = demo_app(60).await;
    d.keys(":kp").await;
    d.enter().await;
    d.filter("alice").await;
    d.key(Key::ctrl('d')).await; // 18 instances named in the intro
    for (w, h) in [(80u16, 18u16), (100, 15)] {
        let screen = text(&render(&mut d.app, w, h));
        assert!(
            screen.contains("Type delete to confirm"),
            "{w}×{h}:\n{screen}"
        );
        assert!(screen.contains("Ctrl-s submit"), "{w}×{h}:\n{screen}");
        assert!(
            screen.contains("more lines"),
            "{w}×{h}: the cut is said:\n{screen}"
        );
    }
}
