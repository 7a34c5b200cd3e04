//! `keyworks report weekly`: the weekly milestone report as a PDF to print and file.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::Local;
use clap::{Args, Subcommand, ValueEnum};
use keyworks_core::week::{IsoWeek, parse_date};
use keyworks_core::{Access, Db, Error};
use keyworks_report::{Lang, LayoutOptions, Orientation, ReportRequest};

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Weekly milestone report as PDF: summary, one section per project, overdue
    /// milestones and the week's change log
    Weekly(WeeklyArgs),
}

#[derive(Debug, Args)]
pub struct WeeklyArgs {
    /// ISO week, e.g. 2021-W23, judged as of its Sunday once it is over (default: this week)
    #[arg(long, conflicts_with = "as_of")]
    week: Option<String>,
    /// Report on the week containing this date, judged as of this date, e.g. 2021-06-11
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// Where to write the PDF (default: 周报-<week>.pdf in the current directory; replaced if it exists)
    #[arg(long, value_name = "FILE.pdf")]
    out: Option<PathBuf>,
    /// A4 landscape instead of portrait
    #[arg(long)]
    landscape: bool,
    /// Language of the labels (project data is printed as entered)
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    Zh,
    En,
}

/// A failure to build or lay out the report: the database's own errors as they are, a
/// layout failure as the program fault it is.
fn report_error(e: keyworks_report::Error) -> Error {
    match e {
        keyworks_report::Error::Core(e) => e,
        keyworks_report::Error::Pdf(msg) => Error::Internal(format!("生成 PDF 失败：{msg}")),
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so that
/// a failure part-way leaves the old report (or nothing), never half a PDF.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report.pdf".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        // The temporary file is ours and incomplete; the target was not touched.
        let _ = std::fs::remove_file(&tmp);
        return Err(io(e));
    }
    Ok(())
}

pub fn run(db_path: &Path, command: &ReportCommand) -> Result<(), Error> {
    let ReportCommand::Weekly(args) = command;
    let now = Local::now().fixed_offset();
    let offset = *now.offset();
    let request = match (&args.week, &args.as_of) {
        (Some(w), _) => {
            ReportRequest::for_week(IsoWeek::parse("--week", w)?, now.date_naive(), offset)
        }
        (None, Some(d)) => ReportRequest::for_date(parse_date("--as-of", d)?, offset),
        (None, None) => ReportRequest::for_date(now.date_naive(), offset),
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("周报-{}.pdf", request.week)));

    let db = Db::open_checked(db_path, Access::ReadOnly)?;
    let report = keyworks_report::build(&db, &request).map_err(report_error)?;
    drop(db);

    let opts = LayoutOptions {
        lang: match args.lang {
            LangArg::Zh => Lang::Zh,
            LangArg::En => Lang::En,
        },
        orientation: if args.landscape {
            Orientation::Landscape
        } else {
            Orientation::Portrait
        },
        generated_at: now,
        source_file: db_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| db_path.display().to_string()),
    };
    let doc = keyworks_report::layout(&report, &opts).map_err(report_error)?;
    let bytes = keyworks_report::to_pdf(&doc, now).map_err(report_error)?;
    write_atomically(&out, &bytes)?;
    println!(
        "已生成 {}：{} {} 周报，截至 {}，共 {} 页，{} KB。",
        out.display(),
        report.portfolio.name,
        report.week,
        report.as_of,
        doc.pages.len(),
        bytes.len().div_ceil(1024)
    );
    Ok(())
}
