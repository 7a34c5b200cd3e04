//! The connection to a server hub: errors in words, the lock that serialises syncs, and the
//! hub's rows read and written as `HubDelta`s, by column name (`jsonb_populate_recordset`
//! and `to_jsonb` convert between JSON and each column's type on the server).

use std::collections::{BTreeMap, BTreeSet};

use keyworks_core::Error;
use keyworks_core::audit::verify::LOGGED_TABLES;
use keyworks_core::sync::mirror::{HubDelta, RowNow, photo_keys, touched};
use keyworks_core::sync::photo_transfer::PhotoFile;
use postgres::error::SqlState;
use postgres::{Client, NoTls, Transaction};
use serde_json::{Map, Value};

use crate::address::ServerAddress;
use crate::schema::supported_version;

/// A connection to a server hub.
pub struct Server {
    pub(crate) address: ServerAddress,
    pub(crate) client: Client,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Server").field(&self.address).finish()
    }
}

/// The hub's identity row, read under the lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubRow {
    pub file_id: String,
    pub schema_version: u32,
}

/// A server error in words, naming the server.
pub(crate) fn server_error(address: &ServerAddress, e: &postgres::Error) -> Error {
    let url = address.shown().to_owned();
    if let Some(db) = e.as_db_error() {
        let code = db.code();
        if *code == SqlState::INVALID_PASSWORD
            || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
        {
            return Error::HubLogin {
                url,
                detail: db.message().to_owned(),
            };
        }
        if *code == SqlState::INSUFFICIENT_PRIVILEGE {
            return Error::HubReadOnly {
                url,
                user: address.user().to_owned(),
            };
        }
        if *code == SqlState::INVALID_CATALOG_NAME {
            return Error::NotAHub { url };
        }
        return Error::HubServer {
            url,
            detail: db.message().to_owned(),
        };
    }
    if e.is_closed() {
        return Error::HubServer {
            url,
            detail: "连接已断开".into(),
        };
    }
    let text = e.to_string();
    if text.contains("password") {
        return Error::HubLogin { url, detail: text };
    }
    Error::HubServer { url, detail: text }
}

impl Server {
    /// Connects; a server that cannot be reached, a wrong password or a missing database
    /// each get their own error.
    pub fn connect(address: &ServerAddress) -> Result<Server, Error> {
        let client = address.config().connect(NoTls).map_err(|e| {
            if e.as_db_error().is_some() || e.to_string().contains("password") {
                server_error(address, &e)
            } else {
                Error::ServerUnreachable {
                    url: address.shown().to_owned(),
                    detail: e.to_string(),
                }
            }
        })?;
        Ok(Server {
            address: address.clone(),
            client,
        })
    }

    pub fn address(&self) -> &ServerAddress {
        &self.address
    }
}

/// Reads the hub's identity in `tx`; with `lock`, takes the row lock every writer takes
/// first, so that syncs follow one another (a reader's attempt fails: it may not lock).
/// A server of another schema version than this program's is refused: a newer one until
/// KeyWorks is upgraded, an older one until `keyworks hub upgrade` has run.
pub(crate) fn hub_row(
    tx: &mut Transaction<'_>,
    address: &ServerAddress,
    lock: bool,
) -> Result<HubRow, Error> {
    let row = hub_row_any_version(tx, address, lock)?;
    if row.schema_version < supported_version() {
        return Err(Error::HubOlder {
            url: address.shown().to_owned(),
            found: row.schema_version,
            supported: supported_version(),
        });
    }
    Ok(row)
}

/// `hub_row` for a server at this program's version or older (what `hub upgrade` reads).
pub(crate) fn hub_row_any_version(
    tx: &mut Transaction<'_>,
    address: &ServerAddress,
    lock: bool,
) -> Result<HubRow, Error> {
    let err = |e: postgres::Error| server_error(address, &e);
    let exists: bool = tx
        .query_one("SELECT to_regclass('keyworks_hub') IS NOT NULL", &[])
        .map_err(err)?
        .get(0);
    if !exists {
        return Err(Error::NotAHub {
            url: address.shown().to_owned(),
        });
    }
    let sql = if lock {
        "SELECT file_id, schema_version FROM keyworks_hub WHERE id = 1 FOR UPDATE"
    } else {
        "SELECT file_id, schema_version FROM keyworks_hub WHERE id = 1"
    };
    let row = tx
        .query_opt(sql, &[])
        .map_err(err)?
        .ok_or_else(|| Error::NotAHub {
            url: address.shown().to_owned(),
        })?;
    let version: i32 = row.get(1);
    let version = u32::try_from(version).unwrap_or(0);
    if version > supported_version() {
        return Err(Error::HubNewer {
            url: address.shown().to_owned(),
            found: version,
            supported: supported_version(),
        });
    }
    Ok(HubRow {
        file_id: row.get(0),
        schema_version: version,
    })
}

fn objects(v: Value) -> Vec<Map<String, Value>> {
    match v {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|i| match i {
                Value::Object(m) => Some(m),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn json_rows(
    tx: &mut Transaction<'_>,
    sql: &str,
    params: &[&(dyn postgres::types::ToSql + Sync)],
) -> Result<Vec<Map<String, Value>>, postgres::Error> {
    let v: Value = tx.query_one(sql, params)?.get(0);
    Ok(objects(v))
}

/// The last change-log row on the server: its id and hash (0 and '' when the log is empty).
pub(crate) fn last_change(tx: &mut Transaction<'_>) -> Result<(i64, String), postgres::Error> {
    Ok(tx
        .query_opt(
            "SELECT id, hash FROM change_log ORDER BY id DESC LIMIT 1",
            &[],
        )?
        .map_or((0, String::new()), |r| (r.get(0), r.get(1))))
}

/// The hash the server holds for change-log row `id`, if it has that row.
pub(crate) fn hash_at(
    tx: &mut Transaction<'_>,
    id: i64,
) -> Result<Option<String>, postgres::Error> {
    Ok(tx
        .query_opt("SELECT hash FROM change_log WHERE id = $1", &[&id])?
        .map(|r| r.get(0)))
}

/// What the server hub holds after change-log id `after`.
pub(crate) fn read_delta(
    tx: &mut Transaction<'_>,
    after: i64,
) -> Result<HubDelta, postgres::Error> {
    let log = json_rows(
        tx,
        "SELECT coalesce(jsonb_agg(to_jsonb(c) ORDER BY c.id), '[]') FROM change_log c WHERE c.id > $1",
        &[&after],
    )?;
    let origins = json_rows(
        tx,
        "SELECT coalesce(jsonb_agg(to_jsonb(o) ORDER BY o.tx_id), '[]') FROM sync_origins o WHERE o.tx_id > $1",
        &[&after],
    )?;
    let replicas = json_rows(
        tx,
        "SELECT coalesce(jsonb_agg(to_jsonb(r) ORDER BY r.replica_no), '[]') FROM sync_replicas r",
        &[],
    )?;
    let mut rows = Vec::new();
    for (table, ids) in touched(&log) {
        let ids: Vec<i64> = ids.into_iter().collect();
        let found = json_rows(
            tx,
            &format!(
                "SELECT coalesce(jsonb_agg(to_jsonb(t)), '[]') FROM {table} t WHERE t.id = ANY($1)"
            ),
            &[&ids],
        )?;
        let mut by_id: BTreeMap<i64, Map<String, Value>> = BTreeMap::new();
        for mut row in found {
            if let Some(id) = row.remove("id").and_then(|v| v.as_i64()) {
                by_id.insert(id, row);
            }
        }
        for id in ids {
            rows.push(RowNow {
                table: table.to_owned(),
                id,
                fields: by_id.remove(&id),
            });
        }
    }
    let keys: Vec<String> = photo_keys(&rows).into_iter().collect();
    let photo_files = read_photo_files(tx, Some(&keys))?;
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

/// The photo files with `keys` (all of them with None).
fn read_photo_files(
    tx: &mut Transaction<'_>,
    keys: Option<&[String]>,
) -> Result<Vec<PhotoFile>, postgres::Error> {
    let rows = match keys {
        Some([]) => return Ok(Vec::new()),
        Some(keys) => tx.query(
            "SELECT sha256, jpeg, thumbnail FROM photo_files WHERE sha256 = ANY($1) ORDER BY sha256",
            &[&keys],
        )?,
        None => tx.query(
            "SELECT sha256, jpeg, thumbnail FROM photo_files ORDER BY sha256",
            &[],
        )?,
    };
    Ok(rows
        .into_iter()
        .map(|r| PhotoFile {
            sha256: r.get(0),
            jpeg: r.get(1),
            thumbnail: r.get(2),
        })
        .collect())
}

/// Everything the server hub holds.
pub(crate) fn read_complete(tx: &mut Transaction<'_>) -> Result<HubDelta, postgres::Error> {
    let mut delta = read_delta(tx, 0)?;
    delta.complete = true;
    delta.rows.clear();
    delta.photo_files = read_photo_files(tx, None)?;
    for table in LOGGED_TABLES {
        let all = json_rows(
            tx,
            &format!("SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY t.id), '[]') FROM {table} t"),
            &[],
        )?;
        for mut row in all {
            if let Some(id) = row.remove("id").and_then(|v| v.as_i64()) {
                delta.rows.push(RowNow {
                    table: (*table).to_owned(),
                    id,
                    fields: Some(row),
                });
            }
        }
    }
    Ok(delta)
}

/// Writes `delta` on the server in `tx`: the log rows and origins are new, replicas are added
/// once, and each row is made what the delta says (deleted, inserted or updated).
pub(crate) fn write_delta(
    tx: &mut Transaction<'_>,
    delta: &HubDelta,
) -> Result<(), postgres::Error> {
    let insert_all = |tx: &mut Transaction<'_>, table: &str, rows: Vec<Value>, tail: &str| {
        if rows.is_empty() {
            return Ok(0);
        }
        tx.execute(
            &format!(
                "INSERT INTO {table} SELECT * FROM jsonb_populate_recordset(NULL::{table}, $1) {tail}"
            ),
            &[&Value::Array(rows)],
        )
    };
    let as_values = |rows: &[Map<String, Value>]| -> Vec<Value> {
        rows.iter().cloned().map(Value::Object).collect()
    };
    for f in &delta.photo_files {
        tx.execute(
            "INSERT INTO photo_files (sha256, jpeg, thumbnail) VALUES ($1, $2, $3) \
             ON CONFLICT (sha256) DO NOTHING",
            &[&f.sha256, &f.jpeg, &f.thumbnail],
        )?;
    }
    insert_all(tx, "change_log", as_values(&delta.log), "")?;
    insert_all(tx, "sync_origins", as_values(&delta.origins), "")?;
    insert_all(
        tx,
        "sync_replicas",
        as_values(&delta.replicas),
        "ON CONFLICT (replica_no) DO NOTHING",
    )?;
    let mut gone: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    let mut kept: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    let mut columns: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    // Table and column names go into SQL text: only the logged tables' plain names are taken
    // (the core's delta holds no other; this keeps it so whatever the delta's origin).
    let plain = |name: &str| name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    for row in delta
        .rows
        .iter()
        .filter(|r| LOGGED_TABLES.contains(&r.table.as_str()))
    {
        if row
            .fields
            .as_ref()
            .is_some_and(|f| !f.keys().all(|k| plain(k)))
        {
            continue;
        }
        match &row.fields {
            None => gone.entry(&row.table).or_default().push(row.id),
            Some(fields) => {
                let mut whole = fields.clone();
                whole.insert("id".into(), Value::from(row.id));
                kept.entry(&row.table)
                    .or_default()
                    .push(Value::Object(whole));
                columns
                    .entry(&row.table)
                    .or_default()
                    .extend(fields.keys().map(String::as_str));
            }
        }
    }
    for (table, ids) in gone {
        tx.execute(&format!("DELETE FROM {table} WHERE id = ANY($1)"), &[&ids])?;
    }
    for (table, rows) in kept {
        let names: Vec<&str> = columns
            .get(table)
            .map(|c| c.iter().copied().filter(|c| *c != "id").collect())
            .unwrap_or_default();
        let tail = if names.is_empty() || delta.complete {
            String::new()
        } else {
            format!(
                "ON CONFLICT (id) DO UPDATE SET ({}) = ROW({})",
                names.join(", "),
                names
                    .iter()
                    .map(|n| format!("EXCLUDED.{n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        insert_all(tx, table, rows, &tail)?;
    }
    Ok(())
}
