//! Reading TIFF blobs (EXIF): the bounded IFD primitives shared by the Orientation reader
//! here and the metadata finder (`crate::found`); and writing the smallest EXIF that holds
//! an orientation, for `Keep::ORIENTATION`.

use byteorder::{BigEndian, ByteOrder, LittleEndian};

use crate::work;

/// TIFF tag 274 (TIFF 6.0 § 8; Exif 2.32 § 4.6.4).
const ORIENTATION_TAG: u16 = 0x0112;
const TYPE_SHORT: u16 = 3;
const TYPE_LONG: u16 = 4;
/// Exif 2.32 § 4.6.2: the IFD type, used by some writers for sub-IFD pointers.
const TYPE_IFD: u16 = 13;
/// Bytes in one IFD entry: tag, type, count, value or offset (TIFF 6.0 § 2).
const ENTRY_LEN: usize = 12;

/// The Orientation value in IFD0 of a TIFF blob (`II*\0` or `MM\0*`), when it is 2..=8.
/// Orientation 1 (or none) needs no EXIF to display right, so it gives `None`.
pub(crate) fn read_orientation(tiff: &[u8]) -> Option<u16> {
    let value = match tiff.get(0..2)? {
        b"II" => ifd0_orientation::<LittleEndian>(tiff),
        b"MM" => ifd0_orientation::<BigEndian>(tiff),
        _ => None,
    }?;
    (2..=8).contains(&value).then_some(value)
}

fn ifd0_orientation<O: ByteOrder>(tiff: &[u8]) -> Option<u16> {
    let (mut entries, _) = read_ifd::<O>(tiff, first_ifd::<O>(tiff)?)?;
    let entry = entries.find(|e| e.tag == ORIENTATION_TAG)?;
    if entry.kind != TYPE_SHORT || entry.count != 1 {
        return None;
    }
    Some(O::read_u16(entry.field))
}

/// The offset of IFD0, when `tiff` starts with a TIFF header in byte order `O` (TIFF 6.0 § 2).
pub(crate) fn first_ifd<O: ByteOrder>(tiff: &[u8]) -> Option<usize> {
    let header: &[u8; 8] = tiff.get(0..8)?.try_into().ok()?;
    if O::read_u16(&header[2..4]) != 42 {
        return None;
    }
    usize::try_from(O::read_u32(&header[4..8])).ok()
}

/// One IFD entry, borrowed from the blob.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry<'a> {
    pub(crate) tag: u16,
    pub(crate) kind: u16,
    pub(crate) count: u32,
    /// The value itself when it fits in 4 bytes, else its offset from the TIFF header.
    pub(crate) field: &'a [u8; 4],
}

impl<'a> Entry<'a> {
    fn read<O: ByteOrder>(raw: &'a [u8]) -> Option<Self> {
        let (head, rest) = raw.split_first_chunk::<8>()?;
        Some(Entry {
            tag: O::read_u16(&head[0..2]),
            kind: O::read_u16(&head[2..4]),
            count: O::read_u32(&head[4..8]),
            field: rest.first_chunk::<4>()?,
        })
    }

    /// The value's bytes, inline or at their offset, or `None` when the type is unknown or
    /// the value lies (even in part) outside `tiff`.
    pub(crate) fn value<O: ByteOrder>(&self, tiff: &'a [u8]) -> Option<&'a [u8]> {
        let len = self.len()?;
        match self.value_at::<O>() {
            Some(at) => tiff.get(at..at.checked_add(len)?),
            None => self.field.get(..len),
        }
    }

    /// The value's bytes as [`Entry::value`] gives them or, for a value that runs past the
    /// end of `tiff` (an EXIF blob split over two JPEG segments), the part that is there.
    pub(crate) fn value_part<O: ByteOrder>(&self, tiff: &'a [u8]) -> Option<&'a [u8]> {
        self.value::<O>(tiff)
            .or_else(|| tiff.get(self.value_at::<O>()?..))
    }

    /// Where the value lies in the blob, when it is too long to sit in the entry.
    pub(crate) fn value_at<O: ByteOrder>(&self) -> Option<usize> {
        if self.len()? <= 4 {
            return None;
        }
        usize::try_from(O::read_u32(self.field)).ok()
    }

    /// The value's length in bytes: count × the type's size.
    fn len(&self) -> Option<usize> {
        usize::try_from(self.count)
            .ok()?
            .checked_mul(type_size(self.kind)?)
    }

    /// The first value of a SHORT, LONG or IFD entry: an offset, for the pointer tags.
    pub(crate) fn offset<O: ByteOrder>(&self) -> Option<usize> {
        let value = match self.kind {
            _ if self.count == 0 => return None,
            TYPE_SHORT => u32::from(O::read_u16(self.field)),
            TYPE_LONG | TYPE_IFD => O::read_u32(self.field),
            _ => return None,
        };
        usize::try_from(value).ok()
    }
}

/// Bytes per value of each TIFF type (TIFF 6.0 § 2, Exif 2.32 § 4.6.2); `None` for types
/// a reader cannot size, whose values are then unreadable.
fn type_size(kind: u16) -> Option<usize> {
    match kind {
        1 | 2 | 6 | 7 => Some(1),   // BYTE, ASCII, SBYTE, UNDEFINED
        3 | 8 => Some(2),           // SHORT, SSHORT
        4 | 9 | 11 | 13 => Some(4), // LONG, SLONG, FLOAT, IFD
        5 | 10 | 12 => Some(8),     // RATIONAL, SRATIONAL, DOUBLE
        _ => None,
    }
}

/// The entries of the IFD at `at` and the offset of the next IFD (`None` for 0 or when it
/// lies outside `tiff`). Entries that run past the end of `tiff` are left out, so a count
/// of 65,535 in a short blob gives what the blob holds; nothing is allocated from the count.
pub(crate) fn read_ifd<O: ByteOrder>(
    tiff: &[u8],
    at: usize,
) -> Option<(impl Iterator<Item = Entry<'_>>, Option<usize>)> {
    let count_bytes: &[u8; 2] = tiff.get(at..at.checked_add(2)?)?.try_into().ok()?;
    let count = usize::from(O::read_u16(count_bytes));
    let first = at.checked_add(2)?;
    let next = count
        .checked_mul(ENTRY_LEN)
        .and_then(|len| first.checked_add(len))
        .and_then(|end| tiff.get(end..end.checked_add(4)?))
        .map(O::read_u32)
        .and_then(|next| usize::try_from(next).ok())
        .filter(|&next| next != 0);
    let entries = tiff
        .get(first..)?
        .chunks_exact(ENTRY_LEN)
        .take(count)
        .filter_map(|raw| {
            work::add(ENTRY_LEN);
            Entry::read::<O>(raw)
        });
    Some((entries, next))
}

/// A big-endian TIFF blob whose IFD0 holds only Orientation: header, one entry, no next IFD.
pub(crate) fn orientation_tiff(orientation: u16) -> [u8; 26] {
    let mut t = [0u8; 26];
    t[0..8].copy_from_slice(b"MM\0\x2A\0\0\0\x08");
    t[8..10].copy_from_slice(&1u16.to_be_bytes());
    t[10..12].copy_from_slice(&ORIENTATION_TAG.to_be_bytes());
    t[12..14].copy_from_slice(&TYPE_SHORT.to_be_bytes());
    t[14..18].copy_from_slice(&1u32.to_be_bytes());
    t[18..20].copy_from_slice(&orientation.to_be_bytes());
    // t[20..22] pads the value field; t[22..26] is the next-IFD offset 0.
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_what_it_writes() {
        for o in 2..=8 {
            assert_eq!(read_orientation(&orientation_tiff(o)), Some(o));
        }
        assert_eq!(read_orientation(&orientation_tiff(1)), None);
        assert_eq!(read_orientation(&orientation_tiff(9)), None);
    }

    #[test]
    fn reads_little_endian_with_other_tags_first() {
        let mut t = b"II\x2A\0\x08\0\0\0".to_vec();
        t.extend_from_slice(&2u16.to_le_bytes());
        // Make (0x010F), ASCII, 4 bytes inline "Abc\0".
        t.extend_from_slice(&[0x0F, 0x01, 2, 0, 4, 0, 0, 0, b'A', b'b', b'c', 0]);
        t.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
        t.extend_from_slice(&[0; 4]);
        assert_eq!(read_orientation(&t), Some(6));
    }

    #[test]
    fn hostile_blobs_give_none() {
        assert_eq!(read_orientation(b""), None);
        assert_eq!(read_orientation(b"MM\0\x2A\xFF\xFF\xFF\xFF"), None);
        let mut t = orientation_tiff(6).to_vec();
        t[8..10].copy_from_slice(&u16::MAX.to_be_bytes()); // count past the end
        assert_eq!(read_orientation(&t), Some(6));
        t.truncate(15);
        assert_eq!(read_orientation(&t), None);
    }
}
