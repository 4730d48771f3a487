//! The one error type, and the names of the limits it can report.

use std::borrow::Cow;
use std::fmt;

use crate::format::Format;

/// Why an input could not be stripped.
///
/// Every variant but [`Error::UnknownFormat`] and [`Error::OutputTooSmall`] names the format
/// and the byte offset in the input where the problem was seen. Match on the variant and
/// offset; `what` is for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No supported signature at byte 0.
    #[error("unknown format: no supported signature at byte 0")]
    UnknownFormat,
    /// The input ends before a unit it announces.
    #[error("truncated {format} at byte {offset}: {needed} more bytes needed")]
    Truncated {
        /// The format being read.
        format: Format,
        /// Where the unit that runs past the end starts to be read.
        offset: usize,
        /// How many bytes are missing.
        needed: usize,
    },
    /// The input breaks a rule of its format.
    #[error("malformed {format} at byte {offset}: {what}")]
    Malformed {
        /// The format being read.
        format: Format,
        /// Where the broken field is.
        offset: usize,
        /// What is wrong, for people.
        what: Cow<'static, str>,
    },
    /// The input is valid but uses something imgstrip does not strip (yet).
    #[error("unsupported {format} at byte {offset}: {what}")]
    Unsupported {
        /// The format being read.
        format: Format,
        /// Where the unsupported feature is.
        offset: usize,
        /// What is unsupported, for people (naming the unit where it has a name:
        /// `unknown critical chunk "zzZz"`).
        what: Cow<'static, str>,
    },
    /// A number in the input is over one of the [`Limits`](crate::Limits).
    #[error("{format} {limit} is {value}, over the maximum {max} (at byte {offset})")]
    LimitExceeded {
        /// The format being read.
        format: Format,
        /// Where the number was read.
        offset: usize,
        /// Which limit.
        limit: Limit,
        /// The value found.
        value: u64,
        /// The limit in force.
        max: u64,
    },
    /// The buffer given to [`Stripper::strip_to_slice`](crate::Stripper::strip_to_slice) is
    /// shorter than the output. Not a problem with the input: strip it again into `needed`
    /// bytes.
    #[error("stripped {format} needs an output buffer of {needed} bytes, given {len}")]
    OutputTooSmall {
        /// The format being written.
        format: Format,
        /// The length of the buffer given.
        len: usize,
        /// A length that holds the output: its exact length when the walk reached the end,
        /// else [`max_output_len`](crate::max_output_len) of the input's.
        needed: usize,
    },
}

impl Error {
    /// The format the error was seen in (`None` for [`Error::UnknownFormat`]).
    #[must_use]
    pub fn format(&self) -> Option<Format> {
        match self {
            Error::UnknownFormat => None,
            Error::Truncated { format, .. }
            | Error::Malformed { format, .. }
            | Error::Unsupported { format, .. }
            | Error::LimitExceeded { format, .. }
            | Error::OutputTooSmall { format, .. } => Some(*format),
        }
    }

    /// The byte offset in the input where the error was seen; `None` for
    /// [`Error::UnknownFormat`] and [`Error::OutputTooSmall`], which are about no one byte.
    #[must_use]
    pub fn offset(&self) -> Option<usize> {
        match self {
            Error::UnknownFormat | Error::OutputTooSmall { .. } => None,
            Error::Truncated { offset, .. }
            | Error::Malformed { offset, .. }
            | Error::Unsupported { offset, .. }
            | Error::LimitExceeded { offset, .. } => Some(*offset),
        }
    }

    /// The error of an image embedded in an `outer` file at byte `base` (a BMP's `BI_JPEG`
    /// or `BI_PNG` pixel array), as an error of the outer file: the same variant, so a limit
    /// stays a limit, at its absolute offset, with the `name`d inner format in a malformed
    /// message.
    #[must_use]
    pub(crate) fn embedded(self, outer: Format, base: usize, name: &str) -> Error {
        self.embedded_at(outer, name, |offset| offset.saturating_add(base))
    }

    /// [`Error::embedded`] for an image whose bytes are not one run of the outer file (a
    /// HEIF item in several extents): `at` maps an offset in the image's bytes to the
    /// outer file's.
    #[must_use]
    pub(crate) fn embedded_at(
        self,
        outer: Format,
        name: &str,
        at: impl Fn(usize) -> usize,
    ) -> Error {
        let format = outer;
        match self {
            Error::UnknownFormat => Error::UnknownFormat,
            Error::Truncated { offset, needed, .. } => Error::Truncated {
                format,
                offset: at(offset),
                needed,
            },
            Error::Malformed { offset, what, .. } => Error::Malformed {
                format,
                offset: at(offset),
                what: format!("embedded {name}: {what}").into(),
            },
            Error::Unsupported { offset, what, .. } => Error::Unsupported {
                format,
                offset: at(offset),
                what: format!("embedded {name}: {what}").into(),
            },
            Error::LimitExceeded {
                offset,
                limit,
                value,
                max,
                ..
            } => Error::LimitExceeded {
                format,
                offset: at(offset),
                limit,
                value,
                max,
            },
            // Only `Stripper::strip_to_slice` makes this one, after the walk.
            Error::OutputTooSmall { len, needed, .. } => Error::OutputTooSmall {
                format,
                len,
                needed,
            },
        }
    }
}

/// Names one field of [`Limits`](crate::Limits) in [`Error::LimitExceeded`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Limit {
    /// `max_input_bytes`.
    InputBytes,
    /// `max_dimension` (or `max_webp_dimension`) applied to the width.
    Width,
    /// `max_dimension` (or `max_webp_dimension`) applied to the height.
    Height,
    /// `max_pixels`: width × height.
    Pixels,
    /// `max_animation_pixels`: width × height × frames.
    AnimationPixels,
    /// `max_gif_frames`.
    GifFrames,
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Limit::InputBytes => "input size",
            Limit::Width => "width",
            Limit::Height => "height",
            Limit::Pixels => "pixel count",
            Limit::AnimationPixels => "animation pixel count (width × height × frames)",
            // The message names the format first: "GIF frame count is 301, …".
            Limit::GifFrames => "frame count",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_well() {
        let e = Error::Malformed {
            format: Format::Jpeg,
            offset: 1234,
            what: "segment length 1 is shorter than its own header".into(),
        };
        assert_eq!(
            e.to_string(),
            "malformed JPEG at byte 1234: segment length 1 is shorter than its own header"
        );
        let e = Error::LimitExceeded {
            format: Format::Png,
            offset: 16,
            limit: Limit::Width,
            value: 60_000,
            max: 50_000,
        };
        assert_eq!(
            e.to_string(),
            "PNG width is 60000, over the maximum 50000 (at byte 16)"
        );
        assert_eq!(e.offset(), Some(16));
        assert_eq!(e.format(), Some(Format::Png));
        let e = Error::OutputTooSmall {
            format: Format::WebP,
            len: 10,
            needed: 74,
        };
        assert_eq!(
            e.to_string(),
            "stripped WebP needs an output buffer of 74 bytes, given 10"
        );
        assert_eq!((e.offset(), e.format()), (None, Some(Format::WebP)));
        assert_eq!(Error::UnknownFormat.offset(), None);
    }

    #[test]
    fn an_embedded_image_error_keeps_its_variant_at_its_absolute_offset() {
        let inner = Error::LimitExceeded {
            format: Format::Jpeg,
            offset: 7,
            limit: Limit::Width,
            value: 60_000,
            max: 50_000,
        };
        let outer = inner.embedded(Format::Bmp, 54, "JPEG");
        assert!(matches!(
            outer,
            Error::LimitExceeded {
                limit: Limit::Width,
                ..
            }
        ));
        assert_eq!(
            (outer.format(), outer.offset()),
            (Some(Format::Bmp), Some(61))
        );
        let inner = Error::Malformed {
            format: Format::Png,
            offset: 33,
            what: "bad".into(),
        };
        assert_eq!(
            inner.embedded(Format::Heif, 1000, "PNG").to_string(),
            "malformed HEIF at byte 1033: embedded PNG: bad"
        );
    }
}
