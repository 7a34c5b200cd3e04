//! The local copy of a server hub: a KeyWorks file in the user's cache folder on which the
//! core runs the merge. It is brought level with the server inside the server transaction
//! that holds the hub's lock, so it is exactly the server's hub while the merge runs.
//!
//! The copy is only a cache. It is checked against the server before each use (the hash of
//! its last change-log row must be the server's at that id) and rebuilt from the server when
//! it is missing, damaged, or no longer a prefix of the server's log (a server restored from
//! a backup). Killed between the server's commit and its own, it is simply behind: the next
//! use brings it level.

use std::path::{Path, PathBuf};

use keyworks_core::{Access, Db, Error};
use postgres::Transaction;

use crate::address::ServerAddress;
use crate::server::{HubRow, hash_at, read_complete, read_delta, server_error};

/// Where the copy of hub `file_id` lives: `<cache>/keyworks/hubs/<file_id>.sqlite`.
pub fn copy_path(file_id: &str) -> Result<PathBuf, Error> {
    let base = dirs::cache_dir().ok_or_else(|| Error::InvalidInput {
        field: "缓存目录".into(),
        value: String::new(),
        expected: "系统没有用户缓存目录（XDG_CACHE_HOME 或 %LOCALAPPDATA%）".into(),
    })?;
    let dir = base.join("keyworks").join("hubs");
    std::fs::create_dir_all(&dir).map_err(|source| Error::Io {
        path: dir.clone(),
        source,
    })?;
    Ok(dir.join(format!("{file_id}.sqlite")))
}

fn remove_copy(path: &Path) -> Result<(), Error> {
    for p in [path.to_owned(), path.with_extension("sqlite-journal")] {
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(Error::Io { path: p, source }),
        }
    }
    Ok(())
}

/// The copy as it stands, with where its log ends, if it can be used at all.
fn usable_copy(
    path: &Path,
    tx: &mut Transaction<'_>,
    hub: &HubRow,
    address: &ServerAddress,
) -> Result<Option<(Db, i64)>, Error> {
    if !path.exists() {
        return Ok(None);
    }
    let Ok(copy) = Db::open(path, Access::ReadWrite) else {
        return Ok(None);
    };
    let Ok(id) = copy.hub_identity() else {
        return Ok(None);
    };
    if id.file_id != hub.file_id || id.hub_file_id.is_some() {
        return Ok(None);
    }
    if id.last_change > 0 {
        let server_hash = hash_at(tx, id.last_change).map_err(|e| server_error(address, &e))?;
        if server_hash.as_deref() != Some(id.last_hash.as_str()) {
            return Ok(None);
        }
    }
    Ok(Some((copy, id.last_change)))
}

/// The copy of the hub, level with the server as `tx` sees it (`tx` holds the hub's lock).
pub(crate) fn level_copy(
    tx: &mut Transaction<'_>,
    address: &ServerAddress,
    hub: &HubRow,
) -> Result<Db, Error> {
    let path = copy_path(&hub.file_id)?;
    let err = |e: postgres::Error| server_error(address, &e);
    if let Some((mut copy, after)) = usable_copy(&path, tx, hub, address)? {
        let delta = read_delta(tx, after).map_err(err)?;
        if copy.apply_hub_delta(&hub.file_id, &delta).is_ok() {
            return Ok(copy);
        }
    }
    remove_copy(&path)?;
    let mut copy = Db::create(&path)?;
    let everything = read_complete(tx).map_err(err)?;
    copy.apply_hub_delta(&hub.file_id, &everything)?;
    Ok(copy)
}
