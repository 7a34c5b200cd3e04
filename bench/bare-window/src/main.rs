//! A bare Tauri window: the benchmark's yardstick, nothing of KeyWorks in it.

fn main() {
    if let Err(e) = tauri::Builder::default().run(tauri::generate_context!()) {
        eprintln!("bare window: {e}");
        std::process::exit(1);
    }
}
