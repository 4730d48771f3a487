//! GIF canaries.

use super::*;

pub(crate) const GIF_CANARIES: &[Canary] = &[
    canary("CANARY-GIF-COMMENT-1b1b", "ASCII"),
    canary("CANARY-GIF-LATE-COMMENT-2c2c", "UTF-16LE"),
    canary("CANARY-GIF-PLAIN-TEXT-3d3d", "ASCII"),
    canary("CANARY-GIF-XMP-4e4e", "ASCII"),
    Canary {
        text: "CANARY-GIF-ICC-5f5f",
        encoding: "UTF-16BE",
        kept_by_display: true,
    },
    canary("CANARY-GIF-8BIM-6a6a", "ASCII"),
    canary("CANARY-GIF-IPTC-7b7b", "ASCII"),
    canary("CANARY-GIF-IMAGEMAGICK-8c8c", "ASCII"),
    canary("CANARY-GIF-C2PA-9d9d", "ASCII"),
    canary("CANARY-GIF-UNKNOWN-APP-aeae", "ASCII"),
    canary("CANARY-GIF-UNKNOWN-LABEL-bfbf", "UTF-16BE"),
    canary("CANARY-GIF-GCE-EXTRA-c0c0", "ASCII"),
    canary("CANARY-GIF-LOOP-EXTRA-d1d1", "ASCII"),
    canary("CANARY-GIF-AFTER-TRAILER-e2e2", "ASCII"),
];

/// The hostile GIF (metadata before, between and after the frames, extra sub-blocks in the
/// graphic control and loop extensions, bytes after the trailer), the clean image, and the
/// ICC extension it holds.
fn hostile_gif() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let clean = common::sample_gif(16, 10, 3);
    let w = g::walk(&clean);
    let raw = |b: &g::Block| clean[b.start..b.end].to_vec();
    let ext = |b: &g::Block| match b.kind {
        g::Kind::Extension { label } => label,
        _ => 0,
    };
    let screen = raw(&w.blocks[0]);
    let looping = w.blocks.iter().find(|b| ext(b) == 0xFF).unwrap();
    let count = &clean[looping.subs[1].clone()];
    let gces: Vec<&g::Block> = w.blocks.iter().filter(|b| ext(b) == 0xF9).collect();
    let images: Vec<Vec<u8>> = w
        .blocks
        .iter()
        .filter(|b| b.kind == g::Kind::Image)
        .map(raw)
        .collect();
    assert_eq!(
        (gces.len(), images.len()),
        (3, 3),
        "test bug: sample GIF layout"
    );
    let gce_fields = &clean[gces[0].subs[0].clone()];
    let text = |name: &str| text_of(name).as_bytes().to_vec();
    let mut profile = vec![0u8; 128];
    profile[36..40].copy_from_slice(b"acsp");
    profile.extend_from_slice(&encode(text_of("GIF-ICC"), "UTF-16BE"));
    let icc = g::application(g::ICC_ID, &profile);
    let mut xmp =
        b"<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?><x:xmpmeta><dc:creator>".to_vec();
    xmp.extend(text("GIF-XMP"));
    xmp.extend_from_slice(b"</dc:creator></x:xmpmeta><?xpacket end='w'?>");

    let mut input = screen.clone();
    input.extend(g::comment(&text("GIF-COMMENT")));
    input.extend(g::extension(
        0xFF,
        &[b"NETSCAPE2.0", count, &text("GIF-LOOP-EXTRA")],
    ));
    input.extend(g::xmp(&xmp));
    input.extend(&icc);
    input.extend(g::application(
        b"MGK8BIM0000",
        &[b"8BIM\x04\x04".as_slice(), &text("GIF-8BIM")].concat(),
    ));
    input.extend(g::application(
        b"MGKIPTC0000",
        &[b"\x1c\x02\x50".as_slice(), &text("GIF-IPTC")].concat(),
    ));
    input.extend(g::application(b"ImageMagick", &text("GIF-IMAGEMAGICK")));
    input.extend(g::application(b"C2PA_GIF\x01\x00\x00", &text("GIF-C2PA")));
    input.extend(g::application(b"XYZCORP1.00", &text("GIF-UNKNOWN-APP")));
    input.extend(g::extension(0xF9, &[gce_fields, &text("GIF-GCE-EXTRA")]));
    input.extend(&images[0]);
    input.extend(g::extension(
        0x01,
        &[
            &[0, 0, 0, 0, 16, 0, 10, 0, 8, 8, 1, 0],
            &text("GIF-PLAIN-TEXT"),
        ],
    ));
    input.extend(raw(gces[1]));
    input.extend(&images[1]);
    input.extend(g::extension(
        0x99,
        &[&encode(text_of("GIF-UNKNOWN-LABEL"), "UTF-16BE")],
    ));
    input.extend(raw(gces[2]));
    input.extend(&images[2]);
    input.extend(g::comment(&encode(text_of("GIF-LATE-COMMENT"), "UTF-16LE")));
    input.push(g::TRAILER);
    input.extend(g::comment(&text("GIF-AFTER-TRAILER")));
    input.push(g::TRAILER);
    (input, clean, icc)
}

#[test]
fn gif_canaries_in_every_metadata_place_are_all_gone() {
    let (input, clean, _) = hostile_gif();
    assert_walker_sees(Format::Gif, &input, 14);
    let out = assert_strips_clean(
        Format::Gif,
        &input,
        GIF_CANARIES,
        Some(&clean),
        Keep::empty(),
    );
    assert_eq!(
        out, clean,
        "the output is not exactly the image blocks of the input"
    );
}

#[test]
fn gif_keep_display_keeps_only_the_icc_extension() {
    let (input, clean, icc) = hostile_gif();
    let out = assert_strips_clean(
        Format::Gif,
        &input,
        GIF_CANARIES,
        Some(&clean),
        Keep::DISPLAY,
    );
    assert!(
        common::find(&out, &icc).is_some(),
        "the ICC extension is not kept whole"
    );
}

#[test]
fn gif_metadata_extension_overrunning_the_file_never_survives() {
    let (_, clean, _) = hostile_gif();
    let w = g::walk(&clean);
    let first_image_end = w
        .blocks
        .iter()
        .find(|b| b.kind == g::Kind::Image)
        .unwrap()
        .end;
    let canary = text_of("GIF-COMMENT").as_bytes();
    // A comment whose sub-block says 200 bytes where the file ends: the frames before it
    // stay, closed with a trailer; none of the comment does.
    let mut cut = clean[..first_image_end].to_vec();
    cut.extend_from_slice(&[0x21, 0xFE, 200]);
    cut.extend_from_slice(canary);
    let out = imgstrip::strip(&cut, Limits::default()).unwrap();
    assert!(canary_hits(&out, text_of("GIF-COMMENT")).is_empty());
    assert_eq!(out, [&clean[..first_image_end], &[g::TRAILER][..]].concat());
    // The same before any image: nothing to show, a typed error.
    let screen_end = w.blocks[0].end;
    let mut early = clean[..screen_end].to_vec();
    early.extend_from_slice(&[0x21, 0xFE, 200]);
    early.extend_from_slice(canary);
    let err = imgstrip::strip(&early, Limits::default()).unwrap_err();
    assert!(
        matches!(err, Error::Truncated { format: Format::Gif, offset, .. } if offset == screen_end + 3),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Issue 14: every kept unit with exactly its defined bytes.
// ---------------------------------------------------------------------------------------

#[test]
fn gif_kept_extensions_hold_only_their_defined_bytes() {
    // Text planted inside the units that stay: after the 4 data bytes of a graphic control
    // extension's first sub-block, after `01 lo hi` in the loop sub-block itself, and in an
    // application extension whose header block is not the 11 bytes of NETSCAPE2.0.
    let (_, clean, _) = hostile_gif();
    let w = g::walk(&clean);
    let ext = |b: &g::Block| match b.kind {
        g::Kind::Extension { label } => label,
        _ => 0,
    };
    let texts = [
        "CANARY-GIF-GCE-TAIL-f3f3",
        "CANARY-GIF-LOOP-TAIL-a4a4",
        "CANARY-GIF-APP-HEADER-b5b5",
    ];
    let mut input = Vec::new();
    let mut at = 0;
    for b in &w.blocks {
        input.extend_from_slice(&clean[at..b.start]);
        match ext(b) {
            0xF9 => {
                let fields = &clean[b.subs[0].clone()];
                input.extend(g::extension(
                    0xF9,
                    &[&[fields, texts[0].as_bytes()].concat()],
                ));
            }
            0xFF => {
                let count = &clean[b.subs[1].clone()];
                input.extend(g::extension(
                    0xFF,
                    &[b"NETSCAPE2.0", &[count, texts[1].as_bytes()].concat()],
                ));
                input.extend(g::extension(
                    0xFF,
                    &[b"NETSCAPE2.0 ", &[count, texts[2].as_bytes()].concat()],
                ));
            }
            _ => input.extend_from_slice(&clean[b.start..b.end]),
        }
        at = b.end;
    }
    input.extend_from_slice(&clean[at..]);
    let canaries: Vec<Canary> = texts.iter().map(|t| canary(t, "ASCII")).collect();
    let out = assert_strips_clean(Format::Gif, &input, &canaries, Some(&clean), Keep::empty());
    assert_eq!(out, clean);
}
