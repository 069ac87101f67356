//! Forms: every field with its value and help, an open list, and a window onto a tall form.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Padding, Paragraph, Wrap};

use super::theme::Theme;
use super::{cut_line, popup, truncate};
use crate::app::{FieldValue, Form};

/// Rows the lines take in a bordered, padded popup of `width` once long lines wrap.
fn wrapped_height(lines: &[Line], width: u16) -> u16 {
    let inner = width.saturating_sub(4).max(1) as usize;
    lines
        .iter()
        .map(|l| l.width().max(1).div_ceil(inner))
        .sum::<usize>()
        .min(u16::MAX as usize) as u16
}

/// A form taller than the screen: the keys, error and progress at the bottom stay, the
/// fields are windowed around the focused one, and the intro is cut, saying how much.
fn fit_form<'a>(
    lines: Vec<Line<'a>>,
    intro_len: usize,
    focus_line: usize,
    footer_start: usize,
    width: u16,
    max_rows: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let w = width.saturating_sub(4) as usize;
    let mut lines: Vec<Line> = lines.into_iter().map(|l| cut_line(l, w)).collect();
    let footer: Vec<Line> = lines.split_off(footer_start);
    let body: Vec<Line> = lines.split_off(intro_len);
    let intro = lines;
    let room = max_rows.saturating_sub(footer.len());
    let body_room = room.saturating_sub(usize::from(!intro.is_empty()).min(intro.len()));
    let body_keep = body.len().min(body_room.max(1));
    let intro_keep = room.saturating_sub(body_keep).min(intro.len());
    let mut out: Vec<Line> = Vec::new();
    if intro_keep < intro.len() {
        out.extend(intro.iter().take(intro_keep.saturating_sub(1)).cloned());
        if intro_keep > 0 {
            out.push(Line::styled(
                format!(
                    "… {} more lines (enlarge the terminal)",
                    intro.len() - intro_keep + 1
                ),
                Style::default().fg(theme.muted),
            ));
        }
    } else {
        out.extend(intro);
    }
    let focus = focus_line.saturating_sub(intro_len);
    let start = focus
        .saturating_sub(body_keep / 2)
        .min(body.len().saturating_sub(body_keep));
    out.extend(body.into_iter().skip(start).take(body_keep));
    out.extend(footer);
    out
}

/// Draws a form: intro, then each field (label, value, help), an open list under its field,
/// then the error or progress line and the keys.
pub fn draw_form(f: &mut Frame, area: Rect, form: &Form, theme: &Theme) {
    let mut lines: Vec<Line> = form.intro.iter().map(|l| Line::raw(l.clone())).collect();
    if !lines.is_empty() {
        lines.push(Line::raw(""));
    }
    let label_w = form
        .fields
        .iter()
        .map(|f| f.label.chars().count())
        .max()
        .unwrap_or(10)
        .min(34);
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let intro_len = lines.len();
    let mut focus_line = intro_len;
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        if focused {
            focus_line = lines.len();
        }
        let marker = if focused { "▶ " } else { "  " };
        let label_style = if focused {
            Style::default()
                .fg(theme.accent)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().fg(theme.muted)
        };
        let label = Span::styled(
            format!("{marker}{:<label_w$}  ", truncate(field.label, label_w)),
            label_style,
        );
        let value_style = if focused {
            bold.fg(theme.warn)
        } else {
            Style::default()
        };
        let value: Vec<Span> = match &field.value {
            FieldValue::Text(input) => vec![Span::styled(
                format!("{}{}", input.value(), if focused { "█" } else { "" }),
                value_style,
            )],
            FieldValue::Area(text) => {
                let n = text.lines().count().max(1);
                let first = text.lines().next().unwrap_or("");
                vec![Span::styled(
                    format!(
                        "{first}{}",
                        if n > 1 {
                            format!("  (+{} lines)", n - 1)
                        } else if focused {
                            "█".into()
                        } else {
                            String::new()
                        }
                    ),
                    value_style,
                )]
            }
            FieldValue::Toggle(on) => vec![Span::styled(
                if *on { "[x] yes" } else { "[ ] no" },
                value_style,
            )],
            FieldValue::Choice { list, selected } => {
                let text = if list.loading {
                    "loading…".to_string()
                } else {
                    selected
                        .and_then(|s| list.options.get(s))
                        .map(|o| o.label.clone())
                        .unwrap_or_else(|| "(choose)".into())
                };
                vec![Span::styled(format!("{text} ▾"), value_style)]
            }
            FieldValue::Multi { list, chosen } => {
                let text = if list.loading {
                    "loading…".to_string()
                } else if chosen.is_empty() {
                    "(none)".to_string()
                } else {
                    chosen
                        .iter()
                        .filter_map(|i| list.options.get(*i))
                        .map(|o| o.value.clone())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                vec![Span::styled(format!("{text} ▾"), value_style)]
            }
        };
        lines.push(Line::from(
            std::iter::once(label).chain(value).collect::<Vec<_>>(),
        ));
        if let FieldValue::Area(text) = &field.value
            && focused
        {
            for l in text.lines().skip(1).take(8) {
                lines.push(Line::raw(format!("  {:label_w$}  {l}", "")));
            }
        }
        if let Some(h) = &field.help {
            lines.push(Line::styled(
                format!("  {:label_w$}  {h}", ""),
                Style::default().fg(theme.muted),
            ));
        }
        if let Some(list) = field.list().filter(|l| l.open) {
            let chosen = match &field.value {
                FieldValue::Multi { chosen, .. } => Some(chosen),
                _ => None,
            };
            lines.push(Line::styled(
                if list.filter.value().is_empty() {
                    format!(
                        "  {:label_w$}  j/k ↑↓ move · Enter pick · type to filter█",
                        ""
                    )
                } else {
                    format!("  {:label_w$}  filter: {}█", "", list.filter.value())
                },
                Style::default().fg(theme.warn),
            ));
            let visible = list.visible();
            let start = list.cursor.saturating_sub(7);
            for (pos, (idx, o)) in visible.iter().enumerate().skip(start).take(10) {
                let check = match chosen {
                    Some(c) => {
                        if c.contains(idx) {
                            "[x] "
                        } else {
                            "[ ] "
                        }
                    }
                    None => "",
                };
                let style = if pos == list.cursor {
                    theme.selected()
                } else {
                    Style::default()
                };
                lines.push(Line::styled(
                    format!("  {:label_w$}  {check}{}", "", o.label),
                    style,
                ));
            }
            if visible.is_empty() {
                lines.push(Line::styled(
                    format!("  {:label_w$}  no match", ""),
                    Style::default().fg(theme.muted),
                ));
            }
        }
    }
    let footer_start = lines.len();
    lines.push(Line::raw(""));
    if let Some(e) = &form.error {
        lines.push(Line::styled(
            e.clone(),
            Style::default().fg(theme.bad).add_modifier(Modifier::BOLD),
        ));
    }
    if let Some(i) = &form.info {
        lines.push(Line::styled(i.clone(), Style::default().fg(theme.warn)));
    }
    lines.push(Line::styled(
        "Tab/Shift-Tab field · Enter open/pick · Space toggle · Ctrl-s submit · Esc cancel",
        Style::default().fg(theme.muted),
    ));
    let width = lines
        .iter()
        .map(|l| l.width() as u16)
        .max()
        .unwrap_or(60)
        .clamp(60, 110)
        + 4;
    // the popup is never wider than the screen: measure with the width it will have
    let width = width.min(area.width.saturating_sub(2));
    let max_rows = area.height.saturating_sub(4) as usize;
    let lines = if (wrapped_height(&lines, width) as usize) <= max_rows {
        lines
    } else {
        fit_form(
            lines,
            intro_len,
            focus_line,
            footer_start,
            width,
            max_rows,
            theme,
        )
    };
    let r = popup(area, width, wrapped_height(&lines, width) + 2);
    let border = if form.danger { theme.bad } else { theme.accent };
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .padding(Padding::horizontal(1))
                .borders(Borders::ALL)
                .border_type(if form.danger {
                    BorderType::Double
                } else {
                    BorderType::Rounded
                })
                .border_style(Style::default().fg(border).add_modifier(Modifier::BOLD))
                .title(Span::styled(
                    format!(" {} ", form.title),
                    Style::default().fg(border).add_modifier(Modifier::BOLD),
                )),
        ),
        r,
    );
}
