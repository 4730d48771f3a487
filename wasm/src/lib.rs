//! The raw WebAssembly bindings of the npm package `imgstrip` (issue 19): strip a photo in
//! the browser, or in Node, before it leaves the device.
//!
//! People use the JS module in `wasm/js/` (`strip`, `inspect`, `detect`, `ImgstripError`),
//! which wraps these functions. The bindings keep their signatures to numbers, strings and
//! bytes, so no JS glue crate is needed: a stripped output travels as its plan (the input
//! ranges to copy and the few bytes the strip wrote, which the wrapper's `strip` puts
//! together), a report as JSON text, and an error is thrown as a JSON string that the
//! wrapper turns into an `ImgstripError`.
//!
//! Each binding calls a plain Rust function of the same name in [`raw`], which the native
//! tests exercise.

#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![warn(unreachable_pub, clippy::missing_errors_doc)]

pub mod raw;

use wasm_bindgen::prelude::wasm_bindgen;

/// The plan of stripping `data`, encoded for the JS wrapper, whose `strip` builds the
/// stripped bytes from it and `data` (see [`raw::encode_plan`]): the bytes are built once,
/// in JS, instead of in wasm memory and then copied out.
///
/// `keep` is a comma-separated list of keep flags (`orientation,icc`, as `--keep` in the
/// command), `no_limits` lifts the COS limits, and `ignore_limit_errors` returns an input
/// over a limit unchanged.
///
/// # Errors
/// Throws a JSON string `{"kind":…,"message":…,"format":…,"offset":…}` (see [`raw::Failure`]).
#[wasm_bindgen]
pub fn plan(
    data: &[u8],
    keep: &str,
    no_limits: bool,
    ignore_limit_errors: bool,
) -> Result<Vec<u8>, String> {
    raw::plan(data, keep, no_limits, ignore_limit_errors).map_err(|f| f.to_json())
}

/// What stripping `data` would remove, as a JSON object (see [`raw::report_json`]).
///
/// # Errors
/// Throws the same JSON string as [`plan`].
#[wasm_bindgen]
pub fn inspect(
    data: &[u8],
    keep: &str,
    no_limits: bool,
    ignore_limit_errors: bool,
) -> Result<String, String> {
    raw::inspect(data, keep, no_limits, ignore_limit_errors).map_err(|f| f.to_json())
}

/// The format `data` starts with (`JPEG`, `PNG`, `GIF`, `WebP`, `BMP`, `HEIF`, `AVIF`), or
/// `undefined`.
#[wasm_bindgen]
pub fn detect(data: &[u8]) -> Option<String> {
    raw::detect(data).map(str::to_owned)
}
