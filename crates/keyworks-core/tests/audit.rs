//! What auditors rely on: the hash-chained change log, `verify` finding changes made outside
//! KeyWorks, backups through SQLite, and the edit lock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use keyworks_core::audit::edit_lock::{self, EditLock, LockHolder};
use keyworks_core::audit::verify::Finding;
use keyworks_core::{Access, Db, Error, ErrorCode, Stamp};
use rusqlite::Connection;

fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

fn stamp() -> Stamp {
    Stamp::new("审计测试", at("2021-06-11T10:00:00+08:00")).unwrap()
}

fn seeded(dir: &Path) -> PathBuf {
    let path = dir.join("k.sqlite");
    drop(Db::create_seeded(&path, &stamp()).unwrap());
    path
}

/// What someone with the sqlite3 shell could do to the file.
fn tamper(path: &Path, sql: &str) {
    Connection::open(path).unwrap().execute_batch(sql).unwrap();
}

fn findings(path: &Path) -> Vec<Finding> {
    Db::open(path, Access::ReadOnly)
        .unwrap()
        .verify()
        .unwrap()
        .findings
}

#[test]
fn a_file_written_only_through_keyworks_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let path = seeded(dir.path());
    let report = Db::open(&path, Access::ReadOnly).unwrap().verify().unwrap();
    assert!(report.is_ok(), "{:?}", report.findings);
    assert!(report.log_rows > 1000);
    assert!(report.rows_checked > 1000);
}

#[test]
fn a_field_changed_with_the_sqlite_shell_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = seeded(dir.path());
    tamper(
        &path,
        "UPDATE tasks SET planned_finish = '2021-12-31' WHERE id = 5",
    );
    let f = findings(&path);
    assert_eq!(f.len(), 1, "{f:?}");
    match &f[0] {
        Finding::RowChanged {
            table,
            row_id,
            field,
            actual,
            ..
        } => {
            assert_eq!(
                (table.as_str(), *row_id, field.as_str()),
                ("tasks", 5, "planned_finish")
            );
            assert_eq!(actual, "2021-12-31");
        }
        other => panic!("{other:?}"),
    }
    assert!(f[0].to_string().contains("tasks") && f[0].to_string().contains("planned_finish"));
}

#[test]
fn rows_inserted_or_deleted_outside_keyworks_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = seeded(dir.path());
    tamper(
        &path,
        "INSERT INTO targets (project_id, position, name, quantity, unit) VALUES (1, 9, '伪造指标', 1, '个');
         DELETE FROM baseline_tasks WHERE id = 3;",
    );
    let f = findings(&path);
    assert!(
        f.iter()
            .any(|x| matches!(x, Finding::RowUnlogged { table, .. } if table == "targets")),
        "{f:?}"
    );
    assert!(
        f.iter().any(
            |x| matches!(x, Finding::RowMissing { table, row_id: 3 } if table == "baseline_tasks")
        ),
        "{f:?}"
    );
}

#[test]
fn editing_or_removing_a_log_row_breaks_the_chain_at_that_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = seeded(dir.path());
    let copy = dir.path().join("copy.sqlite");
    std::fs::copy(&path, &copy).unwrap();

    // Rewriting history: the row's content no longer matches its hash.
    tamper(&path, "UPDATE change_log SET author = '别人' WHERE id = 40");
    let f = findings(&path);
    assert!(
        matches!(f.first(), Some(Finding::BrokenLink { log_id: 40, .. })),
        "{f:?}"
    );

    // Deleting an entry: the next row no longer links to its predecessor.
    tamper(&copy, "DELETE FROM change_log WHERE id = 77");
    let f = findings(&copy);
    assert!(
        matches!(f.first(), Some(Finding::BrokenLink { log_id: 78, .. })),
        "{f:?}"
    );
}

#[test]
fn changes_through_keyworks_keep_the_chain_and_the_rows_in_step() {
    let dir = tempfile::tempdir().unwrap();
    let path = seeded(dir.path());
    let mut db = Db::open(&path, Access::ReadWrite).unwrap();
    let m = db
        .milestones(&keyworks_core::portfolio::milestones::MilestoneQuery {
            as_of: chrono::NaiveDate::from_ymd_opt(2021, 6, 11).unwrap(),
            due_within: None,
            overdue: true,
        })
        .unwrap();
    db.complete_milestone(
        m[0].id,
        chrono::NaiveDate::from_ymd_opt(2021, 6, 10).unwrap(),
        "验收",
        &stamp(),
    )
    .unwrap();
    drop(db);
    assert!(findings(&path).is_empty());
}

#[test]
fn save_a_copy_is_a_consistent_keyworks_file_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let path = seeded(dir.path());
    let db = Db::open(&path, Access::ReadOnly).unwrap();
    let copy = dir.path().join("副本.sqlite");
    db.save_copy(&copy).unwrap();
    let again = db.save_copy(&copy).unwrap_err();
    assert!(matches!(again, Error::AlreadyExists { .. }));
    let c = Db::open(&copy, Access::ReadOnly).unwrap();
    assert_eq!(c.projects().unwrap().len(), 15);
    assert!(c.verify().unwrap().is_ok());
}

#[test]
fn restoring_a_backup_brings_its_content_back_and_keeps_the_present_state_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = seeded(dir.path());
    let backup = dir.path().join("before.sqlite");
    let mut db = Db::open(&path, Access::ReadWrite).unwrap();
    db.save_copy(&backup).unwrap();
    let input = keyworks_core::portfolio::updates::UpdateInput {
        week: keyworks_core::week::IsoWeek::parse("w", "2021-W24").unwrap(),
        percent_complete: 70.0,
        status: keyworks_core::model::Status::Red,
        narrative: "恢复前的修改".into(),
        issues: String::new(),
        next_steps: String::new(),
        if_reported: keyworks_core::portfolio::updates::IfReported::Refuse,
    };
    db.record_update("KP21-01", &input, &stamp()).unwrap();
    db.restore_from(&backup, &stamp()).unwrap();
    assert_eq!(
        db.updates_of("KP21-01")
            .unwrap()
            .last()
            .unwrap()
            .iso_week
            .to_string(),
        "2021-W23"
    );
    assert!(db.verify().unwrap().is_ok());
    // The state just before the restore was kept as an automatic backup.
    let kept = keyworks_core::store::backup::list_backups(&path).unwrap();
    assert_eq!(kept.len(), 1, "{kept:?}");
    let before_restore = Db::open(&kept[0], Access::ReadOnly).unwrap();
    assert_eq!(
        before_restore
            .updates_of("KP21-01")
            .unwrap()
            .last()
            .unwrap()
            .narrative,
        "恢复前的修改"
    );
    let last = db.change_log(1).unwrap();
    assert_eq!(last[0].table_name, "database");
}

#[test]
fn a_second_editor_is_told_who_holds_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = seeded(dir.path());
    let now = at("2021-06-11T09:00:00+08:00");
    let first = EditLock::acquire(&path, LockHolder::this_process("王工", now)).unwrap();
    assert!(edit_lock::lock_path(&path).exists());
    let second = LockHolder {
        user: "李工".into(),
        machine: "OTHER-PC".into(),
        process: 1,
        since: now,
    };
    let e = EditLock::acquire(&path, second).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Locked);
    let msg = e.to_string();
    assert!(
        msg.contains("王工") && msg.contains("2021-06-11 09:00"),
        "{msg}"
    );
    // An auditor still reads.
    assert_eq!(
        Db::open(&path, Access::ReadOnly)
            .unwrap()
            .projects()
            .unwrap()
            .len(),
        15
    );
    drop(first);
    assert!(
        !edit_lock::lock_path(&path).exists(),
        "closing releases the lock"
    );
}

#[test]
fn stale_locks_are_recognised_and_breaking_one_is_logged() {
    let dir = tempfile::tempdir().unwrap();
    let path = seeded(dir.path());
    let since = at("2021-06-10T08:00:00+08:00");
    // Held on another machine, 26 hours ago: stale by age only.
    let remote = LockHolder {
        user: "李工".into(),
        machine: "OTHER-PC".into(),
        process: 4242,
        since,
    };
    assert!(!remote.is_stale(at("2021-06-10T12:00:00+08:00"), 12));
    assert!(remote.is_stale(at("2021-06-11T10:00:00+08:00"), 12));
    // Held on this machine by a process that is gone: stale at once.
    let gone = LockHolder {
        user: "王工".into(),
        machine: edit_lock::this_machine(),
        process: u32::MAX - 1,
        since: at("2021-06-11T09:59:00+08:00"),
    };
    assert!(gone.is_stale(at("2021-06-11T10:00:00+08:00"), 12));
    let alive = LockHolder::this_process("王工", at("2021-06-11T09:59:00+08:00"));
    assert!(!alive.is_stale(at("2021-06-11T10:00:00+08:00"), 12));

    std::fs::write(
        edit_lock::lock_path(&path),
        serde_json::to_vec(&remote).unwrap(),
    )
    .unwrap();
    let mut db = Db::open(&path, Access::ReadWrite).unwrap();
    let early = Stamp::new("张工", at("2021-06-10T12:00:00+08:00")).unwrap();
    assert_eq!(
        db.break_edit_lock(12, false, &early).unwrap_err().code(),
        ErrorCode::Locked
    );
    let broken = db.break_edit_lock(12, false, &stamp()).unwrap().unwrap();
    assert_eq!(broken.user, "李工");
    assert!(!edit_lock::lock_path(&path).exists());
    let last = &db.change_log(1).unwrap()[0];
    assert_eq!(
        (
            last.table_name.as_str(),
            last.op.as_str(),
            last.author.as_str()
        ),
        ("edit_lock", "delete", "审计测试")
    );
    assert!(db.verify().unwrap().is_ok());
}
