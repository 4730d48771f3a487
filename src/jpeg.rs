//! JPEG (ITU T.81 / ISO 10918-1): walk the markers and every scan's entropy-coded data, copy
//! what is image, leave out what is metadata, and cut at the first EOI.

use crate::exif;
use crate::out;
use crate::reader::Reader;
use crate::report::Verdict;
use crate::stripper::{Keep, Options};
use crate::{Error, Format, Kinds, Report};

const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const DNL: u8 = 0xDC;
const COM: u8 = 0xFE;
const APP0: u8 = 0xE0;
const APP1: u8 = 0xE1;
const APP2: u8 = 0xE2;
const APP13: u8 = 0xED;
const APP14: u8 = 0xEE;
const TEM: u8 = 0x01;

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
        // (DHP, EXP) and JPEG-LS (SOF55, LSE; T.87) coding segments.
        (0xC0..=0xC7 | 0xC9..=0xCF | 0xDB | 0xDD | DNL | SOS | 0xDE | 0xDF | 0xF7 | 0xF8, _) => {
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

/// One marker segment: `FF marker length body`.
struct Segment<'a> {
    marker: u8,
    raw: &'a [u8],
    body: &'a [u8],
}

/// Walker state that outlives one segment.
#[derive(Default)]
struct Walk {
    seen_sof: bool,
    seen_sos: bool,
    wrote_orientation: bool,
}

pub(crate) fn strip(input: &[u8], opts: &Options, out: &mut Vec<u8>) -> Result<Report, Error> {
    let mut r = Reader::new(input, Format::Jpeg);
    out.extend_from_slice(r.bytes(2)?); // SOI, checked by detect
    let mut report = Report::new(Format::Jpeg);
    let mut walk = Walk::default();
    loop {
        let Some(found) = next_marker(&mut r) else {
            return finish_truncated(&r, r.pos(), &walk, report, out);
        };
        let kind = if found.garbage {
            Kinds::OTHER
        } else {
            Kinds::empty()
        };
        report.removed(kind, found.skipped);
        match found.marker {
            EOI if walk.seen_sos => {
                out.extend_from_slice(&[0xFF, EOI]);
                report.trailer(r.remaining());
                return Ok(report);
            }
            EOI => return Err(r.malformed_at(found.offset, "EOI before the first scan")),
            SOI => return Err(r.malformed_at(found.offset, "second SOI marker")),
            // Standalone markers outside a scan mean nothing there.
            0xD0..=0xD7 | TEM => report.removed(Kinds::OTHER, 2),
            marker => {
                let seg = match read_segment(&mut r, marker, found.offset) {
                    Err(Error::Truncated { .. }) if walk.seen_sos => {
                        return finish_truncated(&r, found.offset, &walk, report, out);
                    }
                    other => other?,
                };
                copy_segment(&seg, found.offset, opts, &mut walk, &mut report, out)?;
                if marker == SOS {
                    copy_entropy_data(&mut r, out);
                }
            }
        }
    }
}

/// A marker found by [`next_marker`].
struct Found {
    marker: u8,
    /// Offset of the `FF` just before the marker byte.
    offset: usize,
    /// Bytes passed over before that `FF`: fill bytes and garbage.
    skipped: usize,
    /// Whether any of them were not fill bytes.
    garbage: bool,
}

/// Moves past fill bytes (T.81 B.1.1.2) and any garbage to the next marker. libjpeg skips
/// such garbage with a warning ("extraneous bytes before marker"), so it is not image data.
/// `None` at the end of the input.
fn next_marker(r: &mut Reader<'_>) -> Option<Found> {
    let rest = r.rest();
    let mut from = 0usize;
    loop {
        let ff = from.saturating_add(rest.get(from..)?.iter().position(|&b| b == 0xFF)?);
        let run = rest.get(ff..)?.iter().take_while(|&&b| b == 0xFF).count();
        let after = ff.saturating_add(run);
        match rest.get(after) {
            None => {
                r.skip(rest.len()).ok()?;
                return None;
            }
            Some(0x00) => from = after.saturating_add(1),
            Some(&marker) => {
                let skipped = after.saturating_sub(1);
                let offset = r.pos().saturating_add(skipped);
                r.skip(after.saturating_add(1)).ok()?;
                return Some(Found {
                    marker,
                    offset,
                    skipped,
                    garbage: ff > 0 || from > 0,
                });
            }
        }
    }
}

fn read_segment<'a>(r: &mut Reader<'a>, marker: u8, offset: usize) -> Result<Segment<'a>, Error> {
    let len_at = r.pos();
    let len = usize::from(r.u16_be()?);
    let body_len = len.checked_sub(2).ok_or_else(|| {
        r.malformed_at(
            len_at,
            format!("segment length {len} is shorter than its own header"),
        )
    })?;
    let body = r.bytes(body_len)?;
    let raw = r.at(offset).bytes(len.saturating_add(2))?;
    Ok(Segment { marker, raw, body })
}

fn copy_segment(
    seg: &Segment<'_>,
    offset: usize,
    opts: &Options,
    walk: &mut Walk,
    report: &mut Report,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    if is_sof(seg.marker) {
        read_frame_header(seg, offset, opts, walk, report)?;
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
    }
    let sig = signature(seg.marker, seg.body);
    match verdict(seg.marker, sig, opts.keep) {
        Verdict::Keep => out::copy(out, seg.raw),
        Verdict::Drop(kind) => report.removed(kind, seg.raw.len()),
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
        return Err(Error::Malformed {
            format: Format::Jpeg,
            offset: offset.saturating_add(2),
            what: "frame header shorter than 5 bytes".into(),
        });
    };
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
    out: &mut Vec<u8>,
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
        report.removed(kind, seg.raw.len().saturating_sub(written));
    }
}

/// A JFIF APP0 with its thumbnail sizes zeroed and the thumbnail left out. Returns the bytes
/// written (0 when the header is too short to be JFIF, and so is dropped).
fn rewrite_jfif(body: &[u8], out: &mut Vec<u8>) -> usize {
    let Some(Ok(mut header)) = body.get(..JFIF_BODY).map(<[u8; JFIF_BODY]>::try_from) else {
        return 0;
    };
    header[12] = 0;
    header[13] = 0;
    write_segment(APP0, &header, out)
}

/// An Adobe APP14 cut to its defined fields; 0 (dropped) when shorter than them.
fn rewrite_adobe(body: &[u8], out: &mut Vec<u8>) -> usize {
    body.get(..ADOBE_BODY)
        .map_or(0, |header| write_segment(APP14, header, out))
}

/// For `Keep::ORIENTATION`: an Exif APP1 holding only the Orientation of `body`'s EXIF, when
/// it has one other than 1. Returns the bytes written.
fn write_orientation(body: &[u8], out: &mut Vec<u8>) -> usize {
    let Some(orientation) = body.get(6..).and_then(exif::read_orientation) else {
        return 0;
    };
    let mut exif = [0u8; 32];
    exif[..6].copy_from_slice(b"Exif\0\0");
    exif[6..].copy_from_slice(&exif::orientation_tiff(orientation));
    write_segment(APP1, &exif, out)
}

/// Writes `FF marker length body` and returns its length (0 if `body` cannot fit a segment).
fn write_segment(marker: u8, body: &[u8], out: &mut Vec<u8>) -> usize {
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

/// Copies a scan's entropy-coded data (T.81 B.1.1.5): everything up to the `FF` that starts
/// a marker other than RSTn. Stuffed `FF 00` and RSTn stay in the data.
fn copy_entropy_data(r: &mut Reader<'_>, out: &mut Vec<u8>) {
    let len = copy_entropy(r.rest(), out, WINDOW);
    // The cursor stops at the marker's first FF (or at a dangling FF run at the very end).
    let _ = r.skip(len);
}

/// Bytes scanned before they are copied. The copy reads them again while they are still in
/// the L1 cache, so the input is read from memory once: scanning all the data and then
/// copying it read it twice (268 µs against 250 µs for the 4.4 MB bench JPEG). A copy is at most
/// `WINDOW + BLOCK - 1` bytes, under the 2112 bytes where glibc's `memmove` (2.33+, CPUs
/// with FSRM) switches from vector loops to `rep movsb`: with 8 KiB windows, one alignment
/// of input against output made the strip 6× slower on an AMD EPYC.
const WINDOW: usize = 2048 - BLOCK;

/// Appends the entropy-coded data at the start of `data` to `out`, scanning and copying
/// `window` bytes at a time, and returns its length.
fn copy_entropy(data: &[u8], out: &mut Vec<u8>, window: usize) -> usize {
    let mut copied = 0usize;
    let mut restarts = false;
    loop {
        let limit = copied.saturating_add(window);
        let (at, ended) = scan_entropy(data, copied, limit, &mut restarts);
        out::copy(out, data.get(copied..at).unwrap_or_default());
        if ended {
            return at;
        }
        copied = at;
    }
}

/// Length of the entropy-coded data at the start of `data`.
#[cfg(test)]
fn entropy_len(data: &[u8]) -> usize {
    scan_entropy(data, 0, usize::MAX, &mut false).0
}

/// Scans entropy-coded data from `from`, which is not inside a run of `FF`s. Returns
/// `(end, true)` when the data ends at `end` (the `FF` of a marker, or the end of `data`),
/// or `(at, false)` when the scan has passed `limit` at a position `at ≥ limit` from which
/// it can go on. `restarts` turns on at the first RSTn and stays on (see
/// [`skip_plain_blocks`]).
fn scan_entropy(data: &[u8], mut from: usize, limit: usize, restarts: &mut bool) -> (usize, bool) {
    loop {
        from = skip_plain_blocks(data, from, limit, *restarts);
        if from >= limit {
            return (from, false);
        }
        let Some(ff) = data
            .get(from..)
            .and_then(|d| d.iter().position(|&b| b == 0xFF))
        else {
            return (data.len(), true);
        };
        let ff = from.saturating_add(ff);
        let run = data
            .get(ff..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&b| b == 0xFF)
            .count();
        let after = ff.saturating_add(run);
        match data.get(after) {
            Some(0x00) => from = after.saturating_add(1),
            Some(0xD0..=0xD7) => {
                *restarts = true;
                from = after.saturating_add(1);
            }
            // A marker, or a run of FF cut off by the end of the input.
            _ => return (ff, true),
        }
    }
}

/// Block size of the fast scan: 64 bytes tested at once, plus one byte of look-ahead.
const BLOCK: usize = 64;

/// Moves `from` past whole 64-byte blocks without a marker, until it reaches `limit`. Most
/// entropy-coded data is such blocks; only blocks with a marker (or a run of `FF`s) fall back
/// to the byte-wise scan. Each block is tested in one branch-free pass the compiler
/// vectorises. Until the scan has met an RSTn the test lets only stuffing (`FF 00`) through,
/// which is the cheapest; once it has (`restarts`), RSTn (`FF D0`–`D7`) passes too, at some
/// cost per byte: an encoder that restarts every few MCUs (cameras, hardware encoders) puts
/// an RSTn in most blocks, and sending each such block to the byte-wise scan made those
/// files 9× slower to strip. Choosing the test per block instead costs a mispredicted branch
/// on every block with an RSTn, nearly as much.
fn skip_plain_blocks(data: &[u8], from: usize, limit: usize, restarts: bool) -> usize {
    let rest = data.get(from..).unwrap_or_default();
    // Whole blocks that have their look-ahead byte, and not (much) past `limit`.
    let span = rest
        .len()
        .saturating_sub(1)
        .min(limit.saturating_sub(from).saturating_add(BLOCK - 1));
    let heads = rest.get(..span).unwrap_or_default().chunks_exact(BLOCK);
    let nexts = rest.get(1..).unwrap_or_default().chunks_exact(BLOCK);
    let plain = heads
        .zip(nexts)
        .take_while(|(head, next)| {
            if restarts {
                no_marker(head, next)
            } else {
                only_stuffing(head, next)
            }
        })
        .count();
    from.saturating_add(plain.saturating_mul(BLOCK))
}

/// Whether every `FF` in `head` is followed (in `next`, the same bytes one later) by `00`.
fn only_stuffing(head: &[u8], next: &[u8]) -> bool {
    let after_ff = head
        .iter()
        .zip(next)
        .fold(0u8, |acc, (&b, &n)| acc | if b == 0xFF { n } else { 0 });
    after_ff == 0
}

/// Whether every `FF` in `head` is followed by `00` or `D0`–`D7` (RSTn).
fn no_marker(head: &[u8], next: &[u8]) -> bool {
    let markers = head.iter().zip(next).fold(0u8, |acc, (&b, &n)| {
        let after_ff = if b == 0xFF { n } else { 0 };
        acc | if after_ff & 0xF8 == 0xD0 { 0 } else { after_ff }
    });
    markers == 0
}

/// The input ended after the first scan began: keep what is there, leaving out the
/// unfinished segment that starts at `cut`, and close the image with EOI when that keeps the
/// output no larger than the input (the input had no EOI either, so a decoder reads the
/// output as it read the input). Before the first scan there is no image to keep.
fn finish_truncated(
    r: &Reader<'_>,
    cut: usize,
    walk: &Walk,
    mut report: Report,
    out: &mut Vec<u8>,
) -> Result<Report, Error> {
    if !walk.seen_sos {
        return Err(r.truncated(2));
    }
    report.removed(Kinds::empty(), r.end().saturating_sub(cut));
    if out.len().saturating_add(2) <= r.end() {
        out.extend_from_slice(&[0xFF, EOI]);
    }
    report.truncated = true;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Limit, Limits};

    fn seg(marker: u8, body: &[u8]) -> Vec<u8> {
        let mut v = vec![0xFF, marker];
        v.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
        v.extend_from_slice(body);
        v
    }

    fn sof(width: u16, height: u16) -> Vec<u8> {
        let mut b = vec![8];
        b.extend_from_slice(&height.to_be_bytes());
        b.extend_from_slice(&width.to_be_bytes());
        b.extend_from_slice(&[1, 1, 0x11, 0]);
        seg(0xC0, &b)
    }

    fn dqt() -> Vec<u8> {
        seg(0xDB, &[0; 65])
    }

    /// A scan header and entropy data with a stuffed FF 00 and a restart marker.
    fn scan(data: &[u8]) -> Vec<u8> {
        let mut v = seg(SOS, &[1, 1, 0x00, 0, 63, 0]);
        v.extend_from_slice(data);
        v
    }

    const ENTROPY: &[u8] = &[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0x00];

    /// SOI, `before`, DQT, SOF0 1×1, one scan, EOI.
    fn jpeg(before: &[&[u8]]) -> Vec<u8> {
        let mut v = vec![0xFF, SOI];
        for b in before {
            v.extend_from_slice(b);
        }
        v.extend(dqt());
        v.extend(sof(1, 1));
        v.extend(scan(ENTROPY));
        v.extend_from_slice(&[0xFF, EOI]);
        v
    }

    fn run(input: &[u8], keep: Keep, limits: Limits) -> Result<(Vec<u8>, Report), Error> {
        crate::stripper::run_walker(strip, input, keep, limits)
    }

    fn strip_default(input: &[u8]) -> (Vec<u8>, Report) {
        let (out, report) = run(input, Keep::empty(), Limits::default()).unwrap();
        let (again, _) = run(&out, Keep::empty(), Limits::default()).unwrap();
        assert_eq!(again, out, "not idempotent");
        assert!(out.len() <= input.len());
        (out, report)
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    fn exif_with_orientation(o: u16) -> Vec<u8> {
        let mut b = b"Exif\0\0".to_vec();
        b.extend_from_slice(&crate::exif::orientation_tiff(o));
        b.extend_from_slice(b"GPS-CANARY");
        b
    }

    #[test]
    fn drops_every_metadata_segment() {
        let units = [
            (seg(APP1, &exif_with_orientation(6)), Kinds::EXIF),
            (
                seg(APP1, b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>"),
                Kinds::XMP,
            ),
            (
                seg(APP1, b"http://ns.adobe.com/xmp/extension/\0GUIDGUID"),
                Kinds::XMP,
            ),
            (seg(APP2, b"ICC_PROFILE\0\x01\x01profile"), Kinds::ICC),
            (seg(APP2, b"MPF\0II*\0"), Kinds::OTHER),
            (seg(APP13, b"Photoshop 3.0\08BIM"), Kinds::IPTC),
            (seg(COM, b"a comment"), Kinds::COMMENT),
            (seg(APP0, b"JFXX\0\x10thumb"), Kinds::THUMBNAIL),
            (seg(APP0, b"AVI1\0\0"), Kinds::OTHER),
            (seg(0xE5, b"RMETA"), Kinds::OTHER),
            (seg(0xEF, b"anything"), Kinds::OTHER),
            (seg(APP14, b"NotAdobe"), Kinds::OTHER),
            (seg(0xF0, b"JPG0"), Kinds::OTHER),
        ];
        let clean = jpeg(&[]);
        for (unit, kind) in units {
            let (out, report) = strip_default(&jpeg(&[&unit]));
            assert_eq!(out, clean, "{kind:?}");
            assert_eq!(report.removed, kind);
            assert_eq!(report.bytes_removed, unit.len() as u64);
        }
    }

    #[test]
    fn keeps_image_segments_byte_exact() {
        let dht = seg(0xC4, &[0; 17]);
        let dri = seg(0xDD, &[0, 4]);
        let input = jpeg(&[&dht, &dri]);
        let (out, report) = strip_default(&input);
        assert_eq!(out, input);
        assert!(report.removed.is_empty());
        assert_eq!((report.width, report.height, report.frames), (1, 1, 1));
    }

    #[test]
    fn rewrites_jfif_without_thumbnail() {
        let mut body = b"JFIF\0\x01\x02\x01\0\x48\0\x48\x01\x01".to_vec();
        body.extend_from_slice(b"RGB");
        let (out, report) = strip_default(&jpeg(&[&seg(APP0, &body)]));
        let want = seg(APP0, b"JFIF\0\x01\x02\x01\0\x48\0\x48\0\0");
        assert_eq!(out, jpeg(&[&want]));
        assert_eq!(report.removed, Kinds::THUMBNAIL);
        // A JFIF too short to hold its fields is not JFIF and goes.
        let (out, _) = strip_default(&jpeg(&[&seg(APP0, b"JFIF\0\x01")]));
        assert_eq!(out, jpeg(&[]));
    }

    #[test]
    fn keeps_adobe_app14_cut_to_its_fields() {
        let adobe = b"Adobe\0\x64\0\0\0\0\x02";
        let mut long = adobe.to_vec();
        long.extend_from_slice(b"hidden");
        let (out, _) = strip_default(&jpeg(&[&seg(APP14, &long)]));
        assert_eq!(out, jpeg(&[&seg(APP14, adobe)]));
    }

    #[test]
    fn cuts_everything_after_the_first_eoi() {
        let mut input = jpeg(&[]);
        let clean = input.clone();
        input.extend(jpeg(&[&seg(APP1, &exif_with_orientation(3))]));
        input.extend_from_slice(b"trailer");
        let (out, report) = strip_default(&input);
        assert_eq!(out, clean);
        assert_eq!(report.removed, Kinds::TRAILER);
    }

    #[test]
    fn walks_every_scan_and_drops_segments_between_them() {
        let mut input = jpeg(&[]);
        input.truncate(input.len() - 2);
        let mut clean = input.clone();
        input.extend(seg(COM, b"between scans"));
        input.extend(seg(APP1, b"http://ns.adobe.com/xap/1.0/\0x"));
        for v in [&mut input, &mut clean] {
            v.extend(seg(0xC4, &[0; 17]));
            v.extend(scan(&[0xAB, 0xFF, 0xD7, 0xCD]));
            v.extend_from_slice(&[0xFF, EOI]);
        }
        let (out, report) = strip_default(&input);
        assert_eq!(out, clean);
        assert_eq!(report.removed, Kinds::COMMENT | Kinds::XMP);
    }

    #[test]
    fn drops_fill_bytes_and_garbage_between_segments() {
        let mut input = vec![0xFF, SOI, 0xFF, 0xFF, 0xFF];
        input.extend(dqt());
        input.extend_from_slice(b"?>");
        input.extend(sof(1, 1));
        input.extend_from_slice(&[0xFF, 0xFF]);
        input.extend(scan(ENTROPY));
        input.extend_from_slice(&[0xFF, 0xFF, 0xFF, EOI]);
        let (out, report) = strip_default(&input);
        assert_eq!(out, jpeg(&[]));
        assert_eq!(report.removed, Kinds::OTHER);
        assert_eq!(
            report.bytes_removed,
            3 + 2 + 2 + 2,
            "fill bytes and garbage"
        );
    }

    #[test]
    fn keeps_icc_chunks_in_order_with_keep_icc_but_not_mpf() {
        let icc1 = seg(APP2, b"ICC_PROFILE\0\x01\x02first");
        let icc2 = seg(APP2, b"ICC_PROFILE\0\x02\x02second");
        let mpf = seg(APP2, b"MPF\0MM\0*");
        let input = jpeg(&[&icc1, &mpf, &icc2]);
        let (out, _) = run(&input, Keep::ICC, Limits::default()).unwrap();
        assert_eq!(out, jpeg(&[&icc1, &icc2]));
    }

    #[test]
    fn keep_orientation_writes_a_minimal_exif() {
        let input = jpeg(&[&seg(APP1, &exif_with_orientation(6))]);
        let (out, report) = run(&input, Keep::ORIENTATION, Limits::default()).unwrap();
        assert!(!contains(&out, b"GPS-CANARY"));
        let mut minimal = b"Exif\0\0".to_vec();
        minimal.extend_from_slice(&crate::exif::orientation_tiff(6));
        assert_eq!(out, jpeg(&[&seg(APP1, &minimal)]));
        assert_eq!(report.removed, Kinds::EXIF);
        let (again, _) = run(&out, Keep::ORIENTATION, Limits::default()).unwrap();
        assert_eq!(again, out);
        // Orientation 1 needs no EXIF at all; a second EXIF segment never adds another.
        let input = jpeg(&[&seg(APP1, &exif_with_orientation(1))]);
        assert_eq!(
            run(&input, Keep::ORIENTATION, Limits::default()).unwrap().0,
            jpeg(&[])
        );
        let twice = seg(APP1, &exif_with_orientation(8));
        let (out, _) = run(
            &jpeg(&[&twice, &twice]),
            Keep::ORIENTATION,
            Limits::default(),
        )
        .unwrap();
        assert_eq!(out.len(), jpeg(&[]).len() + 4 + 32);
    }

    #[test]
    fn entropy_data_cut_short_is_closed_with_eoi() {
        let mut input = jpeg(&[&seg(COM, b"c")]);
        input.truncate(input.len() - 3); // inside the data, in a stuffed FF 00
        let (out, report) = strip_default(&input);
        assert!(report.truncated);
        assert!(out.ends_with(&[0x56, 0xFF, EOI]));
        // A dangling FF at the very end is not data.
        let mut input = jpeg(&[&seg(COM, b"c")]);
        input.truncate(input.len() - 1);
        let (out, _) = strip_default(&input);
        assert!(out.ends_with(&[0x56, 0xFF, 0x00, 0xFF, EOI]));
    }

    #[test]
    fn entropy_data_cut_short_never_grows() {
        // Nothing to remove but a dangling FF: no room for an EOI, so none is added.
        let mut input = jpeg(&[]);
        input.truncate(input.len() - 1);
        let (out, report) = strip_default(&input);
        assert!(report.truncated);
        assert_eq!(out, input[..input.len() - 1]);
    }

    #[test]
    fn truncated_before_sos_is_error_at_offset() {
        let input = jpeg(&[&seg(APP1, &exif_with_orientation(6))]);
        let cut = 2 + 4 + 10;
        assert_eq!(
            run(&input[..cut], Keep::empty(), Limits::default()).unwrap_err(),
            Error::Truncated {
                format: Format::Jpeg,
                offset: 6,
                needed: 42 - 10
            }
        );
        assert_eq!(
            run(&[0xFF, SOI], Keep::empty(), Limits::default()).unwrap_err(),
            Error::Truncated {
                format: Format::Jpeg,
                offset: 2,
                needed: 2
            }
        );
    }

    #[test]
    fn segment_length_below_two_is_malformed_at_its_offset() {
        let input = [0xFF, SOI, 0xFF, APP1, 0x00, 0x01, 0xFF, EOI];
        let err = run(&input, Keep::empty(), Limits::default()).unwrap_err();
        assert_eq!(err.offset(), 4);
        assert_eq!(
            err.to_string(),
            "malformed JPEG at byte 4: segment length 1 is shorter than its own header"
        );
    }

    #[test]
    fn short_frame_header_is_malformed_at_its_length_field() {
        // An empty SOF2 at the very end: the size fields it lacks would lie past the input.
        let input = [0xFF, SOI, 0xFF, 0xC2, 0x00, 0x02];
        assert_eq!(
            run(&input, Keep::empty(), Limits::default()).unwrap_err(),
            Error::Malformed {
                format: Format::Jpeg,
                offset: 4,
                what: "frame header shorter than 5 bytes".into()
            }
        );
    }

    #[test]
    fn structure_errors_have_offsets() {
        let eoi_first = [0xFF, SOI, 0xFF, EOI];
        let err = run(&eoi_first, Keep::empty(), Limits::default()).unwrap_err();
        assert!(matches!(err, Error::Malformed { offset: 2, .. }));
        let mut scan_first = vec![0xFF, SOI];
        scan_first.extend(scan(ENTROPY));
        let err = run(&scan_first, Keep::empty(), Limits::default()).unwrap_err();
        assert!(matches!(err, Error::Malformed { offset: 2, .. }));
        let two_soi = [0xFF, SOI, 0xFF, SOI];
        assert!(matches!(
            run(&two_soi, Keep::empty(), Limits::default()),
            Err(Error::Malformed { offset: 2, .. })
        ));
        // Its length field (at 4) is what is wrong.
        let short_sof = [0xFF, SOI, 0xFF, 0xC0, 0x00, 0x04, 8, 0];
        assert!(matches!(
            run(&short_sof, Keep::empty(), Limits::default()),
            Err(Error::Malformed { offset: 4, .. })
        ));
    }

    #[test]
    fn frame_size_is_checked_against_limits_at_the_sof() {
        let mut input = vec![0xFF, SOI];
        input.extend(dqt());
        let sof_at = input.len();
        input.extend(sof(50_001, 1));
        input.extend(scan(ENTROPY));
        let err = run(&input, Keep::empty(), Limits::default()).unwrap_err();
        assert_eq!(
            err,
            Error::LimitExceeded {
                format: Format::Jpeg,
                offset: sof_at + 5,
                limit: Limit::Width,
                value: 50_001,
                max: 50_000
            }
        );
        assert!(run(&input, Keep::empty(), Limits::none()).is_ok());
    }

    #[test]
    fn verdict_mirrors_the_spec_table() {
        use Signature as S;
        let none = Keep::empty();
        for m in [
            0xC0, 0xC1, 0xC2, 0xC3, 0xC9, 0xCF, 0xC4, 0xCC, 0xDB, 0xDD, DNL, SOS, 0xF7,
        ] {
            assert_eq!(verdict(m, S::Unknown, none), Verdict::Keep, "{m:#x}");
        }
        assert_eq!(verdict(APP0, S::Jfif, none), Verdict::Rewrite);
        assert_eq!(verdict(APP14, S::Adobe, none), Verdict::Rewrite);
        assert_eq!(verdict(APP2, S::Icc, Keep::ICC), Verdict::Keep);
        assert_eq!(
            verdict(APP2, S::Unknown, Keep::ICC),
            Verdict::Drop(Kinds::OTHER)
        );
        assert_eq!(verdict(APP1, S::Exif, Keep::ORIENTATION), Verdict::Rewrite);
        assert_eq!(
            verdict(APP1, S::Exif, Keep::ICC),
            Verdict::Drop(Kinds::EXIF)
        );
        for m in 0xE0..=0xEF {
            assert!(
                matches!(verdict(m, S::Unknown, Keep::all()), Verdict::Drop(_)),
                "{m:#x}"
            );
        }
    }

    /// The byte-at-a-time definition the block scan must agree with.
    fn entropy_len_bytewise(data: &[u8]) -> usize {
        let mut i = 0;
        while i < data.len() {
            if data[i] == 0xFF {
                let mut j = i;
                while j < data.len() && data[j] == 0xFF {
                    j += 1;
                }
                match data.get(j) {
                    Some(0x00 | 0xD0..=0xD7) => i = j + 1,
                    _ => return i,
                }
            } else {
                i += 1;
            }
        }
        data.len()
    }

    #[test]
    fn block_scan_agrees_with_bytewise_scan_at_every_position() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut data: Vec<u8> = (0..300)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        // Stuff every FF, as an encoder does.
        data = data
            .into_iter()
            .flat_map(|b| if b == 0xFF { vec![0xFF, 0x00] } else { vec![b] })
            .collect();
        assert_eq!(entropy_len(&data), data.len());
        check_every_insertion(&data, 0);
        // Without an RSTn first the blocks let only stuffing through; after one, RSTn too:
        // markers whose bits all lie in `D7` (`C0`, `C4`, `01`) must still end the data when
        // they share a block with RSTn.
        let mut restarts = vec![0x12, 0xFF, 0xD5];
        for (i, chunk) in data.chunks(20).enumerate() {
            restarts.extend_from_slice(chunk);
            restarts.extend_from_slice(&[0xFF, 0xD0 | (i % 8) as u8]);
        }
        assert_eq!(entropy_len(&restarts), restarts.len());
        check_every_insertion(&restarts, 3);
    }

    fn check_every_insertion(data: &[u8], from: usize) {
        for at in from..data.len() {
            for inserted in [
                &[0xFF, 0xD9][..],
                &[0xFF, 0xD3],
                &[0xFF, 0xFF, 0xC4],
                &[0xFF, 0xC4],
                &[0xFF, 0xC0],
                &[0xFF, 0x01],
                &[0xFF, 0xFF, 0x00],
                &[0xFF, 0xFF, 0xD0],
                &[0xFF],
            ] {
                let mut d = data.to_vec();
                d.splice(at..at, inserted.iter().copied());
                let want = entropy_len_bytewise(&d);
                assert_eq!(entropy_len(&d), want, "{inserted:x?} at {at}");
                // Scanned and copied a window at a time, with windows that end anywhere
                // relative to the 64-byte blocks, stuffing and markers.
                for window in [1, 2, 63, 64, 65, 100, 128, WINDOW] {
                    let mut out = vec![0xAA];
                    assert_eq!(
                        copy_entropy(&d, &mut out, window),
                        want,
                        "{inserted:x?} at {at}, window {window}"
                    );
                    assert_eq!(
                        out[1..],
                        d[..want],
                        "{inserted:x?} at {at}, window {window}"
                    );
                }
            }
        }
    }

    #[test]
    fn restart_dense_data_is_copied_whole_and_ends_at_the_marker() {
        // An RSTn every 7 bytes, so that every block holds several.
        let mut data = Vec::new();
        for i in 0..2000u32 {
            data.extend_from_slice(&[0x11, 0xFF, 0x00, 0x22, 0x33, 0xFF, 0xD0 | (i % 8) as u8]);
        }
        let end = data.len();
        data.extend_from_slice(&[0xFF, 0xD9, 0xAB]);
        assert_eq!(entropy_len(&data), end);
        let mut out = Vec::new();
        assert_eq!(copy_entropy(&data, &mut out, WINDOW), end);
        assert_eq!(out, data[..end]);
    }

    #[test]
    fn every_prefix_gives_ok_or_a_typed_error() {
        let mut input = jpeg(&[&seg(APP1, &exif_with_orientation(6)), &seg(COM, b"x")]);
        input.extend_from_slice(b"tail");
        for keep in [Keep::empty(), Keep::all()] {
            for n in 0..input.len() {
                let _ = run(&input[..n], keep, Limits::default());
            }
        }
    }
}
