//! Which WebKitGTK renderer the app uses, chosen before GTK starts (Linux only: the module
//! is compiled there alone).
//!
//! Without a usable GPU render node (a virtual machine, a VDI desktop, a 信创 desktop without
//! GPU drivers) WebKitGTK's default DMA-BUF renderer falls back to a slow path. Measured on
//! such a machine (issue #19): the 10,000-row Gantt painted in 2.26 s and scrolled at 3 fps;
//! with the plain renderer (`WEBKIT_DISABLE_DMABUF_RENDERER=1`), 242 ms and 61 fps. Where a
//! render node can be opened the default stays. The user's own setting of the variable always
//! wins, either way.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// WebKitGTK's switch to the plain renderer.
pub const VARIABLE: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";

/// What was chosen, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// The user set the variable; it is left as it is.
    UserSet(OsString),
    /// A render node this process can open: WebKitGTK's default renderer.
    Gpu(PathBuf),
    /// No render node can be opened: the plain renderer.
    Plain,
}

impl Choice {
    /// The line logged at start-up.
    pub fn describe(&self) -> String {
        match self {
            Choice::UserSet(v) => format!(
                "renderer: {VARIABLE}={} as set by the user",
                v.to_string_lossy()
            ),
            Choice::Gpu(node) => format!(
                "renderer: WebKitGTK's default (GPU render node {})",
                node.display()
            ),
            Choice::Plain => {
                format!("renderer: plain, no usable GPU render node under /dev/dri ({VARIABLE}=1)")
            }
        }
    }
}

/// The choice from the user's setting of the variable and the first usable render node.
pub fn choose(user_setting: Option<OsString>, usable_node: Option<PathBuf>) -> Choice {
    match (user_setting, usable_node) {
        (Some(v), _) => Choice::UserSet(v),
        (None, Some(node)) => Choice::Gpu(node),
        (None, None) => Choice::Plain,
    }
}

/// The first render node (`renderD*`) in `dir` that this process can open for reading and
/// writing, as WebKitGTK must; None when there is none (no folder, no node, no permission).
pub fn usable_render_node(dir: &Path) -> Option<PathBuf> {
    let mut nodes: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("renderD"))
        })
        .collect();
    nodes.sort();
    nodes.into_iter().find(|p| {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(p)
            .is_ok()
    })
}

/// Chooses, applies and logs the renderer. Call first thing in `main`, before any thread
/// starts (the allocator's tuning aside).
// The second unsafe call in the workspace: since Rust 2024 setting a variable is unsafe,
// because another thread could read the environment meanwhile; here no other thread exists.
#[allow(unsafe_code)]
pub fn apply() {
    let choice = choose(
        std::env::var_os(VARIABLE),
        usable_render_node(Path::new("/dev/dri")),
    );
    if choice == Choice::Plain {
        // SAFETY: called at the top of main, before GTK, WebKit or the async runtime start
        // any thread, so nothing can read the environment while it is written.
        unsafe { std::env::set_var(VARIABLE, "1") };
    }
    eprintln!("KeyWorks: {}", choice.describe());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_users_setting_wins_either_way_and_no_node_means_the_plain_renderer() {
        let node = PathBuf::from("/dev/dri/renderD128");
        assert_eq!(
            choose(Some("0".into()), None),
            Choice::UserSet("0".into()),
            "the user asked for the default renderer without a GPU"
        );
        assert_eq!(
            choose(Some("1".into()), Some(node.clone())),
            Choice::UserSet("1".into())
        );
        assert_eq!(choose(None, Some(node.clone())), Choice::Gpu(node));
        assert_eq!(choose(None, None), Choice::Plain);
        assert!(
            Choice::Plain
                .describe()
                .contains("WEBKIT_DISABLE_DMABUF_RENDERER=1")
        );
    }

    #[test]
    fn only_a_render_node_that_opens_counts() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(usable_render_node(&dir.path().join("missing")), None);
        assert_eq!(usable_render_node(dir.path()), None, "an empty /dev/dri");
        // A card node is not a render node; a dangling node cannot be opened (even by root).
        std::fs::write(dir.path().join("card0"), b"").unwrap();
        std::os::unix::fs::symlink(dir.path().join("gone"), dir.path().join("renderD128")).unwrap();
        assert_eq!(usable_render_node(dir.path()), None);
        std::fs::write(dir.path().join("renderD129"), b"").unwrap();
        assert_eq!(
            usable_render_node(dir.path()),
            Some(dir.path().join("renderD129"))
        );
    }
}
