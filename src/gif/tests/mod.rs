//! Unit tests of the GIF walker on hand-built files: the builders shared by the test files
//! below.

use super::*;
use crate::stripper::{contains, strip_checked};
use crate::{Limit, Limits};

mod extensions;
mod walk;

/// `21 label`, each block with its length byte, then the terminator.
fn ext(label: u8, blocks: &[&[u8]]) -> Vec<u8> {
    let mut v = vec![EXTENSION, label];
    for b in blocks {
        v.push(b.len() as u8);
        v.extend_from_slice(b);
    }
    v.push(0);
    v
}

fn app(id: &[u8; 11], blocks: &[&[u8]]) -> Vec<u8> {
    let mut all: Vec<&[u8]> = vec![id];
    all.extend_from_slice(blocks);
    ext(APPLICATION, &all)
}

fn gce(fields: [u8; 4]) -> Vec<u8> {
    ext(GRAPHIC_CONTROL, &[&fields])
}

fn netscape(loops: u16) -> Vec<u8> {
    let [lo, hi] = loops.to_le_bytes();
    app(b"NETSCAPE2.0", &[&[1, lo, hi]])
}

/// XMP as writers put it (XMP Specification Part 3, GIF): the raw packet, read as sub-blocks,
/// then the 257-byte magic trailer and the terminator.
fn xmp(packet: &[u8]) -> Vec<u8> {
    let mut v = vec![EXTENSION, APPLICATION, 11];
    v.extend_from_slice(b"XMP DataXMP");
    v.extend_from_slice(packet);
    v.push(1);
    v.extend((0..=255u8).rev());
    v.push(0);
    v
}

/// A 1×1 image at (0, 0) with an optional 2-entry local colour table; its LZW data is
/// split over two sub-blocks.
fn image(lct: bool) -> Vec<u8> {
    let mut v = vec![IMAGE, 0, 0, 0, 0, 1, 0, 1, 0];
    if lct {
        v.push(0x80);
        v.extend_from_slice(&[1, 2, 3, 4, 5, 6]);
    } else {
        v.push(0);
    }
    v.extend_from_slice(&[2, 1, 0x44, 1, 0x01, 0]);
    v
}

/// `GIF89a`, a `width`×`height` screen with a 2-entry global colour table.
fn screen(width: u16, height: u16) -> Vec<u8> {
    let mut v = b"GIF89a".to_vec();
    v.extend_from_slice(&width.to_le_bytes());
    v.extend_from_slice(&height.to_le_bytes());
    v.extend_from_slice(&[0x80, 0, 0]);
    v.extend_from_slice(&[0, 0, 0, 0xFF, 0xFF, 0xFF]);
    v
}

/// Screen 1×1, the units in order, trailer.
fn gif(units: &[&[u8]]) -> Vec<u8> {
    let mut v = screen(1, 1);
    units.iter().for_each(|u| v.extend_from_slice(u));
    v.push(TRAILER);
    v
}

fn run(input: &[u8], keep: Keep, limits: Limits) -> Result<(Vec<u8>, Report), Error> {
    crate::stripper::run_walker(strip, input, keep, limits)
}

fn strip_default(input: &[u8]) -> (Vec<u8>, Report) {
    strip_checked(strip, input, Keep::empty())
}
