//! ISO-BMFF boxes (ISO 14496-12 § 4.2): 32-bit sizes, 64-bit `largesize` (size 1), boxes
//! that run to the end of their parent (size 0), `uuid` user types, full-box version/flags;
//! read as zero-copy views, and written (a box starts with a placeholder size that
//! [`end_box`] fills in once its content is written) with big-endian fields of the widths
//! the tables need.

use crate::error::Error;
use crate::format::Format;
use crate::out::{patch_uint, write_be};
use crate::reader::Reader;
use crate::sink::Sink;

/// One box, as zero-copy views of the input.
#[derive(Debug, Clone)]
pub(super) struct Bmff<'a> {
    pub(super) kind: [u8; 4],
    /// Absolute offset of the box's first byte.
    pub(super) offset: usize,
    /// The payload: after size, type, largesize and usertype.
    pub(super) body: Reader<'a>,
    /// The whole box, header included.
    pub(super) raw: &'a [u8],
}

/// A box header, read before deciding what to do with a body that may run past the input.
#[derive(Debug, Clone, Copy)]
pub(super) struct Header {
    pub(super) kind: [u8; 4],
    pub(super) offset: usize,
    pub(super) header_len: usize,
    /// The box size, header included; `None` for size 0 ("to the end of the parent").
    pub(super) size: Option<u64>,
}

impl Header {
    /// The payload length, given how many bytes follow the header in the parent.
    pub(super) fn body_len(&self, available: usize) -> Option<u64> {
        match self.size {
            None => u64::try_from(available).ok(),
            Some(size) => size.checked_sub(u64::try_from(self.header_len).ok()?),
        }
    }
}

/// Reads a box header at the cursor.
pub(super) fn read_header(r: &mut Reader<'_>) -> Result<Header, Error> {
    let offset = r.pos();
    let size32 = r.u32_be()?;
    let kind: [u8; 4] = r.array()?;
    let size = match size32 {
        0 => None,
        1 => Some(r.u64_be()?),
        s => Some(u64::from(s)),
    };
    if &kind == b"uuid" {
        r.skip(16)?;
    }
    let header_len = r.pos().saturating_sub(offset);
    if let Some(s) = size {
        if s < u64::try_from(header_len).unwrap_or(u64::MAX) {
            return Err(r.malformed_at(
                offset,
                format!("box size {s} is shorter than its {header_len}-byte header"),
            ));
        }
    }
    Ok(Header {
        kind,
        offset,
        header_len,
        size,
    })
}

/// The next box inside `r`, or `None` at its end. A box that runs past `r` is
/// [`Error::Truncated`] at the box's offset. Fewer than 8 zero bytes at the end are padding
/// (older QuickTime writers end containers with a zero 32-bit terminator) and are skipped.
pub(super) fn next_box<'a>(r: &mut Reader<'a>) -> Result<Option<Bmff<'a>>, Error> {
    let rest = r.rest();
    if rest.is_empty() || (rest.len() < 8 && rest.iter().all(|&b| b == 0)) {
        r.skip(rest.len())?;
        return Ok(None);
    }
    let h = read_header(r)?;
    let available = r.remaining();
    let body_len = h
        .body_len(available)
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| r.malformed_at(h.offset, "box size does not fit in memory"))?;
    if body_len > available {
        return Err(Error::Truncated {
            format: r.format(),
            offset: h.offset,
            needed: body_len.saturating_sub(available),
        });
    }
    let body = r.take(body_len)?;
    let raw = r.at(h.offset).bytes(r.pos().saturating_sub(h.offset))?;
    Ok(Some(Bmff {
        kind: h.kind,
        offset: h.offset,
        body,
        raw,
    }))
}

/// Reads a full box's version and 24-bit flags.
pub(super) fn full_box(r: &mut Reader<'_>) -> Result<(u8, u32), Error> {
    let version = r.u8()?;
    let [a, b, c] = r.array::<3>()?;
    Ok((version, u32::from_be_bytes([0, a, b, c])))
}

/// The first child of type `kind` in a container body.
pub(super) fn find_child<'a>(body: &Reader<'a>, kind: &[u8; 4]) -> Result<Option<Bmff<'a>>, Error> {
    let mut r = body.clone();
    while let Some(b) = next_box(&mut r)? {
        if &b.kind == kind {
            return Ok(Some(b));
        }
    }
    Ok(None)
}

/// Reads a NUL-terminated string (ISO 14496-12 § 4.2 `utf8string`); a string cut by the
/// end of its box ends there, as libheif reads it.
pub(super) fn cstring<'a>(r: &mut Reader<'a>) -> Result<&'a [u8], Error> {
    let rest = r.rest();
    match rest.iter().position(|&b| b == 0) {
        Some(n) => {
            let s = r.bytes(n)?;
            r.skip(1)?;
            Ok(s)
        }
        None => r.bytes(rest.len()),
    }
}

// ---------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------

/// Appends `value` as a big-endian integer `size` bytes wide (0 to 8). Returns false, writing
/// nothing, when the value does not fit.
#[must_use]
pub(super) fn put_uint(out: &mut impl Sink, value: u64, size: usize) -> bool {
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

/// A box being written: where it starts in the output, and where the box (or field) it is
/// rebuilt from starts in the input, which an error about it names: errors carry input
/// offsets only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct OpenBox {
    at: usize,
    from: usize,
}

/// Starts a box of type `kind` with a placeholder 32-bit size; `from` is the offset in the
/// input of what it is rebuilt from.
pub(super) fn begin_box(out: &mut impl Sink, kind: [u8; 4], from: usize) -> OpenBox {
    let at = out.len();
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&kind);
    OpenBox { at, from }
}

/// Starts a full box (ISO 14496-12 § 4.2): a box whose body opens with version and flags.
pub(super) fn begin_full_box(
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
pub(super) fn end_box(out: &mut impl Sink, open: OpenBox, format: Format) -> Result<(), Error> {
    let size = out.len().saturating_sub(open.at);
    let Ok(size) = u32::try_from(size) else {
        return Err(Error::Unsupported {
            format,
            offset: open.from,
            what: "a rebuilt box is over 4 GiB".into(),
        });
    };
    let _ = patch_uint(out, open.at, size.into(), 4);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(data: &[u8]) -> Reader<'_> {
        Reader::new(data, Format::Heif)
    }

    #[test]
    fn reads_32_bit_64_bit_and_to_the_end_sizes() {
        let mut data = vec![0, 0, 0, 10, b'f', b'r', b'e', b'e', 1, 2];
        data.extend_from_slice(&[
            0, 0, 0, 1, b'm', b'd', b'a', b't', 0, 0, 0, 0, 0, 0, 0, 17, 3,
        ]);
        data.extend_from_slice(&[0, 0, 0, 0, b'm', b'd', b'a', b't', 4, 5, 6]);
        let mut r = reader(&data);
        let a = next_box(&mut r).unwrap().unwrap();
        assert_eq!(
            (&a.kind, a.offset, a.body.rest(), a.raw.len()),
            (b"free", 0, &[1u8, 2][..], 10)
        );
        let b = next_box(&mut r).unwrap().unwrap();
        assert_eq!(
            (b.offset, b.body.pos(), b.body.rest()),
            (10, 26, &[3u8][..])
        );
        let c = next_box(&mut r).unwrap().unwrap();
        assert_eq!((c.offset, c.body.rest()), (27, &[4u8, 5, 6][..]));
        assert!(next_box(&mut r).unwrap().is_none());
    }

    #[test]
    fn uuid_boxes_skip_their_user_type() {
        let mut data = vec![0, 0, 0, 25, b'u', b'u', b'i', b'd'];
        data.extend_from_slice(&[7; 16]);
        data.push(9);
        let b = next_box(&mut reader(&data)).unwrap().unwrap();
        assert_eq!(b.body.rest(), &[9]);
        data[3] = 20;
        let e = next_box(&mut reader(&data)).unwrap_err();
        assert!(matches!(e, Error::Malformed { offset: 0, .. }), "{e:?}");
    }

    #[test]
    fn bad_sizes_are_typed_errors_at_the_box() {
        let e = next_box(&mut reader(&[0, 0, 0, 4, b'a', b'b', b'c', b'd'])).unwrap_err();
        assert!(matches!(e, Error::Malformed { offset: 0, .. }));
        let e = next_box(&mut reader(&[
            0, 0, 0, 1, b'a', b'b', b'c', b'd', 0, 0, 0, 0, 0, 0, 0, 15,
        ]))
        .unwrap_err();
        assert!(matches!(e, Error::Malformed { offset: 0, .. }));
        let e = next_box(&mut reader(&[0, 0, 0, 12, b'a', b'b', b'c', b'd', 1])).unwrap_err();
        assert_eq!(
            e,
            Error::Truncated {
                format: Format::Heif,
                offset: 0,
                needed: 3
            }
        );
        let e = next_box(&mut reader(&[0, 0, 1])).unwrap_err();
        assert!(matches!(e, Error::Truncated { offset: 0, .. }));
        let huge = [0xFF, 0xFF, 0xFF, 0xFF, b'a', b'b', b'c', b'd'];
        assert!(matches!(
            next_box(&mut reader(&huge)).unwrap_err(),
            Error::Truncated { .. }
        ));
    }

    #[test]
    fn zero_padding_ends_a_container() {
        let mut r = reader(&[0, 0, 0, 0]);
        assert!(next_box(&mut r).unwrap().is_none());
        assert_eq!(r.remaining(), 0);
    }

    #[test]
    fn strings_and_full_boxes() {
        let mut r = reader(&[1, 0, 0, 2, b'a', 0, b'b']);
        assert_eq!(full_box(&mut r).unwrap(), (1, 2));
        assert_eq!(cstring(&mut r).unwrap(), b"a");
        assert_eq!(cstring(&mut r).unwrap(), b"b");
        assert_eq!(cstring(&mut r).unwrap(), b"");
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
}
