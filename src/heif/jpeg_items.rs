//! JPEG-coded items (`jpeg`, ISO 23008-12 Annex H; Canon's preview images) are whole JPEG
//! files and can hold APP1 Exif, XMP, ICC or comments of their own: each kept one with its
//! data in the file goes through the JPEG walker, under the same options.

use std::borrow::Cow;

use super::items::{Extent, Iinf, Replaced};
use super::meta::{Kept, Meta};
use super::relocate::in_an_mdat;
use crate::error::Error;
use crate::format::Format;
use crate::options::Options;
use crate::report::Report;
use crate::work;

/// The JPEG items that changed: which `iloc` entries now point at which owned piece, and
/// the pieces (each a JPEG item rewritten without its metadata), in entry order.
#[derive(Debug, Default)]
pub(super) struct Rewritten {
    pub(super) replaced: Vec<Replaced>,
    pub(super) pieces: Vec<Vec<u8>>,
}

/// JPEG-coded items (`jpeg`, ISO 23008-12 Annex H; Canon's preview images) are whole JPEG
/// files and can hold APP1 Exif, XMP, ICC or comments of their own: each kept one with its
/// data in the file goes through the JPEG walker, under the same options. One that changes
/// becomes a piece the walker owns, written whole after the input's kept bytes in the new
/// `mdat`, and its `iloc` entry gets a single extent over it. A JPEG item in `idat` is left
/// as it is. Its extents must lie in an `mdat`, as every kept extent's must (a rewritten
/// item is not among the kept ranges that check sees).
pub(super) fn rewrite_jpeg_items(
    input: &[u8],
    meta: &Meta<'_>,
    kept: &Kept,
    mdats: &[(u64, u64)],
    opts: &Options,
    report: &mut Report,
) -> Result<Rewritten, Error> {
    let mut rewritten = Rewritten::default();
    let items = meta.iinf.iter().flat_map(Iinf::items);
    let mut ids: Vec<u32> = items
        .filter(|i| &i.kind == b"jpeg" && kept.has(i.id))
        .map(|i| i.id)
        .collect();
    ids.sort_unstable();
    let Some(iloc) = meta.iloc.as_ref() else {
        return Ok(rewritten);
    };
    // Items that share bytes could make the walker read (and the output hold) the same bytes
    // many times over: all JPEG items together may not be larger than the input.
    let mut budget = input.len();
    let format = report.format;
    let shared = |offset: usize| Error::Unsupported {
        format,
        offset,
        what: "JPEG items larger than the file together".into(),
    };
    for (location, loc) in iloc.locations().enumerate() {
        let is_jpeg = ids.binary_search_by(|id| {
            work::add(0);
            id.cmp(&loc.id)
        });
        if loc.method != 0 || is_jpeg.is_err() {
            continue;
        }
        // One extent (the usual case) is walked where it lies; only split items are joined.
        let mut data: Cow<'_, [u8]> = Cow::Borrowed(&[]);
        for e in loc.extents() {
            let end = e.offset.checked_add(e.length);
            if !in_an_mdat(mdats, e.offset, end.unwrap_or(u64::MAX)) {
                return Err(Error::Unsupported {
                    format: report.format,
                    offset: loc.offset,
                    what: "item or sample data outside every mdat box".into(),
                });
            }
            let range = usize::try_from(e.offset)
                .ok()
                .zip(end.and_then(|n| usize::try_from(n).ok()));
            match range.and_then(|(a, b)| input.get(a..b)) {
                Some(bytes) => {
                    work::add(bytes.len());
                    budget = budget
                        .checked_sub(bytes.len())
                        .ok_or_else(|| shared(loc.offset))?;
                    if data.is_empty() {
                        data = Cow::Borrowed(bytes);
                    } else {
                        data.to_mut().extend_from_slice(bytes);
                    }
                }
                None => return Ok(rewritten), // a cut item: the extent checks report it
            }
        }
        if crate::format::detect(&data) != Some(Format::Jpeg) {
            return Err(Error::Unsupported {
                format: report.format,
                offset: loc.offset,
                what: "a JPEG item that is not a whole JPEG".into(),
            });
        }
        let mut bytes = Vec::with_capacity(data.len());
        let inner = crate::jpeg::strip(&data, opts, &mut bytes).map_err(|e| {
            e.embedded_at(report.format, "JPEG item", |at| {
                input_offset(loc.extents(), at)
            })
        })?;
        if bytes == *data {
            continue;
        }
        report.removed(inner.removed);
        rewritten.replaced.push(Replaced {
            location,
            piece: rewritten.pieces.len(),
            length: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
        });
        rewritten.pieces.push(bytes);
    }
    Ok(rewritten)
}

/// Where byte `at` of an item's joined extents lies in the input; an offset at or past the
/// end of the item (a unit cut by its end) is placed just past its last extent.
fn input_offset(extents: impl Iterator<Item = Extent>, at: usize) -> usize {
    let to_usize = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    let (mut before, mut end) = (0usize, 0usize);
    for e in extents {
        let len = to_usize(e.length);
        if let Some(inside) = at.checked_sub(before).filter(|&n| n < len) {
            return to_usize(e.offset).saturating_add(inside);
        }
        before = before.saturating_add(len);
        end = to_usize(e.offset.saturating_add(e.length));
    }
    end.saturating_add(at.saturating_sub(before))
}
