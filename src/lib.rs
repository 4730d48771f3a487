//! Remove metadata from images without touching their pixels.
//!
//! `imgstrip` takes the bytes of a JPEG, PNG/APNG, GIF, WebP, BMP, HEIF/HEIC/AVIF or JPEG
//! XL image and returns the same picture without its metadata: EXIF (GPS position, camera
//! serial number, maker notes, thumbnails), XMP, IPTC, ICC profiles, comments, text and timestamp
//! chunks, and every byte after the image's end. It walks the file's container (JPEG
//! markers, PNG chunks, GIF blocks, RIFF chunks, ISO-BMFF boxes), copies each unit on the
//! format's allow-list and leaves out the rest. No pixel is decoded or re-encoded, so a
//! strip costs little more than a copy of the file. The format is told from the first bytes
//! ([`detect`]), never from a file name. What stays and what goes in each format, and why,
//! is on the [`formats`] page.
//!
//! # Example: strip a file
//! ```
//! # // Set-up: a 1×1 JPEG with a comment ("taken at home"), in a fresh temporary folder.
//! # let dir = std::env::temp_dir().join(format!("imgstrip-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir)?;
//! # std::env::set_current_dir(&dir)?;
//! # let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xFE, 0x00, 0x0F];
//! # jpeg.extend_from_slice(b"taken at home");
//! # jpeg.extend_from_slice(&[0xFF, 0xDB, 0x00, 0x43, 0x00]);
//! # jpeg.extend_from_slice(&[1; 64]);
//! # jpeg.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x0B, 8, 0, 1, 0, 1, 1, 1, 0x11, 0]);
//! # for class in [0x00, 0x10] {
//! #     jpeg.extend_from_slice(&[0xFF, 0xC4, 0x00, 0x14, class, 1]);
//! #     jpeg.extend_from_slice(&[0; 16]);
//! # }
//! # jpeg.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 1, 1, 0x00, 0, 63, 0, 0x3F, 0xFF, 0xD9]);
//! # std::fs::write("photo.jpg", &jpeg)?;
//! let bytes = std::fs::read("photo.jpg")?;
//! let clean = imgstrip::strip(&bytes, imgstrip::Limits::default())?;
//! std::fs::write("photo-clean.jpg", &clean)?;
//! assert!(clean.len() <= bytes.len()); // never larger without keep flags
//! # assert_eq!(std::fs::read("photo-clean.jpg")?.len(), bytes.len() - 17); // the comment went
//! # assert!(!clean.windows(4).any(|w| w == b"home"));
//! # std::env::set_current_dir(std::env::temp_dir())?;
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Example: keep what a viewer needs
//! [`Stripper`] takes options: what to [`Keep`], other [`Limits`], and whether an input over
//! a limit comes back unchanged instead of as an error. [`Keep::DISPLAY`] keeps the
//! orientation, the colour profile and an HDR photo's gain map, so photos show as their
//! author saw them, and nothing that identifies the author: a minimal EXIF holding only the
//! Orientation tag (when it is not 1) replaces the original, and an Ultra HDR or Apple HDR
//! JPEG's gain map stays with only the metadata that applies it ([`Keep::GAIN_MAP`]).
//! Photographers who want their credit kept add [`Keep::COPYRIGHT`]: EXIF Artist and
//! Copyright, XMP `dc:creator` and `dc:rights`, in fresh minimal blocks (JPEG, PNG, WebP).
//! ```
//! use imgstrip::{Keep, Kinds, Stripper};
//! # let mut photo = vec![0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x2E];
//! # photo.extend_from_slice(b"Exif\0\0MM\0\x2A\0\0\0\x08\0\x02");
//! # photo.extend_from_slice(&[0x01, 0x0F, 0, 2, 0, 0, 0, 4, b'E', b'v', b'e', 0]);
//! # photo.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0]);
//! # photo.extend_from_slice(&[0xFF, 0xDB, 0x00, 0x43, 0x00]);
//! # photo.extend_from_slice(&[1; 64]);
//! # photo.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x0B, 8, 0, 1, 0, 1, 1, 1, 0x11, 0]);
//! # for class in [0x00, 0x10] {
//! #     photo.extend_from_slice(&[0xFF, 0xC4, 0x00, 0x14, class, 1]);
//! #     photo.extend_from_slice(&[0; 16]);
//! # }
//! # photo.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 1, 1, 0x00, 0, 63, 0, 0x3F, 0xFF, 0xD9]);
//! // `photo`: a JPEG whose EXIF holds Orientation 6 and the camera owner's name, "Eve".
//! let stripper = Stripper::new()
//!     .keep(Keep::DISPLAY)
//!     .ignore_limit_errors(true); // an over-limit input comes back unchanged
//! let out = stripper.strip(&photo)?;
//! assert!(out.report.removed.contains(Kinds::EXIF));
//! assert!(!out.data.windows(3).any(|w| w == b"Eve"));
//! // The Orientation entry (tag 0x0112, one SHORT, value 6) is all that is left of the EXIF.
//! assert!(out.data.windows(10).any(|w| w == [0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6]));
//! println!("removed {:?}, {} bytes", out.report.removed, out.report.bytes_removed);
//! # Ok::<(), imgstrip::Error>(())
//! ```
//! [`Stripper::inspect`] reports what a strip would remove, and [`Report::found`] what it
//! held (GPS position, capture time, camera serial number, names, faces, …), read from the
//! same walk by bounded readers of EXIF, XMP, IPTC and Photoshop resources.
//! [`Stripper::verify`] proves a file clean: a strip with the same options gives it back
//! byte for byte, or [`Leftovers`] says what is left and where. [`Stripper::strip_into`]
//! reuses a `Vec` from call to call, and [`Stripper::strip_to_slice`] fills any `&mut [u8]`
//! of [`max_output_len`] bytes without allocating; all of them write the same bytes.
//!
//! # Guarantees
//! - **Lossless**: every compressed pixel byte is copied verbatim and every frame stays, so
//!   a decoder shows the same picture.
//! - **Nothing after the image's end**: MPF images, vendor trailers, motion-photo video and a
//!   cropped PNG's leftovers go, and a removed unit leaves no bytes behind. What can still
//!   hide inside compressed image data, and what to do about it, is under
//!   [where lossless stripping stops](formats#where-lossless-stripping-stops).
//! - **No panics, bounded**: any byte string gives `Ok` or a typed [`Error`], never a panic
//!   or a hang; no `unsafe`; work linear in the input; memory for the output (at most
//!   [`max_output_len`]) and, for HEIF, tables in proportion to the boxes that declare them.
//! - **Never larger without keep flags**: with [`Keep`] flags the output can grow by what
//!   they rewrite, at most 64 bytes. Stripping an output again gives the same bytes.
//!
//! # Limits
//! [`Limits::default`] follows Tencent COS `imageMogr2`: input ≤ 32 MiB, each side
//! ≤ 50,000 px, ≤ 250 million pixels, WebP sides ≤ 16,383 px, width × height × frames
//! ≤ 250 million, GIF ≤ 300 frames; [`Limits::none`] lifts them. Each is checked as soon as
//! its number is read. Over a limit, a strip is [`Error::LimitExceeded`], or, with
//! [`Stripper::ignore_limit_errors`], the input unchanged, metadata and all
//! ([`Report::untouched`]); malformed input is an error either way.
//!
//! # Errors
//! One enum, [`Error`]. [`Truncated`](Error::Truncated), [`Malformed`](Error::Malformed),
//! [`Unsupported`](Error::Unsupported) (valid, but not strippable without loss or risk) and
//! [`LimitExceeded`](Error::LimitExceeded) carry the format and the byte offset of the
//! problem; [`UnknownFormat`](Error::UnknownFormat) means no supported signature, and
//! [`OutputTooSmall`](Error::OutputTooSmall) comes only from [`Stripper::strip_to_slice`].
//!
//! # Formats
//! [`formats`] lists, for JPEG, PNG/APNG, GIF, WebP, BMP, HEIF/HEIC/AVIF and JPEG XL,
//! [what stays and what goes](formats#the-rules-per-format), what each
//! [keep flag](formats#keep-flags) keeps, and the
//! [decisions](formats#decisions-where-the-specification-is-silent) taken where the
//! specification is silent.

#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![warn(unreachable_pub, clippy::missing_errors_doc)]
#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::unreachable,
        clippy::todo,
        clippy::cast_possible_truncation,
        clippy::print_stdout,
        clippy::print_stderr
    )
)]

mod bmp;
mod crc32;
mod error;
mod exif;
mod format;
pub mod formats;
mod found;
mod gif;
mod heif;
mod jpeg;
mod jxl;
mod limits;
mod options;
mod out;
mod plan;
mod png;
mod reader;
mod report;
mod sink;
mod stripper;
mod verify;
mod webp;
mod work;

#[cfg(test)]
mod linear_tests;
#[cfg(test)]
mod test_boxes;

pub use error::{Error, Limit};
pub use format::{detect, Format};
pub use limits::Limits;
pub use options::{Keep, ParseKeepError};
pub use plan::{Piece, Plan};
pub use report::{Found, Kinds, Report};
pub use sink::max_output_len;
pub use stripper::{Stripped, Stripper};
pub use verify::Leftovers;

/// Strips every piece of metadata from `input`, keeping nothing, under `limits`.
///
/// # Errors
/// [`Error::UnknownFormat`] when no supported signature is found; otherwise a
/// [`Error::Truncated`], [`Error::Malformed`], [`Error::Unsupported`] or
/// [`Error::LimitExceeded`] naming the format and byte offset.
///
/// ```
/// let err = imgstrip::strip(b"not an image", imgstrip::Limits::default()).unwrap_err();
/// assert_eq!(err, imgstrip::Error::UnknownFormat);
/// ```
pub fn strip(input: &[u8], limits: Limits) -> Result<Vec<u8>, Error> {
    Stripper::new().limits(limits).strip(input).map(|s| s.data)
}
