//! WebP: simple, extended and animated files around real lossless images, with metadata
//! chunks at top level and inside frames, lying VP8X flags and bytes past the RIFF payload;
//! random chunks after a RIFF header.

use super::*;

/// (VP8L chunk, width, height) of real lossless images.
fn webp_bases() -> &'static [(Vec<u8>, u32, u32)] {
    static BASES: OnceLock<Vec<(Vec<u8>, u32, u32)>> = OnceLock::new();
    BASES.get_or_init(|| {
        [(4, 4, 1), (16, 9, 2), (7, 23, 3)]
            .iter()
            .map(|&(width, height, seed)| {
                let image = w::first_chunk(&w::sample_webp(width, height, seed));
                (image, width, height)
            })
            .collect()
    })
}

/// A FourCC that is no chunk the library keeps.
fn unknown_kind() -> impl Strategy<Value = [u8; 4]> {
    "[A-Za-z0-9 ]{4}"
        .prop_map(|s| <[u8; 4]>::try_from(s.as_bytes()).unwrap())
        .prop_filter("a kept chunk", |k| {
            !matches!(k, b"VP8 " | b"VP8L" | b"VP8X" | b"ALPH" | b"ANIM" | b"ANMF")
        })
}

fn webp_meta() -> impl Strategy<Value = Meta> {
    let kind = prop_oneof![
        Just(*b"ICCP"),
        Just(*b"EXIF"),
        Just(*b"XMP "),
        Just(*b"XMP\0"),
        Just(*b"ICMT"),
        unknown_kind(),
    ];
    (kind, any::<bool>(), filler(), canary()).prop_map(|(kind, prefixed, pre, c)| {
        let head: &[u8] = match &kind {
            b"EXIF" if prefixed => b"Exif\0\0MM\0\x2A\0\0\0\x08",
            b"EXIF" => b"II\x2A\0\x08\0\0\0",
            _ => b"",
        };
        Meta {
            bytes: w::chunk(&kind, &[head, &pre, &c.bytes()].concat()),
            canary: Some(c),
        }
    })
}

/// A WebP with metadata chunks at every legal place (and some illegal ones: inside ANMF
/// frames, after the image of a simple file), VP8X flags claiming metadata, maybe bytes past
/// the RIFF payload; and the output expected.
fn webp_case() -> impl Strategy<Value = Case> {
    (
        0..webp_bases().len(),
        0..3usize, // simple, extended still, animated
        1..4usize, // frames
        any::<u8>(),
        vec((webp_meta(), any::<Index>(), any::<Index>()), 0..8),
        proptest::option::of(canary()),
    )
        .prop_map(|(base, layout, frame_count, noise, metas, trailer)| {
            let (image, width, height) = &webp_bases()[base];
            // Units after the first chunk, each a list of top-level chunk bytes; a frame is
            // (header, nested units).
            let mut input_chunks: Vec<Vec<u8>> = Vec::new();
            let expected = match layout {
                0 => {
                    // Simple: everything after the image goes.
                    input_chunks.push(image.clone());
                    for (m, ..) in &metas {
                        input_chunks.push(m.bytes.clone());
                    }
                    w::riff(&[image])
                }
                1 => {
                    // Extended still: metadata anywhere after VP8X; the flags lie.
                    let flags = (noise & (w::ICC | w::EXIF | w::XMP | 0xC1)) & !w::ALPHA;
                    let units = vec![image.clone()];
                    let body = place(
                        &units,
                        &metas
                            .iter()
                            .map(|(m, at, _)| (m.clone(), *at))
                            .collect::<Vec<_>>(),
                        0,
                        1,
                    );
                    input_chunks.push(w::vp8x(flags, *width, *height));
                    input_chunks.push(body);
                    w::riff(&[&w::vp8x(0, *width, *height), image])
                }
                _ => {
                    // Animated: metadata at top level and inside frames.
                    let flags = w::ANIMATION | (noise & (w::ICC | w::EXIF | w::XMP));
                    let mut top: Vec<(Meta, Index)> = Vec::new();
                    let mut nested: Vec<Vec<(Meta, Index)>> = vec![Vec::new(); frame_count];
                    for (m, at, inside) in &metas {
                        let i = inside.index(frame_count + 1);
                        if i == frame_count {
                            top.push((m.clone(), *at));
                        } else {
                            nested[i].push((m.clone(), *at));
                        }
                    }
                    let frame_flags = noise & 0xFC | 0x02;
                    let frames: Vec<Vec<u8>> = nested
                        .iter()
                        .map(|n| {
                            let inner = place(std::slice::from_ref(image), n, 0, 1);
                            w::anmf(*width, *height, frame_flags, &[&inner])
                        })
                        .collect();
                    let clean_frames: Vec<Vec<u8>> = frames
                        .iter()
                        .map(|_| w::anmf(*width, *height, 0x02, &[image]))
                        .collect();
                    let units = [vec![w::anim()], frames].concat();
                    input_chunks.push(w::vp8x(flags, *width, *height));
                    input_chunks.push(place(&units, &top, 0, units.len()));
                    let mut expected = vec![w::vp8x(w::ANIMATION, *width, *height), w::anim()];
                    expected.extend(clean_frames);
                    w::riff(&expected.iter().map(Vec::as_slice).collect::<Vec<_>>())
                }
            };
            let mut input = w::riff(&input_chunks.iter().map(Vec::as_slice).collect::<Vec<_>>());
            if let Some(c) = &trailer {
                input.extend_from_slice(&c.bytes());
            }
            (
                input,
                expected,
                metas.into_iter().map(|(m, ..)| m).collect(),
                trailer,
            )
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn webp_canaries_never_survive_and_image_units_stay((input, expected, metas, trailer) in webp_case()) {
        let canaries = canaries_of(&metas, trailer.as_ref());
        check_case(Format::WebP, &input, Some(&expected), &canaries, NO_KEEP)?;
    }

    #[test]
    fn mutated_webp_never_panics_and_strips_clean((input, ..) in webp_case(), mutations in vec(mutation(), 1..8)) {
        check_survives(&mutate(input, &mutations))?;
    }

    #[test]
    fn random_chunks_after_a_riff_header_never_panic_and_strip_clean(
        size in prop_oneof![any::<u32>(), 4..64u32],
        tail in vec(prop_oneof![any::<u8>(), Just(0x00), Just(b'V'), Just(b'P'), Just(b'8')], 0..256),
    ) {
        let head = [&b"RIFF"[..], &size.to_le_bytes(), b"WEBPVP8X\x0a\0\0\0"].concat();
        check_survives(&[&head[..], &tail].concat())?;
    }
}
