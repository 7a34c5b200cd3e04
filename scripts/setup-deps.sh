#!/usr/bin/env bash
# Installs what building and testing KeyWorks needs on Debian/Ubuntu. Idempotent.
# Rust itself comes from rustup (https://rustup.rs); this script only checks for it.
set -euo pipefail

need_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# postgresql: the tests of a PostgreSQL hub start a private server of their own (never the
# system's; scripts/pg-private.sh).
packages=(build-essential pkg-config sqlite3 poppler-utils postgresql)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  need_root apt-get -o DPkg::Lock::Timeout=600 update -q
  need_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "KeyWorks needs Rust 1.85 or newer: install it with rustup (https://rustup.rs), then run this again." >&2
  exit 1
fi
rust_minor=$(rustc --version | sed -E 's/^rustc 1\.([0-9]+).*/\1/')
if [ "${rust_minor:-0}" -lt 85 ]; then
  echo "KeyWorks needs Rust 1.85 or newer (found $(rustc --version)): run 'rustup update'." >&2
  exit 1
fi
