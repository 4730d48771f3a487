//! Unit tests of the WebP walker on hand-built files: the builders shared by the test
//! files below.

use super::*;
use crate::stripper::{exif_tiff, strip_checked};
use crate::{Limit, Limits};

mod chunks;
mod errors;

/// The VP8X XMP bit, which the walker never sets.
const XMP_FLAG: u8 = 0x04;

fn chunk(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut v = kind.to_vec();
    v.extend_from_slice(&(body.len() as u32).to_le_bytes());
    v.extend_from_slice(body);
    if body.len() % 2 == 1 {
        v.push(0);
    }
    v
}

/// `RIFF size WEBP` and the chunks, with the right RIFF size.
fn riff(chunks: &[&[u8]]) -> Vec<u8> {
    let body: Vec<u8> = chunks.concat();
    let mut v = b"RIFF".to_vec();
    v.extend_from_slice(&(body.len() as u32 + 4).to_le_bytes());
    v.extend_from_slice(b"WEBP");
    v.extend(body);
    v
}

/// A VP8 key frame header for `w` × `h` and 3 bytes of "partition data": 13 bytes, odd.
fn vp8(w: u16, h: u16) -> Vec<u8> {
    let mut b = vec![0x30, 0x00, 0x00, 0x9D, 0x01, 0x2A];
    b.extend_from_slice(&w.to_le_bytes());
    b.extend_from_slice(&h.to_le_bytes());
    b.extend_from_slice(&[0xAA, 0xBB, 0xCC]);
    chunk(b"VP8 ", &b)
}

/// A VP8L header for `w` × `h` and 2 bytes of "entropy-coded data".
fn vp8l(w: u32, h: u32, alpha: bool) -> Vec<u8> {
    let bits = (w - 1) | ((h - 1) << 14) | (u32::from(alpha) << 28);
    let mut b = vec![VP8L_SIGNATURE];
    b.extend_from_slice(&bits.to_le_bytes());
    b.extend_from_slice(&[0x11, 0x22]);
    chunk(b"VP8L", &b)
}

fn vp8x(flags: u8, w: u32, h: u32) -> Vec<u8> {
    let mut b = vec![flags, 0, 0, 0];
    b.extend_from_slice(&(w - 1).to_le_bytes()[..3]);
    b.extend_from_slice(&(h - 1).to_le_bytes()[..3]);
    chunk(b"VP8X", &b)
}

fn anmf(flags: u8, w: u32, h: u32, nested: &[&[u8]]) -> Vec<u8> {
    let mut b = vec![0; 6];
    b.extend_from_slice(&(w - 1).to_le_bytes()[..3]);
    b.extend_from_slice(&(h - 1).to_le_bytes()[..3]);
    b.extend_from_slice(&[100, 0, 0, flags]);
    b.extend(nested.concat());
    chunk(b"ANMF", &b)
}

fn alph() -> Vec<u8> {
    chunk(b"ALPH", &[0, 0xFF, 0xFE])
}

fn anim() -> Vec<u8> {
    chunk(b"ANIM", &[0xFF, 0xFF, 0xFF, 0xFF, 0, 0])
}

/// Runs the walker and checks the RIFF size of what it wrote.
fn run(input: &[u8], keep: Keep, limits: Limits) -> Result<(Vec<u8>, Report), Error> {
    let (out, report) = crate::stripper::run_walker(strip, input, keep, limits)?;
    assert_riff_size(&out);
    Ok((out, report))
}

fn assert_riff_size(out: &[u8]) {
    assert_eq!(
        u32::from_le_bytes(out[4..8].try_into().unwrap()) as usize,
        out.len() - 8,
        "RIFF size"
    );
}

/// Strips with `keep` and checks it as [`strip_checked`] does (idempotent; not larger
/// without Keep flags), then the RIFF size and, without Keep flags, the report's byte count.
fn strip_with(input: &[u8], keep: Keep) -> (Vec<u8>, Report) {
    let (out, report) = strip_checked(strip, input, keep);
    assert_riff_size(&out);
    if keep.is_empty() {
        assert_eq!(report.bytes_removed, (input.len() - out.len()) as u64);
    }
    (out, report)
}

fn strip_default(input: &[u8]) -> (Vec<u8>, Report) {
    strip_with(input, Keep::empty())
}

fn err(input: &[u8]) -> Error {
    run(input, Keep::empty(), Limits::default()).unwrap_err()
}
