//! Undo of the last edit, for every edit the project view makes (wbs_edit.rs), marking a
//! milestone done and a weekly update: after the undo every logged table holds exactly the rows
//! it held before the edit, the undo is in the change log, and `verify` finds nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate};
use keyworks_core::audit::verify::LOGGED_TABLES;
use keyworks_core::model::{LinkKind, Status, Task};
use keyworks_core::plan::wbs_edit::TaskDraft;
use keyworks_core::portfolio::updates::UpdateInput;
use keyworks_core::week::IsoWeek;
use keyworks_core::{Db, ErrorCode, Stamp};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OpenFlags};

const SAMSUNG: &str = "KP21-01";

fn stamp_of(author: &str) -> Stamp {
    Stamp::new(
        author,
        DateTime::parse_from_rfc3339("2021-06-11T10:00:00+08:00").unwrap(),
    )
    .unwrap()
}

fn me() -> Stamp {
    stamp_of("测试员")
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A seeded file on disk (seeded by the same author who then edits and undoes), so a second,
/// read-only connection can dump the tables.
fn seeded() -> (tempfile::TempDir, PathBuf, Db) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("undo.sqlite");
    let db = Db::create_seeded(&path, &me()).unwrap();
    (dir, path, db)
}

/// Every row of every logged table, as stored.
fn snapshot(path: &Path) -> Vec<(String, Vec<Vec<SqlValue>>)> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    LOGGED_TABLES
        .iter()
        .map(|table| {
            let mut stmt = conn
                .prepare(&format!("SELECT * FROM {table} ORDER BY id"))
                .unwrap();
            let n = stmt.column_count();
            let rows = stmt
                .query_map([], |r| (0..n).map(|i| r.get::<_, SqlValue>(i)).collect())
                .unwrap()
                .collect::<rusqlite::Result<Vec<Vec<SqlValue>>>>()
                .unwrap();
            ((*table).to_owned(), rows)
        })
        .collect()
}

fn named(db: &Db, name: &str) -> Task {
    db.project_detail(SAMSUNG)
        .unwrap()
        .tasks
        .into_iter()
        .find(|t| t.name == name)
        .unwrap()
}

fn assert_verified(db: &Db) {
    let report = db.verify().unwrap();
    assert!(report.findings.is_empty(), "verify: {:?}", report.findings);
}

/// Runs `edit`, checks it changed something, undoes it, and checks every table is back.
fn edit_then_undo(what: &str, edit: impl FnOnce(&mut Db)) {
    let (_dir, path, mut db) = seeded();
    let before = snapshot(&path);
    let log_before = db.change_log(1_000_000).unwrap().len();
    edit(&mut db);
    assert_ne!(snapshot(&path), before, "{what} changed nothing");
    let undone = db.undo_last_edit(&me()).unwrap();
    assert!(undone.rows > 0, "{what}: {undone:?}");
    assert_eq!(snapshot(&path), before, "{what}: rows differ after undo");
    // The edit and its undo are both in the history.
    let log = db.change_log(1_000_000).unwrap();
    assert!(
        log.len() > log_before + undone.rows,
        "{what}: undo not logged"
    );
    assert_verified(&db);
}

fn draft(parent: Option<keyworks_core::ids::TaskId>, name: &str) -> TaskDraft {
    TaskDraft {
        parent_id: parent,
        name: name.into(),
        is_milestone: false,
        planned_start: d(2021, 7, 1),
        planned_finish: d(2021, 7, 20),
        acceptance: String::new(),
        after: None,
    }
}

#[test]
fn undoes_adding_a_task_under_a_summary() {
    edit_then_undo("add", |db| {
        let summary = named(db, "洁净室及机电安装");
        db.add_task(SAMSUNG, &draft(Some(summary.id), "新增子任务"), &me())
            .unwrap();
    });
}

#[test]
fn undoes_a_rename() {
    edit_then_undo("rename", |db| {
        let t = named(db, "消防、环保等专项验收");
        db.rename_task(t.id, "专项验收（消防、环保）", &me())
            .unwrap();
    });
}

#[test]
fn undoes_moving_a_bar_and_its_summary() {
    edit_then_undo("move", |db| {
        let t = named(db, "工艺设备分批搬入安装");
        db.move_task(t.id, d(2021, 6, 7), d(2021, 11, 30), &me())
            .unwrap();
    });
}

#[test]
fn undoes_indent_and_outdent() {
    edit_then_undo("indent", |db| {
        let t = named(db, "消防、环保等专项验收");
        db.indent_task(t.id, &me()).unwrap();
    });
    edit_then_undo("outdent", |db| {
        let t = named(db, "洁净室围护及高架地板施工");
        db.outdent_task(t.id, &me()).unwrap();
    });
}

#[test]
fn undoes_deleting_a_summary_with_its_subtasks_and_links() {
    edit_then_undo("delete", |db| {
        let summary = named(db, "洁净室及机电安装");
        assert_eq!(db.delete_task(summary.id, &me()).unwrap(), 5);
    });
}

#[test]
fn undoes_adding_and_deleting_a_dependency() {
    edit_then_undo("add dependency", |db| {
        // The first pair of tasks the core accepts a new link between (no loop, no duplicate).
        let tasks = db.project_detail(SAMSUNG).unwrap().tasks;
        let added = tasks.iter().rev().any(|b| {
            tasks.iter().any(|a| {
                a.id != b.id
                    && db
                        .add_dependency(a.id, b.id, LinkKind::FinishToStart, 2, &me())
                        .is_ok()
            })
        });
        assert!(added);
    });
    edit_then_undo("delete dependency", |db| {
        let link = db.project_detail(SAMSUNG).unwrap().dependencies[0].clone();
        db.delete_dependency(link.id, &me()).unwrap();
    });
}

#[test]
fn undoes_marking_a_milestone_done() {
    edit_then_undo("milestone done", |db| {
        let m = named(db, "竣工验收备案");
        db.complete_milestone(m.id, d(2021, 6, 10), "提前完成", &me())
            .unwrap();
    });
}

#[test]
fn undoes_a_weekly_update() {
    edit_then_undo("weekly update", |db| {
        db.record_update(
            SAMSUNG,
            &UpdateInput {
                week: IsoWeek::containing(d(2021, 6, 18)),
                percent_complete: 61.5,
                status: Status::Yellow,
                narrative: "设备搬入略有延误。".into(),
                issues: "进口设备清关".into(),
                next_steps: "协调海关".into(),
                if_reported: keyworks_core::portfolio::updates::IfReported::Refuse,
            },
            &me(),
        )
        .unwrap();
    });
}

#[test]
fn undo_again_goes_further_back_and_stops_at_the_seed() {
    let (_dir, path, mut db) = seeded();
    let original = snapshot(&path);
    let t = named(&db, "消防、环保等专项验收");
    db.rename_task(t.id, "第一次改名", &me()).unwrap();
    let after_first = snapshot(&path);
    db.rename_task(t.id, "第二次改名", &me()).unwrap();

    db.undo_last_edit(&me()).unwrap();
    assert_eq!(snapshot(&path), after_first);
    assert_eq!(named(&db, "第一次改名").id, t.id);
    db.undo_last_edit(&me()).unwrap();
    assert_eq!(snapshot(&path), original);
    // The seed made this file: it is never undone.
    let e = db.undo_last_edit(&me()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound, "{e}");
    assert_eq!(snapshot(&path), original);
    assert_verified(&db);
}

#[test]
fn someone_elses_later_change_to_the_same_row_blocks_the_undo() {
    let (_dir, path, mut db) = seeded();
    let t = named(&db, "消防、环保等专项验收");
    db.rename_task(t.id, "我的改名", &me()).unwrap();
    db.rename_task(t.id, "同事的改名", &stamp_of("同事"))
        .unwrap();
    let before = snapshot(&path);
    let e = db.undo_last_edit(&me()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert!(e.to_string().contains("同事"), "{e}");
    assert_eq!(snapshot(&path), before, "a refused undo changes nothing");

    // Once the colleague undoes theirs, mine can be undone too.
    db.undo_last_edit(&stamp_of("同事")).unwrap();
    db.undo_last_edit(&me()).unwrap();
    assert_eq!(named(&db, "消防、环保等专项验收").id, t.id);
    assert_verified(&db);
}

#[test]
fn someone_elses_change_elsewhere_does_not_block_and_is_kept() {
    let (_dir, _path, mut db) = seeded();
    let mine = named(&db, "消防、环保等专项验收");
    let theirs = named(&db, "竣工验收备案");
    db.rename_task(mine.id, "我的改名", &me()).unwrap();
    db.complete_milestone(theirs.id, d(2021, 6, 9), "", &stamp_of("同事"))
        .unwrap();
    let undone = db.undo_last_edit(&me()).unwrap();
    assert_eq!(undone.tables, vec!["tasks".to_owned()]);
    assert_eq!(named(&db, "消防、环保等专项验收").id, mine.id);
    assert_eq!(
        named(&db, "竣工验收备案").actual_finish,
        Some(d(2021, 6, 9))
    );
    // Undo is per author: the colleague has their own edit to undo, I have none left.
    assert_eq!(
        db.undo_last_edit(&me()).unwrap_err().code(),
        ErrorCode::NotFound
    );
    assert_verified(&db);
}

#[test]
fn the_undo_is_logged_under_the_author_who_undid() {
    let (_dir, _path, mut db) = seeded();
    let t = named(&db, "消防、环保等专项验收");
    db.rename_task(t.id, "临时名称", &me()).unwrap();
    db.undo_last_edit(&me()).unwrap();
    let changes = db.changes_of("tasks", t.id.0).unwrap();
    let last = changes.last().unwrap();
    assert_eq!(last.op, "update");
    assert_eq!(last.author, "测试员");
    assert_eq!(
        last.changes["name"],
        serde_json::json!(["临时名称", "消防、环保等专项验收"])
    );
}

#[test]
fn a_read_only_file_refuses_undo() {
    let (_dir, path, mut db) = seeded();
    let t = named(&db, "消防、环保等专项验收");
    db.rename_task(t.id, "临时名称", &me()).unwrap();
    drop(db);
    let mut ro = Db::open(&path, keyworks_core::Access::ReadOnly).unwrap();
    assert_eq!(
        ro.undo_last_edit(&me()).unwrap_err().code(),
        ErrorCode::ReadOnly
    );
}
