//! KeyWorks reports: the weekly milestone report as a content model built from the database
//! (`model`), and as PDF laid out from that model (`layout`) with the embedded font (`font`).
//! The model reads the database; layout only reads the model. Neither reads the clock:
//! "today", the week and the generation time are inputs.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate};
use keyworks_core::week::IsoWeek;

pub mod font;
pub mod layout;
pub mod model;
pub mod monthly;

pub use layout::{DocumentLayout, Lang, LayoutOptions, Orientation, layout_monthly};
pub use model::{ReportRequest, WeeklyReport};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Core(#[from] keyworks_core::Error),
    #[error("无法生成 PDF：{0}")]
    Pdf(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Builds the report model for `request` from `db`.
pub fn build(db: &keyworks_core::Db, request: &ReportRequest) -> Result<WeeklyReport> {
    Ok(model::build(db, request)?)
}

/// Places the report on pages (for inspection and tests; `render_pdf` does this too).
pub fn layout(report: &WeeklyReport, opts: &LayoutOptions) -> Result<DocumentLayout> {
    layout::layout(report, opts).map_err(Error::Pdf)
}

/// The report as PDF bytes.
pub fn render_pdf(report: &WeeklyReport, opts: &LayoutOptions) -> Result<Vec<u8>> {
    layout::render_pdf(report, opts).map_err(Error::Pdf)
}

/// Writes pages placed by `layout` as PDF, stamped with the generation time.
pub fn to_pdf(doc: &DocumentLayout, generated_at: DateTime<FixedOffset>) -> Result<Vec<u8>> {
    layout::to_pdf(doc, generated_at).map_err(Error::Pdf)
}

/// A failure to build or lay out the report, as the core's error: the database's own errors
/// as they are, a layout failure as the program fault it is. Faces (CLI, desktop) map core
/// errors to exit codes and UI messages already, so they need no second scheme.
impl From<Error> for keyworks_core::Error {
    fn from(e: Error) -> Self {
        match e {
            Error::Core(e) => e,
            Error::Pdf(msg) => keyworks_core::Error::Internal(format!("生成 PDF 失败：{msg}")),
        }
    }
}

/// The name a weekly report is saved under unless the user picks another: `周报-2021-W23.pdf`.
pub fn default_file_name(week: IsoWeek) -> String {
    format!("周报-{week}.pdf")
}

/// What [`write_weekly_pdf`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenReport {
    pub path: PathBuf,
    pub portfolio: String,
    pub week: IsoWeek,
    pub as_of: NaiveDate,
    pub pages: usize,
    pub bytes: usize,
}

/// The weekly report for `request`, built from `db`, laid out and written to `out` as PDF;
/// the one entry point of both the CLI's `report weekly` and the desktop app's Report button.
/// The footer names `db`'s file; `generated_at` stamps the document (the clock is the caller's).
pub fn write_weekly_pdf(
    db: &keyworks_core::Db,
    request: &ReportRequest,
    lang: Lang,
    orientation: Orientation,
    generated_at: DateTime<FixedOffset>,
    out: &Path,
) -> Result<WrittenReport> {
    let report = build(db, request)?;
    let opts = LayoutOptions {
        lang,
        orientation,
        generated_at,
        source_file: source_file_of(db),
    };
    let doc = layout(&report, &opts)?;
    let bytes = to_pdf(&doc, generated_at)?;
    keyworks_core::store::atomic_file::write_atomically(out, &bytes)?;
    Ok(WrittenReport {
        path: out.to_owned(),
        portfolio: report.portfolio.name.clone(),
        week: report.week,
        as_of: report.as_of,
        pages: doc.pages.len(),
        bytes: bytes.len(),
    })
}

/// The name a monthly report is saved under unless the user picks another: `月报-2021-05.pdf`.
pub fn monthly_file_name(month: keyworks_core::week::YearMonth) -> String {
    format!("月报-{month}.pdf")
}

/// What [`write_monthly_pdf`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenMonthly {
    pub path: PathBuf,
    pub portfolio: String,
    pub month: keyworks_core::week::YearMonth,
    pub as_of: NaiveDate,
    pub pages: usize,
    pub bytes: usize,
}

/// The monthly report for `month` (milestones judged on `as_of`, at most the month's end),
/// built from `db`, laid out and written to `out` as PDF; the entry point of `report monthly`.
pub fn write_monthly_pdf(
    db: &keyworks_core::Db,
    month: keyworks_core::week::YearMonth,
    as_of: NaiveDate,
    lang: Lang,
    orientation: Orientation,
    generated_at: DateTime<FixedOffset>,
    out: &Path,
) -> Result<WrittenMonthly> {
    let report = monthly::build(db, month, as_of)?;
    let opts = LayoutOptions {
        lang,
        orientation,
        generated_at,
        source_file: source_file_of(db),
    };
    let doc = layout_monthly(&report, &opts).map_err(Error::Pdf)?;
    let bytes = to_pdf(&doc, generated_at)?;
    keyworks_core::store::atomic_file::write_atomically(out, &bytes)?;
    Ok(WrittenMonthly {
        path: out.to_owned(),
        portfolio: report.portfolio.name.clone(),
        month,
        as_of: report.overview.as_of,
        pages: doc.pages.len(),
        bytes: bytes.len(),
    })
}

/// The database file's name, as footers name it.
fn source_file_of(db: &keyworks_core::Db) -> String {
    db.path()
        .map(|p| {
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| p.display().to_string())
        })
        .unwrap_or_default()
}
