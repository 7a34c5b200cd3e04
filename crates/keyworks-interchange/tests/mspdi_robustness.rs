//! The MSPDI reader on bad input: malformed XML is named by line and column, hostile XML
//! (entity expansion, deep nesting) is refused, blank rows and unknown elements are passed
//! over, a failing or cancelled import leaves the database file byte for byte as it was, and
//! no input makes it panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use keyworks_core::imports::project_import::ImportOutcome;
use keyworks_core::model::{Category, Stage};
use keyworks_core::{Access, Db};
use keyworks_interchange::mspdi::{self, ImportOptions, MspdiError, synthetic};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

mod common;
use common::{import_options, importer};

fn options(code: &str) -> ImportOptions {
    import_options(code, Category::Services, Stage::NewStart)
}

fn go_on(_: keyworks_core::imports::project_import::ImportProgress) -> ControlFlow<()> {
    ControlFlow::Continue(())
}

const HEAD: &str =
    "<?xml version=\"1.0\"?>\n<Project xmlns=\"http://schemas.microsoft.com/project\">\n";

fn sha(path: &Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

fn file_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kw.sqlite");
    drop(Db::create(&path).unwrap());
    (dir, path)
}

#[test]
fn malformed_xml_is_named_by_line_and_column() {
    let xml = format!(
        "{HEAD}<Tasks>\n  <Task><UID>1</UID><Name>基础</Name></Tsk>\n</Tasks>\n</Project>\n"
    );
    let e = mspdi::parse(xml.as_bytes()).unwrap_err();
    match &e {
        MspdiError::Malformed { line, column, .. } => {
            assert_eq!(*line, 4, "{e}");
            assert!(*column > 1, "{e}");
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("第 4 行"), "{e}");

    // A bad value names its element, line and column too.
    let xml = format!(
        "{HEAD}<Tasks>\n<Task><UID>1</UID><Name>a</Name>\n<Start>2021-02-30T08:00:00</Start></Task></Tasks></Project>"
    );
    let e = mspdi::parse(xml.as_bytes()).unwrap_err();
    assert!(
        matches!(&e, MspdiError::Value { line: 5, field, .. } if field == "Start"),
        "{e:?}"
    );

    // A truncated file.
    let xml = format!("{HEAD}<Tasks>\n<Task><UID>1</UID>");
    assert!(matches!(
        mspdi::parse(xml.as_bytes()).unwrap_err(),
        MspdiError::Malformed { line: 4, .. }
    ));

    // Not MSPDI at all.
    assert!(matches!(
        mspdi::parse(b"<html><body/></html>").unwrap_err(),
        MspdiError::NotMspdi { .. }
    ));
    assert!(mspdi::parse(b"").is_err());
    assert!(mspdi::parse(&[0xff, 0xfe, 0x00, 0xd8]).is_err());
}

#[test]
fn entity_expansion_and_deep_nesting_are_refused() {
    let laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE Project [\n <!ENTITY lol \"lol\">\n <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n]>\n<Project><Name>&lol2;</Name></Project>";
    let e = mspdi::parse(laughs.as_bytes()).unwrap_err();
    assert!(matches!(&e, MspdiError::Refused { line: 2, .. }), "{e:?}");
    assert!(e.to_string().contains("DOCTYPE"), "{e}");

    // An entity without a DOCTYPE is undefined: refused, not expanded or kept.
    let e = mspdi::parse(format!("{HEAD}<Name>&xxe;</Name></Project>").as_bytes()).unwrap_err();
    assert!(matches!(&e, MspdiError::Refused { .. }), "{e:?}");
    // XML's own entities and character references are fine.
    let f = mspdi::parse(
        format!("{HEAD}<Title>A &amp; B &#x4E2D;&#22269;</Title></Project>").as_bytes(),
    )
    .unwrap();
    assert_eq!(f.title.as_deref(), Some("A & B 中国"));

    let deep = format!(
        "{HEAD}{}{}</Project>",
        "<X>".repeat(100_000),
        "</X>".repeat(100_000)
    );
    let e = mspdi::parse(deep.as_bytes()).unwrap_err();
    assert!(matches!(&e, MspdiError::Refused { .. }), "{e:?}");
    assert!(e.to_string().contains("嵌套"), "{e}");
}

#[test]
fn blank_rows_are_skipped_and_unknown_elements_ignored() {
    let xml = format!(
        "{HEAD}<Vendor><Deep><Deeper>x</Deeper></Deep></Vendor><CalendarUID>1</CalendarUID>\n\
         <Tasks>\n\
         <Task><UID>0</UID><Name>project</Name><OutlineLevel>0</OutlineLevel><Summary>1</Summary>\
           <Start>2021-03-01T08:00:00</Start><Finish>2021-03-03T17:00:00</Finish></Task>\n\
         <Task><UID>1</UID><Name>打桩</Name><OutlineLevel>1</OutlineLevel><Start>2021-03-01T08:00:00</Start>\
           <Finish>2021-03-02T17:00:00</Finish><Duration>PT16H0M0S</Duration><Colour>red</Colour>\
           <ExtendedAttribute><FieldID>1</FieldID><Value>v</Value></ExtendedAttribute></Task>\n\
         <Task><UID>2</UID><IsNull>1</IsNull></Task>\n\
         <Task><UID>3</UID></Task>\n\
         <Task><UID>4</UID><Name>验收</Name><OutlineLevel>1</OutlineLevel><Start>2021-03-03T17:00:00</Start>\
           <Finish>2021-03-03T17:00:00</Finish><Duration>PT0H0M0S</Duration><Milestone>1</Milestone>\
           <PredecessorLink><PredecessorUID>1</PredecessorUID><Type>1</Type><LinkLag>4800</LinkLag>\
           <LagFormat>7</LagFormat><Unknown/></PredecessorLink></Task>\n\
         </Tasks><Resources><Resource><UID>1</UID></Resource></Resources></Project>"
    );
    let mut db = Db::open_in_memory().unwrap();
    let r = mspdi::import_bytes(
        &mut db,
        xml.as_bytes(),
        &options("BLANK"),
        &importer(),
        &mut go_on,
    )
    .unwrap();
    let ImportOutcome::Imported(s) = r.outcome else {
        panic!()
    };
    assert_eq!((s.tasks, s.milestones, s.links), (2, 1, 1));
    let e = db.project_export("BLANK").unwrap();
    assert_eq!(e.detail.tasks[0].name, "打桩");
    assert_eq!(e.detail.tasks[0].duration_days, 2);
    assert_eq!(e.detail.dependencies[0].lag_days, 1);
    assert_eq!(
        e.detail.tasks[1].planned_finish,
        NaiveDate::from_ymd_opt(2021, 3, 3).unwrap()
    );
}

#[test]
fn a_failing_import_leaves_the_file_byte_identical() {
    let (_dir, path) = file_db();
    let (xml, _) = synthetic::generate(300);
    {
        let mut db = Db::open(&path, Access::ReadWrite).unwrap();
        mspdi::import_bytes(
            &mut db,
            xml.as_bytes(),
            &options("TAKEN"),
            &importer(),
            &mut go_on,
        )
        .unwrap();
    }
    let before = sha(&path);
    let mut db = Db::open(&path, Access::ReadWrite).unwrap();
    // The code is taken: the calendar row is already written when the project insert fails.
    let e = mspdi::import_bytes(
        &mut db,
        xml.as_bytes(),
        &options("TAKEN"),
        &importer(),
        &mut go_on,
    )
    .unwrap_err();
    assert_eq!(e.code(), keyworks_core::ErrorCode::InvalidInput, "{e}");
    // A malformed file fails before the transaction.
    let broken = &xml[..xml.len() / 2];
    assert!(
        mspdi::import_bytes(
            &mut db,
            broken.as_bytes(),
            &options("HALF"),
            &importer(),
            &mut go_on
        )
        .is_err()
    );
    drop(db);
    assert_eq!(sha(&path), before);
}

#[test]
fn progress_is_reported_and_cancelling_rolls_back() {
    let (_dir, path) = file_db();
    let before = sha(&path);
    let (xml, shape) = synthetic::generate(5_000);
    let mut db = Db::open(&path, Access::ReadWrite).unwrap();
    let mut seen = Vec::new();
    let r = mspdi::import_bytes(
        &mut db,
        xml.as_bytes(),
        &options("BIG"),
        &importer(),
        &mut |p| {
            seen.push(p);
            if p.rows_done >= 6_000 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        },
    )
    .unwrap();
    assert!(matches!(r.outcome, ImportOutcome::Cancelled));
    assert!(seen.len() >= 3, "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0].rows_done <= w[1].rows_done));
    assert_eq!(
        seen[0].rows_total as usize,
        shape.tasks + shape.links + shape.tasks
    );
    drop(db);
    assert_eq!(sha(&path), before, "a cancelled import left traces");
    let db = Db::open(&path, Access::ReadOnly).unwrap();
    assert!(db.projects().unwrap().is_empty());
}

#[test]
fn a_10k_import_verifies() {
    let (_dir, path) = file_db();
    let (xml, shape) = synthetic::generate(10_000);
    let mut db = Db::open(&path, Access::ReadWrite).unwrap();
    let r = mspdi::import_bytes(
        &mut db,
        xml.as_bytes(),
        &options("TENK"),
        &importer(),
        &mut go_on,
    )
    .unwrap();
    let ImportOutcome::Imported(s) = r.outcome else {
        panic!()
    };
    assert_eq!(
        (s.tasks, s.milestones, s.links, s.baseline_tasks),
        (shape.tasks, shape.milestones, shape.links, shape.tasks)
    );
    drop(db);
    let db = Db::open(&path, Access::ReadOnly).unwrap();
    let report = db.verify().unwrap();
    assert!(
        report.is_ok(),
        "{:?}",
        &report.findings[..report.findings.len().min(5)]
    );
    // task + link + baseline rows, each logged, plus calendar, exceptions, project and baseline.
    assert!(report.log_rows as usize > shape.tasks * 2 + shape.links);
}

fn real_files() -> Vec<Vec<u8>> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/testdata/mspdi"
    ));
    let mut out: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "xml"))
                .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() < 200_000))
                .filter_map(|p| std::fs::read(p).ok())
                .collect()
        })
        .unwrap_or_default();
    out.push(synthetic::generate(40).0.into_bytes());
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Arbitrary bytes: an error or a file, never a panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        if let Ok(file) = mspdi::parse(&bytes) {
            let _ = mspdi::to_project_import(&file, &options("P"));
        }
    }

    /// Real files with bytes changed, cut or repeated: an error or an import, never a panic;
    /// an import that succeeds still verifies.
    #[test]
    fn mutated_real_files_never_panic(
        which in 0usize..16,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..4), 1..8),
    ) {
        let files = real_files();
        let mut bytes = files[which % files.len()].clone();
        for (at, byte, how) in edits {
            if bytes.is_empty() {
                break;
            }
            let i = at.index(bytes.len());
            match how {
                0 => bytes[i] = byte,
                1 => bytes.truncate(i),
                2 => { bytes.remove(i); }
                _ => {
                    let piece: Vec<u8> = bytes[i..bytes.len().min(i + 40)].to_vec();
                    bytes.splice(i..i, piece);
                }
            }
        }
        if let Ok(file) = mspdi::parse(&bytes) {
            if let Ok(converted) = mspdi::to_project_import(&file, &options("P")) {
                let mut db = Db::open_in_memory().unwrap();
                if db.import_project(&converted.import, &importer(), &mut go_on).is_ok() {
                    prop_assert!(db.verify().unwrap().is_ok());
                }
            }
        }
    }
}
