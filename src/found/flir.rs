//! FLIR thermal cameras' APP1 `FLIR` segments: an FFF file (FLIR's "FFF" container, as
//! exiftool's `FLIR.pm` reads it) cut into numbered chunks, whose record directory names
//! what the camera stored beside the visible picture.
//!
//! Only the directory is read: it lies in the first chunk, right after the 64-byte header,
//! while the records it points at lie anywhere in the chunks that follow. So a record's kind
//! says what it holds, by the fixed layout FLIR gives that kind: a CameraInfo record always
//! carries the camera's model, body and lens serial numbers and the capture time.

use crate::report::Found;
use crate::work;

/// An APP1 chunk's header: `FLIR\0`, a version byte, this chunk's index and the last index.
const CHUNK_HEADER: usize = 8;
/// The FFF header: `FFF\0`, the creator (16 bytes), the version at 0x14, the directory's
/// offset at 0x18 and its entry count at 0x1C.
const FFF_HEADER: usize = 0x40;
/// One directory entry: the record type is its first two bytes.
const ENTRY: usize = 0x20;
/// Record types (exiftool `%Image::ExifTool::FLIR::FFF`).
const RAW_DATA: u16 = 0x01;
const EMBEDDED_IMAGE: u16 = 0x0E;
const CAMERA_INFO: u16 = 0x20;

/// What the FLIR APP1 segment `body` (from its `FLIR\0` on) says the FFF file holds. Only
/// the first chunk (index 0) has the directory; later chunks say nothing by themselves.
pub(crate) fn flir(body: &[u8]) -> Found {
    let Some(chunk) = body.strip_prefix(b"FLIR\0") else {
        return Found::empty();
    };
    if chunk.get(1) != Some(&0) {
        return Found::empty();
    }
    let Some(fff) = body.get(CHUNK_HEADER..) else {
        return Found::empty();
    };
    directory(fff).map_or(Found::empty(), |(entries, big)| records_found(entries, big))
}

/// The record directory of the FFF file that starts `fff`, as far as it lies in `fff`, and
/// whether the file is big-endian.
fn directory(fff: &[u8]) -> Option<(&[u8], bool)> {
    let header = fff.get(..FFF_HEADER)?;
    if !header.starts_with(b"FFF\0") {
        return None;
    }
    let word = |at: usize| -> Option<[u8; 4]> { header.get(at..)?.first_chunk().copied() };
    // exiftool: the version is 100..200 in the file's byte order, big-endian tried first.
    let version = word(0x14)?;
    let big = if (100..200).contains(&u32::from_be_bytes(version)) {
        true
    } else if (100..200).contains(&u32::from_le_bytes(version)) {
        false
    } else {
        return None;
    };
    let read = if big {
        u32::from_be_bytes
    } else {
        u32::from_le_bytes
    };
    let at = usize::try_from(read(word(0x18)?)).ok()?;
    let count = usize::try_from(read(word(0x1C)?)).ok()?;
    let listed = fff.get(at..)?;
    // The count is only trusted as far as the chunk holds entries.
    let whole = listed.len().checked_div(ENTRY)?.min(count);
    Some((listed.get(..whole.checked_mul(ENTRY)?)?, big))
}

/// What the directory's record types name.
fn records_found(directory: &[u8], big: bool) -> Found {
    work::add(directory.len());
    directory
        .chunks_exact(ENTRY)
        .filter_map(|entry| entry.first_chunk::<2>())
        .map(|&kind| {
            record_found(if big {
                u16::from_be_bytes(kind)
            } else {
                u16::from_le_bytes(kind)
            })
        })
        .fold(Found::empty(), |found, f| found | f)
}

/// What a record of type `kind` holds by its layout.
fn record_found(kind: u16) -> Found {
    match kind {
        CAMERA_INFO => Found::DEVICE | Found::SERIAL_NUMBER | Found::CAPTURE_TIME,
        RAW_DATA | EMBEDDED_IMAGE => Found::EMBEDDED_MEDIA,
        _ => Found::empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A first FLIR chunk whose FFF directory lists `types` (big- or little-endian).
    fn chunk(types: &[u16], big: bool) -> Vec<u8> {
        let u32_bytes = |v: u32| {
            if big {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let mut b = b"FLIR\0\x01\x00\x0A".to_vec();
        let mut fff = b"FFF\0".to_vec();
        fff.extend_from_slice(b"FLIR\0\0\0\0\0\0\0\0\0\0\0\0");
        fff.extend_from_slice(&u32_bytes(100));
        fff.extend_from_slice(&u32_bytes(0x40));
        fff.extend_from_slice(&u32_bytes(u32::try_from(types.len()).unwrap()));
        fff.resize(FFF_HEADER, 0);
        for &t in types {
            let mut entry = [0u8; ENTRY];
            let kind = if big {
                t.to_be_bytes()
            } else {
                t.to_le_bytes()
            };
            entry[..2].copy_from_slice(&kind);
            fff.extend_from_slice(&entry);
        }
        b.extend_from_slice(&fff);
        b
    }

    #[test]
    fn camera_info_names_device_serial_and_time() {
        for big in [true, false] {
            let found = flir(&chunk(&[RAW_DATA, CAMERA_INFO, 0x2B, 0, 0], big));
            assert_eq!(
                found,
                Found::DEVICE | Found::SERIAL_NUMBER | Found::CAPTURE_TIME | Found::EMBEDDED_MEDIA
            );
        }
    }

    #[test]
    fn no_camera_info_no_serial() {
        assert_eq!(flir(&chunk(&[0x22, 0x2B], true)), Found::empty());
        assert_eq!(flir(&chunk(&[RAW_DATA], true)), Found::EMBEDDED_MEDIA);
    }

    #[test]
    fn later_chunks_and_other_segments_say_nothing() {
        let mut later = chunk(&[CAMERA_INFO], true);
        later[6] = 1;
        assert_eq!(flir(&later), Found::empty());
        assert_eq!(flir(b"Exif\0\0MM"), Found::empty());
    }

    #[test]
    fn a_count_past_the_chunk_reads_only_what_is_there() {
        let mut c = chunk(&[CAMERA_INFO], true);
        // Entry count 0xFFFFFFFF; the directory is cut to the one whole entry present.
        c[CHUNK_HEADER + 0x1C..CHUNK_HEADER + 0x20].copy_from_slice(&[0xFF; 4]);
        c.extend_from_slice(&[0x20; 7]);
        assert!(flir(&c).contains(Found::SERIAL_NUMBER));
        let mut past = chunk(&[CAMERA_INFO], true);
        past[CHUNK_HEADER + 0x18..CHUNK_HEADER + 0x1C].copy_from_slice(&[0xFF; 4]);
        assert_eq!(flir(&past), Found::empty());
    }

    #[test]
    fn a_cut_entry_is_not_read() {
        let c = chunk(&[RAW_DATA, CAMERA_INFO], false);
        for end in 0..c.len() {
            assert!(!flir(&c[..end]).contains(Found::SERIAL_NUMBER), "{end}");
        }
        assert!(flir(&c).contains(Found::SERIAL_NUMBER));
    }
}
