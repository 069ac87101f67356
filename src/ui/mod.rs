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
    Action, AppState, Collection, Confirm, Details, Dialog, Fetch, FieldValue, Form, Level, Load,
    MIN_HEIGHT, MIN_WIDTH, Mode, Pane,
};
use crate::aws::fmt_time;
use crate::resources::instances::state_tone;
use crate::resources::{Column, Resource, age};
use theme::Theme;

/// Draws the whole screen.
pub fn draw(f: &mut Frame, app: &AppState, theme: &Theme) {
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!(
            "Terminal too small: {}×{}\nec2tui needs at least {MIN_WIDTH}×{MIN_HEIGHT}.\nResize, or press q to quit.",
            area.width, area.height
        );
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
        Some(Dialog::Details(d)) => draw_details(f, area, app, d, theme),
        Some(Dialog::Help { scroll }) => draw_help(f, area, app, *scroll, theme),
        Some(Dialog::ImageDetails { id, scroll }) => {
            draw_image_details(f, area, app, id, *scroll, theme)
        }
        Some(Dialog::Form { form, .. }) => draw_form(f, area, form, theme),
        Some(Dialog::Text {
            title,
            lines,
            scroll,
        }) => draw_text(f, area, title, lines, *scroll, theme),
        None => {}
    }
}

fn draw_header(f: &mut Frame, area: Rect, app: &AppState, theme: &Theme) {
    let ctx = &app.ctx;
    let sep = Span::styled(" │ ", Style::default().fg(theme.muted));
    let key = |s: &'static str| Span::styled(s, Style::default().fg(theme.muted));
    let val = |s: String| Span::styled(s, Style::default().add_modifier(Modifier::BOLD));
    let mut spans = vec![
        Span::styled(
            " ec2tui ",
            Style::default()
                .fg(Color::Black)
                .bg(theme.accent)
                .add_modifier(Modifier::BOLD),
        ),
        Span::raw(" "),
    ];
    if ctx.demo {
        spans.push(Span::styled(
            " DEMO ",
            Style::default()
                .fg(Color::Black)
                .bg(theme.marked)
                .add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::raw(" "));
    }
    if app.journal_error.is_some() {
        spans.push(Span::styled(
            " JOURNAL NOT WRITTEN ",
            Style::default()
                .fg(Color::White)
                .bg(theme.danger_bg)
                .add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::raw(" "));
    }
    if ctx.read_only {
        spans.push(Span::styled(
            " READ-ONLY ",
            Style::default()
                .fg(Color::Black)
                .bg(theme.warn)
                .add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::raw(" "));
    }
    spans.extend([key("profile "), val(ctx.profile.clone()), sep.clone()]);
    spans.extend([
        key("account "),
        val(ctx.account.clone().unwrap_or_else(|| "?".into())),
        sep.clone(),
    ]);
    spans.extend([key("region "), val(ctx.region.clone())]);
    if let Some(ep) = &ctx.endpoint {
        spans.extend([
            sep.clone(),
            key("endpoint "),
            Span::styled(ep.clone(), Style::default().fg(theme.warn)),
        ]);
    }
    f.render_widget(
        Paragraph::new(Line::from(spans)).style(Style::default().bg(theme.header_bg)),
        area,
    );
}

/// Fits preferred column widths into `avail` cells: shrink the columns with the most slack,
/// then drop columns from the right. Returns (column index, width) of the columns shown.
pub fn fit_columns(cols: &[Column], avail: u16) -> Vec<(usize, u16)> {
    let mut shown: Vec<usize> = (0..cols.len()).collect();
    let need = |s: &[usize]| -> u32 { s.iter().map(|i| cols[*i].min as u32 + 1).sum() };
    // drop columns from the right (keeping the first two and the last) until the minimums fit
    while need(&shown) > avail as u32 && shown.len() > 2 {
        let drop = if shown.len() > 3 {
            shown.len() - 2
        } else {
            shown.len() - 1
        };
        shown.remove(drop);
    }
    let mut fitted: Vec<(usize, u16)> = shown.iter().map(|i| (*i, cols[*i].width)).collect();
    let total = |s: &[(usize, u16)]| -> u32 { s.iter().map(|(_, w)| *w as u32 + 1).sum() };
    // then shrink the columns with the most slack, one cell at a time
    while total(&fitted) > avail as u32 {
        let slack = fitted
            .iter_mut()
            .filter(|(i, w)| *w > cols[*i].min)
            .max_by_key(|(i, w)| *w - cols[*i].min);
        match slack {
            Some((_, w)) => *w -= 1,
            None => break,
        }
    }
    fitted
}

fn draw_body(f: &mut Frame, area: Rect, app: &AppState, theme: &Theme) {
    match app.pane {
        Pane::Instances => draw_table(
            f,
            area,
            app,
            theme,
            &app.instances,
            Labels {
                name: "Instances",
                noun: "instances",
                empty: &format!("No instances in {}.", app.ctx.region),
            },
        ),
        Pane::Amis => {
            let scope = app.ami_scope.label();
            draw_table(
                f,
                area,
                app,
                theme,
                &app.amis,
                Labels {
                    name: &format!("AMIs: {scope}"),
                    noun: "AMIs",
                    empty: &format!(
                        "No AMIs ({scope}) in {}. Press o for another scope.",
                        app.ctx.region
                    ),
                },
            )
        }
        Pane::Volumes => draw_table(
            f,
            area,
            app,
            theme,
            &app.volumes,
            Labels {
                name: "Volumes",
                noun: "volumes",
                empty: &format!(
                    "No EBS volumes in {}. Press n to create one.",
                    app.ctx.region
                ),
            },
        ),
        Pane::Snapshots => draw_table(
            f,
            area,
            app,
            theme,
            &app.snapshots,
            Labels {
                name: "Snapshots: mine",
                noun: "snapshots",
                empty: &format!("No snapshots of yours in {}.", app.ctx.region),
            },
        ),
        Pane::Events => draw_table(
            f,
            area,
            app,
            theme,
            &app.events,
            Labels {
                name: "Status & events (Tab: journal)",
                noun: "instance status",
                empty: "No instances, so no status checks or events.",
            },
        ),
        Pane::Journal => draw_table(
            f,
            area,
            app,
            theme,
            &app.journal,
            Labels {
                name: "Journal of this session (Tab: events)",
                noun: "journal entries",
                empty: "No changes yet in this session. Every mutating request is recorded here and in the journal file.",
            },
        ),
    }
}

/// What a table is called: its title, the noun for messages, and the empty-table message.
struct Labels<'a> {
    name: &'a str,
    noun: &'a str,
    empty: &'a str,
}

fn draw_table<R: Resource>(
    f: &mut Frame,
    area: Rect,
    app: &AppState,
    theme: &Theme,
    t: &Collection<R>,
    labels: Labels,
) {
    let Labels { name, noun, empty } = labels;
    let total = t.len();
    let rows = t.rows();
    let count = if t.filter().is_empty() {
        format!("{total}")
    } else {
        format!("{rows} of {total}")
    };
    let mut title = vec![
        Span::styled(
            format!(" {name} "),
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
    if !t.marks().is_empty() {
        title.push(Span::styled(
            format!("{} marked ", t.marks().len()),
            Style::default().fg(theme.marked),
        ));
    }
    if let Load::Loading { pages, .. } = &t.load {
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
    let watching = app.watching().count();
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
        let (msg, style) = match &t.load {
            Load::Idle | Load::Loading { .. } => {
                (format!("Loading {noun}…"), Style::default().fg(theme.warn))
            }
            Load::Loaded => (empty.to_string(), Style::default().fg(theme.muted)),
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

    let cols = R::columns();
    let fitted = fit_columns(cols, inner.width.saturating_sub(2));
    let (sort_col, desc) = t.sort;
    let height = inner.height.saturating_sub(1) as usize;
    let cursor = t.cursor();
    let body: Vec<Row> = t
        .visible(height)
        .map(|(pos, r)| {
            let marked = t.is_marked(r.id());
            let cells = fitted.iter().map(|(i, w)| {
                let (text, tone) = r.cell(*i, app.now);
                Cell::from(Span::styled(truncate(&text, *w as usize), theme.tone(tone)))
            });
            let mut row =
                Row::new(std::iter::once(Cell::from(if marked { "●" } else { " " })).chain(cells));
            if marked {
                row = row.style(Style::default().fg(theme.marked));
            }
            if pos == cursor {
                row = row.style(
                    Style::default()
                        .bg(theme.selected_bg)
                        .add_modifier(Modifier::BOLD),
                );
            }
            row
        })
        .collect();
    let widths = std::iter::once(Constraint::Length(1))
        .chain(fitted.iter().map(|(_, w)| Constraint::Length(*w)));
    let header = Row::new(
        std::iter::once(Cell::from(" ")).chain(header_cells(&fitted, cols, sort_col, desc)),
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
    let scopes = app.scopes();
    let hints: &[Action] = match app.mode {
        Mode::Filter | Mode::Command => &[],
        Mode::Normal if app.pane == Pane::Volumes => &[
            Action::Details,
            Action::Filter,
            Action::CreateVolume,
            Action::Attach,
            Action::Detach,
            Action::SnapshotVolume,
            Action::DeleteVolume,
            Action::PaneSnapshots,
            Action::Help,
            Action::Quit,
        ],
        Mode::Normal if app.pane == Pane::Snapshots => &[
            Action::Details,
            Action::Filter,
            Action::VolumeFromSnapshot,
            Action::CopySnapshot,
            Action::DeleteSnapshot,
            Action::PaneVolumes,
            Action::Refresh,
            Action::Help,
            Action::Quit,
        ],
        Mode::Normal if app.pane == Pane::Amis => &[
            Action::Details,
            Action::Filter,
            Action::CycleScope,
            Action::Launch,
            Action::CopyImage,
            Action::Deregister,
            Action::PaneInstances,
            Action::Refresh,
            Action::Help,
            Action::Quit,
        ],
        Mode::Normal => &[
            Action::Details,
            Action::Mark,
            Action::Filter,
            Action::Start,
            Action::Stop,
            Action::ForceStop,
            Action::Reboot,
            Action::Terminate,
            Action::ToggleProtection,
            Action::CreateImage,
            Action::PaneAmis,
            Action::Help,
            Action::Quit,
        ],
    };
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
            for a in hints {
                if let Some(k) = app.keymap.key_for(scopes, *a) {
                    if app.ctx.read_only && a.is_mutating() {
                        continue;
                    }
                    spans.push(Span::styled(
                        format!(" {k}"),
                        Style::default()
                            .fg(theme.accent)
                            .add_modifier(Modifier::BOLD),
                    ));
                    spans.push(Span::styled(
                        format!(" {}", a.label()),
                        Style::default().fg(theme.muted),
                    ));
                }
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
                f.render_widget(
                    Paragraph::new(Span::styled(format!(" {}", s.text), style)),
                    area,
                );
            }
        }
    }
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

fn draw_confirm(f: &mut Frame, area: Rect, app: &AppState, c: &Confirm, theme: &Theme) {
    let danger = c.op.is_destructive();
    let mut lines: Vec<Line> = app
        .confirm_body(c)
        .into_iter()
        .map(|(text, tone)| Line::styled(text, theme.tone(tone)))
        .collect();
    lines.push(Line::raw(""));
    match c.typed {
        Some(word) => {
            lines.push(Line::from(vec![
                Span::raw("Type "),
                Span::styled(word, Style::default().add_modifier(Modifier::BOLD)),
                Span::raw(" and press Enter to confirm: "),
                Span::styled(
                    format!("{}█", c.input.value()),
                    Style::default().fg(theme.warn).add_modifier(Modifier::BOLD),
                ),
            ]));
            if let Some(n) = &c.note {
                lines.push(Line::styled(n.clone(), Style::default().fg(theme.bad)));
            }
            lines.push(Line::styled(
                "Esc cancels.",
                Style::default().fg(theme.muted),
            ));
        }
        None => lines.push(Line::from(vec![
            Span::styled(
                "y",
                Style::default()
                    .fg(theme.accent)
                    .add_modifier(Modifier::BOLD),
            ),
            Span::raw("/Enter confirm   "),
            Span::styled(
                "n",
                Style::default()
                    .fg(theme.accent)
                    .add_modifier(Modifier::BOLD),
            ),
            Span::raw("/Esc cancel"),
        ])),
    }
    let width = lines
        .iter()
        .map(|l| l.width() as u16)
        .max()
        .unwrap_or(40)
        .clamp(44, 100)
        + 4;
    let r = popup(area, width, lines.len() as u16 + 2);
    let border = if danger { theme.bad } else { theme.accent };
    let title = format!(" {} ", capitalise_words(c.op.verb()));
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
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

fn capitalise_words(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(x) => x.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The lines of the details view of an instance.
pub fn details_lines<'a>(app: &AppState, d: &Details, theme: &Theme) -> Vec<Line<'a>> {
    let Some(row) = app.instances.get(&d.id) else {
        return vec![Line::raw(format!("{} is no longer listed", d.id))];
    };
    let i = &row.inst;
    let k = |s: &str| Span::styled(format!("{s:<22}"), Style::default().fg(theme.muted));
    let kv = |key: &str, v: String| {
        Line::from(vec![
            k(key),
            Span::raw(if v.is_empty() { "-".into() } else { v }),
        ])
    };
    let section = |s: &str| {
        Line::styled(
            s.to_string(),
            Style::default()
                .fg(theme.accent)
                .add_modifier(Modifier::BOLD),
        )
    };
    let mut out = vec![
        kv("Name", i.name.clone()),
        kv("Instance ID", i.id.clone()),
        Line::from(vec![
            k("State"),
            Span::styled(i.state.to_string(), theme.tone(state_tone(i.state))),
        ]),
        kv("State reason", i.state_reason.clone()),
        kv("Instance type", i.instance_type.clone()),
        kv("Availability zone", i.az.clone()),
        kv("Private IP", i.private_ip.clone()),
        kv("Private DNS", i.private_dns.clone()),
        kv("Public IP", i.public_ip.clone()),
        kv("Public DNS", i.public_dns.clone()),
        kv("Key pair", i.key_name.clone()),
        kv(
            "Launched",
            i.launch_time
                .map(|t| format!("{} ({} ago)", fmt_time(t), age(Some(t), app.now)))
                .unwrap_or_default(),
        ),
        kv("AMI", i.image_id.clone()),
        kv("Architecture", i.architecture.clone()),
        kv("Platform", i.platform.clone()),
        kv("VPC", i.vpc_id.clone()),
        kv("Subnet", i.subnet_id.clone()),
        kv(
            "Lifecycle",
            if i.lifecycle.is_empty() {
                "on-demand".into()
            } else {
                i.lifecycle.clone()
            },
        ),
        kv("IAM profile", i.iam_profile.clone()),
        kv(
            "Root device",
            format!("{} ({})", i.root_device_name, i.root_device_type),
        ),
        kv(
            "Termination protect.",
            match row.protected {
                Some(true) => "on".into(),
                Some(false) => "off".into(),
                None => "checking…".into(),
            },
        ),
        Line::raw(""),
        section("Security groups"),
    ];
    if i.security_groups.is_empty() {
        out.push(Line::raw("  none"));
    }
    for (id, name) in &i.security_groups {
        out.push(Line::raw(format!("  {id}  {name}")));
    }
    out.push(Line::raw(""));
    out.push(section("Block devices"));
    if i.block_devices.is_empty() {
        out.push(Line::raw("  none"));
    }
    for b in &i.block_devices {
        out.push(Line::from(vec![
            Span::raw(format!("  {:<12} {:<22} ", b.device, b.volume_id)),
            if b.delete_on_termination {
                Span::styled("DeleteOnTermination", Style::default().fg(theme.warn))
            } else {
                Span::styled("kept on termination", Style::default().fg(theme.good))
            },
        ]));
    }
    out.push(Line::raw(""));
    out.push(section(&format!("Tags ({})", i.tags.len())));
    for (key, v) in &i.tags {
        out.push(Line::from(vec![
            Span::styled(format!("  {key} = "), Style::default().fg(theme.muted)),
            Span::raw(v.clone()),
        ]));
    }
    out.push(Line::raw(""));
    out.push(section("User data"));
    match &d.user_data {
        Fetch::Loading => out.push(Line::styled("  loading…", Style::default().fg(theme.warn))),
        Fetch::Failed(e) => out.push(Line::styled(
            format!("  {e}"),
            Style::default().fg(theme.bad),
        )),
        Fetch::Ready(None) => out.push(Line::styled("  none", Style::default().fg(theme.muted))),
        Fetch::Ready(Some(u)) => out.extend(u.lines().map(|l| Line::raw(format!("  {l}")))),
    }
    out
}

fn draw_details(f: &mut Frame, area: Rect, app: &AppState, d: &Details, theme: &Theme) {
    let name = app
        .instances
        .get(&d.id)
        .map(|r| r.inst.name.clone())
        .unwrap_or_default();
    draw_scrolled(
        f,
        area,
        &format!("{} {name}", d.id),
        details_lines(app, d, theme),
        d.scroll,
        theme,
    );
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
        Paragraph::new(lines).scroll((scroll, 0)).block(
            Block::default()
                .padding(Padding::horizontal(1))
                .borders(Borders::ALL)
                .border_type(BorderType::Rounded)
                .border_style(Style::default().fg(theme.accent))
                .title(Span::styled(
                    format!(" {title} "),
                    Style::default()
                        .fg(theme.accent)
                        .add_modifier(Modifier::BOLD),
                ))
                .title_bottom(Span::styled(
                    " j/k scroll · Esc back ",
                    Style::default().fg(theme.muted),
                )),
        ),
        r,
    );
}

fn draw_help(f: &mut Frame, area: Rect, app: &AppState, scroll: u16, theme: &Theme) {
    let mut lines = vec![Line::styled(
        match app.pane {
            Pane::Amis => "AMIs pane",
            Pane::Journal => "Journal pane",
            Pane::Volumes => "Volumes pane",
            Pane::Snapshots => "Snapshots pane",
            Pane::Events => "Status & events pane",
            Pane::Instances => "Instances pane",
        },
        Style::default()
            .fg(theme.accent)
            .add_modifier(Modifier::BOLD),
    )];
    for (keys, action) in app.keymap.help(app.scopes()) {
        let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        let mut style = Style::default();
        if app.ctx.read_only && action.is_mutating() {
            style = style.fg(theme.muted);
        }
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {:<18}", keys.join(" ")),
                Style::default()
                    .fg(theme.accent)
                    .add_modifier(Modifier::BOLD),
            ),
            Span::styled(action.describe().to_string(), style),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Dialogs and forms",
        Style::default()
            .fg(theme.accent)
            .add_modifier(Modifier::BOLD),
    ));
    for (k, d) in [
        ("y Enter", "confirm"),
        ("n Esc", "cancel"),
        ("Tab Shift-Tab", "next / previous field"),
        ("Ctrl-s", "submit from any field"),
    ] {
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {k:<18}"),
                Style::default()
                    .fg(theme.accent)
                    .add_modifier(Modifier::BOLD),
            ),
            Span::raw(d),
        ]));
    }
    if app.ctx.read_only {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "READ-ONLY: actions are disabled.",
            Style::default().fg(theme.warn),
        ));
    }
    let r = popup(area, 66, lines.len() as u16 + 2);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).scroll((scroll, 0)).block(
            Block::default()
                .padding(Padding::horizontal(1))
                .borders(Borders::ALL)
                .border_type(BorderType::Rounded)
                .border_style(Style::default().fg(theme.accent))
                .title(Span::styled(
                    " Help ",
                    Style::default()
                        .fg(theme.accent)
                        .add_modifier(Modifier::BOLD),
                ))
                .title_bottom(Span::styled(
                    " Esc close ",
                    Style::default().fg(theme.muted),
                )),
        ),
        r,
    );
}

fn draw_image_details(
    f: &mut Frame,
    area: Rect,
    app: &AppState,
    id: &str,
    scroll: u16,
    theme: &Theme,
) {
    let k = |s: &str| Span::styled(format!("{s:<18}"), Style::default().fg(theme.muted));
    let section = |s: String| {
        Line::styled(
            s,
            Style::default()
                .fg(theme.accent)
                .add_modifier(Modifier::BOLD),
        )
    };
    let mut lines = Vec::new();
    let title = match app.amis.get(id) {
        None => {
            lines.push(Line::raw(format!("{id} is no longer listed")));
            id.to_string()
        }
        Some(i) => {
            let kv = |key: &str, v: String| {
                Line::from(vec![
                    k(key),
                    Span::raw(if v.is_empty() { "-".into() } else { v }),
                ])
            };
            lines.extend([
                kv("Name", i.name.clone()),
                kv("Image ID", i.id.clone()),
                Line::from(vec![
                    k("State"),
                    Span::styled(
                        i.state.clone(),
                        theme.tone(crate::resources::amis::state_tone(&i.state)),
                    ),
                ]),
                kv("State reason", i.state_reason.clone()),
                kv("Description", i.description.clone()),
                kv("Owner", i.owner_id.clone()),
                kv(
                    "Visibility",
                    if i.public {
                        "public".into()
                    } else {
                        "private".into()
                    },
                ),
                kv("Architecture", i.architecture.clone()),
                kv("Virtualization", i.virtualization.clone()),
                kv("Platform", i.platform.clone()),
                kv(
                    "Root device",
                    format!("{} ({})", i.root_device_name, i.root_device_type),
                ),
                kv("Size", format!("{} GiB", i.size_gib())),
                kv(
                    "Created",
                    i.created
                        .map(|t| format!("{} ({} ago)", fmt_time(t), age(Some(t), app.now)))
                        .unwrap_or_default(),
                ),
                Line::raw(""),
                section(format!("Block device mappings ({})", i.devices.len())),
            ]);
            for d in &i.devices {
                lines.push(Line::raw(format!(
                    "  {:<12} {:<24} {:>4} GiB  {:<5} {}",
                    d.device,
                    if d.snapshot_id.is_empty() {
                        "-"
                    } else {
                        &d.snapshot_id
                    },
                    d.size_gib,
                    d.volume_type,
                    if d.delete_on_termination {
                        "DeleteOnTermination"
                    } else {
                        "kept on termination"
                    }
                )));
            }
            lines.push(Line::raw(""));
            lines.push(section(format!("Tags ({})", i.tags.len())));
            for (key, v) in &i.tags {
                lines.push(Line::from(vec![
                    Span::styled(format!("  {key} = "), Style::default().fg(theme.muted)),
                    Span::raw(v.clone()),
                ]));
            }
            format!("{} {}", i.id, i.name)
        }
    };
    draw_scrolled(f, area, &title, lines, scroll, theme);
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
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
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
                format!("  {:label_w$}  filter: {}█", "", list.filter.value()),
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
                    Style::default()
                        .bg(theme.selected_bg)
                        .add_modifier(Modifier::BOLD)
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
    let r = popup(area, width, lines.len() as u16 + 2);
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

fn draw_text(f: &mut Frame, area: Rect, title: &str, lines: &[String], scroll: u16, theme: &Theme) {
    draw_scrolled(
        f,
        area,
        title,
        lines.iter().map(|l| Line::raw(l.clone())).collect(),
        scroll,
        theme,
    );
}
