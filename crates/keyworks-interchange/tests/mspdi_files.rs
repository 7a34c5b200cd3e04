//! MSPDI import and export on files other tools wrote (`shared/testdata/mspdi/`, see its
//! README): every file imports; the counts of tasks, milestones and links and the dates equal
//! the file's (counted here independently with roxmltree); calendars and baselines arrive; and
//! import → export → import gives the same project.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime, Timelike};
use keyworks_core::Db;
use keyworks_core::imports::project_import::{ImportOutcome, ImportSummary, ProjectExport};
use keyworks_core::model::{Category, Stage};
use keyworks_core::plan::calendar::Calendar;
use keyworks_interchange::mspdi::{self, ImportOptions};
use roxmltree::Node;

mod common;
use common::{import_options, importer};

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

fn files() -> Vec<PathBuf> {
    let Some(dir) = mspdi_dir() else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "{files:?}");
    files
}

fn options(code: &str) -> ImportOptions {
    import_options(code, Category::DistrictInfrastructure, Stage::Continuing)
}

fn import(db: &mut Db, bytes: &[u8], code: &str) -> (ImportSummary, Vec<String>) {
    let report = mspdi::import_bytes(db, bytes, &options(code), &importer(), &mut |_| {
        ControlFlow::Continue(())
    })
    .unwrap_or_else(|e| panic!("{code}: {e}"));
    match report.outcome {
        ImportOutcome::Imported(s) => (*s, report.warnings),
        ImportOutcome::Cancelled => panic!("{code}: cancelled"),
    }
}

// ---- The file, read independently ----

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| c.tag_name().name() == name)
}

fn text<'a>(n: Node<'a, '_>, name: &str) -> Option<&'a str> {
    child(n, name).and_then(|c| c.text()).map(str::trim)
}

fn datetime(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap()
}

#[derive(Debug)]
struct FileTask {
    uid: i64,
    name: String,
    milestone: bool,
    parent: bool,
    start: NaiveDateTime,
    finish: NaiveDateTime,
    zero: bool,
}

#[derive(Debug)]
struct FileCounts {
    tasks: Vec<FileTask>,
    milestones: usize,
    links: usize,
    baseline_rows: usize,
}

fn read_independently(xml: &str) -> FileCounts {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let root = doc.root_element();
    let nodes: Vec<Node> = child(root, "Tasks")
        .map(|t| {
            t.children()
                .filter(|c| c.tag_name().name() == "Task")
                .collect()
        })
        .unwrap_or_default();
    let real: Vec<Node> = nodes
        .into_iter()
        .filter(|t| text(*t, "IsNull") != Some("1") && text(*t, "OutlineLevel") != Some("0"))
        .collect();
    let levels: Vec<i64> = real
        .iter()
        .map(|t| text(*t, "OutlineLevel").map_or(1, |l| l.parse().unwrap()))
        .collect();
    let mut tasks = Vec::new();
    let mut milestones = 0;
    let mut links = 0;
    let mut baseline_rows = 0;
    for (i, t) in real.iter().enumerate() {
        let parent = levels.get(i + 1).is_some_and(|next| *next > levels[i]);
        let milestone = text(*t, "Milestone") == Some("1") && !parent;
        milestones += usize::from(milestone);
        links += t
            .children()
            .filter(|c| c.tag_name().name() == "PredecessorLink")
            .count();
        baseline_rows += t
            .children()
            .filter(|c| {
                c.tag_name().name() == "Baseline"
                    && text(*c, "Start").is_some()
                    && text(*c, "Finish").is_some()
            })
            .count();
        tasks.push(FileTask {
            uid: text(*t, "UID").unwrap().parse().unwrap(),
            name: text(*t, "Name").unwrap_or("").to_owned(),
            milestone,
            parent,
            start: datetime(text(*t, "Start").unwrap()),
            finish: datetime(text(*t, "Finish").unwrap()),
            zero: text(*t, "Duration").is_none_or(|d| d == "PT0H0M0S"),
        });
    }
    FileCounts {
        tasks,
        milestones,
        links,
        baseline_rows,
    }
}

/// The day a file datetime is shown on, by the rule everyone uses with an 08:00–17:00 day: a
/// start at or after 17:00 (or on a day off) moves to the next working day, a finish at or
/// before 08:00 to the previous one.
fn shown_start(cal: &Calendar, at: NaiveDateTime) -> NaiveDate {
    let m = at.hour() * 60 + at.minute();
    if m < 17 * 60 && cal.is_working_day(at.date()) {
        at.date()
    } else {
        cal.next_working_day(at.date()).unwrap()
    }
}

fn shown_finish(cal: &Calendar, at: NaiveDateTime) -> NaiveDate {
    let m = at.hour() * 60 + at.minute();
    if m > 8 * 60 && cal.is_working_day(at.date()) {
        at.date()
    } else {
        cal.previous_working_day(at.date()).unwrap()
    }
}

fn code_of(path: &Path) -> String {
    mspdi::default_code(path)
}

#[test]
fn every_file_imports_with_the_files_counts_and_dates() {
    for path in files() {
        let xml = std::fs::read_to_string(&path).unwrap();
        let file = read_independently(&xml);
        let mut db = Db::open_in_memory().unwrap();
        let code = code_of(&path);
        let (summary, warnings) = import(&mut db, xml.as_bytes(), &code);
        eprintln!(
            "{code}: {} tasks, {} milestones, {} links, {} calendar exceptions, {} baselines ({} rows); warnings: {warnings:?}",
            summary.tasks,
            summary.milestones,
            summary.links,
            summary.calendar_exceptions,
            summary.baselines,
            summary.baseline_tasks
        );
        assert_eq!(summary.tasks, file.tasks.len(), "{code}: tasks");
        assert_eq!(summary.milestones, file.milestones, "{code}: milestones");
        assert_eq!(summary.links, file.links, "{code}: links");
        assert_eq!(
            summary.baseline_tasks, file.baseline_rows,
            "{code}: baseline rows"
        );
        let report = db.verify().unwrap();
        assert!(report.is_ok(), "{code}: {:?}", report.findings);

        let export = db.project_export(&code).unwrap();
        let cal = &export.calendar;
        let tasks = &export.detail.tasks;
        assert_eq!(tasks.len(), file.tasks.len());
        let mut compared = 0;
        for (got, want) in tasks.iter().zip(&file.tasks) {
            assert_eq!(
                got.name,
                if want.name.is_empty() {
                    format!("（未命名任务 UID {}）", want.uid)
                } else {
                    want.name.clone()
                }
            );
            assert_eq!(got.is_milestone, want.milestone, "{code} {}", want.name);
            if want.parent {
                continue; // a summary spans its children: checked below
            }
            let (start, finish) = if want.zero || want.milestone {
                (want.start.date(), want.finish.date())
            } else {
                (shown_start(cal, want.start), shown_finish(cal, want.finish))
            };
            if got.is_milestone {
                assert_eq!(got.planned_finish, finish, "{code} {}", want.name);
            } else {
                assert_eq!(
                    (got.planned_start, got.planned_finish),
                    (start, finish.max(start)),
                    "{code} {} (file {}..{})",
                    want.name,
                    want.start,
                    want.finish
                );
            }
            compared += 1;
        }
        // Summaries span their children.
        for t in tasks {
            let children: Vec<_> = tasks.iter().filter(|c| c.parent_id == Some(t.id)).collect();
            if !children.is_empty() {
                assert_eq!(
                    t.planned_start,
                    children.iter().map(|c| c.planned_start).min().unwrap()
                );
                assert_eq!(
                    t.planned_finish,
                    children.iter().map(|c| c.planned_finish).max().unwrap()
                );
            }
        }
        eprintln!("{code}: {compared} task dates compared day for day");
    }
}

#[test]
fn the_1520_calendar_works_the_make_up_saturday_and_rests_on_the_holiday() {
    let Some(dir) = mspdi_dir() else { return };
    let xml = std::fs::read(dir.join("ganttproject-issue1520.xml")).unwrap();
    let mut db = Db::open_in_memory().unwrap();
    let (summary, _) = import(&mut db, &xml, "GP1520");
    assert_eq!(summary.tasks, 0);
    assert_eq!(summary.calendar_exceptions, 2);
    let export = db.project_export("GP1520").unwrap();
    let d = |m, day| NaiveDate::from_ymd_opt(2018, m, day).unwrap();
    assert!(export.calendar.is_working_day(d(4, 28)), "make-up Saturday");
    assert!(!export.calendar.is_working_day(d(4, 30)), "holiday Monday");
    assert!(export.calendar.is_working_day(d(4, 27)));
    assert!(!export.calendar.is_working_day(d(4, 29)));
    assert_eq!(export.calendar.week_pattern(), "1111100");
}

#[test]
fn the_baselines_file_brings_its_eleven_baselines() {
    let Some(dir) = mspdi_dir() else { return };
    let xml = std::fs::read_to_string(dir.join("mpxj-baselines.xml")).unwrap();
    let mut db = Db::open_in_memory().unwrap();
    let (summary, _) = import(&mut db, xml.as_bytes(), "BASE");
    let export = db.project_export("BASE").unwrap();
    let names: Vec<&str> = export
        .baselines
        .iter()
        .map(|(b, _)| b.name.as_str())
        .collect();
    assert!(names.contains(&"Baseline 1"), "{names:?}");
    assert!(names.contains(&"Baseline 10"), "{names:?}");
    assert_eq!(summary.baselines, names.len());
    // Task One's Baseline 1: start 2001-01-01T09:00, 7.5 h (one day of the file's 450 minutes).
    let (_, rows) = export
        .baselines
        .iter()
        .find(|(b, _)| b.name == "Baseline 1")
        .unwrap();
    let one = rows.iter().find(|r| r.task_name == "Task One").unwrap();
    assert_eq!(
        one.planned_start,
        NaiveDate::from_ymd_opt(2001, 1, 1).unwrap()
    );
    assert_eq!(one.duration_days, 1);
    let taken: Vec<NaiveDate> = export.baselines.iter().map(|(b, _)| b.taken_on).collect();
    assert!(taken.iter().all(|d| *d == taken[0]));
}

/// Everything a round trip must keep, with ids replaced by positions.
#[derive(Debug, PartialEq)]
struct Comparable {
    tasks: Vec<String>,
    links: Vec<String>,
    calendar: (String, Vec<String>),
    baselines: Vec<String>,
}

fn comparable(e: &ProjectExport) -> Comparable {
    let pos: HashMap<_, _> = e
        .detail
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id, i))
        .collect();
    let tasks = e
        .detail
        .tasks
        .iter()
        .map(|t| {
            format!(
                "{} parent={:?} ms={} {}..{} {}d {}% actual={:?}..{:?} constraint={:?}",
                t.name,
                t.parent_id.map(|p| pos[&p]),
                t.is_milestone,
                t.planned_start,
                t.planned_finish,
                t.duration_days,
                t.percent_complete.round(),
                t.actual_start,
                t.actual_finish,
                e.constraints.get(&t.id)
            )
        })
        .collect();
    let mut links: Vec<String> = e
        .detail
        .dependencies
        .iter()
        .map(|d| {
            format!(
                "{}->{} {:?} lag {}",
                pos[&d.predecessor_id], pos[&d.successor_id], d.kind, d.lag_days
            )
        })
        .collect();
    links.sort();
    let calendar = (
        e.calendar.week_pattern(),
        e.calendar
            .exceptions()
            .map(|(d, k)| {
                format!(
                    "{d} {k:?} {}",
                    e.calendar.exception_name(d).unwrap_or_default()
                )
            })
            .collect(),
    );
    let mut baselines: Vec<String> = Vec::new();
    for (b, rows) in &e.baselines {
        for r in rows {
            baselines.push(format!(
                "{} {} ms={} {}..{} {}d",
                b.name,
                pos[&r.task_id],
                r.is_milestone,
                r.planned_start,
                r.planned_finish,
                r.duration_days
            ));
        }
    }
    baselines.sort();
    Comparable {
        tasks,
        links,
        calendar,
        baselines,
    }
}

#[test]
fn import_export_import_gives_the_same_project_for_every_file() {
    for path in files() {
        let xml = std::fs::read(&path).unwrap();
        let mut db = Db::open_in_memory().unwrap();
        let code = code_of(&path);
        import(&mut db, &xml, &code);
        let first = db.project_export(&code).unwrap();
        let exported = mspdi::export_string(&db, &code).unwrap();
        // Well-formed XML in MS Project's namespace, which another parser reads.
        let doc = roxmltree::Document::parse(&exported).unwrap();
        assert_eq!(
            doc.root_element().tag_name().namespace(),
            Some("http://schemas.microsoft.com/project")
        );
        let again = format!("{code}-rt");
        let (summary, warnings) = import(&mut db, exported.as_bytes(), &again);
        assert!(warnings.is_empty(), "{code}: {warnings:?}");
        let second = db.project_export(&again).unwrap();
        let (a, b) = (comparable(&first), comparable(&second));
        assert_eq!(a.tasks, b.tasks, "{code}: tasks");
        assert_eq!(a.links, b.links, "{code}: links");
        assert_eq!(a.calendar, b.calendar, "{code}: calendar");
        assert_eq!(a.baselines, b.baselines, "{code}: baselines");
        // And once more: the second export is the first one, byte for byte, but for the code.
        let exported_again = mspdi::export_string(&db, &again).unwrap();
        assert_eq!(
            without_names(&exported),
            without_names(&exported_again),
            "{code}: a second round trip changed the file"
        );
        eprintln!(
            "{code}: round trip kept {} tasks, {} links, {} calendar exceptions, {} baseline rows",
            summary.tasks, summary.links, summary.calendar_exceptions, summary.baseline_tasks
        );
        assert!(db.verify().unwrap().is_ok());
    }
}

/// The file with its file name and calendar name left out (they carry the project code).
fn without_names(xml: &str) -> String {
    let mut out = xml.to_owned();
    for open in [
        "<SaveVersion>14</SaveVersion><Name>",
        "<Calendar><UID>1</UID><Name>",
    ] {
        let start = out.find(open).unwrap() + open.len();
        let end = start + out[start..].find("</Name>").unwrap();
        out.replace_range(start..end, "");
    }
    out
}
