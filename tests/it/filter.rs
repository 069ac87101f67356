//! The filter grammar: space-separated terms all match, `!term` excludes, `Key=Value` is a tag.

use ec2tui::app::{Collection, Key, Term};
use ec2tui::aws::{Instance, InstanceState};
use ec2tui::panes::instances::InstanceRow;

use crate::driver::{Driver, Panes};

fn inst(id: &str, name: &str, state: InstanceState, tags: &[(&str, &str)]) -> Instance {
    Instance {
        id: id.into(),
        name: name.into(),
        state,
        instance_type: "t3.micro".into(),
        tags: tags
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Instance::default()
    }
}

fn fleet() -> Vec<Instance> {
    use InstanceState::*;
    vec![
        inst(
            "i-1",
            "web-prod-1",
            Running,
            &[("Env", "prod"), ("Team", "web")],
        ),
        inst("i-2", "web-prod-2", Stopped, &[("Env", "prod")]),
        inst(
            "i-3",
            "web-dev-1",
            Running,
            &[("Env", "dev"), ("Note", "prod soon")],
        ),
        inst("i-4", "db-prod-1", Running, &[("Env", "Prod")]),
        inst("i-5", "batch", Running, &[("Env", "production")]),
    ]
}

fn shown(c: &mut Collection<InstanceRow>, filter: &str) -> Vec<String> {
    c.set_filter(filter);
    c.refresh_view();
    let mut ids: Vec<String> = (0..c.rows())
        .map(|p| c.row(p).unwrap().inst.id.clone())
        .collect();
    ids.sort();
    ids
}

#[test]
fn terms_parse() {
    assert_eq!(
        Term::parse("  Prod  !Stopped Env=Prod =x ! a=  "),
        vec![
            Term::Has("prod".into()),
            Term::Not("stopped".into()),
            Term::Tag("Env".into(), "Prod".into()),
            Term::Has("=x".into()),
            Term::Tag("a".into(), "".into()),
        ]
    );
    assert!(Term::parse("   ").is_empty());
}

#[test]
fn every_term_must_match_and_bang_excludes() {
    let mut c = Collection::default();
    for i in fleet() {
        c.upsert(InstanceRow::from(i));
    }
    assert_eq!(shown(&mut c, ""), ["i-1", "i-2", "i-3", "i-4", "i-5"]);
    // a word alone matches anywhere (i-3 has "prod" in a tag value)
    assert_eq!(shown(&mut c, "prod"), ["i-1", "i-2", "i-3", "i-4", "i-5"]);
    assert_eq!(shown(&mut c, "web running"), ["i-1", "i-3"]);
    assert_eq!(shown(&mut c, "WEB Running"), ["i-1", "i-3"], "case-blind");
    assert_eq!(shown(&mut c, "web !stopped"), ["i-1", "i-3"]);
    assert_eq!(shown(&mut c, "!web"), ["i-4", "i-5"]);
    assert_eq!(shown(&mut c, "!web !batch"), ["i-4"]);
    assert_eq!(shown(&mut c, "web nothing-like-this"), Vec::<String>::new());
}

#[test]
fn key_value_matches_that_tag_exactly() {
    let mut c = Collection::default();
    for i in fleet() {
        c.upsert(InstanceRow::from(i));
    }
    // the whole value, ignoring case: not Env=production, not Note=prod soon
    assert_eq!(shown(&mut c, "Env=prod"), ["i-1", "i-2", "i-4"]);
    assert_eq!(shown(&mut c, "env=PROD"), ["i-1", "i-2", "i-4"]);
    assert_eq!(shown(&mut c, "Env=prod running"), ["i-1", "i-4"]);
    assert_eq!(shown(&mut c, "Env=prod !db"), ["i-1", "i-2"]);
    assert_eq!(shown(&mut c, "Env=prod !web-prod-2"), ["i-1", "i-4"]);
    assert_eq!(shown(&mut c, "Team=web"), ["i-1"]);
    assert_eq!(
        shown(&mut c, "Team=we"),
        Vec::<String>::new(),
        "a prefix is not the tag"
    );
    assert_eq!(shown(&mut c, "Missing=x"), Vec::<String>::new());
    // a tag that changes is matched by its new value
    c.update("i-5", |r| r.inst.tags = vec![("Env".into(), "prod".into())]);
    assert_eq!(shown(&mut c, "Env=prod"), ["i-1", "i-2", "i-4", "i-5"]);
}

/// As a user types it: `/`, the terms, Enter; the title counts what is shown.
#[tokio::test]
async fn typed_terms_filter_the_demo_fleet() {
    let mut d = Driver::new(
        ec2tui::aws::demo::DemoRegion::new(
            300,
            std::time::Duration::ZERO,
            std::time::Duration::ZERO,
        ),
        false,
    );
    d.start().await;
    let all: Vec<Instance> = d
        .app
        .instances()
        .ids()
        .map(|id| d.app.instances().get(id).unwrap().inst.clone())
        .collect();
    let (k, v) = all
        .iter()
        .find_map(|i| i.tags.iter().find(|(k, _)| k != "Name").cloned())
        .expect("a demo instance with a tag");
    let want: Vec<&Instance> = all
        .iter()
        .filter(|i| i.tags.iter().any(|(a, b)| *a == k && *b == v))
        .filter(|i| i.state != InstanceState::Stopped)
        .collect();
    d.filter(&format!("{k}={v} !stopped")).await;
    d.app.instances_mut().refresh_view();
    assert_eq!(d.app.instances().rows(), want.len());
    for p in 0..d.app.instances().rows() {
        let r = d.app.instances().row(p).unwrap();
        assert!(r.inst.tags.contains(&(k.clone(), v.clone())));
        assert_ne!(r.inst.state, InstanceState::Stopped);
    }
    // Esc clears it
    d.keys("/").await;
    d.key(Key::plain(ec2tui::app::KeyCode::Esc)).await;
    d.app.instances_mut().refresh_view();
    assert_eq!(d.app.instances().rows(), 300);
}

/// Esc clears the filter and keeps the selection on screen: the keys act on a row the
/// user can see (the list jumped to the top, the selected row off screen).
#[tokio::test]
async fn clearing_the_filter_keeps_the_selected_row_in_view() {
    let mut d = Driver::new(
        ec2tui::aws::demo::DemoRegion::new(
            600,
            std::time::Duration::ZERO,
            std::time::Duration::ZERO,
        ),
        false,
    );
    d.start().await;
    d.filter("web-prod").await;
    d.keys("jjjjjjjjjjjj").await;
    let id = d.app.instances().selected_id().unwrap().to_string();
    d.key(Key::plain(ec2tui::app::KeyCode::Esc)).await;
    assert!(d.app.instances().filter().is_empty());
    assert_eq!(d.app.instances().selected_id(), Some(id.as_str()));
    // (looked at before any resize, which would bring it into view anyway)
    let h = d.app.table_rows();
    assert!(
        d.app.instances().visible(h).any(|(_, r)| r.inst.id == id),
        "the selected {id} is among the rows drawn"
    );
}

/// After a filter, the top row of what is shown is the selection the keys act on.
#[tokio::test]
async fn after_a_filter_the_top_row_is_what_the_keys_act_on() {
    let mut d = Driver::new(
        ec2tui::aws::demo::DemoRegion::new(
            20,
            std::time::Duration::ZERO,
            std::time::Duration::ZERO,
        ),
        false,
    );
    d.start().await;
    d.filter("running").await;
    d.keys("i").await;
    assert!(
        matches!(d.app.dialog, Some(ec2tui::app::Dialog::Form { .. })),
        "{}",
        d.status()
    );
}
