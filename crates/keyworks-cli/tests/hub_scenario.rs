//! The sync scenario, once, against each kind of hub: a shared file and a PostgreSQL server.
//! Officers make replicas, edit offline, meet a conflict, decide it, carry a change package
//! (applied twice), converge, and every hub and replica verifies. The hub is the parameter;
//! the steps and the checks are the same.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use predicates::prelude::*;
use rusqlite::Connection;
use serde_json::Value;

mod common;
use common::{as_person, keyworks, pg, portfolio_rows as data, sha256, verifies};

/// Where the officers' replicas sync to.
enum Hub {
    File(PathBuf),
    Server { url: String },
}

impl Hub {
    /// A new hub holding the seeded portfolio.
    fn new(kind: &str, dir: &Path) -> Hub {
        let shared = dir.join(format!("{kind} 共享.sqlite"));
        keyworks(&shared).arg("init").assert().success();
        match kind {
            "file" => Hub::File(shared),
            _ => {
                let url = pg::socket_url(&pg::fresh_database("scenario"));
                keyworks(&shared)
                    .args(["hub", "init", "--url", &url, "--from"])
                    .arg(&shared)
                    .assert()
                    .success()
                    .stdout(predicate::str::contains("15 个项目"));
                Hub::Server { url }
            }
        }
    }

    /// What `--hub` and `--from` take.
    fn arg(&self) -> OsString {
        match self {
            Hub::File(p) => p.clone().into_os_string(),
            Hub::Server { url } => url.into(),
        }
    }

    /// Everything the hub holds, as a digest: equal digests, nothing changed.
    fn fingerprint(&self) -> String {
        match self {
            Hub::File(p) => format!("{:x?}", sha256(p)),
            Hub::Server { url } => pg::fingerprint(url),
        }
    }

    /// The hub's portfolio rows, read as a fresh replica of it has them.
    fn data(&self, dir: &Path) -> String {
        let look = dir.join(format!("look-{}.sqlite", std::process::id()));
        let _ = std::fs::remove_file(&look);
        keyworks(&look)
            .args(["replica", "create", "--from"])
            .arg(self.arg())
            .arg("--out")
            .arg(&look)
            .assert()
            .success();
        let d = data(&look);
        std::fs::remove_file(&look).unwrap();
        d
    }

    /// `keyworks changes apply PACKAGE` on this hub.
    fn apply(&self, dir: &Path, package: &Path) -> assert_cmd::Command {
        let mut c = match self {
            Hub::File(p) => keyworks(p),
            Hub::Server { .. } => keyworks(&dir.join("unused.sqlite")),
        };
        c.args(["changes", "apply"]).arg(package);
        if let Hub::Server { url } = self {
            c.args(["--hub", url]);
        }
        c
    }

    fn verify(&self) {
        let mut c = match self {
            Hub::File(p) => keyworks(p),
            Hub::Server { .. } => keyworks(Path::new("unused.sqlite")),
        };
        c.arg("verify");
        if let Hub::Server { url } = self {
            c.args(["--hub", url]);
        }
        c.assert()
            .success()
            .stdout(predicate::str::contains("校验通过"));
    }

    /// Change groups in the hub's log written by `who`.
    fn groups_by(&self, who: &str) -> i64 {
        match self {
            Hub::File(p) => Connection::open(p)
                .unwrap()
                .query_row(
                    "SELECT count(DISTINCT tx_id) FROM change_log WHERE author = ?1",
                    [who],
                    |r| r.get(0),
                )
                .unwrap(),
            Hub::Server { url } => pg::client(url)
                .query_one(
                    "SELECT count(DISTINCT edit) FROM v_change_log WHERE author = $1",
                    &[&who],
                )
                .unwrap()
                .get(0),
        }
    }
}

const KINDS: [&str; 2] = ["file", "server"];

fn replicas(hub: &Hub, dir: &Path, names: &[&str]) -> Vec<PathBuf> {
    names
        .iter()
        .map(|n| {
            let out = dir.join(format!("{n}.sqlite"));
            as_person(&out, n)
                .args(["replica", "create", "--from"])
                .arg(hub.arg())
                .arg("--out")
                .arg(&out)
                .assert()
                .success()
                .stdout(predicate::str::contains("已创建离线副本"));
            out
        })
        .collect()
}

fn update(db: &Path, who: &str, code: &str, narrative: &str) {
    as_person(db, who)
        .args(["update", code, "--week", "2021-W24", "--percent", "40"])
        .args(["--status", "绿", "--narrative", narrative])
        .assert()
        .success();
}

#[test]
fn three_officers_a_conflict_kept_at_the_hub_and_convergence_against_either_hub() {
    for kind in KINDS {
        let dir = tempfile::tempdir().unwrap();
        let hub = Hub::new(kind, dir.path());
        let r = replicas(&hub, dir.path(), &["王工", "刘工", "陈工"]);
        update(&r[0], "王工", "KP21-01", "王工：主体封顶");
        update(&r[1], "刘工", "KP21-01", "刘工：外墙施工");
        update(&r[1], "刘工", "KP21-02", "刘工：设备进场");
        update(&r[2], "陈工", "KP21-03", "陈工：桩基完成");
        as_person(&r[1], "刘工")
            .args(["replica", "status"])
            .assert()
            .success()
            .stdout(predicate::str::contains("待上传：2 项变更"));

        // The hub is remembered: `sync` alone finds it.
        as_person(&r[0], "王工")
            .arg("sync")
            .assert()
            .success()
            .stdout(predicate::str::contains("上传 1 组变更"));

        let (hub_before, mine_before) = (hub.fingerprint(), sha256(&r[1]));
        let json = as_person(&r[1], "刘工")
            .args(["sync", "--json", "--hub"])
            .arg(hub.arg())
            .assert()
            .code(11)
            .get_output()
            .stdout
            .clone();
        let v: Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(v["outcome"], "needs_decision", "{kind}");
        assert_eq!(v["conflicts"].as_array().unwrap().len(), 1, "{kind}");
        let c = &v["conflicts"][0];
        assert_eq!(c["kind"], "duplicate");
        assert_eq!(c["project"], "KP21-01");
        assert_eq!(
            (c["hub_author"].as_str(), c["mine_author"].as_str()),
            (Some("王工"), Some("刘工"))
        );
        as_person(&r[1], "刘工")
            .arg("sync")
            .assert()
            .code(11)
            .stderr(predicate::str::contains("王工：主体封顶"))
            .stderr(predicate::str::contains("刘工：外墙施工"));
        assert_eq!(
            (hub.fingerprint(), sha256(&r[1])),
            (hub_before, mine_before),
            "{kind}: a refused sync changes nothing"
        );

        as_person(&r[1], "刘工")
            .args(["sync", "--resolve", "keep-hub"])
            .assert()
            .success()
            .stdout(predicate::str::contains("保留共享文件"));
        as_person(&r[2], "陈工").arg("sync").assert().success();
        for (p, who) in r.iter().zip(["王工", "刘工", "陈工"]) {
            as_person(p, who).arg("sync").assert().success();
        }
        let at_hub = hub.data(dir.path());
        for p in &r {
            assert_eq!(data(p), at_hub, "{kind}: {} converged", p.display());
            verifies(p);
        }
        assert!(at_hub.contains("王工：主体封顶") && at_hub.contains("陈工：桩基完成"));
        assert!(at_hub.contains("刘工：设备进场") && !at_hub.contains("刘工：外墙施工"));
        hub.verify();
        // The hub's log keeps each officer's own edits under their name.
        assert!(
            hub.groups_by("刘工") >= 1 && hub.groups_by("陈工") >= 1,
            "{kind}"
        );
    }
}

#[test]
fn a_change_package_goes_into_either_hub_once_and_a_foreign_or_damaged_one_is_refused() {
    for kind in KINDS {
        let dir = tempfile::tempdir().unwrap();
        let hub = Hub::new(kind, dir.path());
        let r = replicas(&hub, dir.path(), &["陈工"]);
        update(&r[0], "陈工", "KP21-05", "陈工：桩基完成");
        let package = dir.path().join("陈工.kwchanges");
        as_person(&r[0], "陈工")
            .args(["changes", "export", "--out"])
            .arg(&package)
            .assert()
            .success()
            .stdout(predicate::str::contains("1 组变更"));
        hub.apply(dir.path(), &package)
            .assert()
            .success()
            .stdout(predicate::str::contains("写入 1 组变更"));
        let once = hub.fingerprint();
        hub.apply(dir.path(), &package)
            .assert()
            .success()
            .stdout(predicate::str::contains("写入 0 组变更，1 组此前已有"));
        assert_eq!(
            hub.fingerprint(),
            once,
            "{kind}: applied twice, written once"
        );

        // Another portfolio's hub refuses it, naming why.
        let other = Hub::new(kind, &dir.path().join("other-dir").tap_mkdir());
        let other_before = other.fingerprint();
        other
            .apply(dir.path(), &package)
            .assert()
            .code(4)
            .stderr(predicate::str::contains("不属于此文件"));
        assert_eq!(other.fingerprint(), other_before);
        // A package cut short in copying.
        let text = std::fs::read(&package).unwrap();
        let cut = dir.path().join("坏.kwchanges");
        std::fs::write(&cut, &text[..text.len() / 2]).unwrap();
        hub.apply(dir.path(), &cut)
            .assert()
            .code(4)
            .stderr(predicate::str::contains("已损坏"));
        assert_eq!(hub.fingerprint(), once);
        hub.verify();
        // The replica that sent it syncs afterwards: nothing goes up twice.
        as_person(&r[0], "陈工")
            .arg("sync")
            .assert()
            .success()
            .stdout(predicate::str::contains("上传 0 组变更"));
        assert_eq!(data(&r[0]), hub.data(dir.path()), "{kind}");
    }
}

trait MakeDir {
    fn tap_mkdir(self) -> Self;
}

impl MakeDir for PathBuf {
    fn tap_mkdir(self) -> Self {
        std::fs::create_dir_all(&self).unwrap();
        self
    }
}
