//! The security groups pane against moto: groups and an instance set up by a separate SDK
//! client, then read through the keys as a user would.

use ec2tui::app::{Resource, Tone};
use ec2tui::panes::security_groups::{Col, OPEN_MARK, SecurityGroupsPane};

use crate::driver::Driver;
use crate::emulator::{Moto, create_group, default_vpc, some_ami};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_lists_its_rules_and_the_instances_that_use_it() {
    use aws_sdk_ec2::types::{
        Filter, IpPermission, IpRange, ResourceType, Tag, TagSpecification, UserIdGroupPair,
    };
    let moto = Moto::start();
    let c = moto.client().await;
    let vpc = default_vpc(&c).await;
    let create = |name: &'static str, description: &'static str| {
        let (c, vpc) = (c.clone(), vpc.clone());
        async move { create_group(&c, &vpc, name, description).await }
    };
    let app = create("app", "application tier").await;
    let jump = create("jump", "jump hosts").await;
    c.authorize_security_group_ingress()
        .group_id(&jump)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(22)
                .to_port(22)
                .ip_ranges(
                    IpRange::builder()
                        .cidr_ip("0.0.0.0/0")
                        .description("ssh from anywhere")
                        .build(),
                )
                .build(),
        )
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(8080)
                .to_port(8080)
                .user_id_group_pairs(
                    UserIdGroupPair::builder()
                        .group_id(&app)
                        .description("from the app tier")
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let subnets = c
        .describe_subnets()
        .filters(Filter::builder().name("vpc-id").values(&vpc).build())
        .send()
        .await
        .unwrap();
    let subnet = subnets.subnets()[0].subnet_id().unwrap().to_string();
    let ami = some_ami(&c).await;
    let out = c
        .run_instances()
        .image_id(&ami)
        .min_count(1)
        .max_count(1)
        .subnet_id(&subnet)
        .security_group_ids(&jump)
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::Instance)
                .tags(Tag::builder().key("Name").value("jumpbox").build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let instance = out.instances()[0].instance_id().unwrap().to_string();

    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await; // lists the instances
    d.keys(":sg").await;
    d.enter().await;
    assert_eq!(d.app.focused, "security_groups", "{}", d.status());

    let list = &d.app.pane::<SecurityGroupsPane>().unwrap().list;
    let g = list.get(&jump).expect("the group is listed");
    assert_eq!(g.cell(Col::Name, 0).0, "jump");
    assert_eq!(g.cell(Col::Vpc, 0).0, vpc);
    assert_eq!(g.cell(Col::Inbound, 0).0, "2");
    assert_eq!(g.cell(Col::Outbound, 0).0, "1", "the default egress rule");
    assert_eq!(g.cell(Col::Open, 0), ("22".to_string(), Tone::Bad));
    let a = list.get(&app).expect("the other group is listed");
    assert_eq!(a.cell(Col::Inbound, 0).0, "0");
    assert_eq!(a.cell(Col::Open, 0).1, Tone::Muted);

    d.filter(&jump).await;
    d.enter().await;
    let det = d.app.details().expect("the details are open");
    assert_eq!(det.title, format!("jump ({jump})"));
    let lines = det.text();
    let ssh = det
        .lines
        .iter()
        .find(|l| {
            l.iter()
                .any(|(s, _)| s.contains("0.0.0.0/0") && s.contains("22"))
        })
        .unwrap_or_else(|| panic!("no tcp 22 rule: {lines:#?}"));
    let ssh_text: String = ssh.iter().map(|(s, _)| s.as_str()).collect();
    assert!(
        ssh_text.contains("tcp") && ssh_text.contains("ssh from anywhere"),
        "{ssh_text}"
    );
    assert!(ssh_text.ends_with(OPEN_MARK), "{ssh_text}");
    assert!(ssh.iter().all(|(_, t)| *t == Tone::Bad), "{ssh:?}");
    let from_app = lines
        .iter()
        .find(|l| l.contains(&app))
        .unwrap_or_else(|| panic!("no rule from {app}: {lines:#?}"));
    assert!(
        from_app.contains("8080")
            && from_app.contains(&format!("{app} (app)"))
            && from_app.contains("from the app tier")
            && !from_app.contains(OPEN_MARK),
        "{from_app}"
    );
    let used = lines
        .iter()
        .position(|l| l == "Used by instances (1)")
        .unwrap_or_else(|| panic!("no used-by section: {lines:#?}"));
    let user = &lines[used + 1];
    assert!(
        user.trim_start()
            .starts_with(&format!("jumpbox ({instance})")),
        "{user}"
    );
    assert!(user.trim_end().ends_with("running"), "{user}");
}

/// The inbound rules of a group as moto has them: (protocol, from port, CIDRs).
async fn inbound_of(c: &aws_sdk_ec2::Client, id: &str) -> Vec<(i32, Vec<String>)> {
    let out = c
        .describe_security_groups()
        .group_ids(id)
        .send()
        .await
        .unwrap();
    let mut rules: Vec<(i32, Vec<String>)> = out.security_groups()[0]
        .ip_permissions()
        .iter()
        .map(|p| {
            (
                p.from_port().unwrap_or(-1),
                p.ip_ranges()
                    .iter()
                    .map(|r| r.cidr_ip().unwrap_or_default().to_string())
                    .collect(),
            )
        })
        .filter(|(_, cidrs): &(i32, Vec<String>)| !cidrs.is_empty())
        .collect();
    rules.sort();
    rules
}

/// In a group's details `j`/`k` choose a rule and `Ctrl-d` revokes it after a confirmation;
/// the last rule letting SSH in needs the word `revoke` typed (`y` does nothing).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rule_is_revoked_from_the_details_and_the_last_ssh_rule_needs_the_word() {
    use aws_sdk_ec2::types::{IpPermission, IpRange};
    use ec2tui::app::{Dialog, Key, KeyCode};
    let moto = Moto::start();
    let c = moto.client().await;
    let vpc = default_vpc(&c).await;
    let web = create_group(&c, &vpc, "web", "web tier").await;
    let perm = |port: i32| {
        IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(port)
            .to_port(port)
            .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
            .build()
    };
    c.authorize_security_group_ingress()
        .group_id(&web)
        .ip_permissions(perm(22))
        .ip_permissions(perm(443))
        .send()
        .await
        .unwrap();
    let all = vec!["0.0.0.0/0".to_string()];
    assert_eq!(
        inbound_of(&c, &web).await,
        [(22, all.clone()), (443, all.clone())]
    );

    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    d.keys(":sg").await;
    d.enter().await;
    d.filter(&web).await;
    d.enter().await;
    let chosen = |d: &Driver<_>| {
        d.app
            .details()
            .unwrap()
            .text()
            .into_iter()
            .find(|l| l.starts_with('▶'))
            .unwrap_or_default()
    };
    assert!(chosen(&d).contains("22"), "{}", chosen(&d));
    // the HTTPS rule: one y
    d.keys("j").await;
    assert!(chosen(&d).contains("443"), "{}", chosen(&d));
    d.key(Key::ctrl('d')).await;
    let Some(Dialog::Confirm(conf)) = &d.app.dialog else {
        panic!("no confirmation: {}", d.status())
    };
    assert_eq!(conf.typed, None);
    assert!(
        d.app
            .confirm_body(conf)
            .text()
            .iter()
            .any(|l| l.contains("tcp 443 from 0.0.0.0/0"))
    );
    d.keys("y").await;
    assert_eq!(
        inbound_of(&c, &web).await,
        [(22, all.clone())],
        "{}",
        d.status()
    );

    // the last rule letting SSH in: y is not enough, the word is. The cursor stayed where
    // it was (on the outbound rule that moved up): k goes back to SSH
    d.filter(&web).await;
    d.enter().await;
    assert!(chosen(&d).contains("all"), "{}", chosen(&d));
    d.keys("k").await;
    assert!(chosen(&d).contains("22"), "{}", chosen(&d));
    d.key(Key::ctrl('d')).await;
    let Some(Dialog::Confirm(conf)) = &d.app.dialog else {
        panic!("no confirmation: {}", d.status())
    };
    assert_eq!(conf.typed, Some("revoke"));
    let body = d.app.confirm_body(conf).text().join("\n");
    assert!(body.contains("last rule letting SSH (22) in"), "{body}");
    d.keys("y").await;
    assert_eq!(
        inbound_of(&c, &web).await,
        [(22, all.clone())],
        "y alone sends nothing"
    );
    d.key(Key::plain(KeyCode::Backspace)).await; // the y went into the word
    d.keys("revoke").await;
    d.key(Key::plain(KeyCode::Enter)).await;
    assert_eq!(inbound_of(&c, &web).await, [], "{}", d.status());
}

/// The last IPv4 rule letting SSH in is the last way in for IPv4 clients, though an IPv6
/// rule and the group's own rule remain: the word is asked, and the warning says from whom.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_ipv4_ssh_rule_needs_the_word_beside_an_ipv6_one() {
    use aws_sdk_ec2::types::{IpPermission, IpRange, Ipv6Range};
    use ec2tui::app::Dialog;
    let moto = Moto::start();
    let c = moto.client().await;
    let vpc = default_vpc(&c).await;
    let web = create_group(&c, &vpc, "web6", "web tier, both families").await;
    c.authorize_security_group_ingress()
        .group_id(&web)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(22)
                .to_port(22)
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .ipv6_ranges(Ipv6Range::builder().cidr_ipv6("::/0").build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let mut d = Driver::new(moto.adapter().await, false);
    d.start().await;
    d.keys(":sg").await;
    d.enter().await;
    d.filter(&web).await;
    d.enter().await;
    let lines = d.app.details().unwrap().text();
    let chosen = lines
        .iter()
        .find(|l| l.starts_with('▶'))
        .cloned()
        .unwrap_or_default();
    assert!(chosen.contains("0.0.0.0/0"), "{lines:?}");
    d.key(ec2tui::app::Key::ctrl('d')).await;
    let Some(Dialog::Confirm(conf)) = &d.app.dialog else {
        panic!("no confirmation: {}", d.status())
    };
    assert_eq!(conf.typed, Some("revoke"));
    let body = d.app.confirm_body(conf).text().join("\n");
    assert!(
        body.contains("last rule letting SSH (22) in from IPv4 addresses"),
        "{body}"
    );
}
