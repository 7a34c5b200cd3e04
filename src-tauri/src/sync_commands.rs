//! The IPC commands of an offline replica: its sync state for the top bar, and 同步 itself
//! (with the merge dialog's decisions when a first try met conflicts).

use std::sync::Mutex;

use keyworks_core::audit::history::Lang;
use keyworks_core::sync::{ConflictDecision, Decisions, SyncOutcome, SyncStatus};
use tauri::State;

use crate::ipc_error::IpcError;
use crate::open_file::OpenFile;
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
    let password = session.remember(password);
    let outcome = file.write(|db| {
        let hub = keyworks_api::hubs::preferred_hub(db, &preferred)?;
        keyworks_api::hubs::sync(
            db,
            hub.as_deref(),
            password.as_deref(),
            &Decisions::each(&decisions),
            &stamp,
        )
    });
    if matches!(&outcome, Err(e) if e.code == keyworks_core::ErrorCode::Login) {
        session.forget();
    }
    Ok(outcome?.in_words(lang))
}
