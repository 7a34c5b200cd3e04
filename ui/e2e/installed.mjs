// The installed Debian package, started as a person starts it from the menu (no renderer
// variable set: the app chooses its renderer itself), on a fresh per-user data folder: the first
// launch asks a name, seeds the file and shows the dashboard. Run by scripts/test-deb.sh.
//
//   xvfb-run node e2e/installed.mjs /usr/bin/keyworks-app [screenshot-dir]

import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Session, until } from "./session.mjs";
import { startDriver } from "./webdriver.mjs";

const [app, shots] = process.argv.slice(2);
if (!app || !existsSync(app)) {
  console.error("usage: node e2e/installed.mjs /usr/bin/keyworks-app [screenshot-dir]");
  process.exit(2);
}
if (process.env.WEBKIT_DISABLE_DMABUF_RENDERER !== undefined) {
  console.error("installed.mjs: unset WEBKIT_DISABLE_DMABUF_RENDERER; the app must choose its renderer itself");
  process.exit(2);
}
const home = mkdtempSync(join(tmpdir(), "keyworks-installed-"));
const env = { XDG_DATA_HOME: join(home, "data"), XDG_CONFIG_HOME: join(home, "config") };
mkdirSync(env.XDG_DATA_HOME);
mkdirSync(env.XDG_CONFIG_HOME);

let driver = null;
let failed = false;
try {
  driver = await startDriver(env, ["ignore", "inherit", "inherit"]);
  const s = await Session.start(app, [], shots);
  await until("the name dialog", async () => (await s.all('[data-testid="first-name"]')).length > 0);
  await s.type('[data-testid="first-name"]', "韩工");
  await s.click('[data-testid="dialog-ok"]');
  const rows = await until("the seeded projects on the dashboard", async () => {
    const r = await s.all('[data-testid="project-row"]');
    return r.length >= 12 ? r : null;
  });
  const db = join(env.XDG_DATA_HOME, "cn.xa-hitech.keyworks", "keyworks.sqlite");
  if (!existsSync(db)) throw new Error(`no database at ${db}`);
  await s.screenshot("installed-dashboard");
  console.log(`installed app: the dashboard with ${rows.length} projects; the file at ${db}`);
  await s.close();
} catch (e) {
  failed = true;
  console.error(`installed app FAILED: ${e.stack ?? e}`);
} finally {
  driver?.kill();
  rmSync(home, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
