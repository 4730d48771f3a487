//! Any bytes: no panic; on Ok the output strips to itself (also through `strip_to_slice` into a
//! buffer of its own length), is no larger, and is the same format; on Err the offset lies
//! inside the input or just past it.
#![no_main]

use imgstrip::{detect, strip, Limits, Stripper};
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
    let mut exact = vec![0; out.len()];
    let stripped = Stripper::new().strip_to_slice(&out, &mut exact);
    assert!(
        stripped.is_ok_and(|(len, _)| len == out.len()) && exact == out,
        "strip_to_slice into the output's length differs"
    );
});
