//! Open a database file and compute the portfolio summary (what the dashboard and
//! `keyworks projects` do), on the seeded file and on a synthetic 1,000 × 50 file.
//! Time comes from criterion; heap use from a counting allocator, printed once per file.
//!
//! Run: `cargo bench -p keyworks-core --bench open_summary`
#![allow(clippy::unwrap_used, clippy::expect_used)]
// The counting allocator needs `unsafe impl GlobalAlloc`; it only forwards to the system allocator.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, NaiveDate};
use criterion::{Criterion, criterion_group, criterion_main};
use keyworks_core::{Access, Db, Stamp};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 6, 11).unwrap()
}

fn open_and_summarise(path: &Path) -> usize {
    let db = Db::open(path, Access::ReadOnly).unwrap();
    let s = db.portfolio_summary(as_of()).unwrap();
    s.projects.len()
}

fn report_memory(label: &str, path: &Path) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let n = open_and_summarise(path);
    let peak = PEAK.load(Ordering::Relaxed) - base;
    let size = std::fs::metadata(path).unwrap().len();
    println!(
        "{label}: {n} projects, file {:.1} MiB, peak Rust heap during open+summary {:.1} KiB \
         (SQLite page cache not included: at most its default 2 MiB cache_size)",
        size as f64 / 1_048_576.0,
        peak as f64 / 1024.0
    );
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let stamp = Stamp::new(
        "bench",
        DateTime::parse_from_rfc3339("2021-06-11T09:00:00+08:00").unwrap(),
    )
    .unwrap();

    let seeded = dir.path().join("seeded.sqlite");
    drop(Db::create_seeded(&seeded, &stamp).unwrap());
    let synthetic = dir.path().join("synthetic.sqlite");
    {
        let mut db = Db::create(&synthetic).unwrap();
        keyworks_core::store::synthetic::generate(&mut db, 1000, 50, as_of(), &stamp).unwrap();
    }
    report_memory("seeded", &seeded);
    report_memory("synthetic 1000x50", &synthetic);

    c.bench_function("open+summary seeded (15 projects)", |b| {
        b.iter(|| open_and_summarise(&seeded))
    });
    c.bench_function("open+summary synthetic (1000 projects x 50 tasks)", |b| {
        b.iter(|| open_and_summarise(&synthetic))
    });

    // What the Gantt asks for when a big project opens: its rows, then its critical path read
    // from the store (the query that finds the project's links was once quadratic: 22 s).
    let big = dir.path().join("big.sqlite");
    {
        let mut db = Db::create(&big).unwrap();
        keyworks_core::store::synthetic::generate(&mut db, 1, 10_000, as_of(), &stamp).unwrap();
    }
    let db = Db::open(&big, Access::ReadOnly).unwrap();
    let code = db.projects().unwrap()[0].code.clone();
    c.bench_function(
        "project detail from the store (1 project x 10000 tasks)",
        |b| b.iter(|| db.project_detail(&code).unwrap().tasks.len()),
    );
    c.bench_function("schedule from the store (1 project x 10000 tasks)", |b| {
        b.iter(|| db.schedule(&code).unwrap().rows.len())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
