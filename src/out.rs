//! Output helpers: big-endian fields, and boxes whose 32-bit size is written once their
//! content is (ISO-BMFF boxes here; RIFF chunks and BMP headers have the same need).

use crate::{Error, Format};

/// Appends `value` as a big-endian integer `size` bytes wide (0 to 8). Returns false, writing
/// nothing, when the value does not fit.
#[must_use]
pub(crate) fn put_uint(out: &mut Vec<u8>, value: u64, size: usize) -> bool {
    let bytes = value.to_be_bytes();
    let Some(skip) = bytes.len().checked_sub(size) else {
        return false;
    };
    let (high, low) = bytes.split_at(skip);
    if high.iter().any(|&b| b != 0) {
        return false;
    }
    out.extend_from_slice(low);
    true
}

/// Overwrites the `size` bytes at `at` with `value`, big-endian. Returns false, writing
/// nothing, when the value does not fit or the slot is not inside `out`.
#[must_use]
pub(crate) fn patch_uint(out: &mut [u8], at: usize, value: u64, size: usize) -> bool {
    let bytes = value.to_be_bytes();
    let Some(skip) = bytes.len().checked_sub(size) else {
        return false;
    };
    let (high, low) = bytes.split_at(skip);
    if high.iter().any(|&b| b != 0) {
        return false;
    }
    match out.get_mut(at..).and_then(|s| s.get_mut(..size)) {
        Some(slot) => {
            slot.copy_from_slice(low);
            true
        }
        None => false,
    }
}

/// Starts a box of type `kind` with a placeholder 32-bit size; returns where it starts.
pub(crate) fn begin_box(out: &mut Vec<u8>, kind: [u8; 4]) -> usize {
    let at = out.len();
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&kind);
    at
}

/// Starts a full box (ISO 14496-12 § 4.2): a box whose body opens with version and flags.
pub(crate) fn begin_full_box(out: &mut Vec<u8>, kind: [u8; 4], version: u8, flags: u32) -> usize {
    let at = begin_box(out, kind);
    out.push(version);
    out.extend_from_slice(flags.to_be_bytes().get(1..).unwrap_or_default());
    at
}

/// Writes the size of the box started at `at`, now that its content is written.
///
/// # Errors
/// [`Error::Unsupported`] when the box grew past 4 GiB, which a 32-bit size cannot say.
pub(crate) fn end_box(out: &mut [u8], at: usize, format: Format) -> Result<(), Error> {
    let size = out.len().saturating_sub(at);
    let fits = u64::try_from(size).is_ok_and(|s| patch_uint(out, at, s, 4));
    if fits {
        Ok(())
    } else {
        Err(Error::Unsupported {
            format,
            offset: at,
            what: "a rebuilt box is over 4 GiB",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let at = begin_full_box(&mut out, *b"meta", 1, 0x0A0B0C);
        out.extend_from_slice(b"xy");
        end_box(&mut out, at, Format::Heif).unwrap();
        assert_eq!(
            out,
            [9, 0, 0, 0, 14, b'm', b'e', b't', b'a', 1, 0x0A, 0x0B, 0x0C, b'x', b'y']
        );
    }
}
