#!/usr/bin/env bash
# MPXJ's read of the same MSPDI files KeyWorks' import benchmark reads, in a warm JVM, and
# MPXJ's read of a KeyWorks export (does the other tool open what we write, and what does it
# see?). Compare with:  cargo bench -p keyworks-interchange --bench mspdi_import
#
#   bash scripts/bench-mpxj.sh            # files in $KEYWORKS_BENCH_DIR, else the temp dir
#
# Needs Java 17+ and Python 3; installs MPXJ 16.10 and JPype1 from PyPI with pip if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/keyworks/target}"
DIR="${KEYWORKS_BENCH_DIR:-${TMPDIR:-/tmp}}"
export KEYWORKS_BENCH_DIR="$DIR"

python3 -c 'import mpxj, jpype' 2>/dev/null || python3 -m pip install --quiet 'mpxj==16.10.0' JPype1

# The benchmark writes the generated files (deterministic; reused when present).
if [ ! -f "$DIR/keyworks-mspdi-10000.xml" ] || [ ! -f "$DIR/keyworks-mspdi-100000.xml" ]; then
    cargo bench -p keyworks-interchange --bench mspdi_import -- --quick mspdi_10000/parse >/dev/null
fi

# A KeyWorks export of the imported 10,000-task file, for MPXJ to read back.
DB="$DIR/keyworks-mpxj-check.sqlite"
rm -f "$DB" "$DIR/keyworks-export-10000.xml"
# (The debug build is enough: this step is not timed.)
cargo build -q -p keyworks-cli
KW="$CARGO_TARGET_DIR/debug/keyworks"
"$KW" --db "$DB" --author bench init >/dev/null
"$KW" --db "$DB" --author bench import "$DIR/keyworks-mspdi-10000.xml" --as SYN10K
"$KW" --db "$DB" export SYN10K --format mspdi --out "$DIR/keyworks-export-10000.xml"

python3 scripts/bench_mpxj.py \
    "$DIR/keyworks-export-10000.xml" \
    "$DIR/keyworks-mspdi-10000.xml" \
    "$DIR/keyworks-mspdi-100000.xml"
