#!/usr/bin/env bash
# Launch and memory benchmark of the release app under Xvfb (not a test, not part of CI).
#
#   bash scripts/bench-launch.sh                       # release build, then measure
#   APP=/path/keyworks-app CLI=/path/keyworks bash scripts/bench-launch.sh   # no build
#   WARM_RUNS=5 TASKS=50000 bash scripts/bench-launch.sh
#   RENDERERS=no-dmabuf TASKS=0 bash scripts/bench-launch.sh   # one renderer, no Gantt memory run
#
# (a) Launch → dashboard painted, measured from outside the app: a small X client (compiled
#     below) records the clock, forks and execs the app, then reads 32 horizontal lines of the
#     project table's region every 5 ms and notes each time they change. "Painted" is the last change
#     after which the screen stays identical for SETTLE_MS (the dashboard with its project table
#     and chart, which is static once drawn). The figure thus includes everything the user waits
#     for: exec, GTK and WebKit start, the web and network processes, opening (cold: creating and
#     seeding) the database, the UI's IPC calls, layout and compositing to the X server; its
#     resolution is the 5 ms poll plus one X round trip.
#     Cold = fresh data directory (the seeded file is created) after `echo 3 > drop_caches`
#     (needs root; otherwise "first launch after build"). Warm = WARM_RUNS further launches on
#     that data directory; the median is reported.
# (b) Memory: ui/e2e/launch-bench.mjs opens a TASKS-task file (made with the CLI) through
#     tauri-driver, shows its Gantt, waits for the critical path, then sums PSS
#     (/proc/PID/smaps_rollup) over keyworks-app and its WebKit child processes.
# (c) The yardstick: a bare Tauri window with a static table (bench/bare-window, the same Tauri
#     and target directory), launched alternately with KeyWorks, PAIRS times (warm): both
#     medians and KeyWorks' overhead side by side; and PSS of each once painted (KeyWorks at its
#     dashboard), and the overhead.
# Both run with WebKitGTK's default renderer and with WEBKIT_DISABLE_DMABUF_RENDERER=1. The
# screen is a common officer's laptop's, 1366×768; both windows open centred at 1280×691.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/keyworks/target}"
warm_runs="${WARM_RUNS:-5}"
pairs="${PAIRS:-7}"
tasks="${TASKS:-50000}"
renderers="${RENDERERS:-default no-dmabuf}"
settle_ms="${SETTLE_MS:-2000}"
out="${BENCH_OUT:-$CARGO_TARGET_DIR/bench-launch}"
mkdir -p "$out"

app="${APP:-}"
if [ -z "$app" ]; then
  bash scripts/setup-desktop-deps.sh >/dev/null
  (cd ui && npm ci --no-audit --no-fund >/dev/null && npx vite build >/dev/null)
  cargo build --release -p keyworks-app
  cargo build --release -p keyworks-cli
  app="$CARGO_TARGET_DIR/release/keyworks-app"
fi
cli="${CLI:-$CARGO_TARGET_DIR/release/keyworks}"
[ -x "$cli" ] || cargo build --release -p keyworks-cli
# The yardstick, with KeyWorks' lock file so that the versions are the same.
cp Cargo.lock bench/bare-window/Cargo.lock
cargo build --release --manifest-path bench/bare-window/Cargo.toml
bare="$CARGO_TARGET_DIR/release/keyworks-bare-window"

# The launcher and screen watcher: argv = settle_ms timeout_ms x y w h app [args...]. Watches
# 32 lines of the region x,y,w,h: the project table (the window opens centred, 1280×691 at
# 43,38 on the 1366×768 screen, without a window manager). The region leaves out the window's
# right edge, where GTK's overlay scrollbar fades in and out for seconds after the page loads,
# and the right panel. Prints one
# line per change ("change <ms since exec>") and at the end "painted <ms>" or "unsettled".
watcher="$out/launch-watch"
cat >"$out/launch-watch.c" <<'EOF'
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
static double now_ms(void) {
  struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}
int main(int argc, char **argv) {
  if (argc < 8) { fprintf(stderr, "usage: launch-watch settle_ms timeout_ms x y w h app [args]\n"); return 2; }
  double settle = atof(argv[1]), timeout = atof(argv[2]);
  int rx = atoi(argv[3]), ry = atoi(argv[4]), w = atoi(argv[5]), h = atoi(argv[6]);
  Display *d = XOpenDisplay(NULL);
  if (!d) { fprintf(stderr, "launch-watch: cannot open display\n"); return 2; }
  Window root = DefaultRootWindow(d);
  double t0 = now_ms();
  pid_t pid = fork();
  if (pid == 0) { execv(argv[7], argv + 7); perror("exec"); _exit(127); }
  printf("pid %d\n", pid); fflush(stdout);
  uint64_t last = 0; double changed = 0; int settled = 0;
  while (now_ms() - t0 < timeout) {
    uint64_t hash = 1469598103934665603ULL;
    for (int line = 0; line < 32; line++) {
      XImage *img = XGetImage(d, root, rx, ry + (h * line) / 32, w, 1, AllPlanes, ZPixmap);
      if (!img) continue;
      for (int x = 0; x < w; x++) { hash ^= XGetPixel(img, x, 0); hash *= 1099511628211ULL; }
      XDestroyImage(img);
    }
    double t = now_ms() - t0;
    if (hash != last) { last = hash; changed = t; printf("change %.1f\n", t); fflush(stdout); }
    else if (changed > 0 && t - changed >= settle) { settled = 1; break; }
    usleep(5000);
  }
  if (settled) printf("painted %.1f\n", changed); else printf("unsettled\n");
  kill(pid, SIGTERM);
  waitpid(pid, NULL, 0);
  return 0;
}
EOF
gcc -O2 -o "$watcher" "$out/launch-watch.c" -lX11

display_num=97
Xvfb ":$display_num" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
trap 'kill "$xvfb_pid" 2>/dev/null || true' EXIT
sleep 1

# A data directory whose preferences already name the author (no first-launch question).
new_data() {
  local data
  data="$(mktemp -d "$out/data-XXXX")"
  mkdir -p "$data/config/cn.xa-hitech.keyworks"
  printf '{"author":"bench","stale_lock_hours":12,"recent_files":[]}' \
    >"$data/config/cn.xa-hitech.keyworks/preferences.json"
  echo "$data"
}

# One launch of program $3 (default: KeyWorks) on data directory $1; prints the painted time
# in ms (or "unsettled").
launch() {
  local data="$1" log="$2" program="${3:-$app}"
  XDG_DATA_HOME="$data/data" XDG_CONFIG_HOME="$data/config" DISPLAY=":$display_num" \
    "$watcher" "$settle_ms" 30000 ${REGION:-60 330 900 360} "$program" >"$log" 2>/dev/null
  sleep 1 # the web processes end after the app
  awk '/^painted/ {print $2} /^unsettled/ {print "unsettled"}' "$log"
}

# PSS in MB of program $2 and the processes below it, 6 s after it starts on data directory $1.
pss_of() {
  local data="$1" program="$2" pid total
  XDG_DATA_HOME="$data/data" XDG_CONFIG_HOME="$data/config" DISPLAY=":$display_num" "$program" >/dev/null 2>&1 &
  pid=$!
  sleep 6
  total=0
  for p in $pid $(pgrep -P "$pid"; for c in $(pgrep -P "$pid"); do pgrep -P "$c"; done); do
    kb=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    echo "  $(basename "$program") · $(cat "/proc/$p/comm" 2>/dev/null): $(( ${kb:-0} / 1024 )) MB" >&2
    total=$((total + ${kb:-0}))
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  sleep 1
  echo "$((total / 1024))"
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "n/a"; else print a[int((NR+1)/2)]}'; }

for renderer in $renderers; do
  if [ "$renderer" = no-dmabuf ]; then export WEBKIT_DISABLE_DMABUF_RENDERER=1; else unset WEBKIT_DISABLE_DMABUF_RENDERER; fi
  echo "== WebKitGTK renderer: $renderer"
  data="$(new_data)"
  how="after dropping the page cache"
  sync
  if ! { echo 3 >/proc/sys/vm/drop_caches; } 2>/dev/null; then how="first launch after build (page cache not dropped: not root)"; fi
  cold="$(launch "$data" "$out/cold-$renderer.log")"
  echo "launch → dashboard painted, cold ($how, fresh data dir, seeded file created): ${cold} ms"
  warm=()
  for i in $(seq "$warm_runs"); do
    warm+=("$(launch "$data" "$out/warm-$renderer-$i.log")")
  done
  echo "launch → dashboard painted, warm runs: ${warm[*]} ms; median $(printf '%s\n' "${warm[@]}" | grep -v unsettled | median) ms"
  [ -e "$data/data/cn.xa-hitech.keyworks/keyworks.sqlite" ] || echo "warning: the seeded file was not created in $data"
  bare_runs=(); kw_runs=()
  for i in $(seq "$pairs"); do
    bare_runs+=("$(launch "$data" "$out/bare-$renderer-$i.log" "$bare")")
    kw_runs+=("$(launch "$data" "$out/pair-$renderer-$i.log")")
  done
  bare_median="$(printf '%s\n' "${bare_runs[@]}" | grep -v unsettled | median)"
  kw_median="$(printf '%s\n' "${kw_runs[@]}" | grep -v unsettled | median)"
  echo "warm launch, $pairs alternating pairs: bare Tauri window ${bare_runs[*]} ms (median $bare_median); KeyWorks ${kw_runs[*]} ms (median $kw_median); overhead $(awk -v k="$kw_median" -v b="$bare_median" 'BEGIN {printf "%.0f", k - b}') ms"
  bare_pss="$(pss_of "$data" "$bare")"
  kw_pss="$(pss_of "$data" "$app")"
  echo "PSS once painted: bare Tauri window $bare_pss MB; KeyWorks at its dashboard $kw_pss MB; overhead $((kw_pss - bare_pss)) MB"
  rm -rf "$data"
done
kill "$xvfb_pid" 2>/dev/null || true

if [ "$tasks" = 0 ]; then
  echo "machine load (1/5/15 min): $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
  exit 0
fi
file="$out/gantt-$tasks.sqlite"
[ -e "$file" ] || "$cli" --db "$file" --author bench generate --projects 1 --tasks "$tasks"
for renderer in $renderers; do
  if [ "$renderer" = no-dmabuf ]; then export WEBKIT_DISABLE_DMABUF_RENDERER=1; else unset WEBKIT_DISABLE_DMABUF_RENDERER; fi
  echo "== memory, WebKitGTK renderer: $renderer"
  xvfb-run -a -s "-screen 0 1280x800x24 -noreset" node ui/e2e/launch-bench.mjs "$app" "$(realpath "$file")"
done
echo "machine load (1/5/15 min): $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
