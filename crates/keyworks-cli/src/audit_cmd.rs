//! Commands for auditors and for shared files: verify, backups, the edit lock.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use keyworks_core::audit::edit_lock::{self, DEFAULT_STALE_HOURS};
use keyworks_core::{Access, Db, Error, Stamp};

#[derive(Debug, Subcommand)]
pub enum BackupAction {
    /// Save a consistent copy of the database (never overwrites a file)
    Save {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// List the automatic backups kept beside the database
    List,
    /// Replace the database's content with a backup's (the current state is backed up first)
    Restore {
        #[arg(value_name = "FILE")]
        backup: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum LockAction {
    /// Show who holds the edit lock (the default)
    Status,
    /// Remove a stale edit lock; the break is recorded in the change log
    Break {
        /// A lock older than this is stale whoever holds it
        #[arg(long, default_value_t = DEFAULT_STALE_HOURS)]
        max_age_hours: i64,
        /// Break it even if it is not stale (the holder may lose unsaved edits)
        #[arg(long)]
        force: bool,
    },
}

/// Exit code of `verify` when the file cannot be trusted.
const UNTRUSTED: u8 = 9;

pub struct Outcome(pub ExitCode);

pub fn verify(path: &Path, json: bool) -> Result<Outcome, Error> {
    let db = Db::open_checked(path, Access::ReadOnly)?;
    let report = db.verify()?;
    print_verified(&path.display().to_string(), &report, json)
}

fn print_verified(
    what: &str,
    report: &keyworks_core::audit::verify::VerifyReport,
    json: bool,
) -> Result<Outcome, Error> {
    if json {
        let text =
            serde_json::to_string_pretty(report).map_err(|e| Error::Internal(e.to_string()))?;
        println!("{text}");
    } else if report.is_ok() {
        println!(
            "校验通过：{}。数据库完整，{} 条变更记录的校验链完好，{} 行数据与变更记录一致。",
            what, report.log_rows, report.rows_checked
        );
    } else {
        eprintln!(
            "校验未通过：{}（共 {} 处问题）",
            what,
            report.findings.len()
        );
        for f in report.findings.iter().take(20) {
            eprintln!("  - {f}");
        }
        if report.findings.len() > 20 {
            eprintln!(
                "  …… 其余 {} 处从略（用 --json 查看全部）",
                report.findings.len() - 20
            );
        }
    }
    Ok(Outcome(if report.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(UNTRUSTED)
    }))
}

/// `keyworks verify --hub URL`: the server hub's chain and rows, as for a file.
pub fn verify_server(url: &str, json: bool) -> Result<Outcome, Error> {
    let (report, _) = keyworks_api::hubs::verify_server(url)?;
    let shown = keyworks_api::hubs::HubAddress::parse(url)?.shown();
    print_verified(&shown, &report, json)
}

pub fn backup(
    action: &BackupAction,
    path: &Path,
    stamp: &Stamp,
    read_only: bool,
) -> Result<Outcome, Error> {
    match action {
        BackupAction::Save { out } => {
            let db = Db::open_checked(path, Access::ReadOnly)?;
            db.save_copy(out)?;
            println!("已将 {} 另存为 {}。", path.display(), out.display());
        }
        BackupAction::List => {
            let backups = keyworks_core::store::backup::list_backups(path)?;
            if backups.is_empty() {
                println!("{} 没有自动备份。", path.display());
            }
            for b in backups {
                println!("{}", b.display());
            }
        }
        BackupAction::Restore { backup } => {
            if read_only {
                return Err(Error::OpenedReadOnly);
            }
            edit_lock::ensure_not_locked_by_other(path, stamp.at(), DEFAULT_STALE_HOURS)?;
            let mut db = Db::open_checked(path, Access::ReadWrite)?;
            db.restore_from(backup, stamp)?;
            println!(
                "已用 {} 恢复 {}（恢复前的状态已自动备份）。",
                backup.display(),
                path.display()
            );
        }
    }
    Ok(Outcome(ExitCode::SUCCESS))
}

pub fn lock(
    action: Option<&LockAction>,
    path: &Path,
    stamp: &Stamp,
    read_only: bool,
) -> Result<Outcome, Error> {
    match action.unwrap_or(&LockAction::Status) {
        LockAction::Status => match edit_lock::current_holder(path)? {
            None => println!("{} 当前无人编辑。", path.display()),
            Some(h) => {
                let stale = if h.is_stale(stamp.at(), DEFAULT_STALE_HOURS) {
                    "（已失效，可用 `keyworks lock break` 解除）"
                } else {
                    ""
                };
                println!(
                    "{} 正由 {}（{}，进程 {}）自 {} 起编辑{stale}。",
                    path.display(),
                    h.user,
                    h.machine,
                    h.process,
                    h.since_text()
                );
            }
        },
        LockAction::Break {
            max_age_hours,
            force,
        } => {
            if read_only {
                return Err(Error::OpenedReadOnly);
            }
            let mut db = Db::open_checked(path, Access::ReadWrite)?;
            match db.break_edit_lock(*max_age_hours, *force, stamp)? {
                None => println!("{} 没有编辑锁。", path.display()),
                Some(h) => println!(
                    "已解除 {}（{}）自 {} 起持有的编辑锁，并记入变更记录。",
                    h.user,
                    h.machine,
                    h.since_text()
                ),
            }
        }
    }
    Ok(Outcome(ExitCode::SUCCESS))
}

/// Writes `count` weekly-update revisions, one transaction each, and prints `committed N`
/// after each commit, flushing, so that a test that kills this process knows exactly which
/// transactions must have survived.
pub fn stress_write(
    path: &Path,
    count: u32,
    tag: &str,
    project: Option<&str>,
    stamp: &Stamp,
) -> Result<Outcome, Error> {
    use keyworks_core::model::Status;
    use keyworks_core::portfolio::updates::{IfReported, UpdateInput};
    use keyworks_core::week::IsoWeek;
    use std::io::Write;

    let mut db = Db::open_checked(path, Access::ReadWrite)?;
    let code = match project {
        Some(code) => db.project_by_code(code)?.code,
        None => db
            .projects()?
            .first()
            .map(|p| p.code.clone())
            .ok_or_else(|| Error::Internal("no project to write to".into()))?,
    };
    let week = IsoWeek::containing(stamp.at().date_naive());
    let mut out = std::io::stdout().lock();
    for i in 0..count {
        let input = UpdateInput {
            week,
            percent_complete: f64::from(i % 101),
            status: Status::Green,
            narrative: format!("stress-{tag}-{i}"),
            issues: String::new(),
            next_steps: String::new(),
            // The stress test revises one week over and over on purpose.
            if_reported: IfReported::ReplaceAny,
        };
        db.record_update(&code, &input, stamp)?;
        writeln!(out, "committed {i}")
            .and_then(|()| out.flush())
            .map_err(|e| Error::Internal(e.to_string()))?;
    }
    Ok(Outcome(ExitCode::SUCCESS))
}
