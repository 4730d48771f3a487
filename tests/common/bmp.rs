//! The tests' own view of BMP (Microsoft `BITMAPFILEHEADER` / `BITMAPINFOHEADER` … V5,
//! OS/2 1.x and 2.x): an independent re-walker of the layout.

use std::ops::Range;

use super::{jpeg, png, rewalk, Allow, Unit};

/// `bV5CSType` values (`wingdi.h`): FourCCs stored little-endian.
pub const MBED: u32 = u32::from_le_bytes(*b"DEBM");
pub const LINK: u32 = u32::from_le_bytes(*b"KNIL");
pub const SRGB: u32 = u32::from_le_bytes(*b"BGRs");

/// Offsets inside the DIB header, from its first byte (`biSize`).
pub const SIZE_IMAGE: usize = 20;
pub const CS_TYPE: usize = 56;
/// V4/V5 `Endpoints` (36 bytes) and the three gamma values (12).
pub const ENDPOINTS: std::ops::Range<usize> = 60..108;
pub const INTENT: usize = 108;
pub const PROFILE_DATA: usize = 112;
pub const PROFILE_SIZE: usize = 116;
pub const V5_RESERVED: std::ops::Range<usize> = 120..124;

/// A DIB header of `size` bytes (40, 108 or 124): width, height, one plane, `bpp`,
/// `compression`, `biSizeImage`, `biClrUsed`; every other field 0.
pub fn dib(
    size: usize,
    (width, height): (i32, i32),
    bpp: u16,
    compression: u32,
    size_image: u32,
    clr_used: u32,
) -> Vec<u8> {
    let mut h = vec![0u8; size];
    set_u32(&mut h, 0, u32::try_from(size).unwrap());
    h[4..8].copy_from_slice(&width.to_le_bytes());
    h[8..12].copy_from_slice(&height.to_le_bytes());
    h[12..14].copy_from_slice(&1u16.to_le_bytes());
    h[14..16].copy_from_slice(&bpp.to_le_bytes());
    set_u32(&mut h, 16, compression);
    set_u32(&mut h, SIZE_IMAGE, size_image);
    set_u32(&mut h, 32, clr_used);
    h
}

/// The 14-byte `BITMAPFILEHEADER`: `BM`, `bfSize`, the two reserved `u16`, `bfOffBits`.
pub fn file_header(size: usize, reserved: [u8; 4], off_bits: usize) -> Vec<u8> {
    let mut out = b"BM".to_vec();
    out.extend_from_slice(&u32::try_from(size).unwrap().to_le_bytes());
    out.extend_from_slice(&reserved);
    out.extend_from_slice(&u32::try_from(off_bits).unwrap().to_le_bytes());
    out
}

/// Bytes in one row of an uncompressed bitmap: `bpp × width` bits padded to 4 bytes.
pub fn stride(bpp: u16, width: u32) -> usize {
    (usize::from(bpp) * width as usize).div_ceil(32) * 4
}

/// Writes `v` little-endian at `h[at..at + 4]`.
pub fn set_u32(h: &mut [u8], at: usize, v: u32) {
    h[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// The little-endian `u32` at `d[at..]` (0 past the end).
pub fn u32_at(d: &[u8], at: usize) -> u32 {
    d.get(at..at + 4)
        .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn u16_at(d: &[u8], at: usize) -> u16 {
    d.get(at..at + 2)
        .map_or(0, |b| u16::from_le_bytes([b[0], b[1]]))
}

/// Where everything of a BMP file is.
#[derive(Debug, Clone)]
pub struct Layout {
    pub dib: Range<usize>,
    pub masks: Range<usize>,
    pub palette: Range<usize>,
    pub pixels: Range<usize>,
    pub compression: u32,
    pub cs_type: u32,
    /// The V5 profile the colour space points at, clamped to the file.
    pub profile: Option<Range<usize>>,
    /// Windows headers (not OS/2 2.x, whose compression 3 and 4 mean Huffman and RLE24).
    pub windows: bool,
}

/// Walks the headers and finds the pixel array.
pub fn walk(d: &[u8]) -> Result<Layout, String> {
    if d.get(..2) != Some(b"BM") || d.len() < 18 {
        return Err("no BM file header".into());
    }
    let off_bits = u32_at(d, 10) as usize;
    let size = u32_at(d, 14) as usize;
    if ![12, 16, 40, 52, 56, 64, 108, 124].contains(&size) {
        return Err(format!("DIB header size {size}"));
    }
    let dib = 14..14 + size;
    if dib.end > d.len() {
        return Err("DIB header cut off".into());
    }
    let h = &d[dib.clone()];
    let core = size == 12;
    let windows = !matches!(size, 12 | 16 | 64);
    let (width, height, bpp) = if core {
        (
            u16_at(h, 4) as u64,
            u16_at(h, 6) as u64,
            u16_at(h, 10) as u64,
        )
    } else {
        (
            u32_at(h, 4) as i32 as i64 as u64,
            (u32_at(h, 8) as i32).unsigned_abs() as u64,
            u16_at(h, 14) as u64,
        )
    };
    let compression = u32_at(h, 16);
    let masks_len = match (size, compression) {
        (40, 3) => 12,
        (40, 6) => 16,
        _ => 0,
    };
    let masks = dib.end..dib.end + masks_len;
    let entries = match u32_at(h, 32) {
        // biBitCount 0 (BI_JPEG, BI_PNG) has no colour table.
        0 if (1..=8).contains(&bpp) => 1u64 << bpp,
        n => n as u64,
    };
    let declared = entries * if core { 3 } else { 4 };
    let pstart = masks.end;
    let pixel_start = if off_bits == 0 {
        pstart + declared as usize
    } else {
        off_bits
    };
    if pixel_start < pstart {
        return Err(format!("bfOffBits {off_bits} inside the headers"));
    }
    let palette = pstart..(pstart + declared as usize).min(pixel_start);
    let cs_type = if size >= 108 { u32_at(h, 56) } else { 0 };
    let profile =
        (size == 124 && matches!(cs_type, MBED | LINK) && u32_at(h, 116) > 0).then(|| {
            let start = 14 + u32_at(h, 112) as usize;
            start.min(d.len())..(start + u32_at(h, 116) as usize).min(d.len())
        });
    let size_image = u32_at(h, 20) as usize;
    let limit = match &profile {
        Some(p) if p.start > pixel_start => p.start,
        _ => d.len(),
    };
    let len = match (compression, windows) {
        (0, _) | (3 | 6, true) => bpp
            .checked_mul(width)
            .and_then(|bits| (bits.div_ceil(32) * 4).checked_mul(height))
            .ok_or("pixel array size overflows")?,
        (1 | 2, _) | (4, false) => rle_len(d, pixel_start, limit, compression, windows)
            .or((size_image > 0).then_some(size_image as u64))
            .ok_or("RLE without end-of-bitmap marker")?,
        (4 | 5, true) if size_image == 0 => limit.saturating_sub(pixel_start) as u64,
        _ => size_image as u64,
    };
    let end = usize::try_from(len)
        .ok()
        .and_then(|len| pixel_start.checked_add(len))
        .ok_or("pixel array size overflows")?;
    let pixels = pixel_start..end;
    if pixels.end > d.len() {
        return Err(format!("pixel array {pixels:?} runs past {}", d.len()));
    }
    Ok(Layout {
        dib,
        masks,
        palette,
        pixels,
        compression,
        cs_type,
        profile,
        windows,
    })
}

/// Whether a V5 embedded profile's declared range overlaps the headers, masks, palette or
/// pixel array (a hostile file: `Keep::ICC` then copies those bytes a second time).
pub fn embedded_profile_overlaps_the_image(d: &[u8]) -> bool {
    let Ok(l) = walk(d) else {
        return false;
    };
    let overlaps = |r: &Range<usize>, p: &Range<usize>| p.start < r.end && r.start < p.end;
    l.cs_type == MBED
        && l.profile
            .as_ref()
            .is_some_and(|p| overlaps(&(0..l.palette.end), p) || overlaps(&l.pixels, p))
}

/// The RLE stream's length through its end-of-bitmap marker, if it has one.
fn rle_len(d: &[u8], start: usize, limit: usize, compression: u32, windows: bool) -> Option<u64> {
    let rle24 = compression == 4 && !windows;
    let mut pos = start;
    while pos + 2 <= limit {
        let (count, code) = (d[pos], d[pos + 1] as usize);
        pos += 2;
        if count > 0 {
            pos += if rle24 { 2 } else { 0 };
            continue;
        }
        let skip = match code {
            0 => 0,
            1 => return Some((pos - start) as u64),
            2 => 2,
            n if compression == 2 => n.div_ceil(2),
            n if rle24 => 3 * n,
            n => n,
        };
        pos += skip + (skip & 1) * usize::from(code > 2);
    }
    None
}

/// Whether the colour space keeps its embedded profile under `allow`.
fn keeps_profile(l: &Layout, allow: Allow) -> bool {
    allow.icc && l.cs_type == MBED && l.profile.is_some()
}

/// The image units: the DIB header normalized (the fields a strip rewrites: image size,
/// colour space of a dropped profile, profile fields, free fields, unused endpoints), the
/// masks, the palette, the pixel array (for BI_JPEG / BI_PNG: the embedded image's own
/// units), and with `allow.icc` an embedded profile.
pub fn image_units(d: &[u8], allow: Allow) -> Result<Vec<Unit>, String> {
    let l = walk(d)?;
    let mut h = d[l.dib.clone()].to_vec();
    let size = h.len();
    if size >= 24 {
        h[20..24].fill(0);
    }
    let kept = keeps_profile(&l, allow);
    if size >= 108 {
        if matches!(l.cs_type, MBED | LINK) && !kept {
            h[56..60].copy_from_slice(&SRGB.to_le_bytes());
        }
        if u32_at(&h, 56) != 0 {
            h[60..108].fill(0);
        }
    }
    if size == 124 {
        h[112..124].fill(0);
    }
    if size == 64 {
        h[42..44].fill(0);
        h[60..64].fill(0);
    }
    let unit = |kind: &str, r: &Range<usize>| Unit {
        kind: kind.into(),
        at: r.start,
        bytes: d[r.clone()].to_vec(),
    };
    let mut units = vec![
        Unit {
            kind: "DIB header".into(),
            at: 14,
            bytes: h,
        },
        unit("bit masks", &l.masks),
        unit("palette", &l.palette),
    ];
    let data = &d[l.pixels.clone()];
    match (l.compression, l.windows) {
        (4, true) => units.extend(jpeg::image_units(data, allow)?),
        (5, true) => units.extend(png::image_units(data, allow)?),
        _ => units.push(unit("pixel array", &l.pixels)),
    }
    if kept {
        units.push(unit("embedded profile", l.profile.as_ref().unwrap()));
    }
    Ok(units)
}

/// Metadata and dead bytes left in a stripped BMP, one line each.
pub fn leftovers(d: &[u8], allow: Allow) -> Vec<String> {
    let l = match walk(d) {
        Ok(l) => l,
        Err(e) => return rewalk::fault(Some(&e)),
    };
    let mut left = Vec::new();
    let kept = keeps_profile(&l, allow);
    if l.cs_type == LINK || (l.cs_type == MBED && !kept) {
        left.push(format!("colour space {:?}", l.cs_type.to_le_bytes()));
    }
    if l.dib.len() == 124 && !kept && (u32_at(d, 14 + 112) != 0 || u32_at(d, 14 + 116) != 0) {
        left.push("profile offset/size not zero".into());
    }
    if u32_at(d, 6) != 0 {
        left.push("file header reserved fields not zero".into());
    }
    if u32_at(d, 2) as usize != d.len() {
        left.push(format!(
            "bfSize {} is not the length {}",
            u32_at(d, 2),
            d.len()
        ));
    }
    if l.palette.end != l.pixels.start {
        left.push(format!(
            "{} bytes between palette and pixels",
            l.pixels.start - l.palette.end
        ));
    }
    let end = match &l.profile {
        Some(p) if kept && p.start == l.pixels.end => p.end,
        _ => l.pixels.end,
    };
    if end < d.len() {
        left.push(format!("{} bytes after the image", d.len() - end));
    }
    let data = &d[l.pixels.clone()];
    match (l.compression, l.windows) {
        (4, true) => left.extend(
            jpeg::leftovers(data, allow)
                .into_iter()
                .map(|s| format!("embedded JPEG: {s}")),
        ),
        (5, true) => left.extend(
            png::leftovers(data, allow)
                .into_iter()
                .map(|s| format!("embedded PNG: {s}")),
        ),
        _ => {}
    }
    left
}
