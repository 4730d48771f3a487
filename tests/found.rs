//! `Report::found` names what the removed metadata held, read from the same walk, in every
//! format that carries it: EXIF, XMP, Photoshop/IPTC, comments, text keywords, thumbnails,
//! appended images. What a strip keeps (an ICC profile) is not reported as found.

mod common;

use common::{tiff_le, Entry};
use imgstrip::{Found, Keep, Report, Stripper};

/// IFD0 with a camera, a person, a time and a program (TIFF tags 271, 315, 306, 305).
fn camera_tiff() -> Vec<u8> {
    tiff_le(
        &[
            Entry::ascii(0x010F, "CANARY-MAKE"),
            Entry::ascii(0x013B, "Eve Example"),
            Entry::ascii(0x0132, "2024:05:06 07:08:09"),
            Entry::ascii(0x0131, "CANARY-SOFTWARE"),
        ],
        &[],
        None,
    )
}

const CAMERA: Found = Found::DEVICE
    .union(Found::PERSON)
    .union(Found::CAPTURE_TIME)
    .union(Found::SOFTWARE);

const XMP_GPS: &[u8] = b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF \
    xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Description \
    xmlns:exif='http://ns.adobe.com/exif/1.0/' exif:GPSLatitude='48,51.5N'/></rdf:RDF></x:xmpmeta>";

fn strip(input: &[u8], keep: Keep) -> Report {
    let out = Stripper::new().keep(keep).strip(input).unwrap();
    assert!(
        common::find(&out.data, b"CANARY").is_none(),
        "a canary survived"
    );
    out.report
}

/// A JPEG with `segments` after SOI (and JFIF).
fn jpeg_with(segments: &[Vec<u8>], trailer: &[u8]) -> Vec<u8> {
    let plain = common::sample_jpeg(8, 8, 3);
    let mut v = plain[..2].to_vec();
    for s in segments {
        v.extend_from_slice(s);
    }
    v.extend_from_slice(&plain[2..]);
    v.extend_from_slice(trailer);
    v
}

#[test]
fn jpeg_exif_xmp_comment_and_appended_image() {
    use common::jpeg::{app, com};
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend_from_slice(&camera_tiff());
    let second = common::sample_jpeg(4, 4, 9);
    let input = jpeg_with(
        &[
            app(1, b"", &exif),
            app(1, b"http://ns.adobe.com/xap/1.0/\0", XMP_GPS),
            com(b"CANARY comment"),
        ],
        &second,
    );
    let found = strip(&input, Keep::empty()).found;
    assert_eq!(
        found,
        CAMERA | Found::GPS | Found::COMMENT | Found::EMBEDDED_MEDIA
    );
    // An EXIF reduced to its orientation still held all of it.
    assert!(strip(&input, Keep::DISPLAY).found.contains(CAMERA));
    // The plain picture holds nothing to name.
    assert_eq!(
        strip(&common::sample_jpeg(8, 8, 3), Keep::empty()).found,
        Found::empty()
    );
}

#[test]
fn png_exif_xmp_and_text_keywords() {
    use common::png::{chunk, itxt, text};
    let plain = common::sample_png(4, 4, 1);
    let mut input = plain[..33].to_vec(); // signature + IHDR
    input.extend(chunk(b"eXIf", &camera_tiff()));
    input.extend(itxt(b"XML:com.adobe.xmp", b"", b"", XMP_GPS));
    input.extend(text(b"Comment", b"CANARY comment"));
    input.extend_from_slice(&plain[33..]);
    let report = strip(&input, Keep::empty());
    assert_eq!(report.found, CAMERA | Found::GPS | Found::COMMENT);

    let mut only_text = plain[..33].to_vec();
    only_text.extend(text(b"Author", b"CANARY author"));
    only_text.extend(text(b"Title", b"CANARY title"));
    only_text.extend_from_slice(&plain[33..]);
    assert_eq!(strip(&only_text, Keep::empty()).found, Found::PERSON);
}

#[test]
fn webp_exif_and_xmp_chunks() {
    use common::webp::{chunk, first_chunk, riff, sample_webp, vp8x};
    let image = first_chunk(&sample_webp(4, 4, 2));
    let input = riff(&[
        &vp8x(0x0C, 4, 4),
        &image,
        &chunk(b"EXIF", &camera_tiff()),
        &chunk(b"XMP ", XMP_GPS),
    ]);
    assert_eq!(strip(&input, Keep::empty()).found, CAMERA | Found::GPS);
}

#[test]
fn gif_comment_and_xmp() {
    use common::gif::{comment, xmp};
    let plain = common::sample_gif(4, 4, 1);
    let screen = 13 + 3 * (2 << (plain[10] & 7)) * usize::from(plain[10] >> 7);
    let mut input = plain[..screen].to_vec();
    input.extend(comment(b"CANARY comment"));
    input.extend(xmp(XMP_GPS));
    input.extend_from_slice(&plain[screen..]);
    assert_eq!(
        strip(&input, Keep::empty()).found,
        Found::COMMENT | Found::GPS
    );
}

/// A kept profile is not something found and removed.
#[test]
fn a_kept_icc_profile_is_not_reported() {
    use common::jpeg::app;
    let mut icc = b"ICC_PROFILE\0\x01\x01".to_vec();
    icc.extend_from_slice(&[0; 128]);
    let input = jpeg_with(&[app(2, b"", &icc)], b"");
    assert_eq!(strip(&input, Keep::ICC).found, Found::empty());
}

/// The corpus's camera photos: what exiftool reads in them, the report names.
#[test]
fn camera_photos_in_the_corpus_name_gps_serial_number_and_capture_time() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let cases: [(&str, Found); 9] = [
        (
            "jpeg/mei_Apple_iPhone_4.jpg",
            Found::GPS | Found::CAPTURE_TIME | Found::DEVICE,
        ),
        (
            "jpeg/mei_Panasonic_Lumix_DMC-LX7.jpg",
            Found::SERIAL_NUMBER | Found::CAPTURE_TIME | Found::DEVICE | Found::PERSON,
        ),
        ("jpeg/exiftool_Google.jpg", Found::GPS | Found::CAPTURE_TIME),
        (
            "jpeg/exiftool_GoPro.jpg",
            Found::GPS | Found::CAPTURE_TIME | Found::DEVICE | Found::SERIAL_NUMBER,
        ),
        // The serial numbers and capture time of a thermal camera are in its FLIR APP1
        // segments' CameraInfo record, not in EXIF.
        (
            "jpeg/mei_FLIR_Vue_Pro_640.jpg",
            Found::GPS | Found::CAPTURE_TIME | Found::DEVICE | Found::SERIAL_NUMBER,
        ),
        // A Nintendo 3DS: the serial number in its maker note's CameraInfo record.
        (
            "jpeg/pillow_sugarshack_bad_mpo_header.jpg",
            Found::SERIAL_NUMBER | Found::CAPTURE_TIME | Found::DEVICE,
        ),
        // HEIF Exif items: one with an `Exif\0\0` prefix, one whose TIFF offset field
        // skips a whole JPEG APP1 header; an XMP `mime` item.
        (
            "heif/mei_IMG_1034.heic",
            Found::GPS | Found::CAPTURE_TIME | Found::DEVICE,
        ),
        (
            "heif/pillowheif_xiaomi.heic",
            Found::GPS | Found::CAPTURE_TIME | Found::DEVICE,
        ),
        ("heif/pillowheif_L_xmp_latin1.heic", Found::PERSON),
    ];
    for (name, expected) in cases {
        let input = std::fs::read(corpus.join(name)).unwrap();
        let found = imgstrip::Stripper::new().inspect(&input).unwrap().found;
        assert!(
            found.contains(expected),
            "{name}: found {found:?}, expected {expected:?}"
        );
    }
}

/// A gain map kept under `Keep::DISPLAY` is not media found and removed; under the default
/// strip it goes, and the report says an embedded image went.
#[test]
fn a_kept_gain_map_is_not_reported_as_removed_media() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let input = std::fs::read(corpus.join("jpeg/libavif_seine_sdr_gainmap_srgb.jpg")).unwrap();
    let removed = Stripper::new().inspect(&input).unwrap().found;
    assert!(removed.contains(Found::EMBEDDED_MEDIA), "{removed:?}");
    let kept = Stripper::new()
        .keep(Keep::DISPLAY)
        .inspect(&input)
        .unwrap()
        .found;
    assert!(!kept.contains(Found::EMBEDDED_MEDIA), "{kept:?}");
    assert!(kept.contains(Found::GPS | Found::CAPTURE_TIME), "{kept:?}");
}
