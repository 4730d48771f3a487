//! Where kept bytes move to. The new data (`mdat` payload, or `idat` payload) is a list of
//! spans, each from an explicit source: a range of the input (item extents and sample
//! chunks, merged into disjoint spans in input order) or bytes the walker owns (JPEG items
//! rewritten without their metadata), placed after the input spans in the order they were
//! made. Every offset field of the rebuilt file names what it points at as a [`Place`], and
//! gets the position of that byte in the new data; nothing outside a span is copied.

use crate::sink::Sink;
use crate::work;

/// What an offset field points at: a byte of the input, by its offset in the input (or in
/// the `idat` payload), or the first byte of the walker's owned piece `n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    Input(u64),
    Owned(usize),
}

/// Where the bytes of one span of the new data come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Source<'l> {
    /// `[start, end)` of the input (or of the `idat` payload).
    Input { start: u64, end: u64 },
    /// Bytes the walker made.
    Owned(&'l [u8]),
}

/// A merged run of kept input bytes `[start, end)` and where it starts in the new data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Span {
    pub(super) start: u64,
    pub(super) end: u64,
    pub(super) new: u64,
}

/// The spans of the new data: the input spans, sorted and disjoint, then the owned pieces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Layout {
    spans: Vec<Span>,
    /// Each owned piece and where it starts in the new data.
    owned: Vec<(u64, Vec<u8>)>,
    len: u64,
}

impl Layout {
    /// Merges `[start, end)` input ranges (overlapping or touching ranges become one span)
    /// and places the `owned` pieces after them, in order.
    pub(super) fn new(mut ranges: Vec<(u64, u64)>, owned: Vec<Vec<u8>>) -> Self {
        ranges.sort_unstable();
        let mut spans: Vec<Span> = Vec::with_capacity(ranges.len());
        for (start, end) in ranges {
            match spans.last_mut() {
                Some(last) if start <= last.end => last.end = last.end.max(end),
                _ => spans.push(Span { start, end, new: 0 }),
            }
        }
        let mut len = 0u64;
        for s in &mut spans {
            s.new = len;
            len = len.saturating_add(s.end.saturating_sub(s.start));
        }
        let owned = owned
            .into_iter()
            .map(|bytes| {
                let new = len;
                len = len.saturating_add(u64::try_from(bytes.len()).unwrap_or(u64::MAX));
                (new, bytes)
            })
            .collect();
        Layout { spans, owned, len }
    }

    /// The sources of the new data, in output order.
    pub(super) fn sources(&self) -> impl Iterator<Item = Source<'_>> {
        let input = self.spans.iter().map(|s| Source::Input {
            start: s.start,
            end: s.end,
        });
        input.chain(self.owned.iter().map(|(_, bytes)| Source::Owned(bytes)))
    }

    /// Total bytes of the new data.
    pub(super) fn len(&self) -> u64 {
        self.len
    }

    /// The position in the new data of the byte at `place` (for an input offset at the end
    /// of a span, of the end of the span: a zero-length range there).
    pub(super) fn map(&self, place: Place) -> Option<u64> {
        match place {
            Place::Input(old) => self.map_input(old),
            Place::Owned(n) => self.owned.get(n).map(|&(new, _)| new),
        }
    }

    fn map_input(&self, old: u64) -> Option<u64> {
        let after = self.spans.partition_point(|s| {
            work::add(0);
            s.start <= old
        });
        let span = self.spans.get(after.checked_sub(1)?)?;
        (old <= span.end).then(|| span.new.saturating_add(old.saturating_sub(span.start)))
    }
}

/// Where the offset fields of the rebuilt boxes point: the new data laid out by `layout`,
/// starting at byte `base` of the output.
#[derive(Debug, Clone, Copy)]
pub(super) struct Relocation<'l> {
    pub(super) layout: &'l Layout,
    pub(super) base: u64,
}

impl Relocation<'_> {
    /// The output offset of the byte at `place`, if it is in the new data and the sum fits.
    pub(super) fn resolve(&self, place: Place) -> Option<u64> {
        self.layout.map(place)?.checked_add(self.base)
    }
}

/// A sink that keeps nothing and counts the bytes written to it. The rebuilt `meta` and
/// `moov` hold offsets into the new `mdat`, which follows them: they are written once here
/// to learn their length (which no offset value changes: every field has a fixed width),
/// and then for real, with every offset known, so no field has to be patched afterwards.
#[derive(Debug, Default)]
pub(super) struct Measure {
    len: usize,
}

impl Sink for Measure {
    fn len(&self) -> usize {
        self.len
    }

    fn put_slice(&mut self, bytes: &[u8]) {
        self.len = self.len.saturating_add(bytes.len());
    }

    fn put_zeros(&mut self, count: usize) {
        self.len = self.len.saturating_add(count);
    }

    fn written(&mut self) -> &mut [u8] {
        &mut []
    }

    fn next_addr(&self) -> usize {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_overlapping_and_touching_ranges_in_order() {
        let l = Layout::new(
            vec![
                (100, 150),
                (10, 20),
                (20, 30),
                (140, 160),
                (40, 40),
                (300, 300),
            ],
            Vec::new(),
        );
        let spans: Vec<_> = l.sources().collect();
        let input = |start, end| Source::Input { start, end };
        assert_eq!(
            spans,
            [
                input(10, 30),
                input(40, 40),
                input(100, 160),
                input(300, 300)
            ]
        );
        assert_eq!(l.map(Place::Input(100)), Some(20));
        assert_eq!(l.map(Place::Input(300)), Some(80));
        assert_eq!(l.len(), 80);
    }

    #[test]
    fn maps_every_kept_offset_and_nothing_else() {
        let l = Layout::new(vec![(10, 20), (50, 60)], Vec::new());
        let map = |old| l.map(Place::Input(old));
        assert_eq!(map(10), Some(0));
        assert_eq!(map(19), Some(9));
        assert_eq!(
            map(20),
            Some(10),
            "the end of a span, for an empty range there"
        );
        assert_eq!(map(55), Some(15));
        assert_eq!(map(9), None);
        assert_eq!(map(30), None);
        assert_eq!(Layout::default().map(Place::Input(0)), None);
    }

    #[test]
    fn owned_pieces_follow_the_input_spans_in_order() {
        let l = Layout::new(
            vec![(50, 60), (10, 20)],
            vec![b"abc".to_vec(), b"de".to_vec()],
        );
        let sources: Vec<_> = l.sources().collect();
        assert_eq!(
            sources,
            [
                Source::Input { start: 10, end: 20 },
                Source::Input { start: 50, end: 60 },
                Source::Owned(b"abc"),
                Source::Owned(b"de"),
            ]
        );
        assert_eq!(l.len(), 25);
        assert_eq!(l.map(Place::Owned(0)), Some(20));
        assert_eq!(l.map(Place::Owned(1)), Some(23));
        assert_eq!(l.map(Place::Owned(2)), None);
        let at = Relocation {
            layout: &l,
            base: 1000,
        };
        assert_eq!(at.resolve(Place::Owned(1)), Some(1023));
        assert_eq!(at.resolve(Place::Input(55)), Some(1015));
        let far = Relocation {
            layout: &l,
            base: u64::MAX,
        };
        assert_eq!(far.resolve(Place::Input(55)), None);
    }

    #[test]
    fn measuring_counts_what_a_vec_would_hold() {
        let mut m = Measure::default();
        m.extend_from_slice(b"abc");
        m.zeros(5);
        m.push(1);
        assert_eq!(m.len(), 9);
        assert!(m.written().is_empty());
    }
}
