//! The Auto Scaling groups pane, driven as a user would: against moto (checked by separate
//! EC2 and Auto Scaling clients), and as UI snapshots on the demo region.
//!
//! moto 5.2.5 reports every member's template version as the template's current default;
//! tests/moto/launcher.py makes it report the version each member was launched from, as AWS
//! does (member_template_versions).

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use ec2tui::app::{Dialog, Event, Key, KeyCode};
use ec2tui::aws::demo::DemoRegion;
use ec2tui::aws::prelude::*;
use ec2tui::panes::auto_scaling::AutoScalingPane;
use ec2tui::panes::auto_scaling::rollout::{Phase, Rollout};

use crate::driver::Driver;
use crate::emulator::{Moto, some_ami};
use crate::moto_autoscaling::{asg_client, make_group, members_seen_by};
use crate::templates::make_template;
use crate::ui::{render, text};

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

pub(crate) async fn focus_field(d: &mut Driver<impl Ec2Api>, label: &str) {
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

fn rollout(d: &Driver<impl Ec2Api>, group: &str) -> Option<Rollout> {
    d.app
        .pane::<AutoScalingPane>()
        .unwrap()
        .rollouts
        .get(group)
        .cloned()
}

/// (desired, min, max, template version) of a group, by the separate client.
async fn group_seen_by(a: &aws_sdk_autoscaling::Client, name: &str) -> (i32, i32, i32, String) {
    let out = a
        .describe_auto_scaling_groups()
        .auto_scaling_group_names(name)
        .send()
        .await
        .unwrap();
    let g = &out.auto_scaling_groups()[0];
    (
        g.desired_capacity().unwrap(),
        g.min_size().unwrap(),
        g.max_size().unwrap(),
        g.launch_template()
            .and_then(|t| t.version())
            .unwrap_or_default()
            .to_string(),
    )
}

/// The decoded user data of an instance, by the separate client.
async fn user_data_of(c: &aws_sdk_ec2::Client, id: &str) -> String {
    let out = c
        .describe_instance_attribute()
        .instance_id(id)
        .attribute(aws_sdk_ec2::types::InstanceAttributeName::UserData)
        .send()
        .await
        .unwrap();
    let b = out
        .user_data()
        .and_then(|u| u.value())
        .unwrap_or_default()
        .to_string();
    String::from_utf8(STANDARD.decode(b).unwrap()).unwrap()
}

/// Ids of the instances running, by the separate client.
async fn running(c: &aws_sdk_ec2::Client) -> Vec<String> {
    let out = c.describe_instances().send().await.unwrap();
    out.reservations()
        .iter()
        .flat_map(|r| r.instances())
        .filter(|i| i.state().and_then(|s| s.name()).map(|n| n.as_str()) == Some("running"))
        .filter_map(|i| i.instance_id().map(str::to_string))
        .collect()
}

pub(crate) async fn open_group(d: &mut Driver<impl Ec2Api>, group: &str) {
    d.keys(":asg").await;
    d.enter().await;
    assert_eq!(d.app.focused, "asg");
    d.filter(group).await;
}

/// moto with a template (version 1: `v1` user data) and a group of 3 on its version 1.
pub(crate) async fn setup(
    moto: &Moto,
    name: &str,
) -> (aws_sdk_ec2::Client, aws_sdk_autoscaling::Client, String) {
    let c = moto.client().await;
    let a = asg_client(moto).await;
    let ami = some_ami(&c).await;
    let lt = make_template(&c, &format!("{name}-lt"), &ami, "#!/bin/bash\necho v1\n").await;
    make_group(&a, name, &lt, "1", (1, 3, 5)).await;
    (c, a, lt)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn capacity_is_checked_before_any_call() {
    let moto = Moto::start();
    let (_c, a, _lt) = setup(&moto, "ci-cap").await;
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    open_group(&mut d, "ci-cap").await;
    d.keys("e").await;
    focus_field(&mut d, "Desired").await;
    d.key(Key::ctrl('u')).await;
    d.keys("9").await;
    d.key(Key::ctrl('s')).await;
    assert!(
        form_text(&d).contains("desired (9) is above max (5)"),
        "{}",
        form_text(&d)
    );
    focus_field(&mut d, "Min").await;
    d.key(Key::ctrl('u')).await;
    d.keys("x").await;
    d.key(Key::ctrl('s')).await;
    assert!(
        form_text(&d).contains("min must be a whole number"),
        "{}",
        form_text(&d)
    );
    assert!(d.calls.is_empty(), "nothing was sent: {:?}", d.calls);
    assert_eq!(group_seen_by(&a, "ci-cap").await.0, 3);

    d.key(Key::ctrl('u')).await;
    d.keys("2").await;
    focus_field(&mut d, "Desired").await;
    d.key(Key::ctrl('u')).await;
    d.keys("4").await;
    d.key(Key::ctrl('s')).await;
    assert!(d.app.dialog.is_none(), "{}", form_text(&d));
    let (desired, min, max, _) = group_seen_by(&a, "ci-cap").await;
    assert_eq!((desired, min, max), (4, 2, 5));
    assert_eq!(members_seen_by(&a, "ci-cap").await.len(), 4);
    assert_eq!(d.calls[0].record().operation, "UpdateAutoScalingGroup");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switch_the_version_and_count_the_old_members() {
    let moto = Moto::start();
    let (c, a, lt) = setup(&moto, "ci-switch").await;
    c.create_launch_template_version()
        .launch_template_id(&lt)
        .launch_template_data(
            aws_sdk_ec2::types::RequestLaunchTemplateData::builder()
                .user_data(STANDARD.encode("v2"))
                .build(),
        )
        .send()
        .await
        .unwrap();
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    open_group(&mut d, "ci-switch").await;
    d.keys("v").await;
    focus_field(&mut d, "Version").await;
    d.key(Key::ctrl('u')).await;
    d.keys("7").await;
    d.key(Key::ctrl('s')).await;
    assert!(form_text(&d).contains("from 1 to 2"), "{}", form_text(&d));
    assert!(d.calls.is_empty());
    d.key(Key::ctrl('u')).await;
    d.keys("2").await;
    d.key(Key::ctrl('s')).await;
    assert!(d.app.dialog.is_none(), "{}", form_text(&d));
    assert_eq!(group_seen_by(&a, "ci-switch").await.3, "2");
    // the members were launched from version 1: all three are old now
    let row = d
        .app
        .pane::<AutoScalingPane>()
        .unwrap()
        .list
        .get("ci-switch")
        .cloned()
        .unwrap();
    assert_eq!(row.old.len(), 3, "{row:?}");
}

/// Types new user data into the open `u` form and submits it, choosing a new version.
pub(crate) async fn new_user_data(d: &mut Driver<impl Ec2Api>, text: &str) {
    if let Some(Dialog::Form { form, .. }) = &d.app.dialog
        && form.index_of("Start").is_some()
    {
        focus_field(d, "Start").await;
        d.enter().await;
        d.keys("j").await;
        d.enter().await;
    }
    focus_field(d, "User data (text, or @path)").await;
    d.key(Key::ctrl('u')).await;
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            d.enter().await;
        }
        d.keys(line).await;
    }
    d.enter().await;
}

/// Ctrl-s in the rollout form, then the rollout's own confirmation: it names every member
/// it replaces, and the word `replace` is typed.
pub(crate) async fn submit_rollout(d: &mut Driver<impl Ec2Api>) {
    let before = d.calls.len();
    d.key(Key::ctrl('s')).await;
    assert_eq!(
        d.calls.len(),
        before,
        "nothing is sent before the confirmation"
    );
    let Some(Dialog::Confirm(c)) = &d.app.dialog else {
        panic!("a confirmation of the whole rollout: {}", d.status())
    };
    assert_eq!(c.typed, Some("replace"));
    let body = d.app.confirm_body(&c.clone()).text().join("\n");
    assert!(body.contains("Roll out to"), "{body}");
    d.keys("replace").await;
    d.enter().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_one_at_a_time_rollout_replaces_every_member_with_the_new_user_data() {
    let moto = Moto::start();
    let (c, a, lt) = setup(&moto, "ci-roll").await;
    let originals = members_seen_by(&a, "ci-roll").await;
    assert_eq!(originals.len(), 3);
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    open_group(&mut d, "ci-roll").await;
    d.keys("u").await;
    {
        let Some(Dialog::Form { form, .. }) = &d.app.dialog else {
            panic!("no form: {}", d.status())
        };
        assert_eq!(
            form.field("User data (text, or @path)").get(),
            "#!/bin/bash\necho v1\n",
            "the current version's user data"
        );
        assert!(form.index_of("Start").is_none(), "nothing old to continue");
        assert!(
            form.field("Replace the members").get() == "one",
            "one at a time by default"
        );
    }
    new_user_data(&mut d, "#!/bin/bash\necho v2").await;
    submit_rollout(&mut d).await;
    // each replacement comes in service at once in moto: the rollout ran through
    let ro = rollout(&d, "ci-roll").expect("a rollout");
    assert_eq!(ro.phase, Phase::Finished, "{ro:?} — {}", d.status());
    assert_eq!(ro.replaced, originals);
    assert!(
        d.status().contains("rollout done: 3 replaced"),
        "{}",
        d.status()
    );

    // the separate clients: the group on the new version, desired unchanged, every member
    // new and running the new user data, no original in service
    let (desired, _, _, version) = group_seen_by(&a, "ci-roll").await;
    assert_eq!(desired, 3);
    assert_eq!(version, "2");
    let members = members_seen_by(&a, "ci-roll").await;
    assert_eq!(members.len(), 3);
    let up = running(&c).await;
    for m in &members {
        assert!(!originals.contains(m));
        assert_eq!(user_data_of(&c, m).await, "#!/bin/bash\necho v2\n");
    }
    for o in &originals {
        assert!(!up.contains(o), "{o} is still running");
    }
    let versions = c
        .describe_launch_template_versions()
        .launch_template_id(&lt)
        .send()
        .await
        .unwrap();
    assert_eq!(versions.launch_template_versions().len(), 2);
    // every step was its own call (journaled as such)
    let ops: Vec<&str> = d.calls.iter().map(|o| o.record().operation).collect();
    assert_eq!(
        ops,
        vec![
            "CreateLaunchTemplateVersion",
            "UpdateAutoScalingGroup",
            "TerminateInstanceInAutoScalingGroup",
            "TerminateInstanceInAutoScalingGroup",
            "TerminateInstanceInAutoScalingGroup",
        ]
    );
    for o in d
        .calls
        .iter()
        .filter(|o| o.record().operation.starts_with("Terminate"))
    {
        assert!(
            o.record()
                .params
                .contains(&("shouldDecrementDesiredCapacity".into(), "false".into())),
            "{:?}",
            o.record()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_rollout_stops_after_the_current_member_and_resumes() {
    let moto = Moto::start();
    let (c, a, _lt) = setup(&moto, "ci-resume").await;
    let originals = members_seen_by(&a, "ci-resume").await;
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    open_group(&mut d, "ci-resume").await;
    d.keys("u").await;
    new_user_data(&mut d, "#!/bin/bash\necho resumed").await;
    d.key(Key::ctrl('s')).await;
    d.keys("replace").await;
    let fx = d.app.update(Event::Key(Key::plain(KeyCode::Enter)));
    // up to the first member's termination
    let rest = d
        .run_until(fx, |e| {
            e.describe().contains("TerminateInstanceInAutoScalingGroup")
        })
        .await;
    // Esc in the group's details: stop after the current member
    let mut fx = rest;
    fx.extend(d.app.update(Event::Key(Key::plain(KeyCode::Enter))));
    assert!(matches!(d.app.dialog, Some(Dialog::Details { .. })));
    fx.extend(d.app.update(Event::Key(Key::plain(KeyCode::Esc))));
    assert!(
        matches!(d.app.dialog, Some(Dialog::Details { .. })),
        "the first Esc stops the rollout, the view stays"
    );
    d.run(fx).await;
    // a watch round sees the replacement in service
    let fx = d.app.update(Event::WatchDue);
    d.run(fx).await;
    let ro = rollout(&d, "ci-resume").unwrap();
    assert_eq!(ro.phase, Phase::Stopped, "{ro:?}");
    assert_eq!(ro.replaced.len(), 1);
    let members = members_seen_by(&a, "ci-resume").await;
    assert_eq!(
        members.iter().filter(|m| originals.contains(m)).count(),
        2,
        "two originals are left"
    );
    d.key(Key::plain(KeyCode::Esc)).await;
    assert!(d.app.dialog.is_none());

    // u offers to continue with the two old members
    d.keys("u").await;
    {
        let Some(Dialog::Form { form, .. }) = &d.app.dialog else {
            panic!("no form: {}", d.status())
        };
        assert_eq!(form.field("Start").get(), "continue");
        assert!(
            form_text(&d).contains("replace the 2 old members") || {
                let f = form.field("Start");
                f.list().unwrap().options[0].label.contains("2 old members")
            }
        );
    }
    submit_rollout(&mut d).await;
    let ro = rollout(&d, "ci-resume").unwrap();
    assert_eq!(ro.phase, Phase::Finished, "{ro:?}");
    let members = members_seen_by(&a, "ci-resume").await;
    assert_eq!(members.len(), 3);
    let up = running(&c).await;
    for m in &members {
        assert!(!originals.contains(m));
        assert_eq!(user_data_of(&c, m).await, "#!/bin/bash\necho resumed\n");
    }
    for o in &originals {
        assert!(!up.contains(o));
    }
    assert_eq!(group_seen_by(&a, "ci-resume").await.0, 3);
    let versions = d
        .calls
        .iter()
        .filter(|o| o.record().operation == "CreateLaunchTemplateVersion")
        .count();
    assert_eq!(versions, 1, "continuing made no new version");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_refusals_before_any_call() {
    let moto = Moto::start();
    let (_c, a, _lt) = setup(&moto, "ci-del").await;
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    open_group(&mut d, "ci-del").await;

    // the template used by the group is refused by the templates pane, naming the group
    d.keys(":lt").await;
    d.enter().await;
    d.filter("ci-del-lt").await;
    d.key(Key::ctrl('d')).await;
    assert!(d.app.dialog.is_none());
    assert!(
        d.status().contains("used by Auto Scaling group ci-del"),
        "{}",
        d.status()
    );

    // the group with instances: refused unless its instances go too; the dialog lists them
    open_group(&mut d, "ci-del").await;
    d.key(Key::ctrl('d')).await;
    let shown = form_text(&d);
    for m in members_seen_by(&a, "ci-del").await {
        assert!(shown.contains(&m), "{m} listed: {shown}");
    }
    focus_field(&mut d, "Type delete to confirm").await;
    d.keys("delete").await;
    d.key(Key::ctrl('s')).await;
    assert!(
        form_text(&d).contains("tick \"Also terminate its 3 instances\""),
        "{}",
        form_text(&d)
    );
    assert!(d.calls.is_empty(), "{:?}", d.calls);
    assert_eq!(members_seen_by(&a, "ci-del").await.len(), 3);
    focus_field(&mut d, "Also terminate its 3 instances").await;
    d.keys(" ").await;
    d.key(Key::ctrl('s')).await;
    assert!(d.app.dialog.is_none(), "{}", form_text(&d));
    let out = a
        .describe_auto_scaling_groups()
        .auto_scaling_group_names("ci-del")
        .send()
        .await
        .unwrap();
    assert!(out.auto_scaling_groups().is_empty());
    let r = d.calls[0].record();
    assert_eq!(r.operation, "DeleteAutoScalingGroup");
    assert!(r.params.contains(&("forceDelete".into(), "true".into())));
}

pub(crate) async fn asg_demo_app() -> Driver<DemoRegion> {
    let mut d = Driver::new(
        DemoRegion::new(60, Duration::from_secs(3600), Duration::ZERO).with_auto_scaling(),
        false,
    );
    d.app.ctx.demo = true;
    d.app.ctx.profile = "demo".into();
    d.app.ctx.region = "eu-west-1".into();
    d.start().await;
    d.keys(":asg").await;
    d.enter().await;
    d
}

#[tokio::test]
async fn asg_pane() {
    let mut d = asg_demo_app().await;
    insta::assert_snapshot!(text(&render(&mut d.app, 110, 15)));
}

#[tokio::test]
async fn asg_details() {
    let mut d = asg_demo_app().await;
    d.filter("web-prod").await;
    d.enter().await;
    d.keys("j").await;
    insta::assert_snapshot!(text(&render(&mut d.app, 120, 40)));
}

#[tokio::test]
async fn asg_rollout_form() {
    let mut d = asg_demo_app().await;
    d.filter("web-prod").await;
    d.keys("u").await;
    insta::assert_snapshot!(text(&render(&mut d.app, 110, 30)));
}

/// An edit of the user data is never dropped without a word: with Start on "continue" (no
/// new version) Ctrl-s says so in the form, and nothing is asked or sent.
#[tokio::test]
async fn continuing_with_edited_user_data_is_refused_in_the_form() {
    let mut d = asg_demo_app().await;
    d.filter("web-prod").await;
    d.keys("u").await;
    focus_field(&mut d, "User data (text, or @path)").await;
    d.enter().await;
    d.keys("echo changed").await;
    d.key(Key::ctrl('s')).await;
    let e = form_text(&d);
    assert!(e.contains("the user data was edited"), "{e}");
    assert!(d.calls.is_empty());
    // the edit undone: continuing is asked for
    d.key(Key::ctrl('u')).await;
    d.key(Key::plain(KeyCode::Esc)).await;
    d.keys("u").await;
    d.key(Key::ctrl('s')).await;
    assert!(
        matches!(d.app.dialog, Some(Dialog::Confirm(_))),
        "{}",
        d.status()
    );
}

#[tokio::test]
async fn asg_rollout_in_progress() {
    let mut d = asg_demo_app().await;
    d.filter("web-prod").await;
    d.keys("u").await;
    new_user_data(&mut d, "#!/bin/bash\nexport APP_RELEASE=2026.4").await;
    submit_rollout(&mut d).await;
    // the demo's transitions take an hour here: the first replacement is pending
    let ro = rollout(&d, "web-prod-asg").unwrap();
    assert_eq!(ro.progress(), "replacing 1 of 4");
    insta::assert_snapshot!("asg_rollout_row", text(&render(&mut d.app, 110, 15)));
    d.enter().await;
    insta::assert_snapshot!("asg_rollout_details", text(&render(&mut d.app, 120, 40)));
}

/// Issue 17: under `confirm = "typed"` the rollout is confirmed once, by a typed confirmation
/// that names every member it replaces (name and id); then every step follows without
/// asking again (the typed rule opened a prompt for the first step only, the rollout failed
/// meanwhile, and after `yes` only the version was created). Esc on it sends nothing.
#[tokio::test]
async fn a_typed_rollout_is_confirmed_once_naming_every_member() {
    let mut d = asg_demo_app().await;
    d.app.ctx.typed = true;
    d.filter("web-prod").await;
    let members: Vec<String> = d
        .app
        .pane::<ec2tui::panes::auto_scaling::AutoScalingPane>()
        .unwrap()
        .list
        .get("web-prod-asg")
        .unwrap()
        .g
        .members
        .iter()
        .map(|m| m.instance_id.clone())
        .collect();
    assert_eq!(members.len(), 4);
    for cancel in [true, false] {
        d.keys("u").await;
        new_user_data(&mut d, "#!/bin/bash\nexport APP_RELEASE=2026.5").await;
        d.key(Key::ctrl('s')).await;
        let screen = text(&render(&mut d.app, 120, 40));
        assert!(screen.contains("Type replace and press Enter"), "{screen}");
        if cancel {
            insta::assert_snapshot!(
                "the_rollout_confirmation_at_80x24",
                text(&render(&mut d.app, 80, 24))
            );
        }
        for id in &members {
            let name = crate::driver::Panes::instances(&d.app)
                .get(id)
                .unwrap()
                .inst
                .name
                .clone();
            assert!(
                screen.contains(&format!("{name} ({id})")),
                "{name} ({id}) named:\n{screen}"
            );
        }
        assert!(d.calls.is_empty());
        if cancel {
            d.key(Key::plain(KeyCode::Esc)).await;
            assert!(d.calls.is_empty(), "nothing sent on Esc");
            assert!(rollout(&d, "web-prod-asg").is_none());
            continue;
        }
        d.keys("replace").await;
        d.enter().await;
    }
    assert!(
        d.app.dialog.is_none(),
        "asked once: {:?}",
        d.app.dialog.is_some()
    );
    let ro = rollout(&d, "web-prod-asg").unwrap();
    assert_eq!(ro.progress(), "replacing 1 of 4", "{ro:?}");
    let ops: Vec<&str> = d.calls.iter().map(|o| o.record().operation).collect();
    assert_eq!(
        ops,
        [
            "CreateLaunchTemplateVersion",
            "UpdateAutoScalingGroup",
            "TerminateInstanceInAutoScalingGroup"
        ]
    );
    // q in the middle of it asks, saying what it leaves
    d.keys("q").await;
    let Some(Dialog::Confirm(c)) = &d.app.dialog else {
        panic!("q asks: {}", d.status())
    };
    let body = d.app.confirm_body(&c.clone()).text().join("\n");
    assert!(
        body.contains("rollout of web-prod-asg: replacing 1 of 4")
            && body.contains("4 members not yet replaced")
            && body.contains("u continues"),
        "{body}"
    );
    d.key(Key::plain(KeyCode::Esc)).await;
    assert!(!d.app.quit);
}

#[tokio::test]
async fn a_member_s_terminate_dialog_warns_of_the_replacement() {
    let mut d = asg_demo_app().await;
    d.keys("1").await;
    d.filter("web-prod-asg").await;
    d.key(Key::ctrl('d')).await;
    insta::assert_snapshot!(text(&render(&mut d.app, 120, 30)));
    d.key(Key::plain(KeyCode::Esc)).await;
    d.keys("S").await;
    let Some(Dialog::Confirm(c)) = &d.app.dialog else {
        panic!("no stop dialog")
    };
    let body = d.app.confirm_body(&c.clone()).text().join("\n");
    assert!(
        body.contains("member of Auto Scaling group web-prod-asg: the group will replace it"),
        "{body}"
    );
}

/// Issue 17: TerminateInstanceInAutoScalingGroup is carried out and its answer lost
/// (`lose-once` in the fault proxy: moto gets it, the connection closes without a word); the
/// SDK's retry gets an error from moto, the instance having left the group. ec2tui reads the
/// group back and reports and journals what happened: made, not "refused".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_is_read_back_not_reported_as_a_refusal() {
    let moto = Moto::start();
    let (_c, a, _lt) = setup(&moto, "ci-lost").await;
    let members = members_seen_by(&a, "ci-lost").await;
    let proxy = crate::emulator::FaultProxy::start(&moto);
    let api = crate::faults::through(
        &proxy,
        "lost-answer",
        Duration::from_secs(5),
        Duration::from_secs(20),
    )
    .await;
    let dir = crate::e2e::scratch("lost-answer-journal");
    let mut d = Driver::new(api, false).with_journal(&dir);
    d.start().await;
    open_group(&mut d, "ci-lost").await;
    d.keys("1").await;
    d.filter(&members[0]).await;
    proxy.set("lose-once:TerminateInstanceInAutoScalingGroup");
    d.keys("X").await;
    d.keys("terminate").await;
    d.enter().await;
    assert!(
        proxy.count(
            "lose-once:TerminateInstanceInAutoScalingGroup",
            "TerminateInstanceInAutoScalingGroup"
        ) == 1
            && proxy.count("pass", "TerminateInstanceInAutoScalingGroup") >= 1,
        "the answer was lost once, then the SDK retried"
    );
    assert!(
        !members_seen_by(&a, "ci-lost").await.contains(&members[0]),
        "it was made"
    );
    let s = d.status();
    assert!(!s.contains("refused") && !s.contains("unknown"), "{s}");
    let journal = std::fs::read_to_string(dir.join("journal.jsonl")).unwrap();
    let outcome: serde_json::Value = journal
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| {
            v["phase"] == "outcome" && v["operation"] == "TerminateInstanceInAutoScalingGroup"
        })
        .expect("an outcome");
    assert_eq!(outcome["result"], "ok", "{outcome}");
    assert!(
        outcome["message"]
            .as_str()
            .unwrap()
            .contains("read back: made"),
        "{outcome}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terminate_in_group_lowers_desired_and_nothing_replaces_it() {
    let moto = Moto::start();
    let (c, a, _lt) = setup(&moto, "ci-lower").await;
    let members = members_seen_by(&a, "ci-lower").await;
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    open_group(&mut d, "ci-lower").await; // the groups are known: their min is checked
    d.keys("1").await;
    d.filter(&members[0]).await;
    {
        let row = d
            .app
            .pane::<ec2tui::panes::instances::InstancesPane>()
            .unwrap();
        let r = row.list.get(&members[0]).unwrap();
        assert_eq!(
            ec2tui::panes::instances::group_of(&r.inst),
            Some("ci-lower"),
            "the member shows its group"
        );
    }
    d.keys("X").await;
    d.keys("terminate").await;
    d.enter().await;
    assert!(d.app.dialog.is_none(), "{}", d.status());
    assert_eq!(group_seen_by(&a, "ci-lower").await.0, 2, "desired lowered");
    let left = members_seen_by(&a, "ci-lower").await;
    assert_eq!(left.len(), 2);
    assert!(!left.contains(&members[0]));
    assert!(!running(&c).await.contains(&members[0]));
    let r = d.calls[0].record();
    assert_eq!(r.operation, "TerminateInstanceInAutoScalingGroup");
    assert!(
        r.params
            .contains(&("shouldDecrementDesiredCapacity".into(), "true".into()))
    );

    // below the min (1): refused before any call
    d.filter("ci-lower").await;
    d.keys("  ").await; // mark both
    d.keys("X").await;
    assert!(d.app.dialog.is_none());
    assert!(d.status().contains("below its min"), "{}", d.status());
    assert_eq!(d.calls.len(), 1);
}

/// The latest instance refresh (status, percentage) of a group, by the separate client.
async fn refresh_seen_by(a: &aws_sdk_autoscaling::Client, name: &str) -> (String, i32) {
    let out = a
        .describe_instance_refreshes()
        .auto_scaling_group_name(name)
        .send()
        .await
        .unwrap();
    let r = &out.instance_refreshes()[0];
    (
        r.status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        r.percentage_complete().unwrap_or_default(),
    )
}

/// moto 5.2.5 has no instance refresh: tests/moto/launcher.py adds one (instance_refreshes)
/// that replaces one member each time the group's refreshes are described.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_starts_an_instance_refresh_and_x_cancels_it_showing_its_progress() {
    let moto = Moto::start();
    let (_c, a, _lt) = setup(&moto, "ci-refresh").await;
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    open_group(&mut d, "ci-refresh").await;
    d.keys("R").await;
    d.key(Key::ctrl('u')).await;
    d.keys("150").await;
    d.key(Key::ctrl('s')).await;
    assert!(form_text(&d).contains("0 to 100"), "{}", form_text(&d));
    assert!(d.calls.is_empty());
    d.key(Key::ctrl('u')).await;
    d.keys("66").await;
    d.key(Key::ctrl('s')).await;
    assert!(d.app.dialog.is_none(), "{}", form_text(&d));
    let r = d.calls[0].record();
    assert_eq!(r.operation, "StartInstanceRefresh");
    assert!(
        r.params
            .contains(&("minHealthyPercentage".into(), "66".into()))
    );

    // X reads the refresh (moto's moves one member on), then asks, showing where it is
    d.keys("X").await;
    let Some(Dialog::Confirm(c)) = &d.app.dialog else {
        panic!("no confirmation: {}", d.status())
    };
    let body = d.app.confirm_body(&c.clone()).text().join("\n");
    assert!(body.contains("InProgress 33%"), "{body}");
    d.keys("y").await;
    assert_eq!(
        d.calls.last().unwrap().record().operation,
        "CancelInstanceRefresh"
    );
    assert_eq!(refresh_seen_by(&a, "ci-refresh").await.0, "Cancelled");
    // nothing running: X says so, nothing is sent
    let n = d.calls.len();
    d.keys("X").await;
    assert!(d.app.dialog.is_none());
    assert!(
        d.status().contains("no instance refresh is running"),
        "{}",
        d.status()
    );
    assert_eq!(d.calls.len(), n);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollout_by_instance_refresh_hands_the_members_to_aws() {
    let moto = Moto::start();
    let (c, a, _lt) = setup(&moto, "ci-rr").await;
    let originals = members_seen_by(&a, "ci-rr").await;
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    open_group(&mut d, "ci-rr").await;
    d.keys("u").await;
    new_user_data(&mut d, "#!/bin/bash\necho refreshed").await;
    focus_field(&mut d, "Replace the members").await;
    d.enter().await;
    d.keys("j").await;
    d.enter().await;
    submit_rollout(&mut d).await;
    let ro = rollout(&d, "ci-rr").unwrap();
    assert_eq!(ro.phase, Phase::Finished, "{ro:?}");
    let ops: Vec<&str> = d.calls.iter().map(|o| o.record().operation).collect();
    assert_eq!(
        ops,
        vec![
            "CreateLaunchTemplateVersion",
            "UpdateAutoScalingGroup",
            "StartInstanceRefresh"
        ]
    );
    // the refresh goes on while the group is watched
    for _ in 0..6 {
        let fx = d.app.update(Event::WatchDue);
        d.run(fx).await;
    }
    assert_eq!(
        refresh_seen_by(&a, "ci-rr").await,
        ("Successful".into(), 100)
    );
    let members = members_seen_by(&a, "ci-rr").await;
    assert_eq!(members.len(), 3);
    for m in &members {
        assert!(!originals.contains(m));
        assert_eq!(user_data_of(&c, m).await, "#!/bin/bash\necho refreshed\n");
    }
}

/// The rollout's Ctrl-y is its whole runbook, and the real AWS CLI runs it: pasted into one
/// shell (the version's number goes from one line to the next in `$v`), against the same
/// moto, it makes the new version with the new user data, points the group at it and
/// replaces every member, as ec2tui's own rollout does (moto replaces a member at once, so
/// each wait returns at its first look).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rollout_runbook_copied_with_ctrl_y_runs_in_the_aws_cli() {
    let moto = Moto::start();
    let (c, a, lt) = setup(&moto, "cli-roll").await;
    let originals = members_seen_by(&a, "cli-roll").await;
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    open_group(&mut d, "cli-roll").await;
    d.keys("u").await;
    new_user_data(&mut d, "#!/bin/bash\necho 'from the CLI' $HOME").await;
    let before = d.calls.len();
    d.key(Key::ctrl('s')).await;
    assert!(
        matches!(d.app.dialog, Some(Dialog::Confirm(_))),
        "{}",
        d.status()
    );
    d.key(Key::ctrl('y')).await;
    assert_eq!(d.calls.len(), before, "Ctrl-y sends nothing");
    let text = d.clipboard.last().expect("the runbook was copied").clone();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("v=\"$( aws ec2 create-launch-template-version"),
        "{text}"
    );
    assert!(lines[1].contains("Version=\"$v\""), "{text}");
    // one chain: a failing step stops the rest
    assert!(
        lines[..lines.len() - 1].iter().all(|l| l.ends_with(" &&")),
        "{text}"
    );
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.contains("terminate-instance-in-auto-scaling-group"))
            .count(),
        originals.len(),
        "{text}"
    );
    d.key(Key::plain(KeyCode::Esc)).await;
    assert_eq!(d.calls.len(), before, "nothing was sent by ec2tui");
    // a wait whose reads never say "whole" ends the chain after its deadline, never loops
    // for ever (aws and sleep are shell functions here: 80 rounds in no time)
    let wait = lines
        .iter()
        .find(|l| l.contains("until ["))
        .expect("a wait for the group")
        .trim_end_matches(" &&");
    let dir = crate::e2e::scratch("rollout-runbook-deadline");
    let (status, _out, err) = crate::aws_cli::run_cli(
        &moto,
        &format!("sleep() {{ :; }}\naws() {{ echo False; }}\n{wait} && echo went-on"),
        &dir,
    );
    assert!(!status.success(), "{err}");
    assert!(err.contains("not whole after 20 minutes"), "{err}");

    // the driver's session is profile "test", which every command names; the CLI's scratch
    // configuration has only the credentials of the environment
    assert!(text.contains(" --profile test"), "{text}");
    let script = text.replace(" --profile test", "");
    let dir = crate::e2e::scratch("rollout-runbook");
    let (status, out, err) = crate::aws_cli::run_cli(&moto, &format!("set -e\n{script}"), &dir);
    assert!(status.success(), "the runbook failed: {err}\n{out}\n{text}");
    let (desired, _, _, version) = group_seen_by(&a, "cli-roll").await;
    assert_eq!((desired, version.as_str()), (3, "2"));
    let members = members_seen_by(&a, "cli-roll").await;
    assert_eq!(members.len(), 3);
    for m in &members {
        assert!(!originals.contains(m), "{m} was not replaced");
        assert_eq!(
            user_data_of(&c, m).await,
            "#!/bin/bash\necho 'from the CLI' $HOME\n"
        );
    }
    let versions = c
        .describe_launch_template_versions()
        .launch_template_id(&lt)
        .send()
        .await
        .unwrap();
    assert_eq!(versions.launch_template_versions().len(), 2);
}

/// Ctrl-y in a delete form copies its command before the word is typed (the word confirms a
/// sending, not a copy); Ctrl-s without it is still refused.
#[tokio::test]
async fn ctrl_y_in_a_typed_delete_form_copies_before_the_word() {
    let mut d = asg_demo_app().await;
    // a group with no members (one with members also needs its box ticked)
    d.filter("batch-legacy").await;
    d.key(Key::ctrl('d')).await;
    assert!(
        matches!(d.app.dialog, Some(Dialog::Form { .. })),
        "{}",
        d.status()
    );
    let before = d.calls.len();
    d.key(Key::ctrl('y')).await;
    let text = d.clipboard.last().expect("copied").clone();
    assert!(
        text.starts_with(
            "aws autoscaling delete-auto-scaling-group --auto-scaling-group-name batch-legacy-asg"
        ),
        "{text}"
    );
    d.key(Key::ctrl('s')).await;
    assert_eq!(d.calls.len(), before, "nothing sent without the word");
    assert!(matches!(d.app.dialog, Some(Dialog::Form { .. })));
}
