//! The focused pane's table: its title, its rows, and columns fitted to the width.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Cell, Paragraph, Row, Table, Wrap};

use super::theme::Theme;
use super::truncate;
use crate::app::{AppState, Column, Load};

/// Fits columns into `avail` cells. Each column wants the width of its widest visible
/// content (or its title), so empty columns shrink and long codes and descriptions get the
/// room; `want` gives those widths (None: the column's preferred width). When short of room,
/// columns are dropped from the right until their minimums fit, then the columns with the
/// most slack are shrunk first; a column that hides when empty is left out while it is.
/// Returns (column index, width) of the columns shown.
pub fn fit_columns(cols: &[Column], want: &[Option<u16>], avail: u16) -> Vec<(usize, u16)> {
    // a column that hides when empty is left out while no visible cell fills it
    let mut shown: Vec<usize> = (0..cols.len())
        .filter(|&i| !(cols[i].hide_empty && want.get(i).copied().flatten() == Some(0)))
        .collect();
    let width = |i: usize| -> u16 {
        match want.get(i).copied().flatten() {
            // the title and its sort arrow always fit
            Some(w) => w.max(cols[i].title.chars().count() as u16 + 1).min(avail),
            None => cols[i].width,
        }
    };
    let min = |i: usize| cols[i].min.min(width(i));
    let need = |s: &[usize]| -> u32 { s.iter().map(|i| min(*i) as u32 + 1).sum() };
    // drop columns from the right (keeping the first two and the last) until the minimums fit
    while need(&shown) > avail as u32 && shown.len() > 2 {
        let drop = if shown.len() > 3 {
            shown.len() - 2
        } else {
            shown.len() - 1
        };
        shown.remove(drop);
    }
    let mut fitted: Vec<(usize, u16)> = shown.iter().map(|i| (*i, width(*i))).collect();
    let total = |s: &[(usize, u16)]| -> u32 { s.iter().map(|(_, w)| *w as u32 + 1).sum() };
    // then shrink the columns with the most slack, the widest first
    while total(&fitted) > avail as u32 {
        let over = total(&fitted) - avail as u32;
        let slack = fitted
            .iter_mut()
            .filter(|(i, w)| *w > min(*i))
            .max_by_key(|(i, w)| *w - min(*i));
        match slack {
            Some((i, w)) => {
                // big steps while far over, one cell at a time near the end
                let room = *w - min(*i);
                let step = (over as u16).min(room).div_ceil(4).max(1);
                *w -= step;
            }
            None => break,
        }
    }
    fitted
}

pub(super) fn draw_body(f: &mut Frame, area: Rect, app: &AppState, theme: &Theme) {
    let pane = app.focused();
    let t = pane.table();
    let noun = pane.noun();
    let total = t.len();
    let rows = t.rows();
    let count = if t.filter().is_empty() {
        format!("{total}")
    } else {
        format!("{rows} of {total}")
    };
    let mut title = vec![
        Span::styled(
            format!(" {} ", pane.heading(app)),
            Style::default()
                .fg(theme.accent)
                .add_modifier(Modifier::BOLD),
        ),
        Span::styled(
            format!("({count}) "),
            Style::default().add_modifier(Modifier::BOLD),
        ),
    ];
    if !t.filter().is_empty() {
        title.push(Span::styled(
            format!("/{} ", t.filter()),
            Style::default().fg(theme.warn),
        ));
    }
    if t.marks_len() > 0 {
        title.push(Span::styled(
            format!("{} marked ", t.marks_len()),
            Style::default().fg(theme.marked),
        ));
    }
    if let Load::Loading { pages, .. } = t.load() {
        title.push(Span::styled(
            format!(
                "⟳ loading{} ",
                if *pages > 0 {
                    format!(" (page {})", pages + 1)
                } else {
                    "…".into()
                }
            ),
            Style::default().fg(theme.warn),
        ));
    }
    let watching = pane.watching();
    if watching > 0 {
        title.push(Span::styled(
            format!("watching {watching} "),
            Style::default().fg(theme.accent),
        ));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(Style::default().fg(theme.muted))
        .title(Line::from(title));
    let inner = block.inner(area);
    f.render_widget(block, area);

    if t.is_empty() {
        let (msg, style) = match t.load() {
            Load::Idle | Load::Loading { .. } => {
                (format!("Loading {noun}…"), Style::default().fg(theme.warn))
            }
            Load::Loaded => (pane.empty(app), Style::default().fg(theme.muted)),
            Load::Failed(e) => {
                let mut m = format!("Cannot list {noun}\n\n{}", e.describe());
                if let Some(h) = e.hint(&app.ctx.profile) {
                    m.push_str(&format!("\n\n{h}"));
                }
                m.push_str("\n\nCtrl-r retries now.");
                (m, Style::default().fg(theme.bad))
            }
        };
        let h = msg.lines().count() as u16;
        let y = inner.y + inner.height.saturating_sub(h) / 2;
        let r = Rect {
            y,
            height: inner.height.min(h + 2),
            ..inner
        };
        f.render_widget(
            Paragraph::new(msg)
                .alignment(Alignment::Center)
                .wrap(Wrap { trim: false })
                .style(style),
            r,
        );
        return;
    }

    let cols = t.columns();
    let height = inner.height.saturating_sub(1) as usize;
    // the visible rows' cells, made once: they decide the widths, then they are drawn
    let all: Vec<usize> = (0..cols.len()).collect();
    let visible = t.visible_cells(height, &all, app.now);
    let mut want: Vec<Option<u16>> = vec![Some(0); cols.len()];
    for r in &visible {
        for (i, (text, _)) in r.cells.iter().enumerate() {
            let w =
                unicode_width::UnicodeWidthStr::width(text.as_str()).min(u16::MAX as usize) as u16;
            if let Some(Some(x)) = want.get_mut(i) {
                *x = (*x).max(w);
            }
        }
    }
    let fitted = fit_columns(&cols, &want, inner.width.saturating_sub(2));
    let (sort_col, desc) = t.sort();
    let cursor = t.cursor();
    let body: Vec<Row> = visible
        .into_iter()
        .map(|r| {
            let cells = fitted.iter().map(|(i, w)| {
                let (text, tone) = &r.cells[*i];
                Cell::from(Span::styled(truncate(text, *w as usize), theme.tone(*tone)))
            });
            let mut row = Row::new(
                std::iter::once(Cell::from(if r.marked { "●" } else { " " })).chain(cells),
            );
            if r.marked {
                row = row.style(Style::default().fg(theme.marked));
            }
            if r.pos == cursor {
                row = row.style(theme.selected());
            }
            row
        })
        .collect();
    let widths = std::iter::once(Constraint::Length(1))
        .chain(fitted.iter().map(|(_, w)| Constraint::Length(*w)));
    let header = Row::new(
        std::iter::once(Cell::from(" ")).chain(header_cells(&fitted, &cols, sort_col, desc)),
    )
    .style(
        Style::default()
            .fg(theme.accent)
            .add_modifier(Modifier::BOLD),
    );
    f.render_widget(
        Table::new(body, widths).header(header).column_spacing(1),
        inner,
    );
}

fn header_cells<'a>(
    fitted: &'a [(usize, u16)],
    cols: &'a [Column],
    sort_col: usize,
    desc: bool,
) -> impl Iterator<Item = Cell<'a>> + 'a {
    fitted.iter().map(move |(i, _)| {
        let mut s = cols[*i].title.to_string();
        if *i == sort_col {
            s.push(if desc { '↓' } else { '↑' });
        }
        Cell::from(s)
    })
}
