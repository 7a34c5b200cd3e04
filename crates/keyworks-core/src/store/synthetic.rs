//! A synthetic portfolio of any size, for benchmarks and for trying the app on large files.
//! Deterministic: the same sizes always give the same rows.

use chrono::{Days, NaiveDate};

use crate::audit::change_log::Stamp;
use crate::error::{Error, Result};
use crate::ids::TaskId;
use crate::model::{Category, Funding, LinkKind, Portfolio, Stage, Status};
use crate::money::Yuan;
use crate::plan::calendar::{CHINA_CALENDAR_NAME, Calendar, insert_calendar};
use crate::portfolio::projects::{
    NewProject, NewTask, insert_dependency, insert_portfolio, insert_project, insert_task,
};
use crate::portfolio::updates::{UpdateInput, insert_update};
use crate::store::db::Db;
use crate::supervision::investment::{insert_month, insert_plan};
use crate::week::{IsoWeek, YearMonth};

/// A small deterministic generator (xorshift), so that no random crate is needed.
struct Sequence(u64);

impl Sequence {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below.max(1)
    }
}

/// Fills an empty database with `projects` projects of `tasks_per_project` tasks each
/// (every tenth a milestone, grouped under summaries, chained finish-to-start), one weekly
/// update per project, all as of `as_of`. One transaction.
pub fn generate(
    db: &mut Db,
    projects: usize,
    tasks_per_project: usize,
    as_of: NaiveDate,
    stamp: &Stamp,
) -> Result<()> {
    if projects == 0 || tasks_per_project == 0 {
        return Err(Error::invalid(
            "规模",
            format!("{projects}×{tasks_per_project}"),
            "项目数和任务数须大于 0",
        ));
    }
    let calendar = Calendar::china()?;
    let mut seq = Sequence(0x9E37_79B9_7F4A_7C15);
    let year_start = NaiveDate::from_ymd_opt(2021, 1, 4).unwrap_or(NaiveDate::MIN);
    db.write_tx(|tx| {
        insert_portfolio(
            tx,
            stamp,
            &Portfolio {
                name: format!("合成项目集 {projects}×{tasks_per_project}"),
                year: 2021,
                organisation: "西安高新区".into(),
                source: "KeyWorks synthetic generator".into(),
                note: "合成数据，仅用于性能测试。".into(),
            },
        )?;
        let calendar_id = insert_calendar(tx, stamp, CHINA_CALENDAR_NAME, None, &calendar)?;
        for p in 0..projects {
            let status = match seq.next(10) {
                0 => Status::Red,
                1 | 2 => Status::Yellow,
                _ => Status::Green,
            };
            let project = insert_project(
                tx,
                stamp,
                &NewProject {
                    code: format!("SYN-{:05}", p + 1),
                    name: format!("合成项目{}", p + 1),
                    category: Category::ALL[p % Category::ALL.len()],
                    stage: Stage::ALL[p % Stage::ALL.len()],
                    lead_unit: format!("责任单位{}", p % 37 + 1),
                    contact: format!("联系人{}", p % 101 + 1),
                    location: "高新区".into(),
                    total_investment_yuan: Some(Yuan(seq.next(5_000_000) as i64 * 10_000)),
                    leader: Some(format!("领导{}", p % 9 + 1)),
                    funding: Some(if p % 3 == 0 {
                        Funding::Government
                    } else {
                        Funding::Social
                    }),
                    planned_start: Some(year_start),
                    planned_finish: NaiveDate::from_ymd_opt(2021, 12, 31),
                    status,
                    calendar_id: Some(calendar_id),
                    description: String::new(),
                    plan_sentence: String::new(),
                },
            )?;
            let mut start = year_start + Days::new(seq.next(60));
            let mut summary: Option<TaskId> = None;
            let mut previous: Option<TaskId> = None;
            for t in 0..tasks_per_project {
                while !calendar.is_working_day(start) {
                    start = start + Days::new(1);
                }
                let is_summary = t % 10 == 0 && t + 1 < tasks_per_project;
                let is_milestone = t % 10 == 9;
                let len = if is_milestone { 0 } else { 2 + seq.next(15) };
                let mut finish = start + Days::new(len);
                while !calendar.is_working_day(finish) {
                    finish = finish + Days::new(1);
                }
                if is_summary {
                    // A summary spans the next nine tasks; its dates are approximate here.
                    finish = start + Days::new(120);
                    while !calendar.is_working_day(finish) {
                        finish = finish + Days::new(1);
                    }
                }
                if is_milestone {
                    finish = start;
                }
                let done = finish < as_of && seq.next(4) != 0;
                let task = insert_task(
                    tx,
                    stamp,
                    project.id,
                    &NewTask {
                        parent_id: if is_summary { None } else { summary },
                        position: t as i64 + 1,
                        name: if is_milestone {
                            format!("里程碑{}", t / 10 + 1)
                        } else {
                            format!("任务{}", t + 1)
                        },
                        is_milestone,
                        planned_start: start,
                        planned_finish: finish,
                        duration_days: if is_milestone {
                            0
                        } else {
                            calendar.working_days_inclusive(start, finish)
                        },
                        percent_complete: if done { 100.0 } else { 0.0 },
                        actual_start: done.then_some(start),
                        actual_finish: done.then_some(finish),
                        acceptance: if is_milestone {
                            "验收合格".into()
                        } else {
                            String::new()
                        },
                    },
                )?;
                if is_summary {
                    summary = Some(task.id);
                } else {
                    if let Some(prev) = previous {
                        insert_dependency(tx, stamp, prev, task.id, LinkKind::FinishToStart, 0)?;
                    }
                    previous = Some(task.id);
                    start = finish + Days::new(1);
                }
            }
            let input = UpdateInput {
                week: IsoWeek::containing(as_of),
                percent_complete: seq.next(101) as f64,
                status,
                narrative: "按计划推进。".into(),
                issues: "无".into(),
                next_steps: "继续施工。".into(),
                if_reported: crate::portfolio::updates::IfReported::Refuse,
            };
            insert_update(tx, stamp, stamp, &project, &input)?;
            // The year's plan and each finished month's completion, about on course with
            // some ahead and some behind, so every light shows.
            let annual = 1_000 + seq.next(200_000) as i64;
            insert_plan(tx, stamp, project.id, 2021, Yuan(annual * 10_000), "")?;
            let pace = 30 + seq.next(90) as i64; // % of the on-course monthly amount
            for m in YearMonth::containing(as_of).previous().year_to_date() {
                let completed = annual * 10_000 / 12 * pace / 100 + seq.next(10_000) as i64;
                insert_month(tx, stamp, project.id, m, Yuan(completed), "")?;
            }
        }
        Ok(())
    })
}
