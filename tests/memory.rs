//! Bounded memory: the peak heap during a strip is at most the input's length plus 64 KiB.
//!
//! The bound follows from the design: the stripper reserves the output buffer once, at
//! `input.len() + 64` bytes (what a walker may write anew: an EOI, an IEND, a minimal EXIF, a
//! renamed iCCP), and nothing in a walker allocates from a length or count field. The rest
//! of the 64 KiB covers the few small allocations an error message makes. A walker that
//! allocated from a length field, or grew its output past the reservation (a reallocation
//! holds the old and the new buffer at once), would break the bound.
//!
//! Measured with a counting global allocator (tests/counting) over every corpus file and over
//! crafted inputs whose length and count fields claim gigabytes, each stripped with the
//! default options and again with `Keep::DISPLAY` and `Limits::none()` (so that no limit
//! stops the walk early). The allocator is global, so all of it runs in one test function,
//! one case after another.

mod common;
mod counting;
mod hostile;

use hostile::*;
use imgstrip::{Error, Format, Keep, Limits, Stripper};

#[global_allocator]
static ALLOC: counting::Counting = counting::Counting;

/// What the heap may hold beyond the input's length during a strip.
const SLACK: usize = 64 * 1024;

/// What a crafted input must give, so that it is known to reach the field it attacks.
#[derive(Debug, Clone, Copy)]
enum Expect {
    Ok,
    Truncated,
    Malformed,
    Limit,
    /// Unsupported or anything else (HEIF until its walker lands).
    Any,
}

fn outcome(result: &Result<imgstrip::Stripped, Error>) -> String {
    match result {
        Ok(s) => format!("Ok({} bytes)", s.data.len()),
        Err(e) => {
            let kind = match e {
                Error::Truncated { .. } => "Truncated",
                Error::Malformed { .. } => "Malformed",
                Error::Unsupported { .. } => "Unsupported",
                Error::LimitExceeded { .. } => "LimitExceeded",
                _ => "Err",
            };
            format!("{kind}@{:?}", e.offset())
        }
    }
}

fn is_expected(expect: Expect, result: &Result<imgstrip::Stripped, Error>) -> bool {
    matches!(
        (expect, result),
        (Expect::Any, _)
            | (Expect::Ok, Ok(_))
            | (Expect::Truncated, Err(Error::Truncated { .. }))
            | (Expect::Malformed, Err(Error::Malformed { .. }))
            | (Expect::Limit, Err(Error::LimitExceeded { .. }))
    )
}

/// A crafted input and what it must give with the default options and with
/// `Keep::DISPLAY` + `Limits::none()`.
struct Case {
    name: &'static str,
    input: Vec<u8>,
    default: Expect,
    unlimited: Expect,
}

fn crafted() -> Vec<Case> {
    let mut cases = Vec::new();
    let mut case = |name, input, default, unlimited| {
        cases.push(Case {
            name,
            input,
            default,
            unlimited,
        })
    };

    // PNG: a chunk length of 2^31 - 1 (the most PNG allows), in an ancillary and a critical
    // chunk, followed by 1 KiB; and one of 2^32 - 1.
    for (name, kind, len) in [
        ("PNG tEXt length 2^31-1", b"tEXt", 0x7FFF_FFFFu32),
        ("PNG IDAT length 2^31-1", b"IDAT", 0x7FFF_FFFF),
        ("PNG iCCP length 2^32-1", b"iCCP", 0xFFFF_FFFF),
    ] {
        let mut v = png_head();
        v.extend_from_slice(&len.to_be_bytes());
        v.extend_from_slice(kind);
        v.extend(std::iter::repeat_n(b'A', 1024));
        let expect = if len > 0x7FFF_FFFF {
            Expect::Malformed
        } else {
            Expect::Truncated
        };
        case(name, v, expect, expect);
    }

    // JPEG: 256 APP1 segments of 65,535 bytes (16 MiB of metadata), then the image.
    let app1 = {
        let mut body = b"Exif\0\0".to_vec();
        body.resize(65_533, 0xA5);
        jpeg_segment(0xE1, &body)
    };
    let mut units = Vec::new();
    for _ in 0..256 {
        units.extend_from_slice(&app1);
    }
    case(
        "JPEG 256 x APP1 of 65,535 bytes",
        jpeg(&units),
        Expect::Ok,
        Expect::Ok,
    );
    // The same segment length, cut short after 100 bytes.
    let mut v = vec![0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF];
    v.extend(std::iter::repeat_n(0, 100));
    case(
        "JPEG APP1 length 65,535, input cut",
        v,
        Expect::Truncated,
        Expect::Truncated,
    );

    // WebP: RIFF size 2^32 - 1 over a small valid file; and an EXIF chunk of 2^32 - 2 bytes.
    let mut chunks = vp8x_chunk(0x08);
    chunks.extend(vp8l_chunk());
    case(
        "WebP RIFF size 2^32-1",
        webp_with_size(&chunks, Some(u32::MAX)),
        Expect::Ok,
        Expect::Ok,
    );
    let mut chunks = vp8x_chunk(0x08);
    chunks.extend_from_slice(b"EXIF");
    chunks.extend_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
    chunks.extend(std::iter::repeat_n(0, 64));
    case(
        "WebP RIFF and EXIF sizes 2^32-1, 2^32-2",
        webp_with_size(&chunks, Some(u32::MAX)),
        Expect::Truncated,
        Expect::Truncated,
    );

    // BMP: 2^31 - 1 wide and 2^31 high (a bottom-up height of -2^31), 8 bits a pixel:
    // a 2^62-byte pixel array; RLE8 with a biSizeImage of 2^32 - 1; a V5 embedded profile of
    // 2^32 - 1 bytes at offset 2^31 (kept under Keep::ICC).
    case(
        "BMP 2^31 x 2^31, 8 bpp",
        Bmp::new(i32::MAX, i32::MIN, 8, 0).build(&[0; 1024]),
        Expect::Limit,
        Expect::Truncated,
    );
    let mut rle = Bmp::new(i32::MAX, i32::MIN, 8, 1);
    rle.size_image = u32::MAX;
    case(
        "BMP 2^31 x 2^31 RLE8, biSizeImage 2^32-1",
        rle.build(&[0; 1024]),
        Expect::Limit,
        Expect::Truncated,
    );
    let mut v5 = Bmp::new(1, 1, 24, 0);
    v5.v5_profile = Some((PROFILE_EMBEDDED, 0x8000_0000, u32::MAX));
    case(
        "BMP V5 profile 2^32-1 bytes at 2^31",
        v5.build(&[0; 4]),
        Expect::Ok,
        Expect::Truncated,
    );

    // BMP: a V5 profile that covers the whole file from the DIB header on, over a 192 KiB
    // pixel array. Kept (under Keep::ICC) it would be written again after the pixels and
    // double the output; it is refused instead (fuzz `bmp`, tests/regressions.rs).
    let mut whole = Bmp::new(256, 256, 24, 0);
    whole.v5_profile = Some((PROFILE_EMBEDDED, 0, 124 + 256 * 256 * 3));
    case(
        "BMP V5 profile over the whole file",
        whole.build(&vec![0x5A; 256 * 256 * 3]),
        Expect::Ok,
        Expect::Malformed,
    );

    // GIF: a million 1x1 frames (15 MB); the default limits stop at frame 301.
    let mut units = Vec::with_capacity(GIF_IMAGE.len() * 1_000_000);
    for _ in 0..1_000_000 {
        units.extend_from_slice(&GIF_IMAGE);
    }
    case(
        "GIF 1,000,000 frames of 1x1",
        gif(&units),
        Expect::Limit,
        Expect::Ok,
    );

    // HEIF: an iloc (version 2) claiming 2^32 - 1 items, the first with 65,535 extents of
    // 2^32 - 1 bytes, and an iinf claiming 2^32 - 1 entries. Whatever the walker answers
    // (Unsupported until it lands), the bound must hold.
    let mut iloc = vec![0x44, 0x00]; // offset_size 4, length_size 4, base 0, index 0
    iloc.extend_from_slice(&u32::MAX.to_be_bytes()); // item_count
    iloc.extend_from_slice(&1u32.to_be_bytes()); // item_ID
    iloc.extend_from_slice(&[0, 0, 0, 0]); // construction method, data reference index
    iloc.extend_from_slice(&0xFFFFu16.to_be_bytes()); // extent_count
    for _ in 0..64 {
        iloc.extend_from_slice(&0u32.to_be_bytes());
        iloc.extend_from_slice(&u32::MAX.to_be_bytes());
    }
    let mut meta = full_box(b"hdlr", 0, b"\0\0\0\0pict\0\0\0\0\0\0\0\0\0\0\0\0\0");
    meta.extend(full_box(b"pitm", 0, &[0, 1]));
    meta.extend(full_box(b"iloc", 2, &iloc));
    meta.extend(full_box(b"iinf", 1, &u32::MAX.to_be_bytes()));
    let mut v = heif_ftyp();
    v.extend(full_box(b"meta", 0, &meta));
    v.extend(bmff_box(b"mdat", &[0; 256]));
    case(
        "HEIF iloc 2^32-1 items, 65,535 extents",
        v,
        Expect::Any,
        Expect::Any,
    );
    cases
}

fn strippers() -> [(&'static str, Stripper); 2] {
    [
        ("default", Stripper::new()),
        (
            "DISPLAY, no limits",
            Stripper::new().keep(Keep::DISPLAY).limits(Limits::none()),
        ),
    ]
}

#[test]
fn peak_heap_is_at_most_the_input_plus_64_kib() {
    let mut failures = Vec::new();

    common::say("peak heap during strip (bound: input + 65,536 bytes)");
    for case in crafted() {
        let len = case.input.len();
        for ((label, stripper), expect) in strippers().iter().zip([case.default, case.unlimited]) {
            let (result, usage) = counting::measure(|| stripper.strip(&case.input));
            common::say(&format!(
                "  {:<42} {:<18} input {:>10}  peak {:>10} (input + {:>6})  allocs {:>3}  {}",
                case.name,
                label,
                len,
                usage.peak,
                usage.peak as i64 - len as i64,
                usage.calls,
                outcome(&result)
            ));
            if usage.peak > len + SLACK {
                failures.push(format!(
                    "{} ({label}): peak {} for {len} bytes",
                    case.name, usage.peak
                ));
            }
            if !is_expected(expect, &result) {
                failures.push(format!(
                    "{} ({label}): expected {expect:?}, got {}",
                    case.name,
                    outcome(&result)
                ));
            }
        }
    }
    // ISO-BMFF input is detected as HEIF whatever the walker does with it.
    assert_eq!(imgstrip::detect(&heif_ftyp()), Some(Format::Heif));

    if let Some(dir) = common::corpus_dir() {
        let (mut files, mut worst, mut worst_name) = (0, 0i64, String::new());
        for path in common::image_files(&dir) {
            let data = std::fs::read(&path).unwrap();
            files += 1;
            for (label, stripper) in strippers() {
                let (_, usage) = counting::measure(|| stripper.strip(&data));
                let over = usage.peak as i64 - data.len() as i64;
                if over > worst {
                    worst = over;
                    worst_name = format!("{} ({label})", path.display());
                }
                if usage.peak > data.len() + SLACK {
                    failures.push(format!(
                        "{} ({label}): peak {} for {} bytes",
                        path.display(),
                        usage.peak,
                        data.len()
                    ));
                }
            }
        }
        common::say(&format!(
            "  corpus: {files} files x 2 option sets; largest peak over the input: {worst} bytes ({worst_name})"
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// HEIF item tables and the relocation plan: peak heap at most the output (the buffer the
/// stripper reserves, input + 64 bytes), plus twice the bytes of the `meta` and `moov`
/// boxes, plus 64 KiB, on files whose tables are most of the file: grids of thousands of
/// tiles (each with its `infe`, `iloc`, `ipma` and `iref` entries), millions of `iloc`
/// extents, and millions of length-only extents (valid, and of length 0: refused once read).
#[test]
fn heif_tables_take_at_most_twice_their_boxes() {
    use common::heif::{many_extents, meta_and_moov_len, tile_grid};
    let cases: Vec<(&str, Vec<u8>, Expect)> = vec![
        ("grid of 2,000 tiles", tile_grid(2_000), Expect::Ok),
        ("grid of 10,000 tiles", tile_grid(10_000), Expect::Ok),
        (
            "57 items x 65,535 extents",
            many_extents(57, 0xFFFF, 16, false),
            Expect::Ok,
        ),
        (
            "115 items x 65,535 length-only extents",
            many_extents(115, 0xFFFF, 1, true),
            Expect::Ok,
        ),
        (
            "115 items x 65,535 empty length-only",
            many_extents(115, 0xFFFF, 0, true),
            Expect::Any,
        ),
    ];
    let mut failures = Vec::new();
    common::say("peak heap of HEIF tables (bound: input + 64 + 2 x (meta + moov) + 65,536 bytes)");
    for (name, input, expect) in &cases {
        let tables = meta_and_moov_len(input);
        let bound = imgstrip::max_output_len(input.len()) + 2 * tables + SLACK;
        // The tables do not depend on the options: one strip each (the large cases take
        // seconds in a debug build).
        for (label, stripper) in strippers().into_iter().take(1) {
            let (result, usage) = counting::measure(|| stripper.strip(input));
            common::say(&format!(
                "  {name:<40} {label:<18} input {:>9}  meta+moov {tables:>9}  peak {:>10} (bound {bound:>10})  {}",
                input.len(),
                usage.peak,
                outcome(&result)
            ));
            if usage.peak > bound {
                failures.push(format!(
                    "{name} ({label}): peak {} over {bound}",
                    usage.peak
                ));
            }
            if !is_expected(*expect, &result) {
                failures.push(format!(
                    "{name} ({label}): expected {expect:?}, got {}",
                    outcome(&result)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
