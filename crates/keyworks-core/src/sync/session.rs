//! One sync of a replica with its hub file: push, then pull, each side in one transaction.
//!
//! 1. In one IMMEDIATE transaction on the hub (its write lock is held only for this step):
//!    merge the replica's unpushed groups (skipping any the hub already has), roll the
//!    summaries up, and read what the replica needs back. With an undecided conflict the
//!    transaction is rolled back and the conflicts are the answer: neither file changes.
//! 2. In one IMMEDIATE transaction on the replica: level every row with the hub and move the
//!    marks (`hub_seen`, `pushed_upto`).
//!
//! Killed between the two, the hub has the groups and the replica does not know it: the next
//! sync pushes them again, the hub finds them in `sync_origins` and skips them, and the pull
//! brings the replica level. Nothing is applied twice.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::audit::change_log::Stamp;
use crate::error::{Error, Result};
use crate::ids::{CalendarId, ProjectId};
use crate::plan::calendar::Calendar;
use crate::store::db::{Access, Db};
use crate::sync::groups::{ChangeGroup, current_rows, local_groups_after};
use crate::sync::identity::{SyncSelf, last_change_id};
use crate::sync::merge::{Conflict, Decisions, Incoming, Merged, Via, merge_into_hub};
use crate::sync::mirror::{HubDelta, written_since};
use crate::sync::photo_transfer::{copy_missing, files_missing, store_files, stored_keys};
use crate::sync::pull::{level_replica, read_hub};

/// What a sync did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncReport {
    /// This replica's change groups written into the hub.
    pub pushed: u32,
    /// Groups the hub already had (sent by an earlier, interrupted sync or a package).
    pub already_in_hub: u32,
    /// Hub groups whose changes were written here.
    pub pulled: u32,
    /// Rows written here.
    pub rows_levelled: u32,
    /// Conflicts met and settled by the decisions given.
    pub decided: Vec<Conflict>,
    /// When the sync happened (RFC 3339).
    pub at: String,
}

/// The answer to a sync: done, or conflicts that need a decision (then nothing changed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum SyncOutcome {
    Synced(SyncReport),
    NeedsDecision { conflicts: Vec<Conflict> },
}

impl SyncOutcome {
    /// The outcome with every conflict's fields named in `lang`.
    pub fn in_words(self, lang: crate::audit::history::Lang) -> SyncOutcome {
        let words = |list: Vec<Conflict>| list.into_iter().map(|c| c.in_words(lang)).collect();
        match self {
            SyncOutcome::Synced(mut r) => {
                r.decided = words(r.decided);
                SyncOutcome::Synced(r)
            }
            SyncOutcome::NeedsDecision { conflicts } => SyncOutcome::NeedsDecision {
                conflicts: words(conflicts),
            },
        }
    }
}

/// The calendar of every project of a hub, each calendar read once (before the hub's write
/// transaction: Db's reads take `&self`), for the roll-up after a merge.
pub(crate) struct ProjectCalendars {
    of_project: HashMap<ProjectId, Option<CalendarId>>,
    calendars: HashMap<Option<CalendarId>, Calendar>,
}

impl ProjectCalendars {
    pub(crate) fn read(hub: &Db) -> Result<ProjectCalendars> {
        let china = hub.china_calendar_id()?;
        let of_project: HashMap<ProjectId, Option<CalendarId>> = {
            let mut stmt = hub.conn().prepare("SELECT id, calendar_id FROM projects")?;
            stmt.query_map([], |r| {
                Ok((r.get(0)?, r.get::<_, Option<CalendarId>>(1)?.or(china)))
            })?
            .collect::<rusqlite::Result<_>>()?
        };
        let mut calendars = HashMap::new();
        for id in of_project.values() {
            if !calendars.contains_key(id) {
                let calendar = match id {
                    Some(c) => hub.calendar(*c)?,
                    None => Calendar::china()?,
                };
                calendars.insert(*id, calendar);
            }
        }
        Ok(ProjectCalendars {
            of_project,
            calendars,
        })
    }

    /// The project's calendar; None for a project the merge itself brought.
    pub(crate) fn of(&self, project: ProjectId) -> Option<&Calendar> {
        self.calendars.get(self.of_project.get(&project)?)
    }
}

/// Opens the hub file for a sync, with the reason in words when it cannot be. Its header and
/// version are checked as for any file, but not every page (`quick_check` would read the whole
/// shared file over the network at every sync; damage in a page the sync reads is still
/// reported by SQLite).
pub(crate) fn open_hub(path: &Path) -> Result<Db> {
    Db::open(path, Access::ReadWrite).map_err(|e| match e {
        Error::FileNotFound { .. } | Error::Io { .. } => Error::HubUnreachable {
            path: path.to_owned(),
            detail: e.to_string(),
        },
        other => other,
    })
}

/// An error met on the hub's side names the hub: with two files in play, "the file is busy"
/// must say which.
pub(crate) fn at_hub(hub: &Path) -> impl Fn(Error) -> Error + '_ {
    move |e| match e {
        Error::Busy { path } if path.as_os_str().is_empty() => Error::Busy {
            path: hub.to_owned(),
        },
        other => other,
    }
}

/// Puts what a copy of a hub wrote in its transaction on the server the copy stands for,
/// before the copy commits; an error rolls the copy's transaction back.
pub type Publish<'h> = Box<dyn FnOnce(&HubDelta) -> Result<()> + 'h>;

/// The hub of a sync: a KeyWorks file, or a local copy of a hub held on a server (`mirror`),
/// whose changes `publish` puts on the server before the copy commits.
pub struct HubSide<'h> {
    pub db: &'h mut Db,
    /// How a replica remembers the hub: the file's absolute path or the server's URL
    /// (never with a password).
    pub address: String,
    /// A short name of the hub for messages and the change log's origins.
    pub label: String,
    pub publish: Option<Publish<'h>>,
}

impl std::fmt::Debug for HubSide<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubSide")
            .field("address", &self.address)
            .field("label", &self.label)
            .field("publishes", &self.publish.is_some())
            .finish()
    }
}

impl<'h> HubSide<'h> {
    /// A hub file opened at `path`.
    pub fn file(db: &'h mut Db, path: &Path) -> HubSide<'h> {
        HubSide {
            db,
            address: std::path::absolute(path)
                .unwrap_or_else(|_| path.to_owned())
                .display()
                .to_string(),
            label: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            publish: None,
        }
    }
}

/// Runs `f` in one write transaction on the hub and, when the hub is a copy, publishes what
/// the transaction wrote before it commits.
pub(crate) fn hub_write<T>(
    hub: &mut Db,
    publish: Option<Publish<'_>>,
    f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
) -> Result<T> {
    hub.write_tx(|tx| match publish {
        // A hub file has nothing to publish: no read of its log's end.
        None => f(tx),
        Some(publish) => {
            let before = last_change_id(tx)?;
            let value = f(tx)?;
            publish(&written_since(tx, before)?)?;
            Ok(value)
        }
    })
}

/// Merges `incoming` into `hub` in one transaction and reads what `level` needs; rolls back
/// and answers the conflicts when one is undecided.
pub(crate) fn merge_committed<T>(
    hub: &mut Db,
    publish: Option<Publish<'_>>,
    incoming: &Incoming<'_>,
    decisions: &Decisions,
    merger: &Stamp,
    then: impl FnOnce(&rusqlite::Transaction<'_>, &Merged) -> Result<T>,
) -> Result<std::result::Result<(Merged, T), Vec<Conflict>>> {
    let calendars = ProjectCalendars::read(hub)?;
    let mut refused: Option<Vec<Conflict>> = None;
    let done = hub_write(hub, publish, |tx| {
        let merged = merge_into_hub(tx, incoming, decisions, merger, &calendars)?;
        if merged.undecided > 0 {
            let count = merged.undecided;
            refused = Some(merged.conflicts);
            // Returning an error rolls the transaction back: the hub is left untouched.
            return Err(Error::SyncConflicts { count });
        }
        let after = then(tx, &merged)?;
        Ok((merged, after))
    });
    match (done, refused) {
        (Err(Error::SyncConflicts { .. }), Some(conflicts)) => Ok(Err(conflicts)),
        (done, _) => done.map(Ok),
    }
}

impl Db {
    /// Syncs this replica with the hub it was made from, at the path it remembers.
    pub fn sync(&mut self, decisions: &Decisions, merger: &Stamp) -> Result<SyncOutcome> {
        let me = SyncSelf::read(self.conn())?;
        match me.hub_path {
            Some(hub) => self.sync_with_file(Path::new(&hub), decisions, merger),
            None => Err(Error::NotAReplica {
                path: self.path().map(Path::to_owned).unwrap_or_default(),
            }),
        }
    }

    /// Syncs this replica with the hub file at `hub_path` (see the module notes).
    pub fn sync_with_file(
        &mut self,
        hub_path: &Path,
        decisions: &Decisions,
        merger: &Stamp,
    ) -> Result<SyncOutcome> {
        // The replica must be one before the hub is opened: a plain file gets NotAReplica.
        self.replica_hub()?;
        let mut hub = open_hub(hub_path).map_err(at_hub(hub_path))?;
        self.sync_with_hub(HubSide::file(&mut hub, hub_path), decisions, merger)
            .map_err(at_hub(hub_path))
    }

    /// Where this replica's hub is, as it remembers it: a file's path or a server's URL.
    /// NotAReplica for a file that is none.
    pub fn remembered_hub(&self) -> Result<String> {
        let me = SyncSelf::read(self.conn())?;
        match (me.hub_file_id, me.hub_path) {
            (Some(_), Some(address)) => Ok(address),
            _ => Err(Error::NotAReplica {
                path: self.path().map(Path::to_owned).unwrap_or_default(),
            }),
        }
    }

    /// The identity of this replica's hub; NotAReplica for a file that is none.
    pub fn replica_hub(&self) -> Result<String> {
        SyncSelf::read(self.conn())?
            .hub_file_id
            .ok_or_else(|| Error::NotAReplica {
                path: self.path().map(Path::to_owned).unwrap_or_default(),
            })
    }

    /// Syncs this replica with `hub` (see the module notes).
    pub fn sync_with_hub(
        &mut self,
        hub: HubSide<'_>,
        decisions: &Decisions,
        merger: &Stamp,
    ) -> Result<SyncOutcome> {
        let me = SyncSelf::read(self.conn())?;
        let hub_id = self.replica_hub()?;
        let hub_self = SyncSelf::read(hub.db.conn())?;
        if hub_self.file_id != hub_id {
            return Err(Error::WrongHub {
                hub: hub.address.clone().into(),
                expected: me.hub_path.clone().unwrap_or_default(),
            });
        }
        let groups: Vec<ChangeGroup> = local_groups_after(self.conn(), me.pushed_upto)?;
        let current = current_rows(self.conn(), &groups)?;
        let label = self
            .path()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let incoming = Incoming {
            origin_file: &me.file_id,
            origin_label: &label,
            groups: &groups,
            current: &current,
            via: Via::Sync,
        };
        let answer = merge_committed(
            hub.db,
            hub.publish,
            &incoming,
            decisions,
            merger,
            |tx, _| {
                // The bytes of this replica's photos go up with their rows; the hub's that this
                // replica lacks come down with the pull.
                let replica = self.conn();
                copy_missing(replica, tx)?;
                let here = stored_keys(replica)?;
                let state = read_hub(tx, &hub_id, &hub.label, me.hub_seen, &groups)?;
                Ok((state, files_missing(tx, &here, None)?))
            },
        )?;
        let (merged, (hub_state, photo_files)) = match answer {
            Ok(done) => done,
            Err(conflicts) => return Ok(SyncOutcome::NeedsDecision { conflicts }),
        };
        let levelled = self.write_tx(|tx| {
            store_files(tx, &photo_files)?;
            let levelled = level_replica(tx, &me.file_id, &hub_state, merger)?;
            tx.execute(
                "UPDATE sync_self SET hub_seen = ?1, pushed_upto = ?2, last_sync_at = ?3, hub_path = ?4 \
                 WHERE id = 1",
                rusqlite::params![
                    hub_state.last_change,
                    last_change_id(tx)?,
                    merger.at_text(),
                    hub.address
                ],
            )?;
            Ok(levelled)
        })?;
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Ok(SyncOutcome::Synced(SyncReport {
            pushed: count(merged.applied),
            already_in_hub: count(merged.already),
            pulled: count(levelled.groups),
            rows_levelled: count(levelled.rows),
            decided: merged.conflicts,
            at: merger.at_text(),
        }))
    }
}
