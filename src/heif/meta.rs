//! The `meta` box (ISO 14496-12 § 8.11.1, ISO 23008-12 § 9): read into tables, written back
//! without what the plan drops, in the input's child order.

use super::allow::defined_property_len;
use super::boxes::{begin_box, begin_full_box, end_box, full_box, next_box, put_uint, Bmff};
use super::items::{self, Iinf, Iloc, Targets};
use super::relations::{self, Ipma, Iref};
use super::relocate::Source;
use crate::error::Error;
use crate::format::Format;
use crate::reader::Reader;
use crate::report::{Kinds, Report};
use crate::sink::Sink;
use crate::work;

/// The parsed `meta` box (ISO 14496-12 § 8.11.1). Its tables are views of the input that
/// are read again whenever they are walked: what it holds does not grow with the number of
/// items, references, associations or boxes, but for 8 bytes a property.
#[derive(Default)]
pub(super) struct Meta<'a> {
    /// Where the `meta` box starts in the input.
    pub(super) offset: usize,
    pub(super) version: u8,
    /// The children (after version and flags).
    body: Option<Reader<'a>>,
    /// Where the primary item's id is, and the id.
    pub(super) pitm: Option<(usize, u32)>,
    /// Whether that id is 32 bits wide (`pitm` version 1 and over).
    pub(super) pitm_wide: bool,
    pub(super) iinf: Option<Iinf<'a>>,
    pub(super) iloc: Option<Iloc<'a>>,
    pub(super) iref: Option<Iref<'a>>,
    pub(super) props: Props<'a>,
    /// The `iprp` children, among them the `ipma` boxes.
    iprp: Option<Reader<'a>>,
    pub(super) idat: Option<Bmff<'a>>,
}

impl<'a> Meta<'a> {
    /// The children of `meta`, in order.
    pub(super) fn children(&self) -> impl Iterator<Item = Bmff<'a>> + 'a {
        let mut r = self.body.clone();
        std::iter::from_fn(move || next_box(r.as_mut()?).ok()?)
    }

    /// The `ipma` boxes, in order.
    pub(super) fn ipmas(&self) -> impl Iterator<Item = Ipma<'a>> + 'a {
        let mut r = self.iprp.clone();
        std::iter::from_fn(move || loop {
            let b = next_box(r.as_mut()?).ok()??;
            if &b.kind == b"ipma" {
                return relations::read_ipma(&b).ok();
            }
        })
    }
}

/// The item properties of `ipco` (ISO 23008-12 § 9.3.2), by index: where each starts.
#[derive(Default)]
pub(super) struct Props<'a> {
    ipco: Option<Reader<'a>>,
    at: Vec<usize>,
}

impl<'a> Props<'a> {
    fn read(ipco: &Bmff<'a>) -> Result<Self, Error> {
        let mut r = ipco.body.clone();
        let mut count = 0usize;
        while next_box(&mut r)?.is_some() {
            count = count.saturating_add(1);
        }
        let mut at = Vec::with_capacity(count);
        let mut r = ipco.body.clone();
        while let Some(p) = next_box(&mut r)? {
            at.push(p.offset);
        }
        Ok(Props {
            ipco: Some(ipco.body.clone()),
            at,
        })
    }

    pub(super) fn len(&self) -> usize {
        self.at.len()
    }

    /// Property `i` (0-based; `ipma` indices count from 1).
    pub(super) fn get(&self, i: usize) -> Option<Bmff<'a>> {
        let mut r = self.ipco.as_ref()?.at(*self.at.get(i)?);
        next_box(&mut r).ok()?
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = Bmff<'a>> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

pub(super) fn read_meta<'a>(b: &Bmff<'a>) -> Result<Meta<'a>, Error> {
    let mut r = b.body.clone();
    let (version, _) = full_box(&mut r)?;
    let mut m = Meta {
        offset: b.offset,
        version,
        body: Some(r.clone()),
        pitm: None,
        pitm_wide: false,
        iinf: None,
        iloc: None,
        iref: None,
        props: Props::default(),
        iprp: None,
        idat: None,
    };
    let mut seen_iprp = false;
    while let Some(child) = next_box(&mut r)? {
        let twice = |seen: bool| {
            if seen {
                Err(r.malformed_at(child.offset, "a second box of this type in meta"))
            } else {
                Ok(())
            }
        };
        match &child.kind {
            b"pitm" => {
                twice(m.pitm.is_some())?;
                let mut p = child.body.clone();
                let (v, _) = full_box(&mut p)?;
                let at = p.pos();
                m.pitm_wide = v > 0;
                m.pitm = Some((
                    at,
                    if v == 0 {
                        p.u16_be()?.into()
                    } else {
                        p.u32_be()?
                    },
                ));
            }
            b"iinf" => {
                twice(m.iinf.is_some())?;
                m.iinf = Some(items::read_iinf(&child)?);
            }
            b"iloc" => {
                twice(m.iloc.is_some())?;
                m.iloc = Some(items::read_iloc(&child)?);
            }
            b"iref" => {
                twice(m.iref.is_some())?;
                m.iref = Some(relations::read_iref(&child)?);
            }
            b"iprp" => {
                twice(seen_iprp)?;
                seen_iprp = true;
                read_iprp(&child, &mut m)?;
            }
            b"idat" => {
                twice(m.idat.is_some())?;
                m.idat = Some(child.clone());
            }
            b"dinf" => relations::check_dinf(&child)?,
            b"ipro" => return Err(r.unsupported_at(child.offset, "protected items (ipro)")),
            _ => {}
        }
    }
    Ok(m)
}

/// `iprp` (ISO 23008-12 § 9.3): one `ipco`, then one or more `ipma`.
fn read_iprp<'a>(b: &Bmff<'a>, m: &mut Meta<'a>) -> Result<(), Error> {
    let mut r = b.body.clone();
    m.iprp = Some(r.clone());
    let mut seen_ipco = false;
    while let Some(child) = next_box(&mut r)? {
        match &child.kind {
            b"ipco" if seen_ipco => return Err(r.malformed_at(child.offset, "a second ipco")),
            b"ipco" => {
                seen_ipco = true;
                m.props = Props::read(&child)?;
            }
            b"ipma" => {
                relations::read_ipma(&child)?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// The kept item ids, sorted for binary search.
pub(super) struct Kept(pub(super) Vec<u32>);

impl Kept {
    pub(super) fn has(&self, id: u32) -> bool {
        self.0
            .binary_search_by(|k| {
                work::add(0);
                k.cmp(&id)
            })
            .is_ok()
    }
}

/// Everything `emit_meta` needs from the plan.
pub(super) struct Plan<'p, 'a> {
    pub(super) meta: &'p Meta<'a>,
    pub(super) kept: &'p Kept,
    pub(super) remap: &'p [u16],
    /// Where the kept items' bytes are in the output.
    pub(super) targets: Targets<'p>,
}

pub(super) fn emit_meta(
    p: &Plan<'_, '_>,
    out: &mut impl Sink,
    report: &mut Report,
) -> Result<(), Error> {
    let fmt = report.format;
    let keep = |id: u32| p.kept.has(id);
    // No flag of `meta` is defined (ISO 14496-12 § 8.11.1).
    let at = begin_full_box(out, *b"meta", p.meta.version, 0, p.meta.offset);
    for child in p.meta.children() {
        let child = &child;
        match &child.kind {
            b"hdlr" => write_hdlr(out, child, report)?,
            b"pitm" => write_pitm(out, p.meta, fmt)?,
            b"dinf" => relations::write_dinf(out, child, report)?,
            b"iinf" => {
                if let Some(iinf) = &p.meta.iinf {
                    items::write_iinf(out, iinf, keep, p.targets.fresh, fmt)?;
                }
            }
            b"iloc" => {
                if let Some(iloc) = &p.meta.iloc {
                    items::write_iloc(out, iloc, keep, &p.targets, fmt)?;
                }
            }
            b"iref" => {
                let fresh = p.targets.fresh;
                relations::write_iref(out, p.meta.iref.as_ref(), keep, fresh, child.offset, fmt)?;
            }
            b"iprp" => {
                let iprp = begin_box(out, *b"iprp", child.offset);
                let ipco = begin_box(out, *b"ipco", child.offset);
                for (i, prop) in p.meta.props.iter().enumerate() {
                    if p.remap.get(i.saturating_add(1)).is_some_and(|&n| n != 0) {
                        write_property(out, &prop, fmt)?;
                    }
                }
                end_box(out, ipco, fmt)?;
                for ipma in p.meta.ipmas() {
                    relations::write_ipma(out, &ipma, keep, p.remap, fmt)?;
                }
                end_box(out, iprp, fmt)?;
            }
            b"idat" if p.targets.idat.len() > 0 => {
                let idat = begin_box(out, *b"idat", child.offset);
                let payload = child.body.rest();
                for source in p.targets.idat.sources() {
                    let bytes = match source {
                        Source::Input { start, end } => usize::try_from(start)
                            .ok()
                            .zip(usize::try_from(end).ok())
                            .and_then(|(a, b)| payload.get(a..b)),
                        Source::Owned(bytes) => Some(bytes),
                    };
                    out.extend_from_slice(bytes.unwrap_or_default());
                }
                end_box(out, idat, fmt)?;
            }
            b"idat" => {}
            b"grpl" => relations::write_grpl(out, child, keep, report)?,
            b"xml " | b"bxml" => report.removed(Kinds::XMP),
            _ => report.removed(Kinds::OTHER),
        }
    }
    if p.meta.iref.is_none() {
        // New items need their `cdsc` references even in a file that had none.
        relations::write_iref(out, None, keep, p.targets.fresh, p.meta.offset, fmt)?;
    }
    end_box(out, at, fmt)
}

/// Writes `hdlr` (ISO 14496-12 § 8.4.3) with its defined fields: `pre_defined`, flags and
/// the reserved words zeroed, the handler type, an empty name.
pub(super) fn write_hdlr(
    out: &mut impl Sink,
    b: &Bmff<'_>,
    report: &mut Report,
) -> Result<(), Error> {
    let mut r = b.body.clone();
    let (version, _) = full_box(&mut r)?;
    r.skip(4)?; // pre_defined
    let handler = r.bytes(4)?;
    r.skip(12)?;
    if r.rest().iter().any(|&c| c != 0) {
        report.removed(Kinds::OTHER);
    }
    let at = begin_full_box(out, *b"hdlr", version, 0, b.offset);
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(handler);
    out.extend_from_slice(&[0; 12]);
    // An empty name; a box that had no name byte at all (a fuzz find) stays without one, so
    // that the rewrite never makes it larger.
    if !r.rest().is_empty() {
        out.push(0);
    }
    end_box(out, at, r.format())
}

/// Writes `pitm` (ISO 14496-12 § 8.11.4): version 0 with a 16-bit id, or 1 with a 32-bit id,
/// and nothing after it.
fn write_pitm(out: &mut impl Sink, meta: &Meta<'_>, fmt: Format) -> Result<(), Error> {
    let Some((from, id)) = meta.pitm else {
        return Ok(());
    };
    let at = begin_full_box(out, *b"pitm", u8::from(meta.pitm_wide), 0, from);
    let _ = put_uint(out, id.into(), if meta.pitm_wide { 4 } else { 2 });
    end_box(out, at, fmt)
}

/// Copies an item property, or, when its body is longer than its definition (see
/// [`defined_property_len`]), writes it cut to that definition with a plain 8-byte header.
pub(super) fn write_property(
    out: &mut impl Sink,
    prop: &Bmff<'_>,
    fmt: Format,
) -> Result<(), Error> {
    let body = prop.body.rest();
    match defined_property_len(&prop.kind, body).and_then(|n| body.get(..n)) {
        Some(defined) if defined.len() < body.len() => {
            let at = begin_box(out, prop.kind, prop.offset);
            out.extend_from_slice(defined);
            end_box(out, at, fmt)
        }
        _ => {
            out.extend_from_slice(prop.raw);
            Ok(())
        }
    }
}
