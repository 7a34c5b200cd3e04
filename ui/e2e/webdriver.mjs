// The little WebDriver client the end-to-end test and the benchmarks share: tauri-driver on
// 127.0.0.1:$BENCH_PORT (4444), plain W3C WebDriver over fetch.

export const DRIVER = process.env.TAURI_DRIVER ?? "tauri-driver";
export const PORT = Number(process.env.BENCH_PORT ?? 4444);
export const BASE = `http://127.0.0.1:${PORT}`;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One WebDriver call; a failure carries WebDriver's own error value in `e.webdriver`. */
export async function wd(method, path, body) {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const e = new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.value ?? json)}`);
    e.webdriver = json.value;
    throw e;
  }
  return json.value;
}

/** Polls until `probe` returns a truthy value; clicks and renders are asynchronous. */
export async function until(what, probe, timeoutMs, intervalMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

/** Starts tauri-driver with `env` added to ours and waits until it listens. The caller kills it. */
export async function startDriver(env, stdio = "ignore") {
  const { spawn } = await import("node:child_process");
  const driver = spawn(DRIVER, ["--port", String(PORT)], { env: { ...process.env, ...env }, stdio });
  try {
    await until("tauri-driver to listen", async () => (await fetch(`${BASE}/status`)).ok, 20_000, 100);
  } catch (e) {
    driver.kill();
    throw e;
  }
  return driver;
}

/** A session on the app started with `args`: in-page scripts through `run` and `runAsync`. */
export async function openApp(app, args, scriptTimeoutMs) {
  const s = await wd("POST", "/session", {
    capabilities: { alwaysMatch: { "tauri:options": { application: app, args } } },
  });
  const p = (x) => `/session/${s.sessionId}${x}`;
  await wd("POST", p("/timeouts"), { script: scriptTimeoutMs });
  return {
    id: s.sessionId,
    run: (script, ...args) => wd("POST", p("/execute/sync"), { script, args }),
    runAsync: (script, ...args) => wd("POST", p("/execute/async"), { script, args }),
  };
}
