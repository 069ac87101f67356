//! Pure draw functions: they only read the state.
//!
//! `draw` lays the screen out and draws each part: the header, footer and status lines
//! (`bars.rs`), the focused pane's table (`table.rs`), the popups (`dialogs.rs`) and forms
//! (`form.rs`); the popups' shared pieces are here.

mod bars;
mod dialogs;
mod form;
mod table;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Padding, Paragraph, Wrap};

use crate::app::{AppState, Dialog, Line as Spans, MIN_HEIGHT, MIN_WIDTH};
use theme::Theme;

pub use bars::status_line;
use bars::{draw_footer, draw_header, draw_status};
use dialogs::{draw_confirm, draw_copy_menu, draw_help, draw_picker, draw_scrolled, draw_text};
pub use form::draw_form;
use table::draw_body;
pub use table::fit_columns;

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

/// One line of spans with their tones, styled by the theme.
fn styled<'a>(l: &Spans, theme: &Theme) -> Line<'a> {
    Line::from(
        l.iter()
            .map(|(t, tone)| Span::styled(t.clone(), theme.tone(*tone)))
            .collect::<Vec<_>>(),
    )
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
