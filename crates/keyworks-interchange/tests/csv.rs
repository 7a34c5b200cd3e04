//! CSV out (UTF-8 with BOM, CRLF, RFC 4180) and milestone CSV in (UTF-8 or GBK, preview,
//! apply in one transaction), on the seeded portfolio.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use keyworks_core::imports::milestone_import::{ImportPreview, PlannedChange};
use keyworks_core::{Db, Error, ErrorCode};
use keyworks_interchange::csv_export::{BOM, csv_bytes};
use keyworks_interchange::csv_import::{SourceEncoding, read_milestone_csv};
use keyworks_interchange::tabular::{Lang, Scope, TableKind, gather};
use proptest::prelude::*;

use common::{as_of, change_log_len, d, officer, seeded};

fn export(db: &Db, kind: TableKind, lang: Lang) -> Vec<u8> {
    let tables = gather(db, &Scope::Portfolio, as_of(), lang).unwrap();
    csv_bytes(tables.get(kind), lang).unwrap()
}

fn preview(db: &Db, bytes: &[u8]) -> ImportPreview {
    let read = read_milestone_csv(bytes).unwrap();
    db.plan_milestone_import(&read.sheet, officer().at().date_naive())
        .unwrap()
}

fn apply(
    db: &mut Db,
    bytes: &[u8],
) -> keyworks_core::Result<keyworks_core::imports::milestone_import::ImportOutcome> {
    let read = read_milestone_csv(bytes).unwrap();
    let p = db
        .plan_milestone_import(&read.sheet, officer().at().date_naive())
        .unwrap();
    db.apply_milestone_import(&read.sheet, &p.fingerprint, &officer())
}

fn records(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes.strip_prefix(BOM).unwrap()).unwrap();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn exports_are_utf8_with_bom_and_crlf() {
    let db = seeded();
    for kind in TableKind::ALL {
        let bytes = export(&db, kind, Lang::Zh);
        assert!(bytes.starts_with(BOM), "{kind:?}");
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        assert!(text.ends_with("\r\n"));
        // Every line break outside quotes is CRLF: no bare LF and no bare CR.
        let mut in_quotes = false;
        let b = text.as_bytes();
        for (i, &c) in b.iter().enumerate() {
            match c {
                b'"' => in_quotes = !in_quotes,
                b'\n' if !in_quotes => assert_eq!(b[i - 1], b'\r', "{kind:?}: bare LF at {i}"),
                b'\r' if !in_quotes => assert_eq!(b.get(i + 1), Some(&b'\n'), "{kind:?}"),
                _ => {}
            }
        }
        let rows = records(&bytes);
        let header: Vec<&str> = kind.columns().iter().map(|c| c.zh).collect();
        assert_eq!(rows[0], header);
        assert!(rows.iter().all(|r| r.len() == header.len()));
    }
    let projects = records(&export(&db, TableKind::Projects, Lang::Zh));
    assert_eq!(projects.len(), db.projects().unwrap().len() + 1);
    let milestones = records(&export(&db, TableKind::Milestones, Lang::Zh));
    assert_eq!(
        milestones.len(),
        db.milestone_exports(None, as_of()).unwrap().len() + 1
    );
    let samsung = projects.iter().find(|r| r[0] == "KP21-01").unwrap();
    assert_eq!(samsung[5], "张明（示例）");
    assert_eq!(samsung[6], "绿");
    assert!(samsung[7].ends_with('%'), "{}", samsung[7]);
    assert_eq!(samsung[8], "2021-01-04");
}

#[test]
fn awkward_text_is_quoted_per_rfc_4180_and_reads_back_exactly() {
    let mut db = seeded();
    let m = &db.milestone_exports(Some("KP21-01"), as_of()).unwrap()[0];
    let note = "验收合格, 见\"竣工验收报告\"\n第二行；=SUM(A1)";
    let id = m.row.id;
    db.complete_milestone(id, d(2021, 6, 18), note, &officer())
        .unwrap();
    let bytes = export(&db, TableKind::Milestones, Lang::Zh);
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(
        text.contains("\"验收合格, 见\"\"竣工验收报告\"\"\n第二行；=SUM(A1)\""),
        "{text}"
    );
    let row = records(&bytes)
        .into_iter()
        .find(|r| r[0] == id.to_string())
        .unwrap();
    assert_eq!(row[6], note);
    // And the import reads the same note back: nothing to change.
    let p = preview(&db, &bytes);
    assert!(p.can_apply(), "{:?}", p.problems);
    assert_eq!(p.unchanged_count(), p.rows.len());
}

#[test]
fn export_then_import_unedited_is_a_no_op() {
    let mut db = seeded();
    for lang in [Lang::Zh, Lang::En] {
        let bytes = export(&db, TableKind::Milestones, lang);
        let p = preview(&db, &bytes);
        assert!(p.can_apply(), "{lang:?}: {:?}", p.problems);
        assert_eq!(
            p.rows.len(),
            db.milestone_exports(None, as_of()).unwrap().len()
        );
        assert_eq!(p.unchanged_count(), p.rows.len(), "{lang:?}");
        let before = change_log_len(&db);
        let outcome = apply(&mut db, &bytes).unwrap();
        assert!(outcome.created.is_empty() && outcome.updated.is_empty());
        assert_eq!(
            change_log_len(&db),
            before,
            "{lang:?}: a no-op wrote to the log"
        );
    }
}

/// The file an officer saves after editing the export: one due date moved, one milestone
/// marked done with a note, one new milestone, dates typed in the forms Excel keeps.
fn edited(db: &Db) -> (Vec<u8>, i64, i64) {
    let bytes = export(db, TableKind::Milestones, Lang::Zh);
    let mut rows = records(&bytes);
    let open: Vec<usize> = (1..rows.len()).filter(|i| rows[*i][5].is_empty()).collect();
    let (moved, done) = (open[0], open[1]);
    rows[moved][4] = "2021/7/30".into();
    rows[done][5] = "2021年6月18日".into();
    rows[done][6] = "已通过验收，见会议纪要".into();
    rows.push(vec![
        String::new(),
        "KP21-01".into(),
        "三星二期二阶段".into(),
        "二阶段量产仪式".into(),
        "2021-10-15".into(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ]);
    let moved_id = rows[moved][0].parse().unwrap();
    let done_id = rows[done][0].parse().unwrap();
    let mut out = BOM.to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        for r in &rows {
            w.write_record(r).unwrap();
        }
        w.flush().unwrap();
    }
    (out, moved_id, done_id)
}

#[test]
fn an_edited_file_previews_its_changes_then_applies_them_once() {
    let mut db = seeded();
    let (bytes, moved, done) = edited(&db);
    let p = preview(&db, &bytes);
    assert!(p.can_apply(), "{:?}", p.problems);
    assert_eq!((p.new_count(), p.update_count()), (1, 2));
    let moved_row = p
        .rows
        .iter()
        .find(|r| r.task_id.map(|t| t.0) == Some(moved))
        .unwrap();
    match &moved_row.change {
        PlannedChange::Update {
            due: Some(c),
            done: None,
        } => assert_eq!(c.to, d(2021, 7, 30)),
        other => panic!("{other:?}"),
    }
    let done_row = p
        .rows
        .iter()
        .find(|r| r.task_id.map(|t| t.0) == Some(done))
        .unwrap();
    match &done_row.change {
        PlannedChange::Update {
            due: None,
            done: Some(c),
        } => {
            assert_eq!((c.from, c.to), (None, d(2021, 6, 18)));
            assert_eq!(c.note, "已通过验收，见会议纪要");
        }
        other => panic!("{other:?}"),
    }
    let new_row = p.rows.iter().find(|r| r.task_id.is_none()).unwrap();
    assert_eq!(new_row.name, "二阶段量产仪式");
    assert_eq!(new_row.line as usize, p.rows.len() + 1);

    let outcome = apply(&mut db, &bytes).unwrap();
    assert_eq!((outcome.created.len(), outcome.updated.len()), (1, 2));
    let t = db.task(keyworks_core::ids::TaskId(moved)).unwrap();
    assert_eq!(
        (t.planned_start, t.planned_finish),
        (d(2021, 7, 30), d(2021, 7, 30))
    );
    let t = db.task(keyworks_core::ids::TaskId(done)).unwrap();
    assert_eq!(t.actual_finish, Some(d(2021, 6, 18)));
    assert_eq!(t.completion_note, "已通过验收，见会议纪要");
    let created = &outcome.created[0];
    assert!(created.is_milestone && created.parent_id.is_none());
    assert_eq!(created.planned_finish, d(2021, 10, 15));
    // Every write is in the change log, and the log still verifies.
    let log = db.change_log(50).unwrap();
    assert!(log.iter().any(|c| c.row_id == moved && c.author == "李工"));
    assert!(log.iter().any(|c| c.row_id == done && c.author == "李工"));
    assert!(
        log.iter()
            .any(|c| c.row_id == created.id.0 && c.op == "insert")
    );
    assert!(db.verify().unwrap().is_ok());

    // The same file again: everything matches now, nothing is written.
    let again = preview(&db, &bytes);
    assert!(again.can_apply(), "{:?}", again.problems);
    assert_eq!(again.unchanged_count(), again.rows.len());
    let before = change_log_len(&db);
    apply(&mut db, &bytes).unwrap();
    assert_eq!(change_log_len(&db), before);
}

#[test]
fn gbk_files_saved_by_excel_read_the_same_as_utf8() {
    let mut db = seeded();
    let (utf8, moved, _) = edited(&db);
    let text = std::str::from_utf8(&utf8[3..]).unwrap();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&gbk).is_err(),
        "the fixture must not be UTF-8"
    );
    let from_gbk = read_milestone_csv(&gbk).unwrap();
    let from_utf8 = read_milestone_csv(&utf8).unwrap();
    assert_eq!(from_gbk.encoding, SourceEncoding::Gbk);
    assert_eq!(from_utf8.encoding, SourceEncoding::Utf8WithBom);
    assert_eq!(from_gbk.sheet, from_utf8.sheet);
    // Without a BOM, UTF-8 is still recognised.
    assert_eq!(
        read_milestone_csv(&utf8[3..]).unwrap().encoding,
        SourceEncoding::Utf8
    );

    let outcome = apply(&mut db, &gbk).unwrap();
    assert_eq!(outcome.updated.len(), 2);
    assert_eq!(
        db.task(keyworks_core::ids::TaskId(moved))
            .unwrap()
            .planned_finish,
        d(2021, 7, 30)
    );
}

#[test]
fn mixed_or_invalid_bytes_are_refused_with_their_line() {
    // UTF-8 with a GBK-encoded word pasted into line 3.
    let mut mixed =
        "项目编号,里程碑名称,到期日期\r\nKP21-01,首台工艺设备搬入,2021-06-02\r\nKP21-01,"
            .as_bytes()
            .to_vec();
    mixed.extend_from_slice(&encoding_rs::GBK.encode("验收").0);
    mixed.extend_from_slice(",2021-06-02\r\n".as_bytes());
    let e = read_milestone_csv(&mixed).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    assert!(e.to_string().contains("第 3 行"), "{e}");
    assert!(e.to_string().contains("UTF-8"), "{e}");

    // GBK with a byte that is not GBK on line 4.
    let mut gbk = encoding_rs::GBK
        .encode("项目编号,里程碑名称,到期日期\r\nKP21-01,甲,2021-06-02\r\nKP21-01,乙,2021-06-02\r\nKP21-01,")
        .0
        .into_owned();
    gbk.extend_from_slice(b"\xff\xff,2021-06-02\r\n");
    let e = read_milestone_csv(&gbk).unwrap_err();
    assert!(e.to_string().contains("第 4 行"), "{e}");
    assert!(e.to_string().contains("GBK"), "{e}");

    // Excel's "Unicode text" is UTF-16: named as such.
    let e = read_milestone_csv(b"\xFF\xFEa\x00,\x00").unwrap_err();
    assert!(e.to_string().contains("UTF-16"), "{e}");

    // A BOM promises UTF-8: a bad byte after it is named too.
    let mut bom = BOM.to_vec();
    bom.extend_from_slice(b"a,b\r\n\xc3\x28\r\n");
    let e = read_milestone_csv(&bom).unwrap_err();
    assert!(e.to_string().contains("第 2 行"), "{e}");
}

#[test]
fn row_problems_name_the_line_and_block_the_whole_file() {
    let mut db = seeded();
    let ms = db.milestone_exports(Some("KP21-01"), as_of()).unwrap();
    let open = ms.iter().find(|m| m.row.actual.is_none()).unwrap();
    let done = ms.iter().find(|m| m.row.actual.is_some()).unwrap();
    let text = format!(
        "编号,项目编号,里程碑名称,到期日期,完成日期,完成说明\r\n\
         {},KP21-01,{},2021-12-31,,\r\n\
         ,KP99-99,不存在的项目,2021-06-01,,\r\n\
         999999,KP21-01,没有这个编号,2021-06-01,,\r\n\
         ,KP21-01,新里程碑,下周,,\r\n\
         {},KP21-01,{},{},,\r\n\
         ,KP21-01,未来完成,2021-06-01,2099-01-01,\r\n\
         {},KP21-01,改了名字,{},,\r\n",
        open.row.id,
        open.row.name,
        done.row.id,
        done.row.name,
        done.row.due,
        open.row.id,
        open.row.due,
    );
    let before = change_log_len(&db);
    let p = preview(&db, text.as_bytes());
    assert!(!p.can_apply());
    let lines: Vec<u32> = p.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, vec![3, 4, 5, 6, 7, 8], "{:#?}", p.problems);
    let says = |line: u32, words: &str| {
        let m = &p.problems.iter().find(|p| p.line == line).unwrap().message;
        assert!(m.contains(words), "line {line}: {m}");
    };
    says(3, "KP99-99");
    says(4, "999999");
    says(5, "下周");
    says(6, "不能撤销完成");
    says(7, "晚于今天");
    says(8, "不符");
    // The good row 2 is still previewed, but nothing is applied.
    assert_eq!(p.rows.len(), 1);
    let e = apply(&mut db, text.as_bytes()).unwrap_err();
    assert!(
        matches!(e, Error::ImportHasProblems { count: 6, .. }),
        "{e}"
    );
    assert!(e.to_string().contains("第 3 行"), "{e}");
    assert_eq!(change_log_len(&db), before);
    assert_eq!(db.task(open.row.id).unwrap().planned_finish, open.row.due);
}

#[test]
fn line_numbers_count_physical_lines_of_multi_line_cells() {
    let db = seeded();
    let text = "项目编号,里程碑名称,到期日期,完成说明\r\n\
                KP21-01,\"两行\r\n的名称\",2021-12-01,\r\n\
                \r\n\
                KP21-01,第五行,2021-13-01,\r\n";
    let read = read_milestone_csv(text.as_bytes()).unwrap();
    assert_eq!(read.sheet.rows.len(), 1);
    assert_eq!(read.sheet.rows[0].line, 2);
    assert_eq!(read.sheet.rows[0].name, "两行\r\n的名称");
    assert_eq!(read.sheet.problems.len(), 1);
    assert_eq!(read.sheet.problems[0].line, 5, "{:?}", read.sheet.problems);
    let p = db
        .plan_milestone_import(&read.sheet, officer().at().date_naive())
        .unwrap();
    assert_eq!(p.problems[0].line, 5);
}

#[test]
fn text_excel_would_run_as_a_formula_is_guarded_and_round_trips() {
    let mut db = seeded();
    let text = "项目编号,里程碑名称,到期日期\r\nKP21-01,=HYPERLINK(\"http://x\"),2021-12-01\r\n";
    let outcome = apply(&mut db, text.as_bytes()).unwrap();
    assert_eq!(outcome.created[0].name, "=HYPERLINK(\"http://x\")");
    let bytes = export(&db, TableKind::Milestones, Lang::Zh);
    let row = records(&bytes)
        .into_iter()
        .find(|r| r[0] == outcome.created[0].id.to_string())
        .unwrap();
    assert_eq!(row[3], "'=HYPERLINK(\"http://x\")");
    let p = preview(&db, &bytes);
    assert!(p.can_apply(), "{:?}", p.problems);
    assert_eq!(p.unchanged_count(), p.rows.len());
}

#[test]
fn missing_columns_and_empty_files_are_file_errors() {
    let e = read_milestone_csv("项目编号,名字\r\nKP21-01,x\r\n".as_bytes()).unwrap_err();
    assert!(
        e.to_string().contains("里程碑名称") && e.to_string().contains("到期日期"),
        "{e}"
    );
    let e = read_milestone_csv(b"").unwrap_err();
    assert!(e.to_string().contains("空"), "{e}");
    let e = read_milestone_csv("到期日期,里程碑,项目编号,到期日期\r\n".as_bytes()).unwrap_err();
    assert!(e.to_string().contains("两次"), "{e}");
}

#[test]
fn a_preview_is_stale_once_someone_else_writes() {
    let mut db = seeded();
    let (bytes, _, done) = edited(&db);
    let read = read_milestone_csv(&bytes).unwrap();
    let p = db
        .plan_milestone_import(&read.sheet, officer().at().date_naive())
        .unwrap();
    db.complete_milestone(
        keyworks_core::ids::TaskId(done),
        d(2021, 6, 17),
        "",
        &officer(),
    )
    .unwrap();
    let before = change_log_len(&db);
    let e = db
        .apply_milestone_import(&read.sheet, &p.fingerprint, &officer())
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert_eq!(change_log_len(&db), before);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Any bytes at all: an error or rows, never a panic.
    #[test]
    fn the_reader_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = read_milestone_csv(&bytes);
    }

    /// Behind a valid header, so the row parser and the planner see the garbage too.
    #[test]
    fn rows_of_garbage_are_problems_not_panics(tail in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut bytes = "编号,项目编号,里程碑名称,到期日期,完成日期,完成说明\r\n".as_bytes().to_vec();
        bytes.extend_from_slice(&tail);
        if let Ok(read) = read_milestone_csv(&bytes) {
            PLANNER.with(|db| {
                let _ = db.plan_milestone_import(&read.sheet, d(2021, 6, 21));
            });
        }
    }

    /// Text made of the characters that matter to CSV and dates.
    #[test]
    fn csv_shaped_text_never_panics(text in "[编号项目,\"\r\n0-9/年月日KP21-]{0,200}") {
        let mut bytes = "编号,项目编号,里程碑名称,到期日期,完成日期\r\n".as_bytes().to_vec();
        bytes.extend_from_slice(text.as_bytes());
        if let Ok(read) = read_milestone_csv(&bytes) {
            PLANNER.with(|db| {
                let _ = db.plan_milestone_import(&read.sheet, d(2021, 6, 21));
            });
        }
    }
}

thread_local! {
    static PLANNER: Db = seeded();
}
