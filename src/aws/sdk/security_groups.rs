//! `SecurityGroupsApi` over aws-sdk-ec2, and the conversion of SDK groups: each permission is
//! flattened into one rule per source.

use futures::future::BoxFuture;

use super::{SdkEc2, map_err, page_token, s};
use crate::aws::{
    ApiResult, Page, Rule, RuleSource, SecurityGroup, SecurityGroupsApi, clean_security_group,
};

/// One rule per source of each permission: IPv4 ranges, IPv6 ranges, groups, prefix lists,
/// in that order. `owner` is the group's account: a source group of another account is
/// written `sg-.../account`.
fn to_rules(perms: &[aws_sdk_ec2::types::IpPermission], owner: &str) -> Vec<Rule> {
    let mut out = Vec::new();
    for p in perms {
        let rule = |source: String, kind: RuleSource, description: Option<&str>| Rule {
            protocol: s(p.ip_protocol()),
            from_port: p.from_port(),
            to_port: p.to_port(),
            source,
            kind,
            description: s(description),
        };
        for r in p.ip_ranges() {
            out.push(rule(s(r.cidr_ip()), RuleSource::Cidr4, r.description()));
        }
        for r in p.ipv6_ranges() {
            out.push(rule(s(r.cidr_ipv6()), RuleSource::Cidr6, r.description()));
        }
        for g in p.user_id_group_pairs() {
            // a group id; only a default-VPC rule written by name may lack one
            let id = s(g.group_id().or(g.group_name()));
            let source = match g.user_id() {
                Some(account) if !account.is_empty() && account != owner => {
                    format!("{id}/{account}")
                }
                _ => id,
            };
            out.push(rule(source, RuleSource::Group, g.description()));
        }
        for l in p.prefix_list_ids() {
            out.push(rule(
                s(l.prefix_list_id()),
                RuleSource::PrefixList,
                l.description(),
            ));
        }
    }
    out
}

fn to_security_group(g: &aws_sdk_ec2::types::SecurityGroup) -> SecurityGroup {
    let owner = g.owner_id().unwrap_or_default();
    let mut out = SecurityGroup {
        id: s(g.group_id()),
        name: s(g.group_name()),
        vpc_id: s(g.vpc_id()),
        description: s(g.description()),
        inbound: to_rules(g.ip_permissions(), owner),
        outbound: to_rules(g.ip_permissions_egress(), owner),
        tags: g
            .tags()
            .iter()
            .map(|t| (s(t.key()), s(t.value())))
            .collect(),
    };
    clean_security_group(&mut out);
    out
}

impl SecurityGroupsApi for SdkEc2 {
    fn list_security_groups(
        &self,
        next_token: Option<String>,
    ) -> BoxFuture<'_, ApiResult<Page<SecurityGroup>>> {
        Box::pin(async move {
            let out = self
                .ec2
                .describe_security_groups()
                .max_results(1000)
                .set_next_token(next_token)
                .send()
                .await
                .map_err(map_err)?;
            Ok(Page {
                items: out
                    .security_groups()
                    .iter()
                    .map(to_security_group)
                    .collect(),
                next_token: page_token(out.next_token()),
            })
        })
    }

    fn revoke_rule(
        &self,
        group_id: String,
        inbound: bool,
        rule: Rule,
    ) -> BoxFuture<'_, ApiResult<()>> {
        Box::pin(async move {
            let perm = to_permission(&rule);
            if inbound {
                self.ec2
                    .revoke_security_group_ingress()
                    .group_id(group_id)
                    .ip_permissions(perm)
                    .send()
                    .await
                    .map_err(map_err)?;
            } else {
                self.ec2
                    .revoke_security_group_egress()
                    .group_id(group_id)
                    .ip_permissions(perm)
                    .send()
                    .await
                    .map_err(map_err)?;
            }
            Ok(())
        })
    }
}

/// One rule as the permission EC2 knows it by (a revoke names the rule exactly so).
fn to_permission(r: &Rule) -> aws_sdk_ec2::types::IpPermission {
    use aws_sdk_ec2::types::{IpPermission, IpRange, Ipv6Range, PrefixListId, UserIdGroupPair};
    let mut p = IpPermission::builder()
        .ip_protocol(&r.protocol)
        .set_from_port(r.from_port)
        .set_to_port(r.to_port);
    p = match r.kind {
        RuleSource::Cidr4 => p.ip_ranges(IpRange::builder().cidr_ip(&r.source).build()),
        RuleSource::Cidr6 => p.ipv6_ranges(Ipv6Range::builder().cidr_ipv6(&r.source).build()),
        RuleSource::Group => {
            let (group, account) = match r.source.split_once('/') {
                Some((g, a)) => (g, Some(a)),
                None => (r.source.as_str(), None),
            };
            p.user_id_group_pairs(
                UserIdGroupPair::builder()
                    .group_id(group)
                    .set_user_id(account.map(str::to_string))
                    .build(),
            )
        }
        RuleSource::PrefixList => {
            p.prefix_list_ids(PrefixListId::builder().prefix_list_id(&r.source).build())
        }
    };
    p.build()
}
