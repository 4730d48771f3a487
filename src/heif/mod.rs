//! HEIF, HEIC and AVIF (ISO/IEC 23008-12 on ISO/IEC 14496-12): plan, then emit.
//!
//! The whole box tree is read first: `ftyp`, `meta` (`hdlr`, `pitm`, `iinf`, `iloc`, `iref`,
//! `iprp`, `idat`, `dinf`, `grpl`), `moov` for image sequences, `mdat`s anywhere. Then the
//! plan decides which items and properties go, and the output is written as `ftyp`, the
//! rebuilt `meta`, the rebuilt `moov`, and one `mdat` holding exactly the bytes that kept
//! item extents and sample chunks point at, merged in input order. Every kept `iloc` extent
//! and `stco`/`co64` entry is rewritten to point at the same bytes as before.
//!
//! Decisions where the specification is silent:
//! - Items of type `Exif`, `mime` (XMP or any other content), `uri `, `iptc` and `jumb`
//!   (C2PA) go, with their `infe`, `iloc`, `iref` and `ipma` entries and their bytes, for
//!   every image (thumbnails, gain maps and auxiliary images carry their own). `infe`
//!   version 0/1 entries have no item type (HEIF images need one, ISO 23008-12 § 9.2) and go.
//!   Items with a location but no `infe` entry go too.
//! - Properties go when they are ICC `colr` (`prof`, `rICC`; kept with `Keep::ICC`), `udes`,
//!   or associated with no kept item (padding `free` boxes, properties of removed items).
//!   Every `ipma` index is remapped; essential bits stay.
//! - An image whose only `colr` was ICC is left without `colr`: decoders then take the
//!   colour description from the coded stream (HEVC VUI, AV1 sequence header) or assume
//!   sRGB, and the decoded samples are unchanged (libheif 1.23 via pillow-heif gives the
//!   same pixels; checked by the audit on every corpus file with a lone ICC `colr`).
//!   Writing an invented `nclx` instead could change how YCbCr is converted to RGB.
//! - At top level only `ftyp`, `meta`, `moov`, `mdat` and `mini` are understood; `free`,
//!   `skip`, `udta`, `uuid`, `mpvd`, `sefd`, `jumb`, `meco` and every unknown box go.
//!   Bytes that do not form a box (a size past the end or below 8) end the walk and go as a
//!   trailer, except in a `meta`/`moov`/`mini`/`ftyp` box, which is [`Error::Truncated`];
//!   a cut `mdat` is read to the end of the input and only its referenced bytes matter.
//!   Inside `meta`, boxes other than the ones listed above go (`uuid`, `xml `, `bxml`, …).
//! - Unsupported, never returned half-stripped: construction method 2, data references to
//!   other files, protected items, `iloc` extents of length 0 ("the whole file"),
//!   fragmented sequences (`moof`, `mvex`), `saio` offsets, and item extents or sample
//!   chunks outside every top-level `mdat` (see `check_in_mdat`).
//! - The `hdlr` name (encoder identification) is emptied; in sequences, `mvhd`/`tkhd`/`mdhd`
//!   creation and modification times are zeroed and `compressorname` is blanked.
//! - Left, because they cannot change without re-encoding: NAL units and OBUs inside the
//!   coded data (an x265 settings SEI, AV1 metadata OBUs), the codec configuration boxes.
//! - `mini` (ISO 23008-12 AMD 2 low-overhead format, brand `mif3`): its Exif, XMP and
//!   (without `Keep::ICC`) ICC chunks go and its header is rewritten bit by bit; see `mini`.

mod boxes;
mod items;
mod jpeg_items;
mod meta;
mod mini;
mod relations;
mod relocate;
#[cfg(test)]
mod tests;
mod track;

use boxes::{full_box, next_box, read_header, Bmff};
use items::{IlocSizes, Item};
use jpeg_items::{rewrite_jpeg_items, Piece};
use meta::{emit_meta, read_meta, Kept, Meta, Plan};
use relocate::Layout;

use crate::options::{Keep, Options};
use crate::reader::Reader;
use crate::report::Verdict;
use crate::sink::Sink;
use crate::work;
use crate::{Error, Format, Kinds, Report};

/// What a top-level box is to the walker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Top {
    Meta,
    Moov,
    Mini,
    /// Media data: its referenced bytes are copied, the rest is not.
    Mdat,
    /// A fragmented file: sample offsets live in `moof` boxes this walker does not rewrite.
    Fragment,
    Drop(Kinds),
}

/// The policy of SPEC.md § HEIF for top-level boxes (after the first `ftyp`).
fn top_verdict(kind: &[u8; 4]) -> Top {
    match kind {
        b"meta" => Top::Meta,
        b"moov" => Top::Moov,
        b"mini" => Top::Mini,
        b"mdat" => Top::Mdat,
        b"moof" | b"mfra" | b"sidx" | b"ssix" | b"styp" => Top::Fragment,
        b"xml " | b"bxml" => Top::Drop(Kinds::XMP),
        // free, skip, udta, uuid, mpvd (motion-photo video), sefd, jumb, meco, a second
        // ftyp, and anything unknown: none is needed to show the image.
        _ => Top::Drop(Kinds::OTHER),
    }
}

/// The policy for items (ISO 23008-12 § 6.6): metadata items go, image items stay.
fn item_verdict(item: &Item<'_>) -> Verdict {
    let xmp_or_other = |content_type: &[u8]| {
        if content_type == b"application/rdf+xml" {
            Kinds::XMP
        } else {
            Kinds::OTHER
        }
    };
    if item.version < 2 {
        return Verdict::Drop(xmp_or_other(item.content_type));
    }
    match &item.kind {
        b"Exif" => Verdict::Drop(Kinds::EXIF),
        b"mime" => Verdict::Drop(xmp_or_other(item.content_type)),
        b"iptc" => Verdict::Drop(Kinds::IPTC),
        b"uri " | b"jumb" => Verdict::Drop(Kinds::OTHER),
        _ => Verdict::Keep,
    }
}

/// An ICC `colr` box (ISO 23008-12 § 6.5.5): colour type `prof` or `rICC`.
fn is_icc_colr(b: &Bmff<'_>) -> bool {
    &b.kind == b"colr" && matches!(b.body.rest().get(..4), Some(b"prof" | b"rICC"))
}

/// The policy for item properties; `irot`, `imir`, `clap` and the rest stay.
fn property_verdict(prop: &Bmff<'_>, keep: Keep) -> Verdict {
    if is_icc_colr(prop) {
        return if keep.contains(Keep::ICC) {
            Verdict::Keep
        } else {
            Verdict::Drop(Kinds::ICC)
        };
    }
    match &prop.kind {
        b"udes" => Verdict::Drop(Kinds::TEXT),
        _ => Verdict::Keep,
    }
}

pub(crate) fn strip(
    input: &[u8],
    format: Format,
    opts: &Options,
    out: &mut impl Sink,
) -> Result<Report, Error> {
    let mut report = Report::new(format);
    let top = read_top(input, format, &mut report)?;
    match (&top.meta, &top.mini, &top.moov) {
        (Some(meta), None, _) => strip_items(input, &top, Some(meta), opts, out, &mut report)?,
        // An image sequence without still items (ISO 23008-12 § 7 does not require meta).
        (None, None, Some(_)) => strip_items(input, &top, None, opts, out, &mut report)?,
        (None, Some(mini), None) => mini::strip(&top.ftyp, mini, opts, out, &mut report)?,
        (_, Some(mini), _) => {
            return Err(mini
                .body
                .unsupported_at(mini.offset, "a mini box beside meta or moov"))
        }
        (None, None, None) => {
            return Err(Error::Malformed {
                format,
                offset: input.len(),
                what: "no meta, moov or mini box".into(),
            })
        }
    }
    report.bytes_removed = u64::try_from(input.len().saturating_sub(out.len())).unwrap_or(0);
    Ok(report)
}

/// The top-level boxes that matter.
struct TopLevel<'a> {
    ftyp: Bmff<'a>,
    meta: Option<Bmff<'a>>,
    moov: Option<Bmff<'a>>,
    mini: Option<Bmff<'a>>,
    /// The payload `[start, end)` of every top-level `mdat`, in file order.
    mdats: Vec<(u64, u64)>,
}

fn read_top<'a>(
    input: &'a [u8],
    format: Format,
    report: &mut Report,
) -> Result<TopLevel<'a>, Error> {
    let mut r = Reader::new(input, format);
    let ftyp = next_box(&mut r)?.ok_or(Error::Truncated {
        format,
        offset: 0,
        needed: 8,
    })?;
    let mut top = TopLevel {
        ftyp,
        meta: None,
        moov: None,
        mini: None,
        mdats: Vec::new(),
    };
    while r.remaining() > 0 {
        let start = r.pos();
        let Ok(h) = read_header(&mut r) else {
            report.trailer(input.len().saturating_sub(start));
            break;
        };
        let available = r.remaining();
        let wanted = h.body_len(available).and_then(|n| usize::try_from(n).ok());
        let verdict = top_verdict(&h.kind);
        let body_len = match wanted {
            Some(n) if n <= available => n,
            // A cut mdat: whether the bytes the items need are there is checked per extent.
            _ if verdict == Top::Mdat => available,
            _ if matches!(verdict, Top::Meta | Top::Moov | Top::Mini) => {
                let needed = wanted.map_or(usize::MAX, |n| n.saturating_sub(available));
                return Err(Error::Truncated {
                    format,
                    offset: h.offset,
                    needed,
                });
            }
            _ => {
                report.trailer(input.len().saturating_sub(start));
                break;
            }
        };
        let body = r.take(body_len)?;
        let raw = r.at(h.offset).bytes(r.pos().saturating_sub(h.offset))?;
        let b = Bmff {
            kind: h.kind,
            offset: h.offset,
            body,
            raw,
        };
        let slot = match verdict {
            Top::Meta => &mut top.meta,
            Top::Moov => &mut top.moov,
            Top::Mini => &mut top.mini,
            Top::Mdat => {
                let end = r.pos();
                let start = end.saturating_sub(body_len);
                top.mdats.push((as_u64(start), as_u64(end)));
                continue;
            }
            Top::Fragment => return Err(r.unsupported_at(h.offset, "fragmented file (moof)")),
            Top::Drop(kind) => {
                report.removed(kind, 0);
                continue;
            }
        };
        if slot.is_some() {
            return Err(r.malformed_at(h.offset, "a second top-level box of this type"));
        }
        *slot = Some(b);
    }
    Ok(top)
}

fn strip_items(
    input: &[u8],
    top: &TopLevel<'_>,
    meta_box: Option<&Bmff<'_>>,
    opts: &Options,
    out: &mut impl Sink,
    report: &mut Report,
) -> Result<(), Error> {
    let fmt = report.format;
    let mut meta = match meta_box {
        Some(b) => read_meta(b)?,
        None => Meta::default(),
    };
    let mut kept = Vec::new();
    for item in meta.iinf.iter().flat_map(|i| &i.items) {
        match item_verdict(item) {
            Verdict::Drop(kind) => report.removed(kind, 0),
            _ => {
                kept.push(item.id);
                if !item.name.is_empty() {
                    report.removed(Kinds::TEXT, 0);
                }
            }
        }
    }
    kept.sort_unstable();
    let kept = Kept(kept);
    if let Some((at, primary)) = meta.pitm {
        if !kept.has(primary) {
            return Err(Error::Malformed {
                format: fmt,
                offset: at,
                what: "the primary item is not an image item".into(),
            });
        }
        check_primary_size(&meta, primary, opts, report)?;
    }
    let remap = plan_properties(&meta, &kept, opts.keep, report)?;
    let pieces = rewrite_jpeg_items(input, &mut meta, &kept, opts, report)?;
    let (mut file, idat, long) = plan_extents(&meta, &kept, fmt)?;
    if let Some(moov) = &top.moov {
        track::plan(moov, opts, &mut file, report)?;
    }
    let len = u64::try_from(input.len()).unwrap_or(u64::MAX);
    // Rewritten JPEG items sit past the input's end (see `jpeg_items`).
    let virtual_piece = |start: u64| find_piece(&pieces, start).is_some();
    if let Some(&(start, end)) = file
        .iter()
        .find(|&&(start, end)| end > len && !virtual_piece(start))
    {
        let needed = usize::try_from(end.saturating_sub(len)).unwrap_or(usize::MAX);
        // An extent may start past the end: the error points at the end, where the missing
        // bytes begin, so the offset always lies within the input or just past it.
        return Err(Error::Truncated {
            format: fmt,
            offset: usize::try_from(start.min(len)).unwrap_or(usize::MAX),
            needed,
        });
    }
    check_in_mdat(&file, &top.mdats, &virtual_piece, fmt)?;
    let file = Layout::new(file);
    let idat = Layout::new(idat);
    let wide = if input.len() > 0xFFFF_0000 { 8 } else { 4 };
    let base_only = meta.iloc.as_ref().is_some_and(|i| i.offset_size == 0);
    let sizes = IlocSizes {
        offset: if base_only { 0 } else { wide },
        base: if base_only { wide } else { 0 },
        length: if long { 8 } else { 4 },
    };

    out.extend_from_slice(top.ftyp.raw);
    let mut patches = Vec::new();
    let plan = Plan {
        meta: &meta,
        kept: &kept,
        remap: &remap,
        idat: &idat,
        sizes,
    };
    if meta_box.is_some() {
        emit_meta(&plan, out, &mut patches, report)?;
    }
    if let Some(moov) = &top.moov {
        track::emit(
            moov,
            &mut track::Emit {
                out,
                patches: &mut patches,
                keep: opts.keep,
                report,
            },
        )?;
    }
    if file.len() > 0 {
        write_mdat(input, &pieces, &file, out);
    }
    let base = u64::try_from(out.len())
        .unwrap_or(u64::MAX)
        .saturating_sub(file.len());
    relocate::apply(out.written(), &patches, &file, base, fmt)
}

/// Kept item extents and sample chunks must lie inside an `mdat`. Bytes anywhere else are
/// boxes the walker rewrites or drops (`meta`, `moov`, `uuid` XMP, a broken trailer), so
/// copying them as image data would carry metadata into the output and could make it larger
/// than the input. Empty ranges copy nothing and may point anywhere.
fn check_in_mdat(
    ranges: &[(u64, u64)],
    mdats: &[(u64, u64)],
    virtual_piece: &dyn Fn(u64) -> bool,
    format: Format,
) -> Result<(), Error> {
    for &(start, end) in ranges {
        if start == end || virtual_piece(start) {
            continue;
        }
        let after = mdats.partition_point(|&(s, _)| {
            work::add(0);
            s <= start
        });
        let inside = after
            .checked_sub(1)
            .and_then(|i| mdats.get(i))
            .is_some_and(|&(_, e)| end <= e);
        if !inside {
            return Err(Error::Unsupported {
                format,
                offset: usize::try_from(start).unwrap_or(usize::MAX),
                what: "item or sample data outside every mdat box",
            });
        }
    }
    Ok(())
}

fn as_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// Checks the primary item's `ispe` (ISO 23008-12 § 6.5.3; for a grid, the output size).
fn check_primary_size(
    meta: &Meta<'_>,
    primary: u32,
    opts: &Options,
    report: &mut Report,
) -> Result<(), Error> {
    let indices = meta.ipmas.iter().flat_map(|m| {
        m.entries
            .iter()
            .filter(move |e| {
                work::add(0); // a linear search, once per file
                e.item == primary
            })
            .flat_map(move |e| m.of(e))
    });
    for (_, index) in indices {
        let Some(prop) = usize::from(index)
            .checked_sub(1)
            .and_then(|i| meta.props.get(i))
        else {
            continue;
        };
        if &prop.kind == b"ispe" {
            let mut r = prop.body.clone();
            full_box(&mut r)?;
            let at = r.pos();
            let (width, height) = (r.u32_be()?, r.u32_be()?);
            opts.limits.check_canvas(r.format(), at, width, height)?;
            report.width = width;
            report.height = height;
            break;
        }
    }
    Ok(())
}

/// `remap[old index] = new index`, 0 for each property that goes.
fn plan_properties(
    meta: &Meta<'_>,
    kept: &Kept,
    keep: Keep,
    report: &mut Report,
) -> Result<Vec<u16>, Error> {
    let n = meta.props.len();
    let mut used = vec![false; n.saturating_add(1)];
    for ipma in &meta.ipmas {
        for entry in ipma.entries.iter().filter(|e| kept.has(e.item)) {
            for (_, index) in ipma.of(entry) {
                match used.get_mut(usize::from(index)) {
                    Some(u) => *u = true,
                    None => {
                        let what = format!(
                            "item {} refers to property {index}, past the {n} in ipco",
                            entry.item
                        );
                        return Err(Error::Malformed {
                            format: report.format,
                            offset: ipma.offset,
                            what: what.into(),
                        });
                    }
                }
            }
        }
    }
    let mut remap = vec![0u16; n.saturating_add(1)];
    let mut next = 1u16;
    for (i, prop) in meta.props.iter().enumerate() {
        let index = i.saturating_add(1);
        let verdict = match used.get(index) {
            Some(true) => property_verdict(prop, keep),
            _ => Verdict::Drop(Kinds::OTHER),
        };
        match verdict {
            Verdict::Drop(kind) => report.removed(kind, 0),
            _ => {
                if let Some(slot) = remap.get_mut(index) {
                    *slot = next;
                }
                next = next.saturating_add(1);
            }
        }
    }
    Ok(remap)
}

/// The kept byte ranges: absolute in the file (construction method 0) and relative to the
/// `idat` payload (method 1); and whether a length needs 64 bits.
type Ranges = (Vec<(u64, u64)>, Vec<(u64, u64)>, bool);

fn plan_extents(meta: &Meta<'_>, kept: &Kept, format: Format) -> Result<Ranges, Error> {
    let (mut file, mut idat, mut long) = (Vec::new(), Vec::new(), false);
    let Some(iloc) = &meta.iloc else {
        return Ok((file, idat, long));
    };
    let idat_len = meta
        .idat
        .as_ref()
        .map(|b| u64::try_from(b.body.remaining()).unwrap_or(u64::MAX));
    for loc in iloc.locations.iter().filter(|l| kept.has(l.id)) {
        let err = |what: &'static str| Error::Unsupported {
            format,
            offset: loc.offset,
            what,
        };
        let malformed = |what: &'static str| Error::Malformed {
            format,
            offset: loc.offset,
            what: what.into(),
        };
        if loc.method > 1 {
            return Err(err("construction method 2 (data from other items)"));
        }
        for e in iloc.extents_of(loc) {
            if e.length == 0 {
                return Err(err("an iloc extent of length 0 (the whole file)"));
            }
            let end = e
                .offset
                .checked_add(e.length)
                .ok_or_else(|| malformed("extent end overflows"))?;
            long |= e.length > u64::from(u32::MAX);
            if loc.method == 0 {
                file.push((e.offset, end));
            } else if idat_len.is_some_and(|n| end <= n) {
                idat.push((e.offset, end));
            } else {
                return Err(malformed("idat extent past the end of idat"));
            }
        }
    }
    Ok((file, idat, long))
}

/// The rewritten JPEG item placed at `start`, if one is. Pieces are made in increasing order
/// of `start`.
fn find_piece(pieces: &[Piece], start: u64) -> Option<&Piece> {
    let i = pieces.binary_search_by(|p| {
        work::add(0);
        p.start.cmp(&start)
    });
    pieces.get(i.ok()?)
}

/// Writes one `mdat` holding the kept spans back to back, with a 64-bit size if needed.
fn write_mdat(input: &[u8], pieces: &[Piece], layout: &Layout, out: &mut impl Sink) {
    let payload = layout.len();
    match u32::try_from(payload.saturating_add(8)) {
        Ok(size) => {
            out.extend_from_slice(&size.to_be_bytes());
            out.extend_from_slice(b"mdat");
        }
        Err(_) => {
            out.extend_from_slice(&1u32.to_be_bytes());
            out.extend_from_slice(b"mdat");
            out.extend_from_slice(&payload.saturating_add(16).to_be_bytes());
        }
    }
    for s in layout.spans() {
        if let Some(piece) = find_piece(pieces, s.start) {
            crate::out::copy(out, &piece.bytes);
            continue;
        }
        let range = usize::try_from(s.start)
            .ok()
            .zip(usize::try_from(s.end).ok());
        crate::out::copy(
            out,
            range.and_then(|(a, b)| input.get(a..b)).unwrap_or_default(),
        );
    }
}
