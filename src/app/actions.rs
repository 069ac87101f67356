//! What works in every pane: tags, copying (values, and Ctrl-y: the AWS CLI commands of a
//! confirmation or a form), export, quitting with changes in the middle.

use super::*;

impl AppState {
    /// `t`: the tags form over the focused pane's selected or marked rows.
    pub(super) fn open_tags(&mut self) {
        if self.s.ctx.read_only {
            let why = self.s.read_only_why();
            self.s
                .error(format!("read-only mode: editing tags is disabled ({why})"));
            return;
        }
        self.table_mut().refresh_view();
        let spec = self.focused().spec();
        if !self.table().taggable() {
            self.s.error(format!(
                "no tags to edit here: {} have none",
                self.focused().noun()
            ));
            return;
        }
        let targets = self.table().tag_targets();
        if targets.is_empty() {
            self.s.error(format!("no {} selected to tag", spec.one));
            return;
        }
        let n = targets.len();
        let noun = if n == 1 {
            spec.one.to_string()
        } else {
            self.focused().noun().to_string()
        };
        let all: Vec<Vec<(String, String)>> = targets.iter().map(|(_, _, t)| t.clone()).collect();
        let form = tags::form(&noun, n, &tags::common(&all));
        let tag = FormTag::new(tags::TagsForm {
            targets: targets.into_iter().map(|(a, r, _)| (a, r)).collect(),
            noun,
        });
        self.s.open_form(spec.id, form, tag);
    }

    /// The tags form was submitted: checked, then sent as `CreateTags` / `DeleteTags`.
    pub(super) fn submit_tags(&mut self, pane: PaneId, t: tags::TagsForm) -> Vec<Effect> {
        let Some(form) = self.s.form() else {
            return vec![];
        };
        let (set, remove) = (
            form.field(tags::F_SET).get(),
            form.field(tags::F_REMOVE).get(),
        );
        let (set, remove) = match tags::parse(&set, &remove) {
            Ok(x) => x,
            Err(e) => return self.s.form_error(e),
        };
        if set.is_empty() && remove.is_empty() {
            return self
                .s
                .form_error("nothing to change: add Key=Value lines or keys to remove");
        }
        let label = match t.targets.as_slice() {
            [(_, row)] => row.clone(),
            many => format!("{} {}", many.len(), t.noun),
        };
        let mut ops = Vec::new();
        if !set.is_empty() {
            ops.push(Op::new(tags::CreateTags {
                targets: t.targets.clone(),
                label: label.clone(),
                tags: set,
            }));
        }
        if !remove.is_empty() {
            ops.push(Op::new(tags::DeleteTags {
                targets: t.targets.clone(),
                label,
                keys: remove,
            }));
        }
        self.s.dialog = None;
        self.s
            .info(format!("tagging {} {}…", t.targets.len(), t.noun));
        let fx = self.s.call(pane, ops);
        for e in &fx {
            if let Effect::Call { req, .. } = e {
                self.s.tag_calls.insert(*req);
            }
        }
        // a context that wants the word typed asked it first: the calls go out from that
        // confirmation, and their answers must still come back here
        if let Some(Dialog::Confirm(c)) = &mut self.s.dialog
            && c.then.is_none()
        {
            c.then = Some(Arc::new(TagsCall));
        }
        fx
    }

    /// Tag calls came back: the rows take their new tags; the status says what happened.
    pub(super) fn tags_done(&mut self, pane: PaneId, results: Vec<(Op, ApiResult<Outcome>)>) {
        let mut done = Vec::new();
        let mut failed = Vec::new();
        for (op, r) in &results {
            match r {
                Ok(_) => done.push(op.describe()),
                Err(e) => failed.push(self.s.with_hint(&e.failed(&op.describe()), e)),
            }
        }
        if let Some(i) = self.index_of(pane) {
            self.panes[i].on_tags_done(&results);
        }
        if failed.is_empty() {
            self.s.ok(done.join("; "));
        } else {
            let mut text = failed.join("; ");
            if !done.is_empty() {
                text = format!("{}; {text}", done.join("; "));
            }
            self.s.error(text);
        }
    }

    /// Ctrl-y: the AWS CLI commands equivalent to these calls, copied to the clipboard and
    /// shown in the open dialog (and in full in `:messages`).
    pub(super) fn copy_cli(&mut self, ops: &[Op]) -> Vec<Effect> {
        let lines = self.s.cli_lines(ops);
        self.copy_lines(lines)
    }

    /// Copies these lines (region, profile and endpoint given) and shows them.
    pub(super) fn copy_lines(&mut self, lines: Vec<crate::aws::CliLine>) -> Vec<Effect> {
        let lines: Vec<String> = lines.iter().map(|l| crate::aws::cli_text(l)).collect();
        let shown = match lines.as_slice() {
            [] => {
                let e = "no AWS CLI command to show for this".to_string();
                match &mut self.s.dialog {
                    Some(Dialog::Confirm(c)) => c.note = Some(e),
                    Some(Dialog::Form { form, .. }) => form.error = Some(e),
                    _ => self.s.error(e),
                }
                return vec![];
            }
            [one] => one.clone(),
            [first, rest @ ..] => format!("{first}  (+{} more: :messages)", rest.len()),
        };
        let n = lines.len();
        for (i, l) in lines.iter().enumerate() {
            self.s.log(
                Level::Ok,
                &format!("AWS CLI command {}/{n} copied: {l}", i + 1),
            );
        }
        let note = format!("copied: {shown}");
        match &mut self.s.dialog {
            Some(Dialog::Confirm(c)) => c.note = Some(note.clone()),
            Some(Dialog::Form { form, .. }) => {
                form.error = None;
                form.info = Some(note.clone());
            }
            _ => {}
        }
        self.s.status = Some(Status {
            text: format!("{note} (OSC 52: the terminal must allow it)"),
            level: Level::Ok,
        });
        vec![Effect::Clipboard(clip::clip_text(&lines))]
    }

    /// Ctrl-y in a form: its submit, run with calls collected instead of sent; the form,
    /// the status line and the dialog are put back as they were.
    pub(super) fn form_cli(&mut self) -> Vec<Effect> {
        let Some(Dialog::Form { pane, tag, .. }) = &self.s.dialog else {
            return vec![];
        };
        let (pane, tag) = (*pane, tag.clone());
        let (dialog, status) = (self.s.dialog.clone(), self.s.status.clone());
        self.s.capture = Some(Vec::new());
        self.s.capture_lines.clear();
        // (no effect of a dry submit is run: fetches it asked for are dropped)
        let _ = match tag.get::<tags::TagsForm>() {
            Some(t) => self.submit_tags(pane, t.clone()),
            None => match self.index_of(pane) {
                Some(i) => self.with(i, |p, cx| p.on_form(&tag, FormEvent::Submit, cx)),
                None => vec![],
            },
        };
        let ops = self.s.capture.take().unwrap_or_default();
        let runbook = std::mem::take(&mut self.s.capture_lines);
        let refusal = match &self.s.dialog {
            Some(Dialog::Form { form, .. }) => form.error.clone(),
            _ => None,
        };
        self.s.dialog = dialog;
        self.s.status = status;
        if ops.is_empty() && runbook.is_empty() {
            return self.s.form_error(
                refusal.unwrap_or_else(|| "nothing would be sent: no command to copy".into()),
            );
        }
        let mut lines = self.s.cli_lines(&ops);
        lines.extend(self.s.runbook(runbook));
        self.copy_lines(lines)
    }

    /// `:export PATH`: the focused pane as shown to a CSV or JSON file.
    pub(super) fn export(&mut self, path: &str, overwrite: bool) -> Vec<Effect> {
        if path.is_empty() {
            self.s
                .error("export to where? :export PATH.csv or PATH.json (:export! overwrites)");
            return vec![];
        }
        let Some(format) = export::Format::of(path) else {
            self.s.error(format!(
                "cannot export to {path}: the file must end in .csv or .json"
            ));
            return vec![];
        };
        self.table_mut().refresh_view();
        let sheet = self.table().sheet(self.s.now);
        let n = sheet.rows.len();
        let what = format!(
            "{n} {}",
            if n == 1 {
                self.focused().spec().one.to_string()
            } else {
                self.focused().noun().to_string()
            }
        );
        self.s.info(format!("exporting {what}…"));
        vec![Effect::Write {
            path: path.to_string(),
            text: Body::Sheet(sheet, format),
            overwrite,
            what,
        }]
    }

    /// Copies what `what` names of the focused pane's selected or marked rows.
    pub(super) fn copy(&mut self, what: CopyWhat) -> Vec<Effect> {
        self.table_mut().refresh_view();
        let asked = self.table().marks_len().max(1);
        match self.focused().copy(what, &self.s) {
            Ok(values) => {
                let said = if values.len() < asked {
                    format!(
                        "copied {} of {asked} ({} without a {}) to the clipboard (OSC 52: the \
                         terminal must allow it; in tmux, set-clipboard on)",
                        values.len(),
                        asked - values.len(),
                        what.label()
                    )
                } else {
                    clip::copied_status(what, &values)
                };
                self.s.ok(said);
                vec![Effect::Clipboard(clip::clip_text(&values))]
            }
            Err(e) => {
                self.s.error(format!("nothing copied: {e}"));
                vec![]
            }
        }
    }

    /// Says what an earlier quit left in the middle (from the journal): each in the message
    /// log, the first on the status line.
    pub fn report_interrupted(&mut self, found: Vec<String>) {
        let n = found.len();
        for f in found.iter().skip(1) {
            self.s.log(Level::Error, f);
        }
        if let Some(first) = found.into_iter().next() {
            self.s.error(if n > 1 {
                format!("{first} (+{} more: :messages)", n - 1)
            } else {
                first
            });
        }
    }

    /// Every change of several steps in the middle, pane by pane.
    pub fn in_flight(&self) -> Vec<InFlight> {
        self.panes.iter().flat_map(|p| p.in_flight()).collect()
    }

    /// Quits, unless a change of several steps is in the middle and `force` is not given:
    /// then it asks, naming each and the state it would be left in. Quitting with them
    /// journals each, so that the next start can say so.
    pub(super) fn quit(&mut self, force: bool) -> Vec<Effect> {
        let left = self.in_flight();
        // below the smallest size the question could not be drawn: the screen says
        // instead that q quits and leaves them (see ui::draw)
        let (w, h) = self.s.size;
        let shown = w >= MIN_WIDTH && h >= MIN_HEIGHT;
        if !left.is_empty() && !force && shown {
            let mut c = Confirm::new(CORE, "Quit with changes in the middle", vec![]);
            c.then = Some(Arc::new(QuitAnyway));
            c.danger = true;
            self.s.dialog = Some(Dialog::Confirm(c));
            return vec![];
        }
        self.s.quit = true;
        let mut fx: Vec<Effect> = left.into_iter().map(Effect::Note).collect();
        fx.push(Effect::Quit);
        fx
    }
}
