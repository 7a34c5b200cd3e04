//! The IPC commands. Each one takes the open file, calls one keyworks-core operation and
//! returns its result or its error as `{code, message}`. Text typed by the user is turned into
//! typed values here, at the edge, as the CLI does; every rule lives in the core.
//!
//! Commands are `async` in Tauri's sense: they run off the main thread, so a slow disk (a file
//! on a network share) never freezes the window.

use chrono::NaiveDate;
use keyworks_core::calendar_days::CalendarDay;
use keyworks_core::change_log::Stamp;
use keyworks_core::ids::{DependencyId, TaskId};
use keyworks_core::milestones::{MilestoneQuery, MilestoneRow};
use keyworks_core::model::{ChangeRecord, Dependency, LinkKind, Status, Task, WeeklyUpdate};
use keyworks_core::portfolio::PortfolioSummary;
use keyworks_core::projects::ProjectDetail;
use keyworks_core::updates::UpdateInput;
use keyworks_core::vocabulary_labels::VocabularyLabels;
use keyworks_core::wbs_edit::TaskDraft;
use keyworks_core::week::IsoWeek;
use serde::Deserialize;
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
