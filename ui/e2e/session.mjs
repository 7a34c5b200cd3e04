// A person at the app, for the end-to-end tests: WebDriver sessions on the real window that
// type, click, press keys and read the page (never a command called in place of a form).

import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { until as poll, wd } from "./webdriver.mjs";

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

// The tests' patience with the shared poller.
export const until = (what, probe, timeoutMs = 15_000) => poll(what, probe, timeoutMs, 150);

export const KEY = {
  enter: "\uE007",
  escape: "\uE00C",
  tab: "\uE004",
  delete: "\uE017",
  left: "\uE012",
  up: "\uE013",
  right: "\uE014",
  down: "\uE015",
  shift: "\uE008",
  control: "\uE009",
  alt: "\uE00A",
  f2: "\uE032",
  backspace: "\uE003",
  null: "\uE000",
};

export class Session {
  /** `shots`: the folder screenshots go to (none: no screenshots). */
  constructor(id, shots) {
    this.id = id;
    this.shots = shots;
  }
  /** The app at `app`, started with `args` (a file to open). */
  static async start(app, args = [], shots = undefined) {
    const s = await wd("POST", "/session", {
      capabilities: { alwaysMatch: { "tauri:options": { application: app, args } } },
    });
    return new Session(s.sessionId, shots);
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
  /** Clears the field and types `text` into it, key by key. */
  async type(css, text) {
    const el = await this.one(css);
    if (text === "") {
      // Emptied as a person does: select all, delete (an input event the page hears).
      await wd("POST", this.path(`/element/${el}/value`), { text: `${KEY.control}a${KEY.null}${KEY.backspace}` });
      return;
    }
    await wd("POST", this.path(`/element/${el}/clear`), {});
    await wd("POST", this.path(`/element/${el}/value`), { text });
  }
  /** Chooses `path` in a file field, as the file dialog does when a person picks it. */
  async upload(css, path) {
    const el = await this.one(css);
    await wd("POST", this.path(`/element/${el}/value`), { text: path });
  }
  /** Types at the end of what the field holds. */
  async append(css, text) {
    const el = await this.one(css);
    await wd("POST", this.path(`/element/${el}/value`), { text });
  }
  /** Presses keys on the keyboard, to whatever has the focus; an array is a chord
   *  (modifiers held while the last key is pressed). */
  async press(...keys) {
    const actions = [];
    for (const k of keys) {
      const chord = Array.isArray(k) ? k : [k];
      for (const c of chord) actions.push({ type: "keyDown", value: c });
      for (const c of [...chord].reverse()) actions.push({ type: "keyUp", value: c });
    }
    await wd("POST", this.path("/actions"), { actions: [{ type: "key", id: "keyboard", actions }] });
    await wd("DELETE", this.path("/actions")).catch(() => {});
  }
  /** Picks an option of a <select> from the keyboard, as a person does on a focused list:
   *  the arrow keys step to it (WebKitWebDriver does not click <option>s). */
  async choose(selectCss, value) {
    // A view's code loads on first use: wait for the list to be shown, as a person does.
    const el = await this.one(selectCss);
    const [from, to] = await this.run(
      `const s = document.querySelector(arguments[0]);
       return [s.selectedIndex, [...s.options].findIndex((o) => o.value === arguments[1])];`,
      selectCss,
      value,
    );
    if (to < 0) throw new Error(`${selectCss} has no option ${value}`);
    if (to !== from) {
      const step = to > from ? KEY.down : KEY.up;
      await wd("POST", this.path(`/element/${el}/value`), { text: step.repeat(Math.abs(to - from)) });
    }
    await until(`${selectCss} = ${value}`, async () => (await this.value(selectCss)) === value);
  }
  /** Reads the page (never changes it). */
  async run(script, ...args) {
    return wd("POST", this.path("/execute/sync"), { script, args });
  }
  async text(css) {
    return this.run(`const e = document.querySelector(arguments[0]); return e ? e.innerText : null;`, css);
  }
  async value(css) {
    return this.run(`const e = document.querySelector(arguments[0]); return e ? e.value : null;`, css);
  }
  async focused() {
    return this.run("const a = document.activeElement; return a ? (a.dataset.testid ?? a.tagName) : null;");
  }
  async selectedRow() {
    return this.run('const r = document.querySelector(\'[data-testid="task-row"].selected\'); return r ? r.dataset.name : null;');
  }
  async screenshot(name) {
    if (!this.shots) return;
    mkdirSync(this.shots, { recursive: true });
    // The X server's own picture: what a person sees, dialogs and all.
    execFileSync("import", ["-window", "root", join(this.shots, `${name}.png`)]);
  }
  async close() {
    await wd("DELETE", this.path("")).catch(() => {});
  }
}

