//! `AppState::update`: an event, a key, a `:` command or an action turned into state changes
//! and effects.

use super::*;

impl AppState {
    pub fn update(&mut self, ev: Event) -> Vec<Effect> {
        let mut fx = match ev {
            Event::Key(k) => {
                self.s.in_key = true;
                self.s.pinned = false;
                let fx = self.on_key(k);
                self.s.in_key = false;
                fx
            }
            Event::Resize { width, height } => {
                self.s.size = (width, height);
                if let Some(Dialog::Confirm(c)) = &mut self.s.dialog
                    && c.note.as_deref().is_some_and(|n| n.contains("too small"))
                {
                    c.note = None; // it was about the size before
                }
                let h = self.s.table_rows();
                let t = self.table_mut();
                t.refresh_view();
                t.scroll_into_view(h);
                vec![]
            }
            Event::Tick { now } => {
                self.s.now = now;
                if self.s.refresh_secs == 0 {
                    vec![]
                } else if self.s.next_refresh.is_none_or(|t| now < t) {
                    self.s
                        .next_refresh
                        .get_or_insert(now + self.s.refresh_secs as i64);
                    vec![]
                } else {
                    // (a pane that lists pushes this back again when its listing ends)
                    self.s.schedule_refresh();
                    return self.update(Event::RefreshDue);
                }
            }
            Event::RefreshDue => {
                let mut fx = self.s.identity();
                fx.extend(self.with(self.focus, |p, cx| p.refresh(cx)));
                fx
            }
            Event::WatchDue => self.watch_round(),
            Event::Api(a) => self.on_api(a),
        };
        if !self.s.quit {
            fx.extend(self.each(|p, cx| p.after_event(cx)));
        }
        if self.s.ctx.typed
            && let Some(Dialog::Confirm(c)) = &mut self.s.dialog
            && c.typed.is_none()
        {
            // config.toml asks every change of this profile or region to be typed
            c.typed = Some(TYPED_WORD);
        }
        fx
    }

    pub(super) fn on_api(&mut self, a: ApiEvent) -> Vec<Effect> {
        if self.stale(&a) {
            return vec![];
        }
        match a {
            ApiEvent::Loaded { pane, data, .. } if pane == CORE => self.on_core_loaded(data),
            ApiEvent::Connected { to, result } => return self.on_connected(to, result),
            ApiEvent::Identity(Ok(id)) => {
                self.s.identity_in_flight = false;
                self.s.ctx.account = Some(id.account);
            }
            ApiEvent::Identity(Err(e)) => {
                self.s.identity_in_flight = false;
                self.s.ctx.account = None;
                self.s.error_with_hint("cannot identify the account", &e);
            }
            ApiEvent::Loaded { pane, req, data } => {
                if let Some(i) = self.index_of(pane) {
                    // whichever way the pane applies it, a page that moved its listing on is
                    // progress; a listing that ended schedules the next periodic refresh
                    let before = self.panes[i].table().load().clone();
                    let fx = self.with(i, |p, cx| p.on_loaded(req, data, cx));
                    let now = self.s.now;
                    let table = self.panes[i].table_mut();
                    if *table.load() != before {
                        table.progressed(now);
                        if matches!(before, Load::Loading { .. }) && !table.is_loading() {
                            self.s.schedule_refresh();
                        }
                    }
                    return fx;
                }
            }
            ApiEvent::Done { pane, req, results } => {
                if self.s.tag_calls.remove(&req) {
                    self.tags_done(pane, results);
                    return vec![];
                }
                if let Some(i) = self.index_of(pane) {
                    return self.with(i, |p, cx| p.on_done(req, results, cx));
                }
            }
            ApiEvent::Exited { what, result } => match result {
                Ok(Some(0)) => self.s.ok(format!("back from the {what}")),
                Ok(Some(code)) => self.s.error(format!(
                    "back from the {what}: it exited with status {code}"
                )),
                Ok(None) => self
                    .s
                    .error(format!("back from the {what}: it was ended by a signal")),
                Err(e) => self.s.error(e),
            },
            ApiEvent::Wrote { what, result } => match result {
                Ok(path) => self.s.ok(format!("wrote {what} to {path}")),
                Err(e) => self.s.error(format!("nothing written: {e}")),
            },
            ApiEvent::Journal { entry, error } => {
                for p in &mut self.panes {
                    p.on_journal(&entry);
                }
                if let Some(e) = error {
                    self.s.error(format!("{e} — the change was still sent"));
                    self.s.journal_error = Some(e);
                }
            }
        }
        vec![]
    }

    pub(super) fn on_key(&mut self, k: Key) -> Vec<Effect> {
        if k == Key::ctrl('c') {
            // a second Ctrl-c on the question quits
            let asked = matches!(&self.s.dialog, Some(Dialog::Confirm(c))
                if c.then.as_ref().is_some_and(|t| t.is::<QuitAnyway>()));
            return self.quit(asked);
        }
        if self.s.dialog.is_some() {
            return self.on_dialog_key(k);
        }
        match self.s.mode {
            Mode::Filter => {
                match k.code {
                    KeyCode::Esc => {
                        self.s.input.reset();
                        self.table_mut().set_filter("");
                        self.s.mode = Mode::Normal;
                    }
                    KeyCode::Enter => self.s.mode = Mode::Normal,
                    _ => {
                        edit(&mut self.s.input, k);
                        let v = self.s.input.value().to_string();
                        let h = self.s.table_rows();
                        let t = self.table_mut();
                        t.set_filter(&v);
                        t.refresh_view();
                        t.scroll_into_view(h);
                    }
                }
                vec![]
            }
            Mode::Command => match k.code {
                KeyCode::Esc => {
                    self.s.mode = Mode::Normal;
                    vec![]
                }
                KeyCode::Enter => {
                    self.s.mode = Mode::Normal;
                    let cmd = self.s.input.value().trim().to_string();
                    self.command(&cmd)
                }
                _ => {
                    edit(&mut self.s.input, k);
                    vec![]
                }
            },
            Mode::Normal => match self.s.keymap.lookup(&self.scopes(), k) {
                Some(a) => self.action(a),
                None => vec![],
            },
        }
    }

    pub(super) fn command(&mut self, cmd: &str) -> Vec<Effect> {
        let (word, _arg) = cmd.split_once(' ').unwrap_or((cmd, ""));
        match word {
            "" => vec![],
            "q!" | "qa!" => self.quit(true),
            "q" | "quit" | "qa" | "exit" => self.quit(false),
            "help" | "h" => self.action(Action::Help),
            "export" | "export!" => self.export(_arg.trim(), word == "export!"),
            "region" => self.switch_command(PickKind::Region, _arg.trim()),
            "profile" => self.switch_command(PickKind::Profile, _arg.trim()),
            "refresh" | "r" => self.action(Action::Refresh),
            other => {
                let hit = self.panes.iter().position(|p| {
                    let s = p.spec();
                    s.commands.contains(&other) || s.number.is_some_and(|n| other.chars().eq([n]))
                });
                match hit {
                    Some(i) => self.action(Action::Focus(i)),
                    None => {
                        let panes: Vec<String> = self
                            .panes
                            .iter()
                            .map(|p| format!(":{}", p.spec().commands[0]))
                            .collect();
                        self.s.error(format!(
                            "unknown command :{other} — panes: {}; :q quits, ? helps",
                            panes.join(" ")
                        ));
                        vec![]
                    }
                }
            }
        }
    }

    /// Runs one action from the keymap.
    pub fn action(&mut self, a: Action) -> Vec<Effect> {
        let h = self.s.table_rows();
        if self.s.keymap.is_mutating(a) && self.s.ctx.read_only {
            let what = self.s.keymap.describe(a);
            let why = self.s.read_only_why();
            self.s
                .error(format!("read-only mode: {what} is disabled ({why})"));
            return vec![];
        }
        match a {
            Action::Quit => return self.quit(false),
            Action::Command => {
                self.s.input = Input::default();
                self.s.mode = Mode::Command;
            }
            Action::Help => self.s.dialog = Some(Dialog::Help { scroll: 0 }),
            Action::Refresh => {
                let mut fx = self.s.identity();
                let before = self.s.status.clone();
                let was_loading = self.table().is_loading();
                self.s.restart = true;
                let listing = self.with(self.focus, |p, cx| p.refresh(cx));
                self.s.restart = false;
                if !listing.is_empty() {
                    self.s.info(if was_loading {
                        "refreshing: the listing in progress starts again…"
                    } else {
                        "refreshing…"
                    });
                } else if self.s.status == before {
                    // (a pane that could not start says why itself)
                    let t = self.table();
                    self.s.info(if was_loading {
                        format!(
                            "still listing ({} so far): a listing making progress is not \
                             restarted (Ctrl-r restarts one {STALLED_SECS} s without a page)",
                            t.len()
                        )
                    } else {
                        "refresh already in progress".to_string()
                    });
                }
                fx.extend(listing);
                return fx;
            }
            Action::Focus(i) if i < self.panes.len() => return self.focus_pane(i),
            Action::Focus(_) => {}
            Action::Down => self.table_mut().move_by(1, h),
            Action::Up => self.table_mut().move_by(-1, h),
            Action::PageDown => self.table_mut().move_by(h as isize, h),
            Action::PageUp => self.table_mut().move_by(-(h as isize), h),
            Action::Top => self.table_mut().move_by(isize::MIN / 2, h),
            Action::Bottom => self.table_mut().move_by(isize::MAX / 2, h),
            Action::Filter => {
                self.s.input = Input::new(self.table().filter().to_string());
                self.s.mode = Mode::Filter;
            }
            Action::SortPrev | Action::SortNext | Action::SortReverse => {
                let now = self.s.now;
                let t = self.table_mut();
                let cols = t.columns();
                let n = cols.len();
                let (mut col, desc) = t.sort();
                // a column hidden while no row on screen fills it (the Region of one region's
                // list, the ASG of an account without groups) is not sorted by: the user could
                // not see it
                let hidden = |c: usize, t: &dyn TableOps| {
                    cols[c].hide_empty
                        && t.visible_cells(h, &[c], now)
                            .iter()
                            .all(|r| r.cells[0].0.is_empty())
                };
                let desc = match a {
                    Action::SortNext | Action::SortPrev => {
                        let step = if a == Action::SortNext { 1 } else { n - 1 };
                        for _ in 0..n {
                            col = (col + step) % n;
                            if !hidden(col, &*t) {
                                break;
                            }
                        }
                        false
                    }
                    _ => !desc,
                };
                t.set_sort_pos(col, desc);
                t.refresh_view();
                t.scroll_into_view(h);
                let title = t.columns()[col].title;
                let arrow = if desc { "↓" } else { "↑" };
                self.s.info(format!("sorted by {title} {arrow}"));
            }
            Action::Details => return self.with(self.focus, |p, cx| p.on_details(cx)),
            Action::Mark => {
                let t = self.table_mut();
                t.refresh_view();
                t.toggle_mark();
                t.move_by(1, h);
            }
            Action::ClearMarks => {
                let h = self.s.table_rows();
                let t = self.table_mut();
                if t.marks_len() > 0 {
                    t.clear_marks();
                } else if !t.filter().is_empty() {
                    t.set_filter("");
                    // the selection is kept: on screen, where the keys act on it
                    t.refresh_view();
                    t.scroll_into_view(h);
                    self.s.input.reset();
                }
            }
            Action::Copy => return self.copy(CopyWhat::Id),
            Action::Tags => self.open_tags(),
            Action::Raw => {
                self.table_mut().refresh_view();
                let t = self.table();
                match t
                    .selected_id()
                    .map(|id| (id.to_string(), t.json_of(id, self.s.now)))
                {
                    Some((id, Some(v))) => {
                        let text = serde_json::to_string_pretty(&v).unwrap_or_default();
                        let lines = text.lines().map(str::to_string).collect();
                        let mut view =
                            text::TextView::new(self.s.focused, format!("{id} (JSON)"), lines);
                        view.save_as = Some(format!("{id}.json"));
                        view.what = format!("the JSON of {id}");
                        self.s.dialog = Some(Dialog::Text(view));
                    }
                    _ => {
                        let one = self.focused().spec().one;
                        self.s.error(format!("no {one} selected"));
                    }
                }
            }
            Action::CopyMenu => self.s.dialog = Some(Dialog::CopyMenu { cursor: 0 }),
            Action::Pane(p, _) if p == self.focus => {
                if let Some(spec) = self.s.keymap.pane_action(a) {
                    let name = spec.name;
                    return self.with(self.focus, |p, cx| p.on_action(name, cx));
                }
            }
            Action::Pane(..) => {}
        }
        vec![]
    }
}
