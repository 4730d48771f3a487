//! The policy tables: which top-level boxes, items, properties, groups and sequence boxes
//! stay or go (SPEC.md § HEIF and "Allow-list, everywhere"), line by line.

use super::*;
use allow::PropVerdict;

#[test]
fn top_level_policy_matches_the_spec() {
    assert_eq!(top_verdict(b"meta"), Top::Meta);
    assert_eq!(top_verdict(b"moov"), Top::Moov);
    assert_eq!(top_verdict(b"mdat"), Top::Mdat);
    assert_eq!(top_verdict(b"mini"), Top::Mini);
    assert_eq!(top_verdict(b"moof"), Top::Fragment);
    for kind in [
        b"free", b"skip", b"udta", b"uuid", b"mpvd", b"sefd", b"jumb", b"ftyp", b"zzzz",
    ] {
        assert_eq!(top_verdict(kind), Top::Drop(Kinds::OTHER), "{kind:?}");
    }
    assert_eq!(top_verdict(b"xml "), Top::Drop(Kinds::XMP));
}

fn first_item(raw: &[u8]) -> Item<'_> {
    let it = items::read_iinf(
        &next_box(&mut Reader::new(raw, Format::Heif))
            .unwrap()
            .unwrap(),
    )
    .unwrap();
    it.items().next().unwrap()
}

#[test]
fn item_policy_matches_the_spec() {
    let data = [
        infe(1, b"Exif", ""),
        infe_mime(2, "application/rdf+xml"),
        infe_mime(3, "text/plain"),
        infe(4, b"uri ", ""),
        infe(5, b"iptc", ""),
        infe(6, b"jumb", ""),
        infe(7, b"xml ", ""),
        infe(8, b"cnry", ""),
        infe(9, b"hvcC", ""),
        infe(10, b"\0\0\0\0", ""),
    ];
    let expect = [
        Kinds::EXIF,
        Kinds::XMP,
        Kinds::OTHER,
        Kinds::OTHER,
        Kinds::IPTC,
        Kinds::OTHER,
        Kinds::OTHER,
        Kinds::OTHER,
        Kinds::OTHER,
        Kinds::OTHER,
    ];
    for (raw, kind) in data.iter().zip(expect) {
        let bytes = iinf(std::slice::from_ref(raw));
        assert_eq!(item_verdict(&first_item(&bytes)), Verdict::Drop(kind));
    }
    for kind in [
        b"hvc1", b"hvt1", b"lhv1", b"avc1", b"jpeg", b"vvc1", b"mski", b"j2k1", b"unci", b"av01",
        b"grid", b"iovl", b"iden", b"tmap", b"sato",
    ] {
        let bytes = iinf(&[infe(1, kind, "")]);
        assert_eq!(item_verdict(&first_item(&bytes)), Verdict::Keep, "{kind:?}");
    }
    // An image type in an infe of version 1 (no item type field at all) is not an image.
    let v1 = full(b"infe", 1, 0, b"\0\x01\0\0name\0text/plain\0");
    assert_eq!(
        item_verdict(&first_item(&iinf(&[v1]))),
        Verdict::Drop(Kinds::OTHER)
    );
}

fn verdict(raw: &[u8], keep: Keep) -> PropVerdict {
    allow::property_verdict(
        &next_box(&mut Reader::new(raw, Format::Heif))
            .unwrap()
            .unwrap(),
        keep,
    )
}

#[test]
fn property_policy_matches_the_spec() {
    assert_eq!(
        verdict(&colr_prof(ICC), Keep::empty()),
        PropVerdict::Drop(Kinds::ICC)
    );
    assert_eq!(
        verdict(&bx(b"colr", b"rICCxyz"), Keep::empty()),
        PropVerdict::Drop(Kinds::ICC)
    );
    assert_eq!(verdict(&colr_prof(ICC), Keep::ICC), PropVerdict::Keep(None));
    assert_eq!(
        verdict(&colr_nclx(), Keep::empty()),
        PropVerdict::Keep(None)
    );
    // A colour type no standard defines for HEIF (QuickTime's nclc, anything else).
    assert_eq!(
        verdict(&bx(b"colr", b"nclc\0\x01\0\x01\0\x01"), Keep::DISPLAY),
        PropVerdict::Unknown
    );
    assert_eq!(
        verdict(&full(b"udes", 0, 0, b"en\0title\0"), Keep::DISPLAY),
        PropVerdict::Drop(Kinds::TEXT)
    );
    for kind in [b"crtt", b"mdft", b"itai", b"taic"] {
        assert_eq!(
            verdict(&full(kind, 0, 0, &[0; 8]), Keep::DISPLAY),
            PropVerdict::Drop(Kinds::TIMESTAMP),
            "{kind:?}"
        );
    }
    for kind in [b"cmex", b"cmin", b"elng", b"free", b"skip"] {
        assert_eq!(
            verdict(&bx(kind, b"...."), Keep::DISPLAY),
            PropVerdict::Drop(Kinds::OTHER),
            "{kind:?}"
        );
    }
    for kind in [b"cnry", b"uuid", b"abcd", b"1234", b"ISPE"] {
        let raw = if kind == b"uuid" {
            bx(kind, &[0; 20])
        } else {
            bx(kind, b"....")
        };
        assert_eq!(
            verdict(&raw, Keep::DISPLAY),
            PropVerdict::Unknown,
            "{kind:?}"
        );
    }
    for kind in [
        b"auxC", b"rref", b"reve", b"hvcC", b"lhvC", b"avcC", b"vvcC", b"av1C", b"jpgC", b"j2kH",
        b"uncC", b"cmpd", b"cmpC", b"icef", b"cpat", b"cpal", b"splz", b"sbpm", b"snuc", b"cloc",
        b"mskC", b"oinf", b"tols",
    ] {
        assert_eq!(
            verdict(&bx(kind, b"...."), Keep::empty()),
            PropVerdict::Keep(None),
            "{kind:?}"
        );
    }
}

#[test]
fn fixed_size_properties_are_cut_to_their_definition() {
    // (property as written, bytes of its body that are its definition)
    let cases: [(Vec<u8>, usize); 14] = [
        (ispe(4, 4), 12),
        (bx(b"pasp", &[0, 0, 0, 1, 0, 0, 0, 1]), 8),
        (full(b"pixi", 0, 0, &[3, 8, 8, 8]), 8),
        (full(b"rloc", 0, 0, &[0; 8]), 12),
        (bx(b"clap", &[0; 32]), 32),
        (bx(b"irot", &[1]), 1),
        (bx(b"imir", &[0]), 1),
        (bx(b"lsel", &[0, 1]), 2),
        (full(b"iscl", 0, 0, &[0, 1, 0, 2, 0, 1, 0, 2]), 12),
        (bx(b"clli", &[0; 4]), 4),
        (bx(b"mdcv", &[0; 24]), 24),
        (bx(b"amve", &[0; 8]), 8),
        (bx(b"a1op", &[2]), 1),
        (colr_nclx(), 11),
    ];
    for (raw, n) in cases {
        let kind = [raw[4], raw[5], raw[6], raw[7]];
        assert_eq!(
            verdict(&raw, Keep::empty()),
            PropVerdict::Keep(None),
            "{kind:?}"
        );
        let long = [&raw[..], b"CANARY"].concat();
        let mut long = long;
        long[3] += 6;
        assert_eq!(
            verdict(&long, Keep::empty()),
            PropVerdict::Keep(Some(n)),
            "{kind:?}"
        );
    }
    // Variable layouts follow their fields.
    assert_eq!(
        allow::defined_property_len(b"a1lx", &[0, 0, 1, 0, 2, 0, 3]),
        Some(7)
    );
    assert_eq!(allow::defined_property_len(b"a1lx", &[1]), Some(13));
    assert_eq!(
        allow::defined_property_len(b"cclv", &[0x3C]),
        Some(1 + 24 + 12)
    );
    assert_eq!(allow::defined_property_len(b"cclv", &[0x10]), Some(5));
    assert_eq!(
        allow::defined_property_len(b"ndwt", &[0, 0, 0, 0, 0, 0, 0, 9]),
        Some(8)
    );
    // A version the definition does not cover is left as it is.
    assert_eq!(allow::defined_property_len(b"ispe", &[1, 0, 0, 0]), None);
    assert_eq!(allow::defined_property_len(b"hvcC", &[1; 40]), None);
}

#[test]
fn decoding_references_and_groups_match_the_spec() {
    for kind in [b"dimg", b"pred", b"tbas", b"sbas"] {
        assert!(allow::is_decoding_reference(kind), "{kind:?}");
    }
    for kind in [b"thmb", b"auxl", b"cdsc", b"prem", b"base"] {
        assert!(!allow::is_decoding_reference(kind), "{kind:?}");
    }
    assert_eq!(allow::group_fields(b"altr"), Some((0, 0)));
    assert_eq!(allow::group_fields(b"ster"), Some((0, 0)));
    assert_eq!(allow::group_fields(b"pymd"), Some((4, 6)));
    for kind in [
        b"brst", b"aebr", b"pano", b"albc", b"favc", b"slid", b"tsyn", b"zzzz",
    ] {
        assert_eq!(allow::group_fields(kind), None, "{kind:?}");
    }
}

#[test]
fn sequence_box_policy_matches_the_spec() {
    for kind in [
        b"av01", b"hvc1", b"avc1", b"vvc1", b"vp09", b"mjpg", b"uncv", b"j2ki",
    ] {
        assert!(allow::is_visual_entry(kind), "{kind:?}");
    }
    for kind in [b"mp4a", b"Opus", b"fLaC", b"ipcm", b"fpcm"] {
        assert!(allow::is_audio_entry(kind), "{kind:?}");
        assert!(!allow::is_visual_entry(kind), "{kind:?}");
    }
    for kind in [b"mett", b"metx", b"urim", b"tx3g", b"zzzz"] {
        assert!(!allow::is_audio_entry(kind) && !allow::is_visual_entry(kind));
    }
    for kind in [
        b"av1C", b"hvcC", b"colr", b"pasp", b"clap", b"btrt", b"ccst", b"auxi",
    ] {
        assert!(allow::is_visual_entry_box(kind), "{kind:?}");
    }
    for kind in [b"udta", b"meta", b"uuid", b"free", b"zzzz"] {
        assert!(!allow::is_visual_entry_box(kind) && !allow::is_audio_entry_box(kind));
        assert!(!allow::is_track_reference(kind));
    }
    assert!(allow::is_audio_entry_box(b"esds") && allow::is_audio_entry_box(b"dOps"));
    for kind in [b"auxl", b"prem", b"thmb"] {
        assert!(allow::is_track_reference(kind), "{kind:?}");
    }
    assert!(!allow::is_track_reference(b"cdsc"));
    // Fixed lengths of track boxes, by version and by entry count.
    let with_count = |n: u32| [&[0u8; 4][..], &n.to_be_bytes()].concat();
    assert_eq!(allow::defined_track_box_len(b"mvhd", &[0]), Some(100));
    assert_eq!(allow::defined_track_box_len(b"mvhd", &[1]), Some(112));
    assert_eq!(allow::defined_track_box_len(b"tkhd", &[0]), Some(84));
    assert_eq!(allow::defined_track_box_len(b"mdhd", &[1]), Some(36));
    assert_eq!(
        allow::defined_track_box_len(b"stts", &with_count(3)),
        Some(32)
    );
    assert_eq!(
        allow::defined_track_box_len(b"stsc", &with_count(2)),
        Some(32)
    );
    assert_eq!(
        allow::defined_track_box_len(b"stss", &with_count(2)),
        Some(16)
    );
    assert_eq!(
        allow::defined_track_box_len(b"elst", &with_count(1)),
        Some(20)
    );
    let stsz = [&[0u8; 8][..], &[0, 0, 0, 3]].concat();
    assert_eq!(allow::defined_track_box_len(b"stsz", &stsz), Some(24));
    let stsz = [&[0u8; 4][..], &[0, 0, 0, 9], &[0, 0, 0, 3]].concat();
    assert_eq!(allow::defined_track_box_len(b"stsz", &stsz), Some(12));
    assert_eq!(
        allow::defined_track_box_len(b"stz2", &[0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 3]),
        Some(14)
    );
    assert_eq!(allow::defined_track_box_len(b"stco", &with_count(2)), None);
    assert_eq!(allow::defined_track_box_len(b"stts", &[0; 3]), None);
}
