//! What every per-format target shares: building the input from a fixed header and the fuzz
//! bytes, and the invariants checked on it.
//!
//! A per-format target prepends its format's signature (and for RIFF and ISO-BMFF splices it
//! around the size field, which stays fuzzed), so that every input is detected as that format
//! and the fuzzer spends its time inside that walker instead of rediscovering the magic.
//! `seed.sh` removes the same bytes from the corpus files it seeds with, so a seed turns back
//! into the original file here.

use imgstrip::{detect, Error, Keep, Limits, Stripper};

/// One piece of a target's input: fixed bytes, or the next `n` fuzz bytes.
#[allow(dead_code)] // every target compiles this module; only some splice fuzz bytes in
pub enum Part {
    Fixed(&'static [u8]),
    Fuzz(usize),
}

/// `parts` in order, then the rest of `data`; `None` when `data` is too short for them.
pub fn assemble(parts: &[Part], data: &[u8]) -> Option<Vec<u8>> {
    let mut input = Vec::with_capacity(data.len().saturating_add(16));
    let mut rest = data;
    for part in parts {
        match part {
            Part::Fixed(bytes) => input.extend_from_slice(bytes),
            Part::Fuzz(n) => {
                let (head, tail) = rest.split_at_checked(*n)?;
                input.extend_from_slice(head);
                rest = tail;
            }
        }
    }
    input.extend_from_slice(rest);
    Some(input)
}

/// The invariants of `fuzz_targets/strip.rs`, under the default options, then again with
/// `Keep::DISPLAY` and with every keep flag (copyright too), without limits (which reach the
/// rewrite paths and let huge frame counts and canvases through to the walk).
pub fn check(input: &[u8]) {
    check_default(input);
    for keep in [Keep::DISPLAY, Keep::all()] {
        let keeping = Stripper::new().keep(keep).limits(Limits::none());
        check_with(&keeping, input, false);
    }
}

/// The invariants under the default options (what `strip(input, Limits::default())` does),
/// the output no larger than the input.
pub fn check_default(input: &[u8]) {
    check_with(&Stripper::new(), input, true);
}

/// The plan written out is the output (or the same error). On `Ok`: the output strips again
/// to itself (also through `strip_to_slice` into a buffer of the output's length), verifies
/// clean, keeps its `detect()` format, and is no larger
/// than the input (`strict`), or at most the 64 bytes of output slack larger (a `Keep` flag
/// may rewrite a unit larger). On `Err`: the offset lies inside the input, or just past it.
fn check_with(stripper: &Stripper, input: &[u8], strict: bool) {
    let planned = stripper.plan(input);
    let out = match stripper.strip(input) {
        Ok(out) => out,
        Err(e) => {
            check_error(&e, input);
            assert_eq!(planned.err(), Some(e), "plan and strip disagree");
            return;
        }
    };
    let plan = planned.unwrap_or_else(|e| panic!("strip worked, plan failed: {e}"));
    assert!(
        plan.to_vec(input).is_ok_and(|w| w == out.data) && plan.report() == &out.report,
        "the plan writes other bytes than strip"
    );
    let (before, after) = (input.len(), out.data.len());
    if strict {
        assert!(after <= before, "output grew: {before} -> {after}");
    } else {
        assert!(
            after <= before + 64,
            "output grew past the slack: {before} -> {after}"
        );
    }
    assert_eq!(detect(&out.data), detect(input), "format changed");
    let again = stripper
        .strip(&out.data)
        .unwrap_or_else(|e| panic!("output does not strip again: {e}"));
    assert!(again.data == out.data, "not idempotent");
    if let Err(left) = stripper.verify(&out.data) {
        panic!("the output does not verify: {left}");
    }
    // The same, into a slice exactly as long as the output.
    let mut exact = vec![0; after];
    let (len, _) = stripper
        .strip_to_slice(&out.data, &mut exact)
        .unwrap_or_else(|e| panic!("output does not strip again into its own length: {e}"));
    assert!(len == after && exact == out.data, "strip_to_slice differs");
}

fn check_error(e: &Error, input: &[u8]) {
    let _ = e.to_string();
    assert!(
        e.offset().map_or(true, |o| o <= input.len()),
        "error offset {:?} past the input's {} bytes: {e}",
        e.offset(),
        input.len()
    );
}
