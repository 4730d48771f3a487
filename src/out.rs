//! Output helpers shared by the container walkers: a u32 size field written as a placeholder
//! and patched once what it measures has been written (RIFF and ANMF sizes in WebP,
//! `bfSize` in BMP), and the big-endian fields and ISO-BMFF boxes HEIF writes (a box starts
//! with a placeholder size, [`end_box`] fills it in).

use crate::sink::Sink;
use crate::{Error, Format};

/// Where a 4-byte size field sits in the output. Written as zeros by
/// [`SizeField::placeholder`], filled in by [`SizeField::patch_le`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SizeField {
    at: usize,
}

impl SizeField {
    /// Appends four zero bytes to `out` and remembers where they are.
    pub(crate) fn placeholder(out: &mut impl Sink) -> Self {
        let at = out.len();
        out.extend_from_slice(&[0; 4]);
        SizeField { at }
    }

    /// The output offset just past the field: where the bytes it usually measures begin.
    pub(crate) fn end(self) -> usize {
        self.at.saturating_add(4)
    }

    /// How many bytes `out` holds after the field.
    pub(crate) fn bytes_after(self, out: &impl Sink) -> usize {
        out.len().saturating_sub(self.end())
    }

    /// Writes `value` little-endian into the field. Returns false, leaving `out` as it was,
    /// when `value` does not fit in 32 bits.
    #[must_use]
    pub(crate) fn patch_le(self, out: &mut impl Sink, value: usize) -> bool {
        self.patch(out.written(), value, u32::to_le_bytes)
    }

    fn patch(self, out: &mut [u8], value: usize, bytes: fn(u32) -> [u8; 4]) -> bool {
        let (Ok(value), Some(field)) = (u32::try_from(value), out.get_mut(self.at..self.end()))
        else {
            return false;
        };
        field.copy_from_slice(&bytes(value));
        true
    }
}

/// Appends `value` as a big-endian integer `size` bytes wide (0 to 8). Returns false, writing
/// nothing, when the value does not fit.
#[must_use]
pub(crate) fn put_uint(out: &mut impl Sink, value: u64, size: usize) -> bool {
    let mut field = [0u8; 8];
    let Some(slot) = field.get_mut(..size) else {
        return false;
    };
    let fits = write_be(slot, value);
    if fits {
        out.extend_from_slice(slot);
    }
    fits
}

/// Overwrites the `size` bytes at `at` with `value`, big-endian. Returns false, writing
/// nothing, when the value does not fit or the slot is not inside `out`.
#[must_use]
pub(crate) fn patch_uint(out: &mut [u8], at: usize, value: u64, size: usize) -> bool {
    out.get_mut(at..)
        .and_then(|s| s.get_mut(..size))
        .is_some_and(|slot| write_be(slot, value))
}

/// Writes `value` big-endian into the whole of `slot` (at most 8 bytes); false, writing
/// nothing, when it does not fit.
fn write_be(slot: &mut [u8], value: u64) -> bool {
    let bytes = value.to_be_bytes();
    let Some(skip) = bytes.len().checked_sub(slot.len()) else {
        return false;
    };
    let (high, low) = bytes.split_at(skip);
    if high.iter().any(|&b| b != 0) {
        return false;
    }
    slot.copy_from_slice(low);
    true
}

/// A box being written: where it starts in the output, and where the box (or field) it is
/// rebuilt from starts in the input, which an error about it names: errors carry input
/// offsets only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OpenBox {
    at: usize,
    from: usize,
}

/// Starts a box of type `kind` with a placeholder 32-bit size; `from` is the offset in the
/// input of what it is rebuilt from.
pub(crate) fn begin_box(out: &mut impl Sink, kind: [u8; 4], from: usize) -> OpenBox {
    let at = out.len();
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&kind);
    OpenBox { at, from }
}

/// Starts a full box (ISO 14496-12 § 4.2): a box whose body opens with version and flags.
pub(crate) fn begin_full_box(
    out: &mut impl Sink,
    kind: [u8; 4],
    version: u8,
    flags: u32,
    from: usize,
) -> OpenBox {
    let open = begin_box(out, kind, from);
    out.push(version);
    out.extend_from_slice(flags.to_be_bytes().get(1..).unwrap_or_default());
    open
}

/// Writes the size of the box `open`, now that its content is written. A sink that keeps
/// no bytes (a measuring pass, a caller's slice already overflowed) has no field to fill,
/// and only the size is checked.
///
/// # Errors
/// [`Error::Unsupported`], at the input box it was rebuilt from, when the box grew past
/// 4 GiB, which a 32-bit size cannot say.
pub(crate) fn end_box(out: &mut impl Sink, open: OpenBox, format: Format) -> Result<(), Error> {
    let size = out.len().saturating_sub(open.at);
    let Ok(size) = u32::try_from(size) else {
        return Err(Error::Unsupported {
            format,
            offset: open.from,
            what: "a rebuilt box is over 4 GiB".into(),
        });
    };
    let _ = patch_uint(out.written(), open.at, size.into(), 4);
    Ok(())
}

/// Bytes of one piece when [`copy`] splits a copy: under the 2112 bytes from which glibc's
/// `memmove` switches to `rep movsb` on CPUs with FSRM.
const PIECE: usize = 2048;

/// Appends `bytes`, a range of the input, to `out`.
///
/// Not a plain `extend_from_slice` for one reason: glibc's `memmove` copies 2112 bytes and
/// more with `rep movsb`, and on AMD Zen that runs 15–25× slower when the destination lies
/// 1 to 31 bytes past the source modulo 4096 (measured on an AMD EPYC: a 124 KB copy took
/// 41 µs instead of 2.5 µs, a 256 KB one 90 µs instead of 6). Where the output sits against
/// the input depends on the allocator and on how many bytes were removed before this copy, so
/// any file can land there. Such copies (1 to 63 bytes past, for a margin) go in pieces
/// under 2112 bytes, which `memmove` copies with vector loops at full speed whatever the
/// alignment; every other copy is one call.
pub(crate) fn copy(out: &mut impl Sink, bytes: &[u8]) {
    let dst = out.next_addr();
    let distance = dst.wrapping_sub(bytes.as_ptr().addr()) & 4095;
    if bytes.len() <= PIECE || distance == 0 || distance >= 64 {
        out.extend_from_slice(bytes);
    } else {
        for piece in bytes.chunks(PIECE) {
            out.extend_from_slice(piece);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patches_the_placeholder_little_endian() {
        let mut out = b"RIFF".to_vec();
        let size = SizeField::placeholder(&mut out);
        out.extend_from_slice(b"WEBPabc");
        assert_eq!(size.end(), 8);
        assert_eq!(size.bytes_after(&out), 7);
        let after = size.bytes_after(&out);
        assert!(size.patch_le(&mut out, after));
        assert_eq!(&out[..8], b"RIFF\x07\0\0\0");
        assert!(size.patch_le(&mut out, 0x0102_0304));
        assert_eq!(&out[4..8], &[4, 3, 2, 1]);
    }

    #[test]
    fn refuses_values_over_32_bits_and_missing_fields() {
        let mut out = vec![9; 2];
        let size = SizeField::placeholder(&mut out);
        if let Ok(big) = usize::try_from(u64::from(u32::MAX) + 1) {
            assert!(!size.patch_le(&mut out, big));
            assert_eq!(out, [9, 9, 0, 0, 0, 0]);
        }
        out.truncate(3);
        assert!(!size.patch_le(&mut out, 1));
    }

    #[test]
    fn writes_fields_that_fit_only() {
        let mut out = Vec::new();
        assert!(put_uint(&mut out, 0x0102, 2));
        assert!(!put_uint(&mut out, 7, 0));
        assert!(put_uint(&mut out, 0, 0));
        assert!(!put_uint(&mut out, 0x1_0000, 2));
        assert!(!put_uint(&mut out, 1, 9));
        assert_eq!(out, [1, 2]);
        assert!(patch_uint(&mut out, 0, 0xAB, 1));
        assert!(!patch_uint(&mut out, 1, 0xAB, 2));
        assert!(!patch_uint(&mut out, 0, 0x1FF, 1));
        assert_eq!(out, [0xAB, 2]);
    }

    #[test]
    fn boxes_get_their_size_at_the_end() {
        let mut out = vec![9];
        let open = begin_full_box(&mut out, *b"meta", 1, 0x0A0B0C, 77);
        out.extend_from_slice(b"xy");
        end_box(&mut out, open, Format::Heif).unwrap();
        assert_eq!(
            out,
            [9, 0, 0, 0, 14, b'm', b'e', b't', b'a', 1, 0x0A, 0x0B, 0x0C, b'x', b'y']
        );
    }

    #[test]
    fn copies_whole_and_in_pieces_alike() {
        let source: Vec<u8> = (0..20_000u32).map(|i| (i * 31 % 251) as u8).collect();
        for len in [0, 1, 100, PIECE - 1, PIECE, PIECE + 1, 3 * PIECE + 7, 9_000] {
            // Destination 0, 1 to 63 (split into pieces) and 64 or more bytes past the source.
            for distance in [0usize, 1, 8, 31, 63, 64, 100, 4095] {
                let mut out = Vec::with_capacity(len + 16);
                out.push(0xEE);
                let dst = out.as_ptr().addr() + out.len();
                let at = dst.wrapping_sub(source.as_ptr().addr() + distance) & 4095;
                let bytes = &source[at..at + len];
                copy(&mut out, bytes);
                assert_eq!(out[0], 0xEE);
                assert_eq!(&out[1..], bytes, "len {len}, distance {distance}");
            }
        }
    }
}
