//! The core's part of a Gantt edit on a 10,000-task project: the edit itself (a task moved a
//! week, summaries rolled up, logged) and the project view it answers with (plan, schedule,
//! baseline variance), and each piece of that view alone.
//!
//! Run: `cargo bench -p keyworks-core --bench project_view`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Days, NaiveDate};
use criterion::{Criterion, criterion_group, criterion_main};
use keyworks_core::{Db, Stamp};

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("view.sqlite");
    let stamp = Stamp::new(
        "bench",
        DateTime::parse_from_rfc3339("2021-06-11T09:00:00+08:00").unwrap(),
    )
    .unwrap();
    let mut db = Db::create(&path).unwrap();
    let as_of = NaiveDate::from_ymd_opt(2021, 6, 11).unwrap();
    keyworks_core::store::synthetic::generate(&mut db, 1, 10_000, as_of, &stamp).unwrap();
    let code = db.projects().unwrap()[0].code.clone();
    let detail = db.project_detail(&code).unwrap();
    // A leaf task to move: no subtasks, not a milestone.
    let parents: std::collections::HashSet<_> =
        detail.tasks.iter().filter_map(|t| t.parent_id).collect();
    let task = detail
        .tasks
        .iter()
        .find(|t| !t.is_milestone && !parents.contains(&t.id))
        .unwrap()
        .clone();
    let mut group = c.benchmark_group("project view, 10,000 tasks");
    group.sample_size(20);
    group.bench_function("plan (project_detail)", |b| {
        b.iter(|| db.project_detail(&code).unwrap())
    });
    group.bench_function("schedule", |b| b.iter(|| db.schedule(&code).unwrap()));
    group.bench_function("the whole view", |b| {
        b.iter(|| db.project_view(&code, None).unwrap())
    });
    let mut later = true;
    group.bench_function("a move, then the view (one Gantt edit)", |b| {
        b.iter(|| {
            let shift = |d: NaiveDate| {
                if later {
                    d + Days::new(7)
                } else {
                    d - Days::new(7)
                }
            };
            let t = db.task(task.id).unwrap();
            db.move_task(
                task.id,
                shift(t.planned_start),
                shift(t.planned_finish),
                &stamp,
            )
            .unwrap();
            later = !later;
            db.project_view(&code, Some(task.id)).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
