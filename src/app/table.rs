//! A generic collection behind every resource table: items streamed in pages, load state,
//! newest-request-wins, sort, filter, marks, and a selection kept by resource id.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

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
}

impl Column {
    pub const fn new(title: &'static str, width: u16, min: u16) -> Self {
        Self {
            title,
            width,
            min,
            hide_empty: false,
        }
    }
    /// Not shown while every visible cell of it is empty.
    pub const fn hide_empty(mut self) -> Self {
        self.hide_empty = true;
        self
    }
}

/// A row type of the generic table. Columns are named by the row's own `Col` type (an
/// enum), never by position.
pub trait Resource: Clone + Send + 'static {
    type Col: Copy + PartialEq + std::fmt::Debug + Send + 'static;
    fn id(&self) -> &str;
    /// Every column, in display order.
    fn columns() -> &'static [(Self::Col, Column)];
    /// The text of one cell; `now` is seconds since the epoch, for ages.
    fn cell(&self, col: Self::Col, now: i64) -> (String, Tone);
    /// Orders two rows by a column (ties are broken by id by the caller).
    fn compare(&self, other: &Self, col: Self::Col) -> Ordering;
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

    fn rebuild<'a>(&mut self, texts: impl Iterator<Item = String> + 'a) {
        *self = Haystack::default();
        for (i, t) in texts.enumerate() {
            self.push(i, &t);
        }
    }

    fn compact_if_needed(&mut self) {
        if self.garbage > self.text.len() / 2 {
            let texts: Vec<String> = self
                .spans
                .iter()
                .map(|&(s, l)| self.text[s as usize..(s + l) as usize].to_string())
                .collect();
            self.rebuild(texts.into_iter());
        }
    }

    /// Marks the items whose text contains `needle`.
    fn search(&self, needle: &str, matched: &mut Vec<bool>) {
        matched.clear();
        matched.resize(self.spans.len(), false);
        let finder = memchr::memmem::Finder::new(needle.as_bytes());
        let n = needle.len() as u32;
        for p in finder.find_iter(self.text.as_bytes()) {
            let p = p as u32;
            let k = self.starts.partition_point(|&(s, _)| s <= p);
            let Some(&(start, idx)) = k.checked_sub(1).and_then(|k| self.starts.get(k)) else {
                continue;
            };
            let (s, l) = self.spans[idx as usize];
            if s == start && p + n <= s + l {
                matched[idx as usize] = true;
            }
        }
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
    index: HashMap<String, usize>,
    pub load: Load,
    /// The latest request id; results of older requests are dropped.
    pub latest_req: u64,
    /// Ids seen by the load in progress, to drop vanished ones when it completes.
    seen: HashSet<String>,
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
            index: HashMap::new(),
            load: Load::Idle,
            latest_req: 0,
            seen: HashSet::new(),
            sort: (0, false),
            filter: String::new(),
            order: Vec::new(),
            view: Vec::new(),
            order_dirty: false,
            pending: Vec::new(),
            view_dirty: false,
            selected: None,
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
        self.seen.clear();
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
            self.seen.insert(item.id().to_string());
            self.upsert(item);
        }
        if last {
            self.finish();
        }
        true
    }

    fn finish(&mut self) {
        if self.seen.len() != self.items.len() {
            let seen = std::mem::take(&mut self.seen);
            self.items.retain(|item| seen.contains(item.id()));
            self.hay.rebuild(self.items.iter().map(R::filter_text));
            self.index = self
                .items
                .iter()
                .enumerate()
                .map(|(i, r)| (r.id().to_string(), i))
                .collect();
            self.marks.retain(|m| seen.contains(m));
            self.order_dirty = true;
        }
        self.seen.clear();
        // growth slack of a big load is a third of the memory held: give it back
        self.items.shrink_to_fit();
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
        self.seen.clear();
        true
    }

    /// Inserts or replaces one item (by id). The order is kept up to date incrementally: a
    /// new item waits to be merged in (`refresh_view`), a replacement that sorts the same
    /// keeps its place, and only a replacement that moves makes a full sort.
    pub fn upsert(&mut self, item: R) {
        let hay = item.filter_text();
        match self.index.get(item.id()) {
            Some(&i) => {
                let col = R::columns()[self.sort.0].0;
                if self.items[i].compare(&item, col) != Ordering::Equal {
                    self.order_dirty = true;
                }
                self.items[i] = item;
                self.hay.push(i, &hay);
                self.hay.compact_if_needed();
            }
            None => {
                let i = self.items.len();
                self.index.insert(item.id().to_string(), i);
                self.items.push(item);
                self.hay.push(i, &hay);
                self.pending.push(i as u32);
            }
        }
        self.view_dirty = true;
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
        let Some(i) = self.index.remove(id) else {
            return;
        };
        self.items.remove(i);
        self.marks.remove(id);
        self.index = self
            .items
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id().to_string(), i))
            .collect();
        self.hay.rebuild(self.items.iter().map(R::filter_text));
        self.order_dirty = true;
    }

    /// Keeps only the items `keep` accepts, rebuilding the index and filter text once
    /// (removing many one by one would rebuild them each time).
    pub fn retain(&mut self, keep: impl Fn(&R) -> bool) {
        let before = self.items.len();
        self.items.retain(|r| keep(r));
        if self.items.len() == before {
            return;
        }
        self.index = self
            .items
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id().to_string(), i))
            .collect();
        let index = &self.index;
        self.marks.retain(|m| index.contains_key(m));
        self.hay.rebuild(self.items.iter().map(R::filter_text));
        self.order_dirty = true;
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

    pub fn set_filter(&mut self, f: &str) {
        let f = f.to_lowercase();
        if f != self.filter {
            self.filter = f;
            self.view_dirty = true;
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
        self.sort = (pos, desc);
        self.order_dirty = true;
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
        let cmp = |a: &u32, b: &u32| {
            let (x, y) = (&items[*a as usize], &items[*b as usize]);
            let o = x.compare(y, col).then_with(|| x.id().cmp(y.id()));
            if desc { o.reverse() } else { o }
        };
        if self.order_dirty {
            let mut order: Vec<u32> = (0..items.len() as u32).collect();
            // stable: a re-sort keeps the runs it finds (measured: the unstable sort took
            // twice as long at 100,000 on columns with many equal keys)
            order.sort_by(cmp);
            self.order = order;
            self.pending.clear();
            self.order_dirty = false;
            self.view_dirty = true;
        } else if !self.pending.is_empty() {
            // new items (a page): sort them, then merge them in, in one pass
            let mut fresh = std::mem::take(&mut self.pending);
            fresh.sort_by(cmp);
            let old = std::mem::take(&mut self.order);
            let mut merged = Vec::with_capacity(old.len() + fresh.len());
            let (mut a, mut b) = (old.into_iter().peekable(), fresh.into_iter().peekable());
            loop {
                let take_old = match (a.peek(), b.peek()) {
                    (Some(x), Some(y)) => cmp(x, y) != Ordering::Greater,
                    (Some(_), None) => true,
                    (None, Some(_)) => false,
                    (None, None) => break,
                };
                merged.extend(if take_old { a.next() } else { b.next() });
            }
            self.order = merged;
            self.view_dirty = true;
        }
        if self.view_dirty {
            if self.filter.is_empty() {
                self.view.clone_from(&self.order);
            } else {
                self.hay.search(&self.filter, &mut self.matched);
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
        self.cursor = pos.min(self.view.len().saturating_sub(1));
        self.selected = self.row(self.cursor).map(|r| r.id().to_string());
        self.scroll_into_view(height);
    }

    /// Selects a row by id, if it is shown.
    pub fn select_id(&mut self, id: &str, height: usize) {
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
    fn selected_id(&self) -> Option<&str>;
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn rows(&self) -> usize;
    fn cursor(&self) -> usize;
    fn visible_cells(&self, height: usize, cols: &[usize], now: i64) -> Vec<RowCells>;
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
}
