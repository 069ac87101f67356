//! A generic collection behind every resource table: items streamed in pages, load state,
//! newest-request-wins, sort, filter, marks, and a selection kept by resource id.
//!
//! This file is what a row type implements ([`Resource`], its [`Column`]s and [`Tone`]s) and
//! the helpers it builds its cells, comparisons and sort keys with; the machinery is in the
//! folder: [`Collection`] (`collection.rs`), sorting (`sort.rs`), the filter (`filter.rs`) and
//! [`TableOps`], the table as the core and the widget see it (`ops.rs`).

mod collection;
mod filter;
mod ops;
mod sort;

use std::cmp::Ordering;

use super::clip::CopyWhat;

pub use collection::{Collection, Load};
pub use filter::Term;
pub use ops::{RowCells, TableOps, TagTarget};

/// How a cell or a line should look; the theme decides the colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Normal,
    Good,
    Warn,
    Bad,
    Muted,
    Accent,
    /// A section heading in a details view.
    Heading,
}

/// A column of a resource table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub title: &'static str,
    /// Preferred width in cells; the table shrinks the widest columns first when short of room.
    pub width: u16,
    /// Lowest width before the column is dropped.
    pub min: u16,
    /// Not shown while every visible cell of it is empty (a column few rows fill).
    pub hide_empty: bool,
    /// The row's id itself (compared byte by byte): sorting by it is the id order the table
    /// keeps anyway, no sort at all.
    pub is_id: bool,
}

impl Column {
    pub const fn new(title: &'static str, width: u16, min: u16) -> Self {
        Self {
            title,
            width,
            min,
            hide_empty: false,
            is_id: false,
        }
    }
    /// Not shown while every visible cell of it is empty.
    pub const fn hide_empty(mut self) -> Self {
        self.hide_empty = true;
        self
    }
    /// The row's id, ordered as `str::cmp` orders it (see [`Column::is_id`]).
    pub const fn id(mut self) -> Self {
        self.is_id = true;
        self
    }
}

/// A row type of the generic table. Columns are named by the row's own `Col` type (an
/// enum), never by position.
pub trait Resource: Clone + PartialEq + Send + Sync + 'static {
    type Col: Copy + PartialEq + std::fmt::Debug + Send + Sync + 'static;
    fn id(&self) -> &str;
    /// Every column, in display order.
    fn columns() -> &'static [(Self::Col, Column)];
    /// The text of one cell; `now` is seconds since the epoch, for ages.
    fn cell(&self, col: Self::Col, now: i64) -> (String, Tone);
    /// Orders two rows by a column (ties are broken by id by the caller).
    fn compare(&self, other: &Self, col: Self::Col) -> Ordering;
    /// Lower-case text that the filter searches: every column and every tag key and value
    /// (a tag as `key=value`).
    fn filter_text(&self) -> String;
    /// A key that orders like `compare` on `col`: `key(a) < key(b)` must mean
    /// `compare(a, b) == Less`; equal keys whose lowest byte is 0 ("exact") must mean
    /// `Equal`; equal keys with a lowest byte of 1 are told apart by the keys of the next
    /// `level` (a string's next 15 bytes), or by `compare` where there are none. Sorting
    /// 100,000 rows by keys takes a few milliseconds where comparing them pair by pair takes
    /// tens. `None` (the default): `compare` only. Build keys with [`key_ci`],
    /// [`key_bytes`], [`key_num`], [`key_ip`].
    fn sort_key(&self, _col: Self::Col, _level: usize) -> Option<u128> {
        None
    }
    /// Its tags, for `Key=Value` filter terms, copies, exports and the tags form (none by
    /// default).
    fn tags(&self) -> &[(String, String)] {
        &[]
    }
    /// What another pane finds of this row through `Cx::find` / `Cx::rows`: the domain value
    /// (an `Instance` of an instances row), by default the row itself.
    fn domain(&self) -> &dyn std::any::Any {
        self
    }
    /// The type `domain` hands out (override both together).
    fn domain_type() -> std::any::TypeId {
        std::any::TypeId::of::<Self>()
    }
    /// Its rows can be tagged (`t`): false by default.
    fn taggable() -> bool {
        false
    }
    /// The id `CreateTags` knows it by: its id by default.
    fn tag_id(&self) -> &str {
        self.id()
    }
    /// Its tags changed (`t`): takes them, and what follows from them (a name).
    fn set_tags(&mut self, _tags: Vec<(String, String)>) {}
    /// A value `Y` copies other than JSON (its name, addresses; the id when the row's key is
    /// not the resource's id): none by default.
    fn value(&self, _what: CopyWhat) -> Option<String> {
        None
    }
    /// The resource part of its ARN (`instance/i-0123`), and whether the ARN names the
    /// account (an image's or snapshot's does not): none by default.
    fn arn_resource(&self) -> Option<(String, bool)> {
        None
    }
    /// The resource as JSON (`J`, copies, export): its domain type where it has one; by
    /// default its cells by column title.
    fn to_json(&self, now: i64) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        for (c, col) in Self::columns() {
            m.insert(col.title.to_string(), self.cell(*c, now).0.into());
        }
        serde_json::Value::Object(m)
    }
}

/// The sort key at `level` of a string compared ignoring case ([`cmp_ci`]).
pub fn key_ci(s: &str, level: usize) -> u128 {
    let b = s.as_bytes();
    let k = prefix(b, level, false);
    // ASCII so far: the lower-case string has the same bytes at the same places, and
    // lower-casing is done on the key's 15 bytes at once
    if k & ASCII_HIGH_BITS == 0 && b[..(level * 15).min(b.len())].is_ascii() {
        ascii_lower(k)
    } else {
        let lower: String = s.chars().flat_map(char::to_lowercase).collect();
        prefix(lower.as_bytes(), level, false)
    }
}

/// The high bit of each of a key's 15 string bytes.
const ASCII_HIGH_BITS: u128 = 0x8080_8080_8080_8080_8080_8080_8080_8000;

/// `A`-`Z` to `a`-`z` in every byte of a key whose bytes are all ASCII (no byte can carry
/// into the next: each is below 0x80).
fn ascii_lower(x: u128) -> u128 {
    const ONES: u128 = u128::MAX / 0xff;
    let ge_a = x + ONES * (0x80 - b'A' as u128);
    let gt_z = x + ONES * (0x80 - b'Z' as u128 - 1);
    let upper = ge_a & !gt_z & (ONES * 0x80);
    x | (upper >> 2)
}

/// The sort key at `level` of a string compared byte by byte (`str::cmp`).
pub fn key_bytes(s: &str, level: usize) -> u128 {
    prefix(s.as_bytes(), level, false)
}

/// Bytes `15 * level ..` of a string: 15 of them, big-endian and zero-padded (a string that
/// is a prefix of another never gets a greater key), then the exactness byte: 0 when nothing
/// followed them, 1 when more did. (Byte slices, not iterators: a sort makes 100,000.)
fn prefix(bytes: &[u8], level: usize, lower: bool) -> u128 {
    let rest = bytes
        .get((level * 15).min(bytes.len())..)
        .unwrap_or_default();
    let n = rest.len().min(15);
    let mut buf = [0u8; 16];
    buf[..n].copy_from_slice(&rest[..n]);
    if lower {
        buf[..n].make_ascii_lowercase();
    }
    buf[15] = (rest.len() > 15) as u8;
    u128::from_be_bytes(buf)
}

/// An exact sort key of a number (or an optional one: `None` first, as `Option` orders).
pub fn key_num(t: Option<i64>) -> u128 {
    t.map_or(0, |t| ((t as u64 ^ (1 << 63)) as u128) + 1) << 8
}

/// The sort key agreeing with [`cmp_ip`]: addresses numerically, then everything else (by
/// its bytes, from the next level on).
pub fn key_ip(s: &str, level: usize) -> u128 {
    match (level, s.parse::<std::net::Ipv4Addr>()) {
        (0, Ok(ip)) => (u32::from(ip) as u128) << 8,
        (0, Err(_)) => (1 << 40) | 1,
        (_, _) => key_bytes(s, level - 1),
    }
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

/// Compares two strings ignoring case, without allocating (sorting 100,000 rows makes
/// millions of comparisons).
pub fn cmp_ci(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        a.bytes()
            .map(|c| c.to_ascii_lowercase())
            .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
    } else {
        a.chars()
            .flat_map(char::to_lowercase)
            .cmp(b.chars().flat_map(char::to_lowercase))
    }
}

/// Lower-case filter text, cheaply when it is ASCII.
pub fn lower(mut s: String) -> String {
    if s.is_ascii() {
        s.make_ascii_lowercase();
        s
    } else {
        s.to_lowercase()
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
