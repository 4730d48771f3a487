//! What a strip removed, and the per-unit verdict every format walker returns.

use bitflags::bitflags;

use crate::format::Format;

bitflags! {
    /// Kinds of metadata, as found and removed.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct Kinds: u32 {
        /// EXIF / TIFF metadata (GPS, camera, maker notes).
        const EXIF = 1 << 0;
        /// XMP packets, including JPEG extended XMP.
        const XMP = 1 << 1;
        /// IPTC and Photoshop image resources.
        const IPTC = 1 << 2;
        /// ICC colour profiles.
        const ICC = 1 << 3;
        /// Comments (JPEG COM, GIF comment extensions).
        const COMMENT = 1 << 4;
        /// Free text (PNG tEXt/zTXt/iTXt, GIF plain text).
        const TEXT = 1 << 5;
        /// Timestamps (PNG tIME).
        const TIMESTAMP = 1 << 6;
        /// Embedded preview images (JFIF thumbnails).
        const THUMBNAIL = 1 << 7;
        /// Bytes after the image's end (MPF images, vendor trailers, appended data).
        const TRAILER = 1 << 8;
        /// Anything else that is not image data: vendor segments, unknown chunks, padding.
        const OTHER = 1 << 9;
    }
}

/// What to do with one unit (segment, chunk, block, box) of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Copy it unchanged.
    Keep,
    /// Write a cleaned version in its place (a JFIF header without its thumbnail, a minimal
    /// EXIF for `Keep::ORIENTATION`, a renamed ICC profile).
    Rewrite,
    /// Leave it out; it holds this kind of metadata.
    Drop(Kinds),
}

/// What a strip found and removed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Report {
    /// The input's format.
    pub format: Format,
    /// The kinds of metadata removed.
    pub removed: Kinds,
    /// How many bytes shorter the output is than the input: input length − output length,
    /// or 0 when a [`Keep`](crate::Keep) flag made a rewritten unit longer than the input
    /// held (`untouched` inputs: 0).
    pub bytes_removed: u64,
    /// Image width in pixels (the canvas, for animations).
    pub width: u32,
    /// Image height in pixels.
    pub height: u32,
    /// Number of frames (1 for a still image).
    pub frames: u32,
    /// True when the input was returned unchanged because it was over a limit and
    /// `ignore_limit_errors` was on.
    pub untouched: bool,
    /// True when the input ended early and imgstrip closed the image itself (a JPEG cut in
    /// its entropy-coded data gets an EOI marker).
    pub truncated: bool,
}

impl Report {
    pub(crate) fn new(format: Format) -> Self {
        Report {
            format,
            removed: Kinds::empty(),
            bytes_removed: 0,
            width: 0,
            height: 0,
            frames: 1,
            untouched: false,
            truncated: false,
        }
    }

    /// The report of an input returned unchanged because it is over a limit
    /// ([`Stripper::ignore_limit_errors`](crate::Stripper::ignore_limit_errors)): nothing
    /// removed, no dimensions, [`untouched`](Report::untouched) set. For a caller that passes
    /// such an input on by itself without reading it whole, as the `imgstrip` command
    /// streams a file over the size limit, and reports it as the library would.
    ///
    /// ```
    /// use imgstrip::{Format, Limits, Stripper};
    /// let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00\x3b";
    /// let mut limits = Limits::default();
    /// limits.max_input_bytes = 4;
    /// let out = Stripper::new().limits(limits).ignore_limit_errors(true).strip(gif)?;
    /// assert_eq!(out.report, imgstrip::Report::untouched(Format::Gif));
    /// assert_eq!(out.data, gif);
    /// # Ok::<(), imgstrip::Error>(())
    /// ```
    #[must_use]
    pub fn untouched(format: Format) -> Self {
        let mut report = Report::new(format);
        report.untouched = true;
        report
    }

    /// Records that something holding `kind` was left out. Walkers report kinds only: the
    /// byte count is the stripper's, input length − output length, counted once.
    pub(crate) fn removed(&mut self, kind: Kinds) {
        self.removed |= kind;
    }

    /// Records bytes after the image's end; nothing when there are none.
    pub(crate) fn trailer(&mut self, len: usize) {
        if len > 0 {
            self.removed(Kinds::TRAILER);
        }
    }
}
