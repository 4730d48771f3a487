//! The sample photo the README strips, `examples/data/sample.jpg`, is made here from code:
//! a 160×120 picture encoded by the `image` crate, with what a phone or camera writes into
//! a photo added around it: EXIF (camera, serial numbers, capture time, GPS position, a
//! thumbnail), XMP (creator, city, GPS), an ICC profile, IPTC (by-line, city) and a comment.
//!
//! `sample_photo_is_what_this_test_makes` fails when the file and this code disagree;
//! `BLESS=1 cargo test --test sample` writes the file anew.

mod common;

use std::path::Path;

use common::jpeg::{app, com};
use imgstrip::{Kinds, Limits, Stripper};

const SAMPLE: &str = "examples/data/sample.jpg";

/// What identifies the photo's author, each of which must be gone after a strip.
const SECRETS: &[&str] = &[
    "Jane Example",
    "SN-0042-SAMPLE",
    "LENS-7731",
    "Paris",
    "2026:06:14",
    "Eiffel",
    "Sample Camera",
    "imgstrip sample",
];

#[test]
fn sample_photo_is_what_this_test_makes() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(SAMPLE);
    let made = sample();
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, &made).unwrap();
    }
    let shipped = std::fs::read(&path).unwrap();
    assert!(
        shipped == made,
        "{SAMPLE} differs from what tests/sample.rs makes: run BLESS=1 cargo test --test sample"
    );
}

#[test]
fn sample_photo_strips_to_its_own_pixels_without_a_trace_of_its_author() {
    let input = sample();
    let out = Stripper::new().strip(&input).unwrap();
    let expected = Kinds::EXIF | Kinds::XMP | Kinds::ICC | Kinds::IPTC | Kinds::COMMENT;
    assert_eq!(out.report.removed, expected);
    for secret in SECRETS {
        assert!(
            common::find(&input, secret.as_bytes()).is_some(),
            "the sample carries {secret:?}"
        );
        assert!(
            common::find(&out.data, secret.as_bytes()).is_none(),
            "{secret:?} survived"
        );
    }
    let decode = |bytes: &[u8]| image::load_from_memory(bytes).unwrap().to_rgb8();
    assert_eq!(decode(&out.data), decode(&input));
    assert_eq!((out.report.width, out.report.height), (160, 120));
    // Everything but the picture itself is gone: the output is the encoder's own file.
    assert_eq!(out.data, picture());
    assert_eq!(
        imgstrip::strip(&out.data, Limits::default()).unwrap(),
        out.data
    );
}

/// The sample: SOI, the encoder's JFIF APP0, then the metadata, then the encoder's tables,
/// frame and scan.
fn sample() -> Vec<u8> {
    let picture = picture();
    let (head, rest) = picture.split_at(2 + 18); // SOI, APP0 JFIF (16-byte body)
    assert_eq!(&head[2..4], &[0xFF, 0xE0], "the encoder writes JFIF first");
    let mut out = head.to_vec();
    out.extend(app(1, b"Exif\0\0", &exif()));
    out.extend(app(1, b"http://ns.adobe.com/xap/1.0/\0", XMP.as_bytes()));
    out.extend(app(2, b"ICC_PROFILE\0\x01\x01", &icc_profile()));
    out.extend(app(13, b"Photoshop 3.0\0", &photoshop_iptc()));
    out.extend(com(b"Taken by Jane Example from the Eiffel Tower"));
    out.extend_from_slice(rest);
    out
}

/// The picture alone, as the `image` crate's encoder writes it: a sky, a sun, hills.
fn picture() -> Vec<u8> {
    encode(&scene(160, 120), 85)
}

fn encode(image: &image::RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(image)
        .unwrap();
    out
}

fn scene(width: u32, height: u32) -> image::RgbImage {
    let (w, h) = (f64::from(width), f64::from(height));
    image::RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (f64::from(x) / w, f64::from(y) / h);
        let hill = 0.62 + 0.08 * (fx * 9.0).sin() + 0.05 * (fx * 23.0).cos();
        let sun = ((fx - 0.75).powi(2) + ((fy - 0.25) * h / w).powi(2)).sqrt();
        let channel = |v: f64| v.clamp(0.0, 255.0) as u8;
        if fy > hill {
            let shade = 1.0 - (fy - hill) * 1.5;
            image::Rgb([
                channel(40.0 * shade),
                channel(140.0 * shade),
                channel(50.0 * shade),
            ])
        } else if sun < 0.09 {
            image::Rgb([255, 220, 90])
        } else {
            image::Rgb([channel(90.0 + 120.0 * fy), channel(150.0 + 80.0 * fy), 235])
        }
    })
}

// ---------------------------------------------------------------------------------------
// EXIF: a big-endian TIFF with IFD0, the Exif and GPS sub-IFDs, and IFD1 with a thumbnail
// ---------------------------------------------------------------------------------------

/// One IFD entry's value (TIFF 6.0 § 2: field types).
enum Value {
    Ascii(&'static str),
    Short(u16),
    /// Filled in by [`tiff`] with the offset of a sub-IFD or of the thumbnail.
    Offset,
    Long(u32),
    Rationals(&'static [(u32, u32)]),
    Bytes(&'static [u8]),
}

impl Value {
    /// The field type, count and value bytes (big-endian).
    fn encode(&self, offset: u32) -> (u16, u32, Vec<u8>) {
        match self {
            Value::Ascii(s) => (2, s.len() as u32 + 1, [s.as_bytes(), b"\0"].concat()),
            Value::Short(v) => (3, 1, v.to_be_bytes().to_vec()),
            Value::Offset => (4, 1, offset.to_be_bytes().to_vec()),
            Value::Long(v) => (4, 1, v.to_be_bytes().to_vec()),
            Value::Rationals(r) => {
                let bytes = r
                    .iter()
                    .flat_map(|(n, d)| [n.to_be_bytes(), d.to_be_bytes()]);
                (5, r.len() as u32, bytes.flatten().collect())
            }
            Value::Bytes(b) => (1, b.len() as u32, b.to_vec()),
        }
    }
}

type Ifd = Vec<(u16, Value)>;

/// Serialises IFDs laid out one after another, each followed by its out-of-line values,
/// then `tail`. `links` says which entry of which IFD points at which IFD (`usize::MAX`:
/// the tail), and IFD 0 chains to IFD `next0` when given.
fn tiff(ifds: &[Ifd], links: &[(usize, u16, usize)], next0: Option<usize>, tail: &[u8]) -> Vec<u8> {
    let size = |ifd: &Ifd| {
        let data: usize = (ifd.iter())
            .map(|(_, v)| v.encode(0).2.len())
            .filter(|&n| n > 4)
            .map(|n| n.next_multiple_of(2))
            .sum();
        2 + 12 * ifd.len() + 4 + data
    };
    let mut at = vec![8usize];
    for ifd in ifds {
        at.push(at.last().unwrap() + size(ifd));
    }
    let target = |i: usize| if i == usize::MAX { at[ifds.len()] } else { at[i] } as u32;
    let mut out = b"MM\0\x2A\0\0\0\x08".to_vec();
    for (i, ifd) in ifds.iter().enumerate() {
        let data_at = at[i] + 2 + 12 * ifd.len() + 4;
        let mut data = Vec::new();
        out.extend_from_slice(&(ifd.len() as u16).to_be_bytes());
        for (tag, value) in ifd {
            let link = links.iter().find(|(from, t, _)| *from == i && t == tag);
            let (kind, count, mut bytes) = value.encode(link.map_or(0, |l| target(l.2)));
            out.extend_from_slice(&tag.to_be_bytes());
            out.extend_from_slice(&kind.to_be_bytes());
            out.extend_from_slice(&count.to_be_bytes());
            if bytes.len() <= 4 {
                bytes.resize(4, 0);
                out.extend_from_slice(&bytes);
            } else {
                out.extend_from_slice(&((data_at + data.len()) as u32).to_be_bytes());
                data.extend_from_slice(&bytes);
                data.resize(data.len().next_multiple_of(2), 0);
            }
        }
        let next = match next0 {
            Some(n) if i == 0 => target(n),
            _ => 0,
        };
        out.extend_from_slice(&next.to_be_bytes());
        out.extend_from_slice(&data);
    }
    out.extend_from_slice(tail);
    out
}

/// The EXIF a phone writes, less its maker note: camera, software, capture time, serial
/// numbers, GPS position, and a 40×30 thumbnail.
fn exif() -> Vec<u8> {
    let thumbnail = encode(&scene(40, 30), 70);
    let ifd0: Ifd = vec![
        (0x010F, Value::Ascii("imgstrip")),                  // Make
        (0x0110, Value::Ascii("Sample Camera 1")),           // Model
        (0x0112, Value::Short(1)),                           // Orientation
        (0x0131, Value::Ascii("imgstrip sample generator")), // Software
        (0x0132, Value::Ascii("2026:06:14 18:42:07")),       // DateTime
        (0x013B, Value::Ascii("Jane Example")),              // Artist
        (0x8298, Value::Ascii("(c) 2026 Jane Example")),     // Copyright
        (0x8769, Value::Offset),                             // Exif IFD
        (0x8825, Value::Offset),                             // GPS IFD
    ];
    let exif_ifd: Ifd = vec![
        (0x9003, Value::Ascii("2026:06:14 18:42:07")), // DateTimeOriginal
        (0xA430, Value::Ascii("Jane Example")),        // CameraOwnerName
        (0xA431, Value::Ascii("SN-0042-SAMPLE")),      // BodySerialNumber
        (0xA435, Value::Ascii("LENS-7731")),           // LensSerialNumber
    ];
    let gps: Ifd = vec![
        (0x0000, Value::Bytes(&[2, 3, 0, 0])), // GPSVersionID
        (0x0001, Value::Ascii("N")),           // GPSLatitudeRef
        (0x0002, Value::Rationals(&[(48, 1), (51, 1), (2964, 100)])), // GPSLatitude
        (0x0003, Value::Ascii("E")),           // GPSLongitudeRef
        (0x0004, Value::Rationals(&[(2, 1), (17, 1), (4020, 100)])), // GPSLongitude
        (0x0006, Value::Rationals(&[(3300, 10)])), // GPSAltitude
    ];
    let ifd1: Ifd = vec![
        (0x0103, Value::Short(6)),                     // Compression: JPEG
        (0x0201, Value::Offset),                       // JPEGInterchangeFormat
        (0x0202, Value::Long(thumbnail.len() as u32)), // JPEGInterchangeFormatLength
    ];
    let links = [(0, 0x8769, 1), (0, 0x8825, 2), (3, 0x0201, usize::MAX)];
    tiff(&[ifd0, exif_ifd, gps, ifd1], &links, Some(3), &thumbnail)
}

const XMP: &str = r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:aux="http://ns.adobe.com/exif/1.0/aux/"
    xmlns:exif="http://ns.adobe.com/exif/1.0/"
    photoshop:City="Paris"
    xmp:CreatorTool="imgstrip sample generator"
    aux:SerialNumber="SN-0042-SAMPLE"
    exif:GPSLatitude="48,51.494N"
    exif:GPSLongitude="2,17.67E">
   <dc:creator><rdf:Seq><rdf:li>Jane Example</rdf:li></rdf:Seq></dc:creator>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"#;

/// A Photoshop image resource block holding IPTC-IIM (record 2): by-line, city, caption.
fn photoshop_iptc() -> Vec<u8> {
    let mut iptc = Vec::new();
    for (dataset, text) in [
        (80u8, "Jane Example"),
        (90, "Paris"),
        (120, "Sunset seen from the Eiffel Tower"),
    ] {
        iptc.extend_from_slice(&[0x1C, 2, dataset]);
        iptc.extend_from_slice(&(text.len() as u16).to_be_bytes());
        iptc.extend_from_slice(text.as_bytes());
    }
    let mut block = b"8BIM\x04\x04\0\0".to_vec(); // IPTC-NAA resource, empty name
    block.extend_from_slice(&(iptc.len() as u32).to_be_bytes());
    block.extend_from_slice(&iptc);
    block.resize(block.len().next_multiple_of(2), 0);
    block
}

/// A small ICC v2 display profile (ICC.1:2001-04): D50 white point, sRGB-like primaries,
/// gamma 2.2 curves, and a description naming its owner.
fn icc_profile() -> Vec<u8> {
    let s15 = |v: f64| ((v * 65536.0).round() as i32).to_be_bytes();
    let xyz = |x: f64, y: f64, z: f64| [&b"XYZ \0\0\0\0"[..], &s15(x), &s15(y), &s15(z)].concat();
    let text = |t: &str| [&b"text\0\0\0\0"[..], t.as_bytes(), b"\0"].concat();
    let desc = |t: &str| {
        let mut d = b"desc\0\0\0\0".to_vec();
        d.extend_from_slice(&(t.len() as u32 + 1).to_be_bytes());
        d.extend_from_slice(t.as_bytes());
        d.push(0);
        d.extend_from_slice(&[0; 4 + 4 + 2 + 1 + 67]); // no Unicode, no ScriptCode text
        d
    };
    let curve = [
        &b"curv\0\0\0\0"[..],
        &1u32.to_be_bytes(),
        &0x0233u16.to_be_bytes(),
    ]
    .concat();
    let tags: Vec<(&[u8; 4], Vec<u8>)> = vec![
        (b"desc", desc("Jane Example's calibrated monitor")),
        (b"cprt", text("(c) 2026 Jane Example")),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.4361, 0.2225, 0.0139)),
        (b"gXYZ", xyz(0.3851, 0.7169, 0.0971)),
        (b"bXYZ", xyz(0.1431, 0.0606, 0.7141)),
        (b"rTRC", curve.clone()),
        (b"gTRC", curve.clone()),
        (b"bTRC", curve),
    ];
    let mut table = (tags.len() as u32).to_be_bytes().to_vec();
    let mut data = Vec::new();
    let data_at = 128 + 4 + 12 * tags.len();
    for (sig, bytes) in &tags {
        table.extend_from_slice(*sig);
        table.extend_from_slice(&((data_at + data.len()) as u32).to_be_bytes());
        table.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        data.extend_from_slice(bytes);
        data.resize(data.len().next_multiple_of(4), 0);
    }
    let size = 128 + table.len() + data.len();
    let mut header = Vec::with_capacity(128);
    header.extend_from_slice(&(size as u32).to_be_bytes());
    header.extend_from_slice(b"none"); // preferred CMM
    header.extend_from_slice(&[2, 0x10, 0, 0]); // version 2.1
    header.extend_from_slice(b"mntrRGB XYZ ");
    for part in [2026u16, 6, 14, 18, 42, 7] {
        header.extend_from_slice(&part.to_be_bytes());
    }
    header.extend_from_slice(b"acsp");
    header.extend_from_slice(&[0; 4 + 4 + 4 + 4 + 8 + 4]); // platform … rendering intent
    header.extend_from_slice(&[s15(0.9642), s15(1.0), s15(0.8249)].concat());
    header.extend_from_slice(b"none"); // creator
    header.resize(128, 0); // profile ID and reserved bytes
    [header, table, data].concat()
}
