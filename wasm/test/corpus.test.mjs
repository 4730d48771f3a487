// The WHOLE corpus through the wasm package and through the native command: the same bytes
// out, the same report, the same errors — with no flags and with keep flags.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { strip, inspect, ImgstripError } from '../pkg-node/index.mjs';
import { cliPath, corpusDir, corpusFiles, nativeStrip } from '../testlib/helpers.mjs';

const dir = corpusDir();
const cli = dir && cliPath();

// The command's --report JSON keys, as the wasm report spells them.
const SAME = {
  format: 'format', removed: 'removed', found: 'found', bytes_before: 'bytesBefore',
  bytes_after: 'bytesAfter', bytes_removed: 'bytesRemoved', width: 'width', height: 'height',
  frames: 'frames', untouched: 'untouched', truncated: 'truncated', not_kept: 'notKept',
};

function compare(rel, keep) {
  const path = join(dir, rel);
  const data = readFileSync(path);
  const args = keep.length ? ['--keep', keep.join(',')] : [];
  const native = nativeStrip(cli, path, args);
  const options = { keep };
  let out;
  try {
    out = strip(data, options);
  } catch (e) {
    assert.ok(e instanceof ImgstripError, `${rel}: ${e}`);
    assert.equal(native.report.error, e.message, `${rel}: the command said ${JSON.stringify(native.report)}`);
    assert.equal(native.out, null);
    assert.throws(() => inspect(data, options), (e2) => e2 instanceof ImgstripError && e2.message === e.message);
    return 'error';
  }
  assert.equal(native.report.error, undefined, `${rel}: wasm stripped it, the command said ${native.report.error}`);
  assert.ok(Buffer.from(out).equals(native.out), `${rel}: output differs from the command's`);
  const report = inspect(data, options);
  for (const [cliKey, key] of Object.entries(SAME)) {
    assert.deepEqual(report[key], native.report[cliKey], `${rel}: ${key}`);
  }
  assert.equal(report.foundPhrases.length, report.found.length);
  return 'stripped';
}

for (const keep of [[], ['display'], ['orientation', 'copyright'], ['icc', 'gain_map']]) {
  test(`every corpus file strips as the native command does (keep: ${keep.join(',') || 'nothing'})`, { skip: !dir && 'no corpus' }, () => {
    const files = corpusFiles(dir);
    assert.ok(files.length > 200, `only ${files.length} corpus files`);
    const tally = { stripped: 0, error: 0 };
    for (const rel of files) tally[compare(rel, keep)] += 1;
    // Both outcomes occur: the malformed folder fails, the photos strip.
    assert.ok(tally.stripped > 150 && tally.error > 5, JSON.stringify(tally));
    console.log(`keep ${keep.join(',') || 'nothing'}: ${files.length} files, ${tally.stripped} stripped, ${tally.error} errors, all as the command`);
  });
}
