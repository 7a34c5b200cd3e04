//! Investment supervision end to end in the core: exact money, plans and months recorded and
//! corrected through the log, the lights on the seeded portfolio and at the thresholds, the
//! leaders, and version-6 files (a hub and its replica, frozen as the previous build wrote
//! them) carried over to exact yuan and still syncing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use chrono::{DateTime, Days, NaiveDate};
use keyworks_core::money::Yuan;
use keyworks_core::supervision::UPGRADE_AUTHOR;
use keyworks_core::supervision::leaders::Responsibility;
use keyworks_core::supervision::overview::OverviewFilter;
use keyworks_core::supervision::warnings::{Light, WarningKind, WarningRules};
use keyworks_core::sync::{Choice, ConflictDecision, ConflictKind, Decisions, SyncOutcome};
use keyworks_core::week::YearMonth;
use keyworks_core::{Access, Db, Error, Stamp};
use proptest::prelude::*;

fn person(name: &str, at: &str) -> Stamp {
    Stamp::new(name, DateTime::parse_from_rfc3339(at).unwrap()).unwrap()
}

fn officer() -> Stamp {
    person("王工", "2021-06-11T17:00:00+08:00")
}

fn seeded() -> Db {
    let mut db = Db::open_in_memory().unwrap();
    db.load_seed(&person("KeyWorks 初始数据", "2021-01-04T09:00:00+08:00"))
        .unwrap();
    db
}

fn may() -> YearMonth {
    YearMonth::new(2021, 5).unwrap()
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn wan(s: &str) -> Yuan {
    Yuan::parse_wan("金额", s).unwrap()
}

proptest! {
    /// Sums of amounts typed with up to four decimals are exact: the sum of the parts equals
    /// the amount typed as the decimal sum, to the yuan, however many and in whatever order.
    #[test]
    fn sums_of_four_decimal_amounts_are_exact(
        parts in proptest::collection::vec((0u64..10_000_000, 0u32..10_000), 1..60)
    ) {
        let texts: Vec<String> = parts.iter().map(|(w, f)| format!("{w}.{f:04}")).collect();
        let sum = Yuan::sum(texts.iter().map(|t| wan(t)));
        let reversed = Yuan::sum(texts.iter().rev().map(|t| wan(t)));
        prop_assert_eq!(sum, reversed);
        let whole: u64 = parts.iter().map(|(w, _)| w).sum();
        let frac: u64 = parts.iter().map(|(_, f)| u64::from(*f)).sum();
        let expected = format!("{}.{:04}", whole + frac / 10_000, frac % 10_000);
        prop_assert_eq!(sum, wan(&expected));
        prop_assert_eq!(wan(&sum.wan(4)), sum);
    }
}

#[test]
fn a_tenth_and_two_tenths_of_a_wan_are_three_tenths_in_the_table() {
    let mut db = seeded();
    let me = officer();
    db.set_investment_plan("KP21-04", 2022, wan("1"), None, &me)
        .unwrap();
    let jan = YearMonth::new(2021, 1).unwrap();
    db.record_investment_month("KP21-04", jan, wan("0.1"), None, &me)
        .unwrap();
    let feb = YearMonth::new(2021, 2).unwrap();
    db.record_investment_month("KP21-04", feb, wan("0.2"), None, &me)
        .unwrap();
    // Only January and February are summed: the seeded months from March on are later.
    let o = db
        .investment_overview(
            feb,
            d("2021-02-28"),
            &OverviewFilter {
                project: Some("KP21-04".into()),
                ..OverviewFilter::default()
            },
        )
        .unwrap();
    assert_eq!(o.rows[0].year_to_date_yuan, wan("0.3"));
    assert_eq!(o.rows[0].year_to_date_yuan.wan_exact(), "0.3");
}

#[test]
fn recording_a_month_again_corrects_it_with_both_values_logged_and_undo_restores_it() {
    let mut db = seeded();
    let me = officer();
    let before = db.investment_overview(may(), d("2021-05-31"), &OverviewFilter::default());
    let before = before.unwrap();
    let saved = db
        .record_investment_month("KP21-01", may(), wan("160500.25"), Some("补录"), &me)
        .unwrap();
    assert_eq!(saved.previous, Some(wan("160000")));
    assert_eq!(saved.now, wan("160500.25"));
    let p = db.project_by_code("KP21-01").unwrap();
    let row = db
        .investment_months_of(p.id)
        .unwrap()
        .into_iter()
        .find(|m| m.month == may())
        .unwrap();
    let log = db.changes_of("investment_months", row.id.0).unwrap();
    let last = log.last().unwrap();
    assert_eq!(last.author, "王工");
    let pair = &last.changes["completed_yuan"];
    assert_eq!(pair[0], 1_600_000_000_i64);
    assert_eq!(pair[1], 1_605_002_500_i64);
    assert!(db.verify().unwrap().is_ok());

    db.undo_last_edit(&me).unwrap();
    let after = db
        .investment_overview(may(), d("2021-05-31"), &OverviewFilter::default())
        .unwrap();
    assert_eq!(after.totals, before.totals);
    assert!(db.verify().unwrap().is_ok());
}

#[test]
fn bad_input_is_refused_and_nothing_is_written() {
    let mut db = seeded();
    let me = officer();
    let log = db.change_log(1).unwrap()[0].id;
    let e = db
        .record_investment_month("KP99-99", may(), wan("1"), None, &me)
        .unwrap_err();
    assert!(matches!(e, Error::UnknownProject { .. }), "{e}");
    let june_2031 = YearMonth::new(2031, 6).unwrap();
    let e = db
        .record_investment_month("KP21-01", june_2031, wan("1"), None, &me)
        .unwrap_err();
    assert!(e.to_string().contains("还没有开始"), "{e}");
    let e = db
        .set_investment_plan("KP21-01", 1999, wan("1"), None, &me)
        .unwrap_err();
    assert!(e.to_string().contains("2000–2100"), "{e}");
    let e = db
        .set_warning_rules(
            &WarningRules {
                invest_red_pct: 95,
                ..WarningRules::default()
            },
            &me,
        )
        .unwrap_err();
    assert!(e.to_string().contains("红灯线"), "{e}");
    assert_eq!(db.change_log(1).unwrap()[0].id, log, "something was logged");
}

#[test]
fn the_seeded_portfolio_shows_every_light_and_its_totals_are_the_sums() {
    let db = seeded();
    let o = db
        .investment_overview(may(), d("2021-06-11"), &OverviewFilter::default())
        .unwrap();
    assert_eq!(o.as_of, d("2021-05-31"), "capped at the month's end");
    assert_eq!(o.rows.len(), 15);
    assert!((o.elapsed_share - 5.0 / 12.0).abs() < 1e-12);
    let t = &o.totals;
    assert_eq!(
        t.annual_yuan,
        Yuan::sum(o.rows.iter().filter_map(|r| r.annual_yuan))
    );
    assert_eq!(
        t.month_yuan,
        Yuan::sum(o.rows.iter().filter_map(|r| r.month_yuan))
    );
    assert_eq!(
        t.year_to_date_yuan,
        Yuan::sum(o.rows.iter().map(|r| r.year_to_date_yuan))
    );
    assert_eq!(t.month_yuan, wan("325900.5"));
    assert!(t.red > 0 && t.yellow > 0 && t.green > 0, "{t:?}");
    assert_eq!((t.red + t.yellow + t.green) as usize, o.rows.len());
    // The cumulative chart ends where the table's totals are.
    let last = o.cumulative.last().unwrap();
    assert_eq!(o.cumulative.len(), 5);
    assert_eq!(last.completed_yuan, t.year_to_date_yuan);
    assert_eq!(last.on_course_yuan.0, (t.annual_yuan.0 * 5 + 6) / 12);
    // 北斗: declared green by its officer, red by the figures; both are kept.
    let beidou = o.rows.iter().find(|r| r.code == "KP21-04").unwrap();
    assert_eq!(beidou.declared, keyworks_core::model::Status::Green);
    assert_eq!(beidou.warning.light, Light::Red);
    assert_eq!(
        beidou.warning.sentence(),
        "预警：红 — 1–5月完成投资 19.5%，低于序时进度 41.7% 的 60%"
    );
    // Filtered by light and by leader, and grouped by leader.
    let red = db
        .investment_overview(
            may(),
            d("2021-05-31"),
            &OverviewFilter {
                light: Some(Light::Red),
                ..OverviewFilter::default()
            },
        )
        .unwrap();
    assert_eq!(red.rows.len() as u32, t.red);
    assert!(red.rows.iter().all(|r| r.warning.light == Light::Red));
    let groups = o.by_leader();
    assert_eq!(groups.len(), 4);
    assert_eq!(groups.iter().map(|(_, r)| r.len()).sum::<usize>(), 15);
    let zhao = db
        .investment_overview(
            may(),
            d("2021-05-31"),
            &OverviewFilter {
                leader: Some("赵敏（示例）".into()),
                ..OverviewFilter::default()
            },
        )
        .unwrap();
    assert_eq!(zhao.rows.len(), 4);
}

/// A milestone's lateness counts working days on China's calendar: it turns yellow on the
/// 11th working day past due and red on the 31st, with a holiday week in between.
#[test]
fn schedule_lights_follow_working_days_past_due() {
    let db = seeded();
    let p = db.project_by_code("KP21-06").unwrap();
    let (_, calendar) = db.calendar_of_project(p.id).unwrap();
    let m = db
        .tasks_of(p.id)
        .unwrap()
        .into_iter()
        .filter(|t| t.is_milestone && t.actual_finish.is_none())
        .min_by_key(|t| t.planned_finish)
        .unwrap();
    let day = |n: i64| calendar.add_working_days(m.planned_finish, n).unwrap();
    let light_on = |as_of: NaiveDate| {
        let o = db
            .investment_overview(
                YearMonth::containing(as_of),
                as_of,
                &OverviewFilter {
                    project: Some("KP21-06".into()),
                    ..OverviewFilter::default()
                },
            )
            .unwrap();
        let row = &o.rows[0];
        row.warning
            .warnings
            .iter()
            .find(|w| w.kind == WarningKind::Schedule)
            .map(|w| (w.light, w.reason.clone()))
    };
    assert_eq!(light_on(day(10)), None);
    // A non-working day after the 10th working day adds nothing.
    let after_tenth = day(10) + Days::new(1);
    if !calendar.is_working_day(after_tenth) {
        assert_eq!(light_on(after_tenth), None);
    }
    let (light, reason) = light_on(day(11)).unwrap();
    assert_eq!(light, Light::Yellow);
    assert!(
        reason.contains(&m.name) && reason.contains("11 个工作日"),
        "{reason}"
    );
    assert_eq!(light_on(day(30)).unwrap().0, Light::Yellow);
    assert_eq!(light_on(day(31)).unwrap().0, Light::Red);
}

#[test]
fn thresholds_are_the_files_and_move_the_lights() {
    let mut db = seeded();
    let me = officer();
    let light = |db: &Db| {
        db.investment_overview(
            may(),
            d("2021-05-31"),
            &OverviewFilter {
                project: Some("KP21-05".into()),
                ..OverviewFilter::default()
            },
        )
        .unwrap()
        .rows[0]
            .warning
            .light
    };
    // 奕斯伟: 30.0% against 41.7%, i.e. 72% of it: yellow under 80/60.
    assert_eq!(light(&db), Light::Yellow);
    let rules = WarningRules {
        invest_yellow_pct: 70,
        invest_red_pct: 50,
        ..WarningRules::default()
    };
    db.set_warning_rules(&rules, &me).unwrap();
    assert_eq!(db.warning_rules().unwrap(), rules);
    assert_eq!(light(&db), Light::Green);
    assert!(db.verify().unwrap().is_ok());
}

#[test]
fn leaders_and_units_are_edited_through_the_log() {
    let mut db = seeded();
    let me = officer();
    let p = db
        .set_responsibility(
            "KP21-04",
            &Responsibility {
                leader: Some(" 刘洋 ".into()),
                lead_unit: Some("高新区北斗办".into()),
            },
            &me,
        )
        .unwrap();
    assert_eq!(p.leader.as_deref(), Some("刘洋"));
    assert_eq!(p.lead_unit, "高新区北斗办");
    assert!(db.leaders().unwrap().contains(&"刘洋".to_owned()));
    let cleared = db
        .set_responsibility(
            "KP21-04",
            &Responsibility {
                leader: Some(String::new()),
                lead_unit: None,
            },
            &me,
        )
        .unwrap();
    assert_eq!(cleared.leader, None);
    assert_eq!(cleared.lead_unit, "高新区北斗办");
    let log = db.changes_of("projects", p.id.0).unwrap();
    assert_eq!(log.last().unwrap().changes["leader"][0], "刘洋");
    assert!(db.verify().unwrap().is_ok());
}

fn fixture(dir: &Path, name: &str) -> PathBuf {
    let to = dir.join(name);
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
        &to,
    )
    .unwrap();
    to
}

/// A hub and its replica as the version-6 build wrote them (synthetic projects with REAL
/// 亿元 figures; the replica with one weekly update not yet synced). Each is upgraded on
/// its own, as two officers' laptops would be; the figures arrive to the yuan, both files
/// verify, and the replica syncs without a conflict and without sending its own carry-over.
#[test]
fn version_6_files_carry_their_amounts_over_and_still_sync() {
    let dir = tempfile::tempdir().unwrap();
    let hub_path = fixture(dir.path(), "v6-hub.sqlite");
    let replica_path = fixture(dir.path(), "v6-replica.sqlite");

    let hub = Db::open(&hub_path, Access::ReadWrite).unwrap();
    let p = hub.project_by_code("SYN-00002").unwrap();
    assert_eq!(p.total_investment_yuan, Some(Yuan(32_520_000_000)));
    let plans = hub.investment_plans_of(p.id).unwrap();
    assert_eq!(plans.len(), 1);
    assert_eq!(
        plans[0].id.0, p.id.0,
        "a carried plan takes its project's id"
    );
    assert_eq!(plans[0].annual_yuan, Yuan(7_630_000_000));
    assert_eq!(plans[0].year, 2021);
    assert!(hub.verify().unwrap().is_ok());
    let carried = hub
        .change_log(5)
        .unwrap()
        .into_iter()
        .filter(|c| c.author == UPGRADE_AUTHOR)
        .count();
    assert!(carried > 0);
    drop(hub);

    let mut replica = Db::open(&replica_path, Access::ReadWrite).unwrap();
    assert!(replica.verify().unwrap().is_ok());
    assert_eq!(
        replica.investment_plans_of(p.id).unwrap(),
        plans,
        "the replica carries the same rows over"
    );
    let me = person("李工", "2021-06-12T09:00:00+08:00");
    let report = match replica
        .sync_with_file(&hub_path, &Decisions::default(), &me)
        .unwrap()
    {
        SyncOutcome::Synced(r) => r,
        SyncOutcome::NeedsDecision { conflicts } => panic!("conflicts: {conflicts:#?}"),
    };
    assert_eq!(
        report.pushed, 1,
        "only the weekly update goes up: {report:?}"
    );
    assert!(replica.verify().unwrap().is_ok());
    let hub = Db::open(&hub_path, Access::ReadOnly).unwrap();
    assert!(hub.verify().unwrap().is_ok());
    let upgrades = hub
        .change_log(usize::MAX)
        .unwrap()
        .into_iter()
        .filter(|c| c.author == UPGRADE_AUTHOR && c.table_name == "investment_plans")
        .count();
    assert_eq!(upgrades, 3, "one carried plan per project, not two");
    assert_eq!(hub.updates_of("SYN-00002").unwrap().len(), 2);
}

/// Auditors with the sqlite3 shell alone: investment in 万元 written out exactly, and a
/// correction spelled out in the change-log view in 万元 too.
#[test]
fn auditors_read_investment_in_wan_with_the_sqlite_shell() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.sqlite");
    let mut db = Db::create_seeded(
        &path,
        &person("KeyWorks 初始数据", "2021-01-04T09:00:00+08:00"),
    )
    .unwrap();
    db.record_investment_month("KP21-15", may(), wan("17600.25"), None, &officer())
        .unwrap();
    drop(db);
    let conn =
        rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let row: (String, String, String, String) = conn
        .query_row(
            "SELECT 当月完成投资_万元, 年内累计完成投资_万元, 年度计划投资_万元, 包抓领导 \
             FROM v_investment WHERE 项目编号 = 'KP21-15' AND 月份 = '2021-05'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        row,
        (
            "17600.2500".into(),
            "70600.2500".into(),
            "180000.0000".into(),
            "王强（示例）".into()
        )
    );
    let (object, changes): (String, String) = conn
        .query_row(
            "SELECT object, changes FROM v_change_log ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(object, "月度完成投资");
    assert!(
        changes.contains("当月完成投资：17500.5 万元 → 17600.25 万元"),
        "{changes}"
    );
}

fn synced(outcome: SyncOutcome) -> keyworks_core::sync::SyncReport {
    match outcome {
        SyncOutcome::Synced(r) => r,
        SyncOutcome::NeedsDecision { conflicts } => panic!("unexpected conflicts: {conflicts:#?}"),
    }
}

/// Two officers record investment offline: the same new month twice is a Duplicate conflict,
/// the same correction with two values a BothChanged one; decided, both files hold one value,
/// the hub's log keeps every value, and all three files verify.
#[test]
fn investment_recorded_on_two_laptops_meets_at_the_hub_with_conflicts_shown() {
    let dir = tempfile::tempdir().unwrap();
    let hub = dir.path().join("共享.sqlite");
    drop(Db::create_seeded(&hub, &person("种子", "2021-06-01T09:00:00+08:00")).unwrap());
    let make = |name: &str, who: &str| {
        let out = dir.path().join(name);
        let mut h = Db::open_checked(&hub, Access::ReadWrite).unwrap();
        h.create_replica(&out, name, &person(who, "2021-06-14T08:00:00+08:00"))
            .unwrap();
        out
    };
    let (a_path, b_path) = (make("王工.sqlite", "王工"), make("李工.sqlite", "李工"));
    let wang = person("王工", "2021-07-02T10:00:00+08:00");
    let li = person("李工", "2021-07-02T11:00:00+08:00");
    let june = YearMonth::new(2021, 6).unwrap();
    let mut a = Db::open_checked(&a_path, Access::ReadWrite).unwrap();
    let mut b = Db::open_checked(&b_path, Access::ReadWrite).unwrap();
    a.record_investment_month("KP21-04", june, wan("3000"), None, &wang)
        .unwrap();
    a.record_investment_month("KP21-01", may(), wan("161000"), None, &wang)
        .unwrap();
    b.record_investment_month("KP21-04", june, wan("3200"), None, &li)
        .unwrap();
    b.record_investment_month("KP21-01", may(), wan("162000"), None, &li)
        .unwrap();

    synced(a.sync(&Decisions::default(), &wang).unwrap());
    let conflicts = match b.sync(&Decisions::default(), &li).unwrap() {
        SyncOutcome::NeedsDecision { conflicts } => conflicts,
        SyncOutcome::Synced(r) => panic!("no conflict: {r:?}"),
    };
    let kinds: Vec<ConflictKind> = conflicts.iter().map(|c| c.kind).collect();
    assert!(kinds.contains(&ConflictKind::Duplicate), "{conflicts:#?}");
    assert!(kinds.contains(&ConflictKind::BothChanged), "{conflicts:#?}");
    assert!(
        conflicts
            .iter()
            .all(|c| c.project == "KP21-04" || c.project == "KP21-01"),
        "{conflicts:#?}"
    );
    // 李工 keeps the hub's June and takes his own May.
    let decisions = Decisions::each(
        &conflicts
            .iter()
            .map(|c| ConflictDecision {
                key: c.key.clone(),
                choice: if c.kind == ConflictKind::Duplicate {
                    Choice::KeepHub
                } else {
                    Choice::TakeMine
                },
            })
            .collect::<Vec<_>>(),
    );
    synced(b.sync(&decisions, &li).unwrap());
    synced(a.sync(&Decisions::default(), &wang).unwrap());

    let month_of = |db: &Db, code: &str, m: YearMonth| {
        let p = db.project_by_code(code).unwrap();
        db.investment_months_of(p.id)
            .unwrap()
            .into_iter()
            .find(|r| r.month == m)
            .map(|r| r.completed_yuan)
    };
    let h = Db::open_checked(&hub, Access::ReadOnly).unwrap();
    for db in [&a, &b, &h] {
        assert_eq!(month_of(db, "KP21-04", june), Some(wan("3000")));
        assert_eq!(month_of(db, "KP21-01", may()), Some(wan("162000")));
        assert!(db.verify().unwrap().is_ok());
    }
    // Every value anyone recorded for May stays in the hub's log.
    let p = h.project_by_code("KP21-01").unwrap();
    let may_row = h
        .investment_months_of(p.id)
        .unwrap()
        .into_iter()
        .find(|r| r.month == may())
        .unwrap();
    let logged: Vec<String> = h
        .changes_of("investment_months", may_row.id.0)
        .unwrap()
        .iter()
        .map(|c| c.changes["completed_yuan"][1].to_string())
        .collect();
    assert!(logged.contains(&"1610000000".to_owned()), "{logged:?}");
    assert!(logged.contains(&"1620000000".to_owned()), "{logged:?}");
}

proptest! {
    /// A deadline N working days out is a working day, and declaring one more holiday never
    /// brings a deadline earlier.
    #[test]
    fn deadlines_fall_on_working_days_and_holidays_only_push_them_later(
        offset in 0u64..1800, n in 1i64..120, extra in 0u64..200
    ) {
        use keyworks_core::model::DayKind;
        use keyworks_core::plan::calendar::Calendar;
        use keyworks_core::supervision::approvals::Clock;
        let china = Calendar::china().unwrap();
        let start = d("2020-01-01") + Days::new(offset);
        let c = Clock::of(&china, start, n, None, start).unwrap();
        prop_assert!(china.is_working_day(c.deadline));
        prop_assert!(c.deadline > start);
        let mut more = Calendar::china().unwrap();
        more.set_exception(start + Days::new(extra), DayKind::Holiday);
        let later = Clock::of(&more, start, n, None, start).unwrap();
        prop_assert!(later.deadline >= c.deadline);
    }
}

/// The problem ledger: age in working days (Dragon Boat Festival, 12–14 June 2021, skipped),
/// flagged for 督办 once past its deadline, escalation and forward-only states logged.
#[test]
fn problems_age_in_working_days_escalate_and_only_move_forward() {
    use keyworks_core::model::{ProblemLevel, ProblemState};
    use keyworks_core::supervision::problems::{NewProblem, ProblemChange};
    let mut db = seeded();
    let me = person("王工", "2021-06-21T09:00:00+08:00");
    let p = db
        .add_problem(
            "KP21-14",
            &NewProblem {
                problem: "剩余 12 户未签约".into(),
                raised: d("2021-06-09"),
                unit: "高新区城改办".into(),
                coordinator: Some("赵敏（示例）".into()),
                due: Some(d("2021-06-11")),
                level: ProblemLevel::Project,
            },
            &me,
        )
        .unwrap();
    // On 2021-06-16: 6-10, 6-11, then 6-15, 6-16 (12–14 June are the holiday): 4 working days
    // old, 2 past its deadline, due for 督办.
    let line = |db: &Db, as_of: &str| db.problem_ledger(d(as_of), true, None).unwrap();
    let l = &line(&db, "2021-06-16")[0];
    assert_eq!((l.age_days, l.days_overdue, l.escalate), (4, 2, true));
    assert!(
        !line(&db, "2021-06-11")[0].escalate,
        "not past its deadline yet"
    );

    let escalate = ProblemChange {
        level: Some(ProblemLevel::Supervised),
        state: Some(ProblemState::Coordinating),
        note: Some("6月16日升级督办".into()),
    };
    db.change_problem(p.id, &escalate, &me).unwrap();
    let l = &line(&db, "2021-06-16")[0];
    assert!(!l.escalate, "already at 督办");
    assert_eq!(l.problem.state, ProblemState::Coordinating);
    // Backwards is refused and changes nothing.
    let back = ProblemChange {
        state: Some(ProblemState::Open),
        ..ProblemChange::default()
    };
    let e = db.change_problem(p.id, &back, &me).unwrap_err();
    assert!(e.to_string().contains("只能向前推进"), "{e}");
    for s in [ProblemState::Solved, ProblemState::Closed] {
        let step = ProblemChange {
            state: Some(s),
            ..ProblemChange::default()
        };
        db.change_problem(p.id, &step, &me).unwrap();
    }
    assert!(
        line(&db, "2021-06-30").is_empty(),
        "closed problems leave the open ledger"
    );
    assert_eq!(
        db.problem_ledger(d("2021-06-30"), false, None)
            .unwrap()
            .len(),
        1
    );
    let log = db.changes_of("problems", p.id.0).unwrap();
    assert_eq!(log.len(), 4, "added, escalated, solved, closed");
    assert!(db.verify().unwrap().is_ok());
    db.undo_last_edit(&me).unwrap();
    assert_eq!(
        db.problem_ledger(d("2021-06-30"), false, None).unwrap()[0]
            .problem
            .state,
        ProblemState::Solved
    );
    assert!(db.verify().unwrap().is_ok());
}
