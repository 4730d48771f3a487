//! Issue 2's "Done when" test: a JPEG whose EXIF thumbnail, extended XMP, ICC, MPF images and
//! post-EOI trailer each carry a canary strips to bytes that hold none of them, in ASCII,
//! UTF-16LE or UTF-16BE, while every scan byte stays. The same for a PNG with every kind of
//! metadata chunk and bytes after IEND, a GIF with every kind of metadata extension and
//! bytes after its trailer, and still and animated WebP files with every metadata chunk
//! (also inside ANMF frames) and bytes past the RIFF payload. The same for V5 BMPs with an
//! embedded or linked colour profile before or after the pixel array, a gap before the
//! pixels, free header fields and trailing bytes, and for BI_PNG / BI_JPEG bitmaps whose
//! embedded image carries its own metadata. The HEIF files and sequences hide a canary in
//! every box and item a decoder does not need, and the JPEG XL containers one in every
//! metadata box (of each size form, around a whole or a split codestream). Every hostile
//! file gets the same checks, one body for all formats ([`assert_strips_clean`]); each
//! format's file adds its own.

#[path = "../common/mod.rs"]
mod common;

mod bmp;
mod gif;
mod heif;
mod jpeg;
mod jxl;
mod png;
mod webp;

use common::bmp as b;
use common::gif as g;
use common::jpeg::{self as j, app, com};
use common::png::{self as p, chunk};
use common::webp as w;
use common::{canary_hits, encode, oracle, tiff_le, Allow, Entry};
use imgstrip::{Error, Format, Keep, Limits, Stripper};

/// A canary and the encoding it is written in.
struct Canary<'a> {
    text: &'a str,
    encoding: &'static str,
    /// Whether `Keep::DISPLAY` keeps the unit that holds it (the ICC profile's bytes).
    kept_by_display: bool,
}

const fn canary<'a>(text: &'a str, encoding: &'static str) -> Canary<'a> {
    Canary {
        text,
        encoding,
        kept_by_display: false,
    }
}

/// Asserts the canaries are all in `input` (so the test means something) and, but for
/// those `Keep::DISPLAY` keeps when `display` is set, none is in `output` in any encoding.
fn assert_canaries(canaries: &[Canary], input: &[u8], output: &[u8], display: bool) {
    let mut survivors = Vec::new();
    for c in canaries {
        assert!(
            common::find(input, &encode(c.text, c.encoding)).is_some(),
            "test bug: canary {} ({}) is not in the input",
            c.text,
            c.encoding
        );
        let hits = canary_hits(output, c.text);
        if display && c.kept_by_display {
            assert!(
                !hits.is_empty(),
                "Keep::DISPLAY lost {}, which it should keep",
                c.text
            );
        } else if !hits.is_empty() {
            survivors.push(format!("{} found as {hits:?}", c.text));
        }
    }
    assert!(
        survivors.is_empty(),
        "canaries survived the strip:\n{}",
        survivors.join("\n")
    );
}

/// Asserts the output re-walks clean and keeps every image unit of `input` in order (and the
/// input has one that carries the picture), and, given the image without any metadata,
/// `clean`, decodes to its pixels.
fn assert_image_intact(
    format: Format,
    input: &[u8],
    output: &[u8],
    clean: Option<&[u8]>,
    allow: Allow,
) {
    let walker = common::walker(format).unwrap();
    let left = (walker.leftovers)(output, allow);
    assert!(
        left.is_empty(),
        "metadata left in the output:\n{}",
        left.join("\n")
    );
    let before = (walker.image_units)(input, allow).unwrap();
    let after = (walker.image_units)(output, allow).unwrap();
    assert!(
        before.iter().any(common::carries_picture),
        "test bug: no image unit in the input"
    );
    if let Some(diff) = common::diff_units(&before, &after) {
        panic!("image units changed: {diff}");
    }
    if let Some(clean) = clean {
        let same = oracle::compare(
            &oracle::decode(clean).unwrap(),
            &oracle::decode(output).unwrap(),
        );
        assert_eq!(same, None, "pixels changed");
    }
}

/// What every hostile file must give, stripped under `keep`: its canaries, all in the input,
/// gone from the output (but for those an ICC flag keeps, which must stay); the output
/// re-walking clean with every image unit of the input ([`assert_image_intact`], showing
/// `clean`'s pixels where given), no larger than the input, and stripping to itself.
/// Returns the output, for the checks of one format.
fn assert_strips_clean(
    format: Format,
    input: &[u8],
    canaries: &[Canary],
    clean: Option<&[u8]>,
    keep: Keep,
) -> Vec<u8> {
    let stripper = Stripper::new().keep(keep);
    let out = stripper.strip(input).unwrap().data;
    assert_canaries(canaries, input, &out, keep.contains(Keep::ICC));
    let allow = Allow {
        orientation: keep.contains(Keep::ORIENTATION),
        icc: keep.contains(Keep::ICC),
        gain_map: keep.contains(Keep::GAIN_MAP),
        copyright: keep.contains(Keep::COPYRIGHT),
    };
    assert_image_intact(format, input, &out, clean, allow);
    assert!(
        out.len() <= input.len(),
        "grew {} -> {} under {keep:?}",
        input.len(),
        out.len()
    );
    let again = stripper.strip(&out).unwrap().data;
    assert_eq!(again, out, "not idempotent under {keep:?}");
    out
}

/// The canaries of `list` that are in `input` (for a file that holds only some of a
/// format's list).
fn canaries_in(list: &[Canary<'static>], input: &[u8]) -> Vec<Canary<'static>> {
    list.iter()
        .filter(|c| common::find(input, &encode(c.text, c.encoding)).is_some())
        .map(|c| Canary { ..*c })
        .collect()
}

/// Asserts the tests' own walker sees at least `min` metadata units in a hostile input (so
/// a strip that leaves none means something).
fn assert_walker_sees(format: Format, input: &[u8], min: usize) {
    let seen = (common::walker(format).unwrap().leftovers)(input, Allow::NONE);
    assert!(seen.len() >= min, "test walker missed metadata: {seen:#?}");
}

/// The full text of the canary whose name holds `name`, from any format's list.
fn text_of(name: &str) -> &'static str {
    jpeg::JPEG_CANARIES
        .iter()
        .chain(png::PNG_CANARIES)
        .chain(gif::GIF_CANARIES)
        .chain(webp::WEBP_CANARIES)
        .chain(bmp::BMP_CANARIES)
        .chain(jxl::JXL_CANARIES)
        .find(|c| c.text.contains(name))
        .unwrap()
        .text
}
