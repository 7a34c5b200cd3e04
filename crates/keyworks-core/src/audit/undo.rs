//! Undo of the last edit. Every use case writes its change-log rows as one group (`tx_id`,
//! migration 4); undo reverts the author's most recent group by writing the inverse of its
//! rows — an inserted row deleted, an updated row given its earlier values back, a deleted row
//! inserted again with the same id and values — in one IMMEDIATE transaction that is itself
//! logged (history shows the undo, `verify` replays it like any other change).
//!
//! Decisions:
//! - Whose edit: the last group written by this author in this file (undo is personal, as in
//!   an editor); pressing undo again reverts the group before that, and so on.
//! - Refused when a later change by anyone else (not itself undone) touches one of the same
//!   rows: reverting would silently throw their work away.
//! - Never past the creation of the file: a group that inserts the portfolio row (the seed, a
//!   generated file) is not undone, nor is a group of rows outside the logged tables (a broken
//!   edit lock).
//! - The earlier values come from replaying the log, the same record `verify` trusts, not from
//!   a second copy kept elsewhere.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;

use crate::audit::change_log::{Stamp, current_group, record};
use crate::audit::row_state::{columns_of, insert_row, replay, update_row};
use crate::audit::verify::LOGGED_TABLES;
use crate::error::{Error, Result};
use crate::store::db::Db;

/// What an undo reverted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UndoneEdit {
    /// The reverted group (its first change-log row's id).
    pub group: i64,
    /// When the reverted edit was made (RFC 3339).
    pub at: String,
    /// How many rows were put back.
    pub rows: usize,
    /// The tables those rows are in, e.g. `["dependencies", "tasks"]`.
    pub tables: Vec<String>,
}

struct LogRow {
    id: i64,
    table: String,
    row_id: i64,
}

impl Db {
    /// Reverts the most recent edit `stamp`'s author made in this file (see the module notes).
    pub fn undo_last_edit(&mut self, stamp: &Stamp) -> Result<UndoneEdit> {
        self.write_tx(|tx| {
            let author = stamp.author();
            let nothing = || Error::NothingToUndo {
                author: author.to_owned(),
            };
            // The newest group head (tx_id = id) by this author that is not an undo and has
            // not been undone.
            let (group, at): (i64, String) = tx
                .query_row(
                    "SELECT g.id, g.at FROM change_log g \
                     WHERE g.author = ?1 AND g.tx_id = g.id AND g.undoes_tx IS NULL \
                       AND NOT EXISTS (SELECT 1 FROM change_log u WHERE u.undoes_tx = g.id) \
                     ORDER BY g.id DESC LIMIT 1",
                    [author],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
                .ok_or_else(nothing)?;

            let rows: Vec<(LogRow, String)> = {
                let mut stmt = tx.prepare(
                    "SELECT id, table_name, row_id, op FROM change_log WHERE tx_id = ?1 ORDER BY id",
                )?;
                stmt.query_map([group], |r| {
                    Ok((
                        LogRow {
                            id: r.get(0)?,
                            table: r.get(1)?,
                            row_id: r.get(2)?,
                        },
                        r.get(3)?,
                    ))
                })?
                .collect::<rusqlite::Result<_>>()?
            };
            let creates_file = rows
                .iter()
                .any(|(r, op)| r.table == "portfolio" && op == "insert");
            let outside = rows
                .iter()
                .any(|(r, _)| !LOGGED_TABLES.contains(&r.table.as_str()));
            if rows.is_empty() || creates_file || outside {
                return Err(nothing());
            }
            let last_id = rows.last().map_or(group, |(r, _)| r.id);

            // Each row once, in the order of its last change in the group: reverting in the
            // reverse of that order puts children back after their parents and removes them
            // before their parents, as the foreign keys need.
            let mut last_touch: BTreeMap<(String, i64), i64> = BTreeMap::new();
            for (r, _) in &rows {
                last_touch.insert((r.table.clone(), r.row_id), r.id);
            }
            let mut touched: Vec<((String, i64), i64)> = last_touch.into_iter().collect();
            touched.sort_by_key(|(_, id)| std::cmp::Reverse(*id));

            for ((table, row_id), _) in &touched {
                refuse_if_changed_since(tx, table, *row_id, last_id)?;
            }

            let mut tables = BTreeSet::new();
            let mut restored = 0;
            for ((table, row_id), _) in &touched {
                let before = replay(tx, table, *row_id, group)?;
                let now = replay(tx, table, *row_id, last_id + 1)?;
                if before == now {
                    continue;
                }
                let columns = columns_of(tx, table)?;
                match (&now, &before) {
                    (Some(_), None) => {
                        tx.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [row_id])?;
                    }
                    (None, Some(old)) => insert_row(tx, table, *row_id, old, &columns)?,
                    (Some(_), Some(old)) => update_row(tx, table, *row_id, old, &columns)?,
                    (None, None) => continue,
                }
                record(tx, stamp, table, *row_id, now.as_ref(), before.as_ref())?;
                tables.insert(table.clone());
                restored += 1;
            }
            let Some(undo_group) = current_group(tx)? else {
                return Err(Error::UndoConflict {
                    detail: format!("{at} 的修改已无可恢复的内容"),
                });
            };
            tx.execute(
                "UPDATE change_log SET undoes_tx = ?1 WHERE tx_id = ?2",
                params![group, undo_group],
            )?;
            Ok(UndoneEdit {
                group,
                at,
                rows: restored,
                tables: tables.into_iter().collect(),
            })
        })
    }
}

/// Refuses when a change after the group touches the row, unless that change was itself undone
/// or is an undo (an edit and its undo together leave the row as it was).
fn refuse_if_changed_since(
    tx: &Transaction<'_>,
    table: &str,
    row_id: i64,
    after: i64,
) -> Result<()> {
    let later: Option<(String, String)> = tx
        .prepare_cached(
            "SELECT c.author, c.at FROM change_log c \
             WHERE c.table_name = ?1 AND c.row_id = ?2 AND c.id > ?3 AND c.undoes_tx IS NULL \
               AND (c.tx_id IS NULL \
                    OR NOT EXISTS (SELECT 1 FROM change_log u WHERE u.undoes_tx = c.tx_id)) \
             ORDER BY c.id LIMIT 1",
        )?
        .query_row(params![table, row_id, after], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    match later {
        Some((author, at)) => Err(Error::UndoConflict {
            detail: format!("{author} 于 {at} 又修改了同一条记录（{table} #{row_id}）"),
        }),
        None => Ok(()),
    }
}
