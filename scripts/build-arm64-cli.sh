#!/usr/bin/env bash
# Cross-builds the keyworks CLI for arm64 Linux (aarch64-unknown-linux-gnu: Kunpeng and Phytium
# desktops under UOS or Kylin) with Debian's cross compiler, and installs qemu-user to run it
# here. Idempotent.
#
#   bash scripts/build-arm64-cli.sh   → $CARGO_TARGET_DIR/aarch64-unknown-linux-gnu/release/keyworks
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/keyworks/target}"
export CARGO_TERM_COLOR=never
target=aarch64-unknown-linux-gnu

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || ! command -v qemu-aarch64-static >/dev/null 2>&1; then
  echo "Installing Debian's arm64 cross compiler and qemu-user"
  as_root apt-get -o DPkg::Lock::Timeout=600 update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q \
    gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static
fi
if ! rustup target list --installed | grep -qx "$target"; then
  rustup target add "$target"
fi
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
# rusqlite's bundled SQLite is C: the cc crate picks the cross compiler from these.
export CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc
export AR_aarch64_unknown_linux_gnu=aarch64-linux-gnu-ar
cargo build --release --locked --target "$target" -p keyworks-cli
bin="$CARGO_TARGET_DIR/$target/release/keyworks"
file -b "$bin"
printf 'arm64 CLI: %s (%s bytes)\n' "$bin" "$(stat -c %s "$bin")"
