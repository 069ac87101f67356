//! The security groups pane: a row per group with its inbound and outbound rule counts, and
//! the ports open to the whole internet (other than 80 and 443) standing out. `Enter` shows
//! every rule and the instances (of the instances pane) that use the group; there `j`/`k`
//! choose a rule and `Ctrl-d` revokes it (typed `revoke` when it is the last rule letting SSH
//! or RDP in).

use std::any::Any;
use std::cmp::Ordering;

use super::kit::state_tone;
use crate::app::clip::CopyWhat;
use crate::app::{
    Collection, Column, Confirm, ConfirmView, Cx, DetailsView, Dialog, Effect, Job, Key, KeyCode,
    Lines, Load, Pane, PaneSpec, Resource, Shared, TableOps, Target, Tone, lower,
};
use crate::aws::ops::RevokeRule;
use crate::aws::{
    ApiResult, Instance, InstanceState, Op, Outcome, Page, Rule, RuleSource, SecurityGroup,
};

pub const ID: &str = "security_groups";

/// The marker of a rule open to the world.
pub const OPEN_MARK: &str = "⚠ open to the world";

/// The protocol's name: `-1` is "all", the numbers EC2 may give for tcp, udp, icmp and
/// icmpv6 are named, any other protocol number is kept.
pub fn protocol_name(p: &str) -> &str {
    match p {
        "-1" | "all" => "all",
        "6" | "tcp" => "tcp",
        "17" | "udp" => "udp",
        "1" | "icmp" => "icmp",
        "58" | "icmpv6" => "icmpv6",
        other => other,
    }
}

/// The ports of a rule as EC2 gives them: "all", "22", "1024-65535"; for ICMP the type and
/// code ("all", "type 8", "type 3 code 4").
pub fn ports(rule: &Rule) -> String {
    let proto = protocol_name(&rule.protocol);
    if proto == "all" {
        return "all".into();
    }
    let (from, to) = match (rule.from_port, rule.to_port) {
        (Some(f), Some(t)) => (f, t),
        (Some(f), None) => (f, -1),
        _ => return "all".into(),
    };
    if proto == "icmp" || proto == "icmpv6" {
        return match (from, to) {
            (-1, _) => "all".into(),
            (t, -1) => format!("type {t}"),
            (t, c) => format!("type {t} code {c}"),
        };
    }
    match (from, to) {
        (-1, _) | (0, 65535) => "all".into(),
        (f, t) if f == t => f.to_string(),
        (f, t) => format!("{f}-{t}"),
    }
}

/// A rule open to the whole internet (`0.0.0.0/0` or `::/0`) on anything but exactly port 80
/// or exactly port 443: SSH, databases, a port range, all traffic.
pub fn open_to_world(rule: &Rule) -> bool {
    let world = matches!(rule.kind, RuleSource::Cidr4 | RuleSource::Cidr6)
        && matches!(rule.source.as_str(), "0.0.0.0/0" | "::/0");
    if !world {
        return false;
    }
    let web = matches!(protocol_name(&rule.protocol), "tcp" | "udp")
        && rule.from_port == rule.to_port
        && matches!(rule.from_port, Some(80 | 443));
    !web
}

/// How a rule open to the world is named in the table: "22", "udp 53", "all", "icmp all".
fn open_label(rule: &Rule) -> String {
    match protocol_name(&rule.protocol) {
        "all" => "all".into(),
        "tcp" => ports(rule),
        p => format!("{p} {}", ports(rule)),
    }
}

/// The inbound rules open to the world, once each ("22" from both 0.0.0.0/0 and ::/0 is one).
fn open_ports(g: &SecurityGroup) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in g.inbound.iter().filter(|r| open_to_world(r)) {
        let l = open_label(r);
        if !out.contains(&l) {
            out.push(l);
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Name,
    Id,
    Inbound,
    Outbound,
    Open,
    Vpc,
    Description,
}

/// The VPC comes late and is dropped whole (not cut to "vpc-0de…") on a narrow terminal:
/// the table drops columns from the right but the last.
const COLUMNS: &[(Col, Column)] = &[
    (Col::Name, Column::new("Name", 18, 10)),
    (Col::Id, Column::new("Group ID", 20, 16)),
    (Col::Inbound, Column::new("Inbound", 7, 7)),
    (Col::Outbound, Column::new("Outbound", 8, 8)),
    (Col::Open, Column::new("Open to world", 13, 13)),
    (Col::Vpc, Column::new("VPC", 21, 21)),
    (Col::Description, Column::new("Description", 40, 11)),
];

impl Resource for SecurityGroup {
    type Col = Col;

    fn id(&self) -> &str {
        &self.id
    }
    fn columns() -> &'static [(Col, Column)] {
        COLUMNS
    }
    fn cell(&self, col: Col, _now: i64) -> (String, Tone) {
        let dash = |s: &str| {
            if s.is_empty() {
                ("-".to_string(), Tone::Muted)
            } else {
                (s.to_string(), Tone::Normal)
            }
        };
        match col {
            Col::Name => dash(&self.name),
            Col::Id => (self.id.clone(), Tone::Normal),
            Col::Vpc => dash(&self.vpc_id),
            Col::Inbound => (self.inbound.len().to_string(), Tone::Normal),
            Col::Outbound => (self.outbound.len().to_string(), Tone::Normal),
            Col::Open => {
                let open = open_ports(self);
                if open.is_empty() {
                    ("-".into(), Tone::Muted)
                } else {
                    (open.join(", "), Tone::Bad)
                }
            }
            Col::Description => dash(&self.description),
        }
    }
    fn compare(&self, other: &Self, col: Col) -> Ordering {
        match col {
            Col::Inbound => self.inbound.len().cmp(&other.inbound.len()),
            Col::Outbound => self.outbound.len().cmp(&other.outbound.len()),
            Col::Open => {
                let k = |g: &Self| {
                    let open = open_ports(g);
                    (open.len(), open.join(", "))
                };
                k(self).cmp(&k(other))
            }
            c => crate::app::cmp_ci(&self.cell(c, 0).0, &other.cell(c, 0).0),
        }
    }
    fn tags(&self) -> &[(String, String)] {
        &self.tags
    }
    fn taggable() -> bool {
        true
    }
    fn set_tags(&mut self, tags: Vec<(String, String)>) {
        self.tags = tags;
    }
    fn value(&self, what: CopyWhat) -> Option<String> {
        (what == CopyWhat::Name).then(|| self.name.clone())
    }
    fn arn_resource(&self) -> Option<(String, bool)> {
        Some((format!("security-group/{}", self.id), true))
    }
    fn to_json(&self, _now: i64) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    fn filter_text(&self) -> String {
        let mut s = format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.name, self.id, self.vpc_id, self.description
        );
        for r in self.inbound.iter().chain(&self.outbound) {
            s.push_str(&format!(
                "\u{1f}{} {} {} {}",
                protocol_name(&r.protocol),
                ports(r),
                r.source,
                r.description
            ));
        }
        for (k, v) in &self.tags {
            s.push_str(&format!("\u{1f}{k}={v}"));
        }
        lower(s)
    }
}

/// What this pane's fetch hands back.
pub struct Got(pub ApiResult<Page<SecurityGroup>>);

pub static SPEC: PaneSpec = PaneSpec {
    id: ID,
    title: "Security groups pane",
    focus: "security groups pane",
    one: "security group",
    commands: &["sg", "securitygroups", "security-groups", "groups"],
    number: None,
    actions: &[],
    footer: &[
        "details",
        "filter",
        "pane_instances",
        "refresh",
        "help",
        "quit",
    ],
};

/// An instance that uses a group: name, id, state.
#[derive(Debug, Clone)]
struct User {
    name: String,
    id: String,
    state: InstanceState,
}

/// The instances that use the group whose details are open, taken from the instances pane
/// (the details view is drawn without access to the other panes).
#[derive(Debug, Clone, Default)]
struct Users {
    group: String,
    instances: Vec<User>,
    /// Where the instances pane's listing stood.
    load: Option<Load>,
}

pub struct SecurityGroupsPane {
    pub list: Collection<SecurityGroup>,
    /// The instances that use the group whose details are open.
    users: Users,
    /// The rule chosen in the open details (inbound rules first, then outbound), and whose
    /// details they are.
    rule_cursor: (String, usize),
}

/// Whether a rule lets this port in over TCP.
fn lets_in(r: &Rule, port: i32) -> bool {
    let tcp = matches!(r.protocol.as_str(), "tcp" | "6" | "-1" | "all");
    let covers = match (r.from_port, r.to_port) {
        (None, _) | (Some(-1), _) => true,
        (Some(a), Some(b)) => a <= port && port <= b,
        (Some(a), None) => a == port,
    };
    tcp && covers
}

/// "SSH (22)" / "RDP (3389)" when revoking `rule` leaves no inbound rule of `g` letting it in
/// from the same kind of source: an IPv6 rule left is no way in for an IPv4 client, nor is a
/// rule from a security group (the default group's own) for anyone outside it.
fn last_way_in(g: &SecurityGroup, rule: &Rule) -> Vec<&'static str> {
    [(22, "SSH (22)"), (3389, "RDP (3389)")]
        .into_iter()
        .filter(|(port, _)| {
            lets_in(rule, *port)
                && g.inbound
                    .iter()
                    .filter(|r| r.kind == rule.kind && lets_in(r, *port))
                    .count()
                    == 1
        })
        .map(|(_, name)| name)
        .collect()
}

/// Whom a rule's source stands for, in the last-way-in warning.
fn from_whom(kind: &RuleSource) -> &'static str {
    match kind {
        RuleSource::Cidr4 => "from IPv4 addresses",
        RuleSource::Cidr6 => "from IPv6 addresses",
        RuleSource::Group => "from security groups",
        RuleSource::PrefixList => "from prefix lists",
    }
}

impl Default for SecurityGroupsPane {
    fn default() -> Self {
        let mut list = Collection::default();
        list.set_sort(Col::Name, false);
        Self {
            list,
            users: Users::default(),
            rule_cursor: (String::new(), 0),
        }
    }
}

impl SecurityGroupsPane {
    /// The instances of the instances pane that use `group`, by name.
    fn users_of(group: &str, cx: &Cx) -> Users {
        let Some(load) = cx.load_of::<Instance>() else {
            return Users {
                group: group.to_string(),
                ..Users::default()
            };
        };
        let load = load.clone();
        let mut instances: Vec<User> = cx
            .rows::<Instance>()
            .filter(|i| i.security_groups.iter().any(|(g, _)| g == group))
            .map(|i| User {
                name: i.name.clone(),
                id: i.id.clone(),
                state: i.state,
            })
            .collect();
        instances.sort_by_cached_key(|u| (u.name.to_lowercase(), u.id.clone()));
        Users {
            group: group.to_string(),
            instances,
            load: Some(load),
        }
    }

    /// The label of a rule's source (or destination): a group of this region named, this
    /// group itself, another account's group, a prefix list.
    fn source(&self, g: &SecurityGroup, r: &Rule) -> String {
        match r.kind {
            RuleSource::Group if r.source == g.id => format!("{} (this group)", r.source),
            RuleSource::Group => match r.source.split_once('/') {
                Some((group, account)) => format!("{group} (account {account})"),
                None => match self.list.get(&r.source) {
                    Some(other) if !other.name.is_empty() => {
                        format!("{} ({})", r.source, other.name)
                    }
                    _ => r.source.clone(),
                },
            },
            RuleSource::PrefixList => format!("{} (prefix list)", r.source),
            RuleSource::Cidr4 | RuleSource::Cidr6 => r.source.clone(),
        }
    }

    /// The chosen rule of the group whose details are open: (inbound, rule).
    fn chosen(&self, g: &SecurityGroup) -> Option<(bool, Rule)> {
        let n = g.inbound.len() + g.outbound.len();
        let i = if self.rule_cursor.0 == g.id {
            self.rule_cursor.1.min(n.saturating_sub(1))
        } else {
            0
        };
        match g.inbound.get(i) {
            Some(r) => Some((true, r.clone())),
            None => g
                .outbound
                .get(i - g.inbound.len())
                .map(|r| (false, r.clone())),
        }
    }

    /// `Ctrl-d` in a group's details: revoke the chosen rule, confirmed (typed when it is the
    /// last rule letting SSH or RDP in).
    fn propose_revoke(&mut self, id: &str, cx: &mut Cx) -> Vec<Effect> {
        if cx.ctx.read_only {
            let why = cx.read_only_why();
            cx.error(format!(
                "read-only mode: revoking a rule is disabled ({why})"
            ));
            return vec![];
        }
        let Some(g) = self.list.get(id) else {
            return vec![];
        };
        let Some((inbound, rule)) = self.chosen(g) else {
            cx.error(format!("{} has no rules to revoke", g.id));
            return vec![];
        };
        let last = !last_way_in(g, &rule).is_empty() && inbound;
        let op = RevokeRule {
            group: Target::new(g.id.clone(), g.name.clone()),
            inbound,
            rule,
            last_way_in: last,
        };
        let mut c = Confirm::new(ID, "Revoke rule", vec![Op::new(op)]);
        if last {
            c.typed = Some("revoke");
            c.danger = true;
        }
        c.progress = "revoking the rule…".into();
        cx.dialog = Some(Dialog::Confirm(c));
        vec![]
    }

    /// A heading, then a line per rule under column titles; inbound rules open to the world
    /// stand out; the chosen rule is marked `▶`.
    fn rules(&self, d: &mut Lines, g: &SecurityGroup, inbound: bool) {
        let (title, rules, peer) = if inbound {
            ("Inbound rules", &g.inbound, "Source")
        } else {
            ("Outbound rules", &g.outbound, "Destination")
        };
        d.heading(format!("{title} ({})", rules.len()));
        if rules.is_empty() {
            d.line("  none", Tone::Muted);
            return;
        }
        let rows: Vec<[String; 3]> = rules
            .iter()
            .map(|r| {
                [
                    protocol_name(&r.protocol).to_string(),
                    ports(r),
                    self.source(g, r),
                ]
            })
            .collect();
        let titles = ["Protocol", "Ports", peer];
        let w: Vec<usize> = (0..3)
            .map(|i| {
                rows.iter()
                    .map(|r| r[i].chars().count())
                    .chain([titles[i].len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |c: [&str; 3], description: &str| {
            let (a, b, s) = (c[0], c[1], c[2]);
            format!(
                "  {a:<w0$}  {b:<w1$}  {s:<w2$}  {description}",
                w0 = w[0],
                w1 = w[1],
                w2 = w[2]
            )
            .trim_end()
            .to_string()
        };
        d.line(line(titles, "Description"), Tone::Muted);
        let offset = if inbound { 0 } else { g.inbound.len() };
        let chosen = if self.rule_cursor.0 == g.id {
            self.rule_cursor
                .1
                .min((g.inbound.len() + g.outbound.len()).saturating_sub(1))
        } else {
            0
        };
        for (i, (cells, r)) in rows.iter().zip(rules).enumerate() {
            let mut text = line([&cells[0], &cells[1], &cells[2]], &r.description);
            if offset + i == chosen {
                text.replace_range(..2, "▶ ");
            }
            if inbound && open_to_world(r) {
                d.spans(vec![
                    (text, Tone::Bad),
                    (format!("  {OPEN_MARK}"), Tone::Bad),
                ]);
            } else {
                d.text(text);
            }
        }
    }
}

impl Pane for SecurityGroupsPane {
    fn spec(&self) -> &'static PaneSpec {
        &SPEC
    }
    fn table(&self) -> &dyn TableOps {
        &self.list
    }
    fn table_mut(&mut self) -> &mut dyn TableOps {
        &mut self.list
    }
    fn heading(&self, _s: &Shared) -> String {
        "Security groups".into()
    }
    fn noun(&self) -> &'static str {
        "security groups"
    }
    fn empty(&self, s: &Shared) -> String {
        format!("No security groups in {}.", s.ctx.region)
    }

    fn refresh(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let job = Job::pages(
            "DescribeSecurityGroups",
            |api, token| Box::pin(async move { api.list_security_groups(token).await }),
            Got,
        );
        cx.list(ID, &mut self.list, job)
    }

    fn on_loaded(&mut self, req: u64, data: Box<dyn Any + Send>, cx: &mut Cx) -> Vec<Effect> {
        let Ok(got) = data.downcast::<Got>() else {
            return vec![];
        };
        match got.0 {
            Ok(page) => {
                let last = page.next_token.is_none();
                self.list.apply_page(req, page.items, last);
            }
            Err(e) => {
                if self.list.fail(req, e.clone()) && cx.focused == ID {
                    cx.error_with_hint("cannot list security groups", &e);
                }
            }
        }
        vec![]
    }

    fn details(&self, id: &str, _s: &Shared) -> Option<DetailsView> {
        let g = self.list.get(id)?;
        let title = if g.name.is_empty() {
            g.id.clone()
        } else {
            format!("{} ({})", g.name, g.id)
        };
        let mut d = DetailsView::build(title, 13);
        d.kv("Name", g.name.clone())
            .kv("Group ID", g.id.clone())
            .kv("VPC", g.vpc_id.clone())
            .kv("Description", g.description.clone())
            .blank();
        if !g.inbound.is_empty() || !g.outbound.is_empty() {
            d.line("j/k choose a rule · Ctrl-d revokes it", Tone::Muted);
        }
        self.rules(&mut d, g, true);
        d.blank();
        self.rules(&mut d, g, false);
        d.blank();
        let users = (self.users.group == g.id).then_some(&self.users);
        let found = users.map_or(&[][..], |u| u.instances.as_slice());
        d.heading(format!("Used by instances ({})", found.len()));
        let who: Vec<String> = found
            .iter()
            .map(|u| {
                if u.name.is_empty() {
                    u.id.clone()
                } else {
                    format!("{} ({})", u.name, u.id)
                }
            })
            .collect();
        let w = who.iter().map(|s| s.chars().count()).max().unwrap_or(0);
        for (u, who) in found.iter().zip(who) {
            d.spans(vec![
                (format!("  {who:<w$}  "), Tone::Normal),
                (u.state.to_string(), state_tone(u.state)),
            ]);
        }
        match users.and_then(|u| u.load.as_ref()) {
            Some(Load::Loaded) if found.is_empty() => {
                d.line("  none in the instances pane", Tone::Muted);
            }
            Some(Load::Loaded) => {}
            Some(Load::Failed(_)) => {
                d.line("  the instances pane could not list instances", Tone::Muted);
            }
            _ => {
                d.line(
                    "  the instances pane is still listing instances",
                    Tone::Muted,
                );
            }
        }
        d.blank().heading(format!("Tags ({})", g.tags.len()));
        for (k, v) in &g.tags {
            d.text(format!("  {k} = {v}"));
        }
        Some(d.done())
    }

    fn on_details_key(&mut self, id: &str, key: Key, cx: &mut Cx) -> Option<Vec<Effect>> {
        let g = self.list.get(id)?;
        let n = g.inbound.len() + g.outbound.len();
        if self.rule_cursor.0 != id {
            self.rule_cursor = (id.to_string(), 0);
        }
        let c = &mut self.rule_cursor.1;
        *c = (*c).min(n.saturating_sub(1));
        match key.code {
            KeyCode::Down | KeyCode::Char('j') if !key.ctrl => {
                *c = (*c + 1).min(n.saturating_sub(1))
            }
            KeyCode::Up | KeyCode::Char('k') if !key.ctrl => *c = c.saturating_sub(1),
            KeyCode::Char('d') if key.ctrl => return Some(self.propose_revoke(id, cx)),
            _ => return None,
        }
        // keep the chosen rule on screen
        let line = self
            .details(id, &*cx.s)?
            .text()
            .iter()
            .position(|l| l.starts_with('▶'))?;
        super::kit::scroll_details_to(line, cx);
        Some(vec![])
    }

    fn confirm_body(&self, c: &Confirm, _s: &Shared) -> ConfirmView {
        let mut view = crate::app::pane::calls_body(c);
        for op in &c.ops {
            let Some(r) = op.get::<RevokeRule>() else {
                continue;
            };
            let Some(g) = self.list.get(&r.group.id) else {
                continue;
            };
            let gone = last_way_in(g, &r.rule);
            if r.inbound && !gone.is_empty() {
                view.tail.push(vec![(
                    format!(
                        "It is the last rule letting {} in {}: nothing reaches the instances of {} that way afterwards.",
                        gone.join(" or "),
                        from_whom(&r.rule.kind),
                        r.group.label()
                    ),
                    Tone::Bad,
                )]);
            }
        }
        view
    }

    fn on_done(
        &mut self,
        _req: u64,
        results: Vec<(Op, ApiResult<Outcome>)>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        for (op, r) in &results {
            match r {
                Ok(_) => cx.ok(op.describe()),
                Err(e) => cx.call_failed(&op.describe(), e),
            }
        }
        // the cursor stays where it was: on the rule that took the revoked one's place
        self.refresh(cx)
    }

    /// While this pane's details are open, keeps the instances that use the group current.
    fn after_event(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(Dialog::Details { pane: ID, id, .. }) = &cx.dialog else {
            return vec![];
        };
        self.users = Self::users_of(id, cx);
        vec![]
    }
}
