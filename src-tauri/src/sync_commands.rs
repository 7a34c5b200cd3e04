//! The IPC commands of an offline replica: its sync state for the top bar, and 同步 itself
//! (with the merge dialog's decisions when a first try met conflicts).

use std::sync::Mutex;

use keyworks_core::audit::history::Lang;
use keyworks_core::sync::{ConflictDecision, Decisions, SyncOutcome, SyncStatus};
use tauri::State;

use crate::ipc_error::IpcError;
use crate::open_file::{OpenFile, OpenFileInfo, OpenMode};
use crate::preferences::PreferencesStore;

/// The server hub's password as the person typed it in this session: in memory only, never
/// written to the preferences, the file or anywhere else; gone when the app closes.
#[derive(Debug, Default)]
pub struct SessionPassword(Mutex<Option<String>>);

impl SessionPassword {
    fn remember(&self, typed: Option<String>) -> Option<String> {
        let Ok(mut held) = self.0.lock() else {
            return typed;
        };
        if let Some(p) = typed.filter(|p| !p.is_empty()) {
            *held = Some(p);
        }
        held.clone()
    }

    /// Forgets a password the server refused.
    fn forget(&self) {
        if let Ok(mut held) = self.0.lock() {
            *held = None;
        }
    }

    /// Runs `f` with the password just typed, else the one held for this session; a password
    /// the server refuses is forgotten, so that the next try asks again.
    fn using<T>(
        &self,
        typed: Option<String>,
        f: impl FnOnce(Option<&str>) -> Result<T, IpcError>,
    ) -> Result<T, IpcError> {
        let password = self.remember(typed);
        let done = f(password.as_deref());
        if matches!(&done, Err(e) if e.code == keyworks_core::ErrorCode::Login) {
            self.forget();
        }
        done
    }
}

type Answer<T> = Result<T, IpcError>;

/// The open file's sync state: its hub, the last sync, the edits waiting to go up.
#[tauri::command(async)]
#[specta::specta]
pub fn sync_status(file: State<'_, OpenFile>) -> Answer<SyncStatus> {
    file.read(|db| db.sync_status())
}

/// Syncs the open replica with its hub (a file, or a server: the one in the preferences if
/// set). Without decisions a conflict stops it and comes back for the merge dialog (nothing
/// changed); the dialog sends one decision per conflict. `password` is what the person typed
/// when the server asked for one (ErrorCode::Login): kept for this session only.
#[tauri::command(async)]
#[specta::specta]
pub fn sync_now(
    file: State<'_, OpenFile>,
    prefs: State<'_, PreferencesStore>,
    session: State<'_, SessionPassword>,
    decisions: Vec<ConflictDecision>,
    lang: Lang,
    password: Option<String>,
) -> Answer<SyncOutcome> {
    let stamp = file.stamp()?;
    let preferred = prefs.get()?.hub_url;
    let outcome = session.using(password, |password| {
        file.write(|db| {
            let hub = keyworks_api::hubs::preferred_hub(db, &preferred)?;
            keyworks_api::hubs::sync(
                db,
                hub.as_deref(),
                password,
                &Decisions::each(&decisions),
                &stamp,
            )
        })
    })?;
    Ok(outcome.in_words(lang))
}

/// Makes an offline replica of the server hub at `url` and opens it in the window. The
/// replica goes into the app's data folder (beside the default portfolio; the notice and the
/// recent files say where), named after the author, never over an existing file. The URL
/// becomes the preferred server when none is set; `password` is kept as for `sync_now`.
#[tauri::command(async)]
#[specta::specta]
pub fn create_server_replica(
    file: State<'_, OpenFile>,
    prefs: State<'_, PreferencesStore>,
    session: State<'_, SessionPassword>,
    url: String,
    password: Option<String>,
) -> Answer<OpenFileInfo> {
    let stamp = file.stamp()?;
    // The per-user data folder, where the default portfolio lives too.
    let folder = keyworks_core::default_db_path()
        .and_then(|p| p.parent().map(|d| d.join("离线副本")))
        .ok_or_else(|| IpcError::internal("找不到本机的用户数据文件夹。"))?;
    std::fs::create_dir_all(&folder)
        .map_err(|e| IpcError::internal(format!("无法建立文件夹 {}：{e}", folder.display())))?;
    let out = (1..)
        .map(|n| {
            let tail = if n == 1 {
                String::new()
            } else {
                format!("-{n}")
            };
            folder.join(format!("{}-离线副本{tail}.sqlite", stamp.author()))
        })
        .find(|p| !p.exists())
        .unwrap_or_else(|| folder.join("离线副本.sqlite"));
    let label = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    session.using(password, |password| {
        Ok(keyworks_api::hubs::create_replica(
            &url, password, &out, &label, &stamp,
        )?)
    })?;
    if prefs.get()?.hub_url.is_empty() {
        let current = prefs.get()?;
        prefs.set(&current.author, current.stale_lock_hours, &url)?;
    }
    file.open(&out, OpenMode::Edit, true)
}
