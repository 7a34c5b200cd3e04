#!/usr/bin/env bash
# Installs what building, running and testing the KeyWorks desktop app needs on Debian/Ubuntu:
# WebKitGTK and friends for Tauri, Xvfb and WebKitWebDriver for the end-to-end test, a CJK font
# so that WebKit renders Chinese, and the UI's npm packages. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

need_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

packages=(libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev xvfb xauth webkit2gtk-driver imagemagick
  poppler-utils xdotool x11-utils fonts-noto-cjk pkg-config nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A machine may have Node.js from elsewhere (nvm, NodeSource): then Debian's is not needed.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  missing=("${missing[@]/nodejs}")
  missing=("${missing[@]/npm}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  need_root apt-get -o DPkg::Lock::Timeout=600 update -q
  need_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q "${missing[@]}"
fi
