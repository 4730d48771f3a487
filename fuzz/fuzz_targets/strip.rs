//! Any bytes: no panic; on Ok the output strips to itself, is no larger, and is the same format.
#![no_main]

use imgstrip::{detect, strip, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(out) = strip(data, Limits::default()) {
        assert!(
            out.len() <= data.len(),
            "output grew: {} -> {}",
            data.len(),
            out.len()
        );
        assert_eq!(detect(&out), detect(data), "format changed");
        let again = strip(&out, Limits::default()).expect("output must strip again");
        assert!(again == out, "not idempotent");
    }
});
