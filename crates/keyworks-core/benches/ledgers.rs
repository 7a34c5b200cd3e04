//! The approval clocks and the problem ledger of 1,000 projects (3 approval items and 2 problems
//! each, 5,000 rows), counted in working days on the projects' calendar: what `approval list`,
//! `problem list`, the dashboard and the reports ask. Target: ≤ 50 ms each. Peak heap is
//! printed once, from the shared counter of the report benches.
//!
//! Run: `cargo bench -p keyworks-core --bench ledgers`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use chrono::{DateTime, Days, NaiveDate};
use criterion::{Criterion, criterion_group, criterion_main};
use keyworks_core::model::ProblemLevel;
use keyworks_core::supervision::problems::NewProblem;
use keyworks_core::{Db, Stamp};

#[path = "support/heap.rs"]
mod heap;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 6, 11).unwrap()
}

fn portfolio() -> Db {
    let stamp = Stamp::new(
        "bench",
        DateTime::parse_from_rfc3339("2021-06-11T09:00:00+08:00").unwrap(),
    )
    .unwrap();
    let mut db = Db::open_in_memory().unwrap();
    keyworks_core::store::synthetic::generate(&mut db, 1000, 5, as_of(), &stamp).unwrap();
    let codes: Vec<String> = db.projects().unwrap().into_iter().map(|p| p.code).collect();
    let start = NaiveDate::from_ymd_opt(2021, 1, 4).unwrap();
    for (i, code) in codes.iter().enumerate() {
        let first = start + Days::new((i % 120) as u64);
        for (k, item) in ["立项备案", "工程规划许可", "施工许可"].iter().enumerate() {
            let id = db
                .add_approval(code, item, first + Days::new(10 * k as u64), None, &stamp)
                .unwrap();
            if (i + k) % 2 == 0 {
                db.approve(id.id, first + Days::new(10 * k as u64 + 5), &stamp)
                    .unwrap();
            }
        }
        for k in 0..2u64 {
            let problem = NewProblem {
                problem: format!("问题{}", k + 1),
                raised: first + Days::new(k * 7),
                unit: "责任单位".into(),
                coordinator: None,
                due: Some(first + Days::new(k * 7 + 20)),
                level: ProblemLevel::Project,
            };
            db.add_problem(code, &problem, &stamp).unwrap();
        }
    }
    db
}

fn bench(c: &mut Criterion) {
    let db = portfolio();
    let base = heap::start();
    let started = Instant::now();
    let approvals = db.approvals(None, as_of()).unwrap();
    let ledger = db.problem_ledger(as_of(), false, None).unwrap();
    println!(
        "1,000 projects: {} with approvals, {} problems; both lists once {:.1} ms, peak heap {:.1} MiB",
        approvals.len(),
        ledger.len(),
        started.elapsed().as_secs_f64() * 1000.0,
        heap::peak_mib(base)
    );
    c.bench_function("approvals of 1,000 projects", |b| {
        b.iter(|| db.approvals(None, as_of()).unwrap())
    });
    c.bench_function("problem ledger of 1,000 projects", |b| {
        b.iter(|| db.problem_ledger(as_of(), false, None).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
