//! New metadata items: the primary's credit under `Keep::COPYRIGHT` (a fresh `Exif` item and
//! a fresh XMP item) and an Apple gain map's fields under `Keep::GAIN_MAP`.

use super::*;
use crate::exif::Ifd0;

const ARTIST: &[u8] = b"Ann Author";
const RIGHTS: &[u8] = b"(c) 2024 Ann";

/// A big-endian TIFF: IFD0 with Make, Artist, Copyright and a GPS IFD pointer; the GPS IFD
/// holds a canary latitude reference.
fn camera_tiff() -> Vec<u8> {
    let make = b"CANARY-MAKE\0";
    let artist = [ARTIST, b"\0"].concat();
    let rights = [RIGHTS, b"\0"].concat();
    // Header 8, IFD0: 2 + 4 × 12 + 4 = 54, values after it, then the GPS IFD.
    let values_at = 8 + 54;
    let artist_at = values_at + make.len();
    let rights_at = artist_at + artist.len();
    let gps_at = rights_at + rights.len();
    let entry = |tag: u16, kind: u16, count: usize, value: usize| {
        [
            &tag.to_be_bytes()[..],
            &kind.to_be_bytes(),
            &(count as u32).to_be_bytes(),
            &(value as u32).to_be_bytes(),
        ]
        .concat()
    };
    [
        b"MM\0\x2a\0\0\0\x08".to_vec(),
        4u16.to_be_bytes().to_vec(),
        entry(0x010F, 2, make.len(), values_at),
        entry(0x013B, 2, artist.len(), artist_at),
        entry(0x8298, 2, rights.len(), rights_at),
        entry(0x8825, 4, 1, gps_at),
        vec![0; 4],
        make.to_vec(),
        artist,
        rights,
        1u16.to_be_bytes().to_vec(),
        [
            &0x0001u16.to_be_bytes()[..],
            &2u16.to_be_bytes(),
            &2u32.to_be_bytes(),
            b"N\0\0\0",
        ]
        .concat(),
        vec![0; 4],
        b"CANARY-GPS".to_vec(),
    ]
    .concat()
}

const CREDIT_XMP: &[u8] = br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:City="CANARY-CITY"><dc:creator><rdf:Seq><rdf:li>Ann Author</rdf:li></rdf:Seq></dc:creator><dc:rights><rdf:Alt><rdf:li xml:lang="x-default">(c) 2024 Ann</rdf:li></rdf:Alt></dc:rights><dc:subject><rdf:Bag><rdf:li>CANARY-KEYWORD</rdf:li></rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>"#;

/// How the test file is laid out.
#[derive(Clone, Copy)]
struct Shape {
    /// Item ids 32 bits wide: `pitm` 1, `infe` 3, `iloc` 2, `iref` 1, `ipma` 1.
    wide: bool,
    /// Whether `iref` is there (without it the metadata items name no item).
    with_iref: bool,
    /// The ids of the primary, the Exif item, the XMP item and the thumbnail.
    ids: [u32; 4],
}

const NARROW: Shape = Shape {
    wide: false,
    with_iref: true,
    ids: [1, 2, 3, 4],
};

fn id_bytes(id: u32, wide: bool) -> Vec<u8> {
    if wide {
        id.to_be_bytes().to_vec()
    } else {
        u16::try_from(id).unwrap().to_be_bytes().to_vec()
    }
}

fn infe_of(shape: Shape, id: u32, kind: &[u8; 4], tail: &[u8]) -> Vec<u8> {
    let body = [&id_bytes(id, shape.wide)[..], &[0, 0], kind, b"\0", tail].concat();
    full(b"infe", if shape.wide { 3 } else { 2 }, 0, &body)
}

/// A still image whose primary has an Exif item (credit, Make, GPS) and an XMP item (credit
/// and canaries), and a thumbnail.
fn credit_file(shape: Shape) -> Vec<u8> {
    credit_file_with(shape, CREDIT_XMP)
}

/// [`credit_file`] with another XMP packet.
fn credit_file_with(shape: Shape, xmp_packet: &[u8]) -> Vec<u8> {
    let [primary, exif, xmp, thumb] = shape.ids;
    let exif_payload = [&[0u8, 0, 0, 0][..], &camera_tiff()].concat();
    let payload = [PIXELS, &exif_payload, xmp_packet, THUMB].concat();
    let build = |base: u32| {
        let at = |n: usize| base + u32::try_from(n).unwrap();
        let extents = [
            (primary, at(0), PIXELS.len()),
            (exif, at(PIXELS.len()), exif_payload.len()),
            (xmp, at(PIXELS.len() + exif_payload.len()), xmp_packet.len()),
            (
                thumb,
                at(PIXELS.len() + exif_payload.len() + xmp_packet.len()),
                THUMB.len(),
            ),
        ];
        let mut iloc_body = vec![0x44, 0x00];
        iloc_body.extend(id_bytes(4, shape.wide));
        for (id, offset, len) in extents {
            iloc_body.extend(id_bytes(id, shape.wide));
            iloc_body.extend([0, 0, 0, 0, 0, 1]); // method, data reference, one extent
            iloc_body.extend(offset.to_be_bytes());
            iloc_body.extend(u32::try_from(len).unwrap().to_be_bytes());
        }
        let reference = |kind: &[u8; 4], from: u32, to: u32| {
            bx(
                kind,
                &[
                    id_bytes(from, shape.wide),
                    vec![0, 1],
                    id_bytes(to, shape.wide),
                ]
                .concat(),
            )
        };
        let iref_box = full(
            b"iref",
            u8::from(shape.wide),
            0,
            &[
                reference(b"thmb", thumb, primary),
                reference(b"cdsc", exif, primary),
                reference(b"cdsc", xmp, primary),
            ]
            .concat(),
        );
        let ipma_body = [
            &1u32.to_be_bytes()[..],
            &id_bytes(primary, shape.wide),
            &[2, 0x81, 0x02],
        ]
        .concat();
        let mut children = vec![
            hdlr(""),
            full(
                b"pitm",
                u8::from(shape.wide),
                0,
                &id_bytes(primary, shape.wide),
            ),
            full(b"iloc", if shape.wide { 2 } else { 1 }, 0, &iloc_body),
            full(
                b"iinf",
                0,
                0,
                &[
                    &4u16.to_be_bytes()[..],
                    &infe_of(shape, primary, b"hvc1", b""),
                    &infe_of(shape, exif, b"Exif", b""),
                    &infe_of(shape, xmp, b"mime", b"application/rdf+xml\0"),
                    &infe_of(shape, thumb, b"hvc1", b""),
                ]
                .concat(),
            ),
            bx(
                b"iprp",
                &cat(&[
                    bx(b"ipco", &[bx(b"hvcC", b"config"), ispe(64, 48)].concat()),
                    full(b"ipma", u8::from(shape.wide), 0, &ipma_body),
                ]),
            ),
        ];
        if shape.with_iref {
            children.push(iref_box);
        }
        meta(&children)
    };
    let base = u32::try_from(ftyp().len() + build(0).len() + 8).unwrap();
    cat(&[ftyp(), build(base), bx(b"mdat", &payload)])
}

/// `(id, item_type, content_type)` of every `infe` of the output.
fn infes(data: &[u8]) -> Vec<(u32, [u8; 4], Vec<u8>)> {
    let iinf = meta_child(data, b"iinf").unwrap();
    let start = if iinf[8] == 0 { 14 } else { 16 };
    boxes(&iinf, start, iinf.len())
        .into_iter()
        .map(|(_, s, e)| {
            let b = &iinf[s..e];
            let (id, rest) = if b[0] == 3 {
                (be(&b[4..8]) as u32, &b[8..])
            } else {
                (be(&b[4..6]) as u32, &b[6..])
            };
            let kind: [u8; 4] = rest[2..6].try_into().unwrap();
            let after_name = &rest[6..];
            let name_end = after_name.iter().position(|&c| c == 0).unwrap();
            let tail = &after_name[name_end + 1..];
            let content = tail.split(|&c| c == 0).next().unwrap_or_default();
            (id, kind, content.to_vec())
        })
        .collect()
}

/// `(type, from, targets)` of every reference of the output's `iref`.
fn refs(data: &[u8]) -> Vec<([u8; 4], u32, Vec<u32>)> {
    let Some(iref) = meta_child(data, b"iref") else {
        return Vec::new();
    };
    let size = if iref[8] == 0 { 2 } else { 4 };
    boxes(&iref, 12, iref.len())
        .into_iter()
        .map(|(kind, s, _)| {
            let from = be(&iref[s..s + size]) as u32;
            let n = be(&iref[s + size..s + size + 2]) as usize;
            let targets = (0..n)
                .map(|i| {
                    let at = s + size + 2 + i * size;
                    be(&iref[at..at + size]) as u32
                })
                .collect();
            (kind, from, targets)
        })
        .collect()
}

/// Strips under `keep`, checks what every output promises (idempotent, verifies clean, no
/// canary, pixels where they were), and returns the output and its report.
fn strip_keeping(input: &[u8], keep: Keep) -> (Vec<u8>, crate::Report) {
    let s = Stripper::new().keep(keep);
    let out = s.strip(input).unwrap();
    assert_eq!(s.strip(&out.data).unwrap().data, out.data, "not idempotent");
    assert_eq!(s.verify(&out.data), Ok(()));
    assert!(!contains(&out.data, b"CANARY"), "a canary survived");
    assert!(out.data.len() <= crate::max_output_len(input.len()));
    (out.data, out.report)
}

/// The new credit items of `out`: `(Exif id, XMP id)`, each checked to hold only the credit
/// and to describe `primary`.
fn credit_items(out: &[u8], primary: u32) -> (u32, u32) {
    let items = infes(out);
    let exif: Vec<_> = items.iter().filter(|i| &i.1 == b"Exif").collect();
    let xmp: Vec<_> = items.iter().filter(|i| &i.1 == b"mime").collect();
    assert_eq!((exif.len(), xmp.len()), (1, 1), "{items:?}");
    assert_eq!(xmp[0].2, b"application/rdf+xml");
    let (exif_id, xmp_id) = (exif[0].0, xmp[0].0);
    let exif_data = item(out, exif_id).unwrap();
    assert_eq!(exif_data[..4], [0, 0, 0, 0]);
    let kept = Ifd0::read(&exif_data[4..], false, true);
    assert_eq!((kept.artist, kept.copyright), (Some(ARTIST), Some(RIGHTS)));
    assert_eq!(
        kept.tiff().unwrap().bytes(),
        &exif_data[4..],
        "only the credit"
    );
    let packet = item(out, xmp_id).unwrap();
    let credit = crate::found::xmp_credit(&packet);
    assert_eq!(credit.creators, [ARTIST.to_vec()]);
    assert_eq!(credit.rights.as_deref(), Some(RIGHTS));
    assert_eq!(credit.packet().unwrap(), packet, "only the credit");
    for id in [exif_id, xmp_id] {
        let described: Vec<_> = refs(out)
            .into_iter()
            .filter(|r| &r.0 == b"cdsc" && r.1 == id)
            .collect();
        assert_eq!(described.len(), 1, "item {id}");
        assert_eq!(described[0].2, [primary], "item {id}");
    }
    let mut ids: Vec<u32> = items.iter().map(|i| i.0).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), items.len(), "ids are unique: {items:?}");
    (exif_id, xmp_id)
}

#[test]
fn copyright_writes_one_fresh_exif_and_one_fresh_xmp_item_for_the_primary() {
    let input = credit_file(NARROW);
    let (out, report) = strip_keeping(&input, Keep::COPYRIGHT);
    assert_eq!(report.not_kept, Keep::empty());
    let (exif, xmp) = credit_items(&out, 1);
    assert_eq!((exif, xmp), (5, 6), "one above the largest kept id");
    assert_eq!(item(&out, 1).unwrap(), PIXELS);
    assert_eq!(item(&out, 4).unwrap(), THUMB);
    assert!(report.removed.contains(Kinds::EXIF | Kinds::XMP));
}

#[test]
fn without_copyright_no_metadata_item_is_written() {
    let input = credit_file(NARROW);
    for keep in [Keep::empty(), Keep::DISPLAY] {
        let (out, report) = strip_keeping(&input, keep);
        let kinds: Vec<[u8; 4]> = infes(&out).into_iter().map(|i| i.1).collect();
        assert_eq!(kinds, [*b"hvc1", *b"hvc1"], "{keep:?}");
        assert_eq!(report.not_kept, Keep::empty());
        assert!(!contains(&out, ARTIST));
        assert!(refs(&out).iter().all(|r| &r.0 != b"cdsc"));
    }
}

#[test]
fn the_credit_items_are_all_a_copyright_strip_adds() {
    let input = credit_file(NARROW);
    let plain = strip(&input).unwrap();
    let (out, _) = strip_keeping(&input, Keep::COPYRIGHT);
    assert!(out.len() > plain.len());
    // The new data follows the kept items' bytes: the plain output's mdat payload is a
    // prefix of the new one.
    let mdat = |d: &[u8]| {
        let (s, e) = child(d, 0, d.len(), b"mdat").unwrap();
        d[s..e].to_vec()
    };
    assert!(mdat(&out).starts_with(&mdat(&plain)));
    // Stripping the credit output without the flag gives the plain output.
    assert_eq!(strip(&out).unwrap(), plain);
}

#[test]
fn an_iref_is_made_when_the_input_has_none() {
    let input = credit_file(Shape {
        with_iref: false,
        ..NARROW
    });
    assert!(meta_child(&input, b"iref").is_none());
    let (out, report) = strip_keeping(&input, Keep::COPYRIGHT);
    assert_eq!(report.not_kept, Keep::empty());
    credit_items(&out, 1);
    assert_eq!(
        meta_child(&out, b"iref").unwrap()[8],
        0,
        "16-bit ids: version 0"
    );
    assert!(meta_child(&strip(&input).unwrap(), b"iref").is_none());
}

#[test]
fn thirty_two_bit_ids_are_kept_32_bits_wide() {
    let shape = Shape {
        wide: true,
        with_iref: true,
        ids: [70_000, 70_001, 70_002, 70_003],
    };
    let input = credit_file(shape);
    let (out, report) = strip_keeping(&input, Keep::COPYRIGHT);
    assert_eq!(report.not_kept, Keep::empty());
    let (exif, xmp) = credit_items(&out, 70_000);
    assert_eq!((exif, xmp), (70_004, 70_005));
    assert_eq!(meta_child(&out, b"iref").unwrap()[8], 1);
    assert_eq!(item(&out, 70_000).unwrap(), PIXELS);
    let new = infes(&out);
    assert!(new.iter().all(|i| i.0 >= 70_000));
}

#[test]
fn a_new_id_past_16_bits_makes_a_version_3_infe_and_a_version_1_iref() {
    // iloc version 2 (32-bit ids) but 16-bit infe and iref: the new ids need 32 bits.
    let mut input = credit_file(Shape {
        wide: true,
        with_iref: true,
        ids: [65_534, 65_532, 65_533, 65_535],
    });
    // Make the kept ids' largest 65535 (the thumbnail), so the new ones are 65536, 65537.
    let (out, report) = strip_keeping(&input, Keep::COPYRIGHT);
    assert_eq!(report.not_kept, Keep::empty());
    assert_eq!(credit_items(&out, 65_534), (65_536, 65_537));
    let iinf = meta_child(&out, b"iinf").unwrap();
    assert!(
        contains(&iinf, &[3, 0, 0, 0, 0, 1, 0, 0]),
        "infe 3, id 65536"
    );
    // In a 16-bit iloc the same ids do not fit: the credit goes, and the report says so.
    input = credit_file(Shape {
        wide: false,
        with_iref: true,
        ids: [65_534, 65_532, 65_533, 65_535],
    });
    let (out, report) = strip_keeping(&input, Keep::COPYRIGHT);
    assert_eq!(report.not_kept, Keep::COPYRIGHT);
    assert_eq!(out, strip(&input).unwrap());
}

#[test]
fn an_exhausted_id_space_keeps_no_credit_and_says_so() {
    let input = credit_file(Shape {
        wide: true,
        with_iref: true,
        ids: [1, 2, 3, u32::MAX],
    });
    let (out, report) = strip_keeping(&input, Keep::COPYRIGHT);
    assert_eq!(report.not_kept, Keep::COPYRIGHT);
    assert_eq!(out, strip(&input).unwrap());
}

#[test]
fn credit_in_items_that_describe_another_image_is_not_kept() {
    // The Exif and XMP items describe the thumbnail only.
    let input = credit_file(NARROW);
    let at = offset_of(&input, b"cdsc");
    let mut input = input;
    for n in [at, at + 14] {
        // `cdsc` from 2 (then 3) to 1 becomes a reference to 4.
        input[n + 9] = 4;
    }
    let (out, report) = strip_keeping(&input, Keep::COPYRIGHT);
    assert_eq!(infes(&out).len(), 2);
    assert_eq!(report.not_kept, Keep::empty());
    assert!(!contains(&out, ARTIST));
}

#[test]
fn files_whose_metadata_is_not_read_for_credit_report_it_not_kept() {
    // A file without a primary item: nothing to credit.
    let input = credit_file(NARROW);
    let pitm = offset_of(&input, b"pitm") - 4;
    let mut no_pitm = input.clone();
    no_pitm[pitm + 4..pitm + 8].copy_from_slice(b"free");
    let with_free_child = Stripper::new()
        .keep(Keep::COPYRIGHT)
        .strip(&no_pitm)
        .unwrap();
    assert_eq!(with_free_child.report.not_kept, Keep::COPYRIGHT);
    // A sequence without meta: its metadata is not read for credit.
    let seq = sequence_with(false);
    let out = Stripper::new().keep(Keep::COPYRIGHT).strip(&seq).unwrap();
    assert_eq!(out.report.not_kept, Keep::empty(), "no Exif or XMP went");
    let with_xmp = cat(&[seq, bx(b"xml ", CREDIT_XMP)]);
    let out = Stripper::new()
        .keep(Keep::COPYRIGHT)
        .strip(&with_xmp)
        .unwrap();
    assert!(out.report.removed.contains(Kinds::XMP));
    assert_eq!(out.report.not_kept, Keep::COPYRIGHT);
    assert_eq!(out.data, strip(&with_xmp).unwrap());
}

// ---------------------------------------------------------------------------------------
// Apple HDR gain maps
// ---------------------------------------------------------------------------------------

const GAIN_MAP_XMP: &[u8] = br#"<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="XMP Core 6.0.0">
   <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
      <rdf:Description rdf:about=""
            xmlns:HDRGainMap="http://ns.apple.com/HDRGainMap/1.0/">
         <HDRGainMap:HDRGainMapVersion>65536</HDRGainMap:HDRGainMapVersion>
      </rdf:Description>
   </rdf:RDF>
</x:xmpmeta>"#;

const DEPTH_XMP: &[u8] = br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:apdi="http://ns.apple.com/pixeldatainfo/1.0/" xmlns:HDRGainMap="http://ns.apple.com/HDRGainMap/1.0/"><apdi:AuxiliaryImageType>disparity</apdi:AuxiliaryImageType><HDRGainMap:HDRGainMapVersion>65536</HDRGainMap:HDRGainMapVersion><apdi:Canary>CANARY-DEPTH</apdi:Canary></rdf:Description></rdf:RDF></x:xmpmeta>"#;

const GAIN_MAP_PIXELS: &[u8] = b"gain-map-coded-bytes";
const DEPTH_PIXELS: &[u8] = b"disparity-coded-bytes";

fn aux_c(kind: &str) -> Vec<u8> {
    full(b"auxC", 0, 0, &[kind.as_bytes(), b"\0"].concat())
}

/// An iPhone-like HEIC: primary 1, gain map 2 (`auxl` to 1, Apple's `auxC`) with XMP item 3,
/// disparity map 4 (`auxl`) with XMP item 5.
fn apple_file() -> Vec<u8> {
    let parts: [&[u8]; 5] = [
        PIXELS,
        GAIN_MAP_PIXELS,
        GAIN_MAP_XMP,
        DEPTH_PIXELS,
        DEPTH_XMP,
    ];
    let build = |base: u32| {
        let mut at = base;
        let mut locs = Vec::new();
        for (i, p) in parts.iter().enumerate() {
            locs.push((i as u16 + 1, at, p.len() as u32));
            at += p.len() as u32;
        }
        let extents: Vec<[(u32, u32); 1]> = locs.iter().map(|l| [(l.1, l.2)]).collect();
        let loc_list: Vec<Loc<'_>> = locs
            .iter()
            .zip(&extents)
            .map(|(l, e)| (l.0, 0, &e[..]))
            .collect();
        meta(&[
            hdlr(""),
            pitm(1),
            iloc(1, &loc_list),
            iinf(&[
                infe(1, b"hvc1", ""),
                infe(2, b"hvc1", ""),
                infe_mime(3, "application/rdf+xml"),
                infe(4, b"hvc1", ""),
                infe_mime(5, "application/rdf+xml"),
            ]),
            iref(&[
                (b"auxl", 2, &[1]),
                (b"cdsc", 3, &[2]),
                (b"auxl", 4, &[1]),
                (b"cdsc", 5, &[4]),
            ]),
            iprp(
                &[
                    bx(b"hvcC", b"config"),
                    ispe(64, 48),
                    aux_c("urn:com:apple:photo:2020:aux:hdrgainmap"),
                    aux_c("urn:com:apple:photo:2018:aux:disparity"),
                ],
                ipma(&[
                    (1, &[(true, 1), (false, 2)]),
                    (2, &[(true, 1), (false, 2), (true, 3)]),
                    (4, &[(true, 1), (false, 2), (true, 4)]),
                ]),
            ),
        ])
    };
    let base = u32::try_from(ftyp().len() + build(0).len() + 8).unwrap();
    cat(&[ftyp(), build(base), bx(b"mdat", &parts.concat())])
}

#[test]
fn keep_gain_map_writes_a_fresh_xmp_for_an_apple_gain_map_only() {
    let input = apple_file();
    let (out, report) = strip_keeping(&input, Keep::DISPLAY);
    assert_eq!(report.not_kept, Keep::empty());
    let mime: Vec<_> = infes(&out)
        .into_iter()
        .filter(|i| &i.1 == b"mime")
        .collect();
    assert_eq!(mime.len(), 1, "the disparity map's XMP goes");
    let (id, _, content) = &mime[0];
    assert_eq!((*id, content.as_slice()), (5, &b"application/rdf+xml"[..]));
    let packet = item(&out, *id).unwrap();
    assert_eq!(
        String::from_utf8(packet).unwrap(),
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" xmlns:HDRGainMap=\"http://ns.apple.com/HDRGainMap/1.0/\"><HDRGainMap:HDRGainMapVersion>65536</HDRGainMap:HDRGainMapVersion></rdf:Description></rdf:RDF></x:xmpmeta>"
    );
    assert!(refs(&out).contains(&(*b"cdsc", 5, vec![2])));
    for (id, bytes) in [(1, PIXELS), (2, GAIN_MAP_PIXELS), (4, DEPTH_PIXELS)] {
        assert_eq!(item(&out, id).unwrap(), bytes);
    }
    assert!(out.len() <= input.len());
    // Without the flag, and for a gain map whose auxC names no Apple gain map, no XMP.
    let (plain, _) = strip_keeping(&input, Keep::ORIENTATION | Keep::ICC);
    assert!(infes(&plain).iter().all(|i| &i.1 != b"mime"));
    assert_eq!(plain, strip(&input).unwrap());
    let mut other = input.clone();
    let at = offset_of(&other, b"2020:aux:hdrgainmap");
    other[at..at + 4].copy_from_slice(b"2021");
    let (out, _) = strip_keeping(&other, Keep::GAIN_MAP);
    assert!(infes(&out).iter().all(|i| &i.1 != b"mime"));
}

#[test]
fn gain_map_and_credit_items_together() {
    let input = apple_file();
    let (out, report) = strip_keeping(&input, Keep::DISPLAY | Keep::COPYRIGHT);
    // No credit in this file: only the gain map's XMP.
    assert_eq!(report.not_kept, Keep::empty());
    assert_eq!(infes(&out).iter().filter(|i| &i.1 == b"mime").count(), 1);
    assert_eq!(
        out,
        Stripper::new()
            .keep(Keep::DISPLAY)
            .strip(&input)
            .unwrap()
            .data
    );
}

#[test]
fn exif_item_payload_is_an_offset_then_the_tiff() {
    let tiff = Ifd0 {
        artist: Some(b"A"),
        ..Ifd0::default()
    }
    .tiff()
    .unwrap();
    let payload = super::fresh::exif_item(&tiff);
    assert_eq!(payload[..4], [0, 0, 0, 0]);
    assert_eq!(&payload[4..], tiff.bytes());
    assert!(payload[4..].starts_with(b"MM\0\x2a"));
}

#[test]
fn credit_that_would_grow_the_output_past_the_promise_goes_and_the_report_says_so() {
    // A terse packet whose text escapes to five times its length.
    let terse = format!(
        "<rdf:Description xmlns:dc='http://purl.org/dc/elements/1.1/' dc:creator='{}'/>",
        "&amp;".repeat(200)
    );
    let input = credit_file_with(NARROW, terse.as_bytes());
    let s = Stripper::new().keep(Keep::COPYRIGHT);
    let out = s.strip(&input).unwrap();
    assert_eq!(out.report.not_kept, Keep::COPYRIGHT);
    assert_eq!(out.data, strip(&input).unwrap());
    let mut buf = vec![0; crate::max_output_len(input.len())];
    let (len, report) = s.strip_to_slice(&input, &mut buf).unwrap();
    assert_eq!(
        (&buf[..len], report.not_kept),
        (&out.data[..], Keep::COPYRIGHT)
    );
    // The same credit in a packet long enough to take its place is kept.
    let padded = format!("{terse}{}", " ".repeat(1200));
    let (out, report) = strip_keeping(
        &credit_file_with(NARROW, padded.as_bytes()),
        Keep::COPYRIGHT,
    );
    assert_eq!(report.not_kept, Keep::empty());
    assert_eq!(infes(&out).len(), 4);
}

#[test]
fn the_fresh_infe_length_is_what_the_writer_writes() {
    for id in [5, 0xFFFF, 0x1_0000] {
        for content in [super::items::Content::Exif, super::items::Content::Xmp] {
            let item = super::items::FreshItem {
                id,
                content,
                describes: 1,
                piece: 0,
                length: 0,
            };
            let mut out = Vec::new();
            let iinf = full(b"iinf", 0, 0, &[0, 0]);
            let iinf_box =
                super::boxes::next_box(&mut crate::reader::Reader::new(&iinf, crate::Format::Heif))
                    .unwrap()
                    .unwrap();
            let iinf = super::items::read_iinf(&iinf_box).unwrap();
            super::items::write_iinf(&mut out, &iinf, |_| false, &[item], crate::Format::Heif)
                .unwrap();
            assert_eq!(
                out.len() - 14,
                super::items::fresh_infe_len(id, content),
                "{id} {content:?}"
            );
            assert_eq!(XMP_TYPE_LEN, super::items::XMP_TYPE.len());
        }
    }
}

const XMP_TYPE_LEN: usize = 19;

#[test]
fn a_gain_map_xmp_that_would_grow_the_output_past_the_promise_goes_and_the_report_says_so() {
    // The gain map's XMP item names the gain map's own bytes (which then are the packet):
    // dropping the XMP item frees nothing, so the fresh one would grow the output by its
    // whole length.
    let input = apple_file();
    let mut shared = input.clone();
    let gm = offset_of(&input, GAIN_MAP_PIXELS);
    let xmp = offset_of(&input, GAIN_MAP_XMP);
    // Item 2's extent (offset, length) is followed in iloc by item 3's: point 3 at 2's data.
    let entry = |at: usize| [(at as u32).to_be_bytes()].concat();
    let two = offset_of(&input, &entry(gm));
    let three = offset_of(&input, &entry(xmp));
    shared[three..three + 4].copy_from_slice(&(gm as u32).to_be_bytes());
    shared[two + 4..two + 8].copy_from_slice(&(GAIN_MAP_XMP.len() as u32).to_be_bytes());
    // The disparity map's item takes in its XMP's bytes too, so that they stay.
    let four = offset_of(&input, &entry(offset_of(&input, DEPTH_PIXELS)));
    let depth_len = (DEPTH_PIXELS.len() + DEPTH_XMP.len()) as u32;
    shared[four + 4..four + 8].copy_from_slice(&depth_len.to_be_bytes());
    let s = Stripper::new().keep(Keep::GAIN_MAP);
    let out = s.strip(&shared).unwrap();
    let mut unbounded = Vec::new();
    let opts = crate::options::Options {
        keep: Keep::GAIN_MAP,
        ..crate::options::Options::default()
    };
    crate::heif::strip(&shared, crate::Format::Heif, &opts, &mut unbounded).unwrap();
    assert!(
        unbounded.len() > crate::max_output_len(shared.len()),
        "the walker alone would pass the promise: {} > {}",
        unbounded.len(),
        shared.len()
    );
    assert_eq!(out.report.not_kept, Keep::GAIN_MAP);
    assert_eq!(out.data, strip(&shared).unwrap());
    assert!(out.data.len() <= crate::max_output_len(shared.len()));
    // With the credit flag too, both are reported.
    let out = Stripper::new()
        .keep(Keep::GAIN_MAP | Keep::COPYRIGHT)
        .strip(&shared)
        .unwrap();
    assert_eq!(out.report.not_kept, Keep::GAIN_MAP | Keep::COPYRIGHT);
    assert_eq!(out.data, strip(&shared).unwrap());
}

#[test]
fn corruptions_of_files_with_fresh_items_never_panic_nor_grow_past_the_promise() {
    let s = Stripper::new().keep(Keep::all());
    for input in [
        credit_file(NARROW),
        credit_file(Shape {
            wide: true,
            with_iref: false,
            ids: [65_534, 65_532, 65_533, 65_535],
        }),
        apple_file(),
    ] {
        for at in 0..input.len() {
            for value in [0, 1, 0x7F, 0xFF] {
                let mut bad = input.clone();
                bad[at] = value;
                if let Ok(out) = s.strip(&bad) {
                    assert!(out.data.len() <= crate::max_output_len(bad.len()), "{at}");
                    assert_eq!(s.strip(&out.data).unwrap().data, out.data, "{at} {value}");
                }
            }
        }
    }
}
