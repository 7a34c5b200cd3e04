//! `keyworks schedule`, `baseline save|diff` and `calendar import|show` on temporary files.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use predicates::prelude::*;

mod common;
use common::{keyworks, seeded, sha256};

fn stdout(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

#[test]
fn schedule_prints_dates_float_and_the_critical_path() {
    let (_dir, db) = seeded();
    let out = keyworks(&db)
        .args(["schedule", "KP21-01"])
        .assert()
        .success();
    let text = stdout(&out);
    for needle in [
        "三星二期二阶段",
        "中国法定工作日历",
        "最早开始",
        "最晚完成",
        "总时差",
        "自由时差",
        "关键路径",
        "二阶段量产",
        "★",
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    // The critical path is listed after the table, earliest first, ending at the last milestone.
    let path = text.split("关键路径").nth(1).unwrap();
    assert!(path.trim_end().ends_with("◆ 二阶段量产"), "{path}");
}

#[test]
fn schedule_json_gives_every_task_and_the_path() {
    let (_dir, db) = seeded();
    let out = keyworks(&db)
        .args(["schedule", "KP21-06", "--json"])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let rows = v["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    for r in rows {
        assert!(r["total_float"].as_i64().unwrap() >= 0, "{r}");
        assert!(
            r["early_start"].is_string() && r["late_finish"].is_string(),
            "{r}"
        );
    }
    let path = v["critical_path"].as_array().unwrap();
    assert!(!path.is_empty());
    for step in path {
        let row = rows.iter().find(|r| r["id"] == step["id"]).unwrap();
        assert_eq!(row["critical"], true, "{row}");
    }
}

#[test]
fn schedule_of_an_unknown_project_is_not_found() {
    let (_dir, db) = seeded();
    keyworks(&db)
        .args(["schedule", "KP99-99"])
        .assert()
        .failure()
        .code(3)
        .stderr(predicate::str::starts_with("错误：").and(predicate::str::contains("KP99-99")));
}

#[test]
fn baseline_save_then_diff_against_it() {
    let (_dir, db) = seeded();
    keyworks(&db)
        .args([
            "baseline",
            "save",
            "KP21-01",
            "--name",
            "2021-W23",
            "--date",
            "2021-06-11",
        ])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("「2021-W23」").and(predicate::str::contains("2021-06-11")),
        );
    // The latest baseline is the default.
    let out = keyworks(&db)
        .args(["baseline", "diff", "KP21-01"])
        .assert()
        .success();
    let text = stdout(&out);
    assert!(text.contains("基线「2021-W23」（2021-06-11）"), "{text}");
    assert!(
        text.contains("开始偏差") && text.contains("完成偏差"),
        "{text}"
    );
    let out = keyworks(&db)
        .args([
            "baseline",
            "diff",
            "KP21-01",
            "--against",
            "年初计划",
            "--json",
        ])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["baseline"]["name"], "年初计划");
    assert!(!v["tasks"].as_array().unwrap().is_empty());
    assert!(v["slips"].is_array());
    // Saving the same name twice is refused, and an unknown name lists the ones there are.
    keyworks(&db)
        .args(["baseline", "save", "KP21-01", "--name", "2021-W23"])
        .assert()
        .failure()
        .code(2);
    keyworks(&db)
        .args(["baseline", "diff", "KP21-01", "--against", "没有这个"])
        .assert()
        .failure()
        .code(3)
        .stderr(predicate::str::contains("2021-W23").and(predicate::str::contains("年初计划")));
}

#[test]
fn baseline_save_is_logged_to_the_change_log_with_the_author() {
    let (_dir, db) = seeded();
    keyworks(&db)
        .args(["baseline", "save", "KP21-02", "--name", "周基线"])
        .assert()
        .success();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM change_log WHERE table_name = 'baselines' AND author = '测试员'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
}

const YEAR_2027: &str = r#"{
    "year": 2027,
    "papers": ["国务院办公厅关于2027年部分节假日安排的通知（测试用）"],
    "days": [
        {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
        {"name": "春节", "date": "2027-02-06", "isOffDay": true},
        {"name": "春节", "date": "2027-02-08", "isOffDay": true},
        {"name": "春节", "date": "2027-02-20", "isOffDay": false},
        {"name": "国庆节", "date": "2027-10-01", "isOffDay": true},
        {"name": "国庆节", "date": "2027-10-09", "isOffDay": false}
    ]
}"#;

#[test]
fn a_2027_file_is_imported_then_shown() {
    let (dir, db) = seeded();
    keyworks(&db)
        .args(["calendar", "show", "2027"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("没有 2027 年")
                .and(predicate::str::contains("calendar import")),
        );
    let file = dir.path().join("2027.json");
    std::fs::write(&file, YEAR_2027).unwrap();
    keyworks(&db)
        .args(["calendar", "import"])
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "2027 年节假日 4 天、调休上班 2 天",
        ));
    let out = keyworks(&db)
        .args(["calendar", "show", "2027"])
        .assert()
        .success();
    let text = stdout(&out);
    for needle in [
        "2027-01-01  周五  节假日    元旦",
        "2027-02-20  周六  调休上班  春节",
        "2027-10-09  周六  调休上班  国庆节",
        "共 6 天：节假日 4 天，调休上班 2 天。",
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    let out = keyworks(&db)
        .args(["calendar", "show", "2027", "--json"])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 6);
    assert_eq!(v[3]["kind"], "workday");
    // The built-in years are there too: 2018's make-up Saturday before Labour Day.
    keyworks(&db)
        .args(["calendar", "show", "2018"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "2018-04-28  周六  调休上班  劳动节",
        ));
}

#[test]
fn a_malformed_calendar_file_is_refused_and_the_database_is_unchanged() {
    let (dir, db) = seeded();
    let before = sha256(&db);
    let cases = [
        ("truncated.json", "{\"year\": 2027, \"days\": [".to_owned()),
        (
            "bad-date.json",
            YEAR_2027.replace("2027-10-09", "2027-13-09"),
        ),
        (
            "wrong-year.json",
            YEAR_2027.replace("2027-10-09", "2031-10-09"),
        ),
        (
            "empty.json",
            r#"{"year": 2027, "papers": [], "days": []}"#.to_owned(),
        ),
        ("twice.json", YEAR_2027.replace("2027-02-08", "2027-02-06")),
    ];
    for (name, text) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, &text).unwrap();
        keyworks(&db)
            .args(["calendar", "import"])
            .arg(&file)
            .assert()
            .failure()
            .code(2)
            .stderr(predicate::str::starts_with("错误：").and(predicate::str::contains(name)));
        assert_eq!(sha256(&db), before, "{name} changed the database");
    }
    keyworks(&db)
        .args(["calendar", "import"])
        .arg(dir.path().join("missing.json"))
        .assert()
        .failure()
        .code(3);
    assert_eq!(sha256(&db), before);
}
