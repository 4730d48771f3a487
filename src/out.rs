//! Output helpers shared by the walkers: a u32 size field written as a placeholder and
//! patched once what it measures has been written (RIFF and ANMF sizes in WebP, `bfSize` in
//! BMP), [`copy`], the one way a walker copies a range of the input to the output, and
//! [`patch_uint`] for big-endian fields written before their value is known (HEIF box sizes,
//! JPEG MPF offsets).
//! (HEIF writes its boxes with its own writers, in `heif::boxes`.)

use crate::sink::Sink;

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
        u32::try_from(value).is_ok_and(|value| out.patch(self.at, &value.to_le_bytes()))
    }
}

// ---------------------------------------------------------------------------------------
// Copying input ranges: a workaround for one CPU family's slow `rep movsb`
//
// Kept apart from the size fields above because it is about the machine, not the formats:
// if glibc or the CPUs change, this section is the one to measure again (benches/strip.rs).
// ---------------------------------------------------------------------------------------

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

/// Overwrites the `size` bytes at `at` with `value`, big-endian. Returns false, writing
/// nothing, when the value does not fit or the slot is not inside `out`.
#[must_use]
pub(crate) fn patch_uint(out: &mut impl Sink, at: usize, value: u64, size: usize) -> bool {
    out.written_mut(at..at.saturating_add(size))
        .is_some_and(|slot| slot.len() == size && write_be(slot, value))
}

/// Writes `value` big-endian into the whole of `slot` (at most 8 bytes); false, writing
/// nothing, when it does not fit.
pub(crate) fn write_be(slot: &mut [u8], value: u64) -> bool {
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
