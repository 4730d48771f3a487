//! Linear time: adversarial inputs of N and 4N bytes, built from the smallest units each
//! format has (or from nothing but `0xFF`), cost about 4 times as much, never 16.
//!
//! Two measures, neither of which can flake:
//! - allocator calls, counted by a counting global allocator (tests/counting): the same for
//!   N and 4N (a strip allocates its output once, whatever the input holds);
//! - wall time: the best of several interleaved runs of each size (the minimum filters out
//!   the other work on a shared machine), and the ratio t(4N) / t(N) must stay under 8. A
//!   quadratic path gives 16; linear work gives 4. A ratio over 8 is measured again (up to
//!   three rounds) before it fails, so only a repeatable super-linear cost fails the test.
//!
//! N is about 128 KiB, big enough that the debug build takes milliseconds per strip.

mod common;
mod counting;
mod hostile;

use std::time::{Duration, Instant};

use hostile::*;
use imgstrip::{Limits, Stripper};

#[global_allocator]
static ALLOC: counting::Counting = counting::Counting;

/// The smaller input size, in bytes (each builder gets as close as its unit allows).
const N: usize = 128 * 1024;
/// Most that t(4N) / t(N) may be.
const MAX_RATIO: f64 = 8.0;
const RUNS: usize = 3;

/// `unit` repeated to about `bytes` bytes.
fn repeat(unit: &[u8], bytes: usize) -> Vec<u8> {
    unit.repeat((bytes / unit.len()).max(1))
}

/// A named builder of an adversarial input of about `bytes` bytes.
struct Case {
    name: &'static str,
    build: fn(usize) -> Vec<u8>,
    limits: Limits,
}

fn cases() -> Vec<Case> {
    let case = |name, build: fn(usize) -> Vec<u8>| Case {
        name,
        build,
        limits: Limits::default(),
    };
    vec![
        case("JPEG: SOI then all 0xFF", |n| {
            let mut v = vec![0xFF, 0xD8];
            v.resize(n, 0xFF);
            v
        }),
        case("JPEG: SOI then FF 00 pairs (garbage)", |n| {
            let mut v = vec![0xFF, 0xD8];
            v.extend(repeat(&[0xFF, 0x00], n));
            v
        }),
        case("JPEG: empty COM segments", |n| {
            jpeg(&repeat(&[0xFF, 0xFE, 0x00, 0x02], n))
        }),
        case("JPEG: RSTn markers between segments", |n| {
            jpeg(&repeat(&[0xFF, 0xD0], n))
        }),
        case("JPEG: entropy data of RSTn markers", |n| {
            let mut v = jpeg(&[]);
            let eoi = v.split_off(v.len() - 2);
            v.extend(repeat(&[0xFF, 0xD3], n));
            v.extend(eoi);
            v
        }),
        case("JPEG: entropy data of 0xFF, no EOI", |n| {
            let mut v = jpeg(&[]);
            v.truncate(v.len() - 2);
            v.resize(n, 0xFF);
            v
        }),
        case("PNG: empty tEXt chunks", |n| {
            png(&repeat(&png_chunk(b"tEXt", &[]), n))
        }),
        case("PNG: empty IDAT chunks (kept)", |n| {
            png(&repeat(&png_chunk(b"IDAT", &[]), n))
        }),
        case("GIF: comment of 1-byte sub-blocks", |n| {
            let mut units = vec![0x21, 0xFE];
            units.extend(repeat(&[1, b'x'], n));
            units.push(0);
            units.extend_from_slice(&GIF_IMAGE);
            gif(&units)
        }),
        case("GIF: empty comment extensions", |n| {
            let mut units = repeat(&[0x21, 0xFE, 0x00], n);
            units.extend_from_slice(&GIF_IMAGE);
            gif(&units)
        }),
        case("GIF: image data of 1-byte sub-blocks", |n| {
            let mut units = GIF_IMAGE[..11].to_vec();
            units.extend(repeat(&[1, 0x44], n));
            units.push(0);
            gif(&units)
        }),
        Case {
            name: "GIF: 1x1 frames (no limits)",
            build: |n| gif(&repeat(&GIF_IMAGE, n)),
            limits: Limits::none(),
        },
        case("WebP: empty unknown chunks", |n| {
            webp(&repeat(&riff_chunk(b"XXXX", &[]), n))
        }),
        case("WebP: 1-byte EXIF chunks (with pad)", |n| {
            webp(&repeat(&riff_chunk(b"EXIF", &[0]), n))
        }),
        case("WebP: ANMF frames of a 1x1 VP8L", |n| {
            let mut frame = vec![0; 16];
            frame.extend(vp8l_chunk());
            let mut units = riff_chunk(b"ANIM", &[0; 6]);
            units.extend(repeat(&riff_chunk(b"ANMF", &frame), n));
            webp(&units)
        }),
        case("BMP: RLE8 end-of-line opcodes", |n| {
            let mut rle = repeat(&[0x00, 0x00], n);
            rle.extend_from_slice(&[0x00, 0x01]);
            Bmp::new(1, 1, 8, 1)
                .build(&[[0; 4]; 256].concat())
                .into_iter()
                .chain(rle)
                .collect()
        }),
        case("BMP: RLE4 absolute runs", |n| {
            let mut rle = repeat(&[0x00, 0x03, 0x12, 0x30], n);
            rle.extend_from_slice(&[0x00, 0x01]);
            Bmp::new(1, 1, 4, 2)
                .build(&[[0; 4]; 16].concat())
                .into_iter()
                .chain(rle)
                .collect()
        }),
    ]
}

/// The best of `RUNS` timings of each input, interleaved, and the allocator calls of one strip.
fn measure(stripper: &Stripper, small: &[u8], large: &[u8]) -> (Duration, Duration, usize, usize) {
    let time = |input: &[u8]| {
        let start = Instant::now();
        let result = stripper.strip(input);
        let elapsed = start.elapsed();
        drop(std::hint::black_box(result));
        elapsed
    };
    let (mut best_small, mut best_large) = (Duration::MAX, Duration::MAX);
    for _ in 0..RUNS {
        best_small = best_small.min(time(small));
        best_large = best_large.min(time(large));
    }
    let (_, small_use) = counting::measure(|| stripper.strip(small));
    let (_, large_use) = counting::measure(|| stripper.strip(large));
    (best_small, best_large, small_use.calls, large_use.calls)
}

#[test]
fn cost_grows_linearly_with_the_input() {
    let mut failures = Vec::new();
    common::say(&format!(
        "linear time: best of {RUNS} runs at N and 4N (N about {N} bytes); ratio must be under {MAX_RATIO}"
    ));
    for case in cases() {
        let stripper = Stripper::new().limits(case.limits);
        let (small, large) = ((case.build)(N), (case.build)(4 * N));
        let outcome = match stripper.strip(&large) {
            Ok(s) => format!("Ok({} bytes)", s.data.len()),
            Err(e) => format!("{e}"),
        };
        let mut rounds = 0;
        let (ratio, t1, t4, calls) = loop {
            rounds += 1;
            let (t1, t4, c1, c4) = measure(&stripper, &small, &large);
            let ratio = t4.as_secs_f64() / t1.as_secs_f64().max(1e-9);
            if ratio <= MAX_RATIO || rounds == 3 {
                break (ratio, t1, t4, (c1, c4));
            }
        };
        common::say(&format!(
            "  {:<40} {:>8} / {:>8} bytes  {:>9.3} / {:>9.3} ms  ratio {:>5.2}  allocs {} / {}  ({})",
            case.name,
            small.len(),
            large.len(),
            t1.as_secs_f64() * 1e3,
            t4.as_secs_f64() * 1e3,
            ratio,
            calls.0,
            calls.1,
            outcome.chars().take(60).collect::<String>()
        ));
        if ratio > MAX_RATIO {
            failures.push(format!(
                "{}: t(4N)/t(N) = {ratio:.2} over {rounds} rounds",
                case.name
            ));
        }
        if calls.0 != calls.1 {
            failures.push(format!(
                "{}: {} allocator calls at N, {} at 4N",
                case.name, calls.0, calls.1
            ));
        }
        let size_ratio = large.len() as f64 / small.len() as f64;
        assert!(
            (3.9..=4.1).contains(&size_ratio),
            "{}: sizes {} and {}",
            case.name,
            small.len(),
            large.len()
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
