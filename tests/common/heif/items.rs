//! The `meta` box read back: the item and property allow-lists, items, locations, properties.

use super::super::Allow;
use super::boxes::{boxes, bx, children, get, idx, uint, Bx, R};

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
pub(super) struct Item {
    pub(super) id: u32,
    pub(super) kind: [u8; 4],
    pub(super) version: u8,
    pub(super) name: Vec<u8>,
    /// Bytes after the name's terminator (versions 2 and 3).
    pub(super) tail: Vec<u8>,
}

/// One `iloc` entry: item id, construction method, extents `(offset, length)`.
type Location = (u32, u64, Vec<(u64, u64)>);

#[derive(Debug, Default)]
pub(super) struct Meta {
    pub(super) hdlr_name: Vec<u8>,
    pub(super) primary: Option<u32>,
    pub(super) items: Vec<Item>,
    /// item id → (construction method, extents (offset, length)).
    pub(super) locations: Vec<Location>,
    pub(super) idat: Vec<u8>,
    /// (type, from, to)
    pub(super) refs: Vec<([u8; 4], u32, Vec<u32>)>,
    /// raw property boxes, 1-based in ipma.
    pub(super) props: Vec<(Bx, Vec<u8>)>,
    /// item → [(essential, index)]
    pub(super) assoc: Vec<(u32, Vec<(bool, u16)>)>,
    pub(super) children: Vec<[u8; 4]>,
    /// Raw `dinf`, `pitm` and `grpl` boxes.
    pub(super) dinf: Vec<Vec<u8>>,
    pub(super) pitm: Vec<u8>,
    pub(super) groups: Vec<Vec<u8>>,
}

pub(super) fn read_meta(data: &[u8], m: &Bx) -> R<Meta> {
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

pub(super) fn is_image_item(item: &Item) -> bool {
    item.version >= 2 && IMAGE_ITEMS.contains(&&item.kind)
}

pub(super) fn is_icc_colr(raw: &[u8]) -> bool {
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
pub(super) fn normalized(raw: &[u8], head: usize) -> Vec<u8> {
    let kind: [u8; 4] = raw[4..8].try_into().unwrap();
    let body = &raw[head..];
    let n = defined_body_len(&kind, body).map_or(body.len(), |n| n.min(body.len()));
    bx(&kind, &body[..n])
}

/// A property as a stripped file must hold it (normalized), or `None` when it must go.
pub(super) fn kept_property(b: &Bx, raw: &[u8], allow: Allow) -> Option<Vec<u8>> {
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

pub(super) fn item_data(data: &[u8], meta: &Meta, id: u32) -> R<Vec<u8>> {
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
