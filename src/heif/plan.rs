//! The plan for a `meta` box: which properties stay (and under which new indices), whether
//! every kept image still has what it is decoded from, the primary image's size against the
//! limits, and the byte ranges of the kept items.

use super::allow::{self, PropVerdict};
use super::boxes::full_box;
use super::items::{replaced_at, Iinf, Replaced};
use super::meta::{Kept, Meta};
use super::relations::Association;
use super::relocate::{RangeCount, Ranges};
use crate::error::Error;
use crate::format::Format;
use crate::options::{Keep, Options};
use crate::report::{Kinds, Report};
use crate::work;

/// Checks the primary item's `ispe` (ISO 23008-12 § 6.5.3; for a grid, the output size).
pub(super) fn check_primary_size(
    meta: &Meta<'_>,
    primary: u32,
    opts: &Options,
    report: &mut Report,
) -> Result<(), Error> {
    let indices = meta.ipmas().flat_map(|m| {
        m.entries()
            .filter(move |e| {
                work::add(0); // a linear search, once per file
                e.item == primary
            })
            .flat_map(Association::properties)
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

/// A kept image decoded from another item (a derivation input, a reference picture, a tile
/// or layer base) that goes would decode to another picture: the file is refused, at the
/// `infe` of the item that would go (or at the reference, for an item without one).
pub(super) fn check_decoding_inputs(
    meta: &Meta<'_>,
    kept: &Kept,
    format: Format,
) -> Result<(), Error> {
    let Some(iref) = &meta.iref else {
        return Ok(());
    };
    let needs = iref
        .refs()
        .filter(|r| allow::is_decoding_reference(&r.kind) && kept.has(r.from));
    for r in needs {
        if let Some(target) = r.targets().find(|&t| !kept.has(t)) {
            let infe = meta
                .iinf
                .iter()
                .flat_map(Iinf::items)
                .find(|i| i.id == target);
            return Err(Error::Unsupported {
                format,
                offset: infe.map_or(r.offset, |i| i.offset),
                what: "a kept image is derived from or decoded with an item that is not a \
                       known image item (dimg, pred, tbas or sbas reference)"
                    .into(),
            });
        }
    }
    Ok(())
}

/// `remap[old index] = new index`, 0 for each property that goes. A property of a type the
/// allow-list does not name goes too, unless a kept item marks it essential: then leaving
/// it out could change the picture, and the file is refused.
pub(super) fn plan_properties(
    meta: &Meta<'_>,
    kept: &Kept,
    keep: Keep,
    report: &mut Report,
) -> Result<Vec<u16>, Error> {
    let n = meta.props.len();
    let mut used = vec![false; n.saturating_add(1)];
    for ipma in meta.ipmas() {
        for entry in ipma.entries().filter(|e| kept.has(e.item)) {
            for (essential, index) in entry.properties() {
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
                let prop = usize::from(index)
                    .checked_sub(1)
                    .and_then(|i| meta.props.get(i));
                if let Some(prop) = prop.filter(|_| essential) {
                    if allow::property_verdict(&prop, keep) == PropVerdict::Unknown {
                        return Err(Error::Unsupported {
                            format: report.format,
                            offset: prop.offset,
                            what: "an item property of an unknown type that a kept image \
                                   marks essential"
                                .into(),
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
            Some(true) => allow::property_verdict(&prop, keep),
            _ => PropVerdict::Drop(Kinds::OTHER),
        };
        match verdict {
            PropVerdict::Drop(kind) => report.removed(kind),
            PropVerdict::Unknown => report.removed(Kinds::OTHER),
            PropVerdict::Keep(cut) => {
                if cut.is_some() {
                    report.removed(Kinds::OTHER);
                }
                if let Some(slot) = remap.get_mut(index) {
                    *slot = next;
                }
                next = next.saturating_add(1);
            }
        }
    }
    Ok(remap)
}

/// Counts the ranges [`plan_extents`] adds to the file ranges and to the `idat` ranges,
/// so that each list is allocated once, at its size.
pub(super) fn count_extents(
    meta: &Meta<'_>,
    kept: &Kept,
    replaced: &[Replaced],
    (file, idat): (&mut RangeCount, &mut RangeCount),
) {
    let Some(iloc) = &meta.iloc else {
        return;
    };
    let planned = iloc
        .locations()
        .enumerate()
        .filter(|(i, l)| kept.has(l.id) && replaced_at(replaced, *i).is_none());
    for (_, loc) in planned {
        let count = match loc.method {
            0 => &mut *file,
            1 => &mut *idat,
            _ => continue,
        };
        for e in loc.extents() {
            if let Some(end) = e.offset.checked_add(e.length) {
                count.add(e.offset, end);
            }
        }
    }
}

/// Adds the ranges of the kept items' extents: absolute in the file (construction method
/// 0) to `file`, relative to the `idat` payload (method 1) to `idat`; returns whether a
/// length needs 64 bits. An entry in `replaced` points at bytes the walker owns instead:
/// only its length counts.
pub(super) fn plan_extents(
    meta: &Meta<'_>,
    kept: &Kept,
    replaced: &[Replaced],
    (file, idat): (&mut Ranges, &mut Ranges),
    format: Format,
) -> Result<bool, Error> {
    let mut long = false;
    let Some(iloc) = &meta.iloc else {
        return Ok(long);
    };
    let idat_len = meta
        .idat
        .as_ref()
        .map(|b| u64::try_from(b.body.remaining()).unwrap_or(u64::MAX));
    for (location, loc) in iloc.locations().enumerate() {
        if !kept.has(loc.id) {
            continue;
        }
        if let Some(r) = replaced_at(replaced, location) {
            long |= r.length > u64::from(u32::MAX);
            continue;
        }
        let err = |what: &'static str| Error::Unsupported {
            format,
            offset: loc.offset,
            what: what.into(),
        };
        let malformed = |what: &'static str| Error::Malformed {
            format,
            offset: loc.offset,
            what: what.into(),
        };
        if loc.method > 1 {
            return Err(err("construction method 2 (data from other items)"));
        }
        for e in loc.extents() {
            if e.length == 0 {
                return Err(err("an iloc extent of length 0 (the whole file)"));
            }
            let end = e
                .offset
                .checked_add(e.length)
                .ok_or_else(|| malformed("extent end overflows"))?;
            long |= e.length > u64::from(u32::MAX);
            if loc.method == 0 {
                file.push(e.offset, end);
            } else if idat_len.is_some_and(|n| end <= n) {
                idat.push(e.offset, end);
            } else {
                return Err(malformed("idat extent past the end of idat"));
            }
        }
    }
    Ok(long)
}
