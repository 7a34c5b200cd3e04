include!("src/command_names.rs");

fn main() {
    // Declaring the app's commands makes Tauri check them against capabilities/: only the
    // commands allowed there can be called from the window.
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMAND_NAMES));
    if let Err(e) = tauri_build::try_build(attributes) {
        // A build script reports failure by panicking; the message is what the developer sees.
        panic!("tauri-build: {e:#}");
    }
}
