//! One editor at a time on a shared file.
//!
//! The lock is a small file beside the database, `~$<file name>`, as Microsoft Office does
//! for documents on shares: an auditor or a second officer sees who is editing without
//! opening (let alone writing) the database, a crashed editor leaves nothing half-written
//! inside the database, and Windows users already know what such a file means.
//! Creation is atomic (`create_new`), which SMB shares honour.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::audit::change_log::{Op, Stamp, append};
use crate::error::{Error, Result};
use crate::store::db::Db;

/// After this many hours a lock is stale whoever holds it (the default; callers may choose).
pub const DEFAULT_STALE_HOURS: i64 = 12;

/// Who holds (or wants) the edit lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockHolder {
    pub user: String,
    pub machine: String,
    pub process: u32,
    pub since: DateTime<FixedOffset>,
}

impl LockHolder {
    /// This process, as of `now`. Reads the OS user and machine name: call it at the edge.
    pub fn this_process(user: &str, now: DateTime<FixedOffset>) -> Self {
        LockHolder {
            user: user.to_owned(),
            machine: this_machine(),
            process: std::process::id(),
            since: now,
        }
    }

    /// A lock is stale when its holder's process is gone from this same machine, or when it is
    /// older than `max_age_hours` (a process on another machine cannot be asked).
    pub fn is_stale(&self, now: DateTime<FixedOffset>, max_age_hours: i64) -> bool {
        if now.signed_duration_since(self.since) > chrono::Duration::hours(max_age_hours) {
            return true;
        }
        self.process_gone_here()
    }

    /// Its process ran on this machine and is gone (a crash, a killed app): whatever its age,
    /// nobody is working under it.
    pub fn process_gone_here(&self) -> bool {
        self.machine == this_machine() && !process_is_running(self.process)
    }

    pub fn since_text(&self) -> String {
        self.since.format("%Y-%m-%d %H:%M").to_string()
    }
}

pub fn this_machine() -> String {
    whoami::devicename()
        .ok()
        .or_else(|| whoami::hostname().ok())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

fn process_is_running(pid: u32) -> bool {
    use sysinfo::{Pid, ProcessRefreshKind, ProcessesToUpdate, System};
    let pid = Pid::from_u32(pid);
    let mut sys = System::new();
    sys.refresh_processes_specifics(
        ProcessesToUpdate::Some(&[pid]),
        true,
        ProcessRefreshKind::nothing(),
    );
    sys.process(pid).is_some()
}

/// `~$<file name>` beside the database.
pub fn lock_path(db_path: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from("~$");
    name.push(db_path.file_name().unwrap_or_default());
    db_path.with_file_name(name)
}

/// Who holds the lock on `db_path`, if anyone. An unreadable lock file counts as held by an
/// unknown editor rather than as free: better to ask than to let two people write.
pub fn current_holder(db_path: &Path) -> Result<Option<LockHolder>> {
    let path = lock_path(db_path);
    match std::fs::read(&path) {
        Ok(bytes) => Ok(Some(serde_json::from_slice(&bytes).unwrap_or_else(|_| {
            LockHolder {
                user: "未知用户".to_owned(),
                machine: "未知计算机".to_owned(),
                process: 0,
                since: DateTime::UNIX_EPOCH.fixed_offset(),
            }
        }))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Io { path, source }),
    }
}

/// The lock this process holds; dropping it releases the lock.
#[derive(Debug)]
pub struct EditLock {
    path: PathBuf,
    holder: LockHolder,
}

impl EditLock {
    /// Takes the lock, or says who has it.
    pub fn acquire(db_path: &Path, me: LockHolder) -> Result<EditLock> {
        let path = lock_path(db_path);
        let json = serde_json::to_vec_pretty(&me).map_err(|e| Error::Internal(e.to_string()))?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(windows)]
        {
            use std::os::windows::fs::OpenOptionsExt;
            // Hidden, as Office's owner files are: people see the database, not its lock; the
            // others still find and read it by name.
            const FILE_ATTRIBUTE_HIDDEN: u32 = 0x2;
            options.attributes(FILE_ATTRIBUTE_HIDDEN);
        }
        match options.open(&path) {
            Ok(mut f) => {
                f.write_all(&json)
                    .and_then(|()| f.sync_all())
                    .map_err(|source| Error::Io {
                        path: path.clone(),
                        source,
                    })?;
                Ok(EditLock { path, holder: me })
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let holder = current_holder(db_path)?.unwrap_or(me);
                Err(Error::Locked {
                    path: db_path.to_owned(),
                    user: holder.user.clone(),
                    machine: holder.machine.clone(),
                    since: holder.since_text(),
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                Err(Error::ReadOnlyFile {
                    path: db_path.to_owned(),
                })
            }
            Err(source) => Err(Error::Io { path, source }),
        }
    }

    pub fn holder(&self) -> &LockHolder {
        &self.holder
    }
}

impl Drop for EditLock {
    fn drop(&mut self) {
        // Remove it only if it is still ours: someone may have broken a lock we held too long.
        let ours = std::fs::read(&self.path)
            .ok()
            .and_then(|b| serde_json::from_slice::<LockHolder>(&b).ok())
            .is_some_and(|h| h == self.holder);
        if ours {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Fails with `Error::Locked` when someone else holds a lock that is not stale.
/// Used by one-shot writers (the CLI), which do not take the lock themselves.
pub fn ensure_not_locked_by_other(
    db_path: &Path,
    now: DateTime<FixedOffset>,
    max_age_hours: i64,
) -> Result<()> {
    match current_holder(db_path)? {
        Some(h) if h.process != std::process::id() && !h.is_stale(now, max_age_hours) => {
            Err(Error::Locked {
                path: db_path.to_owned(),
                since: h.since_text(),
                user: h.user,
                machine: h.machine,
            })
        }
        _ => Ok(()),
    }
}

impl Db {
    /// Removes a stale lock (after the person confirmed) and records who broke whose lock in
    /// the change log. Refuses a lock that is not stale unless `force`.
    pub fn break_edit_lock(
        &mut self,
        max_age_hours: i64,
        force: bool,
        stamp: &Stamp,
    ) -> Result<Option<LockHolder>> {
        let Some(db_path) = self.path().map(ToOwned::to_owned) else {
            return Ok(None);
        };
        let Some(holder) = current_holder(&db_path)? else {
            return Ok(None);
        };
        if !force && !holder.is_stale(stamp.at(), max_age_hours) {
            return Err(Error::Locked {
                path: db_path,
                since: holder.since_text(),
                user: holder.user,
                machine: holder.machine,
            });
        }
        let changes = serde_json::json!({ "holder": [holder, null] }).to_string();
        self.write_tx(|tx| append(tx, stamp, Op::Delete, "edit_lock", 0, &changes))?;
        let path = lock_path(&db_path);
        std::fs::remove_file(&path).map_err(|source| Error::Io { path, source })?;
        Ok(Some(holder))
    }
}
