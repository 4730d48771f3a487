//! Linear time, counted: every growing input of `tests/hostile` (many copies of the smallest
//! unit each format has, for every format) is stripped at about N and 4N bytes, and the work
//! the strip does ([`crate::work`]: bytes read, skipped, scanned and written, table lookups)
//! must grow about 4 times, never 16. The count is deterministic, so this cannot flake on a
//! loaded machine; `benches/linear.rs` times the same inputs.
//!
//! Work counts fixed costs too (headers, the first IDAT), so a linear walk gives a ratio a
//! little under 4; a binary search per unit adds a log factor, a little over 4. A walk that
//! goes back over what it has read once per unit gives 16.

use std::io::Write;

use crate::reader::Reader;
use crate::{work, Format, Limits, Stripper};

// The builders are `pub` for the integration tests and the bench that share them.
#[allow(unreachable_pub)]
#[path = "../tests/hostile/mod.rs"]
mod hostile;

/// What `hostile` needs from the module that includes it.
mod common {
    pub(super) use crate::crc32::crc32;
}

/// The smaller input size, in bytes (each builder gets as close as its unit allows).
const N: usize = 128 * 1024;
/// Most that work(4N) / work(N) may be.
const MAX_RATIO: f64 = 4.5;

/// Prints a line the test harness does not capture (it captures only the print macros), so
/// the table shows in a plain `cargo test`.
fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// The work of `f`, counted on this thread.
fn work_of<T>(f: impl FnOnce() -> T) -> (u64, T) {
    work::take();
    let result = f();
    (work::take(), result)
}

fn ratio(small: u64, large: u64) -> f64 {
    large as f64 / small.max(1) as f64
}

#[test]
fn work_grows_linearly_with_the_input() {
    let mut failures = Vec::new();
    say(&format!(
        "linear work: each input at N and 4N bytes (N about {N}); work(4N) / work(N) must be at most {MAX_RATIO}"
    ));
    for case in hostile::growing::cases() {
        let limits = if case.no_limits {
            Limits::none()
        } else {
            Limits::default()
        };
        let stripper = Stripper::new().limits(limits);
        let (small, large) = ((case.build)(N), (case.build)(4 * N));
        let size_ratio = large.len() as f64 / small.len() as f64;
        assert!(
            (3.9..=4.1).contains(&size_ratio),
            "{}: sizes {} and {}",
            case.name,
            small.len(),
            large.len()
        );
        let (w1, _) = work_of(|| stripper.strip(&small));
        let (w4, result) = work_of(|| stripper.strip(&large));
        let outcome = match result {
            Ok(s) => format!("Ok({} bytes)", s.data.len()),
            Err(e) => e.to_string(),
        };
        let r = ratio(w1, w4);
        say(&format!(
            "  {:<48} {:>7} / {:>7} bytes  work {:>9} / {:>9}  ratio {:>4.2}  ({})",
            case.name,
            small.len(),
            large.len(),
            w1,
            w4,
            r,
            outcome.chars().take(50).collect::<String>()
        ));
        // Every byte of the input is read, skipped or scanned at least once.
        assert!(
            w1 >= small.len() as u64,
            "{}: work {w1} at N is less than the input's {} bytes: not all counted",
            case.name,
            small.len()
        );
        if r > MAX_RATIO {
            failures.push(format!("{}: work(4N) / work(N) = {r:.2}", case.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Steps through `input` `unit` bytes at a time, as a walker does; with `again`, each step
/// first reads everything before it once more from the start, the mistake that makes a walk
/// quadratic.
fn walk(input: &[u8], unit: usize, again: bool) {
    let mut r = Reader::new(input, Format::Gif);
    while r.remaining() >= unit {
        if again {
            let mut from_start = Reader::new(input, Format::Gif);
            let _ = from_start.bytes(r.pos());
        }
        let _ = r.skip(unit);
    }
}

#[test]
fn the_measure_catches_a_quadratic_walk() {
    let build = |n| hostile::growing::repeat(&[1, b'x'], n);
    let (small, large) = (build(N / 16), build(N / 4));
    let measure = |again| {
        let (w1, ()) = work_of(|| walk(&small, 2, again));
        let (w4, ()) = work_of(|| walk(&large, 2, again));
        (w1, w4, ratio(w1, w4))
    };
    let (l1, l4, linear) = measure(false);
    let (q1, q4, quadratic) = measure(true);
    say(&format!(
        "  linear walk: work {l1} / {l4}, ratio {linear:.2}; quadratic walk: work {q1} / {q4}, ratio {quadratic:.2}"
    ));
    assert!(linear <= MAX_RATIO, "linear walk: ratio {linear:.2}");
    assert!(quadratic > 10.0, "quadratic walk: ratio {quadratic:.2}");
}
