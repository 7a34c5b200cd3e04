//! Photo bytes between a replica and its hub. The `photos` rows travel with the change log like
//! every logged row; the bytes they name (`photo_files`, keyed by SHA-256, never changed) go
//! alongside: each sync copies to either side the files it lacks, so a file that arrived late
//! (a change package carries rows, not bytes) is healed by the next sync. Copying a file twice
//! is harmless: its key is its content.

use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};

use crate::error::Result;

/// One stored photo's bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoFile {
    pub sha256: String,
    pub jpeg: Vec<u8>,
    pub thumbnail: Vec<u8>,
}

/// The keys of the photo files `conn` holds.
pub(crate) fn stored_keys(conn: &Connection) -> Result<BTreeSet<String>> {
    let mut stmt = conn.prepare_cached("SELECT sha256 FROM photo_files")?;
    let keys = stmt.query_map([], |r| r.get(0))?;
    Ok(keys.collect::<rusqlite::Result<_>>()?)
}

/// The photo files `from` holds that are not among `present` (all of them when `wanted` is
/// None, else only those keys). Keys are compared first; only the missing files' bytes are read.
pub(crate) fn files_missing(
    from: &Connection,
    present: &BTreeSet<String>,
    wanted: Option<&BTreeSet<String>>,
) -> Result<Vec<PhotoFile>> {
    let missing: Vec<String> = match wanted {
        Some(keys) => keys.difference(present).cloned().collect(),
        None => stored_keys(from)?.difference(present).cloned().collect(),
    };
    let mut stmt =
        from.prepare_cached("SELECT jpeg, thumbnail FROM photo_files WHERE sha256 = ?1")?;
    let mut out = Vec::new();
    for sha256 in missing {
        // A wanted key `from` lacks too (its bytes not yet arrived there) is simply not sent.
        if let Some((jpeg, thumbnail)) = stmt
            .query_row([&sha256], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
        {
            out.push(PhotoFile {
                sha256,
                jpeg,
                thumbnail,
            });
        }
    }
    Ok(out)
}

/// Stores `files` (one already there is left as it is).
pub(crate) fn store_files(tx: &Transaction<'_>, files: &[PhotoFile]) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT OR IGNORE INTO photo_files (sha256, jpeg, thumbnail) VALUES (?1, ?2, ?3)",
    )?;
    for f in files {
        stmt.execute(params![f.sha256, f.jpeg, f.thumbnail])?;
    }
    Ok(())
}

/// Copies into `to` the photo files `from` has and `to` lacks.
pub(crate) fn copy_missing(from: &Connection, to: &Transaction<'_>) -> Result<()> {
    let present = stored_keys(to)?;
    let files = files_missing(from, &present, None)?;
    store_files(to, &files)
}
