#!/usr/bin/env bash
# Builds the release form-fn binary (the one cargo-lambda packages as `bootstrap`) and runs it
# against a local Lambda Runtime API and moto's DynamoDB and S3 server (tests/lambda/runtime_test.py),
# with the rules this repository's site publishes (aturan-layanan.json of a site-gen build) in the
# site's bucket, where the function reads them at cold start.
set -euo pipefail
cd "$(dirname "$0")/../.."
CACHE=${PENGADUAN_CACHE:-$HOME/.cache/pengaduan}
target=${CARGO_TARGET_DIR:-$PWD/target}
python=${MOTO_PYTHON:-$CACHE/moto-venv/bin/python}
if ! "$python" -c 'import moto.server, boto3' 2>/dev/null; then
  echo "moto and boto3 are needed: run tests/run.sh, or set MOTO_PYTHON to a Python that has moto[server]" >&2
  exit 1
fi
cargo build --release --locked -p form-fn
site=$(mktemp -d)
trap 'rm -rf "$site"' EXIT
cargo run --locked --quiet -p site-gen -- build --out "$site"
"$python" tests/lambda/runtime_test.py "$target/release/form-fn" "$site/aturan-layanan.json"
