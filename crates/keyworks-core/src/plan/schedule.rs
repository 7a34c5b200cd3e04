//! A project's schedule, from the database: its tasks and links read and handed to the engine
//! (plan/cpm.rs), the rows the Gantt and the CLI show, and the variance against a baseline.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::ids::TaskId;
use crate::model::{Baseline, Dependency, Task};
use crate::plan::calendar::Calendar;
use crate::plan::cpm::{Constraint, LinkSpec, TaskSpec, compute};
use crate::store::db::Db;

/// The links between two tasks of `project`, by id (links to other projects' tasks left out).
pub(crate) fn links_within(
    conn: &rusqlite::Connection,
    project: crate::ids::ProjectId,
) -> Result<Vec<Dependency>> {
    // CROSS JOIN fixes the order: each task of the project, then its incoming links by
    // the successor index. With two `IN (subquery)` filters SQLite probed the
    // (predecessor, successor) index for every pair of tasks: 22 s at 10,000 tasks.
    let columns = Dependency::COLUMNS
        .split(", ")
        .map(|c| format!("d.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {columns} FROM tasks s \
         CROSS JOIN dependencies d ON d.successor_id = s.id \
         CROSS JOIN tasks p ON p.id = d.predecessor_id \
         WHERE s.project_id = ?1 AND p.project_id = ?1 ORDER BY d.id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let links = stmt
        .query_map([project], Dependency::from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(links)
}

/// The engine's view of stored links.
pub(crate) fn link_spec(d: &Dependency) -> LinkSpec {
    LinkSpec {
        predecessor: d.predecessor_id,
        successor: d.successor_id,
        kind: d.kind,
        lag_days: d.lag_days,
    }
}

// ---- A project's schedule, from the database ----

/// One task of a project's schedule, in WBS order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScheduleRow {
    pub id: TaskId,
    pub parent_id: Option<TaskId>,
    /// 0 for a top-level task.
    pub depth: usize,
    pub name: String,
    pub is_milestone: bool,
    pub is_summary: bool,
    pub duration_days: i64,
    pub early_start: NaiveDate,
    pub early_finish: NaiveDate,
    pub late_start: NaiveDate,
    pub late_finish: NaiveDate,
    pub total_float: i64,
    pub free_float: i64,
    pub critical: bool,
    pub done: bool,
}

/// One step of the critical path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CriticalStep {
    pub id: TaskId,
    pub name: String,
    pub is_milestone: bool,
    pub start: NaiveDate,
    pub finish: NaiveDate,
}

/// A project's recomputed schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProjectSchedule {
    pub code: String,
    pub name: String,
    /// Name of the working calendar the dates are counted in.
    pub calendar: String,
    /// None for a project without tasks and without a planned start.
    pub project_start: Option<NaiveDate>,
    pub project_finish: Option<NaiveDate>,
    pub rows: Vec<ScheduleRow>,
    /// Critical tasks and milestones, earliest first.
    pub critical_path: Vec<CriticalStep>,
}

/// Which way a date moved against the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Later,
    Earlier,
}

impl Direction {
    pub fn label_zh(self) -> &'static str {
        match self {
            Direction::Later => "推迟",
            Direction::Earlier => "提前",
        }
    }
}

/// Current against baseline dates of one task. Variances are in working days of the project's
/// calendar, positive when the current date is later. A task added since the baseline has no
/// baseline dates; one deleted since has no current dates; either way, no variance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TaskVariance {
    pub task_id: TaskId,
    pub name: String,
    pub is_milestone: bool,
    pub baseline_start: Option<NaiveDate>,
    pub baseline_finish: Option<NaiveDate>,
    pub current_start: Option<NaiveDate>,
    pub current_finish: Option<NaiveDate>,
    pub start_variance: Option<i64>,
    pub finish_variance: Option<i64>,
}

/// A milestone whose date moved since the baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MilestoneSlip {
    pub task_id: TaskId,
    pub name: String,
    pub baseline_date: NaiveDate,
    pub current_date: NaiveDate,
    pub direction: Direction,
    /// How far, in working days; always positive.
    pub working_days: i64,
}

/// A project's current schedule compared with one of its baselines.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BaselineDiff {
    pub code: String,
    pub name: String,
    pub baseline: Baseline,
    pub tasks: Vec<TaskVariance>,
    /// Milestones that moved, in schedule order.
    pub slips: Vec<MilestoneSlip>,
}

impl Db {
    /// Recomputes a project's schedule from its tasks, dependencies and working calendar.
    ///
    /// A task's planned start acts as "start no earlier than" (MS Project sets that constraint
    /// when a start date is typed in), so the schedule keeps the plan unless links or actual
    /// dates push it later. Tasks with actual dates keep them. The calendar is the project's;
    /// without one, the built-in China calendar. Links to tasks of other projects are left out.
    pub fn schedule(&self, code: &str) -> Result<ProjectSchedule> {
        let project = self.project_by_code(code)?;
        Ok(self.project_schedule(&project)?.0)
    }

    fn project_schedule(
        &self,
        project: &crate::model::Project,
    ) -> Result<(ProjectSchedule, Calendar)> {
        let tasks = self.tasks_of(project.id)?;
        self.schedule_of(project, &tasks)
    }

    /// The schedule of `project` whose tasks, in WBS order, are `tasks` (already read), with
    /// the calendar it was counted on.
    pub(crate) fn schedule_of(
        &self,
        project: &crate::model::Project,
        tasks: &[Task],
    ) -> Result<(ProjectSchedule, Calendar)> {
        let (calendar_name, calendar) = self.calendar_of_project(project.id)?;
        let links = links_within(self.conn(), project.id)?;
        let mut schedule = ProjectSchedule {
            code: project.code.clone(),
            name: project.name.clone(),
            calendar: calendar_name,
            project_start: None,
            project_finish: None,
            rows: Vec::new(),
            critical_path: Vec::new(),
        };
        let Some(start) = project
            .planned_start
            .or_else(|| tasks.iter().map(|t| t.planned_start).min())
        else {
            return Ok((schedule, calendar));
        };
        let specs: Vec<TaskSpec> = tasks.iter().map(task_spec).collect();
        let link_specs: Vec<LinkSpec> = links.iter().map(link_spec).collect();
        let computed = compute(&calendar, start, &specs, &link_specs)?;
        let by_id: HashMap<TaskId, &Task> = tasks.iter().map(|t| (t.id, t)).collect();
        let depth = |t: &Task| {
            let mut depth = 0;
            let mut next = t.parent_id;
            // Bounded: the engine has already refused a parent loop.
            while let Some(p) = next.and_then(|id| by_id.get(&id)) {
                depth += 1;
                next = p.parent_id;
                if depth > tasks.len() {
                    break;
                }
            }
            depth
        };
        schedule.rows = tasks
            .iter()
            .zip(&computed.tasks)
            .map(|(t, c)| ScheduleRow {
                id: t.id,
                parent_id: t.parent_id,
                depth: depth(t),
                name: t.name.clone(),
                is_milestone: t.is_milestone,
                is_summary: c.is_summary,
                duration_days: t.duration_days,
                early_start: c.early_start,
                early_finish: c.early_finish,
                late_start: c.late_start,
                late_finish: c.late_finish,
                total_float: c.total_float,
                free_float: c.free_float,
                critical: c.critical,
                done: c.done,
            })
            .collect();
        let rows_by_id: HashMap<TaskId, &ScheduleRow> =
            schedule.rows.iter().map(|r| (r.id, r)).collect();
        schedule.critical_path = computed
            .critical_path
            .iter()
            .filter_map(|id| rows_by_id.get(id))
            .map(|r| CriticalStep {
                id: r.id,
                name: r.name.clone(),
                is_milestone: r.is_milestone,
                start: r.early_start,
                finish: r.early_finish,
            })
            .collect();
        schedule.project_start = Some(computed.project_start);
        schedule.project_finish = Some(computed.project_finish);
        Ok((schedule, calendar))
    }

    /// Compares a project's current schedule with a baseline: `against` names it, by default
    /// the latest (by date taken, then by when it was saved). The slips are the milestones
    /// whose date moved since that baseline.
    pub fn baseline_diff(&self, code: &str, against: Option<&str>) -> Result<BaselineDiff> {
        let project = self.project_by_code(code)?;
        let baseline = self.baseline_named(&project, against)?;
        let (schedule, calendar) = self.project_schedule(&project)?;
        self.variance(&project, baseline, &schedule, &calendar)
    }

    /// The baseline `against` names, by default the latest.
    pub(crate) fn baseline_named(
        &self,
        project: &crate::model::Project,
        against: Option<&str>,
    ) -> Result<Baseline> {
        let sql = format!(
            "SELECT {} FROM baselines WHERE project_id = ?1 ORDER BY taken_on, id",
            Baseline::COLUMNS
        );
        let baselines: Vec<Baseline> = self
            .conn()
            .prepare_cached(&sql)?
            .query_map([project.id], Baseline::from_row)?
            .collect::<rusqlite::Result<_>>()?;
        let baseline = match against.map(str::trim) {
            Some(name) => baselines
                .iter()
                .find(|b| b.name == name)
                .cloned()
                .ok_or_else(|| Error::UnknownBaseline {
                    code: project.code.clone(),
                    name: name.to_owned(),
                    available: if baselines.is_empty() {
                        "无".to_owned()
                    } else {
                        baselines
                            .iter()
                            .map(|b| b.name.as_str())
                            .collect::<Vec<_>>()
                            .join("、")
                    },
                })?,
            None => baselines.last().cloned().ok_or_else(|| Error::NoBaseline {
                code: project.code.clone(),
            })?,
        };
        Ok(baseline)
    }

    /// `schedule` (counted on `calendar`) against `baseline`.
    pub(crate) fn variance(
        &self,
        project: &crate::model::Project,
        baseline: Baseline,
        schedule: &ProjectSchedule,
        calendar: &Calendar,
    ) -> Result<BaselineDiff> {
        let saved = self.baseline_tasks(&baseline)?;
        let saved_by_id: HashMap<TaskId, &crate::model::BaselineTask> =
            saved.iter().map(|b| (b.task_id, b)).collect();
        let mut tasks = Vec::with_capacity(schedule.rows.len());
        let mut slips = Vec::new();
        for row in &schedule.rows {
            let base = saved_by_id.get(&row.id);
            let variance = |b: NaiveDate, c: NaiveDate| calendar.working_days_between(b, c);
            let finish_variance = base.map(|b| variance(b.planned_finish, row.early_finish));
            tasks.push(TaskVariance {
                task_id: row.id,
                name: row.name.clone(),
                is_milestone: row.is_milestone,
                baseline_start: base.map(|b| b.planned_start),
                baseline_finish: base.map(|b| b.planned_finish),
                current_start: Some(row.early_start),
                current_finish: Some(row.early_finish),
                start_variance: base.map(|b| variance(b.planned_start, row.early_start)),
                finish_variance,
            });
            if let (Some(b), Some(v)) = (base, finish_variance) {
                if row.is_milestone && v != 0 {
                    slips.push(MilestoneSlip {
                        task_id: row.id,
                        name: row.name.clone(),
                        baseline_date: b.planned_finish,
                        current_date: row.early_finish,
                        direction: if v > 0 {
                            Direction::Later
                        } else {
                            Direction::Earlier
                        },
                        working_days: v.abs(),
                    });
                }
            }
        }
        // Tasks deleted since the baseline: one set, not a search of the rows per saved task
        // (10,000 × 10,000 comparisons on a large plan).
        let current: std::collections::HashSet<TaskId> =
            schedule.rows.iter().map(|r| r.id).collect();
        for b in &saved {
            if !current.contains(&b.task_id) {
                tasks.push(TaskVariance {
                    task_id: b.task_id,
                    name: b.task_name.clone(),
                    is_milestone: b.is_milestone,
                    baseline_start: Some(b.planned_start),
                    baseline_finish: Some(b.planned_finish),
                    current_start: None,
                    current_finish: None,
                    start_variance: None,
                    finish_variance: None,
                });
            }
        }
        Ok(BaselineDiff {
            code: project.code.clone(),
            name: project.name.clone(),
            baseline,
            tasks,
            slips,
        })
    }
}

/// The engine's view of a stored task: its planned start holds it back unless it has begun.
pub(crate) fn task_spec(t: &Task) -> TaskSpec {
    let started = t.actual_start.is_some() || t.actual_finish.is_some();
    TaskSpec {
        id: t.id,
        name: t.name.clone(),
        duration_days: t.duration_days,
        is_milestone: t.is_milestone,
        parent: t.parent_id,
        constraint: (!started).then_some(Constraint::StartNoEarlierThan(t.planned_start)),
        actual_start: t.actual_start,
        actual_finish: t.actual_finish,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DayKind;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    // ---- From the database ----

    use crate::Stamp;
    use chrono::DateTime;

    fn stamp() -> Stamp {
        Stamp::new(
            "测试",
            DateTime::parse_from_rfc3339("2021-06-11T09:00:00+08:00").unwrap(),
        )
        .unwrap()
    }

    fn seeded() -> Db {
        let mut db = Db::open_in_memory().unwrap();
        db.load_seed(&stamp()).unwrap();
        db
    }

    #[test]
    fn every_seeded_project_has_a_critical_path_and_no_negative_float() {
        let db = seeded();
        let projects = db.projects().unwrap();
        assert_eq!(projects.len(), 15);
        for p in projects {
            let s = db.schedule(&p.code).unwrap();
            assert!(!s.critical_path.is_empty(), "{}: no critical path", p.code);
            for r in &s.rows {
                assert!(r.total_float >= 0, "{} {}: {r:?}", p.code, r.name);
                assert!(r.free_float >= 0, "{} {}: {r:?}", p.code, r.name);
                assert!(r.early_start <= r.early_finish, "{} {r:?}", p.code);
            }
            for step in &s.critical_path {
                let row = s.rows.iter().find(|r| r.id == step.id).unwrap();
                assert!(row.critical && !row.is_summary && !row.done, "{row:?}");
            }
            assert_eq!(s.calendar, crate::plan::calendar::CHINA_CALENDAR_NAME);
            assert_eq!(s.rows.len(), db.tasks_of(p.id).unwrap().len());
        }
    }

    #[test]
    fn a_seeded_schedule_keeps_the_plan_where_nothing_pushes_it() {
        let db = seeded();
        let p = &db.projects().unwrap()[0];
        let s = db.schedule(&p.code).unwrap();
        for (row, t) in s.rows.iter().zip(db.tasks_of(p.id).unwrap()) {
            assert_eq!(row.name, t.name);
            if let Some(a) = t.actual_start {
                assert_eq!(row.early_start, a, "{}", t.name);
            }
            if !row.is_summary && t.actual_start.is_none() {
                assert!(row.early_start >= t.planned_start, "{}", t.name);
            }
        }
    }

    #[test]
    fn baseline_diff_measures_working_days_and_reports_moved_milestones() {
        let mut db = seeded();
        let p = db.projects().unwrap()[0].clone();
        let diff = db.baseline_diff(&p.code, None).unwrap();
        assert_eq!(diff.baseline.name, crate::store::seed::SEED_BASELINE);
        assert_eq!(diff.tasks.len(), db.tasks_of(p.id).unwrap().len());
        // Move a milestone out by hand: it is reported, in working days, as later.
        let milestone = db
            .tasks_of(p.id)
            .unwrap()
            .into_iter()
            .find(|t| t.is_milestone && t.actual_finish.is_none())
            .unwrap();
        let china = Calendar::china().unwrap();
        let new_day = china.add_working_days(milestone.planned_finish, 3).unwrap();
        db.conn()
            .execute(
                "UPDATE tasks SET planned_start = ?1, planned_finish = ?1 WHERE id = ?2",
                rusqlite::params![new_day, milestone.id],
            )
            .unwrap();
        let diff = db
            .baseline_diff(&p.code, Some(crate::store::seed::SEED_BASELINE))
            .unwrap();
        let slip = diff
            .slips
            .iter()
            .find(|s| s.task_id == milestone.id)
            .unwrap();
        assert_eq!(slip.direction, Direction::Later);
        assert!(slip.working_days >= 3, "{slip:?}");
        // A baseline saved now has the milestone where it is.
        db.save_baseline(&p.code, "第24周", d(2021, 6, 11), &stamp())
            .unwrap();
        let diff = db.baseline_diff(&p.code, None).unwrap();
        assert_eq!(diff.baseline.name, "第24周");
        assert!(
            diff.slips.iter().all(|s| s.task_id != milestone.id),
            "{:?}",
            diff.slips
        );
        // Unknown names list the ones there are.
        let e = db.baseline_diff(&p.code, Some("没有")).unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::NotFound);
        assert!(e.to_string().contains("第24周"), "{e}");
    }

    #[test]
    fn a_project_without_a_baseline_says_how_to_save_one() {
        let mut db = seeded();
        let p = db.projects().unwrap()[0].clone();
        db.conn()
            .execute_batch("DELETE FROM baseline_tasks; DELETE FROM baselines;")
            .unwrap();
        let e = db.baseline_diff(&p.code, None).unwrap_err();
        assert!(e.to_string().contains("baseline save"), "{e}");
        let _ = &mut db;
    }

    const YEAR_2027: &str = r#"{"year":2027,"papers":["示例"],"days":[
        {"name":"元旦","date":"2027-01-01","isOffDay":true},
        {"name":"春节","date":"2027-02-06","isOffDay":false},
        {"name":"春节","date":"2027-02-08","isOffDay":true}]}"#;

    #[test]
    fn importing_a_year_replaces_it_in_one_logged_transaction() {
        let mut db = seeded();
        let before = db.change_log(1).unwrap()[0].id;
        let imported = db
            .import_holiday_year(YEAR_2027, "2027.json", &stamp())
            .unwrap();
        assert_eq!(
            (imported.year, imported.holidays, imported.workdays),
            (2027, 2, 1)
        );
        assert!(!imported.created_calendar);
        let days = db.holiday_year(2027).unwrap();
        assert_eq!(days.len(), 3);
        assert_eq!(days[1].kind, DayKind::Workday);
        let logged = db.change_log(10).unwrap();
        assert_eq!(logged.iter().filter(|c| c.id > before).count(), 3);
        // Again: nothing changes, nothing is logged.
        db.import_holiday_year(YEAR_2027, "2027.json", &stamp())
            .unwrap();
        assert_eq!(db.change_log(1).unwrap()[0].id, logged[0].id);
        // A revised file replaces the year: 02-08 dropped, 02-09 added.
        let revised = YEAR_2027.replace("2027-02-08", "2027-02-09");
        let r = db
            .import_holiday_year(&revised, "2027.json", &stamp())
            .unwrap();
        assert_eq!(r.removed, 1);
        let dates: Vec<NaiveDate> = db
            .holiday_year(2027)
            .unwrap()
            .iter()
            .map(|x| x.date)
            .collect();
        assert_eq!(dates, [d(2027, 1, 1), d(2027, 2, 6), d(2027, 2, 9)]);
        // Re-importing the built-in 2018 keeps 2018-12-29, which 2019.json lists.
        let y2018 = include_str!("../../../../assets/holiday-cn/2018.json");
        db.import_holiday_year(y2018, "2018.json", &stamp())
            .unwrap();
        assert!(
            db.holiday_year(2018)
                .unwrap()
                .iter()
                .any(|x| x.date == d(2018, 12, 29))
        );
    }

    #[test]
    fn a_bad_holiday_file_changes_nothing() {
        let mut db = seeded();
        let before = db.change_log(1).unwrap()[0].id;
        for bad in [
            "{\"year\": 2027, \"days\": [",
            r#"{"year":2027,"papers":[],"days":[]}"#,
            r#"{"year":2027,"papers":[],"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true},{"name":"元旦","date":"2027-01-01","isOffDay":true}]}"#,
        ] {
            let e = db
                .import_holiday_year(bad, "2027.json", &stamp())
                .unwrap_err();
            assert_eq!(e.code(), crate::ErrorCode::InvalidInput, "{e}");
            assert!(e.to_string().contains("2027"), "{e}");
        }
        assert_eq!(db.change_log(1).unwrap()[0].id, before);
        assert!(db.holiday_year(2027).unwrap().is_empty());
    }

    #[test]
    fn a_database_without_the_china_calendar_gets_one_on_import() {
        let mut db = Db::open_in_memory().unwrap();
        assert_eq!(
            db.holiday_year(2021).unwrap().len(),
            Calendar::china().unwrap().exceptions_in_year(2021).len()
        );
        let r = db
            .import_holiday_year(YEAR_2027, "2027.json", &stamp())
            .unwrap();
        assert!(r.created_calendar);
        assert!(db.china_calendar_id().unwrap().is_some());
        assert_eq!(db.holiday_year(2027).unwrap().len(), 3);
        assert!(!db.holiday_year(2021).unwrap().is_empty());
    }
}
