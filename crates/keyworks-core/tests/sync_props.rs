//! Random edit sequences on a hub and three replicas, synced in random orders. Without
//! conflicts every file ends with the same portfolio; with them, each conflict is reported
//! once, a decision settles it for good, and the files still converge. Every file verifies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate};
use keyworks_core::model::Status;
use keyworks_core::plan::wbs_edit::TaskDraft;
use keyworks_core::portfolio::updates::{IfReported, UpdateInput};
use keyworks_core::sync::{Choice, Decisions, SyncOutcome};
use keyworks_core::week::IsoWeek;
use keyworks_core::{Access, Db, Stamp};
use proptest::prelude::*;

mod sync_files;
use sync_files::dump;

const PEOPLE: [&str; 4] = ["张经理", "王工", "刘工", "陈工"];
const CODES: [&str; 4] = ["KP21-01", "KP21-02", "KP21-06", "KP21-03"];

#[derive(Debug, Clone)]
enum Step {
    /// File `file` (0: the hub) edits: `kind` picks the edit, `n` its target and values.
    Edit { file: usize, kind: u8, n: usize },
    /// Replica `replica` (1..=3) syncs; a conflict is settled with `take_mine` or not.
    Sync { replica: usize, take_mine: bool },
}

fn step(overlap: bool) -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0usize..4, 0u8..6, 0usize..1000).prop_map(move |(file, kind, n)| Step::Edit {
            file,
            kind,
            // Without overlap each file keeps to its own project.
            n: if overlap { n % 8 } else { n - n % 4 + file },
        }),
        1 => (1usize..4, any::<bool>()).prop_map(|(replica, take_mine)| Step::Sync { replica, take_mine }),
    ]
}

fn stamp(file: usize, minute: usize) -> Stamp {
    let at = format!(
        "2021-06-30T{:02}:{:02}:00+08:00",
        8 + minute / 60 % 10,
        minute % 60
    );
    Stamp::new(PEOPLE[file], DateTime::parse_from_rfc3339(&at).unwrap()).unwrap()
}

fn open(path: &Path) -> Db {
    Db::open_checked(path, Access::ReadWrite).unwrap()
}

/// One edit; edits the store refuses (a rule of the model) are simply not made.
fn edit(db: &mut Db, file: usize, kind: u8, n: usize, minute: usize) {
    let who = stamp(file, minute);
    let code = CODES[n % 4];
    let project = db.project_by_code(code).unwrap();
    let tasks = db.tasks_of(project.id).unwrap();
    let pick = &tasks[n % tasks.len()];
    let _ = match kind {
        0 => db
            .record_update(
                code,
                &UpdateInput {
                    week: IsoWeek::new(2021, 20 + (n % 5) as u32).unwrap(),
                    percent_complete: (n % 100) as f64,
                    status: Status::Green,
                    narrative: format!("{} 第 {n} 次填报", PEOPLE[file]),
                    issues: String::new(),
                    next_steps: String::new(),
                    if_reported: IfReported::ReplaceAny,
                },
                &who,
            )
            .map(drop),
        1 => db
            .rename_task(pick.id, &format!("{}改名{n}", PEOPLE[file]), &who)
            .map(drop),
        2 => db
            .add_task(
                code,
                &TaskDraft {
                    parent_id: pick.parent_id,
                    after: Some(pick.id),
                    name: format!("{}新增{n}", PEOPLE[file]),
                    is_milestone: n % 4 == 0,
                    planned_start: NaiveDate::from_ymd_opt(2021, 7, 1 + (n % 20) as u32).unwrap(),
                    planned_finish: NaiveDate::from_ymd_opt(2021, 7, 21 + (n % 5) as u32).unwrap(),
                    acceptance: String::new(),
                },
                &who,
            )
            .map(drop),
        3 if !pick.is_milestone && !tasks.iter().any(|t| t.parent_id == Some(pick.id)) => {
            db.delete_task(pick.id, &who).map(drop)
        }
        4 => match tasks
            .iter()
            .find(|t| t.is_milestone && t.actual_finish.is_none())
        {
            Some(m) => db
                .complete_milestone(
                    m.id,
                    NaiveDate::from_ymd_opt(2021, 6, 1 + (n % 28) as u32).unwrap(),
                    "",
                    &who,
                )
                .map(drop),
            None => Ok(()),
        },
        _ => db.undo_last_edit(&who).map(drop),
    };
}

/// Syncs, settling conflicts as asked; checks each conflict is reported once and that the
/// decided sync goes through. Returns how many conflicts there were.
fn sync(
    replica: &Path,
    hub: &Path,
    file: usize,
    take_mine: bool,
    minute: usize,
) -> Result<usize, TestCaseError> {
    let who = stamp(file, minute);
    match open(replica)
        .sync_with_file(hub, &Decisions::default(), &who)
        .unwrap()
    {
        SyncOutcome::Synced(_) => Ok(0),
        SyncOutcome::NeedsDecision { conflicts } => {
            let keys: BTreeSet<&str> = conflicts.iter().map(|c| c.key.as_str()).collect();
            prop_assert_eq!(
                keys.len(),
                conflicts.len(),
                "each conflict once: {:#?}",
                conflicts
            );
            let choice = if take_mine {
                Choice::TakeMine
            } else {
                Choice::KeepHub
            };
            match open(replica)
                .sync_with_file(hub, &Decisions::all(choice), &who)
                .unwrap()
            {
                SyncOutcome::Synced(report) => {
                    prop_assert_eq!(report.decided.len(), conflicts.len());
                }
                SyncOutcome::NeedsDecision { conflicts } => {
                    return Err(TestCaseError::fail(format!(
                        "decided sync refused: {conflicts:#?}"
                    )));
                }
            }
            Ok(conflicts.len())
        }
    }
}

fn run(steps: &[Step], overlap: bool) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let hub = dir.path().join("hub.sqlite");
    drop(Db::create_seeded(&hub, &stamp(0, 0)).unwrap());
    let files: Vec<PathBuf> = (0..4)
        .map(|i| {
            if i == 0 {
                return hub.clone();
            }
            let out = dir.path().join(format!("r{i}.sqlite"));
            open(&hub)
                .create_replica(&out, &format!("r{i}"), &stamp(i, 1))
                .unwrap();
            out
        })
        .collect();
    let mut conflicts = 0;
    for (minute, s) in steps.iter().enumerate() {
        match s {
            Step::Edit { file, kind, n } => {
                edit(&mut open(&files[*file]), *file, *kind, *n, minute + 2)
            }
            Step::Sync { replica, take_mine } => {
                conflicts += sync(&files[*replica], &hub, *replica, *take_mine, minute + 2)?;
            }
        }
    }
    // Everyone syncs twice over: the first round brings each one's work to the hub, the
    // second brings everything to everyone.
    for round in 0..2 {
        for (r, file) in files.iter().enumerate().skip(1) {
            conflicts += sync(file, &hub, r, round == 0, 900 + round * 10 + r)?;
        }
    }
    if !overlap {
        prop_assert_eq!(conflicts, 0, "disjoint edits never conflict");
    }
    let expected = dump(&hub);
    for f in &files[1..] {
        prop_assert!(dump(f) == expected, "{} differs from the hub", f.display());
    }
    for f in &files {
        let report = Db::open_checked(f, Access::ReadOnly)
            .unwrap()
            .verify()
            .unwrap();
        prop_assert!(report.is_ok(), "{}: {:#?}", f.display(), report.findings);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 16,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn disjoint_edits_converge_without_conflicts(steps in prop::collection::vec(step(false), 1..30)) {
        run(&steps, false)?;
    }

    #[test]
    fn overlapping_edits_converge_once_each_conflict_is_decided(steps in prop::collection::vec(step(true), 1..30)) {
        run(&steps, true)?;
    }
}
