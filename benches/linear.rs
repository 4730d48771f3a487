//! Wall-clock companion of the linear-time unit test (`src/linear_tests.rs`, which counts work
//! and asserts): strips every growing input of `tests/hostile` at about N and 4N bytes and
//! prints t(4N) / t(N). Linear time gives about 4, quadratic 16. Nothing is asserted: a
//! timing depends on the machine and on what else runs there, so it belongs here and not in
//! `cargo test`.
//!
//! ```sh
//! cargo bench --bench linear              # every input
//! cargo bench --bench linear -- HEIF      # only the inputs whose name holds "HEIF"
//! ```
//!
//! Each timing strips its input into a reused buffer enough times to take about a
//! millisecond at N (the same count at 4N). The two sizes are timed in turn, round after
//! round (`IMGSTRIP_LINEAR_ROUNDS`, default 15), and the fastest timing of each is kept:
//! other work on the machine only ever makes a timing slower.

use std::hint::black_box;
use std::time::{Duration, Instant};

use imgstrip::{Limits, Stripper};

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/hostile/mod.rs"]
mod hostile;

/// The smaller input size, in bytes (as in the unit test).
const N: usize = 128 * 1024;

/// How long one timing of the smaller input should take, at least.
const TIMING: Duration = Duration::from_millis(1);

/// The time of `reps` strips of `input` into `out`.
fn time(stripper: &Stripper, input: &[u8], out: &mut Vec<u8>, reps: u32) -> Duration {
    let start = Instant::now();
    for _ in 0..reps {
        let _ = black_box(stripper.strip_into(black_box(input), out));
    }
    start.elapsed()
}

fn main() {
    let filter = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let rounds: usize = std::env::var("IMGSTRIP_LINEAR_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(15);
    println!(
        "linear time: fastest of {rounds} rounds at N and 4N (N about {N} bytes); linear gives about 4, quadratic 16"
    );
    for case in hostile::growing::cases() {
        if filter.as_deref().is_some_and(|f| !case.name.contains(f)) {
            continue;
        }
        let limits = if case.no_limits {
            Limits::none()
        } else {
            Limits::default()
        };
        let stripper = Stripper::new().limits(limits);
        let (small, large) = ((case.build)(N), (case.build)(4 * N));
        let mut out = Vec::with_capacity(imgstrip::max_output_len(large.len()));
        // Enough strips per timing to take TIMING at N.
        let once = time(&stripper, &small, &mut out, 1).max(Duration::from_nanos(100));
        let reps = u32::try_from(TIMING.as_nanos() / once.as_nanos())
            .unwrap_or(u32::MAX)
            .max(1);
        let (mut best_small, mut best_large) = (Duration::MAX, Duration::MAX);
        for _ in 0..rounds {
            best_small = best_small.min(time(&stripper, &small, &mut out, reps));
            best_large = best_large.min(time(&stripper, &large, &mut out, reps));
        }
        let per_strip = |d: Duration| d.as_secs_f64() * 1e6 / f64::from(reps);
        println!(
            "  {:<48} {:>7} / {:>7} bytes  {:>9.1} / {:>9.1} µs  ratio {:>5.2}",
            case.name,
            small.len(),
            large.len(),
            per_strip(best_small),
            per_strip(best_large),
            best_large.as_secs_f64() / best_small.as_secs_f64().max(1e-12),
        );
    }
}
