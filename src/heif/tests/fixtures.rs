//! Fixtures shared by several test files: a grid in idat, tracks and sequences.

use super::*;

/// Item 1: a grid whose descriptor is in idat; items 2, 3: tiles in mdat; item 4: XMP in
/// idat between two kept idat ranges; item 5: Exif in mdat.
pub(super) fn grid_in_idat() -> Vec<u8> {
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

pub(super) fn trak(handler: &[u8; 4], stco: Vec<u8>, sizes: &[u32]) -> Vec<u8> {
    trak_with(handler, stco, sizes, &[])
}

/// [`trak`] with more boxes: `(container, box)`, the container one of `trak`, `mdia`,
/// `minf`, `stbl` or `av01` (the sample entry).
pub(super) fn trak_with(
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

pub(super) fn stco(offsets: &[u32]) -> Vec<u8> {
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
pub(super) fn sequence() -> Vec<u8> {
    sequence_with(true)
}

pub(super) fn sequence_with(with_meta: bool) -> Vec<u8> {
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
