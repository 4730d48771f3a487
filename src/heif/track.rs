//! Image sequences (ISO 23008-12 § 7): the `moov` box of `msf1`/`avis` files. Tracks stay
//! with every sample; `udta` and `meta` inside `moov` and `trak` go, as do timed-metadata
//! tracks (handler `meta`, which carry Exif/XMP/GPS samples). Creation and modification
//! times in `mvhd`, `tkhd` and `mdhd` are zeroed, handler names emptied, ICC `colr` boxes of
//! visual sample entries dropped (unless `Keep::ICC`) and their `compressorname` blanked.
//! Every `stco`/`co64` entry is rewritten to where its chunk lands in the new `mdat`.

use super::boxes::{find_child, full_box, next_box, Bmff};
use super::is_icc_colr;
use super::meta::write_hdlr;
use super::relocate::Patch;
use crate::options::{Keep, Options};
use crate::out::{begin_box, begin_full_box, end_box};
use crate::reader::Reader;
use crate::sink::Sink;
use crate::{Error, Kinds, Report};

/// The containers walked into, innermost last. Recursion follows only this path, so its
/// depth is bounded by the code, not by the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Moov,
    Trak,
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

/// Timed-metadata tracks (ISO 14496-12 § 12.3) hold Exif, XMP or location samples.
fn is_metadata_track(trak: &Bmff<'_>) -> Result<bool, Error> {
    Ok(handler(trak)? == Some(*b"meta"))
}

/// Collects the byte ranges of every chunk of every kept track, and checks each visual
/// track's frames × canvas against the limits.
pub(super) fn plan(
    moov: &Bmff<'_>,
    opts: &Options,
    ranges: &mut Vec<(u64, u64)>,
    report: &mut Report,
) -> Result<(), Error> {
    let mut r = moov.body.clone();
    while let Some(trak) = next_box(&mut r)? {
        if &trak.kind != b"trak" || is_metadata_track(&trak)? {
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
fn plan_chunks(trak: &Bmff<'_>, ranges: &mut Vec<(u64, u64)>) -> Result<u32, Error> {
    let stbl = match find_child(&trak.body, b"mdia")? {
        Some(mdia) => match find_child(&mdia.body, b"minf")? {
            Some(minf) => find_child(&minf.body, b"stbl")?,
            None => None,
        },
        None => None,
    };
    let Some(stbl) = stbl else { return Ok(0) };
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
        ranges.push((offset, end));
        sample = end_sample;
    }
    Ok(sizes.count)
}

/// What the `moov` rewrite needs from the caller.
pub(super) struct Emit<'o, S: Sink> {
    pub(super) out: &'o mut S,
    pub(super) patches: &'o mut Vec<Patch>,
    pub(super) keep: Keep,
    pub(super) report: &'o mut Report,
}

/// Writes `moov` without metadata, chunk offsets as placeholders.
pub(super) fn emit(moov: &Bmff<'_>, e: &mut Emit<'_, impl Sink>) -> Result<(), Error> {
    let at = begin_box(e.out, *b"moov");
    container(&moov.body, Level::Moov, e)?;
    end_box(e.out, at, moov.body.format())
}

fn container(body: &Reader<'_>, level: Level, e: &mut Emit<'_, impl Sink>) -> Result<(), Error> {
    let mut r = body.clone();
    while let Some(b) = next_box(&mut r)? {
        let inner = match (level, &b.kind) {
            (Level::Moov, b"trak") if is_metadata_track(&b)? => {
                e.report.removed(Kinds::OTHER, 0);
                continue;
            }
            (Level::Moov, b"trak") => Some(Level::Trak),
            (Level::Trak, b"mdia") => Some(Level::Mdia),
            (Level::Mdia, b"minf") => Some(Level::Minf),
            (Level::Minf, b"stbl") => Some(Level::Stbl),
            _ => None,
        };
        if let Some(inner) = inner {
            let at = begin_box(e.out, b.kind);
            container(&b.body, inner, e)?;
            end_box(e.out, at, b.body.format())?;
            continue;
        }
        match &b.kind {
            b"udta" | b"meta" | b"uuid" | b"free" | b"skip" => e.report.removed(Kinds::OTHER, 0),
            b"mvex" | b"saio" => {
                return Err(b
                    .body
                    .unsupported_at(b.offset, "fragmented or encrypted sequence"))
            }
            b"mvhd" | b"tkhd" | b"mdhd" => zero_times(&b, e)?,
            b"hdlr" => write_hdlr(e.out, &b, e.report)?,
            b"dinf" => {
                super::relations::check_dinf(&b)?;
                e.out.extend_from_slice(b.raw);
            }
            b"stco" | b"co64" if level == Level::Stbl => chunk_offsets(&b, e)?,
            b"stsd" if level == Level::Stbl => sample_descriptions(&b, e)?,
            _ => crate::out::copy(e.out, b.raw),
        }
    }
    Ok(())
}

/// Copies `mvhd`/`tkhd`/`mdhd` with creation and modification times zeroed (they open the
/// body: two 32-bit fields in version 0, two 64-bit fields in version 1).
fn zero_times(b: &Bmff<'_>, e: &mut Emit<'_, impl Sink>) -> Result<(), Error> {
    let mut r = b.body.clone();
    let (version, _) = full_box(&mut r)?;
    let times = r.bytes(if version == 1 { 16 } else { 8 })?;
    if times.iter().any(|&t| t != 0) {
        e.report.removed(Kinds::TIMESTAMP, 0);
    }
    let head = b
        .raw
        .get(..r.pos().saturating_sub(b.offset).saturating_sub(times.len()))
        .unwrap_or_default();
    e.out.extend_from_slice(head);
    e.out.zeros(times.len());
    e.out.extend_from_slice(r.rest());
    Ok(())
}

fn chunk_offsets(b: &Bmff<'_>, e: &mut Emit<'_, impl Sink>) -> Result<(), Error> {
    let mut r = b.body.clone();
    let (version, flags) = full_box(&mut r)?;
    let count = r.u32_be()?;
    let width = if &b.kind == b"co64" { 8 } else { 4 };
    if !r.holds(usize::try_from(count).unwrap_or(usize::MAX), width) {
        return Err(r.malformed(format!("chunk count {count} is more than its box holds")));
    }
    let at = begin_full_box(e.out, b.kind, version, flags);
    e.out.extend_from_slice(&count.to_be_bytes());
    for _ in 0..count {
        let old = r.uint_be(width)?;
        e.patches.push(Patch {
            at: e.out.len(),
            width,
            old,
        });
        e.out.zeros(width);
    }
    end_box(e.out, at, b.body.format())
}

/// Visual sample entries (ISO 14496-12 § 12.1.3) of the codecs HEIF sequences use.
fn is_visual_entry(kind: &[u8; 4]) -> bool {
    matches!(
        kind,
        b"av01"
            | b"hvc1"
            | b"hev1"
            | b"avc1"
            | b"avc3"
            | b"vvc1"
            | b"vvi1"
            | b"vp08"
            | b"vp09"
            | b"mp4v"
            | b"jpeg"
    )
}

/// SampleEntry (8 bytes) + VisualSampleEntry fields (70 bytes), before the child boxes.
const VISUAL_ENTRY_LEN: usize = 78;
/// Where `compressorname` (32 bytes, the encoder's name) sits in a visual entry body.
const COMPRESSOR_NAME: std::ops::Range<usize> = 42..74;

fn sample_descriptions(b: &Bmff<'_>, e: &mut Emit<'_, impl Sink>) -> Result<(), Error> {
    let mut r = b.body.clone();
    let (version, flags) = full_box(&mut r)?;
    let count = r.u32_be()?;
    let at = begin_full_box(e.out, *b"stsd", version, flags);
    e.out.extend_from_slice(&count.to_be_bytes());
    while let Some(entry) = next_box(&mut r)? {
        if !is_visual_entry(&entry.kind) {
            e.out.extend_from_slice(entry.raw);
            continue;
        }
        let mut body = entry.body.clone();
        let fields = body.bytes(VISUAL_ENTRY_LEN)?;
        let name = fields.get(COMPRESSOR_NAME).unwrap_or_default();
        if name.iter().any(|&c| c != 0) {
            e.report.removed(Kinds::OTHER, 0);
        }
        let entry_at = begin_box(e.out, entry.kind);
        e.out
            .extend_from_slice(fields.get(..COMPRESSOR_NAME.start).unwrap_or_default());
        e.out.extend_from_slice(&[0; 32]);
        e.out
            .extend_from_slice(fields.get(COMPRESSOR_NAME.end..).unwrap_or_default());
        while let Some(child) = next_box(&mut body)? {
            if is_icc_colr(&child) && !e.keep.contains(Keep::ICC) {
                e.report.removed(Kinds::ICC, 0);
            } else {
                e.out.extend_from_slice(child.raw);
            }
        }
        end_box(e.out, entry_at, b.body.format())?;
    }
    end_box(e.out, at, b.body.format())
}
