//! Unsupported, truncated and malformed inputs, each error with its offset.

use super::*;

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
            what: "construction method 2 (data from other items)".into()
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
        what: "item or sample data outside every mdat box".into(),
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
