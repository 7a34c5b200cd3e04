//! The File menu: New, Open… and Save a copy…, through the system's file dialogs (rfd).
//! What each item does to the open file is in `open_file`; this module only asks which file.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use tauri::menu::{Menu, MenuBuilder, MenuEvent, MenuItemBuilder, SubmenuBuilder};
use tauri::{AppHandle, Manager, Runtime};
use tauri_specta::Event;

use crate::ipc_error::IpcError;
use crate::open_file::{
    OpenFile, OpenFileInfo, open_existing, open_or_create_seeded, os_author, stamp_now,
};

const NEW: &str = "file-new";
const OPEN: &str = "file-open";
const SAVE_COPY: &str = "file-save-copy";
const IMPORT_HOLIDAYS: &str = "file-import-holidays";

const FILE_FILTER_NAME: &str = "KeyWorks 数据库";
const FILE_EXTENSIONS: &[&str] = &["sqlite", "db"];

/// Another file is now open: the UI reloads everything it shows.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct FileChanged {
    pub file: OpenFileInfo,
}

/// A File menu action failed; the UI shows the sentence.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct FileProblem {
    pub error: IpcError,
}

/// A File menu action finished without changing the open file (a copy was saved).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct FileNotice {
    pub message: String,
}

pub fn menu<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let file = SubmenuBuilder::new(app, "文件")
        .item(
            &MenuItemBuilder::with_id(NEW, "新建（含2021年种子数据）…")
                .accelerator("CmdOrCtrl+N")
                .build(app)?,
        )
        .item(
            &MenuItemBuilder::with_id(OPEN, "打开…")
                .accelerator("CmdOrCtrl+O")
                .build(app)?,
        )
        .item(
            &MenuItemBuilder::with_id(SAVE_COPY, "另存副本…")
                .accelerator("CmdOrCtrl+Shift+S")
                .build(app)?,
        )
        .separator()
        .item(
            &MenuItemBuilder::with_id(IMPORT_HOLIDAYS, "导入节假日安排（holiday-cn JSON）…")
                .build(app)?,
        )
        .separator()
        .quit_with_text("退出")
        .build()?;
    MenuBuilder::new(app).item(&file).build()
}

pub fn on_menu_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    let action: fn(&AppHandle<R>) = match event.id().as_ref() {
        NEW => new_file,
        OPEN => open_file,
        SAVE_COPY => save_copy,
        IMPORT_HOLIDAYS => import_holidays,
        _ => return,
    };
    // A file dialog blocks until it is closed, and rfd needs GTK's loop (on the main thread)
    // to keep running meanwhile: ask from a worker thread.
    let app = app.clone();
    std::thread::spawn(move || action(&app));
}

fn dialog() -> rfd::FileDialog {
    rfd::FileDialog::new().add_filter(FILE_FILTER_NAME, FILE_EXTENSIONS)
}

fn new_file<R: Runtime>(app: &AppHandle<R>) {
    let Some(path) = dialog()
        .set_title("新建 KeyWorks 数据库")
        .set_file_name("重点项目.sqlite")
        .save_file()
    else {
        return;
    };
    if path.exists() {
        // The dialog's overwrite prompt is not enough: a database is never replaced silently.
        let error = IpcError::from(keyworks_core::Error::AlreadyExists { path });
        report(app, Err(error));
        return;
    }
    switch_to(app, open_or_create_seeded(&path));
}

fn open_file<R: Runtime>(app: &AppHandle<R>) {
    if let Some(path) = dialog().set_title("打开 KeyWorks 数据库").pick_file() {
        switch_to(app, open_existing(&path, true));
    }
}

fn save_copy<R: Runtime>(app: &AppHandle<R>) {
    let suggested = app
        .state::<OpenFile>()
        .info()
        .map(|i| copy_name(&i.file_name))
        .unwrap_or_else(|_| "副本.sqlite".to_owned());
    let Some(path) = dialog()
        .set_title("另存副本")
        .set_file_name(suggested)
        .save_file()
    else {
        return;
    };
    let saved = app.state::<OpenFile>().read(|db| db.save_copy(&path));
    let outcome = saved.map(|()| FileNotice {
        message: format!("已保存副本：{}", path.display()),
    });
    match outcome {
        Ok(notice) => emit(app, notice),
        Err(error) => emit(app, FileProblem { error }),
    }
}

/// `重点项目.sqlite` → `重点项目-副本.sqlite`.
/// A newer year of China's official holidays and make-up working days (the State Council
/// announces the next year late in the year), in holiday-cn's JSON format. A malformed file is
/// refused with the reason and changes nothing (the core checks it before its one transaction).
fn import_holidays<R: Runtime>(app: &AppHandle<R>) {
    let Some(path) = rfd::FileDialog::new()
        .add_filter("holiday-cn JSON", &["json"])
        .set_title("导入节假日安排")
        .pick_file()
    else {
        return;
    };
    let source = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let imported = std::fs::read_to_string(&path)
        .map_err(|source| {
            IpcError::from(keyworks_core::Error::Io {
                path: path.clone(),
                source,
            })
        })
        .and_then(|json| {
            let stamp = stamp_now(&os_author()).map_err(IpcError::from)?;
            app.state::<OpenFile>()
                .write(|db| db.import_holiday_year(&json, &source, &stamp))
        });
    match imported {
        Ok(done) => emit(
            app,
            FileNotice {
                message: format!(
                    "已导入 {} 年节假日安排：放假 {} 天，调休上班 {} 天。",
                    done.year, done.holidays, done.workdays
                ),
            },
        ),
        Err(error) => emit(app, FileProblem { error }),
    }
}

fn copy_name(file_name: &str) -> String {
    let path = PathBuf::from(file_name);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{stem}-副本.sqlite")
}

fn switch_to<R: Runtime>(app: &AppHandle<R>, opened: Result<keyworks_core::Db, IpcError>) {
    let info = opened.and_then(|db| app.state::<OpenFile>().replace(db));
    report(app, info);
}

fn report<R: Runtime>(app: &AppHandle<R>, info: Result<OpenFileInfo, IpcError>) {
    match info {
        Ok(file) => {
            show_in_title(app, &file);
            emit(app, FileChanged { file });
        }
        Err(error) => emit(app, FileProblem { error }),
    }
}

pub fn show_in_title<R: Runtime>(app: &AppHandle<R>, file: &OpenFileInfo) {
    if let Some(window) = app.get_webview_window("main")
        && let Err(e) = window.set_title(&file.window_title())
    {
        eprintln!("KeyWorks: could not set the window title: {e}");
    }
}

fn emit<R: Runtime, E: Event + Serialize + Clone>(app: &AppHandle<R>, event: E) {
    if let Err(e) = event.emit(app) {
        eprintln!("KeyWorks: could not tell the window about a File menu action: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_are_named_after_the_file() {
        assert_eq!(copy_name("keyworks.sqlite"), "keyworks-副本.sqlite");
        assert_eq!(copy_name("重点项目.db"), "重点项目-副本.sqlite");
    }
}
