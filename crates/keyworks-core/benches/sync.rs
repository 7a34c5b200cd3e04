//! Sync of an offline replica with its hub file, on a synthetic hub of 1,000 projects × 50
//! tasks: a replica with 100 unsynced change groups, and one with 10,000 (renames, weekly
//! updates and new tasks spread over the projects). Each iteration syncs fresh copies of the
//! two files (the copying is not timed); the time includes opening both files, the hub's
//! transaction (merge, roll-up, reading what comes back) and the replica's.
//! Also: one normal edit (adding a task) in a replica against the same edit in a plain file,
//! since a replica draws its ids from its own range.
//!
//! Run: `cargo bench -p keyworks-core --bench sync`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use keyworks_core::plan::wbs_edit::TaskDraft;
use keyworks_core::sync::{Decisions, SyncOutcome};
use keyworks_core::{Access, Db};

#[path = "support/edits.rs"]
mod edits;
use edits::{edit, stamp};

struct Pair {
    hub: PathBuf,
    replica: PathBuf,
}

fn fresh(pair: &Pair, dir: &Path, n: usize) -> Pair {
    let hub = dir.join(format!("hub-{n}.sqlite"));
    let replica = dir.join(format!("replica-{n}.sqlite"));
    let _ = std::fs::remove_file(&hub);
    let _ = std::fs::remove_file(&replica);
    std::fs::copy(&pair.hub, &hub).unwrap();
    std::fs::copy(&pair.replica, &replica).unwrap();
    Pair { hub, replica }
}

fn sync(pair: &Pair) {
    // As the app holds it: opened (not checked page by page) once, synced when asked.
    let mut db = Db::open(&pair.replica, Access::ReadWrite).unwrap();
    match db
        .sync_with_file(&pair.hub, &Decisions::default(), &stamp("王工"))
        .unwrap()
    {
        SyncOutcome::Synced(_) => {}
        SyncOutcome::NeedsDecision { conflicts } => panic!("{conflicts:?}"),
    }
}

fn bench(c: &mut Criterion) {
    // On tmpfs where there is one: building 10,000 edits with an fsync each takes minutes on
    // a disk. The timed syncs copy to the same place.
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
    let make = |name: &str, count: usize| {
        let replica = dir.path().join(name);
        Db::open_checked(&hub, Access::ReadWrite)
            .unwrap()
            .create_replica(&replica, name, &stamp("王工"))
            .unwrap();
        edit(&replica, count);
        Pair {
            hub: hub.clone(),
            replica,
        }
    };
    // `cargo test --benches` runs each benchmark once as a smoke test: a smaller large case.
    let measuring = std::env::args().any(|a| a == "--bench");
    let small = make("r100.sqlite", 100);
    let large = make("r10000.sqlite", if measuring { 10_000 } else { 1_000 });
    println!(
        "sync bench hub: {:.1} MiB",
        std::fs::metadata(&hub).unwrap().len() as f64 / 1_048_576.0
    );

    let mut n = 0;
    let mut group = c.benchmark_group("sync");
    group.sample_size(20);
    group.bench_function("100 changes, hub of 1000 projects", |b| {
        b.iter_batched(
            || {
                n += 1;
                fresh(&small, dir.path(), n)
            },
            |pair| sync(&pair),
            BatchSize::PerIteration,
        )
    });
    group.sample_size(10);
    group.bench_function("10000 changes, hub of 1000 projects", |b| {
        b.iter_batched(
            || {
                n += 1;
                fresh(&large, dir.path(), n)
            },
            |pair| sync(&pair),
            BatchSize::PerIteration,
        )
    });
    group.finish();

    // A normal edit: is adding a task slower in a replica (its own id range) than in a plain
    // file? Both files are copies of the same hub.
    let mut group = c.benchmark_group("edit");
    group.sample_size(30);
    for (name, path) in [("in the hub", &small.hub), ("in a replica", &small.replica)] {
        let copy = dir.path().join(format!(
            "edit-{}",
            path.file_name().unwrap().to_string_lossy()
        ));
        std::fs::copy(path, &copy).unwrap();
        let mut db = Db::open_checked(&copy, Access::ReadWrite).unwrap();
        let code = db.projects().unwrap()[500].code.clone();
        let mut i = 0;
        group.bench_function(format!("add a task {name}"), |b| {
            b.iter(|| {
                i += 1;
                db.add_task(
                    &code,
                    &TaskDraft {
                        parent_id: None,
                        after: None,
                        name: format!("任务 {i}"),
                        is_milestone: false,
                        planned_start: NaiveDate::from_ymd_opt(2021, 7, 1).unwrap(),
                        planned_finish: NaiveDate::from_ymd_opt(2021, 7, 9).unwrap(),
                        acceptance: String::new(),
                    },
                    &stamp("王工"),
                )
                .unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
