//! A scrollable, searchable text view: a resource as JSON (`J`), an instance's console
//! output (`o`). `h` / `l` move along long lines, `/` searches (case-blind), `n` / `N` go
//! to the next / previous match, `w` saves to a file where the view allows it, `Ctrl-r` asks
//! its pane again where it can.

use tui_input::Input;

use super::keys::{Key, KeyCode, PaneId};

#[derive(Debug, Clone)]
pub struct TextView {
    /// The pane it belongs to (it gets `refresh`).
    pub pane: PaneId,
    pub title: String,
    pub lines: Vec<String>,
    /// The first line shown.
    pub scroll: usize,
    /// The first column shown (`l` / `h` move sideways along long lines).
    pub left: usize,
    /// How many columns of text are shown (set by the core from the terminal's size; 0 when
    /// not known): a match past the right edge is brought into view.
    pub width: usize,
    /// The search text (kept after Enter, for `n` / `N`).
    pub query: Input,
    /// The search text is being typed.
    pub searching: bool,
    /// The file name being typed after `w`.
    pub saving: Option<Input>,
    /// The file `w` proposes; `None`: the view cannot be saved.
    pub save_as: Option<String>,
    /// The pane action `Ctrl-r` runs (it fetches the text again); `None`: nothing to refresh.
    pub refresh: Option<&'static str>,
    /// What `w` saves, for the status line: "the console output of i-0123".
    pub what: String,
    /// A line under the text (no match, loading…).
    pub note: Option<String>,
}

/// Columns `h` / `l` move by.
const SIDEWAYS: usize = 8;

/// The width of a text view's popup on a terminal this wide (its text is two columns
/// narrower, inside the border): the one rule the drawing and the sideways moves share.
pub fn popup_width(terminal_width: u16) -> u16 {
    terminal_width.saturating_sub(4).min(160)
}

/// What a key asks of the core beyond the view itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextKey {
    None,
    Close,
    Refresh(&'static str),
    Save { path: String, text: String },
}

impl TextView {
    pub fn new(pane: PaneId, title: impl Into<String>, lines: Vec<String>) -> Self {
        Self {
            pane,
            title: title.into(),
            lines,
            scroll: 0,
            left: 0,
            width: 0,
            query: Input::default(),
            searching: false,
            saving: None,
            save_as: None,
            refresh: None,
            what: String::new(),
            note: None,
        }
    }

    /// Replaces the text (a refresh), keeping the place when it still exists.
    pub fn set_lines(&mut self, lines: Vec<String>) {
        self.lines = lines;
        self.scroll = self.scroll.min(self.lines.len().saturating_sub(1));
    }

    /// The lines that contain the search text, in order.
    pub fn matches(&self) -> Vec<usize> {
        let q = self.query.value().to_lowercase();
        if q.is_empty() {
            return Vec::new();
        }
        self.lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.to_lowercase().contains(&q))
            .map(|(i, _)| i)
            .collect()
    }

    /// Moves to the next (or previous) match after (before) the first line shown, wrapping.
    fn find(&mut self, forward: bool, from_here: bool) {
        let m = self.matches();
        if m.is_empty() {
            self.note = Some(if self.query.value().is_empty() {
                "type / and a text to search".into()
            } else {
                format!("no line contains {:?}", self.query.value())
            });
            return;
        }
        let at = self.scroll;
        let next = if forward {
            m.iter()
                .find(|&&i| if from_here { i >= at } else { i > at })
                .or(m.first())
        } else {
            m.iter().rev().find(|&&i| i < at).or(m.last())
        };
        if let Some(&i) = next {
            self.scroll = i;
            self.show_column_of_match(i);
            let k = m.iter().position(|&x| x == i).unwrap_or(0) + 1;
            self.note = Some(format!("match {k} of {} (n next, N previous)", m.len()));
        }
    }

    /// Moves sideways so that the match on line `i` is in view (where the width is known).
    fn show_column_of_match(&mut self, i: usize) {
        let q = self.query.value().to_lowercase();
        let line = self.lines[i].to_lowercase();
        let (Some(at), true) = (line.find(&q), self.width > 0) else {
            return;
        };
        let col = line[..at].chars().count();
        let len = q.chars().count();
        if col < self.left || col + len > self.left + self.width {
            // a little of what comes before it too
            self.left = col.saturating_sub(SIDEWAYS);
        }
    }

    /// Handles a key; `page` is the number of lines shown.
    pub fn key(&mut self, k: Key, page: usize) -> TextKey {
        if let Some(input) = &mut self.saving {
            match k.code {
                KeyCode::Esc => {
                    self.saving = None;
                    self.note = Some("not saved".into());
                }
                KeyCode::Enter => {
                    let path = input.value().trim().to_string();
                    self.saving = None;
                    if path.is_empty() {
                        self.note = Some("not saved: no file name".into());
                        return TextKey::None;
                    }
                    let mut text = self.lines.join("\n");
                    text.push('\n');
                    return TextKey::Save { path, text };
                }
                _ => super::edit(input, k),
            }
            return TextKey::None;
        }
        if self.searching {
            match k.code {
                KeyCode::Esc => {
                    self.searching = false;
                    self.query.reset();
                    self.note = None;
                }
                KeyCode::Enter => {
                    self.searching = false;
                    self.find(true, true);
                }
                _ => {
                    super::edit(&mut self.query, k);
                    // as it is typed: the first match from here
                    self.find(true, true);
                }
            }
            return TextKey::None;
        }
        let max = self.lines.len().saturating_sub(1);
        match (k.code, k.ctrl) {
            (KeyCode::Char('r'), true) => {
                return self.refresh.map_or_else(
                    || {
                        self.note = Some("nothing to refresh here".into());
                        TextKey::None
                    },
                    TextKey::Refresh,
                );
            }
            (KeyCode::Esc | KeyCode::Char('q'), _) => return TextKey::Close,
            (KeyCode::Down | KeyCode::Char('j'), _) => self.scroll = (self.scroll + 1).min(max),
            (KeyCode::Up | KeyCode::Char('k'), _) => self.scroll = self.scroll.saturating_sub(1),
            (KeyCode::PageDown | KeyCode::Char(' '), _) => {
                self.scroll = (self.scroll + page.max(1)).min(max)
            }
            (KeyCode::PageUp, _) => self.scroll = self.scroll.saturating_sub(page.max(1)),
            (KeyCode::Right | KeyCode::Char('l'), _) => {
                let widest = self
                    .lines
                    .iter()
                    .map(|l| l.chars().count())
                    .max()
                    .unwrap_or(0);
                self.left = (self.left + SIDEWAYS).min(widest.saturating_sub(1));
            }
            (KeyCode::Left | KeyCode::Char('h'), _) => {
                self.left = self.left.saturating_sub(SIDEWAYS)
            }
            (KeyCode::Char('0'), _) => self.left = 0,
            (KeyCode::Home | KeyCode::Char('g'), _) => self.scroll = 0,
            (KeyCode::End | KeyCode::Char('G'), _) => self.scroll = max,
            (KeyCode::Char('/'), _) => {
                self.searching = true;
                self.query.reset();
                self.note = None;
            }
            (KeyCode::Char('n'), _) => self.find(true, false),
            (KeyCode::Char('N'), _) => self.find(false, false),
            (KeyCode::Char('w'), _) => match &self.save_as {
                Some(p) => self.saving = Some(Input::new(p.clone())),
                None => self.note = Some("this view is not saved to a file".into()),
            },
            _ => {}
        }
        TextKey::None
    }

    /// The keys shown under it.
    pub fn hints(&self) -> String {
        if self.searching {
            return "type to search · Enter keep · Esc clear".into();
        }
        if self.saving.is_some() {
            return "Enter save · Esc cancel".into();
        }
        let mut h = vec!["j/k/h/l scroll", "/,n,N search"];
        if self.refresh.is_some() {
            h.push("Ctrl-r refresh");
        }
        if self.save_as.is_some() {
            h.push("w save");
        }
        h.push("Esc close");
        h.join(" · ")
    }
}
