//! What every pane shares (`Shared`): the status line and the message log, request ids,
//! safety, sending calls (`Shared::call`, read-only refused here), listings; a pane's view of
//! the others (`Cx`: asks, facts, rows of other kinds).

use super::*;
use crate::aws::{CliLine, Word};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Ok,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub level: Level,
}

/// A result or error kept for the session (`:messages`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// 1, 2, 3... in the session.
    pub seq: u64,
    /// Seconds since the epoch.
    pub time: i64,
    pub level: Level,
    pub text: String,
}

/// How many messages the log keeps (the oldest tenth goes when it is full).
pub const MESSAGES_KEPT: usize = 10_000;
/// Seconds without a page after which `Ctrl-r` restarts a listing in flight.
pub const STALLED_SECS: i64 = 10;

/// Rows of chrome around the table: header, table borders and column titles, footer, status.
pub const CHROME_ROWS: u16 = 6;
/// Below this the UI says the terminal is too small instead of drawing.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

/// What a pane published for the others, delivered once its handler returns.
pub(super) enum Letter {
    Ask(PaneId, Box<Ask>),
    Fact(PaneId, Fact),
}

/// The CLI options that take a list of ids.
pub(super) const LIST_OPTIONS: [&str; 2] = ["--instance-ids", "--resources"];

/// Consecutive commands that differ only in the one value of a list option
/// (`--instance-ids`, `--resources`) become one command naming them all: stopping 30 marked
/// instances is one `aws ec2 stop-instances --instance-ids …`, not 30. Terminations stay one
/// per instance, as ec2tui sends them: EC2 refuses a whole TerminateInstances when one of its
/// instances is protected.
pub(super) fn merge_lists(lines: Vec<CliLine>) -> Vec<CliLine> {
    // each command as (before the values, the values, after them)
    let mut out: Vec<(CliLine, CliLine, CliLine)> = Vec::new();
    for mut line in lines {
        let Some(p) = line
            .iter()
            .position(|a| a.arg().is_some_and(|a| LIST_OPTIONS.contains(&a)))
            .filter(|p| *p + 1 < line.len())
            .filter(|_| !line.iter().any(|a| a.is("terminate-instances")))
            .filter(|_| line.iter().all(|a| a.arg().is_some()))
        else {
            out.push((line, Vec::new(), Vec::new()));
            continue;
        };
        let after = line.split_off(p + 2);
        let value = line.pop().unwrap_or(Word::Arg(String::new()));
        // into the latest command that differs only in its values, looking back over commands
        // of the same kind (the calls of several regions come interleaved); never past another
        let kind = |l: &[Word]| l.iter().take(3).cloned().collect::<Vec<_>>();
        let same = out
            .iter()
            .rev()
            .take_while(|(before, values, _)| !values.is_empty() && kind(before) == kind(&line))
            .position(|(before, _, rest)| *before == line && *rest == after);
        match same {
            Some(back) => {
                let at = out.len() - 1 - back;
                out[at].1.push(value);
            }
            None => out.push((line, vec![value], after)),
        }
    }
    out.into_iter()
        .map(|(mut line, values, after)| {
            line.extend(values);
            line.extend(after);
            line
        })
        .collect()
}

/// `aws` before every command of a line, and the console's region (unless the command names
/// one), profile and endpoint after each: a line may hold several commands (a command
/// substitution inside another, a redirection), and each must go where ec2tui's call goes.
/// Shell syntax ending in `$(` opens a command (of `aws`), one beginning with `)` closes it;
/// `|` and `&&` end one and begin the next; other shell syntax (a redirection, the end of a
/// loop's test) ends the command before it. A line beginning with shell syntax (an
/// assignment, a loop) is not itself an `aws` command.
fn with_globals(words: CliLine, region: &str, global: &[(&'static str, String)]) -> CliLine {
    let finish = |out: &mut CliLine, from: usize| {
        let mut add: CliLine = Vec::new();
        // the command's own words: not those of a command substituted inside it
        let mut depth = 0usize;
        let cmd: Vec<&Word> = out[from..]
            .iter()
            .filter(|w| {
                match w {
                    Word::Shell(s) if s.ends_with("$(") => depth += 1,
                    Word::Shell(s) if s.starts_with(')') => depth = depth.saturating_sub(1),
                    _ => return depth == 0,
                }
                false
            })
            .collect();
        if !cmd.iter().any(|w| w.is("--region")) {
            add.extend([Word::from("--region"), Word::from(region)]);
        }
        for (k, v) in global {
            if !cmd.iter().any(|w| w.is(k)) {
                add.extend([Word::from(*k), Word::from(v.as_str())]);
            }
        }
        out.extend(add);
    };
    let aws = matches!(words.first(), Some(Word::Arg(_)));
    let mut out: CliLine = Vec::new();
    // the commands open at this point: where each began, and whether it is done (ended by
    // shell syntax, or not an aws command at all)
    let mut open: Vec<(usize, bool)> = Vec::new();
    if aws {
        out.push(Word::Arg("aws".into()));
    }
    open.push((out.len(), !aws));
    let end = |out: &mut CliLine, open: &mut Vec<(usize, bool)>, pop: bool| {
        let top = if pop {
            open.pop()
        } else {
            open.last().copied()
        };
        if let Some((from, false)) = top {
            finish(out, from);
        }
        if !pop && let Some(t) = open.last_mut() {
            t.1 = true;
        }
    };
    let mut words = words.into_iter().peekable();
    while let Some(w) = words.next() {
        match w {
            Word::Shell(s) if s.starts_with(')') => {
                end(&mut out, &mut open, true);
                out.push(Word::Shell(s));
            }
            Word::Shell(s) if s.ends_with("$(") => {
                out.push(Word::Shell(s));
                out.push(Word::Arg("aws".into()));
                open.push((out.len(), false));
            }
            Word::Shell(s @ ("|" | "&&")) => {
                end(&mut out, &mut open, true);
                out.push(Word::Shell(s));
                // at the end of a line it joins the next line's command (a runbook's steps)
                if words.peek().is_some() {
                    out.push(Word::Arg("aws".into()));
                    open.push((out.len(), false));
                }
            }
            Word::Shell(s) => {
                end(&mut out, &mut open, false);
                out.push(Word::Shell(s));
            }
            w => out.push(w),
        }
    }
    while !open.is_empty() {
        end(&mut out, &mut open, true);
    }
    out
}

impl Shared {
    /// Calls are being collected for Ctrl-y (copy as a command), not sent: a form's submit
    /// that would ask a confirmation first hands over every call it leads to instead.
    pub fn capturing(&self) -> bool {
        self.capture.is_some()
    }

    /// While Ctrl-y collects a form's calls: the lines of the flow its submit would open
    /// (a rollout's runbook), copied with them.
    pub fn capture_runbook(&mut self, lines: Vec<crate::aws::CliLine>) {
        if self.capturing() {
            self.capture_lines.extend(lines);
        }
    }

    /// The AWS CLI commands of these calls, whole: `aws`, the command, and `--region`,
    /// `--profile` and `--endpoint-url` as this session uses them.
    pub fn cli_lines(&self, ops: &[Op]) -> Vec<CliLine> {
        let ctx = &self.ctx;
        let lines = ops.iter().flat_map(|o| o.cli(&ctx.region)).collect();
        self.runbook(lines)
    }

    /// Lines of a flow of several steps (a rollout's runbook), each given `aws`, the
    /// console's region, profile and endpoint as `cli_lines` gives the calls'.
    pub fn runbook(&self, lines: Vec<CliLine>) -> Vec<CliLine> {
        let ctx = &self.ctx;
        let mut global: Vec<(&'static str, String)> = Vec::new();
        if !ctx.demo && !ctx.profile.is_empty() && ctx.profile != "default" {
            global.push(("--profile", ctx.profile.clone()));
        }
        if let Some(e) = &ctx.endpoint {
            global.push(("--endpoint-url", e.clone()));
        }
        let lines = lines
            .into_iter()
            .map(|words| with_globals(words, &ctx.region, &global))
            .collect();
        merge_lists(lines)
    }

    /// A new request id (newest wins: results carry it back).
    pub fn req(&mut self) -> u64 {
        self.next_req += 1;
        self.next_req
    }

    /// An error shown since the last key hides what the background says (see `pinned`).
    fn error_pinned(&self) -> bool {
        self.pinned && !self.in_key && matches!(&self.status, Some(s) if s.level == Level::Error)
    }
    /// Progress: shown on the status line, not kept.
    pub fn info(&mut self, text: impl Into<String>) {
        if self.error_pinned() {
            return;
        }
        self.status = Some(Status {
            text: text.into(),
            level: Level::Info,
        });
    }
    /// A result: shown, and kept in the message log.
    pub fn ok(&mut self, text: impl Into<String>) {
        let text = text.into();
        self.log(Level::Ok, &text);
        if self.error_pinned() {
            return;
        }
        self.status = Some(Status {
            text,
            level: Level::Ok,
        });
    }
    /// A result shown shortened (`short`, e.g. "and 4 more"), kept in the log in full.
    pub fn ok_in_full(&mut self, short: impl Into<String>, full: &str) {
        self.log(Level::Ok, full);
        if self.error_pinned() {
            return;
        }
        self.status = Some(Status {
            text: short.into(),
            level: Level::Ok,
        });
    }
    /// An error: shown, and kept in the message log. It stays on the status line until the
    /// next key, whatever the background says meanwhile.
    pub fn error(&mut self, text: impl Into<String>) {
        let text = text.into();
        self.log(Level::Error, &text);
        self.show_error(text);
    }
    /// An error shown (and pinned) whose full text the log already has.
    pub fn show_error(&mut self, text: String) {
        self.pinned = true;
        self.status = Some(Status {
            text,
            level: Level::Error,
        });
    }

    /// Keeps a message in the log (`:messages`) without showing it: the full text of what a
    /// one-line summary shortens.
    pub fn log(&mut self, level: Level, text: &str) {
        if self.messages.len() >= MESSAGES_KEPT {
            self.messages.drain(..MESSAGES_KEPT / 10);
        }
        self.messages_logged += 1;
        self.messages.push(Message {
            seq: self.messages_logged,
            time: self.now,
            level,
            text: text.to_string(),
        });
    }

    /// The message log, oldest first (at most the last `MESSAGES_KEPT`).
    pub fn messages(&self) -> &[Message] {
        &self.messages
    }

    /// A listing finished: "refreshing…" has done its job.
    pub fn listed(&mut self) {
        if matches!(&self.status, Some(s) if s.level == Level::Info && s.text.starts_with("refreshing"))
        {
            self.status = None;
        }
    }

    /// An error with the hint of what to do about it (log in, check the network...).
    /// A call that ended in an error: "WHAT refused: …", or that its outcome is unknown.
    pub fn call_failed(&mut self, what: &str, e: &ApiError) {
        let text = self.with_hint(&e.failed(what), e);
        self.error(text);
    }

    pub fn error_with_hint(&mut self, what: &str, e: &ApiError) {
        let text = self.with_hint(&format!("{what}: {}", e.describe()), e);
        self.error(text);
    }

    pub fn with_hint(&self, text: &str, e: &ApiError) -> String {
        match e.hint(&self.ctx.profile) {
            Some(h) => format!("{text} — {h}"),
            None => text.to_string(),
        }
    }

    /// Rows the table has room for at the current size.
    pub fn table_rows(&self) -> usize {
        self.size.1.saturating_sub(CHROME_ROWS).max(1) as usize
    }

    /// From now on, results of the requests made so far are dropped (a switch of region or
    /// profile: nothing from before is shown under the new name).
    pub fn forget_before_now(&mut self) {
        self.epoch = self.next_req + 1;
        self.identity_in_flight = false;
    }

    /// The context's safety from the rules and the flag: read-only, banner, typed
    /// confirmation. A flag's or a rule's read-only is never turned off from inside the app.
    pub fn apply_safety(&mut self) {
        let s = self.rules.for_context(&self.ctx.profile, &self.ctx.region);
        self.ctx.read_only = self.flag_read_only || s.read_only;
        self.ctx.banner = s.banner;
        self.ctx.typed = s.typed;
    }

    /// The read-only in force comes from `config.toml` (not only the flag).
    pub(super) fn rule_read_only(&self) -> bool {
        self.rules
            .for_context(&self.ctx.profile, &self.ctx.region)
            .read_only
    }

    /// Why changes are refused: the flag, or config.toml's rule.
    pub fn read_only_why(&self) -> String {
        if self.rule_read_only() {
            format!("{} is read-only in config.toml", self.where_())
        } else {
            "started with --read-only".into()
        }
    }

    /// "profile prod" / "region eu-west-1" / "config.toml (unreadable)": where the read-only
    /// comes from.
    pub(super) fn where_(&self) -> String {
        let r = &self.rules;
        if r.broken {
            return "everything (config.toml could not be read)".into();
        }
        match (
            r.profiles
                .get(&self.ctx.profile)
                .is_some_and(|e| e.read_only),
            r.regions.get(&self.ctx.region).is_some_and(|e| e.read_only),
        ) {
            (true, _) => format!("profile {}", self.ctx.profile),
            _ => format!("region {}", self.ctx.region),
        }
    }

    /// Sends mutating calls for a pane. The one place read-only mode refuses them.
    pub fn call(&mut self, pane: PaneId, ops: Vec<Op>) -> Vec<Effect> {
        if ops.is_empty() {
            return vec![];
        }
        if let Some(kept) = &mut self.capture {
            kept.extend(ops);
            return vec![];
        }
        if self.ctx.read_only {
            if matches!(self.dialog, Some(Dialog::Form { .. } | Dialog::Confirm(_))) {
                self.dialog = None;
            }
            self.error(if self.rule_read_only() {
                format!(
                    "read-only: {} is read-only in config.toml; nothing was sent",
                    self.where_()
                )
            } else {
                "read-only mode: nothing was sent".to_string()
            });
            return vec![];
        }
        if self.ctx.typed && self.in_key && !self.confirmed {
            // a change the user sends without a confirmation of its own (a form's): the
            // rule asks (steps that follow a confirmed change on their own do not)
            let mut c = Confirm::new(pane, "Confirm", ops);
            c.typed = Some(TYPED_WORD);
            c.rule = true;
            self.dialog = Some(Dialog::Confirm(c));
            return vec![];
        }
        let req = self.req();
        vec![Effect::Call { pane, req, ops }]
    }

    /// Starts listing `list` with `job` unless a listing is in flight (coalesced): a listing
    /// making progress is never restarted, or a big fleet's refresh would never finish.
    /// `Ctrl-r` restarts a stalled one (no page for `STALLED_SECS`): the older listing's
    /// pages are then dropped (newest wins), so a stalled load never blocks a refresh.
    pub fn list<R: Resource>(
        &mut self,
        pane: PaneId,
        list: &mut Collection<R>,
        job: Job,
    ) -> Vec<Effect> {
        if list.is_loading() && !(self.restart && self.now - list.progress_at >= STALLED_SECS) {
            return vec![];
        }
        let (req, fx) = self.fetch(pane, job);
        list.begin(req);
        list.progress_at = self.now;
        vec![fx]
    }

    /// A page of a listing arrived: applied if it is the newest listing's; a failure of the
    /// newest listing is shown as "cannot list <what>" with its hint.
    pub fn page<R: Resource>(
        &mut self,
        list: &mut Collection<R>,
        req: u64,
        result: ApiResult<Page<R>>,
        what: &str,
    ) {
        match result {
            Ok(page) => {
                let last = page.next_token.is_none();
                if list.apply_page(req, page.items, last) && last {
                    self.listed();
                }
            }
            Err(e) => {
                if list.fail(req, e.clone()) {
                    self.error_with_hint(&format!("cannot list {what}"), &e);
                }
            }
        }
    }

    /// The next periodic refresh is due `refresh_secs` after the end of the last listing, so a
    /// listing that takes longer than the period is never started again before it ends.
    pub fn schedule_refresh(&mut self) {
        if self.refresh_secs > 0 {
            self.next_refresh = Some(self.now + self.refresh_secs as i64);
        }
    }

    /// Who the credentials belong to: asked at start, and again with every refresh until
    /// known (a throttled or failed start is not the end of it).
    pub fn identity(&mut self) -> Vec<Effect> {
        if self.ctx.account.is_some() || self.identity_in_flight {
            return vec![];
        }
        self.identity_in_flight = true;
        vec![Effect::Identity]
    }

    /// A fetch for a pane, with a new request id.
    pub fn fetch(&mut self, pane: PaneId, job: Job) -> (u64, Effect) {
        let req = self.req();
        (req, Effect::Fetch { pane, req, job })
    }

    /// Focuses another pane once the current handler (and its messages) are done.
    pub fn focus(&mut self, pane: PaneId) {
        self.focus_to = Some(pane);
    }

    pub fn open_form(&mut self, pane: PaneId, form: Form, tag: FormTag) {
        self.dialog = Some(Dialog::Form { pane, form, tag });
    }

    /// The open form, if a form is open.
    pub fn form_mut(&mut self) -> Option<&mut Form> {
        match &mut self.dialog {
            Some(Dialog::Form { form, .. }) => Some(form),
            _ => None,
        }
    }

    pub fn form(&self) -> Option<&Form> {
        match &self.dialog {
            Some(Dialog::Form { form, .. }) => Some(form),
            _ => None,
        }
    }

    /// The open form's tag, if its pane's form of type `T` is open.
    pub fn form_tag<T: 'static>(&self) -> Option<&T> {
        match &self.dialog {
            Some(Dialog::Form { tag, .. }) => tag.get::<T>(),
            _ => None,
        }
    }

    /// Shows an error in the open form (nothing was sent).
    pub fn form_error(&mut self, e: impl Into<String>) -> Vec<Effect> {
        if let Some(form) = self.form_mut() {
            form.error = Some(e.into());
            form.info = None;
        }
        vec![]
    }
}

impl Deref for Cx<'_> {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        self.s
    }
}

impl DerefMut for Cx<'_> {
    fn deref_mut(&mut self) -> &mut Shared {
        self.s
    }
}

impl Cx<'_> {
    /// Asks whichever pane owns the kind to act, once the current handler returns
    /// (`Pane::on_ask`); one that no pane takes is an error in the log.
    pub fn ask(&mut self, ask: Ask) {
        let from = self.me;
        self.s.outbox.push(Letter::Ask(from, Box::new(ask)));
    }

    /// Tells every other pane what happened, once the current handler returns
    /// (`Pane::on_fact`).
    pub fn tell(&mut self, fact: Fact) {
        let from = self.me;
        self.s.outbox.push(Letter::Fact(from, fact));
    }

    /// A row of another kind by id, from whichever other pane lists that kind
    /// (`cx.find::<Instance>("i-…")`).
    pub fn find<T: Any>(&self, id: &str) -> Option<&T> {
        self.lists::<T>()
            .find_map(|t| t.find_any(id).and_then(|a| a.downcast_ref::<T>()))
    }

    /// Every row of another kind, from the other panes that list it (in no order).
    pub fn rows<T: Any>(&self) -> impl Iterator<Item = &T> {
        self.lists::<T>()
            .flat_map(|t| t.rows_any())
            .filter_map(|a| a.downcast_ref::<T>())
    }

    /// How the listing of kind `T` stands, in the other pane that lists it.
    pub fn load_of<T: Any>(&self) -> Option<&Load> {
        self.lists::<T>().next().map(|t| t.load())
    }

    /// The other panes' tables whose rows are of kind `T`.
    pub(super) fn lists<T: Any>(&self) -> impl Iterator<Item = &dyn TableOps> {
        let want = std::any::TypeId::of::<T>();
        self.before
            .iter()
            .chain(self.after.iter())
            .map(|p| p.table())
            .filter(move |t| t.domain_type() == want)
    }
}
