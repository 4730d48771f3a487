//! How items relate: `iref` references between items, `ipma` associations of items with
//! properties, `grpl` entity groups, and the `dinf` check that every item's data is in this
//! file (`iref` ISO 14496-12 § 8.11.12, `grpl` § 8.18, `dinf` § 8.7.1; `ipma` ISO 23008-12
//! § 9.3).

use super::allow::{group_fields, SELF_CONTAINED_DINF};
use super::boxes::{begin_box, begin_full_box, end_box, full_box, next_box, put_uint, Bmff};
use crate::error::Error;
use crate::format::Format;
use crate::report::{Kinds, Report};
use crate::sink::Sink;

/// One reference of `iref`; its targets are `to[first..first + count]`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Reference {
    pub(super) kind: [u8; 4],
    pub(super) from: u32,
    first: usize,
    count: usize,
    /// Where the reference box starts.
    pub(super) offset: usize,
}

/// `iref` (ISO 14496-12 § 8.11.12).
#[derive(Debug, Clone)]
pub(super) struct Iref {
    /// Where the `iref` box starts in the input.
    offset: usize,
    version: u8,
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
    // No flag of `iref` is defined (§ 8.11.12): the rebuilt box has none.
    let (version, _) = full_box(&mut r)?;
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
            offset: child.offset,
        });
    }
    Ok(Iref {
        offset: b.offset,
        version,
        refs,
        to,
    })
}

/// Writes `iref` without references from or to dropped items; nothing when none is left.
pub(super) fn write_iref(
    out: &mut impl Sink,
    iref: &Iref,
    keep: impl Fn(u32) -> bool,
    fmt: Format,
) -> Result<(), Error> {
    let id_size = if iref.version == 0 { 2 } else { 4 };
    let live = |r: &&Reference| keep(r.from) && iref.targets(r).iter().any(|&t| keep(t));
    if !iref.refs.iter().any(|r| live(&r)) {
        return Ok(());
    }
    let at = begin_full_box(out, *b"iref", iref.version, 0, iref.offset);
    for r in iref.refs.iter().filter(live) {
        let child = begin_box(out, r.kind, r.offset);
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
    out: &mut impl Sink,
    ipma: &Ipma,
    keep: impl Fn(u32) -> bool,
    remap: &[u16],
    fmt: Format,
) -> Result<(), Error> {
    // Only flag 1 (16-bit property indices) is defined (ISO 23008-12 § 9.3.3).
    let at = begin_full_box(out, *b"ipma", ipma.version, ipma.flags & 1, ipma.offset);
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
