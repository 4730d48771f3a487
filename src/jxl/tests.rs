//! Tests of the JPEG XL walker, on containers built here.

use super::*;
use crate::format::JXL_CONTAINER_SIGNATURE as CONTAINER_SIGNATURE;
use crate::limits::Limits;
use crate::stripper::{run_walker, strip_checked};
use crate::test_boxes::{bx, bx64};
use crate::Limit;

/// A box that runs to the end of the file (size field 0).
fn bx_to_end(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    [&[0, 0, 0, 0][..], kind, body].concat()
}

/// Packs `(value, bits)` fields least significant bit first (18181-1 § 4.4).
fn bits(fields: &[(u64, u32)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut n = 0usize;
    for &(value, width) in fields {
        for i in 0..width {
            if n % 8 == 0 {
                out.push(0);
            }
            if value >> i & 1 == 1 {
                *out.last_mut().unwrap() |= 1 << (n % 8);
            }
            n += 1;
        }
    }
    out
}

/// A codestream: `FF 0A`, a size header for `width`×`height` (small form when both are
/// multiples of 8 up to 256, else the U32 form with 30-bit sides), then coded bytes.
fn codestream(width: u64, height: u64) -> Vec<u8> {
    let header = if width % 8 == 0 && height % 8 == 0 && width <= 256 && height <= 256 {
        bits(&[(1, 1), (height / 8 - 1, 5), (0, 3), (width / 8 - 1, 5)])
    } else {
        bits(&[
            (0, 1),
            (3, 2),
            (height - 1, 30),
            (0, 3),
            (3, 2),
            (width - 1, 30),
        ])
    };
    [&[0xFF, 0x0A][..], &header, b"CODED-IMAGE-DATA"].concat()
}

fn head() -> Vec<u8> {
    [
        CONTAINER_SIGNATURE.to_vec(),
        bx(b"ftyp", b"jxl \0\0\0\0jxl "),
    ]
    .concat()
}

fn exif_box(text: &str) -> Vec<u8> {
    // Offset 0, then a TIFF whose IFD0 holds one Artist (ASCII) entry.
    let mut tiff = b"MM\0\x2A\0\0\0\x08\0\x01\x01\x3B\0\x02".to_vec();
    tiff.extend_from_slice(&u32::try_from(text.len() + 1).unwrap().to_be_bytes());
    tiff.extend_from_slice(&26u32.to_be_bytes());
    tiff.extend_from_slice(&[0; 4]);
    tiff.extend_from_slice(text.as_bytes());
    tiff.push(0);
    bx(b"Exif", &[&[0, 0, 0, 0][..], &tiff].concat())
}

fn strip(input: &[u8], keep: Keep) -> (Vec<u8>, Report) {
    strip_checked(super::strip, input, keep)
}

fn error(input: &[u8]) -> Error {
    run_walker(super::strip, input, Keep::empty(), Limits::default()).unwrap_err()
}

#[test]
fn metadata_boxes_go_and_the_picture_stays_byte_for_byte() {
    let cs = codestream(64, 48);
    let input = [
        head(),
        bx(b"jxll", &[5]),
        exif_box("CANARY Ann"),
        bx(b"xml ", b"<x:xmpmeta>CANARY</x:xmpmeta>"),
        bx(b"jumb", b"CANARY c2pa"),
        bx(b"brob", b"Exif\x8b\x02CANARY"),
        bx(b"jbrd", b"CANARY jpeg reconstruction"),
        bx(b"free", b"CANARY"),
        bx(b"zzzz", b"CANARY"),
        bx(b"jxlc", &cs),
        bx(b"jxli", b"\x01frame-index"),
        bx(b"jhgm", b"CANARY gain map"),
    ]
    .concat();
    let (out, report) = strip(&input, Keep::empty());
    let expected = [
        head(),
        bx(b"jxll", &[5]),
        bx(b"jxlc", &cs),
        bx(b"jxli", b"\x01frame-index"),
    ]
    .concat();
    assert_eq!(out, expected);
    assert_eq!(report.removed, Kinds::EXIF | Kinds::XMP | Kinds::OTHER);
    assert_eq!((report.width, report.height, report.frames), (64, 48, 1));
    assert!(report.found.contains(Found::PERSON), "{:?}", report.found);
    assert!(report.found.contains(Found::EMBEDDED_MEDIA));
    // Under the gain-map flag the gain map stays; no other flag keeps anything here.
    let (out, _) = strip(&input, Keep::GAIN_MAP);
    assert_eq!(out, [expected, bx(b"jhgm", b"CANARY gain map")].concat());
    let (out, _) = strip(&input, Keep::ORIENTATION | Keep::ICC | Keep::COPYRIGHT);
    assert_eq!(out, strip(&input, Keep::empty()).0);
}

#[test]
fn a_bare_codestream_comes_back_unchanged() {
    let cs = codestream(200, 130);
    let (out, report) = strip(&cs, Keep::empty());
    assert_eq!(out, cs);
    assert_eq!((report.width, report.height), (200, 130));
    assert!(report.removed.is_empty());
}

#[test]
fn size_headers_in_both_forms_and_every_ratio() {
    assert_eq!(size_header(&codestream(256, 8)), Some((256, 8)));
    assert_eq!(size_header(&codestream(1, 1)), Some((1, 1)));
    assert_eq!(size_header(&codestream(1 << 30, 7)), Some((1 << 30, 7)));
    // Ratio 2..7 (12/10, 4/3, 3/2, 16/9, 5/4, 2/1) from a 90-high small header.
    for (ratio, width) in [
        (1, 88),
        (2, 105),
        (3, 117),
        (4, 132),
        (5, 156),
        (6, 110),
        (7, 176),
    ] {
        let header = bits(&[(1, 1), (10, 5), (ratio, 3)]);
        let cs = [&[0xFF, 0x0A][..], &header].concat();
        assert_eq!(size_header(&cs), Some((width, 88)), "ratio {ratio}");
    }
    assert_eq!(size_header(&[0xFF, 0x0A]), None);
    assert_eq!(size_header(&[0xFF, 0x0A, 0x00]), None);
}

#[test]
fn split_codestreams_keep_every_part_in_order() {
    let cs = codestream(16, 16);
    let (a, b) = cs.split_at(3);
    let part = |index: u32, bytes: &[u8]| bx(b"jxlp", &[&index.to_be_bytes()[..], bytes].concat());
    let input = [head(), part(0, a), exif_box("Ann"), part(1 | LAST_PART, b)].concat();
    let (out, report) = strip(&input, Keep::empty());
    assert_eq!(out, [head(), part(0, a), part(1 | LAST_PART, b)].concat());
    assert_eq!((report.width, report.height), (16, 16));
    // Out of order, a gap, after the last, or beside a jxlc: refused with the box's offset.
    let at = head().len();
    let cases = [
        [head(), part(1, a), part(LAST_PART, b)].concat(),
        [head(), part(0, a), part(2 | LAST_PART, b)].concat(),
        [head(), part(LAST_PART, a), part(1, b)].concat(),
        [head(), bx(b"jxlc", &cs), part(LAST_PART, b)].concat(),
    ];
    for (i, input) in cases.iter().enumerate() {
        match error(input) {
            Error::Malformed { offset, .. } => {
                assert!(offset >= at, "case {i}: offset {offset}");
            }
            e => panic!("case {i}: {e}"),
        }
    }
}

#[test]
fn box_sizes_zero_and_sixty_four_bit() {
    let cs = codestream(8, 8);
    let input = [head(), exif_box("Ann"), bx64(b"jxlc", &cs)].concat();
    assert_eq!(
        strip(&input, Keep::empty()).0,
        [head(), bx64(b"jxlc", &cs)].concat()
    );
    let input = [
        head(),
        bx64(b"Exif", b"\0\0\0\0MM"),
        bx_to_end(b"jxlc", &cs),
    ]
    .concat();
    assert_eq!(
        strip(&input, Keep::empty()).0,
        [head(), bx_to_end(b"jxlc", &cs)].concat()
    );
}

#[test]
fn errors_are_typed_with_offsets() {
    let cs = codestream(8, 8);
    // No codestream.
    assert!(matches!(error(&head()), Error::Malformed { .. }));
    // A box running past the input.
    let mut long = [head(), bx(b"jxlc", &cs)].concat();
    long.truncate(long.len() - 3);
    assert!(matches!(error(&long), Error::Truncated { .. }));
    // A size smaller than its header, at that box.
    let at = head().len();
    let small = [head(), vec![0, 0, 0, 4], b"jxlc".to_vec()].concat();
    assert!(matches!(error(&small), Error::Malformed { offset, .. } if offset == at));
    // The second box not ftyp; a second signature box.
    let no_ftyp = [CONTAINER_SIGNATURE.to_vec(), bx(b"jxlc", &cs)].concat();
    assert!(matches!(
        error(&no_ftyp),
        Error::Malformed { offset: 12, .. }
    ));
    let twice = [head(), CONTAINER_SIGNATURE.to_vec(), bx(b"jxlc", &cs)].concat();
    assert!(matches!(error(&twice), Error::Malformed { .. }));
    // A codestream without its signature, or cut inside its size header.
    let bad = [head(), bx(b"jxlc", b"\xFF\xD8\xFF")].concat();
    assert!(matches!(error(&bad), Error::Malformed { .. }));
    let cut = [head(), bx(b"jxlc", &[0xFF, 0x0A])].concat();
    assert!(matches!(error(&cut), Error::Malformed { .. }));
    assert!(matches!(error(&[0xFF, 0x0A]), Error::Truncated { .. }));
}

#[test]
fn the_size_header_is_checked_against_the_limits() {
    let big = [head(), bx(b"jxlc", &codestream(60_000, 10))].concat();
    match error(&big) {
        Error::LimitExceeded {
            limit,
            value,
            offset,
            ..
        } => {
            assert_eq!((limit, value), (Limit::Width, 60_000));
            assert_eq!(offset, head().len(), "the codestream box");
        }
        e => panic!("{e}"),
    }
    let ok = run_walker(super::strip, &big, Keep::empty(), Limits::none()).unwrap();
    assert_eq!((ok.1.width, ok.1.height), (60_000, 10));
    let bare = codestream(20_000, 20_000);
    assert!(matches!(
        error(&bare),
        Error::LimitExceeded {
            limit: Limit::Pixels,
            ..
        }
    ));
}

#[test]
fn every_prefix_gives_ok_or_a_typed_error() {
    let cs = codestream(24, 16);
    let input = [
        head(),
        exif_box("Ann"),
        bx(b"jxlp", &[&0u32.to_be_bytes()[..], &cs[..4]].concat()),
        bx(
            b"jxlp",
            &[&(1 | LAST_PART).to_be_bytes()[..], &cs[4..]].concat(),
        ),
    ]
    .concat();
    for end in 0..=input.len() {
        let _ = run_walker(super::strip, &input[..end], Keep::all(), Limits::default());
    }
}
