//! `Keep::GAIN_MAP` on generated Apple HDR JPEGs: a primary with EXIF (GPS, an Apple maker
//! note), XMP and a comment, an MPF of two images, and a gain map with its own EXIF, comment
//! and Apple XMP; then a trailer. The primary's EXIF has either a bare `Apple iOS` text or
//! an iPhone's maker note with the headroom ([`iphone_exif`]).

use super::apple::Fields;
use super::gainmap::MPF_SIG;
use super::gainmap_tests::{
    app, body_with, default_strip, exif, headers, image_units, keep_gain_map, mpf, mpf_entries,
    seg, GAIN_MAP_ENTROPY, PRIMARY_ENTROPY,
};
use super::hdrgm::XMP_SIG;
use super::*;
use crate::exif::{
    apple_note, apple_tiff, is_headroom_note, read_ifd, read_orientation, AppleHeadroom,
};
use crate::stripper::{contains, run_walker, strip_checked};
use crate::{Limits, Stripper};
use byteorder::BigEndian;

const CANARIES: [&[u8]; 9] = [
    b"PRIMARY-GPS",
    b"APPLE-MAKERNOTE-SERIAL",
    b"PRIMARY-XMP-CREATOR",
    b"PRIMARY-COMMENT",
    b"GAINMAP-GPS",
    b"GAINMAP-XMP-TOOL",
    b"GAINMAP-XMP-CREATOR",
    b"GAINMAP-COMMENT",
    b"TRAILER-CANARY",
];

/// An iPhone gain map's XMP (as in libultrahdr's `ultrahdr_apple_gainmap_new.jpg`), with a
/// toolkit and a creator that must not survive.
const GAIN_MAP_XMP: &str = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="GAINMAP-XMP-TOOL">
   <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
      <rdf:Description rdf:about=""
            xmlns:apdi="http://ns.apple.com/pixeldatainfo/1.0/"
            xmlns:HDRGainMap="http://ns.apple.com/HDRGainMap/1.0/"
            xmlns:dc="http://purl.org/dc/elements/1.1/">
         <apdi:NativeFormat>1278226488</apdi:NativeFormat>
         <apdi:AuxiliaryImageType>urn:com:apple:photo:2020:aux:hdrgainmap</apdi:AuxiliaryImageType>
         <apdi:StoredFormat>1278226488</apdi:StoredFormat>
         <HDRGainMap:HDRGainMapVersion>131072</HDRGainMap:HDRGainMapVersion>
         <HDRGainMap:HDRGainMapHeadroom>4.532783</HDRGainMap:HDRGainMapHeadroom>
         <dc:creator>GAINMAP-XMP-CREATOR</dc:creator>
      </rdf:Description>
   </rdf:RDF>
</x:xmpmeta>"#;

/// A primary's XMP as an editor may leave it: Apple's gain-map version and a creator.
const PRIMARY_XMP: &str = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:HDRGainMap="http://ns.apple.com/HDRGainMap/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" HDRGainMap:HDRGainMapVersion="131072" dc:creator="PRIMARY-XMP-CREATOR"/></rdf:RDF></x:xmpmeta>"#;

fn gain_map(xmp: &str) -> Vec<u8> {
    let mut v = vec![0xFF, SOI];
    v.extend(exif(b"GAINMAP-GPS"));
    v.extend(app(APP1, XMP_SIG, xmp.as_bytes()));
    v.extend(seg(COM, b"GAINMAP-COMMENT"));
    v.extend(image_units(GAIN_MAP_ENTROPY));
    v
}

/// SOI, EXIF (GPS and an Apple maker note without a headroom), XMP, MPF of two images, COM,
/// the image, EOI; then `gain_map` and a trailer. Returns the file and where the gain map
/// starts.
fn apple_hdr(gain_map: &[u8]) -> (Vec<u8>, usize) {
    let primary_exif = exif(b"PRIMARY-GPS Apple iOS\0\0\x01MM APPLE-MAKERNOTE-SERIAL");
    apple_hdr_with(&primary_exif, gain_map)
}

/// HDRHeadroom 82317/54194 and HDRGain 0/1, as the corpus's iPhone files have them.
const HEADROOM: [u8; 8] = [0, 1, 0x41, 0x8D, 0, 0, 0xD3, 0xB2];
const GAIN: [u8; 8] = [0, 0, 0, 0, 0, 0, 0, 1];

/// An iPhone's EXIF APP1 (little- or big-endian TIFF), Orientation `orientation`, whose
/// maker note holds a canary among other tags, and the headroom; then a GPS canary.
fn iphone_exif(little: bool, orientation: u16) -> Vec<u8> {
    let mut body = b"Exif\0\0".to_vec();
    body.extend(apple_tiff(little, orientation, &apple_note(HEADROOM, GAIN)));
    body.extend_from_slice(b"PRIMARY-GPS");
    seg(APP1, &body)
}

/// As [`apple_hdr`], with the primary's EXIF segment `primary_exif`.
fn apple_hdr_with(primary_exif: &[u8], gain_map: &[u8]) -> (Vec<u8>, usize) {
    let build = |mpf_seg: Vec<u8>| {
        let mut v = vec![0xFF, SOI];
        v.extend_from_slice(primary_exif);
        v.extend(app(APP1, XMP_SIG, PRIMARY_XMP.as_bytes()));
        let tiff_at = v.len() + 8;
        v.extend(mpf_seg);
        v.extend(seg(COM, b"PRIMARY-COMMENT"));
        v.extend(image_units(PRIMARY_ENTROPY));
        (v, tiff_at)
    };
    let (draft, tiff_at) = build(mpf(&[(0, 0); 2]));
    let primary_len = u32::try_from(draft.len()).unwrap();
    let gm_offset = primary_len - u32::try_from(tiff_at).unwrap();
    let gm_len = u32::try_from(gain_map.len()).unwrap();
    let (mut v, _) = build(mpf(&[(primary_len, 0), (gm_len, gm_offset)]));
    let gm_at = v.len();
    v.extend_from_slice(gain_map);
    v.extend_from_slice(b"TRAILER-CANARY");
    (v, gm_at)
}

fn apple_fields(jpeg: &[u8]) -> Option<Fields<'_>> {
    Fields::read(body_with(jpeg, APP1, XMP_SIG)?)
}

#[test]
fn keeps_an_apple_gain_map_with_its_apple_fields_only() {
    let gm_in = gain_map(GAIN_MAP_XMP);
    let (input, gm_at) = apple_hdr(&gm_in);
    assert_eq!(&input[gm_at..gm_at + gm_in.len()], gm_in.as_slice());
    let (out, report) = keep_gain_map(&input);
    assert!(out.len() <= crate::max_output_len(input.len()));
    for canary in CANARIES {
        let name = String::from_utf8_lossy(canary);
        assert!(contains(&input, canary), "{name}");
        assert!(!contains(&out, canary), "{name}");
    }
    assert!(report
        .removed
        .contains(Kinds::EXIF | Kinds::XMP | Kinds::COMMENT | Kinds::TRAILER));

    // The MPF points exactly at the gain map's SOI, which follows the primary's EOI.
    let (tiff_at, primary_len, gm_len, gm_offset) = mpf_entries(&out);
    assert_eq!(
        &out[primary_len - 2..primary_len + 2],
        [0xFF, EOI, 0xFF, SOI]
    );
    assert_eq!(tiff_at + gm_offset, primary_len);
    assert_eq!(primary_len + gm_len, out.len());
    let (primary, gm) = out.split_at(primary_len);

    // The primary gets the MPF and nothing else: no EXIF (the maker note goes), no XMP.
    assert_eq!(default_strip(&input), default_strip(primary));
    let app_segments: Vec<u8> = headers(primary)
        .iter()
        .filter(|(m, _)| (0xE1..=0xEF).contains(m))
        .map(|(m, _)| *m)
        .collect();
    assert_eq!(app_segments, [APP2]);
    assert!(body_with(primary, APP2, MPF_SIG).is_some());

    // The gain map: its scan data byte for byte, and a fresh XMP with the same Apple fields
    // as its only metadata segment.
    assert!(gm.ends_with(&image_units(GAIN_MAP_ENTROPY)));
    assert_eq!(apple_fields(gm), apple_fields(&gm_in));
    assert!(apple_fields(gm).is_some());
    let gm_headers = headers(gm);
    let metadata: Vec<u8> = gm_headers
        .iter()
        .filter(|(m, _)| (0xE0..=0xEF).contains(m) || *m == COM)
        .map(|(m, _)| *m)
        .collect();
    assert_eq!(metadata, [APP1]);
    let packet = String::from_utf8_lossy(body_with(gm, APP1, XMP_SIG).unwrap()).into_owned();
    assert!(
        packet.contains("<HDRGainMap:HDRGainMapHeadroom>4.532783</HDRGainMap:HDRGainMapHeadroom>")
    );
    assert!(!packet.contains("dc:") && !packet.contains("xmptk"));

    // The default strip keeps no second image.
    assert_eq!(default_strip(&input), default_strip(&out));
    assert!(default_strip(&input).ends_with(&[0xFF, EOI]));
    assert!(!contains(&default_strip(&input), b"hdrgainmap"));
}

#[test]
fn a_version_one_gain_map_keeps_its_version_without_a_headroom() {
    let old = GAIN_MAP_XMP.replace("131072", "65536").replace(
        "<HDRGainMap:HDRGainMapHeadroom>4.532783</HDRGainMap:HDRGainMapHeadroom>",
        "",
    );
    let gm_in = gain_map(&old);
    let (input, _) = apple_hdr(&gm_in);
    let (out, _) = keep_gain_map(&input);
    let (_, primary_len, _, _) = mpf_entries(&out);
    let gm = &out[primary_len..];
    assert_eq!(apple_fields(gm), apple_fields(&gm_in));
    let packet = String::from_utf8_lossy(body_with(gm, APP1, XMP_SIG).unwrap()).into_owned();
    assert!(packet.contains("<HDRGainMap:HDRGainMapVersion>65536</"));
    assert!(!packet.contains("Headroom"));
    assert!(!contains(&out, b"APPLE-MAKERNOTE-SERIAL"));
}

#[test]
fn an_apple_gain_map_readers_would_not_take_goes_as_without_the_flag() {
    let not_gain_maps = [
        // An auxiliary image of another kind (a depth map).
        GAIN_MAP_XMP.replace("aux:hdrgainmap", "aux:depth"),
        // No version.
        GAIN_MAP_XMP.replace(
            "<HDRGainMap:HDRGainMapVersion>131072</HDRGainMap:HDRGainMapVersion>",
            "",
        ),
        // A field that is not a plain number.
        GAIN_MAP_XMP.replace("4.532783", "4.5; GAINMAP"),
        // Apple's fields under another namespace.
        GAIN_MAP_XMP.replace("ns.apple.com/HDRGainMap/1.0/", "example.com/HDRGainMap/"),
    ];
    for xmp in not_gain_maps {
        let (input, _) = apple_hdr(&gain_map(&xmp));
        let (out, _) = keep_gain_map(&input);
        assert_eq!(out, default_strip(&input), "{xmp}");
    }
    // The MPF offset one byte off, or the size one byte short: the second image is not a
    // whole JPEG where the index says.
    let gm_in = gain_map(GAIN_MAP_XMP);
    let (input, _) = apple_hdr(&gm_in);
    let tiff_at = input.windows(4).position(|w| w == MPF_SIG).unwrap() + 4;
    for (at, delta) in [(tiff_at + 50 + 16 + 8, 1i64), (tiff_at + 50 + 16 + 4, -1)] {
        let mut bad = input.clone();
        let v = i64::from(u32::from_be_bytes(bad[at..at + 4].try_into().unwrap())) + delta;
        bad[at..at + 4].copy_from_slice(&u32::try_from(v).unwrap().to_be_bytes());
        let (out, _) = keep_gain_map(&bad);
        assert_eq!(out, default_strip(&bad));
    }
}

#[test]
fn a_primary_declaring_an_ultra_hdr_gain_map_is_not_read_as_apple() {
    // `hdrgm:Version` in the primary asks for hdrgm fields the Apple gain map lacks. The MP
    // Entry offsets count from the MPF's own TIFF header, so they still hold.
    let (input, _) = apple_hdr(&gain_map(GAIN_MAP_XMP));
    let hdrgm = PRIMARY_XMP.replace(
        "xmlns:dc=",
        "xmlns:hdrgm=\"http://ns.adobe.com/hdr-gain-map/1.0/\" hdrgm:Version=\"1.0\" xmlns:dc=",
    );
    let at = input
        .windows(PRIMARY_XMP.len())
        .position(|w| w == PRIMARY_XMP.as_bytes())
        .unwrap();
    let seg_at = at - XMP_SIG.len() - 4;
    let mut bad = input[..seg_at].to_vec();
    bad.extend(app(APP1, XMP_SIG, hdrgm.as_bytes()));
    bad.extend_from_slice(&input[at + PRIMARY_XMP.len()..]);
    let (out, _) = keep_gain_map(&bad);
    assert_eq!(out, default_strip(&bad));
}

#[test]
fn truncated_or_mutated_apple_files_never_panic() {
    let (plain, _) = apple_hdr(&gain_map(GAIN_MAP_XMP));
    let (with_headroom, _) = apple_hdr_with(&iphone_exif(false, 6), &gain_map(GAIN_MAP_XMP));
    for input in [plain, with_headroom] {
        for len in 0..input.len() {
            let _ = run_walker(strip, &input[..len], Keep::GAIN_MAP, Limits::default());
        }
        for at in 0..input.len() {
            let mut bytes = input.clone();
            bytes[at] ^= 0xFF;
            for keep in [Keep::GAIN_MAP, Keep::DISPLAY] {
                if let Ok((out, _)) = run_walker(strip, &bytes, keep, Limits::default()) {
                    assert!(out.len() <= crate::max_output_len(bytes.len()));
                }
            }
        }
    }
}

/// The TIFF blobs of the Exif APP1 segments before the first scan of `jpeg`.
fn exif_blobs(jpeg: &[u8]) -> Vec<&[u8]> {
    headers(jpeg)
        .into_iter()
        .filter(|(m, b)| *m == APP1 && b.starts_with(b"Exif\0\0"))
        .map(|(_, b)| &b[6..])
        .collect()
}

/// The tags of the IFD at `at` of the big-endian TIFF `tiff`, in order.
fn tags(tiff: &[u8], at: usize) -> Vec<u16> {
    read_ifd::<BigEndian>(tiff, at)
        .unwrap()
        .0
        .map(|e| e.tag)
        .collect()
}

/// Version 2.0 (`GAIN_MAP_XMP`) and 1.0 (no `HDRGainMapHeadroom`) Apple gain maps.
fn both_versions() -> [String; 2] {
    [
        GAIN_MAP_XMP.to_owned(),
        GAIN_MAP_XMP.replace("131072", "65536").replace(
            "<HDRGainMap:HDRGainMapHeadroom>4.532783</HDRGainMap:HDRGainMapHeadroom>",
            "",
        ),
    ]
}

#[test]
fn a_kept_apple_gain_map_keeps_the_headroom_in_a_fresh_maker_note() {
    for xmp in both_versions() {
        for little in [false, true] {
            let exif_in = iphone_exif(little, 1);
            let (input, _) = apple_hdr_with(&exif_in, &gain_map(&xmp));
            let tiff_in = &exif_in[4 + 6..exif_in.len() - b"PRIMARY-GPS".len()];
            let headroom = AppleHeadroom::read(tiff_in).unwrap();
            // Checks idempotence, and the size rule.
            let (out, _) = keep_gain_map(&input);
            for canary in [&b"PRIMARY-GPS"[..], b"APPLE-NOTE-CANARY", b"App\0"] {
                assert!(contains(&input, canary));
                assert!(!contains(&out, canary));
            }
            let (_, primary_len, _, _) = mpf_entries(&out);
            let (primary, gm) = out.split_at(primary_len);
            // The fresh EXIF stands where the input's did, before the MPF.
            let order: Vec<u8> = headers(primary).iter().map(|(m, _)| *m).collect();
            assert_eq!(order[..2], [APP1, APP2]);
            let blobs = exif_blobs(primary);
            assert_eq!(blobs.len(), 1);
            let tiff = blobs[0];
            assert_eq!(tags(tiff, 8), [0x8769]);
            assert_eq!(tags(tiff, 26), [0x927C]);
            let (mut exif_ifd, _) = read_ifd::<BigEndian>(tiff, 26).unwrap();
            let note = exif_ifd.next().unwrap().value::<BigEndian>(tiff).unwrap();
            assert!(is_headroom_note(note));
            assert_eq!(tags(note, 14), [0x0021, 0x0030]);
            assert_eq!(&note[note.len() - 16..], [HEADROOM, GAIN].concat());
            assert_eq!(AppleHeadroom::read(tiff), Some(headroom));
            assert!(exif_blobs(gm).is_empty());
            assert_eq!(apple_fields(gm), apple_fields(&gain_map(&xmp)));
            // The output is clean under the same flags, and its report names nothing in
            // the fresh note.
            let stripper = Stripper::new().keep(Keep::GAIN_MAP);
            assert_eq!(stripper.verify(&out), Ok(()));
            let (_, report) = run_walker(strip, &out, Keep::GAIN_MAP, Limits::default()).unwrap();
            assert!(report.found.is_empty(), "{:?}", report.found);
        }
    }
}

#[test]
fn the_headroom_joins_the_kept_orientation_in_one_fresh_exif() {
    let (input, _) = apple_hdr_with(&iphone_exif(true, 6), &gain_map(GAIN_MAP_XMP));
    let (out, _) = strip_checked(strip, &input, Keep::DISPLAY);
    assert!(out.len() <= input.len());
    let (_, primary_len, _, _) = mpf_entries(&out);
    let blobs = exif_blobs(&out[..primary_len]);
    assert_eq!(blobs.len(), 1);
    assert_eq!(tags(blobs[0], 8), [0x0112, 0x8769]);
    assert_eq!(read_orientation(blobs[0]), Some(6));
    assert!(AppleHeadroom::read(blobs[0]).is_some());
    assert_eq!(Stripper::new().keep(Keep::DISPLAY).verify(&out), Ok(()));
}

#[test]
fn no_maker_note_is_written_when_the_gain_map_goes() {
    let with_headroom =
        |xmp: &str, orientation| apple_hdr_with(&iphone_exif(false, orientation), &gain_map(xmp)).0;
    // Without the flag: no EXIF, or the orientation alone.
    let input = with_headroom(GAIN_MAP_XMP, 6);
    assert!(exif_blobs(&default_strip(&input)).is_empty());
    let (out, _) = strip_checked(strip, &input, Keep::ORIENTATION);
    let blobs = exif_blobs(&out);
    assert_eq!(blobs.len(), 1);
    assert_eq!(tags(blobs[0], 8), [0x0112]);
    assert_eq!(AppleHeadroom::read(blobs[0]), None);
    // With it, but the second image is not a gain map readers would take.
    let depth = GAIN_MAP_XMP.replace("aux:hdrgainmap", "aux:depth");
    let input = with_headroom(&depth, 1);
    let (out, _) = keep_gain_map(&input);
    assert_eq!(out, default_strip(&input));
    assert!(exif_blobs(&out).is_empty());
    let input = with_headroom(&depth, 6);
    let (out, _) = strip_checked(strip, &input, Keep::DISPLAY);
    assert_eq!(
        out,
        strip_checked(strip, &input, Keep::ORIENTATION | Keep::ICC).0
    );
    assert!(!contains(&out, b"Apple iOS"));
    // A maker note with neither tag writes none: the EXIF goes as without a gain map.
    let mut note = apple_note(HEADROOM, GAIN);
    let gain_tag = note.windows(2).position(|w| w == [0x00, 0x30]).unwrap();
    note[gain_tag + 1] = 0x31;
    let headroom_tag = note.windows(2).position(|w| w == [0x00, 0x21]).unwrap();
    note[headroom_tag + 1] = 0x22;
    let mut body = b"Exif\0\0".to_vec();
    body.extend(apple_tiff(false, 1, &note));
    let (input, _) = apple_hdr_with(&seg(APP1, &body), &gain_map(GAIN_MAP_XMP));
    let (out, _) = keep_gain_map(&input);
    assert!(exif_blobs(&out).is_empty());
    assert!(!contains(&out, b"Apple iOS"));
}
