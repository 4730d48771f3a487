//! Frame and size limits, errors with their offsets, bitstream headers, every prefix.

use super::*;

#[test]
fn frames_count_toward_the_animation_limit() {
    let frame = anmf(0, 100, 100, &[&vp8(100, 100)]);
    let input = riff(&[
        &vp8x(ANIMATION_FLAG, 100, 100),
        &anim(),
        &frame,
        &frame,
        &frame,
    ]);
    let limits = Limits {
        max_animation_pixels: 20_000,
        ..Limits::default()
    };
    let third = 12 + 18 + 14 + 2 * frame.len();
    assert_eq!(
        run(&input, Keep::empty(), limits).unwrap_err(),
        Error::LimitExceeded {
            format: Format::WebP,
            offset: third,
            limit: Limit::AnimationPixels,
            value: 30_000,
            max: 20_000
        }
    );
    assert_eq!(strip_default(&input).1.frames, 3);
}

#[test]
fn canvas_and_frame_sizes_are_checked_against_limits() {
    let input = riff(&[&vp8x(0, 16_384, 1), &vp8(1, 1)]);
    assert_eq!(
        run(&input, Keep::empty(), Limits::default()).unwrap_err(),
        Error::LimitExceeded {
            format: Format::WebP,
            offset: 24,
            limit: Limit::Width,
            value: 16_384,
            max: 16_383
        }
    );
    let input = riff(&[
        &vp8x(ANIMATION_FLAG, 1, 1),
        &anmf(0, 1, 16_384, &[&vp8(1, 1)]),
    ]);
    assert!(matches!(
        run(&input, Keep::empty(), Limits::default()),
        Err(Error::LimitExceeded {
            offset: 44,
            limit: Limit::Height,
            ..
        })
    ));
}

fn malformed_at(input: &[u8]) -> usize {
    match err(input) {
        Error::Malformed { offset, .. } => offset,
        e => panic!("not malformed: {e:?}"),
    }
}

#[test]
fn errors_name_the_offset() {
    let mut tiny = riff(&[&vp8(3, 2)]);
    tiny[4..8].copy_from_slice(&3u32.to_le_bytes());
    assert_eq!(malformed_at(&tiny), 4);
    assert_eq!(malformed_at(&riff(&[])), 12);
    // A chunk that runs past the data.
    let whole = riff(&[&vp8(3, 2)]);
    assert_eq!(
        err(&whole[..whole.len() - 1]),
        Error::Truncated {
            format: Format::WebP,
            offset: 12,
            needed: 1
        }
    );
    assert_eq!(
        err(&whole[..15]),
        Error::Truncated {
            format: Format::WebP,
            offset: 12,
            needed: 1
        }
    );
    let mut huge = whole.clone();
    huge[16..20].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(err(&huge), Error::Truncated { offset: 12, .. }));
    // First chunk neither VP8X nor an image.
    assert_eq!(
        malformed_at(&riff(&[&chunk(b"EXIF", b"x"), &vp8(3, 2)])),
        12
    );
    assert_eq!(malformed_at(&riff(&[&alph(), &vp8(3, 2)])), 12);
    // VP8X too short, twice, or without an image.
    assert_eq!(
        malformed_at(&riff(&[&chunk(b"VP8X", &[0; 9]), &vp8(3, 2)])),
        16
    );
    let two = riff(&[&vp8x(0, 3, 2), &vp8x(0, 3, 2), &vp8(3, 2)]);
    assert_eq!(malformed_at(&two), 30);
    assert_eq!(
        malformed_at(&riff(&[&vp8x(0, 3, 2), &alph(), &chunk(b"XMP ", b"")])),
        12 + 18 + 12 + 8
    );
    // ANIM and ANMF too short; a nested chunk running past its frame.
    assert_eq!(
        malformed_at(&riff(&[
            &vp8x(0, 3, 2),
            &chunk(b"ANIM", &[0; 5]),
            &vp8(3, 2)
        ])),
        34
    );
    assert_eq!(
        malformed_at(&riff(&[&vp8x(0, 3, 2), &chunk(b"ANMF", &[0; 15])])),
        34
    );
    let mut frame = anmf(0, 3, 2, &[&vp8(3, 2)]);
    frame[4..8].copy_from_slice(&(16u32 + 8 + 13).to_le_bytes()); // pad byte outside
    frame.pop();
    frame.extend_from_slice(&[0, 0]);
    let input = riff(&[&vp8x(0, 3, 2), &frame]);
    assert_eq!(malformed_at(&input), 30 + 8 + 16);
    let empty_frames = riff(&[&vp8x(ANIMATION_FLAG, 3, 2), &anmf(0, 3, 2, &[&alph()])]);
    assert!(matches!(err(&empty_frames), Error::Malformed { .. }));
}

#[test]
fn bitstream_headers_are_checked() {
    let mut not_key = vp8(3, 2);
    not_key[8] |= 1;
    assert_eq!(malformed_at(&riff(&[&not_key])), 20);
    let mut no_start = vp8(3, 2);
    no_start[11] = 0;
    assert_eq!(malformed_at(&riff(&[&no_start])), 23);
    assert_eq!(malformed_at(&riff(&[&vp8(0, 2)])), 26);
    assert_eq!(
        malformed_at(&riff(&[&chunk(b"VP8 ", &[0x30, 0, 0, 0x9D])])),
        20
    );
    let mut sig = vp8l(1, 1, false);
    sig[8] = 0x2E;
    assert_eq!(malformed_at(&riff(&[&sig])), 20);
    let mut version = vp8l(1, 1, false);
    version[12] |= 0x20;
    assert_eq!(malformed_at(&riff(&[&version])), 21);
    assert_eq!(malformed_at(&riff(&[&chunk(b"VP8L", &[0x2F, 0, 0])])), 20);
}

#[test]
fn every_prefix_gives_ok_or_a_typed_error() {
    let inputs = [
        riff(&[
            &vp8(3, 2),
            &chunk(b"EXIF", &exif_tiff(6)),
            &chunk(b"ICCP", b"p"),
        ]),
        riff(&[&vp8l(3, 2, true), &chunk(b"EXIF", &exif_tiff(6))]),
        riff(&[
            &vp8x(0xFF, 3, 2),
            &chunk(b"ICCP", b"p"),
            &alph(),
            &vp8(3, 2),
            &chunk(b"EXIF", &exif_tiff(3)),
        ]),
        riff(&[
            &vp8x(ANIMATION_FLAG, 3, 2),
            &anim(),
            &anmf(0, 3, 2, &[&alph(), &chunk(b"ABCD", b"odd"), &vp8(3, 2)]),
            &anmf(0, 3, 2, &[&vp8l(3, 2, false)]),
        ]),
    ];
    for input in &inputs {
        for keep in [Keep::empty(), Keep::ORIENTATION, Keep::ICC, Keep::all()] {
            let whole = run(input, keep, Limits::default());
            assert!(whole.is_ok(), "{whole:?}");
            for n in 0..input.len() {
                let mut out = Vec::new();
                match strip(
                    &input[..n],
                    &Options {
                        keep,
                        limits: Limits::default(),
                    },
                    &mut out,
                ) {
                    Ok(_) | Err(Error::Truncated { .. } | Error::Malformed { .. }) => {}
                    Err(e) => panic!("prefix {n}: {e:?}"),
                }
            }
        }
    }
}
