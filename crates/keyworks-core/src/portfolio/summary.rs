//! The portfolio at a glance: one row per project, counts by status, what is due and late.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::Result;
use crate::ids::{ProjectId, TaskId};
use crate::model::{Category, Portfolio, Project, Stage, Status, Task};
use crate::portfolio::milestones::{MilestoneQuery, MilestoneRow};
use crate::portfolio::plan_targets::TargetProgress;
use crate::store::db::Db;
use crate::supervision::approvals::ProjectApprovals;
use crate::supervision::overview::{InvestmentOverview, OverviewFilter};
use crate::week::IsoWeek;

/// How far ahead the dashboard looks for milestones "due soon".
pub const DUE_SOON_DAYS: u32 = 14;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NextMilestone {
    pub id: TaskId,
    pub name: String,
    pub due: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProjectSummary {
    pub id: ProjectId,
    pub code: String,
    pub name: String,
    pub category: Category,
    pub stage: Stage,
    pub lead_unit: String,
    /// 包抓领导, when one is named.
    pub leader: Option<String>,
    pub status: Status,
    /// From the latest weekly update; without one, the duration-weighted completion of its tasks.
    pub percent_complete: f64,
    pub last_update: Option<IsoWeek>,
    /// The earliest open milestone.
    pub next_milestone: Option<NextMilestone>,
    pub overdue_milestones: u32,
    /// Calendar days the most overdue open milestone is late.
    pub days_late: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StatusCounts {
    pub green: u32,
    pub yellow: u32,
    pub red: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PortfolioSummary {
    pub portfolio: Portfolio,
    pub as_of: NaiveDate,
    pub projects: Vec<ProjectSummary>,
    pub status_counts: StatusCounts,
    /// Open milestones due within `DUE_SOON_DAYS` of `as_of`.
    pub due_soon: Vec<MilestoneRow>,
    /// Open milestones past due, most late first.
    pub overdue: Vec<MilestoneRow>,
}

/// What the dashboard shows as of one date: the summary, every milestone (its chart counts
/// them per month) and the plan's targets, read together from one state of the file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Dashboard {
    pub summary: PortfolioSummary,
    pub milestones: Vec<MilestoneRow>,
    pub targets: Vec<TargetProgress>,
    /// The supervision table of the month supervision looks at (`Db::supervision_month`).
    pub investment: InvestmentOverview,
    /// Approval processes or items at risk (80% of their limit) or overdue.
    pub approvals_at_risk: Vec<ProjectApprovals>,
}

/// What a window first shows of a file: its dashboard as of the day it opens on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Opening {
    /// The date the sample describes, when this file is the sample portfolio.
    pub sample_as_of: Option<NaiveDate>,
    /// The sample's own date for the sample (where its 2021 milestones are not all years
    /// late), today for any other file.
    pub as_of: NaiveDate,
    pub dashboard: Dashboard,
}

impl Db {
    /// The first screen of this file, for a window opening on `today`.
    pub fn opening(&self, today: NaiveDate) -> Result<Opening> {
        let sample_as_of = self.sample_as_of()?;
        let as_of = sample_as_of.unwrap_or(today);
        Ok(Opening {
            sample_as_of,
            as_of,
            dashboard: self.dashboard(as_of)?,
        })
    }

    /// The dashboard as of `as_of`, in one read transaction.
    pub fn dashboard(&self, as_of: NaiveDate) -> Result<Dashboard> {
        self.read_snapshot(|db| {
            Ok(Dashboard {
                summary: db.portfolio_summary(as_of)?,
                milestones: db.milestones(&MilestoneQuery {
                    as_of,
                    due_within: None,
                    overdue: false,
                })?,
                targets: db.plan_targets()?,
                investment: db.overview_now(
                    db.supervision_month(as_of)?,
                    as_of,
                    &OverviewFilter::default(),
                )?,
                approvals_at_risk: db.approvals_at_risk(as_of)?,
            })
        })
    }

    pub fn portfolio_summary(&self, as_of: NaiveDate) -> Result<PortfolioSummary> {
        let portfolio = self.portfolio()?;
        let projects = self.projects()?;
        let conn = self.conn();

        let mut latest: HashMap<ProjectId, (f64, IsoWeek)> = HashMap::with_capacity(projects.len());
        {
            let mut stmt = conn.prepare_cached(
                "SELECT u.project_id, u.percent_complete, u.iso_week FROM weekly_updates u \
                 WHERE u.iso_week = (SELECT max(iso_week) FROM weekly_updates WHERE project_id = u.project_id)",
            )?;
            for row in stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))? {
                let (id, pct, week) = row?;
                latest.insert(id, (pct, week));
            }
        }

        let mut task_completion: HashMap<ProjectId, f64> = HashMap::new();
        for p in projects.iter().filter(|p| !latest.contains_key(&p.id)) {
            task_completion.insert(p.id, leaf_completion(&self.tasks_of(p.id)?));
        }

        struct OpenMilestones {
            next: Option<NextMilestone>,
            overdue: u32,
            days_late: i64,
        }
        let mut open: HashMap<ProjectId, OpenMilestones> = HashMap::new();
        {
            let mut stmt = conn.prepare_cached(
                "SELECT project_id, id, name, planned_finish FROM tasks \
                 WHERE is_milestone = 1 AND actual_finish IS NULL ORDER BY project_id, planned_finish, position",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, ProjectId>(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get::<_, NaiveDate>(3)?,
                ))
            })?;
            for row in rows {
                let (project, id, name, due) = row?;
                let entry = open.entry(project).or_insert(OpenMilestones {
                    next: None,
                    overdue: 0,
                    days_late: 0,
                });
                if entry.next.is_none() {
                    entry.next = Some(NextMilestone { id, name, due });
                }
                if due < as_of {
                    entry.overdue += 1;
                    entry.days_late = entry.days_late.max((as_of - due).num_days());
                }
            }
        }

        let mut status_counts = StatusCounts::default();
        let rows = projects
            .into_iter()
            .map(|p: Project| {
                match p.status {
                    Status::Green => status_counts.green += 1,
                    Status::Yellow => status_counts.yellow += 1,
                    Status::Red => status_counts.red += 1,
                }
                let (percent_complete, last_update) = match latest.get(&p.id) {
                    Some((pct, week)) => (*pct, Some(*week)),
                    None => (task_completion.get(&p.id).copied().unwrap_or(0.0), None),
                };
                let m = open.remove(&p.id);
                ProjectSummary {
                    id: p.id,
                    code: p.code,
                    name: p.name,
                    category: p.category,
                    stage: p.stage,
                    lead_unit: p.lead_unit,
                    leader: p.leader,
                    status: p.status,
                    percent_complete,
                    last_update,
                    overdue_milestones: m.as_ref().map_or(0, |m| m.overdue),
                    days_late: m.as_ref().map_or(0, |m| m.days_late),
                    next_milestone: m.and_then(|m| m.next),
                }
            })
            .collect();

        let due_soon = self.milestones(&MilestoneQuery {
            as_of,
            due_within: Some(DUE_SOON_DAYS),
            overdue: false,
        })?;
        let mut overdue = self.milestones(&MilestoneQuery {
            as_of,
            due_within: None,
            overdue: true,
        })?;
        overdue.sort_by(|a, b| {
            b.days_late
                .cmp(&a.days_late)
                .then_with(|| a.project_code.cmp(&b.project_code))
        });

        Ok(PortfolioSummary {
            portfolio,
            as_of,
            projects: rows,
            status_counts,
            due_soon,
            overdue,
        })
    }
}

/// The one rule of a project's completion when no weekly update states it: the
/// duration-weighted completion of its leaf work tasks (summaries would count their children
/// twice; milestones weigh nothing).
pub fn leaf_completion(tasks: &[Task]) -> f64 {
    let parents: std::collections::HashSet<_> = tasks.iter().filter_map(|t| t.parent_id).collect();
    let (weighted, days) = tasks
        .iter()
        .filter(|t| !t.is_milestone && !parents.contains(&t.id))
        .fold((0.0, 0i64), |(w, d), t| {
            (
                w + t.duration_days as f64 * t.percent_complete,
                d + t.duration_days,
            )
        });
    weighted / days.max(1) as f64
}
