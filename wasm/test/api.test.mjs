// The API beyond the corpus: options (keep, limits, ignoreLimitErrors), every error kind
// with its offset and format, inspect's fields, detect, and bad arguments.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { deflateSync } from 'node:zlib';

import { strip, inspect, detect, ImgstripError } from '../pkg-node/index.mjs';
import { cliPath, corpusDir, nativeStripBytes } from '../testlib/helpers.mjs';

const dir = corpusDir();
const cli = dir && cliPath();
const skip = !dir && 'no corpus';
const corpus = (rel) => readFileSync(join(dir, rel));

function crc32(buf) {
  let c = ~0;
  for (const b of buf) { c ^= b; for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1)); }
  return ~c >>> 0;
}
function chunk(type, body) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])) >>> 0);
  return Buffer.concat([head, body, crc]);
}
/** A grey PNG `width`×1 with a tEXt comment. */
function png(width) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('tEXt', Buffer.from('Comment\0from the camera', 'latin1')),
    chunk('IDAT', deflateSync(Buffer.alloc(width + 1))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The error `f` throws, checked against the command's message for the same bytes. */
function failure(f, bytes, cliArgs = []) {
  let err;
  assert.throws(f, (e) => { err = e; return e instanceof ImgstripError; });
  assert.ok(err instanceof Error);
  assert.equal(err.name, 'ImgstripError');
  if (cli) assert.equal(err.message, nativeStripBytes(cli, bytes, cliArgs).report.error);
  if (err.kind === 'UnknownFormat') {
    assert.equal(err.offset, undefined);
    assert.equal(err.format, undefined);
  } else {
    // The offset and the format are the ones the message names.
    assert.equal(err.offset, Number(/at byte (\d+)/.exec(err.message)[1]));
    assert.ok(err.message.includes(err.format), `${err.format} in ${err.message}`);
  }
  return err;
}

test('limits: a PNG 60000 pixels wide is over the COS width limit; "none" strips it; ignoreLimitErrors copies it', { skip }, () => {
  const wide = png(60000);
  const e = failure(() => strip(wide), wide);
  assert.deepEqual([e.kind, e.format, e.offset], ['LimitExceeded', 'PNG', 16]);
  failure(() => strip(wide, { limits: 'cos' }), wide);
  failure(() => inspect(wide), wide);

  const out = strip(wide, { limits: 'none' });
  assert.ok(Buffer.from(out).equals(nativeStripBytes(cli, wide, ['--no-limits']).out));
  assert.equal(out.length, wide.length - 12 - 'Comment\0from the camera'.length);
  const r = inspect(wide, { limits: 'none' });
  assert.deepEqual([r.width, r.removed, r.untouched], [60000, ['comment'], false]);

  const copy = strip(wide, { ignoreLimitErrors: true });
  assert.ok(Buffer.from(copy).equals(wide));
  assert.ok(Buffer.from(copy).equals(nativeStripBytes(cli, wide, ['--ignore-limits']).out));
  const u = inspect(wide, { ignoreLimitErrors: true });
  assert.deepEqual([u.format, u.untouched, u.removed, u.bytesRemoved], ['PNG', true, [], 0]);
  // Under the limit nothing changes with either option.
  const narrow = png(100);
  assert.deepEqual(strip(narrow, { limits: 'none' }), strip(narrow));
  assert.deepEqual(strip(narrow, { ignoreLimitErrors: true }), strip(narrow));
});

test('every error kind carries its kind, format and offset', { skip }, () => {
  const e1 = failure(() => strip(new Uint8Array([1, 2, 3])), Buffer.from([1, 2, 3]));
  assert.equal(e1.kind, 'UnknownFormat');
  assert.equal(e1.message, 'unknown format: no supported signature at byte 0');

  const cut = corpus('malformed/gif_truncated_mid_file.gif');
  const e2 = failure(() => strip(cut), cut);
  assert.deepEqual([e2.kind, e2.format, e2.offset], ['Truncated', 'GIF', 1148]);

  const bad = corpus('malformed/jpeg_app1_length_1.jpg');
  const e3 = failure(() => strip(bad), bad);
  assert.deepEqual([e3.kind, e3.format, e3.offset], ['Malformed', 'JPEG', 22]);

  // A BMP whose DIB header claims 20 bytes: no BMP version has that header.
  const bmp = Buffer.from(corpus('bmp/mei_rgb24.bmp'));
  bmp.writeUInt32LE(20, 14);
  const e4 = failure(() => strip(bmp), bmp);
  assert.deepEqual([e4.kind, e4.format], ['Unsupported', 'BMP']);

  const bomb = corpus('malformed/gif_decompression_bomb_pillow.gif');
  const e5 = failure(() => strip(bomb), bomb);
  assert.deepEqual([e5.kind, e5.format, e5.offset], ['LimitExceeded', 'GIF', 38]);
  assert.equal(e5.message, 'GIF width is 65535, over the maximum 50000 (at byte 38)');
});

test('inspect reports what the photo held, with phrases for people', { skip }, () => {
  const photo = corpus('jpeg/mei_Canon_EOS_7D.jpg');
  const r = inspect(photo);
  assert.equal(Object.getPrototypeOf(r), Object.prototype);
  assert.deepEqual(Object.keys(r), ['format', 'removed', 'found', 'foundPhrases', 'bytesBefore',
    'bytesAfter', 'bytesRemoved', 'width', 'height', 'frames', 'untouched', 'truncated', 'notKept']);
  const native = nativeStripBytes(cli, photo).report;
  assert.equal(r.format, 'JPEG');
  assert.ok(r.removed.includes('exif'), r.removed);
  assert.deepEqual(r.found, native.found);
  assert.ok(r.found.includes('serial_number') && r.found.includes('capture_time'), r.found);
  assert.ok(r.foundPhrases.includes('camera serial number') && r.foundPhrases.includes('capture time'));
  assert.equal(r.bytesBefore, photo.length);
  assert.equal(r.bytesAfter, strip(photo).length);
  assert.equal(r.bytesRemoved, r.bytesBefore - r.bytesAfter);
  assert.ok(r.width > 0 && r.height > 0 && r.frames === 1);
  // A GPS photo says so.
  const gps = corpus('avif/libavif_paris_icc_exif_xmp.avif');
  const g = inspect(gps);
  assert.ok(g.found.includes('gps') && g.foundPhrases.includes('GPS position'), JSON.stringify(g));
  // keep: the ICC profile stays; copyright is not kept in a GIF.
  assert.ok(!inspect(gps, { keep: ['icc'] }).removed.includes('icc'));
  assert.ok(inspect(gps).removed.includes('icc'));
  const gif = corpus('gif/imagers-gif_beacon_xmp.gif');
  assert.deepEqual(inspect(gif, { keep: ['copyright'] }).notKept,
    nativeStripBytes(cli, gif, ['--keep', 'copyright']).report.not_kept);
});

test('keep flags change the output exactly as --keep does', { skip }, () => {
  const photo = corpus('jpeg/mei_Canon_EOS_7D.jpg');
  const outs = new Set();
  for (const keep of [[], ['orientation'], ['icc'], ['display'], ['copyright'], ['gain-map', 'orientation']]) {
    const out = strip(photo, { keep });
    assert.ok(Buffer.from(out).equals(nativeStripBytes(cli, photo, keep.length ? ['--keep', keep.join(',')] : []).out), keep.join());
    outs.add(Buffer.from(out).toString('base64'));
  }
  assert.ok(outs.size > 1, 'keep flags made no difference');
  // display = orientation + icc + gain_map.
  assert.deepEqual(strip(photo, { keep: ['display'] }), strip(photo, { keep: ['orientation', 'icc', 'gain_map'] }));
});

test('detect names the format, or gives undefined', { skip }, () => {
  assert.equal(detect(corpus('jpeg/mei_Canon_EOS_7D.jpg')), 'JPEG');
  assert.equal(detect(png(4)), 'PNG');
  assert.equal(detect(Buffer.from('GIF89a')), 'GIF');
  assert.equal(detect(Buffer.from('hello world')), undefined);
});

test('inputs may be any byte view; bad options are TypeErrors', () => {
  const p = png(3);
  const bytes = new Uint8Array(p);
  assert.deepEqual(strip(bytes.buffer), strip(bytes));
  assert.deepEqual(strip(new DataView(bytes.buffer)), strip(bytes));
  assert.equal(detect(new Uint8Array(0)), undefined);
  assert.throws(() => strip(bytes, { keep: ['gps'] }), (e) => e instanceof TypeError && /unknown keep flag "gps"/.test(e.message));
  assert.throws(() => strip(bytes, { keep: 'icc' }), TypeError);
  assert.throws(() => strip(bytes, { keep: ['icc,gps'] }), TypeError);
  assert.throws(() => strip(bytes, { limits: 'off' }), TypeError);
  assert.throws(() => strip(bytes, { ignoreLimitErrors: 1 }), TypeError);
  assert.throws(() => strip('not bytes'), TypeError);
  assert.throws(() => strip(bytes, 'icc'), TypeError);
});
