//! Security groups and their rules: the domain types of the `SecurityGroupsApi` port.

use super::{clean, clean_pairs, is_control};

/// Where a rule's traffic comes from (inbound) or goes to (outbound).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
pub enum RuleSource {
    /// An IPv4 CIDR block.
    #[default]
    Cidr4,
    /// An IPv6 CIDR block.
    Cidr6,
    /// Another security group (or the group itself).
    Group,
    /// A managed prefix list.
    PrefixList,
}

/// One rule of a security group, for one source: EC2's permissions, which list several
/// sources each, are flattened into one rule per source.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Rule {
    /// `-1` means all traffic; otherwise `tcp`, `udp`, `icmp`, `icmpv6` or a protocol number.
    pub protocol: String,
    /// The first port (for ICMP: the type); `None` when the rule covers every port.
    pub from_port: Option<i32>,
    /// The last port (for ICMP: the code).
    pub to_port: Option<i32>,
    /// A CIDR, an IPv6 CIDR, a group id (`sg-...`, then `/account` when the group is another
    /// account's) or a prefix list id (`pl-...`).
    pub source: String,
    pub kind: RuleSource,
    pub description: String,
}

/// A security group with its rules.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct SecurityGroup {
    pub id: String,
    pub name: String,
    pub vpc_id: String,
    pub description: String,
    pub inbound: Vec<Rule>,
    pub outbound: Vec<Rule>,
    #[serde(serialize_with = "super::tags_as_map")]
    pub tags: Vec<(String, String)>,
}

/// Cleans every string of a security group and its rules in place.
pub fn clean_security_group(g: &mut SecurityGroup) {
    for s in [&mut g.id, &mut g.name, &mut g.vpc_id, &mut g.description] {
        if s.chars().any(is_control) {
            *s = clean(s);
        }
    }
    for r in g.inbound.iter_mut().chain(g.outbound.iter_mut()) {
        for s in [&mut r.protocol, &mut r.source, &mut r.description] {
            if s.chars().any(is_control) {
                *s = clean(s);
            }
        }
    }
    clean_pairs(&mut g.tags);
}
