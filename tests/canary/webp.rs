//! WebP canaries.

use super::*;

pub(crate) const WEBP_CANARIES: &[Canary] = &[
    Canary {
        text: "CANARY-WEBP-ICC-cccc",
        encoding: "UTF-16BE",
        kept_by_display: true,
    },
    canary("CANARY-WEBP-EXIF-DESC-1111", "ASCII"),
    canary("CANARY-WEBP-EXIF-XP-2222", "UTF-16LE"),
    canary("CANARY-WEBP-XMP-3333", "ASCII"),
    canary("CANARY-WEBP-XMP0-4444", "ASCII"),
    canary("CANARY-WEBP-ICMT-5555", "ASCII"),
    canary("CANARY-WEBP-UNKNOWN-6666", "UTF-16LE"),
    canary("CANARY-WEBP-FRAME-UNKNOWN-7777", "ASCII"),
    canary("CANARY-WEBP-FRAME-EXIF-8888", "ASCII"),
    canary("CANARY-WEBP-PAST-RIFF-9999", "ASCII"),
];

/// An EXIF (with the `Exif\0\0` prefix some writers add) holding orientation 8 and canaries.
fn webp_exif() -> Vec<u8> {
    let mut xp = encode(text_of("WEBP-EXIF-XP"), "UTF-16LE");
    xp.extend_from_slice(&[0, 0]);
    let tiff = tiff_le(
        &[
            Entry::ascii(0x010E, text_of("WEBP-EXIF-DESC")),
            Entry::short(0x0112, 8),
            Entry::bytes(0x9C9C, &xp),
        ],
        &[],
        None,
    );
    [&b"Exif\0\0"[..], &tiff].concat()
}

fn webp_icc() -> Vec<u8> {
    let mut profile = vec![0u8; 128];
    profile[36..40].copy_from_slice(b"acsp");
    profile.extend_from_slice(&encode(text_of("WEBP-ICC"), "UTF-16BE"));
    w::chunk(b"ICCP", &profile)
}

/// A hostile extended WebP (real lossless pixels) and the clean image.
fn hostile_webp_still() -> (Vec<u8>, Vec<u8>) {
    let image = w::first_chunk(&w::sample_webp(20, 12, 5));
    let input = [
        w::riff(&[
            &w::vp8x(w::ICC | w::EXIF | w::XMP, 20, 12),
            &webp_icc(),
            &w::chunk(b"C2PA", &encode(text_of("WEBP-UNKNOWN"), "UTF-16LE")),
            &image,
            &w::chunk(b"EXIF", &webp_exif()),
            &w::chunk(b"XMP ", text_of("WEBP-XMP-").as_bytes()),
            &w::chunk(b"XMP\0", text_of("WEBP-XMP0").as_bytes()),
            &w::chunk(b"ICMT", text_of("WEBP-ICMT").as_bytes()),
        ]),
        text_of("WEBP-PAST-RIFF").as_bytes().to_vec(),
    ]
    .concat();
    let expected = w::riff(&[&w::vp8x(0, 20, 12), &image]);
    (input, expected)
}

/// A hostile animated WebP: two frames of real lossless pixels with metadata chunks inside
/// the frames and around them; and the clean animation.
fn hostile_webp_animation() -> (Vec<u8>, Vec<u8>) {
    let first = w::first_chunk(&w::sample_webp(20, 12, 5));
    let second = w::first_chunk(&w::sample_webp(20, 12, 9));
    let frame_junk = w::chunk(b"JUNK", text_of("WEBP-FRAME-UNKNOWN").as_bytes());
    let frame_exif = w::chunk(b"EXIF", text_of("WEBP-FRAME-EXIF").as_bytes());
    let input = w::riff(&[
        &w::vp8x(w::ANIMATION | w::ICC | w::EXIF | w::XMP, 20, 12),
        &webp_icc(),
        &w::anim(),
        &w::anmf(20, 12, 0x02, &[&frame_junk, &first, &frame_exif]),
        &w::chunk(b"XMP ", text_of("WEBP-XMP-").as_bytes()),
        &w::anmf(20, 12, 0x00, &[&second, &frame_junk]),
        &w::chunk(b"EXIF", &webp_exif()),
    ]);
    let expected = w::riff(&[
        &w::vp8x(w::ANIMATION, 20, 12),
        &w::anim(),
        &w::anmf(20, 12, 0x02, &[&first]),
        &w::anmf(20, 12, 0x00, &[&second]),
    ]);
    (input, expected)
}

#[test]
fn webp_canaries_in_every_metadata_place_are_all_gone() {
    for (input, expected) in [hostile_webp_still(), hostile_webp_animation()] {
        assert_walker_sees(Format::WebP, &input, 4);
        let canaries = canaries_in(WEBP_CANARIES, &input);
        let out = assert_strips_clean(
            Format::WebP,
            &input,
            &canaries,
            Some(&expected),
            Keep::empty(),
        );
        assert_eq!(out, expected, "the output is not exactly the image chunks");
    }
    // The still holds every canary but those of the frames.
    let (input, _) = hostile_webp_still();
    let out = imgstrip::strip(&input, Limits::default()).unwrap();
    assert_canaries(
        &WEBP_CANARIES
            .iter()
            .filter(|c| !c.text.contains("FRAME"))
            .map(|c| Canary { ..*c })
            .collect::<Vec<_>>(),
        &input,
        &out,
        false,
    );
}

#[test]
fn webp_keep_display_keeps_only_icc_and_orientation() {
    for (input, expected) in [hostile_webp_still(), hostile_webp_animation()] {
        let canaries = canaries_in(WEBP_CANARIES, &input);
        assert!(canaries.iter().any(|c| c.text == text_of("WEBP-ICC")));
        let out = assert_strips_clean(
            Format::WebP,
            &input,
            &canaries,
            Some(&expected),
            Keep::DISPLAY,
        );
        let kinds: Vec<[u8; 4]> = w::walk(&out).chunks.iter().map(|c| c.kind).collect();
        assert!(
            kinds.contains(b"ICCP") && kinds.contains(b"EXIF"),
            "ICC or orientation not kept: {kinds:?}"
        );
    }
}

#[test]
fn webp_chunk_overrunning_the_riff_is_an_error_never_a_copy() {
    let (_, clean) = hostile_webp_still();
    let mut input = clean.clone();
    let canary = text_of("WEBP-XMP-").as_bytes();
    let mut xmp = w::chunk(b"XMP ", canary);
    xmp[4..8].copy_from_slice(&0x7FFF_0000u32.to_le_bytes());
    input.extend_from_slice(&xmp);
    let riff = u32::try_from(input.len() - 8).unwrap();
    input[4..8].copy_from_slice(&riff.to_le_bytes());
    let err = imgstrip::strip(&input, Limits::default()).unwrap_err();
    assert_eq!(
        err,
        Error::Truncated {
            format: Format::WebP,
            offset: clean.len(),
            needed: 0x7FFF_0000 - canary.len()
        }
    );
}

// ---------------------------------------------------------------------------------------
// Issue 14: every kept chunk with exactly its defined bytes, one image per frame.
// ---------------------------------------------------------------------------------------

#[test]
fn webp_a_second_image_chunk_in_a_frame_or_a_still_goes() {
    // libwebp's demuxer stores the first VP8/VP8L of a frame (or of a still extended file)
    // and refuses a file with another; WebPDecode and image-webp read only the first. A
    // second one is bytes no decoder shows.
    let first = w::first_chunk(&w::sample_webp(20, 12, 5));
    let second = w::first_chunk(&w::sample_webp(20, 12, 9));
    let texts = [
        "CANARY-WEBP-SECOND-VP8L-c6c6",
        "CANARY-WEBP-SECOND-VP8-d7d7",
    ];
    let hidden_vp8l = w::chunk(b"VP8L", texts[0].as_bytes());
    let hidden_vp8 = w::chunk(b"VP8 ", texts[1].as_bytes());
    let cases = [
        (
            w::riff(&[&w::vp8x(0, 20, 12), &first, &hidden_vp8l, &hidden_vp8]),
            w::riff(&[&w::vp8x(0, 20, 12), &first]),
        ),
        (
            w::riff(&[
                &w::vp8x(w::ANIMATION, 20, 12),
                &w::anim(),
                &w::anmf(20, 12, 0x02, &[&first, &hidden_vp8l]),
                &w::anmf(20, 12, 0x00, &[&second, &hidden_vp8, &hidden_vp8l]),
            ]),
            w::riff(&[
                &w::vp8x(w::ANIMATION, 20, 12),
                &w::anim(),
                &w::anmf(20, 12, 0x02, &[&first]),
                &w::anmf(20, 12, 0x00, &[&second]),
            ]),
        ),
    ];
    let canaries: Vec<Canary> = texts.iter().map(|t| canary(t, "ASCII")).collect();
    for (input, expected) in cases {
        let out = assert_strips_clean(
            Format::WebP,
            &input,
            &canaries,
            Some(&expected),
            Keep::empty(),
        );
        assert_eq!(out, expected, "the output is not exactly the image chunks");
        // image-webp refuses a still holding both VP8L and VP8; it reads the animation.
        assert_eq!(
            oracle::same_pixels(&input, &out),
            Ok(oracle::decode(&input).is_ok())
        );
        assert!(oracle::decode(&out).is_ok());
    }
}

#[test]
fn webp_fixed_size_chunks_longer_than_their_definition_are_cut() {
    // VP8X (10 bytes), ANIM (6) and the ANMF frame header (16) are read by libwebp field by
    // field; whatever follows the fields is skipped, so it goes.
    let image = w::first_chunk(&w::sample_webp(20, 12, 5));
    let texts = ["CANARY-WEBP-VP8X-TAIL-e8e8", "CANARY-WEBP-ANIM-TAIL-f9f9"];
    let long_vp8x = {
        let body = &w::vp8x(w::ANIMATION, 20, 12)[8..];
        w::chunk(b"VP8X", &[body, texts[0].as_bytes()].concat())
    };
    let long_anim = w::chunk(
        b"ANIM",
        &[&[0xFF, 0xFF, 0xFF, 0xFF, 0, 0][..], texts[1].as_bytes()].concat(),
    );
    let input = w::riff(&[&long_vp8x, &long_anim, &w::anmf(20, 12, 0x02, &[&image])]);
    let expected = w::riff(&[
        &w::vp8x(w::ANIMATION, 20, 12),
        &w::anim(),
        &w::anmf(20, 12, 0x02, &[&image]),
    ]);
    let canaries: Vec<Canary> = texts.iter().map(|t| canary(t, "ASCII")).collect();
    let out = imgstrip::strip(&input, Limits::default()).unwrap();
    assert_canaries(&canaries, &input, &out, false);
    assert_eq!(out, expected);
    // image-webp refuses the long VP8X; libwebp reads its fields and skips the rest.
    assert_eq!(
        oracle::same_pixels(&input, &out),
        Ok(oracle::decode(&input).is_ok())
    );
    // Bytes after a frame's header that are no chunk: an error, never a copy.
    let junk = {
        let mut body = w::anmf(20, 12, 0x02, &[])[8..].to_vec();
        body.extend_from_slice(texts[1].as_bytes());
        w::chunk(b"ANMF", &body)
    };
    let input = w::riff(&[&w::vp8x(w::ANIMATION, 20, 12), &w::anim(), &junk]);
    let err = imgstrip::strip(&input, Limits::default()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Malformed {
                format: Format::WebP,
                ..
            }
        ),
        "{err:?}"
    );
}
