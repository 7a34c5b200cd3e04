#!/usr/bin/env bash
# Gantt benchmark in the real app (not a test, not part of CI): builds the release app the way
# scripts/run.sh does, generates a synthetic project of $TASKS tasks (default 10,000) with the
# CLI, opens it in KeyWorks under Xvfb through tauri-driver and scrolls the Gantt for $SECONDS_EACH
# seconds a direction, timing every frame inside the page (requestAnimationFrame,
# performance.now()). Prints open → painted time, fps and frame times.
#
#   bash scripts/bench-gantt.sh                 # release build, 10,000 tasks, 5 s a direction
#   TASKS=50000 SECONDS_EACH=10 bash scripts/bench-gantt.sh
#   APP=/path/to/keyworks-app bash scripts/bench-gantt.sh   # measure a given binary, no build
#
# Runs twice: with WebKitGTK's default renderer, and with WEBKIT_DISABLE_DMABUF_RENDERER=1.
# Without a GPU (Xvfb, a VM) the default DMA-BUF path composites through Mesa's software GL
# and any repaint, even of one word, costs hundreds of milliseconds on 2 busy cores: that run
# measures the machine's compositor, the second one measures the page.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/keyworks/target}"
tasks="${TASKS:-10000}"
seconds="${SECONDS_EACH:-5}"
out="${BENCH_OUT:-$CARGO_TARGET_DIR/bench-gantt}"
mkdir -p "$out"

bash scripts/setup-desktop-deps.sh >/dev/null
command -v tauri-driver >/dev/null 2>&1 || env -u CARGO_TARGET_DIR cargo install tauri-driver --version 2.1.0 --locked

app="${APP:-}"
if [ -z "$app" ]; then
  (cd ui && npm ci --no-audit --no-fund >/dev/null && npx vite build >/dev/null)
  # The same command as scripts/run.sh, so Tauri is not compiled a second time.
  cargo build --release -p keyworks-app
  cargo build --release -p keyworks-cli
  app="$CARGO_TARGET_DIR/release/keyworks-app"
  cli="$CARGO_TARGET_DIR/release/keyworks"
else
  cli="${CLI:-$CARGO_TARGET_DIR/release/keyworks}"
  [ -x "$cli" ] || cargo build --release -p keyworks-cli
fi

file="$out/gantt-$tasks.sqlite"
if [ ! -e "$file" ]; then
  "$cli" --db "$file" --author bench generate --projects 1 --tasks "$tasks"
fi

for renderer in default no-dmabuf; do
  echo "== WebKitGTK renderer: $renderer"
  if [ "$renderer" = no-dmabuf ]; then export WEBKIT_DISABLE_DMABUF_RENDERER=1; else unset WEBKIT_DISABLE_DMABUF_RENDERER; fi
  xvfb-run -a -s "-screen 0 1280x800x24 -noreset" \
    node ui/e2e/gantt-bench.mjs "$app" "$(realpath "$file")" "$seconds" "$out/gantt-$renderer.png"
done
echo "machine load (1/5/15 min): $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
