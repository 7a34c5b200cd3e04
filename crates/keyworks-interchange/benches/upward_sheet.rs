//! The upward monthly sheet (重点项目建设进展情况表) for May 2021: the seeded portfolio and a
//! synthetic one of 1,000 projects × 20 tasks, each with a 2021 plan and months recorded.
//! Gathering (the core's supervision table, the latest narratives) and writing the XLSX are
//! timed together, as `keyworks export --table monthly` runs them; criterion gives the time,
//! and peak heap and file size are printed once per portfolio. Target: ≤ 1 s for 1,000.
//!
//! Run: `cargo bench -p keyworks-interchange --bench upward_sheet`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use keyworks_core::supervision::overview::OverviewFilter;
use keyworks_core::week::YearMonth;
use keyworks_core::{Db, Stamp};
use keyworks_interchange::upward_sheet::{UpwardSheet, upward_sheet_bytes};

#[path = "../../keyworks-core/benches/support/heap.rs"]
mod heap;

fn may() -> YearMonth {
    YearMonth::new(2021, 5).unwrap()
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 6, 11).unwrap()
}

fn sheet(db: &Db) -> Vec<u8> {
    let s = UpwardSheet::gather(db, may(), as_of()).unwrap();
    upward_sheet_bytes(&s, Utc.with_ymd_and_hms(2021, 6, 11, 10, 0, 0).unwrap()).unwrap()
}

fn describe(label: &str, db: &Db) {
    let base = heap::start();
    let started = Instant::now();
    let bytes = sheet(db);
    let took = started.elapsed();
    let peak = heap::peak_mib(base);
    println!(
        "{label}: XLSX {:.0} KiB, one run {:.0} ms, peak heap {:.1} MiB",
        bytes.len() as f64 / 1024.0,
        took.as_secs_f64() * 1000.0,
        peak
    );
}

fn bench(c: &mut Criterion) {
    let stamp = Stamp::new(
        "bench",
        DateTime::parse_from_rfc3339("2021-06-11T09:00:00+08:00").unwrap(),
    )
    .unwrap();
    let mut seeded = Db::open_in_memory().unwrap();
    seeded.load_seed(&stamp).unwrap();
    let mut synthetic = Db::open_in_memory().unwrap();
    keyworks_core::store::synthetic::generate(&mut synthetic, 1000, 20, as_of(), &stamp).unwrap();

    describe("seeded May 2021 (15 projects)", &seeded);
    describe("synthetic May 2021 (1,000 projects x 20 tasks)", &synthetic);

    c.bench_function("upward sheet seeded: gather+xlsx", |b| {
        b.iter(|| sheet(&seeded))
    });
    let mut group = c.benchmark_group("upward sheet synthetic 1000x20");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(15));
    group.bench_function("supervision table", |b| {
        b.iter(|| {
            synthetic
                .investment_overview(may(), as_of(), &OverviewFilter::default())
                .unwrap()
        })
    });
    group.bench_function("gather+xlsx", |b| b.iter(|| sheet(&synthetic)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
