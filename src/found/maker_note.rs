//! Serial numbers and owners' names in maker notes: the vendors' own IFDs inside the Exif
//! IFD's MakerNote.
//!
//! A maker note's layout differs per vendor, and some are enciphered (Sony), so only the
//! layouts that are plain IFDs with a documented serial-number or owner tag are read: the
//! [`VENDORS`] table, with each vendor's header, IFD start, offset base and byte order as
//! exiftool's `MakerNotes.pm` and its per-vendor tables give them. Each note is read once,
//! one IFD and at most one sub-IFD (Olympus's Equipment), with the same bounds as every
//! other IFD.

use byteorder::{BigEndian, ByteOrder, LittleEndian};

use super::value::{has_data, has_text};
use crate::exif::{first_ifd, read_ifd, Entry};
use crate::report::Found;

/// ASCII, the one type whose blanks are spaces too.
const TYPE_ASCII: u16 = 2;
/// LONG and IFD: the types of an entry that points at a sub-IFD.
const TYPE_LONG: u16 = 4;
const TYPE_IFD: u16 = 13;

/// One vendor's maker-note layout.
struct Vendor {
    /// How its notes are told apart.
    by: By,
    /// Where the IFD starts.
    start: Start,
    /// What the IFD's offsets count from (ignored for [`Start::OwnTiff`]).
    base: Base,
    /// The IFD's byte order (ignored for [`Start::OwnTiff`]).
    order: Order,
    /// The tags that name something.
    tags: &'static [Named],
}

enum By {
    /// The note starts with one of these.
    Header(&'static [&'static [u8]]),
    /// IFD0's Make starts with this: the notes have no header (they start with the IFD).
    Make(&'static [u8]),
}

enum Start {
    /// This many bytes into the note.
    At(usize),
    /// At the little-endian offset from the note's start stored this many bytes into it.
    Pointed(usize),
    /// A TIFF header of the note's own this many bytes into it, whose byte order and first
    /// IFD the IFD's are, and which its offsets count from.
    OwnTiff(usize),
}

enum Base {
    /// The EXIF blob's TIFF header, like every other offset in it.
    Tiff,
    /// The note's first byte.
    Note,
}

enum Order {
    /// The EXIF blob's.
    Tiff,
    Little,
    /// `II` or `MM` this many bytes into the note (anything else: the EXIF blob's).
    Header(usize),
}

/// A tag whose value names something when it holds anything.
struct Named {
    tag: u16,
    /// What it names.
    found: Found,
    /// Which of its bytes to look at.
    part: Part,
}

enum Part {
    /// All of them.
    Whole,
    /// Bytes `start..end` of a binary record (a camera-information block whose other
    /// fields are settings).
    Bytes(usize, usize),
    /// A sub-IFD with these tags: pointed at (a LONG or IFD entry, offset from the note's
    /// base), or held in the value itself (UNDEFINED).
    Ifd(&'static [Named]),
}

const fn serial(tag: u16) -> Named {
    Named {
        tag,
        found: Found::SERIAL_NUMBER,
        part: Part::Whole,
    }
}

/// Olympus/OM System Equipment IFD: SerialNumber, InternalSerialNumber, LensSerialNumber,
/// ExtenderSerialNumber.
const OLYMPUS_EQUIPMENT: &[Named] = &[
    serial(0x0101),
    serial(0x0102),
    serial(0x0202),
    serial(0x0302),
];
/// Olympus's main IFD: SerialNumber (two tags, by model), and the Equipment IFD.
const OLYMPUS: &[Named] = &[
    serial(0x0404),
    serial(0x101A),
    Named {
        tag: 0x2010,
        found: Found::SERIAL_NUMBER,
        part: Part::Ifd(OLYMPUS_EQUIPMENT),
    },
];
/// Pentax: SerialNumber, and CameraInfo's fifth 32-bit word, InternalSerialNumber.
const PENTAX: &[Named] = &[
    serial(0x0229),
    Named {
        tag: 0x0215,
        found: Found::SERIAL_NUMBER,
        part: Part::Bytes(16, 20),
    },
];

/// The layouts read, in the order they are tried (headers first; the headerless layouts
/// go by IFD0's Make).
const VENDORS: &[Vendor] = &[
    // 0x0025 InternalSerialNumber.
    Vendor {
        by: By::Header(&[b"Panasonic\0\0\0"]),
        start: Start::At(12),
        base: Base::Tiff,
        order: Order::Tiff,
        tags: &[serial(0x0025)],
    },
    // Nikon type 3: version (3 bytes after the `\x02`), then a TIFF header of its own.
    // 0x001D and 0x00A0 SerialNumber.
    Vendor {
        by: By::Header(&[b"Nikon\0\x02"]),
        start: Start::OwnTiff(10),
        base: Base::Note,
        order: Order::Tiff,
        tags: &[serial(0x001D), serial(0x00A0)],
    },
    // Little-endian whatever the EXIF's order. 0x0010 InternalSerialNumber.
    Vendor {
        by: By::Header(&[b"FUJIFILM"]),
        start: Start::Pointed(8),
        base: Base::Note,
        order: Order::Little,
        tags: &[serial(0x0010)],
    },
    // Olympus (and Epson) before 2003 or so: an IFD after an 8-byte header.
    Vendor {
        by: By::Header(&[b"OLYMP\0", b"EPSON\0"]),
        start: Start::At(8),
        base: Base::Tiff,
        order: Order::Tiff,
        tags: OLYMPUS,
    },
    Vendor {
        by: By::Header(&[b"OLYMPUS\0"]),
        start: Start::At(12),
        base: Base::Note,
        order: Order::Header(8),
        tags: OLYMPUS,
    },
    Vendor {
        by: By::Header(&[b"OM SYSTEM\0"]),
        start: Start::At(16),
        base: Base::Note,
        order: Order::Header(12),
        tags: OLYMPUS,
    },
    Vendor {
        by: By::Header(&[b"AOC\0"]),
        start: Start::At(6),
        base: Base::Tiff,
        order: Order::Header(4),
        tags: PENTAX,
    },
    Vendor {
        by: By::Header(&[b"PENTAX \0"]),
        start: Start::At(10),
        base: Base::Note,
        order: Order::Header(8),
        tags: PENTAX,
    },
    // 0x0005 SerialNumber or InternalSerialNumber (16 bytes, by model).
    Vendor {
        by: By::Header(&[b"Ricoh", b"RICOH"]),
        start: Start::At(8),
        base: Base::Tiff,
        order: Order::Tiff,
        tags: &[serial(0x0005)],
    },
    // 0x0002 SerialNumber.
    Vendor {
        by: By::Header(&[b"SIGMA\0\0\0", b"FOVEON\0\0"]),
        start: Start::At(10),
        base: Base::Tiff,
        order: Order::Tiff,
        tags: &[serial(0x0002)],
    },
    // 0x5501 SerialNumber.
    Vendor {
        by: By::Header(&[b"MOT\0"]),
        start: Start::At(8),
        base: Base::Note,
        order: Order::Tiff,
        tags: &[serial(0x5501)],
    },
    // 0x0009 OwnerName, 0x000C SerialNumber, 0x0096 InternalSerialNumber.
    Vendor {
        by: By::Make(b"Canon"),
        start: Start::At(0),
        base: Base::Tiff,
        order: Order::Tiff,
        tags: &[
            Named {
                tag: 0x0009,
                found: Found::PERSON,
                part: Part::Whole,
            },
            serial(0x000C),
            serial(0x0096),
        ],
    },
    // 0x1101 CameraInfo, whose bytes 0x18..0x1C are the InternalSerialNumber.
    Vendor {
        by: By::Make(b"Nintendo"),
        start: Start::At(0),
        base: Base::Tiff,
        order: Order::Tiff,
        tags: &[Named {
            tag: 0x1101,
            found: Found::SERIAL_NUMBER,
            part: Part::Bytes(0x18, 0x1C),
        }],
    },
];

/// What the maker note `note`, at `note_at` in the EXIF blob `tiff` (byte order `O`),
/// names. `make` is IFD0's Make (empty when there is none).
pub(super) fn found<O: ByteOrder>(tiff: &[u8], note_at: usize, note: &[u8], make: &[u8]) -> Found {
    let Some(vendor) = VENDORS.iter().find(|v| v.by.matches(note, make)) else {
        return Found::empty();
    };
    let Some(ifd) = vendor.ifd::<O>(tiff, note_at, note) else {
        return Found::empty();
    };
    if ifd.big {
        ifd.named::<BigEndian>(vendor.tags, true)
    } else {
        ifd.named::<LittleEndian>(vendor.tags, true)
    }
}

impl By {
    fn matches(&self, note: &[u8], make: &[u8]) -> bool {
        match self {
            By::Header(headers) => headers.iter().any(|h| note.starts_with(h)),
            By::Make(prefix) => make.starts_with(prefix),
        }
    }
}

impl Vendor {
    /// Where the vendor's IFD is in `note`, at `note_at` in `tiff`.
    fn ifd<'a, O: ByteOrder>(
        &self,
        tiff: &'a [u8],
        note_at: usize,
        note: &'a [u8],
    ) -> Option<Ifd<'a>> {
        let at = match self.start {
            Start::At(at) => at,
            Start::Pointed(field) => {
                let offset = note.get(field..)?.first_chunk::<4>()?;
                usize::try_from(LittleEndian::read_u32(offset)).ok()?
            }
            Start::OwnTiff(header) => {
                let own = note.get(header..)?;
                let big = order_mark(own)?;
                let at = if big {
                    first_ifd::<BigEndian>(own)
                } else {
                    first_ifd::<LittleEndian>(own)
                };
                return Some(Ifd {
                    base: own,
                    at: at?,
                    big,
                });
            }
        };
        let big = match self.order {
            Order::Tiff => is_big::<O>(),
            Order::Little => false,
            Order::Header(mark) => note
                .get(mark..)
                .and_then(order_mark)
                .unwrap_or(is_big::<O>()),
        };
        Some(match self.base {
            Base::Tiff => Ifd {
                base: tiff,
                at: note_at.checked_add(at)?,
                big,
            },
            Base::Note => Ifd {
                base: note,
                at,
                big,
            },
        })
    }
}

/// `Some(true)` for `MM`, `Some(false)` for `II` at the start of `bytes`.
fn order_mark(bytes: &[u8]) -> Option<bool> {
    match bytes.get(..2)? {
        b"MM" => Some(true),
        b"II" => Some(false),
        _ => None,
    }
}

fn is_big<O: ByteOrder>() -> bool {
    O::read_u16(&[0, 1]) == 1
}

/// An IFD at `at` in `base`, whose offsets count from `base`'s start.
struct Ifd<'a> {
    base: &'a [u8],
    at: usize,
    big: bool,
}

impl Ifd<'_> {
    /// What the entries of `tags` in this IFD name. `nested` says whether a sub-IFD may be
    /// followed: one level down, never further, however the tables are written, and only
    /// the first (thousands of entries pointing at one large IFD would each read it all).
    fn named<O: ByteOrder>(&self, tags: &[Named], nested: bool) -> Found {
        let Some((entries, _)) = read_ifd::<O>(self.base, self.at) else {
            return Found::empty();
        };
        let mut found = Found::empty();
        let mut may_follow = nested;
        for entry in entries {
            for named in tags.iter().filter(|n| n.tag == entry.tag) {
                let holds = match named.part {
                    Part::Whole => holds_anything::<O>(&entry, self.base, ..),
                    Part::Bytes(start, end) => holds_anything::<O>(&entry, self.base, start..end),
                    Part::Ifd(sub) if may_follow => {
                        may_follow = false;
                        self.sub_ifd::<O>(&entry, sub)
                    }
                    Part::Ifd(_) => false,
                };
                if holds {
                    found |= named.found;
                }
            }
        }
        found
    }

    /// Whether the sub-IFD `entry` points at or holds has a value among `tags`.
    fn sub_ifd<O: ByteOrder>(&self, entry: &Entry<'_>, tags: &[Named]) -> bool {
        let at = match entry.kind {
            TYPE_LONG | TYPE_IFD => entry.offset::<O>(),
            _ => entry.value_at::<O>(),
        };
        at.is_some_and(|at| {
            let sub = Ifd { at, ..*self };
            !sub.named::<O>(tags, false).is_empty()
        })
    }
}

/// Whether the bytes `range` of `entry`'s value hold anything: text for ASCII, a non-zero
/// byte for the other types. A value shorter than the range holds nothing.
fn holds_anything<O: ByteOrder>(
    entry: &Entry<'_>,
    base: &[u8],
    range: impl std::slice::SliceIndex<[u8], Output = [u8]>,
) -> bool {
    let Some(value) = entry.value::<O>(base).and_then(|v| v.get(range)) else {
        return false;
    };
    if entry.kind == TYPE_ASCII {
        has_text(value)
    } else {
        has_data(value)
    }
}
