//! Which listed chunks stay, are cut or go, by length, place and repetition (PNG 3rd
//! edition § 11.3, as libpng reads it), and what happens to unknown critical chunks.

use super::*;

/// Signature, IHDR 1×1 of `colour` type and `depth`, `before` IDAT, IDAT, `after`, IEND.
fn png_of(colour: u8, depth: u8, before: &[&[u8]], after: &[&[u8]]) -> Vec<u8> {
    let mut v = PNG_SIGNATURE.to_vec();
    v.extend(chunk(
        b"IHDR",
        &[0, 0, 0, 1, 0, 0, 0, 1, depth, colour, 0, 0, 0],
    ));
    before.iter().for_each(|c| v.extend_from_slice(c));
    v.extend(chunk(b"IDAT", b"\x78\x9c\x63\x60\x00\x00\x00\x02\x00\x01"));
    after.iter().for_each(|c| v.extend_from_slice(c));
    v.extend(chunk(b"IEND", b""));
    v
}

#[test]
fn keeps_listed_ancillary_chunks_of_their_defined_length_byte_exact() {
    let before_plte: Vec<Vec<u8>> = [
        (&b"gAMA"[..], 4),
        (b"cHRM", 32),
        (b"sRGB", 1),
        (b"cICP", 4),
        (b"mDCV", 24),
        (b"mDCv", 24),
        (b"cLLI", 8),
        (b"cLLi", 8),
        (b"sBIT", 3),
        (b"pHYs", 9),
        (b"acTL", 8),
        (b"fcTL", 26),
    ]
    .iter()
    .map(|&(k, len)| chunk(&k.try_into().unwrap(), &vec![1; len]))
    .collect();
    let after_plte = [
        chunk(b"PLTE", &[1, 2, 3, 4, 5, 6]),
        chunk(b"tRNS", &[0, 1, 0, 2, 0, 3]),
        chunk(b"bKGD", &[0, 1, 0, 2, 0, 3]),
        chunk(b"hIST", &[0, 1, 0, 2]),
    ];
    let refs: Vec<&[u8]> = before_plte
        .iter()
        .chain(&after_plte)
        .map(Vec::as_slice)
        .collect();
    let fdat = chunk(b"fdAT", &[0, 0, 0, 1, 0x78]);
    let input = png_of(2, 8, &refs, &[&fdat]);
    let (out, report) = strip_default(&input);
    assert_eq!(out, input);
    assert!(report.removed.is_empty());
}

#[test]
fn drops_listed_chunks_decoders_skip() {
    // Each on its own in a 1×1 8-bit truecolour image, before IDAT unless `after` says.
    let plte = chunk(b"PLTE", &[1, 2, 3]);
    let cases: Vec<(Vec<u8>, bool, &str)> = vec![
        (chunk(b"gAMA", &[0, 0, 0xB1, 0x8F, b'X']), false, "too long"),
        (chunk(b"gAMA", &[0, 0, 0xB1]), false, "too short"),
        (chunk(b"cHRM", &[7; 33]), false, "too long"),
        (chunk(b"sRGB", &[0, 0]), false, "too long"),
        (chunk(b"pHYs", &[1; 10]), false, "too long"),
        (chunk(b"cICP", &[1, 13, 0, 1, 0]), false, "too long"),
        (chunk(b"cLLI", &[1; 9]), false, "too long"),
        (chunk(b"mDCv", &[1; 25]), false, "too long"),
        (chunk(b"sBIT", &[8, 8, 8, 8]), false, "grey + alpha length"),
        (chunk(b"bKGD", &[0, 1]), false, "grey length"),
        (
            chunk(b"acTL", &[0, 0, 0, 1, 0, 0, 0, 0, 0]),
            false,
            "too long",
        ),
        (chunk(b"acTL", &[0, 0, 0, 1]), false, "too short"),
        (chunk(b"fcTL", &[0; 27]), false, "too long"),
        (chunk(b"hIST", &[0, 1]), false, "no PLTE"),
        (chunk(b"tRNS", &[0, 1, 0, 2, 0]), false, "too short"),
        (chunk(b"pHYs", &[1; 9]), true, "after IDAT"),
        (chunk(b"gAMA", &[0, 0, 0xB1, 0x8F]), true, "after IDAT"),
        (chunk(b"tRNS", &[0; 6]), true, "after IDAT"),
    ];
    let clean = png_of(2, 8, &[], &[]);
    for (unit, after, why) in cases {
        let (before, late): (Vec<&[u8]>, Vec<&[u8]>) = if after {
            (vec![], vec![&unit])
        } else {
            (vec![&unit], vec![])
        };
        let (out, report) = strip_default(&png_of(2, 8, &before, &late));
        assert_eq!(
            out,
            clean,
            "{}: {why}",
            String::from_utf8_lossy(&unit[4..8])
        );
        assert_eq!(report.removed, Kinds::OTHER);
        assert_eq!(report.bytes_removed, unit.len() as u64);
    }
    // A second copy, and a colour-space chunk after PLTE.
    let gama = chunk(b"gAMA", &[0, 0, 0xB1, 0x8F]);
    let phys = chunk(b"pHYs", &[1; 9]);
    let input = png_of(2, 8, &[&gama, &phys, &plte, &gama, &phys], &[]);
    let (out, report) = strip_default(&input);
    assert_eq!(out, png_of(2, 8, &[&gama, &phys, &plte], &[]));
    assert_eq!(report.bytes_removed, (gama.len() + phys.len()) as u64);
    // Skipped chunks do not count as seen: the next one of their kind is the first.
    let long = chunk(b"gAMA", &[0, 0, 0xB1, 0x8F, 0]);
    let (out, _) = strip_default(&png_of(2, 8, &[&long, &gama], &[]));
    assert_eq!(out, png_of(2, 8, &[&gama], &[]));
}

#[test]
fn cuts_grey_and_truecolour_trns_and_writes_iend_empty_with_new_crcs() {
    let long_grey = chunk(b"tRNS", &[0, 7, b'C', b'A', b'N']);
    let (out, report) = strip_default(&png_of(0, 8, &[&long_grey], &[]));
    assert_eq!(out, png_of(0, 8, &[&chunk(b"tRNS", &[0, 7])], &[]));
    assert_eq!((report.removed, report.bytes_removed), (Kinds::OTHER, 3));
    let long_rgb = chunk(b"tRNS", &[0, 1, 0, 2, 0, 3, 0, 4]);
    let (out, _) = strip_default(&png_of(2, 16, &[&long_rgb], &[]));
    assert_eq!(
        out,
        png_of(2, 16, &[&chunk(b"tRNS", &[0, 1, 0, 2, 0, 3])], &[])
    );
    // Palette: at most one entry per PLTE entry, else it goes whole.
    let plte = chunk(b"PLTE", &[1, 2, 3, 4, 5, 6]);
    let trns = chunk(b"tRNS", &[0, 9, 9]);
    let (out, _) = strip_default(&png_of(3, 8, &[&plte, &trns], &[]));
    assert_eq!(out, png_of(3, 8, &[&plte], &[]));
    // With alpha, or before the palette: it goes.
    for (colour, before) in [(4u8, vec![]), (6, vec![]), (3, vec![&trns[..], &plte[..]])] {
        let mut units = before.clone();
        if units.is_empty() {
            units.push(&long_grey);
        }
        let (out, _) = strip_default(&png_of(colour, 8, &units, &[]));
        let kept: Vec<&[u8]> = units.into_iter().filter(|u| &u[4..8] == b"PLTE").collect();
        assert_eq!(out, png_of(colour, 8, &kept, &[]), "colour type {colour}");
    }
    // IEND with data: `00000000 IEND AE426082`.
    let mut input = png_of(2, 8, &[], &[]);
    let end = input.len() - 12;
    input.splice(end.., chunk(b"IEND", b"CANARY"));
    let (out, report) = strip_default(&input);
    assert_eq!(out, png_of(2, 8, &[], &[]));
    assert_eq!(&out[end..], b"\0\0\0\0IEND\xAE\x42\x60\x82");
    assert_eq!(report.bytes_removed, 6);
}

#[test]
fn palette_keeps_the_entries_a_pixel_can_name() {
    // 1-bit palette image: 2 entries; the 4 others go, and tRNS and hIST follow the 2.
    let plte = chunk(
        b"PLTE",
        &[
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
        ],
    );
    let hist6 = chunk(b"hIST", &[0; 12]);
    let hist2 = chunk(b"hIST", &[0, 1, 0, 2]);
    let trns = chunk(b"tRNS", &[0, 0x80]);
    let input = png_of(3, 1, &[&plte, &hist6, &hist2, &trns], &[]);
    let (out, report) = strip_default(&input);
    let cut = chunk(b"PLTE", &[1, 2, 3, 4, 5, 6]);
    assert_eq!(out, png_of(3, 1, &[&cut, &hist2, &trns], &[]));
    assert_eq!(report.bytes_removed, (12 + hist6.len()) as u64);
    // 8-bit: all 6 stay. Greyscale: PLTE goes. Truecolour: a broken one goes.
    let (out, _) = strip_default(&png_of(3, 8, &[&plte], &[]));
    assert_eq!(out, png_of(3, 8, &[&plte], &[]));
    let (out, _) = strip_default(&png_of(0, 8, &[&plte], &[]));
    assert_eq!(out, png_of(0, 8, &[], &[]));
    let odd = chunk(b"PLTE", &[1, 2, 3, 4]);
    let (out, _) = strip_default(&png_of(2, 8, &[&odd, &plte], &[]));
    assert_eq!(out, png_of(2, 8, &[&plte], &[]));
    // A palette image cannot do without its palette: a broken one is an error at it.
    let at = 8 + 25;
    for units in [vec![&odd[..]], vec![&plte[..], &plte[..]]] {
        let err = run(&png_of(3, 8, &units, &[]), Keep::empty(), Limits::default()).unwrap_err();
        let first_bad = at + if units.len() == 2 { plte.len() } else { 0 };
        assert!(
            matches!(err, Error::Malformed { format: Format::Png, offset, .. } if offset == first_bad),
            "{err:?}"
        );
    }
    let late = png_of(3, 8, &[], &[&plte]);
    assert!(matches!(
        run(&late, Keep::empty(), Limits::default()),
        Err(Error::Malformed { .. })
    ));
}

#[test]
fn unknown_critical_chunks_are_unsupported_at_their_type() {
    let at = 8 + 25;
    for kind in [b"CgBI", b"ABCD", b"IHDX", b"IDAX", b"IENd"] {
        let input = png(&[&chunk(kind, b"CANARY")], &[]);
        assert_eq!(
            run(&input, Keep::empty(), Limits::default()).unwrap_err(),
            Error::Unsupported {
                format: Format::Png,
                offset: at + 4,
                what: format!("unknown critical chunk \"{}\"", kind.escape_ascii()).into()
            },
            "{}",
            String::from_utf8_lossy(kind)
        );
    }
    assert!(is_unknown_critical(*b"CgBI"));
    assert!(!is_unknown_critical(*b"IEND"));
    assert!(!is_unknown_critical(*b"prVW"));
}

#[test]
fn cgbi_before_ihdr_stays_and_the_rest_is_stripped() {
    let cgbi = chunk(b"CgBI", &[0x50, 0, 0x20, 6]);
    let clean = png(&[], &[]);
    let with = |units: &[&[u8]]| -> Vec<u8> {
        let mut v = clean[..8].to_vec();
        units.iter().for_each(|u| v.extend_from_slice(u));
        v.extend_from_slice(&clean[8..]);
        v
    };
    let text = chunk(b"tEXt", b"Comment\0CANARY");
    let mut input = with(&[&cgbi]);
    input.splice(8 + cgbi.len() + 25..8 + cgbi.len() + 25, text.clone());
    let (out, report) = strip_default(&input);
    assert_eq!(out, with(&[&cgbi]));
    assert_eq!(report.bytes_removed, text.len() as u64);
    // Only 4 bytes, only first.
    let long = chunk(b"CgBI", &[0x50, 0, 0x20, 6, 0]);
    assert!(matches!(
        run(&with(&[&long]), Keep::empty(), Limits::default()),
        Err(Error::Unsupported { offset: 12, .. })
    ));
    assert!(matches!(
        run(&with(&[&cgbi, &cgbi]), Keep::empty(), Limits::default()),
        Err(Error::Malformed { offset: 28, .. })
    ));
}

#[test]
fn a_second_ihdr_or_a_bad_format_is_malformed() {
    let ihdr_chunk = ihdr(1, 1);
    let input = png(&[&ihdr_chunk], &[]);
    assert!(matches!(
        run(&input, Keep::empty(), Limits::default()),
        Err(Error::Malformed { offset, .. }) if offset == 8 + 25 + 4
    ));
    for (depth, colour) in [
        (8, 1),
        (8, 5),
        (8, 7),
        (16, 3),
        (4, 2),
        (1, 4),
        (3, 0),
        (0, 0),
    ] {
        assert!(
            matches!(
                run(
                    &png_of(colour, depth, &[], &[]),
                    Keep::empty(),
                    Limits::default()
                ),
                Err(Error::Malformed { offset: 24, .. })
            ),
            "depth {depth} colour {colour}"
        );
    }
    for (depth, colour) in [(1, 0), (16, 0), (16, 2), (1, 3), (8, 3), (8, 4), (16, 6)] {
        assert!(run(
            &png_of(colour, depth, &[], &[]),
            Keep::empty(),
            Limits::default()
        )
        .is_ok());
    }
}

#[test]
fn fit_mirrors_png_11_3_and_libpng() {
    let img = |colour: u8, palette: Option<usize>| Image {
        colour,
        depth: 8,
        palette,
        ..Image::default()
    };
    let rgb = img(2, None);
    let cases: &[(&[u8; 4], usize, Image, Fit)] = &[
        (b"gAMA", 4, rgb, Fit::Whole),
        (b"gAMA", 5, rgb, Fit::Drop),
        (b"cHRM", 32, rgb, Fit::Whole),
        (b"sRGB", 1, rgb, Fit::Whole),
        (b"sRGB", 0, rgb, Fit::Drop),
        (b"pHYs", 9, rgb, Fit::Whole),
        (b"cICP", 4, rgb, Fit::Whole),
        (b"cLLI", 8, rgb, Fit::Whole),
        (b"cLLi", 8, rgb, Fit::Whole),
        (b"mDCV", 24, rgb, Fit::Whole),
        (b"mDCv", 23, rgb, Fit::Drop),
        (b"acTL", 8, rgb, Fit::Whole),
        (b"acTL", 12, rgb, Fit::Drop),
        (b"fcTL", 26, rgb, Fit::Whole),
        (b"fcTL", 30, rgb, Fit::Drop),
        (b"fdAT", 4000, rgb, Fit::Whole),
        // sBIT: 0 → 1, 2/3 → 3, 4 → 2, 6 → 4.
        (b"sBIT", 1, img(0, None), Fit::Whole),
        (b"sBIT", 3, img(2, None), Fit::Whole),
        (b"sBIT", 3, img(3, None), Fit::Whole),
        (b"sBIT", 2, img(4, None), Fit::Whole),
        (b"sBIT", 4, img(6, None), Fit::Whole),
        (b"sBIT", 4, img(2, None), Fit::Drop),
        // bKGD: 0/4 → 2, 2/6 → 6, 3 → 1.
        (b"bKGD", 2, img(0, None), Fit::Whole),
        (b"bKGD", 2, img(4, None), Fit::Whole),
        (b"bKGD", 6, img(6, None), Fit::Whole),
        (b"bKGD", 1, img(3, Some(4)), Fit::Whole),
        (b"bKGD", 1, img(3, None), Fit::Drop),
        (b"bKGD", 6, img(0, None), Fit::Drop),
        // tRNS: 0 → 2, 2 → 6, 3 → 1..=entries; none with alpha.
        (b"tRNS", 2, img(0, None), Fit::Whole),
        (b"tRNS", 9, img(0, None), Fit::Cut(2)),
        (b"tRNS", 1, img(0, None), Fit::Drop),
        (b"tRNS", 7, img(2, None), Fit::Cut(6)),
        (b"tRNS", 4, img(3, Some(4)), Fit::Whole),
        (b"tRNS", 1, img(3, Some(4)), Fit::Whole),
        (b"tRNS", 5, img(3, Some(4)), Fit::Drop),
        (b"tRNS", 0, img(3, Some(4)), Fit::Drop),
        (b"tRNS", 2, img(4, None), Fit::Drop),
        (b"tRNS", 6, img(6, None), Fit::Drop),
        // hIST: two bytes per entry read.
        (b"hIST", 8, img(3, Some(4)), Fit::Whole),
        (b"hIST", 6, img(3, Some(4)), Fit::Drop),
        (b"hIST", 8, img(2, Some(4)), Fit::Whole),
        (b"hIST", 8, img(2, None), Fit::Drop),
        // Colour space after PLTE goes; pHYs after PLTE stays.
        (b"gAMA", 4, img(2, Some(4)), Fit::Drop),
        (b"pHYs", 9, img(2, Some(4)), Fit::Whole),
    ];
    for &(kind, len, image, expected) in cases {
        assert_eq!(
            fit(*kind, len, &image),
            expected,
            "{} of {len} bytes in {image:?}",
            String::from_utf8_lossy(kind)
        );
    }
    let late = Image {
        after_idat: true,
        ..rgb
    };
    for kind in [b"gAMA", b"tRNS", b"bKGD", b"pHYs", b"acTL", b"sRGB"] {
        assert_eq!(fit(*kind, 0, &late), Fit::Drop);
    }
    assert_eq!(fit(*b"fcTL", 26, &late), Fit::Whole);
    assert_eq!(fit(*b"fdAT", 5, &late), Fit::Whole);
    let seen = Image {
        seen: once_bit(*b"cHRM").unwrap(),
        ..rgb
    };
    assert_eq!(fit(*b"cHRM", 32, &seen), Fit::Drop);
    assert_eq!(fit(*b"gAMA", 4, &seen), Fit::Whole);
    assert_eq!(once_bit(*b"fcTL"), None);
}

#[test]
fn palette_fit_reads_like_libpng() {
    let img = |colour: u8, depth: u8| Image {
        colour,
        depth,
        ..Image::default()
    };
    assert_eq!(palette_fit(768, &img(3, 8)), Ok(Fit::Whole));
    assert_eq!(palette_fit(768, &img(3, 4)), Ok(Fit::Cut(48)));
    assert_eq!(palette_fit(6, &img(3, 1)), Ok(Fit::Whole));
    assert_eq!(palette_fit(9, &img(3, 1)), Ok(Fit::Cut(6)));
    assert_eq!(palette_fit(9, &img(0, 8)), Ok(Fit::Drop));
    assert_eq!(palette_fit(9, &img(4, 8)), Ok(Fit::Drop));
    assert_eq!(palette_fit(9, &img(2, 8)), Ok(Fit::Whole));
    assert_eq!(palette_fit(10, &img(6, 8)), Ok(Fit::Drop));
    assert_eq!(palette_fit(771, &img(2, 8)), Ok(Fit::Drop));
    assert!(palette_fit(0, &img(3, 8)).is_err());
    assert!(palette_fit(771, &img(3, 8)).is_err());
    assert!(palette_fit(10, &img(3, 8)).is_err());
    let seen = Image {
        palette: Some(2),
        ..img(3, 8)
    };
    assert!(palette_fit(6, &seen).is_err());
    let seen_rgb = Image {
        palette: Some(2),
        ..img(2, 8)
    };
    assert_eq!(palette_fit(6, &seen_rgb), Ok(Fit::Drop));
}

#[test]
fn verdict_mirrors_the_spec_table() {
    let e = Keep::empty();
    for kind in [
        b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"cICP", b"mDCV",
        b"mDCv", b"cLLI", b"cLLi", b"sBIT", b"bKGD", b"hIST", b"pHYs", b"acTL", b"fcTL", b"fdAT",
    ] {
        assert_eq!(verdict(*kind, e), Verdict::Keep);
    }
    assert_eq!(verdict(*b"tEXt", e), Verdict::Drop(Kinds::TEXT));
    assert_eq!(verdict(*b"eXIf", e), Verdict::Drop(Kinds::EXIF));
    assert_eq!(verdict(*b"eXIf", Keep::ORIENTATION), Verdict::Rewrite);
    assert_eq!(verdict(*b"eXIf", Keep::COPYRIGHT), Verdict::Rewrite);
    assert_eq!(verdict(*b"iTXt", Keep::COPYRIGHT), Verdict::Rewrite);
    assert_eq!(verdict(*b"iTXt", Keep::DISPLAY), Verdict::Drop(Kinds::TEXT));
    assert_eq!(verdict(*b"zTXt", Keep::all()), Verdict::Drop(Kinds::TEXT));
    assert_eq!(verdict(*b"iCCP", Keep::ICC), Verdict::Rewrite);
    assert_eq!(
        verdict(*b"tIME", Keep::all()),
        Verdict::Drop(Kinds::TIMESTAMP)
    );
    assert_eq!(verdict(*b"sPLT", Keep::all()), Verdict::Drop(Kinds::OTHER));
    assert_eq!(verdict(*b"iDOT", Keep::all()), Verdict::Drop(Kinds::OTHER));
}
