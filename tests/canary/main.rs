//! Issue 2's "Done when" test: a JPEG whose EXIF thumbnail, extended XMP, ICC, MPF images and
//! post-EOI trailer each carry a canary strips to bytes that hold none of them, in ASCII,
//! UTF-16LE or UTF-16BE, while every scan byte stays. The same for a PNG with every kind of
//! metadata chunk and bytes after IEND, a GIF with every kind of metadata extension and
//! bytes after its trailer, and still and animated WebP files with every metadata chunk
//! (also inside ANMF frames) and bytes past the RIFF payload. The same for V5 BMPs with an
//! embedded or linked colour profile before or after the pixel array, a gap before the
//! pixels, free header fields and trailing bytes, and for BI_PNG / BI_JPEG bitmaps whose
//! embedded image carries its own metadata.

#[path = "../common/mod.rs"]
mod common;

mod bmp;
mod gif;
mod heif;
mod jpeg;
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
struct Canary {
    text: &'static str,
    encoding: &'static str,
    /// Whether `Keep::DISPLAY` keeps the unit that holds it (the ICC profile's bytes).
    kept_by_display: bool,
}

const fn canary(text: &'static str, encoding: &'static str) -> Canary {
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

/// Asserts the output re-walks clean, keeps every image unit in order, and decodes to the
/// same pixels as `clean` (the image without any metadata).
fn assert_image_intact(format: Format, input: &[u8], output: &[u8], clean: &[u8], allow: Allow) {
    let walker = common::walker(format).unwrap();
    let left = (walker.leftovers)(output, allow);
    assert!(
        left.is_empty(),
        "metadata left in the output:\n{}",
        left.join("\n")
    );
    let before = (walker.image_units)(input, allow).unwrap();
    let after = (walker.image_units)(output, allow).unwrap();
    assert!(before.iter().any(|u| matches!(
        u.kind.as_str(),
        "entropy-coded data" | "IDAT chunk" | "image" | "VP8L chunk"
    )));
    if let Some(diff) = common::diff_units(&before, &after) {
        panic!("image units changed: {diff}");
    }
    let same = oracle::compare(
        &oracle::decode(clean).unwrap(),
        &oracle::decode(output).unwrap(),
    );
    assert_eq!(same, None, "pixels changed");
}

/// The full text of the canary whose name holds `name`, from any format's list.
fn text_of(name: &str) -> &'static str {
    jpeg::JPEG_CANARIES
        .iter()
        .chain(png::PNG_CANARIES)
        .chain(gif::GIF_CANARIES)
        .chain(webp::WEBP_CANARIES)
        .chain(bmp::BMP_CANARIES)
        .find(|c| c.text.contains(name))
        .unwrap()
        .text
}
