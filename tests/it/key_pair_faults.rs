//! A key pair whose private key cannot be kept: a full disk is found before `CreateKeyPair`
//! is sent, and a key that cannot be saved after it takes its new key pair with it (and
//! its file). Against moto, checked by a separate SDK client and on disk.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ec2tui::app::{Dialog, Key, KeyCode};
use ec2tui::aws::Ec2Api;
use ec2tui::aws::sdk::SdkEc2;

use crate::driver::Driver;
use crate::e2e::scratch;
use crate::emulator::{FaultProxy, Moto, eventually};
use crate::key_pairs::names_seen_by;

/// Our adapter at `endpoint`, with static test credentials.
async fn adapter_at(endpoint: &str) -> SdkEc2 {
    let conf = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(aws_sdk_ec2::config::Credentials::new(
            "testing", "testing", None, None, "tests",
        ))
        .load()
        .await;
    SdkEc2::from_conf(&conf)
}

/// The names in a directory, sorted (hidden ones included).
fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn form_text(d: &Driver<impl Ec2Api>) -> String {
    match &d.app.dialog {
        Some(Dialog::Form { form, .. }) => {
            let mut s = form.intro.join(" ");
            s.push(' ');
            s.push_str(form.error.as_deref().unwrap_or(""));
            s
        }
        _ => String::new(),
    }
}

/// `n` in the key pairs pane, the name and the file typed in, Ctrl-s.
async fn create(d: &mut Driver<impl Ec2Api>, name: &str, file: &Path) {
    d.keys(":kp").await;
    d.enter().await;
    d.keys("n").await;
    d.key(Key::ctrl('u')).await;
    d.keys(name).await;
    d.key(Key::plain(KeyCode::Tab)).await;
    d.key(Key::plain(KeyCode::Tab)).await;
    d.key(Key::ctrl('u')).await;
    d.keys(file.to_str().unwrap()).await;
    d.key(Key::ctrl('s')).await;
}

/// Set in the child process of the full-disk test: moto's endpoint and the directory.
const FULL_DISK_CHILD: &str = "EC2TUI_TEST_FULL_DISK_CHILD";

/// A disk that cannot take a private key, as a file size limit (`ulimit -f`) makes it
/// for one process: the child process, where writing past 1 KB fails with EFBIG ("File too
/// large"), as a full disk fails with ENOSPC. Before, CreateKeyPair was sent, the key pair
/// stayed in EC2, and a cut `.pem` was left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_is_found_before_the_key_pair_is_created() {
    if let Ok(spec) = std::env::var(FULL_DISK_CHILD) {
        return full_disk_child(&spec).await;
    }
    let moto = Moto::start();
    let c = moto.client().await;
    let dir = scratch("kp-full-disk");
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "key_pair_faults::a_full_disk_is_found_before_the_key_pair_is_created",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(
            FULL_DISK_CHILD,
            format!("{}\n{}", moto.endpoint, dir.display()),
        )
        .output()
        .expect("run the child");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(
        out.status.success(),
        "the child failed:\n{stdout}\n{stderr}"
    );
    let shown = stdout
        .lines()
        .find_map(|l| l.split_once("FORM: ").map(|(_, rest)| rest))
        .unwrap_or_else(|| panic!("the child said nothing:\n{stdout}"));
    assert!(
        shown.contains(&format!(
            "cannot write the private key to {}",
            dir.join("ci-full.pem").display()
        )) && shown.contains("File too large")
            && shown.contains("(nothing was created)"),
        "{shown}"
    );
    assert!(
        !names_seen_by(&c).await.contains(&"ci-full".to_string()),
        "CreateKeyPair was not sent"
    );
    assert_eq!(entries(&dir), Vec::<String>::new(), "no file is left");
}

async fn full_disk_child(spec: &str) {
    let (endpoint, dir) = spec.split_once('\n').expect("endpoint and directory");
    // SAFETY: plain system calls; this process runs only this test
    unsafe {
        // the write fails with EFBIG instead of the signal killing the process
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
        let mut lim: libc::rlimit = std::mem::zeroed();
        assert_eq!(libc::getrlimit(libc::RLIMIT_FSIZE, &mut lim), 0);
        lim.rlim_cur = 1024;
        assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &lim), 0);
    }
    let mut d = Driver::new(adapter_at(endpoint).await, false);
    d.start().await;
    create(&mut d, "ci-full", &PathBuf::from(dir).join("ci-full.pem")).await;
    assert!(
        d.app.dialog.is_some(),
        "the form stays open with the refusal"
    );
    println!("FORM: {}", form_text(&d));
}

/// Another program writes a file of the key's name while CreateKeyPair is on its way
/// (held by the proxy): the file is never overwritten, so the key cannot be saved, and the
/// new key pair is deleted again; when EC2 refuses that delete, the message says the key
/// pair is still there and must be deleted by hand.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_that_cannot_be_saved_after_the_call_takes_its_key_pair_with_it() {
    let moto = Moto::start();
    let c = moto.client().await;
    let proxy = Arc::new(FaultProxy::start(&moto));
    let dir = scratch("kp-taken");
    let journal = scratch("kp-taken-journal");
    let mut d = Driver::new(adapter_at(&proxy.endpoint).await, false).with_journal(&journal);
    d.start().await;

    for (round, name, then) in [
        (1, "ci-taken", "pass"),
        (2, "ci-stuck", "deny-action:DeleteKeyPair"),
    ] {
        let pem = dir.join(format!("{name}.pem"));
        proxy.set("hold:CreateKeyPair");
        let other = {
            let (proxy, dir, pem) = (proxy.clone(), dir.clone(), pem.clone());
            tokio::spawn(async move {
                let p = proxy.clone();
                eventually("CreateKeyPair held by the proxy", 30, move || {
                    let p = p.clone();
                    async move { p.count("hold:CreateKeyPair", "CreateKeyPair") == round }
                })
                .await;
                // the file was reserved before the call: a temporary one beside it
                let before = entries(&dir);
                std::fs::write(&pem, "another program's file\n").unwrap();
                proxy.set(then);
                before
            })
        };
        create(&mut d, name, &pem).await;
        let reserved = other.await.unwrap();
        assert!(
            reserved
                .iter()
                .any(|n| n.starts_with(&format!(".{name}.pem.ec2tui-"))),
            "reserved before the call: {reserved:?}"
        );
        let shown = form_text(&d);
        assert!(
            shown.contains(&format!(
                "key pair {name} was created, but its private key could not be saved to {}: a file of that name appeared meanwhile, and it is never overwritten",
                pem.display()
            )),
            "{shown}"
        );
        assert_eq!(
            std::fs::read_to_string(&pem).unwrap(),
            "another program's file\n",
            "never overwritten"
        );
        let mut left: Vec<String> = entries(&dir);
        left.retain(|n| n.starts_with('.'));
        assert_eq!(left, Vec::<String>::new(), "no temporary file is left");
        let journaled = std::fs::read_to_string(journal.join("journal.jsonl")).unwrap();
        if round == 1 {
            assert!(
                shown.contains("the key pair was deleted again: nothing is left"),
                "{shown}"
            );
            assert_eq!(proxy.count("pass", "DeleteKeyPair"), 1);
            assert!(!names_seen_by(&c).await.contains(&name.to_string()));
            assert!(journaled.contains("deleted again"), "{journaled}");
        } else {
            assert!(
                shown.contains(
                    "deleting it again failed (You are not authorized to perform this operation. [UnauthorizedOperation]): key pair ci-stuck still exists without its private key and must be deleted by hand"
                ),
                "{shown}"
            );
            assert!(names_seen_by(&c).await.contains(&name.to_string()));
            assert!(journaled.contains("still exists"), "{journaled}");
        }
        d.key(Key::plain(KeyCode::Esc)).await;
        proxy.set("pass");
    }
}
