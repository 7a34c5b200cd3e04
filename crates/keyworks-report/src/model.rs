//! The weekly report as plain data: everything the PDF shows, read from the database once
//! and computed here, so that layout does no database access and the content can be hashed.
//!
//! The model is language-neutral: statuses and vocabularies are codes and dates are dates;
//! layout turns them into Chinese or English words. The change log is the one exception: its
//! sentences come from the history (keyworks-core), the same words the app shows, and are
//! kept in both languages so that the content hash is the same whichever is printed.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Days, FixedOffset, NaiveDate, NaiveTime};
use keyworks_core::audit::history::{Action, Lang, words};
use keyworks_core::ids::{CalendarId, ProjectId, TaskId};
use keyworks_core::model::{Category, ChangeRecord, Project, Stage, Status, Task, WeeklyUpdate};
use keyworks_core::money::Yuan;
use keyworks_core::plan::calendar::Calendar;
use keyworks_core::portfolio::milestones::MilestoneState;
use keyworks_core::portfolio::photo_file::print_rendition;
use keyworks_core::portfolio::summary::StatusCounts;
use keyworks_core::portfolio::summary::leaf_completion;
use keyworks_core::week::IsoWeek;
use keyworks_core::{Db, Error, Result};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// What to report on. "Today" and the week are inputs: the model never reads the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportRequest {
    pub week: IsoWeek,
    /// The day lateness is judged against and the Gantt strip's today line.
    pub as_of: NaiveDate,
    /// The office's UTC offset: the week's changes are those made from its Monday 00:00
    /// to the next Monday 00:00 at this offset.
    pub offset: FixedOffset,
}

impl ReportRequest {
    /// The report for `week` as seen on `today`: judged as of the week's Sunday once the
    /// week is over, as of `today` while it is running.
    pub fn for_week(week: IsoWeek, today: NaiveDate, offset: FixedOffset) -> Self {
        ReportRequest {
            week,
            as_of: today.min(week.sunday()),
            offset,
        }
    }

    /// The report for the week containing `as_of`, judged as of that day.
    pub fn for_date(as_of: NaiveDate, offset: FixedOffset) -> Self {
        ReportRequest {
            week: IsoWeek::containing(as_of),
            as_of,
            offset,
        }
    }

    /// Start (inclusive) and end (exclusive) of the week as instants.
    pub fn window(&self) -> (DateTime<FixedOffset>, DateTime<FixedOffset>) {
        let start = self.week.monday();
        let end = start + Days::new(7);
        let at = |d: NaiveDate| {
            d.and_time(NaiveTime::MIN)
                .and_local_timezone(self.offset)
                .single()
                // A fixed offset maps every local time to exactly one instant.
                .unwrap_or_else(|| d.and_time(NaiveTime::MIN).and_utc().fixed_offset())
        };
        (at(start), at(end))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeeklyReport {
    pub portfolio: PortfolioHeader,
    pub week: IsoWeek,
    pub week_start: NaiveDate,
    pub week_end: NaiveDate,
    pub as_of: NaiveDate,
    pub summary: Summary,
    /// In project-code order.
    pub projects: Vec<ProjectSection>,
    /// Open milestones past due across the portfolio, most days late first.
    pub overdue: Vec<OverdueMilestone>,
    /// What was changed during the week, oldest first.
    pub change_log: Vec<ChangeLine>,
    /// The projects with a yellow or red light in the month supervision looks at on `as_of`
    /// (the core's supervision table, as the monthly report has it).
    pub warnings: MonthWarnings,
    /// Approval processes or items at risk or overdue on `as_of`.
    pub approvals_at_risk: Vec<keyworks_core::supervision::approvals::ProjectApprovals>,
    /// The ledger's unsolved problems on `as_of`, the longest-standing first.
    pub open_problems: Vec<keyworks_core::supervision::problems::LedgerLine>,
}

/// A month's yellow and red lights.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthWarnings {
    pub month: keyworks_core::week::YearMonth,
    pub projects: Vec<WarnedProject>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WarnedProject {
    pub project: ProjectRef,
    pub light: keyworks_core::supervision::warnings::Light,
    pub reasons: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PortfolioHeader {
    pub name: String,
    pub organisation: String,
    pub year: i32,
    /// The plan document the portfolio comes from.
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub projects: usize,
    /// Status of each project as of the week (its latest update up to then).
    pub by_status: StatusCounts,
    /// Mean of the projects' percent complete.
    pub average_percent: f64,
    /// Exact; None when no project states it.
    pub total_investment_yuan: Option<Yuan>,
    pub milestones: usize,
    pub milestones_done: usize,
    /// Milestones planned within the week, done or not.
    pub due_this_week: Vec<MilestoneRef>,
    /// Milestones finished within the week (up to the as-of date).
    pub done_this_week: Vec<MilestoneRef>,
    pub overdue: usize,
    /// Projects with an update for the week.
    pub updated_this_week: usize,
    /// Projects without an update for the week: someone has to chase them.
    pub missing_updates: Vec<ProjectRef>,
    pub status_changes: Vec<StatusChange>,
    pub milestones_moved: Vec<MilestoneMove>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectRef {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MilestoneRef {
    pub project: ProjectRef,
    pub name: String,
    pub planned: NaiveDate,
    pub actual: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusChange {
    pub project: ProjectRef,
    pub from: Status,
    pub to: Status,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MilestoneMove {
    pub project: ProjectRef,
    pub milestone: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Positive: later. Calendar days.
    pub days: i64,
    /// Positive: later. Working days of the project's calendar.
    pub working_days: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectSection {
    pub code: String,
    pub name: String,
    pub category: Category,
    pub stage: Stage,
    pub lead_unit: String,
    pub contact: String,
    pub status: Status,
    /// Status in the week before, when known.
    pub previous_status: Option<Status>,
    pub percent_complete: f64,
    pub planned_start: Option<NaiveDate>,
    pub planned_finish: Option<NaiveDate>,
    /// The latest update up to the report's week.
    pub update: Option<UpdateText>,
    /// By planned date.
    pub milestones: Vec<MilestoneLine>,
    /// The work plan's physical targets of this project and what has been delivered.
    pub targets: Vec<TargetLine>,
    pub gantt: GanttStrip,
    /// The project's latest site photo up to the report's week.
    pub photo: Option<SectionPhoto>,
}

/// A site photo as the report shows it: the stored photo made smaller for print
/// (`photo_file::print_rendition`). The content hash covers the stored photo's SHA-256.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionPhoto {
    pub week: IsoWeek,
    pub file_name: String,
    pub taken_at: Option<chrono::NaiveDateTime>,
    pub sha256: String,
    pub width: u32,
    pub height: u32,
    #[serde(skip)]
    pub jpeg: std::sync::Arc<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetLine {
    pub name: String,
    pub quantity: f64,
    pub unit: String,
    pub actual: Option<f64>,
    pub percent_delivered: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UpdateText {
    pub week: IsoWeek,
    pub author: String,
    pub recorded_at: String,
    pub narrative: String,
    pub issues: String,
    pub next_steps: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MilestoneLine {
    pub name: String,
    pub planned: NaiveDate,
    pub actual: Option<NaiveDate>,
    pub state: MilestoneState,
    /// Working days late (positive) or early (negative): at completion when done, so far
    /// when overdue; None while open and not yet due.
    pub variance_working_days: Option<i64>,
    pub acceptance: String,
}

/// One line of Gantt: the project's year with its phases, milestones and today.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GanttStrip {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub today: NaiveDate,
    /// The project's planned span.
    pub span: Option<(NaiveDate, NaiveDate)>,
    /// Top-level work packages with their percent complete.
    pub phases: Vec<GanttPhase>,
    pub milestones: Vec<GanttMark>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GanttPhase {
    pub start: NaiveDate,
    pub finish: NaiveDate,
    pub percent: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GanttMark {
    pub date: NaiveDate,
    pub state: MilestoneState,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverdueMilestone {
    pub project: ProjectRef,
    pub project_status: Status,
    pub milestone: String,
    pub planned: NaiveDate,
    /// Calendar days past due as of the report date.
    pub days_late: i64,
    pub working_days_late: i64,
    pub acceptance: String,
}

/// One edit of the week as the appendix prints it: the history's own sentence (the words the
/// app's History view uses), in both languages so that the content hash does not depend on
/// the language printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeLine {
    /// RFC 3339, as recorded.
    pub at: String,
    /// `06-11 17:00`, in the office's offset.
    pub time: String,
    pub project: Option<ProjectRef>,
    pub zh: String,
    pub en: String,
}

impl WeeklyReport {
    /// SHA-256 of the model serialised as JSON (struct fields in declaration order, no maps
    /// with unordered keys), in lower-case hex. Printed on the last page so that an auditor can
    /// tie a printout to the data; generation time and file name are not part of it.
    pub fn content_hash(&self) -> Result<String> {
        let bytes = serde_json::to_vec(self)
            .map_err(|e| Error::Internal(format!("report model did not serialise: {e}")))?;
        let digest = Sha256::digest(&bytes);
        Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
    }
}

// ---- building ----

fn project_ref(p: &Project) -> ProjectRef {
    ProjectRef {
        code: p.code.clone(),
        name: p.name.clone(),
    }
}

/// Working days a date moved from `from` to `to`, signed. The core's rule
/// (`Calendar::working_days_between`), so the report and the baseline diff never disagree on a
/// milestone dated on a non-working day.
fn working_day_shift(calendar: &Calendar, from: NaiveDate, to: NaiveDate) -> i64 {
    calendar.working_days_between(from, to)
}

/// State of a milestone as known on `as_of`: a completion dated later was not known yet. The
/// state itself is the core's rule.
fn state_on(task: &Task, as_of: NaiveDate) -> (MilestoneState, Option<NaiveDate>) {
    let known = task.actual_finish.filter(|a| *a <= as_of);
    (
        MilestoneState::of(task.planned_finish, known, as_of).0,
        known,
    )
}

/// Each project's calendar by the core's one rule (`Db::calendar_of_project`), loaded once per
/// distinct calendar: a 1,000-project portfolio shares one.
struct Calendars<'a> {
    db: &'a Db,
    cache: HashMap<Option<CalendarId>, Calendar>,
}

impl Calendars<'_> {
    fn of(&mut self, project: &Project) -> Result<&Calendar> {
        match self.cache.entry(project.calendar_id) {
            Entry::Occupied(known) => Ok(known.into_mut()),
            Entry::Vacant(slot) => Ok(slot.insert(self.db.calendar_of_project(project.id)?.1)),
        }
    }
}

/// Reads what the report for `request` needs from `db` and computes it.
pub fn build(db: &Db, request: &ReportRequest) -> Result<WeeklyReport> {
    let portfolio = db.portfolio()?;
    let projects = db.projects()?;
    let mut targets_of: HashMap<ProjectId, Vec<TargetLine>> = HashMap::new();
    for t in db.plan_targets()? {
        targets_of
            .entry(t.project_id)
            .or_default()
            .push(TargetLine {
                name: t.target.name,
                quantity: t.target.quantity,
                unit: t.target.unit,
                actual: t.target.actual,
                percent_delivered: t.percent_delivered,
            });
    }
    let week = request.week;
    let (monday, sunday) = (week.monday(), week.sunday());
    let as_of = request.as_of;
    let previous_week = week.previous();

    let mut photos = db.latest_photos(week)?;
    let mut updates: HashMap<ProjectId, Vec<WeeklyUpdate>> = HashMap::new();
    for u in db.updates_through(week)? {
        updates.entry(u.project_id).or_default().push(u);
    }

    let mut calendars = Calendars {
        db,
        cache: HashMap::new(),
    };
    let year_from = NaiveDate::from_yo_opt(portfolio.year, 1).unwrap_or(monday);
    let year_to = NaiveDate::from_ymd_opt(portfolio.year, 12, 31).unwrap_or(sunday);

    let mut sections = Vec::with_capacity(projects.len());
    let mut overdue = Vec::new();
    let mut due_this_week = Vec::new();
    let mut done_this_week = Vec::new();
    let mut status_changes = Vec::new();
    let mut missing_updates = Vec::new();
    let mut by_status = StatusCounts::default();
    let mut milestones_total = 0;
    let mut milestones_done = 0;
    let mut updated_this_week = 0;
    let mut tasks_by_id: HashMap<TaskId, (String, bool, ProjectId)> = HashMap::new();

    for p in &projects {
        let tasks = db.tasks_of(p.id)?;
        let calendar = calendars.of(p)?;
        let history = updates.get(&p.id).map(Vec::as_slice).unwrap_or_default();
        let latest = history.last();
        let before = history.iter().rev().find(|u| u.iso_week <= previous_week);
        let status = latest.map_or(p.status, |u| u.status);
        let previous_status = before.map(|u| u.status);
        if let (Some(from), Some(latest)) = (previous_status, latest) {
            if from != latest.status && latest.iso_week == week {
                status_changes.push(StatusChange {
                    project: project_ref(p),
                    from,
                    to: latest.status,
                });
            }
        }
        match status {
            Status::Green => by_status.green += 1,
            Status::Yellow => by_status.yellow += 1,
            Status::Red => by_status.red += 1,
        }
        if latest.is_some_and(|u| u.iso_week == week) {
            updated_this_week += 1;
        } else {
            missing_updates.push(project_ref(p));
        }

        let mut milestones: Vec<&Task> = tasks.iter().filter(|t| t.is_milestone).collect();
        milestones.sort_by(|a, b| {
            (a.planned_finish, a.position, a.id).cmp(&(b.planned_finish, b.position, b.id))
        });
        let mut lines = Vec::with_capacity(milestones.len());
        let mut marks = Vec::with_capacity(milestones.len());
        for t in milestones {
            milestones_total += 1;
            let (state, actual) = state_on(t, as_of);
            let variance = match (state, actual) {
                (MilestoneState::Done, Some(a)) => {
                    milestones_done += 1;
                    Some(working_day_shift(calendar, t.planned_finish, a))
                }
                (MilestoneState::Overdue, _) => {
                    let late = working_day_shift(calendar, t.planned_finish, as_of);
                    overdue.push(OverdueMilestone {
                        project: project_ref(p),
                        project_status: status,
                        milestone: t.name.clone(),
                        planned: t.planned_finish,
                        days_late: (as_of - t.planned_finish).num_days(),
                        working_days_late: late,
                        acceptance: t.acceptance.clone(),
                    });
                    Some(late)
                }
                _ => None,
            };
            let reference = MilestoneRef {
                project: project_ref(p),
                name: t.name.clone(),
                planned: t.planned_finish,
                actual,
            };
            if (monday..=sunday).contains(&t.planned_finish) {
                due_this_week.push(reference.clone());
            }
            if actual.is_some_and(|a| (monday..=sunday).contains(&a)) {
                done_this_week.push(reference);
            }
            marks.push(GanttMark {
                date: actual.unwrap_or(t.planned_finish),
                state,
            });
            lines.push(MilestoneLine {
                name: t.name.clone(),
                planned: t.planned_finish,
                actual,
                state,
                variance_working_days: variance,
                acceptance: t.acceptance.clone(),
            });
        }
        for t in &tasks {
            tasks_by_id.insert(t.id, (t.name.clone(), t.is_milestone, p.id));
        }

        let phases = tasks
            .iter()
            .filter(|t| t.parent_id.is_none() && !t.is_milestone)
            .map(|t| GanttPhase {
                start: t.planned_start,
                finish: t.planned_finish,
                percent: t.percent_complete,
            })
            .collect();
        let span = match (p.planned_start, p.planned_finish) {
            (Some(s), Some(f)) => Some((s, f)),
            _ => None,
        };

        sections.push(ProjectSection {
            code: p.code.clone(),
            name: p.name.clone(),
            category: p.category,
            stage: p.stage,
            lead_unit: p.lead_unit.clone(),
            contact: p.contact.clone(),
            status,
            previous_status,
            percent_complete: latest
                .map_or_else(|| leaf_completion(&tasks), |u| u.percent_complete),
            planned_start: p.planned_start,
            planned_finish: p.planned_finish,
            update: latest.map(|u| UpdateText {
                week: u.iso_week,
                author: u.author.clone(),
                recorded_at: u.recorded_at.clone(),
                narrative: u.narrative.clone(),
                issues: u.issues.clone(),
                next_steps: u.next_steps.clone(),
            }),
            milestones: lines,
            targets: targets_of.remove(&p.id).unwrap_or_default(),
            gantt: GanttStrip {
                from: year_from,
                to: year_to,
                today: as_of,
                span,
                phases,
                milestones: marks,
            },
            photo: match photos.remove(&p.id) {
                Some(s) => {
                    let (jpeg, width, height) = print_rendition(&s.jpeg)?;
                    Some(SectionPhoto {
                        week: s.iso_week,
                        file_name: s.photo.file_name,
                        taken_at: s.photo.taken_at,
                        sha256: s.photo.sha256,
                        width,
                        height,
                        jpeg: std::sync::Arc::new(jpeg),
                    })
                }
                None => None,
            },
        });
    }

    overdue.sort_by(|a, b| {
        b.days_late
            .cmp(&a.days_late)
            .then_with(|| a.project.code.cmp(&b.project.code))
            .then_with(|| a.planned.cmp(&b.planned))
            .then_with(|| a.milestone.cmp(&b.milestone))
    });
    let sort_refs = |v: &mut Vec<MilestoneRef>| {
        v.sort_by(|a, b| {
            (a.planned, &a.project.code, &a.name).cmp(&(b.planned, &b.project.code, &b.name))
        })
    };
    sort_refs(&mut due_this_week);
    sort_refs(&mut done_this_week);

    let (from, to) = request.window();
    let records = db.changes_between(&from, &to)?;
    let recorded = db.updates_recorded_between(&from, &to)?;
    let lookups = Lookups {
        projects: projects.iter().map(|p| (p.id, p)).collect(),
        tasks: tasks_by_id,
    };

    let mut milestones_moved = Vec::new();
    for (task, (first, last)) in milestone_moves(&records, &lookups) {
        let Some((name, _, project_id)) = lookups.tasks.get(&task) else {
            continue;
        };
        let Some(project) = lookups.projects.get(project_id) else {
            continue;
        };
        let calendar = calendars.of(project)?;
        milestones_moved.push(MilestoneMove {
            project: project_ref(project),
            milestone: name.clone(),
            from: first,
            to: last,
            days: (last - first).num_days(),
            working_days: working_day_shift(calendar, first, last),
        });
    }
    milestones_moved.sort_by(|a, b| {
        (&a.project.code, a.from, &a.milestone).cmp(&(&b.project.code, b.from, &b.milestone))
    });

    // Status set in the change log during the week without an update to show it (an edit
    // of the project itself) still counts as a change of status.
    for (project_id, (first, last)) in field_spans(&records, "projects", "status") {
        let (Some(p), Some(from), Some(to)) = (
            lookups.projects.get(&ProjectId(project_id)),
            Status::parse("status", &first).ok(),
            Status::parse("status", &last).ok(),
        ) else {
            continue;
        };
        if from != to && !status_changes.iter().any(|c| c.project.code == p.code) {
            status_changes.push(StatusChange {
                project: project_ref(p),
                from,
                to,
            });
        }
    }
    status_changes.sort_by(|a, b| a.project.code.cmp(&b.project.code));

    let change_log = change_lines(db, request, &records, &recorded, &lookups)?;

    let n = sections.len();
    let average_percent = if n == 0 {
        0.0
    } else {
        sections.iter().map(|s| s.percent_complete).sum::<f64>() / n as f64
    };
    let summary = Summary {
        projects: n,
        by_status,
        average_percent,
        total_investment_yuan: projects
            .iter()
            .any(|p| p.total_investment_yuan.is_some())
            .then(|| Yuan::sum(projects.iter().filter_map(|p| p.total_investment_yuan))),
        milestones: milestones_total,
        milestones_done,
        due_this_week,
        done_this_week,
        overdue: overdue.len(),
        updated_this_week,
        missing_updates,
        status_changes,
        milestones_moved,
    };

    Ok(WeeklyReport {
        portfolio: PortfolioHeader {
            name: portfolio.name,
            organisation: portfolio.organisation,
            year: portfolio.year,
            source: portfolio.source,
        },
        week,
        week_start: monday,
        week_end: sunday,
        as_of,
        summary,
        projects: sections,
        overdue,
        change_log,
        warnings: month_warnings(db, as_of)?,
        approvals_at_risk: db.approvals_needing_attention(as_of)?,
        open_problems: open_problems(db, as_of)?,
    })
}

/// The unsolved problems on `as_of`, oldest first by working days (the ledger's own order,
/// raised date then entry, breaks ties).
fn open_problems(
    db: &Db,
    as_of: NaiveDate,
) -> Result<Vec<keyworks_core::supervision::problems::LedgerLine>> {
    let mut lines = db.problem_ledger(as_of, true, None)?;
    lines.sort_by_key(|l| std::cmp::Reverse(l.age_days));
    Ok(lines)
}

/// The yellow and red lights of the month supervision looks at on `as_of`.
fn month_warnings(db: &Db, as_of: NaiveDate) -> Result<MonthWarnings> {
    let month = db.supervision_month(as_of)?;
    let overview = db.investment_overview(
        month,
        as_of,
        &keyworks_core::supervision::overview::OverviewFilter::default(),
    )?;
    Ok(MonthWarnings {
        month,
        projects: overview
            .rows
            .into_iter()
            .filter(|r| r.warning.light != keyworks_core::supervision::warnings::Light::Green)
            .map(|r| WarnedProject {
                project: ProjectRef {
                    code: r.code,
                    name: r.name,
                },
                light: r.warning.light,
                reasons: r.warning.reasons(),
            })
            .collect(),
    })
}

// ---- the change log in words ----

struct Lookups<'a> {
    projects: HashMap<ProjectId, &'a Project>,
    /// name, is milestone, project
    tasks: HashMap<TaskId, (String, bool, ProjectId)>,
}

/// The `[before, after]` pair of one field of a change row.
fn field_pair<'a>(record: &'a ChangeRecord, field: &str) -> Option<(&'a Value, &'a Value)> {
    match record.changes.get(field)?.as_array()?.as_slice() {
        [b, a] => Some((b, a)),
        _ => None,
    }
}

fn plain(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            Some(f) => format!("{}", (f * 100.0).round() / 100.0),
            None => n.to_string(),
        },
        other => other.to_string(),
    }
}

/// For each row of `table` whose `field` changed in `records` (updates only): its value
/// before the first change and after the last, by row id.
fn field_spans(
    records: &[ChangeRecord],
    table: &str,
    field: &str,
) -> BTreeMap<i64, (String, String)> {
    let mut spans: BTreeMap<i64, (String, String)> = BTreeMap::new();
    for r in records
        .iter()
        .filter(|r| r.op == "update" && r.table_name == table)
    {
        if let Some((b, a)) = field_pair(r, field) {
            spans
                .entry(r.row_id)
                .and_modify(|s| s.1 = plain(a))
                .or_insert_with(|| (plain(b), plain(a)));
        }
    }
    spans
}

/// Milestones whose planned date was changed during the week, with the date before the
/// first change and after the last; those moved back to where they were are left out.
fn milestone_moves(
    records: &[ChangeRecord],
    lookups: &Lookups<'_>,
) -> Vec<(TaskId, (NaiveDate, NaiveDate))> {
    field_spans(records, "tasks", "planned_finish")
        .into_iter()
        .filter_map(|(id, (b, a))| {
            let task = TaskId(id);
            let is_milestone = lookups.tasks.get(&task).is_some_and(|t| t.1);
            let from = NaiveDate::parse_from_str(&b, "%Y-%m-%d").ok()?;
            let to = NaiveDate::parse_from_str(&a, "%Y-%m-%d").ok()?;
            (is_milestone && from != to).then_some((task, (from, to)))
        })
        .collect()
}

/// The week's edits in the history's words, oldest first; an update handed in this week whose
/// change-log row lies outside it (the seed writes its log rows when it loads) is still this
/// week's news, told from the update itself in the same words.
fn change_lines(
    db: &Db,
    request: &ReportRequest,
    records: &[ChangeRecord],
    recorded: &[WeeklyUpdate],
    lookups: &Lookups<'_>,
) -> Result<Vec<ChangeLine>> {
    let (from, to) = request.window();
    let zh = db.edits_between(&from, &to, Lang::Zh, request.offset)?;
    let en = db.edits_between(&from, &to, Lang::En, request.offset)?;
    let time = |at: &str| {
        DateTime::parse_from_rfc3339(at)
            .map(|t| {
                t.with_timezone(&request.offset)
                    .format("%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_else(|_| at.to_owned())
    };
    let mut lines: Vec<ChangeLine> = zh
        .iter()
        .zip(&en)
        .map(|(z, e)| ChangeLine {
            at: z.at.clone(),
            time: time(&z.at),
            project: z.gist.project.as_ref().map(|p| ProjectRef {
                code: p.code.clone(),
                name: p.name.clone(),
            }),
            zh: z.sentence(Lang::Zh),
            en: e.sentence(Lang::En),
        })
        .collect();
    for u in recorded {
        let logged = records
            .iter()
            .any(|r| r.table_name == "weekly_updates" && r.row_id == u.id.0);
        if logged {
            continue;
        }
        let project = lookups.projects.get(&u.project_id).map(|p| project_ref(p));
        let said = |lang: Lang| {
            let percent =
                words::value_text(lang, "percent_complete", &Value::from(u.percent_complete));
            let status = words::value_text(lang, "status", &Value::from(u.status.code()));
            let (colon, sep) = match lang {
                Lang::Zh => ("：", "；"),
                Lang::En => (": ", "; "),
            };
            format!(
                "{} {} {}{colon}{} {percent}{sep}{} {status}",
                u.author,
                Action::FileUpdate.verb(lang),
                words::week_text(lang, &u.iso_week.to_string()),
                words::field_label(lang, "percent_complete").unwrap_or_default(),
                words::field_label(lang, "status").unwrap_or_default(),
            )
        };
        lines.push(ChangeLine {
            at: u.recorded_at.clone(),
            time: time(&u.recorded_at),
            project,
            zh: said(Lang::Zh),
            en: said(Lang::En),
        });
    }
    // Oldest first; ties keep the order they were written in.
    lines.sort_by_key(|l| DateTime::parse_from_rfc3339(&l.at).ok());
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn working_day_shift_is_signed_and_skips_weekends() {
        let c = Calendar::standard();
        // Friday 2021-06-11 to Monday 06-14: one working day later.
        assert_eq!(working_day_shift(&c, d(2021, 6, 11), d(2021, 6, 14)), 1);
        assert_eq!(working_day_shift(&c, d(2021, 6, 14), d(2021, 6, 11)), -1);
        assert_eq!(working_day_shift(&c, d(2021, 6, 11), d(2021, 6, 11)), 0);
        // A Saturday counts as the Monday after it, as in the baseline diff.
        assert_eq!(working_day_shift(&c, d(2021, 6, 11), d(2021, 6, 12)), 1);
        assert_eq!(working_day_shift(&c, d(2021, 6, 12), d(2021, 6, 14)), 0);
    }

    #[test]
    fn moves_keep_first_before_and_last_after() {
        let rec = |id: i64, row: i64, b: &str, a: &str| ChangeRecord {
            id,
            at: "2021-06-08T10:00:00+08:00".into(),
            author: "王工".into(),
            op: "update".into(),
            table_name: "tasks".into(),
            row_id: row,
            changes: json!({ "planned_finish": [b, a] }),
            tx_id: Some(id),
            undoes_tx: None,
            undoes_author: None,
            undoes_at: None,
            undone_by_tx: None,
        };
        let records = vec![
            rec(1, 7, "2021-06-30", "2021-07-09"),
            rec(2, 7, "2021-07-09", "2021-07-16"),
            rec(3, 8, "2021-05-01", "2021-05-03"),
            rec(4, 8, "2021-05-03", "2021-05-01"),
        ];
        let lookups = Lookups {
            projects: HashMap::new(),
            tasks: [
                (TaskId(7), ("竣工验收备案".to_owned(), true, ProjectId(1))),
                (TaskId(8), ("主体施工".to_owned(), true, ProjectId(1))),
            ]
            .into_iter()
            .collect(),
        };
        let moves = milestone_moves(&records, &lookups);
        assert_eq!(moves, vec![(TaskId(7), (d(2021, 6, 30), d(2021, 7, 16)))]);
    }

    #[test]
    fn plain_values_read_like_the_screen() {
        assert_eq!(plain(&json!(80.0)), "80");
        assert_eq!(plain(&json!(62.45)), "62.45");
        assert_eq!(plain(&json!("2021-06-11")), "2021-06-11");
        assert_eq!(plain(&Value::Null), "");
    }
}
