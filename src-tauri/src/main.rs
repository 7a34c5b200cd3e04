// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Started as `keyworks` (the Linux package installs that name as a link to this program)
    // or by the Windows package's keyworks.exe, it is the command-line tool: the app and the
    // CLI share one binary and one copy of the report font.
    if invoked_as_cli() {
        return keyworks_cli::run_cli();
    }
    keyworks_app::run();
    ExitCode::SUCCESS
}

/// Whether this process is the CLI: started under the CLI's name, `keyworks` (the app is
/// `keyworks-app`, and `KeyWorks.exe` on Windows), or by the Windows package's console program
/// (`keyworks-console`), which says so in `KEYWORKS_RUN_AS`.
fn invoked_as_cli() -> bool {
    let by_name = std::env::args_os().next().is_some_and(|first| {
        Path::new(&first)
            .file_stem()
            .is_some_and(|stem| stem == "keyworks")
    });
    by_name || std::env::var_os("KEYWORKS_RUN_AS").is_some_and(|v| v == "cli")
}
