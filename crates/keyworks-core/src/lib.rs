//! KeyWorks core: the domain model of a key-project portfolio, its SQLite store and the
//! operations on it. Knows nothing of any user interface; "today" and the author are inputs.

pub mod backup;
pub mod baselines;
pub mod calendar;
pub mod calendar_days;
pub mod change_log;
pub mod db;
pub mod edit_lock;
pub mod error;
pub mod history;
pub mod ids;
pub mod milestone_batch;
pub mod milestone_import;
pub mod milestones;
pub mod model;
pub mod plan_targets;
pub mod portfolio;
pub mod project_import;
pub mod projects;
pub mod report_queries;
pub mod schedule;
pub mod seed;
pub mod seed_info;
pub mod synthetic;
pub mod undo;
pub mod updates;
pub mod verify;
pub mod vocabulary_labels;
pub mod wbs_edit;
pub mod week;

pub use change_log::Stamp;
pub use db::{Access, Db, SCHEMA_VERSION};
pub use error::{Error, ErrorCode, Result};

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
