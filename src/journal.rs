//! The journal: every mutating request ec2tui sends is appended, as a JSON line, to
//! `<data dir>/journal.jsonl` before it is sent and again with its outcome. The file is only
//! ever appended to; a write failure is reported to the UI, never ignored.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub time: String,
    pub profile: String,
    pub region: String,
    /// `request` (before sending) or `outcome`.
    pub phase: &'static str,
    /// The EC2 operation, e.g. `StopInstances`.
    pub operation: String,
    pub targets: Vec<String>,
    /// Parameters that matter (force, names, counts...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<(String, String)>,
    /// `ok` or `error` (outcomes only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// The journal file of this session (or none, when the data directory is unknown).
pub struct Journal {
    path: Option<PathBuf>,
    file: Mutex<Option<File>>,
    pub profile: String,
    pub region: String,
}

/// `2026-11-22T04:20:00.123Z`
pub fn rfc3339(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs() as i64;
    let day = crate::aws::fmt_time(secs); // "YYYY-MM-DD HH:MM UTC"
    format!(
        "{}T{}:{:02}.{:03}Z",
        &day[0..10],
        &day[11..16],
        secs % 60,
        d.subsec_millis()
    )
}

impl Journal {
    /// Opens (creating, appending) `journal.jsonl` in `dir`.
    pub fn open(dir: Option<&Path>, profile: &str, region: &str) -> (Self, Option<String>) {
        let mut j = Self {
            path: None,
            file: Mutex::new(None),
            profile: profile.into(),
            region: region.into(),
        };
        let Some(dir) = dir else {
            return (
                j,
                Some("journal disabled: no data directory (is HOME set?)".into()),
            );
        };
        let path = dir.join("journal.jsonl");
        j.path = Some(path.clone());
        let opened = std::fs::create_dir_all(dir)
            .and_then(|_| OpenOptions::new().create(true).append(true).open(&path));
        match opened {
            Ok(f) => {
                *j.file.lock().expect("journal lock") = Some(f);
                (j, None)
            }
            Err(e) => (
                j,
                Some(format!("cannot write the journal {}: {e}", path.display())),
            ),
        }
    }

    /// A journal that keeps nothing on disk (benchmarks).
    pub fn none() -> Self {
        Self {
            path: None,
            file: Mutex::new(None),
            profile: String::new(),
            region: String::new(),
        }
    }

    /// A new entry of this session, stamped now.
    pub fn entry(
        &self,
        phase: &'static str,
        operation: &str,
        targets: Vec<String>,
        params: Vec<(String, String)>,
    ) -> Entry {
        Entry {
            time: rfc3339(SystemTime::now()),
            profile: self.profile.clone(),
            region: self.region.clone(),
            phase,
            operation: operation.into(),
            targets,
            params,
            result: None,
            code: None,
            message: None,
            request_id: None,
        }
    }

    /// Appends one line. An error says why the line could not be written.
    pub fn write(&self, e: &Entry) -> Result<(), String> {
        let mut guard = self.file.lock().expect("journal lock");
        let Some(file) = guard.as_mut() else {
            return match &self.path {
                Some(p) => Err(format!("the journal {} could not be opened", p.display())),
                None => Ok(()),
            };
        };
        let mut line = serde_json::to_string(e).map_err(|err| err.to_string())?;
        line.push('\n');
        file.write_all(line.as_bytes())
            .and_then(|_| file.flush())
            .map_err(|err| format!("cannot write the journal: {err}"))
    }
}
