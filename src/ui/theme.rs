//! Colours, from `assets/theme.toml` merged with the user's file.

use std::collections::BTreeMap;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};

use crate::app::Tone;

/// The default colours, embedded; a user's `theme.toml` is merged over them by `config`.
pub const DEFAULT_THEME: &str = include_str!("../../assets/theme.toml");

#[derive(Debug, Clone)]
pub struct Theme {
    pub accent: Color,
    pub good: Color,
    pub warn: Color,
    pub bad: Color,
    pub muted: Color,
    pub selected_bg: Color,
    pub marked: Color,
    pub header_bg: Color,
    pub danger_bg: Color,
    /// No colours at all (`NO_COLOR`, `--no-color`): what colour told, bold, dim and reverse
    /// tell instead; states and marks are words and signs anyway.
    pub mono: bool,
}

impl Default for Theme {
    fn default() -> Self {
        Self::parse(DEFAULT_THEME).expect("the embedded theme parses")
    }
}

impl Theme {
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut t = Self {
            accent: Color::Cyan,
            good: Color::Green,
            warn: Color::Yellow,
            bad: Color::Red,
            muted: Color::DarkGray,
            selected_bg: Color::Blue,
            marked: Color::Magenta,
            header_bg: Color::Reset,
            danger_bg: Color::Red,
            mono: false,
        };
        t.merge(text)?;
        Ok(t)
    }

    pub fn merge(&mut self, text: &str) -> Result<(), String> {
        let raw: BTreeMap<String, String> =
            toml::from_str(text).map_err(|e| crate::app::keys::toml_error(text, &e))?;
        for (k, v) in raw {
            let c = Color::from_str(&v).map_err(|_| format!("{k}: unknown colour {v:?}"))?;
            let slot = match k.as_str() {
                "accent" => &mut self.accent,
                "good" => &mut self.good,
                "warn" => &mut self.warn,
                "bad" => &mut self.bad,
                "muted" => &mut self.muted,
                "selected_bg" => &mut self.selected_bg,
                "marked" => &mut self.marked,
                "header_bg" => &mut self.header_bg,
                "danger_bg" => &mut self.danger_bg,
                _ => return Err(format!("unknown theme key {k:?}")),
            };
            *slot = c;
        }
        Ok(())
    }

    /// The theme without colours.
    pub fn mono() -> Self {
        let r = Color::Reset;
        Self {
            accent: r,
            good: r,
            warn: r,
            bad: r,
            muted: r,
            selected_bg: r,
            marked: r,
            header_bg: r,
            danger_bg: r,
            mono: true,
        }
    }

    /// A badge in the header ("DEMO", a banner) on `bg`; reversed without colours.
    pub fn badge(&self, bg: Color) -> Style {
        let s = Style::default().add_modifier(Modifier::BOLD);
        if self.mono {
            s.add_modifier(Modifier::REVERSED)
        } else {
            s.fg(Color::Black).bg(bg)
        }
    }

    /// The selected row.
    pub fn selected(&self) -> Style {
        let s = Style::default().add_modifier(Modifier::BOLD);
        if self.mono {
            s.add_modifier(Modifier::REVERSED)
        } else {
            s.bg(self.selected_bg)
        }
    }

    pub fn tone(&self, t: Tone) -> Style {
        if self.mono {
            return match t {
                Tone::Bad | Tone::Accent | Tone::Heading => {
                    Style::default().add_modifier(Modifier::BOLD)
                }
                Tone::Muted => Style::default().add_modifier(Modifier::DIM),
                Tone::Normal | Tone::Good | Tone::Warn => Style::default(),
            };
        }
        match t {
            Tone::Normal => Style::default(),
            Tone::Good => Style::default().fg(self.good),
            Tone::Warn => Style::default().fg(self.warn),
            Tone::Bad => Style::default().fg(self.bad),
            Tone::Muted => Style::default().fg(self.muted),
            Tone::Accent | Tone::Heading => Style::default()
                .fg(self.accent)
                .add_modifier(Modifier::BOLD),
        }
    }
}
