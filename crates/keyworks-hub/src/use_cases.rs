//! What a user does with a server hub: load one from a shared file, make a replica from it,
//! sync with it, apply a change package to it, verify it. Each write is one server
//! transaction that holds the hub's lock from its first read to its commit.

use std::path::Path;

use keyworks_core::audit::verify::VerifyReport;
use keyworks_core::sync::ReplicaMade;
use keyworks_core::sync::package::PackageOutcome;
use keyworks_core::sync::session::{HubSide, Publish};
use keyworks_core::sync::{Decisions, SyncOutcome};
use keyworks_core::{Access, Db, Error, Stamp};
use postgres::IsolationLevel;
use postgres::error::SqlState;

use crate::address::ServerAddress;
use crate::copy::level_copy;
use crate::schema::{MIGRATIONS, grants_sql, roles_sql, supported_version, views_sql};
use crate::server::{
    Server, hub_row, hub_row_any_version, last_change, read_complete, server_error, write_delta,
};

/// Runs `f` on a plain thread of its own. The `postgres` client drives a small runtime of its
/// own and panics when called inside another one, which is where the desktop app's async
/// commands run (Tauri's); a thread per use case costs nothing beside a network round trip.
fn on_plain_thread<T: Send>(f: impl FnOnce() -> Result<T, Error> + Send) -> Result<T, Error> {
    std::thread::scope(|s| {
        s.spawn(f)
            .join()
            .unwrap_or_else(|_| Err(Error::Internal("the server hub's thread panicked".into())))
    })
}

/// A hub just loaded onto a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubLoaded {
    pub url: String,
    pub file_id: String,
    pub projects: usize,
    pub changes: i64,
}

/// Loads the portfolio file `from` (its rows and its whole change log) into the empty
/// database at `address`, with the hub's schema, views and roles, in one server transaction.
pub fn init(address: &ServerAddress, from: &Path, stamp: &Stamp) -> Result<HubLoaded, Error> {
    on_plain_thread(|| init_here(address, from, stamp))
}

fn init_here(address: &ServerAddress, from: &Path, stamp: &Stamp) -> Result<HubLoaded, Error> {
    let source = Db::open_checked(from, Access::ReadOnly)?;
    let id = source.hub_identity()?;
    if id.hub_file_id.is_some() {
        return Err(Error::InvalidInput {
            field: "--from".into(),
            value: from.display().to_string(),
            expected: "这是一个离线副本；请用共享文件建立服务器".into(),
        });
    }
    let report = source.verify()?;
    if !report.is_ok() {
        return Err(Error::InvalidInput {
            field: "--from".into(),
            value: from.display().to_string(),
            expected: "此文件的变更记录未通过核验；请先运行 keyworks verify 查明原因".into(),
        });
    }
    let contents = source.hub_contents()?;
    drop(source);
    let mut server = Server::connect(address)?;
    let err = |e: postgres::Error| server_error(address, &e);
    let mut tx = server.client.transaction().map_err(err)?;
    let existing = tx
        .query_opt(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = 'public' ORDER BY 1 LIMIT 1",
            &[],
        )
        .map_err(err)?;
    if let Some(row) = existing {
        return Err(Error::HubNotEmpty {
            url: address.shown().to_owned(),
            table: row.get(0),
        });
    }
    for (_, sql) in MIGRATIONS {
        tx.batch_execute(sql).map_err(err)?;
    }
    tx.batch_execute(&views_sql()).map_err(err)?;
    let version = i32::try_from(supported_version()).unwrap_or(i32::MAX);
    let loaded_from = std::path::absolute(from)
        .unwrap_or_else(|_| from.to_owned())
        .display()
        .to_string();
    tx.execute(
        "INSERT INTO keyworks_hub (id, file_id, schema_version, loaded_from, loaded_by, loaded_at) \
         VALUES (1, $1, $2, $3, $4, $5)",
        &[
            &id.file_id,
            &version,
            &loaded_from,
            &stamp.author(),
            &stamp.at_text(),
        ],
    )
    .map_err(err)?;
    write_delta(&mut tx, &contents).map_err(err)?;
    let database: String = tx
        .query_one("SELECT current_database()::text", &[])
        .map_err(err)?
        .get(0);
    tx.batch_execute(&roles_sql(&database))
        .map_err(|e| match e.as_db_error() {
            Some(db) if *db.code() == SqlState::INSUFFICIENT_PRIVILEGE => Error::HubServer {
                url: address.shown().to_owned(),
                detail: format!(
                    "用户 {} 无权建立只读与读写角色（需要 CREATEROLE 权限）：{}",
                    address.user(),
                    db.message()
                ),
            },
            _ => err(e),
        })?;
    tx.commit().map_err(err)?;
    Ok(HubLoaded {
        url: address.shown().to_owned(),
        file_id: id.file_id,
        projects: contents
            .rows
            .iter()
            .filter(|r| r.table == "projects")
            .count(),
        changes: id.last_change,
    })
}

/// What `hub upgrade` did: the server's schema version before and after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HubUpgraded {
    pub from: u32,
    pub to: u32,
}

/// Brings the hub at `address` to this program's schema version, in one server transaction
/// under the hub's lock (no sync runs meanwhile); a server already current is left as it is.
pub fn upgrade(address: &ServerAddress) -> Result<HubUpgraded, Error> {
    on_plain_thread(|| upgrade_here(address))
}

fn upgrade_here(address: &ServerAddress) -> Result<HubUpgraded, Error> {
    let mut server = Server::connect(address)?;
    let err = |e: postgres::Error| server_error(address, &e);
    let mut tx = server.client.transaction().map_err(err)?;
    let hub = hub_row_any_version(&mut tx, address, true)?;
    let to = supported_version();
    if hub.schema_version == to {
        return Ok(HubUpgraded { from: to, to });
    }
    for (version, sql) in MIGRATIONS {
        if *version <= hub.schema_version {
            continue;
        }
        if *version == 7 {
            // A file carries schema 6's REAL figures over as logged changes, which a server
            // cannot hash by itself; KeyWorks never let anyone type them, so servers have none.
            let legacy: i64 = tx
                .query_one(
                    "SELECT count(*) FROM projects \
                     WHERE total_investment IS NOT NULL OR annual_investment IS NOT NULL",
                    &[],
                )
                .map_err(err)?
                .get(0);
            if legacy > 0 {
                return Err(Error::HubUpgrade {
                    url: address.shown().to_owned(),
                    detail: format!(
                        "有 {legacy} 个项目存有旧版的投资额（亿元），需随变更记录一并换算：\
                         请用本程序打开共享文件（会自动换算），再把它装入一个空数据库（keyworks hub init）"
                    ),
                });
            }
        }
        tx.batch_execute(sql).map_err(err)?;
    }
    tx.batch_execute(&views_sql()).map_err(err)?;
    let version = i32::try_from(to).unwrap_or(i32::MAX);
    tx.execute(
        "UPDATE keyworks_hub SET schema_version = $1 WHERE id = 1",
        &[&version],
    )
    .map_err(err)?;
    let database: String = tx
        .query_one("SELECT current_database()::text", &[])
        .map_err(err)?
        .get(0);
    tx.batch_execute(&grants_sql(&database)).map_err(err)?;
    tx.commit().map_err(err)?;
    Ok(HubUpgraded {
        from: hub.schema_version,
        to,
    })
}

/// Runs `f` on the copy of the hub, level with the server and under the hub's lock; what
/// `f`'s transaction writes in the copy is written on the server and committed there before
/// the copy commits. Without a write (conflicts, an error), the server transaction is rolled
/// back and the lock released.
fn with_hub<T>(
    address: &ServerAddress,
    f: impl FnOnce(HubSide<'_>) -> Result<T, Error>,
) -> Result<T, Error> {
    let mut server = Server::connect(address)?;
    let err = |e: postgres::Error| server_error(address, &e);
    let mut tx = server.client.transaction().map_err(err)?;
    let hub = hub_row(&mut tx, address, true)?;
    let mut copy = level_copy(&mut tx, address, &hub)?;
    let mut pending = Some(tx);
    let publish: Publish<'_> = Box::new(move |delta| {
        let mut tx = pending
            .take()
            .ok_or_else(|| Error::Internal("the server transaction was published twice".into()))?;
        write_delta(&mut tx, delta).map_err(err)?;
        tx.commit().map_err(err)
    });
    f(HubSide {
        db: &mut copy,
        address: address.shown().to_owned(),
        label: address.label(),
        publish: Some(publish),
    })
}

/// Makes `out` an offline replica of the server hub.
pub fn create_replica(
    address: &ServerAddress,
    out: &Path,
    label: &str,
    stamp: &Stamp,
) -> Result<ReplicaMade, Error> {
    on_plain_thread(|| {
        with_hub(address, |hub| {
            Db::create_replica_from(hub, out, label, stamp)
        })
    })
}

/// Syncs the replica `db` with the server hub.
pub fn sync(
    db: &mut Db,
    address: &ServerAddress,
    decisions: &Decisions,
    merger: &Stamp,
) -> Result<SyncOutcome, Error> {
    // Refused before the server is asked: a plain file gets NotAReplica.
    db.replica_hub()?;
    on_plain_thread(|| with_hub(address, |hub| db.sync_with_hub(hub, decisions, merger)))
}

/// Applies a change package to the server hub.
pub fn apply_changes(
    address: &ServerAddress,
    package: &Path,
    decisions: &Decisions,
    merger: &Stamp,
) -> Result<PackageOutcome, Error> {
    on_plain_thread(|| {
        with_hub(address, |hub| {
            Db::apply_changes_to(hub, package, decisions, merger)
        })
    })
}

/// What `keyworks verify --hub` found on the server.
#[derive(Debug)]
pub struct ServerVerified {
    pub report: VerifyReport,
    pub last_change: i64,
}

/// Checks the server hub as `keyworks verify` checks a file: its hash chain, and every row
/// against what the log says it should be. Reads one consistent snapshot (a read-only
/// REPEATABLE READ transaction) into a private in-memory file and verifies that; a reader
/// may run it.
pub fn verify(address: &ServerAddress) -> Result<ServerVerified, Error> {
    on_plain_thread(|| verify_here(address))
}

fn verify_here(address: &ServerAddress) -> Result<ServerVerified, Error> {
    let mut server = Server::connect(address)?;
    let err = |e: postgres::Error| server_error(address, &e);
    let mut tx = server
        .client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .map_err(err)?;
    let hub = hub_row(&mut tx, address, false)?;
    let everything = read_complete(&mut tx).map_err(err)?;
    let (last, _) = last_change(&mut tx).map_err(err)?;
    tx.commit().map_err(err)?;
    let mut copy = Db::open_in_memory()?;
    copy.apply_hub_delta(&hub.file_id, &everything)?;
    Ok(ServerVerified {
        report: copy.verify()?,
        last_change: last,
    })
}
