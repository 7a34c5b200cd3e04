//! `keyworks report weekly`: the weekly milestone report as a PDF to print and file.

use std::path::{Path, PathBuf};

use chrono::Local;
use clap::{Args, Subcommand, ValueEnum};
use keyworks_core::week::{IsoWeek, parse_date};
use keyworks_core::{Access, Db, Error};
use keyworks_report::{Lang, Orientation, ReportRequest};

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
        .unwrap_or_else(|| PathBuf::from(keyworks_report::default_file_name(request.week)));
    let lang = match args.lang {
        LangArg::Zh => Lang::Zh,
        LangArg::En => Lang::En,
    };
    let orientation = if args.landscape {
        Orientation::Landscape
    } else {
        Orientation::Portrait
    };

    let db = Db::open_checked(db_path, Access::ReadOnly)?;
    let written = keyworks_report::write_weekly_pdf(&db, &request, lang, orientation, now, &out)?;
    println!(
        "已生成 {}：{} {} 周报，截至 {}，共 {} 页，{} KB。",
        written.path.display(),
        written.portfolio,
        written.week,
        written.as_of,
        written.pages,
        written.bytes.div_ceil(1024)
    );
    Ok(())
}
