//! The weekly report as both faces write it: the week asked for (judged as of its Sunday once
//! it is over, as of today while it runs) or the week of a day (judged as of that day), laid out
//! in the chosen language and paper, written atomically; and the monthly report of a month.

use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveDate};
use keyworks_core::Db;
use keyworks_core::week::{IsoWeek, YearMonth};
use keyworks_report::{Lang, Orientation, ReportRequest, WrittenMonthly, WrittenReport};

pub use keyworks_report::{default_file_name, monthly_file_name};

/// Which week a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportOf {
    /// This ISO week, as seen now.
    Week(IsoWeek),
    /// The week containing this day, judged as of the day.
    Day(NaiveDate),
}

/// The report's request for `of`, as seen at `now` (in the office's offset).
pub fn weekly_request(of: ReportOf, now: DateTime<FixedOffset>) -> ReportRequest {
    match of {
        ReportOf::Week(week) => ReportRequest::for_week(week, now.date_naive(), *now.offset()),
        ReportOf::Day(day) => ReportRequest::for_date(day, *now.offset()),
    }
}

/// Writes the weekly report `of` as seen at `now` to `out` (the name both faces suggest is
/// [`default_file_name`] of the request's week).
pub fn write_weekly_report(
    db: &Db,
    of: ReportOf,
    lang: Lang,
    orientation: Orientation,
    now: DateTime<FixedOffset>,
    out: &Path,
) -> keyworks_report::Result<WrittenReport> {
    let request = weekly_request(of, now);
    keyworks_report::write_weekly_pdf(db, &request, lang, orientation, now, out)
}

/// Writes the monthly report of `month` to `out`, overdue milestones judged on `as_of` (at most
/// the month's last day), stamped as generated `now`.
pub fn write_monthly_report(
    db: &Db,
    month: YearMonth,
    as_of: NaiveDate,
    lang: Lang,
    orientation: Orientation,
    now: DateTime<FixedOffset>,
    out: &Path,
) -> keyworks_report::Result<WrittenMonthly> {
    keyworks_report::write_monthly_pdf(db, month, as_of, lang, orientation, now, out)
}
