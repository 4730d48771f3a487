//! Unit tests on hand-built box trees. The builders write what ISO 14496-12 / 23008-12 say
//! (and, on purpose, what they forbid); `resolve` is an independent reader of item data.

use super::*;
use crate::{Keep, Limit, Limits, Stripper};

mod allow_list;
mod errors;
mod item_data;
mod jpeg_coded;
mod mini_box;
mod policy;
mod robustness;
mod sequences;

// ----------------------------------------------------------------------------------------
// Builders
// ----------------------------------------------------------------------------------------

fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut v = u32::try_from(body.len() + 8)
        .unwrap()
        .to_be_bytes()
        .to_vec();
    v.extend_from_slice(kind);
    v.extend_from_slice(body);
    v
}

/// A box with a 64-bit `largesize`.
fn bx64(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut v = 1u32.to_be_bytes().to_vec();
    v.extend_from_slice(kind);
    v.extend_from_slice(&(body.len() as u64 + 16).to_be_bytes());
    v.extend_from_slice(body);
    v
}

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

// ----------------------------------------------------------------------------------------
// An independent reader: top-level boxes, then item data through iloc (and idat).
// ----------------------------------------------------------------------------------------

fn be(b: &[u8]) -> u64 {
    b.iter().fold(0, |a, &x| a << 8 | u64::from(x))
}

/// `(type, start of body, end)` of each box in `data[start..end]`.
fn boxes(data: &[u8], mut at: usize, end: usize) -> Vec<([u8; 4], usize, usize)> {
    let mut v = Vec::new();
    while at + 8 <= end {
        let size = be(&data[at..at + 4]) as usize;
        let kind: [u8; 4] = data[at + 4..at + 8].try_into().unwrap();
        let (size, head) = match size {
            0 => (end - at, 8),
            1 => (be(&data[at + 8..at + 16]) as usize, 16),
            s => (s, 8),
        };
        v.push((kind, at + head, at + size));
        at += size;
    }
    v
}

fn child(data: &[u8], start: usize, end: usize, kind: &[u8; 4]) -> Option<(usize, usize)> {
    boxes(data, start, end)
        .into_iter()
        .find(|b| &b.0 == kind)
        .map(|b| (b.1, b.2))
}

/// The meta box's `(body start after version/flags, end)`.
fn meta_of(data: &[u8]) -> (usize, usize) {
    let (s, e) = child(data, 0, data.len(), b"meta").expect("meta");
    (s + 4, e)
}

/// Every item's data, by id, as a reader would resolve it.
fn resolve(data: &[u8]) -> Vec<(u32, Vec<u8>)> {
    let (ms, me) = meta_of(data);
    let (ls, le) = child(data, ms, me, b"iloc").expect("iloc");
    let idat = child(data, ms, me, b"idat")
        .map(|(s, e)| &data[s..e])
        .unwrap_or_default();
    let b = &data[ls..le];
    let version = b[0];
    let (os, ln, bs, is) = (
        usize::from(b[4] >> 4),
        usize::from(b[4] & 15),
        usize::from(b[5] >> 4),
        usize::from(b[5] & 15),
    );
    let is = if version == 0 { 0 } else { is };
    let ids = if version == 2 { 4 } else { 2 };
    let mut p = 6;
    let count = be(&b[p..p + ids]);
    p += ids;
    let mut items = Vec::new();
    for _ in 0..count {
        let id = be(&b[p..p + ids]) as u32;
        p += ids;
        let method = if version > 0 {
            p += 2;
            be(&b[p - 2..p]) & 15
        } else {
            0
        };
        p += 2;
        let base = be(&b[p..p + bs]);
        p += bs;
        let n = be(&b[p..p + 2]);
        p += 2;
        let mut bytes = Vec::new();
        for _ in 0..n {
            p += is;
            let off = (base + be(&b[p..p + os])) as usize;
            let len = be(&b[p + os..p + os + ln]) as usize;
            p += os + ln;
            let src = if method == 1 { idat } else { data };
            bytes.extend_from_slice(&src[off..off + len]);
        }
        items.push((id, bytes));
    }
    items
}

fn item(data: &[u8], id: u32) -> Option<Vec<u8>> {
    resolve(data).into_iter().find(|i| i.0 == id).map(|i| i.1)
}

/// The raw bytes of a meta child, header included.
fn meta_child(data: &[u8], kind: &[u8; 4]) -> Option<Vec<u8>> {
    let (ms, me) = meta_of(data);
    boxes(data, ms, me)
        .into_iter()
        .find(|b| &b.0 == kind)
        .map(|(_, s, e)| {
            let head = if data[s - 4..s] == *kind { 8 } else { 16 };
            data[s - head..e].to_vec()
        })
}

fn top_kinds(data: &[u8]) -> Vec<[u8; 4]> {
    boxes(data, 0, data.len())
        .into_iter()
        .map(|b| b.0)
        .collect()
}

/// Strips, checks the promises every output keeps, and returns the output.
fn stripped(input: &[u8]) -> Vec<u8> {
    let out = strip(input).unwrap();
    assert!(
        out.len() <= input.len(),
        "grew {} -> {}",
        input.len(),
        out.len()
    );
    assert_eq!(strip(&out).unwrap(), out, "not idempotent");
    assert_eq!(crate::detect(&out), crate::detect(input));
    out
}

// ----------------------------------------------------------------------------------------
// Fixtures shared by several test files
// ----------------------------------------------------------------------------------------

/// Item 1: a grid whose descriptor is in idat; items 2, 3: tiles in mdat; item 4: XMP in
/// idat between two kept idat ranges; item 5: Exif in mdat.
fn grid_in_idat() -> Vec<u8> {
    let grid = [0u8, 0, 0, 1, 0, 64, 0, 32]; // version, flags, rows-1, columns-1, 16-bit size
    let idat = [&grid[..], XMP, b"tail-of-a-second-descriptor"].concat();
    let build = |base: u32| {
        let xmp_at = grid.len() as u32;
        meta(&[
            hdlr(""),
            pitm(1),
            iinf(&[
                infe(1, b"grid", ""),
                infe(2, b"hvc1", ""),
                infe(3, b"hvc1", ""),
                infe_mime(4, "application/rdf+xml"),
                infe(5, b"Exif", ""),
                infe(6, b"iden", ""),
            ]),
            iloc(
                1,
                &[
                    (1, 1, &[(0, grid.len() as u32)]),
                    (2, 0, &[(base, 5)]),
                    (3, 0, &[(base + 5 + EXIF.len() as u32, 5)]),
                    (4, 1, &[(xmp_at, XMP.len() as u32)]),
                    (5, 0, &[(base + 5, EXIF.len() as u32)]),
                    (
                        6,
                        1,
                        &[
                            (xmp_at + XMP.len() as u32, 4),
                            (xmp_at + XMP.len() as u32 + 10, 6),
                        ],
                    ),
                ],
            ),
            iref(&[
                (b"dimg", 1, &[2, 3]),
                (b"cdsc", 4, &[1]),
                (b"cdsc", 5, &[1]),
            ]),
            iprp(
                &[ispe(64, 32), ispe(32, 32)],
                ipma(&[(1, &[(false, 1)]), (2, &[(false, 2)]), (3, &[(false, 2)])]),
            ),
            bx(b"idat", &idat),
        ])
    };
    let base = u32::try_from(ftyp().len() + build(0).len() + 8).unwrap();
    cat(&[
        ftyp(),
        build(base),
        bx(b"mdat", &[b"tile1", EXIF, b"tile2"].concat()),
    ])
}

fn trak(handler: &[u8; 4], stco: Vec<u8>, sizes: &[u32]) -> Vec<u8> {
    trak_with(handler, stco, sizes, &[])
}

/// [`trak`] with more boxes: `(container, box)`, the container one of `trak`, `mdia`,
/// `minf`, `stbl` or `av01` (the sample entry).
fn trak_with(
    handler: &[u8; 4],
    stco: Vec<u8>,
    sizes: &[u32],
    extra: &[(&[u8; 4], Vec<u8>)],
) -> Vec<u8> {
    let more = |at: &[u8; 4]| -> Vec<u8> {
        extra
            .iter()
            .filter(|e| e.0 == at)
            .flat_map(|e| e.1.clone())
            .collect()
    };
    let mut tkhd = vec![0u8; 80];
    tkhd[0..4].copy_from_slice(&[0, 0, 0, 1]); // creation time, as a canary
    tkhd[72..76].copy_from_slice(&(16u32 << 16).to_be_bytes());
    tkhd[76..80].copy_from_slice(&(8u32 << 16).to_be_bytes());
    let mut stsz = vec![0u8; 4];
    stsz.extend_from_slice(&u32::try_from(sizes.len()).unwrap().to_be_bytes());
    for s in sizes {
        stsz.extend_from_slice(&s.to_be_bytes());
    }
    let stsc = [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]; // one sample per chunk
    let mut entry = vec![0u8; 78];
    entry[42..51].copy_from_slice(b"CANARY-av");
    let entry = bx(
        b"av01",
        &[
            entry,
            bx(b"av1C", b"cfg"),
            colr_prof(b"CANARY-track-icc"),
            more(b"av01"),
        ]
        .concat(),
    );
    let stsd = full(b"stsd", 0, 0, &[&[0u8, 0, 0, 1][..], &entry].concat());
    let stbl = bx(
        b"stbl",
        &cat(&[
            stsd,
            full(b"stsc", 0, 0, &stsc),
            full(b"stsz", 0, 0, &stsz),
            stco,
            more(b"stbl"),
        ]),
    );
    let minf = bx(
        b"minf",
        &cat(&[full(b"vmhd", 0, 1, &[0; 8]), stbl, more(b"minf")]),
    );
    let mdia = bx(
        b"mdia",
        &cat(&[
            full(
                b"mdhd",
                0,
                0,
                &[0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0],
            ),
            full(
                b"hdlr",
                0,
                0,
                &[&[0u8; 4][..], handler, &[0; 12], b"CANARY-handler\0"].concat(),
            ),
            minf,
            more(b"mdia"),
        ]),
    );
    bx(
        b"trak",
        &cat(&[
            full(b"tkhd", 0, 1, &tkhd),
            mdia,
            bx(b"udta", b"CANARY-udta"),
            meta(&[hdlr("")]),
            more(b"trak"),
        ]),
    )
}

fn stco(offsets: &[u32]) -> Vec<u8> {
    let mut b = u32::try_from(offsets.len()).unwrap().to_be_bytes().to_vec();
    for o in offsets {
        b.extend_from_slice(&o.to_be_bytes());
    }
    full(b"stco", 0, 0, &b)
}

fn co64(offsets: &[u64]) -> Vec<u8> {
    let mut b = u32::try_from(offsets.len()).unwrap().to_be_bytes().to_vec();
    for o in offsets {
        b.extend_from_slice(&o.to_be_bytes());
    }
    full(b"co64", 0, 0, &b)
}

/// A sequence: a still primary item, a color track (stco) and an alpha track (co64) whose
/// samples interleave in mdat with an Exif item, and a timed-metadata track.
fn sequence() -> Vec<u8> {
    sequence_with(true)
}

fn sequence_with(with_meta: bool) -> Vec<u8> {
    let samples: [&[u8]; 4] = [b"frame-0", b"alpha-0", b"frame-1", b"alpha-1"];
    let mut mdat = Vec::new();
    let mut at = Vec::new();
    for (i, s) in samples.iter().enumerate() {
        at.push(mdat.len() as u32);
        mdat.extend_from_slice(s);
        if i == 1 {
            mdat.extend_from_slice(EXIF);
        }
    }
    let exif_at = 14u32;
    let gps_at = mdat.len() as u32;
    mdat.extend_from_slice(b"CANARY-gps-sample");
    let build = |base: u32| {
        let m = meta(&[
            hdlr(""),
            pitm(1),
            iloc(
                0,
                &[
                    (1, 0, &[(base + at[0], 7)]),
                    (2, 0, &[(base + exif_at, EXIF.len() as u32)]),
                ],
            ),
            iinf(&[infe(1, b"av01", ""), infe(2, b"Exif", "")]),
            iprp(&[ispe(16, 8)], ipma(&[(1, &[(false, 1)])])),
        ]);
        let mvhd = full(
            b"mvhd",
            0,
            0,
            &[[0u8, 0, 0, 5].as_slice(), &[0, 0, 0, 6], &[0; 88]].concat(),
        );
        let moov = bx(
            b"moov",
            &cat(&[
                mvhd,
                trak(b"pict", stco(&[base + at[0], base + at[2]]), &[7, 7]),
                trak(
                    b"auxv",
                    co64(&[u64::from(base + at[1]), u64::from(base + at[3])]),
                    &[7, 7],
                ),
                trak(b"meta", stco(&[base + gps_at]), &[17]),
                bx(b"udta", b"CANARY-moov-udta"),
            ]),
        );
        if with_meta {
            cat(&[m, moov])
        } else {
            moov
        }
    };
    let base = u32::try_from(ftyp().len() + build(0).len() + 8).unwrap();
    cat(&[ftyp(), build(base), bx(b"mdat", &mdat)])
}

fn offset_of(data: &[u8], needle: &[u8]) -> usize {
    data.windows(needle.len())
        .position(|w| w == needle)
        .unwrap()
}
