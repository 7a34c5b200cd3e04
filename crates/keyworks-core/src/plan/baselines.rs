//! Baselines: named, dated snapshots of a project's planned dates.

use chrono::NaiveDate;
use rusqlite::params;

use crate::audit::change_log::{Stamp, record};
use crate::error::{Error, Result};
use crate::ids::ProjectId;
use crate::model::{Baseline, BaselineTask};
use crate::store::db::Db;
use crate::store::row_ids::{next_id, next_ids};

pub(crate) fn insert_baseline(
    tx: &rusqlite::Transaction<'_>,
    stamp: &Stamp,
    project: ProjectId,
    name: &str,
    taken_on: NaiveDate,
) -> Result<Baseline> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid("基线名称", name, "不能为空"));
    }
    let sql = format!(
        "INSERT INTO baselines (project_id, name, taken_on, id) VALUES (?1, ?2, ?3, ?4) RETURNING {}",
        Baseline::COLUMNS
    );
    let baseline = tx
        .query_row(
            &sql,
            params![project, name, taken_on, next_id(tx, "baselines")?],
            Baseline::from_row,
        )
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::ConstraintViolation) => {
                Error::invalid("基线名称", name, "该项目已有同名基线，请换一个名称")
            }
            _ => Error::from(e),
        })?;
    record(tx, stamp, "baselines", baseline.id.0, None, Some(&baseline))?;
    let count: i64 = tx.query_row(
        "SELECT count(*) FROM tasks WHERE project_id = ?1",
        [project],
        |r| r.get(0),
    )?;
    let first_row_id = next_ids(tx, "baseline_tasks", count)?;
    let sql = format!(
        "INSERT INTO baseline_tasks (id, baseline_id, task_id, task_name, is_milestone, planned_start, \
         planned_finish, duration_days) \
         SELECT ?3 + row_number() OVER (ORDER BY position) - 1, ?1, id, name, is_milestone, planned_start, \
         planned_finish, duration_days FROM tasks WHERE project_id = ?2 ORDER BY position RETURNING {}",
        BaselineTask::COLUMNS
    );
    let mut stmt = tx.prepare(&sql)?;
    let rows = stmt
        .query_map(
            params![baseline.id, project, first_row_id],
            BaselineTask::from_row,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for row in &rows {
        record(tx, stamp, "baseline_tasks", row.id, None, Some(row))?;
    }
    Ok(baseline)
}

impl Db {
    /// Saves the project's current planned dates as a named baseline.
    pub fn save_baseline(
        &mut self,
        code: &str,
        name: &str,
        taken_on: NaiveDate,
        stamp: &Stamp,
    ) -> Result<Baseline> {
        let project = self.project_by_code(code)?;
        self.write_tx(|tx| insert_baseline(tx, stamp, project.id, name, taken_on))
    }

    pub fn baseline_tasks(&self, baseline: &Baseline) -> Result<Vec<BaselineTask>> {
        let sql = format!(
            "SELECT {} FROM baseline_tasks WHERE baseline_id = ?1 ORDER BY id",
            BaselineTask::COLUMNS
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([baseline.id], BaselineTask::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
