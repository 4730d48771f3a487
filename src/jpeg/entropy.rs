//! Entropy-coded data (T.81 B.1.1.5): finding where a scan's data ends, and copying it
//! while it is scanned. A leaf of the JPEG walker.

use crate::out;
use crate::reader::Reader;
use crate::sink::Sink;
use crate::work;

/// Copies a scan's entropy-coded data (T.81 B.1.1.5): everything up to the `FF` that starts
/// a marker other than RSTn, TEM or RES. Stuffed `FF 00` and RSTn stay in the data, and so
/// do the TEM and RES markers damage leaves in it (see [`scan_entropy`]).
pub(super) fn copy_entropy_data(r: &mut Reader<'_>, out: &mut impl Sink) {
    let window = if out.copies() { WINDOW } else { usize::MAX };
    let len = copy_entropy(r.rest(), out, window);
    // The cursor stops at the marker's first FF (or at a dangling FF run at the very end).
    let _ = r.skip(len);
}

/// Bytes scanned before they are copied. The copy reads them again while they are still in
/// the L1 cache, so the input is read from memory once: scanning all the data and then
/// copying it read it twice (268 µs against 250 µs for the 4.4 MB bench JPEG). A copy is at most
/// `WINDOW + BLOCK - 1` bytes, under the 2112 bytes where glibc's `memmove` (2.33+, CPUs
/// with FSRM) switches from vector loops to `rep movsb`: with 8 KiB windows, one alignment
/// of input against output made the strip 6× slower on an AMD EPYC.
pub(super) const WINDOW: usize = 2048 - BLOCK;

/// Appends the entropy-coded data at the start of `data` to `out`, scanning and copying
/// `window` bytes at a time, and returns its length.
pub(super) fn copy_entropy(data: &[u8], out: &mut impl Sink, window: usize) -> usize {
    let mut copied = 0usize;
    let mut restarts = false;
    loop {
        let limit = copied.saturating_add(window);
        let (at, ended) = scan_entropy(data, copied, limit, &mut restarts);
        out::copy(out, data.get(copied..at).unwrap_or_default());
        if ended {
            return at;
        }
        copied = at;
    }
}

/// Length of the entropy-coded data at the start of `data`.
pub(super) fn entropy_len(data: &[u8]) -> usize {
    scan_entropy(data, 0, usize::MAX, &mut false).0
}

/// Scans entropy-coded data from `from`, which is not inside a run of `FF`s. Returns
/// `(end, true)` when the data ends at `end` (the `FF` of a marker, or the end of `data`),
/// or `(at, false)` when the scan has passed `limit` at a position `at ≥ limit` from which
/// it can go on. `restarts` turns on at the first RSTn and stays on (see
/// [`skip_plain_blocks`]).
fn scan_entropy(data: &[u8], mut from: usize, limit: usize, restarts: &mut bool) -> (usize, bool) {
    loop {
        from = skip_plain_blocks(data, from, limit, *restarts);
        if from >= limit {
            return (from, false);
        }
        let Some(ff) = data
            .get(from..)
            .and_then(|d| d.iter().position(|&b| b == 0xFF))
        else {
            return (data.len(), true);
        };
        let ff = from.saturating_add(ff);
        let run = data
            .get(ff..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&b| b == 0xFF)
            .count();
        let after = ff.saturating_add(run);
        work::add(after.saturating_sub(from)); // the bytes this step scanned
        match data.get(after) {
            // Stuffing; and TEM and RES: no encoder writes them, and nothing ends a scan
            // with them, so here they are damage (a flash block of FFs from a failing card).
            // libjpeg stops decoding at one and resynchronises at the next RSTn
            // (`jpeg_resync_to_restart` scans on past markers below SOF0), so the data after
            // it is still picture and stays.
            Some(0x00..=0xBF) => from = after.saturating_add(1),
            Some(0xD0..=0xD7) => {
                *restarts = true;
                from = after.saturating_add(1);
            }
            // A marker, or a run of FF cut off by the end of the input.
            _ => return (ff, true),
        }
    }
}

/// Block size of the fast scan: 256 bytes tested at once, plus one byte of look-ahead. Each
/// block ends in one branch, so a longer block spends less on them: 64-byte blocks scanned
/// 55 KB of in-cache entropy data at 35 GB/s, 256-byte ones at 51 GB/s (an OR over the
/// same bytes: 84 GB/s); from memory (4.4 MB) all run at the memory's speed. A block with
/// a marker is read again byte by byte, which happens about once per scan.
const BLOCK: usize = 256;

/// Moves `from` past whole blocks without a marker, until it reaches `limit`. Most
/// entropy-coded data is such blocks; only blocks with a marker (or a run of `FF`s) fall back
/// to the byte-wise scan. Each block is tested in one branch-free pass the compiler
/// vectorises. Until the scan has met an RSTn the test lets only stuffing (`FF 00`) through,
/// which is the cheapest; once it has (`restarts`), RSTn (`FF D0`–`D7`) passes too, at some
/// cost per byte: an encoder that restarts every few MCUs (cameras, hardware encoders) puts
/// an RSTn in most blocks, and sending each such block to the byte-wise scan made those
/// files 9× slower to strip. Choosing the test per block instead costs a mispredicted branch
/// on every block with an RSTn, nearly as much.
fn skip_plain_blocks(data: &[u8], from: usize, limit: usize, restarts: bool) -> usize {
    let rest = data.get(from..).unwrap_or_default();
    // Whole blocks that have their look-ahead byte, and not (much) past `limit`.
    let span = rest
        .len()
        .saturating_sub(1)
        .min(limit.saturating_sub(from).saturating_add(BLOCK - 1));
    let heads = rest.get(..span).unwrap_or_default().chunks_exact(BLOCK);
    let nexts = rest.get(1..).unwrap_or_default().chunks_exact(BLOCK);
    let blocks = heads.zip(nexts);
    // One loop per test, each compiled (and vectorised) on its own.
    let plain = if restarts {
        count_while(blocks, no_marker)
    } else {
        count_while(blocks, only_stuffing)
    };
    // The blocks tested: those passed, and the one that stopped the run (which the byte-wise
    // scan then reads again).
    work::add(span.min(plain.saturating_add(1).saturating_mul(BLOCK)));
    from.saturating_add(plain.saturating_mul(BLOCK))
}

/// How many blocks from the start pass `plain`.
fn count_while<'a>(
    blocks: impl Iterator<Item = (&'a [u8], &'a [u8])>,
    plain: fn(&[u8], &[u8]) -> bool,
) -> usize {
    blocks.take_while(|(head, next)| plain(head, next)).count()
}

/// Whether every `FF` in `head` is followed (in `next`, the same bytes one later) by `00`.
fn only_stuffing(head: &[u8], next: &[u8]) -> bool {
    let after_ff = head
        .iter()
        .zip(next)
        .fold(0u8, |acc, (&b, &n)| acc | if b == 0xFF { n } else { 0 });
    after_ff == 0
}

/// Whether every `FF` in `head` is followed by `00` or `D0`–`D7` (RSTn).
fn no_marker(head: &[u8], next: &[u8]) -> bool {
    let markers = head.iter().zip(next).fold(0u8, |acc, (&b, &n)| {
        let after_ff = if b == 0xFF { n } else { 0 };
        acc | if after_ff & 0xF8 == 0xD0 { 0 } else { after_ff }
    });
    markers == 0
}
