//! JPEG canaries.

use super::*;

pub(crate) const JPEG_CANARIES: &[Canary] = &[
    canary("CANARY-EXIF-IFD0-9d2f", "ASCII"),
    canary("CANARY-EXIF-XPCOMMENT-41c7", "UTF-16LE"),
    canary("CANARY-THUMBNAIL-COM-77ab", "ASCII"),
    canary("CANARY-XMP-MAIN-0e13", "ASCII"),
    canary("CANARY-XMP-EXTENDED-1-5b80", "ASCII"),
    canary("CANARY-XMP-EXTENDED-2-c3d4", "ASCII"),
    Canary {
        text: "CANARY-ICC-CHUNK-1-a1a1",
        encoding: "ASCII",
        kept_by_display: true,
    },
    Canary {
        text: "CANARY-ICC-CHUNK-2-b2b2",
        encoding: "UTF-16BE",
        kept_by_display: true,
    },
    canary("CANARY-MPF-INDEX-6e6e", "ASCII"),
    canary("CANARY-MPF-IMAGE-GPS-f00d", "ASCII"),
    canary("CANARY-TRAILER-SAMSUNG-3c3c", "ASCII"),
    canary("CANARY-COM-8888", "UTF-16LE"),
    canary("CANARY-IPTC-2a2a", "ASCII"),
];

/// `SOI, COM(text), rest of jpeg`.
fn with_comment(jpeg: &[u8], text: &[u8]) -> Vec<u8> {
    [&jpeg[..2], &com(text), &jpeg[2..]].concat()
}

/// The Exif APP1 body: IFD0 with a description, an XP comment in UTF-16LE and Orientation 6,
/// and IFD1 whose thumbnail is a tiny JPEG carrying its own canary in a COM segment.
fn exif_body() -> Vec<u8> {
    let thumbnail = with_comment(
        &common::sample_jpeg(8, 8, 3),
        text_of("THUMBNAIL").as_bytes(),
    );
    let mut xp = encode(text_of("XPCOMMENT"), "UTF-16LE");
    xp.extend_from_slice(&[0, 0]);
    let ifd0 = [
        Entry::ascii(0x010E, text_of("EXIF-IFD0")),
        Entry::short(0x0112, 6),
        Entry::bytes(0x9C9C, &xp),
    ];
    let ifd1 = [Entry::short(0x0103, 6)];
    [&b"Exif\0\0"[..], &tiff_le(&ifd0, &ifd1, Some(&thumbnail))].concat()
}

const XMP_GUID: &[u8; 32] = b"0123456789ABCDEF0123456789ABCDEF";

/// The main XMP packet pointing at extended XMP, and the two extension chunks (XMP spec
/// part 3 § 1.1.3.1: signature, GUID, full length, offset, then the portion).
fn xmp_segments() -> Vec<Vec<u8>> {
    let main = format!(
        "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\
         <rdf:Description xmlns:xmpNote='http://ns.adobe.com/xmp/note/' xmpNote:HasExtendedXMP='{}' \
         xmlns:dc='http://purl.org/dc/elements/1.1/' dc:creator='{}'/></rdf:RDF></x:xmpmeta>",
        std::str::from_utf8(XMP_GUID).unwrap(),
        text_of("XMP-MAIN")
    );
    let extended = format!(
        "<x:xmpmeta xmlns:x='adobe:ns:meta/'><!-- {} --><rdf:RDF/><!-- {} --></x:xmpmeta>",
        text_of("EXTENDED-1"),
        text_of("EXTENDED-2")
    );
    let half = extended.find(text_of("EXTENDED-2")).unwrap();
    let full_len = u32::try_from(extended.len()).unwrap();
    let portion = |offset: usize, bytes: &[u8]| {
        let head = [
            &XMP_GUID[..],
            &full_len.to_be_bytes(),
            &u32::try_from(offset).unwrap().to_be_bytes(),
        ]
        .concat();
        app(
            1,
            b"http://ns.adobe.com/xmp/extension/\0",
            &[&head[..], bytes].concat(),
        )
    };
    vec![
        app(1, b"http://ns.adobe.com/xap/1.0/\0", main.as_bytes()),
        portion(0, &extended.as_bytes()[..half]),
        portion(half, &extended.as_bytes()[half..]),
    ]
}

/// A (fake but well-framed) ICC profile chunked over two APP2 segments (ICC.1 Annex B.4:
/// `ICC_PROFILE\0`, sequence number, count). The second half holds a UTF-16BE description,
/// as an `mluc` tag would.
fn icc_segments() -> Vec<Vec<u8>> {
    let mut profile = vec![0u8; 128];
    profile[36..40].copy_from_slice(b"acsp");
    profile.extend_from_slice(text_of("ICC-CHUNK-1").as_bytes());
    let split = profile.len();
    profile.extend_from_slice(b"mluc");
    profile.extend_from_slice(&encode(text_of("ICC-CHUNK-2"), "UTF-16BE"));
    let size = u32::try_from(profile.len()).unwrap().to_be_bytes();
    profile[..4].copy_from_slice(&size);
    vec![
        app(2, b"ICC_PROFILE\0\x01\x02", &profile[..split]),
        app(2, b"ICC_PROFILE\0\x02\x02", &profile[split..]),
    ]
}

/// The MPF APP2 (CIPA DC-007 § 5.2): an MP index IFD whose MPEntry points at `second_at`
/// (relative to the MP header, which starts `header_at` bytes into the file), with image
/// UIDs that carry a canary.
fn mpf_segment(header_at: usize, first_len: usize, second_at: usize, second_len: usize) -> Vec<u8> {
    let mut entries = Vec::new();
    let le = |v: usize| u32::try_from(v).unwrap().to_le_bytes();
    entries.extend_from_slice(
        &[
            &0x2003_0000u32.to_le_bytes()[..],
            &le(first_len),
            &le(0),
            &[0; 4],
        ]
        .concat(),
    );
    entries.extend_from_slice(
        &[
            &0x0000_0000u32.to_le_bytes()[..],
            &le(second_len),
            &le(second_at - header_at),
            &[0; 4],
        ]
        .concat(),
    );
    let mut uids = format!("{:<33}", text_of("MPF-INDEX")).into_bytes();
    uids.extend_from_slice(&[b'0'; 33]);
    let ifd = [
        Entry::undefined(0xB000, b"0100"),
        Entry::long(0xB001, 2),
        Entry::undefined(0xB002, &entries),
        Entry::undefined(0xB003, &uids),
    ];
    app(2, b"MPF\0", &tiff_le(&ifd, &[], None))
}

/// The full hostile JPEG, and the clean image it wraps.
fn hostile_jpeg() -> (Vec<u8>, Vec<u8>) {
    let clean = common::sample_jpeg(24, 16, 0);
    let second = [
        &j::SOI[..],
        &app(
            1,
            b"Exif\0\0",
            &tiff_le(&[Entry::ascii(0x010E, text_of("MPF-IMAGE-GPS"))], &[], None),
        ),
        &common::sample_jpeg(16, 16, 9)[2..],
    ]
    .concat();
    let trailer = [
        &b"\0\0SEFH"[..],
        b"Image_UTC_Data1690000000000 ",
        text_of("TRAILER-SAMSUNG").as_bytes(),
        b"SEFT",
    ]
    .concat();
    let mut head = j::SOI.to_vec();
    head.extend(app(1, b"", &exif_body()));
    for s in xmp_segments() {
        head.extend(s);
    }
    for s in icc_segments() {
        head.extend(s);
    }
    head.extend(com(&encode(text_of("COM-8888"), "UTF-16LE")));
    head.extend(app(
        13,
        b"Photoshop 3.0\08BIM\x04\x04\0\0\0\0\0\x1a\x1c\x02\x50\0\x15",
        text_of("IPTC").as_bytes(),
    ));
    let mpf_len = mpf_segment(0, 0, 0, 0).len();
    // The MP header ("II*\0") starts 8 bytes into the APP2: FF E2, length, "MPF\0".
    let header_at = head.len() + 8;
    let first_len = head.len() + mpf_len + clean.len() - 2;
    let second_at = first_len;
    head.extend(mpf_segment(header_at, first_len, second_at, second.len()));
    let input = [&head[..], &clean[2..], &second, &trailer].concat();
    assert_eq!(
        &input[second_at..second_at + 2],
        &j::SOI,
        "test bug: MPF offset"
    );
    (input, clean)
}

#[test]
fn jpeg_canaries_in_every_metadata_place_are_all_gone() {
    let (input, clean) = hostile_jpeg();
    assert_walker_sees(Format::Jpeg, &input, 10);
    let out = assert_strips_clean(
        Format::Jpeg,
        &input,
        JPEG_CANARIES,
        Some(&clean),
        Keep::empty(),
    );
    // Nothing but the clean image is left: the encoder's JFIF has no thumbnail.
    assert_eq!(
        out, clean,
        "the output is not exactly the image without its metadata"
    );
}

#[test]
fn jpeg_keep_display_keeps_only_icc_and_orientation() {
    let (input, clean) = hostile_jpeg();
    let out = assert_strips_clean(
        Format::Jpeg,
        &input,
        JPEG_CANARIES,
        Some(&clean),
        Keep::DISPLAY,
    );
    // The two ICC chunks stay, byte for byte and in order; the orientation (6) stays.
    for s in icc_segments() {
        assert!(
            common::find(&out, &s).is_some(),
            "an ICC_PROFILE chunk was not kept byte for byte"
        );
    }
    let exif = j::walk(&out)
        .items
        .iter()
        .find_map(|i| match i {
            j::Item::Segment {
                marker: 0xE1, body, ..
            } => Some(out[body.clone()].to_vec()),
            _ => None,
        })
        .expect("Keep::ORIENTATION kept no EXIF though the input has Orientation 6");
    assert!(common::is_minimal_orientation_tiff(&exif[6..]));
}

#[test]
fn jpeg_metadata_segment_overrunning_the_file_is_an_error() {
    let clean = common::sample_jpeg(8, 8, 1);
    let body = [&b"Exif\0\0"[..], text_of("EXIF-IFD0").as_bytes()].concat();
    let declared = u16::try_from(clean.len() + body.len() + 100).unwrap();
    let input = [
        &j::SOI[..],
        &j::segment_with_len(0xE1, declared, &body),
        &clean[2..],
    ]
    .concat();
    match imgstrip::strip(&input, Limits::default()) {
        Err(Error::Truncated {
            format: Format::Jpeg,
            offset,
            ..
        }) => assert!((2..=6).contains(&offset), "offset {offset}"),
        other => panic!("expected Truncated, got {other:?}"),
    }
    // A length shorter than the length field itself.
    let input = [&j::SOI[..], &j::segment_with_len(0xFE, 1, b""), &clean[2..]].concat();
    assert!(matches!(
        imgstrip::strip(&input, Limits::default()),
        Err(Error::Malformed {
            format: Format::Jpeg,
            offset: 4,
            ..
        })
    ));
}

// ---------------------------------------------------------------------------------------
// Issue 14: every kept segment has the length and structure ITU T.81 gives it, and sits
// where T.81 puts it. Text hidden in a segment a decoder skips (a DNL before the first
// scan, DHP/EXP in a file that is not hierarchical, bytes after a DNL's line count) goes;
// a table or header segment whose length does not match its content makes every decoder
// we know fail (libjpeg-turbo "Bogus marker length" / "Bogus Huffman table definition",
// zune-jpeg, jpeg-decoder), so such a file is malformed rather than "repaired".
// ---------------------------------------------------------------------------------------

const DNL_EARLY: Canary = canary("CANARY-JPEG-DNL-EARLY-d1d1", "ASCII");
const DNL_TAIL: Canary = canary("CANARY-JPEG-DNL-TAIL-d2d2", "UTF-16LE");
const DHP_FLAT: Canary = canary("CANARY-JPEG-DHP-e1e1", "ASCII");
const EXP_FLAT: Canary = canary("CANARY-JPEG-EXP-e2e2", "ASCII");
const DHP_HIER: Canary = canary("CANARY-JPEG-HIER-DHP-f1f1", "ASCII");
const EXP_HIER: Canary = canary("CANARY-JPEG-HIER-EXP-f2f2", "UTF-16BE");

/// `(start, end)` of the first segment of `jpeg` with `marker`.
fn segment_at(jpeg: &[u8], marker: u8) -> (usize, usize) {
    j::walk(jpeg)
        .items
        .iter()
        .find_map(|i| match i {
            j::Item::Segment {
                marker: m,
                start,
                end,
                ..
            } if *m == marker => Some((*start, *end)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("test bug: no FF{marker:02X} segment"))
}

/// `jpeg` with `unit` inserted at `at`.
fn insert(jpeg: &[u8], at: usize, unit: &[u8]) -> Vec<u8> {
    [&jpeg[..at], unit, &jpeg[at..]].concat()
}

/// Where the first scan's entropy-coded data of `jpeg` ends.
fn first_scan_end(jpeg: &[u8]) -> usize {
    j::walk(jpeg)
        .items
        .iter()
        .find_map(|i| match i {
            j::Item::Entropy { end, .. } => Some(*end),
            _ => None,
        })
        .expect("test bug: no scan")
}

/// `jpeg` with `extra` appended to the body of its first segment with `marker` (length
/// fixed to match), and the offset of that segment's length field.
fn lengthen(jpeg: &[u8], marker: u8, extra: &[u8]) -> (Vec<u8>, usize) {
    let (start, end) = segment_at(jpeg, marker);
    let body = &jpeg[start + 4..end];
    let longer = j::segment(marker, &[body, extra].concat());
    ([&jpeg[..start], &longer, &jpeg[end..]].concat(), start + 2)
}

/// Strips `input`, and asserts the canaries are gone, the output is exactly `expected`, keeps
/// `expected`'s image units and decodes to `clean`'s pixels (and to the input's, where the
/// oracle decodes the input), and strips to itself.
fn assert_stripped_to(input: &[u8], canaries: &[Canary], expected: &[u8], clean: &[u8]) {
    let out = imgstrip::strip(input, Limits::default()).unwrap();
    assert_canaries(canaries, input, &out, false);
    assert_image_intact(Format::Jpeg, expected, &out, Some(clean), Allow::NONE);
    if let Err(diff) = oracle::same_pixels(input, &out) {
        panic!("the output does not show the input's pixels: {diff}");
    }
    assert_eq!(out, expected, "the output is not the expected image");
    assert_eq!(imgstrip::strip(&out, Limits::default()).unwrap(), out);
}

/// Asserts the strip refuses `input` as malformed JPEG at `offset`.
fn assert_malformed_at(input: &[u8], offset: usize) {
    match imgstrip::strip(input, Limits::default()) {
        Err(Error::Malformed {
            format: Format::Jpeg,
            offset: at,
            ..
        }) => assert_eq!(at, offset, "malformed at the wrong offset"),
        other => panic!("expected Malformed JPEG at {offset}, got {other:?}"),
    }
}

/// The segment body of a DHP or a one-component frame header: precision 8, `height` ×
/// `width`, component 1 sampled 1×1 with quantisation table 0 (T.81 B.2.2, B.3.2).
fn frame_body(height: u16, width: u16) -> Vec<u8> {
    [
        &[8][..],
        &height.to_be_bytes(),
        &width.to_be_bytes(),
        &[1, 1, 0x11, 0],
    ]
    .concat()
}

#[test]
fn jpeg_dnl_before_the_first_scan_is_removed() {
    // libjpeg-turbo skips a DNL wherever it is, without a warning (jdmarker.c read_markers:
    // "Ignore DNL"), so text in one before the scan is nowhere a viewer shows. (The oracle,
    // zune-jpeg, refuses any DNL: the output is compared with the clean image.)
    let clean = common::sample_jpeg(16, 16, 4);
    let dnl = j::segment(0xDC, &[&[0, 16][..], DNL_EARLY.text.as_bytes()].concat());
    let (sos, _) = segment_at(&clean, 0xDA);
    let input = insert(&clean, sos, &dnl);
    assert_stripped_to(&input, &[DNL_EARLY], &clean, &clean);
}

#[test]
fn jpeg_dnl_after_the_first_scan_is_cut_to_four_bytes() {
    // Right after the first scan is where T.81 B.2.5 puts a DNL: it stays, as its 4 bytes
    // (Ld = 4, NL); what follows NL no decoder reads.
    let clean = common::sample_jpeg(16, 16, 5);
    let end = first_scan_end(&clean);
    let tail = encode(DNL_TAIL.text, DNL_TAIL.encoding);
    let input = insert(
        &clean,
        end,
        &j::segment(0xDC, &[&[0, 16][..], &tail].concat()),
    );
    let expected = insert(&clean, end, &j::segment(0xDC, &[0, 16]));
    // The oracle (zune-jpeg) refuses any DNL, and libjpeg-turbo skips it: the pixels are
    // those of the scan, which the output keeps byte for byte.
    let out = imgstrip::strip(&input, Limits::default()).unwrap();
    assert_canaries(&[DNL_TAIL], &input, &out, false);
    assert_eq!(
        out, expected,
        "the output is not the image with a 4-byte DNL"
    );
    assert!(j::leftovers(&out, Allow::NONE).is_empty());
    let units = |data: &[u8]| j::image_units(data, Allow::NONE).unwrap();
    assert_eq!(common::diff_units(&units(&expected), &units(&out)), None);
    assert_eq!(imgstrip::strip(&out, Limits::default()).unwrap(), out);
    assert_eq!(
        segment_at(&out, 0xDC),
        (end, end + 6),
        "DNL is not 4 bytes long"
    );
    assert_eq!(out[end + 2..end + 4], [0, 4], "DNL length field");
}

#[test]
fn jpeg_dhp_in_a_file_that_is_not_hierarchical_is_removed() {
    // A baseline file has no hierarchical progression (T.81 B.3): zune-jpeg skips the DHP
    // (and shows the same pixels without it), libjpeg-turbo refuses it.
    let clean = common::sample_jpeg(16, 16, 6);
    let dhp = j::segment(
        0xDE,
        &[&frame_body(16, 16)[..], DHP_FLAT.text.as_bytes()].concat(),
    );
    let (sof, _) = segment_at(&clean, 0xC0);
    let input = insert(&clean, sof, &dhp);
    assert_stripped_to(&input, &[DHP_FLAT], &clean, &clean);
}

#[test]
fn jpeg_exp_in_a_file_that_is_not_hierarchical_is_removed() {
    let clean = common::sample_jpeg(16, 16, 7);
    let exp = j::segment(0xDF, &[&[0x11][..], EXP_FLAT.text.as_bytes()].concat());
    let (sos, _) = segment_at(&clean, 0xDA);
    let input = insert(&clean, sos, &exp);
    assert_stripped_to(&input, &[EXP_FLAT], &clean, &clean);
}

/// A two-frame hierarchical JPEG (T.81 B.3, Annex J): DHP, a non-differential SOF0 frame,
/// then EXP and a differential SOF5 frame; `dhp_extra` and `exp_extra` follow the DHP's
/// and EXP's defined fields.
fn hierarchical(dhp_extra: &[u8], exp_extra: &[u8]) -> Vec<u8> {
    let scan = |data: &[u8]| [&j::segment(0xDA, &[1, 1, 0, 0, 63, 0])[..], data].concat();
    [
        &j::SOI[..],
        &j::segment(0xDB, &[0; 65]),
        &j::segment(0xC4, &[0; 17]),
        &j::segment(0xDE, &[&frame_body(16, 16)[..], dhp_extra].concat()),
        &j::segment(0xC0, &frame_body(8, 8)),
        &scan(&[0x12, 0xFF, 0x00, 0x34]),
        &j::segment(0xDF, &[&[0x11][..], exp_extra].concat()),
        &j::segment(0xC5, &frame_body(16, 16)),
        &scan(&[0x56, 0x78]),
        &j::EOI,
    ]
    .concat()
}

#[test]
fn jpeg_dhp_and_exp_of_a_hierarchical_file_are_cut_to_their_fields() {
    // No decoder in use reads hierarchical files (libjpeg-turbo, zune-jpeg and jpeg-decoder
    // all refuse SOF5), so nothing can read what follows the fields: DHP keeps 8 + 3 × Nf
    // bytes (Lh), EXP 3 (Le).
    let dhp_tail = DHP_HIER.text.as_bytes();
    let exp_tail = encode(EXP_HIER.text, EXP_HIER.encoding);
    let input = hierarchical(dhp_tail, &exp_tail);
    let out = imgstrip::strip(&input, Limits::default()).unwrap();
    assert_canaries(&[DHP_HIER, EXP_HIER], &input, &out, false);
    let expected = hierarchical(b"", b"");
    assert_eq!(out, expected);
    let (dhp, dhp_end) = segment_at(&out, 0xDE);
    assert_eq!(dhp_end - dhp, 2 + 8 + 3, "DHP length");
    let (exp, exp_end) = segment_at(&out, 0xDF);
    assert_eq!(exp_end - exp, 2 + 3, "EXP length");
    assert!(j::leftovers(&out, Allow::NONE).is_empty());
    assert_eq!(imgstrip::strip(&out, Limits::default()).unwrap(), out);
}

#[test]
fn jpeg_frame_header_longer_than_its_components_is_malformed() {
    // libjpeg-turbo get_sof: `length != num_components * 3` is "Bogus marker length";
    // zune-jpeg and jpeg-decoder refuse it too.
    let clean = common::sample_jpeg(16, 16, 8);
    let (input, len_at) = lengthen(&clean, 0xC0, b"CANARY-JPEG-SOF-TAIL-c1c1");
    assert_malformed_at(&input, len_at);
}

#[test]
fn jpeg_scan_header_longer_than_its_components_is_malformed() {
    // libjpeg-turbo get_sos: `length != n * 2 + 6` is "Bogus marker length"; a decoder that
    // trusted Ns over Ls would read the extra bytes as entropy-coded data.
    let clean = common::sample_jpeg(16, 16, 9);
    let (input, len_at) = lengthen(&clean, 0xDA, b"CANARY-JPEG-SOS-TAIL-c2c2");
    assert_malformed_at(&input, len_at);
}

#[test]
fn jpeg_dri_longer_than_four_bytes_is_malformed() {
    // libjpeg-turbo get_dri: `length != 4` is "Bogus marker length".
    let clean = common::sample_jpeg(16, 16, 10);
    let dri = j::segment(0xDD, &[&[0, 0][..], b"CANARY-JPEG-DRI-TAIL-c3c3"].concat());
    let (sos, _) = segment_at(&clean, 0xDA);
    assert_malformed_at(&insert(&clean, sos, &dri), sos + 2);
}

#[test]
fn jpeg_bytes_after_the_last_dqt_table_are_malformed() {
    // libjpeg-turbo get_dqt reads them as the start of another table and fails.
    let clean = common::sample_jpeg(16, 16, 11);
    let (input, len_at) = lengthen(&clean, 0xDB, b"CANARY-JPEG-DQT-TAIL-c4c4");
    assert_malformed_at(&input, len_at);
}

#[test]
fn jpeg_bytes_after_the_last_dht_table_are_malformed() {
    // libjpeg-turbo get_dht: "Bogus Huffman table definition" (more than 16 bytes: read as a
    // table) or "Bogus marker length" (16 or fewer).
    let clean = common::sample_jpeg(16, 16, 12);
    let (input, len_at) = lengthen(&clean, 0xC4, b"CANARY-JPEG-DHT-TAIL-c5c5");
    assert_malformed_at(&input, len_at);
    let (input, len_at) = lengthen(&clean, 0xC4, b"CANARY-DHT-c5c5");
    assert_malformed_at(&input, len_at);
}

#[test]
fn jpeg_dac_with_half_an_entry_is_malformed() {
    // libjpeg-turbo get_dac reads 2-byte entries while the length is positive, so an odd
    // length reads one byte past the segment and fails with "Bogus marker length".
    let clean = common::sample_jpeg(16, 16, 13);
    let dac = j::segment(
        0xCC,
        &[&[0x00, 0x10][..], b"CANARY-JPEG-DAC-c6c6c"].concat(),
    );
    let (sos, _) = segment_at(&clean, 0xDA);
    assert_malformed_at(&insert(&clean, sos, &dac), sos + 2);
}
