//! What the CLI's test files share: the binary on a temporary database, as a person would run it.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use sha2::{Digest, Sha256};

pub mod pg;

/// The user cache folder of every process a test starts (a server hub's local copies live
/// there), never the tester's own: one folder under cargo's target/tmp, emptied when a test
/// binary first asks for it (cargo runs test binaries one after another), so nothing piles up.
pub fn cache_home() -> PathBuf {
    static EMPTIED: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    EMPTIED
        .get_or_init(|| {
            let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("keyworks-test-cache");
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            dir
        })
        .clone()
}

/// `keyworks --db DB`, with the author set and no database from the environment.
pub fn keyworks(db: &Path) -> Command {
    let mut c = Command::cargo_bin("keyworks").unwrap();
    c.arg("--db")
        .arg(db)
        .env_remove("KEYWORKS_DB")
        .env("XDG_CACHE_HOME", cache_home())
        .env("KEYWORKS_AUTHOR", "测试员");
    c
}

/// `keyworks --db DB` as `who`.
pub fn as_person(db: &Path, who: &str) -> Command {
    let mut c = keyworks(db);
    c.env("KEYWORKS_AUTHOR", who);
    c
}

/// `keyworks verify` passes on `db`.
pub fn verifies(db: &Path) {
    keyworks(db)
        .arg("verify")
        .assert()
        .success()
        .stdout(predicate::str::contains("校验通过"));
}

/// A temporary folder holding `x.sqlite`, created by `keyworks init` with the seeded portfolio.
pub fn seeded() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.sqlite");
    keyworks(&db)
        .arg("init")
        .assert()
        .success()
        .stdout(predicate::str::contains("15 个重点项目"));
    (dir, db)
}

pub fn sha256(path: &Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

/// Process kills and lock contention do not depend on the disk's fsync (the OS keeps what was
/// written), so the fault tests run on tmpfs where there is one: rounds of fsyncing
/// transactions would otherwise take minutes.
pub fn scratch_dir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    }
}

/// A deterministic sequence of kill delays below `max_ms` from `seed` (xorshift; no random
/// crate needed).
pub fn delays(seed: u64, rounds: usize, max_ms: u64) -> Vec<u64> {
    let mut x = seed;
    (0..rounds)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % max_ms
        })
        .collect()
}

/// The portfolio's rows (not the log) in a file, as text: equal dumps are the same portfolio.
pub fn portfolio_rows(path: &Path) -> String {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut out = String::new();
    for table in [
        "projects",
        "tasks",
        "dependencies",
        "weekly_updates",
        "targets",
        "baselines",
        "calendar_exceptions",
    ] {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY id"))
            .unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            for i in 0..n {
                let v: rusqlite::types::Value = r.get(i).unwrap();
                out.push_str(&format!("{v:?}|"));
            }
            out.push('\n');
        }
    }
    out
}

/// A build of the CLI for another platform, named by `var` (scripts/test.sh builds it and sets
/// it), or None outside CI when it was not built; under `CI=true` a missing one fails the test.
pub fn other_build(var: &str, how: &str) -> Option<PathBuf> {
    match std::env::var_os(var) {
        Some(p) => Some(PathBuf::from(p)),
        None if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("{var} is not set: scripts/test.sh builds it first ({how})")
        }
        None => {
            eprintln!("not run: set {var} ({how})");
            None
        }
    }
}

/// The content hash a weekly report prints in its footer, read back with poppler.
pub fn report_hash(pdf: &Path) -> String {
    let text = std::process::Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("poppler-utils (pdftotext) is installed");
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    let at = text.find("SHA-256").expect("a content hash in the footer") + "SHA-256".len();
    text[at..]
        .chars()
        .skip_while(|c| !c.is_ascii_hexdigit())
        .take_while(char::is_ascii_hexdigit)
        .collect()
}
