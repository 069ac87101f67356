//! [`TableOps`]: what the core and the table widget do with any pane's table.

use super::{Collection, Column, Load, Resource, Tone};
use crate::app::Context;
use crate::app::clip::CopyWhat;
use crate::app::export::Sheet;

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
