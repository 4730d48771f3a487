//! JPEG-coded items, which lose their own metadata.

use super::*;

/// The smallest JPEG (SOI, SOF0 1×1, one scan, EOI) with an APP1 Exif and a comment.
fn jpeg_with_metadata() -> Vec<u8> {
    let app1 = [&[0xFF, 0xE1, 0, 24][..], b"Exif\0\0CANARY-jpeg-exif"].concat();
    let com = [&[0xFF, 0xFE, 0, 13][..], b"CANARY-com!"].concat();
    let sof = [0xFF, 0xC0, 0x00, 0x0B, 8, 0, 1, 0, 1, 1, 1, 0x11, 0];
    let sos = [
        0xFF, 0xDA, 0x00, 0x08, 1, 1, 0x00, 0, 63, 0, 0x12, 0x34, 0xFF, 0xD9,
    ];
    [&[0xFF, 0xD8][..], &app1, &com, &sof, &sos].concat()
}

/// The `meta` of a file with an `hvc1` image at `pixels_at` and a `jpeg` thumbnail of
/// `jpeg_len` bytes at `jpeg_at`.
fn jpeg_item_meta(pixels_at: u32, jpeg_at: u32, jpeg_len: usize) -> Vec<u8> {
    meta(&[
        hdlr(""),
        pitm(1),
        iloc(
            0,
            &[
                (1, 0, &[(pixels_at, PIXELS.len() as u32)]),
                (2, 0, &[(jpeg_at, jpeg_len as u32)]),
            ],
        ),
        iinf(&[infe(1, b"hvc1", ""), infe(2, b"jpeg", "")]),
        iref(&[(b"thmb", 2, &[1])]),
        iprp(
            &[ispe(64, 48), ispe(1, 1)],
            ipma(&[(1, &[(false, 1)]), (2, &[(false, 2)])]),
        ),
    ])
}

fn with_jpeg_item(jpeg: &[u8]) -> Vec<u8> {
    let build = |base: u32| jpeg_item_meta(base, base + PIXELS.len() as u32, jpeg.len());
    let base = u32::try_from(ftyp().len() + build(0).len() + 8).unwrap();
    cat(&[ftyp(), build(base), bx(b"mdat", &[PIXELS, jpeg].concat())])
}

#[test]
fn jpeg_items_lose_their_own_metadata() {
    let input = with_jpeg_item(&jpeg_with_metadata());
    let out = stripped(&input);
    assert_clean(&out);
    let mut expected = Vec::new();
    crate::jpeg::strip(
        &jpeg_with_metadata(),
        &crate::options::Options::default(),
        &mut expected,
    )
    .unwrap();
    assert_eq!(item(&out, 2).unwrap(), expected);
    assert_eq!(item(&out, 1).unwrap(), PIXELS);
    assert!(out.ends_with(&bx(b"mdat", &[PIXELS, &expected[..]].concat())));
    let report = Stripper::new().strip(&input).unwrap().report;
    assert!(report.removed.contains(Kinds::EXIF | Kinds::COMMENT));
    // A clean JPEG item is copied as a span like any other.
    let clean = with_jpeg_item(&expected);
    assert_eq!(stripped(&clean), clean);
    // A jpeg item that is not a JPEG is refused rather than passed on unread.
    let e = strip(&with_jpeg_item(b"not a jpeg at all")).unwrap_err();
    assert!(matches!(e, Error::Unsupported { .. }), "{e:?}");
}

/// The JPEG walker's own error for `jpeg`, under the default options.
fn jpeg_error(jpeg: &[u8]) -> Error {
    crate::jpeg::strip(jpeg, &crate::options::Options::default(), &mut Vec::new()).unwrap_err()
}

/// Where the JPEG item of [`with_jpeg_item`] starts in the file.
fn jpeg_item_start(input: &[u8]) -> usize {
    offset_of(input, b"mdat") + 4 + PIXELS.len()
}

#[test]
fn a_jpeg_items_error_passes_through_at_its_offset_in_the_file() {
    // Cut before its scan: Truncated; an APP1 of length 1: Malformed.
    let cut = jpeg_with_metadata()[..40].to_vec();
    let app1_length_1 = [&[0xFF, 0xD8, 0xFF, 0xE1, 0, 1][..], &[0; 16]].concat();
    for jpeg in [cut, app1_length_1] {
        let input = with_jpeg_item(&jpeg);
        let inner = jpeg_error(&jpeg);
        let shift = |offset: usize| offset + jpeg_item_start(&input);
        let e = strip(&input).unwrap_err();
        match (&inner, &e) {
            (
                Error::Truncated { offset, needed, .. },
                Error::Truncated {
                    format: Format::Heif,
                    offset: at,
                    needed: n,
                },
            ) => assert_eq!((shift(*offset), *needed), (*at, *n)),
            (
                Error::Malformed { offset, what, .. },
                Error::Malformed {
                    format: Format::Heif,
                    offset: at,
                    what: w,
                },
            ) => {
                assert_eq!(shift(*offset), *at);
                assert_eq!(*w, format!("embedded JPEG item: {what}"));
            }
            _ => panic!("{inner:?} became {e:?}"),
        }
    }
}

#[test]
fn a_split_jpeg_items_error_points_into_the_extent_that_holds_the_byte() {
    // The item's first 10 bytes, the coded picture, then the rest of the item: an APP1 whose
    // length field (1) is byte 2 of the second extent.
    let jpeg = [
        &[0xFF, 0xD8, 0xFF, 0xFE, 0, 6, b'a', b'b', b'c', b'd'][..],
        &[0xFF, 0xE1, 0, 1],
        &[0; 8],
    ]
    .concat();
    let (a, b) = jpeg.split_at(10);
    let build = |base: u32| {
        let (a_len, b_len, pixels) = (a.len() as u32, b.len() as u32, PIXELS.len() as u32);
        meta(&[
            hdlr(""),
            pitm(1),
            iloc(
                0,
                &[
                    (1, 0, &[(base + a_len, pixels)]),
                    (2, 0, &[(base, a_len), (base + a_len + pixels, b_len)]),
                ],
            ),
            iinf(&[infe(1, b"hvc1", ""), infe(2, b"jpeg", "")]),
        ])
    };
    let base = u32::try_from(ftyp().len() + build(0).len() + 8).unwrap();
    let input = cat(&[ftyp(), build(base), bx(b"mdat", &[a, PIXELS, b].concat())]);
    let inner = jpeg_error(&jpeg);
    assert!(
        matches!(inner, Error::Malformed { offset: 12, .. }),
        "{inner:?}"
    );
    let e = strip(&input).unwrap_err();
    let length_field = base as usize + a.len() + PIXELS.len() + 2;
    assert!(
        matches!(e, Error::Malformed { format: Format::Heif, offset, .. } if offset == length_field),
        "{e:?}, the length field at {length_field}"
    );
}

#[test]
fn a_jpeg_item_over_a_limit_is_a_limit_error_and_ignore_limit_errors_applies() {
    // A 60,000 × 1 JPEG thumbnail: its SOF width is over max_dimension.
    let mut jpeg = jpeg_with_metadata();
    let sof = offset_of(&jpeg, &[0xFF, 0xC0]);
    jpeg[sof + 7..sof + 9].copy_from_slice(&60_000u16.to_be_bytes());
    let input = with_jpeg_item(&jpeg);
    let inner = jpeg_error(&jpeg);
    let Error::LimitExceeded { offset, .. } = inner else {
        panic!("{inner:?}");
    };
    let e = strip(&input).unwrap_err();
    assert_eq!(
        e,
        Error::LimitExceeded {
            format: Format::Heif,
            offset: offset + jpeg_item_start(&input),
            limit: Limit::Width,
            value: 60_000,
            max: 50_000,
        }
    );
    let out = Stripper::new()
        .ignore_limit_errors(true)
        .strip(&input)
        .unwrap();
    assert_eq!(out.data, input, "returned unchanged");
    assert!(out.report.untouched);
    assert_eq!(out.report.format, Format::Heif);
    assert!(out.report.removed.is_empty());
    // Without the limit, the item loses its metadata as any other.
    let out = Stripper::new()
        .limits(Limits::none())
        .strip(&input)
        .unwrap();
    assert_clean(&out.data);
}

#[test]
fn jpeg_items_sharing_bytes_cannot_multiply_the_work() {
    // JPEG items over the same bytes, 9 times in all: more than the whole file.
    let jpeg = jpeg_with_metadata();
    let build = |base: u32| {
        let len = jpeg.len() as u32;
        meta(&[
            hdlr(""),
            pitm(1),
            iloc(0, &[(1, 0, &[(base, len)]), (2, 0, &[(base, len); 8])]),
            iinf(&[infe(1, b"jpeg", ""), infe(2, b"jpeg", "")]),
        ])
    };
    let base = u32::try_from(ftyp().len() + build(0).len() + 8).unwrap();
    let input = cat(&[ftyp(), build(base), bx(b"mdat", &jpeg)]);
    let e = strip(&input).unwrap_err();
    assert!(
        matches!(
            &e,
            Error::Unsupported { what, .. } if what == "JPEG items larger than the file together"
        ),
        "{e:?}"
    );
}

#[test]
fn a_rewritten_jpeg_item_in_a_base_only_iloc_points_at_its_new_bytes() {
    // iloc version 0 without extent offsets: each item's base offset says where its one
    // extent starts; the rewritten JPEG item's base must name its new bytes.
    let jpeg = jpeg_with_metadata();
    let build = |base: u32| {
        let mut body = vec![0x04, 0x40, 0, 2];
        for (id, start, len) in [
            (1u16, base, PIXELS.len() as u32),
            (2, base + PIXELS.len() as u32, jpeg.len() as u32),
        ] {
            body.extend_from_slice(&id.to_be_bytes());
            body.extend_from_slice(&[0, 0]);
            body.extend_from_slice(&start.to_be_bytes());
            body.extend_from_slice(&[0, 1]);
            body.extend_from_slice(&len.to_be_bytes());
        }
        meta(&[
            hdlr(""),
            pitm(1),
            full(b"iloc", 0, 0, &body),
            iinf(&[infe(1, b"hvc1", ""), infe(2, b"jpeg", "")]),
        ])
    };
    let base = u32::try_from(ftyp().len() + build(0).len() + 8).unwrap();
    let input = cat(&[ftyp(), build(base), bx(b"mdat", &[PIXELS, &jpeg].concat())]);
    let out = stripped(&input);
    assert_clean(&out);
    let mut expected = Vec::new();
    crate::jpeg::strip(&jpeg, &crate::options::Options::default(), &mut expected).unwrap();
    assert_eq!(item(&out, 1).unwrap(), PIXELS);
    assert_eq!(item(&out, 2).unwrap(), expected);
}

/// A JPEG item rewritten without its metadata must still lie in an `mdat`, as every kept
/// extent must: here it lies in a `free` box, which a strip drops.
#[test]
fn a_jpeg_item_outside_every_mdat_is_unsupported_even_when_rewritten() {
    let jpeg = jpeg_with_metadata();
    // The JPEG lies after the mdat's pixels and the `free` box's 8-byte header.
    let build = |base: u32| jpeg_item_meta(base, base + PIXELS.len() as u32 + 8, jpeg.len());
    let base = u32::try_from(ftyp().len() + build(0).len() + 8).unwrap();
    let input = cat(&[ftyp(), build(base), bx(b"mdat", PIXELS), bx(b"free", &jpeg)]);
    match strip(&input).unwrap_err() {
        Error::Unsupported { what, .. } => assert!(what.contains("outside every mdat"), "{what}"),
        other => panic!("{other:?}"),
    }
}
