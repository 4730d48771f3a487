#!/usr/bin/env bash
# Builds the npm package `imgstrip` from this crate: the .wasm for wasm32-unknown-unknown
# with the wasm-release profile (root Cargo.toml), then wasm-bindgen into
#   wasm/pkg/       --target web     (ES module for browsers and bundlers, await init() first)
#   wasm/pkg-node/  --target nodejs  (loaded synchronously; the wrapper is an ES module)
# each with the wrapper (wasm/js/), its types and a package.json. Both folders are build
# output (gitignored). Needs: rustup target wasm32-unknown-unknown, and wasm-bindgen-cli at
# exactly the wasm-bindgen version in Cargo.lock (wasm/ci.sh installs both).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
cd "$root"
target_dir=${CARGO_TARGET_DIR:-$root/target}

locked=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
have=$(wasm-bindgen --version | awk '{ print $2 }')
if [ "$locked" != "$have" ]; then
  echo "wasm-bindgen-cli is $have but Cargo.lock has wasm-bindgen $locked:" >&2
  echo "  cargo install wasm-bindgen-cli --version $locked --locked" >&2
  exit 1
fi

# SIMD (every current browser, Node >= 16.4): the byte scans that find JPEG markers run
# about 2x faster with it. The inlining threshold of -Os (50, against 225 at opt-level 2)
# makes the .wasm 9% smaller (339 -> 310 KB) for 3-4% of speed: the hot loops are small
# enough to be inlined anyway (wasm/README.md, "Size and speed").
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="${CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS:-} -C target-feature=+simd128 -C llvm-args=-inline-threshold=50"
cargo build -p imgstrip-wasm --lib --target wasm32-unknown-unknown --profile wasm-release
wasm="$target_dir/wasm32-unknown-unknown/wasm-release/imgstrip_wasm.wasm"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)

rm -rf "$here/pkg" "$here/pkg-node"
wasm-bindgen --target web --out-dir "$here/pkg" --out-name imgstrip_wasm "$wasm"
wasm-bindgen --target nodejs --out-dir "$here/pkg-node" --out-name imgstrip_wasm "$wasm"

# Web: index.js (the API plus init/initSync) imports api.js, which imports the bindings.
cp "$here/js/api.js" "$here/js/api.d.ts" "$here/js/index.js" "$here/js/index.d.ts" "$here/pkg/"
# Node: the bindings are CommonJS, so the ES wrapper is .mjs (Node reads their named exports).
cp "$here/js/api.js" "$here/pkg-node/index.mjs"
cp "$here/js/api.d.ts" "$here/pkg-node/index.d.mts"

common='"description": "Strip metadata (EXIF, GPS, XMP, IPTC, ICC, comments) from JPEG, PNG, GIF, WebP, BMP, HEIF and AVIF without touching a pixel",
  "license": "MIT OR Apache-2.0",
  "keywords": ["exif", "metadata", "privacy", "gps", "wasm"],'
cat > "$here/pkg/package.json" <<JSON
{
  "name": "imgstrip",
  "version": "$version",
  $common
  "type": "module",
  "module": "index.js",
  "main": "index.js",
  "types": "index.d.ts",
  "sideEffects": false,
  "files": ["index.js", "index.d.ts", "api.js", "api.d.ts", "imgstrip_wasm.js", "imgstrip_wasm.d.ts", "imgstrip_wasm_bg.wasm", "imgstrip_wasm_bg.wasm.d.ts"]
}
JSON
cat > "$here/pkg-node/package.json" <<JSON
{
  "name": "imgstrip",
  "version": "$version",
  $common
  "main": "index.mjs",
  "types": "index.d.mts",
  "exports": { ".": { "types": "./index.d.mts", "default": "./index.mjs" } },
  "engines": { "node": ">=18" },
  "files": ["index.mjs", "index.d.mts", "imgstrip_wasm.js", "imgstrip_wasm.d.ts", "imgstrip_wasm_bg.wasm", "imgstrip_wasm_bg.wasm.d.ts"]
}
JSON
size=$(stat -c %s "$here/pkg/imgstrip_wasm_bg.wasm")
gz=$(gzip -9 -c "$here/pkg/imgstrip_wasm_bg.wasm" | wc -c)
echo "built imgstrip $version: imgstrip_wasm_bg.wasm $size bytes ($gz gzipped) in wasm/pkg and wasm/pkg-node"
