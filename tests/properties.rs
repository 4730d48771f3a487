//! Property tests: JPEG, PNG, GIF, WebP and BMP files built from small valid images with
//! random metadata units, each holding a random canary, inserted at random valid positions.
//! The canary never survives, and the output is exactly the image units of the input, byte
//! for byte and in order, and never larger. Mutated files never panic the library. HEIF
//! files are built from random coded images with random metadata items (in `mdat` or
//! `idat`), item names, ICC profiles and vendor boxes holding canaries; their image items
//! must come out whole.
//!
//! The case count is moderate (`PROPTEST_CASES` overrides it) so the suite stays quick.

mod common;

use std::sync::OnceLock;

use common::mutation::{mutate, mutation as mutation_with, Mutation};
use common::{
    bmp as b, canary_hits, encode, gif as g, heif as h, jpeg as j, png as p, webp as w, Allow,
    ENCODINGS,
};
use imgstrip::{Format, Keep, Limits, Stripper};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// A canary: a marker prefix and random letters, in one of the encodings searched for.
#[derive(Debug, Clone)]
struct Canary {
    text: String,
    encoding: &'static str,
}

impl Canary {
    fn bytes(&self) -> Vec<u8> {
        encode(&self.text, self.encoding)
    }
}

fn canary() -> impl Strategy<Value = Canary> {
    ("[A-Za-z0-9]{8,14}", 0..ENCODINGS.len()).prop_map(|(s, e)| Canary {
        text: format!("CNRY-{s}"),
        encoding: ENCODINGS[e],
    })
}

fn ascii_canary() -> impl Strategy<Value = Canary> {
    canary().prop_map(|c| Canary {
        encoding: "ASCII",
        ..c
    })
}

/// Random filler around a canary.
fn filler() -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 0..48)
}

/// A metadata unit: its bytes and the canary it holds (none for tIME: 7 bytes of date).
#[derive(Debug, Clone)]
struct Meta {
    bytes: Vec<u8>,
    canary: Option<Canary>,
}

/// Asserts that no canary of `metas` (nor of the trailer) is in `out`, in any encoding.
fn assert_no_canary(
    metas: &[Meta],
    trailer: Option<&Canary>,
    out: &[u8],
) -> Result<(), TestCaseError> {
    for c in metas
        .iter()
        .filter_map(|m| m.canary.as_ref())
        .chain(trailer)
    {
        let hits = canary_hits(out, &c.text);
        prop_assert!(
            hits.is_empty(),
            "canary {} ({}) survived at {:?}",
            c.text,
            c.encoding,
            hits
        );
    }
    Ok(())
}

/// Places each metadata unit in the slot its index picks: `slots[i]` goes before `units[i]`
/// (and the last slot after the last unit).
fn place(
    units: &[Vec<u8>],
    metas: &[(Meta, Index)],
    first_slot: usize,
    last_slot: usize,
) -> Vec<u8> {
    let mut slots = vec![Vec::new(); units.len() + 1];
    for (meta, at) in metas {
        let slot = first_slot + at.index(last_slot - first_slot + 1);
        slots[slot].extend_from_slice(&meta.bytes);
    }
    let mut out = Vec::new();
    for (slot, unit) in slots.iter().zip(units) {
        out.extend_from_slice(slot);
        out.extend_from_slice(unit);
    }
    out.extend_from_slice(&slots[units.len()]);
    out
}

// ---------------------------------------------------------------------------------------
// JPEG
// ---------------------------------------------------------------------------------------

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
fn jpeg_case() -> impl Strategy<Value = (Vec<u8>, Vec<u8>, Vec<Meta>, Option<Canary>)> {
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

// ---------------------------------------------------------------------------------------
// PNG
// ---------------------------------------------------------------------------------------

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
fn png_case() -> impl Strategy<Value = (Vec<u8>, Vec<u8>, Vec<Meta>, Option<Canary>)> {
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

// ---------------------------------------------------------------------------------------
// GIF
// ---------------------------------------------------------------------------------------

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
fn gif_case() -> impl Strategy<Value = (Vec<u8>, Vec<u8>, Vec<Meta>, Option<Canary>)> {
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

// ---------------------------------------------------------------------------------------
// WebP
// ---------------------------------------------------------------------------------------

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
fn webp_case() -> impl Strategy<Value = (Vec<u8>, Vec<u8>, Vec<Meta>, Option<Canary>)> {
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

// ---------------------------------------------------------------------------------------
// BMP
// ---------------------------------------------------------------------------------------

/// The shape of a generated bitmap, before its random bytes are drawn.
#[derive(Debug, Clone)]
struct BmpShape {
    /// DIB header size: 40, 108 (V4) or 124 (V5).
    version: usize,
    bpp: u16,
    width: u32,
    height: u32,
    top_down: bool,
    /// BI_BITFIELDS (32 bpp only): masks after a 40-byte header, inside a larger one.
    bitfields: bool,
    /// `biClrUsed`.
    clr_used: u32,
    /// `biSizeImage` says the pixel array's length (else 0).
    sized: bool,
    /// The V4/V5 colour space when no profile is set: calibrated (0), sRGB or `Win `.
    cs_type: u32,
}

impl BmpShape {
    fn palette_len(&self) -> usize {
        let entries = match self.clr_used {
            0 if self.bpp <= 8 => 1 << self.bpp,
            n => n as usize,
        };
        entries * 4
    }

    fn masks_len(&self) -> usize {
        if self.bitfields && self.version == 40 {
            12
        } else {
            0
        }
    }

    fn pixels_len(&self) -> usize {
        b::stride(self.bpp, self.width) * self.height as usize
    }
}

fn bmp_shape() -> impl Strategy<Value = BmpShape> {
    (
        proptest::sample::select(vec![40usize, 108, 124]),
        proptest::sample::select(vec![1u16, 4, 8, 24, 32]),
        (1..=24u32, 1..=10u32, any::<bool>()),
        any::<bool>(),
        (any::<bool>(), any::<Index>()),
        any::<bool>(),
        proptest::sample::select(vec![0, b::SRGB, u32::from_le_bytes(*b" niW")]),
    )
        .prop_map(
            |(version, bpp, (width, height, top_down), bitfields, (full, n), sized, cs_type)| {
                // A full palette (biClrUsed 0) or part of one; up to 3 optional entries
                // above 8 bpp.
                let clr_used = match bpp {
                    1..=8 if full => 0,
                    1..=8 => 1 + n.index(1 << bpp),
                    _ => n.index(4),
                };
                BmpShape {
                    version,
                    bpp,
                    width,
                    height,
                    top_down,
                    bitfields: bitfields && bpp == 32,
                    clr_used: u32::try_from(clr_used).unwrap(),
                    sized,
                    cs_type,
                }
            },
        )
}

/// A V5 profile: linked (a path) or embedded, before or after the pixel array, holding a
/// canary amid random bytes.
#[derive(Debug, Clone)]
struct BmpProfile {
    linked: bool,
    before: bool,
    bytes: Vec<u8>,
    canary: Canary,
}

fn bmp_profile() -> impl Strategy<Value = BmpProfile> {
    (any::<bool>(), any::<bool>(), filler(), canary(), filler()).prop_map(
        |(linked, before, pre, canary, post)| BmpProfile {
            linked,
            before,
            bytes: [&pre[..], &canary.bytes(), &post].concat(),
            canary,
        },
    )
}

/// A BMP with random pixels and palette, a random file header's `bfSize` and reserved
/// fields, maybe a V5 profile before or after the pixels, a gap before the pixels, V4/V5
/// endpoints and trailing bytes that may hold canaries; and the output expected: exactly the
/// headers (rewritten per SPEC.md and `src/bmp/mod.rs`'s documented decisions), masks, palette
/// and pixel array.
fn bmp_case() -> impl Strategy<Value = (Vec<u8>, Vec<u8>, Vec<Meta>, Option<Canary>)> {
    bmp_shape()
        .prop_flat_map(|shape| {
            let random = |n: usize| vec(any::<u8>(), n..=n);
            (
                (
                    random(shape.palette_len()),
                    random(shape.pixels_len()),
                    random(shape.masks_len().max(16)),
                    Just(shape),
                ),
                (
                    any::<u32>(),
                    any::<[u8; 4]>(),
                    any::<[u8; 4]>(),
                    any::<bool>(),
                ),
                proptest::option::of(bmp_profile()),
                (filler(), proptest::option::of(canary())),
                proptest::option::of(canary()),
                proptest::option::of((canary(), filler())),
            )
        })
        .prop_map(
            |(
                (palette, pixels, masks, shape),
                (bf_size, reserved, v5_reserved, zero_off_bits),
                profile,
                (gap_fill, gap_canary),
                endpoint_canary,
                trailer,
            )| {
                let profile = profile.filter(|_| shape.version == 124);
                let signed_height =
                    i32::try_from(shape.height).unwrap() * if shape.top_down { -1 } else { 1 };
                let size_image = if shape.sized { shape.pixels_len() } else { 0 };
                let mut dib = b::dib(
                    shape.version,
                    (i32::try_from(shape.width).unwrap(), signed_height),
                    shape.bpp,
                    if shape.bitfields { 3 } else { 0 },
                    u32::try_from(size_image).unwrap(),
                    shape.clr_used,
                );
                let masks_after = if shape.version == 40 {
                    masks[..shape.masks_len()].to_vec()
                } else {
                    if shape.bitfields {
                        dib[40..56].copy_from_slice(&masks[..16]);
                    }
                    Vec::new()
                };
                let mut metas = Vec::new();
                let cs_type = match &profile {
                    Some(p) if p.linked => b::LINK,
                    Some(_) => b::MBED,
                    None => shape.cs_type,
                };
                if shape.version >= 108 {
                    b::set_u32(&mut dib, b::CS_TYPE, cs_type);
                    // Endpoints and gammas: random, or a canary where the colour space
                    // does not read them.
                    let mut endpoints = [&masks[..], &pixels, &palette].concat();
                    endpoints.resize(48, 0x5A);
                    if let Some(c) = endpoint_canary.filter(|_| cs_type != 0) {
                        let bytes = c.bytes();
                        endpoints[..bytes.len()].copy_from_slice(&bytes);
                        metas.push(Meta {
                            bytes,
                            canary: Some(c),
                        });
                    }
                    dib[b::ENDPOINTS].copy_from_slice(&endpoints);
                }
                if shape.version == 124 {
                    dib[b::V5_RESERVED].copy_from_slice(&v5_reserved);
                }
                let mut gap = gap_fill;
                if let Some(c) = gap_canary {
                    gap.extend(c.bytes());
                    metas.push(Meta {
                        bytes: Vec::new(),
                        canary: Some(c),
                    });
                }
                let head = 14 + dib.len() + masks_after.len() + palette.len();
                let (before, after) = match &profile {
                    Some(p) if p.before => (p.bytes.clone(), Vec::new()),
                    Some(p) => (Vec::new(), p.bytes.clone()),
                    None => (Vec::new(), Vec::new()),
                };
                let pixel_at = head + gap.len() + before.len();
                if let Some(p) = &profile {
                    let at = if p.before {
                        head + gap.len()
                    } else {
                        pixel_at + pixels.len()
                    };
                    b::set_u32(&mut dib, b::PROFILE_DATA, u32::try_from(at - 14).unwrap());
                    b::set_u32(
                        &mut dib,
                        b::PROFILE_SIZE,
                        u32::try_from(p.bytes.len()).unwrap(),
                    );
                    metas.push(Meta {
                        bytes: p.bytes.clone(),
                        canary: Some(p.canary.clone()),
                    });
                }
                // bfOffBits 0 means "just after the palette".
                let off_bits = if zero_off_bits && pixel_at == head {
                    0
                } else {
                    pixel_at
                };
                let mut input = b"BM".to_vec();
                input.extend_from_slice(&bf_size.to_le_bytes());
                input.extend_from_slice(&reserved);
                input.extend_from_slice(&u32::try_from(off_bits).unwrap().to_le_bytes());
                for part in [&dib, &masks_after, &palette, &gap, &before, &pixels, &after] {
                    input.extend_from_slice(part);
                }
                if let Some((c, fill)) = &trailer {
                    input.extend_from_slice(fill);
                    input.extend_from_slice(&c.bytes());
                }

                // The expected output: profile and free fields gone, colour space sRGB
                // when it named a profile, endpoints zero unless calibrated.
                let mut clean = dib.clone();
                if shape.version >= 108 {
                    let cs = if profile.is_some() { b::SRGB } else { cs_type };
                    b::set_u32(&mut clean, b::CS_TYPE, cs);
                    if cs != 0 {
                        clean[b::ENDPOINTS].fill(0);
                    }
                }
                if shape.version == 124 {
                    clean[b::PROFILE_DATA..b::V5_RESERVED.end].fill(0);
                }
                let expected = [
                    &b::file_header(head + pixels.len(), [0; 4], head)[..],
                    &clean,
                    &masks_after,
                    &palette,
                    &pixels,
                ]
                .concat();
                (input, expected, metas, trailer.map(|(c, _)| c))
            },
        )
}

// ---------------------------------------------------------------------------------------
// HEIF
// ---------------------------------------------------------------------------------------

/// Metadata item types, each of which must go.
const HEIF_META_KINDS: [&[u8; 4]; 5] = [b"Exif", b"mime", b"uri ", b"iptc", b"jumb"];
/// Top-level boxes that must go.
const HEIF_VENDOR_BOXES: [&[u8; 4]; 5] = [b"free", b"skip", b"udta", b"mpvd", b"sefd"];

/// A built HEIF and every canary in it.
fn heif_case() -> impl Strategy<Value = (Vec<u8>, Vec<Canary>)> {
    let metas = vec(
        (0..HEIF_META_KINDS.len(), canary(), filler(), any::<bool>()),
        0..5,
    );
    let names = vec(proptest::option::of(ascii_canary()), 1..4);
    let icc = proptest::option::of((canary(), filler()));
    let extra = vec((0..HEIF_VENDOR_BOXES.len(), canary()), 0..3);
    let images = vec(vec(any::<u8>(), 1..64), 1..4);
    (images, metas, names, icc, any::<bool>(), extra).prop_map(
        |(images, metas, names, icc, mdat_first, extra)| {
            let mut canaries = Vec::new();
            let metas = metas
                .into_iter()
                .map(|(k, c, pad, in_idat)| {
                    let data = [&pad[..], &c.bytes(), &pad[..]].concat();
                    canaries.push(c);
                    h::MetaItem {
                        kind: *HEIF_META_KINDS[k],
                        data,
                        in_idat,
                    }
                })
                .collect();
            let names = names
                .into_iter()
                .take(images.len())
                .map(|c| {
                    c.map(|c| {
                        let b = c.bytes();
                        canaries.push(c);
                        b
                    })
                    .unwrap_or_default()
                })
                .collect();
            let icc = icc.map(|(c, pad)| {
                let b = [c.bytes(), pad].concat();
                canaries.push(c);
                b
            });
            let extra_top = extra
                .into_iter()
                .map(|(k, c)| {
                    let b = h::bx(HEIF_VENDOR_BOXES[k], &c.bytes());
                    canaries.push(c);
                    b
                })
                .collect();
            let spec = h::Spec {
                images,
                names,
                metas,
                icc,
                mdat_first,
                extra_top,
                ..h::Spec::default()
            };
            (h::build(&spec), canaries)
        },
    )
}

/// The checks of a built HEIF: canaries gone, nothing left, every image unit the same,
/// idempotent, never larger.
fn check_heif(input: &[u8], canaries: &[Canary]) -> Result<(), TestCaseError> {
    let out = imgstrip::strip(input, Limits::default())
        .map_err(|e| TestCaseError::fail(format!("strip failed: {e}")))?;
    for c in canaries {
        prop_assert!(
            common::find(input, &c.bytes()).is_some(),
            "test bug: canary not in input"
        );
        let hits = canary_hits(&out, &c.text);
        prop_assert!(
            hits.is_empty(),
            "canary {} ({}) survived at {:?}",
            c.text,
            c.encoding,
            hits
        );
    }
    prop_assert!(
        out.len() <= input.len(),
        "grew {} -> {}",
        input.len(),
        out.len()
    );
    let left = h::leftovers(&out, Allow::NONE);
    prop_assert!(left.is_empty(), "left in output: {:?}", left);
    let before = h::image_units(input, Allow::NONE).map_err(TestCaseError::fail)?;
    let after = h::image_units(&out, Allow::NONE).map_err(TestCaseError::fail)?;
    prop_assert!(before.iter().any(|u| u.kind.contains("data")));
    let diff = common::diff_units(&before, &after);
    prop_assert!(diff.is_none(), "image units changed: {:?}", diff);
    let again = imgstrip::strip(&out, Limits::default())
        .map_err(|e| TestCaseError::fail(format!("re-strip failed: {e}")))?;
    prop_assert!(again == out, "not idempotent");
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

/// The checks every generated case gets: canaries gone, output exactly the expected image
/// units, nothing left for the re-walker, idempotent.
fn check_case(
    format: Format,
    input: &[u8],
    expected: &[u8],
    metas: &[Meta],
    trailer: Option<&Canary>,
) -> Result<(), TestCaseError> {
    let out = imgstrip::strip(input, Limits::default())
        .map_err(|e| TestCaseError::fail(format!("strip failed: {e}")))?;
    assert_no_canary(metas, trailer, &out)?;
    prop_assert!(
        out.len() <= input.len(),
        "output {} > input {}",
        out.len(),
        input.len()
    );
    let walker = common::walker(format).unwrap();
    let left = (walker.leftovers)(&out, Allow::NONE);
    prop_assert!(left.is_empty(), "left in output: {:?}", left);
    let units = |data: &[u8]| {
        (walker.image_units)(data, Allow::NONE).map_err(|e| TestCaseError::fail(e.to_string()))
    };
    let diff = common::diff_units(&units(input)?, &units(&out)?);
    prop_assert!(diff.is_none(), "image units changed: {:?}", diff);
    if out != expected {
        let diff = common::diff_units(
            &(walker.image_units)(expected, Allow::NONE).unwrap(),
            &(walker.image_units)(&out, Allow::NONE).unwrap(),
        );
        prop_assert!(
            false,
            "output ({} bytes) is not the image units ({} bytes): {:?}",
            out.len(),
            expected.len(),
            diff
        );
    }
    let again = imgstrip::strip(&out, Limits::default())
        .map_err(|e| TestCaseError::fail(format!("re-strip failed: {e}")))?;
    prop_assert!(again == out, "not idempotent");
    Ok(())
}

/// A random mutation, favouring the bytes the walkers branch on.
fn mutation() -> impl Strategy<Value = Mutation> {
    mutation_with(prop_oneof![
        any::<u8>(),
        Just(0xFF),
        Just(0x00),
        0xC0..=0xFEu8
    ])
}

/// A hostile input must give Ok or a typed Err, never a panic, and the same from
/// `strip_to_slice` as from `strip`. An Ok output is stable, of
/// the same format, re-walks with no metadata left, and is no larger than the input (under
/// `Keep::DISPLAY`, but for the few bytes a rewritten unit may add).
fn check_survives(input: &[u8]) -> Result<(), TestCaseError> {
    for (stripper, allow, slack) in [
        (Stripper::new(), Allow::NONE, 0),
        (Stripper::new().keep(Keep::DISPLAY), Allow::DISPLAY, 64),
    ] {
        let stripped = stripper.strip(input);
        let mut buf = vec![0; imgstrip::max_output_len(input.len())];
        let by_slice = stripper.strip_to_slice(input, &mut buf);
        match (&stripped, by_slice) {
            (Ok(a), Ok((len, report))) => prop_assert!(
                a.data[..] == buf[..len] && a.report == report,
                "strip_to_slice wrote something else"
            ),
            (Err(a), Err(b)) => prop_assert_eq!(a, &b),
            (a, b) => prop_assert!(false, "strip {:?}, strip_to_slice {:?}", a, b),
        }
        let Ok(out) = stripped else {
            continue;
        };
        let out = out.data;
        prop_assert!(
            out.len() <= input.len() + slack,
            "output {} > input {}",
            out.len(),
            input.len()
        );
        let again = stripper.strip(&out);
        prop_assert!(
            again.as_ref().is_ok_and(|a| a.data == out),
            "output does not strip to itself: {:?}",
            again.err()
        );
        let format = imgstrip::detect(&out);
        prop_assert_eq!(format, imgstrip::detect(input), "the output changed format");
        let walker = common::walker(format.unwrap()).unwrap();
        let left = (walker.leftovers)(&out, allow);
        prop_assert!(
            left.is_empty(),
            "left in the output of a mutated file ({:?}): {:?}",
            allow,
            left
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn jpeg_canaries_never_survive_and_image_units_stay((input, expected, metas, trailer) in jpeg_case()) {
        check_case(Format::Jpeg, &input, &expected, &metas, trailer.as_ref())?;
    }

    #[test]
    fn png_canaries_never_survive_and_image_units_stay((input, expected, metas, trailer) in png_case()) {
        check_case(Format::Png, &input, &expected, &metas, trailer.as_ref())?;
    }

    #[test]
    fn mutated_jpeg_never_panics_and_strips_clean((input, ..) in jpeg_case(), mutations in vec(mutation(), 1..8)) {
        check_survives(&mutate(input, &mutations))?;
    }

    #[test]
    fn mutated_png_never_panics_and_strips_clean((input, ..) in png_case(), mutations in vec(mutation(), 1..8)) {
        check_survives(&mutate(input, &mutations))?;
    }

    #[test]
    fn gif_canaries_never_survive_and_image_units_stay((input, expected, metas, trailer) in gif_case()) {
        check_case(Format::Gif, &input, &expected, &metas, trailer.as_ref())?;
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

    #[test]
    fn webp_canaries_never_survive_and_image_units_stay((input, expected, metas, trailer) in webp_case()) {
        check_case(Format::WebP, &input, &expected, &metas, trailer.as_ref())?;
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

    #[test]
    fn bmp_canaries_never_survive_and_image_units_stay((input, expected, metas, trailer) in bmp_case()) {
        check_case(Format::Bmp, &input, &expected, &metas, trailer.as_ref())?;
    }

    #[test]
    fn mutated_bmp_never_panics_and_strips_clean((input, ..) in bmp_case(), mutations in vec(mutation(), 1..8)) {
        let input = mutate(input, &mutations);
        // A known src/bmp bug (canary.rs `bmp_keep_icc_never_copies_image_bytes_twice`).
        check_survives(&input)?;
    }

    #[test]
    fn random_bitmaps_after_plausible_headers_never_panic_and_strip_clean(
        off_bits in prop_oneof![2 => Just(0u32), 2 => 14..700u32, 1 => any::<u32>()],
        size in proptest::sample::select(vec![12u32, 16, 40, 52, 56, 64, 108, 124]),
        (width, height) in (prop_oneof![4 => 1..16i32, 1 => any::<i32>()], -12..12i32),
        bpp in prop_oneof![4 => proptest::sample::select(vec![0u16, 1, 2, 4, 8, 16, 24, 32, 64]), 1 => any::<u16>()],
        compression in prop_oneof![4 => 0..=6u32, 1 => any::<u32>()],
        tail in vec(prop_oneof![12 => Just(0x00), 4 => any::<u8>(), 1 => Just(0x01), 1 => Just(0x02)], 0..1200),
    ) {
        // Every header version (OS/2 ones too) and compression, the rest of the header, the
        // palette and the pixel data random (mostly zero, so RLE escapes turn up).
        let mut input = b"BM".to_vec();
        input.extend_from_slice(&[0; 8]);
        input.extend_from_slice(&off_bits.to_le_bytes());
        input.extend_from_slice(&size.to_le_bytes());
        if size == 12 {
            for v in [width as u16, height as u16, 1, bpp] {
                input.extend_from_slice(&v.to_le_bytes());
            }
        } else {
            input.extend_from_slice(&width.to_le_bytes());
            input.extend_from_slice(&height.to_le_bytes());
            input.extend_from_slice(&1u16.to_le_bytes());
            input.extend_from_slice(&bpp.to_le_bytes());
            input.extend_from_slice(&compression.to_le_bytes());
        }
        input.extend_from_slice(&tail);
        // A known src/bmp bug (canary.rs `bmp_keep_icc_never_copies_image_bytes_twice`).
        check_survives(&input)?;
    }

    #[test]
    fn random_bytes_after_a_signature_never_panic_and_strip_clean(
        png in any::<bool>(),
        tail in vec(prop_oneof![any::<u8>(), Just(0xFF), Just(0x00)], 0..256),
    ) {
        let head: &[u8] = if png { &p::SIGNATURE } else { &j::SOI };
        check_survives(&[head, &tail].concat())?;
    }

    #[test]
    fn heif_canaries_never_survive_and_image_items_stay((input, canaries) in heif_case()) {
        check_heif(&input, &canaries)?;
    }

    #[test]
    fn mutated_heif_never_panics_and_strips_clean((input, _) in heif_case(), mutations in vec(mutation(), 1..8)) {
        check_survives(&mutate(input, &mutations))?;
    }

    #[test]
    fn random_boxes_after_an_ftyp_never_panic(tail in vec(prop_oneof![any::<u8>(), Just(0x00), Just(b'm')], 0..256)) {
        check_survives(&[&h::bx(b"ftyp", b"avif\0\0\0\0mif1")[..], &tail].concat())?;
    }
}
