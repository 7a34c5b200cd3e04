//! Change packages (`.kwchanges`): a replica's unsynced change groups, for a machine that
//! never sees the share, carried on a USB stick and applied to the hub under the same merge
//! rules as a sync.
//!
//! The file is self-describing and checked: a first line naming the format and its version, a
//! second with the SHA-256 of the rest, then one JSON document (which replica, for which hub,
//! who exported it when, from which hub state, the groups, and the touched rows as the replica
//! holds them). A damaged or foreign package is refused before anything is written; applying
//! one twice is a no-op (the hub knows its groups by origin).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::audit::change_log::{Stamp, hex};
use crate::audit::row_state::State;
use crate::error::{Error, Result};
use crate::store::atomic_file::write_atomically;
use crate::store::db::Db;
use crate::sync::groups::{ChangeGroup, RowKey, current_rows, local_groups_after};
use crate::sync::identity::SyncSelf;
use crate::sync::merge::{Conflict, Decisions, Incoming, Via};
use crate::sync::session::{HubSide, merge_committed};

const MAGIC: &str = "KEYWORKS-CHANGES 1";

#[derive(Debug, Serialize, Deserialize)]
struct Body {
    replica_file: String,
    replica_label: String,
    hub_file: String,
    exported_by: String,
    exported_at: String,
    /// The hub's change-log id the replica had pulled up to.
    base: i64,
    groups: Vec<ChangeGroup>,
    current: BTreeMap<RowKey, State>,
}

/// A package written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PackageWritten {
    pub path: String,
    pub groups: u32,
    pub sha256: String,
}

/// What applying a package did, or the conflicts that stopped it (then nothing changed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PackageOutcome {
    Applied {
        /// The replica the package came from (its file name when exported).
        from: String,
        applied: u32,
        already_in_hub: u32,
        decided: Vec<Conflict>,
    },
    NeedsDecision {
        conflicts: Vec<Conflict>,
    },
}

impl Db {
    /// Writes this replica's unsynced change groups to `out`.
    pub fn export_changes(&self, out: &Path, stamp: &Stamp) -> Result<PackageWritten> {
        let me = SyncSelf::read(self.conn())?;
        let Some(hub_file) = me.hub_file_id.clone() else {
            return Err(Error::NotAReplica {
                path: self.path().map(Path::to_owned).unwrap_or_default(),
            });
        };
        let groups = local_groups_after(self.conn(), me.pushed_upto)?;
        let current = current_rows(self.conn(), &groups)?;
        let body = Body {
            replica_file: me.file_id,
            replica_label: self
                .path()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            hub_file,
            exported_by: stamp.author().to_owned(),
            exported_at: stamp.at_text(),
            base: me.hub_seen,
            groups,
            current,
        };
        let json = serde_json::to_string(&body)
            .map_err(|e| Error::Internal(format!("变更包无法写成 JSON：{e}")))?;
        let sha = hex(&Sha256::digest(json.as_bytes()));
        write_atomically(out, format!("{MAGIC}\nsha256 {sha}\n{json}").as_bytes())?;
        Ok(PackageWritten {
            path: out.display().to_string(),
            groups: u32::try_from(body.groups.len()).unwrap_or(u32::MAX),
            sha256: sha,
        })
    }

    /// Applies the package at `path` to this file, its hub, in one transaction.
    pub fn apply_changes(
        &mut self,
        path: &Path,
        decisions: &Decisions,
        merger: &Stamp,
    ) -> Result<PackageOutcome> {
        let hub = HubSide {
            address: String::new(),
            label: String::new(),
            db: self,
            publish: None,
        };
        Db::apply_changes_to(hub, path, decisions, merger)
    }

    /// Applies the package at `path` to `hub` (a file, or the copy of a server hub), in one
    /// transaction.
    pub fn apply_changes_to(
        hub: HubSide<'_>,
        path: &Path,
        decisions: &Decisions,
        merger: &Stamp,
    ) -> Result<PackageOutcome> {
        let body = read_package(path)?;
        let me = SyncSelf::read(hub.db.conn())?;
        if body.hub_file != me.file_id {
            return Err(Error::BadPackage {
                path: path.to_owned(),
                detail: format!(
                    "它来自另一个共享文件的副本「{}」，不属于此文件；请在创建该副本的共享文件上应用",
                    body.replica_label
                ),
            });
        }
        let incoming = Incoming {
            origin_file: &body.replica_file,
            origin_label: &body.replica_label,
            groups: &body.groups,
            current: &body.current,
            via: Via::Package,
        };
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        match merge_committed(hub.db, hub.publish, &incoming, decisions, merger, |_, _| {
            Ok(())
        })? {
            Ok((merged, ())) => Ok(PackageOutcome::Applied {
                from: body.replica_label.clone(),
                applied: count(merged.applied),
                already_in_hub: count(merged.already),
                decided: merged.conflicts,
            }),
            Err(conflicts) => Ok(PackageOutcome::NeedsDecision { conflicts }),
        }
    }
}

fn read_package(path: &Path) -> Result<Body> {
    let bad = |detail: &str| Error::BadPackage {
        path: path.to_owned(),
        detail: detail.to_owned(),
    };
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::FileNotFound {
            path: path.to_owned(),
        },
        _ => Error::Io {
            path: path.to_owned(),
            source: e,
        },
    })?;
    let text =
        std::str::from_utf8(&bytes).map_err(|_| bad("这不是 KeyWorks 变更包（内容不是文本）"))?;
    let mut lines = text.splitn(3, '\n');
    if lines.next() != Some(MAGIC) {
        return Err(bad(
            "这不是 KeyWorks 变更包（缺少文件头 KEYWORKS-CHANGES 1）",
        ));
    }
    let sha = lines
        .next()
        .and_then(|l| l.strip_prefix("sha256 "))
        .ok_or_else(|| bad("文件头缺少校验值"))?;
    let json = lines.next().unwrap_or_default();
    if hex(&Sha256::digest(json.as_bytes())) != sha {
        return Err(bad(
            "校验值不符，文件在复制或传送中已损坏；请从副本重新导出变更包",
        ));
    }
    serde_json::from_str(json).map_err(|e| bad(&format!("内容无法读取（{e}）")))
}
