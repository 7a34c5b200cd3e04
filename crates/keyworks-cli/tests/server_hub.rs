//! A PostgreSQL hub from the command line and from psql, on a private server: bad input
//! (each its own sentence and exit code, nothing changed), the auditors' read-only role, a
//! hub newer than the program, tampering found by `verify --hub`, and faults in the middle
//! of a sync (the server restarted, the connection killed, the replica killed).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

use predicates::prelude::*;
use rusqlite::Connection;

mod common;
use common::{cache_home, delays, keyworks, pg, scratch_dir, sha256};

const BIN: &str = env!("CARGO_BIN_EXE_keyworks");

/// A server hub loaded from the seeded portfolio, and one replica of it.
struct Setup {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    db: String,
    url: String,
    replica: PathBuf,
}

fn setup(tag: &str) -> Setup {
    setup_on(pg::server(), tag)
}

fn setup_on(server: &pg::Server, tag: &str) -> Setup {
    let dir = scratch_dir();
    let path = dir.path().to_owned();
    let shared = path.join("共享.sqlite");
    keyworks(&shared).arg("init").assert().success();
    let db = server.fresh_database(tag);
    let url = server.socket_url(&db);
    keyworks(&shared)
        .args(["hub", "init", "--url", &url, "--from"])
        .arg(&shared)
        .assert()
        .success();
    let replica = path.join("王工 副本.sqlite");
    keyworks(&replica)
        .args(["replica", "create", "--from", &url, "--out"])
        .arg(&replica)
        .assert()
        .success();
    Setup {
        _dir: dir,
        dir: path,
        db,
        url,
        replica,
    }
}

fn edit(replica: &Path, count: u32, tag: &str) {
    keyworks(replica)
        .args(["stress-write", "--count", &count.to_string(), "--tag", tag])
        .assert()
        .success();
}

/// A login role on the server that is a member of `group`.
fn login_role(name: &str, password: &str, group: &str) {
    let mut admin = pg::admin();
    admin
        .batch_execute(&format!(
            "DO $$ BEGIN
                 IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{name}') THEN
                     CREATE ROLE {name} LOGIN PASSWORD '{password}' IN ROLE {group};
                 END IF;
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
             END $$;"
        ))
        .unwrap();
}

/// Weekly-update change rows on the server written by `stress-write --tag tag`.
fn applied(url: &str, tag: &str) -> i64 {
    pg::client(url)
        .query_one(
            "SELECT count(*) FROM change_log WHERE table_name = 'weekly_updates' AND changes LIKE $1",
            &[&format!("%\"stress-{tag}-%")],
        )
        .unwrap()
        .get(0)
}

#[test]
fn bad_addresses_passwords_databases_and_roles_each_get_a_sentence_and_an_exit_code() {
    let s = setup("bad");
    edit(&s.replica, 3, "pending");
    let replica_before = sha256(&s.replica);
    let hub_before = pg::fingerprint(&s.url);
    let sync = |hub: &str| {
        let mut c = keyworks(&s.replica);
        c.args(["sync", "--hub", hub]);
        c
    };

    // A URL that is not one.
    sync("postgresql://王工@db.zone.local:notaport/keyworks")
        .assert()
        .code(20)
        .stderr(predicate::str::contains("地址").and(predicate::str::contains("postgresql://")));
    // A wrong password, over TCP where the server asks for one; the password is not shown.
    sync(&pg::tcp_url("postgres", Some("wrong-secret"), &s.db))
        .env_remove("PGPASSWORD")
        .assert()
        .code(21)
        .stderr(predicate::str::contains("无法登录"))
        .stderr(predicate::str::contains("wrong-secret").not());
    // A database that is no KeyWorks hub, and one that does not exist.
    let empty = pg::fresh_database("nothub");
    sync(&pg::socket_url(&empty))
        .assert()
        .code(22)
        .stderr(predicate::str::contains("不是 KeyWorks 共享服务器"));
    sync(&pg::socket_url("no_such_database")).assert().code(22);
    // Nobody listening.
    sync("postgresql://postgres@127.0.0.1:1/keyworks")
        .assert()
        .code(7)
        .stderr(predicate::str::contains("无法连接共享服务器"));
    // An auditor's account may read but not sync.
    login_role("kw_auditor", "audit-pw", "keyworks_reader");
    sync(&pg::tcp_url("kw_auditor", Some("audit-pw"), &s.db))
        .assert()
        .code(23)
        .stderr(predicate::str::contains("只有读权限"));
    // The password may come from PGPASSWORD instead of the URL.
    keyworks(&s.replica)
        .args(["verify", "--hub", &pg::tcp_url("kw_auditor", None, &s.db)])
        .env("PGPASSWORD", "audit-pw")
        .assert()
        .success()
        .stdout(predicate::str::contains("校验通过"));

    assert_eq!(
        sha256(&s.replica),
        replica_before,
        "the replica is untouched"
    );
    assert_eq!(pg::fingerprint(&s.url), hub_before, "the hub is untouched");

    // hub init refuses a database that already holds tables.
    keyworks(&s.replica)
        .args(["hub", "init", "--url", &s.url, "--from"])
        .arg(s.dir.join("共享.sqlite"))
        .assert()
        .code(25)
        .stderr(predicate::str::contains("不是空的"));
    assert_eq!(pg::fingerprint(&s.url), hub_before);

    // A writer's account syncs.
    login_role("kw_officer", "officer-pw", "keyworks_writer");
    sync(&pg::tcp_url("kw_officer", Some("officer-pw"), &s.db))
        .assert()
        .success()
        .stdout(predicate::str::contains("上传 3 组变更"));
    // The replica remembers the URL without the password.
    let remembered: String = Connection::open(&s.replica)
        .unwrap()
        .query_row("SELECT hub_path FROM sync_self", [], |r| r.get(0))
        .unwrap();
    assert!(!remembered.contains("officer-pw"), "{remembered}");
    assert!(remembered.contains("kw_officer@127.0.0.1"), "{remembered}");
}

#[test]
fn auditors_read_the_views_in_chinese_with_psql_and_cannot_write() {
    let s = setup("audit");
    keyworks(&s.replica)
        .env("KEYWORKS_AUTHOR", "王工")
        .args(["update", "KP21-01", "--week", "2021-W24", "--percent", "66"])
        .args(["--status", "黄", "--narrative", "王工：主体封顶"])
        .assert()
        .success();
    keyworks(&s.replica).arg("sync").assert().success();

    login_role("kw_auditor", "audit-pw", "keyworks_reader");
    let mut auditor = pg::client(&pg::tcp_url("kw_auditor", Some("audit-pw"), &s.db));
    let p = auditor
        .query_one(
            "SELECT name, category, stage, status, percent_complete, last_update_week \
             FROM v_projects WHERE code = 'KP21-01'",
            &[],
        )
        .unwrap();
    assert_eq!(p.get::<_, String>(0), "三星二期二阶段");
    assert_eq!(p.get::<_, String>(1), "先进制造业");
    assert_eq!(p.get::<_, String>(3), "黄");
    assert_eq!(p.get::<_, f64>(4), 66.0);
    assert_eq!(p.get::<_, String>(5), "2021-W24");
    let m: i64 = auditor
        .query_one(
            "SELECT count(*) FROM v_milestones WHERE status IN ('已完成', '已逾期', '未完成')",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(m > 0);
    // Investment in 万元 written out exactly, with the year's plan and the sum to the month.
    let i = auditor
        .query_one(
            "SELECT 当月完成投资_万元, 年内累计完成投资_万元, 年度计划投资_万元, 包抓领导 \
             FROM v_investment WHERE 项目编号 = 'KP21-15' AND 月份 = '2021-05'",
            &[],
        )
        .unwrap();
    assert_eq!(
        (
            i.get::<_, String>(0),
            i.get::<_, String>(1),
            i.get::<_, String>(2),
            i.get::<_, String>(3)
        ),
        (
            "17500.5000".into(),
            "70500.5000".into(),
            "180000.0000".into(),
            "王强（示例）".into()
        )
    );
    let w = auditor
        .query_one(
            "SELECT status, narrative, author FROM v_weekly_updates \
             WHERE project_code = 'KP21-01' AND iso_week = '2021-W24'",
            &[],
        )
        .unwrap();
    assert_eq!(
        (
            w.get::<_, String>(0),
            w.get::<_, String>(1),
            w.get::<_, String>(2)
        ),
        ("黄".into(), "王工：主体封顶".into(), "王工".into())
    );
    let c = auditor
        .query_one(
            "SELECT op, object, author, changes FROM v_change_log \
             WHERE author = '王工' AND table_name = 'weekly_updates' ORDER BY id DESC LIMIT 1",
            &[],
        )
        .unwrap();
    assert_eq!(c.get::<_, String>(0), "新增");
    assert_eq!(c.get::<_, String>(1), "周报");
    let words: String = c.get(3);
    assert!(words.contains("进展说明：王工：主体封顶"), "{words}");
    assert!(words.contains("完成百分比：66%"), "{words}");

    let before = pg::fingerprint(&s.url);
    for sql in [
        "UPDATE projects SET status = 'green'",
        "DELETE FROM change_log",
        "INSERT INTO sync_replicas VALUES (99, 'x', 'x', 'x', 'x')",
        "UPDATE keyworks_hub SET schema_version = 1",
        "TRUNCATE weekly_updates",
        "DROP VIEW v_projects",
    ] {
        let e = auditor.batch_execute(sql).unwrap_err();
        let code = e.as_db_error().map(|d| d.code().code().to_owned());
        assert_eq!(code.as_deref(), Some("42501"), "{sql}: {e}");
    }
    assert_eq!(pg::fingerprint(&s.url), before);
}

#[test]
fn a_hub_newer_than_the_program_is_refused_and_tampering_on_the_server_is_found() {
    let s = setup("newer");
    edit(&s.replica, 2, "n");
    let replica_before = sha256(&s.replica);
    pg::client(&s.url)
        .batch_execute("UPDATE keyworks_hub SET schema_version = 99")
        .unwrap();
    keyworks(&s.replica)
        .arg("sync")
        .assert()
        .code(24)
        .stderr(predicate::str::contains("第 99 版"))
        .stderr(predicate::str::contains("升级 KeyWorks"));
    assert_eq!(sha256(&s.replica), replica_before);
    pg::client(&s.url)
        .batch_execute(&format!(
            "UPDATE keyworks_hub SET schema_version = {}",
            keyworks_core::SCHEMA_VERSION
        ))
        .unwrap();
    keyworks(&s.replica).arg("sync").assert().success();

    // Someone with the server's admin rights edits a row behind the log's back.
    pg::client(&s.url)
        .batch_execute("UPDATE projects SET lead_unit = '篡改' WHERE code = 'KP21-02'")
        .unwrap();
    keyworks(&s.replica)
        .args(["verify", "--hub", &s.url])
        .assert()
        .code(9)
        .stderr(predicate::str::contains("校验未通过"));
    // And the chain: one logged value rewritten.
    pg::client(&s.url)
        .batch_execute(
            "UPDATE projects SET lead_unit = (SELECT lead_unit FROM projects WHERE code = 'KP21-01') WHERE code = 'KP21-02';
             UPDATE change_log SET author = '别人' WHERE id = (SELECT max(id) FROM change_log)",
        )
        .unwrap();
    keyworks(&s.replica)
        .args(["verify", "--hub", &s.url, "--json"])
        .assert()
        .code(9)
        .stdout(predicate::str::contains("broken_link"))
        .stdout(predicate::str::contains("被改动"));
}

fn sync_process(replica: &Path, url: &str) -> Process {
    let mut p = Process::new(BIN);
    p.arg("--db")
        .arg(replica)
        .args(["sync", "--hub", url])
        .env_remove("KEYWORKS_DB")
        .env("XDG_CACHE_HOME", cache_home())
        .env("KEYWORKS_AUTHOR", "王工")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    p
}

/// Runs `rounds` syncs of 100 fresh edits each, with `fault` striking `delay` ms into each;
/// checks after each that the server has all of the round's edits or none, that the replica
/// is whole, and that the next sync completes the round exactly once.
fn sync_under_fault(
    server: &pg::Server,
    tag: &str,
    rounds: usize,
    fault: impl Fn(&Setup, &mut std::process::Child),
) {
    let s = setup_on(server, tag);
    edit(&s.replica, 100, "calibrate");
    let started = Instant::now();
    assert!(sync_process(&s.replica, &s.url).status().unwrap().success());
    let span = (started.elapsed().as_millis() as u64).max(20);
    let (mut struck, mut survived) = (0, 0);
    for (round, delay) in delays(0x2545_F491_4F6C_DD1D, rounds, span + span / 4)
        .into_iter()
        .enumerate()
    {
        let round_tag = format!("{tag}{round}");
        edit(&s.replica, 100, &round_tag);
        let mut child = sync_process(&s.replica, &s.url).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        fault(&s, &mut child);
        let ok = child.wait().unwrap().success();
        if ok {
            survived += 1
        } else {
            struck += 1
        }
        let n = applied(&s.url, &round_tag);
        assert!(
            n == 0 || n == 100,
            "round {round}: {n} of 100 edits on the server"
        );
        keyworks(&s.replica).arg("verify").assert().success();
        // The next sync completes the work, applying nothing twice.
        let mut done = false;
        for _ in 0..20 {
            if sync_process(&s.replica, &s.url).status().unwrap().success() {
                done = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(250)); // the server may still be coming up
        }
        assert!(done, "round {round}: the next sync did not complete");
        assert_eq!(
            applied(&s.url, &round_tag),
            100,
            "round {round}: each edit once"
        );
        assert_eq!(
            pg::file_updates(&s.replica),
            pg::server_updates(&s.url),
            "round {round}"
        );
    }
    eprintln!(
        "{tag}: {rounds} rounds over {span} ms: the sync failed {struck} times, completed {survived} times"
    );
    keyworks(&s.replica)
        .args(["verify", "--hub", &s.url])
        .assert()
        .success();
    keyworks(&s.replica).arg("verify").assert().success();
}

#[test]
fn a_replica_killed_during_its_sync_leaves_the_server_whole_and_the_next_sync_completes() {
    sync_under_fault(pg::server(), "kill", 12, |_, child| {
        let _ = child.kill(); // SIGKILL: the server sees the connection drop
    });
}

#[test]
fn a_connection_the_server_terminates_mid_sync_leaves_nothing_half_applied() {
    sync_under_fault(pg::server(), "term", 8, |s, _| {
        let mut admin = pg::admin();
        admin
            .execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE application_name = 'keyworks' AND datname = $1",
                &[&s.db],
            )
            .unwrap();
    });
}

#[test]
fn a_server_restarted_mid_sync_leaves_nothing_half_applied() {
    // A server of its own: the restart must not strike the other tests' syncs.
    let own = pg::Server::start_private("restart");
    sync_under_fault(&own, "restart", 5, |_, _| own.restart());
}

#[test]
fn the_server_has_every_column_of_every_table_of_a_file() {
    let s = setup("columns");
    let file = Connection::open(s.dir.join("共享.sqlite")).unwrap();
    let mut server = pg::client(&s.url);
    let tables: Vec<String> = file
        // sync_self is each file's own; field_labels is what the file's views label fields with,
        // which the server's views carry in their text (schema.rs, from the same list).
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('sync_self', 'field_labels') ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(tables.len() >= 13, "{tables:?}");
    for table in tables {
        let mut in_file: Vec<String> = file
            .prepare("SELECT name FROM pragma_table_info(?1)")
            .unwrap()
            .query_map([&table], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let mut on_server: Vec<String> = server
            .query(
                "SELECT column_name::text FROM information_schema.columns \
                 WHERE table_schema = 'public' AND table_name = $1",
                &[&table],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        in_file.sort();
        on_server.sort();
        assert_eq!(
            on_server, in_file,
            "table {table}: a migration without its pg/*.sql?"
        );
    }
}

#[test]
fn a_replica_made_from_the_shared_file_before_the_move_syncs_with_the_server() {
    let dir = scratch_dir();
    let shared = dir.path().join("共享.sqlite");
    keyworks(&shared).arg("init").assert().success();
    let old = dir.path().join("老副本.sqlite");
    keyworks(&old)
        .args(["replica", "create", "--from"])
        .arg(&shared)
        .arg("--out")
        .arg(&old)
        .assert()
        .success();
    keyworks(&old)
        .env("KEYWORKS_AUTHOR", "老王")
        .args(["update", "KP21-04", "--week", "2021-W25", "--percent", "30"])
        .args(["--status", "绿", "--narrative", "搬迁前的离线修改"])
        .assert()
        .success();
    let url = pg::socket_url(&pg::fresh_database("moved"));
    keyworks(&shared)
        .args(["hub", "init", "--url", &url, "--from"])
        .arg(&shared)
        .assert()
        .success();
    keyworks(&old)
        .args(["sync", "--hub", &url])
        .assert()
        .success()
        .stdout(predicate::str::contains("上传 1 组变更"));
    // From now on it remembers the server.
    keyworks(&old)
        .args(["replica", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains(url.as_str()));
    keyworks(&old).arg("sync").assert().success();
    let n: i64 = pg::client(&url)
        .query_one(
            "SELECT count(*) FROM v_weekly_updates WHERE narrative = '搬迁前的离线修改' AND author = '老王'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
    keyworks(&old)
        .args(["verify", "--hub", &url])
        .assert()
        .success();
}

/// The hub schema as version 6 of KeyWorks made it, for an upgrade to start from.
const HUB_SCHEMA_6: &str = include_str!("../../keyworks-hub/pg/0006_hub.sql");

/// An empty hub exactly as version 6 left it: its tables and its identity row.
fn version_6_hub(tag: &str) -> String {
    let db = pg::fresh_database(tag);
    let url = pg::socket_url(&db);
    let mut c = pg::client(&url);
    c.batch_execute(HUB_SCHEMA_6).unwrap();
    c.batch_execute(
        "INSERT INTO keyworks_hub (id, file_id, schema_version, loaded_from, loaded_by, loaded_at) \
         VALUES (1, repeat('a', 32), 6, '共享.sqlite', '张工', '2021-06-01T09:00:00+08:00')",
    )
    .unwrap();
    url
}

fn server_version(url: &str) -> i32 {
    pg::client(url)
        .query_one("SELECT schema_version FROM keyworks_hub", &[])
        .unwrap()
        .get(0)
}

#[test]
fn an_older_hub_is_refused_until_upgraded_and_the_upgrade_brings_every_column() {
    // A current hub marked older: syncing says what to run, and changes nothing.
    let s = setup("older");
    edit(&s.replica, 2, "o");
    let replica_before = sha256(&s.replica);
    pg::client(&s.url)
        .batch_execute("UPDATE keyworks_hub SET schema_version = 6")
        .unwrap();
    keyworks(&s.replica)
        .arg("sync")
        .assert()
        .code(26)
        .stderr(predicate::str::contains("第 6 版"))
        .stderr(predicate::str::contains("keyworks hub upgrade"));
    assert_eq!(sha256(&s.replica), replica_before);

    // A real version-6 hub: upgraded in place, once; a second run has nothing to do.
    let url = version_6_hub("upgrade6");
    let dir = scratch_dir();
    let any = dir.path().join("任意.sqlite");
    keyworks(&any)
        .args(["hub", "upgrade", "--url", &url])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "从第 6 版升级到第 {} 版",
            keyworks_core::SCHEMA_VERSION
        )));
    assert_eq!(server_version(&url), keyworks_core::SCHEMA_VERSION as i32);
    keyworks(&any)
        .args(["hub", "upgrade", "--url", &url])
        .assert()
        .success()
        .stdout(predicate::str::contains("无需升级"));
    // Its tables now have exactly the columns of a hub made at version 7.
    let columns = |url: &str| -> Vec<(String, String)> {
        pg::client(url)
            .query(
                "SELECT table_name::text, column_name::text FROM information_schema.columns \
                 WHERE table_schema = 'public' ORDER BY 1, 2",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect()
    };
    assert_eq!(columns(&url), columns(&s.url));
    // The readers' role may read the new tables.
    let granted: bool = pg::client(&url)
        .query_one(
            "SELECT has_table_privilege('keyworks_reader', 'investment_months', 'SELECT') \
               AND NOT has_table_privilege('keyworks_reader', 'investment_months', 'INSERT') \
               AND has_table_privilege('keyworks_writer', 'investment_plans', 'INSERT')",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(granted);
}

#[test]
fn a_version_6_hub_holding_old_amounts_is_not_upgraded_and_keeps_them() {
    let url = version_6_hub("upgrade6old");
    pg::client(&url)
        .batch_execute(
            "INSERT INTO projects (id, code, name, category, stage, total_investment) \
             VALUES (1, 'KP21-01', '三星二期二阶段', 'advanced_manufacturing', 'continuing', 120.5)",
        )
        .unwrap();
    let dir = scratch_dir();
    keyworks(&dir.path().join("任意.sqlite"))
        .args(["hub", "upgrade", "--url", &url])
        .assert()
        .code(26)
        .stderr(predicate::str::contains("1 个项目存有旧版的投资额"))
        .stderr(predicate::str::contains("未做任何改动"));
    assert_eq!(server_version(&url), 6);
    let kept: f64 = pg::client(&url)
        .query_one("SELECT total_investment FROM projects", &[])
        .unwrap()
        .get(0);
    assert_eq!(kept, 120.5);
}
