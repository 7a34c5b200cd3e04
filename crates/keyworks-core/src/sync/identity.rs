//! Who a file is in the sync: its identity, and for a replica its hub, how far each way it
//! has synced, and its id range. Making a replica from a hub.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use crate::audit::change_log::Stamp;
use crate::audit::verify::LOGGED_TABLES;
use crate::error::{Error, Result};
use crate::store::db::{Access, Db};
use crate::store::row_ids::MAX_REPLICA_NO;
use crate::sync::session::{HubSide, hub_write};

/// The one row of `sync_self`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyncSelf {
    pub file_id: String,
    pub replica_no: i64,
    pub hub_file_id: Option<String>,
    pub hub_path: Option<String>,
    /// The hub's change-log id up to which this replica has everything.
    pub hub_seen: i64,
    /// This file's change-log id up to which its groups are in the hub.
    pub pushed_upto: i64,
    pub last_sync_at: Option<String>,
}

impl SyncSelf {
    const COLUMNS: &'static str =
        "file_id, replica_no, hub_file_id, hub_path, hub_seen, pushed_upto, last_sync_at";

    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(SyncSelf {
            file_id: r.get(0)?,
            replica_no: r.get(1)?,
            hub_file_id: r.get(2)?,
            hub_path: r.get(3)?,
            hub_seen: r.get(4)?,
            pushed_upto: r.get(5)?,
            last_sync_at: r.get(6)?,
        })
    }

    pub(crate) fn read(conn: &Connection) -> Result<SyncSelf> {
        conn.prepare_cached(&format!(
            "SELECT {} FROM sync_self WHERE id = 1",
            Self::COLUMNS
        ))?
        .query_row([], Self::from_row)
        .optional()?
        .ok_or_else(|| Error::Internal("sync_self has no row".into()))
    }
}

/// What the top bar shows of a replica: its hub, when it last synced and what waits to go up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncStatus {
    /// This file's identity (32 hex digits).
    pub file_id: String,
    /// The hub's path as the replica was made from it; None for a file that is no replica.
    pub hub_path: Option<String>,
    /// When this replica last synced (RFC 3339), None if never since it was made.
    pub last_sync_at: Option<String>,
    /// Edits made here that the hub does not have yet (change groups).
    pub pending_changes: u32,
}

/// Change groups of this file after change-log id `after` that were made here (not pulled)
/// and change the portfolio: the groups a sync would send up (`groups::local_groups_after`).
pub(crate) fn count_local_groups(conn: &Connection, after: i64) -> Result<u32> {
    let tables = LOGGED_TABLES
        .iter()
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(conn
        .prepare_cached(&format!(
            "SELECT count(DISTINCT coalesce(c.tx_id, c.id)) FROM change_log c \
             WHERE c.id > ?1 AND c.table_name IN ({tables}) \
               AND NOT EXISTS (SELECT 1 FROM sync_origins o WHERE o.tx_id = c.tx_id)"
        ))?
        .query_row([after], |r| r.get(0))?)
}

/// The highest change-log id of a file (0 when empty).
pub(crate) fn last_change_id(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT coalesce(max(id), 0) FROM change_log")?
        .query_row([], |r| r.get(0))?)
}

/// A replica just made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReplicaMade {
    pub path: String,
    pub replica_no: u32,
    pub file_id: String,
    pub hub_file_id: String,
}

impl Db {
    /// The file's sync state for the top bar.
    pub fn sync_status(&self) -> Result<SyncStatus> {
        let me = SyncSelf::read(self.conn())?;
        Ok(SyncStatus {
            file_id: me.file_id,
            last_sync_at: me.last_sync_at,
            pending_changes: if me.hub_file_id.is_some() {
                count_local_groups(self.conn(), me.pushed_upto)?
            } else {
                0
            },
            hub_path: me.hub_path,
        })
    }

    /// Makes `out` an offline replica of this file (the hub): a complete copy that remembers
    /// the hub and takes the next free replica number (its own id range). The hub records the
    /// replica in one short transaction; the copy is written beside `out` and renamed into
    /// place, so a failure leaves no half-made replica.
    pub fn create_replica(
        &mut self,
        out: &Path,
        label: &str,
        stamp: &Stamp,
    ) -> Result<ReplicaMade> {
        let path = self
            .path()
            .map(Path::to_owned)
            .ok_or_else(|| Error::invalid("共享文件", "", "内存中的数据库不能作为共享文件"))?;
        Db::create_replica_from(HubSide::file(self, &path), out, label, stamp)
    }

    /// Makes `out` an offline replica of `hub` (a file, or the copy of a server hub).
    pub fn create_replica_from(
        hub: HubSide<'_>,
        out: &Path,
        label: &str,
        stamp: &Stamp,
    ) -> Result<ReplicaMade> {
        let me = SyncSelf::read(hub.db.conn())?;
        if me.hub_file_id.is_some() {
            return Err(Error::invalid(
                "共享文件",
                hub.address.clone(),
                "这是一个离线副本；请从共享文件创建副本",
            ));
        }
        if out.exists() {
            return Err(Error::AlreadyExists {
                path: out.to_owned(),
            });
        }
        let part = part_path(out);
        let _ = std::fs::remove_file(&part); // a left-over of an earlier failed attempt
        let HubSide {
            db: hub_db,
            address,
            publish,
            ..
        } = hub;
        hub_db.save_copy(&part)?;
        let made = (|| {
            let (replica_no, file_id) = hub_write(hub_db, publish, |tx| {
                let no: i64 = tx.query_row(
                    "SELECT coalesce(max(replica_no), 0) + 1 FROM sync_replicas",
                    [],
                    |r| r.get(0),
                )?;
                if no > MAX_REPLICA_NO {
                    return Err(Error::invalid(
                        "离线副本",
                        no.to_string(),
                        "共享文件已创建过 8191 个副本，无法再创建",
                    ));
                }
                let file_id: String =
                    tx.query_row("SELECT lower(hex(randomblob(16)))", [], |r| r.get(0))?;
                tx.execute(
                    "INSERT INTO sync_replicas (replica_no, file_id, label, created_by, created_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![no, file_id, label, stamp.author(), stamp.at_text()],
                )?;
                Ok((no, file_id))
            })?;
            let mut replica = Db::open(&part, Access::ReadWrite)?;
            replica.write_tx(|tx| {
                // The copy has all of the hub's changes up to its last one, and none of its own.
                let seen = last_change_id(tx)?;
                tx.execute("DELETE FROM sync_replicas", [])?;
                tx.execute(
                    "UPDATE sync_self SET file_id = ?1, replica_no = ?2, hub_file_id = ?3, \
                     hub_path = ?4, hub_seen = ?5, pushed_upto = ?6, last_sync_at = ?7 WHERE id = 1",
                    params![
                        file_id,
                        replica_no,
                        me.file_id,
                        address,
                        seen,
                        seen,
                        stamp.at_text()
                    ],
                )?;
                Ok(())
            })?;
            drop(replica);
            rename_no_clobber(&part, out)?;
            Ok(ReplicaMade {
                path: out.display().to_string(),
                replica_no: u32::try_from(replica_no).unwrap_or(u32::MAX),
                file_id,
                hub_file_id: me.file_id.clone(),
            })
        })();
        if made.is_err() {
            let _ = std::fs::remove_file(&part); // best effort: the error below is what matters
        }
        made
    }
}

/// `LAPTOP.sqlite` → `LAPTOP.sqlite.part`: where a replica is written before it is complete.
fn part_path(out: &Path) -> PathBuf {
    let mut name = out
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".part");
    out.with_file_name(name)
}

/// Renames `from` to `to` unless `to` appeared meanwhile (a hard link fails when the target
/// exists; where links are not supported, the existence check above is what guards).
fn rename_no_clobber(from: &Path, to: &Path) -> Result<()> {
    let io = |source| Error::Io {
        path: to.to_owned(),
        source,
    };
    match std::fs::hard_link(from, to) {
        Ok(()) => std::fs::remove_file(from).map_err(io),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(Error::AlreadyExists {
            path: to.to_owned(),
        }),
        Err(_) => std::fs::rename(from, to).map_err(io),
    }
}
