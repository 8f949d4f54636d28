#!/usr/bin/env bash
# Shows that no test depends on the shipped holiday calendar lacking the next year: copies the
# work tree (as it is, uncommitted changes included) to a temporary folder, appends a 2027 block
# to its content/data/hari-libur.toml, as the office will once the SKB is out, and runs the
# calendar-dependent suites there (core, store, form-fn, the staff tool, the console, and
# site-gen's serve tests). Tests that need a missing year use fixture calendars, so all pass.
#
# Usage: bash tests/next-year.sh [extra cargo test arguments, e.g. -- --skip dynamodb]
# Env:   CARGO_TARGET_DIR  shared with the work tree's builds, so only the workspace's own
#                          crates compile again (default ~/.cache/pengaduan/target); avoid
#                          running other test runs on the same folder meanwhile, since the
#                          copy's binaries replace target/debug/site-gen and the like until
#                          the next build in the work tree
#        MOTO_PYTHON       the Python with moto's server (default ~/.cache/pengaduan/moto-venv)
# Not part of tests/run.sh: it compiles the workspace's crates a second time.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pengaduan/target}"
export MOTO_PYTHON="${MOTO_PYTHON:-$HOME/.cache/pengaduan/moto-venv/bin/python}"
START=$SECONDS

# Always the same folder, and tar keeps the files' times: cargo then compiles again only what
# the changed calendar (or a change since the last run) touches.
COPY="${TMPDIR:-/tmp}/pengaduan-next-year"
rm -rf "$COPY"
mkdir -p "$COPY"
trap 'rm -rf "$COPY"' EXIT
tar -C "$REPO" --exclude=./target --exclude=./.git --exclude=node_modules --exclude=./.data --exclude=./tests/e2e/out -cf - . |
  tar -C "$COPY" -xf -

calendar="$COPY/content/data/hari-libur.toml"
if grep -q '^tahun = 2027' "$calendar"; then
  echo "next-year: the shipped calendar already has 2027; change this script to add the year after" >&2
  exit 1
fi
cat >>"$calendar" <<'EOF'

[[tahun]]
tahun = 2027
# Added by tests/next-year.sh in a throwaway copy.
libur_nasional = [
  { tanggal = 2027-01-01, nama = "Tahun Baru 2027 Masehi" },
  { tanggal = 2027-08-17, nama = "Proklamasi Kemerdekaan Republik Indonesia" },
  { tanggal = 2027-12-25, nama = "Kelahiran Yesus Kristus (Natal)" },
]
cuti_bersama = [
  { tanggal = 2027-12-24, nama = "Cuti bersama Kelahiran Yesus Kristus (Natal)" },
]
EOF

cd "$COPY"
echo "next-year: 2027 appended to $calendar; running the calendar-dependent tests" >&2
status=0
cargo test --locked --no-fail-fast -p pengaduan-core -p pengaduan-store -p form-fn -p pengaduan-staf -p pengaduan-console "$@" ||
  status=$?
cargo test --locked --no-fail-fast -p site-gen --test serve "$@" || status=$?
echo "next-year: $([ "$status" = 0 ] && echo passed || echo FAILED) in $((SECONDS - START)) s" >&2
exit "$status"
