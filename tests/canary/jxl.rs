//! JPEG XL canaries: every metadata box a container can hold (`Exif`, `xml `, `jumb`, `brob`
//! around EXIF and XMP, `jbrd`, `free`, `skip`, unknown types, a second `jxli`, `jhgm`
//! without the gain-map flag), in each size form (32-bit, 64-bit, to the end of the file),
//! before, between and after the codestream boxes, holds a canary; none survives under any
//! keep flag, and the output is exactly the signature box, `ftyp`, `jxll`, the codestream
//! boxes and the first `jxli`, byte for byte and in order. (The crate's tests have no JPEG
//! XL decoder: tests/corpus_jxl.rs compares pixels with djxl, the audit with libjxl.)

use super::*;

use common::jxl::{self as x, bx, Size, SizeHeader};
use imgstrip::Kinds;

pub(crate) const JXL_CANARIES: &[Canary] = &[
    canary("CANARY-JXL-EXIF-DESC-1111", "ASCII"),
    canary("CANARY-JXL-EXIF-XP-2222", "UTF-16LE"),
    canary("CANARY-JXL-XMP-3333", "ASCII"),
    canary("CANARY-JXL-JUMBF-4444", "UTF-16BE"),
    canary("CANARY-JXL-BROB-EXIF-5555", "ASCII"),
    canary("CANARY-JXL-BROB-XMP-6666", "UTF-16LE"),
    canary("CANARY-JXL-JBRD-7777", "ASCII"),
    canary("CANARY-JXL-FREE-8888", "ASCII"),
    canary("CANARY-JXL-SKIP-9999", "UTF-16BE"),
    canary("CANARY-JXL-UNKNOWN-aaaa", "ASCII"),
    canary("CANARY-JXL-LARGE-XMP-bbbb", "UTF-16BE"),
    canary("CANARY-JXL-SECOND-JXLI-cccc", "ASCII"),
    canary("CANARY-JXL-TO-END-dddd", "UTF-16LE"),
];

/// What a strip may keep of the tests' JPEG XL files, by flag: `jhgm` under
/// `Keep::GAIN_MAP`, nothing else (ICC and orientation live in the codestream).
const EVERY_KEEP: [Keep; 7] = [
    Keep::empty(),
    Keep::ICC,
    Keep::ORIENTATION,
    Keep::COPYRIGHT,
    Keep::GAIN_MAP,
    Keep::DISPLAY,
    Keep::all(),
];

fn planted(name: &str) -> Vec<u8> {
    let c = JXL_CANARIES.iter().find(|c| c.text.contains(name)).unwrap();
    encode(c.text, c.encoding)
}

/// An EXIF (orientation 6, a description and an XP comment) for an `Exif` box.
fn jxl_tiff() -> Vec<u8> {
    let mut xp = planted("EXIF-XP");
    xp.extend_from_slice(&[0, 0]);
    tiff_le(
        &[
            Entry::ascii(0x010E, text_of("JXL-EXIF-DESC")),
            Entry::short(0x0112, 6),
            Entry::bytes(0x9C9C, &xp),
        ],
        &[],
        None,
    )
}

fn xmp(name: &str) -> Vec<u8> {
    [
        &b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><dc:creator>"[..],
        &planted(name),
        b"</dc:creator></x:xmpmeta>",
    ]
    .concat()
}

/// A 1000 × 750 codestream (a large size header with ratio 4:3) and its kept boxes.
fn picture() -> (SizeHeader, Vec<u8>) {
    let size = SizeHeader {
        small: false,
        height: 750,
        ratio: 3,
        width: 0,
        wider: 1,
    };
    let rest: Vec<u8> = (0..200u8).map(|i| i.wrapping_mul(37) ^ 0x5A).collect();
    (size, x::codestream(&size, &rest))
}

/// A hostile container with one `jxlc` (64-bit size) between metadata boxes of every kind
/// (one in a 64-bit box, the last running to the end of the file); and what it strips to.
fn hostile_jxlc() -> (Vec<u8>, Vec<u8>) {
    let (_, cs) = picture();
    let jxlc = x::sized(b"jxlc", &cs, Size::Large);
    let jxli = bx(b"jxli", &[0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    let input = x::container(&[
        &x::jxll(10),
        &x::exif(&jxl_tiff()),
        &bx(b"xml ", &xmp("XMP")),
        &x::jumb(&planted("JUMBF")),
        &x::brob(b"Exif", &planted("BROB-EXIF")),
        &x::brob(b"xml ", &planted("BROB-XMP")),
        &bx(b"jbrd", &planted("JBRD")),
        &jxlc,
        &jxli,
        &bx(b"free", &planted("FREE")),
        &bx(b"skip", &planted("SKIP")),
        &bx(b"cnry", &planted("UNKNOWN")),
        &x::sized(b"xml ", &xmp("LARGE-XMP"), Size::Large),
        &bx(b"jxli", &planted("SECOND-JXLI")),
        &x::sized(b"Exif", &planted("TO-END"), Size::ToEnd),
    ]);
    let expected = x::container(&[&x::jxll(10), &jxlc, &jxli]);
    (input, expected)
}

/// A hostile container whose codestream is split over three `jxlp` boxes (the first with a
/// 64-bit size, the last running to the end of the file) with metadata boxes between them.
fn hostile_jxlp() -> (Vec<u8>, Vec<u8>) {
    let (_, cs) = picture();
    let mut parts = x::jxlp_parts(&cs, &[3, 90], Size::Normal);
    parts[0] = x::jxlp_parts(&cs[..3], &[], Size::Large)[0].clone();
    parts[0][16..20].copy_from_slice(&0u32.to_be_bytes());
    let last = parts[2].len();
    parts[2] = x::sized(b"jxlp", &parts[2][8..last], Size::ToEnd);
    let input = x::container(&[
        &bx(b"jbrd", &planted("JBRD")),
        &parts[0],
        &x::brob(b"Exif", &planted("BROB-EXIF")),
        &x::exif(&jxl_tiff()),
        &parts[1],
        &x::brob(b"xml ", &planted("BROB-XMP")),
        &x::jumb(&planted("JUMBF")),
        &parts[2],
    ]);
    let expected = x::container(&[&parts[0], &parts[1], &parts[2]]);
    (input, expected)
}

#[test]
fn jxl_canaries_in_every_metadata_box_are_all_gone_under_every_keep_flag() {
    let (input, expected) = hostile_jxlc();
    assert_walker_sees(Format::Jxl, &input, 12);
    assert_eq!(canaries_in(JXL_CANARIES, &input).len(), JXL_CANARIES.len());
    for keep in EVERY_KEEP {
        let out = assert_strips_clean(Format::Jxl, &input, JXL_CANARIES, None, keep);
        assert_eq!(out, expected, "not exactly the kept boxes under {keep:?}");
    }
    let report = Stripper::new().strip(&input).unwrap().report;
    assert!(
        report
            .removed
            .contains(Kinds::EXIF | Kinds::XMP | Kinds::OTHER),
        "{:?}",
        report.removed
    );
    assert_eq!((report.width, report.height), (1000, 750));
}

#[test]
fn jxl_split_codestream_keeps_every_part_in_order_and_loses_the_boxes_between() {
    let (input, expected) = hostile_jxlp();
    assert_walker_sees(Format::Jxl, &input, 5);
    let canaries = canaries_in(JXL_CANARIES, &input);
    assert_eq!(canaries.len(), 6, "test bug: canaries planted");
    for keep in EVERY_KEEP {
        let out = assert_strips_clean(Format::Jxl, &input, &canaries, None, keep);
        assert_eq!(out, expected, "not exactly the kept boxes under {keep:?}");
    }
    // The size header starts in the first part and ends in the second.
    let report = Stripper::new().strip(&input).unwrap().report;
    assert_eq!((report.width, report.height), (1000, 750));
}

#[test]
fn jxl_gain_map_box_stays_only_under_the_gain_map_flag() {
    let (_, cs) = picture();
    let gain_map = bx(b"jhgm", b"CANARY-JXL-GAIN-MAP-eeee ISO 21496-1 bundle");
    let input = x::container(&[&bx(b"jxlc", &cs), &gain_map]);
    let clean = x::container(&[&bx(b"jxlc", &cs)]);
    for keep in EVERY_KEEP {
        let out = Stripper::new().keep(keep).strip(&input).unwrap().data;
        let expected = if keep.contains(Keep::GAIN_MAP) {
            &input
        } else {
            &clean
        };
        assert!(
            out == *expected,
            "under {keep:?} the gain map is {}",
            if out.ends_with(&gain_map) {
                "kept"
            } else {
                "gone"
            }
        );
        assert_strips_clean(Format::Jxl, &input, &[], None, keep);
    }
}

#[test]
fn jxl_bare_codestream_comes_back_unchanged_with_its_size() {
    let forms = [
        // div8: 256 × 64 (ratio 0, both sides in 5 bits).
        SizeHeader {
            small: true,
            height: 64,
            ratio: 0,
            width: 256,
            wider: 0,
        },
        // div8 with a ratio: 16:9 of 72.
        SizeHeader {
            small: true,
            height: 72,
            ratio: 5,
            width: 0,
            wider: 0,
        },
        // U32 sides in 9, 13, 18 and 30 bits (`wider` writes a short side in more bits).
        SizeHeader {
            small: false,
            height: 3,
            ratio: 0,
            width: 5000,
            wider: 0,
        },
        SizeHeader {
            small: false,
            height: 40_000,
            ratio: 0,
            width: 7,
            wider: 3,
        },
        SizeHeader {
            small: false,
            height: 2,
            ratio: 7,
            width: 0,
            wider: 0,
        },
    ];
    for size in forms {
        let input = x::codestream(&size, b"\x00image header and frames\xFF");
        for keep in EVERY_KEEP {
            let stripped = Stripper::new().keep(keep).strip(&input).unwrap();
            assert_eq!(stripped.data, input, "{size:?} under {keep:?}");
            let dims = (stripped.report.width, stripped.report.height);
            assert_eq!(dims, (size.derived_width(), size.height), "{size:?}");
        }
    }
}

#[test]
fn jxl_metadata_box_overrunning_the_file_is_an_error_never_a_copy() {
    let (_, cs) = picture();
    let clean = x::container(&[&bx(b"jxlc", &cs)]);
    let mut xml = bx(b"xml ", &xmp("XMP"));
    xml[..4].copy_from_slice(&0x7FFF_0000u32.to_be_bytes());
    let input = [&clean[..], &xml].concat();
    let err = imgstrip::strip(&input, Limits::default()).unwrap_err();
    assert!(
        matches!(err, Error::Truncated { format: Format::Jxl, offset, .. } if offset == clean.len() + 8),
        "{err:?} (the box is at {})",
        clean.len()
    );
}
