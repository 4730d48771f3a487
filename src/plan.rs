//! The output as a list of pieces instead of bytes: [`Stripper::plan`](crate::Stripper::plan).
//!
//! A walker writes through a [`Sink`]. The plan's sink ([`PlanSink`]) looks at where each
//! write comes from: a slice that lies inside the input (the walkers copy kept ranges
//! straight from it) is recorded as that range, joined to the previous one when they touch;
//! anything else (a rebuilt header, a fresh EXIF, a patched size) is copied into the plan's
//! own buffer. So the walk copies no kept byte, and what the plan owns is the small part of
//! the output the walker wrote anew. A patch of bytes already recorded ([`Sink::written_mut`])
//! turns the ranges it touches into owned bytes first, so the plan always says what a strip
//! would have written.

use std::io::{self, IoSlice, Write};
use std::ops::Range;

use crate::report::Report;
use crate::sink::{Rewind, Sink};

/// One piece of a [`Plan`]'s output, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    /// These bytes of the input, unchanged.
    Input(Range<usize>),
    /// Bytes the strip wrote anew (rebuilt headers, fresh minimal metadata, patched sizes).
    Written(&'a [u8]),
}

impl<'a> Piece<'a> {
    /// The piece's bytes, taking an [`Input`](Piece::Input) range from `input`; empty when
    /// the range is not inside `input` (another input than the one planned).
    #[must_use]
    pub fn bytes(&self, input: &'a [u8]) -> &'a [u8] {
        match self {
            Piece::Input(range) => input.get(range.clone()).unwrap_or_default(),
            Piece::Written(bytes) => bytes,
        }
    }

    /// How many bytes the piece holds.
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            Piece::Input(range) => range.len(),
            Piece::Written(bytes) => bytes.len(),
        }
    }

    /// Whether the piece holds no byte (a plan never holds such a piece).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Where a recorded span's bytes are: in the input or in the plan's own buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum From {
    Input,
    Owned,
}

/// A run of output bytes: `len` bytes from offset `start` of the input or of the plan's
/// buffer, placed at output offset `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    from: From,
    start: usize,
    len: usize,
    at: usize,
}

impl Span {
    fn end(&self) -> usize {
        self.start.saturating_add(self.len)
    }

    fn out_end(&self) -> usize {
        self.at.saturating_add(self.len)
    }
}

/// A strip's output as an ordered list of pieces, each a range of the input or bytes the
/// strip wrote, with the strip's [`Report`]: made by [`Stripper::plan`], written out by
/// [`Plan::write_to`] without building the output in memory.
///
/// The plan does not hold the input: give [`Plan::write_to`] and [`Piece::bytes`] the same
/// bytes that were planned (a plan checks only their length).
///
/// ```
/// use imgstrip::{Piece, Stripper};
/// // SOI, a comment, a 1×1 frame, one scan, EOI.
/// let jpeg = [
///     0xFF, 0xD8, 0xFF, 0xFE, 0x00, 0x07, b's', b'e', b'c', b'r', b'e',
///     0xFF, 0xC0, 0x00, 0x0B, 8, 0, 1, 0, 1, 1, 1, 0x11, 0,
///     0xFF, 0xDA, 0x00, 0x08, 1, 1, 0x00, 0, 63, 0, 0x12, 0x34, 0xFF, 0xD9,
/// ];
/// let plan = Stripper::new().plan(&jpeg)?;
/// // Two ranges of the input (the comment between them is gone), and the EOI, which the
/// // JPEG walker writes itself.
/// assert_eq!(
///     plan.pieces().collect::<Vec<_>>(),
///     [Piece::Input(0..2), Piece::Input(11..36), Piece::Written(&[0xFF, 0xD9])]
/// );
/// let mut out = Vec::new();
/// plan.write_to(&jpeg, &mut out)?;
/// assert_eq!(out, Stripper::new().strip(&jpeg)?.data);
/// assert_eq!(plan.len(), out.len());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// [`Stripper::plan`]: crate::Stripper::plan
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    spans: Vec<Span>,
    owned: Vec<u8>,
    len: usize,
    input_len: usize,
    report: Report,
}

impl Plan {
    /// The plan of an output that is the whole input unchanged.
    pub(crate) fn whole(input: &[u8], report: Report) -> Self {
        let mut sink = PlanSink::new(input);
        sink.extend_from_slice(input);
        sink.finish(report)
    }

    /// The output's length in bytes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the output is empty (a strip never gives an empty output).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// What the strip removed and found, as [`Stripper::strip`](crate::Stripper::strip)
    /// reports it.
    #[must_use]
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// The pieces of the output, in order; together they are [`Plan::len`] bytes long.
    pub fn pieces(&self) -> impl ExactSizeIterator<Item = Piece<'_>> + '_ {
        self.spans.iter().map(|s| match s.from {
            From::Input => Piece::Input(s.start..s.end()),
            From::Owned => Piece::Written(self.owned.get(s.start..s.end()).unwrap_or_default()),
        })
    }

    /// Writes the output to `w` with vectored writes, taking the kept ranges from `input`,
    /// which must be the bytes that were planned.
    ///
    /// # Errors
    /// An [`io::ErrorKind::InvalidInput`] error, writing nothing, when `input` is not as
    /// long as the planned input; otherwise what `w` returns (and
    /// [`io::ErrorKind::WriteZero`] when it accepts no byte).
    pub fn write_to(&self, input: &[u8], mut w: impl Write) -> io::Result<()> {
        if input.len() != self.input_len {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "the plan was made for {} input bytes, not {}",
                    self.input_len,
                    input.len()
                ),
            ));
        }
        // Batches of slices, each written with as few calls as the writer allows.
        const BATCH: usize = 64;
        let mut pieces = self.pieces().map(|p| p.bytes(input));
        loop {
            let mut batch: Vec<IoSlice<'_>> =
                pieces.by_ref().take(BATCH).map(IoSlice::new).collect();
            if batch.is_empty() {
                return Ok(());
            }
            write_all_vectored(&mut w, &mut batch)?;
        }
    }

    /// The output as one buffer: the bytes [`Stripper::strip`](crate::Stripper::strip) gives.
    ///
    /// # Errors
    /// As [`Plan::write_to`] when `input` is not as long as the planned input.
    pub fn to_vec(&self, input: &[u8]) -> io::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(self.len);
        self.write_to(input, &mut out)?;
        Ok(out)
    }
}

impl Plan {
    /// Where the output first differs from `input`, or `None` when it is `input` byte for
    /// byte. A piece that is the input's own range at its own place is equal unread.
    pub(crate) fn first_difference(&self, input: &[u8]) -> Option<usize> {
        let mut at = 0usize;
        for piece in self.pieces() {
            let same = match &piece {
                Piece::Input(range) if range.start == at => range.len(),
                _ => {
                    let bytes = piece.bytes(input);
                    let there = input.get(at..).unwrap_or_default();
                    bytes.iter().zip(there).take_while(|(a, b)| a == b).count()
                }
            };
            at = at.saturating_add(same);
            if same < piece.len() {
                return Some(at);
            }
        }
        (at < input.len()).then_some(at)
    }
}

/// `Write::write_all_vectored`, which is not stable: writes every byte of `slices`.
fn write_all_vectored(w: &mut impl Write, mut slices: &mut [IoSlice<'_>]) -> io::Result<()> {
    IoSlice::advance_slices(&mut slices, 0);
    while !slices.is_empty() {
        match w.write_vectored(slices) {
            Ok(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::WriteZero,
                    "failed to write the whole output",
                ))
            }
            Ok(n) => IoSlice::advance_slices(&mut slices, n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The sink a plan is recorded with: see the module's documentation.
pub(crate) struct PlanSink<'i> {
    /// The input: a write from inside it is recorded as a range of it.
    input: &'i [u8],
    spans: Vec<Span>,
    owned: Vec<u8>,
    len: usize,
}

impl<'i> PlanSink<'i> {
    pub(crate) fn new(input: &'i [u8]) -> Self {
        PlanSink {
            input,
            spans: Vec::new(),
            owned: Vec::new(),
            len: 0,
        }
    }

    pub(crate) fn finish(self, report: Report) -> Plan {
        Plan {
            spans: self.spans,
            owned: self.owned,
            len: self.len,
            input_len: self.input.len(),
            report,
        }
    }

    /// Where `bytes` start in the input, when they lie wholly inside it.
    fn input_offset(&self, bytes: &[u8]) -> Option<usize> {
        let (input, start) = (self.input.as_ptr().addr(), bytes.as_ptr().addr());
        let offset = start.checked_sub(input)?;
        (offset.checked_add(bytes.len())? <= self.input.len()).then_some(offset)
    }

    /// Records `len` bytes at `start` of `from`, joined to the last span when they follow it.
    fn record(&mut self, from: From, start: usize, len: usize) {
        if let Some(last) = self.spans.last_mut() {
            if last.from == from && last.end() == start {
                last.len = last.len.saturating_add(len);
                self.len = self.len.saturating_add(len);
                return;
            }
        }
        self.spans.push(Span {
            from,
            start,
            len,
            at: self.len,
        });
        self.len = self.len.saturating_add(len);
    }

    fn own(&mut self, bytes: &[u8]) {
        let start = self.owned.len();
        self.owned.extend_from_slice(bytes);
        self.record(From::Owned, start, bytes.len());
    }

    /// Makes the output bytes `range` one owned run and gives its place in the buffer:
    /// the spans it touches are split at its ends and their bytes inside it copied into
    /// the buffer as one new span.
    fn own_range(&mut self, range: Range<usize>) -> Option<Range<usize>> {
        if range.end > self.len || range.start > range.end {
            return None;
        }
        let first = self.spans.partition_point(|s| s.out_end() <= range.start);
        let last = self.spans.partition_point(|s| s.at < range.end);
        if let [one] = self.spans.get(first..last)? {
            if one.from == From::Owned {
                let start = one.start.checked_add(range.start.checked_sub(one.at)?)?;
                return Some(start..start.checked_add(range.len())?);
            }
        }
        let fresh_start = self.owned.len();
        for span in self.spans.get(first..last)? {
            // The part of `span` inside `range`, as offsets into its source.
            let from = range.start.max(span.at).checked_sub(span.at)?;
            let to = range.end.min(span.out_end()).checked_sub(span.at)?;
            let part = span.start.checked_add(from)?..span.start.checked_add(to)?;
            match span.from {
                From::Input => self.owned.extend_from_slice(self.input.get(part)?),
                From::Owned if part.start <= part.end && part.end <= fresh_start => {
                    self.owned.extend_from_within(part);
                }
                From::Owned => return None,
            }
        }
        let head = self.spans.get(first).copied();
        let tail = last.checked_sub(1).and_then(|i| self.spans.get(i).copied());
        let mut replacement = Vec::with_capacity(3);
        if let Some(h) = head.filter(|h| h.at < range.start) {
            replacement.push(Span {
                len: range.start.checked_sub(h.at)?,
                ..h
            });
        }
        if !range.is_empty() {
            replacement.push(Span {
                from: From::Owned,
                start: fresh_start,
                len: range.len(),
                at: range.start,
            });
        }
        if let Some(t) = tail.filter(|t| t.out_end() > range.end) {
            let cut = range.end.checked_sub(t.at)?;
            replacement.push(Span {
                from: t.from,
                start: t.start.checked_add(cut)?,
                len: t.len.checked_sub(cut)?,
                at: range.end,
            });
        }
        self.spans.splice(first..last, replacement);
        Some(fresh_start..fresh_start.checked_add(range.len())?)
    }
}

impl Sink for PlanSink<'_> {
    fn copies(&self) -> bool {
        false
    }

    fn len(&self) -> usize {
        self.len
    }

    fn put_slice(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        match self.input_offset(bytes) {
            Some(start) => self.record(From::Input, start, bytes.len()),
            None => self.own(bytes),
        }
    }

    fn put_zeros(&mut self, count: usize) {
        if count > 0 {
            let start = self.owned.len();
            self.owned.resize(start.saturating_add(count), 0);
            self.record(From::Owned, start, count);
        }
    }

    fn written_mut(&mut self, range: Range<usize>) -> Option<&mut [u8]> {
        let place = self.own_range(range)?;
        self.owned.get_mut(place)
    }

    fn next_addr(&self) -> usize {
        // No copy happens, so no copy needs splitting (see `out::copy`).
        0
    }
}

impl Rewind for PlanSink<'_> {
    fn clear(&mut self) {
        self.spans.clear();
        self.owned.clear();
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The output a sink recorded, and its pieces as (input?, bytes).
    fn output(sink: PlanSink<'_>, input: &[u8]) -> (Vec<u8>, Vec<(bool, Vec<u8>)>) {
        let plan = sink.finish(Report::untouched(crate::Format::Jpeg));
        let pieces = plan
            .pieces()
            .map(|p| (matches!(p, Piece::Input(_)), p.bytes(input).to_vec()))
            .collect();
        (plan.to_vec(input).unwrap(), pieces)
    }

    #[test]
    fn a_plan_says_it_does_not_copy_even_behind_a_dyn_sink() {
        // The JPEG walker reaches the plan through a `DynSink`; a forwarded `copies` is what
        // lets it scan a scan's data in one go.
        let input = [0u8; 4];
        let mut sink = PlanSink::new(&input);
        assert!(!sink.copies());
        assert!(!crate::sink::DynSink(&mut sink).copies());
        assert!(crate::sink::DynSink(&mut Vec::new()).copies());
    }

    #[test]
    fn input_slices_are_ranges_and_touching_ones_join() {
        let input = b"0123456789".to_vec();
        let mut sink = PlanSink::new(&input);
        sink.extend_from_slice(&input[0..3]);
        sink.extend_from_slice(&input[3..5]); // touches: joined
        sink.extend_from_slice(b"ab");
        sink.extend_from_slice(b"c"); // owned after owned: joined
        sink.extend_from_slice(&input[7..10]);
        sink.extend_from_slice(&input[0..0]); // nothing
                                              // Equal bytes from elsewhere are not the input.
        let copy = input[0..2].to_vec();
        sink.extend_from_slice(&copy);
        let plan = sink.finish(Report::untouched(crate::Format::Jpeg));
        assert_eq!(
            plan.pieces().collect::<Vec<_>>(),
            [
                Piece::Input(0..5),
                Piece::Written(b"abc"),
                Piece::Input(7..10),
                Piece::Written(b"01"),
            ]
        );
        assert_eq!(plan.len(), 13);
        assert_eq!(plan.to_vec(&input).unwrap(), b"01234abc78901");
    }

    #[test]
    fn a_patch_inside_an_input_range_splits_it() {
        let input = b"0123456789".to_vec();
        let mut sink = PlanSink::new(&input);
        sink.extend_from_slice(&input);
        assert!(sink.patch(4, b"XY"));
        let (out, pieces) = output(sink, &input);
        assert_eq!(out, b"0123XY6789");
        assert_eq!(
            pieces,
            [
                (true, b"0123".to_vec()),
                (false, b"XY".to_vec()),
                (true, b"6789".to_vec())
            ]
        );
    }

    #[test]
    fn a_patch_across_pieces_makes_one_owned_piece() {
        let input = b"0123456789".to_vec();
        let mut sink = PlanSink::new(&input);
        sink.extend_from_slice(&input[0..4]);
        sink.zeros(3);
        sink.extend_from_slice(&input[6..10]);
        // From inside the first range to inside the last, over the zeros.
        let slot = sink.written_mut(2..10).unwrap();
        assert_eq!(slot, b"23\x00\x00\x00678");
        slot.rotate_right(2);
        let (out, pieces) = output(sink, &input);
        assert_eq!(out, b"017823\x00\x00\x0069");
        assert_eq!(
            pieces,
            [
                (true, b"01".to_vec()),
                (false, b"7823\x00\x00\x006".to_vec()),
                (true, b"9".to_vec())
            ]
        );
    }

    #[test]
    fn a_patch_inside_written_bytes_stays_in_place() {
        let input = b"0123".to_vec();
        let mut sink = PlanSink::new(&input);
        sink.extend_from_slice(b"RIFF");
        sink.zeros(4);
        sink.extend_from_slice(&input);
        assert!(sink.patch(4, &[4, 0, 0, 0]));
        assert!(!sink.patch(10, &[0; 4]), "past the end");
        #[allow(clippy::reversed_empty_ranges)]
        let reversed = 3..2;
        assert!(sink.written_mut(reversed).is_none());
        let (out, pieces) = output(sink, &input);
        assert_eq!(out, b"RIFF\x04\0\0\x000123");
        assert_eq!(pieces.len(), 2, "{pieces:?}");
    }

    #[test]
    fn first_difference_is_where_the_output_parts_from_the_input() {
        let input = b"abcdef".to_vec();
        let plan = |write: &dyn Fn(&mut PlanSink<'_>)| {
            let mut sink = PlanSink::new(&input);
            write(&mut sink);
            sink.finish(Report::untouched(crate::Format::Jpeg))
        };
        assert_eq!(
            plan(&|s| s.extend_from_slice(&input)).first_difference(&input),
            None
        );
        // Written bytes equal to the input's are no difference.
        let same = plan(&|s| {
            s.extend_from_slice(b"ab");
            s.extend_from_slice(&input[2..]);
        });
        assert_eq!(same.first_difference(&input), None);
        let cut = plan(&|s| {
            s.extend_from_slice(&input[..2]);
            s.extend_from_slice(&input[3..]);
        });
        assert_eq!(cut.first_difference(&input), Some(2));
        let short = plan(&|s| s.extend_from_slice(&input[..4]));
        assert_eq!(short.first_difference(&input), Some(4));
        let longer = plan(&|s| {
            s.extend_from_slice(&input);
            s.push(b'!');
        });
        assert_eq!(longer.first_difference(&input), Some(6));
    }

    /// A writer that takes at most 3 bytes a call and is interrupted every other call.
    struct Trickle {
        out: Vec<u8>,
        calls: usize,
    }

    impl Write for Trickle {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.calls += 1;
            if self.calls % 2 == 0 {
                return Err(io::ErrorKind::Interrupted.into());
            }
            let n = buf.len().min(3);
            self.out.extend_from_slice(&buf[..n]);
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn write_to_writes_everything_through_short_and_interrupted_writes() {
        let input: Vec<u8> = (0..200u8).collect();
        let mut sink = PlanSink::new(&input);
        for i in 0..100 {
            sink.extend_from_slice(&input[i * 2..i * 2 + 1]);
            sink.push(b'.');
        }
        let plan = sink.finish(Report::untouched(crate::Format::Jpeg));
        let mut trickle = Trickle {
            out: Vec::new(),
            calls: 0,
        };
        plan.write_to(&input, &mut trickle).unwrap();
        assert_eq!(trickle.out, plan.to_vec(&input).unwrap());
        assert_eq!(trickle.out.len(), 200);
        let wrong = plan.write_to(&input[1..], Vec::new()).unwrap_err();
        assert_eq!(wrong.kind(), io::ErrorKind::InvalidInput);
        let full = plan.write_to(&input, &mut [0u8; 10][..]).unwrap_err();
        assert_eq!(full.kind(), io::ErrorKind::WriteZero);
    }
}
