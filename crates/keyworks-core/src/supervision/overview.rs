//! The month's supervision table: per project and for the whole portfolio, the year's plan,
//! what was completed in the month and from January, the completion rate against 序时进度,
//! and the light with its reasons. `invest show`, the app, the monthly report and the upward
//! sheet all read this one table, so their figures agree to the yuan.

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::error::Result;
use crate::ids::{CalendarId, ProjectId};
use crate::model::{Project, Status};
use crate::money::Yuan;
use crate::plan::calendar::ProjectCalendars;
use crate::store::db::Db;
use crate::supervision::warnings::{
    Light, OverdueMilestone, ProjectWarning, WarningRules, elapsed_share, investment_warning,
    schedule_warning,
};
use crate::week::YearMonth;

/// One project's line.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InvestmentRow {
    pub project_id: ProjectId,
    pub code: String,
    pub name: String,
    pub leader: Option<String>,
    pub lead_unit: String,
    /// The status the officer declared; the light stands beside it.
    pub declared: Status,
    pub total_yuan: Option<Yuan>,
    /// The plan for the month's year; None when none was set.
    pub annual_yuan: Option<Yuan>,
    /// Completed in the month; None when the month was not recorded.
    pub month_yuan: Option<Yuan>,
    /// Completed from January to the month.
    pub year_to_date_yuan: Yuan,
    /// year_to_date / annual (0.18 for 18%); None without a plan.
    pub completion_rate: Option<f64>,
    /// Open milestones past due on the day looked at, most overdue first.
    pub overdue: Vec<OverdueMilestone>,
    pub warning: ProjectWarning,
}

/// Sums over the rows shown, exact.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InvestmentTotals {
    pub total_yuan: Yuan,
    pub annual_yuan: Yuan,
    pub month_yuan: Yuan,
    pub year_to_date_yuan: Yuan,
    pub completion_rate: Option<f64>,
    pub red: u32,
    pub yellow: u32,
    pub green: u32,
}

/// One month of the year, cumulative, for the dashboard's chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CumulativeMonth {
    pub month: YearMonth,
    /// Completed from January to this month, all rows shown.
    pub completed_yuan: Yuan,
    /// The annual plans times the share of the year passed (序时进度), to the yuan.
    pub on_course_yuan: Yuan,
}

/// Which projects to show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OverviewFilter {
    /// Only this project (code or exact name).
    pub project: Option<String>,
    /// Only projects this leader answers for.
    pub leader: Option<String>,
    /// Only projects with this light.
    pub light: Option<Light>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InvestmentOverview {
    pub month: YearMonth,
    /// The day the schedule warnings were weighed on: the month's last day, or today when the
    /// month is not over.
    pub as_of: NaiveDate,
    /// 序时进度: M/12.
    pub elapsed_share: f64,
    pub rules: WarningRules,
    /// In project-code order.
    pub rows: Vec<InvestmentRow>,
    pub totals: InvestmentTotals,
    /// January to the month.
    pub cumulative: Vec<CumulativeMonth>,
}

impl InvestmentOverview {
    /// The rows grouped by leader, in the order leaders first appear; projects without a
    /// leader last, under None.
    pub fn by_leader(&self) -> Vec<(Option<&str>, Vec<&InvestmentRow>)> {
        let mut groups: Vec<(Option<&str>, Vec<&InvestmentRow>)> = Vec::new();
        for row in &self.rows {
            let leader = row.leader.as_deref();
            match groups.iter_mut().find(|(l, _)| *l == leader) {
                Some((_, rows)) => rows.push(row),
                None => groups.push((leader, vec![row])),
            }
        }
        groups.sort_by_key(|(l, _)| l.is_none());
        groups
    }
}

impl Db {
    /// The supervision table for `month`, with schedule warnings weighed on `as_of` (pass the
    /// month's last day for a report of a finished month; it is capped there).
    pub fn investment_overview(
        &self,
        month: YearMonth,
        as_of: NaiveDate,
        filter: &OverviewFilter,
    ) -> Result<InvestmentOverview> {
        self.read_snapshot(|db| db.overview_now(month, as_of, filter))
    }

    /// `investment_overview` inside a read snapshot the caller holds (the dashboard's).
    pub(crate) fn overview_now(
        &self,
        month: YearMonth,
        as_of: NaiveDate,
        filter: &OverviewFilter,
    ) -> Result<InvestmentOverview> {
        let as_of = as_of.min(month.last_day());
        let rules = self.warning_rules()?;
        let projects: Vec<Project> = match &filter.project {
            Some(code) => vec![self.project_by_code(code)?],
            None => self.projects()?,
        };
        let plans = self.plans_in(month.year())?;
        let months = self.months_in(month)?;
        let overdue = self.overdue_milestones(as_of)?;
        let mut rows = Vec::new();
        for p in projects {
            if filter
                .leader
                .as_deref()
                .is_some_and(|l| p.leader.as_deref() != Some(l.trim()))
            {
                continue;
            }
            let annual = plans.get(&p.id).copied();
            let recorded = months.get(&p.id);
            let month_yuan = recorded.and_then(|m| m.get(&month).copied());
            let ytd = Yuan::sum(recorded.into_iter().flat_map(|m| m.values().copied()));
            let late = overdue.get(&p.id).cloned().unwrap_or_default();
            let mut warnings = Vec::new();
            warnings.extend(annual.and_then(|a| investment_warning(&rules, month, a, ytd)));
            warnings.extend(schedule_warning(&rules, &late));
            let warning = ProjectWarning::of(warnings);
            if filter.light.is_some_and(|l| l != warning.light) {
                continue;
            }
            rows.push(InvestmentRow {
                project_id: p.id,
                code: p.code,
                name: p.name,
                leader: p.leader,
                lead_unit: p.lead_unit,
                declared: p.status,
                total_yuan: p.total_investment_yuan,
                annual_yuan: annual,
                month_yuan,
                year_to_date_yuan: ytd,
                completion_rate: annual.and_then(|a| ytd.ratio_of(a)),
                overdue: late,
                warning,
            });
        }
        let totals = InvestmentTotals::of(&rows.iter().collect::<Vec<_>>());
        let cumulative = self.cumulative(month, &rows, &months)?;
        Ok(InvestmentOverview {
            month,
            as_of,
            elapsed_share: elapsed_share(month),
            rules,
            rows,
            totals,
            cumulative,
        })
    }

    fn plans_in(&self, year: i32) -> Result<HashMap<ProjectId, Yuan>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT project_id, annual_yuan FROM investment_plans WHERE year = ?1",
        )?;
        let rows = stmt.query_map([year], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every project's recorded months from January to `month`.
    fn months_in(&self, month: YearMonth) -> Result<HashMap<ProjectId, BTreeMap<YearMonth, Yuan>>> {
        let first = YearMonth::new(month.year(), 1).unwrap_or(month);
        let mut stmt = self.conn().prepare_cached(
            "SELECT project_id, month, completed_yuan FROM investment_months \
             WHERE month BETWEEN ?1 AND ?2",
        )?;
        let mut out: HashMap<ProjectId, BTreeMap<YearMonth, Yuan>> = HashMap::new();
        let mut rows = stmt.query(rusqlite::params![first, month])?;
        while let Some(r) = rows.next()? {
            out.entry(r.get(0)?)
                .or_default()
                .insert(r.get(1)?, r.get(2)?);
        }
        Ok(out)
    }

    /// Milestones open on `as_of` (not done, or done only later) and due before it, with their
    /// working days late on their project's calendar, most overdue first.
    fn overdue_milestones(
        &self,
        as_of: NaiveDate,
    ) -> Result<HashMap<ProjectId, Vec<OverdueMilestone>>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT t.project_id, p.calendar_id, t.name, t.planned_finish \
             FROM tasks t JOIN projects p ON p.id = t.project_id \
             WHERE t.is_milestone = 1 AND t.planned_finish < ?1 \
               AND (t.actual_finish IS NULL OR t.actual_finish > ?1) \
             ORDER BY t.planned_finish, t.position",
        )?;
        let mut calendars = ProjectCalendars::default();
        let mut out: HashMap<ProjectId, Vec<OverdueMilestone>> = HashMap::new();
        let mut rows = stmt.query([as_of])?;
        while let Some(r) = rows.next()? {
            let project: ProjectId = r.get(0)?;
            let calendar_id: Option<CalendarId> = r.get(1)?;
            let due: NaiveDate = r.get(3)?;
            let calendar = calendars.of(self, project, calendar_id)?;
            // Working days in (due, as_of]: the due day itself is not late yet.
            let late = calendar.working_days_between(due + Days::new(1), as_of + Days::new(1));
            out.entry(project).or_default().push(OverdueMilestone {
                name: r.get(2)?,
                due,
                working_days_late: late,
            });
        }
        for list in out.values_mut() {
            list.sort_by_key(|m| std::cmp::Reverse(m.working_days_late));
        }
        Ok(out)
    }

    fn cumulative(
        &self,
        month: YearMonth,
        rows: &[InvestmentRow],
        months: &HashMap<ProjectId, BTreeMap<YearMonth, Yuan>>,
    ) -> Result<Vec<CumulativeMonth>> {
        let annual = Yuan::sum(rows.iter().filter_map(|r| r.annual_yuan));
        let mut completed = Yuan::ZERO;
        let mut out = Vec::new();
        for m in month.year_to_date() {
            let in_month = Yuan::sum(
                rows.iter()
                    .filter_map(|r| months.get(&r.project_id).and_then(|by| by.get(&m)).copied()),
            );
            completed = Yuan::sum([completed, in_month]);
            // annual · M / 12, rounded to the yuan.
            let on_course = (i128::from(annual.0) * i128::from(m.month()) + 6) / 12;
            out.push(CumulativeMonth {
                month: m,
                completed_yuan: completed,
                on_course_yuan: Yuan(i64::try_from(on_course).unwrap_or(i64::MAX)),
            });
        }
        Ok(out)
    }
}

impl InvestmentTotals {
    /// The exact sums over `rows` (the portfolio's, a leader's), with their lights counted.
    pub fn of(rows: &[&InvestmentRow]) -> InvestmentTotals {
        let annual = Yuan::sum(rows.iter().filter_map(|r| r.annual_yuan));
        let ytd = Yuan::sum(rows.iter().map(|r| r.year_to_date_yuan));
        let count = |l: Light| rows.iter().filter(|r| r.warning.light == l).count() as u32;
        InvestmentTotals {
            total_yuan: Yuan::sum(rows.iter().filter_map(|r| r.total_yuan)),
            annual_yuan: annual,
            month_yuan: Yuan::sum(rows.iter().filter_map(|r| r.month_yuan)),
            year_to_date_yuan: ytd,
            completion_rate: ytd.ratio_of(annual),
            red: count(Light::Red),
            yellow: count(Light::Yellow),
            green: count(Light::Green),
        }
    }
}
