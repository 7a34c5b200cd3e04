//! Site photos: attaching a 12-megapixel camera JPEG (read, turned upright, brought to 1,600 px
//! within 300 KB, thumbnail, hash, and the one-transaction write with its update), and the
//! weekly report of a portfolio where 15 projects each have a photo (build, layout, PDF).
//! Targets: attach ≤ 1 s; the 15-photo weekly PDF ≤ 2 MB. Sizes and peak heap are printed once.
//!
//! Run: `cargo bench -p keyworks-report --bench photos`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, NaiveDate};
use criterion::{Criterion, criterion_group, criterion_main};
use keyworks_core::model::Status;
use keyworks_core::portfolio::filing::Filing;
use keyworks_core::portfolio::photo_file::prepare_photo;
use keyworks_core::portfolio::updates::{IfReported, UpdateInput};
use keyworks_core::week::IsoWeek;
use keyworks_core::{Db, Stamp};
use keyworks_report::{Lang, LayoutOptions, Orientation, ReportRequest, build, layout, to_pdf};

#[path = "../../keyworks-core/benches/support/camera.rs"]
mod camera;
#[path = "../../keyworks-core/benches/support/heap.rs"]
mod heap;

fn stamp() -> Stamp {
    Stamp::new(
        "王工",
        DateTime::parse_from_rfc3339("2021-06-18T17:00:00+08:00").unwrap(),
    )
    .unwrap()
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 6, 18).unwrap()
}

fn filing(photo: &[u8], name: &str) -> Filing {
    Filing {
        input: UpdateInput {
            week: IsoWeek::containing(as_of()),
            percent_complete: 60.0,
            status: Status::Green,
            narrative: "主体结构施工，二批设备进场。".into(),
            issues: String::new(),
            next_steps: String::new(),
            if_reported: IfReported::ReplaceAny,
        },
        raise: None,
        photos: vec![prepare_photo(name, photo).unwrap()],
    }
}

fn seeded() -> Db {
    let mut db = Db::open_in_memory().unwrap();
    db.load_seed(&Stamp::new("种子", stamp().at()).unwrap())
        .unwrap();
    db
}

/// Everything `keyworks report weekly` does after opening the file.
fn weekly_pdf(db: &Db) -> (usize, Vec<u8>) {
    let offset = FixedOffset::east_opt(8 * 3600).unwrap();
    let model = build(db, &ReportRequest::for_date(as_of(), offset)).unwrap();
    let opts = LayoutOptions {
        lang: Lang::Zh,
        orientation: Orientation::Portrait,
        generated_at: DateTime::parse_from_rfc3339("2021-06-18T18:00:00+08:00").unwrap(),
        source_file: "bench.sqlite".into(),
    };
    let doc = layout(&model, &opts).unwrap();
    let pdf = to_pdf(&doc, opts.generated_at).unwrap();
    (doc.pages.len(), pdf)
}

fn bench(c: &mut Criterion) {
    // `cargo bench` passes --bench; the test suite's one-iteration smoke run does not, and
    // gets small pictures, since generating camera-sized ones unoptimised takes half a minute.
    let full = std::env::args().any(|a| a == "--bench");
    let (big, medium) = if full {
        ((4000, 3000), (3000, 2000))
    } else {
        ((1200, 900), (600, 400))
    };
    // A phone's 4000 × 3000 photo, held sideways, with its date.
    let twelve = camera::camera_jpeg(
        &camera::scene(big.0, big.1, 1),
        Some(camera::exif_block("2021:06:17 09:41:05", 6)),
    );
    let mut db = seeded();
    let base = heap::start();
    let started = Instant::now();
    let filed = db
        .file_update("KP21-01", &filing(&twelve, "IMG_0412.JPG"), &stamp())
        .unwrap();
    let p = &filed.photos[0];
    println!(
        "{}×{} camera JPEG ({:.1} MB) attached once in {:.0} ms: stored {}×{}, {:.0} KB; peak heap {:.1} MiB",
        big.0,
        big.1,
        twelve.len() as f64 / 1e6,
        started.elapsed().as_secs_f64() * 1000.0,
        p.width,
        p.height,
        f64::from(p.bytes) / 1024.0,
        heap::peak_mib(base)
    );

    let mut group = c.benchmark_group("photos");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(12));
    group.bench_function("attach a 12 MP photo with its weekly update", |b| {
        b.iter(|| {
            db.file_update("KP21-02", &filing(&twelve, "IMG_0413.JPG"), &stamp())
                .unwrap()
        })
    });

    // Fifteen projects, a different 3000 × 2000 photo each.
    let mut fifteen = seeded();
    let codes: Vec<String> = fifteen
        .projects()
        .unwrap()
        .into_iter()
        .map(|p| p.code)
        .collect();
    assert_eq!(codes.len(), 15);
    for (i, code) in codes.iter().enumerate() {
        let jpeg = camera::camera_jpeg(&camera::scene(medium.0, medium.1, 10 + i as u32), None);
        fifteen
            .file_update(code, &filing(&jpeg, &format!("IMG_{i}.JPG")), &stamp())
            .unwrap();
    }
    let base = heap::start();
    let started = Instant::now();
    let (pages, pdf) = weekly_pdf(&fifteen);
    println!(
        "weekly PDF with 15 photos once in {:.0} ms: {pages} pages, {:.2} MB (target ≤ 2 MB); peak heap {:.1} MiB",
        started.elapsed().as_secs_f64() * 1000.0,
        pdf.len() as f64 / (1024.0 * 1024.0),
        heap::peak_mib(base)
    );
    group.bench_function("weekly PDF with 15 photos", |b| {
        b.iter(|| weekly_pdf(&fifteen))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
