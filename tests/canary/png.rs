//! PNG canaries.

use super::*;

pub(crate) const PNG_CANARIES: &[Canary] = &[
    canary("CANARY-PNG-TEXT-1111", "ASCII"),
    canary("CANARY-PNG-ZTXT-2222", "ASCII"),
    canary("CANARY-PNG-ITXT-3333", "ASCII"),
    canary("CANARY-PNG-EXIF-4444", "ASCII"),
    canary("CANARY-PNG-EXIF-XP-5555", "UTF-16LE"),
    canary("CANARY-PNG-ICC-NAME-6666", "ASCII"),
    Canary {
        text: "CANARY-PNG-ICC-DATA-7777",
        encoding: "UTF-16BE",
        kept_by_display: true,
    },
    canary("CANARY-PNG-PRIVATE-8888", "UTF-16BE"),
    canary("CANARY-PNG-LATE-TEXT-9999", "ASCII"),
    canary("CANARY-PNG-AFTER-IEND-aaaa", "ASCII"),
];

/// The hostile PNG (metadata before and after IDAT, bytes after IEND), and the clean image.
fn hostile_png() -> (Vec<u8>, Vec<u8>) {
    let clean = common::sample_png(20, 12, 5);
    let w = p::walk(&clean);
    let raw = |c: &p::Chunk| clean[c.start..c.end].to_vec();
    let ihdr = raw(&w.chunks[0]);
    let idats: Vec<Vec<u8>> = w
        .chunks
        .iter()
        .filter(|c| &c.kind == b"IDAT")
        .map(raw)
        .collect();
    let iend = raw(w.chunks.last().unwrap());
    let mut xp = encode(text_of("PNG-EXIF-XP"), "UTF-16LE");
    xp.extend_from_slice(&[0, 0]);
    let exif = tiff_le(
        &[
            Entry::ascii(0x010E, text_of("PNG-EXIF-4444")),
            Entry::short(0x0112, 8),
            Entry::bytes(0x9C9C, &xp),
        ],
        &[],
        None,
    );
    let mut profile = vec![0u8; 128];
    profile[36..40].copy_from_slice(b"acsp");
    profile.extend_from_slice(&encode(text_of("PNG-ICC-DATA"), "UTF-16BE"));
    let gama = chunk(b"gAMA", &45455u32.to_be_bytes());
    let phys = chunk(b"pHYs", &[0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1]);
    let mut input = p::SIGNATURE.to_vec();
    input.extend(&ihdr);
    input.extend(p::text(b"Comment", text_of("PNG-TEXT").as_bytes()));
    input.extend(&gama);
    input.extend(p::ztxt(
        b"Raw profile type exif",
        text_of("PNG-ZTXT").as_bytes(),
    ));
    input.extend(p::itxt(
        b"XML:com.adobe.xmp",
        b"en",
        b"",
        text_of("PNG-ITXT").as_bytes(),
    ));
    input.extend(chunk(b"eXIf", &exif));
    input.extend(p::iccp(text_of("PNG-ICC-NAME").as_bytes(), &profile));
    input.extend(p::time(2024, [5, 6, 7, 8, 9]));
    input.extend(&phys);
    input.extend(chunk(b"prVt", &encode(text_of("PNG-PRIVATE"), "UTF-16BE")));
    for idat in &idats {
        input.extend(idat);
    }
    input.extend(p::text(b"Author", text_of("PNG-LATE-TEXT").as_bytes()));
    input.extend(chunk(b"vpAg", &[0, 0, 0, 20, 0, 0, 0, 12, 0]));
    input.extend(&iend);
    input.extend(b"\x78\x9c leftover of a longer image ");
    input.extend(text_of("PNG-AFTER-IEND").as_bytes());
    let expected = [
        &p::SIGNATURE[..],
        &ihdr,
        &gama,
        &phys,
        &idats.concat(),
        &iend,
    ]
    .concat();
    (input, expected)
}

#[test]
fn png_canaries_in_every_metadata_place_are_all_gone() {
    let (input, expected) = hostile_png();
    assert_walker_sees(Format::Png, &input, 10);
    let out = assert_strips_clean(
        Format::Png,
        &input,
        PNG_CANARIES,
        Some(&expected),
        Keep::empty(),
    );
    assert_eq!(
        out, expected,
        "the output is not exactly the image chunks of the input"
    );
}

#[test]
fn png_keep_display_keeps_only_icc_and_orientation() {
    let (input, expected) = hostile_png();
    let out = assert_strips_clean(
        Format::Png,
        &input,
        PNG_CANARIES,
        Some(&expected),
        Keep::DISPLAY,
    );
    assert!(
        p::bad_written_crcs(&input, &out).is_empty(),
        "a written chunk has a wrong CRC"
    );
    let kinds: Vec<[u8; 4]> = p::walk(&out).chunks.iter().map(|c| c.kind).collect();
    assert!(
        kinds.contains(b"iCCP") && kinds.contains(b"eXIf"),
        "ICC or orientation not kept: {kinds:?}"
    );
}

#[test]
fn png_metadata_chunk_with_a_bad_crc_or_length_never_survives() {
    let (_, clean) = hostile_png();
    let (head, tail) = clean.split_at(33); // signature + IHDR
    let canary = text_of("PNG-TEXT").as_bytes();
    // A wrong CRC: the chunk still goes (CRCs of dropped chunks do not matter).
    let bad_crc = p::chunk_with(
        b"tEXt",
        u32::try_from(canary.len()).unwrap(),
        canary,
        Some(0xDEAD_BEEF),
    );
    let out = imgstrip::strip(&[head, &bad_crc, tail].concat(), Limits::default()).unwrap();
    assert!(canary_hits(&out, text_of("PNG-TEXT")).is_empty());
    assert_eq!(out, clean);
    // A length past the end of the file: an error, never a copy.
    let overrun = p::chunk_with(b"tEXt", 0x7FFF_0000, canary, None);
    let err = imgstrip::strip(&[head, &overrun, tail].concat(), Limits::default()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Truncated {
                format: Format::Png,
                ..
            }
        ),
        "{err:?}"
    );
    // A length over 2^31 - 1.
    let huge = p::chunk_with(b"tEXt", 0x8000_0000, canary, None);
    let err = imgstrip::strip(&[head, &huge, tail].concat(), Limits::default()).unwrap_err();
    assert_eq!(err.offset(), Some(33), "{err:?}");
}

// ---------------------------------------------------------------------------------------
// Issue 14: an allow-list with lengths. Each test plants a canary where decoders do not look
// (past a chunk's defined length, in a chunk decoders skip, in an unknown critical chunk)
// and checks that it is gone and that the picture a decoder shows is the input's.
// ---------------------------------------------------------------------------------------

/// The length of a chunk header plus CRC.
const FRAME: usize = 12;

/// Signature + IHDR of the sample image: where chunks are planted.
const AFTER_IHDR: usize = 33;

/// Signature, IHDR (`width` × `height`, `depth`, `colour` type), the `before` chunks, one
/// IDAT holding `rows` (scanlines with their filter bytes) in a stored zlib stream, the
/// `after` chunks, IEND: a small image the oracle decodes.
fn built_png(
    (width, height, depth, colour): (u32, u32, u8, u8),
    before: &[&[u8]],
    rows: &[u8],
    after: &[&[u8]],
) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[depth, colour, 0, 0, 0]);
    [
        &p::SIGNATURE[..],
        &chunk(b"IHDR", &ihdr),
        &before.concat(),
        &chunk(b"IDAT", &common::zlib_stored(rows)),
        &after.concat(),
        &chunk(b"IEND", &[]),
    ]
    .concat()
}

/// A 4×3 8-bit image of `channels` samples per pixel, filter type 0: the scanlines.
fn rows(channels: usize) -> Vec<u8> {
    (0..3u8)
        .flat_map(|y| {
            let mut row = vec![0u8];
            row.extend((0..4 * channels).map(|i| y * 60 + u8::try_from(i).unwrap() * 7));
            row
        })
        .collect()
}

/// `input` with `chunks` inserted at byte `at` (a chunk boundary).
fn planted_at(input: &[u8], at: usize, chunks: &[&[u8]]) -> Vec<u8> {
    [&input[..at], &chunks.concat(), &input[at..]].concat()
}

/// Where the first IDAT starts.
fn idat_at(png: &[u8]) -> usize {
    p::walk(png)
        .chunks
        .iter()
        .find(|c| &c.kind == b"IDAT")
        .unwrap()
        .start
}

/// `text` padded with `#` (or cut) to exactly `len` bytes.
fn sized(text: &str, len: usize) -> Vec<u8> {
    let mut v = text.as_bytes().to_vec();
    v.resize(len, b'#');
    v
}

/// Strips with the default options and checks what every case here needs: past
/// [`assert_strips_clean`] (the canaries, all ASCII, gone), the output ends with IEND, every
/// chunk the strip wrote has a correct CRC, and a decoder that reads the input shows the
/// same picture in the output.
fn strip_clean(input: &[u8], canaries: &[&str]) -> Vec<u8> {
    let canaries: Vec<Canary> = canaries.iter().map(|t| canary(t, "ASCII")).collect();
    let out = assert_strips_clean(Format::Png, input, &canaries, None, Keep::empty());
    assert!(p::walk(&out).saw_iend, "the output has no IEND");
    assert!(
        p::bad_written_crcs(input, &out).is_empty(),
        "a written chunk has a wrong CRC"
    );
    assert_eq!(
        oracle::same_pixels(input, &out),
        Ok(oracle::decode(input).is_ok()),
        "the output does not show the input's picture"
    );
    out
}

/// The output chunk of `kind`: it must be there exactly once, `len` data bytes long, with a
/// correct CRC.
fn assert_chunk_len(out: &[u8], kind: &[u8; 4], len: usize) {
    let w = p::walk(out);
    let found: Vec<&p::Chunk> = w.chunks.iter().filter(|c| &c.kind == kind).collect();
    assert_eq!(
        found.len(),
        1,
        "{} chunks: {found:?}",
        String::from_utf8_lossy(kind)
    );
    let c = found[0];
    assert_eq!(c.body.len(), len, "{} is not cut to {len} bytes", c.name());
    assert_eq!(c.end - c.start, len + FRAME);
    assert!(p::crc_ok(out, c), "{} has a wrong CRC", c.name());
}

#[test]
fn png_fixed_size_chunks_longer_than_their_definition_go() {
    // libpng (1.6.58, pngrutil.c `read_chunks`: "too long") and image-png (0.18, `start_chunk`
    // length ranges: `Reject`) skip such a chunk whole; cut to its defined bytes it would be
    // read, and change what they show (acTL would turn a still into an animation). So it goes.
    let base = common::sample_png(20, 12, 5); // 8-bit RGB
    let fields: [(&[u8; 4], Vec<u8>); 12] = [
        (b"gAMA", 45455u32.to_be_bytes().to_vec()),
        (b"cHRM", [0x00, 0x00, 0x7A, 0x26].repeat(8)),
        (b"sRGB", vec![0]),
        (b"pHYs", vec![0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1]),
        (b"cICP", vec![1, 13, 0, 1]),
        (b"cLLI", vec![0, 0, 0x03, 0xE8, 0, 0, 0x01, 0x90]),
        (b"cLLi", vec![0, 0, 0x03, 0xE8, 0, 0, 0x01, 0x90]),
        (b"mDCV", vec![0x40; 24]),
        (b"mDCv", vec![0x40; 24]),
        (b"sBIT", vec![8, 8, 8]),
        (b"bKGD", vec![0, 1, 0, 2, 0, 3]),
        (b"acTL", vec![0, 0, 0, 1, 0, 0, 0, 0]),
    ];
    for (kind, defined) in fields {
        let text = format!("CANARY-PNG-LONG-{}-1414", String::from_utf8_lossy(kind));
        let long = chunk(kind, &[&defined[..], text.as_bytes()].concat());
        let input = planted_at(&base, AFTER_IHDR, &[&long]);
        let out = strip_clean(&input, &[&text]);
        assert_eq!(out, base, "{}", String::from_utf8_lossy(kind));
        let report = Stripper::new().strip(&input).unwrap().report;
        assert_eq!(report.bytes_removed, long.len() as u64);
    }
}

#[test]
fn png_listed_chunks_shorter_than_their_definition_go() {
    // libpng: "too short" or "bad length", a benign error: the chunk is skipped. An acTL too
    // short to hold the frame count is skipped too (the APNG readers show the default image)
    // and so goes rather than making the file an error.
    let base = common::sample_png(20, 12, 5);
    let short: [(&[u8; 4], Vec<u8>); 8] = [
        (b"gAMA", vec![0, 1, 2]),
        (b"cHRM", sized("CANARY-PNG-SHORT-cHRM-1515", 31)),
        (b"sRGB", vec![]),
        (b"pHYs", sized("CANARY-PH", 8)),
        (b"mDCV", sized("CANARY-PNG-SHORT-mDCV", 23)),
        (b"sBIT", vec![8, 8]),
        (b"bKGD", vec![0, 1]),
        (b"acTL", vec![0, 0, 0, 2]),
    ];
    for (kind, body) in short {
        let input = planted_at(&base, AFTER_IHDR, &[&chunk(kind, &body)]);
        let text = String::from_utf8_lossy(&body).into_owned();
        let canaries: Vec<&str> = [text.as_str()]
            .into_iter()
            .filter(|t| t.starts_with("CANARY-PNG"))
            .collect();
        let out = strip_clean(&input, &canaries);
        assert_eq!(out, base, "{}", String::from_utf8_lossy(kind));
    }
}

#[test]
fn png_trns_longer_than_its_colour_type_allows_is_cut_or_goes() {
    // tRNS (PNG 3rd ed. § 11.3.2.1): grey 2 bytes, truecolour 6, palette at most one per PLTE
    // entry. image-png and Pillow read the first 2 or 6 bytes of a longer grey or truecolour
    // tRNS (libpng skips it), so it is cut to them; a palette tRNS longer than the palette is
    // skipped by libpng and image-png alike, so it goes.
    let text = "CANARY-PNG-LONG-tRNS-1616";
    let grey = built_png((4, 3, 8, 0), &[], &rows(1), &[]);
    let rgb = common::sample_png(20, 12, 5);
    for (base, defined) in [(&grey, vec![0, 60]), (&rgb, vec![0, 5, 0, 0, 0, 90])] {
        let at = idat_at(base);
        let long = chunk(b"tRNS", &[&defined[..], text.as_bytes()].concat());
        let input = planted_at(base, at, &[&long]);
        let out = strip_clean(&input, &[text]);
        assert_chunk_len(&out, b"tRNS", defined.len());
        assert_eq!(out, planted_at(base, at, &[&chunk(b"tRNS", &defined)]));
        assert_ne!(
            oracle::decode(&out),
            oracle::decode(base),
            "test bug: the tRNS changes nothing"
        );
    }
    let plte = chunk(b"PLTE", &[0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255]);
    let indexed = built_png(
        (4, 3, 8, 3),
        &[&plte],
        &[0, 0, 1, 2, 3, 0, 3, 2, 1, 0, 0, 1, 1, 2, 2],
        &[],
    );
    let long = chunk(
        b"tRNS",
        &[&[0, 0x80, 0xFF, 0x40][..], text.as_bytes()].concat(),
    );
    let input = planted_at(&indexed, idat_at(&indexed), &[&long]);
    let out = imgstrip::strip(&input, Limits::default()).unwrap();
    assert!(canary_hits(&out, text).is_empty());
    assert_eq!(out, indexed);
    // image-png ignores the alpha values of such a tRNS but still decodes to RGBA.
    let rgba = |png: &[u8]| image::load_from_memory(png).unwrap().to_rgba8().into_raw();
    assert_eq!(rgba(&input), rgba(&out));
}

#[test]
fn png_trns_in_an_image_with_an_alpha_channel_goes() {
    // libpng: "invalid with alpha channel"; image-png: `ColorWithBadTrns`, both skip it.
    let text = "CANARY-PNG-ALPHA-tRNS-1717";
    for (colour, channels) in [(4u8, 2usize), (6, 4)] {
        let base = built_png((4, 3, 8, colour), &[], &rows(channels), &[]);
        let trns = chunk(b"tRNS", &[&[0, 60][..], text.as_bytes()].concat());
        let input = planted_at(&base, AFTER_IHDR, &[&trns]);
        assert_eq!(strip_clean(&input, &[text]), base, "colour type {colour}");
    }
}

/// A two-frame APNG of real pixels: acTL, fcTL 0 + IDAT (the default image is frame 0),
/// fcTL 1 + fdAT 2; `actl` is the acTL's data.
fn apng(actl: &[u8]) -> Vec<u8> {
    let first = common::sample_png(20, 12, 5);
    let second = common::sample_png(20, 12, 9);
    let data = |png: &[u8]| -> Vec<u8> {
        let w = p::walk(png);
        w.chunks
            .iter()
            .filter(|c| &c.kind == b"IDAT")
            .flat_map(|c| png[c.body.clone()].to_vec())
            .collect()
    };
    let fctl = |seq: u32| {
        let mut b = seq.to_be_bytes().to_vec();
        for v in [20u32, 12, 0, 0] {
            b.extend_from_slice(&v.to_be_bytes());
        }
        b.extend_from_slice(&[0, 10, 0, 100, 0, 0]); // 10/100 s, no dispose, source
        chunk(b"fcTL", &b)
    };
    let fdat = chunk(b"fdAT", &[&2u32.to_be_bytes()[..], &data(&second)].concat());
    [
        &first[..AFTER_IHDR],
        &chunk(b"acTL", actl),
        &fctl(0),
        &chunk(b"IDAT", &data(&first)),
        &fctl(1),
        &fdat,
        &chunk(b"IEND", &[]),
    ]
    .concat()
}

#[test]
fn png_fctl_of_the_wrong_length_goes() {
    // APNG readers refuse an fcTL that is not 26 bytes (image-png then shows the default
    // image; libpng's APNG patch skips the chunk): cut to 26 bytes it would start an
    // animation they did not show, so it goes.
    let text = "CANARY-PNG-LONG-fcTL-1818";
    let clean = apng(&[0, 0, 0, 2, 0, 0, 0, 0]);
    assert!(matches!(
        oracle::decode(&clean),
        Ok(oracle::Decoded::Animation { ref frames }) if frames.len() == 2
    ));
    let second = p::walk(&clean)
        .chunks
        .iter()
        .filter(|c| &c.kind == b"fcTL")
        .nth(1)
        .unwrap()
        .clone();
    for body in [
        [&clean[second.body.clone()], text.as_bytes()].concat(),
        sized(text, 25),
    ] {
        let input = [
            &clean[..second.start],
            &chunk(b"fcTL", &body),
            &clean[second.end..],
        ]
        .concat();
        let out = strip_clean(&input, &[text]);
        assert_eq!(out, [&clean[..second.start], &clean[second.end..]].concat());
    }
}

#[test]
fn png_actl_of_the_wrong_length_goes_and_the_image_stays_still() {
    // Every APNG reader skips an acTL that is not 8 bytes, so the input is a still image to
    // them; cut to 8 bytes it would become an animation. Chromium then ignores the
    // animation, so its frame chunks go too: what stays is the still image.
    let text = "CANARY-PNG-LONG-acTL-1919";
    let input = apng(&[&[0, 0, 0, 2, 0, 0, 0, 0][..], text.as_bytes()].concat());
    assert!(
        matches!(oracle::decode(&input), Ok(oracle::Decoded::Still { .. })),
        "test bug: the image crate reads a long acTL"
    );
    let out = Stripper::new().strip(&input).unwrap().data;
    assert!(common::find(&out, text.as_bytes()).is_none());
    let kinds: Vec<[u8; 4]> = p::walk(&out).chunks.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [*b"IHDR", *b"IDAT", *b"IEND"]);
    assert!(p::bad_written_crcs(&input, &out).is_empty());
    assert_eq!(oracle::same_pixels(&input, &out), Ok(true));
}

#[test]
fn png_iend_with_data_is_written_empty() {
    let text = "CANARY-PNG-IEND-DATA-2020";
    let base = common::sample_png(20, 12, 5);
    let end = base.len() - FRAME;
    let input = [&base[..end], &chunk(b"IEND", text.as_bytes())].concat();
    let out = strip_clean(&input, &[text]);
    assert_eq!(out, base);
    assert_eq!(
        &out[end..],
        &[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82]
    );
}

#[test]
fn png_unknown_critical_chunk_is_refused_at_its_type() {
    // A critical chunk a decoder does not know makes it refuse the image (PNG § 5.4): leaving
    // it out would change what such a file decodes to, copying it could carry anything.
    let base = common::sample_png(20, 12, 5);
    let text = "CANARY-PNG-CRITICAL-2121";
    for (kind, at) in [
        (b"DUMP", AFTER_IHDR),
        (b"CgBI", AFTER_IHDR),
        (b"IHDX", idat_at(&base)),
        (b"ZZZZ", base.len() - FRAME),
    ] {
        let input = planted_at(&base, at, &[&chunk(kind, text.as_bytes())]);
        let err = imgstrip::strip(&input, Limits::default()).unwrap_err();
        assert!(
            matches!(err, Error::Unsupported { format: Format::Png, offset, .. } if offset == at + 4),
            "{}: {err:?}",
            String::from_utf8_lossy(kind)
        );
        let at = err.offset().unwrap();
        assert_eq!(&input[at..at + 4], kind);
    }
    // A second IHDR is an error too (libpng: "duplicate" of a critical chunk).
    let ihdr = base[8..AFTER_IHDR].to_vec();
    let input = planted_at(&base, AFTER_IHDR, &[&ihdr]);
    let err = imgstrip::strip(&input, Limits::default()).unwrap_err();
    assert!(
        matches!(err, Error::Malformed { format: Format::Png, offset, .. } if offset == AFTER_IHDR + 4),
        "{err:?}"
    );
}

#[test]
fn png_apple_cgbi_file_is_stripped_and_keeps_its_cgbi_chunk() {
    // Xcode's `pngcrush -iphone` writes `CgBI` right after the signature: without it the
    // rest (raw deflate, BGRA) does not decode, so it stays; the metadata goes as usual.
    let base = common::sample_png(20, 12, 5);
    let cgbi = chunk(b"CgBI", &[0x50, 0x00, 0x20, 0x06]);
    let text = "CANARY-PNG-CGBI-TEXT-2222";
    let clean = planted_at(&base, 8, &[&cgbi]);
    let input = planted_at(
        &clean,
        8 + cgbi.len() + 25,
        &[
            &p::text(b"Comment", text.as_bytes()),
            &chunk(b"iDOT", &[0; 28]),
        ],
    );
    let out = imgstrip::strip(&input, Limits::default()).unwrap();
    assert!(canary_hits(&out, text).is_empty());
    assert_eq!(out, clean);
    assert_eq!(imgstrip::strip(&out, Limits::default()).unwrap(), out);
    // A CgBI chunk of another length is one this crate has never seen: refused.
    let odd = planted_at(&base, 8, &[&chunk(b"CgBI", text.as_bytes())]);
    let err = imgstrip::strip(&odd, Limits::default()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Unsupported {
                format: Format::Png,
                offset: 12,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn png_repeated_or_misplaced_listed_chunks_go() {
    // libpng reads the first of each of these chunks, and only where PNG § 5.6 puts it
    // ("duplicate", "out of place": skipped); a second copy or a late one could repeat a
    // few bytes of text without end.
    let base = common::sample_png(20, 12, 5);
    let chrm = chunk(b"cHRM", &[0x00, 0x00, 0x7A, 0x26].repeat(8));
    let second = chunk(b"cHRM", &sized("CANARY-PNG-SECOND-cHRM-2323", 32));
    let late = chunk(b"mDCV", &sized("CANARY-PNG-LATE-mDCV-24", 24));
    let late_phys = chunk(b"pHYs", &sized("CANARY-PH", 9));
    let input = planted_at(
        &planted_at(&base, base.len() - FRAME, &[&late, &late_phys]),
        AFTER_IHDR,
        &[&chrm, &second],
    );
    let out = strip_clean(
        &input,
        &["CANARY-PNG-SECOND-cHRM-2323", "CANARY-PNG-LATE-mDCV-24"],
    );
    assert_eq!(out, planted_at(&base, AFTER_IHDR, &[&chrm]));
}

#[test]
fn png_palette_entries_past_the_bit_depth_and_a_wrong_hist_go() {
    // A 1-bit palette image reads 2 PLTE entries (libpng keeps no more); the 254 others could
    // hold 762 bytes of text. hIST must then hold 2 entries.
    let text = "CANARY-PNG-PLTE-TAIL-2525";
    let mut palette = vec![0, 0, 0, 255, 255, 255];
    palette.extend(sized(text, 3 * 30));
    let rows = [0, 0b1010_0000, 0, 0b0101_0000, 0, 0b1111_0000];
    let clean = built_png(
        (4, 3, 1, 3),
        &[
            &chunk(b"PLTE", &palette[..6]),
            &chunk(b"hIST", &[0, 6, 0, 6]),
        ],
        &rows,
        &[],
    );
    let hist_long = chunk(b"hIST", &[0; 64]);
    let input = built_png(
        (4, 3, 1, 3),
        &[
            &chunk(b"PLTE", &palette),
            &hist_long,
            &chunk(b"hIST", &[0, 6, 0, 6]),
        ],
        &rows,
        &[],
    );
    // The first hIST (32 entries) does not match the 2 entries read: skipped; the second
    // is then the first that counts.
    let out = strip_clean(&input, &[text]);
    assert_eq!(out, clean);
    assert_chunk_len(&out, b"PLTE", 6);
}
