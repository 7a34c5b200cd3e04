//! Replicas and sync of a shared file from the command line: a file that is no replica, and
//! syncs killed with SIGKILL at random moments. The scenario that runs against both kinds of
//! hub is in hub_scenario.rs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

use predicates::prelude::*;
use rusqlite::Connection;

mod common;
use common::{as_person, delays, keyworks, portfolio_rows as data, scratch_dir, verifies};

const BIN: &str = env!("CARGO_BIN_EXE_keyworks");

fn hub_and_replicas(dir: &Path, names: &[&str]) -> (PathBuf, Vec<PathBuf>) {
    let hub = dir.join("共享 文件.sqlite");
    keyworks(&hub).arg("init").assert().success();
    let replicas = names
        .iter()
        .map(|n| {
            let out = dir.join(format!("{n}.sqlite"));
            as_person(&hub, n)
                .args(["replica", "create", "--from"])
                .arg(&hub)
                .arg("--out")
                .arg(&out)
                .assert()
                .success()
                .stdout(predicate::str::contains("已创建离线副本"));
            out
        })
        .collect();
    (hub, replicas)
}

#[test]
fn a_sync_of_a_file_that_is_no_replica_says_how_to_make_one() {
    let dir = tempfile::tempdir().unwrap();
    let (hub, _) = hub_and_replicas(dir.path(), &[]);
    keyworks(&hub)
        .arg("sync")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("replica create"));
}

fn copy_pair(hub: &Path, replica: &Path, into: &Path) -> (PathBuf, PathBuf) {
    std::fs::create_dir_all(into).unwrap();
    let (h, r) = (into.join("hub.sqlite"), into.join("replica.sqlite"));
    std::fs::copy(hub, &h).unwrap();
    std::fs::copy(replica, &r).unwrap();
    (h, r)
}

fn sync_process(replica: &Path, hub: &Path) -> Process {
    let mut p = Process::new(BIN);
    p.arg("--db")
        .arg(replica)
        .args(["sync", "--hub"])
        .arg(hub)
        .env_remove("KEYWORKS_DB")
        .env("KEYWORKS_AUTHOR", "王工")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    p
}

#[test]
fn a_sync_killed_at_any_moment_leaves_both_files_before_or_after_and_completes_next_time() {
    let dir = scratch_dir();
    let hub = dir.path().join("hub.sqlite");
    keyworks(&hub).arg("init").assert().success();
    let replica = dir.path().join("replica.sqlite");
    keyworks(&hub)
        .args(["replica", "create", "--from"])
        .arg(&hub)
        .arg("--out")
        .arg(&replica)
        .assert()
        .success();
    let write = |tag: &str| {
        keyworks(&replica)
            .args(["stress-write", "--count", "100", "--tag", tag])
            .assert()
            .success();
    };
    // How long one sync of 100 groups takes, so that kills land throughout it and past it.
    write("calibrate");
    let started = Instant::now();
    assert!(sync_process(&replica, &hub).status().unwrap().success());
    let span = (started.elapsed().as_millis() as u64).max(20);

    let (mut before, mut between, mut after) = (0, 0, 0);
    for (round, delay) in delays(0x9E37_79B9_7F4A_7C15, 50, span + span / 4)
        .into_iter()
        .enumerate()
    {
        let tag = format!("r{round}");
        write(&tag);
        let (hub_before, replica_before) = (data(&hub), data(&replica));
        // The state a completed sync leaves, from copies.
        let side = dir.path().join(format!("side{round}"));
        let (side_hub, side_replica) = copy_pair(&hub, &replica, &side);
        assert!(
            sync_process(&side_replica, &side_hub)
                .status()
                .unwrap()
                .success()
        );
        let (hub_after, replica_after) = (data(&side_hub), data(&side_replica));
        std::fs::remove_dir_all(&side).unwrap();

        let mut child = sync_process(&replica, &hub).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill(); // SIGKILL: no chance to clean up
        child.wait().unwrap();

        // Each file is whole, and either before or after the sync: never between. (Opening
        // read-write rolls back a hot journal, as the next user would.)
        let (h, r) = (data(&hub), data(&replica));
        assert!(
            h == hub_before || h == hub_after,
            "round {round}: the hub is between"
        );
        assert!(
            r == replica_before || r == replica_after,
            "round {round}: the replica is between"
        );
        match (h == hub_after, r == replica_after) {
            (false, _) => before += 1,
            (true, false) => between += 1,
            (true, true) => after += 1,
        }
        verifies(&hub);
        verifies(&replica);

        // The next sync completes it, applying nothing twice.
        assert!(sync_process(&replica, &hub).status().unwrap().success());
        assert_eq!(data(&replica), data(&hub), "round {round}");
        let conn = Connection::open(&hub).unwrap();
        let applied: i64 = conn
            .query_row(
                "SELECT count(*) FROM change_log WHERE table_name = 'weekly_updates' \
                 AND changes LIKE ?1",
                [format!("%\"stress-{tag}-%")],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(applied, 100, "round {round}: each of the 100 edits once");
    }
    eprintln!(
        "sync kill -9: 50 rounds over {span} ms: killed before the hub's commit {before} times, \
         between the hub's and the replica's {between} times, after both {after} times"
    );
    verifies(&hub);
    verifies(&replica);
}
