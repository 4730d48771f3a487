//! HEIF / AVIF canaries: every place a HEIF file can hold text that no decoder needs (items
//! of any type but an image coding, properties that do not describe the picture, bytes after
//! a kept `infe`'s name, `dinf` location strings and extra boxes, the `hdlr` name, item
//! names, unknown boxes at every level of `moov`) is planted with a canary; none survives,
//! and every image item's bytes, every kept property and every kept sample are unchanged
//! (checked with the tests' own re-walker: the crate's tests have no HEVC or AV1 decoder;
//! the audit decodes the corpus with pillow-heif).

use super::*;

use common::heif::{self as h, bx, full, At, MetaItem, SeqSpec, Spec};
use imgstrip::Kinds;

pub(crate) const HEIF_CANARIES: &[Canary] = &[
    canary("CANARY-HEIF-ITEM-CNRY-1111", "ASCII"),
    canary("CANARY-HEIF-ITEM-XML-2222", "UTF-16LE"),
    canary("CANARY-HEIF-PROP-CNRY-3333", "ASCII"),
    canary("CANARY-HEIF-PROP-UUID-4444", "UTF-16BE"),
    canary("CANARY-HEIF-INFE-TAIL-5555", "ASCII"),
    canary("CANARY-HEIF-DINF-URL-6666", "ASCII"),
    canary("CANARY-HEIF-DINF-BOX-7777", "ASCII"),
    canary("CANARY-HEIF-DREF-BOX-8888", "UTF-16LE"),
    canary("CANARY-HEIF-UDES-9999", "ASCII"),
    canary("CANARY-HEIF-HDLR-aaaa", "ASCII"),
    canary("CANARY-HEIF-NAME-bbbb", "UTF-16BE"),
    canary("CANARY-HEIF-EXIF-cccc", "ASCII"),
    canary("CANARY-HEIF-XMP-dddd", "ASCII"),
    canary("CANARY-HEIF-META-BOX-eeee", "ASCII"),
    canary("CANARY-HEIF-CRTT-ffff", "ASCII"),
    canary("CANARY-HEIF-ISPE-TAIL-gggg", "ASCII"),
    Canary {
        text: "CANARY-HEIF-ICC-hhhh",
        encoding: "ASCII",
        kept_by_display: true,
    },
];

pub(crate) const SEQUENCE_CANARIES: &[Canary] = &[
    canary("CANARY-SEQ-MOOV-BOX-1111", "ASCII"),
    canary("CANARY-SEQ-TRAK-BOX-2222", "UTF-16LE"),
    canary("CANARY-SEQ-TREF-BOX-3333", "ASCII"),
    canary("CANARY-SEQ-EDTS-BOX-4444", "ASCII"),
    canary("CANARY-SEQ-MDIA-BOX-5555", "UTF-16BE"),
    canary("CANARY-SEQ-MINF-BOX-6666", "ASCII"),
    canary("CANARY-SEQ-DINF-BOX-7777", "ASCII"),
    canary("CANARY-SEQ-DREF-BOX-8888", "ASCII"),
    canary("CANARY-SEQ-STBL-BOX-9999", "ASCII"),
    canary("CANARY-SEQ-ENTRY-BOX-aaaa", "UTF-16LE"),
    canary("CANARY-SEQ-META-BOX-bbbb", "ASCII"),
    canary("CANARY-SEQ-UDTA-cccc", "ASCII"),
    canary("CANARY-SEQ-MOOV-META-dddd", "ASCII"),
    canary("CANARY-SEQ-URL-eeee", "ASCII"),
    canary("CANARY-SEQ-HDLR-ffff", "ASCII"),
    canary("CANARY-SEQ-CPR-gggg", "ASCII"),
    canary("CANARY-SEQ-GPS-SAMPLE-hhhh", "ASCII"),
];

fn heif_text(name: &str) -> &'static str {
    HEIF_CANARIES
        .iter()
        .chain(SEQUENCE_CANARIES)
        .find(|c| c.text.contains(name))
        .unwrap()
        .text
}

/// A canary in its list's encoding.
fn planted(name: &str) -> Vec<u8> {
    let c = HEIF_CANARIES
        .iter()
        .chain(SEQUENCE_CANARIES)
        .find(|c| c.text.contains(name))
        .unwrap();
    encode(c.text, c.encoding)
}

/// Three coded images (item 1 is the primary, 2 and 3 its thumbnail-like siblings).
fn images() -> Vec<Vec<u8>> {
    vec![
        b"\x00\x00\x01\x26coded-picture-of-item-one-0123456789".to_vec(),
        b"\x00\x00\x01\x26coded-picture-of-item-two".to_vec(),
        b"\x00\x00\x01\x26coded-picture-of-item-three".to_vec(),
    ]
}

fn item(kind: &[u8; 4], data: Vec<u8>, in_idat: bool) -> MetaItem {
    MetaItem {
        kind: *kind,
        data,
        in_idat,
    }
}

/// A still HEIF with a canary in every place one can hide.
fn hostile_heif() -> Vec<u8> {
    let uuid_prop = bx(b"uuid", &[&[0x5A; 16][..], &planted("PROP-UUID")].concat());
    let crtt = full(
        b"crtt",
        0,
        0,
        &[&[0, 0, 0, 0, 0x60, 0, 0, 0][..], &planted("CRTT")].concat(),
    );
    let ispe_long = full(
        b"ispe",
        0,
        0,
        &[&[0, 0, 0, 8, 0, 0, 0, 8][..], &planted("ISPE-TAIL")].concat(),
    );
    let mut icc = vec![0u8; 128];
    icc[36..40].copy_from_slice(b"acsp");
    icc.extend_from_slice(&planted("ICC"));
    h::build(&Spec {
        images: images(),
        names: vec![planted("NAME")],
        metas: vec![
            item(b"cnry", planted("ITEM-CNRY"), false),
            item(b"xml ", planted("ITEM-XML"), true),
            item(
                b"Exif",
                [&b"\0\0\0\x06Exif\0\0"[..], &planted("EXIF")].concat(),
                false,
            ),
            item(b"mime", planted("XMP"), true),
        ],
        icc: Some(icc),
        props: vec![
            (bx(b"cnry", &planted("PROP-CNRY")), false),
            (uuid_prop, false),
            (
                full(
                    b"udes",
                    0,
                    0,
                    &[b"en\0".to_vec(), planted("UDES"), b"\0\0\0".to_vec()].concat(),
                ),
                false,
            ),
            (crtt, false),
            (ispe_long, false),
        ],
        infe_tail: planted("INFE-TAIL"),
        hdlr_name: planted("HDLR"),
        dinf: Some(h::dinf(
            &planted("DINF-URL"),
            &[full(b"cnry", 0, 1, &planted("DREF-BOX"))],
            &[bx(b"cnry", &planted("DINF-BOX"))],
        )),
        meta_extra: vec![bx(b"cnry", &planted("META-BOX"))],
        ..Spec::default()
    })
}

#[test]
fn heif_canaries_in_every_metadata_place_are_all_gone() {
    let input = hostile_heif();
    assert_strips_clean(Format::Heif, &input, HEIF_CANARIES, None, Keep::empty());
}

#[test]
fn heif_keep_display_keeps_only_the_icc_profile() {
    let input = hostile_heif();
    assert_strips_clean(Format::Heif, &input, HEIF_CANARIES, None, Keep::DISPLAY);
}

#[test]
fn heif_items_of_unknown_type_go_with_their_bytes() {
    // `cnry` in mdat, `xml ` in idat (each with a cdsc reference to item 1 and an iloc
    // entry); they must go with every byte, and with their iinf/iloc/iref entries.
    let input = h::build(&Spec {
        images: images(),
        metas: vec![
            item(b"cnry", planted("ITEM-CNRY"), false),
            item(b"xml ", planted("ITEM-XML"), true),
        ],
        ..Spec::default()
    });
    let out = assert_strips_clean(
        Format::Heif,
        &input,
        &HEIF_CANARIES[..2],
        None,
        Keep::empty(),
    );
    for gone in [&b"cnry"[..], b"xml ", b"cdsc", b"idat"] {
        assert!(
            common::find(&out, gone).is_none(),
            "{:?} left",
            String::from_utf8_lossy(gone)
        );
    }
    let report = Stripper::new().strip(&input).unwrap().report;
    assert!(report.removed.contains(Kinds::OTHER));
}

#[test]
fn heif_unknown_properties_go_and_ipma_is_renumbered() {
    let input = h::build(&Spec {
        images: images(),
        props: vec![
            (bx(b"cnry", &planted("PROP-CNRY")), false),
            (
                bx(b"uuid", &[&[1; 16][..], &planted("PROP-UUID")].concat()),
                false,
            ),
            // A property the decoder needs, after the two that go: its index moves from 5 to 3.
            (bx(b"irot", &[1]), true),
        ],
        ..Spec::default()
    });
    let out = assert_strips_clean(
        Format::Heif,
        &input,
        &HEIF_CANARIES[2..4],
        None,
        Keep::empty(),
    );
    assert!(common::find(&out, &bx(b"irot", &[1])).is_some());
}

#[test]
fn heif_infe_holds_its_defined_fields_only() {
    let input = h::build(&Spec {
        images: images(),
        names: vec![planted("NAME"), planted("NAME")],
        infe_tail: planted("INFE-TAIL"),
        ..Spec::default()
    });
    let out = assert_strips_clean(
        Format::Heif,
        &input,
        &[canary(heif_text("INFE-TAIL"), "ASCII")],
        None,
        Keep::empty(),
    );
    // Each kept infe is version 2: item_ID, protection_index, item_type, an empty name.
    for id in 1u16..=3 {
        let infe = full(
            b"infe",
            2,
            0,
            &[&id.to_be_bytes()[..], &[0, 0], b"hvc1\0"].concat(),
        );
        assert!(common::find(&out, &infe).is_some(), "infe of item {id}");
    }
}

#[test]
fn heif_dinf_is_written_self_contained() {
    let input = h::build(&Spec {
        images: images(),
        dinf: Some(h::dinf(
            &planted("DINF-URL"),
            &[full(b"url ", 0, 1, &planted("DREF-BOX"))],
            &[bx(b"cnry", &planted("DINF-BOX"))],
        )),
        ..Spec::default()
    });
    let out = assert_strips_clean(
        Format::Heif,
        &input,
        &HEIF_CANARIES[5..8],
        None,
        Keep::empty(),
    );
    assert!(common::find(&out, h::SELF_CONTAINED_DINF).is_some());
}

/// A sequence with a canary in every box of `moov` a decoder does not need.
fn hostile_sequence() -> Vec<u8> {
    let boxed = |kind: &[u8; 4], name: &str| bx(kind, &planted(name));
    h::build_sequence(&SeqSpec {
        frames: vec![
            b"av1-frame-0-key".to_vec(),
            b"av1-frame-1".to_vec(),
            b"av1-frame-2".to_vec(),
        ],
        alpha: vec![
            b"alpha-0".to_vec(),
            b"alpha-1".to_vec(),
            b"alpha-2".to_vec(),
        ],
        metadata_samples: vec![planted("SEQ-GPS-SAMPLE")],
        extra: vec![
            (At::Moov, boxed(b"cnry", "SEQ-MOOV-BOX")),
            (At::Moov, boxed(b"udta", "SEQ-UDTA")),
            (At::Moov, full(b"meta", 0, 0, &planted("SEQ-MOOV-META"))),
            (At::Trak, boxed(b"cnry", "SEQ-TRAK-BOX")),
            (At::Tref, boxed(b"cnry", "SEQ-TREF-BOX")),
            (At::Edts, boxed(b"cnry", "SEQ-EDTS-BOX")),
            (At::Mdia, boxed(b"cnry", "SEQ-MDIA-BOX")),
            (At::Minf, boxed(b"cnry", "SEQ-MINF-BOX")),
            (At::Dinf, boxed(b"cnry", "SEQ-DINF-BOX")),
            (At::Dref, full(b"cnry", 0, 1, &planted("SEQ-DREF-BOX"))),
            (At::Stbl, boxed(b"cnry", "SEQ-STBL-BOX")),
            (At::Entry, boxed(b"cnry", "SEQ-ENTRY-BOX")),
            (At::Meta, boxed(b"cnry", "SEQ-META-BOX")),
        ],
        handler_name: planted("SEQ-HDLR"),
        compressor: planted("SEQ-CPR"),
        url_location: planted("SEQ-URL"),
    })
}

#[test]
fn heif_sequence_canaries_in_every_box_of_moov_are_all_gone() {
    let input = hostile_sequence();
    assert_strips_clean(Format::Heif, &input, SEQUENCE_CANARIES, None, Keep::empty());
    let report = Stripper::new().strip(&input).unwrap().report;
    assert_eq!(report.frames, 3);
}

#[test]
fn heif_essential_unknown_property_is_refused_at_its_offset() {
    // Leaving out a property the file marks essential could change the decoded picture (a
    // decoder that knows it would apply it; one that does not refuses the image).
    let prop = bx(b"cnry", &planted("PROP-CNRY"));
    let input = h::build(&Spec {
        images: images(),
        props: vec![(prop.clone(), true)],
        ..Spec::default()
    });
    let at = common::find(&input, &prop).unwrap();
    let e = imgstrip::strip(&input, Limits::default()).unwrap_err();
    assert!(
        matches!(e, Error::Unsupported { format: Format::Heif, offset, .. } if offset == at),
        "{e:?} (the property is at {at})"
    );
    // The same property, not essential, simply goes.
    let input = h::build(&Spec {
        images: images(),
        props: vec![(prop, false)],
        ..Spec::default()
    });
    assert_strips_clean(Format::Heif, &input, &[], None, Keep::empty());
}

#[test]
fn heif_unknown_derivation_input_is_refused_at_its_offset() {
    // Item 1 is a grid whose second input is an item of an unknown coding: without that
    // item, the grid would decode with a hole (or not at all).
    let ftyp = bx(b"ftyp", b"heic\0\0\0\0mif1heic");
    let grid = [0u8, 0, 0, 1, 0, 16, 0, 8];
    let tiles: [&[u8]; 2] = [b"tile-one-coded", b"tile-two-unknown-coding"];
    let infe =
        |id: u8, kind: &[u8; 4]| full(b"infe", 2, 0, &[&[0, id, 0, 0][..], kind, b"\0"].concat());
    let meta = |base: u32| {
        let mut iloc = vec![0x44, 0x00, 0, 3];
        iloc.extend_from_slice(&[0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 8]);
        for (id, (off, len)) in [
            (2u8, (0, tiles[0].len())),
            (3, (tiles[0].len(), tiles[1].len())),
        ] {
            iloc.extend_from_slice(&[0, id, 0, 0, 0, 0, 0, 1]);
            iloc.extend_from_slice(&(base + off as u32).to_be_bytes());
            iloc.extend_from_slice(&(len as u32).to_be_bytes());
        }
        full(
            b"meta",
            0,
            0,
            &[
                full(b"hdlr", 0, 0, &[&[0u8; 4][..], b"pict", &[0; 13]].concat()),
                full(b"pitm", 0, 0, &[0, 1]),
                full(
                    b"iinf",
                    0,
                    0,
                    &[
                        &[0, 3][..],
                        &infe(1, b"grid"),
                        &infe(2, b"hvc1"),
                        &infe(3, b"zzzz"),
                    ]
                    .concat(),
                ),
                full(b"iloc", 1, 0, &iloc),
                full(b"iref", 0, 0, &bx(b"dimg", &[0, 1, 0, 2, 0, 2, 0, 3])),
                bx(
                    b"iprp",
                    &[
                        bx(
                            b"ipco",
                            &[
                                full(b"ispe", 0, 0, &[0, 0, 0, 16, 0, 0, 0, 8]),
                                bx(b"hvcC", b"\x01config"),
                            ]
                            .concat(),
                        ),
                        full(b"ipma", 0, 0, &[0, 0, 0, 2, 0, 1, 1, 0x01, 0, 2, 1, 0x82]),
                    ]
                    .concat(),
                ),
                bx(b"idat", &grid),
            ]
            .concat(),
        )
    };
    let base = u32::try_from(ftyp.len() + meta(0).len() + 8).unwrap();
    let input = [ftyp, meta(base), bx(b"mdat", &tiles.concat())].concat();
    let at = common::find(&input, &infe(3, b"zzzz")).unwrap();
    let e = imgstrip::strip(&input, Limits::default()).unwrap_err();
    assert!(
        matches!(e, Error::Unsupported { format: Format::Heif, offset, .. } if offset == at),
        "{e:?} (the unknown item's infe is at {at})"
    );
    // With the second input an hvc1 item, the file strips and keeps all three items.
    let known = [
        &input[..at],
        &infe(3, b"hvc1"),
        &input[at + infe(3, b"zzzz").len()..],
    ]
    .concat();
    assert_strips_clean(Format::Heif, &known, &[], None, Keep::empty());
}
