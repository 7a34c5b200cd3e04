//! `keyworks export … --format xlsx|csv|ics` and `keyworks import FILE.csv [--apply]` on a
//! seeded temporary database.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use predicates::prelude::*;

mod common;
use common::{keyworks, seeded, sha256};

#[test]
fn exports_write_the_three_formats() {
    let (dir, db) = seeded();
    let xlsx = dir.path().join("全部.xlsx");
    keyworks(&db)
        .args([
            "export",
            "--all",
            "--format",
            "xlsx",
            "--as-of",
            "2021-06-11",
            "--out",
        ])
        .arg(&xlsx)
        .assert()
        .success()
        .stdout(predicate::str::contains("已写入"));
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK\x03\x04"));

    let csv = dir.path().join("周报.csv");
    keyworks(&db)
        .args([
            "export", "KP21-01", "--format", "csv", "--table", "updates", "--out",
        ])
        .arg(&csv)
        .assert()
        .success();
    let bytes = std::fs::read(&csv).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF\xE9\xA1\xB9\xE7\x9B\xAE\xE7\xBC\x96\xE5\x8F\xB7")); // BOM 项目编号
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.lines().skip(1).all(|l| l.starts_with("KP21-01,")));

    let ics = dir.path().join("m.ics");
    keyworks(&db)
        .args([
            "export", "--all", "--format", "ics", "--lang", "en", "--out",
        ])
        .arg(&ics)
        .assert()
        .success();
    let text = std::fs::read_to_string(&ics).unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"));
    assert!(text.contains("UID:kw-KP21-01-"));

    // An unknown project is refused as not found, writing no file.
    let none = dir.path().join("none.csv");
    keyworks(&db)
        .args(["export", "KP99-99", "--format", "csv", "--out"])
        .arg(&none)
        .assert()
        .code(3);
    assert!(!none.exists());
}

#[test]
fn import_previews_then_applies_then_is_a_no_op() {
    let (dir, db) = seeded();
    let csv = dir.path().join("里程碑.csv");
    keyworks(&db)
        .args([
            "export",
            "KP21-01",
            "--format",
            "csv",
            "--table",
            "milestones",
            "--out",
        ])
        .arg(&csv)
        .assert()
        .success();
    // The officer moves the first open milestone's due date and saves as plain UTF-8
    // (GBK files are covered by keyworks-interchange's tests).
    let text = String::from_utf8(std::fs::read(&csv).unwrap()[3..].to_vec()).unwrap();
    let mut lines: Vec<String> = text.split("\r\n").map(str::to_owned).collect();
    let open = lines
        .iter()
        .position(|l| l.contains(",未完成,") || l.contains(",已逾期,"))
        .unwrap();
    let mut cells: Vec<String> = lines[open].split(',').map(str::to_owned).collect();
    let id = cells[0].clone();
    assert!(id.parse::<i64>().is_ok(), "{id}");
    cells[4] = "2021年9月30日".into();
    lines[open] = cells.join(",");
    let edited = lines.join("\r\n");
    std::fs::write(&csv, edited.as_bytes()).unwrap();

    let before = sha256(&db);
    let out = keyworks(&db)
        .args(["import"])
        .arg(&csv)
        .assert()
        .success()
        .stdout(predicate::str::contains("（UTF-8）"))
        .stdout(predicate::str::contains("→ 2021-09-30"))
        .stdout(predicate::str::contains("--apply --fingerprint"))
        .get_output()
        .stdout
        .clone();
    assert_eq!(sha256(&db), before, "a preview wrote to the file");
    let out = String::from_utf8(out).unwrap();
    let fingerprint = out
        .split("--fingerprint ")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();

    keyworks(&db)
        .args(["import"])
        .arg(&csv)
        .args(["--apply", "--fingerprint", &fingerprint])
        .assert()
        .success()
        .stdout(predicate::str::contains("修改 1 个"));
    keyworks(&db)
        .args(["show", "KP21-01", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("2021-09-30"));
    // The same preview again is stale now (exit 6), and the file says nothing changes.
    keyworks(&db)
        .args(["import"])
        .arg(&csv)
        .args(["--apply", "--fingerprint", &fingerprint])
        .assert()
        .code(6);
    let after = sha256(&db);
    keyworks(&db)
        .args(["import"])
        .arg(&csv)
        .arg("--apply")
        .assert()
        .success()
        .stdout(predicate::str::contains("修改 0 个"));
    assert_eq!(sha256(&db), after, "re-importing the same file wrote");
    keyworks(&db).arg("verify").assert().success();
}

#[test]
fn a_file_with_problems_is_refused_whole() {
    let (dir, db) = seeded();
    let csv = dir.path().join("bad.csv");
    std::fs::write(
        &csv,
        "项目编号,里程碑名称,到期日期\r\nKP21-01,新的里程碑,2021-12-01\r\nKP99-99,别的,2021-12-01\r\n",
    )
    .unwrap();
    let before = sha256(&db);
    keyworks(&db)
        .args(["import"])
        .arg(&csv)
        .arg("--apply")
        .assert()
        .code(2)
        .stdout(predicate::str::contains("第 3 行"))
        .stderr(predicate::str::contains("未做任何改动"));
    assert_eq!(sha256(&db), before);
}
