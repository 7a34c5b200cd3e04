//! The store's behaviour on real files: the change log, weekly updates, milestones,
//! refusing bad files untouched, and the dashboard over seeded and synthetic portfolios.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate};
use keyworks_core::ids::TaskId;
use keyworks_core::model::{Status, Task};
use keyworks_core::portfolio::milestones::{MilestoneQuery, MilestoneState};
use keyworks_core::portfolio::summary::DUE_SOON_DAYS;
use keyworks_core::portfolio::updates::{IfReported, UpdateInput};
use keyworks_core::week::IsoWeek;
use keyworks_core::{Access, Db, Error, ErrorCode, SCHEMA_VERSION, Stamp};
use rusqlite::{Connection, OpenFlags};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const AS_OF: &str = "2021-06-11T10:00:00+08:00";

/// Every table whose rows KeyWorks writes through the change log.
const LOGGED_TABLES: &[&str] = &[
    "portfolio",
    "calendars",
    "calendar_exceptions",
    "projects",
    "targets",
    "tasks",
    "dependencies",
    "weekly_updates",
    "baselines",
    "baseline_tasks",
    "investment_plans",
    "investment_months",
    "approvals",
    "problems",
    "photos",
];

fn stamp_at(at: &str) -> Stamp {
    Stamp::new("测试员", DateTime::parse_from_rfc3339(at).unwrap()).unwrap()
}

fn stamp() -> Stamp {
    stamp_at(AS_OF)
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn week(text: &str) -> IsoWeek {
    IsoWeek::parse("week", text).unwrap()
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = OsString::from(path.as_os_str());
    s.push(suffix);
    PathBuf::from(s)
}

fn sha256(path: &Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

fn assert_no_side_files(path: &Path) {
    for suffix in ["-journal", "-wal", "-shm"] {
        let side = with_suffix(path, suffix);
        assert!(!side.exists(), "{} was created", side.display());
    }
}

/// A second, read-only connection on the same file, for counting what the Db wrote.
fn reader(path: &Path) -> Connection {
    Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn seeded_file(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    drop(Db::create_seeded(&path, &stamp()).unwrap());
    path
}

fn seeded_in_memory() -> Db {
    let mut db = Db::open_in_memory().unwrap();
    db.load_seed(&stamp()).unwrap();
    db
}

fn update(w: &str, pct: f64, status: Status, narrative: &str) -> UpdateInput {
    UpdateInput {
        week: week(w),
        percent_complete: pct,
        status,
        narrative: narrative.into(),
        issues: "无".into(),
        next_steps: "继续推进。".into(),
        if_reported: IfReported::Refuse,
    }
}

// ---------------------------------------------------------------------------------------
// Change log

#[test]
fn load_seed_logs_one_insert_per_inserted_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("seed.sqlite");
    let mut db = Db::create(&path).unwrap();
    let conn = reader(&path);
    assert_eq!(count(&conn, "SELECT count(*) FROM change_log"), 0);
    db.load_seed(&stamp()).unwrap();

    let mut rows_total = 0;
    for table in LOGGED_TABLES {
        let rows = count(&conn, &format!("SELECT count(*) FROM {table}"));
        // An officer adds the first approval items, problems and photos; the seed has none.
        if *table == "approvals" || *table == "problems" || *table == "photos" {
            assert_eq!(rows, 0);
            continue;
        }
        assert!(rows > 0, "{table} is empty after seeding");
        let inserts = count(
            &conn,
            &format!(
                "SELECT count(*) FROM change_log WHERE op = 'insert' AND table_name = '{table}'"
            ),
        );
        assert_eq!(inserts, rows, "{table}: rows vs. logged inserts");
        // Each logged insert names a distinct row that exists.
        let matched = count(
            &conn,
            &format!(
                "SELECT count(DISTINCT c.row_id) FROM change_log c JOIN {table} t ON t.rowid = c.row_id \
                 WHERE c.op = 'insert' AND c.table_name = '{table}'"
            ),
        );
        assert_eq!(matched, rows, "{table}: logged row ids");
        rows_total += rows;
    }
    assert_eq!(
        count(&conn, "SELECT count(*) FROM change_log WHERE op = 'insert'"),
        rows_total
    );
    assert_eq!(
        count(&conn, "SELECT count(*) FROM change_log WHERE op = 'delete'"),
        0
    );

    // Besides the inserts, the seed's weekly updates move project statuses (a project's
    // status follows its latest week as the weeks are loaded in order); each move is logged
    // as an update of that project's status alone, so every change_log row is accounted for.
    let mut stmt = conn
        .prepare("SELECT table_name, changes FROM change_log WHERE op = 'update'")
        .unwrap();
    let updates: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    for (table, changes) in &updates {
        assert_eq!(table, "projects");
        let changes: Value = serde_json::from_str(changes).unwrap();
        let keys: Vec<&String> = changes.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["status"], "{changes}");
    }
    assert_eq!(
        count(&conn, "SELECT count(*) FROM change_log"),
        rows_total + updates.len() as i64
    );

    // An insert lists every field as [null, value], never the id.
    let mut stmt = conn
        .prepare("SELECT changes FROM change_log WHERE op = 'insert'")
        .unwrap();
    for changes in stmt.query_map([], |r| r.get::<_, String>(0)).unwrap() {
        let changes: Value = serde_json::from_str(&changes.unwrap()).unwrap();
        let fields = changes.as_object().unwrap();
        assert!(!fields.is_empty());
        assert!(!fields.contains_key("id"));
        for pair in fields.values() {
            let pair = pair.as_array().unwrap();
            assert_eq!(pair.len(), 2);
            assert!(pair[0].is_null(), "{changes}");
        }
    }
}

/// Regression: seed.rs once passed the two stamps to `insert_update` swapped.
#[test]
fn seeded_updates_show_their_officer_and_are_logged_under_the_seed_author() {
    let dir = tempfile::tempdir().unwrap();
    let load = stamp_at("2026-11-27T09:00:00+08:00");
    let seed_stamp = Stamp::new(keyworks_core::store::seed::SEED_AUTHOR, load.at()).unwrap();
    let path = dir.path().join("seed.sqlite");
    let db = Db::create_seeded(&path, &seed_stamp).unwrap();

    // "The officer who wrote it is its author; recorded on the Friday of its week."
    let updates = db.updates_of("KP21-01").unwrap();
    let w23 = updates
        .iter()
        .find(|u| u.iso_week == week("2021-W23"))
        .unwrap();
    assert_eq!(w23.author, "王工（示例）");
    assert_eq!(w23.recorded_at, "2021-06-11T17:00:00+08:00");

    // SEED_AUTHOR: "Author of the rows the seed writes, as the change log shows it."
    let conn = reader(&path);
    assert_eq!(
        count(
            &conn,
            &format!(
                "SELECT count(*) FROM change_log WHERE author <> '{}'",
                keyworks_core::store::seed::SEED_AUTHOR
            )
        ),
        0
    );
}

// ---------------------------------------------------------------------------------------
// Weekly updates

#[test]
fn recording_the_same_week_again_revises_it() {
    let mut db = seeded_in_memory();
    let code = "KP21-01";
    let before = db.project_by_code(code).unwrap();
    assert_eq!(before.status, Status::Green);
    let seeded_updates = db.updates_of(code).unwrap().len();
    assert_eq!(
        db.updates_of(code).unwrap().last().unwrap().iso_week,
        week("2021-W23")
    );
    let project_changes = db.changes_of("projects", before.id.0).unwrap().len();

    // A new, latest week: inserted; the project's status follows it.
    let first = db
        .record_update(
            code,
            &update("2021-W24", 63.0, Status::Yellow, "设备搬入受阻。"),
            &stamp(),
        )
        .unwrap();
    assert_eq!(db.project_by_code(code).unwrap().status, Status::Yellow);
    assert_eq!(db.updates_of(code).unwrap().len(), seeded_updates + 1);

    // The same week again without saying it replaces the report: refused, naming whose it is.
    let later = stamp_at("2021-06-11T15:30:00+08:00");
    let again = update("2021-W24", 64.5, Status::Red, "  设备搬入停滞。  ");
    let e = db.record_update(code, &again, &later).unwrap_err();
    assert_eq!(e.code(), keyworks_core::ErrorCode::Conflict);
    assert!(
        e.to_string().contains("测试员") && e.to_string().contains("2021-W24"),
        "{e}"
    );
    assert_eq!(
        db.changes_of("weekly_updates", first.id.0).unwrap().len(),
        1
    );
    // Replacing another update than the one there now (a colleague filed meanwhile): refused.
    let stale = UpdateInput {
        if_reported: IfReported::Replace(keyworks_core::ids::UpdateId(first.id.0 + 1_000)),
        ..again.clone()
    };
    assert_eq!(
        db.record_update(code, &stale, &later).unwrap_err().code(),
        keyworks_core::ErrorCode::Conflict
    );
    // Naming the update it replaces: revised in place, logged as an update of the changed
    // fields only.
    let second = db
        .record_update(
            code,
            &UpdateInput {
                if_reported: IfReported::Replace(first.id),
                ..again
            },
            &later,
        )
        .unwrap();
    assert_eq!(second.id, first.id);
    assert_eq!(second.narrative, "设备搬入停滞。");
    let updates = db.updates_of(code).unwrap();
    assert_eq!(updates.len(), seeded_updates + 1);
    assert_eq!(
        updates
            .iter()
            .filter(|u| u.iso_week == week("2021-W24"))
            .count(),
        1
    );
    assert_eq!(updates.last().unwrap(), &second);

    let log = db.changes_of("weekly_updates", first.id.0).unwrap();
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!(log[0].op, "insert");
    assert_eq!(log[0].changes["percent_complete"], json!([null, 63.0]));
    assert_eq!(log[0].changes["iso_week"], json!([null, "2021-W24"]));
    assert_eq!(log[1].op, "update");
    assert_eq!(log[1].author, "测试员");
    assert_eq!(log[1].at, "2021-06-11T15:30:00+08:00");
    assert_eq!(
        log[1].changes,
        json!({
            "percent_complete": [63.0, 64.5],
            "status": ["yellow", "red"],
            "narrative": ["设备搬入受阻。", "设备搬入停滞。"],
            "recorded_at": ["2021-06-11T10:00:00+08:00", "2021-06-11T15:30:00+08:00"],
        })
    );
    assert_eq!(db.project_by_code(code).unwrap().status, Status::Red);
    let project_log = db.changes_of("projects", before.id.0).unwrap();
    assert_eq!(project_log.len(), project_changes + 2);
    assert_eq!(
        project_log[project_changes].changes,
        json!({"status": ["green", "yellow"]})
    );
    assert_eq!(
        project_log[project_changes + 1].changes,
        json!({"status": ["yellow", "red"]})
    );

    // Revising an older week does not move the project's status.
    let w23 = db
        .updates_of(code)
        .unwrap()
        .into_iter()
        .find(|u| u.iso_week == week("2021-W23"))
        .unwrap();
    let revised = db
        .record_update(
            code,
            &UpdateInput {
                if_reported: IfReported::Replace(w23.id),
                ..update(
                    "2021-W23",
                    w23.percent_complete,
                    Status::Green,
                    "补记：进展正常。",
                )
            },
            &later,
        )
        .unwrap();
    assert_eq!(revised.id, w23.id);
    assert_eq!(db.project_by_code(code).unwrap().status, Status::Red);
    assert_eq!(
        db.changes_of("projects", before.id.0).unwrap().len(),
        project_changes + 2
    );
    assert_eq!(db.updates_of(code).unwrap().len(), seeded_updates + 1);
    let w23_log = db.changes_of("weekly_updates", w23.id.0).unwrap();
    assert_eq!(w23_log.last().unwrap().op, "update");

    // A new week older than the latest is inserted, and does not move the status either.
    db.record_update(
        code,
        &update("2021-W10", 20.0, Status::Green, "补录早期周报。"),
        &later,
    )
    .unwrap();
    assert_eq!(db.project_by_code(code).unwrap().status, Status::Red);
    assert_eq!(db.updates_of(code).unwrap().len(), seeded_updates + 2);
}

#[test]
fn invalid_updates_are_refused_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = seeded_file(dir.path(), "seed.sqlite");
    let mut db = Db::open(&path, Access::ReadWrite).unwrap();
    let conn = reader(&path);
    let log_before = count(&conn, "SELECT count(*) FROM change_log");
    let updates_before = count(&conn, "SELECT count(*) FROM weekly_updates");
    let sum = sha256(&path);

    let bad = [
        update("2021-W24", 120.0, Status::Green, "进展正常。"),
        update("2021-W24", -0.5, Status::Green, "进展正常。"),
        update("2021-W24", f64::NAN, Status::Green, "进展正常。"),
        update("2021-W24", 50.0, Status::Green, ""),
        update("2021-W24", 50.0, Status::Green, "  \n\t "),
        // Revising an existing week with bad input is refused too.
        update("2021-W23", 150.0, Status::Red, "进展正常。"),
    ];
    for input in &bad {
        let e = db.record_update("KP21-01", input, &stamp()).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidInput, "{input:?}: {e:?}");
        assert!(matches!(e, Error::InvalidInput { .. }), "{e:?}");
    }
    assert_eq!(count(&conn, "SELECT count(*) FROM change_log"), log_before);
    assert_eq!(
        count(&conn, "SELECT count(*) FROM weekly_updates"),
        updates_before
    );
    assert_eq!(db.project_by_code("KP21-01").unwrap().status, Status::Green);
    assert_eq!(sha256(&path), sum);

    let e = db
        .record_update(
            "NO-SUCH",
            &update("2021-W24", 50.0, Status::Green, "x"),
            &stamp(),
        )
        .unwrap_err();
    assert!(matches!(e, Error::UnknownProject { .. }), "{e:?}");
    assert_eq!(count(&conn, "SELECT count(*) FROM change_log"), log_before);
}

// ---------------------------------------------------------------------------------------
// Milestones

fn open_milestone(db: &Db) -> Task {
    let all = db
        .milestones(&MilestoneQuery {
            as_of: d(2021, 6, 11),
            due_within: None,
            overdue: false,
        })
        .unwrap();
    let row = all.iter().find(|m| m.actual.is_none()).unwrap();
    db.task(row.id).unwrap()
}

#[test]
fn complete_milestone_sets_its_actual_date_and_is_logged() {
    let mut db = seeded_in_memory();
    let before = open_milestone(&db);
    assert!(before.is_milestone);
    assert!(before.actual_finish.is_none());
    let logged = db.changes_of("tasks", before.id.0).unwrap().len();

    // The stamp's own day is allowed.
    let done = db
        .complete_milestone(before.id, d(2021, 6, 11), "  已通过验收。 ", &stamp())
        .unwrap();
    assert_eq!(done.actual_finish, Some(d(2021, 6, 11)));
    assert_eq!(done.percent_complete, 100.0);
    assert_eq!(done.completion_note, "已通过验收。");
    assert_eq!(db.task(before.id).unwrap(), done);

    let log = db.changes_of("tasks", before.id.0).unwrap();
    assert_eq!(log.len(), logged + 1);
    let entry = log.last().unwrap();
    assert_eq!(entry.op, "update");
    assert_eq!(entry.author, "测试员");
    assert_eq!(entry.at, AS_OF);
    assert_eq!(entry.changes["actual_finish"], json!([null, "2021-06-11"]));
    assert_eq!(
        entry.changes["percent_complete"],
        json!([before.percent_complete, 100.0])
    );
    assert_eq!(
        entry.changes["completion_note"],
        json!([before.completion_note, "已通过验收。"])
    );
    for unchanged in ["name", "planned_finish", "is_milestone", "project_id"] {
        assert!(entry.changes.get(unchanged).is_none(), "{unchanged} logged");
    }

    // No longer listed as open or late.
    let summary = db.portfolio_summary(d(2021, 6, 11)).unwrap();
    assert!(summary.due_soon.iter().all(|m| m.id != before.id));
    assert!(summary.overdue.iter().all(|m| m.id != before.id));
}

#[test]
fn complete_milestone_refuses_a_date_after_the_stamp_day() {
    let mut db = seeded_in_memory();
    let before = open_milestone(&db);
    let logged = db.change_log(1_000_000).unwrap().len();
    let e = db
        .complete_milestone(before.id, d(2021, 6, 12), "", &stamp())
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    assert!(matches!(e, Error::InvalidInput { .. }), "{e:?}");
    // The stamp's day is its own local day, whatever its offset.
    let late_evening = stamp_at("2021-06-11T23:30:00-05:00");
    let e = db
        .complete_milestone(before.id, d(2021, 6, 12), "", &late_evening)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    assert_eq!(db.task(before.id).unwrap(), before);
    assert_eq!(db.change_log(1_000_000).unwrap().len(), logged);
}

#[test]
fn complete_milestone_refuses_tasks_that_are_not_milestones_or_do_not_exist() {
    let mut db = seeded_in_memory();
    let logged = db.change_log(1_000_000).unwrap().len();
    let detail = db.project_detail("KP21-01").unwrap();
    let work = detail.tasks.iter().find(|t| !t.is_milestone).unwrap();
    let e = db
        .complete_milestone(work.id, d(2021, 6, 1), "", &stamp())
        .unwrap_err();
    match &e {
        Error::NotAMilestone { id, name } => {
            assert_eq!(*id, work.id.0);
            assert_eq!(name, &work.name);
        }
        other => panic!("expected NotAMilestone, got {other:?}"),
    }
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    assert_eq!(&db.task(work.id).unwrap(), work);

    let e = db
        .complete_milestone(TaskId(9_999_999), d(2021, 6, 1), "", &stamp())
        .unwrap_err();
    assert!(matches!(e, Error::UnknownTask { id: 9_999_999 }), "{e:?}");
    assert_eq!(e.code(), ErrorCode::NotFound);
    assert_eq!(db.change_log(1_000_000).unwrap().len(), logged);
}

// ---------------------------------------------------------------------------------------
// Files that are not ours, damaged, too new or missing

/// A deterministic run of bytes that is not a SQLite header.
fn noise(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    FileNotFound,
    NotSqlite,
    NotKeyWorks,
    Truncated,
    TooNew,
}

fn kind(e: &Error) -> Option<Want> {
    match e {
        Error::FileNotFound { .. } => Some(Want::FileNotFound),
        Error::NotSqlite { .. } => Some(Want::NotSqlite),
        Error::NotKeyWorks { .. } => Some(Want::NotKeyWorks),
        Error::Truncated { .. } => Some(Want::Truncated),
        Error::TooNew { .. } => Some(Want::TooNew),
        _ => None,
    }
}

#[test]
fn bad_files_are_refused_with_their_path_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let real = seeded_file(dir.path(), "real.sqlite");
    let real_bytes = std::fs::read(&real).unwrap();
    assert!(real_bytes.len() > 8192);

    let random = dir.path().join("random.sqlite");
    std::fs::write(&random, noise(8192)).unwrap();

    let text = dir.path().join("周报.csv");
    std::fs::write(&text, "项目编号,状态\nKP21-01,绿\n").unwrap();

    let empty = dir.path().join("empty.sqlite");
    std::fs::write(&empty, b"").unwrap();

    let truncated = dir.path().join("truncated.sqlite");
    let half = real_bytes.len() / 2;
    std::fs::write(&truncated, &real_bytes[..half]).unwrap();

    let foreign = dir.path().join("foreign.sqlite");
    {
        let conn = Connection::open(&foreign).unwrap();
        conn.execute_batch(
            "CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT);
             INSERT INTO contacts (name) VALUES ('张三');",
        )
        .unwrap();
        conn.close().unwrap();
    }

    let newer = dir.path().join("newer.sqlite");
    std::fs::write(&newer, &real_bytes).unwrap();
    {
        let conn = Connection::open(&newer).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        conn.close().unwrap();
    }

    let missing = dir.path().join("no-such-file.sqlite");
    let folder = dir.path().join("folder.sqlite");
    std::fs::create_dir(&folder).unwrap();

    let files = [
        (&random, Want::NotSqlite),
        (&text, Want::NotSqlite),
        (&empty, Want::NotKeyWorks),
        (&truncated, Want::Truncated),
        (&foreign, Want::NotKeyWorks),
        (&newer, Want::TooNew),
    ];
    let sums: Vec<Vec<u8>> = files.iter().map(|(p, _)| sha256(p)).collect();

    for access in [Access::ReadWrite, Access::ReadOnly] {
        for ((path, want), sum) in files.iter().zip(&sums) {
            let e = Db::open(path, access).unwrap_err();
            assert_eq!(
                kind(&e),
                Some(*want),
                "{access:?} {}: {e:?}",
                path.display()
            );
            assert_eq!(e.code(), ErrorCode::InvalidFile, "{e:?}");
            let msg = e.to_string();
            assert!(
                msg.contains(&path.display().to_string()),
                "message lacks the path: {msg}"
            );
            assert_eq!(&sha256(path), sum, "{} changed", path.display());
            assert_no_side_files(path);
        }

        let e = Db::open(&missing, access).unwrap_err();
        assert_eq!(kind(&e), Some(Want::FileNotFound), "{e:?}");
        assert_eq!(e.code(), ErrorCode::NotFound);
        assert!(e.to_string().contains(&missing.display().to_string()));
        assert!(!missing.exists(), "opening a missing path created it");
        assert_no_side_files(&missing);

        let e = Db::open(&folder, access).unwrap_err();
        assert_eq!(kind(&e), Some(Want::NotSqlite), "{e:?}");
        assert_eq!(e.code(), ErrorCode::InvalidFile);
        assert!(e.to_string().contains(&folder.display().to_string()));
        assert!(folder.is_dir());
        assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 0);
        assert_no_side_files(&folder);
    }

    match Db::open(&truncated, Access::ReadWrite).unwrap_err() {
        Error::Truncated {
            expected, actual, ..
        } => {
            assert_eq!(actual, half as u64);
            assert_eq!(expected, real_bytes.len() as u64);
        }
        other => panic!("{other:?}"),
    }

    // The real file beside them still opens.
    let db = Db::open(&real, Access::ReadWrite).unwrap();
    assert_eq!(db.projects().unwrap().len(), 15);
}

#[test]
fn a_read_only_file_is_refused_for_writing_but_opens_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = seeded_file(dir.path(), "locked.sqlite");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let sum = sha256(&path);

    let e = Db::open(&path, Access::ReadWrite).unwrap_err();
    assert!(
        matches!(&e, Error::ReadOnlyFile { path: p } if p == &path),
        "{e:?}"
    );
    assert_eq!(e.code(), ErrorCode::ReadOnly);
    assert!(e.to_string().contains(&path.display().to_string()));
    assert_eq!(sha256(&path), sum);
    assert_no_side_files(&path);

    let mut db = Db::open(&path, Access::ReadOnly).unwrap();
    assert_eq!(db.access(), Access::ReadOnly);
    assert_eq!(db.projects().unwrap().len(), 15);
    assert_eq!(
        db.portfolio_summary(d(2021, 6, 11)).unwrap().projects.len(),
        15
    );
    let e = db
        .record_update(
            "KP21-01",
            &update("2021-W24", 70.0, Status::Green, "进展正常。"),
            &stamp(),
        )
        .unwrap_err();
    assert!(matches!(e, Error::OpenedReadOnly), "{e:?}");
    drop(db);
    assert_eq!(sha256(&path), sum);
    assert_no_side_files(&path);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[test]
fn create_refuses_an_existing_path_and_leaves_it_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.sqlite");
    std::fs::write(&notes, "重要笔记，请勿覆盖。").unwrap();
    let real = seeded_file(dir.path(), "real.sqlite");

    for path in [&notes, &real] {
        let sum = sha256(path);
        let e = Db::create(path).unwrap_err();
        assert!(
            matches!(&e, Error::AlreadyExists { path: p } if p == path),
            "{e:?}"
        );
        assert_eq!(e.code(), ErrorCode::Conflict);
        assert!(e.to_string().contains(&path.display().to_string()));
        // Creating a seeded file must not remove the existing one on failure.
        let e = Db::create_seeded(path, &stamp()).unwrap_err();
        assert!(matches!(&e, Error::AlreadyExists { .. }), "{e:?}");
        assert!(path.exists());
        assert_eq!(&sha256(path), &sum);
        assert_no_side_files(path);
    }
}

// ---------------------------------------------------------------------------------------
// The dashboard

#[test]
fn seeded_file_reopens_and_its_summary_agrees_with_the_milestone_queries() {
    let dir = tempfile::tempdir().unwrap();
    let path = seeded_file(dir.path(), "seed.sqlite");
    let as_of = d(2021, 6, 11);
    for access in [Access::ReadWrite, Access::ReadOnly] {
        let db = Db::open(&path, access).unwrap();
        let s = db.portfolio_summary(as_of).unwrap();
        assert_eq!(s.as_of, as_of);
        assert_eq!(s.portfolio.year, 2021);
        assert_eq!(s.projects.len(), 15);
        let c = s.status_counts;
        assert_eq!(c.green + c.yellow + c.red, 15);
        let projects = db.projects().unwrap();
        for (status, n) in [
            (Status::Green, c.green),
            (Status::Yellow, c.yellow),
            (Status::Red, c.red),
        ] {
            let actual = projects.iter().filter(|p| p.status == status).count();
            assert_eq!(actual, n as usize, "{status:?}");
        }
        let codes: BTreeSet<&str> = s.projects.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes.len(), 15);

        let soon = db
            .milestones(&MilestoneQuery {
                as_of,
                due_within: Some(DUE_SOON_DAYS),
                overdue: false,
            })
            .unwrap();
        assert_eq!(s.due_soon, soon);
        assert!(!soon.is_empty());
        let horizon = as_of + chrono::Days::new(u64::from(DUE_SOON_DAYS));
        for m in &soon {
            assert_eq!(m.state, MilestoneState::Open, "{m:?}");
            assert!(m.actual.is_none() && m.due >= as_of && m.due <= horizon);
            assert_eq!(m.days_late, 0);
        }

        let late = db
            .milestones(&MilestoneQuery {
                as_of,
                due_within: None,
                overdue: true,
            })
            .unwrap();
        assert!(!late.is_empty());
        assert_eq!(s.overdue.len(), late.len());
        let ids = |v: &[keyworks_core::portfolio::milestones::MilestoneRow]| -> BTreeSet<TaskId> {
            v.iter().map(|m| m.id).collect()
        };
        assert_eq!(ids(&s.overdue), ids(&late));
        for m in &s.overdue {
            assert_eq!(m.state, MilestoneState::Overdue);
            assert!(m.actual.is_none() && m.due < as_of);
            assert_eq!(m.days_late, (as_of - m.due).num_days());
        }
        assert!(
            s.overdue
                .windows(2)
                .all(|w| w[0].days_late >= w[1].days_late),
            "overdue is not most-late first"
        );
        assert!(ids(&s.overdue).is_disjoint(&ids(&s.due_soon)));

        // Per project: overdue counts, worst lateness and next milestone match the queries.
        let all = db
            .milestones(&MilestoneQuery {
                as_of,
                due_within: None,
                overdue: false,
            })
            .unwrap();
        let total_overdue: u32 = s.projects.iter().map(|p| p.overdue_milestones).sum();
        assert_eq!(total_overdue as usize, late.len());
        for p in &s.projects {
            let mine: Vec<_> = late.iter().filter(|m| m.project_code == p.code).collect();
            assert_eq!(p.overdue_milestones as usize, mine.len(), "{}", p.code);
            assert_eq!(
                p.days_late,
                mine.iter().map(|m| m.days_late).max().unwrap_or(0),
                "{}",
                p.code
            );
            let next = all
                .iter()
                .find(|m| m.project_code == p.code && m.actual.is_none());
            assert_eq!(
                p.next_milestone.as_ref().map(|n| (n.id, n.due)),
                next.map(|m| (m.id, m.due)),
                "{}",
                p.code
            );
            assert_eq!(p.last_update, Some(week("2021-W23")), "{}", p.code);
        }
    }
}

#[test]
fn synthetic_portfolio_of_20_by_30() {
    let mut db = Db::open_in_memory().unwrap();
    let as_of = d(2021, 6, 11);
    keyworks_core::store::synthetic::generate(&mut db, 20, 30, as_of, &stamp()).unwrap();
    let projects = db.projects().unwrap();
    assert_eq!(projects.len(), 20);
    let tasks: usize = projects
        .iter()
        .map(|p| db.tasks_of(p.id).unwrap().len())
        .sum();
    assert_eq!(tasks, 600);
    let s = db.portfolio_summary(as_of).unwrap();
    assert_eq!(s.projects.len(), 20);
    let c = s.status_counts;
    assert_eq!(c.green + c.yellow + c.red, 20);
    assert!(
        s.projects
            .iter()
            .all(|p| p.last_update == Some(IsoWeek::containing(as_of)))
    );
    let milestones = db
        .milestones(&MilestoneQuery {
            as_of,
            due_within: None,
            overdue: false,
        })
        .unwrap();
    assert_eq!(milestones.len(), 20 * 3);

    let e = keyworks_core::store::synthetic::generate(
        &mut Db::open_in_memory().unwrap(),
        0,
        30,
        as_of,
        &stamp(),
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
}

#[test]
fn the_dashboard_is_the_summary_the_milestones_and_the_targets_of_one_date() {
    let db = seeded_in_memory();
    let as_of = d(2021, 6, 11);
    let dashboard = db.dashboard(as_of).unwrap();
    assert_eq!(dashboard.summary, db.portfolio_summary(as_of).unwrap());
    let all = MilestoneQuery {
        as_of,
        due_within: None,
        overdue: false,
    };
    assert_eq!(dashboard.milestones, db.milestones(&all).unwrap());
    assert_eq!(dashboard.targets, db.plan_targets().unwrap());
    // The seeded plan: 15 projects, each with milestones; the targets include 24,457 units of
    // resettlement housing.
    assert_eq!(dashboard.summary.projects.len(), 15);
    assert!(dashboard.milestones.len() >= 15);
    assert!(
        dashboard
            .targets
            .iter()
            .any(|t| t.target.quantity == 24_457.0)
    );
}

#[test]
fn the_sample_opens_on_its_own_date_and_any_other_file_on_today() {
    let today = d(2026, 12, 2);
    let mut sample = Db::open_in_memory().unwrap();
    sample
        .load_seed(
            &Stamp::new(
                keyworks_core::store::seed::SEED_AUTHOR,
                DateTime::parse_from_rfc3339(AS_OF).unwrap(),
            )
            .unwrap(),
        )
        .unwrap();
    let opening = sample.opening(today).unwrap();
    assert_eq!(opening.sample_as_of, Some(d(2021, 6, 11)));
    assert_eq!(opening.as_of, d(2021, 6, 11));
    assert_eq!(opening.dashboard, sample.dashboard(d(2021, 6, 11)).unwrap());

    // The same plan typed in by an officer is not the sample: it opens on today.
    let typed = seeded_in_memory();
    let opening = typed.opening(today).unwrap();
    assert_eq!(opening.sample_as_of, None);
    assert_eq!(opening.as_of, today);
    assert_eq!(opening.dashboard.summary.as_of, today);
    assert_eq!(opening.dashboard.summary.projects.len(), 15);
}
