//! HEIF / AVIF (ISO-BMFF): the first 4 fuzz bytes as the size of the first box, `ftyp`, then
//! the rest of the fuzz bytes (brands, `meta`, `mdat`, …); the invariants of `strip`, also
//! under Keep::DISPLAY.
//!
//! The brand check in `detect` is fuzzed too (the dictionary holds the brands). Until the
//! HEIF walker lands, a detected input is answered with `Unsupported` and this target covers
//! the detection only; it needs no change when the walker arrives.
#![no_main]

mod common;

use common::Part;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parts = [Part::Fuzz(4), Part::Fixed(b"ftyp")];
    if let Some(input) = common::assemble(&parts, data) {
        common::check(&input);
    }
});
