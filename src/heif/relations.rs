//! How items relate: `iref` references between items, `ipma` associations of items with
//! properties, `grpl` entity groups, and the `dinf` check that every item's data is in this
//! file (`iref` ISO 14496-12 § 8.11.12, `grpl` § 8.18, `dinf` § 8.7.1; `ipma` ISO 23008-12
//! § 9.3).

use super::allow::{group_fields, SELF_CONTAINED_DINF};
use super::boxes::{begin_box, begin_full_box, end_box, full_box, next_box, put_uint, Bmff};
use super::items::FreshItem;
use crate::error::Error;
use crate::format::Format;
use crate::reader::Reader;
use crate::report::{Kinds, Report};
use crate::sink::Sink;

/// One reference of `iref`, its target ids read from the input when walked.
#[derive(Debug, Clone)]
pub(super) struct Reference<'a> {
    pub(super) kind: [u8; 4],
    pub(super) from: u32,
    /// Where the reference box starts.
    pub(super) offset: usize,
    id_size: usize,
    count: usize,
    ids: Reader<'a>,
}

impl<'a> Reference<'a> {
    /// The target item ids, in order.
    pub(super) fn targets(&self) -> impl Iterator<Item = u32> + Clone + 'a {
        let (mut r, id_size) = (self.ids.clone(), self.id_size);
        (0..self.count).map_while(move |_| {
            let id = r.uint_be(id_size).ok()?;
            Some(u32::try_from(id).unwrap_or(u32::MAX))
        })
    }
}

/// `iref` (ISO 14496-12 § 8.11.12). Its references are not copied into a table: every walk
/// over them reads the box again (checked once, by [`read_iref`]).
#[derive(Debug, Clone)]
pub(super) struct Iref<'a> {
    /// Where the `iref` box starts in the input.
    offset: usize,
    version: u8,
    /// The reference boxes.
    boxes: Reader<'a>,
}

impl<'a> Iref<'a> {
    /// The references, in order.
    pub(super) fn refs(&self) -> impl Iterator<Item = Reference<'a>> + Clone + 'a {
        let (mut r, id_size) = (self.boxes.clone(), self.id_size());
        std::iter::from_fn(move || read_reference(next_box(&mut r).ok()??, id_size).ok())
    }

    /// Whether its ids are 32 bits wide (version 1).
    pub(super) fn is_wide(&self) -> bool {
        self.version > 0
    }

    fn id_size(&self) -> usize {
        if self.version == 0 {
            2
        } else {
            4
        }
    }
}

pub(super) fn read_iref<'a>(b: &Bmff<'a>) -> Result<Iref<'a>, Error> {
    let mut r = b.body.clone();
    // No flag of `iref` is defined (§ 8.11.12): the rebuilt box has none.
    let (version, _) = full_box(&mut r)?;
    if version > 1 {
        return Err(r.unsupported_at(b.offset, "iref version over 1"));
    }
    let iref = Iref {
        offset: b.offset,
        version,
        boxes: r.clone(),
    };
    while let Some(child) = next_box(&mut r)? {
        read_reference(child, iref.id_size())?;
    }
    Ok(iref)
}

fn read_reference(mut child: Bmff<'_>, id_size: usize) -> Result<Reference<'_>, Error> {
    let from = u32::try_from(child.body.uint_be(id_size)?).unwrap_or(u32::MAX);
    let count = usize::from(child.body.u16_be()?);
    if !child.body.holds(count, id_size) {
        return Err(child.body.malformed(format!(
            "reference count {count} is more than its box holds"
        )));
    }
    Ok(Reference {
        kind: child.kind,
        from,
        offset: child.offset,
        id_size,
        count,
        ids: child.body.take(count.saturating_mul(id_size))?,
    })
}

/// Writes `iref` without references from or to dropped items, then a `cdsc` from each new
/// item to the item it describes; nothing when no reference is left. With no `iref` in the
/// input (`iref` is `None`), one is made for the new items, at input offset `from`. The ids
/// are 16 bits wide (version 0) unless the input's were 32 or a new id needs 32 (version 1).
pub(super) fn write_iref(
    out: &mut impl Sink,
    iref: Option<&Iref<'_>>,
    keep: impl Fn(u32) -> bool,
    fresh: &[FreshItem],
    from: usize,
    fmt: Format,
) -> Result<(), Error> {
    let live = |r: &Reference<'_>| keep(r.from) && r.targets().any(&keep);
    let old = iref.into_iter().flat_map(Iref::refs).filter(live);
    if old.clone().next().is_none() && fresh.is_empty() {
        return Ok(());
    }
    let wide = iref.is_some_and(|i| i.version > 0)
        || fresh.iter().any(|f| f.id > 0xFFFF || f.describes > 0xFFFF);
    let id_size = if wide { 4 } else { 2 };
    let at = begin_full_box(
        out,
        *b"iref",
        u8::from(wide),
        0,
        iref.map_or(from, |i| i.offset),
    );
    for r in old {
        let child = begin_box(out, r.kind, r.offset);
        let _ = put_uint(out, r.from.into(), id_size);
        let targets = r.targets().filter(|&t| keep(t));
        out.extend_from_slice(
            &u16::try_from(targets.clone().count())
                .unwrap_or(0)
                .to_be_bytes(),
        );
        for t in targets {
            let _ = put_uint(out, t.into(), id_size);
        }
        end_box(out, child, fmt)?;
    }
    for f in fresh {
        let child = begin_box(out, *b"cdsc", from);
        let _ = put_uint(out, f.id.into(), id_size);
        out.extend_from_slice(&1u16.to_be_bytes());
        let _ = put_uint(out, f.describes.into(), id_size);
        end_box(out, child, fmt)?;
    }
    end_box(out, at, fmt)
}

/// One `ipma` entry: an item and its associations, as the input bytes that hold them.
#[derive(Debug, Clone, Copy)]
pub(super) struct Association<'a> {
    pub(super) item: u32,
    list: &'a [u8],
    /// Two bytes an association (flag 1), else one.
    wide: bool,
}

impl<'a> Association<'a> {
    /// `(essential, property_index)` of each association.
    pub(super) fn properties(self) -> impl Iterator<Item = (bool, u16)> + Clone + 'a {
        let step = if self.wide { 2 } else { 1 };
        self.list.chunks_exact(step).map(move |c| match *c {
            [hi, lo] => (hi & 0x80 != 0, u16::from_be_bytes([hi & 0x7F, lo])),
            [b] => (b & 0x80 != 0, u16::from(b & 0x7F)),
            _ => (false, 0),
        })
    }
}

/// `ipma` (ISO 23008-12 § 9.3.3). Its entries are not copied into a table: every walk over
/// them reads the box again (checked once, by [`read_ipma`]).
#[derive(Debug, Clone)]
pub(super) struct Ipma<'a> {
    pub(super) offset: usize,
    version: u8,
    flags: u32,
    count: usize,
    entries: Reader<'a>,
}

impl<'a> Ipma<'a> {
    /// The entries, in order.
    pub(super) fn entries(&self) -> impl Iterator<Item = Association<'a>> + Clone + 'a {
        let mut r = self.entries.clone();
        let (version, wide) = (self.version, self.flags & 1 != 0);
        (0..self.count).map_while(move |_| read_association(&mut r, version, wide).ok())
    }
}

pub(super) fn read_ipma<'a>(b: &Bmff<'a>) -> Result<Ipma<'a>, Error> {
    let mut r = b.body.clone();
    let (version, flags) = full_box(&mut r)?;
    if version > 1 {
        return Err(r.unsupported_at(b.offset, "ipma version over 1"));
    }
    let count_at = r.pos();
    let count = usize::try_from(r.u32_be()?).unwrap_or(usize::MAX);
    if !r.holds(count, if version == 0 { 3 } else { 5 }) {
        return Err(r.malformed_at(
            count_at,
            format!("ipma entry count {count} is more than its box holds"),
        ));
    }
    let ipma = Ipma {
        offset: b.offset,
        version,
        flags,
        count,
        entries: r.clone(),
    };
    for _ in 0..count {
        read_association(&mut r, version, flags & 1 != 0)?;
    }
    Ok(ipma)
}

fn read_association<'a>(
    r: &mut Reader<'a>,
    version: u8,
    wide: bool,
) -> Result<Association<'a>, Error> {
    let item = u32::try_from(r.uint_be(if version == 0 { 2 } else { 4 })?).unwrap_or(u32::MAX);
    let n = usize::from(r.u8()?);
    let each = if wide { 2 } else { 1 };
    if !r.holds(n, each) {
        return Err(r.malformed(format!(
            "ipma association count {n} is more than its box holds"
        )));
    }
    Ok(Association {
        item,
        list: r.bytes(n.saturating_mul(each))?,
        wide,
    })
}

/// Writes `ipma` for the kept items, each property index mapped through `remap`
/// (`remap[old] == 0`: the property is gone, and so is the association).
pub(super) fn write_ipma(
    out: &mut impl Sink,
    ipma: &Ipma<'_>,
    keep: impl Fn(u32) -> bool,
    remap: &[u16],
    fmt: Format,
) -> Result<(), Error> {
    // Only flag 1 (16-bit property indices) is defined (ISO 23008-12 § 9.3.3).
    let at = begin_full_box(out, *b"ipma", ipma.version, ipma.flags & 1, ipma.offset);
    let id_size = if ipma.version == 0 { 2 } else { 4 };
    let wide = ipma.flags & 1 != 0;
    let kept = ipma.entries().filter(|e| keep(e.item));
    out.extend_from_slice(
        &u32::try_from(kept.clone().count())
            .unwrap_or(0)
            .to_be_bytes(),
    );
    for e in kept {
        let _ = put_uint(out, e.item.into(), id_size);
        let mapped = e.properties().filter_map(|(essential, index)| {
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

/// Writes a checked `dinf` in its self-contained form: one `dref` with one `url ` entry of
/// flags 1 and no location string. Whatever else it held (location strings a flag says to
/// ignore, more entries, other boxes) goes. A `dinf` shorter than that form goes whole, so
/// that the output never grows: without entries it said nothing.
pub(super) fn write_dinf(
    out: &mut impl Sink,
    b: &Bmff<'_>,
    report: &mut Report,
) -> Result<(), Error> {
    check_dinf(b)?;
    if b.raw != SELF_CONTAINED_DINF {
        report.removed(Kinds::OTHER);
    }
    if b.raw.len() >= SELF_CONTAINED_DINF.len() {
        out.extend_from_slice(&SELF_CONTAINED_DINF);
    }
    Ok(())
}

/// `(index, id)` of each entity id in `ids` that `keep` accepts.
fn kept_entities<'a>(
    ids: &'a [u8],
    keep: &'a impl Fn(u32) -> bool,
) -> impl Iterator<Item = (usize, u32)> + 'a {
    ids.chunks_exact(4)
        .filter_map(|c| c.try_into().ok().map(u32::from_be_bytes))
        .enumerate()
        .filter(move |&(_, id)| keep(id))
}

/// The largest `group_id` of the entity groups [`write_grpl`] keeps (a known type, its
/// defined fields there, an entity `keep` accepts), 0 when it keeps none: group ids share
/// the id space of items (ISO 14496-12 § 8.18.3), so a new item must not take one.
pub(super) fn max_kept_group_id(b: &Bmff<'_>, keep: impl Fn(u32) -> bool) -> u32 {
    let mut max = 0;
    let mut r = b.body.clone();
    while let Ok(Some(g)) = next_box(&mut r) {
        if let Some(id) = kept_group_id(&g, &keep) {
            max = max.max(id);
        }
    }
    max
}

/// The `group_id` of group `g`, when [`write_grpl`] keeps it.
fn kept_group_id(g: &Bmff<'_>, keep: &impl Fn(u32) -> bool) -> Option<u32> {
    let (fixed, per_entity) = group_fields(&g.kind)?;
    let mut body = g.body.clone();
    full_box(&mut body).ok()?;
    let group_id = body.u32_be().ok()?;
    let n = usize::try_from(body.u32_be().ok()?).ok()?;
    let ids = body.bytes(n.checked_mul(4)?).ok()?;
    let defined = per_entity.checked_mul(n)?.checked_add(fixed)?;
    body.rest().get(..defined)?;
    kept_entities(ids, keep).next().map(|_| group_id)
}

/// One entity group of `grpl`: its type, version, id, entity ids, fields after them.
struct Group<'a> {
    kind: [u8; 4],
    offset: usize,
    version: u8,
    group_id: u32,
    ids: &'a [u8],
    fields: &'a [u8],
}

/// Writes `grpl` (ISO 14496-12 § 8.18.3) with the group types of [`group_fields`] only,
/// without the entity ids `keep` rejects (and their per-entity fields), each group cut to
/// its defined fields; groups left empty go, and so does a `grpl` left empty.
pub(super) fn write_grpl(
    out: &mut impl Sink,
    b: &Bmff<'_>,
    keep: impl Fn(u32) -> bool,
    report: &mut Report,
) -> Result<(), Error> {
    let fmt = report.format;
    let mut groups = Vec::new();
    let mut r = b.body.clone();
    while let Some(g) = next_box(&mut r)? {
        let Some((fixed, per_entity)) = group_fields(&g.kind) else {
            report.removed(Kinds::OTHER);
            continue;
        };
        let mut body = g.body.clone();
        let (version, _) = full_box(&mut body)?;
        let group_id = body.u32_be()?;
        let n = usize::try_from(body.u32_be()?).unwrap_or(usize::MAX);
        if !body.holds(n, 4) {
            return Err(body.malformed(format!("entity count {n} is more than its box holds")));
        }
        let ids = body.take(n.saturating_mul(4))?.rest();
        let defined = per_entity.saturating_mul(n).saturating_add(fixed);
        let fields = match body.rest().get(..defined) {
            Some(f) => f,
            // Fields its type defines are missing: the group cannot be rewritten entity by
            // entity, and it changes no picture.
            None => {
                report.removed(Kinds::OTHER);
                continue;
            }
        };
        if body.rest().len() > defined {
            report.removed(Kinds::OTHER);
        }
        groups.push(Group {
            kind: g.kind,
            offset: g.offset,
            version,
            group_id,
            ids,
            fields,
        });
    }
    if groups
        .iter()
        .all(|g| kept_entities(g.ids, &keep).next().is_none())
    {
        return Ok(());
    }
    let at = begin_box(out, *b"grpl", b.offset);
    for g in &groups {
        let n = kept_entities(g.ids, &keep).count();
        if n == 0 {
            continue;
        }
        let (fixed, per_entity) = group_fields(&g.kind).unwrap_or((0, 0));
        // No flag of an EntityToGroupBox is defined (§ 8.18.3): written as 0.
        let start = begin_full_box(out, g.kind, g.version, 0, g.offset);
        out.extend_from_slice(&g.group_id.to_be_bytes());
        out.extend_from_slice(&u32::try_from(n).unwrap_or(0).to_be_bytes());
        for (_, id) in kept_entities(g.ids, &keep) {
            out.extend_from_slice(&id.to_be_bytes());
        }
        out.extend_from_slice(g.fields.get(..fixed).unwrap_or_default());
        for (i, _) in kept_entities(g.ids, &keep) {
            let from = i.saturating_mul(per_entity).saturating_add(fixed);
            let field = g.fields.get(from..).and_then(|f| f.get(..per_entity));
            out.extend_from_slice(field.unwrap_or_default());
        }
        end_box(out, start, fmt)?;
    }
    end_box(out, at, fmt)
}
