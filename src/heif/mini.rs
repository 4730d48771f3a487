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
//! is 0), as an image without any colour profile is.

use super::boxes::{begin_box, end_box, Bmff};
use crate::error::Error;
use crate::format::Format;
use crate::options::{Keep, Options};
use crate::report::{Kinds, Report};
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
    let format = report.format;
    let data = mini.body.rest();
    let mut b = Bits {
        data,
        pos: 0,
        at: mini.body.pos(),
        format,
    };
    if b.read(2)? != 0 {
        return Err(mini
            .body
            .unsupported_at(mini.offset, "mini box version other than 0"));
    }
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
    let chroma = b.read(2)?;
    b.skip(3)?; // orientation_minus1
    let dim_bits = if b.flag()? { 15 } else { 7 };
    let width = b.read(dim_bits)?.saturating_add(1);
    let height = b.read(dim_bits)?.saturating_add(1);
    opts.limits.check_canvas(format, b.at, width, height)?;
    report.width = width;
    report.height = height;
    skip_pixel_format(&mut b, chroma, float)?;
    if alpha {
        b.skip(1)?; // alpha_is_premultiplied
    }
    if explicit_cicp {
        b.skip(if chroma != 0 { 24 } else { 16 })?;
    }
    if explicit_codec_types {
        b.skip(64)?; // infe_type, codec_config_type
    }
    let (mut gainmap, mut tmap_icc, mut tmap_icc_flag) = (false, false, 0);
    if hdr {
        gainmap = b.flag()?;
        if gainmap {
            b.skip(dim_bits.saturating_mul(2).saturating_add(9))?; // size, matrix_coefficients, full_range_flag
            let gainmap_chroma = b.read(2)?;
            let gainmap_float = b.flag()?;
            skip_pixel_format(&mut b, gainmap_chroma, gainmap_float)?;
            tmap_icc_flag = b.pos;
            tmap_icc = b.flag()?;
            if b.flag()? {
                b.skip(25)?; // tmap colour_primaries, transfer, matrix, full_range_flag
            }
        }
        skip_hdr_properties(&mut b)?;
        if gainmap {
            skip_hdr_properties(&mut b)?;
        }
    }

    // Chunk sizes.
    let metadata_flag = b.pos;
    let any_metadata = icc || exif || xmp || gainmap;
    let large_metadata = any_metadata && b.flag()?;
    let large_codec_config = b.flag()?;
    let large_item_data = b.flag()?;
    let meta_bits = if large_metadata { 20 } else { 10 };
    let config_bits = if large_codec_config { 12 } else { 3 };
    let item_bits = if large_item_data { 28 } else { 15 };
    let sized =
        |b: &mut Bits<'_>, present: bool, bits: usize, plus: u32| -> Result<(usize, u64), Error> {
            let at = b.pos;
            let size = if present {
                u64::from(b.read(bits)?).saturating_add(plus.into())
            } else {
                0
            };
            Ok((at, size))
        };
    let (icc_field, icc_size) = sized(&mut b, icc, meta_bits, 1)?;
    let (tmap_icc_field, tmap_icc_size) = sized(&mut b, gainmap && tmap_icc, meta_bits, 1)?;
    let (_, gainmap_metadata_size) = sized(&mut b, gainmap, meta_bits, 0)?;
    let (_, gainmap_data_size) = sized(&mut b, gainmap, item_bits, 0)?;
    let (_, gainmap_config_size) = sized(&mut b, gainmap_data_size > 0, config_bits, 0)?;
    let (_, main_config_size) = sized(&mut b, true, config_bits, 0)?;
    let (_, main_data_size) = sized(&mut b, true, item_bits, 1)?;
    let (_, alpha_data_size) = sized(&mut b, alpha, item_bits, 0)?;
    let (_, alpha_config_size) = sized(&mut b, alpha_data_size > 0, config_bits, 0)?;
    let compressed_flag = b.pos;
    if exif || xmp {
        b.skip(1)?; // exif_xmp_compressed_flag: compressed or not, the chunk goes whole
    }
    let (exif_field, exif_size) = sized(&mut b, exif, meta_bits, 1)?;
    let (xmp_field, xmp_size) = sized(&mut b, xmp, meta_bits, 1)?;
    let header_bits = b.pos;
    let header_len = header_bits.div_ceil(8);

    // The chunks, in order; their sizes must add up to the box exactly.
    let sizes = [
        main_config_size
            .saturating_add(alpha_config_size)
            .saturating_add(gainmap_config_size),
        icc_size,
        tmap_icc_size,
        gainmap_metadata_size
            .saturating_add(alpha_data_size)
            .saturating_add(gainmap_data_size)
            .saturating_add(main_data_size),
        exif_size,
        xmp_size,
    ];
    let total = sizes.iter().fold(0u64, |a, &s| a.saturating_add(s));
    let available = u64::try_from(data.len().saturating_sub(header_len)).unwrap_or(u64::MAX);
    if total != available {
        let what =
            format!("mini chunks add up to {total} bytes, but {available} follow the header");
        return Err(mini.body.malformed_at(mini.offset, what));
    }
    let drop_icc = !opts.keep.contains(Keep::ICC);
    let (drop_chunk_icc, drop_chunk_tmap) = (drop_icc && icc, drop_icc && tmap_icc);
    let drop = [false, drop_chunk_icc, drop_chunk_tmap, false, exif, xmp];

    // Header bits to cut, and flags to clear.
    let mut cuts: Vec<(usize, usize)> = Vec::with_capacity(6);
    let mut clear: Vec<usize> = Vec::with_capacity(4);
    if drop_chunk_icc {
        clear.push(ICC_FLAG);
        cuts.push((icc_field, meta_bits));
        report.removed(Kinds::ICC);
    }
    if drop_chunk_tmap {
        clear.push(tmap_icc_flag);
        cuts.push((tmap_icc_field, meta_bits));
        report.removed(Kinds::ICC);
    }
    if exif || xmp {
        cuts.push((compressed_flag, 1));
    }
    if exif {
        clear.push(EXIF_FLAG);
        cuts.push((exif_field, meta_bits));
        report.removed(Kinds::EXIF);
    }
    if xmp {
        clear.push(XMP_FLAG);
        cuts.push((xmp_field, meta_bits));
        report.removed(Kinds::XMP);
    }
    if any_metadata && !((icc && !drop_chunk_icc) || gainmap) {
        cuts.push((metadata_flag, 1));
    }

    out.extend_from_slice(ftyp.raw);
    let at = begin_box(out, *b"mini", mini.offset);
    let (mut acc, mut n) = (0u8, 0u32);
    for pos in 0..header_bits {
        if cuts
            .iter()
            .any(|&(start, len)| pos >= start && pos < start.saturating_add(len))
        {
            continue;
        }
        let bit = b.bit(pos).unwrap_or(false) && !clear.contains(&pos);
        acc = (acc << 1) | u8::from(bit);
        n = n.saturating_add(1);
        if n == 8 {
            out.push(acc);
            (acc, n) = (0, 0);
        }
    }
    if n > 0 {
        out.push(acc.checked_shl(8u32.saturating_sub(n)).unwrap_or(0)); // trailing_bits: zero
    }
    let mut pos = header_len;
    for (&size, &gone) in sizes.iter().zip(&drop) {
        let len = usize::try_from(size).unwrap_or(usize::MAX);
        let end = pos.saturating_add(len);
        if !gone {
            crate::out::copy(out, data.get(pos..end).unwrap_or_default());
        }
        pos = end;
    }
    end_box(out, at, format)
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
