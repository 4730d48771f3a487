//! The Orientation tag: read it from an EXIF (TIFF) blob, and write the smallest EXIF that
//! holds it, for `Keep::ORIENTATION`.

use byteorder::{BigEndian, ByteOrder, LittleEndian};

/// TIFF tag 274 (TIFF 6.0 § 8; Exif 2.32 § 4.6.4).
const ORIENTATION_TAG: u16 = 0x0112;
const TYPE_SHORT: u16 = 3;

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
    let header: [u8; 8] = tiff.get(0..8)?.try_into().ok()?;
    if O::read_u16(&header[2..4]) != 42 {
        return None;
    }
    let ifd = usize::try_from(O::read_u32(&header[4..8])).ok()?;
    let count_bytes: [u8; 2] = tiff.get(ifd..ifd.checked_add(2)?)?.try_into().ok()?;
    let count = usize::from(O::read_u16(&count_bytes));
    let entries = tiff
        .get(ifd.checked_add(2)?..)?
        .chunks_exact(12)
        .take(count);
    for entry in entries {
        let entry: [u8; 12] = entry.try_into().ok()?;
        if O::read_u16(&entry[0..2]) == ORIENTATION_TAG {
            if O::read_u16(&entry[2..4]) != TYPE_SHORT || O::read_u32(&entry[4..8]) != 1 {
                return None;
            }
            return Some(O::read_u16(&entry[8..10]));
        }
    }
    None
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
