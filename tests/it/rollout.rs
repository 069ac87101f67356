//! The rollout as a pure state machine: each step, stopping, resuming, failures, and never
//! more than one member out of service.

use ec2tui::aws::{AutoScalingGroup, GroupMember};
use ec2tui::panes::auto_scaling::rollout::{Do, How, Phase, REPLACEMENT_DEADLINE, Rollout};

fn member(id: &str, lifecycle: &str, health: &str) -> GroupMember {
    GroupMember {
        instance_id: id.into(),
        az: "us-east-1a".into(),
        lifecycle: lifecycle.into(),
        health: health.into(),
        template_version: "1".into(),
        ..Default::default()
    }
}

fn group(desired: i32, members: &[(&str, &str, &str)]) -> AutoScalingGroup {
    AutoScalingGroup {
        name: "web".into(),
        min: 1,
        desired,
        max: 10,
        members: members.iter().map(|(i, l, h)| member(i, l, h)).collect(),
        ..Default::default()
    }
}

fn whole(ids: &[&str]) -> AutoScalingGroup {
    let m: Vec<(&str, &str, &str)> = ids.iter().map(|i| (*i, "InService", "Healthy")).collect();
    group(ids.len() as i32, &m)
}

/// A rollout of a 3-member group, through the version and the group, replacing.
fn replacing() -> Rollout {
    let mut r = Rollout::new(&whole(&["i-1", "i-2", "i-3"]), How::OneAtATime);
    assert_eq!(r.start(), Do::CreateVersion);
    assert_eq!(r.version_created(7), Do::PointGroup(7));
    assert_eq!(r.group_pointed(), Do::Wait);
    r
}

#[test]
fn each_step_of_a_one_at_a_time_rollout() {
    let mut r = replacing();
    assert_eq!(r.originals, vec!["i-1", "i-2", "i-3"]);
    assert_eq!(r.phase, Phase::Replacing { current: None });
    // the group is whole: the first original goes
    assert_eq!(
        r.observe(&whole(&["i-1", "i-2", "i-3"]), 100),
        Do::Terminate("i-1".into())
    );
    assert_eq!(r.progress(), "replacing 1 of 3");
    assert_eq!(r.terminated("i-1", 101), Do::Wait);
    // terminating, its replacement pending: wait
    let g = group(
        3,
        &[
            ("i-1", "Terminating", "Healthy"),
            ("i-2", "InService", "Healthy"),
            ("i-3", "InService", "Healthy"),
            ("i-4", "Pending", "Healthy"),
        ],
    );
    assert_eq!(r.observe(&g, 110), Do::Wait);
    // gone, the replacement still pending: wait
    let g = group(
        3,
        &[
            ("i-2", "InService", "Healthy"),
            ("i-3", "InService", "Healthy"),
            ("i-4", "Pending", "Healthy"),
        ],
    );
    assert_eq!(r.observe(&g, 120), Do::Wait);
    // in service and healthy: the next one
    assert_eq!(
        r.observe(&whole(&["i-2", "i-3", "i-4"]), 130),
        Do::Terminate("i-2".into())
    );
    assert_eq!(r.replaced, vec!["i-1"]);
    assert_eq!(r.progress(), "replacing 2 of 3");
    r.terminated("i-2", 131);
    assert_eq!(
        r.observe(&whole(&["i-3", "i-4", "i-5"]), 140),
        Do::Terminate("i-3".into())
    );
    r.terminated("i-3", 141);
    assert_eq!(r.observe(&whole(&["i-4", "i-5", "i-6"]), 150), Do::Over);
    assert_eq!(r.phase, Phase::Finished);
    assert_eq!(r.replaced, vec!["i-1", "i-2", "i-3"]);
    assert!(!r.is_active());
    assert_eq!(r.progress(), "rollout done: 3 replaced");
}

#[test]
fn nothing_is_terminated_while_a_member_is_out_of_service() {
    let mut r = replacing();
    // one member not in service before anything started: wait, do not take a second out
    let g = group(
        3,
        &[
            ("i-1", "InService", "Healthy"),
            ("i-2", "Pending", "Healthy"),
            ("i-3", "InService", "Healthy"),
        ],
    );
    assert_eq!(r.observe(&g, 100), Do::Wait);
    // fewer than desired: wait too
    assert_eq!(
        r.observe(
            &group(
                3,
                &[
                    ("i-1", "InService", "Healthy"),
                    ("i-3", "InService", "Healthy")
                ]
            ),
            101
        ),
        Do::Wait
    );
    assert_eq!(
        r.observe(&whole(&["i-1", "i-2", "i-3"]), 102),
        Do::Terminate("i-1".into())
    );
}

/// A simulated group: each terminated member is replaced by one that is pending for a round.
#[test]
fn never_more_than_one_member_out_of_service_in_a_simulated_group() {
    let ids: Vec<String> = (1..=5).map(|i| format!("i-{i}")).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut r = Rollout::new(&whole(&refs), How::OneAtATime);
    r.version_created(2);
    r.group_pointed();
    let mut members: Vec<(String, &str)> = ids.iter().map(|i| (i.clone(), "InService")).collect();
    let mut next = 6;
    for round in 0..100 {
        let g = AutoScalingGroup {
            name: "web".into(),
            desired: 5,
            max: 10,
            members: members
                .iter()
                .map(|(i, l)| member(i, l, "Healthy"))
                .collect(),
            ..Default::default()
        };
        // out of service: of the desired capacity, how many are not in service and healthy
        let serving = g
            .members
            .iter()
            .filter(|m| m.in_service() && m.healthy())
            .count() as i32;
        let out = g.desired - serving;
        assert!(out <= 1, "round {round}: {out} out of service");
        // the group moves on: pending ones come into service, terminating ones go
        let step = r.observe(&g, round);
        members.retain(|(_, l)| *l != "Terminating");
        for m in &mut members {
            if m.1 == "Pending" {
                m.1 = "InService";
            }
        }
        match step {
            Do::Terminate(id) => {
                for m in &mut members {
                    if m.0 == id {
                        m.1 = "Terminating";
                    }
                }
                members.push((format!("i-{next}"), "Pending"));
                next += 1;
                r.terminated(&id, round);
            }
            Do::Over => break,
            Do::Wait => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(r.phase, Phase::Finished);
    assert_eq!(r.replaced.len(), 5);
    assert!(members.iter().all(|(i, _)| !ids.contains(i)));
}

#[test]
fn an_unhealthy_replacement_stops_and_reports() {
    let mut r = replacing();
    r.observe(&whole(&["i-1", "i-2", "i-3"]), 100);
    r.terminated("i-1", 100);
    let g = group(
        3,
        &[
            ("i-2", "InService", "Healthy"),
            ("i-3", "InService", "Healthy"),
            ("i-4", "InService", "Unhealthy"),
        ],
    );
    assert_eq!(r.observe(&g, 110), Do::Over);
    let Phase::Failed(why) = &r.phase else {
        panic!("{:?}", r.phase)
    };
    assert!(why.contains("i-4") && why.contains("Unhealthy"), "{why}");
    assert!(r.progress().starts_with("rollout failed: 0 of 3"));
    // nothing more happens, whatever is observed
    assert_eq!(r.observe(&whole(&["i-2", "i-3", "i-5"]), 120), Do::Over);
    assert_eq!(r.remaining(), vec!["i-1", "i-2", "i-3"]);
}

#[test]
fn a_replacement_that_never_comes_stops_at_the_deadline() {
    let mut r = replacing();
    r.observe(&whole(&["i-1", "i-2", "i-3"]), 100);
    r.terminated("i-1", 100);
    let g = group(
        3,
        &[
            ("i-2", "InService", "Healthy"),
            ("i-3", "InService", "Healthy"),
        ],
    );
    assert_eq!(r.observe(&g, 100 + REPLACEMENT_DEADLINE), Do::Wait);
    assert_eq!(r.observe(&g, 101 + REPLACEMENT_DEADLINE), Do::Over);
    assert!(
        matches!(&r.phase, Phase::Failed(w) if w.contains("i-1")),
        "{:?}",
        r.phase
    );
}

#[test]
fn a_refused_call_stops_and_reports() {
    let mut r = Rollout::new(&whole(&["i-1"]), How::OneAtATime);
    r.start();
    assert_eq!(
        r.failed("CreateLaunchTemplateVersion refused: no"),
        Do::Over
    );
    assert_eq!(
        r.phase,
        Phase::Failed("CreateLaunchTemplateVersion refused: no".into())
    );
    // a late answer changes nothing
    assert_eq!(r.version_created(3), Do::Wait);
}

#[test]
fn stop_after_the_current_member_then_resume_the_rest() {
    let mut r = replacing();
    r.observe(&whole(&["i-1", "i-2", "i-3"]), 100);
    r.terminated("i-1", 100);
    assert_eq!(
        r.stop(),
        Do::Wait,
        "the member being replaced is finished first"
    );
    assert!(r.is_active());
    assert_eq!(r.observe(&whole(&["i-2", "i-3", "i-4"]), 110), Do::Over);
    assert_eq!(r.phase, Phase::Stopped);
    assert_eq!(r.replaced, vec!["i-1"]);
    assert_eq!(r.progress(), "rollout stopped: 1 of 3 replaced");
    // continued: only what is left, without a new version
    let mut c = Rollout::resume("web", How::OneAtATime, r.remaining());
    assert_eq!(c.start(), Do::Wait);
    assert_eq!(
        c.observe(&whole(&["i-2", "i-3", "i-4"]), 120),
        Do::Terminate("i-2".into())
    );
    c.terminated("i-2", 120);
    assert_eq!(
        c.observe(&whole(&["i-3", "i-4", "i-5"]), 130),
        Do::Terminate("i-3".into())
    );
    c.terminated("i-3", 130);
    assert_eq!(c.observe(&whole(&["i-4", "i-5", "i-6"]), 140), Do::Over);
    assert_eq!(c.phase, Phase::Finished);
}

#[test]
fn stop_between_members_is_at_once() {
    let mut r = replacing();
    assert_eq!(r.stop(), Do::Over);
    assert_eq!(r.phase, Phase::Stopped);
}

#[test]
fn a_member_gone_by_other_means_is_not_waited_for() {
    let mut r = replacing();
    // i-1 was terminated by someone else and replaced: the rollout goes on with i-2
    assert_eq!(
        r.observe(&whole(&["i-2", "i-3", "i-9"]), 100),
        Do::Terminate("i-2".into())
    );
}

#[test]
fn instance_refresh_and_dont_replace() {
    let g = whole(&["i-1", "i-2"]);
    let mut r = Rollout::new(&g, How::Refresh(75));
    r.version_created(4);
    assert_eq!(r.group_pointed(), Do::StartRefresh(75));
    assert_eq!(r.refresh_started(), Do::Over);
    assert_eq!(r.phase, Phase::Finished);
    assert_eq!(r.progress(), "rollout: refresh started");

    let mut r = Rollout::new(&g, How::DontReplace);
    r.version_created(4);
    assert_eq!(r.group_pointed(), Do::Over);
    assert_eq!(r.progress(), "on version 4; members not replaced");

    let r = Rollout::resume("web", How::Refresh(90), vec!["i-1".into()]);
    assert_eq!(r.start(), Do::StartRefresh(90));
}
