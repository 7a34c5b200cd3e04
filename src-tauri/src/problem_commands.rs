//! The IPC commands of the problem ledger (问题台账): a project's problems with their age on the
//! day looked at, a new problem from the project view's form, and moving one forward or
//! escalating it. Dates arrive as typed and are read by the core's rule (`parse_date`), as the
//! CLI reads them.

use chrono::NaiveDate;
use keyworks_core::ids::ProblemId;
use keyworks_core::model::{Problem, ProblemLevel, ProblemState};
use keyworks_core::supervision::problems::{LedgerLine, NewProblem, ProblemChange};
use keyworks_core::week::{parse_date, parse_optional_date};
use serde::Deserialize;
use tauri::State;

use crate::ipc_error::IpcError;
use crate::open_file::OpenFile;

type Answer<T> = Result<T, IpcError>;

/// Project `code`'s problems on `as_of`, solved ones included, oldest first.
#[tauri::command(async)]
#[specta::specta]
pub fn project_problems(
    file: State<'_, OpenFile>,
    code: String,
    as_of: NaiveDate,
) -> Answer<Vec<LedgerLine>> {
    file.read(|db| db.problem_ledger(as_of, false, Some(&code)))
}

/// A new problem as the form sends it; dates as typed, the deadline may be empty.
#[derive(Debug, Clone, Deserialize, specta::Type)]
pub struct ProblemForm {
    pub problem: String,
    pub raised: String,
    pub unit: String,
    pub coordinator: String,
    pub due: String,
    pub level: ProblemLevel,
}

/// Enters a problem in project `code`'s ledger.
#[tauri::command(async)]
#[specta::specta]
pub fn add_problem(file: State<'_, OpenFile>, code: String, form: ProblemForm) -> Answer<Problem> {
    let stamp = file.stamp()?;
    let new = NewProblem {
        problem: form.problem,
        raised: parse_date("提出日期", &form.raised)?,
        unit: form.unit,
        coordinator: Some(form.coordinator),
        due: parse_optional_date("解决时限", &form.due)?,
        level: form.level,
    };
    file.write(|db| db.add_problem(&code, &new, &stamp))
}

/// Moves problem `id` to `state`, to `level` (escalation to 督办) or notes on it; a field left
/// out stays as it is.
#[tauri::command(async)]
#[specta::specta]
pub fn change_problem(
    file: State<'_, OpenFile>,
    id: ProblemId,
    state: Option<ProblemState>,
    level: Option<ProblemLevel>,
    note: Option<String>,
) -> Answer<Problem> {
    let stamp = file.stamp()?;
    let change = ProblemChange { state, level, note };
    file.write(|db| db.change_problem(id, &change, &stamp))
}
