// Strip throughput of the wasm package in Node over the corpus, beside the native library
// on the same files (the `throughput` example of this crate, run by this script).
//   node wasm/bench/throughput.mjs [seconds per run, default 1] [runs per side, default 5]
// Needs ./build.sh (pkg-node) and a release build of the example:
//   cargo build --release -p imgstrip-wasm --example throughput
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { strip } from '../pkg-node/index.mjs';
import { corpusDir, corpusFiles, repoRoot } from '../testlib/helpers.mjs';

const seconds = Number(process.argv[2] ?? 1);
const runs = Number(process.argv[3] ?? 5);
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

const target = process.env.CARGO_TARGET_DIR ?? join(repoRoot, 'target');
const native = join(target, 'release', 'examples', 'throughput');
const haveNative = existsSync(native);
if (!haveNative) console.log(`native: not built (${native}); cargo build --release -p imgstrip-wasm --example throughput`);

function wasmRun() {
  let rounds = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < seconds || rounds < 3) {
    for (const data of inputs) strip(data);
    rounds += 1;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  return (total * rounds) / elapsed / 1e6;
}

function nativeRun() {
  const line = execFileSync(native, [dir, String(seconds)], { encoding: 'utf8' }).trim();
  return Number(/= (\d+(\.\d+)?) MB\/s/.exec(line)[1]);
}

// The machine is shared, so the two sides alternate and each gives the median of its runs.
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const wasmRuns = [];
const nativeRuns = [];
for (let k = 0; k < runs; k++) {
  wasmRuns.push(wasmRun());
  if (haveNative) nativeRuns.push(nativeRun());
}
const fmt = (xs) => xs.map((x) => x.toFixed(0)).join(', ');
console.log(`${inputs.length} files, ${(total / 1e6).toFixed(2)} MB, ${runs} alternating runs of ${seconds} s each`);
console.log(`wasm (Node ${process.version}): median ${median(wasmRuns).toFixed(0)} MB/s (${fmt(wasmRuns)})`);
if (haveNative) {
  console.log(`native: median ${median(nativeRuns).toFixed(0)} MB/s (${fmt(nativeRuns)})`);
  console.log(`native / wasm = ${(median(nativeRuns) / median(wasmRuns)).toFixed(2)}x (goal: within 3x)`);
}
