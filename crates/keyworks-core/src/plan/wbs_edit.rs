//! Editing a project's WBS the way the Gantt view does: add, rename, indent, outdent and delete
//! tasks, move their planned dates, link them. Each edit is one transaction that writes the
//! change log for every row it touches.
//!
//! The WBS is kept as a pre-order list: `position` numbers a project's tasks 1, 2, 3… in display
//! order, and every task's descendants follow it directly. Summary tasks (tasks with children)
//! span their children: their planned dates, duration and % complete follow the children after
//! every edit, as in MS Project, so the bars on the Gantt never disagree with the rows beneath.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Deserialize;

use crate::audit::change_log::{Stamp, record};
use crate::error::{Error, Result};
use crate::ids::{ProjectId, TaskId};
use crate::model::{Dependency, LinkKind, Task};
use crate::plan::calendar::Calendar;
use crate::plan::cpm::{LinkSpec, check_acyclic};
use crate::plan::schedule::{link_spec, links_within, task_spec};
use crate::portfolio::projects::{NewTask, insert_dependency, insert_task};
use crate::store::db::Db;

/// A task or milestone as the user types it in. A milestone is due on `planned_finish`;
/// its `planned_start` is ignored.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TaskDraft {
    /// The summary task to put it under; `None` puts it at the top level.
    pub parent_id: Option<TaskId>,
    /// Insert it right after this task (and that task's subtasks), which must be under the
    /// same parent: a new task lands beside the one the user had selected. `None`: after the
    /// parent's last subtask, or last at the top level.
    #[serde(default)]
    pub after: Option<TaskId>,
    pub name: String,
    pub is_milestone: bool,
    pub planned_start: NaiveDate,
    pub planned_finish: NaiveDate,
    /// Acceptance criterion, mostly for milestones (e.g. 竣工验收备案).
    pub acceptance: String,
}

/// A project's tasks in display order, as read inside one transaction.
#[derive(Debug, Clone)]
struct Wbs {
    tasks: Vec<Task>,
}

impl Wbs {
    fn load(tx: &Transaction<'_>, project: ProjectId) -> Result<Wbs> {
        let sql = format!(
            "SELECT {} FROM tasks WHERE project_id = ?1 ORDER BY position, id",
            Task::COLUMNS
        );
        let mut stmt = tx.prepare_cached(&sql)?;
        let tasks = stmt
            .query_map([project], Task::from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Wbs { tasks })
    }

    fn index_of(&self, id: TaskId) -> Result<usize> {
        self.tasks
            .iter()
            .position(|t| t.id == id)
            .ok_or(Error::UnknownTask { id: id.0 })
    }

    /// One past the last descendant of the task at `index`.
    fn subtree_end(&self, index: usize) -> usize {
        let mut inside: HashSet<TaskId> = HashSet::from([self.tasks[index].id]);
        let mut end = index + 1;
        while let Some(t) = self.tasks.get(end) {
            match t.parent_id {
                Some(p) if inside.contains(&p) => {
                    inside.insert(t.id);
                    end += 1;
                }
                _ => break,
            }
        }
        end
    }

    fn has_children(&self, id: TaskId) -> bool {
        self.tasks.iter().any(|t| t.parent_id == Some(id))
    }

    fn renumber(&mut self) {
        for (i, t) in self.tasks.iter_mut().enumerate() {
            t.position = i as i64 + 1;
        }
    }

    /// Makes `start` and each of its ancestors span their children.
    fn roll_up_from(&mut self, start: Option<TaskId>, calendar: &Calendar) {
        let mut next = start;
        while let Some(id) = next {
            let children: Vec<&Task> = self
                .tasks
                .iter()
                .filter(|t| t.parent_id == Some(id))
                .collect();
            let Some(i) = self.tasks.iter().position(|t| t.id == id) else {
                break;
            };
            if let (Some(first), Some(last)) = (
                children.iter().map(|t| t.planned_start).min(),
                children.iter().map(|t| t.planned_finish).max(),
            ) {
                // Milestones weigh nothing: a summary is as complete as its work.
                let work: f64 = children.iter().map(|t| t.duration_days as f64).sum();
                let done: f64 = children
                    .iter()
                    .map(|t| t.duration_days as f64 * t.percent_complete)
                    .sum();
                let duration = calendar.working_days_inclusive(first, last);
                let summary = &mut self.tasks[i];
                summary.planned_start = first;
                summary.planned_finish = last;
                summary.duration_days = duration;
                if work > 0.0 {
                    summary.percent_complete = (done / work * 10.0).round() / 10.0;
                }
            }
            next = self.tasks[i].parent_id;
        }
    }
}

/// Makes every summary above the `moved` tasks of `project` span its children again, logging
/// each summary it changes: the one roll-up rule for any use case that moves task dates
/// inside its own transaction (the milestone CSV import as well as the Gantt's edits).
pub(crate) fn roll_up_summaries(
    tx: &Transaction<'_>,
    stamp: &Stamp,
    calendar: &Calendar,
    project: ProjectId,
    moved: &[TaskId],
) -> Result<()> {
    let before = Wbs::load(tx, project)?;
    let mut after = before.clone();
    for id in moved {
        let parent = after.tasks[after.index_of(*id)?].parent_id;
        after.roll_up_from(parent, calendar);
    }
    save(tx, stamp, &before, &after)
}

/// Puts a project's tasks back into one tree order: every task right after its parent or its
/// earlier siblings' subtrees, siblings in their current order (position, then id), numbered
/// 1..n. Two people who inserted tasks into one project offline each renumbered it their own
/// way; after their edits are merged this is the order both see. Logs each task it moves.
pub(crate) fn reorder_as_tree(
    tx: &Transaction<'_>,
    stamp: &Stamp,
    project: ProjectId,
) -> Result<()> {
    let before = Wbs::load(tx, project)?;
    let known: HashSet<TaskId> = before.tasks.iter().map(|t| t.id).collect();
    let mut children: HashMap<Option<TaskId>, Vec<&Task>> = HashMap::new();
    for t in &before.tasks {
        // A parent outside the project cannot be written through KeyWorks; such a task is
        // treated as top level rather than lost.
        let parent = t.parent_id.filter(|p| known.contains(p));
        children.entry(parent).or_default().push(t);
    }
    for list in children.values_mut() {
        list.sort_by_key(|t| (t.position, t.id));
    }
    let mut order: Vec<Task> = Vec::with_capacity(before.tasks.len());
    let mut stack: Vec<&Task> = children
        .get(&None)
        .map(|l| l.iter().rev().copied().collect())
        .unwrap_or_default();
    while let Some(t) = stack.pop() {
        order.push(t.clone());
        if let Some(kids) = children.get(&Some(t.id)) {
            stack.extend(kids.iter().rev().copied());
        }
    }
    let mut after = Wbs { tasks: order };
    after.renumber();
    save(tx, stamp, &before, &after)
}

/// Writes every difference between `before` and `after` (same project), logging each row:
/// updates first, then deletes, children before their parents.
fn save(tx: &Transaction<'_>, stamp: &Stamp, before: &Wbs, after: &Wbs) -> Result<()> {
    let old: HashMap<TaskId, &Task> = before.tasks.iter().map(|t| (t.id, t)).collect();
    let kept: HashSet<TaskId> = after.tasks.iter().map(|t| t.id).collect();
    let update_sql = format!(
        "UPDATE tasks SET parent_id = ?1, position = ?2, name = ?3, planned_start = ?4, \
         planned_finish = ?5, duration_days = ?6, percent_complete = ?7 WHERE id = ?8 RETURNING {}",
        Task::COLUMNS
    );
    for t in &after.tasks {
        let Some(was) = old.get(&t.id) else { continue };
        if *was == t {
            continue;
        }
        let row = tx.prepare_cached(&update_sql)?.query_row(
            params![
                t.parent_id,
                t.position,
                t.name,
                t.planned_start,
                t.planned_finish,
                t.duration_days,
                t.percent_complete,
                t.id
            ],
            Task::from_row,
        )?;
        record(tx, stamp, "tasks", t.id.0, Some(*was), Some(&row))?;
    }
    for gone in before.tasks.iter().rev().filter(|t| !kept.contains(&t.id)) {
        delete_links_of(tx, stamp, gone.id)?;
        tx.execute("DELETE FROM tasks WHERE id = ?1", [gone.id])?;
        record(tx, stamp, "tasks", gone.id.0, Some(gone), None)?;
    }
    Ok(())
}

fn delete_links_of(tx: &Transaction<'_>, stamp: &Stamp, task: TaskId) -> Result<()> {
    let sql = format!(
        "DELETE FROM dependencies WHERE predecessor_id = ?1 OR successor_id = ?1 RETURNING {}",
        Dependency::COLUMNS
    );
    let gone = tx
        .prepare_cached(&sql)?
        .query_map([task], Dependency::from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for d in &gone {
        record(
            tx,
            stamp,
            "dependencies",
            d.id.0,
            Some(d),
            None::<&Dependency>,
        )?;
    }
    Ok(())
}

fn project_of_task(tx: &Transaction<'_>, task: TaskId) -> Result<ProjectId> {
    tx.query_row("SELECT project_id FROM tasks WHERE id = ?1", [task], |r| {
        r.get(0)
    })
    .optional()?
    .ok_or(Error::UnknownTask { id: task.0 })
}

fn check_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid("任务名称", name, "不能为空，请填写名称"));
    }
    Ok(name.to_owned())
}

/// Planned start, finish and working-day duration of a task or milestone typed by the user.
fn planned_span(
    calendar: &Calendar,
    is_milestone: bool,
    start: NaiveDate,
    finish: NaiveDate,
) -> Result<(NaiveDate, NaiveDate, i64)> {
    if is_milestone {
        return Ok((finish, finish, 0));
    }
    if finish < start {
        return Err(Error::invalid(
            "计划完成日期",
            finish.to_string(),
            &format!("不能早于计划开始日期（{start}）"),
        ));
    }
    let days = calendar.working_days_inclusive(start, finish);
    if days == 0 {
        return Err(Error::invalid(
            "计划日期",
            format!("{start} 至 {finish}"),
            "这段时间全是休息日，请至少包含一个工作日",
        ));
    }
    Ok((start, finish, days))
}

impl Db {
    /// The working calendar a project's dates are counted on, with its name: the project's own,
    /// else this file's China calendar, else the built-in China calendar (China's arrangements
    /// ship with KeyWorks). Editing, scheduling and the report all count on this one.
    pub fn calendar_of_project(&self, project: ProjectId) -> Result<(String, Calendar)> {
        let own: Option<crate::ids::CalendarId> = self
            .conn()
            .query_row(
                "SELECT calendar_id FROM projects WHERE id = ?1",
                [project],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        match own.or(self.china_calendar_id()?) {
            Some(id) => {
                let name: Option<String> = self
                    .conn()
                    .query_row("SELECT name FROM calendars WHERE id = ?1", [id], |r| {
                        r.get(0)
                    })
                    .optional()?;
                Ok((name.unwrap_or_default(), self.calendar(id)?))
            }
            None => Ok((
                crate::plan::calendar::CHINA_CALENDAR_NAME.to_owned(),
                Calendar::china()?,
            )),
        }
    }

    /// The Gantt's edits of one task's project: reads the WBS inside one transaction, lets
    /// `edit` change a copy, then writes and logs every difference.
    /// `edit` also gets the project's links, for the edits that must not make a loop.
    fn edit_wbs_of_task<R>(
        &mut self,
        id: TaskId,
        stamp: &Stamp,
        edit: impl FnOnce(&mut Wbs, &Calendar, &[LinkSpec]) -> Result<R>,
    ) -> Result<R> {
        let calendar = self.calendar_of_task(id)?;
        self.write_tx(|tx| {
            let project = project_of_task(tx, id)?;
            let before = Wbs::load(tx, project)?;
            let links: Vec<LinkSpec> = links_within(tx, project)?.iter().map(link_spec).collect();
            let mut after = before.clone();
            let answer = edit(&mut after, &calendar, &links)?;
            save(tx, stamp, &before, &after)?;
            Ok(answer)
        })
    }

    fn calendar_of_task(&self, task: TaskId) -> Result<Calendar> {
        Ok(self.calendar_of_project(self.task(task)?.project_id)?.1)
    }

    /// Adds a task or milestone to the project with this code: under `draft.parent_id`, after
    /// that summary's last descendant, or last at the top level.
    pub fn add_task(&mut self, code: &str, draft: &TaskDraft, stamp: &Stamp) -> Result<Task> {
        let name = check_name(&draft.name)?;
        let project = self.project_by_code(code)?;
        let (_, calendar) = self.calendar_of_project(project.id)?;
        let (start, finish, duration) = planned_span(
            &calendar,
            draft.is_milestone,
            draft.planned_start,
            draft.planned_finish,
        )?;
        self.write_tx(|tx| {
            let before = Wbs::load(tx, project.id)?;
            let parent_end = match draft.parent_id {
                None => before.tasks.len(),
                Some(parent) => {
                    let i = before.index_of(parent).map_err(|_| {
                        Error::invalid(
                            "上级任务",
                            parent.to_string(),
                            &format!("不是项目 {} 的任务", project.code),
                        )
                    })?;
                    if before.tasks[i].is_milestone {
                        return Err(Error::invalid(
                            "上级任务",
                            before.tasks[i].name.clone(),
                            "里程碑不能有下级任务，请选择一个任务作为上级",
                        ));
                    }
                    before.subtree_end(i)
                }
            };
            let at = match draft.after {
                None => parent_end,
                Some(sibling) => {
                    let i = before.index_of(sibling).map_err(|_| {
                        Error::invalid(
                            "插入位置",
                            sibling.to_string(),
                            &format!("不是项目 {} 的任务", project.code),
                        )
                    })?;
                    if before.tasks[i].parent_id != draft.parent_id {
                        return Err(Error::invalid(
                            "插入位置",
                            before.tasks[i].name.clone(),
                            "新任务只能插在同一上级的任务之后，请重新选择上级任务",
                        ));
                    }
                    before.subtree_end(i)
                }
            };
            // Make room: everything from `at` on moves one place down.
            let mut shifted = before.clone();
            for (i, t) in shifted.tasks.iter_mut().enumerate() {
                t.position = if i < at { i as i64 + 1 } else { i as i64 + 2 };
            }
            save(tx, stamp, &before, &shifted)?;
            let task = insert_task(
                tx,
                stamp,
                project.id,
                &NewTask {
                    parent_id: draft.parent_id,
                    position: at as i64 + 1,
                    name: name.clone(),
                    is_milestone: draft.is_milestone,
                    planned_start: start,
                    planned_finish: finish,
                    duration_days: duration,
                    percent_complete: 0.0,
                    actual_start: None,
                    actual_finish: None,
                    acceptance: draft.acceptance.trim().to_owned(),
                },
            )?;
            let mut after = shifted.clone();
            after.tasks.insert(at, task.clone());
            after.roll_up_from(draft.parent_id, &calendar);
            save(tx, stamp, &shifted, &after)?;
            Ok(task)
        })
    }

    pub fn rename_task(&mut self, id: TaskId, name: &str, stamp: &Stamp) -> Result<Task> {
        let name = check_name(name)?;
        self.write_tx(|tx| {
            let project = project_of_task(tx, id)?;
            let before = Wbs::load(tx, project)?;
            let mut after = before.clone();
            let i = after.index_of(id)?;
            after.tasks[i].name = name;
            save(tx, stamp, &before, &after)?;
            Ok(after.tasks[i].clone())
        })
    }

    /// Moves a task's planned dates (dragging its bar, or either end of it). A milestone is
    /// due on `finish`. Summary tasks follow their children and cannot be moved themselves.
    pub fn move_task(
        &mut self,
        id: TaskId,
        start: NaiveDate,
        finish: NaiveDate,
        stamp: &Stamp,
    ) -> Result<Task> {
        self.edit_wbs_of_task(id, stamp, |after, calendar, _| {
            let i = after.index_of(id)?;
            if after.has_children(id) {
                return Err(Error::invalid(
                    "任务",
                    after.tasks[i].name.clone(),
                    "摘要任务的日期由其下级任务决定，请移动下级任务",
                ));
            }
            let (s, f, d) = planned_span(calendar, after.tasks[i].is_milestone, start, finish)?;
            let t = &mut after.tasks[i];
            t.planned_start = s;
            t.planned_finish = f;
            t.duration_days = d;
            let parent = t.parent_id;
            after.roll_up_from(parent, calendar);
            Ok(after.tasks[i].clone())
        })
    }

    /// Where a task lands when its bar is dragged to start on `start`: the first working day
    /// on or after it, and the same number of working days as before (MS Project's move), so
    /// a bar dragged across a holiday keeps its length in work, not in calendar days. The
    /// Gantt's drag preview asks this while dragging, and `shift_task` saves exactly it.
    pub fn shifted_span(&self, id: TaskId, start: NaiveDate) -> Result<(NaiveDate, NaiveDate)> {
        let task = self.task(id)?;
        let calendar = self.calendar_of_task(id)?;
        shift_span(&calendar, &task, start)
    }

    /// Moves a task's bar to start on `start`, keeping its working-day duration (see
    /// `shifted_span`). Summary tasks follow their children and cannot be moved themselves.
    pub fn shift_task(&mut self, id: TaskId, start: NaiveDate, stamp: &Stamp) -> Result<Task> {
        let (s, f) = self.shifted_span(id, start)?;
        self.move_task(id, s, f, stamp)
    }

    /// Makes a task the last child of the sibling above it.
    /// Refused when the move would make a dependency loop (a task indented under its own
    /// predecessor, say).
    pub fn indent_task(&mut self, id: TaskId, stamp: &Stamp) -> Result<Task> {
        self.edit_wbs_of_task(id, stamp, |after, calendar, links| {
            let i = after.index_of(id)?;
            let parent = after.tasks[i].parent_id;
            let sibling = after.tasks[..i]
                .iter()
                .rev()
                .find(|t| t.parent_id == parent)
                .ok_or_else(|| {
                    Error::invalid(
                        "任务",
                        after.tasks[i].name.clone(),
                        "上方没有同级任务，无法降级",
                    )
                })?;
            if sibling.is_milestone {
                return Err(Error::invalid(
                    "任务",
                    after.tasks[i].name.clone(),
                    &format!("上方的「{}」是里程碑，里程碑不能有下级任务", sibling.name),
                ));
            }
            let (new_parent, parent_name) = (sibling.id, sibling.name.clone());
            // A file that already holds a loop (from before loops were refused) is not made
            // any less schedulable by an indent, so only a new loop is refused.
            let was_schedulable = acyclic(links, after).is_ok();
            after.tasks[i].parent_id = Some(new_parent);
            // A summary spans its subtasks, so a link between the two (or between their
            // relatives) becomes a loop that no schedule can satisfy: refuse it before saving.
            if let (true, Err(Error::DependencyCycle { cycle })) =
                (was_schedulable, acyclic(links, after))
            {
                return Err(Error::WouldLoop {
                    action: format!("降级「{}」", after.tasks[i].name),
                    why: format!("降到「{parent_name}」之下会与已有依赖构成循环（{cycle}）"),
                    fix: "请先删除二者之间的依赖再降级".to_owned(),
                });
            }
            after.roll_up_from(Some(new_parent), calendar);
            Ok(after.tasks[i].clone())
        })
    }

    /// Makes a task a sibling of its parent, placed (with its own subtasks) right after the
    /// parent's remaining subtasks.
    pub fn outdent_task(&mut self, id: TaskId, stamp: &Stamp) -> Result<Task> {
        self.edit_wbs_of_task(id, stamp, |after, calendar, _| {
            let i = after.index_of(id)?;
            let Some(old_parent) = after.tasks[i].parent_id else {
                return Err(Error::invalid(
                    "任务",
                    after.tasks[i].name.clone(),
                    "已是最上级任务，无法升级",
                ));
            };
            let end = after.subtree_end(i);
            let block: Vec<Task> = after.tasks.drain(i..end).collect();
            let p = after.index_of(old_parent)?;
            let insert_at = after.subtree_end(p);
            let grandparent = after.tasks[p].parent_id;
            after.tasks.splice(insert_at..insert_at, block);
            after.tasks[insert_at].parent_id = grandparent;
            after.renumber();
            after.roll_up_from(Some(old_parent), calendar);
            Ok(after.tasks[insert_at].clone())
        })
    }

    /// Deletes a task with all its subtasks and every dependency that touches them.
    /// Returns how many tasks were deleted.
    pub fn delete_task(&mut self, id: TaskId, stamp: &Stamp) -> Result<usize> {
        self.edit_wbs_of_task(id, stamp, |after, calendar, _| {
            let i = after.index_of(id)?;
            let parent = after.tasks[i].parent_id;
            let end = after.subtree_end(i);
            let removed = after.tasks.drain(i..end).count();
            after.renumber();
            after.roll_up_from(parent, calendar);
            Ok(removed)
        })
    }

    /// Links two tasks of the same project. Refuses a link that would make a loop, or that
    /// joins a summary task to one of its own subtasks.
    pub fn add_dependency(
        &mut self,
        predecessor: TaskId,
        successor: TaskId,
        kind: LinkKind,
        lag_days: i64,
        stamp: &Stamp,
    ) -> Result<Dependency> {
        let link = format!("{predecessor}→{successor}");
        self.write_tx(|tx| {
            let project = project_of_task(tx, predecessor)?;
            if project_of_task(tx, successor)? != project {
                return Err(Error::invalid("依赖", link, "只能连接同一项目中的任务"));
            }
            let wbs = Wbs::load(tx, project)?;
            for (a, b) in [(predecessor, successor), (successor, predecessor)] {
                let i = wbs.index_of(a)?;
                if wbs.tasks[i + 1..wbs.subtree_end(i)]
                    .iter()
                    .any(|t| t.id == b)
                {
                    return Err(Error::invalid("依赖", link, "摘要任务不能与其下级任务相连"));
                }
            }
            // The engine's own reading (links to a summary reach its subtasks), so that every
            // loop it would meet is refused here, not stored.
            let mut links: Vec<LinkSpec> =
                links_within(tx, project)?.iter().map(link_spec).collect();
            let was_schedulable = acyclic(&links, &wbs).is_ok();
            links.push(LinkSpec {
                predecessor,
                successor,
                kind,
                lag_days,
            });
            if let (true, Err(Error::DependencyCycle { cycle })) =
                (was_schedulable, acyclic(&links, &wbs))
            {
                return Err(Error::WouldLoop {
                    action: format!("添加依赖 {link}"),
                    why: format!("会形成循环依赖（{cycle}）"),
                    fix: "请改连其他任务，或先删除构成循环的依赖".to_owned(),
                });
            }
            insert_dependency(tx, stamp, predecessor, successor, kind, lag_days)
        })
    }

    pub fn delete_dependency(
        &mut self,
        id: crate::ids::DependencyId,
        stamp: &Stamp,
    ) -> Result<Dependency> {
        self.write_tx(|tx| {
            let sql = format!(
                "DELETE FROM dependencies WHERE id = ?1 RETURNING {}",
                Dependency::COLUMNS
            );
            let gone = tx
                .query_row(&sql, [id], Dependency::from_row)
                .optional()?
                .ok_or_else(|| Error::invalid("依赖", id.to_string(), "该依赖不存在或已删除"))?;
            record(tx, stamp, "dependencies", id.0, Some(&gone), None)?;
            Ok(gone)
        })
    }
}

/// The engine's loop check on a WBS as it would be saved.
fn acyclic(links: &[LinkSpec], wbs: &Wbs) -> Result<()> {
    let specs: Vec<_> = wbs.tasks.iter().map(task_spec).collect();
    check_acyclic(&specs, links)
}

/// The one rule of a dragged bar: it starts on the first working day on or after `start` and
/// lasts as many working days as before; a milestone sits on the working day it lands on.
fn shift_span(
    calendar: &Calendar,
    task: &Task,
    start: NaiveDate,
) -> Result<(NaiveDate, NaiveDate)> {
    let out_of_reach = || {
        Error::invalid(
            "开始日期",
            start.to_string(),
            "超出日历范围，请选择更近的日期",
        )
    };
    let first = if calendar.is_working_day(start) {
        start
    } else {
        calendar.next_working_day(start).ok_or_else(out_of_reach)?
    };
    if task.is_milestone {
        return Ok((first, first));
    }
    let finish = calendar
        .add_working_days(first, task.duration_days.max(1) - 1)
        .ok_or_else(out_of_reach)?;
    Ok((first, finish))
}
