//! The menus: File (New, Open…, Open read-only…, Recent, Save a copy…, Restore from backup…,
//! holidays, import MS Project XML or a milestone CSV, export the portfolio as xlsx/csv/ics,
//! Quit), Edit (Preferences…) and Help (Verify…). File dialogs come from the system (rfd); what
//! each item does to the open file is in `open_file`; items that need a dialog of the UI's own
//! (preferences, verify, restore, the imports with their progress and preview) ask the window
//! to show it, and the exports ask the window to run them (in its language and as-of date).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tauri::menu::{
    Menu, MenuBuilder, MenuEvent, MenuItemBuilder, PredefinedMenuItem, Submenu, SubmenuBuilder,
};
use tauri::{AppHandle, Manager, Runtime};
use tauri_specta::Event;

use crate::exports::{ExportRequested, TableExport};
use crate::ipc_error::IpcError;
use crate::open_file::{OpenFile, OpenFileInfo, OpenMode};
use crate::preferences::{PreferencesStore, RecentFile};

const NEW: &str = "file-new";
const OPEN: &str = "file-open";
const OPEN_READ_ONLY: &str = "file-open-read-only";
const SAVE_COPY: &str = "file-save-copy";
const RESTORE: &str = "file-restore";
const IMPORT_HOLIDAYS: &str = "file-import-holidays";
const IMPORT_MSPDI: &str = "file-import-mspdi";
const IMPORT_MILESTONE_CSV: &str = "file-import-csv";
const EXPORT_WORKBOOK: &str = "file-export-xlsx";
const EXPORT_MILESTONE_CSV: &str = "file-export-csv";
const EXPORT_CALENDAR: &str = "file-export-ics";
const CLEAR_RECENT: &str = "file-recent-clear";
const RECENT_PREFIX: &str = "file-recent-";
const QUIT: &str = "file-quit";
const PREFERENCES: &str = "edit-preferences";
const VERIFY: &str = "help-verify";

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

/// The UI's own dialogs that a menu item opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum MenuDialog {
    Preferences,
    Verify,
    RestoreBackup,
    /// Pick an MS Project XML file and import it, with progress and 取消
    ImportMspdi,
    /// Pick a milestone CSV, preview its changes, apply them
    ImportMilestoneCsv,
}

/// A menu item asks the window to show one of its dialogs.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct MenuDialogRequested {
    pub dialog: MenuDialog,
}

pub fn menu<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let recent = app
        .try_state::<PreferencesStore>()
        .and_then(|p| p.get().ok())
        .map(|p| p.recent_files)
        .unwrap_or_default();
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
        .item(&MenuItemBuilder::with_id(OPEN_READ_ONLY, "以只读方式打开（审计）…").build(app)?)
        .item(&recent_menu(app, &recent)?)
        .separator()
        .item(
            &MenuItemBuilder::with_id(SAVE_COPY, "另存副本…")
                .accelerator("CmdOrCtrl+Shift+S")
                .build(app)?,
        )
        .item(&MenuItemBuilder::with_id(RESTORE, "从备份恢复…").build(app)?)
        .separator()
        .item(
            &MenuItemBuilder::with_id(IMPORT_HOLIDAYS, "导入节假日安排（holiday-cn JSON）…")
                .build(app)?,
        )
        .item(&MenuItemBuilder::with_id(IMPORT_MSPDI, "导入 MS Project 文件（.xml）…").build(app)?)
        .item(&MenuItemBuilder::with_id(IMPORT_MILESTONE_CSV, "导入里程碑（CSV）…").build(app)?)
        .item(
            &SubmenuBuilder::new(app, "导出")
                .item(
                    &MenuItemBuilder::with_id(EXPORT_WORKBOOK, "项目总览 Excel（.xlsx）…")
                        .build(app)?,
                )
                .item(&MenuItemBuilder::with_id(EXPORT_MILESTONE_CSV, "里程碑 CSV…").build(app)?)
                .item(&MenuItemBuilder::with_id(EXPORT_CALENDAR, "里程碑日历（.ics）…").build(app)?)
                .build()?,
        )
        .separator()
        // Our own item rather than the predefined one: quitting must release the edit lock,
        // and the predefined Quit is not available on every platform.
        .item(
            &MenuItemBuilder::with_id(QUIT, "退出")
                .accelerator("CmdOrCtrl+Q")
                .build(app)?,
        )
        .build()?;
    let edit = SubmenuBuilder::new(app, "编辑")
        .item(
            &MenuItemBuilder::with_id(PREFERENCES, "首选项…")
                .accelerator("CmdOrCtrl+Comma")
                .build(app)?,
        )
        .build()?;
    let help = SubmenuBuilder::new(app, "帮助")
        .item(&MenuItemBuilder::with_id(VERIFY, "校验文件…").build(app)?)
        .build()?;
    MenuBuilder::new(app)
        .item(&file)
        .item(&edit)
        .item(&help)
        .build()
}

/// The File → 最近打开 submenu, kept so that its items can be replaced in place (rebuilding
/// the whole menu bar would detach and reattach it to the window).
struct RecentSubmenu<R: Runtime>(Submenu<R>);

impl<R: Runtime> std::fmt::Debug for RecentSubmenu<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecentSubmenu")
    }
}

/// File → 最近打开: the last eight files; one that has gone is shown, disabled.
fn recent_menu<R: Runtime>(app: &AppHandle<R>, recent: &[PathBuf]) -> tauri::Result<Submenu<R>> {
    let submenu = SubmenuBuilder::new(app, "最近打开").build()?;
    fill_recent(app, &submenu, recent)?;
    app.manage(RecentSubmenu(submenu.clone()));
    Ok(submenu)
}

fn fill_recent<R: Runtime>(
    app: &AppHandle<R>,
    submenu: &Submenu<R>,
    recent: &[PathBuf],
) -> tauri::Result<()> {
    for old in submenu.items()? {
        submenu.remove(&old)?;
    }
    if recent.is_empty() {
        submenu.append(
            &MenuItemBuilder::with_id(format!("{RECENT_PREFIX}none"), "（无）")
                .enabled(false)
                .build(app)?,
        )?;
        return Ok(());
    }
    for (i, path) in recent.iter().enumerate() {
        let shown = RecentFile::of(path);
        submenu.append(
            &MenuItemBuilder::with_id(format!("{RECENT_PREFIX}{i}"), recent_label(i, &shown))
                .enabled(shown.exists)
                .build(app)?,
        )?;
    }
    submenu.append(&PredefinedMenuItem::separator(app)?)?;
    submenu.append(&MenuItemBuilder::with_id(CLEAR_RECENT, "清除列表").build(app)?)
}

/// `1  重点项目.sqlite  —  /home/li/共享`, `（找不到）` when it has gone.
fn recent_label(i: usize, file: &RecentFile) -> String {
    let folder = Path::new(&file.path)
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let missing = if file.exists { "" } else { "（找不到）" };
    format!("{}  {}{missing}  —  {folder}", i + 1, file.file_name)
}

/// Rebuilds File → 最近打开 (the recent files changed).
pub fn refresh_menu<R: Runtime>(app: &AppHandle<R>) {
    let (Some(submenu), Some(prefs)) = (
        app.try_state::<RecentSubmenu<R>>(),
        app.try_state::<PreferencesStore>(),
    ) else {
        return;
    };
    let recent = prefs.get().map(|p| p.recent_files).unwrap_or_default();
    if let Err(e) = fill_recent(app, &submenu.0, &recent) {
        eprintln!("KeyWorks: could not rebuild the recent files menu: {e}");
    }
}

/// The labels of File → 最近打开, as shown (for tests).
pub fn recent_menu_labels<R: Runtime>(app: &AppHandle<R>) -> Vec<(String, bool)> {
    let Some(submenu) = app.try_state::<RecentSubmenu<R>>() else {
        return Vec::new();
    };
    submenu
        .0
        .items()
        .unwrap_or_default()
        .iter()
        .filter_map(|i| i.as_menuitem().cloned())
        .filter_map(|i| Some((i.text().ok()?, i.is_enabled().ok()?)))
        .collect()
}

pub fn on_menu_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    let id = event.id().as_ref();
    let dialog = match id {
        PREFERENCES => Some(MenuDialog::Preferences),
        VERIFY => Some(MenuDialog::Verify),
        RESTORE => Some(MenuDialog::RestoreBackup),
        IMPORT_MSPDI => Some(MenuDialog::ImportMspdi),
        IMPORT_MILESTONE_CSV => Some(MenuDialog::ImportMilestoneCsv),
        _ => None,
    };
    if let Some(dialog) = dialog {
        emit(app, MenuDialogRequested { dialog });
        return;
    }
    let export = match id {
        EXPORT_WORKBOOK => Some(TableExport::Workbook),
        EXPORT_MILESTONE_CSV => Some(TableExport::MilestoneCsv),
        EXPORT_CALENDAR => Some(TableExport::MilestoneCalendar),
        _ => None,
    };
    if let Some(what) = export {
        emit(app, ExportRequested { what });
        return;
    }
    if id == QUIT {
        quit(app);
        return;
    }
    if let Some(index) = id
        .strip_prefix(RECENT_PREFIX)
        .and_then(|i| i.parse::<usize>().ok())
    {
        let app = app.clone();
        std::thread::spawn(move || open_recent(&app, index));
        return;
    }
    let action: fn(&AppHandle<R>) = match id {
        NEW => new_file,
        OPEN => |app| open_file(app, OpenMode::Edit),
        OPEN_READ_ONLY => |app| open_file(app, OpenMode::ReadOnly),
        SAVE_COPY => save_copy,
        IMPORT_HOLIDAYS => import_holidays,
        CLEAR_RECENT => clear_recent,
        _ => return,
    };
    // A file dialog blocks until it is closed, and rfd needs GTK's loop (on the main thread)
    // to keep running meanwhile: ask from a worker thread.
    let app = app.clone();
    std::thread::spawn(move || action(&app));
}

/// Releases the edit lock, then exits (Tauri runs no destructors on exit).
pub fn quit<R: Runtime>(app: &AppHandle<R>) {
    if let Some(file) = app.try_state::<OpenFile>() {
        file.close();
    }
    app.exit(0);
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
    let file = app.state::<OpenFile>();
    let created = file.identity().and_then(|who| {
        crate::open_file::open_or_create_seeded(&path, &who).map(|session| {
            drop(session); // created and closed; opened below like any file, lock and all
        })
    });
    let opened = created.and_then(|()| file.open(&path, OpenMode::Edit, false));
    report(app, opened);
}

fn open_file<R: Runtime>(app: &AppHandle<R>, mode: OpenMode) {
    let title = match mode {
        OpenMode::Edit => "打开 KeyWorks 数据库",
        OpenMode::ReadOnly => "以只读方式打开 KeyWorks 数据库（审计）",
    };
    if let Some(path) = dialog().set_title(title).pick_file() {
        open_path(app, &path, mode);
    }
}

/// Opens `path` (File → Open…, a recent file) and tells the window; remembered as recent.
pub fn open_path<R: Runtime>(app: &AppHandle<R>, path: &Path, mode: OpenMode) {
    let opened = app.state::<OpenFile>().open(path, mode, true);
    report(app, opened);
}

fn open_recent<R: Runtime>(app: &AppHandle<R>, index: usize) {
    let Some(path) = app
        .state::<PreferencesStore>()
        .get()
        .ok()
        .and_then(|p| p.recent_files.get(index).cloned())
    else {
        return;
    };
    if !path.is_file() {
        // Gone since the menu was built (moved, deleted, share disconnected): say so and prune.
        if let Err(e) = app.state::<PreferencesStore>().update(|p| p.forget(&path)) {
            eprintln!("KeyWorks: could not update the recent files: {e}");
        }
        refresh_menu(app);
        emit(
            app,
            FileProblem {
                error: IpcError::new(
                    keyworks_core::ErrorCode::NotFound,
                    format!(
                        "找不到最近打开的文件 {}（可能已移动、删除，或共享盘未连接），已从“最近打开”中移除。",
                        path.display()
                    ),
                ),
            },
        );
        return;
    }
    open_path(app, &path, OpenMode::Edit);
}

fn clear_recent<R: Runtime>(app: &AppHandle<R>) {
    let cleared = app.state::<PreferencesStore>().update(|p| {
        let had = !p.recent_files.is_empty();
        p.recent_files.clear();
        had
    });
    if let Err(error) = cleared {
        emit(app, FileProblem { error });
    }
    refresh_menu(app);
}

/// Puts the open file first in File → 最近打开.
pub fn remember_recent<R: Runtime>(app: &AppHandle<R>, path: &Path) {
    let Some(store) = app.try_state::<PreferencesStore>() else {
        return;
    };
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    match store.update(|p| p.remember(&absolute)) {
        Ok(_) => refresh_menu(app),
        Err(e) => eprintln!("KeyWorks: could not update the recent files: {e}"),
    }
}

fn save_copy<R: Runtime>(app: &AppHandle<R>) {
    let file = app.state::<OpenFile>();
    let suggested = file
        .info()
        .map(|i| copy_name(&i.file_name))
        .unwrap_or_else(|_| "副本.sqlite".to_owned());
    let mut chooser = dialog().set_title("另存副本").set_file_name(suggested);
    // Copies saved in the backup folder are listed by File → 从备份恢复… (it exists once an
    // automatic backup was made; the person may pick any other place).
    if let Some(dir) = file
        .path()
        .map(|p| keyworks_core::backup::backup_dir(&p))
        .filter(|d| d.is_dir())
    {
        chooser = chooser.set_directory(dir);
    }
    let Some(path) = chooser.save_file() else {
        return;
    };
    // Through SQLite (VACUUM INTO), never a file copy: consistent even while someone writes.
    let saved = file.read(|db| db.save_copy(&path));
    let outcome = saved.map(|()| FileNotice {
        message: format!("已保存副本：{}", path.display()),
    });
    match outcome {
        Ok(notice) => emit(app, notice),
        Err(error) => emit(app, FileProblem { error }),
    }
}

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
    let file = app.state::<OpenFile>();
    let imported = std::fs::read_to_string(&path)
        .map_err(|source| {
            IpcError::from(keyworks_core::Error::Io {
                path: path.clone(),
                source,
            })
        })
        .and_then(|json| {
            let stamp = file.stamp()?;
            file.write(|db| db.import_holiday_year(&json, &source, &stamp))
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

/// `重点项目.sqlite` → `重点项目-副本.sqlite`.
fn copy_name(file_name: &str) -> String {
    let path = PathBuf::from(file_name);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{stem}-副本.sqlite")
}

/// What the shell does whenever a file has been opened (`OpenFile::open` calls it): the
/// title says which file and whether read-only, the file becomes recent, the UI reloads.
pub fn opened<R: Runtime>(app: &AppHandle<R>, path: &Path, file: &OpenFileInfo) {
    remember_recent(app, path);
    show_in_title(app, file);
    emit(app, FileChanged { file: file.clone() });
}

/// Tells the window why an open request failed (success was told by `opened`).
fn report<R: Runtime>(app: &AppHandle<R>, info: Result<OpenFileInfo, IpcError>) {
    if let Err(error) = info {
        emit(app, FileProblem { error });
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
        eprintln!("KeyWorks: could not tell the window about a menu action: {e}");
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

    #[test]
    fn recent_files_are_numbered_and_a_missing_one_says_so() {
        let gone = RecentFile {
            path: "/共享/重点项目.sqlite".into(),
            file_name: "重点项目.sqlite".into(),
            exists: false,
        };
        assert_eq!(
            recent_label(0, &gone),
            "1  重点项目.sqlite（找不到）  —  /共享"
        );
    }
}
