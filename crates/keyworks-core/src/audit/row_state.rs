//! A logged row as the change log knows it: its fields as JSON values (the same values every
//! change-log entry carries), read back by replaying the log, and written back to its table.
//! Undo puts rows back this way, and sync carries rows between files this way.

use std::collections::BTreeSet;

use rusqlite::OptionalExtension;
use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{Connection, params, params_from_iter};
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// A row's fields as the log records them, or None when the row does not exist.
pub(crate) type State = Option<Map<String, Value>>;

/// The row as the log left it just before change-log id `before` (None: it did not exist).
pub(crate) fn replay(tx: &Connection, table: &str, row_id: i64, before: i64) -> Result<State> {
    let mut stmt = tx.prepare_cached(
        "SELECT op, changes FROM change_log WHERE table_name = ?1 AND row_id = ?2 AND id < ?3 ORDER BY id",
    )?;
    let mut rows = stmt.query(params![table, row_id, before])?;
    let mut state: State = None;
    while let Some(r) = rows.next()? {
        let op: String = r.get(0)?;
        let changes: String = r.get(1)?;
        if op == "delete" {
            state = None;
            continue;
        }
        let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(&changes) else {
            return Err(Error::UndoConflict {
                detail: format!(
                    "变更记录中 {table} #{row_id} 的内容无法读取，请先运行 keyworks verify"
                ),
            });
        };
        let s = state.get_or_insert_with(Map::new);
        for (field, pair) in fields {
            s.insert(field, pair.get(1).cloned().unwrap_or(Value::Null));
        }
    }
    Ok(state)
}

pub(crate) fn columns_of(tx: &Connection, table: &str) -> Result<BTreeSet<String>> {
    let mut stmt = tx.prepare_cached("SELECT name FROM pragma_table_info(?1)")?;
    let names = stmt.query_map([table], |r| r.get(0))?;
    Ok(names.collect::<rusqlite::Result<_>>()?)
}

/// A logged value as SQLite stores it: booleans as 0/1, whole and fractional numbers as such.
pub(crate) fn sql_value(v: &Value) -> SqlValue {
    match v {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(i64::from(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => SqlValue::Integer(i),
            None => SqlValue::Real(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => SqlValue::Text(s.clone()),
        other => SqlValue::Text(other.to_string()),
    }
}

/// The logged fields that are columns of the table (a field the log has but the table no
/// longer has is left out rather than failing the undo).
fn present<'a>(
    fields: &'a Map<String, Value>,
    columns: &'a BTreeSet<String>,
) -> impl Iterator<Item = (&'a String, &'a Value)> {
    fields
        .iter()
        .filter(move |(k, _)| k.as_str() != "id" && columns.contains(k.as_str()))
}

pub(crate) fn insert_row(
    tx: &Connection,
    table: &str,
    row_id: i64,
    fields: &Map<String, Value>,
    columns: &BTreeSet<String>,
) -> Result<()> {
    let (names, values): (Vec<&String>, Vec<SqlValue>) = present(fields, columns)
        .map(|(k, v)| (k, sql_value(v)))
        .unzip();
    let marks: Vec<String> = (0..names.len()).map(|i| format!("?{}", i + 2)).collect();
    let sql = format!(
        "INSERT INTO {table} (id{}{}) VALUES (?1{}{})",
        if names.is_empty() { "" } else { ", " },
        names
            .iter()
            .map(|n| n.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        if marks.is_empty() { "" } else { ", " },
        marks.join(", ")
    );
    let all = std::iter::once(SqlValue::Integer(row_id)).chain(values);
    tx.execute(&sql, params_from_iter(all))?;
    Ok(())
}

pub(crate) fn update_row(
    tx: &Connection,
    table: &str,
    row_id: i64,
    fields: &Map<String, Value>,
    columns: &BTreeSet<String>,
) -> Result<()> {
    let (names, values): (Vec<&String>, Vec<SqlValue>) = present(fields, columns)
        .map(|(k, v)| (k, sql_value(v)))
        .unzip();
    if names.is_empty() {
        return Ok(());
    }
    let sets: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(i, n)| format!("{n} = ?{}", i + 2))
        .collect();
    let sql = format!("UPDATE {table} SET {} WHERE id = ?1", sets.join(", "));
    let all = std::iter::once(SqlValue::Integer(row_id)).chain(values);
    tx.execute(&sql, params_from_iter(all))?;
    Ok(())
}

/// Deletes a row by id.
pub(crate) fn delete_row(tx: &Connection, table: &str, row_id: i64) -> Result<()> {
    tx.prepare_cached(&format!("DELETE FROM {table} WHERE id = ?1"))?
        .execute([row_id])?;
    Ok(())
}

/// A stored value as JSON, for comparing with what the log holds.
pub(crate) fn json_of(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(r) => Value::from(r),
        ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::from(format!("<{} bytes>", b.len())),
    }
}

/// The row as its table holds it now (verify holds this equal to what the log says), read by
/// its id: no walk through the row's history, however long.
pub(crate) fn current(conn: &Connection, table: &str, row_id: i64) -> Result<State> {
    let mut stmt = conn.prepare_cached(&format!("SELECT * FROM {table} WHERE id = ?1"))?;
    let names: Vec<String> = stmt.column_names().map(str::to_owned).collect();
    Ok(stmt
        .query_row([row_id], |r| {
            let mut row = Map::new();
            for (i, name) in names.iter().enumerate() {
                if name != "id" {
                    row.insert(name.clone(), json_of(r.get_ref(i)?));
                }
            }
            Ok(row)
        })
        .optional()?)
}

/// Whether two logged values mean the same: JSON equality, except that numbers compare by
/// value (`50` and `50.0`) and a boolean equals the 0 or 1 SQLite stores for it (the log
/// writes booleans as true/false and whole reals as 100.0; SQLite may return 1 and 100).
pub(crate) fn same_value(a: &Value, b: &Value) -> bool {
    if a == b {
        return true;
    }
    let number = |v: &Value| match v {
        Value::Number(n) => n.as_f64(),
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        _ => None,
    };
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// Whether two row states are the same row content (fields missing on one side count as null).
pub(crate) fn same_state(a: &State, b: &State) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => {
            let null = Value::Null;
            x.keys()
                .chain(y.keys())
                .filter(|k| k.as_str() != "id")
                .all(|k| same_value(x.get(k).unwrap_or(&null), y.get(k).unwrap_or(&null)))
        }
        _ => false,
    }
}
