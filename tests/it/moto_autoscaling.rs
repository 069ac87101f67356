//! The Auto Scaling port through aws-sdk-autoscaling against moto; groups are set up, and
//! outcomes checked, by separate SDK clients.

use ec2tui::aws::prelude::*;

use crate::emulator::{Moto, some_ami};
use crate::templates::make_template;

/// A separate Auto Scaling client over the same server.
pub async fn asg_client(moto: &Moto) -> aws_sdk_autoscaling::Client {
    aws_sdk_autoscaling::Client::new(&moto.sdk_config().await)
}

/// A group on a launch template (its version given), by the separate client.
pub async fn make_group(
    a: &aws_sdk_autoscaling::Client,
    name: &str,
    template_id: &str,
    version: &str,
    (min, desired, max): (i32, i32, i32),
) {
    a.create_auto_scaling_group()
        .auto_scaling_group_name(name)
        .launch_template(
            aws_sdk_autoscaling::types::LaunchTemplateSpecification::builder()
                .launch_template_id(template_id)
                .version(version)
                .build(),
        )
        .min_size(min)
        .desired_capacity(desired)
        .max_size(max)
        .availability_zones("us-east-1a")
        .send()
        .await
        .expect("create the group");
}

/// The member instance ids of a group, by the separate client.
pub async fn members_seen_by(a: &aws_sdk_autoscaling::Client, name: &str) -> Vec<String> {
    let out = a
        .describe_auto_scaling_groups()
        .auto_scaling_group_names(name)
        .send()
        .await
        .unwrap();
    let mut v: Vec<String> = out
        .auto_scaling_groups()
        .iter()
        .flat_map(|g| g.instances())
        .filter_map(|i| i.instance_id().map(str::to_string))
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_are_listed_resized_replaced_and_deleted_through_the_adapter() {
    let moto = Moto::start();
    let c = moto.client().await;
    let a = asg_client(&moto).await;
    let ami = some_ami(&c).await;
    let lt = make_template(&c, "ci-asg-lt", &ami, "#!/bin/bash\necho v1\n").await;
    make_group(&a, "ci-asg", &lt, "1", (1, 2, 4)).await;
    let api = moto.adapter().await;

    let groups = api.list_groups(None).await.unwrap().items;
    let g = groups.iter().find(|g| g.name == "ci-asg").expect("listed");
    assert_eq!((g.min, g.desired, g.max), (1, 2, 4));
    assert_eq!(g.members.len(), 2);
    let t = g.template.as_ref().expect("a template group");
    assert_eq!((t.id.as_str(), t.version.as_str()), (lt.as_str(), "1"));
    assert!(g.members.iter().all(|m| m.in_service() && m.healthy()));
    assert_eq!(g.azs, vec!["us-east-1a".to_string()]);

    // the members carry the group's tag, as EC2 lists them
    let instances = api.list_instances(None).await.unwrap().items;
    for m in &g.members {
        let i = instances.iter().find(|i| i.id == m.instance_id).unwrap();
        assert!(
            i.tags
                .iter()
                .any(|(k, v)| k == ec2tui::aws::GROUP_TAG && v == "ci-asg"),
            "{:?}",
            i.tags
        );
    }

    api.set_capacity("ci-asg".into(), 1, 3, 4).await.unwrap();
    assert_eq!(members_seen_by(&a, "ci-asg").await.len(), 3);

    let before = members_seen_by(&a, "ci-asg").await;
    api.terminate_in_group(before[0].clone(), false)
        .await
        .unwrap();
    let after = members_seen_by(&a, "ci-asg").await;
    assert_eq!(after.len(), 3, "replaced: desired unchanged");
    assert!(!after.contains(&before[0]));

    api.delete_group("ci-asg".into(), true).await.unwrap();
    assert!(
        api.describe_groups(vec!["ci-asg".into()])
            .await
            .unwrap()
            .is_empty()
    );
}
