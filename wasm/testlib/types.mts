// Compiled, never run, by `npx tsc -p testlib` (wasm/ci.sh): the hand-written types of
// both packages accept the documented use and reject what they should.
import init, * as web from '../pkg/index.js';
import { strip, inspect, detect, ImgstripError, type Report, type Options } from '../pkg-node/index.mjs';

const bytes = new Uint8Array(8);
const options: Options = { keep: ['orientation', 'icc'], limits: 'none', ignoreLimitErrors: true };
const out: Uint8Array = strip(bytes, options);
const report: Report = inspect(bytes.buffer);
const phrases: string[] = report.foundPhrases;
const removedBytes: number = report.bytesRemoved + report.bytesBefore + report.bytesAfter;
const format: string | undefined = detect(new DataView(bytes.buffer));
try {
  strip(out);
} catch (e) {
  if (e instanceof ImgstripError) {
    const kind: 'UnknownFormat' | 'Truncated' | 'Malformed' | 'Unsupported' | 'LimitExceeded' = e.kind;
    const at: number | undefined = e.offset;
    console.log(kind, at, e.format, e.message);
  }
}
// @ts-expect-error: an unknown keep flag
strip(bytes, { keep: ['gps'] });
// @ts-expect-error: limits is "cos" or "none"
strip(bytes, { limits: 'off' });
// @ts-expect-error: found names are snake_case
const bad: Report['found'][number] = 'serialNumber';

async function browser(): Promise<Uint8Array> {
  await init();
  return web.strip(bytes, { keep: ['display'] });
}
console.log(phrases, removedBytes, format, bad, browser);
