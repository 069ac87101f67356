//! The pure core, driven with events; effects run inline against the demo region.

use std::time::Duration;

use ec2tui::app::{Action, Dialog, Event, Key, KeyCode, Keymap, Mode};
use ec2tui::aws::demo::DemoRegion;
use ec2tui::aws::ops::{InstanceCall, Verb};
use ec2tui::aws::{ErrorKind, Instance, InstanceState, Op, Page, clean};
use ec2tui::config::DEFAULT_KEYMAP;

use crate::driver::Panes;
use crate::driver::{Driver, calls, fetch_req, instances_page, state};

fn demo(n: usize) -> DemoRegion {
    DemoRegion::new(n, Duration::ZERO, Duration::ZERO)
}

async fn loaded(n: usize, read_only: bool) -> Driver<DemoRegion> {
    let mut d = Driver::new(demo(n), read_only);
    d.start().await;
    assert_eq!(d.app.instances().len(), n);
    d
}

/// The instance calls among these ops: (verb, instance id).
fn instance_calls(ops: &[Op]) -> Vec<(Verb, String)> {
    ops.iter()
        .filter_map(|o| o.get::<InstanceCall>())
        .map(|c| (c.verb, c.target.id.clone()))
        .collect()
}

/// Selects the first row whose instance satisfies `pred`, by filtering on its id.
async fn select_where(d: &mut Driver<DemoRegion>, pred: impl Fn(&Instance) -> bool) -> String {
    d.app.instances_mut().refresh_view();
    let id = (0..d.app.instances().rows())
        .filter_map(|p| d.app.instances().row(p))
        .find(|r| pred(&r.inst))
        .map(|r| r.inst.id.clone())
        .expect("a matching instance in the demo fleet");
    d.filter(&id).await;
    assert_eq!(d.app.instances().selected_id(), Some(id.as_str()));
    id
}

#[tokio::test]
async fn no_selection_means_no_effect() {
    let mut app = state(false);
    for k in ['s', 'S', 'F', 'r', 'p'] {
        let fx = app.update(Event::Key(Key::char(k)));
        assert!(
            fx.is_empty(),
            "{k} with nothing selected must do nothing: {fx:?}"
        );
        assert!(app.dialog.is_none());
    }
    assert!(app.update(Event::Key(Key::ctrl('d'))).is_empty());
    assert!(
        app.status
            .as_ref()
            .unwrap()
            .text
            .contains("no instance selected")
    );
}

#[tokio::test]
async fn stop_opens_a_dialog_and_y_sends_it() {
    let mut d = loaded(20, false).await;
    let id = select_where(&mut d, |i| i.state == InstanceState::Running).await;
    let fx = d.app.update(Event::Key(Key::char('S')));
    assert!(calls(&fx).is_empty(), "a key alone never calls AWS");
    let Some(Dialog::Confirm(c)) = &d.app.dialog else {
        panic!("no dialog")
    };
    let body = d.app.confirm_body(c).text();
    assert!(
        body.iter().any(|l| l.contains(&id)),
        "the dialog lists the target: {body:?}"
    );
    assert!(
        body.iter()
            .any(|l| l.contains("Instance-store data is lost"))
    );
    d.key(Key::char('y')).await;
    assert!(d.app.dialog.is_none());
    assert!(
        instance_calls(&d.calls) == [(Verb::Stop, id.clone())],
        "{:?}",
        d.calls
    );
    assert_eq!(
        d.app.instances().get(&id).unwrap().inst.state,
        InstanceState::Stopped
    );
}

#[tokio::test]
async fn n_and_esc_cancel() {
    let mut d = loaded(20, false).await;
    select_where(&mut d, |i| i.state == InstanceState::Running).await;
    for cancel in [Key::char('n'), Key::plain(KeyCode::Esc)] {
        d.key(Key::char('r')).await;
        assert!(d.app.dialog.is_some());
        d.key(cancel).await;
        assert!(d.app.dialog.is_none());
    }
    assert!(d.calls.is_empty());
}

#[tokio::test]
async fn terminate_needs_the_typed_word() {
    let mut d = loaded(30, false).await;
    let id = select_where(&mut d, |i| i.state == InstanceState::Running).await;
    d.key(Key::ctrl('d')).await;
    assert!(matches!(d.app.dialog, Some(Dialog::Confirm(_))));
    // y and Enter alone do nothing
    d.key(Key::char('y')).await;
    d.enter().await;
    assert!(d.calls.is_empty());
    assert!(d.app.dialog.is_some());
    // a wrong word does nothing either
    d.key(Key::plain(KeyCode::Backspace)).await;
    d.keys("terminat").await;
    d.enter().await;
    assert!(d.calls.is_empty());
    let Some(Dialog::Confirm(c)) = &d.app.dialog else {
        panic!()
    };
    assert!(c.note.as_deref().unwrap_or("").contains("type terminate"));
    d.keys("e").await;
    d.key(Key::ctrl('s')).await;
    assert_eq!(instance_calls(&d.calls), [(Verb::Terminate, id.clone())]);
    assert_eq!(
        d.app.instances().get(&id).unwrap().inst.state,
        InstanceState::Terminated
    );
}

#[tokio::test]
async fn terminate_dialog_lists_volumes_and_protection() {
    let mut d = loaded(60, false).await;
    // db-prod instances carry a kept data volume, and are protected in the demo
    let id = select_where(&mut d, |i| {
        i.name.starts_with("db-prod") && i.state != InstanceState::Terminated
    })
    .await;
    d.key(Key::ctrl('d')).await;
    let Some(Dialog::Confirm(c)) = &d.app.dialog else {
        panic!()
    };
    let body = d.app.confirm_body(c).text();
    let text = body.join("\n");
    assert!(text.contains(&id));
    assert!(text.contains("protected: will be refused"), "{text}");
    // every target protected: the summary says nothing goes, and its volumes are not listed
    // as deleted or kept (issue 19: "0 will be terminated … then deleted vol-…")
    assert!(text.contains("nothing is terminated"), "{text}");
    assert!(!text.contains("will be terminated"), "{text}");
    assert!(!text.contains("deleted vol-"), "{text}");
    assert!(!text.contains("kept    vol-"), "{text}");
    assert!(text.contains("untouched vol-"), "{text}");
    d.keys("terminate").await;
    d.enter().await;
    // AWS refuses; the status line says which instance and why, with the code
    let s = d.status();
    assert!(
        s.contains(&id) && s.contains("OperationNotPermitted"),
        "{s}"
    );
    assert_ne!(
        d.app.instances().get(&id).unwrap().inst.state,
        InstanceState::Terminated
    );
}

#[tokio::test]
async fn read_only_refuses_every_mutation() {
    let mut d = loaded(20, true).await;
    select_where(&mut d, |i| i.state == InstanceState::Running).await;
    for k in [
        Key::char('s'),
        Key::char('S'),
        Key::char('F'),
        Key::char('r'),
        Key::char('p'),
        Key::ctrl('d'),
    ] {
        d.key(k).await;
        assert!(
            d.app.dialog.is_none(),
            "{k} opened a dialog in read-only mode"
        );
        assert!(d.status().contains("read-only"), "{}", d.status());
    }
    assert!(d.calls.is_empty());
}

/// An action the instance's state forbids is refused before any call, saying why; marked
/// rows that cannot take it are left out of the confirmation, named in it.
#[tokio::test]
async fn wrong_state_is_refused_in_plain_words() {
    let mut d = loaded(30, false).await;
    let stopped = select_where(&mut d, |i| i.state == InstanceState::Stopped).await;
    d.key(Key::char('r')).await;
    assert!(d.app.dialog.is_none());
    let s = d.status();
    assert!(
        s.contains(&stopped) && s.contains("is stopped: cannot reboot it"),
        "{s}"
    );
    d.keys(" ").await;
    d.filter("").await;
    let running = select_where(&mut d, |i| i.state == InstanceState::Running).await;
    d.keys(" ").await;
    d.key(Key::char('r')).await;
    let Some(Dialog::Confirm(c)) = &d.app.dialog else {
        panic!("a confirmation for the running one: {}", d.status())
    };
    let calls = instance_calls(&c.ops);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].1, running);
    let body = crate::ui::text(&crate::ui::render(&mut d.app, 120, 30));
    assert!(body.contains("Reboot 1 instance"), "{body}");
    assert!(
        body.contains("Left out, their state does not allow it:") && body.contains("[stopped]"),
        "{body}"
    );
    d.key(Key::char('y')).await;
    assert_eq!(d.calls.len(), 1, "only the running one is sent");
}

#[tokio::test]
async fn stale_results_are_dropped_and_refreshes_coalesce() {
    let mut app = state(false);
    let fx = app.start();
    let first = fetch_req(&fx, "instances", "DescribeInstances").expect("a listing at start");
    // a refresh while one is in flight is coalesced
    assert!(app.update(Event::RefreshDue).is_empty());
    let inst = |id: &str| Instance {
        id: id.into(),
        name: id.into(),
        state: InstanceState::Running,
        ..Default::default()
    };
    let page = |ids: &[&str]| Page {
        items: ids.iter().map(|i| inst(i)).collect(),
        next_token: None,
    };
    app.update(instances_page(first, Ok(page(&["i-a", "i-b"]))));
    assert_eq!(app.instances().len(), 2);
    let fx = app.update(Event::RefreshDue);
    let second = fetch_req(&fx, "instances", "DescribeInstances").expect("a second listing");
    // a late answer to the first request arrives: dropped
    app.update(instances_page(first, Ok(page(&["i-old"]))));
    assert!(app.instances().get("i-old").is_none());
    app.update(instances_page(second, Ok(page(&["i-b", "i-c"]))));
    assert!(
        app.instances().get("i-a").is_none(),
        "vanished instances leave the table"
    );
    assert!(app.instances().get("i-c").is_some());
}

#[tokio::test]
async fn selection_survives_refresh_sort_and_filter() {
    let mut d = loaded(60, false).await;
    for _ in 0..7 {
        d.keys("j").await;
    }
    let id = d.app.instances().selected_id().unwrap().to_string();
    let name = d.app.instances().selected().unwrap().inst.name.clone();
    let fx = d.app.update(Event::RefreshDue);
    d.run(fx).await;
    assert_eq!(
        d.app.instances().selected_id(),
        Some(id.as_str()),
        "after refresh"
    );
    d.keys(">").await;
    d.app.instances_mut().refresh_view();
    assert_eq!(
        d.app.instances().selected_id(),
        Some(id.as_str()),
        "after sort"
    );
    d.keys("=").await;
    d.app.instances_mut().refresh_view();
    assert_eq!(
        d.app.instances().selected_id(),
        Some(id.as_str()),
        "after reverse"
    );
    d.filter(&name[..name.len() - 1]).await;
    assert_eq!(
        d.app.instances().selected_id(),
        Some(id.as_str()),
        "after filter"
    );
    assert!(d.app.instances().rows() < 60);
    d.key(Key::plain(KeyCode::Esc)).await; // clears the filter
    d.app.instances_mut().refresh_view();
    assert_eq!(d.app.instances().rows(), 60);
    assert_eq!(
        d.app.instances().selected_id(),
        Some(id.as_str()),
        "after clearing the filter"
    );
}

#[tokio::test]
async fn filter_is_live_case_insensitive_and_searches_tags() {
    let mut d = loaded(60, false).await;
    d.keys("/").await;
    assert_eq!(d.app.mode, Mode::Filter);
    d.keys("TEAM=PAYMENTS").await;
    d.app.instances_mut().refresh_view();
    let n = d.app.instances().rows();
    assert!(n > 0 && n < 60, "{n}");
    for p in 0..n {
        let r = d.app.instances().row(p).unwrap();
        assert!(
            r.inst
                .tags
                .iter()
                .any(|(k, v)| k == "Team" && v == "payments")
        );
    }
    d.key(Key::plain(KeyCode::Esc)).await;
    assert_eq!(d.app.mode, Mode::Normal);
    assert_eq!(d.app.instances().filter(), "");
}

#[tokio::test]
async fn marks_make_the_targets() {
    let mut d = loaded(20, false).await;
    d.filter("running").await;
    d.keys(" ").await; // marks row 0 and moves down
    d.keys(" ").await; // marks row 1
    assert_eq!(d.app.instances().marks().len(), 2);
    d.keys("r").await;
    let Some(Dialog::Confirm(c)) = &d.app.dialog else {
        panic!()
    };
    assert_eq!(instance_calls(&c.ops).len(), 2);
    d.key(Key::plain(KeyCode::Esc)).await;
    d.key(Key::plain(KeyCode::Esc)).await;
    assert!(d.app.instances().marks().is_empty());
}

/// `p` on marked rows turns protection on unless every instance it can apply to has it: a
/// terminated one marked beside protected ones does not turn it into "on" again.
#[tokio::test]
async fn protection_toggle_ignores_what_it_cannot_apply_to() {
    let mut d = loaded(60, false).await;
    d.filter("db-prod").await;
    let protected: Vec<String> = (0..d.app.instances().rows())
        .filter_map(|p| d.app.instances().row(p))
        .filter(|r| r.inst.state == InstanceState::Running && r.protected == Some(true))
        .map(|r| r.inst.id.clone())
        .collect();
    assert!(!protected.is_empty(), "a protected running db in the demo");
    d.filter("").await;
    let terminated = select_where(&mut d, |i| i.state == InstanceState::Terminated).await;
    d.keys(" ").await;
    d.filter("").await;
    select_where(&mut d, |i| i.id == protected[0]).await;
    d.keys(" ").await;
    d.keys("p").await;
    let Some(Dialog::Confirm(c)) = &d.app.dialog else {
        panic!("a confirmation: {}", d.status())
    };
    assert_eq!(c.title, "Turn off termination protection");
    assert_eq!(
        instance_calls(&c.ops),
        vec![(Verb::Protect(false), protected[0].clone())]
    );
    let body = crate::ui::text(&crate::ui::render(&mut d.app, 120, 30));
    assert!(
        body.contains(&format!("{terminated}) [terminated]")),
        "{body}"
    );
}

#[tokio::test]
async fn protection_toggle_round_trip() {
    let mut d = loaded(20, false).await;
    let id = select_where(&mut d, |i| i.state == InstanceState::Running).await;
    let before = d.app.instances().get(&id).unwrap().protected;
    assert!(before.is_some(), "protection of visible rows is fetched");
    d.keys("p").await;
    d.keys("y").await;
    assert_eq!(
        d.app.instances().get(&id).unwrap().protected,
        before.map(|b| !b)
    );
}

#[tokio::test]
async fn actions_are_watched_until_the_state_settles() {
    let mut d = Driver::new(
        DemoRegion::new(20, Duration::from_millis(300), Duration::ZERO),
        false,
    );
    d.start().await;
    let id = select_where(&mut d, |i| i.state == InstanceState::Running).await;
    d.keys("S").await;
    d.keys("y").await;
    assert_eq!(
        d.app.instances().get(&id).unwrap().inst.state,
        InstanceState::Stopping
    );
    assert!(d.app.watching().contains(&id));
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !d.app.watching().is_empty() {
        assert!(std::time::Instant::now() < deadline, "never settled");
        tokio::time::sleep(Duration::from_millis(50)).await;
        let fx = d.app.update(Event::WatchDue);
        d.run(fx).await;
    }
    assert_eq!(
        d.app.instances().get(&id).unwrap().inst.state,
        InstanceState::Stopped
    );
    assert!(d.status().contains("is stopped"), "{}", d.status());
}

#[tokio::test]
async fn command_line_quits_and_rejects_unknown_commands() {
    let mut d = loaded(5, false).await;
    d.keys(":bogus").await;
    d.enter().await;
    assert!(d.status().contains("unknown command"));
    assert!(!d.app.quit);
    d.keys(":q").await;
    d.enter().await;
    assert!(d.app.quit);
}

#[test]
fn keymap_parses_merges_and_documents_itself() {
    let parse = |text: &str| {
        let mut km = Keymap::new(ec2tui::panes::keys());
        km.merge(text).map(|()| km)
    };
    let mut km = parse(DEFAULT_KEYMAP).unwrap();
    let scopes = Keymap::scopes("instances");
    let name = |a: Option<Action>| a.and_then(|a| km.pane_action(a)).map(|s| s.name);
    assert_eq!(name(km.lookup(&scopes, Key::ctrl('d'))), Some("terminate"));
    assert_eq!(name(km.lookup(&scopes, Key::char('S'))), Some("stop"));
    let stop = km.named("instances", "stop").unwrap();
    assert_eq!(
        km.lookup(&scopes, Key::plain(KeyCode::PageDown)),
        Some(Action::PageDown)
    );
    km.merge("[instances]\n\"x\" = \"stop\"\n\"S\" = \"reboot\"")
        .unwrap();
    assert_eq!(km.lookup(&scopes, Key::char('x')), Some(stop));
    let help = km.help(&scopes);
    let stop_keys = &help.iter().find(|(_, a)| *a == stop).unwrap().0;
    assert_eq!(
        stop_keys,
        &vec![Key::char('x')],
        "help follows the keymap that handles keys"
    );
    assert!(parse("[instances]\n\"ctrl-nope\" = \"stop\"").is_err());
    assert!(parse("[instances]\n\"s\" = \"explode\"").is_err());
    assert!(parse("[nowhere]\n\"s\" = \"stop\"").is_err());
    // an action of another pane is not an action of this one
    assert!(parse("[amis]\n\"s\" = \"stop\"").is_err());
}

#[test]
fn hostile_strings_are_cleaned() {
    assert_eq!(clean("\u{1b}]0;pwned\u{7}mallory\u{1b}[2J"), "mallory");
    assert_eq!(clean("a\u{1b}[31mred\u{1b}[0m\tb\r\n"), "ared b");
    assert_eq!(clean("\u{9b}2Jx\u{7f}y\u{1b}P1;2|x\u{1b}\\z"), "xyz");
    assert_eq!(clean("plain ünïcode 名前"), "plain ünïcode 名前");
}

#[test]
fn api_errors_read_well() {
    let e = ec2tui::aws::ApiError::service(
        "IncorrectInstanceState",
        "The instance 'i-1' is not in a state from which it can be stopped.",
    );
    assert_eq!(
        e.describe(),
        "The instance 'i-1' is not in a state from which it can be stopped. [IncorrectInstanceState]"
    );
    let sso = ec2tui::aws::ApiError::other(
        ErrorKind::Credentials,
        "the SSO session has expired or is invalid",
    );
    assert_eq!(
        sso.hint("prod").as_deref(),
        Some("run: aws sso login --profile prod")
    );
}

mod amis {
    use super::*;
    use ec2tui::app::Dialog;
    use ec2tui::aws::InstanceTypeInfo;
    use ec2tui::panes::images::{default_image_name, valid_ami_name};
    use ec2tui::panes::kit::launch::check_architecture;

    #[test]
    fn ami_names_follow_ec2_rules() {
        assert!(valid_ami_name("web-20261122-1004").is_ok());
        assert!(valid_ami_name("golden (v2) [prod] ./-'@_").is_ok());
        assert!(valid_ami_name("ab").unwrap_err().contains("3 to 128"));
        assert!(
            valid_ami_name(&"a".repeat(129))
                .unwrap_err()
                .contains("3 to 128")
        );
        assert!(valid_ami_name("no*stars").unwrap_err().contains("'*'"));
        assert_eq!(
            default_image_name("web 1", 1_795_000_000),
            "web-1-20261118-110640"
        );
    }

    #[test]
    fn the_architecture_check_names_both() {
        let t4g = InstanceTypeInfo {
            name: "t4g.micro".into(),
            vcpus: 2,
            memory_mib: 1024,
            current_generation: true,
            architectures: vec!["arm64".into()],
        };
        let e = check_architecture(&t4g, "x86_64", "ami-1").unwrap_err();
        assert!(
            e.contains("t4g.micro")
                && e.contains("arm64")
                && e.contains("x86_64")
                && e.contains("ami-1"),
            "{e}"
        );
        assert!(check_architecture(&t4g, "arm64", "ami-1").is_ok());
    }

    async fn amis_pane() -> Driver<DemoRegion> {
        let mut d = loaded(60, false).await;
        d.keys("2").await;
        assert_eq!(d.app.focused, "amis");
        d.app.amis_mut().refresh_view();
        d
    }

    /// The RunInstances calls among the ops: (dry run?, count).
    fn launches(ops: &[ec2tui::aws::Op]) -> Vec<(bool, i32)> {
        ops.iter()
            .filter_map(|o| o.get::<ec2tui::aws::ops::RunInstances>())
            .map(|r| (r.dry_run, r.spec.count))
            .collect()
    }

    #[tokio::test]
    async fn a_second_submit_while_checking_launches_nothing_more() {
        let mut d = amis_pane().await;
        d.filter("golden-web").await;
        d.keys("l").await;
        // the first Ctrl-s asks the DryRun; its answer has not come yet
        let first = d.app.update(Event::Key(Key::ctrl('s')));
        assert_eq!(
            launches(
                &crate::driver::calls(&first)
                    .into_iter()
                    .cloned()
                    .collect::<Vec<_>>()
            ),
            [(true, 1)]
        );
        let second = d.app.update(Event::Key(Key::ctrl('s')));
        assert!(crate::driver::calls(&second).is_empty(), "{second:?}");
        let Some(Dialog::Form { form, .. }) = &d.app.dialog else {
            panic!()
        };
        assert!(
            form.error
                .as_deref()
                .unwrap_or("")
                .contains("being checked")
        );
        d.run(first).await;
        assert_eq!(
            launches(&d.calls),
            [(true, 1), (false, 1)],
            "one DryRun, one launch"
        );
    }

    #[tokio::test]
    async fn a_late_dry_run_never_launches_another_form() {
        let mut d = amis_pane().await;
        d.filter("golden-web").await;
        d.keys("l").await;
        let first = d.app.update(Event::Key(Key::ctrl('s')));
        // cancelled, and another launch form opened, before the DryRun answers
        d.key(Key::plain(KeyCode::Esc)).await;
        d.keys("l").await;
        assert!(matches!(d.app.dialog, Some(Dialog::Form { .. })));
        d.run(first).await;
        assert_eq!(
            launches(&d.calls),
            [(true, 1)],
            "the DryRun only: nothing launched"
        );
        assert!(
            matches!(d.app.dialog, Some(Dialog::Form { .. })),
            "the new form stays"
        );
    }

    #[tokio::test]
    async fn a_mismatched_type_is_refused_before_any_call() {
        let mut d = amis_pane().await;
        d.filter("golden-arm").await;
        d.keys("l").await;
        // a type of the wrong architecture slipped into the options (a stale cache, a user
        // keymap...): submitting refuses it without calling AWS
        let opts = d.app.launch_options().unwrap();
        let x86 = opts
            .types
            .iter()
            .find(|t| t.architectures == ["x86_64"])
            .unwrap()
            .name
            .clone();
        let Some(Dialog::Form { form, .. }) = &mut d.app.dialog else {
            panic!()
        };
        let f = form.field_mut("Instance type");
        f.set_options(vec![ec2tui::app::Opt::new(&x86, &x86)], Some(0));
        let before = d.effects.len();
        d.key(Key::ctrl('s')).await;
        assert_eq!(d.effects.len(), before, "no call was made");
        let Some(Dialog::Form { form, .. }) = &d.app.dialog else {
            panic!()
        };
        let e = form.error.clone().unwrap();
        assert!(e.contains(&x86) && e.contains("arm64"), "{e}");
    }

    #[tokio::test]
    async fn the_launch_form_offers_only_matching_types_and_launches_with_defaults() {
        let mut d = amis_pane().await;
        d.filter("golden-arm").await;
        d.keys("l").await;
        let Some(Dialog::Form { form, .. }) = &d.app.dialog else {
            panic!()
        };
        let list = form.field("Instance type").list().unwrap();
        assert!(!list.options.is_empty());
        assert!(
            list.options
                .iter()
                .all(|o| o.value.starts_with("t4g") || o.value.starts_with("c6g")),
            "{:?}",
            list.options
        );
        assert_eq!(
            form.field("Instance type").get(),
            "t4g.nano",
            "the smallest current-generation type"
        );
        d.key(Key::ctrl('s')).await;
        let launches: Vec<bool> = d
            .calls
            .iter()
            .filter_map(|o| o.get::<ec2tui::aws::ops::RunInstances>())
            .map(|r| r.dry_run)
            .collect();
        assert_eq!(
            launches,
            vec![true, false],
            "a DryRun first, then the launch"
        );
        assert_eq!(d.app.focused, "instances");
        let id = d.app.instances().selected_id().unwrap().to_string();
        assert_eq!(
            d.app.instances().get(&id).unwrap().inst.image_id,
            "ami-0a1b2c3d4e5f60718"
        );
        assert!(
            d.effects
                .iter()
                .any(|f| f.starts_with("instances: DescribeInstances ") && f.contains(&id)),
            "watched until running"
        );
    }

    #[tokio::test]
    async fn a_bad_count_is_shown_in_the_form() {
        let mut d = amis_pane().await;
        d.filter("golden-web").await;
        d.keys("l").await;
        for _ in 0..4 {
            d.key(Key::plain(KeyCode::Tab)).await;
        }
        d.key(Key::plain(KeyCode::Backspace)).await;
        d.keys("0").await;
        d.key(Key::ctrl('s')).await;
        let Some(Dialog::Form { form, .. }) = &d.app.dialog else {
            panic!()
        };
        assert!(
            form.error.as_deref().unwrap().contains("count"),
            "{:?}",
            form.error
        );
    }

    /// On a running instance: `i`, stop first and start again when available, `Ctrl-s`
    /// (the stop's confirmation is then open). Returns the instance.
    async fn image_stopping_first(d: &mut Driver<DemoRegion>) -> String {
        let id = select_where(d, |i| i.state == InstanceState::Running).await;
        d.keys("i").await;
        for _ in 0..3 {
            d.key(Key::plain(KeyCode::Tab)).await;
        }
        d.keys(" ").await; // start again when available
        d.key(Key::ctrl('s')).await;
        id
    }

    /// Issue 17: `q` while an image's *stop first* is in the middle asks, naming the
    /// instance and the state it would be left in; Esc stays. Quitting anyway journals it,
    /// and the next start says so once.
    #[tokio::test]
    async fn quitting_in_the_middle_of_stop_first_asks_and_the_next_start_says_so() {
        let dir = crate::e2e::scratch("quit-in-flight");
        let mut d = Driver::new(
            DemoRegion::new(20, Duration::from_secs(3600), Duration::ZERO),
            false,
        )
        .with_journal(&dir);
        d.start().await;
        let id = image_stopping_first(&mut d).await;
        d.keys("y").await;
        assert_eq!(
            d.app.instances().get(&id).unwrap().inst.state,
            InstanceState::Stopping
        );
        for quit in ["q", ":q\n", "\u{3}"] {
            let before = d.effects.len();
            for c in quit.chars() {
                match c {
                    '\n' => d.enter().await,
                    '\u{3}' => d.key(Key::ctrl('c')).await,
                    c => d.key(Key::char(c)).await,
                }
            }
            assert!(
                !d.effects[before..].iter().any(|e| e == "quit"),
                "{quit:?} does not quit at once"
            );
            let Some(Dialog::Confirm(c)) = &d.app.dialog else {
                panic!("{quit:?} asks: {}", d.status())
            };
            let body = d.app.confirm_body(&c.clone()).text().join("\n");
            assert!(
                body.contains(&id)
                    && body.contains("not started again")
                    && body.contains("s starts it"),
                "{body}"
            );
            let screen = crate::ui::text(&crate::ui::render(&mut d.app, 80, 24));
            assert!(screen.contains("y/Enter confirm"), "{screen}");
            d.key(Key::plain(KeyCode::Esc)).await;
            assert!(d.app.dialog.is_none());
        }
        d.keys("q").await;
        d.keys("y").await;
        assert_eq!(d.effects.last().map(String::as_str), Some("quit"));
        assert!(d.app.quit);
        // the next start
        let (j, _) = ec2tui::journal::Journal::open(Some(&dir), "test", "us-east-1");
        let found = j.interrupted();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("interrupted at ") && found[0].contains(&id),
            "{found:?}"
        );
        let mut app = crate::driver::state(false);
        app.report_interrupted(found);
        assert!(
            app.status
                .as_ref()
                .unwrap()
                .text
                .contains("not started again")
        );
        // said once
        assert!(j.interrupted().is_empty());
        // nothing in the middle: q quits at once
        let mut d = Driver::new(DemoRegion::new(5, Duration::ZERO, Duration::ZERO), false);
        d.start().await;
        d.keys("q").await;
        assert_eq!(d.effects.last().map(String::as_str), Some("quit"));
    }

    #[tokio::test]
    async fn stop_first_then_image_then_restart_on_the_demo_region() {
        let mut d = Driver::new(
            DemoRegion::new(20, Duration::from_millis(100), Duration::ZERO),
            false,
        );
        d.start().await;
        let id = image_stopping_first(&mut d).await;
        // one confirmation names the instance before it is stopped
        let Some(Dialog::Confirm(c)) = &d.app.dialog else {
            panic!("stop first asks: {:?}", d.status())
        };
        let text = d.app.confirm_body(c).text().join("\n");
        assert!(
            text.contains(&id) && text.contains("starts it again"),
            "{text}"
        );
        assert!(d.calls.is_empty(), "nothing is stopped before the answer");
        d.keys("y").await;
        assert_eq!(
            d.app.instances().get(&id).unwrap().inst.state,
            InstanceState::Stopping
        );
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let img = d.app.amis().selected().cloned();
            if img.as_ref().is_some_and(|i| i.state == "available")
                && d.app.instances().get(&id).unwrap().inst.state == InstanceState::Running
            {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "stuck: {} / {:?}",
                d.status(),
                img
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
            let fx = d.app.update(Event::WatchDue);
            d.run(fx).await;
        }
    }

    #[tokio::test]
    async fn scope_cycles_and_pending_images_are_watched() {
        let mut d = amis_pane().await;
        assert_eq!(d.app.amis().len(), 2);
        d.keys("o").await;
        assert_eq!(d.app.ami_scope(), ec2tui::aws::ImageScope::Amazon);
        d.app.amis_mut().refresh_view();
        assert_eq!(d.app.amis().len(), 3);
        assert_eq!(
            d.app.amis().row(0).unwrap().name,
            "al2023-ami-2023.9.20261105.0-kernel-6.1-arm64",
            "newest first"
        );
        d.keys("o").await;
        d.keys("o").await;
        assert_eq!(d.app.ami_scope(), ec2tui::aws::ImageScope::Mine);
        // deregistering someone else's image is refused before any call
        d.keys("o").await;
        d.key(Key::ctrl('d')).await;
        assert!(d.app.dialog.is_none());
        assert!(d.status().contains("only your own"));
    }
}

mod storage {
    use ec2tui::panes::volumes::{check_volume, next_free_device};

    #[test]
    fn volume_sizes_and_iops_are_checked_per_type() {
        assert!(check_volume("gp3", 8, None).is_ok());
        assert!(
            check_volume("gp3", 0, None)
                .unwrap_err()
                .contains("1 to 16384")
        );
        assert!(check_volume("st1", 100, None).unwrap_err().contains("125"));
        assert!(
            check_volume("io2", 100, None)
                .unwrap_err()
                .contains("needs IOPS")
        );
        assert!(
            check_volume("io1", 10, Some(1000))
                .unwrap_err()
                .contains("50 IOPS per GiB")
        );
        assert!(check_volume("io2", 100, Some(5000)).is_ok());
        assert!(check_volume("standard", 2000, None).is_err());
    }

    #[test]
    fn the_next_free_device_skips_used_names() {
        let used = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            next_free_device(&used(&["/dev/xvda"])).as_deref(),
            Some("/dev/sdf")
        );
        assert_eq!(
            next_free_device(&used(&["/dev/xvda", "/dev/sdf", "/dev/xvdg"])).as_deref(),
            Some("/dev/sdh")
        );
        let all: Vec<String> = ('f'..='p').map(|c| format!("/dev/sd{c}")).collect();
        assert_eq!(next_free_device(&all), None);
    }
}

mod launch_more {
    use super::*;
    use ec2tui::app::Dialog;

    #[tokio::test]
    async fn launch_more_like_this_is_prefilled_from_the_instance() {
        let mut d = loaded(60, false).await;
        let id = select_where(&mut d, |i| {
            i.state == InstanceState::Running
                && !i.key_name.is_empty()
                && i.instance_type.starts_with("t3")
        })
        .await;
        let inst = d.app.instances().get(&id).unwrap().inst.clone();
        d.keys("L").await;
        let Some(Dialog::Form { form, .. }) = &d.app.dialog else {
            panic!("{}", d.status())
        };
        assert!(form.title.contains(&id), "{}", form.title);
        assert_eq!(form.field("Instance type").get(), inst.instance_type);
        assert_eq!(form.field("Key pair").get(), inst.key_name);
        assert_eq!(form.field("Subnet").get(), inst.subnet_id);
        assert_eq!(form.field("Name").get(), inst.name);
        let tags = form.field(ec2tui::panes::kit::launch::F_TAGS).get();
        assert!(
            tags.contains("Team=") && tags.contains("Environment="),
            "{tags}"
        );
        assert!(
            !tags.contains("Name="),
            "the Name has its own field: {tags}"
        );
        // the groups of the instance are chosen, when the region knows them
        let groups = form.field("Security groups").get();
        let known: Vec<String> = d
            .app
            .launch_options()
            .unwrap()
            .groups
            .iter()
            .map(|g| g.id.clone())
            .collect();
        for (g, _) in &inst.security_groups {
            assert_eq!(
                groups.contains(g.as_str()),
                known.contains(g),
                "{g} in {groups}"
            );
        }
        d.key(Key::ctrl('s')).await;
        assert!(d.app.dialog.is_none(), "{}", d.status());
        let new = d.app.instances().selected().unwrap().inst.clone();
        assert_ne!(new.id, id);
        assert_eq!(new.image_id, inst.image_id);
        assert_eq!(new.instance_type, inst.instance_type);
        assert!(new.tags.iter().any(|(k, v)| k == "Name" && *v == inst.name));
    }

    /// Tags copied by `L` arrive exactly as the instance has them: a comma, `=` and quotes
    /// in a value, `=` in a key, spaces around a value, a line break; a tag typed beside them
    /// is parsed as typed.
    #[tokio::test]
    async fn launch_more_copies_every_tag_exactly() {
        let mut d = loaded(30, false).await;
        let id = select_where(&mut d, |i| i.state == InstanceState::Running).await;
        let odd: Vec<(String, String)> = vec![
            ("Combo".into(), "a,Injected=yes".into()),
            ("Quoted".into(), "say \"hi\", 'there'".into()),
            ("k=ey".into(), "v".into()),
            ("Spaced".into(), "  padded  ".into()),
            ("Lines".into(), "one\ntwo".into()),
            ("Empty".into(), "".into()),
        ];
        let mut row = d.app.instances().get(&id).unwrap().clone();
        row.inst.tags = odd.clone();
        row.inst.tags.push(("Name".into(), "odd-tags".into()));
        row.inst.name = "odd-tags".into();
        d.app.instances_mut().upsert(row);
        d.keys("L").await;
        let Some(Dialog::Form { form, .. }) = &mut d.app.dialog else {
            panic!("{}", d.status())
        };
        let field = form.field(ec2tui::panes::kit::launch::F_TAGS).get();
        assert_eq!(field.lines().count(), odd.len(), "one tag a line: {field}");
        // a tag typed on a line of its own
        let i = form
            .fields
            .iter()
            .position(|f| f.label == ec2tui::panes::kit::launch::F_TAGS)
            .unwrap();
        form.focus = i;
        d.key(Key::plain(KeyCode::Enter)).await;
        d.keys(" Typed = yes ").await;
        d.key(Key::ctrl('s')).await;
        assert!(d.app.dialog.is_none(), "{}", d.status());
        let sent: Vec<_> = d
            .calls
            .iter()
            .filter_map(|o| o.get::<ec2tui::aws::ops::RunInstances>())
            .filter(|r| !r.dry_run)
            .collect();
        assert_eq!(sent.len(), 1, "one launch");
        let mut want = odd;
        want.insert(0, ("Name".into(), "odd-tags".into()));
        want.push(("Typed".into(), "yes".into()));
        assert_eq!(sent[0].spec.tags, want);
        // AWS's reserved prefix is refused before any call, as the tags form refuses it
        let e = ec2tui::panes::kit::launch::parse_tags("aws:x=y", &[]).unwrap_err();
        assert!(e.contains("reserved"), "{e}");
    }
}

mod storage_watch {
    use super::*;

    #[tokio::test]
    async fn a_pending_snapshot_is_followed_until_completed() {
        let mut d = Driver::new(
            DemoRegion::new(20, Duration::from_millis(100), Duration::ZERO),
            false,
        );
        d.start().await;
        d.keys("3").await;
        d.filter("spare-a").await;
        d.keys("x").await;
        d.key(Key::ctrl('s')).await;
        d.keys("4").await;
        d.app.snapshots_mut().refresh_view();
        let pending: Vec<String> = (0..d.app.snapshots().rows())
            .filter_map(|p| d.app.snapshots().row(p))
            .filter(|s| s.state == "pending")
            .map(|s| s.id.clone())
            .collect();
        assert_eq!(pending.len(), 1, "the new snapshot is pending");
        let id = pending[0].clone();
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while d.app.snapshots().get(&id).unwrap().state == "pending" {
            assert!(std::time::Instant::now() < deadline, "never completed");
            tokio::time::sleep(Duration::from_millis(30)).await;
            let fx = d.app.update(Event::WatchDue);
            assert!(
                fx.iter().all(|f| !f
                    .describe()
                    .starts_with("snapshots: DescribeSnapshots owner")),
                "followed by id, not by listing every snapshot"
            );
            d.run(fx).await;
        }
        assert_eq!(d.app.snapshots().get(&id).unwrap().progress, "100%");
        assert!(d.status().contains("completed"), "{}", d.status());
    }
}

#[tokio::test]
async fn details_stop_scrolling_at_their_last_line() {
    let mut d = loaded(20, false).await;
    d.keys("3").await;
    d.app.volumes_mut().refresh_view();
    d.key(Key::plain(KeyCode::Enter)).await;
    let n = d.app.details().expect("no details").lines.len() as u16;
    for _ in 0..100 {
        d.keys("j").await;
    }
    let Some(Dialog::Details { scroll, .. }) = &d.app.dialog else {
        panic!()
    };
    assert_eq!(*scroll, n - 1);
    d.keys("k").await;
    let Some(Dialog::Details { scroll, .. }) = &d.app.dialog else {
        panic!()
    };
    assert_eq!(*scroll, n - 2, "one k goes back up at once");
}

#[tokio::test]
async fn a_snapshot_copy_is_followed_in_its_region() {
    let mut d = Driver::new(
        DemoRegion::new(20, Duration::from_millis(100), Duration::ZERO),
        false,
    );
    d.start().await;
    d.keys("4").await;
    d.app.snapshots_mut().refresh_view();
    let before = d.app.snapshots().len();
    d.keys("C").await;
    d.key(Key::plain(KeyCode::Enter)).await;
    d.keys("us-west-2").await;
    d.key(Key::plain(KeyCode::Enter)).await;
    d.key(Key::ctrl('s')).await;
    assert!(d.status().contains("us-west-2"), "{}", d.status());
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !d.status().contains("is completed") {
        assert!(std::time::Instant::now() < deadline, "{}", d.status());
        tokio::time::sleep(Duration::from_millis(30)).await;
        let fx = d.app.update(Event::WatchDue);
        d.run(fx).await;
    }
    assert!(
        d.status().contains("in us-west-2 is completed"),
        "{}",
        d.status()
    );
    // the copy lives in the other region, not in this one's list
    let fx = d.app.update(Event::Key(Key::ctrl('r')));
    d.run(fx).await;
    assert_eq!(d.app.snapshots().len(), before);
}

#[tokio::test]
async fn enter_on_a_list_filtered_to_nothing_keeps_it_open() {
    let mut d = loaded(10, false).await;
    d.keys("2").await;
    d.app.amis_mut().refresh_view();
    d.keys("l").await;
    d.key(Key::plain(KeyCode::Enter)).await; // open the type list
    d.keys("zzz").await;
    d.key(Key::plain(KeyCode::Enter)).await;
    let Some(Dialog::Form { form, .. }) = &d.app.dialog else {
        panic!()
    };
    assert!(
        form.fields[0].list().unwrap().open,
        "still open: nothing was picked"
    );
    d.key(Key::plain(KeyCode::Esc)).await; // closes the list, not the form
    let Some(Dialog::Form { form, .. }) = &d.app.dialog else {
        panic!("the form stays")
    };
    assert!(!form.fields[0].list().unwrap().open);
}

#[tokio::test]
async fn instances_in_transition_are_followed_whoever_started_them() {
    let mut d = Driver::new(
        DemoRegion::new(20, Duration::from_millis(300), Duration::ZERO),
        false,
    );
    d.start().await;
    let id = select_where(&mut d, |i| i.state == InstanceState::Running).await;
    // someone else stops it: the API is called behind ec2tui's back
    use ec2tui::aws::prelude::*;
    d.api.stop_instance(id.clone(), false).await.unwrap();
    let fx = d.app.update(Event::RefreshDue);
    d.run(fx).await;
    assert_eq!(
        d.app.instances().get(&id).unwrap().inst.state,
        InstanceState::Stopping
    );
    assert!(d.app.watching().contains(&id), "followed from the listing");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while d.app.instances().get(&id).unwrap().inst.state != InstanceState::Stopped {
        assert!(std::time::Instant::now() < deadline, "never followed");
        tokio::time::sleep(Duration::from_millis(50)).await;
        let fx = d.app.update(Event::WatchDue);
        d.run(fx).await;
    }
    assert!(d.app.watching().is_empty());
}

#[tokio::test]
async fn a_bulk_refusal_stays_on_the_status_line_and_in_full_in_messages() {
    let mut d = Driver::new(
        DemoRegion::new(60, Duration::from_millis(200), Duration::ZERO),
        false,
    );
    d.start().await;
    // a protected instance and an unprotected one, both running
    let protected = select_where(&mut d, |i| {
        i.name.starts_with("db-prod") && i.state == InstanceState::Running
    })
    .await;
    d.keys(" ").await;
    d.filter("").await;
    let other = select_where(&mut d, |i| {
        i.name.starts_with("api-") && i.state == InstanceState::Running
    })
    .await;
    d.keys(" ").await;
    assert_eq!(d.app.instances().marks().len(), 2);
    d.key(Key::ctrl('d')).await;
    // the protected one's volumes are untouched, not counted among those deleted or kept
    let Some(Dialog::Confirm(c)) = &d.app.dialog else {
        panic!()
    };
    let body = d.app.confirm_body(c).text().join("\n");
    assert!(body.contains("1 protected"), "{body}");
    assert!(body.contains("untouched vol-"), "{body}");
    assert!(body.contains("deleted vol-"), "{body}");
    d.keys("terminate").await;
    d.enter().await;
    let s = d.status();
    assert!(
        s.contains("terminating 1") && s.contains("1 refused") && s.contains(&protected),
        "one summary line: {s}"
    );
    assert!(s.contains("OperationNotPermitted"), "{s}");
    // the other instance settles: the refusal is not replaced by its success
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !d.app.watching().is_empty() {
        assert!(std::time::Instant::now() < deadline, "never settled");
        tokio::time::sleep(Duration::from_millis(50)).await;
        let fx = d.app.update(Event::WatchDue);
        d.run(fx).await;
    }
    assert!(d.status().contains("1 refused"), "{}", d.status());
    // every result and refusal, in full, in :messages
    let texts: Vec<String> = d.app.messages().iter().map(|m| m.text.clone()).collect();
    assert!(
        texts.iter().any(|t| t.contains(&protected)
            && t.contains("OperationNotPermitted")
            && t.contains("termination protection")),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.contains(&other) && t.contains("terminated")),
        "{texts:?}"
    );
    d.keys(":messages").await;
    d.enter().await;
    assert_eq!(d.app.focused, "messages");
    d.app.prepare_draw();
    assert!(d.app.table().len() >= 2);
    // a message's details show it whole at 80 columns: wrapped, nothing cut off at the edge
    let refusal = d
        .app
        .messages()
        .iter()
        .find(|m| m.text.contains("OperationNotPermitted"))
        .unwrap()
        .text
        .clone();
    d.filter("OperationNotPermitted").await;
    d.enter().await;
    let shown = crate::ui::text(&crate::ui::render(&mut d.app, 80, 40));
    let words = |t: &str| -> Vec<String> { t.split_whitespace().map(str::to_string).collect() };
    let seen: Vec<String> = shown
        .lines()
        .flat_map(|l| words(l.trim_matches(|c: char| c == '│' || c == ' ')))
        .collect();
    for w in words(&refusal) {
        assert!(seen.contains(&w), "{w:?} missing from:\n{shown}");
    }
}

#[tokio::test]
async fn refreshing_goes_away_when_the_refresh_ends() {
    let mut d = loaded(10, false).await;
    d.key(Key::ctrl('r')).await;
    assert!(!d.status().contains("refreshing"), "{}", d.status());
}

mod forms {
    use super::*;

    #[tokio::test]
    async fn j_and_k_move_in_an_open_list_and_other_keys_filter_it() {
        let mut d = loaded(20, false).await;
        select_where(&mut d, |i| i.state == InstanceState::Running).await;
        d.keys("i").await;
        d.key(Key::plain(KeyCode::Tab)).await;
        d.key(Key::plain(KeyCode::Tab)).await; // Consistency
        d.key(Key::plain(KeyCode::Enter)).await; // open the list
        d.keys("jj").await; // move down twice: no reboot
        d.key(Key::plain(KeyCode::Enter)).await; // pick
        let Some(Dialog::Form { form, .. }) = &d.app.dialog else {
            panic!()
        };
        assert!(
            form.field("Consistency").get().starts_with("no reboot"),
            "{}",
            form.field("Consistency").get()
        );
        // a printable key other than j/k starts the filter; then j is typed into it
        d.key(Key::plain(KeyCode::Enter)).await;
        d.keys("rj").await;
        let Some(Dialog::Form { form, .. }) = &d.app.dialog else {
            panic!()
        };
        assert_eq!(form.fields[2].list().unwrap().filter.value(), "rj");
    }

    #[tokio::test]
    async fn a_refused_create_image_keeps_the_form_and_what_was_typed() {
        let mut d = loaded(20, false).await;
        select_where(&mut d, |i| i.state == InstanceState::Stopped).await;
        d.keys("i").await;
        d.key(Key::ctrl('u')).await;
        d.keys("my golden image").await;
        d.key(Key::ctrl('s')).await;
        assert!(d.app.dialog.is_none(), "{}", d.status());
        let first = d.app.amis().selected_id().unwrap().to_string();
        // the same name again, from the instances pane: refused before any call, in the form
        d.keys("1").await;
        d.keys("i").await;
        d.key(Key::ctrl('u')).await;
        d.keys("my golden image").await;
        let calls = d.calls.len();
        d.key(Key::ctrl('s')).await;
        let Some(Dialog::Form { form, .. }) = &d.app.dialog else {
            panic!("the form stays open: {}", d.status())
        };
        assert!(
            form.error.as_deref().unwrap_or("").contains(&first),
            "{:?}",
            form.error
        );
        assert_eq!(form.field("Name").get(), "my golden image");
        assert_eq!(d.calls.len(), calls, "nothing was sent");
    }
}

#[tokio::test]
async fn status_checks_go_when_the_state_changes() {
    let mut d = loaded(20, false).await;
    let id = select_where(&mut d, |i| i.state == InstanceState::Running).await;
    assert_eq!(
        d.app.instances().get(&id).unwrap().checks.as_deref(),
        Some("2/2"),
        "checks of the rows on screen are fetched"
    );
    d.keys("S").await;
    d.keys("y").await;
    let row = d.app.instances().get(&id).unwrap();
    assert_eq!(row.inst.state, InstanceState::Stopped);
    assert_ne!(
        row.checks.as_deref(),
        Some("2/2"),
        "a stopped instance does not keep the checks it had running"
    );
}
