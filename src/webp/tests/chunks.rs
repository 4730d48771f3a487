//! Which chunks stay and which go, in simple, extended and animated files, and the Keep
//! flags.

use super::*;

fn metadata_chunks() -> Vec<(Vec<u8>, Kinds)> {
    let mut prefixed = b"Exif\0\0".to_vec();
    prefixed.extend(exif_tiff(6));
    vec![
        (chunk(b"ICCP", b"Eve's monitor profile"), Kinds::ICC),
        (chunk(b"EXIF", &exif_tiff(6)), Kinds::EXIF),
        (chunk(b"EXIF", &prefixed), Kinds::EXIF),
        (chunk(b"XMP ", b"<x:xmpmeta>Eve</x:xmpmeta>"), Kinds::XMP),
        (chunk(b"XMP\0", b"<x:xmpmeta/>"), Kinds::XMP),
        (chunk(b"ICMT", b"a comment"), Kinds::COMMENT),
        (chunk(b"IART", b"Eve"), Kinds::TEXT),
        (chunk(b"C2PA", b"manifest"), Kinds::OTHER),
        (chunk(b"\0\0\0\0", b""), Kinds::OTHER),
    ]
}

#[test]
fn verdicts_mirror_the_spec() {
    for kind in [b"VP8 ", b"VP8L", b"ALPH"] {
        assert_eq!(verdict(*kind, Keep::empty()), Verdict::Keep);
        assert_eq!(frame_verdict(*kind), Verdict::Keep);
    }
    for kind in [b"VP8X", b"ANIM", b"ANMF"] {
        assert_eq!(verdict(*kind, Keep::empty()), Verdict::Rewrite);
        assert_eq!(frame_verdict(*kind), Verdict::Drop(Kinds::OTHER));
    }
    assert_eq!(verdict(*b"ICCP", Keep::empty()), Verdict::Drop(Kinds::ICC));
    assert_eq!(verdict(*b"ICCP", Keep::ICC), Verdict::Keep);
    assert_eq!(verdict(*b"EXIF", Keep::ICC), Verdict::Drop(Kinds::EXIF));
    assert_eq!(verdict(*b"EXIF", Keep::ORIENTATION), Verdict::Rewrite);
    assert_eq!(verdict(*b"EXIF", Keep::COPYRIGHT), Verdict::Rewrite);
    assert_eq!(verdict(*b"XMP ", Keep::DISPLAY), Verdict::Drop(Kinds::XMP));
    assert_eq!(verdict(*b"XMP ", Keep::COPYRIGHT), Verdict::Rewrite);
    assert_eq!(verdict(*b"XMP\0", Keep::all()), Verdict::Drop(Kinds::XMP));
    assert_eq!(verdict(*b"vp8 ", Keep::all()), Verdict::Drop(Kinds::OTHER));
    assert_eq!(frame_verdict(*b"EXIF"), Verdict::Drop(Kinds::EXIF));
}

#[test]
fn simple_lossy_keeps_the_bitstream_and_drops_what_follows() {
    let image = vp8(3, 2);
    let clean = riff(&[&image]);
    let (out, report) = strip_default(&clean);
    assert_eq!(out, clean);
    assert_eq!((report.width, report.height, report.frames), (3, 2, 1));
    assert!(report.removed.is_empty());
    for (unit, kind) in metadata_chunks() {
        let (out, report) = strip_default(&riff(&[&image, &unit]));
        assert_eq!(out, clean, "{kind:?}");
        assert_eq!(report.removed, kind);
        assert_eq!(report.bytes_removed, unit.len() as u64);
    }
    // Nothing after the image of a simple file is read by a decoder, image chunks neither.
    let (out, report) = strip_default(&riff(&[&image, &alph(), &vp8(9, 9), &anim()]));
    assert_eq!(out, clean);
    assert_eq!(report.removed, Kinds::OTHER);
}

#[test]
fn simple_lossless_reads_its_size_and_alpha() {
    let input = riff(&[&vp8l(16_384, 1, true), &chunk(b"EXIF", &exif_tiff(1))]);
    let err = run(&input, Keep::empty(), Limits::default()).unwrap_err();
    assert_eq!(
        err,
        Error::LimitExceeded {
            format: Format::WebP,
            offset: 20,
            limit: Limit::Width,
            value: 16_384,
            max: 16_383
        }
    );
    let (out, report) = run(&input, Keep::empty(), Limits::none()).unwrap();
    assert_eq!(out, riff(&[&vp8l(16_384, 1, true)]));
    assert_eq!((report.width, report.height), (16_384, 1));
    let (_, report) = strip_default(&riff(&[&vp8l(7, 16_383, false)]));
    assert_eq!((report.width, report.height), (7, 16_383));
}

#[test]
fn extended_keeps_image_chunks_byte_exact_and_rewrites_flags() {
    let all = ICC_FLAG | ALPHA_FLAG | EXIF_FLAG | XMP_FLAG | 0xC1;
    let units = metadata_chunks();
    let mut input: Vec<&[u8]> = Vec::new();
    let head = vp8x(all, 3, 2);
    input.push(&head);
    let (a, v) = (alph(), vp8(3, 2));
    for (unit, _) in &units {
        input.push(unit);
    }
    input.push(&a);
    for (unit, _) in &units {
        input.push(unit);
    }
    input.push(&v);
    for (unit, _) in &units {
        input.push(unit);
    }
    let mut input = riff(&input);
    input[21..24].copy_from_slice(&[0xAB, 0xCD, 0xEF]); // reserved bytes
    let (out, report) = strip_default(&input);
    assert_eq!(out, riff(&[&vp8x(ALPHA_FLAG, 3, 2), &a, &v]));
    assert_eq!(
        report.removed,
        Kinds::ICC | Kinds::EXIF | Kinds::XMP | Kinds::COMMENT | Kinds::TEXT | Kinds::OTHER
    );
    assert_eq!((report.width, report.height, report.frames), (3, 2, 1));
}

#[test]
fn alpha_flag_is_copied_and_never_trusted_for_other_chunks() {
    // Stale alpha bit without ALPH: kept (libwebp reports it as has_alpha).
    let input = riff(&[&vp8x(ALPHA_FLAG | ANIMATION_FLAG, 3, 2), &vp8(3, 2)]);
    let (out, _) = strip_default(&input);
    assert_eq!(out, riff(&[&vp8x(ALPHA_FLAG, 3, 2), &vp8(3, 2)]));
    // ALPH without the alpha bit: still clear (libwebp's demuxer ignores that ALPH).
    let input = riff(&[&vp8x(0, 3, 2), &alph(), &vp8(3, 2)]);
    assert_eq!(strip_default(&input).0, input);
    // Frames without the animation bit: set, since ANMF remains.
    let input = riff(&[&vp8x(0, 3, 2), &anim(), &anmf(0, 3, 2, &[&vp8(3, 2)])]);
    let (out, report) = strip_default(&input);
    assert_eq!(
        out,
        riff(&[
            &vp8x(ANIMATION_FLAG, 3, 2),
            &anim(),
            &anmf(0, 3, 2, &[&vp8(3, 2)])
        ])
    );
    assert_eq!(report.frames, 1);
}

#[test]
fn animated_frames_lose_nested_chunks_and_get_their_size_fixed() {
    let unknown = chunk(b"ABCD", b"odd");
    let nested_exif = chunk(b"EXIF", &exif_tiff(6));
    let frame1 = anmf(0xFE, 3, 2, &[&alph(), &unknown, &vp8(3, 2), &nested_exif]);
    let frame2 = anmf(0x01, 2, 1, &[&vp8l(2, 1, true)]);
    let input = riff(&[
        &vp8x(ANIMATION_FLAG | ALPHA_FLAG | XMP_FLAG, 3, 2),
        &anim(),
        &frame1,
        &chunk(b"XMP ", b"<x/>"),
        &frame2,
    ]);
    let (out, report) = strip_default(&input);
    let expected = riff(&[
        &vp8x(ANIMATION_FLAG | ALPHA_FLAG, 3, 2),
        &anim(),
        &anmf(0x02, 3, 2, &[&alph(), &vp8(3, 2)]),
        &frame2,
    ]);
    assert_eq!(out, expected);
    assert_eq!(report.frames, 2);
    assert_eq!(report.removed, Kinds::OTHER | Kinds::EXIF | Kinds::XMP);
    // The ANMF size field matches what the frame holds now.
    let anmf_at = 12 + 18 + 14;
    let size = u32::from_le_bytes(out[anmf_at + 4..anmf_at + 8].try_into().unwrap());
    assert_eq!(size as usize, 16 + alph().len() + vp8(3, 2).len());
}

#[test]
fn anim_and_vp8x_are_cut_to_their_defined_bytes() {
    let mut long_anim = vec![1, 2, 3, 4, 5, 6];
    long_anim.extend_from_slice(b"hidden");
    let mut long_vp8x = vp8x(0, 3, 2)[8..].to_vec();
    long_vp8x.extend_from_slice(b"hidden!");
    let frame = anmf(0, 3, 2, &[&vp8(3, 2)]);
    let input = riff(&[
        &chunk(b"VP8X", &long_vp8x),
        &chunk(b"ANIM", &long_anim),
        &frame,
    ]);
    let (out, report) = strip_default(&input);
    assert_eq!(
        out,
        riff(&[
            &vp8x(ANIMATION_FLAG, 3, 2),
            &chunk(b"ANIM", &[1, 2, 3, 4, 5, 6]),
            &frame
        ])
    );
    assert_eq!(report.removed, Kinds::OTHER);
    let twice = riff(&[&vp8x(ANIMATION_FLAG, 3, 2), &anim(), &frame, &anim()]);
    let (out, report) = strip_default(&twice);
    assert_eq!(out, riff(&[&vp8x(ANIMATION_FLAG, 3, 2), &anim(), &frame]));
    assert_eq!(report.removed, Kinds::OTHER);
}

#[test]
fn one_image_per_frame_and_per_still() {
    // In a frame: ALPH, then one VP8/VP8L; whatever follows the image goes.
    let frame = anmf(
        0,
        3,
        2,
        &[&alph(), &vp8(3, 2), &vp8l(3, 2, false), &alph(), &vp8(3, 2)],
    );
    let input = riff(&[&vp8x(ANIMATION_FLAG, 3, 2), &anim(), &frame]);
    let (out, report) = strip_default(&input);
    let expected = riff(&[
        &vp8x(ANIMATION_FLAG, 3, 2),
        &anim(),
        &anmf(0, 3, 2, &[&alph(), &vp8(3, 2)]),
    ]);
    assert_eq!(out, expected);
    assert_eq!(report.removed, Kinds::OTHER);
    // A still: a second VP8/VP8L goes; an ALPH stays where it is.
    let input = riff(&[
        &vp8x(ALPHA_FLAG, 3, 2),
        &alph(),
        &vp8(3, 2),
        &vp8l(3, 2, true),
        &vp8(3, 2),
    ]);
    let (out, _) = strip_default(&input);
    assert_eq!(out, riff(&[&vp8x(ALPHA_FLAG, 3, 2), &alph(), &vp8(3, 2)]));
    // A top-level image after the frames of an animation goes too.
    let input = riff(&[
        &vp8x(ANIMATION_FLAG, 3, 2),
        &anim(),
        &anmf(0, 3, 2, &[&vp8(3, 2)]),
        &vp8l(3, 2, false),
    ]);
    let (out, _) = strip_default(&input);
    assert_eq!(
        out,
        riff(&[
            &vp8x(ANIMATION_FLAG, 3, 2),
            &anim(),
            &anmf(0, 3, 2, &[&vp8(3, 2)])
        ])
    );
}

#[test]
fn pad_bytes_are_zeroed_and_dropped_with_their_chunk() {
    let mut input = riff(&[&vp8(3, 2), &chunk(b"XMP ", b"abc")]);
    let pad = 12 + 8 + 13;
    input[pad] = 0x55; // the VP8 chunk's pad byte carries a byte
    let (out, report) = strip_default(&input);
    assert_eq!(out, riff(&[&vp8(3, 2)]));
    assert_eq!(report.bytes_removed, 12, "a zeroed pad byte is not removed");
}

#[test]
fn bytes_past_the_riff_end_go() {
    let clean = riff(&[&vp8(3, 2)]);
    let mut input = clean.clone();
    input.extend_from_slice(&chunk(b"EXIF", &exif_tiff(6)));
    input.extend_from_slice(b"garbage");
    let (out, report) = strip_default(&input);
    assert_eq!(out, clean);
    assert_eq!(report.removed, Kinds::TRAILER);
    // A RIFF size that cuts before the image: nothing left to show.
    let mut short = riff(&[&vp8x(0, 3, 2), &vp8(3, 2)]);
    short[4..8].copy_from_slice(&22u32.to_le_bytes());
    assert_eq!(
        run(&short, Keep::empty(), Limits::default()).unwrap_err(),
        Error::Malformed {
            format: Format::WebP,
            offset: 30,
            what: "no VP8 or VP8L image in the file".into()
        }
    );
}

#[test]
fn riff_size_larger_than_the_input_is_fixed_when_every_chunk_is_whole() {
    let clean = riff(&[&vp8(3, 2)]);
    let mut input = clean.clone();
    input[4..8].copy_from_slice(&1000u32.to_le_bytes());
    assert_eq!(strip_default(&input).0, clean);
}

#[test]
fn keep_orientation_writes_a_minimal_exif_in_extended_files() {
    let minimal = chunk(b"EXIF", &crate::exif::orientation_tiff(6));
    let mut prefixed = b"Exif\0\0".to_vec();
    prefixed.extend(exif_tiff(6));
    for body in [exif_tiff(6), prefixed] {
        let input = riff(&[
            &vp8x(EXIF_FLAG, 3, 2),
            &vp8(3, 2),
            &chunk(b"EXIF", &body),
            &chunk(b"EXIF", &body),
        ]);
        let (out, report) = strip_with(&input, Keep::ORIENTATION);
        assert_eq!(out, riff(&[&vp8x(EXIF_FLAG, 3, 2), &vp8(3, 2), &minimal]));
        assert_eq!(report.removed, Kinds::EXIF);
        assert!(out.len() < input.len());
    }
    let upright = riff(&[
        &vp8x(EXIF_FLAG, 3, 2),
        &vp8(3, 2),
        &chunk(b"EXIF", &exif_tiff(1)),
    ]);
    let (out, _) = strip_with(&upright, Keep::ORIENTATION);
    assert_eq!(out, riff(&[&vp8x(0, 3, 2), &vp8(3, 2)]));
    // The minimal EXIF alone is kept as it is, with nothing reported.
    let (again, report) = strip_with(
        &riff(&[&vp8x(EXIF_FLAG, 3, 2), &vp8(3, 2), &minimal]),
        Keep::ORIENTATION,
    );
    assert_eq!(again, riff(&[&vp8x(EXIF_FLAG, 3, 2), &vp8(3, 2), &minimal]));
    assert!(report.removed.is_empty());
}

#[test]
fn keep_flags_promote_a_simple_file_to_extended() {
    let minimal = chunk(b"EXIF", &crate::exif::orientation_tiff(8));
    let icc = chunk(b"ICCP", b"profile bytes");
    let image = vp8l(5, 4, true);
    let input = riff(&[
        &image,
        &chunk(b"XMP ", b"x"),
        &chunk(b"EXIF", &exif_tiff(8)),
        &icc,
        &chunk(b"ICCP", b"2nd"),
    ]);
    let (out, report) = strip_with(&input, Keep::DISPLAY);
    assert_eq!(
        out,
        riff(&[
            &vp8x(ICC_FLAG | EXIF_FLAG | ALPHA_FLAG, 5, 4),
            &icc,
            &image,
            &minimal
        ])
    );
    assert_eq!(report.removed, Kinds::XMP | Kinds::EXIF | Kinds::ICC);
    assert_eq!((report.width, report.height), (5, 4));

    let input = riff(&[&vp8(3, 2), &chunk(b"EXIF", &exif_tiff(8))]);
    let (out, _) = strip_with(&input, Keep::ORIENTATION);
    assert_eq!(out, riff(&[&vp8x(EXIF_FLAG, 3, 2), &vp8(3, 2), &minimal]));
    let (out, _) = strip_with(&input, Keep::ICC);
    assert_eq!(out, riff(&[&vp8(3, 2)]));
    let input = riff(&[&vp8(3, 2), &icc]);
    let (out, _) = strip_with(&input, Keep::ICC);
    assert_eq!(out, riff(&[&vp8x(ICC_FLAG, 3, 2), &icc, &vp8(3, 2)]));
    assert!(out.len() > input.len(), "a kept ICCP needs a VP8X");
}

#[test]
fn keep_icc_keeps_the_first_iccp_byte_exact() {
    let icc = chunk(b"ICCP", b"odd profile");
    let input = riff(&[
        &vp8x(ICC_FLAG | EXIF_FLAG, 3, 2),
        &icc,
        &chunk(b"ICCP", b"second"),
        &vp8(3, 2),
        &chunk(b"EXIF", &exif_tiff(6)),
    ]);
    let (out, report) = strip_with(&input, Keep::ICC);
    assert_eq!(out, riff(&[&vp8x(ICC_FLAG, 3, 2), &icc, &vp8(3, 2)]));
    assert_eq!(report.removed, Kinds::ICC | Kinds::EXIF);
}
