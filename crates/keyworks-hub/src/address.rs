//! A server hub's address: a `postgresql://` URL as the user writes it, the same URL without
//! its password (the only form that is shown or stored), and the password looked up where
//! PostgreSQL's own tools look for it.

use std::path::PathBuf;
use std::str::FromStr;

use keyworks_core::Error;
use postgres::config::Host;

/// Whether `text` names a server hub rather than a file.
pub fn is_server(text: &str) -> bool {
    let lower = text.trim_start().to_ascii_lowercase();
    lower.starts_with("postgresql://") || lower.starts_with("postgres://")
}

/// A parsed server address.
#[derive(Clone)]
pub struct ServerAddress {
    /// The URL without a password: what messages show and a replica remembers.
    shown: String,
    config: postgres::Config,
}

impl std::fmt::Debug for ServerAddress {
    // Never print the configuration: it may hold the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("ServerAddress").field(&self.shown).finish()
    }
}

impl ServerAddress {
    /// Parses `url`. A password in the URL is used for this connection and never kept; without
    /// one, the password comes from `PGPASSWORD` or the pgpass file, as for `psql`.
    pub fn parse(url: &str) -> Result<ServerAddress, Error> {
        let url = url.trim();
        let shown = without_password(url);
        let bad = |detail: String| Error::HubUrl {
            url: shown.clone(),
            detail,
        };
        if !is_server(url) {
            return Err(bad("地址应以 postgresql:// 开头".into()));
        }
        let mut config = postgres::Config::from_str(url).map_err(|e| bad(e.to_string()))?;
        if config.get_dbname().is_none() {
            return Err(bad("地址中缺少数据库名".into()));
        }
        if config.get_user().is_none() {
            return Err(bad("地址中缺少用户名".into()));
        }
        if config.get_password().is_none() {
            if let Some(pw) = std::env::var_os("PGPASSWORD") {
                config.password(pw.to_string_lossy().as_bytes());
            } else if let Some(pw) = pgpass_password(&config) {
                config.password(pw.as_bytes());
            }
        }
        config.application_name("keyworks");
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(std::time::Duration::from_secs(10));
        }
        Ok(ServerAddress { shown, config })
    }

    /// The address with `password` for its connections (one the person typed into the app for
    /// this session); the shown URL stays without it.
    pub fn with_password(mut self, password: Option<&str>) -> ServerAddress {
        if let Some(pw) = password.filter(|p| !p.is_empty()) {
            self.config.password(pw.as_bytes());
        }
        self
    }

    /// The URL without its password.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// A short name for the change log's origins: `host/database`.
    pub fn label(&self) -> String {
        let host = match self.config.get_hosts().first() {
            Some(Host::Tcp(h)) => h.clone(),
            // Unix sockets exist only on Unix; on Windows the match is whole without them.
            #[cfg(unix)]
            Some(Host::Unix(p)) => p.display().to_string(),
            None => "localhost".into(),
        };
        format!("{host}/{}", self.config.get_dbname().unwrap_or_default())
    }

    pub fn user(&self) -> &str {
        self.config.get_user().unwrap_or_default()
    }

    pub(crate) fn config(&self) -> &postgres::Config {
        &self.config
    }
}

/// `postgresql://user:secret@host/db` → `postgresql://user@host/db`.
pub fn without_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_owned();
    };
    let user = authority[..at].split(':').next().unwrap_or_default();
    format!("{}{}{}", &url[..scheme_end + 3], user, &rest[at..])
}

/// The pgpass file as libpq finds it: `PGPASSFILE`, else `%APPDATA%\postgresql\pgpass.conf`
/// on Windows and `~/.pgpass` elsewhere.
fn pgpass_file() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PGPASSFILE") {
        return Some(PathBuf::from(p));
    }
    if cfg!(windows) {
        dirs::config_dir().map(|d| d.join("postgresql").join("pgpass.conf"))
    } else {
        dirs::home_dir().map(|d| d.join(".pgpass"))
    }
}

/// The password for this connection in the pgpass file (`host:port:database:user:password`,
/// `*` matching anything, a Unix socket matching `localhost`).
fn pgpass_password(config: &postgres::Config) -> Option<String> {
    let text = std::fs::read_to_string(pgpass_file()?).ok()?;
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        _ => "localhost".to_owned(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let wanted = [
        host.as_str(),
        port.as_str(),
        config.get_dbname().unwrap_or_default(),
        config.get_user().unwrap_or_default(),
    ];
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .find_map(|line| {
            let fields = split_pgpass(line);
            if fields.len() != 5 {
                return None;
            }
            let matches = fields[..4]
                .iter()
                .zip(wanted)
                .all(|(have, want)| have == "*" || have == want);
            matches.then(|| fields[4].clone())
        })
}

/// One pgpass line split at unescaped colons (`\:` and `\\` are a colon and a backslash).
fn split_pgpass(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(next), Some(last)) = (chars.next(), fields.last_mut()) {
                    last.push(next);
                }
            }
            ':' => fields.push(String::new()),
            c => {
                if let Some(last) = fields.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_never_reaches_the_shown_url() {
        assert_eq!(
            without_password("postgresql://kw:s3cr@t@db.zone.local:5433/keyworks?sslmode=disable"),
            "postgresql://kw@db.zone.local:5433/keyworks?sslmode=disable"
        );
        assert_eq!(
            without_password("postgresql://kw@db/keyworks"),
            "postgresql://kw@db/keyworks"
        );
        assert_eq!(
            without_password("postgresql:///keyworks?host=/tmp"),
            "postgresql:///keyworks?host=/tmp"
        );
        let a = ServerAddress::parse("postgresql://kw:topsecret@db.zone.local/keyworks").unwrap();
        assert!(!format!("{a:?}").contains("topsecret"));
        assert_eq!(a.label(), "db.zone.local/keyworks");
    }

    #[test]
    fn a_url_without_database_or_user_or_of_another_kind_is_refused_in_words() {
        for bad in [
            "postgresql://db.zone.local",
            "postgresql://kw@db.zone.local",
            "mysql://kw@db/keyworks",
            "postgresql://kw@db:notaport/keyworks",
        ] {
            match ServerAddress::parse(bad) {
                Err(Error::HubUrl { .. }) => {}
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn pgpass_lines_split_at_unescaped_colons() {
        assert_eq!(
            split_pgpass(r"db:5432:keyworks:kw:pa\:ss\\word"),
            ["db", "5432", "keyworks", "kw", r"pa:ss\word"]
        );
    }
}
