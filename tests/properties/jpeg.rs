//! JPEG: the image crate's baseline files and hand-built multi-scan (baseline and
//! progressive, with restart intervals) files, with metadata segments anywhere between SOI
//! and EOI and bytes after it.

use super::*;

/// The image units of a JPEG between SOI and EOI, each scan header with its entropy data.
type Blocks = Vec<Vec<u8>>;

/// Splits a whole JPEG (from the image crate's encoder) into blocks.
fn blocks_of(jpeg: &[u8]) -> Blocks {
    let walk = j::walk(jpeg);
    assert!(walk.eoi.is_some() && walk.problem.is_none());
    let mut blocks: Blocks = Vec::new();
    for item in walk.items {
        match item {
            j::Item::Segment { start, end, .. } => blocks.push(jpeg[start..end].to_vec()),
            j::Item::Entropy { start, end } => blocks
                .last_mut()
                .unwrap()
                .extend_from_slice(&jpeg[start..end]),
            other => panic!("unexpected {other:?} in an encoder's output"),
        }
    }
    blocks
}

fn encoded_bases() -> &'static [Blocks] {
    static BASES: OnceLock<Vec<Blocks>> = OnceLock::new();
    BASES.get_or_init(|| {
        [(8, 8, 0), (16, 8, 40), (24, 16, 99), (9, 17, 7)]
            .iter()
            .map(|&(w, h, seed)| blocks_of(&common::sample_jpeg(w, h, seed)))
            .collect()
    })
}

/// Entropy-coded bytes: random, with every FF stuffed (FF 00) and, every `rst` bytes, a
/// restart marker RSTn (T.81 B.1.1.5, F.1.2.3).
fn entropy(raw: &[u8], rst: Option<usize>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut n = 0u8;
    for (i, &b) in raw.iter().enumerate() {
        out.push(b);
        if b == 0xFF {
            out.push(0x00);
        }
        if rst.is_some_and(|k| (i + 1) % k == 0 && i + 1 < raw.len()) {
            out.extend_from_slice(&[0xFF, 0xD0 + n % 8]);
            n = n.wrapping_add(1);
        }
    }
    out
}

/// A hand-built JPEG with several scans: baseline non-interleaved (one scan per component)
/// or progressive (a DC scan, then one AC scan per component), random entropy data, an
/// optional restart interval, and optionally a DHT redefined between scans.
fn handmade_blocks() -> impl Strategy<Value = Blocks> {
    (
        any::<bool>(),
        prop_oneof![Just(1u8), Just(3u8)],
        proptest::option::of(3usize..20),
        vec(vec(any::<u8>(), 1..80), 4),
        vec(any::<bool>(), 4),
    )
        .prop_map(|(progressive, comps, rst, raws, dht_between)| {
            let mut dqt = vec![0u8];
            dqt.extend((1..=64u8).map(|q| q | 1));
            let mut sof = vec![8, 0, 8, 0, 16, comps];
            for c in 1..=comps {
                sof.extend_from_slice(&[c, 0x11, 0]);
            }
            let mut dht = vec![0x00];
            dht.extend_from_slice(&[1; 1]);
            dht.extend_from_slice(&[0; 15]);
            dht.push(0);
            dht.push(0x10);
            dht.extend_from_slice(&[1; 1]);
            dht.extend_from_slice(&[0; 15]);
            dht.push(0);
            let mut blocks = vec![
                j::segment(0xDB, &dqt),
                j::segment(if progressive { 0xC2 } else { 0xC0 }, &sof),
                j::segment(0xC4, &dht),
            ];
            if let Some(k) = rst {
                blocks.push(j::segment(0xDD, &u16::try_from(k).unwrap().to_be_bytes()));
            }
            // (components, Ss, Se) of each scan.
            let scans: Vec<(Vec<u8>, u8, u8)> = match (progressive, comps) {
                (false, 1) => vec![(vec![1], 0, 63)],
                (false, _) => (1..=comps).map(|c| (vec![c], 0, 63)).collect(),
                (true, _) => std::iter::once(((1..=comps).collect(), 0, 0))
                    .chain((1..=comps).map(|c| (vec![c], 1, 63)))
                    .collect(),
            };
            for (i, (cs, ss, se)) in scans.iter().enumerate() {
                if i > 0 && dht_between[i % dht_between.len()] {
                    blocks.push(j::segment(0xC4, &dht));
                }
                let mut sos = vec![u8::try_from(cs.len()).unwrap()];
                for &c in cs {
                    sos.extend_from_slice(&[c, 0x00]);
                }
                sos.extend_from_slice(&[*ss, *se, 0]);
                let mut block = j::segment(0xDA, &sos);
                block.extend(entropy(&raws[i % raws.len()], rst));
                blocks.push(block);
            }
            blocks
        })
}

fn jpeg_base() -> impl Strategy<Value = Blocks> {
    prop_oneof![
        (0..encoded_bases().len()).prop_map(|i| encoded_bases()[i].clone()),
        handmade_blocks(),
    ]
}

/// APP1..APP15 but APP14, or COM, with a known signature (or none) and a canary.
fn jpeg_meta() -> impl Strategy<Value = Meta> {
    let markers: Vec<u8> = (0xE1..=0xEFu8)
        .filter(|&m| m != 0xEE)
        .chain([0xFE])
        .collect();
    let signatures: &[&[u8]] = &[
        b"",
        b"Exif\0\0",
        b"Exif\0\0MM\0\x2A\0\0\0\x08",
        b"http://ns.adobe.com/xap/1.0/\0",
        b"http://ns.adobe.com/xmp/extension/\0",
        b"ICC_PROFILE\0\x01\x01",
        b"MPF\0II\x2A\0",
        b"Photoshop 3.0\08BIM",
        b"FPXR\0",
        b"Ducky",
        b"JFIF\0",
    ];
    (
        proptest::sample::select(markers),
        proptest::sample::select(signatures),
        filler(),
        canary(),
        filler(),
    )
        .prop_map(|(marker, sig, pre, canary, post)| {
            let body = [sig, &pre, &canary.bytes(), &post].concat();
            Meta {
                bytes: j::segment(marker, &body),
                canary: Some(canary),
            }
        })
}

/// A JPEG with metadata anywhere between SOI and EOI (between scans too), maybe a trailer
/// after EOI; and the output expected: exactly SOI, the image blocks, EOI.
fn jpeg_case() -> impl Strategy<Value = Case> {
    (
        jpeg_base(),
        vec((jpeg_meta(), any::<Index>()), 0..8),
        proptest::option::of((canary(), filler())),
    )
        .prop_map(|(blocks, metas, trailer)| {
            let body = place(&blocks, &metas, 0, blocks.len());
            let mut input = [&j::SOI[..], &body, &j::EOI].concat();
            if let Some((c, fill)) = &trailer {
                input.extend_from_slice(fill);
                input.extend_from_slice(&c.bytes());
            }
            let expected = [&j::SOI[..], &blocks.concat(), &j::EOI].concat();
            (
                input,
                expected,
                metas.into_iter().map(|(m, _)| m).collect(),
                trailer.map(|(c, _)| c),
            )
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn jpeg_canaries_never_survive_and_image_units_stay((input, expected, metas, trailer) in jpeg_case()) {
        let canaries = canaries_of(&metas, trailer.as_ref());
        check_case(Format::Jpeg, &input, Some(&expected), &canaries, NO_KEEP)?;
    }

    #[test]
    fn mutated_jpeg_never_panics_and_strips_clean((input, ..) in jpeg_case(), mutations in vec(mutation(), 1..8)) {
        check_survives(&mutate(input, &mutations))?;
    }
}
