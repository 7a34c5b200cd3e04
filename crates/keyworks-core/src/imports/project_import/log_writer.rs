//! The import's change-log entries, built on a second thread (their JSON and the SHA-256
//! chain) and sent through a bounded channel while the main thread inserts the rows.

use super::*;

/// Change-log entries of inserted rows, `BATCH` of them (fewer at the end), as the second
/// thread builds them: their JSON in one buffer, so that a batch costs a few allocations rather
/// than three per row.
pub(super) struct LogChunk {
    /// The hash before the first entry; each later entry's is the one before it.
    pub(super) first_prev: String,
    pub(super) changes: String,
    pub(super) entries: Vec<LogEntry>,
}

pub(super) struct LogEntry {
    pub(super) table: &'static str,
    pub(super) row_id: i64,
    pub(super) changes: std::ops::Range<usize>,
    pub(super) hash: [u8; 64],
}

impl LogChunk {
    pub(super) fn new(first_prev: String) -> Self {
        LogChunk {
            first_prev,
            changes: String::with_capacity(BATCH * 512),
            entries: Vec::with_capacity(BATCH),
        }
    }
}

/// Writes change-log chunks: a full one with one multi-row INSERT, the last one row by row.
pub(super) struct LogWriter<'t, 's> {
    pub(super) many: Statement<'t>,
    pub(super) one: Statement<'t>,
    pub(super) at: &'s str,
    pub(super) author: &'s str,
    pub(super) group: Option<i64>,
}

impl<'t, 's> LogWriter<'t, 's> {
    pub(super) fn new(tx: &'t Transaction<'_>, at: &'s str, author: &'s str) -> Result<Self> {
        // OR FAIL: a failing row (none should: the JSON is ours) fails the import, which rolls
        // the whole transaction back; the statement need not undo its own rows first, so SQLite
        // keeps no statement journal for these 300,000-row writes.
        const HEAD: &str = "INSERT OR FAIL INTO change_log (at, author, op, table_name, row_id, \
                            changes, prev_hash, hash, tx_id) VALUES ";
        const VALUES: &str = "(?, ?, 'insert', ?, ?, ?, ?, ?, ?)";
        // The rows join the transaction's change group (the project's own row, written through
        // `record` before, opened it), so that undoing the import undoes all of it.
        let group = crate::audit::change_log::current_group(tx)?;
        Ok(LogWriter {
            many: tx.prepare(&format!("{HEAD}{}", vec![VALUES; BATCH].join(", ")))?,
            one: tx.prepare(&format!("{HEAD}{VALUES}"))?,
            at,
            author,
            group,
        })
    }

    pub(super) fn write(&mut self, chunk: &LogChunk) -> Result<()> {
        const PARAMS: usize = 8;
        let full = chunk.entries.len() == BATCH;
        let mut prev = chunk.first_prev.as_str();
        for (i, e) in chunk.entries.iter().enumerate() {
            let (stmt, first) = if full {
                (&mut self.many, i * PARAMS + 1)
            } else {
                (&mut self.one, 1)
            };
            let changes = chunk.changes.get(e.changes.clone()).unwrap_or_default();
            let hash = hex_str(&e.hash);
            stmt.raw_bind_parameter(first, self.at)?;
            stmt.raw_bind_parameter(first + 1, self.author)?;
            stmt.raw_bind_parameter(first + 2, e.table)?;
            stmt.raw_bind_parameter(first + 3, e.row_id)?;
            stmt.raw_bind_parameter(first + 4, changes)?;
            stmt.raw_bind_parameter(first + 5, prev)?;
            stmt.raw_bind_parameter(first + 6, hash)?;
            stmt.raw_bind_parameter(first + 7, self.group)?;
            if !full {
                stmt.raw_execute()?;
            }
            prev = hash;
        }
        if full {
            self.many.raw_execute()?;
        }
        Ok(())
    }
}

/// The ids the bulk rows get, assigned before any is written (the transaction is IMMEDIATE, so
/// nobody else allocates ids meanwhile): the rows and their change-log entries can then be
/// built apart, on two threads.
pub(super) struct BulkIds<'a> {
    pub(super) project: ProjectId,
    pub(super) first_task: i64,
    pub(super) first_link: i64,
    pub(super) first_baseline_task: i64,
    /// The header rows of `ProjectImport::baselines`, in the same order.
    pub(super) baselines: &'a [Baseline],
}

impl BulkIds<'_> {
    pub(super) fn task(&self, index: usize) -> i64 {
        self.first_task + index as i64
    }
}

pub(super) fn task_changes(out: &mut String, ids: &BulkIds<'_>, i: usize, t: &TaskImport) {
    let mut c = InsertChanges::new(out);
    c.int("project_id", ids.project.0)
        .opt_int("parent_id", t.parent.map(|p| ids.task(p)))
        .int("position", i as i64 + 1)
        .str("name", &t.name)
        .bool("is_milestone", t.is_milestone)
        .date("planned_start", t.planned_start)
        .date("planned_finish", t.planned_finish)
        .int("duration_days", t.duration_days)
        .real("percent_complete", t.percent_complete)
        .opt_date("actual_start", t.actual_start)
        .opt_date("actual_finish", t.actual_finish)
        .str("acceptance", "")
        .str("completion_note", "");
    match t.constraint {
        Some(k) => c.str("constraint_kind", k.kind.code()),
        None => c.null("constraint_kind"),
    };
    c.opt_date("constraint_date", t.constraint.and_then(|k| k.date))
        .finish();
}

/// The change-log entries of every task, link and baseline task row, in the order
/// `write_bulk_rows` writes the rows, chained on from `prev`; sent `BATCH` at a time. Stops
/// early when the receiver is gone (the import failed or was cancelled).
pub(super) fn bulk_log_rows(
    p: &ProjectImport,
    ids: &BulkIds<'_>,
    stamp: (&str, &str),
    prev: String,
    send: &std::sync::mpsc::SyncSender<LogChunk>,
) {
    let (at, author) = stamp;
    let mut content = String::with_capacity(1024);
    let mut changes = String::with_capacity(512);
    let mut prev_hash: Option<[u8; 64]> = None;
    let mut chunk = LogChunk::new(prev);
    let mut entry = |table: &'static str, row_id: i64, changes: &str| -> bool {
        let prev = match &prev_hash {
            Some(h) => hex_str(h),
            None => chunk.first_prev.as_str(),
        };
        let hash = row_hash_into(
            &mut content,
            prev,
            at,
            author,
            "insert",
            table,
            row_id,
            changes,
        );
        let from = chunk.changes.len();
        chunk.changes.push_str(changes);
        chunk.entries.push(LogEntry {
            table,
            row_id,
            changes: from..chunk.changes.len(),
            hash,
        });
        prev_hash = Some(hash);
        if chunk.entries.len() == BATCH {
            let next = LogChunk::new(hex_str(&hash).to_owned());
            return send.send(std::mem::replace(&mut chunk, next)).is_ok();
        }
        true
    };
    for (i, t) in p.tasks.iter().enumerate() {
        task_changes(&mut changes, ids, i, t);
        if !entry("tasks", ids.task(i), &changes) {
            return;
        }
    }
    for (i, l) in p.links.iter().enumerate() {
        InsertChanges::new(&mut changes)
            .int("predecessor_id", ids.task(l.predecessor))
            .int("successor_id", ids.task(l.successor))
            .str("kind", l.kind.code())
            .int("lag_days", l.lag_days)
            .finish();
        if !entry("dependencies", ids.first_link + i as i64, &changes) {
            return;
        }
    }
    let mut id = ids.first_baseline_task;
    for (b, header) in p.baselines.iter().zip(ids.baselines) {
        for bt in &b.tasks {
            InsertChanges::new(&mut changes)
                .int("baseline_id", header.id.0)
                .int("task_id", ids.task(bt.task))
                .str("task_name", &p.tasks[bt.task].name)
                .bool("is_milestone", bt.is_milestone)
                .date("planned_start", bt.planned_start)
                .date("planned_finish", bt.planned_finish)
                .int("duration_days", bt.duration_days)
                .finish();
            if !entry("baseline_tasks", id, &changes) {
                return;
            }
            id += 1;
        }
    }
    if !chunk.entries.is_empty() {
        let _ = send.send(chunk);
    }
}

/// Writes the tasks, links and baseline tasks and, as they arrive from `log`, their
/// change-log entries.
pub(super) fn write_bulk_rows(
    tx: &Transaction<'_>,
    p: &ProjectImport,
    ids: &BulkIds<'_>,
    stamp: (&str, &str),
    log: &std::sync::mpsc::Receiver<LogChunk>,
    progress: &mut Progress<'_>,
) -> Result<()> {
    let mut entries = LogWriter::new(tx, stamp.0, stamp.1)?;
    // Between batches of rows, the entries ready so far (without waiting for more).
    let take_ready = |entries: &mut LogWriter<'_, '_>| -> Result<()> {
        while let Ok(chunk) = log.try_recv() {
            entries.write(&chunk)?;
        }
        Ok(())
    };

    // Tasks, in WBS order: a parent is always written before its children.
    let mut tasks = Batched::new(
        tx,
        "INSERT INTO tasks (id, project_id, parent_id, position, name, is_milestone, planned_start, \
         planned_finish, duration_days, percent_complete, actual_start, actual_finish, acceptance, \
         completion_note, constraint_kind, constraint_date) VALUES ",
    )?;
    for (i, t) in p.tasks.iter().enumerate() {
        tasks.push(TaskRow {
            id: ids.task(i),
            project: ids.project,
            parent: t.parent.map(|p| ids.task(p)),
            position: i as i64 + 1,
            task: t,
        })?;
        if (i + 1) % BATCH == 0 {
            take_ready(&mut entries)?;
        }
        progress.step()?;
    }
    // Links point at the tasks: all of them are written first.
    tasks.finish()?;

    let mut links = Batched::new(
        tx,
        "INSERT INTO dependencies (id, predecessor_id, successor_id, kind, lag_days) VALUES ",
    )?;
    for (i, l) in p.links.iter().enumerate() {
        links.push(LinkRow {
            id: ids.first_link + i as i64,
            predecessor: ids.task(l.predecessor),
            successor: ids.task(l.successor),
            link: l,
        })?;
        if (i + 1) % BATCH == 0 {
            take_ready(&mut entries)?;
        }
        progress.step()?;
    }
    links.finish()?;

    let mut rows = Batched::new(
        tx,
        "INSERT INTO baseline_tasks (id, baseline_id, task_id, task_name, is_milestone, \
         planned_start, planned_finish, duration_days) VALUES ",
    )?;
    let mut id = ids.first_baseline_task;
    for (b, header) in p.baselines.iter().zip(ids.baselines) {
        for bt in &b.tasks {
            rows.push(BaselineTaskRow {
                id,
                baseline: header,
                task_id: ids.task(bt.task),
                task_name: &p.tasks[bt.task].name,
                task: bt,
            })?;
            id += 1;
            if (id - ids.first_baseline_task) % BATCH as i64 == 0 {
                take_ready(&mut entries)?;
            }
            progress.step()?;
        }
    }
    rows.finish()?;

    // The rest of the entries, as the other thread finishes them.
    while let Ok(chunk) = log.recv() {
        entries.write(&chunk)?;
    }
    Ok(())
}
