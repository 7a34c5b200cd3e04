//! Everything the project view shows of one project, in one answer: its plan, and what the
//! Gantt draws over it from the engine (critical bars, floats for the tooltip) and from the
//! latest baseline (the thin bars under the current ones). Every Gantt edit answers with it,
//! so an edit is one call rather than a write followed by several reads.
//!
//! The marks are columns of numbers in the plan's order, not rows repeating each task: on a
//! 10,000-task plan the full schedule and variance (what `keyworks schedule --json` prints)
//! come to megabytes of JSON that the window would parse on every edit.

use chrono::NaiveDate;
use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::ids::{DependencyId, ProjectId, TaskId};
use crate::model::{Dependency, Project, Task};
use crate::plan::schedule::ProjectSchedule;
use crate::portfolio::projects::ProjectDetail;
use crate::store::db::Db;

/// The engine's marks on the plan, one entry per task in `ids`' order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScheduleMarks {
    pub ids: Vec<TaskId>,
    /// On the critical path and not yet done: drawn red.
    pub critical: Vec<bool>,
    /// Working days.
    pub total_float: Vec<i64>,
    pub free_float: Vec<i64>,
}

/// The latest baseline's dates, one entry per task it holds, in `ids`' order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BaselineBars {
    pub name: String,
    pub ids: Vec<TaskId>,
    pub starts: Vec<NaiveDate>,
    pub finishes: Vec<NaiveDate>,
}

/// What the Gantt draws over the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProjectMarks {
    pub schedule: Option<ScheduleMarks>,
    /// Why the engine cannot schedule the plan (a loop saved by an older version, say): told
    /// beside the plan, for it is not the person's input that failed.
    pub schedule_problem: Option<String>,
    /// None for a project without a baseline.
    pub baseline: Option<BaselineBars>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProjectView {
    pub detail: ProjectDetail,
    pub marks: ProjectMarks,
    /// The task the edit created or changed, for the view to select; none after a delete.
    pub subject: Option<TaskId>,
}

/// What a Gantt edit changed in its project's plan, and the marks over the whole plan again:
/// the rows the edit's transaction wrote, read back as they now are. On a 10,000-task plan a
/// move touches a few rows (the task and the summaries above it), so the answer stays small
/// whatever the size of the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlanChange {
    /// Tasks the edit inserted or changed (renumbered ones too), as they now are.
    pub tasks: Vec<Task>,
    pub removed_tasks: Vec<TaskId>,
    pub dependencies: Vec<Dependency>,
    pub removed_dependencies: Vec<DependencyId>,
    pub marks: ProjectMarks,
    /// The task the edit created or changed, for the view to select; none after a delete.
    pub subject: Option<TaskId>,
}

fn schedule_marks(s: &ProjectSchedule) -> ScheduleMarks {
    ScheduleMarks {
        ids: s.rows.iter().map(|r| r.id).collect(),
        critical: s.rows.iter().map(|r| r.critical && !r.done).collect(),
        total_float: s.rows.iter().map(|r| r.total_float).collect(),
        free_float: s.rows.iter().map(|r| r.free_float).collect(),
    }
}

impl Db {
    /// The project view of project `code` (or exact name).
    pub fn project_view(&self, code: &str, subject: Option<TaskId>) -> Result<ProjectView> {
        let detail = self.project_detail(code)?;
        let marks = self.marks_of(&detail.project, &detail.tasks)?;
        Ok(ProjectView {
            detail,
            marks,
            subject,
        })
    }

    /// What the Gantt draws over the plan of project `code` (asked after the plan, which the
    /// Gantt draws first).
    pub fn project_marks(&self, code: &str) -> Result<ProjectMarks> {
        let project = self.project_by_code(code)?;
        let tasks = self.tasks_of(project.id)?;
        self.marks_of(&project, &tasks)
    }

    /// One run of the engine serves the critical marks and the baseline variance.
    fn marks_of(&self, project: &Project, tasks: &[Task]) -> Result<ProjectMarks> {
        match self.schedule_of(project, tasks) {
            Ok((schedule, _)) => {
                let baseline = match self.baseline_named(project, None) {
                    Ok(b) => {
                        let saved = self.baseline_tasks(&b)?;
                        Some(BaselineBars {
                            name: b.name,
                            ids: saved.iter().map(|t| t.task_id).collect(),
                            starts: saved.iter().map(|t| t.planned_start).collect(),
                            finishes: saved.iter().map(|t| t.planned_finish).collect(),
                        })
                    }
                    Err(Error::NoBaseline { .. }) => None,
                    Err(e) => return Err(e),
                };
                Ok(ProjectMarks {
                    schedule: Some(schedule_marks(&schedule)),
                    schedule_problem: None,
                    baseline,
                })
            }
            Err(e @ (Error::DependencyCycle { .. } | Error::InvalidInput { .. })) => {
                Ok(ProjectMarks {
                    schedule: None,
                    schedule_problem: Some(e.to_string()),
                    baseline: None,
                })
            }
            Err(e) => Err(e),
        }
    }

    /// What the latest edit (the change log's newest group: the edit just made, the file being
    /// this window's alone under its edit lock) changed in project `project`'s plan.
    pub fn last_plan_change(
        &self,
        project: ProjectId,
        subject: Option<TaskId>,
    ) -> Result<PlanChange> {
        let conn = self.conn();
        let last: Option<(i64, i64)> = conn
            .query_row(
                "SELECT id, COALESCE(tx_id, id) FROM change_log ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let mut change = PlanChange {
            tasks: Vec::new(),
            removed_tasks: Vec::new(),
            dependencies: Vec::new(),
            removed_dependencies: Vec::new(),
            marks: ProjectMarks {
                schedule: None,
                schedule_problem: None,
                baseline: None,
            },
            subject,
        };
        if let Some((last, group)) = last {
            let mut stmt = conn.prepare_cached(
                "SELECT table_name, row_id, op FROM change_log \
                 WHERE id BETWEEN ?1 AND ?2 AND COALESCE(tx_id, id) = ?1 \
                   AND table_name IN ('tasks', 'dependencies') ORDER BY id",
            )?;
            let rows = stmt
                .query_map([group, last], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut seen = std::collections::HashSet::new();
            for (table, id, op) in rows.iter().rev() {
                // The newest row of each changed row says whether it still exists.
                if !seen.insert((table.clone(), *id)) {
                    continue;
                }
                match (table.as_str(), op.as_str()) {
                    ("tasks", "delete") => change.removed_tasks.push(TaskId(*id)),
                    ("tasks", _) => {
                        let task_sql = format!("SELECT {} FROM tasks WHERE id = ?1", Task::COLUMNS);
                        let t = conn
                            .prepare_cached(&task_sql)?
                            .query_row([*id], Task::from_row)?;
                        if t.project_id == project {
                            change.tasks.push(t);
                        }
                    }
                    ("dependencies", "delete") => {
                        change.removed_dependencies.push(DependencyId(*id))
                    }
                    _ => {
                        let dep_sql = format!(
                            "SELECT {} FROM dependencies WHERE id = ?1",
                            Dependency::COLUMNS
                        );
                        change.dependencies.push(
                            conn.prepare_cached(&dep_sql)?
                                .query_row([*id], Dependency::from_row)?,
                        );
                    }
                }
            }
            change.tasks.sort_by_key(|t| t.position);
        }
        let project = self.project_of_id(project)?;
        let tasks = self.tasks_of(project.id)?;
        change.marks = self.marks_of(&project, &tasks)?;
        Ok(change)
    }

    fn project_of_id(&self, id: ProjectId) -> Result<Project> {
        let sql = format!("SELECT {} FROM projects WHERE id = ?1", Project::COLUMNS);
        Ok(self.conn().query_row(&sql, [id], Project::from_row)?)
    }

    /// The project view of the project with this id.
    pub fn project_view_of(
        &self,
        project: ProjectId,
        subject: Option<TaskId>,
    ) -> Result<ProjectView> {
        let code: String =
            self.conn()
                .query_row("SELECT code FROM projects WHERE id = ?1", [project], |r| {
                    r.get(0)
                })?;
        self.project_view(&code, subject)
    }
}
