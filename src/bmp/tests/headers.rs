//! The policy table, header versions, palettes, masks, reserved fields, padding, gaps,
//! trailing bytes and `bfOffBits`.

use super::*;

#[test]
fn verdict_mirrors_the_spec() {
    for keep in [Keep::empty(), Keep::ICC, Keep::DISPLAY] {
        assert_eq!(verdict(Unit::Masks, keep), Verdict::Keep);
        assert_eq!(verdict(Unit::Palette, keep), Verdict::Keep);
        assert_eq!(verdict(Unit::Pixels, keep), Verdict::Keep);
        assert_eq!(verdict(Unit::EmbeddedImage, keep), Verdict::Rewrite);
        assert_eq!(verdict(Unit::Gap, keep), Verdict::Drop(Kinds::OTHER));
        assert_eq!(verdict(Unit::Trailer, keep), Verdict::Drop(Kinds::TRAILER));
        assert_eq!(
            verdict(Unit::LinkedProfile, keep),
            Verdict::Drop(Kinds::ICC)
        );
    }
    assert_eq!(
        verdict(Unit::EmbeddedProfile, Keep::empty()),
        Verdict::Drop(Kinds::ICC)
    );
    assert_eq!(
        verdict(Unit::EmbeddedProfile, Keep::ORIENTATION),
        Verdict::Drop(Kinds::ICC)
    );
    assert_eq!(verdict(Unit::EmbeddedProfile, Keep::ICC), Verdict::Rewrite);
}

#[test]
fn keeps_every_header_version_byte_exact() {
    let palette8: Vec<u8> = (0..=255u8).flat_map(|i| [i, i, i, 0]).collect();
    let palette8_core: Vec<u8> = (0..=255u8).flat_map(|i| [i, i, i]).collect();
    let px8 = vec![7u8; 8]; // 2×2 at 8 bpp: rows of 4 bytes
    let px24 = pixels_2x2();
    let mut files = vec![
        bmp(&core(2, 2, 8), &palette8_core, &px8, &[]),
        bmp(&core(2, 2, 24), &[], &px24, &[]),
        bmp(&dib(16, 2, 2, 8, 0), &palette8, &px8, &[]),
        bmp(&dib(64, 2, 2, 8, 0), &palette8, &px8, &[]),
        bmp(&dib(40, 2, 2, 24, 0), &[], &px24, &[]),
        bmp(&dib(40, 2, 2, 8, 0), &palette8, &px8, &[]),
    ];
    for size in [52, 56, 108, 124] {
        files.push(bmp(&dib(size, 2, 2, 24, 0), &[], &px24, &[]));
        let mut h = dib(size, 2, 2, 32, 3);
        for (i, m) in [0xFF_0000u32, 0xFF00, 0xFF, 0xFF00_0000]
            .iter()
            .enumerate()
            .take(if size == 52 { 3 } else { 4 })
        {
            set32(&mut h, 40 + 4 * i, *m);
        }
        if size >= 108 {
            set32(&mut h, CS_TYPE, LCS_SRGB);
        }
        files.push(bmp(&h, &[], &[9; 16], &[]));
    }
    for f in files {
        let (out, report) = strip_default(&f);
        assert_eq!(out, f, "header {}", get32(&f, 14));
        assert_eq!(report.removed, Kinds::empty());
        assert_eq!((report.width, report.height), (2, 2));
    }
}

#[test]
fn palette_size_comes_from_clr_used_or_bit_count() {
    // 1 bpp, biClrUsed 0: 2 entries. Row of 4 bytes.
    let f = bmp(
        &dib(40, 2, 2, 1, 0),
        &[0, 0, 0, 0, 255, 255, 255, 0],
        &[0x80, 0, 0, 0, 0x40, 0, 0, 0],
        &[],
    );
    assert_eq!(strip_default(&f).0, f);
    // 8 bpp with biClrUsed 3: a 12-byte palette, then 4 bytes of gap that go.
    let mut h = dib(40, 2, 2, 8, 0);
    set32(&mut h, BI_CLR_USED, 3);
    let palette = [1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0];
    let f = bmp(&h, &[&palette[..], b"GAP!"].concat(), &[1; 8], &[]);
    let (out, report) = strip_default(&f);
    assert_eq!(out, bmp(&h, &palette, &[1; 8], &[]));
    assert_eq!(report.removed, Kinds::OTHER);
    assert_eq!(report.bytes_removed, 4);
    // 24 bpp with biClrUsed 2: an optional palette, kept.
    let mut h = dib(40, 2, 2, 24, 0);
    set32(&mut h, BI_CLR_USED, 2);
    let f = bmp(&h, &[1, 2, 3, 0, 4, 5, 6, 0], &pixels_2x2(), &[]);
    assert_eq!(strip_default(&f).0, f);
}

#[test]
fn core_header_palette_has_three_byte_entries() {
    // 1 bpp core: 2 entries × 3 bytes = 6, then a 2-byte gap.
    let f = bmp(
        &core(2, 2, 1),
        &[0, 0, 0, 9, 9, 9, 0xAA, 0xBB],
        &[0; 8],
        &[],
    );
    let (out, report) = strip_default(&f);
    assert_eq!(out, bmp(&core(2, 2, 1), &[0, 0, 0, 9, 9, 9], &[0; 8], &[]));
    assert_eq!(report.bytes_removed, 2);
}

#[test]
fn keeps_bitfield_masks_after_a_40_byte_header() {
    let masks: Vec<u8> = [0xF800u32, 0x07E0, 0x001F]
        .iter()
        .flat_map(|m| m.to_le_bytes())
        .collect();
    let f = bmp(&dib(40, 2, 2, 16, 3), &masks, &[5; 8], b"tail");
    let (out, _) = strip_default(&f);
    assert_eq!(out, bmp(&dib(40, 2, 2, 16, 3), &masks, &[5; 8], &[]));
    let masks4: Vec<u8> = [0xFF_0000u32, 0xFF00, 0xFF, 0xFF00_0000]
        .iter()
        .flat_map(|m| m.to_le_bytes())
        .collect();
    let f = bmp(&dib(40, 2, 2, 32, 6), &masks4, &[5; 16], &[]);
    assert_eq!(strip_default(&f).0, f);
    // Masks that run into bfOffBits: the header says they are there, the offset disagrees.
    let mut f = bmp(&dib(40, 2, 2, 16, 3), &masks, &[5; 8], &[]);
    set32(&mut f, 10, 54);
    assert!(matches!(err(&f), Error::Malformed { offset: 10, .. }));
}

#[test]
fn drops_trailing_bytes_and_gap() {
    let px = pixels_2x2();
    let f = bmp(
        &dib(40, 2, 2, 24, 0),
        b"hidden gap",
        &px,
        b"appended secret",
    );
    let (out, report) = strip_default(&f);
    assert_eq!(out, bmp(&dib(40, 2, 2, 24, 0), &[], &px, &[]));
    assert_eq!(report.removed, Kinds::OTHER | Kinds::TRAILER);
    assert_eq!(report.bytes_removed, 25);
}

#[test]
fn zeroes_reserved_fields() {
    let px = pixels_2x2();
    let mut f = bmp(&dib(40, 2, 2, 24, 0), &[], &px, &[]);
    f[6..10].copy_from_slice(b"ID42");
    let (out, report) = strip_default(&f);
    assert_eq!(&out[6..10], &[0; 4]);
    assert_eq!(out[10..], f[10..]);
    assert_eq!(report.removed, Kinds::OTHER);
    assert_eq!(report.bytes_removed, 0);
    // OS/2 2.x usReserved and ulIdentifier.
    let mut h = dib(64, 2, 2, 24, 0);
    h[42..44].copy_from_slice(b"xy");
    h[60..64].copy_from_slice(b"APP!");
    let (out, _) = strip_default(&bmp(&h, &[], &px, &[]));
    assert_eq!(&out[14 + 42..14 + 44], &[0; 2]);
    assert_eq!(&out[14 + 60..14 + 64], &[0; 4]);
    // V5 reserved, and endpoints/gamma that an sRGB colour space never reads.
    let mut h = dib(124, 2, 2, 24, 0);
    set32(&mut h, CS_TYPE, LCS_SRGB);
    h[60..64].copy_from_slice(b"ENDP");
    h[120..124].copy_from_slice(b"RESV");
    let (out, _) = strip_default(&bmp(&h, &[], &px, &[]));
    assert_eq!(&out[14 + 60..14 + 124], &[0; 64]);
    // Calibrated RGB reads its endpoints: they stay.
    let mut h = dib(108, 2, 2, 24, 0);
    h[60..64].copy_from_slice(&0x1234_5678u32.to_le_bytes());
    let f = bmp(&h, &[], &px, &[]);
    assert_eq!(strip_default(&f).0, f);
}

#[test]
fn rewrites_padding_in_uncompressed_size_image() {
    let px = pixels_2x2();
    let mut h = dib(40, 2, 2, 24, 0);
    set32(&mut h, BI_SIZE_IMAGE, 18);
    let (out, report) = strip_default(&bmp(&h, &[], &px, &[0, 0]));
    assert_eq!(get32(&out, 14 + BI_SIZE_IMAGE), 16);
    assert_eq!(out.len(), 54 + 16);
    assert_eq!(report.removed, Kinds::TRAILER);
}

#[test]
fn keeps_top_down_bitmaps() {
    let px = pixels_2x2();
    let f = bmp(&dib(40, 2, -2, 24, 0), &[], &px, b"tail");
    let (out, report) = strip_default(&f);
    assert_eq!(out, bmp(&dib(40, 2, -2, 24, 0), &[], &px, &[]));
    assert_eq!((report.width, report.height), (2, 2));
}

#[test]
fn bf_off_bits_zero_means_after_the_palette() {
    let mut f = bmp(&dib(40, 2, 2, 24, 0), &[], &pixels_2x2(), b"x");
    set32(&mut f, 10, 0);
    let (out, _) = strip_default(&f);
    assert_eq!(get32(&out, 10), 54);
    assert_eq!(&out[54..], &pixels_2x2()[..]);
}

/// `bfOffBits` at the end of the headers with a palette declared: Pillow reads the rows after
/// the palette, a decoder that trusts `bfOffBits` reads them at it. Both stay; what follows
/// both readings goes.
#[test]
fn off_bits_at_the_end_of_the_headers_keeps_the_rows_after_the_palette_too() {
    let mut header = dib(40, 2, 2, 8, 0);
    set32(&mut header, BI_CLR_USED, 4);
    let mut f = bmp(&header, &grey(4), &[7; 8], b"TRAILER!");
    set32(&mut f, 10, 54);
    let (out, report) = strip_default(&f);
    let mut expected = f[..54 + 16 + 8].to_vec();
    set32(&mut expected, 2, 54 + 16 + 8);
    assert_eq!(out, expected);
    assert_eq!(report.removed, Kinds::TRAILER);
    // Rows cut short after the palette: as far as the input goes, and nothing added.
    let short = &f[..54 + 16 + 5];
    let (out, _) = strip_default(short);
    assert_eq!(out[6..], short[6..]);
    // A truecolour image's suggested palette is no reason: its rows are at bfOffBits only.
    let mut header = dib(40, 2, 2, 24, 0);
    set32(&mut header, BI_CLR_USED, 4);
    let mut f = bmp(&header, &[], &pixels_2x2(), b"TRAILER!TRAILER!");
    set32(&mut f, 10, 54);
    let (out, report) = strip_default(&f);
    let mut expected = f[..54 + 16].to_vec();
    set32(&mut expected, 2, 54 + 16);
    assert_eq!(out, expected);
    assert_eq!(report.removed, Kinds::TRAILER);
}

#[test]
fn off_bits_inside_the_palette_cuts_it() {
    let mut f = bmp(&dib(40, 2, 2, 8, 0), &grey(256), &[1; 8], &[]);
    set32(&mut f, 10, 54 + 16);
    let (out, report) = strip_default(&f);
    // Palette of 4 entries, then the 8 pixel bytes the decoder reads at bfOffBits.
    let mut expected = f[..54 + 16 + 8].to_vec();
    set32(&mut expected, 2, 54 + 16 + 8);
    assert_eq!(out, expected);
    assert_eq!(report.removed, Kinds::TRAILER);
}
