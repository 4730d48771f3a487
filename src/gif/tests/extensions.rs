//! Which extensions go and which stay, byte for byte, and the policy table.

use super::*;

#[test]
fn drops_every_metadata_extension_before_and_after_the_image() {
    let icc = {
        let mut p = b"\0\0\x02\x0cCANARY-ICC-PROFILE".to_vec();
        p.resize(200, 7);
        p
    };
    let plain_text_header = [0, 0, 0, 0, 8, 0, 8, 0, 8, 8, 1, 0];
    let units = [
        (
            ext(COMMENT, &[b"CANARY shot at home", b"by Eve"]),
            Kinds::COMMENT,
        ),
        (ext(COMMENT, &[]), Kinds::COMMENT),
        (
            ext(PLAIN_TEXT, &[&plain_text_header, b"CANARY"]),
            Kinds::TEXT,
        ),
        (
            xmp(b"<x:xmpmeta>CANARY<exif:GPSLatitude>52,1N</exif:GPSLatitude></x:xmpmeta>"),
            Kinds::XMP,
        ),
        (app(b"ICCRGBG1012", &[&icc, b"CANARY"]), Kinds::ICC),
        (app(b"ICCRGBG1013", &[b"CANARY"]), Kinds::ICC),
        (app(b"MGK8BIM0000", &[b"8BIM\x04\x04CANARY"]), Kinds::IPTC),
        (app(b"MGKIPTC0000", &[b"\x1c\x02\x50CANARY"]), Kinds::IPTC),
        (app(b"ImageMagick", &[b"gamma=0.45 CANARY"]), Kinds::OTHER),
        (
            app(b"C2PA_GIF\x01\x00\x00", &[b"jumb CANARY"]),
            Kinds::OTHER,
        ),
        (app(b"UNKNOWNAPP1", &[b"CANARY"]), Kinds::OTHER),
        (ext(APPLICATION, &[b"short", b"CANARY"]), Kinds::OTHER),
        (ext(APPLICATION, &[]), Kinds::OTHER),
        (ext(0x2A, &[b"CANARY"]), Kinds::OTHER),
        (ext(0x00, &[b"CANARY"]), Kinds::OTHER),
    ];
    let img = image(false);
    let clean = gif(&[&img]);
    for (unit, kind) in units {
        for input in [gif(&[&unit, &img]), gif(&[&img, &unit])] {
            let (out, report) = strip_default(&input);
            assert_eq!(out, clean, "{kind:?}");
            assert_eq!(report.removed, kind);
            assert_eq!(report.bytes_removed, unit.len() as u64);
            assert_eq!((report.width, report.height, report.frames), (1, 1, 1));
        }
    }
}

#[test]
fn keeps_image_units_byte_exact() {
    let gct_256 = {
        let mut v = b"GIF89a".to_vec();
        v.extend_from_slice(&[3, 0, 2, 0, 0xF7, 5, 49]);
        v.extend((0..768).map(|i| i as u8));
        v
    };
    let units = [
        netscape(0),
        gce([0x09, 10, 0, 1]),
        image(true),
        gce([0x04, 10, 0, 0]),
        image(false),
    ];
    let mut input = gct_256;
    units.iter().for_each(|u| input.extend_from_slice(u));
    input.push(TRAILER);
    let (out, report) = strip_default(&input);
    assert_eq!(out, input);
    assert!(report.removed.is_empty());
    assert_eq!(report.bytes_removed, 0);
    assert_eq!((report.width, report.height, report.frames), (3, 2, 2));
    assert!(!report.truncated);

    // GIF87a, no global colour table, interlaced image with a local one.
    let mut old = b"GIF87a\x01\x00\x01\x00\x00\x00\x00".to_vec();
    let mut img = image(true);
    img[9] |= 0x40;
    old.extend_from_slice(&img);
    old.push(TRAILER);
    assert_eq!(strip_default(&old).0, old);
    assert_eq!(strip_default(ANIMEXTS).0, ANIMEXTS);
}

/// An ANIMEXTS1.0 loop extension before a 1×1 image.
const ANIMEXTS: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\0\0\0\xff\xff\xff\
    \x21\xff\x0bANIMEXTS1.0\x03\x01\x05\x00\x00\
    \x2c\0\0\0\0\x01\0\x01\0\0\x02\x02\x44\x01\x00\x3b";

#[test]
fn graphic_control_keeps_only_its_four_bytes() {
    let img = image(false);
    let standard = gce([0x05, 3, 0, 7]);
    for long in [
        ext(GRAPHIC_CONTROL, &[&[0x05, 3, 0, 7, b'h', b'i']]),
        ext(GRAPHIC_CONTROL, &[&[0x05, 3, 0, 7], b"CANARY hidden text"]),
        ext(GRAPHIC_CONTROL, &[&[0x05, 3, 0, 7, 9], b"CANARY", b"more"]),
    ] {
        let (out, report) = strip_default(&gif(&[&long, &img]));
        assert_eq!(out, gif(&[&standard, &img]));
        assert_eq!(report.removed, Kinds::OTHER);
        assert_eq!(report.bytes_removed, (long.len() - 8) as u64);
    }
    let short = ext(GRAPHIC_CONTROL, &[&[0x05, 3, 0]]);
    let at = screen(1, 1).len();
    assert!(matches!(
        run(&gif(&[&short, &img]), Keep::empty(), Limits::default()),
        Err(Error::Malformed { format: Format::Gif, offset, .. }) if offset == at + 2
    ));
    let empty = ext(GRAPHIC_CONTROL, &[]);
    assert!(matches!(
        run(&gif(&[&empty, &img]), Keep::empty(), Limits::default()),
        Err(Error::Malformed { offset, .. }) if offset == at + 2
    ));
}

#[test]
fn loop_extension_keeps_only_the_loop_sub_block() {
    let img = image(false);
    let buffering: &[u8] = &[2, 0, 0x10, 0, 0];
    for long in [
        app(b"NETSCAPE2.0", &[&[1, 5, 0], buffering]),
        app(b"NETSCAPE2.0", &[buffering, &[1, 5, 0], b"CANARY"]),
        app(b"NETSCAPE2.0", &[&[1, 5, 0, b'x']]),
    ] {
        let (out, report) = strip_default(&gif(&[&long, &img]));
        assert_eq!(out, gif(&[&netscape(5), &img]));
        assert_eq!(report.removed, Kinds::OTHER);
        assert_eq!(report.bytes_removed, (long.len() - 19) as u64);
    }
    let no_loop = app(b"NETSCAPE2.0", &[buffering]);
    let (out, report) = strip_default(&gif(&[&no_loop, &img]));
    assert_eq!(out, gif(&[&img]));
    assert_eq!(report.bytes_removed, no_loop.len() as u64);
    let mut long_animexts = ANIMEXTS.to_vec();
    long_animexts.splice(37..37, [2, 0xAB, 0xCD]);
    assert_eq!(strip_default(&long_animexts).0, ANIMEXTS);
}

#[test]
fn loop_extension_needs_its_exact_eleven_byte_header() {
    // The application header block is 11 bytes (GIF89a § 26); browsers compare all 11.
    let img = image(false);
    for header in [&b"NETSCAPE2.0 "[..], b"NETSCAPE2.", b"NETSCAPE2.0\0"] {
        let long = ext(APPLICATION, &[header, &[1, 5, 0]]);
        let (out, report) = strip_default(&gif(&[&long, &img]));
        assert_eq!(out, gif(&[&img]), "{header:?}");
        assert_eq!(report.removed, Kinds::OTHER);
    }
    // `01 lo hi` and nothing else in the loop sub-block.
    let tail = app(b"NETSCAPE2.0", &[&[1, 5, 0, b'C', b'A', b'N']]);
    assert_eq!(
        strip_default(&gif(&[&tail, &img])).0,
        gif(&[&netscape(5), &img])
    );
}

#[test]
fn keep_icc_keeps_the_iccrgbg1_extension_verbatim() {
    let icc = app(
        b"ICCRGBG1012",
        &[&[0, 0, 2, 0x0C, b'a', b'c', b's', b'p'], b"tail"],
    );
    let img = image(false);
    let comment = ext(COMMENT, &[b"CANARY"]);
    let input = gif(&[&icc, &comment, &img, &xmp(b"<x/>")]);
    for keep in [Keep::ICC, Keep::DISPLAY] {
        let (out, report) = run(&input, keep, Limits::default()).unwrap();
        assert_eq!(out, gif(&[&icc, &img]));
        assert_eq!(report.removed, Kinds::COMMENT | Kinds::XMP);
        assert_eq!(run(&out, keep, Limits::default()).unwrap().0, out);
    }
    let odd = app(b"ICCRGBG1013", &[b"x"]);
    let (out, _) = run(&gif(&[&odd, &img]), Keep::ICC, Limits::default()).unwrap();
    assert_eq!(out, gif(&[&img]));
    let (out, _) = run(&input, Keep::ORIENTATION, Limits::default()).unwrap();
    assert_eq!(out, gif(&[&img]));
}

#[test]
fn cuts_everything_after_the_trailer() {
    let img = image(false);
    let clean = gif(&[&img]);
    let mut input = clean.clone();
    input.extend_from_slice(&img);
    input.extend_from_slice(b"CANARY appended data\x3b");
    let (out, report) = strip_default(&input);
    assert_eq!(out, clean);
    assert_eq!(report.removed, Kinds::TRAILER);
    assert_eq!(report.bytes_removed, (input.len() - clean.len()) as u64);
    assert_eq!(report.frames, 1);
}

#[test]
fn verdict_mirrors_the_spec_table() {
    let e = Keep::empty();
    assert_eq!(verdict(Ext::GraphicControl, b"", e), Verdict::Rewrite);
    assert_eq!(verdict(Ext::Loop, b"NETSCAPE2.0", e), Verdict::Rewrite);
    assert_eq!(verdict(Ext::PlainText, b"", e), Verdict::Drop(Kinds::TEXT));
    assert_eq!(verdict(Ext::Comment, b"", e), Verdict::Drop(Kinds::COMMENT));
    assert_eq!(
        verdict(Ext::Xmp, b"XMP DataXMP", e),
        Verdict::Drop(Kinds::XMP)
    );
    assert_eq!(
        verdict(Ext::Icc, b"ICCRGBG1012", e),
        Verdict::Drop(Kinds::ICC)
    );
    assert_eq!(verdict(Ext::Icc, b"ICCRGBG1012", Keep::ICC), Verdict::Keep);
    assert_eq!(
        verdict(Ext::Iptc, b"MGK8BIM0000", Keep::all()),
        Verdict::Drop(Kinds::IPTC)
    );
    assert_eq!(
        verdict(Ext::OtherApplication, b"C2PA_GIF", Keep::all()),
        Verdict::Drop(Kinds::OTHER)
    );
    assert_eq!(
        verdict(Ext::Unknown, b"", Keep::all()),
        Verdict::Drop(Kinds::OTHER)
    );
    assert_eq!(classify(APPLICATION, b"ANIMEXTS1.0"), Ext::Loop);
    assert_eq!(classify(APPLICATION, b"NETSCAPE2.1"), Ext::OtherApplication);
    assert_eq!(classify(0x02, b""), Ext::Unknown);
}
