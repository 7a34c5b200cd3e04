//! Schema 7's carry-over of the money a version-6 file stored as REAL 亿元 figures
//! (`projects.total_investment`, `projects.annual_investment`) into exact yuan, run by the
//! migration after its SQL. Each carried figure is a logged change, so `verify`, undo and the
//! history see it as they see any edit:
//! - the total goes to `projects.total_investment_yuan` (an update of the project row);
//! - the annual figure becomes the project's `investment_plans` row for the portfolio's year.
//!
//! The carry-over must give the same rows in every copy of one portfolio, since a hub and its
//! replicas are upgraded one by one: the stamp is fixed (author 「KeyWorks 升级」, at the time
//! of the file's last change), and a carried plan takes its project's id as its own, so that a
//! replica that pulls the hub's carry-over finds the rows it made itself, equal. On a replica
//! the carry-over is marked as not to be pushed (an origin row), since the hub makes its own.

use chrono::DateTime;
use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::{Map, Value};

use crate::audit::change_log::{Op, Stamp, append, current_group, record};
use crate::error::{Error, Result};
use crate::ids::{InvestmentPlanId, ProjectId};
use crate::model::InvestmentPlan;
use crate::money::Yuan;

/// Who the carry-over's changes are logged as.
pub const UPGRADE_AUTHOR: &str = "KeyWorks 升级";

/// The year a carried annual figure is planned for when the file has no portfolio row (a file
/// made by `Db::create` and filled by an import): the year of the project's dates, else this.
const FALLBACK_YEAR: i32 = 2021;

struct LegacyRow {
    id: ProjectId,
    code: String,
    total: Option<f64>,
    annual: Option<f64>,
    year_of_dates: Option<i32>,
}

/// Carries the REAL figures over and drops the REAL columns (see the module notes).
pub(crate) fn carry_over(tx: &Transaction<'_>) -> Result<()> {
    let rows = legacy_rows(tx)?;
    if !rows.is_empty() {
        let stamp = upgrade_stamp(tx)?;
        let portfolio_year: Option<i32> = tx
            .query_row("SELECT year FROM portfolio WHERE id = 1", [], |r| r.get(0))
            .optional()?;
        for row in &rows {
            carry_row(tx, &stamp, row, portfolio_year)?;
        }
        mark_not_pushed(tx, &stamp)?;
    }
    tx.execute_batch(
        "ALTER TABLE projects DROP COLUMN total_investment; \
         ALTER TABLE projects DROP COLUMN annual_investment;",
    )?;
    Ok(())
}

fn legacy_rows(tx: &Transaction<'_>) -> Result<Vec<LegacyRow>> {
    let mut stmt = tx.prepare(
        "SELECT id, code, total_investment, annual_investment, \
                CAST(substr(coalesce(planned_start, planned_finish), 1, 4) AS INTEGER) \
         FROM projects WHERE total_investment IS NOT NULL OR annual_investment IS NOT NULL \
         ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(LegacyRow {
            id: r.get(0)?,
            code: r.get(1)?,
            total: r.get(2)?,
            annual: r.get(3)?,
            year_of_dates: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The same in every copy of the file: the last change's time (every copy that has the rows
/// has the changes that made them), else a fixed instant.
fn upgrade_stamp(tx: &Transaction<'_>) -> Result<Stamp> {
    let last: Option<String> = tx
        .query_row(
            "SELECT at FROM change_log ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let at = last
        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .unwrap_or_else(|| DateTime::UNIX_EPOCH.fixed_offset());
    Stamp::new(UPGRADE_AUTHOR, at)
}

fn carry_row(
    tx: &Transaction<'_>,
    stamp: &Stamp,
    row: &LegacyRow,
    portfolio_year: Option<i32>,
) -> Result<()> {
    let exact = |v: f64, what: &str| {
        Yuan::from_legacy_yi(v).ok_or_else(|| {
            Error::Internal(format!(
                "项目 {} 的{what} {v} 亿元无法换算为元，请用旧版 KeyWorks 改正后再升级",
                row.code
            ))
        })
    };
    let mut changes = Map::new();
    if let Some(total) = row.total {
        let yuan = exact(total, "总投资")?;
        tx.execute(
            "UPDATE projects SET total_investment_yuan = ?1 WHERE id = ?2",
            params![yuan, row.id],
        )?;
        changes.insert(
            "total_investment".into(),
            pair(Value::from(total), Value::Null),
        );
        changes.insert(
            "total_investment_yuan".into(),
            pair(Value::Null, Value::from(yuan.0)),
        );
    }
    if let Some(annual) = row.annual {
        changes.insert(
            "annual_investment".into(),
            pair(Value::from(annual), Value::Null),
        );
    }
    append(
        tx,
        stamp,
        Op::Update,
        "projects",
        row.id.0,
        &Value::Object(changes).to_string(),
    )?;
    if let Some(annual) = row.annual {
        let plan = InvestmentPlan {
            // The project's own id: the same in every copy (see the module notes).
            id: InvestmentPlanId(row.id.0),
            project_id: row.id,
            year: portfolio_year
                .or(row.year_of_dates)
                .unwrap_or(FALLBACK_YEAR),
            annual_yuan: exact(annual, "年度计划投资")?,
            note: format!("由旧版的年度计划投资 {annual} 亿元换算"),
        };
        tx.execute(
            "INSERT INTO investment_plans (id, project_id, year, annual_yuan, note) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                plan.id,
                plan.project_id,
                plan.year,
                plan.annual_yuan,
                plan.note
            ],
        )?;
        record(tx, stamp, "investment_plans", plan.id.0, None, Some(&plan))?;
    }
    Ok(())
}

fn pair(before: Value, after: Value) -> Value {
    Value::Array(vec![before, after])
}

/// On a replica, records the carry-over's group as one not to push: the hub carries its own.
fn mark_not_pushed(tx: &Transaction<'_>, stamp: &Stamp) -> Result<()> {
    let Some(group) = current_group(tx)? else {
        return Ok(());
    };
    let me: Option<(i64, String)> = tx
        .query_row(
            "SELECT replica_no, file_id FROM sync_self WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((replica_no, file_id)) = me
        && replica_no != 0
    {
        tx.execute(
            "INSERT INTO sync_origins (tx_id, origin_file, origin_tx, origin_label, merged_by, merged_at, via) \
             VALUES (?1, ?2, ?1, '升级到第 7 版', ?3, ?4, 'sync')",
            params![group, file_id, stamp.author(), stamp.at_text()],
        )?;
    }
    Ok(())
}
