//! Tags (`t`): a form over the selected or marked rows of any pane whose rows have tags,
//! listing the tags they share (others "varies"), sending `CreateTags` / `DeleteTags` as ops
//! (journaled like every call). AWS's reserved `aws:` prefix is refused before any call.

use super::form::{Field, Form};
pub use crate::aws::ops::{CreateTags, DeleteTags};

pub const F_SET: &str = "Add or change";
pub const F_REMOVE: &str = "Remove keys";

/// The tags form's tag: what it edits.
#[derive(Debug, Clone)]
pub struct TagsForm {
    /// The ids the API knows them by (a key pair's `key-…`), with their rows' ids.
    pub targets: Vec<(String, String)>,
    /// "instance" / "instances".
    pub noun: String,
}

/// The tags every target has (`Some(value)` when they all have the same value, `None`:
/// it varies or some lack it), sorted by key.
pub fn common(all: &[Vec<(String, String)>]) -> Vec<(String, Option<String>)> {
    let mut keys: Vec<&str> = all
        .iter()
        .flat_map(|t| t.iter().map(|(k, _)| k.as_str()))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys.into_iter()
        .map(|k| {
            let vals: Vec<Option<&str>> = all
                .iter()
                .map(|t| t.iter().find(|(x, _)| x == k).map(|(_, v)| v.as_str()))
                .collect();
            let same = vals.windows(2).all(|w| w[0] == w[1]);
            let v = if same {
                vals[0].map(str::to_string)
            } else {
                None
            };
            (k.to_string(), v)
        })
        .collect()
}

/// The form: the current tags in its intro, then what to set and what to remove.
pub fn form(noun: &str, n: usize, current: &[(String, Option<String>)]) -> Form {
    let mut f = Form::new(
        format!("Tags of {n} {noun}"),
        vec![
            Field::area(F_SET, "").with_help("one Key=Value a line (Enter: next line)"),
            Field::text(F_REMOVE, "").with_help("keys, separated by commas"),
        ],
    );
    let mut intro = vec![if n == 1 {
        "Current tags:".to_string()
    } else {
        format!("Current tags (\"varies\": not the same on all {n}):")
    }];
    if current.is_empty() {
        intro.push("  none".into());
    }
    for (k, v) in current {
        intro.push(match v {
            Some(v) => format!("  {k} = {v}"),
            None => format!("  {k} = (varies)"),
        });
    }
    f.intro = intro;
    f
}

fn check_key(k: &str) -> Result<(), String> {
    if k.is_empty() {
        return Err("a tag needs a key".into());
    }
    if k.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:")) {
        return Err(format!(
            "{k}: keys starting with aws: are reserved for AWS and cannot be changed (nothing was sent)"
        ));
    }
    if k.chars().count() > 128 {
        return Err(format!("{k:.20}…: a key has at most 128 characters"));
    }
    if k.chars().any(char::is_control) {
        return Err("a key cannot hold control characters".into());
    }
    Ok(())
}

/// Tags to set, keys to remove.
pub type Changes = (Vec<(String, String)>, Vec<String>);

/// What the form asks: tags to set, keys to remove. Every key is checked before anything
/// is sent.
pub fn parse(set: &str, remove: &str) -> Result<Changes, String> {
    let mut tags: Vec<(String, String)> = Vec::new();
    for line in set.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let Some((k, v)) = line.split_once('=') else {
            return Err(format!("{line:?}: write a tag as Key=Value"));
        };
        let (k, v) = (k.trim(), v.trim());
        check_key(k)?;
        if v.chars().count() > 256 {
            return Err(format!("{k}: a value has at most 256 characters"));
        }
        if v.chars().any(char::is_control) {
            return Err(format!("{k}: a value cannot hold control characters"));
        }
        match tags.iter_mut().find(|(x, _)| x == k) {
            Some(e) => e.1 = v.to_string(),
            None => tags.push((k.to_string(), v.to_string())),
        }
    }
    let mut keys: Vec<String> = Vec::new();
    for k in remove.split(',').map(str::trim).filter(|k| !k.is_empty()) {
        check_key(k)?;
        if tags.iter().any(|(x, _)| x == k) {
            return Err(format!("{k} is both set and removed"));
        }
        if !keys.iter().any(|x| x == k) {
            keys.push(k.to_string());
        }
    }
    Ok((tags, keys))
}

/// Tag calls that succeeded, applied to the rows they tagged.
pub fn apply(
    table: &mut dyn super::TableOps,
    results: &[(crate::aws::Op, crate::aws::ApiResult<crate::aws::Outcome>)],
) {
    for (op, r) in results {
        if r.is_err() {
            continue;
        }
        if let Some(c) = op.get::<CreateTags>() {
            for (_, row) in &c.targets {
                if let Some(mut cur) = table.tags_of(row) {
                    for (k, v) in &c.tags {
                        match cur.iter_mut().find(|(x, _)| x == k) {
                            Some(e) => e.1 = v.clone(),
                            None => cur.push((k.clone(), v.clone())),
                        }
                    }
                    table.set_tags(row, cur);
                }
            }
        }
        if let Some(d) = op.get::<DeleteTags>() {
            for (_, row) in &d.targets {
                if let Some(mut cur) = table.tags_of(row) {
                    cur.retain(|(k, _)| !d.keys.contains(k));
                    table.set_tags(row, cur);
                }
            }
        }
    }
}
