//! `keyworks.exe` of the Windows package. The CLI there is KeyWorks.exe itself, started as the
//! CLI, so the package holds one program and one copy of its 8 MB report font. But Windows
//! gives a GUI program no console, so this small console program starts KeyWorks.exe with the
//! same arguments, hands it this console (its standard input, output and error are inherited),
//! waits, and answers its exit code: scripts, `cmd` and Task Scheduler see the CLI as before.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// Set for KeyWorks.exe: run as the CLI (`src-tauri/src/main.rs` reads it).
const RUN_AS: (&str, &str) = ("KEYWORKS_RUN_AS", "cli");

fn main() -> ExitCode {
    let me = std::env::current_exe().unwrap_or_default();
    let Some(app) = app_near(&me) else {
        eprintln!(
            "错误：在 {} 旁边找不到 KeyWorks.exe。keyworks.exe 应在 KeyWorks 文件夹的「命令行」子文件夹里：请保持压缩包解开后的目录结构。",
            me.parent().unwrap_or(Path::new(".")).display()
        );
        return ExitCode::from(4);
    };
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    match Command::new(&app)
        .args(&args)
        .env(RUN_AS.0, RUN_AS.1)
        .status()
    {
        // Exit codes are the CLI's own (0–26); anything else (a crash) reads as 1.
        Ok(status) => ExitCode::from(
            status
                .code()
                .and_then(|c| u8::try_from(c).ok())
                .unwrap_or(1),
        ),
        Err(e) => {
            eprintln!("错误：无法启动 {}：{e}", app.display());
            ExitCode::FAILURE
        }
    }
}

/// KeyWorks.exe in the folder above `me` (the package's layout: `KeyWorks\命令行\keyworks.exe`)
/// or beside it.
fn app_near(me: &Path) -> Option<PathBuf> {
    let dir = me.parent()?;
    [
        dir.parent().map(|up| up.join("KeyWorks.exe")),
        Some(dir.join("KeyWorks.exe")),
    ]
    .into_iter()
    .flatten()
    .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_is_found_above_or_beside_the_console_program() {
        let dir = std::env::temp_dir().join(format!("keyworks-console-{}", std::process::id()));
        let cli = dir.join("命令行");
        std::fs::create_dir_all(&cli).unwrap();
        let me = cli.join("keyworks.exe");
        assert_eq!(app_near(&me), None);
        std::fs::write(cli.join("KeyWorks.exe"), b"").unwrap();
        assert_eq!(app_near(&me), Some(cli.join("KeyWorks.exe")));
        std::fs::write(dir.join("KeyWorks.exe"), b"").unwrap();
        assert_eq!(app_near(&me), Some(dir.join("KeyWorks.exe")));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
