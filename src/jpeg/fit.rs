//! The structure rules of ITU T.81 Annex B for the segments the JPEG walker keeps: each
//! stays only with its defined length, where T.81 puts it.

use std::borrow::Cow;

use super::entropy::entropy_len;
use super::segment::{
    next_marker, read_segment, Segment, DAC, DHP, DHT, DNL, DQT, DRI, EOI, EXP, SOI, SOS, TEM,
};
use crate::error::Error;
use crate::format::Format;
use crate::reader::Reader;

/// Walker state that outlives one segment.
#[derive(Default)]
pub(super) struct Walk {
    pub(super) seen_sof: bool,
    pub(super) seen_sos: bool,
    /// The minimal EXIF of the keep flags was written (the first Exif APP1 that had its
    /// fields); later ones go.
    pub(super) wrote_exif: bool,
    /// The fresh EXIF holding a kept Apple gain map's headroom, until the primary's first
    /// Exif APP1 (where the input's headroom was read) is replaced by it.
    pub(super) headroom_exif: Option<crate::exif::Tiff>,
    /// The credit XMP of `Keep::COPYRIGHT` was written; later packets go.
    pub(super) wrote_xmp: bool,
    /// A kept gain map's fresh XMP is the primary's: no credit packet beside it.
    pub(super) no_credit_xmp: bool,
    /// Scans since the last frame header.
    pub(super) scans_in_frame: u32,
    /// The scan just copied was its frame's first.
    pub(super) first_scan_ended: bool,
    /// The marker in hand came right after its frame's first scan: the one place of a DNL.
    pub(super) after_first_scan: bool,
    /// Whether a differential frame follows the first DHP before the first frame (see
    /// [`has_differential_frame`]); `None` until such a DHP is met.
    pub(super) hierarchical: Option<bool>,
    /// A DHP was kept: the file is hierarchical.
    pub(super) kept_dhp: bool,
    /// An EXP was kept since the last frame header (T.81 J.1: at most one before a frame).
    pub(super) kept_exp: bool,
}

/// What [`fit`] makes of a segment [`verdict`] keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fit {
    /// It has exactly its defined length: copy it.
    Whole,
    /// Keep the first `n` body bytes, its defined fields; no decoder reads the rest.
    Cut(usize),
    /// It is not where T.81 puts it, and no decoder uses it there: leave it out.
    Misplaced,
}

/// The structure rules of T.81 Annex B for the segments [`verdict`] keeps: each stays only
/// with its defined length, where T.81 puts it. A segment shorter than its definition is
/// malformed. One longer than its definition is cut to it when no decoder reads what
/// follows; when decoders read on (a table segment) or refuse the segment (libjpeg-turbo
/// checks the exact length of SOF, SOS and DRI and stops with "Bogus marker length"), the
/// file is malformed: there is no picture to keep that decoders agree on. Per segment:
/// - SOFn (checked in [`read_frame_header`]), SOS, DRI: exactly 8 + 3·Nf, 6 + 2·Ns and 4
///   bytes, or malformed (libjpeg-turbo `get_sof`, `get_sos`, `get_dri`; zune-jpeg and
///   jpeg-decoder refuse them too).
/// - DQT, DHT, DAC: a whole number of tables (1 + 64 or 1 + 128 bytes by Pq; 1 + 16 + the
///   16 counts, at most 256 codes) or of 2-byte entries, or malformed: libjpeg-turbo reads
///   bytes after the last whole table as the start of another and fails ("Bogus marker
///   length", "Bogus Huffman table definition").
/// - DNL: only right after its frame's first scan (T.81 B.2.5), cut to 4 bytes: libjpeg-turbo
///   skips every DNL whatever its length, zune-jpeg and jpeg-decoder refuse DNL. Anywhere
///   else it goes (libjpeg-turbo skips it without a warning).
/// - DHP: only the first, before the first frame, of a hierarchical file (T.81 B.3, J.1: a
///   differential frame follows), cut to 8 + 3·Nf bytes. EXP: at most one before each frame
///   after the first of such a file, cut to 3 bytes. libjpeg-turbo and jpeg-decoder refuse
///   DHP, EXP and differential frames, and zune-jpeg skips DHP and EXP by their length, so
///   no decoder reads past their fields, and none uses them in a file that is not
///   hierarchical: there they go.
pub(super) fn fit(seg: &Segment<'_>, offset: usize, walk: &mut Walk) -> Result<Fit, Error> {
    let body = seg.body.len();
    let fit = match seg.marker {
        SOS => {
            let ns = seg.body.first().map_or(0, |&ns| usize::from(ns));
            (body == ns.saturating_mul(2).saturating_add(4)).then_some(Fit::Whole)
        }
        DQT | DHT => {
            return whole_tables(seg.marker, seg.body)
                .map(|()| Fit::Whole)
                .map_err(|what| length_error(offset, what));
        }
        DAC => (body % 2 == 0).then_some(Fit::Whole),
        DRI => (body == 2).then_some(Fit::Whole),
        DNL if walk.after_first_scan => fit_to(body, 2),
        DHP if !walk.seen_sof && !walk.kept_dhp && walk.hierarchical == Some(true) => {
            walk.kept_dhp = true;
            frame_len(seg.body).and_then(|want| fit_to(body, want))
        }
        EXP if walk.kept_dhp && walk.seen_sos && !walk.kept_exp => {
            walk.kept_exp = true;
            fit_to(body, 1)
        }
        DNL | DHP | EXP => Some(Fit::Misplaced),
        _ => Some(Fit::Whole),
    };
    fit.ok_or_else(|| length_error(offset, misfit(seg).into()))
}

/// Why a segment [`fit`] refuses does not fit its definition.
#[cold]
pub(super) fn misfit(seg: &Segment<'_>) -> String {
    let length = seg.raw.len().saturating_sub(2);
    let count = seg.body.first().copied().unwrap_or(0);
    match seg.marker {
        SOS => format!("scan header length {length} is not 6 + 2 × its {count} components"),
        DAC => format!("DAC segment length {length} ends inside a 2-byte entry"),
        DRI => format!("DRI segment length {length} is not 4"),
        DNL => format!("DNL segment length {length} is shorter than 4"),
        DHP => format!("DHP segment length {length} is shorter than 8 + 3 × its components"),
        EXP => format!("EXP segment length {length} is shorter than 3"),
        marker => format!("segment FF{marker:02X} length {length} does not fit its fields"),
    }
}

/// A body of `len` bytes whose fields take `want`: whole, cut to them, or `None` when short.
pub(super) fn fit_to(len: usize, want: usize) -> Option<Fit> {
    match len.cmp(&want) {
        std::cmp::Ordering::Less => None,
        std::cmp::Ordering::Equal => Some(Fit::Whole),
        std::cmp::Ordering::Greater => Some(Fit::Cut(want)),
    }
}

/// The body length a frame header (or DHP) with its Nf says it has: 6 + 3·Nf (T.81 B.2.2);
/// `None` when it stops before Nf.
pub(super) fn frame_len(body: &[u8]) -> Option<usize> {
    body.get(5)
        .map(|&nf| usize::from(nf).saturating_mul(3).saturating_add(6))
}

/// Checks that the body of a DQT or DHT segment is a whole number of tables.
pub(super) fn whole_tables(marker: u8, body: &[u8]) -> Result<(), Cow<'static, str>> {
    let mut rest = body;
    while !rest.is_empty() {
        let len = if marker == DQT {
            dqt_table_len(rest)?
        } else {
            dht_table_len(rest)?
        };
        rest = match rest.get(len..) {
            Some(rest) => rest,
            None if marker == DQT => return Err("DQT segment ends inside a table".into()),
            None => return Err("DHT segment ends inside a table".into()),
        };
    }
    Ok(())
}

/// Length of the quantisation table at the start of `rest`: Pq, Tq and 64 values of 1 or 2
/// bytes by Pq (T.81 B.2.4.1).
pub(super) fn dqt_table_len(rest: &[u8]) -> Result<usize, Cow<'static, str>> {
    match rest.first().map_or(0, |pq_tq| pq_tq >> 4) {
        0 => Ok(1 + 64),
        1 => Ok(1 + 128),
        pq => Err(format!("quantisation table precision {pq} is not 0 or 1").into()),
    }
}

/// Length of the Huffman table at the start of `rest`: Tc, Th, 16 code counts and as many
/// values as they add up to (T.81 B.2.4.2), which is at most 256, one per 8-bit value
/// (libjpeg-turbo "Bogus Huffman table definition").
pub(super) fn dht_table_len(rest: &[u8]) -> Result<usize, Cow<'static, str>> {
    let counts = rest.get(1..17).ok_or("DHT segment ends inside a table")?;
    let codes = counts
        .iter()
        .fold(0usize, |sum, &n| sum.saturating_add(n.into()));
    if codes > 256 {
        return Err(format!("Huffman table of {codes} codes, more than 256").into());
    }
    Ok(codes.saturating_add(17))
}

/// The error for a segment whose length (at `offset + 2`) does not fit its content.
#[cold]
pub(super) fn length_error(offset: usize, what: Cow<'static, str>) -> Error {
    Error::Malformed {
        format: Format::Jpeg,
        offset: offset.saturating_add(2),
        what,
    }
}

/// Whether a differential frame header (SOF5–7, SOF13–15) follows in `r`, before EOI: what
/// makes a DHP part of a hierarchical process (T.81 J.1: a non-differential frame comes
/// first, then differential ones, so the first frame alone cannot tell). Walks the rest of
/// the input by the main walk's rules, once per file; a header cut off by the end of the
/// input, or a broken segment before it, does not count, as the main walk keeps neither.
pub(super) fn has_differential_frame(mut r: Reader<'_>) -> bool {
    while let Some(found) = next_marker(&mut r) {
        match found.marker {
            EOI | SOI => return false,
            0xD0..=0xD7 | TEM => {}
            marker => {
                if read_segment(&mut r, marker, found.offset).is_err() {
                    return false;
                }
                if matches!(marker, 0xC5..=0xC7 | 0xCD..=0xCF) {
                    return true;
                }
                if marker == SOS && r.skip(entropy_len(r.rest())).is_err() {
                    return false;
                }
            }
        }
    }
    false
}
