//! Builders of hostile inputs for `tests/memory.rs`, `tests/alloc.rs`, `benches/linear.rs`
//! and the linear-time unit tests (`src/linear_tests.rs`, which include this file): containers
//! whose length and count fields claim gigabytes, and long runs of the smallest units each
//! format has ([`growing`]). Written from the format specifications, not from `src/`.
//!
//! Whoever includes this module provides `super::common::crc32(parts: &[&[u8]]) -> u32`.

// Each test binary uses a different part of this module.
#![allow(dead_code)]

pub mod growing;

// ---------------------------------------------------------------------------------------
// JPEG (ITU T.81)
// ---------------------------------------------------------------------------------------

/// `FF marker length body`.
pub fn jpeg_segment(marker: u8, body: &[u8]) -> Vec<u8> {
    let mut v = vec![0xFF, marker];
    v.extend_from_slice(&u16::try_from(body.len() + 2).unwrap().to_be_bytes());
    v.extend_from_slice(body);
    v
}

/// SOF0 for a 1×1 single-component frame.
pub fn jpeg_sof() -> Vec<u8> {
    jpeg_segment(0xC0, &[8, 0, 1, 0, 1, 1, 1, 0x11, 0])
}

/// SOS for that one component.
pub fn jpeg_sos() -> Vec<u8> {
    jpeg_segment(0xDA, &[1, 1, 0x00, 0, 63, 0])
}

/// SOI, `units`, a 1×1 frame, one scan of two entropy-coded bytes, EOI.
pub fn jpeg(units: &[u8]) -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8];
    v.extend_from_slice(units);
    v.extend(jpeg_sof());
    v.extend(jpeg_sos());
    v.extend_from_slice(&[0x12, 0x34, 0xFF, 0xD9]);
    v
}

// ---------------------------------------------------------------------------------------
// PNG (3rd edition)
// ---------------------------------------------------------------------------------------

pub const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// `length type data crc`, with a correct CRC.
pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut v = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    v.extend_from_slice(kind);
    v.extend_from_slice(data);
    v.extend_from_slice(&super::common::crc32(&[kind, data]).to_be_bytes());
    v
}

/// The signature and a 1×1 greyscale IHDR.
pub fn png_head() -> Vec<u8> {
    let mut v = PNG_SIGNATURE.to_vec();
    v.extend(png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
    v
}

/// Signature, IHDR, `units`, one IDAT, IEND.
pub fn png(units: &[u8]) -> Vec<u8> {
    let mut v = png_head();
    v.extend_from_slice(units);
    v.extend(png_chunk(
        b"IDAT",
        &[0x78, 0x9C, 0x63, 0x60, 0, 0, 0, 2, 0, 1],
    ));
    v.extend(png_chunk(b"IEND", &[]));
    v
}

// ---------------------------------------------------------------------------------------
// GIF89a
// ---------------------------------------------------------------------------------------

/// `GIF89a`, a `width`×`height` logical screen, no global colour table.
pub fn gif_screen(width: u16, height: u16) -> Vec<u8> {
    let mut v = b"GIF89a".to_vec();
    v.extend_from_slice(&width.to_le_bytes());
    v.extend_from_slice(&height.to_le_bytes());
    v.extend_from_slice(&[0, 0, 0]);
    v
}

/// A 1×1 image: descriptor, LZW minimum code size 2, one 2-byte sub-block, terminator.
pub const GIF_IMAGE: [u8; 15] = [0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0];

/// Screen 1×1, `units`, trailer.
pub fn gif(units: &[u8]) -> Vec<u8> {
    let mut v = gif_screen(1, 1);
    v.extend_from_slice(units);
    v.push(0x3B);
    v
}

// ---------------------------------------------------------------------------------------
// WebP (RIFF)
// ---------------------------------------------------------------------------------------

/// `fourcc size data [pad]`.
pub fn riff_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut v = kind.to_vec();
    v.extend_from_slice(&u32::try_from(data.len()).unwrap().to_le_bytes());
    v.extend_from_slice(data);
    if data.len() % 2 == 1 {
        v.push(0);
    }
    v
}

/// A 1×1 VP8L chunk (signature, 14-bit sizes − 1, no alpha, version 0, then some bytes).
pub fn vp8l_chunk() -> Vec<u8> {
    riff_chunk(b"VP8L", &[0x2F, 0, 0, 0, 0, 0x88, 0x88, 0x08])
}

/// A VP8X chunk for a 1×1 canvas with `flags`.
pub fn vp8x_chunk(flags: u8) -> Vec<u8> {
    riff_chunk(b"VP8X", &[flags, 0, 0, 0, 0, 0, 0, 0, 0, 0])
}

/// `RIFF size WEBP` + `chunks`, with `size` as given (`None`: the true size).
pub fn webp_with_size(chunks: &[u8], size: Option<u32>) -> Vec<u8> {
    let size = size.unwrap_or_else(|| u32::try_from(chunks.len() + 4).unwrap());
    let mut v = b"RIFF".to_vec();
    v.extend_from_slice(&size.to_le_bytes());
    v.extend_from_slice(b"WEBP");
    v.extend_from_slice(chunks);
    v
}

/// An extended WebP: VP8X, `units`, the VP8L image.
pub fn webp(units: &[u8]) -> Vec<u8> {
    let mut chunks = vp8x_chunk(0);
    chunks.extend_from_slice(units);
    chunks.extend(vp8l_chunk());
    webp_with_size(&chunks, None)
}

// ---------------------------------------------------------------------------------------
// BMP
// ---------------------------------------------------------------------------------------

/// What a BMP with a 40-byte `BITMAPINFOHEADER` (or a 124-byte V5 one) declares.
pub struct Bmp {
    pub width: i32,
    pub height: i32,
    pub bit_count: u16,
    pub compression: u32,
    pub size_image: u32,
    pub colours: u32,
    /// `bfOffBits`; 0 for "right after the palette".
    pub off_bits: u32,
    /// V5 only: colour space type, profile offset (from the DIB header) and size.
    pub v5_profile: Option<(u32, u32, u32)>,
}

impl Bmp {
    pub const fn new(width: i32, height: i32, bit_count: u16, compression: u32) -> Self {
        Bmp {
            width,
            height,
            bit_count,
            compression,
            size_image: 0,
            colours: 0,
            off_bits: 0,
            v5_profile: None,
        }
    }

    /// File header and DIB header, then `rest` (palette, pixels, …).
    pub fn build(&self, rest: &[u8]) -> Vec<u8> {
        let dib_len: u32 = if self.v5_profile.is_some() { 124 } else { 40 };
        let mut dib = Vec::new();
        dib.extend_from_slice(&dib_len.to_le_bytes());
        dib.extend_from_slice(&self.width.to_le_bytes());
        dib.extend_from_slice(&self.height.to_le_bytes());
        dib.extend_from_slice(&1u16.to_le_bytes());
        dib.extend_from_slice(&self.bit_count.to_le_bytes());
        dib.extend_from_slice(&self.compression.to_le_bytes());
        dib.extend_from_slice(&self.size_image.to_le_bytes());
        dib.extend_from_slice(&[0; 8]); // resolution
        dib.extend_from_slice(&self.colours.to_le_bytes());
        dib.extend_from_slice(&[0; 4]); // important colours
        if let Some((cs_type, offset, size)) = self.v5_profile {
            dib.extend_from_slice(&[0; 16]); // masks
            dib.extend_from_slice(&cs_type.to_le_bytes());
            dib.extend_from_slice(&[0; 48]); // endpoints, gamma
            dib.extend_from_slice(&4u32.to_le_bytes()); // intent
            dib.extend_from_slice(&offset.to_le_bytes());
            dib.extend_from_slice(&size.to_le_bytes());
            dib.extend_from_slice(&[0; 4]);
        }
        assert_eq!(dib.len(), dib_len as usize);
        let mut v = b"BM".to_vec();
        let total = u32::try_from(14 + dib.len() + rest.len()).unwrap_or(u32::MAX);
        v.extend_from_slice(&total.to_le_bytes());
        v.extend_from_slice(&[0; 4]);
        v.extend_from_slice(&self.off_bits.to_le_bytes());
        v.extend(dib);
        v.extend_from_slice(rest);
        v
    }
}

/// `PROFILE_EMBEDDED` as stored (the FourCC `MBED` read as a little-endian u32).
pub const PROFILE_EMBEDDED: u32 = 0x4D42_4544;

// ---------------------------------------------------------------------------------------
// ISO-BMFF (HEIF, AVIF)
// ---------------------------------------------------------------------------------------

/// `size type payload` with a 32-bit size.
pub fn bmff_box(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut v = u32::try_from(payload.len() + 8)
        .unwrap()
        .to_be_bytes()
        .to_vec();
    v.extend_from_slice(kind);
    v.extend_from_slice(payload);
    v
}

/// A full box: version, 24-bit flags, then `payload`.
pub fn full_box(kind: &[u8; 4], version: u8, payload: &[u8]) -> Vec<u8> {
    let mut body = vec![version, 0, 0, 0];
    body.extend_from_slice(payload);
    bmff_box(kind, &body)
}

/// `ftyp` with major brand `heic`, compatible `mif1` and `heic`.
pub fn heif_ftyp() -> Vec<u8> {
    bmff_box(b"ftyp", b"heic\0\0\0\0mif1heic")
}

/// A full box with `flags`: version, 24-bit flags, then `payload`.
pub fn full_box_flags(kind: &[u8; 4], version: u8, flags: u32, payload: &[u8]) -> Vec<u8> {
    let mut body = vec![version];
    body.extend_from_slice(&flags.to_be_bytes()[1..]);
    body.extend_from_slice(payload);
    bmff_box(kind, &body)
}

/// `ftyp` with major brand `avif`, compatible `mif1` and `avif`.
pub fn avif_ftyp() -> Vec<u8> {
    bmff_box(b"ftyp", b"avif\0\0\0\0mif1avif")
}

/// A still image: `ftyp`, an `mdat` holding `data` (which starts at byte `ftyp.len() + 8`),
/// then `meta` with a `pict` handler, primary item 1 and `children`.
pub fn heif_still(ftyp: &[u8], data: &[u8], children: &[Vec<u8>]) -> Vec<u8> {
    let mut meta = full_box(
        b"hdlr",
        0,
        &[&[0u8; 4][..], b"pict", &[0; 12], &[0]].concat(),
    );
    meta.extend(full_box(b"pitm", 0, &1u16.to_be_bytes()));
    meta.extend(children.concat());
    let mut v = ftyp.to_vec();
    v.extend(bmff_box(b"mdat", data));
    v.extend(full_box(b"meta", 0, &meta));
    v
}

/// `infe` version 2 for item `id` of type `kind`, with an empty name.
pub fn infe(id: u16, kind: &[u8; 4]) -> Vec<u8> {
    full_box(
        b"infe",
        2,
        &[&id.to_be_bytes()[..], &[0, 0], kind, &[0]].concat(),
    )
}

/// `iinf` version 0 over `entries` (`infe` boxes), declaring `count` of them.
pub fn iinf(entries: &[u8], count: usize) -> Vec<u8> {
    let count = u16::try_from(count).unwrap_or(u16::MAX);
    full_box(b"iinf", 0, &[&count.to_be_bytes()[..], entries].concat())
}

/// `iloc` version 0, 4-byte offsets and lengths, no base offsets: `(item, extents)`, each
/// extent `(offset, length)`.
pub fn iloc(items: &[(u16, Vec<(u32, u32)>)]) -> Vec<u8> {
    let mut b = vec![0x44, 0x00];
    b.extend_from_slice(&u16::try_from(items.len()).unwrap().to_be_bytes());
    for (id, extents) in items {
        b.extend_from_slice(&id.to_be_bytes());
        b.extend_from_slice(&[0, 0]); // data_reference_index: this file
        b.extend_from_slice(&u16::try_from(extents.len()).unwrap().to_be_bytes());
        for (offset, length) in extents {
            b.extend_from_slice(&offset.to_be_bytes());
            b.extend_from_slice(&length.to_be_bytes());
        }
    }
    full_box(b"iloc", 0, &b)
}

/// `ipma` (ISO 23008-12 § 9.3.3): version 1 has 32-bit item ids, `wide` (flag 1) 15-bit
/// property indices. Entries `(item, [index])`, none essential.
pub fn ipma(version: u8, wide: bool, entries: &[(u32, Vec<u16>)]) -> Vec<u8> {
    let mut b = u32::try_from(entries.len()).unwrap().to_be_bytes().to_vec();
    for (item, indices) in entries {
        if version == 0 {
            b.extend_from_slice(&u16::try_from(*item).unwrap().to_be_bytes());
        } else {
            b.extend_from_slice(&item.to_be_bytes());
        }
        b.push(u8::try_from(indices.len()).unwrap());
        for &index in indices {
            if wide {
                b.extend_from_slice(&index.to_be_bytes());
            } else {
                b.push(u8::try_from(index).unwrap());
            }
        }
    }
    full_box_flags(b"ipma", version, u32::from(wide), &b)
}

/// `iprp`: `ipco` holding `properties`, then `ipma`.
pub fn iprp(properties: &[u8], ipma: &[u8]) -> Vec<u8> {
    bmff_box(
        b"iprp",
        &[&bmff_box(b"ipco", properties)[..], ipma].concat(),
    )
}

/// `ispe` for a 1×1 image.
pub fn ispe() -> Vec<u8> {
    full_box(b"ispe", 0, &[0, 0, 0, 1, 0, 0, 0, 1])
}

/// `irot`, the smallest property (one byte).
pub fn irot() -> Vec<u8> {
    bmff_box(b"irot", &[0])
}
