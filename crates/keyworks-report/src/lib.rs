//! KeyWorks reports: the weekly milestone report as a content model built from the database
//! (`model`), and as PDF laid out from that model (`layout`) with the embedded font (`font`).
//! The model reads the database; layout only reads the model. Neither reads the clock:
//! "today", the week and the generation time are inputs.

pub mod font;
pub mod layout;
pub mod model;

pub use layout::{DocumentLayout, Lang, LayoutOptions, Orientation};
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
pub fn to_pdf(
    doc: &DocumentLayout,
    generated_at: chrono::DateTime<chrono::FixedOffset>,
) -> Result<Vec<u8>> {
    layout::to_pdf(doc, generated_at).map_err(Error::Pdf)
}
