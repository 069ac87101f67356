//! How a confirmation fits the screen. One layout, used by the drawing and by the keys that
//! answer, so a prompt that is not on screen, or a consequence cut off it, cannot be
//! answered: every part of the dialog is measured, the prompt is never cut, and the change
//! can only be confirmed while the summary, the consequences, the prompt and at least one
//! target line are all shown.

use unicode_width::UnicodeWidthStr;

use super::{Confirm, ConfirmView, Line, Tone};

/// The dialog as it is drawn: its width (border included) and every line inside the border.
#[derive(Debug, Clone)]
pub struct ConfirmFit {
    pub width: u16,
    pub lines: Vec<Line>,
    /// Everything that must be read before answering is on screen.
    pub answerable: bool,
    /// The furthest the target lines scroll (0 when they all fit).
    pub max_scroll: usize,
}

/// The prompt under the body: which keys answer, and any note.
pub fn prompt(c: &Confirm) -> Vec<Line> {
    let mut out: Vec<Line> = vec![vec![]];
    match c.typed {
        Some(word) => {
            out.push(vec![
                ("Type ".into(), Tone::Normal),
                (word.into(), Tone::Heading),
                (" and press Enter to confirm: ".into(), Tone::Normal),
                (format!("{}█", c.input.value()), Tone::Warn),
            ]);
            if let Some(n) = &c.note {
                out.push(vec![(n.clone(), Tone::Bad)]);
            }
            out.push(vec![(
                if c.ops.is_empty() && c.copy.is_empty() {
                    "Esc cancels."
                } else {
                    "Esc cancels.  Ctrl-y copies the aws command."
                }
                .into(),
                Tone::Muted,
            )]);
        }
        None => {
            let mut keys = vec![
                ("y".into(), Tone::Accent),
                ("/Enter confirm   ".into(), Tone::Normal),
                ("n".into(), Tone::Accent),
                ("/Esc cancel".into(), Tone::Normal),
            ];
            if !c.ops.is_empty() || !c.copy.is_empty() {
                keys.push(("   Ctrl-y".into(), Tone::Accent));
                keys.push((" aws command".into(), Tone::Normal));
            }
            out.push(keys);
            if let Some(n) = &c.note {
                out.push(vec![(n.clone(), Tone::Bad)]);
            }
        }
    }
    out
}

fn width_of(l: &Line) -> usize {
    l.iter().map(|(t, _)| t.width()).sum()
}

/// A sentence wrapped at word boundaries to `w` cells, in the tone of its first part.
pub fn wrap_words(l: &Line, w: usize) -> Vec<Line> {
    let text: String = l.iter().map(|(t, _)| t.as_str()).collect();
    let tone = l.first().map_or(Tone::Normal, |(_, t)| *t);
    let mut out = Vec::new();
    let mut cur = String::new();
    for word in text.split(' ') {
        let need = cur.width() + word.width() + usize::from(!cur.is_empty());
        if !cur.is_empty() && need > w {
            out.push(vec![(std::mem::take(&mut cur), tone)]);
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    out.push(vec![(cur, tone)]);
    out
}

/// Lays the dialog out on a screen of `size` (columns, rows): the popup keeps a one-cell
/// margin and its border. Target lines are windowed at `c.scroll` when they do not all fit.
pub fn fit(view: &ConfirmView, c: &Confirm, size: (u16, u16)) -> ConfirmFit {
    let prompt = prompt(c);
    let want = view
        .summary
        .iter()
        .chain(&view.tail)
        .chain(&view.items)
        .chain(&prompt)
        .map(width_of)
        .max()
        .unwrap_or(40)
        .clamp(44, 100) as u16
        + 4;
    let width = want.min(size.0.saturating_sub(2));
    let inner_w = (width.saturating_sub(4) as usize).max(1);
    let inner_h = size.1.saturating_sub(4) as usize;
    let summary: Vec<Line> = view
        .summary
        .iter()
        .flat_map(|l| wrap_words(l, inner_w))
        .collect();
    let mut tail: Vec<Line> = view
        .tail
        .iter()
        .flat_map(|l| wrap_words(l, inner_w))
        .collect();
    if !tail.is_empty() {
        tail.insert(0, vec![]);
    }
    let items = &view.items;
    let fixed = summary.len() + tail.len() + prompt.len();
    // the fewest target lines that still say what is confirmed: one, and the line that
    // says how many more there are
    let least = match items.len() {
        0 => 0,
        1 => 1,
        _ => 2,
    };
    if fixed + least > inner_h {
        // (a note about the size is not drawn there: it does not count)
        let need = fixed + least - usize::from(c.note.is_some());
        return too_small(
            summary,
            items,
            tail,
            need,
            inner_h,
            width,
            c.typed.is_some(),
        );
    }
    let room = inner_h - fixed;
    let mut lines = summary;
    let mut max_scroll = 0;
    if items.len() <= room {
        lines.extend(items.iter().cloned());
    } else {
        let shown = room - 1;
        max_scroll = items.len() - shown;
        let scroll = c.scroll.min(max_scroll);
        lines.extend(items.iter().skip(scroll).take(shown).cloned());
        lines.push(vec![(
            format!(
                "  … lines {}-{} of {}: ↑↓ PgUp PgDn scroll",
                scroll + 1,
                scroll + shown,
                items.len()
            ),
            Tone::Warn,
        )]);
    }
    lines.extend(tail);
    lines.extend(prompt);
    ConfirmFit {
        width,
        lines,
        answerable: true,
        max_scroll,
    }
}

/// What a dialog that does not fit shows: as much of it as there is room for, and instead
/// of the prompt, why it cannot be answered.
fn too_small(
    summary: Vec<Line>,
    items: &[Line],
    tail: Vec<Line>,
    need: usize,
    inner_h: usize,
    width: u16,
    typed: bool,
) -> ConfirmFit {
    let inner_w = (width.saturating_sub(4) as usize).max(1);
    let why = format!(
        "Too small to confirm: enlarge the terminal to {} rows or more.",
        need + 4
    );
    let mut footer = wrap_words(&vec![(why, Tone::Bad)], inner_w);
    // (a typed confirmation takes n as a letter)
    footer.push(if typed {
        vec![
            ("Esc".into(), Tone::Accent),
            (" cancels".into(), Tone::Normal),
        ]
    } else {
        vec![
            ("n".into(), Tone::Accent),
            ("/Esc cancel".into(), Tone::Normal),
        ]
    });
    let room = inner_h.saturating_sub(footer.len());
    let mut lines: Vec<Line> = summary
        .into_iter()
        .chain(items.iter().take(1).cloned())
        .chain(tail)
        .collect();
    if lines.len() > room {
        lines.truncate(room.saturating_sub(1));
        lines.push(vec![("…".into(), Tone::Muted)]);
    }
    lines.truncate(room);
    lines.extend(footer.into_iter().take(inner_h));
    ConfirmFit {
        width,
        lines,
        answerable: false,
        max_scroll: 0,
    }
}
