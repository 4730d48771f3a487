//! Which container an input is, told from its first bytes.

use std::fmt;

/// An image format imgstrip recognises by its signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// JPEG / JFIF / Exif (ITU T.81), starting `FF D8`.
    Jpeg,
    /// PNG and APNG, starting with the 8-byte PNG signature.
    Png,
    /// GIF87a and GIF89a.
    Gif,
    /// WebP: a RIFF container of form type `WEBP`.
    WebP,
    /// Windows / OS/2 bitmap, starting `BM`.
    Bmp,
    /// HEIF / HEIC: an ISO-BMFF file whose `ftyp` names a HEIF brand.
    Heif,
    /// AVIF: an ISO-BMFF file whose `ftyp` names `avif` or `avis`.
    Avif,
    /// JPEG XL: a bare codestream (`FF 0A`) or the ISO/IEC 18181-2 container (`JXL ` box).
    Jxl,
}

impl Format {
    /// The format's usual short name, as used in error messages.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::Gif => "GIF",
            Format::WebP => "WebP",
            Format::Bmp => "BMP",
            Format::Heif => "HEIF",
            Format::Avif => "AVIF",
            Format::Jxl => "JPEG XL",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A JPEG XL container's signature box (ISO/IEC 18181-2 § 4.1): size 12, `JXL `,
/// `0D 0A 87 0A`.
pub(crate) const JXL_CONTAINER_SIGNATURE: [u8; 12] = [
    0, 0, 0, 0x0C, b'J', b'X', b'L', b' ', 0x0D, 0x0A, 0x87, 0x0A,
];

/// The 8-byte PNG signature (PNG § 5.2).
pub(crate) const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// Tells the format of `input` from its magic bytes alone (never a file name).
///
/// Returns `None` when no supported signature is at byte 0.
///
/// ```
/// use imgstrip::{detect, Format};
/// assert_eq!(detect(b"\xFF\xD8\xFF\xE0"), Some(Format::Jpeg));
/// assert_eq!(detect(b"GIF89a"), Some(Format::Gif));
/// assert_eq!(detect(b"hello"), None);
/// ```
#[must_use]
pub fn detect(input: &[u8]) -> Option<Format> {
    match input {
        [0xFF, 0xD8, ..] => Some(Format::Jpeg),
        [0xFF, 0x0A, ..] => Some(Format::Jxl),
        _ if input.starts_with(&JXL_CONTAINER_SIGNATURE) => Some(Format::Jxl),
        _ if input.starts_with(&PNG_SIGNATURE) => Some(Format::Png),
        [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some(Format::Gif),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some(Format::WebP),
        [b'B', b'M', ..] if input.len() >= 14 => Some(Format::Bmp),
        [_, _, _, _, b'f', b't', b'y', b'p', ..] => isobmff_brand(input),
        _ => None,
    }
}

/// Reads the `ftyp` box (ISO 14496-12 § 4.3) and picks AVIF or HEIF from its brands.
/// AVIF wins when either kind is listed, since an AVIF file may also list `mif1`.
fn isobmff_brand(input: &[u8]) -> Option<Format> {
    let size = u32::from_be_bytes(input.get(0..4)?.try_into().ok()?);
    let size = usize::try_from(size).ok()?;
    // major_brand + minor_version + compatible brands, inside the box.
    let body = input.get(8..size.min(input.len()))?;
    let major = body.get(0..4)?;
    // Under the low-overhead brand `mif3`, minor_version names the codec brand instead of
    // a version (ISO 23008-12 Amd 2): `mif3` + `avif` is an AVIF file.
    let minor = body.get(4..8).filter(|_| major == b"mif3");
    let compatible = body.get(8..).unwrap_or_default();
    let brands = std::iter::once(major)
        .chain(minor)
        .chain(compatible.chunks_exact(4));
    let mut heif = false;
    for brand in brands {
        match brand {
            b"avif" | b"avis" | b"avio" => return Some(Format::Avif),
            b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" | b"hevm" | b"hevs"
            | b"mif1" | b"mif2" | b"mif3" | b"msf1" | b"miaf" | b"jpeg" => heif = true,
            _ => {}
        }
    }
    heif.then_some(Format::Heif)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
        let size = 16 + 4 * compatible.len();
        let mut v = (size as u32).to_be_bytes().to_vec();
        v.extend_from_slice(b"ftyp");
        v.extend_from_slice(major);
        v.extend_from_slice(&[0; 4]);
        for c in compatible {
            v.extend_from_slice(*c);
        }
        v
    }

    #[test]
    fn detects_each_signature() {
        assert_eq!(detect(&PNG_SIGNATURE), Some(Format::Png));
        assert_eq!(detect(b"GIF87a"), Some(Format::Gif));
        assert_eq!(detect(b"\xFF\x0A\xFA"), Some(Format::Jxl));
        assert_eq!(
            detect(b"\0\0\0\x0CJXL \x0D\x0A\x87\x0A\0\0\0\x14ftypjxl "),
            Some(Format::Jxl)
        );
        assert_eq!(detect(b"\0\0\0\x0CJXL \x0D\x0A\x87"), None);
        assert_eq!(detect(b"RIFF\0\0\0\0WEBPVP8 "), Some(Format::WebP));
        assert_eq!(detect(b"RIFF\0\0\0\0WAVEfmt "), None);
        assert_eq!(detect(b"BM\0\0\0\0\0\0\0\0\0\0\0\0"), Some(Format::Bmp));
        assert_eq!(detect(b"BM"), None);
        assert_eq!(detect(&[]), None);
    }

    #[test]
    fn tells_avif_from_heif_by_brand() {
        assert_eq!(detect(&ftyp(b"avif", &[b"mif1"])), Some(Format::Avif));
        assert_eq!(detect(&ftyp(b"mif1", &[b"avif"])), Some(Format::Avif));
        assert_eq!(detect(&ftyp(b"heic", &[b"mif1"])), Some(Format::Heif));
        assert_eq!(detect(&ftyp(b"isom", &[b"mp41"])), None);
        let mut mif3 = ftyp(b"mif3", &[]);
        mif3[12..16].copy_from_slice(b"avif");
        assert_eq!(detect(&mif3), Some(Format::Avif));
        mif3[12..16].copy_from_slice(b"heic");
        assert_eq!(detect(&mif3), Some(Format::Heif));
        let mut other = ftyp(b"heic", &[]);
        other[12..16].copy_from_slice(b"avif");
        assert_eq!(
            detect(&other),
            Some(Format::Heif),
            "minor_version is a version elsewhere"
        );
    }

    #[test]
    fn ftyp_size_past_input_is_clamped() {
        let mut f = ftyp(b"heic", &[]);
        f[0..4].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(detect(&f), Some(Format::Heif));
    }
}
