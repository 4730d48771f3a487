//! What a metadata block holds, as [`Found`](crate::Found) flags: bounded readers of EXIF
//! (TIFF) IFDs, XMP packets, IPTC-IIM datasets, Photoshop image resources and FLIR thermal
//! cameras' record directories. The walkers hand each metadata unit they remove to the
//! reader of its kind; nothing here writes output but the fresh XMP packet of a kept credit
//! ([`credit`]).
//!
//! Every reader takes any bytes: it never panics, never allocates from a count in the
//! input, and does work linear in its input (counted by [`crate::work`] and checked in the
//! tests). A malformed block gives what its well-formed part says, so a report is a
//! summary of what the strip removed, never a reason to fail a strip.

pub(crate) mod credit;
mod exif;
mod flir;
mod iptc;
mod maker_note;
mod value;
mod xmp;

#[cfg(test)]
mod tests;

pub(crate) use exif::exif;
pub(crate) use flir::flir;
// IPTC-IIM is read inside Photoshop resources; no format carries it bare.
#[cfg(test)]
pub(crate) use iptc::iptc;
pub(crate) use iptc::photoshop_irb;
pub(crate) use xmp::{xmp, xmp_credit};

use crate::report::Found;
use crate::work;

/// What bytes after an image's end hold: [`Found::EMBEDDED_MEDIA`] when another picture or
/// a video is among them (a JPEG's SOI, a PNG signature, an ISO BMFF `ftyp` box: MPF
/// secondary images, motion-photo videos), else nothing that can be named.
pub(crate) fn appended(bytes: &[u8]) -> Found {
    const STARTS: [&[u8]; 3] = [b"\xFF\xD8\xFF", b"\x89PNG", b"ftyp"];
    work::add(bytes.len());
    let media = bytes
        .windows(4)
        .any(|w| STARTS.iter().any(|s| w.starts_with(s)));
    if media {
        Found::EMBEDDED_MEDIA
    } else {
        Found::empty()
    }
}
