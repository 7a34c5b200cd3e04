//! WBS editing as the desktop Gantt does it, on the seeded 三星二期二阶段 (KP21-01): every edit
//! keeps the WBS in display order, summaries spanning their children, and the change log whole;
//! a refused edit changes nothing. Also bulk milestone completion and the Gantt's shaded days.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, NaiveDate};
use keyworks_core::ids::TaskId;
use keyworks_core::model::{LinkKind, Task};
use keyworks_core::plan::wbs_edit::TaskDraft;
use keyworks_core::store::seed_info::seed_as_of;
use keyworks_core::{Db, ErrorCode, Stamp};

const SAMSUNG: &str = "KP21-01";

fn stamp() -> Stamp {
    Stamp::new(
        "测试员",
        DateTime::parse_from_rfc3339("2021-06-11T10:00:00+08:00").unwrap(),
    )
    .unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn seeded() -> Db {
    let mut db = Db::open_in_memory().unwrap();
    db.load_seed(&stamp()).unwrap();
    db
}

fn tasks(db: &Db) -> Vec<Task> {
    db.project_detail(SAMSUNG).unwrap().tasks
}

fn named(db: &Db, name: &str) -> Task {
    tasks(db).into_iter().find(|t| t.name == name).unwrap()
}

fn log_len(db: &Db) -> usize {
    db.change_log(1_000_000).unwrap().len()
}

/// Positions run 1..n in display order, every task's parent comes before it, and everything
/// between a parent and its child is inside the parent's subtree (pre-order).
fn assert_wbs_in_order(db: &Db) {
    let tasks = tasks(db);
    let mut open: Vec<TaskId> = Vec::new();
    for (i, t) in tasks.iter().enumerate() {
        assert_eq!(t.position, i as i64 + 1, "{} at {i}", t.name);
        while open.last().copied() != t.parent_id {
            assert!(open.pop().is_some(), "{} is not under its parent", t.name);
        }
        open.push(t.id);
    }
}

/// Every summary task spans exactly its children.
fn assert_summaries_span_children(db: &Db) {
    let tasks = tasks(db);
    for s in &tasks {
        let children: Vec<&Task> = tasks.iter().filter(|t| t.parent_id == Some(s.id)).collect();
        if children.is_empty() {
            continue;
        }
        let first = children.iter().map(|t| t.planned_start).min().unwrap();
        let last = children.iter().map(|t| t.planned_finish).max().unwrap();
        assert_eq!(
            (s.planned_start, s.planned_finish),
            (first, last),
            "{}",
            s.name
        );
    }
}

fn milestone(parent: Option<TaskId>, name: &str, due: NaiveDate) -> TaskDraft {
    TaskDraft {
        parent_id: parent,
        name: name.into(),
        is_milestone: true,
        planned_start: due,
        planned_finish: due,
        acceptance: "建设单位签字确认".into(),
        after: None,
    }
}

#[test]
fn a_new_top_level_milestone_goes_last_and_is_logged() {
    let mut db = seeded();
    let n = tasks(&db).len();
    let before = log_len(&db);
    let m = db
        .add_task(
            SAMSUNG,
            &milestone(None, "试生产许可", d(2021, 8, 20)),
            &stamp(),
        )
        .unwrap();
    assert!(m.is_milestone);
    assert_eq!(m.position, n as i64 + 1);
    assert_eq!(
        (m.planned_start, m.planned_finish, m.duration_days),
        (d(2021, 8, 20), d(2021, 8, 20), 0)
    );
    assert_eq!(m.acceptance, "建设单位签字确认");
    // Only the insert: nothing had to move.
    assert_eq!(log_len(&db), before + 1);
    let changes = db.changes_of("tasks", m.id.0).unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].op, "insert");
    assert_eq!(changes[0].author, "测试员");
    assert_wbs_in_order(&db);
}

#[test]
fn a_task_added_under_a_summary_follows_its_last_subtask_and_widens_it() {
    let mut db = seeded();
    let summary = named(&db, "洁净室及机电安装");
    let next = named(&db, "生产设备搬入及调试");
    let draft = TaskDraft {
        parent_id: Some(summary.id),
        name: "洁净室整改".into(),
        is_milestone: false,
        // Dragon Boat Festival (Monday 2021-06-14) is not a working day.
        planned_start: d(2021, 6, 7),
        planned_finish: d(2021, 6, 18),
        acceptance: String::new(),
        after: None,
    };
    let t = db.add_task(SAMSUNG, &draft, &stamp()).unwrap();
    assert_eq!(t.duration_days, 9);
    assert_eq!(t.position, next.position);
    assert_eq!(named(&db, "生产设备搬入及调试").position, next.position + 1);
    assert_eq!(
        named(&db, "洁净室及机电安装").planned_finish,
        d(2021, 6, 18)
    );
    assert_wbs_in_order(&db);
    assert_summaries_span_children(&db);
}

#[test]
fn a_task_added_after_a_selected_one_lands_beside_it_as_a_sibling() {
    let mut db = seeded();
    let selected = named(&db, "洁净室围护及高架地板施工");
    let next = named(&db, "工艺冷却水及特气管道安装");
    let draft = TaskDraft {
        parent_id: selected.parent_id,
        after: Some(selected.id),
        name: "洁净室围护验收整改".into(),
        is_milestone: false,
        planned_start: d(2021, 6, 15),
        planned_finish: d(2021, 6, 25),
        acceptance: String::new(),
    };
    let added = db.add_task(SAMSUNG, &draft, &stamp()).unwrap();
    assert_eq!(added.parent_id, selected.parent_id);
    assert_eq!(added.position, selected.position + 1);
    assert_eq!(
        named(&db, "工艺冷却水及特气管道安装").position,
        next.position + 1
    );
    // The selected task stays what it was: a task with its own dates and progress.
    let after = named(&db, "洁净室围护及高架地板施工");
    assert_eq!(
        (
            after.parent_id,
            after.planned_start,
            after.planned_finish,
            after.percent_complete
        ),
        (
            selected.parent_id,
            selected.planned_start,
            selected.planned_finish,
            selected.percent_complete
        )
    );
    assert!(tasks(&db).iter().all(|t| t.parent_id != Some(selected.id)));
    assert_wbs_in_order(&db);
    assert_summaries_span_children(&db);

    // `after` must be under the same parent.
    let before = log_len(&db);
    let other_parent = TaskDraft {
        parent_id: None,
        after: Some(selected.id),
        name: "放错位置".into(),
        ..draft
    };
    let e = db.add_task(SAMSUNG, &other_parent, &stamp()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput, "{e}");
    assert_eq!(log_len(&db), before);
}

#[test]
fn an_indent_that_would_make_a_dependency_loop_is_refused_before_saving() {
    let mut db = seeded();
    // 洁净室围护… → 工艺冷却水…: indenting the successor under its own predecessor makes the
    // predecessor a summary that must wait for its own subtask.
    let successor = named(&db, "工艺冷却水及特气管道安装");
    let before = log_len(&db);
    let detail_before = db.project_detail(SAMSUNG).unwrap();
    let e = db.indent_task(successor.id, &stamp()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    let text = e.to_string();
    assert!(
        text.contains("循环") && text.contains("洁净室围护及高架地板施工"),
        "{text}"
    );
    assert!(text.contains("未做任何改动"), "{text}");
    assert_eq!(log_len(&db), before);
    assert_eq!(db.project_detail(SAMSUNG).unwrap(), detail_before);
    // The plan still schedules.
    db.schedule(SAMSUNG).unwrap();
}

#[test]
fn a_link_into_a_summary_that_loops_through_its_subtasks_is_refused() {
    let mut db = seeded();
    // FAB厂房屋面… (under 厂房收尾工程) → 洁净室围护… exists; 洁净室围护… → 厂房收尾工程 would
    // make every subtask of 厂房收尾工程 wait for 洁净室围护…, which waits for one of them.
    let from = named(&db, "洁净室围护及高架地板施工");
    let summary = named(&db, "厂房收尾工程");
    let before = log_len(&db);
    let e = db
        .add_dependency(from.id, summary.id, LinkKind::FinishToStart, 0, &stamp())
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    assert!(e.to_string().contains("循环"), "{e}");
    assert_eq!(log_len(&db), before);
    db.schedule(SAMSUNG).unwrap();
}

#[test]
fn refused_additions_change_nothing() {
    let mut db = seeded();
    let before = (tasks(&db), log_len(&db));
    let under_milestone = named(&db, "洁净室验收");
    let cases = [
        (
            SAMSUNG,
            milestone(Some(under_milestone.id), "x", d(2021, 7, 1)),
            ErrorCode::InvalidInput,
        ),
        (
            SAMSUNG,
            milestone(None, "  ", d(2021, 7, 1)),
            ErrorCode::InvalidInput,
        ),
        (
            "KP21-99",
            milestone(None, "x", d(2021, 7, 1)),
            ErrorCode::NotFound,
        ),
        (
            SAMSUNG,
            TaskDraft {
                is_milestone: false,
                planned_start: d(2021, 7, 2),
                planned_finish: d(2021, 7, 1),
                ..milestone(None, "倒置的任务", d(2021, 7, 1))
            },
            ErrorCode::InvalidInput,
        ),
        (
            SAMSUNG,
            TaskDraft {
                is_milestone: false,
                // Saturday and Sunday only.
                planned_start: d(2021, 6, 12),
                planned_finish: d(2021, 6, 13),
                ..milestone(None, "周末任务", d(2021, 6, 13))
            },
            ErrorCode::InvalidInput,
        ),
    ];
    for (code, draft, expected) in cases {
        let e = db.add_task(code, &draft, &stamp()).unwrap_err();
        assert_eq!(e.code(), expected, "{draft:?}: {e}");
    }
    // A task of another project is not a parent here.
    let other = db.project_detail("KP21-02").unwrap().tasks[0].id;
    let e = db
        .add_task(
            SAMSUNG,
            &milestone(Some(other), "x", d(2021, 7, 1)),
            &stamp(),
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    assert_eq!((tasks(&db), log_len(&db)), before);
}

#[test]
fn renaming_logs_only_the_name() {
    let mut db = seeded();
    let t = named(&db, "竣工验收备案");
    db.rename_task(t.id, " 竣工验收及备案 ", &stamp()).unwrap();
    let changes = db.changes_of("tasks", t.id.0).unwrap();
    let last = changes.last().unwrap();
    assert_eq!(last.op, "update");
    assert_eq!(
        last.changes,
        serde_json::json!({"name": ["竣工验收备案", "竣工验收及备案"]})
    );
    assert_eq!(
        db.rename_task(t.id, "", &stamp()).unwrap_err().code(),
        ErrorCode::InvalidInput
    );
}

#[test]
fn moving_a_bar_counts_working_days_and_moves_its_summary() {
    let mut db = seeded();
    let t = named(&db, "工艺设备分批搬入安装");
    let moved = db
        .move_task(t.id, d(2021, 6, 7), d(2021, 11, 30), &stamp())
        .unwrap();
    assert_eq!(
        (moved.planned_start, moved.planned_finish),
        (d(2021, 6, 7), d(2021, 11, 30))
    );
    let cal = keyworks_core::plan::calendar::Calendar::china().unwrap();
    assert_eq!(
        moved.duration_days,
        cal.working_days_inclusive(d(2021, 6, 7), d(2021, 11, 30))
    );
    assert_eq!(
        named(&db, "生产设备搬入及调试").planned_finish,
        d(2021, 11, 30)
    );
    assert_summaries_span_children(&db);

    // A milestone moves to its new due date; a summary refuses to move by itself.
    let m = named(&db, "竣工验收备案");
    let m = db
        .move_task(m.id, d(2021, 8, 1), d(2021, 8, 3), &stamp())
        .unwrap();
    assert_eq!(
        (m.planned_start, m.planned_finish, m.duration_days),
        (d(2021, 8, 3), d(2021, 8, 3), 0)
    );
    let summary = named(&db, "生产设备搬入及调试");
    let e = db
        .move_task(summary.id, d(2021, 7, 1), d(2021, 7, 2), &stamp())
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
}

#[test]
fn indent_then_outdent_round_trips() {
    let mut db = seeded();
    let original = tasks(&db);
    let t = named(&db, "消防、环保等专项验收");
    let summary = named(&db, "生产设备搬入及调试");
    let indented = db.indent_task(t.id, &stamp()).unwrap();
    assert_eq!(indented.parent_id, Some(summary.id));
    assert_wbs_in_order(&db);
    assert_summaries_span_children(&db);

    let outdented = db.outdent_task(t.id, &stamp()).unwrap();
    assert_eq!(outdented.parent_id, None);
    assert_wbs_in_order(&db);
    let order: Vec<TaskId> = tasks(&db).iter().map(|t| t.id).collect();
    let original_order: Vec<TaskId> = original.iter().map(|t| t.id).collect();
    assert_eq!(order, original_order);
}

#[test]
fn outdenting_moves_the_subtree_after_the_former_parents_other_subtasks() {
    let mut db = seeded();
    let first_child = named(&db, "洁净室围护及高架地板施工");
    let out = db.outdent_task(first_child.id, &stamp()).unwrap();
    assert_eq!(out.parent_id, None);
    assert_eq!(out.position, named(&db, "洁净室验收").position + 1);
    assert_wbs_in_order(&db);
    // The summary now spans only its remaining subtasks.
    assert_summaries_span_children(&db);
    assert_eq!(named(&db, "洁净室及机电安装").planned_start, d(2021, 3, 18));

    let top = named(&db, "厂房收尾工程");
    assert_eq!(
        db.outdent_task(top.id, &stamp()).unwrap_err().code(),
        ErrorCode::InvalidInput
    );
    assert_eq!(
        db.indent_task(top.id, &stamp()).unwrap_err().code(),
        ErrorCode::InvalidInput,
        "the first task has no sibling above it"
    );
}

#[test]
fn deleting_a_summary_deletes_its_subtasks_and_their_links_with_log_rows() {
    let mut db = seeded();
    let before = tasks(&db).len();
    let summary = named(&db, "洁净室及机电安装");
    let deps_before = db.project_detail(SAMSUNG).unwrap().dependencies.len();
    let removed = db.delete_task(summary.id, &stamp()).unwrap();
    assert_eq!(removed, 5);
    assert_eq!(tasks(&db).len(), before - 5);
    let detail = db.project_detail(SAMSUNG).unwrap();
    // T02→T05, T05→T06/T07/T08, T06→T13, T07→T13, T08→T10 touch the deleted tasks.
    assert_eq!(detail.dependencies.len(), deps_before - 7);
    let deletes = db
        .change_log(100)
        .unwrap()
        .into_iter()
        .filter(|c| c.op == "delete")
        .count();
    assert_eq!(deletes, 5 + 7);
    assert_wbs_in_order(&db);
}

#[test]
fn links_refuse_loops_other_projects_and_own_subtasks() {
    let mut db = seeded();
    let a = named(&db, "竣工验收备案");
    let b = named(&db, "二阶段量产");
    let first = named(&db, "FAB厂房屋面及外立面收尾");
    let summary = named(&db, "厂房收尾工程");
    let other = db.project_detail("KP21-02").unwrap().tasks[0].id;
    let before = log_len(&db);
    for (p, s) in [
        (b.id, first.id),
        (a.id, other),
        (summary.id, first.id),
        (first.id, summary.id),
    ] {
        let e = db
            .add_dependency(p, s, LinkKind::FinishToStart, 0, &stamp())
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidInput, "{p}→{s}: {e}");
    }
    // The seed already links 竣工验收备案 → 二阶段量产.
    assert_eq!(
        db.add_dependency(a.id, b.id, LinkKind::FinishToStart, 0, &stamp())
            .unwrap_err()
            .code(),
        ErrorCode::InvalidInput
    );
    assert_eq!(log_len(&db), before);

    let t = named(&db, "消防、环保等专项验收");
    let dep = db
        .add_dependency(first.id, t.id, LinkKind::StartToStart, 3, &stamp())
        .unwrap();
    assert_eq!((dep.kind, dep.lag_days), (LinkKind::StartToStart, 3));
    assert_eq!(db.changes_of("dependencies", dep.id.0).unwrap().len(), 1);
    db.delete_dependency(dep.id, &stamp()).unwrap();
    assert_eq!(db.changes_of("dependencies", dep.id.0).unwrap().len(), 2);
}

#[test]
fn bulk_completion_is_all_or_nothing() {
    let mut db = seeded();
    let m1 = named(&db, "竣工验收备案");
    let m2 = named(&db, "二阶段量产");
    let work = named(&db, "消防、环保等专项验收");
    let before = log_len(&db);
    let e = db
        .complete_milestones(&[m1.id, work.id], d(2021, 6, 10), "", &stamp())
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    let e = db
        .complete_milestones(&[m1.id], d(2021, 6, 12), "", &stamp())
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput, "tomorrow is refused");
    assert_eq!(log_len(&db), before);
    assert!(!named(&db, "竣工验收备案").is_done());

    let done = db
        .complete_milestones(
            &[m1.id, m2.id, m1.id],
            d(2021, 6, 10),
            " 提前完成 ",
            &stamp(),
        )
        .unwrap();
    assert_eq!(done.len(), 2);
    assert!(
        done.iter()
            .all(|t| t.actual_finish == Some(d(2021, 6, 10)) && t.completion_note == "提前完成")
    );
    assert_eq!(log_len(&db), before + 2);
}

#[test]
fn the_gantt_shades_weekends_holidays_and_knows_make_up_days() {
    let db = seeded();
    let days = db
        .calendar_days(SAMSUNG, d(2021, 6, 7), d(2021, 6, 20))
        .unwrap();
    let off: Vec<NaiveDate> = days.iter().filter(|c| !c.working).map(|c| c.date).collect();
    assert_eq!(
        off,
        [
            d(2021, 6, 12),
            d(2021, 6, 13),
            d(2021, 6, 14),
            d(2021, 6, 19),
            d(2021, 6, 20)
        ]
    );
    assert_eq!(
        days.iter().find(|c| c.date == d(2021, 6, 14)).unwrap().name,
        "端午节"
    );
    // Saturday 2021-09-18 is a make-up working day for the Mid-Autumn Festival.
    let sept = db
        .calendar_days(SAMSUNG, d(2021, 9, 18), d(2021, 9, 18))
        .unwrap();
    assert_eq!(sept.len(), 1);
    assert!(sept[0].working);
    assert!(!sept[0].name.is_empty());

    assert_eq!(
        db.calendar_days(SAMSUNG, d(2021, 6, 2), d(2021, 6, 1))
            .unwrap_err()
            .code(),
        ErrorCode::InvalidInput
    );
    assert_eq!(seed_as_of().unwrap(), d(2021, 6, 11));
}

#[test]
fn an_edit_answers_only_the_rows_it_changed_with_the_marks_over_the_whole_plan() {
    let mut db = seeded();
    let moved = named(&db, "工艺冷却水及特气管道安装");
    let summary = named(&db, "洁净室及机电安装");
    let t = db
        .move_task(
            moved.id,
            moved.planned_start + chrono::Days::new(7),
            moved.planned_finish + chrono::Days::new(30),
            &stamp(),
        )
        .unwrap();
    let change = db.last_plan_change(t.project_id, Some(t.id)).unwrap();
    let ids: Vec<TaskId> = change.tasks.iter().map(|t| t.id).collect();
    assert!(ids.contains(&moved.id), "{ids:?}");
    assert!(ids.contains(&summary.id), "the summary rolled up: {ids:?}");
    assert!(
        ids.len() < tasks(&db).len() / 2,
        "not the whole plan: {ids:?}"
    );
    assert_eq!(change.tasks, {
        let now = tasks(&db);
        ids.iter()
            .map(|id| now.iter().find(|t| t.id == *id).unwrap().clone())
            .collect::<Vec<_>>()
    });
    let marks = change.marks.schedule.unwrap();
    assert_eq!(marks.ids.len(), tasks(&db).len());

    // A delete answers the rows gone, the links that went with them, and the renumbered rest.
    let gone = named(&db, "设备联调及工艺验证");
    db.delete_task(gone.id, &stamp()).unwrap();
    let change = db.last_plan_change(t.project_id, None).unwrap();
    assert_eq!(change.removed_tasks, vec![gone.id]);
    assert!(!change.removed_dependencies.is_empty());
    assert!(change.tasks.iter().all(|t| t.id != gone.id));
}

#[test]
fn a_dragged_bar_keeps_its_working_days_and_starts_on_a_working_day() {
    let mut db = seeded();
    let t = named(&db, "消防、环保等专项验收");
    // Onto Saturday 2021-06-12: the Dragon Boat Festival holiday runs to Monday the 14th, so
    // the bar starts on Tuesday the 15th, and keeps its working days.
    let (start, finish) = db.shifted_span(t.id, d(2021, 6, 12)).unwrap();
    assert_eq!(start, d(2021, 6, 15));
    let saved = db.shift_task(t.id, d(2021, 6, 12), &stamp()).unwrap();
    assert_eq!((saved.planned_start, saved.planned_finish), (start, finish));
    assert_eq!(
        saved.duration_days, t.duration_days,
        "the same work, not the same calendar days"
    );
    assert_summaries_span_children(&db);
}
