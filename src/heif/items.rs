//! The item tables of a HEIF `meta` box (ISO 14496-12 § 8.11, ISO 23008-12 § 9): `iinf`/`infe`,
//! `iloc`, `iref`, `ipco`/`ipma`, `grpl`, `dinf`. Each is read into a bounded table and written
//! back without the dropped items and properties.
//!
//! Every count is checked against the bytes that must hold it before anything is allocated.

use super::boxes::{cstring, full_box, next_box, Bmff};
use super::relocate::{Layout, Patch};
use crate::out::{begin_box, begin_full_box, end_box, put_uint};
use crate::reader::Reader;
use crate::Error;

/// One `infe` entry.
#[derive(Debug, Clone)]
pub(super) struct Item<'a> {
    pub(super) id: u32,
    /// `item_type`; zero for `infe` versions 0 and 1, which have none.
    pub(super) kind: [u8; 4],
    pub(super) version: u8,
    flags: u32,
    /// MIME type of a `mime` item (or of a version 0/1 entry).
    pub(super) content_type: &'a [u8],
    pub(super) name: &'a [u8],
    /// Whether the entry has an `item_name` field at all (one that ends the box may lack
    /// even its terminator).
    has_name: bool,
    protection: u16,
    /// What follows `item_name` in versions 2 and 3 (type-specific fields).
    rest: &'a [u8],
    pub(super) offset: usize,
}

/// `iinf` (ISO 14496-12 § 8.11.6).
#[derive(Debug, Clone)]
pub(super) struct Iinf<'a> {
    version: u8,
    flags: u32,
    pub(super) items: Vec<Item<'a>>,
}

/// Reads `iinf`. Children other than `infe` are ignored (and so dropped).
pub(super) fn read_iinf<'a>(b: &Bmff<'a>) -> Result<Iinf<'a>, Error> {
    let mut r = b.body.clone();
    // Version 0 has a 16-bit entry count, every other a 32-bit one (as libheif reads it;
    // exiftool's test files have a version 2). The count is not trusted: the infe boxes
    // that are there are the entries.
    let (version, flags) = full_box(&mut r)?;
    r.skip(if version == 0 { 2 } else { 4 })?;
    let mut items: Vec<Item<'a>> = Vec::new();
    while let Some(infe) = next_box(&mut r)? {
        if &infe.kind != b"infe" {
            continue;
        }
        items.push(read_infe(&infe)?);
    }
    if let Some((id, at)) = first_duplicate(items.iter().map(|i| (i.id, i.offset))) {
        return Err(r.malformed_at(at, format!("item {id} has two infe entries")));
    }
    Ok(Iinf {
        version,
        flags,
        items,
    })
}

fn read_infe<'a>(b: &Bmff<'a>) -> Result<Item<'a>, Error> {
    let mut r = b.body.clone();
    let (version, flags) = full_box(&mut r)?;
    let mut item = Item {
        id: 0,
        kind: [0; 4],
        version,
        flags,
        content_type: &[],
        name: &[],
        has_name: false,
        protection: 0,
        rest: &[],
        offset: b.offset,
    };
    match version {
        0 | 1 => {
            item.id = r.u16_be()?.into();
            item.protection = r.u16_be()?;
            item.name = cstring(&mut r)?;
            item.content_type = cstring(&mut r)?;
        }
        2 | 3 => {
            item.id = if version == 2 {
                r.u16_be()?.into()
            } else {
                r.u32_be()?
            };
            item.protection = r.u16_be()?;
            item.kind = r.array()?;
            item.has_name = r.remaining() > 0;
            item.name = cstring(&mut r)?;
            item.rest = r.rest();
            if &item.kind == b"mime" {
                item.content_type = cstring(&mut r)?;
            }
        }
        _ => return Err(r.unsupported_at(b.offset, "infe version over 3")),
    }
    if item.protection != 0 {
        return Err(r.unsupported_at(b.offset, "protected (encrypted) item"));
    }
    Ok(item)
}

/// Writes `iinf` with the items `keep` accepts, each with an empty name.
pub(super) fn write_iinf(
    out: &mut Vec<u8>,
    iinf: &Iinf<'_>,
    keep: impl Fn(u32) -> bool,
    fmt: crate::Format,
) -> Result<(), Error> {
    let at = begin_full_box(out, *b"iinf", iinf.version, iinf.flags);
    let kept = iinf.items.iter().filter(|i| keep(i.id));
    let count = u64::try_from(kept.clone().count()).unwrap_or(u64::MAX);
    if !put_uint(out, count, if iinf.version == 0 { 2 } else { 4 }) {
        return Err(Error::Unsupported {
            format: fmt,
            offset: at,
            what: "too many items for iinf version 0",
        });
    }
    for item in kept {
        // Only versions 2 and 3 survive: 0 and 1 have no item type and are dropped.
        let infe = begin_full_box(out, *b"infe", item.version, item.flags);
        let ok = put_uint(out, item.id.into(), if item.version == 2 { 2 } else { 4 });
        out.extend_from_slice(&item.protection.to_be_bytes());
        out.extend_from_slice(&item.kind);
        if item.has_name {
            out.push(0); // item_name, emptied (never added: the entry must not grow)
        }
        out.extend_from_slice(item.rest);
        if !ok {
            return Err(Error::Malformed {
                format: fmt,
                offset: item.offset,
                what: "item id too large".into(),
            });
        }
        end_box(out, infe, fmt)?;
    }
    end_box(out, at, fmt)
}

/// One extent: `offset` is absolute (base offset added), in the file or in `idat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Extent {
    pub(super) index: u64,
    pub(super) offset: u64,
    pub(super) length: u64,
}

/// One `iloc` entry; its extents are `extents[first..first + count]` of the table.
#[derive(Debug, Clone, Copy)]
pub(super) struct Location {
    pub(super) id: u32,
    pub(super) method: u8,
    pub(super) first: usize,
    pub(super) count: usize,
    pub(super) offset: usize,
}

/// `iloc` (ISO 14496-12 § 8.11.3), versions 0 to 2.
#[derive(Debug, Clone)]
pub(super) struct Iloc {
    version: u8,
    flags: u32,
    index_size: usize,
    /// 0 when every extent starts at its item's base offset.
    pub(super) offset_size: usize,
    pub(super) locations: Vec<Location>,
    pub(super) extents: Vec<Extent>,
}

impl Iloc {
    pub(super) fn extents_of(&self, loc: &Location) -> &[Extent] {
        self.extents
            .get(loc.first..loc.first.saturating_add(loc.count))
            .unwrap_or_default()
    }
}

fn field_size(r: &Reader<'_>, n: u8) -> Result<usize, Error> {
    match n {
        0 | 4 | 8 => Ok(n.into()),
        _ => Err(r.malformed(format!("iloc field size {n} is not 0, 4 or 8"))),
    }
}

pub(super) fn read_iloc(b: &Bmff<'_>) -> Result<Iloc, Error> {
    let mut r = b.body.clone();
    let (version, flags) = full_box(&mut r)?;
    if version > 2 {
        return Err(r.unsupported_at(b.offset, "iloc version over 2"));
    }
    let [sizes, more] = r.array::<2>()?;
    let offset_size = field_size(&r, sizes >> 4)?;
    let length_size = field_size(&r, sizes & 15)?;
    let base_size = field_size(&r, more >> 4)?;
    let index_size = if version == 0 {
        0
    } else {
        field_size(&r, more & 15)?
    };
    let id_size = if version == 2 { 4 } else { 2 };
    let count_at = r.pos();
    let count = usize::try_from(r.uint_be(id_size)?).unwrap_or(usize::MAX);
    let method_size = if version == 0 { 0 } else { 2 };
    // item_ID, construction_method, data_reference_index, base_offset, extent_count.
    let min_entry = [id_size, method_size, 2, base_size, 2]
        .iter()
        .fold(0usize, |a, &b| a.saturating_add(b));
    if !r.holds(count, min_entry) {
        return Err(r.malformed_at(
            count_at,
            format!("iloc item count {count} is more than its box holds"),
        ));
    }
    let extent_size = index_size
        .saturating_add(offset_size)
        .saturating_add(length_size);
    let mut locations = Vec::with_capacity(count);
    let mut extents = Vec::new();
    for _ in 0..count {
        let offset = r.pos();
        let id = u32::try_from(r.uint_be(id_size)?).unwrap_or(u32::MAX);
        let method = if version == 0 {
            0
        } else {
            u8::try_from(r.u16_be()? & 15).unwrap_or(0)
        };
        r.skip(2)?; // data_reference_index: check_dinf makes every entry this file
        let base = r.uint_be(base_size)?;
        let n = usize::from(r.u16_be()?);
        if n > 0 && extent_size == 0 {
            return Err(r.unsupported_at(offset, "iloc extents with neither offset nor length"));
        }
        if !r.holds(n, extent_size) {
            return Err(r.malformed_at(
                offset,
                format!("iloc extent count {n} is more than its box holds"),
            ));
        }
        let first = extents.len();
        extents.reserve(n);
        for _ in 0..n {
            let index = r.uint_be(index_size)?;
            let at = r.pos();
            let off = r.uint_be(offset_size)?;
            let length = r.uint_be(length_size)?;
            let offset = base
                .checked_add(off)
                .ok_or_else(|| r.malformed_at(at, "extent offset overflows"))?;
            extents.push(Extent {
                index,
                offset,
                length,
            });
        }
        locations.push(Location {
            id,
            method,
            first,
            count: n,
            offset,
        });
    }
    if let Some((id, at)) = first_duplicate(locations.iter().map(|l| (l.id, l.offset))) {
        return Err(r.malformed_at(at, format!("item {id} has two iloc entries")));
    }
    Ok(Iloc {
        version,
        flags,
        index_size,
        offset_size,
        locations,
        extents,
    })
}

/// The second entry of the first id that appears twice, found in O(n log n).
fn first_duplicate(entries: impl Iterator<Item = (u32, usize)>) -> Option<(u32, usize)> {
    let mut sorted: Vec<(u32, usize)> = entries.collect();
    sorted.sort_unstable();
    sorted.windows(2).find_map(|w| match w {
        [(a, _), (b, at)] if a == b => Some((*b, *at)),
        _ => None,
    })
}

/// Field widths of the rebuilt `iloc`: either extent offsets and no base offsets, or (when
/// the input had no extent offsets) base offsets alone, so that the box never grows by an
/// offset per extent.
#[derive(Debug, Clone, Copy)]
pub(super) struct IlocSizes {
    pub(super) offset: usize,
    pub(super) base: usize,
    pub(super) length: usize,
}

/// Writes `iloc` for the kept items, base offsets folded into the extent offsets (or, with
/// `sizes.offset` 0, each item's one start written as its base offset).
/// File offsets (construction method 0) are left as placeholders in `patches`; `idat`
/// offsets (method 1) are mapped through `idat` at once.
pub(super) fn write_iloc(
    out: &mut Vec<u8>,
    iloc: &Iloc,
    keep: impl Fn(u32) -> bool,
    sizes: IlocSizes,
    idat: &Layout,
    patches: &mut Vec<Patch>,
    fmt: crate::Format,
) -> Result<(), Error> {
    let at = begin_full_box(out, *b"iloc", iloc.version, iloc.flags);
    let size_byte = u8::try_from((sizes.offset << 4) | sizes.length).unwrap_or(0x44);
    out.push(size_byte);
    out.push(u8::try_from((sizes.base << 4) | iloc.index_size).unwrap_or(0));
    let id_size = if iloc.version == 2 { 4 } else { 2 };
    let kept = iloc.locations.iter().filter(|l| keep(l.id));
    let unsupported = |offset: usize, what: &'static str| Error::Unsupported {
        format: fmt,
        offset,
        what,
    };
    if !put_uint(
        out,
        u64::try_from(kept.clone().count()).unwrap_or(u64::MAX),
        id_size,
    ) {
        return Err(unsupported(at, "too many items for this iloc version"));
    }
    for loc in kept {
        let _ = put_uint(out, loc.id.into(), id_size);
        if iloc.version > 0 {
            out.extend_from_slice(&u16::from(loc.method).to_be_bytes());
        }
        out.extend_from_slice(&[0, 0]); // data_reference_index: this file
        let extents = iloc.extents_of(loc);
        if sizes.base > 0 {
            let start = extents.first().map_or(0, |e| e.offset);
            if extents.iter().any(|e| e.offset != start) {
                return Err(unsupported(
                    loc.offset,
                    "extents that need their own offsets",
                ));
            }
            let field = (loc.method, start, sizes.base);
            let value = offset_field(out.len(), field, idat, patches)
                .map_err(|what| unsupported(loc.offset, what))?;
            if !put_uint(out, value, sizes.base) {
                return Err(unsupported(loc.offset, "base offset does not fit"));
            }
        }
        out.extend_from_slice(&u16::try_from(loc.count).unwrap_or(0).to_be_bytes());
        for e in extents {
            let _ = put_uint(out, e.index, iloc.index_size);
            let offset = if sizes.offset > 0 {
                let field = (loc.method, e.offset, sizes.offset);
                offset_field(out.len(), field, idat, patches)
                    .map_err(|what| unsupported(loc.offset, what))?
            } else {
                0
            };
            if !put_uint(out, offset, sizes.offset) || !put_uint(out, e.length, sizes.length) {
                return Err(unsupported(
                    loc.offset,
                    "extent does not fit the rebuilt iloc",
                ));
            }
        }
    }
    end_box(out, at, fmt)
}

/// The value to write now for an offset field at output position `at`: a file offset
/// (construction method 0) is written as 0 and patched once the new `mdat` is placed; an
/// `idat` offset is mapped at once.
fn offset_field(
    at: usize,
    (method, old, width): (u8, u64, usize),
    idat: &Layout,
    patches: &mut Vec<Patch>,
) -> Result<u64, &'static str> {
    if method == 0 {
        patches.push(Patch { at, width, old });
        return Ok(0);
    }
    idat.map(old).ok_or("idat extent outside the rebuilt idat")
}

/// One reference of `iref`; its targets are `to[first..first + count]`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Reference {
    pub(super) kind: [u8; 4],
    pub(super) from: u32,
    first: usize,
    count: usize,
}

/// `iref` (ISO 14496-12 § 8.11.12).
#[derive(Debug, Clone)]
pub(super) struct Iref {
    version: u8,
    flags: u32,
    pub(super) refs: Vec<Reference>,
    to: Vec<u32>,
}

impl Iref {
    pub(super) fn targets(&self, r: &Reference) -> &[u32] {
        self.to
            .get(r.first..r.first.saturating_add(r.count))
            .unwrap_or_default()
    }
}

pub(super) fn read_iref(b: &Bmff<'_>) -> Result<Iref, Error> {
    let mut r = b.body.clone();
    let (version, flags) = full_box(&mut r)?;
    if version > 1 {
        return Err(r.unsupported_at(b.offset, "iref version over 1"));
    }
    let id_size = if version == 0 { 2 } else { 4 };
    let (mut refs, mut to) = (Vec::new(), Vec::new());
    while let Some(mut child) = next_box(&mut r)? {
        let from = u32::try_from(child.body.uint_be(id_size)?).unwrap_or(u32::MAX);
        let count = usize::from(child.body.u16_be()?);
        if !child.body.holds(count, id_size) {
            return Err(child.body.malformed(format!(
                "reference count {count} is more than its box holds"
            )));
        }
        let first = to.len();
        to.reserve(count);
        for _ in 0..count {
            to.push(u32::try_from(child.body.uint_be(id_size)?).unwrap_or(u32::MAX));
        }
        refs.push(Reference {
            kind: child.kind,
            from,
            first,
            count,
        });
    }
    Ok(Iref {
        version,
        flags,
        refs,
        to,
    })
}

/// Writes `iref` without references from or to dropped items; nothing when none is left.
pub(super) fn write_iref(
    out: &mut Vec<u8>,
    iref: &Iref,
    keep: impl Fn(u32) -> bool,
    fmt: crate::Format,
) -> Result<(), Error> {
    let id_size = if iref.version == 0 { 2 } else { 4 };
    let live = |r: &&Reference| keep(r.from) && iref.targets(r).iter().any(|&t| keep(t));
    if !iref.refs.iter().any(|r| live(&r)) {
        return Ok(());
    }
    let at = begin_full_box(out, *b"iref", iref.version, iref.flags);
    for r in iref.refs.iter().filter(live) {
        let child = begin_box(out, r.kind);
        let _ = put_uint(out, r.from.into(), id_size);
        let targets = iref.targets(r).iter().filter(|&&t| keep(t));
        out.extend_from_slice(
            &u16::try_from(targets.clone().count())
                .unwrap_or(0)
                .to_be_bytes(),
        );
        for &t in targets {
            let _ = put_uint(out, t.into(), id_size);
        }
        end_box(out, child, fmt)?;
    }
    end_box(out, at, fmt)
}

/// One `ipma` entry; its associations are `assocs[first..first + count]`, each
/// `essential << 15 | property_index`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Association {
    pub(super) item: u32,
    first: usize,
    count: usize,
}

/// `ipma` (ISO 23008-12 § 9.3.3).
#[derive(Debug, Clone)]
pub(super) struct Ipma {
    pub(super) offset: usize,
    version: u8,
    flags: u32,
    pub(super) entries: Vec<Association>,
    assocs: Vec<u16>,
}

impl Ipma {
    /// `(essential, property_index)` of each association of `a`.
    pub(super) fn of<'s>(
        &'s self,
        a: &Association,
    ) -> impl Iterator<Item = (bool, u16)> + Clone + 's {
        let list = self
            .assocs
            .get(a.first..a.first.saturating_add(a.count))
            .unwrap_or_default();
        list.iter().map(|&v| (v & 0x8000 != 0, v & 0x7FFF))
    }
}

pub(super) fn read_ipma(b: &Bmff<'_>) -> Result<Ipma, Error> {
    let mut r = b.body.clone();
    let (version, flags) = full_box(&mut r)?;
    if version > 1 {
        return Err(r.unsupported_at(b.offset, "ipma version over 1"));
    }
    let id_size = if version == 0 { 2 } else { 4 };
    let wide = flags & 1 != 0;
    let count_at = r.pos();
    let count = usize::try_from(r.u32_be()?).unwrap_or(usize::MAX);
    if !r.holds(count, if version == 0 { 3 } else { 5 }) {
        return Err(r.malformed_at(
            count_at,
            format!("ipma entry count {count} is more than its box holds"),
        ));
    }
    let mut entries = Vec::with_capacity(count);
    let mut assocs = Vec::new();
    for _ in 0..count {
        let item = u32::try_from(r.uint_be(id_size)?).unwrap_or(u32::MAX);
        let n = usize::from(r.u8()?);
        if !r.holds(n, if wide { 2 } else { 1 }) {
            return Err(r.malformed(format!(
                "ipma association count {n} is more than its box holds"
            )));
        }
        let first = assocs.len();
        assocs.reserve(n);
        for _ in 0..n {
            let v = if wide {
                r.u16_be()?
            } else {
                let b = u16::from(r.u8()?);
                ((b & 0x80) << 8) | (b & 0x7F)
            };
            assocs.push(v);
        }
        entries.push(Association {
            item,
            first,
            count: n,
        });
    }
    Ok(Ipma {
        offset: b.offset,
        version,
        flags,
        entries,
        assocs,
    })
}

/// Writes `ipma` for the kept items, each property index mapped through `remap`
/// (`remap[old] == 0`: the property is gone, and so is the association).
pub(super) fn write_ipma(
    out: &mut Vec<u8>,
    ipma: &Ipma,
    keep: impl Fn(u32) -> bool,
    remap: &[u16],
    fmt: crate::Format,
) -> Result<(), Error> {
    let at = begin_full_box(out, *b"ipma", ipma.version, ipma.flags);
    let id_size = if ipma.version == 0 { 2 } else { 4 };
    let wide = ipma.flags & 1 != 0;
    let kept = ipma.entries.iter().filter(|e| keep(e.item));
    out.extend_from_slice(
        &u32::try_from(kept.clone().count())
            .unwrap_or(0)
            .to_be_bytes(),
    );
    for e in kept {
        let _ = put_uint(out, e.item.into(), id_size);
        let mapped = ipma.of(e).filter_map(|(essential, index)| {
            let new = if index == 0 {
                0
            } else {
                *remap.get(usize::from(index))?
            };
            (index == 0 || new != 0).then_some((essential, new))
        });
        out.push(u8::try_from(mapped.clone().count()).unwrap_or(0));
        for (essential, index) in mapped {
            // A remapped index is never larger than the original, so it fits the same width.
            if wide {
                out.extend_from_slice(&(u16::from(essential) << 15 | index).to_be_bytes());
            } else {
                out.push(u8::from(essential) << 7 | u8::try_from(index & 0x7F).unwrap_or(0));
            }
        }
    }
    end_box(out, at, fmt)
}

/// Checks a `dinf` (ISO 14496-12 § 8.7.1): every data reference must be this file (a `url `
/// entry with flag 1). An external file (a URL or path) cannot be stripped from here.
pub(super) fn check_dinf(b: &Bmff<'_>) -> Result<(), Error> {
    let mut r = b.body.clone();
    while let Some(dref) = next_box(&mut r)? {
        if &dref.kind != b"dref" {
            continue;
        }
        let mut d = dref.body.clone();
        full_box(&mut d)?;
        d.skip(4)?; // entry_count: the entries present are the entries
        while let Some(mut entry) = next_box(&mut d)? {
            let (_, flags) = full_box(&mut entry.body)?;
            if flags & 1 == 0 {
                return Err(d.unsupported_at(entry.offset, "data reference to an external file"));
            }
        }
    }
    Ok(())
}

/// Writes `grpl` (ISO 14496-12 § 8.18.3) without the entity ids `keep` rejects; groups left
/// empty go, and so does a `grpl` left empty.
pub(super) fn write_grpl(
    out: &mut Vec<u8>,
    b: &Bmff<'_>,
    keep: impl Fn(u32) -> bool,
    fmt: crate::Format,
) -> Result<(), Error> {
    let mut groups = Vec::new();
    let mut r = b.body.clone();
    while let Some(g) = next_box(&mut r)? {
        let mut body = g.body.clone();
        let (version, flags) = full_box(&mut body)?;
        let group_id = body.u32_be()?;
        let n = usize::try_from(body.u32_be()?).unwrap_or(usize::MAX);
        if !body.holds(n, 4) {
            return Err(body.malformed(format!("entity count {n} is more than its box holds")));
        }
        let ids = body.take(n.saturating_mul(4))?;
        groups.push((g.kind, version, flags, group_id, ids, body.rest()));
    }
    let kept_ids = |ids: &Reader<'_>| {
        ids.rest()
            .chunks_exact(4)
            .filter_map(|c| c.try_into().ok().map(u32::from_be_bytes))
            .filter(|&id| keep(id))
            .count()
    };
    if groups.iter().all(|g| kept_ids(&g.4) == 0) {
        return Ok(());
    }
    let at = begin_box(out, *b"grpl");
    for (kind, version, flags, group_id, ids, rest) in &groups {
        let n = kept_ids(ids);
        if n == 0 {
            continue;
        }
        let g = begin_full_box(out, *kind, *version, *flags);
        out.extend_from_slice(&group_id.to_be_bytes());
        out.extend_from_slice(&u32::try_from(n).unwrap_or(0).to_be_bytes());
        for c in ids.rest().chunks_exact(4) {
            if c.try_into().ok().map(u32::from_be_bytes).is_some_and(&keep) {
                out.extend_from_slice(c);
            }
        }
        out.extend_from_slice(rest);
        end_box(out, g, fmt)?;
    }
    end_box(out, at, fmt)
}
