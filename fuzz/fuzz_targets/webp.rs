//! WebP: `RIFF`, the first 4 fuzz bytes as the RIFF size, `WEBP`, then the rest of the fuzz
//! bytes; the invariants of `strip`, also under Keep::DISPLAY.
#![no_main]

mod common;

use common::Part;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parts = [Part::Fixed(b"RIFF"), Part::Fuzz(4), Part::Fixed(b"WEBP")];
    if let Some(input) = common::assemble(&parts, data) {
        common::check(&input);
    }
});
