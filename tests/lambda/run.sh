#!/usr/bin/env bash
# Builds the release Lambda binaries (the ones cargo-lambda packages as `bootstrap`) and runs
# each against a local Lambda Runtime API and moto: form-fn (tests/lambda/runtime_test.py), with
# the rules this repository's site publishes (aturan-layanan.json of a site-gen build) in the
# site's bucket, where the function reads them at cold start; and the publishing function
# publish-fn (tests/lambda/publish_test.py). Each prints its binary's size and cold start.
set -euo pipefail
cd "$(dirname "$0")/../.."
CACHE=${PENGADUAN_CACHE:-$HOME/.cache/pengaduan}
target=${CARGO_TARGET_DIR:-$PWD/target}
python=${MOTO_PYTHON:-$CACHE/moto-venv/bin/python}
if ! "$python" -c 'import moto.server, boto3' 2>/dev/null; then
  echo "moto and boto3 are needed: run tests/run.sh, or set MOTO_PYTHON to a Python that has moto[server]" >&2
  exit 1
fi
# One build each: built together, their features would be unified, and each binary would carry
# the other's (a bigger binary than deploy.sh's, measured).
cargo build --release --locked -p form-fn
cargo build --release --locked -p pengaduan-publish --features lambda --bin publish-fn
site=$(mktemp -d)
trap 'rm -rf "$site"' EXIT
# The test command's debug site-gen when it is there (no second build with other features).
if [ -x "$target/debug/site-gen" ]; then
  "$target/debug/site-gen" build --out "$site"
else
  cargo run --locked --quiet -p site-gen -- build --out "$site"
fi
status=0
"$python" tests/lambda/runtime_test.py "$target/release/form-fn" "$site/aturan-layanan.json" || status=1
"$python" tests/lambda/publish_test.py "$target/release/publish-fn" || status=1
exit "$status"
