//! A hub held in another store: a PostgreSQL server (crate `keyworks-hub`).
//!
//! The merge, the roll-ups and the pull run on a KeyWorks file, as for a file hub: a local
//! copy of the hub, kept level with the server. What passes between the copy and the server
//! is a [`HubDelta`]: the hub's change-log rows after a point, the origins of those groups,
//! the list of replicas, and every row those changes touched as it stands now. Columns travel
//! by name as JSON values, so the server side holds the tables and the log and runs no copy of
//! any KeyWorks query: this file is the line between the two (ARCHITECTURE.md).

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{Connection, Transaction, params_from_iter};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::audit::row_state::{
    State, columns_of, current, delete_row, insert_row, json_of, sql_value, update_row,
};
use crate::audit::verify::LOGGED_TABLES;
use crate::error::{Error, Result};
use crate::store::db::Db;
use crate::sync::identity::{SyncSelf, last_change_id};
use crate::sync::photo_transfer::{PhotoFile, files_missing, store_files};

/// The tables of a hub besides the logged ones: the change log and the sync's own records.
pub const HUB_RECORD_TABLES: &[&str] = &["change_log", "sync_origins", "sync_replicas"];

/// One row of a logged table as it stands after the delta's changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowNow {
    pub table: String,
    pub id: i64,
    /// Every column but `id`; None when the row no longer exists.
    pub fields: State,
}

/// What a hub holds after change-log id `after`, or all of it (`complete`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HubDelta {
    /// The whole hub: the receiving side empties its tables first.
    pub complete: bool,
    /// The change-log id this delta starts after (0 for a complete one).
    pub after: i64,
    /// change_log rows, every column by name, in id order.
    pub log: Vec<Map<String, Value>>,
    /// sync_origins rows of those groups.
    pub origins: Vec<Map<String, Value>>,
    /// Every sync_replicas row (one per replica ever made: a few hundred at most).
    pub replicas: Vec<Map<String, Value>>,
    pub rows: Vec<RowNow>,
    /// The bytes of the photos among `rows` (all the hub's with `complete`).
    #[serde(default)]
    pub photo_files: Vec<PhotoFile>,
}

impl HubDelta {
    /// The id and hash of the delta's last change-log row.
    pub fn last_change(&self) -> Option<(i64, String)> {
        let last = self.log.last()?;
        Some((
            last.get("id")?.as_i64()?,
            last.get("hash")?.as_str()?.to_owned(),
        ))
    }
}

/// Who a hub is and where its log ends: what a copy is checked against before use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubIdentity {
    pub file_id: String,
    /// Set when the file is itself a replica (it cannot be a hub).
    pub hub_file_id: Option<String>,
    pub last_change: i64,
    /// The hash of the last change-log row ('' when the log is empty).
    pub last_hash: String,
}

fn rows_of(conn: &Connection, sql: &str, params: &[i64]) -> Result<Vec<Map<String, Value>>> {
    let mut stmt = conn.prepare(sql)?;
    let names: Vec<String> = stmt.column_names().map(str::to_owned).collect();
    let rows = stmt.query_map(params_from_iter(params), |r| {
        let mut row = Map::new();
        for (i, name) in names.iter().enumerate() {
            row.insert(name.clone(), json_of(r.get_ref(i)?));
        }
        Ok(row)
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The logged rows that change-log rows `log` touched, by table.
pub fn touched(log: &[Map<String, Value>]) -> BTreeMap<&'static str, BTreeSet<i64>> {
    let mut touched: BTreeMap<&'static str, BTreeSet<i64>> = BTreeMap::new();
    for entry in log {
        let table = entry.get("table_name").and_then(Value::as_str);
        let id = entry.get("row_id").and_then(Value::as_i64);
        if let (Some(table), Some(id)) = (table, id)
            && let Some(t) = LOGGED_TABLES.iter().find(|t| **t == table)
        {
            touched.entry(t).or_default().insert(id);
        }
    }
    touched
}

/// What changed in the hub at `conn` after change-log id `after`.
pub(crate) fn delta_after(conn: &Connection, after: i64) -> Result<HubDelta> {
    let log = rows_of(
        conn,
        "SELECT * FROM change_log WHERE id > ?1 ORDER BY id",
        &[after],
    )?;
    let origins = rows_of(
        conn,
        "SELECT * FROM sync_origins WHERE tx_id > ?1 ORDER BY tx_id",
        &[after],
    )?;
    let replicas = rows_of(conn, "SELECT * FROM sync_replicas ORDER BY replica_no", &[])?;
    let mut rows = Vec::new();
    for (table, ids) in touched(&log) {
        for id in ids {
            rows.push(RowNow {
                table: table.to_owned(),
                id,
                fields: current(conn, table, id)?,
            });
        }
    }
    let photo_files = files_missing(conn, &BTreeSet::new(), Some(&photo_keys(&rows)))?;
    Ok(HubDelta {
        complete: false,
        after,
        log,
        origins,
        replicas,
        rows,
        photo_files,
    })
}

/// The photo files the `photos` rows among `rows` name.
pub fn photo_keys(rows: &[RowNow]) -> BTreeSet<String> {
    rows.iter()
        .filter(|r| r.table == "photos")
        .filter_map(|r| {
            r.fields
                .as_ref()?
                .get("sha256")?
                .as_str()
                .map(str::to_owned)
        })
        .collect()
}

/// Everything the hub at `conn` holds.
fn delta_complete(conn: &Connection) -> Result<HubDelta> {
    let mut delta = delta_after(conn, 0)?;
    delta.complete = true;
    delta.photo_files = files_missing(conn, &BTreeSet::new(), None)?;
    delta.origins = rows_of(conn, "SELECT * FROM sync_origins ORDER BY tx_id", &[])?;
    delta.rows.clear();
    for table in LOGGED_TABLES {
        for mut row in rows_of(conn, &format!("SELECT * FROM {table} ORDER BY id"), &[])? {
            let id = row.remove("id").and_then(|v| v.as_i64()).ok_or_else(|| {
                Error::Internal(format!("{table} has a row without an integer id"))
            })?;
            delta.rows.push(RowNow {
                table: (*table).to_owned(),
                id,
                fields: Some(row),
            });
        }
    }
    Ok(delta)
}

/// Inserts `row` into `table` as it is, every column by name.
fn insert_whole(tx: &Transaction<'_>, table: &str, row: &Map<String, Value>) -> Result<()> {
    let names: Vec<&str> = row.keys().map(String::as_str).collect();
    let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    tx.prepare_cached(&format!(
        "INSERT OR REPLACE INTO {table} ({}) VALUES ({})",
        names.join(", "),
        marks.join(", ")
    ))?
    .execute(params_from_iter(row.values().map(sql_value)))?;
    Ok(())
}

/// Writes `delta` into the copy at `tx`: after it, the copy holds what the hub holds.
fn apply_delta(tx: &Transaction<'_>, delta: &HubDelta) -> Result<()> {
    // Foreign keys are checked at commit: rows come in table order, not in the order parents need.
    tx.pragma_update(None, "defer_foreign_keys", true)?;
    if delta.complete {
        for table in LOGGED_TABLES.iter().rev().chain(HUB_RECORD_TABLES) {
            tx.execute(&format!("DELETE FROM {table}"), [])?;
        }
        tx.execute("DELETE FROM photo_files", [])?;
    } else {
        let last = last_change_id(tx)?;
        if last != delta.after {
            return Err(Error::Internal(format!(
                "the copy of the hub ends at change {last}, the delta starts after {}",
                delta.after
            )));
        }
    }
    store_files(tx, &delta.photo_files)?;
    for entry in &delta.log {
        insert_whole(tx, "change_log", entry)?;
    }
    for origin in &delta.origins {
        insert_whole(tx, "sync_origins", origin)?;
    }
    for replica in &delta.replicas {
        insert_whole(tx, "sync_replicas", replica)?;
    }
    // Deletes first, so that a unique value is free when another row takes it.
    for row in delta.rows.iter().filter(|r| r.fields.is_none()) {
        delete_row(tx, &row.table, row.id)?;
    }
    let mut columns: std::collections::HashMap<&str, BTreeSet<String>> = Default::default();
    for row in &delta.rows {
        let Some(fields) = &row.fields else { continue };
        if !LOGGED_TABLES.contains(&row.table.as_str()) {
            return Err(Error::Internal(format!("a hub row of table {}", row.table)));
        }
        if !columns.contains_key(row.table.as_str()) {
            columns.insert(&row.table, columns_of(tx, &row.table)?);
        }
        let cols = &columns[row.table.as_str()];
        match current(tx, &row.table, row.id)? {
            Some(_) => update_row(tx, &row.table, row.id, fields, cols)?,
            None => insert_row(tx, &row.table, row.id, fields, cols)?,
        }
    }
    Ok(())
}

impl Db {
    /// Who this file is as a hub, and where its change log ends.
    pub fn hub_identity(&self) -> Result<HubIdentity> {
        self.read_snapshot(|db| {
            let me = SyncSelf::read(db.conn())?;
            let (last_change, last_hash) = db
                .conn()
                .query_row(
                    "SELECT id, hash FROM change_log ORDER BY id DESC LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .or_else(|e| match e {
                    rusqlite::Error::QueryReturnedNoRows => Ok((0, String::new())),
                    e => Err(e),
                })?;
            Ok(HubIdentity {
                file_id: me.file_id,
                hub_file_id: me.hub_file_id,
                last_change,
                last_hash,
            })
        })
    }

    /// Everything this file holds as a hub: its logged tables, its change log and the sync's
    /// records (what `keyworks hub init` loads into a server).
    pub fn hub_contents(&self) -> Result<HubDelta> {
        self.read_snapshot(|db| delta_complete(db.conn()))
    }

    /// What changed in this hub (or copy of one) after change-log id `after`.
    pub fn hub_delta_after(&self, after: i64) -> Result<HubDelta> {
        self.read_snapshot(|db| delta_after(db.conn(), after))
    }

    /// Makes this file a copy of the hub `file_id` and writes `delta` into it, in one
    /// transaction. A delta that does not start where the copy ends is refused.
    pub fn apply_hub_delta(&mut self, file_id: &str, delta: &HubDelta) -> Result<()> {
        self.write_tx(|tx| {
            apply_delta(tx, delta)?;
            tx.execute(
                "UPDATE sync_self SET file_id = ?1, replica_no = 0, hub_file_id = NULL, \
                 hub_path = NULL WHERE id = 1",
                [file_id],
            )?;
            Ok(())
        })
    }
}

/// What a copy of a hub wrote in one transaction (its change-log rows after `after` and the
/// rows they touched), for the caller to put on the server before the copy commits.
pub(crate) fn written_since(tx: &Transaction<'_>, after: i64) -> Result<HubDelta> {
    delta_after(tx, after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::change_log::Stamp;
    use chrono::DateTime;

    fn stamp() -> Stamp {
        let at = DateTime::parse_from_rfc3339("2021-06-11T09:30:00+08:00").unwrap();
        Stamp::new("王工", at).unwrap()
    }

    #[test]
    fn a_complete_delta_rebuilds_the_hub_in_an_empty_file_and_the_copy_verifies() {
        let mut hub = Db::open_in_memory().unwrap();
        hub.load_seed(&stamp()).unwrap();
        let everything = hub.hub_contents().unwrap();
        assert!(everything.rows.iter().any(|r| r.table == "projects"));
        let mut copy = Db::open_in_memory().unwrap();
        let id = hub.hub_identity().unwrap();
        copy.apply_hub_delta(&id.file_id, &everything).unwrap();
        assert_eq!(copy.hub_identity().unwrap(), id);
        assert_eq!(copy.hub_contents().unwrap(), everything);
        let report = copy.verify().unwrap();
        assert!(report.findings.is_empty(), "{:?}", report.findings);
    }

    #[test]
    fn a_delta_that_does_not_start_where_the_copy_ends_is_refused_and_changes_nothing() {
        let mut hub = Db::open_in_memory().unwrap();
        hub.load_seed(&stamp()).unwrap();
        let mut copy = Db::open_in_memory().unwrap();
        let id = hub.hub_identity().unwrap();
        let mut late = hub.hub_delta_after(0).unwrap();
        late.after = 5;
        assert!(copy.apply_hub_delta(&id.file_id, &late).is_err());
        assert_eq!(copy.hub_identity().unwrap().last_change, 0);
    }
}
