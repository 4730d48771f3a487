//! What the metadata items a strip removes hold, for [`Report::found`](crate::Report): the
//! EXIF of `Exif` items and the XMP of `mime` items of type `application/rdf+xml`, read
//! where their `iloc` extents lie in the file (construction method 0). Items built from
//! `idat` or other items hold nothing seen here; an item split over several extents is read
//! one extent at a time, so only a property cut by an extent boundary is missed.

use super::items::Iloc;
use crate::found;
use crate::report::Found;
use crate::work;

/// The metadata items of a file, by id, sorted.
#[derive(Debug, Default)]
pub(super) struct MetadataItems {
    pub(super) exif: Vec<u32>,
    pub(super) xmp: Vec<u32>,
}

impl MetadataItems {
    /// What the items hold, read from `input` through `iloc`.
    pub(super) fn found(&mut self, input: &[u8], iloc: &Iloc<'_>) -> Found {
        self.exif.sort_unstable();
        self.xmp.sort_unstable();
        let mut found = Found::empty();
        for loc in iloc.locations().filter(|loc| loc.method == 0) {
            let is = |ids: &[u32]| {
                work::add(0);
                ids.binary_search(&loc.id).is_ok()
            };
            let (exif, xmp) = (is(&self.exif), is(&self.xmp));
            if !exif && !xmp {
                continue;
            }
            for (n, e) in loc.extents().enumerate() {
                let start = usize::try_from(e.offset).ok();
                let end = e
                    .offset
                    .checked_add(e.length)
                    .and_then(|n| usize::try_from(n).ok());
                let Some(bytes) = start.zip(end).and_then(|(a, b)| input.get(a..b)) else {
                    continue; // a cut item: the extent checks report it
                };
                found |= match (exif, n) {
                    (true, 0) => exif_item(bytes),
                    (true, _) => Found::empty(),
                    (false, _) => found::xmp(bytes),
                };
            }
        }
        found
    }
}

/// What an `Exif` item (or a `mini` box's Exif chunk) holds: its TIFF is read from the
/// offset its first field gives, or from its first byte when it starts with one.
pub(super) fn exif_item(item: &[u8]) -> Found {
    if item.starts_with(b"II*\0") || item.starts_with(b"MM\0*") {
        return found::exif(item);
    }
    found::exif(tiff_of_exif_item(item))
}

/// The TIFF header of an `Exif` item: the item starts with the offset of the header from
/// the end of that field (ISO 23008-12 A.2.1), usually 6 past an `Exif\0\0` prefix, and
/// sometimes 10 past a whole JPEG APP1 header.
pub(super) fn tiff_of_exif_item(item: &[u8]) -> &[u8] {
    let offset = item
        .get(..4)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map(u32::from_be_bytes)
        .and_then(|n| usize::try_from(n).ok());
    let rest = item.get(4..).unwrap_or_default();
    offset
        .and_then(|n| rest.get(n..))
        .filter(|tiff| tiff.starts_with(b"II") || tiff.starts_with(b"MM"))
        .unwrap_or(rest)
}
