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
    pub connect: crate::panes::kit::connect::Connect,
    /// Safety per profile: `[profiles.prod] read_only = true, banner = "PRODUCTION",
    /// confirm = "typed"`.
    #[serde(default)]
    pub profiles: std::collections::BTreeMap<String, crate::app::SafetyEntry>,
    /// The same per region: `[regions.us-east-1]`.
    #[serde(default)]
    pub regions: std::collections::BTreeMap<String, crate::app::SafetyEntry>,
    /// The file exists but could not be read as a configuration: the safest reading holds
    /// (read-only everywhere) until it is fixed.
    #[serde(skip)]
    pub broken: bool,
}

impl Config {
    /// The safety rules it holds.
    pub fn rules(&self) -> crate::app::SafetyRules {
        crate::app::SafetyRules {
            profiles: self.profiles.clone(),
            regions: self.regions.clone(),
            broken: self.broken,
        }
    }
}

/// `<config dir>/config.toml`, or the defaults. A broken file is reported, and read as the
/// safest configuration: read-only everywhere (it may have held a profile's safety rules).
pub fn load_config(dir: Option<&Path>) -> (Config, Option<String>) {
    let Some(path) = dir.map(|d| d.join("config.toml")) else {
        return (Config::default(), None);
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => match toml::from_str::<Config>(&text) {
            Ok(c) => (c, None),
            Err(e) => (
                Config {
                    broken: true,
                    ..Config::default()
                },
                Some(format!(
                    "{}: {}; read-only until it is fixed (it may hold safety rules)",
                    path.display(),
                    crate::app::keys::toml_error(&text, &e)
                )),
            ),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Config::default(), None),
        Err(e) => (
            Config {
                broken: true,
                ..Config::default()
            },
            Some(format!(
                "{}: {e}; read-only until it can be read",
                path.display()
            )),
        ),
    }
}

/// The theme: defaults, then `<config dir>/theme.toml` over them. A file that cannot be
/// read (a directory of that name, no permission) or parsed is reported, like the keymap's,
/// and the default theme holds.
pub fn load_theme(dir: Option<&Path>) -> (Theme, Option<String>) {
    let mut theme = Theme::parse(DEFAULT_THEME).expect("the embedded theme parses");
    let Some(path) = dir.map(|d| d.join("theme.toml")) else {
        return (theme, None);
    };
    let why = match std::fs::read_to_string(&path) {
        Ok(text) => match theme.merge(&text) {
            Ok(()) => return (theme, None),
            Err(e) => e,
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (theme, None),
        Err(e) => e.to_string(),
    };
    // a merge that failed half-way leaves nothing of the file
    let theme = Theme::parse(DEFAULT_THEME).expect("the embedded theme parses");
    (
        theme,
        Some(format!(
            "{}: {why}; using the default theme",
            path.display()
        )),
    )
}

/// `~/x` as a path under the home directory; any other path as it is.
pub fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => PathBuf::from(path),
    }
}
