//! The filter: its terms, and the text of every row it searches.

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

/// The filter text of every item in one contiguous buffer, searched with one `memmem` pass
/// (per-item strings cost a pointer chase and ~40 bytes each). Replaced items append their new
/// text; the old text becomes garbage until the next compaction.
#[derive(Default)]
pub(super) struct Haystack {
    text: String,
    /// (start, len) of each item's text, by item index.
    spans: Vec<(u32, u32)>,
    /// (start, item) in increasing start order; entries whose start no longer matches the
    /// item's span are stale.
    starts: Vec<(u32, u32)>,
    garbage: usize,
}

impl Haystack {
    pub(super) fn push(&mut self, idx: usize, t: &str) {
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
    pub(super) fn retain(&mut self, kept: &[bool]) {
        let old = std::mem::take(self);
        for (i, &(s, l)) in old.spans.iter().enumerate() {
            if kept.get(i) != Some(&false) {
                self.push(self.spans.len(), &old.text[s as usize..(s + l) as usize]);
            }
        }
    }

    /// Copies the live text into a new buffer once half of it is garbage.
    pub(super) fn compact_if_needed(&mut self) {
        if self.garbage > self.text.len() / 2 {
            self.retain(&[]);
        }
    }

    /// Marks the items whose text contains `needle`.
    pub(super) fn search(&self, needle: &str, matched: &mut Vec<bool>) {
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
    pub(super) fn get(&self, idx: usize) -> &str {
        self.spans
            .get(idx)
            .map_or("", |&(s, l)| &self.text[s as usize..(s + l) as usize])
    }

    pub(super) fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.spans.shrink_to_fit();
        self.starts.shrink_to_fit();
    }
}
