//! Excel, CSV and calendar exports of the whole portfolio (File → 导出) or of one project (the
//! project view's buttons), in the UI's language: keyworks-api's use case, as `keyworks export`
//! runs it.

use chrono::{NaiveDate, Utc};
pub use keyworks_api::exports::TableExport;
use keyworks_api::exports::{TableRequest, export_table as write_table};
use keyworks_interchange::tabular::Lang;
use serde::{Deserialize, Serialize};
use tauri::State;

use crate::commands::{absolute, ask_save_path};
use crate::ipc_error::IpcError;
use crate::open_file::OpenFile;

type Answer<T> = Result<T, IpcError>;

/// File → 导出 asks the window to export (in the window's language and as-of date).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct ExportRequested {
    pub what: TableExport,
}

/// A file an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct TableWritten {
    pub path: String,
    /// Data rows written (all sheets of a workbook; events of a calendar).
    pub rows: u32,
}

/// Asks where to save the export of project `code` (the whole portfolio when none); `None`
/// when the user cancels.
#[tauri::command]
#[specta::specta]
pub async fn choose_export_path(
    code: Option<String>,
    what: TableExport,
    as_of: NaiveDate,
) -> Answer<Option<String>> {
    let (filter, extension) = what.file_type();
    ask_save_path(
        "导出",
        filter,
        extension,
        what.file_name(code.as_deref(), as_of),
    )
    .await
}

/// Writes the export of project `code` (the whole portfolio when none) to `path`: milestones
/// overdue as of `as_of`, headers and status words in `lang`.
#[tauri::command(async)]
#[specta::specta]
pub fn export_table(
    file: State<'_, OpenFile>,
    code: Option<String>,
    what: TableExport,
    lang: Lang,
    as_of: NaiveDate,
    path: String,
) -> Answer<TableWritten> {
    let out = absolute(&path)?;
    let request = TableRequest {
        code,
        what,
        lang,
        as_of,
        month: None,
        now: Utc::now(),
    };
    let written = file.read_apart(|db| write_table(db, &request, &out))?;
    Ok(TableWritten {
        path: out.display().to_string(),
        rows: u32::try_from(written.rows).unwrap_or(u32::MAX),
    })
}
