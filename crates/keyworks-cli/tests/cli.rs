//! The `keyworks` binary on temporary files: what people and scripts see.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

mod common;
use common::{keyworks, seeded, sha256};

const ALL_PROJECTS: &[&str] = &[
    "三星二期二阶段",
    "比亚迪智能终端",
    "法士特智能工厂",
    "北斗产业创新中心",
    "奕斯伟产业基地一期二阶段",
    "安置房",
    "人才保障住房",
    "中兴智能终端",
    "铂力特智能工厂",
    "富士达产业基地",
    "安科智造",
    "环普三期",
    "老旧小区改造",
    "城中村城市更新",
    "村安置性商品房",
];

#[test]
fn init_then_projects_lists_every_key_project() {
    let (_dir, db) = seeded();
    let out = keyworks(&db)
        .args(["projects", "--as-of", "2021-06-11"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for name in ALL_PROJECTS {
        assert!(text.contains(name), "{name} missing:\n{text}");
    }
    assert!(text.contains("绿 11 · 黄 3 · 红 1"), "{text}");
}

#[test]
fn projects_json_is_machine_readable() {
    let (_dir, db) = seeded();
    let out = keyworks(&db)
        .args(["projects", "--json", "--as-of", "2021-06-11"])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["projects"].as_array().unwrap().len(), 15);
    assert_eq!(v["as_of"], "2021-06-11");
    let red: Vec<_> = v["projects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["status"] == "red")
        .collect();
    assert_eq!(red.len(), 1);
}

#[test]
fn init_refuses_to_overwrite() {
    let (_dir, db) = seeded();
    let before = sha256(&db);
    keyworks(&db)
        .arg("init")
        .assert()
        .failure()
        .code(6)
        .stderr(predicate::str::contains("已存在").and(predicate::str::contains("x.sqlite")));
    assert_eq!(before, sha256(&db));
}

#[test]
fn show_prints_targets_wbs_and_latest_update() {
    let (_dir, db) = seeded();
    keyworks(&db)
        .args(["show", "KP21-06"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("24457")
                .and(predicate::str::contains("◆"))
                .and(predicate::str::contains("2021-W23")),
        );
    let out = keyworks(&db)
        .args(["show", "安置房", "--json"])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["project"]["code"], "KP21-06");
    assert_eq!(v["targets"][0]["quantity"], 24457.0);
}

#[test]
fn milestone_filters() {
    let (_dir, db) = seeded();
    let out = keyworks(&db)
        .args(["milestones", "--overdue", "--as-of", "2021-06-11", "--json"])
        .assert()
        .success();
    let overdue: Vec<serde_json::Value> = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(overdue.len(), 4);
    assert!(
        overdue
            .iter()
            .all(|m| m["state"] == "overdue" && m["days_late"].as_i64().unwrap() > 0)
    );
    let out = keyworks(&db)
        .args([
            "milestones",
            "--due-within",
            "14",
            "--as-of",
            "2021-06-11",
            "--json",
        ])
        .assert()
        .success();
    let soon: Vec<serde_json::Value> = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert!(
        soon.iter()
            .all(|m| m["state"] == "open" && m["due"].as_str().unwrap() >= "2021-06-11")
    );
    assert!(!soon.is_empty());
}

#[test]
fn weekly_update_and_milestone_done_are_saved_and_logged() {
    let (_dir, db) = seeded();
    keyworks(&db)
        .args([
            "update",
            "KP21-14",
            "--week",
            "2021-W24",
            "--percent",
            "55",
            "--status",
            "黄",
            "--narrative",
            "征收补偿协议签约率达到96%。",
            "--issues",
            "剩余4户未签约",
            "--next-steps",
            "继续入户协商",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("2021-W24"));
    // Milestone 189 is the overdue 协议签订完成 of KP21-14 in the seed.
    let out = keyworks(&db)
        .args(["milestones", "--overdue", "--as-of", "2021-06-11", "--json"])
        .assert()
        .success();
    let overdue: Vec<serde_json::Value> = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let id = overdue
        .iter()
        .find(|m| m["project_code"] == "KP21-14")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    keyworks(&db)
        .args([
            "milestone",
            "done",
            &id.to_string(),
            "--date",
            "2021-06-18",
            "--note",
            "签约率100%",
        ])
        .assert()
        .success();
    let out = keyworks(&db)
        .args(["show", "KP21-14", "--json"])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["project"]["status"], "yellow");
    assert_eq!(
        v["updates"].as_array().unwrap().last().unwrap()["author"],
        "测试员"
    );
    let done = v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .unwrap();
    assert_eq!(done["actual_finish"], "2021-06-18");
    assert_eq!(done["completion_note"], "签约率100%");

    let conn =
        rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let (author, changes): (String, String) = conn
        .query_row(
            "SELECT author, changes FROM change_log WHERE table_name = 'tasks' AND row_id = ?1 ORDER BY id DESC LIMIT 1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(author, "测试员");
    let changes: serde_json::Value = serde_json::from_str(&changes).unwrap();
    assert_eq!(
        changes["actual_finish"],
        serde_json::json!([null, "2021-06-18"])
    );
}

#[test]
fn a_week_already_reported_is_refused_naming_its_author_unless_replaced() {
    let (_dir, db) = seeded();
    let before = sha256(&db);
    let args = [
        "update",
        "KP21-01",
        "--week",
        "2021-W23",
        "--percent",
        "63",
        "--status",
        "黄",
        "--narrative",
        "第二批设备搬入。",
    ];
    // 王工's seeded W23 report is not replaced without saying so.
    keyworks(&db).args(args).assert().failure().code(6).stderr(
        predicate::str::contains("王工（示例）")
            .and(predicate::str::contains("2021-W23"))
            .and(predicate::str::contains("--replace")),
    );
    assert_eq!(before, sha256(&db), "a refused update changed the file");
    keyworks(&db).args(args).arg("--replace").assert().success();
    let out = keyworks(&db)
        .args(["show", "KP21-01", "--json"])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let w23: Vec<&serde_json::Value> = v["updates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["iso_week"] == "2021-W23")
        .collect();
    assert_eq!(w23.len(), 1);
    assert_eq!(w23[0]["narrative"], "第二批设备搬入。");
    assert_eq!(w23[0]["author"], "测试员");
}

#[test]
fn bad_input_is_refused_and_the_file_is_unchanged() {
    let (_dir, db) = seeded();
    let before = sha256(&db);
    let cases: &[(&[&str], i32, &str)] = &[
        (&["show", "KP99-99"], 3, "KP99-99"),
        (&["milestones", "--as-of", "2021-13-01"], 2, "--as-of"),
        (
            &["milestone", "done", "99999", "--date", "2021-06-01"],
            3,
            "99999",
        ),
        (
            &["milestone", "done", "1", "--date", "2021-02-30"],
            2,
            "--date",
        ),
        (
            &[
                "update",
                "KP21-01",
                "--week",
                "2021-W60",
                "--percent",
                "50",
                "--status",
                "绿",
                "--narrative",
                "x",
            ],
            2,
            "--week",
        ),
        (
            &[
                "update",
                "KP21-01",
                "--week",
                "2021-W23",
                "--percent",
                "150",
                "--status",
                "绿",
                "--narrative",
                "x",
            ],
            2,
            "0 到 100",
        ),
        (
            &[
                "update",
                "KP21-01",
                "--week",
                "2021-W23",
                "--percent",
                "50",
                "--status",
                "紫",
                "--narrative",
                "x",
            ],
            2,
            "--status",
        ),
        (
            &[
                "update",
                "NOPE",
                "--week",
                "2021-W23",
                "--percent",
                "50",
                "--status",
                "绿",
                "--narrative",
                "x",
            ],
            3,
            "NOPE",
        ),
    ];
    for (args, code, needle) in cases {
        keyworks(&db)
            .args(*args)
            .assert()
            .failure()
            .code(*code)
            .stderr(predicate::str::starts_with("错误：").and(predicate::str::contains(*needle)));
        assert_eq!(before, sha256(&db), "{args:?} changed the file");
    }
}

#[test]
fn bad_files_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let (_seed_dir, good) = seeded();

    let not_sqlite = dir.path().join("notes.sqlite");
    std::fs::write(&not_sqlite, "这不是数据库\n".repeat(100)).unwrap();

    let truncated = dir.path().join("truncated.sqlite");
    let bytes = std::fs::read(&good).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();

    let foreign = dir.path().join("foreign.sqlite");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();

    let newer = dir.path().join("newer.sqlite");
    std::fs::copy(&good, &newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();

    let read_only = dir.path().join("readonly.sqlite");
    std::fs::copy(&good, &read_only).unwrap();
    let mut perms = std::fs::metadata(&read_only).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&read_only, perms).unwrap();

    let cases: &[(&Path, i32, &str)] = &[
        (&not_sqlite, 4, "不是 SQLite 数据库"),
        (&truncated, 4, "不完整"),
        (&foreign, 4, "不是 KeyWorks 数据库"),
        (&newer, 4, "版本 99"),
    ];
    for (path, code, needle) in cases {
        let before = sha256(path);
        for args in [
            &["projects"][..],
            &[
                "update",
                "KP21-01",
                "--percent",
                "1",
                "--status",
                "绿",
                "--narrative",
                "x",
            ][..],
        ] {
            keyworks(path)
                .args(args)
                .assert()
                .failure()
                .code(*code)
                .stderr(
                    predicate::str::contains(*needle).and(predicate::str::contains(
                        path.file_name().unwrap().to_str().unwrap(),
                    )),
                );
        }
        assert_eq!(before, sha256(path), "{} changed", path.display());
    }
    // Newer-version message names both versions.
    keyworks(&newer)
        .arg("projects")
        .assert()
        .failure()
        .stderr(predicate::str::contains(format!(
            "本程序支持到版本 {}",
            keyworks_core::SCHEMA_VERSION
        )));

    // A read-only file can be read but not written.
    let before = sha256(&read_only);
    keyworks(&read_only)
        .args(["projects", "--as-of", "2021-06-11"])
        .assert()
        .success();
    keyworks(&read_only)
        .args(["milestone", "done", "1", "--date", "2021-06-01"])
        .assert()
        .failure()
        .code(5)
        .stderr(predicate::str::contains("只读"));
    assert_eq!(before, sha256(&read_only));

    let missing = dir.path().join("missing.sqlite");
    keyworks(&missing)
        .arg("projects")
        .assert()
        .failure()
        .code(3)
        .stderr(predicate::str::contains("keyworks init"));
    assert!(!missing.exists());
}

#[test]
fn kw_db_environment_variable_is_the_fallback() {
    let (_dir, db) = seeded();
    Command::cargo_bin("keyworks")
        .unwrap()
        .env("KEYWORKS_DB", &db)
        .args(["projects", "--as-of", "2021-06-11"])
        .assert()
        .success()
        .stdout(predicate::str::contains("三星二期二阶段"));
}

#[test]
fn a_reader_that_stops_early_gets_no_panic() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("big.sqlite");
    keyworks(&db)
        .args(["generate", "--projects", "600", "--tasks", "10"])
        .assert()
        .success();
    // Far more output than a pipe buffers, so the writer meets the closed pipe.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_keyworks"))
        .arg("--db")
        .arg(&db)
        .args(["projects", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(first.trim(), "{");
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(141));
}

#[test]
fn history_tells_edits_in_words_and_filters_them() {
    let (_dir, db) = seeded();
    keyworks(&db)
        .args([
            "update",
            "KP21-14",
            "--week",
            "2021-W24",
            "--percent",
            "55",
            "--status",
            "黄",
            "--narrative",
            "签约率96%。",
        ])
        .assert()
        .success();
    keyworks(&db)
        .args(["history", "--limit", "1"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("测试员 填报周报 2021年第24周：")
                .and(predicate::str::contains("KP21-14"))
                .and(predicate::str::contains("完成百分比 55%")),
        );
    let out = keyworks(&db)
        .args([
            "history",
            "--project",
            "KP21-01",
            "--person",
            "测试员",
            "--json",
        ])
        .assert()
        .success();
    let page: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(page["edits"].as_array().unwrap().len(), 0, "{page}");
    keyworks(&db)
        .args(["history", "--from", "2021-02-30"])
        .assert()
        .failure()
        .code(2)
        .stderr(predicate::str::contains("--from"));
}
