//! PNG and APNG (PNG 3rd edition / ISO 15948): walk the chunks from IHDR to IEND, copy the
//! critical chunks and the listed ancillary chunks where and as decoders read them, leave out
//! the rest and every byte after IEND.
//!
//! Decisions where SPEC.md is silent (mirrored in the crate docs):
//! - A listed ancillary chunk stays only as libpng reads it (1.6.58, `pngrutil.c`): once
//!   (the second of a kind is "duplicate"), in its place (cHRM, gAMA, sBIT, sRGB, cICP,
//!   mDCV and cLLI before PLTE and IDAT; tRNS, bKGD, hIST, pHYs and acTL before IDAT; tRNS,
//!   bKGD and hIST of a palette image after PLTE) and with the length PNG § 11.3 defines
//!   for it (by colour type for tRNS, bKGD and sBIT; two bytes per PLTE entry for hIST).
//!   libpng skips any other copy whole, as a benign error, and image-png (0.18) does too,
//!   so such a chunk goes and no decoder shows anything different. Cutting a longer one to
//!   its defined bytes would make those decoders read what they skipped (a long acTL would
//!   turn a still image into an animation; a long fcTL, an image-png still into an
//!   animation), so it goes instead. One is cut: a greyscale or truecolour tRNS longer than
//!   its 2 or 6 bytes keeps them, with a new CRC, because image-png and Pillow read them
//!   (libpng skips the whole chunk: there the readers disagree, and two of three win).
//! - An APNG that Chromium (and, for a second acTL, Pillow) shows still, because of a bad
//!   or second acTL before IDAT ([`is_still_apng`]), loses all of its animation chunks:
//!   dropping only the bad acTL would animate it.
//! - PLTE is read as libpng reads it: a palette image keeps its first 2^bit-depth entries
//!   (the only ones a pixel can name; libpng drops the rest silently), and a second PLTE,
//!   one after IDAT, or one that is not 1 to 256 whole entries is [`Error::Malformed`]
//!   (libpng refuses the image). In a truecolour image such a PLTE goes, as libpng ignores
//!   it; in a greyscale image every PLTE goes.
//! - An IEND with data is written empty: `00000000 IEND AE426082`.
//! - An unknown critical chunk (upper-case first letter: not IHDR, PLTE, IDAT or IEND) is
//!   [`Error::Unsupported`] at the offset of its type: a decoder must refuse what it does not
//!   know there, leaving it out could change the picture, and copying it could carry
//!   anything. A second IHDR, or an IHDR that is not 13 bytes with a valid colour type and
//!   bit depth, is [`Error::Malformed`].
//! - Apple's CgBI PNG (iOS-optimised: a 4-byte `CgBI` chunk right after the signature) is
//!   stripped like any other, its `CgBI` chunk kept: without it the rest does not decode.
//!   A CgBI chunk of another length, or anywhere else, is an unknown critical chunk.

use std::cmp::Ordering;

use crate::crc32::Crc32;
use crate::error::Error;
use crate::exif;
use crate::format::Format;
use crate::found;
use crate::options::{Keep, Options};
use crate::out;
use crate::reader::Reader;
use crate::report::{Found, Kinds, Report, Verdict};
use crate::sink::Sink;

/// Largest four-byte unsigned integer PNG allows (PNG § 7.1), 2^31 − 1: for chunk lengths
/// (§ 5.3) and the APNG frame and play counts.
const MAX_U31: u32 = 0x7FFF_FFFF;
/// The neutral name an iCCP chunk gets under `Keep::ICC` (the name libpng writes).
const NEUTRAL_ICC_NAME: &[u8] = b"ICC profile";
/// The length of an fcTL chunk's data (PNG 3rd ed. § 11.3.4.2).
const FCTL_LEN: usize = 26;
/// The length of Apple's CgBI chunk's data.
const CGBI_LEN: usize = 4;

/// One chunk: `length type data crc`.
struct Chunk<'a> {
    kind: [u8; 4],
    body: &'a [u8],
    raw: &'a [u8],
    offset: usize,
}

/// The policy of SPEC.md § PNG, one chunk type at a time. A kept chunk then has its length
/// and place checked by [`fit`] (ancillary) or [`palette_fit`] (PLTE). Unknown critical
/// chunks never get here: [`strip`] refuses them first ([`is_unknown_critical`]).
fn verdict(kind: [u8; 4], keep: Keep) -> Verdict {
    match &kind {
        b"IHDR" | b"PLTE" | b"IDAT" | b"IEND" | b"tRNS" | b"gAMA" | b"cHRM" | b"sRGB" | b"cICP"
        | b"mDCV" | b"mDCv" | b"cLLI" | b"cLLi" | b"sBIT" | b"bKGD" | b"hIST" | b"pHYs"
        | b"acTL" | b"fcTL" | b"fdAT" => Verdict::Keep,
        b"iTXt" | b"tEXt" if keep.contains(Keep::COPYRIGHT) => Verdict::Rewrite,
        b"tEXt" | b"zTXt" | b"iTXt" => Verdict::Drop(Kinds::TEXT),
        b"eXIf" | b"zxIf" if keep.intersects(Keep::ORIENTATION | Keep::COPYRIGHT) => {
            Verdict::Rewrite
        }
        b"eXIf" | b"zxIf" => Verdict::Drop(Kinds::EXIF),
        b"iCCP" if keep.contains(Keep::ICC) => Verdict::Rewrite,
        b"iCCP" => Verdict::Drop(Kinds::ICC),
        b"tIME" => Verdict::Drop(Kinds::TIMESTAMP),
        // sPLT, dSIG, caBX, private and unknown ancillary chunks can carry anything.
        _ => Verdict::Drop(Kinds::OTHER),
    }
}

/// Bit 5 of the first byte clear: critical (PNG § 5.4). A decoder must refuse an image
/// with a critical chunk it does not know, so the chunk can neither go nor stay.
fn is_unknown_critical(kind: [u8; 4]) -> bool {
    let [first, ..] = kind;
    first.is_ascii_uppercase() && !matches!(&kind, b"IHDR" | b"PLTE" | b"IDAT" | b"IEND")
}

/// What IHDR and the chunks kept so far say about the image: what [`fit`] needs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Image {
    /// IHDR colour type: 0 grey, 2 truecolour, 3 palette, 4 grey + alpha, 6 truecolour + alpha.
    colour: u8,
    /// IHDR bit depth.
    depth: u8,
    /// The PLTE entries decoders read, once a PLTE is kept.
    palette: Option<usize>,
    /// Whether an IDAT has been seen.
    after_idat: bool,
    /// The chunks allowed once that have been kept, one bit each ([`once_bit`]).
    seen: u16,
    /// Whether decoders show this APNG as a still image ([`is_still_apng`]): then its
    /// animation chunks go.
    still: bool,
}

/// How much of a chunk stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fit {
    /// Copied as it is.
    Whole,
    /// Its first `n` data bytes stay, written with a new CRC.
    Cut(usize),
    /// It goes: decoders skip it (wrong length, out of place, or a second copy).
    Drop,
}

/// The bit of a chunk PNG allows once (PNG § 5.6), in [`Image::seen`].
fn once_bit(kind: [u8; 4]) -> Option<u16> {
    Some(match &kind {
        b"tRNS" => 0x0001,
        b"gAMA" => 0x0002,
        b"cHRM" => 0x0004,
        b"sRGB" => 0x0008,
        b"cICP" => 0x0010,
        b"mDCV" => 0x0020,
        b"mDCv" => 0x0040,
        b"cLLI" => 0x0080,
        b"cLLi" => 0x0100,
        b"sBIT" => 0x0200,
        b"bKGD" => 0x0400,
        b"hIST" => 0x0800,
        b"pHYs" => 0x1000,
        b"acTL" => 0x2000,
        _ => return None,
    })
}

/// Whether a listed ancillary chunk is where libpng reads it: the first of its kind, and
/// before PLTE and IDAT (colour space), before IDAT, or after PLTE (palette-indexed data).
fn in_place(kind: [u8; 4], img: &Image) -> bool {
    if once_bit(kind).is_some_and(|bit| img.seen & bit != 0) {
        return false;
    }
    match &kind {
        b"cHRM" | b"gAMA" | b"sBIT" | b"sRGB" | b"cICP" | b"mDCV" | b"mDCv" | b"cLLI" | b"cLLi" => {
            img.palette.is_none() && !img.after_idat
        }
        b"tRNS" | b"bKGD" => !img.after_idat && (img.colour != 3 || img.palette.is_some()),
        b"hIST" => !img.after_idat && img.palette.is_some(),
        b"pHYs" | b"acTL" => !img.after_idat,
        _ => true,
    }
}

/// How much of a listed ancillary chunk of `len` data bytes stays (PNG 3rd ed. § 11.3 and
/// libpng's length checks; see the module docs for why only tRNS is ever cut).
fn fit(kind: [u8; 4], len: usize, img: &Image) -> Fit {
    if !in_place(kind, img) || (img.still && matches!(&kind, b"acTL" | b"fcTL" | b"fdAT")) {
        return Fit::Drop;
    }
    let exact = |defined: usize| {
        if len == defined {
            Fit::Whole
        } else {
            Fit::Drop
        }
    };
    match &kind {
        b"gAMA" | b"cICP" => exact(4),
        b"cHRM" => exact(32),
        b"sRGB" => exact(1),
        b"pHYs" => exact(9),
        b"cLLI" | b"cLLi" | b"acTL" => exact(8),
        b"mDCV" | b"mDCv" => exact(24),
        b"sBIT" => exact(match img.colour {
            0 => 1,
            4 => 2,
            6 => 4,
            _ => 3,
        }),
        b"bKGD" => exact(match img.colour {
            3 => 1,
            0 | 4 => 2,
            _ => 6,
        }),
        b"hIST" => img
            .palette
            .map_or(Fit::Drop, |entries| exact(entries.saturating_mul(2))),
        b"tRNS" => match img.colour {
            // Grey and truecolour: one sample value, 2 or 6 bytes. image-png and Pillow read
            // the first bytes of a longer one (libpng skips it), so it is cut to them.
            0 | 2 => {
                let defined = if img.colour == 0 { 2 } else { 6 };
                match len.cmp(&defined) {
                    Ordering::Less => Fit::Drop,
                    Ordering::Equal => Fit::Whole,
                    Ordering::Greater => Fit::Cut(defined),
                }
            }
            // Palette: one alpha per entry at most; libpng and image-png ignore a longer one.
            3 if len >= 1 && len <= img.palette.unwrap_or(0) => Fit::Whole,
            // Grey + alpha and truecolour + alpha: "invalid with alpha channel".
            _ => Fit::Drop,
        },
        b"fcTL" => exact(FCTL_LEN),
        // fdAT is frame data, like IDAT.
        _ => Fit::Whole,
    }
}

/// How much of a PLTE of `len` bytes stays (PNG § 11.2.3, as libpng reads it), or why the
/// image is malformed: a palette image cannot be shown without its PLTE.
fn palette_fit(len: usize, img: &Image) -> Result<Fit, &'static str> {
    let problem = if img.palette.is_some() {
        Some("second PLTE chunk")
    } else if img.after_idat {
        Some("PLTE after IDAT")
    } else if len == 0 || len > 768 || len.checked_rem(3) != Some(0) {
        Some("PLTE is not 1 to 256 three-byte entries")
    } else {
        None
    };
    match (img.colour, problem) {
        (3, Some(what)) => Err(what),
        (0 | 4, _) | (_, Some(_)) => Ok(Fit::Drop),
        (3, None) => {
            // A pixel of `depth` bits names one of 2^depth entries; libpng keeps no more.
            let entries = 1usize.checked_shl(u32::from(img.depth)).unwrap_or(256);
            let max = entries.saturating_mul(3);
            Ok(if len > max { Fit::Cut(max) } else { Fit::Whole })
        }
        _ => Ok(Fit::Whole),
    }
}

/// Whether IHDR's colour type and bit depth go together (PNG § 11.2.2, Table 11.1).
fn is_valid_format(colour: u8, depth: u8) -> bool {
    match colour {
        0 => matches!(depth, 1 | 2 | 4 | 8 | 16),
        3 => matches!(depth, 1 | 2 | 4 | 8),
        2 | 4 | 6 => matches!(depth, 8 | 16),
        _ => false,
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

/// What a chunk holds that a report names: EXIF, an uncompressed XMP packet, and the text
/// keywords of PNG § 11.3.4.2 that name a person, a device, a time or a program. Compressed
/// text (`zTXt`, compressed `iTXt`, `zxIf`) is not inflated: no decoder runs here.
fn holds(chunk: &Chunk<'_>) -> Found {
    match &chunk.kind {
        b"eXIf" => return found::exif(chunk.body),
        b"tEXt" | b"zTXt" | b"iTXt" => {}
        _ => return Found::empty(),
    }
    let mut parts = chunk.body.splitn(2, |&b| b == 0);
    let keyword = parts.next().unwrap_or_default();
    let rest = parts.next().unwrap_or_default();
    match keyword {
        b"XML:com.adobe.xmp" if &chunk.kind == b"iTXt" && rest.first() == Some(&0) => {
            found::xmp(rest)
        }
        b"Author" | b"Copyright" => Found::PERSON,
        b"Creation Time" => Found::CAPTURE_TIME,
        b"Software" => Found::SOFTWARE,
        b"Source" => Found::DEVICE,
        b"Comment" | b"Description" => Found::COMMENT,
        _ => Found::empty(),
    }
}

/// State that outlives one chunk.
#[derive(Default)]
struct Walk {
    width: u32,
    height: u32,
    image: Image,
    wrote_icc: bool,
    wrote_exif: bool,
    wrote_xmp: bool,
    /// The fresh `Author` and `Copyright` text chunks written (the first of each is kept).
    wrote_text: [bool; 2],
}

pub(crate) fn strip(input: &[u8], opts: &Options, out: &mut impl Sink) -> Result<Report, Error> {
    let mut r = Reader::new(input, Format::Png);
    out.extend_from_slice(r.bytes(8)?); // signature, checked by detect
    let mut report = Report::new(Format::Png);
    let mut walk = Walk::default();
    let mut ihdr = next_chunk(&mut r)?;
    if &ihdr.kind == b"CgBI" {
        if ihdr.body.len() != CGBI_LEN {
            return Err(r.unsupported_at(
                ihdr.offset.saturating_add(4),
                "CgBI chunk that is not 4 bytes long",
            ));
        }
        out.extend_from_slice(ihdr.raw);
        ihdr = next_chunk(&mut r)?;
    }
    read_header(&ihdr, opts, &mut walk, &mut report)?;
    out.extend_from_slice(ihdr.raw);
    walk.image.still = is_still_apng(r.clone());
    loop {
        let chunk = next_chunk(&mut r)?;
        if is_unknown_critical(chunk.kind) {
            return Err(r.unsupported_at(
                chunk.offset.saturating_add(4),
                format!("unknown critical chunk \"{}\"", chunk.kind.escape_ascii()),
            ));
        }
        report.found |= holds(&chunk);
        match verdict(chunk.kind, opts.keep) {
            Verdict::Keep => keep(&chunk, opts, &mut walk, &mut report, out)?,
            Verdict::Drop(Kinds::TEXT) => {
                if opts.keep.contains(Keep::COPYRIGHT)
                    && (is_unreadable_xmp(&chunk) || is_compressed_credit(&chunk))
                {
                    report.not_kept |= Keep::COPYRIGHT;
                }
                report.removed(text_kind(chunk.body));
            }
            Verdict::Drop(kind) => report.removed(kind),
            Verdict::Rewrite => rewrite(&chunk, opts.keep, &mut walk, &mut report, out),
        }
        if &chunk.kind == b"IEND" {
            break;
        }
    }
    report.trailer(r.remaining());
    Ok(report)
}

/// Writes a chunk whose verdict is `Keep` as much of it as decoders read ([`fit`]).
fn keep(
    chunk: &Chunk<'_>,
    opts: &Options,
    walk: &mut Walk,
    report: &mut Report,
    out: &mut impl Sink,
) -> Result<(), Error> {
    let len = chunk.body.len();
    let fit = match &chunk.kind {
        b"IDAT" => {
            walk.image.after_idat = true;
            Fit::Whole
        }
        b"IEND" if len > 0 => Fit::Cut(0),
        b"IEND" => Fit::Whole,
        b"IHDR" => {
            return Err(Error::Malformed {
                format: Format::Png,
                offset: chunk.offset.saturating_add(4),
                what: "second IHDR chunk".into(),
            })
        }
        b"PLTE" => palette_fit(len, &walk.image).map_err(|what| Error::Malformed {
            format: Format::Png,
            offset: chunk.offset,
            what: what.into(),
        })?,
        _ => fit(chunk.kind, len, &walk.image),
    };
    if fit == Fit::Drop {
        report.removed(Kinds::OTHER);
        return Ok(());
    }
    if &chunk.kind == b"acTL" {
        read_animation_control(chunk, opts, walk, report)?;
    }
    if let Some(bit) = once_bit(chunk.kind) {
        walk.image.seen |= bit;
    }
    match fit {
        Fit::Cut(n) => {
            let kept = chunk.body.get(..n).unwrap_or_default();
            write_chunk(chunk.kind, &[kept], out);
            report.removed(Kinds::OTHER);
            if &chunk.kind == b"PLTE" {
                walk.image.palette = Some(n / 3);
            }
        }
        _ => {
            out::copy(out, chunk.raw);
            if &chunk.kind == b"PLTE" {
                walk.image.palette = Some(len / 3);
            }
        }
    }
    Ok(())
}

/// Reads one chunk. The CRC is copied, not checked: the decoder downstream checks it.
fn next_chunk<'a>(r: &mut Reader<'a>) -> Result<Chunk<'a>, Error> {
    let offset = r.pos();
    let len = r.u32_be()?;
    if len > MAX_U31 {
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

/// IHDR must come first (PNG § 5.6), after Apple's CgBI if there is one; its size is
/// checked against the limits at once, its colour type and bit depth kept for [`fit`].
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
    let [depth, colour] = r.array()?;
    if !is_valid_format(colour, depth) {
        return Err(Error::Malformed {
            format: Format::Png,
            offset: at.saturating_add(8),
            what: format!("IHDR colour type {colour} with bit depth {depth} is no PNG format")
                .into(),
        });
    }
    opts.limits.check_canvas(Format::Png, at, width, height)?;
    walk.image.colour = colour;
    walk.image.depth = depth;
    walk.width = width;
    walk.height = height;
    report.width = width;
    report.height = height;
    Ok(())
}

/// Whether the chunks from `r` to the first IDAT make an APNG that browsers show still: a
/// second acTL, or a first one that is not 8 bytes, has no frames, or counts frames or
/// plays past 2^31 − 1. Chromium then ignores the animation (`ignore_animation_`) and so
/// does Pillow for a second acTL, while libpng's APNG patch skips the bad copy and animates:
/// keeping one acTL would make an animation of what two of the three show still, so the
/// animation chunks go and the still image stays. Reads chunk headers only; a file that
/// ends or breaks before IDAT is left to the walk to report.
fn is_still_apng(mut r: Reader<'_>) -> bool {
    let mut seen_actl = false;
    while let Ok(chunk) = next_chunk(&mut r) {
        match &chunk.kind {
            b"IDAT" | b"IEND" => return false,
            b"acTL" if seen_actl => return true,
            b"acTL" => {
                seen_actl = true;
                let valid = chunk.body.len() == 8
                    && chunk
                        .body
                        .first_chunk::<4>()
                        .is_some_and(|frames| (1..=MAX_U31).contains(&u32::from_be_bytes(*frames)))
                    && chunk
                        .body
                        .last_chunk::<4>()
                        .is_some_and(|plays| u32::from_be_bytes(*plays) <= MAX_U31);
                if !valid {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// APNG acTL (PNG 3rd ed. § 11.3.4.1), kept at its 8 bytes: the frame count feeds
/// `max_animation_pixels`.
fn read_animation_control(
    chunk: &Chunk<'_>,
    opts: &Options,
    walk: &Walk,
    report: &mut Report,
) -> Result<(), Error> {
    let at = chunk.offset.saturating_add(8);
    let frames = Reader::new(chunk.body, Format::Png).u32_be()?;
    opts.limits
        .check_frames(Format::Png, at, walk.width, walk.height, frames)?;
    report.frames = frames;
    Ok(())
}

/// Writes the cleaned form of a chunk whose verdict is `Rewrite`: the first iCCP under a
/// neutral name, the first eXIf reduced to the minimal EXIF of the keep flags, the first
/// XMP iTXt reduced to the credit. Others are dropped.
fn rewrite(
    chunk: &Chunk<'_>,
    keep: Keep,
    walk: &mut Walk,
    report: &mut Report,
    out: &mut impl Sink,
) {
    let (written, kind) = match &chunk.kind {
        b"iCCP" if !walk.wrote_icc => {
            let written = rename_icc(chunk.body, out);
            walk.wrote_icc = written > 0;
            (written, Kinds::ICC)
        }
        b"eXIf" if !walk.wrote_exif => {
            let written = write_exif(chunk.body, keep, out);
            walk.wrote_exif = written > 0;
            (written, Kinds::EXIF)
        }
        b"tEXt" | b"iTXt" if credit_keyword(chunk.body).is_some() => {
            (write_credit_text(chunk, walk, report, out), Kinds::TEXT)
        }
        b"iTXt" if !walk.wrote_xmp => {
            let written = write_credit_xmp(chunk.body, report, out);
            walk.wrote_xmp = written > 0;
            (written, text_kind(chunk.body))
        }
        b"iCCP" => (0, Kinds::ICC),
        b"tEXt" => (0, text_kind(chunk.body)),
        b"iTXt" => (0, text_kind(chunk.body)),
        _ => (0, Kinds::EXIF),
    };
    if written < chunk.raw.len() {
        report.removed(kind);
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

/// An eXIf holding only the minimal IFD0 of what `body`'s EXIF had of the kept fields
/// ([`exif::Ifd0`]), when it had any.
fn write_exif(body: &[u8], keep: Keep, out: &mut impl Sink) -> usize {
    // PNG § 11.3.6.1 says the TIFF header comes first; some writers prefix `Exif\0\0`.
    let tiff = body.strip_prefix(b"Exif\0\0").unwrap_or(body);
    let kept = exif::Ifd0::read(
        tiff,
        keep.contains(Keep::ORIENTATION),
        keep.contains(Keep::COPYRIGHT),
    );
    match kept.tiff() {
        Some(tiff) => write_chunk(*b"eXIf", &[tiff.bytes()], out),
        None => 0,
    }
}

/// Whether a text chunk that goes holds an XMP packet this crate cannot read: a zTXt (or a
/// tEXt hex dump) under ImageMagick's `Raw profile type xmp`, or a zTXt under the XMP
/// keyword. No inflater runs here, so its credit cannot be kept under `Keep::COPYRIGHT`,
/// and the report says so.
fn is_unreadable_xmp(chunk: &Chunk<'_>) -> bool {
    let keyword = chunk.body.split(|&b| b == 0).next().unwrap_or_default();
    keyword == b"Raw profile type xmp" || (&chunk.kind == b"zTXt" && keyword == XMP_KEYWORD)
}

/// Which credit keyword of PNG § 11.3.4.2 (`Author`, `Copyright`) a text chunk's `body`
/// starts with: its index in [`Walk::wrote_text`].
fn credit_keyword(body: &[u8]) -> Option<usize> {
    match body.split(|&b| b == 0).next() {
        Some(b"Author") => Some(0),
        Some(b"Copyright") => Some(1),
        _ => None,
    }
}

/// Whether a text chunk that goes holds a credit this crate cannot read: a zTXt under
/// `Author` or `Copyright` (no inflater runs here).
fn is_compressed_credit(chunk: &Chunk<'_>) -> bool {
    &chunk.kind == b"zTXt" && credit_keyword(chunk.body).is_some()
}

/// For `Keep::COPYRIGHT`: a fresh text chunk holding the credit of a `tEXt` or an
/// uncompressed `iTXt` under `Author` or `Copyright` (PNG § 11.3.4.3, 11.3.4.5), the first
/// of each keyword, when its text is not blank: a `tEXt` as `keyword NUL text`, an `iTXt`
/// with its language tag and translated keyword left out. The text is copied byte for byte,
/// up to its first NUL and at most [`exif::MAX_CREDIT`] − 1 bytes (as the EXIF credit is).
/// A compressed `iTXt` cannot be read: its credit goes, and the report says so.
fn write_credit_text(
    chunk: &Chunk<'_>,
    walk: &mut Walk,
    report: &mut Report,
    out: &mut impl Sink,
) -> usize {
    let Some(which) = credit_keyword(chunk.body) else {
        return 0;
    };
    if walk.wrote_text.get(which).copied().unwrap_or(true) {
        return 0;
    }
    let mut fields = chunk.body.splitn(2, |&b| b == 0);
    let (Some(keyword), Some(rest)) = (fields.next(), fields.next()) else {
        return 0;
    };
    let text = if &chunk.kind == b"iTXt" {
        let Some((&[flag, _method], rest)) = rest.split_first_chunk::<2>() else {
            return 0;
        };
        if flag != 0 {
            report.not_kept |= Keep::COPYRIGHT;
            return 0;
        }
        let mut fields = rest.splitn(3, |&b| b == 0);
        match (fields.next(), fields.next(), fields.next()) {
            (Some(_lang), Some(_translated), Some(text)) => text,
            _ => return 0,
        }
    } else {
        rest
    };
    let text = text.split(|&b| b == 0).next().unwrap_or_default();
    let text = text
        .get(..exif::MAX_CREDIT.saturating_sub(1))
        .unwrap_or(text);
    if text.iter().all(u8::is_ascii_whitespace) {
        return 0;
    }
    let written = if &chunk.kind == b"iTXt" {
        write_chunk(*b"iTXt", &[keyword, b"\0\0\0\0\0", text], out)
    } else {
        write_chunk(*b"tEXt", &[keyword, b"\0", text], out)
    };
    if let Some(flag) = walk.wrote_text.get_mut(which) {
        *flag = written > 0;
    }
    written
}

/// The iTXt keyword of an XMP packet (XMP part 3 § 1.1.5).
const XMP_KEYWORD: &[u8] = b"XML:com.adobe.xmp";

/// For `Keep::COPYRIGHT`: an uncompressed iTXt `XML:com.adobe.xmp` holding only the credit
/// of the XMP packet in `body` (an iTXt: keyword, NUL, compression flag and method, language
/// tag, NUL, translated keyword, NUL, text; PNG § 11.3.4.5), when it has any. Other iTXt
/// chunks go; a compressed packet cannot be read (no inflater here), so its credit goes and
/// the report says so.
fn write_credit_xmp(body: &[u8], report: &mut Report, out: &mut impl Sink) -> usize {
    let Some(rest) = body
        .strip_prefix(XMP_KEYWORD)
        .and_then(|r| r.strip_prefix(b"\0"))
    else {
        return 0;
    };
    let Some((&[flag, _method], rest)) = rest.split_first_chunk::<2>() else {
        return 0;
    };
    let mut fields = rest.splitn(3, |&b| b == 0);
    let (Some(_lang), Some(_translated), Some(packet)) =
        (fields.next(), fields.next(), fields.next())
    else {
        return 0;
    };
    if flag != 0 || found::credit::is_unreadable(packet) {
        report.not_kept |= Keep::COPYRIGHT;
        return 0;
    }
    let Some(packet) = found::xmp_credit(packet).packet() else {
        return 0;
    };
    write_chunk(*b"iTXt", &[XMP_KEYWORD, b"\0\0\0\0\0", &packet], out)
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
