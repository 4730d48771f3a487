//! A count of the work a strip does, for the linear-time tests (`src/linear_tests.rs`).
//!
//! Every walk must cost time linear in its input (a quadratic path turns a 32 MiB upload into
//! minutes of CPU). Timing a walk in `cargo test` flakes on a loaded machine, so the tests
//! count work instead, which is deterministic: one unit per call below plus one per byte it
//! names. The calls sit at the choke points every walk goes through: [`Reader`] reads and
//! skips, [`Sink`] writes, and the few loops that scan a raw slice or search a table without
//! moving a `Reader` by as much (JPEG marker and entropy scans, GIF sub-block runs, HEIF
//! table lookups). Timings live in `benches/linear.rs`.
//!
//! Only unit tests count: elsewhere [`add`] is an empty function the compiler removes, so
//! shipped code pays nothing, and no feature flag is needed.
//!
//! [`Reader`]: crate::reader::Reader
//! [`Sink`]: crate::sink::Sink

#[cfg(test)]
use std::cell::Cell;

#[cfg(test)]
thread_local! {
    /// Per thread, so tests running side by side do not disturb each other's counts.
    static WORK: Cell<u64> = const { Cell::new(0) };
}

/// Counts one step that handles `bytes` bytes (reads, skips, writes or compares them).
#[cfg(test)]
pub(crate) fn add(bytes: usize) {
    let bytes = u64::try_from(bytes).unwrap_or(u64::MAX);
    WORK.with(|w| w.set(w.get().saturating_add(1).saturating_add(bytes)));
}

/// Counts nothing outside unit tests.
#[cfg(not(test))]
#[inline(always)]
pub(crate) fn add(_bytes: usize) {}

/// The work counted on this thread since the last call, and a fresh count.
#[cfg(test)]
pub(crate) fn take() -> u64 {
    WORK.with(|w| w.replace(0))
}
