export { default, initSync } from './imgstrip_wasm.js';
export type { InitInput, InitOutput } from './imgstrip_wasm.js';
export * from './api.js';
