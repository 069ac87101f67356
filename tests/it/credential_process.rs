//! A profile's `credential_process`, run by ec2tui itself: a process that does not answer is
//! stopped after 5 s with everything it started, and on quit; its credentials are used and
//! kept until they expire; a failure is said with its cause.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ec2tui::aws::ErrorKind;
use ec2tui::aws::prelude::*;
use ec2tui::aws::sdk::{ConnectOptions, SdkEc2};

use crate::e2e::{Term, scratch};
use crate::emulator::Moto;

/// A script that starts a child of its own (`sleep 1000 &`), writes "its pid, the child's
/// pid" as a line to `pids`, and then waits for ever.
fn hanging_script(dir: &Path) -> PathBuf {
    let script = dir.join("hangs");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nsleep 1000 &\necho \"$$ $!\" >> {}\nwait\n",
            dir.join("pids").display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

/// The pids of each run of the script, in order.
fn runs(dir: &Path) -> Vec<Vec<u32>> {
    std::fs::read_to_string(dir.join("pids"))
        .unwrap_or_default()
        .lines()
        .map(|l| l.split_whitespace().map(|p| p.parse().unwrap()).collect())
        .collect()
}

/// A process that exists and is not a zombie (one that died and waits to be reaped).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            // "pid (comm) S ...": the state follows the last ')'
            s.rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next().map(str::to_string))
        })
        .is_some_and(|state| state != "Z" && state != "X")
}

fn wait_until(what: &str, secs: u64, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The pids of every run still alive.
fn live(dir: &Path) -> Vec<u32> {
    runs(dir)
        .into_iter()
        .flatten()
        .filter(|p| alive(*p))
        .collect()
}

/// Ctrl-r until a new run starts (a failure stands for `FAILURE_KEPT`: a Ctrl-r within it
/// gets that failure again, without a run).
fn retry(t: &mut Term, home: &Path) {
    let before = runs(home).len();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut sent: Option<Instant> = None;
    while runs(home).len() == before {
        assert!(Instant::now() < deadline, "Ctrl-r started no run");
        if sent.is_none_or(|s| s.elapsed() > Duration::from_millis(500)) {
            t.send("\x12");
            sent = Some(Instant::now());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(runs(home).len(), before + 1, "one run at a time");
}

/// Before: each attempt left `sh` and its child running (still there after ec2tui exited),
/// and the status said "no answer from the endpoint — check the network".
#[test]
fn a_hanging_credential_process_is_stopped_with_its_children_on_timeout_and_on_quit() {
    let home = scratch("credential-process-hangs");
    let script = hanging_script(&home);
    let config = home.join("aws-config");
    std::fs::write(
        &config,
        format!(
            "[default]\nregion = us-east-1\ncredential_process = {} --for default\n",
            script.display()
        ),
    )
    .unwrap();
    // nothing listens there: the credentials fail first
    let mut t = Term::spawn_with(
        "http://127.0.0.1:9",
        &home,
        &["--refresh", "0"],
        &[("AWS_CONFIG_FILE", config.to_str().unwrap())],
    );
    wait_until("the first run", 30, || !runs(&home).is_empty());
    let s = t.wait_for("did not answer in 5 s", 30);
    assert!(
        !s.contains("check the network"),
        "the hint fits the cause:\n{s}"
    );
    let first = runs(&home)[0].clone();
    wait_until("the first run stopped, its child too", 5, || {
        !first.iter().any(|p| alive(*p))
    });
    assert_eq!(
        runs(&home).len(),
        1,
        "the listing's calls and the identity shared the run"
    );

    // Ctrl-r tries again: one run at a time, each stopped
    for n in 2..=3 {
        retry(&mut t, &home);
        let deadline = Instant::now() + Duration::from_secs(15);
        while !live(&home).is_empty() {
            let runs = runs(&home);
            let at_once = live(&home).len();
            assert!(at_once <= 2, "{at_once} processes at once after {runs:?}");
            assert!(Instant::now() < deadline, "run {n} was not stopped");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    // a run in progress when ec2tui quits goes with it
    retry(&mut t, &home);
    assert!(!live(&home).is_empty(), "the run is in progress");
    t.send("q");
    assert!(t.wait_exit(10).success());
    wait_until("the run stopped on quit", 5, || live(&home).is_empty());
    let all = runs(&home);
    assert_eq!(all.len(), 4, "a run per try: {all:?}");
}

/// An adapter for `profile` of `config` at `endpoint`, built by `connect` as the binary
/// builds it.
async fn connect(name: &str, endpoint: &str, profile: &str, config: &str) -> SdkEc2 {
    let dir = scratch(&format!("credential-process-files-{name}"));
    let (c, k) = (dir.join("config"), dir.join("credentials"));
    std::fs::write(&c, config).unwrap();
    std::fs::write(&k, "").unwrap();
    SdkEc2::connect(&ConnectOptions {
        profile: Some(profile.into()),
        region: Some("us-east-1".into()),
        endpoint_url: Some(endpoint.into()),
        config_file: Some(c),
        credentials_file: Some(k),
        ..ConnectOptions::default()
    })
    .await
    .expect("connect")
}

/// A credential process that counts its runs (a line each in `runs`) and prints `json`.
fn answering_script(dir: &Path, json: &str) -> PathBuf {
    let script = dir.join("answers");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho run >> {}\ncat <<'JSON'\n{json}\nJSON\n",
            dir.join("runs").display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

fn run_count(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("runs"))
        .unwrap_or_default()
        .lines()
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_at_once_share_one_run_and_its_failure() {
    let dir = scratch("credential-process-shared");
    let script = hanging_script(&dir);
    let config = format!(
        "[profile hangs]\nregion = us-east-1\ncredential_process = {}\n",
        script.display()
    );
    let api = connect("shared", "http://127.0.0.1:9", "hangs", &config).await;
    let t0 = Instant::now();
    let (a, b) = tokio::join!(api.identity(), api.list_instances(None));
    let took = t0.elapsed();
    for e in [
        a.expect_err("no credentials"),
        b.expect_err("no credentials"),
    ] {
        assert_eq!(e.kind, ErrorKind::Credentials, "{e:?}");
        assert_eq!(
            e.message,
            format!(
                "the credential process did not answer in 5 s: `{}` was stopped, with what it started",
                script.display()
            )
        );
        let hint = e.hint("hangs").unwrap();
        assert!(
            hint.contains("credential_process command of profile hangs") && hint.contains("input"),
            "{hint}"
        );
    }
    assert!(
        took < Duration::from_secs(9),
        "one run of 5 s, took {took:?}"
    );
    assert_eq!(runs(&dir).len(), 1, "{:?}", runs(&dir));
    assert!(live(&dir).is_empty(), "stopped: {:?}", runs(&dir));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn its_credentials_are_used_and_kept_until_they_expire() {
    let moto = Moto::start();
    // valid for an hour: one run serves every call
    let dir = scratch("credential-process-kept");
    let script = answering_script(
        &dir,
        r#"{"Version": 1, "AccessKeyId": "testing", "SecretAccessKey": "testing", "SessionToken": "t0ken", "Expiration": "2999-01-01T00:00:00Z"}"#,
    );
    let config = format!(
        "[profile proc]\nregion = us-east-1\ncredential_process = {} --secret-arg\n\n\
         [profile admin]\nregion = us-east-1\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = proc\nrole_session_name = ec2tui-test\n",
        script.display()
    );
    let api = connect("kept", &moto.endpoint, "proc", &config).await;
    let id = api
        .identity()
        .await
        .expect("the process's credentials work");
    assert_eq!(id.account, "123456789012");
    api.list_instances(None).await.expect("listed");
    api.for_region("eu-west-1")
        .list_instances(None)
        .await
        .expect("listed in another region");
    assert_eq!(run_count(&dir), 1, "kept until they expire");

    // a role assumed with them (source_profile): moto's STS answers with the role
    let role = connect("kept-role", &moto.endpoint, "admin", &config).await;
    let id = role.identity().await.expect("the role is assumed");
    assert!(
        id.arn.contains("assumed-role/admin/ec2tui-test"),
        "{}",
        id.arn
    );
    assert_eq!(run_count(&dir), 2, "the role's adapter ran it once");

    // expired already: run again for each call
    let dir = scratch("credential-process-expired");
    let script = answering_script(
        &dir,
        r#"{"Version": 1, "AccessKeyId": "testing", "SecretAccessKey": "testing", "Expiration": "2001-01-01T00:00:00+00:00"}"#,
    );
    let config = format!(
        "[profile old]\nregion = us-east-1\ncredential_process = {}\n",
        script.display()
    );
    let api = connect("expired", &moto.endpoint, "old", &config).await;
    let _ = api.list_instances(None).await;
    let _ = api.list_instances(None).await;
    assert!(run_count(&dir) >= 2, "ran {} times", run_count(&dir));

    // an answer that is not the contract's is said so
    let dir = scratch("credential-process-v2");
    let script = answering_script(&dir, r#"{"Version": 2, "AccessKeyId": "x"}"#);
    let config = format!(
        "[profile v2]\nregion = us-east-1\ncredential_process = {}\n",
        script.display()
    );
    let api = connect("v2", &moto.endpoint, "v2", &config).await;
    let e = api.identity().await.expect_err("version 2 is refused");
    assert_eq!(
        e.message,
        format!(
            "credential_process failed: `{}` answered, but its Version is 2, not 1",
            script.display()
        )
    );
}
