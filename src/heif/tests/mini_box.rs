//! The low-overhead `mini` box (ISO 23008-12 AMD 2).

use super::*;
use crate::Found;

/// Packs `(value, bits)` fields most significant bit first, zero-padded to a byte.
fn bits(fields: &[(u32, usize)]) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut acc, mut n) = (0u8, 0);
    for &(value, width) in fields {
        for i in (0..width).rev() {
            acc = acc << 1 | u8::from(value >> i & 1 == 1);
            n += 1;
            if n == 8 {
                out.push(acc);
                (acc, n) = (0, 0);
            }
        }
    }
    if n > 0 {
        out.push(acc << (8 - n));
    }
    out
}

const MINI_CONFIG: &[u8] = b"CFG1";
const MINI_ICC: &[u8] = b"ICC1";
const MINI_PIXELS: &[u8] = b"MAINPIXELS";
const MINI_EXIF: &[u8] = b"CANARY";
const MINI_XMP: &[u8] = b"CANARY!";

/// The header of a 16×8 4:4:4 still with `icc`, `exif`, `xmp` chunks as flagged.
fn mini_header(icc: bool, exif: bool, xmp: bool, keep_metadata_flag: bool) -> Vec<u8> {
    let mut f = vec![(0, 2), (0, 1), (0, 1), (1, 1), (0, 1), (0, 1), (0, 1)];
    f.extend([
        (u32::from(icc), 1),
        (u32::from(exif), 1),
        (u32::from(xmp), 1),
    ]);
    f.extend([(3, 2), (0, 3), (0, 1), (15, 7), (7, 7), (0, 1)]);
    if keep_metadata_flag {
        f.push((0, 1)); // large_metadata_flag
    }
    f.extend([(0, 1), (0, 1)]); // large_codec_config_flag, large_item_data_flag
    if icc {
        f.push((MINI_ICC.len() as u32 - 1, 10));
    }
    f.extend([
        (MINI_CONFIG.len() as u32, 3),
        (MINI_PIXELS.len() as u32 - 1, 15),
    ]);
    if exif || xmp {
        f.push((0, 1)); // exif_xmp_compressed_flag
    }
    if exif {
        f.push((MINI_EXIF.len() as u32 - 1, 10));
    }
    if xmp {
        f.push((MINI_XMP.len() as u32 - 1, 10));
    }
    bits(&f)
}

fn mini_file(icc: bool, exif: bool, xmp: bool) -> Vec<u8> {
    let mut body = mini_header(icc, exif, xmp, icc || exif || xmp);
    body.extend_from_slice(MINI_CONFIG);
    if icc {
        body.extend_from_slice(MINI_ICC);
    }
    body.extend_from_slice(MINI_PIXELS);
    if exif {
        body.extend_from_slice(MINI_EXIF);
    }
    if xmp {
        body.extend_from_slice(MINI_XMP);
    }
    cat(&[bx(b"ftyp", b"mif3avif"), bx(b"mini", &body)])
}

#[test]
fn mini_loses_exif_xmp_and_icc_bit_exactly() {
    let input = mini_file(true, true, true);
    assert_eq!(crate::detect(&input), Some(Format::Avif));
    let out = stripped(&input);
    assert!(!contains(&out, b"CANARY") && !contains(&out, MINI_ICC));
    let body = [
        mini_header(false, false, false, false),
        MINI_CONFIG.to_vec(),
        MINI_PIXELS.to_vec(),
    ]
    .concat();
    assert_eq!(out, cat(&[bx(b"ftyp", b"mif3avif"), bx(b"mini", &body)]));
    assert_eq!(
        out,
        mini_file(false, false, false),
        "the same as a file written without them"
    );
    let report = Stripper::new().strip(&input).unwrap().report;
    assert_eq!(report.removed, Kinds::EXIF | Kinds::XMP | Kinds::ICC);
    assert_eq!((report.width, report.height), (16, 8));
}

#[test]
fn mini_keeps_no_credit_and_says_so_when_exif_or_xmp_went() {
    let s = Stripper::new().keep(Keep::COPYRIGHT);
    for (exif, xmp) in [(true, false), (false, true), (true, true)] {
        let input = mini_file(false, exif, xmp);
        let out = s.strip(&input).unwrap();
        assert_eq!(out.report.not_kept, Keep::COPYRIGHT, "{exif} {xmp}");
        assert_eq!(out.data, strip(&input).unwrap());
    }
    let bare = mini_file(true, false, false);
    assert_eq!(s.strip(&bare).unwrap().report.not_kept, Keep::empty());
}

#[test]
fn mini_keeps_icc_with_keep_icc() {
    let out = Stripper::new()
        .keep(Keep::ICC)
        .strip(&mini_file(true, true, false))
        .unwrap()
        .data;
    assert_eq!(out, mini_file(true, false, false));
    let out = Stripper::new()
        .keep(Keep::ICC)
        .strip(&mini_file(false, false, true))
        .unwrap()
        .data;
    assert_eq!(out, mini_file(false, false, false));
}

#[test]
fn mini_with_hdr_properties_is_walked_exactly() {
    // hdr_flag with a ContentLightLevel and no gain map; Exif only.
    let header = |exif: bool| {
        let mut f = vec![
            (0, 2),
            (0, 1),
            (0, 1),
            (1, 1),
            (0, 1),
            (0, 1),
            (1, 1),
            (0, 1),
            (u32::from(exif), 1),
            (0, 1),
        ];
        f.extend([(3, 2), (0, 3), (0, 1), (15, 7), (7, 7), (0, 1)]);
        f.extend([
            (0, 1),
            (1, 1),
            (0, 1),
            (0, 1),
            (0, 1),
            (0, 1),
            (0, 1),
            (1000, 16),
            (400, 16),
        ]);
        if exif {
            f.push((1, 1)); // large_metadata_flag
        }
        f.extend([
            (0, 1),
            (0, 1),
            (MINI_CONFIG.len() as u32, 3),
            (MINI_PIXELS.len() as u32 - 1, 15),
        ]);
        if exif {
            f.extend([(1, 1), (MINI_EXIF.len() as u32 - 1, 20)]); // compressed, 20-bit size
        }
        bits(&f)
    };
    let file = |exif: bool| {
        let mut body = [header(exif), MINI_CONFIG.to_vec(), MINI_PIXELS.to_vec()].concat();
        if exif {
            body.extend_from_slice(MINI_EXIF);
        }
        cat(&[bx(b"ftyp", b"mif3heic"), bx(b"mini", &body)])
    };
    assert_eq!(stripped(&file(true)), file(false));
}

#[test]
fn mini_errors_are_typed() {
    let mut input = mini_file(false, true, false);
    input.push(0); // one byte the chunk sizes do not account for
    let grown = u32::try_from(input.len() - 16).unwrap();
    input[16..20].copy_from_slice(&grown.to_be_bytes());
    let e = strip(&input).unwrap_err();
    assert!(matches!(e, Error::Malformed { offset: 16, .. }), "{e:?}");
    let mut input = mini_file(false, false, false);
    input[24] |= 0x40; // version 1
    assert!(matches!(
        strip(&input).unwrap_err(),
        Error::Unsupported { offset: 16, .. }
    ));
    let input = cat(&[mini_file(false, false, false), meta(&[hdlr("")])]);
    assert!(matches!(
        strip(&input).unwrap_err(),
        Error::Unsupported { offset: 16, .. }
    ));
    let input = mini_file(true, true, true);
    for n in 0..input.len() {
        if let Ok(out) = strip(&input[..n]) {
            assert!(!contains(&out, b"CANARY"));
        }
    }
}

/// A `mini` still without ICC whose Exif and XMP chunks hold `exif` and `xmp`, coded as
/// `compressed` says.
fn mini_with_metadata(exif: &[u8], xmp: &[u8], compressed: bool) -> Vec<u8> {
    let len = |b: &[u8]| u32::try_from(b.len() - 1).unwrap();
    let mut f = vec![(0, 2), (0, 1), (0, 1), (1, 1), (0, 1), (0, 1), (0, 1)];
    f.extend([(0, 1), (1, 1), (1, 1)]); // icc, exif, xmp
    f.extend([(3, 2), (0, 3), (0, 1), (15, 7), (7, 7), (0, 1)]);
    f.extend([(0, 1), (0, 1), (0, 1)]); // large metadata, codec config, item data
    f.extend([
        (MINI_CONFIG.len() as u32, 3),
        (MINI_PIXELS.len() as u32 - 1, 15),
    ]);
    f.extend([(u32::from(compressed), 1), (len(exif), 10), (len(xmp), 10)]);
    let body = [bits(&f), MINI_CONFIG.to_vec(), MINI_PIXELS.to_vec()].concat();
    let body = [body, exif.to_vec(), xmp.to_vec()].concat();
    cat(&[bx(b"ftyp", b"mif3avif"), bx(b"mini", &body)])
}

#[test]
fn mini_exif_and_xmp_chunks_are_named_in_the_report() {
    // IFD0 with one GPS IFD pointer; the GPS IFD has a GPSLatitudeRef.
    let mut tiff = b"MM\0\x2A\0\0\0\x08\0\x01\x88\x25\0\x04\0\0\0\x01\0\0\0\x1A\0\0\0\0".to_vec();
    tiff.extend_from_slice(b"\0\x01\0\x01\0\x02\0\0\0\x02N\0\0\0\0\0\0\0");
    let xmp = br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>Eve</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"#;
    // The TIFF bare, and as an Exif item's payload (offset field, then `Exif\0\0`).
    let item = [&[0, 0, 0, 6][..], b"Exif\0\0", &tiff].concat();
    for exif in [&tiff[..], &item[..]] {
        let input = mini_with_metadata(exif, xmp, false);
        let report = Stripper::new().strip(&input).unwrap().report;
        assert_eq!(report.found, Found::GPS | Found::PERSON, "{exif:?}");
        assert_eq!(
            Stripper::new().strip(&input).unwrap().data,
            mini_file(false, false, false)
        );
    }
    // Deflate-coded chunks are not read (the bytes here are not even deflate).
    let report = Stripper::new()
        .strip(&mini_with_metadata(&tiff, xmp, true))
        .unwrap()
        .report;
    assert_eq!(report.found, Found::empty());
}
