//! WebP (the RIFF-based "WebP Container Specification"): walk the chunks, copy the image
//! chunks, leave out the metadata chunks, rewrite the VP8X flags and the RIFF and ANMF sizes,
//! and cut at the end of the RIFF payload.
//!
//! A *simple* file is `RIFF WEBP` followed by one `VP8 ` or `VP8L` chunk; an *extended* file
//! starts with `VP8X` (flags and canvas size) and may hold ICCP, ANIM, ANMF, ALPH, VP8/VP8L,
//! EXIF and XMP chunks. Every chunk is a FourCC, a little-endian u32 payload size, the payload
//! and one pad byte when the size is odd.
//!
//! Decisions where SPEC.md is silent (mirrored in the crate docs):
//! - The VP8X **alpha** bit is copied from the input. Nothing that carries alpha (ALPH, VP8L,
//!   ANMF frames) is ever removed, so what the bit describes does not change, and libwebp
//!   reads the bit itself: `WebPGetFeatures` reports it as `has_alpha` (decoders such as Pillow
//!   pick RGBA or RGB from it) and the demuxer ignores an ALPH chunk when the bit is clear.
//!   Setting or clearing it would change the decoded image. The animation bit is set exactly
//!   when an ANIM or ANMF chunk remains; the ICC, EXIF and XMP bits exactly when the chunk
//!   kept or written by a [`Keep`] flag remains; every reserved bit is cleared.
//! - A simple file's image is its first chunk, and nothing after it is read by libwebp: every
//!   later chunk goes (even a second VP8/VP8L or an ALPH, which would be invalid there).
//! - [`Keep::ORIENTATION`] / [`Keep::COPYRIGHT`] / [`Keep::ICC`] on a simple file whose
//!   trailing EXIF (orientation other than 1, an artist or copyright), XMP (a creator or
//!   rights) or ICCP is kept: a simple file cannot hold any, so the output is
//!   promoted to the extended format, with a VP8X (canvas from the bitstream header, alpha
//!   bit from the VP8L header as libwebp's muxer sets it) and the ICCP before the image.
//!   Only a [`Keep`] flag can make the output larger than the input: by that 18-byte VP8X,
//!   or by a minimal EXIF or XMP longer than the block it replaces.
//! - Only the first ICCP is kept under [`Keep::ICC`]; the minimal EXIF is written for the
//!   first EXIF holding a kept field, without the `Exif\0\0` prefix (as libwebp writes it),
//!   and the credit XMP for the first `XMP ` chunk holding credit (the misnamed `XMP\0`
//!   goes).
//! - VP8X payloads longer than 10 bytes and ANIM payloads longer than 6 are cut to their
//!   defined bytes (libwebp reads the fields and skips the rest), and an ANIM after the first
//!   goes (libwebp reads only the first); the reserved bits of the ANMF flags byte are
//!   cleared; pad bytes are written as zero whatever the input held (1 byte each could carry
//!   data).
//! - One image per file or frame: a VP8/VP8L chunk after the first at top level goes, and
//!   so does every chunk after a frame's VP8/VP8L inside its ANMF. libwebp's demuxer stops
//!   reading a frame at its image and refuses a file with a second one; WebPDecode and
//!   image-webp read only the first. ALPH chunks are kept as they are.
//! - Chunk sizes are strict, as libwebp's demuxer is: a chunk (with its pad byte) running
//!   past the RIFF payload or the input is [`Error::Truncated`]; a chunk nested in an ANMF
//!   frame that runs past the frame is [`Error::Malformed`]. A file with no VP8/VP8L image
//!   (at top level or in a frame) is [`Error::Malformed`].
//! - Frame sizes in ANMF headers go through the same canvas limits as the VP8X canvas.

use crate::error::Error;
use crate::exif;
use crate::format::Format;
use crate::found;
use crate::options::{Keep, Options};
use crate::out::{self, SizeField};
use crate::reader::Reader;
use crate::report::{Found, Kinds, Report, Verdict};
use crate::sink::Sink;

/// Bytes of a chunk header: FourCC and size.
const HEADER: usize = 8;
/// VP8X payload: flags, 3 reserved bytes, 24-bit canvas width − 1 and height − 1.
const VP8X_BODY: usize = 10;
/// ANIM payload: background colour (4) and loop count (2).
const ANIM_BODY: usize = 6;
/// ANMF frame header: X, Y, width − 1, height − 1, duration (24 bits each) and a flags byte.
const ANMF_HEADER: usize = 16;

// VP8X flags byte, most significant bit first: Rsv Rsv ICC Alpha EXIF XMP Animation Rsv.
const ANIMATION_FLAG: u8 = 0x02;
const XMP_FLAG: u8 = 0x04;
const EXIF_FLAG: u8 = 0x08;
const ALPHA_FLAG: u8 = 0x10;
const ICC_FLAG: u8 = 0x20;
/// The defined bits of the ANMF flags byte: blending method (1) and disposal method (0).
const ANMF_FLAGS: u8 = 0x03;
/// The VP8L signature byte (WebP lossless bitstream spec § 3.1).
const VP8L_SIGNATURE: u8 = 0x2F;
/// The start code after a VP8 key frame's frame tag (RFC 6386 § 9.1).
const VP8_START_CODE: [u8; 3] = [0x9D, 0x01, 0x2A];

/// One chunk. `body` reads the payload (without pad byte) at absolute offsets.
struct Chunk<'a> {
    kind: [u8; 4],
    offset: usize,
    body: Reader<'a>,
}

impl<'a> Chunk<'a> {
    fn data(&self) -> &'a [u8] {
        self.body.rest()
    }

    /// The bytes the chunk takes in the input: header, payload, pad byte.
    fn disk_len(&self) -> usize {
        padded(self.body.remaining()).saturating_add(HEADER)
    }
}

fn padded(len: usize) -> usize {
    len.saturating_add(len & 1)
}

/// The policy of SPEC.md § WebP for a top-level chunk of an extended file.
fn verdict(kind: [u8; 4], keep: Keep) -> Verdict {
    match &kind {
        b"VP8 " | b"VP8L" | b"ALPH" => Verdict::Keep,
        // VP8X gets its flags rewritten, ANIM is cut to its defined bytes, ANMF loses the
        // non-image chunks nested in it and gets its size fixed.
        b"VP8X" | b"ANIM" | b"ANMF" => Verdict::Rewrite,
        b"ICCP" if keep.contains(Keep::ICC) => Verdict::Keep,
        b"EXIF" if keep.intersects(Keep::ORIENTATION | Keep::COPYRIGHT) => Verdict::Rewrite,
        b"XMP " if keep.contains(Keep::COPYRIGHT) => Verdict::Rewrite,
        _ => Verdict::Drop(kind_of(kind)),
    }
}

/// The policy for a chunk nested in an ANMF frame: only the frame's image data stays.
fn frame_verdict(kind: [u8; 4]) -> Verdict {
    match &kind {
        b"ALPH" | b"VP8 " | b"VP8L" => Verdict::Keep,
        _ => Verdict::Drop(kind_of(kind)),
    }
}

/// What a chunk holds that a report names (only metadata chunks hold any).
fn holds(chunk: &Chunk<'_>) -> Found {
    match &chunk.kind {
        b"EXIF" => found::exif(chunk.data()),
        b"XMP " | b"XMP\0" => found::xmp(chunk.data()),
        b"ICMT" => Found::COMMENT,
        b"IART" | b"ICOP" => Found::PERSON,
        b"ICRD" => Found::CAPTURE_TIME,
        b"ISFT" => Found::SOFTWARE,
        _ => Found::empty(),
    }
}

/// What a dropped chunk held, for the report.
fn kind_of(kind: [u8; 4]) -> Kinds {
    match &kind {
        b"ICCP" => Kinds::ICC,
        b"EXIF" => Kinds::EXIF,
        // `XMP\0` is a misspelling some writers used.
        b"XMP " | b"XMP\0" => Kinds::XMP,
        // RIFF INFO tags some encoders put straight into the WebP RIFF.
        b"ICMT" => Kinds::COMMENT,
        b"IART" | b"ICOP" | b"INAM" | b"ICRD" | b"ISFT" | b"ISBJ" | b"IKEY" | b"IENG" | b"IGNR"
        | b"ISRC" | b"LIST" => Kinds::TEXT,
        _ => Kinds::OTHER,
    }
}

pub(crate) fn strip(input: &[u8], opts: &Options, out: &mut impl Sink) -> Result<Report, Error> {
    let mut r = Reader::new(input, Format::WebP);
    r.skip(4)?; // "RIFF", checked by detect
    let riff_size = r.u32_le()?;
    r.skip(4)?; // "WEBP", checked by detect
    if riff_size < 4 {
        return Err(r.malformed_at(4, format!("RIFF size {riff_size} is under 4")));
    }
    // The RIFF payload starts at byte 8; whatever follows it is not part of the image.
    let riff_end = usize::try_from(riff_size)
        .ok()
        .and_then(|size| size.checked_add(8))
        .unwrap_or(usize::MAX);
    let mut chunks = r.take(riff_end.min(r.end()).saturating_sub(r.pos()))?;
    let mut report = Report::new(Format::WebP);
    report.trailer(r.remaining());

    out.extend_from_slice(b"RIFF");
    let size = SizeField::placeholder(out);
    out.extend_from_slice(b"WEBP");
    let Some(first) = next_chunk(&mut chunks)? else {
        return Err(chunks.malformed("the RIFF payload holds no chunk"));
    };
    match &first.kind {
        b"VP8X" => extended(&first, &mut chunks, opts, &mut report, out)?,
        b"VP8 " | b"VP8L" => simple(&first, &mut chunks, opts, &mut report, out)?,
        _ => {
            return Err(chunks.malformed_at(first.offset, "first chunk is not VP8X, VP8 or VP8L"));
        }
    }
    patch_size(size, out, 4)?;
    Ok(report)
}

/// Reads one chunk with its pad byte; `None` at the end of `r`.
fn next_chunk<'a>(r: &mut Reader<'a>) -> Result<Option<Chunk<'a>>, Error> {
    if r.remaining() == 0 {
        return Ok(None);
    }
    let offset = r.pos();
    let mut header = r.clone();
    let kind: [u8; 4] = header.array()?;
    let len = usize::try_from(header.u32_le()?).unwrap_or(usize::MAX);
    let whole = padded(len).saturating_add(HEADER);
    if whole > r.remaining() {
        return Err(r.truncated(whole.saturating_sub(r.remaining())));
    }
    r.skip(HEADER)?;
    let body = r.take(len)?;
    r.skip(len & 1)?;
    Ok(Some(Chunk { kind, offset, body }))
}

/// Reads one chunk nested in an ANMF frame; running past the frame is malformed.
fn next_frame_chunk<'a>(r: &mut Reader<'a>) -> Result<Option<Chunk<'a>>, Error> {
    let at = r.pos();
    next_chunk(r).map_err(|_| r.malformed_at(at, "chunk runs past the end of its ANMF frame"))
}

/// Writes a chunk: header, payload, a zero pad byte when the payload is odd. Returns its length.
fn write_chunk(kind: [u8; 4], data: &[u8], out: &mut impl Sink) -> usize {
    let Ok(len) = u32::try_from(data.len()) else {
        return 0; // cannot happen: every payload written came from a u32 size or a constant
    };
    out.extend_from_slice(&kind);
    out.extend_from_slice(&len.to_le_bytes());
    out::copy(out, data);
    if data.len() & 1 == 1 {
        out.push(0);
    }
    padded(data.len()).saturating_add(HEADER)
}

/// Writes a VP8X chunk for a `width` × `height` canvas; returns the output offset of its
/// flags byte, for patching once the walk knows what remains.
fn write_vp8x(flags: u8, width: u32, height: u32, out: &mut impl Sink) -> usize {
    let mut body = [0u8; VP8X_BODY];
    body[0] = flags;
    body[4..7].copy_from_slice(&width.saturating_sub(1).to_le_bytes()[..3]);
    body[7..10].copy_from_slice(&height.saturating_sub(1).to_le_bytes()[..3]);
    let at = out.len().saturating_add(HEADER);
    write_chunk(*b"VP8X", &body, out);
    at
}

/// Writes the EXIF chunk holding only the minimal IFD0 of what `data`'s EXIF had of the
/// kept fields ([`exif::Ifd0`]), when it had any. Returns its length (0 when nothing was
/// written).
fn write_exif(data: &[u8], keep: Keep, out: &mut impl Sink) -> usize {
    // The container spec wants the TIFF header first; some writers prefix `Exif\0\0`.
    let tiff = data.strip_prefix(b"Exif\0\0").unwrap_or(data);
    let kept = exif::Ifd0::read(
        tiff,
        keep.contains(Keep::ORIENTATION),
        keep.contains(Keep::COPYRIGHT),
    );
    match kept.tiff() {
        Some(tiff) => write_chunk(*b"EXIF", tiff.bytes(), out),
        None => 0,
    }
}

/// For `Keep::COPYRIGHT`: the `XMP ` chunk holding only the credit of `data`'s packet, when
/// it has any. Returns its length (0 when nothing was written; a UTF-16 or UTF-32 packet,
/// which cannot be read, is noted in the report).
fn write_credit_xmp(data: &[u8], report: &mut Report, out: &mut impl Sink) -> usize {
    if found::credit::is_unreadable(data) {
        report.not_kept |= Keep::COPYRIGHT;
    }
    match found::xmp_credit(data).packet() {
        Some(packet) => write_chunk(*b"XMP ", &packet, out),
        None => 0,
    }
}

/// Records `len` removed bytes of `kind`, when there are any.
fn removed_if(report: &mut Report, kind: Kinds, len: usize) {
    if len > 0 {
        report.removed(kind);
    }
}

/// Fills in a size placeholder with the number of bytes written after it.
fn patch_size(size: SizeField, out: &mut impl Sink, offset: usize) -> Result<(), Error> {
    let after = size.bytes_after(&*out);
    if size.patch_le(out, after) {
        Ok(())
    } else {
        Err(Error::Unsupported {
            format: Format::WebP,
            offset,
            what: "output chunk over 4 GiB".into(),
        })
    }
}

/// Width, height and alpha of a simple file, from its bitstream header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Bitstream {
    width: u32,
    height: u32,
    alpha: bool,
}

/// Reads the VP8 or VP8L header of `image` and checks its size against the limits.
fn read_bitstream(image: &Chunk<'_>, opts: &Options) -> Result<Bitstream, Error> {
    let mut r = image.body.clone();
    let at = r.pos();
    let read = if &image.kind == b"VP8L" {
        read_vp8l(&mut r)
    } else {
        read_vp8(&mut r)
    };
    let bits = read.map_err(|e| match e {
        Error::Truncated { .. } => malformed(at, "bitstream is shorter than its header"),
        e => e,
    })?;
    opts.limits
        .check_canvas(Format::WebP, at, bits.width, bits.height)?;
    Ok(bits)
}

/// A malformed-WebP error at `offset`, for checks made outside a [`Reader`].
fn malformed(offset: usize, what: &'static str) -> Error {
    Error::Malformed {
        format: Format::WebP,
        offset,
        what: what.into(),
    }
}

/// A VP8 key frame (RFC 6386 § 9.1): 3-byte frame tag whose bit 0 is clear, start code
/// `9D 01 2A`, then 14-bit width and height, each under 2 scaling bits.
fn read_vp8(r: &mut Reader<'_>) -> Result<Bitstream, Error> {
    let at = r.pos();
    if r.u24_le()? & 1 != 0 {
        return Err(r.malformed_at(at, "VP8 bitstream does not start with a key frame"));
    }
    if r.array::<3>()? != VP8_START_CODE {
        return Err(r.malformed_at(at.saturating_add(3), "VP8 start code is not 9D 01 2A"));
    }
    let width = u32::from(r.u16_le()? & 0x3FFF);
    let height = u32::from(r.u16_le()? & 0x3FFF);
    if width == 0 || height == 0 {
        return Err(r.malformed_at(at.saturating_add(6), "VP8 frame has no pixels"));
    }
    Ok(Bitstream {
        width,
        height,
        alpha: false,
    })
}

/// A VP8L header (WebP lossless bitstream spec § 3.1 and § 3.2): signature `0x2F`, then 14-bit
/// width − 1, 14-bit height − 1, the alpha_is_used bit and a 3-bit version that must be 0.
fn read_vp8l(r: &mut Reader<'_>) -> Result<Bitstream, Error> {
    let at = r.pos();
    if r.u8()? != VP8L_SIGNATURE {
        return Err(r.malformed_at(at, "VP8L signature is not 0x2F"));
    }
    let bits = r.u32_le()?;
    if bits >> 29 != 0 {
        return Err(r.malformed_at(at.saturating_add(1), "VP8L version is not 0"));
    }
    Ok(Bitstream {
        width: (bits & 0x3FFF).saturating_add(1),
        height: ((bits >> 14) & 0x3FFF).saturating_add(1),
        alpha: (bits >> 28) & 1 == 1,
    })
}

/// A simple file: the image chunk, then chunks no decoder reads, which all go — except an
/// EXIF or ICCP kept by a [`Keep`] flag, which promote the file to the extended format.
fn simple<'a>(
    image: &Chunk<'a>,
    r: &mut Reader<'a>,
    opts: &Options,
    report: &mut Report,
    out: &mut impl Sink,
) -> Result<(), Error> {
    let body_start = out.len();
    let bits = read_bitstream(image, opts)?;
    report.width = bits.width;
    report.height = bits.height;
    write_chunk(image.kind, image.data(), out);
    let mut wrote_exif = false;
    let mut wrote_xmp = false;
    let mut icc: Option<&[u8]> = None;
    while let Some(chunk) = next_chunk(r)? {
        report.found |= holds(&chunk);
        let raw = chunk.disk_len();
        match &chunk.kind {
            b"EXIF" if opts.keep.intersects(Keep::ORIENTATION | Keep::COPYRIGHT) && !wrote_exif => {
                let written = write_exif(chunk.data(), opts.keep, out);
                wrote_exif = written > 0;
                removed_if(report, Kinds::EXIF, raw.saturating_sub(written));
            }
            b"XMP " if opts.keep.contains(Keep::COPYRIGHT) && !wrote_xmp => {
                let written = write_credit_xmp(chunk.data(), report, out);
                wrote_xmp = written > 0;
                removed_if(report, Kinds::XMP, raw.saturating_sub(written));
            }
            b"ICCP" if opts.keep.contains(Keep::ICC) && icc.is_none() => icc = Some(chunk.data()),
            _ => report.removed(kind_of(chunk.kind)),
        }
    }
    if wrote_exif || wrote_xmp || icc.is_some() {
        // Append VP8X (and ICCP), then rotate them in front of the image chunk: the extended
        // format wants VP8X first and ICCP before the image data.
        let tail = out.len();
        let mut flags = if bits.alpha { ALPHA_FLAG } else { 0 };
        if wrote_exif {
            flags |= EXIF_FLAG;
        }
        if wrote_xmp {
            flags |= XMP_FLAG;
        }
        if icc.is_some() {
            flags |= ICC_FLAG;
        }
        write_vp8x(flags, bits.width, bits.height, out);
        if let Some(profile) = icc {
            write_chunk(*b"ICCP", profile, out);
        }
        let moved = out.len().saturating_sub(tail);
        let end = out.len();
        if let Some(body) = out.written_mut(body_start..end) {
            body.rotate_right(moved);
        }
    }
    Ok(())
}

/// State of an extended file's walk.
struct Walk {
    width: u32,
    height: u32,
    /// The VP8X flags the output gets.
    flags: u8,
    frames: u32,
    has_anim: bool,
    has_image: bool,
}

/// An extended file: VP8X first, then any chunks.
fn extended<'a>(
    vp8x: &Chunk<'a>,
    r: &mut Reader<'a>,
    opts: &Options,
    report: &mut Report,
    out: &mut impl Sink,
) -> Result<(), Error> {
    let mut body = vp8x.body.clone();
    if body.remaining() < VP8X_BODY {
        return Err(body.malformed_at(
            vp8x.offset.saturating_add(4),
            "VP8X is shorter than 10 bytes",
        ));
    }
    let flags = body.u8()?;
    body.skip(3)?;
    let canvas_at = body.pos();
    let width = body.u24_le()?.saturating_add(1);
    let height = body.u24_le()?.saturating_add(1);
    opts.limits
        .check_canvas(Format::WebP, canvas_at, width, height)?;
    report.width = width;
    report.height = height;
    let flags_at = write_vp8x(0, width, height, out);
    removed_if(
        report,
        Kinds::OTHER,
        vp8x.disk_len().saturating_sub(HEADER + VP8X_BODY),
    );
    let mut walk = Walk {
        width,
        height,
        flags: flags & ALPHA_FLAG,
        frames: 0,
        has_anim: false,
        has_image: false,
    };
    while let Some(chunk) = next_chunk(r)? {
        report.found |= holds(&chunk);
        match verdict(chunk.kind, opts.keep) {
            Verdict::Keep if &chunk.kind == b"ICCP" => {
                if walk.flags & ICC_FLAG == 0 {
                    write_chunk(chunk.kind, chunk.data(), out);
                    walk.flags |= ICC_FLAG;
                } else {
                    report.removed(Kinds::ICC);
                }
            }
            // One image: libwebp's demuxer refuses a file with a second VP8/VP8L, and
            // WebPDecode and image-webp read only the first.
            Verdict::Keep if walk.has_image && &chunk.kind != b"ALPH" => {
                report.removed(Kinds::OTHER);
            }
            Verdict::Keep => {
                write_chunk(chunk.kind, chunk.data(), out);
                walk.has_image |= &chunk.kind != b"ALPH";
            }
            Verdict::Drop(kind) => report.removed(kind),
            Verdict::Rewrite => rewrite(&chunk, opts, &mut walk, report, out)?,
        }
    }
    if !walk.has_image {
        return Err(r.malformed("no VP8 or VP8L image in the file"));
    }
    let _ = out.patch(flags_at, &[walk.flags]);
    report.frames = walk.frames.max(1);
    Ok(())
}

/// Writes the cleaned form of a top-level chunk whose verdict is `Rewrite`.
fn rewrite(
    chunk: &Chunk<'_>,
    opts: &Options,
    walk: &mut Walk,
    report: &mut Report,
    out: &mut impl Sink,
) -> Result<(), Error> {
    let raw = chunk.disk_len();
    match &chunk.kind {
        // libwebp reads the first ANIM only; a second one is unused bytes.
        b"ANIM" if walk.has_anim => report.removed(Kinds::OTHER),
        b"ANIM" => {
            let Some(anim) = chunk.data().get(..ANIM_BODY) else {
                return Err(malformed(
                    chunk.offset.saturating_add(4),
                    "ANIM is shorter than 6 bytes",
                ));
            };
            let written = write_chunk(chunk.kind, anim, out);
            removed_if(report, Kinds::OTHER, raw.saturating_sub(written));
            walk.flags |= ANIMATION_FLAG;
            walk.has_anim = true;
        }
        b"ANMF" => {
            walk.frames = walk.frames.saturating_add(1);
            opts.limits.check_frames(
                Format::WebP,
                chunk.offset,
                walk.width,
                walk.height,
                walk.frames,
            )?;
            walk.has_image |= rewrite_frame(chunk, opts, report, out)?;
            walk.flags |= ANIMATION_FLAG;
        }
        b"EXIF" => {
            let written = if walk.flags & EXIF_FLAG == 0 {
                write_exif(chunk.data(), opts.keep, out)
            } else {
                0
            };
            if written > 0 {
                walk.flags |= EXIF_FLAG;
            }
            removed_if(report, Kinds::EXIF, raw.saturating_sub(written));
        }
        b"XMP " => {
            let written = if walk.flags & XMP_FLAG == 0 {
                write_credit_xmp(chunk.data(), report, out)
            } else {
                0
            };
            if written > 0 {
                walk.flags |= XMP_FLAG;
            }
            removed_if(report, Kinds::XMP, raw.saturating_sub(written));
        }
        _ => return Err(malformed(chunk.offset, "second VP8X chunk")),
    }
    Ok(())
}

/// Writes an ANMF frame with its header and only its image chunks (ALPH, then one VP8 or
/// VP8L: nothing after that), and its size fixed. Returns whether the frame holds a VP8 or
/// VP8L image.
fn rewrite_frame(
    chunk: &Chunk<'_>,
    opts: &Options,
    report: &mut Report,
    out: &mut impl Sink,
) -> Result<bool, Error> {
    let mut body = chunk.body.clone();
    let Ok(header) = body.array::<ANMF_HEADER>() else {
        return Err(malformed(
            chunk.offset.saturating_add(4),
            "ANMF is shorter than its 16-byte frame header",
        ));
    };
    let mut fields = chunk.body.clone();
    fields.skip(6)?;
    let size_at = fields.pos();
    let width = fields.u24_le()?.saturating_add(1);
    let height = fields.u24_le()?.saturating_add(1);
    opts.limits
        .check_canvas(Format::WebP, size_at, width, height)?;

    out.extend_from_slice(b"ANMF");
    let size = SizeField::placeholder(out);
    let mut header = header;
    if let Some(flags) = header.last_mut() {
        *flags &= ANMF_FLAGS;
    }
    out.extend_from_slice(&header);
    let mut has_image = false;
    while let Some(inner) = next_frame_chunk(&mut body)? {
        match frame_verdict(inner.kind) {
            Verdict::Drop(kind) => report.removed(kind),
            // libwebp's demuxer stops reading the frame at its image (an ALPH after it makes
            // the file invalid, another image ends the frame); image-webp reads no further.
            _ if has_image => report.removed(Kinds::OTHER),
            Verdict::Keep | Verdict::Rewrite => {
                write_chunk(inner.kind, inner.data(), out);
                has_image |= &inner.kind != b"ALPH";
            }
        }
    }
    patch_size(size, out, chunk.offset.saturating_add(4))?;
    Ok(has_image)
}

#[cfg(test)]
mod tests;
