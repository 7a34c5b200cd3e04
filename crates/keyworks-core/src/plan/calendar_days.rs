//! The days a project's Gantt shades: weekends, China's statutory holidays, and the make-up
//! working days (调休) that fall on weekends, from the project's own working calendar.

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::store::db::Db;

/// Longest range one request may ask for; a Gantt never shows more than a few years.
pub const MAX_CALENDAR_RANGE_DAYS: i64 = 3_660;

/// A day that is not an ordinary working weekday, or an exception to the working week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub working: bool,
    /// The holiday's name (国庆节, or the holiday a make-up day belongs to); empty for a weekend.
    pub name: String,
}

impl Db {
    /// The non-working days and make-up working days from `from` to `to` (both included) on the
    /// calendar of the project with this code, in date order. Ordinary working weekdays are
    /// left out.
    pub fn calendar_days(
        &self,
        code: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<CalendarDay>> {
        if to < from || (to - from).num_days() > MAX_CALENDAR_RANGE_DAYS {
            return Err(Error::invalid(
                "日期范围",
                format!("{from} 至 {to}"),
                &format!("结束不能早于开始，且不超过 {MAX_CALENDAR_RANGE_DAYS} 天"),
            ));
        }
        let project = self.project_by_code(code)?;
        let (_, calendar) = self.calendar_of_project(project.id)?;
        let plain = crate::plan::calendar::Calendar::with_week_pattern(&calendar.week_pattern())?;
        Ok(from
            .iter_days()
            .take_while(|d| *d <= to)
            .filter_map(|date| {
                let working = calendar.is_working_day(date);
                let named = calendar.exception_name(date);
                (!working || !plain.is_working_day(date)).then(|| CalendarDay {
                    date,
                    working,
                    name: named.unwrap_or_default().to_owned(),
                })
            })
            .collect())
    }
}
