// The demo: pick or drop photos; each is inspected and stripped in the page (WebAssembly),
// and the stripped copy is offered as a download from a blob: URL. No request carries it.
import init, { strip, inspect, ImgstripError } from '../pkg/index.js';

const input = document.getElementById('files');
const drop = document.getElementById('drop');
const status = document.getElementById('status');
const results = document.getElementById('results');
const all = document.getElementById('all');
const display = document.getElementById('display');
const downloads = [];

const TYPES = { JPEG: 'image/jpeg', PNG: 'image/png', GIF: 'image/gif', WebP: 'image/webp', BMP: 'image/bmp', HEIF: 'image/heif', AVIF: 'image/avif' };

function strippedName(name) {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)}-stripped${name.slice(dot)}` : `${name}-stripped`;
}

function kib(n) {
  return n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KiB`;
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

async function handle(file) {
  const li = el('li', 'file');
  li.dataset.name = file.name;
  const info = el('div', 'info');
  info.append(el('div', 'name', file.name));
  li.append(info);
  results.append(li);
  const data = new Uint8Array(await file.arrayBuffer());
  const options = { keep: display.checked ? ['display'] : [] };
  try {
    const report = inspect(data, options);
    const out = strip(data, options);
    const blob = new Blob([out], { type: TYPES[report.format] ?? 'application/octet-stream' });
    const url = URL.createObjectURL(blob);
    const img = el('img');
    img.alt = '';
    img.src = url;
    img.onerror = () => { img.style.visibility = 'hidden'; };
    li.prepend(img);
    const held = report.foundPhrases.length
      ? el('div', 'held', `Held: ${report.foundPhrases.join(', ')}.`)
      : el('div', report.removed.length ? 'held' : 'clean', report.removed.length ? `Held metadata: ${report.removed.join(', ')}.` : 'Already clean: no metadata to remove.');
    const removed = report.removed.length ? `removed ${report.removed.join(', ')} (${kib(report.bytesRemoved)})` : 'nothing to remove';
    info.append(held, el('div', 'meta', `${report.format} ${report.width}×${report.height}${report.frames > 1 ? `, ${report.frames} frames` : ''}: ${removed}`));
    if (report.notKept.length) info.append(el('div', 'meta', `could not keep: ${report.notKept.join(', ')}`));
    const a = el('a', 'download', `Download ${strippedName(file.name)} (${kib(out.length)})`);
    a.href = url;
    a.download = strippedName(file.name);
    info.append(a);
    downloads.push(a);
    li.dataset.state = 'stripped';
  } catch (e) {
    const text = e instanceof ImgstripError ? `Not stripped (${e.kind}): ${e.message}` : `Not stripped: ${e}`;
    info.append(el('div', 'error', text));
    li.dataset.state = 'error';
  }
}

async function handleAll(files) {
  status.textContent = `Stripping ${files.length} file${files.length === 1 ? '' : 's'}…`;
  for (const file of files) await handle(file);
  const done = results.querySelectorAll('li[data-state="stripped"]').length;
  status.textContent = `${done} of ${results.children.length} stripped here in your browser. Nothing was uploaded.`;
  all.hidden = downloads.length === 0;
  document.body.dataset.ready = String(results.children.length);
}

all.addEventListener('click', () => downloads.forEach((a) => a.click()));
input.addEventListener('change', () => handleAll([...input.files]));
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  handleAll([...e.dataTransfer.files]);
});

await init();
status.textContent = 'Ready. Your photos stay on this device.';
document.body.dataset.loaded = 'true';
