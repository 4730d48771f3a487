//! Image sequences: `moov` tracks, their `stco`/`co64` chunks and the animation limit.

use super::*;

/// `(offset, size)` of each chunk of each track, read back through stco/co64 and stsz.
fn chunks(data: &[u8]) -> Vec<Vec<u8>> {
    let (ms, me) = child(data, 0, data.len(), b"moov").unwrap();
    let mut v = Vec::new();
    for (kind, s, e) in boxes(data, ms, me) {
        if &kind != b"trak" {
            continue;
        }
        let (ds, de) = child(data, s, e, b"mdia").unwrap();
        let (ns, ne) = child(data, ds, de, b"minf").unwrap();
        let (bs, be_) = child(data, ns, ne, b"stbl").unwrap();
        let (zs, _) = child(data, bs, be_, b"stsz").unwrap();
        let (offsets, width) = match child(data, bs, be_, b"stco") {
            Some((cs, _)) => (cs, 4),
            None => (child(data, bs, be_, b"co64").unwrap().0, 8),
        };
        let n = be(&data[offsets + 4..offsets + 8]) as usize;
        for i in 0..n {
            let o = be(&data[offsets + 8 + i * width..offsets + 8 + (i + 1) * width]) as usize;
            let size = be(&data[zs + 12 + i * 4..zs + 16 + i * 4]) as usize;
            v.push(data[o..o + size].to_vec());
        }
    }
    v
}

#[test]
fn sequences_keep_every_chunk_through_stco_and_co64() {
    let input = sequence();
    let before = chunks(&input);
    assert_eq!(before.len(), 5);
    let out = stripped(&input);
    assert_clean(&out);
    // The metadata track is gone; the two others keep every sample, in order.
    assert_eq!(chunks(&out), before[..4].to_vec());
    assert_eq!(item(&out, 1).unwrap(), b"frame-0");
    assert!(!contains(&out, b"udta") && !contains(&out, b"CANARY"));
    let report = Stripper::new().strip(&input).unwrap().report;
    assert_eq!(report.frames, 2);
    assert!(report
        .removed
        .contains(Kinds::EXIF | Kinds::TIMESTAMP | Kinds::ICC | Kinds::OTHER));
    // The mdat holds exactly the four samples, once each (frame-0 is also item 1).
    assert!(out.ends_with(&bx(b"mdat", b"frame-0alpha-0frame-1alpha-1")));
}

#[test]
fn sequences_without_meta_are_stripped_too() {
    let input = sequence_with(false);
    let out = stripped(&input);
    assert!(!contains(&out, b"CANARY"));
    assert_eq!(top_kinds(&out), [*b"ftyp", *b"moov", *b"mdat"]);
    assert_eq!(chunks(&out), chunks(&input)[..4].to_vec());
}

#[test]
fn sequence_frames_count_toward_the_animation_limit() {
    let limits = Limits {
        max_animation_pixels: 16 * 8 * 2 - 1,
        ..Limits::default()
    };
    let e = Stripper::new()
        .limits(limits)
        .strip(&sequence())
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::LimitExceeded {
                limit: Limit::AnimationPixels,
                value: 256,
                ..
            }
        ),
        "{e:?}"
    );
}
