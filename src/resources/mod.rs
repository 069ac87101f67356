//! One module per resource kind: columns, cells, sort keys and filter text. These feed one
//! generic table (`app::table::Collection`) and one generic table widget.

pub mod amis;
pub mod events;
pub mod instances;
pub mod journal;
pub mod volumes;

use std::cmp::Ordering;

/// How a cell should look; the theme decides the colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Normal,
    Good,
    Warn,
    Bad,
    Muted,
    Accent,
}

/// A column of a resource table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub title: &'static str,
    /// Preferred width in cells; the table shrinks the widest columns first when short of room.
    pub width: u16,
    /// Lowest width before the column is dropped.
    pub min: u16,
}

/// A row type of the generic table.
pub trait Resource: Clone {
    fn id(&self) -> &str;
    fn columns() -> &'static [Column];
    /// The text of one cell; `now` is seconds since the epoch, for ages.
    fn cell(&self, col: usize, now: i64) -> (String, Tone);
    /// Orders two rows by a column (ties are broken by id by the caller).
    fn compare(&self, other: &Self, col: usize) -> Ordering;
    /// Lower-case text that the filter searches: every column and every tag key and value.
    fn filter_text(&self) -> String;
}

/// "3d", "5h", "12m", "40s": how long ago, compactly.
pub fn age(then: Option<i64>, now: i64) -> String {
    let Some(then) = then else {
        return String::new();
    };
    let d = (now - then).max(0);
    match d {
        0..60 => format!("{d}s"),
        60..3600 => format!("{}m", d / 60),
        3600..86_400 => format!("{}h", d / 3600),
        86_400..31_536_000 => format!("{}d", d / 86_400),
        _ => format!("{}y{}d", d / 31_536_000, (d % 31_536_000) / 86_400),
    }
}

/// Compares dotted IPv4 addresses numerically; empty sorts last.
pub fn cmp_ip(a: &str, b: &str) -> Ordering {
    fn key(s: &str) -> Option<u32> {
        s.parse::<std::net::Ipv4Addr>().ok().map(u32::from)
    }
    match (key(a), key(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}
