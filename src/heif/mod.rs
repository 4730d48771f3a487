//! HEIF, HEIC and AVIF (ISO/IEC 23008-12 on ISO/IEC 14496-12): plan, then emit.
//!
//! The whole box tree is read first: `ftyp`, `meta` (`hdlr`, `pitm`, `iinf`, `iloc`, `iref`,
//! `iprp`, `idat`, `dinf`, `grpl`), `moov` for image sequences, `mdat`s anywhere. Then the
//! plan decides which items and properties go, and the output is written as `ftyp`, the
//! rebuilt `meta`, the rebuilt `moov`, and one `mdat` holding exactly the bytes that kept
//! item extents and sample chunks point at, merged in input order. Every kept `iloc` extent
//! and `stco`/`co64` entry is rewritten to point at the same bytes as before.
//!
//! Every unit stays only by an allow-list (SPEC.md "Allow-list, everywhere"; the tables and
//! their references are in `allow`), written with its defined fields only:
//! - Items: image codings and derivations (`hvc1`, `hvt1`, `lhv1`, `avc1`, `jpeg`, `vvc1`,
//!   `mski`, `j2k1`, `unci`, `av01`, `grid`, `iovl`, `iden`, `tmap`, `sato`) stay. Every other
//!   type goes with its `infe`, `iloc`, `iref` and `ipma` entries and its bytes in
//!   `mdat`/`idat`, for every image (thumbnails, gain maps and auxiliary images carry their
//!   own): `Exif`, `mime` (XMP or anything else), `uri `, `iptc`, `jumb` (C2PA), `xml `,
//!   unknown types; `infe` version 0/1 entries (no item type, ISO 23008-12 § 9.2); items
//!   with a location but no `infe`. A kept `infe` holds `item_ID`, `protection_index`,
//!   `item_type` and an empty name, nothing after it.
//! - New items (see `fresh`): under `Keep::COPYRIGHT` a fresh `Exif` item and XMP item with
//!   the primary's credit, under `Keep::GAIN_MAP` a fresh XMP item with an Apple HDR gain
//!   map's fields; their bytes are owned pieces after the kept items' bytes in the new
//!   `mdat`, their `iloc`, `infe` and `cdsc` entries follow the kept ones.
//! - Properties: those that describe the decoded picture stay (`ispe`, `pasp`, nclx `colr`,
//!   `pixi`, `rloc`, `auxC`, `clap`, `irot`, `lsel`, `imir`, `iscl`, `rref`, HDR, codec
//!   configurations), a fixed-size one cut to its definition; ICC `colr` stays with
//!   `Keep::ICC`. The rest goes (`udes`, times, camera pose, `uuid`, unknown types, and any
//!   property no kept item uses), and every `ipma` index is remapped; essential bits stay.
//! - Refused ([`Error::Unsupported`] at the unit), because leaving it out would change the
//!   picture: an unknown property a kept item marks essential; an item that is not a kept
//!   image but that a kept image is derived from or decoded with (`dimg`, `pred`, `tbas`,
//!   `sbas`); a primary item of an unknown type.
//! - Inside `meta` only `hdlr` (name emptied), `pitm`, `iinf`, `iloc`, `iref`, `iprp`,
//!   `idat`, `grpl` (`altr`, `ster`, `pymd` groups) and `dinf` stay; `dinf` is written in
//!   its self-contained form (one `url ` entry of flags 1, no location string), here and in
//!   every track. Flags no standard defines are written as 0.
//! - At top level only `ftyp`, `meta`, `moov`, `mdat` and `mini` are understood; `free`,
//!   `skip`, `udta`, `uuid`, `mpvd`, `sefd`, `jumb`, `meco` and every unknown box go.
//!   Bytes that do not form a box (a size past the end or below 8) end the walk and go as a
//!   trailer, except in a `meta`/`moov`/`mini`/`ftyp` box, which is [`Error::Truncated`];
//!   a cut `mdat` is read to the end of the input and only its referenced bytes matter.
//! - Image sequences keep only what ISO 14496-12 needs to decode the samples (see `track`).
//! - An image whose only `colr` was ICC is left without `colr`: decoders then take the
//!   colour description from the coded stream (HEVC VUI, AV1 sequence header) or assume
//!   sRGB, and the decoded samples are unchanged (libheif 1.23 via pillow-heif gives the
//!   same pixels; checked by the audit on every corpus file with a lone ICC `colr`).
//!   Writing an invented `nclx` instead could change how YCbCr is converted to RGB.
//! - Unsupported, never returned half-stripped: construction method 2, data references to
//!   other files, protected items, `iloc` extents of length 0 ("the whole file"),
//!   fragmented sequences (`moof`, `mvex`), `saio` offsets, and item extents or sample
//!   chunks outside every top-level `mdat` (see `check_in_mdat`).
//! - Left, because they cannot change without re-encoding: NAL units and OBUs inside the
//!   coded data (an x265 settings SEI, AV1 metadata OBUs), the codec configuration boxes.
//! - `mini` (ISO 23008-12 AMD 2 low-overhead format, brand `mif3`): its Exif, XMP and
//!   (without `Keep::ICC`) ICC chunks go and its header is rewritten bit by bit; see `mini`.

mod allow;
mod boxes;
mod fresh;
mod holds;
mod items;
mod jpeg_items;
mod meta;
mod mini;
mod plan;
mod relations;
mod relocate;
#[cfg(test)]
mod tests;
mod track;

use boxes::{next_box, read_header, Bmff};
use holds::MetadataItems;
use items::{Iinf, Iloc, IlocSizes, Item, Targets};
use jpeg_items::{rewrite_jpeg_items, Rewritten};
use meta::{emit_meta, read_meta, Kept, Meta, Plan};
use plan::{
    check_decoding_inputs, check_primary_size, count_extents, plan_extents, plan_properties,
};
use relocate::{in_an_mdat, Layout, Measure, RangeCount, Ranges, Relocation, Source};

use crate::error::Error;
use crate::format::Format;
use crate::options::Options;
use crate::reader::Reader;
use crate::report::{Kinds, Report, Verdict};
use crate::sink::{DynSink, Sink};

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

/// The policy for items (ISO 23008-12 § 6.6): image items stay (the allow-list of
/// [`allow::is_image_item`]); metadata items and every other type go.
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
        kind if allow::is_image_item(kind) => Verdict::Keep,
        // `uri `, `jumb` (C2PA), `xml `, and every type this list does not name.
        _ => Verdict::Drop(Kinds::OTHER),
    }
}

/// Whether an item type is one of the metadata types SPEC.md names (as opposed to a type
/// the crate does not know, which could be an image).
fn is_metadata_item(kind: &[u8; 4]) -> bool {
    matches!(kind, b"Exif" | b"mime" | b"uri " | b"iptc" | b"jumb")
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
        (None, Some(mini), None) => {
            mini::strip(&top.ftyp, mini, opts, out, &mut report)?;
            credit_not_read(opts, &mut report);
        }
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
    Ok(report)
}

/// For `Keep::COPYRIGHT` in a file whose EXIF or XMP the walker does not read for credit (a
/// `mini` box's chunks, an image sequence's track metadata): when some went, it may have
/// named the author, and the report says the credit was not kept.
fn credit_not_read(opts: &Options, report: &mut Report) {
    if opts.keep.contains(crate::options::Keep::COPYRIGHT)
        && report.removed.intersects(Kinds::EXIF | Kinds::XMP)
    {
        report.not_kept |= crate::options::Keep::COPYRIGHT;
    }
}

/// The most top-level `mdat` boxes a file may have. Writers put the coded data in one (or a
/// few); each costs the walker 16 bytes of table, which only this bound keeps within the
/// memory promise (a file of millions of empty `mdat` boxes would otherwise need twice its
/// own size).
const MAX_MDATS: usize = 4096;

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
                if top.mdats.len() >= MAX_MDATS {
                    return Err(r.unsupported_at(h.offset, "more than 4,096 top-level mdat boxes"));
                }
                let end = r.pos();
                let start = end.saturating_sub(body_len);
                top.mdats.push((as_u64(start), as_u64(end)));
                continue;
            }
            Top::Fragment => return Err(r.unsupported_at(h.offset, "fragmented file (moof)")),
            Top::Drop(kind) => {
                report.removed(kind);
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
    let meta = match meta_box {
        Some(b) => read_meta(b)?,
        None => Meta::default(),
    };
    let mut kept = Vec::new();
    let mut metadata = MetadataItems::default();
    for item in meta.iinf.iter().flat_map(Iinf::items) {
        match item_verdict(&item) {
            Verdict::Drop(kind) => {
                report.removed(kind);
                match kind {
                    Kinds::EXIF => metadata.exif.push(item.id),
                    Kinds::XMP => metadata.xmp.push(item.id),
                    _ => {}
                }
            }
            _ => {
                kept.push(item.id);
                if !item.name.is_empty() {
                    report.removed(Kinds::TEXT);
                }
                if !item.rest.is_empty() {
                    report.removed(Kinds::OTHER);
                }
            }
        }
    }
    if let Some(iloc) = &meta.iloc {
        report.found |= metadata.found(input, iloc);
    }
    kept.sort_unstable();
    let kept = Kept(kept);
    if let Some((at, primary)) = meta.pitm {
        if !kept.has(primary) {
            let infe = meta
                .iinf
                .iter()
                .flat_map(Iinf::items)
                .find(|i| i.id == primary);
            if let Some(item) = infe.filter(|i| i.version >= 2 && !is_metadata_item(&i.kind)) {
                return Err(Error::Unsupported {
                    format: fmt,
                    offset: item.offset,
                    what: "the primary item is of a type this crate does not know".into(),
                });
            }
            return Err(Error::Malformed {
                format: fmt,
                offset: at,
                what: "the primary item is not an image item".into(),
            });
        }
        check_primary_size(&meta, primary, opts, report)?;
    }
    check_decoding_inputs(&meta, &kept, fmt)?;
    let remap = plan_properties(&meta, &kept, opts.keep, report)?;
    let rewritten = rewrite_jpeg_items(input, &meta, &kept, &top.mdats, opts, report)?;
    let (file, idat, long) = plan_ranges(input, top, &meta, &kept, &rewritten, opts, report)?;
    let mut pieces = rewritten.pieces;
    let fresh = fresh::plan_fresh(input, &meta, &kept, opts, report, &mut pieces);
    if meta_box.is_none() {
        credit_not_read(opts, report);
    }
    let data = Layout::new(file, pieces);
    let idat = Layout::new(idat, Vec::new());
    let wide = if input.len() > 0xFFFF_0000 { 8 } else { 4 };
    let base_only = meta.iloc.as_ref().is_some_and(Iloc::base_only);
    let sizes = IlocSizes {
        offset: if base_only { 0 } else { wide },
        base: if base_only { wide } else { 0 },
        length: if long { 8 } else { 4 },
    };
    let mut plan = Plan {
        meta: &meta,
        kept: &kept,
        remap: &remap,
        targets: Targets {
            sizes,
            idat: &idat,
            data: Relocation {
                layout: &data,
                base: 0,
            },
            replaced: &rewritten.replaced,
            fresh: &fresh,
        },
    };
    let with_meta = meta_box.is_some();
    // The new data follows `meta` and `moov`, whose offset fields point into it: they are
    // measured first (see `Measure`), then written with every offset final.
    let mut head = Measure::default();
    emit_head(
        &plan,
        with_meta,
        top,
        opts,
        &mut DynSink(&mut head),
        &mut Report::new(fmt),
    )?;
    let mdat_header = if data.len() > 0 {
        mdat_header_len(data.len())
    } else {
        0
    };
    plan.targets.data.base = [out.len(), top.ftyp.raw.len(), head.len()]
        .iter()
        .fold(0u64, |sum, &n| sum.saturating_add(as_u64(n)))
        .saturating_add(mdat_header);
    out.extend_from_slice(top.ftyp.raw);
    emit_head(&plan, with_meta, top, opts, &mut DynSink(out), report)?;
    if data.len() > 0 {
        write_mdat(input, &data, out);
    }
    Ok(())
}

/// The input ranges the new `mdat` (kept item extents, then sample chunks) and the new
/// `idat` are made of, each list allocated once at its size (with millions of extents or
/// chunks, it is the largest table of the walk), checked to lie in the input and in an
/// `mdat`; and whether an extent length needs 64 bits.
fn plan_ranges(
    input: &[u8],
    top: &TopLevel<'_>,
    meta: &Meta<'_>,
    kept: &Kept,
    rewritten: &Rewritten,
    opts: &Options,
    report: &mut Report,
) -> Result<(Ranges, Ranges, bool), Error> {
    let fmt = report.format;
    let (mut in_file, mut in_idat) = (RangeCount::new(input.len()), RangeCount::new(input.len()));
    let counts = (&mut in_file, &mut in_idat);
    count_extents(meta, kept, &rewritten.replaced, counts);
    let chunks = top.moov.as_ref().map_or(0, track::chunk_count);
    let capacity = in_file.count().saturating_add(chunks);
    let mut file = Ranges::with_capacity(capacity, input.len());
    let mut idat = Ranges::with_capacity(in_idat.count(), input.len());
    let ranges = (&mut file, &mut idat);
    let long = plan_extents(meta, kept, &rewritten.replaced, ranges, fmt)?;
    if let Some(moov) = &top.moov {
        track::plan(moov, opts, &mut file, report)?;
    }
    check_in_input(&file, input.len(), fmt)?;
    check_in_mdat(&file, &top.mdats, fmt)?;
    Ok((file, idat, long))
}

/// Writes the rebuilt `meta` (when the file has one) and `moov` (when it has one).
fn emit_head(
    plan: &Plan<'_, '_>,
    with_meta: bool,
    top: &TopLevel<'_>,
    opts: &Options,
    out: &mut impl Sink,
    report: &mut Report,
) -> Result<(), Error> {
    if with_meta {
        emit_meta(plan, out, report)?;
    }
    if let Some(moov) = &top.moov {
        let mut emit = track::Emit {
            out,
            relocation: plan.targets.data,
            keep: opts.keep,
            report,
        };
        track::emit(moov, &mut emit)?;
    }
    Ok(())
}

/// Every kept item extent and sample chunk must be in the input. An extent may start past
/// the end: the error points at the end, where the missing bytes begin, so the offset
/// always lies within the input or just past it.
fn check_in_input(ranges: &Ranges, len: usize, format: Format) -> Result<(), Error> {
    let len = as_u64(len);
    match ranges.iter().find(|&(_, end)| end > len) {
        Some((start, end)) => Err(Error::Truncated {
            format,
            offset: usize::try_from(start.min(len)).unwrap_or(usize::MAX),
            needed: usize::try_from(end.saturating_sub(len)).unwrap_or(usize::MAX),
        }),
        None => Ok(()),
    }
}

/// Kept item extents and sample chunks must lie inside an `mdat`. Bytes anywhere else are
/// boxes the walker rewrites or drops (`meta`, `moov`, `uuid` XMP, a broken trailer), so
/// copying them as image data would carry metadata into the output and could make it larger
/// than the input. Empty ranges copy nothing and may point anywhere.
fn check_in_mdat(ranges: &Ranges, mdats: &[(u64, u64)], format: Format) -> Result<(), Error> {
    for (start, end) in ranges.iter() {
        if !in_an_mdat(mdats, start, end) {
            return Err(Error::Unsupported {
                format,
                offset: usize::try_from(start).unwrap_or(usize::MAX),
                what: "item or sample data outside every mdat box".into(),
            });
        }
    }
    Ok(())
}

fn as_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// The length of the `mdat` header for `payload` bytes: a 32-bit size, or (over 4 GiB)
/// size 1 and a 64-bit `largesize`.
fn mdat_header_len(payload: u64) -> u64 {
    if u32::try_from(payload.saturating_add(8)).is_ok() {
        8
    } else {
        16
    }
}

/// Writes one `mdat` holding the new data, span after span.
fn write_mdat(input: &[u8], layout: &Layout, out: &mut impl Sink) {
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
    for source in layout.sources() {
        let bytes = match source {
            Source::Input { start, end } => usize::try_from(start)
                .ok()
                .zip(usize::try_from(end).ok())
                .and_then(|(a, b)| input.get(a..b)),
            Source::Owned(bytes) => Some(bytes),
        };
        crate::out::copy(out, bytes.unwrap_or_default());
    }
}
