//! Image sequences (ISO 23008-12 § 7): the `moov` box of `msf1`/`avis` files, rebuilt from an
//! allow-list of the boxes ISO 14496-12 needs to decode and present the samples:
//! `moov`: `mvhd`, `trak`; `trak`: `tkhd`, `tref`, `edts` (`elst`), `mdia`; `mdia`: `mdhd`,
//! `hdlr`, `minf`; `minf`: `vmhd`, `smhd`, `dinf`, `stbl`; `stbl`: `stsd`, `stts`, `ctts`,
//! `cslg`, `stsc`, `stsz`, `stz2`, `stco`, `co64`, `stss`. Everything else goes at every level
//! (`udta`, `meta`, `iods`, sample groups, unknown boxes), and each kept box is cut to its
//! defined length ([`allow::defined_track_box_len`]).
//!
//! Tracks stay when they are visual (handler `pict`, `vide`, `auxv`) or sound tracks of a
//! known audio coding; timed metadata (handler `meta`, which carries Exif/XMP/GPS samples)
//! and every other track go. A visual track of a coding this crate does not know is
//! [`Error::Unsupported`]: it may be the picture. Creation and modification times in `mvhd`,
//! `tkhd` and `mdhd` are zeroed, handler names emptied, `dinf` written self-contained, sample
//! entries rebuilt (`compressorname` blanked, ICC `colr` dropped unless `Keep::ICC`, only
//! the boxes of [`allow::is_visual_entry_box`] / [`allow::is_audio_entry_box`]), `tref` kept
//! for the types of [`allow::is_track_reference`] between kept tracks. Every `stco`/`co64`
//! entry is rewritten to where its chunk lands in the new `mdat`.

use super::allow::{self, PropVerdict};
use super::boxes::{
    begin_box, begin_full_box, end_box, find_child, full_box, next_box, put_uint, Bmff,
};
use super::meta::{write_hdlr, write_property};
use super::relations::write_dinf;
use super::relocate::{Place, Ranges, Relocation};
use crate::error::Error;
use crate::options::{Keep, Options};
use crate::reader::Reader;
use crate::report::{Kinds, Report};
use crate::sink::Sink;
use crate::work;

/// The containers walked into, innermost last. Recursion follows only this path, so its
/// depth is bounded by the code, not by the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Moov,
    Trak,
    Edts,
    Mdia,
    Minf,
    Stbl,
}

/// The handler type of a track (`trak/mdia/hdlr`), if it has one.
fn handler(trak: &Bmff<'_>) -> Result<Option<[u8; 4]>, Error> {
    let Some(mdia) = find_child(&trak.body, b"mdia")? else {
        return Ok(None);
    };
    let Some(mut hdlr) = find_child(&mdia.body, b"hdlr")? else {
        return Ok(None);
    };
    full_box(&mut hdlr.body)?;
    hdlr.body.skip(4)?;
    Ok(Some(hdlr.body.array()?))
}

/// Whether a track stays. Visual tracks stay, and every one of their sample entries must be
/// of a known coding; sound tracks stay when every entry is a known audio coding (version 0
/// or 1, the 28-byte ISO layout); timed metadata (ISO 14496-12 § 12.3: Exif, XMP or location
/// samples) and every other handler go.
fn is_kept_track(trak: &Bmff<'_>) -> Result<bool, Error> {
    let handler = handler(trak)?;
    let visual = matches!(&handler, Some(h) if h == b"pict" || h == b"vide" || h == b"auxv");
    if !visual && handler != Some(*b"soun") {
        return Ok(false);
    }
    let stsd = match sample_table(trak)? {
        Some(stbl) => find_child(&stbl.body, b"stsd")?,
        None => None,
    };
    let Some(stsd) = stsd else {
        return Ok(true);
    };
    let mut entries = stsd.body.clone();
    entries.skip(8)?; // version, flags, entry_count
    while let Some(entry) = next_box(&mut entries)? {
        if visual && !allow::is_visual_entry(&entry.kind) {
            return Err(entries.unsupported_at(
                entry.offset,
                "a visual sample entry of a coding this crate does not know",
            ));
        }
        if !visual {
            // AudioSampleEntry: SampleEntry (8 bytes), then entry_version (§ 12.2.3).
            let mut fields = entry.body.clone();
            let version = fields.skip(8).and_then(|()| fields.u16_be());
            if !allow::is_audio_entry(&entry.kind) || !matches!(version, Ok(0 | 1)) {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// `trak/mdia/minf/stbl`, if the track has one.
fn sample_table<'a>(trak: &Bmff<'a>) -> Result<Option<Bmff<'a>>, Error> {
    let Some(mdia) = find_child(&trak.body, b"mdia")? else {
        return Ok(None);
    };
    match find_child(&mdia.body, b"minf")? {
        Some(minf) => find_child(&minf.body, b"stbl"),
        None => Ok(None),
    }
}

/// The `track_ID` of each kept track (`tkhd`, § 8.3.2), sorted: what `tref` may point at.
fn kept_track_ids(moov: &Bmff<'_>) -> Result<Vec<u32>, Error> {
    let mut ids = Vec::new();
    let mut r = moov.body.clone();
    while let Some(trak) = next_box(&mut r)? {
        if &trak.kind != b"trak" || !is_kept_track(&trak)? {
            continue;
        }
        if let Some(mut tkhd) = find_child(&trak.body, b"tkhd")? {
            let (version, _) = full_box(&mut tkhd.body)?;
            tkhd.body.skip(if version == 1 { 16 } else { 8 })?;
            ids.push(tkhd.body.u32_be()?);
        }
    }
    ids.sort_unstable();
    Ok(ids)
}

/// Collects the byte ranges of every chunk of every kept track, and checks each visual
/// track's frames × canvas against the limits.
pub(super) fn plan(
    moov: &Bmff<'_>,
    opts: &Options,
    ranges: &mut Ranges,
    report: &mut Report,
) -> Result<(), Error> {
    let mut r = moov.body.clone();
    while let Some(trak) = next_box(&mut r)? {
        if &trak.kind != b"trak" || !is_kept_track(&trak)? {
            continue;
        }
        let samples = plan_chunks(&trak, ranges)?;
        if matches!(handler(&trak)?, Some(h) if &h == b"pict" || &h == b"vide") {
            let (at, width, height) = track_size(&trak)?;
            opts.limits
                .check_frames(moov.body.format(), at, width, height, samples)?;
            report.frames = report.frames.max(samples);
            if report.width == 0 {
                report.width = width;
                report.height = height;
            }
        }
    }
    Ok(())
}

/// At most how many chunk ranges [`plan`] adds: the entry counts of the kept tracks'
/// `stco`/`co64` boxes, each bounded by the bytes of its box, so that the list of ranges is
/// allocated once. A track `plan` refuses counts nothing here (`plan` reports it).
pub(super) fn chunk_count(moov: &Bmff<'_>) -> usize {
    let mut total = 0usize;
    let mut r = moov.body.clone();
    while let Ok(Some(trak)) = next_box(&mut r) {
        if &trak.kind != b"trak" || !is_kept_track(&trak).unwrap_or(false) {
            continue;
        }
        let Ok(Some(stbl)) = sample_table(&trak) else {
            continue;
        };
        let mut boxes = stbl.body.clone();
        while let Ok(Some(b)) = next_box(&mut boxes) {
            if !matches!(&b.kind, b"stco" | b"co64") {
                continue;
            }
            let width = if &b.kind == b"co64" { 8 } else { 4 };
            let mut body = b.body.clone();
            let count = full_box(&mut body).and_then(|_| body.u32_be());
            let count = count.map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX));
            let room = body.remaining().checked_div(width).unwrap_or(0);
            total = total.saturating_add(count.min(room));
        }
    }
    total
}

/// Width and height of a track from `tkhd` (16.16 fixed point; ISO 14496-12 § 8.3.2).
fn track_size(trak: &Bmff<'_>) -> Result<(usize, u32, u32), Error> {
    let Some(mut tkhd) = find_child(&trak.body, b"tkhd")? else {
        return Err(trak.body.malformed_at(trak.offset, "track without tkhd"));
    };
    let (version, _) = full_box(&mut tkhd.body)?;
    tkhd.body.skip(if version == 1 { 84 } else { 72 })?;
    let at = tkhd.body.pos();
    Ok((at, tkhd.body.u32_be()? >> 16, tkhd.body.u32_be()? >> 16))
}

/// Sample sizes from `stsz` or `stz2` (ISO 14496-12 § 8.7.3).
struct Sizes<'a> {
    constant: u32,
    count: u32,
    /// Bits per entry of the table (32 for `stsz`; 4, 8 or 16 for `stz2`).
    bits: u8,
    table: &'a [u8],
}

impl Sizes<'_> {
    fn read<'a>(b: &Bmff<'a>) -> Result<Sizes<'a>, Error> {
        let mut r = b.body.clone();
        full_box(&mut r)?;
        let (constant, bits) = if &b.kind == b"stsz" {
            (r.u32_be()?, 32)
        } else {
            let [_, _, _, bits] = r.array::<4>()?;
            if !matches!(bits, 4 | 8 | 16) {
                return Err(r.malformed(format!("stz2 field size {bits} is not 4, 8 or 16")));
            }
            (0, bits)
        };
        let count_at = r.pos();
        let count = r.u32_be()?;
        let need = if constant != 0 {
            0
        } else {
            u64::from(count).saturating_mul(bits.into()).div_ceil(8)
        };
        if need > u64::try_from(r.remaining()).unwrap_or(u64::MAX) {
            return Err(r.malformed_at(
                count_at,
                format!("sample count {count} is more than its box holds"),
            ));
        }
        Ok(Sizes {
            constant,
            count,
            bits,
            table: r.rest(),
        })
    }

    fn get(&self, i: u32) -> Option<u64> {
        if self.constant != 0 {
            return Some(self.constant.into());
        }
        let i = usize::try_from(i).ok()?;
        match self.bits {
            32 => self
                .table
                .get(i.checked_mul(4)?..)?
                .get(..4)?
                .try_into()
                .ok()
                .map(|b| u32::from_be_bytes(b).into()),
            16 => self
                .table
                .get(i.checked_mul(2)?..)?
                .get(..2)?
                .try_into()
                .ok()
                .map(|b| u16::from_be_bytes(b).into()),
            8 => self.table.get(i).map(|&b| b.into()),
            _ => self
                .table
                .get(i / 2)
                .map(|&b| u64::from(if i % 2 == 0 { b >> 4 } else { b & 15 })),
        }
    }
}

/// Adds the `[offset, offset + size)` of each chunk of a track; returns its sample count.
fn plan_chunks(trak: &Bmff<'_>, ranges: &mut Ranges) -> Result<u32, Error> {
    let Some(stbl) = sample_table(trak)? else {
        return Ok(0);
    };
    let (mut offsets, mut wide, mut stsc, mut sizes) = (None, false, None, None);
    let mut r = stbl.body.clone();
    while let Some(b) = next_box(&mut r)? {
        match &b.kind {
            b"stco" | b"co64" => {
                wide = &b.kind == b"co64";
                offsets = Some(b);
            }
            b"stsc" => stsc = Some(b),
            b"stsz" | b"stz2" => sizes = Some(Sizes::read(&b)?),
            _ => {}
        }
    }
    let Some(sizes) = sizes else { return Ok(0) };
    let (Some(offsets), Some(stsc)) = (offsets, stsc) else {
        return Ok(sizes.count);
    };
    let mut chunks = offsets.body.clone();
    full_box(&mut chunks)?;
    let chunk_count = chunks.u32_be()?;
    let width = if wide { 8 } else { 4 };
    if !chunks.holds(usize::try_from(chunk_count).unwrap_or(usize::MAX), width) {
        return Err(chunks.malformed(format!(
            "chunk count {chunk_count} is more than its box holds"
        )));
    }
    let mut runs = stsc.body.clone();
    full_box(&mut runs)?;
    let run_count = runs.u32_be()?;
    if !runs.holds(usize::try_from(run_count).unwrap_or(usize::MAX), 12) {
        return Err(runs.malformed(format!(
            "stsc entry count {run_count} is more than its box holds"
        )));
    }
    // The run in force, and the first chunk of the next one.
    let (mut per_chunk, mut next_first, mut runs_left) = (0u32, 1u32, run_count);
    let (mut sample, mut prev_first) = (0u32, 0u32);
    for chunk in 1..=chunk_count {
        while runs_left > 0 && chunk >= next_first {
            let at = runs.pos();
            let first = runs.u32_be()?;
            if first <= prev_first || first > chunk {
                return Err(runs.malformed_at(at, "stsc first_chunk out of order"));
            }
            prev_first = first;
            per_chunk = runs.u32_be()?;
            runs.skip(4)?;
            runs_left = runs_left.saturating_sub(1);
            next_first = if runs_left > 0 {
                runs.clone().u32_be()?
            } else {
                u32::MAX
            };
        }
        let at = chunks.pos();
        let offset = chunks.uint_be(width)?;
        let end_sample = sample.checked_add(per_chunk).filter(|&e| e <= sizes.count);
        let end_sample = end_sample
            .ok_or_else(|| chunks.malformed_at(at, "chunks hold more samples than stsz lists"))?;
        let len = if sizes.constant != 0 {
            u64::from(sizes.constant).checked_mul(per_chunk.into())
        } else {
            (sample..end_sample).try_fold(0u64, |acc, i| acc.checked_add(sizes.get(i)?))
        };
        let end = len.and_then(|l| offset.checked_add(l));
        let end = end.ok_or_else(|| chunks.malformed_at(at, "chunk size overflows"))?;
        ranges.push(offset, end);
        sample = end_sample;
    }
    Ok(sizes.count)
}

/// What the `moov` rewrite needs from the caller.
pub(super) struct Emit<'o, S: Sink> {
    pub(super) out: &'o mut S,
    pub(super) relocation: Relocation<'o>,
    pub(super) keep: Keep,
    pub(super) report: &'o mut Report,
}

/// Writes `moov` without metadata, every chunk offset pointing where its chunk now is.
pub(super) fn emit(moov: &Bmff<'_>, e: &mut Emit<'_, impl Sink>) -> Result<(), Error> {
    let ids = kept_track_ids(moov)?;
    let at = begin_box(e.out, *b"moov", moov.offset);
    container(&moov.body, Level::Moov, &ids, e)?;
    end_box(e.out, at, moov.body.format())
}

fn container(
    body: &Reader<'_>,
    level: Level,
    ids: &[u32],
    e: &mut Emit<'_, impl Sink>,
) -> Result<(), Error> {
    let mut r = body.clone();
    while let Some(b) = next_box(&mut r)? {
        if matches!(&b.kind, b"mvex" | b"saio") {
            return Err(b
                .body
                .unsupported_at(b.offset, "fragmented or encrypted sequence"));
        }
        let inner = match (level, &b.kind) {
            (Level::Moov, b"trak") if !is_kept_track(&b)? => {
                e.report.removed(Kinds::OTHER);
                continue;
            }
            (Level::Moov, b"trak") => Some(Level::Trak),
            (Level::Trak, b"edts") => Some(Level::Edts),
            (Level::Trak, b"mdia") => Some(Level::Mdia),
            (Level::Mdia, b"minf") => Some(Level::Minf),
            (Level::Minf, b"stbl") => Some(Level::Stbl),
            _ => None,
        };
        if let Some(inner) = inner {
            let at = begin_box(e.out, b.kind, b.offset);
            container(&b.body, inner, ids, e)?;
            end_box(e.out, at, b.body.format())?;
            continue;
        }
        match (level, &b.kind) {
            (Level::Moov, b"mvhd") | (Level::Trak, b"tkhd") | (Level::Mdia, b"mdhd") => {
                zero_times(&b, e)?;
            }
            (Level::Trak, b"tref") => track_references(&b, ids, e)?,
            // `hdlr` belongs in `mdia` (ISO 14496-12 § 8.4.3); one elsewhere goes, as any box
            // the allow-list does not name there.
            (Level::Mdia, b"hdlr") => write_hdlr(e.out, &b, e.report)?,
            (Level::Minf, b"dinf") => write_dinf(e.out, &b, e.report)?,
            (Level::Stbl, b"stco" | b"co64") => chunk_offsets(&b, e)?,
            (Level::Stbl, b"stsd") => sample_descriptions(&b, e)?,
            (Level::Edts, b"elst") | (Level::Minf, b"vmhd" | b"smhd") => copy_defined(&b, e)?,
            (Level::Stbl, b"stts" | b"ctts" | b"cslg" | b"stss") => copy_defined(&b, e)?,
            (Level::Stbl, b"stsc" | b"stsz" | b"stz2") => copy_defined(&b, e)?,
            // udta, meta, iods, sample groups, unknown boxes: none is needed to decode.
            _ => e.report.removed(Kinds::OTHER),
        }
    }
    Ok(())
}

/// Copies a box of a track, cut to its defined length when it is longer.
fn copy_defined(b: &Bmff<'_>, e: &mut Emit<'_, impl Sink>) -> Result<(), Error> {
    let body = b.body.rest();
    match allow::defined_track_box_len(&b.kind, body).and_then(|n| body.get(..n)) {
        Some(defined) if defined.len() < body.len() => {
            e.report.removed(Kinds::OTHER);
            let at = begin_box(e.out, b.kind, b.offset);
            e.out.extend_from_slice(defined);
            end_box(e.out, at, b.body.format())
        }
        _ => {
            e.out.extend_from_slice(b.raw);
            Ok(())
        }
    }
}

/// Writes `mvhd`/`tkhd`/`mdhd` with creation and modification times zeroed (they open the
/// body: two 32-bit fields in version 0, two 64-bit fields in version 1), cut to its defined
/// length.
fn zero_times(b: &Bmff<'_>, e: &mut Emit<'_, impl Sink>) -> Result<(), Error> {
    let body = b.body.rest();
    let mut r = b.body.clone();
    let (version, _) = full_box(&mut r)?;
    let times = r.bytes(if version == 1 { 16 } else { 8 })?;
    if times.iter().any(|&t| t != 0) {
        e.report.removed(Kinds::TIMESTAMP);
    }
    let end = allow::defined_track_box_len(&b.kind, body).map_or(body.len(), |n| n.min(body.len()));
    if end < body.len() {
        e.report.removed(Kinds::OTHER);
    }
    let fields_at = times.len().saturating_add(4);
    let at = begin_box(e.out, b.kind, b.offset);
    e.out.extend_from_slice(body.get(..4).unwrap_or_default());
    e.out.zeros(times.len());
    e.out
        .extend_from_slice(body.get(fields_at..end).unwrap_or_default());
    end_box(e.out, at, b.body.format())
}

/// Whether `id` is a kept track's.
fn is_kept_id(ids: &[u32], id: u32) -> bool {
    ids.binary_search_by(|k| {
        work::add(0);
        k.cmp(&id)
    })
    .is_ok()
}

/// The kept target ids of a `tref` child (whole 32-bit ids; a ragged end goes).
fn kept_targets<'a>(child: &Bmff<'a>, ids: &'a [u32]) -> impl Iterator<Item = &'a [u8]> + 'a {
    child.body.rest().chunks_exact(4).filter(move |&c| {
        <[u8; 4]>::try_from(c)
            .ok()
            .map(u32::from_be_bytes)
            .is_some_and(|id| is_kept_id(ids, id))
    })
}

/// Writes `tref` (§ 8.3.3) with the reference types of [`allow::is_track_reference`] and
/// only the ids of kept tracks; nothing when no reference is left.
fn track_references(b: &Bmff<'_>, ids: &[u32], e: &mut Emit<'_, impl Sink>) -> Result<(), Error> {
    let fmt = b.body.format();
    let live = |child: &Bmff<'_>| {
        allow::is_track_reference(&child.kind) && kept_targets(child, ids).next().is_some()
    };
    let mut r = b.body.clone();
    let mut any = false;
    while let Some(child) = next_box(&mut r)? {
        any |= live(&child);
    }
    if !any {
        e.report.removed(Kinds::OTHER);
        return Ok(());
    }
    let at = begin_box(e.out, *b"tref", b.offset);
    let mut r = b.body.clone();
    while let Some(child) = next_box(&mut r)? {
        if !live(&child) {
            e.report.removed(Kinds::OTHER);
            continue;
        }
        let child_at = begin_box(e.out, child.kind, child.offset);
        for id in kept_targets(&child, ids) {
            e.out.extend_from_slice(id);
        }
        end_box(e.out, child_at, fmt)?;
    }
    end_box(e.out, at, fmt)
}

fn chunk_offsets(b: &Bmff<'_>, e: &mut Emit<'_, impl Sink>) -> Result<(), Error> {
    let mut r = b.body.clone();
    let (version, flags) = full_box(&mut r)?;
    let count = r.u32_be()?;
    let width = if &b.kind == b"co64" { 8 } else { 4 };
    if !r.holds(usize::try_from(count).unwrap_or(usize::MAX), width) {
        return Err(r.malformed(format!("chunk count {count} is more than its box holds")));
    }
    let at = begin_full_box(e.out, b.kind, version, flags, b.offset);
    e.out.extend_from_slice(&count.to_be_bytes());
    for _ in 0..count {
        let entry = r.pos();
        let old = r.uint_be(width)?;
        let new = e.relocation.resolve(Place::Input(old));
        if !new.is_some_and(|n| put_uint(e.out, n, width)) {
            return Err(r.unsupported_at(entry, "a relocated offset does not fit its field"));
        }
    }
    end_box(e.out, at, b.body.format())
}

/// SampleEntry (8 bytes) + VisualSampleEntry fields (70 bytes), before the child boxes.
const VISUAL_ENTRY_LEN: usize = 78;
/// SampleEntry (8 bytes) + AudioSampleEntry fields (20 bytes) of the ISO layout.
const AUDIO_ENTRY_LEN: usize = 28;
/// Where `compressorname` (32 bytes, the encoder's name) sits in a visual entry body.
const COMPRESSOR_NAME: std::ops::Range<usize> = 42..74;
/// SampleEntry's six reserved bytes and `data_reference_index` 1: the one entry of the
/// self-contained `dref` every track gets.
const SAMPLE_ENTRY_HEAD: [u8; 8] = [0, 0, 0, 0, 0, 0, 0, 1];

/// Writes `stsd` (§ 8.5.2) with each sample entry rebuilt from its defined fields and the
/// boxes its kind may hold.
fn sample_descriptions(b: &Bmff<'_>, e: &mut Emit<'_, impl Sink>) -> Result<(), Error> {
    let fmt = b.body.format();
    let mut r = b.body.clone();
    let (version, _) = full_box(&mut r)?;
    r.skip(4)?; // entry_count: the entries present are the entries
    let mut count = 0u32;
    let mut entries = r.clone();
    while next_box(&mut entries)?.is_some() {
        count = count.saturating_add(1);
    }
    let at = begin_full_box(e.out, *b"stsd", version, 0, b.offset);
    e.out.extend_from_slice(&count.to_be_bytes());
    while let Some(entry) = next_box(&mut r)? {
        let visual = allow::is_visual_entry(&entry.kind);
        if !visual && !allow::is_audio_entry(&entry.kind) {
            return Err(r.unsupported_at(
                entry.offset,
                "a sample entry of a coding this crate does not know",
            ));
        }
        let mut body = entry.body.clone();
        let fields = body.bytes(if visual {
            VISUAL_ENTRY_LEN
        } else {
            AUDIO_ENTRY_LEN
        })?;
        let entry_at = begin_box(e.out, entry.kind, entry.offset);
        e.out.extend_from_slice(&SAMPLE_ENTRY_HEAD);
        if visual {
            let name = fields.get(COMPRESSOR_NAME).unwrap_or_default();
            if name.iter().any(|&c| c != 0) {
                e.report.removed(Kinds::OTHER);
            }
            let before_name = SAMPLE_ENTRY_HEAD.len()..COMPRESSOR_NAME.start;
            e.out
                .extend_from_slice(fields.get(before_name).unwrap_or_default());
            e.out.extend_from_slice(&[0; 32]);
            e.out
                .extend_from_slice(fields.get(COMPRESSOR_NAME.end..).unwrap_or_default());
        } else {
            e.out
                .extend_from_slice(fields.get(SAMPLE_ENTRY_HEAD.len()..).unwrap_or_default());
        }
        while let Some(child) = next_box(&mut body)? {
            let allowed = if visual {
                allow::is_visual_entry_box(&child.kind)
            } else {
                allow::is_audio_entry_box(&child.kind)
            };
            let verdict = match &child.kind {
                b"colr" if allowed => allow::property_verdict(&child, e.keep),
                _ if allowed => PropVerdict::Keep(None),
                _ => PropVerdict::Unknown,
            };
            match verdict {
                PropVerdict::Keep(_) => write_property(e.out, &child, fmt)?,
                PropVerdict::Drop(kind) => e.report.removed(kind),
                PropVerdict::Unknown => e.report.removed(Kinds::OTHER),
            }
        }
        end_box(e.out, entry_at, fmt)?;
    }
    end_box(e.out, at, fmt)
}
