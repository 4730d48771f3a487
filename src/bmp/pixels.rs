//! The pixel array: how long it is (rows, RLE opcodes, a declared size), and the JPEG / PNG
//! file a `BI_JPEG` / `BI_PNG` bitmap holds, stripped by that format's walker.

use super::dib::{Dib, Encoding, BI_SIZE_IMAGE, BI_WIDTH};
use super::layout::{take, FILE_HEADER};
use crate::error::Error;
use crate::format::{Format, PNG_SIGNATURE};
use crate::options::Options;
use crate::reader::Reader;
use crate::report::Report;
use crate::sink::Sink;

/// `pixels`, uncompressed rows at `bfOffBits`, extended when `bfOffBits` is the end of the
/// headers although a palette image declares a palette: writers that left the palette out of
/// `bfOffBits` put the rows after it, and Pillow reads them there (it moves such an offset
/// past the palette), while a decoder that trusts `bfOffBits` reads from it. Both readings'
/// bytes stay, as far as the input has them and short of a profile stored after them, so
/// the output decodes as the input did either way.
pub(super) fn with_rows_after_palette<'a>(
    input: &'a [u8],
    dib: &Dib<'_>,
    pixels: &'a [u8],
    pixel_start: usize,
    headers_end: usize,
) -> &'a [u8] {
    // Only a palette image's rows are read there; a truecolour image's suggested palette
    // is not skipped so.
    if dib.encoding != Encoding::Raw
        || dib.bit_count > 8
        || pixel_start != headers_end
        || dib.palette == 0
    {
        return pixels;
    }
    let after_palette = headers_end
        .saturating_add(dib.palette)
        .saturating_add(pixels.len())
        .min(data_limit(input, dib, pixel_start));
    input
        .get(pixel_start..after_palette)
        .filter(|both| both.len() > pixels.len())
        .unwrap_or(pixels)
}

/// Where pixel data from `start` must end: at a profile stored after it, else at the end
/// of the input (compressed data cannot run into the profile).
fn data_limit(input: &[u8], dib: &Dib<'_>, start: usize) -> usize {
    match &dib.profile {
        Some(p) if p.range.start > start => p.range.start.min(input.len()),
        _ => input.len(),
    }
}

/// The pixel array's bytes in the input.
pub(super) fn read_pixels<'a>(
    input: &'a [u8],
    dib: &Dib<'_>,
    start: usize,
) -> Result<&'a [u8], Error> {
    let limit = data_limit(input, dib, start);
    let declared = usize::try_from(dib.size_image).unwrap_or(usize::MAX);
    match dib.encoding {
        Encoding::Raw => take(input, start, raw_len(dib)?),
        Encoding::Rle8 | Encoding::Rle4 | Encoding::Rle24 => take(
            input,
            start,
            rle_len(input, dib.encoding, start, limit, declared)?,
        ),
        Encoding::Huffman if declared == 0 => Err(Error::Unsupported {
            format: Format::Bmp,
            offset: FILE_HEADER.saturating_add(BI_SIZE_IMAGE),
            what: "Huffman-coded bitmap without its size".into(),
        }),
        Encoding::Huffman => take(input, start, declared),
        Encoding::Jpeg | Encoding::Png if declared == 0 => {
            take(input, start, limit.saturating_sub(start))
        }
        Encoding::Jpeg | Encoding::Png => take(input, start, declared),
    }
}

/// `stride × |height|` with `stride = ⌈bpp × width / 32⌉ × 4` (rows padded to 4 bytes).
fn raw_len(dib: &Dib<'_>) -> Result<usize, Error> {
    let bits = u64::from(dib.bit_count).checked_mul(u64::from(dib.width));
    let len = bits
        .and_then(|b| b.checked_add(31))
        .and_then(|b| (b >> 5).checked_mul(4))
        .and_then(|stride| stride.checked_mul(u64::from(dib.height)))
        .ok_or(Error::Malformed {
            format: Format::Bmp,
            offset: FILE_HEADER.saturating_add(BI_WIDTH),
            what: "pixel array size overflows".into(),
        })?;
    Ok(usize::try_from(len).unwrap_or(usize::MAX))
}

/// Length of an RLE stream through its end-of-bitmap marker, found by walking the opcodes
/// (`00 01` can sit inside an absolute run, so searching for it would be wrong).
fn rle_len(
    input: &[u8],
    encoding: Encoding,
    start: usize,
    limit: usize,
    declared: usize,
) -> Result<usize, Error> {
    let mut r = Reader::new(input.get(..limit).unwrap_or(input), Format::Bmp).at(start);
    match walk_rle(&mut r, encoding) {
        Ok(end) => Ok(end.saturating_sub(start)),
        // No end-of-bitmap marker: trust the declared size when it fits.
        Err(_) if declared > 0 && start.checked_add(declared).is_some_and(|end| end <= limit) => {
            Ok(declared)
        }
        Err(e) if limit < input.len() => Err(Error::Malformed {
            format: Format::Bmp,
            offset: e.offset().unwrap_or(limit),
            what: "RLE data reaches the colour profile without an end-of-bitmap marker".into(),
        }),
        Err(e) => Err(e),
    }
}

/// Steps over RLE opcodes (`count value` runs and `00 n` escapes) to the end-of-bitmap
/// marker and returns the offset just past it.
fn walk_rle(r: &mut Reader<'_>, encoding: Encoding) -> Result<usize, Error> {
    loop {
        let [count, code] = r.array()?;
        if count > 0 {
            if encoding == Encoding::Rle24 {
                r.skip(2)?; // a run's colour is three bytes: B G R
            }
            continue;
        }
        match code {
            0 => {}                  // end of line
            1 => return Ok(r.pos()), // end of bitmap
            2 => r.skip(2)?,         // delta: dx, dy
            n => {
                // Absolute run of n pixels, padded to a 16-bit boundary.
                let n = usize::from(n);
                let bytes = match encoding {
                    Encoding::Rle4 => n.div_ceil(2),
                    Encoding::Rle24 => n.saturating_mul(3),
                    _ => n,
                };
                r.skip(bytes.saturating_add(bytes & 1))?;
            }
        }
    }
}

/// Strips a `BI_JPEG` / `BI_PNG` pixel array with the JPEG / PNG walker into `out`, and
/// returns the length written.
pub(super) fn strip_embedded(
    data: &[u8],
    at: usize,
    encoding: Encoding,
    opts: &Options,
    out: &mut impl Sink,
    report: &mut Report,
) -> Result<usize, Error> {
    let before = out.len();
    let (signature, name): (&[u8], _) = match encoding {
        Encoding::Jpeg => (&[0xFF, 0xD8], "JPEG"),
        _ => (&PNG_SIGNATURE, "PNG"),
    };
    if !data.starts_with(signature) {
        return Err(Error::Malformed {
            format: Format::Bmp,
            offset: at,
            what: format!("the pixel data of a BI_{name} bitmap is not a {name} file").into(),
        });
    }
    let inner = match encoding {
        Encoding::Jpeg => crate::jpeg::strip(data, opts, out),
        _ => crate::png::strip(data, opts, out),
    }
    .map_err(|e| e.embedded(Format::Bmp, at, name))?;
    report.removed |= inner.removed;
    report.truncated |= inner.truncated;
    Ok(out.len().saturating_sub(before))
}
