//! Where the parts of a BMP file sit and how the walker reads and writes them: the file
//! header's fields, the parts after the headers, bounded takes from the input and writes
//! into fields already in the output. A leaf of the BMP walker: its submodules use it,
//! it uses none of them.

use crate::error::Error;
use crate::format::Format;
use crate::reader::Reader;

/// Length of the file header (`BITMAPFILEHEADER`).
pub(super) const FILE_HEADER: usize = 14;
/// Offsets inside the file header.
pub(super) const BF_SIZE: usize = 2;
pub(super) const BF_OFF_BITS: usize = 10;

/// The parts of a BMP file after its headers (which are always rewritten), for
/// [`verdict`](super::verdict).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unit {
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

/// `len` bytes of the input from `start`, or [`Error::Truncated`] counting every missing byte.
pub(super) fn take(input: &[u8], start: usize, len: usize) -> Result<&[u8], Error> {
    if start > input.len() {
        return Err(Error::Truncated {
            format: Format::Bmp,
            offset: input.len(),
            needed: start.saturating_sub(input.len()).saturating_add(len),
        });
    }
    Reader::new(input, Format::Bmp).at(start).bytes(len)
}

/// Writes `bytes` over `out[at..]` (the bytes are always there: the caller wrote them).
pub(super) fn put(out: &mut [u8], at: usize, bytes: &[u8]) {
    if let Some(dst) = out.get_mut(at..).and_then(|d| d.get_mut(..bytes.len())) {
        dst.copy_from_slice(bytes);
    }
}

/// A length or offset for a `u32` field written at `offset`.
pub(super) fn to_u32(n: usize, offset: usize) -> Result<u32, Error> {
    u32::try_from(n).map_err(|_| Error::Unsupported {
        format: Format::Bmp,
        offset,
        what: "the output would be larger than a BMP can describe (4 GiB)".into(),
    })
}
