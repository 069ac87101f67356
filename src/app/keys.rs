//! Keys, actions and the keymap: the one table that both handles keys and documents them.

use std::collections::BTreeMap;
use std::fmt;

/// The default keymap, embedded; a user's `keymap.toml` is merged over it by `config`.
pub const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

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

/// A pane's name: its keymap section, its `pane_<id>` action and its registry entry.
pub type PaneId = &'static str;

/// A user intent, named in keymap files in `snake_case`. The shared ones are listed here;
/// every pane adds its own (`Pane`) and a focus action (`pane_<id>`) through the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Quit,
    Command,
    Help,
    Refresh,
    /// Focus the pane at this position of the registry (`pane_<id>`).
    Focus(usize),
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
    Copy,
    CopyMenu,
    Raw,
    Tags,
    /// An action a pane offers: the pane's position in the registry, and the action's in
    /// the pane's list.
    Pane(usize, usize),
}

/// The shared actions: name in keymap files, help text, footer label.
const SHARED: &[(Action, &str, &str, &str)] = &[
    (Action::Quit, "quit", "quit", "quit"),
    (
        Action::Command,
        "command",
        "command line (:instances, :q)",
        "cmd",
    ),
    (Action::Help, "help", "this help", "help"),
    (Action::Refresh, "refresh", "refresh now", "refresh"),
    (Action::Down, "down", "move down", "move down"),
    (Action::Up, "up", "move up", "move up"),
    (Action::PageDown, "page_down", "page down", "page down"),
    (Action::PageUp, "page_up", "page up", "page up"),
    (Action::Top, "top", "first row", "first row"),
    (Action::Bottom, "bottom", "last row", "last row"),
    (
        Action::Filter,
        "filter",
        "filter (Enter keeps, Esc clears)",
        "filter",
    ),
    (
        Action::SortPrev,
        "sort_prev",
        "sort by previous column",
        "sort by previous column",
    ),
    (
        Action::SortNext,
        "sort_next",
        "sort by next column",
        "sort by next column",
    ),
    (
        Action::SortReverse,
        "sort_reverse",
        "reverse sort order",
        "reverse sort order",
    ),
    (Action::Details, "details", "details", "details"),
    (Action::Mark, "mark", "mark / unmark row", "mark"),
    (
        Action::ClearMarks,
        "clear_marks",
        "clear marks, then the filter",
        "clear marks, then the filter",
    ),
    (
        Action::Copy,
        "copy",
        "copy the ids (marked, else selected)",
        "copy",
    ),
    (
        Action::CopyMenu,
        "copy_menu",
        "copy: name, IPs, ARN, JSON…",
        "copy…",
    ),
    (
        Action::Raw,
        "raw",
        "the resource as JSON (searchable)",
        "json",
    ),
    (
        Action::Tags,
        "tags",
        "tags: add, change, remove (marked or selected)",
        "tags",
    ),
];

/// An action a pane offers: its name in keymap files, help text, footer label, and whether
/// it leads to a call that changes something in AWS (disabled in read-only mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionSpec {
    pub name: &'static str,
    pub describe: &'static str,
    pub label: &'static str,
    pub mutating: bool,
}

impl ActionSpec {
    pub const fn new(name: &'static str, describe: &'static str, label: &'static str) -> Self {
        Self {
            name,
            describe,
            label,
            mutating: false,
        }
    }
    /// The same action, refused in read-only mode.
    pub const fn mutating(self) -> Self {
        Self {
            mutating: true,
            ..self
        }
    }
}

/// What the keymap knows about one pane: its section, focus action and number key, and the
/// actions it offers. Built from the pane registry.
#[derive(Debug, Clone)]
pub struct PaneKeys {
    pub id: PaneId,
    /// Help text of `pane_<id>` ("AMIs pane").
    pub focus: &'static str,
    pub number: Option<char>,
    pub actions: &'static [ActionSpec],
}

/// Key bindings per section (`global`, `table`, then one per pane), and what every action
/// is called: the one table that both handles keys and documents them.
#[derive(Debug, Clone, Default)]
pub struct Keymap {
    panes: Vec<PaneKeys>,
    bindings: BTreeMap<String, BTreeMap<Key, Action>>,
}

type RawKeymap = BTreeMap<String, BTreeMap<String, String>>;

impl Keymap {
    /// An empty keymap that knows these panes; each pane's number key focuses it.
    pub fn new(panes: Vec<PaneKeys>) -> Self {
        let mut km = Self {
            panes,
            bindings: BTreeMap::new(),
        };
        for (i, p) in km.panes.iter().enumerate() {
            if let Some(c) = p.number {
                km.bindings
                    .entry("global".into())
                    .or_default()
                    .insert(Key::char(c), Action::Focus(i));
            }
        }
        km
    }

    /// The panes this keymap knows, in registry order.
    pub fn panes(&self) -> &[PaneKeys] {
        &self.panes
    }

    fn section_known(&self, section: &str) -> bool {
        section == "global" || section == "table" || self.panes.iter().any(|p| p.id == section)
    }

    /// Resolves an action name as written in a keymap file, in a section.
    fn resolve(&self, section: &str, name: &str) -> Result<Action, String> {
        if let Some((a, ..)) = SHARED.iter().find(|(_, n, ..)| *n == name) {
            return Ok(*a);
        }
        if let Some(id) = name.strip_prefix("pane_")
            && let Some(i) = self.panes.iter().position(|p| p.id == id)
        {
            return Ok(Action::Focus(i));
        }
        if let Some(pi) = self.panes.iter().position(|p| p.id == section)
            && let Some(i) = self.panes[pi].actions.iter().position(|a| a.name == name)
        {
            return Ok(Action::Pane(pi, i));
        }
        Err(format!("unknown action {name:?} in [{section}]"))
    }

    /// Merges a keymap file over this one (TOML: `[section] "key" = "action"`): each binding
    /// replaces the same key in its section.
    pub fn merge(&mut self, text: &str) -> Result<(), String> {
        let raw: RawKeymap = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
        let mut next = self.bindings.clone();
        for (section, keys) in raw {
            if !self.section_known(&section) {
                return Err(format!("unknown keymap section [{section}]"));
            }
            for (k, a) in keys {
                let action = self.resolve(&section, &a)?;
                next.entry(section.clone())
                    .or_default()
                    .insert(Key::parse(&k)?, action);
            }
        }
        self.bindings = next;
        Ok(())
    }

    /// The sections a key is looked up in for a pane, most specific first.
    pub fn scopes(pane: PaneId) -> [&'static str; 3] {
        [pane, "table", "global"]
    }

    /// The action of a key in a pane: the pane's own section, then the table, then global.
    pub fn lookup(&self, scopes: &[&str], key: Key) -> Option<Action> {
        scopes
            .iter()
            .find_map(|s| self.bindings.get(*s).and_then(|m| m.get(&key)).copied())
    }

    /// Every action reachable in these scopes with its keys, shared actions first, then the
    /// pane's own in the order it lists them.
    pub fn help(&self, scopes: &[&str]) -> Vec<(Vec<Key>, Action)> {
        let mut out: Vec<(Vec<Key>, Action)> = Vec::new();
        for s in scopes.iter().rev() {
            let Some(map) = self.bindings.get(*s) else {
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
    pub fn key_for(&self, scopes: &[&str], action: Action) -> Option<Key> {
        scopes.iter().find_map(|s| {
            self.bindings.get(*s).and_then(|m| {
                m.iter()
                    .find(|(k, a)| **a == action && self.lookup(scopes, **k) == Some(action))
                    .map(|(k, _)| *k)
            })
        })
    }

    /// The action a footer or help names: a shared action, `pane_<id>`, or one of the pane's.
    pub fn named(&self, pane: PaneId, name: &str) -> Option<Action> {
        self.resolve(pane, name).ok()
    }

    /// The spec of a pane's action.
    pub fn pane_action(&self, a: Action) -> Option<&'static ActionSpec> {
        let Action::Pane(p, i) = a else {
            return None;
        };
        self.panes.get(p).and_then(|p| p.actions.get(i))
    }

    /// The help text of an action.
    pub fn describe(&self, a: Action) -> &'static str {
        match a {
            Action::Focus(i) => self.panes.get(i).map_or("a pane", |p| p.focus),
            Action::Pane(..) => self.pane_action(a).map_or("?", |s| s.describe),
            _ => SHARED
                .iter()
                .find(|(x, ..)| *x == a)
                .map_or("?", |(_, _, d, _)| d),
        }
    }

    /// A short label for the footer.
    pub fn label(&self, a: Action) -> &'static str {
        match a {
            Action::Focus(_) => self.describe(a),
            Action::Pane(..) => self.pane_action(a).map_or("?", |s| s.label),
            _ => SHARED
                .iter()
                .find(|(x, ..)| *x == a)
                .map_or("?", |(_, _, _, l)| l),
        }
    }

    /// Calls that change something in AWS: refused in read-only mode.
    pub fn is_mutating(&self, a: Action) -> bool {
        a == Action::Tags || self.pane_action(a).is_some_and(|s| s.mutating)
    }
}

/// A TOML file's error as a user can find it: where (line and column), then what.
pub fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let Some(at) = e.span().map(|s| s.start) else {
        return e.message().to_string();
    };
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line}, column {column}: {}", e.message())
}
