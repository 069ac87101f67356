//! [`Collection`]: the items of one table, their load, order, filter, selection and marks.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use super::filter::{Haystack, Term};
use super::ops::RowCells;
use super::sort::{merge_in, sorted};
use super::{Resource, cmp_ci};
use crate::aws::ApiError;

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

pub struct Collection<R: Resource> {
    pub(super) items: Vec<R>,
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
    pub(super) sort: (usize, bool),
    filter: String,
    /// All item indices, sorted.
    order: Vec<u32>,
    /// The indices that pass the filter, in sort order: the rows.
    pub(super) view: Vec<u32>,
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

    pub(super) fn set_sort_pos(&mut self, pos: usize, desc: bool) {
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
