//! HEIF/AVIF: still images built from random coded images with random metadata items (in
//! `mdat` or `idat`), item names, ICC profiles and vendor boxes; and under the allow-list
//! (SPEC.md "Allow-list, everywhere"): metadata items of every type (unknown ones too),
//! random properties that do not describe the picture, over-long fixed-size properties,
//! bytes after `infe` names, `dinf` location strings and extra boxes, unknown boxes in `meta`
//! and at top level; image sequences with random unknown boxes at every level of `moov`,
//! handler names, `compressorname`s, `url ` strings and timed-metadata samples. Every place
//! holds a random canary; every image item's bytes, every kept property and every kept
//! sample stay (the tests' own re-walker checks it), under `Keep::DISPLAY` too (where the
//! ICC profile and its canary may stay).

use super::*;
use common::heif::{At, MetaItem, SeqSpec, Spec};
use imgstrip::Limits;

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

/// Random bytes, a canary, random bytes: a payload and the canary it holds.
fn payload() -> impl Strategy<Value = (Vec<u8>, Canary)> {
    (vec(any::<u8>(), 0..24), canary(), vec(any::<u8>(), 0..24))
        .prop_map(|(a, c, b)| ([a, c.bytes(), b].concat(), c))
}

/// A box type no standard names (every known type starts otherwise).
fn unknown_kind() -> impl Strategy<Value = [u8; 4]> {
    "z[a-z0-9 ]{3}".prop_map(|s| s.as_bytes().try_into().unwrap())
}

/// Metadata item types, known and unknown: all go.
fn item_kind() -> impl Strategy<Value = [u8; 4]> {
    prop_oneof![
        proptest::sample::select(vec![
            *b"Exif", *b"mime", *b"uri ", *b"iptc", *b"jumb", *b"xml "
        ]),
        unknown_kind(),
    ]
}

/// A property that must go (and the canary it holds): unknown types, `uuid`, and the
/// standard ones that do not describe the picture (`udes`, `crtt`, `mdft`, `cmex`, `cmin`,
/// `itai`); or a fixed-size property the picture needs, with the canary past its
/// definition (it is cut).
fn dropped_property() -> impl Strategy<Value = (Vec<u8>, Canary)> {
    let named = proptest::sample::select(vec![
        *b"udes", *b"crtt", *b"mdft", *b"cmex", *b"cmin", *b"itai", *b"free", *b"skip",
    ]);
    prop_oneof![
        (unknown_kind(), payload()).prop_map(|(k, (p, c))| (h::bx(&k, &p), c)),
        (named, payload()).prop_map(|(k, (p, c))| (h::full(&k, 0, 0, &p), c)),
        (any::<[u8; 16]>(), payload())
            .prop_map(|(u, (p, c))| (h::bx(b"uuid", &[&u[..], &p].concat()), c)),
        payload().prop_map(|(p, c)| (
            h::full(b"ispe", 0, 0, &[&[0, 0, 0, 8, 0, 0, 0, 8][..], &p].concat()),
            c
        )),
        payload().prop_map(|(p, c)| (h::bx(b"irot", &[&[1][..], &p].concat()), c)),
        payload().prop_map(|(p, c)| (
            h::bx(b"pasp", &[&[0, 0, 0, 1, 0, 0, 0, 1][..], &p].concat()),
            c
        )),
        payload().prop_map(|(p, c)| (
            h::bx(b"colr", &[&b"nclx\0\x01\0\x0d\0\x06\x80"[..], &p].concat()),
            c
        )),
    ]
}

/// A built still HEIF and every canary in it.
fn still_case() -> impl Strategy<Value = (Vec<u8>, Vec<Canary>)> {
    let images = vec(vec(any::<u8>(), 1..64), 1..4);
    let metas = vec((item_kind(), payload(), any::<bool>()), 0..5);
    let names = vec(proptest::option::of(canary()), 0..4);
    let props = vec(dropped_property(), 0..4);
    let tail = proptest::option::of(payload());
    let dinf = proptest::option::of((
        proptest::option::of(canary()),
        vec(payload(), 0..2),
        vec((unknown_kind(), payload()), 0..2),
    ));
    let meta_extra = vec((unknown_kind(), payload()), 0..2);
    let hdlr = proptest::option::of(canary());
    let shape = (any::<bool>(), proptest::option::of(payload()));
    (
        images, metas, names, props, tail, dinf, meta_extra, hdlr, shape,
    )
        .prop_map(
            |(images, metas, names, props, tail, dinf, meta_extra, hdlr, (mdat_first, icc))| {
                let mut canaries = Vec::new();
                let mut keep = |c: Canary| {
                    let b = c.bytes();
                    canaries.push(c);
                    b
                };
                let metas = metas
                    .into_iter()
                    .map(|(kind, (data, c), in_idat)| {
                        keep(c);
                        MetaItem {
                            kind,
                            data,
                            in_idat,
                        }
                    })
                    .collect();
                let names = names
                    .into_iter()
                    .take(images.len())
                    .map(|c| c.map(&mut keep).unwrap_or_default())
                    .collect();
                let props = props
                    .into_iter()
                    .map(|(raw, c)| {
                        keep(c);
                        (raw, false)
                    })
                    .collect();
                let infe_tail = tail.map(|(p, c)| {
                    keep(c);
                    p
                });
                let dinf = dinf.map(|(url, entries, children)| {
                    let url = url.map(&mut keep).unwrap_or_default();
                    let entries: Vec<Vec<u8>> = entries
                        .into_iter()
                        .map(|(p, c)| {
                            keep(c);
                            h::full(b"url ", 0, 1, &p)
                        })
                        .collect();
                    let children: Vec<Vec<u8>> = children
                        .into_iter()
                        .map(|(k, (p, c))| {
                            keep(c);
                            h::bx(&k, &p)
                        })
                        .collect();
                    h::dinf(&url, &entries, &children)
                });
                let meta_extra = meta_extra
                    .into_iter()
                    .map(|(k, (p, c))| {
                        keep(c);
                        h::bx(&k, &p)
                    })
                    .collect();
                let hdlr_name = hdlr.map(&mut keep).unwrap_or_default();
                let icc = icc.map(|(p, c)| {
                    keep(Canary {
                        kept_by_display: true,
                        ..c
                    });
                    p
                });
                let spec = Spec {
                    images,
                    names,
                    metas,
                    icc,
                    mdat_first,
                    props,
                    infe_tail: infe_tail.unwrap_or_default(),
                    hdlr_name,
                    dinf,
                    meta_extra,
                    ..Spec::default()
                };
                (h::build(&spec), canaries)
            },
        )
}

/// A built image sequence and every canary in it.
fn sequence_case() -> impl Strategy<Value = (Vec<u8>, Vec<Canary>)> {
    let frames = vec(vec(any::<u8>(), 1..32), 1..4);
    let alpha = any::<bool>();
    let metadata = vec(payload(), 0..3);
    let extra = vec(
        (
            any::<Index>(),
            prop_oneof![unknown_kind(), Just(*b"udta"), Just(*b"meta")],
            payload(),
        ),
        0..6,
    );
    let names = (
        proptest::option::of(canary()),
        proptest::option::of(canary().prop_filter("fits", |c| c.bytes().len() < 32)),
        proptest::option::of(canary()),
    );
    (frames, alpha, metadata, extra, names).prop_map(
        |(frames, alpha, metadata, extra, (handler, compressor, url))| {
            let mut canaries = Vec::new();
            let mut keep = |c: Canary| {
                let b = c.bytes();
                canaries.push(c);
                b
            };
            let alpha = if alpha {
                frames
                    .iter()
                    .map(|f| f.iter().rev().copied().collect())
                    .collect()
            } else {
                Vec::new()
            };
            let metadata_samples = metadata
                .into_iter()
                .map(|(p, c)| {
                    keep(c);
                    p
                })
                .collect();
            let extra = extra
                .into_iter()
                .map(|(at, kind, (p, c))| {
                    keep(c);
                    let at = h::EVERY_AT[at.index(h::EVERY_AT.len())];
                    // In `dref` every entry must say "this file" (flags 1), or the file is
                    // refused as a reference to another file.
                    let b = if at == At::Dref {
                        h::full(&kind, 0, 1, &p)
                    } else {
                        h::bx(&kind, &p)
                    };
                    (at, b)
                })
                .collect();
            let spec = SeqSpec {
                frames,
                alpha,
                metadata_samples,
                extra,
                handler_name: handler.map(&mut keep).unwrap_or_default(),
                compressor: compressor.map(&mut keep).unwrap_or_default(),
                url_location: url.map(&mut keep).unwrap_or_default(),
            };
            (h::build_sequence(&spec), canaries)
        },
    )
}

/// A random mutation for the allow-list files, favouring the bytes their box walk branches
/// on.
fn heif_mutation() -> impl Strategy<Value = Mutation> {
    mutation_with(prop_oneof![any::<u8>(), Just(0), Just(1), Just(0xFF)])
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn heif_canaries_never_survive_and_image_items_stay((input, canaries) in heif_case()) {
        let canaries: Vec<&Canary> = canaries.iter().collect();
        check_case(Format::Heif, &input, None, &canaries, NO_KEEP)?;
    }

    #[test]
    fn mutated_heif_never_panics_and_strips_clean((input, _) in heif_case(), mutations in vec(mutation(), 1..8)) {
        check_survives(&mutate(input, &mutations))?;
    }

    #[test]
    fn random_boxes_after_an_ftyp_never_panic(tail in vec(prop_oneof![any::<u8>(), Just(0x00), Just(b'm')], 0..256)) {
        check_survives(&[&h::bx(b"ftyp", b"avif\0\0\0\0mif1")[..], &tail].concat())?;
    }

    #[test]
    fn heif_allow_list_canaries_never_survive_and_image_items_stay(
        (input, canaries) in still_case(),
    ) {
        let canaries: Vec<&Canary> = canaries.iter().collect();
        check_case(Format::Heif, &input, None, &canaries, EVERY_KEEP)?;
    }

    #[test]
    fn heif_sequence_canaries_never_survive_and_samples_stay(
        (input, canaries) in sequence_case(),
    ) {
        let canaries: Vec<&Canary> = canaries.iter().collect();
        check_case(Format::Heif, &input, None, &canaries, EVERY_KEEP)?;
    }

    #[test]
    fn mutated_allow_list_heif_never_panics_and_strips_clean(
        (input, _) in prop_oneof![still_case(), sequence_case()],
        mutations in vec(heif_mutation(), 1..8),
    ) {
        check_survives_never_growing(&mutate(input, &mutations))?;
    }
}

#[test]
fn an_unknown_box_in_stbl_goes() {
    // One fixed example of the generator above, for a quick look when it fails.
    let input = h::build_sequence(&SeqSpec {
        frames: vec![b"f0".to_vec(), b"f1".to_vec()],
        extra: vec![(At::Stbl, h::bx(b"zzzz", b"CNRY-example"))],
        ..SeqSpec::default()
    });
    let a = imgstrip::strip(&input, Limits::default()).unwrap();
    let b = Stripper::new().strip(&input).unwrap().data;
    assert_eq!(a, b);
    assert!(common::find(&a, b"CNRY-example").is_none());
}
