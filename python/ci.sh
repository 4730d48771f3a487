#!/usr/bin/env bash
# CI for the Python package (python/README.md): on a machine with Rust and Python 3 (pip),
# installs the test tools, builds and installs the package with `pip install ./python`
# (pip fetches maturin from PyPI as the build backend), builds the `imgstrip` CLI the corpus
# tests compare against, then runs `pytest python/tests` with CI=true, where a missing
# corpus (../shared/corpus) fails the run instead of skipping.
#
# Packages go into the interpreter the script runs (python3, or $PYTHON), as .ci/run installs
# Pillow: run as root on Debian, pip 23 and this Python 3.11 need no --break-system-packages.
set -euo pipefail
cd "$(dirname "$0")/.."
export CI=${CI:-true}
export CARGO_TERM_COLOR=never
python=${PYTHON:-python3}
start=$SECONDS

echo "=== python: install the test tools"
"$python" -m pip install -q --disable-pip-version-check \
  pytest "dask[distributed]" fsspec pillow pillow-heif

echo "=== python: pip install ./python (maturin builds the extension, release)"
"$python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps ./python
"$python" -c 'import imgstrip; print("imgstrip", imgstrip.__version__, "from", imgstrip.__file__)'

echo "=== python: the CLI the corpus tests compare against"
cargo build --release -p imgstrip-cli

echo "=== python: pytest python/tests (CI=$CI)"
"$python" -m pytest python/tests -q -p no:cacheprovider

echo "=== python: done in $((SECONDS - start)) s"
