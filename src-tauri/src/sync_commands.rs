//! The IPC commands of an offline replica: its sync state for the top bar, and 同步 itself
//! (with the merge dialog's decisions when a first try met conflicts).

use keyworks_core::audit::history::Lang;
use keyworks_core::sync::{ConflictDecision, Decisions, SyncOutcome, SyncStatus};
use tauri::State;

use crate::ipc_error::IpcError;
use crate::open_file::OpenFile;

type Answer<T> = Result<T, IpcError>;

/// The open file's sync state: its hub, the last sync, the edits waiting to go up.
#[tauri::command(async)]
#[specta::specta]
pub fn sync_status(file: State<'_, OpenFile>) -> Answer<SyncStatus> {
    file.read(|db| db.sync_status())
}

/// Syncs the open replica with its hub. Without decisions a conflict stops it and comes back
/// for the merge dialog (nothing changed); the dialog sends one decision per conflict.
#[tauri::command(async)]
#[specta::specta]
pub fn sync_now(
    file: State<'_, OpenFile>,
    decisions: Vec<ConflictDecision>,
    lang: Lang,
) -> Answer<SyncOutcome> {
    let stamp = file.stamp()?;
    let outcome = file.write(|db| db.sync(&Decisions::each(&decisions), &stamp))?;
    Ok(outcome.in_words(lang))
}
