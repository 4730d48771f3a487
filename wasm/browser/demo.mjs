// The demo page in a real browser: Debian's chromium (headless) driven by puppeteer-core
// loads wasm/demo/ from a loopback server, is given corpus photos through its file input,
// and the stripped copies it downloads are checked: byte-identical to the native command's
// output, no GPS/serial number/XMP left (exiftool), the same pixels (Pillow + pillow-heif).
// The page must request nothing but its own files. Saves wasm/demo/screenshot.png.
// Run after ./build.sh and `cargo build --release -p imgstrip-cli`: node browser/demo.mjs
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import puppeteer from 'puppeteer-core';

import { cliPath, corpusDir, nativeStrip, wasmDir } from '../testlib/helpers.mjs';

const corpus = corpusDir();
if (!corpus) {
  console.log('browser test skipped: no corpus (set CI=true to fail instead)');
  process.exit(0);
}
const cli = cliPath();
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';

// Photos of every format, most with GPS or a serial number, and one the library refuses.
const PHOTOS = [
  'jpeg/mei_Apple_iPhone_4.jpg',
  'jpeg/mei_Canon_EOS_7D.jpg',
  'heif/pillowheif_xiaomi.heic',
  'avif/libavif_paris_icc_exif_xmp.avif',
  'png/libavif_paris_icc_exif_xmp.png',
  'webp/mei_Nikon_D1X.webp',
  'webp/synthetic/animated_plus_icc_exif_xmp_imagers_anim.webp',
  'gif/imagers-gif_beacon_xmp.gif',
  'bmp/mei_rgb24prof.bmp',
];
const REFUSED = 'malformed/jpeg_app1_length_1.jpg';

// Only these files may be served or requested: the page's own.
const SERVED = new Set();
for (const d of ['demo', 'pkg']) {
  for (const name of readdirSync(join(wasmDir, d))) SERVED.add(`/${d}/${name}`);
}
const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm', '.png': 'image/png', '.json': 'application/json', '.ts': 'text/plain' };
const served = [];
const server = createServer((req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  served.push(`${req.method} ${path}`);
  const file = normalize(join(wasmDir, path));
  if (req.method !== 'GET' || !SERVED.has(path) || !file.startsWith(wasmDir + sep)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;

const downloads = mkdtempSync(join(tmpdir(), 'imgstrip-downloads-'));
const args = ['--headless=new', '--no-first-run', '--no-default-browser-check', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
if (process.getuid?.() === 0) args.push('--no-sandbox');
const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args });
let failed = false;
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 900, height: 1100 });
  const requests = [];
  const problems = [];
  page.on('request', (r) => requests.push(`${r.method()} ${r.url()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });

  const cdp = await browser.target().createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads, eventsEnabled: true });
  const finished = new Map();
  cdp.on('Browser.downloadWillBegin', (e) => finished.set(e.guid, { name: e.suggestedFilename, done: false }));
  cdp.on('Browser.downloadProgress', (e) => {
    if (e.state === 'completed' && finished.has(e.guid)) finished.get(e.guid).done = true;
    if (e.state === 'canceled') problems.push(`download canceled: ${e.guid}`);
  });

  await page.goto(`${origin}/demo/index.html`, { waitUntil: 'load' });
  await page.waitForSelector('body[data-loaded="true"]', { timeout: 30000 });
  const input = await page.$('#files');
  const files = [...PHOTOS, REFUSED].map((rel) => join(corpus, rel));
  const started = performance.now();
  await input.uploadFile(...files);
  await page.waitForSelector(`body[data-ready="${files.length}"]`, { timeout: 120000 });
  console.log(`the page stripped ${files.length} files in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  await page.screenshot({ path: join(wasmDir, 'demo', 'screenshot.png'), fullPage: true });

  // What the page shows for each file.
  const shown = await page.$$eval('li.file', (lis) => lis.map((li) => ({
    name: li.dataset.name, state: li.dataset.state, text: li.innerText,
    download: li.querySelector('a.download')?.getAttribute('download') ?? null,
  })));
  assert.equal(shown.length, files.length);
  const refused = shown.find((s) => s.name === 'jpeg_app1_length_1.jpg');
  const native = nativeStrip(cli, join(corpus, REFUSED));
  assert.equal(refused.state, 'error');
  assert.ok(refused.text.includes(`Not stripped (Malformed): ${native.report.error}`), refused.text);
  const iphone = shown.find((s) => s.name === 'mei_Apple_iPhone_4.jpg');
  assert.ok(iphone.text.includes('GPS position') && iphone.text.includes('capture time'), iphone.text);
  const canon = shown.find((s) => s.name === 'mei_Canon_EOS_7D.jpg');
  assert.ok(canon.text.includes('camera serial number'), canon.text);

  // Download each stripped copy by clicking its link, one at a time.
  const links = await page.$$('a.download');
  assert.equal(links.length, PHOTOS.length);
  for (const link of links) {
    const before = finished.size;
    await link.click();
    const deadline = Date.now() + 30000;
    while (!(finished.size > before && [...finished.values()].every((d) => d.done))) {
      if (Date.now() > deadline) throw new Error(`download ${finished.size} did not finish`);
      await new Promise((ok) => setTimeout(ok, 50));
    }
  }
  await page.close();

  // Check every download.
  const pairs = [];
  for (const rel of PHOTOS) {
    const original = join(corpus, rel);
    const base = rel.split('/').pop();
    const dot = base.lastIndexOf('.');
    const name = `${base.slice(0, dot)}-stripped${base.slice(dot)}`;
    const got = join(downloads, name);
    assert.ok(existsSync(got), `${name} was not downloaded (have ${readdirSync(downloads)})`);
    const want = nativeStrip(cli, original).out;
    assert.ok(readFileSync(got).equals(want), `${name}: not byte-identical to the native command's output`);
    const before = exif(original);
    const left = exif(got);
    assert.equal(left, '', `${name} still holds: ${left}`);
    console.log(`${name}: ${statSync(original).size} -> ${statSync(got).size} bytes, identical to the CLI; exiftool found ${tags(before)} before, none after`);
    pairs.push(original, got);
  }
  console.log(execFileSync('python3', [join(wasmDir, 'browser', 'same_pixels.py'), ...pairs], { encoding: 'utf8' }).trimEnd());

  // The page asked for nothing but its own files; the server saw nothing else either.
  for (const r of requests) {
    const [method, url] = r.split(' ');
    const u = new URL(url);
    const own = u.origin === origin && SERVED.has(u.pathname) && method === 'GET';
    assert.ok(own || u.protocol === 'blob:', `the page requested ${r}`);
    if (u.protocol === 'blob:') assert.equal(new URL(u.pathname).origin, origin, r);
  }
  for (const s of served) assert.ok(SERVED.has(s.split(' ')[1]) && s.startsWith('GET '), `the server was asked for ${s}`);
  const own = requests.filter((r) => !r.includes('blob:'));
  console.log(`requests: ${own.length} to its own files (${[...new Set(own.map((r) => new URL(r.split(' ')[1]).pathname))].join(', ')}), ${requests.length - own.length} blob: (downloads), none elsewhere`);
  assert.deepEqual(problems, []);
  console.log(`browser test passed: ${PHOTOS.length} photos stripped in ${await browserVersion()}, ${REFUSED} refused as the CLI does`);
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  await browser.close();
  server.close();
  rmSync(downloads, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

function exif(path) {
  return execFileSync('exiftool', ['-q', '-q', '-s', '-G', '-a', '-GPS:all', '-GPSPosition', '-SerialNumber',
    '-InternalSerialNumber', '-LensSerialNumber', '-XMP:all', path], { encoding: 'utf8' }).trim();
}

/** `8 GPS, 1 serial, 140 XMP tags` from exiftool's `[Group] Tag : value` lines. */
function tags(lines) {
  if (!lines) return 'no GPS, serial or XMP tags';
  const n = { GPS: 0, serial: 0, XMP: 0 };
  for (const line of lines.split('\n')) {
    const tag = line.split(':')[0];
    if (/SerialNumber/.test(tag)) n.serial += 1;
    else if (/\[XMP/.test(tag)) n.XMP += 1;
    else n.GPS += 1;
  }
  return `${n.GPS} GPS, ${n.serial} serial, ${n.XMP} XMP tags`;
}

async function browserVersion() {
  return browser.version();
}
