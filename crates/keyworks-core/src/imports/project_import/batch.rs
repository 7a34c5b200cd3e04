//! Rows written in batches of 256, one multi-row INSERT each; a refused batch is retried
//! row by row so that the error still names the task, link or baseline row.

use super::*;

/// JSON text of one change-log entry's `changes` for an inserted row: `{"field":[null,value]}`.
/// Written by hand into a reused buffer: on 100,000 tasks, going through serde_json's Value
/// tree per row costs more than the SQLite insert itself.
pub(super) struct InsertChanges<'b> {
    pub(super) out: &'b mut String,
    pub(super) first: bool,
}

impl<'b> InsertChanges<'b> {
    pub(super) fn new(out: &'b mut String) -> Self {
        out.clear();
        out.push('{');
        InsertChanges { out, first: true }
    }

    pub(super) fn key(&mut self, key: &str) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        self.out.push('"');
        self.out.push_str(key);
        self.out.push_str("\":[null,");
    }

    pub(super) fn str(&mut self, key: &str, value: &str) -> &mut Self {
        self.key(key);
        json_string(self.out, value);
        self.out.push(']');
        self
    }

    pub(super) fn int(&mut self, key: &str, value: i64) -> &mut Self {
        use std::fmt::Write;
        self.key(key);
        let _ = write!(self.out, "{value}]");
        self
    }

    pub(super) fn opt_int(&mut self, key: &str, value: Option<i64>) -> &mut Self {
        match value {
            Some(v) => self.int(key, v),
            None => self.null(key),
        }
    }

    pub(super) fn real(&mut self, key: &str, value: f64) -> &mut Self {
        use std::fmt::Write;
        self.key(key);
        // Finite by `check`; `{:?}` keeps a decimal point as serde_json does (50.0).
        let _ = write!(self.out, "{value:?}]");
        self
    }

    pub(super) fn bool(&mut self, key: &str, value: bool) -> &mut Self {
        self.key(key);
        self.out.push_str(if value { "true]" } else { "false]" });
        self
    }

    pub(super) fn date(&mut self, key: &str, value: NaiveDate) -> &mut Self {
        self.key(key);
        self.out.push('"');
        self.out.push_str(iso_date(value).as_str());
        self.out.push_str("\"]");
        self
    }

    pub(super) fn opt_date(&mut self, key: &str, value: Option<NaiveDate>) -> &mut Self {
        match value {
            Some(d) => self.date(key, d),
            None => self.null(key),
        }
    }

    pub(super) fn null(&mut self, key: &str) -> &mut Self {
        self.key(key);
        self.out.push_str("null]");
        self
    }

    pub(super) fn finish(&mut self) {
        self.out.push('}');
    }
}

/// A date as `YYYY-MM-DD` text, as chrono's `%Y-%m-%d` writes it, without parsing a format
/// string or allocating per call (a 100,000-task import writes a million dates). Years outside
/// 1000–9999 take chrono's own formatting.
#[derive(Debug, Clone)]
pub(super) enum DateText {
    Short([u8; 10]),
    Other(String),
}

impl DateText {
    pub(super) fn as_str(&self) -> &str {
        match self {
            // Only ASCII digits and '-' are written into `Short`.
            DateText::Short(b) => std::str::from_utf8(b).unwrap_or_default(),
            DateText::Other(s) => s,
        }
    }
}

impl rusqlite::ToSql for DateText {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::Borrowed(
            rusqlite::types::ValueRef::Text(self.as_str().as_bytes()),
        ))
    }
}

pub(super) fn iso_date(d: NaiveDate) -> DateText {
    use chrono::Datelike;
    let (y, m, day) = (d.year(), d.month(), d.day());
    if !(1000..=9999).contains(&y) {
        return DateText::Other(d.format("%Y-%m-%d").to_string());
    }
    let digit = |n: u32| b'0' + (n % 10) as u8;
    let y = y as u32;
    DateText::Short([
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        b'-',
        digit(m / 10),
        digit(m),
        b'-',
        digit(day / 10),
        digit(day),
    ])
}

/// Rows per multi-row INSERT. A CHECK with a list, such as the change log's
/// `op IN ('insert', 'update', 'delete')`, makes SQLite build a small temporary table for the
/// list at every execution of a statement; one statement per `BATCH` rows builds it (and binds,
/// steps and resets) once per `BATCH` rows. 256 rows of 14 columns stay far below SQLite's
/// limit of 32,766 parameters.
pub(super) const BATCH: usize = 256;

/// One row of a table written by `Batched`.
pub(super) trait BatchRow {
    /// One row's `VALUES` tuple, e.g. `(?, ?, '')`; its `?` are bound by `bind`, in order.
    const VALUES: &'static str;
    const PARAMS: usize;
    /// Binds the row's values to parameters `first`, `first + 1`, ... (1-based).
    fn bind(&self, stmt: &mut Statement<'_>, first: usize) -> rusqlite::Result<()>;
    /// The error of this row's own insert, naming it.
    fn error(&self, e: rusqlite::Error) -> Error;
}

/// Inserts rows of one table `BATCH` at a time. Rows are written in the order pushed; the
/// remainder goes row by row in `finish`, which must be called before the rows are read (a
/// foreign key to them, the change log's last hash).
pub(super) struct Batched<'t, R: BatchRow> {
    pub(super) many: Statement<'t>,
    pub(super) one: Statement<'t>,
    pub(super) pending: Vec<R>,
}

impl<'t, R: BatchRow> Batched<'t, R> {
    /// `head` is the statement up to `VALUES`, e.g. `INSERT INTO t (a, b) VALUES `.
    pub(super) fn new(tx: &'t Transaction<'_>, head: &str) -> Result<Self> {
        let many = format!("{head}{}", vec![R::VALUES; BATCH].join(", "));
        Ok(Batched {
            many: tx.prepare(&many)?,
            one: tx.prepare(&format!("{head}{}", R::VALUES))?,
            pending: Vec::with_capacity(BATCH),
        })
    }

    pub(super) fn push(&mut self, row: R) -> Result<()> {
        self.pending.push(row);
        if self.pending.len() == BATCH {
            self.flush_batch()?;
        }
        Ok(())
    }

    pub(super) fn flush_batch(&mut self) -> Result<()> {
        for (i, row) in self.pending.iter().enumerate() {
            row.bind(&mut self.many, i * R::PARAMS + 1)?;
        }
        match self.many.raw_execute() {
            Ok(_) => self.pending.clear(),
            // The failed statement changed nothing: the rows again one by one, so that the
            // error names the row that fails.
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
                self.flush_one_by_one()?;
            }
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }

    pub(super) fn flush_one_by_one(&mut self) -> Result<()> {
        for row in self.pending.drain(..) {
            row.bind(&mut self.one, 1)?;
            self.one.raw_execute().map_err(|e| row.error(e))?;
        }
        Ok(())
    }

    pub(super) fn finish(mut self) -> Result<()> {
        self.flush_one_by_one()
    }
}

/// A task row (`acceptance` and `completion_note` empty).
pub(super) struct TaskRow<'a> {
    pub(super) id: i64,
    pub(super) project: ProjectId,
    pub(super) parent: Option<i64>,
    pub(super) position: i64,
    pub(super) task: &'a TaskImport,
}

impl BatchRow for TaskRow<'_> {
    const VALUES: &'static str = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', ?, ?)";
    const PARAMS: usize = 14;

    fn bind(&self, stmt: &mut Statement<'_>, first: usize) -> rusqlite::Result<()> {
        let t = self.task;
        stmt.raw_bind_parameter(first, self.id)?;
        stmt.raw_bind_parameter(first + 1, self.project)?;
        stmt.raw_bind_parameter(first + 2, self.parent)?;
        stmt.raw_bind_parameter(first + 3, self.position)?;
        stmt.raw_bind_parameter(first + 4, t.name.as_str())?;
        stmt.raw_bind_parameter(first + 5, t.is_milestone)?;
        stmt.raw_bind_parameter(first + 6, iso_date(t.planned_start))?;
        stmt.raw_bind_parameter(first + 7, iso_date(t.planned_finish))?;
        stmt.raw_bind_parameter(first + 8, t.duration_days)?;
        stmt.raw_bind_parameter(first + 9, t.percent_complete)?;
        stmt.raw_bind_parameter(first + 10, t.actual_start.map(iso_date))?;
        stmt.raw_bind_parameter(first + 11, t.actual_finish.map(iso_date))?;
        stmt.raw_bind_parameter(first + 12, t.constraint.map(|c| c.kind.code()))?;
        stmt.raw_bind_parameter(first + 13, t.constraint.and_then(|c| c.date).map(iso_date))
    }

    fn error(&self, e: rusqlite::Error) -> Error {
        constraint_error(
            e,
            "任务",
            &self.task.name,
            "日期、工期或完成百分比不符合要求",
        )
    }
}

pub(super) struct LinkRow<'a> {
    pub(super) id: i64,
    pub(super) predecessor: i64,
    pub(super) successor: i64,
    pub(super) link: &'a LinkImport,
}

impl BatchRow for LinkRow<'_> {
    const VALUES: &'static str = "(?, ?, ?, ?, ?)";
    const PARAMS: usize = 5;

    fn bind(&self, stmt: &mut Statement<'_>, first: usize) -> rusqlite::Result<()> {
        stmt.raw_bind_parameter(first, self.id)?;
        stmt.raw_bind_parameter(first + 1, self.predecessor)?;
        stmt.raw_bind_parameter(first + 2, self.successor)?;
        stmt.raw_bind_parameter(first + 3, self.link.kind)?;
        stmt.raw_bind_parameter(first + 4, self.link.lag_days)
    }

    fn error(&self, e: rusqlite::Error) -> Error {
        let l = self.link;
        constraint_error(
            e,
            "依赖",
            &format!("{}→{}", l.predecessor + 1, l.successor + 1),
            "两个任务之间只能有一条依赖，且任务不能依赖自身",
        )
    }
}

pub(super) struct BaselineTaskRow<'a> {
    pub(super) id: i64,
    pub(super) baseline: &'a Baseline,
    pub(super) task_id: i64,
    pub(super) task_name: &'a str,
    pub(super) task: &'a BaselineTaskImport,
}

impl BatchRow for BaselineTaskRow<'_> {
    const VALUES: &'static str = "(?, ?, ?, ?, ?, ?, ?, ?)";
    const PARAMS: usize = 8;

    fn bind(&self, stmt: &mut Statement<'_>, first: usize) -> rusqlite::Result<()> {
        let bt = self.task;
        stmt.raw_bind_parameter(first, self.id)?;
        stmt.raw_bind_parameter(first + 1, self.baseline.id)?;
        stmt.raw_bind_parameter(first + 2, self.task_id)?;
        stmt.raw_bind_parameter(first + 3, self.task_name)?;
        stmt.raw_bind_parameter(first + 4, bt.is_milestone)?;
        stmt.raw_bind_parameter(first + 5, iso_date(bt.planned_start))?;
        stmt.raw_bind_parameter(first + 6, iso_date(bt.planned_finish))?;
        stmt.raw_bind_parameter(first + 7, bt.duration_days)
    }

    fn error(&self, e: rusqlite::Error) -> Error {
        constraint_error(
            e,
            "基线",
            &self.baseline.name,
            "同一基线中每个任务只能出现一次",
        )
    }
}
