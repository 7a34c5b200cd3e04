//! Command wiring through Tauri's mock runtime, with the real configuration and capabilities:
//! the first launch seeds the file, commands answer typed JSON, core errors arrive as
//! `{code, message}`, edits land in the file and its change log, and the window may call
//! exactly KeyWorks' own commands.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use keyworks_app::{COMMAND_NAMES, StartFile, build_app};
use serde_json::{Value, json};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow};

fn launch(db: &Path) -> (App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let app = build_app(mock_builder(), StartFile::Path(db.to_owned())).unwrap();
    let window = match app.get_webview_window("main") {
        Some(w) => w,
        None => tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap(),
    };
    (app, window)
}

fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().unwrap())
}

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
    assert_eq!(
        invoke(&window, "seed_as_of", json!({})).unwrap(),
        "2021-06-11"
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
               "status": "green", "narrative": "x", "issues": "", "next_steps": ""}}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "invalid_input");
    assert!(e["message"].as_str().unwrap().contains("周次"), "{e}");
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
            json!({"code": "KP21-01", "draft": {"parent_id": null, "name": "试生产许可",
                   "is_milestone": true, "planned_start": "2021-06-08", "planned_finish": "2021-06-08",
                   "acceptance": "取得许可"}}),
        )
        .unwrap();
        let id = added["id"].as_i64().unwrap();
        let done = invoke(
            &window,
            "complete_milestone",
            json!({"id": id, "date": "2021-06-10", "note": "按期取得"}),
        )
        .unwrap();
        assert_eq!(done["actual_finish"], "2021-06-10");
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
    let log = invoke(&window, "change_log", json!({"limit": 2})).unwrap();
    let log = log.as_array().unwrap();
    assert_eq!(log[0]["op"], "update");
    assert_eq!(log[0]["row_id"], id);
    assert_eq!(log[1]["op"], "insert");
    assert_eq!(
        log[0]["author"],
        keyworks_core::os_user_name().unwrap_or_else(|| "未知用户".into())
    );
}

#[test]
fn the_window_may_call_every_keyworks_command_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = launch(&dir.path().join("k.sqlite"));
    for name in COMMAND_NAMES {
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
    let schedule = invoke(&window, "project_schedule", json!({"code": "KP21-01"})).unwrap();
    let path = schedule["critical_path"].as_array().unwrap();
    assert!(!path.is_empty(), "{schedule}");
    let rows = schedule["rows"].as_array().unwrap();
    let first = rows.iter().find(|r| r["id"] == path[0]["id"]).unwrap();
    assert_eq!(first["critical"], true);
    assert!(first["total_float"].as_i64().unwrap() <= 0, "{first}");
    assert!(rows.iter().all(|r| r["free_float"].as_i64().unwrap() >= 0));

    let diff = invoke(&window, "latest_baseline_diff", json!({"code": "KP21-01"})).unwrap();
    let tasks = diff["tasks"].as_array().unwrap();
    assert!(
        tasks.iter().any(|t| t["baseline_start"].is_string()),
        "{diff}"
    );

    let e = invoke(&window, "project_schedule", json!({"code": "KP21-99"})).unwrap_err();
    assert_eq!(e["code"], "not_found");
}
