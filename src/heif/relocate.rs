//! Where kept bytes move to. The new data (`mdat` payload, or `idat` payload) is a list of
//! spans, each from an explicit source: a range of the input (item extents and sample
//! chunks, merged into disjoint spans in input order) or bytes the walker owns (JPEG items
//! rewritten without their metadata), placed after the input spans in the order they were
//! made. Every offset field of the rebuilt file names what it points at as a [`Place`], and
//! gets the position of that byte in the new data; nothing outside a span is copied.

use crate::sink::Sink;
use crate::work;

/// Whether `[start, end)` lies inside one of `mdats` (payload ranges sorted by start, as the
/// top-level walk finds them). Empty ranges copy nothing and may point anywhere.
pub(super) fn in_an_mdat(mdats: &[(u64, u64)], start: u64, end: u64) -> bool {
    if start == end {
        return true;
    }
    let after = mdats.partition_point(|&(s, _)| {
        work::add(0);
        s <= start
    });
    after
        .checked_sub(1)
        .and_then(|i| mdats.get(i))
        .is_some_and(|&(_, e)| end <= e)
}

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

/// An offset width for the stored ranges: 32 bits for an input under 4 GiB, else 64.
trait Offset: Copy + Ord + Into<u64> + TryFrom<u64> {}
impl Offset for u32 {}
impl Offset for u64 {}

/// Input ranges `[start, end)` to keep, in the order they were found, each stored as two
/// offsets of the width the input's size needs (8 bytes a range under 4 GiB): with millions
/// of item extents or sample chunks, this list is the largest table the walker holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Ranges {
    store: Store,
    /// In a narrow store, the first range that does not fit 32 bits (so cannot lie in the
    /// input); it is stored as [`UNFIT`].
    first_unfit: Option<(u64, u64)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Store {
    Narrow(Vec<[u32; 2]>),
    Wide(Vec<[u64; 2]>),
}

/// Stands for a range that does not fit a narrow store. No range of an input shorter
/// than `u32::MAX` bytes ends there.
const UNFIT: [u32; 2] = [u32::MAX, u32::MAX];

impl Ranges {
    /// Room for `capacity` ranges of an input of `input_len` bytes, allocated once.
    pub(super) fn with_capacity(capacity: usize, input_len: usize) -> Self {
        let narrow = u32::try_from(input_len).is_ok_and(|n| n < u32::MAX);
        let store = if narrow {
            Store::Narrow(Vec::with_capacity(capacity))
        } else {
            Store::Wide(Vec::with_capacity(capacity))
        };
        Ranges {
            store,
            first_unfit: None,
        }
    }

    /// Adds `[start, end)`, unless it lies inside the range added just before (see
    /// [`RangeCount::add`]).
    pub(super) fn push(&mut self, start: u64, end: u64) {
        let last = match &self.store {
            Store::Wide(v) => v.last().map(|&[s, e]| (s, e)),
            Store::Narrow(v) => v
                .last()
                .filter(|&&last| last != UNFIT)
                .map(|&[s, e]| (s.into(), e.into())),
        };
        if is_inside(last, start, end) {
            return;
        }
        match &mut self.store {
            Store::Wide(v) => v.push([start, end]),
            Store::Narrow(v) => match (u32::try_from(start), u32::try_from(end)) {
                (Ok(s), Ok(e)) if [s, e] != UNFIT => v.push([s, e]),
                _ => {
                    self.first_unfit.get_or_insert((start, end));
                    v.push(UNFIT);
                }
            },
        }
    }

    pub(super) fn len(&self) -> usize {
        match &self.store {
            Store::Narrow(v) => v.len(),
            Store::Wide(v) => v.len(),
        }
    }

    /// The ranges in the order they were pushed.
    pub(super) fn iter(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    fn get(&self, i: usize) -> Option<(u64, u64)> {
        match &self.store {
            Store::Wide(v) => v.get(i).map(|&[s, e]| (s, e)),
            Store::Narrow(v) => match *v.get(i)? {
                UNFIT => self.first_unfit,
                [s, e] => Some((s.into(), e.into())),
            },
        }
    }
}

/// Whether `[start, end)` lies inside `last`.
fn is_inside(last: Option<(u64, u64)>, start: u64, end: u64) -> bool {
    last.is_some_and(|(s, e)| s <= start && end <= e)
}

/// Counts the ranges a [`Ranges`] would store, so that it can be allocated once at its size.
#[derive(Debug, Clone, Copy)]
pub(super) struct RangeCount {
    narrow: bool,
    /// The range stored last, as [`Ranges::push`] compares with it.
    last: Option<(u64, u64)>,
    count: usize,
}

impl RangeCount {
    pub(super) fn new(input_len: usize) -> Self {
        RangeCount {
            narrow: u32::try_from(input_len).is_ok_and(|n| n < u32::MAX),
            last: None,
            count: 0,
        }
    }

    /// Counts `[start, end)` as [`Ranges::push`] stores it. A range inside the one added just
    /// before (as the length-only extents of one item all are, from its base offset) is not
    /// stored: it adds nothing to keep, and any check it would fail, the range before fails
    /// first.
    pub(super) fn add(&mut self, start: u64, end: u64) {
        if is_inside(self.last, start, end) {
            return;
        }
        self.count = self.count.saturating_add(1);
        let fits = u32::try_from(start).is_ok() && u32::try_from(end).is_ok();
        let unfit = self.narrow && (!fits || [start, end] == UNFIT.map(u64::from));
        self.last = if unfit { None } else { Some((start, end)) };
    }

    pub(super) fn count(&self) -> usize {
        self.count
    }
}

/// Spans between two stored checkpoints of their new positions: a lookup adds up the
/// lengths of at most this many spans, and the checkpoints take 8 bytes per this many spans.
const CHECKPOINT_EVERY: usize = 64;

/// Kept input ranges sorted and merged into disjoint spans, in place.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Merged<T> {
    spans: Vec<[T; 2]>,
    /// The new position of every [`CHECKPOINT_EVERY`]th span.
    checkpoints: Vec<u64>,
    len: u64,
}

impl<T: Offset> Merged<T> {
    /// Sorts `ranges` and merges overlapping or touching ones, reusing their buffer.
    fn new(mut ranges: Vec<[T; 2]>) -> Self {
        ranges.sort_unstable();
        ranges.dedup_by(|next, last| {
            work::add(0);
            let [start, end] = *next;
            if start > last[1] {
                return false;
            }
            last[1] = last[1].max(end);
            true
        });
        let mut checkpoints = Vec::with_capacity(ranges.len().div_ceil(CHECKPOINT_EVERY));
        let mut len = 0u64;
        for (i, &[start, end]) in ranges.iter().enumerate() {
            if i % CHECKPOINT_EVERY == 0 {
                checkpoints.push(len);
            }
            len = len.saturating_add(end.into().saturating_sub(start.into()));
        }
        Merged {
            spans: ranges,
            checkpoints,
            len,
        }
    }

    fn get(&self, i: usize) -> Option<(u64, u64)> {
        self.spans.get(i).map(|&[s, e]| (s.into(), e.into()))
    }

    fn map(&self, old: u64) -> Option<u64> {
        let after = self.spans.partition_point(|s| {
            work::add(0);
            s[0].into() <= old
        });
        let i = after.checked_sub(1)?;
        let (start, end) = self.get(i)?;
        if old > end {
            return None;
        }
        let first = (i / CHECKPOINT_EVERY).saturating_mul(CHECKPOINT_EVERY);
        let before = self.spans.get(first..i)?.iter().fold(0u64, |sum, &[s, e]| {
            work::add(0);
            sum.saturating_add(e.into().saturating_sub(s.into()))
        });
        let new = self
            .checkpoints
            .get(i / CHECKPOINT_EVERY)?
            .saturating_add(before);
        Some(new.saturating_add(old.saturating_sub(start)))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Spans {
    Narrow(Merged<u32>),
    Wide(Merged<u64>),
}

impl Default for Spans {
    fn default() -> Self {
        Spans::Narrow(Merged::new(Vec::new()))
    }
}

impl Spans {
    fn len(&self) -> usize {
        match self {
            Spans::Narrow(m) => m.spans.len(),
            Spans::Wide(m) => m.spans.len(),
        }
    }

    fn get(&self, i: usize) -> Option<(u64, u64)> {
        match self {
            Spans::Narrow(m) => m.get(i),
            Spans::Wide(m) => m.get(i),
        }
    }

    fn total(&self) -> u64 {
        match self {
            Spans::Narrow(m) => m.len,
            Spans::Wide(m) => m.len,
        }
    }

    fn map(&self, old: u64) -> Option<u64> {
        match self {
            Spans::Narrow(m) => m.map(old),
            Spans::Wide(m) => m.map(old),
        }
    }
}

/// The spans of the new data: the input spans, sorted and disjoint, then the owned pieces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Layout {
    spans: Spans,
    /// Each owned piece and where it starts in the new data.
    owned: Vec<(u64, Vec<u8>)>,
    len: u64,
}

impl Layout {
    /// Merges the input ranges (overlapping or touching ranges become one span, in the
    /// ranges' own buffer) and places the `owned` pieces after them, in order.
    pub(super) fn new(ranges: Ranges, owned: Vec<Vec<u8>>) -> Self {
        let spans = match ranges.store {
            Store::Narrow(v) => Spans::Narrow(Merged::new(v)),
            Store::Wide(v) => Spans::Wide(Merged::new(v)),
        };
        let mut len = spans.total();
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
        let input = (0..self.spans.len())
            .filter_map(|i| self.spans.get(i))
            .map(|(start, end)| Source::Input { start, end });
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
            Place::Input(old) => self.spans.map(old),
            Place::Owned(n) => self.owned.get(n).map(|&(new, _)| new),
        }
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

    fn written_mut(&mut self, _range: std::ops::Range<usize>) -> Option<&mut [u8]> {
        None
    }

    fn next_addr(&self) -> usize {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(list: &[(u64, u64)]) -> Ranges {
        let mut r = Ranges::with_capacity(list.len(), 1000);
        list.iter().for_each(|&(s, e)| r.push(s, e));
        r
    }

    #[test]
    fn ranges_are_narrow_under_4_gib_and_remember_the_first_that_does_not_fit() {
        let mut r = Ranges::with_capacity(4, 1000);
        r.push(1, 2);
        r.push(5, 1 << 33);
        r.push(u64::from(u32::MAX), u64::from(u32::MAX));
        r.push(3, 4);
        r.push(3, 4);
        r.push(3, 3);
        r.push(2, 4);
        assert!(matches!(r.store, Store::Narrow(_)));
        let list: Vec<_> = r.iter().collect();
        assert_eq!(
            list,
            [(1, 2), (5, 1 << 33), (5, 1 << 33), (3, 4), (2, 4)],
            "a range inside the one before is not stored"
        );
        if let Ok(big) = usize::try_from(1u64 << 33) {
            let mut r = Ranges::with_capacity(1, big);
            r.push(5, 1 << 33);
            assert!(matches!(r.store, Store::Wide(_)));
            assert_eq!(r.iter().collect::<Vec<_>>(), [(5, 1 << 33)]);
        }
    }

    #[test]
    fn maps_across_checkpoints() {
        // 200 disjoint spans of 3 bytes, 10 apart, pushed in reverse.
        let list: Vec<(u64, u64)> = (0..200u64).rev().map(|i| (i * 10, i * 10 + 3)).collect();
        let l = Layout::new(ranges(&list), Vec::new());
        for i in 0..200u64 {
            assert_eq!(l.map(Place::Input(i * 10 + 1)), Some(i * 3 + 1), "span {i}");
            assert_eq!(l.map(Place::Input(i * 10 + 5)), None);
        }
        assert_eq!(l.len(), 600);
    }

    #[test]
    fn merges_overlapping_and_touching_ranges_in_order() {
        let l = Layout::new(
            ranges(&[
                (100, 150),
                (10, 20),
                (20, 30),
                (140, 160),
                (40, 40),
                (300, 300),
            ]),
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
        let l = Layout::new(ranges(&[(10, 20), (50, 60)]), Vec::new());
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
            ranges(&[(50, 60), (10, 20)]),
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
        assert!(m.written_mut(0..m.len()).is_none());
    }
}
