//! Dropped items and their bytes, `iloc`/`idat`/`ipma` rewriting, names, references,
//! groups; and box sizes (64-bit sizes, size 0, several `mdat`s).

use super::*;

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
            bx(b"irot", &[1]),
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
    let mut ranges = relocate::Ranges::with_capacity(1, 4);
    ranges.push(0, 4);
    let layout = Layout::new(ranges, vec![b"ef".to_vec()]);
    let mut out = Vec::new();
    write_mdat(b"abcd", &layout, &mut out);
    assert_eq!(out, bx(b"mdat", b"abcdef"));
    assert_eq!(mdat_header_len(layout.len()), 8);
    assert_eq!(mdat_header_len(u64::from(u32::MAX) - 8), 8);
    assert_eq!(mdat_header_len(u64::from(u32::MAX) - 7), 16);
}
