//! The seeded portfolio holds every key project and figure of the 2021 work plan, exactly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, NaiveDate};
use keyworks_core::model::{Category, Stage};
use keyworks_core::plan::calendar::Calendar;
use keyworks_core::portfolio::milestones::{MilestoneQuery, MilestoneState};
use keyworks_core::{Db, Stamp};

fn seeded() -> Db {
    let mut db = Db::open_in_memory().unwrap();
    let at = DateTime::parse_from_rfc3339("2026-11-27T09:00:00+08:00").unwrap();
    db.load_seed(&Stamp::new(keyworks_core::store::seed::SEED_AUTHOR, at).unwrap())
        .unwrap();
    db
}

const UNDER_CONSTRUCTION: &[&str] = &[
    "三星二期二阶段",
    "比亚迪智能终端",
    "法士特智能工厂",
    "北斗产业创新中心",
    "奕斯伟产业基地一期二阶段",
    "安置房",
    "人才保障住房",
];
const TO_COMPLETE: &[&str] = &[
    "中兴智能终端",
    "铂力特智能工厂",
    "富士达产业基地",
    "安科智造",
    "环普三期",
];
const URBAN_RENEWAL: &[&str] = &["老旧小区改造", "城中村城市更新", "村安置性商品房"];

#[test]
fn every_key_project_of_the_plan_is_seeded() {
    let db = seeded();
    let projects = db.projects().unwrap();
    let names: Vec<&str> = projects.iter().map(|p| p.name.as_str()).collect();
    for name in UNDER_CONSTRUCTION
        .iter()
        .chain(TO_COMPLETE)
        .chain(URBAN_RENEWAL)
    {
        assert!(names.contains(name), "{name} missing from {names:?}");
    }
    assert_eq!(projects.len(), 15);
    for p in &projects {
        if TO_COMPLETE.contains(&p.name.as_str()) {
            assert_eq!(p.stage, Stage::Completion, "{}", p.name);
        } else {
            assert_ne!(p.stage, Stage::Completion, "{}", p.name);
        }
        if URBAN_RENEWAL.contains(&p.name.as_str()) {
            assert_eq!(p.category, Category::DistrictInfrastructure, "{}", p.name);
        }
        assert!(
            !p.plan_sentence.is_empty(),
            "{} has no plan sentence",
            p.name
        );
        assert!(
            p.plan_sentence.contains(p.name.trim_end_matches("改造"))
                || URBAN_RENEWAL.contains(&p.name.as_str())
                || p.name == "人才保障住房",
            "{}: {}",
            p.name,
            p.plan_sentence
        );
    }
}

#[test]
fn every_figure_of_the_plan_is_exact_with_its_sentence() {
    let db = seeded();
    let expect: &[(&str, &str, f64, &str, &str)] = &[
        ("安置房", "安置房", 24457.0, "套", "安置房24457套"),
        (
            "人才保障住房",
            "人才保障住房",
            10000.0,
            "套",
            "人才保障住房10000套",
        ),
        ("老旧小区改造", "老旧小区", 24.0, "个", "24个老旧小区"),
        ("老旧小区改造", "改造面积", 85.38, "万平方米", "85.38万平米"),
        (
            "城中村城市更新",
            "城市更新项目",
            19.0,
            "个村",
            "19个村城市更新项目",
        ),
        (
            "村安置性商品房",
            "安置性商品房项目",
            21.0,
            "个村",
            "21个村安置性商品房项目",
        ),
    ];
    for (project, target, quantity, unit, quote) in expect {
        let detail = db.project_detail(project).unwrap();
        let t = detail
            .targets
            .iter()
            .find(|t| t.name == *target)
            .unwrap_or_else(|| panic!("{project}: no target {target}"));
        assert_eq!(t.quantity, *quantity, "{project} {target}");
        assert_eq!(t.unit, *unit, "{project} {target}");
        assert!(
            t.source.contains(quote),
            "{project}: source {:?} lacks {quote}",
            t.source
        );
    }
}

#[test]
fn seed_is_simplified_chinese_with_mainland_words() {
    let text = keyworks_core::store::seed::SEED_TOML;
    // The plan copy in shared/ is traditional with Taiwan-style words; none may leak in.
    for taiwan in ["智慧型", "最佳化", "套用", "捷運", "網路", "資料庫"] {
        let data_lines = text.lines().filter(|l| !l.trim_start().starts_with('#'));
        for line in data_lines {
            assert!(!line.contains(taiwan), "{taiwan} in {line}");
        }
    }
    for traditional in [
        '區', '項', '設', '發', '與', '資', '網', '築', '產', '業', '開', '電', '務', '環', '樓',
    ] {
        assert!(
            !text.contains(traditional),
            "traditional {traditional} in the seed"
        );
    }
    assert!(text.contains("比亚迪智能终端"));
}

#[test]
fn seeded_schedules_are_consistent() {
    let db = seeded();
    let china = Calendar::china().unwrap();
    let as_of = NaiveDate::from_ymd_opt(2021, 6, 11).unwrap();
    for p in db.projects().unwrap() {
        let d = db.project_detail(&p.code).unwrap();
        assert!(d.tasks.len() >= 8, "{} has {} tasks", p.code, d.tasks.len());
        let milestones: Vec<_> = d.tasks.iter().filter(|t| t.is_milestone).collect();
        assert!(milestones.len() >= 2, "{}", p.code);
        for t in &d.tasks {
            assert!(
                china.is_working_day(t.planned_start),
                "{} {} starts on a day off",
                p.code,
                t.name
            );
            assert!(
                china.is_working_day(t.planned_finish),
                "{} {} ends on a day off",
                p.code,
                t.name
            );
            if t.is_milestone {
                assert!(!t.acceptance.is_empty(), "{} {}", p.code, t.name);
            } else {
                assert_eq!(
                    t.duration_days,
                    china.working_days_inclusive(t.planned_start, t.planned_finish)
                );
            }
            if let Some(f) = t.actual_finish {
                assert!(
                    f <= as_of && t.percent_complete == 100.0,
                    "{} {}",
                    p.code,
                    t.name
                );
            }
            if let Some(parent) = t.parent_id {
                let parent = d.tasks.iter().find(|x| x.id == parent).unwrap();
                assert!(
                    parent.planned_start <= t.planned_start
                        && parent.planned_finish >= t.planned_finish
                );
            }
        }
        assert_eq!(
            d.updates.last().unwrap().iso_week.to_string(),
            "2021-W23",
            "{}",
            p.code
        );
        assert_eq!(d.updates.last().unwrap().status, p.status, "{}", p.code);
        assert_eq!(d.baselines.len(), 1);
    }
    // The dashboard's view as of the seed date: some late, some due soon.
    let overdue = db
        .milestones(&MilestoneQuery {
            as_of,
            due_within: None,
            overdue: true,
        })
        .unwrap();
    assert!(!overdue.is_empty());
    assert!(
        overdue
            .iter()
            .all(|m| m.state == MilestoneState::Overdue && m.days_late > 0)
    );
    let soon = db
        .milestones(&MilestoneQuery {
            as_of,
            due_within: Some(14),
            overdue: false,
        })
        .unwrap();
    assert!(!soon.is_empty());
}
