//! `keyworks report weekly|monthly`: the weekly milestone report and the monthly investment
//! and progress report as PDFs to print and file.

use std::path::{Path, PathBuf};

use chrono::Local;
use clap::{Args, Subcommand, ValueEnum};
use keyworks_api::reports::{
    ReportOf, default_file_name, monthly_file_name, weekly_request, write_monthly_report,
    write_weekly_report,
};
use keyworks_core::week::{IsoWeek, YearMonth, parse_date};
use keyworks_core::{Access, Db, Error};
use keyworks_report::{Lang, Orientation};

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Weekly milestone report as PDF: summary, one section per project, overdue
    /// milestones and the week's change log
    Weekly(WeeklyArgs),
    /// Monthly investment and progress report as PDF: the portfolio's investment against
    /// 序时进度 and its warnings, every project, a page per leader, the month's milestones
    Monthly(MonthlyArgs),
}

#[derive(Debug, Args)]
pub struct MonthlyArgs {
    /// The month, e.g. 2021-05 (default: the latest month recorded)
    #[arg(long)]
    month: Option<String>,
    /// Judge overdue milestones on this date (default: today; at most the month's last day)
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    #[command(flatten)]
    print: PrintArgs,
}

#[derive(Debug, Args)]
pub struct WeeklyArgs {
    /// ISO week, e.g. 2021-W23, judged as of its Sunday once it is over (default: this week)
    #[arg(long, conflicts_with = "as_of")]
    week: Option<String>,
    /// Report on the week containing this date, judged as of this date, e.g. 2021-06-11
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    #[command(flatten)]
    print: PrintArgs,
}

/// How a report is printed, the same for every report.
#[derive(Debug, Args)]
pub struct PrintArgs {
    /// Where to write the PDF (default: 周报-<week>.pdf or 月报-<month>.pdf in the current
    /// directory; replaced if it exists)
    #[arg(long, value_name = "FILE.pdf")]
    out: Option<PathBuf>,
    /// A4 landscape instead of portrait
    #[arg(long)]
    landscape: bool,
    /// Language of the labels (project data is printed as entered)
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
}

impl PrintArgs {
    fn orientation(&self) -> Orientation {
        if self.landscape {
            Orientation::Landscape
        } else {
            Orientation::Portrait
        }
    }
}

/// `--lang zh|en` of every command that writes words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    Zh,
    En,
}

impl From<LangArg> for Lang {
    fn from(arg: LangArg) -> Lang {
        match arg {
            LangArg::Zh => Lang::Zh,
            LangArg::En => Lang::En,
        }
    }
}

pub fn run(db_path: &Path, command: &ReportCommand) -> Result<(), Error> {
    let args = match command {
        ReportCommand::Weekly(args) => args,
        ReportCommand::Monthly(args) => return monthly(db_path, args),
    };
    let now = Local::now().fixed_offset();
    let of = match (&args.week, &args.as_of) {
        (Some(w), _) => ReportOf::Week(IsoWeek::parse("--week", w)?),
        (None, Some(d)) => ReportOf::Day(parse_date("--as-of", d)?),
        (None, None) => ReportOf::Day(now.date_naive()),
    };
    let out = args
        .print
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(default_file_name(weekly_request(of, now).week)));
    let lang = Lang::from(args.print.lang);
    let orientation = args.print.orientation();

    let db = Db::open_checked(db_path, Access::ReadOnly)?;
    let written = write_weekly_report(&db, of, lang, orientation, now, &out)?;
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

fn monthly(db_path: &Path, args: &MonthlyArgs) -> Result<(), Error> {
    let now = Local::now().fixed_offset();
    let as_of = match &args.as_of {
        Some(d) => parse_date("--as-of", d)?,
        None => now.date_naive(),
    };
    let db = Db::open_checked(db_path, Access::ReadOnly)?;
    let month = match &args.month {
        Some(m) => YearMonth::parse("--month", m)?,
        None => db.supervision_month(as_of)?,
    };
    let out = args
        .print
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(monthly_file_name(month)));
    let orientation = args.print.orientation();
    let written = write_monthly_report(
        &db,
        month,
        as_of,
        Lang::from(args.print.lang),
        orientation,
        now,
        &out,
    )?;
    println!(
        "已生成 {}：{} {} 月报，截至 {}，共 {} 页，{} KB。",
        written.path.display(),
        written.portfolio,
        written.month,
        written.as_of,
        written.pages,
        written.bytes.div_ceil(1024)
    );
    Ok(())
}
