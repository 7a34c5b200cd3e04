//! The monthly report for May 2021: build (the supervision table, the month's milestones),
//! layout and PDF, for the seeded portfolio and a synthetic one of 1,000 projects × 20 tasks
//! with plans and months recorded. Criterion gives the time; pages, PDF size and peak heap are
//! printed once per portfolio. Targets: seeded ≤ 150 ms, 1,000 projects ≤ 3 s.
//!
//! Run: `cargo bench -p keyworks-report --bench monthly`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate};
use criterion::{Criterion, criterion_group, criterion_main};
use keyworks_core::week::YearMonth;
use keyworks_core::{Db, Stamp};
use keyworks_report::{Lang, LayoutOptions, Orientation, layout_monthly, monthly, to_pdf};

#[path = "../../keyworks-core/benches/support/heap.rs"]
mod heap;

fn options() -> LayoutOptions {
    LayoutOptions {
        lang: Lang::Zh,
        orientation: Orientation::Portrait,
        generated_at: DateTime::parse_from_rfc3339("2021-06-14T09:00:00+08:00").unwrap(),
        source_file: "bench.sqlite".into(),
    }
}

/// Everything `keyworks report monthly` does after opening the file.
fn report(db: &Db) -> (usize, Vec<u8>) {
    let month = YearMonth::new(2021, 5).unwrap();
    let as_of = NaiveDate::from_ymd_opt(2021, 6, 11).unwrap();
    let model = monthly::build(db, month, as_of).unwrap();
    let doc = layout_monthly(&model, &options()).unwrap();
    let pdf = to_pdf(&doc, options().generated_at).unwrap();
    (doc.pages.len(), pdf)
}

fn describe(label: &str, db: &Db) {
    // The font's metrics are read once per process; do that outside the measurement.
    keyworks_report::font::Metrics::get().unwrap();
    let base = heap::start();
    let started = Instant::now();
    let (pages, pdf) = report(db);
    let took = started.elapsed();
    let peak = heap::peak_mib(base);
    println!(
        "{label}: {pages} pages, PDF {:.0} KiB, one run {:.0} ms, peak heap {:.1} MiB",
        pdf.len() as f64 / 1024.0,
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
    let as_of = NaiveDate::from_ymd_opt(2021, 6, 11).unwrap();
    let mut seeded = Db::open_in_memory().unwrap();
    seeded.load_seed(&stamp).unwrap();
    let mut synthetic = Db::open_in_memory().unwrap();
    keyworks_core::store::synthetic::generate(&mut synthetic, 1000, 20, as_of, &stamp).unwrap();

    describe("seeded May 2021 (15 projects)", &seeded);
    describe("synthetic May 2021 (1,000 projects x 20 tasks)", &synthetic);

    c.bench_function("monthly report seeded: build+layout+pdf", |b| {
        b.iter(|| report(&seeded))
    });
    let mut group = c.benchmark_group("monthly report synthetic 1000x20");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(30));
    group.bench_function("build+layout+pdf", |b| b.iter(|| report(&synthetic)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
