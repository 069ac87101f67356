//! `J`: the resource as JSON in a scrollable, searchable view that can be saved.

use std::time::Duration;

use ec2tui::app::{Dialog, Key, KeyCode, text::TextView};
use ec2tui::aws::demo::DemoRegion;

use crate::driver::{Driver, Panes};
use crate::e2e::scratch;

fn view(d: &Driver<DemoRegion>) -> &TextView {
    match &d.app.dialog {
        Some(Dialog::Text(v)) => v,
        other => panic!("no text view: {other:?}"),
    }
}

#[tokio::test]
async fn j_shows_the_selected_resource_as_json_searchable_and_saved() {
    let mut d = Driver::new(DemoRegion::new(20, Duration::ZERO, Duration::ZERO), false);
    d.start().await;
    d.app.instances_mut().refresh_view();
    let inst = d.app.instances().selected().unwrap().inst.clone();
    d.keys("J").await;
    let v = view(&d);
    assert!(v.title.contains(&inst.id));
    let json: serde_json::Value = serde_json::from_str(&v.lines.join("\n")).unwrap();
    assert_eq!(json, serde_json::to_value(&inst).unwrap());
    assert_eq!(json["state"], inst.state.as_str());

    // search: the view moves to the first line with the text, n to the next
    d.keys("/PRIVATE_").await;
    let at = view(&d).scroll;
    assert!(
        view(&d).lines[at].contains("private_ip"),
        "{}",
        view(&d).lines[at]
    );
    d.enter().await;
    d.keys("n").await;
    let at2 = view(&d).scroll;
    assert!(
        view(&d).lines[at2].contains("private_dns"),
        "{}",
        view(&d).lines[at2]
    );
    assert!(view(&d).note.as_deref().unwrap().contains("match 2 of 2"));
    d.keys("n").await; // wraps round
    assert_eq!(view(&d).scroll, at);
    d.keys("/no-such-text").await;
    d.enter().await;
    assert!(
        view(&d)
            .note
            .as_deref()
            .unwrap()
            .contains("no line contains")
    );

    // w: saved to the file typed
    let path = scratch("rawjson").join("inst.json");
    d.keys("w").await;
    d.key(Key::ctrl('u')).await;
    d.keys(&path.display().to_string()).await;
    d.enter().await;
    assert!(d.status().contains("wrote the JSON of"), "{}", d.status());
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(saved, json);
    // Esc closes
    d.key(Key::plain(KeyCode::Esc)).await;
    assert!(d.app.dialog.is_none());
}

#[tokio::test]
async fn j_works_in_other_panes_too() {
    let mut d = Driver::new(DemoRegion::new(20, Duration::ZERO, Duration::ZERO), false);
    d.start().await;
    d.keys("3").await;
    d.app.volumes_mut().refresh_view();
    let vol = d.app.volumes().selected().unwrap().clone();
    d.keys("J").await;
    let json: serde_json::Value = serde_json::from_str(&view(&d).lines.join("\n")).unwrap();
    assert_eq!(json["id"], vol.id.as_str());
    assert_eq!(json["size_gib"], vol.size_gib);
    d.keys("q").await;
    assert!(d.app.dialog.is_none());
    // nothing selected: said
    d.filter("nothing-matches-this").await;
    d.keys("J").await;
    assert!(d.app.dialog.is_none());
    assert!(d.status().contains("no volume selected"), "{}", d.status());
}

/// `l` / `h` move along lines wider than the view (`0` back to their start): the part past
/// the right edge is reachable, and the title says from which column.
#[tokio::test]
async fn long_lines_are_read_sideways() {
    let mut d = Driver::new(DemoRegion::new(20, Duration::ZERO, Duration::ZERO), false);
    d.start().await;
    d.keys("J").await;
    let long = format!("{}THE-END", "x".repeat(120));
    if let Some(Dialog::Text(v)) = &mut d.app.dialog {
        v.lines.insert(0, long);
    }
    let shown =
        |d: &mut Driver<DemoRegion>| crate::ui::text(&crate::ui::render(&mut d.app, 80, 24));
    assert!(!shown(&mut d).contains("THE-END"));
    for _ in 0..10 {
        d.keys("l").await;
    }
    assert_eq!(view(&d).left, 80);
    let s = shown(&mut d);
    assert!(s.contains("THE-END"), "{s}");
    assert!(s.contains("from column 81"), "{s}");
    // never past the widest line
    for _ in 0..20 {
        d.keys("l").await;
    }
    assert!(view(&d).left < 127);
    d.keys("h").await;
    d.keys("0").await;
    assert_eq!(view(&d).left, 0);
    assert!(!shown(&mut d).contains("from column"));
    // a search brings a match past the right edge into view
    d.keys("/the-end").await;
    d.enter().await;
    assert_eq!(view(&d).scroll, 0);
    let s = shown(&mut d);
    assert!(s.contains("THE-END"), "{s}");
}
