//! `keyworks invest …`, `project set` and the upward sheet from the command line, as a
//! manager runs them: amounts typed in 万元, corrections logged, every figure of `--json` in
//! whole yuan and equal to the table's, bad input one sentence with exit code 2 and the file
//! untouched.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::{keyworks, seeded, sha256, verifies};

fn show_json(db: &std::path::Path, args: &[&str]) -> Value {
    let out = keyworks(db)
        .args([
            "invest",
            "show",
            "--month",
            "2021-05",
            "--as-of",
            "2021-06-11",
            "--json",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_month_recorded_and_corrected_moves_the_light_and_the_totals_to_the_yuan() {
    let (_dir, db) = seeded();
    let before = show_json(&db, &["KP21-04"]);
    assert_eq!(before["rows"][0]["warning"]["light"], "red");
    // 北斗 catches up in May: 7,800 → 17,000 万元 of 40,000 is 42.5%, above 序时进度.
    keyworks(&db)
        .args([
            "invest",
            "record",
            "KP21-04",
            "--month",
            "2021-05",
            "--completed",
            "11700.0001",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("2500 万元 → 11700.0001 万元"));
    let after = show_json(&db, &["KP21-04"]);
    let row = &after["rows"][0];
    assert_eq!(row["month_yuan"], 117_000_001_i64);
    assert_eq!(row["year_to_date_yuan"], 170_000_001_i64);
    assert_eq!(row["warning"]["light"], "green");
    // The whole portfolio's totals are the sums of its rows, exactly.
    let all = show_json(&db, &[]);
    let rows = all["rows"].as_array().unwrap();
    let sum = |field: &str| -> i64 { rows.iter().filter_map(|r| r[field].as_i64()).sum() };
    for (total, field) in [
        ("annual_yuan", "annual_yuan"),
        ("month_yuan", "month_yuan"),
        ("year_to_date_yuan", "year_to_date_yuan"),
    ] {
        assert_eq!(
            all["totals"][total].as_i64().unwrap(),
            sum(field),
            "{field}"
        );
    }
    keyworks(&db)
        .args(["history", "--project", "KP21-04", "--limit", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("当月完成投资"))
        .stdout(predicate::str::contains("2500 万元→11700.0001 万元"));
    verifies(&db);
}

#[test]
fn bad_amounts_months_and_thresholds_are_refused_and_change_nothing() {
    let (_dir, db) = seeded();
    let untouched = sha256(&db);
    for (args, says) in [
        (
            vec![
                "invest",
                "record",
                "KP21-01",
                "--month",
                "2021-05",
                "--completed",
                "1.23456",
            ],
            "最多保留 4 位小数",
        ),
        (
            vec![
                "invest",
                "record",
                "KP21-01",
                "--month",
                "2021-13",
                "--completed",
                "1",
            ],
            "--month",
        ),
        (
            vec![
                "invest",
                "record",
                "KP21-01",
                "--month",
                "2021-05",
                "--completed",
                "-5",
            ],
            "不带符号",
        ),
        (
            vec![
                "invest", "plan", "KP21-01", "--year", "2021", "--annual", "一千",
            ],
            "--annual",
        ),
        (
            vec!["invest", "rules", "--invest-red", "90"],
            "红灯线应不高于黄灯线",
        ),
        (
            vec!["project", "set", "KP21-01"],
            "--leader、--unit 或 --funding",
        ),
    ] {
        keyworks(&db)
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    }
    keyworks(&db)
        .args([
            "invest",
            "record",
            "KP99-01",
            "--month",
            "2021-05",
            "--completed",
            "1",
        ])
        .assert()
        .code(3);
    assert_eq!(sha256(&db), untouched);
}

#[test]
fn leaders_filter_and_group_the_table_and_the_thresholds_belong_to_the_file() {
    let (_dir, db) = seeded();
    keyworks(&db)
        .args([
            "project",
            "set",
            "KP21-14",
            "--leader",
            "刘洋",
            "--unit",
            "高新区城改办",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "包抓领导 刘洋，责任单位 高新区城改办",
        ));
    let liu = show_json(&db, &["--leader", "刘洋"]);
    assert_eq!(liu["rows"].as_array().unwrap().len(), 1);
    assert_eq!(liu["rows"][0]["lead_unit"], "高新区城改办");
    keyworks(&db)
        .args([
            "invest",
            "show",
            "--month",
            "2021-05",
            "--as-of",
            "2021-06-11",
            "--by-leader",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("包抓领导：刘洋"))
        .stdout(predicate::str::contains("包抓领导：赵敏（示例）"));
    let red = show_json(&db, &["--warning", "红"]);
    assert!(
        red["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["warning"]["light"] == "red")
    );
    // Looser lines, set once in the file, turn 奕斯伟's yellow green for every reader.
    keyworks(&db)
        .args([
            "invest",
            "rules",
            "--invest-yellow",
            "70",
            "--invest-red",
            "50",
        ])
        .assert()
        .success();
    keyworks(&db)
        .args(["--read-only", "invest", "rules", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"invest_yellow_pct\": 70"));
    assert_eq!(
        show_json(&db, &["KP21-05"])["rows"][0]["warning"]["light"],
        "green"
    );
    verifies(&db);
}

#[test]
fn the_upward_sheet_is_written_for_the_whole_portfolio_only() {
    let (dir, db) = seeded();
    let out = dir.path().join("2021年5月进展情况表.xlsx");
    keyworks(&db)
        .args([
            "export", "--all", "--format", "xlsx", "--table", "monthly", "--month", "2021-05",
        ])
        .args(["--as-of", "2021-06-11", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("15 行数据"));
    assert!(std::fs::read(&out).unwrap().starts_with(b"PK"));
    keyworks(&db)
        .args([
            "export", "KP21-01", "--format", "xlsx", "--table", "monthly",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--all"));
    keyworks(&db)
        .args(["export", "--all", "--format", "csv", "--table", "monthly"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--format xlsx"));
}

#[test]
fn the_monthly_report_is_written_and_a_bad_month_is_refused() {
    let (dir, db) = seeded();
    let out = dir.path().join("月报.pdf");
    keyworks(&db)
        .args([
            "report",
            "monthly",
            "--month",
            "2021-05",
            "--as-of",
            "2021-06-11",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("2021-05 月报，截至 2021-05-31"));
    assert!(std::fs::read(&out).unwrap().starts_with(b"%PDF"));
    keyworks(&db)
        .args(["report", "monthly", "--month", "2021-13", "--out"])
        .arg(dir.path().join("x.pdf"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--month"));
    assert!(!dir.path().join("x.pdf").exists());
}

fn approvals_json(db: &std::path::Path, args: &[&str]) -> Value {
    let out = keyworks(db)
        .args(["approval", "list", "--json"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// 前期手续 on the working-day clock: the example dates, an item's own limit, bad input
/// refused with the file untouched, and `--overdue` once the deadline has passed.
#[test]
fn approvals_run_on_working_days_from_the_first_submission() {
    let (_dir, db) = seeded();
    // 村安置性商品房 is government-invested (seeded): 60 working days.
    keyworks(&db)
        .args([
            "approval",
            "add",
            "KP21-15",
            "--item",
            "立项备案",
            "--submitted",
            "2021-09-24",
        ])
        .assert()
        .success();
    keyworks(&db)
        .args([
            "approval",
            "add",
            "KP21-15",
            "--item",
            "施工许可",
            "--submitted",
            "2021-10-08",
        ])
        .args(["--limit", "20"])
        .assert()
        .success();
    let list = approvals_json(&db, &["KP21-15", "--as-of", "2021-10-09"]);
    let p = &list[0];
    assert_eq!(p["funding"], "government");
    assert_eq!(p["process"]["deadline"], "2021-12-22");
    assert_eq!(p["process"]["days_used"], 7);
    assert_eq!(p["process"]["state"], "on_time");
    let permit = &p["items"][1];
    assert_eq!(permit["approval"]["item"], "施工许可");
    assert_eq!(
        permit["clock"]["days_used"], 1,
        "9 October is a make-up working day"
    );
    // As social investment the same start ends on 2021-11-17.
    keyworks(&db)
        .args(["project", "set", "KP21-15", "--funding", "社会投资"])
        .assert()
        .success()
        .stdout(predicate::str::contains("社会投资"));
    let list = approvals_json(&db, &["KP21-15", "--as-of", "2021-10-09"]);
    assert_eq!(list[0]["process"]["deadline"], "2021-11-17");

    let untouched = sha256(&db);
    let id = list[0]["items"][0]["approval"]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    for (args, says) in [
        (
            vec!["approval", "done", id.as_str(), "--date", "2021-09-20"],
            "不能早于申报日期",
        ),
        (
            vec![
                "approval",
                "add",
                "KP21-15",
                "--item",
                "立项备案",
                "--submitted",
                "2021-09-25",
            ],
            "已有这个事项",
        ),
        (
            vec![
                "approval",
                "add",
                "KP21-15",
                "--item",
                " ",
                "--submitted",
                "2021-09-25",
            ],
            "请填写事项名称",
        ),
        (
            vec!["project", "set", "KP21-15", "--funding", "外资"],
            "政府投资、社会投资",
        ),
    ] {
        keyworks(&db)
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    }
    assert_eq!(sha256(&db), untouched);

    assert!(
        approvals_json(&db, &["--overdue", "--as-of", "2021-10-09"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    let late = approvals_json(&db, &["--overdue", "--as-of", "2021-11-18"]);
    assert_eq!(late[0]["code"], "KP21-15");
    assert_eq!(late[0]["process"]["state"], "overdue");
    keyworks(&db)
        .args(["approval", "done", &id, "--date", "2021-10-15"])
        .assert()
        .success();
    keyworks(&db)
        .args(["approval", "list", "KP21-15", "--as-of", "2021-11-18"])
        .assert()
        .success()
        .stdout(predicate::str::contains("已超时"))
        .stdout(predicate::str::contains("2021-10-15"));
    verifies(&db);
}

#[test]
fn the_problem_ledger_from_the_command_line() {
    let (_dir, db) = seeded();
    keyworks(&db)
        .args([
            "problem",
            "add",
            "KP21-14",
            "--text",
            "剩余 12 户未签约",
            "--unit",
            "城改办",
        ])
        .args(["--raised", "2021-06-09", "--due", "2021-06-11"])
        .assert()
        .success()
        .stdout(predicate::str::contains("项目协调，待解决"));
    let out = keyworks(&db)
        .args([
            "problem",
            "list",
            "--open",
            "--as-of",
            "2021-06-16",
            "--json",
        ])
        .output()
        .unwrap();
    let ledger: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(ledger[0]["age_days"], 4);
    assert_eq!(ledger[0]["escalate"], true);
    let id = ledger[0]["problem"]["id"].as_i64().unwrap().to_string();
    keyworks(&db)
        .args(["problem", "list", "--as-of", "2021-06-16"])
        .assert()
        .success()
        .stdout(predicate::str::contains("应升级督办"));
    keyworks(&db)
        .args([
            "problem",
            "set",
            &id,
            "--level",
            "督办",
            "--state",
            "协调中",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("协调中"));
    let untouched = sha256(&db);
    keyworks(&db)
        .args(["problem", "set", &id, "--state", "待解决"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("只能向前推进"));
    keyworks(&db)
        .args([
            "problem",
            "add",
            "KP21-14",
            "--text",
            "x",
            "--raised",
            "2021-06-09",
        ])
        .args(["--due", "2021-06-01"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("不能早于提出日期"));
    assert_eq!(sha256(&db), untouched);
    verifies(&db);
}
