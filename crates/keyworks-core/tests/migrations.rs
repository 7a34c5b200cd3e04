//! Migrations: files written by older builds open and read back in this build; the shipped
//! schema version 1 is frozen in `tests/fixtures/schema_v1.sql` (never edit that file);
//! files from newer builds, or needing a migration while opened read-only, are refused untouched.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use chrono::NaiveDate;
use keyworks_core::model::{Category, Stage, Status};
use keyworks_core::money::Yuan;
use keyworks_core::store::db::APPLICATION_ID;
use keyworks_core::{Access, Db, Error, ErrorCode, SCHEMA_VERSION};
use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};

/// Schema version 1 exactly as shipped. Frozen: a later change to the schema is a new
/// migration file, never an edit of this fixture or of `migrations/0001_initial.sql`.
const SCHEMA_V1: &str = include_str!("fixtures/schema_v1.sql");

/// The file the build's migration list embeds as migration 1.
const MIGRATION_0001: &str = include_str!("../migrations/0001_initial.sql");

/// Rows a version-1 build could have written, inserted by plain SQL.
const V1_ROWS: &str = "
INSERT INTO portfolio (id, name, year, organisation, source, note)
     VALUES (1, '迁移测试项目集', 2021, '西安高新区', '2021年工作要点', '');
INSERT INTO projects (id, code, name, category, stage, lead_unit, contact, location,
                      total_investment, annual_investment, planned_start, planned_finish, status,
                      description, plan_sentence)
     VALUES (1, 'MIG-01', '迁移测试项目', 'advanced_manufacturing', 'continuing', '高新区建设局',
             '王工', '高新区', 120.5, 30.25, '2021-03-01', '2021-12-31', 'yellow',
             '用于迁移测试', '加快推进迁移测试项目建设。');
INSERT INTO targets (project_id, position, name, quantity, unit, actual, source)
     VALUES (1, 1, '厂房', 3, '栋', NULL, '建成厂房3栋');
INSERT INTO tasks (id, project_id, parent_id, position, name, is_milestone, planned_start,
                   planned_finish, duration_days, percent_complete, actual_start, actual_finish,
                   acceptance, completion_note)
     VALUES (10, 1, NULL, 1, '主体施工', 0, '2021-03-01', '2021-06-30', 84, 60, '2021-03-01', NULL, '', ''),
            (11, 1, NULL, 2, '主体封顶', 1, '2021-06-18', '2021-06-18', 0, 0, NULL, NULL, '封顶验收', ''),
            (12, 1, NULL, 3, '基础验收', 1, '2021-05-28', '2021-05-28', 0, 0, NULL, NULL, '质监站验收', '');
INSERT INTO dependencies (predecessor_id, successor_id, kind, lag_days) VALUES (12, 11, 'FS', 0);
INSERT INTO weekly_updates (project_id, iso_week, percent_complete, status, narrative, issues,
                            next_steps, author, recorded_at)
     VALUES (1, '2021-W22', 40, 'green', '主体施工至十层。', '无', '继续施工。', '王工', '2021-06-04T17:00:00+08:00'),
            (1, '2021-W23', 45.5, 'yellow', '主体施工至十二层。', '钢材到货延迟。', '协调钢材供应。', '王工', '2021-06-11T17:00:00+08:00');
INSERT INTO change_log (at, author, op, table_name, row_id, changes)
     VALUES ('2021-06-11T17:00:00+08:00', '王工', 'insert', 'weekly_updates', 2, '{}');
";

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = OsString::from(path.as_os_str());
    s.push(suffix);
    PathBuf::from(s)
}

fn sha256(path: &Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

fn mtime(path: &Path) -> SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

/// Sets the file's mtime to a fixed past instant, so that any later write would show.
fn backdate(path: &Path) -> SystemTime {
    let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000);
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(t)
        .unwrap();
    assert_eq!(mtime(path), t);
    t
}

fn assert_no_side_files(path: &Path) {
    for suffix in ["-journal", "-wal", "-shm"] {
        let side = with_suffix(path, suffix);
        assert!(!side.exists(), "{} was created", side.display());
    }
}

/// Builds a version-1 KeyWorks file from the frozen fixture with plain rusqlite.
fn build_v1(path: &Path, rows: bool) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(SCHEMA_V1).unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
    conn.pragma_update(None, "application_id", APPLICATION_ID)
        .unwrap();
    if rows {
        conn.execute_batch(V1_ROWS).unwrap();
    }
    conn.close().unwrap();
}

type MasterRow = (String, String, String, Option<String>);

fn master_rows(conn: &Connection) -> Vec<MasterRow> {
    let mut stmt = conn
        .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn schema_of_sql(sql: &str) -> Vec<MasterRow> {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(sql).unwrap();
    master_rows(&conn)
}

fn schema_of_file(path: &Path) -> Vec<MasterRow> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    master_rows(&conn)
}

fn header_pragmas(path: &Path) -> (u32, i32) {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let v: u32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    let a: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .unwrap();
    (v, a)
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn a_version_1_file_opens_read_write_reaches_the_current_schema_and_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.sqlite");
    build_v1(&path, true);

    let db = Db::open(&path, Access::ReadWrite).unwrap();
    assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);

    let p = db.project_by_code("mig-01").unwrap();
    assert_eq!(p.code, "MIG-01");
    assert_eq!(p.name, "迁移测试项目");
    assert_eq!(p.category, Category::AdvancedManufacturing);
    assert_eq!(p.stage, Stage::Continuing);
    assert_eq!(p.status, Status::Yellow);
    // Schema 7 carried the REAL 亿元 figures over to whole yuan, the annual one as the
    // portfolio year's plan, every yuan kept.
    assert_eq!(p.total_investment_yuan, Some(Yuan(12_050_000_000)));
    let plans = db.investment_plans_of(p.id).unwrap();
    assert_eq!(plans.len(), 1);
    assert_eq!(
        (plans[0].year, plans[0].annual_yuan),
        (2021, Yuan(3_025_000_000))
    );
    assert_eq!(p.leader, None);
    assert_eq!(p.planned_start, Some(d(2021, 3, 1)));
    assert_eq!(p.planned_finish, Some(d(2021, 12, 31)));

    let detail = db.project_detail("MIG-01").unwrap();
    assert_eq!(detail.targets.len(), 1);
    assert_eq!(detail.targets[0].quantity, 3.0);
    assert_eq!(detail.tasks.len(), 3);
    assert_eq!(detail.tasks[0].name, "主体施工");
    assert!(!detail.tasks[0].is_milestone);
    assert_eq!(detail.tasks[0].percent_complete, 60.0);
    assert!(detail.tasks[1].is_milestone);
    assert_eq!(detail.tasks[1].planned_finish, d(2021, 6, 18));
    assert_eq!(detail.dependencies.len(), 1);
    assert_eq!(detail.updates.len(), 2);
    let last = detail.updates.last().unwrap();
    assert_eq!(last.iso_week.to_string(), "2021-W23");
    assert_eq!(last.percent_complete, 45.5);
    assert_eq!(last.status, Status::Yellow);
    assert_eq!(last.author, "王工");

    let summary = db.portfolio_summary(d(2021, 6, 11)).unwrap();
    assert_eq!(summary.portfolio.name, "迁移测试项目集");
    assert_eq!(summary.projects.len(), 1);
    let row = &summary.projects[0];
    assert_eq!(row.code, "MIG-01");
    assert_eq!(row.percent_complete, 45.5);
    assert_eq!(row.last_update.unwrap().to_string(), "2021-W23");
    assert_eq!(row.overdue_milestones, 1);
    assert_eq!(row.days_late, 14);
    assert_eq!(row.next_milestone.as_ref().unwrap().name, "基础验收");
    assert_eq!(summary.status_counts.yellow, 1);
    assert_eq!(summary.due_soon.len(), 1);
    assert_eq!(summary.due_soon[0].name, "主体封顶");
    assert_eq!(summary.overdue.len(), 1);
    assert_eq!(summary.overdue[0].name, "基础验收");
    drop(db);

    // The upgraded file is marked as ours at the current version, has exactly the schema a
    // fresh file has (a fresh file runs the same migration list from 0), and opens read-only.
    assert_eq!(header_pragmas(&path), (SCHEMA_VERSION, APPLICATION_ID));
    let fresh = dir.path().join("fresh.sqlite");
    drop(Db::create(&fresh).unwrap());
    assert_eq!(schema_of_file(&path), schema_of_file(&fresh));
    let ro = Db::open(&path, Access::ReadOnly).unwrap();
    assert_eq!(ro.project_detail("MIG-01").unwrap(), detail);
    assert_no_side_files(&path);
}

#[test]
fn frozen_fixture_has_the_same_schema_as_migration_0001() {
    let frozen = schema_of_sql(SCHEMA_V1);
    assert!(frozen.iter().any(|r| r.1 == "change_log"));
    // Migration 1 as the build embeds it (`MIGRATIONS[0]` is this very file).
    assert_eq!(
        frozen,
        schema_of_sql(MIGRATION_0001),
        "migrations/0001_initial.sql no longer produces the shipped v1 schema: \
         shipped migrations must never be edited — add a new numbered migration instead"
    );

    // Through the public API, the migration list at version 1 is reachable only while it is
    // the whole list. Once a migration 0002 exists this comparison is skipped; migration 1 is
    // still checked against the fixture above, and the upgrade path from the fixture by
    // `a_version_1_file_opens_read_write_reaches_the_current_schema_and_reads_back`.
    if SCHEMA_VERSION == 1 {
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("fresh.sqlite");
        drop(Db::create(&fresh).unwrap());
        let v1 = dir.path().join("v1.sqlite");
        build_v1(&v1, false);
        assert_eq!(schema_of_file(&v1), schema_of_file(&fresh));
        assert_eq!(header_pragmas(&v1), header_pragmas(&fresh));
    }
}

#[test]
fn shipped_migration_0001_is_byte_identical_to_the_frozen_fixture() {
    assert!(
        SCHEMA_V1 == MIGRATION_0001,
        "migrations/0001_initial.sql differs from tests/fixtures/schema_v1.sql: \
         shipped migrations are never edited (and the fixture is never edited either)"
    );
}

#[test]
fn a_file_from_a_newer_build_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.sqlite");
    build_v1(&path, true);
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        conn.close().unwrap();
    }
    let sum = sha256(&path);
    let modified = backdate(&path);

    for access in [Access::ReadWrite, Access::ReadOnly] {
        let e = Db::open(&path, access).unwrap_err();
        match &e {
            Error::TooNew {
                path: p,
                file_version,
                supported,
            } => {
                assert_eq!(p, &path);
                assert_eq!(*file_version, SCHEMA_VERSION + 1);
                assert_eq!(*supported, SCHEMA_VERSION);
            }
            other => panic!("{access:?}: expected TooNew, got {other:?}"),
        }
        assert_eq!(e.code(), ErrorCode::InvalidFile);
        let msg = e.to_string();
        let shown = path.display().to_string();
        assert!(msg.contains(&shown), "{msg}");
        let rest = msg.replace(&shown, "");
        assert!(
            rest.contains(&(SCHEMA_VERSION + 1).to_string()),
            "file version missing: {msg}"
        );
        assert!(
            rest.contains(&SCHEMA_VERSION.to_string()),
            "supported version missing: {msg}"
        );
    }
    assert_eq!(sha256(&path), sum);
    assert_eq!(mtime(&path), modified);
    assert_no_side_files(&path);
}

#[test]
fn a_file_needing_a_migration_is_refused_read_only() {
    let dir = tempfile::tempdir().unwrap();

    // Version 0 with our application id: a KeyWorks file older than every migration.
    let v0 = dir.path().join("v0.sqlite");
    {
        let conn = Connection::open(&v0).unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        conn.close().unwrap();
    }
    assert_eq!(header_pragmas(&v0), (0, APPLICATION_ID));
    let sum = sha256(&v0);
    let modified = backdate(&v0);
    let e = Db::open(&v0, Access::ReadOnly).unwrap_err();
    assert!(
        matches!(&e, Error::NeedsUpgrade { path, file_version: 0, supported }
            if path == &v0 && *supported == SCHEMA_VERSION),
        "{e:?}"
    );
    assert_eq!(e.code(), ErrorCode::InvalidFile);
    assert!(e.to_string().contains(&v0.display().to_string()));
    assert_eq!(sha256(&v0), sum);
    assert_eq!(mtime(&v0), modified);
    assert_no_side_files(&v0);

    // Opened for writing, the same file is brought to the current schema.
    let db = Db::open(&v0, Access::ReadWrite).unwrap();
    assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
    drop(db);
    assert_eq!(header_pragmas(&v0), (SCHEMA_VERSION, APPLICATION_ID));

    // A version-1 file needs a migration only once there is a migration 0002.
    let v1 = dir.path().join("v1.sqlite");
    build_v1(&v1, true);
    let sum = sha256(&v1);
    let modified = backdate(&v1);
    let opened = Db::open(&v1, Access::ReadOnly);
    if SCHEMA_VERSION > 1 {
        let e = opened.unwrap_err();
        assert!(
            matches!(&e, Error::NeedsUpgrade { file_version: 1, supported, .. }
                if *supported == SCHEMA_VERSION),
            "{e:?}"
        );
    } else {
        let db = opened.unwrap();
        assert_eq!(db.project_by_code("MIG-01").unwrap().name, "迁移测试项目");
    }
    assert_eq!(sha256(&v1), sum);
    assert_eq!(mtime(&v1), modified);
    assert_no_side_files(&v1);
}
