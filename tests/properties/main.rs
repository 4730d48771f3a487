//! Property tests, one file per format, over the shared bodies below. JPEG, PNG, GIF, WebP
//! and BMP files are built from small valid images with random metadata units, each holding a
//! random canary, inserted at random valid positions; HEIF/AVIF files from random coded
//! images with random metadata items, names, properties, vendor boxes and image sequences
//! holding canaries (`heif.rs`); JPEG XL containers from a random codestream (whole or split
//! over `jxlp` boxes) with random metadata boxes of every kind and size form, and bare
//! codestreams (`jxl.rs`). Every case gets the same properties ([`check_case`]): the canary
//! never survives, the output keeps every image unit of the input, byte for byte and in
//! order (exactly the image units, where the generator knows them), is never larger, strips
//! to itself and is what [`Stripper::plan`] writes out. Mutated and random files never
//! panic and strip clean ([`check_survives`]).
//!
//! The case count is moderate (`PROPTEST_CASES` overrides it) so the suite stays quick.

#[path = "../common/mod.rs"]
mod common;

mod bmp;
mod gif;
mod heif;
mod jpeg;
mod jxl;
mod png;
mod webp;

use std::sync::OnceLock;

use common::mutation::{mutate, mutation as mutation_with, Mutation};
use common::{
    bmp as b, canary_hits, encode, gif as g, heif as h, jpeg as j, png as p, webp as w, Allow,
    ENCODINGS,
};
use imgstrip::{Format, Keep, Stripper};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// A canary: a marker prefix and random letters, in one of the encodings searched for.
#[derive(Debug, Clone)]
struct Canary {
    text: String,
    encoding: &'static str,
    /// Whether `Keep::DISPLAY` keeps the unit that holds it (an ICC profile).
    kept_by_display: bool,
}

impl Canary {
    fn bytes(&self) -> Vec<u8> {
        encode(&self.text, self.encoding)
    }
}

fn canary() -> impl Strategy<Value = Canary> {
    ("[A-Za-z0-9]{8,14}", 0..ENCODINGS.len()).prop_map(|(s, e)| Canary {
        text: format!("CNRY-{s}"),
        encoding: ENCODINGS[e],
        kept_by_display: false,
    })
}

fn ascii_canary() -> impl Strategy<Value = Canary> {
    canary().prop_map(|c| Canary {
        encoding: "ASCII",
        ..c
    })
}

/// Random filler around a canary.
fn filler() -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 0..48)
}

/// A metadata unit: its bytes and the canary it holds (none for tIME: 7 bytes of date).
#[derive(Debug, Clone)]
struct Meta {
    bytes: Vec<u8>,
    canary: Option<Canary>,
}

/// A generated file and what it must strip to: the input, exactly the output expected, its
/// metadata units and the canary of its trailer.
type Case = (Vec<u8>, Vec<u8>, Vec<Meta>, Option<Canary>);

/// The canaries of a case's metadata units and of its trailer.
fn canaries_of<'a>(metas: &'a [Meta], trailer: Option<&'a Canary>) -> Vec<&'a Canary> {
    metas
        .iter()
        .filter_map(|m| m.canary.as_ref())
        .chain(trailer)
        .collect()
}

/// Places each metadata unit in the slot its index picks: `slots[i]` goes before `units[i]`
/// (and the last slot after the last unit).
fn place(
    units: &[Vec<u8>],
    metas: &[(Meta, Index)],
    first_slot: usize,
    last_slot: usize,
) -> Vec<u8> {
    let mut slots = vec![Vec::new(); units.len() + 1];
    for (meta, at) in metas {
        let slot = first_slot + at.index(last_slot - first_slot + 1);
        slots[slot].extend_from_slice(&meta.bytes);
    }
    let mut out = Vec::new();
    for (slot, unit) in slots.iter().zip(units) {
        out.extend_from_slice(slot);
        out.extend_from_slice(unit);
    }
    out.extend_from_slice(&slots[units.len()]);
    out
}

// ---------------------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------------------

/// A strip that keeps nothing, as the re-walkers see it.
const NO_KEEP: &[(Keep, Allow)] = &[(Keep::empty(), Allow::NONE)];
/// A strip that keeps nothing, and one that keeps what a viewer needs.
const EVERY_KEEP: &[(Keep, Allow)] = &[
    (Keep::empty(), Allow::NONE),
    (Keep::DISPLAY, Allow::DISPLAY),
];

/// What every generated case must give, under each of `keeps`: its canaries, all in the
/// input, gone from the output (but for those `Keep::DISPLAY` keeps); the output no larger
/// than the input, with nothing left for the re-walker, every image unit of the input in it
/// byte for byte and in order, exactly `expected` (where the generator knows it) when nothing
/// is kept, and stripping to itself.
fn check_case(
    format: Format,
    input: &[u8],
    expected: Option<&[u8]>,
    canaries: &[&Canary],
    keeps: &[(Keep, Allow)],
) -> Result<(), TestCaseError> {
    let walker = common::walker(format).unwrap();
    let units = |data: &[u8], allow| (walker.image_units)(data, allow).map_err(TestCaseError::fail);
    for &(keep, allow) in keeps {
        let stripper = Stripper::new().keep(keep);
        let out = stripper
            .strip(input)
            .map_err(|e| TestCaseError::fail(format!("strip failed: {e}")))?
            .data;
        for c in canaries {
            prop_assert!(
                common::find(input, &c.bytes()).is_some(),
                "test bug: canary {} not in the input",
                c.text
            );
            if allow == Allow::NONE || !c.kept_by_display {
                let hits = canary_hits(&out, &c.text);
                prop_assert!(
                    hits.is_empty(),
                    "canary {} ({}) survived at {:?} ({:?})",
                    c.text,
                    c.encoding,
                    hits,
                    keep
                );
            }
        }
        prop_assert!(
            out.len() <= input.len(),
            "grew {} -> {} ({:?})",
            input.len(),
            out.len(),
            keep
        );
        let left = (walker.leftovers)(&out, allow);
        prop_assert!(left.is_empty(), "left in output ({:?}): {:?}", allow, left);
        let before = units(input, allow)?;
        prop_assert!(
            before.iter().any(common::carries_picture),
            "test bug: no image data in the input"
        );
        let diff = common::diff_units(&before, &units(&out, allow)?);
        prop_assert!(diff.is_none(), "image units changed: {:?}", diff);
        // `expected` is what a strip that keeps nothing gives.
        let exact = expected.filter(|_| keep.is_empty());
        if let Some(expected) = exact.filter(|e| out != *e) {
            let diff = common::diff_units(&units(expected, allow)?, &units(&out, allow)?);
            prop_assert!(
                false,
                "output ({} bytes) is not the image units ({} bytes): {:?}",
                out.len(),
                expected.len(),
                diff
            );
        }
        let again = stripper.strip(&out);
        prop_assert!(
            again.as_ref().is_ok_and(|a| a.data == out),
            "not idempotent: {:?}",
            again.err()
        );
        let verified = stripper.verify(&out);
        prop_assert!(
            verified.is_ok(),
            "the output does not verify: {:?}",
            verified
        );
        check_plan(&stripper, input)?;
    }
    Ok(())
}

/// The plan of `input` written out is what `strip` gives, with the same report or error.
fn check_plan(stripper: &Stripper, input: &[u8]) -> Result<(), TestCaseError> {
    match (stripper.strip(input), stripper.plan(input)) {
        (Ok(stripped), Ok(plan)) => {
            prop_assert!(
                plan.to_vec(input)
                    .is_ok_and(|written| written == stripped.data),
                "the plan writes other bytes than strip"
            );
            prop_assert_eq!(plan.report(), &stripped.report);
        }
        (Err(a), Err(b)) => prop_assert_eq!(a, b),
        (a, b) => prop_assert!(false, "strip {:?}, plan {:?}", a.err(), b.err()),
    }
    Ok(())
}

/// A random mutation, favouring the bytes the walkers branch on.
fn mutation() -> impl Strategy<Value = Mutation> {
    mutation_with(prop_oneof![
        any::<u8>(),
        Just(0xFF),
        Just(0x00),
        0xC0..=0xFEu8
    ])
}

/// A hostile input must give Ok or a typed Err, never a panic, and the same from
/// `strip_to_slice` as from `strip`. An Ok output is stable, of the same format, re-walks
/// with no metadata left, and is no larger than the input (under `Keep::DISPLAY`, but for the
/// few bytes a rewritten unit may add: [`imgstrip::max_output_len`]).
fn check_survives(input: &[u8]) -> Result<(), TestCaseError> {
    survives(input, imgstrip::max_output_len(input.len()))
}

/// [`check_survives`] where an output is never larger than the input, under `Keep::DISPLAY`
/// too.
fn check_survives_never_growing(input: &[u8]) -> Result<(), TestCaseError> {
    survives(input, input.len())
}

fn survives(input: &[u8], display_max: usize) -> Result<(), TestCaseError> {
    for (stripper, allow, max) in [
        (Stripper::new(), Allow::NONE, input.len()),
        (
            Stripper::new().keep(Keep::DISPLAY),
            Allow::DISPLAY,
            display_max,
        ),
    ] {
        let stripped = stripper.strip(input);
        let mut buf = vec![0; imgstrip::max_output_len(input.len())];
        let by_slice = stripper.strip_to_slice(input, &mut buf);
        match (&stripped, by_slice) {
            (Ok(a), Ok((len, report))) => prop_assert!(
                a.data[..] == buf[..len] && a.report == report,
                "strip_to_slice wrote something else"
            ),
            (Err(a), Err(b)) => prop_assert_eq!(a, &b),
            (a, b) => prop_assert!(false, "strip {:?}, strip_to_slice {:?}", a, b),
        }
        check_plan(&stripper, input)?;
        let Ok(out) = stripped else {
            continue;
        };
        let out = out.data;
        prop_assert!(
            out.len() <= max,
            "output {} > input {} ({:?})",
            out.len(),
            input.len(),
            allow
        );
        let again = stripper.strip(&out);
        prop_assert!(
            again.as_ref().is_ok_and(|a| a.data == out),
            "output does not strip to itself: {:?}",
            again.err()
        );
        let format = imgstrip::detect(&out);
        prop_assert_eq!(format, imgstrip::detect(input), "the output changed format");
        let walker = common::walker(format.unwrap()).unwrap();
        let left = (walker.leftovers)(&out, allow);
        prop_assert!(
            left.is_empty(),
            "left in the output of a mutated file ({:?}): {:?}",
            allow,
            left
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_bytes_after_a_signature_never_panic_and_strip_clean(
        png in any::<bool>(),
        tail in vec(prop_oneof![any::<u8>(), Just(0xFF), Just(0x00)], 0..256),
    ) {
        let head: &[u8] = if png { &p::SIGNATURE } else { &j::SOI };
        check_survives(&[head, &tail].concat())?;
    }
}
