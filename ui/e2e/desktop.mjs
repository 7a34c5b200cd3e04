// End to end in the real app: tauri-driver (WebDriver for Tauri) drives the debug binary in
// WebKitGTK under Xvfb. Plain fetch against the W3C WebDriver API, no browser downloads.
//
//   KEYWORKS_CLI=/abs/path/to/keyworks node e2e/desktop.mjs /abs/path/to/keyworks-app [screenshot-dir]
//
// Every step does what a person does: it types into fields, clicks buttons and presses keys
// (WebDriver actions); it reads the page to check, and never calls a command itself. The
// steps follow issue #18, a new officer's and a new manager's first day:
//   first launch (name asked, the sample opened as of its own date, the window fits the
//   screen) · a weekly update filed, found in 历次周报, History and the CLI · a colleague's
//   report never replaced silently · a task added beside the selected one · Tab leaves the
//   tree, Alt+Shift+→ indents, a looping indent is refused · errors inside dialogs · focus back
//   in the tree after dialogs and deletes · undo says what it undid · a late milestone shows
//   its date · History readable and filtered · Milestones filtered, bulk done with undo ·
//   English throughout · a restart keeps everything · auditor mode changes nothing. And #15:
//   a month's investment recorded in the project view moves the dashboard's chart and light.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KEY, Session, until } from "./session.mjs";
import { sleep, startDriver, wd } from "./webdriver.mjs";

const app = process.argv[2];
const shots = process.argv[3];
const cli = process.env.KEYWORKS_CLI;
if (!app || !existsSync(app) || !cli || !existsSync(cli)) {
  console.error("usage: KEYWORKS_CLI=/abs/path/to/keyworks node e2e/desktop.mjs /abs/path/to/keyworks-app [screenshot-dir]");
  process.exit(2);
}
const home = mkdtempSync(join(tmpdir(), "keyworks-e2e-"));
const dataHome = join(home, "data");
const configHome = join(home, "config");
mkdirSync(dataHome);
mkdirSync(configHome);
const dbFile = join(dataHome, "cn.xa-hitech.keyworks", "keyworks.sqlite");
const started = Date.now();

function log(step) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${step}`);
}


function cliJson(...args) {
  return JSON.parse(execFileSync(cli, ["--db", dbFile, ...args, "--json"], { encoding: "utf8" }));
}

function check(ok, what) {
  if (!ok) throw new Error(what);
}

async function banner(s) {
  return (await s.all('[data-testid="error"]')).length ? s.text('[data-testid="error"]') : null;
}

async function openProject(s, code, row) {
  await s.click('[data-testid="nav-dashboard"]');
  // WebKitWebDriver does not click a <tr> itself ("not interactable"): click its name cell.
  await s.click(`[data-testid="project-row"][data-code="${code}"] td.name`);
  await until(`the Gantt of ${code}`, async () => (await s.all(`[data-testid="task-row"][data-name="${row}"]`)).length > 0);
}

async function selectRow(s, name) {
  try {
    await s.click(`[data-testid="task-row"][data-name="${name}"] .c-name`);
  } catch (e) {
    if (!String(e.message).includes("not interactable")) throw e;
    // Scrolled out of view: click a row in view, then walk the tree with the arrow keys.
    const visible = await s.run(`
      const box = document.querySelector('[data-testid="gantt"]').getBoundingClientRect();
      const r = [...document.querySelectorAll('[data-testid="task-row"]')].find((x) => {
        const b = x.getBoundingClientRect();
        return b.top >= box.top + 44 && b.bottom <= box.bottom;
      });
      return r ? r.dataset.name : null;`);
    await s.click(`[data-testid="task-row"][data-name="${visible}"] .c-name`);
    const order = await s.run('return [...document.querySelectorAll(\'[data-testid="task-row"]\')].map((r) => r.dataset.name)');
    const key = order.indexOf(name) < order.indexOf(visible) ? KEY.up : KEY.down;
    for (let i = 0; i < 500 && (await s.selectedRow()) !== name; i++) await s.press(key);
  }
  await until(`${name} selected`, async () => (await s.selectedRow()) === name);
}

const row = (name) => `[data-testid="task-row"][data-name="${name}"]`;
const attr = (s, css, a) => s.run(`const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;`, css, a);

// ---- the steps ----

async function firstLaunch(s) {
  // Asked for a name before anything is changed under the OS user's.
  await until("the name dialog", async () => (await s.all('[data-testid="first-name"]')).length > 0);
  await s.screenshot("01-first-launch");
  await s.type('[data-testid="first-name"]', "韩工");
  await s.click('[data-testid="dialog-ok"]');
  await until("the name saved", async () => ((await s.text('[data-testid="notice-text"]')) ?? "").includes("韩工"));
  const rows = await until("the seeded projects on the dashboard", async () => {
    const r = await s.all('[data-testid="project-row"]');
    return r.length >= 12 ? r : null;
  });
  check(existsSync(dbFile), `no database at ${dbFile}`);
  // The sample opens as of its own date, says so, and shows dates the Chinese way.
  const notice = await s.text('[data-testid="sample-notice"]');
  check(notice?.includes("示例数据，按 2021年6月11日 查看") && notice.includes("回到今天"), `sample notice reads ${notice}`);
  const asOf = await s.value('[data-testid="as-of"]');
  check(asOf === "2021年6月11日", `the as-of field shows ${asOf}`);
  const fits = await s.run("return { w: window.outerWidth, h: window.outerHeight, sw: screen.availWidth, sh: screen.availHeight }");
  check(fits.w <= fits.sw && fits.h <= fits.sh, `the window (${fits.w}×${fits.h}) overflows the screen (${fits.sw}×${fits.sh})`);
  log(`first launch: name asked; ${rows.length} projects; sample as of 2021年6月11日 with its notice; window ${fits.w}×${fits.h} on ${fits.sw}×${fits.sh}`);
  await sleep(600);
  await s.screenshot("02-dashboard");
  // The date typed the way people write it.
  await s.type('[data-testid="as-of"]', "2021/6/18");
  await until("the as-of date typed", async () => !(await s.all('[data-testid="sample-notice"]')).length);
  await s.click('[data-testid="seed-date"]');
  await until("back on the sample's date", async () => (await s.value('[data-testid="as-of"]')) === "2021年6月11日");
  // The monthly chart's library is loaded when the chart scrolls into view.
  await s.run('document.querySelector(\'[data-testid="milestone-chart"]\').scrollIntoView(); return true;');
  await until("the milestone chart drawn once in view", async () =>
    s.run('const c = document.querySelector(\'[data-testid="milestone-chart"] canvas\'); return !!c && c.width > 0;'),
  );
  await s.run("window.scrollTo(0, 0); return true;");
}

async function weeklyUpdate(s) {
  await s.click('[data-testid="nav-updates"]');
  await s.choose('[data-testid="update-project"]', "KP21-01");
  await until("the week prefilled", async () => (await s.value('[data-testid="update-week"]')) === "2021-W23");
  // A new week: one step on with ›, then typed in full.
  await s.click('[data-testid="update-week"] + button');
  await until("week 24", async () => (await s.value('[data-testid="update-week"]')) === "2021-W24");
  await s.type('[data-testid="update-percent"]', "64");
  await s.click('[data-testid="update-status-yellow"]');
  const narrative = `第二批工艺设备搬入完成，端到端-${Date.now() % 100000}。`;
  await s.type('[data-testid="update-narrative"]', narrative);
  await s.type('[data-testid="update-issues"]', "1.进口设备清关偏慢；2.施工用电二期未接通");
  // The 问题与风险 go into the problem ledger too, one item each.
  await s.click('[data-testid="update-raise"]');
  await until("the ledger fields", async () => (await s.all('[data-testid="update-raise-fields"]')).length === 1);
  await s.type('[data-testid="update-raise-unit"]', "区商务局");
  await s.type('[data-testid="update-raise-due"]', "2021-07-15");
  await s.choose('[data-testid="update-raise-level"]', "district");
  await s.click('[data-testid="record-update"]');
  await until("the submitted notice", async () => ((await s.text('[data-testid="notice-text"]')) ?? "").includes("已提交2021年第24周周报，并登记 2 个问题到台账"));
  const item = await until("the update in 历次周报", async () => s.text('[data-testid="update-item"][data-week="2021-W24"]'));
  check(item.includes(narrative) && item.includes("韩工"), `历次周报 reads ${item}`);
  await s.screenshot("03-weekly-update");
  log("weekly update typed and submitted; it is in 历次周报");

  // A week that already has 王工's report: asked first, then edited, never replaced silently.
  await s.type('[data-testid="update-week"]', "2021年第23周");
  await s.type('[data-testid="update-narrative"]', "这段文字不应覆盖王工的周报。");
  await s.click('[data-testid="record-update"]');
  const asked = await until("the question about 王工's report", async () => s.text('[data-testid="report-exists"]'));
  check(asked.includes("王工（示例）") && asked.includes("替换") && asked.includes("编辑"), `the question reads ${asked}`);
  await s.screenshot("04-report-exists");
  await s.click('[data-testid="report-exists-cancel"]');
  const w23 = await s.text('[data-testid="update-item"][data-week="2021-W23"]');
  check(w23.includes("王工（示例）") && !w23.includes("不应覆盖"), `cancel changed W23: ${w23}`);
  await s.click('[data-testid="record-update"]');
  await s.click('[data-testid="report-exists-edit"]');
  await until("王工's words in the form", async () => ((await s.value('[data-testid="update-narrative"]')) ?? "").includes("消防、环保等专项验收6月7日启动"));
  check((await s.text('[data-testid="editing-report"]')).includes("王工（示例）"), "no editing notice");
  await s.append('[data-testid="update-narrative"]', "（韩工补充：消防检测已预约。）");
  await s.click('[data-testid="record-update"]');
  await until("the replaced notice", async () => ((await s.text('[data-testid="notice-text"]')) ?? "").includes("原填报人：王工（示例）"));
  const revised = await s.text('[data-testid="update-item"][data-week="2021-W23"]');
  check(revised.includes("韩工补充") && revised.includes("消防、环保等专项验收"), `W23 after editing: ${revised}`);
  log("王工's W23 report: asked first (替换 / 编辑 / 取消); 取消 kept it; 编辑 revised it with his words kept");

  // The CLI reads the same file: both reports are there, with their authors.
  const shown = cliJson("show", "KP21-01");
  const byWeek = Object.fromEntries(shown.updates.map((u) => [u.iso_week, u]));
  check(byWeek["2021-W24"]?.narrative === narrative && byWeek["2021-W24"]?.author === "韩工", `CLI W24: ${JSON.stringify(byWeek["2021-W24"])}`);
  check(byWeek["2021-W23"]?.narrative.includes("韩工补充"), `CLI W23: ${JSON.stringify(byWeek["2021-W23"])}`);
  log("the CLI shows both reports");
  return narrative;
}

async function addBesideSelected(s) {
  await openProject(s, "KP21-02", "产线安装调试");
  const before = await s.run(
    `const r = document.querySelector(arguments[0]); return { parent: r.dataset.parent, depth: r.dataset.depth, percent: r.dataset.percent, text: r.innerText };`,
    row("产线安装调试"),
  );
  await selectRow(s, "产线安装调试");
  await s.click('[data-testid="add-task"]');
  const after = await until("the placement hint", async () => s.text('[data-testid="form-after"]'));
  check(after.includes("产线安装调试"), `the dialog says ${after}`);
  await s.type('[data-testid="form-name"]', "产线联调验收");
  await s.type('[data-testid="form-start"]', "2021-08-02");
  await s.type('[data-testid="form-finish"]', "2021年8月13日");
  await s.screenshot("05-add-task");
  await s.click('[data-testid="dialog-ok"]');
  await until("the new task", async () => (await s.all(row("产线联调验收"))).length === 1);
  const added = await s.run(`const r = document.querySelector(arguments[0]); return { parent: r.dataset.parent, depth: r.dataset.depth };`, row("产线联调验收"));
  const kept = await s.run(
    `const r = document.querySelector(arguments[0]); return { parent: r.dataset.parent, depth: r.dataset.depth, percent: r.dataset.percent, text: r.innerText };`,
    row("产线安装调试"),
  );
  check(added.parent === before.parent && added.depth === before.depth, `the new task is not a sibling: ${JSON.stringify(added)} vs ${JSON.stringify(before)}`);
  check(JSON.stringify(kept) === JSON.stringify(before), `产线安装调试 changed: ${JSON.stringify(before)} → ${JSON.stringify(kept)}`);
  const order = await s.run('return [...document.querySelectorAll(\'[data-testid="task-row"]\')].map((r) => r.dataset.name)');
  check(order.indexOf("产线联调验收") === order.indexOf("产线安装调试") + 1, `not right after the selected task: ${order.join(", ")}`);
  log("添加任务 with 产线安装调试 selected: a sibling right after it; its dates and 5% untouched");
}

async function indentByKeys(s) {
  await openProject(s, "KP21-01", "工艺冷却水及特气管道安装");
  const parentOf = (name) => attr(s, row(name), "data-parent");
  // Tab leaves the tree instead of indenting (no keyboard trap, no accidental indent).
  await selectRow(s, "纯水及废水处理系统安装调试");
  const parentBefore = await parentOf("纯水及废水处理系统安装调试");
  await s.press(KEY.tab);
  await sleep(400);
  check((await parentOf("纯水及废水处理系统安装调试")) === parentBefore, "Tab indented the task");
  check((await s.focused()) !== "gantt", "Tab kept the focus in the tree");
  // Alt+Shift+→ indents, Alt+Shift+← outdents.
  await selectRow(s, "纯水及废水处理系统安装调试");
  await s.press([KEY.alt, KEY.shift, KEY.right]);
  const sibling = await s.run(`return document.querySelector(arguments[0]).dataset.id`, row("工艺冷却水及特气管道安装"));
  await until("indented under the row above", async () => (await parentOf("纯水及废水处理系统安装调试")) === sibling);
  await s.press([KEY.alt, KEY.shift, KEY.left]);
  await until("outdented back", async () => (await parentOf("纯水及废水处理系统安装调试")) === parentBefore);
  log("Tab leaves the tree; Alt+Shift+→ indents, Alt+Shift+← outdents");
  // Indenting a task under its own predecessor would make a loop: refused, nothing saved.
  await selectRow(s, "工艺冷却水及特气管道安装");
  const loopParent = await parentOf("工艺冷却水及特气管道安装");
  await s.press([KEY.alt, KEY.shift, KEY.right]);
  const refused = await until("the refusal", async () => banner(s));
  check(refused.includes("循环") && refused.includes("未做任何改动"), `refusal reads ${refused}`);
  check((await parentOf("工艺冷却水及特气管道安装")) === loopParent, "the looping indent was saved");
  check((await s.all('[data-testid="schedule-problem"]')).length === 0, "the schedule broke");
  await s.screenshot("06-loop-refused");
  log(`a looping indent is refused before saving: ${refused.replace(/\s+/g, " ").slice(0, 80)}…`);
}

/** Presses the left button at `at` (window coordinates), moves by each of `moves` in turn and
 *  lets go: a drag as the mouse makes it, pointer events and all. */
async function dragWithMouse(s, at, moves) {
  await wd("POST", s.path("/actions"), {
    actions: [
      {
        type: "pointer",
        id: "mouse",
        parameters: { pointerType: "mouse" },
        actions: [
          { type: "pointerMove", origin: "viewport", x: at.x, y: at.y },
          { type: "pointerDown", button: 0 },
          ...moves.map((m) => ({ type: "pointerMove", origin: "pointer", x: m.x, y: m.y, duration: m.duration })),
          { type: "pointerUp", button: 0 },
        ],
      },
    ],
  });
  await wd("DELETE", s.path("/actions")).catch(() => {});
}

async function dragABar(s) {
  // A bar dragged with the mouse onto Saturday 12 June, in the Dragon Boat Festival holiday:
  // it lands on Tuesday the 15th and keeps its working days, as the preview showed.
  const name = "消防、环保等专项验收";
  const id = await attr(s, row(name), "data-id");
  const before = await s.text(`${row(name)} .c-date`);
  check(before === "6月7日", `${name} starts on ${before}`);
  await selectRow(s, name); // brings its row, and so its bar, into view
  // Clear of the chart's bottom edge, where GTK's overlay scrollbar takes the mouse: two rows
  // down and back, as a person scrolls a little past what they want to grab.
  await s.press(KEY.down + KEY.down);
  await s.press(KEY.up + KEY.up);
  await until(`${name} selected again`, async () => (await s.all(`${row(name)}.selected`)).length === 1);
  const px = Number(await attr(s, '[data-testid="gantt"]', "data-px-per-day"));
  // Where a person would press: a point of the bar that is on screen (the bar may run past the
  // chart's right edge), in window coordinates.
  const at = await s.run(
    `const b = document.querySelector(arguments[0]).getBoundingClientRect();
     const c = document.querySelector('[data-testid="gantt"]').getBoundingClientRect();
     const left = Math.max(b.left, c.left), right = Math.min(b.right, c.right, window.innerWidth);
     const middle = b.top + b.height / 2;
     const seen = middle > c.top && middle < Math.min(c.bottom, window.innerHeight);
     if (!seen || right - left < 4) return null;
     const x = Math.round(left + Math.min(8, (right - left) / 2)), y = Math.round(middle);
     // What is under the mouse there, as the pointer's own hit test finds it.
     return document.elementFromPoint(x, y)?.dataset?.id === String(arguments[1]) ? { x, y } : null;`,
    `[data-testid="bar"][data-id="${id}"]`,
    id,
  );
  check(at !== null, `the bar of ${name} is not on screen`);
  const step = Math.round((px * 5) / 2);
  await dragWithMouse(s, at, [
    { x: step, y: 0, duration: 150 },
    { x: px * 5 - step, y: 0, duration: 150 },
  ]);
  await until("the bar moved", async () => (await s.text(`${row(name)} .c-date`)) !== before);
  const after = await s.text(`${row(name)} .c-date`);
  check(after === "6月15日", `the dragged bar starts on ${after}, not the first working day after the holiday`);
  log(`a bar dragged onto a holiday Saturday lands on the next working day (${before} → ${after}), its working days kept`);
  await s.press([KEY.control, "z"]);
  await until("the drag undone", async () => (await s.text(`${row(name)} .c-date`)) === before);
}

async function linkByDragging(s) {
  // A dependency drawn with the mouse: from the dot at the end of 消防、环保等专项验收's bar onto
  // 二阶段量产's row. Drawn again onto 竣工验收备案, which already follows it, nothing is added.
  const from = "消防、环保等专项验收";
  const fromId = Number(await attr(s, row(from), "data-id"));
  const idOf = async (name) => Number(await attr(s, row(name), "data-id"));
  const links = () => cliJson("show", "KP21-01").dependencies.filter((d) => d.predecessor_id === fromId);
  const before = links();
  await s.click('[data-testid="zoom-month"]'); // the whole bar and its dot on screen
  await selectRow(s, from);
  const drawLink = async (to) => {
    const toId = await idOf(to);
    const path = await s.run(
      `const dot = document.querySelector('[data-testid="link-handle"][data-id="' + arguments[0] + '"]').getBoundingClientRect();
       const target = document.querySelector('[data-testid="task-row"][data-id="' + arguments[1] + '"]').getBoundingClientRect();
       const chart = document.querySelector('[data-testid="gantt"]').getBoundingClientRect();
       const x = Math.round(dot.left + dot.width / 2), y = Math.round(dot.top + dot.height / 2);
       if (x <= chart.left || x >= Math.min(chart.right, window.innerWidth) || y >= Math.min(chart.bottom, window.innerHeight)) return null;
       return { x, y, dx: 40, dy: Math.round(target.top + target.height / 2) - y };`,
      fromId,
      toId,
    );
    check(path !== null, `the link dot of ${from} is not on screen`);
    const half = { x: path.dx / 2, y: path.dy / 2, duration: 100 };
    await dragWithMouse(s, path, [half, half]);
    return toId;
  };
  const added = await drawLink("二阶段量产");
  await until("the new dependency saved", async () => links().length === before.length + 1);
  const made = links().find((d) => d.successor_id === added);
  check(made?.kind === "FS" && made.lag_days === 0, `the drawn link is ${JSON.stringify(made)}`);
  const existing = await idOf("竣工验收备案");
  check(before.some((d) => d.successor_id === existing), `${from} → 竣工验收备案 is not in the plan`);
  await drawLink("竣工验收备案");
  await sleep(800);
  check((await banner(s)) === null, `drawing an existing link again shows ${await banner(s)}`);
  check(links().length === before.length + 1, "drawing an existing link again added one");
  log(`a dependency drawn from ${from}'s dot onto 二阶段量产 is saved (FS, no lag); drawn again onto 竣工验收备案, which already follows, nothing is added`);
  await s.press([KEY.control, "z"]);
  await until("the link undone", async () => links().length === before.length);
  await s.click('[data-testid="zoom-week"]');
}

async function dialogsAndFocus(s) {
  // An impossible completion date is told inside the dialog, beside the field.
  await selectRow(s, "竣工验收备案");
  await s.click('[data-testid="mark-done"]:not([disabled])');
  await s.type('[data-testid="form-done-date"]', "2027-01-15");
  await s.click('[data-testid="dialog-ok"]');
  const fieldError = await until("the date's problem beside it", async () => s.text('[data-testid="dialog"] .field-error'));
  check(fieldError.includes("不能晚于"), `field error reads ${fieldError}`);
  check((await banner(s)) === null, "an error banner appeared behind the dialog");
  await s.screenshot("07-error-in-dialog");
  // Fixed: the message goes, the milestone is done (late), shown with its date.
  await s.type('[data-testid="form-done-date"]', "2021-06-10");
  await until("the problem cleared", async () => (await s.all('[data-testid="dialog"] .field-error')).length === 0);
  await s.type('[data-testid="form-note"]', "备案号 高新建备〔2021〕18号");
  await s.click('[data-testid="dialog-ok"]');
  await until("the milestone done", async () => (await s.all(`${row("竣工验收备案")}[data-done="true"]`)).length === 1);
  check((await banner(s)) === null, "an old error stayed after the fix");
  log("a future completion date is refused beside its field, inside the dialog; fixed, it saves");

  // A milestone done shows the day it was done, not its plan.
  const shownDone = await s.text(`${row("竣工验收备案")} [data-testid="actual-finish"]`);
  check(shownDone === "✓ 6月10日", `the done milestone shows ${shownDone}`);

  // F2 → Enter: the new name saved and the arrows move on from the renamed row.
  await selectRow(s, "工艺设备分批搬入安装");
  await s.press(KEY.f2);
  await until("the rename dialog", async () => (await s.focused()) === "form-rename");
  await s.type('[data-testid="form-rename"]', "工艺设备分批搬入及安装");
  await s.press(KEY.enter);
  await until("renamed", async () => (await s.all(row("工艺设备分批搬入及安装"))).length === 1);
  await until("focus back in the tree", async () => (await s.focused()) === "gantt");
  await s.press(KEY.down);
  await until("ArrowDown moved on", async () => (await s.selectedRow()) === "设备联调及工艺验证");
  // F2 → Escape: the same.
  await s.press(KEY.f2);
  await until("the rename dialog again", async () => (await s.focused()) === "form-rename");
  await s.press(KEY.escape);
  await until("focus back after Escape", async () => (await s.focused()) === "gantt");
  await s.press(KEY.up);
  await until("ArrowUp moved on", async () => (await s.selectedRow()) === "工艺设备分批搬入及安装");
  log("after F2 → Enter and F2 → Escape the arrows still move in the tree");

  // Delete: asked plainly for a task without subtasks, 取消 first; after deleting, the next row.
  await selectRow(s, "设备联调及工艺验证");
  await s.press(KEY.delete);
  const question = await until("the delete question", async () => s.text('[data-testid="confirm-delete"]'));
  check(!question.includes("下级任务"), `asks about subtasks it has not: ${question}`);
  check((await s.focused()) === "dialog-cancel", `focus starts on ${await s.focused()}`);
  await s.press(KEY.enter);
  await until("cancelled", async () => (await s.all('[data-testid="dialog"]')).length === 0);
  check((await s.all(row("设备联调及工艺验证"))).length === 1, "Enter on 取消 deleted the task");
  await s.press(KEY.delete);
  await s.click('[data-testid="dialog-ok"]');
  await until("deleted", async () => (await s.all(row("设备联调及工艺验证"))).length === 0);
  const next = await until("a neighbour selected", async () => s.selectedRow());
  check(next === "消防、环保等专项验收", `after the delete ${next} is selected`);
  await until("focus in the tree after the delete", async () => (await s.focused()) === "gantt");
  await s.screenshot("08-after-delete");
  // Ctrl+Z: the notice says what was undone; the earlier notice does not pile up.
  await s.press([KEY.control, "z"]);
  const undone = await until("the undo notice", async () => {
    const n = await s.text('[data-testid="notice-text"]');
    return n?.startsWith("已撤销") ? n : null;
  });
  check(undone.includes("删除任务「设备联调及工艺验证」") && undone.includes("韩工"), `undo notice reads ${undone}`);
  check((await s.all('[data-testid="notice"]')).length === 1, "notices pile up");
  await until("the task back", async () => (await s.all(row("设备联调及工艺验证"))).length === 1);
  log(`delete asked plainly with 取消 focused; the next row selected after it; ${undone}`);
}

async function lateMilestone(s) {
  // Finished late: the day it was done, in red, and the plan beside it on hover.
  await openProject(s, "KP21-05", "首批拉晶炉及抛光设备搬入");
  await selectRow(s, "首批拉晶炉及抛光设备搬入");
  await s.click('[data-testid="mark-done"]:not([disabled])');
  await s.type('[data-testid="form-done-date"]', "2021年6月11日");
  await s.click('[data-testid="dialog-ok"]');
  const cell = `${row("首批拉晶炉及抛光设备搬入")} [data-testid="actual-finish"]`;
  await until("the late completion shown", async () => (await s.all(cell)).length === 1);
  const shown = await s.run(`const c = document.querySelector(arguments[0]); return { text: c.innerText, late: c.classList.contains("late"), title: c.title };`, cell);
  check(shown.text === "✓ 6月11日" && shown.late && shown.title.includes("晚 15 天"), `late milestone shows ${JSON.stringify(shown)}`);
  log(`a milestone finished late shows ${shown.text} in red: ${shown.title}`);
}

async function history(s, narrative) {
  await s.click('[data-testid="nav-history"]');
  await until("the history", async () => (await s.all('[data-testid="history-edit"]')).length > 3);
  const page = await s.text('[data-testid="history"]');
  for (const words of ["撤销", "删除任务", "标记完成", "里程碑「竣工验收备案」", "三星二期二阶段", "替换周报", "填报周报", "2021年第24周", "添加任务", "比亚迪智能终端", "重命名"]) {
    check(page.includes(words), `History does not say ${words}`);
  }
  check(page.includes(narrative.slice(0, 12)), "History does not show the update's text");
  for (const raw of ["baseline_id", "task_id", "task_name", "+08:00", "T0", "#1"]) {
    check(!page.includes(raw), `History shows raw ${raw}`);
  }
  // Local times, written the Chinese way.
  const time = await s.text('[data-testid="history-edit"] td.nowrap');
  check(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/.test(time), `time reads ${time}`);
  // Marking done reads as 标记完成, not as field changes alone.
  const completions = await s.run('return [...document.querySelectorAll(\'[data-testid="history-edit"][data-action="complete_milestone"] [data-testid="history-gist"]\')].map((g) => g.innerText)');
  check(completions.some((c) => c.includes("标记完成") && c.includes("里程碑「竣工验收备案」")), `completions read ${completions.join(" | ")}`);
  await s.screenshot("09-history");
  // Filters: a project, a person, a day.
  await s.choose('[data-testid="history-project"]', "KP21-02");
  await until("only 比亚迪's edits", async () => {
    const projects = await s.run('return [...document.querySelectorAll(\'[data-testid="history-edit"] td:nth-child(3)\')].map((c) => c.innerText)');
    return projects.length > 0 && projects.every((p) => p === "比亚迪智能终端" || p === "");
  });
  await s.choose('[data-testid="history-author"]', "韩工");
  await until("only 韩工's edits on 比亚迪", async () => {
    const edits = await s.run('return [...document.querySelectorAll(\'[data-testid="history-edit"]\')].map((e) => e.innerText)');
    return edits.length === 1 && edits[0].includes("添加任务") && edits[0].includes("产线联调验收");
  });
  await s.click('[data-testid="history-clear"]');
  await s.type('[data-testid="history-from"]', "2021-01-01");
  await s.type('[data-testid="history-to"]', "2021-01-31");
  await until("no edits in January 2021", async () => (await s.all('[data-testid="history-empty"]')).length === 1);
  await s.click('[data-testid="history-clear"]');
  log("History names projects, tasks and verbs in local time, and filters by project, person and date");
}

async function milestonesView(s) {
  await s.click('[data-testid="nav-milestones"]');
  await until("the milestones", async () => (await s.all('[data-testid="milestone-row"]')).length > 0);
  await s.type('[data-testid="milestone-search"]', "交房");
  await until("the search applied", async () => {
    const names = await s.run('return [...document.querySelectorAll(\'[data-testid="milestone-row"]\')].map((r) => r.innerText)');
    return names.length > 0 && names.every((n) => n.includes("交房"));
  });
  await s.type('[data-testid="milestone-search"]', "");
  await s.choose('[data-testid="milestone-project"]', "KP21-14");
  const rows = await until("KP21-14's open milestones", async () => {
    const r = await s.run('return [...document.querySelectorAll(\'[data-testid="milestone-row"]\')].map((e) => ({ id: e.dataset.id, name: e.dataset.name }))');
    return r.length >= 2 ? r : null;
  });
  const two = rows.slice(0, 2);
  for (const m of two) await s.click(`[data-testid="milestone-row"][data-id="${m.id}"] [data-testid="milestone-pick"]`);
  await s.click('[data-testid="bulk-done"]:not([disabled])');
  await s.type('[data-testid="bulk-done-date"]', "2021-06-11");
  await s.click('[data-testid="dialog-ok"]');
  const notice = await until("the bulk notice", async () => s.text('[data-testid="notice-text"]'));
  check(notice.includes("已将 2 个里程碑标记完成"), `notice reads ${notice}`);
  await s.click('[data-testid="toggle-done"]');
  for (const m of two) await until(`${m.name} in 已完成`, async () => (await s.all(`[data-testid="done-row"][data-id="${m.id}"]`)).length === 1);
  await s.screenshot("10-milestones-done");
  await s.click('[data-testid="notice-action"]');
  await until("the undo notice", async () => ((await s.text('[data-testid="notice-text"]')) ?? "").includes("已撤销：批量标记完成"));
  for (const m of two) await until(`${m.name} open again`, async () => (await s.all(`[data-testid="milestone-row"][data-id="${m.id}"]`)).length === 1);
  log("里程碑: search and project filter; 2 marked done with a notice, listed under 已完成, undone from the notice");
}

async function english(s) {
  await s.click('[data-testid="language"]');
  await until("English", async () => (await s.text('[data-testid="nav-dashboard"]')) === "Portfolio");
  await s.click('[data-testid="nav-dashboard"]');
  const filters = await until("the dashboard's filters", async () => {
    const f = await s.run('return [...document.querySelectorAll("select option")].map((o) => o.innerText).join("|")');
    return f.includes("Category") ? f : null;
  });
  check(!/[：，。]/.test(filters), `Chinese punctuation in English: ${filters}`);
  check(filters.includes("Category: All"), `filters read ${filters}`);
  await until("the as-of field in English", async () => (await s.value('[data-testid="as-of"]')) === "11 Jun 2021");
  // Gantt dates on one line.
  await openProject(s, "KP21-01", "竣工验收备案");
  const wrapped = await s.run('return [...document.querySelectorAll(".g-row .c-date")].filter((c) => c.scrollHeight > c.clientHeight + 2 || c.innerText.includes("\\n")).length');
  check(wrapped === 0, `${wrapped} Gantt dates wrap`);
  // A form's check speaks English, not the system's language.
  await selectRow(s, "竣工验收备案");
  await s.click('[data-testid="rename"]');
  await s.type('[data-testid="form-rename"]', "");
  await s.click('[data-testid="dialog-ok"]');
  const msg = await until("the English field message", async () => s.text('[data-testid="dialog"] .field-error'));
  check(msg === "Please fill in this field.", `field message reads ${msg}`);
  await s.screenshot("11-english");
  await s.press(KEY.escape);
  await s.click('[data-testid="language"]');
  await until("Chinese again", async () => (await s.text('[data-testid="nav-dashboard"]')) === "项目总览");
  log("English: filters with English colons, dates 11 Jun 2021, Gantt dates on one line, form checks in English");
}

/** A manager reads the month's investment on the dashboard; an officer records 北斗's May in
 *  the project's investment pane (#15); the chart and the warning change with it, and the CLI
 *  reads the same yuan. */
async function investment(s) {
  // An SVG <text> has no innerText: read what it draws.
  const chartValue = () => s.run('return document.querySelector(\'[data-testid="invest-chart-completed"]\')?.textContent ?? null');
  await s.click('[data-testid="nav-dashboard"]');
  await until("the investment panel", async () => (await s.all('[data-testid="invest-chart"]')).length === 1);
  const before = await chartValue();
  check(before === "1,331,801", `cumulative completed reads ${before}`);
  check((await s.all('[data-testid="invest-row"][data-code="KP21-04"][data-light="red"]')).length === 1, "北斗 is not shown red");
  const reason = await s.text('[data-testid="invest-row"][data-code="KP21-04"] .reason');
  check(reason.includes("1–5月完成投资 19.5%，低于序时进度 41.7% 的 60%"), `北斗's warning reads ${reason}`);
  await s.screenshot("13-investment-before");

  await openProject(s, "KP21-04", "前期手续");
  await s.click('[data-testid="tab-investment"]');
  await until("the investment form", async () => (await s.all('[data-testid="invest-form"]')).length === 1);
  await until("May's amount in the form", async () => (await s.value('[data-testid="invest-form-amount"]')) === "2500");
  // A typo first: five decimals are refused in the form, nothing saved.
  await s.type('[data-testid="invest-form-amount"]', "11700.00001");
  await s.click('[data-testid="invest-form-save"]');
  const refused = await until("the form's error", async () => s.text('[data-testid="invest-form-error"]'));
  check(refused.includes("4 位小数"), `the form says ${refused}`);
  await s.type('[data-testid="invest-form-amount"]', "11700");
  await s.type('[data-testid="invest-form-note"]', "补录设备款");
  await s.click('[data-testid="invest-form-save"]');
  const saved = await until("the correction's notice", async () => {
    const n = (await s.all('[data-testid="notice"]')).length ? await s.text('[data-testid="notice"]') : "";
    return n.includes("已更正 KP21-04") ? n : null;
  });
  check(saved.includes("2,500.0000 → 11,700.0000"), `notice reads ${saved}`);
  await until("the month's row", async () => (await s.text('[data-testid="invest-months"] tr[data-month="2021-05"]'))?.includes("11,700.00"));
  // Who answers for it: a new 包抓领导, saved and logged.
  await s.type('[data-testid="invest-form-leader"]', "刘洋");
  await s.click('[data-testid="invest-people-save"]');
  await until("the leader's notice", async () => ((await s.text('[data-testid="notice"]')) ?? "").includes("包抓领导 刘洋"));
  await s.screenshot("14-investment-recorded");

  await s.click('[data-testid="nav-dashboard"]');
  await until("the chart to move", async () => (await chartValue()) === "1,341,001");
  await until("北斗 no longer red", async () => (await s.all('[data-testid="invest-row"][data-code="KP21-04"]')).length === 0);
  await s.click('[data-testid="invest-light-green"]');
  await until("北斗 among the green", async () => (await s.all('[data-testid="invest-row"][data-code="KP21-04"][data-light="green"]')).length === 1);
  await s.screenshot("15-investment-after");
  // The portfolio filtered by that leader: 北斗 alone.
  await s.choose('[data-testid="filter-leader"]', "刘洋");
  await until("only 刘洋's project", async () => {
    const codes = await s.run('return [...document.querySelectorAll(\'[data-testid="project-row"]\')].map((r) => r.dataset.code)');
    return codes.length === 1 && codes[0] === "KP21-04";
  });
  // Leaving the dashboard drops its filters.
  await s.click('[data-testid="nav-milestones"]');
  const shown = cliJson("invest", "show", "KP21-04", "--month", "2021-05");
  check(shown.rows[0].month_yuan === 117_000_000 && shown.rows[0].warning.light === "green", `CLI reads ${JSON.stringify(shown.rows[0]).slice(0, 200)}`);
  check(shown.rows[0].leader === "刘洋", `the CLI reads the leader ${shown.rows[0].leader}`);
  log("investment: chart 1,331,801 → 1,341,001 万元, 北斗 red → green after its May was corrected in the form; its new leader filters the portfolio; the CLI agrees to the yuan");
}

/** An officer records 北斗's construction permit, submitted 2021-04-01 (#16): its 35 working
 *  days as social investment ran out on 2021-05-24, across Qingming and May Day with their 调休;
 *  the pane counts down in working days, the approval is marked, the dashboard warns. */
async function approvals(s) {
  await openProject(s, "KP21-04", "前期手续");
  await s.click('[data-testid="tab-approvals"]');
  await until("the approvals pane", async () => (await s.all('[data-testid="appr-form"]')).length === 1);
  await s.type('[data-testid="appr-form-item"]', "施工许可");
  await s.type('[data-testid="appr-form-submitted"]', "2021-04-01");
  await s.click('[data-testid="appr-form-save"]');
  const clock = await until("the process clock", async () => {
    const ok = (await s.all('[data-testid="appr-process"][data-state="overdue"]')).length === 1;
    return ok ? s.text('[data-testid="appr-process"]') : null;
  });
  check(clock.includes("已用 49 / 35 个工作日") && clock.includes("截止 2021-05-24"), `the clock reads ${clock}`);
  await s.type('[data-testid="appr-done-date"]', "2021-06-10");
  await s.click('[data-testid="appr-approve"]');
  await until("approved on 6-10", async () => ((await s.text('[data-testid="appr-items"] tr[data-item="施工许可"]')) ?? "").includes("2021-06-10"));
  await s.screenshot("16-approvals");
  await s.click('[data-testid="nav-dashboard"]');
  await until("the dashboard's approval warning", async () => (await s.all('[data-testid="approvals-at-risk"] li[data-code="KP21-04"]')).length === 1);
  const listed = cliJson("approval", "list", "KP21-04", "--as-of", "2021-06-11");
  check(listed[0].process.state === "overdue" && listed[0].process.deadline === "2021-05-24", `CLI reads ${JSON.stringify(listed[0].process)}`);
  log(`approvals: ${clock}; approved 2021-06-10, late; the dashboard warns; the CLI agrees`);
}

async function problems(s) {
  await openProject(s, "KP21-01", "竣工验收备案");
  await s.click('[data-testid="tab-problems"]');
  await until("the problem ledger", async () => (await s.all('[data-testid="problem-form"]')).length === 1);
  const raised = '[data-testid="problem-lines"] tr[data-problem="施工用电二期未接通"]';
  await until("the weekly report's problems in the ledger", async () => (await s.all(raised)).length === 1);
  check((await s.all(`${raised}[data-level="district"]`)).length === 1, "the weekly problem is not at 区级协调");
  // A problem typed into the form, raised on 5-06 with 5-31 as its deadline: on 6-11 it is
  // 27 working days old (the make-up Saturday 5-08 counts), 9 late, due for 督办.
  await s.type('[data-testid="problem-form-text"]', "征地拆迁尚余3户未签约");
  await s.type('[data-testid="problem-form-raised"]', "2021-05-06");
  await s.type('[data-testid="problem-form-unit"]', "高新区城改办");
  await s.type('[data-testid="problem-form-due"]', "2021-05-31");
  await s.click('[data-testid="problem-form-save"]');
  const typed = '[data-testid="problem-lines"] tr[data-problem="征地拆迁尚余3户未签约"]';
  const line = await until("the typed problem", async () => s.text(typed));
  check(line.includes("历时 27 个工作日") && line.includes("逾期 9 个工作日") && line.includes("应升级督办"), `the line reads ${line}`);
  await s.screenshot("17-problems");
  await s.click(`${typed} [data-testid="problem-escalate"]`);
  await until("escalated", async () => (await s.all(`${typed}[data-level="supervised"]`)).length === 1);
  check(!((await s.text(typed)) ?? "").includes("应升级督办"), "still flagged after escalation");
  await s.click(`${typed} [data-testid="problem-move"]`);
  await until("协调中", async () => (await s.all(`${typed}[data-state="coordinating"]`)).length === 1);
  const listed = cliJson("problem", "list", "--open", "--as-of", "2021-06-11");
  const it = listed.find((l) => l.problem.problem === "征地拆迁尚余3户未签约");
  check(it?.problem.level === "supervised" && it?.problem.state === "coordinating" && it?.age_days === 27, `CLI reads ${JSON.stringify(it)}`);
  log(`problems: two entered from the weekly report; one typed, ${line.includes("应升级督办") ? "flagged" : ""} escalated to 督办 and moved to 协调中; the CLI agrees`);
}

async function photos(s) {
  // A 3000 × 2000 photo-like picture (ImageMagick's plasma), chosen with the form's button.
  const photo = join(home, "工地 东侧.jpg");
  execFileSync("convert", ["-size", "3000x2000", "plasma:fractal", "-quality", "92", photo]);
  await s.click('[data-testid="nav-updates"]');
  await s.choose('[data-testid="update-project"]', "KP21-03");
  await s.type('[data-testid="update-week"]', "2021-W24");
  await s.type('[data-testid="update-percent"]', "59");
  await s.type('[data-testid="update-narrative"]', "厂房钢结构吊装完成。");
  await s.upload('[data-testid="update-photo-input"]', photo);
  await until("the photo staged", async () => ((await s.text('[data-testid="update-photos-staged"]')) ?? "").includes("工地 东侧.jpg"));
  await s.click('[data-testid="record-update"]');
  await until("the photo notice", async () => ((await s.text('[data-testid="notice-text"]')) ?? "").includes("附照片 1 张"));
  const strip = '[data-testid="update-item"][data-week="2021-W24"] [data-testid="update-photos"] img';
  await until("the thumbnail under W24", async () => (await s.all(strip)).length === 1);
  const [w, h] = await s.run(
    `const img = document.querySelector(arguments[0]);
     return img.complete ? [img.naturalWidth, img.naturalHeight] : [0, 0];`,
    strip,
  );
  check(w === 240 && h === 160, `the thumbnail is ${w}×${h}`);
  await s.run(`document.querySelector(arguments[0]).scrollIntoView({ block: "center" });`, strip);
  await s.screenshot("18-photos");
  const out = join(home, "照片");
  execFileSync(cli, ["--db", dbFile, "photos", "KP21-03", "--week", "2021-W24", "--out", out]);
  const files = readdirSync(out);
  check(files.length === 1 && files[0].endsWith("工地 东侧.jpg") && statSync(join(out, files[0])).size <= 300 * 1024, `exported ${files}`);
  log(`photos: chosen in the form, filed with the update, its ${w}×${h} thumbnail shown; the CLI exports it (${files[0]})`);
}

async function main() {
  let driver = null;
  let failed = false;
  const sessions = [];
  try {
    driver = await startDriver({ XDG_DATA_HOME: dataHome, XDG_CONFIG_HOME: configHome }, ["ignore", "inherit", "inherit"]);
    log(`tauri-driver up; data in ${home}`);

    let s = await Session.start(app, [], shots);
    sessions.push(s);
    await firstLaunch(s);
    const narrative = await weeklyUpdate(s);
    await addBesideSelected(s);
    await indentByKeys(s);
    await dragABar(s);
    await linkByDragging(s);
    await dialogsAndFocus(s);
    await lateMilestone(s);
    await history(s, narrative);
    await milestonesView(s);
    await investment(s);
    await approvals(s);
    await problems(s);
    await photos(s);
    await english(s);

    // A restart: the same data directory, a new process; the name is not asked again, the
    // edits are there, the language chosen is kept.
    await s.close();
    sessions.pop();
    s = await Session.start(app, [], shots);
    sessions.push(s);
    await until("the dashboard after the restart", async () => (await s.all('[data-testid="project-row"]')).length >= 12);
    check((await s.all('[data-testid="first-name"]')).length === 0, "the name was asked again");
    await openProject(s, "KP21-01", "竣工验收备案");
    await until("still done after the restart", async () => (await s.all(`${row("竣工验收备案")}[data-done="true"]`)).length === 1);
    check((await s.all(row("工艺设备分批搬入及安装"))).length === 1, "the rename is gone after the restart");
    log("restart: no second name prompt; the completion and the rename are kept");

    // Someone else holds the edit lock: read-only, told who, edits disabled and refused.
    await s.close();
    sessions.pop();
    const lockFile = join(dataHome, "cn.xa-hitech.keyworks", "~$keyworks.sqlite");
    const since = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, "+00:00");
    const lock = JSON.stringify({ user: "李四", machine: "规划科-PC", process: 4242, since });
    writeFileSync(lockFile, lock);
    const sha = () => createHash("sha256").update(readFileSync(dbFile)).digest("hex");
    const shaBefore = sha();
    const mtimeBefore = statSync(dbFile).mtimeMs;
    s = await Session.start(app, [], shots);
    sessions.push(s);
    const bannerText = await until("the read-only banner", async () => {
      const b = await s.all('[data-testid="read-only-banner"]');
      return b.length ? s.text('[data-testid="read-only-text"]') : null;
    });
    check(bannerText.includes("该文件正由 李四（规划科-PC）自") && bannerText.includes("将以只读方式打开"), `read-only banner reads ${bannerText}`);
    check((await s.text('[data-testid="file-name"]')).includes("只读"), "no 只读 badge");
    log(`read-only: ${bannerText}`);
    await s.click('[data-testid="nav-milestones"]');
    await until("bulk done disabled", async () => s.run('const b = document.querySelector(\'[data-testid="bulk-done"]\'); return b && b.disabled'));
    await s.click('[data-testid="nav-updates"]');
    await until("submit update disabled", async () => s.run('const b = document.querySelector(\'[data-testid="record-update"]\'); return b && b.disabled'));
    await openProject(s, "KP21-01", "竣工验收备案");
    check(await s.run('return document.querySelector(\'[data-testid="add-milestone"]\').disabled'), "add milestone is enabled in read-only mode");
    await s.screenshot("12-read-only");
    // Help → 校验文件… is also on the banner: the file verifies.
    await s.click('[data-testid="banner-verify"]');
    await until("verify to pass", async () => s.run('return document.querySelector(\'[data-testid="verify-result"]\')?.dataset.ok === "true"'), 60_000);
    await s.click('[data-testid="verify-close"]');
    log("verify passed in the read-only session");
    await s.close();
    sessions.pop();
    check(sha() === shaBefore && statSync(dbFile).mtimeMs === mtimeBefore, "the read-only session changed the database file");
    check(readFileSync(lockFile, "utf8") === lock, "the read-only session touched the holder's lock");
    rmSync(lockFile);
    // The whole day's work verifies from the CLI too.
    const verify = cliJson("verify");
    check(verify.ok === true || verify.findings?.length === 0, `keyworks verify: ${JSON.stringify(verify).slice(0, 200)}`);
    log("database unchanged (sha256 and mtime) after the read-only session; the holder's lock untouched; keyworks verify passes");
    console.log(`e2e passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (e) {
    failed = true;
    console.error(`e2e FAILED: ${e.stack ?? e}`);
    for (const s of sessions) await s.screenshot("failure").catch(() => {});
  } finally {
    for (const s of sessions) await s.close();
    driver?.kill();
  }
  // A failed run keeps its folder for a look; a passed one leaves nothing in /tmp.
  if (!failed) rmSync(home, { recursive: true, force: true });
  process.exit(failed ? 1 : 0);
}

main();
