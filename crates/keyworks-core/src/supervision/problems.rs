//! 问题台账: the problems that hold projects back, each with a responsible unit, a
//! coordinating leader, a deadline and a level, moving forward through 待解决 → 协调中 → 已解决
//! → 已销号. Age is counted in working days on the project's calendar; an unsolved problem past
//! its deadline is flagged for escalation to 督办, and escalating it is a logged change.

use chrono::{Days, NaiveDate};
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;

use crate::audit::change_log::{Stamp, record};
use crate::error::{Error, Result};
use crate::ids::{CalendarId, ProblemId, ProjectId};
use crate::model::{Problem, ProblemLevel, ProblemState};
use crate::plan::calendar::ProjectCalendars;
use crate::portfolio::projects::find_project;
use crate::portfolio::updates::UpdateInput;
use crate::store::db::Db;
use crate::store::row_ids::next_id;

/// What a new problem says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProblem {
    pub problem: String,
    pub raised: NaiveDate,
    pub unit: String,
    pub coordinator: Option<String>,
    pub due: Option<NaiveDate>,
    pub level: ProblemLevel,
}

/// A change to a problem; None leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProblemChange {
    pub state: Option<ProblemState>,
    pub level: Option<ProblemLevel>,
    pub note: Option<String>,
}

/// A problem as the ledger lists it on one day.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LedgerLine {
    pub problem: Problem,
    pub project_code: String,
    pub project_name: String,
    /// Working days since it was raised (the raising day not counted), up to the day looked at.
    pub age_days: i64,
    /// Working days past its deadline; 0 when not past it or without one.
    pub days_overdue: i64,
    /// Unsolved, past its deadline and not yet at 督办: due for escalation.
    pub escalate: bool,
}

/// Whether a problem may move from `from` to `to`: forward only, and 已销号 is final.
pub fn may_move(from: ProblemState, to: ProblemState) -> bool {
    from != ProblemState::Closed && to > from
}

fn is_open(state: ProblemState) -> bool {
    matches!(state, ProblemState::Open | ProblemState::Coordinating)
}

fn problem_by_id(conn: &rusqlite::Connection, id: ProblemId) -> Result<Problem> {
    let sql = format!("SELECT {} FROM problems WHERE id = ?1", Problem::COLUMNS);
    conn.prepare_cached(&sql)?
        .query_row([id], Problem::from_row)
        .optional()?
        .ok_or_else(|| {
            Error::invalid(
                "问题编号",
                id.to_string(),
                "没有这个问题；用 keyworks problem list 查看编号",
            )
        })
}

/// How the items of a weekly update's 问题与风险 enter the ledger: the same unit, leader,
/// deadline and level for each (an officer adjusts one later with `problem set`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RaiseProblems {
    pub unit: String,
    pub coordinator: Option<String>,
    pub due: Option<NaiveDate>,
    pub level: ProblemLevel,
}

/// The separate problems in a 问题与风险 text: one per line or per 「；」, with the numbering
/// officers put in front (「1.」「2、」「（3）」「①」) taken off. Empty pieces are dropped.
pub fn items_in_issues(text: &str) -> Vec<String> {
    text.split(['\n', '；', ';'])
        .map(|piece| strip_numbering(piece.trim()).trim().to_owned())
        .filter(|piece| !piece.is_empty())
        .collect()
}

fn strip_numbering(piece: &str) -> &str {
    let circled = |c: char| ('①'..='⑳').contains(&c);
    if let Some(first) = piece.chars().next().filter(|c| circled(*c)) {
        return &piece[first.len_utf8()..];
    }
    let inner = piece
        .strip_prefix('（')
        .and_then(|rest| rest.split_once('）'))
        .or_else(|| {
            piece
                .strip_prefix('(')
                .and_then(|rest| rest.split_once(')'))
        });
    if let Some((number, rest)) = inner
        && !number.is_empty()
        && number
            .chars()
            .all(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
    {
        return rest;
    }
    let digits = piece.len() - piece.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits > 0 {
        let rest = &piece[digits..];
        for mark in ['.', '、', '．', ')', '）'] {
            if let Some(after) = rest.strip_prefix(mark) {
                return after;
            }
        }
    }
    piece
}

/// The problems a weekly update's 问题与风险 enter in the ledger, checked: one per item, raised
/// on the Friday of the report's week, or today when that is earlier (a report filed late for
/// a past week tells of problems known that week).
pub(crate) fn problems_from_update(
    input: &UpdateInput,
    raise: &RaiseProblems,
    today: NaiveDate,
) -> Result<Vec<NewProblem>> {
    let raised = today.min(input.week.monday() + Days::new(4));
    let items = items_in_issues(&input.issues);
    if items.is_empty() {
        return Err(Error::invalid(
            "问题与风险",
            "",
            "没有可登记的问题；请先在「问题与风险」中逐行写明问题，或取消「登记到问题台账」",
        ));
    }
    let news: Vec<NewProblem> = items
        .into_iter()
        .map(|problem| NewProblem {
            problem,
            raised,
            unit: raise.unit.clone(),
            coordinator: raise.coordinator.clone(),
            due: raise.due,
            level: raise.level,
        })
        .collect();
    for new in &news {
        check_new(new, today)?;
    }
    Ok(news)
}

/// Enters `news` in project `project_id`'s ledger, except an item the ledger already holds
/// unsolved word for word, so a report edited and filed again does not double its problems.
pub(crate) fn enter_new_problems(
    tx: &Transaction<'_>,
    project_id: ProjectId,
    news: &[NewProblem],
    stamp: &Stamp,
) -> Result<Vec<Problem>> {
    let mut entered = Vec::new();
    for new in news {
        let known: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM problems WHERE project_id = ?1 AND problem = ?2 \
             AND state IN ('open', 'coordinating'))",
            params![project_id, new.problem],
            |r| r.get(0),
        )?;
        if !known {
            entered.push(insert_problem(tx, project_id, new, stamp)?);
        }
    }
    Ok(entered)
}

/// The checks a new problem must pass before anything is written.
fn check_new(new: &NewProblem, today: NaiveDate) -> Result<()> {
    let text = new.problem.trim();
    if text.is_empty() {
        return Err(Error::invalid("问题描述", text, "请写明问题"));
    }
    if new.raised > today {
        return Err(Error::invalid(
            "提出日期",
            new.raised.to_string(),
            "不能晚于今天",
        ));
    }
    if let Some(due) = new.due.filter(|d| *d < new.raised) {
        return Err(Error::invalid(
            "解决时限",
            due.to_string(),
            &format!("不能早于提出日期 {}", new.raised),
        ));
    }
    Ok(())
}

/// Writes a checked new problem into project `project_id`'s ledger; logged.
fn insert_problem(
    tx: &Transaction<'_>,
    project_id: ProjectId,
    new: &NewProblem,
    stamp: &Stamp,
) -> Result<Problem> {
    let row = Problem {
        id: ProblemId(next_id(tx, "problems")?),
        project_id,
        problem: new.problem.trim().to_owned(),
        raised: new.raised,
        unit: new.unit.trim().to_owned(),
        coordinator: new
            .coordinator
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned),
        due: new.due,
        level: new.level,
        state: ProblemState::Open,
        note: String::new(),
    };
    tx.execute(
        "INSERT INTO problems (id, project_id, problem, raised, unit, coordinator, due, level, state, note) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            row.id,
            row.project_id,
            row.problem,
            row.raised,
            row.unit,
            row.coordinator,
            row.due,
            row.level,
            row.state,
            row.note
        ],
    )?;
    record(tx, stamp, "problems", row.id.0, None, Some(&row))?;
    Ok(row)
}

impl Db {
    /// Adds a problem to project `code`'s ledger; logged.
    pub fn add_problem(&mut self, code: &str, new: &NewProblem, stamp: &Stamp) -> Result<Problem> {
        check_new(new, stamp.at().date_naive())?;
        self.write_tx(|tx| {
            let project = find_project(tx, code)?;
            insert_problem(tx, project.id, new, stamp)
        })
    }

    /// Moves problem `id` forward, escalates it or notes on it; logged.
    pub fn change_problem(
        &mut self,
        id: ProblemId,
        change: &ProblemChange,
        stamp: &Stamp,
    ) -> Result<Problem> {
        self.write_tx(|tx| {
            let before = problem_by_id(tx, id)?;
            let mut after = before.clone();
            if let Some(to) = change.state {
                if !may_move(before.state, to) {
                    return Err(Error::invalid(
                        "办理状态",
                        to.label_zh(),
                        &format!(
                            "问题 #{id} 现为「{}」，只能向前推进（待解决 → 协调中 → 已解决 → 已销号），已销号的不能再改",
                            before.state.label_zh()
                        ),
                    ));
                }
                after.state = to;
            }
            if let Some(level) = change.level {
                after.level = level;
            }
            if let Some(note) = &change.note {
                note.trim().clone_into(&mut after.note);
            }
            tx.execute(
                "UPDATE problems SET state = ?1, level = ?2, note = ?3 WHERE id = ?4",
                params![after.state, after.level, after.note, id],
            )?;
            record(tx, stamp, "problems", id.0, Some(&before), Some(&after))?;
            Ok(after)
        })
    }

    /// The ledger on `as_of`: every problem (only unsolved ones with `open_only`; only project
    /// `project`'s when given), oldest first.
    pub fn problem_ledger(
        &self,
        as_of: NaiveDate,
        open_only: bool,
        project: Option<&str>,
    ) -> Result<Vec<LedgerLine>> {
        if let Some(code) = project {
            self.project_by_code(code)?;
        }
        self.read_snapshot(|db| {
            let sql = format!(
                "SELECT {}, p.code, p.name, p.calendar_id FROM problems q JOIN projects p ON p.id = q.project_id \
                 ORDER BY q.raised, q.id",
                Problem::COLUMNS
                    .split(", ")
                    .map(|c| format!("q.{c}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let mut stmt = db.conn().prepare_cached(&sql)?;
            let rows: Vec<(Problem, String, String, Option<CalendarId>)> = stmt
                .query_map([], |r| {
                    Ok((Problem::from_row(r)?, r.get(10)?, r.get(11)?, r.get(12)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            let mut calendars = ProjectCalendars::default();
            let mut out = Vec::new();
            for (problem, code, name, calendar_id) in rows {
                if (open_only && !is_open(problem.state)) || project.is_some_and(|c| c != code) {
                    continue;
                }
                let calendar = calendars.of(db, problem.project_id, calendar_id)?;
                let after = |d: NaiveDate| d + Days::new(1);
                let age_days = calendar
                    .working_days_between(after(problem.raised), after(as_of))
                    .max(0);
                let days_overdue = match problem.due {
                    Some(due) if is_open(problem.state) && as_of > due => calendar
                        .working_days_between(after(due), after(as_of))
                        .max(0),
                    _ => 0,
                };
                let escalate = days_overdue > 0 && problem.level != ProblemLevel::Supervised;
                out.push(LedgerLine {
                    problem,
                    project_code: code,
                    project_name: name,
                    age_days,
                    days_overdue,
                    escalate,
                });
            }
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_only_moves_forward_and_closed_is_final() {
        use ProblemState::*;
        let all = [Open, Coordinating, Solved, Closed];
        for from in all {
            for to in all {
                let forward = (to as u8) > (from as u8) && from != Closed;
                assert_eq!(may_move(from, to), forward, "{from:?} → {to:?}");
            }
        }
    }
}
