// The browser/bundler entry: `await init()` once (it fetches imgstrip_wasm_bg.wasm next to
// this file), then strip, inspect and detect are synchronous.
export { default, initSync } from './imgstrip_wasm.js';
export { strip, inspect, detect, ImgstripError } from './api.js';
