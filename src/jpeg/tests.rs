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
    assert_eq!(err.offset(), 4);
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
                Some(0x00 | 0xD0..=0xD7) => i = j + 1,
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
    let mut data: Vec<u8> = (0..300)
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
    // markers whose bits all lie in `D7` (`C0`, `C4`, `01`) must still end the data when
    // they share a block with RSTn.
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
            &[0xFF, 0xFF, 0x00],
            &[0xFF, 0xFF, 0xD0],
            &[0xFF],
        ] {
            let mut d = data.to_vec();
            d.splice(at..at, inserted.iter().copied());
            let want = entropy_len_bytewise(&d);
            assert_eq!(entropy_len(&d), want, "{inserted:x?} at {at}");
            // Scanned and copied a window at a time, with windows that end anywhere
            // relative to the 64-byte blocks, stuffing and markers.
            for window in [1, 2, 63, 64, 65, 100, 128, WINDOW] {
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

#[test]
fn every_prefix_gives_ok_or_a_typed_error() {
    let mut input = jpeg(&[&seg(APP1, &exif_with_orientation(6)), &seg(COM, b"x")]);
    input.extend_from_slice(b"tail");
    for keep in [Keep::empty(), Keep::all()] {
        for n in 0..input.len() {
            let _ = run(&input[..n], keep, Limits::default());
        }
    }
}
