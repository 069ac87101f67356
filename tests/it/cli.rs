//! Copy as a command (Ctrl-y): for each op, the AWS CLI command parsed and compared with the
//! request the op sends; Ctrl-y in a confirmation and in a form copies and shows it, sends
//! nothing.

use std::collections::BTreeMap;
use std::time::Duration;

use ec2tui::app::{Dialog, Key, KeyCode, Target, shell_line};
use ec2tui::aws::demo::DemoRegion;
use ec2tui::aws::ops::RunInstances;
use ec2tui::aws::ops::VolumeCall;
use ec2tui::aws::ops::{CopyImage, CreateImage, DeregisterImage};
use ec2tui::aws::ops::{CopySnapshot, DeleteSnapshot};
use ec2tui::aws::ops::{CreateKeyPair, DeleteKeyPair, ImportKeyPair};
use ec2tui::aws::ops::{CreateTags, DeleteTags};
use ec2tui::aws::ops::{InstanceCall, Verb};
use ec2tui::aws::{ImageSpec, LaunchSpec, Op, VolumeSpec};

use crate::driver::{Driver, Panes};

/// A parsed command: `ec2 <operation>` and its options (`--x` a b → x: [a, b]; a flag: []).
#[derive(Debug)]
struct Cmd {
    operation: String,
    opts: BTreeMap<String, Vec<String>>,
}

/// A command line's arguments (a line with shell syntax is not one command).
fn args(line: &[ec2tui::aws::Word]) -> Vec<String> {
    line.iter()
        .map(|w| w.arg().expect("no shell syntax").to_string())
        .collect()
}

fn parse(line: &[ec2tui::aws::Word]) -> Cmd {
    let argv = args(line);
    assert_eq!(argv[0], "ec2", "{argv:?}");
    let mut opts: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut cur: Option<String> = None;
    for a in &argv[2..] {
        match a.strip_prefix("--") {
            Some(name) => {
                assert!(!opts.contains_key(name), "--{name} twice: {argv:?}");
                opts.insert(name.to_string(), Vec::new());
                cur = Some(name.to_string());
            }
            None => opts
                .get_mut(cur.as_deref().expect("a value after an option"))
                .unwrap()
                .push(a.clone()),
        }
    }
    Cmd {
        operation: argv[1].clone(),
        opts,
    }
}

/// "StopInstances" → "stop-instances".
fn kebab(op: &str) -> String {
    let mut out = String::new();
    for (i, c) in op.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The one command of an op, checked against its journal record: the same operation, every
/// target in it.
fn one(op: Op) -> Cmd {
    let cmds = op.cli("us-east-1");
    assert_eq!(cmds.len(), 1, "{cmds:?}");
    let c = parse(&cmds[0]);
    let rec = op.record();
    assert_eq!(c.operation, kebab(rec.operation));
    for t in &rec.targets {
        assert!(cmds[0].iter().any(|w| w.is(t)), "{t} in {:?}", cmds[0]);
    }
    c
}

fn v(c: &Cmd, k: &str) -> Vec<String> {
    c.opts
        .get(k)
        .cloned()
        .unwrap_or_else(|| panic!("--{k} in {c:?}"))
}

fn tags_from(json: &str) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["Key"].as_str().unwrap().to_string(),
                t["Value"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn instance_calls() {
    let t = Target::new("i-1", "web");
    for (verb, force) in [(Verb::Stop, false), (Verb::ForceStop, true)] {
        let c = one(InstanceCall::op(verb, t.clone()));
        assert_eq!(v(&c, "instance-ids"), ["i-1"]);
        assert_eq!(c.opts.contains_key("force"), force);
    }
    for verb in [Verb::Start, Verb::Reboot, Verb::Terminate] {
        let c = one(InstanceCall::op(verb, t.clone()));
        assert_eq!(v(&c, "instance-ids"), ["i-1"]);
        assert_eq!(c.opts.len(), 1);
    }
    let c = one(InstanceCall::op(Verb::Protect(true), t.clone()));
    assert_eq!(v(&c, "instance-id"), ["i-1"]);
    assert!(c.opts.contains_key("disable-api-termination"));
    let c = one(InstanceCall::op(Verb::Protect(false), t));
    assert!(c.opts.contains_key("no-disable-api-termination"));
}

#[test]
fn image_calls() {
    let spec = ImageSpec {
        instance_id: "i-1".into(),
        name: "golden 1".into(),
        description: "from i-1".into(),
        no_reboot: true,
        tags: pairs(&[("Team", "a,b=[c]")]),
    };
    let c = one(Op::new(CreateImage(spec.clone())));
    assert_eq!(v(&c, "instance-id"), [spec.instance_id.as_str()]);
    assert_eq!(v(&c, "name"), [spec.name.as_str()]);
    assert_eq!(v(&c, "description"), [spec.description.as_str()]);
    assert!(c.opts.contains_key("no-reboot"));
    let ts: serde_json::Value = serde_json::from_str(&v(&c, "tag-specifications")[0]).unwrap();
    let types: Vec<&str> = ts
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["ResourceType"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["image", "snapshot"], "as the SDK adapter tags both");
    assert_eq!(tags_from(&ts[0]["Tags"].to_string()), spec.tags);

    let c = one(Op::new(DeregisterImage {
        image: Target::new("ami-1", ""),
        snapshots: vec![],
    }));
    assert_eq!(v(&c, "image-id"), ["ami-1"]);
    let c = one(Op::new(CopyImage {
        image: Target::new("ami-1", ""),
        name: "copy".into(),
        region: "eu-west-1".into(),
    }));
    assert_eq!(v(&c, "source-image-id"), ["ami-1"]);
    assert_eq!(v(&c, "source-region"), ["us-east-1"]);
    assert_eq!(v(&c, "region"), ["eu-west-1"], "sent to the target region");
    assert_eq!(v(&c, "name"), ["copy"]);
}

#[test]
fn storage_calls() {
    let spec = VolumeSpec {
        az: "us-east-1a".into(),
        size_gib: 100,
        volume_type: "io2".into(),
        iops: Some(3000),
        snapshot_id: Some("snap-1".into()),
        encrypted: true,
        tags: pairs(&[("Name", "data")]),
    };
    let c = one(Op::new(VolumeCall::Create(spec)));
    assert_eq!(v(&c, "availability-zone"), ["us-east-1a"]);
    assert_eq!(v(&c, "size"), ["100"]);
    assert_eq!(v(&c, "volume-type"), ["io2"]);
    assert_eq!(v(&c, "iops"), ["3000"]);
    assert_eq!(v(&c, "snapshot-id"), ["snap-1"]);
    assert!(c.opts.contains_key("encrypted"));
    let c = one(Op::new(VolumeCall::Attach {
        volume: "vol-1".into(),
        instance: "i-1".into(),
        device: "/dev/sdf".into(),
    }));
    assert_eq!(
        (v(&c, "volume-id"), v(&c, "instance-id"), v(&c, "device")),
        (
            vec!["vol-1".to_string()],
            vec!["i-1".to_string()],
            vec!["/dev/sdf".to_string()]
        )
    );
    let c = one(Op::new(VolumeCall::Detach {
        volume: "vol-1".into(),
        instance: "i-1".into(),
        force: true,
    }));
    assert!(c.opts.contains_key("force"));
    let c = one(Op::new(VolumeCall::Delete("vol-1".into())));
    assert_eq!(v(&c, "volume-id"), ["vol-1"]);
    let c = one(Op::new(VolumeCall::Snapshot {
        volume: "vol-1".into(),
        description: "nightly".into(),
        tags: pairs(&[("k", "v")]),
    }));
    assert_eq!(v(&c, "description"), ["nightly"]);
    let c = one(Op::new(DeleteSnapshot {
        id: "snap-1".into(),
    }));
    assert_eq!(v(&c, "snapshot-id"), ["snap-1"]);
    let c = one(Op::new(CopySnapshot {
        snapshot: "snap-1".into(),
        region: "eu-west-1".into(),
        description: "dr".into(),
    }));
    assert_eq!(v(&c, "source-snapshot-id"), ["snap-1"]);
    assert_eq!(v(&c, "region"), ["eu-west-1"]);
}

#[test]
fn key_pair_and_tag_calls() {
    let c = one(Op::new(CreateKeyPair {
        name: "k".into(),
        key_type: "ed25519".into(),
        path: "~/.ssh/k.pem".into(),
    }));
    assert_eq!(
        (v(&c, "key-name"), v(&c, "key-type")),
        (vec!["k".to_string()], vec!["ed25519".to_string()])
    );
    let c = one(Op::new(ImportKeyPair {
        name: "k".into(),
        path: "/tmp/k.pub".into(),
    }));
    assert_eq!(v(&c, "public-key-material"), ["fileb:///tmp/k.pub"]);
    let c = one(Op::new(DeleteKeyPair { name: "k".into() }));
    assert_eq!(v(&c, "key-name"), ["k"]);

    let targets = vec![
        ("i-1".to_string(), "i-1".to_string()),
        ("key-2".to_string(), "deploy".to_string()),
    ];
    let tags = pairs(&[("Env", "prod, \"eu\""), ("Owner", "")]);
    let c = one(Op::new(CreateTags {
        targets: targets.clone(),
        label: "2".into(),
        tags: tags.clone(),
    }));
    assert_eq!(
        v(&c, "resources"),
        ["i-1", "key-2"],
        "the ids the API knows"
    );
    assert_eq!(tags_from(&v(&c, "tags")[0]), tags);
    let c = one(Op::new(DeleteTags {
        targets,
        label: "2".into(),
        keys: vec!["Owner".into()],
    }));
    assert_eq!(tags_from(&v(&c, "tags")[0]), pairs(&[("Owner", "")]));
}

#[test]
fn a_dry_run_launch_is_two_commands() {
    let spec = LaunchSpec {
        image_id: "ami-1".into(),
        instance_type: "t3.micro".into(),
        key_name: Some("k".into()),
        security_group_ids: vec!["sg-1".into(), "sg-2".into()],
        subnet_id: Some("subnet-1".into()),
        count: 2,
        tags: pairs(&[("Name", "web")]),
        user_data: Some("#!/bin/sh\necho hi".into()),
        termination_protection: true,
    };
    let op = Op::new(RunInstances {
        spec: spec.clone(),
        dry_run: true,
    });
    let cmds = op.cli("us-east-1");
    assert_eq!(cmds.len(), 2);
    let (dry, real) = (parse(&cmds[0]), parse(&cmds[1]));
    assert!(dry.opts.contains_key("dry-run"));
    assert!(!real.opts.contains_key("dry-run"));
    assert_eq!(real.operation, "run-instances");
    assert_eq!(v(&real, "image-id"), ["ami-1"]);
    assert_eq!(v(&real, "count"), ["2"]);
    assert_eq!(v(&real, "security-group-ids"), ["sg-1", "sg-2"]);
    assert_eq!(v(&real, "subnet-id"), ["subnet-1"]);
    assert_eq!(v(&real, "user-data"), ["#!/bin/sh\necho hi"]);
    assert!(real.opts.contains_key("disable-api-termination"));
    // the line is quoted for a shell: it parses back to the same arguments
    let line = shell_line(&args(&cmds[1]));
    assert!(line.contains("'#!/bin/sh\necho hi'"), "{line}");
}

/// In the every-region view the calls of several regions come interleaved (ordered by id):
/// one command per region, each naming all of that region's instances.
#[test]
fn commands_of_several_regions_are_one_per_region() {
    use ec2tui::app::{Context, Target};
    use ec2tui::aws::ops::{InstanceCall, Verb};
    let ctx = Context {
        profile: "default".into(),
        region: "eu-west-1".into(),
        ..Default::default()
    };
    let app = ec2tui::panes::app(ctx, ec2tui::panes::default_keymap());
    let ops: Vec<_> = [
        ("i-1", "eu-west-1"),
        ("i-2", "us-east-1"),
        ("i-3", "eu-west-1"),
    ]
    .iter()
    .map(|(id, region)| InstanceCall::op_in(Verb::Reboot, Target::new(*id, ""), region.to_string()))
    .collect();
    let lines: Vec<String> = app
        .cli_lines(&ops)
        .iter()
        .map(|l| ec2tui::aws::cli_text(l))
        .collect();
    assert_eq!(
        lines,
        [
            "aws ec2 reboot-instances --instance-ids i-1 i-3 --region eu-west-1",
            "aws ec2 reboot-instances --instance-ids i-2 --region us-east-1",
        ]
    );
}

/// Ctrl-y on a confirmation of several instances copies one command naming them all.
#[tokio::test]
async fn ctrl_y_of_marked_rows_is_one_command_for_all_of_them() {
    let mut d = Driver::new(DemoRegion::new(20, Duration::ZERO, Duration::ZERO), false);
    d.start().await;
    d.filter("running").await;
    d.keys("   ").await;
    d.keys("S").await;
    d.key(Key::ctrl('y')).await;
    let Some(Dialog::Confirm(c)) = &d.app.dialog else {
        panic!("the confirmation stays open");
    };
    let mut ids: Vec<String> = c
        .ops
        .iter()
        .filter_map(|o| o.get::<ec2tui::aws::ops::InstanceCall>())
        .map(|c| c.target.id.clone())
        .collect();
    assert_eq!(ids.len(), 3);
    ids.sort();
    let text = d.clipboard.last().unwrap().clone();
    assert_eq!(
        text.trim_end(),
        format!(
            "aws ec2 stop-instances --instance-ids {} --region us-east-1 --profile test",
            ids.join(" ")
        )
    );
    d.key(Key::plain(KeyCode::Esc)).await;
    // terminations stay one command each: EC2 refuses the whole call for one protected
    d.key(Key::ctrl('d')).await;
    d.key(Key::ctrl('y')).await;
    let text = d.clipboard.last().unwrap().clone();
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(
        text.lines()
            .all(|l| l.starts_with("aws ec2 terminate-instances --instance-ids i-")),
        "{text}"
    );
    d.key(Key::plain(KeyCode::Esc)).await;
    assert!(d.calls.is_empty());
}

#[tokio::test]
async fn ctrl_y_copies_the_command_of_a_confirmation_and_of_a_form_and_sends_nothing() {
    let mut d = Driver::new(DemoRegion::new(20, Duration::ZERO, Duration::ZERO), false);
    d.app.ctx.endpoint = Some("http://localhost:4566".into());
    d.start().await;
    d.filter("running").await;
    let id = d.app.instances().selected_id().unwrap().to_string();
    d.keys("S").await;
    d.key(Key::ctrl('y')).await;
    let want = format!(
        "aws ec2 stop-instances --instance-ids {id} --region us-east-1 --profile test --endpoint-url http://localhost:4566"
    );
    assert_eq!(d.clipboard.last().unwrap(), &want);
    let Some(Dialog::Confirm(c)) = &d.app.dialog else {
        panic!("the confirmation stays open");
    };
    assert!(
        c.note.as_deref().unwrap().contains(&want),
        "shown: {:?}",
        c.note
    );
    d.key(Key::plain(KeyCode::Esc)).await;

    // the tags form: both calls, nothing sent, the form as it was
    d.keys("t").await;
    d.keys("Env=prod").await;
    d.key(Key::plain(KeyCode::Tab)).await;
    d.keys("Old").await;
    d.key(Key::ctrl('y')).await;
    let text = d.clipboard.last().unwrap().clone();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with(&format!(
            "aws ec2 create-tags --resources {id} --tags '[{{\"Key\":\"Env\",\"Value\":\"prod\"}}]'"
        )),
        "{text}"
    );
    assert!(
        lines[1].starts_with(&format!("aws ec2 delete-tags --resources {id}")),
        "{text}"
    );
    let Some(Dialog::Form { form, .. }) = &d.app.dialog else {
        panic!("the form stays open");
    };
    assert_eq!(form.field(ec2tui::app::tags::F_SET).get(), "Env=prod");
    assert!(form.info.as_deref().unwrap().contains("create-tags"));
    // a form that cannot be sent says why, copies nothing
    let n = d.clipboard.len();
    d.keys(",aws:x").await;
    d.key(Key::ctrl('y')).await;
    assert_eq!(d.clipboard.len(), n);
    assert!(
        d.app
            .form()
            .unwrap()
            .error
            .as_deref()
            .unwrap()
            .contains("reserved")
    );
    d.key(Key::plain(KeyCode::Esc)).await;
    assert!(d.calls.is_empty(), "nothing was sent: {:?}", d.calls);

    // the create-image form that stops first: both calls
    d.keys("i").await;
    d.key(Key::ctrl('y')).await;
    let text = d.clipboard.last().unwrap().clone();
    // the stop, a wait for it to finish, then the image (the instance was running)
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].starts_with("aws ec2 stop-instances --instance-ids"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("aws ec2 wait instance-stopped --instance-ids"),
        "{text}"
    );
    assert!(
        lines[2].starts_with("aws ec2 create-image --instance-id"),
        "{text}"
    );
    d.key(Key::plain(KeyCode::Esc)).await;
    assert!(d.calls.is_empty(), "nothing was sent: {:?}", d.calls);
    // and Ctrl-s still sends as before
    d.keys("t").await;
    d.keys("Env=prod").await;
    d.key(Key::ctrl('s')).await;
    assert_eq!(d.calls.len(), 1);
}

/// Ctrl-y in the "Stop first" confirmation of an image copies the whole runbook, as Ctrl-y in
/// the form does: the stop, the wait for it, the image (found by review: only the stop).
#[tokio::test]
async fn ctrl_y_in_the_stop_first_confirmation_copies_the_image_runbook() {
    let mut d = Driver::new(DemoRegion::new(20, Duration::ZERO, Duration::ZERO), false);
    d.start().await;
    d.filter("running").await;
    d.keys("i").await;
    d.key(Key::ctrl('s')).await;
    let Some(Dialog::Confirm(c)) = &d.app.dialog else {
        panic!("the stop-first confirmation: {}", d.status())
    };
    assert_eq!(c.title, "Stop first");
    let before = d.calls.len();
    d.key(Key::ctrl('y')).await;
    assert_eq!(d.calls.len(), before, "nothing sent");
    let text = d.clipboard.last().expect("copied").clone();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("aws ec2 stop-instances"), "{text}");
    assert!(
        lines[1].starts_with("aws ec2 wait instance-stopped"),
        "{text}"
    );
    assert!(lines[2].starts_with("aws ec2 create-image"), "{text}");
}
