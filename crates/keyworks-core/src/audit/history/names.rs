//! Names for the ids the change log records (tasks, projects, links …), as the history shows
//! them: the current rows first, else the values the log kept when a row was deleted.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};
use serde_json::{Map, Value};

use super::describe::ProjectName;
use super::words::plain;
use crate::error::Result;

/// A task as the history names it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct TaskFacts {
    pub(super) name: String,
    pub(super) is_milestone: bool,
    pub(super) project: Option<i64>,
    pub(super) parent: Option<i64>,
}

/// Names for the ids the log records: current rows first, else the values the log kept when
/// the row was deleted. Asked once per id.
pub(crate) struct Names<'c> {
    pub(super) conn: &'c Connection,
    projects: HashMap<i64, ProjectName>,
    tasks: HashMap<i64, Option<TaskFacts>>,
    /// The project of rows other than tasks, by table and id.
    owners: HashMap<(String, i64), Option<i64>>,
}

impl<'c> Names<'c> {
    pub(crate) fn new(conn: &'c Connection) -> Result<Names<'c>> {
        let mut stmt = conn.prepare_cached("SELECT id, code, name FROM projects")?;
        let projects = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    ProjectName {
                        code: r.get(1)?,
                        name: r.get(2)?,
                    },
                ))
            })?
            .collect::<rusqlite::Result<HashMap<_, _>>>()?;
        Ok(Names {
            conn,
            projects,
            tasks: HashMap::new(),
            owners: HashMap::new(),
        })
    }

    /// The project a logged row belongs to (its own for a project row), if any.
    /// The project of weekly update `update` (a photo's owner), from the file or, for an update
    /// since deleted, from the log.
    pub(crate) fn project_of_update(&mut self, update: Option<i64>) -> Result<Option<i64>> {
        match update {
            Some(id) => self.project_of_row("weekly_updates", id),
            None => Ok(None),
        }
    }

    pub(crate) fn project_of_row(&mut self, table: &str, row_id: i64) -> Result<Option<i64>> {
        match table {
            "projects" => return Ok(Some(row_id)),
            "tasks" => return Ok(self.task(row_id)?.and_then(|t| t.project)),
            _ => {}
        }
        let key = (table.to_owned(), row_id);
        if let Some(found) = self.owners.get(&key) {
            return Ok(*found);
        }
        let found = match table {
            "weekly_updates" | "targets" | "baselines" | "investment_plans"
            | "investment_months" | "approvals" | "problems" => {
                let current: Option<i64> = self
                    .conn
                    .prepare_cached(&format!("SELECT project_id FROM {table} WHERE id = ?1"))?
                    .query_row([row_id], |r| r.get(0))
                    .optional()?;
                match current {
                    Some(p) => Some(p),
                    None => self
                        .logged_fields(table, row_id)?
                        .and_then(|m| m.get("project_id").and_then(Value::as_i64)),
                }
            }
            "photos" => {
                let update: Option<i64> = self
                    .conn
                    .prepare_cached("SELECT update_id FROM photos WHERE id = ?1")?
                    .query_row([row_id], |r| r.get(0))
                    .optional()?;
                let update = match update {
                    Some(u) => Some(u),
                    None => self
                        .logged_fields(table, row_id)?
                        .and_then(|m| m.get("update_id").and_then(Value::as_i64)),
                };
                self.project_of_update(update)?
            }
            "dependencies" => {
                let current: Option<i64> = self
                    .conn
                    .prepare_cached("SELECT successor_id FROM dependencies WHERE id = ?1")?
                    .query_row([row_id], |r| r.get(0))
                    .optional()?;
                let successor = match current {
                    Some(s) => Some(s),
                    None => self
                        .logged_fields(table, row_id)?
                        .and_then(|m| m.get("successor_id").and_then(Value::as_i64)),
                };
                match successor {
                    Some(s) => self.task(s)?.and_then(|t| t.project),
                    None => None,
                }
            }
            "baseline_tasks" => {
                let baseline = self
                    .logged_fields(table, row_id)?
                    .and_then(|m| m.get("baseline_id").and_then(Value::as_i64));
                match baseline {
                    Some(b) => self.project_of_row("baselines", b)?,
                    None => None,
                }
            }
            _ => None,
        };
        self.owners.insert(key, found);
        Ok(found)
    }

    pub(crate) fn project(&mut self, id: i64) -> Result<Option<ProjectName>> {
        if let Some(p) = self.projects.get(&id) {
            return Ok(Some(p.clone()));
        }
        // A deleted project keeps its code and name in the log.
        let logged = self.logged_fields("projects", id)?;
        let found = logged.map(|m| ProjectName {
            code: m.get("code").map(plain).unwrap_or_default(),
            name: m.get("name").map(plain).unwrap_or_default(),
        });
        if let Some(p) = &found {
            self.projects.insert(id, p.clone());
        }
        Ok(found)
    }

    pub(super) fn task(&mut self, id: i64) -> Result<Option<TaskFacts>> {
        if let Some(t) = self.tasks.get(&id) {
            return Ok(t.clone());
        }
        let current = self
            .conn
            .prepare_cached(
                "SELECT name, is_milestone, project_id, parent_id FROM tasks WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok(TaskFacts {
                    name: r.get(0)?,
                    is_milestone: r.get(1)?,
                    project: r.get(2)?,
                    parent: r.get(3)?,
                })
            })
            .optional()?;
        let found = match current {
            Some(t) => Some(t),
            None => self.logged_fields("tasks", id)?.map(|m| TaskFacts {
                name: m.get("name").map(plain).unwrap_or_default(),
                is_milestone: m.get("is_milestone").and_then(Value::as_bool) == Some(true),
                project: m.get("project_id").and_then(Value::as_i64),
                parent: m.get("parent_id").and_then(Value::as_i64),
            }),
        };
        self.tasks.insert(id, found.clone());
        Ok(found)
    }

    /// The whole row as the log last recorded it entire: its delete (or, failing that, its
    /// insert). Updates record only what changed, so they cannot name a row by themselves.
    pub(super) fn logged_fields(&self, table: &str, id: i64) -> Result<Option<Map<String, Value>>> {
        let changes: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT changes FROM change_log WHERE table_name = ?1 AND row_id = ?2 \
                 AND op IN ('insert', 'delete') ORDER BY op = 'delete' DESC, id DESC LIMIT 1",
            )?
            .query_row(rusqlite::params![table, id], |r| r.get(0))
            .optional()?;
        let Some(changes) = changes else {
            return Ok(None);
        };
        let Ok(Value::Object(m)) = serde_json::from_str::<Value>(&changes) else {
            return Ok(None);
        };
        // {field: [before, after]}: the side that holds the row.
        Ok(Some(
            m.into_iter()
                .map(|(k, v)| {
                    let side = match v.as_array().map(Vec::as_slice) {
                        Some([b, Value::Null]) => b.clone(),
                        Some([_, a]) => a.clone(),
                        _ => Value::Null,
                    };
                    (k, side)
                })
                .collect(),
        ))
    }

    pub(super) fn task_name(&mut self, id: Option<i64>) -> Result<String> {
        Ok(match id {
            Some(id) => self
                .task(id)?
                .map(|t| t.name)
                .unwrap_or_else(|| format!("#{id}")),
            None => String::new(),
        })
    }
}
