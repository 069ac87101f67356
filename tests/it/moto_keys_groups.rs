//! Key pairs and security groups through the aws-sdk-ec2 adapter against moto; the groups
//! are set up, and the key pairs checked, by a separate SDK client.

use std::process::{Command, Stdio};

use ec2tui::aws::prelude::*;
use ec2tui::aws::{ErrorKind, Rule, RuleSource, SecurityGroup};

use crate::emulator::{Moto, create_group, default_vpc};
use crate::key_pairs::names_seen_by;

/// A valid ed25519 public key line, for machines without ssh-keygen.
const ED25519_PUB: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICupFKkKNEy7H7HQvoFjDQWetTtouF2NaJYFOMb1Qx8n ec2tui-test";

/// A fresh ed25519 public key line from ssh-keygen, or the fixed one where it is missing.
fn ed25519_public_key() -> String {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("ssh-keygen-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a temporary directory under target/");
    let key = dir.join("id");
    let made = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "ec2tui-test", "-f"])
        .arg(&key)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let line = if made {
        std::fs::read_to_string(dir.join("id.pub"))
            .expect("ssh-keygen wrote the public key")
            .trim()
            .to_string()
    } else {
        ED25519_PUB.to_string()
    };
    let _ = std::fs::remove_dir_all(&dir);
    line
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_pairs_are_created_imported_listed_and_deleted() {
    let moto = Moto::start();
    let c = moto.client().await;
    let api = moto.adapter().await;

    let new = api
        .create_key_pair("ci-rsa".into(), "rsa".into())
        .await
        .unwrap();
    assert!(
        new.material.starts_with("-----BEGIN ")
            && new.material.contains("PRIVATE KEY-----\n")
            && new.material.trim_end().ends_with("PRIVATE KEY-----"),
        "a PEM private key: {new:?}"
    );
    assert_eq!(new.key.name, "ci-rsa");
    assert_eq!(new.key.key_type, "rsa");
    assert!(new.key.id.starts_with("key-"), "{:?}", new.key);
    assert!(!new.key.fingerprint.is_empty());

    let listed = api.list_key_pairs().await.unwrap();
    let k = listed.iter().find(|k| k.name == "ci-rsa").expect("listed");
    assert_eq!(k.id, new.key.id);
    assert_eq!(k.key_type, "rsa");
    assert_eq!(k.fingerprint, new.key.fingerprint);
    assert!(k.created.is_some(), "{k:?}");

    // the same name again is refused, whatever the type
    let e = api
        .create_key_pair("ci-rsa".into(), "ed25519".into())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Service);
    assert_eq!(e.code.as_deref(), Some("InvalidKeyPair.Duplicate"), "{e:?}");

    let ed = api
        .create_key_pair("ci-ed".into(), "ed25519".into())
        .await
        .unwrap();
    assert!(ed.material.contains("PRIVATE KEY-----"), "{ed:?}");
    let listed = api.list_key_pairs().await.unwrap();
    let k = listed.iter().find(|k| k.name == "ci-ed").expect("listed");
    assert_eq!(k.key_type, "ed25519");

    let imported = api
        .import_key_pair("laptop".into(), ed25519_public_key())
        .await
        .unwrap();
    assert_eq!(imported.name, "laptop");
    assert_eq!(imported.key_type, "ed25519");
    let listed = api.list_key_pairs().await.unwrap();
    let k = listed.iter().find(|k| k.name == "laptop").expect("listed");
    assert_eq!(k.key_type, "ed25519");
    assert_eq!(k.fingerprint, imported.fingerprint);
    assert!(!k.fingerprint.is_empty());
    assert_eq!(names_seen_by(&c).await, ["ci-ed", "ci-rsa", "laptop"]);

    api.delete_key_pair("laptop".into()).await.unwrap();
    assert_eq!(names_seen_by(&c).await, ["ci-ed", "ci-rsa"]);
    // deleting one that is gone succeeds, as in EC2
    api.delete_key_pair("laptop".into()).await.unwrap();
    let names: Vec<String> = api
        .list_key_pairs()
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.name)
        .collect();
    assert!(!names.contains(&"laptop".to_string()), "{names:?}");
}

async fn all_groups(api: &dyn Ec2Api) -> Vec<SecurityGroup> {
    let mut all = Vec::new();
    let mut token = None;
    loop {
        let page = api.list_security_groups(token.take()).await.unwrap();
        all.extend(page.items);
        match page.next_token {
            Some(t) => token = Some(t),
            None => return all,
        }
    }
}

fn tcp(port: i32, source: &str, kind: RuleSource, description: &str) -> Rule {
    Rule {
        protocol: "tcp".into(),
        from_port: Some(port),
        to_port: Some(port),
        source: source.into(),
        kind,
        description: description.into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_groups_are_listed_with_their_rules_flattened() {
    use aws_sdk_ec2::types::{IpPermission, IpRange, Ipv6Range, UserIdGroupPair};
    let moto = Moto::start();
    let c = moto.client().await;
    let vpc = default_vpc(&c).await;
    let create = |name: &'static str, description: &'static str| {
        let (c, vpc) = (c.clone(), vpc.clone());
        async move { create_group(&c, &vpc, name, description).await }
    };
    let app = create("app", "application tier").await;
    let db = create("db", "database tier").await;
    c.authorize_security_group_ingress()
        .group_id(&db)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(22)
                .to_port(22)
                .ip_ranges(
                    IpRange::builder()
                        .cidr_ip("0.0.0.0/0")
                        .description("ssh from anywhere")
                        .build(),
                )
                .ipv6_ranges(Ipv6Range::builder().cidr_ipv6("::/0").build())
                .build(),
        )
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(5432)
                .to_port(5432)
                .user_id_group_pairs(
                    UserIdGroupPair::builder()
                        .group_id(&app)
                        .description("from the app tier")
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();

    let api = moto.adapter().await;
    let groups = all_groups(&api).await;
    let g = groups.iter().find(|g| g.id == db).expect("db is listed");
    assert_eq!(g.name, "db");
    assert_eq!(g.description, "database tier");
    assert_eq!(g.vpc_id, vpc);
    assert!(
        g.tags.contains(&("Name".to_string(), "db".to_string())),
        "{:?}",
        g.tags
    );
    let mut inbound = g.inbound.clone();
    inbound.sort_by(|a, b| (a.from_port, &a.source).cmp(&(b.from_port, &b.source)));
    assert_eq!(
        inbound,
        vec![
            tcp(22, "0.0.0.0/0", RuleSource::Cidr4, "ssh from anywhere"),
            tcp(22, "::/0", RuleSource::Cidr6, ""),
            tcp(5432, &app, RuleSource::Group, "from the app tier"),
        ]
    );
    assert!(
        g.outbound
            .iter()
            .any(|r| r.protocol == "-1" && r.source == "0.0.0.0/0" && r.kind == RuleSource::Cidr4),
        "the default egress rule: {:?}",
        g.outbound
    );
    let a = groups.iter().find(|g| g.id == app).expect("app is listed");
    assert!(a.inbound.is_empty(), "{:?}", a.inbound);

    // the launch form's groups come from the same port
    let opts = ec2tui::panes::kit::launch::load_options(&api)
        .await
        .expect("the launch options");
    let offered: Vec<(&str, &str, &str)> = opts
        .groups
        .iter()
        .map(|g| (g.id.as_str(), g.name.as_str(), g.vpc_id.as_str()))
        .collect();
    assert!(
        offered.contains(&(db.as_str(), "db", vpc.as_str())),
        "{offered:?}"
    );
    assert!(
        offered.contains(&(app.as_str(), "app", vpc.as_str())),
        "{offered:?}"
    );
}
