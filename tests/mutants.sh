#!/usr/bin/env bash
# Mutation testing of the rules where a surviving mutant is a security or legal defect (see
# .cargo/mutants.toml for the files). Slow (each mutant rebuilds a crate and runs its tests), so
# it is not part of tests/run.sh: run it after changing one of those files, and look at
# mutants.out/missed.txt. Arguments go to cargo mutants, e.g. `bash tests/mutants.sh --file
# core/src/access.rs`. Note that `--file` adds to the configured files: for one file alone add
# `--no-config`. The console's files run fastest with its own test binaries only:
#   bash tests/mutants.sh --no-config --file console/src/session.rs --test-workspace=false \
#     --test-package pengaduan-console --cargo-test-arg=--lib --cargo-test-arg=--test=guards \
#     --cargo-test-arg=--test=lockout --cargo-test-arg=--test=console
# (about 45 s a mutant on 2 cores). Survivors judged equivalent are listed, with the reason, in
# the closing note of the stop that ran them.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=${PENGADUAN_CACHE:-$HOME/.cache/pengaduan}
command -v cargo-mutants >/dev/null || cargo install --locked cargo-mutants
# The store's DynamoDB half needs moto's server, which tests/run.sh installs.
if [ -z "${MOTO_PYTHON:-}" ] && [ -x "$CACHE/moto-venv/bin/python" ]; then
  export MOTO_PYTHON=$CACHE/moto-venv/bin/python
fi
# In place, with the tree's own target folder: a copy would rebuild every dependency.
exec cargo mutants --in-place --no-shuffle "$@"
