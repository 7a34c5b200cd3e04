//! Marking several milestones done at once (the Milestones view's bulk action): all of them in
//! one transaction, or none when any one is refused.

use chrono::NaiveDate;
use rusqlite::params;

use crate::audit::change_log::{Stamp, record};
use crate::error::{Error, Result};
use crate::ids::TaskId;
use crate::model::Task;
use crate::portfolio::milestones::check_completion_date;
use crate::store::db::Db;

impl Db {
    /// Marks every milestone in `ids` done on `date` with the same note. Refuses the whole
    /// batch if any id is unknown or not a milestone, or if `date` lies after the stamp's day.
    pub fn complete_milestones(
        &mut self,
        ids: &[TaskId],
        date: NaiveDate,
        note: &str,
        stamp: &Stamp,
    ) -> Result<Vec<Task>> {
        if ids.is_empty() {
            return Err(Error::invalid("里程碑", "", "请至少选择一个里程碑"));
        }
        check_completion_date(date, stamp)?;
        let mut before = Vec::with_capacity(ids.len());
        for id in ids {
            if before.iter().any(|t: &Task| t.id == *id) {
                continue;
            }
            let task = self.task(*id)?;
            if !task.is_milestone {
                return Err(Error::NotAMilestone {
                    id: id.0,
                    name: task.name,
                });
            }
            before.push(task);
        }
        self.write_tx(|tx| {
            let sql = format!(
                "UPDATE tasks SET actual_start = ?1, actual_finish = ?1, percent_complete = 100, \
                 completion_note = ?2 WHERE id = ?3 RETURNING {}",
                Task::COLUMNS
            );
            let mut done = Vec::with_capacity(before.len());
            for was in &before {
                let after = tx
                    .prepare_cached(&sql)?
                    .query_row(params![date, note.trim(), was.id], Task::from_row)?;
                record(tx, stamp, "tasks", was.id.0, Some(was), Some(&after))?;
                done.push(after);
            }
            Ok(done)
        })
    }
}
