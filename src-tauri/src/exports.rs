//! Excel, CSV and calendar exports of the whole portfolio (File → 导出) or of one project (the
//! project view's buttons), in the UI's language, as `keyworks export [CODE|--all] --format
//! xlsx|csv|ics --lang zh|en --as-of DATE` writes them. The tables and files are made by
//! keyworks-interchange; this module picks the scope and writes the bytes atomically.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use keyworks_interchange::ical::{IcsRequest, calendar_text};
use keyworks_interchange::tabular::{Lang, Scope, TableKind, gather, milestones_of};
use keyworks_interchange::{csv_export, xlsx};
use serde::{Deserialize, Serialize};
use tauri::State;

use crate::commands::{absolute, ask_save_path};
use crate::ipc_error::IpcError;
use crate::open_file::OpenFile;

type Answer<T> = Result<T, IpcError>;

/// The files an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum TableExport {
    /// Excel workbook: sheets 项目, 里程碑, 周报
    Workbook,
    /// One row per milestone: the table 导入里程碑（CSV） and `keyworks import FILE.csv` read back
    MilestoneCsv,
    /// Milestones as an iCalendar file for Outlook
    MilestoneCalendar,
}

impl TableExport {
    fn filter(self) -> (&'static str, &'static str) {
        match self {
            TableExport::Workbook => ("Excel", "xlsx"),
            TableExport::MilestoneCsv => ("CSV", "csv"),
            TableExport::MilestoneCalendar => ("iCalendar", "ics"),
        }
    }

    /// `重点项目-全部-2021-06-11.xlsx`, `里程碑-KP21-01-2021-06-11.csv`, as `keyworks export`
    /// names them.
    pub fn file_name(self, code: Option<&str>, as_of: NaiveDate) -> String {
        let what = match self {
            TableExport::Workbook => "重点项目",
            TableExport::MilestoneCsv => "里程碑",
            TableExport::MilestoneCalendar => "里程碑日历",
        };
        format!(
            "{what}-{}-{as_of}.{}",
            code.unwrap_or("全部"),
            self.filter().1
        )
    }
}

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
    let (filter, extension) = what.filter();
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
    let rows = export_file(&file, code.as_deref(), what, lang, as_of, Utc::now(), &out)?;
    Ok(TableWritten {
        path: out.display().to_string(),
        rows: u32::try_from(rows).unwrap_or(u32::MAX),
    })
}

/// Writes the export to `path` (`now` stamps the file); answers the number of data rows.
pub fn export_file(
    file: &OpenFile,
    code: Option<&str>,
    what: TableExport,
    lang: Lang,
    as_of: NaiveDate,
    now: DateTime<Utc>,
    path: &Path,
) -> Answer<usize> {
    let (bytes, rows) = file.read(|db| {
        let scope = match code {
            Some(c) => Scope::Project(db.project_by_code(c)?.code),
            None => Scope::Portfolio,
        };
        match what {
            TableExport::Workbook => {
                let tables = gather(db, &scope, as_of, lang)?;
                let rows = TableKind::ALL
                    .iter()
                    .map(|k| tables.get(*k).rows.len())
                    .sum::<usize>();
                Ok((xlsx::workbook_bytes(&tables, lang, now)?, rows))
            }
            TableExport::MilestoneCsv => {
                let tables = gather(db, &scope, as_of, lang)?;
                let table = tables.get(TableKind::Milestones);
                Ok((csv_export::csv_bytes(table, lang)?, table.rows.len()))
            }
            TableExport::MilestoneCalendar => {
                let milestones = milestones_of(db, &scope, as_of)?;
                let name = match &scope {
                    Scope::Project(c) => db.project_by_code(c)?.name,
                    Scope::Portfolio => db.portfolio()?.name,
                };
                let request = IcsRequest {
                    dtstamp: now,
                    calendar_name: match lang {
                        Lang::Zh => format!("{name} 里程碑"),
                        Lang::En => format!("{name} milestones"),
                    },
                    lang,
                };
                let text = calendar_text(&milestones, &request);
                Ok((text.into_bytes(), milestones.len()))
            }
        }
    })?;
    keyworks_core::store::atomic_file::write_atomically(path, &bytes)?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_files_are_named_as_the_cli_names_them() {
        let day = NaiveDate::from_ymd_opt(2021, 6, 11).unwrap_or_default();
        assert_eq!(
            TableExport::Workbook.file_name(None, day),
            "重点项目-全部-2021-06-11.xlsx"
        );
        assert_eq!(
            TableExport::MilestoneCsv.file_name(Some("KP21-01"), day),
            "里程碑-KP21-01-2021-06-11.csv"
        );
        assert_eq!(
            TableExport::MilestoneCalendar.file_name(Some("KP21-01"), day),
            "里程碑日历-KP21-01-2021-06-11.ics"
        );
    }
}
