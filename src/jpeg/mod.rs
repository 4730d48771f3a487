//! JPEG (ITU T.81 / ISO 10918-1): walk the markers and every scan's entropy-coded data, copy
//! what is image, leave out what is metadata, and cut at the first EOI.
//!
//! A segment that is image stays only with the length and structure T.81 gives it, where T.81
//! puts it ([`fit`]): text hidden after a segment's defined fields, or in a segment a decoder
//! skips where it stands, does not ride along.

use crate::error::Error;
use crate::exif;
use crate::format::Format;
use crate::found;
use crate::options::{Keep, Options};
use crate::out;
use crate::reader::Reader;
use crate::report::Verdict;
use crate::report::{Found as HoldsFound, Kinds, Report};
use crate::sink::{DynSink, Sink, SliceSink};
use entropy::copy_entropy_data;
use fit::{fit, frame_len, has_differential_frame, length_error, Fit, Walk};
use gainmap::GainMap;
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
    /// A standard XMP packet.
    Xmp,
    /// A piece of an extended XMP packet (XMP part 3 § 1.1.3.1).
    XmpExtension,
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
        APP1 if starts(hdrgm::XMP_SIG) => Signature::Xmp,
        APP1 if starts(b"http://ns.adobe.com/xmp/extension/\0") => Signature::XmpExtension,
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
        (m, _) if is_coding_segment(m) => Verdict::Keep,
        (APP0, Signature::Jfif) | (APP14, Signature::Adobe) => Verdict::Rewrite,
        (APP0, Signature::Jfxx) => Verdict::Drop(Kinds::THUMBNAIL),
        (APP1, Signature::Exif) if keep.intersects(Keep::ORIENTATION | Keep::COPYRIGHT) => {
            Verdict::Rewrite
        }
        (APP1, Signature::Exif) => Verdict::Drop(Kinds::EXIF),
        (APP1, Signature::Xmp) if keep.contains(Keep::COPYRIGHT) => Verdict::Rewrite,
        (APP1, Signature::Xmp | Signature::XmpExtension) => Verdict::Drop(Kinds::XMP),
        (APP2, Signature::Icc) if keep.contains(Keep::ICC) => Verdict::Keep,
        (APP2, Signature::Icc) => Verdict::Drop(Kinds::ICC),
        (APP13, Signature::Photoshop) => Verdict::Drop(Kinds::IPTC),
        (COM, _) => Verdict::Drop(Kinds::COMMENT),
        // Other APPn, the reserved JPGn (C8, F0–F6, F9–FD) and RES markers: no decoder in
        // use needs them, and they can carry anything.
        _ => Verdict::Drop(Kinds::OTHER),
    }
}

/// The segments that code the image (frame headers, tables, scans, hierarchical and JPEG-LS
/// coding segments): kept, unless [`fit`] finds one out of place.
fn is_coding_segment(marker: u8) -> bool {
    matches!(
        marker,
        0xC0..=0xC7 | 0xC9..=0xCF | DQT | DRI | DNL | SOS | DHP | EXP | 0xF7 | 0xF8
    )
}

/// Strips a JPEG into `out`. Whatever the sink, the walk writes through a [`DynSink`], so the
/// walker is compiled once for all of them (every caller's sink type was one more copy of
/// it in the `.wasm`: wasm/README.md, "Size and speed").
pub(crate) fn strip(input: &[u8], opts: &Options, out: &mut impl Sink) -> Result<Report, Error> {
    strip_into_dyn(input, opts, &mut DynSink(out))
}

fn strip_into_dyn(input: &[u8], opts: &Options, out: &mut DynSink<'_>) -> Result<Report, Error> {
    let gain_map = if opts.keep.contains(Keep::GAIN_MAP) {
        find_gain_map(input, opts)
    } else {
        None
    };
    walk(input, opts, Role::Primary(gain_map.as_ref()), out)
}

/// Which image of a file a walk strips.
#[derive(Clone, Copy)]
enum Role<'g, 'a> {
    /// The file's image; with a gain map to keep, it gets the fresh XMP and MPF that point
    /// at it, and the stripped gain map follows its EOI.
    Primary(Option<&'g GainMap<'a>>),
    /// A gain map after its primary: stripped of everything (keep flags apply to the primary)
    /// and given back its gain-map metadata.
    GainMap(&'g GainMap<'a>),
}

/// The gain map to keep, when the primary declares one, every description of it agrees
/// ([`gainmap::find`]), and it strips whole. The gain map is stripped once here into a sink
/// that only counts, as the new MPF and XMP, written before the primary's frame header, give
/// its stripped length. The counting sink goes behind a [`DynSink`] too, as [`strip`]'s does.
fn find_gain_map<'a>(input: &'a [u8], opts: &Options) -> Option<GainMap<'a>> {
    let found = gainmap::find(input, opts.keep)?;
    let mut counter = SliceSink::new(&mut []);
    let report = walk(
        found.image,
        &gain_map_options(opts),
        Role::GainMap(&found),
        &mut DynSink(&mut counter),
    )
    .ok()?;
    if report.truncated {
        return None;
    }
    found.measured(counter.len())
}

/// A gain map keeps nothing of its own metadata but what [`GainMap`] writes back; the limits
/// are the file's.
fn gain_map_options(opts: &Options) -> Options {
    Options {
        keep: Keep::empty(),
        limits: opts.limits,
    }
}

fn walk(
    input: &[u8],
    opts: &Options,
    role: Role<'_, '_>,
    out: &mut impl Sink,
) -> Result<Report, Error> {
    let start = out.len();
    let mut r = Reader::new(input, Format::Jpeg);
    out.extend_from_slice(r.bytes(2)?); // SOI, checked by detect
    let mut report = Report::new(Format::Jpeg);
    let mut walk = Walk {
        no_credit_xmp: matches!(role, Role::Primary(Some(_))),
        headroom_exif: match role {
            Role::Primary(Some(gain_map)) => gain_map.primary_exif(),
            _ => None,
        },
        ..Walk::default()
    };
    // Where the fresh segments go: before the first coding segment the output keeps, which
    // is after SOI, JFIF, EXIF and ICC, where Ultra HDR writers put them (for the primary,
    // where its new MPF's TIFF header is). Only a segment that is written decides it, so
    // the place depends on the output alone and a second strip puts them in the same place:
    // a dropped reserved segment (JPGn, RES) or a misplaced table before a kept APPn once
    // made a second strip move them past that APPn (found by fuzzing).
    let mut fresh = Fresh {
        role,
        inserted: false,
        mpf_at: None,
    };
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
                return finish(&r, opts, role, (start, fresh.mpf_at), report, out);
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
                let at = found.offset;
                copy_segment(&seg, at, opts, &mut walk, &mut fresh, &mut report, out)?;
                if marker == SOS {
                    copy_entropy_data(&mut r, out);
                    walk.first_scan_ended = walk.scans_in_frame == 1;
                }
            }
        }
    }
}

/// The segments that describe a kept gain map, written once into the image a walk strips,
/// right before its first kept coding segment.
struct Fresh<'g, 'a> {
    role: Role<'g, 'a>,
    inserted: bool,
    /// For the primary, where its new MPF's TIFF header is.
    mpf_at: Option<usize>,
}

impl Fresh<'_, '_> {
    /// Writes the segments, the first time a coding segment is about to be written (a kept
    /// ICC profile, also kept whole, is not one).
    fn before_kept(&mut self, marker: u8, out: &mut impl Sink) {
        if !is_coding_segment(marker) || std::mem::replace(&mut self.inserted, true) {
            return;
        }
        self.mpf_at = match self.role {
            Role::Primary(None) => None,
            Role::Primary(Some(gain_map)) => Some(gain_map.write_primary_segments(out)),
            Role::GainMap(gain_map) => {
                gain_map.write_gain_map_segments(out);
                None
            }
        };
    }
}

/// After the EOI of an image written from `start`: a primary with a kept gain map gets its
/// MPF completed and the stripped gain map after it; every other byte after the EOI goes.
fn finish(
    r: &Reader<'_>,
    opts: &Options,
    role: Role<'_, '_>,
    (start, mpf_at): (usize, Option<usize>),
    mut report: Report,
    out: &mut impl Sink,
) -> Result<Report, Error> {
    let (Role::Primary(Some(gain_map)), Some(mpf_at)) = (role, mpf_at) else {
        report.trailer(r.remaining());
        report.found |= found::appended(r.rest());
        return Ok(report);
    };
    // A failed patch means the output is over 4 GiB or `out` is a slice already too small
    // for it: neither is an output anyone gets.
    let _patched = gain_map.patch_mpf(start, mpf_at, out);
    let own = walk(
        gain_map.image,
        &gain_map_options(opts),
        Role::GainMap(gain_map),
        out,
    )?;
    report.removed(own.removed);
    report.found |= own.found;
    if r.remaining() != gain_map.image.len() {
        // Other MPF images, vendor trailers, bytes between the images.
        report.removed(Kinds::TRAILER);
        let rest = r.rest();
        let gap = gain_map.at.saturating_sub(r.pos());
        let after = gap.saturating_add(gain_map.image.len());
        report.found |= found::appended(rest.get(..gap).unwrap_or_default())
            | found::appended(rest.get(after..).unwrap_or_default());
    }
    Ok(report)
}

fn copy_segment(
    seg: &Segment<'_>,
    offset: usize,
    opts: &Options,
    walk: &mut Walk,
    fresh: &mut Fresh<'_, '_>,
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
    report.found |= holds(seg.marker, sig, seg.body);
    // The first EXIF of a primary whose Apple gain map stays gives way to the fresh EXIF
    // holding its headroom, whatever the other keep flags.
    let verdict = if sig == Signature::Exif && walk.headroom_exif.is_some() {
        Verdict::Rewrite
    } else {
        verdict(seg.marker, sig, opts.keep)
    };
    match verdict {
        Verdict::Keep => match fit(seg, offset, walk)? {
            Fit::Whole => {
                fresh.before_kept(seg.marker, out);
                out::copy(out, seg.raw);
            }
            Fit::Cut(len) => {
                fresh.before_kept(seg.marker, out);
                if let Some(body) = seg.body.get(..len) {
                    write_segment(seg.marker, body, out);
                }
                report.removed(Kinds::OTHER);
            }
            Fit::Misplaced => report.removed(Kinds::OTHER),
        },
        Verdict::Drop(kind) => report.removed(kind),
        Verdict::Rewrite => rewrite(seg, sig, opts.keep, walk, report, out),
    }
    Ok(())
}

/// What a segment holds that a report names: read from the metadata segments a strip
/// removes or rewrites (a kept ICC profile or frame header holds none of it).
fn holds(marker: u8, sig: Signature, body: &[u8]) -> HoldsFound {
    match sig {
        Signature::Exif => found::exif(body),
        Signature::Xmp | Signature::XmpExtension => found::xmp(body),
        Signature::Photoshop => found::photoshop_irb(body),
        _ if marker == APP1 && body.starts_with(b"FLIR\0") => found::flir(body),
        Signature::Jfif if body.get(12..14).is_some_and(|t| t != [0, 0]) => HoldsFound::THUMBNAIL,
        Signature::Jfxx => HoldsFound::THUMBNAIL,
        _ if marker == COM => HoldsFound::COMMENT,
        _ => HoldsFound::empty(),
    }
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
    keep: Keep,
    walk: &mut Walk,
    report: &mut Report,
    out: &mut impl Sink,
) {
    let (written, kind) = match sig {
        Signature::Jfif => (rewrite_jfif(seg.body, out), Kinds::THUMBNAIL),
        Signature::Adobe => (rewrite_adobe(seg.body, out), Kinds::OTHER),
        Signature::Exif if walk.headroom_exif.is_some() => {
            let written = walk
                .headroom_exif
                .take()
                .map_or(0, |tiff| write_segment(APP1, tiff.with_exif_header(), out));
            walk.wrote_exif = written > 0;
            (written, Kinds::EXIF)
        }
        Signature::Exif if !walk.wrote_exif => {
            let written = write_exif(seg.body, keep, out);
            walk.wrote_exif = written > 0;
            (written, Kinds::EXIF)
        }
        Signature::Xmp if !walk.wrote_xmp => {
            let packet = seg.body.get(hdrgm::XMP_SIG.len()..).unwrap_or_default();
            let credit = found::xmp_credit(packet);
            let written = if walk.no_credit_xmp {
                0
            } else {
                write_credit_xmp(&credit, out)
            };
            if written == 0 && (!credit.is_empty() || found::credit::is_unreadable(packet)) {
                report.not_kept |= Keep::COPYRIGHT;
            }
            walk.wrote_xmp = written > 0;
            (written, Kinds::XMP)
        }
        Signature::Xmp => (0, Kinds::XMP),
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

/// For `Keep::ORIENTATION` and `Keep::COPYRIGHT`: an Exif APP1 holding only the minimal
/// IFD0 of what `body`'s EXIF had of the kept fields ([`exif::Ifd0`]), when it had any.
/// Returns the bytes written.
fn write_exif(body: &[u8], keep: Keep, out: &mut impl Sink) -> usize {
    let tiff = body.get(6..).unwrap_or_default();
    let kept = exif::Ifd0::read(
        tiff,
        keep.contains(Keep::ORIENTATION),
        keep.contains(Keep::COPYRIGHT),
    );
    let Some(tiff) = kept.tiff() else {
        return 0;
    };
    write_segment(APP1, tiff.with_exif_header(), out)
}

/// For `Keep::COPYRIGHT`: an XMP APP1 holding only the credit, when there is any. Returns
/// the bytes written (0 also for a packet too long for one segment).
fn write_credit_xmp(credit: &found::credit::XmpCredit, out: &mut impl Sink) -> usize {
    let Some(packet) = credit.packet() else {
        return 0;
    };
    let mut body = Vec::with_capacity(packet.len().saturating_add(hdrgm::XMP_SIG.len()));
    body.extend_from_slice(hdrgm::XMP_SIG);
    body.extend_from_slice(&packet);
    write_segment(APP1, &body, out)
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

pub(crate) mod apple;
#[cfg(test)]
mod apple_tests;
mod entropy;
mod fit;
mod gainmap;
#[cfg(test)]
mod gainmap_tests;
mod hdrgm;
mod segment;
#[cfg(test)]
mod tests;
