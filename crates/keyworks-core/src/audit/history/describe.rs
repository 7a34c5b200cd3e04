//! What one edit did, in words: the verb (标记完成, 降级, 替换周报 …), the project and the thing
//! it was done to, and each changed field with names instead of ids. Worked out from the
//! change log's rows alone, the record `verify` checks, so the words always agree with it and
//! files written before these words existed read the same way.

use std::collections::HashMap;

use rusqlite::OptionalExtension;
use serde::Serialize;
use serde_json::{Map, Value};

use super::names::Names;
use super::words::{Lang, field_label, plain, quoted, value_text, week_text};
use crate::error::Result;

/// What an edit did, as its verb. Worked out from the rows it wrote (see [`describe`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    CreateFile,
    ImportProject,
    AddTask,
    AddMilestone,
    AddTasks,
    ImportMilestones,
    Rename,
    Reschedule,
    Indent,
    Outdent,
    Reorder,
    DeleteTask,
    CompleteMilestone,
    CompleteMilestones,
    AddLink,
    DeleteLink,
    FileUpdate,
    ReviseUpdate,
    ReplaceUpdate,
    SetTarget,
    SaveBaseline,
    ChangeCalendar,
    Restore,
    BreakLock,
    Undo,
    Edit,
}

impl Action {
    pub fn verb(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Action::CreateFile => ("创建文件", "created the file"),
            Action::ImportProject => ("新建项目", "created project"),
            Action::AddTask => ("添加任务", "added task"),
            Action::AddMilestone => ("添加里程碑", "added milestone"),
            Action::AddTasks => ("添加任务", "added tasks"),
            Action::ImportMilestones => ("导入里程碑", "imported milestones"),
            Action::Rename => ("重命名", "renamed"),
            Action::Reschedule => ("调整日期", "rescheduled"),
            Action::Indent => ("降级", "indented"),
            Action::Outdent => ("升级", "outdented"),
            Action::Reorder => ("调整顺序", "reordered"),
            Action::DeleteTask => ("删除任务", "deleted task"),
            Action::CompleteMilestone => ("标记完成", "marked done"),
            Action::CompleteMilestones => ("批量标记完成", "marked done"),
            Action::AddLink => ("添加依赖", "linked"),
            Action::DeleteLink => ("删除依赖", "unlinked"),
            Action::FileUpdate => ("填报周报", "filed weekly update"),
            Action::ReviseUpdate => ("修改周报", "revised weekly update"),
            Action::ReplaceUpdate => ("替换周报", "replaced weekly update"),
            Action::SetTarget => ("更新指标", "updated target"),
            Action::SaveBaseline => ("保存基线", "saved baseline"),
            Action::ChangeCalendar => ("修改日历", "changed calendar"),
            Action::Restore => ("从备份恢复", "restored from backup"),
            Action::BreakLock => ("解除编辑锁", "broke the edit lock"),
            Action::Undo => ("撤销", "undid"),
            Action::Edit => ("修改", "changed"),
        };
        lang.pick(zh, en)
    }
}

/// What kind of row a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Portfolio,
    Project,
    Task,
    Milestone,
    Target,
    Dependency,
    WeeklyUpdate,
    Baseline,
    BaselineTask,
    Calendar,
    CalendarException,
    InvestmentPlan,
    InvestmentMonth,
    Approval,
    Problem,
    Photo,
    File,
    Other,
}

impl SubjectKind {
    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            SubjectKind::Portfolio => ("项目集", "portfolio"),
            SubjectKind::Project => ("项目", "project"),
            SubjectKind::Task => ("任务", "task"),
            SubjectKind::Milestone => ("里程碑", "milestone"),
            SubjectKind::Target => ("指标", "target"),
            SubjectKind::Dependency => ("依赖", "dependency"),
            SubjectKind::InvestmentPlan => ("投资计划", "investment plan"),
            SubjectKind::InvestmentMonth => ("月度完成投资", "monthly investment"),
            SubjectKind::Approval => ("前期手续", "approval"),
            SubjectKind::Problem => ("问题", "problem"),
            SubjectKind::Photo => ("照片", "photo"),
            SubjectKind::WeeklyUpdate => ("周报", "weekly update"),
            SubjectKind::Baseline => ("基线", "baseline"),
            SubjectKind::BaselineTask => ("基线任务", "baseline task"),
            SubjectKind::Calendar => ("日历", "calendar"),
            SubjectKind::CalendarException => ("日历例外", "calendar exception"),
            SubjectKind::File => ("文件", "file"),
            SubjectKind::Other => ("", ""),
        };
        lang.pick(zh, en)
    }
}

/// A project as the history names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProjectName {
    pub code: String,
    pub name: String,
}

/// One change-log row as read for the history.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LogRow {
    pub id: i64,
    pub op: String,
    pub table: String,
    pub row_id: i64,
    pub changes: Map<String, Value>,
}

impl LogRow {
    fn pair(&self, field: &str) -> Option<(&Value, &Value)> {
        match self.changes.get(field)?.as_array()?.as_slice() {
            [b, a] => Some((b, a)),
            _ => None,
        }
    }

    /// The field's value on the side that exists: after for inserts and updates, before for deletes.
    fn value(&self, field: &str) -> Option<&Value> {
        let (b, a) = self.pair(field)?;
        Some(if self.op == "delete" { b } else { a })
    }

    fn text(&self, field: &str) -> String {
        self.value(field).map(plain).unwrap_or_default()
    }

    fn id_field(&self, field: &str) -> Option<i64> {
        self.value(field).and_then(Value::as_i64)
    }

    fn changed(&self, field: &str) -> bool {
        self.op == "update" && self.pair(field).is_some()
    }

    /// An update that only renumbered the row (the WBS order shifting around an edit).
    fn only_reordered(&self) -> bool {
        self.op == "update" && self.changes.keys().all(|k| k == "position")
    }
}

/// One row of an edit, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RowChange {
    /// The change-log row.
    pub log_id: i64,
    /// `insert`, `update` or `delete`, as the log stores it.
    pub op: String,
    pub table: String,
    pub row_id: i64,
    pub kind: SubjectKind,
    /// 任务 / task …
    pub kind_label: String,
    /// The row's name (a task's, a week's …), empty when it has none.
    pub subject: String,
    pub fields: Vec<FieldChange>,
}

/// One changed field, labelled, its values as a reader reads them (empty: no value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldChange {
    pub field: String,
    pub label: String,
    pub before: String,
    pub after: String,
}

/// An edit's gist: verb, subject, project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Gist {
    pub action: Action,
    pub verb: String,
    /// What it was done to, e.g. 里程碑「竣工验收备案」 or 「桩基施工」→「桩基及承台施工」.
    pub subject: String,
    /// The one project every row belongs to; None when none or several.
    pub project: Option<ProjectName>,
    /// Verb and subject as one phrase: 删除任务「桩基施工」, 标记完成 里程碑「竣工验收备案」.
    pub text: String,
}

impl Gist {
    pub(crate) fn new(
        action: Action,
        subject: String,
        project: Option<ProjectName>,
        lang: Lang,
    ) -> Gist {
        let verb = action.verb(lang).to_owned();
        let text = phrase(lang, &verb, &subject);
        Gist {
            action,
            verb,
            subject,
            project,
            text,
        }
    }
}

/// A verb and its object: no space before a Chinese quotation mark, one otherwise.
pub(crate) fn phrase(lang: Lang, verb: &str, subject: &str) -> String {
    if subject.is_empty() {
        verb.to_owned()
    } else if lang == Lang::Zh && subject.starts_with('「') {
        format!("{verb}{subject}")
    } else {
        format!("{verb} {subject}")
    }
}

/// The rows of one edit as read for describing it: the first rows (in the order written) and
/// how many rows the edit wrote of each table and operation.
pub(crate) struct GroupRows {
    pub rows: Vec<LogRow>,
    pub counts: HashMap<(String, String), u64>,
}

impl GroupRows {
    fn count(&self, table: &str, op: &str) -> u64 {
        self.counts
            .get(&(table.to_owned(), op.to_owned()))
            .copied()
            .unwrap_or(0)
    }

    fn any(&self, table: &str) -> bool {
        self.counts.keys().any(|(t, _)| t == table)
    }

    fn first(&self, table: &str, op: &str) -> Option<&LogRow> {
        self.rows.iter().find(|r| r.table == table && r.op == op)
    }
}

fn kind_of(row: &LogRow, names: &mut Names<'_>) -> Result<SubjectKind> {
    Ok(match row.table.as_str() {
        "portfolio" => SubjectKind::Portfolio,
        "projects" => SubjectKind::Project,
        "tasks" => {
            let logged = row.value("is_milestone").and_then(Value::as_bool);
            let milestone = match logged {
                Some(m) => m,
                None => names.task(row.row_id)?.is_some_and(|t| t.is_milestone),
            };
            if milestone {
                SubjectKind::Milestone
            } else {
                SubjectKind::Task
            }
        }
        "targets" => SubjectKind::Target,
        "dependencies" => SubjectKind::Dependency,
        "weekly_updates" => SubjectKind::WeeklyUpdate,
        "baselines" => SubjectKind::Baseline,
        "baseline_tasks" => SubjectKind::BaselineTask,
        "calendars" => SubjectKind::Calendar,
        "calendar_exceptions" => SubjectKind::CalendarException,
        "investment_plans" => SubjectKind::InvestmentPlan,
        "investment_months" => SubjectKind::InvestmentMonth,
        "approvals" => SubjectKind::Approval,
        "problems" => SubjectKind::Problem,
        "photos" => SubjectKind::Photo,
        "database" | "edit_lock" => SubjectKind::File,
        _ => SubjectKind::Other,
    })
}

/// The row's own name, and the project it belongs to.
fn subject_of(
    row: &LogRow,
    lang: Lang,
    names: &mut Names<'_>,
) -> Result<(String, Option<ProjectName>)> {
    let logged_project = row.id_field("project_id");
    let (subject, project) = match row.table.as_str() {
        "portfolio" => {
            // An update (a threshold) does not repeat the name: read it from the row.
            let logged = row.text("name");
            let name = if logged.is_empty() {
                names
                    .conn
                    .prepare_cached("SELECT name FROM portfolio WHERE id = 1")?
                    .query_row([], |r| r.get(0))
                    .optional()?
                    .unwrap_or_default()
            } else {
                logged
            };
            (name, None)
        }
        "projects" => {
            let p = names.project(row.row_id)?;
            let name = p
                .as_ref()
                .map(|p| p.name.clone())
                .unwrap_or_else(|| row.text("name"));
            (name, Some(row.row_id))
        }
        "tasks" => {
            let t = names.task(row.row_id)?;
            let name = match (&t, row.op.as_str()) {
                // A deleted task is named as it was when deleted.
                (_, "delete") | (None, _) => row.text("name"),
                (Some(t), _) => t.name.clone(),
            };
            (name, t.and_then(|t| t.project).or(logged_project))
        }
        "dependencies" => {
            let pred = row.id_field("predecessor_id");
            let succ = row.id_field("successor_id");
            let (p, s) = match (pred, succ) {
                (Some(p), Some(s)) => (Some(p), Some(s)),
                // An update records only the lag or kind: name the link from the current row.
                _ => names
                    .conn
                    .prepare_cached(
                        "SELECT predecessor_id, successor_id FROM dependencies WHERE id = ?1",
                    )?
                    .query_row([row.row_id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?
                    .map_or((None, None), |(p, s)| (Some(p), Some(s))),
            };
            let project = match s {
                Some(s) => names.task(s)?.and_then(|t| t.project),
                None => None,
            };
            let subject = match (p, s) {
                (Some(_), Some(_)) => format!(
                    "{}→{}",
                    quoted(lang, &names.task_name(p)?),
                    quoted(lang, &names.task_name(s)?)
                ),
                _ => format!("#{}", row.row_id),
            };
            return Ok((subject, project_name(names, project)?));
        }
        "weekly_updates" => {
            let current = names
                .conn
                .prepare_cached("SELECT iso_week, project_id FROM weekly_updates WHERE id = ?1")?
                .query_row([row.row_id], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
                })
                .optional()?;
            let week = current
                .as_ref()
                .map(|c| c.0.clone())
                .unwrap_or_else(|| row.text("iso_week"));
            (
                week_text(lang, &week),
                current.map(|c| c.1).or(logged_project),
            )
        }
        "investment_plans" | "investment_months" | "approvals" | "problems" => {
            let (key, owner) = match row.table.as_str() {
                "investment_plans" => (
                    "year",
                    "SELECT CAST(year AS TEXT), project_id FROM investment_plans WHERE id = ?1",
                ),
                "approvals" => (
                    "item",
                    "SELECT item, project_id FROM approvals WHERE id = ?1",
                ),
                "problems" => (
                    "problem",
                    "SELECT problem, project_id FROM problems WHERE id = ?1",
                ),
                _ => (
                    "month",
                    "SELECT month, project_id FROM investment_months WHERE id = ?1",
                ),
            };
            let current = names
                .conn
                .prepare_cached(owner)?
                .query_row([row.row_id], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
                })
                .optional()?;
            let period = match &current {
                Some((p, _)) => p.clone(),
                None => plain(row.value(key).unwrap_or(&Value::Null)),
            };
            let subject = match (key, lang) {
                ("year", Lang::Zh) => format!("{period}年"),
                _ => period,
            };
            (subject, current.map(|c| c.1).or(logged_project))
        }
        "targets" | "baselines" => {
            let table = row.table.as_str();
            let current = names
                .conn
                .prepare_cached(&format!(
                    "SELECT name, project_id FROM {table} WHERE id = ?1"
                ))?
                .query_row([row.row_id], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
                })
                .optional()?;
            match current {
                Some((name, project)) => (name, Some(project)),
                None => (row.text("name"), logged_project),
            }
        }
        "baseline_tasks" => (row.text("task_name"), None),
        "calendars" => (row.text("name"), None),
        "calendar_exceptions" => (
            format!("{} {}", row.text("date"), row.text("name"))
                .trim()
                .to_owned(),
            None,
        ),
        "photos" => {
            let update = row.id_field("update_id");
            (row.text("file_name"), names.project_of_update(update)?)
        }
        "database" => (row.text("restored_from"), None),
        "edit_lock" => {
            let holder = row.value("holder").cloned().unwrap_or(Value::Null);
            let user = holder.get("user").map(plain).unwrap_or_default();
            let machine = holder.get("machine").map(plain).unwrap_or_default();
            (
                match lang {
                    Lang::Zh => format!("{user}（{machine}）"),
                    Lang::En => format!("{user} ({machine})"),
                },
                None,
            )
        }
        other => (other.to_owned(), None),
    };
    Ok((subject, project_name(names, project)?))
}

fn project_name(names: &mut Names<'_>, id: Option<i64>) -> Result<Option<ProjectName>> {
    match id {
        Some(id) => names.project(id),
        None => Ok(None),
    }
}

/// Fields that name other rows: shown as their names.
fn shown_value(lang: Lang, field: &str, v: &Value, names: &mut Names<'_>) -> Result<String> {
    Ok(match field {
        "parent_id" => match v.as_i64() {
            Some(id) => quoted(lang, &names.task_name(Some(id))?),
            None => lang.pick("（最上级）", "(top level)").to_owned(),
        },
        "predecessor_id" | "successor_id" => match v.as_i64() {
            Some(id) => quoted(lang, &names.task_name(Some(id))?),
            None => String::new(),
        },
        "holder" => String::new(),
        _ => value_text(lang, field, v),
    })
}

/// One row in words: its kind, name and labelled fields (bookkeeping fields left out).
pub(crate) fn row_change(row: &LogRow, lang: Lang, names: &mut Names<'_>) -> Result<RowChange> {
    let kind = kind_of(row, names)?;
    let (subject, _) = subject_of(row, lang, names)?;
    let mut fields = Vec::new();
    for (field, pair) in &row.changes {
        let Some(label) = field_label(lang, field) else {
            continue;
        };
        let Some([before, after]) = pair.as_array().map(Vec::as_slice) else {
            continue;
        };
        let before = shown_value(lang, field, before, names)?;
        let after = shown_value(lang, field, after, names)?;
        // An insert lists every field and a delete every old value: empty ones say nothing.
        let empty = match row.op.as_str() {
            "insert" => after.is_empty(),
            "delete" => before.is_empty(),
            _ => false,
        };
        if !empty {
            fields.push(FieldChange {
                field: field.clone(),
                label: label.to_owned(),
                before,
                after,
            });
        }
    }
    Ok(RowChange {
        log_id: row.id,
        op: row.op.clone(),
        table: row.table.clone(),
        row_id: row.row_id,
        kind,
        kind_label: kind.label(lang).to_owned(),
        subject,
        fields,
    })
}

/// Whether a row is worth a line under its edit: renumbering and the baseline's copied task
/// rows are bookkeeping (their edit's gist says it all).
pub(crate) fn is_detail(row: &LogRow) -> bool {
    !row.only_reordered() && row.table != "baseline_tasks"
}

/// The gist of one edit from its rows. `undoes` is set on the rows of an undo.
pub(crate) fn describe(
    group: &GroupRows,
    undoes: bool,
    lang: Lang,
    names: &mut Names<'_>,
) -> Result<Gist> {
    let gist = |action: Action, subject: String, project: Option<ProjectName>| {
        Gist::new(action, subject, project, lang)
    };
    let named = |row: &LogRow, names: &mut Names<'_>| -> Result<(String, Option<ProjectName>)> {
        let kind = kind_of(row, names)?;
        let (subject, project) = subject_of(row, lang, names)?;
        let label = kind.label(lang);
        let text = match lang {
            Lang::Zh => format!("{label}{}", quoted(lang, &subject)),
            Lang::En => format!("{label} {}", quoted(lang, &subject))
                .trim()
                .to_owned(),
        };
        Ok((text, project))
    };
    // For verbs that already say what kind of row it is (删除任务, 保存基线 …): the name alone.
    let bare = |row: &LogRow, names: &mut Names<'_>| -> Result<(String, Option<ProjectName>)> {
        let (subject, project) = subject_of(row, lang, names)?;
        Ok((quoted(lang, &subject), project))
    };
    let one_project = |names: &mut Names<'_>| -> Result<Option<ProjectName>> {
        let mut found: Option<ProjectName> = None;
        for row in group.rows.iter().filter(|r| is_detail(r)) {
            let (_, p) = subject_of(row, lang, names)?;
            match (&found, p) {
                (_, None) => {}
                (None, Some(p)) => found = Some(p),
                (Some(f), Some(p)) if *f == p => {}
                (Some(_), Some(_)) => return Ok(None),
            }
        }
        Ok(found)
    };
    let n = |count: u64| match lang {
        Lang::Zh => format!("{count} 项"),
        Lang::En => format!("{count} items"),
    };

    if undoes {
        // The undo's own words come from the edit it reverted (see Db::history).
        return Ok(gist(Action::Undo, String::new(), one_project(names)?));
    }
    if let Some(r) = group.rows.iter().find(|r| r.table == "database") {
        let (s, _) = subject_of(r, lang, names)?;
        return Ok(gist(Action::Restore, s, None));
    }
    if let Some(r) = group.rows.iter().find(|r| r.table == "edit_lock") {
        let (s, _) = subject_of(r, lang, names)?;
        return Ok(gist(Action::BreakLock, s, None));
    }
    if let Some(r) = group.first("portfolio", "insert") {
        return Ok(gist(
            Action::CreateFile,
            quoted(lang, &r.text("name")),
            None,
        ));
    }
    if let Some(r) = group.first("projects", "insert") {
        let (s, p) = bare(r, names)?;
        let projects = group.count("projects", "insert");
        let s = if projects > 1 {
            match lang {
                Lang::Zh => format!("{s} 等 {projects} 个项目"),
                Lang::En => format!("{s} and {} more", projects - 1),
            }
        } else {
            s
        };
        return Ok(gist(Action::ImportProject, s, p));
    }
    if let Some(r) = group.first("weekly_updates", "insert") {
        let (s, p) = subject_of(r, lang, names)?;
        return Ok(gist(Action::FileUpdate, s, p));
    }
    if let Some(r) = group.first("weekly_updates", "update") {
        let (s, p) = subject_of(r, lang, names)?;
        let action = if r.changed("author") {
            Action::ReplaceUpdate
        } else {
            Action::ReviseUpdate
        };
        return Ok(gist(action, s, p));
    }
    if let Some(r) = group.first("baselines", "insert") {
        let (s, p) = bare(r, names)?;
        return Ok(gist(Action::SaveBaseline, s, p));
    }
    if let Some(r) = group.first("targets", "update") {
        let (s, p) = bare(r, names)?;
        return Ok(gist(Action::SetTarget, s, p));
    }
    let task_inserts = group.count("tasks", "insert");
    // New milestones together with changes to existing ones: a milestone sheet applied.
    let mut milestone_updates = 0;
    for r in group
        .rows
        .iter()
        .filter(|r| r.table == "tasks" && r.op == "update" && !r.only_reordered())
    {
        if kind_of(r, names)? == SubjectKind::Milestone {
            milestone_updates += 1;
        }
    }
    if task_inserts > 0 && milestone_updates > 0 {
        return Ok(gist(
            Action::ImportMilestones,
            n(task_inserts + milestone_updates),
            one_project(names)?,
        ));
    }
    if task_inserts == 1 {
        if let Some(r) = group.first("tasks", "insert") {
            let (s, p) = bare(r, names)?;
            let milestone = r.value("is_milestone").and_then(Value::as_bool) == Some(true);
            let action = if milestone {
                Action::AddMilestone
            } else {
                Action::AddTask
            };
            return Ok(gist(action, s, p));
        }
    }
    if task_inserts > 1 {
        return Ok(gist(Action::AddTasks, n(task_inserts), one_project(names)?));
    }
    let task_deletes = group.count("tasks", "delete");
    if task_deletes > 0 {
        // Subtasks go first, the task the person deleted last.
        if let Some(r) = group
            .rows
            .iter()
            .rev()
            .find(|r| r.table == "tasks" && r.op == "delete")
        {
            let (s, p) = bare(r, names)?;
            let s = if task_deletes > 1 {
                match lang {
                    Lang::Zh => format!("{s}及其 {} 项下级任务", task_deletes - 1),
                    Lang::En => format!("{s} with {} subtasks", task_deletes - 1),
                }
            } else {
                s
            };
            return Ok(gist(Action::DeleteTask, s, p));
        }
    }
    if !group.any("tasks") {
        if let Some(r) = group.first("dependencies", "insert") {
            let (s, p) = subject_of(r, lang, names)?;
            return Ok(gist(Action::AddLink, s, p));
        }
        if let Some(r) = group.first("dependencies", "delete") {
            let (s, p) = subject_of(r, lang, names)?;
            return Ok(gist(Action::DeleteLink, s, p));
        }
    }
    if group.any("calendars") || group.any("calendar_exceptions") {
        let r = group
            .rows
            .iter()
            .find(|r| r.table == "calendars")
            .or_else(|| group.rows.first());
        let s = match r {
            Some(r) if r.table == "calendars" => quoted(lang, &r.text("name")),
            _ => n(group.count("calendar_exceptions", "insert")
                + group.count("calendar_exceptions", "update")
                + group.count("calendar_exceptions", "delete")),
        };
        return Ok(gist(Action::ChangeCalendar, s, None));
    }

    // Task updates: the row the person acted on, not the summaries that rolled up around it
    // nor the rows renumbered.
    let updates: Vec<&LogRow> = group
        .rows
        .iter()
        .filter(|r| r.table == "tasks" && r.op == "update" && !r.only_reordered())
        .collect();
    let completed: Vec<&&LogRow> = updates
        .iter()
        .filter(|r| matches!(r.pair("actual_finish"), Some((Value::Null, a)) if !a.is_null()))
        .collect();
    if let [one] = completed.as_slice() {
        let (s, p) = named(one, names)?;
        return Ok(gist(Action::CompleteMilestone, s, p));
    }
    if completed.len() > 1 {
        let s = match lang {
            Lang::Zh => format!("{} 个里程碑", completed.len()),
            Lang::En => format!("{} milestones", completed.len()),
        };
        return Ok(gist(Action::CompleteMilestones, s, one_project(names)?));
    }
    if let Some(r) = updates.iter().find(|r| r.changed("parent_id")) {
        let (s, p) = named(r, names)?;
        let (old_parent, new_parent) = r
            .pair("parent_id")
            .map(|(b, a)| (b.as_i64(), a.as_i64()))
            .unwrap_or((None, None));
        // Outdent makes the task a sibling of its old parent; indent puts it under a sibling.
        let grandparent = match old_parent {
            Some(id) => names.task(id)?.and_then(|t| t.parent),
            None => None,
        };
        let action = if old_parent.is_some() && new_parent == grandparent {
            Action::Outdent
        } else {
            Action::Indent
        };
        return Ok(gist(action, s, p));
    }
    if let Some(r) = updates.iter().find(|r| r.changed("name")) {
        let (_, p) = named(r, names)?;
        let (b, a) = r
            .pair("name")
            .map(|(b, a)| (plain(b), plain(a)))
            .unwrap_or_default();
        let s = format!("{}→{}", quoted(lang, &b), quoted(lang, &a));
        return Ok(gist(Action::Rename, s, p));
    }
    // The moved task comes after the summaries above it in the WBS order the rows follow.
    if let Some(r) = updates
        .iter()
        .rev()
        .find(|r| r.changed("planned_start") || r.changed("planned_finish"))
    {
        let (s, p) = named(r, names)?;
        return Ok(gist(Action::Reschedule, s, p));
    }
    if updates.is_empty() && group.any("tasks") && !group.any("dependencies") {
        return Ok(gist(
            Action::Reorder,
            n(group.count("tasks", "update")),
            one_project(names)?,
        ));
    }
    let first = updates
        .first()
        .copied()
        .or_else(|| group.rows.iter().find(|r| is_detail(r)))
        .or_else(|| group.rows.first());
    match first {
        Some(r) => {
            let (s, p) = named(r, names)?;
            Ok(gist(Action::Edit, s, p))
        }
        None => Ok(gist(Action::Edit, String::new(), None)),
    }
}
