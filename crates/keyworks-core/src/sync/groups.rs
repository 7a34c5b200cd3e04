//! Change groups as sync carries them: a file's change-log rows of one use case (one
//! transaction), with their author and time, read back from the log. The same shape goes up
//! in a sync and into a change package.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::audit::row_state::{State, current};
use crate::audit::verify::LOGGED_TABLES;
use crate::error::{Error, Result};
use crate::sync::rules::parents_of;

/// What a change-log row did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowOp {
    Insert,
    Update,
    Delete,
}

impl RowOp {
    fn parse(code: &str) -> Result<RowOp> {
        match code {
            "insert" => Ok(RowOp::Insert),
            "update" => Ok(RowOp::Update),
            "delete" => Ok(RowOp::Delete),
            other => Err(Error::Internal(format!("change_log op {other}"))),
        }
    }
}

/// One change-log row: `changes` is `{field: [before, after]}` as the log holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowChange {
    pub op: RowOp,
    pub table: String,
    pub row_id: i64,
    pub changes: Map<String, Value>,
}

impl RowChange {
    /// The value `field` had before the change.
    pub(crate) fn before(&self, field: &str) -> Option<&Value> {
        self.changes.get(field).and_then(|p| p.get(0))
    }

    /// The row as this change leaves it, for an insert: every field's after value.
    pub(crate) fn inserted(&self) -> Map<String, Value> {
        self.changes
            .iter()
            .map(|(k, pair)| (k.clone(), pair.get(1).cloned().unwrap_or(Value::Null)))
            .collect()
    }
}

/// One use case's changes, made by one author at one time in the file they come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeGroup {
    /// The group's number in the file it was made in (its first change-log row's id).
    pub tx: i64,
    pub author: String,
    /// RFC 3339, as the log holds it.
    pub at: String,
    pub rows: Vec<RowChange>,
}

/// The groups of `conn` after change-log id `after` that were made in this file (pulled ones
/// have an origin row and are never sent back), data tables only (a broken edit lock or a
/// restore is a local event, not a change to the portfolio).
pub(crate) fn local_groups_after(conn: &Connection, after: i64) -> Result<Vec<ChangeGroup>> {
    let mut stmt = conn.prepare(
        "SELECT coalesce(c.tx_id, c.id), c.author, c.at, c.op, c.table_name, c.row_id, c.changes \
         FROM change_log c \
         WHERE c.id > ?1 AND NOT EXISTS (SELECT 1 FROM sync_origins o WHERE o.tx_id = c.tx_id) \
         ORDER BY c.id",
    )?;
    let mut rows = stmt.query([after])?;
    let mut groups: Vec<ChangeGroup> = Vec::new();
    while let Some(r) = rows.next()? {
        let tx: i64 = r.get(0)?;
        let table: String = r.get(4)?;
        if !LOGGED_TABLES.contains(&table.as_str()) {
            continue;
        }
        let changes: String = r.get(6)?;
        let Ok(Value::Object(changes)) = serde_json::from_str::<Value>(&changes) else {
            return Err(Error::Internal(format!(
                "变更记录 {table} 的内容无法读取，请先运行 keyworks verify"
            )));
        };
        let change = RowChange {
            op: RowOp::parse(&r.get::<_, String>(3)?)?,
            table,
            row_id: r.get(5)?,
            changes,
        };
        match groups.last_mut() {
            Some(g) if g.tx == tx => g.rows.push(change),
            _ => groups.push(ChangeGroup {
                tx,
                author: r.get(1)?,
                at: r.get(2)?,
                rows: vec![change],
            }),
        }
    }
    Ok(groups)
}

/// The rows `groups` touch, as they stand now in `conn` (None: deleted since). Sent along so
/// that "take mine" can put back a row the hub deleted, even from a change package.
pub(crate) fn current_rows(
    conn: &Connection,
    groups: &[ChangeGroup],
) -> Result<BTreeMap<RowKey, State>> {
    let mut out = BTreeMap::new();
    let mut todo: Vec<RowKey> = groups
        .iter()
        .flat_map(|g| g.rows.iter().map(|r| RowKey::new(&r.table, r.row_id)))
        .collect();
    // Each row's parents too (a task's summary and project), so that a row can be put back
    // with the rows it hangs from.
    while let Some(key) = todo.pop() {
        if out.contains_key(&key) {
            continue;
        }
        let state = current(conn, &key.table, key.row_id)?;
        if let Some(row) = &state {
            for (parent, id) in parents_of(&key.table, row) {
                todo.push(RowKey::new(parent, id));
            }
        }
        out.insert(key, state);
    }
    Ok(out)
}

/// A row of a logged table: `tasks#1099511627777`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct RowKey {
    pub table: String,
    pub row_id: i64,
}

impl RowKey {
    pub fn new(table: &str, row_id: i64) -> RowKey {
        RowKey {
            table: table.to_owned(),
            row_id,
        }
    }
}

impl From<RowKey> for String {
    fn from(k: RowKey) -> String {
        format!("{}#{}", k.table, k.row_id)
    }
}

impl TryFrom<String> for RowKey {
    type Error = String;
    fn try_from(s: String) -> std::result::Result<RowKey, String> {
        let (table, id) = s.split_once('#').ok_or_else(|| format!("row key {s}"))?;
        let row_id = id.parse().map_err(|_| format!("row key {s}"))?;
        Ok(RowKey::new(table, row_id))
    }
}
