//! `keyworks import FILE` and `keyworks export CODE --format …`: files other tools read and
//! write. MS Project XML (MSPDI) is handled here; XLSX, CSV and iCalendar by `tabular_cmd`.
//! Parsing arguments and printing only: keyworks-interchange reads and writes the files and
//! keyworks-core applies an import in one transaction.

use std::io::{IsTerminal, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use keyworks_api::exports::{export_mspdi, mspdi_file_name, scope_of};
use keyworks_api::imports::{MspdiChoices, MspdiImported, import_mspdi};
use keyworks_api::progress::{Phase, Progress, ProgressSink};
use keyworks_core::{Access, Db, Error};

use crate::tabular_cmd::{self, TabularFormat, TabularOptions};

/// The formats `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// MS Project XML (MSPDI): opens in MS Project, ProjectLibre and GanttProject
    Mspdi,
    /// Excel workbook: sheets 项目, 里程碑, 周报
    Xlsx,
    /// One table as CSV (UTF-8 with BOM) — pick it with --table
    Csv,
    /// Milestones as an iCalendar file for Outlook
    Ics,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// MS Project XML (.xml, MSPDI) to create a project from, or a milestone CSV (.csv)
    pub file: PathBuf,
    /// XML: code of the new project (default: the file name, at most 32 characters)
    #[arg(long = "as", value_name = "CODE")]
    pub code: Option<String>,
    /// XML: name of the new project (default: the file's title)
    #[arg(long)]
    pub name: Option<String>,
    /// XML: category of the new project, e.g. 片区开发及基础设施
    #[arg(long, default_value = keyworks_api::imports::DEFAULT_CATEGORY)]
    pub category: String,
    /// XML: stage of the new project: 新开工 | 续建 | 建成投产
    #[arg(long, default_value = keyworks_api::imports::DEFAULT_STAGE)]
    pub stage: String,
    /// CSV: apply the changes (without it the preview is printed and nothing is written)
    #[arg(long)]
    pub apply: bool,
    /// CSV: apply only if the database is still as the preview with this fingerprint saw it
    #[arg(long, value_name = "HEX")]
    pub fingerprint: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Project code (e.g. KP21-01) or exact name; omit with --all
    pub code: Option<String>,
    /// The whole portfolio (xlsx, csv, ics)
    #[arg(long)]
    pub all: bool,
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// File to write (default: a name from the project and the date)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub tabular: TabularOptions,
}

fn is_csv(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

pub fn import(cli: &super::Cli, db_path: &Path, args: &ImportArgs) -> Result<(), Error> {
    let stamp = super::stamp(cli)?;
    if is_csv(&args.file) {
        if args.apply {
            let mut db = super::open_for_writing(cli, db_path, &stamp)?;
            tabular_cmd::import_csv_apply(
                &mut db,
                &args.file,
                args.fingerprint.as_deref(),
                &stamp,
            )?;
        } else {
            let db = Db::open_checked(db_path, Access::ReadOnly)?;
            tabular_cmd::import_csv_preview(&db, &args.file, stamp.at().date_naive())?;
        }
        return Ok(());
    }
    let choices = MspdiChoices {
        code: args.code.clone(),
        name: args.name.clone(),
        category: Some(args.category.clone()),
        stage: Some(args.stage.clone()),
    };
    let mut db = super::open_for_writing(cli, db_path, &stamp)?;
    let mut progress = TerminalLine::new();
    let imported = import_mspdi(&mut db, &args.file, &choices, &stamp, &mut progress)?;
    progress.finish();
    match imported {
        MspdiImported::Imported {
            code,
            name,
            tasks,
            milestones,
            links,
            calendar_exceptions,
            baselines,
            baseline_tasks,
            warnings,
        } => {
            println!(
                "已从 {} 导入项目 {code}「{name}」：任务 {tasks} 个（其中里程碑 {milestones} 个），依赖 {links} 条，日历例外 {calendar_exceptions} 天，基线 {baselines} 个（{baseline_tasks} 行）。",
                args.file.display(),
            );
            for w in &warnings {
                eprintln!("注意：{w}");
            }
        }
        MspdiImported::Cancelled => println!("导入已取消，数据库未作改动。"),
    }
    Ok(())
}

/// Progress as one line on a terminal, redrawn in place (at most every tenth of the way);
/// nothing when stderr is a file or a pipe, where redrawn lines would only pile up.
struct TerminalLine {
    terminal: bool,
    shown: u64,
}

impl TerminalLine {
    fn new() -> Self {
        TerminalLine {
            terminal: std::io::stderr().is_terminal(),
            shown: 0,
        }
    }

    /// Ends the line, if one was drawn.
    fn finish(&self) {
        if self.shown > 0 {
            eprintln!();
        }
    }
}

impl ProgressSink for TerminalLine {
    fn show(&mut self, p: Progress) -> ControlFlow<()> {
        if self.terminal && p.phase == Phase::Writing && p.rows_total >= 20_000 {
            let tenth = p.rows_done * 10 / p.rows_total.max(1);
            if tenth > self.shown {
                self.shown = tenth;
                eprint!("\r写入 {}/{} 行…", p.rows_done, p.rows_total);
                let _ = std::io::stderr().flush();
            }
        }
        ControlFlow::Continue(())
    }
}

pub fn export(db_path: &Path, args: &ExportArgs) -> Result<(), Error> {
    let code = scope_of(args.code.as_deref(), args.all)?;
    let tabular = match args.format {
        ExportFormat::Mspdi => {
            let Some(code) = code else {
                return Err(Error::InvalidInput {
                    field: "--all".into(),
                    value: "mspdi".into(),
                    expected: "MS Project XML 每个文件只含一个项目：请给出项目编号".into(),
                });
            };
            let db = Db::open_checked(db_path, Access::ReadOnly)?;
            let out = match &args.out {
                Some(out) => out.clone(),
                None => PathBuf::from(mspdi_file_name(&db.project_by_code(code)?.code)),
            };
            let written = export_mspdi(&db, code, &out)?;
            println!(
                "已写入 {}（MS Project XML，项目 {}，{} 个任务）。",
                out.display(),
                written.code.unwrap_or_default(),
                written.rows
            );
            return Ok(());
        }
        ExportFormat::Xlsx => TabularFormat::Xlsx,
        ExportFormat::Csv => TabularFormat::Csv,
        ExportFormat::Ics => TabularFormat::Ics,
    };
    tabular_cmd::export(db_path, code, tabular, args.out.as_deref(), &args.tabular)?;
    Ok(())
}
