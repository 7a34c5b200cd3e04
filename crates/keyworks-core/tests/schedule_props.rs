//! Properties of the scheduling engine on random networks: every link holds in the early
//! dates, floats are never negative, critical tasks have no float, a holiday never makes
//! anything earlier and a removed link never makes anything later.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use keyworks_core::ids::TaskId;
use keyworks_core::model::{DayKind, LinkKind};
use keyworks_core::plan::calendar::Calendar;
use keyworks_core::plan::cpm::{LinkSpec, Schedule, TaskSpec, compute};
use proptest::prelude::*;

const KINDS: [LinkKind; 4] = [
    LinkKind::FinishToStart,
    LinkKind::StartToStart,
    LinkKind::FinishToFinish,
    LinkKind::StartToFinish,
];

#[derive(Debug, Clone)]
struct Network {
    tasks: Vec<TaskSpec>,
    links: Vec<LinkSpec>,
}

/// Up to 40 tasks (a tenth of them milestones), some grouped under summaries, and links from
/// earlier to later leaf tasks only, so the network is acyclic by construction.
fn network() -> impl Strategy<Value = Network> {
    (2usize..40)
        .prop_flat_map(|n| {
            let durations = prop::collection::vec(prop_oneof![1 => Just(0i64), 9 => 1i64..12], n);
            // A summary heads each group of `group` tasks when `group > 0`.
            let group = prop_oneof![Just(0usize), 3usize..8];
            let links = prop::collection::vec((0..n, 0..n, 0usize..4, -3i64..6), 0..(n * 2));
            (Just(n), durations, group, links)
        })
        .prop_map(|(n, durations, group, raw)| {
            let is_summary = |i: usize| group > 0 && i % group == 0 && i + 1 < n;
            let tasks: Vec<TaskSpec> = (0..n)
                .map(|i| TaskSpec {
                    id: TaskId(i as i64 + 1),
                    name: format!("T{i}"),
                    duration_days: durations[i],
                    is_milestone: durations[i] == 0,
                    parent: (group > 0 && !is_summary(i) && is_summary(i - i % group))
                        .then(|| TaskId((i - i % group) as i64 + 1)),
                    constraint: None,
                    actual_start: None,
                    actual_finish: None,
                })
                .collect();
            let mut links: Vec<LinkSpec> = Vec::new();
            for (a, b, k, lag) in raw {
                let (from, to) = (a.min(b), a.max(b));
                if from == to || is_summary(from) || is_summary(to) {
                    continue;
                }
                if links
                    .iter()
                    .any(|l| l.predecessor.0 == from as i64 + 1 && l.successor.0 == to as i64 + 1)
                {
                    continue;
                }
                links.push(LinkSpec {
                    predecessor: TaskId(from as i64 + 1),
                    successor: TaskId(to as i64 + 1),
                    kind: KINDS[k],
                    lag_days: lag,
                });
            }
            Network { tasks, links }
        })
}

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 9, 13).unwrap()
}

fn run(calendar: &Calendar, net: &Network) -> Schedule {
    compute(calendar, start(), &net.tasks, &net.links).unwrap()
}

/// Whether the early dates satisfy one link. A task of `d ≥ 1` days occupies the working-time
/// interval from the start of its first day to the end of its last, `[start, finish + 1)` in
/// working-day numbers. A milestone stands at the start of the day it is shown on or, placed by
/// a finish, at that day's end (MS Project's 08:00 or 17:00): for milestones the check allows
/// either, for tasks it is exact.
fn link_holds(calendar: &Calendar, s: &Schedule, net: &Network, l: &LinkSpec) -> bool {
    let day = |d: NaiveDate| calendar.working_days_between(start(), d);
    // (earliest, latest) instant of a task's start and of its finish.
    let instants = |id: TaskId| {
        let i = net.tasks.iter().position(|t| t.id == id).unwrap();
        let d = &s.tasks[i];
        if net.tasks[i].duration_days == 0 {
            let at = day(d.early_start);
            ((at, at + 1), (at, at + 1))
        } else {
            let (b, e) = (day(d.early_start), day(d.early_finish) + 1);
            ((b, b), (e, e))
        }
    };
    let (p_start, p_finish) = instants(l.predecessor);
    let (s_start, s_finish) = instants(l.successor);
    let (from, to) = match l.kind {
        LinkKind::FinishToStart => (p_finish, s_start),
        LinkKind::StartToStart => (p_start, s_start),
        LinkKind::FinishToFinish => (p_finish, s_finish),
        LinkKind::StartToFinish => (p_start, s_finish),
    };
    to.1 >= from.0 + l.lag_days
}

proptest! {
    // No regression files: the cases are cheap to find again, and the tree stays clean.
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_link_holds_and_floats_are_sound(net in network()) {
        let cal = Calendar::china().unwrap();
        let s = run(&cal, &net);
        for l in &net.links {
            prop_assert!(link_holds(&cal, &s, &net, l), "{l:?} in {s:#?}");
        }
        for (t, d) in net.tasks.iter().zip(&s.tasks) {
            prop_assert!(d.total_float >= 0, "{} {d:?}", t.name);
            prop_assert!(d.free_float >= 0 && d.free_float <= d.total_float, "{} {d:?}", t.name);
            if d.is_summary {
                // A summary is critical when one of its children is (MS Project's rule).
                let any_child = net
                    .tasks
                    .iter()
                    .zip(&s.tasks)
                    .any(|(c, cd)| c.parent == Some(t.id) && cd.critical);
                prop_assert_eq!(d.critical, any_child, "{} {:?}", t.name, d);
            } else {
                prop_assert_eq!(d.critical, d.total_float == 0, "{} {:?}", t.name, d);
            }
            prop_assert!(d.early_start <= d.early_finish);
            prop_assert!(d.late_start >= d.early_start && d.late_finish >= d.early_finish, "{} {d:?}", t.name);
            prop_assert!(d.early_start >= s.project_start && d.early_finish <= s.project_finish);
        }
        prop_assert!(!s.critical_path.is_empty());
        for id in &s.critical_path {
            let i = net.tasks.iter().position(|t| t.id == *id).unwrap();
            prop_assert_eq!(s.tasks[i].total_float, 0);
        }
    }

    #[test]
    fn a_holiday_never_moves_a_date_earlier(net in network(), off in 0u64..60) {
        let cal = Calendar::china().unwrap();
        let mut holiday = cal.clone();
        holiday.set_exception(start() + chrono::Days::new(off), DayKind::Holiday);
        let (before, after) = (run(&cal, &net), run(&holiday, &net));
        for (b, a) in before.tasks.iter().zip(&after.tasks) {
            prop_assert!(a.early_start >= b.early_start && a.early_finish >= b.early_finish, "{b:?} -> {a:?}");
        }
    }

    #[test]
    fn removing_a_link_never_moves_a_date_later(net in network(), pick in any::<prop::sample::Index>()) {
        prop_assume!(!net.links.is_empty());
        let cal = Calendar::china().unwrap();
        let mut fewer = net.clone();
        fewer.links.remove(pick.index(net.links.len()));
        let (before, after) = (run(&cal, &net), run(&cal, &fewer));
        for (b, a) in before.tasks.iter().zip(&after.tasks) {
            prop_assert!(a.early_start <= b.early_start && a.early_finish <= b.early_finish, "{b:?} -> {a:?}");
        }
    }
}
