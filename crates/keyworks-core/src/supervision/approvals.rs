//! 前期手续 on the working-day clock. The zone's 2021 plan limits a project's whole approval
//! process to 60 working days (政府投资) or 35 (社会投资), counted from the first item's
//! submission, not counting that day, on the project's calendar with China's holidays and 调休.
//! An item may carry a limit of its own. Days used and left are working days; a process past
//! 80% of its limit is at risk, past its deadline overdue.

use chrono::{Days, NaiveDate};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::audit::change_log::{Stamp, record};
use crate::error::{Error, Result};
use crate::ids::{ApprovalId, ProjectId};
use crate::model::{Approval, Funding, Project};
use crate::plan::calendar::{Calendar, ProjectCalendars};
use crate::portfolio::projects::find_project;
use crate::store::db::Db;
use crate::store::row_ids::next_id;

/// The whole-process limit of a project, in working days, by who pays for it.
pub fn process_limit(funding: Funding) -> i64 {
    match funding {
        Funding::Government => 60,
        Funding::Social => 35,
    }
}

/// The share of a limit past which a process is at risk, in percent.
pub const AT_RISK_PCT: i64 = 80;

/// Where a clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    /// Finished within its limit.
    Done,
    /// Running, below 80% of its limit.
    OnTime,
    /// Running, at or past 80% of its limit.
    AtRisk,
    /// Past its deadline: still running, or finished late.
    Overdue,
}

impl ClockState {
    pub fn label_zh(self) -> &'static str {
        match self {
            ClockState::Done => "已办结",
            ClockState::OnTime => "正常",
            ClockState::AtRisk => "临近时限",
            ClockState::Overdue => "已超时",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ClockState::Done => "Done",
            ClockState::OnTime => "On time",
            ClockState::AtRisk => "At risk",
            ClockState::Overdue => "Overdue",
        }
    }
}

/// A working-day clock: from a start (not counted) to a deadline N working days later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Clock {
    pub limit_days: i64,
    pub deadline: NaiveDate,
    /// Working days from the start to the end (the finish, or the day looked at).
    pub days_used: i64,
    /// Working days from the day looked at to the deadline; negative past it.
    pub days_left: i64,
    pub state: ClockState,
}

impl Clock {
    /// The clock of something started on `start`, with a limit of `limit` working days,
    /// finished on `finished` (if it is), looked at on `as_of`. None past the calendar's reach.
    pub fn of(
        calendar: &Calendar,
        start: NaiveDate,
        limit: i64,
        finished: Option<NaiveDate>,
        as_of: NaiveDate,
    ) -> Option<Clock> {
        let deadline = calendar.add_working_days(start, limit)?;
        // A finish after the day looked at is not known yet.
        let finished = finished.filter(|f| *f <= as_of);
        let end = finished.unwrap_or(as_of);
        // Working days in (start, end]: the start day itself is not counted.
        let days_used = calendar
            .working_days_between(start + Days::new(1), end + Days::new(1))
            .max(0);
        let days_left = limit - days_used;
        let state = match finished {
            Some(f) if f <= deadline => ClockState::Done,
            Some(_) => ClockState::Overdue,
            None if as_of > deadline => ClockState::Overdue,
            None if days_used * 100 >= limit * AT_RISK_PCT => ClockState::AtRisk,
            None => ClockState::OnTime,
        };
        Some(Clock {
            limit_days: limit,
            deadline,
            days_used,
            days_left,
            state,
        })
    }
}

/// One item with its own clock, when it has a limit.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApprovalLine {
    pub approval: Approval,
    pub clock: Option<Clock>,
}

/// A project's approvals and the whole process's clock.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProjectApprovals {
    pub project_id: ProjectId,
    pub code: String,
    pub name: String,
    pub funding: Option<Funding>,
    /// The first item's submission: where the whole-process clock starts.
    pub first_submitted: Option<NaiveDate>,
    /// None without a funding type (no limit applies) or without items.
    pub process: Option<Clock>,
    /// By submission date.
    pub items: Vec<ApprovalLine>,
}

impl ProjectApprovals {
    /// Whether the process or any item is at risk or overdue.
    pub fn needs_attention(&self) -> bool {
        let bad = |c: &Clock| matches!(c.state, ClockState::AtRisk | ClockState::Overdue);
        self.process.as_ref().is_some_and(bad)
            || self.items.iter().any(|i| i.clock.as_ref().is_some_and(bad))
    }
}

fn check_item(item: &str) -> Result<String> {
    let item = item.trim();
    if item.is_empty() {
        return Err(Error::invalid(
            "审批事项",
            item,
            "请填写事项名称，例如 施工许可",
        ));
    }
    Ok(item.to_owned())
}

fn check_not_future(field: &str, date: NaiveDate, stamp: &Stamp) -> Result<()> {
    let today = stamp.at().date_naive();
    if date > today {
        return Err(Error::invalid(
            field,
            date.to_string(),
            &format!("不能晚于今天（{today}）"),
        ));
    }
    Ok(())
}

fn approval_by_id(conn: &rusqlite::Connection, id: ApprovalId) -> Result<Approval> {
    let sql = format!("SELECT {} FROM approvals WHERE id = ?1", Approval::COLUMNS);
    conn.prepare_cached(&sql)?
        .query_row([id], Approval::from_row)
        .optional()?
        .ok_or_else(|| {
            Error::invalid(
                "审批事项编号",
                id.to_string(),
                "没有这个事项；用 keyworks approval list 查看编号",
            )
        })
}

impl Db {
    /// Adds approval item `item` of project `code`, submitted on `submitted`, with an optional
    /// limit of its own in working days; logged.
    pub fn add_approval(
        &mut self,
        code: &str,
        item: &str,
        submitted: NaiveDate,
        limit_days: Option<i64>,
        stamp: &Stamp,
    ) -> Result<Approval> {
        let item = check_item(item)?;
        check_not_future("申报日期", submitted, stamp)?;
        if let Some(l) = limit_days.filter(|l| !(1..=1000).contains(l)) {
            return Err(Error::invalid(
                "事项时限",
                l.to_string(),
                "应为 1–1000 个工作日",
            ));
        }
        self.write_tx(|tx| {
            let project = find_project(tx, code)?;
            let row = Approval {
                id: ApprovalId(next_id(tx, "approvals")?),
                project_id: project.id,
                item: item.clone(),
                submitted,
                approved: None,
                limit_days,
                note: String::new(),
            };
            tx.execute(
                "INSERT INTO approvals (id, project_id, item, submitted, approved, limit_days, note) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    row.id,
                    row.project_id,
                    row.item,
                    row.submitted,
                    row.approved,
                    row.limit_days,
                    row.note
                ],
            )
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::ConstraintViolation) => Error::invalid(
                    "审批事项",
                    &item,
                    &format!("{} 已有这个事项；批复请用 keyworks approval done", project.code),
                ),
                _ => Error::from(e),
            })?;
            record(tx, stamp, "approvals", row.id.0, None, Some(&row))?;
            Ok(row)
        })
    }

    /// Marks approval `id` approved on `date`; logged.
    pub fn approve(&mut self, id: ApprovalId, date: NaiveDate, stamp: &Stamp) -> Result<Approval> {
        check_not_future("批复日期", date, stamp)?;
        self.write_tx(|tx| {
            let before = approval_by_id(tx, id)?;
            if date < before.submitted {
                return Err(Error::invalid(
                    "批复日期",
                    date.to_string(),
                    &format!("不能早于申报日期 {}", before.submitted),
                ));
            }
            tx.execute(
                "UPDATE approvals SET approved = ?1 WHERE id = ?2",
                params![date, id],
            )?;
            let after = Approval {
                approved: Some(date),
                ..before.clone()
            };
            record(tx, stamp, "approvals", id.0, Some(&before), Some(&after))?;
            Ok(after)
        })
    }

    /// Sets who pays for project `code` (which decides its approval limit); logged.
    pub fn set_funding(&mut self, code: &str, funding: Funding, stamp: &Stamp) -> Result<Project> {
        self.write_tx(|tx| {
            let before = find_project(tx, code)?;
            tx.execute(
                "UPDATE projects SET funding = ?1 WHERE id = ?2",
                params![funding, before.id],
            )?;
            let after = Project {
                funding: Some(funding),
                ..before.clone()
            };
            record(
                tx,
                stamp,
                "projects",
                before.id.0,
                Some(&before),
                Some(&after),
            )?;
            Ok(after)
        })
    }

    /// The approvals at risk or overdue on `as_of`, in one read (the reports list these).
    pub fn approvals_needing_attention(&self, as_of: NaiveDate) -> Result<Vec<ProjectApprovals>> {
        self.read_snapshot(|db| db.approvals_at_risk(as_of))
    }

    /// Every project's approvals (or `code`'s), with the clocks as they stand on `as_of`;
    /// projects without items are left out.
    pub fn approvals(&self, code: Option<&str>, as_of: NaiveDate) -> Result<Vec<ProjectApprovals>> {
        self.read_snapshot(|db| db.approvals_now(code, as_of))
    }

    /// The approvals that need attention on `as_of` (a process or an item at risk or overdue),
    /// inside a read snapshot the caller holds (the dashboard's, a report's).
    pub(crate) fn approvals_at_risk(&self, as_of: NaiveDate) -> Result<Vec<ProjectApprovals>> {
        let mut all = self.approvals_now(None, as_of)?;
        all.retain(ProjectApprovals::needs_attention);
        Ok(all)
    }

    fn approvals_now(&self, code: Option<&str>, as_of: NaiveDate) -> Result<Vec<ProjectApprovals>> {
        let projects = match code {
            Some(c) => vec![self.project_by_code(c)?],
            None => self.projects()?,
        };
        let sql = format!(
            "SELECT {} FROM approvals WHERE project_id = ?1 ORDER BY submitted, id",
            Approval::COLUMNS
        );
        let mut calendars = ProjectCalendars::default();
        let mut out = Vec::new();
        for p in projects {
            let items: Vec<Approval> = self
                .conn()
                .prepare_cached(&sql)?
                .query_map([p.id], Approval::from_row)?
                .collect::<rusqlite::Result<_>>()?;
            if items.is_empty() {
                continue;
            }
            let calendar = calendars.of(self, p.id, p.calendar_id)?;
            let first = items.iter().map(|a| a.submitted).min();
            // The process is finished when every item is approved, on the last approval.
            let finished = if items.iter().all(|a| a.approved.is_some()) {
                items.iter().filter_map(|a| a.approved).max()
            } else {
                None
            };
            let process = match (p.funding, first) {
                (Some(f), Some(start)) => {
                    Clock::of(calendar, start, process_limit(f), finished, as_of)
                }
                _ => None,
            };
            let items = items
                .into_iter()
                .map(|a| ApprovalLine {
                    clock: a.limit_days.and_then(|limit| {
                        Clock::of(calendar, a.submitted, limit, a.approved, as_of)
                    }),
                    approval: a,
                })
                .collect();
            out.push(ProjectApprovals {
                project_id: p.id,
                code: p.code,
                name: p.name,
                funding: p.funding,
                first_submitted: first,
                process,
                items,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// The example: a first submission on Friday 2021-09-24, across National Day (1–7
    /// October, with Sunday 26 September and Saturday 9 October worked), ends on 2021-12-22 for
    /// a government project and on 2021-11-17 for a social one.
    #[test]
    fn the_plans_limits_count_working_days_across_national_day() {
        let china = Calendar::china().unwrap();
        let start = d("2021-09-24");
        let gov = Clock::of(&china, start, 60, None, start).unwrap();
        assert_eq!(gov.deadline, d("2021-12-22"));
        let social = Clock::of(&china, start, 35, None, start).unwrap();
        assert_eq!(social.deadline, d("2021-11-17"));
        // By hand: 9-26 (调休), 9-27..9-30 (4), 10-8 (Fri), 10-9 (调休 Sat) = 7 working days by
        // 2021-10-09; the holidays 10-1..10-7 count none.
        let seen = Clock::of(&china, start, 35, None, d("2021-10-09")).unwrap();
        assert_eq!(seen.days_used, 7);
        assert_eq!(seen.days_left, 28);
        assert_eq!(seen.state, ClockState::OnTime);
    }

    /// Spring Festival 2021 (11–17 February, with Sunday 7 and Saturday 20 February worked).
    #[test]
    fn spring_festival_is_skipped_and_its_make_up_days_counted() {
        let china = Calendar::china().unwrap();
        // Submitted Friday 2021-02-05: 2-7 (调休 Sun), 2-8, 2-9, 2-10, then 2-18, 2-19, 2-20
        // (调休 Sat), 2-22: the 8th working day is Monday 2021-02-22.
        let c = Clock::of(&china, d("2021-02-05"), 8, None, d("2021-02-05")).unwrap();
        assert_eq!(c.deadline, d("2021-02-22"));
        let c = Clock::of(&china, d("2021-02-05"), 7, None, d("2021-02-05")).unwrap();
        assert_eq!(c.deadline, d("2021-02-20"));
    }

    #[test]
    fn a_clock_turns_at_risk_at_80_percent_and_overdue_past_its_deadline() {
        let china = Calendar::china().unwrap();
        let start = d("2021-03-01"); // Monday; no holidays until Qingming (3-5 April)
        let at = |n: i64| china.add_working_days(start, n).unwrap();
        let state = |as_of: NaiveDate| Clock::of(&china, start, 10, None, as_of).unwrap().state;
        assert_eq!(state(at(7)), ClockState::OnTime);
        assert_eq!(state(at(8)), ClockState::AtRisk, "8 of 10 is 80%");
        assert_eq!(state(at(10)), ClockState::AtRisk, "the deadline day itself");
        assert_eq!(state(at(11)), ClockState::Overdue);
        let done = |finish: NaiveDate| {
            Clock::of(&china, start, 10, Some(finish), at(20))
                .unwrap()
                .state
        };
        assert_eq!(done(at(10)), ClockState::Done);
        assert_eq!(done(at(11)), ClockState::Overdue, "finished late");
    }
}
