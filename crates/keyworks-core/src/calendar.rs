//! Working calendars: a working week plus dated exceptions, and China's official
//! holiday arrangements (法定节假日与调休), built in from the holiday-cn data set.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use rusqlite::{Transaction, params};

use crate::change_log::{Stamp, record};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::ids::CalendarId;
use crate::model::{CalendarExceptionRow, CalendarRow, DayKind};

/// Name of the built-in calendar that every seeded project uses.
pub const CHINA_CALENDAR_NAME: &str = "中国法定工作日历";

/// China's arrangements 2015–2026 as published by the State Council, from
/// holiday-cn (MIT, see assets/holiday-cn/LICENSE).
const BUILTIN_CHINA_YEARS: &[(&str, &str)] = &[
    (
        "2015.json",
        include_str!("../../../assets/holiday-cn/2015.json"),
    ),
    (
        "2016.json",
        include_str!("../../../assets/holiday-cn/2016.json"),
    ),
    (
        "2017.json",
        include_str!("../../../assets/holiday-cn/2017.json"),
    ),
    (
        "2018.json",
        include_str!("../../../assets/holiday-cn/2018.json"),
    ),
    (
        "2019.json",
        include_str!("../../../assets/holiday-cn/2019.json"),
    ),
    (
        "2020.json",
        include_str!("../../../assets/holiday-cn/2020.json"),
    ),
    (
        "2021.json",
        include_str!("../../../assets/holiday-cn/2021.json"),
    ),
    (
        "2022.json",
        include_str!("../../../assets/holiday-cn/2022.json"),
    ),
    (
        "2023.json",
        include_str!("../../../assets/holiday-cn/2023.json"),
    ),
    (
        "2024.json",
        include_str!("../../../assets/holiday-cn/2024.json"),
    ),
    (
        "2025.json",
        include_str!("../../../assets/holiday-cn/2025.json"),
    ),
    (
        "2026.json",
        include_str!("../../../assets/holiday-cn/2026.json"),
    ),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarException {
    pub date: NaiveDate,
    pub kind: DayKind,
    pub name: String,
}

/// One year of official arrangements in holiday-cn's JSON format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayYear {
    pub year: i32,
    pub days: Vec<CalendarException>,
}

#[derive(Deserialize)]
struct HolidayFile {
    year: i32,
    #[allow(dead_code)] // required by the format; not used
    papers: Vec<String>,
    days: Vec<HolidayDay>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HolidayDay {
    name: String,
    date: String,
    is_off_day: bool,
}

/// Parses one holiday-cn year file. `source` names it in errors.
pub fn parse_holiday_year(source: &str, json: &str) -> Result<HolidayYear> {
    let file: HolidayFile = serde_json::from_str(json).map_err(|e| {
        Error::invalid(
            source,
            format!("第 {} 行第 {} 列", e.line(), e.column()),
            &format!("应为 holiday-cn 格式的 JSON（year、papers、days）：{e}"),
        )
    })?;
    let mut days = Vec::with_capacity(file.days.len());
    for (i, d) in file.days.into_iter().enumerate() {
        let date = NaiveDate::parse_from_str(&d.date, "%Y-%m-%d").map_err(|_| {
            Error::invalid(
                &format!("{source} days[{i}].date"),
                d.date.clone(),
                "应为日期，如 2021-10-01",
            )
        })?;
        // A year's New Year arrangement may reach into the year before (2019.json lists the
        // make-up Saturday 2018-12-29), so the neighbouring years are allowed.
        if (date.year() - file.year).abs() > 1 {
            return Err(Error::invalid(
                &format!("{source} days[{i}].date"),
                d.date,
                &format!("应在文件所属年份 {} 或相邻年份内", file.year),
            ));
        }
        let kind = if d.is_off_day {
            DayKind::Holiday
        } else {
            DayKind::Workday
        };
        days.push(CalendarException {
            date,
            kind,
            name: d.name,
        });
    }
    Ok(HolidayYear {
        year: file.year,
        days,
    })
}

/// The official arrangements shipped with KeyWorks.
pub fn builtin_china_years() -> Result<Vec<HolidayYear>> {
    BUILTIN_CHINA_YEARS
        .iter()
        .map(|(name, json)| parse_holiday_year(name, json).map_err(|e| Error::Seed(e.to_string())))
        .collect()
}

/// A working week (Monday first) with dated exceptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    working_week: [bool; 7],
    exceptions: BTreeMap<NaiveDate, DayKind>,
    exception_names: BTreeMap<NaiveDate, String>,
}

impl Calendar {
    /// Monday to Friday, no exceptions.
    pub fn standard() -> Self {
        Calendar {
            working_week: [true, true, true, true, true, false, false],
            exceptions: BTreeMap::new(),
            exception_names: BTreeMap::new(),
        }
    }

    /// Monday to Friday with China's official holidays and make-up working days.
    pub fn china() -> Result<Self> {
        let mut c = Calendar::standard();
        for year in builtin_china_years()? {
            for d in year.days {
                c.set_named_exception(d.date, d.kind, &d.name);
            }
        }
        Ok(c)
    }

    /// Parses a week pattern like "1111100" (Monday..Sunday).
    pub fn with_week_pattern(pattern: &str) -> Result<Self> {
        let bytes = pattern.as_bytes();
        if bytes.len() != 7 || bytes.iter().any(|b| *b != b'0' && *b != b'1') {
            return Err(Error::invalid(
                "working_week",
                pattern,
                "应为 7 位 0/1，周一在前，如 1111100",
            ));
        }
        let mut working_week = [false; 7];
        for (slot, b) in working_week.iter_mut().zip(bytes) {
            *slot = *b == b'1';
        }
        Ok(Calendar {
            working_week,
            exceptions: BTreeMap::new(),
            exception_names: BTreeMap::new(),
        })
    }

    pub fn week_pattern(&self) -> String {
        self.working_week
            .iter()
            .map(|w| if *w { '1' } else { '0' })
            .collect()
    }

    /// A later exception for the same date replaces the earlier one (a derived calendar wins).
    pub fn set_exception(&mut self, date: NaiveDate, kind: DayKind) {
        self.exceptions.insert(date, kind);
        self.exception_names.remove(&date);
    }

    pub fn set_named_exception(&mut self, date: NaiveDate, kind: DayKind, name: &str) {
        self.exceptions.insert(date, kind);
        self.exception_names.insert(date, name.to_owned());
    }

    /// The holiday's name for an exception date (e.g. 国庆节), if known.
    pub fn exception_name(&self, date: NaiveDate) -> Option<&str> {
        self.exception_names.get(&date).map(String::as_str)
    }

    pub fn exceptions(&self) -> impl Iterator<Item = (NaiveDate, DayKind)> + '_ {
        self.exceptions.iter().map(|(d, k)| (*d, *k))
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.exceptions.get(&date) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => self.working_week[date.weekday().num_days_from_monday() as usize],
        }
    }

    /// Working days from `start` to `finish`, both included (a task that starts and finishes
    /// on the same working day lasts one day, as in MS Project). Zero when finish < start.
    pub fn working_days_inclusive(&self, start: NaiveDate, finish: NaiveDate) -> i64 {
        start
            .iter_days()
            .take_while(|d| *d <= finish)
            .filter(|d| self.is_working_day(*d))
            .count() as i64
    }
}

// ---- Calendars in the database ----

pub(crate) fn insert_calendar(
    tx: &Transaction<'_>,
    stamp: &Stamp,
    name: &str,
    parent: Option<CalendarId>,
    calendar: &Calendar,
) -> Result<CalendarId> {
    let sql = format!(
        "INSERT INTO calendars (name, parent_id, working_week) VALUES (?1, ?2, ?3) RETURNING {}",
        CalendarRow::COLUMNS
    );
    let row = tx.query_row(
        &sql,
        params![name, parent, calendar.week_pattern()],
        CalendarRow::from_row,
    )?;
    record(tx, stamp, "calendars", row.id.0, None, Some(&row))?;
    let sql = format!(
        "INSERT INTO calendar_exceptions (calendar_id, date, kind, name) VALUES (?1, ?2, ?3, ?4) RETURNING {}",
        CalendarExceptionRow::COLUMNS
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    for (date, kind) in calendar.exceptions() {
        let name = calendar
            .exception_names
            .get(&date)
            .map(String::as_str)
            .unwrap_or("");
        let ex = stmt.query_row(
            params![row.id, date, kind, name],
            CalendarExceptionRow::from_row,
        )?;
        record(tx, stamp, "calendar_exceptions", ex.id, None, Some(&ex))?;
    }
    Ok(row.id)
}

impl Db {
    /// The named calendar with its parents' exceptions underneath its own.
    pub fn calendar(&self, id: CalendarId) -> Result<Calendar> {
        let mut chain = Vec::new();
        let mut next = Some(id);
        while let Some(cid) = next {
            if chain.iter().any(|r: &CalendarRow| r.id == cid) {
                break; // a parent loop cannot be written through KeyWorks; stop rather than spin
            }
            let sql = format!(
                "SELECT {} FROM calendars WHERE id = ?1",
                CalendarRow::COLUMNS
            );
            let row = self.conn().query_row(&sql, [cid], CalendarRow::from_row)?;
            next = row.parent_id;
            chain.push(row);
        }
        let own = chain
            .first()
            .map(|r| r.working_week.clone())
            .unwrap_or_else(|| "1111100".into());
        let mut cal = Calendar::with_week_pattern(&own)?;
        let sql = format!(
            "SELECT {} FROM calendar_exceptions WHERE calendar_id = ?1 ORDER BY date",
            CalendarExceptionRow::COLUMNS
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        for row in chain.iter().rev() {
            for ex in stmt.query_map([row.id], CalendarExceptionRow::from_row)? {
                let ex = ex?;
                cal.set_named_exception(ex.date, ex.kind, &ex.name);
            }
        }
        Ok(cal)
    }

    /// The built-in China calendar, if this file has one.
    pub fn china_calendar_id(&self) -> Result<Option<CalendarId>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn()
            .query_row(
                "SELECT id FROM calendars WHERE name = ?1",
                [CHINA_CALENDAR_NAME],
                |r| r.get(0),
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn china_calendar_knows_holidays_and_make_up_days() {
        let c = Calendar::china().unwrap();
        // National Day 2021 is a holiday; Saturday 2021-10-09 is a make-up working day.
        assert!(!c.is_working_day(d(2021, 10, 1)));
        assert!(c.is_working_day(d(2021, 10, 9)));
        // 2018 Labour Day: Saturday 04-28 worked, Monday 04-30 off.
        assert!(c.is_working_day(d(2018, 4, 28)));
        assert!(!c.is_working_day(d(2018, 4, 30)));
        // An ordinary weekend and weekday.
        assert!(!c.is_working_day(d(2021, 6, 5)));
        assert!(c.is_working_day(d(2021, 6, 7)));
        // Dragon Boat 2021: 06-14 (Monday) off.
        assert!(!c.is_working_day(d(2021, 6, 14)));
    }

    #[test]
    fn counts_working_days_inclusively() {
        let c = Calendar::china().unwrap();
        assert_eq!(c.working_days_inclusive(d(2021, 6, 7), d(2021, 6, 7)), 1);
        assert_eq!(c.working_days_inclusive(d(2021, 6, 7), d(2021, 6, 11)), 5);
        // 2021-09-27 .. 10-10: 09-27..30 (4) + 10-08 (Fri) + 10-09 (Sat, make-up) = 6.
        assert_eq!(c.working_days_inclusive(d(2021, 9, 27), d(2021, 10, 10)), 6);
        assert_eq!(c.working_days_inclusive(d(2021, 6, 8), d(2021, 6, 7)), 0);
        assert_eq!(
            Calendar::standard().working_days_inclusive(d(2021, 10, 1), d(2021, 10, 7)),
            5
        );
    }

    #[test]
    fn builtin_years_cover_2015_to_2026() {
        let years: Vec<i32> = builtin_china_years()
            .unwrap()
            .iter()
            .map(|y| y.year)
            .collect();
        assert_eq!(years, (2015..=2026).collect::<Vec<_>>());
    }

    #[test]
    fn malformed_holiday_files_are_refused_with_the_reason() {
        let e = parse_holiday_year("2027.json", "{\"year\": 2027, \"days\": [").unwrap_err();
        assert!(e.to_string().contains("2027.json"), "{e}");
        let wrong_year = r#"{"year":2027,"papers":[],"days":[{"name":"元旦","date":"2025-01-01","isOffDay":true}]}"#;
        let e = parse_holiday_year("2027.json", wrong_year).unwrap_err();
        assert!(e.to_string().contains("2027"), "{e}");
        let bad_date = r#"{"year":2027,"papers":[],"days":[{"name":"元旦","date":"2027-13-01","isOffDay":true}]}"#;
        assert!(parse_holiday_year("2027.json", bad_date).is_err());
    }

    #[test]
    fn week_patterns_round_trip_and_are_checked() {
        let c = Calendar::with_week_pattern("1111110").unwrap();
        assert_eq!(c.week_pattern(), "1111110");
        assert!(c.is_working_day(d(2021, 6, 5)));
        assert!(Calendar::with_week_pattern("11111").is_err());
        assert!(Calendar::with_week_pattern("111110x").is_err());
    }
}
