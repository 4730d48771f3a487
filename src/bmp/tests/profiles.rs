//! V4/V5 colour profiles: embedded and linked ones go, or move with `Keep::ICC`.

use super::*;

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
