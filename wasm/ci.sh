#!/usr/bin/env bash
# CI for the wasm package (issue 19), for a fresh Debian machine with Rust, Node 20 and npm:
# installs what it needs (the wasm32 target, wasm-bindgen-cli at the version in Cargo.lock,
# Debian's chromium, exiftool, Pillow + pillow-heif, npm ci), builds the package and the
# native command, then runs the Node tests and the real-browser test of the demo page.
# Honours CARGO_TARGET_DIR. Corpus tests fail, rather than skip, without ../shared/corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
export CI=${CI:-true}
export CARGO_TERM_COLOR=never
step() { printf '\n=== wasm: %s\n' "$*"; }

step "install tools"
rustup target add wasm32-unknown-unknown
locked=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }')" != "$locked" ]; then
  cargo install wasm-bindgen-cli --version "$locked" --locked
fi
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v exiftool >/dev/null 2>&1 || missing+=(libimage-exiftool-perl)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! python3 -c 'import PIL, pillow_heif' >/dev/null 2>&1; then
  python3 -m pip install -q pillow pillow-heif
fi
(cd wasm && npm ci --no-audit --no-fund --loglevel=error)
echo "wasm-bindgen $(wasm-bindgen --version | awk '{ print $2 }'), $(chromium --version), node $(node --version), exiftool $(exiftool -ver)"

step "build: the package (wasm/build.sh) and the native command"
./wasm/build.sh
cargo build --release -p imgstrip-cli

step "types: the hand-written .d.ts of both packages (tsc over wasm/testlib/types.mts)"
(cd wasm && npx tsc -p testlib)

step "node --test wasm/test/ (the whole corpus against the native command, the API)"
node --test wasm/test/

step "browser: the demo page in headless chromium"
node wasm/browser/demo.mjs
