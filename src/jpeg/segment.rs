//! The marker layer of T.81 Annex B: marker codes, marker segments, and the search for the
//! next marker past fill bytes. A leaf of the JPEG walker.

use crate::error::Error;
use crate::reader::Reader;
use crate::work;

pub(super) const SOI: u8 = 0xD8;
pub(super) const EOI: u8 = 0xD9;
pub(super) const SOS: u8 = 0xDA;
pub(super) const DHT: u8 = 0xC4;
pub(super) const DAC: u8 = 0xCC;
pub(super) const DQT: u8 = 0xDB;
pub(super) const DNL: u8 = 0xDC;
pub(super) const DRI: u8 = 0xDD;
pub(super) const DHP: u8 = 0xDE;
pub(super) const EXP: u8 = 0xDF;
pub(super) const COM: u8 = 0xFE;
pub(super) const APP0: u8 = 0xE0;
pub(super) const APP1: u8 = 0xE1;
pub(super) const APP2: u8 = 0xE2;
pub(super) const APP13: u8 = 0xED;
pub(super) const APP14: u8 = 0xEE;
pub(super) const TEM: u8 = 0x01;

/// One marker segment: `FF marker length body`.
pub(super) struct Segment<'a> {
    pub(super) marker: u8,
    pub(super) raw: &'a [u8],
    pub(super) body: &'a [u8],
}

/// A marker found by [`next_marker`].
pub(super) struct Found {
    pub(super) marker: u8,
    /// Offset of the `FF` just before the marker byte.
    pub(super) offset: usize,
    /// Whether bytes other than fill bytes were passed over before that `FF`.
    pub(super) garbage: bool,
}

/// Moves past fill bytes (T.81 B.1.1.2) and any garbage to the next marker. libjpeg skips
/// such garbage with a warning ("extraneous bytes before marker"), so it is not image data.
/// `None` at the end of the input.
pub(super) fn next_marker(r: &mut Reader<'_>) -> Option<Found> {
    let rest = r.rest();
    let mut from = 0usize;
    loop {
        let tail = rest.get(from..)?;
        let Some(ff) = tail.iter().position(|&b| b == 0xFF) else {
            work::add(tail.len()); // scanned to the end: no marker
            return None;
        };
        let ff = from.saturating_add(ff);
        let run = rest.get(ff..)?.iter().take_while(|&&b| b == 0xFF).count();
        let after = ff.saturating_add(run);
        work::add(after.saturating_sub(from)); // the bytes this step scanned
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
                    garbage: ff > 0 || from > 0,
                });
            }
        }
    }
}

pub(super) fn read_segment<'a>(
    r: &mut Reader<'a>,
    marker: u8,
    offset: usize,
) -> Result<Segment<'a>, Error> {
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
