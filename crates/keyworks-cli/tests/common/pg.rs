//! A private PostgreSQL server for the tests that need one (scripts/pg-private.sh): the one
//! the test script started (`KEYWORKS_TEST_PG`, its admin URL), else one started here that
//! stops by itself when this test binary ends. Each test gets a database of its own.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// The server: its admin URL (Unix socket, trusted), its folder and its TCP port.
#[derive(Debug)]
pub struct Server {
    pub admin_url: String,
    pub dir: PathBuf,
    pub port: u16,
}

/// The superuser's password on TCP connections (scripts/pg-private.sh sets it).
pub const ADMIN_PASSWORD: &str = "kw-admin-secret";

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/pg-private.sh")
}

fn parse_admin(url: &str) -> Server {
    let query = url.split('?').nth(1).unwrap_or_default();
    let mut dir = PathBuf::new();
    let mut port = 0;
    for pair in query.split('&') {
        if let Some(v) = pair.strip_prefix("host=") {
            dir = PathBuf::from(v);
        } else if let Some(v) = pair.strip_prefix("port=") {
            port = v.parse().unwrap();
        }
    }
    Server {
        admin_url: url.to_owned(),
        dir,
        port,
    }
}

pub fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| match std::env::var("KEYWORKS_TEST_PG") {
        Ok(url) => parse_admin(&url),
        Err(_) => Server::start_private("shared"),
    })
}

impl Server {
    /// A server of this test binary's own, stopped and its folder removed when the binary
    /// ends (pg-private.sh watches this process).
    pub fn start_private(tag: &str) -> Server {
        // A short folder: a Unix socket's path may not exceed ~100 bytes.
        let dir = PathBuf::from(format!("/tmp/kwpg-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        set_open(&dir);
        let out = Command::new("bash")
            .arg(script())
            .arg("start")
            .arg(&dir)
            .arg("")
            .arg(std::process::id().to_string())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "could not start a private PostgreSQL server (install postgresql): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        parse_admin(String::from_utf8_lossy(&out.stdout).trim())
    }

    pub fn admin(&self) -> postgres::Client {
        postgres::Client::connect(&self.admin_url, postgres::NoTls).unwrap()
    }

    /// A new empty database; returns its name.
    pub fn fresh_database(&self, tag: &str) -> String {
        static N: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "kw_{tag}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        self.admin()
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        name
    }

    /// The superuser's URL for `db` over the Unix socket (trusted: no password needed).
    pub fn socket_url(&self, db: &str) -> String {
        format!(
            "postgresql://postgres@/{db}?host={}&port={}",
            self.dir.display(),
            self.port
        )
    }

    /// `pg_ctl restart`.
    pub fn restart(&self) {
        let ok = Command::new("bash")
            .arg(script())
            .arg("restart")
            .arg(&self.dir)
            .status()
            .unwrap()
            .success();
        assert!(ok, "pg_ctl restart failed");
    }
}

/// The server process runs as user postgres when the tests run as root: it must be able to
/// enter the folder.
fn set_open(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
}

pub fn admin() -> postgres::Client {
    server().admin()
}

pub fn fresh_database(tag: &str) -> String {
    server().fresh_database(tag)
}

pub fn socket_url(db: &str) -> String {
    server().socket_url(db)
}

/// `user`'s URL for `db` over loopback TCP, where a password is required.
pub fn tcp_url(user: &str, password: Option<&str>, db: &str) -> String {
    let s = server();
    match password {
        Some(pw) => format!("postgresql://{user}:{pw}@127.0.0.1:{}/{db}", s.port),
        None => format!("postgresql://{user}@127.0.0.1:{}/{db}", s.port),
    }
}

pub fn client(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).unwrap()
}

/// Everything a server hub holds, as one digest: equal digests, nothing changed.
pub fn fingerprint(url: &str) -> String {
    let mut c = client(url);
    let mut parts = Vec::new();
    let tables = std::iter::once("keyworks_hub")
        .chain(keyworks_core::audit::verify::LOGGED_TABLES.iter().copied())
        .chain(
            keyworks_core::sync::mirror::HUB_RECORD_TABLES
                .iter()
                .copied(),
        );
    for table in tables {
        let row = c
            .query_one(
                &format!(
                    "SELECT count(*), coalesce(md5(string_agg(to_jsonb(t)::text, '|' ORDER BY to_jsonb(t)::text)), '') FROM {table} t"
                ),
                &[],
            )
            .unwrap();
        let (n, digest): (i64, String) = (row.get(0), row.get(1));
        parts.push(format!("{table}:{n}:{digest}"));
    }
    parts.join("\n")
}

/// Weekly updates (id, narrative, percent) as one line each, the same for a file and a server.
pub fn file_updates(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT id, narrative, percent_complete FROM weekly_updates ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| {
        Ok(format!(
            "{}|{}|{}",
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, f64>(2)?
        ))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// The server hub's weekly updates, as `file_updates` writes them.
pub fn server_updates(url: &str) -> Vec<String> {
    client(url)
        .query(
            "SELECT id, narrative, percent_complete FROM weekly_updates ORDER BY id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{}|{}|{}",
                r.get::<_, i64>(0),
                r.get::<_, String>(1),
                r.get::<_, f64>(2)
            )
        })
        .collect()
}
