//! Fault tests on shared files: writers killed mid-transaction, concurrent writers with an
//! auditor reading, a file held busy, the edit lock, verify after tampering.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

use predicates::prelude::*;
use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};

mod common;
use common::{delays, keyworks, scratch_dir};

const BIN: &str = env!("CARGO_BIN_EXE_keyworks");

fn seeded(dir: &Path) -> PathBuf {
    let db = dir.join("shared.sqlite");
    keyworks(&db).arg("init").assert().success();
    db
}

/// Every committed stress transaction left its narrative in the change log. Opens read-write,
/// as the next editor would: a writer killed mid-transaction leaves a hot journal that only a
/// writable connection may roll back.
fn assert_committed_present(db: &Path, tag: &str, committed: &[u32]) {
    let conn = Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT changes FROM change_log WHERE table_name = 'weekly_updates'")
        .unwrap();
    let logged: std::collections::HashSet<u32> = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .flat_map(|c| {
            // An update's changes hold the narrative before and after: take every mention.
            let c = c.unwrap();
            let marker = format!("stress-{tag}-");
            c.match_indices(&marker)
                .filter_map(|(at, _)| c[at + marker.len()..].split('"').next()?.parse().ok())
                .collect::<Vec<u32>>()
        })
        .collect();
    for i in committed {
        assert!(
            logged.contains(i),
            "committed transaction {tag}-{i} is missing"
        );
    }
}

fn integrity_ok(db: &Path) {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE).unwrap();
    let r: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(r, "ok");
}

fn spawn_writer(db: &Path, count: u32, tag: &str) -> std::process::Child {
    Process::new(BIN)
        .arg("--db")
        .arg(db)
        .args(["stress-write", "--count", &count.to_string(), "--tag", tag])
        .env("KEYWORKS_AUTHOR", format!("写入者{tag}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn killing_a_writer_never_loses_a_committed_change_or_damages_the_file() {
    let dir = scratch_dir();
    let db = seeded(dir.path());
    // How long 1,000 transactions take here, so the kills land throughout the run.
    let started = Instant::now();
    let full = spawn_writer(&db, 1000, "calibrate")
        .wait_with_output()
        .unwrap();
    assert!(
        full.status.success(),
        "{}",
        String::from_utf8_lossy(&full.stderr)
    );
    let span = (started.elapsed().as_millis() as u64).max(50);

    let (mut total, mut mid_run) = (0usize, 0usize);
    for (round, delay) in delays(0x2545_F491_4F6C_DD1D, 50, span)
        .into_iter()
        .enumerate()
    {
        let tag = format!("r{round}");
        let mut child = spawn_writer(&db, 1000, &tag);
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .filter_map(|l| {
                    l.strip_prefix("committed ")
                        .and_then(|n| n.parse::<u32>().ok())
                })
                .collect::<Vec<_>>()
        });
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill(); // SIGKILL on Unix: no chance to clean up
        child.wait().unwrap();
        let committed = reader.join().unwrap();
        assert_committed_present(&db, &tag, &committed);
        total += committed.len();
        mid_run += usize::from(committed.len() < 1000);
    }
    // The figures for the closing note (shown with --nocapture).
    eprintln!(
        "kill -9: 50 rounds of up to 1,000 transactions over {span} ms; {mid_run} kills landed \
         mid-run; {total} committed transactions all present"
    );
    integrity_ok(&db);
    keyworks(&db)
        .arg("verify")
        .assert()
        .success()
        .stdout(predicate::str::contains("校验通过"));
}

#[test]
fn two_writers_and_an_auditor_share_a_file_without_loss() {
    let dir = scratch_dir();
    let db = seeded(dir.path());
    let a = spawn_writer(&db, 300, "a");
    let b = spawn_writer(&db, 300, "b");
    // The auditor reads the whole time, read-only, and always sees a consistent portfolio.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut reads = 0;
    let mut a = Some(a);
    let mut b = Some(b);
    let mut outputs = Vec::new();
    while a.is_some() || b.is_some() {
        assert!(Instant::now() < deadline, "writers did not finish in time");
        keyworks(&db)
            .args(["--read-only", "projects", "--json", "--as-of", "2021-06-11"])
            .assert()
            .success()
            .stdout(predicate::str::contains("\"green\""));
        reads += 1;
        for slot in [&mut a, &mut b] {
            if let Some(child) = slot.as_mut() {
                if child.try_wait().unwrap().is_some() {
                    outputs.push(slot.take().unwrap().wait_with_output().unwrap());
                }
            }
        }
    }
    assert!(reads > 0);
    eprintln!("two writers × 300 transactions, {reads} consistent auditor reads meanwhile");
    for (out, tag) in outputs.iter().zip(["?", "?"]) {
        let _ = tag;
        assert!(
            out.status.success(),
            "writer failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let all: Vec<u32> = (0..300).collect();
    assert_committed_present(&db, "a", &all);
    assert_committed_present(&db, "b", &all);
    integrity_ok(&db);
    keyworks(&db).arg("verify").assert().success();
}

#[test]
fn a_file_held_busy_is_retried_then_reported_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path());
    let before = Sha256::digest(std::fs::read(&db).unwrap());
    let holder = Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let started = Instant::now();
    keyworks(&db)
        .args([
            "update",
            "KP21-01",
            "--percent",
            "50",
            "--status",
            "绿",
            "--narrative",
            "忙碌测试",
        ])
        .assert()
        .failure()
        .code(7)
        .stderr(
            predicate::str::contains("正被其他程序写入").and(predicate::str::contains("稍后重试")),
        );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "waited far longer than the busy timeout"
    );
    assert!(
        started.elapsed() >= Duration::from_secs(4),
        "gave up without retrying"
    );
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    assert_eq!(before, Sha256::digest(std::fs::read(&db).unwrap()));
}

#[test]
fn writes_are_refused_while_someone_else_holds_the_edit_lock() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path());
    let lock = keyworks_core::audit::edit_lock::lock_path(&db);
    let holder = serde_json::json!({
        "user": "王工", "machine": "OFFICE-PC-07", "process": 4242,
        "since": chrono::Local::now().fixed_offset().to_rfc3339()
    });
    std::fs::write(&lock, holder.to_string()).unwrap();
    let before = Sha256::digest(std::fs::read(&db).unwrap());
    keyworks(&db)
        .args([
            "update",
            "KP21-01",
            "--percent",
            "50",
            "--status",
            "绿",
            "--narrative",
            "x",
        ])
        .assert()
        .failure()
        .code(8)
        .stderr(predicate::str::contains(
            "该文件正由 王工（OFFICE-PC-07）自",
        ));
    keyworks(&db)
        .args(["lock"])
        .assert()
        .success()
        .stdout(predicate::str::contains("王工"));
    // Reading is never blocked.
    keyworks(&db)
        .args(["projects", "--as-of", "2021-06-11"])
        .assert()
        .success();
    // Not stale: breaking needs --force; then it is gone and logged.
    keyworks(&db)
        .args(["lock", "break"])
        .assert()
        .failure()
        .code(8);
    keyworks(&db)
        .args(["lock", "break", "--force"])
        .assert()
        .success()
        .stdout(predicate::str::contains("王工"));
    assert!(!lock.exists());
    assert_ne!(
        before,
        Sha256::digest(std::fs::read(&db).unwrap()),
        "the break is recorded in the file"
    );
    keyworks(&db)
        .args([
            "update",
            "KP21-01",
            "--percent",
            "50",
            "--status",
            "绿",
            "--narrative",
            "x",
        ])
        .assert()
        .success();
    keyworks(&db).arg("verify").assert().success();
}

#[test]
fn auditor_mode_reads_and_refuses_writes_leaving_the_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path());
    let before = (
        Sha256::digest(std::fs::read(&db).unwrap()),
        std::fs::metadata(&db).unwrap().modified().unwrap(),
    );
    keyworks(&db)
        .args(["--read-only", "show", "KP21-06"])
        .assert()
        .success();
    keyworks(&db)
        .args(["--read-only", "verify"])
        .assert()
        .success();
    keyworks(&db)
        .args([
            "--read-only",
            "milestone",
            "done",
            "1",
            "--date",
            "2021-06-01",
        ])
        .assert()
        .failure()
        .code(5)
        .stderr(predicate::str::contains("只读"));
    let after = (
        Sha256::digest(std::fs::read(&db).unwrap()),
        std::fs::metadata(&db).unwrap().modified().unwrap(),
    );
    assert_eq!(before, after);
}

#[test]
fn verify_names_a_change_made_with_the_sqlite_shell() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path());
    Connection::open(&db)
        .unwrap()
        .execute_batch("UPDATE projects SET status = 'green' WHERE code = 'KP21-14'")
        .unwrap();
    keyworks(&db)
        .arg("verify")
        .assert()
        .failure()
        .code(9)
        .stderr(predicate::str::contains("projects").and(predicate::str::contains("status")));
}
