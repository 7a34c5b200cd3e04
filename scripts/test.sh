#!/usr/bin/env bash
# Sets up and runs every check and test of KeyWorks: format, lint, unit, integration,
# CLI (also its Windows build under Wine and its arm64 build under qemu), benchmark smoke runs,
# and the Debian package installed and run. What CI runs (.ci/run calls this).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-deps.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/keyworks/target}"
export CARGO_TERM_COLOR=never

step() { printf '\n==> %s\n' "$*"; }

log=$(mktemp)
# One private PostgreSQL server for every test of a PostgreSQL hub, on a socket in its own
# folder and a loopback port of its own; stopped on the way out, whether the tests passed or
# not (and by itself if this script is killed: it watches this shell's process).
pgdir=$(mktemp -d /tmp/kwpg.XXXXXX)
chmod 755 "$pgdir"
trap 'bash scripts/pg-private.sh stop "$pgdir/pg" || true; rm -rf "$pgdir" "$log"' EXIT
KEYWORKS_TEST_PG=$(bash scripts/pg-private.sh start "$pgdir/pg" "" $$)
export KEYWORKS_TEST_PG

step "cargo fmt --check"
cargo fmt --all --check

# First: src-tauri embeds ui/dist at compile time, so the UI must be built before anything
# compiles the app (clippy included).
step "desktop app: UI, app build, command wiring, bindings, end to end"
bash scripts/test-desktop.sh 2>&1 | tee -a "$log"

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

# Before the tests: the CLI's Windows build runs its main path under Wine among them
# (crates/keyworks-cli/tests/windows_cli.rs), compared with the Linux build.
step "Windows cross-build (x86_64-pc-windows-gnu: KeyWorks.exe + WebView2Loader.dll, keyworks.exe) and Wine"
bash scripts/build-windows.sh
if ! command -v wine >/dev/null 2>&1; then
  as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
  as_root apt-get -o DPkg::Lock::Timeout=600 update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q wine64
fi
export KEYWORKS_WINDOWS_CLI="$CARGO_TARGET_DIR/windows/KeyWorks/命令行/keyworks.exe"

# Likewise the arm64 build of the CLI runs under qemu-user (tests/arm64_cli.rs).
step "arm64 cross-build of the CLI (aarch64-unknown-linux-gnu) and qemu-user"
bash scripts/build-arm64-cli.sh
export KEYWORKS_ARM64_CLI="$CARGO_TARGET_DIR/aarch64-unknown-linux-gnu/release/keyworks"

# The app's own tests ran above, on the one build of it.
step "cargo test (unit, integration, CLI under Linux and under Wine, report)"
cargo test --workspace --exclude keyworks-app --locked 2>&1 | tee -a "$log"

step "benchmarks, one iteration each (figures come from 'cargo bench')"
# The MSPDI bench's generated files (280 MB) live with the build, reused by the next run, not
# left in the system's temporary folder.
export KEYWORKS_BENCH_DIR="${KEYWORKS_BENCH_DIR:-$CARGO_TARGET_DIR/tmp/bench}"
mkdir -p "$KEYWORKS_BENCH_DIR"
cargo test --workspace --exclude keyworks-app --locked --benches 2>&1 | tee -a "$log"

step "Debian package: built with Tauri's bundler, installed, run, removed"
bash scripts/test-deb.sh

# One closing line over every test binary, for people and for CI.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i) ~ /^passed;?$/) p += $(i-1); if ($(i) ~ /^failed;?$/) f += $(i-1); if ($(i) ~ /^ignored;?$/) s += $(i-1) } }
     END { printf "\n%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
