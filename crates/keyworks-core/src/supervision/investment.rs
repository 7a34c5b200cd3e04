//! 年度计划投资 and 当月完成投资: setting a project's plan for a year and recording what it
//! completed in a month. Both are upserts: setting or recording again corrects the row, and
//! the change log keeps both values.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;

use crate::audit::change_log::{Stamp, record};
use crate::error::{Error, Result};
use crate::ids::{InvestmentMonthId, InvestmentPlanId, ProjectId};
use crate::model::{InvestmentMonth, InvestmentPlan, Project};
use crate::money::Yuan;
use crate::portfolio::projects::find_project;
use crate::store::db::Db;
use crate::store::row_ids::next_id;
use crate::week::YearMonth;

/// What `set_investment_plan` and `record_investment_month` did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AmountSaved {
    pub project_code: String,
    /// The amount the row held before, None when it is new.
    pub previous: Option<Yuan>,
    pub now: Yuan,
}

fn plan_of(tx: &Transaction<'_>, project: ProjectId, year: i32) -> Result<Option<InvestmentPlan>> {
    let sql = format!(
        "SELECT {} FROM investment_plans WHERE project_id = ?1 AND year = ?2",
        InvestmentPlan::COLUMNS
    );
    Ok(tx
        .prepare_cached(&sql)?
        .query_row(params![project, year], InvestmentPlan::from_row)
        .optional()?)
}

fn month_of(
    tx: &Transaction<'_>,
    project: ProjectId,
    month: YearMonth,
) -> Result<Option<InvestmentMonth>> {
    let sql = format!(
        "SELECT {} FROM investment_months WHERE project_id = ?1 AND month = ?2",
        InvestmentMonth::COLUMNS
    );
    Ok(tx
        .prepare_cached(&sql)?
        .query_row(params![project, month], InvestmentMonth::from_row)
        .optional()?)
}

fn check_year(year: i32) -> Result<()> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(Error::invalid(
            "年度",
            year.to_string(),
            "年度应在 2000–2100 之间，例如 2021",
        ))
    }
}

impl Db {
    /// Sets `code`'s planned investment for `year` (and its total investment when given), in
    /// one transaction; setting it again corrects it.
    pub fn set_investment_plan(
        &mut self,
        code: &str,
        year: i32,
        annual: Yuan,
        total: Option<Yuan>,
        stamp: &Stamp,
    ) -> Result<AmountSaved> {
        check_year(year)?;
        self.write_tx(|tx| {
            let project = find_project(tx, code)?;
            let before = plan_of(tx, project.id, year)?;
            let after = match &before {
                Some(b) => {
                    tx.execute(
                        "UPDATE investment_plans SET annual_yuan = ?1 WHERE id = ?2",
                        params![annual, b.id],
                    )?;
                    InvestmentPlan {
                        annual_yuan: annual,
                        ..b.clone()
                    }
                }
                None => insert_plan(tx, stamp, project.id, year, annual, "")?,
            };
            if before.is_some() {
                record(
                    tx,
                    stamp,
                    "investment_plans",
                    after.id.0,
                    before.as_ref(),
                    Some(&after),
                )?;
            }
            if let Some(total) = total {
                set_total(tx, stamp, &project, total)?;
            }
            Ok(AmountSaved {
                project_code: project.code,
                previous: before.map(|b| b.annual_yuan),
                now: annual,
            })
        })
    }

    /// Records what `code` completed in `month`; recording the month again corrects it. A
    /// month that has not begun on the stamp's day cannot be reported yet.
    pub fn record_investment_month(
        &mut self,
        code: &str,
        month: YearMonth,
        completed: Yuan,
        note: Option<&str>,
        stamp: &Stamp,
    ) -> Result<AmountSaved> {
        let today = stamp.at().date_naive();
        if month.first_day() > today {
            return Err(Error::invalid(
                "月份",
                month.to_string(),
                &format!("{month} 还没有开始（今天是 {today}），只能填报已开始的月份"),
            ));
        }
        self.write_tx(|tx| {
            let project = find_project(tx, code)?;
            let before = month_of(tx, project.id, month)?;
            let note = note.map(str::trim);
            let after = match &before {
                Some(b) => {
                    let after = InvestmentMonth {
                        completed_yuan: completed,
                        note: note.map_or_else(|| b.note.clone(), str::to_owned),
                        ..b.clone()
                    };
                    tx.execute(
                        "UPDATE investment_months SET completed_yuan = ?1, note = ?2 WHERE id = ?3",
                        params![after.completed_yuan, after.note, after.id],
                    )?;
                    after
                }
                None => insert_month(
                    tx,
                    stamp,
                    project.id,
                    month,
                    completed,
                    note.unwrap_or_default(),
                )?,
            };
            if before.is_some() {
                record(
                    tx,
                    stamp,
                    "investment_months",
                    after.id.0,
                    before.as_ref(),
                    Some(&after),
                )?;
            }
            Ok(AmountSaved {
                project_code: project.code,
                previous: before.map(|b| b.completed_yuan),
                now: completed,
            })
        })
    }

    /// A project's plans, by year.
    pub fn investment_plans_of(&self, project: ProjectId) -> Result<Vec<InvestmentPlan>> {
        let sql = format!(
            "SELECT {} FROM investment_plans WHERE project_id = ?1 ORDER BY year",
            InvestmentPlan::COLUMNS
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([project], InvestmentPlan::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A project's recorded months, oldest first.
    pub fn investment_months_of(&self, project: ProjectId) -> Result<Vec<InvestmentMonth>> {
        let sql = format!(
            "SELECT {} FROM investment_months WHERE project_id = ?1 ORDER BY month",
            InvestmentMonth::COLUMNS
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([project], InvestmentMonth::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The latest month any project has recorded, if any.
    pub fn latest_investment_month(&self) -> Result<Option<YearMonth>> {
        Ok(self
            .conn()
            .query_row("SELECT max(month) FROM investment_months", [], |r| r.get(0))?)
    }

    /// The month supervision looks at on `today` unless asked for another: the latest month
    /// recorded up to today's month, else the last whole month.
    pub fn supervision_month(&self, today: NaiveDate) -> Result<YearMonth> {
        let this = YearMonth::containing(today);
        let latest: Option<YearMonth> = self.conn().query_row(
            "SELECT max(month) FROM investment_months WHERE month <= ?1",
            [this],
            |r| r.get(0),
        )?;
        Ok(latest.unwrap_or_else(|| this.previous()))
    }
}

/// Inserts a plan, logged (the seed and the synthetic portfolio use this too).
pub(crate) fn insert_plan(
    tx: &Transaction<'_>,
    stamp: &Stamp,
    project: ProjectId,
    year: i32,
    annual: Yuan,
    note: &str,
) -> Result<InvestmentPlan> {
    let plan = InvestmentPlan {
        id: InvestmentPlanId(next_id(tx, "investment_plans")?),
        project_id: project,
        year,
        annual_yuan: annual,
        note: note.to_owned(),
    };
    tx.prepare_cached(
        "INSERT INTO investment_plans (id, project_id, year, annual_yuan, note) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        plan.id,
        plan.project_id,
        plan.year,
        plan.annual_yuan,
        plan.note
    ])?;
    record(tx, stamp, "investment_plans", plan.id.0, None, Some(&plan))?;
    Ok(plan)
}

/// Inserts a recorded month, logged.
pub(crate) fn insert_month(
    tx: &Transaction<'_>,
    stamp: &Stamp,
    project: ProjectId,
    month: YearMonth,
    completed: Yuan,
    note: &str,
) -> Result<InvestmentMonth> {
    let row = InvestmentMonth {
        id: InvestmentMonthId(next_id(tx, "investment_months")?),
        project_id: project,
        month,
        completed_yuan: completed,
        note: note.to_owned(),
    };
    tx.prepare_cached(
        "INSERT INTO investment_months (id, project_id, month, completed_yuan, note) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        row.id,
        row.project_id,
        row.month,
        row.completed_yuan,
        row.note
    ])?;
    record(tx, stamp, "investment_months", row.id.0, None, Some(&row))?;
    Ok(row)
}

/// Sets a project's 总投资; logged as an update of the project.
pub(crate) fn set_total(
    tx: &Transaction<'_>,
    stamp: &Stamp,
    project: &Project,
    total: Yuan,
) -> Result<()> {
    tx.execute(
        "UPDATE projects SET total_investment_yuan = ?1 WHERE id = ?2",
        params![total, project.id],
    )?;
    let after = Project {
        total_investment_yuan: Some(total),
        ..project.clone()
    };
    record(
        tx,
        stamp,
        "projects",
        project.id.0,
        Some(project),
        Some(&after),
    )?;
    Ok(())
}
