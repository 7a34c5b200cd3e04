// End to end in the real app: tauri-driver (WebDriver for Tauri) drives the debug binary in
// WebKitGTK under Xvfb. Plain fetch against the W3C WebDriver API, no browser downloads.
//
//   node e2e/desktop.mjs /abs/path/to/keyworks-app [screenshot-dir]
//
// Scenario: first launch on an empty data directory seeds the file; the dashboard lists the
// seeded projects; open 三星二期二阶段; add a milestone; mark it done; restart the app; it is
// still done; the History view shows the change. Then auditor mode: with someone else's edit
// lock beside the file, the app opens it read-only, says who holds it, disables and refuses
// edits, verifies the file, and leaves it byte for byte unchanged.

import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sleep, startDriver, until as poll, wd } from "./webdriver.mjs";

const app = process.argv[2];
const shots = process.argv[3];
if (!app || !existsSync(app)) {
  console.error("usage: node e2e/desktop.mjs /abs/path/to/keyworks-app [screenshot-dir]");
  process.exit(2);
}
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
const dataHome = mkdtempSync(join(tmpdir(), "keyworks-e2e-"));
const started = Date.now();

function log(step) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${step}`);
}

// Each script's own patience with the shared poller.
const until = (what, probe, timeoutMs = 15_000) => poll(what, probe, timeoutMs, 150);

class Session {
  constructor(id) {
    this.id = id;
  }
  static async start() {
    const s = await wd("POST", "/session", {
      capabilities: { alwaysMatch: { "tauri:options": { application: app } } },
    });
    return new Session(s.sessionId);
  }
  path(p) {
    return `/session/${this.id}${p}`;
  }
  async all(css) {
    const found = await wd("POST", this.path("/elements"), { using: "css selector", value: css });
    return found.map((e) => e[ELEMENT]);
  }
  async one(css) {
    return until(`an element ${css}`, async () => (await this.all(css))[0]);
  }
  async click(css) {
    const el = await this.one(css);
    await wd("POST", this.path(`/element/${el}/click`), {});
  }
  async type(css, text) {
    const el = await this.one(css);
    await wd("POST", this.path(`/element/${el}/clear`), {});
    await wd("POST", this.path(`/element/${el}/value`), { text });
  }
  async text(css) {
    const el = await this.one(css);
    return wd("GET", this.path(`/element/${el}/text`));
  }
  async run(script, ...args) {
    return wd("POST", this.path("/execute/sync"), { script, args });
  }
  /** Sets an <input type=date> the way a person's pick would: value, then an input event. */
  async setDate(css, iso) {
    await this.one(css);
    await this.run(
      `const el = document.querySelector(arguments[0]); el.value = arguments[1];
       el.dispatchEvent(new Event("input", { bubbles: true })); el.dispatchEvent(new Event("change", { bubbles: true }));`,
      css,
      iso,
    );
  }
  async screenshot(name) {
    if (!shots) return;
    mkdirSync(shots, { recursive: true });
    const png = await wd("GET", this.path("/screenshot"));
    writeFileSync(join(shots, `${name}.png`), Buffer.from(png, "base64"));
  }
  async close() {
    await wd("DELETE", this.path("")).catch(() => {});
  }
}

function localToday() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

async function openSamsung(s) {
  await s.click('[data-testid="nav-dashboard"]');
  // WebKitWebDriver does not click a <tr> itself ("not interactable"): click its name cell.
  await s.click('[data-testid="project-row"][data-code="KP21-01"] td.name');
  await until("the Gantt of 三星二期二阶段", async () => (await s.all('[data-testid="task-row"][data-name="竣工验收备案"]')).length > 0);
}

async function main() {
  let driver = null;
  let failed = false;
  const sessions = [];
  try {
    driver = await startDriver({ XDG_DATA_HOME: dataHome }, ["ignore", "inherit", "inherit"]);
    log(`tauri-driver up; data directory ${dataHome}`);

    // 1. First launch on an empty data directory.
    let s = await Session.start();
    sessions.push(s);
    log("app launched");
    const rows = await until("the seeded projects on the dashboard", async () => {
      const r = await s.all('[data-testid="project-row"]');
      return r.length >= 12 ? r : null;
    });
    const samsungRow = await s.text('[data-testid="project-row"][data-code="KP21-01"]');
    if (!samsungRow.includes("三星二期二阶段")) throw new Error(`KP21-01 row reads ${samsungRow}`);
    const dbFile = join(dataHome, "cn.xa-hitech.keyworks", "keyworks.sqlite");
    if (!existsSync(dbFile)) throw new Error(`no database at ${dbFile}`);
    log(`dashboard lists ${rows.length} projects, 三星二期二阶段 among them; ${dbFile} created`);
    await s.click('[data-testid="seed-date"]');
    await until("the seed's as-of date", async () => (await s.run('return document.querySelector(\'[data-testid="as-of"]\').value')) === "2021-06-11");
    await sleep(700);
    await s.screenshot("dashboard");
    // The monthly chart's library is loaded when the chart scrolls into view.
    await s.run('document.querySelector(\'[data-testid="milestone-chart"]\').scrollIntoView(); return true;');
    await until("the milestone chart drawn once in view", async () =>
      s.run('const c = document.querySelector(\'[data-testid="milestone-chart"] canvas\'); return !!c && c.width > 0;'),
    );
    await s.run("document.querySelector('main, .shell')?.scrollTo?.(0, 0); window.scrollTo(0, 0); return true;");
    log("milestone chart drawn after scrolling into view");

    // 2. Open 三星二期二阶段, add a milestone, mark it done.
    await openSamsung(s);
    // The engine's critical path is drawn: tasks marked in the tree, red bars in the chart.
    await until("critical tasks in the Gantt", async () => (await s.all('[data-testid="task-row"].critical')).length > 0);
    const criticalShapes = (await s.all('[data-critical="true"]')).length;
    const baselineBars = (await s.all('[data-testid="baseline-bar"]')).length;
    if (criticalShapes === 0) throw new Error("no critical bar or milestone drawn in the Gantt");
    log(`Gantt: ${criticalShapes} critical bars/milestones, ${baselineBars} baseline bars drawn`);
    await sleep(300);
    await s.screenshot("gantt");
    // The Report button opens on the as-of date's week (the save dialog itself is the OS's).
    await s.click('[data-testid="report"]');
    const reportWeek = await until("the report dialog", async () =>
      s.run('return document.querySelector(\'[data-testid="report-week"]\')?.value ?? null'),
    );
    if (reportWeek !== "2021-W23") throw new Error(`report dialog proposes ${reportWeek}`);
    await s.screenshot("report-dialog");
    await s.click('[data-testid="report-dialog"] button.secondary');
    await until("the report dialog to close", async () => (await s.all('[data-testid="report-dialog"]')).length === 0);
    const name = `端到端验收-${Date.now() % 100000}`;
    const today = localToday();
    await s.click('[data-testid="add-milestone"]');
    await s.type('[data-testid="form-name"]', name);
    await s.setDate('[data-testid="form-due"]', today);
    await s.click('[data-testid="dialog-ok"]');
    const row = `[data-testid="task-row"][data-name="${name}"]`;
    await until(`the new milestone ${name}`, async () => (await s.all(row)).length === 1);
    const id = await s.run(`return document.querySelector(arguments[0]).dataset.id`, row);
    log(`milestone ${name} (#${id}) added`);

    await s.click(row);
    await s.click('[data-testid="mark-done"]:not([disabled])');
    await s.setDate('[data-testid="form-done-date"]', today);
    await s.type('[data-testid="form-note"]', "端到端测试完成");
    await s.click('[data-testid="dialog-ok"]');
    await until("the milestone to show done", async () => (await s.all(`${row}[data-done="true"]`)).length === 1);
    log("milestone marked done");
    await s.screenshot("gantt-done");

    // 3. Restart: the same data directory, a new process.
    await s.close();
    sessions.pop();
    s = await Session.start();
    sessions.push(s);
    log("app restarted");
    await openSamsung(s);
    await until("the milestone still done after the restart", async () => (await s.all(`${row}[data-done="true"]`)).length === 1);
    log("still done after the restart");

    // 4. The History view shows the insert and the completion.
    await s.click('[data-testid="nav-history"]');
    const completion = `[data-testid="history-row"][data-table="tasks"][data-row="${id}"][data-op="update"]`;
    await until("the completion in the history", async () => (await s.all(completion)).length > 0);
    const text = await s.text(completion);
    if (!text.includes(today)) throw new Error(`history row does not show the completion date ${today}: ${text}`);
    const insert = await s.text(`[data-testid="history-row"][data-table="tasks"][data-row="${id}"][data-op="insert"]`);
    if (!insert.includes(name)) throw new Error(`history insert row does not name ${name}: ${insert}`);
    log("history shows the insert and the completion");
    await s.screenshot("history");

    // 5. Someone else holds the edit lock: read-only, told who, edits disabled and refused.
    await s.close();
    sessions.pop();
    const lockFile = join(dataHome, "cn.xa-hitech.keyworks", "~$keyworks.sqlite");
    const since = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, "+00:00");
    const lock = JSON.stringify({ user: "李四", machine: "规划科-PC", process: 4242, since });
    writeFileSync(lockFile, lock);
    const sha = () => createHash("sha256").update(readFileSync(dbFile)).digest("hex");
    const shaBefore = sha();
    const mtimeBefore = statSync(dbFile).mtimeMs;
    s = await Session.start();
    sessions.push(s);
    const bannerText = await until("the read-only banner", async () => {
      const b = await s.all('[data-testid="read-only-banner"]');
      return b.length ? s.text('[data-testid="read-only-text"]') : null;
    });
    if (!bannerText.includes("该文件正由 李四（规划科-PC）自") || !bannerText.includes("将以只读方式打开")) {
      throw new Error(`read-only banner reads ${bannerText}`);
    }
    const fileName = await s.text('[data-testid="file-name"]');
    if (!fileName.includes("只读")) throw new Error(`file name badge reads ${fileName}`);
    log(`read-only: ${bannerText}`);
    await s.click('[data-testid="seed-date"]');
    await s.click('[data-testid="nav-milestones"]');
    await until("bulk done disabled", async () =>
      s.run('const b = document.querySelector(\'[data-testid="bulk-done"]\'); return b && b.disabled'),
    );
    await s.click('[data-testid="nav-updates"]');
    await until("submit update disabled", async () =>
      s.run('const b = document.querySelector(\'[data-testid="record-update"]\'); return b && b.disabled'),
    );
    // A control another view leaves enabled is still refused by the core, in words.
    await openSamsung(s);
    await s.screenshot("read-only");
    const addEnabled = await s.run('return !document.querySelector(\'[data-testid="add-milestone"]\').disabled');
    if (addEnabled) {
      await s.click('[data-testid="add-milestone"]');
      await s.type('[data-testid="form-name"]', "只读时不应保存");
      await s.setDate('[data-testid="form-due"]', today);
      await s.click('[data-testid="dialog-ok"]');
      const refused = await until("the read-only refusal", async () =>
        (await s.all('[data-testid="error"]')).length ? s.text('[data-testid="error"]') : null,
      );
      if (!refused.includes("只读")) throw new Error(`refusal reads ${refused}`);
      log(`an edit in read-only mode is refused: ${refused.replace(/\s+/g, " ")}`);
      await s.run('document.querySelector(\'[data-testid="dialog"] button.secondary\')?.click()');
    } else {
      log("add milestone is disabled in read-only mode");
    }
    // Help → 校验文件… is also on the banner: the file verifies.
    await s.click('[data-testid="banner-verify"]');
    await until("verify to pass", async () =>
      s.run('return document.querySelector(\'[data-testid="verify-result"]\')?.dataset.ok === "true"'),
    );
    await s.screenshot("verify");
    await s.click('[data-testid="verify-close"]');
    log("verify passed in the read-only session");
    await s.close();
    sessions.pop();
    if (sha() !== shaBefore || statSync(dbFile).mtimeMs !== mtimeBefore) {
      throw new Error("the read-only session changed the database file");
    }
    if (readFileSync(lockFile, "utf8") !== lock) throw new Error("the read-only session touched the holder's lock");
    rmSync(lockFile);
    log("database unchanged (sha256 and mtime) after the read-only session; the holder's lock untouched");
    console.log(`e2e passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (e) {
    failed = true;
    console.error(`e2e FAILED: ${e.stack ?? e}`);
    for (const s of sessions) await s.screenshot("failure").catch(() => {});
  } finally {
    for (const s of sessions) await s.close();
    driver?.kill();
  }
  process.exit(failed ? 1 : 0);
}

main();
