#!/usr/bin/env bash
# End-to-end tests (issue 5): builds site-gen, serves the site with a throwaway SQLite store,
# and drives Debian's headless Chromium through the site with playwright-core, under node's
# built-in test runner.
#
# Usage: bash tests/e2e/run.sh [test files...]     (default: every tests/e2e/*.test.js)
# Env:   E2E_SCREENSHOTS  where screenshots go (default tests/e2e/out/screenshots)
#        CARGO_TARGET_DIR respected (site-gen is taken from $CARGO_TARGET_DIR/debug)
#        E2E_KEEP_LOG=1   keep the server's log and database after the run
#        E2E_CLOCK        the moment the server and the staff tool take for now (RFC 3339,
#                         default 2026-03-17T03:00:00Z)
#        MOTO_PYTHON      the Python with aiosmtpd for the SMTP test server (default
#                         ~/.cache/pengaduan/moto-venv/bin/python, which tests/run.sh sets up)
# Installs what is missing: the chromium and fonts-noto-core Debian packages (when
# /usr/bin/chromium is absent) and the npm packages (when node_modules is missing or
# package-lock.json changed). Exits non-zero on any failure.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$E2E_DIR/../.." && pwd)"
START_SECONDS=$SECONDS

log() { printf 'e2e: %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    log "need root to run: $*"; return 1
  fi
}

# Waits (up to 10 minutes) while another apt/dpkg process holds its locks.
wait_for_dpkg_lock() {
  local locks=(/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock)
  local waited=0
  command -v fuser >/dev/null 2>&1 || return 0
  while as_root fuser "${locks[@]}" >/dev/null 2>&1; do
    if [ "$waited" -ge 600 ]; then log "dpkg/apt lock still held after ${waited}s"; return 1; fi
    [ "$waited" -eq 0 ] && log "waiting for another package manager to finish..."
    sleep 3; waited=$((waited + 3))
  done
}

apt_get() {
  local try
  for try in 1 2 3; do
    wait_for_dpkg_lock
    if as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@"; then return 0; fi
    log "apt-get $1 failed (try $try), retrying"; sleep 5
  done
  return 1
}

# 1. Chromium (Debian's package) and fonts.
if [ ! -x /usr/bin/chromium ]; then
  log "installing chromium and fonts-noto-core (Debian packages)"
  apt_get update
  apt_get install -y --no-install-recommends chromium fonts-noto-core
fi

# 2. Node.js (normally present) and the npm packages.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  log "installing nodejs and npm (Debian packages)"
  apt_get update
  apt_get install -y --no-install-recommends nodejs npm
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  log "node $(node --version) is too old: the tests need Node 20 or newer"; exit 1
fi

lock_sum="$(sha256sum "$E2E_DIR/package-lock.json" | cut -d' ' -f1)"
stamp="$E2E_DIR/node_modules/.e2e-package-lock.sha256"
if [ ! -d "$E2E_DIR/node_modules" ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  log "npm ci in tests/e2e"
  (cd "$E2E_DIR" && npm ci --no-audit --no-fund --loglevel=error)
  printf '%s\n' "$lock_sum" >"$stamp"
fi

# 2b. The SMTP test server's Python (tests/support/smtp_server.py needs aiosmtpd): missing is
# a failure, not a skip, since email.test.js reads the mail the server under test sends.
SMTP_PYTHON="${MOTO_PYTHON:-$HOME/.cache/pengaduan/moto-venv/bin/python}"
if ! "$SMTP_PYTHON" -c 'import aiosmtpd' >/dev/null 2>&1; then
  log "the e2e tests need Python's aiosmtpd for the SMTP test server, not found with $SMTP_PYTHON:"
  log "run 'bash tests/run.sh' (it sets up ~/.cache/pengaduan/moto-venv), or install it there"
  log "('\$MOTO_PYTHON -m pip install aiosmtpd==1.4.6') and set MOTO_PYTHON"
  exit 1
fi

# 3. site-gen (debug profile, like the rest of the test suite).
# The binaries the test step built (its integration tests use them): the same feature set, so
# nothing is compiled again; a plain `cargo build` would differ by the tests' features.
log "cargo test --workspace --no-run (site-gen and pengaduan-staf binaries)"
(cd "$REPO" && cargo test --workspace --locked --no-run)
target_dir="${CARGO_TARGET_DIR:-$REPO/target}"
case "$target_dir" in /*) ;; *) target_dir="$REPO/$target_dir" ;; esac
SITE_GEN="$target_dir/debug/site-gen"
STAFF="$target_dir/debug/pengaduan-staf"
[ -x "$SITE_GEN" ] || { log "no site-gen binary at $SITE_GEN"; exit 1; }

# 4. Serve the site on a port the system picks, with a throwaway database.
WORK="$(mktemp -d "${TMPDIR:-/tmp}/e2e-site.XXXXXX")"
SERVER_PID=""
SMTP_PID=""
stop_server() {
  local rc=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -INT "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      kill -TERM "$SERVER_PID" 2>/dev/null || true; sleep 1
      kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  # The SMTP test server after the site's (which may be delivering): SIGTERM stops it cleanly.
  if [ -n "$SMTP_PID" ] && kill -0 "$SMTP_PID" 2>/dev/null; then
    kill -TERM "$SMTP_PID" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$SMTP_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SMTP_PID" 2>/dev/null || true
    wait "$SMTP_PID" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ] && [ -f "$WORK/serve.log" ]; then
    log "last lines of the server's log ($WORK/serve.log):"
    tail -n 30 "$WORK/serve.log" >&2 || true
  fi
  if [ "${E2E_KEEP_LOG:-0}" = 1 ] || [ "$rc" -ne 0 ]; then
    log "server log and database kept in $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Waits (up to 20 s, while process $1 runs) for a line of file $2 that matches the sed
# expression $3, and prints what it captures: the servers choose their own ports and say which.
wait_for_line() {
  local pid=$1 file=$2 expr=$3 found=""
  for _ in $(seq 1 200); do
    found="$(sed -n "$expr" "$file" 2>/dev/null | head -n 1)"
    [ -n "$found" ] && { printf '%s\n' "$found"; return 0; }
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# The clock of the server and of the staff tool (PENGADUAN_STAF_WAKTU, which both read): one
# fixed moment, so that the tests never depend on today's date or the calendar around it.
E2E_CLOCK="${E2E_CLOCK:-2026-03-17T03:00:00Z}"

# 4a. An SMTP server (tests/support/smtp_server.py) that writes every message it accepts to
# $MAIL_DIR, one .eml file each: the server under test and the staff tool send through it
# (SMTP_URL), and email.test.js reads the folder (E2E_MAIL_DIR).
MAIL_DIR="$WORK/smtp"
log "starting the SMTP test server (messages in $MAIL_DIR)"
"$SMTP_PYTHON" "$REPO/tests/support/smtp_server.py" --out "$MAIL_DIR" >"$WORK/smtp.log" 2>&1 &
SMTP_PID=$!
SMTP_PORT="$(wait_for_line "$SMTP_PID" "$WORK/smtp.log" 's/^ready \([0-9][0-9]*\)$/\1/p')" || {
  log "the SMTP test server did not start listening"; cat "$WORK/smtp.log" >&2; exit 1
}
SMTP_URL="smtp://127.0.0.1:$SMTP_PORT"
log "the SMTP test server listens on $SMTP_URL"

# The server's site is a copy of the repository's: the editing tests publish into its content/,
# which must never change the working tree under test.
SITE_ROOT="$WORK/site"
mkdir -p "$SITE_ROOT"
cp -R "$REPO/content" "$REPO/templates" "$REPO/static" "$REPO/config.toml" "$SITE_ROOT/"

log "starting site-gen serve at $E2E_CLOCK (store sqlite:$WORK/pengaduan.db, site $SITE_ROOT)"
# The suite sends many complaints from one address: every one is to get its receipt.
PENGADUAN_RATE_LIMIT_PER_HOUR=0 SMTP_URL="$SMTP_URL" PENGADUAN_STAF_WAKTU="$E2E_CLOCK" \
  "$SITE_GEN" serve --root "$SITE_ROOT" --port 0 --store "sqlite:$WORK/pengaduan.db" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
SERVER_START=$SECONDS
# Serve builds the site before it says where it listens: up to 120 s on a slow machine.
BASE_URL=""
for _ in 1 2 3 4 5 6; do
  BASE_URL="$(wait_for_line "$SERVER_PID" "$WORK/serve.log" 's|^Situs tersaji di \(http://[^/ ]*\)/.*|\1|p')" && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
done
[ -n "$BASE_URL" ] || { log "site-gen serve did not say where it listens"; cat "$WORK/serve.log" >&2; exit 1; }

ready=0
for _ in $(seq 1 600); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    log "site-gen serve exited early"; cat "$WORK/serve.log" >&2; exit 1
  fi
  if node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$BASE_URL/" 2>/dev/null; then
    ready=1; break
  fi
  sleep 0.2
done
[ "$ready" = 1 ] || { log "site-gen serve not ready after 120 s"; exit 1; }
log "server ready after $((SECONDS - SERVER_START)) s"

# 5. The tests, one file at a time (journey 4 reads consecutive register numbers).
SCREENSHOTS="${E2E_SCREENSHOTS:-$E2E_DIR/out/screenshots}"
case "$SCREENSHOTS" in /*) ;; *) SCREENSHOTS="$PWD/$SCREENSHOTS" ;; esac
if [ -z "${E2E_SCREENSHOTS:-}" ]; then rm -rf "$SCREENSHOTS"; fi
mkdir -p "$SCREENSHOTS"

if [ "$#" -gt 0 ]; then
  files=()
  for f in "$@"; do files+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"); done
else
  files=("$E2E_DIR"/*.test.js)
fi

set +e
(cd "$E2E_DIR" && E2E_BASE_URL="$BASE_URL" E2E_SCREENSHOTS="$SCREENSHOTS" \
  E2E_STAFF="$STAFF" E2E_STORE="sqlite:$WORK/pengaduan.db" E2E_ROOT="$SITE_ROOT" \
  E2E_MAIL_DIR="$MAIL_DIR" SMTP_URL="$SMTP_URL" SITE_ORIGIN="$BASE_URL" E2E_CLOCK="$E2E_CLOCK" \
  E2E_SITE_GEN="$SITE_GEN" MOTO_PYTHON="$SMTP_PYTHON" \
  node --test --test-concurrency=1 --test-reporter=spec "${files[@]}")
status=$?
set -e

log "screenshots: $SCREENSHOTS"
log "wall time: $((SECONDS - START_SECONDS)) s"
exit "$status"
