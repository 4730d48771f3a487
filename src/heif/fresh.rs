//! Metadata items the walker writes anew, holding fresh minimal content built from the
//! input's values (never the input's blocks): for `Keep::COPYRIGHT`, an `Exif` item and an
//! XMP `mime` item holding the primary image's credit; for `Keep::GAIN_MAP`, an XMP `mime`
//! item holding the Apple fields of each kept Apple HDR gain-map item, and the primary's
//! `Exif` item holding only the headroom of its Apple maker note (beside any credit). Each
//! new item gets an
//! `infe`, an `iloc` entry over bytes the walker owns (placed in the new `mdat` like a
//! rewritten JPEG item) and a `cdsc` reference to the item it describes (ISO 23008-12
//! § 6.4.2, Annex A).

use std::borrow::Cow;

use super::boxes::{cstring, full_box};
use super::holds::tiff_of_exif_item;
use super::items::{fresh_infe_len, Content, FreshItem, Iinf, Item, XMP_TYPE};
use super::meta::{Kept, Meta};
use super::relations::{self, Association};
use crate::exif::{AppleHeadroom, Ifd0, Tiff};
use crate::found;
use crate::jpeg::apple;
use crate::options::{Keep, Options};
use crate::report::{Found, Report};

/// The longest item read for its credit or gain-map fields when its data is split over
/// several extents (which are then joined): a credit sits in the first kilobytes of an
/// EXIF or XMP, and a crafted file could name the same bytes in thousands of extents.
const MAX_JOINED: usize = 1 << 20;

/// The most `Exif` items, and XMP items, looked at (the first in `iinf` order), and the most
/// items one XMP item's `cdsc` references are looked at as gain maps: each look walks
/// `iref`, `iloc` or `ipma`, so a file of thousands of metadata items or references would
/// otherwise cost work in the square of its size. Writers put one or two of each (an
/// iPhone three XMP items, each describing one image).
const MAX_CANDIDATES: usize = 16;

/// The `auxC` type of an Apple HDR gain map (`kCGImageAuxiliaryDataTypeHDRGainMap`).
const APPLE_GAIN_MAP: &[u8] = b"urn:com:apple:photo:2020:aux:hdrgainmap";

/// The payload of an `Exif` item (ISO 23008-12 A.2.1) holding `tiff`: the offset of the
/// TIFF header after the offset field (0: it follows at once), then the TIFF. Takes
/// whatever [`Ifd0::tiff`] writes, so any field it learns to keep goes into HEIF too.
pub(super) fn exif_item(tiff: &Tiff) -> Vec<u8> {
    let mut payload = Vec::with_capacity(tiff.bytes().len().saturating_add(4));
    payload.extend_from_slice(&[0; 4]);
    payload.extend_from_slice(tiff.bytes());
    payload
}

/// Plans the new items: reads what they keep, allocates their ids, and appends their bytes
/// to `pieces` (the walker's owned pieces, after the rewritten JPEG items). What the keep
/// flags asked for but cannot be written goes into [`Report::not_kept`].
pub(super) fn plan_fresh(
    input: &[u8],
    meta: &Meta<'_>,
    kept: &Kept,
    opts: &Options,
    report: &mut Report,
    pieces: &mut Vec<Vec<u8>>,
) -> Vec<FreshItem> {
    let mut wanted: Vec<Wanted> = Vec::new();
    let credit = opts.keep.contains(Keep::COPYRIGHT);
    let gain_maps = if opts.keep.contains(Keep::GAIN_MAP) {
        gain_map_items(input, meta, kept)
    } else {
        Vec::new()
    };
    match meta.pitm {
        Some((_, primary)) => {
            // A kept Apple gain map takes its headroom from the primary's maker note
            // (version 1.0 only there): the primary's fresh Exif item holds it beside the
            // credit.
            let headroom = !gain_maps.is_empty();
            wanted.extend(primary_exif_item(input, meta, primary, credit, headroom));
            if credit {
                wanted.extend(credit_xmp_item(input, meta, primary, report));
            }
        }
        // No primary image to credit: what the metadata items named goes.
        None if credit && report.found.contains(Found::PERSON) => {
            report.not_kept |= Keep::COPYRIGHT;
        }
        None => {}
    }
    wanted.extend(gain_maps);
    let mut fresh = Vec::with_capacity(wanted.len());
    let mut next = first_free_id(meta, kept);
    for w in wanted {
        let fits = |id: u32| fits(meta, kept, fresh.len(), id) && w.fits_in(meta, id);
        let Some(id) = next.filter(|&id| fits(id)) else {
            // The id space (or the tables' counts, or the room) is used up: it goes.
            report.not_kept |= w.flag;
            continue;
        };
        next = id.checked_add(1);
        fresh.push(FreshItem {
            id,
            content: w.content,
            describes: w.describes,
            piece: pieces.len(),
            length: u64::try_from(w.bytes.len()).unwrap_or(u64::MAX),
        });
        pieces.push(w.bytes);
    }
    fresh
}

/// A new item before it has an id: the flag it keeps, what it holds, the item it
/// describes, its bytes.
struct Wanted {
    flag: Keep,
    content: Content,
    describes: u32,
    bytes: Vec<u8>,
    /// For a gain map's XMP, the room the input's XMP item took: its payload and `infe`.
    replaces: Option<usize>,
}

impl Wanted {
    /// Whether, as item `id`, it takes no more room than the item it replaces (when it
    /// replaces one) and needs no wider `iref`. The new item's `iloc` entry (one extent, the
    /// same field widths) and `cdsc` reference are never larger than the old one's, so
    /// keeping a gain map's fields does not make the output larger, unless the old item's
    /// bytes stay anyway (shared with a kept image): then the stripper's fallback past
    /// `max_output_len` drops it. A fresh item replaces its own output byte for byte, so a
    /// second strip keeps it.
    fn fits_in(&self, meta: &Meta<'_>, id: u32) -> bool {
        let Some(room) = self.replaces else {
            return true;
        };
        let narrow_iref = meta.iref.as_ref().is_none_or(|i| !i.is_wide());
        let len = self
            .bytes
            .len()
            .saturating_add(fresh_infe_len(id, self.content));
        len <= room && !(narrow_iref && id > 0xFFFF)
    }
}

/// One above the largest id the output keeps (kept items, kept entity groups), so that a
/// second strip, which drops the new items and makes them again, gives them the same ids;
/// `None` when that would not fit 32 bits.
fn first_free_id(meta: &Meta<'_>, kept: &Kept) -> Option<u32> {
    let items = kept.0.last().copied().unwrap_or(0);
    let groups = meta
        .children()
        .filter(|c| &c.kind == b"grpl")
        .map(|g| relations::max_kept_group_id(&g, |id| kept.has(id)))
        .max()
        .unwrap_or(0);
    items.max(groups).checked_add(1)
}

/// Whether a new item `id` (after `before` new ones) fits the tables it goes in: a 16-bit
/// id field in `iloc` versions 0 and 1, a 16-bit entry count in `iinf` version 0 and in
/// `iloc` versions 0 and 1. (`infe` and `iref` get the version a 32-bit id needs.)
fn fits(meta: &Meta<'_>, kept: &Kept, before: usize, id: u32) -> bool {
    let Some(iloc) = &meta.iloc else {
        return false;
    };
    let count = kept.0.len().saturating_add(before).saturating_add(1);
    let narrow = iloc.version() < 2;
    let narrow_count = narrow || meta.iinf.as_ref().is_some_and(|i| i.version() == 0);
    (!narrow || id <= 0xFFFF) && (!narrow_count || count <= 0xFFFF)
}

/// The metadata items of `kind` (the first [`MAX_CANDIDATES`]) that describe `primary`.
fn describing<'m>(
    meta: &'m Meta<'_>,
    kind: &'static [u8; 4],
    primary: u32,
) -> impl Iterator<Item = Item<'m>> + 'm {
    meta.iinf
        .iter()
        .flat_map(Iinf::items)
        .filter(move |i| i.version >= 2 && &i.kind == kind)
        .take(MAX_CANDIDATES)
        .filter(move |i| describes(meta, i.id, primary))
}

/// The primary image's fresh `Exif` item, from the first `Exif` item describing it that
/// holds something kept: its credit (`credit`) and the Apple maker note's headroom of a kept
/// Apple gain map (`headroom`; [`AppleHeadroom`]), in the minimal EXIF of [`Ifd0::tiff`].
fn primary_exif_item(
    input: &[u8],
    meta: &Meta<'_>,
    primary: u32,
    credit: bool,
    headroom: bool,
) -> Option<Wanted> {
    if !credit && !headroom {
        return None;
    }
    describing(meta, b"Exif", primary).find_map(|item| {
        let data = item_data(input, meta, &item)?;
        let tiff = tiff_of_exif_item(&data);
        let apple = headroom.then(|| AppleHeadroom::read(tiff)).flatten();
        let ifd0 = Ifd0 {
            apple,
            ..Ifd0::read(tiff, false, credit)
        };
        let mut flag = Keep::empty();
        flag.set(
            Keep::COPYRIGHT,
            ifd0.artist.is_some() || ifd0.copyright.is_some(),
        );
        flag.set(Keep::GAIN_MAP, apple.is_some());
        Some(Wanted {
            flag,
            content: Content::Exif,
            describes: primary,
            bytes: exif_item(&ifd0.tiff()?),
            replaces: None,
        })
    })
}

/// The credit of the primary image, read from the first XMP item describing it that holds
/// some, as the payload of a new XMP item.
fn credit_xmp_item(
    input: &[u8],
    meta: &Meta<'_>,
    primary: u32,
    report: &mut Report,
) -> Option<Wanted> {
    let bytes = describing(meta, b"mime", primary)
        .filter(|i| i.content_type == XMP_TYPE)
        .find_map(|item| {
            let data = item_data(input, meta, &item)?;
            if found::credit::is_unreadable(&data) {
                report.not_kept |= Keep::COPYRIGHT;
            }
            found::xmp_credit(&data).packet()
        })?;
    Some(Wanted {
        flag: Keep::COPYRIGHT,
        content: Content::Xmp,
        describes: primary,
        bytes,
        replaces: None,
    })
}

/// For each kept Apple HDR gain-map item ([`is_apple_gain_map`]) whose first XMP item holds
/// Apple's gain-map fields ([`apple::Fields::read_described`]: the `auxC` type says what the
/// JPEG path reads from `apdi:AuxiliaryImageType`), a fresh XMP holding only those fields,
/// when it takes no more room than the XMP it replaces ([`Wanted::fits_in`]).
fn gain_map_items(input: &[u8], meta: &Meta<'_>, kept: &Kept) -> Vec<Wanted> {
    let Some(iref) = &meta.iref else {
        return Vec::new();
    };
    let mut items: Vec<Wanted> = Vec::new();
    let xmps = meta
        .iinf
        .iter()
        .flat_map(Iinf::items)
        .filter(|i| i.version >= 2 && &i.kind == b"mime" && i.content_type == XMP_TYPE)
        .take(MAX_CANDIDATES);
    for item in xmps {
        let described = iref
            .refs()
            .filter(|r| &r.kind == b"cdsc" && r.from == item.id)
            .flat_map(|r| r.targets())
            .take(MAX_CANDIDATES)
            .find(|&t| kept.has(t) && is_apple_gain_map(meta, t));
        let Some(gain_map) = described else {
            continue;
        };
        if items.iter().any(|w| w.describes == gain_map) {
            continue;
        }
        let Some(data) = item_data(input, meta, &item) else {
            continue;
        };
        let Some(fields) = apple::Fields::read_described(&data) else {
            continue;
        };
        let mut packet = Vec::new();
        apple::write_packet(&fields, &mut packet);
        items.push(Wanted {
            flag: Keep::GAIN_MAP,
            content: Content::Xmp,
            describes: gain_map,
            bytes: packet,
            replaces: Some(data.len().saturating_add(item.box_len)),
        });
    }
    items
}

/// Whether item `id` is an Apple HDR gain map: an auxiliary image whose `auxC` property
/// (ISO 23008-12 § 6.5.8) has the type `urn:com:apple:photo:2020:aux:hdrgainmap`.
fn is_apple_gain_map(meta: &Meta<'_>, id: u32) -> bool {
    let indices = meta.ipmas().flat_map(|m| {
        m.entries()
            .filter(move |e| e.item == id)
            .flat_map(Association::properties)
    });
    for (_, index) in indices {
        let prop = usize::from(index)
            .checked_sub(1)
            .and_then(|i| meta.props.get(i));
        let Some(prop) = prop.filter(|p| &p.kind == b"auxC") else {
            continue;
        };
        let mut r = prop.body.clone();
        if full_box(&mut r).is_ok() {
            return cstring(&mut r).is_ok_and(|t| t == APPLE_GAIN_MAP);
        }
    }
    false
}

/// Whether metadata item `item` describes `target`: a `cdsc` from it to `target`, or no
/// `cdsc` from it at all (a metadata item that names no item describes the file, and so its
/// primary image).
fn describes(meta: &Meta<'_>, item: u32, target: u32) -> bool {
    let mut refs = meta
        .iref
        .iter()
        .flat_map(|i| i.refs())
        .filter(|r| &r.kind == b"cdsc" && r.from == item)
        .peekable();
    if refs.peek().is_none() {
        return true;
    }
    refs.any(|r| r.targets().any(|t| t == target))
}

/// The data of item `item` (construction method 0 in the file, 1 in `idat`): borrowed when
/// it is one extent, joined when it is several (up to [`MAX_JOINED`] bytes); `None` when an
/// extent is not there or the item is built another way.
fn item_data<'a>(input: &'a [u8], meta: &Meta<'a>, item: &Item<'_>) -> Option<Cow<'a, [u8]>> {
    let loc = meta.iloc.as_ref()?.locations().find(|l| l.id == item.id)?;
    let source: &'a [u8] = match loc.method {
        0 => input,
        1 => meta.idat.as_ref()?.body.rest(),
        _ => return None,
    };
    let mut data: Cow<'a, [u8]> = Cow::Borrowed(&[]);
    for e in loc.extents() {
        let start = usize::try_from(e.offset).ok()?;
        let end = start.checked_add(usize::try_from(e.length).ok()?)?;
        let bytes = source.get(start..end)?;
        if data.is_empty() {
            data = Cow::Borrowed(bytes);
        } else {
            if data.len().saturating_add(bytes.len()) > MAX_JOINED {
                return None;
            }
            data.to_mut().extend_from_slice(bytes);
        }
    }
    Some(data)
}
