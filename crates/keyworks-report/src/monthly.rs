//! The monthly report's content: the month's supervision table (investment against 序时进度,
//! the lights and their reasons, from the core's `investment_overview`, the one source of every
//! face), the leaders, and the milestones done in the month and overdue at its end. Built from
//! the database; the layout (`layout::monthly`) only reads it.

use chrono::NaiveDate;
use keyworks_core::Db;
use keyworks_core::supervision::overview::{InvestmentOverview, OverviewFilter};
use keyworks_core::week::YearMonth;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::PortfolioHeader;
use crate::{Error, Result};

/// A milestone finished in the month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DoneMilestone {
    pub project_code: String,
    pub project_name: String,
    pub name: String,
    pub due: NaiveDate,
    pub done: NaiveDate,
}

/// A milestone open and past due at the month's end (or on the day looked at).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LateMilestone {
    pub project_code: String,
    pub project_name: String,
    pub name: String,
    pub due: NaiveDate,
    pub working_days_late: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthlyReport {
    pub portfolio: PortfolioHeader,
    pub month: YearMonth,
    pub overview: InvestmentOverview,
    /// Oldest first.
    pub done: Vec<DoneMilestone>,
    /// Most overdue first.
    pub overdue: Vec<LateMilestone>,
    /// Approval processes or items at risk or overdue at the month's end.
    pub approvals_at_risk: Vec<keyworks_core::supervision::approvals::ProjectApprovals>,
}

impl MonthlyReport {
    /// SHA-256 of the content, printed in the footer: two printouts of one month's figures
    /// carry the same hash whenever and wherever they were printed.
    pub fn content_hash(&self) -> Result<String> {
        let bytes = serde_json::to_vec(self).map_err(|e| {
            Error::Core(keyworks_core::Error::Internal(format!(
                "monthly report did not serialise: {e}"
            )))
        })?;
        Ok(Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect())
    }
}

/// The report for `month`, milestones judged on `as_of` (at most the month's last day).
pub fn build(db: &Db, month: YearMonth, as_of: NaiveDate) -> Result<MonthlyReport> {
    let overview = db.investment_overview(month, as_of, &OverviewFilter::default())?;
    let portfolio = db.portfolio()?;
    let as_of = overview.as_of;
    let mut done = Vec::new();
    for p in db.projects()? {
        for t in db.tasks_of(p.id)? {
            if let (true, Some(d)) = (t.is_milestone, t.actual_finish)
                && d >= month.first_day()
                && d <= as_of
            {
                done.push(DoneMilestone {
                    project_code: p.code.clone(),
                    project_name: p.name.clone(),
                    name: t.name.clone(),
                    due: t.planned_finish,
                    done: d,
                });
            }
        }
    }
    done.sort_by(|a, b| (a.done, &a.project_code).cmp(&(b.done, &b.project_code)));
    let mut overdue: Vec<LateMilestone> = overview
        .rows
        .iter()
        .flat_map(|r| {
            r.overdue.iter().map(|m| LateMilestone {
                project_code: r.code.clone(),
                project_name: r.name.clone(),
                name: m.name.clone(),
                due: m.due,
                working_days_late: m.working_days_late,
            })
        })
        .collect();
    overdue.sort_by(|a, b| {
        (std::cmp::Reverse(a.working_days_late), &a.project_code)
            .cmp(&(std::cmp::Reverse(b.working_days_late), &b.project_code))
    });
    Ok(MonthlyReport {
        portfolio: PortfolioHeader {
            name: portfolio.name,
            organisation: portfolio.organisation,
            year: portfolio.year,
            source: portfolio.source,
        },
        month,
        approvals_at_risk: db.approvals_needing_attention(overview.as_of)?,
        overview,
        done,
        overdue,
    })
}
