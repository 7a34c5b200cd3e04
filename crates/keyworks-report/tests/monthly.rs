//! The monthly report for May 2021 of the seeded portfolio: its pages hold the figures, names
//! and warnings of the core's supervision table, a page per leader and the month's milestones,
//! with nothing outside the margins; read back with poppler (pdftotext, pdffonts) as auditors'
//! and printers' tools see it. Without poppler the read-back fails under CI=true.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use chrono::{DateTime, NaiveDate};
use keyworks_core::supervision::overview::OverviewFilter;
use keyworks_core::week::YearMonth;
use keyworks_core::{Db, Stamp};
use keyworks_report::monthly::{MonthlyReport, build};
use keyworks_report::{Lang, LayoutOptions, Orientation, layout_monthly, to_pdf};

fn seeded() -> Db {
    let mut db = Db::open_in_memory().unwrap();
    let at = DateTime::parse_from_rfc3339("2026-11-27T09:00:00+08:00").unwrap();
    db.load_seed(&Stamp::new(keyworks_core::store::seed::SEED_AUTHOR, at).unwrap())
        .unwrap();
    db
}

fn may() -> YearMonth {
    YearMonth::new(2021, 5).unwrap()
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 6, 11).unwrap()
}

fn opts(lang: Lang, orientation: Orientation) -> LayoutOptions {
    LayoutOptions {
        lang,
        orientation,
        generated_at: DateTime::parse_from_rfc3339("2021-06-14T09:00:00+08:00").unwrap(),
        source_file: "keyworks.sqlite".into(),
    }
}

fn report() -> MonthlyReport {
    build(&seeded(), may(), as_of()).unwrap()
}

#[test]
fn the_pages_carry_the_tables_figures_leaders_and_milestones_inside_the_margins() {
    let r = report();
    assert_eq!(
        r.overview.as_of,
        NaiveDate::from_ymd_opt(2021, 5, 31).unwrap()
    );
    for orientation in [Orientation::Portrait, Orientation::Landscape] {
        for lang in [Lang::Zh, Lang::En] {
            let doc = layout_monthly(&r, &opts(lang, orientation)).unwrap();
            let area = doc.printable();
            for (i, page) in doc.pages.iter().enumerate() {
                for mark in &page.marks {
                    assert!(
                        area.contains(&mark.bounds()),
                        "{lang:?} {orientation:?} page {}: {mark:?} outside the margins",
                        i + 1
                    );
                }
            }
            // Summary and table, one page per leader (four 示例 leaders), the milestones.
            assert!(doc.pages.len() >= 6, "{} pages", doc.pages.len());
        }
    }
    let doc = layout_monthly(&r, &opts(Lang::Zh, Orientation::Portrait)).unwrap();
    let all: String = doc
        .pages
        .iter()
        .flat_map(|p| p.texts())
        .collect::<Vec<_>>()
        .join("\n");
    let t = &r.overview.totals;
    for needle in [
        "月度投资与进度报告",
        "2021年5月（1–5月）",
        "序时进度 41.7%",
        &t.annual_yuan.wan(2),
        &t.month_yuan.wan(2),
        &t.year_to_date_yuan.wan(2),
        "1,331,800.50",
        "1–5月完成投资 19.5%，低于序时进度 41.7% 的 60%",
        "包抓领导：张明（示例）",
        "包抓领导：赵敏（示例）",
        "本月完成的里程碑",
        "月末逾期的里程碑",
        "北斗产业创新中心",
        "合计",
    ] {
        assert!(all.contains(needle), "{needle} missing");
    }
    // Every project appears on the summary table and again on exactly one leader's page.
    for row in &r.overview.rows {
        let on_pages = doc
            .pages
            .iter()
            .filter(|p| p.texts().any(|t| t == row.name))
            .count();
        assert!(on_pages >= 2, "{} on {on_pages} pages", row.name);
    }
    // The milestones done in May are May's, none later than the day looked at.
    assert!(!r.done.is_empty());
    assert!(
        r.done
            .iter()
            .all(|m| m.done >= may().first_day() && m.done <= r.overview.as_of)
    );
    // The leader pages' sums add up to the portfolio's.
    let db = seeded();
    let o = db
        .investment_overview(may(), as_of(), &OverviewFilter::default())
        .unwrap();
    let sum = keyworks_core::money::Yuan::sum(o.by_leader().iter().map(|(_, rows)| {
        keyworks_core::money::Yuan::sum(rows.iter().map(|r| r.year_to_date_yuan))
    }));
    assert_eq!(sum, t.year_to_date_yuan);
}

#[test]
fn the_same_month_prints_with_the_same_content_hash() {
    let a = report().content_hash().unwrap();
    let b = report().content_hash().unwrap();
    assert_eq!(a, b);
    let mut db = seeded();
    let me = Stamp::new(
        "王工",
        DateTime::parse_from_rfc3339("2021-06-15T09:00:00+08:00").unwrap(),
    )
    .unwrap();
    let amount = keyworks_core::money::Yuan::parse_wan("金额", "2500.0001").unwrap();
    db.record_investment_month("KP21-04", may(), amount, None, &me)
        .unwrap();
    let c = build(&db, may(), as_of()).unwrap().content_hash().unwrap();
    assert_ne!(a, c, "one yuan more is another report");
}

fn poppler_available() -> bool {
    let ok = Command::new("pdftotext").arg("-v").output().is_ok();
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "poppler-utils (pdftotext, pdffonts) must be installed in CI"
        );
        eprintln!("skipped: poppler-utils not installed");
    }
    ok
}

#[test]
fn poppler_reads_the_figures_names_and_warnings_with_the_font_embedded() {
    if !poppler_available() {
        return;
    }
    let r = report();
    let o = opts(Lang::Zh, Orientation::Portrait);
    let doc = layout_monthly(&r, &o).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("月报.pdf");
    std::fs::write(&pdf, to_pdf(&doc, o.generated_at).unwrap()).unwrap();
    let run = |tool: &str, args: &[&str]| {
        let out = Command::new(tool).args(args).output().unwrap();
        assert!(out.status.success(), "{tool}");
        String::from_utf8(out.stdout).unwrap()
    };
    let text = run("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    for needle in [
        "西安高新区2021年重点项目",
        "三星二期二阶段",
        "城中村城市更新",
        "3,348,000.00",
        "325,900.50",
        "19.5%",
        "低于序时进度",
        "张明（示例）",
        "内容校验",
    ] {
        assert!(text.contains(needle), "pdftotext misses {needle}");
    }
    let fonts = run("pdffonts", &[pdf.to_str().unwrap()]);
    let line = fonts.lines().nth(2).unwrap();
    assert!(
        line.contains(" yes yes "),
        "font not embedded and subset: {fonts}"
    );
}

/// Approvals at risk are listed in both reports, with days used and the deadline.
#[test]
fn both_reports_list_approvals_at_risk() {
    let mut db = seeded();
    let me = Stamp::new(
        "王工",
        DateTime::parse_from_rfc3339("2021-06-01T09:00:00+08:00").unwrap(),
    )
    .unwrap();
    // 北斗 is social investment: 35 working days from 2021-04-01 end on 2021-05-24.
    db.add_approval(
        "KP21-04",
        "施工许可",
        NaiveDate::from_ymd_opt(2021, 4, 1).unwrap(),
        None,
        &me,
    )
    .unwrap();
    let monthly = build(&db, may(), as_of()).unwrap();
    assert_eq!(monthly.approvals_at_risk.len(), 1);
    let doc = layout_monthly(&monthly, &opts(Lang::Zh, Orientation::Portrait)).unwrap();
    let all: Vec<&str> = doc.pages.iter().flat_map(|p| p.texts()).collect();
    assert!(all.contains(&"前期手续预警："), "{all:?}");
    assert!(
        all.iter()
            .any(|t| t.starts_with("已超时") && t.contains("2021-05-24")),
        "{all:?}"
    );
    let offset = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    let weekly = keyworks_report::build(
        &db,
        &keyworks_report::ReportRequest::for_date(as_of(), offset),
    )
    .unwrap();
    assert_eq!(weekly.approvals_at_risk.len(), 1);
    let doc = keyworks_report::layout(&weekly, &opts(Lang::Zh, Orientation::Portrait)).unwrap();
    assert!(doc.pages[0].texts().any(|t| t == "前期手续预警："));
}

/// The weekly report lists the ledger's unsolved problems, the longest-standing first, with
/// their age in working days and, past the deadline, the days late and 应升级督办; a solved
/// problem is not listed.
#[test]
fn the_weekly_report_lists_open_problems_oldest_first() {
    use keyworks_core::model::{ProblemLevel, ProblemState};
    use keyworks_core::supervision::problems::{NewProblem, ProblemChange};
    let mut db = seeded();
    let me = Stamp::new(
        "王工",
        DateTime::parse_from_rfc3339("2021-06-10T09:00:00+08:00").unwrap(),
    )
    .unwrap();
    let day = |m, d| NaiveDate::from_ymd_opt(2021, m, d).unwrap();
    let mut add = |code: &str, text: &str, raised, due| {
        db.add_problem(
            code,
            &NewProblem {
                problem: text.into(),
                raised,
                unit: "区住建局".into(),
                coordinator: None,
                due,
                level: ProblemLevel::Project,
            },
            &me,
        )
        .unwrap()
    };
    add("KP21-02", "新近：施工用电未接通", day(6, 7), None);
    add(
        "KP21-01",
        "最久：征地拆迁未完成",
        day(5, 6),
        Some(day(5, 31)),
    );
    let solved = add("KP21-03", "已解决：道路未通", day(4, 1), None);
    db.change_problem(
        solved.id,
        &ProblemChange {
            state: Some(ProblemState::Solved),
            ..ProblemChange::default()
        },
        &me,
    )
    .unwrap();
    let offset = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    let weekly = keyworks_report::build(
        &db,
        &keyworks_report::ReportRequest::for_date(as_of(), offset),
    )
    .unwrap();
    let listed: Vec<&str> = weekly
        .open_problems
        .iter()
        .map(|l| l.problem.problem.as_str())
        .collect();
    assert_eq!(listed, ["最久：征地拆迁未完成", "新近：施工用电未接通"]);
    // After 5-06 up to 6-11: 5-07, the make-up working Saturday 5-08, three full weeks, 5-31 and
    // two more weeks: 1 + 1 + 15 + 1 + 4 + 5 = 27 working days; past 5-31, 4 + 5 = 9.
    assert_eq!(weekly.open_problems[0].age_days, 27);
    assert_eq!(weekly.open_problems[0].days_overdue, 9);
    let doc = keyworks_report::layout(&weekly, &opts(Lang::Zh, Orientation::Portrait)).unwrap();
    let all: Vec<&str> = doc.pages.iter().flat_map(|p| p.texts()).collect();
    assert!(all.contains(&"未解决问题："), "{all:?}");
    assert!(
        all.concat()
            .contains("27 工作日逾期 9 个工作日，应升级督办"),
        "{all:?}"
    );
}
