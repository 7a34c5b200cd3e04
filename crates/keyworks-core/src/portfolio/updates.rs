//! Weekly progress updates (周报): one per project and ISO week.

use rusqlite::{OptionalExtension, Transaction, params};

use crate::audit::change_log::{Stamp, record};
use crate::error::{Error, Result};
use crate::ids::UpdateId;
use crate::model::{Project, Status, WeeklyUpdate};
use crate::store::db::Db;
use crate::store::row_ids::next_id;
use crate::week::IsoWeek;

#[derive(Debug, Clone, PartialEq)]
pub struct UpdateInput {
    pub week: IsoWeek,
    pub percent_complete: f64,
    pub status: Status,
    pub narrative: String,
    pub issues: String,
    pub next_steps: String,
    /// What to do when the week already has an update: someone's words are never replaced
    /// unless the person filing says so.
    pub if_reported: IfReported,
}

/// The week of an update may already have one (a colleague's, or one's own earlier report).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum IfReported {
    /// Refuse, naming who filed the existing update and when (a new report).
    Refuse,
    /// Replace exactly this update, which the person has seen (the app's 替换 or 编辑); refused
    /// if the week's update is another one by now (a colleague filed meanwhile).
    Replace(UpdateId),
    /// Replace whatever the week has (the CLI's `--replace`, typed knowingly).
    ReplaceAny,
}

impl UpdateInput {
    fn validate(&self) -> Result<()> {
        if !(0.0..=100.0).contains(&self.percent_complete) {
            return Err(Error::invalid(
                "完成百分比",
                self.percent_complete.to_string(),
                "应在 0 到 100 之间",
            ));
        }
        if self.narrative.trim().is_empty() {
            return Err(Error::invalid("进展说明", "", "不能为空，请写明本周进展"));
        }
        Ok(())
    }
}

/// Writes the update for `input.week` (revising an existing one), logged under `stamp`;
/// `officer` is who wrote it and when, as the row shows.
pub(crate) fn insert_update(
    tx: &Transaction<'_>,
    stamp: &Stamp,
    officer: &Stamp,
    project: &Project,
    input: &UpdateInput,
) -> Result<WeeklyUpdate> {
    input.validate()?;
    let sql = format!(
        "SELECT {} FROM weekly_updates WHERE project_id = ?1 AND iso_week = ?2",
        WeeklyUpdate::COLUMNS
    );
    let before = tx
        .query_row(
            &sql,
            params![project.id, input.week],
            WeeklyUpdate::from_row,
        )
        .optional()?;
    if let Some(existing) = &before {
        let allowed = match input.if_reported {
            IfReported::Refuse => false,
            IfReported::Replace(id) => id == existing.id,
            IfReported::ReplaceAny => true,
        };
        if !allowed {
            return Err(Error::WeekAlreadyReported {
                code: project.code.clone(),
                week: input.week.to_string(),
                author: existing.author.clone(),
                recorded_at: existing.recorded_at.clone(),
                update: existing.id.0,
            });
        }
    }
    let sql = format!(
        "INSERT INTO weekly_updates (project_id, iso_week, percent_complete, status, narrative, issues, \
         next_steps, author, recorded_at, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
         ON CONFLICT (project_id, iso_week) DO UPDATE SET percent_complete = excluded.percent_complete, \
         status = excluded.status, narrative = excluded.narrative, issues = excluded.issues, \
         next_steps = excluded.next_steps, author = excluded.author, recorded_at = excluded.recorded_at \
         RETURNING {}",
        WeeklyUpdate::COLUMNS
    );
    let after = tx.query_row(
        &sql,
        params![
            project.id,
            input.week,
            input.percent_complete,
            input.status,
            input.narrative.trim(),
            input.issues.trim(),
            input.next_steps.trim(),
            officer.author(),
            officer.at_text(),
            next_id(tx, "weekly_updates")?
        ],
        WeeklyUpdate::from_row,
    )?;
    record(
        tx,
        stamp,
        "weekly_updates",
        after.id.0,
        before.as_ref(),
        Some(&after),
    )?;

    let latest: Option<IsoWeek> = tx.query_row(
        "SELECT max(iso_week) FROM weekly_updates WHERE project_id = ?1",
        [project.id],
        |r| r.get(0),
    )?;
    if latest == Some(input.week) {
        let sql = format!("SELECT {} FROM projects WHERE id = ?1", Project::COLUMNS);
        let current = tx.query_row(&sql, [project.id], Project::from_row)?;
        if current.status != input.status {
            let sql = format!(
                "UPDATE projects SET status = ?1 WHERE id = ?2 RETURNING {}",
                Project::COLUMNS
            );
            let updated =
                tx.query_row(&sql, params![input.status, project.id], Project::from_row)?;
            record(
                tx,
                stamp,
                "projects",
                project.id.0,
                Some(&current),
                Some(&updated),
            )?;
        }
    }
    Ok(after)
}

impl Db {
    /// Records the update for `input.week`; if that week already has one, replaces it only as
    /// `input.if_reported` allows. The project's status follows the update when it is the project's latest week.
    pub fn record_update(
        &mut self,
        code: &str,
        input: &UpdateInput,
        stamp: &Stamp,
    ) -> Result<WeeklyUpdate> {
        input.validate()?;
        let project = self.project_by_code(code)?;
        self.write_tx(|tx| insert_update(tx, stamp, stamp, &project, input))
    }

    /// A project's updates, oldest first.
    pub fn updates_of(&self, code: &str) -> Result<Vec<WeeklyUpdate>> {
        let project = self.project_by_code(code)?;
        let sql = format!(
            "SELECT {} FROM weekly_updates WHERE project_id = ?1 ORDER BY iso_week",
            WeeklyUpdate::COLUMNS
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([project.id], WeeklyUpdate::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
