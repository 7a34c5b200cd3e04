//! The scheduling engine: critical-path method at day granularity over a working calendar,
//! and the project schedule, baseline variance and milestone slips built on it.
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

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::ids::TaskId;
use crate::model::{Baseline, Dependency, LinkKind, Task};
use crate::plan::calendar::Calendar;
use crate::store::db::Db;

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

/// Row ids are small integers: a multiplicative hash spreads them well and costs far less than
/// the default SipHash, which matters at 100,000 tasks.
#[derive(Debug, Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_i64(&mut self, n: i64) {
        self.0 = (self.0 ^ n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type IdMap = HashMap<TaskId, u32, BuildHasherDefault<IdHasher>>;

/// Task id to input position. Database ids of one project are nearly contiguous, so a table
/// indexed by `id - min` usually replaces hashing altogether.
enum Positions {
    Dense { min: i64, slots: Vec<u32> },
    Hashed(IdMap),
}

impl Positions {
    fn new(tasks: &[TaskSpec]) -> Result<Positions> {
        let n = tasks.len();
        let (min, max) = tasks.iter().fold((i64::MAX, i64::MIN), |(lo, hi), t| {
            (lo.min(t.id.0), hi.max(t.id.0))
        });
        let duplicate =
            |t: &TaskSpec| Error::invalid("任务编号", t.id.to_string(), "每个任务的编号须唯一");
        let span = max.checked_sub(min).and_then(|s| usize::try_from(s).ok());
        match span {
            Some(span) if span < 4 * n + 64 => {
                let mut slots = vec![u32::MAX; span + 1];
                for (i, t) in tasks.iter().enumerate() {
                    let slot = &mut slots[(t.id.0 - min) as usize];
                    if *slot != u32::MAX {
                        return Err(duplicate(t));
                    }
                    *slot = i as u32;
                }
                Ok(Positions::Dense { min, slots })
            }
            _ => {
                let mut ids = IdMap::with_capacity_and_hasher(n, BuildHasherDefault::default());
                for (i, t) in tasks.iter().enumerate() {
                    if ids.insert(t.id, i as u32).is_some() {
                        return Err(duplicate(t));
                    }
                }
                Ok(Positions::Hashed(ids))
            }
        }
    }

    fn get(&self, id: TaskId) -> Result<u32> {
        let found = match self {
            Positions::Dense { min, slots } => {
                id.0.checked_sub(*min)
                    .and_then(|o| usize::try_from(o).ok())
                    .and_then(|o| slots.get(o))
                    .copied()
                    .filter(|i| *i != u32::MAX)
            }
            Positions::Hashed(ids) => ids.get(&id).copied(),
        };
        found.ok_or(Error::UnknownTask { id: id.0 })
    }
}

/// No task, no summary, no node: the marker in the `u32` index arrays below.
const NONE: u32 = u32::MAX;

/// The two ends of a task, indexing the `[start, finish]` pairs the passes keep per node.
const START: usize = 0;
const FINISH: usize = 1;

/// A link as its successor sees it: the predecessor's node, and in `meta` the lag above two
/// bits that say which end of each task the link joins (bit 0: the predecessor's start rather
/// than its finish; bit 1: the successor's finish rather than its start). On a summary's own
/// node the incoming edges are its children instead, and `meta` is unused. Eight bytes, so that
/// the edges of 100,000 tasks stay within the processor's caches.
#[derive(Debug, Clone, Copy)]
struct InEdge {
    from: u32,
    meta: i32,
}

impl InEdge {
    fn link(from: u32, kind: LinkKind, lag: i64) -> InEdge {
        let ends = match kind {
            LinkKind::FinishToStart => 0b00,
            LinkKind::StartToStart => 0b01,
            LinkKind::FinishToFinish => 0b10,
            LinkKind::StartToFinish => 0b11,
        };
        // The lag was checked against MAX_DAYS, so `lag * 4` is far inside i32.
        InEdge {
            from,
            meta: ((lag as i32) << 2) | ends,
        }
    }

    fn child(from: u32) -> InEdge {
        InEdge { from, meta: 0 }
    }

    /// Which end of the predecessor the link starts from: START or FINISH.
    fn pred_end(self) -> usize {
        (!self.meta & 1) as usize
    }

    /// Which end of the successor the link holds: START or FINISH.
    fn succ_end(self) -> usize {
        ((self.meta >> 1) & 1) as usize
    }

    fn lag(self) -> i64 {
        i64::from(self.meta >> 2)
    }
}

/// The network: node `i < n` is task `i` (for a summary, the node that rolls its children up);
/// node `n + j` is the entry of the `j`th summary, where links into it arrive and from where
/// they reach its children. Edges are stored by target (compressed rows), so the forward pass
/// pulls from predecessors and the backward pass pushes to them, both walking one array.
struct Network {
    n: usize,
    /// Each task's summary, or NONE.
    parent: Vec<u32>,
    /// Each task's summary number `j`, or NONE for a task without children.
    summary_of: Vec<u32>,
    /// The task of each summary entry node.
    entry_task: Vec<u32>,
    /// For a leaf task or an entry node, the entry node of the summary above it, or NONE:
    /// what links into a summary ask of it, they ask of everything below it.
    parent_entry: Vec<u32>,
    /// Node `v`'s incoming edges are `ins[first_in[v]..first_in[v + 1]]`: the links into a
    /// leaf task or an entry node, the children of a summary's own node.
    first_in: Vec<u32>,
    ins: Vec<InEdge>,
}

impl Network {
    fn nodes(&self) -> usize {
        self.n + self.entry_task.len()
    }

    fn incoming(&self, v: usize) -> &[InEdge] {
        &self.ins[self.first_in[v] as usize..self.first_in[v + 1] as usize]
    }

    /// Where links into task `i` arrive: its own node, or its summary entry node.
    fn entry(&self, i: usize) -> u32 {
        match self.summary_of[i] {
            NONE => i as u32,
            j => (self.n as u32) + j,
        }
    }

    fn is_summary(&self, i: usize) -> bool {
        self.summary_of[i] != NONE
    }

    /// The task a node stands for: its own, or for an entry node its summary.
    fn task_of(&self, v: usize) -> usize {
        if v < self.n {
            v
        } else {
            self.entry_task[v - self.n] as usize
        }
    }

    /// Every node's predecessors, `parent_entry` included.
    fn predecessors(&self, v: usize) -> impl Iterator<Item = u32> + '_ {
        let above = self.parent_entry[v];
        self.incoming(v)
            .iter()
            .map(|e| e.from)
            .chain((above != NONE).then_some(above))
    }
}

fn too_many() -> Error {
    Error::invalid(
        "任务",
        "超过 40 亿个",
        "一个项目的任务与依赖数量过多，无法计算进度",
    )
}

fn build_network(tasks: &[TaskSpec], links: &[LinkSpec], ids: &Positions) -> Result<Network> {
    let n = tasks.len();
    let mut parent = vec![NONE; n];
    let mut summary_of = vec![NONE; n];
    for (i, t) in tasks.iter().enumerate() {
        if let Some(p) = t.parent {
            let p = ids.get(p)?;
            parent[i] = p;
            summary_of[p as usize] = 0;
        }
    }
    let mut entry_task = Vec::new();
    for (i, s) in summary_of.iter_mut().enumerate() {
        if *s != NONE {
            *s = u32::try_from(entry_task.len()).map_err(|_| too_many())?;
            entry_task.push(i as u32);
        }
    }
    let nodes = n + entry_task.len();
    if u32::try_from(nodes).is_err() || u32::try_from(links.len() + n).is_err() {
        return Err(too_many());
    }
    let mut net = Network {
        n,
        parent,
        summary_of,
        entry_task,
        parent_entry: vec![NONE; nodes],
        first_in: vec![0u32; nodes + 1],
        ins: Vec::new(),
    };
    for v in 0..nodes {
        let t = net.task_of(v);
        let p = net.parent[t];
        // A summary's own node hears from its children, not from above.
        if p != NONE && (v >= n || !net.is_summary(v)) {
            net.parent_entry[v] = net.entry(p as usize);
        }
    }
    // Count each node's incoming edges (checking the links on the way), then place them.
    let mut count = vec![0u32; nodes + 1];
    for l in links {
        ids.get(l.predecessor)?;
        let s = ids.get(l.successor)?;
        if l.lag_days.abs() > MAX_DAYS {
            return Err(Error::invalid(
                "依赖的延隔时间",
                format!("{} 个工作日", l.lag_days),
                &format!("应在 ±{MAX_DAYS} 个工作日以内"),
            ));
        }
        count[net.entry(s as usize) as usize] += 1;
    }
    for p in &net.parent {
        if *p != NONE {
            count[*p as usize] += 1;
        }
    }
    let mut sum = 0u32;
    for (end, c) in net.first_in[1..].iter_mut().zip(&count) {
        sum += c;
        *end = sum;
    }
    let mut fill = count;
    fill.copy_from_slice(&net.first_in);
    let mut ins = vec![InEdge::child(0); net.first_in[nodes] as usize];
    let mut place = |to: u32, e: InEdge| {
        let slot = &mut fill[to as usize];
        ins[*slot as usize] = e;
        *slot += 1;
    };
    for l in links {
        let p = ids.get(l.predecessor)?;
        let s = ids.get(l.successor)?;
        place(net.entry(s as usize), InEdge::link(p, l.kind, l.lag_days));
    }
    for (i, p) in net.parent.iter().enumerate() {
        if *p != NONE {
            place(*p, InEdge::child(i as u32));
        }
    }
    net.ins = ins;
    Ok(net)
}

/// The nodes in an order where every edge points forward, or None when there is a loop.
/// Depth-first along incoming edges from each node in input order, so each node comes right
/// after whatever it waits for: a plan listed roughly in working order keeps that order, and
/// the passes below sweep their arrays instead of jumping around them.
fn topological_order(net: &Network) -> Option<Vec<u32>> {
    const NEW: u8 = 0;
    const OPEN: u8 = 1;
    const PLACED: u8 = 2;
    let nodes = net.nodes();
    let mut state = vec![NEW; nodes];
    let mut order = Vec::with_capacity(nodes);
    // (node, how many of its predecessors were looked at)
    let mut stack: Vec<(u32, u32)> = Vec::new();
    for root in 0..nodes {
        if state[root] != NEW {
            continue;
        }
        state[root] = OPEN;
        stack.push((root as u32, 0));
        while let Some(top) = stack.last_mut() {
            let (v, seen) = (top.0 as usize, top.1);
            let (first, end) = (net.first_in[v], net.first_in[v + 1]);
            let next = if first + seen < end {
                net.ins[(first + seen) as usize].from
            } else if first + seen == end && net.parent_entry[v] != NONE {
                net.parent_entry[v]
            } else {
                state[v] = PLACED;
                order.push(v as u32);
                stack.pop();
                continue;
            };
            top.1 += 1;
            match state[next as usize] {
                NEW => {
                    state[next as usize] = OPEN;
                    stack.push((next, 0));
                }
                OPEN => return None,
                _ => {}
            }
        }
    }
    Some(order)
}

/// Names the tasks of one loop. Kahn's algorithm leaves the nodes on or after a loop; each of
/// them still has a predecessor among them, so walking predecessors must come back to a node
/// seen. Only for an error, so it favours a stable message over speed.
fn cycle_error(net: &Network, tasks: &[TaskSpec]) -> Error {
    let nodes = net.nodes();
    let mut indegree = vec![0u32; nodes];
    let mut successors: Vec<Vec<u32>> = vec![Vec::new(); nodes];
    for (v, d) in indegree.iter_mut().enumerate() {
        for u in net.predecessors(v) {
            *d += 1;
            successors[u as usize].push(v as u32);
        }
    }
    let mut ready: Vec<usize> = (0..nodes).filter(|v| indegree[*v] == 0).collect();
    while let Some(v) = ready.pop() {
        for to in &successors[v] {
            let d = &mut indegree[*to as usize];
            *d -= 1;
            if *d == 0 {
                ready.push(*to as usize);
            }
        }
    }
    let stuck = |v: usize| indegree[v] > 0;
    // Each stuck node's predecessor: the last stuck one in node order.
    let mut pred = vec![u32::MAX; nodes];
    for (v, p) in pred.iter_mut().enumerate() {
        if stuck(v) {
            if let Some(u) = net.predecessors(v).filter(|u| stuck(*u as usize)).max() {
                *p = u;
            }
        }
    }
    let Some(start) = (0..nodes).find(|v| stuck(*v)) else {
        return Error::DependencyCycle {
            cycle: String::new(),
        };
    };
    let mut seen_at = vec![usize::MAX; nodes];
    let mut walk = Vec::new();
    let mut v = start;
    while seen_at[v] == usize::MAX && pred[v] != u32::MAX {
        seen_at[v] = walk.len();
        walk.push(v);
        v = pred[v] as usize;
    }
    let mut cycle: Vec<usize> = match seen_at.get(v) {
        Some(at) if *at != usize::MAX => walk[*at..].to_vec(),
        _ => walk,
    };
    // The walk went against the links; name the tasks in link order, from the first listed.
    cycle.reverse();
    if let Some(pos) = (0..cycle.len()).min_by_key(|i| (net.task_of(cycle[*i]), cycle[*i])) {
        cycle.rotate_left(pos);
    }
    let mut names: Vec<&str> = Vec::new();
    for node in cycle {
        let name = tasks[net.task_of(node)].name.as_str();
        if names.last() != Some(&name) {
            names.push(name);
        }
    }
    if names.len() > 1 && names.first() == names.last() {
        names.pop();
    }
    let Some(first) = names.first().copied() else {
        return Error::DependencyCycle {
            cycle: String::new(),
        };
    };
    let cycle = if names.len() > CYCLE_NAMES_SHOWN {
        format!(
            "{} → …（共 {} 个任务）→ {first}",
            names[..CYCLE_NAMES_SHOWN].join(" → "),
            names.len()
        )
    } else {
        format!("{} → {first}", names.join(" → "))
    };
    Error::DependencyCycle { cycle }
}

/// The links between two tasks of `project`, by id (links to other projects' tasks left out).
pub(crate) fn links_within(
    conn: &rusqlite::Connection,
    project: crate::ids::ProjectId,
) -> Result<Vec<Dependency>> {
    // CROSS JOIN fixes the order: each task of the project, then its incoming links by
    // the successor index. With two `IN (subquery)` filters SQLite probed the
    // (predecessor, successor) index for every pair of tasks: 22 s at 10,000 tasks.
    let columns = Dependency::COLUMNS
        .split(", ")
        .map(|c| format!("d.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {columns} FROM tasks s \
         CROSS JOIN dependencies d ON d.successor_id = s.id \
         CROSS JOIN tasks p ON p.id = d.predecessor_id \
         WHERE s.project_id = ?1 AND p.project_id = ?1 ORDER BY d.id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let links = stmt
        .query_map([project], Dependency::from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(links)
}

/// The engine's view of stored links.
pub(crate) fn link_spec(d: &Dependency) -> LinkSpec {
    LinkSpec {
        predecessor: d.predecessor_id,
        successor: d.successor_id,
        kind: d.kind,
        lag_days: d.lag_days,
    }
}

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

// ---- A project's schedule, from the database ----

/// One task of a project's schedule, in WBS order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScheduleRow {
    pub id: TaskId,
    pub parent_id: Option<TaskId>,
    /// 0 for a top-level task.
    pub depth: usize,
    pub name: String,
    pub is_milestone: bool,
    pub is_summary: bool,
    pub duration_days: i64,
    pub early_start: NaiveDate,
    pub early_finish: NaiveDate,
    pub late_start: NaiveDate,
    pub late_finish: NaiveDate,
    pub total_float: i64,
    pub free_float: i64,
    pub critical: bool,
    pub done: bool,
}

/// One step of the critical path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CriticalStep {
    pub id: TaskId,
    pub name: String,
    pub is_milestone: bool,
    pub start: NaiveDate,
    pub finish: NaiveDate,
}

/// A project's recomputed schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProjectSchedule {
    pub code: String,
    pub name: String,
    /// Name of the working calendar the dates are counted in.
    pub calendar: String,
    /// None for a project without tasks and without a planned start.
    pub project_start: Option<NaiveDate>,
    pub project_finish: Option<NaiveDate>,
    pub rows: Vec<ScheduleRow>,
    /// Critical tasks and milestones, earliest first.
    pub critical_path: Vec<CriticalStep>,
}

/// Which way a date moved against the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Later,
    Earlier,
}

impl Direction {
    pub fn label_zh(self) -> &'static str {
        match self {
            Direction::Later => "推迟",
            Direction::Earlier => "提前",
        }
    }
}

/// Current against baseline dates of one task. Variances are in working days of the project's
/// calendar, positive when the current date is later. A task added since the baseline has no
/// baseline dates; one deleted since has no current dates; either way, no variance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TaskVariance {
    pub task_id: TaskId,
    pub name: String,
    pub is_milestone: bool,
    pub baseline_start: Option<NaiveDate>,
    pub baseline_finish: Option<NaiveDate>,
    pub current_start: Option<NaiveDate>,
    pub current_finish: Option<NaiveDate>,
    pub start_variance: Option<i64>,
    pub finish_variance: Option<i64>,
}

/// A milestone whose date moved since the baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MilestoneSlip {
    pub task_id: TaskId,
    pub name: String,
    pub baseline_date: NaiveDate,
    pub current_date: NaiveDate,
    pub direction: Direction,
    /// How far, in working days; always positive.
    pub working_days: i64,
}

/// A project's current schedule compared with one of its baselines.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BaselineDiff {
    pub code: String,
    pub name: String,
    pub baseline: Baseline,
    pub tasks: Vec<TaskVariance>,
    /// Milestones that moved, in schedule order.
    pub slips: Vec<MilestoneSlip>,
}

impl Db {
    /// Recomputes a project's schedule from its tasks, dependencies and working calendar.
    ///
    /// A task's planned start acts as "start no earlier than" (MS Project sets that constraint
    /// when a start date is typed in), so the schedule keeps the plan unless links or actual
    /// dates push it later. Tasks with actual dates keep them. The calendar is the project's;
    /// without one, the built-in China calendar. Links to tasks of other projects are left out.
    pub fn schedule(&self, code: &str) -> Result<ProjectSchedule> {
        let project = self.project_by_code(code)?;
        Ok(self.project_schedule(&project)?.0)
    }

    fn project_schedule(
        &self,
        project: &crate::model::Project,
    ) -> Result<(ProjectSchedule, Calendar)> {
        let (calendar_name, calendar) = self.calendar_of_project(project.id)?;
        let tasks = self.tasks_of(project.id)?;
        let links = links_within(self.conn(), project.id)?;
        let mut schedule = ProjectSchedule {
            code: project.code.clone(),
            name: project.name.clone(),
            calendar: calendar_name,
            project_start: None,
            project_finish: None,
            rows: Vec::new(),
            critical_path: Vec::new(),
        };
        let Some(start) = project
            .planned_start
            .or_else(|| tasks.iter().map(|t| t.planned_start).min())
        else {
            return Ok((schedule, calendar));
        };
        let specs: Vec<TaskSpec> = tasks.iter().map(task_spec).collect();
        let link_specs: Vec<LinkSpec> = links.iter().map(link_spec).collect();
        let computed = compute(&calendar, start, &specs, &link_specs)?;
        let by_id: HashMap<TaskId, &Task> = tasks.iter().map(|t| (t.id, t)).collect();
        let depth = |t: &Task| {
            let mut depth = 0;
            let mut next = t.parent_id;
            // Bounded: the engine has already refused a parent loop.
            while let Some(p) = next.and_then(|id| by_id.get(&id)) {
                depth += 1;
                next = p.parent_id;
                if depth > tasks.len() {
                    break;
                }
            }
            depth
        };
        schedule.rows = tasks
            .iter()
            .zip(&computed.tasks)
            .map(|(t, c)| ScheduleRow {
                id: t.id,
                parent_id: t.parent_id,
                depth: depth(t),
                name: t.name.clone(),
                is_milestone: t.is_milestone,
                is_summary: c.is_summary,
                duration_days: t.duration_days,
                early_start: c.early_start,
                early_finish: c.early_finish,
                late_start: c.late_start,
                late_finish: c.late_finish,
                total_float: c.total_float,
                free_float: c.free_float,
                critical: c.critical,
                done: c.done,
            })
            .collect();
        let rows_by_id: HashMap<TaskId, &ScheduleRow> =
            schedule.rows.iter().map(|r| (r.id, r)).collect();
        schedule.critical_path = computed
            .critical_path
            .iter()
            .filter_map(|id| rows_by_id.get(id))
            .map(|r| CriticalStep {
                id: r.id,
                name: r.name.clone(),
                is_milestone: r.is_milestone,
                start: r.early_start,
                finish: r.early_finish,
            })
            .collect();
        schedule.project_start = Some(computed.project_start);
        schedule.project_finish = Some(computed.project_finish);
        Ok((schedule, calendar))
    }

    /// Compares a project's current schedule with a baseline: `against` names it, by default
    /// the latest (by date taken, then by when it was saved). The slips are the milestones
    /// whose date moved since that baseline.
    pub fn baseline_diff(&self, code: &str, against: Option<&str>) -> Result<BaselineDiff> {
        let project = self.project_by_code(code)?;
        let sql = format!(
            "SELECT {} FROM baselines WHERE project_id = ?1 ORDER BY taken_on, id",
            Baseline::COLUMNS
        );
        let baselines: Vec<Baseline> = self
            .conn()
            .prepare_cached(&sql)?
            .query_map([project.id], Baseline::from_row)?
            .collect::<rusqlite::Result<_>>()?;
        let baseline = match against.map(str::trim) {
            Some(name) => baselines
                .iter()
                .find(|b| b.name == name)
                .cloned()
                .ok_or_else(|| Error::UnknownBaseline {
                    code: project.code.clone(),
                    name: name.to_owned(),
                    available: if baselines.is_empty() {
                        "无".to_owned()
                    } else {
                        baselines
                            .iter()
                            .map(|b| b.name.as_str())
                            .collect::<Vec<_>>()
                            .join("、")
                    },
                })?,
            None => baselines.last().cloned().ok_or_else(|| Error::NoBaseline {
                code: project.code.clone(),
            })?,
        };
        let saved = self.baseline_tasks(&baseline)?;
        let (schedule, calendar) = self.project_schedule(&project)?;
        let saved_by_id: HashMap<TaskId, &crate::model::BaselineTask> =
            saved.iter().map(|b| (b.task_id, b)).collect();
        let mut tasks = Vec::with_capacity(schedule.rows.len());
        let mut slips = Vec::new();
        for row in &schedule.rows {
            let base = saved_by_id.get(&row.id);
            let variance = |b: NaiveDate, c: NaiveDate| calendar.working_days_between(b, c);
            let finish_variance = base.map(|b| variance(b.planned_finish, row.early_finish));
            tasks.push(TaskVariance {
                task_id: row.id,
                name: row.name.clone(),
                is_milestone: row.is_milestone,
                baseline_start: base.map(|b| b.planned_start),
                baseline_finish: base.map(|b| b.planned_finish),
                current_start: Some(row.early_start),
                current_finish: Some(row.early_finish),
                start_variance: base.map(|b| variance(b.planned_start, row.early_start)),
                finish_variance,
            });
            if let (Some(b), Some(v)) = (base, finish_variance) {
                if row.is_milestone && v != 0 {
                    slips.push(MilestoneSlip {
                        task_id: row.id,
                        name: row.name.clone(),
                        baseline_date: b.planned_finish,
                        current_date: row.early_finish,
                        direction: if v > 0 {
                            Direction::Later
                        } else {
                            Direction::Earlier
                        },
                        working_days: v.abs(),
                    });
                }
            }
        }
        for b in &saved {
            if !schedule.rows.iter().any(|r| r.id == b.task_id) {
                tasks.push(TaskVariance {
                    task_id: b.task_id,
                    name: b.task_name.clone(),
                    is_milestone: b.is_milestone,
                    baseline_start: Some(b.planned_start),
                    baseline_finish: Some(b.planned_finish),
                    current_start: None,
                    current_finish: None,
                    start_variance: None,
                    finish_variance: None,
                });
            }
        }
        Ok(BaselineDiff {
            code: project.code,
            name: project.name,
            baseline,
            tasks,
            slips,
        })
    }
}

/// The engine's view of a stored task: its planned start holds it back unless it has begun.
pub(crate) fn task_spec(t: &Task) -> TaskSpec {
    let started = t.actual_start.is_some() || t.actual_finish.is_some();
    TaskSpec {
        id: t.id,
        name: t.name.clone(),
        duration_days: t.duration_days,
        is_milestone: t.is_milestone,
        parent: t.parent_id,
        constraint: (!started).then_some(Constraint::StartNoEarlierThan(t.planned_start)),
        actual_start: t.actual_start,
        actual_finish: t.actual_finish,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DayKind;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn task(id: i64, days: i64) -> TaskSpec {
        TaskSpec {
            id: TaskId(id),
            name: format!("任务{id}"),
            duration_days: days,
            is_milestone: days == 0,
            parent: None,
            constraint: None,
            actual_start: None,
            actual_finish: None,
        }
    }

    fn link(from: i64, to: i64, kind: LinkKind, lag: i64) -> LinkSpec {
        LinkSpec {
            predecessor: TaskId(from),
            successor: TaskId(to),
            kind,
            lag_days: lag,
        }
    }

    use LinkKind::{
        FinishToFinish as FF, FinishToStart as FS, StartToFinish as SF, StartToStart as SS,
    };

    /// Monday 2021-06-07; the standard week, no holidays.
    fn run(tasks: &[TaskSpec], links: &[LinkSpec]) -> Schedule {
        compute(&Calendar::standard(), d(2021, 6, 7), tasks, links).unwrap()
    }

    fn dates(s: &Schedule, i: usize) -> (NaiveDate, NaiveDate) {
        (s.tasks[i].early_start, s.tasks[i].early_finish)
    }

    #[test]
    fn a_one_day_task_finishes_on_its_start_day_and_fs_moves_to_the_next_working_day() {
        let s = run(
            &[task(1, 1), task(2, 5), task(3, 0)],
            &[link(1, 2, FS, 0), link(2, 3, FS, 0)],
        );
        assert_eq!(dates(&s, 0), (d(2021, 6, 7), d(2021, 6, 7)));
        // Tuesday to Monday: five working days over the weekend.
        assert_eq!(dates(&s, 1), (d(2021, 6, 8), d(2021, 6, 14)));
        // The milestone sits on its predecessor's finish day, not the next morning.
        assert_eq!(dates(&s, 2), (d(2021, 6, 14), d(2021, 6, 14)));
        assert_eq!(s.project_finish, d(2021, 6, 14));
        assert_eq!(s.critical_path, vec![TaskId(1), TaskId(2), TaskId(3)]);
    }

    #[test]
    fn all_four_link_kinds_with_lags_and_leads() {
        let tasks = [
            task(1, 3),
            task(2, 2),
            task(3, 2),
            task(4, 2),
            task(5, 2),
            task(6, 1),
        ];
        let s = run(
            &tasks,
            &[
                link(1, 2, SS, 1),  // starts a day after 1 starts
                link(1, 3, FF, 2),  // finishes two days after 1 finishes
                link(1, 4, SF, 4),  // finishes by 1's start + 4 days
                link(1, 5, FS, -1), // a day's lead: starts on 1's last day
                link(1, 6, FS, 2),  // two days' wait after 1
            ],
        );
        assert_eq!(dates(&s, 0), (d(2021, 6, 7), d(2021, 6, 9)));
        assert_eq!(dates(&s, 1), (d(2021, 6, 8), d(2021, 6, 9)));
        assert_eq!(dates(&s, 2), (d(2021, 6, 10), d(2021, 6, 11)));
        assert_eq!(dates(&s, 3), (d(2021, 6, 9), d(2021, 6, 10)));
        assert_eq!(dates(&s, 4), (d(2021, 6, 9), d(2021, 6, 10)));
        assert_eq!(dates(&s, 5), (d(2021, 6, 14), d(2021, 6, 14)));
    }

    #[test]
    fn milestones_sit_where_ms_project_puts_them() {
        // 1: two days Mon–Tue. 2: SS +0 from 1 (Monday morning). 3: SS +2 from 1 (the end of
        // Tuesday, not Wednesday morning). 4: FF +0 from 1 (Tuesday). 5: a task after milestone 4.
        let s = run(
            &[task(1, 2), task(2, 0), task(3, 0), task(4, 0), task(5, 1)],
            &[
                link(1, 2, SS, 0),
                link(1, 3, SS, 2),
                link(1, 4, FF, 0),
                link(4, 5, FS, 0),
            ],
        );
        assert_eq!(dates(&s, 1), (d(2021, 6, 7), d(2021, 6, 7)));
        assert_eq!(dates(&s, 2), (d(2021, 6, 8), d(2021, 6, 8)));
        assert_eq!(dates(&s, 3), (d(2021, 6, 8), d(2021, 6, 8)));
        assert_eq!(dates(&s, 4), (d(2021, 6, 9), d(2021, 6, 9)));
    }

    #[test]
    fn make_up_saturdays_are_worked_and_holidays_skipped() {
        let china = Calendar::china().unwrap();
        // Five days from Monday 2021-09-27: 27–30 and, after National Day, Friday 10-08.
        let s = compute(
            &china,
            d(2021, 9, 27),
            &[task(1, 5), task(2, 1)],
            &[link(1, 2, FS, 0)],
        )
        .unwrap();
        assert_eq!(dates(&s, 0), (d(2021, 9, 27), d(2021, 10, 8)));
        // The next working day is the make-up Saturday 10-09.
        assert_eq!(dates(&s, 1), (d(2021, 10, 9), d(2021, 10, 9)));
    }

    #[test]
    fn floats_and_the_critical_path() {
        // 1 (5d) and 2 (2d) in parallel, both before 3.
        let s = run(
            &[task(1, 5), task(2, 2), task(3, 1)],
            &[link(1, 3, FS, 0), link(2, 3, FS, 0)],
        );
        assert_eq!((s.tasks[1].total_float, s.tasks[1].free_float), (3, 3));
        assert_eq!(s.tasks[1].late_start, d(2021, 6, 10));
        assert_eq!(s.tasks[1].late_finish, d(2021, 6, 11));
        assert!(!s.tasks[1].critical);
        assert_eq!(s.critical_path, vec![TaskId(1), TaskId(3)]);
        // Free float is the slack before the next task moves; total float before the end moves.
        let s = run(&[task(1, 1), task(2, 1), task(3, 5)], &[link(1, 2, FS, 0)]);
        assert_eq!((s.tasks[0].total_float, s.tasks[0].free_float), (3, 0));
        assert_eq!((s.tasks[1].total_float, s.tasks[1].free_float), (3, 3));
    }

    #[test]
    fn summaries_roll_up_and_links_to_them_reach_their_children() {
        let mut child_a = task(2, 2);
        child_a.parent = Some(TaskId(1));
        let mut child_b = task(3, 3);
        child_b.parent = Some(TaskId(1));
        let tasks = [task(1, 99), child_a, child_b, task(4, 2), task(5, 1)];
        let s = run(
            &tasks,
            &[
                link(4, 1, FS, 0), // into the summary: both children wait for 4
                link(2, 3, SS, 1),
                link(1, 5, FS, 0), // out of the summary: after its last child
            ],
        );
        assert_eq!(dates(&s, 3), (d(2021, 6, 7), d(2021, 6, 8)));
        assert_eq!(dates(&s, 1), (d(2021, 6, 9), d(2021, 6, 10)));
        assert_eq!(dates(&s, 2), (d(2021, 6, 10), d(2021, 6, 14)));
        assert!(s.tasks[0].is_summary);
        assert_eq!(dates(&s, 0), (d(2021, 6, 9), d(2021, 6, 14)));
        assert_eq!(dates(&s, 4), (d(2021, 6, 15), d(2021, 6, 15)));
        assert!(s.tasks[0].critical);
        assert!(
            !s.critical_path.contains(&TaskId(1)),
            "summaries are not path steps"
        );
    }

    #[test]
    fn a_loop_is_refused_with_the_names_of_its_tasks() {
        let mut tasks = vec![task(1, 1), task(2, 1), task(3, 1), task(4, 1)];
        tasks[0].name = "桩基".into();
        tasks[1].name = "主体".into();
        tasks[2].name = "装修".into();
        let e = compute(
            &Calendar::standard(),
            d(2021, 6, 7),
            &tasks,
            &[
                link(4, 1, FS, 0),
                link(1, 2, FS, 0),
                link(2, 3, FS, 0),
                link(3, 1, SS, 0),
            ],
        )
        .unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::InvalidInput);
        let text = e.to_string();
        assert!(text.contains("桩基 → 主体 → 装修 → 桩基"), "{text}");
        assert!(!text.contains("任务4"), "{text}");
        // A task linked to itself, and a summary linked to its own child.
        let e = compute(
            &Calendar::standard(),
            d(2021, 6, 7),
            &tasks,
            &[link(2, 2, FS, 0)],
        )
        .unwrap_err();
        assert!(e.to_string().contains("主体 → 主体"), "{e}");
        tasks[1].parent = Some(TaskId(1));
        let e = compute(
            &Calendar::standard(),
            d(2021, 6, 7),
            &tasks,
            &[link(1, 2, FS, 0)],
        )
        .unwrap_err();
        assert!(matches!(e, Error::DependencyCycle { .. }), "{e}");
    }

    #[test]
    fn a_long_loop_is_found_without_recursion_and_abbreviated() {
        let n = 100_000;
        let tasks: Vec<TaskSpec> = (1..=n).map(|i| task(i, 1)).collect();
        let mut links: Vec<LinkSpec> = (1..n).map(|i| link(i, i + 1, FS, 0)).collect();
        // A chain of 100,000 schedules (deep enough to overflow any recursive pass)...
        let s = run(&tasks, &links);
        assert_eq!(s.critical_path.len(), n as usize);
        // ...and closed into a loop is named, shortened.
        links.push(link(n, 1, FS, 0));
        let e = run_err(&tasks, &links);
        assert!(e.contains("共 100000 个任务"), "{e}");
        assert!(e.len() < 600, "{e}");
    }

    fn run_err(tasks: &[TaskSpec], links: &[LinkSpec]) -> String {
        compute(&Calendar::standard(), d(2021, 6, 7), tasks, links)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn actual_dates_are_kept_and_push_successors() {
        let mut done = task(1, 3);
        done.actual_start = Some(d(2021, 6, 5)); // a Saturday, worked anyway
        done.actual_finish = Some(d(2021, 6, 10));
        let mut started = task(2, 4);
        started.actual_start = Some(d(2021, 6, 11));
        let s = run(
            &[done, started, task(3, 1)],
            &[link(1, 3, FS, 0), link(2, 3, FS, 0)],
        );
        assert_eq!(dates(&s, 0), (d(2021, 6, 5), d(2021, 6, 10)));
        assert!(s.tasks[0].done && !s.tasks[0].critical);
        assert_eq!(dates(&s, 1), (d(2021, 6, 11), d(2021, 6, 16)));
        assert_eq!(dates(&s, 2), (d(2021, 6, 17), d(2021, 6, 17)));
        assert_eq!(s.critical_path, vec![TaskId(2), TaskId(3)]);
    }

    #[test]
    fn constraints_hold_back_and_pin() {
        let mut later = task(1, 2);
        later.constraint = Some(Constraint::StartNoEarlierThan(d(2021, 6, 12))); // Saturday
        let mut pinned = task(2, 3);
        pinned.constraint = Some(Constraint::MustFinishOn(d(2021, 6, 9)));
        let s = run(&[later, pinned, task(3, 1)], &[link(1, 2, FS, 0)]);
        assert_eq!(dates(&s, 0), (d(2021, 6, 14), d(2021, 6, 15)));
        // Must-finish-on wins over the link, and the conflict shows as negative float.
        assert_eq!(dates(&s, 1), (d(2021, 6, 7), d(2021, 6, 9)));
        assert!(s.tasks[0].total_float < 0, "{:?}", s.tasks[0]);
        assert!(s.tasks[0].critical);
    }

    #[test]
    fn bad_input_is_refused() {
        let e = run_err(&[task(1, 1)], &[link(1, 9, FS, 0)]);
        assert!(e.contains('9'), "{e}");
        let e = run_err(&[task(1, 1), task(1, 2)], &[]);
        assert!(e.contains("唯一"), "{e}");
        let e = run_err(&[task(1, -1)], &[]);
        assert!(e.contains("工期"), "{e}");
        let e = run_err(&[task(1, 1), task(2, 1)], &[link(1, 2, FS, MAX_DAYS + 1)]);
        assert!(e.contains("延隔"), "{e}");
        let none = Calendar::with_week_pattern("0000000").unwrap();
        assert!(compute(&none, d(2021, 6, 7), &[task(1, 1)], &[]).is_err());
        let s = run(&[], &[]);
        assert!(s.tasks.is_empty() && s.critical_path.is_empty());
    }

    #[test]
    fn a_holiday_on_the_critical_path_moves_the_finish() {
        let mut cal = Calendar::standard();
        let s0 = compute(&cal, d(2021, 6, 7), &[task(1, 5)], &[]).unwrap();
        cal.set_exception(d(2021, 6, 9), DayKind::Holiday);
        let s1 = compute(&cal, d(2021, 6, 7), &[task(1, 5)], &[]).unwrap();
        assert_eq!(s0.project_finish, d(2021, 6, 11));
        assert_eq!(s1.project_finish, d(2021, 6, 14));
    }

    // ---- From the database ----

    use crate::Stamp;
    use chrono::DateTime;

    fn stamp() -> Stamp {
        Stamp::new(
            "测试",
            DateTime::parse_from_rfc3339("2021-06-11T09:00:00+08:00").unwrap(),
        )
        .unwrap()
    }

    fn seeded() -> Db {
        let mut db = Db::open_in_memory().unwrap();
        db.load_seed(&stamp()).unwrap();
        db
    }

    #[test]
    fn every_seeded_project_has_a_critical_path_and_no_negative_float() {
        let db = seeded();
        let projects = db.projects().unwrap();
        assert_eq!(projects.len(), 15);
        for p in projects {
            let s = db.schedule(&p.code).unwrap();
            assert!(!s.critical_path.is_empty(), "{}: no critical path", p.code);
            for r in &s.rows {
                assert!(r.total_float >= 0, "{} {}: {r:?}", p.code, r.name);
                assert!(r.free_float >= 0, "{} {}: {r:?}", p.code, r.name);
                assert!(r.early_start <= r.early_finish, "{} {r:?}", p.code);
            }
            for step in &s.critical_path {
                let row = s.rows.iter().find(|r| r.id == step.id).unwrap();
                assert!(row.critical && !row.is_summary && !row.done, "{row:?}");
            }
            assert_eq!(s.calendar, crate::plan::calendar::CHINA_CALENDAR_NAME);
            assert_eq!(s.rows.len(), db.tasks_of(p.id).unwrap().len());
        }
    }

    #[test]
    fn a_seeded_schedule_keeps_the_plan_where_nothing_pushes_it() {
        let db = seeded();
        let p = &db.projects().unwrap()[0];
        let s = db.schedule(&p.code).unwrap();
        for (row, t) in s.rows.iter().zip(db.tasks_of(p.id).unwrap()) {
            assert_eq!(row.name, t.name);
            if let Some(a) = t.actual_start {
                assert_eq!(row.early_start, a, "{}", t.name);
            }
            if !row.is_summary && t.actual_start.is_none() {
                assert!(row.early_start >= t.planned_start, "{}", t.name);
            }
        }
    }

    #[test]
    fn baseline_diff_measures_working_days_and_reports_moved_milestones() {
        let mut db = seeded();
        let p = db.projects().unwrap()[0].clone();
        let diff = db.baseline_diff(&p.code, None).unwrap();
        assert_eq!(diff.baseline.name, crate::store::seed::SEED_BASELINE);
        assert_eq!(diff.tasks.len(), db.tasks_of(p.id).unwrap().len());
        // Move a milestone out by hand: it is reported, in working days, as later.
        let milestone = db
            .tasks_of(p.id)
            .unwrap()
            .into_iter()
            .find(|t| t.is_milestone && t.actual_finish.is_none())
            .unwrap();
        let china = Calendar::china().unwrap();
        let new_day = china.add_working_days(milestone.planned_finish, 3).unwrap();
        db.conn()
            .execute(
                "UPDATE tasks SET planned_start = ?1, planned_finish = ?1 WHERE id = ?2",
                rusqlite::params![new_day, milestone.id],
            )
            .unwrap();
        let diff = db
            .baseline_diff(&p.code, Some(crate::store::seed::SEED_BASELINE))
            .unwrap();
        let slip = diff
            .slips
            .iter()
            .find(|s| s.task_id == milestone.id)
            .unwrap();
        assert_eq!(slip.direction, Direction::Later);
        assert!(slip.working_days >= 3, "{slip:?}");
        // A baseline saved now has the milestone where it is.
        db.save_baseline(&p.code, "第24周", d(2021, 6, 11), &stamp())
            .unwrap();
        let diff = db.baseline_diff(&p.code, None).unwrap();
        assert_eq!(diff.baseline.name, "第24周");
        assert!(
            diff.slips.iter().all(|s| s.task_id != milestone.id),
            "{:?}",
            diff.slips
        );
        // Unknown names list the ones there are.
        let e = db.baseline_diff(&p.code, Some("没有")).unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::NotFound);
        assert!(e.to_string().contains("第24周"), "{e}");
    }

    #[test]
    fn a_project_without_a_baseline_says_how_to_save_one() {
        let mut db = seeded();
        let p = db.projects().unwrap()[0].clone();
        db.conn()
            .execute_batch("DELETE FROM baseline_tasks; DELETE FROM baselines;")
            .unwrap();
        let e = db.baseline_diff(&p.code, None).unwrap_err();
        assert!(e.to_string().contains("baseline save"), "{e}");
        let _ = &mut db;
    }

    const YEAR_2027: &str = r#"{"year":2027,"papers":["示例"],"days":[
        {"name":"元旦","date":"2027-01-01","isOffDay":true},
        {"name":"春节","date":"2027-02-06","isOffDay":false},
        {"name":"春节","date":"2027-02-08","isOffDay":true}]}"#;

    #[test]
    fn importing_a_year_replaces_it_in_one_logged_transaction() {
        let mut db = seeded();
        let before = db.change_log(1).unwrap()[0].id;
        let imported = db
            .import_holiday_year(YEAR_2027, "2027.json", &stamp())
            .unwrap();
        assert_eq!(
            (imported.year, imported.holidays, imported.workdays),
            (2027, 2, 1)
        );
        assert!(!imported.created_calendar);
        let days = db.holiday_year(2027).unwrap();
        assert_eq!(days.len(), 3);
        assert_eq!(days[1].kind, DayKind::Workday);
        let logged = db.change_log(10).unwrap();
        assert_eq!(logged.iter().filter(|c| c.id > before).count(), 3);
        // Again: nothing changes, nothing is logged.
        db.import_holiday_year(YEAR_2027, "2027.json", &stamp())
            .unwrap();
        assert_eq!(db.change_log(1).unwrap()[0].id, logged[0].id);
        // A revised file replaces the year: 02-08 dropped, 02-09 added.
        let revised = YEAR_2027.replace("2027-02-08", "2027-02-09");
        let r = db
            .import_holiday_year(&revised, "2027.json", &stamp())
            .unwrap();
        assert_eq!(r.removed, 1);
        let dates: Vec<NaiveDate> = db
            .holiday_year(2027)
            .unwrap()
            .iter()
            .map(|x| x.date)
            .collect();
        assert_eq!(dates, [d(2027, 1, 1), d(2027, 2, 6), d(2027, 2, 9)]);
        // Re-importing the built-in 2018 keeps 2018-12-29, which 2019.json lists.
        let y2018 = include_str!("../../../../assets/holiday-cn/2018.json");
        db.import_holiday_year(y2018, "2018.json", &stamp())
            .unwrap();
        assert!(
            db.holiday_year(2018)
                .unwrap()
                .iter()
                .any(|x| x.date == d(2018, 12, 29))
        );
    }

    #[test]
    fn a_bad_holiday_file_changes_nothing() {
        let mut db = seeded();
        let before = db.change_log(1).unwrap()[0].id;
        for bad in [
            "{\"year\": 2027, \"days\": [",
            r#"{"year":2027,"papers":[],"days":[]}"#,
            r#"{"year":2027,"papers":[],"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true},{"name":"元旦","date":"2027-01-01","isOffDay":true}]}"#,
        ] {
            let e = db
                .import_holiday_year(bad, "2027.json", &stamp())
                .unwrap_err();
            assert_eq!(e.code(), crate::ErrorCode::InvalidInput, "{e}");
            assert!(e.to_string().contains("2027"), "{e}");
        }
        assert_eq!(db.change_log(1).unwrap()[0].id, before);
        assert!(db.holiday_year(2027).unwrap().is_empty());
    }

    #[test]
    fn a_database_without_the_china_calendar_gets_one_on_import() {
        let mut db = Db::open_in_memory().unwrap();
        assert_eq!(
            db.holiday_year(2021).unwrap().len(),
            Calendar::china().unwrap().exceptions_in_year(2021).len()
        );
        let r = db
            .import_holiday_year(YEAR_2027, "2027.json", &stamp())
            .unwrap();
        assert!(r.created_calendar);
        assert!(db.china_calendar_id().unwrap().is_some());
        assert_eq!(db.holiday_year(2027).unwrap().len(), 3);
        assert!(!db.holiday_year(2021).unwrap().is_empty());
    }
}
