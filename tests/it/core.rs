//! The core's shared pieces: the pane registry, the one watcher, and `Op` for every call.

use std::collections::HashSet;
use std::time::Duration;

use ec2tui::app::{Effect, Event, Key, KeyCode, Keymap, Watch};
use ec2tui::aws::demo::DemoRegion;
use ec2tui::aws::ops::RunInstances;
use ec2tui::aws::ops::VolumeCall;
use ec2tui::aws::ops::{CopyImage, CreateImage, DeregisterImage};
use ec2tui::aws::ops::{CopySnapshot, DeleteSnapshot};
use ec2tui::aws::ops::{CreateKeyPair, DeleteKeyPair, ImportKeyPair};
use ec2tui::aws::ops::{InstanceCall, Verb};
use ec2tui::aws::{ImageSpec, LaunchSpec, Op, VolumeSpec};

use crate::driver::{Driver, state};

#[tokio::test]
async fn every_pane_is_reachable_by_its_commands_and_number() {
    let panes = ec2tui::panes::registry();
    let ids: HashSet<&str> = panes.iter().map(|p| p.spec().id).collect();
    assert_eq!(ids.len(), panes.len(), "pane ids are unique");
    let mut numbers = HashSet::new();
    for p in &panes {
        let spec = p.spec();
        assert!(!spec.commands.is_empty(), "{} has a command", spec.id);
        for cmd in spec.commands {
            let mut app = state(false);
            app.update(Event::Key(Key::char(':')));
            for c in cmd.chars() {
                app.update(Event::Key(Key::char(c)));
            }
            app.update(Event::Key(Key::plain(KeyCode::Enter)));
            assert_eq!(app.focused, spec.id, ":{cmd} focuses {}", spec.id);
        }
        if let Some(n) = spec.number {
            assert!(numbers.insert(n), "number {n} is used once");
            let mut app = state(false);
            app.update(Event::Key(Key::char(n)));
            assert_eq!(app.focused, spec.id, "{n} focuses {}", spec.id);
        }
    }
}

#[tokio::test]
async fn help_lists_each_panes_own_keys_and_footer_names_real_actions() {
    let km = ec2tui::panes::default_keymap();
    for p in ec2tui::panes::registry() {
        let spec = p.spec();
        let scopes = Keymap::scopes(spec.id);
        let help = km.help(&scopes);
        for a in spec.actions {
            let bound = km
                .named(spec.id, a.name)
                .expect("a declared action resolves");
            assert!(
                help.iter().any(|(_, x)| *x == bound),
                "help of {} lists {}",
                spec.id,
                a.name
            );
        }
        for name in spec.footer {
            assert!(
                km.named(spec.id, name).is_some(),
                "footer of {} names {name}, which is not an action",
                spec.id
            );
        }
        // and the help the user sees, through the app
        let mut app = state(false);
        let i = ec2tui::panes::registry()
            .iter()
            .position(|q| q.spec().id == spec.id)
            .unwrap();
        app.action(ec2tui::app::Action::Focus(i));
        let text: Vec<String> = app
            .help()
            .into_iter()
            .map(|l| l.into_iter().map(|(t, _)| t).collect())
            .collect();
        assert_eq!(text[0], spec.title);
        for a in spec.actions {
            assert!(
                text.iter().any(|l| l.contains(a.describe)),
                "{}: {:?} not in {text:?}",
                spec.id,
                a.describe
            );
        }
    }
}

#[test]
fn the_watch_settles_coalesces_and_drops_stale_results() {
    let mut w: Watch<Option<&str>> = Watch::default();
    w.add("i-1", Some("stopped"));
    let first = w.due(1).expect("something to describe");
    assert_eq!(first, vec![("i-1".to_string(), Some("stopped"))]);
    // one request in flight: more ids wait for the next round
    w.add("i-2", Some("running"));
    assert!(w.due(2).is_none(), "coalesced while in flight");
    // a result of an older request is dropped
    assert!(!w.accept(7), "stale");
    assert!(w.accept(1));
    // not yet stable: followed on
    assert!(!w.observe("i-1", false, |_| true));
    let next = w.due(3).unwrap();
    assert_eq!(next.len(), 2, "both ids in the next round");
    assert!(w.accept(3));
    // stable in the expected state: settled
    assert!(w.observe("i-1", true, |u| *u == Some("stopped")));
    assert!(!w.contains("i-1"));
    // stable but not the expected state: waits up to three rounds
    for round in 0..2 {
        assert!(!w.observe("i-2", true, |_| false), "round {round}");
    }
    assert!(
        w.observe("i-2", true, |_| false),
        "gives up after three rounds"
    );
    assert!(w.is_empty());
    assert!(w.due(4).is_none());
    // clearing drops what is in flight
    w.add("i-3", None);
    w.due(5).unwrap();
    w.clear();
    assert!(!w.accept(5));
}

/// One of every op the panes make, with what its journal record must say.
fn every_op() -> Vec<(Op, &'static str, bool)> {
    let t = ec2tui::app::Target::new("i-1", "web");
    vec![
        (
            InstanceCall::op(Verb::Start, t.clone()),
            "StartInstances",
            false,
        ),
        (
            InstanceCall::op(Verb::Stop, t.clone()),
            "StopInstances",
            false,
        ),
        (
            InstanceCall::op(Verb::ForceStop, t.clone()),
            "StopInstances",
            false,
        ),
        (
            InstanceCall::op(Verb::Reboot, t.clone()),
            "RebootInstances",
            false,
        ),
        (
            InstanceCall::op(Verb::Terminate, t.clone()),
            "TerminateInstances",
            true,
        ),
        (
            InstanceCall::op(Verb::Protect(true), t.clone()),
            "ModifyInstanceAttribute",
            false,
        ),
        (
            Op::new(CreateImage(ImageSpec {
                instance_id: "i-1".into(),
                name: "golden".into(),
                description: String::new(),
                no_reboot: true,
                tags: vec![],
            })),
            "CreateImage",
            false,
        ),
        (
            Op::new(DeregisterImage {
                image: ec2tui::app::Target::new("ami-1", "golden"),
                snapshots: vec![],
            }),
            "DeregisterImage",
            true,
        ),
        (
            Op::new(CopyImage {
                image: ec2tui::app::Target::new("ami-1", "golden"),
                name: "golden".into(),
                region: "us-west-2".into(),
            }),
            "CopyImage",
            false,
        ),
        (
            Op::new(RunInstances {
                spec: LaunchSpec {
                    image_id: "ami-1".into(),
                    instance_type: "t3.micro".into(),
                    count: 1,
                    ..Default::default()
                },
                dry_run: true,
            }),
            "RunInstances",
            false,
        ),
        (
            Op::new(VolumeCall::Create(VolumeSpec {
                az: "eu-west-1a".into(),
                size_gib: 8,
                volume_type: "gp3".into(),
                ..Default::default()
            })),
            "CreateVolume",
            false,
        ),
        (
            Op::new(VolumeCall::Attach {
                volume: "vol-1".into(),
                instance: "i-1".into(),
                device: "/dev/sdf".into(),
            }),
            "AttachVolume",
            false,
        ),
        (
            Op::new(VolumeCall::Detach {
                volume: "vol-1".into(),
                instance: "i-1".into(),
                force: false,
            }),
            "DetachVolume",
            false,
        ),
        (
            Op::new(VolumeCall::Delete("vol-1".into())),
            "DeleteVolume",
            true,
        ),
        (
            Op::new(VolumeCall::Snapshot {
                volume: "vol-1".into(),
                description: "d".into(),
                tags: vec![],
            }),
            "CreateSnapshot",
            false,
        ),
        (
            Op::new(DeleteSnapshot {
                id: "snap-1".into(),
            }),
            "DeleteSnapshot",
            true,
        ),
        (
            Op::new(CopySnapshot {
                snapshot: "snap-1".into(),
                region: "us-west-2".into(),
                description: "d".into(),
            }),
            "CopySnapshot",
            false,
        ),
        (
            Op::new(CreateKeyPair {
                name: "k".into(),
                key_type: "rsa".into(),
                path: "/nonexistent/k.pem".into(),
            }),
            "CreateKeyPair",
            false,
        ),
        (
            Op::new(ImportKeyPair {
                name: "k".into(),
                path: "/nonexistent/k.pub".into(),
            }),
            "ImportKeyPair",
            false,
        ),
        (
            Op::new(DeleteKeyPair { name: "k".into() }),
            "DeleteKeyPair",
            true,
        ),
    ]
    .into_iter()
    .chain(autoscaling_ops())
    .collect()
}

/// The launch template, Auto Scaling and launch configuration calls.
fn autoscaling_ops() -> Vec<(Op, &'static str, bool)> {
    use ec2tui::aws::ops::DeleteLaunchConfiguration;
    use ec2tui::aws::ops::{
        CancelRefresh, DeleteGroup, SetCapacity, SetGroupTemplate, StartRefresh, TerminateInGroup,
    };
    use ec2tui::aws::ops::{
        CreateTemplate, CreateTemplateFromInstance, CreateTemplateVersion, DeleteTemplate,
        DeleteTemplateVersions, SetDefaultVersion,
    };
    use ec2tui::aws::{TemplateData, TemplateSpec};
    let spec = TemplateSpec {
        description: "d".into(),
        data: TemplateData {
            image_id: "ami-1".into(),
            ..Default::default()
        },
    };
    let t = ec2tui::app::Target::new("i-1", "web");
    vec![
        (
            Op::new(CreateTemplateVersion {
                template_id: "lt-1".into(),
                template_name: "web".into(),
                source: Some(1),
                spec: spec.clone(),
                make_default: true,
            }),
            "CreateLaunchTemplateVersion",
            false,
        ),
        (
            Op::new(SetDefaultVersion {
                template_id: "lt-1".into(),
                template_name: "web".into(),
                version: 2,
            }),
            "ModifyLaunchTemplate",
            false,
        ),
        (
            Op::new(CreateTemplateFromInstance {
                instance: t.clone(),
                name: "web-t".into(),
                description: String::new(),
            }),
            "CreateLaunchTemplate",
            false,
        ),
        (
            Op::new(CreateTemplate {
                name: "web-t".into(),
                spec,
                from: "launch configuration lc".into(),
            }),
            "CreateLaunchTemplate",
            false,
        ),
        (
            Op::new(DeleteTemplateVersions {
                template_id: "lt-1".into(),
                template_name: "web".into(),
                versions: vec![1],
            }),
            "DeleteLaunchTemplateVersions",
            true,
        ),
        (
            Op::new(DeleteTemplate {
                template_id: "lt-1".into(),
                template_name: "web".into(),
            }),
            "DeleteLaunchTemplate",
            true,
        ),
        (
            Op::new(SetCapacity {
                group: "g".into(),
                min: 1,
                desired: 2,
                max: 3,
            }),
            "UpdateAutoScalingGroup",
            false,
        ),
        (
            Op::new(SetGroupTemplate {
                group: "g".into(),
                template_id: "lt-1".into(),
                template_name: "web".into(),
                version: "$Latest".into(),
            }),
            "UpdateAutoScalingGroup",
            false,
        ),
        (
            Op::new(TerminateInGroup {
                instance: t,
                group: "g".into(),
                decrement: false,
            }),
            "TerminateInstanceInAutoScalingGroup",
            true,
        ),
        (
            Op::new(StartRefresh {
                group: "g".into(),
                min_healthy: 90,
            }),
            "StartInstanceRefresh",
            false,
        ),
        (
            Op::new(CancelRefresh { group: "g".into() }),
            "CancelInstanceRefresh",
            false,
        ),
        (
            Op::new(DeleteGroup {
                group: "g".into(),
                force: true,
                instances: vec!["i-1".into()],
            }),
            "DeleteAutoScalingGroup",
            true,
        ),
        (
            Op::new(DeleteLaunchConfiguration { name: "lc".into() }),
            "DeleteLaunchConfiguration",
            true,
        ),
    ]
}

#[test]
fn every_op_knows_its_journal_record_and_whether_it_destroys() {
    for (op, operation, destructive) in every_op() {
        let r = op.record();
        assert_eq!(r.operation, operation, "{op:?}");
        assert!(
            !r.targets.is_empty() || operation == "CreateVolume",
            "{op:?} names its targets"
        );
        assert_eq!(op.is_destructive(), destructive, "{op:?}");
        assert!(!op.describe().is_empty());
    }
    // parameters that matter are recorded
    let stop = InstanceCall::op(Verb::ForceStop, ec2tui::app::Target::new("i-1", ""));
    assert!(
        stop.record()
            .params
            .contains(&("force".into(), "true".into()))
    );
}

#[tokio::test]
async fn read_only_refuses_every_op_in_one_place() {
    for read_only in [true, false] {
        let mut d = Driver::new(
            DemoRegion::new(5, Duration::ZERO, Duration::ZERO),
            read_only,
        );
        for (op, operation, _) in every_op() {
            let fx = d.app.call("instances", vec![op]);
            if read_only {
                assert!(
                    fx.is_empty(),
                    "{operation} was let through in read-only mode"
                );
                assert!(d.status().contains("read-only"), "{}", d.status());
            } else {
                assert!(
                    matches!(fx.as_slice(), [Effect::Call { ops, .. }] if ops.len() == 1),
                    "{operation}"
                );
            }
        }
    }
}

#[tokio::test]
async fn a_failed_identity_is_asked_again_and_the_snapshots_wait_for_it() {
    use ec2tui::app::ApiEvent;
    use ec2tui::aws::{ApiError, Identity};
    let mut app = state(false);
    let fx = app.start();
    assert!(fx.iter().any(|f| matches!(f, Effect::Identity)));
    // a throttled start
    app.update(Event::Api(ApiEvent::Identity(Err(ApiError::service(
        "Throttling",
        "Rate exceeded",
    )))));
    assert!(app.ctx.account.is_none());
    // the snapshots pane cannot list by owner yet: it says so and waits
    app.update(Event::Key(Key::char('4')));
    assert!(
        app.status
            .as_ref()
            .unwrap()
            .text
            .contains("waiting for the account id"),
        "{:?}",
        app.status
    );
    // every refresh asks again, once at a time
    let fx = app.update(Event::RefreshDue);
    assert!(fx.iter().any(|f| matches!(f, Effect::Identity)), "{fx:?}");
    let fx = app.update(Event::Key(Key::ctrl('r')));
    assert!(
        !fx.iter().any(|f| matches!(f, Effect::Identity)),
        "one identity request in flight: {fx:?}"
    );
    // the account arrives: the snapshots listing starts on its own
    let fx = app.update(Event::Api(ApiEvent::Identity(Ok(Identity {
        account: "123456789012".into(),
        arn: "arn:aws:iam::123456789012:user/ci".into(),
    }))));
    assert_eq!(app.ctx.account.as_deref(), Some("123456789012"));
    assert!(
        fx.iter().any(|f| f
            .describe()
            .starts_with("snapshots: DescribeSnapshots owner 123456789012")),
        "{fx:?}"
    );
    // known: no more identity requests
    let fx = app.update(Event::RefreshDue);
    assert!(!fx.iter().any(|f| matches!(f, Effect::Identity)));
}

#[tokio::test]
async fn ctrl_r_restarts_a_stalled_listing_and_its_old_pages_are_dropped() {
    use crate::driver::{Panes, fetch_req, instances_page};
    use ec2tui::app::STALLED_SECS;
    use ec2tui::aws::{Instance, Page};
    let mut app = state(false);
    let fx = app.start();
    let first = fetch_req(&fx, "instances", "DescribeInstances").unwrap();
    // the periodic refresh does not restart a listing in flight
    assert!(
        fetch_req(
            &app.update(Event::RefreshDue),
            "instances",
            "DescribeInstances"
        )
        .is_none()
    );
    // nor does Ctrl-r while it makes progress (a page arrived: a big fleet's listing that
    // restarted every time would never finish)
    let more = |id: &str| Page {
        items: vec![Instance {
            id: id.into(),
            ..Default::default()
        }],
        next_token: Some("more".into()),
    };
    app.now += STALLED_SECS - 1;
    app.update(instances_page(first, Ok(more("i-first"))));
    app.now += STALLED_SECS - 1;
    let fx = app.update(Event::Key(Key::ctrl('r')));
    assert!(fetch_req(&fx, "instances", "DescribeInstances").is_none());
    let said = &app.status.as_ref().unwrap().text;
    assert!(said.contains("still listing (1 so far)"), "{said}");
    // Ctrl-r restarts it once it has stalled: no page for STALLED_SECS
    app.now += 1;
    let fx = app.update(Event::Key(Key::ctrl('r')));
    let second = fetch_req(&fx, "instances", "DescribeInstances").expect("a new listing");
    assert!(second > first);
    assert!(app.status.as_ref().unwrap().text.contains("starts again"));
    let page = |id: &str| Page {
        items: vec![Instance {
            id: id.into(),
            ..Default::default()
        }],
        next_token: None,
    };
    // the stalled listing answers at last: too late
    app.update(instances_page(first, Ok(page("i-late"))));
    assert!(app.instances().get("i-late").is_none());
    app.update(instances_page(second, Ok(page("i-new"))));
    assert!(app.instances().get("i-new").is_some());
    // the restarted listing completed without i-first: gone now
    assert!(app.instances().get("i-first").is_none());
    assert!(
        app.status.is_none(),
        "refreshing… is gone: {:?}",
        app.status
    );
}

/// A big table's sort (keys made on two threads, halves sorted on two threads and merged)
/// orders exactly as comparing does: 30,000 rows in a scrambled order, names sharing long
/// prefixes, many ties, in both directions, and flipped back and forth.
#[test]
fn a_big_sort_orders_as_comparing_does() {
    use ec2tui::app::{Collection, Resource};
    use ec2tui::aws::{Instance, InstanceState};
    use ec2tui::panes::instances::{Col, InstanceRow};
    let n = 30_000u64;
    let rows: Vec<InstanceRow> = (0..n)
        .map(|k| {
            // a scrambled id order, names with a 20-byte common prefix and repeats
            let i = (k * 7919) % n;
            InstanceRow::from(Instance {
                id: format!("i-{:017x}", i * 2_654_435_761 % 1_000_003),
                name: format!("Payments-Worker-Pool{}", (i * 31) % 997),
                state: if i.is_multiple_of(3) {
                    InstanceState::Stopped
                } else {
                    InstanceState::Running
                },
                private_ip: format!("10.{}.{}.{}", i % 7, (i / 7) % 256, i % 250),
                ..Default::default()
            })
        })
        .collect();
    let mut c: Collection<InstanceRow> = Collection::default();
    c.begin(1);
    c.apply_page(1, rows.clone(), true);
    for col in [Col::Name, Col::State, Col::Id, Col::PrivateIp] {
        for desc in [false, true, false] {
            c.set_sort(col, desc);
            c.refresh_view();
            let shown: Vec<&str> = (0..c.rows()).map(|p| c.row(p).unwrap().id()).collect();
            let mut want: Vec<&InstanceRow> = rows.iter().collect();
            want.sort_by(|a, b| {
                let o = a.compare(b, col).then_with(|| a.id().cmp(b.id()));
                if desc { o.reverse() } else { o }
            });
            let want: Vec<&str> = want.iter().map(|r| r.id()).collect();
            assert_eq!(shown.len(), want.len());
            assert!(shown == want, "{col:?} desc={desc}: differs");
        }
    }
}

#[test]
fn pages_are_merged_into_the_order_as_a_full_sort_would_place_them() {
    use ec2tui::app::Collection;
    use ec2tui::aws::Instance;
    use ec2tui::panes::instances::{Col, InstanceRow};
    let row = |i: u64, name: &str| {
        InstanceRow::from(Instance {
            id: format!("i-{i:05}"),
            name: name.to_string(),
            ..Default::default()
        })
    };
    let names = [
        "web", "Api", "db", "api", "Cache", "zeta", "étoile", "", "Web", "queue",
    ];
    let mut c: Collection<InstanceRow> = Collection::default();
    c.set_sort(Col::Name, false);
    c.begin(1);
    let mut all = Vec::new();
    for page in 0..20u64 {
        let items: Vec<InstanceRow> = (0..7)
            .map(|k| {
                let i = page * 7 + k;
                row(i, names[((i * 7919) % names.len() as u64) as usize])
            })
            .collect();
        all.extend(items.iter().cloned());
        c.apply_page(1, items, page == 19);
        c.refresh_view();
        // the view is what a full sort gives: case-insensitive name, then id
        let shown: Vec<String> = (0..c.rows())
            .map(|p| c.row(p).unwrap().inst.id.clone())
            .collect();
        let mut expected: Vec<&InstanceRow> = all.iter().collect();
        expected.sort_by(|a, b| {
            ec2tui::app::cmp_ci(&a.inst.name, &b.inst.name).then(a.inst.id.cmp(&b.inst.id))
        });
        let expected: Vec<String> = expected.iter().map(|r| r.inst.id.clone()).collect();
        assert_eq!(shown, expected, "after page {page}");
    }
    // a replacement that sorts elsewhere moves; one that sorts the same stays
    c.upsert(row(3, "aaa-first"));
    c.refresh_view();
    let first_named = (0..c.rows())
        .map(|p| c.row(p).unwrap())
        .find(|r| !r.inst.name.is_empty())
        .unwrap();
    assert_eq!(first_named.inst.id, "i-00003", "moved to where it sorts");
    let before: Vec<String> = (0..c.rows())
        .map(|p| c.row(p).unwrap().inst.id.clone())
        .collect();
    let mut same = c.get("i-00010").unwrap().clone();
    same.inst.private_ip = "10.0.0.1".into();
    c.upsert(same);
    c.refresh_view();
    let after: Vec<String> = (0..c.rows())
        .map(|p| c.row(p).unwrap().inst.id.clone())
        .collect();
    assert_eq!(before, after);
    assert_eq!(c.get("i-00010").unwrap().inst.private_ip, "10.0.0.1");
}

#[test]
fn the_watch_forgets_what_is_gone() {
    let mut w: Watch<()> = Watch::default();
    w.add("vol-1", ());
    w.add("vol-2", ());
    w.due(1).unwrap();
    assert!(w.accept(1));
    // the answer no longer mentions vol-2 (deleted): it is not asked about again
    assert_eq!(w.missing(["vol-1"]), vec!["vol-2".to_string()]);
    assert!(w.contains("vol-1") && !w.contains("vol-2"));
    // a describe refused as a whole with *.NotFound: what it asked is dropped
    w.due(2).unwrap();
    assert!(w.accept(2));
    w.forget_asked();
    assert!(w.is_empty());
    assert!(w.due(3).is_none(), "nothing left to ask, forever");
}

#[test]
fn retain_keeps_the_table_whole() {
    use ec2tui::app::Collection;
    use ec2tui::aws::Instance;
    use ec2tui::panes::instances::{Col, InstanceRow};
    let mut c: Collection<InstanceRow> = Collection::default();
    c.set_sort(Col::Id, false);
    for i in 0..10 {
        c.upsert(InstanceRow::from(Instance {
            id: format!("i-{i}"),
            name: format!("web-{i}"),
            ..Default::default()
        }));
    }
    c.refresh_view();
    c.select_id("i-7", 5);
    c.toggle_mark();
    c.select_id("i-2", 5);
    c.toggle_mark();
    c.retain(|r| r.inst.id != "i-2" && r.inst.id != "i-3");
    c.refresh_view();
    assert_eq!(c.len(), 8);
    assert!(c.get("i-2").is_none() && c.get("i-9").is_some());
    assert_eq!(c.marks().len(), 1, "the mark of a removed row goes");
    c.set_filter("web-9");
    c.refresh_view();
    assert_eq!(c.rows(), 1, "the filter text follows the rows");
}

#[tokio::test]
async fn the_periodic_refresh_is_due_a_period_after_the_last_listing_ended() {
    use crate::driver::{fetch_req, instances_page};
    use ec2tui::aws::Page;
    let mut app = state(false);
    app.refresh_secs = 30;
    let t0 = app.now;
    let first = fetch_req(&app.start(), "instances", "DescribeInstances").unwrap();
    let tick = |app: &mut ec2tui::app::AppState, now: i64| {
        fetch_req(
            &app.update(Event::Tick { now }),
            "instances",
            "DescribeInstances",
        )
    };
    assert!(tick(&mut app, t0).is_none());
    // a slow listing: the period passes while it is still in flight; nothing restarts it
    assert!(tick(&mut app, t0 + 31).is_none());
    assert!(tick(&mut app, t0 + 62).is_none());
    // it ends at t0 + 70: the next refresh is due 30 s after that, not on the old beat
    app.now = t0 + 70;
    app.update(instances_page(
        first,
        Ok(Page {
            items: vec![],
            next_token: None,
        }),
    ));
    assert!(tick(&mut app, t0 + 93).is_none());
    assert!(tick(&mut app, t0 + 99).is_none());
    let second = tick(&mut app, t0 + 100).expect("due 30 s after the end");
    assert!(second > first);
    assert!(tick(&mut app, t0 + 101).is_none());
}

#[test]
fn a_completed_refresh_removes_vanished_rows_at_once_and_keeps_selection_filter_sort_marks() {
    use ec2tui::app::{Collection, TableOps};
    use ec2tui::aws::Instance;
    use ec2tui::panes::instances::{Col, InstanceRow};
    let row = |i: u64, name: &str| {
        InstanceRow::from(Instance {
            id: format!("i-{i:04}"),
            name: name.into(),
            ..Default::default()
        })
    };
    let mut c = Collection::<InstanceRow>::default();
    c.begin(1);
    c.apply_page(
        1,
        (0..10).map(|i| row(i, &format!("web-{}", 9 - i))).collect(),
        true,
    );
    c.set_sort(Col::Name, true);
    c.set_filter("web");
    c.refresh_view();
    c.select_id("i-0004", 5);
    c.toggle_mark();
    c.select_id("i-0002", 5);
    c.toggle_mark();
    c.select_id("i-0003", 5);
    // a refresh: the first page lacks i-0002 and i-0007 (they vanished), the second never
    // mentions them either; nothing disappears until the listing completes
    c.begin(2);
    c.apply_page(
        2,
        (0..5)
            .filter(|&i| i != 2)
            .map(|i| row(i, &format!("web-{}", 9 - i)))
            .collect(),
        false,
    );
    c.refresh_view();
    assert_eq!(c.len(), 10, "no row vanishes mid-refresh");
    assert!(c.is_marked("i-0002"));
    c.apply_page(
        2,
        (5..10)
            .filter(|&i| i != 7)
            .map(|i| row(i, &format!("web-{}", 9 - i)))
            .collect(),
        true,
    );
    c.refresh_view();
    assert_eq!(c.len(), 8);
    assert!(c.get("i-0002").is_none() && c.get("i-0007").is_none());
    assert_eq!(c.selected_id(), Some("i-0003"), "selection kept");
    assert_eq!(c.filter(), "web");
    assert_eq!(c.sort_by(), (Col::Name, true));
    assert!(
        c.is_marked("i-0004") && !c.is_marked("i-0002"),
        "marks kept, vanished unmarked"
    );
    let names: Vec<String> = (0..c.rows())
        .map(|p| c.row(p).unwrap().inst.name.clone())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    sorted.reverse();
    assert_eq!(names, sorted);
    // a listing interrupted by a newer one: its late pages change nothing
    c.begin(3);
    c.begin(4);
    assert!(!c.apply_page(3, vec![row(99, "late")], true));
    assert!(c.get("i-0099").is_none());
    c.apply_page(4, (0..10).map(|i| row(i, "x")).collect(), true);
    assert_eq!(c.len(), 10);
    assert!(!TableOps::is_loading(&c));
}

#[tokio::test]
async fn sorting_skips_a_column_hidden_for_want_of_content() {
    use crate::driver::{Driver, Panes};
    use ec2tui::panes::instances::Col;
    // one region, no Auto Scaling groups: the Region and ASG columns are hidden
    let mut d = Driver::new(DemoRegion::new(12, Duration::ZERO, Duration::ZERO), false);
    d.start().await;
    assert_eq!(d.app.instances().sort_by(), (Col::Name, false));
    d.keys(">").await;
    assert_eq!(d.app.instances().sort_by().0, Col::Id, "Region is skipped");
    d.keys(">>").await;
    assert_eq!(d.app.instances().sort_by().0, Col::Type, "ASG is skipped");
    d.keys("<<<").await;
    assert_eq!(d.app.instances().sort_by().0, Col::Name);
}
