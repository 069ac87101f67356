//! End to end: the real binary in a pseudo-terminal, against moto, read through a vt100 parser.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

use crate::emulator::{Moto, eventually, launch, some_ami, state_of};

pub(crate) struct Term {
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
}

pub(crate) fn scratch(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("e2e-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

impl Term {
    fn spawn(moto: &Moto, home: &PathBuf, extra: &[&str]) -> Self {
        Self::spawn_with(
            &moto.endpoint,
            home,
            extra,
            &[
                ("AWS_ACCESS_KEY_ID", "testing"),
                ("AWS_SECRET_ACCESS_KEY", "testing"),
            ],
        )
    }

    pub(crate) fn spawn_with(
        endpoint: &str,
        home: &PathBuf,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> Self {
        Self::spawn_sized(endpoint, home, extra, env, (30, 120))
    }

    /// Like `spawn_with`, in a terminal of (rows, columns).
    pub(crate) fn spawn_sized(
        endpoint: &str,
        home: &PathBuf,
        extra: &[&str],
        env: &[(&str, &str)],
        (rows, cols): (u16, u16),
    ) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_ec2tui"));
        cmd.args(["--endpoint-url", endpoint, "--region", "us-east-1"]);
        cmd.args(extra);
        cmd.env_clear();
        for (k, v) in [
            ("PATH", "/usr/bin:/bin"),
            ("TERM", "xterm-256color"),
            ("AWS_CONFIG_FILE", "/nonexistent/config"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ] {
            cmd.env(k, v);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.env("HOME", home);
        // files it is told to write by a relative name land in the scratch home
        cmd.cwd(home);
        cmd.env("XDG_DATA_HOME", home.join("data"));
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        let child = pair.slave.spawn_command(cmd).expect("spawn ec2tui");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (p, r) = (parser.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().unwrap().process(&buf[..n]);
                r.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Self {
            child,
            master: pair.master,
            writer,
            parser,
            raw,
        }
    }

    /// The program's process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.process_id().expect("a running child")
    }

    /// Every byte the program wrote so far.
    pub(crate) fn raw(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    pub(crate) fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    pub(crate) fn wait_for(&self, text: &str, secs: u64) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {text:?}; the screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub(crate) fn send(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    pub(crate) fn wait_exit(&mut self, secs: u64) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                return st;
            }
            assert!(
                Instant::now() < deadline,
                "ec2tui did not exit; the screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The terminal is back to normal: alternate screen left, cursor shown, cooked mode.
    pub(crate) fn assert_restored(&self) {
        // let the reader drain what the child wrote last
        std::thread::sleep(Duration::from_millis(200));
        let raw = self.raw.lock().unwrap().clone();
        let find = |pat: &[u8]| raw.windows(pat.len()).rposition(|w| w == pat);
        let entered = find(b"\x1b[?1049h").expect("entered the alternate screen");
        let left = find(b"\x1b[?1049l").expect("left the alternate screen");
        assert!(left > entered);
        assert!(
            find(b"\x1b[?25h").is_some_and(|p| p > entered),
            "cursor shown again"
        );
        assert!(!self.parser.lock().unwrap().screen().alternate_screen());
        let fd = self.master.as_raw_fd().expect("pty fd");
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        assert_eq!(unsafe { libc::tcgetattr(fd, &mut t) }, 0);
        assert!(t.c_lflag & libc::ICANON != 0, "canonical mode restored");
        assert!(t.c_lflag & libc::ECHO != 0, "echo restored");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browse_filter_stop_and_quit() {
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    launch(&c, &ami, 1, "e2e-alpha").await;
    let bravo = launch(&c, &ami, 1, "e2e-bravo").await.remove(0);
    launch(&c, &ami, 1, "e2e-charlie").await;
    let home = scratch("stop");
    let mut t = tokio::task::block_in_place(|| Term::spawn(&moto, &home, &[]));
    tokio::task::block_in_place(|| {
        t.wait_for("Instances (3)", 60);
        let s = t.wait_for("e2e-charlie", 10);
        assert!(s.contains("123456789012") || t.wait_for("123456789012", 10).contains("account"));
        assert!(
            s.contains(&moto.endpoint),
            "the overridden endpoint is in the header"
        );
        t.send("/bravo");
        t.wait_for("Instances (1 of 3)", 10);
        t.send("\r");
        t.send("S");
        t.wait_for("Stop 1 instance", 10);
        t.send("y");
    });
    let (c2, id) = (c.clone(), bravo.clone());
    eventually("bravo stopped", 20, || {
        let (c, id) = (c2.clone(), id.clone());
        async move { state_of(&c, &id).await == "stopped" }
    })
    .await;
    tokio::task::block_in_place(|| {
        t.wait_for("stopped", 10);
        t.send("q");
        let st = t.wait_exit(10);
        assert!(st.success(), "exit status {st:?}");
        t.assert_restored();
    });
    assert!(
        home.join("data/ec2tui/ec2tui.log").exists(),
        "logs go to the data directory"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_tag_cannot_reach_the_terminal() {
    use aws_sdk_ec2::types::Tag;
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    let id = launch(&c, &ami, 1, "evil").await.remove(0);
    c.create_tags()
        .resources(&id)
        .tags(
            Tag::builder()
                .key("Owner")
                .value("\u{1b}]0;pwned\u{7}mallory\u{1b}[2J")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let home = scratch("hostile");
    tokio::task::block_in_place(|| {
        let mut t = Term::spawn(&moto, &home, &["--read-only"]);
        t.wait_for("evil", 60);
        t.wait_for("READ-ONLY", 5);
        t.send("\r"); // details show every tag
        t.wait_for("Termination protect.", 10);
        t.send(&"j".repeat(20)); // scroll down to them
        t.wait_for("Owner = mallory", 10);
        let raw = t.raw.lock().unwrap().clone();
        let hay = String::from_utf8_lossy(&raw);
        assert!(
            !hay.contains("pwned"),
            "the OSC title sequence reached the terminal"
        );
        let clears = hay.matches("\u{1b}[2J").count();
        // ratatui clears once when it starts; the tag's clear must not add one
        assert!(clears <= 1, "{clears} screen clears");
        t.send("\u{1b}");
        t.wait_for("AMIs pane", 10); // the details closed (an Esc right before S reads as Alt-S)
        t.send("S"); // read-only: refused in the status line
        t.wait_for("read-only mode", 10);
        t.send("\u{3}"); // Ctrl-c
        assert!(t.wait_exit(10).success());
        t.assert_restored();
    });
}

#[test]
fn a_wrong_flag_exits_2_with_usage() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ec2tui"))
        .arg("--no-such-flag")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Usage"), "{err}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ec2tui"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(env!("CARGO_PKG_VERSION")));
}

/// `--demo --profile NAME` starts the demo as that profile, with its safety (demo-prod is
/// PRODUCTION); a profile the demo does not have is refused before the terminal is touched.
#[test]
fn the_demo_starts_as_the_profile_asked_for() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ec2tui"))
        .args(["--demo", "--profile", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the demo has no profile nope (its profiles: demo, demo-prod)"),
        "{err}"
    );
    let home = scratch("demo-prod");
    let mut t = Term::spawn_with(
        "http://127.0.0.1:9",
        &home,
        &["--demo", "--profile", "demo-prod"],
        &[],
    );
    let s = t.wait_for("Instances (", 30);
    let header = s.lines().next().unwrap_or_default();
    assert!(
        header.contains("PRODUCTION") && header.contains("demo-prod"),
        "{header}"
    );
    t.send("q");
    assert!(t.wait_exit(10).success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_restores_the_terminal_and_exits_non_zero() {
    let moto = Moto::start();
    let home = scratch("panic");
    tokio::task::block_in_place(|| {
        let mut t = Term::spawn_with(
            &moto.endpoint,
            &home,
            &[],
            &[
                ("AWS_ACCESS_KEY_ID", "testing"),
                ("AWS_SECRET_ACCESS_KEY", "testing"),
                ("EC2TUI_DEBUG_PANIC", "1"),
            ],
        );
        let st = t.wait_exit(30);
        assert!(!st.success(), "a panic exits non-zero");
        t.assert_restored();
        let raw = String::from_utf8_lossy(&t.raw.lock().unwrap()).to_string();
        assert!(
            raw.contains("EC2TUI_DEBUG_PANIC is set"),
            "the panic message is shown"
        );
    });
}

#[test]
fn missing_credentials_are_explained_and_the_app_keeps_working() {
    let home = scratch("nocreds");
    // no credentials anywhere, and nothing listening: the credentials are what fails first
    let mut t = Term::spawn_with("http://127.0.0.1:9", &home, &[], &[]);
    let s = t.wait_for("no AWS credentials found", 60);
    assert!(s.contains("aws configure"), "a hint: {s}");
    t.send("?");
    t.wait_for("Instances pane", 10);
    t.send("q"); // closes the help
    t.wait_for("Cannot list instances", 10);
    t.send("q");
    assert!(t.wait_exit(10).success());
    t.assert_restored();
}

/// The terminal going away in the middle of an image's stop first (an SSH connection
/// dropped: SIGHUP) ends ec2tui with what is in the middle journaled, and the next start says
/// so.
#[cfg(unix)]
#[test]
fn a_hangup_in_the_middle_is_journaled_and_reported_at_the_next_start() {
    let home = scratch("hangup");
    let mut t = Term::spawn_with("http://127.0.0.1:9", &home, &["--demo"], &[]);
    t.wait_for("Instances (20)", 30);
    t.send("/running\r");
    t.wait_for(" of ", 10);
    t.send("jk"); // a running row, picked
    t.send("i");
    t.wait_for("Create image of", 10);
    t.send("\x13");
    t.wait_for("Stop first", 10);
    t.send("y");
    t.wait_for("before creating the image", 10);
    // SAFETY: kill(2) on the child's pid
    assert_eq!(unsafe { libc::kill(t.pid() as i32, libc::SIGHUP) }, 0);
    t.wait_exit(10);
    let journal = std::fs::read_to_string(home.join("data/ec2tui/journal.jsonl")).unwrap();
    assert!(
        journal.contains("\"operation\":\"Interrupted\"") && journal.contains("it is left stopped"),
        "{journal}"
    );
    let mut t = Term::spawn_with("http://127.0.0.1:9", &home, &["--demo"], &[]);
    t.wait_for("interrupted at", 30);
    t.send("q");
    assert!(t.wait_exit(10).success());
}

/// The threads that parse AWS's answers run behind the one that answers keys and draws
/// (nice 10 against 0), so a big listing on a busy machine never makes a key wait for a core.
#[cfg(target_os = "linux")]
#[test]
fn the_runtime_threads_run_behind_the_screen() {
    let home = scratch("nice");
    let mut t = Term::spawn_with("http://127.0.0.1:9", &home, &["--demo"], &[]);
    t.wait_for("Instances (", 30);
    let tasks = std::fs::read_dir(format!("/proc/{}/task", t.pid())).unwrap();
    let mut seen = Vec::new();
    for task in tasks.flatten() {
        let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        let stat = std::fs::read_to_string(task.path().join("stat")).unwrap_or_default();
        // the fields after the command's closing parenthesis: nice is the 17th
        let nice: i32 = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(16))
            .and_then(|n| n.parse().ok())
            .expect("a nice value");
        seen.push((comm.trim().to_string(), nice));
    }
    let main = seen
        .iter()
        .find(|(c, _)| c == "ec2tui")
        .expect("the main thread");
    assert_eq!(main.1, 0, "{seen:?}");
    let workers: Vec<_> = seen
        .iter()
        .filter(|(c, _)| c == "tokio-rt-worker")
        .collect();
    assert!(!workers.is_empty(), "{seen:?}");
    assert!(workers.iter().all(|(_, n)| *n == 10), "{seen:?}");
    t.send("q");
    assert!(t.wait_exit(10).success());
}

async fn instances_now(c: &aws_sdk_ec2::Client) -> Vec<aws_sdk_ec2::types::Instance> {
    let out = c.describe_instances().send().await.unwrap();
    out.reservations()
        .iter()
        .flat_map(|r| r.instances().to_vec())
        .collect()
}

async fn user_data_of(c: &aws_sdk_ec2::Client, id: &str) -> String {
    use base64::Engine;
    let out = c
        .describe_instance_attribute()
        .instance_id(id)
        .attribute(aws_sdk_ec2::types::InstanceAttributeName::UserData)
        .send()
        .await
        .unwrap();
    let b64 = out.user_data().and_then(|u| u.value()).unwrap_or_default();
    String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap(),
    )
    .unwrap()
}

/// The golden-image loop, as a user types it: launch with a user-data script, image it
/// (stop first), launch from the image with a one-line script, terminate both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_golden_image_loop() {
    let moto = Moto::start();
    let c = moto.client().await;
    let base_ami = some_ami(&c).await;
    let home = scratch("golden");
    let mut t = tokio::task::block_in_place(|| Term::spawn(&moto, &home, &[]));
    let tab7 = "\t".repeat(7);

    // 1. launch from an Amazon AMI with a user-data script
    tokio::task::block_in_place(|| {
        t.wait_for("Instances (0)", 60);
        t.send("2");
        t.wait_for("AMIs: mine (0)", 20);
        t.send("o");
        t.wait_for("AMIs: Amazon's", 20);
        t.send(&format!("/{base_ami}\r"));
        t.wait_for("(1 of", 20);
        t.send("l");
        t.wait_for("Launch from", 10);
        t.wait_for("vCPU", 30); // the options arrived
        t.send(&tab7);
        t.send("#!/bin/bash\ryum install -y httpd");
        t.send("\x13"); // Ctrl-s
        t.wait_for("is running", 30); // launched, then watched until running
    });
    let first = instances_now(&c).await;
    assert_eq!(first.len(), 1);
    let src = first[0].instance_id().unwrap().to_string();
    assert_eq!(
        user_data_of(&c, &src).await,
        "#!/bin/bash\nyum install -y httpd"
    );

    // 2. create an image of it, stopping it first (the default)
    tokio::task::block_in_place(|| {
        t.wait_for("Instances (1)", 10);
        t.send("i");
        t.wait_for("Create image of", 10);
        t.send("\x13");
        // stopping the instance is confirmed on its own, naming it
        t.wait_for("Stop first", 10);
        t.send("y");
        t.wait_for("is available", 60);
    });
    let mine = c.describe_images().owners("self").send().await.unwrap();
    assert_eq!(mine.images().len(), 1);
    let golden = mine.images()[0].image_id().unwrap().to_string();
    assert_eq!(state_of(&c, &src).await, "stopped");

    // 3. launch from the new image with a one-line script
    tokio::task::block_in_place(|| {
        t.send("l");
        t.wait_for("Launch from", 10);
        t.wait_for("vCPU", 30);
        t.send(&tab7);
        t.send("echo ready > /tmp/ready");
        t.send("\x13");
        t.wait_for("Instances (2)", 30);
    });
    let all = instances_now(&c).await;
    assert_eq!(all.len(), 2);
    let from_golden = all
        .iter()
        .find(|i| i.image_id() == Some(golden.as_str()))
        .expect("launched from the image");
    let new = from_golden.instance_id().unwrap().to_string();
    assert_eq!(user_data_of(&c, &new).await, "echo ready > /tmp/ready");

    // 4. terminate both: mark them, Ctrl-d, type the word
    tokio::task::block_in_place(|| {
        t.send("g  ");
        t.wait_for("2 marked", 10);
        t.send("\x04");
        t.wait_for("Terminate 2 instances", 10);
        t.send("terminate\r");
        // moto terminates at once: "terminating…" may be replaced by the settled state
        // before the screen is read, so wait for the outcome, not the transient
        t.wait_for("terminated", 20);
    });
    for id in [&src, &new] {
        let (c, id) = (c.clone(), id.clone());
        eventually("terminated", 20, || {
            let (c, id) = (c.clone(), id.clone());
            async move { state_of(&c, &id).await == "terminated" }
        })
        .await;
    }
    tokio::task::block_in_place(|| {
        t.send("q");
        assert!(t.wait_exit(10).success());
        t.assert_restored();
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_pair_is_created_through_the_ui() {
    let moto = Moto::start();
    let c = moto.client().await;
    let home = scratch("keypair");
    let mut t = tokio::task::block_in_place(|| Term::spawn(&moto, &home, &[]));
    tokio::task::block_in_place(|| {
        t.wait_for("Instances (0)", 60);
        t.send(":kp\r");
        t.wait_for("Key pairs (", 10);
        t.send("n");
        t.wait_for("Create a key pair", 10);
        t.send("\x15e2e-key"); // Ctrl-u: the proposed name goes

        t.wait_for("~/.ssh/e2e-key.pem", 10);
        t.send("\x13"); // Ctrl-s
        t.wait_for("created key pair e2e-key", 20);
    });
    let pem = home.join(".ssh/e2e-key.pem");
    let body = std::fs::read_to_string(&pem).expect("the private key is in ~/.ssh");
    assert!(body.starts_with("-----BEGIN"), "{body:.40}");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&pem).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let listed = c.describe_key_pairs().send().await.unwrap();
    assert!(
        listed
            .key_pairs()
            .iter()
            .any(|k| k.key_name() == Some("e2e-key")),
        "moto has the key pair"
    );
    tokio::task::block_in_place(|| {
        t.send("q");
        assert!(t.wait_exit(10).success());
        t.assert_restored();
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_list_is_moved_with_j() {
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    launch(&c, &ami, 1, "e2e-form").await;
    let home = scratch("formj");
    let mut t = tokio::task::block_in_place(|| Term::spawn(&moto, &home, &[]));
    tokio::task::block_in_place(|| {
        t.wait_for("Instances (1)", 60);
        t.wait_for("running", 20);
        t.send("i");
        t.wait_for("Create image of", 10);
        t.send("\t\t"); // to Consistency
        t.send("\r"); // open the list
        t.wait_for("j/k ↑↓ move", 10);
        t.send("jj"); // two down: no reboot
        t.send("\r"); // pick
        // picked: the choice's help line follows it, and the list is closed
        let s = t.wait_for("writes in flight may miss the image", 10);
        assert!(s.contains("no reboot: fastest"), "{s}");
        assert!(
            !s.contains("j/k ↑↓ move"),
            "the list closed on the pick:\n{s}"
        );
        t.send("\x1b"); // cancel the form: nothing was sent
        t.wait_for("cancelled", 10);
        t.send("q");
        assert!(t.wait_exit(10).success());
        t.assert_restored();
    });
    let images = c.describe_images().owners("self").send().await.unwrap();
    assert!(images.images().is_empty(), "nothing was created");
}

/// Seed 002's workflow end to end in the real binary: new user data for a group, a new
/// template version, the group switched to it, every member replaced one at a time; checked
/// by separate EC2 and Auto Scaling clients, and in the journal on disk.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_rollout_replaces_every_member() {
    use base64::Engine;
    let moto = Moto::start();
    let c = moto.client().await;
    let a = crate::moto_autoscaling::asg_client(&moto).await;
    let ami = some_ami(&c).await;
    let lt =
        crate::templates::make_template(&c, "e2e-seed-lt", &ami, "#!/bin/bash\necho v1\n").await;
    crate::moto_autoscaling::make_group(&a, "e2e-seed", &lt, "1", (1, 3, 5)).await;
    let originals = crate::moto_autoscaling::members_seen_by(&a, "e2e-seed").await;
    let home = scratch("seed");
    let mut t = tokio::task::block_in_place(|| Term::spawn(&moto, &home, &[]));
    tokio::task::block_in_place(|| {
        t.wait_for("Instances (3)", 60);
        t.send(":asg\r");
        t.wait_for("e2e-seed", 10);
        t.send("u");
        t.wait_for("New user data for e2e-seed", 10);
        t.send("\x15#!/bin/bash\recho seed\r"); // Ctrl-u, then the new user data
        t.send("\x13"); // Ctrl-s
        // one confirmation for the whole rollout, naming the members
        t.wait_for("Type replace and press Enter", 10);
        t.send("replace\r");
        t.wait_for("rollout done: 3 replaced", 60);
    });
    let members = crate::moto_autoscaling::members_seen_by(&a, "e2e-seed").await;
    assert_eq!(members.len(), 3);
    let out = a
        .describe_auto_scaling_groups()
        .auto_scaling_group_names("e2e-seed")
        .send()
        .await
        .unwrap();
    let g = &out.auto_scaling_groups()[0];
    assert_eq!(g.desired_capacity(), Some(3));
    assert_eq!(g.launch_template().and_then(|t| t.version()), Some("2"));
    let running: Vec<String> = instances_now(&c)
        .await
        .iter()
        .filter(|i| i.state().and_then(|s| s.name()).map(|n| n.as_str()) == Some("running"))
        .filter_map(|i| i.instance_id().map(str::to_string))
        .collect();
    for m in &members {
        assert!(!originals.contains(m));
        let out = c
            .describe_instance_attribute()
            .instance_id(m)
            .attribute(aws_sdk_ec2::types::InstanceAttributeName::UserData)
            .send()
            .await
            .unwrap();
        let b = out.user_data().and_then(|u| u.value()).unwrap_or_default();
        let text = base64::engine::general_purpose::STANDARD.decode(b).unwrap();
        assert_eq!(String::from_utf8(text).unwrap(), "#!/bin/bash\necho seed\n");
    }
    for o in &originals {
        assert!(!running.contains(o), "{o} still running");
    }
    // every step is in the journal on disk
    let mut journal = String::new();
    for e in walk(&home.join("data")) {
        journal.push_str(&std::fs::read_to_string(e).unwrap_or_default());
    }
    for op in [
        "CreateLaunchTemplateVersion",
        "UpdateAutoScalingGroup",
        "TerminateInstanceInAutoScalingGroup",
    ] {
        assert!(journal.contains(op), "{op} journaled: {journal:.400}");
    }
    let ok_terminations = journal
        .lines()
        .filter(|l| {
            l.contains("\"TerminateInstanceInAutoScalingGroup\"")
                && l.contains("\"phase\":\"outcome\"")
                && l.contains("\"result\":\"ok\"")
        })
        .count();
    assert_eq!(
        ok_terminations, 3,
        "three terminations journaled with their outcome"
    );
    tokio::task::block_in_place(|| {
        t.send("q");
        assert!(t.wait_exit(10).success());
        t.assert_restored();
    });
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}
