//! Output helpers shared by the container walkers: a u32 size field written as a placeholder
//! and patched once what it measures has been written (RIFF and ANMF sizes in WebP; box
//! sizes in HEIF and `bfSize` in BMP can use it too: a big-endian `patch_be` is the same
//! `patch` with `u32::to_be_bytes`).

/// Where a 4-byte size field sits in the output. Written as zeros by
/// [`SizeField::placeholder`], filled in by [`SizeField::patch_le`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SizeField {
    at: usize,
}

impl SizeField {
    /// Appends four zero bytes to `out` and remembers where they are.
    pub(crate) fn placeholder(out: &mut Vec<u8>) -> Self {
        let at = out.len();
        out.extend_from_slice(&[0; 4]);
        SizeField { at }
    }

    /// The output offset just past the field: where the bytes it usually measures begin.
    pub(crate) fn end(self) -> usize {
        self.at.saturating_add(4)
    }

    /// How many bytes `out` holds after the field.
    pub(crate) fn bytes_after(self, out: &[u8]) -> usize {
        out.len().saturating_sub(self.end())
    }

    /// Writes `value` little-endian into the field. Returns false, leaving `out` as it was,
    /// when `value` does not fit in 32 bits.
    #[must_use]
    pub(crate) fn patch_le(self, out: &mut [u8], value: usize) -> bool {
        self.patch(out, value, u32::to_le_bytes)
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
}
