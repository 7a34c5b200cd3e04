#!/usr/bin/env bash
# The main job: build KeyWorks, create the seeded database in the per-user data directory
# (the one the desktop app uses) if there is none yet, and list the portfolio.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-deps.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/keyworks/target}"
cargo build --release -p keyworks-cli
keyworks="$CARGO_TARGET_DIR/release/keyworks"
db="${KEYWORKS_DB:-$("$keyworks" where)}"
if [ ! -e "$db" ]; then
  "$keyworks" --db "$db" init
fi
"$keyworks" --db "$db" projects "$@"
