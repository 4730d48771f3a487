//! Strip time as a multiple of `input.to_vec()` (allocate and memcpy the same bytes), with
//! the peers a user would pick instead, all in one criterion group per input, so one run
//! gives the ratios. At the end the bench prints the ratio table (medians of this run):
//!
//! ```sh
//! cargo bench --bench strip            # every case, then the table
//! cargo bench --bench strip -- jpeg    # only the cases whose name matches
//! ```
//!
//! Functions in each group:
//! - `memcpy`: `input.to_vec()`, the floor (one allocation, one copy).
//! - `imgstrip`: `Stripper::strip`, which returns a new `Vec` (one allocation, as `to_vec`).
//! - `imgstrip_into`: `Stripper::strip_into` into a reused buffer (no allocation).
//! - `img-parts`: img-parts 0.4 from the `&[u8]` (`Bytes::copy_from_slice`), EXIF, ICC,
//!   APPn/COM or text chunks removed, encoded to one `Bytes`. It never scans JPEG entropy
//!   data (it keeps everything after the first SOS, trailers included).
//! - `img-parts_owned`: the same, given a `Bytes` it already owns (no input copy).
//! - `metastrip`: `metastrip::strip_metadata` (JPEG, PNG, WebP).
//! - `gif_raw`: the `gif` crate re-muxing the frames' LZW data without decoding it
//!   (`skip_frame_decoding` + `write_lzw_pre_encoded_frame`), which drops every extension.
//!
//! Before timing, each output is checked with the tests' own re-walkers: imgstrip's must
//! keep every image unit and leave no metadata unit (or the bench stops); a peer's leftovers
//! are counted and shown in the table ("leaves N").

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{Criterion, Throughput};
use imgstrip::{Format, Stripper};

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "strip/inputs.rs"]
mod inputs;

use inputs::JpegMeta;

/// One input of the table.
struct Case {
    /// Criterion group name (filterable).
    name: &'static str,
    /// What it is, for the table.
    label: String,
    input: Vec<u8>,
}

/// The peers, in table order.
const PEERS: [&str; 4] = ["img-parts", "img-parts_owned", "metastrip", "gif_raw"];

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let thumb_rgb = inputs::photo(160, 120, 24, 3);
    let thumbnail = inputs::encode_jpeg(&thumb_rgb, 160, 120, 80, false);

    // 12 MP: 4000×3000, quality 92 (4:4:4), grain set for ~4.4 MB as a phone writes it.
    let rgb = inputs::photo(4000, 3000, 18, 1);
    let gain_map = inputs::encode_jpeg(&inputs::photo(1000, 750, 8, 5), 1000, 750, 70, false);
    for (name, progressive) in [
        ("jpeg_12mp_baseline", false),
        ("jpeg_12mp_progressive", true),
    ] {
        let plain = inputs::encode_jpeg(&rgb, 4000, 3000, 92, progressive);
        let meta = JpegMeta {
            maker_note: 40_000,
            xmp: 6_000,
            icc: 3_144,
            trailer: Some(gain_map.clone()),
        };
        let input = inputs::jpeg_with_metadata(&plain, &thumbnail, &meta);
        let kind = if progressive {
            "progressive"
        } else {
            "baseline"
        };
        cases.push(Case {
            name,
            label: format!(
                "12 MP {kind} JPEG, EXIF+XMP+ICC+MPF, {} KB gain map after EOI",
                gain_map.len() / 1000
            ),
            input,
        });
    }

    let png_rgb = inputs::photo(4000, 3000, 11, 9);
    let png = inputs::png_with_metadata(&png_rgb, 4000, 3000, 32 * 1024);
    let idats = png.windows(4).filter(|w| w == b"IDAT").count();
    cases.push(Case {
        name: "png_12mp",
        label: format!("12 MP RGB PNG, {idats} IDATs, iCCP+eXIf+iTXt+tEXt+tIME, trailer"),
        input: png,
    });

    cases.push(Case {
        name: "webp_lossy",
        label: "4000×3000 lossy WebP (VP8X, ICCP, VP8, EXIF, XMP)".into(),
        input: inputs::webp_lossy(4000, 3000, 3_600_000),
    });

    cases.push(Case {
        name: "gif_animated",
        label: "animated GIF, 46 frames 480×360, comment+XMP".into(),
        input: inputs::gif_animated(480, 360, 46, 48),
    });

    let small_rgb = inputs::photo(640, 480, 31, 17);
    let small = inputs::encode_jpeg(&small_rgb, 640, 480, 82, false);
    let meta = JpegMeta {
        maker_note: 8_000,
        xmp: 2_000,
        icc: 3_144,
        trailer: None,
    };
    cases.push(Case {
        name: "jpeg_75kb",
        label: "640×480 baseline JPEG, EXIF+XMP+ICC+MPF".into(),
        input: inputs::jpeg_with_metadata(&small, &thumbnail, &meta),
    });

    cases.push(Case {
        name: "heic",
        label: "HEIC, 48 tiles + thumbnail in mdat, Exif and XMP items, ICC colr".into(),
        input: inputs::heic(49, 124_000),
    });
    cases.push(Case {
        name: "avif",
        label: "the same layout as AVIF (av01 items)".into(),
        input: inputs::avif(49, 124_000),
    });

    cases.push(Case {
        name: "bmp_v5",
        label: "2000×1500 24-bit BMP V5, embedded ICC".into(),
        input: inputs::bmp_v5(2000, 1500),
    });
    cases
}

// ---------------------------------------------------------------------------------------
// Peers
// ---------------------------------------------------------------------------------------

/// img-parts: parse, drop what it knows as metadata, encode into one buffer.
fn img_parts(format: Format, input: Bytes) -> Option<Bytes> {
    use img_parts::{ImageEXIF, ImageICC};
    match format {
        Format::Jpeg => {
            let mut jpeg = img_parts::jpeg::Jpeg::from_bytes(input).ok()?;
            jpeg.set_exif(None);
            jpeg.set_icc_profile(None);
            jpeg.segments_mut()
                .retain(|s| !matches!(s.marker(), 0xE1..=0xEF | 0xFE));
            Some(jpeg.encoder().bytes())
        }
        Format::Png => {
            let mut png = img_parts::png::Png::from_bytes(input).ok()?;
            png.set_exif(None);
            png.set_icc_profile(None);
            png.chunks_mut().retain(|c| {
                let kind = c.kind();
                kind[0].is_ascii_uppercase()
                    || matches!(&kind, b"tRNS" | b"gAMA" | b"cHRM" | b"sRGB" | b"pHYs")
            });
            Some(png.encoder().bytes())
        }
        Format::WebP => {
            let mut webp = img_parts::webp::WebP::from_bytes(input).ok()?;
            webp.set_exif(None);
            webp.set_icc_profile(None);
            webp.remove_chunks_by_id(*b"XMP ");
            Some(webp.encoder().bytes())
        }
        _ => None,
    }
}

/// The gif crate re-muxing raw LZW frames: everything but images, their control
/// extensions and the loop count goes.
fn gif_raw(input: &[u8]) -> Option<Vec<u8>> {
    let mut options = gif::DecodeOptions::new();
    options.skip_frame_decoding(true);
    let mut decoder = options.read_info(input).ok()?;
    let palette = decoder.global_palette().unwrap_or_default().to_vec();
    let (width, height) = (decoder.width(), decoder.height());
    let mut encoder =
        gif::Encoder::new(Vec::with_capacity(input.len()), width, height, &palette).ok()?;
    encoder.set_repeat(gif::Repeat::Infinite).ok()?;
    while let Some(frame) = decoder.read_next_frame().ok()? {
        encoder.write_lzw_pre_encoded_frame(frame).ok()?;
    }
    encoder.into_inner().ok()
}

/// Runs a peer once, outside the timing. `None` when it does not take this format.
fn run_peer(peer: &str, format: Format, input: &[u8]) -> Option<Vec<u8>> {
    match peer {
        "img-parts" | "img-parts_owned" => {
            img_parts(format, Bytes::copy_from_slice(input)).map(|b| b.to_vec())
        }
        "metastrip" if matches!(format, Format::Jpeg | Format::Png | Format::WebP) => {
            metastrip::strip_metadata(input).ok()
        }
        "gif_raw" if format == Format::Gif => gif_raw(input),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Checks before timing
// ---------------------------------------------------------------------------------------

/// Metadata units the tests' re-walker finds in `out`.
fn leftovers(format: Format, out: &[u8]) -> Vec<String> {
    let walker = common::walker(format).expect("a re-walker for every benched format");
    (walker.leftovers)(out, common::Allow::NONE)
}

/// imgstrip's output must keep every image unit and no metadata.
fn check_imgstrip(case: &Case, format: Format) -> usize {
    let out = Stripper::new().strip(&case.input).expect("strip").data;
    let walker = common::walker(format).expect("re-walker");
    let left = leftovers(format, &out);
    assert!(left.is_empty(), "{}: imgstrip left {left:?}", case.name);
    let before = (walker.image_units)(&case.input, common::Allow::NONE).expect("input units");
    let after = (walker.image_units)(&out, common::Allow::NONE).expect("output units");
    assert_eq!(
        common::diff_units(&before, &after),
        None,
        "{}: image units changed",
        case.name
    );
    out.len()
}

// ---------------------------------------------------------------------------------------
// The contenders of one case
// ---------------------------------------------------------------------------------------

/// What the table says about one peer on one case.
#[derive(Clone, Copy)]
enum PeerNote {
    Unsupported,
    Complete,
    Leaves(usize),
}

/// One timed function: its name in the group, and one call of it.
struct Contender<'a> {
    name: &'static str,
    run: Box<dyn FnMut() + 'a>,
}

/// memcpy, imgstrip (both ways) and every peer that takes the case's format, with a note on
/// each peer (checked once, before any timing).
fn contenders(case: &Case) -> (Vec<Contender<'_>>, Vec<PeerNote>) {
    let input = case.input.as_slice();
    let format = imgstrip::detect(input).expect("format");
    let stripper = Stripper::new();
    let reusing = stripper.clone();
    let mut out = Vec::new();
    let mut list: Vec<Contender<'_>> = vec![
        Contender {
            name: "memcpy",
            run: Box::new(move || {
                black_box(black_box(input).to_vec());
            }),
        },
        Contender {
            name: "imgstrip",
            run: Box::new(move || {
                black_box(stripper.strip(black_box(input)).expect("strip"));
            }),
        },
        Contender {
            name: "imgstrip_into",
            run: Box::new(move || {
                black_box(
                    reusing
                        .strip_into(black_box(input), &mut out)
                        .expect("strip"),
                );
            }),
        },
    ];
    let mut notes = Vec::new();
    for peer in PEERS {
        let Some(out) = run_peer(peer, format, input) else {
            notes.push(PeerNote::Unsupported);
            continue;
        };
        notes.push(match leftovers(format, &out).len() {
            0 => PeerNote::Complete,
            n => PeerNote::Leaves(n),
        });
        let run: Box<dyn FnMut()> = match peer {
            "img-parts" => Box::new(move || {
                black_box(img_parts(format, Bytes::copy_from_slice(black_box(input))));
            }),
            "img-parts_owned" => {
                let owned = Bytes::copy_from_slice(input);
                Box::new(move || {
                    black_box(img_parts(format, black_box(owned.clone())));
                })
            }
            "metastrip" => Box::new(move || {
                black_box(metastrip::strip_metadata(black_box(input)).expect("metastrip"));
            }),
            _ => Box::new(move || {
                black_box(gif_raw(black_box(input)));
            }),
        };
        list.push(Contender { name: peer, run });
    }
    (list, notes)
}

fn bench_case(c: &mut Criterion, case: &Case) {
    let (contenders, _) = contenders(case);
    let mut group = c.benchmark_group(case.name);
    group.throughput(Throughput::Bytes(case.input.len() as u64));
    for mut contender in contenders {
        group.bench_function(contender.name, |b| b.iter(&mut contender.run));
    }
    group.finish();
}

// ---------------------------------------------------------------------------------------
// The ratio table (`-- --ratios`)
// ---------------------------------------------------------------------------------------

/// Seconds one call of `run` takes, timed over `calls` calls.
fn time(run: &mut dyn FnMut(), calls: u32) -> f64 {
    let start = Instant::now();
    for _ in 0..calls {
        run();
    }
    start.elapsed().as_secs_f64() / f64::from(calls)
}

/// Times every contender in turn, round after round, so load from elsewhere hits them alike.
/// Returns, per contender, the fastest and the median time of one call over the rounds.
///
/// The table uses the fastest: on a shared machine a timing is only ever made slower (by
/// preemption, or by another process's memory traffic), so the minimum over many short
/// timings is the closest to the cost of the code itself, and the median is shown beside it.
fn measure(contenders: &mut [Contender<'_>], rounds: usize) -> Vec<(f64, f64)> {
    // Calls per timing: about 1 ms of work, short enough to fit in a time slice.
    let calls: Vec<u32> = contenders
        .iter_mut()
        .map(|c| {
            (c.run)();
            let once = (0..5).map(|_| time(&mut c.run, 1)).fold(f64::MAX, f64::min);
            (0.001 / once).clamp(1.0, 100_000.0) as u32
        })
        .collect();
    let mut times = vec![Vec::with_capacity(rounds); contenders.len()];
    for _ in 0..rounds {
        for ((c, &n), t) in contenders.iter_mut().zip(&calls).zip(&mut times) {
            // One call untimed first: its buffers back in the cache, as in a loop of calls.
            (c.run)();
            t.push(time(&mut c.run, n));
        }
    }
    let out: Vec<(f64, f64)> = times
        .into_iter()
        .map(|t| (t.iter().copied().fold(f64::MAX, f64::min), median(t)))
        .collect();
    if std::env::var_os("IMGSTRIP_RATIO_DEBUG").is_some() {
        for ((c, n), (min, med)) in contenders.iter().zip(&calls).zip(&out) {
            eprintln!(
                "  {:<16} calls {n:>6}  min {:>10.1} µs  median {:>10.1} µs",
                c.name,
                min * 1e6,
                med * 1e6
            );
        }
    }
    out
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn print_ratios(cases: &[Case], filter: Option<&str>, skipped: &[(&str, String)]) {
    let rounds = std::env::var("IMGSTRIP_RATIO_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(51);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let header = "| case | input | memcpy | imgstrip | imgstrip_into | img-parts | img-parts, owned input | metastrip | gif raw-LZW |";
    let rule = "|---|---|---|---|---|---|---|---|---|";
    let mut fastest = vec![header.to_string(), rule.to_string()];
    let mut medians = fastest.clone();
    for case in cases {
        if filter.is_some_and(|f| !case.name.contains(f)) {
            continue;
        }
        let (mut contenders, notes) = contenders(case);
        let times = measure(&mut contenders, rounds);
        for (table, pick) in [(&mut fastest, 0), (&mut medians, 1)] {
            let of = |i: usize| if pick == 0 { times[i].0 } else { times[i].1 };
            let ratio = |name: &str| {
                contenders
                    .iter()
                    .position(|c| c.name == name)
                    .map_or("—".to_string(), |i| format!("{:.2}×", of(i) / of(0)))
            };
            let mut row = format!(
                "| {} | {:.2} MB | 1.00 ({}) | {} | {} |",
                case.name,
                case.input.len() as f64 / 1e6,
                human(of(0)),
                ratio("imgstrip"),
                ratio("imgstrip_into"),
            );
            for (peer, note) in PEERS.iter().zip(&notes) {
                let cell = match note {
                    PeerNote::Unsupported => "—".to_string(),
                    PeerNote::Complete => ratio(peer),
                    PeerNote::Leaves(n) => format!("{} (leaves {n})", ratio(peer)),
                };
                row.push_str(&format!(" {cell} |"));
            }
            if pick == 0 {
                eprintln!("{row}");
            }
            table.push(row);
        }
    }
    for (name, why) in skipped {
        fastest.push(format!("| {name} | — | skipped: {why} | | | | | | |"));
    }
    let machine = format!(
        "{} CPUs, {cpu}",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "\nTime as a multiple of `input.to_vec()`, fastest of {rounds} interleaved timings each ({machine}):\n\n{}\n",
        fastest.join("\n")
    );
    println!(
        "\"leaves N\": the tests' re-walker finds N metadata units in that peer's output; \
         \"—\": the peer does not take the format.\n"
    );
    for case in cases {
        println!("- {}: {}", case.name, case.label);
    }
    println!(
        "\nThe same run, medians instead of the fastest timings:\n\n{}",
        medians.join("\n")
    );
}

fn human(seconds: f64) -> String {
    if seconds >= 1e-3 {
        format!("{:.2} ms", seconds * 1e3)
    } else {
        format!("{:.1} µs", seconds * 1e6)
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let ratios = args.iter().any(|a| a == "--ratios");
    let cases = cases();
    if let Some(dir) = std::env::var_os("IMGSTRIP_BENCH_WRITE") {
        // Write the inputs as files (for profiling, or `examples/strip` against `cp`).
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("create IMGSTRIP_BENCH_WRITE");
        for case in &cases {
            let ext = match imgstrip::detect(&case.input) {
                Some(Format::Jpeg) => "jpg",
                Some(Format::Png) => "png",
                Some(Format::Gif) => "gif",
                Some(Format::WebP) => "webp",
                Some(Format::Heif) => "heic",
                Some(Format::Avif) => "avif",
                _ => "bmp",
            };
            let path = dir.join(format!("{}.{ext}", case.name));
            std::fs::write(&path, &case.input).expect("write input");
            println!("{}", path.display());
        }
        return;
    }
    // A case imgstrip cannot strip on this branch (a format whose walker has not landed
    // answers `Unsupported`) is left out of the timing, with the reason.
    let mut skipped = Vec::new();
    let mut cases = cases;
    cases.retain(|case| match Stripper::new().strip(&case.input) {
        Err(e) => {
            skipped.push((case.name, format!("imgstrip answers: {e}")));
            false
        }
        Ok(_) => true,
    });
    println!("inputs (imgstrip output checked with the tests' re-walkers):");
    for case in &cases {
        let format = imgstrip::detect(&case.input).expect("format");
        let out_len = check_imgstrip(case, format);
        println!(
            "  {:<22} {:>10} bytes -> {:>10}  {}",
            case.name,
            case.input.len(),
            out_len,
            case.label
        );
    }
    for (name, why) in &skipped {
        println!("  {name:<22} skipped: {why}");
    }
    if ratios {
        let filter = args
            .iter()
            .find(|a| !a.starts_with("--"))
            .map(String::as_str);
        print_ratios(&cases, filter, &skipped);
        return;
    }
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50)
        .configure_from_args();
    for case in &cases {
        bench_case(&mut c, case);
    }
    c.final_summary();
    println!("\nFor the ratio table: cargo bench --bench strip -- --ratios");
}
