#!/usr/bin/env bash
# The main job: build the KeyWorks desktop app and open it on its database in the per-user data
# directory; the first launch creates that database from the embedded seeded 2021 portfolio.
# Without a display (a server, an SSH session) it lists the portfolio with the CLI instead.
#   bash scripts/run.sh          the desktop app
#   bash scripts/run.sh --cli    the portfolio in the terminal
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-deps.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/keyworks/target}"

if [ "${1:-}" != "--cli" ] && [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  bash scripts/setup-desktop-deps.sh
  (cd ui && npm ci --no-audit --no-fund && npx vite build)
  # The UI is embedded in the binary at compile time, hence after vite build.
  cargo build --release -p keyworks-app
  # WebKitGTK's DMA-BUF renderer repaints at ~2 fps without a GPU (virtual machines, Xvfb,
  # some NVIDIA drivers); the plain one keeps the Gantt at 55+ fps. Set it to 0 to compare.
  export WEBKIT_DISABLE_DMABUF_RENDERER="${WEBKIT_DISABLE_DMABUF_RENDERER:-1}"
  exec "$CARGO_TARGET_DIR/release/keyworks-app"
fi

[ "${1:-}" = "--cli" ] || echo "No display found: listing the portfolio in the terminal instead of opening the app."
cargo build --release -p keyworks-cli
keyworks="$CARGO_TARGET_DIR/release/keyworks"
db="${KEYWORKS_DB:-$("$keyworks" where)}"
if [ ! -e "$db" ]; then
  "$keyworks" --db "$db" init
fi
"$keyworks" --db "$db" projects
