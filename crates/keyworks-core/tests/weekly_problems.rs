//! The weekly update's 问题与风险 entered in the problem ledger: split into items the way
//! officers number them, filed with the update in one transaction, never entered twice while
//! still open, and nothing written when anything is wrong.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, NaiveDate};
use keyworks_core::model::{ProblemLevel, Status};
use keyworks_core::portfolio::filing::{Filed, Filing};
use keyworks_core::portfolio::updates::{IfReported, UpdateInput};
use keyworks_core::supervision::problems::{RaiseProblems, items_in_issues};
use keyworks_core::week::IsoWeek;
use keyworks_core::{Db, Stamp};

fn me() -> Stamp {
    Stamp::new(
        "王工",
        DateTime::parse_from_rfc3339("2021-06-11T17:00:00+08:00").unwrap(),
    )
    .unwrap()
}

fn seeded() -> Db {
    let mut db = Db::open_in_memory().unwrap();
    let at = DateTime::parse_from_rfc3339("2021-01-04T09:00:00+08:00").unwrap();
    db.load_seed(&Stamp::new("KeyWorks 初始数据", at).unwrap())
        .unwrap();
    db
}

fn update(issues: &str, if_reported: IfReported) -> UpdateInput {
    UpdateInput {
        week: IsoWeek::containing(NaiveDate::from_ymd_opt(2021, 6, 11).unwrap()),
        percent_complete: 62.0,
        status: Status::Yellow,
        narrative: "主体结构施工".into(),
        issues: issues.into(),
        next_steps: String::new(),
        if_reported,
    }
}

/// Files `input` with its issues entered in the ledger as `raise` says.
fn file(
    db: &mut Db,
    code: &str,
    input: UpdateInput,
    raise: &RaiseProblems,
    stamp: &Stamp,
) -> keyworks_core::Result<Filed> {
    let filing = Filing {
        input,
        raise: Some(raise.clone()),
        photos: Vec::new(),
    };
    db.file_update(code, &filing, stamp)
}

fn raise() -> RaiseProblems {
    RaiseProblems {
        unit: "区住建局".into(),
        coordinator: Some("李副主任（示例）".into()),
        due: NaiveDate::from_ymd_opt(2021, 6, 30),
        level: ProblemLevel::District,
    }
}

#[test]
fn items_are_split_on_lines_and_semicolons_with_their_numbering_taken_off() {
    let text = "1.施工用电未接通；2、塔吊未验收\n（3）雨季排水\n① 渣土外运受限;\n\n(四) 材料涨价";
    assert_eq!(
        items_in_issues(text),
        [
            "施工用电未接通",
            "塔吊未验收",
            "雨季排水",
            "渣土外运受限",
            "材料涨价"
        ]
    );
    assert!(items_in_issues(" \n；").is_empty());
    // A figure at the start is not numbering when no mark follows it.
    assert_eq!(items_in_issues("2021年计划调整"), ["2021年计划调整"]);
}

#[test]
fn the_update_and_its_problems_are_filed_together_and_not_twice() {
    let mut db = seeded();
    let first = file(
        &mut db,
        "KP21-01",
        update("1.施工用电未接通；2.塔吊未验收", IfReported::ReplaceAny),
        &raise(),
        &me(),
    )
    .unwrap();
    assert_eq!(first.problems.len(), 2);
    let p = &first.problems[0];
    assert_eq!(p.problem, "施工用电未接通");
    assert_eq!(p.raised, NaiveDate::from_ymd_opt(2021, 6, 11).unwrap());
    assert_eq!(p.unit, "区住建局");
    assert_eq!(p.level, ProblemLevel::District);
    // The report edited and filed again with one new item: only that one is entered.
    let again = file(
        &mut db,
        "KP21-01",
        update(
            "1.施工用电未接通；2.塔吊未验收；3.渣土外运受限",
            IfReported::Replace(first.update.id),
        ),
        &raise(),
        &me(),
    )
    .unwrap();
    assert!(
        db.verify().unwrap().is_ok(),
        "every row is in the change log"
    );
    let texts: Vec<&str> = again.problems.iter().map(|p| p.problem.as_str()).collect();
    assert_eq!(texts, ["渣土外运受限"]);
    let as_of = NaiveDate::from_ymd_opt(2021, 6, 11).unwrap();
    assert_eq!(
        db.problem_ledger(as_of, true, Some("KP21-01"))
            .unwrap()
            .len(),
        3
    );
    assert!(
        db.problem_ledger(as_of, true, Some("KP21-02"))
            .unwrap()
            .is_empty()
    );
    // Week 23's report filed ten days late: its problem was known on that week's Friday.
    let late = Stamp::new(
        "刘工",
        DateTime::parse_from_rfc3339("2021-06-21T09:00:00+08:00").unwrap(),
    )
    .unwrap();
    let filed = file(
        &mut db,
        "KP21-02",
        update("设备清关慢", IfReported::ReplaceAny),
        &raise(),
        &late,
    )
    .unwrap();
    assert_eq!(filed.problems[0].raised, as_of);
}

#[test]
fn nothing_is_written_when_the_update_or_a_problem_is_refused() {
    let mut db = seeded();
    let count = |db: &Db| {
        let as_of = NaiveDate::from_ymd_opt(2021, 6, 11).unwrap();
        (
            db.updates_of("KP21-01").unwrap().len(),
            db.problem_ledger(as_of, false, None).unwrap().len(),
        )
    };
    let before = count(&db);
    // No item to enter.
    let e = file(
        &mut db,
        "KP21-01",
        update("  ", IfReported::ReplaceAny),
        &raise(),
        &me(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("问题与风险"), "{e}");
    // A deadline before today.
    let early = RaiseProblems {
        due: NaiveDate::from_ymd_opt(2021, 6, 1),
        ..raise()
    };
    let e = file(
        &mut db,
        "KP21-01",
        update("施工用电未接通", IfReported::ReplaceAny),
        &early,
        &me(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("解决时限"), "{e}");
    // The week already reported and the officer did not say to replace it: the problems are
    // not entered either.
    db.record_update("KP21-01", &update("", IfReported::ReplaceAny), &me())
        .unwrap();
    let before_refusal = count(&db);
    let e = file(
        &mut db,
        "KP21-01",
        update("施工用电未接通", IfReported::Refuse),
        &raise(),
        &me(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("王工"), "{e}");
    assert_eq!(count(&db), before_refusal);
    assert_eq!(before_refusal.1, before.1);
}
