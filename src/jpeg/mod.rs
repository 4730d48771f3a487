//! JPEG (ITU T.81 / ISO 10918-1): walk the markers and every scan's entropy-coded data, copy
//! what is image, leave out what is metadata, and cut at the first EOI.
//!
//! A segment that is image stays only with the length and structure T.81 gives it, where T.81
//! puts it ([`fit`]): text hidden after a segment's defined fields, or in a segment a decoder
//! skips where it stands, does not ride along.

use crate::error::Error;
use crate::exif;
use crate::format::Format;
use crate::options::{Keep, Options};
use crate::out;
use crate::reader::Reader;
use crate::report::Verdict;
use crate::report::{Kinds, Report};
use crate::sink::Sink;
use entropy::copy_entropy_data;
use fit::{fit, frame_len, has_differential_frame, length_error, Fit, Walk};
use segment::*;

/// Length of a JFIF APP0 body without thumbnail: `JFIF\0`, version, units, densities and
/// the two thumbnail sizes (JFIF 1.02 § "JPEG File Interchange Format").
const JFIF_BODY: usize = 14;
/// Length of an Adobe APP14 body: `Adobe`, version, flags0, flags1, transform (Adobe TN 5116).
const ADOBE_BODY: usize = 12;

/// What an APPn segment's signature says it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Signature {
    Jfif,
    Jfxx,
    Exif,
    Xmp,
    Icc,
    Photoshop,
    Adobe,
    Unknown,
}

fn signature(marker: u8, body: &[u8]) -> Signature {
    let starts = |p: &[u8]| body.starts_with(p);
    match marker {
        APP0 if starts(b"JFIF\0") => Signature::Jfif,
        APP0 if starts(b"JFXX\0") => Signature::Jfxx,
        // Exif 2.32 § 4.7.2 says `Exif\0\0`; some writers pad with `\xFF`.
        APP1 if starts(b"Exif\0") => Signature::Exif,
        APP1 if starts(b"http://ns.adobe.com/xap/1.0/\0")
            || starts(b"http://ns.adobe.com/xmp/extension/\0") =>
        {
            Signature::Xmp
        }
        APP2 if starts(b"ICC_PROFILE\0") => Signature::Icc,
        APP13 if starts(b"Photoshop 3.0\0") => Signature::Photoshop,
        APP14 if starts(b"Adobe") => Signature::Adobe,
        _ => Signature::Unknown,
    }
}

/// The policy of SPEC.md § JPEG, one marker at a time.
fn verdict(marker: u8, sig: Signature, keep: Keep) -> Verdict {
    match (marker, sig) {
        // Frame headers (SOF0–3, 5–7, 9–11, 13–15), tables, scans, and the hierarchical
        // (DHP, EXP) and JPEG-LS (SOF55, LSE; T.87) coding segments; [`fit`] then checks
        // each one's length, structure and place.
        (0xC0..=0xC7 | 0xC9..=0xCF | DQT | DRI | DNL | SOS | DHP | EXP | 0xF7 | 0xF8, _) => {
            Verdict::Keep
        }
        (APP0, Signature::Jfif) | (APP14, Signature::Adobe) => Verdict::Rewrite,
        (APP0, Signature::Jfxx) => Verdict::Drop(Kinds::THUMBNAIL),
        (APP1, Signature::Exif) if keep.contains(Keep::ORIENTATION) => Verdict::Rewrite,
        (APP1, Signature::Exif) => Verdict::Drop(Kinds::EXIF),
        (APP1, Signature::Xmp) => Verdict::Drop(Kinds::XMP),
        (APP2, Signature::Icc) if keep.contains(Keep::ICC) => Verdict::Keep,
        (APP2, Signature::Icc) => Verdict::Drop(Kinds::ICC),
        (APP13, Signature::Photoshop) => Verdict::Drop(Kinds::IPTC),
        (COM, _) => Verdict::Drop(Kinds::COMMENT),
        // Other APPn, the reserved JPGn (C8, F0–F6, F9–FD) and RES markers: no decoder in
        // use needs them, and they can carry anything.
        _ => Verdict::Drop(Kinds::OTHER),
    }
}

pub(crate) fn strip(input: &[u8], opts: &Options, out: &mut impl Sink) -> Result<Report, Error> {
    let mut r = Reader::new(input, Format::Jpeg);
    out.extend_from_slice(r.bytes(2)?); // SOI, checked by detect
    let mut report = Report::new(Format::Jpeg);
    let mut walk = Walk::default();
    loop {
        let Some(found) = next_marker(&mut r) else {
            return finish_truncated(&r, &walk, report, out);
        };
        if found.garbage {
            report.removed(Kinds::OTHER);
        }
        walk.after_first_scan = std::mem::take(&mut walk.first_scan_ended);
        match found.marker {
            EOI if walk.seen_sos => {
                out.extend_from_slice(&[0xFF, EOI]);
                report.trailer(r.remaining());
                return Ok(report);
            }
            EOI => return Err(r.malformed_at(found.offset, "EOI before the first scan")),
            SOI => return Err(r.malformed_at(found.offset, "second SOI marker")),
            // Standalone markers outside a scan mean nothing there.
            0xD0..=0xD7 | TEM => report.removed(Kinds::OTHER),
            marker => {
                let seg = match read_segment(&mut r, marker, found.offset) {
                    Err(Error::Truncated { .. }) if walk.seen_sos => {
                        return finish_truncated(&r, &walk, report, out);
                    }
                    other => other?,
                };
                if marker == DHP && !walk.seen_sof && walk.hierarchical.is_none() {
                    // Whether this file is hierarchical is decided once, by looking ahead.
                    walk.hierarchical = Some(has_differential_frame(r.clone()));
                }
                copy_segment(&seg, found.offset, opts, &mut walk, &mut report, out)?;
                if marker == SOS {
                    copy_entropy_data(&mut r, out);
                    walk.first_scan_ended = walk.scans_in_frame == 1;
                }
            }
        }
    }
}

fn copy_segment(
    seg: &Segment<'_>,
    offset: usize,
    opts: &Options,
    walk: &mut Walk,
    report: &mut Report,
    out: &mut impl Sink,
) -> Result<(), Error> {
    if is_sof(seg.marker) {
        read_frame_header(seg, offset, opts, walk, report)?;
        walk.scans_in_frame = 0;
        walk.kept_exp = false;
    }
    if seg.marker == SOS {
        if !walk.seen_sof {
            return Err(Error::Malformed {
                format: Format::Jpeg,
                offset,
                what: "scan before any frame header".into(),
            });
        }
        walk.seen_sos = true;
        walk.scans_in_frame = walk.scans_in_frame.saturating_add(1);
    }
    let sig = signature(seg.marker, seg.body);
    match verdict(seg.marker, sig, opts.keep) {
        Verdict::Keep => match fit(seg, offset, walk)? {
            Fit::Whole => out::copy(out, seg.raw),
            Fit::Cut(len) => {
                if let Some(body) = seg.body.get(..len) {
                    write_segment(seg.marker, body, out);
                }
                report.removed(Kinds::OTHER);
            }
            Fit::Misplaced => report.removed(Kinds::OTHER),
        },
        Verdict::Drop(kind) => report.removed(kind),
        Verdict::Rewrite => rewrite(seg, sig, walk, report, out),
    }
    Ok(())
}

fn is_sof(marker: u8) -> bool {
    matches!(marker, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF | 0xF7)
}

/// Reads the frame size (T.81 B.2.2) and checks it against the limits before going on.
fn read_frame_header(
    seg: &Segment<'_>,
    offset: usize,
    opts: &Options,
    walk: &mut Walk,
    report: &mut Report,
) -> Result<(), Error> {
    let size_at = offset.saturating_add(5);
    let mut r = Reader::new(seg.body, Format::Jpeg);
    let header = (r.u8(), r.u16_be(), r.u16_be());
    let (Ok(_precision), Ok(height), Ok(width)) = header else {
        // The segment's length field is what is wrong; the size fields it leaves out may lie
        // past the end of the input, so the error points at the length.
        return Err(length_error(
            offset,
            "frame header shorter than 5 bytes".into(),
        ));
    };
    // Lf = 8 + 3·Nf exactly (see [`fit`]).
    if frame_len(seg.body) != Some(seg.body.len()) {
        let length = seg.raw.len().saturating_sub(2);
        let what = match seg.body.get(5) {
            Some(nf) => format!("frame header length {length} is not 8 + 3 × its {nf} components"),
            None => format!("frame header length {length} leaves out the component count"),
        };
        return Err(length_error(offset, what.into()));
    }
    // A height of 0 is defined later by DNL (T.81 B.2.5); the width is checked now.
    opts.limits
        .check_canvas(Format::Jpeg, size_at, width.into(), height.into())?;
    if !walk.seen_sof {
        report.width = width.into();
        report.height = height.into();
        walk.seen_sof = true;
    }
    Ok(())
}

/// Writes the cleaned form of a segment whose verdict is `Rewrite`.
fn rewrite(
    seg: &Segment<'_>,
    sig: Signature,
    walk: &mut Walk,
    report: &mut Report,
    out: &mut impl Sink,
) {
    let (written, kind) = match sig {
        Signature::Jfif => (rewrite_jfif(seg.body, out), Kinds::THUMBNAIL),
        Signature::Adobe => (rewrite_adobe(seg.body, out), Kinds::OTHER),
        Signature::Exif if !walk.wrote_orientation => {
            let written = write_orientation(seg.body, out);
            walk.wrote_orientation = written > 0;
            (written, Kinds::EXIF)
        }
        _ => (0, Kinds::EXIF),
    };
    if written < seg.raw.len() {
        report.removed(kind);
    }
}

/// A JFIF APP0 with its thumbnail sizes zeroed and the thumbnail left out. Returns the bytes
/// written (0 when the header is too short to be JFIF, and so is dropped).
fn rewrite_jfif(body: &[u8], out: &mut impl Sink) -> usize {
    let Some(Ok(mut header)) = body.get(..JFIF_BODY).map(<[u8; JFIF_BODY]>::try_from) else {
        return 0;
    };
    header[12] = 0;
    header[13] = 0;
    write_segment(APP0, &header, out)
}

/// An Adobe APP14 cut to its defined fields; 0 (dropped) when shorter than them.
fn rewrite_adobe(body: &[u8], out: &mut impl Sink) -> usize {
    body.get(..ADOBE_BODY)
        .map_or(0, |header| write_segment(APP14, header, out))
}

/// For `Keep::ORIENTATION`: an Exif APP1 holding only the Orientation of `body`'s EXIF, when
/// it has one other than 1. Returns the bytes written.
fn write_orientation(body: &[u8], out: &mut impl Sink) -> usize {
    let Some(orientation) = body.get(6..).and_then(exif::read_orientation) else {
        return 0;
    };
    let mut exif = [0u8; 32];
    exif[..6].copy_from_slice(b"Exif\0\0");
    exif[6..].copy_from_slice(&exif::orientation_tiff(orientation));
    write_segment(APP1, &exif, out)
}

/// Writes `FF marker length body` and returns its length (0 if `body` cannot fit a segment).
fn write_segment(marker: u8, body: &[u8], out: &mut impl Sink) -> usize {
    let Some(len) = body
        .len()
        .checked_add(2)
        .and_then(|n| u16::try_from(n).ok())
    else {
        return 0;
    };
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(body);
    body.len().saturating_add(4)
}

/// The input ended after the first scan began: keep what is there, leaving out the
/// unfinished segment, and close the image with EOI when that keeps the
/// output no larger than the input (the input had no EOI either, so a decoder reads the
/// output as it read the input). Before the first scan there is no image to keep.
fn finish_truncated(
    r: &Reader<'_>,
    walk: &Walk,
    mut report: Report,
    out: &mut impl Sink,
) -> Result<Report, Error> {
    if !walk.seen_sos {
        return Err(r.truncated(2));
    }
    if out.len().saturating_add(2) <= r.end() {
        out.extend_from_slice(&[0xFF, EOI]);
    }
    report.truncated = true;
    Ok(report)
}

mod entropy;
mod fit;
mod segment;
#[cfg(test)]
mod tests;
