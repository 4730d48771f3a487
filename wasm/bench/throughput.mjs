// Strip throughput of the wasm package in Node over the corpus, beside the native library
// on the same files (the `throughput` example of this crate, run by this script).
//   node wasm/bench/throughput.mjs [seconds per side, default 3]
// Needs ./build.sh (pkg-node) and a release build of the example:
//   cargo build --release -p imgstrip-wasm --example throughput
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { strip } from '../pkg-node/index.mjs';
import { corpusDir, corpusFiles, repoRoot } from '../testlib/helpers.mjs';

const seconds = Number(process.argv[2] ?? 3);
const dir = corpusDir();
if (!dir) throw new Error('no corpus at ../shared/corpus');

// The files both sides strip without an error.
const inputs = [];
for (const rel of corpusFiles(dir)) {
  const data = readFileSync(join(dir, rel));
  try {
    strip(data);
    inputs.push(data);
  } catch {}
}
const total = inputs.reduce((n, d) => n + d.length, 0);

let rounds = 0;
const start = process.hrtime.bigint();
let elapsed = 0;
while (elapsed < seconds || rounds < 3) {
  for (const data of inputs) strip(data);
  rounds += 1;
  elapsed = Number(process.hrtime.bigint() - start) / 1e9;
}
const wasmMBs = (total * rounds) / elapsed / 1e6;
console.log(`wasm (Node ${process.version}): ${inputs.length} files, ${(total / 1e6).toFixed(2)} MB x ${rounds} rounds in ${elapsed.toFixed(2)} s = ${wasmMBs.toFixed(0)} MB/s`);

const target = process.env.CARGO_TARGET_DIR ?? join(repoRoot, 'target');
const native = join(target, 'release', 'examples', 'throughput');
if (!existsSync(native)) {
  console.log(`native: not built (${native}); cargo build --release -p imgstrip-wasm --example throughput`);
  process.exit(0);
}
const line = execFileSync(native, [dir, String(seconds)], { encoding: 'utf8' }).trim();
console.log(line);
const nativeMBs = Number(/= (\d+(\.\d+)?) MB\/s/.exec(line)[1]);
console.log(`native / wasm = ${(nativeMBs / wasmMBs).toFixed(2)}x (goal: within 3x)`);
