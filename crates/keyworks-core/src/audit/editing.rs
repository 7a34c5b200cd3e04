//! Opening a file to work on it: the one edit-lock policy of every face.
//!
//! - For editing, the lock comes first, then the file is opened for writing, so nothing reaches
//!   a file someone else is editing (not even a migration).
//! - Someone else's live lock, a read-only file or folder, or a lock file that cannot be created
//!   opens the file read-only instead, and says why.
//! - A lock left by the same person on this machine whose process is gone (a crash, a killed
//!   app) is taken back without asking; nobody can lose work. The break is logged. Anyone
//!   else's stale lock is broken only after the person confirms (`Db::break_edit_lock`).
//!
//! The clock and the OS facts (machine name, running processes) are the edge's: `now` is
//! passed in, and the lock holder is built by `LockHolder::this_process` at the edge's call.

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::audit::change_log::Stamp;
use crate::audit::edit_lock::{EditLock, LockHolder, current_holder};
use crate::error::{Error, ErrorCode, Result};
use crate::store::db::{Access, Db};

/// How a file is asked to be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// For editing when possible, else read-only with the reason.
    Edit,
    /// Auditor mode: read-only by choice; nothing reaches the file.
    ReadOnly,
}

/// Why an open file cannot be changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ReadOnlyReason {
    /// Opened read-only on purpose (auditor mode).
    Chosen,
    /// The file or its folder cannot be written.
    NotWritable,
    /// Someone else holds the edit lock.
    LockedByOther,
}

/// Who opens the file, and how long another person's lock counts as live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editor {
    pub author: String,
    pub stale_lock_hours: i64,
}

/// A file opened to work on: the database, the edit lock when editing, or why it is read-only
/// (with the core's sentence).
#[derive(Debug)]
pub struct OpenedFile {
    pub db: Db,
    /// Held while the file is open for editing; dropping it removes the lock file.
    pub lock: Option<EditLock>,
    pub read_only: Option<(ReadOnlyReason, String)>,
}

fn open_db(path: &Path, access: Access, checked: bool) -> Result<Db> {
    if checked {
        Db::open_checked(path, access)
    } else {
        Db::open(path, access)
    }
}

fn read_only_because(
    path: &Path,
    checked: bool,
    reason: ReadOnlyReason,
    detail: String,
) -> Result<OpenedFile> {
    Ok(OpenedFile {
        db: open_db(path, Access::ReadOnly, checked)?,
        lock: None,
        read_only: Some((reason, detail)),
    })
}

/// Opens `path` as asked, at `now`. For editing: the lock first, then the file for writing;
/// whatever keeps the editor from editing turns into a read-only file that says why.
/// `checked` adds SQLite's quick_check (a file someone hands us).
pub fn open_to_work(
    path: &Path,
    mode: OpenMode,
    checked: bool,
    editor: &Editor,
    now: DateTime<FixedOffset>,
) -> Result<OpenedFile> {
    if mode == OpenMode::ReadOnly {
        return read_only_because(path, checked, ReadOnlyReason::Chosen, String::new());
    }
    let meta = std::fs::metadata(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => Error::FileNotFound {
            path: path.to_owned(),
        },
        _ => Error::Io {
            path: path.to_owned(),
            source,
        },
    })?;
    if meta.permissions().readonly() {
        // Checked before the lock so that a read-only file gets no lock file beside it.
        let why = Error::ReadOnlyFile {
            path: path.to_owned(),
        };
        return read_only_because(path, checked, ReadOnlyReason::NotWritable, why.to_string());
    }
    let lock = match take_edit_lock(path, editor, now) {
        Ok(lock) => lock,
        Err(e) if e.code() == ErrorCode::Locked => {
            return read_only_because(path, checked, ReadOnlyReason::LockedByOther, e.to_string());
        }
        // A lock file that cannot be created beside the file: a read-only folder or share.
        Err(e) => {
            return read_only_because(path, checked, ReadOnlyReason::NotWritable, e.to_string());
        }
    };
    match open_db(path, Access::ReadWrite, checked) {
        Ok(db) => Ok(OpenedFile {
            db,
            lock: Some(lock),
            read_only: None,
        }),
        Err(e) if e.code() == ErrorCode::ReadOnly => {
            drop(lock);
            read_only_because(path, checked, ReadOnlyReason::NotWritable, e.to_string())
        }
        // The lock goes with the error: a file that cannot be opened is not ours to hold.
        Err(e) => Err(e),
    }
}

/// The edit lock on `path` for this process, taking back the editor's own abandoned lock (same
/// person, this machine, process gone): the break is recorded in the file's change log.
pub fn take_edit_lock(
    path: &Path,
    editor: &Editor,
    now: DateTime<FixedOffset>,
) -> Result<EditLock> {
    let me = || LockHolder::this_process(&editor.author, now);
    match EditLock::acquire(path, me()) {
        Err(Error::Locked { .. }) => {
            let Some(holder) = current_holder(path)? else {
                // Released between the two looks: try once more.
                return EditLock::acquire(path, me());
            };
            if !is_own_abandoned_lock(&holder, &editor.author) {
                return Err(Error::Locked {
                    path: path.to_owned(),
                    since: holder.since_text(),
                    user: holder.user,
                    machine: holder.machine,
                });
            }
            let mut writer = Db::open(path, Access::ReadWrite)?;
            writer.break_edit_lock(
                editor.stale_lock_hours,
                false,
                &Stamp::new(&editor.author, now)?,
            )?;
            drop(writer);
            EditLock::acquire(path, me())
        }
        other => other,
    }
}

/// The editor's own lock whose process is gone from this machine, however old: nobody is
/// working under it.
fn is_own_abandoned_lock(holder: &LockHolder, author: &str) -> bool {
    holder.user == author && holder.process_gone_here()
}
