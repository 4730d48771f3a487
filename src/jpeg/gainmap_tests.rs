//! `Keep::GAIN_MAP` on generated Ultra HDR JPEGs: a primary and a gain map with canaries in
//! every metadata place of both, a third MPF image and a trailer.

use super::gainmap::{ISO_SIG, MPF_SIG};
use super::hdrgm::{self, Directory, Fields, XMP_SIG};
use super::*;
use crate::stripper::{contains, exif_tiff, run_walker, strip_checked};
use crate::Limits;

pub(super) fn seg(marker: u8, body: &[u8]) -> Vec<u8> {
    let mut v = vec![0xFF, marker];
    v.extend_from_slice(&u16::try_from(body.len() + 2).unwrap().to_be_bytes());
    v.extend_from_slice(body);
    v
}

pub(super) fn app(marker: u8, sig: &[u8], payload: &[u8]) -> Vec<u8> {
    seg(marker, &[sig, payload].concat())
}

/// DQT, SOF0 (1×1, one component), DHT-less scan with `entropy`, EOI: the image units a
/// strip keeps byte for byte.
pub(super) fn image_units(entropy: &[u8]) -> Vec<u8> {
    let mut v = seg(DQT, &[0; 65]);
    v.extend(seg(0xC0, &[8, 0, 1, 0, 1, 1, 1, 0x11, 0]));
    v.extend(seg(SOS, &[1, 1, 0x00, 0, 63, 0]));
    v.extend_from_slice(entropy);
    v.extend_from_slice(&[0xFF, EOI]);
    v
}

pub(super) const PRIMARY_ENTROPY: &[u8] = &[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56];
pub(super) const GAIN_MAP_ENTROPY: &[u8] = &[0xAB, 0xCD, 0xFF, 0x00, 0xEF, 0x01, 0xFF, 0xD1, 0x23];

/// Every canary the inputs below carry; none may survive.
const CANARIES: [&[u8]; 10] = [
    b"PRIMARY-GPS",
    b"PRIMARY-XMP-CREATOR",
    b"PRIMARY-COMMENT",
    b"GAINMAP-GPS",
    b"GAINMAP-XMP-TOOL",
    b"GAINMAP-COMMENT",
    b"GAINMAP-MPF-ATTR",
    b"THIRD-IMAGE",
    b"TRAILER-CANARY",
    b"GPS-CANARY",
];

pub(super) fn exif(canary: &[u8]) -> Vec<u8> {
    let mut b = b"Exif\0\0".to_vec();
    b.extend(exif_tiff(1));
    b.extend_from_slice(canary);
    seg(APP1, &b)
}

/// ISO 21496-1 metadata: versions 0, flags 0x08 (one channel, a common denominator), then
/// the denominator, two headrooms and five per-channel numerators.
fn iso_metadata() -> Vec<u8> {
    let mut m = vec![0, 0, 0, 0, 0x08];
    for n in [1000u32, 0, 1300, 0, 1277, 1000, 16, 16] {
        m.extend_from_slice(&n.to_be_bytes());
    }
    m
}

const GAIN_MAP_XMP: &str = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="GAINMAP-XMP-TOOL">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:hdrgm="http://ns.adobe.com/hdr-gain-map/1.0/"
   hdrgm:Version="1.0" hdrgm:BaseRenditionIsHDR="False" hdrgm:OffsetSDR="0.015625"
   hdrgm:OffsetHDR = '0.015625' hdrgm:HDRCapacityMin="0" hdrgm:HDRCapacityMax="1.3"
   hdrgm:Gamma="1">
   <hdrgm:GainMapMin>-0.25</hdrgm:GainMapMin>
   <hdrgm:GainMapMax>
    <rdf:Seq>
     <rdf:li>1.277177</rdf:li>
     <rdf:li>1.2772e0</rdf:li>
     <rdf:li>+1.28</rdf:li>
    </rdf:Seq>
   </hdrgm:GainMapMax>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>"#;

/// A gain-map JPEG with `xmp` (and an ISO APP2 when `iso`), EXIF with GPS, a comment and an
/// MP Attribute APP2 of its own.
fn gain_map(xmp: &str, iso: bool) -> Vec<u8> {
    let mut v = vec![0xFF, SOI];
    v.extend(exif(b"GAINMAP-GPS"));
    v.extend(app(APP1, XMP_SIG, xmp.as_bytes()));
    if iso {
        v.extend(app(APP2, ISO_SIG, &iso_metadata()));
    }
    v.extend(app(APP2, MPF_SIG, b"MM\0\x2A\0\0\0\x08GAINMAP-MPF-ATTR"));
    v.extend(seg(COM, b"GAINMAP-COMMENT"));
    v.extend(image_units(GAIN_MAP_ENTROPY));
    v
}

fn third_image() -> Vec<u8> {
    let mut v = vec![0xFF, SOI];
    v.extend(seg(COM, b"THIRD-IMAGE"));
    v.extend(image_units(&[0x77]));
    v
}

/// An MPF APP2 (big-endian) with one MP Entry per `(size, offset)`.
pub(super) fn mpf(entries: &[(u32, u32)]) -> Vec<u8> {
    let n = u32::try_from(entries.len()).unwrap();
    let mut t = b"MM\0\x2A\0\0\0\x08".to_vec();
    t.extend_from_slice(&3u16.to_be_bytes());
    for (tag, kind, count, value) in [
        (0xB000u16, 7u16, 4u32, u32::from_be_bytes(*b"0100")),
        (0xB001, 4, 1, n),
        (0xB002, 7, 16 * n, 50),
    ] {
        t.extend_from_slice(&tag.to_be_bytes());
        t.extend_from_slice(&kind.to_be_bytes());
        t.extend_from_slice(&count.to_be_bytes());
        t.extend_from_slice(&value.to_be_bytes());
    }
    t.extend_from_slice(&[0; 4]);
    for (i, (size, offset)) in entries.iter().enumerate() {
        let attribute: u32 = if i == 0 { 0x0003_0000 } else { 0 };
        for field in [attribute, *size, *offset] {
            t.extend_from_slice(&field.to_be_bytes());
        }
        t.extend_from_slice(&[0; 4]);
    }
    app(APP2, MPF_SIG, &t)
}

fn primary_xmp(gain_map_len: usize) -> String {
    format!(
        r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:hdrgm="http://ns.adobe.com/hdr-gain-map/1.0/"
 xmlns:Container="http://ns.google.com/photos/1.0/container/"
 xmlns:Item="http://ns.google.com/photos/1.0/container/item/"
 hdrgm:Version="1.0" dc:creator="PRIMARY-XMP-CREATOR">
<Container:Directory><rdf:Seq>
<rdf:li rdf:parseType="Resource"><Container:Item Item:Semantic="Primary" Item:Mime="image/jpeg"/></rdf:li>
<rdf:li rdf:parseType="Resource"><Container:Item Item:Length="{gain_map_len}" Item:Semantic="GainMap" Item:Mime="image/jpeg"/></rdf:li>
</rdf:Seq></Container:Directory></rdf:Description></rdf:RDF></x:xmpmeta>"#
    )
}

/// How the primary describes its gain map, for the inconsistent cases.
#[derive(Clone)]
struct Spec {
    xmp: Option<String>,
    iso: bool,
    gain_map: Vec<u8>,
    /// Added to the gain map's MP Entry offset and to its GContainer length.
    offset_shift: i64,
    length_shift: i64,
    /// Segments between the primary's COM and its image units.
    before_image: Vec<u8>,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            xmp: Some(String::new()),
            iso: true,
            gain_map: gain_map(GAIN_MAP_XMP, true),
            offset_shift: 0,
            length_shift: 0,
            before_image: Vec::new(),
        }
    }
}

/// SOI, EXIF with GPS, XMP (directory + a dc:creator), ISO version APP2, MPF of three
/// images, COM, the image, EOI; then the gain map, a third image and a trailer. Returns the
/// file and where the gain map starts.
fn ultra_hdr(spec: &Spec) -> (Vec<u8>, usize) {
    let third = third_image();
    let build = |mpf_seg: Vec<u8>| {
        let mut v = vec![0xFF, SOI];
        v.extend(exif(b"PRIMARY-GPS"));
        if spec.xmp.is_some() {
            let len = spec.gain_map.len() as i64 + spec.length_shift;
            v.extend(app(APP1, XMP_SIG, primary_xmp(len as usize).as_bytes()));
        }
        if spec.iso {
            v.extend(app(APP2, ISO_SIG, &[0, 0, 0, 0]));
        }
        let tiff_at = v.len() + 8;
        v.extend(mpf_seg);
        v.extend(seg(COM, b"PRIMARY-COMMENT"));
        v.extend(&spec.before_image);
        v.extend(image_units(PRIMARY_ENTROPY));
        (v, tiff_at)
    };
    let (draft, _) = build(mpf(&[(0, 0); 3]));
    let primary_len = u32::try_from(draft.len()).unwrap();
    let (gm_len, third_len) = (spec.gain_map.len() as u32, third.len() as u32);
    let tiff_at = build(mpf(&[(0, 0); 3])).1 as u32;
    let gm_offset = (i64::from(primary_len - tiff_at) + spec.offset_shift) as u32;
    let entries = [
        (primary_len, 0),
        (gm_len, gm_offset),
        (third_len, primary_len + gm_len - tiff_at),
    ];
    let (mut v, _) = build(mpf(&entries));
    let gm_at = v.len();
    v.extend(&spec.gain_map);
    v.extend(third);
    v.extend_from_slice(b"TRAILER-CANARY");
    (v, gm_at)
}

pub(super) fn keep_gain_map(input: &[u8]) -> (Vec<u8>, Report) {
    let (out, report) = strip_checked(strip, input, Keep::GAIN_MAP);
    assert!(
        out.len() <= input.len(),
        "grew {} -> {}",
        input.len(),
        out.len()
    );
    (out, report)
}

pub(super) fn default_strip(input: &[u8]) -> Vec<u8> {
    strip_checked(strip, input, Keep::empty()).0
}

/// Each segment of the JPEG at the start of `data` up to its first SOS: (marker, body).
pub(super) fn headers(data: &[u8]) -> Vec<(u8, &[u8])> {
    let mut out = Vec::new();
    let mut at = 2;
    while data[at + 1] != SOS {
        let len = usize::from(u16::from_be_bytes([data[at + 2], data[at + 3]]));
        out.push((data[at + 1], &data[at + 4..at + 2 + len]));
        at += 2 + len;
    }
    out
}

pub(super) fn body_with<'a>(data: &'a [u8], marker: u8, sig: &[u8]) -> Option<&'a [u8]> {
    headers(data)
        .into_iter()
        .find(|(m, b)| *m == marker && b.starts_with(sig))
        .map(|(_, b)| &b[sig.len()..])
}

/// The primary's MPF: (TIFF header offset, primary size, gain map size, gain map offset).
pub(super) fn mpf_entries(out: &[u8]) -> (usize, usize, usize, usize) {
    let tiff = body_with(out, APP2, MPF_SIG).expect("an MPF in the primary");
    let tiff_at = tiff.as_ptr() as usize - out.as_ptr() as usize;
    let be = |at: usize| u32::from_be_bytes(tiff[at..at + 4].try_into().unwrap()) as usize;
    assert_eq!(&tiff[..8], b"MM\0\x2A\0\0\0\x08");
    assert_eq!(be(8 + 2 + 12 + 8), 2, "NumberOfImages");
    (tiff_at, be(50 + 4), be(50 + 16 + 4), be(50 + 16 + 8))
}

#[test]
fn keeps_the_gain_map_and_only_what_applies_it() {
    let (input, gm_at) = ultra_hdr(&Spec::default());
    let input_gm = &input[gm_at..gm_at + Spec::default().gain_map.len()];
    let (out, report) = keep_gain_map(&input);
    for canary in CANARIES {
        assert!(
            contains(&input, canary),
            "{}",
            String::from_utf8_lossy(canary)
        );
        assert!(
            !contains(&out, canary),
            "{}",
            String::from_utf8_lossy(canary)
        );
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
    assert_eq!(default_strip(&input), default_strip(primary));

    // The gain map's image units, scan data included, are copied byte for byte.
    let units = image_units(GAIN_MAP_ENTROPY);
    assert!(input_gm.ends_with(&units) && gm.ends_with(&units));
    // The primary's XMP: the version and a directory with the new length, nothing else.
    let xmp = body_with(primary, APP1, XMP_SIG).unwrap();
    assert_eq!(
        hdrgm::directory(xmp),
        Directory::GainMap(Some(gm_len as u64))
    );
    assert_eq!(hdrgm::primary_version(xmp), Some(&b"1.0"[..]));
    assert_eq!(body_with(primary, APP2, ISO_SIG), Some(&[0u8, 0, 0, 0][..]));
    // The gain map's: the same hdrgm fields, its ISO metadata byte for byte, no MPF.
    fn fields(jpeg: &[u8]) -> Option<Fields<'_>> {
        Fields::read(body_with(jpeg, APP1, XMP_SIG).unwrap())
    }
    assert_eq!(fields(gm), fields(input_gm));
    assert!(fields(gm).is_some());
    assert_eq!(body_with(gm, APP2, ISO_SIG), Some(&iso_metadata()[..]));
    assert_eq!(body_with(gm, APP2, MPF_SIG), None);
    let kinds: Vec<u8> = headers(gm).iter().map(|(m, _)| *m).collect();
    assert_eq!(kinds, [APP1, APP2, DQT, 0xC0]);
}

#[test]
fn display_keeps_the_gain_map_and_default_strip_drops_everything_after_eoi() {
    let (input, _) = ultra_hdr(&Spec::default());
    let display = strip_checked(strip, &input, Keep::DISPLAY).0;
    assert_eq!(
        mpf_entries(&display).2 + mpf_entries(&display).1,
        display.len()
    );
    let plain = default_strip(&input);
    assert!(plain.ends_with(&image_units(PRIMARY_ENTROPY)));
    assert!(!contains(&plain, GAIN_MAP_ENTROPY));
    assert!(!contains(&plain, b"hdrgm") && !contains(&plain, MPF_SIG));
    // The gain-map flag alone changes nothing in a file without a gain map.
    let mut lone = vec![0xFF, SOI];
    lone.extend(app(APP1, XMP_SIG, primary_xmp(5).as_bytes()));
    lone.extend(image_units(PRIMARY_ENTROPY));
    lone.extend(gain_map(GAIN_MAP_XMP, true));
    assert_eq!(keep_gain_map(&lone).0, default_strip(&lone));
}

#[test]
fn fresh_segments_go_before_the_first_kept_coding_segment_so_a_second_strip_keeps_them_there() {
    // A segment the strip drops (a reserved JPG0; a DNL before any scan, which is misplaced)
    // before a kept APPn (a second JFIF, an Adobe APP14, an ICC profile): the fresh XMP and
    // MPF must follow that APPn, or stripping the output again would move them past it.
    let jfif = b"JFIF\0\x01\x02\0\0\x01\0\x01\0\0";
    let adobe = b"Adobe\0\x64\0\0\0\0\x01";
    for (dropped, kept) in [
        (seg(0xF0, b"RESERVED"), seg(APP0, jfif)),
        (seg(DNL, &[0, 8]), seg(APP14, adobe)),
        // A kept ICC profile is copied whole, as a coding segment is, but is not one.
        (
            seg(DNL, &[0, 8]),
            app(APP2, b"ICC_PROFILE\0", b"\x01\x01PROFILE"),
        ),
    ] {
        let spec = Spec {
            before_image: [dropped, kept.clone()].concat(),
            ..Spec::default()
        };
        let (input, _) = ultra_hdr(&spec);
        // strip_checked strips the output again and asserts the same bytes.
        let (out, _) = strip_checked(strip, &input, Keep::DISPLAY);
        let kinds: Vec<u8> = headers(&out).iter().map(|(m, _)| *m).collect();
        assert_eq!(&kinds[..4], [kept[1], APP1, APP2, APP2], "{kinds:x?}");
        assert_eq!(mpf_entries(&out).1 + mpf_entries(&out).2, out.len());
    }
}

#[test]
fn iso_only_gain_map_keeps_its_iso_metadata_and_gets_no_xmp() {
    let spec = Spec {
        xmp: None,
        gain_map: {
            let mut v = vec![0xFF, SOI];
            v.extend(app(APP2, ISO_SIG, &iso_metadata()));
            v.extend(image_units(GAIN_MAP_ENTROPY));
            v
        },
        ..Spec::default()
    };
    let (input, _) = ultra_hdr(&spec);
    let (out, _) = keep_gain_map(&input);
    let (_, primary_len, gm_len, _) = mpf_entries(&out);
    assert_eq!(primary_len + gm_len, out.len());
    assert!(!contains(&out, XMP_SIG));
    assert_eq!(
        body_with(&out[primary_len..], APP2, ISO_SIG),
        Some(&iso_metadata()[..])
    );
}

#[test]
fn an_inconsistent_gain_map_goes_as_without_the_flag() {
    let bad_value = GAIN_MAP_XMP.replace("hdrgm:Gamma=\"1\"", "hdrgm:Gamma=\"1 CANARY\"");
    let not_jpeg = {
        let mut v = gain_map(GAIN_MAP_XMP, true);
        v[1] = 0xD9;
        v
    };
    let no_metadata = {
        let mut v = vec![0xFF, SOI];
        v.extend(image_units(GAIN_MAP_ENTROPY));
        v
    };
    let versions_only = {
        let mut v = vec![0xFF, SOI];
        v.extend(app(APP2, ISO_SIG, &[0, 0, 0, 0]));
        v.extend(image_units(GAIN_MAP_ENTROPY));
        v
    };
    let cases = [
        (
            "an ISO APP2 holding only versions, and no XMP",
            Spec {
                gain_map: versions_only,
                ..Spec::default()
            },
        ),
        (
            "offset past the end",
            Spec {
                offset_shift: 1 << 20,
                ..Spec::default()
            },
        ),
        (
            "offset inside the primary",
            Spec {
                offset_shift: -40,
                ..Spec::default()
            },
        ),
        (
            "offset one byte late",
            Spec {
                offset_shift: 1,
                ..Spec::default()
            },
        ),
        (
            "GContainer length disagrees",
            Spec {
                length_shift: 1,
                ..Spec::default()
            },
        ),
        (
            "second image not a JPEG",
            Spec {
                gain_map: not_jpeg,
                ..Spec::default()
            },
        ),
        (
            "no gain-map metadata",
            Spec {
                gain_map: no_metadata,
                ..Spec::default()
            },
        ),
        (
            "a value that is not a number, and no ISO",
            Spec {
                gain_map: gain_map(&bad_value, false),
                ..Spec::default()
            },
        ),
        (
            "no declaration in the primary",
            Spec {
                xmp: None,
                iso: false,
                ..Spec::default()
            },
        ),
    ];
    for (what, spec) in cases {
        let (input, _) = ultra_hdr(&spec);
        let out = keep_gain_map(&input).0;
        assert_eq!(out, default_strip(&input), "{what}");
    }
}

#[test]
fn a_broken_iso_segment_goes_and_the_xmp_still_carries_the_gain_map() {
    let mut gm = gain_map(GAIN_MAP_XMP, false);
    let mut long = iso_metadata();
    long.extend_from_slice(b"ISO-CANARY");
    let at = 2;
    let iso = app(APP2, ISO_SIG, &long);
    gm.splice(at..at, iso);
    let (input, _) = ultra_hdr(&Spec {
        gain_map: gm,
        iso: false,
        ..Spec::default()
    });
    let (out, _) = keep_gain_map(&input);
    assert!(!contains(&out, b"ISO-CANARY") && !contains(&out, ISO_SIG));
    let (_, primary_len, gm_len, _) = mpf_entries(&out);
    assert_eq!(primary_len + gm_len, out.len());
}

#[test]
fn truncated_or_mutated_ultra_hdr_files_never_panic() {
    let (input, _) = ultra_hdr(&Spec::default());
    for len in 0..input.len() {
        let _ = run_walker(strip, &input[..len], Keep::GAIN_MAP, Limits::default());
    }
    for at in 0..input.len() {
        let mut bytes = input.clone();
        bytes[at] ^= 0xFF;
        if let Ok((out, _)) = run_walker(strip, &bytes, Keep::GAIN_MAP, Limits::default()) {
            assert!(out.len() <= bytes.len() + 64);
        }
    }
}

#[test]
fn reads_hdrgm_values_only_in_their_plain_forms() {
    let xmp = GAIN_MAP_XMP.as_bytes();
    let fields = Fields::read(xmp).unwrap();
    assert_eq!(fields.version(), Some(&b"1.0"[..]));
    let without_ns = GAIN_MAP_XMP.replace("xmlns:hdrgm", "xmlns:other");
    assert_eq!(Fields::read(without_ns.as_bytes()), None);
    let without_max = GAIN_MAP_XMP.replace("hdrgm:HDRCapacityMax=\"1.3\"", "");
    assert_eq!(Fields::read(without_max.as_bytes()), None);
    for bad in ["1e", "--1", "1.2.3", "0x10", "1,5", "", "1 2"] {
        let xmp = GAIN_MAP_XMP.replace("hdrgm:Gamma=\"1\"", &format!("hdrgm:Gamma=\"{bad}\""));
        assert_eq!(Fields::read(xmp.as_bytes()), None, "{bad}");
    }
    let two = GAIN_MAP_XMP.replace("<rdf:li>+1.28</rdf:li>", "");
    assert_eq!(Fields::read(two.as_bytes()), None);
    let mut out = Vec::new();
    hdrgm::write_gain_map_xmp(&fields, &mut out);
    assert_eq!(Fields::read(&out[XMP_SIG.len()..]), Some(fields));
    assert_eq!(
        hdrgm::measure(|s| hdrgm::write_gain_map_xmp(&fields, s)),
        out.len()
    );
}

#[test]
fn a_primary_declaring_by_iso_only_gets_no_xmp_and_its_gain_map_keeps_both() {
    let (input, _) = ultra_hdr(&Spec {
        xmp: None,
        ..Spec::default()
    });
    let (out, _) = keep_gain_map(&input);
    let (_, primary_len, gm_len, _) = mpf_entries(&out);
    let (primary, gm) = out.split_at(primary_len);
    assert_eq!(gm.len(), gm_len);
    assert_eq!(body_with(primary, APP1, XMP_SIG), None);
    assert_eq!(body_with(primary, APP2, ISO_SIG), Some(&[0u8, 0, 0, 0][..]));
    assert!(Fields::read(body_with(gm, APP1, XMP_SIG).unwrap()).is_some());
    assert_eq!(body_with(gm, APP2, ISO_SIG), Some(&iso_metadata()[..]));
}

#[test]
fn reading_a_hostile_packet_takes_linear_work() {
    // Many openers of one field and no closer: each read must not scan to the end again.
    let packet = |n: usize| {
        let mut p =
            String::from(r#"<x:xmpmeta xmlns:hdrgm="http://ns.adobe.com/hdr-gain-map/1.0/">"#);
        for _ in 0..n {
            p.push_str("<hdrgm:Gamma> hdrgm:Version=\"1 <Container:Item Item:Semantic=\"GainMap ");
        }
        p.push_str(r#"xmlns:Container="http://ns.google.com/photos/1.0/container/""#);
        p
    };
    let work = |n: usize| {
        let xmp = packet(n);
        crate::work::take();
        let _ = Fields::read(xmp.as_bytes());
        let _ = hdrgm::primary_version(xmp.as_bytes());
        let _ = hdrgm::directory(xmp.as_bytes());
        crate::work::take() as f64
    };
    let ratio = work(4000) / work(1000);
    assert!(ratio < 4.5, "work(4N) / work(N) = {ratio}");
}

#[test]
fn an_adobe_style_primary_keeps_its_version_without_a_directory() {
    let spec = Spec::default();
    let (mut input, _) = ultra_hdr(&spec);
    // Cut the directory out of the primary's XMP, keeping its length (spaces): the MPF
    // offsets stay right.
    let text = String::from_utf8_lossy(&input).into_owned();
    let start = text.find("<Container:Directory>").unwrap();
    let end = text.find("</Container:Directory>").unwrap() + "</Container:Directory>".len();
    input[start..end].fill(b' ');
    let (out, _) = keep_gain_map(&input);
    let (_, primary_len, gm_len, _) = mpf_entries(&out);
    assert_eq!(primary_len + gm_len, out.len());
    let xmp = body_with(&out, APP1, XMP_SIG).unwrap();
    assert_eq!(hdrgm::primary_version(xmp), Some(&b"1.0"[..]));
    assert_eq!(hdrgm::directory(xmp), Directory::None);
    assert!(!contains(xmp, b"Container"));
}
