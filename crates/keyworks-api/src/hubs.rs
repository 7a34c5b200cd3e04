//! Sync with a hub wherever it is: a shared file or a PostgreSQL server. A hub is named by
//! what the user types (a path, or a `postgresql://` URL); a replica remembers the path or the
//! URL without its password. Both faces call these, never the file or server variants.

use std::path::{Path, PathBuf};

use keyworks_core::audit::verify::VerifyReport;
use keyworks_core::sync::package::PackageOutcome;
use keyworks_core::sync::{Decisions, ReplicaMade, SyncOutcome};
use keyworks_core::{Access, Db, Error, Stamp};
use keyworks_hub::ServerAddress;
use keyworks_hub::address::is_server;
use keyworks_hub::use_cases::{self as server, HubLoaded};

/// Where a hub is.
#[derive(Debug, Clone)]
pub enum HubAddress {
    File(PathBuf),
    Server(Box<ServerAddress>),
}

impl HubAddress {
    /// A `postgresql://` URL is a server; anything else is a file's path.
    pub fn parse(text: &str) -> Result<HubAddress, Error> {
        HubAddress::parse_with(text, None)
    }

    /// As `parse`, with the password the person typed for this session (a server's only).
    pub fn parse_with(text: &str, password: Option<&str>) -> Result<HubAddress, Error> {
        if is_server(text) {
            Ok(HubAddress::Server(Box::new(
                ServerAddress::parse(text)?.with_password(password),
            )))
        } else {
            Ok(HubAddress::File(PathBuf::from(text)))
        }
    }

    /// As messages show it: a path, or a URL without its password.
    pub fn shown(&self) -> String {
        match self {
            HubAddress::File(p) => p.display().to_string(),
            HubAddress::Server(a) => a.shown().to_owned(),
        }
    }
}

/// Syncs the replica `db` with `hub`, or with the hub it remembers; `password` is for a
/// server hub whose URL has none (else PGPASSWORD or the pgpass file is used).
pub fn sync(
    db: &mut Db,
    hub: Option<&str>,
    password: Option<&str>,
    decisions: &Decisions,
    merger: &Stamp,
) -> Result<SyncOutcome, Error> {
    let text = match hub {
        Some(h) => h.to_owned(),
        None => db.remembered_hub()?,
    };
    match HubAddress::parse_with(&text, password)? {
        HubAddress::File(path) => db.sync_with_file(&path, decisions, merger),
        HubAddress::Server(address) => server::sync(db, &address, decisions, merger),
    }
}

/// Makes `out` an offline replica of the hub `from`; `password` as for `sync`.
pub fn create_replica(
    from: &str,
    password: Option<&str>,
    out: &Path,
    label: &str,
    stamp: &Stamp,
) -> Result<ReplicaMade, Error> {
    match HubAddress::parse_with(from, password)? {
        HubAddress::File(path) => {
            Db::open_checked(&path, Access::ReadWrite)?.create_replica(out, label, stamp)
        }
        HubAddress::Server(address) => server::create_replica(&address, out, label, stamp),
    }
}

/// Applies the change package at `package` to the hub `hub`.
pub fn apply_changes(
    hub: &str,
    package: &Path,
    decisions: &Decisions,
    merger: &Stamp,
) -> Result<PackageOutcome, Error> {
    match HubAddress::parse(hub)? {
        HubAddress::File(path) => {
            Db::open_checked(&path, Access::ReadWrite)?.apply_changes(package, decisions, merger)
        }
        HubAddress::Server(address) => server::apply_changes(&address, package, decisions, merger),
    }
}

/// The server hub a replica syncs with when `preferred` (the app's preference) names one: the
/// preference replaces the URL a replica of a server remembers (the server moved), and
/// leaves a replica of a file alone.
pub fn preferred_hub(db: &Db, preferred: &str) -> Result<Option<String>, Error> {
    let preferred = preferred.trim();
    if preferred.is_empty() || !is_server(&db.remembered_hub()?) {
        return Ok(None);
    }
    Ok(Some(preferred.to_owned()))
}

/// A server URL as it may be stored: checked, and without its password.
pub fn storable_server_url(url: &str) -> Result<String, Error> {
    Ok(ServerAddress::parse(url)?.shown().to_owned())
}

/// Loads the shared file `from` into the empty server database at `url`.
pub fn init_server(url: &str, from: &Path, stamp: &Stamp) -> Result<HubLoaded, Error> {
    server::init(&ServerAddress::parse(url)?, from, stamp)
}

/// Brings the server hub at `url` to this program's schema version.
pub fn upgrade_server(url: &str) -> Result<server::HubUpgraded, Error> {
    server::upgrade(&ServerAddress::parse(url)?)
}

/// Verifies the server hub at `url` (its hash chain, its rows against the log).
pub fn verify_server(url: &str) -> Result<(VerifyReport, i64), Error> {
    let done = server::verify(&ServerAddress::parse(url)?)?;
    Ok((done.report, done.last_change))
}
