//! The popups: confirmations, details, text views, the copy menu, help and the pickers.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Padding, Paragraph};

use super::theme::Theme;
use super::{cut_line, popup, popup_block, styled, truncate};
use crate::app::{AppState, Confirm, confirm};

/// `:region` / `:profile`: the choices around the cursor, the current one marked, the ones
/// that cannot be picked dimmed with their reason when selected.
pub(super) fn draw_picker(f: &mut Frame, area: Rect, p: &crate::app::Picker, theme: &Theme) {
    let noun = p.kind.noun();
    let mut lines: Vec<Line> = Vec::new();
    let rows = area.height.saturating_sub(8).max(1) as usize;
    match &p.choices {
        None => lines.push(Line::styled(
            format!("listing the {noun}s…"),
            theme.tone(crate::app::Tone::Muted),
        )),
        Some(cs) => {
            let first = p.cursor.saturating_sub(rows.saturating_sub(1));
            for (i, c) in cs.iter().enumerate().skip(first).take(rows) {
                let mark = if c.name == p.current { "● " } else { "  " };
                let mut text = format!("{mark}{}", c.name);
                if c.refusal.is_some() {
                    text.push_str("  (not enabled)");
                }
                let mut st = if c.refusal.is_some() {
                    theme.tone(crate::app::Tone::Muted)
                } else {
                    Style::default()
                };
                if i == p.cursor {
                    st = theme.selected();
                }
                lines.push(Line::styled(truncate(&text, 46), st));
            }
            if cs.is_empty() && p.note.is_none() {
                lines.push(Line::raw(format!("no {noun}s")));
            }
        }
    }
    if let Some(n) = &p.note {
        lines.push(Line::raw(""));
        lines.extend(
            confirm::wrap_words(&vec![(n.clone(), crate::app::Tone::Bad)], 46)
                .iter()
                .map(|l| styled(l, theme)),
        );
    }
    let r = popup(area, 52, lines.len() as u16 + 2);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).block(popup_block(
            format!(" Switch {noun} "),
            " ↑↓ move · Enter switch · Esc close ",
            theme,
        )),
        r,
    );
}

/// A confirmation that always shows what it does: the summary first, the targets in a
/// scrolled middle when they do not fit, then the consequence and the prompt, pinned at the
/// bottom so they are always on screen. Long lines are cut, never wrapped off the screen.
pub(super) fn draw_confirm(f: &mut Frame, area: Rect, app: &AppState, c: &Confirm, theme: &Theme) {
    let danger = c.is_destructive();
    let fit = app.confirm_fit(c);
    let width = fit.width;
    let inner_w = width.saturating_sub(4) as usize;
    let lines: Vec<Line> = fit
        .lines
        .iter()
        .map(|l| cut_line(styled(l, theme), inner_w))
        .collect();
    let r = popup(area, width, lines.len() as u16 + 2);
    let border = if danger { theme.bad } else { theme.accent };
    let title = format!(" {} ", truncate(&c.title, inner_w.saturating_sub(2)));
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .padding(Padding::horizontal(1))
                .borders(Borders::ALL)
                .border_type(if danger {
                    BorderType::Double
                } else {
                    BorderType::Rounded
                })
                .border_style(Style::default().fg(border).add_modifier(Modifier::BOLD))
                .title(Span::styled(
                    title,
                    Style::default().fg(border).add_modifier(Modifier::BOLD),
                )),
        ),
        r,
    );
}

/// A full-height, scrollable read-only view (details of a row).
pub(super) fn draw_scrolled(
    f: &mut Frame,
    area: Rect,
    title: &str,
    lines: Vec<Line>,
    scroll: u16,
    theme: &Theme,
) {
    let height = (lines.len() as u16 + 2).min(area.height.saturating_sub(2));
    let r = popup(area, area.width.saturating_sub(4).min(110), height);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).scroll((scroll, 0)).block(popup_block(
            format!(" {title} "),
            " j/k scroll · Esc back ",
            theme,
        )),
        r,
    );
}

/// A line with every occurrence of `q` (lower-case) highlighted.
fn highlighted<'a>(line: &str, q: &str, hit: Style) -> Line<'a> {
    let lower = line.to_lowercase();
    if q.is_empty() || lower.len() != line.len() {
        return Line::raw(line.to_string());
    }
    let mut spans = Vec::new();
    let mut at = 0;
    for (p, _) in lower.match_indices(q) {
        if p < at || !line.is_char_boundary(p) || !line.is_char_boundary(p + q.len()) {
            continue;
        }
        spans.push(Span::raw(line[at..p].to_string()));
        spans.push(Span::styled(line[p..p + q.len()].to_string(), hit));
        at = p + q.len();
    }
    spans.push(Span::raw(line[at..].to_string()));
    Line::from(spans)
}

pub(super) fn draw_text(
    f: &mut Frame,
    area: Rect,
    view: &crate::app::text::TextView,
    theme: &Theme,
) {
    let r = popup(
        area,
        crate::app::text::popup_width(area.width),
        area.height.saturating_sub(2),
    );
    f.render_widget(Clear, r);
    let inner_h = r.height.saturating_sub(2) as usize;
    let prompt: Option<Line> = if view.searching {
        Some(Line::from(vec![
            Span::styled("/", Style::default().fg(theme.accent)),
            Span::raw(view.query.value().to_string()),
            Span::styled("█", Style::default().fg(theme.accent)),
        ]))
    } else if let Some(input) = &view.saving {
        Some(Line::from(vec![
            Span::styled("save to: ", Style::default().fg(theme.accent)),
            Span::raw(input.value().to_string()),
            Span::styled("█", Style::default().fg(theme.accent)),
        ]))
    } else {
        view.note
            .as_ref()
            .map(|n| Line::styled(n.clone(), Style::default().fg(theme.muted)))
    };
    let body_h = inner_h.saturating_sub(usize::from(prompt.is_some()));
    let q = view.query.value().to_lowercase();
    let hit = Style::default()
        .fg(theme.accent)
        .add_modifier(Modifier::REVERSED);
    let mut lines: Vec<Line> = view
        .lines
        .iter()
        .skip(view.scroll)
        .take(body_h)
        .map(|l| {
            let from = l.char_indices().nth(view.left).map_or(l.len(), |(b, _)| b);
            highlighted(&l[from..], &q, hit)
        })
        .collect();
    while lines.len() < body_h {
        lines.push(Line::raw(""));
    }
    lines.extend(prompt);
    let pos = if view.lines.is_empty() {
        String::new()
    } else {
        format!(
            " {}/{}{} ",
            (view.scroll + 1).min(view.lines.len()),
            view.lines.len(),
            if view.left > 0 {
                format!(", from column {}", view.left + 1)
            } else {
                String::new()
            }
        )
    };
    f.render_widget(
        Paragraph::new(lines).block(
            popup_block(
                format!(" {} ", view.title),
                format!(" {} ", view.hints()),
                theme,
            )
            .title(
                ratatui::text::Line::styled(pos, Style::default().fg(theme.muted))
                    .alignment(Alignment::Right),
            ),
        ),
        r,
    );
}

pub(super) fn draw_copy_menu(
    f: &mut Frame,
    area: Rect,
    app: &AppState,
    cursor: usize,
    theme: &Theme,
) {
    let n = app.table().marks_len();
    let of = if n > 0 {
        format!("{n} marked")
    } else {
        app.table()
            .selected_id()
            .unwrap_or("nothing selected")
            .to_string()
    };
    let mut lines: Vec<Line> = vec![Line::styled(
        format!("Copy of {of}:"),
        theme.tone(crate::app::Tone::Muted),
    )];
    for (i, (_, label)) in crate::app::clip::MENU.iter().enumerate() {
        let st = if i == cursor {
            Style::default()
                .fg(theme.accent)
                .add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!(" {} ", i + 1),
                Style::default()
                    .fg(theme.accent)
                    .add_modifier(Modifier::BOLD),
            ),
            Span::styled(format!(" {label:<24}"), st),
        ]));
    }
    let r = popup(area, 40, lines.len() as u16 + 2);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).block(popup_block(
            " Copy ",
            " 1-6 or Enter copy · Esc close ",
            theme,
        )),
        r,
    );
}

pub(super) fn draw_help(f: &mut Frame, area: Rect, app: &AppState, scroll: u16, theme: &Theme) {
    let lines: Vec<Line> = app
        .help()
        .iter()
        .map(|l| {
            // key columns are bold in the accent colour
            Line::from(
                l.iter()
                    .map(|(t, tone)| {
                        let mut st = theme.tone(*tone);
                        if *tone == crate::app::Tone::Accent {
                            st = st.add_modifier(Modifier::BOLD);
                        }
                        Span::styled(t.clone(), st)
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    let width = lines
        .iter()
        .map(|l| l.width() as u16)
        .max()
        .unwrap_or(60)
        .clamp(62, 100)
        + 4;
    let r = popup(area, width, lines.len() as u16 + 2);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).scroll((scroll, 0)).block(popup_block(
            " Help ",
            " j/k scroll · Esc close ",
            theme,
        )),
        r,
    );
}
