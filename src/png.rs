//! PNG and APNG (PNG 3rd edition / ISO 15948): walk the chunks from IHDR to IEND, copy the
//! critical and the listed ancillary chunks, leave out the rest and every byte after IEND.

use crate::crc32::Crc32;
use crate::exif;
use crate::options::{Keep, Options};
use crate::out;
use crate::reader::Reader;
use crate::report::Verdict;
use crate::sink::Sink;
use crate::{Error, Format, Kinds, Report};

/// Largest chunk length PNG allows (PNG § 5.3): 2^31 − 1.
const MAX_CHUNK_LEN: u32 = 0x7FFF_FFFF;
/// The neutral name an iCCP chunk gets under `Keep::ICC` (the name libpng writes).
const NEUTRAL_ICC_NAME: &[u8] = b"ICC profile";

/// One chunk: `length type data crc`.
struct Chunk<'a> {
    kind: [u8; 4],
    body: &'a [u8],
    raw: &'a [u8],
    offset: usize,
}

/// The policy of SPEC.md § PNG, one chunk type at a time.
fn verdict(kind: [u8; 4], keep: Keep) -> Verdict {
    match &kind {
        b"IHDR" | b"PLTE" | b"IDAT" | b"IEND" | b"tRNS" | b"gAMA" | b"cHRM" | b"sRGB" | b"cICP"
        | b"mDCV" | b"mDCv" | b"cLLI" | b"cLLi" | b"sBIT" | b"bKGD" | b"hIST" | b"pHYs"
        | b"acTL" | b"fcTL" | b"fdAT" => Verdict::Keep,
        b"tEXt" | b"zTXt" | b"iTXt" => Verdict::Drop(Kinds::TEXT),
        b"eXIf" | b"zxIf" if keep.contains(Keep::ORIENTATION) => Verdict::Rewrite,
        b"eXIf" | b"zxIf" => Verdict::Drop(Kinds::EXIF),
        b"iCCP" if keep.contains(Keep::ICC) => Verdict::Rewrite,
        b"iCCP" => Verdict::Drop(Kinds::ICC),
        b"tIME" => Verdict::Drop(Kinds::TIMESTAMP),
        // Bit 5 of the first byte clear: critical (PNG § 5.4); a decoder cannot do without it.
        [first, ..] if first.is_ascii_uppercase() => Verdict::Keep,
        // sPLT, dSIG, caBX, private and unknown ancillary chunks can carry anything.
        _ => Verdict::Drop(Kinds::OTHER),
    }
}

/// What a text chunk holds, told from its keyword, for the report.
fn text_kind(body: &[u8]) -> Kinds {
    let keyword = body.split(|&b| b == 0).next().unwrap_or_default();
    match keyword {
        b"XML:com.adobe.xmp" => Kinds::XMP,
        b"Comment" => Kinds::COMMENT,
        b"Raw profile type exif" | b"Raw profile type APP1" => Kinds::EXIF,
        b"Raw profile type iptc" | b"Raw profile type 8bim" => Kinds::IPTC,
        b"Raw profile type icc" | b"Raw profile type icm" => Kinds::ICC,
        b"Raw profile type xmp" => Kinds::XMP,
        _ => Kinds::TEXT,
    }
}

/// State that outlives one chunk.
#[derive(Default)]
struct Walk {
    width: u32,
    height: u32,
    wrote_icc: bool,
    wrote_orientation: bool,
}

pub(crate) fn strip(input: &[u8], opts: &Options, out: &mut impl Sink) -> Result<Report, Error> {
    let mut r = Reader::new(input, Format::Png);
    out.extend_from_slice(r.bytes(8)?); // signature, checked by detect
    let mut report = Report::new(Format::Png);
    let mut walk = Walk::default();
    let ihdr = next_chunk(&mut r)?;
    read_header(&ihdr, opts, &mut walk, &mut report)?;
    out.extend_from_slice(ihdr.raw);
    loop {
        let chunk = next_chunk(&mut r)?;
        if &chunk.kind == b"acTL" {
            read_animation_control(&chunk, opts, &walk, &mut report)?;
        }
        match verdict(chunk.kind, opts.keep) {
            Verdict::Keep => out::copy(out, chunk.raw),
            Verdict::Drop(Kinds::TEXT) => report.removed(text_kind(chunk.body), chunk.raw.len()),
            Verdict::Drop(kind) => report.removed(kind, chunk.raw.len()),
            Verdict::Rewrite => rewrite(&chunk, &mut walk, &mut report, out),
        }
        if &chunk.kind == b"IEND" {
            break;
        }
    }
    report.trailer(r.remaining());
    Ok(report)
}

/// Reads one chunk. The CRC is copied, not checked: the decoder downstream checks it.
fn next_chunk<'a>(r: &mut Reader<'a>) -> Result<Chunk<'a>, Error> {
    let offset = r.pos();
    let len = r.u32_be()?;
    if len > MAX_CHUNK_LEN {
        return Err(r.malformed_at(offset, format!("chunk length {len} is over 2^31 - 1")));
    }
    let kind: [u8; 4] = r.array()?;
    if !kind.iter().all(u8::is_ascii_alphabetic) {
        return Err(r.malformed_at(
            offset.saturating_add(4),
            "chunk type is not four ASCII letters",
        ));
    }
    let body = r.bytes(usize::try_from(len).map_err(|_| r.malformed("chunk too long"))?)?;
    r.skip(4)?; // CRC
    let raw = r.at(offset).bytes(r.pos().saturating_sub(offset))?;
    Ok(Chunk {
        kind,
        body,
        raw,
        offset,
    })
}

/// IHDR must come first (PNG § 5.6); its size is checked against the limits at once.
fn read_header(
    ihdr: &Chunk<'_>,
    opts: &Options,
    walk: &mut Walk,
    report: &mut Report,
) -> Result<(), Error> {
    let at = ihdr.offset.saturating_add(8);
    let malformed = |what: &'static str| Error::Malformed {
        format: Format::Png,
        offset: at,
        what: what.into(),
    };
    if &ihdr.kind != b"IHDR" {
        return Err(Error::Malformed {
            format: Format::Png,
            offset: ihdr.offset.saturating_add(4),
            what: "first chunk is not IHDR".into(),
        });
    }
    if ihdr.body.len() != 13 {
        return Err(malformed("IHDR is not 13 bytes long"));
    }
    let mut r = Reader::new(ihdr.body, Format::Png);
    let (width, height) = (r.u32_be()?, r.u32_be()?);
    opts.limits.check_canvas(Format::Png, at, width, height)?;
    walk.width = width;
    walk.height = height;
    report.width = width;
    report.height = height;
    Ok(())
}

/// APNG acTL (PNG 3rd ed. § 11.3.4.1): the frame count feeds `max_animation_pixels`.
fn read_animation_control(
    chunk: &Chunk<'_>,
    opts: &Options,
    walk: &Walk,
    report: &mut Report,
) -> Result<(), Error> {
    let at = chunk.offset.saturating_add(8);
    let frames = chunk
        .body
        .get(..4)
        .and_then(|b| b.try_into().ok())
        .map(u32::from_be_bytes)
        .ok_or(Error::Malformed {
            format: Format::Png,
            offset: at,
            what: "acTL shorter than 8 bytes".into(),
        })?;
    opts.limits
        .check_frames(Format::Png, at, walk.width, walk.height, frames)?;
    report.frames = frames;
    Ok(())
}

/// Writes the cleaned form of a chunk whose verdict is `Rewrite`: the first iCCP under a
/// neutral name, or the first eXIf reduced to its Orientation. Others are dropped.
fn rewrite(chunk: &Chunk<'_>, walk: &mut Walk, report: &mut Report, out: &mut impl Sink) {
    let (written, kind) = match &chunk.kind {
        b"iCCP" if !walk.wrote_icc => {
            let written = rename_icc(chunk.body, out);
            walk.wrote_icc = written > 0;
            (written, Kinds::ICC)
        }
        b"eXIf" if !walk.wrote_orientation => {
            let written = write_orientation(chunk.body, out);
            walk.wrote_orientation = written > 0;
            (written, Kinds::EXIF)
        }
        b"iCCP" => (0, Kinds::ICC),
        _ => (0, Kinds::EXIF),
    };
    if written < chunk.raw.len() {
        report.removed(kind, chunk.raw.len().saturating_sub(written));
    }
}

/// iCCP is `name NUL method profile` (PNG § 11.3.3.3): the name is free text, so it goes.
fn rename_icc(body: &[u8], out: &mut impl Sink) -> usize {
    let Some(nul) = body.iter().take(80).position(|&b| b == 0) else {
        return 0;
    };
    let profile = body.get(nul..).unwrap_or_default();
    write_chunk(*b"iCCP", &[NEUTRAL_ICC_NAME, profile], out)
}

/// An eXIf holding only the Orientation of `body`'s EXIF, when it has one other than 1.
fn write_orientation(body: &[u8], out: &mut impl Sink) -> usize {
    // PNG § 11.3.6.1 says the TIFF header comes first; some writers prefix `Exif\0\0`.
    let tiff = body.strip_prefix(b"Exif\0\0").unwrap_or(body);
    match exif::read_orientation(tiff) {
        Some(o) => write_chunk(*b"eXIf", &[&exif::orientation_tiff(o)], out),
        None => 0,
    }
}

/// Writes a chunk whose data is the concatenation of `parts`, with its CRC. Returns its length.
fn write_chunk(kind: [u8; 4], parts: &[&[u8]], out: &mut impl Sink) -> usize {
    let len: usize = parts.iter().map(|p| p.len()).fold(0, usize::saturating_add);
    let Ok(len32) = u32::try_from(len) else {
        return 0;
    };
    out.extend_from_slice(&len32.to_be_bytes());
    out.extend_from_slice(&kind);
    let mut crc = Crc32::new();
    crc.update(&kind);
    for part in parts {
        out.extend_from_slice(part);
        crc.update(part);
    }
    out.extend_from_slice(&crc.finish().to_be_bytes());
    len.saturating_add(12)
}

#[cfg(test)]
mod tests;
