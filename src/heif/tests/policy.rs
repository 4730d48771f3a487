//! The policy tables: which top-level boxes, items and properties stay or go.

use super::*;

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

#[test]
fn item_policy_matches_the_spec() {
    let data = [
        infe(1, b"Exif", ""),
        infe_mime(2, "application/rdf+xml"),
        infe_mime(3, "text/plain"),
        infe(4, b"uri ", ""),
        infe(5, b"iptc", ""),
        infe(6, b"jumb", ""),
    ];
    let expect = [
        Kinds::EXIF,
        Kinds::XMP,
        Kinds::OTHER,
        Kinds::OTHER,
        Kinds::IPTC,
        Kinds::OTHER,
    ];
    for (raw, kind) in data.iter().zip(expect) {
        let bytes = iinf(std::slice::from_ref(raw));
        let it = items::read_iinf(
            &next_box(&mut Reader::new(&bytes, Format::Heif))
                .unwrap()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(item_verdict(&it.items[0]), Verdict::Drop(kind));
    }
    for kind in [
        b"hvc1", b"av01", b"grid", b"iden", b"iovl", b"jpeg", b"tmap", b"unci",
    ] {
        let bytes = iinf(&[infe(1, kind, "")]);
        let it = items::read_iinf(
            &next_box(&mut Reader::new(&bytes, Format::Heif))
                .unwrap()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(item_verdict(&it.items[0]), Verdict::Keep, "{kind:?}");
    }
}

#[test]
fn property_policy_matches_the_spec() {
    let verdict = |raw: Vec<u8>, keep| {
        property_verdict(
            &next_box(&mut Reader::new(&raw, Format::Heif))
                .unwrap()
                .unwrap(),
            keep,
        )
    };
    assert_eq!(
        verdict(colr_prof(ICC), Keep::empty()),
        Verdict::Drop(Kinds::ICC)
    );
    assert_eq!(
        verdict(bx(b"colr", b"rICCxyz"), Keep::empty()),
        Verdict::Drop(Kinds::ICC)
    );
    assert_eq!(verdict(colr_prof(ICC), Keep::ICC), Verdict::Keep);
    assert_eq!(verdict(colr_nclx(), Keep::empty()), Verdict::Keep);
    assert_eq!(
        verdict(full(b"udes", 0, 0, b"en\0title\0"), Keep::DISPLAY),
        Verdict::Drop(Kinds::TEXT)
    );
    for kind in [
        b"ispe", b"irot", b"imir", b"clap", b"pixi", b"hvcC", b"av1C", b"auxC",
    ] {
        assert_eq!(
            verdict(bx(kind, b"...."), Keep::empty()),
            Verdict::Keep,
            "{kind:?}"
        );
    }
}
