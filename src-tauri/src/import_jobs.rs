//! File → 导入 MS Project 文件 and File → 导入里程碑（CSV）, driven by the window's own dialogs.
//!
//! An MS Project import can take a while (100,000 tasks): it runs on a blocking-pool thread
//! (the command is `async` in Tauri's sense), tells the window how far it is with
//! `MspdiImportProgress` events, and stops when the window's 取消 button calls
//! `cancel_import`. The core then rolls its one transaction back: the file is as it was.
//!
//! A milestone CSV is previewed first; apply writes the sheet that was previewed (kept here,
//! so a file edited after the preview is not what gets applied) and the core refuses when the
//! projects changed since (the preview's fingerprint).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use keyworks_api::imports::{MspdiChoices, MspdiImported, read_milestone_sheet, stoppable};
use keyworks_api::progress::{Phase, Progress, ProgressSink};
use keyworks_core::ErrorCode;
use keyworks_core::imports::milestone_import::{
    ImportOutcome as SheetOutcome, ImportPreview, MilestoneSheet,
};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Runtime, State};
use tauri_specta::Event;

use crate::commands::absolute;
use crate::ipc_error::IpcError;
use crate::open_file::OpenFile;

type Answer<T> = Result<T, IpcError>;

/// How far the running MS Project import is, for the progress bar (keyworks-api's progress,
/// as an event the window listens to).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct MspdiImportProgress {
    pub phase: Phase,
    /// 0 to 1 while writing and when done; none while reading (the bar then just moves).
    pub fraction: Option<f64>,
    pub rows_done: u64,
    pub rows_total: u64,
}

impl From<Progress> for MspdiImportProgress {
    fn from(p: Progress) -> Self {
        MspdiImportProgress {
            phase: p.phase,
            fraction: p.fraction,
            rows_done: p.rows_done,
            rows_total: p.rows_total,
        }
    }
}

type ProgressEvents = Arc<dyn Fn(MspdiImportProgress) + Send + Sync>;

/// A milestone sheet as previewed, kept until it is applied or another is previewed.
#[derive(Debug)]
struct PreviewedSheet {
    path: PathBuf,
    sheet: MilestoneSheet,
}

/// The running import's cancel flag, the previewed milestone sheet, and where progress goes.
pub struct ImportJobs {
    report: ProgressEvents,
    cancel: Mutex<Arc<AtomicBool>>,
    previewed: Mutex<Option<PreviewedSheet>>,
}

impl std::fmt::Debug for ImportJobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportJobs")
            .field("cancel", &self.cancel)
            .field("previewed", &self.previewed)
            .finish_non_exhaustive()
    }
}

fn interrupted() -> IpcError {
    IpcError::internal("上一次导入意外中断，请重新启动 KeyWorks。")
}

impl ImportJobs {
    /// Progress goes to the window as events. Type-erased so that the commands need no runtime
    /// parameter (tauri-specta cannot list commands generic over the builder's runtime).
    pub fn new<R: Runtime>(app: AppHandle<R>) -> Self {
        ImportJobs {
            report: Arc::new(move |p: MspdiImportProgress| {
                if let Err(e) = p.emit(&app) {
                    eprintln!("KeyWorks: could not tell the window how far the import is: {e}");
                }
            }),
            cancel: Mutex::new(Arc::new(AtomicBool::new(false))),
            previewed: Mutex::new(None),
        }
    }

    /// A fresh cancel flag for an import starting now (an earlier 取消 does not carry over).
    fn start(&self) -> Answer<Arc<AtomicBool>> {
        let flag = Arc::new(AtomicBool::new(false));
        *self.cancel.lock().map_err(|_| interrupted())? = flag.clone();
        Ok(flag)
    }

    fn cancel(&self) {
        if let Ok(flag) = self.cancel.lock() {
            flag.store(true, Ordering::SeqCst);
        }
    }
}

/// Which kind of file the open dialog offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ImportFileKind {
    /// MS Project XML (MSPDI)
    Mspdi,
    /// The milestone table exported to CSV and edited in Excel
    MilestoneCsv,
}

/// Asks which file to import; `None` when the user cancels.
#[tauri::command]
#[specta::specta]
pub async fn choose_import_file(kind: ImportFileKind) -> Answer<Option<String>> {
    let (title, filter, extension) = match kind {
        ImportFileKind::Mspdi => ("导入 MS Project 文件", "MS Project XML", "xml"),
        ImportFileKind::MilestoneCsv => ("导入里程碑（CSV）", "CSV", "csv"),
    };
    // Blocks until closed while GTK's loop runs on the main thread: asked from the blocking pool.
    let picked = tauri::async_runtime::spawn_blocking(move || {
        rfd::FileDialog::new()
            .set_title(title)
            .add_filter(filter, &[extension])
            .pick_file()
    })
    .await
    .map_err(|e| IpcError::internal(format!("无法打开选择文件对话框：{e}")))?;
    Ok(picked.map(|p| p.display().to_string()))
}

/// What an MS Project import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum MspdiImportResult {
    Imported {
        code: String,
        name: String,
        tasks: u32,
        milestones: u32,
        links: u32,
        /// What the file had that KeyWorks could not carry over, one sentence each.
        warnings: Vec<String>,
    },
    /// Stopped on request: nothing was written.
    Cancelled,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Imports `path` (MS Project XML) into the open file as a new project, with the defaults both
/// faces use (keyworks-api: code from the file name, category 片区开发及基础设施, stage 续建).
/// Progress goes out as `MspdiImportProgress` events; `cancel_import` stops it, writing nothing.
#[tauri::command(async)]
#[specta::specta]
pub fn import_mspdi(
    file: State<'_, OpenFile>,
    jobs: State<'_, ImportJobs>,
    path: String,
) -> Answer<MspdiImportResult> {
    let path = absolute(&path)?;
    let cancel = jobs.start()?;
    let report = jobs.report.clone();
    let mut progress = stoppable(
        move |p| report(MspdiImportProgress::from(p)),
        move || cancel.load(Ordering::SeqCst),
    );
    import_mspdi_file(&file, &path, &mut progress)
}

/// The import itself, on the open file, reporting to `progress` (which may stop it).
pub fn import_mspdi_file(
    file: &OpenFile,
    path: &Path,
    progress: &mut dyn ProgressSink,
) -> Answer<MspdiImportResult> {
    let stamp = file.stamp()?;
    let imported = file.write(|db| {
        keyworks_api::imports::import_mspdi(db, path, &MspdiChoices::default(), &stamp, progress)
    })?;
    Ok(match imported {
        MspdiImported::Imported {
            code,
            name,
            tasks,
            milestones,
            links,
            warnings,
            ..
        } => MspdiImportResult::Imported {
            code,
            name,
            tasks: count(tasks),
            milestones: count(milestones),
            links: count(links),
            warnings,
        },
        MspdiImported::Cancelled => MspdiImportResult::Cancelled,
    })
}

/// Stops the running MS Project import (the window's 取消); nothing is written. Does nothing
/// when no import runs.
#[tauri::command(async)]
#[specta::specta]
pub fn cancel_import(jobs: State<'_, ImportJobs>) {
    jobs.cancel();
}

/// A milestone CSV's preview, as the dialog shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct CsvPreview {
    pub path: String,
    pub file_name: String,
    /// How the file was encoded (UTF-8, GBK, …), as read.
    pub encoding: String,
    pub new_count: u32,
    pub update_count: u32,
    pub unchanged_count: u32,
    /// Every row's planned change, the problems by line, and the fingerprint apply needs.
    pub preview: ImportPreview,
}

/// What importing the milestone CSV at `path` would change, row by row; writes nothing.
/// Completions later than today are problems (the core judges with today's date).
#[tauri::command(async)]
#[specta::specta]
pub fn preview_milestone_csv(
    file: State<'_, OpenFile>,
    jobs: State<'_, ImportJobs>,
    path: String,
) -> Answer<CsvPreview> {
    let path = absolute(&path)?;
    let read = read_milestone_sheet(&path)?;
    let today = file.stamp()?.at().date_naive();
    let preview = file.read(|db| db.plan_milestone_import(&read.sheet, today))?;
    *jobs.previewed.lock().map_err(|_| interrupted())? = Some(PreviewedSheet {
        path: path.clone(),
        sheet: read.sheet,
    });
    Ok(CsvPreview {
        file_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        path: path.display().to_string(),
        encoding: read.encoding.label().to_owned(),
        new_count: count(preview.new_count()),
        update_count: count(preview.update_count()),
        unchanged_count: count(preview.unchanged_count()),
        preview,
    })
}

/// Applies the sheet previewed from `path`, in one logged transaction, if the projects it
/// touches are still as the preview with `fingerprint` saw them (else `conflict`, nothing
/// written: preview again).
#[tauri::command(async)]
#[specta::specta]
pub fn apply_milestone_csv(
    file: State<'_, OpenFile>,
    jobs: State<'_, ImportJobs>,
    path: String,
    fingerprint: String,
) -> Answer<SheetOutcome> {
    let path = absolute(&path)?;
    let mut previewed = jobs.previewed.lock().map_err(|_| interrupted())?;
    let Some(sheet) = previewed.as_ref().filter(|p| p.path == path) else {
        return Err(IpcError::new(
            ErrorCode::InvalidInput,
            format!("没有 {} 的预览：请先预览，确认后再导入。", path.display()),
        ));
    };
    let stamp = file.stamp()?;
    let outcome = file.write(|db| db.apply_milestone_import(&sheet.sheet, &fingerprint, &stamp))?;
    *previewed = None;
    Ok(outcome)
}
