//! Bringing a replica level with its hub. Read inside the hub's transaction: every row the
//! hub changed since the replica last pulled, plus every row the replica just pushed, as the
//! hub now holds it. Written in the replica's one transaction: each row made equal to the
//! hub's, logged under the hub group that last touched it (its author and time, and its origin
//! in `sync_origins`). What differs only because the hub kept its own value over the
//! replica's (a conflict decided "keep hub") is logged as the merger's own correction.

use std::collections::{BTreeMap, BTreeSet};

use chrono::DateTime;
use rusqlite::{Connection, Transaction, params};

use crate::audit::change_log::{Stamp, current_group, record, start_group};
use crate::audit::row_state::{
    State, columns_of, current, delete_row, insert_row, same_state, update_row,
};
use crate::audit::verify::LOGGED_TABLES;
use crate::error::{Error, Result};
use crate::sync::groups::{ChangeGroup, RowKey};

/// A hub group that changed rows the replica has not seen.
#[derive(Debug, Clone)]
pub(crate) struct HubGroup {
    pub tx: i64,
    pub author: String,
    pub at: String,
    /// Where the group was made: the hub itself, or the replica it was merged from.
    pub origin_file: String,
    pub origin_tx: i64,
    pub origin_label: String,
}

/// What the replica needs from the hub, read in one hub transaction.
#[derive(Debug, Default)]
pub(crate) struct HubState {
    /// The hub's last change-log id: the replica has everything up to it afterwards.
    pub last_change: i64,
    pub groups: BTreeMap<i64, HubGroup>,
    /// Each row to level, with the hub group that last touched it (None: only the replica
    /// touched it) and the hub's state of it.
    pub rows: BTreeMap<RowKey, (Option<i64>, State)>,
}

/// Reads, inside the hub's transaction, what a replica that has the hub up to `seen` and just
/// pushed `pushed` needs.
pub(crate) fn read_hub(
    hub: &Connection,
    hub_file_id: &str,
    hub_label: &str,
    seen: i64,
    pushed: &[ChangeGroup],
) -> Result<HubState> {
    let mut state = HubState {
        last_change: crate::sync::identity::last_change_id(hub)?,
        ..HubState::default()
    };
    let mut stmt = hub.prepare(
        "SELECT c.id, coalesce(c.tx_id, c.id), c.author, c.at, c.table_name, c.row_id, \
                o.origin_file, o.origin_tx, o.origin_label \
         FROM change_log c LEFT JOIN sync_origins o ON o.tx_id = c.tx_id \
         WHERE c.id > ?1 ORDER BY c.id",
    )?;
    let mut rows = stmt.query([seen])?;
    while let Some(r) = rows.next()? {
        let table: String = r.get(4)?;
        if !LOGGED_TABLES.contains(&table.as_str()) {
            continue;
        }
        let tx: i64 = r.get(1)?;
        let origin_file: Option<String> = r.get(6)?;
        state.groups.entry(tx).or_insert_with(|| HubGroup {
            tx,
            author: r.get(2).unwrap_or_default(),
            at: r.get(3).unwrap_or_default(),
            origin_tx: if origin_file.is_some() {
                r.get::<_, Option<i64>>(7).ok().flatten().unwrap_or(tx)
            } else {
                tx
            },
            origin_label: r
                .get::<_, Option<String>>(8)
                .ok()
                .flatten()
                .unwrap_or_else(|| hub_label.to_owned()),
            origin_file: origin_file.unwrap_or_else(|| hub_file_id.to_owned()),
        });
        state
            .rows
            .insert(RowKey::new(&table, r.get(5)?), (Some(tx), None));
    }
    for g in pushed {
        for c in &g.rows {
            state
                .rows
                .entry(RowKey::new(&c.table, c.row_id))
                .or_insert((None, None));
        }
    }
    for (key, (_, hub_state)) in state.rows.iter_mut() {
        *hub_state = current(hub, &key.table, key.row_id)?;
    }
    Ok(state)
}

/// What levelling the replica wrote.
#[derive(Debug, Default)]
pub(crate) struct Levelled {
    /// Hub groups whose changes were written into the replica.
    pub groups: usize,
    /// Rows written.
    pub rows: usize,
}

/// Makes every row in `hub` equal in the replica (see the module notes), inside the
/// replica's transaction `tx`.
pub(crate) fn level_replica(
    tx: &Transaction<'_>,
    own_file_id: &str,
    hub: &HubState,
    merger: &Stamp,
) -> Result<Levelled> {
    // Foreign keys are checked at commit: rows arrive in the order of the groups that last
    // touched them, not in the order parents need.
    tx.pragma_update(None, "defer_foreign_keys", true)?;
    // Which rows differ, by the group they go under: the merger's corrections first (they
    // remove what the hub refused, which may hold a unique value a hub row needs), then the
    // hub's groups in their order.
    let mut work: BTreeMap<(i64, i64), Vec<(&RowKey, &State)>> = BTreeMap::new();
    for (key, (group, hub_state)) in &hub.rows {
        let mine = current(tx, &key.table, key.row_id)?;
        if same_state(&mine, hub_state) {
            continue;
        }
        let own = group
            .and_then(|g| hub.groups.get(&g))
            .is_none_or(|g| g.origin_file == own_file_id);
        let slot = if own { (0, 0) } else { (1, group.unwrap_or(0)) };
        work.entry(slot).or_default().push((key, hub_state));
    }
    let mut levelled = Levelled::default();
    let mut columns: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for ((kind, group), rows) in work {
        start_group(tx)?;
        let origin = (kind == 1).then(|| hub.groups.get(&group)).flatten();
        let stamp = match origin {
            Some(g) => {
                let at = DateTime::parse_from_rfc3339(&g.at).map_err(|e| {
                    Error::Internal(format!("共享文件变更组 {} 的时间 {}：{e}", g.tx, g.at))
                })?;
                Stamp::new(&g.author, at)?
            }
            None => merger.clone(),
        };
        // Deletes before inserts and updates, so that a unique value is free when it is taken.
        let (gone, kept): (Vec<_>, Vec<_>) = rows.into_iter().partition(|(_, s)| s.is_none());
        for (key, _) in gone {
            if let Some(before) = current(tx, &key.table, key.row_id)? {
                delete_row(tx, &key.table, key.row_id)?;
                record(tx, &stamp, &key.table, key.row_id, Some(&before), None)?;
                levelled.rows += 1;
            }
        }
        for (key, hub_state) in kept {
            let Some(after) = hub_state else { continue };
            if !columns.contains_key(&key.table) {
                columns.insert(key.table.clone(), columns_of(tx, &key.table)?);
            }
            let cols = &columns[&key.table];
            let before = current(tx, &key.table, key.row_id)?;
            match &before {
                Some(_) => update_row(tx, &key.table, key.row_id, after, cols)?,
                None => insert_row(tx, &key.table, key.row_id, after, cols)?,
            }
            record(
                tx,
                &stamp,
                &key.table,
                key.row_id,
                before.as_ref(),
                Some(after),
            )?;
            levelled.rows += 1;
        }
        if let (Some(g), Some(written)) = (origin, current_group(tx)?) {
            tx.prepare_cached(
                "INSERT INTO sync_origins (tx_id, origin_file, origin_tx, origin_label, merged_by, merged_at, via) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'sync') \
                 ON CONFLICT (origin_file, origin_tx) DO NOTHING",
            )?
            .execute(params![
                written,
                g.origin_file,
                g.origin_tx,
                g.origin_label,
                merger.author(),
                merger.at_text()
            ])?;
            levelled.groups += 1;
        }
    }
    Ok(levelled)
}
