//! Milestones as an iCalendar file (RFC 5545) for Outlook: one all-day VEVENT per milestone.
//!
//! Each event's UID comes from the project code and the milestone's id
//! (`kw-KP21-01-189@keyworks.local`), so importing a newer export into the same calendar
//! updates the events instead of adding duplicates. Lines end in CRLF and are folded at 75
//! octets without splitting a UTF-8 character; text values escape `\ ; ,` and newlines.

use chrono::{DateTime, Days, Utc};
use keyworks_core::ids::TaskId;
use keyworks_core::imports::milestone_import::MilestoneExport;
use keyworks_core::portfolio::milestones::MilestoneState;

use crate::tabular::Lang;

/// The longest line RFC 5545 allows, in octets, excluding the CRLF.
pub const MAX_LINE_OCTETS: usize = 75;

/// What the calendar is stamped with; the time is passed in, never read from the clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcsRequest {
    /// DTSTAMP of every event: when this file was made.
    pub dtstamp: DateTime<Utc>,
    /// Shown by Outlook as the calendar's name (X-WR-CALNAME).
    pub calendar_name: String,
    pub lang: Lang,
}

/// The stable UID of a milestone's event.
pub fn uid(project_code: &str, id: TaskId) -> String {
    // UIDs must stay ASCII-safe for every client: keep letters, digits and '-'.
    let code: String = project_code
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("kw-{code}-{id}@keyworks.local")
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded (RFC 5545 §3.1): at most 75 octets per physical line,
/// continuation lines start with a space, and a multi-byte character is never split.
fn push_folded(out: &mut String, line: &str) {
    let mut rest = line;
    let mut limit = MAX_LINE_OCTETS;
    loop {
        if rest.len() <= limit {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let mut cut = limit;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        // The leading space counts towards the next line's 75 octets.
        limit = MAX_LINE_OCTETS - 1;
    }
}

fn summary(m: &MilestoneExport, lang: Lang) -> String {
    let done = m.row.state == MilestoneState::Done;
    match (lang, done) {
        (Lang::Zh, true) => format!("【已完成】{}：{}", m.row.project_name, m.row.name),
        (Lang::Zh, false) => format!("{}：{}", m.row.project_name, m.row.name),
        (Lang::En, true) => format!("[Done] {}: {}", m.row.project_name, m.row.name),
        (Lang::En, false) => format!("{}: {}", m.row.project_name, m.row.name),
    }
}

fn description(m: &MilestoneExport, lang: Lang) -> String {
    let mut lines = Vec::new();
    let r = &m.row;
    match lang {
        Lang::Zh => {
            lines.push(format!("项目：{} {}", r.project_code, r.project_name));
            lines.push(format!("到期日期：{}", r.due));
            if !r.acceptance.is_empty() {
                lines.push(format!("验收标准：{}", r.acceptance));
            }
            match r.actual {
                Some(a) => lines.push(format!("已于 {a} 完成")),
                None => lines.push("尚未完成".to_owned()),
            }
            if !m.note.is_empty() {
                lines.push(format!("完成说明：{}", m.note));
            }
            lines.push(format!("KeyWorks 编号：{}", r.id));
        }
        Lang::En => {
            lines.push(format!("Project: {} {}", r.project_code, r.project_name));
            lines.push(format!("Due: {}", r.due));
            if !r.acceptance.is_empty() {
                lines.push(format!("Acceptance: {}", r.acceptance));
            }
            match r.actual {
                Some(a) => lines.push(format!("Done on {a}")),
                None => lines.push("Not done yet".to_owned()),
            }
            if !m.note.is_empty() {
                lines.push(format!("Completion note: {}", m.note));
            }
            lines.push(format!("KeyWorks ID: {}", r.id));
        }
    }
    lines.join("\n")
}

/// The calendar text: VCALENDAR with one all-day VEVENT per milestone, CRLF line ends.
pub fn calendar_text(milestones: &[MilestoneExport], request: &IcsRequest) -> String {
    let mut out = String::new();
    let stamp = request.dtstamp.format("%Y%m%dT%H%M%SZ").to_string();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//KeyWorks//KeyWorks Milestones//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        push_folded(&mut out, line);
    }
    push_folded(
        &mut out,
        &format!("X-WR-CALNAME:{}", escape_text(&request.calendar_name)),
    );
    for m in milestones {
        let r = &m.row;
        // DTEND of an all-day event is exclusive: the day after. The last representable
        // day has no successor; such a date cannot be stored, but never panic on it.
        let end = r.due.checked_add_days(Days::new(1)).unwrap_or(r.due);
        push_folded(&mut out, "BEGIN:VEVENT");
        push_folded(&mut out, &format!("UID:{}", uid(&r.project_code, r.id)));
        push_folded(&mut out, &format!("DTSTAMP:{stamp}"));
        push_folded(
            &mut out,
            &format!("DTSTART;VALUE=DATE:{}", r.due.format("%Y%m%d")),
        );
        push_folded(
            &mut out,
            &format!("DTEND;VALUE=DATE:{}", end.format("%Y%m%d")),
        );
        push_folded(
            &mut out,
            &format!("SUMMARY:{}", escape_text(&summary(m, request.lang))),
        );
        push_folded(
            &mut out,
            &format!("DESCRIPTION:{}", escape_text(&description(m, request.lang))),
        );
        push_folded(
            &mut out,
            &format!("CATEGORIES:KeyWorks,{}", escape_text(&r.project_code)),
        );
        push_folded(&mut out, "STATUS:CONFIRMED");
        // A milestone is a date to watch, not time the reader is busy.
        push_folded(&mut out, "TRANSP:TRANSPARENT");
        push_folded(&mut out, "END:VEVENT");
    }
    push_folded(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_never_splits_a_character_and_keeps_75_octets() {
        let mut out = String::new();
        let line = format!("SUMMARY:{}", "重点项目".repeat(30));
        push_folded(&mut out, &line);
        for physical in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= MAX_LINE_OCTETS, "{physical}");
        }
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, line);
    }

    #[test]
    fn text_escapes() {
        assert_eq!(escape_text("a,b;c\\d\r\ne\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
    }
}
