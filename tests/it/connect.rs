//! Connect (`c` SSM, `C` SSH): the real binary in a pty, against moto, with stand-in `aws`,
//! `session-manager-plugin` and `ssh` programs on PATH that record their arguments (and
//! whether the terminal was handed over in cooked mode), then exit. ec2tui comes back with
//! the same pane, filter and selection. A missing program or a stopped instance is said and
//! nothing runs.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::e2e::{Term, scratch};
use crate::emulator::{Moto, some_ami};

/// A stand-in program that appends `prog=NAME`, each `arg=...` and `tty=cooked|raw` to
/// `$HOME/calls.log`.
fn stand_in(bin: &Path, name: &str) {
    use std::os::unix::fs::PermissionsExt;
    let script = format!(
        "#!/bin/sh\n\
         {{ echo \"prog={name}\"; for a in \"$@\"; do echo \"arg=$a\"; done;\n\
         if stty -a | grep -q -- '-icanon'; then echo tty=raw; else echo tty=cooked; fi;\n\
         echo end; }} >> \"$HOME/calls.log\"\n\
         echo \"stand-in {name} ran\"\n\
         exit 0\n"
    );
    let p = bin.join(name);
    std::fs::write(&p, script).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A scratch home with `bin/` holding stand-ins for `programs`, and the PATH that puts
/// them first.
fn home_with(name: &str, programs: &[&str]) -> (PathBuf, PathBuf, String) {
    let home = scratch(name);
    let bin = home.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for p in programs {
        stand_in(&bin, p);
    }
    let path = format!("{}:/usr/bin:/bin", bin.display());
    (home, bin, path)
}

/// The environment of a run against moto with `path` as PATH.
fn moto_env(path: &str) -> [(&'static str, &str); 3] {
    [
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("PATH", path),
    ]
}

/// The calls recorded so far: (program, args, tty).
fn calls(home: &Path) -> Vec<(String, Vec<String>, String)> {
    let text = std::fs::read_to_string(home.join("calls.log")).unwrap_or_default();
    let mut out = Vec::new();
    let (mut prog, mut args, mut tty) = (String::new(), Vec::new(), String::new());
    for l in text.lines() {
        if let Some(p) = l.strip_prefix("prog=") {
            prog = p.to_string();
        } else if let Some(a) = l.strip_prefix("arg=") {
            args.push(a.to_string());
        } else if let Some(t) = l.strip_prefix("tty=") {
            tty = t.to_string();
        } else if l == "end" {
            out.push((
                std::mem::take(&mut prog),
                std::mem::take(&mut args),
                std::mem::take(&mut tty),
            ));
        }
    }
    out
}

fn wait_calls(home: &Path, n: usize) -> Vec<(String, Vec<String>, String)> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let c = calls(home);
        if c.len() >= n {
            return c;
        }
        assert!(Instant::now() < deadline, "{n} calls expected: {c:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

async fn launch_with(c: &aws_sdk_ec2::Client, ami: &str, name: &str, key: Option<&str>) -> String {
    use aws_sdk_ec2::types::{ResourceType, Tag, TagSpecification};
    let out = c
        .run_instances()
        .image_id(ami)
        .min_count(1)
        .max_count(1)
        .set_key_name(key.map(str::to_string))
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::Instance)
                .tags(Tag::builder().key("Name").value(name).build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    out.instances()[0].instance_id().unwrap().to_string()
}

async fn address(c: &aws_sdk_ec2::Client, id: &str) -> String {
    let out = c
        .describe_instances()
        .instance_ids(id)
        .send()
        .await
        .unwrap();
    let i = &out.reservations()[0].instances()[0];
    i.public_ip_address()
        .filter(|a| !a.is_empty())
        .or(i.private_ip_address())
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c_and_shift_c_hand_the_terminal_over_and_come_back() {
    let moto = Moto::start();
    let c = moto.client().await;
    let ubuntu = "ami-785db401"; // moto's "ubuntu/images/hvm-ssd/ubuntu-xenial-16.04-…"
    // an Amazon Linux image: ec2-user
    let images = c.describe_images().owners("amazon").send().await.unwrap();
    let other = images
        .images()
        .iter()
        .find(|i| {
            i.name().is_some_and(|n| n.starts_with("amzn"))
                && i.platform().is_none()
                && i.architecture().map(|a| a.as_str()) == Some("x86_64")
        })
        .and_then(|i| i.image_id())
        .expect("moto has an Amazon Linux AMI")
        .to_string();
    c.create_key_pair()
        .key_name("e2e-conn")
        .send()
        .await
        .unwrap();
    let a = launch_with(&c, ubuntu, "conn-a", Some("e2e-conn")).await;
    let b = launch_with(&c, &other, "conn-b", None).await;
    let (addr_a, addr_b) = (address(&c, &a).await, address(&c, &b).await);

    let (home, _bin, path) = home_with("connect", &["aws", "session-manager-plugin", "ssh"]);
    std::fs::create_dir_all(home.join(".ssh")).unwrap();
    let pem = home.join(".ssh/e2e-conn.pem");
    std::fs::write(&pem, "not really a key").unwrap();
    let env = moto_env(&path);
    tokio::task::block_in_place(|| {
        let mut t = Term::spawn_with(&moto.endpoint, &home, &[], &env);
        t.wait_for("Instances (2)", 60);
        t.wait_for("running", 20);
        t.send("/conn-b\r");
        t.wait_for("Instances (1 of 2)", 10);

        // c: SSM, the terminal handed over in cooked mode, then back where it was
        t.send("c");
        let got = wait_calls(&home, 1);
        assert_eq!(got[0].0, "aws");
        assert_eq!(
            got[0].1,
            [
                "ssm",
                "start-session",
                "--target",
                b.as_str(),
                "--region",
                "us-east-1"
            ],
            "(the default profile is not named)"
        );
        assert_eq!(got[0].2, "cooked", "the program gets a cooked terminal");
        let s = t.wait_for("back from the SSM session on", 20);
        assert!(s.contains("Instances (1 of 2)"), "same filter:\n{s}");
        assert!(s.contains("/conn-b"), "the filter is shown:\n{s}");
        assert!(s.contains("conn-b"), "same row:\n{s}");
        let raw = String::from_utf8_lossy(&t.raw()).to_string();
        assert!(
            raw.contains("stand-in aws ran"),
            "the program wrote to the terminal"
        );
        let left = raw
            .rfind("\u{1b}[?1049l")
            .expect("left the alternate screen");
        let ran = raw.find("stand-in aws ran").unwrap();
        let back = raw.rfind("\u{1b}[?1049h").unwrap();
        assert!(left < ran && ran < back, "left, ran, came back");

        // C: SSH as the AMI's user to the public address (else private), no key file
        t.send("C");
        let got = wait_calls(&home, 2);
        assert_eq!(got[1].0, "ssh");
        // with a connect timeout: an address nobody answers on fails in seconds (issue 19)
        assert_eq!(
            got[1].1,
            [
                "-o".to_string(),
                "ConnectTimeout=15".to_string(),
                format!("ec2-user@{addr_b}")
            ]
        );
        assert_eq!(got[1].2, "cooked");
        t.wait_for("back from the SSH to", 20);

        // the Ubuntu one with a key pair whose .pem is in ~/.ssh
        t.send("/\x15conn-a\r");
        t.wait_for("Instances (1 of 2)", 10);
        t.wait_for("conn-a", 10);
        t.send("C");
        let got = wait_calls(&home, 3);
        assert_eq!(
            got[2].1,
            [
                "-o".to_string(),
                "ConnectTimeout=15".to_string(),
                "-i".to_string(),
                pem.display().to_string(),
                format!("ubuntu@{addr_a}")
            ]
        );
        t.wait_for("back from the SSH to ubuntu@", 20);
    });

    // a stopped instance: said, nothing runs
    c.stop_instances().instance_ids(&a).send().await.unwrap();
    tokio::task::block_in_place(|| {
        t_wait_stopped_and_refuse(&moto, &home, &env);
    });
}

fn t_wait_stopped_and_refuse(moto: &Moto, home: &Path, env: &[(&str, &str)]) {
    let mut t = Term::spawn_with(&moto.endpoint, &home.to_path_buf(), &[], env);
    t.wait_for("Instances (2)", 60);
    t.send("/conn-a\r");
    t.wait_for("stopped", 20);
    t.send("c");
    t.wait_for("is stopped: start it first", 10);
    t.send("C");
    t.wait_for("is stopped: start it first", 10);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(calls(home).len(), 3, "nothing ran");
    t.send("q");
    assert!(t.wait_exit(10).success());
    t.assert_restored();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_program_is_said_before_anything_runs() {
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    launch_with(&c, &ami, "lonely", None).await;
    let home = scratch("connect-missing");
    let bin = home.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let path = bin.display().to_string(); // nothing else on PATH
    let env = [
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("PATH", path.as_str()),
    ];
    tokio::task::block_in_place(|| {
        let mut t = Term::spawn_with(&moto.endpoint, &home, &[], &env);
        t.wait_for("Instances (1)", 60);
        t.wait_for("running", 20);
        t.send("c");
        t.wait_for("aws is not on PATH", 10);
        t.wait_for("install the AWS CLI", 10);
        // the AWS CLI without the Session Manager plugin
        stand_in(&bin, "aws");
        t.send("c");
        t.wait_for("session-manager-plugin is not on PATH", 10);
        t.send("C");
        t.wait_for("ssh is not on PATH", 10);
        std::thread::sleep(Duration::from_millis(300));
        assert!(calls(&home).is_empty(), "nothing ran");
        let raw = String::from_utf8_lossy(&t.raw()).to_string();
        assert_eq!(
            raw.matches("\u{1b}[?1049l").count(),
            0,
            "the alternate screen was never left"
        );
        t.send("q");
        assert!(t.wait_exit(10).success());
        t.assert_restored();
    });
}

/// Issue 17, in the real binary: a hostile value in a `sh -c` template is refused before
/// anything runs (stand-in `ssh` on PATH records any call; none is made, no file appears).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_value_in_a_shell_template_runs_nothing() {
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    launch_with(&c, &ami, "target", None).await;
    let (home, _bin, path) = home_with("connect-hostile", &["ssh"]);
    let cfg = home.join("config/ec2tui");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("config.toml"),
        "[connect]\nssh_user = \"u;touch${IFS}pwned\"\nssh = [\"sh\", \"-c\", \"ssh {user}@{address}\"]\n",
    )
    .unwrap();
    let env = moto_env(&path);
    tokio::task::block_in_place(|| {
        let mut t = Term::spawn_with(&moto.endpoint, &home, &[], &env);
        t.wait_for("Instances (1)", 60);
        t.wait_for("running", 20);
        t.send("C");
        t.wait_for("refused {user}", 10);
        std::thread::sleep(Duration::from_millis(300));
        assert!(calls(&home).is_empty(), "nothing ran: {:?}", calls(&home));
        let made: Vec<_> = std::fs::read_dir(&home)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with("pwned"))
            .collect();
        assert!(made.is_empty(), "the injected command did not run");
        t.send("q");
        assert!(t.wait_exit(10).success());
        t.assert_restored();
    });
}

#[test]
fn commands_follow_the_profile_the_ami_and_config_toml() {
    use ec2tui::aws::{Image, Instance, InstanceState};
    use ec2tui::panes::kit::connect::{Connect, ssh, ssm, user_for};
    let i = Instance {
        id: "i-0123456789abcdef0".into(),
        state: InstanceState::Running,
        private_ip: "10.0.0.5".into(),
        ..Instance::default()
    };
    let e = ssm(&Connect::default(), &i, "eu-west-1", "prod").unwrap();
    assert_eq!(e.program, "aws");
    assert_eq!(
        e.args,
        [
            "ssm",
            "start-session",
            "--target",
            "i-0123456789abcdef0",
            "--region",
            "eu-west-1",
            "--profile",
            "prod"
        ]
    );
    assert_eq!(e.requires, ["session-manager-plugin"]);
    // no public address: the private one
    let e = ssh(&Connect::default(), &i, None, None).unwrap();
    assert_eq!(
        (e.program.as_str(), e.args.clone()),
        (
            "ssh",
            ["-o", "ConnectTimeout=15", "ec2-user@10.0.0.5"]
                .map(String::from)
                .to_vec()
        )
    );
    let img = |name: &str| Image {
        name: name.into(),
        ..Image::default()
    };
    assert_eq!(
        user_for("", Some(&img("debian-12-amd64-20240717"))),
        "admin"
    );
    assert_eq!(
        user_for("", Some(&img("ubuntu/images/hvm-ssd/ubuntu-jammy"))),
        "ubuntu"
    );
    assert_eq!(user_for("", Some(&img("al2023-ami-2023.5"))), "ec2-user");
    assert_eq!(user_for("windows", None), "Administrator");

    // config.toml: another user and commands (argument vectors with placeholders)
    let dir = scratch("connect-config");
    std::fs::write(
        dir.join("config.toml"),
        r#"
[connect]
ssh_user = "core"
ssh = ["mosh", "--ssh=ssh -p 2222", "{user}@{address}"]
ssm = ["/opt/bin/ssm-wrapper", "{id}", "{region}"]
"#,
    )
    .unwrap();
    let (cfg, warning) = ec2tui::config::load_config(Some(&dir));
    assert_eq!(warning, None);
    let e = ssh(&cfg.connect, &i, Some(&img("ubuntu")), Some("/k.pem")).unwrap();
    assert_eq!(e.program, "mosh");
    assert_eq!(e.args, ["--ssh=ssh -p 2222", "core@10.0.0.5"]);
    let e = ssm(&cfg.connect, &i, "eu-west-1", "").unwrap();
    assert_eq!(
        (e.program.as_str(), e.args.clone()),
        (
            "/opt/bin/ssm-wrapper",
            vec!["i-0123456789abcdef0".to_string(), "eu-west-1".to_string()]
        )
    );
    assert!(e.requires.is_empty());
    // a mistake in it is reported, not fatal: the defaults, read-only (it may have held
    // safety rules)
    std::fs::write(dir.join("config.toml"), "[connect]\nshh = []\n").unwrap();
    let (cfg, warning) = ec2tui::config::load_config(Some(&dir));
    assert_eq!(cfg.connect, ec2tui::config::Config::default().connect);
    assert!(cfg.broken);
    assert!(warning.unwrap().contains("shh"));
}

/// Issue 17: values from EC2 are checked by their shape before they go into a connect
/// template (a template may hand them to a shell, as ssh does a ProxyCommand): a hostile id,
/// address, user or profile is refused with the reason and nothing is run; the defaults and
/// well-formed values pass, each value substituted once (never searched for placeholders).
#[test]
fn hostile_values_never_reach_a_connect_command() {
    use ec2tui::aws::{Instance, InstanceState};
    use ec2tui::panes::kit::connect::{Connect, fill, ssh, ssm};
    let s = |v: &[&str]| v.iter().map(|a| a.to_string()).collect::<Vec<String>>();
    let proxy = Connect {
        ssh: Some(s(&[
            "ssh",
            "-o",
            "ProxyCommand=sh -c \"aws ssm start-session --target {id} --document-name AWS-StartSSHSession --parameters portNumber=%p\"",
            "{identity}",
            "{user}@{id}",
        ])),
        ..Connect::default()
    };
    let standalone = Connect {
        ssh: Some(s(&["ssh", "-l", "{user}", "{address}"])),
        ..Connect::default()
    };
    let shell = Connect {
        ssh: Some(s(&["sh", "-c", "ssh {user}@{address}"])),
        ssm: Some(s(&[
            "sh",
            "-c",
            "aws ssm start-session --target {id} --profile {profile}",
        ])),
        ..Connect::default()
    };
    let inst = |id: &str, ip: &str| Instance {
        id: id.into(),
        state: InstanceState::Running,
        public_ip: ip.into(),
        ..Instance::default()
    };
    let good = inst("i-ea3be4327226d67b8", "203.0.113.7");
    for cfg in [&proxy, &standalone, &shell] {
        assert!(ssh(cfg, &good, None, Some("/home/u/.ssh/k.pem")).is_ok());
    }
    let cases = [
        (
            &proxy,
            inst("i-ea3be4327226d67b8$(touch${IFS}pwned)", "203.0.113.7"),
            "{id}",
        ),
        (
            &standalone,
            inst("i-ea3be4327226d67b8", "-oProxyCommand=touch pwned"),
            "{address}",
        ),
        (
            &shell,
            inst("i-ea3be4327226d67b8", "1.2.3.4;touch pwned"),
            "{address}",
        ),
        (
            &shell,
            inst("i-ea3be4327226d67b8", "host`touch pwned`.example"),
            "{address}",
        ),
        (&proxy, inst("i-1", "203.0.113.7"), "{id}"),
    ];
    for (cfg, i, what) in cases {
        let e = ssh(cfg, &i, None, None).unwrap_err();
        assert!(
            e.contains(&format!("refused {what}")) && e.contains("nothing was run"),
            "{e}"
        );
    }
    // a user from config.toml is checked too
    let bad_user = Connect {
        ssh_user: Some("root -oProxyCommand=x".into()),
        ..standalone.clone()
    };
    assert!(
        ssh(&bad_user, &good, None, None)
            .unwrap_err()
            .contains("refused {user}")
    );
    // SSM: the id and the profile
    let e = ssm(
        &shell,
        &inst("i-0123456789abcdef0;id", ""),
        "eu-west-1",
        "p",
    )
    .unwrap_err();
    assert!(e.contains("refused {id}"), "{e}");
    let e = ssm(&shell, &good, "eu-west-1", "p;id").unwrap_err();
    assert!(e.contains("refused {profile}"), "{e}");
    let e = ssm(&Connect::default(), &good, "eu-west-1$(id)", "").unwrap_err();
    assert!(e.contains("refused {region}"), "{e}");
    assert!(
        ssm(
            &Connect::default(),
            &good,
            "us-gov-west-1",
            "prod.admin@corp"
        )
        .is_ok()
    );
    // IPv6 and DNS names pass
    for a in ["2001:db8::1", "ec2-203-0-113-7.compute-1.amazonaws.com"] {
        assert!(
            ssh(&standalone, &inst("i-ea3be4327226d67b8", a), None, None).is_ok(),
            "{a}"
        );
    }
    // a value is substituted once: placeholders inside it stay text
    let argv = fill(
        &s(&["x", "{user}:{address}"]),
        &[("user", "a"), ("address", "h.example")],
        None,
    )
    .unwrap();
    assert_eq!(argv, ["x", "a:h.example"]);
    // an unknown placeholder is left as it is
    let argv = fill(&s(&["{nope}", "{"]), &[], None).unwrap();
    assert_eq!(argv, ["{nope}", "{"]);
    // {key_file} inside an argument is checked; {identity} is an argument of its own
    let kf = Connect {
        ssh: Some(s(&["sh", "-c", "ssh -i {key_file} {address}"])),
        ..Connect::default()
    };
    assert!(
        ssh(&kf, &good, None, Some("/tmp/my key;id.pem"))
            .unwrap_err()
            .contains("refused {key_file}")
    );
    let e = ssh(&Connect::default(), &good, None, Some("/tmp/my key.pem")).unwrap();
    assert_eq!(e.args[2..4], ["-i", "/tmp/my key.pem"]);
}

/// Ctrl-c while the program runs signals the terminal's whole foreground group: the program
/// gets it, ec2tui does not die under it and comes back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupt_during_the_session_is_the_programs() {
    use std::os::unix::fs::PermissionsExt;
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    launch_with(&c, &ami, "sigint", None).await;
    let (home, bin, path) = home_with("connect-sigint", &[]);
    // as a user pressing Ctrl-c: SIGINT to the whole foreground process group
    let p = bin.join("ssh");
    std::fs::write(
        &p,
        "#!/bin/sh\necho interrupted-run >> \"$HOME/calls.log\"\nkill -INT 0\nsleep 1\necho not-interrupted >> \"$HOME/calls.log\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    let env = moto_env(&path);
    tokio::task::block_in_place(|| {
        let mut t = Term::spawn_with(&moto.endpoint, &home, &[], &env);
        t.wait_for("Instances (1)", 60);
        t.wait_for("running", 20);
        t.send("C");
        // the program died of it (the default disposition was given back to it) ...
        let s = t.wait_for("it was ended by a signal", 20);
        assert!(s.contains("Instances (1)"), "ec2tui is back:\n{s}");
        let log = std::fs::read_to_string(home.join("calls.log")).unwrap();
        assert_eq!(log, "interrupted-run\n");
        // ... and ec2tui lives on, and still quits cleanly
        t.send("q");
        assert!(t.wait_exit(10).success());
        t.assert_restored();
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_connection_stays_readable_until_enter() {
    use std::os::unix::fs::PermissionsExt;
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    launch_with(&c, &ami, "unreachable", None).await;
    let (home, bin, path) = home_with("connect-fails", &[]);
    // as ssh does when the host does not answer: its reason, then status 255
    let p = bin.join("ssh");
    std::fs::write(
        &p,
        "#!/bin/sh\necho 'ssh: connect to host 10.0.0.9 port 22: Connection timed out'\nexit 255\n",
    )
    .unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    let env = moto_env(&path);
    tokio::task::block_in_place(|| {
        let mut t = Term::spawn_with(&moto.endpoint, &home, &[], &env);
        t.wait_for("Instances (1)", 60);
        t.wait_for("running", 20);
        t.send("C");
        let s = t.wait_for("press Enter to return to ec2tui", 20);
        assert!(
            s.contains("Connection timed out"),
            "ssh's reason is on screen:\n{s}"
        );
        assert!(s.contains("exited with status 255"), "{s}");
        std::thread::sleep(Duration::from_millis(500));
        assert!(
            !t.screen().contains("Instances (1)"),
            "ec2tui waits for Enter"
        );
        t.send("\r");
        t.wait_for("Instances (1)", 20);
        t.send("q");
        assert!(t.wait_exit(10).success());
        t.assert_restored();
    });
}
