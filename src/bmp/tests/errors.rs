//! Errors with their offsets, truncation, limits, every prefix, and dispatch.

use super::*;

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
                        assert!(e.offset().is_some_and(|o| o <= n), "{e:?} past {n}");
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
