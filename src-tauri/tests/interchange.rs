//! The window's imports and exports on Tauri's mock runtime: a milestone CSV previewed and
//! applied (and refused when the projects changed since the preview), an MS Project import
//! reporting its progress as events and cancelled without touching the file, and per-project
//! exports in English.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use keyworks_api::progress::Phase as ImportPhase;
use keyworks_app::import_jobs::MspdiImportProgress;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tauri::WebviewWindow;
use tauri::test::MockRuntime;
use tauri_specta::Event;

mod common;
use common::{invoke, launch};

fn sha256(path: &Path) -> String {
    format!("{:x}", Sha256::digest(std::fs::read(path).unwrap()))
}

/// The first open milestone of KP21-01: (id, name, due).
fn open_milestone(window: &WebviewWindow<MockRuntime>) -> (i64, String, String) {
    let detail = invoke(window, "project_detail", json!({"code": "KP21-01"})).unwrap();
    let m = detail["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["is_milestone"] == true && t["actual_finish"].is_null())
        .expect("KP21-01 has an open milestone")
        .clone();
    (
        m["id"].as_i64().unwrap(),
        m["name"].as_str().unwrap().to_owned(),
        m["planned_finish"].as_str().unwrap().to_owned(),
    )
}

fn task(window: &WebviewWindow<MockRuntime>, id: i64) -> Option<Value> {
    let detail = invoke(window, "project_detail", json!({"code": "KP21-01"})).unwrap();
    detail["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .cloned()
}

/// A sheet as Excel saves it: one milestone moved to 2021-12-30, one new milestone.
fn write_sheet(dir: &Path, id: i64, name: &str) -> PathBuf {
    let csv = dir.join("里程碑.csv");
    let text = format!(
        "编号,项目编号,里程碑名称,到期日期,完成日期,完成说明\r\n\
         {id},KP21-01,{name},2021-12-30,,\r\n\
         ,KP21-01,试生产许可（导入）,2021-11-15,,\r\n"
    );
    std::fs::write(&csv, text).unwrap();
    csv
}

/// The newest `limit` edits, as the History view asks for them.
fn history(window: &tauri::WebviewWindow<tauri::test::MockRuntime>, limit: u32) -> Value {
    invoke(
        window,
        "history",
        json!({"query": {"limit": limit, "project": null, "author": null, "from": null,
               "to": null, "before": null}, "lang": "zh"}),
    )
    .unwrap()
}

#[test]
fn a_previewed_milestone_sheet_is_applied_and_logged() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = launch(&dir.path().join("k.sqlite"));
    let (id, name, due) = open_milestone(&window);
    assert_ne!(due, "2021-12-30");
    let csv = write_sheet(dir.path(), id, &name);
    let path = csv.display().to_string();

    let shown = invoke(&window, "preview_milestone_csv", json!({"path": path})).unwrap();
    assert_eq!(shown["file_name"], "里程碑.csv");
    assert_eq!(shown["encoding"], "UTF-8");
    assert_eq!(shown["new_count"], 1, "{shown}");
    assert_eq!(shown["update_count"], 1, "{shown}");
    let rows = shown["preview"]["rows"].as_array().unwrap();
    let moved = rows.iter().find(|r| r["task_id"] == id).unwrap();
    assert_eq!(moved["line"], 2);
    assert_eq!(moved["change"]["kind"], "update");
    assert_eq!(moved["change"]["due"]["from"], due.as_str());
    assert_eq!(moved["change"]["due"]["to"], "2021-12-30");
    assert!(shown["preview"]["problems"].as_array().unwrap().is_empty());
    // A preview writes nothing.
    assert_eq!(task(&window, id).unwrap()["planned_finish"], due.as_str());

    let fingerprint = shown["preview"]["fingerprint"].clone();
    let applied = invoke(
        &window,
        "apply_milestone_csv",
        json!({"path": path, "fingerprint": fingerprint}),
    )
    .unwrap();
    assert_eq!(applied["updated"].as_array().unwrap().len(), 1, "{applied}");
    assert_eq!(applied["created"].as_array().unwrap().len(), 1, "{applied}");
    assert_eq!(task(&window, id).unwrap()["planned_finish"], "2021-12-30");
    let created = applied["created"][0]["id"].as_i64().unwrap();
    assert_eq!(
        task(&window, created).unwrap()["name"],
        "试生产许可（导入）"
    );

    let page = history(&window, 1);
    assert_eq!(
        page["edits"][0]["gist"]["action"], "import_milestones",
        "{page}"
    );
    assert_eq!(page["edits"][0]["gist"]["verb"], "导入里程碑");
    let rows = page["edits"][0]["rows"].as_array().unwrap();
    assert!(
        rows.iter().any(|c| c["op"] == "update"
            && c["table"] == "tasks"
            && c["row_id"] == id
            && c["fields"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["field"] == "planned_finish" && f["after"] == "2021年12月30日")),
        "the moved due date is in the history: {page}"
    );
    assert!(
        rows.iter()
            .any(|c| c["op"] == "insert" && c["table"] == "tasks" && c["row_id"] == created),
        "the new milestone is in the history: {page}"
    );
    // Applied once: the kept preview is gone, so a second apply asks for a new preview.
    let again = invoke(
        &window,
        "apply_milestone_csv",
        json!({"path": path, "fingerprint": fingerprint}),
    )
    .unwrap_err();
    assert_eq!(again["code"], "invalid_input", "{again}");
}

#[test]
fn a_sheet_previewed_before_the_project_changed_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = launch(&dir.path().join("k.sqlite"));
    let (id, name, due) = open_milestone(&window);
    let csv = write_sheet(dir.path(), id, &name);
    let path = csv.display().to_string();
    let shown = invoke(&window, "preview_milestone_csv", json!({"path": path})).unwrap();

    // A colleague (or this user, in another view) marks the milestone done meanwhile.
    invoke(
        &window,
        "complete_milestone",
        json!({"id": id, "date": "2021-06-10", "note": "按期完成"}),
    )
    .unwrap();
    let log_before = history(&window, 1);

    let e = invoke(
        &window,
        "apply_milestone_csv",
        json!({"path": path, "fingerprint": shown["preview"]["fingerprint"]}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "conflict", "{e}");
    assert!(e["message"].as_str().unwrap().contains("重新预览"), "{e}");
    assert_eq!(task(&window, id).unwrap()["planned_finish"], due.as_str());
    let log_after = history(&window, 1);
    assert_eq!(log_before, log_after, "nothing was logged");
}

#[test]
fn a_sheet_with_a_problem_names_its_line_and_cannot_be_applied() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = launch(&dir.path().join("k.sqlite"));
    let csv = dir.path().join("坏.csv");
    std::fs::write(
        &csv,
        "编号,项目编号,里程碑名称,到期日期,完成日期,完成说明\n\
         ,KP21-01,新的里程碑,2021-09-30,,\n\
         999999,KP21-01,不存在的里程碑,2021-09-30,,\n",
    )
    .unwrap();
    let path = csv.display().to_string();
    let shown = invoke(&window, "preview_milestone_csv", json!({"path": path})).unwrap();
    let problems = shown["preview"]["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{shown}");
    assert_eq!(problems[0]["line"], 3);
    let e = invoke(
        &window,
        "apply_milestone_csv",
        json!({"path": path, "fingerprint": shown["preview"]["fingerprint"]}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "invalid_input", "{e}");

    let e = invoke(
        &window,
        "preview_milestone_csv",
        json!({"path": dir.path().join("无此文件.csv").display().to_string()}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "invalid_input", "{e}");
    assert!(e["message"].as_str().unwrap().contains("文件不存在"), "{e}");
}

/// A synthetic MS Project file of `tasks` tasks, named `name`.
fn mspdi_file(dir: &Path, name: &str, tasks: usize) -> PathBuf {
    let (xml, _) = keyworks_interchange::mspdi::synthetic::generate(tasks);
    let path = dir.join(name);
    std::fs::write(&path, xml).unwrap();
    path
}

#[test]
fn an_ms_project_import_reports_its_progress_then_the_new_project() {
    let dir = tempfile::tempdir().unwrap();
    let (app, window) = launch(&dir.path().join("k.sqlite"));
    let xml = mspdi_file(dir.path(), "大计划.xml", 5_000);
    let (tx, rx) = mpsc::channel();
    MspdiImportProgress::listen(&app, move |e| {
        let _ = tx.send(e.payload);
    });

    let done = invoke(
        &window,
        "import_mspdi",
        json!({"path": xml.display().to_string()}),
    )
    .unwrap();
    assert_eq!(done["outcome"], "imported", "{done}");
    assert_eq!(done["code"], "大计划");
    assert_eq!(done["tasks"], 5_000);

    let seen: Vec<MspdiImportProgress> = rx.try_iter().collect();
    assert_eq!(seen.first().unwrap().phase, ImportPhase::Reading);
    let writing: Vec<&MspdiImportProgress> = seen
        .iter()
        .filter(|p| p.phase == ImportPhase::Writing)
        .collect();
    // Told at the start of writing and every 2,000 rows.
    assert!(writing.len() >= 3, "{seen:?}");
    assert!(
        writing
            .windows(2)
            .all(|w| w[0].fraction <= w[1].fraction && w[0].rows_done < w[1].rows_done),
        "{seen:?}"
    );
    assert!(writing.iter().all(|p| p.rows_total >= 5_000));
    let last = seen.last().unwrap();
    assert_eq!(last.phase, ImportPhase::Done);
    assert_eq!(last.fraction, Some(1.0));

    let detail = invoke(&window, "project_detail", json!({"code": "大计划"})).unwrap();
    assert_eq!(detail["tasks"].as_array().unwrap().len(), 5_000);
}

#[test]
fn a_cancelled_ms_project_import_leaves_the_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.sqlite");
    let (app, window) = launch(&db);
    let xml = mspdi_file(dir.path(), "取消.xml", 3_000);
    let before = sha256(&db);

    // The first progress event waits (on the import's thread) until the test has pressed 取消.
    let (writing_tx, writing_rx) = mpsc::channel::<()>();
    let (cancelled_tx, cancelled_rx) = mpsc::channel::<()>();
    let cancelled_rx = std::sync::Mutex::new(cancelled_rx);
    MspdiImportProgress::listen(&app, move |e| {
        if e.payload.phase == ImportPhase::Writing {
            let _ = writing_tx.send(());
            let _ = cancelled_rx
                .lock()
                .unwrap()
                .recv_timeout(Duration::from_secs(30));
        }
    });
    let importer = {
        let window = window.clone();
        let path = xml.display().to_string();
        std::thread::spawn(move || invoke(&window, "import_mspdi", json!({"path": path})))
    };
    writing_rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the import started writing");
    invoke(&window, "cancel_import", json!({})).unwrap();
    cancelled_tx.send(()).unwrap();
    // Later events (of the import below) no longer wait.
    drop(cancelled_tx);
    let done = importer.join().unwrap().unwrap();
    assert_eq!(done["outcome"], "cancelled", "{done}");

    let e = invoke(&window, "project_detail", json!({"code": "取消"})).unwrap_err();
    assert_eq!(e["code"], "not_found", "{e}");
    assert_eq!(sha256(&db), before, "the file is byte for byte as it was");

    // A later import is not cancelled by the earlier 取消.
    let done = invoke(
        &window,
        "import_mspdi",
        json!({"path": xml.display().to_string()}),
    )
    .unwrap();
    assert_eq!(done["outcome"], "imported", "{done}");
}

#[test]
fn one_project_exports_as_workbook_csv_and_calendar_in_english() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = launch(&dir.path().join("k.sqlite"));
    let export = |what: &str, lang: &str, name: &str| {
        let path = dir.path().join(name);
        let written = invoke(
            &window,
            "export_table",
            json!({"code": "KP21-01", "what": what, "lang": lang, "asOf": "2021-06-11",
                   "path": path.display().to_string()}),
        )
        .unwrap();
        (written, std::fs::read(&path).unwrap())
    };

    let (written, csv) = export("milestone_csv", "en", "m.csv");
    let text = String::from_utf8(csv).unwrap();
    let header = text.lines().next().unwrap();
    assert!(
        header.contains("Milestone") && header.contains("Due date"),
        "{header}"
    );
    let lines: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(written["rows"], lines.len() as u64);
    assert!(lines.iter().all(|l| l.contains("KP21-01")), "{text}");

    let (_, zh) = export("milestone_csv", "zh", "m-zh.csv");
    assert!(String::from_utf8(zh).unwrap().contains("里程碑名称"));

    let (written, ics) = export("milestone_calendar", "en", "m.ics");
    let ics = String::from_utf8(ics).unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR"), "{ics}");
    assert!(ics.contains("milestones"), "calendar named in English");
    assert_eq!(
        ics.matches("BEGIN:VEVENT").count() as u64,
        written["rows"].as_u64().unwrap()
    );

    let (written, xlsx) = export("workbook", "en", "p.xlsx");
    assert!(xlsx.starts_with(b"PK"), "an xlsx is a zip");
    assert!(written["rows"].as_u64().unwrap() > 1);

    let e = invoke(
        &window,
        "export_table",
        json!({"code": "KP21-99", "what": "workbook", "lang": "zh", "asOf": "2021-06-11",
               "path": dir.path().join("x.xlsx").display().to_string()}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "not_found", "{e}");
}
