//! The shape of the code, checked: panes talk through the vocabulary (every ask has a pane
//! that takes it), no pane module names another pane's module, no source file is over 800
//! lines, and the tests leave the work tree as they found it.

use std::path::{Path, PathBuf};

use ec2tui::app::Ask;

use crate::driver::state;

/// Every ask of the vocabulary is taken by a pane of the registry: one nobody takes would be
/// a flow that silently does nothing.
#[test]
fn every_ask_is_taken_by_a_pane() {
    for ask in Ask::examples() {
        let mut app = state(false);
        assert!(app.takes(&ask), "no pane takes {}", ask.name());
    }
}

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The pane modules (files or folders of `src/panes/`), but the kit.
fn pane_modules() -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(root().join("src/panes")).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_stem().unwrap().to_string_lossy().to_string();
        if name != "mod" && name != "kit" {
            out.push(name);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Which pane module a file under `src/panes/` belongs to (None: the registry or the kit).
fn owner(file: &Path) -> Option<String> {
    let rel = file.strip_prefix(root().join("src/panes")).unwrap();
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    let name = first.trim_end_matches(".rs").to_string();
    (name != "mod" && name != "kit").then_some(name)
}

/// No file of a pane names another pane's module: panes ask and tell through
/// `app::intents`, read other kinds through `Cx::find` / `Cx::rows`, and send any call of
/// `aws::ops`. The registry (`panes/mod.rs`) and the kit are the exceptions.
#[test]
fn no_pane_module_names_another() {
    let panes = pane_modules();
    assert!(panes.len() >= 10, "{panes:?}");
    let mut files = Vec::new();
    rs_files(&root().join("src/panes"), &mut files);
    let mut found = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let me = owner(f);
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for p in &panes {
                if Some(p) == me.as_ref() {
                    continue;
                }
                for pat in [format!("super::{p}"), format!("panes::{p}")] {
                    let hit = code.match_indices(&pat).any(|(i, _)| {
                        let after = code[i + pat.len()..].chars().next();
                        !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
                    });
                    if hit {
                        found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "panes naming other panes:\n{}",
        found.join("\n")
    );
}

/// No source file is over 800 lines: a big pane is a folder.
#[test]
fn no_source_file_is_over_800_lines() {
    let mut files = Vec::new();
    rs_files(&root().join("src"), &mut files);
    let mut big: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > 800).then(|| format!("{} ({n} lines)", f.display()))
        })
        .collect();
    big.sort();
    assert!(big.is_empty(), "over 800 lines:\n{}", big.join("\n"));
}
