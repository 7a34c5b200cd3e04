//! Errors of the core. Each message is one sentence for the person at the keyboard:
//! what went wrong, which file or field, and what to do about it.

use std::path::PathBuf;

/// The closed set of error kinds that user interfaces branch on (the IPC `code`).
/// Add a variant only when a consumer needs to tell it apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The file does not exist, or a named project/task does not.
    NotFound,
    /// The file is not a usable KeyWorks database (not SQLite, damaged, foreign, or too new).
    InvalidFile,
    /// The file cannot be written (read-only file or folder, or opened read-only).
    ReadOnly,
    /// The file already exists, or the row would duplicate one.
    Conflict,
    /// A value typed by the user is malformed or out of range.
    InvalidInput,
    /// The file is locked by another writer for longer than the busy timeout.
    Busy,
    /// Another person is editing the file: open it read-only.
    Locked,
    /// The disk (or share) holding the file is full: the change was rolled back.
    DiskFull,
    /// The server hub wants a password, or refused the one given: ask the person for it.
    Login,
    /// Anything else: a bug or an I/O failure.
    Internal,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// " <path> " for messages, or nothing where the path is not known at the point of failure.
fn shown(path: &std::path::Path) -> String {
    if path.as_os_str().is_empty() {
        String::new()
    } else {
        format!(" {} ", path.display())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("找不到文件 {path}：请检查路径，或用 `keyworks init` 新建数据库。")]
    FileNotFound { path: PathBuf },

    #[error(
        "文件 {path} 不是 SQLite 数据库（文件头不符）：请选择 KeyWorks 数据库文件（.sqlite）。"
    )]
    NotSqlite { path: PathBuf },

    #[error(
        "文件 {path} 不完整（应有 {expected} 字节，实际 {actual} 字节），可能复制或下载中断：请从备份恢复或重新复制该文件。"
    )]
    Truncated {
        path: PathBuf,
        expected: u64,
        actual: u64,
    },

    #[error(
        "数据库文件{}上次写入时被中断，需要先恢复才能读取，而只读方式不能恢复：请由有写权限的人以可写方式打开一次（例如 `keyworks migrate`），再以只读方式查看。",
        shown(path)
    )]
    NeedsRecovery { path: PathBuf },

    #[error("文件 {path} 已损坏（{detail}）：请从备份恢复。")]
    Corrupt { path: PathBuf, detail: String },

    #[error("文件 {path} 是 SQLite 数据库，但不是 KeyWorks 数据库：请选择 KeyWorks 创建的文件。")]
    NotKeyWorks { path: PathBuf },

    #[error(
        "文件 {path} 由较新版本的 KeyWorks 写入（数据结构版本 {file_version}，本程序支持到版本 {supported}）：请升级 KeyWorks 后再打开。"
    )]
    TooNew {
        path: PathBuf,
        file_version: u32,
        supported: u32,
    },

    #[error(
        "文件 {path} 的数据结构为版本 {file_version}，需要升级到版本 {supported} 才能读取：请以可写方式打开一次（例如 `keyworks migrate`）。"
    )]
    NeedsUpgrade {
        path: PathBuf,
        file_version: u32,
        supported: u32,
    },

    #[error("文件 {path} 是只读的，无法写入：请取消文件的只读属性或复制到可写位置后再修改。")]
    ReadOnlyFile { path: PathBuf },

    #[error("数据库以只读方式打开，不能修改：请以可写方式重新打开。")]
    OpenedReadOnly,

    #[error("文件 {path} 已存在，未做任何改动：请换一个文件名，或删除旧文件后再创建。")]
    AlreadyExists { path: PathBuf },

    #[error(
        "数据库文件{}正被其他程序写入，等待 5 秒后仍未释放：请稍后重试。",
        shown(path)
    )]
    Busy { path: PathBuf },

    #[error(
        "该文件正由 {user}（{machine}）自 {since} 起编辑，不能同时修改：请以只读方式打开，或等对方关闭后再编辑（{path}）。"
    )]
    Locked {
        path: PathBuf,
        user: String,
        machine: String,
        since: String,
    },

    #[error(
        "磁盘已满：数据库文件{}所在的磁盘没有足够空间，本次修改未保存（已整体撤销，之前的数据完好）：请腾出磁盘空间后重试（disk full: free space and retry）。",
        shown(path)
    )]
    DiskFull { path: PathBuf },

    #[error("无法访问文件 {path}：{source}。")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("没有编号为 {code} 的项目：请用 `keyworks projects` 查看项目编号。")]
    UnknownProject { code: String },

    #[error("没有编号为 {id} 的任务或里程碑：请用 `keyworks milestones` 查看编号。")]
    UnknownTask { id: i64 },

    #[error("没有编号为 {id} 的计划指标：请刷新后重试。")]
    UnknownTarget { id: i64 },

    #[error("任务 {id}（{name}）不是里程碑：只有里程碑可以标记为完成。")]
    NotAMilestone { id: i64, name: String },

    #[error("导入文件有 {count} 处问题（{first}），未做任何改动：请在文件中改正后重新预览、导入。")]
    ImportHasProblems { count: usize, first: String },

    #[error("预览之后数据库中的这些项目已被修改，未做任何改动：请重新预览，确认后再导入。")]
    ImportOutdated,

    #[error("无法{action}：{why}，未做任何改动：{fix}。")]
    WouldLoop {
        /// What was refused, e.g. 降级「工艺冷却水及特气管道安装」.
        action: String,
        /// Why, with the loop's tasks named.
        why: String,
        /// What to do instead.
        fix: String,
    },

    #[error("任务之间的依赖构成循环（{cycle}），无法计算进度：请删除或改变其中一条依赖。")]
    DependencyCycle { cycle: String },

    #[error(
        "项目 {code} 还没有基线：请先用 `keyworks baseline save {code} --name 名称` 保存一个。"
    )]
    NoBaseline { code: String },

    #[error("项目 {code} 没有名为「{name}」的基线（现有：{available}）：请换用其中一个名称。")]
    UnknownBaseline {
        code: String,
        name: String,
        available: String,
    },

    #[error(
        "项目 {code} 的 {week} 已有 {author}（{recorded_at}）填报的周报，未做任何改动：请先查看该周报，确认要替换后再提交（命令行加 --replace），或改填其他周次。"
    )]
    WeekAlreadyReported {
        code: String,
        week: String,
        author: String,
        recorded_at: String,
        /// The existing update's id, for the UI's 替换 / 编辑.
        update: i64,
    },

    #[error("{author} 没有可以撤销的修改：撤销只针对本人在此文件中最近的一次修改。")]
    NothingToUndo { author: String },

    #[error("无法撤销：{detail}。未做任何改动。")]
    UndoConflict { detail: String },

    #[error(
        "{path} 不是离线副本：先用「文件 → 创建离线副本…」或 keyworks replica create 从共享文件创建副本，再在副本上同步。"
    )]
    NotAReplica { path: PathBuf },

    #[error(
        "{hub} 不是本副本的共享文件（本副本创建自 {expected}）。未做任何改动：请选择创建本副本的那个共享文件。"
    )]
    WrongHub { hub: PathBuf, expected: String },

    #[error(
        "无法打开共享文件 {path}：{detail}。本机副本中的修改都还在；连上单位内网后再同步，或导出变更包带去。"
    )]
    HubUnreachable { path: PathBuf, detail: String },

    #[error(
        "无法连接共享服务器 {url}：{detail}。本机副本中的修改都还在；连上单位内网后再同步，或导出变更包带去。"
    )]
    ServerUnreachable { url: String, detail: String },

    #[error(
        "共享服务器地址「{url}」无法使用：{detail}。请写成 postgresql://用户名@主机:端口/数据库名。未做任何改动。"
    )]
    HubUrl { url: String, detail: String },

    #[error(
        "无法登录共享服务器 {url}：{detail}。请检查用户名和密码（密码放在 PGPASSWORD 环境变量或 pgpass 文件中，不写进地址）。未做任何改动。"
    )]
    HubLogin { url: String, detail: String },

    #[error(
        "{url} 不是 KeyWorks 共享服务器（其中没有 keyworks_hub 表）：请检查数据库名，或先用 keyworks hub init 建立。未做任何改动。"
    )]
    NotAHub { url: String },

    #[error(
        "共享服务器 {url} 的数据结构是第 {found} 版，本程序只认识到第 {supported} 版：请先升级 KeyWorks。未做任何改动。"
    )]
    HubNewer {
        url: String,
        found: u32,
        supported: u32,
    },

    #[error(
        "共享服务器 {url} 的数据结构是第 {found} 版，本程序为第 {supported} 版：请由管理员先运行 keyworks hub upgrade --url {url} 升级服务器。未做任何改动。"
    )]
    HubOlder {
        url: String,
        found: u32,
        supported: u32,
    },

    #[error("共享服务器 {url} 不能自动升级：{detail}。未做任何改动。")]
    HubUpgrade { url: String, detail: String },

    #[error(
        "共享服务器 {url} 上的用户 {user} 只有读权限，不能同步或写入：请用有写权限的账号（keyworks_writer 角色的成员）。未做任何改动。"
    )]
    HubReadOnly { url: String, user: String },

    #[error(
        "数据库 {url} 不是空的（已有 {table}）：keyworks hub init 只在空数据库中建立共享服务器。未做任何改动。"
    )]
    HubNotEmpty { url: String, table: String },

    #[error(
        "共享服务器 {url} 出错：{detail}。这次同步未生效，本机副本中的修改都还在；稍后再同步一次即可。"
    )]
    HubServer { url: String, detail: String },

    #[error("变更包 {path} 无法使用：{detail}。未做任何改动。")]
    BadPackage { path: PathBuf, detail: String },

    #[error("同步遇到 {count} 处冲突，需要逐一决定保留哪一方。两个文件都未改动。")]
    SyncConflicts { count: usize },

    #[error("{field} 的值「{value}」无效：{expected}。")]
    InvalidInput {
        field: String,
        value: String,
        expected: String,
    },

    #[error("内置种子数据有误（{0}）：这是程序缺陷，请报告。")]
    Seed(String),

    #[error("内部错误（{0}）：这是程序缺陷，请报告。")]
    Internal(String),

    #[error("数据库错误：{0}")]
    Sqlite(rusqlite::Error),
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::FileNotFound { .. }
            | Error::UnknownProject { .. }
            | Error::UnknownTask { .. }
            | Error::UnknownTarget { .. }
            | Error::NoBaseline { .. }
            | Error::UnknownBaseline { .. }
            | Error::NothingToUndo { .. } => ErrorCode::NotFound,
            Error::NotSqlite { .. }
            | Error::Truncated { .. }
            | Error::Corrupt { .. }
            | Error::NotKeyWorks { .. }
            | Error::TooNew { .. }
            | Error::NeedsUpgrade { .. } => ErrorCode::InvalidFile,
            Error::NeedsRecovery { .. } => ErrorCode::ReadOnly,
            Error::ReadOnlyFile { .. } | Error::OpenedReadOnly => ErrorCode::ReadOnly,
            Error::AlreadyExists { .. } => ErrorCode::Conflict,
            Error::InvalidInput { .. }
            | Error::NotAMilestone { .. }
            | Error::DependencyCycle { .. }
            | Error::WouldLoop { .. }
            | Error::ImportHasProblems { .. } => ErrorCode::InvalidInput,
            Error::ImportOutdated
            | Error::UndoConflict { .. }
            | Error::WeekAlreadyReported { .. } => ErrorCode::Conflict,
            Error::Busy { .. } | Error::HubUnreachable { .. } => ErrorCode::Busy,
            Error::NotAReplica { .. } | Error::WrongHub { .. } => ErrorCode::InvalidInput,
            Error::BadPackage { .. } => ErrorCode::InvalidFile,
            Error::HubUrl { .. } => ErrorCode::InvalidInput,
            Error::HubLogin { .. } => ErrorCode::Login,
            Error::NotAHub { .. }
            | Error::HubNewer { .. }
            | Error::HubOlder { .. }
            | Error::HubUpgrade { .. } => ErrorCode::InvalidFile,
            Error::HubReadOnly { .. } => ErrorCode::ReadOnly,
            Error::HubNotEmpty { .. } => ErrorCode::Conflict,
            Error::HubServer { .. } | Error::ServerUnreachable { .. } => ErrorCode::Busy,
            Error::SyncConflicts { .. } => ErrorCode::Conflict,
            Error::Locked { .. } => ErrorCode::Locked,
            Error::DiskFull { .. } => ErrorCode::DiskFull,
            Error::Io { .. } | Error::Seed(_) | Error::Internal(_) | Error::Sqlite(_) => {
                ErrorCode::Internal
            }
        }
    }

    pub(crate) fn invalid(field: &str, value: impl Into<String>, expected: &str) -> Self {
        Error::InvalidInput {
            field: field.to_owned(),
            value: value.into(),
            expected: expected.to_owned(),
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        if let rusqlite::Error::SqliteFailure(f, _) = &e {
            // SQLITE_READONLY_ROLLBACK: a read-only connection met a writer's hot journal.
            if f.extended_code == 776 {
                return Error::NeedsRecovery {
                    path: PathBuf::new(),
                };
            }
        }
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy) => Error::Busy {
                path: PathBuf::new(),
            },
            Some(rusqlite::ErrorCode::ReadOnly) => Error::OpenedReadOnly,
            Some(rusqlite::ErrorCode::DiskFull) => Error::DiskFull {
                path: PathBuf::new(),
            },
            _ => Error::Sqlite(e),
        }
    }
}
