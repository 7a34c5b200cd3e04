//! Load on a PostgreSQL hub: 50 replica processes, each with 200 offline edits (and one edit
//! that all 50 make to the same week, so that 49 of them meet a conflict), sync at once over
//! loopback on a private server.
//!
//! Checked every run (`cargo test --benches` in CI, and `cargo bench`): every process
//! succeeds, no edit is lost or written twice, each conflict is reported exactly once (by the
//! replica that met it), `verify --hub` is clean, and every replica holds the hub's rows
//! after a final round. Printed: syncs per second and the sync times (median, p95, max) of
//! the concurrent round.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

#[path = "../tests/common/pg.rs"]
mod pg;

const BIN: &str = env!("CARGO_BIN_EXE_keyworks");
const REPLICAS: usize = 50;
const EDITS: u32 = 200;

fn keyworks(db: &Path, cache: &Path, who: &str) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--db")
        .arg(db)
        .env_remove("KEYWORKS_DB")
        .env("XDG_CACHE_HOME", cache)
        .env("KEYWORKS_AUTHOR", who);
    c
}

fn ok(out: Output, what: &str) -> Output {
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs `jobs` at most `width` at a time.
fn in_parallel<T: Send>(jobs: Vec<Box<dyn FnOnce() -> T + Send + '_>>, width: usize) -> Vec<T> {
    let mut results = Vec::new();
    let mut jobs = jobs.into_iter();
    loop {
        let batch: Vec<_> = jobs.by_ref().take(width).collect();
        if batch.is_empty() {
            return results;
        }
        std::thread::scope(|s| {
            let handles: Vec<_> = batch.into_iter().map(|j| s.spawn(j)).collect();
            results.extend(handles.into_iter().map(|h| h.join().unwrap()));
        });
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let work = tempfile::Builder::new()
        .prefix("kw-load-")
        .tempdir_in(if Path::new("/dev/shm").is_dir() {
            "/dev/shm"
        } else {
            "/tmp"
        })
        .unwrap();
    let dir = work.path();
    let cache = dir.join("cache");
    let server = pg::Server::start_private("load");
    let db = server.fresh_database("load");
    let url = server.socket_url(&db);

    let shared = dir.join("shared.sqlite");
    ok(
        keyworks(&shared, &cache, "管理员")
            .args(["generate", "--projects", "60", "--tasks", "10"])
            .output()
            .unwrap(),
        "generate",
    );
    ok(
        keyworks(&shared, &cache, "管理员")
            .args(["hub", "init", "--url", &url, "--from"])
            .arg(&shared)
            .output()
            .unwrap(),
        "hub init",
    );
    let replicas: Vec<PathBuf> = (0..REPLICAS)
        .map(|i| dir.join(format!("replica-{i:02}.sqlite")))
        .collect();
    for (i, r) in replicas.iter().enumerate() {
        ok(
            keyworks(r, &cache, &format!("officer{i}"))
                .args(["replica", "create", "--from", &url, "--out"])
                .arg(r)
                .output()
                .unwrap(),
            "replica create",
        );
    }

    // Offline: each officer revises their own project's weekly update 200 times, and all of
    // them file the same project's update for 2021-W30.
    let started = Instant::now();
    let jobs: Vec<Box<dyn FnOnce() + Send>> = replicas
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let cache = cache.clone();
            Box::new(move || {
                let who = format!("officer{i}");
                ok(
                    keyworks(r, &cache, &who)
                        .args(["stress-write", "--count", &EDITS.to_string()])
                        .args(["--tag", &format!("L{i}"), "--project"])
                        .arg(format!("SYN-{:05}", i + 1))
                        .stdout(Stdio::null())
                        .output()
                        .unwrap(),
                    "stress-write",
                );
                ok(
                    keyworks(r, &cache, &who)
                        .args(["update", "SYN-00060", "--week", "2021-W30"])
                        .args(["--percent", &format!("{}", i % 100), "--status", "绿"])
                        .args(["--narrative", &format!("第{i}号副本的进展")])
                        .output()
                        .unwrap(),
                    "update",
                );
            }) as Box<dyn FnOnce() + Send>
        })
        .collect();
    in_parallel(jobs, 4);
    eprintln!(
        "offline edits: {} replicas × {} edits in {:.1} s",
        REPLICAS,
        EDITS + 1,
        started.elapsed().as_secs_f64()
    );

    // All at once.
    let round = Instant::now();
    let children: Vec<_> = replicas
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let child = keyworks(r, &cache, &format!("officer{i}"))
                .args(["sync", "--resolve", "keep-hub", "--json"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            (Instant::now(), child)
        })
        .collect();
    let mut times = Vec::new();
    let mut reported = 0;
    let mut pushed_total = 0;
    for (i, (spawned, child)) in children.into_iter().enumerate() {
        let out = ok(child.wait_with_output().unwrap(), "concurrent sync");
        times.push(spawned.elapsed());
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["outcome"], "synced", "replica {i}");
        let decided = v["decided"].as_array().unwrap();
        assert!(
            decided.len() <= 1,
            "replica {i}: {} conflicts",
            decided.len()
        );
        for c in decided {
            assert_eq!(c["kind"], "duplicate", "replica {i}");
            assert_eq!(c["project"], "SYN-00060", "replica {i}");
        }
        reported += decided.len();
        pushed_total += v["pushed"].as_u64().unwrap();
    }
    let wall = round.elapsed();
    assert_eq!(
        reported,
        REPLICAS - 1,
        "each conflict reported exactly once"
    );
    // Every stress edit, and one W30 update: the other 49 were dropped by "keep hub".
    assert_eq!(pushed_total, (REPLICAS as u64) * u64::from(EDITS) + 1);

    // Nothing lost, nothing twice.
    let mut c = pg::client(&url);
    for i in 0..REPLICAS {
        let n: i64 = c
            .query_one(
                "SELECT count(*) FROM change_log WHERE table_name = 'weekly_updates' AND changes LIKE $1",
                &[&format!("%\"stress-L{i}-%")],
            )
            .unwrap()
            .get(0);
        assert_eq!(n, i64::from(EDITS), "replica {i}'s edits on the hub");
    }
    let w30: i64 = c
        .query_one(
            "SELECT count(*) FROM weekly_updates u JOIN projects p ON p.id = u.project_id \
             WHERE p.code = 'SYN-00060' AND u.iso_week = '2021-W30'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(w30, 1);

    // A final round: every replica converges, and nothing conflicts any more.
    for (i, r) in replicas.iter().enumerate() {
        let out = ok(
            keyworks(r, &cache, &format!("officer{i}"))
                .args(["sync", "--json"])
                .output()
                .unwrap(),
            "final sync",
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["decided"].as_array().map(Vec::len), Some(0));
    }
    let hub_rows = pg::server_updates(&url);
    for r in &replicas {
        assert_eq!(pg::file_updates(r), hub_rows, "{}", r.display());
    }
    let verified = ok(
        keyworks(&shared, &cache, "审计")
            .args(["verify", "--hub", &url])
            .output()
            .unwrap(),
        "verify --hub",
    );
    assert!(String::from_utf8_lossy(&verified.stdout).contains("校验通过"));

    times.sort();
    println!(
        "hub_load: {REPLICAS} replicas × {} edits synced at once: {:.1} s, {:.1} syncs/s; \
         sync time median {} ms, p95 {} ms, max {} ms; {} conflicts each reported once",
        EDITS + 1,
        wall.as_secs_f64(),
        REPLICAS as f64 / wall.as_secs_f64(),
        percentile(&times, 0.5).as_millis(),
        percentile(&times, 0.95).as_millis(),
        times.last().map_or(0, Duration::as_millis),
        reported
    );
}
