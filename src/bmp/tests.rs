use super::dib::{
    BI_CLR_USED, BI_COMPRESSION, CS_TYPE, LCS_SRGB, PROFILE_EMBEDDED, PROFILE_LINKED, PROFILE_SIZE,
};
use super::*;
use crate::stripper::{contains, strip_checked};
use crate::{Limit, Limits};

/// A DIB header of `size` bytes: width, height, one plane, `bpp`, `compression`, the rest 0.
fn dib(size: usize, width: i32, height: i32, bpp: u16, compression: u32) -> Vec<u8> {
    let mut h = vec![0u8; size];
    h[0..4].copy_from_slice(&(size as u32).to_le_bytes());
    h[4..8].copy_from_slice(&width.to_le_bytes());
    h[8..12].copy_from_slice(&height.to_le_bytes());
    h[12..14].copy_from_slice(&1u16.to_le_bytes());
    h[14..16].copy_from_slice(&bpp.to_le_bytes());
    if size >= 20 {
        h[16..20].copy_from_slice(&compression.to_le_bytes());
    }
    h
}

/// The 12-byte OS/2 1.x core header.
fn core(width: u16, height: u16, bpp: u16) -> Vec<u8> {
    let mut h = 12u32.to_le_bytes().to_vec();
    for v in [width, height, 1, bpp] {
        h.extend_from_slice(&v.to_le_bytes());
    }
    h
}

fn set32(h: &mut [u8], at: usize, v: u32) {
    h[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

fn get32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

/// File header + `header` + `before` (masks, palette, gap) + `pixels` + `after`, with
/// `bfOffBits` at the pixels and `bfSize` the whole length.
fn bmp(header: &[u8], before: &[u8], pixels: &[u8], after: &[u8]) -> Vec<u8> {
    let off = 14 + header.len() + before.len();
    let size = off + pixels.len() + after.len();
    let mut v = b"BM".to_vec();
    v.extend_from_slice(&(size as u32).to_le_bytes());
    v.extend_from_slice(&[0; 4]);
    v.extend_from_slice(&(off as u32).to_le_bytes());
    for part in [header, before, pixels, after] {
        v.extend_from_slice(part);
    }
    v
}

/// 2×2 pixels at 24 bpp: two rows of 8 bytes (6 + 2 padding).
fn pixels_2x2() -> Vec<u8> {
    (1..=16).collect()
}

fn run(input: &[u8], keep: Keep, limits: Limits) -> Result<(Vec<u8>, Report), Error> {
    crate::stripper::run_walker(strip, input, keep, limits)
}

/// Strips with `keep` and checks it as [`strip_checked`] does (idempotent), then that a
/// second strip removes nothing, that the output is not larger even with Keep flags, and
/// `bfSize`.
fn strip_keep(input: &[u8], keep: Keep) -> (Vec<u8>, Report) {
    let (out, report) = strip_checked(strip, input, keep);
    let (_, report2) = run(&out, keep, Limits::default()).unwrap();
    assert_eq!(report2.bytes_removed, 0, "second strip removed bytes");
    assert!(
        out.len() <= input.len(),
        "grew {} -> {}",
        input.len(),
        out.len()
    );
    assert_eq!(get32(&out, 2) as usize, out.len(), "bfSize");
    (out, report)
}

fn strip_default(input: &[u8]) -> (Vec<u8>, Report) {
    let (out, report) = strip_keep(input, Keep::empty());
    if !report.removed.is_empty() || report.bytes_removed > 0 {
        assert_eq!(report.bytes_removed as usize, input.len() - out.len());
    }
    (out, report)
}

fn err(input: &[u8]) -> Error {
    run(input, Keep::empty(), Limits::default()).unwrap_err()
}

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

/// A V5 header for 2×2 24 bpp whose profile fields say `cs` at `data` (from the DIB
/// header) with `size` bytes.
fn v5(cs: u32, data: u32, size: u32) -> Vec<u8> {
    let mut h = dib(124, 2, 2, 24, 0);
    set32(&mut h, CS_TYPE, cs);
    set32(&mut h, PROFILE_DATA, data);
    set32(&mut h, PROFILE_SIZE, size);
    set32(&mut h, 108, 4); // bV5Intent: LCS_GM_IMAGES
    h
}

fn icc() -> Vec<u8> {
    let mut p = vec![0u8; 132];
    p[36..40].copy_from_slice(b"acsp");
    p[100..120].copy_from_slice(b"ICC-PROFILE-CANARY!!");
    p
}

fn assert_profile_gone(out: &[u8]) {
    assert_eq!(get32(out, 14 + CS_TYPE), LCS_SRGB);
    assert_eq!(get32(out, 14 + PROFILE_DATA), 0);
    assert_eq!(get32(out, 14 + PROFILE_SIZE), 0);
    assert_eq!(get32(out, 14 + 108), 4, "intent kept");
    assert_eq!(get32(out, 10), 138);
    assert_eq!(out.len(), 138 + 16);
    assert_eq!(&out[138..], &pixels_2x2()[..]);
}

#[test]
fn drops_v5_embedded_profile_after_pixels() {
    let p = icc();
    // Profile right after the pixels: 124 + 16 from the DIB header.
    let f = bmp(
        &v5(PROFILE_EMBEDDED, 140, p.len() as u32),
        &[],
        &pixels_2x2(),
        &p,
    );
    let (out, report) = strip_default(&f);
    assert_profile_gone(&out);
    assert_eq!(report.removed, Kinds::ICC);
    assert_eq!(report.bytes_removed, p.len() as u64);
    // With junk between pixels and profile, and after it.
    let after = [&b"junk"[..], &p, b"more"].concat();
    let f = bmp(
        &v5(PROFILE_EMBEDDED, 144, p.len() as u32),
        &[],
        &pixels_2x2(),
        &after,
    );
    let (out, report) = strip_default(&f);
    assert_profile_gone(&out);
    assert_eq!(report.removed, Kinds::ICC | Kinds::TRAILER);
}

#[test]
fn drops_v5_embedded_profile_before_pixels() {
    let p = icc();
    let f = bmp(
        &v5(PROFILE_EMBEDDED, 124, p.len() as u32),
        &p,
        &pixels_2x2(),
        &[],
    );
    let (out, report) = strip_default(&f);
    assert_profile_gone(&out);
    assert!(!contains(&out, b"ICC-PROFILE-CANARY"));
    assert_eq!(report.removed, Kinds::ICC);
}

#[test]
fn drops_v5_linked_profile_even_with_keep_icc() {
    let path = b"C:\\Users\\alice\\profile.icm\0";
    for keep in [Keep::empty(), Keep::ICC] {
        let after = bmp(
            &v5(PROFILE_LINKED, 140, path.len() as u32),
            &[],
            &pixels_2x2(),
            path,
        );
        let before = bmp(
            &v5(PROFILE_LINKED, 124, path.len() as u32),
            path,
            &pixels_2x2(),
            &[],
        );
        for f in [after, before] {
            let (out, report) = strip_keep(&f, keep);
            assert_profile_gone(&out);
            assert!(!contains(&out, b"alice"));
            assert_eq!(report.removed, Kinds::ICC);
            assert_eq!(report.bytes_removed, path.len() as u64);
        }
    }
}

#[test]
fn keep_icc_moves_embedded_profile_after_pixels() {
    let p = icc();
    let after = bmp(
        &v5(PROFILE_EMBEDDED, 140, p.len() as u32),
        &[],
        &pixels_2x2(),
        &[&p[..], b"tail"].concat(),
    );
    let before = bmp(
        &v5(PROFILE_EMBEDDED, 124, p.len() as u32),
        &p,
        &pixels_2x2(),
        &[],
    );
    for f in [after, before] {
        let (out, report) = strip_keep(&f, Keep::ICC);
        assert_eq!(get32(&out, 14 + CS_TYPE), PROFILE_EMBEDDED);
        assert_eq!(get32(&out, 14 + PROFILE_DATA), 140);
        assert_eq!(get32(&out, 14 + PROFILE_SIZE), p.len() as u32);
        assert_eq!(get32(&out, 10), 138);
        assert_eq!(&out[138..154], &pixels_2x2()[..]);
        assert_eq!(&out[154..], &p[..]);
        assert!(!report.removed.contains(Kinds::ICC));
    }
    // A kept profile that runs past the end of the input.
    let f = bmp(&v5(PROFILE_EMBEDDED, 140, 500), &[], &pixels_2x2(), &p);
    assert_eq!(
        run(&f, Keep::ICC, Limits::default()).unwrap_err(),
        Error::Truncated {
            format: Format::Bmp,
            offset: 154,
            needed: 500 - p.len()
        }
    );
    // Without Keep::ICC the same file strips: the profile goes anyway.
    assert_profile_gone(&strip_default(&f).0);
}

#[test]
fn keep_icc_refuses_a_profile_overlapping_what_is_copied() {
    // Profiles inside the DIB header, over the pixel array, and straddling both: under
    // Keep::ICC they would be written twice. Without it they simply go.
    for (data, size) in [(0, 124), (124, 16), (100, 40)] {
        let f = bmp(&v5(PROFILE_EMBEDDED, data, size), &[], &pixels_2x2(), &[]);
        assert_eq!(
            run(&f, Keep::ICC, Limits::default()).unwrap_err(),
            Error::Malformed {
                format: Format::Bmp,
                offset: 14 + PROFILE_DATA,
                what: "the embedded profile overlaps the headers, palette or pixel array".into()
            }
        );
        let (out, _) = strip_default(&f);
        assert!(out.len() <= f.len());
        assert_profile_gone(&out);
    }
}

#[test]
fn v4_claiming_a_profile_becomes_srgb() {
    let mut h = dib(108, 2, 2, 24, 0);
    set32(&mut h, CS_TYPE, PROFILE_EMBEDDED);
    let (out, report) = strip_default(&bmp(&h, &[], &pixels_2x2(), &[]));
    assert_eq!(get32(&out, 14 + CS_TYPE), LCS_SRGB);
    assert_eq!(report.removed, Kinds::ICC);
}

/// An 8-bit palette of `n` grey entries.
fn grey(n: u32) -> Vec<u8> {
    (0..n)
        .flat_map(|i| [i as u8, i as u8, i as u8, 0])
        .collect()
}

fn rle_header(compression: u32, bpp: u16, size_image: u32) -> Vec<u8> {
    let mut h = dib(40, 4, 2, bpp, compression);
    set32(&mut h, BI_SIZE_IMAGE, size_image);
    set32(&mut h, BI_CLR_USED, 4);
    h
}

#[test]
fn rle8_ends_at_end_of_bitmap_marker() {
    // Run, absolute run of 3 holding `00 01` (padded), end of line, delta, end of bitmap.
    let rle = [4, 1, 0, 3, 0, 1, 2, 0, 0, 0, 0, 2, 1, 0, 0, 1];
    for size_image in [0, rle.len() as u32, 100] {
        let f = bmp(
            &rle_header(1, 8, size_image),
            &grey(4),
            &rle,
            b"after EOB: secret",
        );
        let (out, report) = strip_default(&f);
        assert_eq!(&out[out.len() - rle.len()..], &rle);
        assert_eq!(out.len(), 54 + 16 + rle.len());
        assert_eq!(get32(&out, 14 + BI_SIZE_IMAGE), rle.len() as u32);
        assert_eq!(report.removed, Kinds::TRAILER);
    }
}

#[test]
fn rle4_and_rle24_absolute_runs_are_padded() {
    // RLE4 absolute run of 5 pixels = 3 bytes + 1 pad.
    let rle4 = [0, 5, 0x12, 0x34, 0x50, 0, 0, 1];
    let f = bmp(&rle_header(2, 4, 0), &grey(4), &rle4, b"xx");
    let (out, _) = strip_default(&f);
    assert_eq!(&out[out.len() - rle4.len()..], &rle4);
    assert_eq!(out.len(), 70 + rle4.len());
    // OS/2 RLE24: a run is count + 3 colour bytes; absolute 3 pixels = 9 bytes + 1 pad.
    let rle24 = [2, 1, 2, 3, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 1];
    let mut h = dib(64, 4, 2, 24, 4);
    set32(&mut h, BI_SIZE_IMAGE, 0);
    let f = bmp(&h, &[], &rle24, b"xx");
    let (out, _) = strip_default(&f);
    assert_eq!(&out[78..], &rle24);
}

#[test]
fn rle_without_end_marker_uses_size_image_or_is_truncated() {
    let rle = [4, 1, 0, 0, 4, 2, 0, 0];
    let f = bmp(&rle_header(1, 8, rle.len() as u32), &grey(4), &rle, &[]);
    assert_eq!(strip_default(&f).0, f);
    let f = bmp(&rle_header(1, 8, 0), &grey(4), &rle, &[]);
    assert_eq!(
        err(&f),
        Error::Truncated {
            format: Format::Bmp,
            offset: 78,
            needed: 2
        }
    );
    // An absolute run cut by the end of the file.
    let f = bmp(&rle_header(1, 8, 0), &grey(4), &[0, 9, 1, 2], &[]);
    assert_eq!(
        err(&f),
        Error::Truncated {
            format: Format::Bmp,
            offset: 72,
            needed: 8
        }
    );
}

#[test]
fn rle_with_embedded_profile_after_it() {
    let p = icc();
    let rle = [4, 1, 0, 1];
    let mut h = v5(PROFILE_EMBEDDED, 124 + 16 + 4, p.len() as u32);
    h[14..16].copy_from_slice(&8u16.to_le_bytes());
    set32(&mut h, BI_COMPRESSION, 1);
    set32(&mut h, BI_CLR_USED, 4);
    let f = bmp(&h, &grey(4), &rle, &p);
    let (out, report) = strip_default(&f);
    assert_eq!(out.len(), 138 + 16 + 4);
    assert_eq!(report.removed, Kinds::ICC);
    let (kept, _) = strip_keep(&f, Keep::ICC);
    let mut expected = f.clone();
    set32(&mut expected, 14 + BI_SIZE_IMAGE, rle.len() as u32); // was 0
    assert_eq!(kept, expected);
    // RLE data with no end marker that runs into the profile.
    let f = bmp(&h, &grey(4), &[4, 1, 0, 0], &p);
    assert!(matches!(err(&f), Error::Malformed { offset: 158, .. }));
}

/// The 1×1 PNG of the crate docs, with a tEXt chunk naming `Eve!`.
const PNG: &[u8] = &[
    0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0,
    1, 0, 0, 0, 1, 8, 0, 0, 0, 0, 0x3A, 0x7E, 0x9B, 0x55, 0, 0, 0, 11, b't', b'E', b'X', b't',
    b'A', b'u', b't', b'h', b'o', b'r', 0, b'E', b'v', b'e', b'!', 0xD0, 0x8A, 0x79, 0x90, 0, 0, 0,
    10, b'I', b'D', b'A', b'T', 0x78, 0x9C, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x48,
    0xAF, 0xA4, 0x71, 0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82,
];
/// A 1×1 JPEG with a comment `secre`.
const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xFE, 0x00, 0x07, b's', b'e', b'c', b'r', b'e', 0xFF, 0xC0, 0x00, 0x0B, 8, 0,
    1, 0, 1, 1, 1, 0x11, 0, 0xFF, 0xDA, 0x00, 0x08, 1, 1, 0x00, 0, 63, 0, 0x12, 0x34, 0xFF, 0xD9,
];

fn embedded(compression: u32, data: &[u8], size_image: u32, after: &[u8]) -> Vec<u8> {
    let mut h = dib(124, 1, 1, 0, compression);
    set32(&mut h, CS_TYPE, LCS_SRGB);
    set32(&mut h, BI_SIZE_IMAGE, size_image);
    bmp(&h, &[], data, after)
}

#[test]
fn strips_the_png_inside_bi_png() {
    for size_image in [PNG.len() as u32, 0] {
        let f = embedded(5, PNG, size_image, b"");
        let (out, report) = strip_default(&f);
        assert!(!contains(&out, b"Eve!"));
        assert_eq!(out.len(), f.len() - 23);
        assert_eq!(get32(&out, 14 + BI_SIZE_IMAGE) as usize, PNG.len() - 23);
        assert_eq!(&out[138..146], &PNG[..8]);
        assert!(report.removed.contains(Kinds::TEXT));
        assert_eq!((report.width, report.height), (1, 1));
    }
    // Bytes after the declared PNG are the BMP's trailer.
    let (out, report) = strip_default(&embedded(5, PNG, PNG.len() as u32, b"trailer"));
    assert_eq!(out.len(), 138 + PNG.len() - 23);
    assert!(report.removed.contains(Kinds::TEXT | Kinds::TRAILER));
}

#[test]
fn strips_the_jpeg_inside_bi_jpeg() {
    let f = embedded(4, JPEG, JPEG.len() as u32, b"");
    let (out, report) = strip_default(&f);
    assert!(!contains(&out, b"secre"));
    assert_eq!(get32(&out, 14 + BI_SIZE_IMAGE) as usize, JPEG.len() - 9);
    assert_eq!(report.removed, Kinds::COMMENT);
    // Not a JPEG at all.
    let f = embedded(4, b"not a jpeg", 10, b"");
    assert!(matches!(err(&f), Error::Malformed { offset: 138, .. }));
}

#[test]
fn embedded_errors_carry_bmp_offsets() {
    let mut png = PNG.to_vec();
    png[15] = b'X'; // IHDR → IHDX
    let f = embedded(5, &png, 0, b"");
    assert_eq!(
        err(&f),
        Error::Malformed {
            format: Format::Bmp,
            offset: 138 + 12,
            what: "embedded PNG: first chunk is not IHDR".into()
        }
    );
    // The embedded PNG's own canvas is checked against the limits.
    let mut png = PNG.to_vec();
    png[16..20].copy_from_slice(&60_000u32.to_be_bytes());
    let e = err(&embedded(5, &png, 0, b""));
    assert!(matches!(
        e,
        Error::LimitExceeded {
            format: Format::Bmp,
            offset: 154,
            limit: Limit::Width,
            ..
        }
    ));
}

#[test]
fn errors_carry_offsets() {
    let px = pixels_2x2();
    let mut f = bmp(&dib(40, 2, 2, 24, 0), &[], &px, &[]);
    f[14] = 41;
    assert!(matches!(err(&f), Error::Unsupported { offset: 14, .. }));
    let f = bmp(&dib(40, 0, 2, 24, 0), &[], &px, &[]);
    assert!(matches!(err(&f), Error::Malformed { offset: 18, .. }));
    let f = bmp(&dib(40, -2, 2, 24, 0), &[], &px, &[]);
    assert!(matches!(err(&f), Error::Malformed { offset: 18, .. }));
    let f = bmp(&dib(40, 2, 0, 24, 0), &[], &px, &[]);
    assert!(matches!(err(&f), Error::Malformed { offset: 22, .. }));
    let f = bmp(&dib(40, 2, 2, 7, 0), &[], &px, &[]);
    assert!(matches!(err(&f), Error::Malformed { offset: 28, .. }));
    let f = bmp(&dib(40, 2, 2, 24, 9), &[], &px, &[]);
    assert!(matches!(err(&f), Error::Unsupported { offset: 30, .. }));
    let f = bmp(&dib(64, 2, 2, 24, 5), &[], &px, &[]);
    assert!(matches!(err(&f), Error::Unsupported { offset: 30, .. }));
    let mut f = bmp(&dib(40, 2, 2, 24, 0), &[], &px, &[]);
    set32(&mut f, 10, 20);
    assert!(matches!(err(&f), Error::Malformed { offset: 10, .. }));
    let mut f = b"BX".to_vec();
    f.extend_from_slice(&bmp(&dib(40, 2, 2, 24, 0), &[], &px, &[])[2..]);
    assert!(matches!(err(&f), Error::Malformed { offset: 0, .. }));
    // Huffman without its size.
    let f = bmp(&dib(64, 2, 2, 1, 3), &grey(2), &px, &[]);
    assert!(matches!(err(&f), Error::Unsupported { offset: 34, .. }));
}

#[test]
fn truncated_pixel_array_is_an_error() {
    let px = pixels_2x2();
    let f = bmp(&dib(40, 2, 2, 24, 0), &[], &px[..10], &[]);
    assert_eq!(
        err(&f),
        Error::Truncated {
            format: Format::Bmp,
            offset: 54,
            needed: 6
        }
    );
    // bfOffBits past the end: every missing byte counted.
    let mut f = bmp(&dib(40, 2, 2, 24, 0), &[], &px, &[]);
    set32(&mut f, 10, 100);
    assert_eq!(
        err(&f),
        Error::Truncated {
            format: Format::Bmp,
            offset: 70,
            needed: 30 + 16
        }
    );
    // A header cut short.
    let f = bmp(&dib(124, 2, 2, 24, 0), &[], &[], &[])[..30].to_vec();
    assert_eq!(
        err(&f),
        Error::Truncated {
            format: Format::Bmp,
            offset: 14,
            needed: 108
        }
    );
}

#[test]
fn bf_off_bits_zero_means_after_the_palette() {
    let mut f = bmp(&dib(40, 2, 2, 24, 0), &[], &pixels_2x2(), b"x");
    set32(&mut f, 10, 0);
    let (out, _) = strip_default(&f);
    assert_eq!(get32(&out, 10), 54);
    assert_eq!(&out[54..], &pixels_2x2()[..]);
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

#[test]
fn limits_apply_to_width_and_height() {
    let f = bmp(&dib(40, 50_001, 1, 24, 0), &[], &[], &[]);
    assert_eq!(
        err(&f),
        Error::LimitExceeded {
            format: Format::Bmp,
            offset: 18,
            limit: Limit::Width,
            value: 50_001,
            max: 50_000
        }
    );
    let f = bmp(&dib(40, 1, -60_000, 24, 0), &[], &[], &[]);
    assert!(matches!(
        err(&f),
        Error::LimitExceeded {
            limit: Limit::Height,
            value: 60_000,
            ..
        }
    ));
    let f = bmp(&dib(40, 20_000, 20_000, 24, 0), &[], &[], &[]);
    assert!(matches!(
        err(&f),
        Error::LimitExceeded {
            limit: Limit::Pixels,
            ..
        }
    ));
    // Without limits the same header asks for more bytes than there are.
    let f = bmp(&dib(40, i32::MAX, i32::MIN, 64, 0), &[], &[], &[]);
    let e = run(&f, Keep::empty(), Limits::none()).unwrap_err();
    assert!(
        matches!(
            e,
            Error::Truncated { offset: 54, .. } | Error::Malformed { offset: 18, .. }
        ),
        "{e:?}"
    );
}

#[test]
fn every_prefix_is_ok_or_a_typed_error() {
    let p = icc();
    let rle = [4, 1, 0, 3, 0, 1, 2, 0, 0, 0, 0, 2, 1, 0, 0, 1];
    let files = [
        bmp(
            &v5(PROFILE_EMBEDDED, 140, p.len() as u32),
            &[],
            &pixels_2x2(),
            &p,
        ),
        bmp(&v5(PROFILE_LINKED, 124, 4), b"C:\\x", &pixels_2x2(), b"t"),
        bmp(&rle_header(1, 8, 0), &grey(4), &rle, b"x"),
        bmp(&core(2, 2, 1), &[0; 6], &[0; 8], &[]),
        embedded(5, PNG, 0, b""),
        embedded(4, JPEG, JPEG.len() as u32, b""),
    ];
    for f in &files {
        for keep in [Keep::empty(), Keep::ICC] {
            for n in 0..=f.len() {
                match run(&f[..n], keep, Limits::default()) {
                    Ok((out, _)) => {
                        assert_eq!(run(&out, keep, Limits::default()).unwrap().0, out);
                    }
                    Err(e) => {
                        assert_eq!(e.format(), Some(Format::Bmp));
                        assert!(e.offset() <= n, "{e:?} past {n}");
                    }
                }
            }
        }
    }
}

#[test]
fn dispatch_goes_through_the_stripper() {
    let f = bmp(&dib(40, 2, 2, 24, 0), &[], &pixels_2x2(), b"tail");
    let out = crate::Stripper::new().strip(&f).unwrap();
    assert_eq!(out.data.len(), f.len() - 4);
    assert_eq!(out.report.format, Format::Bmp);
}
