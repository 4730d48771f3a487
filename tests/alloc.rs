//! Allocations per call, counted by a counting global allocator (`allocation-counter`, which
//! counts the current thread only): `strip` makes exactly one, the output, sized once from the
//! input (never grown by doubling, never copied through an intermediate buffer); `strip_into`
//! makes none when the caller's buffer is large enough, and keeps using that buffer;
//! `strip_to_slice` makes none at all. (HEIF and AVIF also allocate their bounded tables,
//! freed before the call returns.)
//!
//! Inputs: small images of every stripped format with metadata, built here, and every file of
//! `../shared/corpus` that strips (with and without `Keep::DISPLAY`). And the growing inputs of
//! the linear-time test (`tests/hostile`), which make as many allocator calls at 4N bytes as
//! at N.

mod common;
mod hostile;

use allocation_counter::measure;
use common::jpeg::{app, com};
use common::webp as w;
use common::{tiff_le, Entry};
use imgstrip::{Format, Keep, Limits, Stripper};

/// Small images with metadata, one or more per stripped format.
fn built_inputs() -> Vec<(&'static str, Vec<u8>)> {
    let exif = {
        let mut e = b"Exif\0\0".to_vec();
        e.extend(tiff_le(
            &[Entry::short(0x0112, 6), Entry::ascii(0x010F, "Camera")],
            &[],
            None,
        ));
        e
    };
    let jpeg = {
        let plain = common::sample_jpeg(64, 48, 1);
        let mut v = plain[..2].to_vec();
        v.extend(app(1, b"", &exif));
        v.extend(app(2, b"ICC_PROFILE\0\x01\x01", &[7; 300]));
        v.extend(com(b"a comment"));
        v.extend_from_slice(&plain[2..]);
        v.extend_from_slice(b"trailer after EOI");
        v
    };
    let png = {
        let plain = common::sample_png(64, 48, 2);
        let mut v = plain[..33].to_vec();
        v.extend(common::png::text(b"Comment", b"hello"));
        v.extend(common::png::iccp(
            b"My profile",
            &[0x78, 0x01, 3, 0, 0, 0, 0, 1],
        ));
        v.extend(common::png::chunk(b"eXIf", &exif[6..]));
        v.extend_from_slice(&plain[33..]);
        v.extend_from_slice(b"after IEND");
        v
    };
    let gif = {
        let plain = common::sample_gif(16, 16, 3);
        let mut v = plain[..plain.len() - 1].to_vec();
        v.extend(common::gif::extension(0xFE, &[b"comment"]));
        v.extend(common::gif::application(b"XMP DataXMP", b"<x:xmpmeta/>"));
        v.push(0x3B);
        v
    };
    let webp_simple = {
        let mut v = w::sample_webp(32, 32, 4);
        let riff = u32::from_le_bytes(v[4..8].try_into().unwrap());
        let exif_chunk = w::chunk(b"EXIF", &exif[6..]);
        v.extend_from_slice(&exif_chunk);
        v[4..8].copy_from_slice(&(riff + exif_chunk.len() as u32).to_le_bytes());
        v
    };
    let webp_animated = w::riff(&[
        &w::vp8x(0x02 | 0x08, 4, 4),
        &w::anim(),
        &w::anmf(
            4,
            4,
            0,
            &[&w::vp8(4, 4, &[1, 2, 3, 4]), &w::chunk(b"XMP ", b"x")],
        ),
        &w::anmf(4, 4, 0, &[&w::vp8(4, 4, &[5, 6, 7, 8])]),
        &w::chunk(b"EXIF", &exif[6..]),
    ]);
    let bmp = {
        // A 2×2 24-bit V5 bitmap with an embedded profile after the pixels, and a trailer.
        let mut dib = vec![0u8; 124];
        dib[0..4].copy_from_slice(&124u32.to_le_bytes());
        dib[4..8].copy_from_slice(&2u32.to_le_bytes());
        dib[8..12].copy_from_slice(&2u32.to_le_bytes());
        dib[12..14].copy_from_slice(&1u16.to_le_bytes());
        dib[14..16].copy_from_slice(&24u16.to_le_bytes());
        dib[56..60].copy_from_slice(&0x4D42_4544u32.to_le_bytes()); // PROFILE_EMBEDDED
        dib[112..116].copy_from_slice(&(124u32 + 16).to_le_bytes());
        dib[116..120].copy_from_slice(&8u32.to_le_bytes());
        let mut v = b"BM".to_vec();
        v.extend_from_slice(&(14u32 + 124 + 16 + 8).to_le_bytes());
        v.extend_from_slice(&[0; 4]);
        v.extend_from_slice(&(14u32 + 124).to_le_bytes());
        v.extend(dib);
        v.extend_from_slice(&[9; 16]); // two rows of 6 bytes, padded to 8
        v.extend_from_slice(b"PROFILE!");
        v.extend_from_slice(b"trailer");
        v
    };
    vec![
        ("jpeg", jpeg),
        ("png", png),
        ("gif", gif),
        ("webp (simple)", webp_simple),
        ("webp (animated)", webp_animated),
        ("bmp", bmp),
    ]
}

/// Every corpus file outside `malformed/` (none when the corpus is missing).
fn corpus_inputs() -> Vec<(String, Vec<u8>)> {
    let Some(corpus) = common::corpus_dir() else {
        return Vec::new();
    };
    common::image_files(&corpus)
        .into_iter()
        .filter(|p| !p.components().any(|c| c.as_os_str() == "malformed"))
        .map(|p| {
            let data = std::fs::read(&p).unwrap();
            (p.display().to_string(), data)
        })
        .collect()
}

/// Checks one input with one stripper; returns whether it stripped.
///
/// The HEIF/AVIF walker also allocates its item and property tables (bounded by the input,
/// and freed before it returns), so for it the output allocation is what `strip` makes beyond
/// what `strip_into` makes into a buffer that is already large enough.
fn check(name: &str, input: &[u8], stripper: &Stripper) -> bool {
    // Warm up (lazy statics in std, if any) outside the count.
    let Ok(first) = stripper.strip(input) else {
        return false;
    };
    let tables_allowed = matches!(imgstrip::detect(input), Some(Format::Heif | Format::Avif));

    let mut out = Vec::with_capacity(input.len() + 64);
    let (ptr, cap) = (out.as_ptr(), out.capacity());
    let into = measure(|| {
        stripper.strip_into(input, &mut out).unwrap();
    });
    assert_eq!(
        (out.as_ptr(), out.capacity()),
        (ptr, cap),
        "{name}: buffer not reused"
    );
    assert_eq!(out, first.data, "{name}");
    assert_eq!(
        into.count_current, 0,
        "{name}: strip_into kept memory {into:?}"
    );
    if !tables_allowed {
        assert_eq!(into.count_total, 0, "{name}: strip_into allocated {into:?}");
    }

    let mut slice = vec![0; imgstrip::max_output_len(input.len())];
    let mut len = 0;
    let sliced = measure(|| len = stripper.strip_to_slice(input, &mut slice).unwrap().0);
    assert_eq!(&slice[..len], &first.data[..], "{name}");
    assert_eq!(
        (sliced.count_total, sliced.bytes_total),
        (into.count_total, into.bytes_total),
        "{name}: strip_to_slice allocated {sliced:?}, strip_into {into:?}"
    );

    let mut data = None;
    let info = measure(|| data = Some(stripper.strip(input).unwrap().data));
    assert_eq!(data.unwrap(), first.data, "{name}: not deterministic");
    assert_eq!(
        (info.count_total, info.bytes_total),
        (
            into.count_total + 1,
            into.bytes_total + input.len() as u64 + 64
        ),
        "{name}: strip allocated {info:?}, beyond the {into:?} of strip_into"
    );

    // A buffer that is too small grows once, straight to the size needed.
    let mut small = Vec::with_capacity(1);
    let grown = measure(|| {
        stripper.strip_into(input, &mut small).unwrap();
    });
    assert_eq!(
        grown.count_total,
        into.count_total + 1,
        "{name}: strip_into grew {grown:?}"
    );
    assert_eq!(small, first.data, "{name}");
    true
}

#[test]
fn strip_allocates_the_output_once_and_strip_into_reuses_the_buffer() {
    let strippers = [
        Stripper::new(),
        Stripper::new().keep(Keep::DISPLAY),
        Stripper::new().limits(Limits::none()),
    ];
    for (name, input) in built_inputs() {
        for stripper in &strippers {
            assert!(check(name, &input, stripper), "{name}: did not strip");
        }
    }
    let mut stripped = 0;
    for (name, input) in corpus_inputs() {
        for stripper in &strippers {
            stripped += usize::from(check(&name, &input, stripper));
        }
    }
    common::say(&format!("allocations checked on {stripped} corpus strips"));
}

#[test]
fn the_strip_function_allocates_once() {
    for (name, input) in built_inputs() {
        let _ = imgstrip::strip(&input, Limits::default()).unwrap();
        let info = measure(|| {
            let _ = imgstrip::strip(&input, Limits::default()).unwrap();
        });
        assert_eq!(info.count_total, 1, "{name}: {info:?}");
    }
}

#[test]
fn an_input_over_a_limit_comes_back_with_one_allocation() {
    let (_, jpeg) = built_inputs().swap_remove(0);
    let mut limits = Limits::default();
    limits.max_input_bytes = 10;
    let stripper = Stripper::new().limits(limits).ignore_limit_errors(true);
    let info = measure(|| {
        let out = stripper.strip(&jpeg).unwrap();
        assert!(out.report.untouched);
        assert_eq!(out.data, jpeg);
    });
    assert_eq!(info.count_total, 1, "{info:?}");
    assert_eq!(imgstrip::detect(&jpeg), Some(Format::Jpeg));
}

/// The growing inputs of the linear-time unit test (`src/linear_tests.rs`, which counts work
/// instead), each at about N and 4N bytes: a strip allocates its output once, whatever the
/// input holds, so the allocator calls are the same at both sizes. HEIF and AVIF tables grow
/// with the number of entries and may take a few more calls (one per doubling), never four
/// times as many.
#[test]
fn allocator_calls_do_not_grow_with_the_input() {
    const N: usize = 128 * 1024;
    let mut failures = Vec::new();
    for case in hostile::growing::cases() {
        let limits = if case.no_limits {
            Limits::none()
        } else {
            Limits::default()
        };
        let stripper = Stripper::new().limits(limits);
        let calls = |input: &[u8]| {
            let _ = stripper.strip(input); // warm up (lazy statics in std, if any)
            measure(|| drop(stripper.strip(input))).count_total
        };
        let (small, large) = ((case.build)(N), (case.build)(4 * N));
        let (c1, c4) = (calls(&small), calls(&large));
        let tables = matches!(imgstrip::detect(&small), Some(Format::Heif | Format::Avif));
        common::say(&format!("  {:<48} allocator calls {c1} / {c4}", case.name));
        let ok = if tables {
            c4 <= c1 + MAX_EXTRA_TABLE_CALLS
        } else {
            c4 == c1
        };
        if !ok {
            failures.push(format!(
                "{}: {c1} allocator calls at N, {c4} at 4N",
                case.name
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// More allocator calls a HEIF/AVIF strip may make at 4N than at N: two more doublings of
/// each of its growing tables.
const MAX_EXTRA_TABLE_CALLS: u64 = 24;
