// The public API of the npm package `imgstrip`, over the raw wasm-bindgen bindings.
// The same file is the browser package's api.js and the Node package's index.mjs.
import {
  strip as rawStrip,
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
  return call(rawStrip, data, options);
}

/** What stripping `data` with `options` removes and finds, as a plain object. */
export function inspect(data, options) {
  return JSON.parse(call(rawInspect, data, options));
}

/** The format `data` starts with ("JPEG", "PNG", "GIF", "WebP", "BMP", "HEIF", "AVIF"), or undefined. */
export function detect(data) {
  return rawDetect(bytes(data));
}
