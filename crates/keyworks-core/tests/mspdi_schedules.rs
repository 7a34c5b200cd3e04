//! The scheduling engine against project files whose dates MS Project, MPXJ's MS Project
//! scheduler and GanttProject computed (`shared/testdata/mspdi/`, see its README): from each
//! file's durations, links, lags, constraints and calendars, the engine must give the start and
//! finish day of every task without actual dates that the file holds.
//!
//! The MSPDI reader here is for these tests only (the interchange issue brings the real one).
//! MSPDI times are minutes and KeyWorks schedules whole days, so the file's datetimes are read
//! as days the way MS Project shows them: a start at or after the day's last working minute is
//! the next working day, a finish at or before the day's first working minute is the previous
//! working day (17:00 Friday and 08:00 Monday are one instant of working time), and a milestone
//! is shown on the day of its datetime.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use keyworks_core::ids::TaskId;
use keyworks_core::model::{DayKind, LinkKind};
use keyworks_core::plan::calendar::Calendar;
use keyworks_core::plan::cpm::{Constraint, LinkSpec, Schedule, TaskSpec, compute};
use roxmltree::Node;

fn mspdi_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/testdata/mspdi"
    ));
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{} is missing: CI must have shared/ beside the clone",
        dir.display()
    );
    eprintln!(
        "skipped: {} is missing (shared/ is not beside this clone)",
        dir.display()
    );
    None
}

// ---- A small MSPDI reader ----

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| c.tag_name().name() == name)
}

fn children<'a, 'i>(n: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    n.children().filter(move |c| c.tag_name().name() == name)
}

fn text<'a>(n: Node<'a, '_>, name: &str) -> Option<&'a str> {
    child(n, name).and_then(|c| c.text()).map(str::trim)
}

fn int(n: Node<'_, '_>, name: &str) -> Option<i64> {
    text(n, name).map(|t| t.parse().unwrap())
}

fn datetime(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap()
}

/// Minutes of the day; a `ToTime` of 00:00 is midnight at the end of the day.
fn minutes(s: &str, end: bool) -> u32 {
    let t = chrono::NaiveTime::parse_from_str(s, "%H:%M:%S").unwrap();
    let m = t.hour() * 60 + t.minute();
    if end && m == 0 { 1440 } else { m }
}

/// An MSPDI duration like `PT16H0M0S` (or `P1DT2H0M0S`) in minutes.
fn duration_minutes(s: &str) -> i64 {
    let s = s.strip_prefix('P').unwrap();
    let (days, time) = match s.split_once('T') {
        Some((d, t)) => (d, t),
        None => (s, ""),
    };
    let mut total = 0.0f64;
    if let Some(d) = days.strip_suffix('D') {
        total += d.parse::<f64>().unwrap() * 1440.0;
    }
    let mut number = String::new();
    for c in time.chars() {
        match c {
            'H' => total += number.parse::<f64>().unwrap() * 60.0,
            'M' => total += number.parse::<f64>().unwrap(),
            'S' => total += number.parse::<f64>().unwrap() / 60.0,
            _ => {
                number.push(c);
                continue;
            }
        }
        number.clear();
    }
    assert!(
        (total - total.round()).abs() < 1e-6,
        "{s}: not whole minutes"
    );
    total.round() as i64
}

type Times = Vec<(u32, u32)>;

/// One MSPDI calendar as written: weekdays (Sunday first, None = as the base calendar) and
/// dated exceptions (None = not working).
#[derive(Debug, Clone)]
struct RawCalendar {
    base: Option<i64>,
    week: [Option<Times>; 7],
    exceptions: BTreeMap<NaiveDate, Times>,
}

fn working_times(n: Node<'_, '_>) -> Times {
    child(n, "WorkingTimes")
        .map(|w| {
            children(w, "WorkingTime")
                .filter_map(|t| {
                    Some((
                        minutes(text(t, "FromTime")?, false),
                        minutes(text(t, "ToTime")?, true),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn days_of_period(n: Node<'_, '_>) -> Vec<NaiveDate> {
    let period = child(n, "TimePeriod").unwrap();
    let from = datetime(text(period, "FromDate").unwrap()).date();
    let to = datetime(text(period, "ToDate").unwrap()).date();
    from.iter_days().take_while(|d| *d <= to).collect()
}

fn read_calendar(c: Node<'_, '_>) -> RawCalendar {
    let mut raw = RawCalendar {
        base: int(c, "BaseCalendarUID").filter(|b| *b >= 0),
        week: Default::default(),
        exceptions: BTreeMap::new(),
    };
    if let Some(days) = child(c, "WeekDays") {
        for wd in children(days, "WeekDay") {
            let working = int(wd, "DayWorking") == Some(1);
            let times = if working {
                working_times(wd)
            } else {
                Vec::new()
            };
            match int(wd, "DayType").unwrap() {
                // Older files keep dated exceptions among the weekdays, as day type 0.
                0 => {
                    for d in days_of_period(wd) {
                        raw.exceptions.insert(d, times.clone());
                    }
                }
                t @ 1..=7 => raw.week[t as usize - 1] = Some(times),
                t => panic!("unknown DayType {t}"),
            }
        }
    }
    if let Some(list) = child(c, "Exceptions") {
        for ex in children(list, "Exception") {
            // Type 1 is "daily" over the period; other types recur by week, month or year.
            assert_eq!(
                int(ex, "Type"),
                Some(1),
                "recurring calendar exceptions are not read"
            );
            let working = int(ex, "DayWorking") == Some(1);
            let times = if working {
                working_times(ex)
            } else {
                Vec::new()
            };
            for d in days_of_period(ex) {
                raw.exceptions.insert(d, times.clone());
            }
        }
    }
    assert!(
        child(c, "WorkWeeks").is_none(),
        "alternative work weeks are not read"
    );
    raw
}

/// A calendar with its base calendars resolved: the working times of any date.
#[derive(Debug, Clone, PartialEq)]
struct DayCalendar {
    week: [Times; 7],
    exceptions: BTreeMap<NaiveDate, Times>,
}

impl DayCalendar {
    fn resolve(uid: i64, raws: &HashMap<i64, RawCalendar>) -> DayCalendar {
        let raw = &raws[&uid];
        let mut cal = match raw.base {
            Some(b) => DayCalendar::resolve(b, raws),
            None => DayCalendar {
                week: Default::default(),
                exceptions: BTreeMap::new(),
            },
        };
        for (slot, own) in cal.week.iter_mut().zip(&raw.week) {
            if let Some(times) = own {
                *slot = times.clone();
            }
        }
        cal.exceptions
            .extend(raw.exceptions.iter().map(|(d, t)| (*d, t.clone())));
        cal
    }

    fn times(&self, date: NaiveDate) -> &Times {
        self.exceptions
            .get(&date)
            .unwrap_or(&self.week[date.weekday().num_days_from_sunday() as usize])
    }

    fn is_working(&self, date: NaiveDate) -> bool {
        !self.times(date).is_empty()
    }

    /// The KeyWorks calendar: the working week, and the dates whose working differs from it.
    fn to_calendar(&self) -> Calendar {
        let pattern: String = (0..7)
            .map(|monday_first| {
                let sunday_first = (monday_first + 1) % 7;
                if self.week[sunday_first].is_empty() {
                    '0'
                } else {
                    '1'
                }
            })
            .collect();
        let mut cal = Calendar::with_week_pattern(&pattern).unwrap();
        for (date, times) in &self.exceptions {
            let weekly = !self.week[date.weekday().num_days_from_sunday() as usize].is_empty();
            match (weekly, !times.is_empty()) {
                (true, false) => cal.set_exception(*date, DayKind::Holiday),
                (false, true) => cal.set_exception(*date, DayKind::Workday),
                _ => {}
            }
        }
        cal
    }

    fn next_working(&self, mut d: NaiveDate) -> NaiveDate {
        loop {
            d = d.succ_opt().unwrap();
            if self.is_working(d) {
                return d;
            }
        }
    }

    fn previous_working(&self, mut d: NaiveDate) -> NaiveDate {
        loop {
            d = d.pred_opt().unwrap();
            if self.is_working(d) {
                return d;
            }
        }
    }

    /// The day a start is shown on: the next working day when it falls at or after the end of
    /// its day's work (or on a day off).
    fn start_day(&self, at: NaiveDateTime) -> NaiveDate {
        let m = at.hour() * 60 + at.minute();
        match self.times(at.date()).iter().map(|t| t.1).max() {
            Some(end) if m < end => at.date(),
            _ => self.next_working(at.date()),
        }
    }

    /// The day a finish is shown on: the previous working day when it falls at or before the
    /// start of its day's work (or on a day off).
    fn finish_day(&self, at: NaiveDateTime) -> NaiveDate {
        let m = at.hour() * 60 + at.minute();
        match self.times(at.date()).iter().map(|t| t.0).min() {
            Some(begin) if m > begin => at.date(),
            _ => self.previous_working(at.date()),
        }
    }
}

#[derive(Debug)]
struct FileTask {
    uid: i64,
    name: String,
    summary: bool,
    /// Zero duration: shown on the day of its datetime.
    point: bool,
    start: NaiveDateTime,
    finish: NaiveDateTime,
    has_actuals: bool,
    /// Assigned to a resource whose calendar is not the project's.
    on_resource_calendar: bool,
}

#[derive(Debug)]
struct Project {
    calendar: DayCalendar,
    start: NaiveDate,
    tasks: Vec<FileTask>,
    specs: Vec<TaskSpec>,
    links: Vec<LinkSpec>,
}

/// Lag formats in working time (minutes, hours, days, weeks, months; estimated or not). Elapsed
/// and percentage lags have no meaning in working days.
const WORKING_TIME_FORMATS: &[i64] = &[3, 5, 7, 9, 11, 35, 37, 39, 41, 43];

fn read_project(path: &Path) -> Project {
    let xml = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let root = doc.root_element();
    let file = path.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(
        int(root, "ScheduleFromStart"),
        Some(1),
        "{file}: only forward scheduling is read"
    );
    let minutes_per_day = int(root, "MinutesPerDay").unwrap();
    let raws: HashMap<i64, RawCalendar> = child(root, "Calendars")
        .map(|cs| {
            children(cs, "Calendar")
                .map(|c| (int(c, "UID").unwrap(), read_calendar(c)))
                .collect()
        })
        .unwrap_or_default();
    let project_uid = int(root, "CalendarUID").unwrap();
    let calendar = DayCalendar::resolve(project_uid, &raws);
    let keyworks_calendar = calendar.to_calendar();
    let start = calendar.start_day(datetime(text(root, "StartDate").unwrap()));

    let resource_calendar: HashMap<i64, Option<i64>> = child(root, "Resources")
        .map(|rs| {
            children(rs, "Resource")
                .map(|r| {
                    (
                        int(r, "UID").unwrap(),
                        int(r, "CalendarUID").filter(|c| *c >= 0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let mut own_calendar_tasks = HashSet::new();
    if let Some(assignments) = child(root, "Assignments") {
        for a in children(assignments, "Assignment") {
            let Some(Some(cal)) = resource_calendar.get(&int(a, "ResourceUID").unwrap()) else {
                continue;
            };
            if DayCalendar::resolve(*cal, &raws) != calendar {
                own_calendar_tasks.insert(int(a, "TaskUID").unwrap());
            }
        }
    }

    let mut tasks = Vec::new();
    let mut specs = Vec::new();
    let mut links = Vec::new();
    let mut outline: Vec<(i64, i64)> = Vec::new(); // (level, uid) of the open ancestors
    let task_nodes = child(root, "Tasks").map(|t| children(t, "Task").collect::<Vec<_>>());
    for t in task_nodes.unwrap_or_default() {
        if int(t, "IsNull") == Some(1) {
            continue;
        }
        let uid = int(t, "UID").unwrap();
        let name = text(t, "Name").unwrap_or("").to_owned();
        assert_ne!(
            int(t, "Manual"),
            Some(1),
            "{file} {name}: manually scheduled"
        );
        assert_ne!(int(t, "Active"), Some(0), "{file} {name}: inactive");
        if let Some(format) = int(t, "DurationFormat") {
            assert!(
                ![4, 6, 8, 10, 12, 20, 36, 38, 40, 42, 44, 52].contains(&format),
                "{file} {name}: elapsed durations are not working days"
            );
        }
        let level = int(t, "OutlineLevel").unwrap_or(1);
        while outline.last().is_some_and(|(l, _)| *l >= level) {
            outline.pop();
        }
        let parent = outline.last().map(|(_, p)| TaskId(*p));
        outline.push((level, uid));
        let minutes = text(t, "Duration").map(duration_minutes).unwrap_or(0);
        let summary = int(t, "Summary") == Some(1);
        let duration_days = if summary {
            0
        } else {
            assert_eq!(
                minutes % minutes_per_day,
                0,
                "{file} {name}: {minutes} minutes is not whole days of {minutes_per_day}"
            );
            minutes / minutes_per_day
        };
        if let Some(cal) = int(t, "CalendarUID").filter(|c| *c >= 0) {
            assert_eq!(
                DayCalendar::resolve(cal, &raws),
                calendar,
                "{file} {name}: a task calendar unlike the project's is not modelled"
            );
        }
        let constraint_date = || datetime(text(t, "ConstraintDate").unwrap());
        let constraint = match int(t, "ConstraintType").unwrap_or(0) {
            0 => None,
            3 => Some(Constraint::MustFinishOn(
                calendar.finish_day(constraint_date()),
            )),
            4 => Some(Constraint::StartNoEarlierThan(
                calendar.start_day(constraint_date()),
            )),
            other => panic!("{file} {name}: constraint type {other} is not modelled"),
        };
        let actual = |tag| text(t, tag).map(datetime);
        let (actual_start, actual_finish) = (actual("ActualStart"), actual("ActualFinish"));
        let start = datetime(text(t, "Start").unwrap());
        let finish = datetime(text(t, "Finish").unwrap());
        let point = !summary && minutes == 0;
        specs.push(TaskSpec {
            id: TaskId(uid),
            name: name.clone(),
            duration_days,
            is_milestone: int(t, "Milestone") == Some(1),
            parent,
            constraint,
            actual_start: actual_start.map(|a| calendar.start_day(a)),
            actual_finish: actual_finish.map(|a| calendar.finish_day(a)),
        });
        for l in children(t, "PredecessorLink") {
            assert_ne!(
                int(l, "CrossProject"),
                Some(1),
                "{file} {name}: cross-project link"
            );
            let format = int(l, "LagFormat").unwrap_or(7);
            assert!(
                WORKING_TIME_FORMATS.contains(&format),
                "{file} {name}: lag format {format} is elapsed or a percentage"
            );
            let tenths = int(l, "LinkLag").unwrap_or(0);
            let lag_minutes = tenths / 10;
            assert!(
                tenths % 10 == 0 && lag_minutes % minutes_per_day == 0,
                "{file} {name}: a lag of {tenths} tenths of minutes is not whole days"
            );
            links.push(LinkSpec {
                predecessor: TaskId(int(l, "PredecessorUID").unwrap()),
                successor: TaskId(uid),
                kind: match int(l, "Type").unwrap() {
                    0 => LinkKind::FinishToFinish,
                    1 => LinkKind::FinishToStart,
                    2 => LinkKind::StartToFinish,
                    3 => LinkKind::StartToStart,
                    other => panic!("{file} {name}: link type {other}"),
                },
                lag_days: lag_minutes / minutes_per_day,
            });
        }
        tasks.push(FileTask {
            uid,
            name,
            summary,
            point,
            start,
            finish,
            has_actuals: actual_start.is_some() || actual_finish.is_some(),
            on_resource_calendar: own_calendar_tasks.contains(&uid),
        });
    }
    // The file's summary flags and the outline agree, so the engine's summaries are the file's.
    let parents: HashSet<i64> = specs.iter().filter_map(|s| s.parent.map(|p| p.0)).collect();
    for t in &tasks {
        assert_eq!(
            t.summary,
            parents.contains(&t.uid),
            "{file} {}: summary flag",
            t.name
        );
    }
    assert!(
        keyworks_calendar.week_pattern().contains('1'),
        "{file}: the project calendar has no working weekday"
    );
    Project {
        calendar,
        start,
        tasks,
        specs,
        links,
    }
}

/// Tasks whose dates the file's program computed from something KeyWorks does not model, and
/// everything those dates flow into: their summaries and their successors.
fn beyond_the_model(p: &Project) -> HashSet<i64> {
    let mut out: HashSet<i64> = p
        .tasks
        .iter()
        .filter(|t| t.on_resource_calendar)
        .map(|t| t.uid)
        .collect();
    // A summary spans its children; a link carries a date to its successor and, when that is a
    // summary, to all of the summary's descendants.
    let mut via_link: HashSet<i64> = HashSet::new();
    loop {
        let before = out.len() + via_link.len();
        for c in &p.specs {
            if let Some(parent) = c.parent {
                if out.contains(&c.id.0) && !via_link.contains(&c.id.0) {
                    out.insert(parent.0);
                }
                if via_link.contains(&parent.0) {
                    via_link.insert(c.id.0);
                    out.insert(c.id.0);
                }
            }
        }
        for l in &p.links {
            if out.contains(&l.predecessor.0) {
                out.insert(l.successor.0);
                via_link.insert(l.successor.0);
            }
        }
        if out.len() + via_link.len() == before {
            return out;
        }
    }
}

fn descendants(p: &Project, uid: i64) -> Vec<&FileTask> {
    let mut out = Vec::new();
    let mut open = vec![uid];
    while let Some(u) = open.pop() {
        for (spec, task) in p.specs.iter().zip(&p.tasks) {
            if spec.parent == Some(TaskId(u)) {
                out.push(task);
                open.push(task.uid);
            }
        }
    }
    out
}

/// What the engine got wrong, one line per date; empty when everything matches.
fn mismatches(p: &Project, schedule: &Schedule, skip: &HashSet<i64>) -> (usize, Vec<String>) {
    let mut compared = 0;
    let mut wrong = Vec::new();
    for (t, got) in p.tasks.iter().zip(&schedule.tasks) {
        if t.has_actuals || skip.contains(&t.uid) {
            continue;
        }
        compared += 1;
        // A summary's datetimes are its earliest child start and latest child finish; when that
        // child is a milestone, MS Project shows the summary on the milestone's day, 17:00 or not.
        let at_milestone = |pick: fn(&FileTask) -> NaiveDateTime| {
            t.summary
                && descendants(p, t.uid)
                    .iter()
                    .any(|d| d.point && pick(d) == pick(t))
        };
        let start = if t.point || at_milestone(|x| x.start) {
            t.start.date()
        } else {
            p.calendar.start_day(t.start)
        };
        let finish = if t.point || at_milestone(|x| x.finish) {
            t.finish.date()
        } else {
            p.calendar.finish_day(t.finish)
        };
        if got.early_start != start || got.early_finish != finish {
            wrong.push(format!(
                "{} (UID {}): expected {start}..{finish} (file {}..{}), got {}..{}",
                t.name, t.uid, t.start, t.finish, got.early_start, got.early_finish
            ));
        }
    }
    (compared, wrong)
}

fn schedule_of(p: &Project) -> Schedule {
    compute(&p.calendar.to_calendar(), p.start, &p.specs, &p.links).unwrap()
}

/// Every file: every task without actual dates, except those documented in `EXPECTED_GAPS`.
#[test]
fn every_mspdi_file_is_reproduced_day_for_day() {
    let Some(dir) = mspdi_dir() else { return };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "{files:?}");
    let mut failures = Vec::new();
    for path in &files {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let p = read_project(path);
        let schedule = schedule_of(&p);
        let skip = beyond_the_model(&p);
        let mut skipped: Vec<&str> = p
            .tasks
            .iter()
            .filter(|t| skip.contains(&t.uid))
            .map(|t| t.name.as_str())
            .collect();
        skipped.sort_unstable();
        let expected_skips: Vec<&str> = RESOURCE_CALENDAR_TASKS
            .iter()
            .filter(|(f, _)| *f == file)
            .flat_map(|(_, names)| names.iter().copied())
            .collect();
        assert_eq!(skipped, expected_skips, "{file}: tasks left out");
        let (compared, wrong) = mismatches(&p, &schedule, &skip);
        let gaps: Vec<&&str> = EXPECTED_GAPS
            .iter()
            .filter(|(f, _, _)| *f == file)
            .map(|(_, line, _)| line)
            .collect();
        let unexplained: Vec<&String> = wrong
            .iter()
            .filter(|w| !gaps.iter().any(|g| w.as_str() == **g))
            .collect();
        for g in &gaps {
            assert!(
                wrong.iter().any(|w| w == **g),
                "{file}: the documented gap \"{g}\" no longer occurs: remove it from EXPECTED_GAPS"
            );
        }
        eprintln!(
            "{file}: {compared} tasks compared, {} documented gaps, {} left out",
            gaps.len(),
            skip.len()
        );
        if !unexplained.is_empty() {
            failures.push(format!(
                "{file}: {} of {compared} tasks differ:\n  {}",
                unexplained.len(),
                unexplained
                    .iter()
                    .take(25)
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join("\n  ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Tasks (with the summaries and successors their dates flow into) that MS Project scheduled
/// on resource calendars. In mpxj-sample.xml "Second Task" (800 h) is assigned to a resource on
/// the Standard calendar and one on "Night Shift" (23:00–08:00, Saturdays included): MS Project
/// runs the task on the union of the two, 80 working hours a week in pieces that cross midnight,
/// and finishes it after 10 weeks at 08:00, where the project calendar would need 20 weeks.
/// KeyWorks schedules tasks on the project's calendar in whole days, so these dates are not
/// comparable. The list is checked exactly, so that no other task is left out silently.
const RESOURCE_CALENDAR_TASKS: &[(&str, &[&str])] =
    &[("mpxj-sample.xml", &["First Task", "Second Task", "sample"])];

/// Dates a whole-day engine cannot give, each with why. Checked exactly both ways: a gap that
/// stops occurring fails the test too.
const EXPECTED_GAPS: &[(&str, &str, &str)] = &[
    (
        "mpxj-baselines.xml",
        "Task One (UID 1): expected 2008-01-30..2008-01-31 (file 2008-01-30 09:00:00..2008-01-31 08:30:00), got 2008-01-30..2008-01-30",
        "The project starts at 09:00 on a calendar whose day runs 08:00–17:00 (8 h), and the \
     task lasts 7.5 h (one day of the file's 450 MinutesPerDay); from 09:00 it runs 30 minutes \
     into the next day. In whole days a one-day task finishes on its start day.",
    ),
    (
        "mpxj-baselines.xml",
        "project1 (UID 0): expected 2008-01-30..2008-01-31 (file 2008-01-30 09:00:00..2008-01-31 08:30:00), got 2008-01-30..2008-01-30",
        "The project's summary task spans Task One, so it carries the same 30 minutes.",
    ),
];

#[test]
fn the_china_2021_file_of_400_tasks_and_600_links_matches_every_task() {
    let Some(dir) = mspdi_dir() else { return };
    let p = read_project(&dir.join("mpxj-scheduled-china2021-400.xml"));
    assert_eq!(p.tasks.len(), 400);
    assert_eq!(p.links.len(), 600);
    assert_eq!(p.tasks.iter().filter(|t| t.summary).count(), 18);
    assert_eq!(p.tasks.iter().filter(|t| t.point).count(), 20);
    // The file's calendar is China's 2021 arrangement, as KeyWorks has it built in.
    let china = Calendar::china().unwrap();
    let file_calendar = p.calendar.to_calendar();
    for d in NaiveDate::from_ymd_opt(2021, 1, 1)
        .unwrap()
        .iter_days()
        .take(365)
    {
        assert_eq!(
            file_calendar.is_working_day(d),
            china.is_working_day(d),
            "{d}"
        );
    }
    let schedule = schedule_of(&p);
    let (compared, wrong) = mismatches(&p, &schedule, &HashSet::new());
    assert_eq!(compared, 400);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Beyond the dates: late dates, total and free float and the critical flag, as the file has
    // them (slack in tenths of minutes, 4,800 to the day; absent means zero).
    let xml = std::fs::read_to_string(dir.join("mpxj-scheduled-china2021-400.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let nodes: Vec<Node> = children(child(doc.root_element(), "Tasks").unwrap(), "Task").collect();
    let late: HashMap<i64, (NaiveDateTime, NaiveDateTime)> = nodes
        .iter()
        .map(|n| {
            let at = |tag| datetime(text(*n, tag).unwrap());
            (int(*n, "UID").unwrap(), (at("LateStart"), at("LateFinish")))
        })
        .collect();
    let mut differ = Vec::new();
    for ((node, t), got) in nodes.iter().zip(&p.tasks).zip(&schedule.tasks) {
        let total = int(*node, "TotalSlack").unwrap_or(0) / 4800;
        let free = int(*node, "FreeSlack").unwrap_or(0) / 4800;
        let critical = int(*node, "Critical") == Some(1);
        let (ls, lf) = late[&t.uid];
        // As for early dates: a summary at a milestone's late moment is shown on its day.
        let at_milestone = |pick: fn(&(NaiveDateTime, NaiveDateTime)) -> NaiveDateTime| {
            t.summary
                && descendants(&p, t.uid)
                    .iter()
                    .any(|d| d.point && pick(&late[&d.uid]) == pick(&late[&t.uid]))
        };
        let late_start = if t.point || at_milestone(|l| l.0) {
            ls.date()
        } else {
            p.calendar.start_day(ls)
        };
        let late_finish = if t.point || at_milestone(|l| l.1) {
            lf.date()
        } else {
            p.calendar.finish_day(lf)
        };
        let expected = (total, free, critical, late_start, late_finish);
        let actual = (
            got.total_float,
            got.free_float,
            got.critical,
            got.late_start,
            got.late_finish,
        );
        if expected != actual {
            differ.push(format!("{}: expected {expected:?}, got {actual:?}", t.name));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

/// GanttProject's file has a calendar and no tasks: it records China's 2018 Labour Day
/// arrangement (Saturday 04-28 worked, Monday 04-30 off). Tasks scheduled on it from the
/// file's start must work that Saturday and skip that Monday.
#[test]
fn ganttproject_1520_works_the_make_up_saturday_and_skips_the_holiday() {
    let Some(dir) = mspdi_dir() else { return };
    let p = read_project(&dir.join("ganttproject-issue1520.xml"));
    assert!(p.tasks.is_empty());
    let d = |m, day| NaiveDate::from_ymd_opt(2018, m, day).unwrap();
    assert_eq!(p.start, d(4, 28), "the file starts on the make-up Saturday");
    let calendar = p.calendar.to_calendar();
    assert!(calendar.is_working_day(d(4, 28)));
    assert!(!calendar.is_working_day(d(4, 30)));
    let task = |id, name: &str, days| TaskSpec {
        id: TaskId(id),
        name: name.into(),
        duration_days: days,
        is_milestone: days == 0,
        parent: None,
        constraint: None,
        actual_start: None,
        actual_finish: None,
    };
    let link = |from, to| LinkSpec {
        predecessor: TaskId(from),
        successor: TaskId(to),
        kind: LinkKind::FinishToStart,
        lag_days: 0,
    };
    let tasks = [
        task(1, "周六调休上班", 1),
        task(2, "节后第一天", 1),
        task(3, "跨越假期", 2),
        task(4, "完成", 0),
    ];
    let links = [link(1, 2), link(1, 4)];
    let s = compute(&calendar, p.start, &tasks, &links).unwrap();
    let dates: Vec<(NaiveDate, NaiveDate)> = s
        .tasks
        .iter()
        .map(|t| (t.early_start, t.early_finish))
        .collect();
    assert_eq!(
        dates,
        [
            (d(4, 28), d(4, 28)),
            // This file lists no 05-01 holiday: Tuesday is the next working day.
            (d(5, 1), d(5, 1)),
            (d(4, 28), d(5, 1)),
            (d(4, 28), d(4, 28)),
        ]
    );
    // The same on KeyWorks's own China calendar, where 05-01 is Labour Day itself.
    let s = compute(&Calendar::china().unwrap(), p.start, &tasks, &links).unwrap();
    assert_eq!(s.tasks[1].early_start, d(5, 2));
    assert_eq!(s.tasks[2].early_finish, d(5, 2));
}

/// mpxj-mspdirelations.xml exercises FS with and without lag, FF and SF; mpxj-sample.xml SS,
/// negative lag and "start no earlier than" on a Saturday. Checked by name so that a reader
/// change cannot quietly drop them.
#[test]
fn the_files_exercise_every_link_type_lags_and_constraints() {
    let Some(dir) = mspdi_dir() else { return };
    let mut kinds = HashSet::new();
    let mut negative_lag = false;
    let mut constraints = 0;
    for f in ["mpxj-mspdirelations.xml", "mpxj-sample.xml"] {
        let p = read_project(&dir.join(f));
        kinds.extend(p.links.iter().map(|l| l.kind));
        negative_lag |= p.links.iter().any(|l| l.lag_days < 0);
        constraints += p.specs.iter().filter(|s| s.constraint.is_some()).count();
    }
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    assert!(negative_lag);
    assert!(constraints >= 3);
}
