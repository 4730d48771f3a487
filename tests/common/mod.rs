//! Shared test helpers: the corpus lookup, byte builders, the canary scanner, the tests' own
//! re-walkers of each format (over one driver, [`rewalk`]), and the oracle pixel comparison.
//!
//! Everything here is the tests' own view of the formats, written from the specifications
//! (ITU T.81, PNG 3rd edition) and not from `src/`: a bug in the library's walkers must not
//! hide in a shared helper.

// Each test binary uses a different part of this module.
#![allow(dead_code)]

pub mod bmp;
pub mod gif;
pub mod heif;
pub mod jpeg;
pub mod jxl;
pub mod mutation;
pub mod oracle;
pub mod png;
pub mod rewalk;
pub mod webp;

use std::io::Write;
use std::path::{Path, PathBuf};

use imgstrip::Format;

// ---------------------------------------------------------------------------------------
// Corpus
// ---------------------------------------------------------------------------------------

/// Files in the corpus that describe it and are not images.
const NOT_IMAGES: &[&str] = &["MANIFEST.tsv", "SOURCES.md"];

/// Whether this run is CI's (`CI=true`), where a missing corpus is a failure.
pub fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// Prints a line that the test harness does not capture (it captures only the print
/// macros), so skips and summaries show in a plain `cargo test`.
pub fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// `../shared/corpus` beside the crate root. When it is missing: `None` (the caller skips
/// and this prints why), or a panic under `CI=true`.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if dir.is_dir() {
        return Some(dir);
    }
    let why = format!(
        "corpus not found at {} (expected ../shared/corpus beside the crate root)",
        dir.display()
    );
    assert!(!is_ci(), "{why}; CI=true requires it");
    say(&format!("skipping corpus test: {why}"));
    None
}

/// Whether an outside tool a test needs (`what`, as people name it) is here: `false` skips
/// the test (this prints why), and under `CI=true` its absence is a failure.
pub fn tool_available(available: bool, what: &str, test: &str) -> bool {
    if !available {
        assert!(!is_ci(), "{what} is required under CI=true");
        say(&format!("skipping {test}: {what} not found"));
    }
    available
}

/// `../shared/corpus-jxl` beside the crate root (JPEG XL, kept apart from the corpus); as
/// [`corpus_dir`] when it is missing.
pub fn corpus_jxl_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus-jxl");
    if dir.is_dir() {
        return Some(dir);
    }
    let why = format!("JPEG XL corpus not found at {}", dir.display());
    assert!(!is_ci(), "{why}; CI=true requires it");
    say(&format!("skipping: {why}"));
    None
}

/// Every image file under `dir`, recursively (including `synthetic/`), sorted, without the
/// corpus's own description files.
pub fn image_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let entries =
            std::fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
        for entry in entries {
            let path = entry
                .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
                .path();
            if path.is_dir() {
                walk(&path, out);
            } else if !NOT_IMAGES
                .iter()
                .any(|n| path.file_name().is_some_and(|f| f == *n))
            {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    out
}

/// The format a corpus file name's extension says (the corpus names files honestly; the
/// library itself never looks at names).
pub fn format_from_extension(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "jpg" | "jpeg" | "jpe" | "jfif" => Format::Jpeg,
        "png" | "apng" => Format::Png,
        "gif" => Format::Gif,
        "webp" => Format::WebP,
        "bmp" | "dib" => Format::Bmp,
        "heic" | "heif" | "hif" => Format::Heif,
        "avif" | "avifs" => Format::Avif,
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------
// What a test's re-walker may accept in an output
// ---------------------------------------------------------------------------------------

/// What the strip was asked to keep, as the re-walkers see it (mirrors `imgstrip::Keep`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Allow {
    /// A minimal EXIF holding only the Orientation tag may stay.
    pub orientation: bool,
    /// The ICC profile may stay.
    pub icc: bool,
    /// A JPEG gain map may stay: an MPF and a gain-map-only XMP (and ISO 21496-1 APP2) in the
    /// primary, and after its EOI exactly the one gain-map JPEG the MPF points at.
    pub gain_map: bool,
    /// `Keep::COPYRIGHT`: a minimal EXIF whose IFD0 holds only Artist and Copyright (and
    /// Orientation, with `orientation`), and an XMP packet holding only `dc:creator` and
    /// `dc:rights`, as imgstrip writes them, may stay.
    pub copyright: bool,
}

impl Allow {
    /// Nothing kept: `imgstrip::strip`.
    pub const NONE: Allow = Allow {
        orientation: false,
        icc: false,
        gain_map: false,
        copyright: false,
    };
    /// `Keep::DISPLAY`.
    pub const DISPLAY: Allow = Allow {
        orientation: true,
        icc: true,
        gain_map: true,
        copyright: false,
    };
}

/// One format's checks, as the corpus table and the property tests use them.
#[derive(Clone, Copy)]
pub struct Walker {
    /// Metadata units (and structural faults) left in an output, one line each.
    pub leftovers: fn(&[u8], Allow) -> Vec<String>,
    /// The units that carry the image (and kept ancillaries), normalized, in file order;
    /// stripping must preserve this list exactly. `Err` when the bytes do not parse at all.
    pub image_units: fn(&[u8], Allow) -> Result<Vec<Unit>, String>,
}

/// One image-carrying unit: its kind (marker or chunk type), the bytes that must survive,
/// and where it was (for messages only: units compare by kind and bytes).
#[derive(Debug, Clone)]
pub struct Unit {
    pub kind: String,
    pub at: usize,
    pub bytes: Vec<u8>,
}

impl PartialEq for Unit {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.bytes == other.bytes
    }
}

/// The walker for a format the tests know, `None` for the others (yet).
pub fn walker(format: Format) -> Option<Walker> {
    match format {
        Format::Jpeg => Some(Walker {
            leftovers: jpeg::leftovers,
            image_units: jpeg::image_units,
        }),
        Format::Png => Some(Walker {
            leftovers: png::leftovers,
            image_units: png::image_units,
        }),
        Format::Gif => Some(Walker {
            leftovers: gif::leftovers,
            image_units: gif::image_units,
        }),
        Format::Bmp => Some(Walker {
            leftovers: bmp::leftovers,
            image_units: bmp::image_units,
        }),
        Format::WebP => Some(Walker {
            leftovers: webp::leftovers,
            image_units: webp::image_units,
        }),
        Format::Heif | Format::Avif => Some(Walker {
            leftovers: heif::leftovers,
            image_units: heif::image_units,
        }),
        Format::Jxl => Some(Walker {
            leftovers: jxl::leftovers,
            image_units: jxl::image_units,
        }),
        _ => None,
    }
}

/// Whether an image unit carries the picture itself (coded data, pixels, samples): an input
/// whose units hold none tests nothing.
pub fn carries_picture(unit: &Unit) -> bool {
    ["data", "sample", "IDAT", "image", "VP8", "pixel array"]
        .iter()
        .any(|k| unit.kind.contains(k))
}

/// Compares two unit lists and says where they first differ.
pub fn diff_units(input: &[Unit], output: &[Unit]) -> Option<String> {
    for (i, (a, b)) in input.iter().zip(output).enumerate() {
        if a != b {
            return Some(format!(
                "image unit #{i} differs: input {} at {} ({} bytes), output {} at {} ({} bytes)",
                a.kind,
                a.at,
                a.bytes.len(),
                b.kind,
                b.at,
                b.bytes.len()
            ));
        }
    }
    match input.len().cmp(&output.len()) {
        std::cmp::Ordering::Equal => None,
        std::cmp::Ordering::Greater => Some(format!(
            "output lost {} image unit(s), first: {} at {}",
            input.len() - output.len(),
            input[output.len()].kind,
            input[output.len()].at
        )),
        std::cmp::Ordering::Less => Some(format!(
            "output has {} extra image unit(s), first: {} at {}",
            output.len() - input.len(),
            output[input.len()].kind,
            output[input.len()].at
        )),
    }
}

// ---------------------------------------------------------------------------------------
// Canaries
// ---------------------------------------------------------------------------------------

/// The encodings a canary is searched in.
pub const ENCODINGS: [&str; 3] = ["ASCII", "UTF-16LE", "UTF-16BE"];

/// `text` in one of [`ENCODINGS`] (ASCII text only).
pub fn encode(text: &str, encoding: &str) -> Vec<u8> {
    assert!(text.is_ascii(), "canaries are ASCII");
    match encoding {
        "ASCII" => text.as_bytes().to_vec(),
        "UTF-16LE" => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        "UTF-16BE" => text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        other => panic!("unknown encoding {other}"),
    }
}

/// Offset of the first `needle` in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Every (encoding, offset) at which `canary` appears in `data`.
pub fn canary_hits(data: &[u8], canary: &str) -> Vec<(&'static str, usize)> {
    ENCODINGS
        .iter()
        .filter_map(|&enc| find(data, &encode(canary, enc)).map(|at| (enc, at)))
        .collect()
}

/// Byte strings that open a metadata payload in any container, long enough (6+ bytes) not to
/// turn up by chance in compressed image data.
pub const METADATA_SIGNATURES: &[&[u8]] = &[
    b"Exif\0\0",
    b"II\x2A\0\x08\0\0\0",
    b"MM\0\x2A\0\0\0\x08",
    b"http://ns.adobe.com/",
    b"<x:xmpmeta",
    b"<?xpacket",
    b"ICC_PROFILE\0",
    b"Photoshop 3.0\0",
    b"XML:com.adobe.xmp",
    b"Raw profile type",
    b"XMP DataXMP",
    b"ICCRGBG1012",
    b"MGK8BIM0000",
    b"MGKIPTC0000",
];

/// Metadata signatures found anywhere in `data`, as dead bytes or not: a strip that keeps
/// nothing must leave none (SPEC.md "complete").
pub fn metadata_signatures(data: &[u8]) -> Vec<String> {
    // One pass over the data (the tests run unoptimized and corpus files reach megabytes).
    let mut first = [false; 256];
    for sig in METADATA_SIGNATURES {
        first[usize::from(sig[0])] = true;
    }
    let mut found = Vec::new();
    for (at, &b) in data.iter().enumerate() {
        if !first[usize::from(b)] {
            continue;
        }
        for sig in METADATA_SIGNATURES {
            if data[at..].starts_with(sig) {
                found.push(format!(
                    "metadata signature {:?} at byte {at}",
                    String::from_utf8_lossy(sig)
                ));
            }
        }
    }
    found
}

// ---------------------------------------------------------------------------------------
// CRC-32 and zlib, for the builders
// ---------------------------------------------------------------------------------------

/// CRC-32 (ISO 3309, as PNG § 5.5 uses it), bit by bit: slow and obviously right.
pub fn crc32(parts: &[&[u8]]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for part in parts {
        for &byte in *part {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
    }
    !crc
}

/// A zlib stream (RFC 1950) of stored deflate blocks (RFC 1951 § 3.2.4): the payload stays
/// readable in the file, so a canary inside a compressed chunk is still findable.
pub fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let mut blocks = data.chunks(0xFFFF).peekable();
    if blocks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xFF, 0xFF]);
    }
    while let Some(block) = blocks.next() {
        out.push(u8::from(blocks.peek().is_none()));
        let len = u16::try_from(block.len()).unwrap();
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

// ---------------------------------------------------------------------------------------
// TIFF / EXIF, for the builders and for recognising a minimal orientation EXIF
// ---------------------------------------------------------------------------------------

/// One IFD entry for [`tiff_le`]: tag, type, count and the value bytes (inline when ≤ 4).
pub struct Entry {
    pub tag: u16,
    pub kind: u16,
    pub count: u32,
    pub value: Vec<u8>,
}

impl Entry {
    /// An ASCII (type 2) entry, NUL-terminated.
    pub fn ascii(tag: u16, text: &str) -> Entry {
        let mut value = text.as_bytes().to_vec();
        value.push(0);
        Entry {
            tag,
            kind: 2,
            count: u32::try_from(value.len()).unwrap(),
            value,
        }
    }
    /// A BYTE (type 1) entry, as Windows XP tags hold UTF-16LE text.
    pub fn bytes(tag: u16, value: &[u8]) -> Entry {
        Entry {
            tag,
            kind: 1,
            count: u32::try_from(value.len()).unwrap(),
            value: value.to_vec(),
        }
    }
    /// A LONG (type 4) entry.
    pub fn long(tag: u16, value: u32) -> Entry {
        Entry {
            tag,
            kind: 4,
            count: 1,
            value: value.to_le_bytes().to_vec(),
        }
    }
    /// An UNDEFINED (type 7) entry.
    pub fn undefined(tag: u16, value: &[u8]) -> Entry {
        Entry {
            tag,
            kind: 7,
            count: u32::try_from(value.len()).unwrap(),
            value: value.to_vec(),
        }
    }
    /// A SHORT (type 3) entry.
    pub fn short(tag: u16, value: u16) -> Entry {
        Entry {
            tag,
            kind: 3,
            count: 1,
            value: value.to_le_bytes().to_vec(),
        }
    }
}

/// A little-endian TIFF: IFD0, then optionally IFD1 with a JPEG thumbnail (its
/// JPEGInterchangeFormat / Length tags are added here and point at `thumbnail`).
pub fn tiff_le(ifd0: &[Entry], ifd1: &[Entry], thumbnail: Option<&[u8]>) -> Vec<u8> {
    let ifd_len = |n: usize| 2 + 12 * n + 4;
    let mut ifd1_entries: Vec<Entry> = ifd1
        .iter()
        .map(|e| Entry {
            value: e.value.clone(),
            ..*e
        })
        .collect();
    if thumbnail.is_some() {
        ifd1_entries.push(Entry::long(0x0201, 0));
        ifd1_entries.push(Entry::long(0x0202, 0));
    }
    let has_ifd1 = !ifd1_entries.is_empty();
    // Layout: header, IFD0, its out-of-line values, IFD1, its values, the thumbnail.
    let mut out = b"II\x2A\x00\x08\x00\x00\x00".to_vec();
    let ifd0_at = 8;
    let ifd0_data = ifd0_at + ifd_len(ifd0.len());
    let ifd0_data_len: usize = ifd0
        .iter()
        .filter(|e| e.value.len() > 4)
        .map(|e| e.value.len().next_multiple_of(2))
        .sum();
    let ifd1_at = ifd0_data + ifd0_data_len;
    let ifd1_data = ifd1_at + ifd_len(ifd1_entries.len());
    let ifd1_data_len: usize = ifd1_entries
        .iter()
        .filter(|e| e.value.len() > 4)
        .map(|e| e.value.len().next_multiple_of(2))
        .sum();
    let thumb_at = ifd1_data + ifd1_data_len;
    if let Some(thumb) = thumbnail {
        let n = ifd1_entries.len();
        ifd1_entries[n - 2].value = u32::try_from(thumb_at).unwrap().to_le_bytes().to_vec();
        ifd1_entries[n - 1].value = u32::try_from(thumb.len()).unwrap().to_le_bytes().to_vec();
    }
    let write_ifd = |out: &mut Vec<u8>, entries: &[Entry], data_at: usize, next: usize| {
        let mut data = Vec::new();
        out.extend_from_slice(&u16::try_from(entries.len()).unwrap().to_le_bytes());
        let mut sorted: Vec<&Entry> = entries.iter().collect();
        sorted.sort_by_key(|e| e.tag);
        for e in sorted {
            out.extend_from_slice(&e.tag.to_le_bytes());
            out.extend_from_slice(&e.kind.to_le_bytes());
            out.extend_from_slice(&e.count.to_le_bytes());
            if e.value.len() <= 4 {
                let mut v = e.value.clone();
                v.resize(4, 0);
                out.extend_from_slice(&v);
            } else {
                out.extend_from_slice(&u32::try_from(data_at + data.len()).unwrap().to_le_bytes());
                data.extend_from_slice(&e.value);
                if data.len() % 2 == 1 {
                    data.push(0);
                }
            }
        }
        out.extend_from_slice(&u32::try_from(next).unwrap().to_le_bytes());
        out.extend_from_slice(&data);
    };
    write_ifd(
        &mut out,
        ifd0,
        ifd0_data,
        if has_ifd1 { ifd1_at } else { 0 },
    );
    assert_eq!(out.len(), ifd1_at);
    if has_ifd1 {
        write_ifd(&mut out, &ifd1_entries, ifd1_data, 0);
    }
    assert!(!has_ifd1 || out.len() == thumb_at);
    if let Some(thumb) = thumbnail {
        out.extend_from_slice(thumb);
    }
    out
}

/// Whether an EXIF blob (a TIFF) is one a strip with `allow` may leave: the minimal
/// orientation EXIF ([`is_minimal_orientation_tiff`]) with `allow.orientation`, or with
/// `allow.copyright` a TIFF whose IFD0 holds only Artist and Copyright (ASCII, NUL-terminated,
/// at even offsets) and, with `allow.orientation`, Orientation; no next IFD; nothing after
/// the last value but one pad byte.
pub fn is_allowed_exif(tiff: &[u8], allow: Allow) -> bool {
    if allow.orientation && is_minimal_orientation_tiff(tiff) {
        return true;
    }
    allow.copyright && is_minimal_credit_tiff(tiff, allow.orientation)
}

/// Whether `tiff` is the EXIF imgstrip writes for a kept Apple HDR gain map: a big-endian
/// TIFF whose IFD0 holds what `allow` keeps (Orientation, Artist, Copyright) and, last, an
/// Exif IFD pointer; an Exif IFD holding only a MakerNote; and that note exactly `Apple
/// iOS\0`, version 1, `MM`, an IFD of HDRHeadroom (0x0021), HDRGain (0x0030) or both in
/// tag order, one rational each right after the IFD, no next IFD; nothing else anywhere.
pub fn is_headroom_exif(tiff: &[u8], allow: Allow) -> bool {
    let u16_at = |at: usize| -> Option<usize> {
        let b = tiff.get(at..at.checked_add(2)?)?;
        Some(usize::from(u16::from_be_bytes([b[0], b[1]])))
    };
    let u32_at = |at: usize| -> Option<usize> {
        let b = tiff.get(at..at.checked_add(4)?)?;
        usize::try_from(u32::from_be_bytes([b[0], b[1], b[2], b[3]])).ok()
    };
    let check = || -> Option<bool> {
        if tiff.get(..8)? != b"MM\x00\x2A\x00\x00\x00\x08" {
            return Some(false);
        }
        let count = u16_at(8)?;
        if count == 0 || count > 4 {
            return Some(false);
        }
        let ifd_end = 10 + 12 * count + 4;
        if u32_at(ifd_end - 4)? != 0 {
            return Some(false);
        }
        let (mut texts, mut exif_at) = (0, None);
        for i in 0..count {
            let e = 10 + 12 * i;
            let (tag, kind, n, field) =
                (u16_at(e)?, u16_at(e + 2)?, u32_at(e + 4)?, u32_at(e + 8)?);
            match (tag, kind) {
                (0x0112, 3) if allow.orientation && n == 1 && exif_at.is_none() => {}
                (0x013B | 0x8298, 2) if allow.copyright && exif_at.is_none() => {
                    if n > 4 {
                        let value = tiff.get(field..field.checked_add(n)?)?;
                        if field % 2 != 0 || field < ifd_end || value.last() != Some(&0) {
                            return Some(false);
                        }
                        texts += n + n % 2;
                    }
                }
                (0x8769, 4) if n == 1 && i + 1 == count => exif_at = Some(field),
                _ => return Some(false),
            }
        }
        let exif_at = exif_at?;
        let note_at = exif_at + 18;
        let note = tiff.get(note_at..)?;
        // One or both of HDRHeadroom (0x21) and HDRGain (0x30), in tag order, each one
        // rational whose value follows the IFD, next IFD 0.
        let n = usize::from(u16::from_be_bytes([*note.get(14)?, *note.get(15)?]));
        let note_len = 14 + 2 + 20 * n + 4;
        let exif_ifd = [
            &[0, 1, 0x92, 0x7C, 0, 7][..],
            &u32::try_from(note_len).ok()?.to_be_bytes(),
            &u32::try_from(note_at).ok()?.to_be_bytes(),
            &[0; 4],
        ]
        .concat();
        let values_at = 16 + 12 * n + 4;
        let mut last_tag = 0;
        let mut entries_ok = (1..=2).contains(&n)
            && note.len() == note_len
            && note.starts_with(b"Apple iOS\0\0\x01MM")
            && note.get(values_at - 4..values_at)? == [0; 4];
        for i in 0..n {
            let e = note.get(16 + 12 * i..16 + 12 * i + 12)?;
            let tag = u16::from_be_bytes([e[0], e[1]]);
            entries_ok &= matches!(tag, 0x21 | 0x30)
                && tag > last_tag
                && matches!(e[2..4], [0, 5] | [0, 10])
                && e[4..8] == [0, 0, 0, 1]
                && e[8..12] == u32::try_from(values_at + 8 * i).ok()?.to_be_bytes();
            last_tag = tag;
        }
        Some(
            exif_at == ifd_end + texts
                && tiff.get(exif_at..note_at)? == exif_ifd.as_slice()
                && entries_ok,
        )
    };
    check().unwrap_or(false)
}

fn is_minimal_credit_tiff(tiff: &[u8], orientation: bool) -> bool {
    let big = match tiff.get(0..4) {
        Some(b"II\x2A\x00") => false,
        Some(b"MM\x00\x2A") => true,
        _ => return false,
    };
    let u16_at = |at: usize| -> Option<u32> {
        let b = tiff.get(at..at + 2)?;
        let a = [b[0], b[1]];
        Some(u32::from(if big {
            u16::from_be_bytes(a)
        } else {
            u16::from_le_bytes(a)
        }))
    };
    let u32_at = |at: usize| -> Option<usize> {
        let b = tiff.get(at..at + 4)?;
        let a = [b[0], b[1], b[2], b[3]];
        Some(if big {
            u32::from_be_bytes(a)
        } else {
            u32::from_le_bytes(a)
        } as usize)
    };
    let check = || -> Option<bool> {
        let ifd = u32_at(4)?;
        let count = u16_at(ifd)? as usize;
        if count == 0 || count > 3 {
            return Some(false);
        }
        let mut end = ifd + 2 + 12 * count + 4;
        if u32_at(end - 4)? != 0 {
            return Some(false);
        }
        let mut has_credit = false;
        for i in 0..count {
            let e = ifd + 2 + 12 * i;
            let (tag, kind, n) = (u16_at(e)?, u16_at(e + 2)?, u32_at(e + 4)?);
            match (tag, kind) {
                (0x0112, 3) if orientation && n == 1 => {}
                (0x013B | 0x8298, 2) => {
                    has_credit = true;
                    let value = if n <= 4 {
                        tiff.get(e + 8..e + 8 + n)?
                    } else {
                        let at = u32_at(e + 8)?;
                        if at % 2 != 0 || at < ifd + 2 + 12 * count + 4 {
                            return Some(false);
                        }
                        end = end.max(at + n);
                        tiff.get(at..at + n)?
                    };
                    if value.last() != Some(&0) {
                        return Some(false);
                    }
                }
                _ => return Some(false),
            }
        }
        Some(has_credit && tiff.len() <= end + 1)
    };
    check().unwrap_or(false)
}

/// Whether `packet` is the credit XMP imgstrip writes under `Keep::COPYRIGHT`, and nothing
/// else: the `x:xmpmeta` / `rdf:RDF` / `rdf:Description` wrapper with only the `dc`
/// namespace, then `dc:creator` (an `rdf:Seq` of text items) and/or `dc:rights` (an
/// `rdf:Alt` of one `x-default` text item).
pub fn is_credit_xmp(packet: &[u8]) -> bool {
    const OPEN: &[u8] = b"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">";
    const CLOSE: &[u8] = b"</rdf:Description></rdf:RDF></x:xmpmeta>";
    let Some(mut rest) = packet
        .strip_prefix(OPEN)
        .and_then(|r| r.strip_suffix(CLOSE))
    else {
        return false;
    };
    // One text item: text without markup up to `end`.
    let item = |rest: &mut &[u8], start: &[u8], end: &[u8]| -> bool {
        let Some(r) = rest.strip_prefix(start) else {
            return false;
        };
        let Some(len) = r.iter().position(|&b| b == b'<') else {
            return false;
        };
        if len == 0 || !r[len..].starts_with(end) {
            return false;
        }
        *rest = &r[len + end.len()..];
        true
    };
    let mut any = false;
    if let Some(r) = rest.strip_prefix(b"<dc:creator><rdf:Seq>".as_slice()) {
        rest = r;
        let mut names = 0;
        while item(&mut rest, b"<rdf:li>", b"</rdf:li>") {
            names += 1;
        }
        match rest.strip_prefix(b"</rdf:Seq></dc:creator>".as_slice()) {
            Some(r) if names > 0 => rest = r,
            _ => return false,
        }
        any = true;
    }
    if let Some(r) = rest.strip_prefix(b"<dc:rights><rdf:Alt>".as_slice()) {
        rest = r;
        if !item(&mut rest, b"<rdf:li xml:lang=\"x-default\">", b"</rdf:li>") {
            return false;
        }
        match rest.strip_prefix(b"</rdf:Alt></dc:rights>".as_slice()) {
            Some(r) => rest = r,
            None => return false,
        }
        any = true;
    }
    any && rest.is_empty()
}

/// Whether `tiff` is a minimal orientation EXIF: a TIFF header, IFD0 with exactly one
/// entry (Orientation, SHORT, count 1), no next IFD, and nothing else after it but padding.
pub fn is_minimal_orientation_tiff(tiff: &[u8]) -> bool {
    let big = match tiff.get(0..4) {
        Some(b"II\x2A\x00") => false,
        Some(b"MM\x00\x2A") => true,
        _ => return false,
    };
    let u16_at = |b: &[u8]| {
        let a = [b[0], b[1]];
        if big {
            u16::from_be_bytes(a)
        } else {
            u16::from_le_bytes(a)
        }
    };
    let u32_at = |b: &[u8]| {
        let a = [b[0], b[1], b[2], b[3]];
        if big {
            u32::from_be_bytes(a)
        } else {
            u32::from_le_bytes(a)
        }
    };
    let Some(ifd) = tiff
        .get(4..8)
        .map(u32_at)
        .and_then(|o| usize::try_from(o).ok())
    else {
        return false;
    };
    let Some(entry) = tiff.get(ifd..).and_then(|b| b.get(..18)) else {
        return false;
    };
    u16_at(&entry[0..2]) == 1
        && u16_at(&entry[2..4]) == 0x0112
        && u16_at(&entry[4..6]) == 3
        && u32_at(&entry[6..10]) == 1
        && u32_at(&entry[14..18]) == 0
        && tiff.len() <= ifd + 18 + 2
}

// ---------------------------------------------------------------------------------------
// Small valid images, made at test time with the image crate's encoders
// ---------------------------------------------------------------------------------------

/// An RGB test pattern: a gradient with a few sharp edges, so the scan data is not trivial.
fn pattern(width: u32, height: u32, seed: u8) -> image::RgbImage {
    image::RgbImage::from_fn(width, height, |x, y| {
        let (x8, y8) = (
            u8::try_from(x % 256).unwrap(),
            u8::try_from(y % 256).unwrap(),
        );
        let edge = if (x / 4 + y / 4) % 2 == 0 { 0 } else { 90 };
        image::Rgb([
            x8.wrapping_mul(16).wrapping_add(seed),
            y8.wrapping_mul(16).wrapping_add(edge),
            seed ^ edge,
        ])
    })
}

/// A baseline JPEG (SOI, APP0 JFIF, DQT, SOF0, DHT, SOS, entropy data, EOI).
pub fn sample_jpeg(width: u32, height: u32, seed: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&pattern(width, height, seed))
        .unwrap();
    out
}

/// A PNG (signature, IHDR, IDAT, IEND).
pub fn sample_png(width: u32, height: u32, seed: u8) -> Vec<u8> {
    let mut out = Vec::new();
    pattern(width, height, seed)
        .write_with_encoder(image::codecs::png::PngEncoder::new(&mut out))
        .unwrap();
    out
}

/// An animated GIF of `frames` frames (header, screen, NETSCAPE2.0 loop, and per frame a
/// graphic control extension and an image with its local colour table, trailer), as the
/// `image` crate's encoder writes it.
pub fn sample_gif(width: u32, height: u32, frames: u8) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = image::codecs::gif::GifEncoder::new(&mut out);
        encoder
            .set_repeat(image::codecs::gif::Repeat::Infinite)
            .unwrap();
        for seed in 0..frames {
            let rgba =
                image::DynamicImage::ImageRgb8(pattern(width, height, seed.wrapping_mul(40)))
                    .into_rgba8();
            let delay = image::Delay::from_numer_denom_ms(100, 1);
            encoder
                .encode_frame(image::Frame::from_parts(rgba, 0, 0, delay))
                .unwrap();
        }
    }
    out
}

/// `exiftool -a -G1 -s` of `file` (exiftool reads standard input), one line each; `None`
/// without exiftool.
pub fn exiftool_lines(file: &[u8]) -> Option<Vec<String>> {
    let out = run_with_input("exiftool", &["-m", "-q", "-a", "-G1", "-s", "-"], file)?;
    Some(
        String::from_utf8_lossy(&out)
            .lines()
            .map(str::to_owned)
            .collect(),
    )
}

/// Runs `program args…` with `input` on standard input; its standard output, or `None` when
/// it cannot run or fails.
pub fn run_with_input(program: &str, args: &[&str], input: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let data = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&data));
    let output = child.wait_with_output().ok()?;
    let _ = writer.join();
    output.status.success().then_some(output.stdout)
}
