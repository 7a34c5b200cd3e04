// Memory benchmark in the real app (run by scripts/bench-launch.sh; not a test): opens a large
// file in KeyWorks through tauri-driver (as e2e/gantt-bench.mjs), shows its Gantt, waits until
// the rows and the critical path are drawn, then sums the proportional set size (PSS, from
// /proc/PID/smaps_rollup) of keyworks-app and every process below it (WebKitWebProcess,
// WebKitNetworkProcess). PSS shares each shared page among the processes mapping it, so the sum
// is what the app costs the machine. Linux only.
//
//   node e2e/launch-bench.mjs /abs/path/to/keyworks-app /abs/path/to/file.sqlite
//
// Also prints, from inside the page, navigation start and first contentful paint relative to
// the app process's start (from /proc/PID/stat), as a cross-check of the launch figure.
// One JSON line at the end (prefix "BENCH ").

import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { openApp, sleep, startDriver, until as poll, wd } from "./webdriver.mjs";

const [app, file] = process.argv.slice(2);
if (!app || !existsSync(app) || !file || !existsSync(file)) {
  console.error("usage: node e2e/launch-bench.mjs /abs/path/to/keyworks-app /abs/path/to/file.sqlite");
  process.exit(2);
}

// Each script's own patience with the shared poller.
const until = (what, probe, timeoutMs = 60_000) => poll(what, probe, timeoutMs, 100);

// Processes: pid → { ppid, comm, startTicks }.
function processes() {
  const all = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const comm = stat.slice(stat.indexOf("(") + 1, close);
      const fields = stat.slice(close + 2).split(" ");
      all.set(Number(name), { ppid: Number(fields[1]), comm, startTicks: Number(fields[19]) });
    } catch {
      // the process ended meanwhile
    }
  }
  return all;
}

function descendants(all, root) {
  const found = [root];
  for (let i = 0; i < found.length; i++) {
    for (const [pid, p] of all) if (p.ppid === found[i]) found.push(pid);
  }
  return found;
}

function pssKb(pid) {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  return Number(/^Pss:\s+(\d+) kB/m.exec(text)?.[1] ?? 0);
}

// Epoch milliseconds at which a process started: boot time + start ticks (100 Hz on Linux).
function startedAt(p) {
  const btime = Number(/^btime (\d+)/m.exec(readFileSync("/proc/stat", "utf8"))[1]);
  return btime * 1000 + (p.startTicks * 1000) / 100;
}

async function main() {
  const dataHome = mkdtempSync(join(tmpdir(), "keyworks-launch-bench-"));
  let driver = null;
  let id = null;
  let failed = false;
  try {
    driver = await startDriver({ XDG_DATA_HOME: dataHome, XDG_CONFIG_HOME: dataHome });
    const session = await openApp(app, [file], 120_000);
    id = session.id;
    const { run } = session;
    await until("the dashboard", async () => run('return document.querySelectorAll(\'[data-testid="project-row"]\').length > 0'));

    const all = processes();
    const appPid = [...descendants(all, driver.pid)].find((pid) => all.get(pid)?.comm === basename(app).slice(0, 15));
    if (!appPid) throw new Error("keyworks-app not found among tauri-driver's processes");
    const page = await run(
      "const fcp = performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint'); return { origin: performance.timeOrigin, fcp: fcp ? fcp.startTime : null };",
    );
    const appStart = startedAt(all.get(appPid));
    const navMs = page.origin - appStart;
    console.log(
      `in-page cross-check (50k file, 10 ms clock): app start → page navigation start ${navMs.toFixed(0)} ms; → first contentful paint ${page.fcp === null ? "n/a" : (navMs + page.fcp).toFixed(0) + " ms"}`,
    );

    const clickedAt = Date.now();
    await run('document.querySelector(\'[data-testid="nav-project"]\').click(); return true;');
    await until("the Gantt rows", async () => run('return document.querySelectorAll(\'[data-testid="task-row"]\').length > 0'));
    await until(
      "the critical path",
      async () =>
        run(
          'return !!document.querySelector(\'[data-testid="gantt"][data-scheduled="true"]\') || (!document.querySelector(\'[data-testid="gantt"][data-scheduled]\') && !!document.querySelector(".g-row.critical"))',
        ),
      300_000,
    );
    const rowsTotal = await run('return document.querySelector(\'[data-testid="gantt"]\')?.getAttribute("aria-rowcount")');
    console.log(`Gantt with critical path after ${((Date.now() - clickedAt) / 1000).toFixed(1)} s, ${rowsTotal} rows`);
    // Let allocations from the schedule settle before reading memory.
    await sleep(3000);

    const now = processes();
    const perProcess = descendants(now, appPid).map((pid) => ({ pid, comm: now.get(pid).comm, pssMb: pssKb(pid) / 1024 }));
    const totalMb = perProcess.reduce((a, b) => a + b.pssMb, 0);
    for (const q of perProcess) console.log(`  PSS ${q.comm} (${q.pid}): ${q.pssMb.toFixed(1)} MB`);
    console.log(`PSS total, keyworks-app and its child processes: ${totalMb.toFixed(1)} MB (target ≤ 250 MB)`);
    console.log(`BENCH ${JSON.stringify({ rows: Number(rowsTotal), totalMb, perProcess, navMs, fcp: page.fcp })}`);
  } catch (e) {
    failed = true;
    console.error(`launch bench FAILED: ${e.stack ?? e}`);
  } finally {
    if (id) await wd("DELETE", `/session/${id}`).catch(() => {});
    driver?.kill();
  }
  // A failed run keeps its folder for a look; a passed one leaves nothing in /tmp.
  if (!failed) rmSync(dataHome, { recursive: true, force: true });
  process.exit(failed ? 1 : 0);
}

main();
