//! The low-overhead `mini` box (ISO/IEC 23008-12:2024 Amd 2, brand `mif3`): one bit-packed
//! header, then the codec configurations, ICC, tone-map ICC, gain-map metadata, alpha,
//! gain-map and main item data, Exif and XMP, back to back with no padding.
//!
//! Exif and XMP always go, ICC and tone-map ICC unless `Keep::ICC`: their flags are cleared,
//! their size fields (and the `exif_xmp_compressed_flag` and `large_metadata_flag` when
//! nothing uses them any more) are cut out of the header bit by bit, the header is padded
//! to a byte again, and their chunks are not copied. Every other bit and byte is copied.
//! The chunk sizes must add up to the box exactly (as CrabbyAvif requires), so a header
//! this walker misreads is an error, never a silently wrong cut. Without its ICC chunk and
//! without explicit CICP, the image is read as sRGB (the header's default when `icc_flag`
//! is 0), as an image without any colour profile is. What the Exif and XMP chunks hold is
//! read for [`Report::found`](crate::Report) unless they are deflate-coded.

use super::boxes::{begin_box, end_box, Bmff};
use super::holds;
use crate::error::Error;
use crate::format::Format;
use crate::found;
use crate::options::{Keep, Options};
use crate::report::{Found, Kinds, Report, Verdict};
use crate::sink::Sink;

/// A bit cursor (most significant bit first) over the `mini` payload.
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    /// Absolute offset of `data[0]`, for errors.
    at: usize,
    format: Format,
}

impl Bits<'_> {
    fn bit(&self, pos: usize) -> Option<bool> {
        let byte = self.data.get(pos / 8)?;
        Some(byte & (0x80 >> (pos % 8)) != 0)
    }

    fn read(&mut self, n: usize) -> Result<u32, Error> {
        let mut v = 0u32;
        for _ in 0..n.min(32) {
            let Some(bit) = self.bit(self.pos) else {
                return Err(Error::Truncated {
                    format: self.format,
                    offset: self.at.saturating_add(self.data.len()),
                    needed: 1,
                });
            };
            v = (v << 1) | u32::from(bit);
            self.pos = self.pos.saturating_add(1);
        }
        Ok(v)
    }

    fn flag(&mut self) -> Result<bool, Error> {
        Ok(self.read(1)? == 1)
    }

    fn skip(&mut self, n: usize) -> Result<(), Error> {
        let end = self.pos.saturating_add(n);
        if end > self.data.len().saturating_mul(8) {
            return Err(Error::Truncated {
                format: self.format,
                offset: self.at.saturating_add(self.data.len()),
                needed: 1,
            });
        }
        self.pos = end;
        Ok(())
    }
}

/// Bit positions of the three flags that say which metadata chunks follow.
const ICC_FLAG: usize = 8;
const EXIF_FLAG: usize = 9;
const XMP_FLAG: usize = 10;

/// The chunks that follow the header, in file order. Each is the bytes of one or more
/// size fields of the header (see [`SIZE_FIELDS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chunk {
    /// Codec configurations of the main, alpha and gain-map items.
    CodecConfigs,
    Icc,
    /// The ICC profile of the tone-mapped (gain-map applied) image.
    TmapIcc,
    /// Gain-map metadata, then the alpha, gain-map and main items' coded data.
    ItemData,
    Exif,
    Xmp,
}

/// The chunks in file order.
const CHUNKS: [Chunk; 6] = [
    Chunk::CodecConfigs,
    Chunk::Icc,
    Chunk::TmapIcc,
    Chunk::ItemData,
    Chunk::Exif,
    Chunk::Xmp,
];

/// The policy of SPEC.md § HEIF for `mini` chunks: the picture's data and configurations
/// stay; Exif and XMP go; ICC profiles go unless `Keep::ICC`.
fn verdict(chunk: Chunk, keep: Keep) -> Verdict {
    match chunk {
        Chunk::CodecConfigs | Chunk::ItemData => Verdict::Keep,
        Chunk::Icc | Chunk::TmapIcc if keep.contains(Keep::ICC) => Verdict::Keep,
        Chunk::Icc | Chunk::TmapIcc => Verdict::Drop(Kinds::ICC),
        Chunk::Exif => Verdict::Drop(Kinds::EXIF),
        Chunk::Xmp => Verdict::Drop(Kinds::XMP),
    }
}

/// When a field of the size part of the header is there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum When {
    Always,
    Icc,
    /// A gain map with its own tone-map ICC profile.
    TmapIcc,
    Gainmap,
    Alpha,
    ExifOrXmp,
    Exif,
    Xmp,
    /// When the field before it (an item's data size) is not zero.
    AfterNonZero,
}

/// How many bits a field has: set by the header's `large_*_flag`s, or one for a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Width {
    Metadata,
    CodecConfig,
    ItemData,
    Flag,
}

/// What a field of the size part says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Measures {
    /// Bytes of this chunk (the field's value, plus one for a `_minus1` field).
    Chunk(Chunk, u64),
    /// `exif_xmp_compressed_flag`: how the Exif and XMP chunks are coded.
    ExifXmpCoding,
}

/// One field of the size part of the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Field {
    when: When,
    width: Width,
    measures: Measures,
}

/// The size part of the `MinimizedImageBox` header (ISO 23008-12 Amd 2), in order.
const SIZE_FIELDS: [Field; 12] = {
    use Chunk::*;
    use Measures::{Chunk as Of, ExifXmpCoding};
    const fn f(when: When, width: Width, measures: Measures) -> Field {
        Field {
            when,
            width,
            measures,
        }
    }
    [
        f(When::Icc, Width::Metadata, Of(Icc, 1)), // icc_data_size_minus1
        f(When::TmapIcc, Width::Metadata, Of(TmapIcc, 1)), // tmap_icc_data_size_minus1
        f(When::Gainmap, Width::Metadata, Of(ItemData, 0)), // gainmap_metadata_size
        f(When::Gainmap, Width::ItemData, Of(ItemData, 0)), // gainmap_item_data_size
        f(When::AfterNonZero, Width::CodecConfig, Of(CodecConfigs, 0)), // its codec config
        f(When::Always, Width::CodecConfig, Of(CodecConfigs, 0)), // main_item_codec_config_size
        f(When::Always, Width::ItemData, Of(ItemData, 1)), // main_item_data_size_minus1
        f(When::Alpha, Width::ItemData, Of(ItemData, 0)), // alpha_item_data_size
        f(When::AfterNonZero, Width::CodecConfig, Of(CodecConfigs, 0)), // its codec config
        f(When::ExifOrXmp, Width::Flag, ExifXmpCoding), // exif_xmp_compressed_flag
        f(When::Exif, Width::Metadata, Of(Exif, 1)), // exif_data_size_minus_one
        f(When::Xmp, Width::Metadata, Of(Xmp, 1)), // xmp_data_size_minus_one
    ]
};

/// What the header before the size part says, and where the flags of the metadata chunks
/// are.
#[derive(Debug, Clone, Copy, Default)]
struct Flags {
    alpha: bool,
    icc: bool,
    exif: bool,
    xmp: bool,
    gainmap: bool,
    tmap_icc: bool,
    /// Bit position of `tmap_icc_flag` (only in a header with a gain map).
    tmap_icc_flag: usize,
}

impl Flags {
    fn holds(&self, when: When) -> bool {
        match when {
            When::Always | When::AfterNonZero => true,
            When::Icc => self.icc,
            When::TmapIcc => self.gainmap && self.tmap_icc,
            When::Gainmap => self.gainmap,
            When::Alpha => self.alpha,
            When::ExifOrXmp => self.exif || self.xmp,
            When::Exif => self.exif,
            When::Xmp => self.xmp,
        }
    }

    /// Whether `large_metadata_flag` is there (it says how wide the metadata sizes are).
    fn has_metadata(&self) -> bool {
        self.icc || self.exif || self.xmp || self.gainmap
    }

    /// The bit that says whether `chunk` is there, for the chunks that have one.
    fn flag_of(&self, chunk: Chunk) -> Option<usize> {
        match chunk {
            Chunk::Icc => Some(ICC_FLAG),
            Chunk::TmapIcc => Some(self.tmap_icc_flag),
            Chunk::Exif => Some(EXIF_FLAG),
            Chunk::Xmp => Some(XMP_FLAG),
            Chunk::CodecConfigs | Chunk::ItemData => None,
        }
    }
}

/// A field of the size part as read: where it is, how many bits, and its value.
#[derive(Debug, Clone, Copy)]
struct Read {
    field: Field,
    at: usize,
    bits: usize,
    value: u64,
}

/// The whole header as read.
struct Header {
    flags: Flags,
    /// Bit position of `large_metadata_flag` (when [`Flags::has_metadata`]).
    metadata_flag: usize,
    /// The fields of the size part that are there, in order.
    sizes: Vec<Read>,
    /// Header length in bits, before its padding to a byte.
    bits: usize,
}

impl Header {
    /// Bytes of `chunk`: the sum of the fields that measure it.
    fn chunk_len(&self, chunk: Chunk) -> u64 {
        self.sizes
            .iter()
            .filter_map(|r| match r.field.measures {
                Measures::Chunk(c, plus) if c == chunk => Some(r.value.saturating_add(plus)),
                _ => None,
            })
            .fold(0, u64::saturating_add)
    }
}

/// Header bits to leave out and flags to clear, and which chunks go.
#[derive(Debug, Default)]
struct Edits {
    cuts: Vec<(usize, usize)>,
    clear: Vec<usize>,
    dropped: Vec<Chunk>,
}

impl Edits {
    fn keeps_bit(&self, pos: usize) -> bool {
        !self
            .cuts
            .iter()
            .any(|&(start, len)| pos >= start && pos < start.saturating_add(len))
    }
}

/// HDR properties (ContentLightLevel, MasteringDisplayColourVolume, ContentColourVolume,
/// AmbientViewingEnvironment, ReferenceViewingEnvironment, NominalDiffuseWhite).
fn skip_hdr_properties(b: &mut Bits<'_>) -> Result<(), Error> {
    let [clli, mdcv, cclv, amve, reve, ndwt] = [
        b.flag()?,
        b.flag()?,
        b.flag()?,
        b.flag()?,
        b.flag()?,
        b.flag()?,
    ];
    if clli {
        b.skip(32)?;
    }
    if mdcv {
        b.skip(192)?;
    }
    if cclv {
        b.skip(2)?;
        let [primaries, min, max, avg] = [b.flag()?, b.flag()?, b.flag()?, b.flag()?];
        b.skip(2)?;
        let words = [
            primaries, primaries, primaries, primaries, primaries, primaries, min, max, avg,
        ];
        b.skip(words.iter().filter(|&&w| w).count().saturating_mul(32))?;
    }
    if amve {
        b.skip(64)?;
    }
    if reve {
        b.skip(128)?;
    }
    if ndwt {
        b.skip(32)?;
    }
    Ok(())
}

pub(super) fn strip(
    ftyp: &Bmff<'_>,
    mini: &Bmff<'_>,
    opts: &Options,
    out: &mut impl Sink,
    report: &mut Report,
) -> Result<(), Error> {
    let data = mini.body.rest();
    let mut b = Bits {
        data,
        pos: 0,
        at: mini.body.pos(),
        format: report.format,
    };
    if b.read(2)? != 0 {
        return Err(mini
            .body
            .unsupported_at(mini.offset, "mini box version other than 0"));
    }
    let header = read_header(&mut b, opts, report)?;
    let header_len = header.bits.div_ceil(8);
    // The chunk sizes must add up to the box exactly.
    let total = CHUNKS
        .iter()
        .fold(0u64, |sum, &c| sum.saturating_add(header.chunk_len(c)));
    let available = u64::try_from(data.len().saturating_sub(header_len)).unwrap_or(u64::MAX);
    if total != available {
        let what =
            format!("mini chunks add up to {total} bytes, but {available} follow the header");
        return Err(mini.body.malformed_at(mini.offset, what));
    }
    let edits = plan_edits(&header, opts.keep, report);
    report.found |= dropped_found(data, header_len, &header, &edits);
    out.extend_from_slice(ftyp.raw);
    let at = begin_box(out, *b"mini", mini.offset);
    write_header(&b, &header, &edits, out);
    copy_chunks(data, header_len, &header, &edits, out);
    end_box(out, at, report.format)
}

/// Reads the header after its version: the flags, the picture's size (checked against the
/// limits), and the size part.
fn read_header(b: &mut Bits<'_>, opts: &Options, report: &mut Report) -> Result<Header, Error> {
    let [explicit_codec_types, float, _full_range, alpha, explicit_cicp, hdr, icc, exif, xmp] = [
        b.flag()?,
        b.flag()?,
        b.flag()?,
        b.flag()?,
        b.flag()?,
        b.flag()?,
        b.flag()?,
        b.flag()?,
        b.flag()?,
    ];
    let mut flags = Flags {
        alpha,
        icc,
        exif,
        xmp,
        ..Flags::default()
    };
    let chroma = b.read(2)?;
    b.skip(3)?; // orientation_minus1
    let dim_bits = if b.flag()? { 15 } else { 7 };
    let width = b.read(dim_bits)?.saturating_add(1);
    let height = b.read(dim_bits)?.saturating_add(1);
    opts.limits.check_canvas(b.format, b.at, width, height)?;
    report.width = width;
    report.height = height;
    skip_pixel_format(b, chroma, float)?;
    if alpha {
        b.skip(1)?; // alpha_is_premultiplied
    }
    if explicit_cicp {
        b.skip(if chroma != 0 { 24 } else { 16 })?;
    }
    if explicit_codec_types {
        b.skip(64)?; // infe_type, codec_config_type
    }
    if hdr {
        read_hdr(b, dim_bits, &mut flags)?;
    }
    let metadata_flag = b.pos;
    let large_metadata = flags.has_metadata() && b.flag()?;
    let [large_codec_config, large_item_data] = [b.flag()?, b.flag()?];
    let bits = |width| match width {
        Width::Metadata if large_metadata => 20,
        Width::Metadata => 10,
        Width::CodecConfig if large_codec_config => 12,
        Width::CodecConfig => 3,
        Width::ItemData if large_item_data => 28,
        Width::ItemData => 15,
        Width::Flag => 1,
    };
    let mut sizes = Vec::with_capacity(SIZE_FIELDS.len());
    let mut previous = 0u64;
    for field in SIZE_FIELDS {
        let there = match field.when {
            When::AfterNonZero => previous > 0,
            when => flags.holds(when),
        };
        previous = 0;
        if there {
            let (at, bits) = (b.pos, bits(field.width));
            previous = u64::from(b.read(bits)?);
            sizes.push(Read {
                field,
                at,
                bits,
                value: previous,
            });
        }
    }
    Ok(Header {
        flags,
        metadata_flag,
        sizes,
        bits: b.pos,
    })
}

/// The HDR part of the header: the gain map's description and the HDR properties.
fn read_hdr(b: &mut Bits<'_>, dim_bits: usize, flags: &mut Flags) -> Result<(), Error> {
    flags.gainmap = b.flag()?;
    if flags.gainmap {
        b.skip(dim_bits.saturating_mul(2).saturating_add(9))?; // size, matrix_coefficients, full_range_flag
        let gainmap_chroma = b.read(2)?;
        let gainmap_float = b.flag()?;
        skip_pixel_format(b, gainmap_chroma, gainmap_float)?;
        flags.tmap_icc_flag = b.pos;
        flags.tmap_icc = b.flag()?;
        if b.flag()? {
            b.skip(25)?; // tmap colour_primaries, transfer, matrix, full_range_flag
        }
    }
    skip_hdr_properties(b)?;
    if flags.gainmap {
        skip_hdr_properties(b)?;
    }
    Ok(())
}

/// What the rewrite changes: each chunk that goes loses its size field and its flag; the
/// `exif_xmp_compressed_flag` goes with the last Exif or XMP chunk; `large_metadata_flag`
/// goes when no metadata size field is left for it to describe.
fn plan_edits(header: &Header, keep: Keep, report: &mut Report) -> Edits {
    let mut edits = Edits::default();
    let goes = |chunk: Chunk| matches!(verdict(chunk, keep), Verdict::Drop(_));
    for r in &header.sizes {
        let cut = match r.field.measures {
            Measures::Chunk(chunk, _) => {
                if let Verdict::Drop(kind) = verdict(chunk, keep) {
                    report.removed(kind);
                    edits.clear.extend(header.flags.flag_of(chunk));
                    edits.dropped.push(chunk);
                }
                goes(chunk)
            }
            Measures::ExifXmpCoding => goes(Chunk::Exif) && goes(Chunk::Xmp),
        };
        if cut {
            edits.cuts.push((r.at, r.bits));
        }
    }
    let metadata_left = header.sizes.iter().any(|r| {
        r.field.width == Width::Metadata
            && matches!(r.field.measures, Measures::Chunk(c, _) if !goes(c))
    });
    if header.flags.has_metadata() && !metadata_left {
        edits.cuts.push((header.metadata_flag, 1));
    }
    edits
}

/// Writes the header without the cut bits and with the cleared flags, padded with zero bits
/// to a byte (`trailing_bits`).
fn write_header(b: &Bits<'_>, header: &Header, edits: &Edits, out: &mut impl Sink) {
    let (mut acc, mut n) = (0u8, 0u32);
    for pos in (0..header.bits).filter(|&pos| edits.keeps_bit(pos)) {
        let bit = b.bit(pos).unwrap_or(false) && !edits.clear.contains(&pos);
        acc = (acc << 1) | u8::from(bit);
        n = n.saturating_add(1);
        if n == 8 {
            out.push(acc);
            (acc, n) = (0, 0);
        }
    }
    if n > 0 {
        out.push(acc.checked_shl(8u32.saturating_sub(n)).unwrap_or(0));
    }
}

/// Copies the chunks that stay, in order.
fn copy_chunks(
    data: &[u8],
    header_len: usize,
    header: &Header,
    edits: &Edits,
    out: &mut impl Sink,
) {
    for (chunk, bytes) in chunks(data, header_len, header) {
        if !edits.dropped.contains(&chunk) {
            crate::out::copy(out, bytes);
        }
    }
}

/// Each chunk and its bytes, in file order (the sizes were checked to add up to `data`).
fn chunks<'a>(
    data: &'a [u8],
    header_len: usize,
    header: &'a Header,
) -> impl Iterator<Item = (Chunk, &'a [u8])> + 'a {
    let mut pos = header_len;
    CHUNKS.into_iter().map(move |chunk| {
        let len = usize::try_from(header.chunk_len(chunk)).unwrap_or(usize::MAX);
        let end = pos.saturating_add(len);
        let bytes = data.get(pos..end).unwrap_or_default();
        pos = end;
        (chunk, bytes)
    })
}

/// What the Exif and XMP chunks that go hold, for the report. Deflate-coded chunks
/// (`exif_xmp_compressed_flag`) are not inflated: this walker decodes nothing.
fn dropped_found(data: &[u8], header_len: usize, header: &Header, edits: &Edits) -> Found {
    let compressed = header
        .sizes
        .iter()
        .any(|r| r.field.measures == Measures::ExifXmpCoding && r.value != 0);
    if compressed {
        return Found::empty();
    }
    chunks(data, header_len, header)
        .filter(|(chunk, _)| edits.dropped.contains(chunk))
        .fold(Found::empty(), |found, (chunk, bytes)| {
            found
                | match chunk {
                    Chunk::Exif => holds::exif_item(bytes),
                    Chunk::Xmp => found::xmp(bytes),
                    _ => Found::empty(),
                }
        })
}

/// chroma centring bits and bit depth (ISO 23008-12 Amd 2, `MinimizedImageBox`).
fn skip_pixel_format(b: &mut Bits<'_>, chroma: u32, float: bool) -> Result<(), Error> {
    if chroma == 1 || chroma == 2 {
        b.skip(1)?; // chroma_is_horizontally_centred
    }
    if chroma == 1 {
        b.skip(1)?; // chroma_is_vertically_centred
    }
    if float {
        b.skip(2)?; // bit_depth_log2_minus4
    } else if b.flag()? {
        b.skip(3)?; // bit_depth_minus9
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_follow_the_spec() {
        for keep in [Keep::empty(), Keep::ORIENTATION, Keep::ICC, Keep::DISPLAY] {
            let icc = if keep.contains(Keep::ICC) {
                Verdict::Keep
            } else {
                Verdict::Drop(Kinds::ICC)
            };
            let expected = [
                Verdict::Keep,
                icc,
                icc,
                Verdict::Keep,
                Verdict::Drop(Kinds::EXIF),
                Verdict::Drop(Kinds::XMP),
            ];
            assert_eq!(CHUNKS.map(|c| verdict(c, keep)), expected, "{keep:?}");
        }
    }

    #[test]
    fn every_chunk_is_measured_and_every_conditional_size_follows_a_data_size() {
        for chunk in CHUNKS {
            assert!(SIZE_FIELDS
                .iter()
                .any(|f| matches!(f.measures, Measures::Chunk(c, _) if c == chunk)));
        }
        for pair in SIZE_FIELDS.windows(2) {
            if pair[1].when == When::AfterNonZero {
                assert_eq!(pair[0].width, Width::ItemData);
            }
        }
    }
}
