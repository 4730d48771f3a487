//! Builders of still HEIF files: the [`Spec`] of a file and its `dinf`.

use super::boxes::{bx, full};

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
