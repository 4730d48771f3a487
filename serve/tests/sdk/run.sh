#!/usr/bin/env bash
# Runs the COS SDK compatibility suites (Python, then Node) against the built server and
# prints the combined result table. Installs nothing; beforehand:
#   cargo build --release -p imgstrip-serve -p imgstrip-cli
#   python3 -m pip install -r serve/tests/sdk/python/requirements.txt
#   (cd serve/tests/sdk/node && npm ci)
# Exits non-zero when any call failed.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
export IMGSTRIP_SERVE="${IMGSTRIP_SERVE:-$ROOT/target/release/imgstrip-serve}"
export IMGSTRIP_CLI="${IMGSTRIP_CLI:-$ROOT/target/release/imgstrip}"
for bin in "$IMGSTRIP_SERVE" "$IMGSTRIP_CLI"; do
  if [ ! -x "$bin" ]; then
    echo "run.sh: $bin is missing: cargo build --release -p imgstrip-serve -p imgstrip-cli" >&2
    exit 2
  fi
done
command -v exiftool >/dev/null || { echo "run.sh: exiftool is needed" >&2; exit 2; }
[ -d "$HERE/node/node_modules/cos-nodejs-sdk-v5" ] || { echo "run.sh: run npm ci in $HERE/node" >&2; exit 2; }

table="$(mktemp)"
trap 'rm -f "$table"' EXIT
export SDK_TABLE="$table"
export PYTHONDONTWRITEBYTECODE=1
status=0

echo "== python: cos-python-sdk-v5"
(cd "$HERE/python" && python3 -m pytest -q -p no:cacheprovider test_cos_python_sdk.py) || status=1
echo
echo "== node: cos-nodejs-sdk-v5"
(cd "$HERE/node" && node test.mjs) || status=1
echo
echo "| sdk | mode | call | result |"
echo "|---|---|---|---|"
cat "$table"
echo
echo "$(grep -c '| ok' "$table") ok, $(grep -c '| FAIL' "$table") failed"
exit $status
