//! `keyworks import FILE` and `keyworks export CODE --format …`: files other tools read and
//! write. MS Project XML (MSPDI) is handled here; XLSX, CSV and iCalendar by `tabular_cmd`.
//! Parsing arguments and printing only: keyworks-interchange reads and writes the files and
//! keyworks-core applies an import in one transaction.

use std::io::Write;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use keyworks_core::imports::project_import::{ImportOutcome, ImportProgress};
use keyworks_core::model::{Category, Stage};
use keyworks_core::{Access, Db, Error};
use keyworks_interchange::mspdi::{self, ImportOptions};

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
    #[arg(long, default_value = "片区开发及基础设施")]
    pub category: String,
    /// XML: stage of the new project: 新开工 | 续建 | 建成投产
    #[arg(long, default_value = "续建")]
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
    let options = ImportOptions {
        code: args
            .code
            .clone()
            .unwrap_or_else(|| mspdi::default_code(&args.file)),
        name: args.name.clone(),
        category: Category::parse("--category", &args.category)?,
        stage: Stage::parse("--stage", &args.stage)?,
        today: stamp.at().date_naive(),
    };
    let mut db = super::open_for_writing(cli, db_path, &stamp)?;
    // Large files: a line on stderr every tenth of the way.
    let mut shown = 0u64;
    let mut progress = |p: ImportProgress| {
        if p.rows_total >= 20_000 {
            let tenth = p.rows_done * 10 / p.rows_total.max(1);
            if tenth > shown {
                shown = tenth;
                eprint!("\r写入 {}/{} 行…", p.rows_done, p.rows_total);
                let _ = std::io::stderr().flush();
            }
        }
        ControlFlow::Continue(())
    };
    let report = mspdi::import_file(&mut db, &args.file, &options, &stamp, &mut progress)
        .map_err(|e| e.into_core(&args.file))?;
    if shown > 0 {
        eprintln!();
    }
    match report.outcome {
        ImportOutcome::Imported(s) => {
            println!(
                "已从 {} 导入项目 {}「{}」：任务 {} 个（其中里程碑 {} 个），依赖 {} 条，日历例外 {} 天，基线 {} 个（{} 行）。",
                args.file.display(),
                s.project.code,
                s.project.name,
                s.tasks,
                s.milestones,
                s.links,
                s.calendar_exceptions,
                s.baselines,
                s.baseline_tasks
            );
        }
        ImportOutcome::Cancelled => println!("导入已取消，数据库未作改动。"),
    }
    for w in &report.warnings {
        eprintln!("注意：{w}");
    }
    Ok(())
}

pub fn export(db_path: &Path, args: &ExportArgs) -> Result<(), Error> {
    let code = match (&args.code, args.all) {
        (Some(_), true) => {
            return Err(Error::InvalidInput {
                field: "--all".into(),
                value: args.code.clone().unwrap_or_default(),
                expected: "项目编号与 --all 只能给出其一".into(),
            });
        }
        (None, false) => {
            return Err(Error::InvalidInput {
                field: "项目编号".into(),
                value: String::new(),
                expected: "请给出项目编号，或用 --all 导出全部项目".into(),
            });
        }
        (code, _) => code.as_deref(),
    };
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
            let project = db.project_by_code(code)?;
            let out = args
                .out
                .clone()
                .unwrap_or_else(|| PathBuf::from(format!("{}.xml", project.code)));
            mspdi::export_file(&db, &project.code, &out).map_err(|e| e.into_core(&out))?;
            let tasks = db.tasks_of(project.id)?.len();
            println!(
                "已写入 {}（MS Project XML，项目 {}，{} 个任务）。",
                out.display(),
                project.code,
                tasks
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
