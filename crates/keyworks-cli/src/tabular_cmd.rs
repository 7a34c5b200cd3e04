//! `keyworks export … --format xlsx|csv|ics` and `keyworks import FILE.csv [--apply]`:
//! the Excel and Outlook formats. Parsing arguments and printing only; the files are made by
//! keyworks-interchange and the import is planned and applied by keyworks-core.
//!
//! Called from `interchange_cmd` (the `import`/`export` subcommands), with these entry points:
//!
//! ```text
//! export(db_path, code: Option<&str> /* None = --all */, TabularFormat::{Xlsx|Csv|Ics},
//!        out: Option<&Path>, &TabularOptions /* flattened: --table portfolio|milestones|updates,
//!        --lang zh|en, --as-of DATE */) -> Result<PathBuf, Error>
//! import_csv_preview(&Db /* read-only */, file, today) -> Result<ImportPreview, Error>
//! import_csv_apply(&mut Db /* open_for_writing */, file, fingerprint: Option<&str>, &Stamp)
//! ```
//!
//! Without `--apply` the preview is printed and nothing is written; its last line gives the
//! command that applies exactly that preview (`--apply --fingerprint <16 hex>`). With
//! `--apply` the preview is printed and then applied in one transaction; with `--fingerprint`
//! it is applied only if the database is still as that earlier preview saw it. A file with
//! any row problem is refused whole (exit code 2).

use std::path::{Path, PathBuf};

use chrono::{Local, NaiveDate, Utc};
use clap::{Args, ValueEnum};
use keyworks_api::exports::{TableExport, TableRequest, export_table};
use keyworks_api::imports::read_milestone_sheet;
use keyworks_core::imports::milestone_import::{ImportPreview, MilestoneSheet, PlannedChange};
use keyworks_core::week::{YearMonth, parse_date};
use keyworks_core::{Access, Db, Error, Stamp};
use keyworks_interchange::csv_import::ReadCsv;

use crate::report_cmd::LangArg;
use crate::table::{Align, Table};

/// The formats this module writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TabularFormat {
    /// Excel workbook: sheets 项目, 里程碑, 周报, 前期手续, 问题台账
    Xlsx,
    /// One table as CSV (UTF-8 with BOM) — pick it with --table
    Csv,
    /// Milestones as an iCalendar file for Outlook
    Ics,
}

/// Which table a CSV export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CsvTable {
    /// One row per project (项目)
    Portfolio,
    /// One row per milestone (里程碑) — the table `keyworks import FILE.csv` reads back
    Milestones,
    /// One row per weekly update (周报)
    Updates,
    /// One row per approval item (前期手续), with its working-day clocks
    Approvals,
    /// The problem ledger (问题台账), with age and days late in working days
    Problems,
    /// XLSX only: 重点项目建设进展情况表, the month's investment and progress table sent
    /// upward (pick the month with --month)
    Monthly,
}

/// The export a format and a table name.
fn export_of(format: TabularFormat, table: CsvTable) -> Result<TableExport, Error> {
    Ok(match (format, table) {
        (TabularFormat::Xlsx, CsvTable::Monthly) => TableExport::MonthlySheet,
        (TabularFormat::Xlsx, _) => TableExport::Workbook,
        (TabularFormat::Ics, _) => TableExport::MilestoneCalendar,
        (TabularFormat::Csv, CsvTable::Portfolio) => TableExport::ProjectCsv,
        (TabularFormat::Csv, CsvTable::Milestones) => TableExport::MilestoneCsv,
        (TabularFormat::Csv, CsvTable::Updates) => TableExport::UpdateCsv,
        (TabularFormat::Csv, CsvTable::Approvals) => TableExport::ApprovalCsv,
        (TabularFormat::Csv, CsvTable::Problems) => TableExport::ProblemCsv,
        (TabularFormat::Csv, CsvTable::Monthly) => {
            return Err(Error::InvalidInput {
                field: "--table".into(),
                value: "monthly".into(),
                expected: "进展情况表只有 Excel 格式：请用 --format xlsx".into(),
            });
        }
    })
}

/// Options of `export` for the tabular formats (flatten into the export command).
#[derive(Debug, Clone, Args)]
pub struct TabularOptions {
    /// CSV only: which table to write
    #[arg(long, value_enum, default_value_t = CsvTable::Milestones)]
    pub table: CsvTable,
    /// Language of headers, sheet names and status words (project data is written as entered)
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    pub lang: LangArg,
    /// Date that decides which milestones are overdue (default: today), e.g. 2021-06-11
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// --table monthly: the month, e.g. 2021-05 (default: the latest month recorded)
    #[arg(long)]
    pub month: Option<String>,
}

/// Writes the export and prints where; returns the file written. `code` None is the
/// whole portfolio (`--all`).
pub fn export(
    db_path: &Path,
    code: Option<&str>,
    format: TabularFormat,
    out: Option<&Path>,
    options: &TabularOptions,
) -> Result<PathBuf, Error> {
    let db = Db::open_checked(db_path, Access::ReadOnly)?;
    let as_of = match &options.as_of {
        Some(t) => parse_date("--as-of", t)?,
        None => Local::now().date_naive(),
    };
    let what = export_of(format, options.table)?;
    let month = options
        .month
        .as_deref()
        .map(|m| YearMonth::parse("--month", m))
        .transpose()?;
    // The file is named after the project's code, also when a name was given for it.
    let code = match code {
        Some(c) => Some(db.project_by_code(c)?.code),
        None => None,
    };
    let out = out
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(what.file_name(code.as_deref(), as_of)));
    let request = TableRequest {
        code,
        what,
        lang: options.lang.into(),
        as_of,
        month,
        now: Utc::now(),
    };
    let written = export_table(&db, &request, &out)?;
    println!("已写入 {}（{} 行数据）。", out.display(), written.rows);
    Ok(out)
}

fn read_file(file: &Path) -> Result<ReadCsv, Error> {
    read_milestone_sheet(file)
}

fn print_preview(file: &Path, read: &ReadCsv, preview: &ImportPreview) {
    println!(
        "{}（{}）：新增 {} 个里程碑，修改 {} 个，未变 {} 个，问题 {} 处。",
        file.display(),
        read.encoding.label(),
        preview.new_count(),
        preview.update_count(),
        preview.unchanged_count(),
        preview.problems.len()
    );
    let mut table = Table::new(&[
        ("行", Align::Right),
        ("编号", Align::Right),
        ("项目", Align::Left),
        ("里程碑", Align::Left),
        ("变化", Align::Left),
    ]);
    for row in &preview.rows {
        let change = match &row.change {
            PlannedChange::Unchanged => continue,
            PlannedChange::New { due, done, note } => {
                let mut s = format!("新增，到期 {due}");
                if let Some(d) = done {
                    s.push_str(&format!("；{d} 完成"));
                }
                if !note.is_empty() {
                    s.push_str(&format!("（{note}）"));
                }
                s
            }
            PlannedChange::Update { due, done } => {
                let mut parts = Vec::new();
                if let Some(c) = due {
                    parts.push(format!("到期 {} → {}", c.from, c.to));
                }
                if let Some(c) = done {
                    let mut s = match c.from {
                        Some(f) => format!("完成 {f} → {}", c.to),
                        None => format!("标记完成 {}", c.to),
                    };
                    if !c.note.is_empty() {
                        s.push_str(&format!("（{}）", c.note));
                    }
                    parts.push(s);
                }
                parts.join("；")
            }
        };
        table.row(vec![
            row.line.to_string(),
            row.task_id.map(|t| t.to_string()).unwrap_or_default(),
            row.project_code.clone(),
            row.name.clone(),
            change,
        ]);
    }
    if preview.new_count() + preview.update_count() > 0 {
        print!("{}", table.render());
    }
    for p in &preview.problems {
        println!("问题：{p}");
    }
}

fn refuse_problems(preview: &ImportPreview) -> Result<(), Error> {
    match preview.problems.first() {
        Some(first) => Err(Error::ImportHasProblems {
            count: preview.problems.len(),
            first: first.to_string(),
        }),
        None => Ok(()),
    }
}

fn short(fingerprint: &str) -> &str {
    fingerprint.get(..16).unwrap_or(fingerprint)
}

/// `keyworks import FILE.csv`: prints what importing would change; writes nothing.
/// `today` is the latest completion date accepted. Err when any row has a problem.
pub fn import_csv_preview(db: &Db, file: &Path, today: NaiveDate) -> Result<ImportPreview, Error> {
    let read = read_file(file)?;
    let preview = db.plan_milestone_import(&read.sheet, today)?;
    print_preview(file, &read, &preview);
    refuse_problems(&preview)?;
    if preview.new_count() + preview.update_count() == 0 {
        println!("文件与数据库一致，无需导入。");
    } else {
        println!(
            "以上为预览，尚未写入。确认后运行：keyworks import {} --apply --fingerprint {}",
            file.display(),
            short(&preview.fingerprint)
        );
    }
    Ok(preview)
}

/// `keyworks import FILE.csv --apply [--fingerprint HEX]`: prints the preview and applies it
/// in one transaction. With `expected`, refuses unless the database is still as the earlier
/// preview with that fingerprint (or its first 8+ hex digits) saw it.
pub fn import_csv_apply(
    db: &mut Db,
    file: &Path,
    expected: Option<&str>,
    stamp: &Stamp,
) -> Result<(), Error> {
    let read = read_file(file)?;
    let sheet: &MilestoneSheet = &read.sheet;
    let preview = db.plan_milestone_import(sheet, stamp.at().date_naive())?;
    print_preview(file, &read, &preview);
    if let Some(e) = expected {
        let e = e.trim().to_ascii_lowercase();
        if e.len() < 8 {
            return Err(Error::InvalidInput {
                field: "--fingerprint".into(),
                value: e,
                expected: "至少 8 位，照抄预览最后一行给出的值".into(),
            });
        }
        if !preview.fingerprint.starts_with(&e) {
            return Err(Error::ImportOutdated);
        }
    }
    refuse_problems(&preview)?;
    let outcome = db.apply_milestone_import(sheet, &preview.fingerprint, stamp)?;
    println!(
        "已导入：新增 {} 个里程碑，修改 {} 个，未变 {} 个（作者 {}）。",
        outcome.created.len(),
        outcome.updated.len(),
        outcome.unchanged,
        stamp.author()
    );
    Ok(())
}
