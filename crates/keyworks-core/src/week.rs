//! The periods reports are made for: ISO 8601 weeks ("2021-W23"), the unit of weekly progress
//! reporting, and calendar months ("2021-05"), the unit of investment supervision.

use chrono::{Datelike, NaiveDate, Weekday};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
// Serialised as its text, "2021-W23" (see the Serialize impl below).
#[cfg_attr(feature = "specta", derive(specta::Type), specta(type = String))]
pub struct IsoWeek {
    year: i32,
    week: u32,
}

impl IsoWeek {
    pub fn new(year: i32, week: u32) -> Option<Self> {
        NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).map(|_| IsoWeek { year, week })
    }

    /// The ISO week containing `date`.
    pub fn containing(date: NaiveDate) -> Self {
        let w = date.iso_week();
        IsoWeek {
            year: w.year(),
            week: w.week(),
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn week(self) -> u32 {
        self.week
    }

    pub fn monday(self) -> NaiveDate {
        // Invariant: constructors only build weeks that chrono accepted.
        NaiveDate::from_isoywd_opt(self.year, self.week, Weekday::Mon).unwrap_or(NaiveDate::MIN)
    }

    pub fn sunday(self) -> NaiveDate {
        NaiveDate::from_isoywd_opt(self.year, self.week, Weekday::Sun).unwrap_or(NaiveDate::MIN)
    }

    pub fn previous(self) -> Self {
        IsoWeek::containing(self.monday() - chrono::Days::new(7))
    }

    /// Parses "2021-W23" (also "2021W23" and lower-case w).
    pub fn parse(field: &str, text: &str) -> Result<Self> {
        let bad = || Error::invalid(field, text, "应为 ISO 周，如 2021-W23");
        let t = text.trim().to_ascii_uppercase();
        let (y, w) = t.split_once('W').ok_or_else(bad)?;
        let y = y.strip_suffix('-').unwrap_or(y);
        if y.len() != 4 || w.is_empty() || w.len() > 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let week: u32 = w.parse().map_err(|_| bad())?;
        IsoWeek::new(year, week).ok_or_else(|| {
            Error::invalid(
                field,
                text,
                &format!("{year} 年没有第 {week} 周（ISO 周为 1–52 或 53）"),
            )
        })
    }
}

impl std::fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

impl serde::Serialize for IsoWeek {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl ToSql for IsoWeek {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.to_string()))
    }
}

impl FromSql for IsoWeek {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let s = value.as_str()?;
        IsoWeek::parse("iso_week", s).map_err(|e| FromSqlError::Other(e.to_string().into()))
    }
}

/// A calendar month, "2021-05": the period investment is recorded and reported for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
// Serialised as its text, "2021-05" (see the Serialize impl below).
#[cfg_attr(feature = "specta", derive(specta::Type), specta(type = String))]
pub struct YearMonth {
    year: i32,
    month: u32,
}

impl YearMonth {
    pub fn new(year: i32, month: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month, 1).map(|_| YearMonth { year, month })
    }

    /// The month `date` falls in.
    pub fn containing(date: NaiveDate) -> Self {
        YearMonth {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// 1–12.
    pub fn month(self) -> u32 {
        self.month
    }

    pub fn first_day(self) -> NaiveDate {
        // Invariant: constructors only build months that chrono accepted.
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or(NaiveDate::MIN)
    }

    pub fn next(self) -> Self {
        if self.month == 12 {
            YearMonth {
                year: self.year + 1,
                month: 1,
            }
        } else {
            YearMonth {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn previous(self) -> Self {
        if self.month == 1 {
            YearMonth {
                year: self.year - 1,
                month: 12,
            }
        } else {
            YearMonth {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// January to this month of its year.
    pub fn year_to_date(self) -> impl Iterator<Item = YearMonth> {
        let year = self.year;
        (1..=self.month).map(move |month| YearMonth { year, month })
    }

    /// Parses "2021-05" (also "2021-5", "2021/05", "202105" and "2021年5月").
    pub fn parse(field: &str, text: &str) -> Result<Self> {
        let bad = || Error::invalid(field, text, "应为月份，格式如 2021-05");
        let t = text.trim().replace(['年', '/', '.'], "-");
        let t = t.trim_end_matches('月');
        let (y, m) = match t.split_once('-') {
            Some((y, m)) => (y, m),
            None if t.len() == 6 => t.split_at(4),
            None => return Err(bad()),
        };
        if y.len() != 4 || m.is_empty() || m.len() > 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if !(2000..=2100).contains(&year) {
            return Err(Error::invalid(field, text, "年份应在 2000–2100 之间"));
        }
        YearMonth::new(year, month)
            .ok_or_else(|| Error::invalid(field, text, "月份应为 1–12，格式如 2021-05"))
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl serde::Serialize for YearMonth {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl ToSql for YearMonth {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.to_string()))
    }
}

impl FromSql for YearMonth {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let s = value.as_str()?;
        YearMonth::parse("month", s).map_err(|e| FromSqlError::Other(e.to_string().into()))
    }
}

/// Parses a calendar date typed by a person: ISO `2021-06-07`, also `2021/6/7` and `2021年6月7日`.
pub fn parse_date(field: &str, text: &str) -> Result<NaiveDate> {
    let t = text.trim();
    let normalised: String = t
        .replace(['年', '月', '/', '.'], "-")
        .trim_end_matches('日')
        .to_owned();
    NaiveDate::parse_from_str(&normalised, "%Y-%m-%d")
        .ok()
        .filter(|_| normalised.len() >= 8)
        .ok_or_else(|| Error::invalid(field, text, "应为日期，格式如 2021-06-07"))
}

/// A date a form may leave empty (a deadline not yet set): None for blank text.
pub fn parse_optional_date(field: &str, text: &str) -> Result<Option<NaiveDate>> {
    match text.trim() {
        "" => Ok(None),
        typed => parse_date(field, typed).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_optional_date_is_none_when_blank_and_checked_otherwise() {
        assert_eq!(parse_optional_date("解决时限", "  ").unwrap(), None);
        assert_eq!(
            parse_optional_date("解决时限", "2021年6月30日").unwrap(),
            NaiveDate::from_ymd_opt(2021, 6, 30)
        );
        assert!(parse_optional_date("解决时限", "6月底").is_err());
    }

    #[test]
    fn parses_and_formats_weeks() {
        let w = IsoWeek::parse("week", "2021-W23").unwrap();
        assert_eq!(w.to_string(), "2021-W23");
        assert_eq!(w.monday(), NaiveDate::from_ymd_opt(2021, 6, 7).unwrap());
        assert_eq!(w.sunday(), NaiveDate::from_ymd_opt(2021, 6, 13).unwrap());
        assert_eq!(
            IsoWeek::parse("week", "2021w5").unwrap().to_string(),
            "2021-W05"
        );
        assert_eq!(w.previous().to_string(), "2021-W22");
        // 2021-01-03 (Sunday) belongs to the last week of 2020.
        let d = NaiveDate::from_ymd_opt(2021, 1, 3).unwrap();
        assert_eq!(IsoWeek::containing(d).to_string(), "2020-W53");
    }

    #[test]
    fn rejects_bad_weeks() {
        for bad in [
            "2021-23",
            "2021-W54",
            "2021-W00",
            "21-W3",
            "W23",
            "2021-Wx",
            "2021-W123",
        ] {
            let err = IsoWeek::parse("week", bad).unwrap_err();
            assert!(err.to_string().contains("week"), "{bad}: {err}");
        }
        assert!(IsoWeek::parse("week", "2020-W53").is_ok());
        assert!(IsoWeek::parse("week", "2021-W53").is_err());
    }

    #[test]
    fn parses_and_steps_months() {
        let m = YearMonth::parse("--month", "2021-05").unwrap();
        assert_eq!(m.to_string(), "2021-05");
        for same in ["2021-5", "2021/05", "202105", "2021年5月"] {
            assert_eq!(YearMonth::parse("--month", same).unwrap(), m, "{same}");
        }
        assert_eq!(m.last_day(), NaiveDate::from_ymd_opt(2021, 5, 31).unwrap());
        assert_eq!(
            YearMonth::parse("m", "2020-02").unwrap().last_day(),
            NaiveDate::from_ymd_opt(2020, 2, 29).unwrap()
        );
        assert_eq!(
            YearMonth::parse("m", "2021-12").unwrap().next().to_string(),
            "2022-01"
        );
        assert_eq!(
            YearMonth::parse("m", "2021-01")
                .unwrap()
                .previous()
                .to_string(),
            "2020-12"
        );
        assert_eq!(m.year_to_date().count(), 5);
        for bad in ["2021-13", "2021-00", "21-05", "May", "", "1999-05"] {
            let e = YearMonth::parse("--month", bad).unwrap_err();
            assert!(e.to_string().contains("--month"), "{bad}: {e}");
        }
    }

    #[test]
    fn parses_dates_people_type() {
        let d = NaiveDate::from_ymd_opt(2021, 6, 7).unwrap();
        assert_eq!(parse_date("date", "2021-06-07").unwrap(), d);
        assert_eq!(parse_date("date", "2021/6/7").unwrap(), d);
        assert_eq!(parse_date("date", "2021年6月7日").unwrap(), d);
        for bad in ["2021-13-01", "2021-02-30", "yesterday", "", "6/7"] {
            let e = parse_date("--date", bad).unwrap_err();
            assert!(e.to_string().contains("--date"), "{e}");
        }
    }
}
