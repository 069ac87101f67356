//! Text from AWS made safe to draw ([`clean`] and its kin), and EC2 timestamps.

/// Parses an EC2 timestamp (`2024-05-01T12:34:56.000Z`) to seconds since the epoch.
pub fn parse_time(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 19 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    // days from civil (Howard Hinnant's algorithm)
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// Strips control characters (C0, C1, DEL) and whole escape sequences (CSI, OSC, DCS, ...)
/// from an untrusted string, so it can neither move the cursor, clear the screen nor retitle
/// the terminal. Tabs become spaces; newlines are dropped (use [`clean_multiline`] to keep them).
pub fn clean(s: &str) -> String {
    clean_inner(s, false)
}

/// A console log as it would read on a terminal, safe to draw: CRLF line ends, a carriage
/// return overwriting its line (progress bars: what follows the last one), tabs to the next
/// stop of 8; then every escape sequence and control character removed.
pub fn console_text(raw: &str) -> String {
    // the sequences go first, so that a carriage return never lands inside one
    let raw = clean_keeping(raw, |c| matches!(c, '\n' | '\r' | '\t'));
    let mut out = String::with_capacity(raw.len());
    let mut cells: Vec<char> = Vec::new();
    for line in raw.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        cells.clear();
        let mut col = 0;
        let put = |cells: &mut Vec<char>, col: &mut usize, c: char| {
            if *col < cells.len() {
                cells[*col] = c;
            } else {
                cells.push(c);
            }
            *col += 1;
        };
        for c in line.chars() {
            match c {
                '\r' => col = 0,
                '\t' => {
                    for _ in 0..8 - col % 8 {
                        put(&mut cells, &mut col, ' ');
                    }
                }
                c => put(&mut cells, &mut col, c),
            }
        }
        out.extend(cells.iter());
        out.push('\n');
    }
    out.pop();
    out
}

/// Like [`clean`], but keeps `\n` so multi-line text (user data) keeps its lines.
pub fn clean_multiline(s: &str) -> String {
    clean_inner(s, true)
}

fn clean_inner(s: &str, keep_newlines: bool) -> String {
    if keep_newlines {
        clean_keeping(s, |c| c == '\n')
    } else {
        clean_keeping(s, |_| false)
    }
}

/// Removes escape sequences and control characters but those `keep` accepts.
fn clean_keeping(s: &str, keep: fn(char) -> bool) -> String {
    if !s.chars().any(is_control) {
        return s.to_string();
    }
    #[derive(PartialEq)]
    enum St {
        Text,
        Esc,
        Csi,
        /// OSC, DCS, SOS, PM, APC: a string ended by BEL or ST.
        Str,
        StrEsc,
    }
    let mut out = String::with_capacity(s.len());
    let mut st = St::Text;
    for c in s.chars() {
        st = match st {
            St::Text => match c {
                '\u{1b}' => St::Esc,
                '\u{9b}' => St::Csi,
                '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => St::Str,
                c if keep(c) => {
                    out.push(c);
                    St::Text
                }
                '\t' => {
                    out.push(' ');
                    St::Text
                }
                c if is_control(c) => St::Text,
                c => {
                    out.push(c);
                    St::Text
                }
            },
            St::Esc => match c {
                '[' => St::Csi,
                ']' | 'P' | 'X' | '^' | '_' => St::Str,
                // intermediates of an nF sequence: keep consuming
                ' '..='/' => St::Esc,
                _ => St::Text,
            },
            St::Csi => match c {
                '@'..='~' => St::Text,
                c if is_control(c) && c != '\u{1b}' => St::Csi,
                '\u{1b}' => St::Esc,
                _ => St::Csi,
            },
            St::Str => match c {
                '\u{7}' | '\u{9c}' => St::Text,
                '\u{1b}' => St::StrEsc,
                _ => St::Str,
            },
            St::StrEsc => match c {
                '\\' => St::Text,
                '\u{1b}' => St::StrEsc,
                _ => St::Str,
            },
        };
    }
    out
}

pub(super) fn is_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

pub(super) fn clean_pairs(v: &mut [(String, String)]) {
    for (a, b) in v {
        *a = clean(a);
        *b = clean(b);
    }
}

/// `2026-11-22 10:04 UTC` from epoch seconds, without a date library.
pub fn fmt_time(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // civil from days (Howard Hinnant's algorithm)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        secs / 3600,
        (secs % 3600) / 60
    )
}
