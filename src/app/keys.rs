//! Keys, actions and the keymap: the one table that both handles keys and documents them.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

/// A key press, independent of the terminal library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCode {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    F(u8),
}

impl Key {
    pub const fn plain(code: KeyCode) -> Self {
        Self {
            code,
            ctrl: false,
            alt: false,
        }
    }
    pub const fn char(c: char) -> Self {
        Self::plain(KeyCode::Char(c))
    }
    pub const fn ctrl(c: char) -> Self {
        Self {
            code: KeyCode::Char(c),
            ctrl: true,
            alt: false,
        }
    }

    /// Parses `"s"`, `"S"`, `"ctrl-d"`, `"shift-tab"`, `"pgdn"`, `"space"`, `"f5"`...
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = s;
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.chars().count() > 1 && (lower.starts_with("ctrl-") || lower.starts_with("c-")) {
                ctrl = true;
                rest = &rest[rest.find('-').unwrap() + 1..];
            } else if rest.chars().count() > 1
                && (lower.starts_with("alt-") || lower.starts_with("m-"))
            {
                alt = true;
                rest = &rest[rest.find('-').unwrap() + 1..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" | "cr" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "backtab" | "shift-tab" => KeyCode::BackTab,
                "space" => KeyCode::Char(' '),
                "backspace" | "bs" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pgup" | "pageup" => KeyCode::PageUp,
                "pgdn" | "pagedown" => KeyCode::PageDown,
                f if f.starts_with('f')
                    && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) =>
                {
                    KeyCode::F(f[1..].parse().unwrap())
                }
                _ => return Err(format!("unknown key {s:?}")),
            },
        };
        Ok(Self { code, ctrl, alt })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Delete => f.write_str("Del"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::F(n) => write!(f, "F{n}"),
        }
    }
}

/// A user intent, named in keymap files in `snake_case`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    Command,
    Help,
    Refresh,
    PaneInstances,
    PaneAmis,
    PaneJournal,
    PaneVolumes,
    PaneSnapshots,
    PaneEvents,
    SwitchView,
    JumpToInstance,
    Down,
    Up,
    PageDown,
    PageUp,
    Top,
    Bottom,
    Filter,
    SortPrev,
    SortNext,
    SortReverse,
    Details,
    Mark,
    ClearMarks,
    Start,
    Stop,
    ForceStop,
    Reboot,
    Terminate,
    ToggleProtection,
    CreateImage,
    LaunchMore,
    CycleScope,
    Launch,
    Deregister,
    CopyImage,
    CreateVolume,
    Attach,
    Detach,
    SnapshotVolume,
    DeleteVolume,
    VolumeFromSnapshot,
    DeleteSnapshot,
    CopySnapshot,
}

impl Action {
    pub fn describe(self) -> &'static str {
        match self {
            Self::Quit => "quit",
            Self::Command => "command line (:instances, :q)",
            Self::Help => "this help",
            Self::Refresh => "refresh now",
            Self::PaneInstances => "instances pane",
            Self::PaneAmis => "AMIs pane",
            Self::PaneJournal => "journal of this session's changes",
            Self::PaneVolumes => "EBS volumes pane",
            Self::PaneSnapshots => "snapshots pane",
            Self::PaneEvents => "status checks and scheduled events",
            Self::SwitchView => "switch between events and the journal",
            Self::JumpToInstance => "go to the instance in the instances pane",
            Self::CreateVolume => "create a volume",
            Self::Attach => "attach the volume to an instance in its AZ",
            Self::Detach => "detach the volume",
            Self::SnapshotVolume => "snapshot the volume",
            Self::DeleteVolume => "delete the volume",
            Self::VolumeFromSnapshot => "create a volume from the snapshot (any AZ)",
            Self::DeleteSnapshot => "delete the snapshot",
            Self::CopySnapshot => "copy the snapshot to another region",
            Self::CreateImage => "create an image (AMI) of the instance",
            Self::LaunchMore => "launch more like this",
            Self::CycleScope => "cycle scope: mine, Amazon's, shared with me",
            Self::Launch => "launch instances from this AMI",
            Self::Deregister => "deregister the AMI",
            Self::CopyImage => "copy the AMI to another region",
            Self::Down => "move down",
            Self::Up => "move up",
            Self::PageDown => "page down",
            Self::PageUp => "page up",
            Self::Top => "first row",
            Self::Bottom => "last row",
            Self::Filter => "filter (Enter keeps, Esc clears)",
            Self::SortPrev => "sort by previous column",
            Self::SortNext => "sort by next column",
            Self::SortReverse => "reverse sort order",
            Self::Details => "details",
            Self::Mark => "mark / unmark row",
            Self::ClearMarks => "clear marks, then the filter",
            Self::Start => "start",
            Self::Stop => "stop",
            Self::ForceStop => "force stop",
            Self::Reboot => "reboot",
            Self::Terminate => "terminate",
            Self::ToggleProtection => "toggle termination protection",
        }
    }

    /// A short label for the footer.
    pub fn label(self) -> &'static str {
        match self {
            Self::Details => "details",
            Self::Mark => "mark",
            Self::Filter => "filter",
            Self::Start => "start",
            Self::Stop => "stop",
            Self::ForceStop => "force-stop",
            Self::Reboot => "reboot",
            Self::Terminate => "terminate",
            Self::ToggleProtection => "protect",
            Self::Help => "help",
            Self::Quit => "quit",
            Self::Command => "cmd",
            Self::Refresh => "refresh",
            Self::CreateImage => "image",
            Self::LaunchMore => "launch-more",
            Self::CycleScope => "scope",
            Self::Launch => "launch",
            Self::Deregister => "deregister",
            Self::CopyImage => "copy",
            Self::CreateVolume => "new",
            Self::Attach => "attach",
            Self::Detach => "detach",
            Self::SnapshotVolume => "snapshot",
            Self::DeleteVolume | Self::DeleteSnapshot => "delete",
            Self::VolumeFromSnapshot => "volume",
            Self::CopySnapshot => "copy",
            _ => self.describe(),
        }
    }

    /// Calls that change something in AWS: refused in read-only mode.
    pub fn is_mutating(self) -> bool {
        matches!(
            self,
            Self::Start
                | Self::Stop
                | Self::ForceStop
                | Self::Reboot
                | Self::Terminate
                | Self::ToggleProtection
                | Self::CreateImage
                | Self::LaunchMore
                | Self::Launch
                | Self::Deregister
                | Self::CopyImage
                | Self::CreateVolume
                | Self::Attach
                | Self::Detach
                | Self::SnapshotVolume
                | Self::DeleteVolume
                | Self::VolumeFromSnapshot
                | Self::DeleteSnapshot
                | Self::CopySnapshot
        )
    }
}

/// Sections of the keymap, looked up from the most specific to the most general.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    Global,
    Table,
    Instances,
    Amis,
    Volumes,
    Snapshots,
    Events,
    Journal,
}

impl Scope {
    fn name(self) -> &'static str {
        match self {
            Self::Global => "global",
            Self::Table => "table",
            Self::Instances => "instances",
            Self::Amis => "amis",
            Self::Volumes => "volumes",
            Self::Snapshots => "snapshots",
            Self::Events => "events",
            Self::Journal => "journal",
        }
    }
    const ALL: [Scope; 8] = [
        Scope::Global,
        Scope::Table,
        Scope::Instances,
        Scope::Amis,
        Scope::Volumes,
        Scope::Snapshots,
        Scope::Events,
        Scope::Journal,
    ];
}

/// Key bindings per scope.
#[derive(Debug, Clone, Default)]
pub struct Keymap {
    bindings: BTreeMap<Scope, BTreeMap<Key, Action>>,
}

type RawKeymap = BTreeMap<String, BTreeMap<String, Action>>;

impl Keymap {
    /// Parses a keymap file (TOML: `[section] "key" = "action"`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut km = Self::default();
        km.merge(text)?;
        Ok(km)
    }

    /// Merges a keymap file over this one: each binding replaces the same key in its section.
    pub fn merge(&mut self, text: &str) -> Result<(), String> {
        let raw: RawKeymap = toml::from_str(text).map_err(|e| e.message().to_string())?;
        for (section, keys) in raw {
            let scope = Scope::ALL
                .into_iter()
                .find(|s| s.name() == section)
                .ok_or_else(|| format!("unknown keymap section [{section}]"))?;
            let map = self.bindings.entry(scope).or_default();
            for (k, a) in keys {
                map.insert(Key::parse(&k)?, a);
            }
        }
        Ok(())
    }

    /// The action of a key in a pane: the pane's own section, then the table, then global.
    pub fn lookup(&self, scopes: &[Scope], key: Key) -> Option<Action> {
        scopes
            .iter()
            .find_map(|s| self.bindings.get(s).and_then(|m| m.get(&key)).copied())
    }

    /// Every action reachable in these scopes with its keys, in keymap order of scopes.
    pub fn help(&self, scopes: &[Scope]) -> Vec<(Vec<Key>, Action)> {
        let mut out: Vec<(Vec<Key>, Action)> = Vec::new();
        for s in scopes.iter().rev() {
            let Some(map) = self.bindings.get(s) else {
                continue;
            };
            for (k, a) in map {
                // a key shadowed by a more specific scope does not do this action here
                if self.lookup(scopes, *k) != Some(*a) {
                    continue;
                }
                match out.iter_mut().find(|(_, x)| x == a) {
                    Some((keys, _)) => keys.push(*k),
                    None => out.push((vec![*k], *a)),
                }
            }
        }
        out.sort_by_key(|(_, a)| *a);
        out
    }

    /// The first key bound to an action in these scopes, for footer hints.
    pub fn key_for(&self, scopes: &[Scope], action: Action) -> Option<Key> {
        scopes.iter().find_map(|s| {
            self.bindings.get(s).and_then(|m| {
                m.iter()
                    .find(|(k, a)| **a == action && self.lookup(scopes, **k) == Some(action))
                    .map(|(k, _)| *k)
            })
        })
    }
}
