// The IPC commands of KeyWorks, by name. Shared by build.rs (which generates an
// `allow-<name>` permission for each) and the app (a test checks this list equals the commands
// actually registered), so the capability file cannot silently drift from the handlers.
pub const COMMAND_NAMES: &[&str] = &[
    "open_file_info",
    "seed_as_of",
    "vocabulary_labels",
    "portfolio_summary",
    "milestones",
    "project_detail",
    "calendar_days",
    "complete_milestone",
    "complete_milestones",
    "add_task",
    "rename_task",
    "move_task",
    "indent_task",
    "outdent_task",
    "delete_task",
    "add_dependency",
    "delete_dependency",
    "record_update",
    "updates_of",
    "change_log",
];
