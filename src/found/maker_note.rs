//! Serial numbers in maker notes: the vendors' own IFDs inside the Exif IFD's MakerNote.
//!
//! A maker note's layout differs per make, and some are enciphered (Sony), so only the
//! layouts that are plain IFDs with a documented serial-number tag are read (tags as
//! exiftool's Canon, Nikon, Panasonic and FujiFilm tables name them). Each note is one IFD,
//! read once, with the same bounds as every other IFD.

use byteorder::{BigEndian, ByteOrder, LittleEndian};

use super::value::{has_data, has_text};
use crate::exif::{first_ifd, read_ifd};

/// ASCII, the one type whose blanks are spaces too.
const TYPE_ASCII: u16 = 2;

/// Whether the maker note `note`, at `note_at` in the EXIF blob `tiff` (byte order `O`),
/// holds a serial number. `canon` says IFD0's Make is Canon's (its notes have no header).
pub(super) fn has_serial<O: ByteOrder>(
    tiff: &[u8],
    note_at: usize,
    note: &[u8],
    canon: bool,
) -> bool {
    if note.starts_with(b"Panasonic\0\0\0") {
        // An IFD after the 12-byte header; offsets from the EXIF blob's TIFF header.
        // 0x0025 InternalSerialNumber.
        return note_at
            .checked_add(12)
            .is_some_and(|at| ifd_has::<O>(tiff, at, &[0x0025]));
    }
    if let Some(inner) = note.strip_prefix(b"Nikon\0\x02") {
        // Nikon type 3: version (3 bytes after the `\x02`), then a TIFF header of its own, to
        // which the note's offsets are relative. 0x001D and 0x00A0 SerialNumber.
        let Some(inner) = inner.get(3..) else {
            return false;
        };
        let serial_tags = &[0x001D, 0x00A0];
        return match inner.get(0..2) {
            Some(b"II") => own_tiff_has::<LittleEndian>(inner, serial_tags),
            Some(b"MM") => own_tiff_has::<BigEndian>(inner, serial_tags),
            _ => false,
        };
    }
    if let Some(offset) = note
        .strip_prefix(b"FUJIFILM")
        .and_then(|r| r.first_chunk::<4>())
    {
        // Little-endian whatever the EXIF's order, offsets from the note's start.
        // 0x0010 InternalSerialNumber.
        let at = usize::try_from(LittleEndian::read_u32(offset)).unwrap_or(usize::MAX);
        return ifd_has::<LittleEndian>(note, at, &[0x0010]);
    }
    // Canon: an IFD at the note's start, offsets from the TIFF header. 0x000C SerialNumber,
    // 0x0096 InternalSerialNumber.
    canon && ifd_has::<O>(tiff, note_at, &[0x000C, 0x0096])
}

fn own_tiff_has<O: ByteOrder>(tiff: &[u8], tags: &[u16]) -> bool {
    first_ifd::<O>(tiff).is_some_and(|at| ifd_has::<O>(tiff, at, tags))
}

/// Whether the IFD at `at` has one of `tags` with a value that is not blank.
fn ifd_has<O: ByteOrder>(tiff: &[u8], at: usize, tags: &[u16]) -> bool {
    let Some((mut entries, _)) = read_ifd::<O>(tiff, at) else {
        return false;
    };
    entries.any(|e| {
        tags.contains(&e.tag)
            && e.value::<O>(tiff).is_some_and(|v| {
                if e.kind == TYPE_ASCII {
                    has_text(v)
                } else {
                    has_data(v)
                }
            })
    })
}
