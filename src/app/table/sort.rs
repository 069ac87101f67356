//! Sorting the rows: by sort keys where the row type has them, else by comparing.

use std::cmp::Ordering;

use super::Resource;

/// Every item index in the order of `col` (ties by id; `desc` reverses all of it), given
/// every item index in id order (`by_id`). With sort keys: each row's keys are made once (on
/// two threads for big tables), the (key, index) pairs are laid out in id order and sorted
/// stably, so equal keys stay in id order without comparing ids; only the runs whose keys are
/// cut short are refined (`refine`). Without: one stable sort by the comparison.
pub(super) fn sorted<R: Resource>(items: &[R], by_id: &[u32], col: R::Col, desc: bool) -> Vec<u32> {
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
pub(super) fn merge_in(
    old: &[u32],
    mut fresh: Vec<u32>,
    cmp: impl Fn(&u32, &u32) -> Ordering,
) -> Vec<u32> {
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
