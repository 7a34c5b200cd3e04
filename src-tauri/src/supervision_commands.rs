//! The IPC commands of investment supervision: recording a month's completed investment and
//! who answers for a project (the project view's investment pane), and the monthly report. (The dashboard's supervision table
//! comes with the dashboard, in its one request.) Amounts and months arrive as the text the person
//! typed and are read by the core's rules (`Yuan::parse_wan`, `YearMonth::parse`), as the CLI
//! reads them.

use chrono::{Local, NaiveDate};
use keyworks_api::reports;
use keyworks_core::audit::history::Lang;
use keyworks_core::ids::ApprovalId;
use keyworks_core::model::{Approval, Funding, Project};
use keyworks_core::money::Yuan;
use keyworks_core::supervision::approvals::ProjectApprovals;
use keyworks_core::supervision::investment::AmountSaved;
use keyworks_core::supervision::leaders::Responsibility;
use keyworks_core::week::{YearMonth, parse_date};
use keyworks_report::Orientation;
use serde::Serialize;
use tauri::State;

use crate::commands::{absolute, ask_save_path};
use crate::ipc_error::IpcError;
use crate::open_file::OpenFile;

type Answer<T> = Result<T, IpcError>;

/// Records what project `code` completed in `month` (万元 as typed, up to four decimals);
/// recording the month again corrects it.
#[tauri::command(async)]
#[specta::specta]
pub fn record_investment_month(
    file: State<'_, OpenFile>,
    code: String,
    month: String,
    completed: String,
    note: Option<String>,
) -> Answer<AmountSaved> {
    let stamp = file.stamp()?;
    let month = YearMonth::parse("月份", &month)?;
    let completed = Yuan::parse_wan("当月完成投资", &completed)?;
    file.write(|db| db.record_investment_month(&code, month, completed, note.as_deref(), &stamp))
}

/// Sets who answers for project `code`: its 包抓领导 (an empty name clears it) and 责任单位;
/// logged. Returns the project as saved.
#[tauri::command(async)]
#[specta::specta]
pub fn set_responsibility(
    file: State<'_, OpenFile>,
    code: String,
    leader: String,
    lead_unit: String,
) -> Answer<Project> {
    let stamp = file.stamp()?;
    let change = Responsibility {
        leader: Some(leader),
        lead_unit: Some(lead_unit),
    };
    file.write(|db| db.set_responsibility(&code, &change, &stamp))
}

/// Project `code`'s approvals with their clocks on `as_of` (none when it has no items).
#[tauri::command(async)]
#[specta::specta]
pub fn project_approvals(
    file: State<'_, OpenFile>,
    code: String,
    as_of: NaiveDate,
) -> Answer<Option<ProjectApprovals>> {
    file.read(|db| Ok(db.approvals(Some(&code), as_of)?.into_iter().next()))
}

/// Adds approval item `item` of project `code`, submitted on `submitted` (a date as typed),
/// with its own limit in working days if it has one.
#[tauri::command(async)]
#[specta::specta]
pub fn add_approval(
    file: State<'_, OpenFile>,
    code: String,
    item: String,
    submitted: String,
    limit_days: Option<i64>,
) -> Answer<Approval> {
    let stamp = file.stamp()?;
    let submitted = parse_date("申报日期", &submitted)?;
    file.write(|db| db.add_approval(&code, &item, submitted, limit_days, &stamp))
}

/// Marks approval `id` approved on `date` (as typed).
#[tauri::command(async)]
#[specta::specta]
pub fn approve(file: State<'_, OpenFile>, id: ApprovalId, date: String) -> Answer<Approval> {
    let stamp = file.stamp()?;
    let date = parse_date("批复日期", &date)?;
    file.write(|db| db.approve(id, date, &stamp))
}

/// Sets who pays for project `code` (政府投资 or 社会投资), which decides its approval limit.
#[tauri::command(async)]
#[specta::specta]
pub fn set_funding(file: State<'_, OpenFile>, code: String, funding: Funding) -> Answer<Project> {
    let stamp = file.stamp()?;
    file.write(|db| db.set_funding(&code, funding, &stamp))
}

/// A monthly report written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct MonthlyWritten {
    pub path: String,
    pub month: YearMonth,
    pub pages: u32,
    pub bytes: u32,
}

/// Asks where to save the monthly report of `month`, suggesting `月报-2021-05.pdf`.
#[tauri::command]
#[specta::specta]
pub async fn choose_monthly_report_path(month: String) -> Answer<Option<String>> {
    let name = reports::monthly_file_name(YearMonth::parse("月份", &month)?);
    ask_save_path("保存月报", "PDF", "pdf", name).await
}

/// Writes the monthly report of `month` to `path`, as `keyworks report monthly` does.
#[tauri::command(async)]
#[specta::specta]
pub fn write_monthly_report(
    file: State<'_, OpenFile>,
    month: String,
    landscape: bool,
    lang: Lang,
    path: String,
) -> Answer<MonthlyWritten> {
    let month = YearMonth::parse("月份", &month)?;
    let orientation = if landscape {
        Orientation::Landscape
    } else {
        Orientation::Portrait
    };
    let out = absolute(&path)?;
    let now = Local::now().fixed_offset();
    let written = file.read_apart(|db| {
        Ok(reports::write_monthly_report(
            db,
            month,
            now.date_naive(),
            lang,
            orientation,
            now,
            &out,
        )?)
    })?;
    Ok(MonthlyWritten {
        path: written.path.display().to_string(),
        month: written.month,
        pages: u32::try_from(written.pages).unwrap_or(u32::MAX),
        bytes: u32::try_from(written.bytes).unwrap_or(u32::MAX),
    })
}
