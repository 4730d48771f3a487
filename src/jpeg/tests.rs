use super::entropy::{copy_entropy, entropy_len, WINDOW};
use super::*;
use crate::stripper::{contains, exif_tiff, strip_checked};
use crate::{Limit, Limits};

fn seg(marker: u8, body: &[u8]) -> Vec<u8> {
    let mut v = vec![0xFF, marker];
    v.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
    v.extend_from_slice(body);
    v
}

fn sof(width: u16, height: u16) -> Vec<u8> {
    let mut b = vec![8];
    b.extend_from_slice(&height.to_be_bytes());
    b.extend_from_slice(&width.to_be_bytes());
    b.extend_from_slice(&[1, 1, 0x11, 0]);
    seg(0xC0, &b)
}

fn dqt() -> Vec<u8> {
    seg(0xDB, &[0; 65])
}

/// A scan header and entropy data with a stuffed FF 00 and a restart marker.
fn scan(data: &[u8]) -> Vec<u8> {
    let mut v = seg(SOS, &[1, 1, 0x00, 0, 63, 0]);
    v.extend_from_slice(data);
    v
}

const ENTROPY: &[u8] = &[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0x00];

/// SOI, `before`, DQT, SOF0 1×1, one scan, EOI.
fn jpeg(before: &[&[u8]]) -> Vec<u8> {
    let mut v = vec![0xFF, SOI];
    for b in before {
        v.extend_from_slice(b);
    }
    v.extend(dqt());
    v.extend(sof(1, 1));
    v.extend(scan(ENTROPY));
    v.extend_from_slice(&[0xFF, EOI]);
    v
}

fn run(input: &[u8], keep: Keep, limits: Limits) -> Result<(Vec<u8>, Report), Error> {
    crate::stripper::run_walker(strip, input, keep, limits)
}

fn strip_default(input: &[u8]) -> (Vec<u8>, Report) {
    strip_checked(strip, input, Keep::empty())
}

fn exif_with_orientation(o: u16) -> Vec<u8> {
    let mut b = b"Exif\0\0".to_vec();
    b.extend(exif_tiff(o));
    b
}

#[test]
fn drops_every_metadata_segment() {
    let units = [
        (seg(APP1, &exif_with_orientation(6)), Kinds::EXIF),
        (
            seg(APP1, b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>"),
            Kinds::XMP,
        ),
        (
            seg(APP1, b"http://ns.adobe.com/xmp/extension/\0GUIDGUID"),
            Kinds::XMP,
        ),
        (seg(APP2, b"ICC_PROFILE\0\x01\x01profile"), Kinds::ICC),
        (seg(APP2, b"MPF\0II*\0"), Kinds::OTHER),
        (seg(APP13, b"Photoshop 3.0\08BIM"), Kinds::IPTC),
        (seg(COM, b"a comment"), Kinds::COMMENT),
        (seg(APP0, b"JFXX\0\x10thumb"), Kinds::THUMBNAIL),
        (seg(APP0, b"AVI1\0\0"), Kinds::OTHER),
        (seg(0xE5, b"RMETA"), Kinds::OTHER),
        (seg(0xEF, b"anything"), Kinds::OTHER),
        (seg(APP14, b"NotAdobe"), Kinds::OTHER),
        (seg(0xF0, b"JPG0"), Kinds::OTHER),
    ];
    let clean = jpeg(&[]);
    for (unit, kind) in units {
        let (out, report) = strip_default(&jpeg(&[&unit]));
        assert_eq!(out, clean, "{kind:?}");
        assert_eq!(report.removed, kind);
        assert_eq!(report.bytes_removed, unit.len() as u64);
    }
}

#[test]
fn keeps_image_segments_byte_exact() {
    let dht = seg(0xC4, &[0; 17]);
    let dri = seg(0xDD, &[0, 4]);
    let input = jpeg(&[&dht, &dri]);
    let (out, report) = strip_default(&input);
    assert_eq!(out, input);
    assert!(report.removed.is_empty());
    assert_eq!((report.width, report.height, report.frames), (1, 1, 1));
}

#[test]
fn rewrites_jfif_without_thumbnail() {
    let mut body = b"JFIF\0\x01\x02\x01\0\x48\0\x48\x01\x01".to_vec();
    body.extend_from_slice(b"RGB");
    let (out, report) = strip_default(&jpeg(&[&seg(APP0, &body)]));
    let want = seg(APP0, b"JFIF\0\x01\x02\x01\0\x48\0\x48\0\0");
    assert_eq!(out, jpeg(&[&want]));
    assert_eq!(report.removed, Kinds::THUMBNAIL);
    // A JFIF too short to hold its fields is not JFIF and goes.
    let (out, _) = strip_default(&jpeg(&[&seg(APP0, b"JFIF\0\x01")]));
    assert_eq!(out, jpeg(&[]));
}

#[test]
fn keeps_adobe_app14_cut_to_its_fields() {
    let adobe = b"Adobe\0\x64\0\0\0\0\x02";
    let mut long = adobe.to_vec();
    long.extend_from_slice(b"hidden");
    let (out, _) = strip_default(&jpeg(&[&seg(APP14, &long)]));
    assert_eq!(out, jpeg(&[&seg(APP14, adobe)]));
}

#[test]
fn cuts_everything_after_the_first_eoi() {
    let mut input = jpeg(&[]);
    let clean = input.clone();
    input.extend(jpeg(&[&seg(APP1, &exif_with_orientation(3))]));
    input.extend_from_slice(b"trailer");
    let (out, report) = strip_default(&input);
    assert_eq!(out, clean);
    assert_eq!(report.removed, Kinds::TRAILER);
}

#[test]
fn walks_every_scan_and_drops_segments_between_them() {
    let mut input = jpeg(&[]);
    input.truncate(input.len() - 2);
    let mut clean = input.clone();
    input.extend(seg(COM, b"between scans"));
    input.extend(seg(APP1, b"http://ns.adobe.com/xap/1.0/\0x"));
    for v in [&mut input, &mut clean] {
        v.extend(seg(0xC4, &[0; 17]));
        v.extend(scan(&[0xAB, 0xFF, 0xD7, 0xCD]));
        v.extend_from_slice(&[0xFF, EOI]);
    }
    let (out, report) = strip_default(&input);
    assert_eq!(out, clean);
    assert_eq!(report.removed, Kinds::COMMENT | Kinds::XMP);
}

#[test]
fn drops_fill_bytes_and_garbage_between_segments() {
    let mut input = vec![0xFF, SOI, 0xFF, 0xFF, 0xFF];
    input.extend(dqt());
    input.extend_from_slice(b"?>");
    input.extend(sof(1, 1));
    input.extend_from_slice(&[0xFF, 0xFF]);
    input.extend(scan(ENTROPY));
    input.extend_from_slice(&[0xFF, 0xFF, 0xFF, EOI]);
    let (out, report) = strip_default(&input);
    assert_eq!(out, jpeg(&[]));
    assert_eq!(report.removed, Kinds::OTHER);
    assert_eq!(
        report.bytes_removed,
        3 + 2 + 2 + 2,
        "fill bytes and garbage"
    );
}

#[test]
fn keeps_icc_chunks_in_order_with_keep_icc_but_not_mpf() {
    let icc1 = seg(APP2, b"ICC_PROFILE\0\x01\x02first");
    let icc2 = seg(APP2, b"ICC_PROFILE\0\x02\x02second");
    let mpf = seg(APP2, b"MPF\0MM\0*");
    let input = jpeg(&[&icc1, &mpf, &icc2]);
    let (out, _) = run(&input, Keep::ICC, Limits::default()).unwrap();
    assert_eq!(out, jpeg(&[&icc1, &icc2]));
}

#[test]
fn keep_orientation_writes_a_minimal_exif() {
    let input = jpeg(&[&seg(APP1, &exif_with_orientation(6))]);
    let (out, report) = run(&input, Keep::ORIENTATION, Limits::default()).unwrap();
    assert!(!contains(&out, b"GPS-CANARY"));
    let mut minimal = b"Exif\0\0".to_vec();
    minimal.extend_from_slice(&crate::exif::orientation_tiff(6));
    assert_eq!(out, jpeg(&[&seg(APP1, &minimal)]));
    assert_eq!(report.removed, Kinds::EXIF);
    let (again, _) = run(&out, Keep::ORIENTATION, Limits::default()).unwrap();
    assert_eq!(again, out);
    // Orientation 1 needs no EXIF at all; a second EXIF segment never adds another.
    let input = jpeg(&[&seg(APP1, &exif_with_orientation(1))]);
    assert_eq!(
        run(&input, Keep::ORIENTATION, Limits::default()).unwrap().0,
        jpeg(&[])
    );
    let twice = seg(APP1, &exif_with_orientation(8));
    let (out, _) = run(
        &jpeg(&[&twice, &twice]),
        Keep::ORIENTATION,
        Limits::default(),
    )
    .unwrap();
    assert_eq!(out.len(), jpeg(&[]).len() + 4 + 32);
}

#[test]
fn entropy_data_cut_short_is_closed_with_eoi() {
    let mut input = jpeg(&[&seg(COM, b"c")]);
    input.truncate(input.len() - 3); // inside the data, in a stuffed FF 00
    let (out, report) = strip_default(&input);
    assert!(report.truncated);
    assert!(out.ends_with(&[0x56, 0xFF, EOI]));
    // A dangling FF at the very end is not data.
    let mut input = jpeg(&[&seg(COM, b"c")]);
    input.truncate(input.len() - 1);
    let (out, _) = strip_default(&input);
    assert!(out.ends_with(&[0x56, 0xFF, 0x00, 0xFF, EOI]));
}

#[test]
fn entropy_data_cut_short_never_grows() {
    // Nothing to remove but a dangling FF: no room for an EOI, so none is added.
    let mut input = jpeg(&[]);
    input.truncate(input.len() - 1);
    let (out, report) = strip_default(&input);
    assert!(report.truncated);
    assert_eq!(out, input[..input.len() - 1]);
}

#[test]
fn entropy_data_cut_short_gets_eoi_exactly_when_two_bytes_were_removed() {
    // The input ends inside the scan, after `0x56`; the fill bytes before DQT go, so the copy
    // is as many bytes shorter than the input. Two leave room for the EOI (the output is as
    // long as the input), one does not (the output ends where the data did).
    let mut kept = jpeg(&[]);
    kept.truncate(kept.len() - 4);
    assert!(kept.ends_with(&[0xD0, 0x56]));
    let closed = [&kept[..], &[0xFF, EOI]].concat();
    for (fill, want, shorter) in [(2, &closed, 0), (1, &kept, 1)] {
        let mut input = kept.clone();
        input.splice(2..2, std::iter::repeat_n(0xFF, fill));
        let (out, report) = strip_default(&input);
        assert!(report.truncated, "{fill} fill byte(s)");
        assert_eq!(&out, want, "{fill} fill byte(s)");
        assert_eq!(out.len(), input.len() - shorter, "{fill} fill byte(s)");
    }
}

#[test]
fn truncated_before_sos_is_error_at_offset() {
    let input = jpeg(&[&seg(APP1, &exif_with_orientation(6))]);
    let cut = 2 + 4 + 10;
    assert_eq!(
        run(&input[..cut], Keep::empty(), Limits::default()).unwrap_err(),
        Error::Truncated {
            format: Format::Jpeg,
            offset: 6,
            needed: 42 - 10
        }
    );
    assert_eq!(
        run(&[0xFF, SOI], Keep::empty(), Limits::default()).unwrap_err(),
        Error::Truncated {
            format: Format::Jpeg,
            offset: 2,
            needed: 2
        }
    );
}

#[test]
fn segment_length_below_two_is_malformed_at_its_offset() {
    let input = [0xFF, SOI, 0xFF, APP1, 0x00, 0x01, 0xFF, EOI];
    let err = run(&input, Keep::empty(), Limits::default()).unwrap_err();
    assert_eq!(err.offset(), Some(4));
    assert_eq!(
        err.to_string(),
        "malformed JPEG at byte 4: segment length 1 is shorter than its own header"
    );
}

#[test]
fn short_frame_header_is_malformed_at_its_length_field() {
    // An empty SOF2 at the very end: the size fields it lacks would lie past the input.
    let input = [0xFF, SOI, 0xFF, 0xC2, 0x00, 0x02];
    assert_eq!(
        run(&input, Keep::empty(), Limits::default()).unwrap_err(),
        Error::Malformed {
            format: Format::Jpeg,
            offset: 4,
            what: "frame header shorter than 5 bytes".into()
        }
    );
}

#[test]
fn structure_errors_have_offsets() {
    let eoi_first = [0xFF, SOI, 0xFF, EOI];
    let err = run(&eoi_first, Keep::empty(), Limits::default()).unwrap_err();
    assert!(matches!(err, Error::Malformed { offset: 2, .. }));
    let mut scan_first = vec![0xFF, SOI];
    scan_first.extend(scan(ENTROPY));
    let err = run(&scan_first, Keep::empty(), Limits::default()).unwrap_err();
    assert!(matches!(err, Error::Malformed { offset: 2, .. }));
    let two_soi = [0xFF, SOI, 0xFF, SOI];
    assert!(matches!(
        run(&two_soi, Keep::empty(), Limits::default()),
        Err(Error::Malformed { offset: 2, .. })
    ));
    // Its length field (at 4) is what is wrong.
    let short_sof = [0xFF, SOI, 0xFF, 0xC0, 0x00, 0x04, 8, 0];
    assert!(matches!(
        run(&short_sof, Keep::empty(), Limits::default()),
        Err(Error::Malformed { offset: 4, .. })
    ));
}

#[test]
fn frame_size_is_checked_against_limits_at_the_sof() {
    let mut input = vec![0xFF, SOI];
    input.extend(dqt());
    let sof_at = input.len();
    input.extend(sof(50_001, 1));
    input.extend(scan(ENTROPY));
    let err = run(&input, Keep::empty(), Limits::default()).unwrap_err();
    assert_eq!(
        err,
        Error::LimitExceeded {
            format: Format::Jpeg,
            offset: sof_at + 5,
            limit: Limit::Width,
            value: 50_001,
            max: 50_000
        }
    );
    assert!(run(&input, Keep::empty(), Limits::none()).is_ok());
}

#[test]
fn verdict_mirrors_the_spec_table() {
    use Signature as S;
    let none = Keep::empty();
    for m in [
        0xC0, 0xC1, 0xC2, 0xC3, 0xC9, 0xCF, 0xC4, 0xCC, 0xDB, 0xDD, DNL, SOS, 0xF7,
    ] {
        assert_eq!(verdict(m, S::Unknown, none), Verdict::Keep, "{m:#x}");
    }
    assert_eq!(verdict(APP0, S::Jfif, none), Verdict::Rewrite);
    assert_eq!(verdict(APP14, S::Adobe, none), Verdict::Rewrite);
    assert_eq!(verdict(APP2, S::Icc, Keep::ICC), Verdict::Keep);
    assert_eq!(
        verdict(APP2, S::Unknown, Keep::ICC),
        Verdict::Drop(Kinds::OTHER)
    );
    assert_eq!(verdict(APP1, S::Exif, Keep::ORIENTATION), Verdict::Rewrite);
    assert_eq!(verdict(APP1, S::Exif, Keep::COPYRIGHT), Verdict::Rewrite);
    assert_eq!(verdict(APP1, S::Xmp, Keep::COPYRIGHT), Verdict::Rewrite);
    assert_eq!(
        verdict(APP1, S::Xmp, Keep::DISPLAY),
        Verdict::Drop(Kinds::XMP)
    );
    assert_eq!(
        verdict(APP1, S::XmpExtension, Keep::all()),
        Verdict::Drop(Kinds::XMP)
    );
    assert_eq!(
        verdict(APP1, S::Exif, Keep::ICC),
        Verdict::Drop(Kinds::EXIF)
    );
    for m in 0xE0..=0xEF {
        assert!(
            matches!(verdict(m, S::Unknown, Keep::all()), Verdict::Drop(_)),
            "{m:#x}"
        );
    }
}

/// The byte-at-a-time definition the block scan must agree with.
fn entropy_len_bytewise(data: &[u8]) -> usize {
    let mut i = 0;
    while i < data.len() {
        if data[i] == 0xFF {
            let mut j = i;
            while j < data.len() && data[j] == 0xFF {
                j += 1;
            }
            match data.get(j) {
                // Stuffing, RSTn, and the TEM and RES markers damage leaves.
                Some(0x00..=0xBF | 0xD0..=0xD7) => i = j + 1,
                _ => return i,
            }
        } else {
            i += 1;
        }
    }
    data.len()
}

#[test]
fn block_scan_agrees_with_bytewise_scan_at_every_position() {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut data: Vec<u8> = (0..600)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    // Stuff every FF, as an encoder does.
    data = data
        .into_iter()
        .flat_map(|b| if b == 0xFF { vec![0xFF, 0x00] } else { vec![b] })
        .collect();
    assert_eq!(entropy_len(&data), data.len());
    check_every_insertion(&data, 0);
    // Without an RSTn first the blocks let only stuffing through; after one, RSTn too:
    // markers whose bits all lie in `D7` (`C0`, `C4`) must still end the data when they
    // share a block with RSTn, and TEM and RES (`01`, `9F`) must not.
    let mut restarts = vec![0x12, 0xFF, 0xD5];
    for (i, chunk) in data.chunks(20).enumerate() {
        restarts.extend_from_slice(chunk);
        restarts.extend_from_slice(&[0xFF, 0xD0 | (i % 8) as u8]);
    }
    assert_eq!(entropy_len(&restarts), restarts.len());
    check_every_insertion(&restarts, 3);
}

fn check_every_insertion(data: &[u8], from: usize) {
    for at in from..data.len() {
        for inserted in [
            &[0xFF, 0xD9][..],
            &[0xFF, 0xD3],
            &[0xFF, 0xFF, 0xC4],
            &[0xFF, 0xC4],
            &[0xFF, 0xC0],
            &[0xFF, 0x01],
            &[0xFF, 0xFF, 0xFF, 0x9F],
            &[0xFF, 0xBF],
            &[0xFF, 0xFF, 0x00],
            &[0xFF, 0xFF, 0xD0],
            &[0xFF],
        ] {
            let mut d = data.to_vec();
            d.splice(at..at, inserted.iter().copied());
            let want = entropy_len_bytewise(&d);
            assert_eq!(entropy_len(&d), want, "{inserted:x?} at {at}");
            // Scanned and copied a window at a time, with windows that end anywhere
            // relative to the 256-byte blocks, stuffing and markers; `usize::MAX` is a
            // plan's one window.
            for window in [1, 2, 63, 100, 255, 256, 257, 300, WINDOW, usize::MAX] {
                let mut out = vec![0xAA];
                assert_eq!(
                    copy_entropy(&d, &mut out, window),
                    want,
                    "{inserted:x?} at {at}, window {window}"
                );
                assert_eq!(
                    out[1..],
                    d[..want],
                    "{inserted:x?} at {at}, window {window}"
                );
            }
        }
    }
}

#[test]
fn restart_dense_data_is_copied_whole_and_ends_at_the_marker() {
    // An RSTn every 7 bytes, so that every block holds several.
    let mut data = Vec::new();
    for i in 0..2000u32 {
        data.extend_from_slice(&[0x11, 0xFF, 0x00, 0x22, 0x33, 0xFF, 0xD0 | (i % 8) as u8]);
    }
    let end = data.len();
    data.extend_from_slice(&[0xFF, 0xD9, 0xAB]);
    assert_eq!(entropy_len(&data), end);
    let mut out = Vec::new();
    assert_eq!(copy_entropy(&data, &mut out, WINDOW), end);
    assert_eq!(out, data[..end]);
}

/// A failing card leaves blocks of FFs inside a scan; libjpeg resynchronises at the next
/// RSTn after the TEM or RES marker that ends such a block, and decodes the rest. All of the
/// scan stays, so the picture decodes as the input's did; a real marker still ends it.
#[test]
fn damaged_entropy_data_with_tem_or_res_markers_stays_whole() {
    let mut data = ENTROPY.to_vec();
    data.extend_from_slice(&[0xFF; 64]);
    data.extend_from_slice(&[0x9F, 0x77, 0xFF, 0xD1, 0x88]);
    data.extend_from_slice(&[0xFF, 0x01, 0x99, 0xFF, 0xBF, 0x10, 0xFF, 0xD2, 0x20]);
    let picture = |before: &[u8]| {
        let mut v = vec![0xFF, SOI];
        v.extend_from_slice(before);
        v.extend(dqt());
        v.extend(sof(1, 1));
        v.extend(scan(&data));
        v.extend_from_slice(&[0xFF, EOI]);
        v
    };
    let (out, report) = strip_default(&picture(&seg(APP1, &exif_with_orientation(6))));
    assert_eq!(out, picture(&[]));
    assert!(!report.truncated);
    // The first marker that can follow a scan ends it: the COM after it goes.
    let mut input = picture(&[]);
    let eoi = input.len() - 2;
    input.splice(eoi..eoi, seg(COM, b"after the damage"));
    assert_eq!(strip_default(&input).0, picture(&[]));
}

#[test]
fn every_prefix_is_truncated_before_the_scan_and_closed_with_eoi_inside_it() {
    let mut input = jpeg(&[&seg(APP1, &exif_with_orientation(6)), &seg(COM, b"x")]);
    let eoi_end = input.len();
    let data_at = eoi_end - 2 - ENTROPY.len();
    input.extend_from_slice(b"tail");
    for keep in [Keep::empty(), Keep::all()] {
        let (whole, _) = run(&input, keep, Limits::default()).unwrap();
        // Bytes the strip leaves out before the scan (the APP1, or all but its orientation,
        // and the COM): at least 2, so a cut scan always has room for its EOI.
        let shift = eoi_end - whole.len();
        assert!(shift >= 2);
        for n in 0..input.len() {
            let got = run(&input[..n], keep, Limits::default());
            let at = format!("{keep:?} cut at {n}: {got:?}");
            if n < data_at {
                // No scan data yet: nothing to show.
                assert!(
                    matches!(got, Err(Error::Truncated { format: Format::Jpeg, offset, .. }) if offset <= n),
                    "{at}"
                );
                continue;
            }
            let (out, report) = got.expect(&at);
            if n < eoi_end {
                // The data up to the cut (a dangling FF is not data), then EOI.
                let kept = n - shift - usize::from(input[n - 1] == 0xFF);
                assert_eq!(out, [&whole[..kept], &[0xFF, EOI]].concat(), "{at}");
                assert!(report.truncated, "{at}");
            } else {
                assert_eq!(out, whole, "{at}");
                assert!(!report.truncated, "{at}");
            }
        }
    }
}

// Issue 14: every kept segment has the length and structure T.81 gives it, where T.81 puts it.

/// `FF marker` with any declared length and `body`, to build broken segments on purpose.
fn seg_len(marker: u8, len: u16, body: &[u8]) -> Vec<u8> {
    let mut v = vec![0xFF, marker];
    v.extend_from_slice(&len.to_be_bytes());
    v.extend_from_slice(body);
    v
}

/// Asserts `input` is malformed JPEG at `offset`.
fn assert_malformed_at(input: &[u8], offset: usize) {
    match run(input, Keep::empty(), Limits::default()) {
        Err(Error::Malformed {
            format: Format::Jpeg,
            offset: at,
            ..
        }) => assert_eq!(at, offset),
        other => panic!("expected Malformed at {offset}, got {other:?}"),
    }
}

/// SOI, DQT, SOF0 1×1, `first` scan, then `between`, a second scan, EOI.
fn two_scans(between: &[&[u8]]) -> Vec<u8> {
    let mut v = vec![0xFF, SOI];
    v.extend(dqt());
    v.extend(sof(1, 1));
    v.extend(scan(ENTROPY));
    for b in between {
        v.extend_from_slice(b);
    }
    v.extend(scan(&[0xAB, 0xCD]));
    v.extend_from_slice(&[0xFF, EOI]);
    v
}

#[test]
fn keeps_dnl_only_right_after_the_first_scan() {
    let dnl = seg(DNL, &[0, 1]);
    // T.81 B.2.5: right after the first scan it is part of the image.
    let input = two_scans(&[&dnl]);
    assert_eq!(strip_default(&input).0, input);
    // Anywhere else no decoder uses it (libjpeg skips every DNL) and it goes: before the
    // frame, before the first scan, after a segment that follows the first scan, a second
    // one, after the second scan.
    let clean = two_scans(&[]);
    let before_scan = {
        let mut v = jpeg(&[]);
        let at = v.len() - 2 - ENTROPY.len() - 10;
        v.splice(at..at, dnl.iter().copied());
        v
    };
    let mut cases = vec![
        (jpeg(&[&dnl]), jpeg(&[])),
        (before_scan, jpeg(&[])),
        (two_scans(&[&dnl, &dnl]), two_scans(&[&dnl])),
        (two_scans(&[&seg(COM, b"c"), &dnl]), clean.clone()),
    ];
    let mut after_second = clean.clone();
    after_second.splice(clean.len() - 2..clean.len() - 2, dnl.iter().copied());
    cases.push((after_second, clean.clone()));
    for (input, want) in cases {
        let (out, report) = strip_default(&input);
        assert_eq!(out, want, "{input:x?}");
        assert!(report.removed.contains(Kinds::OTHER));
    }
}

#[test]
fn dnl_after_the_first_scan_is_cut_to_four_bytes_or_malformed_when_shorter() {
    let input = two_scans(&[&seg(DNL, b"\0\x01hidden")]);
    let (out, report) = strip_default(&input);
    assert_eq!(out, two_scans(&[&seg(DNL, &[0, 1])]));
    assert_eq!(report.removed, Kinds::OTHER);
    assert_eq!(report.bytes_removed, 6);
    // Ld = 3: NL cut in half.
    let input = two_scans(&[&seg(DNL, &[0])]);
    let at = jpeg(&[]).len() - 2 + 2;
    assert_malformed_at(&input, at);
}

/// SOI, DQT, DHT, `before`, SOF0, scan, `between`, SOF5 (differential), scan, EOI: a
/// hierarchical file (T.81 B.3) when `before` holds its DHP.
fn hierarchical(before: &[&[u8]], between: &[&[u8]]) -> Vec<u8> {
    let mut v = vec![0xFF, SOI];
    v.extend(dqt());
    v.extend(seg(0xC4, &[0; 17]));
    for b in before {
        v.extend_from_slice(b);
    }
    v.extend(sof(1, 1));
    v.extend(scan(ENTROPY));
    for b in between {
        v.extend_from_slice(b);
    }
    let mut sof5 = sof(2, 2);
    sof5[1] = 0xC5;
    v.extend(sof5);
    v.extend(scan(&[0xAB, 0xCD]));
    v.extend_from_slice(&[0xFF, EOI]);
    v
}

/// A DHP (T.81 B.3.2, the frame header's syntax) for one 2×2 component.
fn dhp() -> Vec<u8> {
    let mut v = sof(2, 2);
    v[1] = 0xDE;
    v
}

#[test]
fn keeps_dhp_and_exp_of_a_hierarchical_file_cut_to_their_fields() {
    let exp = seg(0xDF, &[0x11]);
    let input = hierarchical(&[&dhp()], &[&exp]);
    assert_eq!(strip_default(&input).0, input);
    let mut long_dhp = dhp();
    long_dhp.extend_from_slice(b"hidden");
    long_dhp[3] += 6;
    let long_exp = seg(0xDF, b"\x11hidden");
    let (out, report) = strip_default(&hierarchical(&[&long_dhp], &[&long_exp]));
    assert_eq!(out, input);
    assert_eq!(report.removed, Kinds::OTHER);
    assert_eq!(report.bytes_removed, 12);
    // One DHP, before the first frame; one EXP before a frame, after the first frame.
    let (out, _) = strip_default(&hierarchical(&[&dhp(), &dhp()], &[&exp, &exp]));
    assert_eq!(out, input);
    let mut late_dhp = hierarchical(&[&dhp()], &[&dhp()]);
    assert_eq!(strip_default(&late_dhp).0, hierarchical(&[&dhp()], &[]));
    late_dhp = hierarchical(&[&dhp(), &exp], &[]);
    assert_eq!(strip_default(&late_dhp).0, hierarchical(&[&dhp()], &[]));
}

#[test]
fn drops_dhp_and_exp_in_a_file_that_is_not_hierarchical() {
    let exp = seg(0xDF, &[0x11]);
    // A baseline file: no differential frame follows the DHP.
    let (out, report) = strip_default(&jpeg(&[&dhp(), &exp]));
    assert_eq!(out, jpeg(&[]));
    assert_eq!(report.removed, Kinds::OTHER);
    let (out, _) = strip_default(&two_scans(&[&exp]));
    assert_eq!(out, two_scans(&[]));
    // Differential frames without a DHP are no hierarchical process either.
    let (out, _) = strip_default(&hierarchical(&[], &[&exp]));
    assert_eq!(out, hierarchical(&[], &[]));
    // A differential frame header cut off by the end of the input does not count: the
    // output would have a DHP and no differential frame, and strip again without the DHP.
    let whole = hierarchical(&[&dhp()], &[]);
    let sof5 = whole.len() - 2 - 10 - 2 - 13;
    assert_eq!(whole[sof5 + 1], 0xC5);
    let (out, _) = strip_default(&whole[..sof5 + 6]);
    assert!(!contains(&out, &dhp()));
}

#[test]
fn short_dhp_or_exp_of_a_hierarchical_file_is_malformed() {
    let short_dhp = seg_len(0xDE, 10, &dhp()[4..12]);
    let at = 2 + 69 + 21 + 2;
    assert_malformed_at(&hierarchical(&[&short_dhp], &[]), at);
    let no_ev = seg(0xDF, &[]);
    let at = hierarchical(&[&dhp()], &[]).len() - 2 - 10 - 2 - 13 + 2;
    assert_malformed_at(&hierarchical(&[&dhp()], &[&no_ev]), at);
}

#[test]
fn frame_header_length_must_match_its_components() {
    let at = 2 + 69 + 2; // the SOF's length field
    let mut long = jpeg(&[]);
    long[at + 1] += 3;
    long.splice(at + 11..at + 11, [1, 2, 3]);
    assert_malformed_at(&long, at);
    // Nf = 2 in a segment that holds one component.
    let mut short = jpeg(&[]);
    short[at + 7] = 2;
    assert_malformed_at(&short, at);
    // Five bytes: no Nf at all.
    let mut no_nf = vec![0xFF, SOI];
    no_nf.extend(dqt());
    no_nf.extend(seg(0xC0, &[8, 0, 1, 0, 1]));
    no_nf.extend(scan(ENTROPY));
    assert_malformed_at(&no_nf, at);
}

#[test]
fn scan_header_length_must_match_its_components() {
    let at = 2 + 69 + 13 + 2; // the SOS's length field
    let mut long = jpeg(&[]);
    long[at + 1] += 2;
    long.splice(at + 8..at + 8, [0x12, 0x34]);
    assert_malformed_at(&long, at);
    let mut short = jpeg(&[]);
    short[at + 2] = 2; // Ns = 2 in a header with one component
    assert_malformed_at(&short, at);
    let mut empty = vec![0xFF, SOI];
    empty.extend(dqt());
    empty.extend(sof(1, 1));
    empty.extend(seg(SOS, &[]));
    empty.extend_from_slice(&[0x12, 0xFF, EOI]);
    assert_malformed_at(&empty, at);
}

#[test]
fn dri_must_be_four_bytes() {
    let at = 2 + 2;
    assert_malformed_at(&jpeg(&[&seg(0xDD, &[0, 4, 0])]), at);
    assert_malformed_at(&jpeg(&[&seg(0xDD, &[0])]), at);
    let dri = seg(0xDD, &[0, 4]);
    assert_eq!(strip_default(&jpeg(&[&dri])).0, jpeg(&[&dri]));
}

#[test]
fn dqt_must_hold_whole_tables() {
    let at = 2 + 2;
    // An 8-bit and a 16-bit table (Pq 0 and 1) stay.
    let mut two = vec![0x00];
    two.extend_from_slice(&[1; 64]);
    two.push(0x11);
    two.extend_from_slice(&[2; 128]);
    let input = jpeg(&[&seg(0xDB, &two)]);
    assert_eq!(strip_default(&input).0, input);
    // A byte after the last table, a 16-bit table cut short, a precision of 2.
    let mut trailing = two.clone();
    trailing.push(0);
    assert_malformed_at(&jpeg(&[&seg(0xDB, &trailing)]), at);
    assert_malformed_at(&jpeg(&[&seg(0xDB, &two[..65 + 65])]), at);
    let mut pq2 = vec![0x20];
    pq2.extend_from_slice(&[1; 64]);
    assert_malformed_at(&jpeg(&[&seg(0xDB, &pq2)]), at);
}

#[test]
fn dht_must_hold_whole_tables() {
    let at = 2 + 2;
    // Two tables: one with 3 codes, one with none.
    let mut two = vec![0x00, 0, 3];
    two.extend_from_slice(&[0; 14]);
    two.extend_from_slice(&[1, 2, 3]);
    two.push(0x10);
    two.extend_from_slice(&[0; 16]);
    let input = jpeg(&[&seg(0xC4, &two)]);
    assert_eq!(strip_default(&input).0, input);
    // Fewer than 17 bytes after the last table, a table whose codes run past the segment,
    // a table of more than 256 codes.
    let mut trailing = two.clone();
    trailing.extend_from_slice(b"hidden");
    assert_malformed_at(&jpeg(&[&seg(0xC4, &trailing)]), at);
    assert_malformed_at(&jpeg(&[&seg(0xC4, &two[..19])]), at);
    let mut huge = vec![0x00];
    huge.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 0, 0, 0, 0, 0, 0]);
    huge.extend_from_slice(&[7; 510]);
    assert_malformed_at(&jpeg(&[&seg(0xC4, &huge)]), at);
}

#[test]
fn dac_must_hold_whole_entries() {
    let dac = seg(0xCC, &[0x00, 0x10, 0x10, 0x05]);
    let input = jpeg(&[&dac]);
    assert_eq!(strip_default(&input).0, input);
    assert_malformed_at(&jpeg(&[&seg(0xCC, &[0x00, 0x10, 0x10])]), 2 + 2);
}
