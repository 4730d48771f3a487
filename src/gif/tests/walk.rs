//! The walk: a missing trailer, truncation, unknown blocks, frame and size limits, every
//! prefix, and sub-block skipping.

use super::*;

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
        // The cut-off block goes; the trailer added makes the output one byte longer.
        assert_eq!(report.bytes_removed, (n - second - 1) as u64);
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
