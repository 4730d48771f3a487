//! Where a walker writes the output: a growable `Vec` ([`Stripper::strip`] and
//! [`Stripper::strip_into`]) or a caller's fixed slice ([`Stripper::strip_to_slice`], which
//! allocates nothing). The walkers are generic over [`Sink`]: each sink gets its own copy of
//! the walker code, with no dynamic dispatch on the copy path.
//!
//! [`Stripper::strip`]: crate::Stripper::strip
//! [`Stripper::strip_into`]: crate::Stripper::strip_into
//! [`Stripper::strip_to_slice`]: crate::Stripper::strip_to_slice

use std::ops::Range;

use crate::work;

/// The longest output a strip of `input_len` bytes can have: the input's length plus 64
/// bytes for what a walker writes anew when asked to keep something (a minimal EXIF holding
/// the orientation, an `iCCP` under a neutral name, the VP8X of a promoted WebP). The fresh
/// credit blocks of [`Keep::COPYRIGHT`](crate::Keep::COPYRIGHT) are written only when the
/// output still fits in this length. Without [`Keep`](crate::Keep) flags the output is
/// never longer than the input. A buffer this long always holds the output of
/// [`Stripper::strip_to_slice`](crate::Stripper::strip_to_slice).
///
/// ```
/// assert_eq!(imgstrip::max_output_len(1000), 1064);
/// ```
#[must_use]
pub const fn max_output_len(input_len: usize) -> usize {
    input_len.saturating_add(64)
}

/// An append-only byte buffer whose written bytes can be patched in place.
///
/// Walkers write with the provided methods, which count the work of every write
/// ([`crate::work`]) in this one place; each sink implements only the two `put_*` methods.
pub(crate) trait Sink {
    /// Whether appending input bytes copies them. A sink that only records where they lie
    /// (a plan) lets a walker scan long stretches at once, where a copying one gets them in
    /// pieces small enough to copy while they are still in the cache.
    fn copies(&self) -> bool {
        true
    }

    /// How many bytes have been written (for a full [`SliceSink`], how many would have been).
    fn len(&self) -> usize;

    /// Appends `bytes`.
    fn extend_from_slice(&mut self, bytes: &[u8]) {
        work::add(bytes.len());
        self.put_slice(bytes);
    }

    /// Appends one byte.
    fn push(&mut self, byte: u8) {
        self.extend_from_slice(&[byte]);
    }

    /// Appends `count` zero bytes.
    fn zeros(&mut self, count: usize) {
        work::add(count);
        self.put_zeros(count);
    }

    /// Appends `bytes` ([`Sink::extend_from_slice`] without the count).
    fn put_slice(&mut self, bytes: &[u8]);

    /// Appends `count` zero bytes ([`Sink::zeros`] without the count).
    fn put_zeros(&mut self, count: usize);

    /// Makes room for `additional` more bytes at once, where the sink can grow.
    fn reserve(&mut self, _additional: usize) {}

    /// The written bytes in `range`, to patch size fields and rewrite copied headers;
    /// `None` when the range is not inside what was written.
    fn written_mut(&mut self, range: Range<usize>) -> Option<&mut [u8]>;

    /// Overwrites the written bytes at `at` with `bytes`; false, changing nothing, when they
    /// are not all inside what was written.
    fn patch(&mut self, at: usize, bytes: &[u8]) -> bool {
        let end = at.saturating_add(bytes.len());
        match self.written_mut(at..end) {
            Some(slot) if slot.len() == bytes.len() => {
                slot.copy_from_slice(bytes);
                true
            }
            _ => false,
        }
    }

    /// The address the next byte goes to ([`crate::out::copy`] splits copies that land just
    /// past their source modulo 4096).
    fn next_addr(&self) -> usize;
}

impl Sink for Vec<u8> {
    fn len(&self) -> usize {
        Vec::len(self)
    }

    fn put_slice(&mut self, bytes: &[u8]) {
        Vec::extend_from_slice(self, bytes);
    }

    fn put_zeros(&mut self, count: usize) {
        self.resize(Vec::len(self).saturating_add(count), 0);
    }

    fn reserve(&mut self, additional: usize) {
        self.reserve_exact(additional);
    }

    fn written_mut(&mut self, range: Range<usize>) -> Option<&mut [u8]> {
        self.get_mut(range)
    }

    fn next_addr(&self) -> usize {
        self.as_ptr().addr().wrapping_add(Vec::len(self))
    }
}

/// Any sink, behind `&mut dyn Sink`. Code that writes to it is compiled once for all sinks:
/// HEIF writes its rebuilt `meta` and `moov` twice, to a `Measure` and then to the output,
/// and every JPEG walk goes through one (`jpeg::strip` puts its caller's sink behind it);
/// each was one copy per sink type before (22.6 and 15.2 KB of the `.wasm`,
/// wasm/README.md). Every method forwards, so the bytes and the counted work are the same.
pub(crate) struct DynSink<'a>(pub(crate) &'a mut dyn Sink);

impl Sink for DynSink<'_> {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn extend_from_slice(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    fn push(&mut self, byte: u8) {
        self.0.push(byte);
    }

    fn zeros(&mut self, count: usize) {
        self.0.zeros(count);
    }

    fn put_slice(&mut self, bytes: &[u8]) {
        self.0.put_slice(bytes);
    }

    fn put_zeros(&mut self, count: usize) {
        self.0.put_zeros(count);
    }

    fn reserve(&mut self, additional: usize) {
        self.0.reserve(additional);
    }

    fn copies(&self) -> bool {
        self.0.copies()
    }

    fn written_mut(&mut self, range: Range<usize>) -> Option<&mut [u8]> {
        self.0.written_mut(range)
    }

    fn patch(&mut self, at: usize, bytes: &[u8]) -> bool {
        self.0.patch(at, bytes)
    }

    fn next_addr(&self) -> usize {
        self.0.next_addr()
    }
}

/// A caller's slice, filled from the start. A write that does not fit is dropped and the
/// sink remembers it overflowed; it goes on counting, so that when the walk ends
/// [`SliceSink::len`] says how long the output would have been.
pub(crate) struct SliceSink<'a> {
    buf: &'a mut [u8],
    len: usize,
    overflowed: bool,
}

impl<'a> SliceSink<'a> {
    pub(crate) fn new(buf: &'a mut [u8]) -> Self {
        SliceSink {
            buf,
            len: 0,
            overflowed: false,
        }
    }

    /// Whether some write did not fit: the slice does not hold the output.
    pub(crate) fn overflowed(&self) -> bool {
        self.overflowed
    }

    /// The room for the next `count` bytes, or `None` (and the sink marked overflowed) when
    /// they do not fit. Counts them either way.
    fn claim(&mut self, count: usize) -> Option<&mut [u8]> {
        let start = self.len;
        let end = start.saturating_add(count);
        self.len = end;
        let room = self.buf.get_mut(start..end);
        self.overflowed |= room.is_none();
        if self.overflowed {
            None
        } else {
            room
        }
    }
}

impl Sink for SliceSink<'_> {
    fn len(&self) -> usize {
        self.len
    }

    fn put_slice(&mut self, bytes: &[u8]) {
        if let Some(room) = self.claim(bytes.len()) {
            room.copy_from_slice(bytes);
        }
    }

    fn put_zeros(&mut self, count: usize) {
        if let Some(room) = self.claim(count) {
            room.fill(0);
        }
    }

    fn written_mut(&mut self, range: Range<usize>) -> Option<&mut [u8]> {
        let len = self.len.min(self.buf.len());
        self.buf.get_mut(..len)?.get_mut(range)
    }

    fn next_addr(&self) -> usize {
        self.buf.as_ptr().addr().wrapping_add(self.len)
    }
}

/// A sink the stripper can empty, to write the output again from the start (without the
/// credit of `Keep::COPYRIGHT`, when it did not fit).
pub(crate) trait Rewind: Sink {
    /// Forgets everything written.
    fn clear(&mut self);
}

impl Rewind for Vec<u8> {
    fn clear(&mut self) {
        Vec::clear(self);
    }
}

impl Rewind for SliceSink<'_> {
    fn clear(&mut self) {
        self.len = 0;
        self.overflowed = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(sink: &mut impl Sink) {
        sink.extend_from_slice(b"RIFF");
        sink.zeros(4);
        sink.push(b'W');
        assert!(sink.patch(4, &[1, 0, 0, 0]));
        sink.extend_from_slice(b"EBP");
    }

    #[test]
    fn a_slice_holds_what_a_vec_holds() {
        let mut vec = Vec::new();
        fill(&mut vec);
        let mut buf = [0xEE; 16];
        let mut sink = SliceSink::new(&mut buf);
        fill(&mut sink);
        assert!(!sink.overflowed());
        assert_eq!(sink.len(), vec.len());
        assert_eq!(sink.written_mut(0..12).as_deref(), Some(&vec[..]));
        assert_eq!(&buf[..12], b"RIFF\x01\0\0\0WEBP");
        assert_eq!(buf[12..], [0xEE; 4], "nothing written past the output");
    }

    #[test]
    fn a_dyn_sink_writes_what_its_sink_writes() {
        let mut direct = Vec::new();
        fill(&mut direct);
        let mut behind = Vec::new();
        fill(&mut DynSink(&mut behind));
        assert_eq!(behind, direct);
        let mut buf = [0u8; 10];
        let mut short = SliceSink::new(&mut buf);
        fill(&mut DynSink(&mut short));
        assert!(short.overflowed());
        assert_eq!(short.len(), 12);
    }

    #[test]
    fn a_short_slice_overflows_and_still_counts() {
        let mut buf = [0u8; 10];
        let mut sink = SliceSink::new(&mut buf);
        fill(&mut sink);
        assert!(sink.overflowed());
        assert_eq!(sink.len(), 12, "the length the output would have had");
        // Once over, later writes are dropped even where they would fit.
        sink.push(1);
        assert_eq!(sink.len(), 13);
        assert_eq!(
            sink.written_mut(0..10).as_deref(),
            Some(&b"RIFF\x01\0\0\0W\0"[..])
        );
    }
}
