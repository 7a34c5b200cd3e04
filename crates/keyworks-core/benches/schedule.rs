//! The scheduling engine's speed: the critical path of 100,000 tasks and 150,000 links
//! (target ≤ 30 ms), of a 2,000-task project (≤ 16 ms, one frame of the desktop Gantt), and
//! 1,000,000 working-day additions across China's holiday-dense years (≤ 20 ms).
//!
//! Run: `cargo bench -p keyworks-core --bench schedule`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use keyworks_core::ids::TaskId;
use keyworks_core::model::LinkKind;
use keyworks_core::plan::calendar::Calendar;
use keyworks_core::plan::cpm::{LinkSpec, TaskSpec, compute};

/// A deterministic pseudo-random sequence (xorshift), so every run measures the same network.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// `tasks` tasks in summaries of 20, `link_count` links spread evenly over the leaf tasks,
/// each from an earlier leaf at most `reach` positions back (a plan's links are mostly local),
/// all four kinds, leads and lags.
fn network(
    tasks: usize,
    link_count: usize,
    reach: u64,
    seed: u64,
) -> (Vec<TaskSpec>, Vec<LinkSpec>) {
    let mut rng = Rng(seed);
    let mut specs = Vec::with_capacity(tasks);
    for i in 0..tasks {
        let summary = i % 21 == 0;
        let parent = (!summary).then(|| TaskId((i - i % 21) as i64 + 1));
        let duration = if !summary && rng.below(10) == 0 {
            0
        } else {
            1 + rng.below(15) as i64
        };
        specs.push(TaskSpec {
            id: TaskId(i as i64 + 1),
            name: format!("任务 {i}"),
            duration_days: duration,
            is_milestone: duration == 0,
            parent,
            constraint: None,
            actual_start: None,
            actual_finish: None,
        });
    }
    let leaves: Vec<usize> = (0..tasks).filter(|i| i % 21 != 0).collect();
    let mut links = Vec::with_capacity(link_count);
    let per = |k: usize| k * link_count / (leaves.len() - 1);
    for (k, &to) in leaves.iter().enumerate().skip(1) {
        for _ in per(k - 1)..per(k) {
            let back = 1 + rng.below(reach.min(k as u64)) as usize;
            let from = leaves[k - back];
            let kind = match rng.below(10) {
                0 => LinkKind::StartToStart,
                1 => LinkKind::FinishToFinish,
                2 => LinkKind::StartToFinish,
                _ => LinkKind::FinishToStart,
            };
            links.push(LinkSpec {
                predecessor: TaskId(from as i64 + 1),
                successor: TaskId(to as i64 + 1),
                kind,
                lag_days: rng.below(7) as i64 - 2,
            });
        }
    }
    (specs, links)
}

fn bench(c: &mut Criterion) {
    let china = Calendar::china().unwrap();
    let start = NaiveDate::from_ymd_opt(2021, 1, 4).unwrap();

    let (tasks, links) = network(100_000, 150_000, 60, 0x5eed);
    assert_eq!(links.len(), 150_000);
    let s = compute(&china, start, &tasks, &links).unwrap();
    println!(
        "100,000 tasks, {} links: {} .. {}, {} critical",
        links.len(),
        s.project_start,
        s.project_finish,
        s.critical_path.len()
    );
    c.bench_function("critical path, 100,000 tasks + 150,000 links", |b| {
        b.iter(|| compute(&china, start, black_box(&tasks), black_box(&links)).unwrap())
    });

    let (tasks, links) = network(2_000, 3_000, 30, 0x2000);
    c.bench_function("critical path, 2,000 tasks (one Gantt frame)", |b| {
        b.iter(|| compute(&china, start, black_box(&tasks), black_box(&links)).unwrap())
    });

    // Dates and steps across 2015–2026, where every year has a dozen holidays and make-up days.
    let mut rng = Rng(0xca1);
    let first = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap();
    let queries: Vec<(NaiveDate, i64)> = (0..1_000_000)
        .map(|_| {
            let date = first + chrono::Days::new(rng.below(4_300));
            (date, rng.below(121) as i64 - 60)
        })
        .collect();
    c.bench_function("1,000,000 working-day additions, China 2015–2026", |b| {
        b.iter(|| {
            let mut last = first;
            for (date, n) in black_box(&queries) {
                last = last.max(china.add_working_days(*date, *n).unwrap());
            }
            last
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
