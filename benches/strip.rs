//! Strip time as a multiple of `input.to_vec()` (allocate and memcpy the same bytes), beside
//! the crates a user would pick instead, for every input of issue 6 (made at start, see
//! `strip/inputs.rs`).
//!
//! ```sh
//! cargo bench --bench strip -- --ratios         # the ratio table (README "Performance")
//! cargo bench --bench strip -- --ratios jpeg    # only the cases whose name holds "jpeg"
//! cargo bench --bench strip                     # criterion: one group per case
//! ```
//!
//! `--ratios` times each contender right after a timing of memcpy on the same bytes, round
//! after round (31 rounds, `IMGSTRIP_RATIO_ROUNDS` to change), and prints the median of those
//! paired ratios, then the ratio of the fastest timings. The rounds take four copies of the
//! input placed at different offsets in memory in turn ([`PLACEMENTS`]). Other processes on
//! the machine slow a timing down but hit both sides of a pair alike, so the ratios hold up
//! when absolute times do not. `IMGSTRIP_RATIO_DEBUG=1` also prints the fastest times and
//! what each peer left in its output; `IMGSTRIP_BENCH_WRITE=DIR` writes the inputs as files
//! (for a profiler, or for timing the `imgstrip` command against `cp`) and exits.
//!
//! Functions in each group:
//! - `memcpy`: `input.to_vec()`, the floor (one allocation, one copy).
//! - `imgstrip`: `Stripper::strip`, which returns a new `Vec` (one allocation, as `to_vec`).
//! - `imgstrip_into`: `Stripper::strip_into` into a reused buffer (no allocation).
//! - `imgstrip_to_slice`: `Stripper::strip_to_slice` into a reused slice of
//!   `max_output_len` bytes (no allocation), as the `imgstrip` command calls it.
//! - `plan`: `Stripper::plan`, the walk alone: the output as ranges of the input and the few
//!   bytes written anew, no copy of what stays (a server then writes it with vectored writes).
//! - `floor` (JPEG and GIF): the least reading any walk of that layout must do, with no walk
//!   around it: every byte once for JPEG (an OR over the input, which the compiler
//!   vectorises as widely as it can; the end of a scan is only found by reading its entropy
//!   data), one byte in 256 for GIF (the length bytes of full sub-blocks, without following
//!   them). Where `plan` is close to it, the walk has no fat left to cut.
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

/// How many copies of each input are timed in turn, each at its own offset in memory.
///
/// How fast `memmove` runs depends on where the destination lies against the source modulo
/// 4096 (at a few distances loads wait on earlier stores to the same low address bits), and
/// so on the addresses the allocator happens to give: with one copy, one layout made a case
/// 30% slower in one run and not in the next. The `--ratios` rounds take the copies in turn
/// (one copy per timing, so the data stays in cache as in a loop over one file), and the
/// median ratio is over layouts instead of depending on one.
const PLACEMENTS: usize = 4;

/// The input at [`PLACEMENTS`] offsets spread over a 4 KiB page: `(buffer, offset)`.
fn placed(input: &[u8]) -> Vec<(Vec<u8>, usize)> {
    (0..PLACEMENTS)
        .map(|i| {
            let offset = i * 1040;
            let mut buffer = vec![0; offset];
            buffer.extend_from_slice(input);
            (buffer, offset)
        })
        .collect()
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

    // The same photo with an RSTn marker every 4 MCUs (one every ~190 bytes of scan data).
    let plain = inputs::encode_jpeg_restart(&rgb, 4000, 3000, 92, false, 4);
    let meta = JpegMeta {
        maker_note: 40_000,
        xmp: 6_000,
        icc: 3_144,
        trailer: None,
    };
    cases.push(Case {
        name: "jpeg_12mp_restart",
        label: "12 MP baseline JPEG, restart interval 4 MCUs, EXIF+XMP+ICC+MPF".into(),
        input: inputs::jpeg_with_metadata(&plain, &thumbnail, &meta),
    });

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
        label: "animated GIF, 50 frames 500×500 with local colour tables, comment+XMP".into(),
        input: inputs::gif_animated(500, 500, 50, 12),
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

/// The reading a walk of `format`'s usual layout cannot do without (see the module docs);
/// `None` for the formats whose walk reads only headers.
fn floor_pass(format: Format, input: &[u8]) -> Option<u8> {
    match format {
        Format::Jpeg => Some(input.iter().fold(0u8, |acc, &b| acc | b)),
        Format::Gif => Some(input.iter().step_by(256).fold(0u8, |acc, &b| acc ^ b)),
        _ => None,
    }
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
    let plan = Stripper::new().plan(&case.input).expect("plan");
    assert!(
        plan.to_vec(&case.input).expect("plan written") == out,
        "{}: the plan writes other bytes",
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

/// One timed function: its name in the group, and one call of it on the placed copy of the
/// input it is given (by index).
struct Contender<'a> {
    name: &'static str,
    run: Box<dyn FnMut(usize) + 'a>,
}

/// memcpy, imgstrip (both ways) and every peer that takes the case's format, with a note on
/// each peer (checked once, before any timing).
fn contenders<'a>(
    case: &Case,
    placed: &'a [(Vec<u8>, usize)],
) -> (Vec<Contender<'a>>, Vec<PeerNote>) {
    let inputs: Vec<&'a [u8]> = placed.iter().map(|(b, o)| &b[*o..]).collect();
    let format = imgstrip::detect(&case.input).expect("format");
    let stripper = Stripper::new();
    let reusing = stripper.clone();
    let mut out = Vec::new();
    let slicing = stripper.clone();
    let planning = stripper.clone();
    let mut slice = vec![0u8; imgstrip::max_output_len(case.input.len())];
    let mut list: Vec<Contender<'a>> = vec![
        Contender {
            name: "memcpy",
            run: Box::new({
                let inputs = inputs.clone();
                move |i: usize| {
                    let input = black_box(inputs[i]);
                    black_box(input.to_vec());
                }
            }),
        },
        Contender {
            name: "imgstrip",
            run: Box::new({
                let inputs = inputs.clone();
                move |i: usize| {
                    let input = black_box(inputs[i]);
                    black_box(stripper.strip(input).expect("strip"));
                }
            }),
        },
        Contender {
            name: "imgstrip_into",
            run: Box::new({
                let inputs = inputs.clone();
                move |i: usize| {
                    let input = black_box(inputs[i]);
                    black_box(reusing.strip_into(input, &mut out).expect("strip"));
                }
            }),
        },
        Contender {
            name: "imgstrip_to_slice",
            run: Box::new({
                let inputs = inputs.clone();
                move |i: usize| {
                    let input = black_box(inputs[i]);
                    black_box(slicing.strip_to_slice(input, &mut slice).expect("strip"));
                }
            }),
        },
        Contender {
            name: "plan",
            run: Box::new({
                let inputs = inputs.clone();
                move |i: usize| {
                    let input = black_box(inputs[i]);
                    black_box(planning.plan(input).expect("plan"));
                }
            }),
        },
    ];
    if floor_pass(format, &case.input).is_some() {
        list.push(Contender {
            name: "floor",
            run: Box::new({
                let inputs = inputs.clone();
                move |i: usize| {
                    black_box(floor_pass(format, black_box(inputs[i])));
                }
            }),
        });
    }
    let mut notes = Vec::new();
    for peer in PEERS {
        let Some(out) = run_peer(peer, format, &case.input) else {
            notes.push(PeerNote::Unsupported);
            continue;
        };
        let left = leftovers(format, &out);
        if std::env::var_os("IMGSTRIP_RATIO_DEBUG").is_some() && !left.is_empty() {
            eprintln!("  {} / {peer} leaves {left:?}", case.name);
        }
        notes.push(match left.len() {
            0 => PeerNote::Complete,
            n => PeerNote::Leaves(n),
        });
        let run: Box<dyn FnMut(usize)> = match peer {
            "img-parts" => Box::new({
                let inputs = inputs.clone();
                move |i: usize| {
                    let input = black_box(inputs[i]);
                    black_box(img_parts(format, Bytes::copy_from_slice(input)));
                }
            }),
            "img-parts_owned" => {
                // Owned buffers at the same offsets (a `Bytes` slice keeps its buffer).
                let owned: Vec<Bytes> = placed
                    .iter()
                    .map(|(b, o)| Bytes::from(b.clone()).slice(*o..))
                    .collect();
                Box::new(move |i: usize| {
                    black_box(img_parts(format, black_box(owned[i].clone())));
                })
            }
            "metastrip" => Box::new({
                let inputs = inputs.clone();
                move |i: usize| {
                    let input = black_box(inputs[i]);
                    black_box(metastrip::strip_metadata(input).expect("metastrip"));
                }
            }),
            _ => Box::new({
                let inputs = inputs.clone();
                move |i: usize| {
                    let input = black_box(inputs[i]);
                    black_box(gif_raw(input));
                }
            }),
        };
        list.push(Contender { name: peer, run });
    }
    (list, notes)
}

fn bench_case(c: &mut Criterion, case: &Case) {
    let placed = placed(&case.input);
    let (contenders, _) = contenders(case, &placed);
    let mut group = c.benchmark_group(case.name);
    group.throughput(Throughput::Bytes(case.input.len() as u64));
    // Criterion times the first placed copy; `--ratios` takes them all in turn.
    for mut contender in contenders {
        group.bench_function(contender.name, |b| b.iter(|| (contender.run)(0)));
    }
    group.finish();
}

// ---------------------------------------------------------------------------------------
// The ratio table (`-- --ratios`)
// ---------------------------------------------------------------------------------------

/// Seconds one call of `run` on placement `at` takes, timed over `calls` calls.
fn time(run: &mut dyn FnMut(usize), at: usize, calls: u32) -> f64 {
    let start = Instant::now();
    for _ in 0..calls {
        run(at);
    }
    start.elapsed().as_secs_f64() / f64::from(calls)
}

/// What [`measure`] found for one contender, as multiples of memcpy.
struct Ratios {
    /// Median over the rounds of (this contender's time / memcpy's time just before it).
    paired: f64,
    /// This contender's fastest timing over memcpy's fastest.
    fastest: f64,
}

/// Times every contender against memcpy, round after round: in each round, each contender
/// is timed right after a timing of memcpy, on the same placed copy of the input, and the
/// pair gives one ratio, so load from elsewhere (other processes compiling) hits both sides of
/// a ratio alike. Rounds take the placed copies in turn. The table shows the median of the
/// ratios; the fastest timings, the other estimate that load only ever makes slower, are
/// printed beside it. Returns memcpy's median and fastest times, and the ratios.
fn measure(contenders: &mut [Contender<'_>], rounds: usize) -> (f64, f64, Vec<Ratios>) {
    // Calls per timing: about 1 ms of work, short enough to fit in a time slice.
    let calls: Vec<u32> = contenders
        .iter_mut()
        .map(|c| {
            (c.run)(0);
            let once = (0..5)
                .map(|_| time(&mut c.run, 0, 1))
                .fold(f64::MAX, f64::min);
            (0.001 / once).clamp(1.0, 100_000.0) as u32
        })
        .collect();
    let timed = |i: usize, at: usize, contenders: &mut [Contender<'_>]| {
        let c = &mut contenders[i];
        // One call untimed first: its buffers back in the cache, as in a loop of calls.
        (c.run)(at);
        time(&mut c.run, at, calls[i])
    };
    let mut memcpy = Vec::new();
    let mut ratios = vec![Vec::with_capacity(rounds); contenders.len()];
    let mut fastest = vec![f64::MAX; contenders.len()];
    for round in 0..rounds {
        let at = round % PLACEMENTS;
        for i in 0..contenders.len() {
            let base = timed(0, at, contenders);
            let t = if i == 0 {
                base
            } else {
                timed(i, at, contenders)
            };
            memcpy.push(base);
            fastest[0] = fastest[0].min(base);
            fastest[i] = fastest[i].min(t);
            ratios[i].push(t / base);
        }
    }
    if std::env::var_os("IMGSTRIP_RATIO_DEBUG").is_some() {
        for ((c, n), t) in contenders.iter().zip(&calls).zip(&fastest) {
            eprintln!(
                "  {:<16} calls {n:>6}  fastest {:>10.1} µs",
                c.name,
                t * 1e6
            );
        }
    }
    let memcpy_fastest = fastest[0];
    let ratios = ratios
        .into_iter()
        .zip(fastest)
        .map(|(r, t)| Ratios {
            paired: median(r),
            fastest: t / memcpy_fastest,
        })
        .collect();
    (median(memcpy), memcpy_fastest, ratios)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn print_ratios(cases: &[Case], filter: Option<&str>, skipped: &[(&str, String)]) {
    let rounds = std::env::var("IMGSTRIP_RATIO_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(31);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let header = "| case | input | memcpy | imgstrip | imgstrip_into | imgstrip_to_slice | plan | floor | img-parts | img-parts, owned input | metastrip | gif raw-LZW |";
    let rule = "|---|---|---|---|---|---|---|---|---|---|---|---|";
    let mut paired = vec![header.to_string(), rule.to_string()];
    let mut fastest = paired.clone();
    for case in cases {
        if filter.is_some_and(|f| !case.name.contains(f)) {
            continue;
        }
        let placed = placed(&case.input);
        let (mut contenders, notes) = contenders(case, &placed);
        let (median_base, fastest_base, ratios) = measure(&mut contenders, rounds);
        for (table, pick_paired) in [(&mut paired, true), (&mut fastest, false)] {
            let ratio = |name: &str| {
                contenders
                    .iter()
                    .position(|c| c.name == name)
                    .map_or("—".to_string(), |i| {
                        let r = &ratios[i];
                        format!("{:.2}×", if pick_paired { r.paired } else { r.fastest })
                    })
            };
            let mut row = format!(
                "| {} | {:.2} MB | 1.00 ({}) | {} | {} | {} | {} | {} |",
                case.name,
                case.input.len() as f64 / 1e6,
                human(if pick_paired {
                    median_base
                } else {
                    fastest_base
                }),
                ratio("imgstrip"),
                ratio("imgstrip_into"),
                ratio("imgstrip_to_slice"),
                ratio("plan"),
                ratio("floor"),
            );
            for (peer, note) in PEERS.iter().zip(&notes) {
                let cell = match note {
                    PeerNote::Unsupported => "—".to_string(),
                    PeerNote::Complete => ratio(peer),
                    PeerNote::Leaves(n) => format!("{} (leaves {n})", ratio(peer)),
                };
                row.push_str(&format!(" {cell} |"));
            }
            if pick_paired {
                eprintln!("{row}");
            }
            table.push(row);
        }
    }
    for (name, why) in skipped {
        paired.push(format!("| {name} | — | skipped: {why} | | | | | | | | |"));
    }
    let machine = format!(
        "{} CPUs, {cpu}",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "\nTime as a multiple of `input.to_vec()` on the same input: median over {rounds} rounds of \
         paired timings, each right after a memcpy timing ({machine}; memcpy column: its \
         median time):\n\n{}\n",
        paired.join("\n")
    );
    println!(
        "\"leaves N\": the tests' re-walker finds N metadata units in that peer's output; \
         \"—\": the peer does not take the format.\n"
    );
    for case in cases {
        println!("- {}: {}", case.name, case.label);
    }
    println!(
        "\nThe same run, fastest timing over memcpy's fastest (memcpy column: its fastest):\n\n{}",
        fastest.join("\n")
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
        // Write the inputs as files (for profiling, or the `imgstrip` command against `cp`).
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
