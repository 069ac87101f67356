//! `:export PATH` / `:export! PATH`: the pane as shown, parsed back from the file.

use std::time::Duration;

use ec2tui::app::Resource;
use ec2tui::aws::demo::DemoRegion;
use ec2tui::panes::instances::InstanceRow;

use crate::driver::{Driver, Panes};
use crate::e2e::scratch;

/// A small RFC 4180 reader: fields, quoted fields with `""` and line breaks, CRLF lines.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && row.is_empty(),
        "the file ends with a line break"
    );
    rows
}

type Pairs = Vec<(String, String)>;

/// The rows the pane shows, as the export should have them: cells by column title, tags.
fn shown(d: &mut Driver<DemoRegion>) -> Vec<(Pairs, Pairs)> {
    let now = d.app.now;
    let list = d.app.instances_mut();
    list.refresh_view();
    (0..list.rows())
        .map(|p| {
            let r = list.row(p).unwrap();
            let cells = InstanceRow::columns()
                .iter()
                .map(|(c, col)| {
                    let (text, tone) = r.cell(*c, now);
                    let text = if text == "-" && tone == ec2tui::app::Tone::Muted {
                        String::new()
                    } else {
                        text
                    };
                    (col.title.to_string(), text)
                })
                .collect();
            (cells, r.inst.tags.clone())
        })
        .collect()
}

async fn command(d: &mut Driver<DemoRegion>, cmd: &str) {
    d.keys(":").await;
    d.keys(cmd).await;
    d.enter().await;
}

#[tokio::test]
async fn csv_and_json_hold_the_filtered_sorted_rows_with_their_tags() {
    let mut d = Driver::new(DemoRegion::new(80, Duration::ZERO, Duration::ZERO), false);
    d.start().await;
    d.filter("prod !stopped").await;
    d.keys(">>=").await; // sorted by the third column, descending
    let want = shown(&mut d);
    assert!(want.len() > 3 && want.len() < 80, "{}", want.len());
    let dir = scratch("export");

    let csv_path = dir.join("fleet.csv");
    command(&mut d, &format!("export {}", csv_path.display())).await;
    assert!(
        d.status()
            .contains(&format!("wrote {} instances to", want.len())),
        "{}",
        d.status()
    );
    let rows = parse_csv(&std::fs::read_to_string(&csv_path).unwrap());
    let header = &rows[0];
    assert_eq!(rows.len() - 1, want.len());
    for (got, (cells, tags)) in rows[1..].iter().zip(&want) {
        assert_eq!(got.len(), header.len());
        for (title, value) in cells {
            let i = header.iter().position(|h| h == title).unwrap();
            assert_eq!(&got[i], value, "{title}");
        }
        // every tag in its column; other tag columns empty
        for (i, h) in header.iter().enumerate() {
            if let Some(k) = h.strip_prefix("tag:") {
                let v = tags.iter().find(|(t, _)| t == k).map(|(_, v)| v.as_str());
                assert_eq!(got[i], v.unwrap_or(""), "{h}");
            }
        }
    }

    let json_path = dir.join("fleet.JSON");
    command(&mut d, &format!("export {}", json_path.display())).await;
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), want.len());
    for (o, (cells, tags)) in arr.iter().zip(&want) {
        for (title, value) in cells {
            assert_eq!(o[title.as_str()], value.as_str(), "{title}");
        }
        let t = o["Tags"].as_object().unwrap();
        assert_eq!(t.len(), tags.len());
        for (k, v) in tags {
            assert_eq!(t[k.as_str()], v.as_str());
        }
    }
}

#[tokio::test]
async fn an_existing_file_is_kept_without_the_bang() {
    let mut d = Driver::new(DemoRegion::new(10, Duration::ZERO, Duration::ZERO), false);
    d.start().await;
    let dir = scratch("export-bang");
    let path = dir.join("x.csv");
    std::fs::write(&path, "precious").unwrap();
    command(&mut d, &format!("export {}", path.display())).await;
    assert!(d.status().contains("exists"), "{}", d.status());
    assert!(d.status().contains("export!"), "{}", d.status());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "precious");
    command(&mut d, &format!("export! {}", path.display())).await;
    assert!(d.status().contains("wrote 10 instances"), "{}", d.status());
    assert_eq!(
        parse_csv(&std::fs::read_to_string(&path).unwrap()).len(),
        11
    );
    // a path without .csv or .json, or none, is explained
    command(&mut d, &format!("export {}", dir.join("x.txt").display())).await;
    assert!(
        d.status().contains("must end in .csv or .json"),
        "{}",
        d.status()
    );
    assert!(!dir.join("x.txt").exists());
    command(&mut d, "export").await;
    assert!(d.status().contains(":export PATH.csv"), "{}", d.status());
    // a directory that does not exist: said, not a crash
    command(&mut d, "export /nonexistent-dir/x.json").await;
    assert!(d.status().contains("cannot write"), "{}", d.status());
}

/// CSV formula injection (CWE-1236): tag values and names that a spreadsheet would run
/// (`=HYPERLINK(…)`, `@SUM(…)`, `+1+1`, `-1+1`, a leading tab or CR) are written as text
/// behind a `'`; the JSON keeps them exactly.
#[tokio::test]
async fn cells_a_spreadsheet_would_run_are_neutralised_in_csv() {
    let mut d = Driver::new(DemoRegion::new(4, Duration::ZERO, Duration::ZERO), false);
    d.start().await;
    let hostile = [
        "=HYPERLINK(\"http://x\",\"y\")",
        "@SUM(1+1)",
        "+1+1",
        "-1+1",
        "\t=1",
        "\r=1",
    ];
    let ids: Vec<String> = d.app.instances().ids().map(str::to_string).collect();
    for (i, id) in ids.iter().enumerate() {
        let mut row = d.app.instances().get(id).unwrap().clone();
        row.inst.name = "=cmd|' /C calc'!A0".into();
        row.inst.tags = vec![
            ("Evil".into(), hostile[i % hostile.len()].into()),
            ("Evil2".into(), hostile[(i + 3) % hostile.len()].into()),
            ("Plain".into(), "web".into()),
        ];
        d.app.instances_mut().upsert(row);
    }
    let dir = scratch("export-formulas");
    let path = dir.join("x.csv");
    command(&mut d, &format!("export {}", path.display())).await;
    let rows = parse_csv(&std::fs::read_to_string(&path).unwrap());
    let header = &rows[0];
    let col = |t: &str| header.iter().position(|h| h == t).unwrap();
    for r in &rows[1..] {
        for c in r {
            assert!(
                !c.starts_with(['=', '+', '-', '@', '\t', '\r']) || c == "-",
                "a cell a spreadsheet runs: {c:?}"
            );
        }
        assert_eq!(r[col("Name")], "'=cmd|' /C calc'!A0");
        assert!(hostile.contains(&&r[col("tag:Evil")][1..]), "{r:?}");
        assert_eq!(r[col("tag:Plain")], "web");
    }
    let json = dir.join("x.json");
    command(&mut d, &format!("export {}", json.display())).await;
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(
        v[0]["Name"], "=cmd|' /C calc'!A0",
        "JSON keeps values exactly"
    );
}
