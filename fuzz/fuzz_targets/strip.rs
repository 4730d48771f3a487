//! Any bytes: no panic; on Ok the output strips to itself (also through `strip_to_slice` into a
//! buffer of its own length), is no larger, and is the same format; on Err the offset lies
//! inside the input or just past it. The checks are `common::check_default`, the first half of
//! what every per-format target runs.
#![no_main]

#[allow(dead_code)] // this target runs the default-options check only
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::check_default(data);
});
