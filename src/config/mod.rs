//! Configuration: the default keymap and theme embedded from `assets/`, merged with the
//! user's files from the config directory when present.

use std::path::{Path, PathBuf};

use directories::ProjectDirs;

use crate::app::{Keymap, PaneKeys};
use crate::ui::theme::Theme;

pub use crate::app::keys::DEFAULT_KEYMAP;
pub use crate::ui::theme::DEFAULT_THEME;

fn project() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "ec2tui")
}

/// Where the user's keymap and theme live (`~/.config/ec2tui` on Linux).
pub fn config_dir() -> Option<PathBuf> {
    project().map(|p| p.config_dir().to_path_buf())
}

/// Where the log (and later the journal) goes (`~/.local/share/ec2tui` on Linux).
pub fn data_dir() -> Option<PathBuf> {
    project().map(|p| p.data_dir().to_path_buf())
}

/// The keymap: defaults, then `<config dir>/keymap.toml` over them. A broken user file is
/// reported and ignored, never fatal.
pub fn load_keymap(dir: Option<&Path>, panes: Vec<PaneKeys>) -> (Keymap, Option<String>) {
    let mut km = Keymap::new(panes);
    km.merge(DEFAULT_KEYMAP)
        .expect("the embedded keymap parses");
    let Some(path) = dir.map(|d| d.join("keymap.toml")) else {
        return (km, None);
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let mut merged = km.clone();
            match merged.merge(&text) {
                Ok(()) => km = merged,
                Err(e) => {
                    return (
                        km,
                        Some(format!("{}: {e}; using the default keys", path.display())),
                    );
                }
            }
            (km, None)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (km, None),
        Err(e) => (km, Some(format!("{}: {e}", path.display()))),
    }
}

/// `config.toml`: settings beyond keys and colours.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// How the instances pane connects (`c`, `C`).
    #[serde(default)]
    pub connect: crate::panes::connect::Connect,
}

/// `<config dir>/config.toml`, or the defaults; a broken file is reported and ignored.
pub fn load_config(dir: Option<&Path>) -> (Config, Option<String>) {
    let Some(path) = dir.map(|d| d.join("config.toml")) else {
        return (Config::default(), None);
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => match toml::from_str::<Config>(&text) {
            Ok(c) => (c, None),
            Err(e) => (
                Config::default(),
                Some(format!(
                    "{}: {}; using the defaults",
                    path.display(),
                    e.message()
                )),
            ),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Config::default(), None),
        Err(e) => (Config::default(), Some(format!("{}: {e}", path.display()))),
    }
}

/// The theme: defaults, then `<config dir>/theme.toml` over them.
pub fn load_theme(dir: Option<&Path>) -> (Theme, Option<String>) {
    let mut theme = Theme::parse(DEFAULT_THEME).expect("the embedded theme parses");
    if let Some(path) = dir.map(|d| d.join("theme.toml"))
        && let Ok(text) = std::fs::read_to_string(&path)
        && let Err(e) = theme.merge(&text)
    {
        return (
            theme,
            Some(format!("{}: {e}; using the default theme", path.display())),
        );
    }
    (theme, None)
}

/// `~/x` as a path under the home directory; any other path as it is.
pub fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => PathBuf::from(path),
    }
}
