//! Offline replicas and sync: a hub and three replicas (the issue's scenario), conflicts that
//! leave both files untouched, decisions, change packages, interrupted syncs, and random edit
//! sequences that must converge.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate};
use keyworks_core::ids::TaskId;
use keyworks_core::model::Status;
use keyworks_core::portfolio::updates::{IfReported, UpdateInput};
use keyworks_core::sync::package::PackageOutcome;
use keyworks_core::sync::{Choice, ConflictKind, Decisions, SyncOutcome};
use keyworks_core::week::IsoWeek;
use keyworks_core::{Access, Db, Error, Stamp};
use rusqlite::Connection;
use sha2::{Digest, Sha256};

mod sync_files;
use sync_files::dump;

fn person(name: &str, at: &str) -> Stamp {
    Stamp::new(name, DateTime::parse_from_rfc3339(at).unwrap()).unwrap()
}

fn hub(dir: &Path) -> PathBuf {
    let path = dir.join("共享.sqlite");
    drop(Db::create_seeded(&path, &person("种子", "2021-06-01T09:00:00+08:00")).unwrap());
    path
}

fn replica(hub: &Path, out: &Path, who: &str) -> PathBuf {
    let mut h = Db::open_checked(hub, Access::ReadWrite).unwrap();
    let label = out.file_name().unwrap().to_string_lossy().into_owned();
    h.create_replica(out, &label, &person(who, "2021-06-14T08:00:00+08:00"))
        .unwrap();
    out.to_owned()
}

fn open(path: &Path) -> Db {
    Db::open_checked(path, Access::ReadWrite).unwrap()
}

fn update(week: &str, narrative: &str) -> UpdateInput {
    UpdateInput {
        week: IsoWeek::parse("week", week).unwrap(),
        percent_complete: 40.0,
        status: Status::Green,
        narrative: narrative.into(),
        issues: String::new(),
        next_steps: String::new(),
        if_reported: IfReported::Refuse,
    }
}

fn first_open_milestone(db: &Db, code: &str) -> TaskId {
    let project = db.project_by_code(code).unwrap();
    db.tasks_of(project.id)
        .unwrap()
        .into_iter()
        .find(|t| t.is_milestone && t.actual_finish.is_none())
        .unwrap()
        .id
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn sha(path: &Path) -> String {
    format!("{:x}", Sha256::digest(std::fs::read(path).unwrap()))
}

fn synced(outcome: SyncOutcome) -> keyworks_core::sync::SyncReport {
    match outcome {
        SyncOutcome::Synced(r) => r,
        SyncOutcome::NeedsDecision { conflicts } => panic!("unexpected conflicts: {conflicts:#?}"),
    }
}

fn assert_verifies(path: &Path) {
    let report = Db::open_checked(path, Access::ReadOnly)
        .unwrap()
        .verify()
        .unwrap();
    assert!(report.is_ok(), "{}: {:#?}", path.display(), report.findings);
}

#[test]
fn a_hub_and_three_replicas_the_officers_week() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub(dir.path());
    let a = replica(&hub, &dir.path().join("王工.sqlite"), "王工");
    let b = replica(&hub, &dir.path().join("刘工.sqlite"), "刘工");
    let c = replica(&hub, &dir.path().join("陈工.sqlite"), "陈工");
    let wang = person("王工", "2021-06-18T17:00:00+08:00");
    let liu = person("刘工", "2021-06-21T17:00:00+08:00");
    let chen = person("陈工", "2021-06-22T10:00:00+08:00");
    let manager = person("张经理", "2021-06-21T09:00:00+08:00");

    // Offline work on each laptop.
    let milestone = first_open_milestone(&open(&a), "KP21-03");
    {
        let mut db = open(&a);
        db.record_update("KP21-01", &update("2021-W24", "王工：主体结构封顶"), &wang)
            .unwrap();
        db.complete_milestone(milestone, date("2021-06-18"), "", &wang)
            .unwrap();
    }
    {
        let mut db = open(&b);
        db.record_update("KP21-02", &update("2021-W24", "刘工：设备进场"), &liu)
            .unwrap();
        db.complete_milestone(milestone, date("2021-06-21"), "", &liu)
            .unwrap();
        db.record_update("KP21-01", &update("2021-W24", "刘工：外墙施工"), &liu)
            .unwrap();
    }
    {
        let mut db = open(&c);
        db.record_update("KP21-05", &update("2021-W24", "陈工：桩基完成"), &chen)
            .unwrap();
    }
    // The manager edits KP21-04 on the hub directly.
    let renamed = {
        let mut db = open(&hub);
        let project = db.project_by_code("KP21-04").unwrap();
        let task = db.tasks_of(project.id).unwrap()[0].id;
        db.rename_task(task, "一期工程（经理改名）", &manager)
            .unwrap();
        task
    };

    // A syncs cleanly; its rows keep the ids they were made with.
    let a_update_id = open(&a).updates_of("KP21-01").unwrap().last().unwrap().id;
    assert!(
        a_update_id.0 >= 1 << 40,
        "a replica's rows take its own id range"
    );
    let report = synced(
        open(&a)
            .sync_with_file(&hub, &Decisions::default(), &wang)
            .unwrap(),
    );
    assert_eq!(report.pushed, 2);
    assert!(report.pulled >= 1, "A gets the manager's rename");
    assert_eq!(
        open(&hub).updates_of("KP21-01").unwrap().last().unwrap().id,
        a_update_id
    );
    assert_eq!(open(&a).task(renamed).unwrap().name, "一期工程（经理改名）");

    // B's sync stops with exactly the two conflicts; neither file changes.
    let (hub_sha, b_sha) = (sha(&hub), sha(&b));
    let outcome = open(&b)
        .sync_with_file(&hub, &Decisions::default(), &liu)
        .unwrap();
    let SyncOutcome::NeedsDecision { conflicts } = outcome else {
        panic!("B must meet conflicts")
    };
    assert_eq!(conflicts.len(), 2, "{conflicts:#?}");
    let done = conflicts
        .iter()
        .find(|c| c.kind == ConflictKind::BothChanged)
        .unwrap();
    assert_eq!(done.project, "KP21-03");
    assert_eq!(done.field.as_deref(), Some("actual_finish,actual_start"));
    assert_eq!(done.hub_value.as_deref(), Some("2021年6月18日"));
    assert_eq!(done.mine_value.as_deref(), Some("2021年6月21日"));
    assert_eq!(done.field_label.as_deref(), Some("实际完成、实际开始"));
    assert_eq!(
        (done.hub_author.as_str(), done.mine_author.as_str()),
        ("王工", "刘工")
    );
    let twice = conflicts
        .iter()
        .find(|c| c.kind == ConflictKind::Duplicate)
        .unwrap();
    assert_eq!(
        (twice.project.as_str(), twice.table.as_str()),
        ("KP21-01", "weekly_updates")
    );
    assert_eq!(twice.hub_author, "王工");
    assert!(twice.hub_value.as_deref().unwrap().contains("主体结构封顶"));
    assert!(twice.mine_value.as_deref().unwrap().contains("外墙施工"));
    assert_eq!(
        (sha(&hub), sha(&b)),
        (hub_sha, b_sha),
        "a refused sync changes nothing"
    );

    // B keeps the hub's: its other work goes up, its two conflicting changes are undone.
    let report = synced(
        open(&b)
            .sync_with_file(&hub, &Decisions::all(Choice::KeepHub), &liu)
            .unwrap(),
    );
    assert_eq!(report.decided.len(), 2);
    let db_b = open(&b);
    assert_eq!(
        db_b.task(milestone).unwrap().actual_finish,
        Some(date("2021-06-18"))
    );
    let b_updates = db_b.updates_of("KP21-01").unwrap();
    assert_eq!(b_updates.last().unwrap().narrative, "王工：主体结构封顶");
    assert_eq!(
        db_b.updates_of("KP21-02")
            .unwrap()
            .last()
            .unwrap()
            .narrative,
        "刘工：设备进场"
    );
    drop(db_b);

    // C's work arrives by package, applied twice: the second time is a no-op.
    let package = dir.path().join("陈工.kwchanges");
    open(&c).export_changes(&package, &chen).unwrap();
    let first = open(&hub)
        .apply_changes(&package, &Decisions::default(), &manager)
        .unwrap();
    assert!(
        matches!(first, PackageOutcome::Applied { applied: 1, .. }),
        "{first:?}"
    );
    let hub_after_first = sha(&hub);
    let second = open(&hub)
        .apply_changes(&package, &Decisions::default(), &manager)
        .unwrap();
    assert!(
        matches!(
            second,
            PackageOutcome::Applied {
                applied: 0,
                already_in_hub: 1,
                ..
            }
        ),
        "{second:?}"
    );
    assert_eq!(sha(&hub), hub_after_first);

    // A final sync of everyone: the package's group is not pushed again.
    let c_report = synced(
        open(&c)
            .sync_with_file(&hub, &Decisions::default(), &chen)
            .unwrap(),
    );
    assert_eq!((c_report.pushed, c_report.already_in_hub), (0, 1));
    for (file, who) in [(&a, &wang), (&b, &liu)] {
        synced(
            open(file)
                .sync_with_file(&hub, &Decisions::default(), who)
                .unwrap(),
        );
    }
    let expected = dump(&hub);
    for file in [&a, &b, &c] {
        assert_eq!(
            dump(file),
            expected,
            "{} holds the hub's portfolio",
            file.display()
        );
    }
    for file in [&hub, &a, &b, &c] {
        assert_verifies(file);
    }
    // Every author is in the hub's log, with the replica each group came from.
    let conn = Connection::open(&hub).unwrap();
    let authors: Vec<String> = conn
        .prepare("SELECT DISTINCT author FROM change_log ORDER BY author")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for who in ["王工", "刘工", "陈工", "张经理"] {
        assert!(authors.iter().any(|a| a == who), "{who} in {authors:?}");
    }
    let origins: Vec<(String, String)> = conn
        .prepare("SELECT origin_label, via FROM sync_origins ORDER BY tx_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(origins.contains(&("王工.sqlite".into(), "sync".into())));
    assert!(origins.contains(&("陈工.sqlite".into(), "package".into())));
}

#[test]
fn take_mine_writes_over_the_hub_and_the_hub_logs_both() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub(dir.path());
    let a = replica(&hub, &dir.path().join("a.sqlite"), "王工");
    let milestone = first_open_milestone(&open(&a), "KP21-03");
    open(&hub)
        .complete_milestone(
            milestone,
            date("2021-06-17"),
            "",
            &person("张经理", "2021-06-18T09:00:00+08:00"),
        )
        .unwrap();
    let wang = person("王工", "2021-06-19T09:00:00+08:00");
    open(&a)
        .complete_milestone(milestone, date("2021-06-19"), "验收", &wang)
        .unwrap();
    let report = synced(
        open(&a)
            .sync_with_file(&hub, &Decisions::all(Choice::TakeMine), &wang)
            .unwrap(),
    );
    assert_eq!(report.decided.len(), 1);
    assert_eq!(
        open(&hub).task(milestone).unwrap().actual_finish,
        Some(date("2021-06-19"))
    );
    assert_eq!(dump(&a), dump(&hub));
    assert_verifies(&hub);
    assert_verifies(&a);
    // Undo still works on a merged group, at the hub.
    open(&hub).undo_last_edit(&wang).unwrap();
    assert_eq!(
        open(&hub).task(milestone).unwrap().actual_finish,
        Some(date("2021-06-17"))
    );
    assert_verifies(&hub);
}

#[test]
fn an_edit_of_a_task_the_hub_deleted_is_a_conflict_and_keep_hub_deletes_it_here_too() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub(dir.path());
    let a = replica(&hub, &dir.path().join("a.sqlite"), "王工");
    let project = open(&hub).project_by_code("KP21-02").unwrap();
    let leaf = open(&hub)
        .tasks_of(project.id)
        .unwrap()
        .into_iter()
        .rfind(|t| !t.is_milestone)
        .unwrap()
        .id;
    open(&hub)
        .delete_task(leaf, &person("张经理", "2021-06-18T09:00:00+08:00"))
        .unwrap();
    let wang = person("王工", "2021-06-19T09:00:00+08:00");
    open(&a).rename_task(leaf, "改了名的任务", &wang).unwrap();
    let SyncOutcome::NeedsDecision { conflicts } = open(&a)
        .sync_with_file(&hub, &Decisions::default(), &wang)
        .unwrap()
    else {
        panic!("conflict expected")
    };
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].kind, ConflictKind::ChangedDeleted);
    assert_eq!(conflicts[0].key, format!("tasks#{}", leaf.0));
    assert_eq!(conflicts[0].project, "KP21-02");
    assert_eq!(conflicts[0].hub_author, "张经理");
    let mut each = Decisions::default();
    each.each.insert(conflicts[0].key.clone(), Choice::KeepHub);
    synced(open(&a).sync_with_file(&hub, &each, &wang).unwrap());
    assert!(open(&a).task(leaf).is_err(), "the task is gone here too");
    assert_eq!(dump(&a), dump(&hub));
    assert_verifies(&a);
}

#[test]
fn a_sync_cut_off_after_the_hub_committed_completes_next_time_without_applying_twice() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub(dir.path());
    let a = replica(&hub, &dir.path().join("a.sqlite"), "王工");
    let wang = person("王工", "2021-06-18T17:00:00+08:00");
    open(&a)
        .record_update("KP21-01", &update("2021-W24", "封顶"), &wang)
        .unwrap();
    // The hub commits; the replica never hears back (its copy is what it was before).
    let before = std::fs::read(&a).unwrap();
    synced(
        open(&a)
            .sync_with_file(&hub, &Decisions::default(), &wang)
            .unwrap(),
    );
    std::fs::write(&a, before).unwrap();
    let hub_log = |p: &Path| -> i64 {
        Connection::open(p)
            .unwrap()
            .query_row("SELECT count(*) FROM change_log", [], |r| r.get(0))
            .unwrap()
    };
    let logged = hub_log(&hub);
    let report = synced(
        open(&a)
            .sync_with_file(&hub, &Decisions::default(), &wang)
            .unwrap(),
    );
    assert_eq!((report.pushed, report.already_in_hub), (0, 1));
    assert_eq!(hub_log(&hub), logged, "nothing applied twice");
    assert_eq!(dump(&a), dump(&hub));
    assert_verifies(&a);
    assert_verifies(&hub);
}

#[test]
fn a_hub_that_is_not_there_or_not_ours_is_refused_and_the_replica_keeps_its_changes() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub(dir.path());
    let other = dir.path().join("别处.sqlite");
    drop(Db::create_seeded(&other, &person("种子", "2021-06-01T09:00:00+08:00")).unwrap());
    let a = replica(&hub, &dir.path().join("a.sqlite"), "王工");
    let wang = person("王工", "2021-06-18T17:00:00+08:00");
    open(&a)
        .record_update("KP21-01", &update("2021-W24", "封顶"), &wang)
        .unwrap();
    let missing = dir.path().join("断网").join("共享.sqlite");
    let err = open(&a)
        .sync_with_file(&missing, &Decisions::default(), &wang)
        .unwrap_err();
    assert!(matches!(err, Error::HubUnreachable { .. }), "{err:?}");
    assert!(err.to_string().contains("修改都还在"), "{err}");
    let err = open(&a)
        .sync_with_file(&other, &Decisions::default(), &wang)
        .unwrap_err();
    assert!(matches!(err, Error::WrongHub { .. }), "{err:?}");
    assert_eq!(open(&a).sync_status().unwrap().pending_changes, 1);
    // A damaged package changes nothing.
    let package = dir.path().join("a.kwchanges");
    open(&a).export_changes(&package, &wang).unwrap();
    let mut bytes = std::fs::read(&package).unwrap();
    let last = bytes.len() - 3;
    bytes[last] ^= 0x20;
    std::fs::write(&package, bytes).unwrap();
    let hub_sha = sha(&hub);
    let err = open(&hub)
        .apply_changes(&package, &Decisions::default(), &wang)
        .unwrap_err();
    assert!(matches!(err, Error::BadPackage { .. }), "{err:?}");
    assert_eq!(sha(&hub), hub_sha);
}

#[test]
fn rows_two_laptops_insert_offline_never_collide_and_keep_their_ids() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub(dir.path());
    let a = replica(&hub, &dir.path().join("a.sqlite"), "王工");
    let b = replica(&hub, &dir.path().join("b.sqlite"), "刘工");
    let mut made = Vec::new();
    for (file, who, name) in [(&a, "王工", "王工的新任务"), (&b, "刘工", "刘工的新任务")]
    {
        let stamp = person(who, "2021-06-18T09:00:00+08:00");
        let mut db = open(file);
        let draft = keyworks_core::plan::wbs_edit::TaskDraft {
            parent_id: None,
            after: None,
            name: name.into(),
            is_milestone: false,
            planned_start: date("2021-07-01"),
            planned_finish: date("2021-07-09"),
            acceptance: String::new(),
        };
        let task = db.add_task("KP21-02", &draft, &stamp).unwrap();
        let first = db.tasks_of(task.project_id).unwrap()[0].id;
        let link = db
            .add_dependency(
                first,
                task.id,
                keyworks_core::model::LinkKind::FinishToStart,
                0,
                &stamp,
            )
            .unwrap();
        let baseline = db
            .save_baseline("KP21-02", &format!("{who}基线"), date("2021-06-18"), &stamp)
            .unwrap();
        made.push((task.id, link.id, baseline.id));
    }
    // Same ids were free in each file, yet no two rows share one.
    assert_ne!(made[0].0, made[1].0);
    assert_ne!(made[0].1, made[1].1);
    assert_ne!(made[0].2, made[1].2);
    for (file, who) in [(&a, "王工"), (&b, "刘工"), (&a, "王工")] {
        synced(
            open(file)
                .sync_with_file(
                    &hub,
                    &Decisions::default(),
                    &person(who, "2021-06-19T09:00:00+08:00"),
                )
                .unwrap(),
        );
    }
    let h = open(&hub);
    for (task, _, _) in &made {
        assert!(
            h.task(*task).is_ok(),
            "task {task} in the hub under its own id"
        );
    }
    assert_eq!(dump(&a), dump(&hub));
    assert_eq!(dump(&b), dump(&hub));
    assert_verifies(&hub);
}

#[test]
fn a_replica_is_made_from_the_shared_file_not_from_another_replica() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub(dir.path());
    let a = replica(&hub, &dir.path().join("a.sqlite"), "王工");
    let err = open(&a)
        .create_replica(
            &dir.path().join("aa.sqlite"),
            "aa",
            &person("王工", "2021-06-18T09:00:00+08:00"),
        )
        .unwrap_err();
    assert!(err.to_string().contains("请从共享文件创建副本"), "{err}");
    assert!(!dir.path().join("aa.sqlite").exists());
    assert!(!dir.path().join("aa.sqlite.part").exists());
}

#[test]
fn a_hub_held_busy_by_another_writer_is_named_and_the_replica_keeps_its_changes() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub(dir.path());
    let a = replica(&hub, &dir.path().join("a.sqlite"), "王工");
    let wang = person("王工", "2021-06-18T17:00:00+08:00");
    open(&a)
        .record_update("KP21-01", &update("2021-W24", "封顶"), &wang)
        .unwrap();
    let holder = Connection::open(&hub).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let err = open(&a)
        .sync_with_file(&hub, &Decisions::default(), &wang)
        .unwrap_err();
    assert_eq!(err.code(), keyworks_core::ErrorCode::Busy, "{err}");
    assert!(err.to_string().contains("共享.sqlite"), "{err}");
    holder.execute_batch("ROLLBACK").unwrap();
    assert_eq!(open(&a).sync_status().unwrap().pending_changes, 1);
    synced(
        open(&a)
            .sync_with_file(&hub, &Decisions::default(), &wang)
            .unwrap(),
    );
}
