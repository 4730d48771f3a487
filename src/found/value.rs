//! Whether a value holds anything: the probe every reader of [`super`] shares.

use crate::work;

/// How many bytes of a value are looked at to tell whether it holds anything. Cameras pad
/// text fields with NULs or spaces (Canon writes a 264-byte UserComment of NULs), and such a
/// field says nothing. Text after more than this many blanks is not looked for: the report
/// summarises, while the strip removes the block whatever it holds; and a bounded probe
/// keeps a blob whose many entries all point at one long blank value linear.
const PROBE: usize = 1024;

/// Whether `value` holds a byte other than NUL or space in its first [`PROBE`] bytes.
pub(super) fn has_text(value: &[u8]) -> bool {
    let probe = value.get(..PROBE).unwrap_or(value);
    work::add(probe.len());
    probe.iter().any(|&b| b != 0 && b != b' ')
}

/// Whether `value` holds a non-zero byte in its first [`PROBE`] bytes (binary values, where
/// a space is a number).
pub(super) fn has_data(value: &[u8]) -> bool {
    let probe = value.get(..PROBE).unwrap_or(value);
    work::add(probe.len());
    probe.iter().any(|&b| b != 0)
}
