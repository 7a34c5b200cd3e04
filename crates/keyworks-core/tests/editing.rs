//! Opening a file to work on it, by the one policy every face uses (`audit::editing`): the
//! lock first; someone else's live lock or an unwritable file opens read-only with the reason;
//! one's own abandoned lock is taken back and the break logged.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use keyworks_core::audit::edit_lock::{LockHolder, lock_path, this_machine};
use keyworks_core::audit::editing::{Editor, OpenMode, ReadOnlyReason, open_to_work};
use keyworks_core::audit::history::{HistoryQuery, Lang};
use keyworks_core::{Access, Db, Stamp};

/// A process id that is not running here (Linux pids stay below 2^22).
const GONE_PID: u32 = 4_194_999;

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2021-06-11T10:00:00+08:00").unwrap()
}

fn seeded(dir: &Path) -> PathBuf {
    let path = dir.join("共享.sqlite");
    drop(Db::create_seeded(&path, &Stamp::new("初始", now()).unwrap()).unwrap());
    path
}

fn editor(name: &str) -> Editor {
    Editor {
        author: name.into(),
        stale_lock_hours: 12,
    }
}

fn held_by(path: &Path, user: &str, machine: &str, process: u32, hours_ago: i64) {
    let holder = LockHolder {
        user: user.into(),
        machine: machine.into(),
        process,
        since: now() - chrono::Duration::hours(hours_ago),
    };
    std::fs::write(lock_path(path), serde_json::to_vec(&holder).unwrap()).unwrap();
}

#[test]
fn editing_takes_the_lock_and_releases_it_with_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = seeded(dir.path());
    let opened = open_to_work(&path, OpenMode::Edit, true, &editor("王工"), now()).unwrap();
    assert!(opened.read_only.is_none());
    assert_eq!(opened.db.access(), Access::ReadWrite);
    assert!(lock_path(&path).exists());
    drop(opened);
    assert!(!lock_path(&path).exists());
}

#[test]
fn someone_elses_live_lock_opens_read_only_and_names_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = seeded(dir.path());
    held_by(&path, "李四", "规划科-PC", 4242, 1);
    let before = std::fs::read(&path).unwrap();
    let opened = open_to_work(&path, OpenMode::Edit, false, &editor("王工"), now()).unwrap();
    let (reason, why) = opened.read_only.clone().unwrap();
    assert_eq!(reason, ReadOnlyReason::LockedByOther);
    assert!(why.contains("李四") && why.contains("规划科-PC"), "{why}");
    assert!(opened.lock.is_none());
    drop(opened);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "nothing reached the file"
    );
    assert!(lock_path(&path).exists(), "their lock is untouched");
}

#[test]
fn my_own_abandoned_lock_is_taken_back_and_the_break_is_logged() {
    let dir = tempfile::tempdir().unwrap();
    let path = seeded(dir.path());
    // Mine, on this machine, process gone — however recent.
    held_by(&path, "王工", &this_machine(), GONE_PID, 0);
    let opened = open_to_work(&path, OpenMode::Edit, false, &editor("王工"), now()).unwrap();
    assert!(opened.read_only.is_none());
    assert!(opened.lock.is_some());
    let page = opened
        .db
        .history(
            &HistoryQuery {
                limit: 1,
                ..HistoryQuery::default()
            },
            Lang::Zh,
            *now().offset(),
        )
        .unwrap();
    assert_eq!(page.edits[0].author, "王工");
    assert!(
        page.edits[0].gist.text.contains("解除编辑锁"),
        "{:?}",
        page.edits[0].gist
    );

    // Someone else's abandoned lock is not taken back by itself.
    drop(opened);
    held_by(&path, "李四", &this_machine(), GONE_PID, 0);
    let opened = open_to_work(&path, OpenMode::Edit, false, &editor("王工"), now()).unwrap();
    assert_eq!(
        opened.read_only.map(|r| r.0),
        Some(ReadOnlyReason::LockedByOther)
    );
}

#[test]
fn a_read_only_file_opens_read_only_without_a_lock_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = seeded(dir.path());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let opened = open_to_work(&path, OpenMode::Edit, false, &editor("王工"), now()).unwrap();
    assert_eq!(
        opened.read_only.as_ref().map(|r| r.0),
        Some(ReadOnlyReason::NotWritable)
    );
    assert!(!lock_path(&path).exists());
    let chosen = open_to_work(&path, OpenMode::ReadOnly, true, &editor("王工"), now()).unwrap();
    assert_eq!(chosen.read_only.map(|r| r.0), Some(ReadOnlyReason::Chosen));
}
