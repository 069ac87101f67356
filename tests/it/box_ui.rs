//! Snapshots of the screens of issue 12 on the demo region: the copy menu, the tags form,
//! the JSON view with a search, the console output.

use ec2tui::app::Key;

use crate::ui::{demo_app, render, text};

#[tokio::test]
async fn copy_menu() {
    let mut d = demo_app(20).await;
    d.keys("jY").await;
    insta::assert_snapshot!(text(&render(&mut d.app, 100, 30)));
}

#[tokio::test]
async fn tags_form_over_two_marked_instances() {
    let mut d = demo_app(20).await;
    d.keys("  t").await;
    d.keys("Owner=ops").await;
    insta::assert_snapshot!(text(&render(&mut d.app, 100, 30)));
}

#[tokio::test]
async fn json_view_searched() {
    let mut d = demo_app(20).await;
    d.keys("J/private").await;
    insta::assert_snapshot!(text(&render(&mut d.app, 100, 30)));
}

#[tokio::test]
async fn console_output() {
    let mut d = demo_app(20).await;
    // a running one: the demo's boot log
    d.filter("running").await;
    d.keys("o").await;
    d.key(Key::plain(ec2tui::app::KeyCode::Home)).await;
    insta::assert_snapshot!(text(&render(&mut d.app, 100, 30)));
}
