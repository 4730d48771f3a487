//! Where kept bytes move to. The kept ranges (item extents, sample chunks) are merged into
//! disjoint spans in input order; the output holds the spans back to back, so every old
//! offset inside a span has exactly one new offset. Nothing outside a span is copied.

use crate::out::patch_uint;
use crate::work;
use crate::{Error, Format};

/// A merged run of kept input bytes `[start, end)` and where it starts in the output,
/// relative to the start of the rebuilt data (`mdat` payload or `idat` payload).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Span {
    pub(super) start: u64,
    pub(super) end: u64,
    pub(super) new: u64,
}

/// The kept spans, sorted and disjoint, and their total length.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Layout {
    spans: Vec<Span>,
    len: u64,
}

impl Layout {
    /// Merges `[start, end)` ranges (overlapping or touching ranges become one span).
    pub(super) fn new(mut ranges: Vec<(u64, u64)>) -> Self {
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
        Layout { spans, len }
    }

    pub(super) fn spans(&self) -> &[Span] {
        &self.spans
    }

    /// Total bytes kept.
    pub(super) fn len(&self) -> u64 {
        self.len
    }

    /// The new offset of the kept byte at `old` (or of the end of a span, for a
    /// zero-length range there).
    pub(super) fn map(&self, old: u64) -> Option<u64> {
        let after = self.spans.partition_point(|s| {
            work::add(0);
            s.start <= old
        });
        let span = self.spans.get(after.checked_sub(1)?)?;
        (old <= span.end).then(|| span.new.saturating_add(old.saturating_sub(span.start)))
    }
}

/// A file offset written as a placeholder: `width` bytes at `at` in the output, to hold the
/// new position of input offset `old`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Patch {
    pub(super) at: usize,
    pub(super) width: usize,
    pub(super) old: u64,
}

/// Fills every placeholder: the data now starts at output offset `base`.
pub(super) fn apply(
    out: &mut [u8],
    patches: &[Patch],
    layout: &Layout,
    base: u64,
    format: Format,
) -> Result<(), Error> {
    for p in patches {
        let new = layout.map(p.old).and_then(|n| n.checked_add(base));
        let ok = new.is_some_and(|n| patch_uint(out, p.at, n, p.width));
        if !ok {
            return Err(Error::Unsupported {
                format,
                offset: p.at,
                what: "a relocated offset does not fit its field".into(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_overlapping_and_touching_ranges_in_order() {
        let l = Layout::new(vec![
            (100, 150),
            (10, 20),
            (20, 30),
            (140, 160),
            (40, 40),
            (300, 300),
        ]);
        assert_eq!(
            l.spans(),
            &[
                Span {
                    start: 10,
                    end: 30,
                    new: 0
                },
                Span {
                    start: 40,
                    end: 40,
                    new: 20
                },
                Span {
                    start: 100,
                    end: 160,
                    new: 20
                },
                Span {
                    start: 300,
                    end: 300,
                    new: 80
                },
            ]
        );
        assert_eq!(l.len(), 80);
    }

    #[test]
    fn maps_every_kept_offset_and_nothing_else() {
        let l = Layout::new(vec![(10, 20), (50, 60)]);
        assert_eq!(l.map(10), Some(0));
        assert_eq!(l.map(19), Some(9));
        assert_eq!(
            l.map(20),
            Some(10),
            "the end of a span, for an empty range there"
        );
        assert_eq!(l.map(55), Some(15));
        assert_eq!(l.map(9), None);
        assert_eq!(l.map(30), None);
        assert_eq!(Layout::default().map(0), None);
    }

    #[test]
    fn patches_fill_placeholders_or_fail_typed() {
        let l = Layout::new(vec![(1000, 1010)]);
        let mut out = vec![0u8; 6];
        let patches = [
            Patch {
                at: 0,
                width: 4,
                old: 1005,
            },
            Patch {
                at: 4,
                width: 2,
                old: 1000,
            },
        ];
        apply(&mut out, &patches, &l, 40, Format::Heif).unwrap();
        assert_eq!(out, [0, 0, 0, 45, 0, 40]);
        let e = apply(
            &mut out,
            &[Patch {
                at: 4,
                width: 2,
                old: 5,
            }],
            &l,
            0,
            Format::Heif,
        )
        .unwrap_err();
        assert!(matches!(e, Error::Unsupported { offset: 4, .. }));
        let e = apply(
            &mut out,
            &[Patch {
                at: 5,
                width: 1,
                old: 1000,
            }],
            &l,
            300,
            Format::Heif,
        );
        assert!(e.is_err());
    }
}
