//! The demo region's Auto Scaling: groups that launch and terminate real demo instances over
//! time, replace what is terminated, refresh gradually and record their activities.

use std::time::Duration;

use ec2tui::aws::demo::DemoRegion;
use ec2tui::aws::prelude::*;
use ec2tui::aws::{AutoScalingGroup, GROUP_TAG, InstanceState};

use crate::emulator::eventually;

fn region() -> DemoRegion {
    DemoRegion::new(20, Duration::from_millis(60), Duration::ZERO).with_auto_scaling()
}

async fn group(d: &DemoRegion, name: &str) -> AutoScalingGroup {
    d.describe_groups(vec![name.into()])
        .await
        .unwrap()
        .into_iter()
        .next()
        .expect("the group")
}

fn in_service(g: &AutoScalingGroup) -> usize {
    g.members
        .iter()
        .filter(|m| m.in_service() && m.healthy())
        .count()
}

#[tokio::test]
async fn the_seed_groups_and_their_members_are_instances_of_the_region() {
    let d = region();
    let groups = d.list_groups(None).await.unwrap().items;
    let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(
        names,
        vec!["web-prod-asg", "worker-staging-asg", "batch-legacy-asg"]
    );
    let web = &groups[0];
    assert_eq!((web.min, web.desired, web.max), (2, 4, 8));
    assert_eq!(web.members.len(), 4);
    let versions: Vec<&str> = web
        .members
        .iter()
        .map(|m| m.template_version.as_str())
        .collect();
    assert_eq!(
        versions.iter().filter(|v| **v == "1").count(),
        1,
        "{versions:?}"
    );
    let all = d.list_instances(None).await.unwrap().items;
    assert_eq!(
        all.len(),
        20 + 4 + 2,
        "the members are instances of the region"
    );
    for m in &web.members {
        let i = all.iter().find(|i| i.id == m.instance_id).expect("listed");
        assert_eq!(i.state, InstanceState::Running);
        assert!(
            i.tags
                .iter()
                .any(|(k, v)| k == GROUP_TAG && v == "web-prod-asg"),
            "{:?}",
            i.tags
        );
        assert_eq!(i.az, m.az);
    }
    assert!(
        !d.activities("web-prod-asg".into())
            .await
            .unwrap()
            .is_empty()
    );
    let lcs = d.list_launch_configurations(None).await.unwrap().items;
    assert_eq!(lcs.len(), 2);
}

#[tokio::test]
async fn desired_capacity_launches_and_terminates_over_time() {
    let d = region();
    d.set_capacity("worker-staging-asg".into(), 1, 4, 4)
        .await
        .unwrap();
    let g = group(&d, "worker-staging-asg").await;
    assert_eq!(g.members.len(), 4);
    assert!(
        g.members
            .iter()
            .filter(|m| m.lifecycle == "Pending")
            .count()
            == 2,
        "the new ones start pending: {:?}",
        g.members
    );
    eventually("4 in service", 5, || async {
        in_service(&group(&d, "worker-staging-asg").await) == 4
    })
    .await;
    d.set_capacity("worker-staging-asg".into(), 1, 1, 4)
        .await
        .unwrap();
    eventually("1 left", 5, || async {
        group(&d, "worker-staging-asg").await.members.len() == 1
    })
    .await;
    let acts = d.activities("worker-staging-asg".into()).await.unwrap();
    assert!(
        acts.iter()
            .filter(|a| a.description.starts_with("Terminating"))
            .count()
            >= 3
    );
    assert!(
        acts[0].cause.contains("shrinking the capacity from 4 to 1"),
        "{acts:?}"
    );
    let refused = d.set_capacity("worker-staging-asg".into(), 3, 2, 4).await;
    assert!(refused.is_err(), "desired below min is refused");
}

#[tokio::test]
async fn a_terminated_member_is_replaced_and_decrement_lowers_desired() {
    let d = region();
    let g = group(&d, "web-prod-asg").await;
    let victim = g.members[0].instance_id.clone();
    d.terminate_in_group(victim.clone(), false).await.unwrap();
    eventually("a replacement in service", 5, || async {
        let g = group(&d, "web-prod-asg").await;
        !g.members.iter().any(|m| m.instance_id == victim) && in_service(&g) == 4
    })
    .await;
    assert_eq!(group(&d, "web-prod-asg").await.desired, 4);
    // terminated through EC2 (the instances pane's terminate): replaced too
    let g = group(&d, "web-prod-asg").await;
    let other = g.members[1].instance_id.clone();
    d.terminate_instance(other.clone()).await.unwrap();
    eventually("replaced after an EC2 termination", 5, || async {
        let g = group(&d, "web-prod-asg").await;
        !g.members.iter().any(|m| m.instance_id == other) && in_service(&g) == 4
    })
    .await;
    let g = group(&d, "web-prod-asg").await;
    d.terminate_in_group(g.members[0].instance_id.clone(), true)
        .await
        .unwrap();
    assert_eq!(group(&d, "web-prod-asg").await.desired, 3);
}

#[tokio::test]
async fn an_instance_refresh_replaces_the_old_members_gradually() {
    let d = region();
    // a new version, and the group on it: every member is old
    let v = d
        .create_template_version(
            "lt-0demo000000000001".into(),
            Some(2),
            ec2tui::aws::TemplateSpec {
                description: "release 4".into(),
                data: ec2tui::aws::TemplateData {
                    user_data: Some("#!/bin/bash\nexport APP_RELEASE=4\n".into()),
                    ..Default::default()
                },
            },
        )
        .await
        .unwrap();
    d.set_group_template(
        "web-prod-asg".into(),
        "lt-0demo000000000001".into(),
        v.to_string(),
    )
    .await
    .unwrap();
    let originals: Vec<String> = group(&d, "web-prod-asg")
        .await
        .members
        .iter()
        .map(|m| m.instance_id.clone())
        .collect();
    d.start_refresh("web-prod-asg".into(), 75).await.unwrap();
    assert!(
        d.start_refresh("web-prod-asg".into(), 75).await.is_err(),
        "one refresh at a time"
    );
    let mut most_out = 0;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let g = group(&d, "web-prod-asg").await;
        most_out = most_out.max(4 - in_service(&g));
        let r = d.refreshes("web-prod-asg".into()).await.unwrap();
        if r[0].status == "Successful" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the refresh did not end: {r:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(most_out <= 1, "75% of 4 healthy: one out at a time");
    let g = group(&d, "web-prod-asg").await;
    assert_eq!(g.members.len(), 4);
    for m in &g.members {
        assert_eq!(m.template_version, v.to_string());
        assert!(!originals.contains(&m.instance_id));
        let ud = d.user_data(m.instance_id.clone()).await.unwrap();
        assert_eq!(ud.as_deref(), Some("#!/bin/bash\nexport APP_RELEASE=4\n"));
    }
    let r = d.refreshes("web-prod-asg".into()).await.unwrap();
    assert_eq!(r[0].percentage, 100);
}

#[tokio::test]
async fn delete_needs_force_with_instances_and_a_used_launch_configuration_stays() {
    let d = region();
    assert!(d.delete_group("web-prod-asg".into(), false).await.is_err());
    d.delete_group("web-prod-asg".into(), true).await.unwrap();
    eventually("the group is gone", 5, || async {
        d.describe_groups(vec!["web-prod-asg".into()])
            .await
            .unwrap()
            .is_empty()
    })
    .await;
    let e = d
        .delete_launch_configuration("batch-lc-v3".into())
        .await
        .unwrap_err();
    assert!(
        e.describe().contains("batch-legacy-asg"),
        "{}",
        e.describe()
    );
    d.delete_launch_configuration("batch-lc-v2".into())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_stopped_member_is_unhealthy_and_replaced() {
    let d = region();
    let g = group(&d, "worker-staging-asg").await;
    let victim = g.members[0].instance_id.clone();
    d.stop_instance(victim.clone(), false).await.unwrap();
    eventually("the stopped member replaced", 5, || async {
        let g = group(&d, "worker-staging-asg").await;
        !g.members.iter().any(|m| m.instance_id == victim) && in_service(&g) == 2
    })
    .await;
    let acts = d.activities("worker-staging-asg".into()).await.unwrap();
    assert!(
        acts.iter()
            .any(|a| a.description.contains(&victim) && a.cause.contains("health check")),
        "{acts:?}"
    );
    let all = d.describe_instances(vec![victim.clone()]).await.unwrap();
    assert_eq!(all[0].state, InstanceState::Terminated);
}
