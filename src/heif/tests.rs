//! Unit tests on hand-built box trees. The builders write what ISO 14496-12 / 23008-12 say
//! (and, on purpose, what they forbid); `resolve` is an independent reader of item data.

use super::*;
use crate::{Keep, Limit, Limits, Stripper};

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
                    full(b"irot", 0, 0, &[1]),
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
// Policy tables
// ----------------------------------------------------------------------------------------

#[test]
fn top_level_policy_matches_the_spec() {
    assert_eq!(top_verdict(b"meta"), Top::Meta);
    assert_eq!(top_verdict(b"moov"), Top::Moov);
    assert_eq!(top_verdict(b"mdat"), Top::Mdat);
    assert_eq!(top_verdict(b"mini"), Top::Mini);
    assert_eq!(top_verdict(b"moof"), Top::Fragment);
    for kind in [
        b"free", b"skip", b"udta", b"uuid", b"mpvd", b"sefd", b"jumb", b"ftyp", b"zzzz",
    ] {
        assert_eq!(top_verdict(kind), Top::Drop(Kinds::OTHER), "{kind:?}");
    }
    assert_eq!(top_verdict(b"xml "), Top::Drop(Kinds::XMP));
}

#[test]
fn item_policy_matches_the_spec() {
    let data = [
        infe(1, b"Exif", ""),
        infe_mime(2, "application/rdf+xml"),
        infe_mime(3, "text/plain"),
        infe(4, b"uri ", ""),
        infe(5, b"iptc", ""),
        infe(6, b"jumb", ""),
    ];
    let expect = [
        Kinds::EXIF,
        Kinds::XMP,
        Kinds::OTHER,
        Kinds::OTHER,
        Kinds::IPTC,
        Kinds::OTHER,
    ];
    for (raw, kind) in data.iter().zip(expect) {
        let bytes = iinf(std::slice::from_ref(raw));
        let it = items::read_iinf(
            &next_box(&mut Reader::new(&bytes, Format::Heif))
                .unwrap()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(item_verdict(&it.items[0]), Verdict::Drop(kind));
    }
    for kind in [
        b"hvc1", b"av01", b"grid", b"iden", b"iovl", b"jpeg", b"tmap", b"unci",
    ] {
        let bytes = iinf(&[infe(1, kind, "")]);
        let it = items::read_iinf(
            &next_box(&mut Reader::new(&bytes, Format::Heif))
                .unwrap()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(item_verdict(&it.items[0]), Verdict::Keep, "{kind:?}");
    }
}

#[test]
fn property_policy_matches_the_spec() {
    let verdict = |raw: Vec<u8>, keep| {
        property_verdict(
            &next_box(&mut Reader::new(&raw, Format::Heif))
                .unwrap()
                .unwrap(),
            keep,
        )
    };
    assert_eq!(
        verdict(colr_prof(ICC), Keep::empty()),
        Verdict::Drop(Kinds::ICC)
    );
    assert_eq!(
        verdict(bx(b"colr", b"rICCxyz"), Keep::empty()),
        Verdict::Drop(Kinds::ICC)
    );
    assert_eq!(verdict(colr_prof(ICC), Keep::ICC), Verdict::Keep);
    assert_eq!(verdict(colr_nclx(), Keep::empty()), Verdict::Keep);
    assert_eq!(
        verdict(full(b"udes", 0, 0, b"en\0title\0"), Keep::DISPLAY),
        Verdict::Drop(Kinds::TEXT)
    );
    for kind in [
        b"ispe", b"irot", b"imir", b"clap", b"pixi", b"hvcC", b"av1C", b"auxC",
    ] {
        assert_eq!(
            verdict(bx(kind, b"...."), Keep::empty()),
            Verdict::Keep,
            "{kind:?}"
        );
    }
}

// ----------------------------------------------------------------------------------------
// Items and their bytes
// ----------------------------------------------------------------------------------------

#[test]
fn drops_metadata_items_and_their_bytes_in_mdat() {
    let input = still(false);
    let out = stripped(&input);
    assert_clean(&out);
    assert_eq!(item(&out, 1).unwrap(), PIXELS);
    assert_eq!(item(&out, 4).unwrap(), THUMB);
    assert_eq!(resolve(&out).len(), 2);
    // iinf: two entries, names emptied.
    let iinf = meta_child(&out, b"iinf").unwrap();
    assert_eq!(
        iinf,
        self::iinf(&[infe(1, b"hvc1", ""), infe(4, b"hvc1", "")])
    );
    // iref: the thumbnail reference stays, cdsc from the removed items goes.
    assert_eq!(
        meta_child(&out, b"iref").unwrap(),
        iref(&[(b"thmb", 4, &[1])])
    );
    // hdlr: same handler, empty name.
    assert_eq!(meta_child(&out, b"hdlr").unwrap(), hdlr(""));
    // The mdat holds only the kept bytes, in input order.
    assert_eq!(top_kinds(&out), [*b"ftyp", *b"meta", *b"mdat"]);
    assert!(out.ends_with(&bx(b"mdat", &[PIXELS, THUMB].concat())));
    let report = Stripper::new().strip(&input).unwrap().report;
    assert_eq!(
        report.removed,
        Kinds::EXIF | Kinds::XMP | Kinds::ICC | Kinds::TEXT | Kinds::OTHER
    );
    assert_eq!((report.width, report.height), (64, 48));
    assert_eq!(report.bytes_removed, (input.len() - out.len()) as u64);
}

#[test]
fn iloc_offsets_follow_the_shrunk_meta() {
    let input = still(false);
    let out = stripped(&input);
    let (_, meta_end) = child(&out, 0, out.len(), b"meta").unwrap();
    // mdat payload starts right after meta; item 1 first, then item 4.
    let iloc = meta_child(&out, b"iloc").unwrap();
    let first = u32::try_from(meta_end + 8).unwrap();
    let expected = iloc_rebuilt(&[
        (1, &[(first, PIXELS.len() as u32)]),
        (4, &[(first + PIXELS.len() as u32, THUMB.len() as u32)]),
    ]);
    assert_eq!(iloc, expected);
}

/// What the walker writes: version 0, 4-byte offsets and lengths, no base offset.
fn iloc_rebuilt(locs: &[(u16, &[(u32, u32)])]) -> Vec<u8> {
    iloc(
        0,
        &locs.iter().map(|&(id, e)| (id, 0, e)).collect::<Vec<_>>(),
    )
}

#[test]
fn mdat_before_meta_is_relocated_after_it() {
    let input = still(true);
    assert_eq!(top_kinds(&input), [*b"ftyp", *b"mdat", *b"meta"]);
    let out = stripped(&input);
    assert_clean(&out);
    assert_eq!(top_kinds(&out), [*b"ftyp", *b"meta", *b"mdat"]);
    assert_eq!(item(&out, 1).unwrap(), PIXELS);
    assert_eq!(item(&out, 4).unwrap(), THUMB);
}

#[test]
fn ipma_is_remapped_after_a_property_goes() {
    let out = stripped(&still(false));
    let iprp = meta_child(&out, b"iprp").unwrap();
    // colr prof (index 1) goes; hvcC, ispe, nclx, irot, ispe shift down by one; essential
    // bits stay with their properties.
    let expected = iprp_of(
        &[
            bx(b"hvcC", b"config"),
            ispe(64, 48),
            colr_nclx(),
            full(b"irot", 0, 0, &[1]),
            ispe(8, 6),
        ],
        ipma(&[
            (1, &[(true, 1), (false, 2), (false, 3), (true, 4)]),
            (4, &[(true, 1), (false, 5)]),
        ]),
    );
    assert_eq!(iprp, expected);
}

fn iprp_of(props: &[Vec<u8>], ipma: Vec<u8>) -> Vec<u8> {
    iprp(props, ipma)
}

#[test]
fn keep_icc_keeps_the_profile_and_every_index() {
    let input = still(false);
    let out = Stripper::new().keep(Keep::ICC).strip(&input).unwrap().data;
    assert!(contains(&out, ICC));
    assert!(!contains(&out, b"CANARY-EXIF") && !contains(&out, b"CANARY-XMP"));
    let iprp = meta_child(&out, b"iprp").unwrap();
    assert_eq!(iprp, meta_child(&input, b"iprp").unwrap());
}

#[test]
fn unassociated_properties_go() {
    // Property 2 (a free padding box) and 3 (a property only the Exif item uses) go.
    let build = |base: u32| {
        meta(&[
            hdlr(""),
            pitm(1),
            iloc(0, &[(1, 0, &[(base, 4)]), (2, 0, &[(base + 4, 4)])]),
            iinf(&[infe(1, b"av01", ""), infe(2, b"Exif", "")]),
            iprp(
                &[ispe(4, 4), bx(b"free", b"junk"), bx(b"abcd", b"x")],
                ipma(&[(1, &[(false, 1)]), (2, &[(false, 3)])]),
            ),
        ])
    };
    let base = u32::try_from(ftyp().len() + build(0).len() + 8).unwrap();
    let input = cat(&[ftyp(), build(base), bx(b"mdat", b"PIXEexif")]);
    let out = stripped(&input);
    assert!(!contains(&out, b"junk") && !contains(&out, b"abcd") && !contains(&out, b"exif"));
    assert_eq!(
        meta_child(&out, b"iprp").unwrap(),
        iprp(&[ispe(4, 4)], ipma(&[(1, &[(false, 1)])]))
    );
}

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

#[test]
fn drops_items_in_idat_and_rewrites_idat_offsets() {
    let input = grid_in_idat();
    let out = stripped(&input);
    assert_clean(&out);
    let before = resolve(&input);
    for id in [1, 2, 3, 6] {
        assert_eq!(
            item(&out, id),
            before.iter().find(|i| i.0 == id).map(|i| i.1.clone()),
            "item {id}"
        );
    }
    assert_eq!(resolve(&out).len(), 4);
    // idat keeps the grid descriptor and the two ranges of item 6, and nothing else.
    let idat = meta_child(&out, b"idat").unwrap();
    assert_eq!(
        idat,
        bx(
            b"idat",
            &[&[0u8, 0, 0, 1, 0, 64, 0, 32][..], b"tail", b"second"].concat()
        )
    );
    assert_eq!(
        meta_child(&out, b"iref").unwrap(),
        iref(&[(b"dimg", 1, &[2, 3])])
    );
}

#[test]
fn item_names_and_the_handler_name_are_emptied() {
    let out = stripped(&still(false));
    let iinf = meta_child(&out, b"iinf").unwrap();
    assert!(!contains(&iinf, b"Alice"));
    assert_eq!(meta_child(&out, b"hdlr").unwrap(), hdlr(""));
}

#[test]
fn drops_top_level_vendor_boxes_and_trailing_garbage() {
    let input = still(false);
    let extra = cat(&[
        bx(b"free", b"CANARY-free"),
        bx(b"udta", &bx(b"\xA9day", b"CANARY-2024")),
        bx(b"uuid", &[[7u8; 16].as_slice(), b"CANARY-uuid"].concat()),
        bx(b"mpvd", b"CANARY-video"),
        bx(b"sefd", b"CANARY-sefd"),
    ]);
    let out_ref = stripped(&input);
    // Vendor boxes after mdat, then bytes that are not a box (a size below 8).
    let tail = cat(&[input.clone(), extra, b"\0\0\0\x05zz".to_vec()]);
    let out = stripped(&tail);
    assert_eq!(out, out_ref);
    let report = Stripper::new().strip(&tail).unwrap().report;
    assert!(report.removed.contains(Kinds::TRAILER | Kinds::OTHER));
}

#[test]
fn references_to_and_from_dropped_items_go_and_empty_irefs_vanish() {
    let build = |base: u32| {
        meta(&[
            hdlr(""),
            pitm(1),
            iloc(0, &[(1, 0, &[(base, 4)]), (2, 0, &[(base + 4, 4)])]),
            iinf(&[infe(1, b"av01", ""), infe(2, b"Exif", "")]),
            iref(&[(b"cdsc", 2, &[1])]),
            iprp(&[ispe(4, 4)], ipma(&[(1, &[(false, 1)])])),
        ])
    };
    let base = u32::try_from(ftyp().len() + build(0).len() + 8).unwrap();
    let input = cat(&[ftyp(), build(base), bx(b"mdat", b"PIXEexif")]);
    let out = stripped(&input);
    assert!(meta_child(&out, b"iref").is_none());
    assert_eq!(item(&out, 1).unwrap(), b"PIXE");
}

#[test]
fn groups_lose_dropped_entities() {
    let grpl = bx(
        b"grpl",
        &cat(&[
            full(
                b"altr",
                0,
                0,
                &[0, 0, 0, 9, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2],
            ),
            full(b"ster", 0, 0, &[0, 0, 0, 8, 0, 0, 0, 1, 0, 0, 0, 2]),
        ]),
    );
    let build = |base: u32| {
        meta(&[
            hdlr(""),
            pitm(1),
            iloc(0, &[(1, 0, &[(base, 4)]), (2, 0, &[(base + 4, 4)])]),
            iinf(&[infe(1, b"av01", ""), infe(2, b"Exif", "")]),
            iprp(&[ispe(4, 4)], ipma(&[(1, &[(false, 1)])])),
            grpl.clone(),
        ])
    };
    let base = u32::try_from(ftyp().len() + build(0).len() + 8).unwrap();
    let input = cat(&[ftyp(), build(base), bx(b"mdat", b"PIXEexif")]);
    let out = stripped(&input);
    assert_eq!(
        meta_child(&out, b"grpl").unwrap(),
        bx(
            b"grpl",
            &full(b"altr", 0, 0, &[0, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0, 1])
        )
    );
}

// ----------------------------------------------------------------------------------------
// Sizes: 64-bit boxes, size 0, several mdats, 64-bit iloc fields
// ----------------------------------------------------------------------------------------

#[test]
fn reads_64_bit_sizes_size_zero_and_several_mdats() {
    // Two mdats (the second with a 64-bit size, the last one to the end of the file), a
    // 64-bit meta, and iloc with 8-byte offsets and a base offset.
    let build = |a: u64, b: u64| {
        let mut body = vec![0x88, 0x80, 0, 2];
        for (id, off, len) in [(1u16, a, 4u64), (2, b, 7)] {
            body.extend_from_slice(&id.to_be_bytes());
            body.extend_from_slice(&[0, 0]);
            body.extend_from_slice(&(off - 1).to_be_bytes()); // base offset
            body.extend_from_slice(&[0, 1]);
            body.extend_from_slice(&1u64.to_be_bytes());
            body.extend_from_slice(&len.to_be_bytes());
        }
        let iloc = full(b"iloc", 0, 0, &body);
        let children = [
            hdlr(""),
            pitm(1),
            iloc,
            iinf(&[infe(1, b"av01", ""), infe(2, b"Exif", "")]),
            iprp(&[ispe(4, 4)], ipma(&[(1, &[(false, 1)])])),
        ];
        bx64(b"meta", &[&[0u8; 4][..], &children.concat()].concat())
    };
    let len = build(1, 1).len();
    let a = (ftyp().len() + len + 16) as u64;
    let b = a + 4 + 8;
    let mut input = cat(&[ftyp(), build(a, b), bx64(b"mdat", b"PIXE")]);
    input.extend_from_slice(&[0, 0, 0, 0]);
    input.extend_from_slice(b"mdat");
    input.extend_from_slice(b"exif-gps");
    let out = stripped(&input);
    assert_eq!(item(&out, 1).unwrap(), b"PIXE");
    assert!(!contains(&out, b"exif"));
    assert_eq!(top_kinds(&out), [*b"ftyp", *b"meta", *b"mdat"]);
}

#[test]
fn writes_a_64_bit_mdat_only_when_needed() {
    let layout = Layout::new(vec![(0, 4)]);
    let mut out = Vec::new();
    write_mdat(b"abcd", &[], &layout, &mut out);
    assert_eq!(out, bx(b"mdat", b"abcd"));
}

// ----------------------------------------------------------------------------------------
// Image sequences
// ----------------------------------------------------------------------------------------

fn trak(handler: &[u8; 4], stco: Vec<u8>, sizes: &[u32]) -> Vec<u8> {
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
        &[entry, bx(b"av1C", b"cfg"), colr_prof(b"CANARY-track-icc")].concat(),
    );
    let stsd = full(b"stsd", 0, 0, &[&[0u8, 0, 0, 1][..], &entry].concat());
    let stbl = bx(
        b"stbl",
        &cat(&[
            stsd,
            full(b"stsc", 0, 0, &stsc),
            full(b"stsz", 0, 0, &stsz),
            stco,
        ]),
    );
    let minf = bx(b"minf", &cat(&[full(b"vmhd", 0, 1, &[0; 8]), stbl]));
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
        ]),
    );
    bx(
        b"trak",
        &cat(&[
            full(b"tkhd", 0, 1, &tkhd),
            mdia,
            bx(b"udta", b"CANARY-udta"),
            meta(&[hdlr("")]),
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

/// `(offset, size)` of each chunk of each track, read back through stco/co64 and stsz.
fn chunks(data: &[u8]) -> Vec<Vec<u8>> {
    let (ms, me) = child(data, 0, data.len(), b"moov").unwrap();
    let mut v = Vec::new();
    for (kind, s, e) in boxes(data, ms, me) {
        if &kind != b"trak" {
            continue;
        }
        let (ds, de) = child(data, s, e, b"mdia").unwrap();
        let (ns, ne) = child(data, ds, de, b"minf").unwrap();
        let (bs, be_) = child(data, ns, ne, b"stbl").unwrap();
        let (zs, _) = child(data, bs, be_, b"stsz").unwrap();
        let (offsets, width) = match child(data, bs, be_, b"stco") {
            Some((cs, _)) => (cs, 4),
            None => (child(data, bs, be_, b"co64").unwrap().0, 8),
        };
        let n = be(&data[offsets + 4..offsets + 8]) as usize;
        for i in 0..n {
            let o = be(&data[offsets + 8 + i * width..offsets + 8 + (i + 1) * width]) as usize;
            let size = be(&data[zs + 12 + i * 4..zs + 16 + i * 4]) as usize;
            v.push(data[o..o + size].to_vec());
        }
    }
    v
}

#[test]
fn sequences_keep_every_chunk_through_stco_and_co64() {
    let input = sequence();
    let before = chunks(&input);
    assert_eq!(before.len(), 5);
    let out = stripped(&input);
    assert_clean(&out);
    // The metadata track is gone; the two others keep every sample, in order.
    assert_eq!(chunks(&out), before[..4].to_vec());
    assert_eq!(item(&out, 1).unwrap(), b"frame-0");
    assert!(!contains(&out, b"udta") && !contains(&out, b"CANARY"));
    let report = Stripper::new().strip(&input).unwrap().report;
    assert_eq!(report.frames, 2);
    assert!(report
        .removed
        .contains(Kinds::EXIF | Kinds::TIMESTAMP | Kinds::ICC | Kinds::OTHER));
    // The mdat holds exactly the four samples, once each (frame-0 is also item 1).
    assert!(out.ends_with(&bx(b"mdat", b"frame-0alpha-0frame-1alpha-1")));
}

#[test]
fn sequences_without_meta_are_stripped_too() {
    let input = sequence_with(false);
    let out = stripped(&input);
    assert!(!contains(&out, b"CANARY"));
    assert_eq!(top_kinds(&out), [*b"ftyp", *b"moov", *b"mdat"]);
    assert_eq!(chunks(&out), chunks(&input)[..4].to_vec());
}

#[test]
fn sequence_frames_count_toward_the_animation_limit() {
    let limits = Limits {
        max_animation_pixels: 16 * 8 * 2 - 1,
        ..Limits::default()
    };
    let e = Stripper::new()
        .limits(limits)
        .strip(&sequence())
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::LimitExceeded {
                limit: Limit::AnimationPixels,
                value: 256,
                ..
            }
        ),
        "{e:?}"
    );
}

// ----------------------------------------------------------------------------------------
// Errors, each with its offset
// ----------------------------------------------------------------------------------------

fn offset_of(data: &[u8], needle: &[u8]) -> usize {
    data.windows(needle.len())
        .position(|w| w == needle)
        .unwrap()
}

#[test]
fn construction_method_2_is_unsupported_at_its_entry() {
    let m = meta(&[
        hdlr(""),
        pitm(1),
        iloc(1, &[(1, 2, &[(0, 4)])]),
        iinf(&[infe(1, b"av01", "")]),
    ]);
    let input = cat(&[ftyp(), m]);
    let e = strip(&input).unwrap_err();
    let iloc_at = offset_of(&input, b"iloc") - 4;
    assert_eq!(
        e,
        Error::Unsupported {
            format: Format::Heif,
            offset: iloc_at + 16,
            what: "construction method 2 (data from other items)"
        }
    );
}

#[test]
fn external_data_references_are_unsupported() {
    let dref = full(
        b"dref",
        0,
        0,
        &[
            &[0u8, 0, 0, 1][..],
            &full(b"url ", 0, 0, b"file:///home/alice/x\0"),
        ]
        .concat(),
    );
    let input = cat(&[ftyp(), meta(&[hdlr(""), bx(b"dinf", &dref)])]);
    let e = strip(&input).unwrap_err();
    assert!(
        matches!(e, Error::Unsupported { offset, .. } if offset == offset_of(&input, b"url ") - 4),
        "{e:?}"
    );
    // A self-contained entry (flag 1) is fine.
    let dref = full(
        b"dref",
        0,
        0,
        &[&[0u8, 0, 0, 1][..], &full(b"url ", 0, 1, b"")].concat(),
    );
    let input = cat(&[ftyp(), meta(&[hdlr(""), bx(b"dinf", &dref)])]);
    assert!(strip(&input).is_ok());
}

/// One hvc1 item whose single extent is `(offset, len)`, then `tail` at top level.
fn one_item(offset: u32, len: u32, tail: &[Vec<u8>]) -> Vec<u8> {
    let m = meta(&[
        hdlr("Alice's encoder"),
        pitm(1),
        iloc(0, &[(1, 0, &[(offset, len)])]),
        iinf(&[infe(1, b"hvc1", "")]),
        iprp(
            &[bx(b"hvcC", b"config"), ispe(64, 48)],
            ipma(&[(1, &[(true, 1), (false, 2)])]),
        ),
    ]);
    cat(&[&[ftyp(), m][..], tail].concat())
}

/// Data the file says is the image but that lies in a box the walker rewrites or drops (a
/// fuzz find: a sequence's chunk at offset 0 covered `ftyp`, `meta` and `moov`, so the
/// output held them twice and was larger than the input, with the old metadata inside).
#[test]
fn data_outside_every_mdat_is_unsupported() {
    let unsupported = |offset: usize| Error::Unsupported {
        format: Format::Heif,
        offset,
        what: "item or sample data outside every mdat box",
    };
    let head = one_item(0, 0, &[]).len();
    let at = |n: usize| u32::try_from(head + n).unwrap();
    let len = PIXELS.len() as u32;
    // In an mdat: kept.
    let ok = one_item(at(8), len, &[bx(b"mdat", PIXELS)]);
    assert_eq!(item(&strip(&ok).unwrap(), 1).unwrap(), PIXELS);
    // In the meta box itself: the handler name would be copied as pixels.
    let probe = one_item(0, 0, &[]);
    let name = u32::try_from(offset_of(&probe, b"Alice")).unwrap();
    let input = one_item(name, 5, &[bx(b"mdat", PIXELS)]);
    assert_eq!(strip(&input), Err(unsupported(name as usize)));
    // In a dropped uuid box, in a broken box that ends the walk, across two boxes.
    let uuid = bx(b"uuid", b"CANARY-xmp-in-a-uuid-box");
    let input = one_item(at(8), 10, std::slice::from_ref(&uuid));
    assert_eq!(strip(&input), Err(unsupported(head + 8)));
    let broken = cat(&[vec![0, 0, 0xFF, 0xFF, 0, 0, 0, 0], PIXELS.to_vec()]);
    let input = one_item(at(8), len, &[broken]);
    assert_eq!(strip(&input), Err(unsupported(head + 8)));
    let input = one_item(at(8), len + 4, &[bx(b"mdat", PIXELS), uuid]);
    assert_eq!(strip(&input), Err(unsupported(head + 8)));
    // A sequence's chunk at offset 0.
    let mvhd = full(b"mvhd", 0, 0, &[0; 96]);
    let moov = bx(b"moov", &cat(&[mvhd, trak(b"pict", stco(&[0]), &[24])]));
    let input = cat(&[ftyp(), moov, bx(b"mdat", PIXELS)]);
    assert_eq!(strip(&input), Err(unsupported(0)));
}

#[test]
fn extents_past_the_end_are_truncated_errors() {
    let input = still(false);
    // Cut inside the XMP item, which is dropped: what the kept items need is all there.
    let cut = &input[..input.len() - XMP.len() + 3];
    let out = strip(cut).unwrap();
    assert_eq!(item(&out, 4).unwrap(), THUMB);
    // Cut inside the thumbnail: its bytes are missing.
    let cut = &input[..input.len() - XMP.len() - THUMB.len() + 2];
    let e = strip(cut).unwrap_err();
    let thumb_at = offset_of(&input, THUMB);
    assert_eq!(
        e,
        Error::Truncated {
            format: Format::Heif,
            offset: thumb_at,
            needed: THUMB.len() - 2
        }
    );
    // Cut before the thumbnail starts: the error points at the end of the input, never past
    // it (a fuzz find: the offset was the extent's own, outside the input).
    let cut = &input[..thumb_at - 3];
    let e = strip(cut).unwrap_err();
    assert_eq!(
        e,
        Error::Truncated {
            format: Format::Heif,
            offset: cut.len(),
            needed: THUMB.len() + 3
        }
    );
}

#[test]
fn a_cut_meta_is_truncated_at_the_meta_box() {
    let input = still(false);
    let meta_at = ftyp().len();
    let e = strip(&input[..meta_at + 40]).unwrap_err();
    assert!(
        matches!(e, Error::Truncated { offset, .. } if offset == meta_at),
        "{e:?}"
    );
    let e = strip(&input[..meta_at]).unwrap_err();
    assert_eq!(
        e,
        Error::Malformed {
            format: Format::Heif,
            offset: meta_at,
            what: "no meta, moov or mini box".into()
        }
    );
}

#[test]
fn fragmented_files_are_unsupported() {
    let input = cat(&[still(false), bx(b"moof", b"")]);
    let e = strip(&input).unwrap_err();
    assert!(matches!(e, Error::Unsupported { offset, .. } if offset == input.len() - 8));
}

#[test]
fn counts_larger_than_their_box_are_malformed_before_allocating() {
    // iloc claims 65535 items in a few bytes.
    let mut bad = iloc(0, &[]);
    let count_at = bad.len() - 2;
    bad[count_at..].copy_from_slice(&[0xFF, 0xFF]);
    let input = cat(&[ftyp(), meta(&[hdlr(""), bad])]);
    let e = strip(&input).unwrap_err();
    assert!(
        matches!(e, Error::Malformed { offset, .. } if offset == offset_of(&input, b"iloc") + 10),
        "{e:?}"
    );
    // ipma claims 2^32 - 1 entries.
    let bad = full(b"ipma", 0, 0, &[0xFF, 0xFF, 0xFF, 0xFF]);
    let input = cat(&[ftyp(), meta(&[hdlr(""), iprp(&[], bad)])]);
    let e = strip(&input).unwrap_err();
    assert!(
        matches!(e, Error::Malformed { offset, .. } if offset == offset_of(&input, b"ipma") + 8),
        "{e:?}"
    );
}

#[test]
fn property_indices_past_ipco_are_malformed() {
    let input = cat(&[
        ftyp(),
        meta(&[
            hdlr(""),
            pitm(1),
            iinf(&[infe(1, b"av01", "")]),
            iprp(&[ispe(1, 1)], ipma(&[(1, &[(false, 2)])])),
        ]),
    ]);
    let e = strip(&input).unwrap_err();
    assert!(
        matches!(e, Error::Malformed { offset, .. } if offset == offset_of(&input, b"ipma") - 4),
        "{e:?}"
    );
}

#[test]
fn a_metadata_primary_item_is_malformed() {
    let input = cat(&[
        ftyp(),
        meta(&[hdlr(""), pitm(2), iinf(&[infe(2, b"Exif", "")])]),
    ]);
    let e = strip(&input).unwrap_err();
    assert!(
        matches!(e, Error::Malformed { offset, .. } if offset == offset_of(&input, b"pitm") + 8),
        "{e:?}"
    );
}

#[test]
fn primary_ispe_is_checked_against_the_limits() {
    let input = cat(&[
        ftyp(),
        meta(&[
            hdlr(""),
            pitm(1),
            iinf(&[infe(1, b"grid", "")]),
            iprp(&[ispe(60_000, 2)], ipma(&[(1, &[(false, 1)])])),
        ]),
    ]);
    let e = strip(&input).unwrap_err();
    let at = offset_of(&input, b"ispe") + 8;
    assert_eq!(
        e,
        Error::LimitExceeded {
            format: Format::Heif,
            offset: at,
            limit: Limit::Width,
            value: 60_000,
            max: 50_000
        }
    );
    let out = Stripper::new()
        .ignore_limit_errors(true)
        .strip(&input)
        .unwrap();
    assert!(out.report.untouched);
}

// ----------------------------------------------------------------------------------------
// Robustness: every prefix, idempotence, never larger
// ----------------------------------------------------------------------------------------

#[test]
fn every_prefix_gives_ok_or_a_typed_error() {
    for input in [still(false), still(true), grid_in_idat(), sequence()] {
        for n in 0..input.len() {
            match strip(&input[..n]) {
                Ok(out) => {
                    assert!(out.len() <= n);
                    assert_eq!(strip(&out).unwrap(), out, "prefix {n}: not idempotent");
                }
                Err(
                    Error::UnknownFormat
                    | Error::Truncated { .. }
                    | Error::Malformed { .. }
                    | Error::Unsupported { .. },
                ) => {}
                Err(e) => panic!("prefix {n}: {e:?}"),
            }
        }
    }
}

#[test]
fn single_byte_corruptions_never_panic() {
    let input = sequence();
    for i in 0..input.len() {
        for v in [0x00, 0x01, 0x7F, 0xFF] {
            let mut bad = input.clone();
            bad[i] = v;
            if let Ok(out) = strip(&bad) {
                assert_eq!(strip(&out).unwrap(), out, "byte {i} = {v}: not idempotent");
            }
        }
    }
}

#[test]
fn outputs_are_stable_and_never_larger() {
    for input in [still(false), still(true), grid_in_idat(), sequence()] {
        let out = stripped(&input);
        let display = Stripper::new()
            .keep(Keep::DISPLAY)
            .strip(&input)
            .unwrap()
            .data;
        assert!(display.len() <= input.len());
        assert_eq!(
            Stripper::new()
                .keep(Keep::DISPLAY)
                .strip(&display)
                .unwrap()
                .data,
            display
        );
        assert!(out.len() <= display.len());
    }
}

/// `iloc` with `offset_size` 0: each item's extents all start at its base offset, so the
/// rebuilt box keeps that form (a base per item, no extent offsets) rather than growing by
/// an offset per extent. Items: 1 with one extent of `PIXELS`, 2 with `repeat` extents of
/// the same 4 bytes (legal, if odd; the data is those bytes `repeat` times).
fn base_only_iloc(repeat: usize) -> Vec<u8> {
    let build = |base: u32| {
        let mut b = vec![0x04, 0x40, 0, 2]; // offset 0, length 4, base 4, index 0; 2 items
        b.extend_from_slice(&[0, 1, 0, 0, 0, 0]); // item 1, method 0, this file
        b.extend_from_slice(&base.to_be_bytes());
        b.extend_from_slice(&[0, 1]);
        b.extend_from_slice(&(PIXELS.len() as u32).to_be_bytes());
        b.extend_from_slice(&[0, 2, 0, 0, 0, 0]);
        b.extend_from_slice(&(base + 4).to_be_bytes());
        b.extend_from_slice(&u16::try_from(repeat).unwrap().to_be_bytes());
        for _ in 0..repeat {
            b.extend_from_slice(&4u32.to_be_bytes());
        }
        meta(&[
            hdlr(""),
            pitm(1),
            full(b"iloc", 1, 0, &b),
            iinf(&[infe(1, b"hvc1", ""), infe(2, b"hvc1", "")]),
            iprp(
                &[bx(b"hvcC", b"config"), ispe(64, 48)],
                ipma(&[(1, &[(true, 1), (false, 2)]), (2, &[(true, 1), (false, 2)])]),
            ),
        ])
    };
    let base = u32::try_from(ftyp().len() + build(0).len() + 8).unwrap();
    cat(&[ftyp(), build(base), bx(b"mdat", PIXELS)])
}

#[test]
fn an_iloc_without_extent_offsets_keeps_that_form_and_never_grows() {
    for repeat in [1, 2, 100] {
        let input = base_only_iloc(repeat);
        let out = stripped(&input);
        assert!(
            out.len() <= input.len(),
            "{repeat}: {} > {}",
            out.len(),
            input.len()
        );
        assert_eq!(item(&out, 1).unwrap(), PIXELS);
        assert_eq!(item(&out, 2).unwrap(), PIXELS[4..8].repeat(repeat));
        let iloc = meta_child(&out, b"iloc").unwrap();
        assert_eq!(iloc[12..14], [0x04, 0x40], "offset size 0, base size 4");
    }
}

/// An `infe` that ends right after `item_type` has no name to empty, and gets none.
#[test]
fn an_item_entry_without_a_name_field_is_not_given_one() {
    let bare = full(b"infe", 2, 0, &[&[0u8, 1, 0, 0][..], b"hvc1"].concat());
    let build = |base: u32| {
        meta(&[
            hdlr(""),
            pitm(1),
            iloc(0, &[(1, 0, &[(base, PIXELS.len() as u32)])]),
            iinf(std::slice::from_ref(&bare)),
            iprp(
                &[bx(b"hvcC", b"config"), ispe(64, 48)],
                ipma(&[(1, &[(true, 1), (false, 2)])]),
            ),
        ])
    };
    let base = u32::try_from(ftyp().len() + build(0).len() + 8).unwrap();
    let input = cat(&[ftyp(), build(base), bx(b"mdat", PIXELS)]);
    let out = stripped(&input);
    assert_eq!(out, input, "nothing to remove, nothing added");
}

// ----------------------------------------------------------------------------------------
// The low-overhead `mini` box
// ----------------------------------------------------------------------------------------

/// Packs `(value, bits)` fields most significant bit first, zero-padded to a byte.
fn bits(fields: &[(u32, usize)]) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut acc, mut n) = (0u8, 0);
    for &(value, width) in fields {
        for i in (0..width).rev() {
            acc = acc << 1 | u8::from(value >> i & 1 == 1);
            n += 1;
            if n == 8 {
                out.push(acc);
                (acc, n) = (0, 0);
            }
        }
    }
    if n > 0 {
        out.push(acc << (8 - n));
    }
    out
}

const MINI_CONFIG: &[u8] = b"CFG1";
const MINI_ICC: &[u8] = b"ICC1";
const MINI_PIXELS: &[u8] = b"MAINPIXELS";
const MINI_EXIF: &[u8] = b"CANARY";
const MINI_XMP: &[u8] = b"CANARY!";

/// The header of a 16×8 4:4:4 still with `icc`, `exif`, `xmp` chunks as flagged.
fn mini_header(icc: bool, exif: bool, xmp: bool, keep_metadata_flag: bool) -> Vec<u8> {
    let mut f = vec![(0, 2), (0, 1), (0, 1), (1, 1), (0, 1), (0, 1), (0, 1)];
    f.extend([
        (u32::from(icc), 1),
        (u32::from(exif), 1),
        (u32::from(xmp), 1),
    ]);
    f.extend([(3, 2), (0, 3), (0, 1), (15, 7), (7, 7), (0, 1)]);
    if keep_metadata_flag {
        f.push((0, 1)); // large_metadata_flag
    }
    f.extend([(0, 1), (0, 1)]); // large_codec_config_flag, large_item_data_flag
    if icc {
        f.push((MINI_ICC.len() as u32 - 1, 10));
    }
    f.extend([
        (MINI_CONFIG.len() as u32, 3),
        (MINI_PIXELS.len() as u32 - 1, 15),
    ]);
    if exif || xmp {
        f.push((0, 1)); // exif_xmp_compressed_flag
    }
    if exif {
        f.push((MINI_EXIF.len() as u32 - 1, 10));
    }
    if xmp {
        f.push((MINI_XMP.len() as u32 - 1, 10));
    }
    bits(&f)
}

fn mini_file(icc: bool, exif: bool, xmp: bool) -> Vec<u8> {
    let mut body = mini_header(icc, exif, xmp, icc || exif || xmp);
    body.extend_from_slice(MINI_CONFIG);
    if icc {
        body.extend_from_slice(MINI_ICC);
    }
    body.extend_from_slice(MINI_PIXELS);
    if exif {
        body.extend_from_slice(MINI_EXIF);
    }
    if xmp {
        body.extend_from_slice(MINI_XMP);
    }
    cat(&[bx(b"ftyp", b"mif3avif"), bx(b"mini", &body)])
}

#[test]
fn mini_loses_exif_xmp_and_icc_bit_exactly() {
    let input = mini_file(true, true, true);
    assert_eq!(crate::detect(&input), Some(Format::Avif));
    let out = stripped(&input);
    assert!(!contains(&out, b"CANARY") && !contains(&out, MINI_ICC));
    let body = [
        mini_header(false, false, false, false),
        MINI_CONFIG.to_vec(),
        MINI_PIXELS.to_vec(),
    ]
    .concat();
    assert_eq!(out, cat(&[bx(b"ftyp", b"mif3avif"), bx(b"mini", &body)]));
    assert_eq!(
        out,
        mini_file(false, false, false),
        "the same as a file written without them"
    );
    let report = Stripper::new().strip(&input).unwrap().report;
    assert_eq!(report.removed, Kinds::EXIF | Kinds::XMP | Kinds::ICC);
    assert_eq!((report.width, report.height), (16, 8));
}

#[test]
fn mini_keeps_icc_with_keep_icc() {
    let out = Stripper::new()
        .keep(Keep::ICC)
        .strip(&mini_file(true, true, false))
        .unwrap()
        .data;
    assert_eq!(out, mini_file(true, false, false));
    let out = Stripper::new()
        .keep(Keep::ICC)
        .strip(&mini_file(false, false, true))
        .unwrap()
        .data;
    assert_eq!(out, mini_file(false, false, false));
}

#[test]
fn mini_with_hdr_properties_is_walked_exactly() {
    // hdr_flag with a ContentLightLevel and no gain map; Exif only.
    let header = |exif: bool| {
        let mut f = vec![
            (0, 2),
            (0, 1),
            (0, 1),
            (1, 1),
            (0, 1),
            (0, 1),
            (1, 1),
            (0, 1),
            (u32::from(exif), 1),
            (0, 1),
        ];
        f.extend([(3, 2), (0, 3), (0, 1), (15, 7), (7, 7), (0, 1)]);
        f.extend([
            (0, 1),
            (1, 1),
            (0, 1),
            (0, 1),
            (0, 1),
            (0, 1),
            (0, 1),
            (1000, 16),
            (400, 16),
        ]);
        if exif {
            f.push((1, 1)); // large_metadata_flag
        }
        f.extend([
            (0, 1),
            (0, 1),
            (MINI_CONFIG.len() as u32, 3),
            (MINI_PIXELS.len() as u32 - 1, 15),
        ]);
        if exif {
            f.extend([(1, 1), (MINI_EXIF.len() as u32 - 1, 20)]); // compressed, 20-bit size
        }
        bits(&f)
    };
    let file = |exif: bool| {
        let mut body = [header(exif), MINI_CONFIG.to_vec(), MINI_PIXELS.to_vec()].concat();
        if exif {
            body.extend_from_slice(MINI_EXIF);
        }
        cat(&[bx(b"ftyp", b"mif3heic"), bx(b"mini", &body)])
    };
    assert_eq!(stripped(&file(true)), file(false));
}

#[test]
fn mini_errors_are_typed() {
    let mut input = mini_file(false, true, false);
    input.push(0); // one byte the chunk sizes do not account for
    let grown = u32::try_from(input.len() - 16).unwrap();
    input[16..20].copy_from_slice(&grown.to_be_bytes());
    let e = strip(&input).unwrap_err();
    assert!(matches!(e, Error::Malformed { offset: 16, .. }), "{e:?}");
    let mut input = mini_file(false, false, false);
    input[24] |= 0x40; // version 1
    assert!(matches!(
        strip(&input).unwrap_err(),
        Error::Unsupported { offset: 16, .. }
    ));
    let input = cat(&[mini_file(false, false, false), meta(&[hdlr("")])]);
    assert!(matches!(
        strip(&input).unwrap_err(),
        Error::Unsupported { offset: 16, .. }
    ));
    let input = mini_file(true, true, true);
    for n in 0..input.len() {
        if let Ok(out) = strip(&input[..n]) {
            assert!(!contains(&out, b"CANARY"));
        }
    }
}

// ----------------------------------------------------------------------------------------
// JPEG-coded items
// ----------------------------------------------------------------------------------------

/// The smallest JPEG (SOI, SOF0 1×1, one scan, EOI) with an APP1 Exif and a comment.
fn jpeg_with_metadata() -> Vec<u8> {
    let app1 = [&[0xFF, 0xE1, 0, 24][..], b"Exif\0\0CANARY-jpeg-exif"].concat();
    let com = [&[0xFF, 0xFE, 0, 13][..], b"CANARY-com!"].concat();
    let sof = [0xFF, 0xC0, 0x00, 0x0B, 8, 0, 1, 0, 1, 1, 1, 0x11, 0];
    let sos = [
        0xFF, 0xDA, 0x00, 0x08, 1, 1, 0x00, 0, 63, 0, 0x12, 0x34, 0xFF, 0xD9,
    ];
    [&[0xFF, 0xD8][..], &app1, &com, &sof, &sos].concat()
}

fn with_jpeg_item(jpeg: &[u8]) -> Vec<u8> {
    let build = |base: u32| {
        meta(&[
            hdlr(""),
            pitm(1),
            iloc(
                0,
                &[
                    (1, 0, &[(base, PIXELS.len() as u32)]),
                    (2, 0, &[(base + PIXELS.len() as u32, jpeg.len() as u32)]),
                ],
            ),
            iinf(&[infe(1, b"hvc1", ""), infe(2, b"jpeg", "")]),
            iref(&[(b"thmb", 2, &[1])]),
            iprp(
                &[ispe(64, 48), ispe(1, 1)],
                ipma(&[(1, &[(false, 1)]), (2, &[(false, 2)])]),
            ),
        ])
    };
    let base = u32::try_from(ftyp().len() + build(0).len() + 8).unwrap();
    cat(&[ftyp(), build(base), bx(b"mdat", &[PIXELS, jpeg].concat())])
}

#[test]
fn jpeg_items_lose_their_own_metadata() {
    let input = with_jpeg_item(&jpeg_with_metadata());
    let out = stripped(&input);
    assert_clean(&out);
    let mut expected = Vec::new();
    crate::jpeg::strip(
        &jpeg_with_metadata(),
        &crate::stripper::Options::default(),
        &mut expected,
    )
    .unwrap();
    assert_eq!(item(&out, 2).unwrap(), expected);
    assert_eq!(item(&out, 1).unwrap(), PIXELS);
    assert!(out.ends_with(&bx(b"mdat", &[PIXELS, &expected[..]].concat())));
    let report = Stripper::new().strip(&input).unwrap().report;
    assert!(report.removed.contains(Kinds::EXIF | Kinds::COMMENT));
    // A clean JPEG item is copied as a span like any other.
    let clean = with_jpeg_item(&expected);
    assert_eq!(stripped(&clean), clean);
    // A jpeg item that is not a JPEG is refused rather than passed on unread.
    let e = strip(&with_jpeg_item(b"not a jpeg at all")).unwrap_err();
    assert!(matches!(e, Error::Unsupported { .. }), "{e:?}");
}

#[test]
fn duplicate_entries_are_malformed_at_the_second() {
    let input = cat(&[
        ftyp(),
        meta(&[
            hdlr(""),
            iinf(&[infe(1, b"av01", ""), infe(1, b"Exif", "")]),
        ]),
    ]);
    let e = strip(&input).unwrap_err();
    let second = input.windows(4).rposition(|w| w == b"infe").unwrap() - 4;
    assert!(
        matches!(e, Error::Malformed { offset, .. } if offset == second),
        "{e:?}"
    );
    let input = cat(&[
        ftyp(),
        meta(&[hdlr(""), iloc(0, &[(1, 0, &[(0, 1)]), (1, 0, &[(0, 1)])])]),
    ]);
    let e = strip(&input).unwrap_err();
    let second = offset_of(&input, b"iloc") + 26; // box + 16 + one 14-byte entry
    assert!(
        matches!(e, Error::Malformed { offset, .. } if offset == second),
        "{e:?}"
    );
}

#[test]
fn many_items_take_linear_time() {
    // 60,000 items (1.3 MB of infe and iloc): any quadratic step would take minutes.
    let n: u16 = 60_000;
    let entries: Vec<Vec<u8>> = (1..=n)
        .map(|id| infe(id, if id % 2 == 0 { b"Exif" } else { b"hvc1" }, ""))
        .collect();
    let locs: Vec<Loc<'_>> = (1..=n).map(|id| (id, 0, &[][..])).collect();
    let input = cat(&[
        ftyp(),
        meta(&[hdlr(""), pitm(1), iinf(&entries), iloc(0, &locs)]),
    ]);
    let start = std::time::Instant::now();
    let out = stripped(&input);
    assert!(out.len() < input.len());
    assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
}

#[test]
fn jpeg_items_sharing_bytes_cannot_multiply_the_work() {
    // JPEG items over the same bytes, 9 times in all: more than the whole file.
    let jpeg = jpeg_with_metadata();
    let build = |base: u32| {
        let len = jpeg.len() as u32;
        meta(&[
            hdlr(""),
            pitm(1),
            iloc(0, &[(1, 0, &[(base, len)]), (2, 0, &[(base, len); 8])]),
            iinf(&[infe(1, b"jpeg", ""), infe(2, b"jpeg", "")]),
        ])
    };
    let base = u32::try_from(ftyp().len() + build(0).len() + 8).unwrap();
    let input = cat(&[ftyp(), build(base), bx(b"mdat", &jpeg)]);
    let e = strip(&input).unwrap_err();
    assert!(
        matches!(
            e,
            Error::Unsupported {
                what: "JPEG items larger than the file together",
                ..
            }
        ),
        "{e:?}"
    );
}
