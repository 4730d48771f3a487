//! The tests' own view of HEIF/AVIF (ISO/IEC 14496-12 § 4.2, 8.11; ISO/IEC 23008-12 § 6, 9):
//! an independent re-walker of the box tree that resolves every item's data, properties and
//! references, and every track's samples; and builders of hostile files.
//!
//! The re-walker is an allow-list too (SPEC.md "Allow-list, everywhere"), written from the
//! standards and not from `src/heif`: an item stays only when its type is an image coding or
//! derivation, a property only when it describes the decoded picture (and no longer than its
//! definition), a box only where ISO/IEC 14496-12 needs it to decode the samples.

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

/// Image item types: coded images of ISO/IEC 23008-12 (`hvc1`, `hvt1`, `lhv1` Annex B/F,
/// `avc1` Annex E, `jpeg` Annex H, `vvc1` Annex L, `mski` mask items), derived images
/// (`grid`, `iovl`, `iden` § 6.6.2, `tmap` tone-map / gain-map items), `j2k1` (ISO/IEC
/// 15444-16), `unci` (ISO/IEC 23001-17), `av01` and `sato` (AVIF § 2.1, § 4.2.3). Every other
/// item type goes (`Exif`, `mime`, `uri `, `iptc`, `jumb`, and anything unknown).
pub const IMAGE_ITEMS: &[&[u8; 4]] = &[
    b"hvc1", b"hvt1", b"lhv1", b"avc1", b"jpeg", b"vvc1", b"mski", b"grid", b"iovl", b"iden",
    b"tmap", b"j2k1", b"unci", b"av01", b"sato",
];

/// Item properties that describe the decoded picture (ISO/IEC 23008-12 § 6.5, ISO/IEC
/// 14496-15 and AV1-ISOBMFF codec configurations, ISO/IEC 23001-17, AVIF § 2.3); `colr`
/// only as `nclx` (or as an ICC profile when allowed). Everything else goes: `udes`, `crtt`,
/// `mdft`, `cmin`, `cmex`, `itai`, `taic`, `elng`, `uuid`, `free` and unknown types.
pub const PICTURE_PROPERTIES: &[&[u8; 4]] = &[
    b"ispe", b"pasp", b"pixi", b"rloc", b"auxC", b"clap", b"irot", b"lsel", b"imir", b"iscl",
    b"rref", b"clli", b"mdcv", b"cclv", b"amve", b"reve", b"ndwt", b"hvcC", b"lhvC", b"avcC",
    b"vvcC", b"av1C", b"a1op", b"a1lx", b"jpgC", b"j2kH", b"uncC", b"cmpd", b"cmpC", b"icef",
    b"cpat", b"cpal", b"splz", b"sbpm", b"snuc", b"cloc", b"mskC", b"oinf", b"tols",
];

/// The canonical self-contained `dinf`: one `dref` with one `url ` entry of flags 1.
pub const SELF_CONTAINED_DINF: &[u8] = &[
    0, 0, 0, 36, b'd', b'i', b'n', b'f', 0, 0, 0, 28, b'd', b'r', b'e', b'f', 0, 0, 0, 0, 0, 0, 0,
    1, 0, 0, 0, 12, b'u', b'r', b'l', b' ', 0, 0, 0, 1,
];

#[derive(Debug, Default)]
struct Item {
    id: u32,
    kind: [u8; 4],
    version: u8,
    name: Vec<u8>,
    /// Bytes after the name's terminator (versions 2 and 3).
    tail: Vec<u8>,
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
    /// Raw `dinf`, `pitm` and `grpl` boxes.
    dinf: Vec<Vec<u8>>,
    pitm: Vec<u8>,
    groups: Vec<Vec<u8>>,
}

fn read_meta(data: &[u8], m: &Bx) -> R<Meta> {
    let mut meta = Meta::default();
    for c in children(data, m, 4)? {
        meta.children.push(c.kind);
        let v = *data.get(c.body).ok_or("empty full box")?;
        match &c.kind {
            b"hdlr" => meta.hdlr_name = data[(c.body + 24).min(c.end)..c.end].to_vec(),
            b"pitm" => {
                meta.primary = Some(uint(data, c.body + 4, if v == 0 { 2 } else { 4 })? as u32);
                meta.pitm = data[c.start..c.end].to_vec();
            }
            b"dinf" => meta.dinf.push(data[c.start..c.end].to_vec()),
            b"grpl" => {
                for g in children(data, &c, 0)? {
                    meta.groups.push(data[g.start..g.end].to_vec());
                }
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
                    let tail = match rest.iter().position(|&b| b == 0) {
                        Some(n) if ev >= 2 => rest[n + 1..].to_vec(),
                        _ => Vec::new(),
                    };
                    meta.items.push(Item {
                        id,
                        kind,
                        version: ev,
                        name,
                        tail,
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

fn is_image_item(item: &Item) -> bool {
    item.version >= 2 && IMAGE_ITEMS.contains(&&item.kind)
}

fn is_icc_colr(raw: &[u8]) -> bool {
    raw.get(4..8) == Some(b"colr") && matches!(raw.get(8..12), Some(b"prof" | b"rICC"))
}

/// The length a fixed-size property's body has by its definition (full-box header
/// included), when it has one: ISO/IEC 23008-12 § 6.5 (`ispe`, `pasp`, `pixi`, `rloc`,
/// `clap`, `irot`, `lsel`, `imir`, `iscl`, nclx `colr`), the HDR properties, AVIF (`a1op`,
/// `a1lx`).
pub fn defined_body_len(kind: &[u8; 4], body: &[u8]) -> Option<usize> {
    let v0 = body.first() == Some(&0);
    Some(match kind {
        b"ispe" | b"rloc" | b"iscl" if v0 => 12,
        b"ndwt" if v0 => 8,
        b"pixi" if v0 => 5 + usize::from(*body.get(4)?),
        b"pasp" | b"amve" => 8,
        b"irot" | b"imir" | b"a1op" => 1,
        b"clap" => 32,
        b"lsel" => 2,
        b"clli" => 4,
        b"mdcv" => 24,
        b"a1lx" => 1 + 3 * if body.first()? & 1 == 1 { 4 } else { 2 },
        b"cclv" => {
            let f = *body.first()?;
            let words = [0x10, 0x08, 0x04].iter().filter(|&&m| f & m != 0).count();
            1 + if f & 0x20 != 0 { 24 } else { 0 } + 4 * words
        }
        b"colr" if body.get(..4) == Some(b"nclx") => 11,
        _ => return None,
    })
}

/// `raw` (a whole box) with a plain 8-byte header and its body cut to `defined_body_len`.
fn normalized(raw: &[u8], head: usize) -> Vec<u8> {
    let kind: [u8; 4] = raw[4..8].try_into().unwrap();
    let body = &raw[head..];
    let n = defined_body_len(&kind, body).map_or(body.len(), |n| n.min(body.len()));
    bx(&kind, &body[..n])
}

/// A property as a stripped file must hold it (normalized), or `None` when it must go.
fn kept_property(b: &Bx, raw: &[u8], allow: Allow) -> Option<Vec<u8>> {
    let keep = if &b.kind == b"colr" {
        match raw.get(b.body - b.start..b.body - b.start + 4) {
            Some(b"nclx") => true,
            Some(b"prof" | b"rICC") => allow.icc,
            _ => false,
        }
    } else {
        PICTURE_PROPERTIES.contains(&&b.kind)
    };
    keep.then(|| normalized(raw, b.body - b.start))
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
        let kept = |id: u32| meta.items.iter().any(|i| i.id == id && is_image_item(i));
        units.push(Unit {
            kind: "primary item".into(),
            at: m.start,
            bytes: meta.primary.unwrap_or(0).to_be_bytes().to_vec(),
        });
        for item in meta.items.iter().filter(|i| is_image_item(i)) {
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
                    let Some(mut bytes) = kept_property(b, raw, allow) else {
                        continue;
                    };
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
            if !kept_track(data, trak)? {
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

/// The handler type of a track; `????` when it has none (such a track cannot be decoded).
fn handler(data: &[u8], trak: &Bx) -> R<[u8; 4]> {
    let Some(mdia) = first(&children(data, trak, 0)?, b"mdia") else {
        return Ok(*b"????");
    };
    let Some(hdlr) = first(&children(data, &mdia, 0)?, b"hdlr") else {
        return Ok(*b"????");
    };
    Ok(get(data, hdlr.body + 8, 4)?.try_into().unwrap())
}

/// Every sample of a track, through stsc, stsz and stco/co64.
fn samples(data: &[u8], trak: &Bx) -> R<Vec<Vec<u8>>> {
    let mut stbl = *trak;
    for kind in [b"mdia", b"minf", b"stbl"] {
        match first(&children(data, &stbl, 0)?, kind) {
            Some(b) => stbl = b,
            None => return Ok(Vec::new()),
        }
    }
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
    if !meta.pitm.is_empty() && meta.pitm.len() != if meta.pitm[8] == 0 { 14 } else { 16 } {
        left.push(format!("pitm of {} bytes", meta.pitm.len()));
    }
    for dinf in &meta.dinf {
        if dinf != SELF_CONTAINED_DINF {
            left.push(format!(
                "dinf in meta is not the self-contained form: {dinf:02x?}"
            ));
        }
    }
    for g in &meta.groups {
        let n = g
            .get(16..20)
            .map_or(0, |c| u32::from_be_bytes(c.try_into().unwrap()));
        let defined = match g.get(4..8) {
            Some(b"altr" | b"ster") => 20 + 4 * n as usize,
            Some(b"pymd") => 24 + 10 * n as usize,
            _ => 0,
        };
        if g.len() != defined {
            let kind = String::from_utf8_lossy(&g[4..8]);
            left.push(format!("entity group {kind} of {} bytes", g.len()));
        }
    }
    for item in &meta.items {
        if !is_image_item(item) {
            left.push(format!("item {} of type {}", item.id, name(&item.kind)));
        }
        if !item.name.is_empty() {
            left.push(format!(
                "item {} named {:?}",
                item.id,
                String::from_utf8_lossy(&item.name)
            ));
        }
        if !item.tail.is_empty() {
            left.push(format!(
                "item {} has {} bytes after its name",
                item.id,
                item.tail.len()
            ));
        }
    }
    for (b, raw) in &meta.props {
        match kept_property(b, raw, allow) {
            None => left.push(format!("property {} at {}", name(&b.kind), b.start)),
            Some(n) if n.len() < raw.len() - (b.body - b.start - 8) => left.push(format!(
                "property {} at {} is longer than its definition",
                name(&b.kind),
                b.start
            )),
            Some(_) => {}
        }
    }
}

/// The boxes ISO/IEC 14496-12 needs in each container of an image sequence to decode and
/// present its samples (§ 8.2 to 8.7; `tref` types of ISO/IEC 23008-12 § 7 and 14496-15).
fn allowed_in(parent: &[u8; 4], kind: &[u8; 4]) -> bool {
    match parent {
        b"moov" => matches!(kind, b"mvhd" | b"trak"),
        b"trak" => matches!(kind, b"tkhd" | b"tref" | b"edts" | b"mdia"),
        b"edts" => kind == b"elst",
        b"mdia" => matches!(kind, b"mdhd" | b"hdlr" | b"minf"),
        b"minf" => matches!(kind, b"vmhd" | b"smhd" | b"dinf" | b"stbl"),
        b"stbl" => matches!(
            kind,
            b"stsd"
                | b"stts"
                | b"ctts"
                | b"cslg"
                | b"stsc"
                | b"stsz"
                | b"stz2"
                | b"stco"
                | b"co64"
                | b"stss"
        ),
        b"tref" => matches!(
            kind,
            b"auxl" | b"prem" | b"thmb" | b"tbas" | b"sbas" | b"scal" | b"vdep" | b"vplx"
        ),
        _ => false,
    }
}

/// Visual sample entries (ISO/IEC 14496-12 § 12.1.3) of the codings an image sequence uses,
/// and the boxes they may hold.
const VISUAL_ENTRIES: &[&[u8; 4]] = &[
    b"av01", b"hvc1", b"hev1", b"avc1", b"avc3", b"vvc1", b"vvi1", b"vp08", b"vp09", b"mp4v",
    b"jpeg", b"mjpg", b"uncv", b"j2ki",
];
const VISUAL_ENTRY_BOXES: &[&[u8; 4]] = &[
    b"av1C", b"hvcC", b"avcC", b"vvcC", b"lhvC", b"vpcC", b"esds", b"jpgC", b"uncC", b"cmpd",
    b"j2kH", b"colr", b"pasp", b"clap", b"btrt", b"ccst", b"auxi", b"clli", b"mdcv", b"cclv",
    b"amve", b"CoLL", b"SmDm",
];
/// Audio sample entries (§ 12.2.3) and their boxes.
const AUDIO_ENTRIES: &[&[u8; 4]] = &[b"mp4a", b"Opus", b"fLaC", b"ipcm", b"fpcm"];
const AUDIO_ENTRY_BOXES: &[&[u8; 4]] = &[
    b"esds", b"dOps", b"dfLa", b"pcmC", b"chnl", b"btrt", b"srat",
];

/// The sample entries of a track (none when it has no sample table).
fn sample_entries(data: &[u8], trak: &Bx) -> R<Vec<Bx>> {
    let mut at = *trak;
    for kind in [b"mdia", b"minf", b"stbl", b"stsd"] {
        match first(&children(data, &at, 0)?, kind) {
            Some(b) => at = b,
            None => return Ok(Vec::new()),
        }
    }
    children(data, &at, 8)
}

/// Whether a track's samples stay: visual tracks (handler `pict`, `vide`, `auxv`) and sound
/// tracks whose every entry is a known audio coding. Timed metadata and the rest go.
fn kept_track(data: &[u8], trak: &Bx) -> R<bool> {
    Ok(match &handler(data, trak)? {
        b"pict" | b"vide" | b"auxv" => true,
        b"soun" => sample_entries(data, trak)?
            .iter()
            .all(|e| AUDIO_ENTRIES.contains(&&e.kind)),
        _ => false,
    })
}

/// The length a box of a track has by its definition (full-box header included), for those
/// whose length follows from their fields: § 8.2.2, 8.3.2, 8.4.2, 8.4.5, 8.6.1 to 8.7.5.
fn track_box_len(kind: &[u8; 4], body: &[u8]) -> Option<usize> {
    let v1 = body.first() == Some(&1);
    let n = || {
        body.get(4..8)
            .map(|c| u32::from_be_bytes(c.try_into().unwrap()) as usize)
    };
    Some(match kind {
        b"mvhd" => {
            if v1 {
                112
            } else {
                100
            }
        }
        b"tkhd" => {
            if v1 {
                96
            } else {
                84
            }
        }
        b"mdhd" => {
            if v1 {
                36
            } else {
                24
            }
        }
        b"vmhd" => 12,
        b"smhd" => 8,
        b"cslg" => {
            if v1 {
                44
            } else {
                24
            }
        }
        b"elst" => 8 + n()? * if v1 { 20 } else { 12 },
        b"stts" | b"ctts" => 8 + 8 * n()?,
        b"stss" | b"stco" => 8 + 4 * n()?,
        b"co64" => 8 + 8 * n()?,
        b"stsc" => 8 + 12 * n()?,
        b"stsz" => {
            let count = body
                .get(8..12)
                .map(|c| u32::from_be_bytes(c.try_into().unwrap()))?;
            12 + if n()? == 0 { 4 * count as usize } else { 0 }
        }
        _ => return None,
    })
}

fn moov_leftovers(data: &[u8], moov: &Bx, allow: Allow, left: &mut Vec<String>) -> R<()> {
    walk_track_boxes(data, moov, left)?;
    for b in children(data, moov, 0)? {
        if &b.kind != b"trak" {
            continue;
        }
        if !kept_track(data, &b)? {
            left.push(format!(
                "track of handler {} at {}",
                name(&handler(data, &b)?),
                b.start
            ));
        }
        let hdlr = first(&children(data, &b, 0)?, b"mdia")
            .map(|mdia| children(data, &mdia, 0))
            .transpose()?
            .and_then(|list| first(&list, b"hdlr"));
        if let Some(hdlr) = hdlr {
            if data[(hdlr.body + 24).min(hdlr.end)..hdlr.end]
                .iter()
                .any(|&c| c != 0)
            {
                left.push("track handler name".into());
            }
        }
        for entry in sample_entries(data, &b)? {
            let (fields, allowed) = if VISUAL_ENTRIES.contains(&&entry.kind) {
                (78, VISUAL_ENTRY_BOXES)
            } else if AUDIO_ENTRIES.contains(&&entry.kind) {
                (28, AUDIO_ENTRY_BOXES)
            } else {
                left.push(format!(
                    "sample entry {} at {}",
                    name(&entry.kind),
                    entry.start
                ));
                continue;
            };
            if entry.end - entry.body < fields {
                continue;
            }
            if fields == 78
                && data[entry.body + 42..entry.body + 74]
                    .iter()
                    .any(|&c| c != 0)
            {
                left.push("compressorname".into());
            }
            for c in boxes(data, entry.body + fields, entry.end).unwrap_or_default() {
                let raw = &data[c.start..c.end];
                if !allowed.contains(&&c.kind) {
                    left.push(format!("{} in sample entry at {}", name(&c.kind), c.start));
                } else if is_icc_colr(raw) && !allow.icc {
                    left.push("ICC colr in a sample entry".into());
                } else if &c.kind == b"colr" && !is_icc_colr(raw) && normalized(raw, 8) != raw {
                    left.push("colr in a sample entry that is not nclx of 11 bytes".into());
                }
            }
        }
    }
    Ok(())
}

/// Every box below `parent` (moov and the containers it holds): on the allow-list, no longer
/// than its definition, times zeroed, `dinf` in its self-contained form.
fn walk_track_boxes(data: &[u8], parent: &Bx, left: &mut Vec<String>) -> R<()> {
    for b in children(data, parent, 0)? {
        let at = format!("{} in {} at {}", name(&b.kind), name(&parent.kind), b.start);
        if &b.kind == b"hdlr" && &parent.kind != b"tref" {
            // A handler box outside `mdia` is kept by the library in its defined form (the
            // handler type, an empty name); the name is checked like any other.
            let name_at = (b.body + 24).min(b.end);
            if data[name_at..b.end].iter().any(|&c| c != 0) {
                left.push(format!("{at}: handler name"));
            }
            continue;
        }
        if !allowed_in(&parent.kind, &b.kind) {
            left.push(at);
            continue;
        }
        let body = &data[b.body..b.end];
        if let Some(n) = track_box_len(&b.kind, body) {
            if body.len() > n {
                left.push(format!(
                    "{at}: {} bytes past its definition",
                    body.len() - n
                ));
            }
        }
        if matches!(&b.kind, b"mvhd" | b"tkhd" | b"mdhd") {
            let times = if body.first() == Some(&1) {
                4..20
            } else {
                4..12
            };
            if body.get(times).is_some_and(|t| t.iter().any(|&c| c != 0)) {
                left.push(format!("{at}: creation or modification time"));
            }
        }
        match &b.kind {
            b"trak" if !kept_track(data, &b)? => {}
            b"trak" | b"edts" | b"mdia" | b"minf" | b"stbl" | b"tref" => {
                walk_track_boxes(data, &b, left)?;
            }
            b"dinf" if data[b.start..b.end] != *SELF_CONTAINED_DINF => {
                left.push(format!("{at}: not the self-contained form"));
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
    /// More property boxes of item 1, each with its `ipma` essential bit.
    pub props: Vec<(Vec<u8>, bool)>,
    /// Bytes after the name of every image item's `infe`.
    pub infe_tail: Vec<u8>,
    /// The `hdlr` name.
    pub hdlr_name: Vec<u8>,
    /// A `dinf` box for `meta`.
    pub dinf: Option<Vec<u8>>,
    /// More boxes at the end of `meta`.
    pub meta_extra: Vec<Vec<u8>>,
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
                &spec.infe_tail,
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
        for (raw, essential) in &spec.props {
            props.push(raw.clone());
            primary.push(u8::from(*essential) << 7 | u8::try_from(props.len()).unwrap());
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
            &[&[0u8; 4][..], b"pict", &[0; 12], &spec.hdlr_name, b"\0"].concat(),
        );
        let mut children = vec![hdlr, full(b"pitm", 0, 0, &[0, 1])];
        children.extend(spec.dinf.clone());
        children.extend([iinf, iloc, iprp]);
        if !iref.is_empty() {
            children.push(full(b"iref", 0, 0, &iref));
        }
        if !idat.is_empty() {
            children.push(bx(b"idat", &idat));
        }
        children.extend(spec.meta_extra.iter().cloned());
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

/// A `dinf` whose one `url ` entry says "this file" (flags 1) but carries a location string
/// anyway, with more boxes in `dref` (self-contained entries, flags 1) and in `dinf`.
pub fn dinf(location: &[u8], dref_extra: &[Vec<u8>], dinf_extra: &[Vec<u8>]) -> Vec<u8> {
    let url = full(b"url ", 0, 1, location);
    let count = u32::try_from(1 + dref_extra.len()).unwrap();
    let dref = full(
        b"dref",
        0,
        0,
        &[&count.to_be_bytes()[..], &url, &dref_extra.concat()].concat(),
    );
    bx(b"dinf", &[dref, dinf_extra.concat()].concat())
}

/// Where [`SeqSpec::extra`] puts a box: a container of the colour track (or `moov`, its
/// sample entry, its `dref`, its `tref`, or the still image's `meta`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    Moov,
    Trak,
    Tref,
    Edts,
    Mdia,
    Minf,
    Dinf,
    Dref,
    Stbl,
    Entry,
    Meta,
}

pub const EVERY_AT: [At; 11] = [
    At::Moov,
    At::Trak,
    At::Tref,
    At::Edts,
    At::Mdia,
    At::Minf,
    At::Dinf,
    At::Dref,
    At::Stbl,
    At::Entry,
    At::Meta,
];

/// An image sequence (ISO/IEC 23008-12 § 7): a colour track, an optional alpha track
/// (`auxv`, `tref auxl`) and an optional timed-metadata track, their samples interleaved in
/// one `mdat`; a still `meta` whose primary item is the first frame.
#[derive(Debug, Clone, Default)]
pub struct SeqSpec {
    pub frames: Vec<Vec<u8>>,
    pub alpha: Vec<Vec<u8>>,
    pub metadata_samples: Vec<Vec<u8>>,
    /// Boxes put in a container, each as it is.
    pub extra: Vec<(At, Vec<u8>)>,
    /// Handler name of every track.
    pub handler_name: Vec<u8>,
    /// `compressorname` of the visual sample entries (at most 31 bytes).
    pub compressor: Vec<u8>,
    /// Location string of every track's `url ` entry (flags 1).
    pub url_location: Vec<u8>,
}

fn extra_at(spec: &SeqSpec, at: At) -> Vec<u8> {
    spec.extra
        .iter()
        .filter(|e| e.0 == at)
        .flat_map(|e| e.1.clone())
        .collect()
}

/// One track. `kind`: `pict`, `auxv` or `meta`; `offsets` of its samples (one per chunk).
fn seq_track(
    spec: &SeqSpec,
    id: u32,
    handler: &[u8; 4],
    samples: &[Vec<u8>],
    offsets: &[u32],
) -> Vec<u8> {
    let colour = id == 1;
    let extra = |at| {
        if colour {
            extra_at(spec, at)
        } else {
            Vec::new()
        }
    };
    let mut tkhd = vec![0u8; 80];
    tkhd[0..4].copy_from_slice(&[0, 0, 0, 7]); // creation time
    tkhd[8..12].copy_from_slice(&id.to_be_bytes());
    tkhd[72..76].copy_from_slice(&(16u32 << 16).to_be_bytes());
    tkhd[76..80].copy_from_slice(&(8u32 << 16).to_be_bytes());
    let n = u32::try_from(samples.len()).unwrap();
    let entry = match handler {
        b"meta" => bx(
            b"mett",
            &[&[0u8, 0, 0, 0, 0, 0, 0, 1][..], b"\0text/plain\0"].concat(),
        ),
        _ => {
            let mut fields = vec![0u8; 78];
            fields[7] = 1; // data_reference_index
            fields[24..28].copy_from_slice(&[0, 16, 0, 8]);
            fields[28..36].copy_from_slice(&[0, 0x48, 0, 0, 0, 0x48, 0, 0]);
            fields[41] = 1;
            fields[42] = u8::try_from(spec.compressor.len()).unwrap();
            fields[43..43 + spec.compressor.len()].copy_from_slice(&spec.compressor);
            fields[74..78].copy_from_slice(&[0, 0x18, 0xFF, 0xFF]);
            let mut children = vec![
                bx(b"av1C", &[0x81, 0x00, 0x0C, 0x00]),
                bx(b"colr", &[b"nclx", &[0, 1, 0, 13, 0, 6, 0x80][..]].concat()),
            ];
            if handler == b"auxv" {
                children.push(full(
                    b"auxi",
                    0,
                    0,
                    b"urn:mpeg:mpegB:cicp:systems:auxiliary:alpha\0",
                ));
            }
            children.push(extra(At::Entry));
            bx(b"av01", &[fields, children.concat()].concat())
        }
    };
    let stsd = full(b"stsd", 0, 0, &[&1u32.to_be_bytes()[..], &entry].concat());
    let table = |kind: &[u8; 4], head: &[u8], entries: Vec<u8>| {
        full(kind, 0, 0, &[head, &entries].concat())
    };
    let stbl = bx(
        b"stbl",
        &[
            stsd,
            table(
                b"stts",
                &1u32.to_be_bytes(),
                [n, 1].map(u32::to_be_bytes).concat(),
            ),
            table(
                b"stsc",
                &1u32.to_be_bytes(),
                [1u32, 1, 1].map(u32::to_be_bytes).concat(),
            ),
            table(
                b"stsz",
                &[0u32, n].map(u32::to_be_bytes).concat(),
                samples
                    .iter()
                    .flat_map(|s| u32::try_from(s.len()).unwrap().to_be_bytes())
                    .collect(),
            ),
            table(
                b"stco",
                &n.to_be_bytes(),
                offsets.iter().flat_map(|o| o.to_be_bytes()).collect(),
            ),
            extra(At::Stbl),
        ]
        .concat(),
    );
    let url = full(b"url ", 0, 1, &spec.url_location);
    let dref = full(
        b"dref",
        0,
        0,
        &[&1u32.to_be_bytes()[..], &url, &extra(At::Dref)].concat(),
    );
    let dinf = bx(b"dinf", &[dref, extra(At::Dinf)].concat());
    let media_header = match handler {
        b"meta" => full(b"nmhd", 0, 0, &[]),
        _ => full(b"vmhd", 0, 1, &[0; 8]),
    };
    let minf = bx(
        b"minf",
        &[media_header, dinf, stbl, extra(At::Minf)].concat(),
    );
    // Creation and modification times, timescale, duration, language `und`, pre_defined.
    let mdhd = [9u32, 9, 1000, n, 0x55C4_0000]
        .map(u32::to_be_bytes)
        .concat();
    let mdhd = full(b"mdhd", 0, 0, &mdhd);
    let hdlr = full(
        b"hdlr",
        0,
        0,
        &[&[0u8; 4][..], handler, &[0; 12], &spec.handler_name, b"\0"].concat(),
    );
    let mdia = bx(b"mdia", &[mdhd, hdlr, minf, extra(At::Mdia)].concat());
    let tref = match handler {
        b"auxv" => bx(b"tref", &bx(b"auxl", &1u32.to_be_bytes())),
        b"meta" => bx(b"tref", &bx(b"cdsc", &1u32.to_be_bytes())),
        _ if spec.extra.iter().any(|e| e.0 == At::Tref) => bx(b"tref", &extra(At::Tref)),
        _ => Vec::new(),
    };
    let elst = full(
        b"elst",
        0,
        0,
        &[1u32, n, 0, 0x0001_0000].map(u32::to_be_bytes).concat(),
    );
    let edts = bx(b"edts", &[elst, extra(At::Edts)].concat());
    bx(
        b"trak",
        &[
            full(b"tkhd", 0, 3, &tkhd),
            tref,
            edts,
            mdia,
            extra(At::Trak),
        ]
        .concat(),
    )
}

/// Builds the sequence: `ftyp`, `meta`, `moov`, `mdat`.
pub fn build_sequence(spec: &SeqSpec) -> Vec<u8> {
    let ftyp = bx(b"ftyp", b"avis\0\0\0\0avismsf1miafmif1");
    let mut mdat = Vec::new();
    let mut at = [Vec::new(), Vec::new(), Vec::new()];
    let tracks = [&spec.frames, &spec.alpha, &spec.metadata_samples];
    for i in 0..tracks.iter().map(|t| t.len()).max().unwrap_or(0) {
        for (t, samples) in tracks.iter().enumerate() {
            if let Some(s) = samples.get(i) {
                at[t].push(u32::try_from(mdat.len()).unwrap());
                mdat.extend_from_slice(s);
            }
        }
    }
    let head = |base: u32| {
        let off = |t: usize| at[t].iter().map(|o| o + base).collect::<Vec<u32>>();
        let first = spec.frames.first().map_or(0, Vec::len);
        let iloc = full(
            b"iloc",
            0,
            0,
            &[
                &[0x44, 0x00, 0, 1, 0, 1, 0, 0, 0, 1][..],
                &(base + at[0].first().copied().unwrap_or(0)).to_be_bytes(),
                &u32::try_from(first).unwrap().to_be_bytes(),
            ]
            .concat(),
        );
        let meta = full(
            b"meta",
            0,
            0,
            &[
                full(b"hdlr", 0, 0, &[&[0u8; 4][..], b"pict", &[0; 13]].concat()),
                full(b"pitm", 0, 0, &[0, 1]),
                iloc,
                full(
                    b"iinf",
                    0,
                    0,
                    &[&[0u8, 1][..], &full(b"infe", 2, 0, b"\0\x01\0\0av01\0")].concat(),
                ),
                bx(
                    b"iprp",
                    &[
                        bx(
                            b"ipco",
                            &[
                                full(b"ispe", 0, 0, &[0, 0, 0, 16, 0, 0, 0, 8]),
                                bx(b"av1C", &[0x81, 0x00, 0x0C, 0x00]),
                            ]
                            .concat(),
                        ),
                        full(b"ipma", 0, 0, &[0, 0, 0, 1, 0, 1, 2, 0x01, 0x82]),
                    ]
                    .concat(),
                ),
                extra_at(spec, At::Meta),
            ]
            .concat(),
        );
        let mut mvhd = vec![0u8; 96];
        mvhd[0..4].copy_from_slice(&[0, 0, 0, 5]); // creation time
        mvhd[8..12].copy_from_slice(&1000u32.to_be_bytes());
        mvhd[16..20].copy_from_slice(&0x0001_0000u32.to_be_bytes());
        mvhd[20] = 1;
        for (i, v) in [0x0001_0000u32, 0x0001_0000, 0x4000_0000]
            .iter()
            .enumerate()
        {
            mvhd[32 + i * 16..36 + i * 16].copy_from_slice(&v.to_be_bytes());
        }
        mvhd[92..96].copy_from_slice(&4u32.to_be_bytes());
        let mut moov = vec![full(b"mvhd", 0, 0, &mvhd)];
        moov.push(seq_track(spec, 1, b"pict", &spec.frames, &off(0)));
        if !spec.alpha.is_empty() {
            moov.push(seq_track(spec, 2, b"auxv", &spec.alpha, &off(1)));
        }
        if !spec.metadata_samples.is_empty() {
            moov.push(seq_track(spec, 3, b"meta", &spec.metadata_samples, &off(2)));
        }
        moov.push(extra_at(spec, At::Moov));
        [meta, bx(b"moov", &moov.concat())].concat()
    };
    let base = u32::try_from(ftyp.len() + head(0).len() + 8).unwrap();
    [ftyp, head(base), bx(b"mdat", &mdat)].concat()
}

// ---------------------------------------------------------------------------------------
// Large item tables (tests/memory.rs): grids of many tiles, items with many extents
// ---------------------------------------------------------------------------------------

/// Lays out `ftyp`, the `meta` built by `meta(mdat_payload_start)`, and `mdat`: the meta box
/// is built twice, since its offsets depend on its own length (which they do not change).
fn with_meta_before_mdat(meta: impl Fn(u32) -> Vec<u8>, mdat: &[u8]) -> Vec<u8> {
    let ftyp = bx(b"ftyp", b"heic\0\0\0\0mif1heic");
    let base = u32::try_from(ftyp.len() + meta(0).len() + 8).unwrap();
    [ftyp, meta(base), bx(b"mdat", mdat)].concat()
}

/// A `grid` image (ISO 23008-12 § 6.6.2.3) of `tiles` 64×64 `hvc1` tiles, 100 a row, as a
/// 200 MP phone photo is stored: item 1 is the grid (its ImageGrid data in `idat`), items
/// 2 to `tiles + 1` the tiles, each with its own `infe`, `iloc` entry (one 32-byte extent
/// in `mdat`), `ipma` entry (the shared `hvcC` and tile `ispe`) and target in the grid's
/// `dimg` reference; then an `Exif` item about the grid. `tiles` is a multiple of 100,
/// at most 25,600.
pub fn tile_grid(tiles: usize) -> Vec<u8> {
    assert!(
        tiles % 100 == 0 && (100..=25_600).contains(&tiles),
        "rows_minus_one is a byte"
    );
    let (columns, rows) = (100u16, u16::try_from(tiles / 100).unwrap());
    let exif_id = u16::try_from(tiles + 2).unwrap();
    let tile_ids = || (2..exif_id).map(|id| id.to_be_bytes());
    let exif = b"\0\0\0\0MM\0\x2a\0\0\0\x08CANARY-GRID-EXIF".to_vec();
    let mut mdat = Vec::with_capacity(tiles * 32 + exif.len());
    for i in 0..tiles {
        mdat.extend((0..32).map(|j| (i * 7 + j) as u8));
    }
    mdat.extend_from_slice(&exif);
    let (width, height) = (64 * u32::from(columns), 64 * u32::from(rows));
    let grid = [
        &[0u8, 0, u8::try_from(rows - 1).unwrap()][..],
        &[u8::try_from(columns - 1).unwrap()],
        &u16::try_from(width).unwrap().to_be_bytes(),
        &u16::try_from(height).unwrap().to_be_bytes(),
    ]
    .concat();
    let meta = |base: u32| {
        let mut infe = full(b"infe", 2, 0, &[&[0, 1, 0, 0][..], b"grid", b"\0"].concat());
        for id in tile_ids() {
            infe.extend(full(
                b"infe",
                2,
                0,
                &[&id[..], &[0, 0], b"hvc1", b"\0"].concat(),
            ));
        }
        let exif_infe = [&exif_id.to_be_bytes()[..], &[0, 0], b"Exif", b"\0"].concat();
        infe.extend(full(b"infe", 2, 0, &exif_infe));
        let count = u16::try_from(tiles + 2).unwrap().to_be_bytes();
        let iinf = full(b"iinf", 0, 0, &[&count[..], &infe].concat());
        // iloc version 1: 4-byte offsets and lengths, no base offset, no index.
        let mut iloc = vec![0x44, 0x00];
        iloc.extend_from_slice(&count);
        iloc.extend_from_slice(&[0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0]); // grid: idat
        iloc.extend_from_slice(&u32::try_from(grid.len()).unwrap().to_be_bytes());
        for (i, id) in tile_ids().enumerate() {
            iloc.extend_from_slice(&id);
            iloc.extend_from_slice(&[0, 0, 0, 0, 0, 1]);
            iloc.extend_from_slice(&(base + 32 * u32::try_from(i).unwrap()).to_be_bytes());
            iloc.extend_from_slice(&32u32.to_be_bytes());
        }
        iloc.extend_from_slice(&exif_id.to_be_bytes());
        iloc.extend_from_slice(&[0, 0, 0, 0, 0, 1]);
        iloc.extend_from_slice(&(base + 32 * u32::try_from(tiles).unwrap()).to_be_bytes());
        iloc.extend_from_slice(&u32::try_from(exif.len()).unwrap().to_be_bytes());
        let iloc = full(b"iloc", 1, 0, &iloc);
        let mut dimg = vec![0, 1];
        dimg.extend_from_slice(&u16::try_from(tiles).unwrap().to_be_bytes());
        tile_ids().for_each(|id| dimg.extend_from_slice(&id));
        let cdsc = [&exif_id.to_be_bytes()[..], &[0, 1, 0, 1]].concat();
        let iref = full(
            b"iref",
            0,
            0,
            &[bx(b"dimg", &dimg), bx(b"cdsc", &cdsc)].concat(),
        );
        let ipco = [
            bx(b"hvcC", b"\x01config"),
            full(
                b"ispe",
                0,
                0,
                &[&[0, 0, 0, 64][..], &[0, 0, 0, 64]].concat(),
            ),
            full(
                b"ispe",
                0,
                0,
                &[width.to_be_bytes(), height.to_be_bytes()].concat(),
            ),
        ]
        .concat();
        let mut ipma = u32::try_from(tiles + 1).unwrap().to_be_bytes().to_vec();
        ipma.extend_from_slice(&[0, 1, 1, 0x03]); // the grid: its ispe
        for id in tile_ids() {
            ipma.extend_from_slice(&id);
            ipma.extend_from_slice(&[2, 0x81, 0x02]); // hvcC (essential), tile ispe
        }
        let iprp = bx(
            b"iprp",
            &[bx(b"ipco", &ipco), full(b"ipma", 0, 0, &ipma)].concat(),
        );
        let hdlr = full(b"hdlr", 0, 0, &[&[0u8; 4][..], b"pict", &[0; 13]].concat());
        let pitm = full(b"pitm", 0, 0, &[0, 1]);
        let children = [hdlr, pitm, iinf, iloc, iref, iprp, bx(b"idat", &grid)];
        full(b"meta", 0, 0, &children.concat())
    };
    with_meta_before_mdat(meta, &mdat)
}

/// `items` `hvc1` items of `extents` extents each, every extent `length` bytes (4-byte
/// fields, `iloc` version 1). With `length_only`, the extents have no offset field (their
/// item's base offset, 4 bytes, says where all of them start: at the start of `mdat`);
/// otherwise each has its own offset, spread over a 4 KiB `mdat`.
pub fn many_extents(items: u16, extents: u16, length: u32, length_only: bool) -> Vec<u8> {
    let mdat: Vec<u8> = (0..4096u32).map(|i| (i * 13) as u8).collect();
    let meta = |base: u32| {
        let mut infe = Vec::new();
        for id in 1..=items {
            infe.extend(full(
                b"infe",
                2,
                0,
                &[&id.to_be_bytes()[..], &[0, 0], b"hvc1", b"\0"].concat(),
            ));
        }
        let iinf = full(b"iinf", 0, 0, &[&items.to_be_bytes()[..], &infe].concat());
        let (sizes, base_size) = if length_only {
            (0x04, 0x40)
        } else {
            (0x44, 0x00)
        };
        let per_extent = if length_only { 4 } else { 8 };
        let mut iloc =
            Vec::with_capacity(4 + usize::from(items) * (12 + usize::from(extents) * per_extent));
        iloc.extend_from_slice(&[sizes, base_size]);
        iloc.extend_from_slice(&items.to_be_bytes());
        for id in 1..=items {
            iloc.extend_from_slice(&id.to_be_bytes());
            iloc.extend_from_slice(&[0, 0, 0, 0]); // construction method 0, this file
            if length_only {
                iloc.extend_from_slice(&base.to_be_bytes());
            }
            iloc.extend_from_slice(&extents.to_be_bytes());
            for e in 0..u32::from(extents) {
                if !length_only {
                    let at = (e * 61 + u32::from(id)) % (4096 - length.min(4096));
                    iloc.extend_from_slice(&(base + at).to_be_bytes());
                }
                iloc.extend_from_slice(&length.to_be_bytes());
            }
        }
        let iloc = full(b"iloc", 1, 0, &iloc);
        let hdlr = full(b"hdlr", 0, 0, &[&[0u8; 4][..], b"pict", &[0; 13]].concat());
        let pitm = full(b"pitm", 0, 0, &[0, 1]);
        full(b"meta", 0, 0, &[hdlr, pitm, iinf, iloc].concat())
    };
    with_meta_before_mdat(meta, &mdat)
}

/// The bytes of the top-level `meta` and `moov` boxes of `data`: what the HEIF walker's
/// tables may hold twice over.
pub fn meta_and_moov_len(data: &[u8]) -> usize {
    boxes(data, 0, data.len())
        .unwrap()
        .iter()
        .filter(|b| matches!(&b.kind, b"meta" | b"moov"))
        .map(|b| b.end - b.start)
        .sum()
}
