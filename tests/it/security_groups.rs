//! The security groups pane on the demo region: the table, the details of a group open to
//! the world, and what counts as open to the world.

use ec2tui::app::{Resource, Tone};
use ec2tui::aws::{Rule, RuleSource};
use ec2tui::panes::security_groups::{
    Col, OPEN_MARK, SecurityGroupsPane, open_to_world, ports, protocol_name,
};

use crate::driver::Driver;
use crate::ui::{demo_app, render, text};

fn rule(protocol: &str, ports: Option<(i32, i32)>, source: &str) -> Rule {
    let kind = if source.starts_with("sg-") {
        RuleSource::Group
    } else if source.starts_with("pl-") {
        RuleSource::PrefixList
    } else if source.contains(':') {
        RuleSource::Cidr6
    } else {
        RuleSource::Cidr4
    };
    Rule {
        protocol: protocol.into(),
        from_port: ports.map(|p| p.0),
        to_port: ports.map(|p| p.1),
        source: source.into(),
        kind,
        description: String::new(),
    }
}

#[test]
fn open_to_world_is_anything_but_80_or_443_from_anywhere() {
    assert!(open_to_world(&rule("tcp", Some((22, 22)), "0.0.0.0/0")));
    assert!(!open_to_world(&rule("tcp", Some((443, 443)), "0.0.0.0/0")));
    assert!(!open_to_world(&rule("tcp", Some((80, 80)), "::/0")));
    assert!(open_to_world(&rule("-1", None, "::/0")), "all traffic");
    assert!(!open_to_world(&rule("tcp", Some((22, 22)), "10.0.0.0/8")));
    // a range that takes in 80 and 443 is more than just them
    assert!(open_to_world(&rule("tcp", Some((80, 443)), "0.0.0.0/0")));
    assert!(open_to_world(&rule("6", Some((3389, 3389)), "0.0.0.0/0")));
    assert!(open_to_world(&rule("icmp", Some((8, -1)), "0.0.0.0/0")));
    assert!(!open_to_world(&rule("-1", None, "sg-0123456789abcdef0")));
    assert!(!open_to_world(&rule("-1", None, "pl-0123456789abcdef0")));
}

#[test]
fn protocols_and_ports_read_as_in_the_console() {
    assert_eq!(protocol_name("-1"), "all");
    assert_eq!(protocol_name("6"), "tcp");
    assert_eq!(protocol_name("17"), "udp");
    assert_eq!(protocol_name("1"), "icmp");
    assert_eq!(protocol_name("50"), "50");
    assert_eq!(ports(&rule("-1", None, "0.0.0.0/0")), "all");
    assert_eq!(ports(&rule("tcp", Some((22, 22)), "")), "22");
    assert_eq!(ports(&rule("udp", Some((1024, 65535)), "")), "1024-65535");
    assert_eq!(ports(&rule("tcp", Some((0, 65535)), "")), "all");
    assert_eq!(ports(&rule("icmp", Some((-1, -1)), "")), "all");
    assert_eq!(ports(&rule("icmp", Some((8, -1)), "")), "type 8");
    assert_eq!(ports(&rule("1", Some((3, 4)), "")), "type 3 code 4");
}

/// The demo with the security groups pane focused, as a user gets there.
async fn groups_pane() -> Driver<ec2tui::aws::demo::DemoRegion> {
    let mut d = demo_app(60).await;
    d.keys(":sg").await;
    d.enter().await;
    assert_eq!(d.app.focused, "security_groups", "{}", d.status());
    d
}

#[tokio::test]
async fn security_groups_pane() {
    let mut d = groups_pane().await;
    let list = &d.app.pane::<SecurityGroupsPane>().unwrap().list;
    assert_eq!(list.len(), 6);
    let bastion = list.get("sg-0demo00000003").unwrap();
    assert_eq!(bastion.cell(Col::Open, 0), ("22".to_string(), Tone::Bad));
    let web = list.get("sg-0demo00000001").unwrap();
    assert_eq!(web.cell(Col::Open, 0).1, Tone::Muted, "80 and 443 only");
    assert_eq!(web.cell(Col::Inbound, 0).0, "4");
    insta::assert_snapshot!(text(&render(&mut d.app, 120, 30)));
}

#[tokio::test]
async fn security_groups_pane_narrow() {
    let mut d = groups_pane().await;
    insta::assert_snapshot!(text(&render(&mut d.app, 80, 24)));
}

#[tokio::test]
async fn bastion_group_details() {
    let mut d = groups_pane().await;
    d.filter("bastion").await;
    d.enter().await;
    let det = d.app.details().expect("the details are open");
    assert_eq!(det.title, "bastion-sg (sg-0demo00000003)");
    let open: Vec<_> = det
        .lines
        .iter()
        .filter(|l| l.iter().any(|(s, _)| s.contains(OPEN_MARK)))
        .collect();
    assert_eq!(open.len(), 1, "{:#?}", det.text());
    assert!(
        open[0].iter().all(|(_, t)| *t == Tone::Bad),
        "{:?}",
        open[0]
    );
    assert!(open[0][0].0.contains("22") && open[0][0].0.contains("0.0.0.0/0"));
    let text_lines = det.text();
    let used = text_lines
        .iter()
        .position(|l| l.starts_with("Used by instances ("))
        .expect("a used-by section");
    assert!(
        text_lines[used + 1].trim_start().starts_with("bastion-"),
        "{text_lines:#?}"
    );
    insta::assert_snapshot!(text(&render(&mut d.app, 120, 30)));
}

#[tokio::test]
async fn bastion_group_details_narrow() {
    let mut d = groups_pane().await;
    d.filter("bastion").await;
    d.enter().await;
    insta::assert_snapshot!(text(&render(&mut d.app, 80, 24)));
}
