//! Unit tests of the BMP walker on hand-built files: the builders and fixtures shared by
//! the test files below.

use super::dib::{
    BI_CLR_USED, BI_COMPRESSION, CS_TYPE, LCS_SRGB, PROFILE_EMBEDDED, PROFILE_LINKED, PROFILE_SIZE,
};
use super::*;
use crate::stripper::{contains, strip_checked};
use crate::{Limit, Limits};

mod compressed;
mod errors;
mod headers;
mod profiles;

/// A DIB header of `size` bytes: width, height, one plane, `bpp`, `compression`, the rest 0.
fn dib(size: usize, width: i32, height: i32, bpp: u16, compression: u32) -> Vec<u8> {
    let mut h = vec![0u8; size];
    h[0..4].copy_from_slice(&(size as u32).to_le_bytes());
    h[4..8].copy_from_slice(&width.to_le_bytes());
    h[8..12].copy_from_slice(&height.to_le_bytes());
    h[12..14].copy_from_slice(&1u16.to_le_bytes());
    h[14..16].copy_from_slice(&bpp.to_le_bytes());
    if size >= 20 {
        h[16..20].copy_from_slice(&compression.to_le_bytes());
    }
    h
}

/// The 12-byte OS/2 1.x core header.
fn core(width: u16, height: u16, bpp: u16) -> Vec<u8> {
    let mut h = 12u32.to_le_bytes().to_vec();
    for v in [width, height, 1, bpp] {
        h.extend_from_slice(&v.to_le_bytes());
    }
    h
}

fn set32(h: &mut [u8], at: usize, v: u32) {
    h[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

fn get32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

/// File header + `header` + `before` (masks, palette, gap) + `pixels` + `after`, with
/// `bfOffBits` at the pixels and `bfSize` the whole length.
fn bmp(header: &[u8], before: &[u8], pixels: &[u8], after: &[u8]) -> Vec<u8> {
    let off = 14 + header.len() + before.len();
    let size = off + pixels.len() + after.len();
    let mut v = b"BM".to_vec();
    v.extend_from_slice(&(size as u32).to_le_bytes());
    v.extend_from_slice(&[0; 4]);
    v.extend_from_slice(&(off as u32).to_le_bytes());
    for part in [header, before, pixels, after] {
        v.extend_from_slice(part);
    }
    v
}

/// 2×2 pixels at 24 bpp: two rows of 8 bytes (6 + 2 padding).
fn pixels_2x2() -> Vec<u8> {
    (1..=16).collect()
}

fn run(input: &[u8], keep: Keep, limits: Limits) -> Result<(Vec<u8>, Report), Error> {
    crate::stripper::run_walker(strip, input, keep, limits)
}

/// Strips with `keep` and checks it as [`strip_checked`] does (idempotent), then that a
/// second strip removes nothing, that the output is not larger even with Keep flags, and
/// `bfSize`.
fn strip_keep(input: &[u8], keep: Keep) -> (Vec<u8>, Report) {
    let (out, report) = strip_checked(strip, input, keep);
    let (_, report2) = run(&out, keep, Limits::default()).unwrap();
    assert_eq!(report2.bytes_removed, 0, "second strip removed bytes");
    assert!(
        out.len() <= input.len(),
        "grew {} -> {}",
        input.len(),
        out.len()
    );
    assert_eq!(get32(&out, 2) as usize, out.len(), "bfSize");
    (out, report)
}

fn strip_default(input: &[u8]) -> (Vec<u8>, Report) {
    let (out, report) = strip_keep(input, Keep::empty());
    if !report.removed.is_empty() || report.bytes_removed > 0 {
        assert_eq!(report.bytes_removed as usize, input.len() - out.len());
    }
    (out, report)
}

fn err(input: &[u8]) -> Error {
    run(input, Keep::empty(), Limits::default()).unwrap_err()
}

/// A V5 header for 2×2 24 bpp whose profile fields say `cs` at `data` (from the DIB
/// header) with `size` bytes.
fn v5(cs: u32, data: u32, size: u32) -> Vec<u8> {
    let mut h = dib(124, 2, 2, 24, 0);
    set32(&mut h, CS_TYPE, cs);
    set32(&mut h, PROFILE_DATA, data);
    set32(&mut h, PROFILE_SIZE, size);
    set32(&mut h, 108, 4); // bV5Intent: LCS_GM_IMAGES
    h
}

fn icc() -> Vec<u8> {
    let mut p = vec![0u8; 132];
    p[36..40].copy_from_slice(b"acsp");
    p[100..120].copy_from_slice(b"ICC-PROFILE-CANARY!!");
    p
}

/// An 8-bit palette of `n` grey entries.
fn grey(n: u32) -> Vec<u8> {
    (0..n)
        .flat_map(|i| [i as u8, i as u8, i as u8, 0])
        .collect()
}

fn rle_header(compression: u32, bpp: u16, size_image: u32) -> Vec<u8> {
    let mut h = dib(40, 4, 2, bpp, compression);
    set32(&mut h, BI_SIZE_IMAGE, size_image);
    set32(&mut h, BI_CLR_USED, 4);
    h
}

/// The 1×1 PNG of the crate docs, with a tEXt chunk naming `Eve!`.
const PNG: &[u8] = &[
    0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0,
    1, 0, 0, 0, 1, 8, 0, 0, 0, 0, 0x3A, 0x7E, 0x9B, 0x55, 0, 0, 0, 11, b't', b'E', b'X', b't',
    b'A', b'u', b't', b'h', b'o', b'r', 0, b'E', b'v', b'e', b'!', 0xD0, 0x8A, 0x79, 0x90, 0, 0, 0,
    10, b'I', b'D', b'A', b'T', 0x78, 0x9C, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x48,
    0xAF, 0xA4, 0x71, 0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82,
];
/// A 1×1 JPEG with a comment `secre`.
const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xFE, 0x00, 0x07, b's', b'e', b'c', b'r', b'e', 0xFF, 0xC0, 0x00, 0x0B, 8, 0,
    1, 0, 1, 1, 1, 0x11, 0, 0xFF, 0xDA, 0x00, 0x08, 1, 1, 0x00, 0, 63, 0, 0x12, 0x34, 0xFF, 0xD9,
];

fn embedded(compression: u32, data: &[u8], size_image: u32, after: &[u8]) -> Vec<u8> {
    let mut h = dib(124, 1, 1, 0, compression);
    set32(&mut h, CS_TYPE, LCS_SRGB);
    set32(&mut h, BI_SIZE_IMAGE, size_image);
    bmp(&h, &[], data, after)
}
