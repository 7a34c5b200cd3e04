#!/usr/bin/env bash
# The Debian package as a user gets it: built with Tauri's bundler (scripts/build-deb.sh), its
# contents, version, dependencies and size checked, installed with apt-get on this machine, the
# installed CLI run on its main path, the installed app started under Xvfb to the dashboard
# (choosing its renderer itself), then removed cleanly. Screenshots go to $KEYWORKS_SHOTS.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/keyworks/target}"
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
fail() { echo "test-deb: $*" >&2; exit 1; }

deb=$(bash scripts/build-deb.sh | tail -n 1)
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
size=$(stat -c %s "$deb")
awk -v n="$(basename "$deb")" -v s="$size" 'BEGIN { printf "package %s: %d bytes (%.1f MB); the target is 15 MB\n", n, s, s / 1048576 }'
[ "$size" -le $((15 * 1024 * 1024)) ] || fail "the package is over 15 MB"

name=$(dpkg-deb -f "$deb" Package)
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "package version $(dpkg-deb -f "$deb" Version), Cargo.toml $version"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Package: $name $version; Depends: $depends"
for lib in libwebkit2gtk-4.1-0 libgtk-3-0; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib"
done
contents=$(dpkg-deb -c "$deb")
echo "$contents" | awk '{print $6}'
for path in ./usr/bin/keyworks-app ./usr/share/mime/packages/keyworks.xml \
  ./usr/share/icons/hicolor/128x128/apps/keyworks-app.png; do
  grep -q " $path\$" <<<"$contents" || fail "the package lacks $path"
done
grep -q ' ./usr/bin/keyworks -> keyworks-app$' <<<"$contents" || fail "the package lacks the keyworks link"
desktop=$(grep -o '\./usr/share/applications/[^ ]*\.desktop' <<<"$contents" | head -n 1)
[ -n "$desktop" ] || fail "the package has no desktop entry"
entry=$(dpkg-deb --fsys-tarfile "$deb" | tar -xO "$desktop")
for line in 'Name[zh_CN]=' 'Comment[zh_CN]=' 'MimeType=application/x-keyworks;' 'Exec=keyworks-app %f'; do
  grep -qF "$line" <<<"$entry" || fail "the desktop entry lacks $line"
done

# Installed as a user installs it: apt resolves the dependencies.
as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q "$(realpath "$deb")"
trap 'as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 purge -y -q '"$name"' >/dev/null 2>&1 || true' EXIT
work=$(mktemp -d /tmp/keyworks-deb.XXXXXX)
db="$work/重点项目.keyworks"
KEYWORKS_AUTHOR=测试员 /usr/bin/keyworks --db "$db" init
count=$(/usr/bin/keyworks --db "$db" projects --json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["projects"]))')
[ "$count" = 15 ] || fail "the installed CLI lists $count projects"
/usr/bin/keyworks --db "$db" report weekly --week 2021-W23 --out "$work/周报.pdf"
/usr/bin/keyworks --db "$db" verify
# The MIME type: by name, and a KeyWorks file named .sqlite by its content.
if command -v gio >/dev/null 2>&1; then
  cp "$db" "$work/copy.sqlite"
  for f in "$db" "$work/copy.sqlite"; do
    type=$(gio info -a standard::content-type "$f" | sed -n 's/.*standard::content-type: //p')
    [ "$type" = application/x-keyworks ] || fail "$f is $type, not application/x-keyworks"
  done
  echo "MIME: both files are application/x-keyworks"
fi
rm -rf "$work"

shots="${KEYWORKS_SHOTS:-$CARGO_TARGET_DIR/e2e-shots}"
(cd ui && env -u WEBKIT_DISABLE_DMABUF_RENDERER xvfb-run -a -s "-screen 0 1366x768x24 -noreset" \
  node e2e/installed.mjs /usr/bin/keyworks-app "$shots")

as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 purge -y -q "$name"
trap - EXIT
for path in /usr/bin/keyworks-app /usr/bin/keyworks /usr/share/mime/packages/keyworks.xml; do
  [ ! -e "$path" ] || fail "$path is left after removing the package"
done
echo "installed, run and removed cleanly: $name $version"
