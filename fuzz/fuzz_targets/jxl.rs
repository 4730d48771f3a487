//! JPEG XL: the container's 12-byte signature box, then the fuzz bytes (`ftyp`, `jxll`,
//! codestream and metadata boxes, sizes 0 and 1); the invariants of `strip`, also under
//! Keep::DISPLAY and every keep flag. Bare codestreams (`FF 0A`) reach the walker through
//! the `strip` and `stripper` targets.
#![no_main]

mod common;

use common::Part;
use libfuzzer_sys::fuzz_target;

const SIGNATURE: &[u8] = &[0, 0, 0, 0x0C, b'J', b'X', b'L', b' ', 0x0D, 0x0A, 0x87, 0x0A];

fuzz_target!(|data: &[u8]| {
    let parts = [Part::Fixed(SIGNATURE)];
    if let Some(input) = common::assemble(&parts, data) {
        common::check(&input);
    }
});
