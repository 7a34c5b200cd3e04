//! The TypeScript bindings in ui/src/bindings.ts are what the Rust commands say they are.
//! Regenerate with `UPDATE_BINDINGS=1 cargo test -p keyworks-app --test bindings`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

#[test]
fn bindings_are_current() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("bindings.ts");
    keyworks_app::ipc::<tauri::Wry>()
        .export(keyworks_app::typescript(), &fresh)
        .unwrap();
    let fresh = std::fs::read_to_string(&fresh).unwrap();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&committed, &fresh).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&committed).unwrap_or_default();
    assert!(
        current == fresh,
        "ui/src/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p keyworks-app --test bindings` and commit it"
    );
}
