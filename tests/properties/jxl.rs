//! JPEG XL: containers around a random codestream (each size-header form, whole in `jxlc` or
//! split over `jxlp` boxes, each box in a random size form, the last maybe running to the
//! end of the file), with metadata boxes holding canaries before, between and after the
//! codestream boxes; bare codestreams; random boxes after the signature box and `ftyp`.

use super::*;

use common::jxl::{self as x, bx, Size, SizeHeader};

/// A size header in any form the codestream allows (5-bit sides, `U32` sides of each
/// selector, every ratio), within the default limits.
fn size_header() -> impl Strategy<Value = SizeHeader> {
    let small = (1..=32u32, 0..8u8, 1..=32u32).prop_map(|(h, ratio, w)| SizeHeader {
        small: true,
        height: h * 8,
        ratio,
        width: w * 8,
        wider: 0,
    });
    let side = prop_oneof![1..=512u32, 513..=8192u32, 8193..=10_000u32];
    let large =
        (side.clone(), 0..8u8, side, 0..4u8).prop_map(|(height, ratio, width, wider)| SizeHeader {
            small: false,
            height,
            ratio,
            width,
            wider,
        });
    prop_oneof![small, large]
}

/// `Normal` mostly, sometimes a 64-bit size.
fn box_size() -> impl Strategy<Value = Size> {
    prop_oneof![3 => Just(Size::Normal), 1 => Just(Size::Large)]
}

/// A box type that is no box the policy keeps.
fn unknown_kind() -> impl Strategy<Value = [u8; 4]> {
    "[a-z0-9 ]{4}"
        .prop_map(|s| <[u8; 4]>::try_from(s.as_bytes()).unwrap())
        .prop_filter("a kept box", |k| {
            !matches!(
                k,
                b"jxlc" | b"jxlp" | b"jxll" | b"jxli" | b"jhgm" | b"ftyp" | b"brob"
            )
        })
}

/// A metadata box holding a canary, in a random size form: `Exif` (offset + TIFF), `xml `,
/// `jumb`, `brob` (any inner type), `jbrd`, `free`, `skip`, an unknown type, or a gain map
/// (`jhgm`, which `Keep::DISPLAY` keeps).
fn jxl_meta() -> impl Strategy<Value = Meta> {
    let kind = prop_oneof![
        Just(*b"Exif"),
        Just(*b"xml "),
        Just(*b"jumb"),
        Just(*b"brob"),
        Just(*b"jbrd"),
        Just(*b"free"),
        Just(*b"skip"),
        Just(*b"jhgm"),
        unknown_kind(),
    ];
    let inner = prop_oneof![
        Just(*b"Exif"),
        Just(*b"xml "),
        Just(*b"jumb"),
        unknown_kind()
    ];
    (kind, inner, filler(), canary(), box_size()).prop_map(|(kind, inner, pre, c, size)| {
        let payload = [&pre[..], &c.bytes()].concat();
        let body = match &kind {
            b"Exif" => [&[0, 0, 0, 0][..], b"MM\0\x2A\0\0\0\x08", &payload].concat(),
            b"brob" => [&inner[..], &payload].concat(),
            b"jumb" => [bx(b"jumd", b"c2pa\0"), bx(b"json", &payload)].concat(),
            _ => payload,
        };
        Meta {
            bytes: x::sized(&kind, &body, size),
            canary: Some(Canary {
                kept_by_display: &kind == b"jhgm",
                ..c
            }),
        }
    })
}

/// A generated container, what a strip that keeps nothing gives, its metadata boxes, and
/// the size its header says.
type JxlCase = (Vec<u8>, Vec<u8>, Vec<Meta>, SizeHeader);

/// A container: signature box, `ftyp`, maybe `jxll`, the codestream (one `jxlc` or 1 to 4
/// `jxlp` boxes), maybe `jxli`, metadata boxes in every slot after `ftyp`; the last box
/// maybe of size 0.
fn jxl_case() -> impl Strategy<Value = JxlCase> {
    (
        size_header(),
        vec(any::<u8>(), 0..64),
        any::<bool>(),             // split into jxlp
        vec(any::<Index>(), 0..3), // the cuts between jxlp boxes
        box_size(),
        (any::<bool>(), any::<bool>()), // jxll, jxli
        vec((jxl_meta(), any::<Index>()), 0..8),
        any::<bool>(), // the last box runs to the end of the file
    )
        .prop_map(
            |(size, rest, split, cuts, cs_size, (level, index), metas, to_end)| {
                let cs = x::codestream(&size, &rest);
                let mut kept: Vec<Vec<u8>> = Vec::new();
                if level {
                    kept.push(x::jxll(5));
                }
                if split {
                    let mut cuts: Vec<usize> = cuts.iter().map(|i| i.index(cs.len())).collect();
                    cuts.sort_unstable();
                    kept.extend(x::jxlp_parts(&cs, &cuts, cs_size));
                } else {
                    kept.push(x::sized(b"jxlc", &cs, cs_size));
                }
                if index {
                    kept.push(bx(b"jxli", &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
                }
                let mut metas: Vec<(Meta, Index)> = metas;
                let mut input = x::container(&[&place(&kept, &metas, 0, kept.len())]);
                if to_end {
                    // The box that ends the file loses its size: size 0, header 8 bytes.
                    let last = last_box(&input);
                    let header = if input[last..last + 4] == [0, 0, 0, 1] {
                        16
                    } else {
                        8
                    };
                    let body = input[last + header..].to_vec();
                    let kind: [u8; 4] = input[last + 4..last + 8].try_into().unwrap();
                    let whole = x::sized(&kind, &body, Size::ToEnd);
                    if let Some(i) = kept.iter().position(|k| k == &input[last..]) {
                        kept[i] = whole.clone();
                    } else if let Some((m, _)) = metas
                        .iter_mut()
                        .rev()
                        .find(|(m, _)| m.bytes == input[last..])
                    {
                        m.bytes = whole.clone();
                    }
                    input.truncate(last);
                    input.extend_from_slice(&whole);
                }
                let kept: Vec<&[u8]> = kept.iter().map(Vec::as_slice).collect();
                let expected = x::container(&kept);
                (
                    input,
                    expected,
                    metas.into_iter().map(|(m, _)| m).collect(),
                    size,
                )
            },
        )
}

/// Where the last top-level box of a container starts.
fn last_box(data: &[u8]) -> usize {
    x::walk(data).items.last().unwrap().start
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn jxl_canaries_never_survive_and_codestream_boxes_stay((input, expected, metas, size) in jxl_case()) {
        let canaries = canaries_of(&metas, None);
        check_case(Format::Jxl, &input, Some(&expected), &canaries, EVERY_KEEP)?;
        let report = Stripper::new().strip(&input).unwrap().report;
        prop_assert_eq!((report.width, report.height), (size.derived_width(), size.height));
    }

    #[test]
    fn jxl_bare_codestream_comes_back_unchanged(size in size_header(), rest in vec(any::<u8>(), 0..64)) {
        let input = x::codestream(&size, &rest);
        check_case(Format::Jxl, &input, Some(&input), &[], EVERY_KEEP)?;
        let report = Stripper::new().strip(&input).unwrap().report;
        prop_assert_eq!((report.width, report.height), (size.derived_width(), size.height));
    }

    #[test]
    fn mutated_jxl_never_panics_and_strips_clean((input, ..) in jxl_case(), mutations in vec(mutation(), 1..8)) {
        check_survives_never_growing(&mutate(input, &mutations))?;
    }

    #[test]
    fn random_boxes_after_a_jxl_signature_never_panic_and_strip_clean(
        tail in vec(prop_oneof![any::<u8>(), Just(0x00), Just(0x01), Just(b'j'), Just(b'x')], 0..256),
    ) {
        check_survives_never_growing(&x::container(&[&tail]))?;
    }
}
