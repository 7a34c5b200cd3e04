//! The one owner of the SQLite connection: opening and checking files, migrations,
//! and the transaction every write goes through.

use std::fs::OpenOptions;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::error::{Error, Result};

/// `PRAGMA application_id` of every KeyWorks file: "KWks" in ASCII.
pub const APPLICATION_ID: i32 = 0x4B57_6B73;

/// One schema step: a SQL script, then optionally Rust work SQL cannot do (hashing).
struct Migration {
    sql: &'static str,
    after: Option<fn(&Transaction<'_>) -> Result<()>>,
}

/// Numbered migrations; migration N brings a file to `user_version` N.
/// Shipped entries are never edited: add a new file instead. A migration that adds logged
/// fields runs `fill_field_labels` after it (the auditors' views join `field_labels`, since 10).
const MIGRATIONS: &[Migration] = &[
    Migration {
        sql: include_str!("../../migrations/0001_initial.sql"),
        after: None,
    },
    Migration {
        sql: include_str!("../../migrations/0002_change_log_chain.sql"),
        after: Some(crate::audit::change_log::chain_existing_rows),
    },
    Migration {
        sql: include_str!("../../migrations/0003_task_constraints.sql"),
        after: None,
    },
    Migration {
        sql: include_str!("../../migrations/0004_change_log_tx.sql"),
        after: None,
    },
    Migration {
        sql: include_str!("../../migrations/0005_readable_change_views.sql"),
        after: None,
    },
    Migration {
        sql: include_str!("../../migrations/0006_replicas.sql"),
        after: None,
    },
    Migration {
        sql: include_str!("../../migrations/0007_supervision.sql"),
        after: Some(crate::supervision::legacy_money::carry_over),
    },
    Migration {
        sql: include_str!("../../migrations/0008_approvals.sql"),
        after: None,
    },
    Migration {
        sql: include_str!("../../migrations/0009_problems.sql"),
        after: None,
    },
    Migration {
        sql: include_str!("../../migrations/0010_photos.sql"),
        after: Some(crate::audit::history::words::fill_field_labels),
    },
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// How long a statement waits for another process's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ReadWrite,
    /// Nothing reaches the file; a file that needs a migration is refused.
    ReadOnly,
}

/// A KeyWorks database: one connection, reads through `&self`, writes through `&mut self`.
#[derive(Debug)]
pub struct Db {
    conn: Connection,
    path: Option<PathBuf>,
    access: Access,
}

/// What the 100-byte SQLite header says, read before SQLite touches the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Header {
    user_version: u32,
    application_id: i32,
}

fn be_u32(bytes: &[u8], at: usize) -> u32 {
    let mut b = [0u8; 4];
    b.copy_from_slice(&bytes[at..at + 4]);
    u32::from_be_bytes(b)
}

/// Checks that `path` is a complete SQLite file written by KeyWorks at a version we can read,
/// using only a plain read of its header, so that a wrong file is never modified.
fn inspect(path: &Path) -> Result<Header> {
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::FileNotFound {
                path: path.to_owned(),
            });
        }
        Err(e) => return Err(io(e)),
    };
    if !meta.is_file() {
        return Err(Error::NotSqlite {
            path: path.to_owned(),
        });
    }
    let len = meta.len();
    if len == 0 {
        return Err(Error::NotKeyWorks {
            path: path.to_owned(),
        });
    }
    let mut header = Vec::with_capacity(100);
    std::fs::File::open(path)
        .map_err(io)?
        .take(100)
        .read_to_end(&mut header)
        .map_err(io)?;
    let magic_len = header.len().min(SQLITE_MAGIC.len());
    if header[..magic_len] != SQLITE_MAGIC[..magic_len] {
        return Err(Error::NotSqlite {
            path: path.to_owned(),
        });
    }
    if header.len() < 100 {
        return Err(Error::Truncated {
            path: path.to_owned(),
            expected: 100,
            actual: len,
        });
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536u64,
        n if n >= 512 && n.is_power_of_two() => u64::from(n),
        _ => {
            return Err(Error::Corrupt {
                path: path.to_owned(),
                detail: "页大小无效".to_owned(),
            });
        }
    };
    // The in-header page count is trustworthy only when the version-valid-for number
    // equals the change counter (SQLite file format §1.3.7).
    let pages = u64::from(be_u32(&header, 28));
    if be_u32(&header, 92) == be_u32(&header, 24) && pages > 0 && len < pages * page_size {
        // This plain read took no SQLite lock: a writer may be mid-commit, its new header
        // written before the pages that extend the file. Ask again under a shared lock.
        confirm_truncated(path, pages * page_size)?;
    }
    Ok(Header {
        user_version: be_u32(&header, 60),
        application_id: be_u32(&header, 68) as i32,
    })
}

/// Re-checks the file's length against its page count while holding SQLite's shared lock, so
/// no commit can be under way; fails with `Truncated` only if the file really is short.
/// Read-only: nothing reaches the file.
fn confirm_truncated(path: &Path, header_expected: u64) -> Result<()> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| classify_open_error(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let sizes = (|| -> rusqlite::Result<(u64, u64)> {
        conn.execute_batch("BEGIN")?;
        // Reading the schema takes the shared lock, held until the end of the transaction.
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
        let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        let page_size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        Ok((pages.max(0) as u64, page_size.max(0) as u64))
    })();
    let len = std::fs::metadata(path)
        .map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?
        .len();
    let _ = conn.execute_batch("ROLLBACK");
    match sizes {
        Ok((pages, page_size)) if len < pages * page_size => Err(Error::Truncated {
            path: path.to_owned(),
            expected: pages * page_size,
            actual: len,
        }),
        Ok(_) => Ok(()),
        Err(e) => match classify_open_error(path, e) {
            // SQLite could not even read it: a short file is still the best explanation.
            Error::Corrupt { .. } | Error::Sqlite(_) => Err(Error::Truncated {
                path: path.to_owned(),
                expected: header_expected,
                actual: len,
            }),
            other => Err(other),
        },
    }
}

impl Db {
    /// Opens an existing KeyWorks file. A file of an older schema is migrated when opened
    /// for writing; a file that is not KeyWorks, damaged or too new is refused untouched.
    pub fn open(path: &Path, access: Access) -> Result<Db> {
        crate::store::windows_paths::check(path)?;
        let header = inspect(path)?;
        if header.application_id != APPLICATION_ID {
            return Err(Error::NotKeyWorks {
                path: path.to_owned(),
            });
        }
        if header.user_version > SCHEMA_VERSION {
            return Err(Error::TooNew {
                path: path.to_owned(),
                file_version: header.user_version,
                supported: SCHEMA_VERSION,
            });
        }
        if access == Access::ReadOnly && header.user_version < SCHEMA_VERSION {
            return Err(Error::NeedsUpgrade {
                path: path.to_owned(),
                file_version: header.user_version,
                supported: SCHEMA_VERSION,
            });
        }
        if access == Access::ReadWrite {
            let meta = std::fs::metadata(path).map_err(|source| Error::Io {
                path: path.to_owned(),
                source,
            })?;
            // Honour the read-only attribute even for users (root, administrators)
            // whom the OS would let write anyway: someone marked it so on purpose.
            if meta.permissions().readonly() {
                return Err(Error::ReadOnlyFile {
                    path: path.to_owned(),
                });
            }
        }
        let flags = match access {
            Access::ReadWrite => OpenFlags::SQLITE_OPEN_READ_WRITE,
            Access::ReadOnly => OpenFlags::SQLITE_OPEN_READ_ONLY,
        } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            Connection::open_with_flags(path, flags).map_err(|e| classify_open_error(path, e))?;
        let mut db = Db {
            conn,
            path: Some(path.to_owned()),
            access,
        };
        if access == Access::ReadWrite && db.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true) {
            return Err(Error::ReadOnlyFile {
                path: path.to_owned(),
            });
        }
        db.configure()?;
        // Re-read through SQLite: catches damage that the header alone does not show.
        let version: u32 = db
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| classify_open_error(path, e))?;
        if access == Access::ReadWrite && version < SCHEMA_VERSION {
            // Files outlive versions: keep the file as it was before changing its schema.
            crate::store::backup::automatic_backup(&db, &format!("v{version}-before-upgrade"))?;
            db.migrate()?;
        }
        Ok(db)
    }

    /// `open`, then SQLite's `quick_check` over the whole file: what File → Open and the CLI do
    /// for a file someone hands them. (The app's own refreshes use `open` alone: quick_check
    /// reads every page, ~90 ms on a 40 MB file.)
    pub fn open_checked(path: &Path, access: Access) -> Result<Db> {
        let db = Db::open(path, access)?;
        db.quick_check()?;
        Ok(db)
    }

    /// SQLite's `quick_check`: structural damage is reported as `Error::Corrupt`.
    pub fn quick_check(&self) -> Result<()> {
        let path = self.path.clone().unwrap_or_default();
        let problems: Vec<String> = self
            .conn
            .prepare("PRAGMA quick_check")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .map_err(|e| classify_open_error(&path, e))?;
        if problems == ["ok"] {
            Ok(())
        } else {
            Err(Error::Corrupt {
                path,
                detail: problems.into_iter().take(3).collect::<Vec<_>>().join("；"),
            })
        }
    }

    /// Creates a new, empty KeyWorks file at the current schema. Refuses to touch an existing file.
    pub fn create(path: &Path) -> Result<Db> {
        crate::store::windows_paths::check(path)?;
        match OpenOptions::new().write(true).create_new(true).open(path) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(Error::AlreadyExists {
                    path: path.to_owned(),
                });
            }
            Err(source) => {
                return Err(Error::Io {
                    path: path.to_owned(),
                    source,
                });
            }
        }
        let created = (|| {
            let conn = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            let mut db = Db {
                conn,
                path: Some(path.to_owned()),
                access: Access::ReadWrite,
            };
            db.configure()?;
            db.migrate()?;
            Ok(db)
        })();
        if created.is_err() {
            // Nothing of value is in the half-made file: it was created by us just now.
            let _ = std::fs::remove_file(path);
        }
        created
    }

    /// A private database for tests and previews.
    pub fn open_in_memory() -> Result<Db> {
        let mut db = Db {
            conn: Connection::open_in_memory()?,
            path: None,
            access: Access::ReadWrite,
        };
        db.configure()?;
        db.migrate()?;
        Ok(db)
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn access(&self) -> Access {
        self.access
    }

    pub fn schema_version(&self) -> Result<u32> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    fn configure(&mut self) -> Result<()> {
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        self.conn.pragma_update(None, "foreign_keys", true)?;
        if self.access == Access::ReadWrite {
            // Files live on Windows shares, where WAL's shared memory does not work.
            let mode: String =
                self.conn
                    .pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("delete") && !mode.eq_ignore_ascii_case("memory") {
                return Err(Error::Sqlite(rusqlite::Error::InvalidParameterName(
                    format!("journal_mode stayed {mode}"),
                )));
            }
        }
        Ok(())
    }

    /// Applies every pending migration in one IMMEDIATE transaction.
    fn migrate(&mut self) -> Result<()> {
        let path = self.path.clone();
        self.write_tx(|tx| {
            let from: u32 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
            if from > SCHEMA_VERSION {
                return Err(Error::TooNew {
                    path: path.unwrap_or_default(),
                    file_version: from,
                    supported: SCHEMA_VERSION,
                });
            }
            for step in &MIGRATIONS[from as usize..] {
                tx.execute_batch(step.sql)?;
                if let Some(after) = step.after {
                    after(tx)?;
                }
            }
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
            Ok(())
        })
    }

    /// Runs the reads in `f` in one read transaction, so that what they return belongs to one
    /// state of the file: on a shared file another editor's commit cannot land between them.
    pub(crate) fn read_snapshot<T>(&self, f: impl FnOnce(&Db) -> Result<T>) -> Result<T> {
        let tx = self.conn.unchecked_transaction()?;
        let value = f(self)?;
        // Only reads happened: ending the transaction releases the shared lock.
        tx.commit()?;
        Ok(value)
    }

    /// Runs `f` in one IMMEDIATE transaction: all of it is committed, or none of it.
    pub(crate) fn write_tx<T>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        if self.access == Access::ReadOnly {
            return Err(Error::OpenedReadOnly);
        }
        let path = self.path.clone();
        let busy = |e: rusqlite::Error| match (e.sqlite_error_code(), &path) {
            (Some(rusqlite::ErrorCode::DatabaseBusy), Some(p)) => Error::Busy { path: p.clone() },
            _ => Error::from(e),
        };
        // SQLITE_FULL surfaces inside `f` (as Error::DiskFull without a path) or at commit;
        // either way the transaction is rolled back (dropped), and the message names the file.
        let with_path = |e: Error| match (e, &path) {
            (Error::DiskFull { .. }, Some(p)) => Error::DiskFull { path: p.clone() },
            (e, _) => e,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(busy)
            .map_err(with_path)?;
        // The change-log rows this transaction writes form one group (undo reverts a group).
        crate::audit::change_log::start_group(&tx).map_err(with_path)?;
        let value = f(&tx).map_err(with_path)?;
        tx.commit().map_err(busy).map_err(with_path)?;
        Ok(value)
    }
}

/// SQLITE_READONLY_ROLLBACK: a read-only connection met a hot journal it may not roll back.
const SQLITE_READONLY_ROLLBACK: std::ffi::c_int = 776;

fn classify_open_error(path: &Path, e: rusqlite::Error) -> Error {
    if let rusqlite::Error::SqliteFailure(f, _) = &e {
        if f.extended_code == SQLITE_READONLY_ROLLBACK {
            return Error::NeedsRecovery {
                path: path.to_owned(),
            };
        }
    }
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => Error::NotSqlite {
            path: path.to_owned(),
        },
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => Error::Corrupt {
            path: path.to_owned(),
            detail: e.to_string(),
        },
        Some(rusqlite::ErrorCode::DatabaseBusy) => Error::Busy {
            path: path.to_owned(),
        },
        Some(rusqlite::ErrorCode::ReadOnly) => Error::ReadOnlyFile {
            path: path.to_owned(),
        },
        _ => Error::from(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_database_is_marked_and_versioned() {
        let db = Db::open_in_memory().unwrap();
        let app: i32 = db
            .conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .unwrap();
        assert_eq!(app, APPLICATION_ID);
        assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
        let fk: bool = db
            .conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert!(fk);
    }

    #[test]
    fn reads_in_a_snapshot_see_one_state_of_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.sqlite");
        drop(Db::create(&path).unwrap());
        let reader = Db::open(&path, Access::ReadWrite).unwrap();
        // Another editor's connection that does not wait.
        let other = Connection::open(&path).unwrap();
        other.busy_timeout(std::time::Duration::ZERO).unwrap();
        let tables = |db: &Db| -> Result<i64> {
            Ok(db
                .conn
                .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?)
        };
        let (first, second, refused) = reader
            .read_snapshot(|db| {
                let first = tables(db)?;
                let refused = other.execute_batch("CREATE TABLE t(x)").is_err();
                Ok((first, tables(db)?, refused))
            })
            .unwrap();
        assert!(refused, "a commit landed in the middle of the snapshot");
        assert_eq!(first, second);
        // The snapshot over, the other editor commits and the next read sees it.
        other.execute_batch("CREATE TABLE t(x)").unwrap();
        assert_eq!(tables(&reader).unwrap(), first + 1);
    }

    #[test]
    fn files_use_the_rollback_journal_not_wal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.sqlite");
        drop(Db::create(&path).unwrap());
        let db = Db::open(&path, Access::ReadWrite).unwrap();
        let mode: String = db
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "delete");
        assert!(!dir.path().join("a.sqlite-wal").exists());
    }

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let mut db = Db::open_in_memory().unwrap();
        let r: Result<()> = db.write_tx(|tx| {
            tx.execute(
                "INSERT INTO portfolio (id, name, year, organisation) VALUES (1, 'x', 2021, 'y')",
                [],
            )?;
            Err(Error::invalid("test", "x", "forced failure"))
        });
        assert!(r.is_err());
        let n: i64 = db
            .conn
            .query_row("SELECT count(*) FROM portfolio", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
    }

    #[test]
    fn read_only_connection_refuses_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.sqlite");
        drop(Db::create(&path).unwrap());
        let mut db = Db::open(&path, Access::ReadOnly).unwrap();
        let e = db.write_tx(|_| Ok(())).unwrap_err();
        assert!(matches!(e, Error::OpenedReadOnly));
    }
}
