// End to end in the real app: two offline replicas of one shared file, one conflict, decided
// in the merge dialog (issue #13).
//
//   KEYWORKS_CLI=/abs/path/to/keyworks node e2e/sync.mjs /abs/path/to/keyworks-app [screenshot-dir]
//
// 王工's laptop did its part with the CLI (a replica, a weekly update, a sync). On 刘工's
// laptop the app opens his replica; he types his own W24 update for the same project and a
// second one for another project, sees 待上传 2 项变更, presses 同步, meets 王工's update in
// the merge dialog, keeps his own, and finds the sync in History. The CLI then checks the
// shared file: 刘工's words, his edit marked as merged from his replica, everything verified.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Session, until } from "./session.mjs";
import { sleep, startDriver } from "./webdriver.mjs";

const app = process.argv[2];
const shots = process.argv[3];
const cli = process.env.KEYWORKS_CLI;
if (!app || !existsSync(app) || !cli || !existsSync(cli)) {
  console.error("usage: KEYWORKS_CLI=/abs/path/to/keyworks node e2e/sync.mjs /abs/path/to/keyworks-app [screenshot-dir]");
  process.exit(2);
}
const home = mkdtempSync(join(tmpdir(), "keyworks-sync-e2e-"));
const dataHome = join(home, "data");
const configHome = join(home, "config");
mkdirSync(dataHome);
mkdirSync(configHome);
const started = Date.now();
const log = (step) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${step}`);
const check = (ok, what) => {
  if (!ok) throw new Error(what);
};

function keyworks(db, who, ...args) {
  return execFileSync(cli, ["--db", db, ...args], { encoding: "utf8", env: { ...process.env, KEYWORKS_AUTHOR: who } });
}

async function fileUpdate(s, code, narrative) {
  await s.click('[data-testid="nav-updates"]');
  await s.choose('[data-testid="update-project"]', code);
  await s.type('[data-testid="update-week"]', "2021-W24");
  await s.type('[data-testid="update-percent"]', "42");
  await s.type('[data-testid="update-narrative"]', narrative);
  await s.click('[data-testid="record-update"]');
  await until(`the ${code} update submitted`, async () => ((await s.text('[data-testid="notice-text"]')) ?? "").includes("已提交2021年第24周周报"));
}

async function main() {
  const hub = join(home, "重点项目 共享.sqlite");
  const wang = join(home, "王工.sqlite");
  const liu = join(home, "刘工.sqlite");
  keyworks(hub, "张经理", "init");
  keyworks(hub, "张经理", "replica", "create", "--from", hub, "--out", wang);
  keyworks(hub, "张经理", "replica", "create", "--from", hub, "--out", liu);
  keyworks(wang, "王工", "update", "KP21-01", "--week", "2021-W24", "--percent", "40", "--status", "绿", "--narrative", "王工：主体结构封顶");
  keyworks(wang, "王工", "update", "KP21-05", "--week", "2021-W24", "--percent", "30", "--status", "绿", "--narrative", "王工：桩基完成");
  keyworks(wang, "王工", "sync");
  log("王工's replica synced its two W24 updates into the shared file (CLI)");

  let driver = null;
  let s = null;
  let failed = false;
  try {
    driver = await startDriver({ XDG_DATA_HOME: dataHome, XDG_CONFIG_HOME: configHome }, ["ignore", "inherit", "inherit"]);
    s = await Session.start(app, [liu], shots);
    await until("the name dialog", async () => (await s.all('[data-testid="first-name"]')).length > 0);
    await s.type('[data-testid="first-name"]', "刘工");
    await s.click('[data-testid="dialog-ok"]');
    await until("the name saved", async () => ((await s.text('[data-testid="notice-text"]')) ?? "").includes("刘工"));
    const state = await until("the sync state in the top bar", async () => s.text('[data-testid="sync-state"]'));
    check(state.includes("上次同步"), `the top bar reads ${state}`);

    await fileUpdate(s, "KP21-01", "刘工：外墙施工过半");
    await fileUpdate(s, "KP21-02", "刘工：设备进场");
    const pending = await until("two edits waiting", async () => {
      const t = await s.text('[data-testid="sync-state"]');
      return t?.includes("待上传 2 项变更") ? t : null;
    });
    log(`刘工 typed two W24 updates in the app; the top bar reads ${pending}`);

    await s.click('[data-testid="sync"]');
    const conflict = await until("the merge dialog", async () => {
      const c = await s.all('[data-testid="merge-conflict"]');
      return c.length ? s.text('[data-testid="merge-conflict"]') : null;
    });
    check((await s.all('[data-testid="merge-conflict"]')).length === 1, "one conflict");
    check(conflict.includes("KP21-01") && conflict.includes("王工：主体结构封顶") && conflict.includes("刘工：外墙施工过半"), `the conflict reads ${conflict}`);
    check(conflict.includes("王工") && conflict.includes("刘工"), `both authors: ${conflict}`);
    await sleep(600); // the dialog's fade-in
    await s.screenshot("sync-01-merge-dialog");
    // Nothing goes until every conflict has a side.
    await s.click('[data-testid="dialog-ok"]');
    await until("asked to choose", async () => ((await s.text("form")) ?? "").includes("还有 1 处没有选择"));
    await s.click('[data-testid="merge-take-mine"]');
    await s.click('[data-testid="dialog-ok"]');
    await until("the sync done", async () => ((await s.text('[data-testid="notice-text"]')) ?? "").includes("同步完成"));
    check((await s.all('[data-testid="merge-conflict"]')).length === 0, "the merge dialog stayed open");
    const after = await until("nothing waiting", async () => {
      const t = await s.text('[data-testid="sync-state"]');
      return t && !t.includes("待上传") ? t : null;
    });
    log(`conflict shown with both sides and authors; 采用我的 chosen; synced; the top bar reads ${after}`);

    // History: 王工's KP21-05 update came in through the shared file, marked with its origin.
    await s.click('[data-testid="nav-history"]');
    const merged = await until("a merged edit in History", async () => {
      const m = await s.all('[data-testid="history-merged"]');
      return m.length ? s.text('[data-testid="history-merged"]') : null;
    });
    check(merged.includes("来自 王工.sqlite") && merged.includes("刘工"), `History reads ${merged}`);
    await sleep(400);
    await s.screenshot("sync-02-history");
    log(`History shows the merge: ${merged}`);
  } catch (e) {
    failed = true;
    console.error(`sync e2e FAILED: ${e.stack ?? e}`);
    await s?.screenshot("sync-failure").catch(() => {});
  } finally {
    await s?.close();
    driver?.kill();
  }
  if (!failed) {
    // The shared file: 刘工's words won, his edit is marked as merged from his replica.
    const updates = JSON.parse(keyworks(hub, "审计", "show", "KP21-01", "--json"));
    const w24 = JSON.stringify(updates);
    check(w24.includes("刘工：外墙施工过半") && !w24.includes("王工：主体结构封顶"), "the shared file does not hold 刘工's W24 update");
    const history = JSON.parse(keyworks(hub, "审计", "history", "--json"));
    const his = history.edits.find((e) => e.author === "刘工" && e.merged);
    check(his?.merged.from === "刘工.sqlite", `the shared file's history: ${JSON.stringify(history.edits.slice(0, 3)).slice(0, 400)}`);
    for (const f of [hub, wang, liu]) keyworks(f, "审计", "verify");
    log("the shared file holds 刘工's update, merged from 刘工.sqlite; all three files verify");
    console.log(`sync e2e passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  // A failed run keeps its folder for a look; a passed one leaves nothing in /tmp.
  if (!failed) rmSync(home, { recursive: true, force: true });
  process.exit(failed ? 1 : 0);
}

main();
