//! GIF: the image crate's animations with metadata extensions anywhere after the screen,
//! extra sub-blocks in the kept extensions and bytes after the trailer; random blocks after
//! a screen.

use super::*;

/// The blocks of a few encoded GIFs: screen, loop extension, then per frame a graphic
/// control extension and an image.
fn gif_bases() -> &'static [Vec<Vec<u8>>] {
    static BASES: OnceLock<Vec<Vec<Vec<u8>>>> = OnceLock::new();
    BASES.get_or_init(|| {
        [(4, 4, 1), (16, 9, 2), (7, 13, 3)]
            .iter()
            .map(|&(w, h, frames)| {
                let gif = common::sample_gif(w, h, frames);
                let walk = g::walk(&gif);
                assert!(walk.trailer.is_some() && walk.problem.is_none());
                walk.blocks
                    .iter()
                    .map(|b| gif[b.start..b.end].to_vec())
                    .collect()
            })
            .collect()
    })
}

/// An application identifier (8 bytes) and authentication code (3) that is not kept.
fn dropped_app_id() -> impl Strategy<Value = [u8; 11]> {
    let known: Vec<[u8; 11]> = vec![
        *b"ICCRGBG1012",
        *b"XMP DataXMP",
        *b"MGK8BIM0000",
        *b"MGKIPTC0000",
        *b"ImageMagick",
        *b"C2PA_GIF\x01\x00\x00",
    ];
    prop_oneof![
        proptest::sample::select(known),
        any::<[u8; 11]>().prop_filter("kept identifier", |id| { !g::LOOP_IDS.contains(&id) }),
    ]
}

/// A label GIF89a does not define (and 0x00).
fn unknown_label() -> impl Strategy<Value = u8> {
    any::<u8>().prop_filter("defined label", |l| ![0x01, 0xF9, 0xFE, 0xFF].contains(l))
}

fn gif_meta() -> impl Strategy<Value = Meta> {
    prop_oneof![
        (filler(), canary(), filler()).prop_map(|(pre, c, post)| Meta {
            bytes: g::comment(&[&pre[..], &c.bytes(), &post].concat()),
            canary: Some(c)
        }),
        (any::<[u8; 12]>(), filler(), canary()).prop_map(|(header, pre, c)| {
            let mut bytes = vec![0x21, 0x01, 12];
            bytes.extend_from_slice(&header);
            bytes.extend(g::sub_blocks(&[&pre[..], &c.bytes()].concat()));
            Meta {
                bytes,
                canary: Some(c),
            }
        }),
        // XMP is UTF-8 text: no 00 byte ends the sub-block walk early.
        (filler(), ascii_canary()).prop_map(|(pre, c)| {
            let pre: Vec<u8> = pre.into_iter().map(|b| b.max(1)).collect();
            Meta {
                bytes: g::xmp(&[&pre[..], &c.bytes()].concat()),
                canary: Some(c),
            }
        }),
        (dropped_app_id(), filler(), canary()).prop_map(|(id, pre, c)| Meta {
            bytes: g::application(&id, &[&pre[..], &c.bytes()].concat()),
            canary: Some(c)
        }),
        (unknown_label(), filler(), canary()).prop_map(|(label, pre, c)| {
            let mut bytes = vec![0x21, label];
            bytes.extend(g::sub_blocks(&[&pre[..], &c.bytes()].concat()));
            Meta {
                bytes,
                canary: Some(c),
            }
        }),
    ]
}

/// A GIF with metadata extensions anywhere after the screen, maybe extra sub-blocks holding
/// a canary in its first graphic control and loop extensions, maybe bytes after the
/// trailer; and the output expected: exactly the image blocks and the trailer.
fn gif_case() -> impl Strategy<Value = Case> {
    (
        0..gif_bases().len(),
        vec((gif_meta(), any::<Index>()), 0..8),
        proptest::option::of(canary()),
        proptest::option::of(canary()),
        proptest::option::of(canary()),
    )
        .prop_map(|(base, metas, gce_extra, loop_extra, trailer)| {
            let blocks = &gif_bases()[base];
            let mut hostile = blocks.clone();
            // Blocks 1 and 2 are the loop and the first graphic control extension; an
            // extra sub-block goes before their terminator.
            for (at, extra) in [(1, &loop_extra), (2, &gce_extra)] {
                if let Some(c) = extra {
                    let block = &mut hostile[at];
                    let end = block.len() - 1;
                    let mut sub = vec![u8::try_from(c.bytes().len()).unwrap()];
                    sub.extend(c.bytes());
                    block.splice(end..end, sub);
                }
            }
            let mut input = place(&hostile, &metas, 1, hostile.len());
            input.push(g::TRAILER);
            if let Some(c) = &trailer {
                input.extend_from_slice(&c.bytes());
            }
            let expected = [&blocks.concat()[..], &[g::TRAILER]].concat();
            let extras = [gce_extra, loop_extra].into_iter().flatten().map(|c| Meta {
                bytes: Vec::new(),
                canary: Some(c),
            });
            (
                input,
                expected,
                metas.into_iter().map(|(m, _)| m).chain(extras).collect(),
                trailer,
            )
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn gif_canaries_never_survive_and_image_units_stay((input, expected, metas, trailer) in gif_case()) {
        let canaries = canaries_of(&metas, trailer.as_ref());
        check_case(Format::Gif, &input, Some(&expected), &canaries, NO_KEEP)?;
    }

    #[test]
    fn mutated_gif_never_panics_and_strips_clean((input, ..) in gif_case(), mutations in vec(mutation(), 1..8)) {
        check_survives(&mutate(input, &mutations))?;
    }

    #[test]
    fn random_bytes_after_a_gif_screen_never_panic_and_strip_clean(
        screen in any::<[u8; 7]>(),
        tail in vec(prop_oneof![any::<u8>(), Just(0x21), Just(0x2C), Just(0x3B), Just(0x00)], 0..256),
    ) {
        check_survives(&[&b"GIF89a"[..], &screen, &tail].concat())?;
    }
}
