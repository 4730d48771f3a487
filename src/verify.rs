//! What [`Stripper::verify`](crate::Stripper::verify) finds in a file that is not clean.

use std::fmt;

use crate::error::Error;
use crate::report::Report;

/// Why a file did not verify clean: a strip with the same options would still change it, or
/// it could not be walked at all.
///
/// ```
/// use imgstrip::{Kinds, Leftovers, Stripper};
/// // SOI, a comment, a 1×1 frame, one scan, EOI.
/// let jpeg = [
///     0xFF, 0xD8, 0xFF, 0xFE, 0x00, 0x07, b's', b'e', b'c', b'r', b'e',
///     0xFF, 0xC0, 0x00, 0x0B, 8, 0, 1, 0, 1, 1, 1, 0x11, 0,
///     0xFF, 0xDA, 0x00, 0x08, 1, 1, 0x00, 0, 63, 0, 0x12, 0x34, 0xFF, 0xD9,
/// ];
/// let stripper = Stripper::new();
/// match stripper.verify(&jpeg) {
///     Err(Leftovers::Metadata { report, first_difference }) => {
///         assert_eq!(report.removed, Kinds::COMMENT);
///         // The comment starts at byte 2 (`FF FE`); the frame header that takes its place
///         // starts with the same `FF`, so the bytes part at 3.
///         assert_eq!(first_difference, 3);
///     }
///     other => panic!("{other:?}"),
/// }
/// let clean = stripper.strip(&jpeg)?.data;
/// assert_eq!(stripper.verify(&clean), Ok(()));
/// # Ok::<(), imgstrip::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Leftovers {
    /// A strip would change the file. `report` is that strip's report: the kinds of
    /// metadata it would remove ([`removed`](Report#structfield.removed)), what they hold
    /// ([`found`](Report#structfield.found)),
    /// how many bytes shorter the file would be. `first_difference` is the offset of the
    /// first byte where the strip's output and the file part: at or just inside the start
    /// of the first unit the strip removes or rewrites.
    Metadata {
        /// The report of a strip of the file.
        report: Report,
        /// The offset of the first byte where the strip's output differs from the file.
        first_difference: usize,
    },
    /// The file could not be walked (not an image, malformed, over a limit): nothing can be
    /// said about what it holds.
    Unreadable(Error),
}

impl From<Error> for Leftovers {
    fn from(e: Error) -> Self {
        Leftovers::Unreadable(e)
    }
}

impl fmt::Display for Leftovers {
    /// `JPEG still holds exif, comment (50 bytes, the first at byte 2): GPS position, comment`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Leftovers::Unreadable(e) => write!(f, "cannot verify: {e}"),
            Leftovers::Metadata {
                report,
                first_difference,
            } => {
                write!(f, "{} ", report.format)?;
                if report.removed.is_empty() {
                    write!(f, "would be rewritten from byte {first_difference}")?;
                } else {
                    let kinds: Vec<String> = report
                        .removed
                        .iter_names()
                        .map(|(name, _)| name.to_ascii_lowercase())
                        .collect();
                    write!(
                        f,
                        "still holds {} ({} bytes, the first at byte {first_difference})",
                        kinds.join(", "),
                        report.bytes_removed
                    )?;
                }
                if !report.found.is_empty() {
                    let held: Vec<&str> = report.found.phrases().collect();
                    write!(f, ": {}", held.join(", "))?;
                }
                if report.truncated {
                    f.write_str("; it is truncated")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Leftovers {}
