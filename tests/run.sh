#!/usr/bin/env bash
# The project's test command (README, .ci/run): formatting and lints, unit tests, the store
# contract suite on SQLite and on DynamoDB (moto's server), the handler and Lambda tests, the
# site's fixture builds, the infrastructure lint, and the browser end-to-end tests.
# It installs what it needs when missing (moto from PyPI, clamd and Chromium from Debian, npm
# packages).
# Every step must pass; a missing service is a failure, never a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=${PENGADUAN_CACHE:-$HOME/.cache/pengaduan}
mkdir -p "$CACHE"
# One build profile (dev) for every test. The target folder is the one `cargo run` already
# filled in this clone (a newcomer's first command), else one that survives fresh clones (CI).
if [ -z "${CARGO_TARGET_DIR:-}" ]; then
  if [ -d target/debug ]; then CARGO_TARGET_DIR=$ROOT/target; else CARGO_TARGET_DIR=$CACHE/target; fi
fi
export CARGO_TARGET_DIR
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

current="start"
started=$SECONDS
trap 'status=$?; if [ $status -ne 0 ]; then echo "FAILED at step: $current (exit $status)" >&2; fi' EXIT
step() {
  current=$1
  printf '\n==> %s  [%ds]\n' "$1" $((SECONDS - started))
}

step "toolchain components"
for comp in rustfmt clippy; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^$comp"; then rustup component add "$comp"; fi
done

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "moto (DynamoDB, S3, SES server) and aiosmtpd (SMTP test server) in $CACHE/moto-venv"
MOTO_VENV=$CACHE/moto-venv
if ! "$MOTO_VENV/bin/python" -c 'import moto.server, werkzeug, aiosmtpd' 2>/dev/null; then
  [ -x "$MOTO_VENV/bin/pip" ] || python3 -m venv "$MOTO_VENV"
  "$MOTO_VENV/bin/pip" install --quiet --disable-pip-version-check 'moto[server]==5.2.5' 'aiosmtpd==1.4.6'
  "$MOTO_VENV/bin/python" -c 'import moto.server, werkzeug, aiosmtpd'
fi
export MOTO_PYTHON=$MOTO_VENV/bin/python

step "clamd (Debian's clamav-daemon) for the attachment scanning tests"
# The tests start their own clamd on a temp socket with a test database they write, so no
# service and no ClamAV database download is needed: only the binary (CLAMD_BIN, else
# /usr/sbin/clamd).
if [ -z "${CLAMD_BIN:-}" ] && [ ! -x /usr/sbin/clamd ]; then
  as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends clamav-daemon
  [ -x /usr/sbin/clamd ]
fi

step "cargo test (unit, store contract on SQLite and DynamoDB, handler, Lambda events, site fixtures)"
# Every crate's tests, the AWS stores' included (dev-dependencies turn them on); one feature set
# for clippy, the tests and the browser tests' binaries, so nothing is compiled twice.
cargo test --workspace --locked

step "Lambda release binary against a local Runtime API"
bash tests/lambda/run.sh

step "infrastructure lint (cfn-lint, checkov)"
bash infra/lint.sh

step "browser end-to-end tests (Chromium)"
bash tests/e2e/run.sh

current="done"
printf '\nAll test steps passed in %ds.\n' $((SECONDS - started))
