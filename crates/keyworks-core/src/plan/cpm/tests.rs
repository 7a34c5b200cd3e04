use super::*;
use crate::model::DayKind;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn task(id: i64, days: i64) -> TaskSpec {
    TaskSpec {
        id: TaskId(id),
        name: format!("任务{id}"),
        duration_days: days,
        is_milestone: days == 0,
        parent: None,
        constraint: None,
        actual_start: None,
        actual_finish: None,
    }
}

fn link(from: i64, to: i64, kind: LinkKind, lag: i64) -> LinkSpec {
    LinkSpec {
        predecessor: TaskId(from),
        successor: TaskId(to),
        kind,
        lag_days: lag,
    }
}

use LinkKind::{
    FinishToFinish as FF, FinishToStart as FS, StartToFinish as SF, StartToStart as SS,
};

/// Monday 2021-06-07; the standard week, no holidays.
fn run(tasks: &[TaskSpec], links: &[LinkSpec]) -> Schedule {
    compute(&Calendar::standard(), d(2021, 6, 7), tasks, links).unwrap()
}

fn dates(s: &Schedule, i: usize) -> (NaiveDate, NaiveDate) {
    (s.tasks[i].early_start, s.tasks[i].early_finish)
}

#[test]
fn a_one_day_task_finishes_on_its_start_day_and_fs_moves_to_the_next_working_day() {
    let s = run(
        &[task(1, 1), task(2, 5), task(3, 0)],
        &[link(1, 2, FS, 0), link(2, 3, FS, 0)],
    );
    assert_eq!(dates(&s, 0), (d(2021, 6, 7), d(2021, 6, 7)));
    // Tuesday to Monday: five working days over the weekend.
    assert_eq!(dates(&s, 1), (d(2021, 6, 8), d(2021, 6, 14)));
    // The milestone sits on its predecessor's finish day, not the next morning.
    assert_eq!(dates(&s, 2), (d(2021, 6, 14), d(2021, 6, 14)));
    assert_eq!(s.project_finish, d(2021, 6, 14));
    assert_eq!(s.critical_path, vec![TaskId(1), TaskId(2), TaskId(3)]);
}

#[test]
fn all_four_link_kinds_with_lags_and_leads() {
    let tasks = [
        task(1, 3),
        task(2, 2),
        task(3, 2),
        task(4, 2),
        task(5, 2),
        task(6, 1),
    ];
    let s = run(
        &tasks,
        &[
            link(1, 2, SS, 1),  // starts a day after 1 starts
            link(1, 3, FF, 2),  // finishes two days after 1 finishes
            link(1, 4, SF, 4),  // finishes by 1's start + 4 days
            link(1, 5, FS, -1), // a day's lead: starts on 1's last day
            link(1, 6, FS, 2),  // two days' wait after 1
        ],
    );
    assert_eq!(dates(&s, 0), (d(2021, 6, 7), d(2021, 6, 9)));
    assert_eq!(dates(&s, 1), (d(2021, 6, 8), d(2021, 6, 9)));
    assert_eq!(dates(&s, 2), (d(2021, 6, 10), d(2021, 6, 11)));
    assert_eq!(dates(&s, 3), (d(2021, 6, 9), d(2021, 6, 10)));
    assert_eq!(dates(&s, 4), (d(2021, 6, 9), d(2021, 6, 10)));
    assert_eq!(dates(&s, 5), (d(2021, 6, 14), d(2021, 6, 14)));
}

#[test]
fn milestones_sit_where_ms_project_puts_them() {
    // 1: two days Mon–Tue. 2: SS +0 from 1 (Monday morning). 3: SS +2 from 1 (the end of
    // Tuesday, not Wednesday morning). 4: FF +0 from 1 (Tuesday). 5: a task after milestone 4.
    let s = run(
        &[task(1, 2), task(2, 0), task(3, 0), task(4, 0), task(5, 1)],
        &[
            link(1, 2, SS, 0),
            link(1, 3, SS, 2),
            link(1, 4, FF, 0),
            link(4, 5, FS, 0),
        ],
    );
    assert_eq!(dates(&s, 1), (d(2021, 6, 7), d(2021, 6, 7)));
    assert_eq!(dates(&s, 2), (d(2021, 6, 8), d(2021, 6, 8)));
    assert_eq!(dates(&s, 3), (d(2021, 6, 8), d(2021, 6, 8)));
    assert_eq!(dates(&s, 4), (d(2021, 6, 9), d(2021, 6, 9)));
}

#[test]
fn make_up_saturdays_are_worked_and_holidays_skipped() {
    let china = Calendar::china().unwrap();
    // Five days from Monday 2021-09-27: 27–30 and, after National Day, Friday 10-08.
    let s = compute(
        &china,
        d(2021, 9, 27),
        &[task(1, 5), task(2, 1)],
        &[link(1, 2, FS, 0)],
    )
    .unwrap();
    assert_eq!(dates(&s, 0), (d(2021, 9, 27), d(2021, 10, 8)));
    // The next working day is the make-up Saturday 10-09.
    assert_eq!(dates(&s, 1), (d(2021, 10, 9), d(2021, 10, 9)));
}

#[test]
fn floats_and_the_critical_path() {
    // 1 (5d) and 2 (2d) in parallel, both before 3.
    let s = run(
        &[task(1, 5), task(2, 2), task(3, 1)],
        &[link(1, 3, FS, 0), link(2, 3, FS, 0)],
    );
    assert_eq!((s.tasks[1].total_float, s.tasks[1].free_float), (3, 3));
    assert_eq!(s.tasks[1].late_start, d(2021, 6, 10));
    assert_eq!(s.tasks[1].late_finish, d(2021, 6, 11));
    assert!(!s.tasks[1].critical);
    assert_eq!(s.critical_path, vec![TaskId(1), TaskId(3)]);
    // Free float is the slack before the next task moves; total float before the end moves.
    let s = run(&[task(1, 1), task(2, 1), task(3, 5)], &[link(1, 2, FS, 0)]);
    assert_eq!((s.tasks[0].total_float, s.tasks[0].free_float), (3, 0));
    assert_eq!((s.tasks[1].total_float, s.tasks[1].free_float), (3, 3));
}

#[test]
fn summaries_roll_up_and_links_to_them_reach_their_children() {
    let mut child_a = task(2, 2);
    child_a.parent = Some(TaskId(1));
    let mut child_b = task(3, 3);
    child_b.parent = Some(TaskId(1));
    let tasks = [task(1, 99), child_a, child_b, task(4, 2), task(5, 1)];
    let s = run(
        &tasks,
        &[
            link(4, 1, FS, 0), // into the summary: both children wait for 4
            link(2, 3, SS, 1),
            link(1, 5, FS, 0), // out of the summary: after its last child
        ],
    );
    assert_eq!(dates(&s, 3), (d(2021, 6, 7), d(2021, 6, 8)));
    assert_eq!(dates(&s, 1), (d(2021, 6, 9), d(2021, 6, 10)));
    assert_eq!(dates(&s, 2), (d(2021, 6, 10), d(2021, 6, 14)));
    assert!(s.tasks[0].is_summary);
    assert_eq!(dates(&s, 0), (d(2021, 6, 9), d(2021, 6, 14)));
    assert_eq!(dates(&s, 4), (d(2021, 6, 15), d(2021, 6, 15)));
    assert!(s.tasks[0].critical);
    assert!(
        !s.critical_path.contains(&TaskId(1)),
        "summaries are not path steps"
    );
}

#[test]
fn a_loop_is_refused_with_the_names_of_its_tasks() {
    let mut tasks = vec![task(1, 1), task(2, 1), task(3, 1), task(4, 1)];
    tasks[0].name = "桩基".into();
    tasks[1].name = "主体".into();
    tasks[2].name = "装修".into();
    let e = compute(
        &Calendar::standard(),
        d(2021, 6, 7),
        &tasks,
        &[
            link(4, 1, FS, 0),
            link(1, 2, FS, 0),
            link(2, 3, FS, 0),
            link(3, 1, SS, 0),
        ],
    )
    .unwrap_err();
    assert_eq!(e.code(), crate::ErrorCode::InvalidInput);
    let text = e.to_string();
    assert!(text.contains("桩基 → 主体 → 装修 → 桩基"), "{text}");
    assert!(!text.contains("任务4"), "{text}");
    // A task linked to itself, and a summary linked to its own child.
    let e = compute(
        &Calendar::standard(),
        d(2021, 6, 7),
        &tasks,
        &[link(2, 2, FS, 0)],
    )
    .unwrap_err();
    assert!(e.to_string().contains("主体 → 主体"), "{e}");
    tasks[1].parent = Some(TaskId(1));
    let e = compute(
        &Calendar::standard(),
        d(2021, 6, 7),
        &tasks,
        &[link(1, 2, FS, 0)],
    )
    .unwrap_err();
    assert!(matches!(e, Error::DependencyCycle { .. }), "{e}");
}

#[test]
fn a_long_loop_is_found_without_recursion_and_abbreviated() {
    let n = 100_000;
    let tasks: Vec<TaskSpec> = (1..=n).map(|i| task(i, 1)).collect();
    let mut links: Vec<LinkSpec> = (1..n).map(|i| link(i, i + 1, FS, 0)).collect();
    // A chain of 100,000 schedules (deep enough to overflow any recursive pass)...
    let s = run(&tasks, &links);
    assert_eq!(s.critical_path.len(), n as usize);
    // ...and closed into a loop is named, shortened.
    links.push(link(n, 1, FS, 0));
    let e = run_err(&tasks, &links);
    assert!(e.contains("共 100000 个任务"), "{e}");
    assert!(e.len() < 600, "{e}");
}

fn run_err(tasks: &[TaskSpec], links: &[LinkSpec]) -> String {
    compute(&Calendar::standard(), d(2021, 6, 7), tasks, links)
        .unwrap_err()
        .to_string()
}

#[test]
fn actual_dates_are_kept_and_push_successors() {
    let mut done = task(1, 3);
    done.actual_start = Some(d(2021, 6, 5)); // a Saturday, worked anyway
    done.actual_finish = Some(d(2021, 6, 10));
    let mut started = task(2, 4);
    started.actual_start = Some(d(2021, 6, 11));
    let s = run(
        &[done, started, task(3, 1)],
        &[link(1, 3, FS, 0), link(2, 3, FS, 0)],
    );
    assert_eq!(dates(&s, 0), (d(2021, 6, 5), d(2021, 6, 10)));
    assert!(s.tasks[0].done && !s.tasks[0].critical);
    assert_eq!(dates(&s, 1), (d(2021, 6, 11), d(2021, 6, 16)));
    assert_eq!(dates(&s, 2), (d(2021, 6, 17), d(2021, 6, 17)));
    assert_eq!(s.critical_path, vec![TaskId(2), TaskId(3)]);
}

#[test]
fn constraints_hold_back_and_pin() {
    let mut later = task(1, 2);
    later.constraint = Some(Constraint::StartNoEarlierThan(d(2021, 6, 12))); // Saturday
    let mut pinned = task(2, 3);
    pinned.constraint = Some(Constraint::MustFinishOn(d(2021, 6, 9)));
    let s = run(&[later, pinned, task(3, 1)], &[link(1, 2, FS, 0)]);
    assert_eq!(dates(&s, 0), (d(2021, 6, 14), d(2021, 6, 15)));
    // Must-finish-on wins over the link, and the conflict shows as negative float.
    assert_eq!(dates(&s, 1), (d(2021, 6, 7), d(2021, 6, 9)));
    assert!(s.tasks[0].total_float < 0, "{:?}", s.tasks[0]);
    assert!(s.tasks[0].critical);
}

#[test]
fn bad_input_is_refused() {
    let e = run_err(&[task(1, 1)], &[link(1, 9, FS, 0)]);
    assert!(e.contains('9'), "{e}");
    let e = run_err(&[task(1, 1), task(1, 2)], &[]);
    assert!(e.contains("唯一"), "{e}");
    let e = run_err(&[task(1, -1)], &[]);
    assert!(e.contains("工期"), "{e}");
    let e = run_err(&[task(1, 1), task(2, 1)], &[link(1, 2, FS, MAX_DAYS + 1)]);
    assert!(e.contains("延隔"), "{e}");
    let none = Calendar::with_week_pattern("0000000").unwrap();
    assert!(compute(&none, d(2021, 6, 7), &[task(1, 1)], &[]).is_err());
    let s = run(&[], &[]);
    assert!(s.tasks.is_empty() && s.critical_path.is_empty());
}

#[test]
fn a_holiday_on_the_critical_path_moves_the_finish() {
    let mut cal = Calendar::standard();
    let s0 = compute(&cal, d(2021, 6, 7), &[task(1, 5)], &[]).unwrap();
    cal.set_exception(d(2021, 6, 9), DayKind::Holiday);
    let s1 = compute(&cal, d(2021, 6, 7), &[task(1, 5)], &[]).unwrap();
    assert_eq!(s0.project_finish, d(2021, 6, 11));
    assert_eq!(s1.project_finish, d(2021, 6, 14));
}
