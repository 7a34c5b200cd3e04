//! Command wiring through Tauri's mock runtime, with the real configuration and capabilities:
//! the first launch seeds the file, commands answer typed JSON, core errors arrive as
//! `{code, message}`, edits land in the file and its change log, and the window may call
//! exactly KeyWorks' own commands.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use keyworks_app::COMMAND_NAMES;
use serde_json::{Value, json};
use tauri::WebviewWindow;
use tauri::test::MockRuntime;

mod common;
use common::{invoke, launch};

#[test]
fn first_launch_seeds_the_file_and_the_dashboard_lists_the_portfolio() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data").join("keyworks.sqlite");
    let (_app, window) = launch(&db);
    assert!(db.exists());

    let info = invoke(&window, "open_file_info", json!({})).unwrap();
    assert_eq!(info["file_name"], "keyworks.sqlite");
    assert_eq!(info["read_only"], false);

    let summary = invoke(&window, "portfolio_summary", json!({"asOf": "2021-06-11"})).unwrap();
    let projects = summary["projects"].as_array().unwrap();
    assert!(projects.len() >= 12, "{} projects", projects.len());
    let samsung = projects.iter().find(|p| p["code"] == "KP21-01").unwrap();
    assert_eq!(samsung["name"], "三星二期二阶段");
    assert_eq!(samsung["status"], "green");
    assert_eq!(summary["as_of"], "2021-06-11");
    // The first launch's file is the sample: the window opens it as of the seed's date.
    assert_eq!(
        invoke(&window, "sample_as_of", json!({})).unwrap(),
        "2021-06-11"
    );
}

#[test]
fn the_window_starts_from_one_answer_the_sample_on_its_own_date() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = launch(&dir.path().join("keyworks.sqlite"));
    let start = invoke(&window, "window_start", json!({"today": "2026-12-02"})).unwrap();
    assert_eq!(start["file"]["file_name"], "keyworks.sqlite");
    assert_eq!(start["problem"], Value::Null);
    assert_eq!(start["opening"]["sample_as_of"], "2021-06-11");
    assert_eq!(start["opening"]["as_of"], "2021-06-11");
    let dashboard = &start["opening"]["dashboard"];
    assert_eq!(
        dashboard,
        &invoke(&window, "dashboard", json!({"asOf": "2021-06-11"})).unwrap()
    );
    assert_eq!(dashboard["summary"]["as_of"], "2021-06-11");
    assert_eq!(
        dashboard["summary"]["projects"].as_array().unwrap().len(),
        15
    );
    assert!(!dashboard["milestones"].as_array().unwrap().is_empty());
    assert!(!dashboard["targets"].as_array().unwrap().is_empty());
    let categories = start["labels"]["categories"].as_array().unwrap();
    assert!(
        categories.iter().any(|c| c["zh"] == "先进制造业"),
        "{categories:?}"
    );
}

#[test]
fn a_file_that_cannot_be_opened_starts_the_window_with_its_problem_and_no_dashboard() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.sqlite");
    std::fs::write(&path, "周报草稿，不是数据库").unwrap();
    let (_app, window) = launch(&path);
    let start = invoke(&window, "window_start", json!({"today": "2026-12-02"})).unwrap();
    assert_eq!(start["file"], Value::Null);
    assert_eq!(start["opening"], Value::Null);
    assert_ne!(start["problem"]["code"], Value::Null, "{start}");
    assert!(
        start["problem"]["message"]
            .as_str()
            .unwrap()
            .contains("notes.sqlite"),
        "{start}"
    );
    // The rest of the window is still there: the words, the preferences.
    assert!(!start["labels"]["statuses"].as_array().unwrap().is_empty());
    assert_ne!(start["preferences"], Value::Null);
    // The file is untouched.
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "周报草稿，不是数据库"
    );
}

#[test]
fn core_errors_arrive_as_code_and_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = launch(&dir.path().join("k.sqlite"));
    let e = invoke(&window, "project_detail", json!({"code": "KP21-99"})).unwrap_err();
    assert_eq!(e["code"], "not_found");
    assert!(e["message"].as_str().unwrap().contains("KP21-99"), "{e}");

    let e = invoke(
        &window,
        "record_update",
        json!({"code": "KP21-01", "form": {"week": "2021-23", "percent_complete": 50.0,
               "status": "green", "narrative": "x", "issues": "", "next_steps": "", "replaces": null,
               "raise_problems": null, "photos": []}}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "invalid_input");
    assert!(e["message"].as_str().unwrap().contains("周次"), "{e}");
}

/// A PDF chosen as a photo is refused with what it is, and the weekly update it came with is
/// not filed either: one write, all or nothing.
#[test]
fn a_photo_that_is_not_one_is_refused_and_nothing_is_filed() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = launch(&dir.path().join("k.sqlite"));
    // "%PDF-1.7\n" in base64, named as a photo.
    let pdf = json!({"from": "bytes", "name": "现场照片.jpg", "base64": "JVBERi0xLjcK"});
    let e = invoke(
        &window,
        "record_update",
        json!({"code": "KP21-01", "form": {"week": "2021-W24", "percent_complete": 65.0,
               "status": "green", "narrative": "二批设备进场", "issues": "", "next_steps": "",
               "replaces": null, "raise_problems": null, "photos": [pdf]}}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "invalid_input");
    let message = e["message"].as_str().unwrap();
    assert!(
        message.contains("现场照片.jpg") && message.contains("PDF"),
        "{e}"
    );
    let updates = invoke(&window, "updates_of", json!({"code": "KP21-01"})).unwrap();
    assert!(
        !updates
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["iso_week"] == "2021-W24"),
        "{updates}"
    );
    let photos = invoke(&window, "photos_of", json!({"code": "KP21-01"})).unwrap();
    assert_eq!(photos, json!([]));
}

#[test]
fn a_week_that_has_a_report_is_replaced_only_when_the_form_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = launch(&dir.path().join("k.sqlite"));
    let form = |replaces: Value| {
        json!({"code": "KP21-01", "form": {"week": "2021-W23", "percent_complete": 63.0,
               "status": "yellow", "narrative": "第二批设备搬入。", "issues": "", "next_steps": "",
               "replaces": replaces, "raise_problems": null, "photos": []}})
    };
    let e = invoke(&window, "record_update", form(Value::Null)).unwrap_err();
    assert_eq!(e["code"], "conflict");
    assert!(
        e["message"].as_str().unwrap().contains("王工（示例）"),
        "{e}"
    );
    let updates = invoke(&window, "updates_of", json!({"code": "KP21-01"})).unwrap();
    let w23 = updates
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["iso_week"] == "2021-W23")
        .unwrap()
        .clone();
    let saved = invoke(&window, "record_update", form(w23["id"].clone())).unwrap();
    assert_eq!(saved["update"]["id"], w23["id"]);
    assert_eq!(saved["update"]["narrative"], "第二批设备搬入。");
    assert_eq!(saved["problems"], json!([]));
    let page = invoke(
        &window,
        "history",
        json!({"query": {"limit": 1, "project": null, "author": null, "from": null, "to": null,
               "before": null}, "lang": "zh"}),
    )
    .unwrap();
    assert_eq!(
        page["edits"][0]["gist"]["action"], "replace_update",
        "{page}"
    );
    assert_eq!(page["edits"][0]["gist"]["verb"], "替换周报");
}

#[test]
fn a_milestone_added_and_done_is_in_the_file_and_its_change_log_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.sqlite");
    let id = {
        let (_app, window) = launch(&db);
        let added = invoke(
            &window,
            "add_task",
            json!({"code": "KP21-01", "draft": {"parent_id": null, "after": null, "name": "试生产许可",
                   "is_milestone": true, "planned_start": "2021-06-08", "planned_finish": "2021-06-08",
                   "acceptance": "取得许可"}}),
        )
        .unwrap();
        // A Gantt edit answers what it changed in the plan, the new task as its subject,
        // with the engine's marks over the whole plan.
        let id = added["subject"].as_i64().unwrap();
        let task = |view: &Value| {
            view["tasks"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["id"] == id)
                .unwrap()
                .clone()
        };
        assert_eq!(task(&added)["name"], "试生产许可");
        assert!(
            added["marks"]["schedule"]["ids"].as_array().unwrap().len() > 10,
            "{}",
            added["marks"]
        );
        assert_eq!(added["marks"]["baseline"]["name"], "年初计划");
        let done = invoke(
            &window,
            "complete_milestone",
            json!({"id": id, "date": "2021-06-10", "note": "按期取得"}),
        )
        .unwrap();
        assert_eq!(task(&done)["actual_finish"], "2021-06-10");
        assert_eq!(done["subject"], id);
        // Only what the edit touched comes back, not the whole plan.
        assert_eq!(
            done["tasks"].as_array().unwrap().len(),
            1,
            "{}",
            done["tasks"]
        );
        id
    };

    let (_app, window) = launch(&db);
    let detail = invoke(&window, "project_detail", json!({"code": "KP21-01"})).unwrap();
    let task = detail["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .unwrap()
        .clone();
    assert_eq!(task["completion_note"], "按期取得");
    let page = history(&window, 2);
    let edits = page["edits"].as_array().unwrap();
    assert_eq!(edits[0]["gist"]["action"], "complete_milestone", "{page}");
    assert_eq!(edits[0]["gist"]["subject"], "里程碑「试生产许可」");
    assert_eq!(edits[0]["gist"]["project"]["code"], "KP21-01");
    assert_eq!(edits[0]["rows"][0]["row_id"], id);
    assert_eq!(edits[1]["gist"]["action"], "add_milestone");
    assert_eq!(
        edits[0]["author"],
        keyworks_core::os_user_name().unwrap_or_else(|| "未知用户".into())
    );
}

#[test]
fn the_window_may_call_every_keyworks_command_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = launch(&dir.path().join("k.sqlite"));
    for name in COMMAND_NAMES {
        // Skipped: it needs no argument, so it would open the system's file dialog and wait
        // for a person.
        if *name == "choose_backup_file" {
            continue;
        }
        // Without arguments most commands refuse, but as a bad request, not as unknown or denied.
        if let Err(e) = invoke(&window, name, json!({})) {
            let text = e.to_string();
            assert!(
                !text.contains("not found") && !text.contains("not allowed"),
                "{name}: {text}"
            );
        }
    }
    for foreign in [
        "plugin:fs|read_file",
        "plugin:shell|execute",
        "no_such_command",
    ] {
        let e = invoke(&window, foreign, json!({})).unwrap_err();
        assert!(
            e.to_string().contains("not found") || e.to_string().contains("not allowed"),
            "{foreign}: {e}"
        );
    }
}

#[test]
fn every_registered_command_has_a_permission_and_a_binding() {
    let bindings = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts"),
    )
    .unwrap();
    // `__TAURI_INVOKE("name"`, or `__TAURI_INVOKE<Type>("name"` for a command that cannot fail.
    let invoked =
        bindings.matches("__TAURI_INVOKE(").count() + bindings.matches("__TAURI_INVOKE<").count();
    assert_eq!(invoked, COMMAND_NAMES.len());
    for name in COMMAND_NAMES {
        assert!(bindings.contains(&format!("(\"{name}\"")), "{name}");
    }
}

#[test]
fn the_weekly_report_is_written_as_pdf_where_asked_and_nothing_else_is_left_there() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = launch(&dir.path().join("k.sqlite"));
    let out_dir = dir.path().join("报告");
    std::fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("周报-2021-W23.pdf");
    let written = invoke(
        &window,
        "write_weekly_report",
        json!({"week": "2021-W23", "landscape": false, "lang": "zh",
               "path": out.display().to_string()}),
    )
    .unwrap();
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"%PDF"), "not a PDF");
    assert_eq!(written["bytes"].as_u64().unwrap(), bytes.len() as u64);
    assert!(written["pages"].as_u64().unwrap() >= 1, "{written}");
    assert_eq!(written["week"], "2021-W23");
    assert_eq!(written["path"], out.display().to_string());
    // Written through a temporary file and a rename: only the report remains.
    let names: Vec<_> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");

    // Landscape and English replace the file in place.
    let again = invoke(
        &window,
        "write_weekly_report",
        json!({"week": "2021-W23", "landscape": true, "lang": "en",
               "path": out.display().to_string()}),
    )
    .unwrap();
    assert_eq!(
        again["bytes"].as_u64().unwrap(),
        std::fs::metadata(&out).unwrap().len()
    );

    for (week, path) in [
        ("2021-23", out.display().to_string()),
        ("2021-W23", "r.pdf".into()),
    ] {
        let e = invoke(
            &window,
            "write_weekly_report",
            json!({"week": week, "landscape": false, "lang": "zh", "path": path}),
        )
        .unwrap_err();
        assert_eq!(e["code"], "invalid_input", "{e}");
    }
    let e = invoke(
        &window,
        "show_in_folder",
        json!({"path": dir.path().join("无此目录").join("r.pdf").display().to_string()}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "not_found", "{e}");
}

#[test]
fn the_gantt_gets_the_critical_path_floats_and_the_latest_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = launch(&dir.path().join("k.sqlite"));
    let marks = invoke(&window, "project_marks", json!({"code": "KP21-01"})).unwrap();
    let schedule = &marks["schedule"];
    let ids = schedule["ids"].as_array().unwrap();
    let critical = schedule["critical"].as_array().unwrap();
    let total = schedule["total_float"].as_array().unwrap();
    let free = schedule["free_float"].as_array().unwrap();
    assert_eq!(
        (critical.len(), total.len(), free.len()),
        (ids.len(), ids.len(), ids.len())
    );
    let first = critical
        .iter()
        .position(|c| c == true)
        .expect("a critical task");
    assert!(total[first].as_i64().unwrap() <= 0, "{marks}");
    assert!(free.iter().all(|f| f.as_i64().unwrap() >= 0));
    assert!(marks["schedule_problem"].is_null());

    let baseline = &marks["baseline"];
    assert_eq!(baseline["name"], "年初计划");
    assert!(
        !baseline["ids"].as_array().unwrap().is_empty(),
        "{baseline}"
    );
    assert_eq!(
        baseline["starts"].as_array().unwrap().len(),
        baseline["ids"].as_array().unwrap().len()
    );

    let e = invoke(&window, "project_marks", json!({"code": "KP21-99"})).unwrap_err();
    assert_eq!(e["code"], "not_found");
}

#[test]
fn plan_targets_list_the_plan_figures_and_a_recorded_actual_is_kept_and_logged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.sqlite");
    let id = {
        let (_app, window) = launch(&db);
        let targets = invoke(&window, "plan_targets", json!({})).unwrap();
        let housing = targets
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["target"]["name"] == "安置房")
            .unwrap()
            .clone();
        assert_eq!(housing["target"]["quantity"], 24457.0);
        let id = housing["target"]["id"].as_i64().unwrap();
        let e = invoke(
            &window,
            "set_target_actual",
            json!({"id": id, "actual": -3.0}),
        )
        .unwrap_err();
        assert_eq!(e["code"], "invalid_input");
        let saved = invoke(
            &window,
            "set_target_actual",
            json!({"id": id, "actual": 17000.0}),
        )
        .unwrap();
        assert_eq!(saved["target"]["actual"], 17000.0);
        id
    };
    let (_app, window) = launch(&db);
    let targets = invoke(&window, "plan_targets", json!({})).unwrap();
    let housing = targets
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["target"]["id"] == id)
        .unwrap()
        .clone();
    assert_eq!(housing["target"]["actual"], 17000.0);
    let page = history(&window, 1);
    assert_eq!(page["edits"][0]["gist"]["action"], "set_target", "{page}");
    assert_eq!(page["edits"][0]["rows"][0]["table"], "targets");
    assert_eq!(page["edits"][0]["rows"][0]["row_id"], id);
}

// ---- Shared files: edit lock, auditor mode, verify, backups, preferences, recent files ----

use keyworks_app::file_menu::{menu_texts, open_path, recent_menu_labels};
use keyworks_app::on_run_event;
use keyworks_app::open_file::OpenMode;
use keyworks_core::audit::edit_lock::{LockHolder, lock_path, this_machine};

/// A seeded file made by a first launch that has since exited (its lock released).
fn seeded_file(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("共享.sqlite");
    let (app, _window) = launch(&db);
    on_run_event(app.handle(), &tauri::RunEvent::Exit);
    assert!(!lock_path(&db).exists(), "the lock outlived the app");
    db
}

/// Writes a lock file as another editor's KeyWorks would.
fn lock_held_by(db: &Path, user: &str, machine: &str, process: u32, hours_ago: i64) {
    let holder = LockHolder {
        user: user.into(),
        machine: machine.into(),
        process,
        since: (chrono::Local::now() - chrono::Duration::hours(hours_ago)).fixed_offset(),
    };
    std::fs::write(lock_path(db), serde_json::to_vec(&holder).unwrap()).unwrap();
}

/// A process id that is not running here (Linux pids stay below 2^22).
const GONE_PID: u32 = 4_194_999;

/// The newest `limit` edits, as the History view asks for them.
fn history(window: &WebviewWindow<MockRuntime>, limit: u32) -> Value {
    invoke(
        window,
        "history",
        json!({"query": {"limit": limit, "project": null, "author": null, "from": null,
               "to": null, "before": null}, "lang": "zh"}),
    )
    .unwrap()
}

fn add_milestone(window: &WebviewWindow<MockRuntime>, name: &str) -> Result<Value, Value> {
    invoke(
        window,
        "add_task",
        json!({"code": "KP21-01", "draft": {"parent_id": null, "after": null, "name": name,
               "is_milestone": true, "planned_start": "2021-06-08", "planned_finish": "2021-06-08",
               "acceptance": ""}}),
    )
}

#[test]
fn the_editor_holds_the_lock_and_releases_it_on_exit() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.sqlite");
    let (app, window) = launch(&db);
    let info = invoke(&window, "open_file_info", json!({})).unwrap();
    assert_eq!(info["read_only"], false);
    assert_eq!(info["holds_edit_lock"], true);
    assert!(info["read_only_reason"].is_null(), "{info}");
    let holder: LockHolder =
        serde_json::from_slice(&std::fs::read(lock_path(&db)).unwrap()).unwrap();
    assert_eq!(holder.process, std::process::id());
    assert_eq!(holder.machine, this_machine());

    // Closing the window, then the exit, release it (Tauri runs no destructors on exit).
    on_run_event(app.handle(), &tauri::RunEvent::Exit);
    assert!(!lock_path(&db).exists());
    let e = invoke(&window, "portfolio_summary", json!({"asOf": "2021-06-11"})).unwrap_err();
    assert_eq!(e["code"], "not_found", "{e}");
}

#[test]
fn someone_elses_lock_opens_the_file_read_only_and_nothing_reaches_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded_file(dir.path());
    lock_held_by(&db, "李四", "规划科-PC", 4242, 1);
    let lock_before = std::fs::read(lock_path(&db)).unwrap();
    let bytes_before = std::fs::read(&db).unwrap();
    let mtime_before = std::fs::metadata(&db).unwrap().modified().unwrap();

    let (app, window) = launch(&db);
    let info = invoke(&window, "open_file_info", json!({})).unwrap();
    assert_eq!(info["read_only"], true, "{info}");
    assert_eq!(info["read_only_reason"], "locked_by_other");
    assert_eq!(info["holds_edit_lock"], false);
    assert_eq!(info["lock_holder"]["user"], "李四");
    assert_eq!(info["lock_holder"]["machine"], "规划科-PC");
    assert_eq!(info["lock_holder"]["stale"], false);
    assert!(
        info["read_only_detail"]
            .as_str()
            .unwrap()
            .contains("该文件正由 李四（规划科-PC）自"),
        "{info}"
    );

    // Reading works; every edit is refused by the core, with the read-only code.
    invoke(&window, "portfolio_summary", json!({"asOf": "2021-06-11"})).unwrap();
    assert_eq!(
        add_milestone(&window, "只读时添加").unwrap_err()["code"],
        "read_only"
    );
    let e = invoke(
        &window,
        "rename_task",
        json!({"id": 1, "name": "只读时改名"}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "read_only", "{e}");
    assert_eq!(
        invoke(&window, "break_stale_lock", json!({})).unwrap_err()["code"],
        "locked",
        "a live lock is not broken"
    );
    let verified = invoke(&window, "verify_file", json!({})).unwrap();
    assert_eq!(verified["ok"], true, "{verified}");
    assert_eq!(
        invoke(
            &window,
            "restore_backup",
            json!({"path": db.display().to_string()})
        )
        .unwrap_err()["code"],
        "read_only"
    );
    on_run_event(app.handle(), &tauri::RunEvent::Exit);

    // Byte for byte and to the nanosecond: the read-only session never wrote the file, nor
    // touched the holder's lock.
    assert_eq!(std::fs::read(&db).unwrap(), bytes_before);
    assert_eq!(
        std::fs::metadata(&db).unwrap().modified().unwrap(),
        mtime_before
    );
    assert_eq!(std::fs::read(lock_path(&db)).unwrap(), lock_before);
}

#[test]
fn a_stale_lock_is_broken_on_request_and_the_break_is_logged() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded_file(dir.path());
    // On this machine, its process gone: stale, but someone else's, so only on request.
    lock_held_by(&db, "王五", &this_machine(), GONE_PID, 1);
    let (_app, window) = launch(&db);
    let info = invoke(&window, "open_file_info", json!({})).unwrap();
    assert_eq!(info["read_only"], true);
    assert_eq!(info["lock_holder"]["stale"], true, "{info}");

    let info = invoke(&window, "break_stale_lock", json!({})).unwrap();
    assert_eq!(info["read_only"], false, "{info}");
    assert_eq!(info["holds_edit_lock"], true);
    let page = history(&window, 1);
    assert_eq!(page["edits"][0]["gist"]["action"], "break_lock", "{page}");
    assert!(
        page["edits"][0]["gist"]["subject"]
            .to_string()
            .contains("王五"),
        "{page}"
    );
    add_milestone(&window, "解锁后添加").unwrap();
    assert_eq!(
        invoke(&window, "verify_file", json!({})).unwrap()["ok"],
        true
    );
}

#[test]
fn an_old_lock_elsewhere_is_stale_by_the_hours_in_the_preferences() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded_file(dir.path());
    lock_held_by(&db, "赵六", "档案室-PC", 77, 5);
    let (_app, window) = launch(&db);
    assert_eq!(
        invoke(&window, "open_file_info", json!({})).unwrap()["lock_holder"]["stale"],
        false,
        "5 hours is within the default 12"
    );
    invoke(
        &window,
        "set_preferences",
        json!({"author": "", "staleLockHours": 4}),
    )
    .unwrap();
    assert_eq!(
        invoke(&window, "open_file_info", json!({})).unwrap()["lock_holder"]["stale"],
        true
    );
}

#[test]
fn my_own_abandoned_lock_is_taken_back_without_asking() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded_file(dir.path());
    lock_held_by(
        &db,
        &keyworks_app::preferences::os_author(),
        &this_machine(),
        GONE_PID,
        0,
    );
    let (_app, window) = launch(&db);
    let info = invoke(&window, "open_file_info", json!({})).unwrap();
    assert_eq!(info["read_only"], false, "{info}");
    assert_eq!(info["holds_edit_lock"], true);
    let page = history(&window, 1);
    assert_eq!(
        page["edits"][0]["gist"]["action"], "break_lock",
        "the take-back is logged: {page}"
    );
}

#[test]
fn auditor_mode_by_choice_holds_no_lock_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded_file(dir.path());
    let other = dir.path().join("other.sqlite");
    let (app, window) = launch(&other);
    assert!(lock_path(&other).exists());
    let bytes_before = std::fs::read(&db).unwrap();
    let mtime_before = std::fs::metadata(&db).unwrap().modified().unwrap();

    open_path(app.handle(), &db, OpenMode::ReadOnly);
    let info = invoke(&window, "open_file_info", json!({})).unwrap();
    assert_eq!(info["file_name"], "共享.sqlite");
    assert_eq!(info["read_only_reason"], "chosen");
    assert!(
        !lock_path(&other).exists(),
        "switching files released the old lock"
    );
    assert!(!lock_path(&db).exists(), "an auditor takes no lock");
    assert_eq!(
        add_milestone(&window, "x").unwrap_err()["code"],
        "read_only"
    );
    invoke(
        &window,
        "milestones",
        json!({"asOf": "2021-06-11", "dueWithin": null, "overdue": true}),
    )
    .unwrap();
    invoke(&window, "verify_file", json!({})).unwrap();
    // "Edit again" from the banner: the lock, and writing, come back.
    let info = invoke(&window, "reopen_for_editing", json!({})).unwrap();
    assert_eq!(info["read_only"], false);
    assert!(lock_path(&db).exists());
    on_run_event(app.handle(), &tauri::RunEvent::Exit);
    assert!(!lock_path(&db).exists());
    assert_eq!(std::fs::read(&db).unwrap(), bytes_before);
    assert_eq!(
        std::fs::metadata(&db).unwrap().modified().unwrap(),
        mtime_before
    );
}

#[test]
fn verify_names_a_row_changed_outside_keyworks() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.sqlite");
    let (_app, window) = launch(&db);
    let ok = invoke(&window, "verify_file", json!({})).unwrap();
    assert_eq!(ok["ok"], true, "{ok}");
    assert!(ok["log_rows"].as_u64().unwrap() > 0);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("UPDATE tasks SET name = '被改动' WHERE id = 3", [])
        .unwrap();
    drop(conn);
    let bad = invoke(&window, "verify_file", json!({})).unwrap();
    assert_eq!(bad["ok"], false);
    assert_eq!(bad["problem_count"], 1, "{bad}");
    assert_eq!(bad["problems"][0]["kind"], "row_changed");
    let text = bad["problems"][0]["text"].as_str().unwrap();
    assert!(
        text.contains("表 tasks 第 3 行") && text.contains("被绕过 KeyWorks 修改"),
        "{text}"
    );
}

#[test]
fn a_backup_is_listed_and_restored_and_the_restore_is_logged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.sqlite");
    let (_app, window) = launch(&db);
    assert_eq!(invoke(&window, "backups", json!({})).unwrap(), json!([]));
    // A copy saved on demand into the backup folder (File → 另存副本… suggests it).
    let folder = keyworks_core::store::backup::backup_dir(&db);
    std::fs::create_dir_all(&folder).unwrap();
    let copy = folder.join("20210611T090000.000-k-副本.sqlite");
    keyworks_core::Db::open(&db, keyworks_core::Access::ReadOnly)
        .unwrap()
        .save_copy(&copy)
        .unwrap();
    let added = add_milestone(&window, "恢复前添加").unwrap();

    let listed = invoke(&window, "backups", json!({})).unwrap();
    assert_eq!(listed[0]["kind"], "on_demand", "{listed}");
    assert_eq!(listed[0]["path"], copy.display().to_string());
    let info = invoke(
        &window,
        "restore_backup",
        json!({"path": copy.display().to_string()}),
    )
    .unwrap();
    assert_eq!(info["read_only"], false);
    assert_eq!(info["holds_edit_lock"], true, "the editor keeps its lock");
    let detail = invoke(&window, "project_detail", json!({"code": "KP21-01"})).unwrap();
    assert!(
        !detail["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == added["subject"]),
        "the milestone added after the copy is gone"
    );
    let page = history(&window, 1);
    assert_eq!(page["edits"][0]["gist"]["action"], "restore", "{page}");
    let kinds: Vec<Value> = invoke(&window, "backups", json!({}))
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["kind"].clone())
        .collect();
    assert!(kinds.contains(&json!("before_restore")), "{kinds:?}");
    assert_eq!(
        invoke(&window, "verify_file", json!({})).unwrap()["ok"],
        true
    );
    let e = invoke(
        &window,
        "restore_backup",
        json!({"path": "relative.sqlite"}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "invalid_input");
}

#[test]
fn the_author_in_the_preferences_is_stamped_on_changes_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.sqlite");
    {
        let (_app, window) = launch(&db);
        let prefs = invoke(&window, "preferences", json!({})).unwrap();
        assert_eq!(prefs["author"], "");
        assert_eq!(prefs["effective_author"], prefs["os_author"]);
        assert_eq!(prefs["stale_lock_hours"], 12);
        let saved = invoke(
            &window,
            "set_preferences",
            json!({"author": "张三", "staleLockHours": 24}),
        )
        .unwrap();
        assert_eq!(saved["effective_author"], "张三");
        let e = invoke(
            &window,
            "set_preferences",
            json!({"author": "张三", "staleLockHours": 0}),
        )
        .unwrap_err();
        assert_eq!(e["code"], "invalid_input");
        add_milestone(&window, "张三添加").unwrap();
        assert_eq!(history(&window, 1)["edits"][0]["author"], "张三");
    }
    let (_app, window) = launch(&db);
    let prefs = invoke(&window, "preferences", json!({})).unwrap();
    assert_eq!(prefs["author"], "张三");
    assert_eq!(prefs["stale_lock_hours"], 24);
    assert!(
        prefs["stored_in"]
            .as_str()
            .unwrap()
            .ends_with("preferences.json")
    );
}

#[test]
fn recent_files_list_the_last_opened_first_and_show_missing_ones_disabled() {
    let dir = tempfile::tempdir().unwrap();
    let first = seeded_file(dir.path());
    let second = dir.path().join("second.sqlite");
    let (app, window) = launch(&second);
    open_path(app.handle(), &first, OpenMode::Edit);
    let prefs = invoke(&window, "preferences", json!({})).unwrap();
    let recent: Vec<&str> = prefs["recent_files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["file_name"].as_str().unwrap())
        .collect();
    assert_eq!(recent, ["共享.sqlite", "second.sqlite"]);
    let labels = recent_menu_labels(app.handle());
    assert!(labels[0].0.starts_with("1  共享.sqlite"), "{labels:?}");
    assert!(labels[0].1, "an existing file is enabled");

    open_path(app.handle(), &second, OpenMode::Edit);
    std::fs::remove_file(&first).unwrap();
    // The list is rebuilt when a file is opened: the gone one is shown, disabled.
    open_path(app.handle(), &second, OpenMode::Edit);
    let labels = recent_menu_labels(app.handle());
    let gone = labels
        .iter()
        .find(|(l, _)| l.contains("共享.sqlite"))
        .unwrap();
    assert!(gone.0.contains("（找不到）") && !gone.1, "{labels:?}");
}

/// Whether `text` has a Chinese character (or full-width punctuation such as （）).
fn has_chinese(text: &str) -> bool {
    text.chars()
        .any(|c| ('\u{3000}'..='\u{9fff}').contains(&c) || ('\u{ff00}'..='\u{ffef}').contains(&c))
}

#[test]
fn the_menus_speak_the_language_chosen_in_the_window_now_and_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.sqlite");
    let gone = dir.path().join("gone.sqlite");
    let en = {
        let (app, window) = launch(&db);
        // A recent file that has gone, so that its "not found" note is shown too.
        std::fs::copy(&db, &gone).unwrap();
        open_path(app.handle(), &gone, OpenMode::ReadOnly);
        open_path(app.handle(), &db, OpenMode::Edit);
        std::fs::remove_file(&gone).unwrap();
        keyworks_app::file_menu::refresh_menu(app.handle());

        let prefs = invoke(&window, "preferences", json!({})).unwrap();
        assert_eq!(prefs["language"], "zh");
        let zh = menu_texts(app.handle());
        assert_eq!(
            &zh[..3],
            ["文件", "新建（含2021年种子数据）…", "打开…"],
            "{zh:?}"
        );
        for title in [
            "最近打开",
            "清除列表",
            "导出",
            "退出",
            "编辑",
            "首选项…",
            "帮助",
            "校验文件…",
        ] {
            assert!(zh.iter().any(|t| t == title), "{title} in {zh:?}");
        }
        assert!(
            zh.iter().any(|t| t.contains("gone.sqlite（找不到）")),
            "{zh:?}"
        );

        let saved = invoke(&window, "set_language", json!({"lang": "en"})).unwrap();
        assert_eq!(saved["language"], "en");
        let en = menu_texts(app.handle());
        assert_eq!(
            &en[..3],
            ["File", "New (with the 2021 Sample Data)…", "Open…"],
            "{en:?}"
        );
        for title in [
            "Open Recent",
            "Clear List",
            "Export",
            "Quit",
            "Edit",
            "Preferences…",
            "Help",
            "Verify File…",
        ] {
            assert!(en.iter().any(|t| t == title), "{title} in {en:?}");
        }
        assert!(
            en.iter().any(|t| t.contains("gone.sqlite (not found)")),
            "{en:?}"
        );
        // Every word was translated, and nothing was added or lost.
        assert_eq!(en.len(), zh.len());
        assert!(!en.iter().any(|t| has_chinese(t)), "{en:?}");
        // The recent files submenu that later opens refill is the new one, still in English.
        open_path(app.handle(), &db, OpenMode::Edit);
        assert!(
            recent_menu_labels(app.handle())
                .iter()
                .any(|(l, _)| l == "Clear List"),
            "{:?}",
            recent_menu_labels(app.handle())
        );
        let e = invoke(&window, "set_language", json!({"lang": "fr"})).unwrap_err();
        assert!(!e.to_string().contains("not allowed"), "{e}");
        assert_eq!(
            menu_texts(app.handle()),
            en,
            "a refused language changes nothing"
        );
        on_run_event(app.handle(), &tauri::RunEvent::Exit);
        en
    };
    // The next start builds the menus in English: the same words the switch gave.
    let (app, window) = launch(&db);
    let prefs = invoke(&window, "preferences", json!({})).unwrap();
    assert_eq!(prefs["language"], "en");
    assert_eq!(menu_texts(app.handle()), en);
    // And back to Chinese.
    let saved = invoke(&window, "set_language", json!({"lang": "zh"})).unwrap();
    assert_eq!(saved["language"], "zh");
    let zh = menu_texts(app.handle());
    assert_eq!(
        &zh[..3],
        ["文件", "新建（含2021年种子数据）…", "打开…"],
        "{zh:?}"
    );
    // Every word is back in Chinese; a recent file's line is its name and folder, the same in
    // both languages unless it has gone.
    assert_eq!(zh.len(), en.len());
    for (z, e) in zh.iter().zip(&en) {
        let existing_file = z.starts_with(|c: char| c.is_ascii_digit()) && !z.contains("gone");
        assert!(existing_file || z != e, "{z} {zh:?}");
    }
}

#[test]
fn undo_reverts_the_last_edit_and_then_says_there_is_nothing_left() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.sqlite");
    let (_app, window) = launch(&db);
    let added = add_milestone(&window, "撤销测试里程碑").unwrap();
    let undone = invoke(&window, "undo_last_edit", json!({"lang": "zh"})).unwrap();
    // The answer is the reverted edit as the history tells it, for the notice.
    assert_eq!(undone["gist"]["action"], "add_milestone", "{undone}");
    assert_eq!(undone["gist"]["text"], "添加里程碑「撤销测试里程碑」");
    assert_eq!(undone["undone"], true);
    let detail = invoke(&window, "project_detail", json!({"code": "KP21-01"})).unwrap();
    let ids: Vec<&Value> = detail["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["id"])
        .collect();
    assert!(!ids.contains(&&added["subject"]), "the milestone is gone");
    // The seed that created the file is not undone.
    let e = invoke(&window, "undo_last_edit", json!({"lang": "zh"})).unwrap_err();
    assert_eq!(e["code"], "not_found", "{e}");
}

#[test]
fn a_project_exported_as_ms_project_xml_reads_back_and_imports_as_a_new_project() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = launch(&dir.path().join("k.sqlite"));
    let detail = invoke(&window, "project_detail", json!({"code": "KP21-01"})).unwrap();
    let tasks = detail["tasks"].as_array().unwrap().len();
    assert!(tasks > 0);

    let xml = dir.path().join("导入测试.xml");
    let written = invoke(
        &window,
        "export_project_mspdi",
        json!({"code": "KP21-01", "path": xml.display().to_string()}),
    )
    .unwrap();
    assert_eq!(written["code"], "KP21-01");
    assert_eq!(written["tasks"], tasks, "{written}");
    let parsed = keyworks_interchange::mspdi::parse(&std::fs::read(&xml).unwrap()).unwrap();
    assert_eq!(parsed.real_tasks().count(), tasks);

    // A relative path is refused rather than written wherever the app happens to run.
    let e = invoke(
        &window,
        "export_project_mspdi",
        json!({"code": "KP21-01", "path": "x.xml"}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "invalid_input", "{e}");

    // File → 导入 MS Project 文件: a new project coded after the file name.
    let path = json!({"path": xml.display().to_string()});
    let done = invoke(&window, "import_mspdi", path.clone()).unwrap();
    assert_eq!(done["outcome"], "imported", "{done}");
    assert_eq!(done["code"], "导入测试", "{done}");
    let imported = invoke(&window, "project_detail", json!({"code": "导入测试"})).unwrap();
    assert_eq!(imported["tasks"].as_array().unwrap().len(), tasks);
    // Importing it again clashes with that code: refused, with the core's sentence.
    let clash = invoke(&window, "import_mspdi", path).unwrap_err();
    assert!(
        clash["message"].as_str().unwrap().contains("导入测试"),
        "{clash}"
    );

    // File → 导出 → 里程碑 CSV: the whole portfolio, one row per milestone.
    let csv = dir.path().join("里程碑.csv");
    let said = invoke(
        &window,
        "export_table",
        json!({"code": null, "what": "milestone_csv", "lang": "zh", "asOf": "2021-06-11",
               "path": csv.display().to_string()}),
    )
    .unwrap();
    assert!(said["rows"].as_u64().unwrap() > 1, "{said}");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with('\u{feff}'), "UTF-8 with BOM for Excel");
    assert!(text.lines().count() > 2, "{text}");
}

#[test]
fn a_bar_dragged_whole_lands_where_the_preview_said_keeping_its_working_days() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = launch(&dir.path().join("k.sqlite"));
    let detail = invoke(&window, "project_detail", json!({"code": "KP21-01"})).unwrap();
    let task = detail["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "消防、环保等专项验收")
        .unwrap()
        .clone();
    let id = task["id"].clone();
    let preview = invoke(
        &window,
        "preview_shift",
        json!({"id": id, "start": "2021-06-12"}),
    )
    .unwrap();
    // Saturday in the Dragon Boat Festival holiday: the bar starts on Tuesday the 15th.
    assert_eq!(preview[0], "2021-06-15", "{preview}");
    let change = invoke(
        &window,
        "shift_task",
        json!({"id": id, "start": "2021-06-12"}),
    )
    .unwrap();
    let moved = change["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .unwrap()
        .clone();
    assert_eq!(
        (
            moved["planned_start"].clone(),
            moved["planned_finish"].clone()
        ),
        (preview[0].clone(), preview[1].clone())
    );
    assert_eq!(moved["duration_days"], task["duration_days"]);
}
