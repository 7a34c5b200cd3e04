//! The change log: every insert, update and delete made through KeyWorks writes a row,
//! in the same transaction, with the fields' before and after values.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::model::ChangeRecord;
use crate::store::db::Db;

/// Who makes a change and when. Built at the edge (CLI, app) and passed in,
/// so that the core never reads the clock or the OS user itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    author: String,
    at: DateTime<FixedOffset>,
}

impl Stamp {
    pub fn new(author: &str, at: DateTime<FixedOffset>) -> Result<Self> {
        let author = author.trim();
        if author.is_empty() {
            return Err(Error::invalid("author", author, "作者不能为空，请填写姓名"));
        }
        Ok(Stamp {
            author: author.to_owned(),
            at,
        })
    }

    pub fn author(&self) -> &str {
        &self.author
    }

    pub fn at(&self) -> DateTime<FixedOffset> {
        self.at
    }

    /// RFC 3339 with the offset kept, e.g. `2021-06-11T09:30:00+08:00`.
    pub fn at_text(&self) -> String {
        self.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Insert,
    Update,
    Delete,
}

impl Op {
    pub(crate) fn code(self) -> &'static str {
        match self {
            Op::Insert => "insert",
            Op::Update => "update",
            Op::Delete => "delete",
        }
    }
}

fn fields<T: Serialize>(row: &T) -> Result<Map<String, Value>> {
    match serde_json::to_value(row) {
        Ok(Value::Object(mut m)) => {
            m.remove("id");
            Ok(m)
        }
        Ok(other) => Err(Error::Internal(format!(
            "row did not serialise to an object: {other}"
        ))),
        Err(e) => Err(Error::Internal(format!("row did not serialise: {e}"))),
    }
}

/// `{field: [before, after]}` for the fields that differ; all fields for an insert or delete.
fn diff(
    before: Option<&Map<String, Value>>,
    after: Option<&Map<String, Value>>,
) -> Map<String, Value> {
    let mut out = Map::new();
    let keys = before.into_iter().chain(after).flat_map(|m| m.keys());
    for key in keys {
        if out.contains_key(key) {
            continue;
        }
        let b = before
            .and_then(|m| m.get(key))
            .cloned()
            .unwrap_or(Value::Null);
        let a = after
            .and_then(|m| m.get(key))
            .cloned()
            .unwrap_or(Value::Null);
        if before.is_none() || after.is_none() || a != b {
            out.insert(key.clone(), Value::Array(vec![b, a]));
        }
    }
    out
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// The chained hash of one change row: SHA-256 over the JSON array
/// `[prev_hash, at, author, op, table_name, row_id, changes]` in serde_json's compact form,
/// as lowercase hex. JSON keeps the fields apart, so no two different rows hash the same bytes.
pub(crate) fn row_hash(
    prev: &str,
    at: &str,
    author: &str,
    op: &str,
    table: &str,
    row_id: i64,
    changes: &str,
) -> String {
    let mut buf = String::new();
    hex_str(&row_hash_into(
        &mut buf, prev, at, author, op, table, row_id, changes,
    ))
    .to_owned()
}

/// A JSON string literal, escaped as serde_json escapes. Runs of plain text are copied whole.
pub(crate) fn json_string(out: &mut String, s: &str) {
    out.push('"');
    let bytes = s.as_bytes();
    let mut plain_from = 0;
    for (i, b) in bytes.iter().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        // Escaped bytes are ASCII, so `i` is a character boundary.
        out.push_str(&s[plain_from..i]);
        if escape.is_empty() {
            use std::fmt::Write;
            let _ = write!(out, "\\u{:04x}", b);
        } else {
            out.push_str(escape);
        }
        plain_from = i + 1;
    }
    out.push_str(&s[plain_from..]);
    out.push('"');
}

/// `row_hash` into a reused buffer, without allocating: bulk imports chain 100,000s of rows.
#[allow(clippy::too_many_arguments)]
pub(crate) fn row_hash_into(
    buf: &mut String,
    prev: &str,
    at: &str,
    author: &str,
    op: &str,
    table: &str,
    row_id: i64,
    changes: &str,
) -> [u8; 64] {
    use sha2::{Digest, Sha256};
    use std::fmt::Write;
    buf.clear();
    buf.push('[');
    for (i, s) in [prev, at, author, op, table].iter().enumerate() {
        if i > 0 {
            buf.push(',');
        }
        json_string(buf, s);
    }
    let _ = write!(buf, ",{row_id},");
    json_string(buf, changes);
    buf.push(']');
    let digest = Sha256::digest(buf.as_bytes());
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = [0u8; 64];
    for (i, b) in digest.iter().enumerate() {
        hex[2 * i] = DIGITS[usize::from(b >> 4)];
        hex[2 * i + 1] = DIGITS[usize::from(b & 0x0f)];
    }
    hex
}

/// The text of a hash `row_hash_into` made (lowercase hex digits only).
pub(crate) fn hex_str(hex: &[u8; 64]) -> &str {
    std::str::from_utf8(hex).unwrap_or_default()
}

/// Migration 2: chain the rows a version-1 file already has, in id order.
pub(crate) fn chain_existing_rows(tx: &Transaction<'_>) -> Result<()> {
    let rows: Vec<(i64, String, String, String, String, i64, String)> = {
        let mut stmt = tx.prepare(
            "SELECT id, at, author, op, table_name, row_id, changes FROM change_log ORDER BY id",
        )?;
        stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?
    };
    let mut prev = String::new();
    let mut update = tx.prepare("UPDATE change_log SET prev_hash = ?1, hash = ?2 WHERE id = ?3")?;
    for (id, at, author, op, table, row_id, changes) in rows {
        let hash = row_hash(&prev, &at, &author, &op, &table, row_id, &changes);
        update.execute(params![prev, hash, id])?;
        prev = hash;
    }
    Ok(())
}

/// Writes one change row. For an update that changed nothing, writes nothing and returns false.
pub(crate) fn record<T: Serialize>(
    tx: &Transaction<'_>,
    stamp: &Stamp,
    table: &str,
    row_id: i64,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<bool> {
    let op = match (before, after) {
        (None, Some(_)) => Op::Insert,
        (Some(_), Some(_)) => Op::Update,
        (Some(_), None) => Op::Delete,
        (None, None) => return Ok(false),
    };
    let b = before.map(fields).transpose()?;
    let a = after.map(fields).transpose()?;
    let changes = diff(b.as_ref(), a.as_ref());
    if op == Op::Update && changes.is_empty() {
        return Ok(false);
    }
    append(
        tx,
        stamp,
        op,
        table,
        row_id,
        &Value::Object(changes).to_string(),
    )?;
    Ok(true)
}

/// Opens a new change group for the transaction that begins: the rows it appends share one
/// `tx_id`, the id of its first row. The group in progress lives in a TEMP table, which belongs
/// to this connection and rolls back with the transaction.
pub(crate) fn start_group(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS change_group (tx_id INTEGER NOT NULL); \
         DELETE FROM temp.change_group;",
    )?;
    Ok(())
}

/// The group the current transaction writes into, once its first row is written.
pub(crate) fn current_group(tx: &Transaction<'_>) -> Result<Option<i64>> {
    let group = tx
        .prepare_cached("SELECT tx_id FROM temp.change_group")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(group)
}

/// Appends a row to the chain.
pub(crate) fn append(
    tx: &Transaction<'_>,
    stamp: &Stamp,
    op: Op,
    table: &str,
    row_id: i64,
    changes: &str,
) -> Result<()> {
    let prev: String = tx
        .prepare_cached("SELECT hash FROM change_log ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or_default();
    let at = stamp.at_text();
    let hash = row_hash(
        &prev,
        &at,
        stamp.author(),
        op.code(),
        table,
        row_id,
        changes,
    );
    // tx_id is not hashed (see migration 4): the first row of a group takes its own id.
    let group = current_group(tx)?;
    tx.prepare_cached(
        "INSERT INTO change_log (at, author, op, table_name, row_id, changes, prev_hash, hash, tx_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        at,
        stamp.author(),
        op.code(),
        table,
        row_id,
        changes,
        prev,
        hash,
        group
    ])?;
    if group.is_none() {
        let id = tx.last_insert_rowid();
        tx.prepare_cached("UPDATE change_log SET tx_id = ?1 WHERE id = ?1")?
            .execute([id])?;
        tx.prepare_cached("INSERT INTO temp.change_group (tx_id) VALUES (?1)")?
            .execute([id])?;
    }
    Ok(())
}

impl Db {
    /// The most recent `limit` changes, newest first.
    pub fn change_log(&self, limit: usize) -> Result<Vec<ChangeRecord>> {
        let sql = format!(
            "SELECT {} FROM change_log ORDER BY id DESC LIMIT ?1",
            ChangeRecord::COLUMNS
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map([limit as i64], ChangeRecord::from_row)?;
        let mut records = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        self.mark_undo(&mut records)?;
        Ok(records)
    }

    /// Every change to one row, oldest first.
    pub fn changes_of(&self, table: &str, row_id: i64) -> Result<Vec<ChangeRecord>> {
        let sql = format!(
            "SELECT {} FROM change_log WHERE table_name = ?1 AND row_id = ?2 ORDER BY id",
            ChangeRecord::COLUMNS
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map(params![table, row_id], ChangeRecord::from_row)?;
        let mut records = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        self.mark_undo(&mut records)?;
        Ok(records)
    }

    /// Fills what the rows' undo columns point at: on an undo's rows, who made the reverted
    /// transaction and when; on a reverted transaction's rows, the undo that reverted it.
    pub(crate) fn mark_undo(&self, records: &mut [ChangeRecord]) -> Result<()> {
        let Some(oldest) = records.iter().filter_map(|r| r.tx_id).min() else {
            return Ok(());
        };
        // An undo always comes after the transaction it reverts, so the rows from the oldest
        // transaction on hold every undo that matters here: a range of the primary key, one
        // pass, where a lookup per row would scan the log (undoes_tx has no index).
        let undone_by: HashMap<i64, i64> = {
            let mut stmt = self.conn().prepare_cached(
                "SELECT undoes_tx, MIN(tx_id) FROM change_log \
                 WHERE id > ?1 AND undoes_tx IS NOT NULL AND tx_id IS NOT NULL \
                 GROUP BY undoes_tx",
            )?;
            let pairs = stmt.query_map([oldest], |r| Ok((r.get(0)?, r.get(1)?)))?;
            pairs.collect::<rusqlite::Result<_>>()?
        };
        // The reverted transaction's first row carries its author and time (tx_id = its id).
        let mut head = self
            .conn()
            .prepare_cached("SELECT author, at FROM change_log WHERE id = ?1")?;
        let mut heads: HashMap<i64, (String, String)> = HashMap::new();
        for undone in records.iter().filter_map(|r| r.undoes_tx) {
            if heads.contains_key(&undone) {
                continue;
            }
            let found = head
                .query_row([undone], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            // A missing head (a damaged file) leaves the undo unnamed rather than failing the history.
            if let Some(author_at) = found {
                heads.insert(undone, author_at);
            }
        }
        for record in records.iter_mut() {
            record.undone_by_tx = record.tx_id.and_then(|tx| undone_by.get(&tx).copied());
            if let Some((author, at)) = record.undoes_tx.and_then(|tx| heads.get(&tx)) {
                record.undoes_author = Some(author.clone());
                record.undoes_at = Some(at.clone());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_lists_changed_fields_only() {
        let b = json!({"name": "a", "n": 1, "same": true});
        let a = json!({"name": "b", "n": 1, "same": true});
        let d = diff(b.as_object(), a.as_object());
        assert_eq!(Value::Object(d), json!({"name": ["a", "b"]}));
    }

    #[test]
    fn insert_and_delete_list_every_field() {
        let r = json!({"name": "a", "n": null});
        assert_eq!(
            Value::Object(diff(None, r.as_object())),
            json!({"name": [null, "a"], "n": [null, null]})
        );
        assert_eq!(
            Value::Object(diff(r.as_object(), None)),
            json!({"name": ["a", null], "n": [null, null]})
        );
    }

    #[test]
    fn stamps_need_an_author() {
        let at = DateTime::parse_from_rfc3339("2021-06-11T09:30:00+08:00").unwrap();
        assert!(Stamp::new("  ", at).is_err());
        let s = Stamp::new(" 王工 ", at).unwrap();
        assert_eq!(s.author(), "王工");
        assert_eq!(s.at_text(), "2021-06-11T09:30:00+08:00");
    }

    /// The definition: serde_json's compact array, hashed. Every file's chain was made to it.
    #[test]
    fn the_row_hash_is_sha256_of_serde_jsons_array() {
        use sha2::{Digest, Sha256};
        let changes = r#"{"name":[null,"引号\"与\\"]}"#;
        let args = [
            "ab12",
            "2021-06-11T09:30:00+08:00",
            "王工\t",
            "insert",
            "tasks",
        ];
        let content = serde_json::json!([args[0], args[1], args[2], args[3], args[4], 42, changes])
            .to_string();
        assert_eq!(
            row_hash(args[0], args[1], args[2], args[3], args[4], 42, changes),
            hex(&Sha256::digest(content.as_bytes()))
        );
    }

    #[test]
    fn json_strings_escape_as_serde_json_does() {
        for s in ["plain", "引号\"与\\反斜杠", "tab\tnew\nline\u{01}"] {
            let mut out = String::new();
            json_string(&mut out, s);
            assert_eq!(out, serde_json::to_string(s).unwrap());
        }
    }
}
