//! The tests' own view of HEIF/AVIF (ISO/IEC 14496-12 § 4.2, 8.11; ISO/IEC 23008-12 § 6, 9):
//! an independent re-walker of the box tree that resolves every item's data, properties and
//! references, and every track's samples.

use super::{Allow, Unit};

type R<T> = Result<T, String>;

fn get(data: &[u8], at: usize, len: usize) -> R<&[u8]> {
    at.checked_add(len)
        .and_then(|end| data.get(at..end))
        .ok_or_else(|| format!("{len} bytes at {at} are past the end"))
}

fn uint(data: &[u8], at: usize, len: usize) -> R<u64> {
    Ok(get(data, at, len)?
        .iter()
        .fold(0, |a, &b| a << 8 | u64::from(b)))
}

fn idx(v: u64) -> R<usize> {
    usize::try_from(v).map_err(|_| format!("{v} does not fit usize"))
}

/// A box: type, where it starts, where its body starts, where it ends.
#[derive(Debug, Clone, Copy)]
pub struct Bx {
    pub kind: [u8; 4],
    pub start: usize,
    pub body: usize,
    pub end: usize,
}

/// The boxes in `data[start..end]`.
pub fn boxes(data: &[u8], start: usize, end: usize) -> R<Vec<Bx>> {
    let mut v = Vec::new();
    let mut at = start;
    while at < end {
        if end - at < 8 && data[at..end].iter().all(|&b| b == 0) {
            break;
        }
        let size = uint(data, at, 4)?;
        let kind: [u8; 4] = get(data, at + 4, 4)?.try_into().unwrap();
        let (size, mut head) = match size {
            0 => ((end - at) as u64, 8),
            1 => (uint(data, at + 8, 8)?, 16),
            s => (s, 8),
        };
        if &kind == b"uuid" {
            head += 16;
        }
        let size = idx(size)?;
        if size < head || at + size > end {
            return Err(format!("box {} at {at} has a bad size {size}", name(&kind)));
        }
        v.push(Bx {
            kind,
            start: at,
            body: at + head,
            end: at + size,
        });
        at += size;
    }
    Ok(v)
}

pub fn name(kind: &[u8; 4]) -> String {
    String::from_utf8_lossy(kind).into_owned()
}

fn children(data: &[u8], b: &Bx, skip: usize) -> R<Vec<Bx>> {
    boxes(data, b.body + skip, b.end)
}

fn first(list: &[Bx], kind: &[u8; 4]) -> Option<Bx> {
    list.iter().find(|b| &b.kind == kind).copied()
}

/// Item types whose data is metadata (SPEC.md § HEIF).
const METADATA_ITEMS: &[&[u8; 4]] = &[b"Exif", b"mime", b"uri ", b"iptc", b"jumb"];

#[derive(Debug, Default)]
struct Item {
    id: u32,
    kind: [u8; 4],
    version: u8,
    name: Vec<u8>,
}

/// One `iloc` entry: item id, construction method, extents `(offset, length)`.
type Location = (u32, u64, Vec<(u64, u64)>);

#[derive(Debug, Default)]
struct Meta {
    hdlr_name: Vec<u8>,
    primary: Option<u32>,
    items: Vec<Item>,
    /// item id → (construction method, extents (offset, length)).
    locations: Vec<Location>,
    idat: Vec<u8>,
    /// (type, from, to)
    refs: Vec<([u8; 4], u32, Vec<u32>)>,
    /// raw property boxes, 1-based in ipma.
    props: Vec<(Bx, Vec<u8>)>,
    /// item → [(essential, index)]
    assoc: Vec<(u32, Vec<(bool, u16)>)>,
    children: Vec<[u8; 4]>,
}

fn read_meta(data: &[u8], m: &Bx) -> R<Meta> {
    let mut meta = Meta::default();
    for c in children(data, m, 4)? {
        meta.children.push(c.kind);
        let v = *data.get(c.body).ok_or("empty full box")?;
        match &c.kind {
            b"hdlr" => meta.hdlr_name = data[(c.body + 24).min(c.end)..c.end].to_vec(),
            b"pitm" => {
                meta.primary = Some(uint(data, c.body + 4, if v == 0 { 2 } else { 4 })? as u32)
            }
            b"iinf" => {
                let skip = if v == 0 { 6 } else { 8 };
                for e in children(data, &c, skip)? {
                    let ev = data[e.body];
                    let id_len = if ev == 3 { 4 } else { 2 };
                    let id = uint(data, e.body + 4, id_len)? as u32;
                    let mut p = e.body + 4 + id_len + 2;
                    let mut kind = [0; 4];
                    if ev >= 2 {
                        kind = get(data, p, 4)?.try_into().unwrap();
                        p += 4;
                    }
                    let rest = &data[p.min(e.end)..e.end];
                    let name = rest.split(|&b| b == 0).next().unwrap_or_default().to_vec();
                    meta.items.push(Item {
                        id,
                        kind,
                        version: ev,
                        name,
                    });
                }
            }
            b"iloc" => read_iloc(data, &c, &mut meta)?,
            b"idat" => meta.idat = data[c.body..c.end].to_vec(),
            b"iref" => {
                let id_len = if v == 0 { 2 } else { 4 };
                for r in children(data, &c, 4)? {
                    let from = uint(data, r.body, id_len)? as u32;
                    let n = idx(uint(data, r.body + id_len, 2)?)?;
                    let mut to = Vec::new();
                    for i in 0..n {
                        to.push(uint(data, r.body + id_len + 2 + i * id_len, id_len)? as u32);
                    }
                    meta.refs.push((r.kind, from, to));
                }
            }
            b"iprp" => {
                for p in boxes(data, c.body, c.end)? {
                    if &p.kind == b"ipco" {
                        for prop in children(data, &p, 0)? {
                            meta.props.push((prop, data[prop.start..prop.end].to_vec()));
                        }
                    } else if &p.kind == b"ipma" {
                        read_ipma(data, &p, &mut meta)?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(meta)
}

fn read_iloc(data: &[u8], c: &Bx, meta: &mut Meta) -> R<()> {
    let v = data[c.body];
    let sizes = get(data, c.body + 4, 2)?;
    let (os, ls, bs) = (
        usize::from(sizes[0] >> 4),
        usize::from(sizes[0] & 15),
        usize::from(sizes[1] >> 4),
    );
    let is = if v == 0 {
        0
    } else {
        usize::from(sizes[1] & 15)
    };
    let id_len = if v == 2 { 4 } else { 2 };
    let mut p = c.body + 6;
    let n = uint(data, p, id_len)?;
    p += id_len;
    for _ in 0..n {
        let id = uint(data, p, id_len)? as u32;
        p += id_len;
        let method = if v == 0 { 0 } else { uint(data, p, 2)? & 15 };
        p += if v == 0 { 0 } else { 2 };
        p += 2;
        let base = uint(data, p, bs)?;
        p += bs;
        let count = uint(data, p, 2)?;
        p += 2;
        let mut extents = Vec::new();
        for _ in 0..count {
            p += is;
            let off = uint(data, p, os)?;
            let len = uint(data, p + os, ls)?;
            p += os + ls;
            extents.push((base + off, len));
        }
        meta.locations.push((id, method, extents));
    }
    Ok(())
}

fn read_ipma(data: &[u8], c: &Bx, meta: &mut Meta) -> R<()> {
    let v = data[c.body];
    let wide = data[c.body + 3] & 1 == 1;
    let id_len = if v == 0 { 2 } else { 4 };
    let mut p = c.body + 4;
    let n = uint(data, p, 4)?;
    p += 4;
    for _ in 0..n {
        let item = uint(data, p, id_len)? as u32;
        p += id_len;
        let count = uint(data, p, 1)?;
        p += 1;
        let mut list = Vec::new();
        for _ in 0..count {
            if wide {
                let x = uint(data, p, 2)? as u16;
                list.push((x & 0x8000 != 0, x & 0x7FFF));
                p += 2;
            } else {
                let x = uint(data, p, 1)? as u16;
                list.push((x & 0x80 != 0, x & 0x7F));
                p += 1;
            }
        }
        meta.assoc.push((item, list));
    }
    Ok(())
}

fn is_metadata_item(item: &Item) -> bool {
    item.version < 2 || METADATA_ITEMS.contains(&&item.kind)
}

fn is_icc_colr(raw: &[u8]) -> bool {
    raw.get(4..8) == Some(b"colr") && matches!(raw.get(8..12), Some(b"prof" | b"rICC"))
}

/// Whether a property belongs in a stripped file.
fn kept_property(raw: &[u8], allow: Allow) -> bool {
    match raw.get(4..8) {
        Some(b"udes") => false,
        _ if is_icc_colr(raw) => allow.icc,
        _ => true,
    }
}

fn item_data(data: &[u8], meta: &Meta, id: u32) -> R<Vec<u8>> {
    let Some((_, method, extents)) = meta.locations.iter().find(|l| l.0 == id) else {
        return Ok(Vec::new());
    };
    let src: &[u8] = if *method == 1 { &meta.idat } else { data };
    let mut out = Vec::new();
    for &(off, len) in extents {
        out.extend_from_slice(get(src, idx(off)?, idx(len)?)?);
    }
    Ok(out)
}

/// The units a stripped file must keep: every image item's type, data, properties and
/// references, the primary item, and every sample of every track but timed metadata.
pub fn image_units(data: &[u8], allow: Allow) -> R<Vec<Unit>> {
    let top = boxes(data, 0, data.len()).or_else(|_| lenient_top(data))?;
    let mut units = Vec::new();
    if let Some(mini) = first(&top, b"mini") {
        units.push(Unit {
            kind: "mini main item data".into(),
            at: mini.start,
            bytes: mini_main_data(data, &mini)?,
        });
    }
    if let Some(m) = first(&top, b"meta") {
        let meta = read_meta(data, &m)?;
        let kept = |id: u32| {
            meta.items
                .iter()
                .any(|i| i.id == id && !is_metadata_item(i))
        };
        units.push(Unit {
            kind: "primary item".into(),
            at: m.start,
            bytes: meta.primary.unwrap_or(0).to_be_bytes().to_vec(),
        });
        for item in meta.items.iter().filter(|i| !is_metadata_item(i)) {
            let kind = name(&item.kind);
            let bytes = item_data(data, &meta, item.id)?;
            // A JPEG-coded item is a whole JPEG: its own metadata goes, its image units stay.
            let jpeg = (&item.kind == b"jpeg")
                .then(|| super::jpeg::image_units(&bytes, allow).ok())
                .flatten();
            match jpeg {
                Some(inner) => units.extend(inner.into_iter().map(|u| Unit {
                    kind: format!("item {} (jpeg) {}", item.id, u.kind),
                    ..u
                })),
                None => units.push(Unit {
                    kind: format!("item {} ({kind}) data", item.id),
                    at: m.start,
                    bytes,
                }),
            }
            for (item_id, list) in meta.assoc.iter().filter(|a| a.0 == item.id) {
                for &(essential, index) in list {
                    let Some((b, raw)) = usize::from(index)
                        .checked_sub(1)
                        .and_then(|i| meta.props.get(i))
                    else {
                        continue;
                    };
                    if !kept_property(raw, allow) {
                        continue;
                    }
                    let mut bytes = raw.clone();
                    bytes.push(u8::from(essential));
                    units.push(Unit {
                        kind: format!("item {item_id} property {}", name(&b.kind)),
                        at: b.start,
                        bytes,
                    });
                }
            }
        }
        for (kind, from, to) in &meta.refs {
            let to: Vec<u32> = to.iter().copied().filter(|&t| kept(t)).collect();
            if kept(*from) && !to.is_empty() {
                let bytes = [
                    &kind[..],
                    &from.to_be_bytes(),
                    &to.iter().flat_map(|t| t.to_be_bytes()).collect::<Vec<_>>(),
                ]
                .concat();
                units.push(Unit {
                    kind: format!("iref {}", name(kind)),
                    at: m.start,
                    bytes,
                });
            }
        }
    }
    if let Some(moov) = first(&top, b"moov") {
        for (t, trak) in children(data, &moov, 0)?
            .iter()
            .filter(|b| &b.kind == b"trak")
            .enumerate()
        {
            if handler(data, trak)? == *b"meta" {
                continue;
            }
            for (s, bytes) in samples(data, trak)?.into_iter().enumerate() {
                units.push(Unit {
                    kind: format!("track {t} sample {s}"),
                    at: trak.start,
                    bytes,
                });
            }
        }
    }
    Ok(units)
}

/// The top level up to the first box that does not fit (a cut `mdat` or a trailer).
fn lenient_top(data: &[u8]) -> R<Vec<Bx>> {
    let mut v = Vec::new();
    let mut at = 0;
    while at + 8 <= data.len() {
        match boxes(data, at, data.len()).or_else(|_| {
            let size = idx(uint(data, at, 4)?)?;
            boxes(data, at, (at + size).min(data.len()))
        }) {
            Ok(list) if !list.is_empty() => {
                let b = list[0];
                v.push(b);
                at = b.end;
            }
            _ => break,
        }
    }
    Ok(v)
}

fn handler(data: &[u8], trak: &Bx) -> R<[u8; 4]> {
    let mdia = first(&children(data, trak, 0)?, b"mdia").ok_or("track without mdia")?;
    let hdlr = first(&children(data, &mdia, 0)?, b"hdlr").ok_or("track without hdlr")?;
    Ok(get(data, hdlr.body + 8, 4)?.try_into().unwrap())
}

/// Every sample of a track, through stsc, stsz and stco/co64.
fn samples(data: &[u8], trak: &Bx) -> R<Vec<Vec<u8>>> {
    let mdia = first(&children(data, trak, 0)?, b"mdia").ok_or("no mdia")?;
    let minf = first(&children(data, &mdia, 0)?, b"minf").ok_or("no minf")?;
    let stbl = first(&children(data, &minf, 0)?, b"stbl").ok_or("no stbl")?;
    let list = children(data, &stbl, 0)?;
    let (offsets, width) = match (first(&list, b"stco"), first(&list, b"co64")) {
        (Some(b), _) => (b, 4),
        (_, Some(b)) => (b, 8),
        _ => return Ok(Vec::new()),
    };
    let stsc = first(&list, b"stsc").ok_or("no stsc")?;
    let stsz = first(&list, b"stsz").ok_or("no stsz (stz2 is not used in the corpus)")?;
    let constant = uint(data, stsz.body + 4, 4)?;
    let count = idx(uint(data, stsz.body + 8, 4)?)?;
    let size = |i: usize| {
        if constant != 0 {
            Ok(constant)
        } else {
            uint(data, stsz.body + 12 + 4 * i, 4)
        }
    };
    let runs = idx(uint(data, stsc.body + 4, 4)?)?;
    let chunks = idx(uint(data, offsets.body + 4, 4)?)?;
    let mut out = Vec::new();
    let mut sample = 0;
    for c in 0..chunks {
        let mut per = 0;
        for r in 0..runs {
            if uint(data, stsc.body + 8 + 12 * r, 4)? <= c as u64 + 1 {
                per = idx(uint(data, stsc.body + 12 + 12 * r, 4)?)?;
            }
        }
        let mut at = idx(uint(data, offsets.body + 8 + width * c, width)?)?;
        for _ in 0..per {
            if sample >= count {
                return Err("chunks hold more samples than stsz".into());
            }
            let len = idx(size(sample)?)?;
            out.push(get(data, at, len)?.to_vec());
            at += len;
            sample += 1;
        }
    }
    Ok(out)
}

/// The main item data of a `mini` box without HDR (ISO 23008-12 Amd 2): the last bytes
/// before the Exif and XMP chunks.
fn mini_main_data(data: &[u8], mini: &Bx) -> R<Vec<u8>> {
    let body = &data[mini.body..mini.end];
    let mut pos = 0usize;
    let mut read = |n: usize| -> R<u64> {
        let mut v = 0;
        for _ in 0..n {
            let byte = body.get(pos / 8).ok_or("mini header past the end")?;
            v = v << 1 | u64::from(byte >> (7 - pos % 8) & 1);
            pos += 1;
        }
        Ok(v)
    };
    read(2)?;
    let f: Vec<u64> = (0..9).map(|_| read(1)).collect::<R<_>>()?;
    let (codec_types, float, alpha, cicp, hdr, icc, exif, xmp) =
        (f[0], f[1], f[3], f[4], f[5], f[6], f[7], f[8]);
    if hdr == 1 || alpha == 1 {
        return Err("the test walker reads mini boxes without HDR or alpha only".into());
    }
    let chroma = read(2)?;
    read(3)?;
    let dims = if read(1)? == 1 { 15 } else { 7 };
    read(2 * dims)?;
    if chroma == 1 || chroma == 2 {
        read(1)?;
    }
    if chroma == 1 {
        read(1)?;
    }
    if float == 1 {
        read(2)?;
    } else if read(1)? == 1 {
        read(3)?;
    }
    if cicp == 1 {
        read(if chroma != 0 { 24 } else { 16 })?;
    }
    if codec_types == 1 {
        read(64)?;
    }
    let large_meta = if icc + exif + xmp > 0 { read(1)? } else { 0 };
    let (large_cfg, large_item) = (read(1)?, read(1)?);
    let mbits = if large_meta == 1 { 20 } else { 10 };
    let icc_size = if icc == 1 { read(mbits)? + 1 } else { 0 };
    let cfg = read(if large_cfg == 1 { 12 } else { 3 })?;
    let main = read(if large_item == 1 { 28 } else { 15 })? + 1;
    if exif + xmp > 0 {
        read(1 + mbits * usize::try_from(exif + xmp).unwrap())?;
    }
    let start = pos.div_ceil(8) + idx(cfg)? + idx(icc_size)?;
    Ok(get(body, start, idx(main)?)?.to_vec())
}

/// Metadata left in a stripped output, one line each.
pub fn leftovers(data: &[u8], allow: Allow) -> Vec<String> {
    let mut left = Vec::new();
    let top = match boxes(data, 0, data.len()) {
        Ok(t) => t,
        Err(e) => return vec![format!("output does not walk: {e}")],
    };
    for b in &top {
        if !matches!(&b.kind, b"ftyp" | b"meta" | b"moov" | b"mdat" | b"mini") {
            left.push(format!("top-level {} box at {}", name(&b.kind), b.start));
        }
    }
    if let Some(m) = first(&top, b"meta") {
        match read_meta(data, &m) {
            Ok(meta) => {
                meta_leftovers(&meta, allow, &mut left);
                for item in meta.items.iter().filter(|i| &i.kind == b"jpeg") {
                    if let Ok(bytes) = item_data(data, &meta, item.id) {
                        for l in super::jpeg::leftovers(&bytes, allow) {
                            left.push(format!("in jpeg item {}: {l}", item.id));
                        }
                    }
                }
            }
            Err(e) => left.push(format!("meta does not walk: {e}")),
        }
    }
    if let Some(moov) = first(&top, b"moov") {
        if let Err(e) = moov_leftovers(data, &moov, allow, &mut left) {
            left.push(format!("moov does not walk: {e}"));
        }
    }
    if let Some(mini) = first(&top, b"mini") {
        let flags = data.get(mini.body + 1).copied().unwrap_or(0);
        if flags & 0x40 != 0 || flags & 0x20 != 0 {
            left.push("mini keeps its Exif or XMP flag".into());
        }
        if flags & 0x80 != 0 && !allow.icc {
            left.push("mini keeps its ICC flag".into());
        }
    }
    left
}

fn meta_leftovers(meta: &Meta, allow: Allow, left: &mut Vec<String>) {
    if meta.hdlr_name.iter().any(|&b| b != 0) {
        left.push(format!(
            "hdlr name {:?}",
            String::from_utf8_lossy(&meta.hdlr_name)
        ));
    }
    for kind in &meta.children {
        if !matches!(
            kind,
            b"hdlr" | b"pitm" | b"iinf" | b"iloc" | b"iref" | b"iprp" | b"idat" | b"dinf" | b"grpl"
        ) {
            left.push(format!("{} box in meta", name(kind)));
        }
    }
    for item in &meta.items {
        if is_metadata_item(item) {
            left.push(format!("item {} of type {}", item.id, name(&item.kind)));
        }
        if !item.name.is_empty() {
            left.push(format!(
                "item {} named {:?}",
                item.id,
                String::from_utf8_lossy(&item.name)
            ));
        }
    }
    for (b, raw) in &meta.props {
        if !kept_property(raw, allow) {
            left.push(format!("property {} at {}", name(&b.kind), b.start));
        }
    }
}

fn moov_leftovers(data: &[u8], moov: &Bx, allow: Allow, left: &mut Vec<String>) -> R<()> {
    for b in children(data, moov, 0)? {
        match &b.kind {
            b"udta" | b"meta" => left.push(format!("{} in moov", name(&b.kind))),
            b"trak" => {
                if handler(data, &b)? == *b"meta" {
                    left.push("timed metadata track".into());
                }
                for t in children(data, &b, 0)? {
                    if matches!(&t.kind, b"udta" | b"meta") {
                        left.push(format!("{} in trak", name(&t.kind)));
                    }
                }
                let mdia = first(&children(data, &b, 0)?, b"mdia").ok_or("no mdia")?;
                let hdlr = first(&children(data, &mdia, 0)?, b"hdlr").ok_or("no hdlr")?;
                if data[(hdlr.body + 24).min(hdlr.end)..hdlr.end]
                    .iter()
                    .any(|&c| c != 0)
                {
                    left.push("track handler name".into());
                }
                let minf = first(&children(data, &mdia, 0)?, b"minf").ok_or("no minf")?;
                let stbl = first(&children(data, &minf, 0)?, b"stbl").ok_or("no stbl")?;
                if let Some(stsd) = first(&children(data, &stbl, 0)?, b"stsd") {
                    for entry in children(data, &stsd, 8)? {
                        if entry.end - entry.body < 78 {
                            continue;
                        }
                        for c in boxes(data, entry.body + 78, entry.end).unwrap_or_default() {
                            if is_icc_colr(&data[c.start..c.end]) && !allow.icc {
                                left.push("ICC colr in a sample entry".into());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------

/// `size type body`.
pub fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut v = u32::try_from(body.len() + 8)
        .unwrap()
        .to_be_bytes()
        .to_vec();
    v.extend_from_slice(kind);
    v.extend_from_slice(body);
    v
}

/// A full box: version, 24-bit flags, body.
pub fn full(kind: &[u8; 4], version: u8, flags: u32, body: &[u8]) -> Vec<u8> {
    bx(
        kind,
        &[&[version][..], &flags.to_be_bytes()[1..], body].concat(),
    )
}

/// A metadata item of a built file.
#[derive(Debug, Clone)]
pub struct MetaItem {
    /// `Exif`, `mime`, `uri `, `iptc`, `jumb`.
    pub kind: [u8; 4],
    pub data: Vec<u8>,
    /// In `idat` (construction method 1) rather than `mdat`.
    pub in_idat: bool,
}

/// What a built HEIF holds: coded images (item 1 is the primary), their names, metadata
/// items about item 1, an optional ICC profile on item 1, extra top-level boxes.
#[derive(Debug, Clone, Default)]
pub struct Spec {
    pub images: Vec<Vec<u8>>,
    pub names: Vec<Vec<u8>>,
    pub metas: Vec<MetaItem>,
    pub icc: Option<Vec<u8>>,
    pub mdat_first: bool,
    pub extra_top: Vec<Vec<u8>>,
}

/// Builds the file: `ftyp`, `meta` and `mdat` (or `mdat` first), extra boxes at the end.
pub fn build(spec: &Spec) -> Vec<u8> {
    let ftyp = bx(b"ftyp", b"heic\0\0\0\0mif1heic");
    // mdat: images and mdat metadata interleaved; idat: the rest.
    let mut mdat = Vec::new();
    let mut idat = Vec::new();
    let mut at = Vec::new(); // (id, method, offset, len)
    let n = spec.images.len();
    for i in 0..n.max(spec.metas.len()) {
        if let Some(img) = spec.images.get(i) {
            at.push((i + 1, 0u16, mdat.len(), img.len()));
            mdat.extend_from_slice(img);
        }
        if let Some(m) = spec.metas.get(i) {
            let id = n + 1 + i;
            if m.in_idat {
                at.push((id, 1, idat.len(), m.data.len()));
                idat.extend_from_slice(&m.data);
            } else {
                at.push((id, 0, mdat.len(), m.data.len()));
                mdat.extend_from_slice(&m.data);
            }
        }
    }
    let meta = |base: usize| {
        let mut infe = Vec::new();
        for i in 0..n {
            let name = spec.names.get(i).cloned().unwrap_or_default();
            let body = [
                &u16::try_from(i + 1).unwrap().to_be_bytes()[..],
                &[0, 0],
                b"hvc1",
                &name,
                b"\0",
            ]
            .concat();
            infe.extend_from_slice(&full(b"infe", 2, 0, &body));
        }
        for (i, m) in spec.metas.iter().enumerate() {
            let mut body = [
                &u16::try_from(n + 1 + i).unwrap().to_be_bytes()[..],
                &[0, 0],
                &m.kind,
                b"\0",
            ]
            .concat();
            if &m.kind == b"mime" {
                body.extend_from_slice(b"application/rdf+xml\0");
            }
            infe.extend_from_slice(&full(b"infe", 2, 0, &body));
        }
        let count = u16::try_from(n + spec.metas.len()).unwrap();
        let iinf = full(b"iinf", 0, 0, &[&count.to_be_bytes()[..], &infe].concat());
        let mut iloc = vec![0x44, 0x00];
        iloc.extend_from_slice(&u16::try_from(at.len()).unwrap().to_be_bytes());
        for &(id, method, off, len) in &at {
            iloc.extend_from_slice(&u16::try_from(id).unwrap().to_be_bytes());
            iloc.extend_from_slice(&method.to_be_bytes());
            iloc.extend_from_slice(&[0, 0, 0, 1]);
            let off = if method == 0 { off + base } else { off };
            iloc.extend_from_slice(&u32::try_from(off).unwrap().to_be_bytes());
            iloc.extend_from_slice(&u32::try_from(len).unwrap().to_be_bytes());
        }
        let iloc = full(b"iloc", 1, 0, &iloc);
        let mut iref = Vec::new();
        for i in 0..spec.metas.len() {
            iref.extend_from_slice(&bx(
                b"cdsc",
                &[
                    &u16::try_from(n + 1 + i).unwrap().to_be_bytes()[..],
                    &[0, 1, 0, 1],
                ]
                .concat(),
            ));
        }
        let mut props = vec![
            bx(b"hvcC", b"\x01config"),
            full(b"ispe", 0, 0, &[0, 0, 0, 8, 0, 0, 0, 8]),
        ];
        let mut primary = vec![0x81u8, 0x02];
        if let Some(icc) = &spec.icc {
            props.push(bx(b"colr", &[b"prof", &icc[..]].concat()));
            primary.push(0x03);
        }
        let mut ipma = u32::try_from(n).unwrap().to_be_bytes().to_vec();
        for i in 0..n {
            ipma.extend_from_slice(&u16::try_from(i + 1).unwrap().to_be_bytes());
            let list: &[u8] = if i == 0 { &primary } else { &[0x81, 0x02] };
            ipma.push(u8::try_from(list.len()).unwrap());
            ipma.extend_from_slice(list);
        }
        let iprp = bx(
            b"iprp",
            &[bx(b"ipco", &props.concat()), full(b"ipma", 0, 0, &ipma)].concat(),
        );
        let hdlr = full(
            b"hdlr",
            0,
            0,
            &[&[0u8; 4][..], b"pict", &[0; 12], b"\0"].concat(),
        );
        let mut children = vec![hdlr, full(b"pitm", 0, 0, &[0, 1]), iinf, iloc, iprp];
        if !iref.is_empty() {
            children.push(full(b"iref", 0, 0, &iref));
        }
        if !idat.is_empty() {
            children.push(bx(b"idat", &idat));
        }
        full(b"meta", 0, 0, &children.concat())
    };
    let mdat_box = bx(b"mdat", &mdat);
    let mut out = if spec.mdat_first {
        [ftyp.clone(), mdat_box, meta(ftyp.len() + 8)].concat()
    } else {
        let len = meta(0).len();
        [ftyp.clone(), meta(ftyp.len() + len + 8), mdat_box].concat()
    };
    for extra in &spec.extra_top {
        out.extend_from_slice(extra);
    }
    out
}
