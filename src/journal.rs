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

/// The operation of a note: a change of several steps that a quit left in the middle.
pub const INTERRUPTED: &str = "Interrupted";
/// The operation of a note: the interruptions before it were reported at a start.
pub const REPORTED: &str = "InterruptionsReported";

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

    /// Changes a quit left in the middle that no start has reported yet ("at 13:16: …"),
    /// oldest first; once read they are marked reported (a note appended). Only the end of
    /// the journal is read: it grows for ever.
    pub fn interrupted(&self) -> Vec<String> {
        use std::io::{Read, Seek, SeekFrom};
        const TAIL: u64 = 256 * 1024;
        let Some(path) = &self.path else {
            return Vec::new();
        };
        let mut text = String::new();
        let read = File::open(path).and_then(|mut f| {
            let len = f.metadata()?.len();
            f.seek(SeekFrom::Start(len.saturating_sub(TAIL)))?;
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes)?;
            text = String::from_utf8_lossy(&bytes).into_owned();
            Ok(())
        });
        if read.is_err() {
            return Vec::new();
        }
        let mut found: Vec<String> = Vec::new();
        for line in text.lines() {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                continue; // (the first line of the tail may be cut)
            };
            match v["operation"].as_str() {
                Some(INTERRUPTED) => {
                    let time = v["time"].as_str().unwrap_or("");
                    // "2026-12-03T13:16:02.123Z" → "2026-12-03 13:16 UTC"
                    let when = match (time.get(..10), time.get(11..16)) {
                        (Some(d), Some(t)) => format!("{d} {t} UTC"),
                        _ => "an earlier session".to_string(),
                    };
                    let what = crate::aws::clean(v["message"].as_str().unwrap_or(""));
                    let profile = crate::aws::clean(v["profile"].as_str().unwrap_or(""));
                    let region = crate::aws::clean(v["region"].as_str().unwrap_or(""));
                    found.push(format!(
                        "interrupted at {when} ({profile}, {region}): {what}"
                    ));
                }
                Some(REPORTED) => found.clear(),
                _ => {}
            }
        }
        if !found.is_empty() {
            let _ = self.write(&self.entry("note", REPORTED, Vec::new(), Vec::new()));
        }
        found
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
