//! Showing a folder in the system's file manager (Explorer, Finder, the Linux desktop's),
//! through the system's own opener rather than a Tauri plugin: one fixed program, one argument
//! the app chose, and no new permission for the window.

use std::path::Path;
use std::process::Command;

use keyworks_core::ErrorCode;

use crate::ipc_error::IpcError;

/// Opens the folder holding `path`, or `path` itself when it is a folder.
pub fn show_folder_of(path: &Path) -> Result<(), IpcError> {
    let folder = if path.is_dir() {
        path
    } else {
        path.parent().unwrap_or(path)
    };
    if !folder.is_dir() {
        return Err(IpcError::new(
            ErrorCode::NotFound,
            format!("找不到文件夹 {}：它可能已被移动或删除。", folder.display()),
        ));
    }
    let mut child = opener()
        .arg(folder)
        .spawn()
        .map_err(|e| IpcError::internal(format!("无法打开文件夹 {}：{e}", folder.display())))?;
    // Reap the opener when it exits (Explorer's exit code means nothing, so it is not checked).
    std::thread::spawn(move || child.wait());
    Ok(())
}

fn opener() -> Command {
    if cfg!(target_os = "windows") {
        Command::new("explorer")
    } else if cfg!(target_os = "macos") {
        Command::new("open")
    } else {
        Command::new("xdg-open")
    }
}
