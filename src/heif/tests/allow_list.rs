//! The allow-list at work (SPEC.md "Allow-list, everywhere"): items of other types go with
//! their bytes, unknown properties go (or, marked essential, the file is refused), a kept
//! image's derivation inputs must stay, `infe`/`pitm`/`dinf`/`grpl` keep their defined
//! fields only, and `moov` keeps only what decodes the samples.

use super::*;

/// An iloc entry as [`Loc`], owning its extents.
type OwnedLoc = (u16, u16, Vec<(u32, u32)>);

/// One hvc1 primary (item 1) with `props` (ipma: `(essential, index)` from 1), more meta
/// children, and more items: `(id, type, data, in idat)`.
fn image_with(
    props: &[Vec<u8>],
    assocs: &[(bool, u8)],
    more_items: &[(u16, &[u8; 4], &[u8], bool)],
    more_children: &[Vec<u8>],
) -> Vec<u8> {
    let idat: Vec<u8> = more_items
        .iter()
        .filter(|i| i.3)
        .flat_map(|i| i.2.to_vec())
        .collect();
    let build = |base: u32| {
        let mut locs: Vec<OwnedLoc> = vec![(1, 0, vec![(base, PIXELS.len() as u32)])];
        let (mut in_mdat, mut in_idat) = (PIXELS.len() as u32, 0u32);
        for &(id, _, data, idat) in more_items {
            let len = data.len() as u32;
            if idat {
                locs.push((id, 1, vec![(in_idat, len)]));
                in_idat += len;
            } else {
                locs.push((id, 0, vec![(base + in_mdat, len)]));
                in_mdat += len;
            }
        }
        let locs: Vec<Loc<'_>> = locs.iter().map(|(i, m, e)| (*i, *m, &e[..])).collect();
        let mut entries = vec![infe(1, b"hvc1", "")];
        entries.extend(
            more_items
                .iter()
                .map(|&(id, kind, _, _)| infe(id, kind, "")),
        );
        let refs: Vec<u16> = vec![1];
        let cdsc: Vec<(&[u8; 4], u16, &[u16])> = more_items
            .iter()
            .map(|&(id, _, _, _)| (b"cdsc", id, &refs[..]))
            .collect();
        let mut children = vec![
            hdlr(""),
            pitm(1),
            iloc(1, &locs),
            iinf(&entries),
            iprp(props, ipma(&[(1, assocs)])),
        ];
        if !cdsc.is_empty() {
            children.push(iref(&cdsc));
        }
        if !idat.is_empty() {
            children.push(bx(b"idat", &idat));
        }
        children.extend(more_children.iter().cloned());
        meta(&children)
    };
    let mdat: Vec<u8> = [PIXELS.to_vec()]
        .into_iter()
        .chain(more_items.iter().filter(|i| !i.3).map(|i| i.2.to_vec()))
        .flatten()
        .collect();
    let base = u32::try_from(ftyp().len() + build(0).len() + 8).unwrap();
    cat(&[ftyp(), build(base), bx(b"mdat", &mdat)])
}

fn plain_image(more_children: &[Vec<u8>]) -> Vec<u8> {
    image_with(&[ispe(64, 48)], &[(false, 1)], &[], more_children)
}

#[test]
fn items_of_unknown_type_go_with_their_bytes_and_entries() {
    let input = image_with(
        &[ispe(64, 48)],
        &[(false, 1)],
        &[
            (2, b"cnry", b"CANARY-unknown-item-in-mdat", false),
            (3, b"xml ", b"CANARY-xml-item-in-idat", true),
            (4, b"hvc1", THUMB, false),
        ],
        &[],
    );
    let out = stripped(&input);
    assert_clean(&out);
    assert_eq!(resolve(&out), [(1, PIXELS.to_vec()), (4, THUMB.to_vec())]);
    assert_eq!(
        meta_child(&out, b"iinf").unwrap(),
        iinf(&[infe(1, b"hvc1", ""), infe(4, b"hvc1", "")])
    );
    // cdsc from 4 to 1 stays; the references from the dropped items go; idat is empty.
    assert_eq!(
        meta_child(&out, b"iref").unwrap(),
        iref(&[(b"cdsc", 4, &[1])])
    );
    assert!(meta_child(&out, b"idat").is_none());
    assert!(out.ends_with(&bx(b"mdat", &[PIXELS, THUMB].concat())));
    let report = Stripper::new().strip(&input).unwrap().report;
    assert!(report.removed.contains(Kinds::OTHER));
}

#[test]
fn unknown_properties_go_and_indices_follow() {
    let props = [
        bx(b"cnry", b"CANARY-prop"),
        ispe(64, 48),
        bx(b"uuid", &[&[9u8; 16][..], b"CANARY-uuid-prop"].concat()),
        bx(b"irot", &[3]),
    ];
    let input = image_with(
        &props,
        &[(false, 1), (true, 2), (false, 3), (true, 4)],
        &[],
        &[],
    );
    let out = stripped(&input);
    assert_clean(&out);
    assert_eq!(
        meta_child(&out, b"iprp").unwrap(),
        iprp(
            &[ispe(64, 48), bx(b"irot", &[3])],
            ipma(&[(1, &[(true, 1), (true, 2)])])
        )
    );
}

#[test]
fn an_essential_unknown_property_is_unsupported_at_the_property() {
    let prop = bx(b"cnry", b"CANARY-prop");
    let input = image_with(
        &[ispe(64, 48), prop.clone()],
        &[(false, 1), (true, 2)],
        &[],
        &[],
    );
    let at = offset_of(&input, &prop);
    let e = strip(&input).unwrap_err();
    assert!(
        matches!(e, Error::Unsupported { offset, .. } if offset == at),
        "{e:?} (property at {at})"
    );
    // An essential colr of a colour type no standard gives HEIF is unknown too.
    let nclc = bx(b"colr", b"nclc\0\x01\0\x01\0\x01");
    let input = image_with(std::slice::from_ref(&nclc), &[(true, 1)], &[], &[]);
    let e = strip(&input).unwrap_err();
    assert!(
        matches!(e, Error::Unsupported { offset, .. } if offset == offset_of(&input, &nclc)),
        "{e:?}"
    );
    // Known properties that go are never refused, essential or not: they change no pixel.
    let udes = full(b"udes", 0, 0, b"en\0CANARY-title\0\0\0");
    let input = image_with(&[udes], &[(true, 1)], &[], &[]);
    assert_clean(&stripped(&input));
}

/// A grid (item 1, descriptor in idat) of items 2 and 3; item 3 is of type `kind`.
fn grid_of(kind: &[u8; 4]) -> Vec<u8> {
    let grid = [0u8, 0, 0, 1, 0, 16, 0, 8];
    let build = |base: u32| {
        meta(&[
            hdlr(""),
            pitm(1),
            iinf(&[
                infe(1, b"grid", ""),
                infe(2, b"hvc1", ""),
                infe(3, kind, ""),
            ]),
            iloc(
                1,
                &[
                    (1, 1, &[(0, 8)]),
                    (2, 0, &[(base, 5)]),
                    (3, 0, &[(base + 5, 5)]),
                ],
            ),
            iref(&[(b"dimg", 1, &[2, 3])]),
            iprp(&[ispe(16, 8)], ipma(&[(1, &[(false, 1)])])),
            bx(b"idat", &grid),
        ])
    };
    let base = u32::try_from(ftyp().len() + build(0).len() + 8).unwrap();
    cat(&[ftyp(), build(base), bx(b"mdat", b"tile1tile2")])
}

#[test]
fn a_derivation_input_that_would_go_is_unsupported_at_its_infe() {
    for kind in [b"zzzz", b"Exif", b"mime"] {
        let input = grid_of(kind);
        let at = offset_of(&input, &infe(3, kind, ""));
        let e = strip(&input).unwrap_err();
        assert!(
            matches!(e, Error::Unsupported { offset, .. } if offset == at),
            "{kind:?}: {e:?} (infe at {at})"
        );
    }
    // An input with no infe at all: the error points at the reference.
    let input = grid_of(b"hvc1");
    let out = stripped(&input);
    assert_eq!(resolve(&out).len(), 3);
    let refs = iref(&[(b"dimg", 1, &[2, 4])]);
    let input = [
        &input[..offset_of(&input, b"iref") - 4],
        &refs[..],
        &input[offset_of(&input, b"iref") - 4 + refs.len()..],
    ]
    .concat();
    let e = strip(&input).unwrap_err();
    assert!(
        matches!(e, Error::Unsupported { offset, .. } if offset == offset_of(&input, b"dimg") - 4),
        "{e:?}"
    );
}

#[test]
fn a_primary_item_of_unknown_type_is_unsupported_at_its_infe() {
    let input = image_with(&[ispe(8, 8)], &[(false, 1)], &[], &[]);
    let at = offset_of(&input, &infe(1, b"hvc1", ""));
    let input = [
        &input[..at],
        &infe(1, b"evc1", "")[..],
        &input[at + infe(1, b"evc1", "").len()..],
    ]
    .concat();
    let e = strip(&input).unwrap_err();
    assert!(
        matches!(e, Error::Unsupported { offset, .. } if offset == at),
        "{e:?} (infe at {at})"
    );
}

#[test]
fn infe_keeps_its_defined_fields_only() {
    // Flags other than "hidden", and bytes after the name (a second string, a canary).
    let long = full(
        b"infe",
        2,
        0xFF_FFFF,
        b"\0\x01\0\0hvc1Alice\0CANARY-after-the-name\0more",
    );
    let input = plain_image(&[]);
    let at = offset_of(&input, &infe(1, b"hvc1", ""));
    let size = infe(1, b"hvc1", "").len();
    let iinf_at = offset_of(&input, b"iinf") - 4;
    let mut input = [&input[..at], &long[..], &input[at + size..]].concat();
    // iinf and meta grow by the difference.
    let grow = u32::try_from(long.len() - size).unwrap();
    for box_at in [iinf_at, offset_of(&input, b"meta") - 4] {
        let old = u32::from_be_bytes(input[box_at..box_at + 4].try_into().unwrap());
        input[box_at..box_at + 4].copy_from_slice(&(old + grow).to_be_bytes());
    }
    // mdat moved: fix item 1's offset (iloc version 1, the only extent's offset).
    let iloc_at = offset_of(&input, b"iloc") - 4;
    let off = iloc_at + 8 + 4 + 2 + 2 + 2 + 2 + 2 + 2;
    let old = u32::from_be_bytes(input[off..off + 4].try_into().unwrap());
    input[off..off + 4].copy_from_slice(&(old + grow).to_be_bytes());
    assert_eq!(item(&input, 1).unwrap(), PIXELS);
    let out = stripped(&input);
    assert_clean(&out);
    assert_eq!(
        meta_child(&out, b"iinf").unwrap(),
        iinf(&[full(b"infe", 2, 1, b"\0\x01\0\0hvc1\0")])
    );
    assert_eq!(item(&out, 1).unwrap(), PIXELS);
}

#[test]
fn dinf_is_written_self_contained() {
    let url = full(b"url ", 0, 1, b"file:///Users/alice/CANARY-location\0");
    let extra_entry = full(b"urn ", 0, 1, b"CANARY-urn\0");
    let dref = full(
        b"dref",
        0,
        0,
        &[&[0u8, 0, 0, 2][..], &url, &extra_entry].concat(),
    );
    let dinf = bx(b"dinf", &[dref, bx(b"zzzz", b"CANARY-in-dinf")].concat());
    let out = stripped(&plain_image(&[dinf]));
    assert_clean(&out);
    assert_eq!(
        meta_child(&out, b"dinf").unwrap(),
        allow::SELF_CONTAINED_DINF
    );
    // The self-contained form is left as it is; one shorter than it (no entry) goes.
    let canonical = allow::SELF_CONTAINED_DINF.to_vec();
    let input = plain_image(std::slice::from_ref(&canonical));
    assert_eq!(meta_child(&stripped(&input), b"dinf").unwrap(), canonical);
    let empty = bx(b"dinf", &full(b"dref", 0, 0, &[0, 0, 0, 0]));
    assert!(meta_child(&stripped(&plain_image(&[empty])), b"dinf").is_none());
}

#[test]
fn pitm_holds_its_item_id_only() {
    let input = plain_image(&[]);
    let at = offset_of(&input, &pitm(1));
    let long = full(b"pitm", 0, 0x00AB_CDEF, b"\0\x01CANARY");
    let grow = u32::try_from(long.len() - pitm(1).len()).unwrap();
    let mut input = [&input[..at], &long[..], &input[at + pitm(1).len()..]].concat();
    let meta_at = offset_of(&input, b"meta") - 4;
    let old = u32::from_be_bytes(input[meta_at..meta_at + 4].try_into().unwrap());
    input[meta_at..meta_at + 4].copy_from_slice(&(old + grow).to_be_bytes());
    let iloc_at = offset_of(&input, b"iloc") - 4;
    let off = iloc_at + 8 + 4 + 2 + 2 + 2 + 2 + 2 + 2;
    let old = u32::from_be_bytes(input[off..off + 4].try_into().unwrap());
    input[off..off + 4].copy_from_slice(&(old + grow).to_be_bytes());
    let out = stripped(&input);
    assert_clean(&out);
    assert_eq!(meta_child(&out, b"pitm").unwrap(), pitm(1));
    assert_eq!(item(&out, 1).unwrap(), PIXELS);
}

#[test]
fn groups_keep_their_allowed_types_and_defined_fields() {
    let group = |kind: &[u8; 4], ids: &[u32], fields: &[u8]| {
        let mut b = 7u32.to_be_bytes().to_vec();
        b.extend_from_slice(&u32::try_from(ids.len()).unwrap().to_be_bytes());
        for id in ids {
            b.extend_from_slice(&id.to_be_bytes());
        }
        b.extend_from_slice(fields);
        full(kind, 0, 0, &b)
    };
    let pymd_fields = [
        &[0, 64, 0, 64][..],
        &[0, 1, 0, 0, 0, 0],
        &[0, 2, 0, 1, 0, 1],
    ]
    .concat();
    let grpl = bx(
        b"grpl",
        &cat(&[
            group(b"altr", &[1, 4], b"CANARY-after-altr"),
            group(b"brst", &[1, 4], b""),
            group(b"zzzz", &[1], b"CANARY-unknown-group"),
            group(
                b"pymd",
                &[1, 2],
                &[&pymd_fields[..], b"CANARY-after-pymd"].concat(),
            ),
        ]),
    );
    let input = image_with(
        &[ispe(64, 48)],
        &[(false, 1)],
        &[(2, b"Exif", EXIF, false), (4, b"hvc1", THUMB, false)],
        &[grpl],
    );
    let out = stripped(&input);
    assert_clean(&out);
    // altr cut to its ids; brst and the unknown group gone; pymd without item 2 (an Exif
    // item) and without that entity's layer fields.
    let expected = bx(
        b"grpl",
        &cat(&[
            group(b"altr", &[1, 4], b""),
            group(b"pymd", &[1], &[0, 64, 0, 64, 0, 1, 0, 0, 0, 0]),
        ]),
    );
    assert_eq!(meta_child(&out, b"grpl").unwrap(), expected);
}

#[test]
fn overlong_properties_are_cut_and_stay_cut() {
    let long_ispe = {
        let mut b = ispe(64, 48);
        b.extend_from_slice(b"CANARY-ispe-tail");
        b[3] += 16;
        b
    };
    let long_nclx = {
        let mut b = colr_nclx();
        b.extend_from_slice(b"CANARY-nclx-tail");
        b[3] += 16;
        b
    };
    let input = image_with(
        &[
            long_ispe,
            long_nclx,
            bx64(b"pasp", &[0, 0, 0, 1, 0, 0, 0, 1]),
        ],
        &[(false, 1), (false, 2), (false, 3)],
        &[],
        &[],
    );
    let out = stripped(&input);
    assert_clean(&out);
    // A property within its definition is copied as it is (even with a 64-bit size).
    assert_eq!(
        meta_child(&out, b"iprp").unwrap(),
        iprp(
            &[
                ispe(64, 48),
                colr_nclx(),
                bx64(b"pasp", &[0, 0, 0, 1, 0, 0, 0, 1])
            ],
            ipma(&[(1, &[(false, 1), (false, 2), (false, 3)])])
        )
    );
    assert_eq!(
        (
            Stripper::new().strip(&input).unwrap().report.width,
            item(&out, 1).unwrap()
        ),
        (64, PIXELS.to_vec())
    );
}

#[test]
fn undefined_flags_are_cleared() {
    let input = still(false);
    // Set every flag byte of meta, hdlr, pitm, iinf, infe, iloc, iref and ipma.
    let mut input = input;
    for kind in [
        &b"meta"[..],
        b"hdlr",
        b"pitm",
        b"iinf",
        b"iloc",
        b"iref",
        b"ipma",
    ] {
        let at = offset_of(&input, kind) + 5;
        input[at..at + 3].copy_from_slice(&[0xFF, 0xFF, 0xFE]);
    }
    let out = stripped(&input);
    for kind in [&b"hdlr"[..], b"pitm", b"iinf", b"iloc", b"iref"] {
        let at = offset_of(&out, kind) + 5;
        assert_eq!(
            out[at..at + 3],
            [0, 0, 0],
            "{:?}",
            String::from_utf8_lossy(kind)
        );
    }
    let at = offset_of(&out, b"meta") + 5;
    assert_eq!(out[at..at + 3], [0, 0, 0]);
    // ipma keeps flag 1 only (its indices are 7-bit here, so flag 1 is clear: FE).
    let at = offset_of(&out, b"ipma") + 5;
    assert_eq!(out[at..at + 3], [0, 0, 0]);
    assert_eq!(item(&out, 1).unwrap(), PIXELS);
}

// ----------------------------------------------------------------------------------------
// Sequences
// ----------------------------------------------------------------------------------------

fn mvhd() -> Vec<u8> {
    full(
        b"mvhd",
        0,
        0,
        &[[0u8, 0, 0, 5].as_slice(), &[0, 0, 0, 6], &[0; 88]].concat(),
    )
}

/// A sequence of one track (`handler`, two samples) with more boxes in it, in `moov`.
fn one_track(handler: &[u8; 4], extra: &[(&[u8; 4], Vec<u8>)], moov_extra: &[Vec<u8>]) -> Vec<u8> {
    let build = |base: u32| {
        bx(
            b"moov",
            &cat(&[
                vec![mvhd()],
                vec![trak_with(handler, stco(&[base, base + 7]), &[7, 7], extra)],
                moov_extra.to_vec(),
            ]
            .concat()),
        )
    };
    let base = u32::try_from(ftyp().len() + build(0).len() + 8).unwrap();
    cat(&[ftyp(), build(base), bx(b"mdat", b"frame-0frame-1")])
}

#[test]
fn moov_keeps_only_what_decodes_the_samples() {
    let dinf = bx(
        b"dinf",
        &full(
            b"dref",
            0,
            0,
            &[&[0u8, 0, 0, 1][..], &full(b"url ", 0, 1, b"CANARY-url\0")].concat(),
        ),
    );
    let input = one_track(
        b"pict",
        &[
            (b"trak", bx(b"zzzz", b"CANARY-in-trak")),
            (b"mdia", bx(b"elng", b"CANARY-elng\0")),
            (b"minf", dinf),
            (b"minf", bx(b"zzzz", b"CANARY-in-minf")),
            (b"stbl", bx(b"sgpd", b"CANARY-sample-group")),
            (
                b"stbl",
                full(b"stts", 0, 0, b"\0\0\0\x01\0\0\0\x02\0\0\0\x01CANARY-stts"),
            ),
            (b"av01", bx(b"zzzz", b"CANARY-in-entry")),
            (b"av01", bx(b"pasp", b"\0\0\0\x01\0\0\0\x01CANARY-pasp")),
        ],
        &[
            bx(b"iods", b"\0\0\0\0CANARY-iods"),
            bx(b"zzzz", b"CANARY-in-moov"),
        ],
    );
    let out = stripped(&input);
    assert_clean(&out);
    assert!(out.ends_with(&bx(b"mdat", b"frame-0frame-1")));
    assert!(contains(&out, &allow::SELF_CONTAINED_DINF));
    assert!(contains(
        &out,
        &full(b"stts", 0, 0, b"\0\0\0\x01\0\0\0\x02\0\0\0\x01")
    ));
    assert!(contains(&out, &bx(b"pasp", b"\0\0\0\x01\0\0\0\x01")));
    assert_eq!(Stripper::new().strip(&input).unwrap().report.frames, 2);
}

#[test]
fn sound_tracks_of_unknown_coding_and_other_handlers_go() {
    // A `soun` track whose entry is not an audio coding, and a `text` track: both go with
    // their samples, and the picture's samples stay.
    for handler in [b"soun", b"text", b"hint"] {
        let input = one_track(handler, &[], &[]);
        let out = stripped(&input);
        assert!(!contains(&out, b"trak"), "{handler:?}");
        assert!(!contains(&out, b"frame-0"), "{handler:?}");
    }
}

#[test]
fn a_visual_track_of_unknown_coding_is_unsupported_at_its_entry() {
    let input = one_track(b"pict", &[], &[]);
    let at = offset_of(&input, b"av01") - 4;
    let mut input = input;
    input[at + 4..at + 8].copy_from_slice(b"zzzz");
    let e = strip(&input).unwrap_err();
    assert!(
        matches!(e, Error::Unsupported { offset, .. } if offset == at),
        "{e:?} (entry at {at})"
    );
}

#[test]
fn track_references_keep_known_types_between_kept_tracks() {
    // The colour track 1; the alpha track 2 refers to it by `auxl` (and to the dropped
    // metadata track 3, with a ragged last byte), holds an unknown reference type, and a
    // `cdsc` to the dropped track.
    let tref = bx(
        b"tref",
        &cat(&[
            bx(b"auxl", &[0, 0, 0, 1, 0, 0, 0, 3, 0xCA]),
            bx(b"zzzz", &[0, 0, 0, 1]),
            bx(b"cdsc", &[0, 0, 0, 3]),
        ]),
    );
    let with_id = |id: u8, trak: Vec<u8>| {
        let mut t = trak;
        let at = offset_of(&t, b"tkhd") + 4 + 4 + 8;
        t[at + 3] = id;
        t
    };
    let build = |base: u32| {
        bx(
            b"moov",
            &cat(&[
                mvhd(),
                with_id(1, trak(b"pict", stco(&[base]), &[7])),
                with_id(
                    2,
                    trak_with(b"auxv", stco(&[base + 7]), &[7], &[(b"trak", tref.clone())]),
                ),
                with_id(3, trak(b"meta", stco(&[base + 14]), &[7])),
            ]),
        )
    };
    let base = u32::try_from(ftyp().len() + build(0).len() + 8).unwrap();
    let input = cat(&[ftyp(), build(base), bx(b"mdat", b"frame-0alpha-0gps-000")]);
    let out = stripped(&input);
    assert!(contains(&out, &bx(b"tref", &bx(b"auxl", &[0, 0, 0, 1]))));
    assert!(!contains(&out, b"zzzz") && !contains(&out, b"cdsc") && !contains(&out, b"gps"));
    assert!(out.ends_with(&bx(b"mdat", b"frame-0alpha-0")));
}
