//! A generic collection behind every resource table: items streamed in pages, load state,
//! newest-request-wins, sort, filter, marks, and a selection kept by resource id.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use super::Context;
use super::clip::CopyWhat;
use super::export::Sheet;
use crate::aws::ApiError;

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

/// One term of a filter: `text` (the row contains it), `!text` (it does not), `Key=Value`
/// (it has that tag: that whole key and value, ignoring case like every term).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    Has(String),
    Not(String),
    Tag(String, String),
}

impl Term {
    /// Parses a filter: space-separated terms, all of which must match. Plain and `!` terms
    /// are lower-case (the filter text is); a tag term keeps its case (shown as typed).
    pub fn parse(filter: &str) -> Vec<Term> {
        filter
            .split_whitespace()
            .filter_map(|t| {
                if let Some(rest) = t.strip_prefix('!') {
                    return (!rest.is_empty()).then(|| Term::Not(rest.to_lowercase()));
                }
                match t.split_once('=') {
                    Some((k, v)) if !k.is_empty() => Some(Term::Tag(k.to_string(), v.to_string())),
                    _ => Some(Term::Has(t.to_lowercase())),
                }
            })
            .collect()
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

/// Every item index in the order of `col` (ties by id; `desc` reverses all of it), given
/// every item index in id order (`by_id`). With sort keys: each row's keys are made once (on
/// two threads for big tables), the (key, index) pairs are laid out in id order and sorted
/// stably, so equal keys stay in id order without comparing ids; only the runs whose keys are
/// cut short are refined (`refine`). Without: one stable sort by the comparison.
fn sorted<R: Resource>(items: &[R], by_id: &[u32], col: R::Col, desc: bool) -> Vec<u32> {
    let is_id = R::columns().iter().any(|(c, k)| *c == col && k.is_id);
    let mut order = if is_id {
        by_id.to_vec()
    } else if let Some(keys) = column_keys(items, col) {
        let mut keyed: Vec<(u128, u32)> = by_id.iter().map(|&i| (keys[i as usize].0, i)).collect();
        sort_stable(&mut keyed);
        refine(items, col, 0, &mut keyed, &keys);
        keyed.into_iter().map(|e| e.1).collect()
    } else {
        let mut order = by_id.to_vec();
        order.sort_by(|a, b| items[*a as usize].compare(&items[*b as usize], col));
        order
    };
    if desc {
        order.reverse();
    }
    order
}

/// Stands for "no key" where a key is kept: no key builder makes a lowest byte of 0xff.
const NO_KEY: u128 = u128::MAX;

/// Every item's sort keys on `col` at levels 0 and 1 (the second only where the first is cut
/// short, else [`NO_KEY`]), by item index; `None` when the column has none. Reading each row's field
/// is most of the work (a cache miss or two a row), so both levels are made while it is at
/// hand, and at 20,000 rows and more on two threads.
fn column_keys<R: Resource>(items: &[R], col: R::Col) -> Option<Vec<(u128, u128)>> {
    let keys = |rows: &[R]| -> Option<Vec<(u128, u128)>> {
        rows.iter()
            .map(|r| {
                let k = r.sort_key(col, 0)?;
                let next = if k & 0xff != 0 {
                    r.sort_key(col, 1).unwrap_or(NO_KEY)
                } else {
                    NO_KEY
                };
                Some((k, next))
            })
            .collect()
    };
    if items.len() < 20_000 {
        return keys(items);
    }
    let (first, second) = items.split_at(items.len() / 2);
    let (a, b) = std::thread::scope(|s| {
        let other = s.spawn(|| keys(second));
        (keys(first), other.join().ok().flatten())
    });
    let (mut a, b) = (a?, b?);
    a.extend(b);
    Some(a)
}

/// A stable sort by key: at 20,000 and more, each half on its own thread, then merged (the
/// first half's element first among equals: stable).
fn sort_stable(keyed: &mut [(u128, u32)]) {
    if keyed.len() < 20_000 {
        keyed.sort_by_key(|e| e.0);
        return;
    }
    let mid = keyed.len() / 2;
    let (a, b) = keyed.split_at_mut(mid);
    std::thread::scope(|s| {
        s.spawn(|| b.sort_by_key(|e| e.0));
        a.sort_by_key(|e| e.0);
    });
    let first = keyed[..mid].to_vec();
    let (mut i, mut j, mut out) = (0, mid, 0);
    while i < first.len() {
        if j < keyed.len() && keyed[j].0 < first[i].0 {
            keyed[out] = keyed[j];
            j += 1;
        } else {
            keyed[out] = first[i];
            i += 1;
        }
        out += 1;
    }
}

/// Orders the runs of `keyed` (sorted stably by their keys at `level`, so in id order within
/// a run of equal keys) that the keys leave undecided, those cut short: by the next level's
/// keys (level 1's from `keys`, made beforehand), or by comparing where there are none. Both
/// sorts are stable: ties stay in id order.
fn refine<R: Resource>(
    items: &[R],
    col: R::Col,
    level: usize,
    keyed: &mut [(u128, u32)],
    keys: &[(u128, u128)],
) {
    let mut start = 0;
    while start < keyed.len() {
        let k = keyed[start].0;
        let mut end = start + 1;
        while end < keyed.len() && keyed[end].0 == k {
            end += 1;
        }
        let run = &mut keyed[start..end];
        if run.len() > 1 && k & 0xff != 0 {
            let deeper = level < 64
                && run.iter_mut().all(|e| {
                    let next = if level == 0 {
                        Some(keys[e.1 as usize].1).filter(|&k| k != NO_KEY)
                    } else {
                        items[e.1 as usize].sort_key(col, level + 1)
                    };
                    next.map(|k| e.0 = k).is_some()
                });
            if deeper {
                run.sort_by_key(|e| e.0);
                refine(items, col, level + 1, run, keys);
            } else {
                run.sort_by(|a, b| items[a.1 as usize].compare(&items[b.1 as usize], col));
            }
        }
        start = end;
    }
}

/// `old` (ordered by `cmp`) with `fresh` placed in: `fresh` is sorted, then each goes in by
/// binary search (a page of 1,000 into 100,000 costs ~17,000 comparisons, not 100,000),
/// the runs between copied whole.
fn merge_in(old: &[u32], mut fresh: Vec<u32>, cmp: impl Fn(&u32, &u32) -> Ordering) -> Vec<u32> {
    fresh.sort_by(&cmp);
    let mut merged = Vec::with_capacity(old.len() + fresh.len());
    let mut from = 0;
    for f in fresh {
        let at = from + old[from..].partition_point(|o| cmp(o, &f) != Ordering::Greater);
        merged.extend_from_slice(&old[from..at]);
        merged.push(f);
        from = at;
    }
    merged.extend_from_slice(&old[from..]);
    merged
}

/// Where a collection's load stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Load {
    Idle,
    /// Pages are arriving for request `req`; `pages` have arrived so far.
    Loading {
        req: u64,
        pages: usize,
    },
    Loaded,
    Failed(ApiError),
}

/// The filter text of every item in one contiguous buffer, searched with one `memmem` pass
/// (per-item strings cost a pointer chase and ~40 bytes each). Replaced items append their new
/// text; the old text becomes garbage until the next compaction.
#[derive(Default)]
struct Haystack {
    text: String,
    /// (start, len) of each item's text, by item index.
    spans: Vec<(u32, u32)>,
    /// (start, item) in increasing start order; entries whose start no longer matches the
    /// item's span are stale.
    starts: Vec<(u32, u32)>,
    garbage: usize,
}

impl Haystack {
    fn push(&mut self, idx: usize, t: &str) {
        let start = self.text.len() as u32;
        self.text.push_str(t);
        self.text.push('\n');
        let span = (start, t.len() as u32);
        if idx < self.spans.len() {
            self.garbage += self.spans[idx].1 as usize + 1;
            self.spans[idx] = span;
        } else {
            self.spans.push(span);
        }
        self.starts.push((start, idx as u32));
    }

    /// Keeps the text of the items `kept` marks (by item index; those past its end too),
    /// renumbered; the rest and the garbage go.
    fn retain(&mut self, kept: &[bool]) {
        let old = std::mem::take(self);
        for (i, &(s, l)) in old.spans.iter().enumerate() {
            if kept.get(i) != Some(&false) {
                self.push(self.spans.len(), &old.text[s as usize..(s + l) as usize]);
            }
        }
    }

    /// Copies the live text into a new buffer once half of it is garbage.
    fn compact_if_needed(&mut self) {
        if self.garbage > self.text.len() / 2 {
            self.retain(&[]);
        }
    }

    /// Marks the items whose text contains `needle`.
    fn search(&self, needle: &str, matched: &mut Vec<bool>) {
        matched.clear();
        matched.resize(self.spans.len(), false);
        let finder = memchr::memmem::Finder::new(needle.as_bytes());
        let text = self.text.as_bytes();
        let n = needle.len();
        // hits come in increasing position: the item a hit is in is found by walking the
        // starts along with them (not a binary search per hit), and once an item matched,
        // the search goes on after its text (a one-letter term hits most items many times)
        let mut pos = 0;
        let mut k = 0;
        while let Some(off) = text.get(pos..).and_then(|t| finder.find(t)) {
            let p = pos + off;
            while k + 1 < self.starts.len() && self.starts[k + 1].0 as usize <= p {
                k += 1;
            }
            pos = p + 1;
            let Some(&(start, idx)) = self.starts.get(k) else {
                break;
            };
            let (s, l) = self.spans[idx as usize];
            if s == start && start as usize <= p && p + n <= (s + l) as usize {
                matched[idx as usize] = true;
                pos = (s + l) as usize + 1;
            }
        }
    }

    /// The text held for item `idx`.
    fn get(&self, idx: usize) -> &str {
        self.spans
            .get(idx)
            .map_or("", |&(s, l)| &self.text[s as usize..(s + l) as usize])
    }

    fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.spans.shrink_to_fit();
        self.starts.shrink_to_fit();
    }
}

pub struct Collection<R: Resource> {
    items: Vec<R>,
    hay: Haystack,
    matched: Vec<bool>,
    /// The matches of one filter term, reused from keystroke to keystroke.
    term_hits: Vec<bool>,
    index: HashMap<String, usize>,
    /// Every item index in id order (kept as pages merge in): a sort lays its keys out in
    /// this order and sorts stably, so ties come out ordered by id without comparing ids.
    by_id: Vec<u32>,
    pub load: Load,
    /// The latest request id; results of older requests are dropped.
    pub latest_req: u64,
    /// Items (by index) seen by the load in progress, to drop vanished ones when it
    /// completes; empty (no memory held) between loads.
    seen: Vec<bool>,
    /// When (seconds, the app's clock) the load in progress last made progress: started or
    /// got a page. A listing still making progress is never restarted.
    pub progress_at: i64,
    /// The position of the column sorted by (in `R::columns()`), and whether descending.
    sort: (usize, bool),
    filter: String,
    /// All item indices, sorted.
    order: Vec<u32>,
    /// The indices that pass the filter, in sort order: the rows.
    view: Vec<u32>,
    order_dirty: bool,
    /// Items added since the order was last brought up to date: merged in, not re-sorted.
    pending: Vec<u32>,
    view_dirty: bool,
    selected: Option<String>,
    /// The user picked a row (moved, or a row was selected by id): the selection then
    /// follows that row; until then it stays on the top row while pages merge in.
    chosen: bool,
    cursor: usize,
    /// The first row shown.
    pub offset: usize,
    marks: HashSet<String>,
}

impl<R: Resource> Default for Collection<R> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            hay: Haystack::default(),
            matched: Vec::new(),
            term_hits: Vec::new(),
            index: HashMap::new(),
            by_id: Vec::new(),
            load: Load::Idle,
            latest_req: 0,
            seen: Vec::new(),
            progress_at: 0,
            sort: (0, false),
            filter: String::new(),
            order: Vec::new(),
            view: Vec::new(),
            order_dirty: false,
            pending: Vec::new(),
            view_dirty: false,
            selected: None,
            chosen: false,
            cursor: 0,
            offset: 0,
            marks: HashSet::new(),
        }
    }
}

impl<R: Resource> Collection<R> {
    /// Starts a load for request `req`.
    pub fn begin(&mut self, req: u64) {
        self.latest_req = req;
        self.load = Load::Loading { req, pages: 0 };
        self.seen = Vec::new();
    }

    pub fn is_loading(&self) -> bool {
        matches!(self.load, Load::Loading { .. })
    }

    /// Applies one page of request `req`. Returns false (and changes nothing) if the page
    /// belongs to an older request.
    pub fn apply_page(&mut self, req: u64, page: Vec<R>, last: bool) -> bool {
        let Load::Loading {
            req: current,
            pages,
        } = &mut self.load
        else {
            return false;
        };
        if *current != req || req != self.latest_req {
            return false;
        }
        *pages += 1;
        for item in page {
            let i = self.upsert(item);
            if self.seen.len() <= i {
                self.seen.resize(self.items.len().max(i + 1), false);
            }
            self.seen[i] = true;
        }
        if last {
            self.finish();
        }
        true
    }

    /// The load of request `req` brought back item `id` as it is: seen, nothing to apply (a
    /// refresh mostly brings rows back unchanged; building each again only to drop it costs
    /// time and memory). False if `req` is not the load in progress or there is no `id`.
    pub fn still_there(&mut self, req: u64, id: &str) -> bool {
        let current = matches!(self.load, Load::Loading { req: r, .. } if r == req);
        let Some(&i) = self
            .index
            .get(id)
            .filter(|_| current && req == self.latest_req)
        else {
            return false;
        };
        if self.seen.len() <= i {
            self.seen.resize(self.items.len(), false);
        }
        self.seen[i] = true;
        true
    }

    /// The load completed: rows it did not see vanished, all at once (never mid-load).
    fn finish(&mut self) {
        let mut seen = std::mem::take(&mut self.seen);
        seen.resize(self.items.len(), false);
        if seen.iter().any(|s| !s) {
            let mut i = 0;
            self.retain(|_| {
                i += 1;
                seen[i - 1]
            });
        }
        // growth slack of a big load is a third of the memory held: give it back
        self.items.shrink_to_fit();
        self.by_id.shrink_to_fit();
        self.index.shrink_to_fit();
        self.hay.shrink_to_fit();
        self.load = Load::Loaded;
    }

    /// Records a failed load of request `req`; items already shown stay.
    pub fn fail(&mut self, req: u64, err: ApiError) -> bool {
        if req != self.latest_req {
            return false;
        }
        self.load = Load::Failed(err);
        self.seen = Vec::new();
        true
    }

    /// Inserts or replaces one item (by id). The order is kept up to date incrementally: a
    /// new item waits to be merged in (`refresh_view`), a replacement that sorts the same
    /// keeps its place, and only a replacement that moves makes a full sort.
    /// Returns the item's index.
    pub fn upsert(&mut self, item: R) -> usize {
        let i = match self.index.get(item.id()) {
            // a refresh mostly brings the same rows back: those are left as they are (no
            // copy, no new text, nothing to sort again)
            Some(&i) if self.items[i] == item => return i,
            Some(&i) => {
                let col = R::columns()[self.sort.0].0;
                if self.items[i].compare(&item, col) != Ordering::Equal {
                    self.order_dirty = true;
                }
                let hay = item.filter_text();
                self.items[i] = item;
                // a changed row's text often stays the same: it is not copied again then
                if self.hay.get(i) != hay {
                    self.hay.push(i, &hay);
                    self.hay.compact_if_needed();
                }
                i
            }
            None => {
                let i = self.items.len();
                self.index.insert(item.id().to_string(), i);
                self.hay.push(i, &item.filter_text());
                self.items.push(item);
                self.pending.push(i as u32);
                i
            }
        };
        self.view_dirty = true;
        i
    }

    /// Changes one item in place (keeps it in the table; sorts again).
    pub fn update(&mut self, id: &str, f: impl FnOnce(&mut R)) {
        if let Some(&i) = self.index.get(id) {
            f(&mut self.items[i]);
            let hay = self.items[i].filter_text();
            self.hay.push(i, &hay);
            self.hay.compact_if_needed();
            self.order_dirty = true;
        }
    }

    /// Removes one item (by id).
    pub fn remove(&mut self, id: &str) {
        if let Some(&i) = self.index.get(id) {
            let mut at = 0;
            self.retain(|_| {
                at += 1;
                at - 1 != i
            });
        }
    }

    /// Keeps only the items `keep` accepts (called once per item, in index order),
    /// rebuilding the index and filter text once (removing many one by one would rebuild
    /// them each time).
    pub fn retain(&mut self, mut keep: impl FnMut(&R) -> bool) {
        let kept: Vec<bool> = self.items.iter().map(&mut keep).collect();
        if kept.iter().all(|&k| k) {
            return;
        }
        let mut k = kept.iter();
        self.items.retain(|_| k.next() == Some(&true));
        // the orders (and the rows shown, until the view is brought up to date) keep theirs,
        // renumbered: no sort
        let mut renumber = vec![u32::MAX; kept.len()];
        for (next, (i, _)) in kept.iter().enumerate().filter(|(_, k)| **k).enumerate() {
            renumber[i] = next as u32;
        }
        for v in [
            &mut self.order,
            &mut self.by_id,
            &mut self.pending,
            &mut self.view,
        ] {
            v.retain_mut(|i| {
                *i = renumber[*i as usize];
                *i != u32::MAX
            });
        }
        // the load in progress keeps what it has seen
        let mut k = kept.iter();
        self.seen.retain(|_| k.next() == Some(&true));
        self.index = self
            .items
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id().to_string(), i))
            .collect();
        let index = &self.index;
        self.marks.retain(|m| index.contains_key(m));
        self.hay.retain(&kept);
        self.view_dirty = true;
    }

    /// Every item's id, in no particular order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.items.iter().map(|r| r.id())
    }

    pub fn get(&self, id: &str) -> Option<&R> {
        self.index.get(id).map(|&i| &self.items[i])
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn filter(&self) -> &str {
        &self.filter
    }

    /// Sets the filter: space-separated terms that must all match (see [`Term`]).
    pub fn set_filter(&mut self, f: &str) {
        if f != self.filter {
            self.filter = f.to_string();
            self.view_dirty = true;
        }
    }

    /// Marks in `self.matched` the items that pass every term of the filter: one `memmem`
    /// pass over the filter text per term, no allocation per item.
    fn apply_filter(&mut self) {
        let n = self.items.len();
        self.matched.clear();
        self.matched.resize(n, true);
        for term in Term::parse(&self.filter) {
            let tag_text;
            let needle = match &term {
                Term::Has(t) | Term::Not(t) => t.as_str(),
                Term::Tag(k, v) => {
                    tag_text = format!("{k}={v}").to_lowercase();
                    tag_text.as_str()
                }
            };
            self.hay.search(needle, &mut self.term_hits);
            for (i, m) in self.matched.iter_mut().enumerate() {
                if !*m {
                    continue;
                }
                let hit = self.term_hits[i];
                *m = match &term {
                    Term::Has(_) => hit,
                    Term::Not(_) => !hit,
                    // the text only narrows it down: the tag must be exactly this (the
                    // whole key and value, ignoring case as every term does)
                    Term::Tag(k, v) => {
                        hit && self.items[i].tags().iter().any(|(tk, tv)| {
                            cmp_ci(tk, k) == Ordering::Equal && cmp_ci(tv, v) == Ordering::Equal
                        })
                    }
                };
            }
        }
    }

    /// Sorts by a column, named by the row type's column enum.
    pub fn set_sort(&mut self, col: R::Col, desc: bool) {
        let pos = R::columns()
            .iter()
            .position(|(c, _)| *c == col)
            .unwrap_or(0);
        self.set_sort_pos(pos, desc);
    }

    fn set_sort_pos(&mut self, pos: usize, desc: bool) {
        if (pos, desc) == self.sort {
            return;
        }
        if pos == self.sort.0 && !self.order_dirty {
            // the other way round, ties too: the same order reversed (pages still to merge
            // are merged into it the new way)
            self.order.reverse();
            self.view_dirty = true;
        } else {
            self.order_dirty = true;
        }
        self.sort = (pos, desc);
    }

    /// The column sorted by, and whether descending.
    pub fn sort_by(&self) -> (R::Col, bool) {
        (R::columns()[self.sort.0].0, self.sort.1)
    }

    /// The cells of the visible rows for the columns at `cols` (positions): what the table
    /// widget draws.
    pub fn visible_cells(&self, height: usize, cols: &[usize], now: i64) -> Vec<RowCells> {
        let all = R::columns();
        self.visible(height)
            .map(|(pos, r)| RowCells {
                pos,
                marked: self.is_marked(r.id()),
                cells: cols.iter().map(|&c| r.cell(all[c].0, now)).collect(),
            })
            .collect()
    }

    /// Brings order, view and cursor up to date. Cheap when nothing changed; call before
    /// reading rows.
    pub fn refresh_view(&mut self) {
        let (pos, desc) = self.sort;
        let col = R::columns()[pos].0;
        let items = &self.items;
        if !self.pending.is_empty() {
            // new items (a page): merged into the id order, and into the order unless that is
            // sorted afresh anyway
            let fresh = std::mem::take(&mut self.pending);
            if !self.order_dirty {
                let cmp = |a: &u32, b: &u32| {
                    let (x, y) = (&items[*a as usize], &items[*b as usize]);
                    let o = x.compare(y, col).then_with(|| x.id().cmp(y.id()));
                    if desc { o.reverse() } else { o }
                };
                self.order = merge_in(&self.order, fresh.clone(), cmp);
                self.view_dirty = true;
            }
            self.by_id = merge_in(&self.by_id, fresh, |a, b| {
                items[*a as usize].id().cmp(items[*b as usize].id())
            });
        }
        if self.order_dirty {
            self.order = sorted(items, &self.by_id, col, desc);
            self.order_dirty = false;
            self.view_dirty = true;
        }
        if self.view_dirty {
            if self.filter.is_empty() {
                self.view.clone_from(&self.order);
            } else {
                self.apply_filter();
                let matched = &self.matched;
                self.view = self
                    .order
                    .iter()
                    .copied()
                    .filter(|&i| matched[i as usize])
                    .collect();
            }
            self.view_dirty = false;
            self.reselect();
        }
    }

    /// Puts the cursor back on the selected id; if that row is gone (filtered out, vanished),
    /// the cursor stays at the same position and selects what is there.
    fn reselect(&mut self) {
        if !self.chosen {
            self.cursor = 0;
            self.offset = 0;
            self.selected = self
                .view
                .first()
                .map(|&i| self.items[i as usize].id().to_string());
            return;
        }
        if let Some(id) = &self.selected
            && let Some(&i) = self.index.get(id)
            && let Some(pos) = self.view.iter().position(|&v| v as usize == i)
        {
            self.cursor = pos;
            return;
        }
        self.cursor = self.cursor.min(self.view.len().saturating_sub(1));
        self.selected = self
            .view
            .get(self.cursor)
            .map(|&i| self.items[i as usize].id().to_string());
    }

    /// Number of rows shown (after the filter).
    pub fn rows(&self) -> usize {
        self.view.len()
    }

    /// The row at a position of the view.
    pub fn row(&self, pos: usize) -> Option<&R> {
        self.view.get(pos).map(|&i| &self.items[i as usize])
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn selected(&self) -> Option<&R> {
        self.selected.as_deref().and_then(|id| self.get(id))
    }

    pub fn selected_id(&self) -> Option<&str> {
        self.selected.as_deref()
    }

    /// Moves the cursor by `delta` rows, clamped, keeping it within `height` visible rows.
    pub fn move_by(&mut self, delta: isize, height: usize) {
        self.refresh_view();
        if self.view.is_empty() {
            return;
        }
        let max = self.view.len() - 1;
        let pos = (self.cursor as isize + delta).clamp(0, max as isize) as usize;
        self.select_pos(pos, height);
    }

    pub fn select_pos(&mut self, pos: usize, height: usize) {
        self.chosen = true;
        self.cursor = pos.min(self.view.len().saturating_sub(1));
        self.selected = self.row(self.cursor).map(|r| r.id().to_string());
        self.scroll_into_view(height);
    }

    /// Selects a row by id, if it is shown.
    pub fn select_id(&mut self, id: &str, height: usize) {
        self.chosen = true;
        self.selected = Some(id.to_string());
        self.view_dirty = true;
        self.refresh_view();
        self.scroll_into_view(height);
    }

    /// Keeps the offset such that the cursor is visible in `height` rows.
    pub fn scroll_into_view(&mut self, height: usize) {
        let height = height.max(1);
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + height {
            self.offset = self.cursor + 1 - height;
        }
        let max_offset = self.view.len().saturating_sub(height);
        self.offset = self.offset.min(max_offset);
    }

    /// Marks or unmarks the selected row.
    pub fn toggle_mark(&mut self) {
        if let Some(id) = self.selected.clone()
            && !self.marks.remove(&id)
        {
            self.marks.insert(id);
        }
    }

    pub fn is_marked(&self, id: &str) -> bool {
        self.marks.contains(id)
    }

    pub fn marks(&self) -> &HashSet<String> {
        &self.marks
    }

    pub fn clear_marks(&mut self) {
        self.marks.clear();
    }

    /// What an action applies to: the marked rows (in view order), else the selected row.
    pub fn targets(&self) -> Vec<&R> {
        if self.marks.is_empty() {
            return self.selected().into_iter().collect();
        }
        let mut out: Vec<&R> = self.marks.iter().filter_map(|id| self.get(id)).collect();
        out.sort_by(|a, b| a.id().cmp(b.id()));
        out
    }

    /// The rows visible from the offset, at most `height`.
    pub fn visible(&self, height: usize) -> impl Iterator<Item = (usize, &R)> {
        let end = (self.offset + height).min(self.view.len());
        (self.offset.min(end)..end).map(move |p| (p, &self.items[self.view[p] as usize]))
    }
}

/// One drawn row: its position in the view, whether it is marked, and its cells.
pub struct RowCells {
    pub pos: usize,
    pub marked: bool,
    pub cells: Vec<(String, Tone)>,
}

/// A row `t` edits: the id the API knows it by, its row id, its tags.
pub type TagTarget = (String, String, Vec<(String, String)>);

/// What every pane's table can do, whatever its rows: lets keys and the table widget work
/// on the focused pane without knowing its resource type.
pub trait TableOps {
    fn refresh_view(&mut self);
    fn move_by(&mut self, delta: isize, height: usize);
    fn scroll_into_view(&mut self, height: usize);
    fn filter(&self) -> &str;
    fn set_filter(&mut self, f: &str);
    /// Position of the sorted column, and whether descending.
    fn sort(&self) -> (usize, bool);
    fn set_sort_pos(&mut self, pos: usize, desc: bool);
    fn columns(&self) -> Vec<Column>;
    fn toggle_mark(&mut self);
    fn clear_marks(&mut self);
    fn marks_len(&self) -> usize;
    fn is_loading(&self) -> bool;
    fn load(&self) -> &Load;
    /// The listing made progress (began, got a page) at `now`.
    fn progressed(&mut self, now: i64);
    fn selected_id(&self) -> Option<&str>;
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn rows(&self) -> usize;
    fn cursor(&self) -> usize;
    fn visible_cells(&self, height: usize, cols: &[usize], now: i64) -> Vec<RowCells>;
    /// The ids an action applies to: the marked rows, else the selected one.
    fn target_ids(&self) -> Vec<String>;
    /// What `y` / `Y` copies of the targets; an error says why there is nothing to copy.
    fn copy_values(&self, what: CopyWhat, ctx: &Context, now: i64) -> Result<Vec<String>, String>;
    /// A row as JSON, by id.
    fn json_of(&self, id: &str, now: i64) -> Option<serde_json::Value>;
    /// The rows as shown (filter and sort applied), every column, with their tags; a cell
    /// drawn as a muted "-" (nothing) is empty.
    fn sheet(&self, now: i64) -> Sheet;
    /// Its rows have tags that `t` edits.
    fn taggable(&self) -> bool;
    /// The targets' (API id, row id, tags).
    fn tag_targets(&self) -> Vec<TagTarget>;
    /// A row's tags, by row id.
    fn tags_of(&self, id: &str) -> Option<Vec<(String, String)>>;
    /// Gives a row new tags, by row id.
    fn set_tags(&mut self, id: &str, tags: Vec<(String, String)>);
    /// A row's domain value (`Resource::domain`), by row id.
    fn find_any(&self, id: &str) -> Option<&dyn std::any::Any>;
    /// Every row's domain value, in no particular order.
    fn rows_any(&self) -> Box<dyn Iterator<Item = &dyn std::any::Any> + '_>;
    /// The type of its rows' domain values (`Resource::domain_type`).
    fn domain_type(&self) -> std::any::TypeId;
}

impl<R: Resource> TableOps for Collection<R> {
    fn refresh_view(&mut self) {
        Collection::refresh_view(self)
    }
    fn move_by(&mut self, delta: isize, height: usize) {
        Collection::move_by(self, delta, height)
    }
    fn scroll_into_view(&mut self, height: usize) {
        Collection::scroll_into_view(self, height)
    }
    fn filter(&self) -> &str {
        Collection::filter(self)
    }
    fn set_filter(&mut self, f: &str) {
        Collection::set_filter(self, f)
    }
    fn sort(&self) -> (usize, bool) {
        self.sort
    }
    fn set_sort_pos(&mut self, pos: usize, desc: bool) {
        Collection::set_sort_pos(self, pos, desc)
    }
    fn columns(&self) -> Vec<Column> {
        R::columns().iter().map(|(_, c)| *c).collect()
    }
    fn toggle_mark(&mut self) {
        Collection::toggle_mark(self)
    }
    fn clear_marks(&mut self) {
        Collection::clear_marks(self)
    }
    fn marks_len(&self) -> usize {
        self.marks().len()
    }
    fn progressed(&mut self, now: i64) {
        self.progress_at = now;
    }
    fn is_loading(&self) -> bool {
        Collection::is_loading(self)
    }
    fn load(&self) -> &Load {
        &self.load
    }
    fn selected_id(&self) -> Option<&str> {
        Collection::selected_id(self)
    }
    fn len(&self) -> usize {
        Collection::len(self)
    }
    fn rows(&self) -> usize {
        Collection::rows(self)
    }
    fn cursor(&self) -> usize {
        Collection::cursor(self)
    }
    fn visible_cells(&self, height: usize, cols: &[usize], now: i64) -> Vec<RowCells> {
        Collection::visible_cells(self, height, cols, now)
    }
    fn target_ids(&self) -> Vec<String> {
        self.targets().iter().map(|r| r.id().to_string()).collect()
    }
    fn copy_values(&self, what: CopyWhat, ctx: &Context, now: i64) -> Result<Vec<String>, String> {
        let rows = self.targets();
        if rows.is_empty() {
            return Err("nothing selected to copy".into());
        }
        let mut out = Vec::with_capacity(rows.len());
        let mut lacking = None;
        for r in rows {
            let v = match what {
                // a row's key is not always the resource's id (an event's is `<id>#<n>`)
                CopyWhat::Id => Some(r.value(CopyWhat::Id).unwrap_or_else(|| r.id().to_string())),
                CopyWhat::Json => Some(r.to_json(now).to_string()),
                CopyWhat::Arn => match r.arn_resource() {
                    Some((res, true)) => {
                        let Some(account) = ctx.account.as_deref() else {
                            return Err(
                                "the account is not known yet (GetCallerIdentity): press Ctrl-r and copy again".into(),
                            );
                        };
                        Some(format!("arn:aws:ec2:{}:{account}:{res}", ctx.region))
                    }
                    Some((res, false)) => Some(format!("arn:aws:ec2:{}::{res}", ctx.region)),
                    None => None,
                },
                other => r.value(other).filter(|v| !v.is_empty()),
            };
            match v {
                Some(v) => out.push(v),
                // the others are still copied (the caller says how many were left out)
                None => {
                    lacking.get_or_insert_with(|| format!("{} has no {}", r.id(), what.label()));
                }
            }
        }
        match lacking {
            Some(why) if out.is_empty() => Err(why),
            _ => Ok(out),
        }
    }
    fn json_of(&self, id: &str, now: i64) -> Option<serde_json::Value> {
        self.get(id).map(|r| r.to_json(now))
    }
    fn taggable(&self) -> bool {
        R::taggable()
    }
    fn tag_targets(&self) -> Vec<TagTarget> {
        self.targets()
            .iter()
            .map(|r| {
                (
                    r.tag_id().to_string(),
                    r.id().to_string(),
                    r.tags().to_vec(),
                )
            })
            .collect()
    }
    fn tags_of(&self, id: &str) -> Option<Vec<(String, String)>> {
        self.get(id).map(|r| r.tags().to_vec())
    }
    fn set_tags(&mut self, id: &str, tags: Vec<(String, String)>) {
        self.update(id, |r| r.set_tags(tags));
    }
    fn find_any(&self, id: &str) -> Option<&dyn std::any::Any> {
        self.get(id).map(Resource::domain)
    }
    fn rows_any(&self) -> Box<dyn Iterator<Item = &dyn std::any::Any> + '_> {
        Box::new(self.items.iter().map(Resource::domain))
    }
    fn domain_type(&self) -> std::any::TypeId {
        R::domain_type()
    }
    fn sheet(&self, now: i64) -> Sheet {
        let cols = R::columns();
        let mut sheet = Sheet {
            headers: cols.iter().map(|(_, c)| c.title.to_string()).collect(),
            rows: Vec::with_capacity(self.view.len()),
            tags: Vec::with_capacity(self.view.len()),
        };
        for &i in &self.view {
            let r = &self.items[i as usize];
            sheet.rows.push(
                cols.iter()
                    .map(|(c, _)| match r.cell(*c, now) {
                        (s, Tone::Muted) if s == "-" => String::new(),
                        (s, _) => s,
                    })
                    .collect(),
            );
            sheet.tags.push(r.tags().to_vec());
        }
        sheet
    }
}
