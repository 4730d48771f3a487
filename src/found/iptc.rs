//! IPTC-IIM datasets (IPTC IIM 4.2 § 1.5) and the Photoshop image resources that carry them
//! in a JPEG APP13 (Photoshop File Formats, "Image resource blocks"), mapped to [`Found`].

use super::value::has_text;
use super::xmp::xmp;
use crate::report::Found;
use crate::work;

/// The tag marker that starts every dataset (IIM § 1.5.2).
const TAG_MARKER: u8 = 0x1C;
/// The application record, where the descriptive datasets live (IIM § 2).
const APPLICATION: u8 = 2;
/// Photoshop image resource IDs: IPTC-NAA, the two thumbnail formats (Photoshop 4 and 5+),
/// and XMP.
const IRB_IPTC: u16 = 0x0404;
const IRB_THUMBNAIL_PS4: u16 = 0x0409;
const IRB_THUMBNAIL: u16 = 0x040C;
const IRB_XMP: u16 = 0x0424;

/// What an IPTC-IIM block (a run of `1C record dataset length value` datasets) holds. The
/// reading stops at the first byte that is not a tag marker (writers pad the block with
/// NULs) and at a dataset cut short, whose part that is there still counts.
pub(crate) fn iptc(iim: &[u8]) -> Found {
    let mut found = Found::empty();
    let mut rest = iim;
    while let Some((record, dataset, value, after)) = next_dataset(rest) {
        if record == APPLICATION && has_text(value) {
            found |= dataset_found(dataset);
        }
        rest = after;
    }
    found
}

/// The next dataset: record, dataset number, value, and what follows it.
fn next_dataset(data: &[u8]) -> Option<(u8, u8, &[u8], &[u8])> {
    let (&[marker, record, dataset, high, low], rest) = data.split_first_chunk::<5>()?;
    work::add(5);
    if marker != TAG_MARKER {
        return None;
    }
    let length = u16::from_be_bytes([high, low]);
    // IIM § 1.5.4: with the top bit set, the low 15 bits count the bytes of a longer
    // length that follows (extended datasets, for object data). More than 4 is refused.
    let (length, rest) = if length & 0x8000 == 0 {
        (usize::from(length), rest)
    } else {
        let width = usize::from(length & 0x7FFF);
        if !(1..=4).contains(&width) {
            return None;
        }
        let (bytes, rest) = rest.split_at_checked(width)?;
        let length = bytes.iter().fold(0u32, |acc, &b| {
            acc.checked_shl(8).unwrap_or(0) | u32::from(b)
        });
        (usize::try_from(length).ok()?, rest)
    };
    Some(match rest.split_at_checked(length) {
        Some((value, after)) => (record, dataset, value, after),
        None => (record, dataset, rest, &[]),
    })
}

/// What a dataset of the application record names (IIM § 2.2).
fn dataset_found(dataset: u8) -> Found {
    match dataset {
        // Date Created, Time Created, Digital Creation Date, Digital Creation Time.
        55 | 60 | 62 | 63 => Found::CAPTURE_TIME,
        // By-line, Credit, Copyright Notice, Contact, Writer/Editor.
        80 | 110 | 116 | 118 | 122 => Found::PERSON,
        // City, Sub-location, Province/State, Country Code, Country Name.
        90 | 92 | 95 | 100 | 101 => Found::LOCATION_TEXT,
        // Caption/Abstract.
        120 => Found::COMMENT,
        // Originating Program.
        65 => Found::SOFTWARE,
        _ => Found::empty(),
    }
}

/// What a Photoshop image resource block holds: the body of a JPEG APP13 (with or without
/// its `Photoshop 3.0\0` signature), or a TIFF's Photoshop tag. Reads the IPTC and XMP
/// resources, and notes thumbnails; stops at the first block that is not a resource.
pub(crate) fn photoshop_irb(body: &[u8]) -> Found {
    let mut found = Found::empty();
    let mut rest = body.strip_prefix(b"Photoshop 3.0\0").unwrap_or(body);
    while let Some((id, data, after)) = next_resource(rest) {
        match id {
            IRB_IPTC => found |= iptc(data),
            IRB_XMP => found |= xmp(data),
            IRB_THUMBNAIL | IRB_THUMBNAIL_PS4 if !data.is_empty() => found |= Found::THUMBNAIL,
            _ => {}
        }
        rest = after;
    }
    found
}

/// The next resource: `8BIM`, id, a Pascal name padded to even length, a 4-byte size, the
/// data padded to even length. Resources under Photoshop's other signatures are stepped
/// over. A resource cut short gives what is there.
fn next_resource(data: &[u8]) -> Option<(u16, &[u8], &[u8])> {
    let (signature, rest) = data.split_first_chunk::<4>()?;
    if !matches!(signature, b"8BIM" | b"MeSa" | b"PHUT" | b"AgHg" | b"DCSR") {
        return None;
    }
    let (&id, rest) = rest.split_first_chunk::<2>()?;
    let (&name_len, _) = rest.split_first()?;
    // The length byte and the name, together padded to an even count.
    let name_total = usize::from(name_len).checked_add(1)?.next_multiple_of(2);
    let (&size, rest) = rest.get(name_total..)?.split_first_chunk::<4>()?;
    let size = usize::try_from(u32::from_be_bytes(size)).ok()?;
    work::add(name_total.saturating_add(10));
    let id = if signature == b"8BIM" {
        u16::from_be_bytes(id)
    } else {
        0 // not a resource this reads
    };
    let padded = size.checked_add(size & 1)?;
    Some(match (rest.get(..size), rest.get(padded..)) {
        (Some(data), Some(after)) => (id, data, after),
        (Some(data), None) => (id, data, &[]),
        _ => (id, rest, &[]),
    })
}
