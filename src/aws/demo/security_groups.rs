//! `SecurityGroupsApi` of the demo region: the groups the fleet uses, and a couple more, with
//! rules of every kind of source.

use futures::future::BoxFuture;

use super::DemoRegion;
use crate::aws::{
    ApiError, ApiResult, Page, Rule, RuleSource, SecurityGroup, SecurityGroupsApi,
    clean_security_group,
};

/// A rule; `ports` None means every port, and the kind of source follows from its shape.
fn rule(protocol: &str, ports: Option<(i32, i32)>, source: &str, description: &str) -> Rule {
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
        description: description.into(),
    }
}

/// The seed groups: the first four are the ones the demo instances use (`sg-0demo0000000N`).
pub(super) fn demo_security_groups() -> Vec<SecurityGroup> {
    let tcp = |port: i32, source: &str, description: &str| {
        rule("tcp", Some((port, port)), source, description)
    };
    let group = |n: u32, name: &str, description: &str, inbound: Vec<Rule>| {
        let mut g = SecurityGroup {
            id: format!("sg-0demo{n:08}"),
            name: name.into(),
            vpc_id: "vpc-0demo1234".into(),
            description: description.into(),
            inbound,
            // EC2's default egress rule
            outbound: vec![rule("-1", None, "0.0.0.0/0", "")],
            tags: if name == "default" {
                vec![]
            } else {
                vec![("Name".into(), name.into())]
            },
        };
        clean_security_group(&mut g);
        g
    };
    vec![
        group(
            0,
            "default",
            "default VPC security group",
            vec![rule("-1", None, "sg-0demo00000000", "")],
        ),
        group(
            1,
            "web-sg",
            "Web servers: HTTP and HTTPS from anywhere",
            vec![
                tcp(80, "0.0.0.0/0", "HTTP"),
                tcp(80, "::/0", "HTTP"),
                tcp(443, "0.0.0.0/0", "HTTPS"),
                tcp(443, "::/0", "HTTPS"),
            ],
        ),
        group(
            2,
            "db-sg",
            "PostgreSQL from the application tier",
            vec![
                tcp(5432, "sg-0demo00000004", "app servers"),
                tcp(
                    5432,
                    "sg-0f1e2d3c4b5a69788/111122223333",
                    "analytics account's read replicas",
                ),
            ],
        ),
        group(
            3,
            "bastion-sg",
            "SSH to the bastion",
            vec![tcp(22, "0.0.0.0/0", "SSH from anywhere")],
        ),
        group(
            4,
            "app-sg",
            "Application servers behind the web tier",
            vec![tcp(8080, "sg-0demo00000001", "from the web servers")],
        ),
        group(
            5,
            "corp-vpn-sg",
            "Everything from the corporate VPN",
            vec![rule("-1", None, "pl-0demo5678", "corporate VPN ranges")],
        ),
    ]
}

impl SecurityGroupsApi for DemoRegion {
    fn list_security_groups(
        &self,
        next_token: Option<String>,
    ) -> BoxFuture<'_, ApiResult<Page<SecurityGroup>>> {
        Box::pin(async move {
            self.delay().await;
            let start: usize = match next_token.as_deref() {
                None => 0,
                Some(t) => t.parse().map_err(|_| {
                    ApiError::service("InvalidParameterValue", "The token is not valid")
                })?,
            };
            let inner = self.inner.lock().expect("demo region lock");
            let end = (start + self.page_size).min(inner.groups.len());
            let items = inner.groups[start.min(end)..end].to_vec();
            let next_token = (end < inner.groups.len()).then(|| end.to_string());
            Ok(Page { items, next_token })
        })
    }

    fn revoke_rule(
        &self,
        group_id: String,
        inbound: bool,
        rule: Rule,
    ) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            self.delay().await;
            let mut inner = self.inner.lock().expect("demo region lock");
            let Some(g) = inner.groups.iter_mut().find(|g| g.id == group_id) else {
                return Err(ApiError::service(
                    "InvalidGroup.NotFound",
                    format!("The security group '{group_id}' does not exist"),
                ));
            };
            let rules = if inbound {
                &mut g.inbound
            } else {
                &mut g.outbound
            };
            let same = |r: &Rule| {
                r.protocol == rule.protocol
                    && r.from_port == rule.from_port
                    && r.to_port == rule.to_port
                    && r.source == rule.source
            };
            let before = rules.len();
            rules.retain(|r| !same(r));
            if rules.len() == before {
                return Err(ApiError::service(
                    "InvalidPermission.NotFound",
                    "The specified rule does not exist in this security group.",
                ));
            }
            Ok(())
        })
    }
}
