//! Milestones from a spreadsheet: officers export the milestone list, edit due dates and
//! completions in Excel, and bring the file back. `plan` compares the file's rows with the
//! database and says what would change, row by row, without writing anything; `apply`
//! writes exactly that preview in one transaction, or nothing.
//!
//! Rules:
//! - A row names its milestone by 编号 (task id) when it has one, else by project and name.
//!   A name the project does not have adds a new milestone at the end of the project's top
//!   level; a 编号 the database does not have is a problem (never a silent insert).
//! - The import changes due dates and completions (date and note) only. It never renames,
//!   deletes or reopens a milestone: a row that would is a problem.
//! - If any row has a problem nothing is applied, so a file is taken whole or not at all.
//! - `apply` refuses when the milestones changed since the preview was made (the
//!   fingerprint differs): the user confirmed that preview, not another.
//!
//! Reading the file (encodings, headers, date formats) is keyworks-interchange's job; this
//! module receives typed rows.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};

use crate::audit::change_log::{Stamp, hex, record};
use crate::error::{Error, Result};
use crate::ids::{ProjectId, TaskId};
use crate::model::{Project, Task};
use crate::plan::calendar::Calendar;
use crate::plan::wbs_edit::roll_up_summaries;
use crate::portfolio::milestones::{MilestoneQuery, MilestoneRow};
use crate::portfolio::projects::{NewTask, insert_task};
use crate::store::db::Db;

/// One milestone row as read from the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportRow {
    /// The file's line the row starts on (the header is line 1), for messages.
    pub line: u32,
    /// 编号: the milestone's id as KeyWorks exported it; empty for a new milestone.
    pub task_id: Option<TaskId>,
    /// Project code (e.g. KP21-01) or exact project name.
    pub project: String,
    pub name: String,
    pub due: Option<NaiveDate>,
    pub done: Option<NaiveDate>,
    /// Completion note (完成说明); imported together with the done date.
    pub note: String,
}

/// A row that cannot be imported as written: where it is and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RowProblem {
    pub line: u32,
    pub message: String,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "第 {} 行：{}", self.line, self.message)
    }
}

/// The rows of a file and the problems the reader already found (dates it could not read).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MilestoneSheet {
    pub rows: Vec<ImportRow>,
    pub problems: Vec<RowProblem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DateChange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DoneChange {
    /// The completion date before, if it was already done (then the date or note is revised).
    pub from: Option<NaiveDate>,
    pub from_note: String,
    pub to: NaiveDate,
    pub note: String,
}

/// What applying one row would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PlannedChange {
    /// The row matches the database.
    Unchanged,
    /// A milestone the project does not have yet, added at the end of its top level.
    New {
        due: NaiveDate,
        done: Option<NaiveDate>,
        note: String,
    },
    /// An existing milestone gets a new due date, is marked done, or both.
    Update {
        due: Option<DateChange>,
        done: Option<DoneChange>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlannedRow {
    pub line: u32,
    /// None for a new milestone.
    pub task_id: Option<TaskId>,
    pub project_code: String,
    pub project_name: String,
    pub name: String,
    pub change: PlannedChange,
}

/// What an import would change. Apply it with the `fingerprint`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportPreview {
    pub rows: Vec<PlannedRow>,
    /// Sorted by line. Any problem blocks the whole import.
    pub problems: Vec<RowProblem>,
    /// SHA-256 (hex) of the state of every project the file touches, as the preview saw it.
    pub fingerprint: String,
}

impl ImportPreview {
    pub fn can_apply(&self) -> bool {
        self.problems.is_empty()
    }

    pub fn new_count(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| matches!(r.change, PlannedChange::New { .. }))
            .count()
    }

    pub fn update_count(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| matches!(r.change, PlannedChange::Update { .. }))
            .count()
    }

    pub fn unchanged_count(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.change == PlannedChange::Unchanged)
            .count()
    }
}

/// What an applied import wrote.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportOutcome {
    /// Milestones added, as stored.
    pub created: Vec<Task>,
    /// Milestones changed, as stored.
    pub updated: Vec<Task>,
    pub unchanged: u32,
}

/// A milestone as exported for Excel and calendars: the list row plus its completion note.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MilestoneExport {
    pub row: MilestoneRow,
    pub note: String,
}

/// What `plan_on` read, kept for `apply` so it writes against the same rows.
struct Plan {
    preview: ImportPreview,
    projects: HashMap<ProjectId, Project>,
    /// The project of each planned row, in the order of `preview.rows`.
    project_of_row: Vec<ProjectId>,
}

fn load_projects(conn: &Connection) -> Result<Vec<Project>> {
    let sql = format!("SELECT {} FROM projects ORDER BY code", Project::COLUMNS);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([], Project::from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn load_tasks(conn: &Connection, project: ProjectId) -> Result<Vec<Task>> {
    let sql = format!(
        "SELECT {} FROM tasks WHERE project_id = ?1 ORDER BY position, id",
        Task::COLUMNS
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([project], Task::from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn task_project(conn: &Connection, id: TaskId) -> Result<Option<ProjectId>> {
    Ok(conn
        .query_row("SELECT project_id FROM tasks WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?)
}

fn problem(line: u32, message: String) -> RowProblem {
    RowProblem { line, message }
}

/// Compares the sheet with the database as `conn` sees it. Reads only.
fn plan_on(conn: &Connection, sheet: &MilestoneSheet, today: NaiveDate) -> Result<Plan> {
    let projects = load_projects(conn)?;
    let by_code: HashMap<String, &Project> = projects
        .iter()
        .map(|p| (p.code.to_uppercase(), p))
        .collect();
    let by_name: HashMap<&str, &Project> = projects.iter().map(|p| (p.name.as_str(), p)).collect();
    let find_project = |text: &str| -> Option<&Project> {
        let t = text.trim();
        by_code
            .get(&t.to_uppercase())
            .or_else(|| by_name.get(t))
            .copied()
    };

    let mut tasks: HashMap<ProjectId, Vec<Task>> = HashMap::new();
    let mut tasks_of = |id: ProjectId| -> Result<Vec<Task>> {
        if let Some(t) = tasks.get(&id) {
            return Ok(t.clone());
        }
        let t = load_tasks(conn, id)?;
        tasks.insert(id, t.clone());
        Ok(t)
    };

    let mut problems = sheet.problems.clone();
    let mut rows = Vec::with_capacity(sheet.rows.len());
    let mut project_of_row = Vec::with_capacity(sheet.rows.len());
    let mut seen_tasks: HashMap<TaskId, u32> = HashMap::new();
    let mut seen_new: HashMap<(ProjectId, String), u32> = HashMap::new();

    for row in &sheet.rows {
        let line = row.line;
        let name = row.name.trim();
        let note = row.note.trim();
        let named_project = (!row.project.trim().is_empty())
            .then(|| find_project(&row.project).ok_or(row.project.trim()));

        // Which milestone the row means: by 编号, else by project and name.
        let existing: Option<Task>;
        let project: &Project;
        if let Some(id) = row.task_id {
            let Some(pid) = task_project(conn, id)? else {
                problems.push(problem(
                    line,
                    format!(
                        "编号 {id} 的里程碑不存在：请改正编号，或清空编号以新增名为「{name}」的里程碑"
                    ),
                ));
                continue;
            };
            let Some(p) = projects.iter().find(|p| p.id == pid) else {
                return Err(Error::Internal(format!(
                    "task {id} names missing project {pid}"
                )));
            };
            let Some(task) = tasks_of(pid)?.into_iter().find(|t| t.id == id) else {
                return Err(Error::Internal(format!(
                    "task {id} vanished while planning"
                )));
            };
            if !task.is_milestone {
                problems.push(problem(
                    line,
                    format!(
                        "编号 {id}（{}）是任务不是里程碑：请删除该行或改正编号",
                        task.name
                    ),
                ));
                continue;
            }
            match named_project {
                Some(Ok(named)) if named.id != pid => {
                    problems.push(problem(
                        line,
                        format!(
                            "编号 {id} 属于项目 {}（{}），不属于 {}：请改正项目编号或编号",
                            p.code, p.name, named.code
                        ),
                    ));
                    continue;
                }
                Some(Err(text)) => {
                    problems.push(problem(
                        line,
                        format!(
                            "没有编号为「{text}」的项目：编号 {id} 属于 {}，请改正项目编号",
                            p.code
                        ),
                    ));
                    continue;
                }
                _ => {}
            }
            if !name.is_empty() && name != task.name {
                problems.push(problem(
                    line,
                    format!(
                        "名称「{name}」与编号 {id} 的里程碑「{}」不符：导入不修改名称，请改回原名；若要新增里程碑，请清空编号",
                        task.name
                    ),
                ));
                continue;
            }
            project = p;
            existing = Some(task);
        } else {
            let p = match named_project {
                None => {
                    problems.push(problem(
                        line,
                        "缺少项目编号：请填写项目编号（如 KP21-01）".to_owned(),
                    ));
                    continue;
                }
                Some(Err(text)) => {
                    problems.push(problem(
                        line,
                        format!(
                            "没有编号为「{text}」的项目：请用 `keyworks projects` 查看项目编号后改正"
                        ),
                    ));
                    continue;
                }
                Some(Ok(p)) => p,
            };
            if name.is_empty() {
                problems.push(problem(
                    line,
                    "缺少里程碑名称：请填写名称，或删除该行".to_owned(),
                ));
                continue;
            }
            let same_name: Vec<Task> = tasks_of(p.id)?
                .into_iter()
                .filter(|t| t.name == name)
                .collect();
            let milestones: Vec<&Task> = same_name.iter().filter(|t| t.is_milestone).collect();
            match milestones.as_slice() {
                [one] => existing = Some((*one).clone()),
                [] if !same_name.is_empty() => {
                    problems.push(problem(
                        line,
                        format!(
                            "项目 {} 的「{name}」是任务不是里程碑：请改用里程碑名称",
                            p.code
                        ),
                    ));
                    continue;
                }
                [] => existing = None,
                many => {
                    let ids: Vec<String> = many.iter().map(|t| t.id.to_string()).collect();
                    problems.push(problem(
                        line,
                        format!(
                            "项目 {} 有 {} 个名为「{name}」的里程碑（编号 {}）：请填写编号列指明是哪一个",
                            p.code,
                            many.len(),
                            ids.join("、")
                        ),
                    ));
                    continue;
                }
            }
            project = p;
        }

        // The same milestone twice would make the result depend on row order.
        match &existing {
            Some(t) => {
                if let Some(first) = seen_tasks.insert(t.id, line) {
                    problems.push(problem(
                        line,
                        format!(
                            "与第 {first} 行是同一个里程碑（编号 {}）：请删除其中一行",
                            t.id
                        ),
                    ));
                    continue;
                }
            }
            None => {
                if let Some(first) = seen_new.insert((project.id, name.to_owned()), line) {
                    problems.push(problem(
                        line,
                        format!("与第 {first} 行新增的是同一个里程碑「{name}」：请删除其中一行"),
                    ));
                    continue;
                }
            }
        }

        let Some(due) = row.due else {
            problems.push(problem(
                line,
                "缺少到期日期：请填写日期（如 2021-06-18）".to_owned(),
            ));
            continue;
        };
        if let Some(done) = row.done {
            if done > today {
                problems.push(problem(
                    line,
                    format!("完成日期 {done} 晚于今天（{today}）：请填写实际完成的日期"),
                ));
                continue;
            }
        } else if let Some(was) = existing.as_ref().and_then(|t| t.actual_finish) {
            problems.push(problem(
                line,
                format!(
                    "该里程碑已于 {was} 完成，导入不能撤销完成：请保留完成日期（如需撤销请在 KeyWorks 中处理）"
                ),
            ));
            continue;
        } else if !note.is_empty() {
            problems.push(problem(
                line,
                "填写了完成说明但没有完成日期：请补上完成日期，或清空完成说明".to_owned(),
            ));
            continue;
        }

        let change = match &existing {
            None => PlannedChange::New {
                due,
                done: row.done,
                note: note.to_owned(),
            },
            Some(t) => {
                let due_change = (t.planned_finish != due).then_some(DateChange {
                    from: t.planned_finish,
                    to: due,
                });
                let done_change = row.done.and_then(|to| {
                    (t.actual_finish != Some(to) || t.completion_note != note).then(|| DoneChange {
                        from: t.actual_finish,
                        from_note: t.completion_note.clone(),
                        to,
                        note: note.to_owned(),
                    })
                });
                if due_change.is_none() && done_change.is_none() {
                    PlannedChange::Unchanged
                } else {
                    PlannedChange::Update {
                        due: due_change,
                        done: done_change,
                    }
                }
            }
        };
        rows.push(PlannedRow {
            line,
            task_id: existing.as_ref().map(|t| t.id),
            project_code: project.code.clone(),
            project_name: project.name.clone(),
            name: existing.map_or_else(|| name.to_owned(), |t| t.name),
            change,
        });
        project_of_row.push(project.id);
    }
    problems.sort_by_key(|p| p.line);

    // The fingerprint covers the projects list and every task of each project the file
    // touches: what the preview compared against, and where new milestones would go.
    let mut touched: Vec<ProjectId> = tasks.keys().copied().collect();
    touched.sort();
    let fingerprint = {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for p in &projects {
            h.update(
                serde_json::json!([p.id, p.code, p.name])
                    .to_string()
                    .as_bytes(),
            );
        }
        for id in &touched {
            h.update(format!("project {id}\n").as_bytes());
            for t in tasks.get(id).into_iter().flatten() {
                let text = serde_json::to_string(t)
                    .map_err(|e| Error::Internal(format!("task did not serialise: {e}")))?;
                h.update(text.as_bytes());
            }
        }
        hex(&h.finalize())
    };

    let projects = projects.into_iter().map(|p| (p.id, p)).collect();
    Ok(Plan {
        preview: ImportPreview {
            rows,
            problems,
            fingerprint,
        },
        projects,
        project_of_row,
    })
}

const COMPLETE_SQL: &str = "UPDATE tasks SET actual_start = ?1, actual_finish = ?1, \
     percent_complete = 100, completion_note = ?2 WHERE id = ?3 RETURNING ";

fn complete(
    tx: &Transaction<'_>,
    stamp: &Stamp,
    was: &Task,
    date: NaiveDate,
    note: &str,
) -> Result<Task> {
    let sql = format!("{COMPLETE_SQL}{}", Task::COLUMNS);
    let after = tx
        .prepare_cached(&sql)?
        .query_row(params![date, note, was.id], Task::from_row)?;
    record(tx, stamp, "tasks", was.id.0, Some(was), Some(&after))?;
    Ok(after)
}

impl Db {
    /// What importing `sheet` would change, judged with `today` as the latest possible
    /// completion date. Writes nothing.
    pub fn plan_milestone_import(
        &self,
        sheet: &MilestoneSheet,
        today: NaiveDate,
    ) -> Result<ImportPreview> {
        Ok(plan_on(self.conn(), sheet, today)?.preview)
    }

    /// Applies `sheet` as previewed with `fingerprint`, in one IMMEDIATE transaction that
    /// logs every row it writes. Refuses, writing nothing, if any row has a problem or if the
    /// touched projects changed since the preview (then make a new preview).
    pub fn apply_milestone_import(
        &mut self,
        sheet: &MilestoneSheet,
        fingerprint: &str,
        stamp: &Stamp,
    ) -> Result<ImportOutcome> {
        let today = stamp.at().date_naive();
        // Calendars are read before the write transaction (Db's reads take &self); moving a
        // milestone only needs them to count summaries' working days.
        let mut calendars: HashMap<ProjectId, Calendar> = HashMap::new();
        for planned in &plan_on(self.conn(), sheet, today)?.project_of_row {
            if !calendars.contains_key(planned) {
                calendars.insert(*planned, self.calendar_of_project(*planned)?.1);
            }
        }
        self.write_tx(|tx| {
            let plan = plan_on(tx, sheet, today)?;
            // Stale first: problems found against a changed database are not the ones shown.
            if plan.preview.fingerprint != fingerprint {
                return Err(Error::ImportOutdated);
            }
            if let Some(first) = plan.preview.problems.first() {
                return Err(Error::ImportHasProblems {
                    count: plan.preview.problems.len(),
                    first: first.to_string(),
                });
            }
            let mut outcome = ImportOutcome {
                created: Vec::new(),
                updated: Vec::new(),
                unchanged: 0,
            };
            let mut moved: HashMap<ProjectId, Vec<TaskId>> = HashMap::new();
            let mut next_position: HashMap<ProjectId, i64> = HashMap::new();
            for (row, project) in plan.preview.rows.iter().zip(&plan.project_of_row) {
                let Some(project) = plan.projects.get(project) else {
                    return Err(Error::Internal(format!(
                        "planned row on line {} has no project",
                        row.line
                    )));
                };
                match &row.change {
                    PlannedChange::Unchanged => outcome.unchanged += 1,
                    PlannedChange::New { due, done, note } => {
                        let position = match next_position.get(&project.id) {
                            Some(p) => *p,
                            None => tx.query_row(
                                "SELECT coalesce(max(position), 0) + 1 FROM tasks WHERE project_id = ?1",
                                [project.id],
                                |r| r.get(0),
                            )?,
                        };
                        next_position.insert(project.id, position + 1);
                        let mut task = insert_task(
                            tx,
                            stamp,
                            project.id,
                            &NewTask {
                                parent_id: None,
                                position,
                                name: row.name.clone(),
                                is_milestone: true,
                                planned_start: *due,
                                planned_finish: *due,
                                duration_days: 0,
                                percent_complete: 0.0,
                                actual_start: None,
                                actual_finish: None,
                                acceptance: String::new(),
                            },
                        )?;
                        if let Some(date) = done {
                            task = complete(tx, stamp, &task, *date, note)?;
                        }
                        outcome.created.push(task);
                    }
                    PlannedChange::Update { due, done } => {
                        let Some(id) = row.task_id else {
                            return Err(Error::Internal(format!(
                                "update on line {} without a task id",
                                row.line
                            )));
                        };
                        let sql = format!("SELECT {} FROM tasks WHERE id = ?1", Task::COLUMNS);
                        let mut task = tx.query_row(&sql, [id], Task::from_row)?;
                        if let Some(change) = due {
                            let sql = format!(
                                "UPDATE tasks SET planned_start = ?1, planned_finish = ?1 WHERE id = ?2 RETURNING {}",
                                Task::COLUMNS
                            );
                            let after = tx
                                .prepare_cached(&sql)?
                                .query_row(params![change.to, id], Task::from_row)?;
                            record(tx, stamp, "tasks", id.0, Some(&task), Some(&after))?;
                            task = after;
                            moved.entry(project.id).or_default().push(id);
                        }
                        if let Some(change) = done {
                            task = complete(tx, stamp, &task, change.to, &change.note)?;
                        }
                        outcome.updated.push(task);
                    }
                }
            }
            let mut projects: Vec<&ProjectId> = moved.keys().collect();
            projects.sort();
            for project in projects {
                let Some(calendar) = calendars.get(project) else {
                    return Err(Error::Internal(format!(
                        "no calendar read for project {project}"
                    )));
                };
                roll_up_summaries(tx, stamp, calendar, *project, &moved[project])?;
            }
            Ok(outcome)
        })
    }

    /// Milestones with their completion notes, by due date then project code: all of them,
    /// or one project's (code or exact name). `as_of` judges which are overdue.
    pub fn milestone_exports(
        &self,
        project: Option<&str>,
        as_of: NaiveDate,
    ) -> Result<Vec<MilestoneExport>> {
        let only = project.map(|code| self.project_by_code(code)).transpose()?;
        let rows = self.milestones(&MilestoneQuery {
            as_of,
            due_within: None,
            overdue: false,
        })?;
        let mut notes: HashMap<TaskId, String> = HashMap::new();
        {
            let mut stmt = self
                .conn()
                .prepare_cached("SELECT id, completion_note FROM tasks WHERE is_milestone = 1")?;
            for row in stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))? {
                let (id, note) = row?;
                notes.insert(id, note);
            }
        }
        Ok(rows
            .into_iter()
            .filter(|r| only.as_ref().is_none_or(|p| p.code == r.project_code))
            .map(|row| MilestoneExport {
                note: notes.remove(&row.id).unwrap_or_default(),
                row,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use chrono::DateTime;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn stamp() -> Stamp {
        Stamp::new(
            "测试员",
            DateTime::parse_from_rfc3339("2021-06-20T10:00:00+08:00").unwrap(),
        )
        .unwrap()
    }

    fn seeded() -> Db {
        let mut db = Db::open_in_memory().unwrap();
        db.load_seed(&stamp()).unwrap();
        db
    }

    fn open_milestones(db: &Db) -> Vec<MilestoneExport> {
        db.milestone_exports(None, d(2021, 6, 11))
            .unwrap()
            .into_iter()
            .filter(|m| m.row.actual.is_none())
            .collect()
    }

    fn row_of(m: &MilestoneExport, line: u32) -> ImportRow {
        ImportRow {
            line,
            task_id: Some(m.row.id),
            project: m.row.project_code.clone(),
            name: m.row.name.clone(),
            due: Some(m.row.due),
            done: m.row.actual,
            note: m.note.clone(),
        }
    }

    fn log_len(db: &Db) -> i64 {
        db.conn()
            .query_row("SELECT count(*) FROM change_log", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_fault_mid_apply_leaves_nothing_changed() {
        let mut db = seeded();
        let open = open_milestones(&db);
        let (a, b) = (&open[0], &open[1]);
        let mut first = row_of(a, 2);
        first.done = Some(d(2021, 6, 18));
        first.note = "已验收".into();
        let mut second = row_of(b, 3);
        second.due = Some(b.row.due + chrono::Days::new(7));
        let sheet = MilestoneSheet {
            rows: vec![first, second],
            problems: vec![],
        };
        let preview = db.plan_milestone_import(&sheet, d(2021, 6, 20)).unwrap();
        assert_eq!(preview.update_count(), 2);
        // The second row's write fails inside the transaction, after the first was written.
        db.conn()
            .execute_batch(&format!(
                "CREATE TEMP TRIGGER fault BEFORE UPDATE OF planned_finish ON tasks \
                 WHEN NEW.id = {} BEGIN SELECT RAISE(ABORT, 'injected fault'); END;",
                b.row.id
            ))
            .unwrap();
        let before_log = log_len(&db);
        let before_a = db.task(a.row.id).unwrap();
        let err = db
            .apply_milestone_import(&sheet, &preview.fingerprint, &stamp())
            .unwrap_err();
        assert!(err.to_string().contains("injected fault"), "{err}");
        assert_eq!(db.task(a.row.id).unwrap(), before_a);
        assert_eq!(log_len(&db), before_log);

        db.conn().execute_batch("DROP TRIGGER fault").unwrap();
        let outcome = db
            .apply_milestone_import(&sheet, &preview.fingerprint, &stamp())
            .unwrap();
        assert_eq!(outcome.updated.len(), 2);
        assert_eq!(
            db.task(a.row.id).unwrap().actual_finish,
            Some(d(2021, 6, 18))
        );
        assert!(db.verify().unwrap().is_ok());
    }

    #[test]
    fn moving_a_milestone_past_its_summary_stretches_the_summary() {
        let mut db = seeded();
        let m = db
            .milestone_exports(Some("KP21-01"), d(2021, 6, 11))
            .unwrap()
            .into_iter()
            .find(|m| m.row.name == "首台工艺设备搬入")
            .unwrap();
        let task = db.task(m.row.id).unwrap();
        let parent = db.task(task.parent_id.unwrap()).unwrap();
        let mut row = row_of(&m, 2);
        let later = parent.planned_finish + chrono::Days::new(30);
        row.due = Some(later);
        let sheet = MilestoneSheet {
            rows: vec![row],
            problems: vec![],
        };
        let preview = db.plan_milestone_import(&sheet, d(2021, 6, 20)).unwrap();
        db.apply_milestone_import(&sheet, &preview.fingerprint, &stamp())
            .unwrap();
        let moved = db.task(m.row.id).unwrap();
        assert_eq!((moved.planned_start, moved.planned_finish), (later, later));
        let stretched = db.task(parent.id).unwrap();
        assert_eq!(stretched.planned_finish, later);
        assert!(stretched.duration_days > parent.duration_days);
        assert!(db.verify().unwrap().is_ok());
    }

    #[test]
    fn a_preview_made_before_another_change_is_refused() {
        let mut db = seeded();
        let open = open_milestones(&db);
        let mut row = row_of(&open[0], 2);
        row.due = Some(open[0].row.due + chrono::Days::new(1));
        let sheet = MilestoneSheet {
            rows: vec![row],
            problems: vec![],
        };
        let preview = db.plan_milestone_import(&sheet, d(2021, 6, 20)).unwrap();
        // Someone else completes the same milestone in between.
        db.complete_milestone(open[0].row.id, d(2021, 6, 19), "", &stamp())
            .unwrap();
        let before_log = log_len(&db);
        let err = db
            .apply_milestone_import(&sheet, &preview.fingerprint, &stamp())
            .unwrap_err();
        assert!(matches!(err, Error::ImportOutdated), "{err}");
        assert_eq!(err.code(), crate::ErrorCode::Conflict);
        assert_eq!(log_len(&db), before_log);
    }
}
