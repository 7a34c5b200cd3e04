//! An MSPDI file as written (minutes, datetimes, UIDs), and its conversion to the whole days
//! of a KeyWorks project (`ProjectImport`). The rules are in the module doc of `mspdi`.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use keyworks_core::imports::project_import::{
    BaselineImport, BaselineTaskImport, CalendarImport, ConstraintKind, LinkImport, ProjectImport,
    TaskConstraint, TaskImport,
};
use keyworks_core::model::{Category, DayKind, LinkKind, Stage};
use keyworks_core::plan::calendar::Calendar;

use super::MspdiError;

/// Working times of one day: (from, to) in minutes since midnight; `to` may be 1440.
pub type Times = Vec<(u32, u32)>;

/// 08:00–12:00 and 13:00–17:00: MS Project's standard day, used where a file says a day is
/// working without saying when.
pub fn standard_times() -> Times {
    vec![(8 * 60, 12 * 60), (13 * 60, 17 * 60)]
}

/// One `<WeekDay>` or `<Exception>` as written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawDay {
    /// WeekDay: 0 = dated (older files keep exceptions here), 1 = Sunday .. 7 = Saturday.
    pub day_type: Option<i64>,
    pub working: Option<bool>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    pub times: Times,
    pub name: String,
    /// Exception: 1 = daily over the period; others recur weekly, monthly or yearly.
    pub exception_type: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawCalendar {
    pub uid: Option<i64>,
    pub name: String,
    pub base_uid: Option<i64>,
    /// `<WeekDays>` with DayType 1..7 (Sunday first); dated ones (DayType 0) too.
    pub week_days: Vec<RawDay>,
    pub exceptions: Vec<RawDay>,
    pub has_work_weeks: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawLink {
    pub predecessor_uid: Option<i64>,
    /// 0 FF, 1 FS, 2 SF, 3 SS.
    pub kind: Option<i64>,
    pub cross_project: bool,
    /// Tenths of a minute.
    pub lag_tenths: Option<f64>,
    pub lag_format: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawBaseline {
    pub number: Option<i64>,
    pub start: Option<NaiveDateTime>,
    pub finish: Option<NaiveDateTime>,
    pub duration_minutes: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawTask {
    /// Line of `<Task>` in the file, for messages.
    pub line: u64,
    pub uid: Option<i64>,
    pub id: Option<i64>,
    pub name: Option<String>,
    pub is_null: bool,
    pub outline_level: Option<i64>,
    pub start: Option<NaiveDateTime>,
    pub finish: Option<NaiveDateTime>,
    pub duration_minutes: Option<f64>,
    pub duration_format: Option<i64>,
    pub milestone: bool,
    pub summary: bool,
    pub percent_complete: Option<f64>,
    pub actual_start: Option<NaiveDateTime>,
    pub actual_finish: Option<NaiveDateTime>,
    pub constraint_type: Option<i64>,
    pub constraint_date: Option<NaiveDateTime>,
    pub links: Vec<RawLink>,
    pub baselines: Vec<RawBaseline>,
}

/// Everything KeyWorks reads from an MSPDI file; the rest of the file is ignored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MspdiFile {
    pub name: Option<String>,
    pub title: Option<String>,
    pub start_date: Option<NaiveDateTime>,
    pub last_saved: Option<NaiveDateTime>,
    pub minutes_per_day: Option<i64>,
    pub calendar_uid: Option<i64>,
    pub calendars: Vec<RawCalendar>,
    pub tasks: Vec<RawTask>,
}

impl MspdiFile {
    /// The tasks an import creates: not null rows, not the project's own summary (level 0),
    /// not blank rows (no name and no dates).
    pub fn real_tasks(&self) -> impl Iterator<Item = &RawTask> {
        self.tasks.iter().filter(|t| {
            !t.is_null
                && t.outline_level != Some(0)
                && !(t.name.as_deref().is_none_or(|n| n.trim().is_empty())
                    && t.start.is_none()
                    && t.finish.is_none())
        })
    }
}

/// A calendar with its base calendars resolved: the working times of any date.
#[derive(Debug, Clone, PartialEq)]
pub struct DayCalendar {
    pub name: String,
    /// Sunday first.
    pub week: [Times; 7],
    pub exceptions: BTreeMap<NaiveDate, (Times, String)>,
    /// Recurring exceptions and alternative work weeks met while resolving (not read).
    pub unread: usize,
}

/// Exceptions longer than this are not expanded day by day (a malformed or hostile period).
const MAX_EXCEPTION_DAYS: i64 = 3660;

impl DayCalendar {
    /// Monday to Friday, 08:00–17:00 with an hour at noon.
    pub fn standard() -> DayCalendar {
        let mut week: [Times; 7] = Default::default();
        for day in week.iter_mut().take(6).skip(1) {
            *day = standard_times();
        }
        DayCalendar {
            name: "Standard".to_owned(),
            week,
            exceptions: BTreeMap::new(),
            unread: 0,
        }
    }

    /// The calendar with this UID, its base calendars underneath. Unknown UIDs and base loops
    /// end the chain at the standard calendar.
    pub fn resolve(uid: i64, calendars: &[RawCalendar]) -> Option<DayCalendar> {
        let by_uid: HashMap<i64, &RawCalendar> = calendars
            .iter()
            .filter_map(|c| c.uid.map(|u| (u, c)))
            .collect();
        let mut chain = Vec::new();
        let mut next = Some(uid);
        let mut seen = HashSet::new();
        while let Some(u) = next.filter(|u| *u >= 0) {
            if !seen.insert(u) {
                break;
            }
            let Some(c) = by_uid.get(&u) else { break };
            chain.push(*c);
            next = c.base_uid;
        }
        let own = *chain.first()?;
        let mut cal = DayCalendar::standard();
        cal.name = own.name.clone();
        for raw in chain.iter().rev() {
            cal.apply(raw);
        }
        Some(cal)
    }

    fn apply(&mut self, raw: &RawCalendar) {
        let times_of = |d: &RawDay| -> Times {
            match d.working {
                Some(true) if d.times.is_empty() => standard_times(),
                Some(true) => d.times.clone(),
                _ => Vec::new(),
            }
        };
        for d in &raw.week_days {
            match d.day_type {
                Some(t @ 1..=7) => self.week[t as usize - 1] = times_of(d),
                Some(0) => self.apply_period(d, times_of(d)),
                _ => self.unread += 1,
            }
        }
        for d in &raw.exceptions {
            if d.exception_type.unwrap_or(1) == 1 {
                self.apply_period(d, times_of(d));
            } else {
                self.unread += 1;
            }
        }
        if raw.has_work_weeks {
            self.unread += 1;
        }
    }

    fn apply_period(&mut self, d: &RawDay, times: Times) {
        let (Some(from), Some(to)) = (d.from, d.to) else {
            self.unread += 1;
            return;
        };
        let (from, to) = (from.date(), to.date());
        if to < from || (to - from).num_days() > MAX_EXCEPTION_DAYS {
            self.unread += 1;
            return;
        }
        for day in from.iter_days().take_while(|x| *x <= to) {
            self.exceptions.insert(day, (times.clone(), d.name.clone()));
        }
    }

    pub fn times(&self, date: NaiveDate) -> &Times {
        match self.exceptions.get(&date) {
            Some((t, _)) => t,
            None => &self.week[date.weekday().num_days_from_sunday() as usize],
        }
    }

    pub fn is_working(&self, date: NaiveDate) -> bool {
        !self.times(date).is_empty()
    }

    fn has_working_weekday(&self) -> bool {
        self.week.iter().any(|t| !t.is_empty())
    }

    /// The KeyWorks calendar: the working week, and the dates whose working differs from it.
    pub fn to_calendar(&self) -> Calendar {
        let mut cal = Calendar::standard();
        let pattern: String = (0..7)
            .map(|monday_first| {
                if self.week[(monday_first + 1) % 7].is_empty() {
                    '0'
                } else {
                    '1'
                }
            })
            .collect();
        if let Ok(c) = Calendar::with_week_pattern(&pattern) {
            cal = c;
        }
        for (date, (times, name)) in &self.exceptions {
            let weekly = !self.week[date.weekday().num_days_from_sunday() as usize].is_empty();
            let kind = match (weekly, !times.is_empty()) {
                (true, false) => DayKind::Holiday,
                (false, true) => DayKind::Workday,
                _ => continue,
            };
            if name.trim().is_empty() {
                cal.set_exception(*date, kind);
            } else {
                cal.set_named_exception(*date, kind, name.trim());
            }
        }
        cal
    }

    /// The nearest working day after `d` (a calendar without working weekdays gives `d + 1`).
    fn next_working(&self, d: NaiveDate) -> NaiveDate {
        let mut x = d;
        for _ in 0..MAX_EXCEPTION_DAYS {
            let Some(n) = x.succ_opt() else { return d };
            x = n;
            if self.is_working(x) {
                return x;
            }
        }
        d.succ_opt().unwrap_or(d)
    }

    fn previous_working(&self, d: NaiveDate) -> NaiveDate {
        let mut x = d;
        for _ in 0..MAX_EXCEPTION_DAYS {
            let Some(p) = x.pred_opt() else { return d };
            x = p;
            if self.is_working(x) {
                return x;
            }
        }
        d.pred_opt().unwrap_or(d)
    }

    /// The day a start is shown on: the next working day when it falls at or after the end of
    /// its day's work (or on a day off).
    pub fn start_day(&self, at: NaiveDateTime) -> NaiveDate {
        let m = at.hour() * 60 + at.minute();
        match self.times(at.date()).iter().map(|t| t.1).max() {
            Some(end) if m < end => at.date(),
            _ if !self.has_working_weekday() && self.exceptions.is_empty() => at.date(),
            _ => self.next_working(at.date()),
        }
    }

    /// The day a finish is shown on: the previous working day when it falls at or before the
    /// start of its day's work (or on a day off).
    pub fn finish_day(&self, at: NaiveDateTime) -> NaiveDate {
        let m = at.hour() * 60 + at.minute();
        match self.times(at.date()).iter().map(|t| t.0).min() {
            Some(begin) if m > begin => at.date(),
            _ if !self.has_working_weekday() && self.exceptions.is_empty() => at.date(),
            _ => self.previous_working(at.date()),
        }
    }
}

/// Lag formats whose unit is elapsed (calendar) time: minutes to months, estimated or not.
const ELAPSED_LAG_FORMATS: &[i64] = &[4, 6, 8, 10, 12, 36, 38, 40, 42, 44];
/// Lag formats in percent of the predecessor's duration.
const PERCENT_LAG_FORMATS: &[i64] = &[19, 20, 51, 52];
/// Duration formats in elapsed time.
const ELAPSED_DURATION_FORMATS: &[i64] = &[4, 6, 8, 10, 12, 20, 36, 38, 40, 42, 44, 52];

/// What the person importing chooses.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportOptions {
    pub code: String,
    /// None: the file's title, else its name, else the code.
    pub name: Option<String>,
    pub category: Category,
    pub stage: Stage,
    /// The date baselines are dated when the file has no LastSaved.
    pub today: NaiveDate,
}

/// A converted project with what could not be carried over, one sentence each.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    pub import: ProjectImport,
    pub warnings: Vec<String>,
}

/// The baseline name KeyWorks gives MSPDI's baseline number `n` ("Baseline", "Baseline 1"..).
pub fn baseline_name(number: i64) -> String {
    if number == 0 {
        "Baseline".to_owned()
    } else {
        format!("Baseline {number}")
    }
}

fn round_days(minutes: f64, minutes_per_day: f64) -> i64 {
    (minutes / minutes_per_day).round() as i64
}

/// Converts the file to whole days on its project calendar.
pub fn to_project_import(
    file: &MspdiFile,
    options: &ImportOptions,
) -> Result<Converted, MspdiError> {
    let mut warnings = Vec::new();
    let mpd = file
        .minutes_per_day
        .filter(|m| (1..=1440).contains(m))
        .unwrap_or(480) as f64;
    let day_cal = file
        .calendar_uid
        .and_then(|uid| DayCalendar::resolve(uid, &file.calendars))
        .or_else(|| {
            file.calendars
                .first()
                .and_then(|c| c.uid)
                .and_then(|uid| DayCalendar::resolve(uid, &file.calendars))
        })
        .unwrap_or_else(DayCalendar::standard);
    if day_cal.unread > 0 {
        warnings.push(format!(
            "项目日历「{}」中有 {} 项重复性例外或备用工作周未读取（只读取按日期列出的例外）",
            day_cal.name, day_cal.unread
        ));
    }
    let calendar = day_cal.to_calendar();

    let raw: Vec<&RawTask> = file.real_tasks().collect();
    let index_of_uid: HashMap<i64, usize> = raw
        .iter()
        .enumerate()
        .filter_map(|(i, t)| t.uid.map(|u| (u, i)))
        .collect();

    // Hierarchy from outline levels: the nearest earlier task of a lower level is the parent.
    let mut parents = Vec::with_capacity(raw.len());
    let mut open: Vec<(i64, usize)> = Vec::new();
    for (i, t) in raw.iter().enumerate() {
        let level = t.outline_level.unwrap_or(1).max(1);
        while open.last().is_some_and(|(l, _)| *l >= level) {
            open.pop();
        }
        parents.push(open.last().map(|(_, p)| *p));
        open.push((level, i));
    }
    let mut has_children = vec![false; raw.len()];
    for p in parents.iter().flatten() {
        has_children[*p] = true;
    }

    let mut tasks = Vec::with_capacity(raw.len());
    for (i, t) in raw.iter().enumerate() {
        let name = t
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| match t.uid {
                Some(u) => format!("（未命名任务 UID {u}）"),
                None => format!("（未命名任务，第 {} 行）", t.line),
            });
        let minutes = t.duration_minutes.unwrap_or(0.0);
        let point = minutes == 0.0 && !has_children[i];
        let mut is_milestone = t.milestone;
        if is_milestone && has_children[i] {
            warnings.push(format!("「{name}」是有下级任务的里程碑：按摘要任务导入"));
            is_milestone = false;
        }
        let (start_at, finish_at) = match (t.start, t.finish) {
            (Some(s), Some(f)) => (s, f),
            (Some(s), None) => (s, s),
            (None, Some(f)) => (f, f),
            (None, None) => {
                let at = file
                    .start_date
                    .or(file.last_saved)
                    .ok_or_else(|| MspdiError::Value {
                        line: t.line,
                        column: 1,
                        field: "Start".to_owned(),
                        value: name.clone(),
                        expected: "任务须有开始或完成日期".to_owned(),
                    })?;
                (at, at)
            }
        };
        let (start, finish) = if is_milestone {
            let day = if point {
                finish_at.date()
            } else {
                day_cal.finish_day(finish_at)
            };
            (day, day)
        } else if point {
            (start_at.date(), finish_at.date().max(start_at.date()))
        } else {
            let s = day_cal.start_day(start_at);
            (s, day_cal.finish_day(finish_at).max(s))
        };
        let elapsed = t
            .duration_format
            .is_some_and(|f| ELAPSED_DURATION_FORMATS.contains(&f));
        let duration_days = if is_milestone {
            0
        } else if elapsed || has_children[i] {
            calendar.working_days_inclusive(start, finish)
        } else if minutes > 0.0 {
            round_days(minutes, mpd).max(1)
        } else {
            0
        };
        let constraint = constraint_of(t, &day_cal, &name, &mut warnings);
        tasks.push(TaskImport {
            parent: parents[i],
            name,
            is_milestone,
            planned_start: start,
            planned_finish: finish,
            duration_days,
            percent_complete: t.percent_complete.unwrap_or(0.0).clamp(0.0, 100.0),
            // A milestone is a point in time: its actual dates are the calendar days they name,
            // as its planned date is (MS Project writes a milestone done at the start of a day
            // with ActualFinish 08:00, which for a task would mean the previous day's end).
            actual_start: t.actual_start.map(|a| {
                if is_milestone && point {
                    a.date()
                } else {
                    day_cal.start_day(a)
                }
            }),
            actual_finish: t.actual_finish.map(|a| {
                if is_milestone && point {
                    a.date()
                } else {
                    day_cal.finish_day(a)
                }
            }),
            constraint,
        });
    }
    // A summary spans its children, as MS Project shows it. Children come after their parent,
    // so walking backwards completes every summary's span before the summary is reached.
    let mut span: Vec<Option<(NaiveDate, NaiveDate)>> = vec![None; tasks.len()];
    for i in (0..tasks.len()).rev() {
        if let Some((s, f)) = span[i] {
            tasks[i].planned_start = s;
            tasks[i].planned_finish = f;
        }
        if let Some(p) = tasks[i].parent {
            let (s, f) = (tasks[i].planned_start, tasks[i].planned_finish);
            span[p] = Some(match span[p] {
                Some((a, b)) => (a.min(s), b.max(f)),
                None => (s, f),
            });
        }
    }
    for (i, t) in tasks.iter_mut().enumerate() {
        if has_children[i] {
            t.duration_days = calendar.working_days_inclusive(t.planned_start, t.planned_finish);
        }
    }

    let links = links_of(&raw, &tasks, &index_of_uid, mpd, &mut warnings);
    let baselines = baselines_of(&raw, &tasks, &day_cal, mpd, file, options);

    let name = options
        .name
        .clone()
        .or_else(|| file.title.clone())
        .or_else(|| {
            file.name
                .as_deref()
                .map(|n| n.trim_end_matches(".xml").to_owned())
        })
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| options.code.clone());
    let calendar_name = if day_cal.name.trim().is_empty() {
        format!("{} 日历", options.code)
    } else {
        format!("{} {}", options.code, day_cal.name.trim())
    };
    Ok(Converted {
        import: ProjectImport {
            code: options.code.clone(),
            name,
            category: options.category,
            stage: options.stage,
            description: String::new(),
            calendar: Some(CalendarImport {
                name: calendar_name,
                calendar,
            }),
            tasks,
            links,
            baselines,
        },
        warnings,
    })
}

fn constraint_of(
    t: &RawTask,
    cal: &DayCalendar,
    name: &str,
    warnings: &mut Vec<String>,
) -> Option<TaskConstraint> {
    let kind = match t.constraint_type? {
        0 => return None,
        1 => {
            return Some(TaskConstraint {
                kind: ConstraintKind::Alap,
                date: None,
            });
        }
        2 => ConstraintKind::MustStartOn,
        3 => ConstraintKind::MustFinishOn,
        4 => ConstraintKind::StartNoEarlierThan,
        5 => ConstraintKind::StartNoLaterThan,
        6 => ConstraintKind::FinishNoEarlierThan,
        7 => ConstraintKind::FinishNoLaterThan,
        other => {
            warnings.push(format!("「{name}」的限制类型 {other} 无法识别，已忽略"));
            return None;
        }
    };
    let Some(at) = t.constraint_date else {
        warnings.push(format!("「{name}」的限制条件没有日期，已忽略"));
        return None;
    };
    let date = if kind.is_on_start() {
        cal.start_day(at)
    } else {
        cal.finish_day(at)
    };
    Some(TaskConstraint {
        kind,
        date: Some(date),
    })
}

fn links_of(
    raw: &[&RawTask],
    tasks: &[TaskImport],
    index_of_uid: &HashMap<i64, usize>,
    mpd: f64,
    warnings: &mut Vec<String>,
) -> Vec<LinkImport> {
    let mut links = Vec::new();
    let mut seen = HashSet::new();
    for (succ, t) in raw.iter().enumerate() {
        for l in &t.links {
            let name = &tasks[succ].name;
            if l.cross_project {
                warnings.push(format!("「{name}」的跨项目依赖未导入"));
                continue;
            }
            let Some(pred) = l
                .predecessor_uid
                .and_then(|u| index_of_uid.get(&u).copied())
            else {
                warnings.push(format!(
                    "「{name}」的前置任务 UID {:?} 不在文件中，该依赖未导入",
                    l.predecessor_uid
                ));
                continue;
            };
            if pred == succ || !seen.insert((pred, succ)) {
                warnings.push(format!("「{name}」的重复或自身依赖未导入"));
                continue;
            }
            let kind = match l.kind.unwrap_or(1) {
                0 => LinkKind::FinishToFinish,
                2 => LinkKind::StartToFinish,
                3 => LinkKind::StartToStart,
                _ => LinkKind::FinishToStart,
            };
            let minutes = l.lag_tenths.unwrap_or(0.0) / 10.0;
            let format = l.lag_format.unwrap_or(7);
            let lag_days = if ELAPSED_LAG_FORMATS.contains(&format) {
                warnings.push(format!(
                    "「{name}」的依赖间隔为日历时间，已按 1 天 = 24 小时折算为工作日"
                ));
                (minutes / 1440.0).round() as i64
            } else if PERCENT_LAG_FORMATS.contains(&format) {
                warnings.push(format!(
                    "「{name}」的依赖间隔为前置任务工期的百分比，已折算为工作日"
                ));
                // LinkLag holds the percentage in tenths, as MS Project writes it.
                let pct = l.lag_tenths.unwrap_or(0.0) / 10.0;
                (tasks[pred].duration_days as f64 * pct / 100.0).round() as i64
            } else {
                round_days(minutes, mpd)
            };
            links.push(LinkImport {
                predecessor: pred,
                successor: succ,
                kind,
                lag_days,
            });
        }
    }
    links
}

fn baselines_of(
    raw: &[&RawTask],
    tasks: &[TaskImport],
    cal: &DayCalendar,
    mpd: f64,
    file: &MspdiFile,
    options: &ImportOptions,
) -> Vec<BaselineImport> {
    let mut by_number: BTreeMap<i64, Vec<BaselineTaskImport>> = BTreeMap::new();
    for (i, t) in raw.iter().enumerate() {
        for b in &t.baselines {
            let (Some(number), Some(start), Some(finish)) = (b.number, b.start, b.finish) else {
                continue;
            };
            let rows = by_number.entry(number).or_default();
            // Tasks come in order: a second baseline of the same number on this task is the last row.
            if rows.last().is_some_and(|r| r.task == i) {
                continue;
            }
            let minutes = b.duration_minutes.unwrap_or(0.0);
            let point = minutes == 0.0;
            let (s, f) = if point {
                (start.date(), finish.date())
            } else {
                (cal.start_day(start), cal.finish_day(finish))
            };
            rows.push(BaselineTaskImport {
                task: i,
                is_milestone: tasks[i].is_milestone,
                planned_start: s,
                planned_finish: f,
                duration_days: if point {
                    0
                } else {
                    round_days(minutes, mpd).max(1)
                },
            });
        }
    }
    let taken_on = file.last_saved.map(|d| d.date()).unwrap_or(options.today);
    by_number
        .into_iter()
        .map(|(number, tasks)| BaselineImport {
            name: baseline_name(number),
            taken_on,
            tasks,
        })
        .collect()
}
