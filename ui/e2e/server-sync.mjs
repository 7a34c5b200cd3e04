// End to end in the real app: an offline replica of a PostgreSQL hub (issue #14).
//
//   KEYWORKS_CLI=/abs/keyworks KEYWORKS_TEST_PG=postgresql://postgres@/postgres?host=DIR&port=N \
//     node e2e/server-sync.mjs /abs/path/to/keyworks-app [screenshot-dir]
//
// The zone's portfolio lives on a private PostgreSQL server (loaded with `keyworks hub init`);
// 王工 and 刘工 each have a login in the keyworks_writer role. 王工 has a replica (CLI) and syncs
// an update. 刘工 starts the app, types the server's address in 编辑 → 首选项…, makes his
// offline replica from there: a wrong password is refused in the dialog, his own makes the
// replica and opens it. He types an update and presses 同步: the session's password is used,
// nothing is asked. Restarted, the app asks for the password at 同步 (memory only), and a
// second 同步 in that session does not. Then: the server holds his words (psql), 王工's
// replica receives them, `verify --hub` passes, and no file holds the password.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Session, until } from "./session.mjs";
import { sleep, startDriver } from "./webdriver.mjs";

const app = process.argv[2];
const shots = process.argv[3];
const cli = process.env.KEYWORKS_CLI;
const admin = process.env.KEYWORKS_TEST_PG;
if (!app || !existsSync(app) || !cli || !existsSync(cli) || !admin) {
  console.error("usage: KEYWORKS_CLI=… KEYWORKS_TEST_PG=… node e2e/server-sync.mjs /abs/path/to/keyworks-app [screenshot-dir]");
  process.exit(2);
}
const home = mkdtempSync(join(tmpdir(), "keyworks-server-e2e-"));
const dataHome = join(home, "data");
const configHome = join(home, "config");
const cacheHome = join(home, "cache");
for (const d of [dataHome, configHome, cacheHome]) mkdirSync(d);
const started = Date.now();
const log = (step) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${step}`);
const check = (ok, what) => {
  if (!ok) throw new Error(what);
};

const port = new URLSearchParams(admin.split("?")[1] ?? "").get("port");
const db = `kw_e2e_${process.pid}`;
const dbAdmin = admin.replace("/postgres?", `/${db}?`);
const tcp = (user) => `postgresql://${user}@127.0.0.1:${port}/${db}`;
const psql = (url, sql) => execFileSync("psql", [url, "-XAtqc", sql], { encoding: "utf8" }).trim();

function keyworks(file, who, password, ...args) {
  return execFileSync(cli, ["--db", file, ...args], {
    encoding: "utf8",
    env: { ...process.env, KEYWORKS_AUTHOR: who, PGPASSWORD: password ?? "", XDG_CACHE_HOME: cacheHome },
  });
}

/** Every file under `dir`, for a look for the password. */
function filesUnder(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

async function main() {
  psql(admin, `CREATE DATABASE ${db}`);
  const shared = join(home, "重点项目 共享.sqlite");
  keyworks(shared, "张经理", null, "init");
  keyworks(shared, "张经理", null, "hub", "init", "--url", dbAdmin, "--from", shared);
  for (const [user, pw] of [["wang", "wang-pw"], ["liu", "liu-pw-2021"]]) {
    psql(dbAdmin, `DO $$ BEGIN CREATE ROLE ${user} LOGIN PASSWORD '${pw}' IN ROLE keyworks_writer; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
  }
  const wang = join(home, "王工.sqlite");
  keyworks(wang, "王工", "wang-pw", "replica", "create", "--from", tcp("wang"), "--out", wang);
  const liu = join(dataHome, "cn.xa-hitech.keyworks", "离线副本", "刘工-离线副本.sqlite");
  keyworks(wang, "王工", "wang-pw", "update", "KP21-05", "--week", "2021-W24", "--percent", "30", "--status", "绿", "--narrative", "王工：桩基完成");
  keyworks(wang, "王工", "wang-pw", "sync");
  log("a PostgreSQL hub loaded from the shared file; 王工 synced a W24 update into it (CLI)");

  let driver = null;
  let s = null;
  let failed = false;
  try {
    // No password anywhere the app could find one: it must ask.
    driver = await startDriver(
      { XDG_DATA_HOME: dataHome, XDG_CONFIG_HOME: configHome, XDG_CACHE_HOME: cacheHome, PGPASSWORD: "", PGPASSFILE: join(home, "none") },
      ["ignore", "inherit", "inherit"],
    );
    s = await Session.start(app, [], shots);
    await until("the name dialog", async () => (await s.all('[data-testid="first-name"]')).length > 0);
    await s.type('[data-testid="first-name"]', "刘工");
    await s.click('[data-testid="dialog-ok"]');
    await until("the name saved", async () => ((await s.text('[data-testid="notice-text"]')) ?? "").includes("刘工"));

    // 编辑 → 首选项… (the gear): the server's address, then a replica of it.
    await s.click('[data-testid="open-preferences"]');
    await until("the preferences", async () => (await s.all('[data-testid="prefs-hub-url"]')).length > 0);
    await s.type('[data-testid="prefs-hub-url"]', tcp("liu"));
    await s.click('[data-testid="prefs-server-replica"]');
    await until("the replica dialog", async () => (await s.all('[data-testid="server-replica-password"]')).length > 0);
    await s.type('[data-testid="server-replica-password"]', "not-my-password");
    await s.click('[data-testid="dialog-ok"]');
    const refused = await until("the refusal", async () => {
      const t = await s.text('[role="alert"]');
      return t && t.includes("无法登录") ? t : null;
    });
    check(!refused.includes("not-my-password"), `the refusal shows the password: ${refused}`);
    await sleep(400);
    await s.screenshot("server-sync-01-password-refused");
    log(`a wrong password is refused in the replica dialog: ${refused.slice(0, 60)}…`);
    await s.type('[data-testid="server-replica-password"]', "liu-pw-2021");
    await s.click('[data-testid="dialog-ok"]');
    await until("the replica made and opened", async () => ((await s.text('[data-testid="notice-text"]')) ?? "").includes("已创建并打开离线副本"));
    check(existsSync(liu), `no replica at ${liu}`);
    const state = await until("the sync state in the top bar", async () => s.text('[data-testid="sync-state"]'));
    log(`the replica is made in the app's data folder and open; the top bar reads ${state}`);

    await s.click('[data-testid="nav-updates"]');
    await s.choose('[data-testid="update-project"]', "KP21-01");
    await s.type('[data-testid="update-week"]', "2021-W24");
    await s.type('[data-testid="update-percent"]', "45");
    await s.type('[data-testid="update-narrative"]', "刘工：外墙施工过半");
    await s.click('[data-testid="record-update"]');
    await until("the update submitted", async () => ((await s.text('[data-testid="notice-text"]')) ?? "").includes("已提交2021年第24周周报"));
    await s.click('[data-testid="sync"]');
    await until("the sync done", async () => ((await s.text('[data-testid="notice-text"]')) ?? "").includes("同步完成"));
    check((await s.all('[data-testid="sync-password"]')).length === 0, "asked again in the same session");
    await s.screenshot("server-sync-02-synced");
    log("an update typed and synced with the session's password, nothing asked");

    // A new session (the app restarted on the replica): 同步 asks, once.
    await s.close();
    s = await Session.start(app, [liu], shots);
    await until("the replica reopened", async () => s.text('[data-testid="sync-state"]'));
    await s.click('[data-testid="sync"]');
    await until("the password prompt", async () => (await s.all('[data-testid="sync-password"]')).length > 0);
    await sleep(400);
    await s.screenshot("server-sync-03-password-asked");
    await s.type('[data-testid="sync-password"]', "liu-pw-2021");
    await s.click('[data-testid="dialog-ok"]');
    await until("synced after the prompt", async () => ((await s.text('[data-testid="notice-text"]')) ?? "").includes("同步完成"));
    check((await s.all('[data-testid="sync-password"]')).length === 0, "the prompt stayed open");
    log("restarted: 同步 asked for the password and synced");

    // The session remembers it: a second 同步 does not ask.
    await s.click('[data-testid="sync"]');
    await until("synced again", async () => ((await s.text('[data-testid="notice-text"]')) ?? "").includes("同步完成"));
    check((await s.all('[data-testid="sync-password"]')).length === 0, "asked again in the same session");
    log("a second 同步 in the session does not ask again");
  } catch (e) {
    failed = true;
    console.error(`server sync e2e FAILED: ${e.stack ?? e}`);
    await s?.screenshot("server-sync-failure").catch(() => {});
  } finally {
    await s?.close();
    driver?.kill();
  }
  if (!failed) {
    const onServer = psql(dbAdmin, "SELECT narrative || '|' || author FROM v_weekly_updates WHERE project_code = 'KP21-01' AND iso_week = '2021-W24'");
    check(onServer === "刘工：外墙施工过半|刘工", `the server holds ${onServer}`);
    const wangHas = JSON.stringify(JSON.parse(keyworks(wang, "王工", "wang-pw", "sync", "--json")));
    check(wangHas.includes("synced"), `王工's next sync: ${wangHas}`);
    const words = keyworks(wang, "王工", null, "show", "KP21-01", "--json");
    check(words.includes("刘工：外墙施工过半"), "王工's replica did not get 刘工's update");
    keyworks(wang, "审计", "liu-pw-2021", "verify", "--hub", tcp("liu"));
    for (const f of [liu, wang]) keyworks(f, "审计", null, "verify");
    for (const f of [...filesUnder(configHome), ...filesUnder(dataHome), liu]) {
      check(!readFileSync(f).includes("liu-pw-2021"), `the password is stored in ${f}`);
    }
    log("the server holds 刘工's update; 王工's replica gets it; verify --hub passes; no file holds the password");
    console.log(`server sync e2e passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  // A failed run keeps its folder for a look; a passed one leaves nothing in /tmp.
  if (!failed) rmSync(home, { recursive: true, force: true });
  process.exit(failed ? 1 : 0);
}

main();
