//! Dialogs: confirmations (`Confirm`, whose calls go out only when it is answered), forms'
//! tags and events, details; the keys of an open dialog.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Filter,
    Command,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Fetch<T> {
    Loading,
    Ready(T),
    Failed(String),
}

/// A confirmation: the calls as data, what to call it, and for destructive ones the word to
/// type. Only the confirmation turns the ops into a `Call`.
#[derive(Debug, Clone)]
pub struct Confirm {
    /// The pane that asked: it draws the body and gets the results.
    pub pane: PaneId,
    /// The dialog's title: "Terminate".
    pub title: String,
    pub ops: Vec<Op>,
    pub typed: Option<&'static str>,
    /// Asked by the typed-confirmation rule for a change sent without a confirmation of
    /// its own (a form's): the body lists the calls.
    pub rule: bool,
    pub input: Input,
    pub note: Option<String>,
    /// The status line once confirmed: "stopping 2 instances…".
    pub progress: String,
    /// The first target line shown, when they do not all fit.
    pub scroll: usize,
    /// What the asking pane is handed (as [`Confirmed`]) once this is confirmed: a change of
    /// several steps, which the pane then drives without asking again.
    pub then: Option<Arc<dyn Any + Send + Sync>>,
    /// Destructive although its ops are not (the steps of `then` are).
    pub danger: bool,
    /// What Ctrl-y copies instead of its calls: the AWS CLI lines of a flow of several steps
    /// (a rollout's runbook, an image after a stop). Nothing here and no calls: Ctrl-y is not
    /// offered.
    pub copy: Vec<crate::aws::CliLine>,
}

/// The quit question's mark (see `AppState::quit`).
pub(super) struct QuitAnyway;

pub(super) fn quit_body(left: &[InFlight]) -> ConfirmView {
    if left.is_empty() {
        return ConfirmView {
            summary: vec![vec![(
                "Nothing is in the middle any more: y quits.".into(),
                Tone::Normal,
            )]],
            ..ConfirmView::default()
        };
    }
    // sentences, wrapped: each says what it leaves
    let mut summary = vec![vec![(
        format!(
            "{} change{} of several steps {} in the middle. Quitting now leaves:",
            left.len(),
            if left.len() == 1 { "" } else { "s" },
            if left.len() == 1 { "is" } else { "are" }
        ),
        Tone::Normal,
    )]];
    summary.extend(
        left.iter()
            .map(|l| vec![(format!("• {}", l.left), Tone::Warn)]),
    );
    ConfirmView {
        summary,
        items: Vec::new(),
        tail: vec![vec![(
            "The journal records it and the next start says so. n/Esc stays and lets it finish."
                .into(),
            Tone::Muted,
        )]],
    }
}

/// A pane's message: the confirmation it opened with [`Confirm::then`] was given.
pub struct Confirmed(pub Arc<dyn Any + Send + Sync>);

/// The tags form's calls, confirmed with the typed word a context asks: their answers go to
/// `Pane::on_tags_done`.
pub(super) struct TagsCall;

impl Confirm {
    pub fn new(pane: PaneId, title: impl Into<String>, ops: Vec<Op>) -> Self {
        Self {
            pane,
            title: title.into(),
            ops,
            typed: None,
            rule: false,
            input: Input::default(),
            note: None,
            progress: String::new(),
            scroll: 0,
            then: None,
            danger: false,
            copy: Vec::new(),
        }
    }
    pub fn is_destructive(&self) -> bool {
        self.danger || self.ops.iter().any(Op::is_destructive)
    }
}

/// What a form is for, as its pane defines it.
#[derive(Clone)]
pub struct FormTag(pub Arc<dyn Any + Send + Sync>);

impl FormTag {
    pub fn new<T: Any + Send + Sync>(t: T) -> Self {
        Self(Arc::new(t))
    }
    pub fn get<T: 'static>(&self) -> Option<&T> {
        self.0.downcast_ref()
    }
}

impl fmt::Debug for FormTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FormTag")
    }
}

/// What a key did to a form, for its pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormEvent {
    /// Ctrl-s, or Enter where it submits.
    Submit,
    /// The field with this label changed (a choice picked, a toggle flipped, text edited).
    Changed(&'static str),
}

#[derive(Debug, Clone)]
pub enum Dialog {
    Confirm(Confirm),
    /// A row's details, drawn from its pane.
    Details {
        pane: PaneId,
        id: String,
        scroll: u16,
    },
    Help {
        scroll: u16,
    },
    Form {
        pane: PaneId,
        form: Form,
        tag: FormTag,
    },
    /// A scrollable, searchable text: JSON (`J`), console output (`o`).
    Text(text::TextView),
    /// `Y`: what to copy of the selected or marked rows (`clip::MENU`).
    CopyMenu {
        cursor: usize,
    },
    /// `:region` / `:profile` without a name: pick one.
    Pick(Picker),
}

impl AppState {
    pub(super) fn on_dialog_key(&mut self, k: Key) -> Vec<Effect> {
        // a pane's details view: its pane may handle the key first (a list inside it)
        if let Some(Dialog::Details { pane, id, .. }) = &self.s.dialog {
            let (pane, id) = (*pane, id.clone());
            if let Some(i) = self.index_of(pane) {
                let mut handled = false;
                let fx = self.with(i, |p, cx| match p.on_details_key(&id, k, cx) {
                    Some(fx) => {
                        handled = true;
                        fx
                    }
                    None => Vec::new(),
                });
                if handled {
                    return fx;
                }
            }
        }
        // a confirmation can be answered only while all of it is on screen
        let (w, h) = self.s.size;
        let confirm_shown = match &self.s.dialog {
            Some(Dialog::Confirm(c)) => {
                w >= MIN_WIDTH && h >= MIN_HEIGHT && self.confirm_fit(c).answerable
            }
            _ => true,
        };
        let Some(dialog) = self.s.dialog.as_mut() else {
            return vec![];
        };
        match dialog {
            Dialog::Pick(_) => self.on_picker_key(k),
            Dialog::Form { .. } if k == Key::ctrl('y') => self.form_cli(),
            Dialog::Confirm(c) if k == Key::ctrl('y') => {
                if !c.copy.is_empty() {
                    let copy = c.copy.clone();
                    let lines = self.s.runbook(copy);
                    return self.copy_lines(lines);
                }
                let ops = c.ops.clone();
                self.copy_cli(&ops)
            }
            Dialog::Form { form, pane, tag } => {
                let outcome = form.key(k);
                let (pane, tag) = (*pane, tag.clone());
                let ev = match outcome {
                    FormOutcome::Cancel => {
                        self.s.dialog = None;
                        self.s.info("cancelled");
                        return vec![];
                    }
                    FormOutcome::Submit => {
                        let (w, h) = self.s.size;
                        if w < MIN_WIDTH || h < MIN_HEIGHT {
                            // the form is not on screen: it cannot be submitted
                            form.error = Some(format!(
                                "the terminal is too small to show this form ({w}×{h}): enlarge it to at least {MIN_WIDTH}×{MIN_HEIGHT}"
                            ));
                            return vec![];
                        }
                        FormEvent::Submit
                    }
                    FormOutcome::Changed(i) => {
                        form.error = None;
                        FormEvent::Changed(form.fields[i].label)
                    }
                    FormOutcome::Edited => return vec![],
                };
                if let Some(t) = tag.get::<tags::TagsForm>() {
                    return match ev {
                        FormEvent::Submit => self.submit_tags(pane, t.clone()),
                        FormEvent::Changed(_) => vec![],
                    };
                }
                match self.index_of(pane) {
                    Some(i) => self.with(i, |p, cx| p.on_form(&tag, ev, cx)),
                    None => vec![],
                }
            }
            Dialog::Text(view) => {
                let page = self.s.size.1.saturating_sub(8).max(1) as usize;
                // as the view is drawn: the popup's width, less its border
                view.width = text::popup_width(self.s.size.0).saturating_sub(2) as usize;
                match view.key(k, page) {
                    text::TextKey::None => vec![],
                    text::TextKey::Close => {
                        self.s.dialog = None;
                        vec![]
                    }
                    text::TextKey::Refresh(action) => {
                        let pane = view.pane;
                        match self.index_of(pane) {
                            Some(i) => self.with(i, |p, cx| p.on_action(action, cx)),
                            None => vec![],
                        }
                    }
                    text::TextKey::Save { path, text } => {
                        let what = view.what.clone();
                        vec![Effect::Write {
                            path,
                            text: Body::Text(text),
                            overwrite: false,
                            what,
                        }]
                    }
                }
            }
            Dialog::CopyMenu { cursor } => {
                let n = clip::MENU.len();
                let pick = match k.code {
                    KeyCode::Esc | KeyCode::Char('q') => {
                        self.s.dialog = None;
                        return vec![];
                    }
                    KeyCode::Down | KeyCode::Char('j') => {
                        *cursor = (*cursor + 1) % n;
                        None
                    }
                    KeyCode::Up | KeyCode::Char('k') => {
                        *cursor = (*cursor + n - 1) % n;
                        None
                    }
                    KeyCode::Enter => Some(*cursor),
                    KeyCode::Char(c) => c
                        .to_digit(10)
                        .map(|d| d as usize)
                        .filter(|d| (1..=n).contains(d))
                        .map(|d| d - 1),
                    _ => None,
                };
                match pick {
                    Some(i) => {
                        self.s.dialog = None;
                        self.copy(clip::MENU[i].0)
                    }
                    None => vec![],
                }
            }
            Dialog::Help { scroll } | Dialog::Details { scroll, .. } => {
                match k.code {
                    KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') | KeyCode::Char('?') => {
                        self.s.dialog = None
                    }
                    KeyCode::Down | KeyCode::Char('j') => *scroll = scroll.saturating_add(1),
                    KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
                    KeyCode::PageDown | KeyCode::Char(' ') => *scroll = scroll.saturating_add(10),
                    KeyCode::PageUp => *scroll = scroll.saturating_sub(10),
                    KeyCode::Home | KeyCode::Char('g') => *scroll = 0,
                    KeyCode::End | KeyCode::Char('G') => *scroll = u16::MAX,
                    _ => {}
                }
                self.clamp_dialog_scroll();
                vec![]
            }
            Dialog::Confirm(c) => {
                let submit = k.code == KeyCode::Enter || k == Key::ctrl('s');
                let scroll = match (c.typed, k.code) {
                    (_, KeyCode::Down) | (None, KeyCode::Char('j')) => Some(1),
                    (_, KeyCode::Up) | (None, KeyCode::Char('k')) => Some(-1),
                    (_, KeyCode::PageDown) | (None, KeyCode::Char(' ')) => Some(10),
                    (_, KeyCode::PageUp) => Some(-10),
                    _ => None,
                };
                if let Some(by) = scroll {
                    // from where it is drawn, to at most where the last line shows
                    let c2 = c.clone();
                    let fit = self.confirm_fit(&c2);
                    if let Some(Dialog::Confirm(c)) = &mut self.s.dialog {
                        c.scroll = c
                            .scroll
                            .min(fit.max_scroll)
                            .saturating_add_signed(by)
                            .min(fit.max_scroll);
                    }
                    return vec![];
                }
                let answering = submit || (c.typed.is_none() && k.code == KeyCode::Char('y'));
                if answering && !confirm_shown {
                    // the prompt, or what it confirms, is not on screen: it cannot be answered
                    c.note = Some(format!(
                        "the terminal is too small to show this confirmation whole ({w}×{h}): enlarge it"
                    ));
                    return vec![];
                }
                match (c.typed, k.code) {
                    (_, KeyCode::Esc) | (None, KeyCode::Char('n')) => {
                        let quitting = c.then.as_ref().is_some_and(|t| t.is::<QuitAnyway>());
                        self.s.dialog = None;
                        self.s.info(if quitting {
                            "not quitting: what is in the middle goes on"
                        } else {
                            "cancelled"
                        });
                        vec![]
                    }
                    (None, KeyCode::Char('y')) => self.confirm(),
                    (None, _) if submit => self.confirm(),
                    (Some(word), _) if submit => {
                        if c.input.value() == word {
                            self.confirm()
                        } else {
                            c.note = Some(format!(
                                "type {word} and press Enter to confirm, Esc to cancel"
                            ));
                            vec![]
                        }
                    }
                    (Some(_), _) if !confirm_shown => {
                        // nothing is typed into a prompt that is not drawn
                        c.note = Some(format!(
                            "the terminal is too small to show this confirmation whole ({w}×{h}): enlarge it"
                        ));
                        vec![]
                    }
                    (Some(_), _) => {
                        edit(&mut c.input, k);
                        c.note = None;
                        vec![]
                    }
                    _ => vec![],
                }
            }
        }
    }
}

impl AppState {
    pub(super) fn confirm(&mut self) -> Vec<Effect> {
        if let Some(Dialog::Confirm(c)) = &self.s.dialog
            && c.then.as_ref().is_some_and(|t| t.is::<QuitAnyway>())
        {
            self.s.dialog = None;
            return self.quit(true);
        }
        let Some(Dialog::Confirm(c)) = self.s.dialog.take() else {
            return vec![];
        };
        if !c.progress.is_empty() && !self.s.ctx.read_only {
            self.s.info(c.progress.clone());
        }
        self.s.confirmed = true;
        let mut fx = self.s.call(c.pane, c.ops);
        if c.then.as_ref().is_some_and(|t| t.is::<TagsCall>()) {
            for e in &fx {
                if let Effect::Call { req, .. } = e {
                    self.s.tag_calls.insert(*req);
                }
            }
            self.s.confirmed = false;
            return fx;
        }
        if let Some(then) = c.then
            && let Some(i) = self.index_of(c.pane)
        {
            // the steps it starts were confirmed here: the typed rule does not ask again
            fx.extend(self.with(i, |p, cx| p.on_message(Box::new(Confirmed(then)), cx)));
        }
        self.s.confirmed = false;
        fx
    }

    /// What a confirmation shows, from the pane that asked.
    pub fn confirm_body(&self, c: &Confirm) -> ConfirmView {
        if c.then.as_ref().is_some_and(|t| t.is::<QuitAnyway>()) {
            return quit_body(&self.in_flight());
        }
        match self.pane_by_id(c.pane) {
            _ if c.rule => pane::calls_body(c),
            Some(p) => p.confirm_body(c, &self.s),
            None => ConfirmView::default(),
        }
    }

    /// How a confirmation is laid out at the current size (the drawing and the keys that
    /// answer share it).
    pub fn confirm_fit(&self, c: &Confirm) -> confirm::ConfirmFit {
        confirm::fit(&self.confirm_body(c), c, self.s.size)
    }

    /// The open details view, if one is open.
    pub fn details(&self) -> Option<DetailsView> {
        let Some(Dialog::Details { pane, id, .. }) = &self.s.dialog else {
            return None;
        };
        let p = self.pane_by_id(pane)?;
        Some(p.details(id, &self.s).unwrap_or_else(|| {
            DetailsView::build(id.clone(), 0)
                .text(format!("{id} is no longer listed"))
                .done()
        }))
    }
}

impl AppState {
    pub(super) fn dialog_lines(&self) -> usize {
        match &self.s.dialog {
            Some(Dialog::Help { .. }) => self.help().len(),
            Some(Dialog::Details { .. }) => self.details().map_or(1, |d| d.lines.len()),
            _ => 0,
        }
    }

    pub(super) fn clamp_dialog_scroll(&mut self) {
        let max = self.dialog_lines().saturating_sub(1).min(u16::MAX as usize) as u16;
        if let Some(Dialog::Help { scroll } | Dialog::Details { scroll, .. }) = &mut self.s.dialog {
            *scroll = (*scroll).min(max);
        }
    }
}
