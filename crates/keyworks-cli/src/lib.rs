//! `keyworks`: the command-line face of KeyWorks, for officers, managers and scripts.
//! Every command opens the database, calls one core operation and prints the result:
//! aligned tables for people, `--json` for scripts, errors on stderr.
//!
//! A library with one entry point, [`run_cli`], so that the desktop app's binary can also be
//! the CLI (the Linux package installs `keyworks` as a link to `keyworks-app`: one program,
//! one copy of the report font); `src/main.rs` is the stand-alone `keyworks`.

mod approval_cmd;
mod audit_cmd;
mod history_cmd;
mod interchange_cmd;
mod invest_cmd;
mod problem_cmd;
mod report_cmd;
mod schedule_cmd;
mod sync_cmd;
mod table;
mod tabular_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{Local, NaiveDate};
use clap::{Args, Parser, Subcommand};
use keyworks_core::ids::TaskId;
use keyworks_core::model::Status;
use keyworks_core::money::Yuan;
use keyworks_core::portfolio::filing::Filing;
use keyworks_core::portfolio::milestones::{MilestoneQuery, MilestoneRow};
use keyworks_core::portfolio::photo_file::prepare_photo_file;
use keyworks_core::portfolio::updates::{IfReported, UpdateInput};
use keyworks_core::week::{IsoWeek, parse_date};
use keyworks_core::{Access, Db, Error, ErrorCode, Stamp};

use table::{Align, Table};

#[derive(Debug, Parser)]
#[command(
    name = "keyworks",
    version,
    about = "KeyWorks：重点项目组合管理（西安高新区）",
    long_about = "KeyWorks：重点项目组合管理（西安高新区）。\n\
        数据库位置：--db 参数，否则环境变量 KEYWORKS_DB，否则桌面程序使用的用户数据目录。"
)]
struct Cli {
    /// Database file (default: $KEYWORKS_DB, else the desktop app's per-user data directory)
    #[arg(long, global = true, env = "KEYWORKS_DB", value_name = "PATH")]
    db: Option<PathBuf>,

    /// Name stamped on every change (default: $KEYWORKS_AUTHOR, else the OS user name)
    #[arg(long, global = true, env = "KEYWORKS_AUTHOR", value_name = "NAME")]
    author: Option<String>,

    /// Open the file read-only (auditor mode): nothing is written, writes are refused
    #[arg(long, global = true)]
    read_only: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a new database holding the seeded 2021 portfolio (never overwrites a file)
    Init,
    /// List the portfolio: one row per project with status, progress and next milestone
    Projects {
        /// Date to judge lateness against (default: today), e.g. 2021-06-11
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show one project: facts, targets, WBS, dependencies and latest update
    Show {
        /// Project code (e.g. KP21-01) or exact name
        code: String,
        #[arg(long)]
        json: bool,
    },
    /// List milestones across projects
    Milestones {
        /// Only open milestones due within this many days of the as-of date
        #[arg(long, value_name = "DAYS")]
        due_within: Option<u32>,
        /// Only open milestones already past due
        #[arg(long)]
        overdue: bool,
        /// Date to judge against (default: today)
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Record (or revise) a project's weekly progress update
    Update(UpdateArgs),
    /// Work with one milestone
    Milestone {
        #[command(subcommand)]
        action: MilestoneAction,
    },
    /// Investment supervision: plan a year, record a month, show the month's table with
    /// its red/yellow/green warnings, set the warning thresholds
    Invest {
        #[command(subcommand)]
        action: invest_cmd::InvestAction,
    },
    /// Pre-construction approvals (前期手续) on the working-day clock: add, done, list
    Approval {
        #[command(subcommand)]
        action: approval_cmd::ApprovalAction,
    },
    /// Export a project's site photos at their stored size into a folder
    Photos {
        /// Project code (e.g. KP21-01) or exact name
        code: String,
        /// Only this ISO week's, e.g. 2021-W24
        #[arg(long)]
        week: Option<String>,
        /// The folder to write them into (made if missing)
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// The problem ledger (问题台账): add, list (aging in working days, due for 督办), set
    Problem {
        #[command(subcommand)]
        action: problem_cmd::ProblemAction,
    },
    /// Edit a project: who answers for it (包抓领导, 责任单位), who pays for it (投资类型)
    Project {
        #[command(subcommand)]
        action: invest_cmd::ProjectAction,
    },
    /// Upgrade the database file to this version's schema
    Migrate,
    /// Print the database path in use (--db, else $KEYWORKS_DB, else the per-user data directory)
    Where,
    /// Check the file can be trusted: integrity, the change log's hash chain, and every row
    /// against what the change log recorded (exit code 9 when it cannot)
    Verify {
        #[arg(long)]
        json: bool,
        /// Check a PostgreSQL hub instead (a reader's account is enough)
        #[arg(long, value_name = "URL")]
        hub: Option<String>,
    },
    /// The file's edits in words (what the app's History shows), newest first
    History(history_cmd::HistoryArgs),
    /// Backups: save a consistent copy, list automatic backups, restore one
    Backup {
        #[command(subcommand)]
        action: audit_cmd::BackupAction,
    },
    /// Who is editing the file; break a stale edit lock
    Lock {
        #[command(subcommand)]
        action: Option<audit_cmd::LockAction>,
    },
    /// Fault testing: write COUNT small transactions, printing each one's number once committed
    #[command(hide = true)]
    StressWrite {
        #[arg(long, default_value_t = 1000)]
        count: u32,
        /// Distinguishes concurrent writers in the log
        #[arg(long, default_value = "w")]
        tag: String,
        /// The project whose update is revised (default: the first)
        #[arg(long)]
        project: Option<String>,
    },
    /// Reports to print and file: `report weekly` writes the weekly milestone report as PDF
    Report {
        #[command(subcommand)]
        kind: report_cmd::ReportCommand,
    },
    /// Recompute a project's schedule: early/late dates, float and the critical path
    Schedule {
        /// Project code (e.g. KP21-01) or exact name
        code: String,
        #[arg(long)]
        json: bool,
    },
    /// Baselines: save one, or compare the schedule with one
    Baseline {
        #[command(subcommand)]
        action: schedule_cmd::BaselineAction,
    },
    /// China's working calendar: import a year's holidays, show a year
    Calendar {
        #[command(subcommand)]
        action: schedule_cmd::CalendarAction,
    },
    /// Create a project from an MS Project XML file (MSPDI, also written by ProjectLibre and
    /// GanttProject), or preview/apply a milestone CSV
    Import(interchange_cmd::ImportArgs),
    /// Write a project (or with --all the portfolio) as MS Project XML, Excel, CSV or iCalendar
    Export(interchange_cmd::ExportArgs),
    /// Offline replicas of the shared file: `replica create --from SHARED --out LAPTOP`, and
    /// `replica status` of the file in --db
    Replica {
        #[command(subcommand)]
        action: sync_cmd::ReplicaAction,
    },
    /// Sync this replica (--db) with its shared file: push its edits, pull everyone else's.
    /// Exit code 11 when conflicts need a decision (then neither file changed)
    Sync {
        /// The hub: the shared file or a postgresql:// URL (default: the one the replica was
        /// made from, or last synced with)
        #[arg(long, value_name = "SHARED|URL")]
        hub: Option<String>,
        /// Settle every conflict the same way
        #[arg(long, value_enum)]
        resolve: Option<sync_cmd::Resolve>,
        #[arg(long)]
        json: bool,
    },
    /// Change packages for a machine that never sees the share: export from a replica, apply
    /// on the shared file
    Changes {
        #[command(subcommand)]
        action: sync_cmd::ChangesAction,
    },
    /// A hub on a PostgreSQL server, for a portfolio that has outgrown one shared file:
    /// `hub init --url postgresql://… --from SHARED` loads the shared file into an empty database
    Hub {
        #[command(subcommand)]
        action: sync_cmd::HubAction,
    },
    /// Create a new database with a synthetic portfolio (for benchmarks and large-file trials)
    #[command(hide = true)]
    Generate {
        #[arg(long, default_value_t = 1000)]
        projects: usize,
        #[arg(long, default_value_t = 50)]
        tasks: usize,
    },
}

#[derive(Debug, Args)]
struct UpdateArgs {
    /// Project code (e.g. KP21-06) or exact name
    code: String,
    /// ISO week, e.g. 2021-W23 (default: the current week)
    #[arg(long)]
    week: Option<String>,
    /// Overall percent complete, 0–100
    #[arg(long, value_name = "0-100")]
    percent: String,
    /// 绿 / 黄 / 红 (or green / yellow / red)
    #[arg(long)]
    status: String,
    /// This week's progress
    #[arg(long)]
    narrative: String,
    /// Issues and risks
    #[arg(long, default_value = "")]
    issues: String,
    /// Next week's plan
    #[arg(long, default_value = "")]
    next_steps: String,
    /// Replace the week's existing update, whoever wrote it (without this, a week that already
    /// has an update is refused and its author named)
    #[arg(long)]
    replace: bool,
    /// A site photo (JPEG or PNG) to attach; repeat for several. Each is brought to at most
    /// 1,600 px and 300 KB and kept in the file
    #[arg(long, value_name = "FILE")]
    photo: Vec<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
enum MilestoneAction {
    /// Mark a milestone done on a date
    Done {
        /// Milestone id, as listed by `keyworks milestones`
        id: i64,
        /// Date it was accepted, e.g. 2021-06-10
        #[arg(long)]
        date: String,
        /// Note, e.g. the acceptance document number
        #[arg(long, default_value = "")]
        note: String,
    },
}

/// The `keyworks` command on this process's arguments: parses them, runs the command and
/// answers the exit code (errors printed on stderr as one sentence).
pub fn run_cli() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::from(exit_code_of(&e))
        }
    }
}

/// `keyworks calendar show 2021 | head` closes our stdout early; `println!` then panics.
/// That is the reader's choice, not a fault: leave without a panic message, as Unix tools do.
fn quiet_on_closed_pipe() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if text.contains("Broken pipe") {
            std::process::exit(141); // what a shell reports for SIGPIPE
        }
        default_hook(info);
    }));
}

/// Distinct exit codes so that scripts can branch without parsing messages: one per error
/// kind, and one for each way a server hub can refuse (a wrong URL, a wrong password, a
/// database that is no hub, a reader's account used to write, a newer hub, a database that
/// is not empty for `hub init`, a hub older than this program or one it cannot upgrade).
fn exit_code_of(e: &Error) -> u8 {
    match e {
        Error::HubUrl { .. } => 20,
        Error::HubLogin { .. } => 21,
        Error::NotAHub { .. } => 22,
        Error::HubReadOnly { .. } => 23,
        Error::HubNewer { .. } => 24,
        Error::HubNotEmpty { .. } => 25,
        Error::HubOlder { .. } | Error::HubUpgrade { .. } => 26,
        other => exit_code(other.code()),
    }
}

fn exit_code(code: ErrorCode) -> u8 {
    match code {
        ErrorCode::Internal => 1,
        ErrorCode::InvalidInput => 2,
        ErrorCode::NotFound => 3,
        ErrorCode::InvalidFile => 4,
        ErrorCode::ReadOnly => 5,
        ErrorCode::Conflict => 6,
        ErrorCode::Busy => 7,
        ErrorCode::Locked => 8,
        ErrorCode::DiskFull => 10,
        ErrorCode::Login => 21,
    }
}

fn db_path(cli: &Cli) -> Result<PathBuf, Error> {
    cli.db
        .clone()
        .or_else(keyworks_core::default_db_path)
        .ok_or_else(|| Error::InvalidInput {
            field: "--db".into(),
            value: String::new(),
            expected: "系统没有用户数据目录，请用 --db 指定数据库文件".into(),
        })
}

fn stamp(cli: &Cli) -> Result<Stamp, Error> {
    let author = cli
        .author
        .clone()
        .or_else(keyworks_core::os_user_name)
        .unwrap_or_default();
    Stamp::new(&author, Local::now().fixed_offset())
}

/// Opens the file for a write: refused in auditor mode, and while another person holds the
/// edit lock (the CLI writes one short transaction and does not take the lock itself).
fn open_for_writing(cli: &Cli, path: &std::path::Path, stamp: &Stamp) -> Result<Db, Error> {
    if cli.read_only {
        return Err(Error::OpenedReadOnly);
    }
    keyworks_core::audit::edit_lock::ensure_not_locked_by_other(
        path,
        stamp.at(),
        keyworks_core::audit::edit_lock::DEFAULT_STALE_HOURS,
    )?;
    Db::open_checked(path, Access::ReadWrite)
}

fn as_of(text: Option<&str>) -> Result<NaiveDate, Error> {
    match text {
        Some(t) => parse_date("--as-of", t),
        None => Ok(Local::now().date_naive()),
    }
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Error> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::Internal(e.to_string()))?;
    println!("{text}");
    Ok(())
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    let path = db_path(&cli)?;
    match &cli.command {
        Command::Init => {
            // Before any folder is made for it: a name Windows cannot take leaves nothing behind.
            keyworks_core::store::windows_paths::check(&path)?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|source| Error::Io {
                    path: dir.to_owned(),
                    source,
                })?;
            }
            let stamp = Stamp::new(
                keyworks_core::store::seed::SEED_AUTHOR,
                Local::now().fixed_offset(),
            )?;
            let db = Db::create_seeded(&path, &stamp)?;
            let n = db.projects()?.len();
            println!(
                "已创建 {}，含 {} 个重点项目（{}）。",
                path.display(),
                n,
                db.portfolio()?.name
            );
        }
        Command::Projects { as_of: date, json } => {
            let db = Db::open_checked(&path, Access::ReadOnly)?;
            let summary = db.portfolio_summary(as_of(date.as_deref())?)?;
            if *json {
                return print_json(&summary).map(|()| ExitCode::SUCCESS);
            }
            println!(
                "{}（{}，截至 {}）",
                summary.portfolio.name, summary.portfolio.organisation, summary.as_of
            );
            let mut t = Table::new(&[
                ("编号", Align::Left),
                ("名称", Align::Left),
                ("类别", Align::Left),
                ("阶段", Align::Left),
                ("责任单位", Align::Left),
                ("状态", Align::Left),
                ("完成%", Align::Right),
                ("下一里程碑", Align::Left),
                ("到期日", Align::Left),
                ("逾期天数", Align::Right),
            ]);
            for p in &summary.projects {
                let (next, due) = match &p.next_milestone {
                    Some(m) => (m.name.clone(), m.due.to_string()),
                    None => ("—".into(), "—".into()),
                };
                t.row(vec![
                    p.code.clone(),
                    p.name.clone(),
                    p.category.label_zh().into(),
                    p.stage.label_zh().into(),
                    p.lead_unit.clone(),
                    p.status.label_zh().into(),
                    format!("{:.0}", p.percent_complete),
                    next,
                    due,
                    if p.days_late > 0 {
                        p.days_late.to_string()
                    } else {
                        String::new()
                    },
                ]);
            }
            print!("{}", t.render());
            let c = summary.status_counts;
            println!(
                "共 {} 个项目：绿 {} · 黄 {} · 红 {}；14 天内到期里程碑 {} 个，逾期里程碑 {} 个。",
                summary.projects.len(),
                c.green,
                c.yellow,
                c.red,
                summary.due_soon.len(),
                summary.overdue.len()
            );
        }
        Command::Show { code, json } => {
            let db = Db::open_checked(&path, Access::ReadOnly)?;
            let d = db.project_detail(code)?;
            if *json {
                return print_json(&d).map(|()| ExitCode::SUCCESS);
            }
            print_project(&d);
        }
        Command::Milestones {
            due_within,
            overdue,
            as_of: date,
            json,
        } => {
            let db = Db::open_checked(&path, Access::ReadOnly)?;
            let rows = db.milestones(&MilestoneQuery {
                as_of: as_of(date.as_deref())?,
                due_within: *due_within,
                overdue: *overdue,
            })?;
            if *json {
                return print_json(&rows).map(|()| ExitCode::SUCCESS);
            }
            print_milestones(&rows);
        }
        Command::Update(u) => {
            let stamp = stamp(&cli)?;
            let input = UpdateInput {
                week: match &u.week {
                    Some(w) => IsoWeek::parse("--week", w)?,
                    None => IsoWeek::containing(stamp.at().date_naive()),
                },
                percent_complete: u
                    .percent
                    .trim()
                    .trim_end_matches('%')
                    .parse()
                    .ok()
                    .filter(|p: &f64| p.is_finite())
                    .ok_or_else(|| Error::InvalidInput {
                        field: "--percent".into(),
                        value: u.percent.clone(),
                        expected: "应为 0 到 100 之间的数字".into(),
                    })?,
                status: Status::parse("--status", &u.status)?,
                narrative: u.narrative.clone(),
                issues: u.issues.clone(),
                next_steps: u.next_steps.clone(),
                if_reported: if u.replace {
                    IfReported::ReplaceAny
                } else {
                    IfReported::Refuse
                },
            };
            // Every photo is read and checked before the file is opened for writing.
            let photos = u
                .photo
                .iter()
                .map(|p| prepare_photo_file(p))
                .collect::<Result<Vec<_>, _>>()?;
            let mut db = open_for_writing(&cli, &path, &stamp)?;
            let filing = Filing {
                input,
                raise: None,
                photos,
            };
            let filed = db.file_update(&u.code, &filing, &stamp)?;
            let saved = &filed.update;
            let project = db.project_by_code(&u.code)?;
            println!(
                "已记录 {} {} 的 {} 周报：完成 {:.0}%，状态{}。",
                project.code, project.name, saved.iso_week, saved.percent_complete, saved.status
            );
            for p in &filed.photos {
                println!(
                    "  附照片 {}：{}×{}，{:.0} KB{}",
                    p.file_name,
                    p.width,
                    p.height,
                    f64::from(p.bytes) / 1024.0,
                    p.taken_at
                        .map(|t| format!("，摄于 {}", t.format("%Y-%m-%d %H:%M")))
                        .unwrap_or_default()
                );
            }
        }
        Command::Milestone {
            action: MilestoneAction::Done { id, date, note },
        } => {
            let stamp = stamp(&cli)?;
            let date = parse_date("--date", date)?;
            let mut db = open_for_writing(&cli, &path, &stamp)?;
            let task = db.complete_milestone(TaskId(*id), date, note, &stamp)?;
            println!(
                "已将里程碑 {}「{}」标记为 {} 完成。",
                task.id, task.name, date
            );
        }
        Command::Invest { action } if invest_cmd::is_read(action) => {
            let db = Db::open_checked(&path, Access::ReadOnly)?;
            return invest_cmd::show(&db, action);
        }
        Command::Invest { action } => {
            let stamp = stamp(&cli)?;
            let mut db = open_for_writing(&cli, &path, &stamp)?;
            return invest_cmd::write(&mut db, action, &stamp);
        }
        Command::Approval { action } if approval_cmd::is_read(action) => {
            let db = Db::open_checked(&path, Access::ReadOnly)?;
            return approval_cmd::list(&db, action);
        }
        Command::Approval { action } => {
            let stamp = stamp(&cli)?;
            let mut db = open_for_writing(&cli, &path, &stamp)?;
            return approval_cmd::write(&mut db, action, &stamp);
        }
        Command::Problem { action } if problem_cmd::is_read(action) => {
            let db = Db::open_checked(&path, Access::ReadOnly)?;
            return problem_cmd::list(&db, action);
        }
        Command::Photos { code, week, out } => {
            let week = week
                .as_deref()
                .map(|w| IsoWeek::parse("--week", w))
                .transpose()?;
            let db = Db::open_checked(&path, Access::ReadOnly)?;
            let written = db.export_photos(code, week, out)?;
            if written.is_empty() {
                println!(
                    "{code} 没有照片{}。",
                    week.map(|w| format!("（{w}）")).unwrap_or_default()
                );
            }
            for p in &written {
                println!("{}", p.display());
            }
        }
        Command::Problem { action } => {
            let stamp = stamp(&cli)?;
            let mut db = open_for_writing(&cli, &path, &stamp)?;
            return problem_cmd::write(&mut db, action, &stamp);
        }
        Command::Project { action } => {
            let stamp = stamp(&cli)?;
            let mut db = open_for_writing(&cli, &path, &stamp)?;
            return invest_cmd::project(&mut db, action, &stamp);
        }
        Command::Where => println!("{}", path.display()),
        Command::Verify { json, hub: None } => return audit_cmd::verify(&path, *json).map(|o| o.0),
        Command::Verify {
            json,
            hub: Some(url),
        } => return audit_cmd::verify_server(url, *json).map(|o| o.0),
        Command::Replica { action } => return sync_cmd::replica(action, &path, &stamp(&cli)?),
        Command::Sync { hub, resolve, json } => {
            let stamp = stamp(&cli)?;
            let mut db = open_for_writing(&cli, &path, &stamp)?;
            return sync_cmd::sync(&mut db, hub.as_deref(), *resolve, *json, &stamp);
        }
        Command::Changes { action } => {
            let stamp = stamp(&cli)?;
            let open = || match action {
                sync_cmd::ChangesAction::Export { .. } => Db::open_checked(&path, Access::ReadOnly),
                sync_cmd::ChangesAction::Apply { .. } => open_for_writing(&cli, &path, &stamp),
            };
            return sync_cmd::changes(action, open, &stamp);
        }
        Command::Hub { action } => return sync_cmd::hub(action, &stamp(&cli)?),
        Command::History(args) => return history_cmd::history(&path, args),
        Command::Backup { action } => {
            return audit_cmd::backup(action, &path, &stamp(&cli)?, cli.read_only).map(|o| o.0);
        }
        Command::StressWrite {
            count,
            tag,
            project,
        } => {
            return audit_cmd::stress_write(&path, *count, tag, project.as_deref(), &stamp(&cli)?)
                .map(|o| o.0);
        }
        Command::Lock { action } => {
            return audit_cmd::lock(action.as_ref(), &path, &stamp(&cli)?, cli.read_only)
                .map(|o| o.0);
        }
        Command::Migrate => {
            let db = open_for_writing(&cli, &path, &stamp(&cli)?)?;
            println!(
                "{} 的数据结构为版本 {}。",
                path.display(),
                db.schema_version()?
            );
        }
        Command::Report { kind } => report_cmd::run(&path, kind)?,
        Command::Schedule { code, json } => schedule_cmd::schedule(&path, code, *json)?,
        Command::Baseline { action } => schedule_cmd::baseline(&cli, &path, action)?,
        Command::Calendar { action } => schedule_cmd::calendar(&cli, &path, action)?,
        Command::Import(args) => interchange_cmd::import(&cli, &path, args)?,
        Command::Export(args) => interchange_cmd::export(&path, args)?,
        Command::Generate { projects, tasks } => {
            let stamp = stamp(&cli)?;
            let mut db = Db::create(&path)?;
            let as_of = NaiveDate::from_ymd_opt(2021, 6, 11).unwrap_or(NaiveDate::MIN);
            if let Err(e) =
                keyworks_core::store::synthetic::generate(&mut db, *projects, *tasks, as_of, &stamp)
            {
                drop(db);
                // We created this file a moment ago; it holds nothing of the user's.
                let _ = std::fs::remove_file(&path);
                return Err(e);
            }
            println!(
                "已生成 {}：{} 个项目 × {} 个任务。",
                path.display(),
                projects,
                tasks
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn opt_date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn print_project(d: &keyworks_core::portfolio::projects::ProjectDetail) {
    let p = &d.project;
    println!("{} {}", p.code, p.name);
    let money = |v: Option<Yuan>| {
        v.map(|v| format!("{} 万元", v.wan(2)))
            .unwrap_or_else(|| "—".into())
    };
    let facts = [
        ("类别", p.category.label_zh().to_owned()),
        ("阶段", p.stage.label_zh().to_owned()),
        ("状态", p.status.label_zh().to_owned()),
        ("责任单位", p.lead_unit.clone()),
        ("联系人", p.contact.clone()),
        ("地点", p.location.clone()),
        ("包抓领导", p.leader.clone().unwrap_or_else(|| "—".into())),
        ("总投资", money(p.total_investment_yuan)),
        (
            "计划工期",
            format!(
                "{} 至 {}",
                opt_date(p.planned_start),
                opt_date(p.planned_finish)
            ),
        ),
        ("简介", p.description.clone()),
        ("工作要点原文", p.plan_sentence.clone()),
    ];
    for (k, v) in facts {
        println!("  {k}：{v}");
    }
    for plan in &d.investment_plans {
        let done = Yuan::sum(
            d.investment_months
                .iter()
                .filter(|m| m.month.year() == plan.year)
                .map(|m| m.completed_yuan),
        );
        println!(
            "  {}年计划投资：{}，已完成 {}",
            plan.year,
            money(Some(plan.annual_yuan)),
            money(Some(done))
        );
    }
    if !d.targets.is_empty() {
        println!("\n实物指标");
        let mut t = Table::new(&[
            ("指标", Align::Left),
            ("计划", Align::Right),
            ("完成", Align::Right),
            ("单位", Align::Left),
        ]);
        for x in &d.targets {
            t.row(vec![
                x.name.clone(),
                x.quantity.to_string(),
                x.actual.map(|a| a.to_string()).unwrap_or_default(),
                x.unit.clone(),
            ]);
        }
        print!("{}", t.render());
    }
    println!("\n工作分解（◆ 为里程碑）");
    let mut t = Table::new(&[
        ("ID", Align::Right),
        ("任务", Align::Left),
        ("计划开始", Align::Left),
        ("计划完成", Align::Left),
        ("工期", Align::Right),
        ("完成%", Align::Right),
        ("实际完成", Align::Left),
    ]);
    for task in &d.tasks {
        let depth = std::iter::successors(task.parent_id, |pid| {
            d.tasks
                .iter()
                .find(|x| x.id == *pid)
                .and_then(|x| x.parent_id)
        })
        .count();
        let mark = if task.is_milestone { "◆ " } else { "" };
        t.row(vec![
            task.id.to_string(),
            format!("{}{mark}{}", "  ".repeat(depth), task.name),
            task.planned_start.to_string(),
            task.planned_finish.to_string(),
            if task.is_milestone {
                String::new()
            } else {
                format!("{}d", task.duration_days)
            },
            format!("{:.0}", task.percent_complete),
            opt_date(task.actual_finish),
        ]);
    }
    print!("{}", t.render());
    if let Some(u) = d.updates.last() {
        println!("\n最新周报（{}，{}，{}）", u.iso_week, u.author, u.status);
        println!("  完成：{:.0}%", u.percent_complete);
        println!("  进展：{}", u.narrative);
        println!("  问题与风险：{}", u.issues);
        println!("  下步计划：{}", u.next_steps);
    }
}

fn print_milestones(rows: &[MilestoneRow]) {
    if rows.is_empty() {
        println!("没有符合条件的里程碑。");
        return;
    }
    let mut t = Table::new(&[
        ("ID", Align::Right),
        ("项目", Align::Left),
        ("里程碑", Align::Left),
        ("到期日", Align::Left),
        ("实际完成", Align::Left),
        ("状态", Align::Left),
        ("逾期天数", Align::Right),
        ("验收标准", Align::Left),
    ]);
    for m in rows {
        t.row(vec![
            m.id.to_string(),
            format!("{} {}", m.project_code, m.project_name),
            m.name.clone(),
            m.due.to_string(),
            opt_date(m.actual),
            m.state.label_zh().into(),
            if m.days_late > 0 {
                m.days_late.to_string()
            } else {
                String::new()
            },
            m.acceptance.clone(),
        ]);
    }
    print!("{}", t.render());
    println!("共 {} 个里程碑。", rows.len());
}
