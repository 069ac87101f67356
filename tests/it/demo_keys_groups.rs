//! Key pairs and security groups of the demo region, through the port as a trait object.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use ec2tui::aws::demo::DemoRegion;
use ec2tui::aws::prelude::*;
use ec2tui::aws::{KeyPair, RuleSource, SecurityGroup};

fn demo() -> Arc<dyn Ec2Api> {
    Arc::new(DemoRegion::new(60, Duration::ZERO, Duration::ZERO))
}

async fn groups(api: &dyn Ec2Api) -> Vec<SecurityGroup> {
    let page = api.list_security_groups(None).await.unwrap();
    assert_eq!(page.next_token, None, "one page");
    page.items
}

fn key<'a>(keys: &'a [KeyPair], name: &str) -> &'a KeyPair {
    keys.iter()
        .find(|k| k.name == name)
        .unwrap_or_else(|| panic!("{name} is not listed: {keys:?}"))
}

/// A PEM block: its header and footer, and base64 lines of at most `width` between them.
fn assert_pem(material: &str, label: &str, width: usize) {
    let begin = format!("-----BEGIN {label}-----\n");
    let end = format!("-----END {label}-----\n");
    assert!(material.starts_with(&begin), "{material}");
    assert!(material.ends_with(&end), "{material}");
    let body: Vec<&str> = material[begin.len()..material.len() - end.len()]
        .lines()
        .collect();
    assert!(body.len() > 3, "{material}");
    assert!(body.iter().all(|l| !l.is_empty() && l.len() <= width));
    base64::engine::general_purpose::STANDARD
        .decode(body.concat())
        .expect("the body is base64");
}

#[tokio::test]
async fn the_demo_lists_the_key_pairs_its_instances_use() {
    let api = demo();
    let keys = api.list_key_pairs().await.unwrap();
    let names: Vec<&str> = keys.iter().map(|k| k.name.as_str()).collect();
    assert_eq!(names, ["alice", "deploy", "ops-2024"]);
    assert_eq!(key(&keys, "alice").key_type, "ed25519");
    assert_eq!(key(&keys, "deploy").key_type, "rsa");
    assert_eq!(key(&keys, "ops-2024").key_type, "rsa");
    assert!(
        keys.iter()
            .all(|k| k.id.starts_with("key-") && !k.fingerprint.is_empty() && k.created.is_some())
    );
    let used: HashSet<String> = api
        .list_instances(None)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|i| i.key_name)
        .filter(|k| !k.is_empty())
        .collect();
    assert!(!used.is_empty());
    for k in &used {
        key(&keys, k);
    }
}

#[tokio::test]
async fn demo_key_pairs_are_created_imported_and_deleted_as_in_ec2() {
    let api = demo();
    let rsa = api
        .create_key_pair("build".into(), "rsa".into())
        .await
        .unwrap();
    assert_pem(&rsa.material, "RSA PRIVATE KEY", 64);
    assert_eq!(
        (rsa.key.name.as_str(), rsa.key.key_type.as_str()),
        ("build", "rsa")
    );
    assert!(
        !format!("{rsa:?}").contains(&rsa.material[40..80]),
        "Debug never shows the private key"
    );
    let ed = api
        .create_key_pair("build-ed".into(), "ed25519".into())
        .await
        .unwrap();
    assert_pem(&ed.material, "OPENSSH PRIVATE KEY", 70);
    assert_ne!(rsa.key.fingerprint, ed.key.fingerprint);

    let e = api
        .create_key_pair("deploy".into(), "rsa".into())
        .await
        .unwrap_err();
    assert_eq!(e.code.as_deref(), Some("InvalidKeyPair.Duplicate"));

    let line =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICupFKkKNEy7H7HQvoFjDQWetTtouF2NaJYFOMb1Qx8n me";
    let imported = api
        .import_key_pair("laptop".into(), line.into())
        .await
        .unwrap();
    assert_eq!(imported.key_type, "ed25519");
    let e = api
        .import_key_pair("laptop".into(), line.into())
        .await
        .unwrap_err();
    assert_eq!(e.code.as_deref(), Some("InvalidKeyPair.Duplicate"));
    let e = api
        .import_key_pair("junk".into(), "not a key".into())
        .await
        .unwrap_err();
    assert_eq!(e.code.as_deref(), Some("InvalidKey.Format"));

    let keys = api.list_key_pairs().await.unwrap();
    assert_eq!(key(&keys, "build").fingerprint, rsa.key.fingerprint);
    assert_eq!(key(&keys, "build-ed").key_type, "ed25519");
    assert_eq!(key(&keys, "laptop"), &imported);

    api.delete_key_pair("laptop".into()).await.unwrap();
    api.delete_key_pair("laptop".into()).await.unwrap();
    let keys = api.list_key_pairs().await.unwrap();
    assert!(keys.iter().all(|k| k.name != "laptop"));
    assert_eq!(keys.len(), 5);
}

#[tokio::test]
async fn the_demo_lists_security_groups_with_rules() {
    let api = demo();
    let groups = groups(&*api).await;
    let by_name = |n: &str| {
        groups
            .iter()
            .find(|g| g.name == n)
            .unwrap_or_else(|| panic!("{n} is not listed"))
    };
    // every group an instance is in is listed, under the same name
    for i in api.list_instances(None).await.unwrap().items {
        for (id, name) in &i.security_groups {
            let g = groups.iter().find(|g| &g.id == id).expect("listed");
            assert_eq!(&g.name, name);
        }
    }
    let ports = |g: &SecurityGroup| -> Vec<(Option<i32>, String, RuleSource)> {
        g.inbound
            .iter()
            .map(|r| (r.from_port, r.source.clone(), r.kind))
            .collect()
    };
    let web = by_name("web-sg");
    assert_eq!(
        ports(web),
        [
            (Some(80), "0.0.0.0/0".into(), RuleSource::Cidr4),
            (Some(80), "::/0".into(), RuleSource::Cidr6),
            (Some(443), "0.0.0.0/0".into(), RuleSource::Cidr4),
            (Some(443), "::/0".into(), RuleSource::Cidr6),
        ]
    );
    assert!(web.inbound.iter().all(|r| r.protocol == "tcp"));
    assert_eq!(
        ports(by_name("bastion-sg")),
        [(Some(22), "0.0.0.0/0".into(), RuleSource::Cidr4)]
    );
    let db = by_name("db-sg");
    let from_app = &db.inbound[0];
    assert_eq!(
        (from_app.from_port, from_app.to_port, from_app.kind),
        (Some(5432), Some(5432), RuleSource::Group)
    );
    assert_eq!(from_app.source, by_name("app-sg").id);
    assert!(
        db.inbound
            .iter()
            .any(|r| r.kind == RuleSource::Group && r.source.ends_with("/111122223333")),
        "another account's group: {:?}",
        db.inbound
    );
    assert!(
        groups
            .iter()
            .any(|g| g.inbound.iter().any(|r| r.protocol == "-1"
                && r.from_port.is_none()
                && r.kind == RuleSource::PrefixList
                && r.source.starts_with("pl-")))
    );
    for g in &groups {
        assert_eq!(g.vpc_id, "vpc-0demo1234");
        assert!(!g.description.is_empty());
        assert!(
            g.outbound.iter().any(|r| r.protocol == "-1"
                && r.source == "0.0.0.0/0"
                && r.kind == RuleSource::Cidr4),
            "{}: {:?}",
            g.name,
            g.outbound
        );
    }
}

#[tokio::test]
async fn the_launch_form_options_come_from_the_key_pair_and_group_ports() {
    let api = demo();
    api.create_key_pair("aaa-new".into(), "ed25519".into())
        .await
        .unwrap();
    let opts = ec2tui::panes::kit::launch::load_options(&*api)
        .await
        .expect("the launch options");
    assert_eq!(opts.keys, ["aaa-new", "alice", "deploy", "ops-2024"]);
    let ids: Vec<&str> = opts.groups.iter().map(|g| g.id.as_str()).collect();
    let listed: Vec<String> = groups(&*api).await.into_iter().map(|g| g.id).collect();
    assert_eq!(ids, listed);
}
