//! JPEG XL (ISO/IEC 18181-2, the container; 18181-1 § A.3, the codestream's size header):
//! walk the boxes, copy the picture's, leave out the metadata ones.
//!
//! A container file is a sequence of ISO BMFF-style boxes: a 32-bit big-endian size (0: the
//! box runs to the end of the file; 1: a 64-bit size follows the type), a four-character
//! type, the body. It opens with the signature box `JXL ` (`0D 0A 87 0A`) and `ftyp`; the
//! codestream is one `jxlc` box or a run of `jxlp` boxes (each a 32-bit index, its top bit
//! set on the last, then a piece of the codestream). A bare codestream starts `FF 0A` and
//! carries no container metadata: it comes back unchanged.
//!
//! What stays: `JXL `, `ftyp`, `jxll` (the level), the codestream (`jxlc`, or every `jxlp`
//! byte for byte in file order), `jxli` (a frame index: its offsets count in the codestream,
//! which no strip changes, so it stays correct), and under [`Keep::GAIN_MAP`] `jhgm` (a gain
//! map, libjxl 0.11). What goes: `Exif`, `xml ` (XMP), `jumb` (JUMBF, C2PA), `brob` (a
//! Brotli-compressed box, whatever it holds), `jbrd` (the data that rebuilds an original JPEG
//! byte for byte, that JPEG's APPn segments and comments included), `free`, `skip`, `jhgm`
//! without the flag, and every unknown box.
//!
//! The ICC profile and the orientation live inside the codestream's entropy-coded image
//! header, so they stay whatever the keep flags say: [`Keep::ICC`] and
//! [`Keep::ORIENTATION`] change nothing, and an `Exif` box's Orientation, which decoders
//! ignore for JPEG XL (the codestream's wins), goes. [`Keep::COPYRIGHT`] keeps nothing here
//! ([`Report::not_kept`](crate::Report::not_kept) says so when the input named a person).
//!
//! Decisions where the specification is silent:
//! - `jxlp` boxes must come with indices 0, 1, 2, … and only the last may set the top bit
//!   (libjxl refuses other orders); a file with both `jxlc` and `jxlp`, or with a codestream
//!   box after the last `jxlp`, is [`Error::Malformed`], as one without a codestream is.
//! - The image size is read from the codestream's size header (checked against the
//!   limits); the frame count of an animation is not in any header (it takes decoding every
//!   frame header), so an animation is counted as one frame.
//! - A box running past the input is [`Error::Truncated`]; a size smaller than its own
//!   header, or a size-0 box with nothing after it being allowed, is [`Error::Malformed`].

use crate::error::Error;
use crate::format::Format;
use crate::found;
use crate::options::{Keep, Options};
use crate::out;
use crate::reader::Reader;
use crate::report::{Found, Kinds, Report, Verdict};
use crate::sink::Sink;

/// The bare codestream's signature (18181-1 § 9.1).
pub(crate) const CODESTREAM_SIGNATURE: [u8; 2] = [0xFF, 0x0A];
/// The top bit of a `jxlp` index: this is the last piece of the codestream.
const LAST_PART: u32 = 1 << 31;
/// Codestream bytes gathered before the size header is read: it is at most 2 + 76 bits.
const HEAD: usize = 16;

/// One box: its type, the whole box as it stands in the input, its body, and its offset.
struct JxlBox<'a> {
    kind: [u8; 4],
    raw: &'a [u8],
    body: &'a [u8],
    offset: usize,
}

/// The policy of SPEC.md § JPEG XL, one box type at a time.
fn verdict(kind: [u8; 4], keep: Keep) -> Verdict {
    match &kind {
        b"JXL " | b"ftyp" | b"jxll" | b"jxlc" | b"jxlp" | b"jxli" => Verdict::Keep,
        b"jhgm" if keep.contains(Keep::GAIN_MAP) => Verdict::Keep,
        b"Exif" => Verdict::Drop(Kinds::EXIF),
        b"xml " => Verdict::Drop(Kinds::XMP),
        // `brob` (any inner type), `jumb`, `jbrd`, `jhgm`, `free`, `skip`, unknown boxes.
        _ => Verdict::Drop(Kinds::OTHER),
    }
}

/// What a box that goes holds, for [`Report::found`]: an `Exif` box's EXIF (after its
/// 4-byte offset to the TIFF header), an `xml ` box's XMP, a gain map or a JPEG's
/// reconstruction data as embedded media. Brotli-compressed boxes are not decompressed.
fn holds(b: &JxlBox<'_>) -> Found {
    match &b.kind {
        b"Exif" => found::exif(exif_tiff(b.body)),
        b"xml " => found::xmp(b.body),
        b"jhgm" => Found::EMBEDDED_MEDIA,
        _ => Found::empty(),
    }
}

/// The TIFF of an `Exif` box: after the 4-byte offset of the TIFF header from the end of
/// that field (18181-2 § 9.3), or the rest when the offset points outside.
fn exif_tiff(body: &[u8]) -> &[u8] {
    let rest = body.get(4..).unwrap_or_default();
    let offset = body
        .first_chunk::<4>()
        .map(|b| u32::from_be_bytes(*b))
        .and_then(|n| usize::try_from(n).ok());
    offset.and_then(|n| rest.get(n..)).unwrap_or(rest)
}

/// What the walk has seen of the codestream.
#[derive(Default)]
struct Walk {
    /// A `jxlc` box was kept.
    whole: bool,
    /// How many `jxlp` boxes were kept, and whether the last one has been seen.
    parts: u32,
    last_part: bool,
    /// The first codestream bytes, for the size header.
    head: [u8; HEAD],
    head_len: usize,
    /// Where the codestream starts in the input (for errors about its header).
    head_at: Option<usize>,
    /// The size header has been read and checked.
    sized: bool,
    /// A `jxli` box was kept.
    index: bool,
}

pub(crate) fn strip(input: &[u8], opts: &Options, out: &mut impl Sink) -> Result<Report, Error> {
    let mut report = Report::new(Format::Jxl);
    if input.starts_with(&CODESTREAM_SIGNATURE) {
        let (width, height) =
            size_header(input).ok_or_else(|| Reader::new(input, Format::Jxl).truncated(1))?;
        check_size(opts, 0, width, height, &mut report)?;
        out::copy(out, input);
        return Ok(report);
    }
    let mut r = Reader::new(input, Format::Jxl);
    let mut walk = Walk::default();
    let mut boxes = 0usize;
    while r.remaining() > 0 {
        let b = next_box(&mut r)?;
        check_order(&b, boxes, &r)?;
        boxes = boxes.saturating_add(1);
        match verdict(b.kind, opts.keep) {
            Verdict::Keep => {
                if keep_box(&b, &mut walk, &r)? {
                    out::copy(out, b.raw);
                } else {
                    report.removed(Kinds::OTHER);
                }
            }
            Verdict::Drop(kind) => {
                report.found |= holds(&b);
                report.removed(kind);
            }
            Verdict::Rewrite => {}
        }
        if !walk.sized && walk.head_len == HEAD {
            read_size(&walk, opts, &r, &mut report)?;
            walk.sized = true;
        }
    }
    if !walk.whole && walk.parts == 0 {
        return Err(r.malformed("no codestream (jxlc or jxlp box) in the container"));
    }
    if !walk.sized {
        read_size(&walk, opts, &r, &mut report)?;
    }
    Ok(report)
}

/// Reads the next box header and body.
fn next_box<'a>(r: &mut Reader<'a>) -> Result<JxlBox<'a>, Error> {
    let offset = r.pos();
    let start = r.rest();
    let size = r.u32_be()?;
    let kind = r.array::<4>()?;
    let (header, size) = match size {
        0 => (8, None),
        1 => (16, Some(r.u64_be()?)),
        n => (8, Some(u64::from(n))),
    };
    let len = match size {
        None => r.remaining(),
        Some(size) => {
            let size = usize::try_from(size).unwrap_or(usize::MAX);
            let Some(len) = size.checked_sub(header) else {
                return Err(r.malformed_at(
                    offset,
                    format!("box size {size} is smaller than its {header}-byte header"),
                ));
            };
            len
        }
    };
    let body = r.bytes(len)?;
    let whole = header.saturating_add(len);
    Ok(JxlBox {
        kind,
        raw: start.get(..whole).unwrap_or_default(),
        body,
        offset,
    })
}

/// The container's frame: the signature box first (as `detect` found it), `ftyp` second.
fn check_order(b: &JxlBox<'_>, index: usize, r: &Reader<'_>) -> Result<(), Error> {
    match (index, &b.kind) {
        (0, b"JXL ") | (1, b"ftyp") => Ok(()),
        (0, _) => Err(r.malformed_at(b.offset, "the first box is not the JXL signature box")),
        (1, _) => Err(r.malformed_at(b.offset, "the second box is not ftyp")),
        (_, b"JXL " | b"ftyp") => Err(r.malformed_at(b.offset, "a second signature or ftyp box")),
        _ => Ok(()),
    }
}

/// Checks a codestream or index box and records it; false when a kept type must go all the
/// same (a second `jxli`).
fn keep_box(b: &JxlBox<'_>, walk: &mut Walk, r: &Reader<'_>) -> Result<bool, Error> {
    match &b.kind {
        b"jxlc" => {
            if walk.whole || walk.parts > 0 {
                return Err(r.malformed_at(b.offset, "a jxlc box beside another codestream box"));
            }
            walk.whole = true;
            gather(walk, b.body, b.offset);
        }
        b"jxlp" => {
            let header = b.body.first_chunk::<4>().map(|h| u32::from_be_bytes(*h));
            let Some(index) = header else {
                return Err(r.malformed_at(b.offset, "a jxlp box shorter than its index"));
            };
            if walk.whole || walk.last_part {
                return Err(r.malformed_at(b.offset, "a jxlp box after the end of the codestream"));
            }
            if index & !LAST_PART != walk.parts {
                let what = format!(
                    "jxlp box with index {} where {} comes next",
                    index & !LAST_PART,
                    walk.parts
                );
                return Err(r.malformed_at(b.offset, what));
            }
            walk.parts = walk.parts.saturating_add(1);
            walk.last_part = index & LAST_PART != 0;
            gather(walk, b.body.get(4..).unwrap_or_default(), b.offset);
        }
        b"jxli" if walk.index => return Ok(false),
        b"jxli" => walk.index = true,
        _ => {}
    }
    Ok(true)
}

/// Adds the start of a codestream piece to the bytes the size header is read from.
fn gather(walk: &mut Walk, piece: &[u8], offset: usize) {
    walk.head_at.get_or_insert(offset);
    let room = HEAD.saturating_sub(walk.head_len);
    let take = piece.get(..room).unwrap_or(piece);
    let end = walk.head_len.saturating_add(take.len());
    if let Some(slot) = walk.head.get_mut(walk.head_len..end) {
        slot.copy_from_slice(take);
        walk.head_len = end;
    }
}

/// Reads the codestream's size header from the gathered bytes and checks it.
fn read_size(
    walk: &Walk,
    opts: &Options,
    r: &Reader<'_>,
    report: &mut Report,
) -> Result<(), Error> {
    let at = walk.head_at.unwrap_or(0);
    let head = walk.head.get(..walk.head_len).unwrap_or_default();
    if !head.starts_with(&CODESTREAM_SIGNATURE) {
        return Err(r.malformed_at(at, "the codestream does not start with FF 0A"));
    }
    let Some((width, height)) = size_header(head) else {
        return Err(r.malformed_at(at, "the codestream ends inside its size header"));
    };
    check_size(opts, at, width, height, report)
}

fn check_size(
    opts: &Options,
    offset: usize,
    width: u32,
    height: u32,
    report: &mut Report,
) -> Result<(), Error> {
    opts.limits
        .check_canvas(Format::Jxl, offset, width, height)?;
    report.width = width;
    report.height = height;
    report.frames = 1;
    Ok(())
}

/// A bit reader, least significant bit first (18181-1 § 4.4).
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Bits<'_> {
    fn read(&mut self, n: u32) -> Option<u64> {
        let mut value = 0u64;
        for i in 0..n {
            let byte = self.data.get(self.pos / 8)?;
            let bit = (byte >> (self.pos % 8)) & 1;
            value |= u64::from(bit) << i;
            self.pos = self.pos.saturating_add(1);
        }
        Some(value)
    }

    /// `U32(u(9), u(13), u(18), u(30))`: a 2-bit selector, then that many bits.
    fn size_u32(&mut self) -> Option<u64> {
        let bits = [9, 13, 18, 30];
        let selector = usize::try_from(self.read(2)?).ok()?;
        self.read(*bits.get(selector)?)
    }
}

/// Width and height from the size header after `FF 0A` (18181-1 § A.3.1, `SizeHeader`);
/// `None` when the bytes end first or a side does not fit 32 bits.
fn size_header(codestream: &[u8]) -> Option<(u32, u32)> {
    let mut b = Bits {
        data: codestream.get(2..)?,
        pos: 0,
    };
    let small = b.read(1)? == 1;
    let side = |b: &mut Bits<'_>| -> Option<u64> {
        if small {
            b.read(5)?.checked_add(1)?.checked_mul(8)
        } else {
            b.size_u32()?.checked_add(1)
        }
    };
    let height = side(&mut b)?;
    // The fixed aspect ratios, as numerator and denominator (18181-1 Table A.2).
    let (num, den) = match b.read(3)? {
        0 => {
            return Some((
                u32::try_from(side(&mut b)?).ok()?,
                u32::try_from(height).ok()?,
            ))
        }
        1 => (1, 1),
        2 => (12, 10),
        3 => (4, 3),
        4 => (3, 2),
        5 => (16, 9),
        6 => (5, 4),
        _ => (2, 1),
    };
    let width = height.checked_mul(num)?.checked_div(den)?;
    Some((u32::try_from(width).ok()?, u32::try_from(height).ok()?))
}

#[cfg(test)]
mod tests;
