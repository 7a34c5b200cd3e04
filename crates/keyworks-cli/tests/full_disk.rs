//! Full disk: a write that does not fit rolls back, the person is told in one clear sentence
//! (exit code 10, 磁盘已满 … on stderr), the file stays valid (`integrity_check`, `keyworks
//! verify`) and everything committed before is still there.
//!
//! Which path runs (the test prints it):
//! - **tmpfs** — a 4 MiB tmpfs mounted for the test (`mount -t tmpfs -o size=4m`), filled up
//!   with a filler file; the real `keyworks` binary then runs out of space mid-transaction
//!   (SQLite's SQLITE_FULL from ENOSPC). Needs root with CAP_SYS_ADMIN, as in KeyWorks' CI
//!   container; this is the path that ran when the test was written. A loop device is not tried:
//!   it needs the same privilege as tmpfs.
//! - **max_page_count** — where mounting is not allowed, SQLite's `PRAGMA max_page_count` caps
//!   the database on a connection of the test's own, so the same SQLITE_FULL is hit by a real
//!   transaction on a KeyWorks file; the core's mapping of it is checked through
//!   `keyworks_core::Error`, and the file is checked with the real `keyworks verify`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use rusqlite::{Connection, OpenFlags};

mod common;
use common::keyworks;

/// The CLI's exit code for a full disk.
const DISK_FULL_EXIT: i32 = 10;

/// A small tmpfs, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount() -> Option<SmallDisk> {
        let dir = tempfile::tempdir().ok()?;
        let ok = Process::new("mount")
            .args(["-t", "tmpfs", "-o", "size=4m", "tmpfs"])
            .arg(dir.path())
            .output()
            .ok()?
            .status
            .success();
        ok.then_some(SmallDisk { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Process::new("umount").arg(self.dir.path()).status();
    }
}

/// Fills the disk holding `dir` until a write fails, then gives back `leave` bytes.
fn fill_leaving(dir: &Path, leave: u64) -> PathBuf {
    let filler = dir.join("filler.bin");
    let mut f = std::fs::File::create(&filler).unwrap();
    let chunk = vec![0x5au8; 16 * 1024];
    let mut written = 0u64;
    loop {
        match f.write(&chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => written += n as u64,
        }
        if f.flush().is_err() {
            break;
        }
    }
    assert!(written > leave, "the small disk held only {written} bytes");
    f.set_len(written - leave).unwrap();
    f.sync_all().unwrap();
    filler
}

fn integrity(db: &Path) -> String {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

fn narratives(db: &Path) -> Vec<String> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut s = conn
        .prepare("SELECT narrative FROM weekly_updates ORDER BY id")
        .unwrap();
    s.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn a_write_on_a_full_disk_rolls_back_says_so_and_leaves_a_valid_file() {
    match SmallDisk::mount() {
        Some(disk) => on_tmpfs(&disk),
        None => {
            eprintln!("full_disk: mounting a tmpfs is not allowed here; using max_page_count");
            with_max_page_count();
        }
    }
}

fn on_tmpfs(disk: &SmallDisk) {
    eprintln!(
        "full_disk: ran on a 4 MiB tmpfs at {}",
        disk.path().display()
    );
    let db = disk.path().join("共享.sqlite");
    keyworks(&db).arg("init").assert().success();
    let before_full = "满盘前已提交的进展。";
    keyworks(&db)
        .args(["update", "KP21-01", "--week", "2021-W30", "--percent", "61"])
        .args(["--status", "绿", "--narrative", before_full])
        .assert()
        .success();

    let filler = fill_leaving(disk.path(), 24 * 1024);
    // ~120 KB of text (a single argument may not exceed 128 KiB): the row, its overflow pages
    // and its change-log entry need several times the space left.
    let too_big = "征收补偿协议签约进展。".repeat(3_600);
    let out = keyworks(&db)
        .args(["update", "KP21-02", "--week", "2021-W30", "--percent", "40"])
        .args(["--status", "黄", "--narrative", &too_big])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(DISK_FULL_EXIT), "stderr: {stderr}");
    assert!(stderr.contains("磁盘已满"), "{stderr}");
    assert!(stderr.contains("请腾出磁盘空间后重试"), "{stderr}");
    assert!(
        stderr.contains("共享.sqlite"),
        "the message names the file: {stderr}"
    );
    assert_eq!(
        stderr.lines().count(),
        1,
        "one sentence, no trace: {stderr}"
    );

    // Still full: the file can be read (an auditor is not stopped by a full disk).
    keyworks(&db)
        .args(["show", "KP21-01", "--read-only"])
        .assert()
        .success();

    std::fs::remove_file(filler).unwrap();
    assert!(
        !disk.path().join("共享.sqlite-journal").exists(),
        "the failed transaction left a hot journal"
    );
    assert_eq!(integrity(&db), "ok");
    keyworks(&db).arg("verify").assert().success();
    let kept = narratives(&db);
    assert!(
        kept.iter().any(|n| n == before_full),
        "committed update lost"
    );
    assert!(
        !kept.iter().any(|n| n == &too_big),
        "the failed update was (partly) written"
    );
    // And the next write, with room again, goes through.
    keyworks(&db)
        .args(["update", "KP21-02", "--week", "2021-W30", "--percent", "40"])
        .args(["--status", "黄", "--narrative", "腾出空间后重试成功。"])
        .assert()
        .success();
    keyworks(&db).arg("verify").assert().success();
}

fn with_max_page_count() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("共享.sqlite");
    keyworks(&db).arg("init").assert().success();
    let before_full = "满盘前已提交的进展。";
    keyworks(&db)
        .args(["update", "KP21-01", "--week", "2021-W30", "--percent", "61"])
        .args(["--status", "绿", "--narrative", before_full])
        .assert()
        .success();

    let mut conn = Connection::open(&db).unwrap();
    let pages: i64 = conn
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    let _: i64 = conn
        .query_row(&format!("PRAGMA max_page_count = {}", pages + 2), [], |r| {
            r.get(0)
        })
        .unwrap();
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    let e = tx
        .execute(
            "UPDATE weekly_updates SET narrative = ?1 WHERE id = (SELECT min(id) FROM weekly_updates)",
            ["满".repeat(200_000)],
        )
        .unwrap_err();
    drop(tx);
    assert_eq!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DiskFull));
    let mapped = keyworks_core::Error::from(e);
    assert_eq!(mapped.code(), keyworks_core::ErrorCode::DiskFull);
    assert!(mapped.to_string().contains("磁盘已满"), "{mapped}");
    drop(conn);

    assert_eq!(integrity(&db), "ok");
    keyworks(&db).arg("verify").assert().success();
    assert!(narratives(&db).iter().any(|n| n == before_full));
}
