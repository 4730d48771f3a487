//! BMP / DIB (Windows `BITMAPFILEHEADER` + `BITMAPINFOHEADER` family, OS/2 1.x and 2.x):
//! read the headers, then write file header, DIB header, bit masks, palette and pixel array
//! back to back, and leave out everything else: the gap before the pixel array, a V5 colour
//! profile (embedded or linked) wherever it sits, and every byte after the pixel array.
//!
//! The layout read (offsets from the start of the file):
//! - `0..14` file header: `BM`, `bfSize`, two reserved `u16`, `bfOffBits`.
//! - `14..` DIB header of 12 (`BITMAPCOREHEADER`, OS/2 1.x), 16 or 64 (OS/2 2.x
//!   `BITMAPINFOHEADER2`), 40 (`BITMAPINFOHEADER`), 52 / 56 (Adobe V2 / V3, masks inside),
//!   108 (V4) or 124 (V5) bytes.
//! - bit masks: 12 bytes (`BI_BITFIELDS`) or 16 (`BI_ALPHABITFIELDS`) after a 40-byte header.
//! - palette: `biClrUsed` entries, or 2^bpp when that is 0 and bpp ≤ 8; 3 bytes an entry
//!   after a 12-byte header, 4 otherwise.
//! - pixel array at `bfOffBits`.
//! - V5 only: a profile at `bV5ProfileData` (counted from the start of the DIB header) of
//!   `bV5ProfileSize` bytes, when `bV5CSType` is `PROFILE_EMBEDDED` (`MBED`) or
//!   `PROFILE_LINKED` (`LINK`, a file path on the author's disk).
//!
//! Decisions where SPEC.md is silent:
//! - The pixel array is `stride × |height|` bytes for uncompressed bitmaps (`BI_RGB`,
//!   `BI_BITFIELDS`, `BI_ALPHABITFIELDS`), with `stride = ⌈bpp × width / 32⌉ × 4`.
//!   RLE8, RLE4 and OS/2 RLE24 data are walked opcode by opcode (nothing is decoded) to the
//!   end-of-bitmap marker, which ends the pixel array whatever `biSizeImage` says; an RLE
//!   stream without that marker is taken to `biSizeImage` when that is non-zero and inside
//!   the file, and is [`Error::Truncated`] otherwise. `BI_JPEG` / `BI_PNG` data is
//!   `biSizeImage` bytes, or, when that is 0, the rest of the file up to a V5 profile; the
//!   embedded JPEG / PNG walker then drops whatever follows its own end. OS/2 Huffman 1D
//!   data needs its `biSizeImage` ([`Error::Unsupported`] when it is 0). A pixel array that
//!   runs past the end of the input is [`Error::Truncated`].
//! - `biSizeImage` is rewritten to the length of the pixel array written, except that an
//!   uncompressed bitmap keeps a 0 there (0 is valid for them). So writers' padding after the
//!   pixel rows (some add 2 bytes) and bytes after an RLE end-of-bitmap marker go.
//! - `bfSize` is not trusted (many writers get it wrong); it and `bfOffBits` are rewritten.
//!   A `bfOffBits` of 0 means "right after the palette". A `bfOffBits` that points inside
//!   the palette cuts the palette there (decoders read those bytes as both); one that points
//!   inside the headers or masks is [`Error::Malformed`]. One right at the end of the
//!   headers while a palette is declared keeps, for an uncompressed bitmap, the rows after
//!   the palette too (see `pixels::with_rows_after_palette`).
//! - Free fields that can carry a few bytes of anything are zeroed: the two reserved `u16`
//!   of the file header (free for writers to use), the V5 `bV5Reserved`, the OS/2 2.x
//!   `usReserved` and `ulIdentifier` ("reserved for application use"), and the V4/V5
//!   endpoints and gamma values whenever the colour space is not `LCS_CALIBRATED_RGB`
//!   (the only one that reads them).
//! - A V4 header whose `bV4CSType` claims a profile (it has no fields to hold one) is
//!   set to `LCS_sRGB` too.
//! - A linked profile is reported as [`Kinds::ICC`]; with [`Keep::ICC`] an embedded profile
//!   moves to just after the pixel array (its offset rewritten), and a linked one still goes.
//!   A kept profile that runs past the end of the input is [`Error::Truncated`]; one that
//!   overlaps the headers, the palette or the pixel array (it would be written twice) is
//!   [`Error::Malformed`] at `bV5ProfileData`.
//! - Left, because it cannot change without touching pixel data: row padding bits, the
//!   fourth (reserved) byte of each palette entry, and unused palette entries.
//! - Errors from the embedded JPEG / PNG walker are reported as BMP errors at their
//!   absolute offset in the BMP file.

use std::ops::Range;

use crate::error::Error;
use crate::format::Format;
use crate::options::{Keep, Options};
use crate::reader::Reader;
use crate::report::Verdict;
use crate::report::{Kinds, Report};
use crate::sink::Sink;

mod dib;
mod layout;
mod pixels;

use dib::{read_dib, rewrite_dib, Encoding, Profile, BI_SIZE_IMAGE, PROFILE_DATA};
use layout::{take, to_u32, Unit, BF_OFF_BITS, BF_SIZE, FILE_HEADER};
use pixels::{read_pixels, strip_embedded, with_rows_after_palette};

/// The policy of SPEC.md § BMP, one part at a time.
fn verdict(unit: Unit, keep: Keep) -> Verdict {
    match unit {
        Unit::Masks | Unit::Palette | Unit::Pixels => Verdict::Keep,
        Unit::EmbeddedImage => Verdict::Rewrite,
        // Kept, moved to just after the pixel array.
        Unit::EmbeddedProfile if keep.contains(Keep::ICC) => Verdict::Rewrite,
        // A linked profile is a path on the author's disk, never colour data.
        Unit::EmbeddedProfile | Unit::LinkedProfile => Verdict::Drop(Kinds::ICC),
        Unit::Gap => Verdict::Drop(Kinds::OTHER),
        Unit::Trailer => Verdict::Drop(Kinds::TRAILER),
    }
}

pub(crate) fn strip(input: &[u8], opts: &Options, out: &mut impl Sink) -> Result<Report, Error> {
    let mut r = Reader::new(input, Format::Bmp);
    let mut report = Report::new(Format::Bmp);
    if &r.array::<2>()? != b"BM" {
        return Err(r.malformed_at(0, "no BM signature"));
    }
    r.skip(4)?; // bfSize: rewritten, never trusted
    let reserved: [u8; 4] = r.array()?;
    let off_bits = r.u32_le()?;
    let dib = read_dib(&mut r, opts)?;
    report.width = dib.width;
    report.height = dib.height;
    let masks = r.bytes(dib.masks)?;
    let palette_start = r.pos();
    let declared_end = palette_start.saturating_add(dib.palette);
    let pixel_start = match off_bits {
        0 => declared_end,
        n => usize::try_from(n).unwrap_or(usize::MAX),
    };
    if pixel_start < palette_start {
        return Err(r.malformed_at(
            BF_OFF_BITS,
            format!("pixel data offset {off_bits} points inside the headers, which end at byte {palette_start}"),
        ));
    }
    let palette = r.bytes(declared_end.min(pixel_start).saturating_sub(palette_start))?;
    let palette_end = r.pos();
    let pixels = read_pixels(input, &dib, pixel_start)?;
    let pixels = with_rows_after_palette(input, &dib, pixels, pixel_start, palette_start);
    let pixel_end = pixel_start.saturating_add(pixels.len());
    let kept_profile = match &dib.profile {
        Some(p) if verdict(p.unit, opts.keep) == Verdict::Rewrite => Some(read_profile(
            input,
            p,
            [0..palette_end, pixel_start..pixel_end],
        )?),
        _ => None,
    };

    // File header; bfSize is patched once the length is known.
    let base = out.len();
    out.extend_from_slice(b"BM");
    out.extend_from_slice(&[0; 8]); // bfSize, reserved
    let off_bits_out = FILE_HEADER
        .saturating_add(dib.raw.len())
        .saturating_add(masks.len())
        .saturating_add(palette.len());
    out.extend_from_slice(&to_u32(off_bits_out, BF_OFF_BITS)?.to_le_bytes());
    if reserved != [0; 4] {
        report.removed(Kinds::OTHER);
    }
    let dib_at = out.len();
    out.extend_from_slice(dib.raw);
    let end = out.len();
    rewrite_dib(
        &dib,
        kept_profile.is_some(),
        out.written_mut(dib_at..end).unwrap_or_default(),
        0,
        &mut report,
    );
    copy(Unit::Masks, masks, opts.keep, out, &mut report);
    copy(Unit::Palette, palette, opts.keep, out, &mut report);
    let unit = match dib.encoding {
        Encoding::Jpeg | Encoding::Png => Unit::EmbeddedImage,
        _ => Unit::Pixels,
    };
    let pixels_out = match verdict(unit, opts.keep) {
        Verdict::Rewrite => {
            strip_embedded(pixels, pixel_start, dib.encoding, opts, out, &mut report)?
        }
        _ => copy(unit, pixels, opts.keep, out, &mut report),
    };
    if dib.raw.len() >= BI_SIZE_IMAGE.saturating_add(4) {
        let size_image = match dib.encoding {
            Encoding::Raw if dib.size_image == 0 => 0,
            _ => to_u32(pixels_out, FILE_HEADER.saturating_add(BI_SIZE_IMAGE))?,
        };
        let _ = out.patch(
            dib_at.saturating_add(BI_SIZE_IMAGE),
            &size_image.to_le_bytes(),
        );
    }
    if let Some(profile) = kept_profile {
        let at = to_u32(
            out.len().saturating_sub(dib_at),
            FILE_HEADER.saturating_add(PROFILE_DATA),
        )?;
        let _ = out.patch(dib_at.saturating_add(PROFILE_DATA), &at.to_le_bytes());
        crate::out::copy(out, profile);
    }
    let size = to_u32(out.len().saturating_sub(base), BF_SIZE)?;
    let _ = out.patch(base.saturating_add(BF_SIZE), &size.to_le_bytes());

    let profile = dib.profile.as_ref();
    account(
        palette_end..pixel_start,
        Unit::Gap,
        profile,
        opts.keep,
        &mut report,
    );
    account(
        pixel_end..input.len(),
        Unit::Trailer,
        profile,
        opts.keep,
        &mut report,
    );
    Ok(report)
}

/// The embedded profile's bytes, for [`Keep::ICC`]. The profile is written after the pixel
/// array, so one that overlaps a `copied` range (headers and palette, pixel array) would be
/// written twice, and the output could grow by up to the input's size.
fn read_profile<'a>(
    input: &'a [u8],
    profile: &Profile,
    copied: [Range<usize>; 2],
) -> Result<&'a [u8], Error> {
    let Profile { range, .. } = profile;
    if copied
        .iter()
        .any(|c| range.start < c.end && c.start < range.end)
    {
        return Err(Error::Malformed {
            format: Format::Bmp,
            offset: FILE_HEADER.saturating_add(PROFILE_DATA),
            what: "the embedded profile overlaps the headers, palette or pixel array".into(),
        });
    }
    let len = profile.range.end.saturating_sub(profile.range.start);
    take(input, profile.range.start, len)
}

/// Copies a unit the verdict keeps and returns its length; records one it drops.
fn copy(unit: Unit, bytes: &[u8], keep: Keep, out: &mut impl Sink, report: &mut Report) -> usize {
    match verdict(unit, keep) {
        Verdict::Drop(kind) => {
            report.removed(kind);
            0
        }
        _ => {
            crate::out::copy(out, bytes);
            bytes.len()
        }
    }
}

/// Records the input bytes of `range` as dropped: the part that is the profile under the
/// profile's verdict (a kept profile was moved, not dropped), the rest under `unit`'s.
fn account(
    range: Range<usize>,
    unit: Unit,
    profile: Option<&Profile>,
    keep: Keep,
    report: &mut Report,
) {
    let mut rest = range.end.saturating_sub(range.start);
    if let Some(p) = profile {
        let overlap = p
            .range
            .end
            .min(range.end)
            .saturating_sub(p.range.start.max(range.start));
        rest = rest.saturating_sub(overlap);
        if let Verdict::Drop(kind) = verdict(p.unit, keep) {
            report.removed(kind);
        }
    }
    if let Verdict::Drop(kind) = verdict(unit, keep) {
        if rest > 0 {
            report.removed(kind);
        }
    }
}

#[cfg(test)]
mod tests;
