//! Milestones across the portfolio: what is due, what is late, and marking them done.

use chrono::NaiveDate;
use rusqlite::params;
use serde::Serialize;

use crate::audit::change_log::{Stamp, record};
use crate::error::{Error, Result};
use crate::ids::TaskId;
use crate::model::Task;
use crate::store::db::Db;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum MilestoneState {
    Done,
    Overdue,
    Open,
}

impl MilestoneState {
    /// The one rule of a milestone's state on `as_of`: done when it has a completion date,
    /// overdue when its due date has passed without one, else open; with the calendar days it
    /// is late (as of `as_of` when open, at completion when done; never negative). A report of
    /// a past week passes only the completions known by then.
    pub fn of(
        due: NaiveDate,
        actual: Option<NaiveDate>,
        as_of: NaiveDate,
    ) -> (MilestoneState, i64) {
        match actual {
            Some(a) => (MilestoneState::Done, (a - due).num_days().max(0)),
            None if due < as_of => (MilestoneState::Overdue, (as_of - due).num_days()),
            None => (MilestoneState::Open, 0),
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            MilestoneState::Done => "已完成",
            MilestoneState::Overdue => "已逾期",
            MilestoneState::Open => "未完成",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MilestoneRow {
    pub id: TaskId,
    pub project_code: String,
    pub project_name: String,
    pub name: String,
    pub due: NaiveDate,
    pub actual: Option<NaiveDate>,
    pub acceptance: String,
    pub state: MilestoneState,
    /// Calendar days past due: as of `as_of` when open, at completion when done; never negative.
    pub days_late: i64,
}

impl MilestoneRow {
    const SELECT: &'static str = "SELECT t.id, p.code, p.name, t.name, t.planned_finish, t.actual_finish, t.acceptance \
         FROM tasks t JOIN projects p ON p.id = t.project_id WHERE t.is_milestone = 1";

    fn from_row(row: &rusqlite::Row<'_>, as_of: NaiveDate) -> rusqlite::Result<Self> {
        let due: NaiveDate = row.get(4)?;
        let actual: Option<NaiveDate> = row.get(5)?;
        let (state, days_late) = MilestoneState::of(due, actual, as_of);
        Ok(MilestoneRow {
            id: row.get(0)?,
            project_code: row.get(1)?,
            project_name: row.get(2)?,
            name: row.get(3)?,
            due,
            actual,
            acceptance: row.get(6)?,
            state,
            days_late,
        })
    }
}

/// Which milestones to list. With neither `due_within` nor `overdue`, all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneQuery {
    pub as_of: NaiveDate,
    /// Open milestones due from `as_of` to `as_of + days`.
    pub due_within: Option<u32>,
    /// Open milestones already past due.
    pub overdue: bool,
}

impl Db {
    /// Milestones by due date, then project code.
    pub fn milestones(&self, q: &MilestoneQuery) -> Result<Vec<MilestoneRow>> {
        let mut sql = MilestoneRow::SELECT.to_owned();
        let horizon = q
            .due_within
            .map(|d| q.as_of + chrono::Days::new(u64::from(d)))
            .unwrap_or(q.as_of);
        match (q.due_within.is_some(), q.overdue) {
            (false, false) => {}
            (true, false) => {
                sql.push_str(" AND t.actual_finish IS NULL AND t.planned_finish BETWEEN ?1 AND ?2")
            }
            (false, true) => sql.push_str(" AND t.actual_finish IS NULL AND t.planned_finish < ?1"),
            (true, true) => sql.push_str(" AND t.actual_finish IS NULL AND t.planned_finish <= ?2"),
        }
        sql.push_str(" ORDER BY t.planned_finish, p.code, t.position");
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let n = stmt.parameter_count();
        let map = |r: &rusqlite::Row<'_>| MilestoneRow::from_row(r, q.as_of);
        let rows = match n {
            0 => stmt.query_map([], map)?.collect::<rusqlite::Result<_>>(),
            1 => stmt.query_map([q.as_of], map)?.collect(),
            _ => stmt.query_map(params![q.as_of, horizon], map)?.collect(),
        };
        Ok(rows?)
    }

    /// Marks a milestone done on `date` with an optional note. `date` may not lie after the
    /// day of the stamp: nobody can have accepted work tomorrow.
    pub fn complete_milestone(
        &mut self,
        id: TaskId,
        date: NaiveDate,
        note: &str,
        stamp: &Stamp,
    ) -> Result<Task> {
        let before = self.task(id)?;
        if !before.is_milestone {
            return Err(Error::NotAMilestone {
                id: id.0,
                name: before.name,
            });
        }
        check_completion_date(date, stamp)?;
        self.write_tx(|tx| {
            let sql = format!(
                "UPDATE tasks SET actual_start = ?1, actual_finish = ?1, percent_complete = 100, \
                 completion_note = ?2 WHERE id = ?3 RETURNING {}",
                Task::COLUMNS
            );
            let after = tx.query_row(&sql, params![date, note.trim(), id], Task::from_row)?;
            record(tx, stamp, "tasks", id.0, Some(&before), Some(&after))?;
            Ok(after)
        })
    }
}

/// The one rule of a completion date: not after the day of the stamp, for nobody can have
/// accepted work tomorrow.
pub(crate) fn check_completion_date(date: NaiveDate, stamp: &Stamp) -> Result<()> {
    let today = stamp.at().date_naive();
    if date > today {
        return Err(Error::invalid(
            "完成日期",
            date.to_string(),
            &format!("不能晚于今天（{today}）"),
        ));
    }
    Ok(())
}
