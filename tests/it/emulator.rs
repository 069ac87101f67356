//! moto's standalone server as the EC2 API under test: provisioned once into a venv under
//! `target/` (under a file lock), one server per test on a free 127.0.0.1 port, stopped by pid.
//! The same venv holds the real AWS CLI (v1, from PyPI), for the tests that run the commands
//! ec2tui copies (`aws_cli.rs`).

#![allow(dead_code)]

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub const MOTO_PIN: &str = "moto==5.2.5";
/// The AWS CLI the copied commands are run with (v1, which brings its own botocore inside:
/// `aws --version` says botocore/1.43.62). moto's boto3/botocore/s3transfer, which moto does
/// not pin, are pinned beside it, so the venv resolves the same on every machine.
pub const AWSCLI_PIN: &str = "awscli==1.46.3";
const PIP_PINS: &[&str] = &[
    MOTO_PIN,
    "flask==3.1.3",
    "flask-cors==6.0.5",
    "werkzeug==3.1.9",
    AWSCLI_PIN,
    "botocore==1.44.8",
    "boto3==1.44.8",
    "s3transfer==0.19.3",
];

fn venv_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("moto-5.2.5")
}

fn run(cmd: &mut Command, what: &str) {
    let out = match cmd.output() {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "{what}: python3 is missing. The emulator tests need python3 (3.9+ with venv and pip) \
             to install {MOTO_PIN}; install it (Debian: apt install python3 python3-venv) and run cargo test again."
        ),
        Err(e) => panic!("{what}: {e}"),
    };
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The venv's python, creating the venv on first use. Safe to call from many tests and
/// processes at once. A venv made with other pins (an older checkout's) is made again.
pub fn python() -> PathBuf {
    let dir = venv_dir();
    let py = dir.join("venv/bin/python");
    let ready = dir.join("ready");
    let pins = PIP_PINS.join("\n");
    let is_ready = || std::fs::read_to_string(&ready).is_ok_and(|r| r == pins);
    if is_ready() {
        return py;
    }
    std::fs::create_dir_all(&dir).expect("create the emulator directory under target/");
    let lock = File::create(dir.join("lock")).expect("create the emulator lock file");
    lock.lock().expect("lock the emulator directory");
    if !is_ready() {
        let _ = std::fs::remove_file(&ready);
        let _ = std::fs::remove_dir_all(dir.join("venv"));
        run(
            Command::new("python3")
                .args(["-m", "venv"])
                .arg(dir.join("venv")),
            "creating the moto venv",
        );
        run(
            Command::new(&py)
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                ])
                .args(PIP_PINS),
            "installing moto and the AWS CLI into the venv",
        );
        std::fs::write(&ready, &pins).expect("mark the venv ready");
    }
    py
}

/// The real AWS CLI (`aws`) of the venv, installing the venv on first use.
pub fn aws_cli() -> PathBuf {
    python().with_file_name("aws")
}

/// A running moto server; killed when dropped.
pub struct Moto {
    child: Child,
    pub port: u16,
    pub endpoint: String,
}

impl Moto {
    pub fn start() -> Self {
        Self::start_script("launcher.py", &[])
    }

    /// Starts another script of `tests/moto/` that prints its port (e.g. the canned endpoint).
    pub fn start_script(script: &str, args: &[&str]) -> Self {
        let (child, port) = spawn_script(script, args);
        Self {
            child,
            port,
            endpoint: format!("http://127.0.0.1:{port}"),
        }
    }

    /// An SDK configuration pointing at this server with static test credentials.
    pub async fn sdk_config(&self) -> aws_config::SdkConfig {
        aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .endpoint_url(&self.endpoint)
            .credentials_provider(aws_sdk_ec2::config::Credentials::new(
                "testing", "testing", None, None, "tests",
            ))
            .load()
            .await
    }

    /// A separate, bare SDK client: the independent check of what our adapter did.
    pub async fn client(&self) -> aws_sdk_ec2::Client {
        aws_sdk_ec2::Client::new(&self.sdk_config().await)
    }

    /// Our adapter over this server.
    pub async fn adapter(&self) -> ec2tui::aws::sdk::SdkEc2 {
        ec2tui::aws::sdk::SdkEc2::from_conf(&self.sdk_config().await)
    }
}

/// Starts a script of `tests/moto/` with the venv's python and reads the port it prints.
fn spawn_script(script: &str, args: &[&str]) -> (Child, u16) {
    let py = python();
    let launcher = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/moto")
        .join(script);
    let mut child = Command::new(&py)
        .arg(&launcher)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", launcher.display()));
    let stdout = child.stdout.take().expect("launcher stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = match rx.recv_timeout(Duration::from_secs(90)) {
        Ok(l) => l,
        Err(_) => {
            let _ = child.kill();
            panic!("{script} did not report its port within 90 s");
        }
    };
    let port: u16 = line
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{script} printed {line:?} instead of a port"));
    (child, port)
}

/// `tests/moto/faultproxy.py` in front of a moto server: forwards to it, or injects the
/// fault [`FaultProxy::set`] asks for (`pass`, `stall`, `hold:ACTION`, `deny-action:ACTION`,
/// `throttle-sts`, `sso-401`, ...: see the script).
/// Killed when dropped.
pub struct FaultProxy {
    child: Child,
    pub endpoint: String,
    mode_file: PathBuf,
    log_file: PathBuf,
}

impl FaultProxy {
    pub fn start(upstream: &Moto) -> Self {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("faultproxy-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the proxy's directory");
        let (mode_file, log_file) = (dir.join("mode"), dir.join("log"));
        std::fs::write(&mode_file, "pass").expect("write the proxy's mode");
        let (child, port) = spawn_script(
            "faultproxy.py",
            &[
                &upstream.port.to_string(),
                mode_file.to_str().unwrap(),
                log_file.to_str().unwrap(),
            ],
        );
        Self {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            mode_file,
            log_file,
        }
    }

    /// Switches the fault for the requests that come next (and ends a stall).
    pub fn set(&self, mode: &str) {
        let tmp = self.mode_file.with_extension("tmp");
        std::fs::write(&tmp, mode).expect("write the proxy's mode");
        std::fs::rename(&tmp, &self.mode_file).expect("switch the proxy's mode");
    }

    /// How many requests for `what` (an Action, or `GET /path`) came in `mode`.
    pub fn count(&self, mode: &str, what: &str) -> usize {
        let line = format!("{mode} {what}");
        std::fs::read_to_string(&self.log_file)
            .unwrap_or_default()
            .lines()
            .filter(|l| *l == line)
            .count()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An AMI that moto knows in us-east-1.
pub async fn some_ami(c: &aws_sdk_ec2::Client) -> String {
    let out = c
        .describe_images()
        .owners("amazon")
        .send()
        .await
        .expect("describe images");
    out.images()
        .iter()
        .find(|i| i.architecture().map(|a| a.as_str()) == Some("x86_64"))
        .and_then(|i| i.image_id())
        .expect("moto has an x86_64 AMI")
        .to_string()
}

/// Launches `count` instances in one reservation, returning their ids.
pub async fn launch(c: &aws_sdk_ec2::Client, ami: &str, count: i32, name: &str) -> Vec<String> {
    use aws_sdk_ec2::types::{ResourceType, Tag, TagSpecification};
    let out = c
        .run_instances()
        .image_id(ami)
        .instance_type(aws_sdk_ec2::types::InstanceType::T3Micro)
        .min_count(count)
        .max_count(count)
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::Instance)
                .tags(Tag::builder().key("Name").value(name).build())
                .build(),
        )
        .send()
        .await
        .expect("run instances");
    out.instances()
        .iter()
        .filter_map(|i| i.instance_id().map(str::to_string))
        .collect()
}

/// The state of one instance, by a separate SDK call.
pub async fn state_of(c: &aws_sdk_ec2::Client, id: &str) -> String {
    let out = c
        .describe_instances()
        .instance_ids(id)
        .send()
        .await
        .expect("describe instance");
    out.reservations()[0].instances()[0]
        .state()
        .and_then(|s| s.name())
        .map(|n| n.as_str().to_string())
        .unwrap_or_default()
}

/// Polls `f` until it returns true or the deadline passes.
pub async fn eventually<F, Fut>(what: &str, secs: u64, mut f: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    loop {
        if f().await {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The id of moto's default VPC.
pub async fn default_vpc(c: &aws_sdk_ec2::Client) -> String {
    let vpcs = c.describe_vpcs().send().await.unwrap();
    vpcs.vpcs()
        .iter()
        .find(|v| v.is_default() == Some(true))
        .and_then(|v| v.vpc_id())
        .expect("moto has a default VPC")
        .to_string()
}

/// Creates a security group in `vpc`, tagged with its name; returns its id.
pub async fn create_group(
    c: &aws_sdk_ec2::Client,
    vpc: &str,
    name: &str,
    description: &str,
) -> String {
    use aws_sdk_ec2::types::{ResourceType, Tag, TagSpecification};
    c.create_security_group()
        .group_name(name)
        .description(description)
        .vpc_id(vpc)
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::SecurityGroup)
                .tags(Tag::builder().key("Name").value(name).build())
                .build(),
        )
        .send()
        .await
        .unwrap()
        .group_id()
        .unwrap()
        .to_string()
}
