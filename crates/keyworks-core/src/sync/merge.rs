//! Merging another file's change groups into the hub, inside the hub's one transaction.
//!
//! Each incoming change is checked against what the hub holds now, field by field:
//! - a field applies when the hub still holds the value it was changed from (or already holds
//!   the new one), so edits to different fields of one row merge;
//! - a field the hub changed to something else meanwhile is a conflict, as are an edit of a
//!   row the hub deleted, a delete of a row the hub changed (or put new rows under), an insert
//!   that breaks a unique rule, and an insert under a parent the hub deleted;
//! - a summary task's rolled-up fields are never a conflict: the roll-up computes them again
//!   after the merge.
//!
//! A conflict without a decision is collected, never applied: the caller rolls the whole
//! transaction back and shows them all. With a decision, "keep hub" leaves the hub's value and
//! "take mine" writes the incoming one, logged like any change. Merged rows keep their
//! original author and time in the change log; `sync_origins` says where the group came from,
//! who merged it and when.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::DateTime;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::audit::change_log::{Stamp, current_group, record, start_group};
use crate::audit::history::Lang;
use crate::audit::history::words::{field_label, value_text};
use crate::audit::row_state::{
    State, columns_of, current, delete_row, insert_row, same_value, update_row,
};
use crate::audit::verify::LOGGED_TABLES;
use crate::error::{Error, Result};
use crate::ids::{ProjectId, TaskId};
use crate::plan::calendar::Calendar;
use crate::plan::wbs_edit::{reorder_as_tree, roll_up_summaries};
use crate::sync::groups::{ChangeGroup, RowChange, RowKey, RowOp};
use crate::sync::rules::{
    children_of, describe, id_in, is_order, is_rolled_up, parents_of, unique_clash,
};
use crate::sync::session::ProjectCalendars;

/// What to do with a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    /// Leave what the hub holds; the incoming change is dropped (and undone on the replica).
    KeepHub,
    /// Write the incoming change over the hub's.
    TakeMine,
}

/// The decisions for a sync: one for every conflict, or one per conflict key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decisions {
    pub all: Option<Choice>,
    pub each: BTreeMap<String, Choice>,
}

/// One decision as the merge dialog sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConflictDecision {
    /// The conflict's key (`Conflict::key`).
    pub key: String,
    pub choice: Choice,
}

impl Decisions {
    /// A decision per conflict, as the merge dialog collects them.
    pub fn each(list: &[ConflictDecision]) -> Decisions {
        Decisions {
            all: None,
            each: list.iter().map(|d| (d.key.clone(), d.choice)).collect(),
        }
    }

    pub fn all(choice: Choice) -> Decisions {
        Decisions {
            all: Some(choice),
            each: BTreeMap::new(),
        }
    }

    fn for_key(&self, key: &str) -> Option<Choice> {
        self.each.get(key).copied().or(self.all)
    }
}

/// The kinds of conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    /// The same field changed to different values on both sides.
    BothChanged,
    /// Changed here, deleted at the hub.
    ChangedDeleted,
    /// Deleted here, changed (or given new rows under it) at the hub.
    DeletedChanged,
    /// Inserted here, but the hub already has a row with the same unique values (two weekly
    /// updates of one project and week).
    Duplicate,
    /// Inserted here under a row the hub deleted.
    ParentDeleted,
    /// Both sides' changes together break one of the file's rules (a start after a finish).
    BreaksRule,
}

/// One conflict, with both sides' values, authors and times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Conflict {
    /// Names this conflict in decisions: the row, `tasks#42`, `weekly_updates#7`.
    pub key: String,
    pub kind: ConflictKind,
    /// The project's code, empty for rows outside projects (calendars).
    pub project: String,
    pub table: String,
    pub row_id: i64,
    /// A few words naming the row: a task's name, an update's week.
    pub row: String,
    /// The fields both sides changed, comma-separated (None: the whole row is at stake).
    pub field: Option<String>,
    /// Those fields in words (实际完成、实际开始), in the language asked for; see `in_words`.
    pub field_label: Option<String>,
    /// The hub's value (None: the hub has no such row).
    pub hub_value: Option<String>,
    pub mine_value: Option<String>,
    pub hub_author: String,
    pub hub_at: String,
    pub mine_author: String,
    pub mine_at: String,
}

/// Field codes (`actual_finish,actual_start`) as a reader says them.
fn field_words(fields: &str, lang: Lang) -> String {
    fields
        .split(',')
        .map(|f| field_label(lang, f).unwrap_or(f))
        .collect::<Vec<_>>()
        .join(lang.pick("、", ", "))
}

impl Conflict {
    /// The conflict with its fields named in `lang`.
    pub fn in_words(mut self, lang: Lang) -> Conflict {
        self.field_label = self.field.as_deref().map(|f| field_words(f, lang));
        self
    }
}

/// How the incoming groups travelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Via {
    Sync,
    Package,
}

impl Via {
    fn code(self) -> &'static str {
        match self {
            Via::Sync => "sync",
            Via::Package => "package",
        }
    }
}

/// Another file's changes, as a sync or a change package brings them.
pub(crate) struct Incoming<'a> {
    pub origin_file: &'a str,
    pub origin_label: &'a str,
    pub groups: &'a [ChangeGroup],
    /// The touched rows (and their parents) as they stand in the other file.
    pub current: &'a BTreeMap<RowKey, State>,
    pub via: Via,
}

/// What a merge did, or would have done.
#[derive(Debug, Default)]
pub(crate) struct Merged {
    /// Groups written into the hub.
    pub applied: usize,
    /// Groups the hub had already (an earlier sync or package brought them).
    pub already: usize,
    /// Every conflict met, decided or not, each once.
    pub conflicts: Vec<Conflict>,
    /// How many of them had no decision: then nothing may be committed.
    pub undecided: usize,
}

struct Merge<'t, 'a> {
    tx: &'t Transaction<'t>,
    incoming: &'a Incoming<'a>,
    decisions: &'a Decisions,
    columns: HashMap<String, BTreeSet<String>>,
    conflicts: Vec<Conflict>,
    conflict_index: HashMap<String, usize>,
    touched_tasks: BTreeMap<ProjectId, BTreeSet<TaskId>>,
}

/// Merges `incoming` into the hub inside `tx` (see the module notes). The caller commits only
/// when `undecided` is 0.
pub(crate) fn merge_into_hub(
    tx: &Transaction<'_>,
    incoming: &Incoming<'_>,
    decisions: &Decisions,
    merger: &Stamp,
    calendars: &ProjectCalendars,
) -> Result<Merged> {
    let mut m = Merge {
        tx,
        incoming,
        decisions,
        columns: HashMap::new(),
        conflicts: Vec::new(),
        conflict_index: HashMap::new(),
        touched_tasks: BTreeMap::new(),
    };
    let mut merged = Merged::default();
    for group in incoming.groups {
        let known: bool = tx
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM sync_origins WHERE origin_file = ?1 AND origin_tx = ?2)",
            )?
            .query_row(params![incoming.origin_file, group.tx], |r| r.get(0))?;
        if known {
            merged.already += 1;
            continue;
        }
        start_group(tx)?;
        let at = DateTime::parse_from_rfc3339(&group.at).map_err(|e| {
            Error::Internal(format!(
                "变更组 {} 的时间 {} 无法读取：{e}",
                group.tx, group.at
            ))
        })?;
        let stamp = Stamp::new(&group.author, at)?;
        for change in &group.rows {
            if LOGGED_TABLES.contains(&change.table.as_str()) {
                m.change(group, &stamp, change)?;
            }
        }
        if let Some(written) = current_group(tx)? {
            tx.prepare_cached(
                "INSERT INTO sync_origins (tx_id, origin_file, origin_tx, origin_label, merged_by, merged_at, via) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                written,
                incoming.origin_file,
                group.tx,
                incoming.origin_label,
                merger.author(),
                merger.at_text(),
                incoming.via.code()
            ])?;
            merged.applied += 1;
        }
    }
    // The roll-up, as after any edit: summaries above what the merge moved span their
    // subtasks again. One group of the merger's own.
    if merged.applied > 0 {
        start_group(tx)?;
        let china = Calendar::china()?;
        for (project, tasks) in &m.touched_tasks {
            let existing: Vec<TaskId> = tasks
                .iter()
                .copied()
                .filter(|t| task_in_project(tx, *t, *project).unwrap_or(false))
                .collect();
            reorder_as_tree(tx, merger, *project)?;
            if !existing.is_empty() {
                let calendar = calendars.of(*project).unwrap_or(&china);
                roll_up_summaries(tx, merger, calendar, *project, &existing)?;
            }
        }
    }
    merged.undecided = m
        .conflicts
        .iter()
        .filter(|c| decisions.for_key(&c.key).is_none())
        .count();
    merged.conflicts = m.conflicts;
    Ok(merged)
}

fn task_in_project(conn: &Connection, task: TaskId, project: ProjectId) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM tasks WHERE id = ?1 AND project_id = ?2)")?
        .query_row(params![task, project], |r| r.get(0))?)
}

/// A value as a person reads it in a conflict list: the history's words for it (绿 for
/// `green`, 2021年6月18日, 40%); None for no value.
fn shown(field: &str, v: Option<&Value>) -> Option<String> {
    match v {
        None | Some(Value::Null) => None,
        Some(v) => Some(value_text(Lang::Zh, field, v)).filter(|t| !t.is_empty()),
    }
}

/// `field: value` with the field named in words.
fn labelled(field: &str, v: Option<&Value>) -> String {
    format!(
        "{}：{}",
        field_label(Lang::Zh, field).unwrap_or(field),
        shown(field, v).unwrap_or_default()
    )
}

/// A row's few telling fields, for a conflict over the whole row.
fn row_text(table: &str, row: &Map<String, Value>) -> String {
    let fields: &[&str] = match table {
        "weekly_updates" => &["percent_complete", "status", "narrative"],
        "tasks" => &[
            "name",
            "planned_start",
            "planned_finish",
            "percent_complete",
        ],
        "projects" => &["code", "name"],
        _ => &["name"],
    };
    fields
        .iter()
        .filter_map(|f| shown(f, row.get(*f)))
        .collect::<Vec<_>>()
        .join(" · ")
}

impl Merge<'_, '_> {
    fn columns(&mut self, table: &str) -> Result<BTreeSet<String>> {
        if let Some(c) = self.columns.get(table) {
            return Ok(c.clone());
        }
        let c = columns_of(self.tx, table)?;
        self.columns.insert(table.to_owned(), c.clone());
        Ok(c)
    }

    fn change(&mut self, group: &ChangeGroup, stamp: &Stamp, change: &RowChange) -> Result<()> {
        let hub = current(self.tx, &change.table, change.row_id)?;
        match change.op {
            RowOp::Insert => self.insert(group, stamp, change, hub),
            RowOp::Update => self.update(group, stamp, change, hub),
            RowOp::Delete => self.delete(group, stamp, change, hub),
        }
    }

    /// Who last wrote the row (or one field of it) at the hub, and when.
    fn hub_author(
        &self,
        table: &str,
        row_id: i64,
        field: Option<&str>,
    ) -> Result<(String, String)> {
        let found = self
            .tx
            .prepare_cached(
                "SELECT author, at FROM change_log WHERE table_name = ?1 AND row_id = ?2 \
                   AND (?3 IS NULL OR json_type(changes, '$.' || ?3) IS NOT NULL) \
                 ORDER BY id DESC LIMIT 1",
            )?
            .query_row(params![table, row_id, field], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        Ok(found.unwrap_or_default())
    }

    /// Records a conflict (once per key) and answers the decision for it, if there is one.
    #[allow(clippy::too_many_arguments)]
    fn conflict(
        &mut self,
        group: &ChangeGroup,
        kind: ConflictKind,
        change: &RowChange,
        field: Option<&str>,
        hub_value: Option<String>,
        mine_value: Option<String>,
        state: &State,
    ) -> Result<Option<Choice>> {
        let key = format!("{}#{}", change.table, change.row_id);
        let first_field = field.and_then(|f| f.split(',').next());
        let (hub_author, hub_at) = self.hub_author(&change.table, change.row_id, first_field)?;
        let (project, row) = describe(self.tx, &change.table, state)?;
        let conflict = Conflict {
            key: key.clone(),
            kind,
            project,
            table: change.table.clone(),
            row_id: change.row_id,
            row,
            field: field.map(str::to_owned),
            field_label: field.map(|f| field_words(f, Lang::Zh)),
            hub_value,
            mine_value,
            hub_author,
            hub_at,
            mine_author: group.author.clone(),
            mine_at: group.at.clone(),
        };
        match self.conflict_index.get(&key) {
            // The same conflict met again by a later group: its latest values stand.
            Some(i) => self.conflicts[*i] = conflict,
            None => {
                self.conflict_index
                    .insert(key.clone(), self.conflicts.len());
                self.conflicts.push(conflict);
            }
        }
        Ok(self.decisions.for_key(&key))
    }

    /// Remembers a task the merge wrote, for the roll-up; for a deleted task, its parent.
    fn note_task(&mut self, table: &str, row_id: i64, row: &Map<String, Value>) {
        self.note(table, Some(row_id), row);
    }

    fn note_gone(&mut self, table: &str, row: &Map<String, Value>) {
        self.note(table, id_in(row, "parent_id"), row);
    }

    fn note(&mut self, table: &str, task: Option<i64>, row: &Map<String, Value>) {
        if let (true, Some(task), Some(project)) =
            (table == "tasks", task, id_in(row, "project_id"))
        {
            self.touched_tasks
                .entry(ProjectId(project))
                .or_default()
                .insert(TaskId(task));
        }
    }

    fn exists(&self, table: &str, id: i64) -> Result<bool> {
        Ok(self
            .tx
            .prepare_cached(&format!(
                "SELECT EXISTS (SELECT 1 FROM {table} WHERE id = ?1)"
            ))?
            .query_row([id], |r| r.get(0))?)
    }

    fn insert(
        &mut self,
        group: &ChangeGroup,
        stamp: &Stamp,
        change: &RowChange,
        hub: State,
    ) -> Result<()> {
        if hub.is_some() {
            return Ok(()); // the row is there already: this insert arrived by another way
        }
        let mine = change.inserted();
        let state = Some(mine.clone());
        for (parent, id) in parents_of(&change.table, &mine) {
            if self.exists(parent, id)? {
                continue;
            }
            let choice = self.conflict(
                group,
                ConflictKind::ParentDeleted,
                change,
                None,
                None,
                Some(row_text(&change.table, &mine)),
                &state,
            )?;
            if choice != Some(Choice::TakeMine) || !self.restore(stamp, parent, id)? {
                return Ok(());
            }
        }
        if let Some(other) = unique_clash(self.tx, &change.table, change.row_id, &mine)? {
            let theirs = current(self.tx, &change.table, other)?;
            let hub_value = theirs.as_ref().map(|r| row_text(&change.table, r));
            let choice = self.conflict(
                group,
                ConflictKind::Duplicate,
                change,
                None,
                hub_value,
                Some(row_text(&change.table, &mine)),
                &state,
            )?;
            // Both authors: the hub side of a duplicate is the other row's last writer.
            if let Some(i) = self
                .conflict_index
                .get(&format!("{}#{}", change.table, change.row_id))
            {
                let (a, t) = self.hub_author(&change.table, other, None)?;
                self.conflicts[*i].hub_author = a;
                self.conflicts[*i].hub_at = t;
            }
            if choice != Some(Choice::TakeMine) {
                return Ok(());
            }
            self.delete_with_children(stamp, &change.table, other)?;
        }
        let columns = self.columns(&change.table)?;
        if let Err(e) = insert_row(self.tx, &change.table, change.row_id, &mine, &columns) {
            return self.broken_rule(group, change, e, &state);
        }
        record(
            self.tx,
            stamp,
            &change.table,
            change.row_id,
            None,
            Some(&mine),
        )?;
        self.note_task(&change.table, change.row_id, &mine);
        Ok(())
    }

    fn update(
        &mut self,
        group: &ChangeGroup,
        stamp: &Stamp,
        change: &RowChange,
        hub: State,
    ) -> Result<()> {
        let Some(hub_row) = hub else {
            let mine = self
                .incoming
                .current
                .get(&RowKey::new(&change.table, change.row_id))
                .cloned()
                .flatten();
            let changed: Vec<String> = change
                .changes
                .iter()
                .map(|(f, pair)| labelled(f, pair.get(1)))
                .collect();
            let choice = self.conflict(
                group,
                ConflictKind::ChangedDeleted,
                change,
                None,
                None,
                Some(changed.join("；")),
                &mine,
            )?;
            if choice == Some(Choice::TakeMine) {
                self.restore(stamp, &change.table, change.row_id)?;
            }
            return Ok(());
        };
        let null = Value::Null;
        let mut new = hub_row.clone();
        let mut fields = Map::new();
        // Fields the hub changed otherwise meanwhile: one conflict for the row, since one
        // action wrote them together (marking a milestone done sets its actual start and
        // finish), and one decision for them all.
        let mut clashing: Vec<(&String, &Value, &Value)> = Vec::new();
        for (field, pair) in &change.changes {
            let before = pair.get(0).unwrap_or(&null);
            let after = pair.get(1).unwrap_or(&null);
            let now = hub_row.get(field).unwrap_or(&null);
            if same_value(now, after) || is_rolled_up(self.tx, &change.table, change.row_id, field)?
            {
                continue;
            }
            if same_value(now, before) {
                new.insert(field.clone(), after.clone());
                fields.insert(field.clone(), after.clone());
            } else if !is_order(&change.table, field) {
                clashing.push((field, now, after));
            }
        }
        if !clashing.is_empty() {
            let names: Vec<&str> = clashing.iter().map(|(f, _, _)| f.as_str()).collect();
            let side = |values: Vec<&Value>| -> Option<String> {
                if values.windows(2).all(|w| same_value(w[0], w[1])) {
                    shown(clashing[0].0, values.first().copied())
                } else {
                    Some(
                        clashing
                            .iter()
                            .zip(&values)
                            .map(|((f, _, _), v)| labelled(f, Some(v)))
                            .collect::<Vec<_>>()
                            .join("；"),
                    )
                }
            };
            let hub_value = side(clashing.iter().map(|(_, now, _)| *now).collect());
            let mine_value = side(clashing.iter().map(|(_, _, after)| *after).collect());
            let choice = self.conflict(
                group,
                ConflictKind::BothChanged,
                change,
                Some(&names.join(",")),
                hub_value,
                mine_value,
                &Some(hub_row.clone()),
            )?;
            if choice == Some(Choice::TakeMine) {
                for (field, _, after) in &clashing {
                    new.insert((*field).clone(), (*after).clone());
                    fields.insert((*field).clone(), (*after).clone());
                }
            }
        }
        if fields.is_empty() {
            return Ok(());
        }
        let columns = self.columns(&change.table)?;
        if let Err(e) = update_row(self.tx, &change.table, change.row_id, &fields, &columns) {
            return self.broken_rule(group, change, e, &Some(hub_row));
        }
        record(
            self.tx,
            stamp,
            &change.table,
            change.row_id,
            Some(&hub_row),
            Some(&new),
        )?;
        self.note_task(&change.table, change.row_id, &new);
        Ok(())
    }

    fn delete(
        &mut self,
        group: &ChangeGroup,
        stamp: &Stamp,
        change: &RowChange,
        hub: State,
    ) -> Result<()> {
        let Some(hub_row) = hub else {
            return Ok(()); // deleted on both sides
        };
        let null = Value::Null;
        let changed: Vec<String> = hub_row
            .iter()
            .filter(|(f, now)| {
                let rolled_up =
                    change.table == "tasks" && crate::sync::rules::ROLLED_UP.contains(&f.as_str());
                !rolled_up && !same_value(now, change.before(f).unwrap_or(&null))
            })
            .map(|(f, now)| labelled(f, Some(now)))
            .collect();
        let kids = children_of(self.tx, &change.table, change.row_id)?;
        if !changed.is_empty() || !kids.is_empty() {
            let mut said = changed;
            if !kids.is_empty() {
                said.push(format!("其下新增了 {} 条记录", kids.len()));
            }
            let choice = self.conflict(
                group,
                ConflictKind::DeletedChanged,
                change,
                None,
                Some(said.join("；")),
                None,
                &Some(hub_row.clone()),
            )?;
            if choice != Some(Choice::TakeMine) {
                return Ok(());
            }
            return self.delete_with_children(stamp, &change.table, change.row_id);
        }
        delete_row(self.tx, &change.table, change.row_id)?;
        record(
            self.tx,
            stamp,
            &change.table,
            change.row_id,
            Some(&hub_row),
            None,
        )?;
        self.note_gone(&change.table, &hub_row);
        Ok(())
    }

    /// A write the schema refused (a CHECK or UNIQUE rule broken by both sides together) is a
    /// conflict; "take mine" then writes the other file's whole row as it stands there.
    fn broken_rule(
        &mut self,
        group: &ChangeGroup,
        change: &RowChange,
        e: Error,
        state: &State,
    ) -> Result<()> {
        let constraint = matches!(&e, Error::Sqlite(s)
            if s.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation));
        if !constraint {
            return Err(e);
        }
        let choice = self.conflict(
            group,
            ConflictKind::BreaksRule,
            change,
            None,
            state.as_ref().map(|r| row_text(&change.table, r)),
            Some(e.to_string()),
            state,
        )?;
        if choice == Some(Choice::TakeMine) {
            return Err(Error::invalid(
                "同步",
                format!("{}#{}", change.table, change.row_id),
                "两边的修改合在一起违反了数据规则，只能保留共享文件一方（keep-hub）",
            ));
        }
        Ok(())
    }

    /// Puts back a row the hub no longer has, as the other file holds it, parents first.
    /// False when the other file does not have it either.
    fn restore(&mut self, stamp: &Stamp, table: &str, id: i64) -> Result<bool> {
        if self.exists(table, id)? {
            return Ok(true);
        }
        let Some(Some(row)) = self.incoming.current.get(&RowKey::new(table, id)).cloned() else {
            return Ok(false);
        };
        for (parent, pid) in parents_of(table, &row) {
            if !self.restore(stamp, parent, pid)? {
                return Ok(false);
            }
        }
        let columns = self.columns(table)?;
        insert_row(self.tx, table, id, &row, &columns)?;
        record(self.tx, stamp, table, id, None, Some(&row))?;
        self.note_task(table, id, &row);
        Ok(true)
    }

    /// Deletes a hub row and the rows under it ("take mine" over the hub's), each logged.
    fn delete_with_children(&mut self, stamp: &Stamp, table: &str, id: i64) -> Result<()> {
        for (child, cid) in children_of(self.tx, table, id)? {
            self.delete_with_children(stamp, child, cid)?;
        }
        let Some(row) = current(self.tx, table, id)? else {
            return Ok(());
        };
        delete_row(self.tx, table, id)?;
        record(self.tx, stamp, table, id, Some(&row), None)?;
        self.note_gone(table, &row);
        Ok(())
    }
}
