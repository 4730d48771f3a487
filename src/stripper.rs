//! The options builder. This is the only place `ignore_limit_errors` is applied.

use crate::error::Error;
use crate::format::{detect, Format};
use crate::limits::Limits;
use crate::options::{Keep, Options};
use crate::plan::{Plan, PlanSink};
use crate::report::{Found, Report};
use crate::sink::max_output_len;
use crate::sink::{Rewind, Sink, SliceSink};
use crate::verify::Leftovers;

/// The stripped image and what was removed from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stripped {
    /// The output image.
    pub data: Vec<u8>,
    /// What was found and removed.
    pub report: Report,
}

/// Strips with options: what to keep, which limits, and whether over-limit inputs come back
/// unchanged.
///
/// ```
/// use imgstrip::{Keep, Kinds, Stripper};
/// // The smallest JPEG: SOI, a comment, a 1×1 frame, one scan, EOI.
/// let jpeg = [
///     0xFF, 0xD8, // SOI
///     0xFF, 0xFE, 0x00, 0x07, b's', b'e', b'c', b'r', b'e', // COM "secre"
///     0xFF, 0xC0, 0x00, 0x0B, 8, 0, 1, 0, 1, 1, 1, 0x11, 0, // SOF0 1×1, one component
///     0xFF, 0xDA, 0x00, 0x08, 1, 1, 0x00, 0, 63, 0, // SOS
///     0x12, 0x34, // entropy-coded data
///     0xFF, 0xD9, // EOI
/// ];
/// let out = Stripper::new().keep(Keep::DISPLAY).strip(&jpeg)?;
/// assert!(out.report.removed.contains(Kinds::COMMENT));
/// assert_eq!((out.report.width, out.report.height), (1, 1));
/// assert!(!out.data.windows(5).any(|w| w == b"secre"));
/// # Ok::<(), imgstrip::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Stripper {
    opts: Options,
    ignore_limit_errors: bool,
}

impl Stripper {
    /// The same defaults as [`strip`](crate::strip): keep nothing, default limits.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the limits.
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.opts.limits = limits;
        self
    }

    /// Sets what to keep.
    #[must_use]
    pub fn keep(mut self, keep: Keep) -> Self {
        self.opts.keep = keep;
        self
    }

    /// When on, an input over a limit comes back unchanged (`report.untouched`) instead of
    /// [`Error::LimitExceeded`], as COS `ignore-error/1` does. Malformed input is an error
    /// either way.
    #[must_use]
    pub fn ignore_limit_errors(mut self, on: bool) -> Self {
        self.ignore_limit_errors = on;
        self
    }

    /// Strips `input` into a new buffer.
    ///
    /// # Errors
    /// [`Error::UnknownFormat`] when no signature matches; otherwise the format's
    /// [`Error::Truncated`], [`Error::Malformed`], [`Error::Unsupported`] or
    /// [`Error::LimitExceeded`], with the byte offset where it was seen.
    pub fn strip(&self, input: &[u8]) -> Result<Stripped, Error> {
        let mut data = Vec::new();
        let report = self.strip_into(input, &mut data)?;
        Ok(Stripped { data, report })
    }

    /// Strips `input` into `out`, which is cleared first and reused (its capacity is kept).
    ///
    /// # Errors
    /// As [`Stripper::strip`]. On error `out` is left empty.
    pub fn strip_into(&self, input: &[u8], out: &mut Vec<u8>) -> Result<Report, Error> {
        out.clear();
        let result = self.walk(input, out);
        match result {
            Err(Error::LimitExceeded { format, .. }) if self.ignore_limit_errors => {
                out.clear();
                out.extend_from_slice(input);
                Ok(Report::untouched(format))
            }
            Err(e) => {
                out.clear();
                Err(e)
            }
            Ok(report) => Ok(report),
        }
    }

    /// Strips `input` into the caller's `out`, allocating nothing for the output, and returns
    /// the output's length: the stripped image is `out[..len]`. `out` can be a buffer reused
    /// from call to call, a memory map, a pool's slot.
    ///
    /// A buffer of [`max_output_len`]`(input.len())` bytes always holds the output. A shorter
    /// one does when the output fits: without [`Keep`] flags the output is never longer than
    /// the input, so `input.len()` bytes are enough. An input over a limit with
    /// [`ignore_limit_errors`](Self::ignore_limit_errors) on is copied to `out` unchanged.
    ///
    /// ```
    /// use imgstrip::{max_output_len, Stripper};
    /// // SOI, a comment, a 1×1 frame, one scan, EOI.
    /// let jpeg = [
    ///     0xFF, 0xD8, 0xFF, 0xFE, 0x00, 0x07, b's', b'e', b'c', b'r', b'e',
    ///     0xFF, 0xC0, 0x00, 0x0B, 8, 0, 1, 0, 1, 1, 1, 0x11, 0,
    ///     0xFF, 0xDA, 0x00, 0x08, 1, 1, 0x00, 0, 63, 0, 0x12, 0x34, 0xFF, 0xD9,
    /// ];
    /// let mut buf = vec![0; max_output_len(jpeg.len())];
    /// let (len, report) = Stripper::new().strip_to_slice(&jpeg, &mut buf)?;
    /// assert_eq!(len, jpeg.len() - 9); // the comment segment is gone
    /// assert_eq!(report.bytes_removed, 9);
    /// assert_eq!(&buf[..len], &Stripper::new().strip(&jpeg)?.data[..]);
    /// # Ok::<(), imgstrip::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Stripper::strip`], and [`Error::OutputTooSmall`] when the output does not fit in
    /// `out`. That is checked first: once a write has not fit, the result is this error,
    /// even for an input that turns out to be malformed further on. After an error, what
    /// `out` holds is unspecified (pieces of the stripped output, no more).
    pub fn strip_to_slice(&self, input: &[u8], out: &mut [u8]) -> Result<(usize, Report), Error> {
        let len = out.len();
        let mut sink = SliceSink::new(out);
        let result = self.walk(input, &mut sink);
        let (overflowed, written) = (sink.overflowed(), sink.len());
        let too_small = |needed| {
            detect(input).map_or(Error::UnknownFormat, |format| Error::OutputTooSmall {
                format,
                len,
                needed,
            })
        };
        if overflowed {
            let needed = match result {
                Ok(_) => written,
                Err(_) => written.max(max_output_len(input.len())),
            };
            return Err(too_small(needed));
        }
        match result {
            Err(Error::LimitExceeded { format, .. }) if self.ignore_limit_errors => {
                let dst = out.get_mut(..input.len());
                dst.ok_or_else(|| too_small(input.len()))?
                    .copy_from_slice(input);
                Ok((input.len(), Report::untouched(format)))
            }
            Err(e) => Err(e),
            Ok(report) => Ok((written, report)),
        }
    }

    /// Plans the strip of `input` without writing the output: the output as an ordered list
    /// of pieces, each a range of `input` or bytes the strip wrote anew, and the report.
    /// [`Plan::write_to`] then writes it (to a file, a socket, a hash) with no copy of the
    /// output in memory; the bytes are those [`Stripper::strip`] returns. The walk is the
    /// same as a strip's, without copying what stays.
    ///
    /// # Errors
    /// As [`Stripper::strip`]. An input over a limit with
    /// [`ignore_limit_errors`](Self::ignore_limit_errors) on is planned as itself, whole.
    pub fn plan(&self, input: &[u8]) -> Result<Plan, Error> {
        let mut sink = PlanSink::new(input);
        match self.walk(input, &mut sink) {
            Ok(report) => Ok(sink.finish(report)),
            Err(Error::LimitExceeded { format, .. }) if self.ignore_limit_errors => {
                Ok(Plan::whole(input, Report::untouched(format)))
            }
            Err(e) => Err(e),
        }
    }

    /// Reports what [`Stripper::strip`] would remove, without writing the output (the walk
    /// of [`Stripper::plan`]).
    ///
    /// # Errors
    /// As [`Stripper::strip`].
    pub fn inspect(&self, input: &[u8]) -> Result<Report, Error> {
        self.plan(input).map(|plan| plan.report().clone())
    }

    /// Checks that `input` is clean: that a strip with these options would give it back
    /// byte for byte. An output of [`Stripper::strip`] verifies clean under the same options
    /// (strips are idempotent), so this proves an output before it is stored, or audits any
    /// file. Limits apply as in a strip; [`ignore_limit_errors`](Self::ignore_limit_errors)
    /// does not: a file over a limit is not walked, so it cannot be called clean.
    ///
    /// # Errors
    /// [`Leftovers::Metadata`] with the report of the strip that would change the file and
    /// where the first change is; [`Leftovers::Unreadable`] with the error that stopped the
    /// walk.
    pub fn verify(&self, input: &[u8]) -> Result<(), Leftovers> {
        let mut sink = PlanSink::new(input);
        let report = self.walk(input, &mut sink)?;
        let plan = sink.finish(report);
        match plan.first_difference(input) {
            None => Ok(()),
            Some(first_difference) => Err(Leftovers::Metadata {
                report: plan.report().clone(),
                first_difference,
            }),
        }
    }

    fn walk(&self, input: &[u8], out: &mut impl Rewind) -> Result<Report, Error> {
        let format = detect(input).ok_or(Error::UnknownFormat)?;
        self.opts.limits.check_input(format, input.len())?;
        out.reserve(max_output_len(input.len()));
        let mut report = dispatch(format, input, &self.opts, out)?;
        let mut keep = self.opts.keep;
        for &flag in growing_flags(format) {
            if out.len() <= max_output_len(input.len()) || !keep.contains(flag) {
                continue;
            }
            // The fresh blocks do not fit the promise of `max_output_len`: what they keep
            // goes rather than the promise (the walk is the same without it).
            keep = keep.difference(flag);
            out.clear();
            report = dispatch(format, input, &Options { keep, ..self.opts }, out)?;
            report.not_kept |= self.opts.keep.difference(keep);
        }
        if keep.contains(Keep::COPYRIGHT) && !carries_credit(format) && may_hold_credit(&report) {
            report.not_kept |= Keep::COPYRIGHT;
        }
        report.bytes_removed = bytes_removed(input.len(), out.len());
        Ok(report)
    }
}

/// The flags whose fresh blocks can make the output of `format` longer than the input, in
/// the order they go when it would pass [`max_output_len`]: the credit, then, in HEIF, a gain
/// map's fresh XMP item (it takes no more room than the XMP item it replaces, but that
/// item's bytes can be shared with a kept image, or the new bytes can need an `mdat` header
/// of their own). The JPEG walker fits its gain-map segments itself.
fn growing_flags(format: Format) -> &'static [Keep] {
    match format {
        Format::Heif | Format::Avif => &[Keep::COPYRIGHT, Keep::GAIN_MAP],
        _ => &[Keep::COPYRIGHT],
    }
}

/// Whether `Keep::COPYRIGHT` writes the credit back in `format`: GIF and BMP have no place
/// for it. (The HEIF walker says itself where a file cannot take it: a `mini` box, a file
/// without a primary item, an exhausted id space.)
fn carries_credit(format: Format) -> bool {
    matches!(
        format,
        Format::Jpeg | Format::Png | Format::WebP | Format::Heif | Format::Avif
    )
}

/// Whether what a strip removed held the author's credit: a person named in the EXIF or
/// XMP it read (every format's walk reads them for [`Report::found`]).
fn may_hold_credit(report: &Report) -> bool {
    report.found.contains(Found::PERSON)
}

/// Runs the walker of `format`.
fn dispatch(
    format: Format,
    input: &[u8],
    opts: &Options,
    out: &mut impl Sink,
) -> Result<Report, Error> {
    match format {
        Format::Jpeg => crate::jpeg::strip(input, opts, out),
        Format::Png => crate::png::strip(input, opts, out),
        Format::Gif => crate::gif::strip(input, opts, out),
        Format::Bmp => crate::bmp::strip(input, opts, out),
        Format::WebP => crate::webp::strip(input, opts, out),
        Format::Heif | Format::Avif => crate::heif::strip(input, format, opts, out),
        Format::Jxl => crate::jxl::strip(input, opts, out),
    }
}

/// The one count of removed bytes: how much shorter the output is than the input.
fn bytes_removed(input_len: usize, output_len: usize) -> u64 {
    u64::try_from(input_len.saturating_sub(output_len)).unwrap_or(u64::MAX)
}

/// The shape every format's `strip` has.
#[cfg(test)]
pub(crate) type Walker = fn(&[u8], &Options, &mut Vec<u8>) -> Result<Report, Error>;

/// Runs one format's walker with the given options into a fresh buffer: the shared body of
/// every format module's unit-test `run` helper.
#[cfg(test)]
pub(crate) fn run_walker(
    walker: Walker,
    input: &[u8],
    keep: Keep,
    limits: Limits,
) -> Result<(Vec<u8>, Report), Error> {
    let mut out = Vec::new();
    let mut report = walker(input, &Options { keep, limits }, &mut out)?;
    report.bytes_removed = bytes_removed(input.len(), out.len());
    Ok((out, report))
}

/// Strips `input` with `keep` and the default limits, strips the output again, and checks
/// what every walker promises: the second pass gives the same bytes, and without Keep flags
/// the output is no larger than the input. The shared body of the format modules' unit-test
/// `strip_default`; per-format checks (RIFF size, `bfSize`, the report's byte count) stay in
/// the modules.
#[cfg(test)]
pub(crate) fn strip_checked(walker: Walker, input: &[u8], keep: Keep) -> (Vec<u8>, Report) {
    let (out, report) = run_walker(walker, input, keep, Limits::default()).unwrap();
    let (again, _) = run_walker(walker, &out, keep, Limits::default()).unwrap();
    assert_eq!(again, out, "not idempotent");
    if keep.is_empty() {
        assert!(
            out.len() <= input.len(),
            "grew {} -> {}",
            input.len(),
            out.len()
        );
    }
    (out, report)
}

/// Whether `needle` occurs in `hay` (unit tests look for canaries in outputs).
#[cfg(test)]
pub(crate) fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// A TIFF blob holding only Orientation `orientation`, then a `GPS-CANARY` that must not
/// survive a strip (unit tests of the formats that carry EXIF).
#[cfg(test)]
pub(crate) fn exif_tiff(orientation: u16) -> Vec<u8> {
    let mut t = crate::exif::orientation_tiff(orientation).to_vec();
    t.extend_from_slice(b"GPS-CANARY");
    t
}
