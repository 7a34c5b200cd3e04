//! Imports as both faces run them: a project from MS Project XML with the defaults both use,
//! reporting progress through one channel; a milestone sheet read from disk with the errors
//! both give.

use std::ops::ControlFlow;
use std::path::Path;

use keyworks_core::imports::project_import::ImportOutcome;
use keyworks_core::model::{Category, Stage};
use keyworks_core::{Db, Error, Result, Stamp};
use keyworks_interchange::csv_import::{ReadCsv, read_milestone_csv};
use keyworks_interchange::mspdi::{self, ImportOptions};

use crate::progress::{Progress, ProgressSink};

/// What the person may set for an MS Project import; the rest are the defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MspdiChoices {
    /// Code of the new project; default: the file name, at most 32 characters.
    pub code: Option<String>,
    /// Name of the new project; default: the file's title.
    pub name: Option<String>,
    /// e.g. 片区开发及基础设施 (the default) or its code.
    pub category: Option<String>,
    /// 新开工 | 续建 (the default) | 建成投产, or its code.
    pub stage: Option<String>,
}

/// The default category and stage of an imported project.
pub const DEFAULT_CATEGORY: &str = "片区开发及基础设施";
pub const DEFAULT_STAGE: &str = "续建";

/// The import options for `path`: the person's choices, else the defaults.
pub fn mspdi_options(path: &Path, choices: &MspdiChoices, stamp: &Stamp) -> Result<ImportOptions> {
    Ok(ImportOptions {
        code: choices
            .code
            .clone()
            .unwrap_or_else(|| mspdi::default_code(path)),
        name: choices.name.clone(),
        category: Category::parse(
            "--category",
            choices.category.as_deref().unwrap_or(DEFAULT_CATEGORY),
        )?,
        stage: Stage::parse("--stage", choices.stage.as_deref().unwrap_or(DEFAULT_STAGE))?,
        today: stamp.at().date_naive(),
    })
}

/// What an MS Project import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MspdiImported {
    Imported {
        code: String,
        name: String,
        tasks: usize,
        milestones: usize,
        links: usize,
        calendar_exceptions: usize,
        baselines: usize,
        baseline_tasks: usize,
        /// What the file had that KeyWorks could not carry over, one sentence each.
        warnings: Vec<String>,
    },
    /// Stopped on request: nothing was written.
    Cancelled,
}

/// Imports `path` into `db` as a new project, in one transaction, telling `progress` how far it
/// is (and stopping, writing nothing, when it says so).
pub fn import_mspdi(
    db: &mut Db,
    path: &Path,
    choices: &MspdiChoices,
    stamp: &Stamp,
    progress: &mut dyn ProgressSink,
) -> Result<MspdiImported> {
    let options = mspdi_options(path, choices, stamp)?;
    if progress.show(Progress::reading()).is_break() {
        return Ok(MspdiImported::Cancelled);
    }
    let mut rows = 0;
    let mut go_on = |p: keyworks_core::imports::project_import::ImportProgress| {
        rows = p.rows_total;
        progress.show(Progress::writing(p.rows_done, p.rows_total))
    };
    let report =
        mspdi::import_file(db, path, &options, stamp, &mut go_on).map_err(|e| e.into_core(path))?;
    Ok(match report.outcome {
        ImportOutcome::Imported(s) => {
            let _ = progress.show(Progress::done(rows));
            MspdiImported::Imported {
                code: s.project.code,
                name: s.project.name,
                tasks: s.tasks,
                milestones: s.milestones,
                links: s.links,
                calendar_exceptions: s.calendar_exceptions,
                baselines: s.baselines,
                baseline_tasks: s.baseline_tasks,
                warnings: report.warnings,
            }
        }
        ImportOutcome::Cancelled => MspdiImported::Cancelled,
    })
}

/// Reads a milestone sheet (CSV saved from Excel, UTF-8 or GBK) from `path`.
pub fn read_milestone_sheet(path: &Path) -> Result<ReadCsv> {
    let bytes = std::fs::read(path).map_err(|source| match source.kind() {
        // Not FileNotFound: its advice is about the database, and this is the sheet.
        std::io::ErrorKind::NotFound => Error::InvalidInput {
            field: "导入文件".into(),
            value: path.display().to_string(),
            expected: "文件不存在：请检查路径和文件名".into(),
        },
        _ => Error::Io {
            path: path.to_owned(),
            source,
        },
    })?;
    read_milestone_csv(&bytes).map_err(|e| match e {
        // Problems of the sheet as a whole name the file.
        Error::InvalidInput {
            field,
            value,
            expected,
        } => Error::InvalidInput {
            field: format!("{field} {}", path.display()),
            value,
            expected,
        },
        other => other,
    })
}

/// Progress that stops the use case when `stop` says so, telling `show` first.
pub fn stoppable<'a>(
    show: impl FnMut(Progress) + 'a,
    stop: impl Fn() -> bool + 'a,
) -> impl ProgressSink + 'a {
    struct Stoppable<S, T>(S, T);
    impl<S: FnMut(Progress), T: Fn() -> bool> ProgressSink for Stoppable<S, T> {
        fn show(&mut self, p: Progress) -> ControlFlow<()> {
            (self.0)(p);
            // After telling: a stop asked while it was told is seen right away.
            if (self.1)() {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        }
    }
    Stoppable(show, stop)
}
