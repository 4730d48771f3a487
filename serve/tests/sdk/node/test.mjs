// imgstrip-serve against the official Tencent COS Node.js SDK (cos-nodejs-sdk-v5 3.0.0).
//
//   node test.mjs        (after `npm ci` here, with the server and CLI built)
//
// Starts the server (signed mode) on 127.0.0.1:<free port> over an empty temporary bucket
// folder, drives it with the SDK's own calls and checks what the SDK hands back and what
// landed in the folder. Stripped images are checked twice: `imgstrip inspect` must say "no
// metadata", and `exiftool -j` must show no EXIF, XMP, GPS, ICC, IPTC or comment.
//
// Environment: IMGSTRIP_SERVE, IMGSTRIP_CLI (the binaries; default target/release/… under
// the workspace), SDK_TABLE (a file to append the result rows to instead of printing them).
// One Markdown row `| node | mode | call | result |` per call; exits 1 when any call failed.

import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import COS from 'cos-nodejs-sdk-v5';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WORKSPACE = path.resolve(HERE, '..', '..', '..', '..');
const SERVE = process.env.IMGSTRIP_SERVE || path.join(WORKSPACE, 'target/release/imgstrip-serve');
const CLI = process.env.IMGSTRIP_CLI || path.join(WORKSPACE, 'target/release/imgstrip');
const SAMPLE = path.join(WORKSPACE, 'examples/data/sample.jpg');
const SecretId = 'AKIDtest';
const SecretKey = 'imgstripTestSecretKey0123456789abcdef';
const WrongKey = 'wrongSecretKey0000000000000000000000';
const Bucket = 'examplebucket-1250000000';
const Region = 'ap-guangzhou';
const MIB = 1024 * 1024;
const MODE = 'domain';

for (const bin of [SERVE, CLI]) {
  if (!fs.existsSync(bin)) {
    console.error(`${bin} not found (build it, or set IMGSTRIP_SERVE / IMGSTRIP_CLI)`);
    process.exit(2);
  }
}

// ---------------------------------------------------------------------------------------
// Result table
// ---------------------------------------------------------------------------------------

const rows = [];
let failures = 0;


function cell(text) {
  let t = String(text).split(/\s+/).join(' ').trim();
  if (t.length > 320) t = t.slice(0, 317) + '...';
  return t.replace(/\|/g, '\\|');
}

function describe(e) {
  if (e && e.statusCode !== undefined) {
    return `COS error ${e.statusCode} ${e.code}: ${e.message}`;
  }
  return `${(e && e.name) || 'Error'}: ${String((e && e.message) || e).split('\n')[0]}`;
}

async function step(call, fn, mode = MODE) {
  const add = (result) => rows.push(`| node | ${cell(mode)} | ${cell(call)} | ${cell(result)} |`);
  try {
    const detail = await fn();
    add('ok' + (detail ? ': ' + detail : ''));
  } catch (e) {
    failures++;
    add('FAIL ' + describe(e));
    console.error(`FAIL ${call}:`, e);
  }
}

/** Runs `fn`, which must fail; returns its error. */
async function rejects(fn) {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new assert.AssertionError({ message: 'the call succeeded; an error was expected' });
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

const md5 = (b) => crypto.createHash('md5').update(b).digest('hex');
const fileMd5 = (p) => md5(fs.readFileSync(p));

function metadataTags(file) {
  const tags = JSON.parse(execFileSync('exiftool', ['-j', '-G0:1', file], { encoding: 'utf8' }))[0];
  const groups = new Set(['EXIF', 'XMP', 'ICC_Profile', 'IPTC', 'Photoshop', 'MakerNotes']);
  return Object.keys(tags).filter(
    (k) => groups.has(k.split(':')[0]) || k.includes('GPS') || k.endsWith(':Comment')
  );
}

/** `imgstrip inspect` says no metadata and exiftool sees none; returns a summary. */
function assertClean(file) {
  const said = execFileSync(CLI, ['inspect', file], { encoding: 'utf8' }).trim();
  assert.ok(said.endsWith('no metadata'), 'imgstrip inspect: ' + said);
  const bad = metadataTags(file);
  assert.deepEqual(bad, [], 'exiftool still sees ' + bad.slice(0, 8).join(', '));
  return said.split(': ').slice(1).join(': ');
}

/** How many PUTs of `key` the server has logged (stderr: `id METHOD /path status`). */
function partPuts(key) {
  const p = '/' + key.split('/').map(encodeURIComponent).join('/');
  return fs
    .readFileSync(LOG, 'utf8')
    .split('\n')
    .filter((l) => { const f = l.split(' '); return f[1] === 'PUT' && f[2] === p; }).length;
}

function assertCleanBytes(buf, name) {
  const f = path.join(TMP, name);
  fs.writeFileSync(f, buf);
  return assertClean(f);
}

/** A real JPEG of exactly `size` bytes: the sample photo with COM segments after SOI. */
function jpegOfSize(size) {
  const base = fs.readFileSync(SAMPLE);
  const parts = [base.subarray(0, 2)];
  let pad = size - base.length;
  while (pad > 0) {
    let n = Math.min(pad, 65537);
    if (pad - n > 0 && pad - n < 4) n -= 4;
    const seg = Buffer.alloc(n);
    seg[0] = 0xff;
    seg[1] = 0xfe;
    seg.writeUInt16BE(n - 2, 2);
    crypto.randomFillSync(seg, 4);
    parts.push(seg);
    pad -= n;
  }
  parts.push(base.subarray(2));
  const out = Buffer.concat(parts);
  assert.equal(out.length, size);
  return out;
}

function pngChunk(kind, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(kind, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/** A valid 60000x1 RGB PNG (IHDR, tEXt, tiny IDAT): over the 50000 px limit. */
function overLimitPng(width = 60000) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('tEXt', Buffer.from('Comment\0secret location 48.85N 2.29E', 'latin1')),
    pngChunk('IDAT', zlib.deflateSync(Buffer.alloc(1 + width * 3), { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** http.get of a URL as the SDK made it: {status, headers, body}. */
function httpGet(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** Starts the server over `root`; resolves to {proc, port}. */
function startServer(root, log) {
  return new Promise((resolve, reject) => {
    const err = fs.openSync(log, 'w');
    const args = [root, '--listen', '127.0.0.1:0', '--secret-id', SecretId, '--secret-key', SecretKey];
    const proc = spawn(SERVE, args, { stdio: ['ignore', 'pipe', err] });
    let out = '';
    let started = false;
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error('imgstrip-serve printed no address: ' + out));
    }, 20000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on http:\/\/([0-9.]+):(\d+)/);
      if (m && !started) {
        started = true;
        clearTimeout(timer);
        resolve({ proc, port: Number(m[2]) });
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      if (!started) reject(new Error(`imgstrip-serve exited (${code}): ${fs.readFileSync(log, 'utf8')}`));
    });
  });
}

// ---------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'imgstrip-sdk-node-'));
const ROOT = path.join(TMP, 'bucket');
fs.mkdirSync(ROOT);
const LOG = path.join(TMP, 'server.log');
const { proc, port } = await startServer(ROOT, LOG);
const stored = (key) => path.join(ROOT, key);

const options = { Domain: '127.0.0.1:' + port, Protocol: 'http:', ConfCwd: path.join(TMP, 'conf') };
const cos = new COS({ SecretId, SecretKey, ...options });
const bad = new COS({ SecretId, SecretKey: WrongKey, ...options });

const photo = fs.readFileSync(SAMPLE);
const photoTags = (() => {
  const f = path.join(TMP, 'photo.jpg');
  fs.writeFileSync(f, photo);
  return metadataTags(f);
})();
for (const g of ['EXIF:IFD0', 'EXIF:GPS', 'XMP:', 'ICC_Profile:', 'IPTC:', 'File:Comment']) {
  assert.ok(photoTags.some((t) => t.startsWith(g)), 'sample.jpg lacks ' + g);
}
const quotedMd5 = `"${md5(photo)}"`;
const picOps = (rule, ...fileids) =>
  JSON.stringify({ is_pic_info: 1, rules: fileids.map((fileid) => ({ fileid, rule })) });

try {
  // -- plain object calls ---------------------------------------------------------------
  await step('putObject', async () => {
    const r = await cos.putObject({ Bucket, Region, Key: 'node/photo.jpg', Body: photo });
    assert.equal(r.statusCode, 200);
    assert.equal(r.ETag, quotedMd5);
    assert.deepEqual(fs.readFileSync(stored('node/photo.jpg')), photo);
    return `ETag ${r.ETag} = quoted md5, stored bytes equal`;
  });

  await step('putObject key with space, %, +, unicode', async () => {
    const key = 'node/odd keys/100% + 中文.jpg';
    const r = await cos.putObject({ Bucket, Region, Key: key, Body: photo });
    assert.equal(r.ETag, quotedMd5);
    assert.deepEqual(fs.readFileSync(stored(key)), photo);
    const g = await cos.getObject({ Bucket, Region, Key: key });
    assert.deepEqual(g.Body, photo);
    return 'stored under the decoded key, read back equal';
  });

  await step('putObject Body fs.createReadStream (content-type from the file name)', async () => {
    const key = 'node/stream/photo.jpg';
    const r = await cos.putObject({ Bucket, Region, Key: key, Body: fs.createReadStream(SAMPLE), ContentLength: photo.length });
    assert.equal(r.ETag, quotedMd5);
    assert.deepEqual(fs.readFileSync(stored(key)), photo);
    return 'ETag = quoted md5, stored bytes equal';
  });

  await step('uploadFile of a 7 kB file (below SliceSize: one putObject)', async () => {
    const key = 'node/stream/uploadFile-small.jpg';
    const r = await cos.uploadFile({ Bucket, Region, Key: key, FilePath: SAMPLE });
    assert.equal(r.statusCode, 200);
    assert.equal(r.ETag, quotedMd5);
    assert.deepEqual(fs.readFileSync(stored(key)), photo);
    return 'ETag = quoted md5, stored bytes equal';
  });

  await step('getObject', async () => {
    const r = await cos.getObject({ Bucket, Region, Key: 'node/photo.jpg' });
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.Body, photo);
    assert.equal(r.ETag, quotedMd5);
    assert.equal(r.headers['content-type'], 'image/jpeg');
    return `${r.Body.length} bytes equal, ETag, content-type image/jpeg`;
  });

  await step("getObject Range 'bytes=0-9'", async () => {
    const r = await cos.getObject({ Bucket, Region, Key: 'node/photo.jpg', Range: 'bytes=0-9' });
    assert.equal(r.statusCode, 206);
    assert.deepEqual(r.Body, photo.subarray(0, 10));
    assert.equal(r.headers['content-range'], `bytes 0-9/${photo.length}`);
    return `206, 10 bytes, content-range ${r.headers['content-range']}`;
  });

  await step('headObject', async () => {
    const r = await cos.headObject({ Bucket, Region, Key: 'node/photo.jpg' });
    assert.equal(r.statusCode, 200);
    assert.equal(r.ETag, quotedMd5);
    assert.equal(r.headers['content-length'], String(photo.length));
    assert.ok(r.headers['last-modified']);
    assert.ok(r.RequestId);
    return `content-length ${r.headers['content-length']}, ETag, RequestId`;
  });

  await step('headObject missing key', async () => {
    const e = await rejects(() => cos.headObject({ Bucket, Region, Key: 'node/missing.jpg' }));
    assert.equal(e.statusCode, 404);
    assert.equal(e.code, '404'); // no body on HEAD: the SDK reports the status
    return '404 (err.code "404")';
  });

  await step('getObject missing key', async () => {
    const e = await rejects(() => cos.getObject({ Bucket, Region, Key: 'node/missing.jpg' }));
    assert.equal(e.statusCode, 404);
    assert.equal(e.code, 'NoSuchKey');
    assert.ok(e.error && e.error.RequestId);
    return '404 NoSuchKey';
  });

  await step('getObject with a wrong SecretKey', async () => {
    const e = await rejects(() => bad.getObject({ Bucket, Region, Key: 'node/photo.jpg' }));
    assert.equal(e.statusCode, 403);
    assert.equal(e.code, 'SignatureDoesNotMatch');
    return '403 SignatureDoesNotMatch';
  });

  await step('putObject with a wrong SecretKey', async () => {
    const e = await rejects(() => bad.putObject({ Bucket, Region, Key: 'node/bad.jpg', Body: photo }));
    assert.equal(e.statusCode, 403);
    assert.equal(e.code, 'SignatureDoesNotMatch');
    assert.ok(!fs.existsSync(stored('node/bad.jpg')));
    return '403 SignatureDoesNotMatch, nothing stored';
  });

  await step('deleteObject', async () => {
    await cos.putObject({ Bucket, Region, Key: 'node/delete-me.jpg', Body: photo });
    const r = await cos.deleteObject({ Bucket, Region, Key: 'node/delete-me.jpg' });
    assert.equal(r.statusCode, 204);
    assert.ok(!fs.existsSync(stored('node/delete-me.jpg')));
    const e = await rejects(() => cos.headObject({ Bucket, Region, Key: 'node/delete-me.jpg' }));
    assert.equal(e.statusCode, 404);
    return '204, file removed, headObject 404';
  });

  // -- listing ------------------------------------------------------------------------
  const names = ['a.txt', 'b c.txt', '100%.txt', 'plus+sign.txt', 'sub/x.txt', 'sub/y.txt', '中文/文件 1.txt'];
  const prefix = 'node/list/';
  for (const [i, n] of names.entries()) {
    await cos.putObject({ Bucket, Region, Key: prefix + n, Body: Buffer.alloc(i + 1, 'x') });
  }
  const want = names.map((n) => prefix + n).sort();

  await step('getBucket Prefix (keys with space, %, +, unicode)', async () => {
    const r = await cos.getBucket({ Bucket, Region, Prefix: prefix });
    assert.deepEqual(r.Contents.map((o) => o.Key), want);
    assert.equal(r.IsTruncated, 'false');
    for (const o of r.Contents) {
      const i = names.indexOf(o.Key.slice(prefix.length));
      assert.equal(o.Size, String(i + 1));
      assert.equal(o.ETag, `"${md5(Buffer.alloc(i + 1, 'x'))}"`);
    }
    return `${r.Contents.length} keys, exact names, Size and ETag`;
  });

  await step('getBucket MaxKeys=3 + Marker paging', async () => {
    let got = [];
    let Marker = '';
    let pages = 0;
    for (;;) {
      const r = await cos.getBucket({ Bucket, Region, Prefix: prefix, Marker, MaxKeys: 3 });
      const page = r.Contents.map((o) => o.Key);
      assert.ok(page.length <= 3);
      got = got.concat(page);
      pages++;
      if (r.IsTruncated !== 'true') break;
      assert.equal(r.NextMarker, page[page.length - 1]);
      Marker = r.NextMarker;
      assert.ok(pages < 10);
    }
    assert.deepEqual(got, want);
    return `${pages} pages, NextMarker = last key, all ${got.length} keys once`;
  });

  await step("getBucket Delimiter '/'", async () => {
    const r = await cos.getBucket({ Bucket, Region, Prefix: prefix, Delimiter: '/' });
    assert.deepEqual(
      r.Contents.map((o) => o.Key),
      want.filter((k) => !k.slice(prefix.length).includes('/'))
    );
    assert.deepEqual(r.CommonPrefixes.map((p) => p.Prefix), [prefix + 'sub/', prefix + '中文/']);
    return `${r.Contents.length} keys, CommonPrefixes sub/, 中文/`;
  });

  // -- stripping on download ------------------------------------------------------------
  for (const rule of ['imageMogr2/strip', 'imageMogr2/strip/ignore-error/1']) {
    await step(`getObject QueryString '${rule}' (documented form, unsigned)`, async () => {
      const r = await cos.getObject({ Bucket, Region, Key: 'node/photo.jpg', QueryString: rule });
      assert.equal(r.statusCode, 200);
      assert.ok(r.Body.length < photo.length);
      const what = assertCleanBytes(r.Body, 'qs.jpg');
      assert.deepEqual(fs.readFileSync(stored('node/photo.jpg')), photo);
      return `${photo.length} -> ${r.Body.length} bytes, clean (${what}), stored object unchanged`;
    });
    await step(`getObject Query {'${rule}': ''} (signed)`, async () => {
      const r = await cos.getObject({ Bucket, Region, Key: 'node/photo.jpg', Query: { [rule]: '' } });
      assert.equal(r.statusCode, 200);
      const what = assertCleanBytes(r.Body, 'q.jpg');
      return `${r.Body.length} bytes, clean (${what})`;
    });
  }

  // -- presigned URLs -----------------------------------------------------------------
  const urlKey = 'node/url dir/photo.jpg';
  await cos.putObject({ Bucket, Region, Key: urlKey, Body: photo });
  const urlCases = [
    ["Query {'imageMogr2/strip': ''}", { Query: { 'imageMogr2/strip': '' } }, true],
    ["QueryString 'imageMogr2/strip'", { QueryString: 'imageMogr2/strip' }, true],
    ["Query {'imageMogr2/strip/ignore-error/1': ''}", { Query: { 'imageMogr2/strip/ignore-error/1': '' } }, true],
    ['(no query)', {}, false],
  ];
  for (const [label, extra, strips] of urlCases) {
    const params = { Bucket, Region, Key: urlKey, Sign: true, ...extra };
    const check = async (url) => {
      const r = await httpGet(url);
      assert.equal(r.status, 200, `${r.status} ${r.body.toString().slice(0, 300)}`);
      if (!strips) {
        assert.deepEqual(r.body, photo);
        return '200, original bytes';
      }
      return `200, ${r.body.length} bytes, clean (${assertCleanBytes(r.body, 'url.jpg')})`;
    };
    await step(`getObjectUrl Sign:true ${label}, sync return, http.get`, () => check(cos.getObjectUrl(params)));
    await step(`getObjectUrl Sign:true ${label}, callback, http.get`, async () => {
      const url = await new Promise((resolve, reject) =>
        cos.getObjectUrl(params, (err, data) => (err ? reject(err) : resolve(data.Url)))
      );
      return check(url);
    });
  }
  await step('getObjectUrl signed with a wrong SecretKey, http.get', async () => {
    const r = await httpGet(bad.getObjectUrl({ Bucket, Region, Key: urlKey, Sign: true, Query: { 'imageMogr2/strip': '' } }));
    assert.equal(r.status, 403);
    assert.match(r.body.toString(), /<Code>SignatureDoesNotMatch<\/Code>/);
    return '403 SignatureDoesNotMatch';
  });

  // -- stripping on upload and in the cloud ---------------------------------------------
  await step("putObject Headers {'Pic-Operations'} (UploadResult)", async () => {
    const key = 'node/upload/photo.jpg';
    const r = await cos.putObject({
      Bucket, Region, Key: key, Body: photo,
      Headers: { 'Pic-Operations': picOps('imageMogr2/strip', 'clean.jpg', '/node/upload-abs/clean.jpg') },
    });
    assert.equal(r.statusCode, 200);
    const res = r.UploadResult;
    assert.ok(res, 'no UploadResult in ' + JSON.stringify(Object.keys(r)));
    assert.equal(res.OriginalInfo.Key, key);
    assert.equal(res.OriginalInfo.ETag, quotedMd5);
    const objs = res.ProcessResults.Object;
    assert.ok(Array.isArray(objs) && objs.length === 2, JSON.stringify(objs));
    assert.deepEqual(objs.map((o) => o.Key), ['node/upload/clean.jpg', 'node/upload-abs/clean.jpg']);
    let what;
    for (const o of objs) {
      assert.equal(o.ETag, `"${fileMd5(stored(o.Key))}"`);
      what = assertClean(stored(o.Key));
    }
    assert.deepEqual(fs.readFileSync(stored(key)), photo);
    const detail = `original stored, 2 ProcessResults clean (${what})`;
    assert.equal(r.ETag, quotedMd5);
    return detail;
  });

  await step("cos.request POST Action 'image_process' (in-cloud)", async () => {
    const r = await cos.request({
      Bucket, Region, Key: 'node/photo.jpg', Method: 'POST', Action: 'image_process',
      Headers: { 'Pic-Operations': picOps('imageMogr2/strip', 'cloud-clean.jpg') },
    });
    assert.equal(r.statusCode, 200);
    const o = r.UploadResult.ProcessResults.Object;
    assert.equal(o.Key, 'node/cloud-clean.jpg');
    assert.equal(o.ETag, `"${fileMd5(stored(o.Key))}"`);
    const what = assertClean(stored(o.Key));
    assert.deepEqual(fs.readFileSync(stored('node/photo.jpg')), photo);
    return `UploadResult parsed, ${o.Key} clean (${what}), original unchanged`;
  });

  // -- over-limit image ---------------------------------------------------------------
  const png = overLimitPng();
  await cos.putObject({ Bucket, Region, Key: 'node/wide.png', Body: png });
  await step("getObject QueryString 'imageMogr2/strip' on a 60000 px PNG", async () => {
    const e = await rejects(() => cos.getObject({ Bucket, Region, Key: 'node/wide.png', QueryString: 'imageMogr2/strip' }));
    assert.equal(e.statusCode, 413);
    assert.equal(e.code, 'ImageTooLarge');
    return '413 ImageTooLarge';
  });
  await step("getObject QueryString 'imageMogr2/strip/ignore-error/1' on a 60000 px PNG", async () => {
    const r = await cos.getObject({ Bucket, Region, Key: 'node/wide.png', QueryString: 'imageMogr2/strip/ignore-error/1' });
    assert.deepEqual(r.Body, png);
    return `original bytes (${png.length}) unchanged`;
  });

  await step("putObject Headers {'Pic-Operations'} of a 33 MiB image (over the 32 MiB input limit), 8 tries", async () => {
    const big33 = jpegOfSize(33 * MIB);
    // The server answers 413 from Content-Length and closes the connection without reading
    // the body; the SDK's socket may then fail with EPIPE, once as the call's error and once
    // more as an 'error' event nobody listens to (which would end this process).
    const stray = [];
    const guard = (e) => {
      if (e && e.code === 'EPIPE') stray.push(e);
      else throw e;
    };
    process.on('uncaughtException', guard);
    const seen = [];
    try {
      for (let i = 0; i < 8; i++) {
        const e = await rejects(() =>
          cos.putObject({
            Bucket, Region, Key: 'node/size/up.jpg', Body: big33,
            Headers: { 'Pic-Operations': picOps('imageMogr2/strip', 'up-clean.jpg') },
          })
        );
        seen.push(e.statusCode ? `${e.statusCode} ${e.code}` : e.code);
      }
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      process.off('uncaughtException', guard);
    }
    assert.ok(!fs.existsSync(stored('node/size/up.jpg')));
    const epipe = seen.filter((s) => s === 'EPIPE').length;
    // The server reads a refused body to its end, so the client reads the 413.
    assert.equal(epipe + stray.length, 0, `broken pipes: ${epipe} calls, ${stray.length} sockets`);
    assert.deepEqual(seen, Array(8).fill('413 EntityTooLarge'));
    return '413 EntityTooLarge each time, nothing stored';
  });

  // -- big files ----------------------------------------------------------------------
  const big20 = path.join(TMP, 'big20.jpg');
  fs.writeFileSync(big20, jpegOfSize(20 * MIB));
  const big25 = path.join(TMP, 'big25.jpg');
  fs.writeFileSync(big25, jpegOfSize(25 * MIB));

  for (const fn of ['uploadFile', 'sliceUploadFile']) {
    await step(`${fn} 20 MiB JPEG (multipart, 1 MiB parts)`, async () => {
      const key = `node/big/${fn} 20.jpg`;
      const r = await cos[fn]({ Bucket, Region, Key: key, FilePath: big20 });
      assert.equal(r.statusCode, 200);
      assert.equal(fileMd5(stored(key)), fileMd5(big20), 'stored bytes differ');
      const h = await cos.headObject({ Bucket, Region, Key: key });
      assert.equal(h.headers['content-length'], String(20 * MIB));
      assert.equal(h.ETag, r.ETag);
      return `stored bytes equal, ETag ${r.ETag} = HEAD ETag`;
    });
  }
  await step('uploadFile 20 MiB resuming an upload with parts 1-2 (multipartInit, multipartUpload)', async () => {
    const key = 'node/big/resume20.jpg';
    const init = await cos.multipartInit({ Bucket, Region, Key: key });
    const fd = fs.openSync(big20, 'r');
    for (const n of [1, 2]) {
      const b = Buffer.alloc(MIB);
      fs.readSync(fd, b, 0, MIB, (n - 1) * MIB);
      await cos.multipartUpload({ Bucket, Region, Key: key, UploadId: init.UploadId, PartNumber: n, Body: b });
    }
    fs.closeSync(fd);
    const before = partPuts(key);
    await cos.uploadFile({ Bucket, Region, Key: key, FilePath: big20 });
    const sent = partPuts(key) - before;
    assert.equal(fileMd5(stored(key)), fileMd5(big20), 'stored bytes differ');
    assert.equal(sent, 18, `the SDK sent ${sent} parts, not the 18 missing ones`);
    return 'ListMultipartUploads + ListParts matched, 18 parts sent, bytes equal';
  });

  await step("uploadFile 20 MiB Headers {'Pic-Operations'} (strip on a multipart upload)", async () => {
    const key = 'node/big/pic20.jpg';
    const r = await cos.uploadFile({
      Bucket, Region, Key: key, FilePath: big20,
      Headers: { 'Pic-Operations': picOps('imageMogr2/strip', 'pic20-clean.jpg') },
    });
    assert.equal(r.statusCode, 200);
    assert.equal(fileMd5(stored(key)), fileMd5(big20));
    const what = assertClean(stored('node/big/pic20-clean.jpg'));
    // The SDK turns CompleteMultipartUploadResult{Key, ETag, ImageInfo, ProcessResults}
    // into an UploadResult like a PUT's.
    const res = r.UploadResult;
    assert.ok(res, 'no UploadResult');
    assert.equal(res.ProcessResults.Object.Key, 'node/big/pic20-clean.jpg');
    assert.equal(res.ProcessResults.Object.ETag, `"${fileMd5(stored('node/big/pic20-clean.jpg'))}"`);
    const detail = `original stored, UploadResult.ProcessResults parsed, node/big/pic20-clean.jpg clean (${what})`;
    assert.equal(res.OriginalInfo.ImageInfo.Format, 'jpg', 'ImageInfo as a direct child of the result');
    return detail;
  });

  await step("getObject QueryString 'imageMogr2/strip' of the 20 MiB upload", async () => {
    const r = await cos.getObject({ Bucket, Region, Key: 'node/big/uploadFile 20.jpg', QueryString: 'imageMogr2/strip' });
    return `${r.Body.length} bytes, clean (${assertCleanBytes(r.Body, 'strip20.jpg')})`;
  });

  await step('downloadFile 25 MiB (ranged, 1 MiB chunks)', async () => {
    const key = 'node/big/download 25.jpg';
    fs.mkdirSync(path.dirname(stored(key)), { recursive: true });
    fs.copyFileSync(big25, stored(key));
    const dest = path.join(TMP, 'dl25.jpg');
    await cos.downloadFile({ Bucket, Region, Key: key, FilePath: dest });
    assert.equal(fileMd5(dest), fileMd5(big25));
    return "bytes equal (the SDK's content-range and crc64 checks passed)";
  });
} finally {
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGKILL');
  await exited;
}

if (process.env.SDK_TABLE) {
  fs.appendFileSync(process.env.SDK_TABLE, rows.map((r) => r + '\n').join(''));
} else {
  console.log('| sdk | mode | call | result |');
  console.log('|---|---|---|---|');
  for (const r of rows) console.log(r);
}
console.log(`node: ${rows.length} calls, ${failures} failed`);
if (failures) {
  console.error(`${failures} call(s) failed; server log: ${LOG}`);
  process.exit(1);
}
fs.rmSync(TMP, { recursive: true, force: true });
