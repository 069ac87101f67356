//! Pure draw functions: they only read the state.

pub mod theme;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, BorderType, Borders, Cell, Clear, Padding, Paragraph, Row, Table, Wrap,
};

use crate::app::{
    AppState, Column, Confirm, Dialog, FieldValue, Form, Level, Line as Spans, Load, MIN_HEIGHT,
    MIN_WIDTH, Mode, confirm,
};
use theme::Theme;

/// Draws the whole screen.
pub fn draw(f: &mut Frame, app: &AppState, theme: &Theme) {
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let mut msg = format!(
            "Terminal too small: {}×{}\nec2tui needs at least {MIN_WIDTH}×{MIN_HEIGHT}.\nResize, or press q to quit.",
            area.width, area.height
        );
        let left = app.in_flight().len();
        if left > 0 {
            msg.push_str(&format!(
                "\n{left} change(s) in the middle: q leaves them (the next start says so)."
            ));
        }
        f.render_widget(
            Paragraph::new(msg)
                .alignment(Alignment::Center)
                .wrap(Wrap { trim: true })
                .style(Style::default().fg(theme.warn)),
            area,
        );
        return;
    }
    let [header, body, footer, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(f, header, app, theme);
    draw_body(f, body, app, theme);
    draw_footer(f, footer, app, theme);
    draw_status(f, status, app, theme);
    match &app.dialog {
        Some(Dialog::Confirm(c)) => draw_confirm(f, area, app, c, theme),
        Some(Dialog::Details { scroll, .. }) => {
            if let Some(d) = app.details() {
                let lines = d.lines.iter().map(|l| styled(l, theme)).collect();
                draw_scrolled(f, area, &d.title, lines, *scroll, theme);
            }
        }
        Some(Dialog::Help { scroll }) => draw_help(f, area, app, *scroll, theme),
        Some(Dialog::Form { form, .. }) => draw_form(f, area, form, theme),
        Some(Dialog::CopyMenu { cursor }) => draw_copy_menu(f, area, app, *cursor, theme),
        Some(Dialog::Text(view)) => draw_text(f, area, view, theme),
        Some(Dialog::Pick(p)) => draw_picker(f, area, p, theme),
        None => {}
    }
}

/// `:region` / `:profile`: the choices around the cursor, the current one marked, the ones
/// that cannot be picked dimmed with their reason when selected.
fn draw_picker(f: &mut Frame, area: Rect, p: &crate::app::Picker, theme: &Theme) {
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

/// The frame of a popup: rounded, in the accent colour, its title at the top and its keys at
/// the bottom.
fn popup_block<'a>(title: impl Into<String>, hint: impl Into<String>, theme: &Theme) -> Block<'a> {
    Block::default()
        .padding(Padding::horizontal(1))
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(Style::default().fg(theme.accent))
        .title(Span::styled(
            title.into(),
            Style::default()
                .fg(theme.accent)
                .add_modifier(Modifier::BOLD),
        ))
        .title_bottom(Span::styled(hint.into(), Style::default().fg(theme.muted)))
}

fn draw_header(f: &mut Frame, area: Rect, app: &AppState, theme: &Theme) {
    let ctx = &app.ctx;
    let sep = Span::styled(" │ ", Style::default().fg(theme.muted));
    let key = |s: &'static str| Span::styled(s, Style::default().fg(theme.muted));
    let val = |s: String| Span::styled(s, Style::default().add_modifier(Modifier::BOLD));
    let mut spans = vec![
        Span::styled(" ec2tui ", theme.badge(theme.accent)),
        Span::raw(" "),
    ];
    // the profile's (region's) banner from config.toml first: it must never be missed
    if let Some(b) = &ctx.banner {
        spans.push(Span::styled(
            format!(" {b} "),
            theme.badge(theme.danger_bg).fg(if theme.mono {
                Color::Reset
            } else {
                Color::White
            }),
        ));
        spans.push(Span::raw(" "));
    }
    if ctx.demo {
        spans.push(Span::styled(" DEMO ", theme.badge(theme.marked)));
        spans.push(Span::raw(" "));
    }
    if app.journal_error.is_some() {
        spans.push(Span::styled(
            " JOURNAL NOT WRITTEN ",
            theme.badge(theme.danger_bg),
        ));
        spans.push(Span::raw(" "));
    }
    if ctx.read_only {
        spans.push(Span::styled(" READ-ONLY ", theme.badge(theme.warn)));
        spans.push(Span::raw(" "));
    }
    // the account acted on must be readable at any width: labels and the endpoint's scheme
    // go first when the line does not fit, never the values
    let badges: usize = spans.iter().map(|s| s.width()).sum();
    let account = ctx.account.clone().unwrap_or_else(|| "…".into());
    let mut region = if ctx.all_regions {
        format!("{} (instances: all)", ctx.region)
    } else {
        ctx.region.clone()
    };
    let full = |labels: bool, ep: &str, region: &str| -> usize {
        let l = |s: &str| if labels { s.len() } else { 0 };
        badges
            + l("profile ")
            + ctx.profile.chars().count()
            + 3
            + l("account ")
            + account.chars().count()
            + 3
            + l("region ")
            + region.chars().count()
            + if ctx.endpoint.is_some() {
                3 + l("endpoint ") + ep.chars().count()
            } else {
                0
            }
    };
    let ep_full = ctx.endpoint.clone().unwrap_or_default();
    let ep_short = ep_full
        .split_once("://")
        .map(|(_, rest)| rest.to_string())
        .unwrap_or_else(|| ep_full.clone());
    let room = area.width as usize;
    let (labels, ep) = if full(true, &ep_full, &region) <= room {
        (true, ep_full)
    } else if full(false, &ep_full, &region) <= room {
        (false, ep_full)
    } else {
        (false, ep_short)
    };
    if ctx.all_regions && full(labels, &ep, &region) > room {
        // the every-region view said in fewer words rather than cut off
        region = format!("{} +all", ctx.region);
    }
    let key = |s: &'static str| key(if labels { s } else { "" });
    spans.extend([key("profile "), val(ctx.profile.clone()), sep.clone()]);
    spans.extend([key("account "), val(account), sep.clone()]);
    spans.extend([key("region "), val(region)]);
    if ctx.endpoint.is_some() {
        spans.extend([
            sep.clone(),
            key("endpoint "),
            Span::styled(ep, Style::default().fg(theme.warn)),
        ]);
    }
    f.render_widget(
        Paragraph::new(Line::from(spans)).style(Style::default().bg(theme.header_bg)),
        area,
    );
}

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

/// One line of spans with their tones, styled by the theme.
fn styled<'a>(l: &Spans, theme: &Theme) -> Line<'a> {
    Line::from(
        l.iter()
            .map(|(t, tone)| Span::styled(t.clone(), theme.tone(*tone)))
            .collect::<Vec<_>>(),
    )
}

fn draw_body(f: &mut Frame, area: Rect, app: &AppState, theme: &Theme) {
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

/// Cuts a string to `w` display cells, with an ellipsis when cut.
pub fn truncate(s: &str, w: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let total: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= w {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw + 1 > w {
            break;
        }
        out.push(c);
        used += cw;
    }
    out.push('…');
    out
}

fn draw_footer(f: &mut Frame, area: Rect, app: &AppState, theme: &Theme) {
    let mut spans = Vec::new();
    match app.mode {
        Mode::Filter => spans.push(Span::styled(
            " Enter keep filter · Esc clear filter",
            Style::default().fg(theme.muted),
        )),
        Mode::Command => spans.push(Span::styled(
            " :instances · :q · Enter run · Esc cancel",
            Style::default().fg(theme.muted),
        )),
        Mode::Normal => {
            for (k, label) in app.footer() {
                spans.push(Span::styled(
                    format!(" {k}"),
                    Style::default()
                        .fg(theme.accent)
                        .add_modifier(Modifier::BOLD),
                ));
                spans.push(Span::styled(
                    format!(" {label}"),
                    Style::default().fg(theme.muted),
                ));
            }
        }
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_status(f: &mut Frame, area: Rect, app: &AppState, theme: &Theme) {
    match app.mode {
        Mode::Filter | Mode::Command => {
            let prefix = if app.mode == Mode::Filter { "/" } else { ":" };
            let width = area.width.saturating_sub(1) as usize;
            let scroll = app.input.visual_scroll(width);
            let line = Line::from(vec![
                Span::styled(
                    prefix,
                    Style::default()
                        .fg(theme.accent)
                        .add_modifier(Modifier::BOLD),
                ),
                Span::raw(app.input.value().chars().skip(scroll).collect::<String>()),
            ]);
            f.render_widget(Paragraph::new(line), area);
            let x = app.input.visual_cursor().saturating_sub(scroll) as u16 + 1;
            f.set_cursor_position((area.x + x.min(area.width.saturating_sub(1)), area.y));
        }
        Mode::Normal => {
            if let Some(s) = &app.status {
                let style = match s.level {
                    Level::Info => Style::default(),
                    Level::Ok => Style::default().fg(theme.good),
                    Level::Error => Style::default().fg(theme.bad).add_modifier(Modifier::BOLD),
                };
                let room = area.width.saturating_sub(1) as usize;
                f.render_widget(
                    Paragraph::new(Span::styled(
                        format!(" {}", status_line(&s.text, s.level, room)),
                        style,
                    )),
                    area,
                );
            }
        }
    }
}

/// The status as it fits `w` cells: whole, or its first part and "… (:messages)" where the
/// message log keeps it whole (results and errors; progress is not kept: "…" alone).
pub fn status_line(text: &str, level: Level, w: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    if text.width() <= w {
        return text.to_string();
    }
    let more = if level == Level::Info {
        ""
    } else {
        " (:messages)"
    };
    format!("{}{more}", truncate(text, w.saturating_sub(more.width())))
}

/// Rows the lines take in a bordered, padded popup of `width` once long lines wrap.
fn wrapped_height(lines: &[Line], width: u16) -> u16 {
    let inner = width.saturating_sub(4).max(1) as usize;
    lines
        .iter()
        .map(|l| l.width().max(1).div_ceil(inner))
        .sum::<usize>()
        .min(u16::MAX as usize) as u16
}

fn popup(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width.saturating_sub(2));
    let h = height.min(area.height.saturating_sub(2));
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// A confirmation that always shows what it does: the summary first, the targets in a
/// scrolled middle when they do not fit, then the consequence and the prompt, pinned at the
/// bottom so they are always on screen. Long lines are cut, never wrapped off the screen.
fn draw_confirm(f: &mut Frame, area: Rect, app: &AppState, c: &Confirm, theme: &Theme) {
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

/// A line of text wrapped at spaces into lines of at most `w` cells, in the line's first
/// tone.
/// Cuts a line to `w` cells (an ellipsis where cut), keeping the spans' styles.
fn cut_line(l: Line<'_>, w: usize) -> Line<'_> {
    if l.width() <= w {
        return l;
    }
    let mut left = w;
    let mut spans = Vec::new();
    for sp in l.spans {
        if left == 0 {
            break;
        }
        let sw = sp.width();
        if sw <= left {
            left -= sw;
            spans.push(sp);
        } else {
            spans.push(Span::styled(truncate(&sp.content, left), sp.style));
            left = 0;
        }
    }
    Line::from(spans).style(l.style)
}

/// A full-height, scrollable read-only view (details of a row).
fn draw_scrolled(
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

fn draw_text(f: &mut Frame, area: Rect, view: &crate::app::text::TextView, theme: &Theme) {
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

fn draw_copy_menu(f: &mut Frame, area: Rect, app: &AppState, cursor: usize, theme: &Theme) {
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

fn draw_help(f: &mut Frame, area: Rect, app: &AppState, scroll: u16, theme: &Theme) {
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
