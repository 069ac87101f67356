//! Local files and messages: a `theme.toml` that cannot be read is reported like a
//! `keymap.toml`; what went wrong at start is kept whole in `:messages` and the status line
//! says there is more; `:region NAME` works with credentials only in the environment.

use crate::e2e::scratch;

#[test]
fn a_theme_toml_that_is_a_directory_is_reported_like_a_keymap_toml() {
    let dir = scratch("theme-dir");
    std::fs::create_dir(dir.join("theme.toml")).unwrap();
    std::fs::create_dir(dir.join("keymap.toml")).unwrap();
    let (_, keymap) = ec2tui::config::load_keymap(Some(&dir), ec2tui::panes::keys());
    let (_, theme) = ec2tui::config::load_theme(Some(&dir));
    let keymap = keymap.expect("the keymap's directory is reported");
    let theme = theme.expect("the theme's directory is reported");
    assert_eq!(
        theme,
        format!(
            "{}: Is a directory (os error 21); using the default theme",
            dir.join("theme.toml").display()
        )
    );
    assert!(keymap.contains("Is a directory"), "{keymap}");
    // a missing file is no news; a broken one is said, and the default holds whole
    let none = scratch("theme-none");
    assert_eq!(ec2tui::config::load_theme(Some(&none)).1, None);
    std::fs::write(
        none.join("theme.toml"),
        "accent = \"green\"\nbad = \"nope\"\n",
    )
    .unwrap();
    let (t, w) = ec2tui::config::load_theme(Some(&none));
    assert!(w.unwrap().contains("bad: unknown colour \"nope\""));
    assert_eq!(
        t.accent,
        ec2tui::ui::theme::Theme::default().accent,
        "nothing of a broken file is used"
    );
}
