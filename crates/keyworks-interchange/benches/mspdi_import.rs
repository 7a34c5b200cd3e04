//! MSPDI import of 10,000- and 100,000-task files (`mspdi::synthetic`): read the file, parse,
//! convert to days, and store every row with its change-log entry in a fresh file-backed
//! database — what `keyworks import` does. `scripts/bench-mpxj.sh` times MPXJ's read of the
//! same files for comparison. Parse alone is measured too, to show where the time goes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use keyworks_core::imports::project_import::ImportOutcome;
use keyworks_core::model::{Category, Stage};
use keyworks_core::{Access, Db, Stamp};
use keyworks_interchange::mspdi::{self, ImportOptions, synthetic};

/// Where the generated files are kept (also read by scripts/bench-mpxj.sh):
/// `$KEYWORKS_BENCH_DIR`, else the system's temporary directory.
fn bench_dir() -> PathBuf {
    std::env::var_os("KEYWORKS_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir)
}

fn file_of(n: usize) -> PathBuf {
    // The generator is deterministic: a file of this name from an earlier run is reused when it
    // has the size the generator gives (generating 250 MB takes longer than importing it).
    let path = bench_dir().join(format!("keyworks-mspdi-{n}.xml"));
    let (xml, _) = synthetic::generate(n);
    let same = std::fs::metadata(&path).is_ok_and(|m| m.len() == xml.len() as u64);
    if !same {
        std::fs::write(&path, xml).unwrap();
    }
    path
}

fn stamp() -> Stamp {
    Stamp::new(
        "基准测试",
        chrono::DateTime::parse_from_rfc3339("2021-06-11T09:30:00+08:00").unwrap(),
    )
    .unwrap()
}

fn options() -> ImportOptions {
    ImportOptions {
        code: "BENCH".into(),
        name: None,
        category: Category::Services,
        stage: Stage::NewStart,
        today: NaiveDate::from_ymd_opt(2021, 6, 11).unwrap(),
    }
}

fn fresh_db(dir: &Path) -> Db {
    let db_path = dir.join("kw.sqlite");
    let _ = std::fs::remove_file(&db_path);
    drop(Db::create(&db_path).unwrap());
    Db::open(&db_path, Access::ReadWrite).unwrap()
}

/// What `keyworks import` does: create the file, read, parse, convert, store.
fn import_into_fresh_file(file: &Path, dir: &Path) {
    let mut db = fresh_db(dir);
    let report = mspdi::import_file(&mut db, file, &options(), &stamp(), &mut |_| {
        ControlFlow::Continue(())
    })
    .unwrap();
    assert!(matches!(report.outcome, ImportOutcome::Imported(_)));
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    for (n, samples, secs) in [(10_000usize, 10usize, 20u64), (100_000, 10, 60)] {
        let file = file_of(n);
        let bytes = std::fs::read(&file).unwrap();
        let mut group = c.benchmark_group(format!("mspdi_{n}"));
        group.sample_size(samples);
        group.measurement_time(Duration::from_secs(secs));
        group.bench_function("parse", |b| {
            b.iter(|| black_box(mspdi::parse(&bytes).unwrap()))
        });
        // The storing alone: the converted project written into a fresh file.
        let converted = mspdi::to_project_import(&mspdi::parse(&bytes).unwrap(), &options())
            .unwrap()
            .import;
        group.bench_function("store_only", |b| {
            b.iter_batched(
                || fresh_db(dir.path()),
                |mut db| {
                    db.import_project(&converted, &stamp(), &mut |_| ControlFlow::Continue(()))
                        .unwrap()
                },
                BatchSize::PerIteration,
            )
        });
        group.bench_function("import_to_fresh_file", |b| {
            b.iter_batched(
                || (),
                |()| import_into_fresh_file(&file, dir.path()),
                BatchSize::PerIteration,
            )
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
