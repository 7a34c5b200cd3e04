#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::*;
use crate::ErrorCode;
use crate::Stamp;
use crate::model::{Status, Task};
use crate::portfolio::updates::{IfReported, UpdateInput};
use crate::week::IsoWeek;

const SAMSUNG: &str = "KP21-01";

fn stamp_by(author: &str, at: &str) -> Stamp {
    Stamp::new(author, DateTime::parse_from_rfc3339(at).unwrap()).unwrap()
}

fn me() -> Stamp {
    stamp_by("韩工", "2021-06-11T10:00:00+08:00")
}

fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap()
}

fn seeded() -> Db {
    let mut db = Db::open_in_memory().unwrap();
    db.load_seed(&stamp_by("KeyWorks 初始数据", "2021-01-04T09:00:00+08:00"))
        .unwrap();
    db
}

fn task(db: &Db, name: &str) -> Task {
    db.project_detail(SAMSUNG)
        .unwrap()
        .tasks
        .into_iter()
        .find(|t| t.name == name)
        .unwrap()
}

fn latest(db: &Db, lang: Lang) -> Edit {
    let q = HistoryQuery {
        limit: 1,
        ..HistoryQuery::default()
    };
    db.history(&q, lang, beijing()).unwrap().edits.remove(0)
}

#[test]
fn a_milestone_marked_done_reads_as_such_with_its_project_and_name() {
    let mut db = seeded();
    let m = task(&db, "竣工验收备案");
    db.complete_milestone(
        m.id,
        NaiveDate::from_ymd_opt(2021, 6, 10).unwrap(),
        "备案号 A-1",
        &me(),
    )
    .unwrap();
    let e = latest(&db, Lang::Zh);
    assert_eq!(e.gist.action, Action::CompleteMilestone);
    assert_eq!(e.gist.verb, "标记完成");
    assert_eq!(e.gist.subject, "里程碑「竣工验收备案」");
    assert_eq!(e.gist.project.as_ref().unwrap().code, SAMSUNG);
    assert_eq!(e.author, "韩工");
    assert_eq!(e.time, "2021年6月11日 10:00");
    let row = &e.rows[0];
    let done = row
        .fields
        .iter()
        .find(|f| f.field == "actual_finish")
        .unwrap();
    assert_eq!(done.label, "实际完成");
    assert_eq!(done.after, "2021年6月10日");
    assert!(row.fields.iter().all(|f| f.field != "position"));

    let en = latest(&db, Lang::En);
    assert_eq!(en.gist.verb, "marked done");
    assert_eq!(en.gist.subject, "milestone “竣工验收备案”");
    assert_eq!(en.time, "11 Jun 2021 10:00");
}

#[test]
fn renames_indents_outdents_and_deletes_are_named() {
    let mut db = seeded();
    let t = task(&db, "工艺设备分批搬入安装");
    db.rename_task(t.id, "工艺设备分批搬入及安装", &me())
        .unwrap();
    let e = latest(&db, Lang::Zh);
    assert_eq!(e.gist.action, Action::Rename);
    assert_eq!(
        e.gist.subject,
        "「工艺设备分批搬入安装」→「工艺设备分批搬入及安装」"
    );

    // 纯水… sits below 工艺冷却水… with no link between them: indent, then back out.
    let water = task(&db, "纯水及废水处理系统安装调试");
    db.indent_task(water.id, &me()).unwrap();
    let e = latest(&db, Lang::Zh);
    assert_eq!(e.gist.action, Action::Indent);
    assert_eq!(e.gist.subject, "任务「纯水及废水处理系统安装调试」");
    let parent = e
        .rows
        .iter()
        .flat_map(|r| &r.fields)
        .find(|f| f.field == "parent_id")
        .unwrap();
    assert_eq!(parent.label, "上级任务");
    assert_eq!(parent.before, "「洁净室及机电安装」");
    assert_eq!(parent.after, "「工艺冷却水及特气管道安装」");
    db.outdent_task(water.id, &me()).unwrap();
    assert_eq!(latest(&db, Lang::Zh).gist.action, Action::Outdent);

    let summary = task(&db, "生产设备搬入及调试");
    db.delete_task(summary.id, &me()).unwrap();
    let e = latest(&db, Lang::Zh);
    assert_eq!(e.gist.action, Action::DeleteTask);
    assert_eq!(e.gist.subject, "「生产设备搬入及调试」及其 3 项下级任务");
    // A deleted task is still named in the rows that changed it earlier.
    let q = HistoryQuery {
        limit: 10,
        ..HistoryQuery::default()
    };
    let page = db.history(&q, Lang::Zh, beijing()).unwrap();
    let rename = page
        .edits
        .iter()
        .find(|e| e.gist.action == Action::Rename)
        .unwrap();
    assert_eq!(rename.rows[0].subject, "工艺设备分批搬入及安装");
}

#[test]
fn a_replaced_weekly_update_says_whose_words_were_replaced() {
    let mut db = seeded();
    let input = UpdateInput {
        week: IsoWeek::parse("w", "2021-W23").unwrap(),
        percent_complete: 63.0,
        status: Status::Yellow,
        narrative: "第二批设备搬入。".into(),
        issues: String::new(),
        next_steps: String::new(),
        if_reported: IfReported::ReplaceAny,
    };
    db.record_update(SAMSUNG, &input, &me()).unwrap();
    let e = latest(&db, Lang::Zh);
    assert_eq!(e.gist.action, Action::ReplaceUpdate);
    assert_eq!(e.gist.verb, "替换周报");
    assert_eq!(e.gist.subject, "2021年第23周");
    let author = e
        .rows
        .iter()
        .flat_map(|r| &r.fields)
        .find(|f| f.field == "author")
        .unwrap();
    assert_eq!(
        (
            author.label.as_str(),
            author.before.as_str(),
            author.after.as_str()
        ),
        ("填报人", "王工（示例）", "韩工")
    );
    // The status the update changed on the project is part of the same edit.
    assert!(e.rows.iter().any(|r| r.table == "projects"));
}

#[test]
fn an_undo_names_what_it_reverted_and_that_edit_shows_undone() {
    let mut db = seeded();
    let m = task(&db, "竣工验收备案");
    db.complete_milestone(
        m.id,
        NaiveDate::from_ymd_opt(2021, 6, 10).unwrap(),
        "",
        &me(),
    )
    .unwrap();
    db.undo_last_edit(&stamp_by("韩工", "2021-06-11T10:05:00+08:00"))
        .unwrap();
    let q = HistoryQuery {
        limit: 2,
        ..HistoryQuery::default()
    };
    let page = db.history(&q, Lang::Zh, beijing()).unwrap();
    let (undo, done) = (&page.edits[0], &page.edits[1]);
    assert_eq!(undo.gist.action, Action::Undo);
    assert_eq!(undo.gist.subject, "标记完成 里程碑「竣工验收备案」");
    let reverted = undo.reverted.as_ref().unwrap();
    assert_eq!(reverted.group, done.group);
    assert_eq!(reverted.author, "韩工");
    assert!(done.undone);
    assert!(!undo.undone);
    assert_eq!(db.edit(done.group, Lang::Zh, beijing()).unwrap(), *done);
}

#[test]
fn filters_by_project_person_and_date_and_pages() {
    let mut db = seeded();
    let m = task(&db, "竣工验收备案");
    db.complete_milestone(
        m.id,
        NaiveDate::from_ymd_opt(2021, 6, 10).unwrap(),
        "",
        &me(),
    )
    .unwrap();
    let byd = db.project_detail("KP21-02").unwrap();
    let byd_task = byd.tasks.iter().find(|t| !t.is_milestone).unwrap();
    db.rename_task(
        byd_task.id,
        "比亚迪改名",
        &stamp_by("李工", "2021-06-12T09:00:00+08:00"),
    )
    .unwrap();

    let all = |q: HistoryQuery| db.history(&q, Lang::Zh, beijing()).unwrap().edits;
    let samsung = all(HistoryQuery {
        project: Some(SAMSUNG.into()),
        limit: 50,
        ..HistoryQuery::default()
    });
    assert_eq!(samsung[0].gist.action, Action::CompleteMilestone);
    assert!(samsung.iter().all(|e| e.gist.action != Action::Rename));
    // The file's creation made every project, so it belongs to each.
    assert_eq!(samsung.last().unwrap().gist.action, Action::CreateFile);

    let li = all(HistoryQuery {
        author: Some("李工".into()),
        limit: 50,
        ..HistoryQuery::default()
    });
    assert_eq!(li.len(), 1);
    assert_eq!(li[0].gist.project.as_ref().unwrap().code, "KP21-02");

    let on_the_11th = all(HistoryQuery {
        from: NaiveDate::from_ymd_opt(2021, 6, 11),
        to: NaiveDate::from_ymd_opt(2021, 6, 11),
        limit: 50,
        ..HistoryQuery::default()
    });
    assert_eq!(on_the_11th.len(), 1);
    assert_eq!(on_the_11th[0].author, "韩工");

    // Two pages of one edit each, then the rest.
    let first = db
        .history(
            &HistoryQuery {
                limit: 1,
                ..HistoryQuery::default()
            },
            Lang::Zh,
            beijing(),
        )
        .unwrap();
    assert!(first.more);
    let second = db
        .history(
            &HistoryQuery {
                limit: 1,
                before: Some(first.edits[0].group),
                ..HistoryQuery::default()
            },
            Lang::Zh,
            beijing(),
        )
        .unwrap();
    assert_eq!(second.edits[0].author, "韩工");
    assert_ne!(second.edits[0].group, first.edits[0].group);

    let unknown = db.history(
        &HistoryQuery {
            project: Some("KP99-99".into()),
            limit: 5,
            ..HistoryQuery::default()
        },
        Lang::Zh,
        beijing(),
    );
    assert_eq!(unknown.unwrap_err().code(), ErrorCode::NotFound);
    assert_eq!(
        db.history_authors().unwrap(),
        vec!["KeyWorks 初始数据", "李工", "韩工"]
    );
}

#[test]
fn the_files_creation_hides_its_bookkeeping_rows() {
    let db = seeded();
    let e = latest(&db, Lang::Zh);
    assert_eq!(e.gist.action, Action::CreateFile);
    assert!(e.rows.len() <= DETAIL_ROWS);
    assert!(e.rows_total > e.rows.len() as u64);
    for r in &e.rows {
        assert_ne!(r.table, "baseline_tasks");
        for f in &r.fields {
            assert!(
                !["baseline_id", "task_id", "project_id", "position"].contains(&f.field.as_str()),
                "{} shown",
                f.field
            );
        }
    }
}

#[test]
fn an_edit_reads_as_one_sentence_for_the_printed_appendix() {
    let mut db = seeded();
    let m = task(&db, "竣工验收备案");
    db.complete_milestone(
        m.id,
        NaiveDate::from_ymd_opt(2021, 6, 10).unwrap(),
        "",
        &me(),
    )
    .unwrap();
    let zh = latest(&db, Lang::Zh).sentence(Lang::Zh);
    assert!(
        zh.starts_with("韩工 标记完成 里程碑「竣工验收备案」：")
            && zh.contains("实际完成 （空）→2021年6月10日"),
        "{zh}"
    );
    let en = latest(&db, Lang::En).sentence(Lang::En);
    assert!(
        en.starts_with("韩工 marked done milestone “竣工验收备案”: "),
        "{en}"
    );
    // The file's creation is too big to spell out: its gist alone.
    let q = HistoryQuery {
        limit: 100,
        ..HistoryQuery::default()
    };
    let creation = db
        .history(&q, Lang::Zh, beijing())
        .unwrap()
        .edits
        .pop()
        .unwrap();
    assert_eq!(
        creation.sentence(Lang::Zh),
        "KeyWorks 初始数据 创建文件「西安高新区2021年重点项目」"
    );

    // The week's edits, oldest first, by the instant they were made.
    let from = DateTime::parse_from_rfc3339("2021-06-11T00:00:00+08:00").unwrap();
    let to = DateTime::parse_from_rfc3339("2021-06-12T00:00:00+08:00").unwrap();
    let week = db.edits_between(&from, &to, Lang::Zh, beijing()).unwrap();
    assert_eq!(week.len(), 1);
    assert_eq!(week[0].gist.action, Action::CompleteMilestone);
}

/// The auditors' views speak the same words: every labelled field reads in `v_change_fields`
/// exactly as the history labels it, and `v_change_log` spells a change out in one line.
#[test]
fn the_sqlite_views_use_the_historys_field_labels() {
    let mut db = seeded();
    let m = task(&db, "竣工验收备案");
    db.complete_milestone(
        m.id,
        NaiveDate::from_ymd_opt(2021, 6, 10).unwrap(),
        "备案号 A-1",
        &me(),
    )
    .unwrap();
    let conn = db.conn();
    // The views label fields from the file's field_labels table: exactly the history's list.
    let sql: String = conn
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'v_change_fields'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(sql.contains("JOIN field_labels"), "{sql}");
    let in_file: Vec<(String, String, String)> = conn
        .prepare("SELECT field, zh, en FROM field_labels ORDER BY field")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut known: Vec<(String, String, String)> = words::FIELD_LABELS
        .iter()
        .map(|(f, zh, en)| ((*f).to_owned(), (*zh).to_owned(), (*en).to_owned()))
        .collect();
    known.sort();
    assert_eq!(in_file, known);
    // And the view says what the history says of the change just made.
    let labels: Vec<(String, String)> = conn
        .prepare(
            "SELECT field, label FROM v_change_fields \
             WHERE change_id = (SELECT max(id) FROM change_log) ORDER BY field",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(!labels.is_empty());
    for (field, label) in &labels {
        assert_eq!(Some(label.as_str()), words::field_label(Lang::Zh, field));
    }
    let (op, object, name, changes): (String, String, String, String) = conn
        .query_row(
            "SELECT op, object, name, changes FROM v_change_log ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        (op.as_str(), object.as_str(), name.as_str()),
        ("修改", "任务", "竣工验收备案")
    );
    assert!(
        changes.contains("实际完成：（空） → 2021-06-10"),
        "{changes}"
    );
    assert!(
        changes.contains("完成说明：（空） → 备案号 A-1"),
        "{changes}"
    );
    assert!(changes.contains("完成百分比：0% → 100%"), "{changes}");
    assert!(!changes.contains("position"), "{changes}");
}
