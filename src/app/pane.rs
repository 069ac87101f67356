//! A pane: one module that owns everything about its kind of resource. The core knows panes
//! only through this trait and the registry handed to `AppState::new`.

use std::any::Any;

use super::clip::CopyWhat;
use super::keys::{ActionSpec, Key, PaneId};
use super::table::{Load, TableOps, Tone};
use super::{Ask, Confirm, Cx, Dialog, Effect, Fact, FormEvent, FormTag, Shared};
use crate::aws::{ApiResult, AsAny, Op, Outcome};
use crate::journal::Entry;

/// What the registry, the keymap, the command line, help and footer know of a pane.
#[derive(Debug)]
pub struct PaneSpec {
    /// Its keymap section and the name of its focus action (`pane_<id>`).
    pub id: PaneId,
    /// The heading of its help: "Instances pane".
    pub title: &'static str,
    /// The help text of its focus action: "instances pane".
    pub focus: &'static str,
    /// One of its rows, for messages: "instance".
    pub one: &'static str,
    /// `:` commands that focus it (the first is the one to suggest).
    pub commands: &'static [&'static str],
    /// The number key (and command) that focuses it.
    pub number: Option<char>,
    /// The actions it offers, in help order.
    pub actions: &'static [ActionSpec],
    /// Footer hints: names of shared actions, `pane_<id>`, or its own actions.
    pub footer: &'static [&'static str],
}

/// One line of a details view or a confirmation: spans with their tones.
pub type Line = Vec<(String, Tone)>;

/// What a confirmation shows: a summary first, then the targets (scrolled when they do not
/// fit), then what follows from it; the prompt is pinned below by the drawing.
#[derive(Debug, Clone, Default)]
pub struct ConfirmView {
    pub summary: Vec<Line>,
    pub items: Vec<Line>,
    pub tail: Vec<Line>,
}

impl ConfirmView {
    /// Every line's text, in order (tests).
    pub fn text(&self) -> Vec<String> {
        self.summary
            .iter()
            .chain(&self.items)
            .chain(&self.tail)
            .map(|l| l.iter().map(|(s, _)| s.as_str()).collect())
            .collect()
    }
}

/// A change of several steps in the middle: the resources it acts on, and the state a quit
/// now would leave them in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InFlight {
    pub targets: Vec<String>,
    pub left: String,
}

/// A details view: its title and lines.
#[derive(Debug, Clone, Default)]
pub struct DetailsView {
    pub title: String,
    pub lines: Vec<Line>,
}

impl DetailsView {
    /// Lines with `label  value` pairs padded to `width`, headings and plain text.
    pub fn build(title: impl Into<String>, width: usize) -> Lines {
        Lines {
            view: DetailsView {
                title: title.into(),
                lines: Vec::new(),
            },
            width,
        }
    }

    /// The text of every line, styles dropped (tests, copy).
    pub fn text(&self) -> Vec<String> {
        self.lines
            .iter()
            .map(|l| l.iter().map(|(s, _)| s.as_str()).collect())
            .collect()
    }
}

/// A builder of details lines.
pub struct Lines {
    view: DetailsView,
    width: usize,
}

impl Lines {
    /// `Label   value` ("-" when empty).
    pub fn kv(&mut self, key: &str, value: impl Into<String>) -> &mut Self {
        let v = value.into();
        self.kv_tone(key, if v.is_empty() { "-".into() } else { v }, Tone::Normal)
    }
    pub fn kv_tone(&mut self, key: &str, value: impl Into<String>, tone: Tone) -> &mut Self {
        let w = self.width;
        self.view.lines.push(vec![
            (format!("{key:<w$}"), Tone::Muted),
            (value.into(), tone),
        ]);
        self
    }
    pub fn heading(&mut self, s: impl Into<String>) -> &mut Self {
        self.view.lines.push(vec![(s.into(), Tone::Heading)]);
        self
    }
    pub fn blank(&mut self) -> &mut Self {
        self.view.lines.push(Vec::new());
        self
    }
    pub fn text(&mut self, s: impl Into<String>) -> &mut Self {
        self.line(s, Tone::Normal)
    }
    pub fn line(&mut self, s: impl Into<String>, tone: Tone) -> &mut Self {
        self.view.lines.push(vec![(s.into(), tone)]);
        self
    }
    pub fn spans(&mut self, spans: Line) -> &mut Self {
        self.view.lines.push(spans);
        self
    }
    /// How many lines so far.
    pub fn len(&self) -> usize {
        self.view.lines.len()
    }
    pub fn is_empty(&self) -> bool {
        self.view.lines.is_empty()
    }
    pub fn done(&mut self) -> DetailsView {
        std::mem::take(&mut self.view)
    }
}

/// Everything about one kind of resource. Every method but the first four has a default, so
/// a read-only pane is a table, a fetch and its details.
pub trait Pane: AsAny {
    fn spec(&self) -> &'static PaneSpec;
    fn table(&self) -> &dyn TableOps;
    fn table_mut(&mut self) -> &mut dyn TableOps;
    /// The title of its table: "Instances", "AMIs: mine".
    fn heading(&self, s: &Shared) -> String;
    /// What it lists, for "Loading instances…" and "Cannot list instances".
    fn noun(&self) -> &'static str;
    /// The text of an empty, loaded table.
    fn empty(&self, s: &Shared) -> String;

    /// Changes of several steps it is in the middle of, each said as what quitting now
    /// would leave ("web-2 (i-…) stopped for an image, not started again — s starts it").
    fn in_flight(&self) -> Vec<InFlight> {
        Vec::new()
    }

    /// How many things it follows until they settle (shown in the title).
    fn watching(&self) -> usize {
        0
    }
    /// Starts listing unless a listing is in flight (coalesced): empty when nothing started.
    fn refresh(&mut self, _cx: &mut Cx) -> Vec<Effect> {
        vec![]
    }
    /// It became the focused pane: lists itself the first time.
    fn on_focus(&mut self, cx: &mut Cx) -> Vec<Effect> {
        if *self.table().load() == Load::Idle {
            self.refresh(cx)
        } else {
            vec![]
        }
    }
    /// One of its own actions (from its keymap section).
    fn on_action(&mut self, _name: &'static str, _cx: &mut Cx) -> Vec<Effect> {
        vec![]
    }
    /// `Enter` (the `details` action): opens the details of the selected row.
    fn on_details(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.table_mut().refresh_view();
        match self.table().selected_id() {
            Some(id) => {
                cx.dialog = Some(Dialog::Details {
                    pane: self.spec().id,
                    id: id.to_string(),
                    scroll: 0,
                })
            }
            None => cx.error(format!("no {} selected", self.spec().one)),
        }
        vec![]
    }
    /// The details view of one of its rows.
    fn details(&self, _id: &str, _s: &Shared) -> Option<DetailsView> {
        None
    }
    /// A key pressed while the details view of its row `id` is open, before the view's own
    /// keys (scroll, close): `Some` when the pane handled it (a list inside the details).
    fn on_details_key(&mut self, _id: &str, _key: Key, _cx: &mut Cx) -> Option<Vec<Effect>> {
        None
    }
    /// A result of one of its fetches.
    fn on_loaded(&mut self, _req: u64, _data: Box<dyn Any + Send>, _cx: &mut Cx) -> Vec<Effect> {
        vec![]
    }
    /// The results of one of its calls, in the order of the ops.
    fn on_done(
        &mut self,
        _req: u64,
        _results: Vec<(Op, ApiResult<Outcome>)>,
        _cx: &mut Cx,
    ) -> Vec<Effect> {
        vec![]
    }
    /// A key changed or submitted one of its forms (the form is `cx.dialog`).
    fn on_form(&mut self, _tag: &FormTag, _ev: FormEvent, _cx: &mut Cx) -> Vec<Effect> {
        vec![]
    }
    /// What one of its confirmations shows.
    fn confirm_body(&self, c: &Confirm, _s: &Shared) -> ConfirmView {
        calls_body(c)
    }
    /// The watch timer: describe what it follows.
    fn on_watch_due(&mut self, _cx: &mut Cx) -> Vec<Effect> {
        vec![]
    }
    /// An ask published by another pane (`Shared::ask`): `Some` when this pane takes it
    /// (exactly one pane takes each kind of ask).
    fn on_ask(&mut self, _ask: &Ask, _cx: &mut Cx) -> Option<Vec<Effect>> {
        None
    }
    /// A fact told by another pane (`Shared::tell`).
    fn on_fact(&mut self, _fact: &Fact, _cx: &mut Cx) -> Vec<Effect> {
        vec![]
    }
    /// A message of the core to this pane (its confirmation was answered, the view changed).
    fn on_message(&mut self, _msg: Box<dyn Any + Send>, _cx: &mut Cx) -> Vec<Effect> {
        vec![]
    }
    /// After every event: fetches that depend on what is on screen, work waiting on
    /// another pane's rows.
    fn after_event(&mut self, _cx: &mut Cx) -> Vec<Effect> {
        vec![]
    }
    /// The answers of the tags form's calls (`t`) on its rows: by default the rows take their
    /// new tags through its table (`TableOps::tags_of` / `set_tags`).
    fn on_tags_done(&mut self, results: &[(Op, ApiResult<Outcome>)]) {
        super::tags::apply(self.table_mut(), results);
    }
    /// A journal line was written.
    fn on_journal(&mut self, _entry: &Entry) {}
    /// What `y` / `Y` copies of its selected or marked rows: by default what its rows offer
    /// (`Resource::value`, `arn_resource`, `to_json`).
    fn copy(&self, what: CopyWhat, s: &Shared) -> Result<Vec<String>, String> {
        self.table().copy_values(what, &s.ctx, s.now)
    }
}

/// A confirmation that lists its calls, one a line.
pub fn calls_body(c: &Confirm) -> ConfirmView {
    ConfirmView {
        summary: vec![vec![(
            format!(
                "{} ({} call{}):",
                c.title,
                c.ops.len(),
                if c.ops.len() == 1 { "" } else { "s" }
            ),
            Tone::Normal,
        )]],
        items: c
            .ops
            .iter()
            .map(|o| vec![(format!("  {}", o.describe()), Tone::Normal)])
            .collect(),
        tail: Vec::new(),
    }
}
