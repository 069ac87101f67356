//! Faults between ec2tui and the endpoint, injected by `tests/moto/faultproxy.py` in front of
//! moto: a stalled endpoint, throttled identity, credential failures, and the environment
//! read like the AWS CLI reads it (empty variables, a missing profile).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use ec2tui::app::{Event, Load};
use ec2tui::aws::ErrorKind;
use ec2tui::aws::prelude::*;
use ec2tui::aws::sdk::{ConnectOptions, MAX_ATTEMPTS, SdkEc2};

use crate::driver::{Driver, Panes};
use crate::e2e::{Term, scratch};
use crate::emulator::{FaultProxy, Moto, launch, some_ami};

/// A config file and a credentials file in a fresh directory, for `ConnectOptions` (tests
/// run in parallel in one process, so the process environment is left alone).
fn profile_files(name: &str, config: &str, credentials: &str) -> (PathBuf, PathBuf) {
    let dir = scratch(&format!("faults-{name}"));
    let (c, k) = (dir.join("config"), dir.join("credentials"));
    std::fs::write(&c, config).unwrap();
    std::fs::write(&k, credentials).unwrap();
    (c, k)
}

/// Static test credentials in a profile named `t`.
const TEST_PROFILE: &str = "[profile t]\nregion = us-east-1\n";
const TEST_CREDENTIALS: &str =
    "[t]\naws_access_key_id = testing\naws_secret_access_key = testing\n";

/// Our adapter through the proxy, built by `connect` like the binary builds it, with the
/// timeouts given (attempt, all attempts).
pub(crate) async fn through(
    proxy: &FaultProxy,
    name: &str,
    attempt: Duration,
    all: Duration,
) -> SdkEc2 {
    let (config_file, credentials_file) = profile_files(name, TEST_PROFILE, TEST_CREDENTIALS);
    SdkEc2::connect(&ConnectOptions {
        profile: Some("t".into()),
        region: Some("us-east-1".into()),
        endpoint_url: Some(proxy.endpoint.clone()),
        connect_timeout: Some(Duration::from_secs(1)),
        attempt_timeout: Some(attempt),
        operation_timeout: Some(all),
        config_file: Some(config_file),
        credentials_file: Some(credentials_file),
    })
    .await
    .expect("connect")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_endpoint_fails_in_time_and_the_same_adapter_recovers() {
    let moto = Moto::start();
    let c = moto.client().await;
    let ami = some_ami(&c).await;
    let id = launch(&c, &ami, 1, "through-the-proxy").await.remove(0);
    let proxy = FaultProxy::start(&moto);
    // the second attempt starts after 1.5 s, so the 2 s in all always ends it first
    let api = through(
        &proxy,
        "stall",
        Duration::from_millis(1500),
        Duration::from_secs(2),
    )
    .await;

    // the adapter: a stalled call fails within its deadline, in words
    proxy.set("stall");
    let t0 = Instant::now();
    let err = api
        .list_instances(None)
        .await
        .expect_err("a stalled call fails");
    let took = t0.elapsed();
    assert!(took < Duration::from_secs(10), "failed after {took:?}");
    assert_eq!(err.kind, ErrorKind::Network, "{err:?}");
    assert_eq!(err.message, "no answer from the endpoint in 2 s", "{err:?}");
    assert!(err.hint("t").unwrap().contains("next refresh"));
    // healed: the same adapter lists again, nothing restarted
    proxy.set("pass");
    let page = api
        .list_instances(None)
        .await
        .expect("listed after the heal");
    assert!(page.items.iter().any(|i| i.id == id));

    // the app: started while stalled, the instances pane shows the failure
    let listed_before = proxy.count("stall", "DescribeInstances");
    proxy.set("stall");
    let mut d = Driver::new(api.clone(), false);
    d.start().await;
    match &d.app.instances().load {
        Load::Failed(e) => {
            assert_eq!(e.kind, ErrorKind::Network);
            assert!(e.message.contains("no answer from the endpoint"), "{e:?}");
        }
        other => panic!("the listing should have failed: {other:?}"),
    }
    assert!(
        d.status().contains("no answer from the endpoint"),
        "{}",
        d.status()
    );
    assert!(d.app.ctx.account.is_none());
    // one budget for the whole listing: the zones went unanswered, so no chain over the
    // region waited as long again (it took twice the time to say so)
    assert_eq!(
        proxy.count("stall", "DescribeInstances"),
        listed_before,
        "no listing after the zones went unanswered"
    );
    assert!(proxy.count("stall", "DescribeAvailabilityZones") >= 1);
    // healed: the next refresh lists, and learns the account
    proxy.set("pass");
    let fx = d.app.update(Event::RefreshDue);
    d.run(fx).await;
    assert!(
        matches!(d.app.instances().load, Load::Loaded),
        "{:?}",
        d.app.instances().load
    );
    assert!(
        d.app.instances().get(&id).is_some(),
        "the instance is listed"
    );
    assert_eq!(d.app.ctx.account.as_deref(), Some("123456789012"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_identity_at_start_is_known_after_recovery() {
    let moto = Moto::start();
    let proxy = FaultProxy::start(&moto);
    // time enough for three throttled attempts and their backoff
    let api = through(
        &proxy,
        "throttle",
        Duration::from_secs(5),
        Duration::from_secs(20),
    )
    .await;
    proxy.set("throttle-sts");
    let mut d = Driver::new(api, false);
    d.start().await;
    assert!(d.app.ctx.account.is_none());
    assert!(d.status().contains("[Throttling]"), "{}", d.status());
    // retried by the standard mode, a bounded number of times: never a storm
    let tries = proxy.count("throttle-sts", "GetCallerIdentity");
    assert_eq!(
        tries, MAX_ATTEMPTS as usize,
        "GetCallerIdentity sent {tries} times"
    );
    assert!(
        matches!(d.app.instances().load, Load::Loaded),
        "EC2 was not throttled"
    );
    proxy.set("pass");
    let fx = d.app.update(Event::RefreshDue);
    d.run(fx).await;
    assert_eq!(d.app.ctx.account.as_deref(), Some("123456789012"));
}

/// An adapter for `profile` of `config`; nothing listens at its endpoint, so only the
/// credentials can fail first.
async fn with_profile(name: &str, profile: &str, config: &str) -> SdkEc2 {
    let (config_file, credentials_file) = profile_files(name, config, "");
    SdkEc2::connect(&ConnectOptions {
        profile: Some(profile.into()),
        region: Some("us-east-1".into()),
        endpoint_url: Some("http://127.0.0.1:9".into()),
        config_file: Some(config_file),
        credentials_file: Some(credentials_file),
        ..ConnectOptions::default()
    })
    .await
    .expect("connect")
}

#[tokio::test]
async fn a_failing_credential_process_is_named_with_its_exit_status() {
    let dir = scratch("faults-process-bin");
    let script = dir.join("vault-login");
    std::fs::write(
        &script,
        "#!/bin/sh\necho 'vault: not signed in' >&2\necho second line >&2\nexit 3\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let config = format!(
        "[profile proc]\nregion = us-east-1\ncredential_process = {} --account secret-42\n",
        script.display()
    );
    let api = with_profile("process", "proc", &config).await;
    let e = api.identity().await.expect_err("the process fails");
    assert_eq!(e.kind, ErrorKind::Credentials);
    assert_eq!(
        e.message,
        format!(
            "credential_process failed: `{}` exited with status 3: vault: not signed in",
            script.display()
        )
    );
    assert!(
        !e.message.contains("secret-42"),
        "arguments stay out of sight"
    );
    let hint = e.hint("proc").unwrap();
    assert!(
        hint.contains("credential_process command of profile proc"),
        "{hint}"
    );
    // every call says the same, not only the identity
    let e = api.list_instances(None).await.expect_err("no credentials");
    assert!(e.message.starts_with("credential_process failed"), "{e:?}");
}

#[tokio::test]
async fn a_missing_source_profile_is_named() {
    let config = "[profile role]\nregion = us-east-1\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = base\n";
    let api = with_profile("source", "role", config).await;
    let e = api.identity().await.expect_err("no source profile");
    assert_eq!(e.kind, ErrorKind::Credentials);
    assert_eq!(
        e.message,
        "source_profile base is not in the config files: it is referenced from profile role"
    );
    let hint = e.hint("role").unwrap();
    assert!(hint.contains("[profile base]"), "{hint}");
    // aws-config tells only the first call; every later one says the same here
    let again = api
        .list_instances(None)
        .await
        .expect_err("still no source profile");
    assert_eq!(again.message, e.message);
}

#[tokio::test]
async fn an_sso_profile_without_a_token_says_to_log_in() {
    // a session name no token cache has (the cache is under the real home: never written)
    let session = format!(
        "ec2tui-test-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let config = format!(
        "[profile corp]\nregion = us-east-1\nsso_session = {session}\nsso_account_id = 123456789012\nsso_role_name = Admin\n\n[sso-session {session}]\nsso_start_url = https://example.invalid/start\nsso_region = us-east-1\n"
    );
    let api = with_profile("sso", "corp", &config).await;
    let e = api.identity().await.expect_err("no SSO token");
    assert_eq!(e.kind, ErrorKind::Credentials);
    assert_eq!(
        e.message,
        "the SSO session has expired or is invalid: failed to load the cached SSO token"
    );
    assert_eq!(
        e.hint("corp").as_deref(),
        Some("run: aws sso login --profile corp")
    );
}

/// `sha1` of a string, as the SSO token cache names its files (python's hashlib: no crate).
fn sha1_hex(s: &str) -> String {
    let out = std::process::Command::new(crate::emulator::python())
        .args([
            "-c",
            "import hashlib,sys; print(hashlib.sha1(sys.argv[1].encode()).hexdigest())",
            s,
        ])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// The SSO portal answers 401 for a token it no longer accepts: the real binary shows why
/// and how to log in again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sso_portal_401_shows_the_login_command() {
    let moto = Moto::start();
    let proxy = FaultProxy::start(&moto);
    proxy.set("sso-401");
    let home = scratch("faults-sso401");
    let cache = home.join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::write(
        cache.join(format!("{}.json", sha1_hex("corp"))),
        r#"{"accessToken":"revoked","expiresAt":"2099-01-01T00:00:00Z","region":"us-east-1","startUrl":"https://example.invalid/start"}"#,
    )
    .unwrap();
    let config = home.join("aws-config");
    std::fs::write(
        &config,
        "[profile portal]\nregion = us-east-1\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Admin\n\n[sso-session corp]\nsso_start_url = https://example.invalid/start\nsso_region = us-east-1\n",
    )
    .unwrap();
    tokio::task::block_in_place(|| {
        let mut t = Term::spawn_with(
            &moto.endpoint,
            &home,
            &["--profile", "portal"],
            &[
                ("AWS_CONFIG_FILE", config.to_str().unwrap()),
                ("AWS_ENDPOINT_URL_SSO", &proxy.endpoint),
            ],
        );
        let s = t.wait_for("aws sso login --profile portal", 60);
        assert!(
            s.contains("the SSO session has expired or is invalid"),
            "{s}"
        );
        assert!(s.contains("Session token not found or invalid"), "{s}");
        t.send("q");
        assert!(t.wait_exit(10).success());
        t.assert_restored();
    });
    assert!(proxy.count("sso-401", "GET /federation/credentials") >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_endpoint_variables_count_as_unset() {
    let moto = Moto::start();
    let home = scratch("faults-empty-env");
    tokio::task::block_in_place(|| {
        let mut t = Term::spawn_with(
            &moto.endpoint,
            &home,
            &[],
            &[
                ("AWS_ACCESS_KEY_ID", "testing"),
                ("AWS_SECRET_ACCESS_KEY", "testing"),
                ("AWS_ENDPOINT_URL", ""),
                ("AWS_ENDPOINT_URL_EC2", ""),
                ("AWS_ENDPOINT_URL_STS", ""),
                ("AWS_PROFILE", ""),
                ("AWS_REGION", ""),
            ],
        );
        let s = t.wait_for("Instances (", 60);
        assert!(s.contains("profile default"), "{s}");
        t.wait_for("123456789012", 20);
        t.send("q");
        assert!(t.wait_exit(10).success(), "{}", t.screen());
        t.assert_restored();
    });
}

#[test]
fn a_missing_profile_exits_2_before_the_ui() {
    let dir = scratch("faults-noprofile");
    let config = dir.join("config");
    let credentials = dir.join("credentials");
    std::fs::write(
        &config,
        "[profile prod]\nregion = us-east-1\n[profile dev]\n",
    )
    .unwrap();
    std::fs::write(&credentials, "[ci]\naws_access_key_id = x\n").unwrap();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ec2tui"))
            .args(args)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", &dir)
            .env("XDG_DATA_HOME", dir.join("data"))
            .env("AWS_CONFIG_FILE", &config)
            .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
            // environment credentials must not make a wrong profile run silently
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .envs(env.iter().copied())
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let want = format!(
        "ec2tui: profile staging is not in {} or {} (profiles: ci, dev, prod)\n",
        config.display(),
        credentials.display()
    );
    let (code, err) = run(&["--profile", "staging", "--region", "us-east-1"], &[]);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(err, want);
    let (code, err) = run(&["--region", "us-east-1"], &[("AWS_PROFILE", "staging")]);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(err, want);
    assert!(!dir.join("data/ec2tui/journal.jsonl").exists());
}
