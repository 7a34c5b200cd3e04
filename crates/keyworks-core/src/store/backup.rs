//! Backups: copies made through SQLite (`VACUUM INTO`), never by copying the file, so that a
//! copy taken while someone else writes is still a consistent database.

use std::path::{Path, PathBuf};

use chrono::Local;
use serde::Serialize;

use crate::audit::change_log::{Op, Stamp, append};
use crate::error::{Error, Result};
use crate::store::db::{Access, Db};

/// How many automatic backups are kept per database file.
pub const KEEP_AUTOMATIC_BACKUPS: usize = 10;

/// The folder beside a database that holds its automatic backups: `<file>.backups/`.
pub fn backup_dir(db_path: &Path) -> PathBuf {
    let mut name = db_path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".backups");
    db_path.with_file_name(name)
}

/// Why a backup in a file's backup folder was made; the core names the files, so it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum BackupKind {
    /// Before a schema upgrade.
    BeforeUpgrade,
    /// Before a restore.
    BeforeRestore,
    /// A copy saved there on demand (File → 另存副本…, `backup save`).
    OnDemand,
}

/// The reasons automatic backups are named with, and the kind each means.
const REASONS: &[(&str, BackupKind)] = &[
    ("before-upgrade", BackupKind::BeforeUpgrade),
    ("before-restore", BackupKind::BeforeRestore),
];

impl BackupKind {
    /// The kind of the backup at `path`, from the name the core gave it.
    pub fn of(path: &Path) -> BackupKind {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        REASONS
            .iter()
            .find(|(reason, _)| stem.ends_with(&format!("-{reason}")))
            .map_or(BackupKind::OnDemand, |(_, kind)| *kind)
    }
}

/// The automatic backups of a database file, oldest first.
pub fn list_backups(db_path: &Path) -> Result<Vec<PathBuf>> {
    let dir = backup_dir(db_path);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(Error::Io { path: dir, source }),
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sqlite"))
        .collect();
    // Names start with a sortable timestamp.
    files.sort();
    Ok(files)
}

/// Writes an automatic backup of `db` into its backup folder and prunes old ones.
/// Returns the backup's path; None for an in-memory database.
pub(crate) fn automatic_backup(db: &Db, reason: &str) -> Result<Option<PathBuf>> {
    let Some(path) = db.path() else {
        return Ok(None);
    };
    let dir = backup_dir(path);
    std::fs::create_dir_all(&dir).map_err(|source| Error::Io {
        path: dir.clone(),
        source,
    })?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    // The clock is read here only to name the file; nothing depends on its value.
    let stamp = Local::now().format("%Y%m%dT%H%M%S%.3f");
    let target = dir.join(format!("{stamp}-{stem}-{reason}.sqlite"));
    db.save_copy(&target)?;
    let backups = list_backups(path)?;
    if backups.len() > KEEP_AUTOMATIC_BACKUPS {
        for old in &backups[..backups.len() - KEEP_AUTOMATIC_BACKUPS] {
            let _ = std::fs::remove_file(old); // pruning is best effort; a left-over copy harms nothing
        }
    }
    Ok(Some(target))
}

impl Db {
    /// Writes a consistent copy of the database to `target` (File → Save a copy…).
    /// Refuses to overwrite an existing file.
    pub fn save_copy(&self, target: &Path) -> Result<()> {
        crate::store::windows_paths::check(target)?;
        if target.exists() {
            return Err(Error::AlreadyExists {
                path: target.to_owned(),
            });
        }
        let text = target.to_str().ok_or_else(|| Error::InvalidInput {
            field: "备份文件".into(),
            value: target.display().to_string(),
            expected: "路径须为有效的 Unicode 文本".into(),
        })?;
        self.conn()
            .execute("VACUUM INTO ?1", [text])
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::CannotOpen) | Some(rusqlite::ErrorCode::ReadOnly) => {
                    Error::ReadOnlyFile {
                        path: target.to_owned(),
                    }
                }
                _ => Error::from(e),
            })?;
        Ok(())
    }

    /// Replaces the whole content of this database with `backup`'s, after backing up the
    /// current state, and records the restore in the change log.
    pub fn restore_from(&mut self, backup: &Path, stamp: &Stamp) -> Result<()> {
        // Checks the backup as any file is checked: KeyWorks, complete, not too new.
        let source = Db::open(backup, Access::ReadOnly)?;
        automatic_backup(self, "before-restore")?;
        {
            let progress = rusqlite::backup::Backup::new(source.conn(), self.conn_mut())?;
            progress.run_to_completion(256, std::time::Duration::ZERO, None)?;
        }
        let changes = serde_json::json!({ "restored_from": [null, backup.display().to_string()] })
            .to_string();
        self.write_tx(|tx| append(tx, stamp, Op::Update, "database", 0, &changes))
    }
}
