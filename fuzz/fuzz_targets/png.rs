//! PNG: the 8-byte signature and the fuzz bytes; the invariants of `strip`, also under
//! Keep::DISPLAY.
#![no_main]

mod common;

use common::Part;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let signature = Part::Fixed(b"\x89PNG\r\n\x1A\n");
    if let Some(input) = common::assemble(&[signature], data) {
        common::check(&input);
    }
});
