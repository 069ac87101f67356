//! The commands Ctrl-y copies, run through the real AWS CLI: for each op, two moto servers
//! seeded alike; on A ec2tui sends the op through its SDK adapter, on B each copied line runs
//! as a user pastes it (`sh -c "aws ..."`, the venv's `aws` first on PATH); every line must
//! exit 0, and what changed on the two servers, ids left out, must be the same.
//!
//! A case is one small entry in a family's table ([`Case::new`]): how to seed a server, the
//! op(s) built from that server's fixture, and (by default [`ec2_world`]) what to compare.
//! A family is one test with its own two servers; its cases run one after another on them,
//! each seeding its own resources (names EC2 keeps unique carry the case's number) and
//! comparing what changed from before its call to after it (a reset of moto between cases
//! costs more than a case: moto builds a region's backend again, 1-2 s of CPU); the families
//! run at the same time. [`every_mutation_has_a_case`] fails when an `impl Mutation`
//! of src/ has no case here (nor a place in [`PENDING`]).
//!
//! Nothing leaves the machine: every line gets `AWS_ENDPOINT_URL` of server B (a line's own
//! `--region` only changes the signing region, which moto keeps apart), and
//! [`the_cli_reaches_only_moto`] proves the pinned CLI honours it.
//!
//! moto 5.2.5 as relied on here: it answers a DryRun with DryRunOperation (the CLI exits 255
//! on it: a `--dry-run` line passes on that error alone); it ignored RunInstances'
//! DisableApiTermination, which `tests/moto/launcher.py` now applies
//! (`termination_protection_at_launch`); its `OwnerIds=self` snapshots include the stock
//! AMIs' 1300, so the account's are found by the owner-id filter; a reboot leaves no trace.
//!
//! Another service's ops (Auto Scaling) get their own observe function: [`Case::observe`] is a
//! field like the seed ([`asg_world`], [`template_world`]). For them `tests/moto/launcher.py`
//! gives moto what AWS does: instance refreshes (one member replaced at each describe, so both
//! servers are observed alike), CreateLaunchTemplateVersion from its SourceVersion,
//! DeleteLaunchTemplateVersions, GetLaunchTemplateData with the user data and a network
//! interface's groups as ids, and DeleteAutoScalingGroup refusing a group with instances
//! without ForceDelete. moto changes state at once (no Pending), and keeps no ClientToken.
//!
//! A line runs in its case's scratch directory (B's), which the case's lines share: "create a
//! template from an instance" keeps the instance's settings in a file there between its two.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

use aws_sdk_ec2::Client;
use base64::Engine;
use futures::FutureExt;
use futures::future::BoxFuture;

use ec2tui::app::Target;
use ec2tui::aws::ops::RevokeRule;
use ec2tui::aws::ops::RunInstances;
use ec2tui::aws::ops::VolumeCall;
use ec2tui::aws::ops::{
    CancelRefresh, DeleteGroup, DeleteLaunchConfiguration, SetCapacity, SetGroupTemplate,
    StartRefresh, TerminateInGroup,
};
use ec2tui::aws::ops::{CopyImage, CreateImage, CreateImageAfterStop, DeregisterImage};
use ec2tui::aws::ops::{CopySnapshot, DeleteSnapshot};
use ec2tui::aws::ops::{CreateKeyPair, DeleteKeyPair, ImportKeyPair};
use ec2tui::aws::ops::{CreateTags, DeleteTags};
use ec2tui::aws::ops::{
    CreateTemplate, CreateTemplateFromInstance, CreateTemplateVersion, DeleteTemplate,
    DeleteTemplateVersions, SetDefaultVersion,
};
use ec2tui::aws::ops::{InstanceCall, Verb};
use ec2tui::aws::{Ec2Api, ImageSpec, LaunchSpec, Op, VolumeSpec};

use crate::emulator::{Moto, aws_cli, some_ami};

/// `impl Mutation` types with no AWS CLI form yet (their `cli()` is empty), so no case.
/// Whoever gives one its `cli()` adds its cases and takes it out of this list.
const PENDING: &[&str] = &[];

// ---------------------------------------------------------------------------------------
// hostile text: what a shell line must carry through intact

/// Quotes of both kinds, `$HOME`, a command substitution both ways, a backslash, spaces and a
/// newline.
const HOSTILE: &str = "it's \"quoted\" $HOME `id` $(id) back\\slash  two spaces\nline two";
/// An AMI name: EC2 allows only letters, digits and `()[] ./-'@_` (ec2tui checks it).
const AMI_NAME: &str = "it's golden (v1) [a/b] @x_y";
/// A key pair name: printable ASCII.
const KEY_NAME: &str = "dev's \"key\" $HOME `id` a b";

fn hostile_tags() -> Vec<(String, String)> {
    pairs(&[
        ("Name", "web 'one' \"1\""),
        ("team's \"key\" $HOME", HOSTILE),
        ("Empty", ""),
        ("`id` $(id)", "a,b=[c] {d}"),
    ])
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// A valid ed25519 public key line.
const ED25519_PUB: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICupFKkKNEy7H7HQvoFjDQWetTtouF2NaJYFOMb1Qx8n ec2tui-test";

// ---------------------------------------------------------------------------------------
// the runner

/// Runs one copied line as a user pastes it: `sh -c LINE` in the directory `cwd` (a case's
/// scratch directory: the lines of a case share it, as a user's shell does, and a file a
/// line writes by a relative name lands there), `aws` being the venv's real CLI (first on
/// PATH), in an environment of nothing but this: a scratch home and config files, static
/// test credentials, us-east-1, no pager, and every request to `moto` (loopback).
pub fn run_cli(moto: &Moto, line: &str, cwd: &Path) -> (ExitStatus, String, String) {
    assert!(line.contains("aws "), "no aws command in: {line}");
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR"));
    assert!(
        cwd.starts_with(scratch) && cwd.is_dir(),
        "a line runs in a scratch directory under {}, not {}",
        scratch.display(),
        cwd.display()
    );
    assert!(
        moto.endpoint.starts_with("http://127.0.0.1:"),
        "{}",
        moto.endpoint
    );
    let aws = aws_cli();
    let bin = aws.parent().expect("the venv's bin");
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let home = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("aws-cli-home-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).expect("create the CLI's scratch home");
    let out = Command::new("/bin/sh")
        .arg("-c")
        .arg(line)
        .current_dir(cwd)
        // nothing inherited: no AWS_* of the developer's, no profile, no proxy
        .env_clear()
        .env(
            "PATH",
            format!("{}:/usr/local/bin:/usr/bin:/bin", bin.display()),
        )
        .env("HOME", &home)
        .env("LANG", "C.UTF-8")
        .env("AWS_CONFIG_FILE", home.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("credentials"))
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_PAGER", "")
        .env("AWS_ENDPOINT_URL", &moto.endpoint)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::null())
        .output()
        .expect("run sh");
    let _ = std::fs::remove_dir_all(&home);
    (
        out.status,
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

// ---------------------------------------------------------------------------------------
// the harness

/// One moto server and what the cases use of it.
struct Side {
    moto: Moto,
    /// us-east-1, the console's region.
    c: Client,
    /// The region copies go to.
    eu: Client,
    /// Auto Scaling in us-east-1.
    asg: aws_sdk_autoscaling::Client,
    api: ec2tui::aws::sdk::SdkEc2,
    /// A scratch directory of this side's (its name is hostile too).
    dir: PathBuf,
    /// The case running on it.
    case: std::sync::atomic::AtomicUsize,
    /// A stock x86_64 AMI of moto's, in us-east-1 and in the other region.
    ami: String,
    ami_there: String,
}

const OTHER_REGION: &str = "eu-west-1";
/// moto's account (what STS GetCallerIdentity answers there).
const MOTO_ACCOUNT: &str = "123456789012";

impl Side {
    async fn new(moto: Moto, which: &str) -> Self {
        let conf = moto.sdk_config().await;
        let eu = Client::from_conf(
            aws_sdk_ec2::config::Builder::from(&conf)
                .region(aws_config::Region::new(OTHER_REGION))
                .build(),
        );
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "aws-cli-{}-{}/side {which}'s \"dir\"",
            std::process::id(),
            moto.port
        ));
        let c = moto.client().await;
        let asg = aws_sdk_autoscaling::Client::new(&conf);
        let (ami, ami_there) = (some_ami(&c).await, some_ami(&eu).await);
        Self {
            c,
            eu,
            asg,
            ami,
            ami_there,
            api: moto.adapter().await,
            moto,
            dir,
            case: Default::default(),
        }
    }

    /// Starts case `n`: its fixtures are named for it, its files go to a directory of its own.
    fn begin(&self, n: usize) {
        self.case.store(n, std::sync::atomic::Ordering::SeqCst);
        let dir = self.case_dir();
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a case's scratch directory");
    }

    fn case_dir(&self) -> PathBuf {
        self.dir.join(format!(
            "case {}",
            self.case.load(std::sync::atomic::Ordering::SeqCst)
        ))
    }
}

/// What a seed made on one server: its ids by name, the case's number (names that EC2 keeps
/// unique carry it: the cases of a family share their servers) and scratch directory.
#[derive(Debug, Clone, Default)]
struct Fx {
    ids: Vec<(&'static str, String)>,
    n: usize,
    dir: PathBuf,
    /// Built without a server (the coverage scan): every id is made up.
    placeholder: bool,
}

impl Fx {
    fn new(s: &Side) -> Self {
        Self {
            n: s.case.load(std::sync::atomic::Ordering::SeqCst),
            dir: s.case_dir(),
            ..Self::default()
        }
    }
    fn placeholder() -> Self {
        Self {
            dir: PathBuf::from("/nonexistent"),
            placeholder: true,
            ..Self::default()
        }
    }
    fn set(&mut self, key: &'static str, id: impl Into<String>) {
        self.ids.push((key, id.into()));
    }
    fn id(&self, key: &str) -> String {
        if self.placeholder {
            return format!("x-{key}");
        }
        self.ids
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("the fixture has no {key}: {self:?}"))
    }
    fn target(&self, key: &str) -> Target {
        Target::new(self.id(key), key)
    }
    /// `base` made unique to the case: `base #3`.
    fn name(&self, base: &str) -> String {
        format!("{base} #{}", self.n)
    }
    fn file(&self, name: &str) -> String {
        self.dir.join(name).display().to_string()
    }
    /// `line` with this fixture's ids as `<name>`, then every other id as `<new KIND>`.
    fn scrub(&self, line: &str) -> String {
        let mut ids: Vec<&(&str, String)> = self.ids.iter().collect();
        ids.sort_by_key(|(_, id)| std::cmp::Reverse(id.len()));
        let mut s = line.to_string();
        for (k, id) in ids {
            s = s.replace(id.as_str(), &format!("<{k}>"));
        }
        scrub_ids(&s)
    }
}

/// Every `i-0abc…`, `vol-…`, `snap-…`, `ami-…`, `key-…`, `sg-…`, `subnet-…`, `vpc-…`,
/// `eni-…`, `r-…`, `lt-…` as `<new KIND>`: moto makes them up differently on each server.
fn scrub_ids(s: &str) -> String {
    const KINDS: &[&str] = &[
        "i", "vol", "snap", "ami", "key", "sg", "subnet", "vpc", "eni", "r", "lt",
    ];
    let b = s.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    'outer: while i < b.len() {
        let word_start = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        if word_start {
            for k in KINDS {
                let k = k.as_bytes();
                if b[i..].starts_with(k) && b.get(i + k.len()) == Some(&b'-') {
                    let hex = b[i + k.len() + 1..]
                        .iter()
                        .take_while(|c| c.is_ascii_hexdigit())
                        .count();
                    if hex >= 8 {
                        out.push_str(&format!("<new {}>", std::str::from_utf8(k).unwrap()));
                        i += k.len() + 1 + hex;
                        continue 'outer;
                    }
                }
            }
        }
        let ch = s[i..].chars().next().unwrap();
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

/// The ops of a case: those whose lines Ctrl-y copies, and those ec2tui sends for them
/// (the same, unless ec2tui sends more than one op's lines say, as after a DryRun).
struct Built {
    copied: Vec<Op>,
    sent: Vec<Op>,
}

impl Built {
    fn one(op: Op) -> Self {
        Self {
            copied: vec![op.clone()],
            sent: vec![op],
        }
    }
    fn same(ops: Vec<Op>) -> Self {
        Self {
            copied: ops.clone(),
            sent: ops,
        }
    }
}

type Seed = for<'a> fn(&'a Side) -> BoxFuture<'a, Fx>;
type CheckOutputs = fn(&Fx, &Fx, &[String]) -> Result<(), String>;
type Observe = for<'a> fn(&'a Side, &'a Fx) -> BoxFuture<'a, Vec<String>>;

/// One op checked against the CLI.
struct Case {
    name: &'static str,
    seed: Seed,
    build: fn(&Fx) -> Built,
    observe: Observe,
    /// The op leaves no trace to compare (a reboot).
    unchanged: bool,
    /// A check of what else the call and the lines gave: A's fixture, B's, B's standard
    /// outputs.
    outputs: Option<CheckOutputs>,
}

impl Case {
    fn new(name: &'static str, seed: Seed, build: fn(&Fx) -> Built) -> Self {
        Self {
            name,
            seed,
            build,
            observe: |s, fx| ec2_world(s, fx).boxed(),
            unchanged: false,
            outputs: None,
        }
    }
    fn outputs(mut self, check: CheckOutputs) -> Self {
        self.outputs = Some(check);
        self
    }
    fn unchanged(mut self) -> Self {
        self.unchanged = true;
        self
    }
}

/// Two servers for a family, started at the same time.
async fn two_sides() -> (Side, Side) {
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(Moto::start);
        let b = s.spawn(Moto::start);
        (a.join().unwrap(), b.join().unwrap())
    });
    (Side::new(a, "a").await, Side::new(b, "b").await)
}

/// Runs a family's cases on two servers; fails with every case that failed.
async fn run_family(cases: Vec<Case>) {
    let (a, b) = two_sides().await;
    let mut failed = Vec::new();
    for (n, case) in cases.iter().enumerate() {
        if let Err(e) = run_case(&a, &b, n, case).await {
            failed.push(format!("case `{}`: {e}", case.name));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failed.len(),
        cases.len(),
        failed.join("\n\n")
    );
}

/// The lines that went (`- `) and came (`+ `) from `before` to `after`, sorted.
fn delta(before: &[String], after: &[String]) -> Vec<String> {
    let mut count: std::collections::BTreeMap<&String, i64> = Default::default();
    for l in before {
        *count.entry(l).or_default() -= 1;
    }
    for l in after {
        *count.entry(l).or_default() += 1;
    }
    let mut out = Vec::new();
    for (l, c) in count {
        let sign = if c < 0 { "-" } else { "+" };
        for _ in 0..c.abs() {
            out.push(format!("{sign} {l}"));
        }
    }
    out
}

/// One case on servers that earlier cases of the family used too: what changed on A and on B
/// (ids scrubbed) must be the same.
async fn run_case(a: &Side, b: &Side, n: usize, case: &Case) -> Result<(), String> {
    a.begin(n);
    b.begin(n);
    let (fa, fb) = futures::join!((case.seed)(a), (case.seed)(b));
    let (before_a, before_b) = futures::join!((case.observe)(a, &fa), (case.observe)(b, &fb));

    // A: ec2tui's own calls
    for op in (case.build)(&fa).sent {
        op.run(&a.api as &dyn Ec2Api)
            .await
            .map_err(|e| format!("ec2tui's call {op:?} failed on A: {}", e.describe()))?;
    }
    // B: the copied lines, through the real CLI
    // as Ctrl-y copies them: the console's region (and profile, endpoint) on every command
    let lines: Vec<String> = copied_lines(&(case.build)(&fb).copied);
    if lines.is_empty() {
        return Err("the op has no CLI form".into());
    }
    let mut outputs = Vec::new();
    for line in &lines {
        let (status, out, err) = tokio::task::block_in_place(|| run_cli(&b.moto, line, &fb.dir));
        outputs.push(out);
        // a DryRun that would have succeeded is EC2's (and the CLI's) error DryRunOperation
        let dry_ok = line.contains(" --dry-run")
            && err.contains("DryRunOperation")
            && err.contains("Request would have succeeded");
        if !status.success() && !dry_ok {
            return Err(format!(
                "the AWS CLI refused a copied line ({status}):\n  {}\n  stderr: {}",
                line.replace('\n', "\n  "),
                err.trim().lines().last().unwrap_or_default()
            ));
        }
    }

    if let Some(check) = case.outputs {
        check(&fa, &fb, &outputs)?;
    }
    let (after_a, after_b) = futures::join!((case.observe)(a, &fa), (case.observe)(b, &fb));
    let (da, db) = (delta(&before_a, &after_a), delta(&before_b, &after_b));
    if !case.unchanged && da.is_empty() {
        return Err("ec2tui's call changed nothing to compare".into());
    }
    if da != db {
        let (sa, sb): (BTreeSet<_>, BTreeSet<_>) = (da.iter().collect(), db.iter().collect());
        let only = |x: &BTreeSet<&String>, y: &BTreeSet<&String>| {
            x.difference(y)
                .map(|l| format!("\n    {l}"))
                .collect::<String>()
        };
        return Err(format!(
            "the CLI's lines changed another thing than ec2tui's call did.\n  lines:\n    {}\n  changes only ec2tui's call made (A):{}\n  changes only the CLI made (B):{}",
            lines.join("\n    "),
            only(&sa, &sb),
            only(&sb, &sa)
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// what is compared

fn tags_of(t: &[aws_sdk_ec2::types::Tag]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = t
        .iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The EC2 world of a server in both regions, one line a thing, sorted, ids scrubbed:
/// instances (state, type, image, key, zone, groups, termination protection, user data, tags,
/// volumes), volumes (size, type, IOPS, zone, encryption, snapshot, state, attachments, tags),
/// the account's snapshots (volume, size, description, encryption, tags) and images (name,
/// description, state, tags, snapshots), key pairs (name, type, tags).
async fn ec2_world(s: &Side, fx: &Fx) -> Vec<String> {
    let mut lines = Vec::new();
    for (region, c) in [("us-east-1", &s.c), (OTHER_REGION, &s.eu)] {
        let out = c
            .describe_instances()
            .send()
            .await
            .expect("describe instances");
        for i in out.reservations().iter().flat_map(|r| r.instances()) {
            let id = i.instance_id().unwrap_or_default();
            let protected = c
                .describe_instance_attribute()
                .instance_id(id)
                .attribute(aws_sdk_ec2::types::InstanceAttributeName::DisableApiTermination)
                .send()
                .await
                .ok()
                .and_then(|a| a.disable_api_termination().and_then(|v| v.value()));
            let user_data = c
                .describe_instance_attribute()
                .instance_id(id)
                .attribute(aws_sdk_ec2::types::InstanceAttributeName::UserData)
                .send()
                .await
                .ok()
                .and_then(|a| a.user_data().and_then(|v| v.value()).map(str::to_string))
                .map(|b| {
                    base64::engine::general_purpose::STANDARD
                        .decode(b.trim())
                        .map(|d| String::from_utf8_lossy(&d).into_owned())
                        .unwrap_or_else(|_| format!("(not base64) {b}"))
                });
            let mut groups: Vec<&str> = i
                .security_groups()
                .iter()
                .filter_map(|g| g.group_id())
                .collect();
            groups.sort();
            let mut volumes: Vec<(String, String)> = i
                .block_device_mappings()
                .iter()
                .map(|m| {
                    (
                        m.device_name().unwrap_or_default().to_string(),
                        m.ebs()
                            .and_then(|e| e.volume_id())
                            .unwrap_or_default()
                            .to_string(),
                    )
                })
                .collect();
            volumes.sort();
            lines.push(format!(
                "{region} instance {id} state={:?} type={:?} image={:?} key={:?} zone={:?} groups={groups:?} protected={protected:?} user_data={user_data:?} tags={:?} volumes={volumes:?}",
                i.state().and_then(|s| s.name()).map(|n| n.as_str()),
                i.instance_type().map(|t| t.as_str()),
                i.image_id(),
                i.key_name(),
                i.placement().and_then(|p| p.availability_zone()),
                tags_of(i.tags()),
            ));
        }
        let out = c.describe_volumes().send().await.expect("describe volumes");
        for v in out.volumes() {
            let mut att: Vec<String> = v
                .attachments()
                .iter()
                .map(|a| {
                    format!(
                        "{}@{} {:?}",
                        a.instance_id().unwrap_or_default(),
                        a.device().unwrap_or_default(),
                        a.state().map(|s| s.as_str())
                    )
                })
                .collect();
            att.sort();
            lines.push(format!(
                "{region} volume {} size={:?} type={:?} iops={:?} zone={:?} encrypted={:?} snapshot={:?} state={:?} attached={att:?} tags={:?}",
                v.volume_id().unwrap_or_default(),
                v.size(),
                v.volume_type().map(|t| t.as_str()),
                v.iops(),
                v.availability_zone(),
                v.encrypted(),
                v.snapshot_id(),
                v.state().map(|s| s.as_str()),
                tags_of(v.tags()),
            ));
        }
        // the account's: moto 5.2.5 answers OwnerIds=self with the 1300 snapshots of its
        // stock AMIs too (owned by another account); the owner-id filter is right
        let out = c
            .describe_snapshots()
            .filters(
                aws_sdk_ec2::types::Filter::builder()
                    .name("owner-id")
                    .values(MOTO_ACCOUNT)
                    .build(),
            )
            .send()
            .await
            .expect("describe snapshots");
        for sn in out.snapshots() {
            lines.push(format!(
                "{region} snapshot {} volume={:?} size={:?} description={:?} encrypted={:?} tags={:?}",
                sn.snapshot_id().unwrap_or_default(),
                sn.volume_id(),
                sn.volume_size(),
                sn.description(),
                sn.encrypted(),
                tags_of(sn.tags()),
            ));
        }
        let out = c
            .describe_images()
            .owners("self")
            .send()
            .await
            .expect("describe images");
        for im in out.images() {
            let mut snaps: Vec<&str> = im
                .block_device_mappings()
                .iter()
                .filter_map(|m| m.ebs().and_then(|e| e.snapshot_id()))
                .collect();
            snaps.sort();
            lines.push(format!(
                "{region} image {} name={:?} description={:?} state={:?} tags={:?} snapshots={snaps:?}",
                im.image_id().unwrap_or_default(),
                im.name(),
                im.description(),
                im.state().map(|s| s.as_str()),
                tags_of(im.tags()),
            ));
        }
        let out = c
            .describe_key_pairs()
            .send()
            .await
            .expect("describe key pairs");
        for k in out.key_pairs() {
            lines.push(format!(
                "{region} key pair {:?} id={} type={:?} tags={:?}",
                k.key_name(),
                k.key_pair_id().unwrap_or_default(),
                k.key_type().map(|t| t.as_str()),
                tags_of(k.tags()),
            ));
        }
    }
    let mut lines: Vec<String> = lines.iter().map(|l| fx.scrub(l)).collect();
    lines.sort();
    lines
}

// ---------------------------------------------------------------------------------------
// seeds

/// One t3.micro `web` in us-east-1a, running.
async fn seed_running(s: &Side) -> Fx {
    let mut fx = Fx::new(s);
    fx.set("web", launch_one(&s.c, &s.ami, "us-east-1a", "web").await);
    fx
}

async fn launch_one(c: &Client, ami: &str, az: &str, name: &str) -> String {
    use aws_sdk_ec2::types::{InstanceType, Placement, ResourceType, Tag, TagSpecification};
    let out = c
        .run_instances()
        .image_id(ami)
        .instance_type(InstanceType::T3Micro)
        .min_count(1)
        .max_count(1)
        .placement(Placement::builder().availability_zone(az).build())
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::Instance)
                .tags(Tag::builder().key("Name").value(name).build())
                .build(),
        )
        .send()
        .await
        .expect("run an instance");
    out.instances()[0].instance_id().unwrap().to_string()
}

async fn seed_stopped(s: &Side) -> Fx {
    let fx = seed_running(s).await;
    s.c.stop_instances()
        .instance_ids(fx.id("web"))
        .send()
        .await
        .unwrap();
    fx
}

async fn seed_protected(s: &Side) -> Fx {
    let fx = seed_running(s).await;
    s.c.modify_instance_attribute()
        .instance_id(fx.id("web"))
        .disable_api_termination(
            aws_sdk_ec2::types::AttributeBooleanValue::builder()
                .value(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    fx
}

/// `web` running in the other region.
async fn seed_running_elsewhere(s: &Side) -> Fx {
    let mut fx = Fx::new(s);
    fx.set(
        "web",
        launch_one(&s.eu, &s.ami_there, "eu-west-1a", "web").await,
    );
    fx
}

/// `web` running, and a 10 GiB gp3 volume `data` in its zone with hostile tags.
async fn seed_instance_and_volume(s: &Side) -> Fx {
    let mut fx = seed_running(s).await;
    fx.set("data", create_volume(&s.c, "data", &hostile_tags()).await);
    fx
}

async fn create_volume(c: &Client, name: &str, tags: &[(String, String)]) -> String {
    use aws_sdk_ec2::types::{ResourceType, Tag, TagSpecification, VolumeType};
    let mut spec = TagSpecification::builder()
        .resource_type(ResourceType::Volume)
        .tags(Tag::builder().key("Name").value(name).build());
    for (k, v) in tags.iter().filter(|(k, _)| k != "Name") {
        spec = spec.tags(Tag::builder().key(k).value(v).build());
    }
    c.create_volume()
        .availability_zone("us-east-1a")
        .size(10)
        .volume_type(VolumeType::Gp3)
        .tag_specifications(spec.build())
        .send()
        .await
        .expect("create a volume")
        .volume_id()
        .unwrap()
        .to_string()
}

/// `web` with the volume `data` attached at /dev/sdf.
async fn seed_attached(s: &Side) -> Fx {
    let fx = seed_instance_and_volume(s).await;
    s.c.attach_volume()
        .volume_id(fx.id("data"))
        .instance_id(fx.id("web"))
        .device("/dev/sdf")
        .send()
        .await
        .expect("attach");
    fx
}

/// A volume `data` and its snapshot `snap` ("nightly").
async fn seed_snapshot(s: &Side) -> Fx {
    let mut fx = Fx::new(s);
    let vol = create_volume(&s.c, "data", &[]).await;
    let snap =
        s.c.create_snapshot()
            .volume_id(&vol)
            .description("nightly")
            .send()
            .await
            .expect("create a snapshot")
            .snapshot_id()
            .unwrap()
            .to_string();
    fx.set("data", vol);
    fx.set("snap", snap);
    fx
}

/// `web` running and an image `golden` of it, whose snapshot is `golden-snap`.
async fn seed_image(s: &Side) -> Fx {
    let mut fx = seed_running(s).await;
    let ami =
        s.c.create_image()
            .instance_id(fx.id("web"))
            .name(fx.name("golden"))
            .description("seeded")
            .send()
            .await
            .expect("create an image")
            .image_id()
            .unwrap()
            .to_string();
    let images = s.c.describe_images().image_ids(&ami).send().await.unwrap();
    let snap = images.images()[0]
        .block_device_mappings()
        .iter()
        .find_map(|m| m.ebs().and_then(|e| e.snapshot_id()))
        .expect("the image has a snapshot")
        .to_string();
    fx.set("golden", ami);
    fx.set("golden-snap", snap);
    fx
}

/// The public key file `it's key.pub` in the side's scratch directory.
async fn seed_public_key(s: &Side) -> Fx {
    let fx = Fx::new(s);
    std::fs::write(fx.file("it's key.pub"), format!("{ED25519_PUB}\n")).unwrap();
    fx
}

/// The key pair `KEY_NAME #n`.
async fn seed_key_pair(s: &Side) -> Fx {
    let fx = Fx::new(s);
    s.c.import_key_pair()
        .key_name(fx.name(KEY_NAME))
        .public_key_material(aws_sdk_ec2::primitives::Blob::new(ED25519_PUB))
        .send()
        .await
        .expect("import a key pair");
    fx
}

/// `web` and `data` with hostile tags (web: Name plus the hostile ones).
async fn seed_tagged(s: &Side) -> Fx {
    use aws_sdk_ec2::types::Tag;
    let fx = seed_instance_and_volume(s).await;
    let mut req = s.c.create_tags().resources(fx.id("web"));
    for (k, v) in hostile_tags() {
        req = req.tags(Tag::builder().key(k).value(v).build());
    }
    req.send().await.expect("tag");
    fx
}

/// What a launch needs: the key pair `KEY_NAME #n`, a security group `sg`, the default subnet
/// `subnet` of us-east-1a, the AMI `ami`; and a user data file `user data.sh`.
async fn seed_launch(s: &Side) -> Fx {
    let mut fx = seed_key_pair(s).await;
    let vpc = crate::emulator::default_vpc(&s.c).await;
    fx.set(
        "sg",
        crate::emulator::create_group(&s.c, &vpc, &fx.name("web-sg"), "for 'web' \"servers\"")
            .await,
    );
    let subnets = s.c.describe_subnets().send().await.unwrap();
    let subnet = subnets
        .subnets()
        .iter()
        .find(|n| n.availability_zone() == Some("us-east-1a") && n.default_for_az() == Some(true))
        .and_then(|n| n.subnet_id())
        .expect("a default subnet in us-east-1a")
        .to_string();
    fx.set("subnet", subnet);
    fx.set("ami", s.ami.clone());
    std::fs::write(fx.file("user data.sh"), format!("#!/bin/sh\n{HOSTILE}\n")).unwrap();
    fx
}

// ---------------------------------------------------------------------------------------
// the cases, by family

fn instance_cases() -> Vec<Case> {
    vec![
        Case::new(
            "start",
            |s| seed_stopped(s).boxed(),
            |fx| Built::one(InstanceCall::op(Verb::Start, fx.target("web"))),
        ),
        Case::new(
            "stop",
            |s| seed_running(s).boxed(),
            |fx| Built::one(InstanceCall::op(Verb::Stop, fx.target("web"))),
        ),
        Case::new(
            "force stop",
            |s| seed_running(s).boxed(),
            |fx| Built::one(InstanceCall::op(Verb::ForceStop, fx.target("web"))),
        ),
        // moto keeps no trace of a reboot: the line must be accepted, that is all
        Case::new(
            "reboot",
            |s| seed_running(s).boxed(),
            |fx| Built::one(InstanceCall::op(Verb::Reboot, fx.target("web"))),
        )
        .unchanged(),
        Case::new(
            "terminate",
            |s| seed_running(s).boxed(),
            |fx| Built::one(InstanceCall::op(Verb::Terminate, fx.target("web"))),
        ),
        Case::new(
            "protect",
            |s| seed_running(s).boxed(),
            |fx| Built::one(InstanceCall::op(Verb::Protect(true), fx.target("web"))),
        ),
        Case::new(
            "unprotect",
            |s| seed_protected(s).boxed(),
            |fx| Built::one(InstanceCall::op(Verb::Protect(false), fx.target("web"))),
        ),
        // the every-region list: the call (and its line's --region) goes to the instance's
        Case::new(
            "stop in another region",
            |s| seed_running_elsewhere(s).boxed(),
            |fx| {
                Built::one(InstanceCall::op_in(
                    Verb::Stop,
                    fx.target("web"),
                    OTHER_REGION.into(),
                ))
            },
        ),
    ]
}

fn tag_cases() -> Vec<Case> {
    vec![
        Case::new(
            "create tags on an instance and a volume",
            |s| seed_instance_and_volume(s).boxed(),
            |fx| {
                Built::one(Op::new(CreateTags {
                    targets: vec![(fx.id("web"), fx.id("web")), (fx.id("data"), fx.id("data"))],
                    label: "2 resources".into(),
                    tags: hostile_tags(),
                }))
            },
        ),
        Case::new(
            "delete tags",
            |s| seed_tagged(s).boxed(),
            |fx| {
                Built::one(Op::new(DeleteTags {
                    targets: vec![(fx.id("web"), fx.id("web")), (fx.id("data"), fx.id("data"))],
                    label: "2 resources".into(),
                    keys: vec!["team's \"key\" $HOME".into(), "`id` $(id)".into()],
                }))
            },
        ),
    ]
}

fn key_pair_cases() -> Vec<Case> {
    vec![
        // ec2tui writes the private key to the file; the line prints it (to stdout, here)
        Case::new(
            "create a key pair",
            |s| async { Fx::new(s) }.boxed(),
            |fx| {
                Built::one(Op::new(CreateKeyPair {
                    name: fx.name(KEY_NAME),
                    key_type: "ed25519".into(),
                    path: fx.file("new key.pem"),
                }))
            },
        )
        .outputs(|fx, _, out| {
            let file = std::fs::read_to_string(fx.file("new key.pem")).unwrap_or_default();
            if !file.starts_with("-----BEGIN") || !out[0].starts_with("-----BEGIN") {
                return Err(format!(
                    "a private key from both: ec2tui's file {file:?}, the CLI's output {:?}",
                    out[0]
                ));
            }
            Ok(())
        }),
        Case::new(
            "import a key pair",
            |s| seed_public_key(s).boxed(),
            |fx| {
                Built::one(Op::new(ImportKeyPair {
                    name: fx.name(KEY_NAME),
                    path: fx.file("it's key.pub"),
                }))
            },
        ),
        Case::new(
            "delete a key pair",
            |s| seed_key_pair(s).boxed(),
            |fx| {
                Built::one(Op::new(DeleteKeyPair {
                    name: fx.name(KEY_NAME),
                }))
            },
        ),
    ]
}

fn storage_cases() -> Vec<Case> {
    vec![
        Case::new(
            "create a volume from a snapshot",
            |s| seed_snapshot(s).boxed(),
            |fx| {
                Built::one(Op::new(VolumeCall::Create(VolumeSpec {
                    az: "us-east-1a".into(),
                    size_gib: 20,
                    volume_type: "io2".into(),
                    iops: Some(4000),
                    snapshot_id: Some(fx.id("snap")),
                    encrypted: true,
                    tags: hostile_tags(),
                })))
            },
        ),
        Case::new(
            "create a plain volume",
            |s| async { Fx::new(s) }.boxed(),
            |_| {
                Built::one(Op::new(VolumeCall::Create(VolumeSpec {
                    az: "us-east-1b".into(),
                    size_gib: 8,
                    volume_type: "gp3".into(),
                    iops: None,
                    snapshot_id: None,
                    encrypted: false,
                    tags: vec![],
                })))
            },
        ),
        Case::new(
            "attach a volume",
            |s| seed_instance_and_volume(s).boxed(),
            |fx| {
                Built::one(Op::new(VolumeCall::Attach {
                    volume: fx.id("data"),
                    instance: fx.id("web"),
                    device: "/dev/sdf".into(),
                }))
            },
        ),
        Case::new(
            "detach a volume",
            |s| seed_attached(s).boxed(),
            |fx| {
                Built::one(Op::new(VolumeCall::Detach {
                    volume: fx.id("data"),
                    instance: fx.id("web"),
                    force: false,
                }))
            },
        ),
        Case::new(
            "force detach a volume",
            |s| seed_attached(s).boxed(),
            |fx| {
                Built::one(Op::new(VolumeCall::Detach {
                    volume: fx.id("data"),
                    instance: fx.id("web"),
                    force: true,
                }))
            },
        ),
        Case::new(
            "delete a volume",
            |s| seed_instance_and_volume(s).boxed(),
            |fx| Built::one(Op::new(VolumeCall::Delete(fx.id("data")))),
        ),
        Case::new(
            "snapshot a volume",
            |s| seed_instance_and_volume(s).boxed(),
            |fx| {
                Built::one(Op::new(VolumeCall::Snapshot {
                    volume: fx.id("data"),
                    description: HOSTILE.into(),
                    tags: hostile_tags(),
                }))
            },
        ),
        Case::new(
            // a value beginning with a dash is not read as an option by the CLI
            "snapshot a volume, the description beginning with a dash",
            |s| seed_instance_and_volume(s).boxed(),
            |fx| {
                Built::one(Op::new(VolumeCall::Snapshot {
                    volume: fx.id("data"),
                    description: "-nightly".into(),
                    tags: vec![],
                }))
            },
        ),
        Case::new(
            "delete a snapshot",
            |s| seed_snapshot(s).boxed(),
            |fx| Built::one(Op::new(DeleteSnapshot { id: fx.id("snap") })),
        ),
        Case::new(
            "copy a snapshot to another region",
            |s| seed_snapshot(s).boxed(),
            |fx| {
                Built::one(Op::new(CopySnapshot {
                    snapshot: fx.id("snap"),
                    region: OTHER_REGION.into(),
                    description: HOSTILE.into(),
                }))
            },
        ),
    ]
}

fn image_spec(fx: &Fx, no_reboot: bool) -> ImageSpec {
    ImageSpec {
        instance_id: fx.id("web"),
        name: fx.name(AMI_NAME),
        description: if no_reboot {
            HOSTILE.into()
        } else {
            String::new()
        },
        no_reboot,
        tags: if no_reboot { hostile_tags() } else { vec![] },
    }
}

fn image_cases() -> Vec<Case> {
    vec![
        Case::new(
            "create an image without a reboot",
            |s| seed_running(s).boxed(),
            |fx| Built::one(Op::new(CreateImage(image_spec(fx, true)))),
        ),
        Case::new(
            "create an image with a reboot",
            |s| seed_running(s).boxed(),
            |fx| Built::one(Op::new(CreateImage(image_spec(fx, false)))),
        ),
        // the form's "stop first": Ctrl-y copies the stop, a wait, the image
        Case::new(
            "stop, then create an image",
            |s| seed_running(s).boxed(),
            |fx| {
                Built::same(vec![
                    InstanceCall::op(Verb::Stop, fx.target("web")),
                    Op::new(CreateImageAfterStop {
                        create: CreateImage(image_spec(fx, true)),
                        restart: false,
                    }),
                ])
            },
        ),
        // ticked "Start again when available": the runbook waits for the image, then starts
        // the instance, as ec2tui does once the image is available
        Case::new(
            "stop, create an image, start again",
            |s| seed_running(s).boxed(),
            |fx| Built {
                copied: vec![
                    InstanceCall::op(Verb::Stop, fx.target("web")),
                    Op::new(CreateImageAfterStop {
                        create: CreateImage(image_spec(fx, true)),
                        restart: true,
                    }),
                ],
                sent: vec![
                    InstanceCall::op(Verb::Stop, fx.target("web")),
                    Op::new(CreateImage(image_spec(fx, true))),
                    InstanceCall::op(Verb::Start, fx.target("web")),
                ],
            },
        ),
        Case::new(
            "deregister an image, keeping its snapshots",
            |s| seed_image(s).boxed(),
            |fx| {
                Built::one(Op::new(DeregisterImage {
                    image: fx.target("golden"),
                    snapshots: vec![],
                }))
            },
        ),
        // "Also delete its snapshots": ec2tui deletes them once the image is deregistered
        Case::new(
            "deregister an image and delete its snapshots",
            |s| seed_image(s).boxed(),
            |fx| {
                let snapshots = vec![fx.id("golden-snap")];
                let op = Op::new(DeregisterImage {
                    image: fx.target("golden"),
                    snapshots: snapshots.clone(),
                });
                let mut sent = vec![op.clone()];
                sent.extend(
                    snapshots
                        .into_iter()
                        .map(|id| Op::new(DeleteSnapshot { id })),
                );
                Built {
                    copied: vec![op],
                    sent,
                }
            },
        ),
        Case::new(
            "copy an image to another region",
            |s| seed_image(s).boxed(),
            |fx| {
                Built::one(Op::new(CopyImage {
                    image: fx.target("golden"),
                    name: fx.name(AMI_NAME),
                    region: OTHER_REGION.into(),
                }))
            },
        ),
    ]
}

fn launch_spec(fx: &Fx) -> LaunchSpec {
    LaunchSpec {
        image_id: fx.id("ami"),
        instance_type: "t3.small".into(),
        key_name: Some(fx.name(KEY_NAME)),
        security_group_ids: vec![fx.id("sg")],
        subnet_id: Some(fx.id("subnet")),
        count: 2,
        tags: hostile_tags(),
        user_data: Some(format!("#!/bin/sh\n{HOSTILE}\n")),
        termination_protection: true,
    }
}

fn launch_cases() -> Vec<Case> {
    vec![
        // Ctrl-s sends a DryRun, then the launch: Ctrl-y copies both lines of the DryRun op
        Case::new(
            "launch two, protected, after a dry run",
            |s| seed_launch(s).boxed(),
            |fx| {
                let spec = launch_spec(fx);
                let dry = Op::new(RunInstances {
                    spec: spec.clone(),
                    dry_run: true,
                });
                Built {
                    copied: vec![dry.clone()],
                    sent: vec![
                        dry,
                        Op::new(RunInstances {
                            spec,
                            dry_run: false,
                        }),
                    ],
                }
            },
        ),
        Case::new(
            "launch one, unprotected, user data from a file",
            |s| seed_launch(s).boxed(),
            |fx| {
                Built::one(Op::new(RunInstances {
                    spec: LaunchSpec {
                        key_name: None,
                        count: 1,
                        tags: pairs(&[("Name", "plain")]),
                        user_data: Some(format!("@{}", fx.file("user data.sh"))),
                        termination_protection: false,
                        ..launch_spec(fx)
                    },
                    dry_run: false,
                }))
            },
        ),
    ]
}

// ---------------------------------------------------------------------------------------
// Auto Scaling and launch templates: what is compared, seeds, cases

/// A group name: Auto Scaling takes any printable text (and EC2 tags its members with it).
const GROUP_NAME: &str = "web's \"asg\" $HOME `id` a,b";
/// A launch configuration name: any printable text too.
const CONFIG_NAME: &str = "web's \"lc\" $HOME `id` $(id)";

/// A launch template name: EC2 allows only letters, digits and `().-/_`, 3 to 128 of them.
fn template_name(fx: &Fx, base: &str) -> String {
    format!("{base}(v1)/a_b.c-{}", fx.n)
}

fn decoded(b64: Option<&str>) -> Option<String> {
    b64.map(|b| {
        base64::engine::general_purpose::STANDARD
            .decode(b.trim())
            .map(|d| String::from_utf8_lossy(&d).into_owned())
            .unwrap_or_else(|_| format!("(not base64) {b}"))
    })
}

/// The Auto Scaling world of a server (us-east-1), one line a thing, sorted, ids scrubbed:
/// groups (capacity, launch template and version or launch configuration, zones, members with
/// their lifecycle, health and template version), each group's instance refreshes (status,
/// progress, preferences), launch configurations (image, type, key, groups, user data), and
/// the EC2 instances (state, image, type, tags: a member's group tag among them).
///
/// moto's instance refresh (tests/moto/launcher.py) replaces one member on each describe:
/// both servers are observed alike, before and after, so their refreshes go alike.
async fn asg_world(s: &Side, fx: &Fx) -> Vec<String> {
    let mut lines = Vec::new();
    let out = s
        .asg
        .describe_auto_scaling_groups()
        .send()
        .await
        .expect("describe groups");
    for g in out.auto_scaling_groups() {
        let name = g.auto_scaling_group_name().unwrap_or_default();
        let template = g.launch_template().map(|t| {
            format!(
                "{}@{}",
                t.launch_template_id().unwrap_or_default(),
                t.version().unwrap_or_default()
            )
        });
        // scrubbed before sorting: the order of ids differs between the servers
        let mut members: Vec<String> = g
            .instances()
            .iter()
            .map(|m| {
                fx.scrub(&format!(
                    "{} {:?} {:?} v{:?}",
                    m.instance_id().unwrap_or_default(),
                    m.lifecycle_state().map(|l| l.as_str()),
                    m.health_status(),
                    m.launch_template().and_then(|t| t.version()),
                ))
            })
            .collect();
        members.sort();
        let mut zones: Vec<&str> = g.availability_zones().iter().map(String::as_str).collect();
        zones.sort();
        lines.push(format!(
            "group {name:?} min={:?} desired={:?} max={:?} template={template:?} config={:?} zones={zones:?} members={members:?}",
            g.min_size(),
            g.desired_capacity(),
            g.max_size(),
            g.launch_configuration_name(),
        ));
        let refreshes = s
            .asg
            .describe_instance_refreshes()
            .auto_scaling_group_name(name)
            .send()
            .await
            .expect("describe instance refreshes");
        for r in refreshes.instance_refreshes() {
            lines.push(format!(
                "group {name:?} refresh status={:?} reason={:?} done={:?}% to_update={:?} min_healthy={:?}",
                r.status().map(|s| s.as_str()),
                r.status_reason(),
                r.percentage_complete(),
                r.instances_to_update(),
                r.preferences().and_then(|p| p.min_healthy_percentage()),
            ));
        }
    }
    let out = s
        .asg
        .describe_launch_configurations()
        .send()
        .await
        .expect("describe launch configurations");
    for l in out.launch_configurations() {
        lines.push(format!(
            "launch configuration {:?} image={:?} type={:?} key={:?} groups={:?} user_data={:?}",
            l.launch_configuration_name(),
            l.image_id(),
            l.instance_type(),
            l.key_name(),
            l.security_groups(),
            decoded(l.user_data()),
        ));
    }
    let out =
        s.c.describe_instances()
            .send()
            .await
            .expect("describe instances");
    for i in out.reservations().iter().flat_map(|r| r.instances()) {
        lines.push(format!(
            "instance {} state={:?} type={:?} image={:?} tags={:?}",
            i.instance_id().unwrap_or_default(),
            i.state().and_then(|s| s.name()).map(|n| n.as_str()),
            i.instance_type().map(|t| t.as_str()),
            i.image_id(),
            tags_of(i.tags()),
        ));
    }
    let mut lines: Vec<String> = lines.iter().map(|l| fx.scrub(l)).collect();
    lines.sort();
    lines
}

/// The launch templates of a server (us-east-1), one line a template and one a version,
/// sorted, ids scrubbed: name, default and latest version; each version's number, default
/// flag, description and data (image, type, key, security groups, those of its network
/// interfaces too, decoded user data, the tags of each resource type).
async fn template_world(s: &Side, fx: &Fx) -> Vec<String> {
    let mut lines = Vec::new();
    let out =
        s.c.describe_launch_templates()
            .send()
            .await
            .expect("describe launch templates");
    for t in out.launch_templates() {
        let id = t.launch_template_id().unwrap_or_default();
        let name = t.launch_template_name().unwrap_or_default();
        lines.push(format!(
            "template {id} {name:?} default={:?} latest={:?} tags={:?}",
            t.default_version_number(),
            t.latest_version_number(),
            tags_of(t.tags()),
        ));
        let versions =
            s.c.describe_launch_template_versions()
                .launch_template_id(id)
                .send()
                .await
                .expect("describe launch template versions");
        for v in versions.launch_template_versions() {
            let d = v.launch_template_data();
            let mut groups: Vec<&str> = d
                .map(|d| {
                    d.security_group_ids()
                        .iter()
                        .chain(d.network_interfaces().iter().flat_map(|n| n.groups()))
                        .map(String::as_str)
                        .collect()
                })
                .unwrap_or_default();
            groups.sort();
            groups.dedup();
            let mut tags: Vec<(String, Vec<(String, String)>)> = d
                .map(|d| {
                    d.tag_specifications()
                        .iter()
                        .map(|t| {
                            let mut tags: Vec<(String, String)> = t
                                .tags()
                                .iter()
                                .map(|t| {
                                    (
                                        t.key().unwrap_or_default().to_string(),
                                        t.value().unwrap_or_default().to_string(),
                                    )
                                })
                                .collect();
                            tags.sort();
                            (
                                t.resource_type()
                                    .map(|r| r.as_str().to_string())
                                    .unwrap_or_default(),
                                tags,
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            tags.sort();
            lines.push(format!(
                "template {id} version {:?} default={:?} description={:?} image={:?} type={:?} key={:?} groups={groups:?} user_data={:?} tags={tags:?}",
                v.version_number(),
                v.default_version(),
                v.version_description(),
                d.and_then(|d| d.image_id()),
                d.and_then(|d| d.instance_type()).map(|t| t.as_str()),
                d.and_then(|d| d.key_name()),
                decoded(d.and_then(|d| d.user_data())),
            ));
        }
    }
    let mut lines: Vec<String> = lines.iter().map(|l| fx.scrub(l)).collect();
    lines.sort();
    lines
}

impl Case {
    /// A case of the Auto Scaling family.
    fn asg(name: &'static str, seed: Seed, build: fn(&Fx) -> Built) -> Self {
        Self {
            observe: |s, fx| asg_world(s, fx).boxed(),
            ..Self::new(name, seed, build)
        }
    }
    /// A case of the launch templates family.
    fn template(name: &'static str, seed: Seed, build: fn(&Fx) -> Built) -> Self {
        Self {
            observe: |s, fx| template_world(s, fx).boxed(),
            ..Self::new(name, seed, build)
        }
    }
}

/// A second version of template `lt` from its version 1, with other user data.
async fn add_version(c: &Client, lt: &str, user_data: &str) {
    c.create_launch_template_version()
        .launch_template_id(lt)
        .source_version("1")
        .version_description("next")
        .launch_template_data(
            aws_sdk_ec2::types::RequestLaunchTemplateData::builder()
                .user_data(base64::engine::general_purpose::STANDARD.encode(user_data))
                .build(),
        )
        .send()
        .await
        .expect("create a template version");
}

/// The launch template `lt` (version 1: the stock AMI, t3.micro, user data `echo v1`), with
/// `versions` versions in all.
async fn seed_template(s: &Side, versions: usize) -> Fx {
    let mut fx = Fx::new(s);
    let lt = crate::templates::make_template(
        &s.c,
        &template_name(&fx, "web"),
        &s.ami,
        "#!/bin/sh\necho v1\n",
    )
    .await;
    for n in 2..=versions {
        add_version(&s.c, &lt, &format!("#!/bin/sh\necho v{n}\n")).await;
    }
    fx.set("lt", lt);
    fx
}

/// A template `lt` of two versions and the group `GROUP_NAME #n` on its version 1 in
/// us-east-1a, of this capacity; its members `m0`, `m1`, ... in the group's order (moto's
/// instance refresh replaces them in that order).
async fn seed_group(s: &Side, (min, desired, max): (i32, i32, i32)) -> Fx {
    let mut fx = seed_template(s, 2).await;
    let group = fx.name(GROUP_NAME);
    crate::moto_autoscaling::make_group(&s.asg, &group, &fx.id("lt"), "1", (min, desired, max))
        .await;
    let out = s
        .asg
        .describe_auto_scaling_groups()
        .auto_scaling_group_names(&group)
        .send()
        .await
        .expect("describe the group");
    let members: Vec<String> = out
        .auto_scaling_groups()
        .iter()
        .flat_map(|g| g.instances())
        .filter_map(|i| i.instance_id().map(str::to_string))
        .collect();
    assert_eq!(members.len(), desired as usize, "the group's members");
    for (i, m) in members.into_iter().enumerate() {
        fx.set(["m0", "m1", "m2", "m3"][i], m);
    }
    fx
}

/// A group of three (as [`seed_group`]) with an instance refresh in progress.
async fn seed_refreshing(s: &Side) -> Fx {
    let fx = seed_group(s, (1, 3, 4)).await;
    s.asg
        .start_instance_refresh()
        .auto_scaling_group_name(fx.name(GROUP_NAME))
        .send()
        .await
        .expect("start an instance refresh");
    fx
}

/// The launch configuration `CONFIG_NAME #n` (the stock AMI, t3.micro, hostile user data).
async fn seed_launch_configuration(s: &Side) -> Fx {
    let fx = Fx::new(s);
    s.asg
        .create_launch_configuration()
        .launch_configuration_name(fx.name(CONFIG_NAME))
        .image_id(&s.ami)
        .instance_type("t3.micro")
        .user_data(base64::engine::general_purpose::STANDARD.encode(HOSTILE))
        .send()
        .await
        .expect("create a launch configuration");
    fx
}

fn asg_cases() -> Vec<Case> {
    vec![
        Case::asg(
            "set a group's capacity",
            |s| seed_group(s, (1, 1, 3)).boxed(),
            |fx| {
                Built::one(Op::new(SetCapacity {
                    group: fx.name(GROUP_NAME),
                    min: 0,
                    desired: 2,
                    max: 4,
                }))
            },
        ),
        // `$Latest`: a `$` of the value's own, inside the line's JSON
        Case::asg(
            "point a group at its template's latest version",
            |s| seed_group(s, (1, 1, 2)).boxed(),
            |fx| {
                Built::one(Op::new(SetGroupTemplate {
                    group: fx.name(GROUP_NAME),
                    template_id: fx.id("lt"),
                    template_name: template_name(fx, "web"),
                    version: "$Latest".into(),
                }))
            },
        ),
        Case::asg(
            "point a group at a template version",
            |s| seed_group(s, (1, 1, 2)).boxed(),
            |fx| {
                Built::one(Op::new(SetGroupTemplate {
                    group: fx.name(GROUP_NAME),
                    template_id: fx.id("lt"),
                    template_name: template_name(fx, "web"),
                    version: "2".into(),
                }))
            },
        ),
        Case::asg(
            "terminate in a group, lowering desired",
            |s| seed_group(s, (1, 2, 3)).boxed(),
            |fx| {
                Built::one(Op::new(TerminateInGroup {
                    instance: fx.target("m0"),
                    group: fx.name(GROUP_NAME),
                    decrement: true,
                }))
            },
        ),
        Case::asg(
            "terminate in a group, replaced",
            |s| seed_group(s, (1, 2, 3)).boxed(),
            |fx| {
                Built::one(Op::new(TerminateInGroup {
                    instance: fx.target("m1"),
                    group: fx.name(GROUP_NAME),
                    decrement: false,
                }))
            },
        ),
        Case::asg(
            "start an instance refresh",
            |s| seed_group(s, (1, 2, 3)).boxed(),
            |fx| {
                Built::one(Op::new(StartRefresh {
                    group: fx.name(GROUP_NAME),
                    min_healthy: 75,
                }))
            },
        ),
        Case::asg(
            "cancel an instance refresh",
            |s| seed_refreshing(s).boxed(),
            |fx| {
                Built::one(Op::new(CancelRefresh {
                    group: fx.name(GROUP_NAME),
                }))
            },
        ),
        // tests/moto/launcher.py refuses a group with instances without ForceDelete, as AWS
        Case::asg(
            "delete a group with its instances",
            |s| seed_group(s, (0, 2, 2)).boxed(),
            |fx| {
                Built::one(Op::new(DeleteGroup {
                    group: fx.name(GROUP_NAME),
                    force: true,
                    instances: vec![fx.id("m0"), fx.id("m1")],
                }))
            },
        ),
        // ec2tui deletes without force only a group with no instances
        Case::asg(
            "delete an empty group",
            |s| seed_group(s, (0, 0, 2)).boxed(),
            |fx| {
                Built::one(Op::new(DeleteGroup {
                    group: fx.name(GROUP_NAME),
                    force: false,
                    instances: vec![],
                }))
            },
        ),
        Case::asg(
            "delete a launch configuration",
            |s| seed_launch_configuration(s).boxed(),
            |fx| {
                Built::one(Op::new(DeleteLaunchConfiguration {
                    name: fx.name(CONFIG_NAME),
                }))
            },
        ),
    ]
}

/// What a new version or template is made of, every field set: the AMI `ami`, t3.small, the
/// key `KEY_NAME #n`, the group `sg`, `user_data`, hostile tags.
fn template_data(fx: &Fx, user_data: String) -> ec2tui::aws::TemplateData {
    ec2tui::aws::TemplateData {
        image_id: fx.id("ami"),
        instance_type: "t3.small".into(),
        key_name: fx.name(KEY_NAME),
        security_group_ids: vec![fx.id("sg")],
        user_data: Some(user_data),
        instance_tags: hostile_tags(),
    }
}

/// A template `lt` of one version, and what [`seed_launch`] makes (a key pair, a group `sg`,
/// the AMI `ami`, the user data file `user data.sh`).
async fn seed_template_and_launch(s: &Side) -> Fx {
    let mut fx = seed_launch(s).await;
    let t = seed_template(s, 1).await;
    fx.set("lt", t.id("lt"));
    fx
}

/// Hostile tags with no control character in them: ec2tui's "create a template from an
/// instance" sends the instance's tags as it reads them, cleaned of control characters for
/// the screen (a newline dropped), which the case of [`hostile_tags`] shows.
fn printable_hostile_tags() -> Vec<(String, String)> {
    hostile_tags()
        .into_iter()
        .map(|(k, v)| (k, v.replace('\n', " ")))
        .collect()
}

/// `web` running with the key pair `KEY_NAME #n`, the group `sg`, hostile user data and
/// these tags.
async fn seed_instance_to_copy(s: &Side, instance_tags: Vec<(String, String)>) -> Fx {
    use aws_sdk_ec2::types::{InstanceType, ResourceType, Tag, TagSpecification};
    let mut fx = seed_launch(s).await;
    let mut tags = TagSpecification::builder().resource_type(ResourceType::Instance);
    for (k, v) in instance_tags {
        tags = tags.tags(Tag::builder().key(k).value(v).build());
    }
    let out =
        s.c.run_instances()
            .image_id(&s.ami)
            .instance_type(InstanceType::T3Micro)
            .min_count(1)
            .max_count(1)
            .key_name(fx.name(KEY_NAME))
            .security_group_ids(fx.id("sg"))
            .subnet_id(fx.id("subnet"))
            .user_data(
                base64::engine::general_purpose::STANDARD.encode(format!("#!/bin/sh\n{HOSTILE}\n")),
            )
            .tag_specifications(tags.build())
            .send()
            .await
            .expect("run an instance");
    fx.set("web", out.instances()[0].instance_id().unwrap());
    fx
}

fn template_cases() -> Vec<Case> {
    vec![
        // moto's CreateLaunchTemplateVersion starts from the source version as EC2 does
        // (tests/moto/launcher.py: launch_template_versions_like_ec2): the AMI comes from it
        Case::template(
            "create a template version from a source version",
            |s| seed_template_and_launch(s).boxed(),
            |fx| {
                Built::one(Op::new(CreateTemplateVersion {
                    template_id: fx.id("lt"),
                    template_name: template_name(fx, "web"),
                    source: Some(1),
                    spec: ec2tui::aws::TemplateSpec {
                        description: HOSTILE.into(),
                        data: ec2tui::aws::TemplateData {
                            image_id: String::new(),
                            ..template_data(fx, format!("#!/bin/sh\n{HOSTILE}\n"))
                        },
                    },
                    make_default: false,
                }))
            },
        ),
        // "Make it the default": ec2tui sends ModifyLaunchTemplate with the number the
        // version got (2: the template had one); the copied line asks for the latest
        Case::template(
            "create a template version made the default, user data from a file",
            |s| seed_template_and_launch(s).boxed(),
            |fx| {
                let op = Op::new(CreateTemplateVersion {
                    template_id: fx.id("lt"),
                    template_name: template_name(fx, "web"),
                    source: None,
                    spec: ec2tui::aws::TemplateSpec {
                        description: "release 2".into(),
                        data: template_data(fx, format!("@{}", fx.file("user data.sh"))),
                    },
                    make_default: true,
                });
                Built {
                    copied: vec![op.clone()],
                    sent: vec![
                        op,
                        Op::new(SetDefaultVersion {
                            template_id: fx.id("lt"),
                            template_name: template_name(fx, "web"),
                            version: 2,
                        }),
                    ],
                }
            },
        ),
        Case::template(
            "make a version the default",
            |s| seed_template(s, 2).boxed(),
            |fx| {
                Built::one(Op::new(SetDefaultVersion {
                    template_id: fx.id("lt"),
                    template_name: template_name(fx, "web"),
                    version: 2,
                }))
            },
        ),
        // the lines keep the instance's settings in `<instance id>.launch-template-data.json`
        // of the working directory (the case's scratch directory, for the runner)
        Case::template(
            "create a template from an instance",
            |s| seed_instance_to_copy(s, printable_hostile_tags()).boxed(),
            |fx| {
                Built::one(Op::new(CreateTemplateFromInstance {
                    instance: fx.target("web"),
                    name: template_name(fx, "copy"),
                    description: HOSTILE.into(),
                }))
            },
        )
        .outputs(|_, fb, _| {
            let file = fb.file(&format!("{}.launch-template-data.json", fb.id("web")));
            match std::fs::read_to_string(&file) {
                Ok(t) if t.contains("ImageId") => Ok(()),
                other => Err(format!(
                    "the settings file in the working directory: {file}: {other:?}"
                )),
            }
        }),
        // the same with a tag value of two lines: EC2 keeps it, and so do the CLI's lines
        Case::template(
            "create a template from an instance with a tag of two lines",
            |s| seed_instance_to_copy(s, hostile_tags()).boxed(),
            |fx| {
                Built::one(Op::new(CreateTemplateFromInstance {
                    instance: fx.target("web"),
                    name: template_name(fx, "copy"),
                    description: String::new(),
                }))
            },
        ),
        Case::template(
            "create a template from a launch configuration",
            |s| seed_launch(s).boxed(),
            |fx| {
                Built::one(Op::new(CreateTemplate {
                    name: template_name(fx, "migrated"),
                    spec: ec2tui::aws::TemplateSpec {
                        description: HOSTILE.into(),
                        data: ec2tui::aws::TemplateData {
                            instance_tags: vec![],
                            ..template_data(fx, format!("#!/bin/sh\n{HOSTILE}\n"))
                        },
                    },
                    from: format!("launch configuration {}", fx.name(CONFIG_NAME)),
                }))
            },
        ),
        Case::template(
            "delete template versions",
            |s| seed_template(s, 3).boxed(),
            |fx| {
                Built::one(Op::new(DeleteTemplateVersions {
                    template_id: fx.id("lt"),
                    template_name: template_name(fx, "web"),
                    versions: vec![2, 3],
                }))
            },
        ),
        Case::template(
            "delete a template",
            |s| seed_template(s, 2).boxed(),
            |fx| {
                Built::one(Op::new(DeleteTemplate {
                    template_id: fx.id("lt"),
                    template_name: template_name(fx, "web"),
                }))
            },
        ),
    ]
}

fn families() -> Vec<(&'static str, Vec<Case>)> {
    vec![
        ("instances", instance_cases()),
        ("tags", tag_cases()),
        ("key pairs", key_pair_cases()),
        ("storage", storage_cases()),
        ("images", image_cases()),
        ("launch", launch_cases()),
        ("auto scaling", asg_cases()),
        ("launch templates", template_cases()),
        ("security groups", security_group_cases()),
    ]
}

// ---------------------------------------------------------------------------------------
// the tests

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instance_calls_in_the_cli_do_what_ec2tui_does() {
    run_family(instance_cases()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tag_and_key_pair_calls_in_the_cli_do_what_ec2tui_does() {
    let mut cases = tag_cases();
    cases.extend(key_pair_cases());
    run_family(cases).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn volume_and_snapshot_calls_in_the_cli_do_what_ec2tui_does() {
    run_family(storage_cases()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn image_calls_in_the_cli_do_what_ec2tui_does() {
    run_family(image_cases()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn launch_calls_in_the_cli_do_what_ec2tui_does() {
    run_family(launch_cases()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_scaling_calls_in_the_cli_do_what_ec2tui_does() {
    run_family(asg_cases()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn launch_template_calls_in_the_cli_do_what_ec2tui_does() {
    run_family(template_cases()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_group_calls_in_the_cli_do_what_ec2tui_does() {
    run_family(security_group_cases()).await;
}

/// The pinned CLI sends to AWS_ENDPOINT_URL, a line's `--region` included: a key pair made
/// in another region lands in moto's backend of that region (and nowhere else).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_reaches_only_moto() {
    let moto = Moto::start();
    let eu = Side::new(moto, "a").await;
    let line = format!("aws ec2 create-key-pair --key-name probe --region {OTHER_REGION} --debug");
    eu.begin(0);
    let (status, _, err) = tokio::task::block_in_place(|| run_cli(&eu.moto, &line, &eu.case_dir()));
    assert!(status.success(), "{err}");
    let want = format!("Endpoint provider result: {}", eu.moto.endpoint);
    assert!(err.contains(&want), "{want} in the CLI's debug log");
    let names: Vec<String> = eu
        .eu
        .describe_key_pairs()
        .send()
        .await
        .unwrap()
        .key_pairs()
        .iter()
        .filter_map(|k| k.key_name().map(str::to_string))
        .collect();
    assert_eq!(names, ["probe"]);
}

/// Which op type this is, by downcasting: a case of a new type is named here too.
fn type_name(op: &Op) -> String {
    macro_rules! first_of {
        ($($t:ident),*) => {
            $(if op.get::<$t>().is_some() { return stringify!($t).to_string(); })*
        };
    }
    first_of!(
        InstanceCall,
        RevokeRule,
        CreateTags,
        DeleteTags,
        VolumeCall,
        DeleteSnapshot,
        CopySnapshot,
        CreateImage,
        CreateImageAfterStop,
        DeregisterImage,
        CopyImage,
        CreateKeyPair,
        ImportKeyPair,
        DeleteKeyPair,
        RunInstances,
        SetCapacity,
        SetGroupTemplate,
        TerminateInGroup,
        StartRefresh,
        CancelRefresh,
        DeleteGroup,
        DeleteLaunchConfiguration,
        CreateTemplateVersion,
        SetDefaultVersion,
        CreateTemplateFromInstance,
        CreateTemplate,
        DeleteTemplateVersions,
        DeleteTemplate
    );
    format!("(a type aws_cli::type_name does not know: {op:?})")
}

/// Every `impl Mutation for X` of src/.
fn mutations_in(dir: &Path, out: &mut BTreeSet<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            mutations_in(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            let text = std::fs::read_to_string(&p).unwrap();
            for part in text.split("impl Mutation for ").skip(1) {
                let name: String = part
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                out.insert(name);
            }
        }
    }
}

/// A new op cannot be left out: every `impl Mutation` of src/ has a case here, or waits in
/// PENDING for its CLI form.
#[test]
fn every_mutation_has_a_case() {
    let mut in_src = BTreeSet::new();
    mutations_in(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut in_src,
    );
    assert!(in_src.len() > 10, "the scan found {in_src:?}");
    let fx = Fx::placeholder();
    let mut covered = BTreeSet::new();
    for (_, cases) in families() {
        for case in cases {
            let b = (case.build)(&fx);
            covered.extend(b.copied.iter().chain(&b.sent).map(type_name));
        }
    }
    let pending: BTreeSet<String> = PENDING.iter().map(|s| s.to_string()).collect();
    let missing: Vec<&String> = in_src
        .iter()
        .filter(|n| !covered.contains(*n) && !pending.contains(*n))
        .collect();
    assert!(
        missing.is_empty(),
        "ops with no case in tests/it/aws_cli.rs (add one to a family, or to PENDING while it has no cli()): {missing:?}"
    );
    let unknown: Vec<&String> = covered.iter().filter(|n| !in_src.contains(*n)).collect();
    assert!(unknown.is_empty(), "cases of unknown ops: {unknown:?}");
    let stale: Vec<&String> = pending
        .iter()
        .filter(|n| covered.contains(*n) || !in_src.contains(*n))
        .collect();
    assert!(
        stale.is_empty(),
        "PENDING names ops that have cases or are gone from src/: {stale:?}"
    );
}

/// The lines Ctrl-y copies for these calls in a console on us-east-1 (the app's own
/// `cli_lines`: `aws`, the region on every command of a line, shell syntax as it is).
fn copied_lines(ops: &[Op]) -> Vec<String> {
    let ctx = ec2tui::app::Context {
        profile: "default".into(),
        region: "us-east-1".into(),
        ..Default::default()
    };
    let app = ec2tui::panes::app(ctx, ec2tui::panes::default_keymap());
    app.cli_lines(ops)
        .iter()
        .map(|l| ec2tui::aws::cli_text(l))
        .collect()
}

// ---------------------------------------------------------------------------------------
// security groups

/// A group "web" with inbound SSH from a CIDR, HTTPS from the world, an IPv6 rule and one
/// from another group ("lb"), and its outbound rule.
async fn seed_group_rules(s: &Side) -> Fx {
    use aws_sdk_ec2::types::{IpPermission, IpRange, Ipv6Range, UserIdGroupPair};
    let mut fx = Fx::new(s);
    let vpc = crate::emulator::default_vpc(&s.c).await;
    let web = crate::emulator::create_group(&s.c, &vpc, &fx.name("web"), "web").await;
    let lb = crate::emulator::create_group(&s.c, &vpc, &fx.name("lb"), "lb").await;
    s.c.authorize_security_group_ingress()
        .group_id(&web)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(22)
                .to_port(22)
                .ip_ranges(
                    IpRange::builder()
                        .cidr_ip("203.0.113.0/24")
                        .description(HOSTILE)
                        .build(),
                )
                .build(),
        )
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(443)
                .to_port(443)
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .ipv6_ranges(Ipv6Range::builder().cidr_ipv6("::/0").build())
                .build(),
        )
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(8080)
                .to_port(8090)
                .user_id_group_pairs(UserIdGroupPair::builder().group_id(&lb).build())
                .build(),
        )
        .send()
        .await
        .expect("authorize ingress");
    fx.set("web", web);
    fx.set("lb", lb);
    fx
}

/// Every group of the VPC's with its rules, as EC2 describes them.
async fn group_world(s: &Side, fx: &Fx) -> Vec<String> {
    let out =
        s.c.describe_security_groups()
            .send()
            .await
            .expect("describe groups");
    let mut lines = Vec::new();
    for g in out.security_groups() {
        let id = g.group_id().unwrap_or_default();
        for (dir, perms) in [
            ("in", g.ip_permissions()),
            ("out", g.ip_permissions_egress()),
        ] {
            for p in perms {
                let mut sources: Vec<String> = p
                    .ip_ranges()
                    .iter()
                    .map(|r| format!("{}:{:?}", r.cidr_ip().unwrap_or_default(), r.description()))
                    .chain(
                        p.ipv6_ranges()
                            .iter()
                            .map(|r| r.cidr_ipv6().unwrap_or_default().to_string()),
                    )
                    .chain(
                        p.user_id_group_pairs()
                            .iter()
                            .map(|u| u.group_id().unwrap_or_default().to_string()),
                    )
                    .chain(
                        p.prefix_list_ids()
                            .iter()
                            .map(|l| l.prefix_list_id().unwrap_or_default().to_string()),
                    )
                    .collect();
                sources.sort();
                lines.push(format!(
                    "group {id} {dir} {} {:?}-{:?} {sources:?}",
                    p.ip_protocol().unwrap_or_default(),
                    p.from_port(),
                    p.to_port()
                ));
            }
        }
    }
    let mut lines: Vec<String> = lines.iter().map(|l| fx.scrub(l)).collect();
    lines.sort();
    lines
}

fn rule(
    protocol: &str,
    ports: (i32, i32),
    source: &str,
    kind: ec2tui::aws::RuleSource,
) -> ec2tui::aws::Rule {
    ec2tui::aws::Rule {
        protocol: protocol.into(),
        from_port: Some(ports.0),
        to_port: Some(ports.1),
        source: source.into(),
        kind,
        description: String::new(),
    }
}

fn revoke(fx: &Fx, inbound: bool, r: ec2tui::aws::Rule) -> Built {
    Built::one(Op::new(RevokeRule {
        group: fx.target("web"),
        inbound,
        rule: r,
        last_way_in: false,
    }))
}

fn security_group_cases() -> Vec<Case> {
    use ec2tui::aws::RuleSource as K;
    let case = |name, build| Case {
        observe: |s, fx| group_world(s, fx).boxed(),
        ..Case::new(name, |s| seed_group_rules(s).boxed(), build)
    };
    vec![
        case("revoke inbound SSH from a CIDR", |fx| {
            revoke(fx, true, rule("tcp", (22, 22), "203.0.113.0/24", K::Cidr4))
        }),
        case("revoke inbound HTTPS from ::/0 only", |fx| {
            revoke(fx, true, rule("tcp", (443, 443), "::/0", K::Cidr6))
        }),
        case("revoke inbound from another group", |fx| {
            revoke(fx, true, rule("tcp", (8080, 8090), &fx.id("lb"), K::Group))
        }),
        case("revoke the outbound rule", |fx| {
            let mut r = rule("-1", (0, 0), "0.0.0.0/0", K::Cidr4);
            (r.from_port, r.to_port) = (None, None);
            revoke(fx, false, r)
        }),
    ]
}

/// A template whose `@file` user data cannot be read: the copied lines say why and fail
/// before the call (it used to copy the error sentence itself, base64'd, as the user data).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreadable_template_user_data_stops_the_copied_line() {
    let moto = Moto::start();
    let op = Op::new(CreateTemplate {
        name: "from-a-missing-file".into(),
        spec: ec2tui::aws::TemplateSpec {
            description: "d".into(),
            data: ec2tui::aws::TemplateData {
                image_id: "ami-12c6146b".into(),
                user_data: Some("@/nonexistent/ec2tui-user-data.sh".into()),
                ..Default::default()
            },
        },
        from: "a test".into(),
    });
    let lines = copied_lines(&[op]);
    assert!(lines.len() >= 2, "{lines:?}");
    let text = lines.join("\n");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("unreadable-user-data-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (status, _out, err) = run_cli(&moto, &text, &dir);
    assert!(!status.success(), "{text}");
    assert!(
        err.contains("ec2tui: cannot read the user data file"),
        "{err}"
    );
    let c = moto.client().await;
    let t = c.describe_launch_templates().send().await.unwrap();
    assert!(t.launch_templates().is_empty(), "nothing was created");
}
