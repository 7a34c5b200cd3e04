//! The ids of new rows. Every file draws from its own range (migration 6): the hub and any
//! file that is not a replica below 2^40, replica N from N·2^40 up. Two laptops that insert
//! rows offline therefore never pick the same id, and a row keeps its id in every copy of the
//! portfolio for good: an id quoted in a note, a link or an export stays true everywhere.
//! 2^40 ids per file and at most 8,191 replicas keep every id below 2^53, so the UI's numbers
//! (JavaScript doubles) hold them exactly.

use rusqlite::{Connection, OptionalExtension};

use crate::error::{Error, Result};

/// Width of one file's id range.
pub const RANGE_BITS: u32 = 40;

/// The highest replica number, so that every id stays below 2^53.
pub const MAX_REPLICA_NO: i64 = (1 << (53 - RANGE_BITS)) - 1;

/// The ids `[first, end)` a file with replica number `replica_no` inserts with.
pub fn id_range(replica_no: i64) -> (i64, i64) {
    let first = (replica_no << RANGE_BITS).max(1);
    (first, (replica_no + 1) << RANGE_BITS)
}

/// This file's replica number: 0 for a hub or a file that is not a replica.
pub(crate) fn replica_no(conn: &Connection) -> Result<i64> {
    let no = conn
        .prepare_cached("SELECT replica_no FROM sync_self WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(no.unwrap_or(0))
}

/// The id the next row inserted into `table` takes: one above the highest id of this file's
/// range in that table (a rowid range scan), or the range's first id.
pub(crate) fn next_id(conn: &Connection, table: &str) -> Result<i64> {
    next_ids(conn, table, 1)
}

/// The first of `count` consecutive free ids for `table` in this file's range (a batch insert
/// such as an MS Project import takes them all at once).
pub(crate) fn next_ids(conn: &Connection, table: &str, count: i64) -> Result<i64> {
    let (first, end) = id_range(replica_no(conn)?);
    let highest: Option<i64> = conn
        .prepare_cached(&format!(
            "SELECT id FROM {table} WHERE id >= ?1 AND id < ?2 ORDER BY id DESC LIMIT 1"
        ))?
        .query_row([first, end], |r| r.get(0))
        .optional()?;
    let next = highest.map_or(first, |h| h + 1);
    if next + count > end {
        return Err(Error::Internal(format!(
            "表 {table} 已用尽本文件的编号范围（{first}–{end}），请从共享文件重新创建离线副本"
        )));
    }
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_one_another_and_stay_exact_in_javascript() {
        assert_eq!(id_range(0), (1, 1 << 40));
        assert_eq!(id_range(1), (1 << 40, 2 << 40));
        let (_, end) = id_range(MAX_REPLICA_NO);
        assert_eq!(end, 1 << 53);
    }
}
