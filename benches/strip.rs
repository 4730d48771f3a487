//! Strip throughput beside `input.to_vec()` (memcpy of the same bytes) in one criterion group
//! per format, so one run gives the ratio. Inputs are generated at start from a seeded noise
//! image with the `image` crate's encoders, and metadata units are added by hand.

use std::hint::black_box;
use std::io::Cursor;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use image::{ImageFormat, RgbImage};

/// A deterministic photo-like image: gradients plus xorshift noise.
fn photo(width: u32, height: u32) -> RgbImage {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    RgbImage::from_fn(width, height, |x, y| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let n = (state & 0x1F) as u8;
        image::Rgb([
            (x % 256) as u8 ^ n,
            (y % 256) as u8,
            ((x + y) % 256) as u8 | n,
        ])
    })
}

fn encode(img: &RgbImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).expect("encode");
    out.into_inner()
}

fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
    let mut v = vec![0xFF, marker];
    v.extend_from_slice(&u16::try_from(body.len() + 2).expect("short").to_be_bytes());
    v.extend_from_slice(body);
    v
}

/// A JPEG with a 60 KB EXIF, an XMP packet and a 3 KB ICC profile after SOI, and an MPF-like
/// trailer after EOI.
fn jpeg_with_metadata(img: &RgbImage) -> Vec<u8> {
    let plain = encode(img, ImageFormat::Jpeg);
    let mut v = plain[..2].to_vec();
    let mut exif = b"Exif\0\0MM\0\x2A\0\0\0\x08".to_vec();
    exif.resize(60_000, 0xA5);
    v.extend(segment(0xE1, &exif));
    v.extend(segment(
        0xE1,
        b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>...</x:xmpmeta>",
    ));
    let mut icc = b"ICC_PROFILE\0\x01\x01".to_vec();
    icc.resize(3_000, 0x5A);
    v.extend(segment(0xE2, &icc));
    v.extend_from_slice(&plain[2..]);
    v.extend_from_slice(&plain[..plain.len() / 8]);
    v
}

fn png_chunk(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut v = u32::try_from(body.len())
        .expect("short")
        .to_be_bytes()
        .to_vec();
    v.extend_from_slice(kind);
    v.extend_from_slice(body);
    v.extend_from_slice(&[0; 4]); // CRCs are copied, not checked
    v
}

/// A PNG with tEXt, iTXt XMP and eXIf before its IDATs.
fn png_with_metadata(img: &RgbImage) -> Vec<u8> {
    let plain = encode(img, ImageFormat::Png);
    let mut v = plain[..33].to_vec();
    v.extend(png_chunk(b"tEXt", b"Software\0bench"));
    v.extend(png_chunk(
        b"iTXt",
        b"XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta/>",
    ));
    v.extend(png_chunk(b"eXIf", &[0xA5; 20_000]));
    v.extend_from_slice(&plain[33..]);
    v
}

fn bench_case(c: &mut Criterion, name: &str, input: &[u8]) {
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.bench_function("memcpy", |b| b.iter(|| black_box(input).to_vec()));
    let stripper = imgstrip::Stripper::new();
    let mut out = Vec::with_capacity(input.len() + 64);
    group.bench_function("imgstrip", |b| {
        b.iter(|| {
            stripper
                .strip_into(black_box(input), &mut out)
                .expect("strip")
        })
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    let img = photo(2000, 1500);
    bench_case(c, "jpeg_3mp", &jpeg_with_metadata(&img));
    bench_case(c, "png_3mp", &png_with_metadata(&img));
}

criterion_group!(strip, benches);
criterion_main!(strip);
