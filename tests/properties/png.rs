//! PNG: the image crate's files with their image data split over IDAT chunks, kept
//! ancillary chunks, metadata chunks before and after the IDAT run and bytes after IEND.

use super::*;

fn png_bases() -> &'static [(Vec<u8>, Vec<u8>)] {
    // (IHDR chunk, zlib stream of the image data)
    static BASES: OnceLock<Vec<(Vec<u8>, Vec<u8>)>> = OnceLock::new();
    BASES.get_or_init(|| {
        [(4, 4, 1), (16, 9, 2), (7, 23, 3)]
            .iter()
            .map(|&(w, h, seed)| {
                let png = common::sample_png(w, h, seed);
                let walk = p::walk(&png);
                let ihdr = &walk.chunks[0];
                let data: Vec<u8> = walk
                    .chunks
                    .iter()
                    .filter(|c| &c.kind == b"IDAT")
                    .flat_map(|c| png[c.body.clone()].to_vec())
                    .collect();
                (png[ihdr.start..ihdr.end].to_vec(), data)
            })
            .collect()
    })
}

/// Kept ancillary chunks that may precede IDAT.
fn kept_ancillaries() -> impl Strategy<Value = Vec<Vec<u8>>> {
    let all = [
        p::chunk(b"gAMA", &45455u32.to_be_bytes()),
        p::chunk(b"cHRM", &[0x11; 32]),
        p::chunk(b"sRGB", &[0]),
        p::chunk(b"bKGD", &[0, 1, 0, 2, 0, 3]),
        p::chunk(b"pHYs", &[0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1]),
    ];
    vec(any::<bool>(), all.len()).prop_map(move |pick| {
        all.iter()
            .zip(pick)
            .filter(|(_, on)| *on)
            .map(|(c, _)| c.clone())
            .collect()
    })
}

/// A private (or unknown) ancillary chunk type: first letter lower case, third upper case,
/// and none of the ancillaries that stay.
fn private_kind() -> impl Strategy<Value = [u8; 4]> {
    ("[a-z]", "[A-Za-z]", "[A-Z]", "[A-Za-z]")
        .prop_map(|(a, b, c, d)| {
            let s = format!("{a}{b}{c}{d}");
            <[u8; 4]>::try_from(s.as_bytes()).unwrap()
        })
        .prop_filter("kept ancillary", |k| !p::KEPT_ANCILLARY.contains(&k))
}

fn png_meta() -> impl Strategy<Value = Meta> {
    let keyword = proptest::sample::select(vec![
        &b"Comment"[..],
        b"Author",
        b"parameters",
        b"XML:com.adobe.xmp",
        b"Raw profile type exif",
        b"GPS",
    ]);
    prop_oneof![
        (keyword.clone(), filler(), canary()).prop_map(|(k, pre, c)| Meta {
            bytes: p::text(k, &[&pre[..], &c.bytes()].concat()),
            canary: Some(c)
        }),
        (keyword.clone(), filler(), canary()).prop_map(|(k, pre, c)| Meta {
            bytes: p::ztxt(k, &[&pre[..], &c.bytes()].concat()),
            canary: Some(c)
        }),
        (keyword, canary()).prop_map(|(k, c)| Meta {
            bytes: p::itxt(k, b"en", b"", &c.bytes()),
            canary: Some(c)
        }),
        (filler(), canary()).prop_map(|(pre, c)| Meta {
            bytes: p::chunk(
                b"eXIf",
                &[&b"MM\0\x2A\0\0\0\x08"[..], &pre, &c.bytes()].concat()
            ),
            canary: Some(c)
        }),
        (ascii_canary(), filler()).prop_map(|(c, profile)| Meta {
            bytes: p::iccp(c.text.as_bytes(), &profile),
            canary: Some(c)
        }),
        (any::<u16>(), any::<[u8; 5]>()).prop_map(|(y, rest)| Meta {
            bytes: p::time(y, rest),
            canary: None
        }),
        (private_kind(), filler(), canary()).prop_map(|(k, pre, c)| Meta {
            bytes: p::chunk(&k, &[&pre[..], &c.bytes()].concat()),
            canary: Some(c)
        }),
    ]
}

/// A PNG with metadata chunks before and after the IDAT run, maybe bytes after IEND; and
/// the output expected: exactly the signature, IHDR, kept ancillaries, IDATs, IEND.
fn png_case() -> impl Strategy<Value = Case> {
    (
        0..png_bases().len(),
        vec(any::<Index>(), 0..3),
        kept_ancillaries(),
        vec((png_meta(), any::<Index>(), any::<bool>()), 0..8),
        proptest::option::of(canary()),
    )
        .prop_map(|(base, splits, kept, metas, trailer)| {
            let (ihdr, data) = &png_bases()[base];
            let mut cuts: Vec<usize> = splits.iter().map(|s| s.index(data.len())).collect();
            cuts.push(0);
            cuts.push(data.len());
            cuts.sort_unstable();
            cuts.dedup();
            let idats: Vec<Vec<u8>> = cuts
                .windows(2)
                .map(|w| p::chunk(b"IDAT", &data[w[0]..w[1]]))
                .collect();
            let units: Vec<Vec<u8>> = [
                vec![ihdr.clone()],
                kept.clone(),
                idats.clone(),
                vec![p::chunk(b"IEND", &[])],
            ]
            .concat();
            // `slots[i]` goes just before `units[i]`: slots 1..=kept.len()+1 lie between IHDR
            // and the first IDAT, the last one between the last IDAT and IEND.
            let mut slots = vec![Vec::new(); units.len()];
            for (m, at, after_idat) in &metas {
                let slot = if *after_idat {
                    units.len() - 1
                } else {
                    1 + at.index(kept.len() + 1)
                };
                slots[slot].extend_from_slice(&m.bytes);
            }
            let mut input = p::SIGNATURE.to_vec();
            for (slot, unit) in slots.iter().zip(&units) {
                input.extend_from_slice(slot);
                input.extend_from_slice(unit);
            }
            if let Some(c) = &trailer {
                input.extend_from_slice(&c.bytes());
            }
            let expected = [&p::SIGNATURE[..], &units.concat()].concat();
            (
                input,
                expected,
                metas.into_iter().map(|(m, _, _)| m).collect(),
                trailer,
            )
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn png_canaries_never_survive_and_image_units_stay((input, expected, metas, trailer) in png_case()) {
        let canaries = canaries_of(&metas, trailer.as_ref());
        check_case(Format::Png, &input, Some(&expected), &canaries, NO_KEEP)?;
    }

    #[test]
    fn mutated_png_never_panics_and_strips_clean((input, ..) in png_case(), mutations in vec(mutation(), 1..8)) {
        check_survives(&mutate(input, &mutations))?;
    }
}
