//! Creating a whole project from a schedule another tool wrote (MS Project XML and the like),
//! in one transaction, and reading a project back whole for export.
//!
//! The interchange crate parses the file and converts it to whole days; this module checks the
//! result and writes it: the project, its calendar (with holidays and make-up working days),
//! its tasks in WBS order with their hierarchy, constraints, links and baselines. Every row is
//! logged in the change log, so `keyworks verify` holds afterwards. A failure or a cancellation
//! at any point rolls everything back: the file is as it was.
//!
//! Large files (100,000 tasks) are the reason this module writes rows itself rather than through
//! the one-row helpers of `projects.rs`: ids assigned here (the transaction is IMMEDIATE, so
//! nobody else allocates ids meanwhile), rows written `BATCH` at a time by multi-row INSERTs,
//! and the change-log entries (JSON and hash chain) built on a second thread while this one
//! writes rows. The rows and log entries are the same, one entry per row, as the helpers would
//! write, in one transaction that rolls back whole on a failure or a cancellation.

use std::collections::HashMap;
use std::ops::ControlFlow;

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Statement, Transaction, params};
use serde::Serialize;

use crate::audit::change_log::{Stamp, hex_str, json_string, record, row_hash_into};
use crate::error::{Error, Result};
use crate::ids::{CalendarId, ProjectId, TaskId};
use crate::model::{Baseline, BaselineTask, Category, LinkKind, Project, Stage, Status};
use crate::plan::calendar::{Calendar, insert_calendar};
use crate::portfolio::projects::{NewProject, ProjectDetail, insert_project};
use crate::store::db::Db;
use crate::store::row_ids::{next_id, next_ids};

/// MS Project's task constraints. KeyWorks' scheduler honours "start no earlier than" and
/// "must finish on"; the others are kept so that a schedule goes back out as it came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConstraintKind {
    /// As late as possible (no date).
    Alap,
    MustStartOn,
    MustFinishOn,
    StartNoEarlierThan,
    StartNoLaterThan,
    FinishNoEarlierThan,
    FinishNoLaterThan,
}

impl ConstraintKind {
    pub const ALL: &'static [ConstraintKind] = &[
        ConstraintKind::Alap,
        ConstraintKind::MustStartOn,
        ConstraintKind::MustFinishOn,
        ConstraintKind::StartNoEarlierThan,
        ConstraintKind::StartNoLaterThan,
        ConstraintKind::FinishNoEarlierThan,
        ConstraintKind::FinishNoLaterThan,
    ];

    /// The code stored in `tasks.constraint_kind`.
    pub fn code(self) -> &'static str {
        match self {
            ConstraintKind::Alap => "alap",
            ConstraintKind::MustStartOn => "must_start_on",
            ConstraintKind::MustFinishOn => "must_finish_on",
            ConstraintKind::StartNoEarlierThan => "start_no_earlier_than",
            ConstraintKind::StartNoLaterThan => "start_no_later_than",
            ConstraintKind::FinishNoEarlierThan => "finish_no_earlier_than",
            ConstraintKind::FinishNoLaterThan => "finish_no_later_than",
        }
    }

    pub fn from_code(code: &str) -> Option<ConstraintKind> {
        ConstraintKind::ALL
            .iter()
            .copied()
            .find(|k| k.code() == code)
    }

    /// Whether the constraint's date is a start date (else a finish date, or none).
    pub fn is_on_start(self) -> bool {
        matches!(
            self,
            ConstraintKind::MustStartOn
                | ConstraintKind::StartNoEarlierThan
                | ConstraintKind::StartNoLaterThan
        )
    }
}

/// A task's constraint: its kind and date (no date for `Alap`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TaskConstraint {
    pub kind: ConstraintKind,
    pub date: Option<NaiveDate>,
}

/// The project's working calendar as the file has it: its name and its days.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarImport {
    pub name: String,
    pub calendar: Calendar,
}

/// One task, in WBS order. `parent` is the index of an earlier task of the same import.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskImport {
    pub parent: Option<usize>,
    pub name: String,
    pub is_milestone: bool,
    pub planned_start: NaiveDate,
    pub planned_finish: NaiveDate,
    pub duration_days: i64,
    pub percent_complete: f64,
    pub actual_start: Option<NaiveDate>,
    pub actual_finish: Option<NaiveDate>,
    pub constraint: Option<TaskConstraint>,
}

/// A link between two tasks of the import, by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkImport {
    pub predecessor: usize,
    pub successor: usize,
    pub kind: LinkKind,
    pub lag_days: i64,
}

/// A baseline's dates of one task of the import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BaselineTaskImport {
    pub task: usize,
    pub is_milestone: bool,
    pub planned_start: NaiveDate,
    pub planned_finish: NaiveDate,
    pub duration_days: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BaselineImport {
    pub name: String,
    pub taken_on: NaiveDate,
    pub tasks: Vec<BaselineTaskImport>,
}

/// A whole project to create.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectImport {
    pub code: String,
    pub name: String,
    pub category: Category,
    pub stage: Stage,
    pub description: String,
    /// None: the project counts on the file's China calendar (as seeded projects do).
    pub calendar: Option<CalendarImport>,
    pub tasks: Vec<TaskImport>,
    pub links: Vec<LinkImport>,
    pub baselines: Vec<BaselineImport>,
}

/// How far a running import is, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ImportProgress {
    /// Tasks, links and baseline rows written so far.
    pub rows_done: u64,
    pub rows_total: u64,
}

/// What an import created.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportSummary {
    pub project: Project,
    pub calendar_id: Option<CalendarId>,
    pub tasks: usize,
    pub milestones: usize,
    pub links: usize,
    pub calendar_exceptions: usize,
    pub baselines: usize,
    pub baseline_tasks: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ImportOutcome {
    Imported(Box<ImportSummary>),
    /// The progress callback asked to stop: nothing was written.
    Cancelled,
}

/// The progress callback is asked this often (in rows) whether to go on.
const PROGRESS_EVERY: u64 = 2_000;

fn invalid(field: &str, value: impl Into<String>, expected: &str) -> Error {
    Error::InvalidInput {
        field: field.to_owned(),
        value: value.into(),
        expected: expected.to_owned(),
    }
}

/// Checks what the database's CHECK constraints would refuse, naming the task, before
/// anything is written.
fn check(p: &ProjectImport) -> Result<()> {
    let code = p.code.trim();
    if code.is_empty() || code.chars().count() > 32 {
        return Err(invalid("项目编号", &p.code, "应为 1–32 个字符"));
    }
    if p.name.trim().is_empty() {
        return Err(invalid("项目名称", &p.name, "不能为空"));
    }
    for (i, t) in p.tasks.iter().enumerate() {
        let what = || format!("第 {} 个任务「{}」", i + 1, t.name);
        if t.name.trim().is_empty() {
            return Err(invalid("任务名称", what(), "不能为空"));
        }
        if t.parent.is_some_and(|parent| parent >= i) {
            return Err(invalid(
                "上级任务",
                what(),
                "上级任务须排在它之前（WBS 顺序）",
            ));
        }
        if t.planned_finish < t.planned_start {
            return Err(invalid("计划日期", what(), "完成日期不能早于开始日期"));
        }
        if t.duration_days < 0 {
            return Err(invalid("工期", what(), "工期不能为负"));
        }
        if t.is_milestone && (t.duration_days != 0 || t.planned_start != t.planned_finish) {
            return Err(invalid(
                "里程碑",
                what(),
                "里程碑的工期须为 0，开始与完成为同一天",
            ));
        }
        if !(0.0..=100.0).contains(&t.percent_complete) {
            return Err(invalid("完成百分比", what(), "应在 0–100 之间"));
        }
        if let Some(c) = t.constraint {
            if c.date.is_none() != (c.kind == ConstraintKind::Alap) {
                return Err(invalid(
                    "限制条件",
                    what(),
                    "除「越晚越好」外，限制条件须有日期",
                ));
            }
        }
    }
    let n = p.tasks.len();
    let mut seen = std::collections::HashSet::new();
    for l in &p.links {
        let what = || format!("{}→{}", l.predecessor + 1, l.successor + 1);
        if l.predecessor >= n || l.successor >= n || l.predecessor == l.successor {
            return Err(invalid("依赖", what(), "两端须为本项目中不同的任务"));
        }
        if !seen.insert((l.predecessor, l.successor)) {
            return Err(invalid("依赖", what(), "两个任务之间只能有一条依赖"));
        }
    }
    let mut names = std::collections::HashSet::new();
    for b in &p.baselines {
        if b.name.trim().is_empty() || !names.insert(b.name.trim()) {
            return Err(invalid("基线名称", &b.name, "不能为空，也不能重复"));
        }
        for bt in &b.tasks {
            // Dates are kept as the file has them, even a finish before the start (MPXJ's
            // baseline test file has one): a baseline is a record, not a plan to check.
            if bt.task >= n {
                return Err(invalid(
                    "基线",
                    format!("{} 第 {} 个任务", b.name, bt.task + 1),
                    "任务须在本项目中",
                ));
            }
        }
    }
    Ok(())
}

mod batch;
mod log_writer;

/// A count of rows as SQLite numbers them (a Vec never holds more than i64::MAX rows).
fn len(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

use batch::*;
use log_writer::*;

/// A baseline's header row (its task rows come from the file, not from the current plan).
fn insert_baseline_row(
    tx: &Transaction<'_>,
    stamp: &Stamp,
    project: ProjectId,
    name: &str,
    taken_on: NaiveDate,
) -> Result<Baseline> {
    let sql = format!(
        "INSERT INTO baselines (project_id, name, taken_on, id) VALUES (?1, ?2, ?3, ?4) RETURNING {}",
        Baseline::COLUMNS
    );
    let row = tx
        .query_row(
            &sql,
            params![project, name.trim(), taken_on, next_id(tx, "baselines")?],
            Baseline::from_row,
        )
        .map_err(|e| constraint_error(e, "基线名称", name, "不能为空，也不能重复"))?;
    record(tx, stamp, "baselines", row.id.0, None, Some(&row))?;
    Ok(row)
}

/// A calendar name not yet taken: the wanted one, else with " (2)", " (3)", ...
fn free_calendar_name(tx: &Transaction<'_>, wanted: &str) -> Result<String> {
    let mut stmt = tx.prepare("SELECT 1 FROM calendars WHERE name = ?1")?;
    let mut name = wanted.to_owned();
    let mut n = 1;
    while stmt.exists([&name])? {
        n += 1;
        name = format!("{wanted} ({n})");
    }
    Ok(name)
}

/// Stops the import when the callback says so: an error that `import_project` turns back
/// into `ImportOutcome::Cancelled` after the transaction rolled back.
struct Progress<'p> {
    callback: &'p mut dyn FnMut(ImportProgress) -> ControlFlow<()>,
    done: u64,
    total: u64,
    cancelled: bool,
}

impl Progress<'_> {
    fn step(&mut self) -> Result<()> {
        self.done += 1;
        if self.done % PROGRESS_EVERY == 0 {
            self.report()?;
        }
        Ok(())
    }

    fn report(&mut self) -> Result<()> {
        let at = ImportProgress {
            rows_done: self.done,
            rows_total: self.total,
        };
        if (self.callback)(at).is_break() {
            self.cancelled = true;
            return Err(Error::Internal("import cancelled".to_owned()));
        }
        Ok(())
    }
}

fn write_import(
    tx: &Transaction<'_>,
    p: &ProjectImport,
    stamp: &Stamp,
    progress: &mut Progress<'_>,
) -> Result<ImportSummary> {
    progress.report()?;
    let (calendar_id, calendar_exceptions) = match &p.calendar {
        Some(c) => {
            let name = free_calendar_name(tx, c.name.trim())?;
            let id = insert_calendar(tx, stamp, &name, None, &c.calendar)?;
            (Some(id), c.calendar.exceptions().count())
        }
        None => (None, 0),
    };
    let planned_start = p.tasks.iter().map(|t| t.planned_start).min();
    let planned_finish = p.tasks.iter().map(|t| t.planned_finish).max();
    let project = insert_project(
        tx,
        stamp,
        &NewProject {
            code: p.code.trim().to_owned(),
            name: p.name.trim().to_owned(),
            category: p.category,
            stage: p.stage,
            lead_unit: String::new(),
            contact: String::new(),
            location: String::new(),
            total_investment_yuan: None,
            leader: None,
            funding: None,
            planned_start,
            planned_finish,
            status: Status::Green,
            calendar_id,
            description: p.description.clone(),
            plan_sentence: String::new(),
        },
    )?;

    // Baseline headers first: their ids are in their task rows' entries, and `record` reads the
    // chain's last hash from the table, so the bulk entries chain on after them.
    let mut headers = Vec::new();
    for b in &p.baselines {
        headers.push(insert_baseline_row(
            tx, stamp, project.id, &b.name, b.taken_on,
        )?);
    }
    let ids = BulkIds {
        project: project.id,
        first_task: next_ids(tx, "tasks", len(p.tasks.len()))?,
        first_link: next_ids(tx, "dependencies", len(p.links.len()))?,
        first_baseline_task: next_ids(
            tx,
            "baseline_tasks",
            len(p.baselines.iter().map(|b| b.tasks.len()).sum()),
        )?,
        baselines: &headers,
    };
    let prev: String = tx
        .query_row(
            "SELECT hash FROM change_log ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_default();
    let at = stamp.at_text();
    let stamp = (at.as_str(), stamp.author());
    // The entries' JSON and hash chain are built on a second thread while this one writes rows
    // (SQLite is the larger half of the work). A bounded channel keeps memory flat; when this
    // side stops (failure, cancellation), dropping the receiver ends the other thread.
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel(64);
        let ids = &ids;
        let entries = scope.spawn(move || bulk_log_rows(p, ids, stamp, prev, &send));
        let written = write_bulk_rows(tx, p, ids, stamp, &receive, progress);
        drop(receive);
        // A panic there ends its sending early: this side then has fewer entries than rows,
        // so the import fails (and rolls back) rather than commit them.
        if entries.join().is_err() {
            return Err(Error::Internal(
                "building the change-log entries of the import failed".to_owned(),
            ));
        }
        written
    })?;
    let baseline_tasks = p.baselines.iter().map(|b| b.tasks.len()).sum();
    progress.report()?;
    Ok(ImportSummary {
        project,
        calendar_id,
        tasks: p.tasks.len(),
        milestones: p.tasks.iter().filter(|t| t.is_milestone).count(),
        links: p.links.len(),
        calendar_exceptions,
        baselines: p.baselines.len(),
        baseline_tasks,
    })
}

fn constraint_error(e: rusqlite::Error, field: &str, value: &str, expected: &str) -> Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => invalid(field, value, expected),
        _ => Error::from(e),
    }
}

/// A whole project as an export needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectExport {
    pub detail: ProjectDetail,
    /// The calendar its dates count on (its own, else the China calendar).
    pub calendar_name: String,
    pub calendar: Calendar,
    pub constraints: HashMap<TaskId, TaskConstraint>,
    /// Oldest first, each with its task rows.
    pub baselines: Vec<(Baseline, Vec<BaselineTask>)>,
}

impl Db {
    /// Creates a project with everything in `import`, in one transaction. `progress` is called
    /// every few thousand rows; when it returns `Break`, the transaction is rolled back and the
    /// result is `Cancelled`. Fails, writing nothing, when the code is taken or a row is invalid.
    pub fn import_project(
        &mut self,
        import: &ProjectImport,
        stamp: &Stamp,
        progress: &mut dyn FnMut(ImportProgress) -> ControlFlow<()>,
    ) -> Result<ImportOutcome> {
        check(import)?;
        let total = (import.tasks.len()
            + import.links.len()
            + import
                .baselines
                .iter()
                .map(|b| b.tasks.len())
                .sum::<usize>()) as u64;
        let mut progress = Progress {
            callback: progress,
            done: 0,
            total,
            cancelled: false,
        };
        // A large import touches more pages than SQLite's default 2 MB cache holds; spilling
        // them to the file mid-transaction doubles the writing. Up to 256 MB for this use case only
        // (pages are allocated as used, so a small import stays small).
        let cache: i64 = self
            .conn()
            .pragma_query_value(None, "cache_size", |r| r.get(0))?;
        self.conn()
            .pragma_update(None, "cache_size", cache.min(-262_144))?;
        let result = self.write_tx(|tx| write_import(tx, import, stamp, &mut progress));
        self.conn().pragma_update(None, "cache_size", cache)?;
        match result {
            Ok(summary) => Ok(ImportOutcome::Imported(Box::new(summary))),
            Err(_) if progress.cancelled => Ok(ImportOutcome::Cancelled),
            Err(e) => Err(e),
        }
    }

    /// The constraints of one project's tasks.
    pub fn task_constraints(&self, project: ProjectId) -> Result<HashMap<TaskId, TaskConstraint>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, constraint_kind, constraint_date FROM tasks \
             WHERE project_id = ?1 AND constraint_kind IS NOT NULL",
        )?;
        let rows = stmt.query_map([project], |r| {
            Ok((
                r.get::<_, TaskId>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<NaiveDate>>(2)?,
            ))
        })?;
        let mut out = HashMap::new();
        for row in rows {
            let (id, kind, date) = row?;
            let kind = ConstraintKind::from_code(&kind).ok_or_else(|| Error::Corrupt {
                path: self.path().map(ToOwned::to_owned).unwrap_or_default(),
                detail: format!("任务 {id} 的限制条件类型「{kind}」无法识别"),
            })?;
            out.insert(id, TaskConstraint { kind, date });
        }
        Ok(out)
    }

    /// Everything an export of the project with this code writes.
    pub fn project_export(&self, code: &str) -> Result<ProjectExport> {
        let detail = self.project_detail(code)?;
        let (calendar_name, calendar) = self.calendar_of_project(detail.project.id)?;
        let constraints = self.task_constraints(detail.project.id)?;
        let mut baselines = Vec::new();
        for b in &detail.baselines {
            baselines.push((b.clone(), self.baseline_tasks(b)?));
        }
        Ok(ProjectExport {
            detail,
            calendar_name,
            calendar,
            constraints,
            baselines,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DayKind;

    fn stamp() -> Stamp {
        Stamp::new(
            "导入测试",
            chrono::DateTime::parse_from_rfc3339("2021-06-11T09:30:00+08:00").unwrap(),
        )
        .unwrap()
    }

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, m, day).unwrap()
    }

    fn sample() -> ProjectImport {
        let task = |parent, name: &str, s, f, days| TaskImport {
            parent,
            name: name.into(),
            is_milestone: days == 0,
            planned_start: s,
            planned_finish: f,
            duration_days: days,
            percent_complete: 50.0,
            actual_start: None,
            actual_finish: None,
            constraint: None,
        };
        let mut calendar = Calendar::standard();
        calendar.set_named_exception(d(5, 3), DayKind::Holiday, "劳动节");
        calendar.set_exception(d(5, 8), DayKind::Workday);
        let mut tasks = vec![
            task(None, "主体\"工程\"", d(5, 6), d(5, 10), 3),
            task(Some(0), "基础", d(5, 6), d(5, 7), 2),
            task(Some(0), "封顶", d(5, 10), d(5, 10), 0),
        ];
        tasks[1].constraint = Some(TaskConstraint {
            kind: ConstraintKind::StartNoEarlierThan,
            date: Some(d(5, 6)),
        });
        ProjectImport {
            code: "IMP-1".into(),
            name: "导入的项目".into(),
            category: Category::Services,
            stage: Stage::NewStart,
            description: String::new(),
            calendar: Some(CalendarImport {
                name: "标准".into(),
                calendar,
            }),
            tasks,
            links: vec![LinkImport {
                predecessor: 1,
                successor: 2,
                kind: LinkKind::FinishToStart,
                lag_days: 1,
            }],
            baselines: vec![BaselineImport {
                name: "Baseline".into(),
                taken_on: d(5, 1),
                tasks: vec![BaselineTaskImport {
                    task: 1,
                    is_milestone: false,
                    planned_start: d(5, 6),
                    planned_finish: d(5, 7),
                    duration_days: 2,
                }],
            }],
        }
    }

    #[test]
    fn an_import_writes_every_row_and_verifies() {
        let mut db = Db::open_in_memory().unwrap();
        let mut calls = 0;
        let out = db
            .import_project(&sample(), &stamp(), &mut |_| {
                calls += 1;
                ControlFlow::Continue(())
            })
            .unwrap();
        let ImportOutcome::Imported(s) = out else {
            panic!("cancelled")
        };
        assert!(calls >= 2);
        // Every row of the import is in one change group, the one undo reverts.
        let groups: i64 = db
            .conn()
            .query_row(
                "SELECT count(DISTINCT coalesce(tx_id, -id)) FROM change_log",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(groups, 1);
        assert_eq!(
            (s.tasks, s.milestones, s.links, s.baseline_tasks),
            (3, 1, 1, 1)
        );
        let report = db.verify().unwrap();
        assert!(report.is_ok(), "{:?}", report.findings);
        let export = db.project_export("IMP-1").unwrap();
        assert_eq!(export.detail.tasks.len(), 3);
        assert_eq!(
            export.detail.tasks[1].parent_id,
            Some(export.detail.tasks[0].id)
        );
        assert_eq!(export.detail.tasks[0].name, "主体\"工程\"");
        assert!(!export.calendar.is_working_day(d(5, 3)));
        assert!(export.calendar.is_working_day(d(5, 8)));
        assert_eq!(
            export.constraints[&export.detail.tasks[1].id].kind,
            ConstraintKind::StartNoEarlierThan
        );
        assert_eq!(export.baselines[0].1.len(), 1);
        // A second import under the same code is refused and leaves the file as it was.
        let before = db.change_log(1).unwrap();
        let e = db
            .import_project(&sample(), &stamp(), &mut |_| ControlFlow::Continue(()))
            .unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::InvalidInput);
        assert_eq!(db.change_log(1).unwrap(), before);
    }

    #[test]
    fn a_cancelled_import_writes_nothing() {
        let mut db = Db::open_in_memory().unwrap();
        let out = db
            .import_project(&sample(), &stamp(), &mut |p| {
                if p.rows_done > 0 || p.rows_total == 0 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
            .unwrap();
        // The first report (0 rows) goes on; the last one (all rows) stops.
        assert_eq!(out, ImportOutcome::Cancelled);
        assert!(db.projects().unwrap().is_empty());
        assert!(db.change_log(10).unwrap().is_empty());
    }

    #[test]
    fn invalid_rows_are_named_before_anything_is_written() {
        let mut db = Db::open_in_memory().unwrap();
        let mut p = sample();
        p.tasks[2].planned_start = d(5, 11);
        let e = db
            .import_project(&p, &stamp(), &mut |_| ControlFlow::Continue(()))
            .unwrap_err();
        assert!(e.to_string().contains("封顶"), "{e}");
        let mut p = sample();
        p.links.push(p.links[0]);
        assert!(
            db.import_project(&p, &stamp(), &mut |_| ControlFlow::Continue(()))
                .is_err()
        );
        assert!(db.projects().unwrap().is_empty());
    }

    /// More rows than one batch: every row and entry lands, in order, and verify holds; a row
    /// refused inside a full batch is still named (the batch is retried row by row).
    #[test]
    fn rows_written_in_batches_verify_and_a_refused_row_is_named() {
        let mut db = Db::open_in_memory().unwrap();
        let mut p = sample();
        let n = 3 * BATCH + 7;
        let template = p.tasks[1].clone();
        p.tasks.truncate(1);
        for i in 1..n {
            p.tasks.push(TaskImport {
                parent: Some(0),
                name: format!("任务 {i}"),
                ..template.clone()
            });
        }
        p.links = (1..n - 1)
            .map(|i| LinkImport {
                predecessor: i,
                successor: i + 1,
                kind: LinkKind::FinishToStart,
                lag_days: 0,
            })
            .collect();
        p.baselines[0].tasks = (0..n)
            .map(|task| BaselineTaskImport {
                task,
                ..p.baselines[0].tasks[0]
            })
            .collect();
        let mut bad = p.clone();
        bad.code = "IMP-2".into();
        // The same task twice in one baseline, inside the second full batch.
        bad.baselines[0].tasks[BATCH + 10].task = 3;
        let e = db
            .import_project(&bad, &stamp(), &mut |_| ControlFlow::Continue(()))
            .unwrap_err();
        assert!(
            e.to_string().contains("同一基线中每个任务只能出现一次"),
            "{e}"
        );
        assert!(db.projects().unwrap().is_empty());
        assert!(db.change_log(1).unwrap().is_empty());

        let out = db
            .import_project(&p, &stamp(), &mut |_| ControlFlow::Continue(()))
            .unwrap();
        let ImportOutcome::Imported(s) = out else {
            panic!("cancelled")
        };
        assert_eq!((s.tasks, s.links, s.baseline_tasks), (n, n - 2, n));
        let report = db.verify().unwrap();
        assert!(report.is_ok(), "{:?}", report.findings);
        // project, calendar (+ exceptions), baseline header, then every bulk row once.
        let bulk: i64 = db
            .conn()
            .query_row(
                "SELECT count(*) FROM change_log WHERE table_name IN \
                 ('tasks', 'dependencies', 'baseline_tasks')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(bulk as usize, n + (n - 2) + n);
        let export = db.project_export("IMP-1").unwrap();
        assert_eq!(export.detail.tasks.len(), n);
        assert_eq!(export.detail.tasks[n - 1].name, format!("任务 {}", n - 1));

        // An imported row changed afterwards outside KeyWorks (as with the sqlite3 shell) is
        // named by verify.
        let edited = export.detail.tasks[BATCH + 5].id;
        db.conn()
            .execute(
                "UPDATE tasks SET planned_finish = '2031-01-01' WHERE id = ?1",
                [edited],
            )
            .unwrap();
        let report = db.verify().unwrap();
        assert_eq!(
            report.findings,
            vec![crate::audit::verify::Finding::RowChanged {
                table: "tasks".into(),
                row_id: edited.0,
                field: "planned_finish".into(),
                logged: serde_json::json!("2021-05-07"),
                actual: serde_json::json!("2031-01-01"),
            }]
        );
    }

    #[test]
    fn iso_dates_are_chronos() {
        for d in ["2021-06-01", "0999-01-02", "2000-12-31"] {
            let date: NaiveDate = d.parse().unwrap();
            assert_eq!(iso_date(date).as_str(), date.format("%Y-%m-%d").to_string());
        }
    }
}
