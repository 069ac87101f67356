//! Per-profile and per-region safety (`[profiles.NAME]` and `[regions.NAME]` in
//! `config.toml`): read-only that cannot be turned off from inside the app, a banner in the
//! header, and typed confirmation of every change.

use std::collections::BTreeMap;

/// What `config.toml` says of one profile or region.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SafetyEntry {
    /// This profile (region) can never change anything, whatever the flag.
    #[serde(default)]
    pub read_only: bool,
    /// Shown in the header in the danger colour: "PRODUCTION".
    pub banner: Option<String>,
    /// `"typed"`: every change needs its word typed, not just `y`; `"y"` (the default): as usual.
    #[serde(default)]
    pub confirm: Confirmation,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confirmation {
    #[default]
    Y,
    Typed,
}

/// Every rule of `config.toml`; `broken` when the file could not be read as such: then the
/// safest reading holds everywhere (read-only).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SafetyRules {
    pub profiles: BTreeMap<String, SafetyEntry>,
    pub regions: BTreeMap<String, SafetyEntry>,
    pub broken: bool,
}

/// The safety in force for one profile in one region.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Safety {
    pub read_only: bool,
    /// The banners of the profile and the region, joined.
    pub banner: Option<String>,
    pub typed: bool,
}

impl SafetyRules {
    pub fn for_context(&self, profile: &str, region: &str) -> Safety {
        let entries = [self.profiles.get(profile), self.regions.get(region)];
        let entries = entries.iter().flatten();
        let banners: Vec<String> = entries
            .clone()
            .filter_map(|e| e.banner.as_deref())
            .map(crate::aws::clean)
            .filter(|b| !b.trim().is_empty())
            .collect();
        Safety {
            read_only: self.broken || entries.clone().any(|e| e.read_only),
            banner: (!banners.is_empty()).then(|| banners.join(" · ")),
            typed: entries.clone().any(|e| e.confirm == Confirmation::Typed),
        }
    }
}
