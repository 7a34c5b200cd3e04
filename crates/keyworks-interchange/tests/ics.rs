//! The iCalendar export of the seeded milestones, parsed back by a strict reader written
//! here from RFC 5545 (not by the code that wrote it).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};

use proptest::prelude::*;

use chrono::{NaiveDate, TimeZone, Utc};
use keyworks_core::Db;
use keyworks_interchange::ical::{IcsRequest, calendar_text, escape_text};
use keyworks_interchange::tabular::{Lang, Scope, milestones_of};

use common::{as_of, d, officer, seeded};

/// One content line: name, parameters, value (escapes still in).
#[derive(Debug, Clone, PartialEq)]
struct Prop {
    name: String,
    params: Vec<String>,
    value: String,
}

#[derive(Debug, Default)]
struct Calendar {
    props: Vec<Prop>,
    events: Vec<Vec<Prop>>,
}

/// Strict parse: CRLF only, physical lines of at most 75 octets each valid UTF-8 on its
/// own (no character split by folding), unfolding, BEGIN/END nesting.
fn parse(text: &str) -> Calendar {
    let bytes = text.as_bytes();
    assert!(text.ends_with("\r\n"), "must end with CRLF");
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            assert_eq!(bytes[i - 1], b'\r', "bare LF at byte {i}");
        }
        if b == b'\r' {
            assert_eq!(bytes.get(i + 1), Some(&b'\n'), "bare CR at byte {i}");
        }
    }
    let physical: Vec<&str> = text.strip_suffix("\r\n").unwrap().split("\r\n").collect();
    let mut logical: Vec<String> = Vec::new();
    for line in physical {
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
        assert!(!line.is_empty(), "empty line");
        match line.strip_prefix(' ').or_else(|| line.strip_prefix('\t')) {
            Some(cont) => logical
                .last_mut()
                .expect("continuation first")
                .push_str(cont),
            None => logical.push(line.to_owned()),
        }
    }
    let mut cal = Calendar::default();
    let mut stack: Vec<String> = Vec::new();
    for line in logical {
        let colon = line.find(':').unwrap_or_else(|| panic!("no colon: {line}"));
        let (head, value) = (&line[..colon], &line[colon + 1..]);
        let mut parts = head.split(';');
        let name = parts.next().unwrap().to_owned();
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c == '-'),
            "bad name {name}"
        );
        let prop = Prop {
            name: name.clone(),
            params: parts.map(str::to_owned).collect(),
            value: value.to_owned(),
        };
        match name.as_str() {
            "BEGIN" => {
                if value == "VEVENT" {
                    assert_eq!(stack, vec!["VCALENDAR"]);
                    cal.events.push(Vec::new());
                } else {
                    assert!(stack.is_empty() && value == "VCALENDAR");
                }
                stack.push(value.to_owned());
            }
            "END" => assert_eq!(stack.pop().as_deref(), Some(value)),
            _ => match stack.last().map(String::as_str) {
                Some("VEVENT") => cal.events.last_mut().unwrap().push(prop),
                Some("VCALENDAR") => cal.props.push(prop),
                other => panic!("property outside a component: {other:?} {line}"),
            },
        }
    }
    assert!(stack.is_empty(), "unclosed {stack:?}");
    cal
}

/// TEXT unescaping; an unknown escape is an error.
fn unescape(v: &str) -> String {
    let mut out = String::new();
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(c @ ('\\' | ';' | ',')) => out.push(c),
                other => panic!("bad escape \\{other:?} in {v}"),
            }
        } else {
            assert!(c != ';' && c != ',', "unescaped {c} in {v}");
            out.push(c);
        }
    }
    out
}

fn one<'a>(event: &'a [Prop], name: &str) -> &'a Prop {
    let found: Vec<&Prop> = event.iter().filter(|p| p.name == name).collect();
    assert_eq!(found.len(), 1, "{name} in {event:?}");
    found[0]
}

fn date_value(p: &Prop) -> NaiveDate {
    assert_eq!(p.params, vec!["VALUE=DATE"], "{p:?}");
    NaiveDate::parse_from_str(&p.value, "%Y%m%d").unwrap()
}

fn export(db: &Db, scope: &Scope, hour: u32) -> String {
    let ms = milestones_of(db, scope, as_of()).unwrap();
    calendar_text(
        &ms,
        &IcsRequest {
            dtstamp: Utc.with_ymd_and_hms(2021, 6, 11, hour, 0, 0).unwrap(),
            calendar_name: "KeyWorks 里程碑，西安高新区".into(),
            lang: Lang::Zh,
        },
    )
}

/// UID → (DTSTART, SUMMARY) of each event.
fn events_by_uid(cal: &Calendar) -> BTreeMap<String, (NaiveDate, String)> {
    cal.events
        .iter()
        .map(|e| {
            (
                one(e, "UID").value.clone(),
                (
                    date_value(one(e, "DTSTART")),
                    unescape(&one(e, "SUMMARY").value),
                ),
            )
        })
        .collect()
}

#[test]
fn the_portfolio_calendar_is_strict_rfc_5545() {
    let db = seeded();
    let text = export(&db, &Scope::Portfolio, 2);
    let cal = parse(&text);
    let prop = |n: &str| {
        cal.props
            .iter()
            .find(|p| p.name == n)
            .map(|p| p.value.clone())
    };
    assert_eq!(prop("VERSION").as_deref(), Some("2.0"));
    assert!(prop("PRODID").unwrap().contains("KeyWorks"));
    assert_eq!(prop("CALSCALE").as_deref(), Some("GREGORIAN"));
    assert_eq!(
        unescape(&prop("X-WR-CALNAME").unwrap()),
        "KeyWorks 里程碑，西安高新区"
    );

    let ms = db.milestone_exports(None, as_of()).unwrap();
    assert_eq!(cal.events.len(), ms.len());
    let by_id: HashMap<String, _> = ms
        .iter()
        .map(|m| {
            (
                format!("kw-{}-{}@keyworks.local", m.row.project_code, m.row.id),
                m,
            )
        })
        .collect();
    let mut uids = HashSet::new();
    for e in &cal.events {
        let uid = one(e, "UID").value.clone();
        assert!(uids.insert(uid.clone()), "duplicate UID {uid}");
        let m = by_id
            .get(&uid)
            .unwrap_or_else(|| panic!("unknown UID {uid}"));
        assert_eq!(one(e, "DTSTAMP").value, "20210611T020000Z");
        let start = date_value(one(e, "DTSTART"));
        assert_eq!(start, m.row.due);
        assert_eq!(date_value(one(e, "DTEND")), start.succ_opt().unwrap());
        let summary = unescape(&one(e, "SUMMARY").value);
        assert!(
            summary.contains(&m.row.project_name) && summary.contains(&m.row.name),
            "{summary}"
        );
        let description = unescape(&one(e, "DESCRIPTION").value);
        match m.row.actual {
            Some(done) => {
                assert!(summary.starts_with("【已完成】"), "{summary}");
                assert!(
                    description.contains(&format!("已于 {done} 完成")),
                    "{description}"
                );
            }
            None => assert!(!summary.contains("已完成"), "{summary}"),
        }
        if !m.row.acceptance.is_empty() {
            assert!(description.contains(&m.row.acceptance));
        }
    }
    // Long Chinese descriptions were folded, and the reader above checked every piece.
    assert!(text.contains("\r\n "), "nothing was folded");
}

#[test]
fn uids_are_stable_across_exports_and_projects() {
    let mut db = seeded();
    let first = events_by_uid(&parse(&export(&db, &Scope::Portfolio, 2)));
    let later = events_by_uid(&parse(&export(&db, &Scope::Portfolio, 9)));
    assert_eq!(first, later);

    // A project's own calendar uses the same UIDs as the portfolio's.
    let samsung = events_by_uid(&parse(&export(&db, &Scope::Project("KP21-01".into()), 3)));
    assert!(!samsung.is_empty());
    for (uid, event) in &samsung {
        assert!(uid.starts_with("kw-KP21-01-"), "{uid}");
        assert_eq!(first.get(uid), Some(event));
    }
    assert_eq!(
        samsung.len(),
        db.milestone_exports(Some("KP21-01"), as_of())
            .unwrap()
            .len()
    );

    // Completing a milestone changes its event, not its UID: Outlook updates it in place.
    let m = db
        .milestone_exports(Some("KP21-01"), as_of())
        .unwrap()
        .into_iter()
        .find(|m| m.row.actual.is_none())
        .unwrap();
    db.complete_milestone(
        m.row.id,
        d(2021, 6, 18),
        "验收合格; 见纪要, 第\\3号\n附照片",
        &officer(),
    )
    .unwrap();
    let text = export(&db, &Scope::Portfolio, 10);
    let cal = parse(&text);
    let after = events_by_uid(&cal);
    assert_eq!(after.len(), first.len());
    let uid = format!("kw-KP21-01-{}@keyworks.local", m.row.id);
    assert!(after[&uid].1.starts_with("【已完成】"));
    let event = cal
        .events
        .iter()
        .find(|e| one(e, "UID").value == uid)
        .unwrap();
    let description = unescape(&one(event, "DESCRIPTION").value);
    assert!(
        description.contains("完成说明：验收合格; 见纪要, 第\\3号\n附照片"),
        "{description}"
    );
}

proptest! {
    /// Any text in a milestone's name or note: every line stays within 75 octets, no
    /// character is split, and unfolding and unescaping give the text back.
    #[test]
    fn any_text_folds_and_escapes_losslessly(text in "\\PC{0,200}", note in "[a-z,;\\\\\n\r中文😀 ]{0,120}") {
        let mut ms = SEEDED
            .with(|db| milestones_of(db, &Scope::Project("KP21-01".into()), as_of()))
            .unwrap();
        ms.truncate(1);
        ms[0].row.name = text.clone();
        ms[0].note = note.clone();
        ms[0].row.actual = Some(ms[0].row.due);
        let out = calendar_text(&ms, &IcsRequest {
            dtstamp: Utc.with_ymd_and_hms(2021, 6, 11, 0, 0, 0).unwrap(),
            calendar_name: text.clone(),
            lang: Lang::Zh,
        });
        let cal = parse(&out);
        let summary = unescape(&one(&cal.events[0], "SUMMARY").value);
        let kept: String = text.chars().filter(|c| !c.is_control()).collect();
        prop_assert!(summary.ends_with(&kept), "{summary:?} vs {kept:?}");
        let description = unescape(&one(&cal.events[0], "DESCRIPTION").value);
        let note_kept = note.replace("\r\n", "\n").replace('\r', "\n");
        if !note.is_empty() {
            prop_assert!(description.contains(&note_kept), "{description:?}");
        }
        prop_assert_eq!(escape_text("a,b"), "a\\,b");
    }
}

thread_local! {
    /// One seeded database for all proptest cases (seeding takes longer than a case).
    static SEEDED: Db = seeded();
}
