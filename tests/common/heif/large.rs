//! Large item tables (tests/memory.rs): grids of many tiles, items with many extents.

use super::boxes::{boxes, bx, full};

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
