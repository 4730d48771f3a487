//! Growing inputs, the cases of the linear-time checks: each is about `bytes` bytes of one
//! small unit repeated, so a walk that costs more than linear time shows it as they grow.
//! The unit test (`src/linear_tests.rs`) counts their work, `tests/alloc.rs` their allocator
//! calls, and `benches/linear.rs` times them.

use super::*;

/// `unit` repeated to about `bytes` bytes.
pub fn repeat(unit: &[u8], bytes: usize) -> Vec<u8> {
    unit.repeat((bytes / unit.len()).max(1))
}

/// A 1×1 RLE8 or RLE4 BMP whose pixel data is `opcode` repeated to about `bytes` bytes,
/// then end-of-bitmap.
fn bmp_rle(bits: u16, opcode: &[u8], bytes: usize) -> Vec<u8> {
    let (compression, colours) = if bits == 8 { (1, 256) } else { (2, 16) };
    let mut rle = repeat(opcode, bytes);
    rle.extend_from_slice(&[0x00, 0x01]);
    let mut v = Bmp::new(1, 1, bits, compression).build(&vec![0; 4 * colours]);
    v.extend(rle);
    v
}

/// A named builder of a growing input of about `bytes` bytes.
pub struct Growing {
    pub name: &'static str,
    pub build: fn(usize) -> Vec<u8>,
    /// Strip under `Limits::none()`, as a limit would stop the walk early.
    pub no_limits: bool,
}

/// Every format's growing inputs: those of the wall-clock test they replace, then more for
/// JPEG, GIF, WebP and BMP, and HEIF/AVIF item and property tables.
pub fn cases() -> Vec<Growing> {
    let case = |name, build: fn(usize) -> Vec<u8>| Growing {
        name,
        build,
        no_limits: false,
    };
    vec![
        case("JPEG: SOI then all 0xFF", |n| {
            let mut v = vec![0xFF, 0xD8];
            v.resize(n, 0xFF);
            v
        }),
        case("JPEG: SOI then zero bytes (garbage, no marker)", |n| {
            let mut v = vec![0xFF, 0xD8];
            v.resize(n, 0);
            v
        }),
        case("JPEG: SOI then FF 00 pairs (garbage)", |n| {
            let mut v = vec![0xFF, 0xD8];
            v.extend(repeat(&[0xFF, 0x00], n));
            v
        }),
        case("JPEG: empty COM segments", |n| {
            jpeg(&repeat(&[0xFF, 0xFE, 0x00, 0x02], n))
        }),
        case("JPEG: RSTn markers between segments", |n| {
            jpeg(&repeat(&[0xFF, 0xD0], n))
        }),
        case("JPEG: entropy data of RSTn markers", |n| {
            let mut v = jpeg(&[]);
            let eoi = v.split_off(v.len() - 2);
            v.extend(repeat(&[0xFF, 0xD3], n));
            v.extend(eoi);
            v
        }),
        case("JPEG: entropy data of 0xFF, no EOI", |n| {
            let mut v = jpeg(&[]);
            v.truncate(v.len() - 2);
            v.resize(n, 0xFF);
            v
        }),
        case("JPEG: entropy data of FF FF 00 (slow scan)", |n| {
            let mut v = jpeg(&[]);
            let eoi = v.split_off(v.len() - 2);
            v.extend(repeat(&[0xFF, 0xFF, 0x00], n));
            v.extend(eoi);
            v
        }),
        case("PNG: empty tEXt chunks", |n| {
            png(&repeat(&png_chunk(b"tEXt", &[]), n))
        }),
        case("PNG: empty IDAT chunks (kept)", |n| {
            png(&repeat(&png_chunk(b"IDAT", &[]), n))
        }),
        case("GIF: comment of 1-byte sub-blocks", |n| {
            let mut units = vec![0x21, 0xFE];
            units.extend(repeat(&[1, b'x'], n));
            units.push(0);
            units.extend_from_slice(&GIF_IMAGE);
            gif(&units)
        }),
        case("GIF: empty comment extensions", |n| {
            let mut units = repeat(&[0x21, 0xFE, 0x00], n);
            units.extend_from_slice(&GIF_IMAGE);
            gif(&units)
        }),
        case("GIF: image data of 1-byte sub-blocks", |n| {
            let mut units = GIF_IMAGE[..11].to_vec();
            units.extend(repeat(&[1, 0x44], n));
            units.push(0);
            gif(&units)
        }),
        case("GIF: image data of 255-byte sub-blocks", |n| {
            let mut block = vec![255];
            block.extend_from_slice(&[0x44; 255]);
            let mut units = GIF_IMAGE[..11].to_vec();
            units.extend(repeat(&block, n));
            units.push(0);
            gif(&units)
        }),
        Growing {
            name: "GIF: 1x1 frames (no limits)",
            build: |n| gif(&repeat(&GIF_IMAGE, n)),
            no_limits: true,
        },
        case("GIF: NETSCAPE loop of 1-byte sub-blocks", |n| {
            let mut units = vec![0x21, 0xFF, 11];
            units.extend_from_slice(b"NETSCAPE2.0");
            units.extend(repeat(&[1, 2], n));
            units.extend_from_slice(&[3, 1, 0, 0, 0]);
            units.extend_from_slice(&GIF_IMAGE);
            gif(&units)
        }),
        case("WebP: empty unknown chunks", |n| {
            webp(&repeat(&riff_chunk(b"XXXX", &[]), n))
        }),
        case("WebP: 1-byte EXIF chunks (with pad)", |n| {
            webp(&repeat(&riff_chunk(b"EXIF", &[0]), n))
        }),
        case("WebP: ANMF frames of a 1x1 VP8L", |n| {
            let mut frame = vec![0; 16];
            frame.extend(vp8l_chunk());
            let mut units = riff_chunk(b"ANIM", &[0; 6]);
            units.extend(repeat(&riff_chunk(b"ANMF", &frame), n));
            webp(&units)
        }),
        case("WebP: one ANMF frame of empty unknown chunks", |n| {
            let mut frame = vec![0; 16];
            frame.extend(repeat(&riff_chunk(b"XXXX", &[]), n));
            frame.extend(vp8l_chunk());
            let mut chunks = vp8x_chunk(0x02);
            chunks.extend(riff_chunk(b"ANIM", &[0; 6]));
            chunks.extend(riff_chunk(b"ANMF", &frame));
            webp_with_size(&chunks, None)
        }),
        case("WebP: simple file, then empty unknown chunks", |n| {
            let mut chunks = vp8l_chunk();
            chunks.extend(repeat(&riff_chunk(b"XXXX", &[]), n));
            webp_with_size(&chunks, None)
        }),
        case("BMP: RLE8 end-of-line opcodes", |n| {
            bmp_rle(8, &[0x00, 0x00], n)
        }),
        case("BMP: RLE8 delta opcodes", |n| {
            bmp_rle(8, &[0x00, 0x02, 0x00, 0x00], n)
        }),
        case("BMP: RLE4 absolute runs", |n| {
            bmp_rle(4, &[0x00, 0x03, 0x12, 0x30], n)
        }),
        case("HEIF: many items, every other one Exif", heif_many_items),
        case("AVIF: many unused properties", avif_many_properties),
        case(
            "HEIF: many ipma entries, one property each",
            heif_many_associations,
        ),
        case(
            "HEIF: many ipma entries of absent items",
            heif_absent_associations,
        ),
        case("HEIF: many iref references", heif_many_references),
        case("HEIF: one item of many iloc extents", heif_many_extents),
        case("HEIF: a grpl group of many entity ids", heif_many_entities),
        case("HEIF: many top-level free boxes", |n| {
            let mut head = heif_ftyp();
            head.extend(repeat(&bmff_box(b"free", &[]), n));
            let data = data_start(&head);
            heif_still(&head, &[0x55], &one_item_children(data, &[], None))
        }),
    ]
}

/// Where item data starts in a [`heif_still`] built with `ftyp`.
fn data_start(ftyp: &[u8]) -> u32 {
    u32::try_from(ftyp.len() + 8).unwrap()
}

/// The `meta` children of one `hvc1` item (id 1) with one byte of data at `data`: `iinf`,
/// `iloc`, and `iprp` holding a 1×1 `ispe` then `extra_props`, with `ipma_box` (by default,
/// item 1 → the `ispe`).
fn one_item_children(data: u32, extra_props: &[u8], ipma_box: Option<Vec<u8>>) -> Vec<Vec<u8>> {
    vec![
        iinf(&infe(1, b"hvc1"), 1),
        iloc(&[(1, vec![(data, 1)])]),
        iprp(
            &[&ispe()[..], extra_props].concat(),
            &ipma_box.unwrap_or_else(|| ipma(0, false, &[(1, vec![1])])),
        ),
    ]
}

/// Items 1 to n, each one byte of `mdat`: odd ones `hvc1` with an `ispe`, even ones `Exif`.
/// About 40 bytes per item (`infe` 21, `iloc` 14, `ipma` 4, data 1).
fn heif_many_items(bytes: usize) -> Vec<u8> {
    let n = u16::try_from((bytes / 40).max(1)).unwrap();
    let ftyp = heif_ftyp();
    let data = data_start(&ftyp);
    let ids = 1..=n;
    let kind = |id: u16| if id % 2 == 1 { b"hvc1" } else { b"Exif" };
    let entries: Vec<u8> = ids.clone().flat_map(|id| infe(id, kind(id))).collect();
    let locations: Vec<_> = ids
        .clone()
        .map(|id| (id, vec![(data + u32::from(id) - 1, 1)]))
        .collect();
    let associations: Vec<_> = ids
        .filter(|id| id % 2 == 1)
        .map(|id| (u32::from(id), vec![1]))
        .collect();
    heif_still(
        &ftyp,
        &vec![0x55; usize::from(n)],
        &[
            iinf(&entries, usize::from(n)),
            iloc(&locations),
            iprp(&ispe(), &ipma(0, false, &associations)),
        ],
    )
}

/// One `av01` item and n `irot` properties no item uses (9 bytes each), which all go.
fn avif_many_properties(bytes: usize) -> Vec<u8> {
    let ftyp = avif_ftyp();
    let data = data_start(&ftyp);
    let mut children = one_item_children(data, &repeat(&irot(), bytes), None);
    children[0] = iinf(&infe(1, b"av01"), 1);
    heif_still(&ftyp, &[0x55], &children)
}

/// Items 1 to n (`hvc1`), each associated with its own `irot` through a wide `ipma`; item 1
/// also has data and an `ispe`. About 35 bytes per item (`infe` 21, `irot` 9, `ipma` 5).
fn heif_many_associations(bytes: usize) -> Vec<u8> {
    let n = u16::try_from((bytes / 35).max(1)).unwrap();
    let ftyp = heif_ftyp();
    let data = data_start(&ftyp);
    let entries: Vec<u8> = (1..=n).flat_map(|id| infe(id, b"hvc1")).collect();
    // Property 1 is the ispe, property k + 1 the irot of item k.
    let associations: Vec<_> = (1..=n)
        .map(|id| {
            let own = id + 1;
            let indices = if id == 1 { vec![1, own] } else { vec![own] };
            (u32::from(id), indices)
        })
        .collect();
    let properties = [ispe(), repeat(&irot(), 9 * usize::from(n))].concat();
    heif_still(
        &ftyp,
        &[0x55],
        &[
            iinf(&entries, usize::from(n)),
            iloc(&[(1, vec![(data, 1)])]),
            iprp(&properties, &ipma(0, true, &associations)),
        ],
    )
}

/// One item, and an `ipma` (version 1) with n entries for items that do not exist, which all
/// go (6 bytes each).
fn heif_absent_associations(bytes: usize) -> Vec<u8> {
    let ftyp = heif_ftyp();
    let data = data_start(&ftyp);
    let n = u32::try_from((bytes / 6).max(1)).unwrap();
    let associations: Vec<_> = (1..=n).map(|k| (k + 1, vec![1])).collect();
    let ipma_box = ipma(1, false, &[vec![(1, vec![1])], associations].concat());
    heif_still(
        &ftyp,
        &[0x55],
        &one_item_children(data, &[], Some(ipma_box)),
    )
}

/// Items 1 (`hvc1`), 2 (its `hvc1` thumbnail) and 3 (`Exif`), and n references (14 bytes
/// each) alternating `thmb` 2 → 1, which stays, and `cdsc` 3 → 1, which goes.
fn heif_many_references(bytes: usize) -> Vec<u8> {
    let ftyp = heif_ftyp();
    let data = data_start(&ftyp);
    let reference = |kind: &[u8; 4], from: u16| {
        bmff_box(kind, &[&from.to_be_bytes()[..], &[0, 1, 0, 1]].concat())
    };
    let pair = [reference(b"thmb", 2), reference(b"cdsc", 3)].concat();
    let entries = [infe(1, b"hvc1"), infe(2, b"hvc1"), infe(3, b"Exif")].concat();
    heif_still(
        &ftyp,
        &[1, 2, 3],
        &[
            iinf(&entries, 3),
            iloc(&[
                (1, vec![(data, 1)]),
                (2, vec![(data + 1, 1)]),
                (3, vec![(data + 2, 1)]),
            ]),
            full_box(b"iref", 0, &repeat(&pair, bytes)),
            iprp(&ispe(), &ipma(0, false, &[(1, vec![1]), (2, vec![1])])),
        ],
    )
}

/// One item whose data is n one-byte extents, every other byte of `mdat` (10 bytes each:
/// 8 in `iloc`, 2 in `mdat`), so each extent is a span of its own in the output.
fn heif_many_extents(bytes: usize) -> Vec<u8> {
    let ftyp = heif_ftyp();
    let data = data_start(&ftyp);
    let n = u32::try_from((bytes / 10).max(1)).unwrap();
    let extents: Vec<_> = (0..n).map(|k| (data + 2 * k, 1)).collect();
    let mut children = one_item_children(data, &[], None);
    children[1] = iloc(&[(1, extents)]);
    heif_still(
        &ftyp,
        &vec![0x55; 2 * usize::try_from(n).unwrap()],
        &children,
    )
}

/// Items 1 (`hvc1`) and 2 (`Exif`), and a `grpl` `altr` group of n entity ids alternating
/// 1, which stays, and 2, which goes (4 bytes each).
fn heif_many_entities(bytes: usize) -> Vec<u8> {
    let ftyp = heif_ftyp();
    let data = data_start(&ftyp);
    let n = (bytes / 8).max(1);
    let ids = repeat(&[0, 0, 0, 1, 0, 0, 0, 2], 8 * n);
    let count = u32::try_from(2 * n).unwrap();
    let group = full_box(
        b"altr",
        0,
        &[&[0, 0, 0, 9][..], &count.to_be_bytes(), &ids].concat(),
    );
    let entries = [infe(1, b"hvc1"), infe(2, b"Exif")].concat();
    heif_still(
        &ftyp,
        &[1, 2],
        &[
            iinf(&entries, 2),
            iloc(&[(1, vec![(data, 1)]), (2, vec![(data + 1, 1)])]),
            iprp(&ispe(), &ipma(0, false, &[(1, vec![1])])),
            bmff_box(b"grpl", &group),
        ],
    )
}
