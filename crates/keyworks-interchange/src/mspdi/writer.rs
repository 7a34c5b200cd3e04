//! Writes a KeyWorks project as MSPDI that MS Project, ProjectLibre and GanttProject open.
//! Elements follow the order of Microsoft's schema (mspdi_pj12.xsd), which MS Project checks.

use std::collections::HashMap;
use std::fmt::Write;

use chrono::NaiveDate;
use keyworks_core::ids::TaskId;
use keyworks_core::imports::project_import::{ConstraintKind, ProjectExport};
use keyworks_core::model::{DayKind, LinkKind};

/// Minutes in the exported working day (08:00–12:00, 13:00–17:00).
const MINUTES_PER_DAY: i64 = 480;
/// Working times written for every working day.
const WORKING_TIMES: &str = "<WorkingTimes><WorkingTime><FromTime>08:00:00</FromTime><ToTime>12:00:00</ToTime></WorkingTime><WorkingTime><FromTime>13:00:00</FromTime><ToTime>17:00:00</ToTime></WorkingTime></WorkingTimes>";

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 cannot carry other control characters at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
}

fn element(out: &mut String, tag: &str, value: impl std::fmt::Display) {
    let _ = write!(out, "<{tag}>{value}</{tag}>");
}

fn text_element(out: &mut String, tag: &str, value: &str) {
    let _ = write!(out, "<{tag}>");
    escape_into(out, value);
    let _ = write!(out, "</{tag}>");
}

fn day_start(d: NaiveDate) -> String {
    format!("{}T08:00:00", d.format("%Y-%m-%d"))
}

fn day_finish(d: NaiveDate) -> String {
    format!("{}T17:00:00", d.format("%Y-%m-%d"))
}

fn duration(days: i64) -> String {
    format!("PT{}H0M0S", days.max(0) * MINUTES_PER_DAY / 60)
}

fn link_type(kind: LinkKind) -> i64 {
    match kind {
        LinkKind::FinishToFinish => 0,
        LinkKind::FinishToStart => 1,
        LinkKind::StartToFinish => 2,
        LinkKind::StartToStart => 3,
    }
}

fn constraint_type(kind: ConstraintKind) -> i64 {
    match kind {
        ConstraintKind::Alap => 1,
        ConstraintKind::MustStartOn => 2,
        ConstraintKind::MustFinishOn => 3,
        ConstraintKind::StartNoEarlierThan => 4,
        ConstraintKind::StartNoLaterThan => 5,
        ConstraintKind::FinishNoEarlierThan => 6,
        ConstraintKind::FinishNoLaterThan => 7,
    }
}

/// MSPDI baseline numbers (0–10) for KeyWorks' named baselines: "Baseline" is 0 and
/// "Baseline N" is N, as an import names them; other names take the free numbers in order.
/// More than eleven baselines do not fit; the newest are left out.
pub fn baseline_numbers(names: &[&str]) -> Vec<Option<i64>> {
    let wanted: Vec<Option<i64>> = names
        .iter()
        .map(|n| match n.trim() {
            "Baseline" => Some(0),
            other => other
                .strip_prefix("Baseline ")
                .and_then(|k| k.parse::<i64>().ok())
                .filter(|k| (1..=10).contains(k)),
        })
        .collect();
    let mut used: Vec<i64> = Vec::new();
    let mut out = Vec::with_capacity(names.len());
    for w in &wanted {
        let n = w.filter(|n| !used.contains(n));
        if let Some(n) = n {
            used.push(n);
        }
        out.push(n);
    }
    // Names that are not MS Project's take the numbers no standard name claimed.
    let claimed: Vec<i64> = wanted.iter().flatten().copied().collect();
    let mut free = (0..=10).filter(|n| !claimed.contains(n) && !used.contains(n));
    for slot in out.iter_mut() {
        if slot.is_none() {
            *slot = free.next();
        }
    }
    out
}

/// The project as an MSPDI document.
pub fn write(export: &ProjectExport) -> String {
    let d = &export.detail;
    let tasks = &d.tasks;
    let mut out = String::with_capacity(2_000 + tasks.len() * 900);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
    out.push_str("<Project xmlns=\"http://schemas.microsoft.com/project\">");
    element(&mut out, "SaveVersion", 14);
    let mut file_name = String::new();
    escape_into(&mut file_name, &d.project.code);
    element(&mut out, "Name", format!("{file_name}.xml"));
    text_element(&mut out, "Title", &d.project.name);
    let start = tasks
        .iter()
        .map(|t| t.planned_start)
        .min()
        .or(d.project.planned_start);
    let finish = tasks
        .iter()
        .map(|t| t.planned_finish)
        .max()
        .or(d.project.planned_finish);
    element(&mut out, "ScheduleFromStart", 1);
    if let Some(s) = start {
        element(&mut out, "StartDate", day_start(s));
    }
    if let Some(f) = finish {
        element(&mut out, "FinishDate", day_finish(f));
    }
    element(&mut out, "FYStartDate", 1);
    element(&mut out, "CriticalSlackLimit", 0);
    element(&mut out, "CurrencyDigits", 2);
    element(&mut out, "CurrencySymbol", "¥");
    element(&mut out, "CurrencyCode", "CNY");
    element(&mut out, "CurrencySymbolPosition", 0);
    element(&mut out, "CalendarUID", 1);
    element(&mut out, "DefaultStartTime", "08:00:00");
    element(&mut out, "DefaultFinishTime", "17:00:00");
    element(&mut out, "MinutesPerDay", MINUTES_PER_DAY);
    element(&mut out, "MinutesPerWeek", MINUTES_PER_DAY * 5);
    element(&mut out, "DaysPerMonth", 20);
    element(&mut out, "DefaultTaskType", 0);
    element(&mut out, "DurationFormat", 7);
    element(&mut out, "WorkFormat", 2);
    element(&mut out, "HonorConstraints", 0);
    element(&mut out, "WeekStartDay", 1);

    write_calendar(&mut out, export);

    // Outline levels and numbers from the hierarchy, in WBS order.
    let index: HashMap<TaskId, usize> = tasks.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
    let mut level = vec![1usize; tasks.len()];
    let mut has_children = vec![false; tasks.len()];
    for (i, t) in tasks.iter().enumerate() {
        if let Some(p) = t.parent_id.and_then(|p| index.get(&p)).copied() {
            has_children[p] = true;
            if p < i {
                level[i] = level[p] + 1;
            }
        }
    }
    let mut preds: HashMap<TaskId, Vec<usize>> = HashMap::new();
    for (k, dep) in d.dependencies.iter().enumerate() {
        preds.entry(dep.successor_id).or_default().push(k);
    }
    let names: Vec<&str> = export
        .baselines
        .iter()
        .map(|(b, _)| b.name.as_str())
        .collect();
    let numbers = baseline_numbers(&names);
    // task -> [(baseline number, row)]
    let mut baseline_rows: HashMap<TaskId, Vec<(i64, &keyworks_core::model::BaselineTask)>> =
        HashMap::new();
    for ((_, rows), number) in export.baselines.iter().zip(&numbers) {
        let Some(number) = number else { continue };
        for r in rows {
            baseline_rows
                .entry(r.task_id)
                .or_default()
                .push((*number, r));
        }
    }

    out.push_str("<Tasks>");
    // The project's own summary task (UID 0), as MS Project writes it.
    out.push_str("<Task>");
    element(&mut out, "UID", 0);
    element(&mut out, "ID", 0);
    text_element(&mut out, "Name", &d.project.name);
    element(&mut out, "Active", 1);
    element(&mut out, "Manual", 0);
    element(&mut out, "Type", 1);
    element(&mut out, "IsNull", 0);
    element(&mut out, "WBS", 0);
    element(&mut out, "OutlineNumber", 0);
    element(&mut out, "OutlineLevel", 0);
    if let (Some(s), Some(f)) = (start, finish) {
        element(&mut out, "Start", day_start(s));
        element(&mut out, "Finish", day_finish(f));
        element(
            &mut out,
            "Duration",
            duration(export.calendar.working_days_inclusive(s, f)),
        );
        element(&mut out, "DurationFormat", 7);
    }
    element(&mut out, "Milestone", 0);
    element(&mut out, "Summary", 1);
    element(&mut out, "ConstraintType", 0);
    element(&mut out, "CalendarUID", -1);
    out.push_str("</Task>");

    let mut counters: Vec<usize> = Vec::new();
    let mut outline = String::new();
    for (i, t) in tasks.iter().enumerate() {
        let lvl = level[i];
        counters.truncate(lvl);
        while counters.len() < lvl {
            counters.push(0);
        }
        counters[lvl - 1] += 1;
        outline.clear();
        for (k, c) in counters.iter().enumerate() {
            if k > 0 {
                outline.push('.');
            }
            let _ = write!(outline, "{c}");
        }
        let uid = i + 1;
        out.push_str("<Task>");
        element(&mut out, "UID", uid);
        element(&mut out, "ID", uid);
        text_element(&mut out, "Name", &t.name);
        element(&mut out, "Active", 1);
        element(&mut out, "Manual", 0);
        element(&mut out, "Type", 0);
        element(&mut out, "IsNull", 0);
        element(&mut out, "WBS", &outline);
        element(&mut out, "OutlineNumber", &outline);
        element(&mut out, "OutlineLevel", lvl);
        if t.is_milestone {
            element(&mut out, "Start", day_start(t.planned_finish));
            element(&mut out, "Finish", day_start(t.planned_finish));
            element(&mut out, "Duration", duration(0));
        } else {
            element(&mut out, "Start", day_start(t.planned_start));
            element(&mut out, "Finish", day_finish(t.planned_finish));
            element(&mut out, "Duration", duration(t.duration_days));
        }
        element(&mut out, "DurationFormat", 7);
        element(&mut out, "Milestone", u8::from(t.is_milestone));
        element(&mut out, "Summary", u8::from(has_children[i]));
        element(
            &mut out,
            "PercentComplete",
            t.percent_complete.round().clamp(0.0, 100.0) as i64,
        );
        if let Some(a) = t.actual_start {
            element(&mut out, "ActualStart", day_start(a));
        }
        if let Some(a) = t.actual_finish {
            element(
                &mut out,
                "ActualFinish",
                if t.is_milestone {
                    day_start(a)
                } else {
                    day_finish(a)
                },
            );
        }
        match export.constraints.get(&t.id) {
            Some(c) => {
                element(&mut out, "ConstraintType", constraint_type(c.kind));
                element(&mut out, "CalendarUID", -1);
                if let Some(date) = c.date {
                    let at = if c.kind.is_on_start() {
                        day_start(date)
                    } else {
                        day_finish(date)
                    };
                    element(&mut out, "ConstraintDate", at);
                }
            }
            None => {
                element(&mut out, "ConstraintType", 0);
                element(&mut out, "CalendarUID", -1);
            }
        }
        for k in preds.get(&t.id).into_iter().flatten() {
            let dep = &d.dependencies[*k];
            let Some(p) = index.get(&dep.predecessor_id) else {
                continue;
            };
            out.push_str("<PredecessorLink>");
            element(&mut out, "PredecessorUID", p + 1);
            element(&mut out, "Type", link_type(dep.kind));
            element(&mut out, "CrossProject", 0);
            element(&mut out, "LinkLag", dep.lag_days * MINUTES_PER_DAY * 10);
            element(&mut out, "LagFormat", 7);
            out.push_str("</PredecessorLink>");
        }
        for (number, row) in baseline_rows.get(&t.id).into_iter().flatten() {
            out.push_str("<Baseline>");
            element(&mut out, "Number", number);
            if row.is_milestone || row.duration_days == 0 {
                element(&mut out, "Start", day_start(row.planned_start));
                element(&mut out, "Finish", day_start(row.planned_finish));
            } else {
                element(&mut out, "Start", day_start(row.planned_start));
                element(&mut out, "Finish", day_finish(row.planned_finish));
            }
            element(&mut out, "Duration", duration(row.duration_days));
            element(&mut out, "DurationFormat", 7);
            out.push_str("</Baseline>");
        }
        out.push_str("</Task>");
    }
    out.push_str("</Tasks><Resources/><Assignments/></Project>\n");
    out
}

fn write_calendar(out: &mut String, export: &ProjectExport) {
    let cal = &export.calendar;
    out.push_str("<Calendars><Calendar>");
    element(out, "UID", 1);
    text_element(out, "Name", &export.calendar_name);
    element(out, "IsBaseCalendar", 1);
    element(out, "BaseCalendarUID", -1);
    out.push_str("<WeekDays>");
    let pattern = cal.week_pattern();
    let monday_first: Vec<bool> = pattern.chars().map(|c| c == '1').collect();
    for day_type in 1..=7usize {
        // DayType 1 is Sunday; the pattern is Monday first.
        let working = monday_first
            .get((day_type + 5) % 7)
            .copied()
            .unwrap_or(false);
        out.push_str("<WeekDay>");
        element(out, "DayType", day_type);
        element(out, "DayWorking", u8::from(working));
        if working {
            out.push_str(WORKING_TIMES);
        }
        out.push_str("</WeekDay>");
    }
    out.push_str("</WeekDays>");
    // Runs of consecutive days of the same kind and name become one exception (春节 is one).
    let days: Vec<(NaiveDate, DayKind, &str)> = cal
        .exceptions()
        .map(|(d, k)| (d, k, cal.exception_name(d).unwrap_or("")))
        .collect();
    let mut runs: Vec<(NaiveDate, NaiveDate, DayKind, &str)> = Vec::new();
    for (d, k, name) in days {
        match runs.last_mut() {
            Some(last) if last.2 == k && last.3 == name && last.1.succ_opt() == Some(d) => {
                last.1 = d
            }
            _ => runs.push((d, d, k, name)),
        }
    }
    if !runs.is_empty() {
        out.push_str("<Exceptions>");
        for (from, to, kind, name) in runs {
            out.push_str("<Exception>");
            element(out, "EnteredByOccurrences", 0);
            out.push_str("<TimePeriod>");
            element(
                out,
                "FromDate",
                format!("{}T00:00:00", from.format("%Y-%m-%d")),
            );
            element(out, "ToDate", format!("{}T23:59:00", to.format("%Y-%m-%d")));
            out.push_str("</TimePeriod>");
            element(out, "Occurrences", (to - from).num_days() + 1);
            // A nameless exception stays nameless, so that a round trip gives the same calendar.
            if !name.is_empty() {
                text_element(out, "Name", name);
            }
            element(out, "Type", 1);
            let working = kind == DayKind::Workday;
            element(out, "DayWorking", u8::from(working));
            if working {
                out.push_str(WORKING_TIMES);
            }
            out.push_str("</Exception>");
        }
        out.push_str("</Exceptions>");
    }
    out.push_str("</Calendar></Calendars>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_names_keep_their_numbers_and_others_fill_the_gaps() {
        assert_eq!(
            baseline_numbers(&["Baseline 2", "开工前", "Baseline", "Baseline 2"]),
            vec![Some(2), Some(1), Some(0), Some(3)]
        );
    }
}
