#!/usr/bin/env bash
# SQLite's session extension beside KeyWorks' sync on the same edits (bench/session-apply):
# the measurement behind ARCHITECTURE.md's choice of engine for replicas and sync.
set -euo pipefail
cd "$(dirname "$0")/.."
# bindgen (rusqlite's session feature) needs libclang.
if ! dpkg -s libclang-dev >/dev/null 2>&1; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 install -y libclang-dev
fi
# Its own target directory: SQLite is compiled there with the session extension.
export CARGO_TARGET_DIR="${SESSION_TARGET_DIR:-$HOME/.cache/keyworks/session-target}"
cargo run --release --manifest-path bench/session-apply/Cargo.toml
