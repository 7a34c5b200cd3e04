#!/usr/bin/env bash
# Cross-builds the KeyWorks desktop app for Windows (x86_64-pc-windows-gnu) on Debian/Ubuntu:
# KeyWorks.exe with WebView2Loader.dll beside it (the exe loads it at start; both must be
# copied together). Installs what is missing (Debian's mingw-w64 for the linker, the Rust
# target), idempotently. The installer itself (NSIS/MSI with bundle.windows.webviewInstallMode
# = offlineInstaller) is built on a Windows machine: see README.
#
#   bash scripts/build-windows.sh        → $CARGO_TARGET_DIR/windows/KeyWorks/{KeyWorks.exe,WebView2Loader.dll}
#                                           and the CLI, $CARGO_TARGET_DIR/windows/KeyWorks/命令行/keyworks.exe
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/keyworks/target}"
export CARGO_TERM_COLOR=never
target=x86_64-pc-windows-gnu

need_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1; then
  echo "Installing Debian's mingw-w64 (the Windows linker)"
  need_root apt-get -o DPkg::Lock::Timeout=600 update -q
  need_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q mingw-w64
fi
if ! rustup target list --installed | grep -qx "$target"; then
  rustup target add "$target"
fi
# The POSIX-threads flavour of MinGW's GCC: Rust's std for windows-gnu expects it.
linker=x86_64-w64-mingw32-gcc
command -v x86_64-w64-mingw32-gcc-posix >/dev/null 2>&1 && linker=x86_64-w64-mingw32-gcc-posix
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER="$linker"

# The UI is embedded in the binary at compile time.
(
  cd ui
  [ -d node_modules ] || npm ci --no-audit --no-fund
  npx vite build
)

# As scripts/run.sh builds release (custom-protocol is the crate's default feature), for the
# Windows target. The icon is src-tauri/icons/icon.ico (bundle.icon in tauri.conf.json), which
# tauri-build embeds as the exe's resource.
# The app, and the CLI beside it (managers schedule the weekly PDF with Task Scheduler).
# The CLI of the package is KeyWorks.exe itself run by the small console program
# keyworks-console (as keyworks.exe): one program, one copy of the 8 MB font.
cargo build --release --locked --target "$target" -p keyworks-app -p keyworks-console

built="$CARGO_TARGET_DIR/$target/release"
out="$CARGO_TARGET_DIR/windows/KeyWorks"
mkdir -p "$out"
cp "$built/keyworks-app.exe" "$out/KeyWorks.exe"
# As in the package, in a folder of its own below the app's (Windows file names ignore case,
# so keyworks.exe and KeyWorks.exe cannot share one); it finds KeyWorks.exe one folder up.
rm -rf "$CARGO_TARGET_DIR/windows/cli"
mkdir -p "$out/命令行"
cp "$built/keyworks-console.exe" "$out/命令行/keyworks.exe"
# webview2-com-sys ships the loader and its build script copies it into its OUT_DIR (x64).
loader=$(find "$built/build" -path '*webview2-com-sys-*/out/x64/WebView2Loader.dll' 2>/dev/null | head -n1 || true)
if [ -z "$loader" ]; then
  echo "WebView2Loader.dll not found under $built" >&2
  exit 1
fi
cp "$loader" "$out/WebView2Loader.dll"

kind=$(file -b "$out/KeyWorks.exe")
echo "KeyWorks.exe: $kind"
case "$kind" in
  *"PE32+ executable"*"(GUI)"*"x86-64"*) ;;
  *) echo "KeyWorks.exe is not a 64-bit Windows GUI executable" >&2; exit 1 ;;
esac
echo "Windows build: $out ($(du -sh "$out" | cut -f1))"

# The portable package (no installer: Tauri's NSIS bundler downloads NSIS and its plugins at
# build time, which this build must not): the app, its loader, the CLI in a folder of its own
# and 使用说明.txt, in one zip named after the version in Cargo.toml.
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
zip="$CARGO_TARGET_DIR/windows/KeyWorks-$version-windows-x64.zip"
python3 - "$zip" "$out" "$out/命令行/keyworks.exe" packaging/windows/使用说明.txt <<'PY'
import sys, zipfile
target, app_dir, cli, readme = sys.argv[1:5]
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.write(f"{app_dir}/KeyWorks.exe", "KeyWorks/KeyWorks.exe")
    z.write(f"{app_dir}/WebView2Loader.dll", "KeyWorks/WebView2Loader.dll")
    z.write(cli, "KeyWorks/命令行/keyworks.exe")
    z.write(readme, "KeyWorks/使用说明.txt")
PY
echo "Windows package: $zip ($(du -h "$zip" | cut -f1))"
ls -l "$out"
