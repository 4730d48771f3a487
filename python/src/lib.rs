//! The `imgstrip` Python package's extension module, `imgstrip._imgstrip`: `strip`,
//! `strip_with_report`, `inspect` and `detect` over the [`imgstrip`] library, the GIL released
//! while a file is walked. The package (python/imgstrip/) re-exports them beside its exception
//! classes; python/imgstrip/__init__.pyi types them.

#![deny(missing_docs, missing_debug_implementations)]

mod args;
mod errors;
mod report;

use imgstrip::Stripper;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::args::{Input, KeepArg, LimitsArg};
use crate::report::Report;

/// Strips `data` with the GIL released: the output and the library's report.
fn run<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    stripper: &Stripper,
) -> PyResult<(Bound<'py, PyBytes>, Report)> {
    let input = Input::new(data)?;
    let slice = input.as_slice();
    match py.detach(|| stripper.strip(slice)) {
        Ok(out) => Ok((PyBytes::new(py, &out.data), Report::from(&out.report))),
        Err(e) => Err(errors::to_py(py, &e)),
    }
}

fn stripper(keep: KeepArg, limits: LimitsArg, ignore_limit_errors: bool) -> Stripper {
    Stripper::new()
        .keep(keep.0)
        .limits(limits.0)
        .ignore_limit_errors(ignore_limit_errors)
}

/// Returns `data` (bytes, bytearray or memoryview) without its metadata, as bytes.
///
/// keep: names of what to keep ("orientation", "icc", "gain_map", "copyright",
/// "display"), as an iterable or one comma-separated string.
/// limits: "cos" (Tencent COS's limits, the default), None (no limits) or a dict setting
/// some of them ("max_input_bytes", "max_dimension", "max_pixels", "max_webp_dimension",
/// "max_animation_pixels", "max_gif_frames").
/// ignore_limit_errors: return an input over a limit unchanged instead of raising
/// LimitExceeded (it then keeps all its metadata).
///
/// Raises UnknownFormat, Truncated, Malformed, Unsupported or LimitExceeded (all
/// imgstrip.Error, a ValueError), with .offset and .format.
#[pyfunction]
#[pyo3(
    signature = (data, *, keep = KeepArg::default(), limits = LimitsArg::default(),
                 ignore_limit_errors = false),
    text_signature = "(data, *, keep=(), limits='cos', ignore_limit_errors=False)"
)]
fn strip<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    keep: KeepArg,
    limits: LimitsArg,
    ignore_limit_errors: bool,
) -> PyResult<Bound<'py, PyBytes>> {
    run(py, data, &stripper(keep, limits, ignore_limit_errors)).map(|(out, _)| out)
}

/// As strip, and the Report of what was removed: one walk of the file for both.
#[pyfunction]
#[pyo3(
    signature = (data, *, keep = KeepArg::default(), limits = LimitsArg::default(),
                 ignore_limit_errors = false),
    text_signature = "(data, *, keep=(), limits='cos', ignore_limit_errors=False)"
)]
fn strip_with_report<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    keep: KeepArg,
    limits: LimitsArg,
    ignore_limit_errors: bool,
) -> PyResult<(Bound<'py, PyBytes>, Report)> {
    run(py, data, &stripper(keep, limits, ignore_limit_errors))
}

/// Reports what strip would remove, without writing the output.
///
/// Takes the same keep and limits as strip; raises the same errors.
#[pyfunction]
#[pyo3(
    signature = (data, *, keep = KeepArg::default(), limits = LimitsArg::default()),
    text_signature = "(data, *, keep=(), limits='cos')"
)]
fn inspect(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    keep: KeepArg,
    limits: LimitsArg,
) -> PyResult<Report> {
    let input = Input::new(data)?;
    let slice = input.as_slice();
    let stripper = stripper(keep, limits, false);
    match py.detach(|| stripper.inspect(slice)) {
        Ok(report) => Ok(Report::from(&report)),
        Err(e) => Err(errors::to_py(py, &e)),
    }
}

/// The format of `data` told from its first bytes ("jpeg", "png", "gif", "webp", "bmp",
/// "heif", "avif"), or None.
#[pyfunction]
fn detect(data: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    let input = Input::new(data)?;
    Ok(imgstrip::detect(input.as_slice()).map(errors::format_name))
}

/// The names `keep=` accepts, lower case: orientation, icc, gain_map, copyright, display.
#[pyfunction]
fn keep_names() -> Vec<String> {
    imgstrip::Keep::names().collect()
}

/// The module `imgstrip._imgstrip`.
#[pymodule]
fn _imgstrip(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(strip, m)?)?;
    m.add_function(wrap_pyfunction!(strip_with_report, m)?)?;
    m.add_function(wrap_pyfunction!(inspect, m)?)?;
    m.add_function(wrap_pyfunction!(detect, m)?)?;
    m.add_function(wrap_pyfunction!(keep_names, m)?)?;
    m.add_class::<Report>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
