//! The messages pane (`:messages`): every result and error of the session in full, newest
//! first — what the one-line status had to shorten or replace.

use std::cmp::Ordering;

use crate::app::{
    Collection, Column, Cx, DetailsView, Effect, Level, Load, Message, Pane, PaneSpec, Resource,
    Shared, TableOps, Tone,
};
use crate::aws::fmt_time;

pub const ID: &str = "messages";

/// A message as a row; its id is its sequence number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRow {
    pub id: String,
    pub msg: Message,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Seq,
    Time,
    Level,
    Text,
}

const COLUMNS: &[(Col, Column)] = &[
    (Col::Seq, Column::new("#", 5, 3)),
    (Col::Time, Column::new("Time (UTC)", 8, 5)),
    (Col::Level, Column::new("Level", 5, 5)),
    (Col::Text, Column::new("Message", 200, 20)),
];

fn tone(l: Level) -> Tone {
    match l {
        Level::Ok => Tone::Good,
        Level::Error => Tone::Bad,
        Level::Info => Tone::Normal,
    }
}

impl Resource for MessageRow {
    type Col = Col;

    fn id(&self) -> &str {
        &self.id
    }
    fn columns() -> &'static [(Col, Column)] {
        COLUMNS
    }
    fn cell(&self, col: Col, _now: i64) -> (String, Tone) {
        let m = &self.msg;
        match col {
            Col::Seq => (self.id.clone(), Tone::Muted),
            Col::Time => (fmt_time(m.time)[11..16].to_string(), Tone::Muted),
            Col::Level => (
                match m.level {
                    Level::Ok => "ok",
                    Level::Error => "error",
                    Level::Info => "info",
                }
                .into(),
                tone(m.level),
            ),
            Col::Text => (m.text.clone(), tone(m.level)),
        }
    }
    fn compare(&self, other: &Self, col: Col) -> Ordering {
        match col {
            Col::Seq | Col::Time => self.msg.seq.cmp(&other.msg.seq),
            c => self.cell(c, 0).0.cmp(&other.cell(c, 0).0),
        }
    }
    fn filter_text(&self) -> String {
        self.msg.text.to_lowercase()
    }
}

pub static SPEC: PaneSpec = PaneSpec {
    id: ID,
    title: "Messages pane",
    focus: "messages of this session",
    one: "message",
    commands: &["messages", "message", "msg", "log"],
    number: None,
    actions: &[],
    footer: &["details", "filter", "pane_instances", "help", "quit"],
};

pub struct MessagesPane {
    pub list: Collection<MessageRow>,
    /// The last message copied from the log.
    seen: u64,
}

impl Default for MessagesPane {
    fn default() -> Self {
        let mut list = Collection::default();
        list.set_sort(Col::Seq, true);
        list.load = Load::Loaded;
        Self { list, seen: 0 }
    }
}

impl Pane for MessagesPane {
    fn spec(&self) -> &'static PaneSpec {
        &SPEC
    }
    fn table(&self) -> &dyn TableOps {
        &self.list
    }
    fn table_mut(&mut self) -> &mut dyn TableOps {
        &mut self.list
    }
    fn heading(&self, _s: &Shared) -> String {
        "Messages of this session".into()
    }
    /// Opens on the newest entry.
    fn on_focus(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.list.refresh_view();
        self.list.select_pos(0, cx.table_rows());
        vec![]
    }

    fn noun(&self) -> &'static str {
        "messages"
    }
    fn empty(&self, _s: &Shared) -> String {
        "No results or errors yet. Every one is kept here in full.".into()
    }

    fn details(&self, id: &str, _s: &Shared) -> Option<DetailsView> {
        let r = self.list.get(id)?;
        let mut d = DetailsView::build(format!("message #{}", r.id), 0);
        d.line(fmt_time(r.msg.time), Tone::Muted).blank();
        // long messages in lines of at most 70 characters, cut at spaces: the details fit an
        // 80-column terminal (wider lines were cut off there, ids and all); a longer word (a
        // path) is cut into pieces of 70
        let mut line = String::new();
        let words = r.msg.text.split(' ').flat_map(|w| {
            let chars: Vec<char> = w.chars().collect();
            let pieces: Vec<String> = if chars.is_empty() {
                vec![String::new()]
            } else {
                chars.chunks(70).map(|c| c.iter().collect()).collect()
            };
            pieces
        });
        for word in words {
            let word = word.as_str();
            if !line.is_empty() && line.chars().count() + word.chars().count() >= 70 {
                d.line(std::mem::take(&mut line), tone(r.msg.level));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        d.line(line, tone(r.msg.level));
        Some(d.done())
    }

    /// Copies what was logged since the last event.
    fn after_event(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let log = cx.messages();
        if log.last().is_none_or(|m| m.seq <= self.seen) {
            return vec![];
        }
        let fresh: Vec<Message> = log.iter().filter(|m| m.seq > self.seen).cloned().collect();
        for m in fresh {
            self.seen = m.seq;
            self.list.upsert(MessageRow {
                id: m.seq.to_string(),
                msg: m,
            });
        }
        // the pane keeps what the log keeps
        if let Some(first) = cx.messages().first().map(|m| m.seq)
            && self.list.len() > cx.messages().len()
        {
            self.list.retain(|r| r.msg.seq >= first);
        }
        vec![]
    }
}
