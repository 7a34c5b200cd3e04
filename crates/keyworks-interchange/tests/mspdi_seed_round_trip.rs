//! Every seeded project goes out as MSPDI and comes back with the same tasks and dates, and the
//! copy can be scheduled. Guards the day rules on both sides: a milestone done at the start of a
//! day is written with ActualFinish 08:00, which the reader must keep on that day (a task's
//! finish at 08:00 means the previous working day).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ops::ControlFlow;

use keyworks_core::Db;
use keyworks_core::imports::project_import::ImportOutcome;
use keyworks_core::model::{Category, Stage};
use keyworks_interchange::mspdi::{self};

mod common;
use common::{import_options, importer};

#[test]
fn every_seeded_project_survives_export_and_import_and_still_schedules() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Db::create_seeded(&dir.path().join("seed.sqlite"), &importer()).unwrap();
    let codes: Vec<String> = db.projects().unwrap().into_iter().map(|p| p.code).collect();
    assert!(codes.len() >= 12, "the seed has {} projects", codes.len());
    let mut done_milestones = 0;
    for code in &codes {
        let xml = mspdi::export_string(&db, code).unwrap();
        let copy = format!("{code}-RT");
        let options = import_options(&copy, Category::DistrictInfrastructure, Stage::Continuing);
        let report =
            mspdi::import_bytes(&mut db, xml.as_bytes(), &options, &importer(), &mut |_| {
                ControlFlow::Continue(())
            })
            .unwrap_or_else(|e| panic!("{code}: {e}"));
        assert!(
            matches!(report.outcome, ImportOutcome::Imported(_)),
            "{code}"
        );

        let before = db.project_detail(code).unwrap().tasks;
        let after = db.project_detail(&copy).unwrap().tasks;
        assert_eq!(before.len(), after.len(), "{code}: task count");
        for (b, a) in before.iter().zip(&after) {
            let what = format!("{code} 「{}」", b.name);
            assert_eq!(b.name, a.name, "{what}");
            assert_eq!(b.is_milestone, a.is_milestone, "{what}");
            assert_eq!(
                (b.planned_start, b.planned_finish),
                (a.planned_start, a.planned_finish),
                "{what}: planned"
            );
            assert_eq!(
                (b.actual_start, b.actual_finish),
                (a.actual_start, a.actual_finish),
                "{what}: actual"
            );
            if b.is_milestone && b.actual_finish.is_some() {
                done_milestones += 1;
            }
        }
        db.schedule(&copy)
            .unwrap_or_else(|e| panic!("{copy} cannot be scheduled after the round trip: {e}"));
    }
    assert!(
        done_milestones > 0,
        "the seed should have completed milestones to check"
    );
}
