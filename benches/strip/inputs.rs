//! The bench inputs, made at start from seeded noise: the same bytes on every run.
//!
//! Pixels come from pure-Rust encoders (`jpeg-encoder` for baseline and progressive JPEG,
//! `image`/`png` for PNG, `gif` for GIF); the metadata a phone or an editor writes (EXIF with
//! a maker note, GPS and a thumbnail, an XMP packet, an ICC profile, MPF and a trailing
//! secondary image, text chunks, comments) is added by hand with the tests' builders.
//! No pure-Rust encoder writes lossy WebP, so the WebP input is a VP8X container around a VP8
//! key frame whose header is real (frame tag, start code, 4000×3000) and whose partition
//! bytes are seeded noise: neither imgstrip nor the peers decode pixels, they only walk
//! the chunks, so the work measured is the same as for a camera's WebP of that size.

use crate::common::heif::{self, MetaItem, Spec};
use crate::common::{tiff_le, zlib_stored, Entry};

/// A 64-bit xorshift generator: fast, seeded, the same on every machine.
pub struct Noise(u64);

impl Noise {
    pub fn new(seed: u64) -> Self {
        Noise(seed | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut v = Vec::with_capacity(n + 8);
        while v.len() < n {
            v.extend_from_slice(&self.next().to_le_bytes());
        }
        v.truncate(n);
        v
    }
}

/// A photo-like RGB image: smooth gradients and soft shapes, plus per-pixel noise of
/// `grain` levels (which is what sets the compressed size).
pub fn photo(width: usize, height: usize, grain: u8, seed: u64) -> Vec<u8> {
    let mut noise = Noise::new(seed);
    let mut rgb = Vec::with_capacity(width * height * 3);
    let grain = u64::from(grain.max(1));
    for y in 0..height {
        for x in 0..width {
            let n = noise.next();
            let wave = (((x / 7) ^ (y / 5)) & 0x3F) as u64;
            let (fx, fy) = ((x * 255 / width) as u64, (y * 255 / height) as u64);
            for (c, base) in [(fx + wave) / 2, (fy + fx) / 2, 255 - fy]
                .into_iter()
                .enumerate()
            {
                let jitter = (n >> (c * 16)) % grain;
                rgb.push((base + jitter).min(255) as u8);
            }
        }
    }
    rgb
}

/// A JPEG from `jpeg-encoder` (JFIF APP0, DQT, SOF0 or SOF2, DHT, scans, EOI).
pub fn encode_jpeg(rgb: &[u8], width: u16, height: u16, quality: u8, progressive: bool) -> Vec<u8> {
    encode_jpeg_restart(rgb, width, height, quality, progressive, 0)
}

/// The same with a restart interval of `restart` MCUs (DRI, T.81 B.2.4.4; 0 for none):
/// an RSTn marker every `restart` MCUs, as camera and hardware encoders write.
pub fn encode_jpeg_restart(
    rgb: &[u8],
    width: u16,
    height: u16,
    quality: u8,
    progressive: bool,
    restart: u16,
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    encoder.set_progressive(progressive);
    encoder.set_restart_interval(restart);
    encoder
        .encode(rgb, width, height, jpeg_encoder::ColorType::Rgb)
        .expect("jpeg-encoder");
    if progressive {
        tables_before_each_scan(&out)
    } else {
        out
    }
}

/// `jpeg` relaid as libjpeg lays out a progressive JPEG: small DHT segments right before
/// each scan (libjpeg emits a scan's tables just before its SOS) instead of all tables up
/// front. Here every table goes before every scan, one DHT segment each: redefining a table
/// with the same content changes no pixel, and the walker meets more small segments than
/// libjpeg writes.
fn tables_before_each_scan(jpeg: &[u8]) -> Vec<u8> {
    let segments = segments(jpeg);
    let tables: Vec<&[u8]> = segments
        .iter()
        .filter(|(marker, _)| *marker == 0xC4)
        .map(|(_, raw)| *raw)
        .collect();
    let mut out = jpeg[..2].to_vec();
    for (marker, raw) in &segments {
        match marker {
            0xC4 => {}
            0xDA => {
                for table in &tables {
                    out.extend_from_slice(table);
                }
                out.extend_from_slice(raw);
            }
            _ => out.extend_from_slice(raw),
        }
    }
    out
}

/// The segments after SOI as (marker, raw bytes), a scan's entropy-coded data counted with
/// its SOS, EOI last.
fn segments(jpeg: &[u8]) -> Vec<(u8, &[u8])> {
    let mut list = Vec::new();
    let mut at = 2;
    while at + 1 < jpeg.len() {
        let marker = jpeg[at + 1];
        if marker == 0xD9 {
            list.push((marker, &jpeg[at..at + 2]));
            break;
        }
        let len = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        let mut end = at + 2 + len;
        if marker == 0xDA {
            while !(jpeg[end] == 0xFF
                && jpeg[end + 1] != 0
                && !(0xD0..=0xD7).contains(&jpeg[end + 1]))
            {
                end += 1;
            }
        }
        list.push((marker, &jpeg[at..end]));
        at = end;
    }
    list
}

fn jpeg_segment(marker: u8, body: &[u8]) -> Vec<u8> {
    let mut v = vec![0xFF, marker];
    v.extend_from_slice(
        &u16::try_from(body.len() + 2)
            .expect("segment")
            .to_be_bytes(),
    );
    v.extend_from_slice(body);
    v
}

/// An EXIF TIFF as a phone writes it: camera, dates, GPS position (as an opaque blob), a
/// maker note of `maker_note` bytes and a JPEG thumbnail in IFD1.
pub fn exif_tiff(maker_note: usize, thumbnail: &[u8], seed: u64) -> Vec<u8> {
    let mut noise = Noise::new(seed);
    let gps: Vec<u8> = b"GPS 52.5200N 13.4050E alt 34.0m 2024:05:01 10:12:13"
        .iter()
        .copied()
        .chain(noise.bytes(200))
        .collect();
    let ifd0 = [
        Entry::ascii(0x010F, "Apple"),
        Entry::ascii(0x0110, "iPhone 15 Pro"),
        Entry::short(0x0112, 6),
        Entry::ascii(0x0131, "17.4.1"),
        Entry::ascii(0x0132, "2024:05:01 10:12:13"),
        Entry::ascii(0x013B, "Jane Example"),
        Entry::ascii(0x8298, "(c) Jane Example"),
        Entry::undefined(0x8825, &gps),
        Entry::undefined(0x927C, &noise.bytes(maker_note)),
        Entry::ascii(0xA420, "3F2504E0-4F89-11D3-9A0C-0305E82C3301"),
    ];
    let ifd1 = [Entry::short(0x0103, 6), Entry::short(0x0128, 2)];
    tiff_le(&ifd0, &ifd1, Some(thumbnail))
}

/// An XMP packet of about `len` bytes, as Lightroom or a phone writes it (with padding).
pub fn xmp_packet(len: usize) -> Vec<u8> {
    let mut xmp = br#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="XMP Core 6.0.0">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:exif="http://ns.adobe.com/exif/1.0/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmp:CreatorTool="17.4.1" xmp:CreateDate="2024-05-01T10:12:13"
    photoshop:City="Berlin" photoshop:Country="Germany"
    exif:GPSLatitude="52,31.2N" exif:GPSLongitude="13,24.3E">
   <dc:creator><rdf:Seq><rdf:li>Jane Example</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">Family day</rdf:li></rdf:Alt></dc:description>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
"#
    .to_vec();
    while xmp.len() + 20 < len {
        xmp.extend_from_slice(&[b' '; 99]);
        xmp.push(b'\n');
    }
    xmp.extend_from_slice(b"<?xpacket end=\"w\"?>");
    xmp
}

/// An ICC profile of `len` bytes with a real header (size, `acsp`, RGB, XYZ) and seeded tags.
pub fn icc_profile(len: usize, seed: u64) -> Vec<u8> {
    let mut icc = Noise::new(seed).bytes(len);
    icc[..4].copy_from_slice(&u32::try_from(len).expect("icc").to_be_bytes());
    icc[4..8].copy_from_slice(b"appl");
    icc[8..12].copy_from_slice(&[4, 0x40, 0, 0]);
    icc[12..16].copy_from_slice(b"mntr");
    icc[16..20].copy_from_slice(b"RGB ");
    icc[20..24].copy_from_slice(b"XYZ ");
    icc[36..40].copy_from_slice(b"acsp");
    icc
}

/// Metadata sizes for [`jpeg_with_metadata`].
pub struct JpegMeta {
    pub maker_note: usize,
    pub xmp: usize,
    pub icc: usize,
    /// A secondary image after EOI (MPF gain map or depth map), if any.
    pub trailer: Option<Vec<u8>>,
}

/// SOI, APP1 Exif (with thumbnail), APP1 XMP, APP2 ICC, APP2 MPF, then the encoder's
/// segments and scans, EOI, and the trailer.
pub fn jpeg_with_metadata(plain: &[u8], thumbnail: &[u8], meta: &JpegMeta) -> Vec<u8> {
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend(exif_tiff(meta.maker_note, thumbnail, 7));
    let mut xmp = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    xmp.extend(xmp_packet(meta.xmp));
    let mut icc = b"ICC_PROFILE\0\x01\x01".to_vec();
    icc.extend(icc_profile(meta.icc, 11));
    let mut mpf = b"MPF\0II*\0\x08\0\0\0".to_vec();
    mpf.extend(Noise::new(13).bytes(80));
    let mut v = plain[..2].to_vec();
    for (marker, body) in [(0xE1, exif), (0xE1, xmp), (0xE2, icc), (0xE2, mpf)] {
        v.extend(jpeg_segment(marker, &body));
    }
    v.extend_from_slice(&plain[2..]);
    if let Some(trailer) = &meta.trailer {
        v.extend_from_slice(trailer);
    }
    v
}

/// A PNG chunk with its CRC.
pub fn png_chunk(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut v = u32::try_from(body.len())
        .expect("chunk")
        .to_be_bytes()
        .to_vec();
    v.extend_from_slice(kind);
    v.extend_from_slice(body);
    v.extend_from_slice(&crc32(&[kind, body]).to_be_bytes());
    v
}

/// CRC-32 (PNG § 5.5) with a table: the tests' bit-by-bit one is slow on 20 MB.
fn crc32(parts: &[&[u8]]) -> u32 {
    let table: Vec<u32> = (0..256u32)
        .map(|n| {
            (0..8).fold(n, |c, _| {
                if c & 1 == 1 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                }
            })
        })
        .collect();
    let mut crc = !0u32;
    for part in parts {
        for &b in *part {
            crc = table[((crc ^ u32::from(b)) & 0xFF) as usize] ^ (crc >> 8);
        }
    }
    !crc
}

/// An RGB PNG from the `image` crate's encoder, its zlib stream re-cut into IDATs of
/// `idat` bytes (as libpng-based writers cut them), with an editor's metadata before the
/// image data (iCCP, eXIf, iTXt XMP, tEXt, tIME) and a cropped screenshot's leftover after
/// IEND.
pub fn png_with_metadata(rgb: &[u8], width: u32, height: u32, idat: usize) -> Vec<u8> {
    use image::ImageEncoder;
    let mut plain = Vec::new();
    image::codecs::png::PngEncoder::new_with_quality(
        &mut plain,
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::Sub,
    )
    .write_image(rgb, width, height, image::ExtendedColorType::Rgb8)
    .expect("png encoder");
    // Walk the encoder's chunks: keep IHDR, gather the zlib stream of every IDAT.
    let mut zlib = Vec::new();
    let mut ihdr = Vec::new();
    let mut at = 8;
    while at < plain.len() {
        let len = u32::from_be_bytes(plain[at..at + 4].try_into().expect("len")) as usize;
        let kind = &plain[at + 4..at + 8];
        let body = &plain[at + 8..at + 8 + len];
        match kind {
            b"IHDR" => ihdr = body.to_vec(),
            b"IDAT" => zlib.extend_from_slice(body),
            _ => {}
        }
        at += 12 + len;
    }
    let mut v = plain[..8].to_vec();
    v.extend(png_chunk(b"IHDR", &ihdr));
    let mut iccp = b"Display P3\0\0".to_vec();
    iccp.extend(zlib_stored(&icc_profile(3144, 21)));
    v.extend(png_chunk(b"iCCP", &iccp));
    v.extend(png_chunk(b"pHYs", &[0, 0, 0x16, 0x25, 0, 0, 0x16, 0x25, 1]));
    v.extend(png_chunk(b"eXIf", &exif_tiff(2_000, &[], 23)));
    let mut itxt = b"XML:com.adobe.xmp\0\0\0\0\0".to_vec();
    itxt.extend(xmp_packet(4_000));
    v.extend(png_chunk(b"iTXt", &itxt));
    v.extend(png_chunk(
        b"tEXt",
        b"Software\0Adobe Photoshop 25.0 (Macintosh)",
    ));
    v.extend(png_chunk(b"tIME", &[0x07, 0xE8, 5, 1, 10, 12, 13]));
    for part in zlib.chunks(idat) {
        v.extend(png_chunk(b"IDAT", part));
    }
    v.extend(png_chunk(b"IEND", &[]));
    v.extend(Noise::new(29).bytes(50_000));
    v
}

fn riff_chunk(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut v = kind.to_vec();
    v.extend_from_slice(&u32::try_from(body.len()).expect("chunk").to_le_bytes());
    v.extend_from_slice(body);
    if body.len() % 2 == 1 {
        v.push(0);
    }
    v
}

/// An extended lossy WebP: VP8X (ICC, EXIF, XMP flags), ICCP, a VP8 key frame of `payload`
/// bytes (real header, seeded noise after it), EXIF, `XMP `.
pub fn webp_lossy(width: u16, height: u16, payload: usize) -> Vec<u8> {
    let mut vp8 = Noise::new(31).bytes(payload);
    // Frame tag (RFC 6386 § 9.1): key frame, version 0, shown, first partition size.
    let first_partition = 60_000u32;
    let tag = (first_partition << 5) | 0x10;
    vp8[..3].copy_from_slice(&tag.to_le_bytes()[..3]);
    vp8[3..6].copy_from_slice(&[0x9D, 0x01, 0x2A]);
    vp8[6..8].copy_from_slice(&width.to_le_bytes());
    vp8[8..10].copy_from_slice(&height.to_le_bytes());
    let mut vp8x = vec![0x20 | 0x08 | 0x04, 0, 0, 0];
    vp8x.extend_from_slice(&(u32::from(width) - 1).to_le_bytes()[..3]);
    vp8x.extend_from_slice(&(u32::from(height) - 1).to_le_bytes()[..3]);
    let mut body = b"WEBP".to_vec();
    body.extend(riff_chunk(b"VP8X", &vp8x));
    body.extend(riff_chunk(b"ICCP", &icc_profile(3144, 33)));
    body.extend(riff_chunk(b"VP8 ", &vp8));
    body.extend(riff_chunk(b"EXIF", &exif_tiff(20_000, &[], 35)));
    body.extend(riff_chunk(b"XMP ", &xmp_packet(5_000)));
    riff_chunk(b"RIFF", &body)
}

/// An animated GIF from the `gif` crate's encoder, laid out as ImageMagick and gifsicle
/// write one from frames with palettes of their own: a 256-colour global palette, NETSCAPE2.0
/// loop, `frames` frames of `width`×`height`, each with a graphic control extension and its
/// own 256-colour local colour table, the LZW data in full 255-byte sub-blocks; then a
/// comment and an XMP application extension (with its 257-byte magic trailer) after the
/// screen, as ImageMagick and Photoshop add them.
pub fn gif_animated(width: u16, height: u16, frames: usize, levels: u8) -> Vec<u8> {
    let palette: Vec<u8> = (0..=255u8)
        .flat_map(|i| [i, i.wrapping_mul(3), 255 - i])
        .collect();
    let mut out = Vec::new();
    {
        let mut encoder = gif::Encoder::new(&mut out, width, height, &palette).expect("gif");
        encoder.set_repeat(gif::Repeat::Infinite).expect("gif");
        let mut noise = Noise::new(37);
        let (w, h) = (usize::from(width), usize::from(height));
        for f in 0..frames {
            let mut pixels = Vec::with_capacity(w * h);
            for y in 0..h {
                for x in 0..w {
                    let base = ((x + f * 3) / 8 + (y / 8) * 5) as u8;
                    pixels.push(base.wrapping_add((noise.next() % u64::from(levels)) as u8));
                }
            }
            let local: Vec<u8> = (0..=255u8)
                .flat_map(|i| [i.wrapping_add(f as u8), i.wrapping_mul(5), 255 - i])
                .collect();
            let mut frame = gif::Frame::from_indexed_pixels(width, height, pixels, None);
            frame.palette = Some(local);
            frame.delay = 4;
            encoder.write_frame(&frame).expect("gif frame");
        }
    }
    // Insert the metadata after the screen descriptor and the 768-byte global table.
    let at = 13 + 768;
    let mut meta = vec![0x21, 0xFE];
    for block in b"Made with Example Editor 3.1 by Jane Example, 2024-05-01".chunks(255) {
        meta.push(block.len() as u8);
        meta.extend_from_slice(block);
    }
    meta.push(0);
    meta.extend_from_slice(&[0x21, 0xFF, 11]);
    meta.extend_from_slice(b"XMP DataXMP");
    meta.extend(xmp_packet(3_000));
    meta.push(1);
    meta.extend((0..=255u8).rev());
    meta.push(0);
    out.splice(at..at, meta);
    out
}

/// A 24-bit BMP with a V5 header whose embedded ICC profile sits after the pixel array.
pub fn bmp_v5(width: u32, height: u32) -> Vec<u8> {
    let stride = (width as usize * 3).next_multiple_of(4);
    let pixels = photo(stride / 3, height as usize, 40, 41);
    let pixels = &pixels[..stride * height as usize];
    let icc = icc_profile(3144, 43);
    let off_bits = 14 + 124;
    let profile_at = 124 + pixels.len(); // from the start of the DIB header
    let total = off_bits + pixels.len() + icc.len();
    let mut v = b"BM".to_vec();
    v.extend_from_slice(&u32::try_from(total).expect("bmp").to_le_bytes());
    v.extend_from_slice(&[0; 4]);
    v.extend_from_slice(&u32::try_from(off_bits).expect("bmp").to_le_bytes());
    let mut dib = vec![0u8; 124];
    dib[0..4].copy_from_slice(&124u32.to_le_bytes());
    dib[4..8].copy_from_slice(&width.to_le_bytes());
    dib[8..12].copy_from_slice(&height.to_le_bytes());
    dib[12..14].copy_from_slice(&1u16.to_le_bytes());
    dib[14..16].copy_from_slice(&24u16.to_le_bytes());
    dib[20..24].copy_from_slice(&u32::try_from(pixels.len()).expect("bmp").to_le_bytes());
    dib[24..28].copy_from_slice(&2835u32.to_le_bytes());
    dib[28..32].copy_from_slice(&2835u32.to_le_bytes());
    dib[56..60].copy_from_slice(&0x4D42_4544u32.to_le_bytes()); // PROFILE_EMBEDDED
    dib[108..112].copy_from_slice(&4u32.to_le_bytes()); // LCS_GM_IMAGES
    dib[112..116].copy_from_slice(&u32::try_from(profile_at).expect("bmp").to_le_bytes());
    dib[116..120].copy_from_slice(&u32::try_from(icc.len()).expect("bmp").to_le_bytes());
    v.extend(dib);
    v.extend_from_slice(pixels);
    v.extend(icc);
    v
}

/// A HEIC as a phone lays it out, built with the tests' HEIF builder: `tiles` coded images
/// of `tile` bytes each (seeded noise: nothing decodes them) in `mdat`, an Exif item with a
/// maker note, an XMP `mime` item and an ICC `colr` property on the primary image.
pub fn heic(tiles: usize, tile: usize) -> Vec<u8> {
    let mut noise = Noise::new(47);
    let mut exif = vec![0, 0, 0, 6];
    exif.extend_from_slice(b"Exif\0\0");
    exif.extend(exif_tiff(40_000, &[], 49));
    let spec = Spec {
        images: (0..tiles).map(|_| noise.bytes(tile)).collect(),
        metas: vec![
            MetaItem {
                kind: *b"Exif",
                data: exif,
                in_idat: false,
            },
            MetaItem {
                kind: *b"mime",
                data: xmp_packet(6_000),
                in_idat: false,
            },
        ],
        icc: Some(icc_profile(3144, 51)),
        ..Spec::default()
    };
    heif::build(&spec)
}

/// The same layout as an AVIF: `avif` brands, `av01` items with `av1C`. Only the boxes
/// before `mdat` are rewritten (same lengths), so the offsets stay right.
pub fn avif(tiles: usize, tile: usize) -> Vec<u8> {
    let mut v = heic(tiles, tile);
    let mdat = v.windows(4).position(|w| w == b"mdat").expect("mdat");
    let head = &mut v[..mdat];
    head[8..12].copy_from_slice(b"avif");
    for at in 0..head.len() - 4 {
        match &head[at..at + 4] {
            b"hvc1" => head[at..at + 4].copy_from_slice(b"av01"),
            b"hvcC" => head[at..at + 4].copy_from_slice(b"av1C"),
            b"heic" => head[at..at + 4].copy_from_slice(b"avif"),
            _ => {}
        }
    }
    v
}
