//! Any bytes: no panic; on Ok the output strips to itself, is no larger, and is the same format;
//! on Err the offset lies inside the input or just past it.
#![no_main]

use imgstrip::{detect, strip, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let out = match strip(data, Limits::default()) {
        Ok(out) => out,
        Err(e) => {
            assert!(e.offset() <= data.len(), "error offset past the input: {e}");
            return;
        }
    };
    assert!(
        out.len() <= data.len(),
        "output grew: {} -> {}",
        data.len(),
        out.len()
    );
    assert_eq!(detect(&out), detect(data), "format changed");
    let again = strip(&out, Limits::default()).expect("output must strip again");
    assert!(again == out, "not idempotent");
});
