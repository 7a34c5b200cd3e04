//! MS Project XML (MSPDI): the format MS Project, ProjectLibre and GanttProject all read and
//! write. `import_*` reads a file into a new KeyWorks project in one transaction; `export_*`
//! writes a project back out.
//!
//! # From minutes to whole days
//!
//! MSPDI times are datetimes and minutes; KeyWorks keeps dates (`NaiveDate`) and durations in
//! working days of the project's calendar, start and finish both included. The import converts:
//!
//! - **Calendar.** The project calendar (`<CalendarUID>` of the project) with its base
//!   calendars resolved: a weekday works when it has working times. Dated exceptions — in
//!   `<Exceptions>` (type 1, daily over a period) or, in older files, as `<WeekDay>` of
//!   `DayType` 0 — become KeyWorks exceptions where they change whether the day works: a
//!   holiday on a working weekday, or a working day (调休) on a weekend. Exceptions that only
//!   change hours are not kept. Recurring exceptions (weekly, monthly, yearly types) and
//!   alternative work weeks are not read; the import says so in its warnings.
//! - **Dates.** A start is shown on the day it falls on, unless it is at or after the end of
//!   that day's work (17:00), or on a day off: then the next working day. A finish is shown on
//!   its day unless it is at or before the start of the day's work (08:00), or on a day off:
//!   then the previous working day. (17:00 Friday and 08:00 Monday are one instant of working
//!   time.) A zero-duration task is shown on the day of its datetime. A summary spans its
//!   children. Actual dates follow the same rules; constraint dates the start or finish rule by
//!   their kind.
//! - **Durations.** `PT#H#M#S` in minutes, divided by the file's `MinutesPerDay` (480 when
//!   absent) and rounded to whole days; a task of any positive length lasts at least one day.
//!   Summaries and elapsed durations (`DurationFormat` 4, 6, 8, …) take the working days their
//!   dates span. A milestone lasts 0 days and sits on its finish day.
//! - **Links.** `Type` 0 FF, 1 FS, 2 SF, 3 SS. `LinkLag` is in tenths of a minute: working-time
//!   `LagFormat`s (minutes … months, 3/5/7/9/11 and their estimated forms) are divided by
//!   `MinutesPerDay` and rounded; elapsed formats (4/6/8/10/12, 36…) count 1,440 minutes a day;
//!   percentage lags (19/20) are that share of the predecessor's duration. Cross-project links
//!   and links to tasks not in the file are left out, with a warning.
//! - **Constraints.** `ConstraintType` 1–7 (as late as possible, must start/finish on, start/
//!   finish no earlier/later than) are stored on the task (migration 3); 0 (as soon as
//!   possible) is no constraint.
//! - **Baselines.** Each task's `<Baseline>` with `Number` n becomes a row of the KeyWorks
//!   baseline named "Baseline" (n = 0) or "Baseline n", dated the file's `LastSaved`.
//! - **Tasks skipped.** Null rows (`IsNull` 1), blank rows (no name and no dates) and the
//!   project's own summary task (`OutlineLevel` 0). The hierarchy comes from `OutlineLevel`.
//!
//! The export writes the reverse: days as 08:00–17:00 (milestones at 08:00), durations as
//! `PT{8·days}H0M0S` with `MinutesPerDay` 480, lags as days (`LagFormat` 7), the project
//! calendar with its weekdays and its exceptions (runs of days merged), baselines by number
//! (`Baseline` 0, `Baseline n` n, other names the free numbers). Import → export → import
//! gives the same project.
//!
//! # Safety
//!
//! The reader never expands entities: a DOCTYPE is refused, as is any entity but XML's five,
//! and nesting deeper than `reader::MAX_DEPTH`. Every error names the line and column.

pub mod model;
pub mod reader;
pub mod synthetic;
pub mod writer;

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use keyworks_core::imports::project_import::{ImportOutcome, ImportProgress};
use keyworks_core::{Db, ErrorCode, Stamp};

pub use model::{Converted, ImportOptions, MspdiFile, to_project_import};
pub use reader::parse;

#[derive(Debug, thiserror::Error)]
pub enum MspdiError {
    #[error(
        "MS Project XML 文件第 {line} 行第 {column} 列格式错误（{message}）：请用 MS Project 或 ProjectLibre 重新另存为 XML 后再导入"
    )]
    Malformed {
        line: u64,
        column: u64,
        message: String,
    },
    #[error("MS Project XML 文件第 {line} 行第 {column} 列被拒绝：{reason}")]
    Refused {
        line: u64,
        column: u64,
        reason: String,
    },
    #[error(
        "MS Project XML 文件第 {line} 行第 {column} 列的 {field} 值「{value}」无效：{expected}"
    )]
    Value {
        line: u64,
        column: u64,
        field: String,
        value: String,
        expected: String,
    },
    #[error(
        "这不是 MS Project XML（MSPDI）文件：根元素为 <{root}>，应为 <Project>。请在 MS Project 中用「另存为 → XML 格式」导出"
    )]
    NotMspdi { root: String },
    #[error("无法访问文件 {path}：{source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Core(#[from] keyworks_core::Error),
}

impl MspdiError {
    pub fn code(&self) -> ErrorCode {
        match self {
            MspdiError::Malformed { .. }
            | MspdiError::Refused { .. }
            | MspdiError::Value { .. }
            | MspdiError::NotMspdi { .. } => ErrorCode::InvalidInput,
            MspdiError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                ErrorCode::NotFound
            }
            MspdiError::Io { .. } => ErrorCode::Internal,
            MspdiError::Core(e) => e.code(),
        }
    }

    /// As a core error, for faces (CLI, app) that report `keyworks_core::Error`.
    pub fn into_core(self, file: &Path) -> keyworks_core::Error {
        match self {
            MspdiError::Core(e) => e,
            MspdiError::Io { path, source } if source.kind() == std::io::ErrorKind::NotFound => {
                keyworks_core::Error::FileNotFound { path }
            }
            MspdiError::Io { path, source } => keyworks_core::Error::Io { path, source },
            other => keyworks_core::Error::InvalidInput {
                field: file.display().to_string(),
                value: String::new(),
                expected: other.to_string(),
            },
        }
    }
}

/// What an import did.
#[derive(Debug)]
pub struct ImportReport {
    pub outcome: ImportOutcome,
    /// What the file had that KeyWorks could not carry over, one sentence each.
    pub warnings: Vec<String>,
}

/// A project code from a file name: its stem, at most 32 characters.
pub fn default_code(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "IMPORT".to_owned());
    stem.chars().take(32).collect()
}

/// Parses, converts and imports MSPDI bytes as a new project, in one transaction.
pub fn import_bytes(
    db: &mut Db,
    bytes: &[u8],
    options: &ImportOptions,
    stamp: &Stamp,
    progress: &mut dyn FnMut(ImportProgress) -> ControlFlow<()>,
) -> Result<ImportReport, MspdiError> {
    let file = parse(bytes)?;
    let converted = to_project_import(&file, options)?;
    let outcome = db.import_project(&converted.import, stamp, progress)?;
    Ok(ImportReport {
        outcome,
        warnings: converted.warnings,
    })
}

/// `import_bytes` on a file.
pub fn import_file(
    db: &mut Db,
    path: &Path,
    options: &ImportOptions,
    stamp: &Stamp,
    progress: &mut dyn FnMut(ImportProgress) -> ControlFlow<()>,
) -> Result<ImportReport, MspdiError> {
    let bytes = reader::read_file(path).map_err(|source| MspdiError::Io {
        path: path.to_owned(),
        source,
    })?;
    import_bytes(db, &bytes, options, stamp, progress)
}

/// The project with this code as an MSPDI document.
pub fn export_string(db: &Db, code: &str) -> Result<String, MspdiError> {
    Ok(writer::write(&db.project_export(code)?))
}

/// Writes the project with this code to `path` as MSPDI, atomically (a temporary file beside
/// it, then a rename), so that a failed export never leaves half a file.
pub fn export_file(db: &Db, code: &str, path: &Path) -> Result<(), MspdiError> {
    let xml = export_string(db, code)?;
    keyworks_core::store::atomic_file::write_atomically(path, xml.as_bytes())?;
    Ok(())
}
