//! The weekly report: model build, layout and PDF for the seeded portfolio at 2021-W23 and
//! for a synthetic portfolio of 200 projects × 50 tasks (about 200 project sections).
//! Time comes from criterion; peak heap and PDF size are printed once per portfolio.
//!
//! Run: `cargo bench -p keyworks-report --bench weekly`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, NaiveDate};
use criterion::{Criterion, criterion_group, criterion_main};
use keyworks_core::{Db, Stamp};
use keyworks_report::{Lang, LayoutOptions, Orientation, ReportRequest};

#[path = "../../keyworks-core/benches/support/heap.rs"]
mod heap;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 6, 11).unwrap()
}

fn offset() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap()
}

fn options() -> LayoutOptions {
    LayoutOptions {
        lang: Lang::Zh,
        orientation: Orientation::Portrait,
        generated_at: DateTime::parse_from_rfc3339("2021-06-14T09:00:00+08:00").unwrap(),
        source_file: "bench.sqlite".into(),
    }
}

/// Everything `keyworks report weekly` does after opening the file.
fn report(db: &Db) -> (usize, Vec<u8>) {
    let model = keyworks_report::build(db, &ReportRequest::for_date(as_of(), offset())).unwrap();
    let doc = keyworks_report::layout(&model, &options()).unwrap();
    let pdf = keyworks_report::to_pdf(&doc, options().generated_at).unwrap();
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
        "{label}: {pages} pages, PDF {:.0} KiB, one run {:.0} ms, peak heap during model+layout+PDF {:.1} MiB",
        pdf.len() as f64 / 1024.0,
        took.as_secs_f64() * 1000.0,
        peak
    );
}

fn bench(c: &mut Criterion) {
    let stamp = Stamp::new(
        "bench",
        DateTime::parse_from_rfc3339("2026-11-27T09:00:00+08:00").unwrap(),
    )
    .unwrap();
    let mut seeded = Db::open_in_memory().unwrap();
    seeded.load_seed(&stamp).unwrap();
    let mut synthetic = Db::open_in_memory().unwrap();
    keyworks_core::store::synthetic::generate(&mut synthetic, 200, 50, as_of(), &stamp).unwrap();

    describe("seeded 2021-W23 (15 projects)", &seeded);
    describe("synthetic 200 projects x 50 tasks", &synthetic);

    c.bench_function("weekly report seeded W23: model+layout+pdf", |b| {
        b.iter(|| report(&seeded))
    });
    let mut group = c.benchmark_group("weekly report synthetic 200x50");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("model", |b| {
        b.iter(|| keyworks_report::build(&synthetic, &ReportRequest::for_date(as_of(), offset())))
    });
    let model =
        keyworks_report::build(&synthetic, &ReportRequest::for_date(as_of(), offset())).unwrap();
    group.bench_function("layout+pdf", |b| {
        b.iter(|| keyworks_report::render_pdf(&model, &options()).unwrap())
    });
    group.bench_function("model+layout+pdf", |b| b.iter(|| report(&synthetic)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
