//! The weekly report's content for the seeded portfolio: what a manager reads off the page.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, FixedOffset, NaiveDate};
use keyworks_core::model::Status;
use keyworks_core::portfolio::milestones::MilestoneState;
use keyworks_core::portfolio::updates::UpdateInput;
use keyworks_core::week::IsoWeek;
use keyworks_core::{Db, Stamp};
use keyworks_report::{ReportRequest, WeeklyReport};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap()
}

fn seeded() -> Db {
    let mut db = Db::open_in_memory().unwrap();
    // Loaded long after 2021, as `keyworks init` would be: the seed's own change-log rows
    // fall outside the weeks reported on.
    let at = DateTime::parse_from_rfc3339("2026-11-27T09:00:00+08:00").unwrap();
    db.load_seed(&Stamp::new(keyworks_core::store::seed::SEED_AUTHOR, at).unwrap())
        .unwrap();
    db
}

/// The seeded portfolio's week 23, as of its Friday (the seed's data date).
fn w23(db: &Db) -> WeeklyReport {
    keyworks_report::build(db, &ReportRequest::for_date(d(2021, 6, 11), cst())).unwrap()
}

#[test]
fn the_request_judges_a_past_week_as_of_its_sunday() {
    let w = IsoWeek::parse("week", "2021-W23").unwrap();
    let past = ReportRequest::for_week(w, d(2026, 11, 27), cst());
    assert_eq!(past.as_of, d(2021, 6, 13));
    let running = ReportRequest::for_week(w, d(2021, 6, 9), cst());
    assert_eq!(running.as_of, d(2021, 6, 9));
    let (from, to) = running.window();
    assert_eq!(from.to_rfc3339(), "2021-06-07T00:00:00+08:00");
    assert_eq!(to.to_rfc3339(), "2021-06-14T00:00:00+08:00");
}

#[test]
fn summary_counts_the_week() {
    let r = w23(&seeded());
    assert_eq!(r.week.to_string(), "2021-W23");
    assert_eq!((r.week_start, r.week_end), (d(2021, 6, 7), d(2021, 6, 13)));
    let s = &r.summary;
    assert_eq!(s.projects, 15);
    assert_eq!(
        (s.by_status.green, s.by_status.yellow, s.by_status.red),
        (11, 3, 1)
    );
    let names = |v: &[keyworks_report::model::MilestoneRef]| {
        v.iter().map(|m| m.name.clone()).collect::<Vec<_>>()
    };
    assert_eq!(names(&s.due_this_week), ["首批SMT设备进场"]);
    assert_eq!(names(&s.done_this_week), ["首批SMT设备进场"]);
    assert_eq!(s.overdue, 4);
    assert_eq!(s.updated_this_week, 15);
    assert!(s.missing_updates.is_empty());
    // Nobody changed status between weeks 22 and 23 in the seed, nor moved a milestone.
    assert!(s.status_changes.is_empty());
    assert!(s.milestones_moved.is_empty());
    assert!(s.milestones_done < s.milestones && s.milestones > 40);
}

#[test]
fn status_changes_come_from_the_weekly_updates() {
    let db = seeded();
    let w22 = IsoWeek::parse("week", "2021-W22").unwrap();
    let r =
        keyworks_report::build(&db, &ReportRequest::for_week(w22, d(2026, 1, 1), cst())).unwrap();
    let changes: Vec<(String, Status, Status)> = r
        .summary
        .status_changes
        .iter()
        .map(|c| (c.project.code.clone(), c.from, c.to))
        .collect();
    assert_eq!(
        changes,
        [
            ("KP21-11".to_owned(), Status::Green, Status::Yellow),
            ("KP21-14".to_owned(), Status::Yellow, Status::Red),
        ]
    );
    // Two projects had no update in week 21, so week 22's are their first.
    let kp04 = r.projects.iter().find(|p| p.code == "KP21-04").unwrap();
    assert_eq!(kp04.previous_status, None);
}

#[test]
fn overdue_milestones_are_sorted_by_days_late() {
    let r = w23(&seeded());
    let got: Vec<(&str, &str, i64, i64)> = r
        .overdue
        .iter()
        .map(|o| {
            (
                o.project.code.as_str(),
                o.milestone.as_str(),
                o.days_late,
                o.working_days_late,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            // Due Thursday 05-27: 15 calendar days, 11 working days to Friday 06-11.
            ("KP21-05", "首批拉晶炉及抛光设备搬入", 15, 11),
            // Due Monday 05-31: 11 calendar days, 9 working days; equal lateness by code.
            ("KP21-11", "消防验收", 11, 9),
            ("KP21-13", "第二批开工", 11, 9),
            ("KP21-14", "协议签订完成", 11, 9),
        ]
    );
    assert!(
        r.overdue
            .windows(2)
            .all(|w| w[0].days_late >= w[1].days_late)
    );
}

#[test]
fn milestone_variance_is_in_working_days() {
    let r = w23(&seeded());
    let milestone = |code: &str, name: &str| {
        r.projects
            .iter()
            .find(|p| p.code == code)
            .unwrap()
            .milestones
            .iter()
            .find(|m| m.name == name)
            .unwrap()
            .clone()
    };
    // Topped out Thursday 04-08, planned Friday 04-09: one working day early.
    let early = milestone("KP21-02", "主体结构封顶");
    assert_eq!(early.state, MilestoneState::Done);
    assert_eq!(early.variance_working_days, Some(-1));
    // Planned Friday 04-09, started Tuesday 04-20: 04-12..16 and 04-19..20, seven days late.
    let late = milestone("KP21-13", "第一批开工");
    assert_eq!(late.actual, Some(d(2021, 4, 20)));
    assert_eq!(late.variance_working_days, Some(7));
    let on_time = milestone("KP21-01", "洁净室验收");
    assert_eq!(on_time.variance_working_days, Some(0));
    // Overdue: late so far; open and not yet due: no variance.
    let overdue = milestone("KP21-05", "首批拉晶炉及抛光设备搬入");
    assert_eq!(overdue.state, MilestoneState::Overdue);
    assert_eq!(overdue.variance_working_days, Some(11));
    let open = milestone("KP21-01", "二阶段量产");
    assert_eq!(open.state, MilestoneState::Open);
    assert_eq!(open.variance_working_days, None);
    // Each project's milestones are listed by planned date.
    for p in &r.projects {
        assert!(
            p.milestones
                .windows(2)
                .all(|w| w[0].planned <= w[1].planned),
            "{}",
            p.code
        );
    }
}

#[test]
fn a_milestone_done_after_the_as_of_date_was_still_open_then() {
    let db = seeded();
    // KP21-02's SMT equipment arrived 06-08; on 06-07 it was due tomorrow and open.
    let r = keyworks_report::build(&db, &ReportRequest::for_date(d(2021, 6, 7), cst())).unwrap();
    let p = r.projects.iter().find(|p| p.code == "KP21-02").unwrap();
    let m = p
        .milestones
        .iter()
        .find(|m| m.name == "首批SMT设备进场")
        .unwrap();
    assert_eq!((m.state, m.actual), (MilestoneState::Open, None));
    assert!(r.summary.done_this_week.is_empty());
}

#[test]
fn sections_carry_the_latest_update_and_a_gantt_strip() {
    let r = w23(&seeded());
    assert_eq!(r.projects.len(), 15);
    let codes: Vec<&str> = r.projects.iter().map(|p| p.code.as_str()).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted);
    for p in &r.projects {
        let u = p.update.as_ref().unwrap();
        assert_eq!(u.week, r.week, "{}", p.code);
        assert!(!u.narrative.is_empty());
        assert_eq!(p.gantt.from, d(2021, 1, 1));
        assert_eq!(p.gantt.to, d(2021, 12, 31));
        assert_eq!(p.gantt.today, d(2021, 6, 11));
        assert_eq!(p.gantt.milestones.len(), p.milestones.len());
        assert!(!p.gantt.phases.is_empty());
    }
    let kp01 = &r.projects[0];
    assert!((kp01.percent_complete - 61.9).abs() < 1e-9);
}

#[test]
fn the_appendix_lists_the_updates_handed_in_that_week() {
    let r = w23(&seeded());
    assert_eq!(r.change_log.len(), 15);
    for e in &r.change_log {
        // In the history's words, both languages kept.
        assert!(
            e.zh.contains(" 填报周报 2021年第23周：完成百分比 "),
            "{}",
            e.zh
        );
        assert!(
            e.en.contains(" filed weekly update week 23, 2021: percent complete "),
            "{}",
            e.en
        );
        assert!(e.at.starts_with("2021-06-11T17:00:00"), "{}", e.at);
        assert_eq!(e.time, "06-11 17:00");
        assert!(e.project.is_some());
    }
}

#[test]
fn the_hash_is_stable_and_follows_the_data() {
    let mut db = seeded();
    let first = w23(&db).content_hash().unwrap();
    assert_eq!(first.len(), 64);
    assert!(first.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(
        w23(&db).content_hash().unwrap(),
        first,
        "same data, same hash"
    );
    let other_week = keyworks_report::build(&db, &ReportRequest::for_date(d(2021, 6, 4), cst()))
        .unwrap()
        .content_hash()
        .unwrap();
    assert_ne!(other_week, first);

    // An officer revises KP21-01's week-23 update on Thursday and turns it yellow.
    let stamp = Stamp::new(
        "王工",
        DateTime::parse_from_rfc3339("2021-06-10T10:30:00+08:00").unwrap(),
    )
    .unwrap();
    db.record_update(
        "KP21-01",
        &UpdateInput {
            week: IsoWeek::parse("week", "2021-W23").unwrap(),
            percent_complete: 62.5,
            status: Status::Yellow,
            narrative: "首台光刻设备调试中。".into(),
            issues: "设备供应商工程师入境延迟。".into(),
            next_steps: "协调远程调试。".into(),
            if_reported: keyworks_core::portfolio::updates::IfReported::ReplaceAny,
        },
        &stamp,
    )
    .unwrap();
    let r = w23(&db);
    assert_ne!(r.content_hash().unwrap(), first, "changed data, new hash");

    // The change shows up as a status change and in the appendix, once.
    let change = &r.summary.status_changes;
    assert_eq!(change.len(), 1);
    assert_eq!(
        (
            change[0].project.code.as_str(),
            change[0].from,
            change[0].to
        ),
        ("KP21-01", Status::Green, Status::Yellow)
    );
    let kp01: Vec<_> = r
        .change_log
        .iter()
        .filter(|e| e.project.as_ref().is_some_and(|p| p.code == "KP21-01"))
        .collect();
    // One edit, one line, in the words of the app's History: 王工 replaced 王工（示例）'s report,
    // and the project's status followed in the same edit.
    assert_eq!(kp01.len(), 1, "{kp01:#?}");
    let line = &kp01[0].zh;
    assert!(line.starts_with("王工 替换周报 2021年第23周："), "{line}");
    assert!(line.contains("完成百分比 61.9%→62.5%"), "{line}");
    assert!(line.contains("状态 绿→黄"), "{line}");
    assert!(
        !line.contains("recorded_at"),
        "bookkeeping stays out: {line}"
    );
    assert!(
        kp01[0]
            .en
            .starts_with("王工 replaced weekly update week 23, 2021: "),
        "{}",
        kp01[0].en
    );
}

#[test]
fn project_sections_carry_the_plan_targets_and_what_was_delivered() {
    let r = w23(&seeded());
    let housing = r
        .projects
        .iter()
        .flat_map(|p| p.targets.iter().map(move |t| (p, t)))
        .find(|(_, t)| t.name == "安置房")
        .expect("安置房 target in some project section");
    let (section, target) = housing;
    assert_eq!(section.name, "安置房");
    assert_eq!(target.quantity, 24457.0);
    assert_eq!(target.unit, "套");
    assert_eq!(target.actual, Some(16820.0));
    let share = target.percent_delivered.unwrap();
    assert!((share - 68.77).abs() < 0.01, "{share}");
    // Every target of the seed appears once, under its own project.
    let all: usize = r.projects.iter().map(|p| p.targets.len()).sum();
    assert_eq!(all, 6);
}
