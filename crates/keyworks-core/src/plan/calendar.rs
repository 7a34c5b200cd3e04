//! Working calendars: a working week plus dated exceptions, and China's official
//! holiday arrangements (法定节假日与调休), built in from the holiday-cn data set.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use rusqlite::{OptionalExtension, Transaction, params};

use crate::audit::change_log::{Stamp, record};
use crate::error::{Error, Result};
use crate::ids::CalendarId;
use crate::model::{CalendarExceptionRow, CalendarRow, DayKind};
use crate::store::db::Db;
use crate::store::row_ids::next_id;

/// Name of the built-in calendar that every seeded project uses.
pub const CHINA_CALENDAR_NAME: &str = "中国法定工作日历";

/// China's arrangements 2015–2026 as published by the State Council, from
/// holiday-cn (MIT, see assets/holiday-cn/LICENSE).
const BUILTIN_CHINA_YEARS: &[(&str, &str)] = &[
    (
        "2015.json",
        include_str!("../../../../assets/holiday-cn/2015.json"),
    ),
    (
        "2016.json",
        include_str!("../../../../assets/holiday-cn/2016.json"),
    ),
    (
        "2017.json",
        include_str!("../../../../assets/holiday-cn/2017.json"),
    ),
    (
        "2018.json",
        include_str!("../../../../assets/holiday-cn/2018.json"),
    ),
    (
        "2019.json",
        include_str!("../../../../assets/holiday-cn/2019.json"),
    ),
    (
        "2020.json",
        include_str!("../../../../assets/holiday-cn/2020.json"),
    ),
    (
        "2021.json",
        include_str!("../../../../assets/holiday-cn/2021.json"),
    ),
    (
        "2022.json",
        include_str!("../../../../assets/holiday-cn/2022.json"),
    ),
    (
        "2023.json",
        include_str!("../../../../assets/holiday-cn/2023.json"),
    ),
    (
        "2024.json",
        include_str!("../../../../assets/holiday-cn/2024.json"),
    ),
    (
        "2025.json",
        include_str!("../../../../assets/holiday-cn/2025.json"),
    ),
    (
        "2026.json",
        include_str!("../../../../assets/holiday-cn/2026.json"),
    ),
];

/// What `Db::import_holiday_year` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HolidayImport {
    pub year: i32,
    /// Days off listed by the file.
    pub holidays: usize,
    /// Make-up working days listed by the file.
    pub workdays: usize,
    /// Exceptions of that year that the file no longer lists, now removed.
    pub removed: usize,
    /// Whether the database had no China calendar and got one.
    pub created_calendar: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
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
///
/// Working-day arithmetic (`add_working_days` and friends) runs in constant time: on first use
/// the calendar counts the working days of every day in the weeks its exceptions cover, and
/// outside those weeks only the working week matters, so whole weeks are skipped by division.
#[derive(Debug, Clone)]
pub struct Calendar {
    working_week: [bool; 7],
    exceptions: BTreeMap<NaiveDate, DayKind>,
    exception_names: BTreeMap<NaiveDate, String>,
    /// Built on first use, dropped by every change: a cache, not part of the value.
    index: OnceLock<DayIndex>,
}

impl PartialEq for Calendar {
    fn eq(&self, other: &Self) -> bool {
        self.working_week == other.working_week
            && self.exceptions == other.exceptions
            && self.exception_names == other.exception_names
    }
}

impl Eq for Calendar {}

/// Working-day ordinals of one calendar. Days are chrono's day numbers (days from 0001-01-01).
/// The ordinal of a day is the number of working days from `first` up to, not including, it
/// (negative before `first`); a non-working day thus shares its ordinal with the next working day.
#[derive(Debug, Clone)]
struct DayIndex {
    /// A Monday on or before the earliest exception.
    first: i64,
    /// `cum[i]`: working days in `[first, first + i)`. The span `cum.len() - 1` is whole weeks,
    /// so the week arithmetic outside it starts on a Monday at both ends.
    cum: Vec<u32>,
    /// Offsets from `first` of the working days inside the span, in order.
    work: Vec<u32>,
    /// The same days as dates, so that the common case needs no date arithmetic at all.
    work_dates: Vec<NaiveDate>,
    /// Working days among the first `r` days of a Monday-first week.
    week_prefix: [i64; 8],
    /// Offsets (Monday = 0) of the working days of a week, in order.
    week_days: Vec<i64>,
}

impl DayIndex {
    fn build(cal: &Calendar) -> DayIndex {
        let mut week_prefix = [0i64; 8];
        let mut week_days = Vec::new();
        for (i, working) in cal.working_week.iter().enumerate() {
            week_prefix[i + 1] = week_prefix[i] + i64::from(*working);
            if *working {
                week_days.push(i as i64);
            }
        }
        let monday_of = |d: NaiveDate| {
            i64::from(d.num_days_from_ce()) - i64::from(d.weekday().num_days_from_monday())
        };
        let (first, span) = match (
            cal.exceptions.keys().next(),
            cal.exceptions.keys().next_back(),
        ) {
            (Some(lo), Some(hi)) => {
                let first = monday_of(*lo);
                (first, monday_of(*hi) + 7 - first)
            }
            // No exceptions: the week alone decides; any Monday will do as the origin.
            _ => (730_122, 0), // 2000-01-03
        };
        let mut cum = Vec::with_capacity(span as usize + 1);
        let mut work = Vec::new();
        let mut work_dates = Vec::new();
        cum.push(0u32);
        let mut count = 0u32;
        for off in 0..span {
            let working_date = i32::try_from(first + off)
                .ok()
                .and_then(NaiveDate::from_num_days_from_ce_opt)
                .filter(|d| cal.is_working_day(*d));
            if let Some(date) = working_date {
                work.push(off as u32);
                work_dates.push(date);
                count += 1;
            }
            cum.push(count);
        }
        DayIndex {
            first,
            cum,
            work,
            work_dates,
            week_prefix,
            week_days,
        }
    }

    fn span(&self) -> i64 {
        self.cum.len() as i64 - 1
    }

    /// Working days in `[first, first + off)` by the working week alone (negative when `off < 0`).
    fn by_week(&self, off: i64) -> i64 {
        off.div_euclid(7) * self.week_prefix[7] + self.week_prefix[off.rem_euclid(7) as usize]
    }

    fn ordinal(&self, day: i64) -> i64 {
        let off = day - self.first;
        let span = self.span();
        if off < 0 {
            self.by_week(off)
        } else if off <= span {
            i64::from(self.cum[off as usize])
        } else {
            i64::from(self.cum[span as usize]) + self.by_week(off - span)
        }
    }

    /// `day_of` as a date.
    fn date_of(&self, k: i64) -> Option<NaiveDate> {
        match usize::try_from(k).ok().and_then(|i| self.work_dates.get(i)) {
            Some(date) => Some(*date),
            None => self.day_of(k).and_then(date_of_day),
        }
    }

    /// The day whose ordinal is `k` and that is a working day; None when the calendar has no
    /// working day there (an all-rest week outside the exceptions) or the number overflows.
    fn day_of(&self, k: i64) -> Option<i64> {
        let total = self.work.len() as i64;
        if (0..total).contains(&k) {
            return Some(self.first + i64::from(self.work[k as usize]));
        }
        let per_week = self.week_prefix[7];
        if per_week == 0 {
            return None;
        }
        let (origin, k) = if k < 0 {
            (self.first, k)
        } else {
            (self.first + self.span(), k - total)
        };
        k.div_euclid(per_week)
            .checked_mul(7)?
            .checked_add(origin)?
            .checked_add(self.week_days[k.rem_euclid(per_week) as usize])
    }
}

fn day_number(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce())
}

fn date_of_day(day: i64) -> Option<NaiveDate> {
    i32::try_from(day)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

impl Calendar {
    /// Monday to Friday, no exceptions.
    pub fn standard() -> Self {
        Calendar {
            working_week: [true, true, true, true, true, false, false],
            exceptions: BTreeMap::new(),
            exception_names: BTreeMap::new(),
            index: OnceLock::new(),
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
            index: OnceLock::new(),
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
        self.index = OnceLock::new();
    }

    pub fn set_named_exception(&mut self, date: NaiveDate, kind: DayKind, name: &str) {
        self.exceptions.insert(date, kind);
        self.exception_names.insert(date, name.to_owned());
        self.index = OnceLock::new();
    }

    /// The dated exceptions of one calendar year, in date order, with their names.
    pub fn exceptions_in_year(&self, year: i32) -> Vec<CalendarException> {
        let (Some(from), Some(to)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            return Vec::new();
        };
        self.exceptions
            .range(from..=to)
            .map(|(date, kind)| CalendarException {
                date: *date,
                kind: *kind,
                name: self.exception_name(*date).unwrap_or("").to_owned(),
            })
            .collect()
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
        if finish < start {
            return 0;
        }
        let index = self.index();
        index.ordinal(day_number(finish) + 1) - index.ordinal(day_number(start))
    }

    fn index(&self) -> &DayIndex {
        self.index.get_or_init(|| DayIndex::build(self))
    }

    /// The working day `n` working days away from `date`: for `n > 0` the n-th working day
    /// after it, for `n < 0` the |n|-th before it (`date` itself is not counted, working or
    /// not), for `n = 0` `date` itself. So a task of `d` days starting on working day `s`
    /// finishes on `add_working_days(s, d - 1)`. None past the calendar's reach: beyond
    /// chrono's dates, or where the calendar has no working days at all.
    pub fn add_working_days(&self, date: NaiveDate, n: i64) -> Option<NaiveDate> {
        let index = self.index();
        let day = day_number(date);
        let k = match n {
            0 => return Some(date),
            // The first working day after `date` has the ordinal of the day after it.
            n if n > 0 => index.ordinal(day + 1).checked_add(n - 1)?,
            n => index.ordinal(day).checked_add(n)?,
        };
        index.date_of(k)
    }

    /// The first working day after `date`.
    pub fn next_working_day(&self, date: NaiveDate) -> Option<NaiveDate> {
        self.add_working_days(date, 1)
    }

    /// The last working day before `date`.
    pub fn previous_working_day(&self, date: NaiveDate) -> Option<NaiveDate> {
        self.add_working_days(date, -1)
    }

    /// Working days in `[from, to)`, negative when `to` is before `from`: how many working days
    /// a date moved from `from` to `to`. A non-working date counts as the next working day.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let index = self.index();
        index.ordinal(day_number(to)) - index.ordinal(day_number(from))
    }

    /// The number of working days before `date`, from a fixed origin of this calendar; a
    /// non-working date shares the index of the next working day. The scheduler works in these.
    pub(crate) fn working_day_index(&self, date: NaiveDate) -> i64 {
        self.index().ordinal(day_number(date))
    }

    /// The working day with this index (the inverse of `working_day_index` on working days).
    pub(crate) fn date_of_working_day(&self, index: i64) -> Option<NaiveDate> {
        self.index().date_of(index)
    }

    /// Whether the calendar has any working day outside its dated exceptions.
    pub(crate) fn has_working_week(&self) -> bool {
        self.working_week.iter().any(|w| *w)
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
        "INSERT INTO calendars (name, parent_id, working_week, id) VALUES (?1, ?2, ?3, ?4) RETURNING {}",
        CalendarRow::COLUMNS
    );
    let row = tx.query_row(
        &sql,
        params![
            name,
            parent,
            calendar.week_pattern(),
            next_id(tx, "calendars")?
        ],
        CalendarRow::from_row,
    )?;
    record(tx, stamp, "calendars", row.id.0, None, Some(&row))?;
    let sql = format!(
        "INSERT INTO calendar_exceptions (calendar_id, date, kind, name, id) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING {}",
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
            params![
                row.id,
                date,
                kind,
                name,
                next_id(tx, "calendar_exceptions")?
            ],
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

    /// Loads one year of official arrangements (a holiday-cn JSON file, e.g. 2027.json once the
    /// State Council has published it) into the built-in China calendar, in one transaction:
    /// afterwards that year's exceptions are the file's. A file that does not parse, lists no
    /// day or lists a date twice changes nothing. Creates the China calendar if this database
    /// has none. Rows that already match are left alone, so importing a file again logs nothing.
    ///
    /// Days of the year that the file does not list are removed, except those that a built-in
    /// neighbouring year lists (2019.json names the make-up Saturday 2018-12-29, which 2018.json
    /// does not).
    pub fn import_holiday_year(
        &mut self,
        json: &str,
        source: &str,
        stamp: &Stamp,
    ) -> Result<HolidayImport> {
        let file = parse_holiday_year(source, json)?;
        if file.days.is_empty() {
            return Err(Error::invalid(
                source,
                format!("{} 年", file.year),
                "文件中没有任何节假日或调休日期，请在国务院发布该年安排后再导入",
            ));
        }
        let mut listed: BTreeMap<NaiveDate, &CalendarException> = BTreeMap::new();
        for d in &file.days {
            if listed.insert(d.date, d).is_some() {
                return Err(Error::invalid(
                    &format!("{source} days"),
                    d.date.to_string(),
                    "同一日期出现了两次，请改正文件后再导入",
                ));
            }
        }
        let (Some(from), Some(to)) = (
            NaiveDate::from_ymd_opt(file.year, 1, 1),
            NaiveDate::from_ymd_opt(file.year, 12, 31),
        ) else {
            return Err(Error::invalid(
                source,
                file.year.to_string(),
                "年份超出可表示的日期范围",
            ));
        };
        let neighbours: Vec<NaiveDate> = builtin_china_years()?
            .into_iter()
            .filter(|y| y.year != file.year)
            .flat_map(|y| y.days.into_iter().map(|d| d.date))
            .filter(|d| (from..=to).contains(d))
            .collect();
        self.write_tx(|tx| {
            // Looked up inside the transaction, so that a concurrent import cannot slip in between.
            let existing: Option<CalendarId> = tx
                .query_row(
                    "SELECT id FROM calendars WHERE name = ?1",
                    [CHINA_CALENDAR_NAME],
                    |r| r.get(0),
                )
                .optional()?;
            let (calendar_id, created_calendar) = match existing {
                Some(id) => (id, false),
                None => {
                    let china = Calendar::china()?;
                    (
                        insert_calendar(tx, stamp, CHINA_CALENDAR_NAME, None, &china)?,
                        true,
                    )
                }
            };
            let select = format!(
                "SELECT {} FROM calendar_exceptions WHERE calendar_id = ?1 AND date BETWEEN ?2 AND ?3",
                CalendarExceptionRow::COLUMNS
            );
            let lo = listed.keys().next().copied().unwrap_or(from).min(from);
            let hi = listed.keys().next_back().copied().unwrap_or(to).max(to);
            let rows: Vec<CalendarExceptionRow> = tx
                .prepare(&select)?
                .query_map(params![calendar_id, lo, hi], CalendarExceptionRow::from_row)?
                .collect::<rusqlite::Result<_>>()?;
            let mut removed = 0;
            for row in &rows {
                let in_year = (from..=to).contains(&row.date);
                if in_year && !listed.contains_key(&row.date) && !neighbours.contains(&row.date) {
                    tx.execute("DELETE FROM calendar_exceptions WHERE id = ?1", [row.id])?;
                    record(tx, stamp, "calendar_exceptions", row.id, Some(row), None)?;
                    removed += 1;
                }
            }
            let update = format!(
                "UPDATE calendar_exceptions SET kind = ?2, name = ?3 WHERE id = ?1 RETURNING {}",
                CalendarExceptionRow::COLUMNS
            );
            let insert = format!(
                "INSERT INTO calendar_exceptions (calendar_id, date, kind, name, id) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING {}",
                CalendarExceptionRow::COLUMNS
            );
            for day in listed.values() {
                match rows.iter().find(|r| r.date == day.date) {
                    Some(row) if row.kind == day.kind && row.name == day.name => {}
                    Some(row) => {
                        let after = tx.query_row(
                            &update,
                            params![row.id, day.kind, day.name],
                            CalendarExceptionRow::from_row,
                        )?;
                        record(tx, stamp, "calendar_exceptions", row.id, Some(row), Some(&after))?;
                    }
                    None => {
                        let after = tx.query_row(
                            &insert,
                            params![
                                calendar_id,
                                day.date,
                                day.kind,
                                day.name,
                                next_id(tx, "calendar_exceptions")?
                            ],
                            CalendarExceptionRow::from_row,
                        )?;
                        record(tx, stamp, "calendar_exceptions", after.id, None, Some(&after))?;
                    }
                }
            }
            Ok(HolidayImport {
                year: file.year,
                holidays: file.days.iter().filter(|d| d.kind == DayKind::Holiday).count(),
                workdays: file.days.iter().filter(|d| d.kind == DayKind::Workday).count(),
                removed,
                created_calendar,
            })
        })
    }

    /// The official holidays and make-up working days of one year, as this database knows them
    /// (the built-in arrangements when it has no China calendar).
    pub fn holiday_year(&self, year: i32) -> Result<Vec<CalendarException>> {
        let calendar = match self.china_calendar_id()? {
            Some(id) => self.calendar(id)?,
            None => Calendar::china()?,
        };
        Ok(calendar.exceptions_in_year(year))
    }

    /// The built-in China calendar, if this file has one.
    pub fn china_calendar_id(&self) -> Result<Option<CalendarId>> {
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

    /// The definition, one day at a time: what the index must agree with.
    fn add_by_walking(c: &Calendar, date: NaiveDate, n: i64) -> NaiveDate {
        let step = if n > 0 { 1 } else { -1 };
        let mut day = date;
        let mut left = n.abs();
        while left > 0 {
            day += chrono::Duration::days(step);
            if c.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    #[test]
    fn working_day_arithmetic_agrees_with_walking_day_by_day() {
        let c = Calendar::china().unwrap();
        // From before the first built-in year to after the last: both week-arithmetic ends,
        // the indexed span, and steps that cross from one into the other.
        let mut date = d(2014, 10, 1);
        while date < d(2027, 4, 1) {
            for n in [-45, -8, -1, 0, 1, 2, 5, 9, 60] {
                assert_eq!(
                    c.add_working_days(date, n),
                    Some(add_by_walking(&c, date, n)),
                    "{date} {n:+}"
                );
            }
            date += chrono::Duration::days(3);
        }
        let standard = Calendar::standard();
        for n in -20..20 {
            let sat = d(2021, 6, 5);
            assert_eq!(
                standard.add_working_days(sat, n),
                Some(add_by_walking(&standard, sat, n))
            );
        }
    }

    #[test]
    fn next_and_previous_working_days_follow_make_up_days() {
        let c = Calendar::china().unwrap();
        // 2018 Labour Day: Saturday 04-28 is worked, 04-29 to 05-01 are off.
        assert_eq!(c.next_working_day(d(2018, 4, 27)), Some(d(2018, 4, 28)));
        assert_eq!(c.next_working_day(d(2018, 4, 28)), Some(d(2018, 5, 2)));
        assert_eq!(c.previous_working_day(d(2018, 5, 2)), Some(d(2018, 4, 28)));
        // A one-day task finishes on its start day; a two-day task on 04-28 spans the holiday.
        assert_eq!(c.add_working_days(d(2018, 4, 28), 0), Some(d(2018, 4, 28)));
        assert_eq!(c.add_working_days(d(2018, 4, 28), 1), Some(d(2018, 5, 2)));
        // National Day 2021: 09-30 (Thu) + 1 working day is 10-08; 10-09 (Sat) is worked.
        assert_eq!(c.add_working_days(d(2021, 9, 30), 1), Some(d(2021, 10, 8)));
        assert_eq!(c.add_working_days(d(2021, 9, 30), 2), Some(d(2021, 10, 9)));
        assert_eq!(c.add_working_days(d(2021, 10, 9), -2), Some(d(2021, 9, 30)));
        assert_eq!(c.working_days_between(d(2021, 9, 30), d(2021, 10, 9)), 2);
        assert_eq!(c.working_days_between(d(2021, 10, 9), d(2021, 9, 30)), -2);
        // Counting from a day off: the first working day after it is one step away.
        assert_eq!(c.add_working_days(d(2021, 10, 2), 1), Some(d(2021, 10, 8)));
        assert_eq!(c.add_working_days(d(2021, 10, 2), -1), Some(d(2021, 9, 30)));
    }

    #[test]
    fn a_calendar_without_working_days_has_no_answer_instead_of_spinning() {
        let mut c = Calendar::with_week_pattern("0000000").unwrap();
        assert_eq!(c.add_working_days(d(2021, 6, 1), 1), None);
        assert_eq!(c.add_working_days(d(2021, 6, 1), 0), Some(d(2021, 6, 1)));
        c.set_exception(d(2021, 6, 6), DayKind::Workday);
        assert_eq!(c.add_working_days(d(2021, 6, 1), 1), Some(d(2021, 6, 6)));
        assert_eq!(c.add_working_days(d(2021, 6, 1), 2), None);
        assert_eq!(c.add_working_days(d(2021, 6, 1), i64::MAX), None);
        assert_eq!(
            Calendar::standard().add_working_days(d(2021, 6, 1), i64::MAX),
            None
        );
        assert_eq!(
            Calendar::standard().add_working_days(d(2021, 6, 1), i64::MIN),
            None
        );
    }

    #[test]
    fn changing_an_exception_rebuilds_the_arithmetic() {
        let mut c = Calendar::standard();
        let before = c.clone();
        assert_eq!(c.add_working_days(d(2021, 6, 4), 1), Some(d(2021, 6, 7)));
        assert_eq!(c, before, "a built cache does not change the value");
        c.set_exception(d(2021, 6, 5), DayKind::Workday);
        assert_eq!(c.add_working_days(d(2021, 6, 4), 1), Some(d(2021, 6, 5)));
        c.set_named_exception(d(2021, 6, 7), DayKind::Holiday, "测试");
        assert_eq!(c.add_working_days(d(2021, 6, 5), 1), Some(d(2021, 6, 8)));
        let year = c.exceptions_in_year(2021);
        assert_eq!(year.len(), 2);
        assert_eq!(year[1].name, "测试");
        assert!(c.exceptions_in_year(2020).is_empty());
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

/// Projects' calendars by the core's one rule (`Db::calendar_of_project`), each loaded once:
/// a portfolio of 1,000 projects usually shares one calendar, and building one costs more
/// than everything a ledger then counts with it.
#[derive(Default)]
pub(crate) struct ProjectCalendars {
    by_calendar: std::collections::HashMap<Option<CalendarId>, Calendar>,
}

impl ProjectCalendars {
    /// The calendar of `project`, whose own calendar (if any) is `calendar_id`.
    pub(crate) fn of(
        &mut self,
        db: &Db,
        project: crate::ids::ProjectId,
        calendar_id: Option<CalendarId>,
    ) -> Result<&Calendar> {
        Ok(match self.by_calendar.entry(calendar_id) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(db.calendar_of_project(project)?.1)
            }
        })
    }
}
