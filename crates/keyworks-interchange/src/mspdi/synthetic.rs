//! Deterministic large MSPDI files for benchmarks and tests, shaped like MS Project's own:
//! a three-level WBS (phases of 100 tasks, work packages of 10), a milestone closing each
//! package, FS/SS/FF links with lags, a calendar with China's 2021 holidays and make-up
//! working days, a baseline on every task, and the many fields KeyWorks ignores (costs,
//! slack, early/late dates, extended attributes) so that the reader skips what it would skip
//! in a real file.

use std::fmt::Write;

use chrono::{Datelike, Days, NaiveDate};

/// China's 2021 arrangement: holidays (on weekdays) and make-up Saturdays/Sundays.
const HOLIDAYS_2021: &[(&str, &str, &str)] = &[
    ("元旦", "2021-01-01", "2021-01-03"),
    ("春节", "2021-02-11", "2021-02-17"),
    ("清明节", "2021-04-03", "2021-04-05"),
    ("劳动节", "2021-05-01", "2021-05-05"),
    ("端午节", "2021-06-12", "2021-06-14"),
    ("中秋节", "2021-09-19", "2021-09-21"),
    ("国庆节", "2021-10-01", "2021-10-07"),
];
const WORKDAYS_2021: &[(&str, &str)] = &[
    ("春节 调休上班", "2021-02-07"),
    ("春节 调休上班", "2021-02-20"),
    ("劳动节 调休上班", "2021-04-25"),
    ("劳动节 调休上班", "2021-05-08"),
    ("中秋节 调休上班", "2021-09-18"),
    ("国庆节 调休上班", "2021-09-26"),
    ("国庆节 调休上班", "2021-10-09"),
];

const TIMES: &str = "<WorkingTimes><WorkingTime><FromTime>08:00:00</FromTime><ToTime>12:00:00</ToTime></WorkingTime><WorkingTime><FromTime>13:00:00</FromTime><ToTime>17:00:00</ToTime></WorkingTime></WorkingTimes>";

/// Counts of what `generate` writes, for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub tasks: usize,
    pub milestones: usize,
    pub links: usize,
}

/// Whether the task at `i` (0-based, file order) is a phase (level 1), a work package
/// (level 2), a milestone or a leaf task; and its outline level.
fn role(i: usize) -> (u8, bool) {
    match (i % 100, i % 10) {
        (0, _) => (1, false),
        (_, 0) => (2, false),
        (_, 9) => (3, true),
        _ => (3, false),
    }
}

/// A file of `n` tasks.
pub fn generate(n: usize) -> (String, Shape) {
    let mut out = String::with_capacity(n * 2_400 + 10_000);
    let start = NaiveDate::from_ymd_opt(2021, 1, 4).unwrap_or_default();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Project xmlns=\"http://schemas.microsoft.com/project\">\n");
    let _ = writeln!(
        out,
        "<SaveVersion>14</SaveVersion><Name>synthetic-{n}.xml</Name><Title>合成计划 {n} 项任务</Title>\
         <CreationDate>2021-01-01T08:00:00</CreationDate><LastSaved>2021-01-01T08:00:00</LastSaved>\
         <ScheduleFromStart>1</ScheduleFromStart><StartDate>2021-01-04T08:00:00</StartDate>\
         <FYStartDate>1</FYStartDate><CriticalSlackLimit>0</CriticalSlackLimit><CurrencyDigits>2</CurrencyDigits>\
         <CurrencySymbol>¥</CurrencySymbol><CurrencySymbolPosition>0</CurrencySymbolPosition><CalendarUID>1</CalendarUID>\
         <DefaultStartTime>08:00:00</DefaultStartTime><DefaultFinishTime>17:00:00</DefaultFinishTime>\
         <MinutesPerDay>480</MinutesPerDay><MinutesPerWeek>2400</MinutesPerWeek><DaysPerMonth>20</DaysPerMonth>\
         <DefaultTaskType>0</DefaultTaskType><DurationFormat>7</DurationFormat><WorkFormat>2</WorkFormat>\
         <WeekStartDay>1</WeekStartDay>"
    );
    out.push_str("<Calendars><Calendar><UID>1</UID><Name>中国 2021</Name><IsBaseCalendar>1</IsBaseCalendar><BaseCalendarUID>-1</BaseCalendarUID><WeekDays>");
    for day in 1..=7 {
        let working = (2..=6).contains(&day);
        let _ = write!(
            out,
            "<WeekDay><DayType>{day}</DayType><DayWorking>{}</DayWorking>{}</WeekDay>",
            u8::from(working),
            if working { TIMES } else { "" }
        );
    }
    out.push_str("</WeekDays><Exceptions>");
    for (name, from, to) in HOLIDAYS_2021 {
        let _ = write!(
            out,
            "<Exception><EnteredByOccurrences>0</EnteredByOccurrences><TimePeriod><FromDate>{from}T00:00:00</FromDate><ToDate>{to}T23:59:00</ToDate></TimePeriod><Occurrences>1</Occurrences><Name>{name}</Name><Type>1</Type><DayWorking>0</DayWorking></Exception>"
        );
    }
    for (name, day) in WORKDAYS_2021 {
        let _ = write!(
            out,
            "<Exception><EnteredByOccurrences>0</EnteredByOccurrences><TimePeriod><FromDate>{day}T00:00:00</FromDate><ToDate>{day}T23:59:00</ToDate></TimePeriod><Occurrences>1</Occurrences><Name>{name}</Name><Type>1</Type><DayWorking>1</DayWorking>{TIMES}</Exception>"
        );
    }
    out.push_str("</Exceptions></Calendar></Calendars>\n<Tasks>\n");

    // Dates advance through the file so that they look planned; they need not be a schedule.
    let mut shape = Shape {
        tasks: n,
        milestones: 0,
        links: 0,
    };
    let mut outline = [0usize; 3];
    let mut prev_leaf: Option<usize> = None;
    for i in 0..n {
        let (level, milestone) = role(i);
        let uid = i + 1;
        outline[usize::from(level) - 1] += 1;
        for deeper in outline.iter_mut().skip(usize::from(level)) {
            *deeper = 0;
        }
        let number = outline[..usize::from(level)]
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(".");
        let offset = (i as u64 / 3) % 2_000;
        let day = working(start.checked_add_days(Days::new(offset)).unwrap_or(start));
        let days = if milestone { 0 } else { 1 + (i % 7) as u64 };
        let finish = working(
            day.checked_add_days(Days::new(days.saturating_sub(1)))
                .unwrap_or(day),
        );
        let summary = level < 3;
        let (s, f) = if milestone {
            (format!("{day}T17:00:00"), format!("{day}T17:00:00"))
        } else {
            (format!("{day}T08:00:00"), format!("{finish}T17:00:00"))
        };
        let hours = days * 8;
        let _ = write!(
            out,
            "<Task><UID>{uid}</UID><ID>{uid}</ID><Name>任务 {number}</Name><Active>1</Active><Manual>0</Manual>\
             <Type>0</Type><IsNull>0</IsNull><CreateDate>2021-01-01T08:00:00</CreateDate><WBS>{number}</WBS>\
             <OutlineNumber>{number}</OutlineNumber><OutlineLevel>{level}</OutlineLevel><Priority>500</Priority>\
             <Start>{s}</Start><Finish>{f}</Finish><Duration>PT{hours}H0M0S</Duration><DurationFormat>7</DurationFormat>\
             <Work>PT{hours}H0M0S</Work><ResumeValid>0</ResumeValid><EffortDriven>0</EffortDriven><Recurring>0</Recurring>\
             <OverAllocated>0</OverAllocated><Estimated>0</Estimated><Milestone>{}</Milestone><Summary>{}</Summary>\
             <Critical>{}</Critical><IsSubproject>0</IsSubproject><IsSubprojectReadOnly>0</IsSubprojectReadOnly>\
             <ExternalTask>0</ExternalTask><EarlyStart>{s}</EarlyStart><EarlyFinish>{f}</EarlyFinish>\
             <LateStart>{s}</LateStart><LateFinish>{f}</LateFinish><StartVariance>0</StartVariance>\
             <FinishVariance>0</FinishVariance><WorkVariance>0</WorkVariance><FreeSlack>0</FreeSlack>\
             <TotalSlack>{}</TotalSlack><FixedCost>0</FixedCost><FixedCostAccrual>3</FixedCostAccrual>\
             <PercentComplete>{}</PercentComplete><PercentWorkComplete>0</PercentWorkComplete><Cost>{}</Cost>\
             <OvertimeCost>0</OvertimeCost><OvertimeWork>PT0H0M0S</OvertimeWork><ActualDuration>PT0H0M0S</ActualDuration>\
             <ActualCost>0</ActualCost><ActualOvertimeCost>0</ActualOvertimeCost><ActualWork>PT0H0M0S</ActualWork>\
             <ActualOvertimeWork>PT0H0M0S</ActualOvertimeWork><RegularWork>PT{hours}H0M0S</RegularWork>\
             <RemainingDuration>PT{hours}H0M0S</RemainingDuration><RemainingCost>0</RemainingCost>\
             <RemainingWork>PT{hours}H0M0S</RemainingWork><ACWP>0</ACWP><CV>0</CV>\
             <ConstraintType>{}</ConstraintType><CalendarUID>-1</CalendarUID>{}\
             <LevelAssignments>1</LevelAssignments><LevelingCanSplit>1</LevelingCanSplit><LevelingDelay>0</LevelingDelay>\
             <LevelingDelayFormat>8</LevelingDelayFormat><IgnoreResourceCalendar>0</IgnoreResourceCalendar>\
             <HideBar>0</HideBar><Rollup>0</Rollup><BCWS>0</BCWS><BCWP>0</BCWP><PhysicalPercentComplete>0</PhysicalPercentComplete>\
             <EarnedValueMethod>0</EarnedValueMethod>",
            u8::from(milestone),
            u8::from(summary),
            u8::from(i % 4 == 0),
            (i % 5) * 4800,
            if i < n / 5 { 100 } else { 0 },
            (i % 13) * 1000,
            if i % 97 == 5 { 4 } else { 0 },
            if i % 97 == 5 {
                format!("<ConstraintDate>{day}T08:00:00</ConstraintDate>")
            } else {
                String::new()
            },
        );
        if !summary {
            if let Some(p) = prev_leaf {
                let (kind, lag) = match i % 11 {
                    3 => (3, 4800),
                    7 => (0, 0),
                    _ => (1, if i % 6 == 0 { 9600 } else { 0 }),
                };
                let _ = write!(
                    out,
                    "<PredecessorLink><PredecessorUID>{}</PredecessorUID><Type>{kind}</Type><CrossProject>0</CrossProject>\
                     <LinkLag>{lag}</LinkLag><LagFormat>7</LagFormat></PredecessorLink>",
                    p + 1
                );
                shape.links += 1;
            }
            prev_leaf = Some(i);
        }
        if milestone {
            shape.milestones += 1;
        }
        let _ = writeln!(
            out,
            "<ExtendedAttribute><FieldID>188743731</FieldID><Value>标段 {}</Value></ExtendedAttribute>\
             <Baseline><Number>0</Number><Start>{s}</Start><Finish>{f}</Finish><Duration>PT{hours}H0M0S</Duration>\
             <DurationFormat>7</DurationFormat><Work>PT{hours}H0M0S</Work><Cost>0</Cost></Baseline></Task>",
            i % 17
        );
    }
    out.push_str("</Tasks>\n<Resources/>\n<Assignments/>\n</Project>\n");
    (out, shape)
}

/// The day itself when Monday to Friday, else the next Monday (holidays are not avoided: the
/// dates of a synthetic file need not be a schedule).
fn working(d: NaiveDate) -> NaiveDate {
    match d.weekday().num_days_from_monday() {
        5 => d.checked_add_days(Days::new(2)).unwrap_or(d),
        6 => d.checked_add_days(Days::new(1)).unwrap_or(d),
        _ => d,
    }
}
