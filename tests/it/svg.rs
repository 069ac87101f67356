//! Renders a ratatui buffer to SVG, for the README screenshots.

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

fn hex(c: Color, fg: bool) -> String {
    let named = match c {
        Color::Reset => {
            if fg {
                "#d4d4d4"
            } else {
                "#1e1e1e"
            }
        }
        Color::Black => "#000000",
        Color::Red => "#f14c4c",
        Color::Green => "#23d18b",
        Color::Yellow => "#f5f543",
        Color::Blue => "#3b8eea",
        Color::Magenta => "#d670d6",
        Color::Cyan => "#29b8db",
        Color::Gray => "#cccccc",
        Color::DarkGray => "#767676",
        Color::LightRed => "#ff6b6b",
        Color::LightGreen => "#6bff9b",
        Color::LightYellow => "#ffff8b",
        Color::LightBlue => "#6bb6ff",
        Color::LightMagenta => "#ff8bff",
        Color::LightCyan => "#8bffff",
        Color::White => "#ffffff",
        Color::Rgb(r, g, b) => return format!("#{r:02x}{g:02x}{b:02x}"),
        Color::Indexed(_) => "#d4d4d4",
    };
    named.to_string()
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub fn to_svg(b: &Buffer) -> String {
    let (cw, ch) = (8.4_f32, 17.0_f32);
    let w = b.area.width as f32 * cw;
    let h = b.area.height as f32 * ch;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"14\">\n<rect width=\"100%\" height=\"100%\" fill=\"#1e1e1e\"/>\n"
    );
    for y in 0..b.area.height {
        for x in 0..b.area.width {
            let c = &b[(x, y)];
            let mut bg = c.bg;
            let mut fg = c.fg;
            if c.modifier.contains(Modifier::REVERSED) {
                std::mem::swap(&mut bg, &mut fg);
            }
            if bg != Color::Reset {
                out.push_str(&format!(
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{ch}\" fill=\"{}\"/>\n",
                    x as f32 * cw,
                    y as f32 * ch,
                    cw + 0.5,
                    hex(bg, false)
                ));
            }
            let s = c.symbol();
            if s.trim().is_empty() {
                continue;
            }
            let weight = if c.modifier.contains(Modifier::BOLD) {
                " font-weight=\"bold\""
            } else {
                ""
            };
            out.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"{}\"{weight}>{}</text>\n",
                x as f32 * cw,
                y as f32 * ch + 13.0,
                hex(fg, true),
                esc(s)
            ));
        }
    }
    out.push_str("</svg>\n");
    out
}
