//! The database the window is working on: at most one open file, shared by every command, with
//! the edit lock that makes this window its one editor (or the reason it is read-only).
//!
//! The policy of opening (the lock first, read-only with a reason when editing is not
//! possible, one's own abandoned lock taken back) is keyworks-core's (`audit::editing`), the
//! same for every face. This module keeps the one open file of the window and releases its lock
//! when another file is opened, when the file is closed and when the app exits (`close`, called
//! from the run loop: Tauri runs no destructors on exit).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::Local;
use keyworks_core::audit::edit_lock::{self, EditLock, LockHolder};
use keyworks_core::audit::editing::{Editor, OpenedFile, open_to_work, take_edit_lock};
pub use keyworks_core::audit::editing::{OpenMode, ReadOnlyReason};
use keyworks_core::store::seed::SEED_AUTHOR;
use keyworks_core::{Access, Db, Error, ErrorCode, Stamp};
use serde::{Deserialize, Serialize};

use crate::ipc_error::IpcError;

/// Who holds the edit lock, as the read-only banner shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct LockHolderInfo {
    pub user: String,
    pub machine: String,
    pub process: u32,
    /// `2021-06-11 09:30`, the holder's local time.
    pub since: String,
    /// Its process is gone from this machine, or it is older than the preferences allow:
    /// it may be broken after confirmation.
    pub stale: bool,
}

impl LockHolderInfo {
    fn of(h: &LockHolder, stale_hours: i64) -> LockHolderInfo {
        LockHolderInfo {
            user: h.user.clone(),
            machine: h.machine.clone(),
            process: h.process,
            since: h.since_text(),
            stale: h.is_stale(Local::now().fixed_offset(), stale_hours),
        }
    }
}

/// What the window title and the UI say about the open file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct OpenFileInfo {
    pub path: String,
    pub file_name: String,
    pub read_only: bool,
    /// Set when `read_only`.
    pub read_only_reason: Option<ReadOnlyReason>,
    /// The core's sentence for a file that cannot be written (empty otherwise).
    pub read_only_detail: String,
    /// Who is editing the file, when someone else is (shown in any read-only session).
    pub lock_holder: Option<LockHolderInfo>,
    /// This window holds the edit lock.
    pub holds_edit_lock: bool,
}

impl OpenFileInfo {
    /// `keyworks.sqlite — KeyWorks`, and `（只读）` when the file cannot be changed.
    pub fn window_title(&self) -> String {
        let read_only = if self.read_only {
            "（只读 / read-only）"
        } else {
            ""
        };
        format!("{}{read_only} — KeyWorks", self.file_name)
    }
}

/// An open database and what goes with it.
#[derive(Debug)]
pub struct Session {
    db: Db,
    /// Held while the file is open for editing; dropping it removes the lock file.
    lock: Option<EditLock>,
    read_only: Option<(ReadOnlyReason, String)>,
}

impl Session {
    fn editing(db: Db, lock: Option<EditLock>) -> Session {
        Session {
            db,
            lock,
            read_only: None,
        }
    }

    fn path(&self) -> Option<&Path> {
        self.db.path()
    }

    fn info(&self, stale_hours: i64) -> OpenFileInfo {
        let path = self.path().map(Path::to_path_buf).unwrap_or_default();
        let read_only = self.db.access() == Access::ReadOnly;
        let reason = match (&self.read_only, read_only) {
            (Some((r, _)), _) => Some(*r),
            (None, true) => Some(ReadOnlyReason::Chosen),
            (None, false) => None,
        };
        // Who edits it matters to every reader; the editor itself needs no look.
        let lock_holder = if self.lock.is_some() || self.path().is_none() {
            None
        } else {
            edit_lock::current_holder(&path)
                .ok()
                .flatten()
                .filter(|h| !is_this_process(h))
                .map(|h| LockHolderInfo::of(&h, stale_hours))
        };
        OpenFileInfo {
            file_name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            path: path.display().to_string(),
            read_only,
            read_only_reason: reason,
            read_only_detail: self
                .read_only
                .as_ref()
                .map(|(_, d)| d.clone())
                .unwrap_or_default(),
            lock_holder,
            holds_edit_lock: self.lock.is_some(),
        }
    }
}

fn is_this_process(h: &LockHolder) -> bool {
    h.process == std::process::id() && h.machine == edit_lock::this_machine()
}

/// The person at this computer, as the preferences say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub author: String,
    pub stale_lock_hours: i64,
}

impl Identity {
    pub fn stamp(&self) -> keyworks_core::Result<Stamp> {
        stamp_now(&self.author)
    }

    fn editor(&self) -> Editor {
        Editor {
            author: self.author.clone(),
            stale_lock_hours: self.stale_lock_hours,
        }
    }
}

/// What the shell does once a file is open, whoever opened it (a menu item, a command):
/// window title, recent files, telling the UI. Type-erased so that commands need no runtime.
pub type OnOpened = Arc<dyn Fn(&Path, &OpenFileInfo) + Send + Sync>;

/// The open database, or why there is none (the UI shows that sentence instead of data).
pub struct OpenFile {
    current: Mutex<Result<Session, IpcError>>,
    /// The open file's path, kept apart from the session so that a long read on a connection
    /// of its own (`read_apart`) can find the file while another request holds the session.
    current_path: Mutex<Option<PathBuf>>,
    identity: Mutex<Identity>,
    on_opened: Mutex<Option<OnOpened>>,
}

impl std::fmt::Debug for OpenFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenFile")
            .field("current", &self.current)
            .field("identity", &self.identity)
            .finish_non_exhaustive()
    }
}

impl OpenFile {
    pub fn new(opened: Result<Session, IpcError>, identity: Identity) -> Self {
        OpenFile {
            current_path: Mutex::new(
                opened
                    .as_ref()
                    .ok()
                    .and_then(|s| s.path().map(Path::to_path_buf)),
            ),
            current: Mutex::new(opened),
            identity: Mutex::new(identity),
            on_opened: Mutex::new(None),
        }
    }

    /// Set once by the app when it is built.
    pub fn set_on_opened(&self, hook: OnOpened) {
        if let Ok(mut slot) = self.on_opened.lock() {
            *slot = Some(hook);
        }
    }

    fn locked(&self) -> Result<std::sync::MutexGuard<'_, Result<Session, IpcError>>, IpcError> {
        self.current
            .lock()
            .map_err(|_| IpcError::internal("上一次操作意外中断，请重新启动 KeyWorks。"))
    }

    pub fn identity(&self) -> Result<Identity, IpcError> {
        self.identity
            .lock()
            .map(|i| i.clone())
            .map_err(|_| IpcError::internal("上一次操作意外中断，请重新启动 KeyWorks。"))
    }

    /// The preferences changed: later changes carry the new author.
    pub fn set_identity(&self, identity: Identity) -> Result<(), IpcError> {
        *self
            .identity
            .lock()
            .map_err(|_| IpcError::internal("上一次操作意外中断，请重新启动 KeyWorks。"))? =
            identity;
        Ok(())
    }

    /// Who and when, for a change made now: the author from the preferences.
    pub fn stamp(&self) -> Result<Stamp, IpcError> {
        Ok(self.identity()?.stamp()?)
    }

    /// Runs a reading operation on the open file.
    pub fn read<T>(&self, op: impl FnOnce(&Db) -> keyworks_core::Result<T>) -> Result<T, IpcError> {
        match &*self.locked()? {
            Ok(s) => op(&s.db).map_err(IpcError::from),
            Err(why) => Err(why.clone()),
        }
    }

    /// Runs a writing operation on the open file. A read-only session's connection is itself
    /// read-only, so the core refuses the write (`ErrorCode::ReadOnly`) whatever the UI does.
    pub fn write<T>(
        &self,
        op: impl FnOnce(&mut Db) -> keyworks_core::Result<T>,
    ) -> Result<T, IpcError> {
        match &mut *self.locked()? {
            Ok(s) => op(&mut s.db).map_err(IpcError::from),
            Err(why) => Err(why.clone()),
        }
    }

    /// Runs a long read (a report, an export, verify) on a read-only connection of its own, so
    /// the window's other requests (the Gantt's) do not wait behind it on the one open file;
    /// on the open file itself when it has no path (in memory).
    pub fn read_apart<T>(
        &self,
        op: impl FnOnce(&Db) -> keyworks_core::Result<T>,
    ) -> Result<T, IpcError> {
        match self.path() {
            Some(path) => {
                let db = Db::open(&path, Access::ReadOnly)?;
                Ok(op(&db)?)
            }
            None => self.read(op),
        }
    }

    pub fn info(&self) -> Result<OpenFileInfo, IpcError> {
        let stale_hours = self.identity()?.stale_lock_hours;
        match &*self.locked()? {
            Ok(s) => Ok(s.info(stale_hours)),
            Err(why) => Err(why.clone()),
        }
    }

    /// The open file's path (None when none is open or it lives in memory).
    pub fn path(&self) -> Option<PathBuf> {
        self.current_path.lock().ok()?.clone()
    }

    fn set_path(&self, path: Option<PathBuf>) {
        if let Ok(mut p) = self.current_path.lock() {
            *p = path;
        }
    }

    /// Opens `path` in place of the current file, which is closed (and its lock released) only
    /// once the new one is open: a file that fails to open leaves the window as it was.
    /// `checked` adds SQLite's quick_check (a file someone hands us).
    pub fn open(
        &self,
        path: &Path,
        mode: OpenMode,
        checked: bool,
    ) -> Result<OpenFileInfo, IpcError> {
        let who = self.identity()?;
        let mut current = self.locked()?;
        let session = match &mut *current {
            // Reopening the file this window edits (after a restore, or "edit again"): keep
            // the lock rather than release it and race someone else for it.
            Ok(s) if mode == OpenMode::Edit && s.lock.is_some() && same_file(s.path(), path) => {
                let db = open_db(path, Access::ReadWrite, checked)?;
                Session::editing(db, s.lock.take())
            }
            _ => open_session(path, mode, checked, &who)?,
        };
        let info = session.info(who.stale_lock_hours);
        self.set_path(session.path().map(Path::to_path_buf));
        *current = Ok(session);
        drop(current);
        let hook = self.on_opened.lock().ok().and_then(|h| h.clone());
        if let Some(hook) = hook {
            hook(path, &info);
        }
        Ok(info)
    }

    /// Closes the file and releases the edit lock (quit, window closed).
    pub fn close(&self) {
        self.set_path(None);
        if let Ok(mut current) = self.current.lock() {
            *current = Err(IpcError::new(
                ErrorCode::NotFound,
                "没有打开的文件：请用“文件 → 打开…”选择一个 KeyWorks 数据库。",
            ));
        }
    }

    /// Breaks someone else's stale lock on the open (read-only) file after the person confirmed
    /// it, logging the break in the file's change log, then reopens the file for editing.
    /// A lock that is not stale is refused (`ErrorCode::Locked`), naming its holder.
    pub fn break_stale_lock(&self) -> Result<OpenFileInfo, IpcError> {
        let path = self.path().ok_or_else(no_file)?;
        let who = self.identity()?;
        let stamp = who.stamp()?;
        let mut writer = open_db(&path, Access::ReadWrite, false)?;
        writer.break_edit_lock(who.stale_lock_hours, false, &stamp)?;
        drop(writer);
        self.open(&path, OpenMode::Edit, false)
    }

    /// Tries again to open the current file for editing (its editor may have closed it).
    pub fn reopen_for_editing(&self) -> Result<OpenFileInfo, IpcError> {
        let path = self.path().ok_or_else(no_file)?;
        self.open(&path, OpenMode::Edit, false)
    }

    /// Replaces the open file's content with `backup`'s (the core backs the current state up
    /// first and logs the restore), then reopens it. Only the editor may restore.
    pub fn restore_from(&self, backup: &Path) -> Result<OpenFileInfo, IpcError> {
        let stamp = self.stamp()?;
        let path = {
            let mut current = self.locked()?;
            let session = current.as_mut().map_err(|why| why.clone())?;
            if session.lock.is_none() || session.db.access() == Access::ReadOnly {
                return Err(Error::OpenedReadOnly.into());
            }
            if same_file(session.path(), backup) {
                return Err(IpcError::new(
                    ErrorCode::InvalidInput,
                    "所选备份就是当前打开的文件：请选择一个备份文件。",
                ));
            }
            session.db.restore_from(backup, &stamp)?;
            session.path().map(Path::to_path_buf).ok_or_else(no_file)?
        };
        // Reopened through the same checks as any file, keeping this window's lock.
        self.open(&path, OpenMode::Edit, true)
    }
}

fn no_file() -> IpcError {
    IpcError::new(
        ErrorCode::NotFound,
        "没有打开的文件：请用“文件 → 打开…”选择一个 KeyWorks 数据库。",
    )
}

fn same_file(a: Option<&Path>, b: &Path) -> bool {
    let Some(a) = a else { return false };
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

fn open_db(path: &Path, access: Access, checked: bool) -> Result<Db, IpcError> {
    let opened = if checked {
        Db::open_checked(path, access)
    } else {
        Db::open(path, access)
    };
    opened.map_err(IpcError::from)
}

/// Opens `path` as asked, by the core's policy (`audit::editing`).
pub fn open_session(
    path: &Path,
    mode: OpenMode,
    checked: bool,
    who: &Identity,
) -> Result<Session, IpcError> {
    let OpenedFile {
        db,
        lock,
        read_only,
    } = open_to_work(
        path,
        mode,
        checked,
        &who.editor(),
        Local::now().fixed_offset(),
    )?;
    Ok(Session {
        db,
        lock,
        read_only,
    })
}

/// Who and when, for a change made now by `author`.
pub fn stamp_now(author: &str) -> keyworks_core::Result<Stamp> {
    Stamp::new(author, Local::now().fixed_offset())
}

/// The file the app starts on: opened (for editing when possible) if it exists, else created
/// with the seeded portfolio (the first launch), the seed's rows stamped with the seed's author.
pub fn open_or_create_seeded(path: &Path, who: &Identity) -> Result<Session, IpcError> {
    if path.exists() {
        return open_session(path, OpenMode::Edit, false, who);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| {
            IpcError::internal(format!(
                "无法创建数据文件夹 {}：{e}。请检查该位置是否可写。",
                dir.display()
            ))
        })?;
    }
    // The lock first: nobody else can be editing a file that does not exist yet.
    let lock = take_edit_lock(path, &who.editor(), Local::now().fixed_offset())?;
    let stamp = stamp_now(SEED_AUTHOR)?;
    let db = Db::create_seeded(path, &stamp)?;
    Ok(Session::editing(db, Some(lock)))
}

/// Where the app keeps its database unless told otherwise (same place as the CLI's default).
pub fn default_path(app_data_dir: PathBuf) -> PathBuf {
    app_data_dir.join(keyworks_core::DEFAULT_DB_FILE)
}
