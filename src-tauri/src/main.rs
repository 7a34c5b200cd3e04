// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Started as `keyworks` (the Linux package installs that name as a link to this program,
    // so that the app and the CLI share one binary and one copy of the report font), it is
    // the command-line tool.
    if invoked_as_cli() {
        return keyworks_cli::run_cli();
    }
    keyworks_app::run();
    ExitCode::SUCCESS
}

/// Whether this process was started under the CLI's name, `keyworks` (the app is
/// `keyworks-app`, and `KeyWorks.exe` on Windows).
fn invoked_as_cli() -> bool {
    std::env::args_os().next().is_some_and(|first| {
        Path::new(&first)
            .file_stem()
            .is_some_and(|stem| stem == "keyworks")
    })
}
