//! BMP: bitmaps of every DIB version the strip rewrites, with random pixels and palette,
//! V5 profiles, gaps, free header fields and trailing bytes holding canaries; random bitmaps
//! after plausible headers of every version.

use super::*;

/// The shape of a generated bitmap, before its random bytes are drawn.
#[derive(Debug, Clone)]
struct BmpShape {
    /// DIB header size: 40, 108 (V4) or 124 (V5).
    version: usize,
    bpp: u16,
    width: u32,
    height: u32,
    top_down: bool,
    /// BI_BITFIELDS (32 bpp only): masks after a 40-byte header, inside a larger one.
    bitfields: bool,
    /// `biClrUsed`.
    clr_used: u32,
    /// `biSizeImage` says the pixel array's length (else 0).
    sized: bool,
    /// The V4/V5 colour space when no profile is set: calibrated (0), sRGB or `Win `.
    cs_type: u32,
}

impl BmpShape {
    fn palette_len(&self) -> usize {
        let entries = match self.clr_used {
            0 if self.bpp <= 8 => 1 << self.bpp,
            n => n as usize,
        };
        entries * 4
    }

    fn masks_len(&self) -> usize {
        if self.bitfields && self.version == 40 {
            12
        } else {
            0
        }
    }

    fn pixels_len(&self) -> usize {
        b::stride(self.bpp, self.width) * self.height as usize
    }
}

fn bmp_shape() -> impl Strategy<Value = BmpShape> {
    (
        proptest::sample::select(vec![40usize, 108, 124]),
        proptest::sample::select(vec![1u16, 4, 8, 24, 32]),
        (1..=24u32, 1..=10u32, any::<bool>()),
        any::<bool>(),
        (any::<bool>(), any::<Index>()),
        any::<bool>(),
        proptest::sample::select(vec![0, b::SRGB, u32::from_le_bytes(*b" niW")]),
    )
        .prop_map(
            |(version, bpp, (width, height, top_down), bitfields, (full, n), sized, cs_type)| {
                // A full palette (biClrUsed 0) or part of one; up to 3 optional entries
                // above 8 bpp.
                let clr_used = match bpp {
                    1..=8 if full => 0,
                    1..=8 => 1 + n.index(1 << bpp),
                    _ => n.index(4),
                };
                BmpShape {
                    version,
                    bpp,
                    width,
                    height,
                    top_down,
                    bitfields: bitfields && bpp == 32,
                    clr_used: u32::try_from(clr_used).unwrap(),
                    sized,
                    cs_type,
                }
            },
        )
}

/// A V5 profile: linked (a path) or embedded, before or after the pixel array, holding a
/// canary amid random bytes.
#[derive(Debug, Clone)]
struct BmpProfile {
    linked: bool,
    before: bool,
    bytes: Vec<u8>,
    canary: Canary,
}

fn bmp_profile() -> impl Strategy<Value = BmpProfile> {
    (any::<bool>(), any::<bool>(), filler(), canary(), filler()).prop_map(
        |(linked, before, pre, canary, post)| BmpProfile {
            linked,
            before,
            bytes: [&pre[..], &canary.bytes(), &post].concat(),
            canary,
        },
    )
}

/// A BMP with random pixels and palette, a random file header's `bfSize` and reserved
/// fields, maybe a V5 profile before or after the pixels, a gap before the pixels, V4/V5
/// endpoints and trailing bytes that may hold canaries; and the output expected: exactly the
/// headers (rewritten per SPEC.md and `src/bmp/mod.rs`'s documented decisions), masks, palette
/// and pixel array.
fn bmp_case() -> impl Strategy<Value = Case> {
    bmp_shape()
        .prop_flat_map(|shape| {
            let random = |n: usize| vec(any::<u8>(), n..=n);
            (
                (
                    random(shape.palette_len()),
                    random(shape.pixels_len()),
                    random(shape.masks_len().max(16)),
                    Just(shape),
                ),
                (
                    any::<u32>(),
                    any::<[u8; 4]>(),
                    any::<[u8; 4]>(),
                    any::<bool>(),
                ),
                proptest::option::of(bmp_profile()),
                (filler(), proptest::option::of(canary())),
                proptest::option::of(canary()),
                proptest::option::of((canary(), filler())),
            )
        })
        .prop_map(
            |(
                (palette, pixels, masks, shape),
                (bf_size, reserved, v5_reserved, zero_off_bits),
                profile,
                (gap_fill, gap_canary),
                endpoint_canary,
                trailer,
            )| {
                let profile = profile.filter(|_| shape.version == 124);
                let signed_height =
                    i32::try_from(shape.height).unwrap() * if shape.top_down { -1 } else { 1 };
                let size_image = if shape.sized { shape.pixels_len() } else { 0 };
                let mut dib = b::dib(
                    shape.version,
                    (i32::try_from(shape.width).unwrap(), signed_height),
                    shape.bpp,
                    if shape.bitfields { 3 } else { 0 },
                    u32::try_from(size_image).unwrap(),
                    shape.clr_used,
                );
                let masks_after = if shape.version == 40 {
                    masks[..shape.masks_len()].to_vec()
                } else {
                    if shape.bitfields {
                        dib[40..56].copy_from_slice(&masks[..16]);
                    }
                    Vec::new()
                };
                let mut metas = Vec::new();
                let cs_type = match &profile {
                    Some(p) if p.linked => b::LINK,
                    Some(_) => b::MBED,
                    None => shape.cs_type,
                };
                if shape.version >= 108 {
                    b::set_u32(&mut dib, b::CS_TYPE, cs_type);
                    // Endpoints and gammas: random, or a canary where the colour space
                    // does not read them.
                    let mut endpoints = [&masks[..], &pixels, &palette].concat();
                    endpoints.resize(48, 0x5A);
                    if let Some(c) = endpoint_canary.filter(|_| cs_type != 0) {
                        let bytes = c.bytes();
                        endpoints[..bytes.len()].copy_from_slice(&bytes);
                        metas.push(Meta {
                            bytes,
                            canary: Some(c),
                        });
                    }
                    dib[b::ENDPOINTS].copy_from_slice(&endpoints);
                }
                if shape.version == 124 {
                    dib[b::V5_RESERVED].copy_from_slice(&v5_reserved);
                }
                let mut gap = gap_fill;
                if let Some(c) = gap_canary {
                    gap.extend(c.bytes());
                    metas.push(Meta {
                        bytes: Vec::new(),
                        canary: Some(c),
                    });
                }
                let head = 14 + dib.len() + masks_after.len() + palette.len();
                let (before, after) = match &profile {
                    Some(p) if p.before => (p.bytes.clone(), Vec::new()),
                    Some(p) => (Vec::new(), p.bytes.clone()),
                    None => (Vec::new(), Vec::new()),
                };
                let pixel_at = head + gap.len() + before.len();
                if let Some(p) = &profile {
                    let at = if p.before {
                        head + gap.len()
                    } else {
                        pixel_at + pixels.len()
                    };
                    b::set_u32(&mut dib, b::PROFILE_DATA, u32::try_from(at - 14).unwrap());
                    b::set_u32(
                        &mut dib,
                        b::PROFILE_SIZE,
                        u32::try_from(p.bytes.len()).unwrap(),
                    );
                    metas.push(Meta {
                        bytes: p.bytes.clone(),
                        canary: Some(p.canary.clone()),
                    });
                }
                // bfOffBits 0 means "just after the palette".
                let off_bits = if zero_off_bits && pixel_at == head {
                    0
                } else {
                    pixel_at
                };
                let mut input = b"BM".to_vec();
                input.extend_from_slice(&bf_size.to_le_bytes());
                input.extend_from_slice(&reserved);
                input.extend_from_slice(&u32::try_from(off_bits).unwrap().to_le_bytes());
                for part in [&dib, &masks_after, &palette, &gap, &before, &pixels, &after] {
                    input.extend_from_slice(part);
                }
                if let Some((c, fill)) = &trailer {
                    input.extend_from_slice(fill);
                    input.extend_from_slice(&c.bytes());
                }

                // The expected output: profile and free fields gone, colour space sRGB
                // when it named a profile, endpoints zero unless calibrated.
                let mut clean = dib.clone();
                if shape.version >= 108 {
                    let cs = if profile.is_some() { b::SRGB } else { cs_type };
                    b::set_u32(&mut clean, b::CS_TYPE, cs);
                    if cs != 0 {
                        clean[b::ENDPOINTS].fill(0);
                    }
                }
                if shape.version == 124 {
                    clean[b::PROFILE_DATA..b::V5_RESERVED.end].fill(0);
                }
                let expected = [
                    &b::file_header(head + pixels.len(), [0; 4], head)[..],
                    &clean,
                    &masks_after,
                    &palette,
                    &pixels,
                ]
                .concat();
                (input, expected, metas, trailer.map(|(c, _)| c))
            },
        )
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn bmp_canaries_never_survive_and_image_units_stay((input, expected, metas, trailer) in bmp_case()) {
        let canaries = canaries_of(&metas, trailer.as_ref());
        check_case(Format::Bmp, &input, Some(&expected), &canaries, NO_KEEP)?;
    }

    #[test]
    fn mutated_bmp_never_panics_and_strips_clean((input, ..) in bmp_case(), mutations in vec(mutation(), 1..8)) {
        check_survives(&mutate(input, &mutations))?;
    }

    #[test]
    fn random_bitmaps_after_plausible_headers_never_panic_and_strip_clean(
        off_bits in prop_oneof![2 => Just(0u32), 2 => 14..700u32, 1 => any::<u32>()],
        size in proptest::sample::select(vec![12u32, 16, 40, 52, 56, 64, 108, 124]),
        (width, height) in (prop_oneof![4 => 1..16i32, 1 => any::<i32>()], -12..12i32),
        bpp in prop_oneof![4 => proptest::sample::select(vec![0u16, 1, 2, 4, 8, 16, 24, 32, 64]), 1 => any::<u16>()],
        compression in prop_oneof![4 => 0..=6u32, 1 => any::<u32>()],
        tail in vec(prop_oneof![12 => Just(0x00), 4 => any::<u8>(), 1 => Just(0x01), 1 => Just(0x02)], 0..1200),
    ) {
        // Every header version (OS/2 ones too) and compression, the rest of the header, the
        // palette and the pixel data random (mostly zero, so RLE escapes turn up).
        let mut input = b"BM".to_vec();
        input.extend_from_slice(&[0; 8]);
        input.extend_from_slice(&off_bits.to_le_bytes());
        input.extend_from_slice(&size.to_le_bytes());
        if size == 12 {
            for v in [width as u16, height as u16, 1, bpp] {
                input.extend_from_slice(&v.to_le_bytes());
            }
        } else {
            input.extend_from_slice(&width.to_le_bytes());
            input.extend_from_slice(&height.to_le_bytes());
            input.extend_from_slice(&1u16.to_le_bytes());
            input.extend_from_slice(&bpp.to_le_bytes());
            input.extend_from_slice(&compression.to_le_bytes());
        }
        input.extend_from_slice(&tail);
        check_survives(&input)?;
    }
}
