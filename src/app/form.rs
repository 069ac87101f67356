//! Forms: one grammar for every dialog with fields. `Tab` / `Shift-Tab` move between fields,
//! `Enter` on a list field opens it and picks, `Space` flips a toggle, `Ctrl-s` submits from
//! any field, `Esc` closes an open list, else cancels the form.

use std::collections::BTreeSet;

use tui_input::Input;

use super::keys::{Key, KeyCode};

/// One option of a list field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opt {
    pub value: String,
    pub label: String,
}

impl Opt {
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            label: label.into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ListState {
    pub options: Vec<Opt>,
    pub open: bool,
    /// Position in the filtered options while open.
    pub cursor: usize,
    pub filter: Input,
    pub loading: bool,
}

impl ListState {
    pub fn new(options: Vec<Opt>) -> Self {
        Self {
            options,
            open: false,
            cursor: 0,
            filter: Input::default(),
            loading: false,
        }
    }

    pub fn loading() -> Self {
        Self {
            loading: true,
            ..Self::new(Vec::new())
        }
    }

    /// The options that match the type-to-filter text.
    pub fn visible(&self) -> Vec<(usize, &Opt)> {
        let f = self.filter.value().to_lowercase();
        self.options
            .iter()
            .enumerate()
            .filter(|(_, o)| f.is_empty() || o.label.to_lowercase().contains(&f))
            .collect()
    }
}

#[derive(Debug, Clone)]
pub enum FieldValue {
    Text(Input),
    /// A multi-line text; the cursor stays at the end.
    Area(String),
    Toggle(bool),
    Choice {
        list: ListState,
        selected: Option<usize>,
    },
    Multi {
        list: ListState,
        chosen: BTreeSet<usize>,
    },
}

#[derive(Debug, Clone)]
pub struct Field {
    pub label: &'static str,
    pub value: FieldValue,
    /// A line under the field (what a choice means, a size...).
    pub help: Option<String>,
}

impl Field {
    pub fn text(label: &'static str, value: &str) -> Self {
        Self {
            label,
            value: FieldValue::Text(Input::new(value.to_string())),
            help: None,
        }
    }
    pub fn area(label: &'static str, value: &str) -> Self {
        Self {
            label,
            value: FieldValue::Area(value.to_string()),
            help: None,
        }
    }
    pub fn toggle(label: &'static str, on: bool) -> Self {
        Self {
            label,
            value: FieldValue::Toggle(on),
            help: None,
        }
    }
    pub fn choice(label: &'static str, options: Vec<Opt>, selected: Option<usize>) -> Self {
        Self {
            label,
            value: FieldValue::Choice {
                list: ListState::new(options),
                selected,
            },
            help: None,
        }
    }
    pub fn multi(label: &'static str, options: Vec<Opt>) -> Self {
        Self {
            label,
            value: FieldValue::Multi {
                list: ListState::new(options),
                chosen: BTreeSet::new(),
            },
            help: None,
        }
    }
    /// A list field whose options are still being fetched.
    pub fn loading_choice(label: &'static str) -> Self {
        Self {
            label,
            value: FieldValue::Choice {
                list: ListState::loading(),
                selected: None,
            },
            help: None,
        }
    }
    pub fn loading_multi(label: &'static str) -> Self {
        Self {
            label,
            value: FieldValue::Multi {
                list: ListState::loading(),
                chosen: BTreeSet::new(),
            },
            help: None,
        }
    }
    pub fn with_help(mut self, h: impl Into<String>) -> Self {
        self.help = Some(h.into());
        self
    }

    /// The value as text: a text's value, a choice's option value, "true"/"false".
    pub fn get(&self) -> String {
        match &self.value {
            FieldValue::Text(i) => i.value().to_string(),
            FieldValue::Area(s) => s.clone(),
            FieldValue::Toggle(b) => b.to_string(),
            FieldValue::Choice { list, selected } => selected
                .and_then(|i| list.options.get(i))
                .map(|o| o.value.clone())
                .unwrap_or_default(),
            FieldValue::Multi { list, chosen } => chosen
                .iter()
                .filter_map(|i| list.options.get(*i))
                .map(|o| o.value.as_str())
                .collect::<Vec<_>>()
                .join(","),
        }
    }

    pub fn on(&self) -> bool {
        matches!(self.value, FieldValue::Toggle(true))
    }

    fn list_mut(&mut self) -> Option<&mut ListState> {
        match &mut self.value {
            FieldValue::Choice { list, .. } | FieldValue::Multi { list, .. } => Some(list),
            _ => None,
        }
    }

    pub fn list(&self) -> Option<&ListState> {
        match &self.value {
            FieldValue::Choice { list, .. } | FieldValue::Multi { list, .. } => Some(list),
            _ => None,
        }
    }

    /// Replaces a list's options (they arrived), keeping or setting the selection.
    pub fn set_options(&mut self, options: Vec<Opt>, select: Option<usize>) {
        match &mut self.value {
            FieldValue::Choice { list, selected } => {
                list.options = options;
                list.loading = false;
                *selected = select;
            }
            FieldValue::Multi { list, chosen } => {
                list.options = options;
                list.loading = false;
                *chosen = select.into_iter().collect();
            }
            _ => {}
        }
    }
}

/// What a key did to the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormOutcome {
    /// Keep editing.
    Edited,
    /// A field's value changed (the form may need to react: e.g. a new subnet).
    Changed(usize),
    Submit,
    Cancel,
}

#[derive(Debug, Clone)]
pub struct Form {
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// A validation or API error, shown in the form.
    pub error: Option<String>,
    /// Progress or a note ("DryRun: would succeed").
    pub info: Option<String>,
    /// Lines of explanation above the fields.
    pub intro: Vec<String>,
    pub danger: bool,
}

impl Form {
    pub fn new(title: impl Into<String>, fields: Vec<Field>) -> Self {
        Self {
            title: title.into(),
            fields,
            focus: 0,
            error: None,
            info: None,
            intro: Vec::new(),
            danger: false,
        }
    }

    pub fn field(&self, label: &str) -> &Field {
        self.fields
            .iter()
            .find(|f| f.label == label)
            .unwrap_or_else(|| panic!("no field {label}"))
    }

    pub fn field_mut(&mut self, label: &str) -> &mut Field {
        self.fields
            .iter_mut()
            .find(|f| f.label == label)
            .unwrap_or_else(|| panic!("no field {label}"))
    }

    pub fn index_of(&self, label: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.label == label)
    }

    /// Handles one key with the shared grammar.
    pub fn key(&mut self, k: Key) -> FormOutcome {
        if k == Key::ctrl('s') {
            if let Some(l) = self.fields.get_mut(self.focus).and_then(Field::list_mut) {
                l.open = false;
            }
            return FormOutcome::Submit;
        }
        let n = self.fields.len();
        let focus = self.focus;
        let Some(field) = self.fields.get_mut(focus) else {
            return FormOutcome::Cancel;
        };
        // an open list takes the keys first
        let open = field.list().is_some_and(|l| l.open);
        if open {
            return Self::list_key(field, focus, k);
        }
        match k.code {
            KeyCode::Esc => FormOutcome::Cancel,
            KeyCode::Tab | KeyCode::Down
                if !matches!(field.value, FieldValue::Area(_)) || k.code == KeyCode::Tab =>
            {
                self.focus = (focus + 1) % n;
                FormOutcome::Edited
            }
            KeyCode::BackTab | KeyCode::Up
                if !matches!(field.value, FieldValue::Area(_)) || k.code == KeyCode::BackTab =>
            {
                self.focus = (focus + n - 1) % n;
                FormOutcome::Edited
            }
            _ => match &mut field.value {
                FieldValue::Toggle(b) => match k.code {
                    KeyCode::Char(' ') | KeyCode::Enter | KeyCode::Left | KeyCode::Right => {
                        *b = !*b;
                        FormOutcome::Changed(focus)
                    }
                    _ => FormOutcome::Edited,
                },
                FieldValue::Choice { list, .. } | FieldValue::Multi { list, .. } => match k.code {
                    KeyCode::Enter | KeyCode::Char(' ') => {
                        list.open = true;
                        list.cursor = 0;
                        list.filter.reset();
                        FormOutcome::Edited
                    }
                    _ => FormOutcome::Edited,
                },
                FieldValue::Text(input) => {
                    if k.code == KeyCode::Enter {
                        if focus + 1 == n {
                            return FormOutcome::Submit;
                        }
                        self.focus = focus + 1;
                        return FormOutcome::Edited;
                    }
                    super::edit(input, k);
                    FormOutcome::Changed(focus)
                }
                FieldValue::Area(text) => {
                    match (k.code, k.ctrl) {
                        (KeyCode::Enter, _) => text.push('\n'),
                        (KeyCode::Backspace, _) => {
                            text.pop();
                        }
                        (KeyCode::Char('u'), true) => text.clear(),
                        (KeyCode::Char(c), false) => text.push(c),
                        _ => return FormOutcome::Edited,
                    }
                    FormOutcome::Changed(focus)
                }
            },
        }
    }

    fn list_key(field: &mut Field, focus: usize, k: Key) -> FormOutcome {
        let is_multi = matches!(field.value, FieldValue::Multi { .. });
        let (list, picked) = match &mut field.value {
            FieldValue::Choice { list, selected } => (list, Some(selected)),
            FieldValue::Multi { list, .. } => (list, None),
            _ => return FormOutcome::Edited,
        };
        let visible: Vec<usize> = list.visible().into_iter().map(|(i, _)| i).collect();
        // j and k move while nothing is typed; any other printable key starts the filter,
        // after which every key types into it (the list's filter line says so)
        let moving = list.filter.value().is_empty() && !k.ctrl && !k.alt;
        match (k.code, k.ctrl) {
            (KeyCode::Esc, _) => {
                list.open = false;
                FormOutcome::Edited
            }
            (KeyCode::Char('j'), false) if moving => {
                list.cursor = (list.cursor + 1).min(visible.len().saturating_sub(1));
                FormOutcome::Edited
            }
            (KeyCode::Char('k'), false) if moving => {
                list.cursor = list.cursor.saturating_sub(1);
                FormOutcome::Edited
            }
            (KeyCode::Down, _) | (KeyCode::Char('n'), true) => {
                list.cursor = (list.cursor + 1).min(visible.len().saturating_sub(1));
                FormOutcome::Edited
            }
            (KeyCode::Up, _) | (KeyCode::Char('p'), true) => {
                list.cursor = list.cursor.saturating_sub(1);
                FormOutcome::Edited
            }
            (KeyCode::PageDown, _) => {
                list.cursor = (list.cursor + 10).min(visible.len().saturating_sub(1));
                FormOutcome::Edited
            }
            (KeyCode::PageUp, _) => {
                list.cursor = list.cursor.saturating_sub(10);
                FormOutcome::Edited
            }
            // nothing matches the filter: the list stays open, saying so
            (KeyCode::Enter, _) if !is_multi && visible.is_empty() => FormOutcome::Edited,
            (KeyCode::Enter, _) if !is_multi => {
                if let (Some(&i), Some(sel)) = (visible.get(list.cursor), picked) {
                    *sel = Some(i);
                }
                list.open = false;
                FormOutcome::Changed(focus)
            }
            (KeyCode::Enter, _) => {
                list.open = false;
                FormOutcome::Changed(focus)
            }
            (KeyCode::Char(' '), false) if is_multi => {
                if let Some(&i) = visible.get(list.cursor)
                    && let FieldValue::Multi { chosen, .. } = &mut field.value
                    && !chosen.remove(&i)
                {
                    chosen.insert(i);
                }
                FormOutcome::Changed(focus)
            }
            _ => {
                super::edit(&mut list.filter, k);
                list.cursor = 0;
                FormOutcome::Edited
            }
        }
    }
}
