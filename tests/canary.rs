//! Issue 2's "Done when" test: a JPEG whose EXIF thumbnail, extended XMP, ICC, MPF images and
//! post-EOI trailer each carry a canary strips to bytes that hold none of them, in ASCII,
//! UTF-16LE or UTF-16BE, while every scan byte stays. The same for a PNG with every kind of
//! metadata chunk and bytes after IEND, a GIF with every kind of metadata extension and
//! bytes after its trailer, and still and animated WebP files with every metadata chunk
//! (also inside ANMF frames) and bytes past the RIFF payload. The same for V5 BMPs with an
//! embedded or linked colour profile before or after the pixel array, a gap before the
//! pixels, free header fields and trailing bytes, and for BI_PNG / BI_JPEG bitmaps whose
//! embedded image carries its own metadata.

mod common;

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

// ---------------------------------------------------------------------------------------
// JPEG
// ---------------------------------------------------------------------------------------

const JPEG_CANARIES: &[Canary] = &[
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

fn text_of(name: &str) -> &'static str {
    JPEG_CANARIES
        .iter()
        .chain(PNG_CANARIES)
        .chain(GIF_CANARIES)
        .chain(WEBP_CANARIES)
        .chain(BMP_CANARIES)
        .find(|c| c.text.contains(name))
        .unwrap()
        .text
}

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

// ---------------------------------------------------------------------------------------
// PNG
// ---------------------------------------------------------------------------------------

const PNG_CANARIES: &[Canary] = &[
    canary("CANARY-PNG-TEXT-1111", "ASCII"),
    canary("CANARY-PNG-ZTXT-2222", "ASCII"),
    canary("CANARY-PNG-ITXT-3333", "ASCII"),
    canary("CANARY-PNG-EXIF-4444", "ASCII"),
    canary("CANARY-PNG-EXIF-XP-5555", "UTF-16LE"),
    canary("CANARY-PNG-ICC-NAME-6666", "ASCII"),
    Canary {
        text: "CANARY-PNG-ICC-DATA-7777",
        encoding: "UTF-16BE",
        kept_by_display: true,
    },
    canary("CANARY-PNG-PRIVATE-8888", "UTF-16BE"),
    canary("CANARY-PNG-LATE-TEXT-9999", "ASCII"),
    canary("CANARY-PNG-AFTER-IEND-aaaa", "ASCII"),
];

/// The hostile PNG (metadata before and after IDAT, bytes after IEND), and the clean image.
fn hostile_png() -> (Vec<u8>, Vec<u8>) {
    let clean = common::sample_png(20, 12, 5);
    let w = p::walk(&clean);
    let raw = |c: &p::Chunk| clean[c.start..c.end].to_vec();
    let ihdr = raw(&w.chunks[0]);
    let idats: Vec<Vec<u8>> = w
        .chunks
        .iter()
        .filter(|c| &c.kind == b"IDAT")
        .map(raw)
        .collect();
    let iend = raw(w.chunks.last().unwrap());
    let mut xp = encode(text_of("PNG-EXIF-XP"), "UTF-16LE");
    xp.extend_from_slice(&[0, 0]);
    let exif = tiff_le(
        &[
            Entry::ascii(0x010E, text_of("PNG-EXIF-4444")),
            Entry::short(0x0112, 8),
            Entry::bytes(0x9C9C, &xp),
        ],
        &[],
        None,
    );
    let mut profile = vec![0u8; 128];
    profile[36..40].copy_from_slice(b"acsp");
    profile.extend_from_slice(&encode(text_of("PNG-ICC-DATA"), "UTF-16BE"));
    let gama = chunk(b"gAMA", &45455u32.to_be_bytes());
    let phys = chunk(b"pHYs", &[0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1]);
    let mut input = p::SIGNATURE.to_vec();
    input.extend(&ihdr);
    input.extend(p::text(b"Comment", text_of("PNG-TEXT").as_bytes()));
    input.extend(&gama);
    input.extend(p::ztxt(
        b"Raw profile type exif",
        text_of("PNG-ZTXT").as_bytes(),
    ));
    input.extend(p::itxt(
        b"XML:com.adobe.xmp",
        b"en",
        b"",
        text_of("PNG-ITXT").as_bytes(),
    ));
    input.extend(chunk(b"eXIf", &exif));
    input.extend(p::iccp(text_of("PNG-ICC-NAME").as_bytes(), &profile));
    input.extend(p::time(2024, [5, 6, 7, 8, 9]));
    input.extend(&phys);
    input.extend(chunk(b"prVt", &encode(text_of("PNG-PRIVATE"), "UTF-16BE")));
    for idat in &idats {
        input.extend(idat);
    }
    input.extend(p::text(b"Author", text_of("PNG-LATE-TEXT").as_bytes()));
    input.extend(chunk(b"vpAg", &[0, 0, 0, 20, 0, 0, 0, 12, 0]));
    input.extend(&iend);
    input.extend(b"\x78\x9c leftover of a longer image ");
    input.extend(text_of("PNG-AFTER-IEND").as_bytes());
    let expected = [
        &p::SIGNATURE[..],
        &ihdr,
        &gama,
        &phys,
        &idats.concat(),
        &iend,
    ]
    .concat();
    (input, expected)
}

#[test]
fn png_canaries_in_every_metadata_place_are_all_gone() {
    let (input, expected) = hostile_png();
    let seen = p::leftovers(&input, Allow::NONE);
    assert!(seen.len() >= 10, "test walker missed metadata: {seen:#?}");

    let out = imgstrip::strip(&input, Limits::default()).unwrap();
    assert_canaries(PNG_CANARIES, &input, &out, false);
    assert_image_intact(Format::Png, &input, &out, &expected, Allow::NONE);
    assert_eq!(
        out, expected,
        "the output is not exactly the image chunks of the input"
    );
    assert_eq!(imgstrip::strip(&out, Limits::default()).unwrap(), out);
}

#[test]
fn png_keep_display_keeps_only_icc_and_orientation() {
    let (input, expected) = hostile_png();
    let out = Stripper::new().keep(Keep::DISPLAY).strip(&input).unwrap();
    assert_canaries(PNG_CANARIES, &input, &out.data, true);
    assert_image_intact(Format::Png, &input, &out.data, &expected, Allow::DISPLAY);
    assert!(
        p::bad_written_crcs(&input, &out.data).is_empty(),
        "a written chunk has a wrong CRC"
    );
    let kinds: Vec<[u8; 4]> = p::walk(&out.data).chunks.iter().map(|c| c.kind).collect();
    assert!(
        kinds.contains(b"iCCP") && kinds.contains(b"eXIf"),
        "ICC or orientation not kept: {kinds:?}"
    );
    let again = Stripper::new()
        .keep(Keep::DISPLAY)
        .strip(&out.data)
        .unwrap();
    assert_eq!(again.data, out.data, "Keep::DISPLAY is not idempotent");
}

#[test]
fn png_metadata_chunk_with_a_bad_crc_or_length_never_survives() {
    let (_, clean) = hostile_png();
    let (head, tail) = clean.split_at(33); // signature + IHDR
    let canary = text_of("PNG-TEXT").as_bytes();
    // A wrong CRC: the chunk still goes (CRCs of dropped chunks do not matter).
    let bad_crc = p::chunk_with(
        b"tEXt",
        u32::try_from(canary.len()).unwrap(),
        canary,
        Some(0xDEAD_BEEF),
    );
    let out = imgstrip::strip(&[head, &bad_crc, tail].concat(), Limits::default()).unwrap();
    assert!(canary_hits(&out, text_of("PNG-TEXT")).is_empty());
    assert_eq!(out, clean);
    // A length past the end of the file: an error, never a copy.
    let overrun = p::chunk_with(b"tEXt", 0x7FFF_0000, canary, None);
    let err = imgstrip::strip(&[head, &overrun, tail].concat(), Limits::default()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Truncated {
                format: Format::Png,
                ..
            }
        ),
        "{err:?}"
    );
    // A length over 2^31 - 1.
    let huge = p::chunk_with(b"tEXt", 0x8000_0000, canary, None);
    let err = imgstrip::strip(&[head, &huge, tail].concat(), Limits::default()).unwrap_err();
    assert_eq!(err.offset(), 33, "{err:?}");
}

// ---------------------------------------------------------------------------------------
// GIF
// ---------------------------------------------------------------------------------------

const GIF_CANARIES: &[Canary] = &[
    canary("CANARY-GIF-COMMENT-1b1b", "ASCII"),
    canary("CANARY-GIF-LATE-COMMENT-2c2c", "UTF-16LE"),
    canary("CANARY-GIF-PLAIN-TEXT-3d3d", "ASCII"),
    canary("CANARY-GIF-XMP-4e4e", "ASCII"),
    Canary {
        text: "CANARY-GIF-ICC-5f5f",
        encoding: "UTF-16BE",
        kept_by_display: true,
    },
    canary("CANARY-GIF-8BIM-6a6a", "ASCII"),
    canary("CANARY-GIF-IPTC-7b7b", "ASCII"),
    canary("CANARY-GIF-IMAGEMAGICK-8c8c", "ASCII"),
    canary("CANARY-GIF-C2PA-9d9d", "ASCII"),
    canary("CANARY-GIF-UNKNOWN-APP-aeae", "ASCII"),
    canary("CANARY-GIF-UNKNOWN-LABEL-bfbf", "UTF-16BE"),
    canary("CANARY-GIF-GCE-EXTRA-c0c0", "ASCII"),
    canary("CANARY-GIF-LOOP-EXTRA-d1d1", "ASCII"),
    canary("CANARY-GIF-AFTER-TRAILER-e2e2", "ASCII"),
];

/// The hostile GIF (metadata before, between and after the frames, extra sub-blocks in the
/// graphic control and loop extensions, bytes after the trailer), the clean image, and the
/// ICC extension it holds.
fn hostile_gif() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let clean = common::sample_gif(16, 10, 3);
    let w = g::walk(&clean);
    let raw = |b: &g::Block| clean[b.start..b.end].to_vec();
    let ext = |b: &g::Block| match b.kind {
        g::Kind::Extension { label } => label,
        _ => 0,
    };
    let screen = raw(&w.blocks[0]);
    let looping = w.blocks.iter().find(|b| ext(b) == 0xFF).unwrap();
    let count = &clean[looping.subs[1].clone()];
    let gces: Vec<&g::Block> = w.blocks.iter().filter(|b| ext(b) == 0xF9).collect();
    let images: Vec<Vec<u8>> = w
        .blocks
        .iter()
        .filter(|b| b.kind == g::Kind::Image)
        .map(raw)
        .collect();
    assert_eq!(
        (gces.len(), images.len()),
        (3, 3),
        "test bug: sample GIF layout"
    );
    let gce_fields = &clean[gces[0].subs[0].clone()];
    let text = |name: &str| text_of(name).as_bytes().to_vec();
    let mut profile = vec![0u8; 128];
    profile[36..40].copy_from_slice(b"acsp");
    profile.extend_from_slice(&encode(text_of("GIF-ICC"), "UTF-16BE"));
    let icc = g::application(g::ICC_ID, &profile);
    let mut xmp =
        b"<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?><x:xmpmeta><dc:creator>".to_vec();
    xmp.extend(text("GIF-XMP"));
    xmp.extend_from_slice(b"</dc:creator></x:xmpmeta><?xpacket end='w'?>");

    let mut input = screen.clone();
    input.extend(g::comment(&text("GIF-COMMENT")));
    input.extend(g::extension(
        0xFF,
        &[b"NETSCAPE2.0", count, &text("GIF-LOOP-EXTRA")],
    ));
    input.extend(g::xmp(&xmp));
    input.extend(&icc);
    input.extend(g::application(
        b"MGK8BIM0000",
        &[b"8BIM\x04\x04".as_slice(), &text("GIF-8BIM")].concat(),
    ));
    input.extend(g::application(
        b"MGKIPTC0000",
        &[b"\x1c\x02\x50".as_slice(), &text("GIF-IPTC")].concat(),
    ));
    input.extend(g::application(b"ImageMagick", &text("GIF-IMAGEMAGICK")));
    input.extend(g::application(b"C2PA_GIF\x01\x00\x00", &text("GIF-C2PA")));
    input.extend(g::application(b"XYZCORP1.00", &text("GIF-UNKNOWN-APP")));
    input.extend(g::extension(0xF9, &[gce_fields, &text("GIF-GCE-EXTRA")]));
    input.extend(&images[0]);
    input.extend(g::extension(
        0x01,
        &[
            &[0, 0, 0, 0, 16, 0, 10, 0, 8, 8, 1, 0],
            &text("GIF-PLAIN-TEXT"),
        ],
    ));
    input.extend(raw(gces[1]));
    input.extend(&images[1]);
    input.extend(g::extension(
        0x99,
        &[&encode(text_of("GIF-UNKNOWN-LABEL"), "UTF-16BE")],
    ));
    input.extend(raw(gces[2]));
    input.extend(&images[2]);
    input.extend(g::comment(&encode(text_of("GIF-LATE-COMMENT"), "UTF-16LE")));
    input.push(g::TRAILER);
    input.extend(g::comment(&text("GIF-AFTER-TRAILER")));
    input.push(g::TRAILER);
    (input, clean, icc)
}

#[test]
fn gif_canaries_in_every_metadata_place_are_all_gone() {
    let (input, clean, _) = hostile_gif();
    let seen = g::leftovers(&input, Allow::NONE);
    assert!(seen.len() >= 14, "test walker missed metadata: {seen:#?}");

    let out = imgstrip::strip(&input, Limits::default()).unwrap();
    assert_canaries(GIF_CANARIES, &input, &out, false);
    assert_image_intact(Format::Gif, &input, &out, &clean, Allow::NONE);
    assert_eq!(
        out, clean,
        "the output is not exactly the image blocks of the input"
    );
    assert_eq!(imgstrip::strip(&out, Limits::default()).unwrap(), out);
}

#[test]
fn gif_keep_display_keeps_only_the_icc_extension() {
    let (input, clean, icc) = hostile_gif();
    let out = Stripper::new().keep(Keep::DISPLAY).strip(&input).unwrap();
    assert_canaries(GIF_CANARIES, &input, &out.data, true);
    assert_image_intact(Format::Gif, &input, &out.data, &clean, Allow::DISPLAY);
    assert!(
        common::find(&out.data, &icc).is_some(),
        "the ICC extension is not kept whole"
    );
    let again = Stripper::new()
        .keep(Keep::DISPLAY)
        .strip(&out.data)
        .unwrap();
    assert_eq!(again.data, out.data, "Keep::DISPLAY is not idempotent");
}

#[test]
fn gif_metadata_extension_overrunning_the_file_never_survives() {
    let (_, clean, _) = hostile_gif();
    let w = g::walk(&clean);
    let first_image_end = w
        .blocks
        .iter()
        .find(|b| b.kind == g::Kind::Image)
        .unwrap()
        .end;
    let canary = text_of("GIF-COMMENT").as_bytes();
    // A comment whose sub-block says 200 bytes where the file ends: the frames before it
    // stay, closed with a trailer; none of the comment does.
    let mut cut = clean[..first_image_end].to_vec();
    cut.extend_from_slice(&[0x21, 0xFE, 200]);
    cut.extend_from_slice(canary);
    let out = imgstrip::strip(&cut, Limits::default()).unwrap();
    assert!(canary_hits(&out, text_of("GIF-COMMENT")).is_empty());
    assert_eq!(out, [&clean[..first_image_end], &[g::TRAILER][..]].concat());
    // The same before any image: nothing to show, a typed error.
    let screen_end = w.blocks[0].end;
    let mut early = clean[..screen_end].to_vec();
    early.extend_from_slice(&[0x21, 0xFE, 200]);
    early.extend_from_slice(canary);
    let err = imgstrip::strip(&early, Limits::default()).unwrap_err();
    assert!(
        matches!(err, Error::Truncated { format: Format::Gif, offset, .. } if offset == screen_end + 3),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------------------
// WebP
// ---------------------------------------------------------------------------------------

const WEBP_CANARIES: &[Canary] = &[
    Canary {
        text: "CANARY-WEBP-ICC-cccc",
        encoding: "UTF-16BE",
        kept_by_display: true,
    },
    canary("CANARY-WEBP-EXIF-DESC-1111", "ASCII"),
    canary("CANARY-WEBP-EXIF-XP-2222", "UTF-16LE"),
    canary("CANARY-WEBP-XMP-3333", "ASCII"),
    canary("CANARY-WEBP-XMP0-4444", "ASCII"),
    canary("CANARY-WEBP-ICMT-5555", "ASCII"),
    canary("CANARY-WEBP-UNKNOWN-6666", "UTF-16LE"),
    canary("CANARY-WEBP-FRAME-UNKNOWN-7777", "ASCII"),
    canary("CANARY-WEBP-FRAME-EXIF-8888", "ASCII"),
    canary("CANARY-WEBP-PAST-RIFF-9999", "ASCII"),
];

/// An EXIF (with the `Exif\0\0` prefix some writers add) holding orientation 8 and canaries.
fn webp_exif() -> Vec<u8> {
    let mut xp = encode(text_of("WEBP-EXIF-XP"), "UTF-16LE");
    xp.extend_from_slice(&[0, 0]);
    let tiff = tiff_le(
        &[
            Entry::ascii(0x010E, text_of("WEBP-EXIF-DESC")),
            Entry::short(0x0112, 8),
            Entry::bytes(0x9C9C, &xp),
        ],
        &[],
        None,
    );
    [&b"Exif\0\0"[..], &tiff].concat()
}

fn webp_icc() -> Vec<u8> {
    let mut profile = vec![0u8; 128];
    profile[36..40].copy_from_slice(b"acsp");
    profile.extend_from_slice(&encode(text_of("WEBP-ICC"), "UTF-16BE"));
    w::chunk(b"ICCP", &profile)
}

/// A hostile extended WebP (real lossless pixels) and the clean image.
fn hostile_webp_still() -> (Vec<u8>, Vec<u8>) {
    let image = w::first_chunk(&w::sample_webp(20, 12, 5));
    let input = [
        w::riff(&[
            &w::vp8x(w::ICC | w::EXIF | w::XMP, 20, 12),
            &webp_icc(),
            &w::chunk(b"C2PA", &encode(text_of("WEBP-UNKNOWN"), "UTF-16LE")),
            &image,
            &w::chunk(b"EXIF", &webp_exif()),
            &w::chunk(b"XMP ", text_of("WEBP-XMP-").as_bytes()),
            &w::chunk(b"XMP\0", text_of("WEBP-XMP0").as_bytes()),
            &w::chunk(b"ICMT", text_of("WEBP-ICMT").as_bytes()),
        ]),
        text_of("WEBP-PAST-RIFF").as_bytes().to_vec(),
    ]
    .concat();
    let expected = w::riff(&[&w::vp8x(0, 20, 12), &image]);
    (input, expected)
}

/// A hostile animated WebP: two frames of real lossless pixels with metadata chunks inside
/// the frames and around them; and the clean animation.
fn hostile_webp_animation() -> (Vec<u8>, Vec<u8>) {
    let first = w::first_chunk(&w::sample_webp(20, 12, 5));
    let second = w::first_chunk(&w::sample_webp(20, 12, 9));
    let frame_junk = w::chunk(b"JUNK", text_of("WEBP-FRAME-UNKNOWN").as_bytes());
    let frame_exif = w::chunk(b"EXIF", text_of("WEBP-FRAME-EXIF").as_bytes());
    let input = w::riff(&[
        &w::vp8x(w::ANIMATION | w::ICC | w::EXIF | w::XMP, 20, 12),
        &webp_icc(),
        &w::anim(),
        &w::anmf(20, 12, 0x02, &[&frame_junk, &first, &frame_exif]),
        &w::chunk(b"XMP ", text_of("WEBP-XMP-").as_bytes()),
        &w::anmf(20, 12, 0x00, &[&second, &frame_junk]),
        &w::chunk(b"EXIF", &webp_exif()),
    ]);
    let expected = w::riff(&[
        &w::vp8x(w::ANIMATION, 20, 12),
        &w::anim(),
        &w::anmf(20, 12, 0x02, &[&first]),
        &w::anmf(20, 12, 0x00, &[&second]),
    ]);
    (input, expected)
}

#[test]
fn webp_canaries_in_every_metadata_place_are_all_gone() {
    for (input, expected) in [hostile_webp_still(), hostile_webp_animation()] {
        let seen = w::leftovers(&input, Allow::NONE);
        assert!(seen.len() >= 4, "test walker missed metadata: {seen:#?}");
        let out = imgstrip::strip(&input, Limits::default()).unwrap();
        let present: Vec<&Canary> = WEBP_CANARIES
            .iter()
            .filter(|c| common::find(&input, &encode(c.text, c.encoding)).is_some())
            .collect();
        for c in present {
            assert!(canary_hits(&out, c.text).is_empty(), "{} survived", c.text);
        }
        assert_image_intact(Format::WebP, &input, &out, &expected, Allow::NONE);
        assert_eq!(out, expected, "the output is not exactly the image chunks");
        assert_eq!(imgstrip::strip(&out, Limits::default()).unwrap(), out);
    }
    let (input, _) = hostile_webp_still();
    let out = imgstrip::strip(&input, Limits::default()).unwrap();
    assert_canaries(
        &WEBP_CANARIES
            .iter()
            .filter(|c| !c.text.contains("FRAME"))
            .map(|c| Canary { ..*c })
            .collect::<Vec<_>>(),
        &input,
        &out,
        false,
    );
}

#[test]
fn webp_keep_display_keeps_only_icc_and_orientation() {
    for (input, expected) in [hostile_webp_still(), hostile_webp_animation()] {
        let out = Stripper::new().keep(Keep::DISPLAY).strip(&input).unwrap();
        assert!(!canary_hits(&out.data, text_of("WEBP-ICC")).is_empty());
        for c in WEBP_CANARIES.iter().filter(|c| !c.kept_by_display) {
            assert!(
                canary_hits(&out.data, c.text).is_empty(),
                "{} survived",
                c.text
            );
        }
        assert_image_intact(Format::WebP, &input, &out.data, &expected, Allow::DISPLAY);
        let kinds: Vec<[u8; 4]> = w::walk(&out.data).chunks.iter().map(|c| c.kind).collect();
        assert!(
            kinds.contains(b"ICCP") && kinds.contains(b"EXIF"),
            "ICC or orientation not kept: {kinds:?}"
        );
        let again = Stripper::new()
            .keep(Keep::DISPLAY)
            .strip(&out.data)
            .unwrap();
        assert_eq!(again.data, out.data, "Keep::DISPLAY is not idempotent");
    }
}

#[test]
fn webp_chunk_overrunning_the_riff_is_an_error_never_a_copy() {
    let (_, clean) = hostile_webp_still();
    let mut input = clean.clone();
    let canary = text_of("WEBP-XMP-").as_bytes();
    let mut xmp = w::chunk(b"XMP ", canary);
    xmp[4..8].copy_from_slice(&0x7FFF_0000u32.to_le_bytes());
    input.extend_from_slice(&xmp);
    let riff = u32::try_from(input.len() - 8).unwrap();
    input[4..8].copy_from_slice(&riff.to_le_bytes());
    let err = imgstrip::strip(&input, Limits::default()).unwrap_err();
    assert_eq!(
        err,
        Error::Truncated {
            format: Format::WebP,
            offset: clean.len(),
            needed: 0x7FFF_0000 - canary.len()
        }
    );
}

// ---------------------------------------------------------------------------------------
// BMP
// ---------------------------------------------------------------------------------------

const BMP_CANARIES: &[Canary] = &[
    Canary {
        text: "CANARY-BMP-ICC-PROFILE-1e1e",
        encoding: "UTF-16BE",
        kept_by_display: true,
    },
    canary("CANARY-BMP-LINKED-PATH-2f2f", "ASCII"),
    canary("CANARY-BMP-LINKED-WIDE-3a3a", "UTF-16LE"),
    canary("CANARY-BMP-GAP-4b4b", "ASCII"),
    canary("CANARY-BMP-ENDPOINTS-5c5c", "ASCII"),
    canary("CANARY-BMP-TRAILER-6d6d", "UTF-16LE"),
    // The file header's two reserved u16 and the V5 bV5Reserved hold four bytes each.
    canary("Cn4R", "ASCII"),
    canary("V5rz", "ASCII"),
    canary("CANARY-BMP-PNG-TEXT-7e7e", "ASCII"),
    canary("CANARY-BMP-PNG-EXIF-8f8f", "ASCII"),
    canary("CANARY-BMP-JPEG-COM-9a9a", "UTF-16LE"),
    canary("CANARY-BMP-JPEG-EXIF-abab", "ASCII"),
];

/// The V5 colour space of a hostile BMP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BmpProfile {
    /// `PROFILE_EMBEDDED`: an ICC profile whose description holds a canary.
    Embedded,
    /// `PROFILE_LINKED`: a path (Windows code page) holding a canary.
    LinkedAscii,
    /// `PROFILE_LINKED`: the same in UTF-16LE, as some writers store it.
    LinkedWide,
    /// `LCS_sRGB` and no profile.
    None,
}

/// The profile (or path) bytes a colour space points at.
fn bmp_profile_bytes(profile: BmpProfile) -> Vec<u8> {
    let path = |canary: &str| format!("C:\\Users\\{canary}\\AppData\\Color\\camera.icm\0");
    match profile {
        BmpProfile::Embedded => {
            let mut icc = vec![0u8; 128];
            icc[36..40].copy_from_slice(b"acsp");
            icc.extend_from_slice(b"desc");
            icc.extend_from_slice(&encode(text_of("BMP-ICC-PROFILE"), "UTF-16BE"));
            let size = u32::try_from(icc.len()).unwrap().to_be_bytes();
            icc[..4].copy_from_slice(&size);
            icc
        }
        BmpProfile::LinkedAscii => path(text_of("BMP-LINKED-PATH")).into_bytes(),
        BmpProfile::LinkedWide => encode(&path(text_of("BMP-LINKED-WIDE")), "UTF-16LE"),
        BmpProfile::None => Vec::new(),
    }
}

/// The parts of a hostile V5 BMP, in file order: file header (reserved fields holding a
/// canary), DIB header, palette, a gap holding a canary, the profile when `before`, the
/// pixel array, the profile when not `before`, then trailing bytes holding a canary.
struct HostileBmp {
    dib: Vec<u8>,
    palette: Vec<u8>,
    pixels: Vec<u8>,
    profile: BmpProfile,
    before: bool,
}

impl HostileBmp {
    /// An 8-bit 13×7 bitmap (rows padded from 13 to 16 bytes), top-down when the profile
    /// sits before the pixels, with 16 palette entries.
    fn paletted(profile: BmpProfile, before: bool) -> Self {
        let (width, height) = (13u32, 7u32);
        let signed = i32::try_from(height).unwrap() * if before { -1 } else { 1 };
        let stride = b::stride(8, width);
        let dib = b::dib(
            124,
            (i32::try_from(width).unwrap(), signed),
            8,
            0,
            u32::try_from(stride * height as usize).unwrap(),
            16,
        );
        let palette = (0..16u8)
            .flat_map(|i| [i * 16, 255 - i * 16, i * 5, 0])
            .collect();
        let mut pixels = Vec::new();
        for y in 0..height {
            for x in 0..stride as u32 {
                pixels.push(if x < width {
                    u8::try_from((x * 5 + y * 3) % 16).unwrap()
                } else {
                    0
                });
            }
        }
        HostileBmp {
            dib,
            palette,
            pixels,
            profile,
            before,
        }
    }

    /// A `BI_JPEG` (compression 4) or `BI_PNG` (5) bitmap around `image`; `biSizeImage` is
    /// its length when `sized`, else 0 (the data then runs to the profile or the file's end).
    fn embedding(compression: u32, image: &[u8], (width, height): (u32, u32), sized: bool) -> Self {
        let size_image = if sized { image.len() } else { 0 };
        let dib = b::dib(
            124,
            (
                i32::try_from(width).unwrap(),
                i32::try_from(height).unwrap(),
            ),
            0,
            compression,
            u32::try_from(size_image).unwrap(),
            0,
        );
        HostileBmp {
            dib,
            palette: Vec::new(),
            pixels: image.to_vec(),
            profile: BmpProfile::None,
            before: false,
        }
    }

    fn with_profile(self, profile: BmpProfile, before: bool) -> Self {
        HostileBmp {
            profile,
            before,
            ..self
        }
    }

    /// The hostile file.
    fn input(&self) -> Vec<u8> {
        let profile = bmp_profile_bytes(self.profile);
        let mut gap = b"\0\0".to_vec();
        gap.extend_from_slice(text_of("BMP-GAP").as_bytes());
        gap.push(0);
        let mut trailer = b"\0\0".to_vec();
        trailer.extend(encode(text_of("BMP-TRAILER"), "UTF-16LE"));
        let mut dib = self.dib.clone();
        let cs_type = match self.profile {
            BmpProfile::Embedded => b::MBED,
            BmpProfile::LinkedAscii | BmpProfile::LinkedWide => b::LINK,
            BmpProfile::None => b::SRGB,
        };
        b::set_u32(&mut dib, b::CS_TYPE, cs_type);
        let endpoints = format!("{:\0<48}", text_of("BMP-ENDPOINTS"));
        dib[b::ENDPOINTS].copy_from_slice(endpoints.as_bytes());
        b::set_u32(&mut dib, b::INTENT, 4); // LCS_GM_IMAGES
        dib[b::V5_RESERVED].copy_from_slice(text_of("V5rz").as_bytes());
        let before = if self.before { &profile[..] } else { &[] };
        let after = if self.before { &[] } else { &profile[..] };
        let off_bits = 14 + dib.len() + self.palette.len() + gap.len() + before.len();
        let profile_at = if self.before {
            off_bits - before.len()
        } else {
            off_bits + self.pixels.len()
        };
        if !profile.is_empty() {
            b::set_u32(
                &mut dib,
                b::PROFILE_DATA,
                u32::try_from(profile_at - 14).unwrap(),
            );
            b::set_u32(
                &mut dib,
                b::PROFILE_SIZE,
                u32::try_from(profile.len()).unwrap(),
            );
        }
        let body = [
            &dib[..],
            &self.palette,
            &gap,
            before,
            &self.pixels,
            after,
            &trailer,
        ]
        .concat();
        let reserved = <[u8; 4]>::try_from(text_of("Cn4R").as_bytes()).unwrap();
        // bfSize lies (writers get it wrong; the strip never trusts it).
        [
            &b::file_header(body.len() + 999, reserved, off_bits)[..],
            &body,
        ]
        .concat()
    }

    /// The output expected: the headers (colour space sRGB unless the embedded profile is
    /// kept, endpoints, profile fields and free fields zeroed, `biSizeImage` the length of
    /// `pixels`), the palette, `pixels`, and the kept profile just after them.
    fn expected(&self, pixels: &[u8], keep_icc: bool) -> Vec<u8> {
        let kept = keep_icc && self.profile == BmpProfile::Embedded;
        let mut dib = self.dib.clone();
        b::set_u32(&mut dib, b::CS_TYPE, if kept { b::MBED } else { b::SRGB });
        b::set_u32(&mut dib, b::INTENT, 4);
        b::set_u32(
            &mut dib,
            b::SIZE_IMAGE,
            u32::try_from(pixels.len()).unwrap(),
        );
        let off_bits = 14 + dib.len() + self.palette.len();
        let profile = if kept {
            let profile = bmp_profile_bytes(self.profile);
            let at = off_bits + pixels.len() - 14;
            b::set_u32(&mut dib, b::PROFILE_DATA, u32::try_from(at).unwrap());
            b::set_u32(
                &mut dib,
                b::PROFILE_SIZE,
                u32::try_from(profile.len()).unwrap(),
            );
            profile
        } else {
            Vec::new()
        };
        let body = [&dib[..], &self.palette, pixels, &profile].concat();
        [
            &b::file_header(14 + body.len(), [0; 4], off_bits)[..],
            &body,
        ]
        .concat()
    }
}

/// The canaries of `BMP_CANARIES` that are in `input`, which must be all those `names`
/// pick (so the test means something).
fn bmp_canaries_in(input: &[u8], names: &[&str]) -> Vec<Canary> {
    let present: Vec<Canary> = BMP_CANARIES
        .iter()
        .filter(|c| common::find(input, &encode(c.text, c.encoding)).is_some())
        .map(|c| Canary { ..*c })
        .collect();
    for name in names {
        assert!(
            present.iter().any(|c| c.text.contains(name)),
            "test bug: canary {name} is not in the input"
        );
    }
    present
}

/// Asserts a stripped BMP is exactly `expected`, re-walks clean, keeps its image units and
/// its pixel array in order at `bfOffBits`, has `bfSize` equal to its length and the colour
/// space `cs_type`, and strips to itself.
fn assert_bmp_stripped(
    input: &[u8],
    out: &[u8],
    expected: &[u8],
    pixels: &[u8],
    cs_type: u32,
    keep: Keep,
) {
    let allow = Allow {
        icc: keep.contains(Keep::ICC),
        orientation: false,
    };
    let left = b::leftovers(out, allow);
    assert!(
        left.is_empty(),
        "metadata left in the output:\n{}",
        left.join("\n")
    );
    let before = b::image_units(input, allow).unwrap();
    let after = b::image_units(out, allow).unwrap();
    if let Some(diff) = common::diff_units(&before, &after) {
        panic!("image units changed: {diff}");
    }
    assert_eq!(b::u32_at(out, 2) as usize, out.len(), "bfSize");
    assert_eq!(b::u32_at(out, 14 + b::CS_TYPE), cs_type, "bV5CSType");
    let off_bits = b::u32_at(out, 10) as usize;
    assert_eq!(
        out.get(off_bits..off_bits + pixels.len()),
        Some(pixels),
        "the pixel array is not whole at bfOffBits"
    );
    assert_eq!(
        out, expected,
        "the output is not exactly the image parts of the input"
    );
    let again = Stripper::new().keep(keep).strip(out).unwrap();
    assert_eq!(again.data, out, "not idempotent");
}

/// Every colour space × profile place of the paletted hostile BMP.
fn paletted_bmps() -> Vec<HostileBmp> {
    let mut all = Vec::new();
    for profile in [
        BmpProfile::Embedded,
        BmpProfile::LinkedAscii,
        BmpProfile::LinkedWide,
    ] {
        for before in [true, false] {
            all.push(HostileBmp::paletted(profile, before));
        }
    }
    all
}

fn profile_canary(profile: BmpProfile) -> &'static str {
    match profile {
        BmpProfile::Embedded => "BMP-ICC-PROFILE",
        BmpProfile::LinkedAscii => "BMP-LINKED-PATH",
        BmpProfile::LinkedWide => "BMP-LINKED-WIDE",
        BmpProfile::None => "BMP-GAP",
    }
}

#[test]
fn bmp_canaries_in_every_metadata_place_are_all_gone() {
    for bmp in paletted_bmps() {
        let input = bmp.input();
        let seen = b::leftovers(&input, Allow::NONE);
        assert!(seen.len() >= 5, "test walker missed metadata: {seen:#?}");
        let canaries = bmp_canaries_in(
            &input,
            &[
                profile_canary(bmp.profile),
                "BMP-GAP",
                "BMP-TRAILER",
                "BMP-ENDPOINTS",
                "Cn4R",
                "V5rz",
            ],
        );
        let out = imgstrip::strip(&input, Limits::default()).unwrap();
        assert_canaries(&canaries, &input, &out, false);
        let expected = bmp.expected(&bmp.pixels, false);
        assert_bmp_stripped(&input, &out, &expected, &bmp.pixels, b::SRGB, Keep::empty());
        let same = oracle::compare(
            &oracle::decode(&input).unwrap(),
            &oracle::decode(&out).unwrap(),
        );
        assert_eq!(same, None, "pixels changed ({:?})", bmp.profile);
    }
}

#[test]
fn bmp_keep_icc_keeps_the_embedded_profile_never_the_linked_path() {
    for bmp in paletted_bmps() {
        let input = bmp.input();
        let out = Stripper::new().keep(Keep::ICC).strip(&input).unwrap().data;
        assert_canaries(
            &bmp_canaries_in(&input, &[profile_canary(bmp.profile)]),
            &input,
            &out,
            true,
        );
        let embedded = bmp.profile == BmpProfile::Embedded;
        let cs_type = if embedded { b::MBED } else { b::SRGB };
        let expected = bmp.expected(&bmp.pixels, true);
        assert_bmp_stripped(&input, &out, &expected, &bmp.pixels, cs_type, Keep::ICC);
        let profile = bmp_profile_bytes(bmp.profile);
        if embedded {
            // Byte for byte, just after the pixel array, where the header now points.
            let at = 14 + b::u32_at(&out, 14 + b::PROFILE_DATA) as usize;
            assert_eq!(
                &out[at..],
                &profile[..],
                "the embedded profile is not whole"
            );
        } else {
            assert!(common::find(&out, &profile).is_none());
            assert_eq!(b::u32_at(&out, 14 + b::PROFILE_SIZE), 0);
        }
    }
}

#[test]
fn bmp_embedded_png_and_jpeg_are_stripped_too() {
    // BI_PNG: a PNG with tEXt and eXIf canaries, biSizeImage 0, a linked profile before it.
    let clean_png = common::sample_png(9, 5, 3);
    let hostile_png = [
        &clean_png[..33],
        &p::text(b"Comment", text_of("BMP-PNG-TEXT").as_bytes()),
        &chunk(
            b"eXIf",
            &tiff_le(&[Entry::ascii(0x010E, text_of("BMP-PNG-EXIF"))], &[], None),
        ),
        &clean_png[33..],
    ]
    .concat();
    // BI_JPEG: a JPEG with COM and APP1 canaries, biSizeImage exact, an embedded profile
    // after it.
    let clean_jpeg = common::sample_jpeg(16, 8, 2);
    let exif = tiff_le(&[Entry::ascii(0x010E, text_of("BMP-JPEG-EXIF"))], &[], None);
    let hostile_jpeg = [
        &clean_jpeg[..2],
        &app(1, b"Exif\0\0", &exif),
        &com(&encode(text_of("BMP-JPEG-COM"), "UTF-16LE")),
        &clean_jpeg[2..],
    ]
    .concat();
    let cases = [
        (
            HostileBmp::embedding(5, &hostile_png, (9, 5), false)
                .with_profile(BmpProfile::LinkedAscii, true),
            clean_png,
            ["BMP-PNG-TEXT", "BMP-PNG-EXIF", "BMP-LINKED-PATH"],
        ),
        (
            HostileBmp::embedding(4, &hostile_jpeg, (16, 8), true)
                .with_profile(BmpProfile::Embedded, false),
            clean_jpeg,
            ["BMP-JPEG-COM", "BMP-JPEG-EXIF", "BMP-ICC-PROFILE"],
        ),
    ];
    for (bmp, clean, names) in cases {
        let input = bmp.input();
        let names = [&names[..], &["BMP-GAP", "BMP-TRAILER", "Cn4R", "V5rz"]].concat();
        let canaries = bmp_canaries_in(&input, &names);
        let out = imgstrip::strip(&input, Limits::default()).unwrap();
        assert_canaries(&canaries, &input, &out, false);
        assert_bmp_stripped(
            &input,
            &out,
            &bmp.expected(&clean, false),
            &clean,
            b::SRGB,
            Keep::empty(),
        );
        // The embedded image decodes as its clean original does.
        let off_bits = b::u32_at(&out, 10) as usize;
        let same = oracle::compare(
            &oracle::decode(&clean).unwrap(),
            &oracle::decode(&out[off_bits..]).unwrap(),
        );
        assert_eq!(same, None, "embedded pixels changed");
        // Keep::ICC keeps the BMP's embedded profile, still none of the embedded image's
        // metadata (which holds no ICC here).
        let kept = Stripper::new().keep(Keep::ICC).strip(&input).unwrap().data;
        assert_canaries(&canaries, &input, &kept, true);
        let cs_type = if bmp.profile == BmpProfile::Embedded {
            b::MBED
        } else {
            b::SRGB
        };
        assert_bmp_stripped(
            &input,
            &kept,
            &bmp.expected(&clean, true),
            &clean,
            cs_type,
            Keep::ICC,
        );
    }
}

/// Regression (found by `mutated_bmp_never_panics_and_strips_clean`): with `Keep::ICC`, a V5
/// embedded profile whose declared range overlaps the headers or the pixel array was copied
/// after the pixels as is, so those bytes came out twice and the output outgrew the input.
/// Such a profile is now `Malformed` at the profile offset field (byte 14 + 112).
#[test]
fn bmp_keep_icc_never_copies_image_bytes_twice() {
    let pixels: Vec<u8> = (1..=16).collect(); // 2×2 at 24 bpp, rows padded to 8 bytes
    let mut dib = b::dib(124, (2, 2), 24, 0, 0, 0);
    b::set_u32(&mut dib, b::CS_TYPE, b::MBED);
    // The "profile" is the DIB header and the pixel array: offset 0 from the DIB header.
    b::set_u32(&mut dib, b::PROFILE_DATA, 0);
    b::set_u32(&mut dib, b::PROFILE_SIZE, 124 + 16);
    let input = [&b::file_header(154, [0; 4], 138)[..], &dib, &pixels].concat();
    assert_eq!(b::walk(&input).unwrap().pixels, 138..154);
    // Without Keep::ICC the profile goes and nothing is duplicated.
    let out = imgstrip::strip(&input, Limits::default()).unwrap();
    assert_eq!(out.len(), input.len());
    // With it, such a profile is refused rather than copied a second time.
    let err = Stripper::new().keep(Keep::ICC).strip(&input).unwrap_err();
    assert!(
        matches!(
            err,
            imgstrip::Error::Malformed {
                format: Format::Bmp,
                offset: 126,
                ..
            }
        ),
        "{err:?}"
    );
}
