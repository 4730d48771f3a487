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
    // The test's own walker sees every unit the strip must remove.
    let seen = j::leftovers(&input, Allow::NONE);
    assert!(seen.len() >= 10, "test walker missed metadata: {seen:#?}");

    let out = imgstrip::strip(&input, Limits::default()).unwrap();
    assert_canaries(JPEG_CANARIES, &input, &out, false);
    assert_image_intact(Format::Jpeg, &input, &out, &clean, Allow::NONE);
    // Nothing but the clean image is left: the encoder's JFIF has no thumbnail.
    assert_eq!(
        out, clean,
        "the output is not exactly the image without its metadata"
    );
    assert_eq!(imgstrip::strip(&out, Limits::default()).unwrap(), out);
}

#[test]
fn jpeg_keep_display_keeps_only_icc_and_orientation() {
    let (input, clean) = hostile_jpeg();
    let out = Stripper::new().keep(Keep::DISPLAY).strip(&input).unwrap();
    assert_canaries(JPEG_CANARIES, &input, &out.data, true);
    assert_image_intact(Format::Jpeg, &input, &out.data, &clean, Allow::DISPLAY);
    // The two ICC chunks stay, byte for byte and in order; the orientation (6) stays.
    for s in icc_segments() {
        assert!(
            common::find(&out.data, &s).is_some(),
            "an ICC_PROFILE chunk was not kept byte for byte"
        );
    }
    let exif = j::walk(&out.data)
        .items
        .iter()
        .find_map(|i| match i {
            j::Item::Segment {
                marker: 0xE1, body, ..
            } => Some(out.data[body.clone()].to_vec()),
            _ => None,
        })
        .expect("Keep::ORIENTATION kept no EXIF though the input has Orientation 6");
    assert!(common::is_minimal_orientation_tiff(&exif[6..]));
    let again = Stripper::new()
        .keep(Keep::DISPLAY)
        .strip(&out.data)
        .unwrap();
    assert_eq!(again.data, out.data, "Keep::DISPLAY is not idempotent");
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
