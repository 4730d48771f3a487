//! Compressed pixel arrays: RLE4/RLE8/RLE24 runs, and the PNG or JPEG inside `BI_PNG`/`BI_JPEG`.

use super::*;

#[test]
fn rle8_ends_at_end_of_bitmap_marker() {
    // Run, absolute run of 3 holding `00 01` (padded), end of line, delta, end of bitmap.
    let rle = [4, 1, 0, 3, 0, 1, 2, 0, 0, 0, 0, 2, 1, 0, 0, 1];
    for size_image in [0, rle.len() as u32, 100] {
        let f = bmp(
            &rle_header(1, 8, size_image),
            &grey(4),
            &rle,
            b"after EOB: secret",
        );
        let (out, report) = strip_default(&f);
        assert_eq!(&out[out.len() - rle.len()..], &rle);
        assert_eq!(out.len(), 54 + 16 + rle.len());
        assert_eq!(get32(&out, 14 + BI_SIZE_IMAGE), rle.len() as u32);
        assert_eq!(report.removed, Kinds::TRAILER);
    }
}

#[test]
fn rle4_and_rle24_absolute_runs_are_padded() {
    // RLE4 absolute run of 5 pixels = 3 bytes + 1 pad.
    let rle4 = [0, 5, 0x12, 0x34, 0x50, 0, 0, 1];
    let f = bmp(&rle_header(2, 4, 0), &grey(4), &rle4, b"xx");
    let (out, _) = strip_default(&f);
    assert_eq!(&out[out.len() - rle4.len()..], &rle4);
    assert_eq!(out.len(), 70 + rle4.len());
    // OS/2 RLE24: a run is count + 3 colour bytes; absolute 3 pixels = 9 bytes + 1 pad.
    let rle24 = [2, 1, 2, 3, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 1];
    let mut h = dib(64, 4, 2, 24, 4);
    set32(&mut h, BI_SIZE_IMAGE, 0);
    let f = bmp(&h, &[], &rle24, b"xx");
    let (out, _) = strip_default(&f);
    assert_eq!(&out[78..], &rle24);
}

#[test]
fn rle_without_end_marker_uses_size_image_or_is_truncated() {
    let rle = [4, 1, 0, 0, 4, 2, 0, 0];
    let f = bmp(&rle_header(1, 8, rle.len() as u32), &grey(4), &rle, &[]);
    assert_eq!(strip_default(&f).0, f);
    let f = bmp(&rle_header(1, 8, 0), &grey(4), &rle, &[]);
    assert_eq!(
        err(&f),
        Error::Truncated {
            format: Format::Bmp,
            offset: 78,
            needed: 2
        }
    );
    // An absolute run cut by the end of the file.
    let f = bmp(&rle_header(1, 8, 0), &grey(4), &[0, 9, 1, 2], &[]);
    assert_eq!(
        err(&f),
        Error::Truncated {
            format: Format::Bmp,
            offset: 72,
            needed: 8
        }
    );
}

#[test]
fn rle_with_embedded_profile_after_it() {
    let p = icc();
    let rle = [4, 1, 0, 1];
    let mut h = v5(PROFILE_EMBEDDED, 124 + 16 + 4, p.len() as u32);
    h[14..16].copy_from_slice(&8u16.to_le_bytes());
    set32(&mut h, BI_COMPRESSION, 1);
    set32(&mut h, BI_CLR_USED, 4);
    let f = bmp(&h, &grey(4), &rle, &p);
    let (out, report) = strip_default(&f);
    assert_eq!(out.len(), 138 + 16 + 4);
    assert_eq!(report.removed, Kinds::ICC);
    let (kept, _) = strip_keep(&f, Keep::ICC);
    let mut expected = f.clone();
    set32(&mut expected, 14 + BI_SIZE_IMAGE, rle.len() as u32); // was 0
    assert_eq!(kept, expected);
    // RLE data with no end marker that runs into the profile.
    let f = bmp(&h, &grey(4), &[4, 1, 0, 0], &p);
    assert!(matches!(err(&f), Error::Malformed { offset: 158, .. }));
}

#[test]
fn strips_the_png_inside_bi_png() {
    for size_image in [PNG.len() as u32, 0] {
        let f = embedded(5, PNG, size_image, b"");
        let (out, report) = strip_default(&f);
        assert!(!contains(&out, b"Eve!"));
        assert_eq!(out.len(), f.len() - 23);
        assert_eq!(get32(&out, 14 + BI_SIZE_IMAGE) as usize, PNG.len() - 23);
        assert_eq!(&out[138..146], &PNG[..8]);
        assert!(report.removed.contains(Kinds::TEXT));
        assert_eq!((report.width, report.height), (1, 1));
    }
    // Bytes after the declared PNG are the BMP's trailer.
    let (out, report) = strip_default(&embedded(5, PNG, PNG.len() as u32, b"trailer"));
    assert_eq!(out.len(), 138 + PNG.len() - 23);
    assert!(report.removed.contains(Kinds::TEXT | Kinds::TRAILER));
}

#[test]
fn strips_the_jpeg_inside_bi_jpeg() {
    let f = embedded(4, JPEG, JPEG.len() as u32, b"");
    let (out, report) = strip_default(&f);
    assert!(!contains(&out, b"secre"));
    assert_eq!(get32(&out, 14 + BI_SIZE_IMAGE) as usize, JPEG.len() - 9);
    assert_eq!(report.removed, Kinds::COMMENT);
    // Not a JPEG at all.
    let f = embedded(4, b"not a jpeg", 10, b"");
    assert!(matches!(err(&f), Error::Malformed { offset: 138, .. }));
}

#[test]
fn embedded_errors_carry_bmp_offsets() {
    let mut png = PNG.to_vec();
    png[15] = b'X'; // IHDR → IHDX
    let f = embedded(5, &png, 0, b"");
    assert_eq!(
        err(&f),
        Error::Malformed {
            format: Format::Bmp,
            offset: 138 + 12,
            what: "embedded PNG: first chunk is not IHDR".into()
        }
    );
    // The embedded PNG's own canvas is checked against the limits.
    let mut png = PNG.to_vec();
    png[16..20].copy_from_slice(&60_000u32.to_be_bytes());
    let e = err(&embedded(5, &png, 0, b""));
    assert!(matches!(
        e,
        Error::LimitExceeded {
            format: Format::Bmp,
            offset: 154,
            limit: Limit::Width,
            ..
        }
    ));
}
