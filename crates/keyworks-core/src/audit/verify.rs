//! `verify`: can an auditor trust this file? Checks SQLite's integrity, the change log's hash
//! chain, and that every row equals what the change log last recorded for it, so a change made
//! outside KeyWorks (say with the sqlite3 shell) is found and named.
//!
//! Each change-log row stores `hash = sha256(JSON [prev_hash, at, author, op, table, row_id,
//! changes])` and the previous row's hash (migration 2). Deleting the newest log rows *and*
//! reverting their data together is the one change this cannot see.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::audit::change_log::row_hash;
use crate::audit::row_state::{json_of, same_value};
use crate::error::Result;
use crate::store::db::Db;

/// The tables whose every row is written through the change log.
pub const LOGGED_TABLES: &[&str] = &[
    "portfolio",
    "calendars",
    "calendar_exceptions",
    "projects",
    "targets",
    "tasks",
    "dependencies",
    "weekly_updates",
    "baselines",
    "baseline_tasks",
    "investment_plans",
    "investment_months",
    "approvals",
    "problems",
    "photos",
];

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Finding {
    /// SQLite's own `integrity_check` found damage.
    Integrity { detail: String },
    /// A change-log row whose hash or link to the previous row does not hold.
    BrokenLink { log_id: i64, reason: String },
    /// A row whose field differs from what the log last recorded.
    RowChanged {
        table: String,
        row_id: i64,
        field: String,
        logged: Value,
        actual: Value,
    },
    /// A row the log says exists but the table lacks.
    RowMissing { table: String, row_id: i64 },
    /// A row the log never recorded.
    RowUnlogged { table: String, row_id: i64 },
    /// A stored photo whose bytes no longer match the hash they were stored (and logged) under.
    PhotoChanged { sha256: String },
}

/// What kind of problem a finding is, as a closed vocabulary every face branches on (the
/// app's verify dialog, `verify --json`'s `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    Integrity,
    BrokenLink,
    RowChanged,
    RowMissing,
    RowUnlogged,
    PhotoChanged,
}

impl Finding {
    pub fn kind(&self) -> FindingKind {
        match self {
            Finding::Integrity { .. } => FindingKind::Integrity,
            Finding::BrokenLink { .. } => FindingKind::BrokenLink,
            Finding::RowChanged { .. } => FindingKind::RowChanged,
            Finding::RowMissing { .. } => FindingKind::RowMissing,
            Finding::RowUnlogged { .. } => FindingKind::RowUnlogged,
            Finding::PhotoChanged { .. } => FindingKind::PhotoChanged,
        }
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Finding::Integrity { detail } => write!(f, "数据库完整性检查失败：{detail}"),
            Finding::BrokenLink { log_id, reason } => {
                write!(f, "变更记录第 {log_id} 条的校验链断开：{reason}")
            }
            Finding::RowChanged {
                table,
                row_id,
                field,
                logged,
                actual,
            } => write!(
                f,
                "表 {table} 第 {row_id} 行的字段 {field} 被绕过 KeyWorks 修改：变更记录为 {logged}，实际为 {actual}"
            ),
            Finding::RowMissing { table, row_id } => {
                write!(
                    f,
                    "表 {table} 第 {row_id} 行被绕过 KeyWorks 删除（变更记录中仍存在）"
                )
            }
            Finding::RowUnlogged { table, row_id } => {
                write!(
                    f,
                    "表 {table} 第 {row_id} 行没有变更记录，是绕过 KeyWorks 写入的"
                )
            }
            Finding::PhotoChanged { sha256 } => {
                write!(
                    f,
                    "照片 {} 的内容与登记时的校验码不符，被绕过 KeyWorks 改动",
                    &sha256[..sha256.len().min(12)]
                )
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifyReport {
    pub log_rows: u64,
    pub rows_checked: u64,
    /// In the order found: integrity first, then the chain, then the rows. Empty when trustworthy.
    pub findings: Vec<Finding>,
}

impl VerifyReport {
    pub fn is_ok(&self) -> bool {
        self.findings.is_empty()
    }
}

/// SQLite values as the change log's JSON has them.
impl Db {
    pub fn verify(&self) -> Result<VerifyReport> {
        let conn = self.conn();
        let mut findings = Vec::new();

        let integrity: Vec<String> = conn
            .prepare("PRAGMA integrity_check")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if integrity != ["ok"] {
            findings.extend(
                integrity
                    .into_iter()
                    .map(|detail| Finding::Integrity { detail }),
            );
        }

        // Replay the log into the state it says each row is in, checking the chain as we go.
        let mut expected: BTreeMap<(String, i64), Map<String, Value>> = BTreeMap::new();
        let mut log_rows = 0u64;
        let mut prev = String::new();
        let mut chain_broken = false;
        let mut stmt = conn.prepare(
            "SELECT id, at, author, op, table_name, row_id, changes, prev_hash, hash FROM change_log ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            log_rows += 1;
            let id: i64 = r.get(0)?;
            let (at, author, op, table): (String, String, String, String) =
                (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
            let row_id: i64 = r.get(5)?;
            let changes: String = r.get(6)?;
            let (prev_hash, hash): (String, String) = (r.get(7)?, r.get(8)?);
            if !chain_broken {
                let reason = if prev_hash != prev {
                    Some("与上一条记录的哈希不相连（有记录被删除、插入或改动）")
                } else if row_hash(&prev_hash, &at, &author, &op, &table, row_id, &changes) != hash
                {
                    Some("内容与其哈希不符（该记录被改动）")
                } else {
                    None
                };
                if let Some(reason) = reason {
                    findings.push(Finding::BrokenLink {
                        log_id: id,
                        reason: reason.to_owned(),
                    });
                    // Past the first break every later link is suspect; one finding says it.
                    chain_broken = true;
                }
            }
            prev = hash;
            if !LOGGED_TABLES.contains(&table.as_str()) {
                continue;
            }
            let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(&changes) else {
                continue; // an unreadable entry already breaks the chain above
            };
            let key = (table, row_id);
            match op.as_str() {
                "delete" => {
                    expected.remove(&key);
                }
                _ => {
                    let state = expected.entry(key).or_default();
                    for (field, pair) in fields {
                        let after = pair.get(1).cloned().unwrap_or(Value::Null);
                        state.insert(field, after);
                    }
                }
            }
        }
        drop(rows);
        drop(stmt);

        let mut rows_checked = 0u64;
        for table in LOGGED_TABLES {
            let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY id"))?;
            let names: Vec<String> = stmt.column_names().map(str::to_owned).collect();
            let mut rows = stmt.query([])?;
            let mut seen = std::collections::BTreeSet::new();
            while let Some(r) = rows.next()? {
                rows_checked += 1;
                let row_id: i64 = r.get("id")?;
                seen.insert(row_id);
                let Some(logged) = expected.get(&((*table).to_owned(), row_id)) else {
                    findings.push(Finding::RowUnlogged {
                        table: (*table).to_owned(),
                        row_id,
                    });
                    continue;
                };
                for (i, name) in names.iter().enumerate() {
                    if name == "id" {
                        continue;
                    }
                    let actual = json_of(r.get_ref(i)?);
                    let want = logged.get(name).cloned().unwrap_or(Value::Null);
                    if !same_value(&want, &actual) {
                        findings.push(Finding::RowChanged {
                            table: (*table).to_owned(),
                            row_id,
                            field: name.clone(),
                            logged: want,
                            actual,
                        });
                    }
                }
            }
            for ((t, row_id), _) in
                expected.range(((*table).to_owned(), i64::MIN)..=((*table).to_owned(), i64::MAX))
            {
                if t == table && !seen.contains(row_id) {
                    findings.push(Finding::RowMissing {
                        table: t.clone(),
                        row_id: *row_id,
                    });
                }
            }
        }

        // Photos' bytes are not logged (they never change); each must still hash to its key,
        // which the logged photos row carries.
        let mut stmt = conn.prepare("SELECT sha256, jpeg FROM photo_files ORDER BY sha256")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            rows_checked += 1;
            let sha256: String = r.get(0)?;
            let jpeg = r.get_ref(1)?.as_blob().unwrap_or_default();
            if crate::portfolio::photo_file::sha256_hex(jpeg) != sha256 {
                findings.push(Finding::PhotoChanged { sha256 });
            }
        }
        Ok(VerifyReport {
            log_rows,
            rows_checked,
            findings,
        })
    }
}
