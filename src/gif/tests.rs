use super::*;
use crate::stripper::{contains, strip_checked};
use crate::{Limit, Limits};

/// `21 label`, each block with its length byte, then the terminator.
fn ext(label: u8, blocks: &[&[u8]]) -> Vec<u8> {
    let mut v = vec![EXTENSION, label];
    for b in blocks {
        v.push(b.len() as u8);
        v.extend_from_slice(b);
    }
    v.push(0);
    v
}

fn app(id: &[u8; 11], blocks: &[&[u8]]) -> Vec<u8> {
    let mut all: Vec<&[u8]> = vec![id];
    all.extend_from_slice(blocks);
    ext(APPLICATION, &all)
}

fn gce(fields: [u8; 4]) -> Vec<u8> {
    ext(GRAPHIC_CONTROL, &[&fields])
}

fn netscape(loops: u16) -> Vec<u8> {
    let [lo, hi] = loops.to_le_bytes();
    app(b"NETSCAPE2.0", &[&[1, lo, hi]])
}

/// XMP as writers put it (XMP Specification Part 3, GIF): the raw packet, read as sub-blocks,
/// then the 257-byte magic trailer and the terminator.
fn xmp(packet: &[u8]) -> Vec<u8> {
    let mut v = vec![EXTENSION, APPLICATION, 11];
    v.extend_from_slice(b"XMP DataXMP");
    v.extend_from_slice(packet);
    v.push(1);
    v.extend((0..=255u8).rev());
    v.push(0);
    v
}

/// A 1×1 image at (0, 0) with an optional 2-entry local colour table; its LZW data is
/// split over two sub-blocks.
fn image(lct: bool) -> Vec<u8> {
    let mut v = vec![IMAGE, 0, 0, 0, 0, 1, 0, 1, 0];
    if lct {
        v.push(0x80);
        v.extend_from_slice(&[1, 2, 3, 4, 5, 6]);
    } else {
        v.push(0);
    }
    v.extend_from_slice(&[2, 1, 0x44, 1, 0x01, 0]);
    v
}

/// `GIF89a`, a `width`×`height` screen with a 2-entry global colour table.
fn screen(width: u16, height: u16) -> Vec<u8> {
    let mut v = b"GIF89a".to_vec();
    v.extend_from_slice(&width.to_le_bytes());
    v.extend_from_slice(&height.to_le_bytes());
    v.extend_from_slice(&[0x80, 0, 0]);
    v.extend_from_slice(&[0, 0, 0, 0xFF, 0xFF, 0xFF]);
    v
}

/// Screen 1×1, the units in order, trailer.
fn gif(units: &[&[u8]]) -> Vec<u8> {
    let mut v = screen(1, 1);
    units.iter().for_each(|u| v.extend_from_slice(u));
    v.push(TRAILER);
    v
}

fn run(input: &[u8], keep: Keep, limits: Limits) -> Result<(Vec<u8>, Report), Error> {
    crate::stripper::run_walker(strip, input, keep, limits)
}

fn strip_default(input: &[u8]) -> (Vec<u8>, Report) {
    strip_checked(strip, input, Keep::empty())
}

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
fn a_file_without_trailer_is_closed_when_there_is_room() {
    let img = image(false);
    let input = gif(&[&netscape(0), &img, &gce([0; 4]), &img]);
    let mut cut = input.clone();
    cut.pop();
    // Nothing removed: no room for the trailer, the output is the input.
    let (out, report) = strip_default(&cut);
    assert_eq!(out, cut);
    assert!(report.truncated);
    assert_eq!(report.frames, 2);
    assert_eq!(report.bytes_removed, 0);
    // A comment removed: room for the trailer.
    let mut with_comment = gif(&[
        &ext(COMMENT, &[b"c"]),
        &netscape(0),
        &img,
        &gce([0; 4]),
        &img,
    ]);
    with_comment.pop();
    let (out, report) = strip_default(&with_comment);
    assert_eq!(out, input);
    assert!(report.truncated);

    // Cut inside the second image: the first stays, the pending GCE too.
    let second = input.len() - 1 - img.len();
    for n in second + 1..input.len() - 1 {
        let (out, report) = strip_default(&input[..n]);
        assert_eq!(out, gif(&[&netscape(0), &img, &gce([0; 4])]), "cut at {n}");
        assert!(report.truncated);
        assert_eq!(report.frames, 1);
        assert_eq!(report.bytes_removed, (n - second) as u64);
        assert_eq!(strip_default(&out).0, out);
    }
    // Cut inside an extension after the first image.
    let with_comment = gif(&[&img, &ext(COMMENT, &[b"CANARY comment"])]);
    let (out, report) = run(
        &with_comment[..with_comment.len() - 4],
        Keep::empty(),
        Limits::default(),
    )
    .unwrap();
    assert_eq!(out, gif(&[&img]));
    assert!(report.truncated);
}

#[test]
fn a_file_cut_before_its_first_image_is_truncated() {
    let img = image(false);
    let input = gif(&[&gce([0; 4]), &img]);
    let first = screen(1, 1).len() + 8;
    assert_eq!(
        run(&input[..first + 5], Keep::empty(), Limits::default()).unwrap_err(),
        Error::Truncated {
            format: Format::Gif,
            offset: first + 5,
            needed: 2
        }
    );
    assert_eq!(
        run(&input[..first], Keep::empty(), Limits::default()).unwrap_err(),
        Error::Truncated {
            format: Format::Gif,
            offset: first,
            needed: 1
        }
    );
    // The global colour table runs past the end.
    assert_eq!(
        run(&input[..15], Keep::empty(), Limits::default()).unwrap_err(),
        Error::Truncated {
            format: Format::Gif,
            offset: 13,
            needed: 4
        }
    );
    assert_eq!(
        run(b"GIF89a", Keep::empty(), Limits::default()).unwrap_err(),
        Error::Truncated {
            format: Format::Gif,
            offset: 6,
            needed: 2
        }
    );
    // A file with no image but a trailer is whole: it stays as it is.
    let empty = gif(&[]);
    let (out, report) = strip_default(&empty);
    assert_eq!(out, empty);
    assert_eq!(report.frames, 0);
}

#[test]
fn an_unknown_block_is_malformed_at_its_offset() {
    let img = image(false);
    let mut input = gif(&[&img]);
    let at = input.len() - 1;
    input.insert(at, 0x00);
    assert!(matches!(
        run(&input, Keep::empty(), Limits::default()),
        Err(Error::Malformed { format: Format::Gif, offset, .. }) if offset == at
    ));
}

/// Screen 1×1, then `n` frames of a graphic control extension and an image.
fn frames(n: usize) -> Vec<u8> {
    let mut v = screen(1, 1);
    let frame = [gce([0x04, 1, 0, 0]), image(false)].concat();
    (0..n).for_each(|_| v.extend_from_slice(&frame));
    v
}

#[test]
fn frame_301_stops_the_walk_at_its_separator() {
    let frame_len = 8 + image(false).len();
    let mut ok = frames(300);
    ok.push(TRAILER);
    let (out, report) = strip_default(&ok);
    assert_eq!(out, ok);
    assert_eq!(report.frames, 300);

    let frame_301 = screen(1, 1).len() + 300 * frame_len + 8;
    let expected = Error::LimitExceeded {
        format: Format::Gif,
        offset: frame_301,
        limit: Limit::GifFrames,
        value: 301,
        max: 300,
    };
    let mut input = frames(301);
    input.push(TRAILER);
    assert_eq!(
        run(&input, Keep::empty(), Limits::default()).unwrap_err(),
        expected
    );
    // Garbage after frame 301's separator, and a frame 302 that is garbage: had the
    // walker read on, these would be Truncated or Malformed.
    let mut garbage = frames(300);
    garbage.extend_from_slice(&gce([0x04, 1, 0, 0]));
    garbage.push(IMAGE);
    assert_eq!(
        run(&garbage, Keep::empty(), Limits::default()).unwrap_err(),
        expected
    );
    garbage.extend_from_slice(&[0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 200, 1, 2]);
    assert_eq!(
        run(&garbage, Keep::empty(), Limits::default()).unwrap_err(),
        expected
    );
    let mut frame_302_garbage = frames(301);
    frame_302_garbage.extend_from_slice(&[IMAGE, 0xFF, 0xFF, 0x99]);
    assert_eq!(
        run(&frame_302_garbage, Keep::empty(), Limits::default()).unwrap_err(),
        expected
    );
    let none = run(&input, Keep::empty(), Limits::none()).unwrap();
    assert_eq!(none.1.frames, 301);
}

#[test]
fn screen_times_frames_is_checked_against_animation_pixels() {
    let mut input = screen(100, 100);
    let img = image(false);
    for _ in 0..3 {
        input.extend_from_slice(&img);
    }
    input.push(TRAILER);
    let limits = Limits {
        max_animation_pixels: 25_000,
        ..Limits::default()
    };
    assert_eq!(
        run(&input, Keep::empty(), limits).unwrap_err(),
        Error::LimitExceeded {
            format: Format::Gif,
            offset: screen(1, 1).len() + 2 * img.len(),
            limit: Limit::AnimationPixels,
            value: 30_000,
            max: 25_000
        }
    );
    let limits = Limits {
        max_animation_pixels: 30_000,
        ..Limits::default()
    };
    let (_, report) = run(&input, Keep::empty(), limits).unwrap();
    assert_eq!((report.width, report.height, report.frames), (100, 100, 3));
}

#[test]
fn screen_and_frame_sizes_are_checked_against_limits() {
    assert_eq!(
        run(
            &gif(&[]),
            Keep::empty(),
            Limits {
                max_dimension: 0,
                ..Limits::default()
            }
        )
        .unwrap_err(),
        Error::LimitExceeded {
            format: Format::Gif,
            offset: 6,
            limit: Limit::Width,
            value: 1,
            max: 0
        }
    );
    let mut huge = image(false);
    huge[5..9].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]);
    let at = screen(1, 1).len() + 5;
    assert_eq!(
        run(&gif(&[&huge]), Keep::empty(), Limits::default()).unwrap_err(),
        Error::LimitExceeded {
            format: Format::Gif,
            offset: at,
            limit: Limit::Width,
            value: 65_535,
            max: 50_000
        }
    );
    let limits = Limits {
        max_dimension: 70_000,
        ..Limits::default()
    };
    assert!(matches!(
        run(&gif(&[&huge]), Keep::empty(), limits),
        Err(Error::LimitExceeded { limit: Limit::Pixels, offset, .. }) if offset == at
    ));
    assert!(run(&gif(&[&huge]), Keep::empty(), Limits::none()).is_ok());
}

#[test]
fn every_prefix_gives_ok_or_a_typed_error() {
    let img = image(true);
    let before: Vec<Vec<u8>> = vec![
        netscape(0),
        ext(COMMENT, &[b"CANARY"]),
        xmp(b"<x/>"),
        app(b"ICCRGBG1012", &[b"profile"]),
        ext(GRAPHIC_CONTROL, &[&[4, 1, 0, 0], b"x"]),
        img.clone(),
    ];
    let first_image_end = screen(1, 1).len() + before.iter().map(Vec::len).sum::<usize>();
    let mut units: Vec<&[u8]> = before.iter().map(Vec::as_slice).collect();
    let after = [ext(PLAIN_TEXT, &[&[0; 12], b"t"]), gce([0; 4]), img.clone()];
    units.extend(after.iter().map(Vec::as_slice));
    let input = gif(&units);
    for keep in [Keep::empty(), Keep::all()] {
        for n in 0..=input.len() {
            match run(&input[..n], keep, Limits::default()) {
                Ok((out, report)) => {
                    assert!(n >= first_image_end, "prefix {n}");
                    assert!(report.truncated || n == input.len());
                    assert!(out.len() <= n);
                    assert!(!contains(&out, b"CANARY"));
                    assert_eq!(run(&out, keep, Limits::default()).unwrap().0, out);
                }
                Err(Error::Truncated {
                    format: Format::Gif,
                    offset,
                    ..
                }) => {
                    assert!(n < first_image_end && offset <= n, "prefix {n}");
                }
                Err(e) => panic!("prefix {n}: {e:?}"),
            }
        }
    }
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

/// The step-by-step walk the fast path must agree with: `(end, error)`.
fn skip_bytewise(data: &[u8], start: usize) -> Result<usize, Error> {
    let mut r = Reader::new(data, Format::Gif).at(start);
    while next_sub_block(&mut r)?.is_some() {}
    Ok(r.pos())
}

fn skip_fast(data: &[u8], start: usize) -> Result<usize, Error> {
    let mut r = Reader::new(data, Format::Gif).at(start);
    skip_sub_blocks(&mut r).map(|()| r.pos())
}

#[test]
fn sub_block_skipping_agrees_with_the_step_by_step_walk_at_every_offset() {
    // Chains as encoders write them (full blocks, a short last one, the terminator), with
    // full blocks also after short ones, and a second chain after the first.
    let mut data = Vec::new();
    let mut state = 0x9E37_79B9u32;
    for lens in [
        &[255, 255, 255, 17][..],
        &[255, 3, 255, 255, 1, 255],
        &[],
        &[255],
    ] {
        for &len in lens {
            data.push(len);
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                data.push(state as u8);
            }
        }
        data.push(0);
    }
    assert_eq!(full_sub_blocks(&data), 3 * 256);
    // From every offset, on the whole chain and cut short just after it.
    for start in 0..=data.len() {
        assert_eq!(
            skip_fast(&data, start),
            skip_bytewise(&data, start),
            "at {start}"
        );
        let end = skip_bytewise(&data, start).unwrap_or(data.len());
        for cut in [end.saturating_sub(1), end.saturating_sub(200), start] {
            let short = &data[..cut.max(start)];
            assert_eq!(
                skip_fast(short, start),
                skip_bytewise(short, start),
                "at {start}, cut at {cut}"
            );
        }
    }
    // Every prefix from the start, and every single byte made 255 or 0.
    for n in 0..=data.len() {
        assert_eq!(
            skip_fast(&data[..n], 0),
            skip_bytewise(&data[..n], 0),
            "prefix {n}"
        );
    }
    for at in 0..data.len() {
        for value in [255, 0] {
            let mut d = data.clone();
            d[at] = value;
            assert_eq!(skip_fast(&d, 0), skip_bytewise(&d, 0), "{value} at {at}");
        }
    }
}
