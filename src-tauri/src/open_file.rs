//! The database the window is working on: at most one open file, shared by every command.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::Local;
use keyworks_core::seed::SEED_AUTHOR;
use keyworks_core::{Access, Db, ErrorCode, Stamp};
use serde::{Deserialize, Serialize};

use crate::ipc_error::IpcError;

/// What the window title and the UI say about the open file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct OpenFileInfo {
    pub path: String,
    pub file_name: String,
    pub read_only: bool,
}

impl OpenFileInfo {
    fn of(db: &Db) -> OpenFileInfo {
        let path = db.path().map(Path::to_path_buf).unwrap_or_default();
        OpenFileInfo {
            file_name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            path: path.display().to_string(),
            read_only: db.access() == Access::ReadOnly,
        }
    }

    /// `keyworks.sqlite — KeyWorks`, and `（只读）` when the file cannot be changed.
    pub fn window_title(&self) -> String {
        let read_only = if self.read_only { "（只读）" } else { "" };
        format!("{}{read_only} — KeyWorks", self.file_name)
    }
}

/// The open database, or why there is none (the UI shows that sentence instead of data).
#[derive(Debug)]
pub struct OpenFile(Mutex<Result<Db, IpcError>>);

impl OpenFile {
    pub fn new(opened: Result<Db, IpcError>) -> Self {
        OpenFile(Mutex::new(opened))
    }

    fn locked(&self) -> Result<std::sync::MutexGuard<'_, Result<Db, IpcError>>, IpcError> {
        self.0
            .lock()
            .map_err(|_| IpcError::internal("上一次操作意外中断，请重新启动 KeyWorks。"))
    }

    /// Runs a reading operation on the open file.
    pub fn read<T>(&self, op: impl FnOnce(&Db) -> keyworks_core::Result<T>) -> Result<T, IpcError> {
        match &*self.locked()? {
            Ok(db) => op(db).map_err(IpcError::from),
            Err(why) => Err(why.clone()),
        }
    }

    /// Runs a writing operation on the open file.
    pub fn write<T>(
        &self,
        op: impl FnOnce(&mut Db) -> keyworks_core::Result<T>,
    ) -> Result<T, IpcError> {
        match &mut *self.locked()? {
            Ok(db) => op(db).map_err(IpcError::from),
            Err(why) => Err(why.clone()),
        }
    }

    pub fn info(&self) -> Result<OpenFileInfo, IpcError> {
        self.read(|db| Ok(OpenFileInfo::of(db)))
    }

    /// Puts `opened` in place of the current file (closing it), and describes the new one.
    pub fn replace(&self, opened: Db) -> Result<OpenFileInfo, IpcError> {
        let info = OpenFileInfo::of(&opened);
        *self.locked()? = Ok(opened);
        Ok(info)
    }
}

/// Who and when, for a change made now by the person at this computer.
pub fn stamp_now(author: &str) -> keyworks_core::Result<Stamp> {
    Stamp::new(author, Local::now().fixed_offset())
}

/// The author of edits made in the app: the OS user, as the CLI does by default.
pub fn os_author() -> String {
    keyworks_core::os_user_name().unwrap_or_else(|| "未知用户".to_owned())
}

/// Opens `path` for writing, or read-only when the file (or its folder) cannot be written or
/// someone else is editing it, so that an auditor's read-only copy, or a file a colleague has
/// open, can still be read.
/// `checked` adds SQLite's quick_check (a file someone hands us, File → Open…); the app's own
/// file at start-up skips it to open fast.
pub fn open_existing(path: &Path, checked: bool) -> Result<Db, IpcError> {
    let open = |access| {
        if checked {
            Db::open_checked(path, access)
        } else {
            Db::open(path, access)
        }
    };
    match open(Access::ReadWrite) {
        Err(e) if matches!(e.code(), ErrorCode::ReadOnly | ErrorCode::Locked) => {
            open(Access::ReadOnly).map_err(IpcError::from)
        }
        other => other.map_err(IpcError::from),
    }
}

/// The file the app starts on: opened if it exists, else created with the seeded portfolio
/// (the first launch), the seed's rows stamped with the seed's author.
pub fn open_or_create_seeded(path: &Path) -> Result<Db, IpcError> {
    if path.exists() {
        return open_existing(path, false);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| {
            IpcError::internal(format!(
                "无法创建数据文件夹 {}：{e}。请检查该位置是否可写。",
                dir.display()
            ))
        })?;
    }
    let stamp = stamp_now(SEED_AUTHOR)?;
    Db::create_seeded(path, &stamp).map_err(IpcError::from)
}

/// Where the app keeps its database unless told otherwise (same place as the CLI's default).
pub fn default_path(app_data_dir: PathBuf) -> PathBuf {
    app_data_dir.join(keyworks_core::DEFAULT_DB_FILE)
}
