//! The IPC commands. Each one takes the open file, calls one keyworks-core operation and
//! returns its result or its error as `{code, message}`. Text typed by the user is turned into
//! typed values here, at the edge, as the CLI does; every rule lives in the core.
//!
//! Commands are `async` in Tauri's sense: they run off the main thread, so a slow disk (a file
//! on a network share) never freezes the window.

use std::path::PathBuf;

use chrono::{Local, NaiveDate};
use keyworks_core::ErrorCode;
use keyworks_core::calendar_days::CalendarDay;
use keyworks_core::change_log::Stamp;
use keyworks_core::ids::{DependencyId, TaskId};
use keyworks_core::milestones::{MilestoneQuery, MilestoneRow};
use keyworks_core::model::{ChangeRecord, Dependency, LinkKind, Status, Task, WeeklyUpdate};
use keyworks_core::portfolio::PortfolioSummary;
use keyworks_core::projects::ProjectDetail;
use keyworks_core::schedule::{BaselineDiff, ProjectSchedule};
use keyworks_core::updates::UpdateInput;
use keyworks_core::vocabulary_labels::VocabularyLabels;
use keyworks_core::wbs_edit::TaskDraft;
use keyworks_core::week::IsoWeek;
use keyworks_report::{Lang, Orientation, ReportRequest};
use serde::{Deserialize, Serialize};
use tauri::State;

use crate::ipc_error::IpcError;
use crate::open_file::{OpenFile, OpenFileInfo, os_author, stamp_now};

type Answer<T> = Result<T, IpcError>;

fn stamp() -> Answer<Stamp> {
    Ok(stamp_now(&os_author())?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn open_file_info(file: State<'_, OpenFile>) -> Answer<OpenFileInfo> {
    file.info()
}

/// The date the seeded data describe, for the "view as of the seed's date" button.
#[tauri::command(async)]
#[specta::specta]
pub fn seed_as_of() -> Answer<NaiveDate> {
    Ok(keyworks_core::seed_info::seed_as_of()?)
}

/// Chinese and English words for the stored codes (categories, stages, statuses, link kinds).
#[tauri::command(async)]
#[specta::specta]
pub fn vocabulary_labels() -> VocabularyLabels {
    keyworks_core::vocabulary_labels::vocabulary_labels()
}

#[tauri::command(async)]
#[specta::specta]
pub fn portfolio_summary(file: State<'_, OpenFile>, as_of: NaiveDate) -> Answer<PortfolioSummary> {
    file.read(|db| db.portfolio_summary(as_of))
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

#[tauri::command(async)]
#[specta::specta]
pub fn complete_milestone(
    file: State<'_, OpenFile>,
    id: TaskId,
    date: NaiveDate,
    note: String,
) -> Answer<Task> {
    let stamp = stamp()?;
    file.write(|db| db.complete_milestone(id, date, &note, &stamp))
}

#[tauri::command(async)]
#[specta::specta]
pub fn complete_milestones(
    file: State<'_, OpenFile>,
    ids: Vec<TaskId>,
    date: NaiveDate,
    note: String,
) -> Answer<Vec<Task>> {
    let stamp = stamp()?;
    file.write(|db| db.complete_milestones(&ids, date, &note, &stamp))
}

#[tauri::command(async)]
#[specta::specta]
pub fn add_task(file: State<'_, OpenFile>, code: String, draft: TaskDraft) -> Answer<Task> {
    let stamp = stamp()?;
    file.write(|db| db.add_task(&code, &draft, &stamp))
}

#[tauri::command(async)]
#[specta::specta]
pub fn rename_task(file: State<'_, OpenFile>, id: TaskId, name: String) -> Answer<Task> {
    let stamp = stamp()?;
    file.write(|db| db.rename_task(id, &name, &stamp))
}

#[tauri::command(async)]
#[specta::specta]
pub fn move_task(
    file: State<'_, OpenFile>,
    id: TaskId,
    start: NaiveDate,
    finish: NaiveDate,
) -> Answer<Task> {
    let stamp = stamp()?;
    file.write(|db| db.move_task(id, start, finish, &stamp))
}

#[tauri::command(async)]
#[specta::specta]
pub fn indent_task(file: State<'_, OpenFile>, id: TaskId) -> Answer<Task> {
    let stamp = stamp()?;
    file.write(|db| db.indent_task(id, &stamp))
}

#[tauri::command(async)]
#[specta::specta]
pub fn outdent_task(file: State<'_, OpenFile>, id: TaskId) -> Answer<Task> {
    let stamp = stamp()?;
    file.write(|db| db.outdent_task(id, &stamp))
}

/// Deletes the task and its subtasks; answers how many tasks went.
#[tauri::command(async)]
#[specta::specta]
pub fn delete_task(file: State<'_, OpenFile>, id: TaskId) -> Answer<u32> {
    let stamp = stamp()?;
    file.write(|db| db.delete_task(id, &stamp))
        .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
}

#[tauri::command(async)]
#[specta::specta]
pub fn add_dependency(
    file: State<'_, OpenFile>,
    predecessor: TaskId,
    successor: TaskId,
    kind: LinkKind,
    lag_days: i32,
) -> Answer<Dependency> {
    let stamp = stamp()?;
    file.write(|db| db.add_dependency(predecessor, successor, kind, i64::from(lag_days), &stamp))
}

#[tauri::command(async)]
#[specta::specta]
pub fn delete_dependency(file: State<'_, OpenFile>, id: DependencyId) -> Answer<Dependency> {
    let stamp = stamp()?;
    file.write(|db| db.delete_dependency(id, &stamp))
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
}

#[tauri::command(async)]
#[specta::specta]
pub fn record_update(
    file: State<'_, OpenFile>,
    code: String,
    form: UpdateForm,
) -> Answer<WeeklyUpdate> {
    let stamp = stamp()?;
    let input = UpdateInput {
        week: IsoWeek::parse("周次", &form.week)?,
        percent_complete: form.percent_complete,
        status: form.status,
        narrative: form.narrative,
        issues: form.issues,
        next_steps: form.next_steps,
    };
    file.write(|db| db.record_update(&code, &input, &stamp))
}

#[tauri::command(async)]
#[specta::specta]
pub fn updates_of(file: State<'_, OpenFile>, code: String) -> Answer<Vec<WeeklyUpdate>> {
    file.read(|db| db.updates_of(&code))
}

/// The latest `limit` changes, newest first.
#[tauri::command(async)]
#[specta::specta]
pub fn change_log(file: State<'_, OpenFile>, limit: u32) -> Answer<Vec<ChangeRecord>> {
    file.read(|db| db.change_log(limit as usize))
}

/// A project's schedule recomputed by the critical-path engine: early/late dates, floats and
/// the critical flag per task. The Gantt asks again after every edit.
#[tauri::command(async)]
#[specta::specta]
pub fn project_schedule(file: State<'_, OpenFile>, code: String) -> Answer<ProjectSchedule> {
    file.read(|db| db.schedule(&code))
}

/// The current schedule against the project's latest baseline, or nothing when the project has
/// no baseline yet (a new project): the Gantt then simply draws no baseline bars.
#[tauri::command(async)]
#[specta::specta]
pub fn latest_baseline_diff(
    file: State<'_, OpenFile>,
    code: String,
) -> Answer<Option<BaselineDiff>> {
    file.read(|db| match db.baseline_diff(&code, None) {
        Err(keyworks_core::Error::NoBaseline { .. }) => Ok(None),
        other => other.map(Some),
    })
}

/// Language of the report's labels (project data is printed as entered).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ReportLang {
    Zh,
    En,
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
    let name = keyworks_report::default_file_name(IsoWeek::parse("周次", &week)?);
    // The dialog blocks until closed while GTK's loop keeps running on the main thread: ask from
    // a blocking-pool thread, as the File menu asks from a worker thread.
    let picked = tauri::async_runtime::spawn_blocking(move || {
        rfd::FileDialog::new()
            .set_title("保存周报")
            .add_filter("PDF", &["pdf"])
            .set_file_name(name)
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
    lang: ReportLang,
    path: String,
) -> Answer<ReportWritten> {
    let request = report_request(IsoWeek::parse("周次", &week)?);
    let (lang, orientation) = layout_choice(lang, landscape);
    let out = absolute(&path)?;
    let written = file.read(|db| {
        Ok(keyworks_report::write_weekly_pdf(
            db,
            &request,
            lang,
            orientation,
            request_time(),
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

/// Opens the folder holding `path` (or `path` itself, if it is a folder) in the system's file
/// manager, so the user can find a report just written.
#[tauri::command(async)]
#[specta::specta]
pub fn show_in_folder(path: String) -> Answer<()> {
    crate::os_open::show_folder_of(&absolute(&path)?)
}

fn request_time() -> chrono::DateTime<chrono::FixedOffset> {
    Local::now().fixed_offset()
}

/// The week as seen now, exactly as the CLI's `--week` (judged as of its Sunday once over).
fn report_request(week: IsoWeek) -> ReportRequest {
    let now = request_time();
    ReportRequest::for_week(week, now.date_naive(), *now.offset())
}

fn layout_choice(lang: ReportLang, landscape: bool) -> (Lang, Orientation) {
    let lang = match lang {
        ReportLang::Zh => Lang::Zh,
        ReportLang::En => Lang::En,
    };
    let orientation = if landscape {
        Orientation::Landscape
    } else {
        Orientation::Portrait
    };
    (lang, orientation)
}

/// Paths come from the save dialog, which answers absolute ones; a relative path would depend
/// on the app's working directory, so it is refused rather than guessed.
fn absolute(path: &str) -> Answer<PathBuf> {
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
