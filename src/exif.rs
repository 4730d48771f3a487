//! Reading TIFF blobs (EXIF): the bounded IFD primitives shared by the readers here and the
//! metadata finder (`crate::found`); and writing the smallest EXIF that holds what the keep
//! flags kept ([`Ifd0`]: the orientation for `Keep::ORIENTATION`, the artist and copyright
//! for `Keep::COPYRIGHT`).

use byteorder::{BigEndian, ByteOrder, LittleEndian};

use crate::work;

/// TIFF tag 274 (TIFF 6.0 § 8; Exif 2.32 § 4.6.4).
const ORIENTATION_TAG: u16 = 0x0112;
/// TIFF tags 315 and 33432 (TIFF 6.0 § 8; Exif 2.32 § 4.6.4 A): the author's credit.
const ARTIST_TAG: u16 = 0x013B;
const COPYRIGHT_TAG: u16 = 0x8298;
const TYPE_ASCII: u16 = 2;
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

/// Longest credit value kept, its NUL included: a name or a copyright notice fits many times
/// over, and the fresh EXIF stays small whatever the input's count says.
pub(crate) const MAX_CREDIT: usize = 1024;

/// What the minimal EXIF a strip writes holds: the fields the keep flags kept, read from
/// the input's IFD0. Written as one big-endian TIFF whose IFD0 holds only these tags, in tag
/// order, with no next IFD ([`Ifd0::tiff`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Ifd0<'a> {
    /// Orientation 2..=8 (1 needs no EXIF).
    pub(crate) orientation: Option<u16>,
    /// Artist's text without its NUL: not blank, at most [`MAX_CREDIT`] − 1 bytes.
    pub(crate) artist: Option<&'a [u8]>,
    /// Copyright's text without its final NUL (it may hold the photographer's and the
    /// editor's notices, NUL between them; Exif 2.32 § 4.6.5 A).
    pub(crate) copyright: Option<&'a [u8]>,
}

impl<'a> Ifd0<'a> {
    /// Reads the orientation (when `orientation`) and the artist and copyright (when
    /// `credit`) from IFD0 of the TIFF blob `tiff`; whatever is missing, malformed or blank
    /// stays `None`.
    pub(crate) fn read(tiff: &'a [u8], orientation: bool, credit: bool) -> Self {
        let mut kept = Ifd0::default();
        if orientation {
            kept.orientation = read_orientation(tiff);
        }
        if credit {
            (kept.artist, kept.copyright) = match tiff.get(0..2) {
                Some(b"II") => read_credit::<LittleEndian>(tiff),
                Some(b"MM") => read_credit::<BigEndian>(tiff),
                _ => (None, None),
            };
        }
        kept
    }

    /// Whether there is nothing to write.
    pub(crate) fn is_empty(&self) -> bool {
        self.orientation.is_none() && self.artist.is_none() && self.copyright.is_none()
    }

    /// The TIFF blob: header, IFD0 with one entry per field, next-IFD offset 0, then the
    /// longer ASCII values, each at an even offset (TIFF 6.0 § 2: values start on a word
    /// boundary). `None` when there is nothing to write. Built in a fixed buffer, so keeping
    /// an orientation or a credit allocates nothing.
    pub(crate) fn tiff(&self) -> Option<Tiff> {
        if self.is_empty() {
            return None;
        }
        let orientation = self.orientation.map(|o| {
            let mut field = [0u8; 4];
            field[..2].copy_from_slice(&o.to_be_bytes());
            (ORIENTATION_TAG, TYPE_SHORT, field)
        });
        let entries = [
            orientation.map(|(tag, kind, field)| (tag, kind, 1u32, Value::Inline(field))),
            self.artist.and_then(|a| ascii_entry(ARTIST_TAG, a)),
            self.copyright.and_then(|c| ascii_entry(COPYRIGHT_TAG, c)),
        ];
        let count = entries.iter().flatten().count();
        // Header 8, count 2, entries, next-IFD offset 4; all small (at most 3 entries).
        let mut data_at = ENTRY_LEN.checked_mul(count)?.checked_add(14)?;
        let mut t = Tiff::new();
        t.put(b"MM\0\x2A\0\0\0\x08")?;
        t.put(&u16::try_from(count).ok()?.to_be_bytes())?;
        for (tag, kind, n, value) in entries.iter().flatten() {
            t.put(&tag.to_be_bytes())?;
            t.put(&kind.to_be_bytes())?;
            t.put(&n.to_be_bytes())?;
            match value {
                Value::Inline(field) => t.put(field)?,
                Value::At(text) => {
                    t.put(&u32::try_from(data_at).ok()?.to_be_bytes())?;
                    data_at = data_at.checked_add(even(text.len().checked_add(1)?)?)?;
                }
            }
        }
        t.put(&[0; 4])?;
        for (_, _, _, value) in entries.iter().flatten() {
            if let Value::At(text) = value {
                t.put(text)?;
                t.put(&[0])?;
                if t.bytes().len() % 2 == 1 {
                    t.put(&[0])?;
                }
            }
        }
        Some(t)
    }
}

/// `Exif\0\0` and the largest TIFF [`Ifd0::tiff`] writes: header, count, three entries,
/// next-IFD offset, two credit values of [`MAX_CREDIT`] bytes, each padded to even.
const TIFF_ROOM: usize = 6 + 14 + 3 * ENTRY_LEN + 2 * (MAX_CREDIT + 1);

/// A minimal EXIF written by [`Ifd0::tiff`], in a fixed buffer that starts with the
/// `Exif\0\0` a JPEG APP1 puts before it.
#[derive(Clone)]
pub(crate) struct Tiff {
    buf: [u8; TIFF_ROOM],
    len: usize,
}

impl Tiff {
    fn new() -> Self {
        let mut buf = [0; TIFF_ROOM];
        if let Some(head) = buf.get_mut(..6) {
            head.copy_from_slice(b"Exif\0\0");
        }
        Tiff { buf, len: 6 }
    }

    /// Appends `bytes`; `None` when they do not fit (they always do: see [`TIFF_ROOM`]).
    fn put(&mut self, bytes: &[u8]) -> Option<()> {
        let end = self.len.checked_add(bytes.len())?;
        self.buf.get_mut(self.len..end)?.copy_from_slice(bytes);
        self.len = end;
        Some(())
    }

    /// The TIFF blob (PNG `eXIf`, WebP `EXIF`).
    pub(crate) fn bytes(&self) -> &[u8] {
        self.buf.get(6..self.len).unwrap_or_default()
    }

    /// `Exif\0\0` and the TIFF blob: the body of a JPEG APP1.
    pub(crate) fn with_exif_header(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }
}

impl std::fmt::Debug for Tiff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Tiff").field(&self.bytes()).finish()
    }
}

impl PartialEq for Tiff {
    fn eq(&self, other: &Self) -> bool {
        self.bytes() == other.bytes()
    }
}

/// An IFD entry's value as the writer lays it out.
enum Value<'a> {
    /// Four bytes or fewer, in the entry.
    Inline([u8; 4]),
    /// Text written after the IFD with its NUL.
    At(&'a [u8]),
}

/// An ASCII entry holding `text` and its NUL: inline when that fits in 4 bytes.
fn ascii_entry(tag: u16, text: &[u8]) -> Option<(u16, u16, u32, Value<'_>)> {
    // What `Ifd0::read` takes is already this short; the cap keeps the writer's buffer
    // enough whatever it is given.
    let text = text.get(..MAX_CREDIT.saturating_sub(1)).unwrap_or(text);
    let count = text.len().checked_add(1)?;
    let value = if count <= 4 {
        let mut field = [0u8; 4];
        field.get_mut(..text.len())?.copy_from_slice(text);
        Value::Inline(field)
    } else {
        Value::At(text)
    };
    Some((tag, TYPE_ASCII, u32::try_from(count).ok()?, value))
}

fn even(n: usize) -> Option<usize> {
    n.checked_add(n % 2)
}

fn read_credit<O: ByteOrder>(tiff: &[u8]) -> (Option<&[u8]>, Option<&[u8]>) {
    let Some((entries, _)) = first_ifd::<O>(tiff).and_then(|at| read_ifd::<O>(tiff, at)) else {
        return (None, None);
    };
    let (mut artist, mut copyright) = (None, None);
    for entry in entries {
        let slot = match entry.tag {
            ARTIST_TAG => &mut artist,
            COPYRIGHT_TAG => &mut copyright,
            _ => continue,
        };
        if slot.is_none() && entry.kind == TYPE_ASCII {
            *slot = entry.value::<O>(tiff).and_then(credit_text);
        }
    }
    (artist, copyright)
}

/// An ASCII value as credit: cut to [`MAX_CREDIT`] − 1 bytes, without its trailing NULs;
/// `None` when it holds nothing but NULs and spaces.
fn credit_text(value: &[u8]) -> Option<&[u8]> {
    let cut = value.get(..MAX_CREDIT.saturating_sub(1)).unwrap_or(value);
    let end = cut.iter().rposition(|&b| b != 0)?.checked_add(1)?;
    let text = cut.get(..end)?;
    text.iter().any(|&b| b != b' ' && b != 0).then_some(text)
}

/// A big-endian TIFF blob whose IFD0 holds only Orientation: header, one entry, no next IFD.
#[cfg(test)]
pub(crate) fn orientation_tiff(orientation: u16) -> [u8; 26] {
    let kept = Ifd0 {
        orientation: Some(orientation),
        ..Ifd0::default()
    };
    kept.tiff().unwrap().bytes().try_into().unwrap()
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
    fn writes_orientation_as_before() {
        let mut t = [0u8; 26];
        t[0..8].copy_from_slice(b"MM\0\x2A\0\0\0\x08");
        t[8..10].copy_from_slice(&[0, 1]);
        t[10..20].copy_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6]);
        assert_eq!(orientation_tiff(6), t);
    }

    #[test]
    fn credit_reads_back_and_stays_valid_tiff() {
        let long = [b'x'; 3000];
        for (artist, copyright) in [
            (&b"Ann"[..], &b"(c) Ann Smith, all rights reserved"[..]),
            (b"Bo", b"C\0Ed"),
            (b"An odd name", b"AB"),
            (&long[..], b"c"),
        ] {
            let kept = Ifd0 {
                orientation: Some(3),
                artist: Some(artist),
                copyright: Some(copyright),
            };
            let t = kept.tiff().unwrap();
            let back = Ifd0::read(t.bytes(), true, true);
            let cut = &artist[..artist.len().min(MAX_CREDIT - 1)];
            assert_eq!(back.orientation, Some(3));
            assert_eq!(back.copyright, Some(copyright));
            assert_eq!(back.artist, Some(cut));
            // Written again from what it reads: the same blob (idempotence).
            assert_eq!(
                Ifd0::read(
                    Ifd0 {
                        artist: back.artist,
                        ..kept
                    }
                    .tiff()
                    .unwrap()
                    .bytes(),
                    true,
                    true
                ),
                back
            );
            assert_eq!(t.bytes().len() % 2, 0);
            let (entries, next) = read_ifd::<BigEndian>(t.bytes(), 8).unwrap();
            assert_eq!(next, None);
            for e in entries {
                if let Some(at) = e.value_at::<BigEndian>() {
                    assert_eq!(at % 2, 0, "word-aligned");
                    let v = e.value::<BigEndian>(t.bytes()).unwrap();
                    assert_eq!(v.last(), Some(&0), "NUL-terminated");
                }
            }
        }
        assert_eq!(Ifd0::default().tiff(), None);
    }

    #[test]
    fn blank_or_non_ascii_credit_is_not_read() {
        let mut t = b"II\x2A\0\x08\0\0\0".to_vec();
        t.extend_from_slice(&3u16.to_le_bytes());
        t.extend_from_slice(&[0x3B, 0x01, 2, 0, 3, 0, 0, 0, b' ', 0, 0, 0]);
        t.extend_from_slice(&[0x98, 0x82, 7, 0, 2, 0, 0, 0, b'A', 0, 0, 0]);
        t.extend_from_slice(&[0x0F, 0x01, 2, 0, 3, 0, 0, 0, b'M', b'k', 0, 0]);
        t.extend_from_slice(&[0; 4]);
        assert!(Ifd0::read(&t, true, true).is_empty());
        assert!(Ifd0::read(&orientation_tiff(6), false, true).is_empty());
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
