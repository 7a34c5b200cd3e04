// Gantt benchmark in the real app: opens a large project file in KeyWorks (tauri-driver +
// WebKitWebDriver, as e2e/desktop.mjs), opens its Gantt and scrolls it from inside the page
// with requestAnimationFrame, timing every frame with performance.now(). Not a test: it prints
// figures and fails only when the app cannot be driven.
//
//   node e2e/gantt-bench.mjs /abs/path/to/keyworks-app /abs/path/to/file.sqlite [seconds] [screenshot.png]
//
// Reports: open → Gantt painted (ms, click to the first frame after the rows appear), then for
// a vertical scroll and a sideways scroll: frames, frames per second, median, 95th percentile
// and worst frame time. One JSON line at the end (prefix "BENCH ") for scripts to pick up.

import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { openApp, sleep, startDriver, until as poll, wd } from "./webdriver.mjs";

const [app, file, secondsArg, shot] = process.argv.slice(2);
if (!app || !existsSync(app) || !file || !existsSync(file)) {
  console.error("usage: node e2e/gantt-bench.mjs /abs/path/to/keyworks-app /abs/path/to/file.sqlite [seconds] [screenshot.png]");
  process.exit(2);
}
const seconds = Number(secondsArg ?? 5);

// Each script's own patience with the shared poller.
const until = (what, probe, timeoutMs = 60_000) => poll(what, probe, timeoutMs, 100);

// In-page code, sent as strings. `measure` scrolls the Gantt's scroller by `dx`/`dy` pixels a
// frame (bouncing at the ends) for `ms` milliseconds and times each frame. `start` places the
// view first: "top-left" (the first rows, the timeline's start: bars in view), or "follow",
// which scrolls sideways as fast as the plan advances per row, so bars stay in view.
const MEASURE = `
  const [dx0, dy, ms, start, done] = arguments;
  const el = document.querySelector('[data-testid="gantt"]');
  const ratio = (el.scrollWidth - el.clientWidth) / Math.max(1, el.scrollHeight - el.clientHeight);
  const dx = start === "follow" ? dy * ratio : dx0;
  if (start === "top-left") { el.scrollTop = 0; el.scrollLeft = 0; }
  if (start === "follow") el.scrollLeft = Math.max(0, el.scrollTop * ratio - 200);
  const frames = [];
  let last = null, startedAt = null;
  let sx = dx, sy = dy;
  function step(now) {
    if (last !== null) frames.push(now - last);
    if (startedAt === null) startedAt = now;
    last = now;
    if (now - startedAt >= ms) {
      const sorted = [...frames].sort((a, b) => a - b);
      const total = frames.reduce((a, b) => a + b, 0);
      done({
        frames: frames.length,
        fps: frames.length / (total / 1000),
        median: sorted[Math.floor(sorted.length / 2)],
        p95: sorted[Math.floor(sorted.length * 0.95)],
        worst: sorted[sorted.length - 1],
        over20ms: frames.filter((f) => f > 20).length,
        scrollTop: el.scrollTop,
        scrollLeft: el.scrollLeft,
      });
      return;
    }
    if (el.scrollTop + sy > el.scrollHeight - el.clientHeight || el.scrollTop + sy < 0) sy = -sy;
    if (el.scrollLeft + sx > el.scrollWidth - el.clientWidth || el.scrollLeft + sx < 0) sx = -sx;
    el.scrollTop += sy;
    el.scrollLeft += sx;
    requestAnimationFrame(step);
  }
  requestAnimationFrame(step);
`;

// Drags a task's bar in view a week later (pointer events on its hit target, as a mouse does)
// and times from the release to the first frame after its row shows the new start date: the
// whole edit, from the drop to the repaint. Alternates later and back; `n` drags.
const EDIT = `
  const [n, done] = arguments;
  const el = document.querySelector('[data-testid="gantt"]');
  el.scrollTop = 0; el.scrollLeft = 0;
  const times = [];
  let i = 0;
  function drag() {
    const box = el.getBoundingClientRect();
    const bar = [...document.querySelectorAll('[data-testid="bar"]')].find((b) => {
      const r = b.getBoundingClientRect();
      const row = document.querySelector('[data-testid="task-row"][data-id="' + b.dataset.id + '"]');
      return r.width > 8 && r.left > box.left + 480 && r.left + 40 < box.right && r.top > box.top + 44 && r.bottom < box.bottom - 4 && row && !row.classList.contains("summary");
    });
    if (!bar) {
      const bars = [...document.querySelectorAll('[data-testid="bar"]')].slice(0, 5).map((b) => { const r = b.getBoundingClientRect(); return [b.dataset.id, Math.round(r.left), Math.round(r.top), Math.round(r.width)]; });
      done({ error: "no bar in view: box " + JSON.stringify([box.left, box.top, box.right, box.bottom]) + " bars " + JSON.stringify(bars) });
      return;
    }
    const id = bar.dataset.id;
    const row = () => document.querySelector('[data-testid="task-row"][data-id="' + id + '"]');
    const before = row().querySelector(".c-date").textContent;
    const r = bar.getBoundingClientRect();
    const days = i % 2 === 0 ? 7 : -7;
    const x = r.left + 4, y = r.top + r.height / 2;
    const dx = Number(el.dataset.pxPerDay) * days;
    const ev = (type, cx) => new PointerEvent(type, { bubbles: true, clientX: cx, clientY: y, pointerId: 1, button: 0, buttons: type === "pointerup" ? 0 : 1 });
    bar.dispatchEvent(ev("pointerdown", x));
    const overlay = bar.closest(".g-overlay");
    overlay.dispatchEvent(ev("pointermove", x + dx / 2));
    overlay.dispatchEvent(ev("pointermove", x + dx));
    const t0 = performance.now();
    overlay.dispatchEvent(ev("pointerup", x + dx));
    function wait() {
      const now = row()?.querySelector(".c-date").textContent;
      if (now !== undefined && now !== before) {
        requestAnimationFrame(() => {
          times.push(performance.now() - t0);
          i += 1;
          if (i < n) setTimeout(drag, 300); else {
            const sorted = [...times].sort((a, b) => a - b);
            done({ drags: times.length, median: sorted[Math.floor(sorted.length / 2)], worst: sorted[sorted.length - 1], times });
          }
        });
        return;
      }
      if (performance.now() - t0 > 20000) {
        const banner = (document.querySelector('[data-testid="error"]')?.innerText ?? "no error shown") + "; " + (document.querySelector('[data-testid="read-only-text"]')?.innerText ?? "not read-only");
        done({ error: "the edit never showed (task " + id + ", dx " + dx + ", " + banner + ")", times });
        return;
      }
      requestAnimationFrame(wait);
    }
    requestAnimationFrame(wait);
  }
  // Sideways to the first bars (the plan may start long before the timeline's first day);
  // the layers follow the scroll on the next frames.
  function seek() {
    const box = el.getBoundingClientRect();
    const inView = [...document.querySelectorAll('[data-testid="bar"]')].some((b) => {
      const r = b.getBoundingClientRect();
      return r.left > box.left + 480 && r.left + 40 < box.right;
    });
    if (inView || el.scrollLeft >= el.scrollWidth - el.clientWidth) { drag(); return; }
    el.scrollLeft += Math.max(100, (el.clientWidth - 480) / 2);
    requestAnimationFrame(() => requestAnimationFrame(seek));
  }
  requestAnimationFrame(() => requestAnimationFrame(seek));
`;

// Clicks the project tab and times until the first frame with the Gantt's rows drawn.
const OPEN = `
  const done = arguments[arguments.length - 1];
  const t0 = performance.now();
  document.querySelector('[data-testid="nav-project"]').click();
  function poll() {
    const rows = document.querySelectorAll('[data-testid="task-row"]').length;
    if (rows > 0) {
      requestAnimationFrame(() => requestAnimationFrame(() => done({ ms: performance.now() - t0, rowsInDom: rows })));
      return;
    }
    if (performance.now() - t0 > 60000) { done({ ms: -1, rowsInDom: 0 }); return; }
    requestAnimationFrame(poll);
  }
  requestAnimationFrame(poll);
`;

const fmt = (r) =>
  `${r.frames} frames, ${r.fps.toFixed(1)} fps, median ${r.median.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, worst ${r.worst.toFixed(1)} ms, ${r.over20ms} frames over 20 ms`;

async function main() {
  const dataHome = mkdtempSync(join(tmpdir(), "keyworks-bench-"));
  let driver = null;
  let id = null;
  let failed = false;
  try {
    driver = await startDriver({ XDG_DATA_HOME: dataHome });
    const session = await openApp(app, [file], (seconds + 90) * 1000);
    id = session.id;
    const { run, runAsync } = session;
    await until("the dashboard", async () => run('return document.querySelectorAll(\'[data-testid="project-row"]\').length > 0'));
    const tasks = await run(
      'return document.querySelector(\'[data-testid="project-row"]\')?.textContent ?? ""',
    );
    const open = await runAsync(OPEN);
    console.log(`open → Gantt painted: ${open.ms.toFixed(0)} ms (${open.rowsInDom} rows in the DOM)`);
    const total = await until("the row count", async () => run('return document.querySelector(\'[data-testid="gantt"]\')?.getAttribute("aria-rowcount")'));
    console.log(`project: ${tasks.trim().slice(0, 40)}…, ${total} rows in the tree`);
    // The critical path arrives after the first paint (the engine runs in the background); the
    // scrolling is measured once it is drawn, with the backend idle again. Builds without the
    // data-scheduled mark drew the Gantt only with the schedule, so rows marked critical do.
    const scheduleStarted = Date.now();
    await until(
      "the critical path",
      async () =>
        run(
          'return !!document.querySelector(\'[data-testid="gantt"][data-scheduled="true"]\') || (!document.querySelector(\'[data-testid="gantt"][data-scheduled]\') && !!document.querySelector(".g-row.critical"))',
        ),
      300_000,
    );
    const scheduleMs = open.ms + (Date.now() - scheduleStarted);
    console.log(`open → critical path drawn: about ${(scheduleMs / 1000).toFixed(1)} s`);
    await sleep(500);
    // Warm-up: first frames compile code paths; not counted.
    await runAsync(MEASURE, 0, 20, 1000, "top-left");
    // Vertical from the first rows at the timeline's start: 20 px a frame, about 1,200 px a
    // second at 60 fps (a brisk wheel or flick).
    const vertical = await runAsync(MEASURE, 0, 20, seconds * 1000, "top-left");
    console.log(`vertical scroll ${seconds} s: ${fmt(vertical)}`);
    // Sideways through the timeline, 20 px a frame.
    const sideways = await runAsync(MEASURE, 20, 0, seconds * 1000, "top-left");
    console.log(`sideways scroll ${seconds} s: ${fmt(sideways)}`);
    // Down the plan with the bars kept in view (12 px a frame down, sideways to match).
    const diagonal = await runAsync(MEASURE, 0, 12, seconds * 1000, "follow");
    console.log(`diagonal scroll ${seconds} s (bars in view): ${fmt(diagonal)}`);
    const edit = await runAsync(EDIT, 8);
    if (edit.error) throw new Error(`Gantt edit: ${edit.error}`);
    console.log(`Gantt edit (drag a bar a week, drop → row and chart repainted), ${edit.drags} drags: median ${edit.median.toFixed(0)} ms, worst ${edit.worst.toFixed(0)} ms`);
    const domNodes = await run("return document.getElementsByTagName('*').length");
    console.log(`DOM elements on the page after scrolling: ${domNodes}`);
    if (shot) {
      const png = await wd("GET", `/session/${id}/screenshot`);
      writeFileSync(shot, Buffer.from(png, "base64"));
    }
    console.log(`BENCH ${JSON.stringify({ rows: Number(total), openMs: open.ms, scheduleMs, vertical, sideways, diagonal, edit, domNodes })}`);
  } catch (e) {
    failed = true;
    console.error(`gantt bench FAILED: ${e.stack ?? e}`);
  } finally {
    if (id) await wd("DELETE", `/session/${id}`).catch(() => {});
    // The app lets its edit lock go as it ends: the next run (the other renderer) would
    // otherwise find the file being edited and open it read-only.
    const lock = join(dirname(file), `~$${basename(file)}`);
    for (let i = 0; i < 100 && existsSync(lock); i++) await sleep(100);
    driver?.kill();
  }
  // A failed run keeps its folder for a look; a passed one leaves nothing in /tmp.
  if (!failed) rmSync(dataHome, { recursive: true, force: true });
  process.exit(failed ? 1 : 0);
}

main();
