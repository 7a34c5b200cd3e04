#!/usr/bin/env bash
# Builds the Debian package of KeyWorks with Tauri's bundler (@tauri-apps/cli, pinned in
# ui/package.json to the Tauri version of Cargo.toml): the app at /usr/bin/keyworks-app with its
# desktop entry (Chinese and English) and icons, the `keyworks` CLI at /usr/bin/keyworks (a link
# to the app's program, which is the CLI when started under that name), and the
# MIME type application/x-keyworks (*.keyworks, and any KeyWorks file by its SQLite
# application_id) that double-clicking opens in KeyWorks. Nothing is downloaded at build time.
#
#   bash scripts/build-deb.sh   → prints the path of keyworks_<version>_amd64.deb
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/keyworks/target}"
export CARGO_TERM_COLOR=never
bash scripts/setup-desktop-deps.sh >/dev/null
[ -d ui/node_modules ] || (cd ui && npm ci --no-audit --no-fund)
# The UI first (it is embedded at compile time); tauri.conf.json's beforeBuildCommand is for
# `tauri build` run by hand from src-tauri/, and is switched off below.
(cd ui && npx vite build) >&2

# Merged into tauri.conf.json (a JSON merge patch): the UI was built above.
config='{"build":{"beforeBuildCommand":null}}'
rm -rf "$CARGO_TARGET_DIR/release/bundle/deb"
(cd src-tauri && ../ui/node_modules/.bin/tauri build --ci --bundles deb --config "$config" -- --locked) >&2
built=$(ls "$CARGO_TARGET_DIR"/release/bundle/deb/*.deb)

# Tauri's bundler compresses with gzip; xz (which every dpkg since Debian 6 reads, UOS and Kylin
# included) makes the package a fifth smaller. Named as Debian names packages.
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
dpkg-deb -R "$built" "$tree/pkg"
# The bundler names the package after productName ("key-works"); people type `keyworks`.
sed -i 's/^Package: .*/Package: keyworks/' "$tree/pkg/DEBIAN/control"
# The CLI is the app's own program started as `keyworks`: one binary, one copy of the font.
ln -s keyworks-app "$tree/pkg/usr/bin/keyworks"
name=keyworks
version=$(dpkg-deb -f "$built" Version)
arch=$(dpkg-deb -f "$built" Architecture)
out="$CARGO_TARGET_DIR/release/bundle/deb/${name}_${version}_${arch}.deb"
rm -f "$built"
dpkg-deb --root-owner-group -Zxz -z9 -b "$tree/pkg" "$out" >&2
echo "$out"
