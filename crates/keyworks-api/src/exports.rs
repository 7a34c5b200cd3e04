//! Exports for other tools, as both faces write them: the portfolio or one project as an Excel
//! workbook, one table as CSV, the milestones as iCalendar, a project as MS Project XML; with
//! the file names both faces suggest. Tables and files are made by keyworks-interchange; the
//! bytes are written atomically by the core.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use keyworks_core::store::atomic_file::write_atomically;
use keyworks_core::week::YearMonth;
use keyworks_core::{Db, Error, Result};
use keyworks_interchange::ical::{IcsRequest, calendar_text};
use keyworks_interchange::mspdi;
use keyworks_interchange::tabular::{Lang, Scope, TableKind, gather, milestones_of};
use keyworks_interchange::upward_sheet::{UpwardSheet, upward_sheet_bytes};
use keyworks_interchange::{csv_export, xlsx};
use serde::{Deserialize, Serialize};

/// The files a table export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum TableExport {
    /// Excel workbook: sheets 项目, 里程碑, 周报, 前期手续, 问题台账
    Workbook,
    /// One row per project (项目), as CSV
    ProjectCsv,
    /// One row per milestone (里程碑): the table 导入里程碑（CSV） and `keyworks import FILE.csv`
    /// read back
    MilestoneCsv,
    /// One row per weekly update (周报), as CSV
    UpdateCsv,
    /// One row per approval item (前期手续), as CSV
    ApprovalCsv,
    /// The problem ledger (问题台账), as CSV
    ProblemCsv,
    /// Milestones as an iCalendar file for Outlook
    MilestoneCalendar,
    /// 重点项目建设进展情况表: the month's investment and progress table sent upward (Excel)
    MonthlySheet,
}

impl TableExport {
    /// The file type's name and extension, for save dialogs.
    pub fn file_type(self) -> (&'static str, &'static str) {
        match self {
            TableExport::Workbook | TableExport::MonthlySheet => ("Excel", "xlsx"),
            TableExport::ProjectCsv
            | TableExport::MilestoneCsv
            | TableExport::UpdateCsv
            | TableExport::ApprovalCsv
            | TableExport::ProblemCsv => ("CSV", "csv"),
            TableExport::MilestoneCalendar => ("iCalendar", "ics"),
        }
    }

    /// `重点项目-全部-2021-06-11.xlsx`, `里程碑-KP21-01-2021-06-11.csv`, …: what both faces
    /// suggest for project `code` (the whole portfolio when none) as of `as_of`.
    pub fn file_name(self, code: Option<&str>, as_of: NaiveDate) -> String {
        let what = match self {
            TableExport::Workbook => "重点项目",
            TableExport::ProjectCsv => "项目",
            TableExport::MilestoneCsv => "里程碑",
            TableExport::UpdateCsv => "周报",
            TableExport::ApprovalCsv => "前期手续",
            TableExport::ProblemCsv => "问题台账",
            TableExport::MilestoneCalendar => "里程碑日历",
            TableExport::MonthlySheet => "重点项目建设进展情况表",
        };
        format!(
            "{what}-{}-{as_of}.{}",
            code.unwrap_or("全部"),
            self.file_type().1
        )
    }
}

/// What to export: project `code` (the whole portfolio when none), milestones overdue as of
/// `as_of`, headers and status words in `lang`, the file stamped `now`.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRequest {
    pub code: Option<String>,
    pub what: TableExport,
    pub lang: Lang,
    pub as_of: NaiveDate,
    /// The monthly sheet's month (default: the latest month recorded, else the one before
    /// `as_of`'s); other exports ignore it.
    pub month: Option<YearMonth>,
    pub now: DateTime<Utc>,
}

/// A file an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The project's code as stored (a name given for it resolved), none for the portfolio.
    pub code: Option<String>,
    /// Data rows written (all sheets of a workbook; events of a calendar; tasks of a project).
    pub rows: usize,
}

/// Writes the table export `request` asks for to `out`, atomically.
pub fn export_table(db: &Db, request: &TableRequest, out: &Path) -> Result<Written> {
    let scope = match &request.code {
        Some(c) => Scope::Project(db.project_by_code(c)?.code),
        None => Scope::Portfolio,
    };
    let (lang, as_of, now) = (request.lang, request.as_of, request.now);
    let one_table = |kind: TableKind| -> Result<(Vec<u8>, usize)> {
        let tables = gather(db, &scope, as_of, lang)?;
        let table = tables.get(kind);
        Ok((csv_export::csv_bytes(table, lang)?, table.rows.len()))
    };
    let (bytes, rows) = match request.what {
        TableExport::Workbook => {
            let tables = gather(db, &scope, as_of, lang)?;
            let rows = TableKind::ALL
                .iter()
                .map(|k| tables.get(*k).rows.len())
                .sum::<usize>();
            (xlsx::workbook_bytes(&tables, lang, now)?, rows)
        }
        TableExport::ProjectCsv => one_table(TableKind::Projects)?,
        TableExport::MilestoneCsv => one_table(TableKind::Milestones)?,
        TableExport::UpdateCsv => one_table(TableKind::Updates)?,
        TableExport::ApprovalCsv => one_table(TableKind::Approvals)?,
        TableExport::ProblemCsv => one_table(TableKind::Problems)?,
        TableExport::MonthlySheet => {
            if let Scope::Project(code) = &scope {
                return Err(Error::InvalidInput {
                    field: "项目".into(),
                    value: code.clone(),
                    expected: "进展情况表包含全部项目：请用 --all 导出".into(),
                });
            }
            let month = match request.month {
                Some(m) => m,
                None => db.supervision_month(as_of)?,
            };
            let sheet = UpwardSheet::gather(db, month, as_of)?;
            (upward_sheet_bytes(&sheet, now)?, sheet.rows.len())
        }
        TableExport::MilestoneCalendar => {
            let milestones = milestones_of(db, &scope, as_of)?;
            let name = match &scope {
                Scope::Project(c) => db.project_by_code(c)?.name,
                Scope::Portfolio => db.portfolio()?.name,
            };
            let request = IcsRequest {
                dtstamp: now,
                calendar_name: match lang {
                    Lang::Zh => format!("{name} 里程碑"),
                    Lang::En => format!("{name} milestones"),
                },
                lang,
            };
            (
                calendar_text(&milestones, &request).into_bytes(),
                milestones.len(),
            )
        }
    };
    write_atomically(out, &bytes)?;
    Ok(Written {
        code: match scope {
            Scope::Project(c) => Some(c),
            Scope::Portfolio => None,
        },
        rows,
    })
}

/// `KP21-01.xml`: the name both faces suggest for a project's MS Project file.
pub fn mspdi_file_name(code: &str) -> String {
    format!("{code}.xml")
}

/// Writes project `code` (or exact name) as MS Project XML (MSPDI) to `out`, atomically; the
/// rows are its tasks.
pub fn export_mspdi(db: &Db, code: &str, out: &Path) -> Result<Written> {
    let project = db.project_by_code(code)?;
    mspdi::export_file(db, &project.code, out).map_err(|e| e.into_core(out))?;
    let rows = db.tasks_of(project.id)?.len();
    Ok(Written {
        code: Some(project.code),
        rows,
    })
}

/// A project code and `--all` are exclusive, and one of them is needed: the CLI's arguments
/// and the app's buttons both come down to this scope.
pub fn scope_of(code: Option<&str>, all: bool) -> Result<Option<&str>> {
    match (code, all) {
        (Some(c), true) => Err(Error::InvalidInput {
            field: "--all".into(),
            value: c.to_owned(),
            expected: "项目编号与 --all 只能给出其一".into(),
        }),
        (None, false) => Err(Error::InvalidInput {
            field: "项目编号".into(),
            value: String::new(),
            expected: "请给出项目编号，或用 --all 导出全部项目".into(),
        }),
        (code, _) => Ok(code),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn files_are_named_the_same_by_both_faces() {
        let day = NaiveDate::from_ymd_opt(2021, 6, 11).unwrap();
        assert_eq!(
            TableExport::Workbook.file_name(None, day),
            "重点项目-全部-2021-06-11.xlsx"
        );
        assert_eq!(
            TableExport::MilestoneCsv.file_name(Some("KP21-01"), day),
            "里程碑-KP21-01-2021-06-11.csv"
        );
        assert_eq!(
            TableExport::MilestoneCalendar.file_name(Some("KP21-01"), day),
            "里程碑日历-KP21-01-2021-06-11.ics"
        );
        assert_eq!(
            TableExport::UpdateCsv.file_name(None, day),
            "周报-全部-2021-06-11.csv"
        );
        assert_eq!(mspdi_file_name("KP21-01"), "KP21-01.xml");
    }

    #[test]
    fn an_export_names_its_project_by_its_code_and_counts_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let at = chrono::DateTime::parse_from_rfc3339("2021-06-11T09:00:00+08:00").unwrap();
        let path = dir.path().join("k.sqlite");
        let db = Db::create_seeded(&path, &keyworks_core::Stamp::new("测试", at).unwrap()).unwrap();
        let out = dir.path().join("x.csv");
        let request = TableRequest {
            code: Some("安置房".into()),
            what: TableExport::MilestoneCsv,
            lang: Lang::Zh,
            as_of: at.date_naive(),
            month: None,
            now: at.to_utc(),
        };
        let written = export_table(&db, &request, &out).unwrap();
        assert_eq!(written.code.as_deref(), Some("KP21-06"));
        assert!(written.rows > 0);
        assert!(
            std::fs::read(&out)
                .unwrap()
                .starts_with("\u{feff}".as_bytes())
        );
        assert!(scope_of(Some("KP21-01"), true).is_err());
        assert!(scope_of(None, false).is_err());
    }
}
