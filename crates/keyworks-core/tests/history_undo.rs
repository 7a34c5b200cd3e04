//! The history's view of undo: `change_log` and `changes_of` give every row its transaction,
//! mark an undo's rows with the transaction they revert (and who made it, when), and mark the
//! reverted transaction's rows with the undo that reverted them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, NaiveDate};
use keyworks_core::model::{ChangeRecord, Task};
use keyworks_core::{Db, Stamp};

const SAMSUNG: &str = "KP21-01";

fn stamp(author: &str, at: &str) -> Stamp {
    Stamp::new(author, DateTime::parse_from_rfc3339(at).unwrap()).unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn named(db: &Db, name: &str) -> Task {
    db.project_detail(SAMSUNG)
        .unwrap()
        .tasks
        .into_iter()
        .find(|t| t.name == name)
        .unwrap()
}

fn newest_id(db: &Db) -> i64 {
    db.change_log(1).unwrap()[0].id
}

/// The rows written after change-log id `after`, oldest first.
fn since(db: &Db, after: i64) -> Vec<ChangeRecord> {
    let mut rows: Vec<ChangeRecord> = db
        .change_log(1_000_000)
        .unwrap()
        .into_iter()
        .filter(|r| r.id > after)
        .collect();
    rows.reverse();
    rows
}

#[test]
fn an_undo_names_the_edit_it_reverts_and_the_edit_is_marked_undone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite");
    let wang = stamp("王工", "2021-06-11T09:30:00+08:00");
    let mut db = Db::create_seeded(&path, &wang).unwrap();

    // An edit of several rows (the bar and the summaries above it move together).
    let start = newest_id(&db);
    let t = named(&db, "工艺设备分批搬入安装");
    db.move_task(t.id, d(2021, 6, 7), d(2021, 11, 30), &wang)
        .unwrap();
    let edit = since(&db, start);
    assert!(edit.len() > 1, "the move wrote one row only: {edit:?}");
    let edit_tx = edit[0].tx_id.expect("new rows carry their transaction");
    assert_eq!(
        edit_tx, edit[0].id,
        "a transaction is named by its first row"
    );
    assert!(edit.iter().all(|r| r.tx_id == Some(edit_tx)));

    // A colleague's edit elsewhere, which is not undone.
    let after_edit = newest_id(&db);
    let other = named(&db, "竣工验收备案");
    db.complete_milestone(
        other.id,
        d(2021, 6, 9),
        "",
        &stamp("李工", "2021-06-11T10:00:00+08:00"),
    )
    .unwrap();
    let colleague = since(&db, after_edit);
    let colleague_tx = colleague[0].tx_id.unwrap();
    assert_ne!(colleague_tx, edit_tx);

    // 王工 undoes his move later that morning.
    let before_undo = newest_id(&db);
    db.undo_last_edit(&stamp("王工", "2021-06-11T11:15:00+08:00"))
        .unwrap();
    let undo = since(&db, before_undo);
    assert!(!undo.is_empty());
    let undo_tx = undo[0].tx_id.unwrap();
    for r in &undo {
        assert_eq!(r.tx_id, Some(undo_tx));
        assert_eq!(r.undoes_tx, Some(edit_tx), "{r:?}");
        assert_eq!(r.undoes_author.as_deref(), Some("王工"));
        assert_eq!(r.undoes_at.as_deref(), Some("2021-06-11T09:30:00+08:00"));
        assert_eq!(r.at, "2021-06-11T11:15:00+08:00");
        assert_eq!(r.undone_by_tx, None);
    }

    // Read again, the edit's rows are marked undone by that undo; the colleague's are not.
    let all = db.change_log(1_000_000).unwrap();
    for r in all.iter().filter(|r| r.tx_id == Some(edit_tx)) {
        assert_eq!(r.undone_by_tx, Some(undo_tx), "{r:?}");
        assert_eq!(r.undoes_tx, None);
    }
    for r in all.iter().filter(|r| r.tx_id == Some(colleague_tx)) {
        assert_eq!(r.undone_by_tx, None, "{r:?}");
    }
    assert_eq!(
        all.iter().filter(|r| r.undone_by_tx.is_some()).count(),
        edit.len()
    );

    // A window that holds only the undo's rows still says whose edit, from when, it reverted.
    let window = db.change_log(undo.len()).unwrap();
    assert!(window.iter().all(|r| r.tx_id == Some(undo_tx)));
    assert!(
        window
            .iter()
            .all(|r| r.undoes_author.as_deref() == Some("王工")
                && r.undoes_at.as_deref() == Some("2021-06-11T09:30:00+08:00"))
    );

    // One row's history tells the same story.
    let moved = db.changes_of("tasks", t.id.0).unwrap();
    let (moved_edit, moved_undo): (Vec<_>, Vec<_>) = moved
        .iter()
        .filter(|r| r.id > start)
        .partition(|r| r.tx_id == Some(edit_tx));
    assert_eq!(moved_edit.len(), 1);
    assert_eq!(moved_edit[0].undone_by_tx, Some(undo_tx));
    assert_eq!(moved_undo.len(), 1);
    assert_eq!(moved_undo[0].undoes_tx, Some(edit_tx));
    assert_eq!(moved_undo[0].undoes_author.as_deref(), Some("王工"));

    // The weekly report's window of changes carries the same marks.
    let morning = db
        .changes_between(
            &DateTime::parse_from_rfc3339("2021-06-11T00:00:00+08:00").unwrap(),
            &DateTime::parse_from_rfc3339("2021-06-12T00:00:00+08:00").unwrap(),
        )
        .unwrap();
    assert!(
        morning
            .iter()
            .filter(|r| r.tx_id == Some(edit_tx))
            .all(|r| r.undone_by_tx == Some(undo_tx))
    );
    assert!(
        morning
            .iter()
            .filter(|r| r.tx_id == Some(undo_tx))
            .all(|r| r.undoes_author.as_deref() == Some("王工"))
    );
    assert!(morning.iter().any(|r| r.tx_id == Some(undo_tx)));
}

#[test]
fn rows_outside_any_undo_carry_no_undo_marks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.sqlite");
    let wang = stamp("王工", "2021-06-11T09:30:00+08:00");
    let mut db = Db::create_seeded(&path, &wang).unwrap();
    let t = named(&db, "消防、环保等专项验收");
    db.rename_task(t.id, "专项验收", &wang).unwrap();
    let log = db.change_log(1_000_000).unwrap();
    assert!(log.iter().all(|r| r.undoes_tx.is_none()
        && r.undoes_author.is_none()
        && r.undoes_at.is_none()
        && r.undone_by_tx.is_none()));
    // The rename is its own transaction, apart from the seed's.
    assert_ne!(log[0].tx_id, log[log.len() - 1].tx_id);
}
