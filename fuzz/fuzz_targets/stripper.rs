//! The first byte picks the Keep flags (its low four bits: orientation, ICC, gain map,
//! copyright), the limits and the ignore flag; the rest is the input. Same invariants as
//! `strip`, except that a Keep flag may let the output grow, by at most the 64 bytes of slack
//! the output buffer is reserved with. `strip_to_slice` into a buffer of `max_output_len`
//! bytes and `plan` written out give the same bytes, report or error.
#![no_main]

use imgstrip::{detect, Keep, Limits, Stripper};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&choice, input)) = data.split_first() else {
        return;
    };
    let keep = Keep::from_bits_truncate(u32::from(choice & 0b1111));
    let limits = if choice & 0b1_0000 != 0 {
        Limits::none()
    } else {
        Limits::default()
    };
    let stripper = Stripper::new()
        .keep(keep)
        .limits(limits)
        .ignore_limit_errors(choice & 0b10_0000 != 0);
    let mut buf = vec![0; imgstrip::max_output_len(input.len())];
    let by_slice = stripper.strip_to_slice(input, &mut buf);
    let planned = stripper.plan(input);
    let out = match stripper.strip(input) {
        Ok(out) => out,
        Err(e) => {
            assert_eq!(by_slice, Err(e.clone()), "strip_to_slice fails otherwise");
            assert_eq!(planned.err(), Some(e.clone()), "plan fails otherwise");
            assert!(
                e.offset().map_or(true, |o| o <= input.len()),
                "error offset past the input: {e}"
            );
            return;
        }
    };
    match by_slice {
        Ok((len, report)) => assert!(
            buf.get(..len) == Some(&out.data[..]) && report == out.report,
            "strip_to_slice wrote something else"
        ),
        Err(e) => panic!("strip_to_slice failed where strip did not: {e}"),
    }
    let plan = planned.unwrap_or_else(|e| panic!("plan failed where strip did not: {e}"));
    assert!(
        plan.to_vec(input).is_ok_and(|w| w == out.data) && plan.report() == &out.report,
        "the plan writes other bytes than strip"
    );
    if keep.is_empty() {
        assert!(out.data.len() <= input.len(), "output grew");
    }
    assert_eq!(
        out.report.bytes_removed,
        input.len().saturating_sub(out.data.len()) as u64,
        "bytes_removed is not input − output"
    );
    assert!(
        out.data.len() <= input.len() + 64,
        "output grew past the slack"
    );
    if out.report.untouched {
        assert!(out.data == input, "untouched output differs");
        return;
    }
    assert_eq!(detect(&out.data), detect(input), "format changed");
    let again = stripper.strip(&out.data).expect("output must strip again");
    assert!(again.data == out.data, "not idempotent");
    if let Err(left) = stripper.verify(&out.data) {
        panic!("the output does not verify: {left}");
    }
});
