//! KeyWorks desktop app: a Tauri 2 window over keyworks-core. This crate only opens the file,
//! wires the commands and the File menu, and hands typed results to the UI; every rule and
//! every query lives in keyworks-core.

mod allocator_tuning;
mod command_names;
pub mod commands;
pub mod exports;
pub mod file_menu;
pub mod import_jobs;
pub mod ipc_error;
pub mod open_file;
mod os_open;
pub mod preferences;
pub mod problem_commands;
#[cfg(target_os = "linux")]
mod renderer_choice;
pub mod supervision_commands;
pub mod sync_commands;
mod window_size;

use std::path::PathBuf;

use tauri::{App, AppHandle, Manager, RunEvent, Runtime, WindowEvent};
use tauri_specta::{collect_commands, collect_events};

pub use command_names::COMMAND_NAMES;

use crate::file_menu::{FileChanged, FileNotice, FileProblem, MenuDialogRequested};
use crate::open_file::{Identity, OpenFile, default_path, open_or_create_seeded};
use crate::preferences::{PREFERENCES_FILE, PreferencesStore};

/// Every command and event the window can use. Both the invoke handler and the TypeScript
/// bindings (ui/src/bindings.ts) come from this one list.
pub fn ipc<R: Runtime>() -> tauri_specta::Builder<R> {
    tauri_specta::Builder::<R>::new()
        .commands(collect_commands![
            commands::window_start,
            commands::dashboard,
            commands::open_file_info,
            commands::sample_as_of,
            commands::vocabulary_labels,
            commands::portfolio_summary,
            commands::plan_targets,
            commands::set_target_actual,
            commands::milestones,
            commands::project_detail,
            commands::calendar_days,
            commands::complete_milestone,
            commands::complete_milestones,
            commands::add_task,
            commands::rename_task,
            commands::move_task,
            commands::shift_task,
            commands::preview_shift,
            commands::indent_task,
            commands::outdent_task,
            commands::delete_task,
            commands::add_dependency,
            commands::delete_dependency,
            commands::undo_last_edit,
            commands::record_update,
            commands::photos_of,
            commands::updates_of,
            commands::history,
            commands::history_authors,
            commands::project_marks,
            commands::choose_report_path,
            commands::write_weekly_report,
            commands::choose_mspdi_path,
            commands::export_project_mspdi,
            commands::show_in_folder,
            commands::reopen_for_editing,
            commands::break_stale_lock,
            commands::verify_file,
            commands::backups,
            commands::choose_backup_file,
            commands::restore_backup,
            commands::preferences,
            commands::set_preferences,
            commands::set_language,
            import_jobs::choose_import_file,
            import_jobs::import_mspdi,
            import_jobs::cancel_import,
            import_jobs::preview_milestone_csv,
            import_jobs::apply_milestone_csv,
            exports::choose_export_path,
            exports::export_table,
            sync_commands::sync_status,
            sync_commands::sync_now,
            sync_commands::create_server_replica,
            supervision_commands::record_investment_month,
            supervision_commands::set_responsibility,
            supervision_commands::project_approvals,
            supervision_commands::add_approval,
            supervision_commands::approve,
            supervision_commands::set_funding,
            supervision_commands::choose_monthly_report_path,
            supervision_commands::write_monthly_report,
            problem_commands::project_problems,
            problem_commands::add_problem,
            problem_commands::change_problem,
        ])
        .events(collect_events![
            FileChanged,
            FileProblem,
            FileNotice,
            MenuDialogRequested,
            import_jobs::MspdiImportProgress,
            exports::ExportRequested
        ])
        // Row ids and day counts are far below 2^53; plain numbers are what the UI computes with.
        .dangerously_cast_bigints_to_number()
        // One TypeScript type per Rust type: the UI only reads what commands return and sends
        // the input types, so separate serialize/deserialize shapes would only add unions.
        .disable_serde_phases()
}

/// How the bindings file is written (header included), for the export test.
pub fn typescript() -> specta_typescript::Typescript {
    specta_typescript::Typescript::default()
        .header("// Generated from the Rust commands by `cargo test -p keyworks-app --test bindings`\n// with UPDATE_BINDINGS=1. Do not edit by hand.")
}

/// The file the app opens first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartFile {
    /// `keyworks.sqlite` in the per-user app data directory, created with the seed on first use.
    AppData,
    /// A file named on the command line (or by a test), created with the seed if missing.
    Path(PathBuf),
}

impl StartFile {
    /// The file named by the app's first argument. An option (`--db`, `--version`: the CLI's
    /// words, given to the app) is refused rather than opened as a file of that name, which
    /// would create a database called `--version` with its edit lock beside it.
    pub fn from_argument(first: Option<std::ffi::OsString>) -> Result<StartFile, String> {
        match first {
            None => Ok(StartFile::AppData),
            Some(arg) if arg.to_string_lossy().starts_with('-') => Err(format!(
                "KeyWorks：不认识的选项 {}。要打开文件，请给出文件路径（如 ./重点项目.keyworks）；命令行工具是 keyworks。",
                arg.to_string_lossy()
            )),
            Some(path) => Ok(StartFile::Path(PathBuf::from(path))),
        }
    }
}

/// Where the per-user preferences (author, stale-lock hours, recent files) are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigDir {
    /// `preferences.json` in the per-user app config directory.
    AppConfig,
    /// `preferences.json` in this folder (tests).
    Path(PathBuf),
}

/// Builds the app on any runtime: the real one in `run`, Tauri's mock runtime in tests.
/// The file is opened here, before the event loop starts, so that every command finds it.
pub fn build_app<R: Runtime>(
    builder: tauri::Builder<R>,
    start: StartFile,
) -> tauri::Result<App<R>> {
    build_app_with(builder, start, ConfigDir::AppConfig)
}

/// `build_app` with the preferences kept in `config`.
pub fn build_app_with<R: Runtime>(
    builder: tauri::Builder<R>,
    start: StartFile,
    config: ConfigDir,
) -> tauri::Result<App<R>> {
    let ipc = ipc::<R>();
    let app = builder
        .invoke_handler(ipc.invoke_handler())
        .on_menu_event(file_menu::on_menu_event)
        // Runs once the event loop is up (real runtime only): the window is created here, at
        // the size that fits the screen, with the menu bar installed below.
        .setup(|app| {
            window_size::create_main_window(app.handle())?;
            if let Ok(info) = app.state::<OpenFile>().info() {
                file_menu::show_in_title(app.handle(), &info);
            }
            Ok(())
        })
        .build(tauri::generate_context!())?;
    ipc.mount_events(&app);
    let path = match start {
        StartFile::Path(p) => p,
        StartFile::AppData => default_path(app.path().app_data_dir()?),
    };
    let config_dir = match config {
        ConfigDir::Path(dir) => dir,
        ConfigDir::AppConfig => app.path().app_config_dir()?,
    };
    let prefs = PreferencesStore::load(Some(config_dir.join(PREFERENCES_FILE)));
    let identity = prefs
        .get()
        .map(|p| Identity {
            author: p.author(),
            stale_lock_hours: i64::from(p.stale_lock_hours),
        })
        .unwrap_or_else(|_| Identity {
            author: preferences::os_author(),
            stale_lock_hours: keyworks_core::audit::edit_lock::DEFAULT_STALE_HOURS,
        });
    app.manage(prefs);
    app.manage(sync_commands::SessionPassword::default());
    // The menu bar in the saved language; windows created later show it.
    file_menu::install_menu(app.handle())?;
    app.manage(file_menu::MenuBar::new(app.handle().clone()));
    app.manage(import_jobs::ImportJobs::new(app.handle().clone()));
    let opened = open_or_create_seeded(&path, &identity);
    let started = opened.as_ref().is_ok();
    let file = OpenFile::new(opened, identity);
    let handle = app.handle().clone();
    file.set_on_opened(std::sync::Arc::new(move |path, info| {
        file_menu::opened(&handle, path, info);
    }));
    app.manage(file);
    if started {
        file_menu::remember_recent(app.handle(), &path);
    } else {
        file_menu::refresh_menu(app.handle());
    }
    Ok(app)
}

/// Releases the edit lock when the app ends: Tauri exits the process without running the
/// destructors of its managed state, so the lock file would otherwise stay behind.
pub fn on_run_event<R: Runtime>(app: &AppHandle<R>, event: &RunEvent) {
    let closing = match event {
        RunEvent::Exit => true,
        RunEvent::WindowEvent {
            label,
            event: WindowEvent::Destroyed,
            ..
        } => label == "main",
        _ => false,
    };
    if closing && let Some(file) = app.try_state::<OpenFile>() {
        file.close();
    }
}

/// The desktop app's entry point. An optional first argument names the file to open.
pub fn run() {
    allocator_tuning::tune();
    #[cfg(target_os = "linux")]
    renderer_choice::apply();
    let start = match StartFile::from_argument(std::env::args_os().nth(1)) {
        Ok(start) => start,
        Err(refusal) => {
            eprintln!("{refusal}");
            std::process::exit(2);
        }
    };
    match build_app(tauri::Builder::default(), start) {
        Ok(app) => app.run(|app, event| on_run_event(app, &event)),
        Err(e) => {
            eprintln!("KeyWorks 无法启动：{e}");
            std::process::exit(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_argument_names_a_file_and_an_option_is_refused() {
        assert_eq!(StartFile::from_argument(None), Ok(StartFile::AppData));
        assert_eq!(
            StartFile::from_argument(Some("重点项目.keyworks".into())),
            Ok(StartFile::Path(PathBuf::from("重点项目.keyworks")))
        );
        assert_eq!(
            StartFile::from_argument(Some("./-草稿.keyworks".into())),
            Ok(StartFile::Path(PathBuf::from("./-草稿.keyworks")))
        );
        for option in ["--db", "--version", "-h"] {
            let refusal = StartFile::from_argument(Some(option.into())).unwrap_err();
            assert!(
                refusal.contains(option) && refusal.contains("keyworks"),
                "{refusal}"
            );
        }
    }
}
