//! Reading TIFF blobs (EXIF): the bounded IFD primitives shared by the readers here and the
//! metadata finder (`crate::found`); and writing the smallest EXIF that holds what the keep
//! flags kept ([`Ifd0`]: the orientation for `Keep::ORIENTATION`, the artist and copyright
//! for `Keep::COPYRIGHT`, and an Apple gain map's headroom for `Keep::GAIN_MAP`,
//! [`AppleHeadroom`]).

use byteorder::{BigEndian, ByteOrder, LittleEndian};

use crate::work;

/// TIFF tag 274 (TIFF 6.0 § 8; Exif 2.32 § 4.6.4).
const ORIENTATION_TAG: u16 = 0x0112;
/// TIFF tags 315 and 33432 (TIFF 6.0 § 8; Exif 2.32 § 4.6.4 A): the author's credit.
const ARTIST_TAG: u16 = 0x013B;
const COPYRIGHT_TAG: u16 = 0x8298;
/// The Exif IFD pointer in IFD0 (Exif 2.32 § 4.6.3) and the MakerNote tag of the Exif IFD
/// (§ 4.6.5).
const EXIF_IFD_TAG: u16 = 0x8769;
const MAKER_NOTE_TAG: u16 = 0x927C;
const TYPE_ASCII: u16 = 2;
const TYPE_SHORT: u16 = 3;
const TYPE_LONG: u16 = 4;
const TYPE_RATIONAL: u16 = 5;
const TYPE_UNDEFINED: u16 = 7;
const TYPE_SRATIONAL: u16 = 10;
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

/// What an Apple maker note starts with: `Apple iOS\0`, version 1 (`\0\x01`) and the byte
/// order of its IFD, which is big-endian whatever the EXIF's is; the IFD follows at 14.
const APPLE_NOTE_HEAD: &[u8; 14] = b"Apple iOS\0\0\x01MM";
/// Apple maker-note tags (exiftool's names): HDRHeadroom and HDRGain.
const HDR_HEADROOM_TAG: u16 = 0x0021;
const HDR_GAIN_TAG: u16 = 0x0030;
/// The Exif IFD written for the headroom: count, one entry (MakerNote), next-IFD offset.
const EXIF_IFD_LEN: usize = 2 + ENTRY_LEN + 4;
/// The longest maker note written for the headroom: header, an IFD of two entries with no
/// next IFD, then their two 8-byte rationals.
const APPLE_NOTE_LEN: usize = APPLE_NOTE_HEAD.len() + 2 + 2 * ENTRY_LEN + 4 + 2 * 8;

/// The HDR headroom of an iPhone photo, as its Apple maker note gives it (tags 0x0021
/// HDRHeadroom and 0x0030 HDRGain, each one rational; iPhones before iOS 16 write only the
/// first, which libultrahdr takes with HDRGain 0): what readers need to apply a version-1.0
/// Apple HDR gain map, and what Skia needs to look for any Apple gain map (see
/// [`crate::formats`], "Apple HDR JPEG"). At most two numbers that identify no one;
/// everything else of the note goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AppleHeadroom {
    /// HDRHeadroom: its type (signed or unsigned rational) and its 8 bytes, big-endian.
    headroom: Option<Rational>,
    /// HDRGain, the same. At least one of the two is there.
    gain: Option<Rational>,
}

/// One rational value of an Apple maker note, as the input had it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rational {
    /// SRATIONAL (10) as Apple writes it, or RATIONAL (5).
    kind: u16,
    /// Numerator and denominator, big-endian.
    bytes: [u8; 8],
}

impl AppleHeadroom {
    /// The headroom in the Apple maker note of the TIFF blob `tiff` (IFD0 → Exif IFD →
    /// MakerNote), when the note is Apple's and holds one or both tags, each one rational
    /// (a tag that is there but not one rational makes the note unread). Every offset is
    /// checked against the blob; nothing is allocated.
    pub(crate) fn read(tiff: &[u8]) -> Option<Self> {
        match tiff.get(0..2)? {
            b"II" => Self::read_in::<LittleEndian>(tiff),
            b"MM" => Self::read_in::<BigEndian>(tiff),
            _ => None,
        }
    }

    fn read_in<O: ByteOrder>(tiff: &[u8]) -> Option<Self> {
        let (mut ifd0, _) = read_ifd::<O>(tiff, first_ifd::<O>(tiff)?)?;
        let exif_ifd = ifd0.find(|e| e.tag == EXIF_IFD_TAG)?.offset::<O>()?;
        let (mut exif, _) = read_ifd::<O>(tiff, exif_ifd)?;
        let note = exif.find(|e| e.tag == MAKER_NOTE_TAG)?;
        if note.kind != TYPE_UNDEFINED {
            return None;
        }
        Self::from_note(note.value::<O>(tiff)?)
    }

    /// The headroom in an Apple maker note (`note` from its `Apple iOS` on: its value
    /// offsets count from there).
    fn from_note(note: &[u8]) -> Option<Self> {
        if !note.starts_with(APPLE_NOTE_HEAD) {
            return None;
        }
        let (entries, _) = read_ifd::<BigEndian>(note, APPLE_NOTE_HEAD.len())?;
        let (mut headroom, mut gain) = (None, None);
        for entry in entries {
            let slot = match entry.tag {
                HDR_HEADROOM_TAG => &mut headroom,
                HDR_GAIN_TAG => &mut gain,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(Rational::read(&entry, note)?);
            }
        }
        (headroom.is_some() || gain.is_some()).then_some(AppleHeadroom { headroom, gain })
    }

    /// The tags kept, in tag order.
    fn tags(&self) -> impl Iterator<Item = (u16, &Rational)> {
        [
            (HDR_HEADROOM_TAG, &self.headroom),
            (HDR_GAIN_TAG, &self.gain),
        ]
        .into_iter()
        .filter_map(|(tag, value)| value.as_ref().map(|v| (tag, v)))
    }

    /// The fresh maker note's length: header, count, an entry and a value per tag, next IFD.
    fn note_len(&self) -> usize {
        let n = self.tags().count();
        APPLE_NOTE_HEAD
            .len()
            .saturating_add(6)
            .saturating_add(n.saturating_mul(ENTRY_LEN + 8))
    }

    /// The fresh maker note, in the first [`AppleHeadroom::note_len`] bytes: Apple's header,
    /// an IFD holding only the kept tags in tag order, next IFD 0, then their values, at
    /// offsets from the note's start as Apple writes them.
    fn note(&self) -> [u8; APPLE_NOTE_LEN] {
        let mut note = [0u8; APPLE_NOTE_LEN];
        let count = self.tags().count();
        let mut at = APPLE_NOTE_HEAD.len();
        let mut put = |bytes: &[u8]| {
            let end = at.saturating_add(bytes.len());
            if let Some(slot) = note.get_mut(at..end) {
                slot.copy_from_slice(bytes);
            }
            at = end;
        };
        put(&u16::try_from(count).unwrap_or_default().to_be_bytes());
        let values = self.note_len().saturating_sub(count.saturating_mul(8));
        for (i, (tag, value)) in self.tags().enumerate() {
            let offset = values.saturating_add(i.saturating_mul(8));
            put(&tag.to_be_bytes());
            put(&value.kind.to_be_bytes());
            put(&1u32.to_be_bytes());
            put(&u32::try_from(offset).unwrap_or_default().to_be_bytes());
        }
        put(&[0; 4]);
        for (_, value) in self.tags() {
            put(&value.bytes);
        }
        if let Some(head) = note.get_mut(..APPLE_NOTE_HEAD.len()) {
            head.copy_from_slice(APPLE_NOTE_HEAD);
        }
        note
    }

    /// The fresh maker note's bytes.
    fn note_bytes(&self) -> ([u8; APPLE_NOTE_LEN], usize) {
        (self.note(), self.note_len())
    }
}

/// Whether `note` is exactly a maker note [`AppleHeadroom`] writes: the headroom numbers
/// and nothing else, so a report names nothing in it.
pub(crate) fn is_headroom_note(note: &[u8]) -> bool {
    AppleHeadroom::from_note(note).is_some_and(|h| {
        let (bytes, len) = h.note_bytes();
        bytes.get(..len) == Some(note)
    })
}

impl Rational {
    /// The value of `entry`, a maker-note entry of `note`, when it is one rational.
    fn read(entry: &Entry<'_>, note: &[u8]) -> Option<Self> {
        let ok = matches!(entry.kind, TYPE_RATIONAL | TYPE_SRATIONAL) && entry.count == 1;
        let bytes = entry.value::<BigEndian>(note).filter(|_| ok)?;
        Some(Rational {
            kind: entry.kind,
            bytes: bytes.try_into().ok()?,
        })
    }
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
    /// An Apple gain map's headroom, written as a fresh maker note in an Exif IFD of its own
    /// (set by the caller that keeps the gain map: [`Ifd0::read`] leaves it `None`).
    pub(crate) apple: Option<AppleHeadroom>,
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
        self.orientation.is_none()
            && self.artist.is_none()
            && self.copyright.is_none()
            && self.apple.is_none()
    }

    /// The TIFF blob: header, IFD0 with one entry per field, next-IFD offset 0, then the
    /// longer ASCII values, each at an even offset (TIFF 6.0 § 2: values start on a word
    /// boundary), then for an Apple headroom the Exif IFD (its one entry the MakerNote, next
    /// IFD 0) and the maker note. `None` when there is nothing to write. Built in a fixed
    /// buffer, so keeping an orientation, a credit or a headroom allocates nothing.
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
            self.apple
                .map(|h| (EXIF_IFD_TAG, TYPE_LONG, 1u32, Value::ExifIfd(h))),
        ];
        let count = entries.iter().flatten().count();
        // Header 8, count 2, entries, next-IFD offset 4; all small (at most 4 entries).
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
                // Last in tag order, so after every text: the Exif IFD and its note.
                Value::ExifIfd(_) => t.put(&u32::try_from(data_at).ok()?.to_be_bytes())?,
            }
        }
        t.put(&[0; 4])?;
        for (_, _, _, value) in entries.iter().flatten() {
            match value {
                Value::Inline(_) => {}
                Value::At(text) => {
                    t.put(text)?;
                    t.put(&[0])?;
                    if t.bytes().len() % 2 == 1 {
                        t.put(&[0])?;
                    }
                }
                Value::ExifIfd(headroom) => write_maker_note_ifd(&mut t, headroom)?,
            }
        }
        Some(t)
    }
}

/// The Exif IFD holding only the MakerNote, at the end of `t` (an even offset: every value
/// before it is padded to even), then the note right after it.
fn write_maker_note_ifd(t: &mut Tiff, headroom: &AppleHeadroom) -> Option<()> {
    let note_at = t.bytes().len().checked_add(EXIF_IFD_LEN)?;
    t.put(&1u16.to_be_bytes())?;
    t.put(&MAKER_NOTE_TAG.to_be_bytes())?;
    t.put(&TYPE_UNDEFINED.to_be_bytes())?;
    let (note, len) = headroom.note_bytes();
    t.put(&u32::try_from(len).ok()?.to_be_bytes())?;
    t.put(&u32::try_from(note_at).ok()?.to_be_bytes())?;
    t.put(&[0; 4])?;
    t.put(note.get(..len)?)
}

/// `Exif\0\0` and the largest TIFF [`Ifd0::tiff`] writes: header, count, four entries,
/// next-IFD offset, two credit values of [`MAX_CREDIT`] bytes, each padded to even, the
/// Exif IFD and the Apple maker note.
const TIFF_ROOM: usize =
    6 + 14 + 4 * ENTRY_LEN + 2 * (MAX_CREDIT + 1) + EXIF_IFD_LEN + APPLE_NOTE_LEN;

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
    /// The offset of the Exif IFD written after the texts, holding the headroom's note.
    ExifIfd(AppleHeadroom),
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

/// An Apple maker note as an iPhone writes it (big-endian IFD after `Apple iOS\0\0\x01MM`,
/// value offsets from the note's start): MakerNoteVersion, an acceleration vector, a
/// `APPLE-NOTE-CANARY` text that must not survive, HDRHeadroom `headroom` and HDRGain
/// `gain` (signed rationals).
#[cfg(test)]
pub(crate) fn apple_note(headroom: [u8; 8], gain: [u8; 8]) -> Vec<u8> {
    let text = b"APPLE-NOTE-CANARY\0";
    let accel = [7u8; 24];
    let mut values: Vec<u8> = Vec::new();
    let entries_len = 14 + 2 + 5 * 12 + 4;
    let mut at = |bytes: &[u8]| {
        let offset = u32::try_from(entries_len + values.len()).unwrap();
        values.extend_from_slice(bytes);
        offset.to_be_bytes()
    };
    let rows: [(u16, u16, u32, [u8; 4]); 5] = [
        (0x0001, 9, 1, 15u32.to_be_bytes()),
        (0x0008, 10, 3, at(&accel)),
        (0x000B, 2, u32::try_from(text.len()).unwrap(), at(text)),
        (0x0021, 10, 1, at(&headroom)),
        (0x0030, 10, 1, at(&gain)),
    ];
    let mut note = APPLE_NOTE_HEAD.to_vec();
    note.extend_from_slice(&5u16.to_be_bytes());
    for (tag, kind, count, field) in rows {
        note.extend_from_slice(&tag.to_be_bytes());
        note.extend_from_slice(&kind.to_be_bytes());
        note.extend_from_slice(&count.to_be_bytes());
        note.extend_from_slice(&field);
    }
    note.extend_from_slice(&[0; 4]);
    note.extend_from_slice(&values);
    note
}

/// An iPhone-like EXIF (TIFF blob) in either byte order: IFD0 with Make, Orientation
/// `orientation` and the Exif IFD pointer; an Exif IFD with ExposureTime and the MakerNote
/// `note`.
#[cfg(test)]
pub(crate) fn apple_tiff(little: bool, orientation: u16, note: &[u8]) -> Vec<u8> {
    fn put(t: &mut Vec<u8>, little: bool, v: u32, n: usize) {
        let b = if little {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        };
        if little {
            t.extend_from_slice(&b[..n]);
        } else {
            t.extend_from_slice(&b[4 - n..]);
        }
    }
    let mut t = if little {
        b"II\x2A\0".to_vec()
    } else {
        b"MM\0\x2A".to_vec()
    };
    put(&mut t, little, 8, 4);
    // IFD0 at 8: 3 entries (8 + 2 + 36 + 4 = 50); Exif IFD at 50: 2 entries (50 + 30 = 80);
    // then the exposure time (8 bytes) at 80 and the note at 88.
    put(&mut t, little, 3, 2);
    for (tag, kind, count, value) in [
        (0x010Fu32, 2u32, 4u32, u32::from_be_bytes(*b"App\0")),
        (0x0112, 3, 1, u32::from(orientation)),
        (0x8769, 4, 1, 50),
    ] {
        put(&mut t, little, tag, 2);
        put(&mut t, little, kind, 2);
        put(&mut t, little, count, 4);
        if tag == 0x010F {
            t.extend_from_slice(b"App\0");
        } else if kind == 3 {
            put(&mut t, little, value, 2);
            t.extend_from_slice(&[0, 0]);
        } else {
            put(&mut t, little, value, 4);
        }
    }
    put(&mut t, little, 0, 4);
    put(&mut t, little, 2, 2);
    for (tag, kind, count, value) in [
        (0x829Au32, 5u32, 1u32, 80u32),
        (0x927C, 7, u32::try_from(note.len()).unwrap(), 88),
    ] {
        put(&mut t, little, tag, 2);
        put(&mut t, little, kind, 2);
        put(&mut t, little, count, 4);
        put(&mut t, little, value, 4);
    }
    put(&mut t, little, 0, 4);
    assert_eq!(t.len(), 80);
    put(&mut t, little, 1, 4);
    put(&mut t, little, 120, 4);
    t.extend_from_slice(note);
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    /// HDRHeadroom 82317/54194 and HDRGain 0/1, as the corpus's iPhone files have them.
    const HEADROOM: [u8; 8] = [0, 1, 0x41, 0x8D, 0, 0, 0xD3, 0xB2];
    const GAIN: [u8; 8] = [0, 0, 0, 0, 0, 0, 0, 1];

    fn iphone(little: bool) -> Vec<u8> {
        apple_tiff(little, 6, &apple_note(HEADROOM, GAIN))
    }

    fn headroom(kind: u16) -> AppleHeadroom {
        AppleHeadroom {
            headroom: Some(Rational {
                kind,
                bytes: HEADROOM,
            }),
            gain: Some(Rational {
                kind: TYPE_SRATIONAL,
                bytes: GAIN,
            }),
        }
    }

    #[test]
    fn reads_the_headroom_of_an_iphone_note_in_either_byte_order() {
        for little in [false, true] {
            let t = iphone(little);
            assert_eq!(AppleHeadroom::read(&t), Some(headroom(TYPE_SRATIONAL)));
            assert_eq!(read_orientation(&t), Some(6));
        }
    }

    #[test]
    fn writes_a_fresh_note_with_only_the_two_tags_and_reads_it_back() {
        for kind in [TYPE_SRATIONAL, TYPE_RATIONAL] {
            let h = headroom(kind);
            let kept = Ifd0 {
                apple: Some(h),
                ..Ifd0::default()
            };
            let t = kept.tiff().unwrap();
            let blob = t.bytes();
            assert_eq!(AppleHeadroom::read(blob), Some(h));
            // IFD0: only the Exif IFD pointer, a LONG; the Exif IFD: only the MakerNote.
            let (ifd0, next) = read_ifd::<BigEndian>(blob, 8).unwrap();
            let ifd0: Vec<_> = ifd0.collect();
            assert_eq!(next, None);
            assert_eq!(ifd0.len(), 1);
            assert_eq!((ifd0[0].tag, ifd0[0].kind, ifd0[0].count), (0x8769, 4, 1));
            let exif_at = ifd0[0].offset::<BigEndian>().unwrap();
            assert_eq!(exif_at % 2, 0);
            let (exif, next) = read_ifd::<BigEndian>(blob, exif_at).unwrap();
            let exif: Vec<_> = exif.collect();
            assert_eq!(next, None);
            assert_eq!(exif.len(), 1);
            assert_eq!((exif[0].tag, exif[0].kind), (0x927C, 7));
            let note = exif[0].value::<BigEndian>(blob).unwrap();
            assert_eq!(exif[0].value_at::<BigEndian>().unwrap() % 2, 0);
            assert!(is_headroom_note(note));
            // The note: header, two entries in tag order, next IFD 0, the values at 44, 52.
            assert_eq!(&note[..14], b"Apple iOS\0\0\x01MM");
            let (entries, next) = read_ifd::<BigEndian>(note, 14).unwrap();
            assert_eq!(next, None);
            let rows: Vec<_> = entries
                .map(|e| (e.tag, e.kind, e.count, e.value_at::<BigEndian>()))
                .collect();
            assert_eq!(
                rows,
                [
                    (0x21, kind, 1, Some(44)),
                    (0x30, TYPE_SRATIONAL, 1, Some(52))
                ]
            );
            assert_eq!(&note[44..], [HEADROOM, GAIN].concat());
            assert_eq!(blob.len() % 2, 0);
            // Written again from what it reads: the same blob (idempotence).
            let again = Ifd0 {
                apple: AppleHeadroom::read(blob),
                ..Ifd0::default()
            };
            assert_eq!(again.tiff().unwrap(), t);
        }
    }

    #[test]
    fn the_fresh_note_is_not_the_input_note() {
        let note = apple_note(HEADROOM, GAIN);
        assert!(!is_headroom_note(&note));
        let fresh = headroom(TYPE_SRATIONAL).note();
        assert!(is_headroom_note(&fresh));
        let mut longer = fresh.to_vec();
        longer.push(0);
        assert!(!is_headroom_note(&longer));
    }

    #[test]
    fn orientation_credit_and_headroom_together_stay_a_valid_tiff() {
        for (artist, copyright) in [
            (&b"Ann"[..], &b"(c) Ann Smith, all rights reserved"[..]),
            (b"An odd name", b"AB"),
            (&[b'x'; 3000][..], &[b'y'; 3000][..]),
        ] {
            let kept = Ifd0 {
                orientation: Some(8),
                artist: Some(artist),
                copyright: Some(copyright),
                apple: Some(headroom(TYPE_SRATIONAL)),
            };
            let t = kept.tiff().unwrap();
            let blob = t.bytes();
            assert_eq!(read_orientation(blob), Some(8));
            assert_eq!(AppleHeadroom::read(blob), kept.apple);
            let back = Ifd0::read(blob, true, true);
            assert_eq!(
                back.copyright,
                Some(&copyright[..copyright.len().min(MAX_CREDIT - 1)])
            );
            assert_eq!(
                back.artist,
                Some(&artist[..artist.len().min(MAX_CREDIT - 1)])
            );
            let (entries, _) = read_ifd::<BigEndian>(blob, 8).unwrap();
            let tags: Vec<u16> = entries
                .inspect(|e| {
                    if let Some(at) = e.value_at::<BigEndian>() {
                        assert_eq!(at % 2, 0, "word-aligned");
                        assert!(e.value::<BigEndian>(blob).is_some());
                    }
                })
                .map(|e| e.tag)
                .collect();
            assert_eq!(tags, [0x0112, 0x013B, 0x8298, 0x8769]);
            assert_eq!(blob.len() % 2, 0);
            assert_eq!(
                Ifd0 {
                    apple: AppleHeadroom::read(blob),
                    ..back
                }
                .tiff()
                .unwrap(),
                t
            );
        }
    }

    #[test]
    fn hostile_apple_notes_give_none() {
        let good = iphone(false);
        let note_at = 88;
        // Every truncation that cuts into the note or its values.
        for len in 0..good.len() {
            let read = AppleHeadroom::read(&good[..len]);
            assert_eq!(read.is_some(), len == good.len(), "{len}");
        }
        let be32 =
            |t: &mut Vec<u8>, at: usize, v: u32| t[at..at + 4].copy_from_slice(&v.to_be_bytes());
        let mut cases: Vec<Vec<u8>> = Vec::new();
        // The Exif IFD pointer past the end.
        let mut t = good.clone();
        be32(&mut t, 8 + 2 + 24 + 8, u32::MAX);
        cases.push(t);
        // The MakerNote's offset past the end, its count huge, its type not UNDEFINED.
        let maker = 50 + 2 + 12;
        for (at, v) in [
            (maker + 8, 0xFFFF_FFF0),
            (maker + 4, u32::MAX),
            (maker + 4, 1 << 30),
        ] {
            let mut t = good.clone();
            be32(&mut t, at, v);
            cases.push(t);
        }
        let mut t = good.clone();
        t[maker + 2..maker + 4].copy_from_slice(&2u16.to_be_bytes());
        cases.push(t);
        // A wrong signature; a note that says little-endian; version 2.
        for (off, bytes) in [(0, &b"Apple iPS"[..]), (12, b"II"), (10, b"\0\x02")] {
            let mut t = good.clone();
            t[note_at + off..note_at + off + bytes.len()].copy_from_slice(bytes);
            cases.push(t);
        }
        // The note's entry count huge (entries past the end are left out, the headroom's
        // among them when they are past it), the headroom's value offset past the end, its
        // count 2, its type SLONG.
        let entry = |i: usize| note_at + 16 + 12 * i;
        let mut t = good.clone();
        t[note_at + 14..note_at + 16].copy_from_slice(&u16::MAX.to_be_bytes());
        t.truncate(entry(4));
        cases.push(t);
        for (at, v) in [
            (entry(3) + 8, u32::MAX),
            (entry(3) + 8, 0xFFFF_FFF9),
            (entry(3) + 4, 2),
        ] {
            let mut t = good.clone();
            be32(&mut t, at, v);
            cases.push(t);
        }
        let mut t = good.clone();
        t[entry(4) + 2..entry(4) + 4].copy_from_slice(&9u16.to_be_bytes());
        cases.push(t);
        // Neither tag (renamed 0x0022 and 0x0031).
        let mut t = good.clone();
        t[entry(3)..entry(3) + 2].copy_from_slice(&0x22u16.to_be_bytes());
        t[entry(4)..entry(4) + 2].copy_from_slice(&0x31u16.to_be_bytes());
        cases.push(t);
        // Little-endian outer TIFF with its Exif IFD pointer past the end.
        let mut t = iphone(true);
        t[8 + 2 + 24 + 8..8 + 2 + 24 + 12].copy_from_slice(&u32::MAX.to_le_bytes());
        cases.push(t);
        for (i, t) in cases.iter().enumerate() {
            assert_eq!(AppleHeadroom::read(t), None, "case {i}");
        }
        for t in [
            &b""[..],
            b"MM",
            b"II\x2A\0",
            b"MM\0\x2A\xFF\xFF\xFF\xFF",
            b"XX\0\x2A\0\0\0\x08",
        ] {
            assert_eq!(AppleHeadroom::read(t), None);
        }
    }

    /// iPhones before iOS 16 write HDRHeadroom alone: the fresh note holds it alone, in a
    /// one-entry IFD, and reads back the same.
    #[test]
    fn one_tag_alone_is_kept_alone() {
        let good = iphone(false);
        let note_at = 88;
        let entry = |i: usize| note_at + 16 + 12 * i;
        for (renamed, kept_tag, value) in [(4, 0x0021u16, HEADROOM), (3, 0x0030, GAIN)] {
            let mut t = good.clone();
            let other = if renamed == 4 { 0x31u16 } else { 0x22 };
            t[entry(renamed)..entry(renamed) + 2].copy_from_slice(&other.to_be_bytes());
            let read = AppleHeadroom::read(&t).unwrap();
            let ifd0 = Ifd0 {
                apple: Some(read),
                ..Ifd0::default()
            };
            let fresh = ifd0.tiff().unwrap();
            let blob = fresh.bytes();
            assert_eq!(AppleHeadroom::read(blob), Some(read));
            let note = &blob[blob.len() - 40..];
            assert!(note.starts_with(b"Apple iOS\0\0\x01MM\0\x01"));
            assert_eq!(note[16..18], kept_tag.to_be_bytes());
            assert_eq!(
                note[24..28],
                32u32.to_be_bytes(),
                "value right after the IFD"
            );
            assert_eq!(note[32..40], value);
            assert!(is_headroom_note(note));
        }
    }

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
                apple: None,
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
