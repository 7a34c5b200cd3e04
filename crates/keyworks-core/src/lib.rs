//! KeyWorks core: the domain model of a key-project portfolio, its SQLite store and the
//! operations on it. Knows nothing of any user interface; "today" and the author are inputs.

// Foundations every concern uses.
pub mod error;
pub mod ids;
pub mod model;
pub mod money;
pub mod week;

// The concerns, each a folder: where a behaviour lives is where its name says.
pub mod audit;
pub mod imports;
pub mod plan;
pub mod portfolio;
pub mod store;
pub mod supervision;
pub mod sync;

pub use audit::change_log::Stamp;
pub use error::{Error, ErrorCode, Result};
pub use store::db::{Access, Db, SCHEMA_VERSION};

/// The desktop app's identifier; its per-user data directory is named after it.
pub const APP_IDENTIFIER: &str = "cn.xa-hitech.keyworks";

/// The file name of the database in the per-user data directory.
pub const DEFAULT_DB_FILE: &str = "keyworks.sqlite";

/// Where the desktop app keeps its database: `<data dir>/<identifier>/keyworks.sqlite`
/// (on Windows `%APPDATA%\cn.xa-hitech.keyworks\keyworks.sqlite`). None when the OS has no data dir.
pub fn default_db_path() -> Option<std::path::PathBuf> {
    dirs::data_dir().map(|d| d.join(APP_IDENTIFIER).join(DEFAULT_DB_FILE))
}

/// The OS user's login name, the default author of changes. The edge (CLI, app) asks for it;
/// the core itself never reads who is logged in.
pub fn os_user_name() -> Option<String> {
    std::env::var("USER")
        .ok()
        .or_else(|| std::env::var("USERNAME").ok())
        .filter(|s| !s.trim().is_empty())
        .or_else(|| whoami::username().ok())
        .filter(|s| !s.trim().is_empty())
}
