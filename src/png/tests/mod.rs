//! Unit tests of the PNG walker on hand-built files; the length and place rules are in
//! `fit.rs`.

use super::*;
use crate::crc32::crc32;
use crate::format::PNG_SIGNATURE;
use crate::stripper::{exif_tiff, strip_checked};
use crate::{Limit, Limits};

mod fit;

fn chunk(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut v = (body.len() as u32).to_be_bytes().to_vec();
    v.extend_from_slice(kind);
    v.extend_from_slice(body);
    v.extend_from_slice(&crc32(&[kind, body]).to_be_bytes());
    v
}

fn ihdr(width: u32, height: u32) -> Vec<u8> {
    let mut b = width.to_be_bytes().to_vec();
    b.extend_from_slice(&height.to_be_bytes());
    b.extend_from_slice(&[8, 0, 0, 0, 0]);
    chunk(b"IHDR", &b)
}

/// Signature, IHDR 1×1, `before` IDAT, IDAT, `after` IDAT, IEND.
fn png(before: &[&[u8]], after: &[&[u8]]) -> Vec<u8> {
    let mut v = PNG_SIGNATURE.to_vec();
    v.extend(ihdr(1, 1));
    before.iter().for_each(|c| v.extend_from_slice(c));
    v.extend(chunk(b"IDAT", b"\x78\x9c\x63\x60\x00\x00\x00\x02\x00\x01"));
    after.iter().for_each(|c| v.extend_from_slice(c));
    v.extend(chunk(b"IEND", b""));
    v
}

fn run(input: &[u8], keep: Keep, limits: Limits) -> Result<(Vec<u8>, Report), Error> {
    crate::stripper::run_walker(strip, input, keep, limits)
}

fn strip_default(input: &[u8]) -> (Vec<u8>, Report) {
    strip_checked(strip, input, Keep::empty())
}

#[test]
fn drops_every_metadata_chunk_before_and_after_idat() {
    let units = [
        (chunk(b"tEXt", b"Author\0Eve"), Kinds::TEXT),
        (chunk(b"tEXt", b"Comment\0hi"), Kinds::COMMENT),
        (chunk(b"zTXt", b"Raw profile type exif\0\0x"), Kinds::EXIF),
        (chunk(b"zTXt", b"Raw profile type iptc\0\0x"), Kinds::IPTC),
        (
            chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0<x/>"),
            Kinds::XMP,
        ),
        (chunk(b"iTXt", b"parameters\0\0\0\0\0a prompt"), Kinds::TEXT),
        (chunk(b"eXIf", &exif_tiff(6)), Kinds::EXIF),
        (chunk(b"zxIf", b"zipped"), Kinds::EXIF),
        (chunk(b"iCCP", b"Eve's monitor\0\0zz"), Kinds::ICC),
        (chunk(b"tIME", &[7, 0xE9, 1, 2, 3, 4, 5]), Kinds::TIMESTAMP),
        (chunk(b"sPLT", b"my palette\0\x08"), Kinds::OTHER),
        (chunk(b"dSIG", b"sig"), Kinds::OTHER),
        (chunk(b"caBX", b"c2pa"), Kinds::OTHER),
        (chunk(b"prVW", b"preview"), Kinds::OTHER),
    ];
    let clean = png(&[], &[]);
    for (unit, kind) in units {
        for (before, after) in [(vec![&unit[..]], vec![]), (vec![], vec![&unit[..]])] {
            let (out, report) = strip_default(&png(&before, &after));
            assert_eq!(out, clean, "{kind:?}");
            assert_eq!(report.removed, kind);
            assert_eq!(report.bytes_removed, unit.len() as u64);
        }
    }
}

#[test]
fn cuts_everything_after_iend() {
    let mut input = png(&[], &[]);
    let clean = input.clone();
    input.extend(chunk(
        b"IDAT",
        b"original pixels of the uncropped screenshot",
    ));
    input.extend(chunk(b"IEND", b""));
    let (out, report) = strip_default(&input);
    assert_eq!(out, clean);
    assert_eq!(report.removed, Kinds::TRAILER);
}

#[test]
fn apng_frames_stay_and_count_toward_the_limit() {
    let actl = chunk(b"acTL", &[0, 0, 0, 2, 0, 0, 0, 0]);
    let fctl = chunk(b"fcTL", &[0; 26]);
    let fdat = chunk(b"fdAT", &[0, 0, 0, 1, 0x78]);
    let text = chunk(b"tEXt", b"k\0v");
    let input = png(&[&actl, &fctl, &text], &[&fctl, &fdat, &text]);
    let (out, report) = strip_default(&input);
    assert_eq!(out, png(&[&actl, &fctl], &[&fctl, &fdat]));
    assert_eq!(report.frames, 2);

    let limits = Limits {
        max_animation_pixels: 1,
        ..Limits::default()
    };
    let err = run(&input, Keep::empty(), limits).unwrap_err();
    let actl_at = 8 + 25 + 8;
    assert_eq!(
        err,
        Error::LimitExceeded {
            format: Format::Png,
            offset: actl_at,
            limit: Limit::AnimationPixels,
            value: 2,
            max: 1
        }
    );
}

/// An APNG that browsers show still (a second acTL, or a first one Chromium rejects) loses
/// its animation chunks and stays the still image: keeping one acTL would animate it.
#[test]
fn an_apng_browsers_show_still_loses_its_animation_chunks() {
    let actl = |frames: u32, plays: u32| {
        let mut body = frames.to_be_bytes().to_vec();
        body.extend_from_slice(&plays.to_be_bytes());
        chunk(b"acTL", &body)
    };
    let fctl = chunk(b"fcTL", &[0; 26]);
    let fdat = chunk(b"fdAT", &[0, 0, 0, 1, 0x78]);
    let still = png(&[], &[]);
    for (before, why) in [
        (vec![actl(1, 0), actl(1, 0)], "a second acTL"),
        (vec![actl(0, 0)], "no frames"),
        (vec![actl(0x8000_0000, 0)], "frames past 2^31 - 1"),
        (vec![actl(1, 0x8000_0000)], "plays past 2^31 - 1"),
        (
            vec![chunk(b"acTL", &[0, 0, 0, 1]), actl(1, 0)],
            "a short first acTL",
        ),
    ] {
        let mut before: Vec<&[u8]> = before.iter().map(Vec::as_slice).collect();
        before.push(&fctl);
        let (out, report) = strip_default(&png(&before, &[&fctl, &fdat]));
        assert_eq!(out, still, "{why}");
        assert_eq!(report.removed, Kinds::OTHER, "{why}");
        assert_eq!(report.frames, 1, "{why}");
    }
    // Only chunks before IDAT count: an acTL after it goes alone, as before.
    let one = actl(2, 0);
    let (out, _) = strip_default(&png(&[&one, &fctl], &[&fctl, &fdat, &one]));
    assert_eq!(out, png(&[&one, &fctl], &[&fctl, &fdat]));
}

#[test]
fn keep_icc_keeps_the_first_iccp_under_a_neutral_name() {
    let iccp = chunk(b"iCCP", b"Eve's monitor\0\0zlibdata");
    let second = chunk(b"iCCP", b"second\0\0zz");
    let (out, report) = run(&png(&[&iccp, &second], &[]), Keep::ICC, Limits::default()).unwrap();
    assert_eq!(
        out,
        png(&[&chunk(b"iCCP", b"ICC profile\0\0zlibdata")], &[])
    );
    assert_eq!(report.removed, Kinds::ICC);
    assert_eq!(run(&out, Keep::ICC, Limits::default()).unwrap().0, out);
    // No NUL in the first 80 bytes: not a usable iCCP, dropped.
    let bad = chunk(b"iCCP", &[b'a'; 90]);
    assert_eq!(
        run(&png(&[&bad], &[]), Keep::ICC, Limits::default())
            .unwrap()
            .0,
        png(&[], &[])
    );
}

#[test]
fn keep_orientation_writes_a_minimal_exif() {
    let input = png(&[&chunk(b"eXIf", &exif_tiff(6))], &[]);
    let (out, _) = run(&input, Keep::ORIENTATION, Limits::default()).unwrap();
    let minimal = chunk(b"eXIf", &crate::exif::orientation_tiff(6));
    assert_eq!(out, png(&[&minimal], &[]));
    assert_eq!(
        run(&out, Keep::ORIENTATION, Limits::default()).unwrap().0,
        out
    );
    let upright = png(&[&chunk(b"eXIf", &exif_tiff(1))], &[]);
    assert_eq!(
        run(&upright, Keep::ORIENTATION, Limits::default())
            .unwrap()
            .0,
        png(&[], &[])
    );
    let mut prefixed = b"Exif\0\0".to_vec();
    prefixed.extend(exif_tiff(3));
    let (out, _) = run(
        &png(&[&chunk(b"eXIf", &prefixed)], &[]),
        Keep::ORIENTATION,
        Limits::default(),
    )
    .unwrap();
    assert_eq!(
        out,
        png(&[&chunk(b"eXIf", &crate::exif::orientation_tiff(3))], &[])
    );
}

#[test]
fn errors_name_the_offset() {
    let sig = PNG_SIGNATURE.to_vec();
    assert_eq!(
        run(&sig, Keep::empty(), Limits::default()).unwrap_err(),
        Error::Truncated {
            format: Format::Png,
            offset: 8,
            needed: 4
        }
    );
    let mut not_ihdr = sig.clone();
    not_ihdr.extend(chunk(b"IDAT", b""));
    assert!(matches!(
        run(&not_ihdr, Keep::empty(), Limits::default()),
        Err(Error::Malformed { offset: 12, .. })
    ));
    let mut huge = png(&[], &[]);
    let at = 8 + 25;
    huge.splice(at..at, chunk(b"tEXt", b"x"));
    huge[at..at + 4].copy_from_slice(&0x7FFF_FFF0u32.to_be_bytes());
    assert_eq!(
        run(&huge, Keep::empty(), Limits::default()).unwrap_err(),
        Error::Truncated {
            format: Format::Png,
            offset: at + 8,
            needed: 0x7FFF_FFF0 - (huge.len() - at - 8)
        }
    );
    huge[at..at + 4].copy_from_slice(&0x8000_0000u32.to_be_bytes());
    assert!(
        matches!(run(&huge, Keep::empty(), Limits::default()), Err(Error::Malformed { offset, .. }) if offset == at)
    );
    let mut bad_type = png(&[], &[]);
    bad_type[8 + 25 + 4] = b'1';
    assert!(
        matches!(run(&bad_type, Keep::empty(), Limits::default()), Err(Error::Malformed { offset, .. }) if offset == 8 + 25 + 4)
    );
    let no_iend = &png(&[], &[])[..8 + 25 + 22];
    assert_eq!(
        run(no_iend, Keep::empty(), Limits::default()).unwrap_err(),
        Error::Truncated {
            format: Format::Png,
            offset: 8 + 25 + 22,
            needed: 4
        }
    );
}

#[test]
fn header_size_is_checked_against_limits() {
    let mut input = PNG_SIGNATURE.to_vec();
    input.extend(ihdr(60_000, 1));
    assert_eq!(
        run(&input, Keep::empty(), Limits::default()).unwrap_err(),
        Error::LimitExceeded {
            format: Format::Png,
            offset: 16,
            limit: Limit::Width,
            value: 60_000,
            max: 50_000
        }
    );
}

#[test]
fn every_prefix_gives_ok_or_a_typed_error() {
    let input = png(
        &[&chunk(b"eXIf", &exif_tiff(6)), &chunk(b"iCCP", b"n\0\0z")],
        &[&chunk(b"tEXt", b"a\0b")],
    );
    for keep in [Keep::empty(), Keep::all()] {
        for n in 0..input.len() {
            let r = run(&input[..n], keep, Limits::default());
            assert!(
                matches!(r, Err(Error::Truncated { .. })),
                "prefix {n}: {r:?}"
            );
        }
    }
}

/// `Keep::COPYRIGHT` keeps the first `Author` and the first `Copyright` of tEXt and
/// uncompressed iTXt chunks as fresh chunks (an iTXt's language tag and translated keyword
/// go), and nothing of any other text chunk; a compressed credit is reported as not kept.
#[test]
fn keep_copyright_keeps_the_author_and_copyright_text_chunks() {
    let itxt = |keyword: &[u8], flag: u8, text: &[u8]| {
        chunk(
            b"iTXt",
            &[keyword, b"\0", &[flag, 0], b"en\0Verfasser\0", text].concat(),
        )
    };
    let input = png(
        &[
            &chunk(b"tEXt", b"Author\0Ann Author"),
            &chunk(b"tEXt", b"Author\0Second Author"),
            &chunk(b"tEXt", b"Comment\0CANARY comment"),
            &itxt(b"Copyright", 0, "(c) 2024 Ann \u{e9}".as_bytes()),
            &chunk(b"tEXt", b"Copyright\0   "),
            &chunk(b"zTXt", b"Author\0\0x\x9c"),
        ],
        &[],
    );
    let (out, report) = run(&input, Keep::COPYRIGHT, Limits::default()).unwrap();
    let expected = png(
        &[
            &chunk(b"tEXt", b"Author\0Ann Author"),
            &chunk(
                b"iTXt",
                &[
                    &b"Copyright\0\0\0\0\0"[..],
                    "(c) 2024 Ann \u{e9}".as_bytes(),
                ]
                .concat(),
            ),
        ],
        &[],
    );
    assert_eq!(out, expected);
    assert_eq!(report.not_kept, Keep::COPYRIGHT, "the zTXt credit");
    let has = |needle: &[u8]| out.windows(needle.len()).any(|w| w == needle);
    assert!(!has(b"Second") && !has(b"CANARY") && !has(b"Verfasser"));
    // A fresh chunk strips to itself; without the flag every text chunk goes.
    assert_eq!(
        run(&out, Keep::COPYRIGHT, Limits::default()).unwrap().0,
        out
    );
    assert_eq!(strip_default(&input).0, png(&[], &[]));
    // A compressed iTXt credit cannot be read either.
    let (_, report) = run(
        &png(&[&itxt(b"Author", 1, b"x\x9c")], &[]),
        Keep::COPYRIGHT,
        Limits::default(),
    )
    .unwrap();
    assert_eq!(report.not_kept, Keep::COPYRIGHT);
}
