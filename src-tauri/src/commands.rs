//! The IPC commands. Each one takes the open file, calls one keyworks-core operation and
//! returns its result or its error as `{code, message}`. Text typed by the user is turned into
//! typed values here, at the edge, as the CLI does; every rule lives in the core.
//!
//! Commands are `async` in Tauri's sense: they run off the main thread, so a slow disk (a file
//! on a network share) never freezes the window.

use std::path::PathBuf;

use chrono::{Local, NaiveDate};
use keyworks_api::reports::{self, ReportOf};
use keyworks_core::ErrorCode;
use keyworks_core::audit::history::{Edit, HistoryPage, HistoryQuery, Lang};
use keyworks_core::audit::verify::FindingKind;
use keyworks_core::ids::UpdateId;
use keyworks_core::ids::{DependencyId, TargetId, TaskId};
use keyworks_core::model::{LinkKind, ProblemLevel, Status, Task, WeeklyUpdate};
use keyworks_core::plan::calendar_days::CalendarDay;
use keyworks_core::plan::project_view::{PlanChange, ProjectMarks};
use keyworks_core::plan::wbs_edit::TaskDraft;
use keyworks_core::portfolio::filing::{Filed, Filing};
use keyworks_core::portfolio::milestones::{MilestoneQuery, MilestoneRow};
use keyworks_core::portfolio::photo_file::{PreparedPhoto, prepare_photo, prepare_photo_file};
use keyworks_core::portfolio::photos::PhotoThumb;
use keyworks_core::portfolio::plan_targets::TargetProgress;
use keyworks_core::portfolio::projects::ProjectDetail;
use keyworks_core::portfolio::summary::{Dashboard, Opening, PortfolioSummary};
use keyworks_core::portfolio::updates::{IfReported, UpdateInput};
use keyworks_core::portfolio::vocabulary_labels::VocabularyLabels;
use keyworks_core::store::backup::BackupKind;
use keyworks_core::supervision::problems::RaiseProblems;
use keyworks_core::week::{IsoWeek, parse_optional_date};
use keyworks_report::Orientation;
use serde::{Deserialize, Serialize};
use tauri::State;

use crate::file_menu::MenuBar;
use crate::ipc_error::IpcError;
use crate::open_file::{Identity, OpenFile, OpenFileInfo};
use crate::preferences::{PreferencesStore, PreferencesView};

type Answer<T> = Result<T, IpcError>;

#[tauri::command(async)]
#[specta::specta]
pub fn open_file_info(file: State<'_, OpenFile>) -> Answer<OpenFileInfo> {
    file.info()
}

/// Everything the window's first frame shows, in one answer: the words for stored codes, the
/// preferences, the open file and its dashboard on the day it opens on. One request instead of
/// two waves of seven, so the first frame is the finished dashboard (scripts/bench-launch.sh).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct WindowStart {
    pub labels: VocabularyLabels,
    pub preferences: Option<PreferencesView>,
    pub file: Option<OpenFileInfo>,
    pub opening: Option<Opening>,
    /// Why there is no file or no dashboard, to show once the window is up.
    pub problem: Option<IpcError>,
}

/// `today` is the window's local date.
#[tauri::command(async)]
#[specta::specta]
pub fn window_start(
    file: State<'_, OpenFile>,
    prefs: State<'_, PreferencesStore>,
    today: NaiveDate,
) -> WindowStart {
    let shown = file
        .info()
        .and_then(|info| Ok((info, file.read(|db| db.opening(today))?)));
    let (file, opening, problem) = match shown {
        Ok((info, opening)) => (Some(info), Some(opening), None),
        Err(e) => (file.info().ok(), None, Some(e)),
    };
    WindowStart {
        labels: keyworks_core::portfolio::vocabulary_labels::vocabulary_labels(),
        // A preferences problem is the preferences dialog's to report.
        preferences: prefs.view().ok(),
        file,
        opening,
        problem,
    }
}

/// The dashboard as of a date: the summary, every milestone and the targets, read together.
#[tauri::command(async)]
#[specta::specta]
pub fn dashboard(file: State<'_, OpenFile>, as_of: NaiveDate) -> Answer<Dashboard> {
    file.read(|db| db.dashboard(as_of))
}

/// The date the sample portfolio describes when the open file is that sample (the window
/// then opens on that date, with a notice); `None` for any other file.
#[tauri::command(async)]
#[specta::specta]
pub fn sample_as_of(file: State<'_, OpenFile>) -> Answer<Option<NaiveDate>> {
    file.read(|db| db.sample_as_of())
}

/// Chinese and English words for the stored codes (categories, stages, statuses, link kinds).
#[tauri::command(async)]
#[specta::specta]
pub fn vocabulary_labels() -> VocabularyLabels {
    keyworks_core::portfolio::vocabulary_labels::vocabulary_labels()
}

#[tauri::command(async)]
#[specta::specta]
pub fn portfolio_summary(file: State<'_, OpenFile>, as_of: NaiveDate) -> Answer<PortfolioSummary> {
    file.read(|db| db.portfolio_summary(as_of))
}

/// The plan's physical targets against what has been delivered.
#[tauri::command(async)]
#[specta::specta]
pub fn plan_targets(file: State<'_, OpenFile>) -> Answer<Vec<TargetProgress>> {
    file.read(|db| db.plan_targets())
}

/// Records the delivered figure of one target; `None` clears it.
#[tauri::command(async)]
#[specta::specta]
pub fn set_target_actual(
    file: State<'_, OpenFile>,
    id: TargetId,
    actual: Option<f64>,
) -> Answer<TargetProgress> {
    let stamp = file.stamp()?;
    file.write(|db| db.set_target_actual(id, actual, &stamp))
}

/// All milestones (neither filter), those due within `due_within` days, or the overdue ones.
#[tauri::command(async)]
#[specta::specta]
pub fn milestones(
    file: State<'_, OpenFile>,
    as_of: NaiveDate,
    due_within: Option<u32>,
    overdue: bool,
) -> Answer<Vec<MilestoneRow>> {
    let query = MilestoneQuery {
        as_of,
        due_within,
        overdue,
    };
    file.read(|db| db.milestones(&query))
}

#[tauri::command(async)]
#[specta::specta]
pub fn project_detail(file: State<'_, OpenFile>, code: String) -> Answer<ProjectDetail> {
    file.read(|db| db.project_detail(&code))
}

#[tauri::command(async)]
#[specta::specta]
pub fn calendar_days(
    file: State<'_, OpenFile>,
    code: String,
    from: NaiveDate,
    to: NaiveDate,
) -> Answer<Vec<CalendarDay>> {
    file.read(|db| db.calendar_days(&code, from, to))
}

/// Marks a milestone done; answers its project's new view.
#[tauri::command(async)]
#[specta::specta]
pub fn complete_milestone(
    file: State<'_, OpenFile>,
    id: TaskId,
    date: NaiveDate,
    note: String,
) -> Answer<PlanChange> {
    let stamp = file.stamp()?;
    file.write(|db| {
        let t = db.complete_milestone(id, date, &note, &stamp)?;
        view_after(db, &t)
    })
}

#[tauri::command(async)]
#[specta::specta]
pub fn complete_milestones(
    file: State<'_, OpenFile>,
    ids: Vec<TaskId>,
    date: NaiveDate,
    note: String,
) -> Answer<Vec<Task>> {
    let stamp = file.stamp()?;
    file.write(|db| db.complete_milestones(&ids, date, &note, &stamp))
}

// ---- The Gantt's edits: each is one call that answers the project's new view (its plan,
// schedule and baseline variance), so the view repaints from the answer. ----

/// What the edit just made changed in the plan of the project `task` belongs to, with `task`
/// as the edit's subject.
fn view_after(db: &keyworks_core::Db, task: &Task) -> keyworks_core::Result<PlanChange> {
    db.last_plan_change(task.project_id, Some(task.id))
}

#[tauri::command(async)]
#[specta::specta]
pub fn add_task(file: State<'_, OpenFile>, code: String, draft: TaskDraft) -> Answer<PlanChange> {
    let stamp = file.stamp()?;
    file.write(|db| {
        let t = db.add_task(&code, &draft, &stamp)?;
        view_after(db, &t)
    })
}

#[tauri::command(async)]
#[specta::specta]
pub fn rename_task(file: State<'_, OpenFile>, id: TaskId, name: String) -> Answer<PlanChange> {
    let stamp = file.stamp()?;
    file.write(|db| {
        let t = db.rename_task(id, &name, &stamp)?;
        view_after(db, &t)
    })
}

#[tauri::command(async)]
#[specta::specta]
pub fn move_task(
    file: State<'_, OpenFile>,
    id: TaskId,
    start: NaiveDate,
    finish: NaiveDate,
) -> Answer<PlanChange> {
    let stamp = file.stamp()?;
    file.write(|db| {
        let t = db.move_task(id, start, finish, &stamp)?;
        view_after(db, &t)
    })
}

/// A task's bar dragged to start on `start`: it keeps its working days (the core's rule);
/// answers the project's change.
#[tauri::command(async)]
#[specta::specta]
pub fn shift_task(file: State<'_, OpenFile>, id: TaskId, start: NaiveDate) -> Answer<PlanChange> {
    let stamp = file.stamp()?;
    file.write(|db| {
        let t = db.shift_task(id, start, &stamp)?;
        view_after(db, &t)
    })
}

/// Where a bar dragged to start on `start` would land, for the drag's preview: the same rule
/// `shift_task` saves with.
#[tauri::command(async)]
#[specta::specta]
pub fn preview_shift(
    file: State<'_, OpenFile>,
    id: TaskId,
    start: NaiveDate,
) -> Answer<(NaiveDate, NaiveDate)> {
    file.read(|db| db.shifted_span(id, start))
}

#[tauri::command(async)]
#[specta::specta]
pub fn indent_task(file: State<'_, OpenFile>, id: TaskId) -> Answer<PlanChange> {
    let stamp = file.stamp()?;
    file.write(|db| {
        let t = db.indent_task(id, &stamp)?;
        view_after(db, &t)
    })
}

#[tauri::command(async)]
#[specta::specta]
pub fn outdent_task(file: State<'_, OpenFile>, id: TaskId) -> Answer<PlanChange> {
    let stamp = file.stamp()?;
    file.write(|db| {
        let t = db.outdent_task(id, &stamp)?;
        view_after(db, &t)
    })
}

/// Deletes the task and its subtasks; answers the project's new view.
#[tauri::command(async)]
#[specta::specta]
pub fn delete_task(file: State<'_, OpenFile>, id: TaskId) -> Answer<PlanChange> {
    let stamp = file.stamp()?;
    file.write(|db| {
        let project = db.task(id)?.project_id;
        db.delete_task(id, &stamp)?;
        db.last_plan_change(project, None)
    })
}

#[tauri::command(async)]
#[specta::specta]
pub fn add_dependency(
    file: State<'_, OpenFile>,
    predecessor: TaskId,
    successor: TaskId,
    kind: LinkKind,
    lag_days: i32,
) -> Answer<PlanChange> {
    let stamp = file.stamp()?;
    file.write(|db| {
        let d = db.add_dependency(predecessor, successor, kind, i64::from(lag_days), &stamp)?;
        view_after(db, &db.task(d.successor_id)?)
    })
}

#[tauri::command(async)]
#[specta::specta]
pub fn delete_dependency(file: State<'_, OpenFile>, id: DependencyId) -> Answer<PlanChange> {
    let stamp = file.stamp()?;
    file.write(|db| {
        let d = db.delete_dependency(id, &stamp)?;
        view_after(db, &db.task(d.successor_id)?)
    })
}

/// Reverts the user's most recent edit in this file (Ctrl+Z, 撤销); answers that edit as the
/// history tells it (now marked undone), so the notice can say what was undone.
#[tauri::command(async)]
#[specta::specta]
pub fn undo_last_edit(file: State<'_, OpenFile>, lang: Lang) -> Answer<Edit> {
    let stamp = file.stamp()?;
    file.write(|db| {
        let undone = db.undo_last_edit(&stamp)?;
        db.edit(undone.group, lang, local_offset())
    })
}

/// A weekly update as the form sends it; `week` is ISO text such as `2021-W23`.
#[derive(Debug, Clone, Deserialize, specta::Type)]
pub struct UpdateForm {
    pub week: String,
    pub percent_complete: f64,
    pub status: Status,
    pub narrative: String,
    pub issues: String,
    pub next_steps: String,
    /// The week's existing update that the person chose to replace (替换 or 编辑, after
    /// seeing it); `None` for a new report, which a week that already has one refuses.
    pub replaces: Option<UpdateId>,
    /// Also enter each item of `issues` in the problem ledger, as this says.
    pub raise_problems: Option<RaiseProblemsForm>,
    /// Site photos to attach: files dropped on the form (their paths) or chosen with its
    /// file button (their bytes).
    pub photos: Vec<PhotoUpload>,
}

/// A photo as the form hands it over.
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum PhotoUpload {
    /// A file dropped on the window: the system gives its path.
    Path { path: String },
    /// A file chosen in the form: the web view gives its name and bytes (base64).
    Bytes { name: String, base64: String },
}

/// Reads and prepares each photo (the core's pipeline) before the file is written.
fn prepare_uploads(uploads: &[PhotoUpload]) -> Result<Vec<PreparedPhoto>, IpcError> {
    use base64::Engine;
    uploads
        .iter()
        .map(|u| match u {
            PhotoUpload::Path { path } => Ok(prepare_photo_file(std::path::Path::new(path))?),
            PhotoUpload::Bytes { name, base64 } => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(base64)
                    .map_err(|e| IpcError::internal(format!("照片 {name} 传输出错：{e}")))?;
                Ok(prepare_photo(name, &bytes)?)
            }
        })
        .collect()
}

/// How the form's 问题与风险 enter the ledger; the deadline is a date as typed, or empty.
#[derive(Debug, Clone, Deserialize, specta::Type)]
pub struct RaiseProblemsForm {
    pub unit: String,
    pub coordinator: String,
    pub due: String,
    pub level: ProblemLevel,
}

#[tauri::command(async)]
#[specta::specta]
pub fn record_update(file: State<'_, OpenFile>, code: String, form: UpdateForm) -> Answer<Filed> {
    let stamp = file.stamp()?;
    let input = UpdateInput {
        week: IsoWeek::parse("周次", &form.week)?,
        percent_complete: form.percent_complete,
        status: form.status,
        narrative: form.narrative,
        issues: form.issues,
        next_steps: form.next_steps,
        if_reported: match form.replaces {
            Some(id) => IfReported::Replace(id),
            None => IfReported::Refuse,
        },
    };
    let raise = match form.raise_problems {
        None => None,
        Some(r) => Some(RaiseProblems {
            unit: r.unit,
            coordinator: Some(r.coordinator),
            due: parse_optional_date("解决时限", &r.due)?,
            level: r.level,
        }),
    };
    let filing = Filing {
        input,
        raise,
        photos: prepare_uploads(&form.photos)?,
    };
    file.write(|db| db.file_update(&code, &filing, &stamp))
}

/// Project `code`'s site photos with thumbnails, newest week first.
#[tauri::command(async)]
#[specta::specta]
pub fn photos_of(file: State<'_, OpenFile>, code: String) -> Answer<Vec<PhotoThumb>> {
    file.read(|db| db.photos_of(&code))
}

#[tauri::command(async)]
#[specta::specta]
pub fn updates_of(file: State<'_, OpenFile>, code: String) -> Answer<Vec<WeeklyUpdate>> {
    file.read(|db| db.updates_of(&code))
}

/// The edits that match `query`, newest first, in `lang`, with times in this computer's offset.
#[tauri::command(async)]
#[specta::specta]
pub fn history(file: State<'_, OpenFile>, query: HistoryQuery, lang: Lang) -> Answer<HistoryPage> {
    file.read(|db| db.history(&query, lang, local_offset()))
}

/// Everyone who has changed the open file, for the history's person filter.
#[tauri::command(async)]
#[specta::specta]
pub fn history_authors(file: State<'_, OpenFile>) -> Answer<Vec<String>> {
    file.read(|db| db.history_authors())
}

/// This computer's offset from UTC now: the history shows times as the reader's clock reads.
fn local_offset() -> chrono::FixedOffset {
    *Local::now().offset()
}

/// What the Gantt draws over a project's plan: the engine's critical marks and floats and the
/// latest baseline's bars, recomputed after every edit (the plan itself comes first, from
/// `project_detail`, so the Gantt need not wait for the engine on a large plan).
#[tauri::command(async)]
#[specta::specta]
pub fn project_marks(file: State<'_, OpenFile>, code: String) -> Answer<ProjectMarks> {
    file.read(|db| db.project_marks(&code))
}

/// A weekly report written to disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct ReportWritten {
    pub path: String,
    pub week: IsoWeek,
    pub pages: u32,
    pub bytes: u32,
}

/// Asks where to save the weekly report of `week` (ISO text such as `2021-W23`), suggesting
/// `周报-2021-W23.pdf`; `None` when the user cancels.
#[tauri::command]
#[specta::specta]
pub async fn choose_report_path(week: String) -> Answer<Option<String>> {
    let name = keyworks_api::reports::default_file_name(IsoWeek::parse("周次", &week)?);
    ask_save_path("保存周报", "PDF", "pdf", name).await
}

/// A save dialog suggesting `file_name`; `None` when the user cancels. The dialog blocks until
/// closed while GTK's loop keeps running on the main thread, so it is asked from a
/// blocking-pool thread, as the File menu asks from a worker thread.
pub(crate) async fn ask_save_path(
    title: &'static str,
    filter: &'static str,
    extension: &'static str,
    file_name: String,
) -> Answer<Option<String>> {
    let picked = tauri::async_runtime::spawn_blocking(move || {
        rfd::FileDialog::new()
            .set_title(title)
            .add_filter(filter, &[extension])
            .set_file_name(file_name)
            .save_file()
    })
    .await
    .map_err(|e| IpcError::internal(format!("无法打开保存对话框：{e}")))?;
    Ok(picked.map(|p| p.display().to_string()))
}

/// Writes the weekly report of `week` to `path` (replacing the file, atomically), as
/// `keyworks report weekly --week` does.
#[tauri::command(async)]
#[specta::specta]
pub fn write_weekly_report(
    file: State<'_, OpenFile>,
    week: String,
    landscape: bool,
    lang: Lang,
    path: String,
) -> Answer<ReportWritten> {
    let week = IsoWeek::parse("周次", &week)?;
    let orientation = if landscape {
        Orientation::Landscape
    } else {
        Orientation::Portrait
    };
    let out = absolute(&path)?;
    let written = file.read_apart(|db| {
        Ok(reports::write_weekly_report(
            db,
            ReportOf::Week(week),
            lang,
            orientation,
            Local::now().fixed_offset(),
            &out,
        )?)
    })?;
    Ok(ReportWritten {
        path: written.path.display().to_string(),
        week: written.week,
        pages: u32::try_from(written.pages).unwrap_or(u32::MAX),
        bytes: u32::try_from(written.bytes).unwrap_or(u32::MAX),
    })
}

/// A project written as MS Project XML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct MspdiWritten {
    pub path: String,
    pub code: String,
    pub tasks: u32,
}

/// Asks where to save project `code` as MS Project XML, suggesting `CODE.xml` as the CLI
/// does; `None` when the user cancels.
#[tauri::command(async)]
#[specta::specta]
pub async fn choose_mspdi_path(code: String) -> Answer<Option<String>> {
    ask_save_path(
        "导出 MS Project 文件",
        "MS Project XML",
        "xml",
        keyworks_api::exports::mspdi_file_name(&code),
    )
    .await
}

/// Writes project `code` to `path` as MS Project XML (MSPDI), atomically, as
/// `keyworks export CODE --format mspdi` does.
#[tauri::command(async)]
#[specta::specta]
pub fn export_project_mspdi(
    file: State<'_, OpenFile>,
    code: String,
    path: String,
) -> Answer<MspdiWritten> {
    let out = absolute(&path)?;
    let written = file.read_apart(|db| keyworks_api::exports::export_mspdi(db, &code, &out))?;
    Ok(MspdiWritten {
        path: out.display().to_string(),
        code: written.code.unwrap_or_default(),
        tasks: u32::try_from(written.rows).unwrap_or(u32::MAX),
    })
}

/// Opens the folder holding `path` (or `path` itself, if it is a folder) in the system's file
/// manager, so the user can find a report just written.
#[tauri::command(async)]
#[specta::specta]
pub fn show_in_folder(path: String) -> Answer<()> {
    crate::os_open::show_folder_of(&absolute(&path)?)
}

/// Paths come from the save dialog, which answers absolute ones; a relative path would depend
/// on the app's working directory, so it is refused rather than guessed.
pub(crate) fn absolute(path: &str) -> Answer<PathBuf> {
    let p = PathBuf::from(path);
    if p.is_absolute() {
        Ok(p)
    } else {
        Err(IpcError::new(
            ErrorCode::InvalidInput,
            format!("路径「{path}」不是完整路径：请在保存对话框中选择位置。"),
        ))
    }
}

// ---- Shared files: the edit lock, auditor mode, verify, backups, preferences (issue #6) ----

/// Tries again to open the current file for editing (its editor may have closed it); still
/// read-only, with the reason, if not possible.
#[tauri::command(async)]
#[specta::specta]
pub fn reopen_for_editing(file: State<'_, OpenFile>) -> Answer<OpenFileInfo> {
    file.reopen_for_editing()
}

/// Breaks someone else's stale edit lock (after the person confirmed in the UI); the break
/// is recorded in the file's change log and the file reopens for editing.
#[tauri::command(async)]
#[specta::specta]
pub fn break_stale_lock(file: State<'_, OpenFile>) -> Answer<OpenFileInfo> {
    file.break_stale_lock()
}

/// One problem `verify` found, as a sentence (Chinese, from the core) and its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct VerifyProblem {
    pub kind: FindingKind,
    pub text: String,
}

/// What Help → 校验文件… shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct VerifyOutcome {
    pub ok: bool,
    pub path: String,
    pub log_rows: u64,
    pub rows_checked: u64,
    pub problem_count: u64,
    /// The first problems, the first broken link or changed row first (at most 20).
    pub problems: Vec<VerifyProblem>,
}

/// How many problems the verify dialog lists (the CLI's `--json` gives all).
const SHOWN_PROBLEMS: usize = 20;

/// `keyworks verify` for the open file: integrity_check, the change log's hash chain, rows
/// against the log. Runs on a read-only connection of its own, so the window stays usable.
#[tauri::command(async)]
#[specta::specta]
pub fn verify_file(file: State<'_, OpenFile>) -> Answer<VerifyOutcome> {
    let report = file.read_apart(|db| db.verify())?;
    Ok(VerifyOutcome {
        ok: report.is_ok(),
        path: file
            .path()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        log_rows: report.log_rows,
        rows_checked: report.rows_checked,
        problem_count: report.findings.len() as u64,
        problems: report
            .findings
            .iter()
            .take(SHOWN_PROBLEMS)
            .map(|f| VerifyProblem {
                kind: f.kind(),
                text: f.to_string(),
            })
            .collect(),
    })
}

/// One backup File → 从备份恢复… offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct BackupEntry {
    pub path: String,
    pub file_name: String,
    pub kind: BackupKind,
    /// When the copy was written (its modification time, local, `2021-06-11 09:30:05`).
    pub written: String,
    pub bytes: u64,
}

/// The backups in the open file's `<file>.backups/` folder, newest first.
#[tauri::command(async)]
#[specta::specta]
pub fn backups(file: State<'_, OpenFile>) -> Answer<Vec<BackupEntry>> {
    let Some(path) = file.path() else {
        return Ok(Vec::new());
    };
    let mut entries: Vec<BackupEntry> = keyworks_core::store::backup::list_backups(&path)?
        .into_iter()
        .map(|b| {
            let name = b
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let meta = std::fs::metadata(&b).ok();
            let kind = BackupKind::of(&b);
            BackupEntry {
                path: b.display().to_string(),
                kind,
                written: meta
                    .as_ref()
                    .and_then(|m| m.modified().ok())
                    .map(|t| {
                        chrono::DateTime::<Local>::from(t)
                            .format("%Y-%m-%d %H:%M:%S")
                            .to_string()
                    })
                    .unwrap_or_default(),
                bytes: meta.map(|m| m.len()).unwrap_or(0),
                file_name: name,
            }
        })
        .collect();
    entries.sort_by(|a, b| {
        b.written
            .cmp(&a.written)
            .then(b.file_name.cmp(&a.file_name))
    });
    Ok(entries)
}

/// Asks for a backup file elsewhere (a copy saved with File → 另存副本…); `None` when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn choose_backup_file() -> Answer<Option<String>> {
    let picked = tauri::async_runtime::spawn_blocking(|| {
        rfd::FileDialog::new()
            .set_title("选择要恢复的备份")
            .add_filter("KeyWorks 数据库", &["keyworks", "sqlite", "db"])
            .pick_file()
    })
    .await
    .map_err(|e| IpcError::internal(format!("无法打开选择文件对话框：{e}")))?;
    Ok(picked.map(|p| p.display().to_string()))
}

/// Replaces the open file's content with the backup's (after the person confirmed): the core
/// backs the current state up first and records the restore in the change log; the file is
/// then reopened. Only the editor (holder of the edit lock) may restore.
#[tauri::command(async)]
#[specta::specta]
pub fn restore_backup(file: State<'_, OpenFile>, path: String) -> Answer<OpenFileInfo> {
    file.restore_from(&absolute(&path)?)
}

/// The preferences dialog's content.
#[tauri::command(async)]
#[specta::specta]
pub fn preferences(prefs: State<'_, PreferencesStore>) -> Answer<PreferencesView> {
    prefs.view()
}

/// Saves the author (empty: the OS user name), the stale-lock hours and the server hub's URL
/// (stored without a password; None keeps it); later changes are stamped with this author.
#[tauri::command(async)]
#[specta::specta]
pub fn set_preferences(
    prefs: State<'_, PreferencesStore>,
    file: State<'_, OpenFile>,
    author: String,
    stale_lock_hours: u32,
    hub_url: Option<String>,
) -> Answer<PreferencesView> {
    // None: the URL stays as stored (the first-run name prompt sets only the author).
    let hub_url = match hub_url {
        Some(url) => url,
        None => prefs.get()?.hub_url,
    };
    let saved = prefs.set(&author, stale_lock_hours, &hub_url)?;
    file.set_identity(Identity {
        author: saved.author(),
        stale_lock_hours: i64::from(saved.stale_lock_hours),
    })?;
    prefs.view()
}

/// Saves the language the window was switched to and puts the menus in it; the next start
/// opens in it too.
#[tauri::command(async)]
#[specta::specta]
pub fn set_language(
    prefs: State<'_, PreferencesStore>,
    menus: State<'_, MenuBar>,
    lang: Lang,
) -> Answer<PreferencesView> {
    prefs.set_language(lang)?;
    menus.relabel()?;
    prefs.view()
}
