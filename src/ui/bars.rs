//! The header (who and where), the footer (the keys) and the status line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::truncate;
use crate::app::{AppState, Level, Mode};

pub(super) fn draw_header(f: &mut Frame, area: Rect, app: &AppState, theme: &Theme) {
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

pub(super) fn draw_footer(f: &mut Frame, area: Rect, app: &AppState, theme: &Theme) {
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

pub(super) fn draw_status(f: &mut Frame, area: Rect, app: &AppState, theme: &Theme) {
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
