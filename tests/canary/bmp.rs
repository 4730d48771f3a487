//! BMP canaries.

use super::*;

pub(crate) const BMP_CANARIES: &[Canary] = &[
    Canary {
        text: "CANARY-BMP-ICC-PROFILE-1e1e",
        encoding: "UTF-16BE",
        kept_by_display: true,
    },
    canary("CANARY-BMP-LINKED-PATH-2f2f", "ASCII"),
    canary("CANARY-BMP-LINKED-WIDE-3a3a", "UTF-16LE"),
    canary("CANARY-BMP-GAP-4b4b", "ASCII"),
    canary("CANARY-BMP-ENDPOINTS-5c5c", "ASCII"),
    canary("CANARY-BMP-TRAILER-6d6d", "UTF-16LE"),
    // The file header's two reserved u16 and the V5 bV5Reserved hold four bytes each.
    canary("Cn4R", "ASCII"),
    canary("V5rz", "ASCII"),
    canary("CANARY-BMP-PNG-TEXT-7e7e", "ASCII"),
    canary("CANARY-BMP-PNG-EXIF-8f8f", "ASCII"),
    canary("CANARY-BMP-JPEG-COM-9a9a", "UTF-16LE"),
    canary("CANARY-BMP-JPEG-EXIF-abab", "ASCII"),
];

/// The V5 colour space of a hostile BMP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BmpProfile {
    /// `PROFILE_EMBEDDED`: an ICC profile whose description holds a canary.
    Embedded,
    /// `PROFILE_LINKED`: a path (Windows code page) holding a canary.
    LinkedAscii,
    /// `PROFILE_LINKED`: the same in UTF-16LE, as some writers store it.
    LinkedWide,
    /// `LCS_sRGB` and no profile.
    None,
}

/// The profile (or path) bytes a colour space points at.
fn bmp_profile_bytes(profile: BmpProfile) -> Vec<u8> {
    let path = |canary: &str| format!("C:\\Users\\{canary}\\AppData\\Color\\camera.icm\0");
    match profile {
        BmpProfile::Embedded => {
            let mut icc = vec![0u8; 128];
            icc[36..40].copy_from_slice(b"acsp");
            icc.extend_from_slice(b"desc");
            icc.extend_from_slice(&encode(text_of("BMP-ICC-PROFILE"), "UTF-16BE"));
            let size = u32::try_from(icc.len()).unwrap().to_be_bytes();
            icc[..4].copy_from_slice(&size);
            icc
        }
        BmpProfile::LinkedAscii => path(text_of("BMP-LINKED-PATH")).into_bytes(),
        BmpProfile::LinkedWide => encode(&path(text_of("BMP-LINKED-WIDE")), "UTF-16LE"),
        BmpProfile::None => Vec::new(),
    }
}

/// The parts of a hostile V5 BMP, in file order: file header (reserved fields holding a
/// canary), DIB header, palette, a gap holding a canary, the profile when `before`, the
/// pixel array, the profile when not `before`, then trailing bytes holding a canary.
struct HostileBmp {
    dib: Vec<u8>,
    palette: Vec<u8>,
    pixels: Vec<u8>,
    profile: BmpProfile,
    before: bool,
}

impl HostileBmp {
    /// An 8-bit 13×7 bitmap (rows padded from 13 to 16 bytes), top-down when the profile
    /// sits before the pixels, with 16 palette entries.
    fn paletted(profile: BmpProfile, before: bool) -> Self {
        let (width, height) = (13u32, 7u32);
        let signed = i32::try_from(height).unwrap() * if before { -1 } else { 1 };
        let stride = b::stride(8, width);
        let dib = b::dib(
            124,
            (i32::try_from(width).unwrap(), signed),
            8,
            0,
            u32::try_from(stride * height as usize).unwrap(),
            16,
        );
        let palette = (0..16u8)
            .flat_map(|i| [i * 16, 255 - i * 16, i * 5, 0])
            .collect();
        let mut pixels = Vec::new();
        for y in 0..height {
            for x in 0..stride as u32 {
                pixels.push(if x < width {
                    u8::try_from((x * 5 + y * 3) % 16).unwrap()
                } else {
                    0
                });
            }
        }
        HostileBmp {
            dib,
            palette,
            pixels,
            profile,
            before,
        }
    }

    /// A `BI_JPEG` (compression 4) or `BI_PNG` (5) bitmap around `image`; `biSizeImage` is
    /// its length when `sized`, else 0 (the data then runs to the profile or the file's end).
    fn embedding(compression: u32, image: &[u8], (width, height): (u32, u32), sized: bool) -> Self {
        let size_image = if sized { image.len() } else { 0 };
        let dib = b::dib(
            124,
            (
                i32::try_from(width).unwrap(),
                i32::try_from(height).unwrap(),
            ),
            0,
            compression,
            u32::try_from(size_image).unwrap(),
            0,
        );
        HostileBmp {
            dib,
            palette: Vec::new(),
            pixels: image.to_vec(),
            profile: BmpProfile::None,
            before: false,
        }
    }

    fn with_profile(self, profile: BmpProfile, before: bool) -> Self {
        HostileBmp {
            profile,
            before,
            ..self
        }
    }

    /// The hostile file.
    fn input(&self) -> Vec<u8> {
        let profile = bmp_profile_bytes(self.profile);
        let mut gap = b"\0\0".to_vec();
        gap.extend_from_slice(text_of("BMP-GAP").as_bytes());
        gap.push(0);
        let mut trailer = b"\0\0".to_vec();
        trailer.extend(encode(text_of("BMP-TRAILER"), "UTF-16LE"));
        let mut dib = self.dib.clone();
        let cs_type = match self.profile {
            BmpProfile::Embedded => b::MBED,
            BmpProfile::LinkedAscii | BmpProfile::LinkedWide => b::LINK,
            BmpProfile::None => b::SRGB,
        };
        b::set_u32(&mut dib, b::CS_TYPE, cs_type);
        let endpoints = format!("{:\0<48}", text_of("BMP-ENDPOINTS"));
        dib[b::ENDPOINTS].copy_from_slice(endpoints.as_bytes());
        b::set_u32(&mut dib, b::INTENT, 4); // LCS_GM_IMAGES
        dib[b::V5_RESERVED].copy_from_slice(text_of("V5rz").as_bytes());
        let before = if self.before { &profile[..] } else { &[] };
        let after = if self.before { &[] } else { &profile[..] };
        let off_bits = 14 + dib.len() + self.palette.len() + gap.len() + before.len();
        let profile_at = if self.before {
            off_bits - before.len()
        } else {
            off_bits + self.pixels.len()
        };
        if !profile.is_empty() {
            b::set_u32(
                &mut dib,
                b::PROFILE_DATA,
                u32::try_from(profile_at - 14).unwrap(),
            );
            b::set_u32(
                &mut dib,
                b::PROFILE_SIZE,
                u32::try_from(profile.len()).unwrap(),
            );
        }
        let body = [
            &dib[..],
            &self.palette,
            &gap,
            before,
            &self.pixels,
            after,
            &trailer,
        ]
        .concat();
        let reserved = <[u8; 4]>::try_from(text_of("Cn4R").as_bytes()).unwrap();
        // bfSize lies (writers get it wrong; the strip never trusts it).
        [
            &b::file_header(body.len() + 999, reserved, off_bits)[..],
            &body,
        ]
        .concat()
    }

    /// The output expected: the headers (colour space sRGB unless the embedded profile is
    /// kept, endpoints, profile fields and free fields zeroed, `biSizeImage` the length of
    /// `pixels`), the palette, `pixels`, and the kept profile just after them.
    fn expected(&self, pixels: &[u8], keep_icc: bool) -> Vec<u8> {
        let kept = keep_icc && self.profile == BmpProfile::Embedded;
        let mut dib = self.dib.clone();
        b::set_u32(&mut dib, b::CS_TYPE, if kept { b::MBED } else { b::SRGB });
        b::set_u32(&mut dib, b::INTENT, 4);
        b::set_u32(
            &mut dib,
            b::SIZE_IMAGE,
            u32::try_from(pixels.len()).unwrap(),
        );
        let off_bits = 14 + dib.len() + self.palette.len();
        let profile = if kept {
            let profile = bmp_profile_bytes(self.profile);
            let at = off_bits + pixels.len() - 14;
            b::set_u32(&mut dib, b::PROFILE_DATA, u32::try_from(at).unwrap());
            b::set_u32(
                &mut dib,
                b::PROFILE_SIZE,
                u32::try_from(profile.len()).unwrap(),
            );
            profile
        } else {
            Vec::new()
        };
        let body = [&dib[..], &self.palette, pixels, &profile].concat();
        [
            &b::file_header(14 + body.len(), [0; 4], off_bits)[..],
            &body,
        ]
        .concat()
    }
}

/// The canaries of `BMP_CANARIES` that are in `input`, which must be all those `names`
/// pick (so the test means something).
fn bmp_canaries_in(input: &[u8], names: &[&str]) -> Vec<Canary<'static>> {
    let present: Vec<Canary> = BMP_CANARIES
        .iter()
        .filter(|c| common::find(input, &encode(c.text, c.encoding)).is_some())
        .map(|c| Canary { ..*c })
        .collect();
    for name in names {
        assert!(
            present.iter().any(|c| c.text.contains(name)),
            "test bug: canary {name} is not in the input"
        );
    }
    present
}

/// Asserts a stripped BMP (past [`assert_strips_clean`]) is exactly `expected`, with its
/// pixel array whole at `bfOffBits`, `bfSize` equal to its length and the colour space
/// `cs_type`.
fn assert_bmp_layout(out: &[u8], expected: &[u8], pixels: &[u8], cs_type: u32) {
    assert_eq!(b::u32_at(out, 2) as usize, out.len(), "bfSize");
    assert_eq!(b::u32_at(out, 14 + b::CS_TYPE), cs_type, "bV5CSType");
    let off_bits = b::u32_at(out, 10) as usize;
    assert_eq!(
        out.get(off_bits..off_bits + pixels.len()),
        Some(pixels),
        "the pixel array is not whole at bfOffBits"
    );
    assert_eq!(
        out, expected,
        "the output is not exactly the image parts of the input"
    );
}

/// Every colour space × profile place of the paletted hostile BMP.
fn paletted_bmps() -> Vec<HostileBmp> {
    let mut all = Vec::new();
    for profile in [
        BmpProfile::Embedded,
        BmpProfile::LinkedAscii,
        BmpProfile::LinkedWide,
    ] {
        for before in [true, false] {
            all.push(HostileBmp::paletted(profile, before));
        }
    }
    all
}

fn profile_canary(profile: BmpProfile) -> &'static str {
    match profile {
        BmpProfile::Embedded => "BMP-ICC-PROFILE",
        BmpProfile::LinkedAscii => "BMP-LINKED-PATH",
        BmpProfile::LinkedWide => "BMP-LINKED-WIDE",
        BmpProfile::None => "BMP-GAP",
    }
}

#[test]
fn bmp_canaries_in_every_metadata_place_are_all_gone() {
    for bmp in paletted_bmps() {
        let input = bmp.input();
        assert_walker_sees(Format::Bmp, &input, 5);
        let canaries = bmp_canaries_in(
            &input,
            &[
                profile_canary(bmp.profile),
                "BMP-GAP",
                "BMP-TRAILER",
                "BMP-ENDPOINTS",
                "Cn4R",
                "V5rz",
            ],
        );
        // The hostile file shows the pixels of the clean one.
        let out = assert_strips_clean(Format::Bmp, &input, &canaries, Some(&input), Keep::empty());
        let expected = bmp.expected(&bmp.pixels, false);
        assert_bmp_layout(&out, &expected, &bmp.pixels, b::SRGB);
    }
}

#[test]
fn bmp_keep_icc_keeps_the_embedded_profile_never_the_linked_path() {
    for bmp in paletted_bmps() {
        let input = bmp.input();
        let canaries = bmp_canaries_in(&input, &[profile_canary(bmp.profile)]);
        let out = assert_strips_clean(Format::Bmp, &input, &canaries, None, Keep::ICC);
        let embedded = bmp.profile == BmpProfile::Embedded;
        let cs_type = if embedded { b::MBED } else { b::SRGB };
        assert_bmp_layout(&out, &bmp.expected(&bmp.pixels, true), &bmp.pixels, cs_type);
        let profile = bmp_profile_bytes(bmp.profile);
        if embedded {
            // Byte for byte, just after the pixel array, where the header now points.
            let at = 14 + b::u32_at(&out, 14 + b::PROFILE_DATA) as usize;
            assert_eq!(
                &out[at..],
                &profile[..],
                "the embedded profile is not whole"
            );
        } else {
            assert!(common::find(&out, &profile).is_none());
            assert_eq!(b::u32_at(&out, 14 + b::PROFILE_SIZE), 0);
        }
    }
}

#[test]
fn bmp_embedded_png_and_jpeg_are_stripped_too() {
    // BI_PNG: a PNG with tEXt and eXIf canaries, biSizeImage 0, a linked profile before it.
    let clean_png = common::sample_png(9, 5, 3);
    let hostile_png = [
        &clean_png[..33],
        &p::text(b"Comment", text_of("BMP-PNG-TEXT").as_bytes()),
        &chunk(
            b"eXIf",
            &tiff_le(&[Entry::ascii(0x010E, text_of("BMP-PNG-EXIF"))], &[], None),
        ),
        &clean_png[33..],
    ]
    .concat();
    // BI_JPEG: a JPEG with COM and APP1 canaries, biSizeImage exact, an embedded profile
    // after it.
    let clean_jpeg = common::sample_jpeg(16, 8, 2);
    let exif = tiff_le(&[Entry::ascii(0x010E, text_of("BMP-JPEG-EXIF"))], &[], None);
    let hostile_jpeg = [
        &clean_jpeg[..2],
        &app(1, b"Exif\0\0", &exif),
        &com(&encode(text_of("BMP-JPEG-COM"), "UTF-16LE")),
        &clean_jpeg[2..],
    ]
    .concat();
    let cases = [
        (
            HostileBmp::embedding(5, &hostile_png, (9, 5), false)
                .with_profile(BmpProfile::LinkedAscii, true),
            clean_png,
            ["BMP-PNG-TEXT", "BMP-PNG-EXIF", "BMP-LINKED-PATH"],
        ),
        (
            HostileBmp::embedding(4, &hostile_jpeg, (16, 8), true)
                .with_profile(BmpProfile::Embedded, false),
            clean_jpeg,
            ["BMP-JPEG-COM", "BMP-JPEG-EXIF", "BMP-ICC-PROFILE"],
        ),
    ];
    for (bmp, clean, names) in cases {
        let input = bmp.input();
        let names = [&names[..], &["BMP-GAP", "BMP-TRAILER", "Cn4R", "V5rz"]].concat();
        let canaries = bmp_canaries_in(&input, &names);
        let out = assert_strips_clean(Format::Bmp, &input, &canaries, None, Keep::empty());
        assert_bmp_layout(&out, &bmp.expected(&clean, false), &clean, b::SRGB);
        // The embedded image decodes as its clean original does.
        let off_bits = b::u32_at(&out, 10) as usize;
        let same = oracle::compare(
            &oracle::decode(&clean).unwrap(),
            &oracle::decode(&out[off_bits..]).unwrap(),
        );
        assert_eq!(same, None, "embedded pixels changed");
        // Keep::ICC keeps the BMP's embedded profile, still none of the embedded image's
        // metadata (which holds no ICC here).
        let kept = assert_strips_clean(Format::Bmp, &input, &canaries, None, Keep::ICC);
        let cs_type = if bmp.profile == BmpProfile::Embedded {
            b::MBED
        } else {
            b::SRGB
        };
        assert_bmp_layout(&kept, &bmp.expected(&clean, true), &clean, cs_type);
    }
}

/// Regression (found by `mutated_bmp_never_panics_and_strips_clean`): with `Keep::ICC`, a V5
/// embedded profile whose declared range overlaps the headers or the pixel array was copied
/// after the pixels as is, so those bytes came out twice and the output outgrew the input.
/// Such a profile is now `Malformed` at the profile offset field (byte 14 + 112).
#[test]
fn bmp_keep_icc_never_copies_image_bytes_twice() {
    let pixels: Vec<u8> = (1..=16).collect(); // 2×2 at 24 bpp, rows padded to 8 bytes
    let mut dib = b::dib(124, (2, 2), 24, 0, 0, 0);
    b::set_u32(&mut dib, b::CS_TYPE, b::MBED);
    // The "profile" is the DIB header and the pixel array: offset 0 from the DIB header.
    b::set_u32(&mut dib, b::PROFILE_DATA, 0);
    b::set_u32(&mut dib, b::PROFILE_SIZE, 124 + 16);
    let input = [&b::file_header(154, [0; 4], 138)[..], &dib, &pixels].concat();
    assert_eq!(b::walk(&input).unwrap().pixels, 138..154);
    // Without Keep::ICC the profile goes and nothing is duplicated.
    let out = imgstrip::strip(&input, Limits::default()).unwrap();
    assert_eq!(out.len(), input.len());
    // With it, such a profile is refused rather than copied a second time.
    let err = Stripper::new().keep(Keep::ICC).strip(&input).unwrap_err();
    assert!(
        matches!(
            err,
            imgstrip::Error::Malformed {
                format: Format::Bmp,
                offset: 126,
                ..
            }
        ),
        "{err:?}"
    );
}
