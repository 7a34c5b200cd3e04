//! Projects and their WBS: typed inserts that write the change log, and reads.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;

use crate::audit::change_log::{Stamp, record};
use crate::error::{Error, Result};
use crate::ids::{CalendarId, ProjectId, TaskId};
use crate::model::{
    Baseline, Category, Dependency, Funding, InvestmentMonth, InvestmentPlan, LinkKind, Portfolio,
    Project, Stage, Status, Target, Task, WeeklyUpdate,
};
use crate::money::Yuan;
use crate::store::db::Db;
use crate::store::row_ids::next_id;

#[derive(Debug, Clone, PartialEq)]
pub struct NewProject {
    pub code: String,
    pub name: String,
    pub category: Category,
    pub stage: Stage,
    pub lead_unit: String,
    pub contact: String,
    pub location: String,
    pub total_investment_yuan: Option<Yuan>,
    pub leader: Option<String>,
    pub funding: Option<Funding>,
    pub planned_start: Option<NaiveDate>,
    pub planned_finish: Option<NaiveDate>,
    pub status: Status,
    pub calendar_id: Option<CalendarId>,
    pub description: String,
    pub plan_sentence: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewTarget {
    pub name: String,
    pub quantity: f64,
    pub unit: String,
    pub actual: Option<f64>,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewTask {
    pub parent_id: Option<TaskId>,
    pub position: i64,
    pub name: String,
    pub is_milestone: bool,
    pub planned_start: NaiveDate,
    pub planned_finish: NaiveDate,
    pub duration_days: i64,
    pub percent_complete: f64,
    pub actual_start: Option<NaiveDate>,
    pub actual_finish: Option<NaiveDate>,
    pub acceptance: String,
}

/// Everything KeyWorks knows about one project.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProjectDetail {
    pub project: Project,
    pub targets: Vec<Target>,
    /// In WBS display order.
    pub tasks: Vec<Task>,
    pub dependencies: Vec<Dependency>,
    /// Oldest first.
    pub updates: Vec<WeeklyUpdate>,
    pub baselines: Vec<Baseline>,
    /// 年度计划投资 by year.
    pub investment_plans: Vec<InvestmentPlan>,
    /// 当月完成投资, oldest month first.
    pub investment_months: Vec<InvestmentMonth>,
}

fn conflict_or(e: rusqlite::Error, field: &str, value: &str, expected: &str) -> Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => Error::invalid(field, value, expected),
        _ => Error::from(e),
    }
}

/// The project with this code (any case) or exact name, on any connection (a use case's
/// transaction looks its project up inside itself).
pub(crate) fn find_project(conn: &rusqlite::Connection, code: &str) -> Result<Project> {
    let sql = format!(
        "SELECT {} FROM projects WHERE code = ?1 COLLATE NOCASE OR name = ?1 ORDER BY code = ?1 COLLATE NOCASE DESC LIMIT 1",
        Project::COLUMNS
    );
    conn.prepare_cached(&sql)?
        .query_row([code.trim()], Project::from_row)
        .optional()?
        .ok_or_else(|| Error::UnknownProject {
            code: code.to_owned(),
        })
}

pub(crate) fn insert_portfolio(tx: &Transaction<'_>, stamp: &Stamp, p: &Portfolio) -> Result<()> {
    tx.execute(
        "INSERT INTO portfolio (id, name, year, organisation, source, note) VALUES (1, ?1, ?2, ?3, ?4, ?5)",
        params![p.name, p.year, p.organisation, p.source, p.note],
    )?;
    record(tx, stamp, "portfolio", 1, None, Some(p))?;
    Ok(())
}

pub(crate) fn insert_project(
    tx: &Transaction<'_>,
    stamp: &Stamp,
    p: &NewProject,
) -> Result<Project> {
    let sql = format!(
        "INSERT INTO projects (code, name, category, stage, lead_unit, contact, location, total_investment_yuan, \
         leader, funding, planned_start, planned_finish, status, calendar_id, description, plan_sentence, id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) RETURNING {}",
        Project::COLUMNS
    );
    let row = tx
        .query_row(
            &sql,
            params![
                p.code,
                p.name,
                p.category,
                p.stage,
                p.lead_unit,
                p.contact,
                p.location,
                p.total_investment_yuan,
                p.leader,
                p.funding,
                p.planned_start,
                p.planned_finish,
                p.status,
                p.calendar_id,
                p.description,
                p.plan_sentence,
                next_id(tx, "projects")?
            ],
            Project::from_row,
        )
        .map_err(|e| {
            conflict_or(
                e,
                "项目编号",
                &p.code,
                "编号已被使用或字段不合规，请换一个编号",
            )
        })?;
    record(tx, stamp, "projects", row.id.0, None, Some(&row))?;
    Ok(row)
}

pub(crate) fn insert_target(
    tx: &Transaction<'_>,
    stamp: &Stamp,
    project: ProjectId,
    position: i64,
    t: &NewTarget,
) -> Result<Target> {
    let sql = format!(
        "INSERT INTO targets (project_id, position, name, quantity, unit, actual, source, id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING {}",
        Target::COLUMNS
    );
    let row = tx.query_row(
        &sql,
        params![
            project,
            position,
            t.name,
            t.quantity,
            t.unit,
            t.actual,
            t.source,
            next_id(tx, "targets")?
        ],
        Target::from_row,
    )?;
    record(tx, stamp, "targets", row.id.0, None, Some(&row))?;
    Ok(row)
}

pub(crate) fn insert_task(
    tx: &Transaction<'_>,
    stamp: &Stamp,
    project: ProjectId,
    t: &NewTask,
) -> Result<Task> {
    let sql = format!(
        "INSERT INTO tasks (project_id, parent_id, position, name, is_milestone, planned_start, planned_finish, \
         duration_days, percent_complete, actual_start, actual_finish, acceptance, id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) RETURNING {}",
        Task::COLUMNS
    );
    let row = tx
        .prepare_cached(&sql)?
        .query_row(
            params![
                project,
                t.parent_id,
                t.position,
                t.name,
                t.is_milestone,
                t.planned_start,
                t.planned_finish,
                t.duration_days,
                t.percent_complete,
                t.actual_start,
                t.actual_finish,
                t.acceptance,
                next_id(tx, "tasks")?
            ],
            Task::from_row,
        )
        .map_err(|e| {
            conflict_or(
                e,
                "任务",
                &t.name,
                "日期须为开始不晚于完成，完成百分比在 0–100 之间，里程碑的开始与完成须为同一天",
            )
        })?;
    record(tx, stamp, "tasks", row.id.0, None, Some(&row))?;
    Ok(row)
}

pub(crate) fn insert_dependency(
    tx: &Transaction<'_>,
    stamp: &Stamp,
    predecessor: TaskId,
    successor: TaskId,
    kind: LinkKind,
    lag_days: i64,
) -> Result<Dependency> {
    let sql = format!(
        "INSERT INTO dependencies (predecessor_id, successor_id, kind, lag_days, id) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING {}",
        Dependency::COLUMNS
    );
    let row = tx
        .prepare_cached(&sql)?
        .query_row(
            params![
                predecessor,
                successor,
                kind,
                lag_days,
                next_id(tx, "dependencies")?
            ],
            Dependency::from_row,
        )
        .map_err(|e| {
            conflict_or(
                e,
                "依赖",
                &format!("{predecessor}→{successor}"),
                "两个任务之间只能有一条依赖，且任务不能依赖自身",
            )
        })?;
    record(tx, stamp, "dependencies", row.id.0, None, Some(&row))?;
    Ok(row)
}

impl Db {
    pub fn portfolio(&self) -> Result<Portfolio> {
        let sql = format!("SELECT {} FROM portfolio WHERE id = 1", Portfolio::COLUMNS);
        self.conn()
            .query_row(&sql, [], Portfolio::from_row)
            .optional()?
            .ok_or_else(|| Error::Corrupt {
                path: self.path().map(ToOwned::to_owned).unwrap_or_default(),
                detail: "缺少项目集信息（portfolio 表为空）".to_owned(),
            })
    }

    /// All projects, ordered by code.
    pub fn projects(&self) -> Result<Vec<Project>> {
        let sql = format!("SELECT {} FROM projects ORDER BY code", Project::COLUMNS);
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([], Project::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The project with this code (case-insensitive), or with exactly this name.
    pub fn project_by_code(&self, code: &str) -> Result<Project> {
        find_project(self.conn(), code)
    }

    pub fn task(&self, id: TaskId) -> Result<Task> {
        let sql = format!("SELECT {} FROM tasks WHERE id = ?1", Task::COLUMNS);
        self.conn()
            .query_row(&sql, [id], Task::from_row)
            .optional()?
            .ok_or(Error::UnknownTask { id: id.0 })
    }

    pub fn tasks_of(&self, project: ProjectId) -> Result<Vec<Task>> {
        let sql = format!(
            "SELECT {} FROM tasks WHERE project_id = ?1 ORDER BY position, id",
            Task::COLUMNS
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([project], Task::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn project_detail(&self, code: &str) -> Result<ProjectDetail> {
        let project = self.project_by_code(code)?;
        let id = project.id;
        let conn = self.conn();
        let targets = {
            let sql = format!(
                "SELECT {} FROM targets WHERE project_id = ?1 ORDER BY position",
                Target::COLUMNS
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            stmt.query_map([id], Target::from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?
        };
        let tasks = self.tasks_of(id)?;
        let dependencies = {
            let sql = format!(
                "SELECT {} FROM dependencies WHERE successor_id IN (SELECT id FROM tasks WHERE project_id = ?1) ORDER BY id",
                Dependency::COLUMNS
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            stmt.query_map([id], Dependency::from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?
        };
        let updates = {
            let sql = format!(
                "SELECT {} FROM weekly_updates WHERE project_id = ?1 ORDER BY iso_week",
                WeeklyUpdate::COLUMNS
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            stmt.query_map([id], WeeklyUpdate::from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?
        };
        let baselines = {
            let sql = format!(
                "SELECT {} FROM baselines WHERE project_id = ?1 ORDER BY taken_on, id",
                Baseline::COLUMNS
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            stmt.query_map([id], Baseline::from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?
        };
        let investment_plans = self.investment_plans_of(id)?;
        let investment_months = self.investment_months_of(id)?;
        Ok(ProjectDetail {
            investment_plans,
            investment_months,
            project,
            targets,
            tasks,
            dependencies,
            updates,
            baselines,
        })
    }
}
