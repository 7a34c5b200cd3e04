//! What the mock-runtime tests share: the app on a file, and one IPC call as the window makes it.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::path::Path;

use keyworks_app::{ConfigDir, StartFile, build_app_with};
use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow};

/// The app on `db`, its preferences in a `config` folder beside the file (never the real
/// user's config).
pub fn launch(db: &Path) -> (App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let config = db.parent().unwrap().join("config");
    let app = build_app_with(
        mock_builder(),
        StartFile::Path(db.to_owned()),
        ConfigDir::Path(config),
    )
    .unwrap();
    let window = match app.get_webview_window("main") {
        Some(w) => w,
        None => tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap(),
    };
    (app, window)
}

/// One command through the real IPC path (capabilities included): its JSON answer, or the
/// `{code, message}` error.
pub fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
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
