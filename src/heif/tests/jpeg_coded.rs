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

fn with_jpeg_item(jpeg: &[u8]) -> Vec<u8> {
    let build = |base: u32| {
        meta(&[
            hdlr(""),
            pitm(1),
            iloc(
                0,
                &[
                    (1, 0, &[(base, PIXELS.len() as u32)]),
                    (2, 0, &[(base + PIXELS.len() as u32, jpeg.len() as u32)]),
                ],
            ),
            iinf(&[infe(1, b"hvc1", ""), infe(2, b"jpeg", "")]),
            iref(&[(b"thmb", 2, &[1])]),
            iprp(
                &[ispe(64, 48), ispe(1, 1)],
                ipma(&[(1, &[(false, 1)]), (2, &[(false, 2)])]),
            ),
        ])
    };
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
