//! JPEG: `FF D8` (SOI) and the fuzz bytes; the invariants of `strip`, also under Keep::DISPLAY.
#![no_main]

mod common;

use common::Part;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(input) = common::assemble(&[Part::Fixed(&[0xFF, 0xD8])], data) {
        common::check(&input);
    }
});
