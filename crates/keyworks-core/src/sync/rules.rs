//! What the merge must know of the schema: which fields point at which rows (a row inserted
//! under a parent the other side deleted), which fields must be unique together (two weekly
//! updates of one project and week), and which fields are computed (a summary's dates and %,
//! rolled up again after the merge instead of being fought over).

use rusqlite::{Connection, OptionalExtension};
use serde_json::{Map, Value};

use crate::audit::row_state::State;
use crate::error::Result;

/// `(table, field, parent table)`: the schema's foreign keys between logged tables.
pub(crate) const PARENTS: &[(&str, &str, &str)] = &[
    ("calendars", "parent_id", "calendars"),
    ("calendar_exceptions", "calendar_id", "calendars"),
    ("projects", "calendar_id", "calendars"),
    ("targets", "project_id", "projects"),
    ("tasks", "project_id", "projects"),
    ("tasks", "parent_id", "tasks"),
    ("dependencies", "predecessor_id", "tasks"),
    ("dependencies", "successor_id", "tasks"),
    ("weekly_updates", "project_id", "projects"),
    ("baselines", "project_id", "projects"),
    ("baseline_tasks", "baseline_id", "baselines"),
    ("investment_plans", "project_id", "projects"),
    ("investment_months", "project_id", "projects"),
    ("approvals", "project_id", "projects"),
    ("problems", "project_id", "projects"),
    ("photos", "update_id", "weekly_updates"),
];

/// The schema's UNIQUE rules over logged tables.
pub(crate) const UNIQUE: &[(&str, &[&str])] = &[
    ("calendars", &["name"]),
    ("calendar_exceptions", &["calendar_id", "date"]),
    ("projects", &["code"]),
    ("dependencies", &["predecessor_id", "successor_id"]),
    ("weekly_updates", &["project_id", "iso_week"]),
    ("baselines", &["project_id", "name"]),
    ("baseline_tasks", &["baseline_id", "task_id"]),
    ("investment_plans", &["project_id", "year"]),
    ("investment_months", &["project_id", "month"]),
    ("approvals", &["project_id", "item"]),
];

/// A summary task's fields that the roll-up computes from its subtasks.
pub(crate) const ROLLED_UP: &[&str] = &[
    "planned_start",
    "planned_finish",
    "duration_days",
    "percent_complete",
];

/// Fields that only order rows among their siblings. Inserting a task renumbers the ones after
/// it, so two people who both inserted tasks into one project changed the same positions: that
/// is no conflict. The hub keeps its numbers, and the merge puts the project back into one
/// tree order afterwards (`plan::wbs_edit::reorder_as_tree`).
pub(crate) fn is_order(table: &str, field: &str) -> bool {
    field == "position" && matches!(table, "tasks" | "targets")
}

/// The id `field` of a row points at, if it holds one.
pub(crate) fn id_in(row: &Map<String, Value>, field: &str) -> Option<i64> {
    row.get(field).and_then(Value::as_i64)
}

/// The parents `row` of `table` points at: `(parent table, id)`.
pub(crate) fn parents_of(table: &str, row: &Map<String, Value>) -> Vec<(&'static str, i64)> {
    PARENTS
        .iter()
        .filter(|(t, _, _)| *t == table)
        .filter_map(|(_, field, parent)| id_in(row, field).map(|id| (*parent, id)))
        .collect()
}

/// The rows of other tables (or the same) that point at `table`'s row `id`.
pub(crate) fn children_of(
    conn: &Connection,
    table: &str,
    id: i64,
) -> Result<Vec<(&'static str, i64)>> {
    let mut out = Vec::new();
    for (child, field, parent) in PARENTS {
        if *parent != table {
            continue;
        }
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT id FROM {child} WHERE {field} = ?1 ORDER BY id"
        ))?;
        for r in stmt.query_map([id], |r| r.get::<_, i64>(0))? {
            out.push((*child, r?));
        }
    }
    Ok(out)
}

/// The row other than `row_id` that holds the same unique values as `row`, if any.
pub(crate) fn unique_clash(
    conn: &Connection,
    table: &str,
    row_id: i64,
    row: &Map<String, Value>,
) -> Result<Option<i64>> {
    for (t, fields) in UNIQUE {
        if *t != table {
            continue;
        }
        let cond: Vec<String> = fields
            .iter()
            .enumerate()
            .map(|(i, f)| format!("{f} = ?{}", i + 2))
            .collect();
        let sql = format!(
            "SELECT id FROM {table} WHERE id <> ?1 AND {} LIMIT 1",
            cond.join(" AND ")
        );
        let values = std::iter::once(rusqlite::types::Value::Integer(row_id)).chain(
            fields
                .iter()
                .map(|f| crate::audit::row_state::sql_value(row.get(*f).unwrap_or(&Value::Null))),
        );
        let clash: Option<i64> = conn
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(values), |r| r.get(0))
            .optional()?;
        if clash.is_some() {
            return Ok(clash);
        }
    }
    Ok(None)
}

/// Whether `field` of a tasks row is computed by the roll-up, the task being a summary now.
pub(crate) fn is_rolled_up(
    conn: &Connection,
    table: &str,
    row_id: i64,
    field: &str,
) -> Result<bool> {
    if table != "tasks" || !ROLLED_UP.contains(&field) {
        return Ok(false);
    }
    let has_children: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM tasks WHERE parent_id = ?1)")?
        .query_row([row_id], |r| r.get(0))?;
    Ok(has_children)
}

/// The project a row belongs to, as its code, and a few words that name the row for a person
/// (a task's name, an update's week), read from the row's state on either side.
pub(crate) fn describe(conn: &Connection, table: &str, state: &State) -> Result<(String, String)> {
    let Some(row) = state else {
        return Ok((String::new(), String::new()));
    };
    let text = |f: &str| row.get(f).and_then(Value::as_str).unwrap_or("").to_owned();
    let project_of_task = |task: Option<i64>| -> Result<Option<i64>> {
        Ok(match task {
            Some(id) => conn
                .prepare_cached("SELECT project_id FROM tasks WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?,
            None => None,
        })
    };
    let (project, label) = match table {
        "projects" => return Ok((text("code"), text("name"))),
        "tasks" | "targets" => (id_in(row, "project_id"), text("name")),
        "weekly_updates" => (id_in(row, "project_id"), text("iso_week")),
        "baselines" => (id_in(row, "project_id"), text("name")),
        "investment_months" => (id_in(row, "project_id"), text("month")),
        "approvals" => (id_in(row, "project_id"), text("item")),
        "problems" => (id_in(row, "project_id"), text("problem")),
        "photos" => (
            match id_in(row, "update_id") {
                Some(u) => conn
                    .prepare_cached("SELECT project_id FROM weekly_updates WHERE id = ?1")?
                    .query_row([u], |r| r.get(0))
                    .optional()?,
                None => None,
            },
            text("file_name"),
        ),
        "investment_plans" => (
            id_in(row, "project_id"),
            row.get("year")
                .map(|y| format!("{y}年"))
                .unwrap_or_default(),
        ),
        "dependencies" => (
            project_of_task(id_in(row, "successor_id"))?,
            format!(
                "{} → {}",
                id_in(row, "predecessor_id").unwrap_or_default(),
                id_in(row, "successor_id").unwrap_or_default()
            ),
        ),
        "baseline_tasks" => (None, text("task_name")),
        "calendars" => (None, text("name")),
        "calendar_exceptions" => (None, text("date")),
        _ => (None, String::new()),
    };
    let code = match project {
        Some(id) => conn
            .prepare_cached("SELECT code FROM projects WHERE id = ?1")?
            .query_row([id], |r| r.get::<_, String>(0))
            .optional()?
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok((code, label))
}
