//! The History view's queries (`Db::history`) on a large file: a synthetic 1,000 × 50 portfolio
//! (one creating edit of about 300,000 change-log rows) followed by 2,000 small edits by four
//! people across the projects. Measured: the first page (100 edits), the same page filtered by
//! one project (each edit's project found from its rows, the big creating edit included), by
//! one person, and an older page.
//!
//! Run: `cargo bench -p keyworks-core --bench history`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, FixedOffset, NaiveDate};
use criterion::{Criterion, criterion_group, criterion_main};
use keyworks_core::audit::history::{HistoryQuery, Lang};
use keyworks_core::{Access, Db, Stamp};

fn stamp(author: &str) -> Stamp {
    Stamp::new(
        author,
        DateTime::parse_from_rfc3339("2021-06-11T09:00:00+08:00").unwrap(),
    )
    .unwrap()
}

fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite");
    {
        let mut db = Db::create(&path).unwrap();
        let as_of = NaiveDate::from_ymd_opt(2021, 6, 11).unwrap();
        keyworks_core::store::synthetic::generate(&mut db, 1000, 50, as_of, &stamp("bench"))
            .unwrap();
        let people = ["王工", "韩工", "李工", "赵工"];
        let projects = db.projects().unwrap();
        for i in 0..2000usize {
            let p = &projects[(i * 37) % projects.len()];
            let task = db.tasks_of(p.id).unwrap()[i % 40].clone();
            db.rename_task(
                task.id,
                &format!("{}（{i}）", task.name),
                &stamp(people[i % 4]),
            )
            .unwrap();
        }
    }
    let db = Db::open(&path, Access::ReadOnly).unwrap();
    let rows: i64 = db.change_log(1).unwrap()[0].id;
    let size = std::fs::metadata(&path).unwrap().len();
    println!(
        "history bench file: {rows} change-log rows, {:.1} MiB",
        size as f64 / 1_048_576.0
    );
    let page = |q: &HistoryQuery| db.history(q, Lang::Zh, beijing()).unwrap();
    let first = HistoryQuery {
        limit: 100,
        ..HistoryQuery::default()
    };
    let older_than = page(&first).edits.last().unwrap().group;
    let mut group = c.benchmark_group("history");
    group.sample_size(20);
    group.bench_function("first page, 100 edits", |b| b.iter(|| page(&first)));
    group.bench_function("older page, 100 edits", |b| {
        let q = HistoryQuery {
            before: Some(older_than),
            ..first.clone()
        };
        b.iter(|| page(&q))
    });
    group.bench_function("one person's, 100 edits", |b| {
        let q = HistoryQuery {
            author: Some("李工".into()),
            ..first.clone()
        };
        b.iter(|| page(&q))
    });
    group.bench_function("one project's, all of them (scans the whole log)", |b| {
        let q = HistoryQuery {
            project: Some(db.projects().unwrap()[500].code.clone()),
            ..first.clone()
        };
        b.iter(|| page(&q))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
