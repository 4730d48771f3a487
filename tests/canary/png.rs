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
    let seen = p::leftovers(&input, Allow::NONE);
    assert!(seen.len() >= 10, "test walker missed metadata: {seen:#?}");

    let out = imgstrip::strip(&input, Limits::default()).unwrap();
    assert_canaries(PNG_CANARIES, &input, &out, false);
    assert_image_intact(Format::Png, &input, &out, &expected, Allow::NONE);
    assert_eq!(
        out, expected,
        "the output is not exactly the image chunks of the input"
    );
    assert_eq!(imgstrip::strip(&out, Limits::default()).unwrap(), out);
}

#[test]
fn png_keep_display_keeps_only_icc_and_orientation() {
    let (input, expected) = hostile_png();
    let out = Stripper::new().keep(Keep::DISPLAY).strip(&input).unwrap();
    assert_canaries(PNG_CANARIES, &input, &out.data, true);
    assert_image_intact(Format::Png, &input, &out.data, &expected, Allow::DISPLAY);
    assert!(
        p::bad_written_crcs(&input, &out.data).is_empty(),
        "a written chunk has a wrong CRC"
    );
    let kinds: Vec<[u8; 4]> = p::walk(&out.data).chunks.iter().map(|c| c.kind).collect();
    assert!(
        kinds.contains(b"iCCP") && kinds.contains(b"eXIf"),
        "ICC or orientation not kept: {kinds:?}"
    );
    let again = Stripper::new()
        .keep(Keep::DISPLAY)
        .strip(&out.data)
        .unwrap();
    assert_eq!(again.data, out.data, "Keep::DISPLAY is not idempotent");
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
    assert_eq!(err.offset(), 33, "{err:?}");
}
