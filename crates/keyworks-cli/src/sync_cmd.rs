//! Offline replicas: make one from the shared file, sync it, carry its changes in a package.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use keyworks_api::hubs;
use keyworks_core::sync::package::PackageOutcome;
use keyworks_core::sync::{Choice, Conflict, ConflictKind, Decisions, SyncOutcome};
use keyworks_core::{Access, Db, Error, Stamp};

/// Exit code when a sync or a package met conflicts that need a decision (nothing changed).
pub const NEEDS_DECISION: u8 = 11;

#[derive(Debug, Subcommand)]
pub enum ReplicaAction {
    /// Make an offline replica of the shared file: a complete KeyWorks file for a laptop
    Create {
        /// The hub: the shared file, or a PostgreSQL server's postgresql:// URL
        #[arg(long, value_name = "SHARED|URL")]
        from: String,
        /// The replica to write (never overwrites a file)
        #[arg(long, value_name = "LAPTOP")]
        out: PathBuf,
    },
    /// Show this file's sync state: its hub, the last sync, the edits waiting to go up
    Status {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ChangesAction {
    /// Write this replica's unsynced changes to a package (for a machine without the share)
    Export {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Apply a change package to this file (the hub), or to the hub given with --hub, under
    /// the same merge rules as a sync
    Apply {
        #[arg(value_name = "FILE")]
        package: PathBuf,
        /// The hub to apply it to: a shared file or a postgresql:// URL (default: --db)
        #[arg(long, value_name = "SHARED|URL")]
        hub: Option<String>,
        #[arg(long, value_enum)]
        resolve: Option<Resolve>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum HubAction {
    /// Load a shared file (its rows and whole change log) into an empty PostgreSQL database,
    /// with the readable views and the roles keyworks_reader and keyworks_writer
    Init {
        /// The empty database: postgresql://USER@HOST:PORT/DB (the password from PGPASSWORD
        /// or the pgpass file)
        #[arg(long, value_name = "URL")]
        url: String,
        /// The shared file to load
        #[arg(long, value_name = "SHARED")]
        from: PathBuf,
    },
    /// Bring the server's tables and views to this program's version (an administrator runs
    /// this once after installing a new KeyWorks; syncs wait for it)
    Upgrade {
        #[arg(long, value_name = "URL")]
        url: String,
    },
}

/// A decision for every conflict.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Resolve {
    /// Keep what the shared file holds; this side's conflicting changes are dropped
    KeepHub,
    /// Write this side's changes over the shared file's
    TakeMine,
}

fn decisions(resolve: Option<Resolve>) -> Decisions {
    match resolve {
        Some(Resolve::KeepHub) => Decisions::all(Choice::KeepHub),
        Some(Resolve::TakeMine) => Decisions::all(Choice::TakeMine),
        None => Decisions::default(),
    }
}

pub fn replica(action: &ReplicaAction, path: &Path, stamp: &Stamp) -> Result<ExitCode, Error> {
    match action {
        ReplicaAction::Create { from, out } => {
            let label = out
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let made = hubs::create_replica(from, None, out, &label, stamp)?;
            let shown = hubs::HubAddress::parse(from)?.shown();
            println!(
                "已创建离线副本 {}（第 {} 号副本，共享文件 {}）。在副本上工作，回到内网后用 keyworks --db {} sync 同步。",
                made.path,
                made.replica_no,
                shown,
                out.display(),
            );
        }
        ReplicaAction::Status { json } => {
            let status = Db::open_checked(path, Access::ReadOnly)?.sync_status()?;
            if *json {
                crate::print_json(&status)?;
            } else {
                match &status.hub_path {
                    None => println!("{} 不是离线副本。", path.display()),
                    Some(hub) => println!(
                        "共享文件：{hub}\n上次同步：{}\n待上传：{} 项变更",
                        status.last_sync_at.as_deref().unwrap_or("从未"),
                        status.pending_changes
                    ),
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn sync(
    db: &mut Db,
    hub: Option<&str>,
    resolve: Option<Resolve>,
    json: bool,
    stamp: &Stamp,
) -> Result<ExitCode, Error> {
    let outcome = hubs::sync(db, hub, None, &decisions(resolve), stamp)?;
    if json {
        crate::print_json(&outcome)?;
    }
    match outcome {
        SyncOutcome::Synced(report) => {
            if !json {
                println!(
                    "同步完成：上传 {} 组变更，取回 {} 组（{} 行）。",
                    report.pushed, report.pulled, report.rows_levelled
                );
                if report.already_in_hub > 0 {
                    println!(
                        "另有 {} 组变更共享文件中已有（上次同步中断或已用变更包带去），未重复写入。",
                        report.already_in_hub
                    );
                }
                print_decided(&report.decided, resolve);
            }
            Ok(ExitCode::SUCCESS)
        }
        SyncOutcome::NeedsDecision { conflicts } => {
            if !json {
                print_conflicts(&conflicts, "同步");
            }
            Ok(ExitCode::from(NEEDS_DECISION))
        }
    }
}

/// `changes export` from the --db file (`open`ed when needed), or `changes apply` to it or to
/// the --hub given.
pub fn changes(
    action: &ChangesAction,
    open: impl FnOnce() -> Result<Db, Error>,
    stamp: &Stamp,
) -> Result<ExitCode, Error> {
    match action {
        ChangesAction::Export { out } => {
            let written = open()?.export_changes(out, stamp)?;
            println!(
                "已写出变更包 {}：{} 组变更（SHA-256 {}）。在共享文件上用 keyworks --db 共享文件 changes apply {} 应用。",
                written.path,
                written.groups,
                written.sha256,
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        ChangesAction::Apply {
            package,
            hub,
            resolve,
            json,
        } => {
            let outcome = match hub {
                Some(hub) => hubs::apply_changes(hub, package, &decisions(*resolve), stamp)?,
                None => open()?.apply_changes(package, &decisions(*resolve), stamp)?,
            };
            if *json {
                crate::print_json(&outcome)?;
            }
            match outcome {
                PackageOutcome::Applied {
                    from,
                    applied,
                    already_in_hub,
                    decided,
                } => {
                    if !*json {
                        println!(
                            "已应用来自 {from} 的变更包：写入 {applied} 组变更，{already_in_hub} 组此前已有。"
                        );
                        print_decided(&decided, *resolve);
                    }
                    Ok(ExitCode::SUCCESS)
                }
                PackageOutcome::NeedsDecision { conflicts } => {
                    if !*json {
                        print_conflicts(&conflicts, "应用变更包");
                    }
                    Ok(ExitCode::from(NEEDS_DECISION))
                }
            }
        }
    }
}

fn kind_words(kind: ConflictKind) -> &'static str {
    match kind {
        ConflictKind::BothChanged => "两边都改了同一字段",
        ConflictKind::ChangedDeleted => "此处修改的记录已在共享文件中删除",
        ConflictKind::DeletedChanged => "此处删除的记录在共享文件中已被修改",
        ConflictKind::Duplicate => "共享文件中已有同样的记录",
        ConflictKind::ParentDeleted => "新增记录的上级已在共享文件中删除",
        ConflictKind::BreaksRule => "两边的修改合起来违反数据规则",
    }
}

fn side(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("（无）")
}

fn print_conflicts(conflicts: &[Conflict], what: &str) {
    eprintln!(
        "{what}遇到 {} 处冲突，两个文件都未改动。请逐一决定，或加 --resolve keep-hub（保留共享文件）/ --resolve take-mine（采用本方）后重试：",
        conflicts.len()
    );
    for c in conflicts {
        print_one(c);
    }
}

fn print_one(c: &Conflict) {
    let place = match (&c.project, &c.field_label) {
        (p, Some(f)) if !p.is_empty() => {
            format!("{p} {} #{}「{}」字段 {f}", c.table, c.row_id, c.row)
        }
        (p, None) if !p.is_empty() => format!("{p} {} #{}「{}」", c.table, c.row_id, c.row),
        (_, Some(f)) => format!("{} #{}「{}」字段 {f}", c.table, c.row_id, c.row),
        (_, None) => format!("{} #{}「{}」", c.table, c.row_id, c.row),
    };
    eprintln!("  - [{}] {place}：{}", c.key, kind_words(c.kind));
    eprintln!(
        "      共享文件：{}（{}，{}）",
        side(&c.hub_value),
        c.hub_author,
        c.hub_at
    );
    eprintln!(
        "      本方：    {}（{}，{}）",
        side(&c.mine_value),
        c.mine_author,
        c.mine_at
    );
}

fn print_decided(decided: &[Conflict], resolve: Option<Resolve>) {
    if decided.is_empty() {
        return;
    }
    let how = match resolve {
        Some(Resolve::TakeMine) => "采用本方",
        _ => "保留共享文件",
    };
    println!("按决定（{how}）处理了 {} 处冲突：", decided.len());
    for c in decided {
        println!("  - [{}] {} #{}「{}」", c.key, c.table, c.row_id, c.row);
    }
}

pub fn hub(action: &HubAction, stamp: &Stamp) -> Result<ExitCode, Error> {
    match action {
        HubAction::Init { url, from } => {
            let loaded = hubs::init_server(url, from, stamp)?;
            println!(
                "已将 {} 载入共享服务器 {}：{} 个项目，{} 条变更记录。离线副本用 keyworks replica create --from {} --out 副本文件 创建；原共享文件请改为只读存档，不再在上面修改。",
                from.display(),
                loaded.url,
                loaded.projects,
                loaded.changes,
                loaded.url
            );
            Ok(ExitCode::SUCCESS)
        }
        HubAction::Upgrade { url } => {
            let done = hubs::upgrade_server(url)?;
            if done.from == done.to {
                println!("共享服务器已是第 {} 版，无需升级。", done.to);
            } else {
                println!(
                    "已将共享服务器从第 {} 版升级到第 {} 版；各离线副本可照常同步。",
                    done.from, done.to
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
