//! What a metadata block holds, as [`Found`](crate::Found) flags: bounded readers of EXIF
//! (TIFF) IFDs, XMP packets, IPTC-IIM datasets and Photoshop image resources. The walkers
//! hand each metadata unit they remove to the reader of its kind; nothing here writes output.
//!
//! Every reader takes any bytes: it never panics, never allocates from a count in the
//! input, and does work linear in its input (counted by [`crate::work`] and checked in the
//! tests). A malformed block gives what its well-formed part says, so a report is a
//! summary of what the strip removed, never a reason to fail a strip.

// The walkers hand their units over once the HEIF work lands (issue 16, part 3); until
// then only the tests call in here.
#![cfg_attr(not(test), allow(dead_code))]

mod exif;
mod iptc;
mod maker_note;
mod value;
mod xmp;

#[cfg(test)]
mod tests;

#[cfg_attr(not(test), allow(unused_imports))]
pub(crate) use exif::exif;
#[cfg_attr(not(test), allow(unused_imports))]
pub(crate) use iptc::{iptc, photoshop_irb};
#[cfg_attr(not(test), allow(unused_imports))]
pub(crate) use xmp::xmp;
