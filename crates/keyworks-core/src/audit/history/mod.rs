//! The history as people read it: the change log's rows gathered into the edits that wrote
//! them (one use case, one transaction), each told as a verb, the project and what it was done
//! to, with field changes labelled and ids replaced by names; filtered by project, person and
//! date; times in the reader's own offset. The app's History view, the undo notice and the
//! weekly PDF's appendix all read it from here.

mod describe;
mod names;
pub mod words;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, FixedOffset, NaiveDate};
use rusqlite::types::Value as SqlValue;
use rusqlite::{OptionalExtension, params_from_iter};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use describe::{Action, FieldChange, Gist, ProjectName, RowChange, SubjectKind};
use describe::{GroupRows, LogRow, describe, is_detail, row_change};
use names::Names;
pub use words::Lang;

use crate::error::{Error, Result};
use crate::store::db::Db;

/// Which edits to show. Dates are the days the edits were recorded on (in their own offset).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HistoryQuery {
    /// A project's code: only edits that touched it.
    pub project: Option<String>,
    /// Only edits by this person (as stamped).
    pub author: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// The next page: edits older than this one (an [`Edit::group`] shown last).
    pub before: Option<i64>,
    /// How many edits at most (at least 1).
    pub limit: u32,
}

/// One edit: the rows one use case wrote together, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Edit {
    /// The edit's first change-log row: its group number.
    pub group: i64,
    /// RFC 3339, as recorded.
    pub at: String,
    /// `at` in the reader's offset and language: 2021年6月11日 17:00.
    pub time: String,
    pub author: String,
    pub gist: Gist,
    /// The rows worth a line (renumbering left out), at most [`DETAIL_ROWS`].
    pub rows: Vec<RowChange>,
    /// How many change-log rows the edit wrote in all.
    pub rows_total: u64,
    /// For an undo: the edit it reverted.
    pub reverted: Option<Reverted>,
    /// A later undo reverted this edit.
    pub undone: bool,
    /// The edit was made in another file and merged here by a sync or a change package.
    pub merged: Option<MergedFrom>,
}

/// Where a merged edit came from, and who brought it in when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MergedFrom {
    /// The file it was made in, by the name it had there (王工.sqlite), or the shared file.
    pub from: String,
    pub merged_by: String,
    /// `merged_at` in the reader's offset and language.
    pub time: String,
    /// By a sync (false) or a change package carried over (true).
    pub by_package: bool,
}

impl Edit {
    /// The edit as one sentence, as the weekly report's appendix prints it:
    /// 「韩工 标记完成 里程碑「竣工验收备案」：实际完成 2021年6月10日」. At most a few field
    /// changes are spelled out; an edit of many rows (an import) is named by its gist alone.
    pub fn sentence(&self, lang: Lang) -> String {
        let mut s = format!("{} {}", self.author, self.gist.text);
        const ROWS: usize = 3;
        const FIELDS: usize = 6;
        if self.rows.len() > ROWS {
            return s;
        }
        let mut parts: Vec<String> = Vec::new();
        for row in &self.rows {
            for f in &row.fields {
                let shown = match row.op.as_str() {
                    "update" => Some(format!(
                        "{} {}→{}",
                        f.label,
                        blank(lang, &f.before),
                        blank(lang, &f.after)
                    )),
                    // A new weekly update: its figures, not its long texts.
                    "insert" if row.table == "weekly_updates" => ["percent_complete", "status"]
                        .contains(&f.field.as_str())
                        .then(|| format!("{} {}", f.label, f.after)),
                    _ => None,
                };
                parts.extend(shown);
            }
        }
        if parts.is_empty() {
            return s;
        }
        let more = parts.len() > FIELDS;
        parts.truncate(FIELDS);
        let (colon, sep, etc) = match lang {
            Lang::Zh => ("：", "；", "等"),
            Lang::En => (": ", "; ", " …"),
        };
        s.push_str(colon);
        s.push_str(&parts.join(sep));
        if more {
            s.push_str(etc);
        }
        s
    }
}

fn blank(lang: Lang, value: &str) -> &str {
    if value.is_empty() {
        lang.pick("（空）", "(none)")
    } else {
        value
    }
}

/// The edit an undo reverted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Reverted {
    pub group: i64,
    pub author: String,
    pub time: String,
    pub gist: Gist,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HistoryPage {
    /// Newest first.
    pub edits: Vec<Edit>,
    /// Older edits match too: ask again with `before` = the last edit's group.
    pub more: bool,
}

/// How many rows of one edit are read and shown under it; an import's thousands are counted.
pub const DETAIL_ROWS: usize = 60;

/// The head of an edit found while scanning the log.
#[derive(Debug, Clone)]
struct GroupHead {
    key: i64,
    first_id: i64,
    last_id: i64,
    at: String,
    author: String,
    undoes: Option<i64>,
}

impl Db {
    /// The edits that match `query`, newest first, told in `lang` with times in `offset`
    /// (the reader's own).
    pub fn history(
        &self,
        query: &HistoryQuery,
        lang: Lang,
        offset: FixedOffset,
    ) -> Result<HistoryPage> {
        let project = match &query.project {
            Some(code) => Some(self.project_by_code(code)?.id.0),
            None => None,
        };
        let mut conditions = String::new();
        let mut args: Vec<SqlValue> = Vec::new();
        if let Some(before) = query.before {
            conditions.push_str(" AND id < ?");
            args.push(SqlValue::Integer(before));
        }
        if let Some(author) = &query.author {
            conditions.push_str(" AND author = ?");
            args.push(SqlValue::Text(author.clone()));
        }
        if let Some(from) = query.from {
            conditions.push_str(" AND substr(at, 1, 10) >= ?");
            args.push(SqlValue::Text(from.to_string()));
        }
        if let Some(to) = query.to {
            conditions.push_str(" AND substr(at, 1, 10) <= ?");
            args.push(SqlValue::Text(to.to_string()));
        }
        self.edits_where(
            &conditions,
            args,
            project,
            query.limit.max(1) as usize,
            lang,
            offset,
        )
    }

    /// Every edit made from `from` up to (not including) `to`, oldest first: the weekly
    /// report's appendix, in the history's words.
    pub fn edits_between(
        &self,
        from: &DateTime<FixedOffset>,
        to: &DateTime<FixedOffset>,
        lang: Lang,
        offset: FixedOffset,
    ) -> Result<Vec<Edit>> {
        let args = vec![
            SqlValue::Text(from.to_rfc3339()),
            SqlValue::Text(to.to_rfc3339()),
        ];
        let conditions = " AND julianday(at) >= julianday(?) AND julianday(at) < julianday(?)";
        let mut page = self.edits_where(conditions, args, None, usize::MAX - 1, lang, offset)?;
        page.edits.reverse();
        Ok(page.edits)
    }

    /// The edits whose rows meet `conditions` (SQL after `WHERE 1 = 1`, with `args`), newest
    /// first, at most `limit`, only those touching `project` if given.
    fn edits_where(
        &self,
        conditions: &str,
        args: Vec<SqlValue>,
        project: Option<i64>,
        limit: usize,
        lang: Lang,
        offset: FixedOffset,
    ) -> Result<HistoryPage> {
        let mut names = Names::new(self.conn())?;
        let sql = format!(
            "SELECT id, COALESCE(tx_id, id), undoes_tx, at, author FROM change_log \
             WHERE 1 = 1{conditions} ORDER BY id DESC"
        );

        // The log is read newest first; the rows of one edit are neighbours (one writer at a
        // time), so an edit ends where the group number changes.
        let mut heads: Vec<GroupHead> = Vec::new();
        let mut more = false;
        {
            let mut stmt = self.conn().prepare(&sql)?;
            let mut rows = stmt.query(params_from_iter(args))?;
            let mut current: Option<GroupHead> = None;
            loop {
                let next = rows.next()?;
                let row = match next {
                    Some(r) => Some((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, Option<i64>>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                    )),
                    None => None,
                };
                let continues = match (&current, &row) {
                    (Some(c), Some((_, key, ..))) => c.key == *key,
                    _ => false,
                };
                if continues {
                    if let (Some(c), Some((id, ..))) = (current.as_mut(), &row) {
                        c.first_id = *id;
                    }
                    continue;
                }
                if let Some(done) = current.take() {
                    let wanted = match project {
                        Some(p) => self.group_touches(&done, p, &mut names)?,
                        None => true,
                    };
                    if wanted {
                        if heads.len() == limit {
                            more = true;
                            break;
                        }
                        heads.push(done);
                    }
                }
                match row {
                    Some((id, key, undoes, at, author)) => {
                        current = Some(GroupHead {
                            key,
                            first_id: id,
                            last_id: id,
                            at,
                            author,
                            undoes,
                        })
                    }
                    None => break,
                }
            }
        }

        let undone = self.undone_groups(heads.iter().map(|h| h.first_id).min())?;
        let mut edits = Vec::with_capacity(heads.len());
        for head in &heads {
            edits.push(self.edit_of(head, &undone, lang, offset, &mut names)?);
        }
        Ok(HistoryPage { edits, more })
    }

    /// One edit by its group number, as the history tells it (the undo notice names what it
    /// reverted this way).
    pub fn edit(&self, group: i64, lang: Lang, offset: FixedOffset) -> Result<Edit> {
        let head = self.group_head(group)?;
        let mut names = Names::new(self.conn())?;
        let undone = self.undone_groups(Some(head.first_id))?;
        self.edit_of(&head, &undone, lang, offset, &mut names)
    }

    /// Everyone who has changed the file, for the history's person filter, by name.
    pub fn history_authors(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn()
            .prepare("SELECT DISTINCT author FROM change_log ORDER BY author")?;
        let authors = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(authors)
    }

    fn group_head(&self, group: i64) -> Result<GroupHead> {
        let head = self
            .conn()
            .prepare_cached(
                "SELECT MIN(id), MAX(id), undoes_tx, at, author FROM change_log \
                 WHERE tx_id = ?1 OR id = ?1",
            )?
            .query_row([group], |r| {
                Ok((
                    r.get::<_, Option<i64>>(0)?,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            })?;
        match head {
            (Some(first_id), Some(last_id), undoes, Some(at), Some(author)) => Ok(GroupHead {
                key: group,
                first_id,
                last_id,
                at,
                author,
                undoes,
            }),
            _ => Err(Error::invalid(
                "变更编号",
                group.to_string(),
                "变更记录中没有这一编号，请刷新后重试",
            )),
        }
    }

    /// The groups a later undo reverted, among those from `oldest` on.
    fn undone_groups(&self, oldest: Option<i64>) -> Result<HashSet<i64>> {
        let Some(oldest) = oldest else {
            return Ok(HashSet::new());
        };
        // An undo comes after what it reverts: a range of the primary key, one pass
        // (undoes_tx has no index).
        let mut stmt = self.conn().prepare_cached(
            "SELECT DISTINCT undoes_tx FROM change_log WHERE id >= ?1 AND undoes_tx IS NOT NULL",
        )?;
        let groups = stmt
            .query_map([oldest], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(groups)
    }

    /// The first rows of a group (in the order written) and its row counts by table and op.
    fn group_rows(&self, head: &GroupHead) -> Result<GroupRows> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, op, table_name, row_id, changes FROM change_log \
             WHERE id BETWEEN ?1 AND ?2 AND COALESCE(tx_id, id) = ?3 ORDER BY id LIMIT ?4",
        )?;
        let rows = stmt
            .query_map(
                rusqlite::params![
                    head.first_id,
                    head.last_id,
                    head.key,
                    DETAIL_ROWS as i64 * 4
                ],
                |r| {
                    let changes: String = r.get(4)?;
                    Ok(LogRow {
                        id: r.get(0)?,
                        op: r.get(1)?,
                        table: r.get(2)?,
                        row_id: r.get(3)?,
                        changes: match serde_json::from_str::<Value>(&changes) {
                            Ok(Value::Object(m)) => m,
                            _ => Map::new(),
                        },
                    })
                },
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut counts: HashMap<(String, String), u64> = HashMap::new();
        let mut stmt = self.conn().prepare_cached(
            "SELECT table_name, op, COUNT(*) FROM change_log \
             WHERE id BETWEEN ?1 AND ?2 AND COALESCE(tx_id, id) = ?3 GROUP BY 1, 2",
        )?;
        for row in stmt.query_map(
            rusqlite::params![head.first_id, head.last_id, head.key],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            },
        )? {
            let (table, op, n) = row?;
            counts.insert((table, op), u64::try_from(n).unwrap_or(0));
        }
        Ok(GroupRows { rows, counts })
    }

    fn edit_of(
        &self,
        head: &GroupHead,
        undone: &HashSet<i64>,
        lang: Lang,
        offset: FixedOffset,
        names: &mut Names<'_>,
    ) -> Result<Edit> {
        let group = self.group_rows(head)?;
        let mut gist = describe(&group, head.undoes.is_some(), lang, names)?;
        let reverted = match head.undoes {
            Some(g) => {
                let reverted_head = self.group_head(g)?;
                let reverted_rows = self.group_rows(&reverted_head)?;
                let reverted_gist = describe(&reverted_rows, false, lang, names)?;
                // An undo is told by what it reverted: 撤销 标记完成 里程碑「…」.
                gist = Gist::new(
                    Action::Undo,
                    reverted_gist.text.clone(),
                    gist.project.or_else(|| reverted_gist.project.clone()),
                    lang,
                );
                Some(Reverted {
                    group: g,
                    author: reverted_head.author.clone(),
                    time: words::time_text(lang, &reverted_head.at, offset),
                    gist: reverted_gist,
                })
            }
            None => None,
        };
        let mut rows = Vec::new();
        for row in group.rows.iter().filter(|r| is_detail(r)).take(DETAIL_ROWS) {
            rows.push(row_change(row, lang, names)?);
        }
        let merged = self
            .conn()
            .prepare_cached(
                "SELECT origin_label, merged_by, merged_at, via FROM sync_origins WHERE tx_id = ?1",
            )?
            .query_row([head.key], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })
            .optional()?
            .map(|(from, merged_by, at, via)| MergedFrom {
                from,
                merged_by,
                time: words::time_text(lang, &at, offset),
                by_package: via == "package",
            });
        Ok(Edit {
            merged,
            group: head.key,
            at: head.at.clone(),
            time: words::time_text(lang, &head.at, offset),
            author: head.author.clone(),
            gist,
            rows,
            rows_total: group.counts.values().sum(),
            reverted,
            undone: undone.contains(&head.key),
        })
    }

    /// Whether any row of the group belongs to project `project`.
    fn group_touches(&self, head: &GroupHead, project: i64, names: &mut Names<'_>) -> Result<bool> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT table_name, row_id FROM change_log \
             WHERE id BETWEEN ?1 AND ?2 AND COALESCE(tx_id, id) = ?3 ORDER BY id",
        )?;
        let mut rows = stmt.query(rusqlite::params![head.first_id, head.last_id, head.key])?;
        while let Some(r) = rows.next()? {
            let table: String = r.get(0)?;
            let row_id: i64 = r.get(1)?;
            if names.project_of_row(&table, row_id)? == Some(project) {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests;
