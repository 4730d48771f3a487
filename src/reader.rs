//! The one bounded cursor every format reads through.

use std::borrow::Cow;

use crate::error::Error;
use crate::format::Format;
use crate::work;

/// A bounds-checked cursor over the input. Offsets are absolute in the whole input, also in
/// child readers from [`Reader::take`], so every error points at the real byte.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    end: usize,
    format: Format,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8], format: Format) -> Self {
        Reader {
            data,
            pos: 0,
            end: data.len(),
            format,
        }
    }

    /// A reader over the same input that starts at `pos` (clamped to the end).
    pub(crate) fn at(&self, pos: usize) -> Self {
        Reader {
            data: self.data,
            pos: pos.min(self.end),
            end: self.end,
            format: self.format,
        }
    }

    /// The absolute offset of the next byte.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// The absolute offset just past the last readable byte.
    pub(crate) fn end(&self) -> usize {
        self.end
    }

    pub(crate) fn remaining(&self) -> usize {
        self.end.saturating_sub(self.pos)
    }

    /// Whether `count` entries of `each` bytes fit in what is left: the check before any
    /// table is allocated from a count read in the input.
    pub(crate) fn holds(&self, count: usize, each: usize) -> bool {
        count
            .checked_mul(each)
            .is_some_and(|n| n <= self.remaining())
    }

    /// The unread bytes, without consuming them.
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.data.get(self.pos..self.end).unwrap_or_default()
    }

    /// The next `n` bytes, borrowed from the input. Every other read, skip and child reader
    /// goes through here, so this is where their work is counted.
    pub(crate) fn bytes(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let rest = self.rest();
        match rest.get(..n) {
            Some(b) => {
                work::add(n);
                self.pos = self.pos.saturating_add(n);
                Ok(b)
            }
            None => Err(self.truncated(n.saturating_sub(rest.len()))),
        }
    }

    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let b = self.bytes(N)?;
        let mut a = [0; N];
        a.copy_from_slice(b);
        Ok(a)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.array::<1>()?[0])
    }

    pub(crate) fn u16_be(&mut self) -> Result<u16, Error> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    pub(crate) fn u16_le(&mut self) -> Result<u16, Error> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    pub(crate) fn u32_be(&mut self) -> Result<u32, Error> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    /// A 24-bit little-endian number (WebP canvas and frame fields).
    pub(crate) fn u24_le(&mut self) -> Result<u32, Error> {
        let [a, b, c] = self.array()?;
        Ok(u32::from_le_bytes([a, b, c, 0]))
    }

    pub(crate) fn u32_le(&mut self) -> Result<u32, Error> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    pub(crate) fn i32_le(&mut self) -> Result<i32, Error> {
        Ok(i32::from_le_bytes(self.array()?))
    }

    pub(crate) fn u64_be(&mut self) -> Result<u64, Error> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    /// A big-endian unsigned integer `size` bytes wide (0 to 8; 0 reads nothing and gives 0),
    /// as ISO-BMFF `iloc` fields are.
    pub(crate) fn uint_be(&mut self, size: usize) -> Result<u64, Error> {
        if size > 8 {
            return Err(self.malformed(format!("field width {size} is over 8 bytes")));
        }
        let b = self.bytes(size)?;
        Ok(b.iter().fold(0u64, |acc, &x| {
            acc.checked_shl(8).unwrap_or(0) | u64::from(x)
        }))
    }

    pub(crate) fn skip(&mut self, n: usize) -> Result<(), Error> {
        self.bytes(n).map(|_| ())
    }

    /// A child reader over the next `n` bytes, which this reader steps over. The child keeps
    /// absolute offsets and cannot read past its `n` bytes.
    pub(crate) fn take(&mut self, n: usize) -> Result<Reader<'a>, Error> {
        let start = self.pos;
        self.skip(n)?;
        Ok(Reader {
            data: self.data,
            pos: start,
            end: self.pos,
            format: self.format,
        })
    }

    /// The format errors are reported in.
    pub(crate) fn format(&self) -> Format {
        self.format
    }

    #[cold]
    pub(crate) fn truncated(&self, needed: usize) -> Error {
        Error::Truncated {
            format: self.format,
            offset: self.pos,
            needed,
        }
    }

    #[cold]
    pub(crate) fn malformed(&self, what: impl Into<Cow<'static, str>>) -> Error {
        self.malformed_at(self.pos, what)
    }

    #[cold]
    pub(crate) fn malformed_at(&self, offset: usize, what: impl Into<Cow<'static, str>>) -> Error {
        Error::Malformed {
            format: self.format,
            offset,
            what: what.into(),
        }
    }

    #[cold]
    pub(crate) fn unsupported_at(
        &self,
        offset: usize,
        what: impl Into<Cow<'static, str>>,
    ) -> Error {
        Error::Unsupported {
            format: self.format,
            offset,
            what: what.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_bounded_and_offsets_absolute() {
        let data = [1, 2, 3, 4, 5, 6];
        let mut r = Reader::new(&data, Format::Png);
        assert_eq!(r.u8().unwrap(), 1);
        assert_eq!(r.u16_be().unwrap(), 0x0203);
        let mut at = r.at(3);
        assert_eq!(at.u16_be().unwrap(), 0x0405);
        assert_eq!(r.malformed("x").offset(), Some(3));
        r.skip(1).unwrap();
        assert_eq!(
            r.u32_be().unwrap_err(),
            Error::Truncated {
                format: Format::Png,
                offset: 4,
                needed: 2
            }
        );
        assert_eq!(r.bytes(usize::MAX).unwrap_err().offset(), Some(4));
        assert_eq!(r.rest(), &[5, 6]);
        let mut le = Reader::new(&[0xFE, 0xFF, 0xFF, 0xFF, 0x01, 0x02], Format::Bmp);
        assert_eq!(le.i32_le().unwrap(), -2);
        assert_eq!(le.u16_le().unwrap(), 0x0201);
        assert_eq!(le.at(0).u32_le().unwrap(), 0xFFFF_FFFE);
        assert!(r.skip(7).is_err());
        assert_eq!(r.pos(), 4, "a failed read does not move the cursor");
    }

    #[test]
    fn little_endian_reads_and_bounded_children() {
        let data = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        let mut r = Reader::new(&data, Format::WebP);
        assert_eq!(r.u16_le().unwrap(), 0x0201);
        assert_eq!(r.u24_le().unwrap(), 0x05_0403);
        let mut child = r.take(3).unwrap();
        assert_eq!(r.pos(), 8);
        assert_eq!((child.pos(), child.end(), child.remaining()), (5, 8, 3));
        assert_eq!(
            child.u32_le().unwrap_err(),
            Error::Truncated {
                format: Format::WebP,
                offset: 5,
                needed: 1
            }
        );
        assert_eq!(child.rest(), &[6, 7, 8]);
        assert!(r.take(2).is_err());
        assert_eq!(r.u8().unwrap(), 9);
        let mut whole = Reader::new(&data, Format::WebP);
        assert_eq!(whole.u32_le().unwrap(), 0x0403_0201);
    }

    #[test]
    fn big_endian_fields_of_any_width() {
        let data = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
        let mut r = Reader::new(&data, Format::Heif);
        r.skip(2).unwrap();
        let mut child = r.take(4).unwrap();
        assert_eq!(child.uint_be(3).unwrap(), 0x02_0304);
        assert_eq!(
            child.u16_be().unwrap_err(),
            Error::Truncated {
                format: Format::Heif,
                offset: 5,
                needed: 1
            }
        );
        assert_eq!(r.uint_be(0).unwrap(), 0);
        assert_eq!(r.u32_be().unwrap(), 0x0607_0809);
        assert_eq!(r.uint_be(9).unwrap_err().offset(), Some(10));
        let mut r = Reader::new(&[1, 2, 3, 4, 5, 6, 7, 8], Format::Avif);
        assert_eq!(r.u64_be().unwrap(), 0x0102_0304_0506_0708);
        assert_eq!(r.format(), Format::Avif);
        assert!(r.holds(0, 9) && !r.holds(1, 1) && !r.holds(usize::MAX, 2));
        assert!(matches!(
            r.unsupported_at(3, "x"),
            Error::Unsupported { offset: 3, .. }
        ));
    }
}
