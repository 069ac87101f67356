//! The launch form, shared by every pane that launches instances (from an AMI, more like an
//! instance; later from a launch template): instance types of the AMI's architecture, key
//! pairs, subnets and their VPC's security groups, count, name and tags, user data (text or
//! `@path`), termination protection. DryRun first, then the launch; the new instances are
//! handed to the instances pane.

use crate::app::Fact;
use crate::app::{Cx, Effect, Field, FieldValue, Form, FormTag, Job, Opt, PaneId};
use crate::aws::ops::*;
use crate::aws::{
    ApiResult, Ec2Api, ErrorKind, Instance, InstanceTypeInfo, LaunchSpec, Op, Outcome,
    SecurityGroup, Subnet,
};

pub const F_TYPE: &str = "Instance type";
pub const F_KEY: &str = "Key pair";
pub const F_SUBNET: &str = "Subnet";
pub const F_GROUPS: &str = "Security groups";
pub const F_COUNT: &str = "Count";
pub const F_NAME: &str = "Name";
pub const F_TAGS: &str = "Tags (k=v, one a line)";
pub const F_USER_DATA: &str = "User data (text, or @path)";
pub const F_PROTECT: &str = "Termination protection";

/// What the launch form offers, loaded once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LaunchOptions {
    pub types: Vec<InstanceTypeInfo>,
    pub keys: Vec<String>,
    pub subnets: Vec<Subnet>,
    pub groups: Vec<SecurityGroup>,
}

/// The launch options arrived (a job's result, for the pane that owns the form).
pub struct OptionsLoaded(pub ApiResult<LaunchOptions>);

/// The tag of an open launch form.
#[derive(Debug, Clone)]
pub struct LaunchTag {
    pub image_id: String,
    pub arch: String,
    /// Which opening of the form this is: a late answer never acts on another one.
    pub form: u64,
}

/// Loads what the launch form offers: instance types, the key pairs' names (from the key
/// pairs port, as the key pairs pane lists them), subnets, and every security group.
pub async fn load_options(api: &dyn Ec2Api) -> ApiResult<LaunchOptions> {
    let keys = async {
        let mut names: Vec<String> = api
            .list_key_pairs()
            .await?
            .into_iter()
            .map(|k| k.name)
            .filter(|n| !n.is_empty())
            .collect();
        names.sort();
        Ok(names)
    };
    let groups = async {
        let mut all = Vec::new();
        let mut token = None;
        loop {
            let page = api.list_security_groups(token.take()).await?;
            all.extend(page.items);
            match page.next_token {
                Some(t) => token = Some(t),
                None => return Ok(all),
            }
        }
    };
    let (types, keys, subnets, groups) =
        futures::join!(api.instance_types(), keys, api.subnets(), groups);
    Ok(LaunchOptions {
        types: types?,
        keys: keys?,
        subnets: subnets?,
        groups: groups?,
    })
}

/// Refuses an instance type that cannot run an AMI's architecture, before any call.
pub fn check_architecture(
    info: &InstanceTypeInfo,
    arch: &str,
    image_id: &str,
) -> Result<(), String> {
    if arch.is_empty()
        || info.architectures.is_empty()
        || info.architectures.iter().any(|a| a == arch)
    {
        return Ok(());
    }
    Err(format!(
        "instance type {} ({}) cannot run the {arch} AMI {image_id}: choose a type that supports {arch}",
        info.name,
        info.architectures.join(", ")
    ))
}

/// Tags a user may copy: not AWS's reserved `aws:` ones.
pub fn user_tags(tags: &[(String, String)]) -> Vec<(String, String)> {
    tags.iter()
        .filter(|(k, _)| !k.starts_with("aws:"))
        .cloned()
        .collect()
}

/// A tag as a line of the tags field: `Key=Value`, a line break shown as `\n`.
pub fn tag_line(k: &str, v: &str) -> String {
    format!("{k}={v}").replace('\n', "\\n")
}

/// The tags field into pairs: one `Key=Value` a line, split at the first `=`. A line left
/// as it was copied from the instance (`copied`) is that tag exactly, whatever it holds
/// (commas, quotes, `=` in its key, spaces around it, line breaks); a typed line is
/// trimmed around its key and value.
pub fn parse_tags(
    text: &str,
    copied: &[(String, String)],
) -> Result<Vec<(String, String)>, String> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let (k, v) = match copied.iter().find(|(k, v)| tag_line(k, v) == line) {
            Some((k, v)) => (k.clone(), v.clone()),
            None => {
                let (k, v) = line
                    .split_once('=')
                    .ok_or_else(|| format!("tag {:?} is not Key=Value", line.trim()))?;
                (k.trim().to_string(), v.trim().to_string())
            }
        };
        if k.is_empty() {
            return Err(format!("tag {:?} has an empty key", line.trim()));
        }
        if k.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:")) {
            return Err(format!(
                "{k}: keys starting with aws: are reserved for AWS (EC2 refuses them)"
            ));
        }
        match out.iter_mut().find(|(x, _)| *x == k) {
            Some(e) => e.1 = v,
            None => out.push((k, v)),
        }
    }
    Ok(out)
}

/// The tags of the instance a form copies, as the tags field shows them (not `Name`, which
/// has its own field, nor AWS's own).
fn copied_tags(like: Option<&Instance>) -> Vec<(String, String)> {
    like.map(|i| user_tags(&i.tags))
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k != "Name")
        .collect()
}

/// The launch form of one pane: its options (loaded when it opens) and the instance it
/// copies.
#[derive(Default)]
pub struct Launcher {
    pub options: Option<LaunchOptions>,
    like: Option<Instance>,
    /// The launch being checked or sent: the form it came from and the spec the DryRun
    /// checks. Only that spec is launched, only while that form is open, only once.
    pending: Option<(u64, LaunchSpec)>,
    /// User data carried from the instance a launch is like: the form it was put in, the
    /// text shown there (cleaned for the screen), and the exact text sent while the field
    /// still shows it unchanged.
    carried: Option<(u64, String, String)>,
}

impl Launcher {
    /// Opens the form for `pane` and fetches its list options.
    pub fn open(
        &mut self,
        pane: PaneId,
        title: String,
        image_id: String,
        arch: String,
        like: Option<Instance>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        let name = like.as_ref().map(|i| i.name.clone()).unwrap_or_default();
        let tags: Vec<String> = copied_tags(like.as_ref())
            .iter()
            .map(|(k, v)| tag_line(k, v))
            .collect();
        let tags = tags.join("\n");
        let mut form = Form::new(
            title,
            vec![
                Field::loading_choice(F_TYPE),
                Field::loading_choice(F_KEY),
                Field::loading_choice(F_SUBNET),
                Field::loading_multi(F_GROUPS),
                Field::text(F_COUNT, "1"),
                Field::text(F_NAME, &name),
                Field::area(F_TAGS, &tags),
                Field::area(F_USER_DATA, ""),
                Field::toggle(F_PROTECT, false),
            ],
        );
        form.intro.push(format!("AMI {image_id} ({arch})"));
        let tag = LaunchTag {
            image_id,
            arch,
            form: cx.req(),
        };
        cx.open_form(pane, form, FormTag::new(tag));
        self.like = like;
        // fetched at every opening: key pairs and groups come and go (the key pairs pane
        // creates them); the last list is kept for checks until the new one arrives
        let job = Job::once(
            "DescribeInstanceTypes, DescribeKeyPairs, DescribeSubnets, DescribeSecurityGroups",
            |api| Box::pin(async move { OptionsLoaded(load_options(&*api).await) }),
        );
        vec![cx.fetch(pane, job).1]
    }

    /// The user data of the instance a launch is like, for the form `opening`: shown cleaned,
    /// sent exactly as it is unless the user changes it.
    pub fn carry_user_data(&mut self, opening: u64, shown: String, exact: String) {
        self.carried = Some((opening, shown, exact));
    }

    /// The options arrived: fill an open launch form.
    pub fn on_options(&mut self, result: ApiResult<LaunchOptions>, cx: &mut Cx) {
        match result {
            Ok(o) => {
                self.options = Some(o);
                self.fill(cx);
            }
            Err(e) => {
                cx.form_error(format!("cannot load the launch options: {}", e.describe()));
            }
        }
    }

    /// Puts the loaded options into an open launch form, with its defaults.
    fn fill(&mut self, cx: &mut Cx) {
        let Some(opts) = &self.options else {
            return;
        };
        let Some(arch) = cx.form_tag::<LaunchTag>().map(|t| t.arch.clone()) else {
            return;
        };
        let like = self.like.as_ref();
        let Some(form) = cx.form_mut() else {
            return;
        };
        let mut types: Vec<&InstanceTypeInfo> = opts
            .types
            .iter()
            .filter(|t| arch.is_empty() || t.architectures.contains(&arch))
            .collect();
        types.sort_by(|a, b| {
            (a.memory_mib, a.vcpus, &a.name).cmp(&(b.memory_mib, b.vcpus, &b.name))
        });
        let type_opts: Vec<Opt> = types
            .iter()
            .map(|t| {
                Opt::new(
                    &t.name,
                    format!(
                        "{:<14} {:>3} vCPU {:>7.1} GiB{}",
                        t.name,
                        t.vcpus,
                        t.memory_mib as f64 / 1024.0,
                        if t.current_generation {
                            ""
                        } else {
                            "  previous generation"
                        }
                    ),
                )
            })
            .collect();
        let type_sel = like
            .and_then(|i| types.iter().position(|t| t.name == i.instance_type))
            .or_else(|| types.iter().position(|t| t.current_generation))
            .or(if types.is_empty() { None } else { Some(0) });
        form.field_mut(F_TYPE).set_options(type_opts, type_sel);

        let mut key_opts = vec![Opt::new("", "(none)")];
        key_opts.extend(opts.keys.iter().map(|k| Opt::new(k, k)));
        let key_sel = like
            .and_then(|i| opts.keys.iter().position(|k| *k == i.key_name))
            .map(|p| p + 1)
            .unwrap_or(0);
        form.field_mut(F_KEY).set_options(key_opts, Some(key_sel));

        let mut subnet_opts = vec![Opt::new("", "(default subnet)")];
        subnet_opts.extend(
            opts.subnets
                .iter()
                .map(|n| Opt::new(&n.id, format!("{}  {}  {}  {}", n.id, n.az, n.cidr, n.name))),
        );
        let subnet_sel = like
            .and_then(|i| opts.subnets.iter().position(|n| n.id == i.subnet_id))
            .map(|p| p + 1)
            .unwrap_or(0);
        form.field_mut(F_SUBNET)
            .set_options(subnet_opts, Some(subnet_sel));
        let chosen: Vec<String> = like
            .map(|i| i.security_groups.iter().map(|(id, _)| id.clone()).collect())
            .unwrap_or_default();
        fill_groups(form, opts, &chosen);
    }

    /// A field changed: the subnet decides the groups offered; user data says its size.
    pub fn on_changed(&mut self, label: &str, cx: &mut Cx) {
        let opts = self.options.as_ref();
        let Some(form) = cx.form_mut() else {
            return;
        };
        if label == F_SUBNET {
            if let Some(opts) = opts {
                let keep: Vec<String> = form
                    .field(F_GROUPS)
                    .get()
                    .split(',')
                    .map(str::to_string)
                    .collect();
                fill_groups(form, opts, &keep);
            }
        } else if label == F_USER_DATA {
            let text = form.field(F_USER_DATA).get();
            let help = if let Some(path) = text.trim().strip_prefix('@') {
                format!("read from {} when launching", path.trim())
            } else {
                format!("{} bytes, base64-encoded by ec2tui", text.len())
            };
            form.field_mut(F_USER_DATA).help = Some(help);
        }
    }

    /// Checks the form and asks for the DryRun; the launch follows when it passes.
    pub fn submit(&mut self, pane: PaneId, cx: &mut Cx) -> Vec<Effect> {
        let Some(tag) = cx.form_tag::<LaunchTag>().cloned() else {
            return vec![];
        };
        if self.pending.is_some() {
            return cx.form_error("a launch is being checked or sent: wait for its answer");
        }
        let Some(form) = cx.form() else {
            return vec![];
        };
        let spec = match self.spec(form, &tag) {
            Ok(s) => s,
            Err(e) => return cx.form_error(e),
        };
        if let Some(form) = cx.form_mut() {
            form.error = None;
            form.info = Some("checking with DryRun…".into());
        }
        let fx = cx.call(
            pane,
            vec![Op::new(RunInstances {
                spec: spec.clone(),
                dry_run: true,
            })],
        );
        if !fx.is_empty() {
            self.pending = Some((tag.form, spec));
        }
        fx
    }

    fn spec(&self, form: &Form, tag: &LaunchTag) -> Result<LaunchSpec, String> {
        let count = form
            .field(F_COUNT)
            .get()
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|c| (1..=50).contains(c))
            .ok_or("count must be a whole number from 1 to 50")?;
        let ty = form.field(F_TYPE).get();
        if ty.is_empty() {
            return Err("choose an instance type (the list is still loading?)".into());
        }
        if let Some(info) = self
            .options
            .as_ref()
            .and_then(|o| o.types.iter().find(|t| t.name == ty))
        {
            check_architecture(info, &tag.arch, &tag.image_id)?;
        }
        let mut tags = Vec::new();
        let name = form.field(F_NAME).get().trim().to_string();
        if !name.is_empty() {
            tags.push(("Name".to_string(), name));
        }
        let has_name = !tags.is_empty();
        tags.extend(
            parse_tags(&form.field(F_TAGS).get(), &copied_tags(self.like.as_ref()))?
                .into_iter()
                .filter(|(k, _)| k != "Name" || !has_name),
        );
        let groups = form.field(F_GROUPS).get();
        Ok(LaunchSpec {
            image_id: tag.image_id.clone(),
            instance_type: ty,
            key_name: Some(form.field(F_KEY).get()).filter(|k| !k.is_empty()),
            security_group_ids: groups
                .split(',')
                .filter(|g| !g.is_empty())
                .map(str::to_string)
                .collect(),
            subnet_id: Some(form.field(F_SUBNET).get()).filter(|s| !s.is_empty()),
            count,
            tags,
            user_data: {
                let typed = form.field(F_USER_DATA).get();
                match &self.carried {
                    // unchanged: the instance's own bytes, tabs and all
                    Some((f, shown, exact)) if *f == tag.form && *shown == typed => {
                        Some(exact.clone())
                    }
                    _ => Some(typed).filter(|u| !u.is_empty()),
                }
            },
            termination_protection: form.field(F_PROTECT).on(),
        })
    }

    /// A `RunInstances` finished: after a passing DryRun, launch for real; after the launch,
    /// hand the instances to the instances pane and go there.
    pub fn on_done(
        &mut self,
        pane: PaneId,
        call: &RunInstances,
        result: ApiResult<Outcome>,
        cx: &mut Cx,
    ) -> Vec<Effect> {
        let current = cx.form_tag::<LaunchTag>().map(|t| t.form);
        let ours = self.pending.as_ref().map(|(f, _)| *f);
        // the answer belongs to the form still open (not a later one)
        let form_open = current.is_some() && current == ours;
        match (call.dry_run, result) {
            (true, Ok(_)) => match self.pending.take() {
                // launch exactly what the DryRun checked, once, while its form is open
                Some((form, spec)) if form_open && spec == call.spec => {
                    if let Some(f) = cx.form_mut() {
                        f.info = Some("DryRun: would succeed — launching…".into());
                    }
                    let fx = cx.call(
                        pane,
                        vec![Op::new(RunInstances {
                            spec: spec.clone(),
                            dry_run: false,
                        })],
                    );
                    if !fx.is_empty() {
                        self.pending = Some((form, spec));
                    }
                    fx
                }
                _ => vec![],
            },
            (dry, Err(e)) => {
                self.pending = None;
                // a local problem (an unreadable @path) is not EC2's refusal
                let head = match (e.kind, dry) {
                    (ErrorKind::Other, _) => "nothing was sent",
                    (ErrorKind::Unknown, _) => {
                        "the outcome of the launch is unknown (instances may have been launched: Ctrl-r and look before launching again)"
                    }
                    (_, true) => "DryRun refused",
                    (_, false) => "launch refused",
                };
                let text = cx.with_hint(&format!("{head}: {}", e.describe()), &e);
                if form_open {
                    cx.form_error(text)
                } else {
                    cx.error(text);
                    vec![]
                }
            }
            (false, Ok(out)) => {
                self.pending = None;
                if form_open {
                    cx.dialog = None;
                }
                let list = match out {
                    Outcome::Launched(l) => l,
                    _ => Vec::new(),
                };
                cx.tell(Fact::Launched(list));
                vec![]
            }
        }
    }
}

/// Security groups of the chosen subnet's VPC (all of them for the default subnet).
fn fill_groups(form: &mut Form, opts: &LaunchOptions, keep: &[String]) {
    let subnet = form.field(F_SUBNET).get();
    let vpc = opts
        .subnets
        .iter()
        .find(|n| n.id == subnet)
        .map(|n| n.vpc_id.clone());
    let groups: Vec<&SecurityGroup> = opts
        .groups
        .iter()
        .filter(|g| vpc.as_ref().is_none_or(|v| &g.vpc_id == v))
        .collect();
    let options: Vec<Opt> = groups
        .iter()
        .map(|g| Opt::new(&g.id, format!("{}  {}  ({})", g.id, g.name, g.vpc_id)))
        .collect();
    let field = form.field_mut(F_GROUPS);
    field.set_options(options, None);
    if let FieldValue::Multi { chosen, .. } = &mut field.value {
        *chosen = groups
            .iter()
            .enumerate()
            .filter(|(_, g)| keep.contains(&g.id))
            .map(|(i, _)| i)
            .collect();
    }
    field.help = Some(match &vpc {
        Some(v) => format!("groups of {v}; none chosen: the VPC's default group"),
        None => "none chosen: the default VPC's default group".to_string(),
    });
}
