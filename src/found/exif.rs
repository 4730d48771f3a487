//! EXIF: the tags of a TIFF blob's IFD0, IFD1 (the thumbnail's), Exif, GPS and Interop IFDs
//! (Exif 2.32 § 4.6), mapped to [`Found`].

use byteorder::{BigEndian, ByteOrder, LittleEndian};

use super::iptc::{iptc, photoshop_irb};
use super::maker_note;
use super::value::{has_data, has_text};
use super::xmp::xmp;
use crate::exif::{first_ifd, is_headroom_note, read_ifd, Entry};
use crate::report::Found;

/// Pointer tags (Exif 2.32 § 4.6.3): the Exif IFD and GPS IFD from IFD0, the Interoperability
/// IFD from the Exif IFD.
const EXIF_IFD: u16 = 0x8769;
const GPS_IFD: u16 = 0x8825;
const INTEROP_IFD: u16 = 0xA005;
/// GPSVersionID and GPSMapDatum: say the GPS IFD's format and the geodetic system its
/// numbers would use (phones write both with no fix), not where the camera was.
const GPS_VERSION: u16 = 0x0000;
const GPS_MAP_DATUM: u16 = 0x0012;
/// The thumbnail's data in IFD1: JPEGInterchangeFormat (a JPEG) or StripOffsets (TIFF).
const JPEG_THUMBNAIL: u16 = 0x0201;
const STRIP_OFFSETS: u16 = 0x0111;
/// Exif 2.32 § 4.6.5: UserComment starts with an 8-byte character code (`ASCII\0\0\0`, …).
const USER_COMMENT: u16 = 0x9286;
const MAKER_NOTE: u16 = 0x927C;
const MAKE: u16 = 0x010F;
/// Blocks of other kinds that TIFF files carry in IFD0: XMP (XMP part 3 § 1.1.3), IPTC-NAA
/// and Photoshop image resources (TIFF Technical Note / Photoshop File Formats).
const XMP_PACKET: u16 = 0x02BC;
const IPTC_NAA: u16 = 0x83BB;
const PHOTOSHOP: u16 = 0x8649;

/// IFDs read in one blob at most. Visited offsets are kept in a fixed array, so IFDs that
/// point back at each other end at the first repeat, a long chain of next-IFD links ends
/// here, and no count from the blob sizes anything.
const MAX_IFDS: usize = 8;

/// What the EXIF (TIFF) blob `tiff` holds: the bytes after `Exif\0\0` in a JPEG APP1, a
/// PNG `eXIf` or a WebP `EXIF` chunk, starting with `II*\0` or `MM\0*`. The `Exif\0` and
/// pad byte may be left on (WebP writers disagree about them). Anything else gives nothing.
pub(crate) fn exif(tiff: &[u8]) -> Found {
    let tiff = match tiff.strip_prefix(b"Exif\0") {
        Some(rest) => rest.get(1..).unwrap_or_default(),
        None => tiff,
    };
    match tiff.get(0..2) {
        Some(b"II") => walk::<LittleEndian>(tiff),
        Some(b"MM") => walk::<BigEndian>(tiff),
        _ => Found::empty(),
    }
}

/// Which IFD is being read: its tags mean different things.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ifd {
    /// IFD0 (0), IFD1 (1, the thumbnail's), and any further IFDs in the next-IFD chain.
    Chain(usize),
    Exif,
    Gps,
    Interop,
}

fn walk<O: ByteOrder>(tiff: &[u8]) -> Found {
    let mut walk = Walk::new(tiff);
    let mut next = first_ifd::<O>(tiff);
    let mut index = 0usize;
    while let Some(at) = next {
        next = walk.ifd::<O>(at, Ifd::Chain(index));
        index = index.saturating_add(1);
    }
    walk.found
}

struct Walk<'a> {
    tiff: &'a [u8],
    visited: [usize; MAX_IFDS],
    seen: usize,
    found: Found,
    /// Embedded blocks of other kinds already read: each at most once, so many entries
    /// pointing at one large block cannot multiply the work.
    read_xmp: bool,
    read_iptc: bool,
    read_photoshop: bool,
    read_maker_note: bool,
    /// IFD0's Make: some vendors' maker notes have no header to tell them by.
    make: &'a [u8],
}

impl<'a> Walk<'a> {
    fn new(tiff: &'a [u8]) -> Self {
        Walk {
            tiff,
            visited: [0; MAX_IFDS],
            seen: 0,
            found: Found::empty(),
            read_xmp: false,
            read_iptc: false,
            read_photoshop: false,
            read_maker_note: false,
            make: &[],
        }
    }

    /// Marks the IFD at `at` as read; false when it was read before or the budget is spent.
    fn first_visit(&mut self, at: usize) -> bool {
        let visited = self.visited.get(..self.seen).unwrap_or_default();
        if visited.contains(&at) {
            return false;
        }
        let Some(slot) = self.visited.get_mut(self.seen) else {
            return false;
        };
        *slot = at;
        self.seen = self.seen.saturating_add(1);
        true
    }

    /// Reads the IFD at `at` and the sub-IFDs it points to; gives the next IFD in the chain.
    fn ifd<O: ByteOrder>(&mut self, at: usize, which: Ifd) -> Option<usize> {
        if !self.first_visit(at) {
            return None;
        }
        let (entries, next) = read_ifd::<O>(self.tiff, at)?;
        let (mut exif_ifd, mut gps_ifd, mut interop_ifd) = (None, None, None);
        for entry in entries {
            match (which, entry.tag) {
                (Ifd::Chain(_), EXIF_IFD) => exif_ifd = entry.offset::<O>(),
                (Ifd::Chain(_), GPS_IFD) => gps_ifd = entry.offset::<O>(),
                (Ifd::Exif, INTEROP_IFD) => interop_ifd = entry.offset::<O>(),
                (Ifd::Gps, tag) => self.gps_tag::<O>(tag, &entry),
                (Ifd::Chain(i), JPEG_THUMBNAIL | STRIP_OFFSETS) if i >= 1 => {
                    self.thumbnail::<O>(&entry);
                }
                _ => self.tag::<O>(&entry),
            }
        }
        // Sub-IFDs are read after their parent, one level down at a time: Exif and GPS from
        // the chain, Interop from Exif. `first_visit` stops any loop among them.
        for (sub, kind) in [
            (exif_ifd, Ifd::Exif),
            (gps_ifd, Ifd::Gps),
            (interop_ifd, Ifd::Interop),
        ] {
            if let Some(sub) = sub {
                self.ifd::<O>(sub, kind);
            }
        }
        match which {
            Ifd::Chain(_) => next,
            _ => None,
        }
    }

    /// Any GPS tag but the version and the map datum with a non-zero value is a position, a
    /// time or a direction taken by the GPS receiver.
    fn gps_tag<O: ByteOrder>(&mut self, tag: u16, entry: &Entry<'a>) {
        if tag != GPS_VERSION
            && tag != GPS_MAP_DATUM
            && entry.value_part::<O>(self.tiff).is_some_and(has_data)
        {
            self.found |= Found::GPS;
        }
    }

    /// IFD1's image data: a thumbnail when it points into the blob.
    fn thumbnail<O: ByteOrder>(&mut self, entry: &Entry<'a>) {
        let inside = |at: usize| at != 0 && at < self.tiff.len();
        if entry.offset::<O>().is_some_and(inside) {
            self.found |= Found::THUMBNAIL;
        }
    }

    fn maker_note<O: ByteOrder>(&mut self, entry: &Entry<'a>, note: &[u8]) {
        let Some(at) = entry.value_at::<O>() else {
            return;
        };
        self.found |= maker_note::found::<O>(self.tiff, at, note, self.make);
    }

    fn tag<O: ByteOrder>(&mut self, entry: &Entry<'a>) {
        let Some(value) = entry.value_part::<O>(self.tiff) else {
            return;
        };
        match entry.tag {
            USER_COMMENT if value.get(8..).is_some_and(has_text) => self.found |= Found::COMMENT,
            // A maker note is the vendor's own camera data (settings, firmware, often the
            // body's serial number, the owner's name): DEVICE, and what a layout
            // [`maker_note`] knows names. Read once, however many notes point where. The
            // note a kept Apple gain map's headroom is written in holds two numbers and
            // nothing else: it names nothing.
            MAKER_NOTE if !value.is_empty() && !is_headroom_note(value) => {
                self.found |= Found::DEVICE;
                if !self.read_maker_note {
                    self.read_maker_note = true;
                    self.maker_note::<O>(entry, value);
                }
            }
            MAKE => {
                if self.make.is_empty() {
                    self.make = value;
                }
                if has_text(value) {
                    self.found |= Found::DEVICE;
                }
            }
            XMP_PACKET if !self.read_xmp => {
                self.read_xmp = true;
                self.found |= xmp(value);
            }
            IPTC_NAA if !self.read_iptc => {
                self.read_iptc = true;
                self.found |= iptc(value);
            }
            PHOTOSHOP if !self.read_photoshop => {
                self.read_photoshop = true;
                self.found |= photoshop_irb(value);
            }
            tag => {
                if let Some(found) = text_tag(tag) {
                    if has_text(value) {
                        self.found |= found;
                    }
                }
            }
        }
    }
}

/// What a text (or text-like) tag of IFD0, IFD1 or the Exif IFD names (TIFF 6.0 § 8,
/// Exif 2.32 § 4.6.4–4.6.6, DNG 1.6 for CameraSerialNumber, Microsoft's XP tags).
/// ImageUniqueID (0xA420) is left out: it names the picture, not the camera or a person.
fn text_tag(tag: u16) -> Option<Found> {
    Some(match tag {
        // DateTime, DateTimeOriginal, DateTimeDigitized, OffsetTime*, SubSecTime*.
        0x0132 | 0x9003 | 0x9004 | 0x9010..=0x9012 | 0x9290..=0x9292 => Found::CAPTURE_TIME,
        // Model, LensMake, LensModel (Make: see `tag`).
        0x0110 | 0xA433 | 0xA434 => Found::DEVICE,
        // BodySerialNumber, LensSerialNumber, DNG CameraSerialNumber.
        0xA431 | 0xA435 | 0xC62F => Found::SERIAL_NUMBER,
        // Artist, Copyright, CameraOwnerName, XPAuthor.
        0x013B | 0x8298 | 0xA430 | 0x9C9D => Found::PERSON,
        // Software, ProcessingSoftware.
        0x0131 | 0x000B => Found::SOFTWARE,
        // ImageDescription, XPTitle, XPComment, XPSubject.
        0x010E | 0x9C9B | 0x9C9C | 0x9C9F => Found::COMMENT,
        _ => return None,
    })
}
