//! The item tables of a HEIF `meta` box (ISO 14496-12 § 8.11, ISO 23008-12 § 9): `iinf`/`infe`
//! and `iloc` (the relations between items are in `relations`). Each is checked once, kept
//! as a view of its box (so the memory a table takes does not grow with its entries: a
//! 200 MP photo is a grid of hundreds of tiles, and an `iloc` can list millions of
//! extents), read again whenever it is walked, and written back without the dropped items.
//!
//! Every count is checked against the bytes that must hold it before anything is allocated.

use super::boxes::{begin_full_box, cstring, end_box, full_box, next_box, put_uint, Bmff};
use super::relocate::{Layout, Place, Relocation};
use crate::error::Error;
use crate::format::Format;
use crate::reader::Reader;
use crate::sink::Sink;
use crate::work;

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
    /// What follows `item_name` in versions 2 and 3: `content_type` and `content_encoding`
    /// of a `mime` item, `item_uri_type` of a `uri ` item, nothing for any other type.
    /// Items of those two types always go, so a kept `infe` never carries it.
    pub(super) rest: &'a [u8],
    pub(super) offset: usize,
    /// The length of the whole `infe` box.
    pub(super) box_len: usize,
}

/// `iinf` (ISO 14496-12 § 8.11.6). Its entries are not copied into a table: every walk
/// over them reads the `infe` boxes again (each was checked once, by [`read_iinf`]), so
/// the memory it takes does not grow with the number of items.
#[derive(Debug, Clone)]
pub(super) struct Iinf<'a> {
    /// Where the `iinf` box starts in the input.
    offset: usize,
    version: u8,
    /// The boxes after the entry count.
    entries: Reader<'a>,
}

impl<'a> Iinf<'a> {
    /// The box version (0: 16-bit entry count).
    pub(super) fn version(&self) -> u8 {
        self.version
    }

    /// The `infe` entries, in order.
    pub(super) fn items(&self) -> impl Iterator<Item = Item<'a>> + Clone + 'a {
        let mut r = self.entries.clone();
        std::iter::from_fn(move || loop {
            match next_box(&mut r) {
                Ok(Some(b)) if &b.kind == b"infe" => return read_infe(&b).ok(),
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => return None,
            }
        })
    }
}

/// Reads `iinf`. Children other than `infe` are ignored (and so dropped).
pub(super) fn read_iinf<'a>(b: &Bmff<'a>) -> Result<Iinf<'a>, Error> {
    let mut r = b.body.clone();
    // Version 0 has a 16-bit entry count, every other a 32-bit one (as libheif reads it;
    // exiftool's test files have a version 2). The count is not trusted: the infe boxes
    // that are there are the entries.
    let (version, _) = full_box(&mut r)?; // no flag of `iinf` is defined
    r.skip(if version == 0 { 2 } else { 4 })?;
    let iinf = Iinf {
        offset: b.offset,
        version,
        entries: r.clone(),
    };
    let mut count = 0usize;
    while let Some(infe) = next_box(&mut r)? {
        if &infe.kind == b"infe" {
            read_infe(&infe)?;
            count = count.saturating_add(1);
        }
    }
    let ids = iinf.items().map(|i| i.id);
    if let Some(id) = first_duplicate(ids, count) {
        let second = iinf.items().filter(|i| i.id == id).nth(1);
        let at = second.map_or(b.offset, |i| i.offset);
        return Err(r.malformed_at(at, format!("item {id} has two infe entries")));
    }
    Ok(iinf)
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
        box_len: b.raw.len(),
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

/// Writes `iinf` with the items `keep` accepts, each `infe` with its defined fields only
/// (ISO 14496-12 § 8.11.6.2, versions 2 and 3): `item_ID`, `protection_index`, `item_type`
/// and an empty `item_name`; flags but the "hidden" bit (1) cleared; nothing after the name.
/// The `fresh` items follow them ([`write_fresh_infe`]).
pub(super) fn write_iinf(
    out: &mut impl Sink,
    iinf: &Iinf<'_>,
    keep: impl Fn(u32) -> bool,
    fresh: &[FreshItem],
    fmt: Format,
) -> Result<(), Error> {
    let at = begin_full_box(out, *b"iinf", iinf.version, 0, iinf.offset);
    let kept = iinf.items().filter(|i| keep(i.id));
    let count = kept.clone().count().saturating_add(fresh.len());
    let count = u64::try_from(count).unwrap_or(u64::MAX);
    if !put_uint(out, count, if iinf.version == 0 { 2 } else { 4 }) {
        return Err(Error::Unsupported {
            format: fmt,
            offset: iinf.offset,
            what: "too many items for iinf version 0".into(),
        });
    }
    for item in kept {
        // Only versions 2 and 3 survive: 0 and 1 have no item type and are dropped.
        let infe = begin_full_box(out, *b"infe", item.version, item.flags & 1, item.offset);
        let ok = put_uint(out, item.id.into(), if item.version == 2 { 2 } else { 4 });
        out.extend_from_slice(&item.protection.to_be_bytes());
        out.extend_from_slice(&item.kind);
        if item.has_name {
            out.push(0); // item_name, emptied (never added: the entry must not grow)
        }
        if !ok {
            return Err(Error::Malformed {
                format: fmt,
                offset: item.offset,
                what: "item id too large".into(),
            });
        }
        end_box(out, infe, fmt)?;
    }
    for item in fresh {
        write_fresh_infe(out, item, iinf.offset, fmt)?;
    }
    end_box(out, at, fmt)
}

/// Writes the `infe` of a new item (ISO 14496-12 § 8.11.6.2): version 2, or 3 when its id
/// needs 32 bits; no flags; protection index 0; an empty name; for a `mime` item the XMP
/// content type and no content encoding. `from` is the input offset errors name.
fn write_fresh_infe(
    out: &mut impl Sink,
    item: &FreshItem,
    from: usize,
    fmt: Format,
) -> Result<(), Error> {
    let wide = item.id > 0xFFFF;
    // Keep `fresh_infe_len` in step with what is written here.
    let infe = begin_full_box(out, *b"infe", if wide { 3 } else { 2 }, 0, from);
    let _ = put_uint(out, item.id.into(), if wide { 4 } else { 2 });
    out.extend_from_slice(&[0, 0]); // protection_index
    out.extend_from_slice(&item.kind());
    out.push(0); // item_name
    if item.content == Content::Xmp {
        out.extend_from_slice(XMP_TYPE);
        out.push(0);
    }
    end_box(out, infe, fmt)
}

/// The content type of an XMP `mime` item (ISO 23008-12 A.2.2).
pub(super) const XMP_TYPE: &[u8] = b"application/rdf+xml";

/// What a new item holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Content {
    /// An `Exif` item: a 4-byte offset 0, then a TIFF.
    Exif,
    /// A `mime` item of type `application/rdf+xml`: an XMP packet.
    Xmp,
}

/// One new item: its id, what it holds, the item it describes (`cdsc`), and where its
/// bytes are (the walker's owned piece `piece`, `length` bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FreshItem {
    pub(super) id: u32,
    pub(super) content: Content,
    pub(super) describes: u32,
    pub(super) piece: usize,
    pub(super) length: u64,
}

impl FreshItem {
    /// The `item_type` of its `infe`.
    pub(super) fn kind(&self) -> [u8; 4] {
        match self.content {
            Content::Exif => *b"Exif",
            Content::Xmp => *b"mime",
        }
    }
}

/// The length of the `infe` [`write_fresh_infe`] writes for an item of id `id` holding
/// `content`: header and version 12, id 2 or 4, protection 2, type 4, empty name 1 (21 or
/// 23), and for XMP the content type with its NUL. (A unit test checks it against the
/// writer.)
pub(super) fn fresh_infe_len(id: u32, content: Content) -> usize {
    // XMP_TYPE is 19 bytes, and its NUL.
    let content_len = match content {
        Content::Exif => 0,
        Content::Xmp => 20,
    };
    let fixed: usize = if id > 0xFFFF { 23 } else { 21 };
    fixed.saturating_add(content_len)
}

/// One extent: `offset` is absolute (base offset added), in the file or in `idat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Extent {
    pub(super) index: u64,
    pub(super) offset: u64,
    pub(super) length: u64,
}

/// The widths of the fields of an `iloc` (ISO 14496-12 § 8.11.3.2), in bytes.
#[derive(Debug, Clone, Copy)]
struct Widths {
    id: usize,
    method: usize,
    base: usize,
    index: usize,
    offset: usize,
    length: usize,
}

impl Widths {
    /// item_ID, construction_method, data_reference_index, base_offset, extent_count.
    fn entry_head(&self) -> usize {
        [self.id, self.method, 2, self.base, 2]
            .iter()
            .fold(0usize, |a, &b| a.saturating_add(b))
    }

    fn extent(&self) -> usize {
        self.index
            .saturating_add(self.offset)
            .saturating_add(self.length)
    }
}

/// One `iloc` entry, and its extents as the input range that holds them.
#[derive(Debug, Clone)]
pub(super) struct Location<'a> {
    pub(super) id: u32,
    pub(super) method: u8,
    pub(super) count: usize,
    /// Where the entry starts in the input.
    pub(super) offset: usize,
    base: u64,
    widths: Widths,
    extents: Reader<'a>,
}

impl Location<'_> {
    /// The extents, read again from the input (they were checked by [`read_iloc`]).
    pub(super) fn extents(&self) -> impl Iterator<Item = Extent> + Clone + '_ {
        let mut r = self.extents.clone();
        (0..self.count).map_while(move |_| read_extent(&mut r, self.base, &self.widths).ok())
    }
}

/// `iloc` (ISO 14496-12 § 8.11.3), versions 0 to 2. Its entries are not copied into a
/// table: every walk over them reads the box again (checked once, by [`read_iloc`]).
#[derive(Debug, Clone)]
pub(super) struct Iloc<'a> {
    /// Where the `iloc` box starts in the input.
    offset: usize,
    version: u8,
    widths: Widths,
    count: usize,
    /// The entries.
    entries: Reader<'a>,
}

impl<'a> Iloc<'a> {
    /// The box version (2: 32-bit item ids and count).
    pub(super) fn version(&self) -> u8 {
        self.version
    }

    /// Whether every extent starts at its item's base offset (no extent offset field).
    pub(super) fn base_only(&self) -> bool {
        self.widths.offset == 0
    }

    /// The entries, in order.
    pub(super) fn locations(&self) -> impl Iterator<Item = Location<'a>> + Clone + 'a {
        let mut r = self.entries.clone();
        let widths = self.widths;
        (0..self.count).map_while(move |_| read_location(&mut r, &widths).ok())
    }
}

fn field_size(r: &Reader<'_>, n: u8) -> Result<usize, Error> {
    match n {
        0 | 4 | 8 => Ok(n.into()),
        _ => Err(r.malformed(format!("iloc field size {n} is not 0, 4 or 8"))),
    }
}

pub(super) fn read_iloc<'a>(b: &Bmff<'a>) -> Result<Iloc<'a>, Error> {
    let mut r = b.body.clone();
    let (version, _) = full_box(&mut r)?; // no flag of `iloc` is defined
    if version > 2 {
        return Err(r.unsupported_at(b.offset, "iloc version over 2"));
    }
    let [sizes, more] = r.array::<2>()?;
    let widths = Widths {
        offset: field_size(&r, sizes >> 4)?,
        length: field_size(&r, sizes & 15)?,
        base: field_size(&r, more >> 4)?,
        index: if version == 0 {
            0
        } else {
            field_size(&r, more & 15)?
        },
        id: if version == 2 { 4 } else { 2 },
        method: if version == 0 { 0 } else { 2 },
    };
    let count_at = r.pos();
    let count = usize::try_from(r.uint_be(widths.id)?).unwrap_or(usize::MAX);
    if !r.holds(count, widths.entry_head()) {
        return Err(r.malformed_at(
            count_at,
            format!("iloc item count {count} is more than its box holds"),
        ));
    }
    let iloc = Iloc {
        offset: b.offset,
        version,
        widths,
        count,
        entries: r.clone(),
    };
    for _ in 0..count {
        let loc = read_location(&mut r, &widths)?;
        let mut extents = loc.extents.clone();
        for _ in 0..loc.count {
            read_extent(&mut extents, loc.base, &widths)?;
        }
    }
    if let Some(id) = first_duplicate(iloc.locations().map(|l| l.id), count) {
        let second = iloc.locations().filter(|l| l.id == id).nth(1);
        let at = second.map_or(b.offset, |l| l.offset);
        return Err(r.malformed_at(at, format!("item {id} has two iloc entries")));
    }
    Ok(iloc)
}

/// Reads one entry's head and steps over its extents.
fn read_location<'a>(r: &mut Reader<'a>, widths: &Widths) -> Result<Location<'a>, Error> {
    let offset = r.pos();
    let id = u32::try_from(r.uint_be(widths.id)?).unwrap_or(u32::MAX);
    let method = if widths.method == 0 {
        0
    } else {
        u8::try_from(r.u16_be()? & 15).unwrap_or(0)
    };
    r.skip(2)?; // data_reference_index: check_dinf makes every entry this file
    let base = r.uint_be(widths.base)?;
    let count = usize::from(r.u16_be()?);
    let extent_size = widths.extent();
    if count > 0 && extent_size == 0 {
        return Err(r.unsupported_at(offset, "iloc extents with neither offset nor length"));
    }
    if !r.holds(count, extent_size) {
        return Err(r.malformed_at(
            offset,
            format!("iloc extent count {count} is more than its box holds"),
        ));
    }
    let extents = r.take(count.saturating_mul(extent_size))?;
    Ok(Location {
        id,
        method,
        count,
        offset,
        base,
        widths: *widths,
        extents,
    })
}

fn read_extent(r: &mut Reader<'_>, base: u64, widths: &Widths) -> Result<Extent, Error> {
    let index = r.uint_be(widths.index)?;
    let at = r.pos();
    let off = r.uint_be(widths.offset)?;
    let length = r.uint_be(widths.length)?;
    let offset = base
        .checked_add(off)
        .ok_or_else(|| r.malformed_at(at, "extent offset overflows"))?;
    Ok(Extent {
        index,
        offset,
        length,
    })
}

/// The first id that appears twice among `count` ids, found in O(n log n) with 4 bytes a
/// row.
fn first_duplicate(ids: impl Iterator<Item = u32>, count: usize) -> Option<u32> {
    let mut sorted: Vec<u32> = Vec::with_capacity(count);
    sorted.extend(ids.take(count));
    sorted.sort_unstable();
    sorted.windows(2).find_map(|w| match w {
        [a, b] if a == b => Some(*b),
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

/// An `iloc` entry whose data the walker rewrote (a JPEG item without its metadata): it
/// becomes one extent over the walker's owned piece `piece`, `length` bytes long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Replaced {
    /// The entry's index in [`Iloc::locations`].
    pub(super) location: usize,
    pub(super) piece: usize,
    pub(super) length: u64,
}

/// The replacement of entry `location`, if it has one (`replaced` is sorted by entry).
pub(super) fn replaced_at(replaced: &[Replaced], location: usize) -> Option<&Replaced> {
    let i = replaced.binary_search_by(|r| {
        work::add(0);
        r.location.cmp(&location)
    });
    replaced.get(i.ok()?)
}

/// Where the kept items' data now is: what `write_iloc` needs besides the table.
#[derive(Debug, Clone, Copy)]
pub(super) struct Targets<'p> {
    pub(super) sizes: IlocSizes,
    /// The rebuilt `idat` payload (construction method 1).
    pub(super) idat: &'p Layout,
    /// The new `mdat` payload (construction method 0).
    pub(super) data: Relocation<'p>,
    pub(super) replaced: &'p [Replaced],
    /// The new items, each one extent over its owned piece, after the kept entries.
    pub(super) fresh: &'p [FreshItem],
}

/// One extent as written: its index field, what its offset points at, its length.
#[derive(Debug, Clone, Copy)]
struct Field {
    index: u64,
    place: Place,
    length: u64,
}

/// Writes `iloc` for the kept items, base offsets folded into the extent offsets (or, with
/// `sizes.offset` 0, each item's one start written as its base offset), every offset
/// pointing where its bytes now are.
pub(super) fn write_iloc(
    out: &mut impl Sink,
    iloc: &Iloc<'_>,
    keep: impl Fn(u32) -> bool,
    t: &Targets<'_>,
    fmt: Format,
) -> Result<(), Error> {
    let sizes = t.sizes;
    let at = begin_full_box(out, *b"iloc", iloc.version, 0, iloc.offset);
    let size_byte = u8::try_from((sizes.offset << 4) | sizes.length).unwrap_or(0x44);
    out.push(size_byte);
    let index_size = iloc.widths.index;
    out.push(u8::try_from((sizes.base << 4) | index_size).unwrap_or(0));
    let id_size = if iloc.version == 2 { 4 } else { 2 };
    let kept = iloc.locations().enumerate().filter(|(_, l)| keep(l.id));
    let unsupported = |offset: usize, what: &'static str| Error::Unsupported {
        format: fmt,
        offset,
        what: what.into(),
    };
    let count = kept.clone().count().saturating_add(t.fresh.len());
    if !put_uint(out, u64::try_from(count).unwrap_or(u64::MAX), id_size) {
        return Err(unsupported(
            iloc.offset,
            "too many items for this iloc version",
        ));
    }
    for (index, loc) in kept {
        let _ = put_uint(out, loc.id.into(), id_size);
        if iloc.version > 0 {
            out.extend_from_slice(&u16::from(loc.method).to_be_bytes());
        }
        out.extend_from_slice(&[0, 0]); // data_reference_index: this file
        let replaced = replaced_at(t.replaced, index);
        let original = loc
            .extents()
            .take(if replaced.is_some() { 0 } else { loc.count });
        let rewritten = replaced.map(|r| Field {
            index: 0,
            place: Place::Owned(r.piece),
            length: r.length,
        });
        let fields = rewritten.into_iter().chain(original.map(|e| Field {
            index: e.index,
            place: Place::Input(e.offset),
            length: e.length,
        }));
        if sizes.base > 0 {
            let start = fields.clone().next().map_or(Place::Input(0), |f| f.place);
            if fields.clone().any(|f| f.place != start) {
                return Err(unsupported(
                    loc.offset,
                    "extents that need their own offsets",
                ));
            }
            let value =
                offset_value(loc.method, start, t).map_err(|what| unsupported(loc.offset, what))?;
            if !put_uint(out, value, sizes.base) {
                return Err(unsupported(loc.offset, "base offset does not fit"));
            }
        }
        let count = fields.clone().count();
        out.extend_from_slice(&u16::try_from(count).unwrap_or(0).to_be_bytes());
        for f in fields {
            let _ = put_uint(out, f.index, index_size);
            let offset = if sizes.offset > 0 {
                offset_value(loc.method, f.place, t)
                    .map_err(|what| unsupported(loc.offset, what))?
            } else {
                0
            };
            if !put_uint(out, offset, sizes.offset) || !put_uint(out, f.length, sizes.length) {
                return Err(unsupported(
                    loc.offset,
                    "extent does not fit the rebuilt iloc",
                ));
            }
        }
    }
    for item in t.fresh {
        write_fresh_location(out, iloc, item, t).map_err(|what| unsupported(iloc.offset, what))?;
    }
    end_box(out, at, fmt)
}

/// Writes the `iloc` entry of a new item: construction method 0, one extent over its owned
/// piece in the new `mdat` (its offset as the base offset when the rebuilt `iloc` has no
/// extent offsets).
fn write_fresh_location(
    out: &mut impl Sink,
    iloc: &Iloc<'_>,
    item: &FreshItem,
    t: &Targets<'_>,
) -> Result<(), &'static str> {
    let sizes = t.sizes;
    let id_size = if iloc.version == 2 { 4 } else { 2 };
    if !put_uint(out, item.id.into(), id_size) {
        return Err("a new item id does not fit the rebuilt iloc");
    }
    if iloc.version > 0 {
        out.extend_from_slice(&[0, 0]); // construction_method 0: this file
    }
    out.extend_from_slice(&[0, 0]); // data_reference_index: this file
    let offset = offset_value(0, Place::Owned(item.piece), t)?;
    let (base, extent_offset) = if sizes.base > 0 {
        (offset, 0)
    } else {
        (0, offset)
    };
    let fits = put_uint(out, base, sizes.base) && {
        out.extend_from_slice(&1u16.to_be_bytes()); // extent_count
        put_uint(out, 0, iloc.widths.index)
            && put_uint(out, extent_offset, sizes.offset)
            && put_uint(out, item.length, sizes.length)
    };
    if fits {
        Ok(())
    } else {
        Err("a new item's extent does not fit the rebuilt iloc")
    }
}

/// The value of an offset field: where the bytes at `place` now are, in the file
/// (construction method 0) or in the rebuilt `idat` (method 1).
fn offset_value(method: u8, place: Place, t: &Targets<'_>) -> Result<u64, &'static str> {
    if method == 0 {
        return t
            .data
            .resolve(place)
            .ok_or("a relocated offset does not fit its field");
    }
    t.idat
        .map(place)
        .ok_or("idat extent outside the rebuilt idat")
}
