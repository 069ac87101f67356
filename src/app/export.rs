//! `:export PATH`: the focused pane as shown (filter and sort applied), every column plus
//! the tags, as CSV or JSON by the file's extension. The shell writes the file.

use std::collections::BTreeSet;

/// A pane's rows as shown: the column titles, each row's cells, each row's tags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sheet {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub tags: Vec<Vec<(String, String)>>,
}

/// The formats `:export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    /// By the path's extension (`.csv`, `.json`, any case).
    pub fn of(path: &str) -> Option<Self> {
        let ext = std::path::Path::new(path)
            .extension()?
            .to_str()?
            .to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Self::Csv),
            "json" => Some(Self::Json),
            _ => None,
        }
    }
}

impl Sheet {
    /// Every tag key of every row, sorted: the CSV's `tag:KEY` columns.
    pub fn tag_keys(&self) -> Vec<String> {
        let keys: BTreeSet<&str> = self
            .tags
            .iter()
            .flat_map(|t| t.iter().map(|(k, _)| k.as_str()))
            .collect();
        keys.into_iter().map(str::to_string).collect()
    }

    pub fn render(&self, f: Format) -> String {
        match f {
            Format::Csv => self.csv(),
            Format::Json => self.json(),
        }
    }

    /// RFC 4180: a header line, then a line per row; the tags as `tag:KEY` columns.
    pub fn csv(&self) -> String {
        let keys = self.tag_keys();
        let mut out = String::new();
        let header: Vec<String> = self
            .headers
            .iter()
            .cloned()
            .chain(keys.iter().map(|k| format!("tag:{k}")))
            .collect();
        push_csv_line(&mut out, &header);
        for (cells, tags) in self.rows.iter().zip(&self.tags) {
            let line: Vec<String> = cells
                .iter()
                .cloned()
                .chain(keys.iter().map(|k| {
                    tags.iter()
                        .find(|(t, _)| t == k)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                }))
                .collect();
            push_csv_line(&mut out, &line);
        }
        out
    }

    /// An array of objects: each column by its title, and `Tags` as an object.
    pub fn json(&self) -> String {
        let rows: Vec<serde_json::Value> = self
            .rows
            .iter()
            .zip(&self.tags)
            .map(|(cells, tags)| {
                let mut m = serde_json::Map::new();
                for (h, c) in self.headers.iter().zip(cells) {
                    m.insert(h.clone(), c.clone().into());
                }
                let t: serde_json::Map<String, serde_json::Value> = tags
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone().into()))
                    .collect();
                m.insert("Tags".into(), t.into());
                serde_json::Value::Object(m)
            })
            .collect();
        let mut s = serde_json::to_string_pretty(&rows).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// A cell a spreadsheet would run as a formula (CWE-1236: it begins with `=`, `+`, `-`, `@`,
/// a tab or a carriage return) gets a leading `'`, which makes it text, as OWASP advises. A
/// lone `-` (the table's "none") cannot be a formula and stays as it is.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell != "-";
    if risky {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

fn push_csv_line(out: &mut String, cells: &[String]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let c = neutralise(c);
        if c.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&c.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&c);
        }
    }
    out.push_str("\r\n");
}
