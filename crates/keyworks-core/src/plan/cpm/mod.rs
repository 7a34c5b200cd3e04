//! The scheduling engine: critical-path method at day granularity over a working calendar.
//! Pure: tasks and links in, dates out; no database (plan/schedule.rs reads a project's plan
//! and hands it here).
//!
//! # Conventions (MS Project's)
//!
//! Durations and lags are counted in working days of the project's calendar.
//!
//! - A task of duration `d ≥ 1` that starts on working day `S` finishes on the `(d-1)`th
//!   working day after `S`: a one-day task finishes on its start day.
//! - Across a finish-to-start link with no lag, the successor starts on the next working day
//!   after the predecessor's finish; lag `n` moves it `n` working days later (earlier if negative).
//! - A milestone (duration 0) starts and finishes on the same day. Placed by a finish (an FS or
//!   FF link) it sits on the day that finish falls on: a milestone after a task finishing on
//!   Friday is on Friday, not on Monday. Placed by a start (an SS link, the project start, a
//!   "start no earlier than") it sits on that start's day.
//!
//! MS Project gets both behaviours from its time of day: a finish is at 17:00, a start at 08:00,
//! and 17:00 on Friday is the same moment of working time as 08:00 on Monday. Here a moment of
//! working time is a [`Point`]: the start or the end of a working day, ordered as the clock is
//! (the end of Friday comes before the start of Monday) but equal in working time. Positive lag
//! lands on the end of a day and negative lag on the start of one, as MS Project's date
//! arithmetic does: an SS link with two days' lag puts a milestone at the end of the successor's
//! second day, not at the start of its third.
//!
//! # Summaries, constraints, actual dates
//!
//! A task with children is a summary: it has no dates of its own, it spans its children (earliest
//! start, latest finish). As in MS Project, a link *to* a summary applies to each of its
//! descendants, and a link *from* a summary starts from the summary's rolled-up start or finish.
//! Backwards, every descendant of a summary must meet the summary's successors: exact for FS and
//! FF links; for SS and SF links from a summary this is stricter than needed (only the earliest
//! child starts the summary) and so may show less float than MS Project, never more. A link
//! between a summary and its own descendant is a loop and reported as one.
//!
//! "Start no earlier than" holds the start back; "must finish on" pins the finish (and the late
//! finish) to its date even against links, so a conflict shows as negative float. A task with an
//! actual start keeps it; with an actual finish it keeps both and is no longer critical. Every
//! task must finish by the project's finish, so without constraints or actual dates float is
//! never negative.

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::ids::TaskId;
use crate::model::LinkKind;
use crate::plan::calendar::Calendar;
/// The longest duration or lag accepted, in working days (about 4,000 years): far beyond any
/// plan, and small enough that no sum of them overflows.
const MAX_DAYS: i64 = 1_000_000;

/// How many task names a cycle error spells out before it abbreviates.
const CYCLE_NAMES_SHOWN: usize = 12;

/// A date constraint on a task, as in MS Project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", content = "date", rename_all = "snake_case")]
pub enum Constraint {
    /// Start no earlier than this date (the next working day if it is a day off).
    StartNoEarlierThan(NaiveDate),
    /// Finish on this date whatever the links say (the last working day up to it if it is a day off).
    MustFinishOn(NaiveDate),
}

/// One task as the engine sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskSpec {
    pub id: TaskId,
    /// Used only to name the tasks of a dependency loop.
    pub name: String,
    /// Working days; ignored for summaries (tasks that are some task's parent).
    pub duration_days: i64,
    pub is_milestone: bool,
    pub parent: Option<TaskId>,
    pub constraint: Option<Constraint>,
    pub actual_start: Option<NaiveDate>,
    pub actual_finish: Option<NaiveDate>,
}

/// A dependency between two tasks; lag in working days, negative for a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkSpec {
    pub predecessor: TaskId,
    pub successor: TaskId,
    pub kind: LinkKind,
    pub lag_days: i64,
}

/// The computed dates of one task. Floats are in working days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TaskDates {
    pub id: TaskId,
    pub early_start: NaiveDate,
    pub early_finish: NaiveDate,
    pub late_start: NaiveDate,
    pub late_finish: NaiveDate,
    /// How far the task can slip without moving the project's finish (or breaking a
    /// "must finish on"); negative when constraints or actual dates already make it late.
    pub total_float: i64,
    /// How far the task can slip without moving any successor; never negative.
    pub free_float: i64,
    /// Not finished and without total float; a summary when one of its children is critical.
    pub critical: bool,
    pub is_summary: bool,
    /// Has an actual finish (a summary: all its children have).
    pub done: bool,
}

/// The result of [`compute`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Schedule {
    pub project_start: NaiveDate,
    /// The latest early finish of any task.
    pub project_finish: NaiveDate,
    /// One entry per input task, in input order.
    pub tasks: Vec<TaskDates>,
    /// The critical tasks that are not summaries, by early start, then early finish, then input order.
    pub critical_path: Vec<TaskId>,
}

/// A moment of working time: `2w` is the start of working day `w`, `2w - 1` the end of working
/// day `w - 1`. Both are working-time instant `w`; the end of a day sorts first, as on the clock.
type Point = i64;

fn instant(p: Point) -> i64 {
    (p + 1) >> 1
}

/// The working day a point is shown on: its own day for a start, the day that ends for an end.
fn day_index(p: Point) -> i64 {
    p >> 1
}

fn start_of(w: i64) -> Point {
    2 * w
}

fn end_at(w: i64) -> Point {
    2 * w - 1
}

/// `p` moved by `lag` working days, landing on the end of a day going forward and on the start
/// of one going back (MS Project's arithmetic); unchanged for no lag.
fn shift(p: Point, lag: i64) -> Point {
    let q = p + 2 * lag;
    match lag.signum() {
        1 => q - 1 + (q & 1),
        -1 => q + (q & 1),
        _ => p,
    }
}

mod network;

use network::{
    FINISH, NONE, Positions, START, build_network, cycle_error, too_many, topological_order,
};

/// Whether `links` between `tasks`, with every summary spanning its children as the engine
/// reads them, can be scheduled: `Error::DependencyCycle` naming a loop's tasks if not. The
/// edits that change links or the WBS ask this before they save, so that no loop is stored.
pub(crate) fn check_acyclic(tasks: &[TaskSpec], links: &[LinkSpec]) -> Result<()> {
    let ids = Positions::new(tasks)?;
    let net = build_network(tasks, links, &ids)?;
    match topological_order(&net) {
        Some(_) => Ok(()),
        None => Err(cycle_error(&net, tasks)),
    }
}

/// What the passes read of a task, packed: the task records themselves are large and would
/// crowd the cache at 100,000 tasks.
#[derive(Debug, Clone, Copy)]
struct Facts {
    /// Checked to be within `0..=MAX_DAYS`.
    duration: i32,
    /// No constraint and no actual dates: the common case, computed without looking further.
    plain: bool,
    finished: bool,
}

/// Flags of a task once its late dates are known.
const DONE: u8 = 1;
const CRITICAL: u8 = 2;

fn flags(done: bool, critical: bool) -> u8 {
    (u8::from(done) * DONE) | (u8::from(critical) * CRITICAL)
}

/// What a summary gathers from its children once their late dates are known.
#[derive(Debug, Clone, Copy)]
struct Rollup {
    all_done: bool,
    critical: bool,
    earliest_late_start: i64,
    latest_late_finish: i64,
    late_start_point: Point,
    late_finish_point: Point,
}

impl Rollup {
    const EMPTY: Rollup = Rollup {
        all_done: true,
        critical: false,
        earliest_late_start: i64::MAX,
        latest_late_finish: i64::MIN,
        late_start_point: Point::MAX,
        late_finish_point: Point::MIN,
    };

    fn add(&mut self, child: &Rollup) {
        self.all_done &= child.all_done;
        self.critical |= child.critical;
        self.earliest_late_start = self.earliest_late_start.min(child.earliest_late_start);
        self.latest_late_finish = self.latest_late_finish.max(child.latest_late_finish);
        self.late_start_point = self.late_start_point.min(child.late_start_point);
        self.late_finish_point = self.late_finish_point.max(child.late_finish_point);
    }
}

/// Computes early and late dates, floats and the critical path of `tasks` linked by `links`,
/// starting no earlier than `project_start`, in working days of `calendar`.
pub fn compute(
    calendar: &Calendar,
    project_start: NaiveDate,
    tasks: &[TaskSpec],
    links: &[LinkSpec],
) -> Result<Schedule> {
    if !calendar.has_working_week() {
        return Err(Error::invalid(
            "工作日历",
            calendar.week_pattern(),
            "每周至少要有一个工作日，否则无法排定日期",
        ));
    }
    let n = tasks.len();
    if u32::try_from(n).is_err() {
        return Err(too_many());
    }
    let ids = Positions::new(tasks)?;
    let mut facts = Vec::with_capacity(n);
    let mut has_actuals = false;
    for t in tasks {
        let actual = t.actual_start.is_some() || t.actual_finish.is_some();
        has_actuals |= actual;
        if !(0..=MAX_DAYS).contains(&t.duration_days) {
            return Err(Error::invalid(
                &format!("任务「{}」的工期", t.name),
                t.duration_days.to_string(),
                &format!("应在 0 到 {MAX_DAYS} 个工作日之间"),
            ));
        }
        if let (Some(s), Some(f)) = (t.actual_start, t.actual_finish) {
            if f < s {
                return Err(Error::invalid(
                    &format!("任务「{}」的实际完成日期", t.name),
                    f.to_string(),
                    &format!("不能早于实际开始日期 {s}"),
                ));
            }
        }
        facts.push(Facts {
            duration: t.duration_days as i32,
            plain: t.constraint.is_none() && !actual,
            finished: t.actual_finish.is_some(),
        });
    }
    let net = build_network(tasks, links, &ids)?;
    // Not needed any more: freed now, its space can serve what follows. At this size every
    // page taken fresh from the system costs time.
    drop(ids);
    let Some(order) = topological_order(&net) else {
        return Err(cycle_error(&net, tasks));
    };
    let nodes = net.nodes();
    let wd = |d: NaiveDate| calendar.working_day_index(d);
    // The end of a date: the end of that working day, or for a day off the end of the working
    // day before it, which is the same moment as the start of the next working day.
    let end_of_date = |d: NaiveDate| match d.succ_opt() {
        Some(next) => end_at(wd(next)),
        None => end_at(wd(d) + 1),
    };
    let project_start_point = start_of(wd(project_start));

    // ---- Forward pass: early [start, finish] as points, each node pulling from its
    // predecessors. An entry node keeps the earliest start and finish that links into its
    // summary allow, which the nodes below it pull in turn. ----
    let mut early = vec![[Point::MAX, Point::MIN]; nodes];
    // Summaries in the order met, so children summaries come before their parents.
    let mut summaries = Vec::with_capacity(net.entry_task.len());
    for &v in &order {
        let v = v as usize;
        if v < n && net.is_summary(v) {
            let mut span = [Point::MAX, Point::MIN];
            for e in net.incoming(v) {
                let child = early[e.from as usize];
                span = [
                    span[START].min(child[START]),
                    span[FINISH].max(child[FINISH]),
                ];
            }
            early[v] = span;
            summaries.push(v);
            continue;
        }
        let mut bound = match net.parent_entry[v] {
            NONE => [Point::MIN, Point::MIN],
            above => early[above as usize],
        };
        for e in net.incoming(v) {
            let p = shift(early[e.from as usize][e.pred_end()], e.lag());
            let b = &mut bound[e.succ_end()];
            *b = (*b).max(p);
        }
        if v >= n {
            early[v] = bound;
            continue;
        }
        let [start_lb, finish_lb] = bound;
        let fact = facts[v];
        let d = i64::from(fact.duration);
        let unconstrained = |s: Point| {
            if d == 0 {
                let p = s.max(finish_lb);
                [p, p]
            } else {
                let mut w = instant(s);
                if finish_lb != Point::MIN {
                    w = w.max(instant(finish_lb) - d);
                }
                [start_of(w), end_at(w + d)]
            }
        };
        early[v] = if fact.plain {
            unconstrained(project_start_point.max(start_lb))
        } else {
            let t = &tasks[v];
            match (t.actual_start, t.actual_finish) {
                (Some(a), Some(b)) => [start_of(wd(a)), end_of_date(b)],
                (Some(a), None) => {
                    let s = start_of(wd(a));
                    [s, if d > 0 { end_at(instant(s) + d) } else { s }]
                }
                (None, Some(b)) => {
                    let f = end_of_date(b);
                    [if d > 0 { start_of(instant(f) - d) } else { f }, f]
                }
                (None, None) => match t.constraint {
                    Some(Constraint::MustFinishOn(date)) => {
                        let f = end_of_date(date);
                        [if d > 0 { start_of(instant(f) - d) } else { f }, f]
                    }
                    Some(Constraint::StartNoEarlierThan(date)) => {
                        unconstrained(project_start_point.max(start_lb).max(start_of(wd(date))))
                    }
                    None => unconstrained(project_start_point.max(start_lb)),
                },
            }
        };
    }
    let project_finish_point = early[..n]
        .iter()
        .map(|e| e[FINISH])
        .max()
        .unwrap_or(project_start_point);
    let pf = instant(project_finish_point);

    // ---- Backward pass: late [start, finish] as working-time instants, with each task's
    // slack. Walking back, a node has heard from all its successors: `late` holds the bounds
    // they set until the node turns them into its own late dates, and `slack` the least slack
    // they leave it (free float before clamping; a summary's is what its children add theirs
    // to). Leaf tasks are settled here; summaries need all their children first. Once a
    // task is settled nothing reads its late dates again, so `late` then holds them as the
    // points shown. ----
    let mut late = vec![[i64::MAX, i64::MAX]; nodes];
    let mut slack = vec![i64::MAX; n];
    let mut total = vec![0i64; n];
    let mut state = vec![0u8; n];
    let mut rollups = vec![Rollup::EMPTY; net.entry_task.len()];
    for &v in order.iter().rev() {
        let v = v as usize;
        if v < n && net.is_summary(v) {
            // Its bounds are its late dates. Each child must meet what the summary's own
            // successors ask of it, and has slack until it moves the summary's finish, then
            // the summary's own.
            let own = if slack[v] == i64::MAX {
                pf - instant(early[v][FINISH])
            } else {
                slack[v]
            };
            slack[v] = own;
            let bounds = late[v];
            for e in net.incoming(v) {
                let c = e.from as usize;
                late[c] = [late[c][0].min(bounds[0]), late[c][1].min(bounds[1])];
                let s = own + (instant(early[v][FINISH]) - instant(early[c][FINISH]));
                slack[c] = slack[c].min(s);
            }
            continue;
        }
        let mut shown = None;
        if v < n {
            if slack[v] == i64::MAX {
                slack[v] = pf - instant(early[v][FINISH]);
            }
            let fact = facts[v];
            let [es, ef] = early[v];
            let [sub, fub] = late[v];
            let d = i64::from(fact.duration);
            let [ls, lf] = if fact.finished {
                [instant(es), instant(ef)]
            } else {
                let mut lf = fub.min(pf);
                if sub != i64::MAX {
                    lf = lf.min(sub + d);
                }
                if fact.plain {
                    [lf - d, lf]
                } else {
                    let t = &tasks[v];
                    if t.actual_start.is_none()
                        && matches!(t.constraint, Some(Constraint::MustFinishOn(_)))
                    {
                        lf = lf.min(instant(ef));
                    }
                    match t.actual_start {
                        Some(_) => [instant(es), lf],
                        None => [lf - d, lf],
                    }
                }
            };
            late[v] = [ls, lf];
            let mine = leaf_rollup(fact, [es, ef], [ls, lf]);
            let total_float = if fact.finished { 0 } else { lf - instant(ef) };
            let critical = !fact.finished && total_float <= 0;
            total[v] = total_float;
            state[v] = flags(fact.finished, critical);
            shown = Some([mine.late_start_point, mine.late_finish_point]);
            let p = net.parent[v];
            if p != NONE {
                rollups[net.summary_of[p as usize] as usize].add(&Rollup { critical, ..mine });
            }
        }
        // A summary's entry takes its bounds as they are, and is as late as its
        // latest-allowed child.
        let bounds = late[v];
        let above = net.parent_entry[v];
        if above != NONE {
            let a = &mut late[above as usize];
            *a = [a[0].min(bounds[0]), a[1].min(bounds[1])];
        }
        // The early dates links into this node look at: for an entry, its summary's.
        let target_early = early[net.task_of(v)].map(instant);
        for e in net.incoming(v) {
            let u = e.from as usize;
            let (pred_end, succ_end, lag) = (e.pred_end(), e.succ_end(), e.lag());
            let b = &mut late[u][pred_end];
            *b = (*b).min(bounds[succ_end] - lag);
            let s = target_early[succ_end] - (instant(early[u][pred_end]) + lag);
            slack[u] = slack[u].min(s);
        }
        if let Some(points) = shown {
            late[v] = points;
        }
    }

    // ---- Summaries, children first: total float is, as in MS Project, the lesser of its
    // start's and its finish's (earliest start to earliest late start, latest finish to latest
    // late finish), and a summary is critical when one of its children is. ----
    for &v in &summaries {
        let r = rollups[net.summary_of[v] as usize];
        let [es, ef] = early[v];
        if !r.all_done {
            total[v] =
                (r.earliest_late_start - instant(es)).min(r.latest_late_finish - instant(ef));
        }
        state[v] = flags(r.all_done, r.critical);
        late[v] = [r.late_start_point, r.late_finish_point];
        let p = net.parent[v];
        if p != NONE {
            rollups[net.summary_of[p as usize] as usize].add(&r);
        }
    }

    // ---- Dates. ----
    // Tasks crowd into a few hundred working days: convert each day once.
    let (lo, hi) = early[..n]
        .iter()
        .zip(&late)
        .flat_map(|(e, l)| [e[START], e[FINISH], l[START], l[FINISH]])
        .map(day_index)
        .fold((i64::MAX, i64::MIN), |(lo, hi), d| (lo.min(d), hi.max(d)));
    let days: Vec<Option<NaiveDate>> = if n > 0 && hi - lo <= 4 * n as i64 + 1024 {
        (lo..=hi).map(|k| calendar.date_of_working_day(k)).collect()
    } else {
        Vec::new()
    };
    let date_at = |p: Point| {
        let k = day_index(p);
        let known = k
            .checked_sub(lo)
            .and_then(|o| usize::try_from(o).ok())
            .and_then(|i| days.get(i))
            .copied();
        known
            .unwrap_or_else(|| calendar.date_of_working_day(k))
            .ok_or_else(|| Error::invalid("进度", "日期超出范围", "工期或延隔时间过大，请检查"))
    };
    let mut out: Vec<TaskDates> = Vec::with_capacity(n);
    for (v, t) in tasks.iter().enumerate() {
        let (done, critical) = (state[v] & DONE != 0, state[v] & CRITICAL != 0);
        let mut early_start = date_at(early[v][START])?;
        let mut early_finish = date_at(early[v][FINISH])?;
        let mut late_start = date_at(late[v][START])?;
        let mut late_finish = date_at(late[v][FINISH])?;
        let is_summary = net.is_summary(v);
        if !is_summary {
            // Actual dates are shown as recorded, even on a day off.
            if let Some(a) = t.actual_start {
                early_start = a;
                if done {
                    late_start = a;
                }
            }
            if let Some(b) = t.actual_finish {
                early_finish = b;
                late_finish = b;
            }
        }
        out.push(TaskDates {
            id: t.id,
            early_start,
            early_finish,
            late_start,
            late_finish,
            total_float: total[v],
            free_float: if done {
                0
            } else {
                slack[v].clamp(0, total[v].max(0))
            },
            critical,
            is_summary,
            done,
        });
    }
    // Summaries span what their children show: the points rolled up already agree, except
    // for actual dates recorded on days off, which only this pass carries up.
    if has_actuals {
        for &v in &order {
            let v = v as usize;
            let p = if v < n { net.parent[v] } else { NONE };
            if p == NONE {
                continue;
            }
            let (lo, hi) = (out[v].early_start, out[v].early_finish);
            let (llo, lhi) = (out[v].late_start, out[v].late_finish);
            let s = &mut out[p as usize];
            s.early_start = s.early_start.min(lo);
            s.early_finish = s.early_finish.max(hi);
            s.late_start = s.late_start.min(llo);
            s.late_finish = s.late_finish.max(lhi);
        }
    }
    let mut path: Vec<usize> = (0..n)
        .filter(|i| !net.is_summary(*i) && state[*i] & CRITICAL != 0)
        .collect();
    // Task positions are distinct, so an unstable sort gives the one order.
    path.sort_unstable_by_key(|i| (early[*i], *i));
    let project_finish = out
        .iter()
        .map(|t| t.early_finish)
        .max()
        .map_or_else(|| date_at(project_finish_point), Ok)?;
    Ok(Schedule {
        project_start: date_at(project_start_point)?,
        project_finish,
        critical_path: path.into_iter().map(|i| tasks[i].id).collect(),
        tasks: out,
    })
}

/// A leaf task's contribution to its summary, with its late dates shown as points.
fn leaf_rollup(fact: Facts, [es, ef]: [Point; 2], [ls, lf]: [i64; 2]) -> Rollup {
    let (late_start_point, late_finish_point) = if fact.finished {
        (es, ef)
    } else if fact.duration == 0 {
        // A milestone with no float stays where it is shown; otherwise its latest moment is
        // shown as the end of the day before, as a late finish is.
        let p = if lf == instant(ef) { ef } else { end_at(lf) };
        (p, p)
    } else {
        (start_of(ls), end_at(lf))
    };
    Rollup {
        all_done: fact.finished,
        critical: false,
        earliest_late_start: ls,
        latest_late_finish: lf,
        late_start_point,
        late_finish_point,
    }
}

#[cfg(test)]
mod tests;
