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
