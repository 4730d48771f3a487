//! Unit tests on hand-built box trees. The builders write what ISO 14496-12 / 23008-12 say
//! (and, on purpose, what they forbid); `resolve` is an independent reader of item data.

use super::*;
use crate::test_boxes::{bx, bx64};
use crate::{Keep, Limit, Limits, Stripper};

mod allow_list;
mod errors;
mod fixtures;
mod fresh_items;
mod item_data;
mod jpeg_coded;
mod mini_box;
mod policy;
mod reader;
mod robustness;
mod sequences;

use fixtures::{grid_in_idat, sequence, sequence_with, stco, trak, trak_with};
use reader::{be, boxes, child, item, meta_child, resolve, stripped, top_kinds};

// ----------------------------------------------------------------------------------------
// Builders
// ----------------------------------------------------------------------------------------

fn full(kind: &[u8; 4], version: u8, flags: u32, body: &[u8]) -> Vec<u8> {
    let mut b = vec![version];
    b.extend_from_slice(&flags.to_be_bytes()[1..]);
    b.extend_from_slice(body);
    bx(kind, &b)
}

fn cat(parts: &[Vec<u8>]) -> Vec<u8> {
    parts.concat()
}

fn ftyp() -> Vec<u8> {
    bx(b"ftyp", b"heic\0\0\0\0mif1heic")
}

fn hdlr(name: &str) -> Vec<u8> {
    full(
        b"hdlr",
        0,
        0,
        &[&[0u8; 4][..], b"pict", &[0; 12], name.as_bytes(), b"\0"].concat(),
    )
}

fn pitm(id: u16) -> Vec<u8> {
    full(b"pitm", 0, 0, &id.to_be_bytes())
}

fn infe(id: u16, kind: &[u8; 4], name: &str) -> Vec<u8> {
    full(
        b"infe",
        2,
        0,
        &[&id.to_be_bytes()[..], &[0, 0], kind, name.as_bytes(), b"\0"].concat(),
    )
}

fn infe_mime(id: u16, content_type: &str) -> Vec<u8> {
    let body = [
        &id.to_be_bytes()[..],
        &[0, 0],
        b"mime",
        b"XMP\0",
        content_type.as_bytes(),
        b"\0",
    ]
    .concat();
    full(b"infe", 2, 0, &body)
}

fn iinf(entries: &[Vec<u8>]) -> Vec<u8> {
    full(
        b"iinf",
        0,
        0,
        &[
            &u16::try_from(entries.len()).unwrap().to_be_bytes()[..],
            &entries.concat(),
        ]
        .concat(),
    )
}

/// One iloc entry: item id, construction method, extents `(offset, length)`.
type Loc<'a> = (u16, u16, &'a [(u32, u32)]);

/// `iloc` version `version` (1 if any method is not 0), 4-byte offsets and lengths.
fn iloc(version: u8, locs: &[Loc<'_>]) -> Vec<u8> {
    let mut b = vec![0x44, 0x00];
    b.extend_from_slice(&u16::try_from(locs.len()).unwrap().to_be_bytes());
    for &(id, method, extents) in locs {
        b.extend_from_slice(&id.to_be_bytes());
        if version > 0 {
            b.extend_from_slice(&method.to_be_bytes());
        }
        b.extend_from_slice(&[0, 0]); // data_reference_index
        b.extend_from_slice(&u16::try_from(extents.len()).unwrap().to_be_bytes());
        for &(offset, length) in extents {
            b.extend_from_slice(&offset.to_be_bytes());
            b.extend_from_slice(&length.to_be_bytes());
        }
    }
    full(b"iloc", version, 0, &b)
}

fn iref(refs: &[(&[u8; 4], u16, &[u16])]) -> Vec<u8> {
    let mut b = Vec::new();
    for (kind, from, to) in refs {
        let mut r = from.to_be_bytes().to_vec();
        r.extend_from_slice(&u16::try_from(to.len()).unwrap().to_be_bytes());
        for t in *to {
            r.extend_from_slice(&t.to_be_bytes());
        }
        b.extend_from_slice(&bx(kind, &r));
    }
    full(b"iref", 0, 0, &b)
}

fn ispe(w: u32, h: u32) -> Vec<u8> {
    full(b"ispe", 0, 0, &[w.to_be_bytes(), h.to_be_bytes()].concat())
}

fn colr_prof(profile: &[u8]) -> Vec<u8> {
    bx(b"colr", &[b"prof", profile].concat())
}

fn colr_nclx() -> Vec<u8> {
    bx(b"colr", &[b"nclx", &[0, 1, 0, 13, 0, 6, 0x80][..]].concat())
}

/// `ipma` version 0, 7-bit indices: `(item, [(essential, index)])`.
fn ipma(entries: &[(u16, &[(bool, u8)])]) -> Vec<u8> {
    let mut b = u32::try_from(entries.len()).unwrap().to_be_bytes().to_vec();
    for (item, assocs) in entries {
        b.extend_from_slice(&item.to_be_bytes());
        b.push(u8::try_from(assocs.len()).unwrap());
        for &(essential, index) in *assocs {
            b.push(u8::from(essential) << 7 | index);
        }
    }
    full(b"ipma", 0, 0, &b)
}

fn iprp(props: &[Vec<u8>], ipma: Vec<u8>) -> Vec<u8> {
    bx(b"iprp", &cat(&[bx(b"ipco", &props.concat()), ipma]))
}

fn meta(children: &[Vec<u8>]) -> Vec<u8> {
    full(b"meta", 0, 0, &children.concat())
}

const PIXELS: &[u8] = b"hevc-coded-picture-bytes-0123456789";
const THUMB: &[u8] = b"thumbnail-coded-bytes";
const EXIF: &[u8] = b"\0\0\0\0MM\0\x2a\0\0\0\x08CANARY-EXIF-GPS-48.8566N";
const XMP: &[u8] = b"<x:xmpmeta>CANARY-XMP-creator</x:xmpmeta>";
const ICC: &[u8] = b"CANARY-ICC-profile-bytes";

/// A still image: item 1 (hvc1, named), 2 (Exif), 3 (XMP), 4 (thumbnail); mdat holds
/// pixels, Exif, thumbnail, XMP in that order; meta before mdat unless `mdat_first`.
fn still(mdat_first: bool) -> Vec<u8> {
    let payload = [PIXELS, EXIF, THUMB, XMP].concat();
    let build = |base: u32| {
        let at = |n: usize| base + u32::try_from(n).unwrap();
        let (p, e, t, x) = (
            at(0),
            at(PIXELS.len()),
            at(PIXELS.len() + EXIF.len()),
            at(PIXELS.len() + EXIF.len() + THUMB.len()),
        );
        meta(&[
            hdlr("Encoder v1.2 by Alice"),
            pitm(1),
            iloc(
                0,
                &[
                    (1, 0, &[(p, PIXELS.len() as u32)]),
                    (2, 0, &[(e, EXIF.len() as u32)]),
                    (3, 0, &[(x, XMP.len() as u32)]),
                    (4, 0, &[(t, THUMB.len() as u32)]),
                ],
            ),
            iinf(&[
                infe(1, b"hvc1", "Alice's photo"),
                infe(2, b"Exif", ""),
                infe_mime(3, "application/rdf+xml"),
                infe(4, b"hvc1", ""),
            ]),
            iref(&[
                (b"thmb", 4, &[1]),
                (b"cdsc", 2, &[1]),
                (b"cdsc", 3, &[1, 4]),
            ]),
            iprp(
                &[
                    colr_prof(ICC),
                    bx(b"hvcC", b"config"),
                    ispe(64, 48),
                    colr_nclx(),
                    bx(b"irot", &[1]),
                    ispe(8, 6),
                ],
                ipma(&[
                    (
                        1,
                        &[(false, 1), (true, 2), (false, 3), (false, 4), (true, 5)],
                    ),
                    (4, &[(true, 2), (false, 6)]),
                ]),
            ),
        ])
    };
    if mdat_first {
        let mdat = bx(b"mdat", &payload);
        let base = u32::try_from(ftyp().len() + 8).unwrap();
        cat(&[ftyp(), mdat, build(base)])
    } else {
        let len = build(0).len();
        let base = u32::try_from(ftyp().len() + len + 8).unwrap();
        cat(&[ftyp(), build(base), bx(b"mdat", &payload)])
    }
}

fn strip(input: &[u8]) -> Result<Vec<u8>, Error> {
    crate::strip(input, Limits::default())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn assert_clean(out: &[u8]) {
    assert!(!contains(out, b"CANARY"), "a canary survived");
    assert!(!contains(out, b"Alice"), "a name survived");
}

fn offset_of(data: &[u8], needle: &[u8]) -> usize {
    data.windows(needle.len())
        .position(|w| w == needle)
        .unwrap()
}
