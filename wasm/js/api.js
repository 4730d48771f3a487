// The public API of the npm package `imgstrip`, over the raw wasm-bindgen bindings.
// The same file is the browser package's api.js and the Node package's index.mjs.
import {
  plan as rawPlan,
  inspect as rawInspect,
  detect as rawDetect,
} from './imgstrip_wasm.js';

const KINDS = ['UnknownFormat', 'Truncated', 'Malformed', 'Unsupported', 'LimitExceeded'];

/** An input the library could not strip; `kind`, `format` and `offset` say why and where. */
export class ImgstripError extends Error {
  constructor(kind, message, format, offset) {
    super(message);
    this.name = 'ImgstripError';
    /** One of UnknownFormat, Truncated, Malformed, Unsupported, LimitExceeded. */
    this.kind = kind;
    /** The format's name ("JPEG"), or undefined for UnknownFormat. */
    this.format = format ?? undefined;
    /** The byte of the input the error points at, or undefined for UnknownFormat. */
    this.offset = offset ?? undefined;
  }
}

function bytes(data) {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError('imgstrip: data must be a Uint8Array, an ArrayBuffer or an ArrayBuffer view');
}

function args(options) {
  if (options === undefined || options === null) return ['', false, false];
  if (typeof options !== 'object') throw new TypeError('imgstrip: options must be an object');
  const { keep = [], limits = 'cos', ignoreLimitErrors = false } = options;
  if (!Array.isArray(keep) || !keep.every((k) => typeof k === 'string' && !k.includes(','))) {
    throw new TypeError('imgstrip: options.keep must be an array of keep flag names');
  }
  if (limits !== 'cos' && limits !== 'none') {
    throw new TypeError(`imgstrip: options.limits must be "cos" or "none", not ${JSON.stringify(limits)}`);
  }
  if (typeof ignoreLimitErrors !== 'boolean') {
    throw new TypeError('imgstrip: options.ignoreLimitErrors must be a boolean');
  }
  return [keep.join(','), limits === 'none', ignoreLimitErrors];
}

function call(f, data, options) {
  const input = bytes(data);
  const [keep, noLimits, ignore] = args(options);
  try {
    return f(input, keep, noLimits, ignore);
  } catch (thrown) {
    if (typeof thrown !== 'string') throw thrown;
    const e = JSON.parse(thrown);
    if (!KINDS.includes(e.kind)) throw new TypeError(`imgstrip: ${e.message}`);
    throw new ImgstripError(e.kind, e.message, e.format, e.offset);
  }
}

/** The stripped copy of `data`. Throws ImgstripError when the input cannot be stripped. */
export function strip(data, options) {
  const input = bytes(data);
  return assemble(input, call(rawPlan, input, options));
}

// The output from the plan the wasm module encodes (raw::encode_plan in wasm/src/raw.rs):
// u32 little-endian output length, piece count, then per piece from (0 input, 1 written),
// start, length; then the written bytes. Kept ranges are copied straight from `input`, so
// the output is built once, here, not in wasm memory and then copied out (wasm/README.md).
function assemble(input, plan) {
  const view = new DataView(plan.buffer, plan.byteOffset, plan.byteLength);
  const count = view.getUint32(4, true);
  const written = 8 + 12 * count;
  const out = output(view.getUint32(0, true));
  let at = 0;
  for (let p = 8; p < written; p += 12) {
    const start = view.getUint32(p + 4, true);
    const end = start + view.getUint32(p + 8, true);
    const piece = (view.getUint32(p, true) === 0 ? input : plan.subarray(written)).subarray(start, end);
    out.set(piece, at); // throws past the end of `out`
    at += piece.length;
  }
  // Every byte of `out` was written (it may come from a non-zeroed allocation).
  if (at !== out.length) throw new Error(`imgstrip: internal error: the plan covers ${at} of ${out.length} bytes`);
  return out;
}

// A Uint8Array of `len` bytes that `assemble` fills whole. In Node, from a non-pooled Buffer
// allocation, which is not zero-filled first: zero-filling the output cost as much as
// copying into it (wasm/README.md). A plain Uint8Array over its own ArrayBuffer either way.
function output(len) {
  const slow = globalThis.Buffer?.allocUnsafeSlow;
  return typeof slow === 'function' ? new Uint8Array(slow(len).buffer, 0, len) : new Uint8Array(len);
}

/** What stripping `data` with `options` removes and finds, as a plain object. */
export function inspect(data, options) {
  return JSON.parse(call(rawInspect, data, options));
}

/** The format `data` starts with ("JPEG", "PNG", "GIF", "WebP", "BMP", "HEIF", "AVIF"), or undefined. */
export function detect(data) {
  return rawDetect(bytes(data));
}
