//! Security group calls: revoking a rule.

use futures::future::BoxFuture;

use crate::aws::*;

/// `RevokeSecurityGroupIngress` / `RevokeSecurityGroupEgress` of one rule of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokeRule {
    pub group: Target,
    pub inbound: bool,
    pub rule: Rule,
    /// The last rule letting SSH or RDP in: typed confirmation.
    pub last_way_in: bool,
}

impl RevokeRule {
    /// "tcp 22 from 0.0.0.0/0" / "all traffic to sg-1".
    pub fn rule_label(&self) -> String {
        let r = &self.rule;
        let dir = if self.inbound { "from" } else { "to" };
        if r.protocol == "-1" {
            return format!("all traffic {dir} {}", r.source);
        }
        let ports = match (r.from_port, r.to_port) {
            (None, _) | (Some(-1), _) => "all ports".to_string(),
            (Some(a), Some(b)) if a == b => a.to_string(),
            (Some(a), Some(b)) => format!("{a}-{b}"),
            (Some(a), None) => a.to_string(),
        };
        format!("{} {ports} {dir} {}", r.protocol, r.source)
    }

    /// The permission as the CLI's `--ip-permissions` JSON (one rule, exactly).
    fn permission_json(&self) -> String {
        let r = &self.rule;
        let mut p = serde_json::Map::new();
        p.insert("IpProtocol".into(), r.protocol.clone().into());
        if let Some(f) = r.from_port {
            p.insert("FromPort".into(), f.into());
        }
        if let Some(t) = r.to_port {
            p.insert("ToPort".into(), t.into());
        }
        match r.kind {
            RuleSource::Cidr4 => {
                p.insert("IpRanges".into(), serde_json::json!([{"CidrIp": r.source}]));
            }
            RuleSource::Cidr6 => {
                p.insert(
                    "Ipv6Ranges".into(),
                    serde_json::json!([{"CidrIpv6": r.source}]),
                );
            }
            RuleSource::Group => {
                let pair = match r.source.split_once('/') {
                    Some((g, a)) => serde_json::json!({"GroupId": g, "UserId": a}),
                    None => serde_json::json!({"GroupId": r.source}),
                };
                p.insert("UserIdGroupPairs".into(), serde_json::json!([pair]));
            }
            RuleSource::PrefixList => {
                p.insert(
                    "PrefixListIds".into(),
                    serde_json::json!([{"PrefixListId": r.source}]),
                );
            }
        }
        serde_json::Value::Array(vec![serde_json::Value::Object(p)]).to_string()
    }
}

impl Mutation for RevokeRule {
    fn record(&self) -> Record {
        let op = if self.inbound {
            "RevokeSecurityGroupIngress"
        } else {
            "RevokeSecurityGroupEgress"
        };
        Record::new(op, vec![self.group.id.clone()]).param("rule", self.rule_label())
    }
    fn is_destructive(&self) -> bool {
        self.last_way_in
    }
    fn describe(&self) -> String {
        format!(
            "revoke {} rule {} of {}",
            if self.inbound { "inbound" } else { "outbound" },
            self.rule_label(),
            self.group.label()
        )
    }
    fn run<'a>(&'a self, api: &'a dyn Ec2Api) -> BoxFuture<'a, ApiResult<Outcome>> {
        Box::pin(async move {
            api.revoke_rule(self.group.id.clone(), self.inbound, self.rule.clone())
                .await
                .map(|()| Outcome::Done)
        })
    }
    fn cli(&self, _region: &str) -> Vec<CliLine> {
        vec![argv(&[
            "ec2",
            if self.inbound {
                "revoke-security-group-ingress"
            } else {
                "revoke-security-group-egress"
            },
            "--group-id",
            &self.group.id,
            "--ip-permissions",
            &self.permission_json(),
        ])]
    }
}
