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
//!   inside the headers or masks is [`Error::Malformed`].
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

use crate::format::PNG_SIGNATURE;
use crate::reader::Reader;
use crate::report::Verdict;
use crate::stripper::{Keep, Options};
use crate::{Error, Format, Kinds, Report};

/// Length of the file header (`BITMAPFILEHEADER`).
const FILE_HEADER: usize = 14;
/// Offsets inside the file header.
const BF_SIZE: usize = 2;
const BF_OFF_BITS: usize = 10;

/// Offsets inside the DIB header, from its first byte (`biSize`).
const BI_WIDTH: usize = 4;
const BI_HEIGHT: usize = 8;
const BI_BIT_COUNT: usize = 14;
const BI_COMPRESSION: usize = 16;
const BI_SIZE_IMAGE: usize = 20;
const BI_CLR_USED: usize = 32;
/// `bcBitCount` of the 12-byte core header (width and height are `u16` there).
const BC_BIT_COUNT: usize = 10;
/// V4 / V5: `CSType`, then `Endpoints` (36 bytes) and three gamma values (12 bytes).
const CS_TYPE: usize = 56;
const ENDPOINTS_AND_GAMMA: Range<usize> = 60..108;
/// V5 only.
const PROFILE_DATA: usize = 112;
const PROFILE_SIZE: usize = 116;
const V5_RESERVED: Range<usize> = 120..124;
/// OS/2 2.x (64 bytes): `usReserved` and `ulIdentifier` ("reserved for application use").
const OS2_RESERVED: Range<usize> = 42..44;
const OS2_IDENTIFIER: Range<usize> = 60..64;

/// `bV5CSType` values, FourCCs stored little-endian (`wingdi.h`).
const LCS_CALIBRATED_RGB: u32 = 0;
const LCS_SRGB: u32 = 0x7352_4742; // 'sRGB'
const PROFILE_LINKED: u32 = 0x4C49_4E4B; // 'LINK'
const PROFILE_EMBEDDED: u32 = 0x4D42_4544; // 'MBED'

/// The DIB header versions, told from `biSize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    /// 12: `BITMAPCOREHEADER` / OS/2 1.x.
    Core,
    /// 16 or 64: OS/2 2.x `BITMAPINFOHEADER2` (compression 3 and 4 mean Huffman and RLE24).
    Os2,
    /// 40: `BITMAPINFOHEADER`.
    Info,
    /// 52 / 56: Adobe's `BITMAPV2INFOHEADER` / `BITMAPV3INFOHEADER`, masks inside.
    Adobe,
    /// 108: `BITMAPV4HEADER`.
    V4,
    /// 124: `BITMAPV5HEADER`.
    V5,
}

fn version(size: u32) -> Option<Version> {
    match size {
        12 => Some(Version::Core),
        16 | 64 => Some(Version::Os2),
        40 => Some(Version::Info),
        52 | 56 => Some(Version::Adobe),
        108 => Some(Version::V4),
        124 => Some(Version::V5),
        _ => None,
    }
}

/// How the pixel array is stored, which decides how long it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    /// `BI_RGB`, `BI_BITFIELDS`, `BI_ALPHABITFIELDS`: `|height|` rows of `stride` bytes.
    Raw,
    Rle8,
    Rle4,
    /// OS/2 2.x `BCA_RLE24`.
    Rle24,
    /// OS/2 2.x `BCA_HUFFMAN1D`: only its declared size says where it ends.
    Huffman,
    /// `BI_JPEG`: a whole JPEG file.
    Jpeg,
    /// `BI_PNG`: a whole PNG file.
    Png,
}

/// The encoding of a compression value, and how many bytes of masks follow the header.
fn encoding(version: Version, compression: u32) -> Option<(Encoding, usize)> {
    Some(match (version, compression) {
        (_, 0) => (Encoding::Raw, 0),
        (_, 1) => (Encoding::Rle8, 0),
        (_, 2) => (Encoding::Rle4, 0),
        (Version::Os2, 3) => (Encoding::Huffman, 0),
        (Version::Os2, 4) => (Encoding::Rle24, 0),
        (Version::Core | Version::Os2, _) => return None,
        (Version::Info, 3) => (Encoding::Raw, 12),
        (Version::Info, 6) => (Encoding::Raw, 16),
        // The larger headers hold their masks.
        (_, 3 | 6) => (Encoding::Raw, 0),
        (_, 4) => (Encoding::Jpeg, 0),
        (_, 5) => (Encoding::Png, 0),
        _ => return None,
    })
}

/// The parts of a BMP file after its headers (which are always rewritten), for [`verdict`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Masks,
    Palette,
    /// An uncompressed or RLE pixel array.
    Pixels,
    /// A `BI_JPEG` / `BI_PNG` pixel array: stripped by the JPEG / PNG walker.
    EmbeddedImage,
    /// Bytes between the palette and `bfOffBits`.
    Gap,
    EmbeddedProfile,
    LinkedProfile,
    /// Bytes after the pixel array.
    Trailer,
}

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

/// A V5 profile: where the header says it is (possibly past the end of the input).
struct Profile {
    unit: Unit,
    range: Range<usize>,
}

/// What the DIB header says.
struct Dib<'a> {
    raw: &'a [u8],
    version: Version,
    width: u32,
    /// `|height|`.
    height: u32,
    bit_count: u16,
    encoding: Encoding,
    /// Bytes of bit masks after the header.
    masks: usize,
    size_image: u32,
    /// Bytes of palette the header declares (saturated).
    palette: usize,
    cs_type: u32,
    profile: Option<Profile>,
}

pub(crate) fn strip(input: &[u8], opts: &Options, out: &mut Vec<u8>) -> Result<Report, Error> {
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
        report.removed(Kinds::OTHER, 0);
    }
    let dib_at = out.len();
    out.extend_from_slice(dib.raw);
    rewrite_dib(
        &dib,
        kept_profile.is_some(),
        out.as_mut_slice(),
        dib_at,
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
        put(
            out,
            dib_at.saturating_add(BI_SIZE_IMAGE),
            &size_image.to_le_bytes(),
        );
    }
    if let Some(profile) = kept_profile {
        let at = to_u32(
            out.len().saturating_sub(dib_at),
            FILE_HEADER.saturating_add(PROFILE_DATA),
        )?;
        put(out, dib_at.saturating_add(PROFILE_DATA), &at.to_le_bytes());
        crate::out::copy(out, profile);
    }
    let size = to_u32(out.len().saturating_sub(base), BF_SIZE)?;
    put(out, base.saturating_add(BF_SIZE), &size.to_le_bytes());

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

/// Reads the DIB header at the reader's position (byte 14) and checks the canvas.
fn read_dib<'a>(r: &mut Reader<'a>, opts: &Options) -> Result<Dib<'a>, Error> {
    let start = r.pos();
    let size = r.u32_le()?;
    let version = version(size).ok_or(Error::Unsupported {
        format: Format::Bmp,
        offset: start,
        what: "DIB header size is not 12, 16, 40, 52, 56, 64, 108 or 124",
    })?;
    *r = r.at(start);
    let raw = r.bytes(usize::try_from(size).unwrap_or(usize::MAX))?;
    let at = |field: usize| start.saturating_add(field);
    let mut fields = r.at(at(BI_WIDTH));
    let (width, height, bit_count_at) = if version == Version::Core {
        let width = fields.u16_le()?;
        (i64::from(width), i64::from(fields.u16_le()?), BC_BIT_COUNT)
    } else {
        let width = fields.i32_le()?;
        (i64::from(width), i64::from(fields.i32_le()?), BI_BIT_COUNT)
    };
    // Width is signed but must be positive; a negative height means top-down rows.
    let width = u32::try_from(width)
        .ok()
        .filter(|&w| w > 0)
        .ok_or_else(|| r.malformed_at(at(BI_WIDTH), format!("width {width} is not positive")))?;
    let height_at = if version == Version::Core {
        BI_WIDTH.saturating_add(2)
    } else {
        BI_HEIGHT
    };
    let height = u32::try_from(height.unsigned_abs())
        .ok()
        .filter(|&h| h > 0)
        .ok_or_else(|| r.malformed_at(at(height_at), "height is 0"))?;
    opts.limits
        .check_canvas(Format::Bmp, at(BI_WIDTH), width, height)?;
    let bit_count = le_u16(raw, bit_count_at);
    let compression = if version == Version::Core {
        0
    } else {
        le_u32(raw, BI_COMPRESSION)
    };
    let (encoding, masks) = encoding(version, compression).ok_or(Error::Unsupported {
        format: Format::Bmp,
        offset: at(BI_COMPRESSION),
        what: "unknown compression method",
    })?;
    if encoding == Encoding::Raw && !matches!(bit_count, 1 | 2 | 4 | 8 | 16 | 24 | 32 | 64) {
        return Err(r.malformed_at(
            at(bit_count_at),
            format!("bit count {bit_count} is not 1, 2, 4, 8, 16, 24, 32 or 64"),
        ));
    }
    let entries = match le_u32(raw, BI_CLR_USED) {
        0 if (1..=8).contains(&bit_count) => 1u32.checked_shl(bit_count.into()).unwrap_or(0),
        n => n,
    };
    let entry = if version == Version::Core { 3 } else { 4 };
    let palette = usize::try_from(u64::from(entries).saturating_mul(entry)).unwrap_or(usize::MAX);
    let cs_type = match version {
        Version::V4 | Version::V5 => le_u32(raw, CS_TYPE),
        _ => 0,
    };
    let profile = (version == Version::V5)
        .then(|| read_profile_fields(raw, start, cs_type))
        .flatten();
    Ok(Dib {
        raw,
        version,
        width,
        height,
        bit_count,
        encoding,
        masks,
        size_image: le_u32(raw, BI_SIZE_IMAGE),
        palette,
        cs_type,
        profile,
    })
}

/// The V5 profile the colour space points at, if any.
fn read_profile_fields(raw: &[u8], dib_start: usize, cs_type: u32) -> Option<Profile> {
    let unit = match cs_type {
        PROFILE_EMBEDDED => Unit::EmbeddedProfile,
        PROFILE_LINKED => Unit::LinkedProfile,
        _ => return None,
    };
    let len = usize::try_from(le_u32(raw, PROFILE_SIZE))
        .ok()
        .filter(|&n| n > 0)?;
    let offset = usize::try_from(le_u32(raw, PROFILE_DATA)).unwrap_or(usize::MAX);
    let start = dib_start.saturating_add(offset);
    Some(Profile {
        unit,
        range: start..start.saturating_add(len),
    })
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

/// The pixel array's bytes in the input.
fn read_pixels<'a>(input: &'a [u8], dib: &Dib<'_>, start: usize) -> Result<&'a [u8], Error> {
    // Compressed data cannot run into a profile stored after it.
    let limit = match &dib.profile {
        Some(p) if p.range.start > start => p.range.start.min(input.len()),
        _ => input.len(),
    };
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
            what: "Huffman-coded bitmap without its size",
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
            offset: e.offset(),
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

/// `len` bytes of the input from `start`, or [`Error::Truncated`] counting every missing byte.
fn take(input: &[u8], start: usize, len: usize) -> Result<&[u8], Error> {
    if start > input.len() {
        return Err(Error::Truncated {
            format: Format::Bmp,
            offset: input.len(),
            needed: start.saturating_sub(input.len()).saturating_add(len),
        });
    }
    Reader::new(input, Format::Bmp).at(start).bytes(len)
}

/// Rewrites the copied DIB header in `out` at `at`: colour space and profile fields, free
/// fields zeroed. `biSizeImage` and the kept profile's offset are patched by the caller.
fn rewrite_dib(dib: &Dib<'_>, keep_profile: bool, out: &mut [u8], at: usize, report: &mut Report) {
    let field = |range: Range<usize>| at.saturating_add(range.start)..at.saturating_add(range.end);
    let mut cs_type = dib.cs_type;
    if matches!(dib.version, Version::V4 | Version::V5) {
        if matches!(cs_type, PROFILE_EMBEDDED | PROFILE_LINKED) && !keep_profile {
            cs_type = LCS_SRGB;
            put(out, at.saturating_add(CS_TYPE), &cs_type.to_le_bytes());
            report.removed(Kinds::ICC, 0);
        }
        if cs_type != LCS_CALIBRATED_RGB && zero(out, field(ENDPOINTS_AND_GAMMA)) {
            report.removed(Kinds::OTHER, 0);
        }
    }
    if dib.version == Version::V5 {
        if !keep_profile {
            zero(out, field(PROFILE_DATA..PROFILE_SIZE.saturating_add(4)));
        }
        if zero(out, field(V5_RESERVED)) {
            report.removed(Kinds::OTHER, 0);
        }
    }
    if dib.version == Version::Os2
        && (zero(out, field(OS2_RESERVED)) | zero(out, field(OS2_IDENTIFIER)))
    {
        report.removed(Kinds::OTHER, 0);
    }
}

/// Strips a `BI_JPEG` / `BI_PNG` pixel array with the JPEG / PNG walker into `out`, and
/// returns the length written.
fn strip_embedded(
    data: &[u8],
    at: usize,
    encoding: Encoding,
    opts: &Options,
    out: &mut Vec<u8>,
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
    .map_err(|e| nested(e, at, name))?;
    report.removed |= inner.removed;
    report.bytes_removed = report.bytes_removed.saturating_add(inner.bytes_removed);
    report.truncated |= inner.truncated;
    Ok(out.len().saturating_sub(before))
}

/// An error of the embedded JPEG / PNG walker as a BMP error at its absolute offset.
fn nested(e: Error, base: usize, name: &str) -> Error {
    let format = Format::Bmp;
    match e {
        Error::UnknownFormat => Error::UnknownFormat,
        Error::Truncated { offset, needed, .. } => Error::Truncated {
            format,
            offset: offset.saturating_add(base),
            needed,
        },
        Error::Malformed { offset, what, .. } => Error::Malformed {
            format,
            offset: offset.saturating_add(base),
            what: format!("embedded {name}: {what}").into(),
        },
        Error::Unsupported { offset, what, .. } => Error::Unsupported {
            format,
            offset: offset.saturating_add(base),
            what,
        },
        Error::LimitExceeded {
            offset,
            limit,
            value,
            max,
            ..
        } => Error::LimitExceeded {
            format,
            offset: offset.saturating_add(base),
            limit,
            value,
            max,
        },
    }
}

/// Copies a unit the verdict keeps and returns its length; records one it drops.
fn copy(unit: Unit, bytes: &[u8], keep: Keep, out: &mut Vec<u8>, report: &mut Report) -> usize {
    match verdict(unit, keep) {
        Verdict::Drop(kind) => {
            report.removed(kind, bytes.len());
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
            report.removed(kind, overlap);
        }
    }
    if let Verdict::Drop(kind) = verdict(unit, keep) {
        if rest > 0 {
            report.removed(kind, rest);
        }
    }
}

fn le_u16(raw: &[u8], at: usize) -> u16 {
    raw.get(at..)
        .and_then(|b| b.get(..2))
        .and_then(|b| b.try_into().ok())
        .map_or(0, u16::from_le_bytes)
}

/// A `u32` field of the DIB header, 0 when the header is too short to hold it (OS/2 2.x
/// headers may stop early; the missing fields are 0).
fn le_u32(raw: &[u8], at: usize) -> u32 {
    raw.get(at..)
        .and_then(|b| b.get(..4))
        .and_then(|b| b.try_into().ok())
        .map_or(0, u32::from_le_bytes)
}

/// Writes `bytes` over `out[at..]` (the bytes are always there: the caller wrote them).
fn put(out: &mut [u8], at: usize, bytes: &[u8]) {
    if let Some(dst) = out.get_mut(at..).and_then(|d| d.get_mut(..bytes.len())) {
        dst.copy_from_slice(bytes);
    }
}

/// Zeroes `out[range]`; says whether any byte was not 0.
fn zero(out: &mut [u8], range: Range<usize>) -> bool {
    out.get_mut(range).is_some_and(|d| {
        let any = d.iter().any(|&b| b != 0);
        d.fill(0);
        any
    })
}

/// A length or offset for a `u32` field written at `offset`.
fn to_u32(n: usize, offset: usize) -> Result<u32, Error> {
    u32::try_from(n).map_err(|_| Error::Unsupported {
        format: Format::Bmp,
        offset,
        what: "the output would be larger than a BMP can describe (4 GiB)",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Limit, Limits};

    /// A DIB header of `size` bytes: width, height, one plane, `bpp`, `compression`, the rest 0.
    fn dib(size: usize, width: i32, height: i32, bpp: u16, compression: u32) -> Vec<u8> {
        let mut h = vec![0u8; size];
        h[0..4].copy_from_slice(&(size as u32).to_le_bytes());
        h[4..8].copy_from_slice(&width.to_le_bytes());
        h[8..12].copy_from_slice(&height.to_le_bytes());
        h[12..14].copy_from_slice(&1u16.to_le_bytes());
        h[14..16].copy_from_slice(&bpp.to_le_bytes());
        if size >= 20 {
            h[16..20].copy_from_slice(&compression.to_le_bytes());
        }
        h
    }

    /// The 12-byte OS/2 1.x core header.
    fn core(width: u16, height: u16, bpp: u16) -> Vec<u8> {
        let mut h = 12u32.to_le_bytes().to_vec();
        for v in [width, height, 1, bpp] {
            h.extend_from_slice(&v.to_le_bytes());
        }
        h
    }

    fn set32(h: &mut [u8], at: usize, v: u32) {
        h[at..at + 4].copy_from_slice(&v.to_le_bytes());
    }

    fn get32(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
    }

    /// File header + `header` + `before` (masks, palette, gap) + `pixels` + `after`, with
    /// `bfOffBits` at the pixels and `bfSize` the whole length.
    fn bmp(header: &[u8], before: &[u8], pixels: &[u8], after: &[u8]) -> Vec<u8> {
        let off = 14 + header.len() + before.len();
        let size = off + pixels.len() + after.len();
        let mut v = b"BM".to_vec();
        v.extend_from_slice(&(size as u32).to_le_bytes());
        v.extend_from_slice(&[0; 4]);
        v.extend_from_slice(&(off as u32).to_le_bytes());
        for part in [header, before, pixels, after] {
            v.extend_from_slice(part);
        }
        v
    }

    /// 2×2 pixels at 24 bpp: two rows of 8 bytes (6 + 2 padding).
    fn pixels_2x2() -> Vec<u8> {
        (1..=16).collect()
    }

    fn run(input: &[u8], keep: Keep, limits: Limits) -> Result<(Vec<u8>, Report), Error> {
        crate::stripper::run_walker(strip, input, keep, limits)
    }

    /// Strips with `keep`, checks idempotence, size and the report's byte count.
    fn strip_keep(input: &[u8], keep: Keep) -> (Vec<u8>, Report) {
        let (out, report) = run(input, keep, Limits::default()).unwrap();
        let (again, report2) = run(&out, keep, Limits::default()).unwrap();
        assert_eq!(again, out, "not idempotent");
        assert_eq!(report2.bytes_removed, 0, "second strip removed bytes");
        assert!(
            out.len() <= input.len(),
            "grew {} -> {}",
            input.len(),
            out.len()
        );
        assert_eq!(get32(&out, 2) as usize, out.len(), "bfSize");
        (out, report)
    }

    fn strip_default(input: &[u8]) -> (Vec<u8>, Report) {
        let (out, report) = strip_keep(input, Keep::empty());
        if !report.removed.is_empty() || report.bytes_removed > 0 {
            assert_eq!(report.bytes_removed as usize, input.len() - out.len());
        }
        (out, report)
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    fn err(input: &[u8]) -> Error {
        run(input, Keep::empty(), Limits::default()).unwrap_err()
    }

    #[test]
    fn verdict_mirrors_the_spec() {
        for keep in [Keep::empty(), Keep::ICC, Keep::DISPLAY] {
            assert_eq!(verdict(Unit::Masks, keep), Verdict::Keep);
            assert_eq!(verdict(Unit::Palette, keep), Verdict::Keep);
            assert_eq!(verdict(Unit::Pixels, keep), Verdict::Keep);
            assert_eq!(verdict(Unit::EmbeddedImage, keep), Verdict::Rewrite);
            assert_eq!(verdict(Unit::Gap, keep), Verdict::Drop(Kinds::OTHER));
            assert_eq!(verdict(Unit::Trailer, keep), Verdict::Drop(Kinds::TRAILER));
            assert_eq!(
                verdict(Unit::LinkedProfile, keep),
                Verdict::Drop(Kinds::ICC)
            );
        }
        assert_eq!(
            verdict(Unit::EmbeddedProfile, Keep::empty()),
            Verdict::Drop(Kinds::ICC)
        );
        assert_eq!(
            verdict(Unit::EmbeddedProfile, Keep::ORIENTATION),
            Verdict::Drop(Kinds::ICC)
        );
        assert_eq!(verdict(Unit::EmbeddedProfile, Keep::ICC), Verdict::Rewrite);
    }

    #[test]
    fn keeps_every_header_version_byte_exact() {
        let palette8: Vec<u8> = (0..=255u8).flat_map(|i| [i, i, i, 0]).collect();
        let palette8_core: Vec<u8> = (0..=255u8).flat_map(|i| [i, i, i]).collect();
        let px8 = vec![7u8; 8]; // 2×2 at 8 bpp: rows of 4 bytes
        let px24 = pixels_2x2();
        let mut files = vec![
            bmp(&core(2, 2, 8), &palette8_core, &px8, &[]),
            bmp(&core(2, 2, 24), &[], &px24, &[]),
            bmp(&dib(16, 2, 2, 8, 0), &palette8, &px8, &[]),
            bmp(&dib(64, 2, 2, 8, 0), &palette8, &px8, &[]),
            bmp(&dib(40, 2, 2, 24, 0), &[], &px24, &[]),
            bmp(&dib(40, 2, 2, 8, 0), &palette8, &px8, &[]),
        ];
        for size in [52, 56, 108, 124] {
            files.push(bmp(&dib(size, 2, 2, 24, 0), &[], &px24, &[]));
            let mut h = dib(size, 2, 2, 32, 3);
            for (i, m) in [0xFF_0000u32, 0xFF00, 0xFF, 0xFF00_0000]
                .iter()
                .enumerate()
                .take(if size == 52 { 3 } else { 4 })
            {
                set32(&mut h, 40 + 4 * i, *m);
            }
            if size >= 108 {
                set32(&mut h, CS_TYPE, LCS_SRGB);
            }
            files.push(bmp(&h, &[], &[9; 16], &[]));
        }
        for f in files {
            let (out, report) = strip_default(&f);
            assert_eq!(out, f, "header {}", get32(&f, 14));
            assert_eq!(report.removed, Kinds::empty());
            assert_eq!((report.width, report.height), (2, 2));
        }
    }

    #[test]
    fn palette_size_comes_from_clr_used_or_bit_count() {
        // 1 bpp, biClrUsed 0: 2 entries. Row of 4 bytes.
        let f = bmp(
            &dib(40, 2, 2, 1, 0),
            &[0, 0, 0, 0, 255, 255, 255, 0],
            &[0x80, 0, 0, 0, 0x40, 0, 0, 0],
            &[],
        );
        assert_eq!(strip_default(&f).0, f);
        // 8 bpp with biClrUsed 3: a 12-byte palette, then 4 bytes of gap that go.
        let mut h = dib(40, 2, 2, 8, 0);
        set32(&mut h, BI_CLR_USED, 3);
        let palette = [1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0];
        let f = bmp(&h, &[&palette[..], b"GAP!"].concat(), &[1; 8], &[]);
        let (out, report) = strip_default(&f);
        assert_eq!(out, bmp(&h, &palette, &[1; 8], &[]));
        assert_eq!(report.removed, Kinds::OTHER);
        assert_eq!(report.bytes_removed, 4);
        // 24 bpp with biClrUsed 2: an optional palette, kept.
        let mut h = dib(40, 2, 2, 24, 0);
        set32(&mut h, BI_CLR_USED, 2);
        let f = bmp(&h, &[1, 2, 3, 0, 4, 5, 6, 0], &pixels_2x2(), &[]);
        assert_eq!(strip_default(&f).0, f);
    }

    #[test]
    fn core_header_palette_has_three_byte_entries() {
        // 1 bpp core: 2 entries × 3 bytes = 6, then a 2-byte gap.
        let f = bmp(
            &core(2, 2, 1),
            &[0, 0, 0, 9, 9, 9, 0xAA, 0xBB],
            &[0; 8],
            &[],
        );
        let (out, report) = strip_default(&f);
        assert_eq!(out, bmp(&core(2, 2, 1), &[0, 0, 0, 9, 9, 9], &[0; 8], &[]));
        assert_eq!(report.bytes_removed, 2);
    }

    #[test]
    fn keeps_bitfield_masks_after_a_40_byte_header() {
        let masks: Vec<u8> = [0xF800u32, 0x07E0, 0x001F]
            .iter()
            .flat_map(|m| m.to_le_bytes())
            .collect();
        let f = bmp(&dib(40, 2, 2, 16, 3), &masks, &[5; 8], b"tail");
        let (out, _) = strip_default(&f);
        assert_eq!(out, bmp(&dib(40, 2, 2, 16, 3), &masks, &[5; 8], &[]));
        let masks4: Vec<u8> = [0xFF_0000u32, 0xFF00, 0xFF, 0xFF00_0000]
            .iter()
            .flat_map(|m| m.to_le_bytes())
            .collect();
        let f = bmp(&dib(40, 2, 2, 32, 6), &masks4, &[5; 16], &[]);
        assert_eq!(strip_default(&f).0, f);
        // Masks that run into bfOffBits: the header says they are there, the offset disagrees.
        let mut f = bmp(&dib(40, 2, 2, 16, 3), &masks, &[5; 8], &[]);
        set32(&mut f, 10, 54);
        assert!(matches!(err(&f), Error::Malformed { offset: 10, .. }));
    }

    #[test]
    fn drops_trailing_bytes_and_gap() {
        let px = pixels_2x2();
        let f = bmp(
            &dib(40, 2, 2, 24, 0),
            b"hidden gap",
            &px,
            b"appended secret",
        );
        let (out, report) = strip_default(&f);
        assert_eq!(out, bmp(&dib(40, 2, 2, 24, 0), &[], &px, &[]));
        assert_eq!(report.removed, Kinds::OTHER | Kinds::TRAILER);
        assert_eq!(report.bytes_removed, 25);
    }

    #[test]
    fn zeroes_reserved_fields() {
        let px = pixels_2x2();
        let mut f = bmp(&dib(40, 2, 2, 24, 0), &[], &px, &[]);
        f[6..10].copy_from_slice(b"ID42");
        let (out, report) = strip_default(&f);
        assert_eq!(&out[6..10], &[0; 4]);
        assert_eq!(out[10..], f[10..]);
        assert_eq!(report.removed, Kinds::OTHER);
        assert_eq!(report.bytes_removed, 0);
        // OS/2 2.x usReserved and ulIdentifier.
        let mut h = dib(64, 2, 2, 24, 0);
        h[42..44].copy_from_slice(b"xy");
        h[60..64].copy_from_slice(b"APP!");
        let (out, _) = strip_default(&bmp(&h, &[], &px, &[]));
        assert_eq!(&out[14 + 42..14 + 44], &[0; 2]);
        assert_eq!(&out[14 + 60..14 + 64], &[0; 4]);
        // V5 reserved, and endpoints/gamma that an sRGB colour space never reads.
        let mut h = dib(124, 2, 2, 24, 0);
        set32(&mut h, CS_TYPE, LCS_SRGB);
        h[60..64].copy_from_slice(b"ENDP");
        h[120..124].copy_from_slice(b"RESV");
        let (out, _) = strip_default(&bmp(&h, &[], &px, &[]));
        assert_eq!(&out[14 + 60..14 + 124], &[0; 64]);
        // Calibrated RGB reads its endpoints: they stay.
        let mut h = dib(108, 2, 2, 24, 0);
        h[60..64].copy_from_slice(&0x1234_5678u32.to_le_bytes());
        let f = bmp(&h, &[], &px, &[]);
        assert_eq!(strip_default(&f).0, f);
    }

    #[test]
    fn rewrites_padding_in_uncompressed_size_image() {
        let px = pixels_2x2();
        let mut h = dib(40, 2, 2, 24, 0);
        set32(&mut h, BI_SIZE_IMAGE, 18);
        let (out, report) = strip_default(&bmp(&h, &[], &px, &[0, 0]));
        assert_eq!(get32(&out, 14 + BI_SIZE_IMAGE), 16);
        assert_eq!(out.len(), 54 + 16);
        assert_eq!(report.removed, Kinds::TRAILER);
    }

    #[test]
    fn keeps_top_down_bitmaps() {
        let px = pixels_2x2();
        let f = bmp(&dib(40, 2, -2, 24, 0), &[], &px, b"tail");
        let (out, report) = strip_default(&f);
        assert_eq!(out, bmp(&dib(40, 2, -2, 24, 0), &[], &px, &[]));
        assert_eq!((report.width, report.height), (2, 2));
    }

    /// A V5 header for 2×2 24 bpp whose profile fields say `cs` at `data` (from the DIB
    /// header) with `size` bytes.
    fn v5(cs: u32, data: u32, size: u32) -> Vec<u8> {
        let mut h = dib(124, 2, 2, 24, 0);
        set32(&mut h, CS_TYPE, cs);
        set32(&mut h, PROFILE_DATA, data);
        set32(&mut h, PROFILE_SIZE, size);
        set32(&mut h, 108, 4); // bV5Intent: LCS_GM_IMAGES
        h
    }

    fn icc() -> Vec<u8> {
        let mut p = vec![0u8; 132];
        p[36..40].copy_from_slice(b"acsp");
        p[100..120].copy_from_slice(b"ICC-PROFILE-CANARY!!");
        p
    }

    fn assert_profile_gone(out: &[u8]) {
        assert_eq!(get32(out, 14 + CS_TYPE), LCS_SRGB);
        assert_eq!(get32(out, 14 + PROFILE_DATA), 0);
        assert_eq!(get32(out, 14 + PROFILE_SIZE), 0);
        assert_eq!(get32(out, 14 + 108), 4, "intent kept");
        assert_eq!(get32(out, 10), 138);
        assert_eq!(out.len(), 138 + 16);
        assert_eq!(&out[138..], &pixels_2x2()[..]);
    }

    #[test]
    fn drops_v5_embedded_profile_after_pixels() {
        let p = icc();
        // Profile right after the pixels: 124 + 16 from the DIB header.
        let f = bmp(
            &v5(PROFILE_EMBEDDED, 140, p.len() as u32),
            &[],
            &pixels_2x2(),
            &p,
        );
        let (out, report) = strip_default(&f);
        assert_profile_gone(&out);
        assert_eq!(report.removed, Kinds::ICC);
        assert_eq!(report.bytes_removed, p.len() as u64);
        // With junk between pixels and profile, and after it.
        let after = [&b"junk"[..], &p, b"more"].concat();
        let f = bmp(
            &v5(PROFILE_EMBEDDED, 144, p.len() as u32),
            &[],
            &pixels_2x2(),
            &after,
        );
        let (out, report) = strip_default(&f);
        assert_profile_gone(&out);
        assert_eq!(report.removed, Kinds::ICC | Kinds::TRAILER);
    }

    #[test]
    fn drops_v5_embedded_profile_before_pixels() {
        let p = icc();
        let f = bmp(
            &v5(PROFILE_EMBEDDED, 124, p.len() as u32),
            &p,
            &pixels_2x2(),
            &[],
        );
        let (out, report) = strip_default(&f);
        assert_profile_gone(&out);
        assert!(!contains(&out, b"ICC-PROFILE-CANARY"));
        assert_eq!(report.removed, Kinds::ICC);
    }

    #[test]
    fn drops_v5_linked_profile_even_with_keep_icc() {
        let path = b"C:\\Users\\alice\\profile.icm\0";
        for keep in [Keep::empty(), Keep::ICC] {
            let after = bmp(
                &v5(PROFILE_LINKED, 140, path.len() as u32),
                &[],
                &pixels_2x2(),
                path,
            );
            let before = bmp(
                &v5(PROFILE_LINKED, 124, path.len() as u32),
                path,
                &pixels_2x2(),
                &[],
            );
            for f in [after, before] {
                let (out, report) = strip_keep(&f, keep);
                assert_profile_gone(&out);
                assert!(!contains(&out, b"alice"));
                assert_eq!(report.removed, Kinds::ICC);
                assert_eq!(report.bytes_removed, path.len() as u64);
            }
        }
    }

    #[test]
    fn keep_icc_moves_embedded_profile_after_pixels() {
        let p = icc();
        let after = bmp(
            &v5(PROFILE_EMBEDDED, 140, p.len() as u32),
            &[],
            &pixels_2x2(),
            &[&p[..], b"tail"].concat(),
        );
        let before = bmp(
            &v5(PROFILE_EMBEDDED, 124, p.len() as u32),
            &p,
            &pixels_2x2(),
            &[],
        );
        for f in [after, before] {
            let (out, report) = strip_keep(&f, Keep::ICC);
            assert_eq!(get32(&out, 14 + CS_TYPE), PROFILE_EMBEDDED);
            assert_eq!(get32(&out, 14 + PROFILE_DATA), 140);
            assert_eq!(get32(&out, 14 + PROFILE_SIZE), p.len() as u32);
            assert_eq!(get32(&out, 10), 138);
            assert_eq!(&out[138..154], &pixels_2x2()[..]);
            assert_eq!(&out[154..], &p[..]);
            assert!(!report.removed.contains(Kinds::ICC));
        }
        // A kept profile that runs past the end of the input.
        let f = bmp(&v5(PROFILE_EMBEDDED, 140, 500), &[], &pixels_2x2(), &p);
        assert_eq!(
            run(&f, Keep::ICC, Limits::default()).unwrap_err(),
            Error::Truncated {
                format: Format::Bmp,
                offset: 154,
                needed: 500 - p.len()
            }
        );
        // Without Keep::ICC the same file strips: the profile goes anyway.
        assert_profile_gone(&strip_default(&f).0);
    }

    #[test]
    fn keep_icc_refuses_a_profile_overlapping_what_is_copied() {
        // Profiles inside the DIB header, over the pixel array, and straddling both: under
        // Keep::ICC they would be written twice. Without it they simply go.
        for (data, size) in [(0, 124), (124, 16), (100, 40)] {
            let f = bmp(&v5(PROFILE_EMBEDDED, data, size), &[], &pixels_2x2(), &[]);
            assert_eq!(
                run(&f, Keep::ICC, Limits::default()).unwrap_err(),
                Error::Malformed {
                    format: Format::Bmp,
                    offset: 14 + PROFILE_DATA,
                    what: "the embedded profile overlaps the headers, palette or pixel array"
                        .into()
                }
            );
            let (out, _) = strip_default(&f);
            assert!(out.len() <= f.len());
            assert_profile_gone(&out);
        }
    }

    #[test]
    fn v4_claiming_a_profile_becomes_srgb() {
        let mut h = dib(108, 2, 2, 24, 0);
        set32(&mut h, CS_TYPE, PROFILE_EMBEDDED);
        let (out, report) = strip_default(&bmp(&h, &[], &pixels_2x2(), &[]));
        assert_eq!(get32(&out, 14 + CS_TYPE), LCS_SRGB);
        assert_eq!(report.removed, Kinds::ICC);
    }

    /// An 8-bit palette of `n` grey entries.
    fn grey(n: u32) -> Vec<u8> {
        (0..n)
            .flat_map(|i| [i as u8, i as u8, i as u8, 0])
            .collect()
    }

    fn rle_header(compression: u32, bpp: u16, size_image: u32) -> Vec<u8> {
        let mut h = dib(40, 4, 2, bpp, compression);
        set32(&mut h, BI_SIZE_IMAGE, size_image);
        set32(&mut h, BI_CLR_USED, 4);
        h
    }

    #[test]
    fn rle8_ends_at_end_of_bitmap_marker() {
        // Run, absolute run of 3 holding `00 01` (padded), end of line, delta, end of bitmap.
        let rle = [4, 1, 0, 3, 0, 1, 2, 0, 0, 0, 0, 2, 1, 0, 0, 1];
        for size_image in [0, rle.len() as u32, 100] {
            let f = bmp(
                &rle_header(1, 8, size_image),
                &grey(4),
                &rle,
                b"after EOB: secret",
            );
            let (out, report) = strip_default(&f);
            assert_eq!(&out[out.len() - rle.len()..], &rle);
            assert_eq!(out.len(), 54 + 16 + rle.len());
            assert_eq!(get32(&out, 14 + BI_SIZE_IMAGE), rle.len() as u32);
            assert_eq!(report.removed, Kinds::TRAILER);
        }
    }

    #[test]
    fn rle4_and_rle24_absolute_runs_are_padded() {
        // RLE4 absolute run of 5 pixels = 3 bytes + 1 pad.
        let rle4 = [0, 5, 0x12, 0x34, 0x50, 0, 0, 1];
        let f = bmp(&rle_header(2, 4, 0), &grey(4), &rle4, b"xx");
        let (out, _) = strip_default(&f);
        assert_eq!(&out[out.len() - rle4.len()..], &rle4);
        assert_eq!(out.len(), 70 + rle4.len());
        // OS/2 RLE24: a run is count + 3 colour bytes; absolute 3 pixels = 9 bytes + 1 pad.
        let rle24 = [2, 1, 2, 3, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 1];
        let mut h = dib(64, 4, 2, 24, 4);
        set32(&mut h, BI_SIZE_IMAGE, 0);
        let f = bmp(&h, &[], &rle24, b"xx");
        let (out, _) = strip_default(&f);
        assert_eq!(&out[78..], &rle24);
    }

    #[test]
    fn rle_without_end_marker_uses_size_image_or_is_truncated() {
        let rle = [4, 1, 0, 0, 4, 2, 0, 0];
        let f = bmp(&rle_header(1, 8, rle.len() as u32), &grey(4), &rle, &[]);
        assert_eq!(strip_default(&f).0, f);
        let f = bmp(&rle_header(1, 8, 0), &grey(4), &rle, &[]);
        assert_eq!(
            err(&f),
            Error::Truncated {
                format: Format::Bmp,
                offset: 78,
                needed: 2
            }
        );
        // An absolute run cut by the end of the file.
        let f = bmp(&rle_header(1, 8, 0), &grey(4), &[0, 9, 1, 2], &[]);
        assert_eq!(
            err(&f),
            Error::Truncated {
                format: Format::Bmp,
                offset: 72,
                needed: 8
            }
        );
    }

    #[test]
    fn rle_with_embedded_profile_after_it() {
        let p = icc();
        let rle = [4, 1, 0, 1];
        let mut h = v5(PROFILE_EMBEDDED, 124 + 16 + 4, p.len() as u32);
        h[14..16].copy_from_slice(&8u16.to_le_bytes());
        set32(&mut h, BI_COMPRESSION, 1);
        set32(&mut h, BI_CLR_USED, 4);
        let f = bmp(&h, &grey(4), &rle, &p);
        let (out, report) = strip_default(&f);
        assert_eq!(out.len(), 138 + 16 + 4);
        assert_eq!(report.removed, Kinds::ICC);
        let (kept, _) = strip_keep(&f, Keep::ICC);
        let mut expected = f.clone();
        set32(&mut expected, 14 + BI_SIZE_IMAGE, rle.len() as u32); // was 0
        assert_eq!(kept, expected);
        // RLE data with no end marker that runs into the profile.
        let f = bmp(&h, &grey(4), &[4, 1, 0, 0], &p);
        assert!(matches!(err(&f), Error::Malformed { offset: 158, .. }));
    }

    /// The 1×1 PNG of the crate docs, with a tEXt chunk naming `Eve!`.
    const PNG: &[u8] = &[
        0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0,
        0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0, 0x3A, 0x7E, 0x9B, 0x55, 0, 0, 0, 11, b't', b'E', b'X',
        b't', b'A', b'u', b't', b'h', b'o', b'r', 0, b'E', b'v', b'e', b'!', 0xD0, 0x8A, 0x79,
        0x90, 0, 0, 0, 10, b'I', b'D', b'A', b'T', 0x78, 0x9C, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02,
        0x00, 0x01, 0x48, 0xAF, 0xA4, 0x71, 0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60,
        0x82,
    ];
    /// A 1×1 JPEG with a comment `secre`.
    const JPEG: &[u8] = &[
        0xFF, 0xD8, 0xFF, 0xFE, 0x00, 0x07, b's', b'e', b'c', b'r', b'e', 0xFF, 0xC0, 0x00, 0x0B,
        8, 0, 1, 0, 1, 1, 1, 0x11, 0, 0xFF, 0xDA, 0x00, 0x08, 1, 1, 0x00, 0, 63, 0, 0x12, 0x34,
        0xFF, 0xD9,
    ];

    fn embedded(compression: u32, data: &[u8], size_image: u32, after: &[u8]) -> Vec<u8> {
        let mut h = dib(124, 1, 1, 0, compression);
        set32(&mut h, CS_TYPE, LCS_SRGB);
        set32(&mut h, BI_SIZE_IMAGE, size_image);
        bmp(&h, &[], data, after)
    }

    #[test]
    fn strips_the_png_inside_bi_png() {
        for size_image in [PNG.len() as u32, 0] {
            let f = embedded(5, PNG, size_image, b"");
            let (out, report) = strip_default(&f);
            assert!(!contains(&out, b"Eve!"));
            assert_eq!(out.len(), f.len() - 23);
            assert_eq!(get32(&out, 14 + BI_SIZE_IMAGE) as usize, PNG.len() - 23);
            assert_eq!(&out[138..146], &PNG[..8]);
            assert!(report.removed.contains(Kinds::TEXT));
            assert_eq!((report.width, report.height), (1, 1));
        }
        // Bytes after the declared PNG are the BMP's trailer.
        let (out, report) = strip_default(&embedded(5, PNG, PNG.len() as u32, b"trailer"));
        assert_eq!(out.len(), 138 + PNG.len() - 23);
        assert!(report.removed.contains(Kinds::TEXT | Kinds::TRAILER));
    }

    #[test]
    fn strips_the_jpeg_inside_bi_jpeg() {
        let f = embedded(4, JPEG, JPEG.len() as u32, b"");
        let (out, report) = strip_default(&f);
        assert!(!contains(&out, b"secre"));
        assert_eq!(get32(&out, 14 + BI_SIZE_IMAGE) as usize, JPEG.len() - 9);
        assert_eq!(report.removed, Kinds::COMMENT);
        // Not a JPEG at all.
        let f = embedded(4, b"not a jpeg", 10, b"");
        assert!(matches!(err(&f), Error::Malformed { offset: 138, .. }));
    }

    #[test]
    fn embedded_errors_carry_bmp_offsets() {
        let mut png = PNG.to_vec();
        png[15] = b'X'; // IHDR → IHDX
        let f = embedded(5, &png, 0, b"");
        assert_eq!(
            err(&f),
            Error::Malformed {
                format: Format::Bmp,
                offset: 138 + 12,
                what: "embedded PNG: first chunk is not IHDR".into()
            }
        );
        // The embedded PNG's own canvas is checked against the limits.
        let mut png = PNG.to_vec();
        png[16..20].copy_from_slice(&60_000u32.to_be_bytes());
        let e = err(&embedded(5, &png, 0, b""));
        assert!(matches!(
            e,
            Error::LimitExceeded {
                format: Format::Bmp,
                offset: 154,
                limit: Limit::Width,
                ..
            }
        ));
    }

    #[test]
    fn errors_carry_offsets() {
        let px = pixels_2x2();
        let mut f = bmp(&dib(40, 2, 2, 24, 0), &[], &px, &[]);
        f[14] = 41;
        assert!(matches!(err(&f), Error::Unsupported { offset: 14, .. }));
        let f = bmp(&dib(40, 0, 2, 24, 0), &[], &px, &[]);
        assert!(matches!(err(&f), Error::Malformed { offset: 18, .. }));
        let f = bmp(&dib(40, -2, 2, 24, 0), &[], &px, &[]);
        assert!(matches!(err(&f), Error::Malformed { offset: 18, .. }));
        let f = bmp(&dib(40, 2, 0, 24, 0), &[], &px, &[]);
        assert!(matches!(err(&f), Error::Malformed { offset: 22, .. }));
        let f = bmp(&dib(40, 2, 2, 7, 0), &[], &px, &[]);
        assert!(matches!(err(&f), Error::Malformed { offset: 28, .. }));
        let f = bmp(&dib(40, 2, 2, 24, 9), &[], &px, &[]);
        assert!(matches!(err(&f), Error::Unsupported { offset: 30, .. }));
        let f = bmp(&dib(64, 2, 2, 24, 5), &[], &px, &[]);
        assert!(matches!(err(&f), Error::Unsupported { offset: 30, .. }));
        let mut f = bmp(&dib(40, 2, 2, 24, 0), &[], &px, &[]);
        set32(&mut f, 10, 20);
        assert!(matches!(err(&f), Error::Malformed { offset: 10, .. }));
        let mut f = b"BX".to_vec();
        f.extend_from_slice(&bmp(&dib(40, 2, 2, 24, 0), &[], &px, &[])[2..]);
        assert!(matches!(err(&f), Error::Malformed { offset: 0, .. }));
        // Huffman without its size.
        let f = bmp(&dib(64, 2, 2, 1, 3), &grey(2), &px, &[]);
        assert!(matches!(err(&f), Error::Unsupported { offset: 34, .. }));
    }

    #[test]
    fn truncated_pixel_array_is_an_error() {
        let px = pixels_2x2();
        let f = bmp(&dib(40, 2, 2, 24, 0), &[], &px[..10], &[]);
        assert_eq!(
            err(&f),
            Error::Truncated {
                format: Format::Bmp,
                offset: 54,
                needed: 6
            }
        );
        // bfOffBits past the end: every missing byte counted.
        let mut f = bmp(&dib(40, 2, 2, 24, 0), &[], &px, &[]);
        set32(&mut f, 10, 100);
        assert_eq!(
            err(&f),
            Error::Truncated {
                format: Format::Bmp,
                offset: 70,
                needed: 30 + 16
            }
        );
        // A header cut short.
        let f = bmp(&dib(124, 2, 2, 24, 0), &[], &[], &[])[..30].to_vec();
        assert_eq!(
            err(&f),
            Error::Truncated {
                format: Format::Bmp,
                offset: 14,
                needed: 108
            }
        );
    }

    #[test]
    fn bf_off_bits_zero_means_after_the_palette() {
        let mut f = bmp(&dib(40, 2, 2, 24, 0), &[], &pixels_2x2(), b"x");
        set32(&mut f, 10, 0);
        let (out, _) = strip_default(&f);
        assert_eq!(get32(&out, 10), 54);
        assert_eq!(&out[54..], &pixels_2x2()[..]);
    }

    #[test]
    fn off_bits_inside_the_palette_cuts_it() {
        let mut f = bmp(&dib(40, 2, 2, 8, 0), &grey(256), &[1; 8], &[]);
        set32(&mut f, 10, 54 + 16);
        let (out, report) = strip_default(&f);
        // Palette of 4 entries, then the 8 pixel bytes the decoder reads at bfOffBits.
        let mut expected = f[..54 + 16 + 8].to_vec();
        set32(&mut expected, 2, 54 + 16 + 8);
        assert_eq!(out, expected);
        assert_eq!(report.removed, Kinds::TRAILER);
    }

    #[test]
    fn limits_apply_to_width_and_height() {
        let f = bmp(&dib(40, 50_001, 1, 24, 0), &[], &[], &[]);
        assert_eq!(
            err(&f),
            Error::LimitExceeded {
                format: Format::Bmp,
                offset: 18,
                limit: Limit::Width,
                value: 50_001,
                max: 50_000
            }
        );
        let f = bmp(&dib(40, 1, -60_000, 24, 0), &[], &[], &[]);
        assert!(matches!(
            err(&f),
            Error::LimitExceeded {
                limit: Limit::Height,
                value: 60_000,
                ..
            }
        ));
        let f = bmp(&dib(40, 20_000, 20_000, 24, 0), &[], &[], &[]);
        assert!(matches!(
            err(&f),
            Error::LimitExceeded {
                limit: Limit::Pixels,
                ..
            }
        ));
        // Without limits the same header asks for more bytes than there are.
        let f = bmp(&dib(40, i32::MAX, i32::MIN, 64, 0), &[], &[], &[]);
        let e = run(&f, Keep::empty(), Limits::none()).unwrap_err();
        assert!(
            matches!(
                e,
                Error::Truncated { offset: 54, .. } | Error::Malformed { offset: 18, .. }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn every_prefix_is_ok_or_a_typed_error() {
        let p = icc();
        let rle = [4, 1, 0, 3, 0, 1, 2, 0, 0, 0, 0, 2, 1, 0, 0, 1];
        let files = [
            bmp(
                &v5(PROFILE_EMBEDDED, 140, p.len() as u32),
                &[],
                &pixels_2x2(),
                &p,
            ),
            bmp(&v5(PROFILE_LINKED, 124, 4), b"C:\\x", &pixels_2x2(), b"t"),
            bmp(&rle_header(1, 8, 0), &grey(4), &rle, b"x"),
            bmp(&core(2, 2, 1), &[0; 6], &[0; 8], &[]),
            embedded(5, PNG, 0, b""),
            embedded(4, JPEG, JPEG.len() as u32, b""),
        ];
        for f in &files {
            for keep in [Keep::empty(), Keep::ICC] {
                for n in 0..=f.len() {
                    match run(&f[..n], keep, Limits::default()) {
                        Ok((out, _)) => {
                            assert_eq!(run(&out, keep, Limits::default()).unwrap().0, out);
                        }
                        Err(e) => {
                            assert_eq!(e.format(), Some(Format::Bmp));
                            assert!(e.offset() <= n, "{e:?} past {n}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn dispatch_goes_through_the_stripper() {
        let f = bmp(&dib(40, 2, 2, 24, 0), &[], &pixels_2x2(), b"tail");
        let out = crate::Stripper::new().strip(&f).unwrap();
        assert_eq!(out.data.len(), f.len() - 4);
        assert_eq!(out.report.format, Format::Bmp);
    }
}
