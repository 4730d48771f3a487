//! GIF87a and GIF89a, still and animated: walk the header, the logical screen descriptor, the
//! colour tables, the image descriptors with their LZW data and the extensions, copy what
//! draws the picture and leave out the rest, and cut at the trailer (GIF89a §§ 17–27).
//!
//! What stays and what goes follows SPEC.md § GIF; the details it leaves open:
//! - A graphic control extension is written in its standard form, `21 F9 04` + its 4 data
//!   bytes + `00`: a longer first sub-block or extra sub-blocks could hide text. One whose
//!   first sub-block holds fewer than 4 bytes is [`Error::Malformed`]: decoders disagree on
//!   what it means, so no equivalent can be written.
//! - A NETSCAPE2.0 / ANIMEXTS1.0 extension keeps only its loop sub-block (id 1, written as
//!   `03 01 lo hi`); every other sub-block, such as the buffering one (id 2), goes. Without a
//!   loop sub-block the extension goes whole.
//! - Plain-text extensions go, but not a graphic control extension before one: decoders that
//!   skip plain text (browsers, Pillow, giflib) apply it to the next image, so removing it
//!   would change how that image shows.
//! - With [`Keep::ICC`] the `ICCRGBG1012` application extension (ICC.1 Annex B) stays
//!   verbatim. No other `Keep` flag applies to GIF.
//! - A byte that introduces no known block (not `!`, `,` or `;`) is [`Error::Malformed`]:
//!   browsers stop there while Pillow skips ahead to later frames, so any output would show
//!   someone different pixels than the input did.
//! - An input that ends before its trailer keeps every complete block, leaves out the one
//!   the input ends inside ([`Report::truncated`]), and gets the trailer `3B` when the bytes
//!   removed leave room for it, so the output never grows (as for a JPEG without EOI; the
//!   input had no trailer either, so decoders read both alike). When no image is complete
//!   there is nothing to show, and the result is [`Error::Truncated`]. Either way the output
//!   strips to itself.
//! - Limits: the logical screen is checked with `check_canvas` as soon as it is read, and so
//!   is each image's own size (a frame may be larger than the screen, and decoders such as
//!   Pillow grow the canvas to fit it). Frames are counted at each image separator, before
//!   the image is read: frame `max_gif_frames + 1`, or the frame that takes screen width ×
//!   height × frames past `max_animation_pixels`, stops the walk there.

use crate::error::Error;
use crate::format::Format;
use crate::options::{Keep, Options};
use crate::out;
use crate::reader::Reader;
use crate::report::Verdict;
use crate::report::{Kinds, Report};
use crate::sink::Sink;
use crate::work;

/// Block introducers (GIF89a §§ 20, 23, 27).
const EXTENSION: u8 = 0x21;
const IMAGE: u8 = 0x2C;
const TRAILER: u8 = 0x3B;

/// Extension labels (GIF89a §§ 23–26).
const PLAIN_TEXT: u8 = 0x01;
const GRAPHIC_CONTROL: u8 = 0xF9;
const COMMENT: u8 = 0xFE;
const APPLICATION: u8 = 0xFF;

/// What an extension holds, told from its label and, for application extensions, from the
/// 11-byte identifier and authentication code in its first sub-block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ext {
    GraphicControl,
    PlainText,
    Comment,
    /// NETSCAPE2.0 or ANIMEXTS1.0: the loop count.
    Loop,
    /// `ICCRGBG1012`, the ICC profile.
    Icc,
    /// `XMP DataXMP`.
    Xmp,
    /// ImageMagick's `MGK8BIM0000` (Photoshop resources) and `MGKIPTC0000`.
    Iptc,
    /// Any other application extension (`ImageMagick`, `C2PA_GIF`, unknown ones).
    OtherApplication,
    /// A label GIF89a does not define.
    Unknown,
}

fn classify(label: u8, first: &[u8]) -> Ext {
    match label {
        GRAPHIC_CONTROL => Ext::GraphicControl,
        PLAIN_TEXT => Ext::PlainText,
        COMMENT => Ext::Comment,
        APPLICATION => match first {
            b"NETSCAPE2.0" | b"ANIMEXTS1.0" => Ext::Loop,
            b"ICCRGBG1012" => Ext::Icc,
            b"XMP DataXMP" => Ext::Xmp,
            b"MGK8BIM0000" | b"MGKIPTC0000" => Ext::Iptc,
            _ if first.starts_with(b"ICCRGBG1") => Ext::Icc,
            _ => Ext::OtherApplication,
        },
        _ => Ext::Unknown,
    }
}

/// The policy of SPEC.md § GIF for extensions. The header, logical screen descriptor,
/// colour tables and images (descriptor and LZW data) are always kept.
fn verdict(ext: Ext, first: &[u8], keep: Keep) -> Verdict {
    match ext {
        // Written in their standard form: only the fields decoders read.
        Ext::GraphicControl | Ext::Loop => Verdict::Rewrite,
        Ext::Icc if keep.contains(Keep::ICC) && first == b"ICCRGBG1012" => Verdict::Keep,
        Ext::Icc => Verdict::Drop(Kinds::ICC),
        Ext::Xmp => Verdict::Drop(Kinds::XMP),
        Ext::Iptc => Verdict::Drop(Kinds::IPTC),
        Ext::Comment => Verdict::Drop(Kinds::COMMENT),
        Ext::PlainText => Verdict::Drop(Kinds::TEXT),
        Ext::OtherApplication | Ext::Unknown => Verdict::Drop(Kinds::OTHER),
    }
}

/// One extension: `21 label` then data sub-blocks up to the `00` terminator.
struct Extension<'a> {
    ext: Ext,
    /// The first data sub-block (empty when there is none).
    first: &'a [u8],
    /// The whole extension, introducer to terminator.
    raw: &'a [u8],
    /// The sub-block chain after the label, terminator included.
    chain: &'a [u8],
    offset: usize,
}

pub(crate) fn strip(input: &[u8], opts: &Options, out: &mut impl Sink) -> Result<Report, Error> {
    let mut r = Reader::new(input, Format::Gif);
    let mut report = Report::new(Format::Gif);
    report.frames = 0;
    out.extend_from_slice(read_screen(&mut r, opts, &mut report)?);
    loop {
        let at = r.pos();
        let Ok(introducer) = r.u8() else {
            return finish_truncated(r.truncated(1), r.end(), report, out);
        };
        let step = match introducer {
            TRAILER => {
                out.push(TRAILER);
                report.trailer(r.remaining());
                return Ok(report);
            }
            IMAGE => {
                // Counted before the image is read: frame max + 1 is never walked.
                let seen = report.frames.saturating_add(1);
                let (width, height) = (report.width, report.height);
                opts.limits
                    .check_frames(Format::Gif, at, width, height, seen)?;
                read_image(&mut r, at, opts).map(|raw| {
                    out::copy(out, raw);
                    report.frames = seen;
                })
            }
            EXTENSION => read_extension(&mut r, at)
                .and_then(|ext| copy_extension(&ext, opts.keep, &mut report, out)),
            other => {
                return Err(r.malformed_at(at, format!("unknown block introducer 0x{other:02X}")))
            }
        };
        match step {
            Err(e @ Error::Truncated { .. }) => return finish_truncated(e, r.end(), report, out),
            other => other?,
        }
    }
}

/// Header, logical screen descriptor and global colour table (GIF89a §§ 17–19), checked
/// against the limits and returned for copying.
fn read_screen<'a>(
    r: &mut Reader<'a>,
    opts: &Options,
    report: &mut Report,
) -> Result<&'a [u8], Error> {
    r.skip(6)?; // `GIF87a` / `GIF89a`, checked by detect
    let at = r.pos();
    let (width, height) = (r.u16_le()?, r.u16_le()?);
    opts.limits
        .check_canvas(Format::Gif, at, width.into(), height.into())?;
    report.width = width.into();
    report.height = height.into();
    let packed = r.u8()?;
    r.skip(2)?; // background colour index, pixel aspect ratio
    r.skip(colour_table_len(packed))?;
    r.at(0).bytes(r.pos())
}

/// Bytes in the colour table a packed field announces: 3 × 2^(size + 1) when its top bit is
/// set (GIF89a §§ 18, 20), none otherwise.
fn colour_table_len(packed: u8) -> usize {
    if packed & 0x80 == 0 {
        return 0;
    }
    6_usize.checked_shl(u32::from(packed & 0x07)).unwrap_or(0)
}

/// An image whose separator is at `at`: descriptor, local colour table, LZW minimum code
/// size and data sub-blocks (GIF89a §§ 20–22), returned whole for copying verbatim.
fn read_image<'a>(r: &mut Reader<'a>, at: usize, opts: &Options) -> Result<&'a [u8], Error> {
    r.skip(4)?; // left, top
    let size_at = r.pos();
    let (width, height) = (r.u16_le()?, r.u16_le()?);
    opts.limits
        .check_canvas(Format::Gif, size_at, width.into(), height.into())?;
    let packed = r.u8()?;
    r.skip(colour_table_len(packed))?;
    r.skip(1)?; // LZW minimum code size, copied as it is
    skip_sub_blocks(r)?;
    r.at(at).bytes(r.pos().saturating_sub(at))
}

/// An extension whose introducer is at `at`; the whole sub-block chain is walked.
fn read_extension<'a>(r: &mut Reader<'a>, at: usize) -> Result<Extension<'a>, Error> {
    let label = r.u8()?;
    let chain_at = r.pos();
    let first = next_sub_block(r)?;
    if first.is_some() {
        skip_sub_blocks(r)?;
    }
    let first = first.unwrap_or_default();
    Ok(Extension {
        ext: classify(label, first),
        first,
        raw: r.at(at).bytes(r.pos().saturating_sub(at))?,
        chain: r.at(chain_at).bytes(r.pos().saturating_sub(chain_at))?,
        offset: at,
    })
}

/// The next data sub-block, or `None` at the terminator (GIF89a §§ 15, 16).
fn next_sub_block<'a>(r: &mut Reader<'a>) -> Result<Option<&'a [u8]>, Error> {
    match r.u8()? {
        0 => Ok(None),
        len => r.bytes(usize::from(len)).map(Some),
    }
}

/// Skips data sub-blocks up to and including the terminator, no allocation. (XMP's raw
/// packet is read as sub-blocks too; its 257-byte "magic trailer" makes every such reading
/// land on the terminator.)
fn skip_sub_blocks(r: &mut Reader<'_>) -> Result<(), Error> {
    loop {
        r.skip(full_sub_blocks(r.rest()))?;
        if next_sub_block(r)?.is_none() {
            return Ok(());
        }
    }
}

/// Bytes taken by the run of complete 255-byte sub-blocks at the start of `data`.
///
/// Encoders write image data as such sub-blocks, all but the last. A step of the general
/// walk reads a length byte to find the next one, so each waits for the load before it;
/// here the next length byte is always 256 bytes on, so the processor reads ahead while it
/// checks, and a frame's chain is walked several times faster.
fn full_sub_blocks(data: &[u8]) -> usize {
    let mut at = 0usize;
    while data.get(at) == Some(&255) {
        work::add(0); // one length byte tested; the caller's skip counts the bytes
        match at.checked_add(256) {
            Some(next) if next <= data.len() => at = next,
            _ => break,
        }
    }
    at
}

/// The data sub-blocks of a chain already walked by [`read_extension`].
fn sub_blocks(chain: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = chain;
    std::iter::from_fn(move || {
        let (&len, tail) = rest.split_first()?;
        work::add(usize::from(len));
        let block = tail.get(..usize::from(len)).filter(|b| !b.is_empty())?;
        rest = tail.get(usize::from(len)..)?;
        Some(block)
    })
}

fn copy_extension(
    ext: &Extension<'_>,
    keep: Keep,
    report: &mut Report,
    out: &mut impl Sink,
) -> Result<(), Error> {
    match verdict(ext.ext, ext.first, keep) {
        Verdict::Keep => out::copy(out, ext.raw),
        Verdict::Drop(kind) => report.removed(kind),
        Verdict::Rewrite => {
            let written = rewrite(ext, out)?;
            if written < ext.raw.len() {
                report.removed(Kinds::OTHER);
            }
        }
    }
    Ok(())
}

/// Writes the standard form of a graphic control or loop extension; returns its length.
fn rewrite(ext: &Extension<'_>, out: &mut impl Sink) -> Result<usize, Error> {
    match ext.ext {
        Ext::GraphicControl => {
            // Packed fields, delay time (2), transparent colour index (GIF89a § 23).
            let Some(fields) = ext.first.get(..4) else {
                return Err(Error::Malformed {
                    format: Format::Gif,
                    offset: ext.offset.saturating_add(2),
                    what: "graphic control extension shorter than 4 bytes".into(),
                });
            };
            out.extend_from_slice(&[EXTENSION, GRAPHIC_CONTROL, 4]);
            out.extend_from_slice(fields);
            out.push(0);
            Ok(8)
        }
        _ => {
            // NETSCAPE2.0 sub-block 1: `01 lo hi`, the loop count; other ids carry nothing
            // a viewer needs.
            let looping = sub_blocks(ext.chain)
                .skip(1)
                .find(|b| b.first() == Some(&1));
            let Some(count) = looping.and_then(|b| b.get(1..3)) else {
                return Ok(0);
            };
            out.extend_from_slice(&[EXTENSION, APPLICATION, 11]);
            out.extend_from_slice(ext.first);
            out.extend_from_slice(&[3, 1]);
            out.extend_from_slice(count);
            out.push(0);
            Ok(19)
        }
    }
}

/// The input ended inside a block (or before the trailer): keep the complete blocks and close the file with the trailer when that keeps
/// the output no larger than the input. Without a complete image there is no picture to
/// keep.
fn finish_truncated(
    err: Error,
    end: usize,
    mut report: Report,
    out: &mut impl Sink,
) -> Result<Report, Error> {
    if report.frames == 0 {
        return Err(err);
    }
    if out.len() < end {
        out.push(TRAILER);
    }
    report.truncated = true;
    Ok(report)
}

#[cfg(test)]
mod tests;
