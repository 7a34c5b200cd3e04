#!/usr/bin/env bash
# Builds and tests the KeyWorks desktop app: the UI (Vitest, type check, production build), the
# app binary (once, debug), the Tauri command wiring and the generated bindings (cargo test of
# src-tauri), and the end-to-end scenario in the real app under Xvfb (tauri-driver +
# WebKitWebDriver). Installs what it needs (Debian packages, tauri-driver, npm packages);
# safe to repeat. Screenshots of the e2e run go to $KEYWORKS_SHOTS (default target/e2e-shots).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/keyworks/target}"
export CARGO_TERM_COLOR=never
root=$(pwd)

step() { printf '\n==> %s\n' "$*"; step_started=$(date +%s); }
took() { printf '    (%s s)\n' "$(( $(date +%s) - step_started ))"; }
all_started=$(date +%s)

step "Debian packages for Tauri, WebKitGTK's WebDriver, Xvfb and a CJK font; PostgreSQL"
bash scripts/setup-desktop-deps.sh
bash scripts/setup-deps.sh
took

# The e2e of a PostgreSQL hub needs a server: the one scripts/test.sh started, else our own,
# stopped on the way out.
if [ -z "${KEYWORKS_TEST_PG:-}" ]; then
  pgdir=$(mktemp -d /tmp/kwpg.XXXXXX)
  chmod 755 "$pgdir"
  trap 'bash scripts/pg-private.sh stop "$pgdir/pg" || true; rm -rf "$pgdir"' EXIT
  KEYWORKS_TEST_PG=$(bash scripts/pg-private.sh start "$pgdir/pg" "" $$)
  export KEYWORKS_TEST_PG
fi

step "tauri-driver"
if ! command -v tauri-driver >/dev/null 2>&1; then
  # A tool, not part of KeyWorks: built in cargo's own temporary directory.
  env -u CARGO_TARGET_DIR cargo install tauri-driver --version 2.1.0 --locked
fi
took

step "UI: npm ci, Vitest, type check, vite build"
(
  cd ui
  npm ci --no-audit --no-fund
  npx vitest run
  npx svelte-check --tsconfig ./tsconfig.json --fail-on-warnings
  npx vite build
)
took

# The one build: `cargo test --no-run` compiles the tests and the app binary with the same
# features (tauri's `test` feature is a dev-dependency), and the e2e below drives that binary, so
# Tauri is compiled once. A plain `cargo build` would compile Tauri a second time without `test`.
# The UI is embedded at compile time, hence after vite build; custom-protocol is the crate's
# default feature (see src-tauri/Cargo.toml).
step "build the app and its tests (debug, once), and the CLI the end-to-end test reads the file with"
cargo test -p keyworks-app --locked --no-run
app="$CARGO_TARGET_DIR/debug/keyworks-app"
cargo build -p keyworks-cli --locked
cli="$CARGO_TARGET_DIR/debug/keyworks"
took

step "cargo test -p keyworks-app (command wiring on the mock runtime; bindings are current)"
cargo test -p keyworks-app --locked
took

step "end to end in the real app (Xvfb, tauri-driver, WebKitWebDriver)"
shots="${KEYWORKS_SHOTS:-$root/target/e2e-shots}"
# -noreset: Xvfb otherwise restarts itself when its last client leaves, which is exactly the
# moment the scenario restarts the app; the new window then fails to reach the display.
# As scripts/run.sh starts the app: without a GPU, WebKitGTK's DMA-BUF renderer is unusably slow.
# The screen of a common officer's laptop (1366×768): the window must fit it.
WEBKIT_DISABLE_DMABUF_RENDERER=1 KEYWORKS_CLI="$cli" xvfb-run -a -s "-screen 0 1366x768x24 -noreset" node ui/e2e/desktop.mjs "$app" "$shots"
# Two offline replicas of one shared file, a conflict decided in the merge dialog (issue #13).
WEBKIT_DISABLE_DMABUF_RENDERER=1 KEYWORKS_CLI="$cli" xvfb-run -a -s "-screen 0 1366x768x24 -noreset" node ui/e2e/sync.mjs "$app" "$shots"
# A replica of a PostgreSQL hub: the password asked for, refused, given, not stored (issue #14).
WEBKIT_DISABLE_DMABUF_RENDERER=1 KEYWORKS_CLI="$cli" xvfb-run -a -s "-screen 0 1366x768x24 -noreset" node ui/e2e/server-sync.mjs "$app" "$shots"
took

printf '\ndesktop checks passed in %s s\n' "$(( $(date +%s) - all_started ))"
