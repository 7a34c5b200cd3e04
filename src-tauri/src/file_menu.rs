//! The menus: File (New, Open…, Open read-only…, Recent, Save a copy…, Restore from backup…,
//! holidays, import MS Project XML or a milestone CSV, export the portfolio as xlsx/csv/ics,
//! Quit), Edit (Preferences…) and Help (Verify…). File dialogs come from the system (rfd); what
//! each item does to the open file is in `open_file`; items that need a dialog of the UI's own
//! (preferences, verify, restore, the imports with their progress and preview) ask the window
//! to show it, and the exports ask the window to run them (in its language and as-of date).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use keyworks_core::audit::history::Lang;
use serde::{Deserialize, Serialize};
use tauri::menu::{
    Menu, MenuBuilder, MenuEvent, MenuItem, MenuItemBuilder, MenuItemKind, PredefinedMenuItem,
    Submenu, SubmenuBuilder,
};
use tauri::{AppHandle, Manager, Runtime};
use tauri_specta::Event;

use crate::exports::{ExportRequested, TableExport};
use crate::ipc_error::IpcError;
use crate::open_file::{OpenFile, OpenFileInfo, OpenMode};
use crate::preferences::{PreferencesStore, RecentFile};

const FILE_MENU: &str = "menu-file";
const RECENT_MENU: &str = "file-recent";
const EXPORT_MENU: &str = "file-export";
const EDIT_MENU: &str = "menu-edit";
const HELP_MENU: &str = "menu-help";
const NEW: &str = "file-new";
const OPEN: &str = "file-open";
const OPEN_READ_ONLY: &str = "file-open-read-only";
const SAVE_COPY: &str = "file-save-copy";
const RESTORE: &str = "file-restore";
const CREATE_REPLICA: &str = "file-create-replica";
const IMPORT_HOLIDAYS: &str = "file-import-holidays";
const IMPORT_MSPDI: &str = "file-import-mspdi";
const IMPORT_MILESTONE_CSV: &str = "file-import-csv";
const EXPORT_WORKBOOK: &str = "file-export-xlsx";
const EXPORT_MILESTONE_CSV: &str = "file-export-csv";
const EXPORT_CALENDAR: &str = "file-export-ics";
const EXPORT_MONTHLY_SHEET: &str = "file-export-monthly-sheet";
const CLEAR_RECENT: &str = "file-recent-clear";
const RECENT_NONE: &str = "file-recent-none";
const RECENT_PREFIX: &str = "file-recent-";
const QUIT: &str = "file-quit";
const PREFERENCES: &str = "edit-preferences";
const VERIFY: &str = "help-verify";

/// What File → 打开 offers: `.keyworks` (the extension the Linux package associates with KeyWorks) and
/// the `.sqlite` files made before it.
const FILE_EXTENSIONS: &[&str] = &["keyworks", "sqlite", "db"];

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

/// Every word of the menus and of their file dialogs, in Chinese and English: the one place
/// they are written (`Label::words`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    FileMenu,
    New,
    Open,
    OpenReadOnly,
    Recent,
    RecentNone,
    RecentMissing,
    ClearRecent,
    SaveCopy,
    Restore,
    CreateReplica,
    ImportHolidays,
    ImportMspdi,
    ImportMilestoneCsv,
    ExportMenu,
    ExportWorkbook,
    ExportMilestoneCsv,
    ExportCalendar,
    ExportMonthlySheet,
    Quit,
    EditMenu,
    Preferences,
    HelpMenu,
    Verify,
    FileFilter,
    NewTitle,
    OpenTitle,
    OpenReadOnlyTitle,
    SaveCopyTitle,
    CreateReplicaTitle,
    ImportHolidaysTitle,
}

impl Label {
    /// (Chinese, English).
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Label::FileMenu => ("文件", "File"),
            Label::New => (
                "新建（含2021年种子数据）…",
                "New (with the 2021 Sample Data)…",
            ),
            Label::Open => ("打开…", "Open…"),
            Label::OpenReadOnly => ("以只读方式打开（审计）…", "Open Read-Only (Audit)…"),
            Label::Recent => ("最近打开", "Open Recent"),
            Label::RecentNone => ("（无）", "(None)"),
            Label::RecentMissing => ("（找不到）", " (not found)"),
            Label::ClearRecent => ("清除列表", "Clear List"),
            Label::SaveCopy => ("另存副本…", "Save a Copy…"),
            Label::CreateReplica => ("创建离线副本…", "Create an Offline Replica…"),
            Label::Restore => ("从备份恢复…", "Restore from Backup…"),
            Label::ImportHolidays => (
                "导入节假日安排（holiday-cn JSON）…",
                "Import Holidays (holiday-cn JSON)…",
            ),
            Label::ImportMspdi => (
                "导入 MS Project 文件（.xml）…",
                "Import MS Project File (.xml)…",
            ),
            Label::ImportMilestoneCsv => ("导入里程碑（CSV）…", "Import Milestones (CSV)…"),
            Label::ExportMenu => ("导出", "Export"),
            Label::ExportWorkbook => (
                "项目总览 Excel（.xlsx）…",
                "Portfolio Overview Excel (.xlsx)…",
            ),
            Label::ExportMilestoneCsv => ("里程碑 CSV…", "Milestones CSV…"),
            Label::ExportCalendar => ("里程碑日历（.ics）…", "Milestone Calendar (.ics)…"),
            Label::ExportMonthlySheet => (
                "重点项目建设进展情况表（月报 Excel）…",
                "Monthly Progress Sheet for the District (Excel)…",
            ),
            Label::Quit => ("退出", "Quit"),
            Label::EditMenu => ("编辑", "Edit"),
            Label::Preferences => ("首选项…", "Preferences…"),
            Label::HelpMenu => ("帮助", "Help"),
            Label::Verify => ("校验文件…", "Verify File…"),
            Label::FileFilter => ("KeyWorks 数据库", "KeyWorks database"),
            Label::NewTitle => ("新建 KeyWorks 数据库", "New KeyWorks Database"),
            Label::OpenTitle => ("打开 KeyWorks 数据库", "Open KeyWorks Database"),
            Label::OpenReadOnlyTitle => (
                "以只读方式打开 KeyWorks 数据库（审计）",
                "Open KeyWorks Database Read-Only (Audit)",
            ),
            Label::SaveCopyTitle => ("另存副本", "Save a Copy"),
            Label::CreateReplicaTitle => ("创建离线副本", "Create an Offline Replica"),
            Label::ImportHolidaysTitle => ("导入节假日安排", "Import Holidays"),
        }
    }

    fn text(self, lang: Lang) -> &'static str {
        let (zh, en) = self.words();
        lang.pick(zh, en)
    }

    /// The id of the menu entry showing this word (none for notes and dialog titles).
    fn id(self) -> Option<&'static str> {
        Some(match self {
            Label::FileMenu => FILE_MENU,
            Label::New => NEW,
            Label::Open => OPEN,
            Label::OpenReadOnly => OPEN_READ_ONLY,
            Label::Recent => RECENT_MENU,
            Label::RecentNone => RECENT_NONE,
            Label::ClearRecent => CLEAR_RECENT,
            Label::SaveCopy => SAVE_COPY,
            Label::CreateReplica => CREATE_REPLICA,
            Label::Restore => RESTORE,
            Label::ImportHolidays => IMPORT_HOLIDAYS,
            Label::ImportMspdi => IMPORT_MSPDI,
            Label::ImportMilestoneCsv => IMPORT_MILESTONE_CSV,
            Label::ExportMenu => EXPORT_MENU,
            Label::ExportWorkbook => EXPORT_WORKBOOK,
            Label::ExportMilestoneCsv => EXPORT_MILESTONE_CSV,
            Label::ExportCalendar => EXPORT_CALENDAR,
            Label::ExportMonthlySheet => EXPORT_MONTHLY_SHEET,
            Label::Quit => QUIT,
            Label::EditMenu => EDIT_MENU,
            Label::Preferences => PREFERENCES,
            Label::HelpMenu => HELP_MENU,
            Label::Verify => VERIFY,
            Label::RecentMissing
            | Label::FileFilter
            | Label::NewTitle
            | Label::OpenTitle
            | Label::OpenReadOnlyTitle
            | Label::SaveCopyTitle
            | Label::CreateReplicaTitle
            | Label::ImportHolidaysTitle => return None,
        })
    }

    /// The word of the menu entry `id` (none for the recent files, which are file names).
    fn of_id(id: &str) -> Option<Label> {
        Label::ALL.into_iter().find(|l| l.id() == Some(id))
    }

    const ALL: [Label; 31] = [
        Label::FileMenu,
        Label::New,
        Label::Open,
        Label::OpenReadOnly,
        Label::Recent,
        Label::RecentNone,
        Label::RecentMissing,
        Label::ClearRecent,
        Label::SaveCopy,
        Label::Restore,
        Label::CreateReplica,
        Label::ImportHolidays,
        Label::ImportMspdi,
        Label::ImportMilestoneCsv,
        Label::ExportMenu,
        Label::ExportWorkbook,
        Label::ExportMilestoneCsv,
        Label::ExportCalendar,
        Label::ExportMonthlySheet,
        Label::Quit,
        Label::EditMenu,
        Label::Preferences,
        Label::HelpMenu,
        Label::Verify,
        Label::FileFilter,
        Label::NewTitle,
        Label::OpenTitle,
        Label::OpenReadOnlyTitle,
        Label::SaveCopyTitle,
        Label::CreateReplicaTitle,
        Label::ImportHolidaysTitle,
    ];
}

/// The language the menus and dialogs speak: the one saved in the preferences.
fn language<R: Runtime>(app: &AppHandle<R>) -> Lang {
    app.try_state::<PreferencesStore>()
        .and_then(|p| p.get().ok())
        .map(|p| p.language)
        .unwrap_or_default()
}

/// The menu bar in the language saved in the preferences (Chinese before they are loaded).
pub fn menu<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let prefs = app
        .try_state::<PreferencesStore>()
        .and_then(|p| p.get().ok())
        .unwrap_or_default();
    build_menu(app, prefs.language, &prefs.recent_files)
}

/// Builds the menu bar in the saved language and makes it the app's menu (at start-up,
/// before the window exists: the window shows the app's menu).
pub fn install_menu<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let menu = menu(app)?;
    app.set_menu(menu)?;
    Ok(())
}

/// Gives every entry of the menu bar in use its word in the saved language, in place (the
/// window keeps its menu bar, accelerators and all), and refills File → 最近打开 in it.
pub fn relabel_menu<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    fn relabel<R: Runtime>(items: Vec<MenuItemKind<R>>, lang: Lang) -> tauri::Result<()> {
        for entry in items {
            if let Some(submenu) = entry.as_submenu() {
                if let Some(label) = Label::of_id(submenu.id().as_ref()) {
                    submenu.set_text(label.text(lang))?;
                }
                relabel(submenu.items()?, lang)?;
            } else if let Some(item) = entry.as_menuitem()
                && let Some(label) = Label::of_id(item.id().as_ref())
            {
                item.set_text(label.text(lang))?;
            }
        }
        Ok(())
    }
    let prefs = app
        .try_state::<PreferencesStore>()
        .and_then(|p| p.get().ok())
        .unwrap_or_default();
    if let Some(menu) = app.menu() {
        relabel(menu.items()?, prefs.language)?;
    }
    if let Some(submenu) = app
        .try_state::<RecentSubmenu<R>>()
        .and_then(|s| s.current())
    {
        fill_recent(app, prefs.language, &submenu, &prefs.recent_files)?;
    }
    Ok(())
}

/// Puts the menu bar in the saved language (`relabel_menu`). Type-erased so that the
/// `set_language` command needs no runtime parameter (tauri-specta cannot list commands
/// generic over the builder's runtime).
pub struct MenuBar {
    relabel: Box<dyn Fn() -> tauri::Result<()> + Send + Sync>,
}

impl MenuBar {
    pub fn new<R: Runtime>(app: AppHandle<R>) -> Self {
        MenuBar {
            relabel: Box::new(move || {
                // On the real runtime a new menu bar in the language is made the app's: GTK's
                // menu bar did not redraw labels changed in place (seen under Xvfb: the model
                // said "File", the window still drew 文件). Tauri's mock runtime panics when a
                // menu is set on a window, so there the labels change in place, which is what
                // the wiring tests read back.
                if std::any::TypeId::of::<R>() == std::any::TypeId::of::<tauri::Wry>() {
                    install_menu(&app)
                } else {
                    relabel_menu(&app)
                }
            }),
        }
    }

    pub fn relabel(&self) -> Result<(), IpcError> {
        (self.relabel)().map_err(|e| {
            IpcError::internal(format!(
                "无法把菜单换成所选语言：{e}。所选语言已保存，重新启动 KeyWorks 后菜单即使用该语言。"
            ))
        })
    }
}

impl std::fmt::Debug for MenuBar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MenuBar")
    }
}

fn item<R: Runtime>(
    app: &AppHandle<R>,
    lang: Lang,
    label: Label,
    accelerator: Option<&str>,
) -> tauri::Result<MenuItem<R>> {
    let builder = MenuItemBuilder::with_id(label.id().unwrap_or_default(), label.text(lang));
    match accelerator {
        Some(keys) => builder.accelerator(keys).build(app),
        None => builder.build(app),
    }
}

fn submenu<'m, R: Runtime>(
    app: &'m AppHandle<R>,
    lang: Lang,
    label: Label,
) -> SubmenuBuilder<'m, R, AppHandle<R>> {
    SubmenuBuilder::with_id(app, label.id().unwrap_or_default(), label.text(lang))
}

fn build_menu<R: Runtime>(
    app: &AppHandle<R>,
    lang: Lang,
    recent: &[PathBuf],
) -> tauri::Result<Menu<R>> {
    let file = submenu(app, lang, Label::FileMenu)
        .item(&item(app, lang, Label::New, Some("CmdOrCtrl+N"))?)
        .item(&item(app, lang, Label::Open, Some("CmdOrCtrl+O"))?)
        .item(&item(app, lang, Label::OpenReadOnly, None)?)
        .item(&recent_menu(app, lang, recent)?)
        .separator()
        .item(&item(
            app,
            lang,
            Label::SaveCopy,
            Some("CmdOrCtrl+Shift+S"),
        )?)
        .item(&item(app, lang, Label::Restore, None)?)
        .item(&item(app, lang, Label::CreateReplica, None)?)
        .separator()
        .item(&item(app, lang, Label::ImportHolidays, None)?)
        .item(&item(app, lang, Label::ImportMspdi, None)?)
        .item(&item(app, lang, Label::ImportMilestoneCsv, None)?)
        .item(
            &submenu(app, lang, Label::ExportMenu)
                .item(&item(app, lang, Label::ExportWorkbook, None)?)
                .item(&item(app, lang, Label::ExportMilestoneCsv, None)?)
                .item(&item(app, lang, Label::ExportCalendar, None)?)
                .item(&item(app, lang, Label::ExportMonthlySheet, None)?)
                .build()?,
        )
        .separator()
        // Our own item rather than the predefined one: quitting must release the edit lock,
        // and the predefined Quit is not available on every platform.
        .item(&item(app, lang, Label::Quit, Some("CmdOrCtrl+Q"))?)
        .build()?;
    let edit = submenu(app, lang, Label::EditMenu)
        .item(&item(
            app,
            lang,
            Label::Preferences,
            Some("CmdOrCtrl+Comma"),
        )?)
        .build()?;
    let help = submenu(app, lang, Label::HelpMenu)
        .item(&item(app, lang, Label::Verify, None)?)
        .build()?;
    MenuBuilder::new(app)
        .item(&file)
        .item(&edit)
        .item(&help)
        .build()
}

/// The File → 最近打开 submenu of the menu bar in use, kept so that its items can be replaced
/// in place when the recent files change (rebuilding the whole menu bar would detach and
/// reattach it to the window); a menu bar built again puts its own here.
struct RecentSubmenu<R: Runtime>(Mutex<Option<Submenu<R>>>);

impl<R: Runtime> RecentSubmenu<R> {
    fn current(&self) -> Option<Submenu<R>> {
        self.0.lock().ok().and_then(|s| s.clone())
    }
}

impl<R: Runtime> std::fmt::Debug for RecentSubmenu<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecentSubmenu")
    }
}

/// File → 最近打开: the last eight files; one that has gone is shown, disabled.
fn recent_menu<R: Runtime>(
    app: &AppHandle<R>,
    lang: Lang,
    recent: &[PathBuf],
) -> tauri::Result<Submenu<R>> {
    let submenu = submenu(app, lang, Label::Recent).build()?;
    fill_recent(app, lang, &submenu, recent)?;
    app.manage(RecentSubmenu::<R>(Mutex::new(None)));
    if let Ok(mut kept) = app.state::<RecentSubmenu<R>>().0.lock() {
        *kept = Some(submenu.clone());
    }
    Ok(submenu)
}

fn fill_recent<R: Runtime>(
    app: &AppHandle<R>,
    lang: Lang,
    submenu: &Submenu<R>,
    recent: &[PathBuf],
) -> tauri::Result<()> {
    for old in submenu.items()? {
        submenu.remove(&old)?;
    }
    if recent.is_empty() {
        submenu.append(
            &MenuItemBuilder::with_id(RECENT_NONE, Label::RecentNone.text(lang))
                .enabled(false)
                .build(app)?,
        )?;
        return Ok(());
    }
    for (i, path) in recent.iter().enumerate() {
        let shown = RecentFile::of(path);
        submenu.append(
            &MenuItemBuilder::with_id(format!("{RECENT_PREFIX}{i}"), recent_label(lang, i, &shown))
                .enabled(shown.exists)
                .build(app)?,
        )?;
    }
    submenu.append(&PredefinedMenuItem::separator(app)?)?;
    submenu.append(&item(app, lang, Label::ClearRecent, None)?)
}

/// `1  重点项目.sqlite  —  /home/li/共享`, `（找不到）` when it has gone.
fn recent_label(lang: Lang, i: usize, file: &RecentFile) -> String {
    let folder = Path::new(&file.path)
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let missing = if file.exists {
        ""
    } else {
        Label::RecentMissing.text(lang)
    };
    format!("{}  {}{missing}  —  {folder}", i + 1, file.file_name)
}

/// Rebuilds File → 最近打开 (the recent files changed).
pub fn refresh_menu<R: Runtime>(app: &AppHandle<R>) {
    let (Some(submenu), Some(prefs)) = (
        app.try_state::<RecentSubmenu<R>>()
            .and_then(|s| s.current()),
        app.try_state::<PreferencesStore>(),
    ) else {
        return;
    };
    let prefs = prefs.get().unwrap_or_default();
    if let Err(e) = fill_recent(app, prefs.language, &submenu, &prefs.recent_files) {
        eprintln!("KeyWorks: could not rebuild the recent files menu: {e}");
    }
}

/// The labels of File → 最近打开, as shown (for tests).
pub fn recent_menu_labels<R: Runtime>(app: &AppHandle<R>) -> Vec<(String, bool)> {
    let Some(submenu) = app
        .try_state::<RecentSubmenu<R>>()
        .and_then(|s| s.current())
    else {
        return Vec::new();
    };
    submenu
        .items()
        .unwrap_or_default()
        .iter()
        .filter_map(|i| i.as_menuitem().cloned())
        .filter_map(|i| Some((i.text().ok()?, i.is_enabled().ok()?)))
        .collect()
}

/// Every text of the app's menu bar in order, depth first: each submenu's title, then its
/// items (separators have none) — what a person reads in the menus (for tests).
pub fn menu_texts<R: Runtime>(app: &AppHandle<R>) -> Vec<String> {
    fn walk<R: Runtime>(items: Vec<MenuItemKind<R>>, texts: &mut Vec<String>) {
        for entry in items {
            if let Some(submenu) = entry.as_submenu() {
                texts.extend(submenu.text().ok());
                walk(submenu.items().unwrap_or_default(), texts);
            } else if let Some(item) = entry.as_menuitem() {
                texts.extend(item.text().ok());
            }
        }
    }
    let mut texts = Vec::new();
    if let Some(menu) = app.menu() {
        walk(menu.items().unwrap_or_default(), &mut texts);
    }
    texts
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
        EXPORT_MONTHLY_SHEET => Some(TableExport::MonthlySheet),
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
        CREATE_REPLICA => create_replica,
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

/// A file dialog for KeyWorks databases, titled in the menus' language.
fn dialog<R: Runtime>(app: &AppHandle<R>, title: Label) -> rfd::FileDialog {
    let lang = language(app);
    rfd::FileDialog::new()
        .add_filter(Label::FileFilter.text(lang), FILE_EXTENSIONS)
        .set_title(title.text(lang))
}

fn new_file<R: Runtime>(app: &AppHandle<R>) {
    let Some(path) = dialog(app, Label::NewTitle)
        .set_file_name("重点项目.keyworks")
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
        OpenMode::Edit => Label::OpenTitle,
        OpenMode::ReadOnly => Label::OpenReadOnlyTitle,
    };
    if let Some(path) = dialog(app, title).pick_file() {
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
    let mut chooser = dialog(app, Label::SaveCopyTitle).set_file_name(suggested);
    // Copies saved in the backup folder are listed by File → 从备份恢复… (it exists once an
    // automatic backup was made; the person may pick any other place).
    if let Some(dir) = file
        .path()
        .map(|p| keyworks_core::store::backup::backup_dir(&p))
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

/// File → 创建离线副本…: the open file (the shared one) makes a replica for a laptop. The
/// replica is a complete KeyWorks file that remembers this file as its hub; the officer opens
/// it where there is no network and syncs with 同步 when back.
fn create_replica<R: Runtime>(app: &AppHandle<R>) {
    let file = app.state::<OpenFile>();
    let who = file.identity().map(|i| i.author).unwrap_or_default();
    let suggested = format!(
        "{}-离线副本.sqlite",
        if who.is_empty() { "我的" } else { &who }
    );
    let Some(path) = dialog(app, Label::CreateReplicaTitle)
        .set_file_name(suggested)
        .save_file()
    else {
        return;
    };
    let label = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let made = file
        .stamp()
        .and_then(|stamp| file.write(|db| db.create_replica(&path, &label, &stamp)));
    match made {
        Ok(made) => emit(
            app,
            FileNotice {
                message: format!(
                    "已创建离线副本：{}（第 {} 号）。在笔记本上用“文件 → 打开…”打开它离线工作，回到内网后点“同步”。",
                    made.path, made.replica_no
                ),
            },
        ),
        Err(error) => emit(app, FileProblem { error }),
    }
}

/// A newer year of China's official holidays and make-up working days (the State Council
/// announces the next year late in the year), in holiday-cn's JSON format. A malformed file is
/// refused with the reason and changes nothing (the core checks it before its one transaction).
fn import_holidays<R: Runtime>(app: &AppHandle<R>) {
    let Some(path) = rfd::FileDialog::new()
        .add_filter("holiday-cn JSON", &["json"])
        .set_title(Label::ImportHolidaysTitle.text(language(app)))
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
            recent_label(Lang::Zh, 0, &gone),
            "1  重点项目.sqlite（找不到）  —  /共享"
        );
        assert_eq!(
            recent_label(Lang::En, 0, &gone),
            "1  重点项目.sqlite (not found)  —  /共享"
        );
    }

    #[test]
    fn every_menu_word_has_chinese_and_english_and_the_english_has_no_chinese() {
        let is_cjk = |c: char| {
            ('\u{3000}'..='\u{9fff}').contains(&c) || ('\u{ff00}'..='\u{ffef}').contains(&c)
        };
        for label in Label::ALL {
            let (zh, en) = label.words();
            assert!(zh.chars().any(is_cjk), "{label:?}: {zh}");
            assert!(
                !en.trim().is_empty() && !en.chars().any(is_cjk),
                "{label:?}: {en}"
            );
            assert_eq!(label.text(Lang::Zh), zh);
            assert_eq!(label.text(Lang::En), en);
            if let Some(id) = label.id() {
                assert_eq!(Label::of_id(id), Some(label), "{id} names one entry");
            }
        }
    }
}
