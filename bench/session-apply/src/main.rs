//! See Cargo.toml. Prints, for 100 and 10,000 edits on a replica of a 1,000 × 50 hub, the
//! median of five runs of: building the changeset (session diff of the data tables), applying
//! it to a fresh copy of the hub, and KeyWorks' whole sync of fresh copies of the two files.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use keyworks_core::audit::verify::LOGGED_TABLES;
use keyworks_core::sync::{Decisions, SyncOutcome};
use keyworks_core::{Access, Db};
use rusqlite::Connection;
use rusqlite::fallible_streaming_iterator::FallibleStreamingIterator;
use rusqlite::session::{ConflictAction, Session};

#[path = "../../../crates/keyworks-core/benches/support/edits.rs"]
mod edits;
use edits::{edit, stamp};

const RUNS: usize = 5;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn copy(from: &Path, dir: &Path, name: &str) -> PathBuf {
    let to = dir.join(name);
    let _ = std::fs::remove_file(&to);
    std::fs::copy(from, &to).unwrap();
    to
}

fn main() {
    let dir = if Path::new("/dev/shm").is_dir() {
        tempfile::tempdir_in("/dev/shm").unwrap()
    } else {
        tempfile::tempdir().unwrap()
    };
    let hub = dir.path().join("hub.sqlite");
    {
        let mut db = Db::create(&hub).unwrap();
        let as_of = NaiveDate::from_ymd_opt(2021, 6, 11).unwrap();
        keyworks_core::store::synthetic::generate(&mut db, 1000, 50, as_of, &stamp("bench"))
            .unwrap();
    }
    println!("edits | changeset (session diff) | sqlite3changeset_apply | KeyWorks sync (whole)");
    for count in [100usize, 10_000] {
        let replica = dir.path().join(format!("r{count}.sqlite"));
        Db::open_checked(&hub, Access::ReadWrite)
            .unwrap()
            .create_replica(&replica, "r", &stamp("王工"))
            .unwrap();
        edit(&replica, count);

        let (mut diffs, mut applies, mut syncs) = (Vec::new(), Vec::new(), Vec::new());
        let mut rows = 0;
        for _ in 0..RUNS {
            // The changeset that turns the hub's data tables into the replica's.
            let conn = Connection::open(&replica).unwrap();
            conn.execute("ATTACH ?1 AS hub", [hub.to_str().unwrap()])
                .unwrap();
            let started = Instant::now();
            let mut session = Session::new(&conn).unwrap();
            session.attach(None::<&str>).unwrap();
            for table in LOGGED_TABLES {
                session.diff("hub", *table).unwrap();
            }
            let changeset = session.changeset().unwrap();
            diffs.push(started.elapsed());
            rows = 0;
            let mut items = changeset.iter().unwrap();
            while items.next().unwrap().is_some() {
                rows += 1;
            }
            drop(session);
            drop(conn);

            let target = copy(&hub, dir.path(), "apply.sqlite");
            let conn = Connection::open(&target).unwrap();
            conn.pragma_update(None, "foreign_keys", true).unwrap();
            let started = Instant::now();
            conn.apply(&changeset, None::<fn(&str) -> bool>, |_, _| {
                ConflictAction::SQLITE_CHANGESET_ABORT
            })
            .unwrap();
            applies.push(started.elapsed());

            let h = copy(&hub, dir.path(), "sync-hub.sqlite");
            let r = copy(&replica, dir.path(), "sync-replica.sqlite");
            let started = Instant::now();
            let mut db = Db::open(&r, Access::ReadWrite).unwrap();
            match db
                .sync_with_file(&h, &Decisions::default(), &stamp("王工"))
                .unwrap()
            {
                SyncOutcome::Synced(_) => {}
                SyncOutcome::NeedsDecision { conflicts } => panic!("{conflicts:?}"),
            }
            syncs.push(started.elapsed());
        }
        println!(
            "{count:>6} edits ({rows} changed rows) | {:.1} ms | {:.1} ms | {:.1} ms",
            median(diffs).as_secs_f64() * 1e3,
            median(applies).as_secs_f64() * 1e3,
            median(syncs).as_secs_f64() * 1e3
        );
    }
}
