//! The DIB header: its versions, the fields read from it, and the rewrite of the copy that is
//! written out (colour space, profile fields, free fields zeroed).

use std::ops::Range;

use super::layout::{put, Unit};
use crate::error::Error;
use crate::format::Format;
use crate::options::Options;
use crate::reader::Reader;
use crate::report::{Kinds, Report};

/// Offsets inside the DIB header, from its first byte (`biSize`).
pub(super) const BI_WIDTH: usize = 4;
const BI_HEIGHT: usize = 8;
const BI_BIT_COUNT: usize = 14;
pub(super) const BI_COMPRESSION: usize = 16;
pub(super) const BI_SIZE_IMAGE: usize = 20;
pub(super) const BI_CLR_USED: usize = 32;
/// `bcBitCount` of the 12-byte core header (width and height are `u16` there).
const BC_BIT_COUNT: usize = 10;
/// V4 / V5: `CSType`, then `Endpoints` (36 bytes) and three gamma values (12 bytes).
pub(super) const CS_TYPE: usize = 56;
const ENDPOINTS_AND_GAMMA: Range<usize> = 60..108;
/// V5 only.
pub(super) const PROFILE_DATA: usize = 112;
pub(super) const PROFILE_SIZE: usize = 116;
const V5_RESERVED: Range<usize> = 120..124;
/// OS/2 2.x (64 bytes): `usReserved` and `ulIdentifier` ("reserved for application use").
const OS2_RESERVED: Range<usize> = 42..44;
const OS2_IDENTIFIER: Range<usize> = 60..64;

/// `bV5CSType` values, FourCCs stored little-endian (`wingdi.h`).
const LCS_CALIBRATED_RGB: u32 = 0;
pub(super) const LCS_SRGB: u32 = 0x7352_4742; // 'sRGB'
pub(super) const PROFILE_LINKED: u32 = 0x4C49_4E4B; // 'LINK'
pub(super) const PROFILE_EMBEDDED: u32 = 0x4D42_4544; // 'MBED'

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
pub(super) enum Encoding {
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

/// A V5 profile: where the header says it is (possibly past the end of the input).
pub(super) struct Profile {
    pub(super) unit: Unit,
    pub(super) range: Range<usize>,
}

/// What the DIB header says.
pub(super) struct Dib<'a> {
    pub(super) raw: &'a [u8],
    version: Version,
    pub(super) width: u32,
    /// `|height|`.
    pub(super) height: u32,
    pub(super) bit_count: u16,
    pub(super) encoding: Encoding,
    /// Bytes of bit masks after the header.
    pub(super) masks: usize,
    pub(super) size_image: u32,
    /// Bytes of palette the header declares (saturated).
    pub(super) palette: usize,
    cs_type: u32,
    pub(super) profile: Option<Profile>,
}

/// Reads the DIB header at the reader's position (byte 14) and checks the canvas.
pub(super) fn read_dib<'a>(r: &mut Reader<'a>, opts: &Options) -> Result<Dib<'a>, Error> {
    let start = r.pos();
    let size = r.u32_le()?;
    let version = version(size).ok_or(Error::Unsupported {
        format: Format::Bmp,
        offset: start,
        what: "DIB header size is not 12, 16, 40, 52, 56, 64, 108 or 124".into(),
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
        what: "unknown compression method".into(),
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

/// Rewrites the copied DIB header in `out` at `at`: colour space and profile fields, free
/// fields zeroed. `biSizeImage` and the kept profile's offset are patched by the caller.
pub(super) fn rewrite_dib(
    dib: &Dib<'_>,
    keep_profile: bool,
    out: &mut [u8],
    at: usize,
    report: &mut Report,
) {
    let field = |range: Range<usize>| at.saturating_add(range.start)..at.saturating_add(range.end);
    let mut cs_type = dib.cs_type;
    if matches!(dib.version, Version::V4 | Version::V5) {
        if matches!(cs_type, PROFILE_EMBEDDED | PROFILE_LINKED) && !keep_profile {
            cs_type = LCS_SRGB;
            put(out, at.saturating_add(CS_TYPE), &cs_type.to_le_bytes());
            report.removed(Kinds::ICC);
        }
        if cs_type != LCS_CALIBRATED_RGB && zero(out, field(ENDPOINTS_AND_GAMMA)) {
            report.removed(Kinds::OTHER);
        }
    }
    if dib.version == Version::V5 {
        if !keep_profile {
            zero(out, field(PROFILE_DATA..PROFILE_SIZE.saturating_add(4)));
        }
        if zero(out, field(V5_RESERVED)) {
            report.removed(Kinds::OTHER);
        }
    }
    if dib.version == Version::Os2
        && (zero(out, field(OS2_RESERVED)) | zero(out, field(OS2_IDENTIFIER)))
    {
        report.removed(Kinds::OTHER);
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

/// Zeroes `out[range]`; says whether any byte was not 0.
fn zero(out: &mut [u8], range: Range<usize>) -> bool {
    out.get_mut(range).is_some_and(|d| {
        let any = d.iter().any(|&b| b != 0);
        d.fill(0);
        any
    })
}
