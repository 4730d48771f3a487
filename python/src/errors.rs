//! The library's [`Error`] as a Python exception of `imgstrip`'s own classes.
//!
//! The classes are Python classes (python/imgstrip/_errors.py) so that `.offset` and `.format`
//! are ordinary attributes that survive pickling, which a Dask cluster does to move a failed
//! task's exception from a worker to the client.

use imgstrip::Error;
use pyo3::prelude::*;

/// The name of the `imgstrip` exception class for `error`.
pub(crate) fn class_name(error: &Error) -> &'static str {
    match error {
        Error::UnknownFormat => "UnknownFormat",
        Error::Truncated { .. } => "Truncated",
        Error::Malformed { .. } => "Malformed",
        Error::Unsupported { .. } => "Unsupported",
        Error::LimitExceeded { .. } => "LimitExceeded",
        // OutputTooSmall (only from strip_to_slice, which Python does not call) and any
        // variant added later: the base class.
        _ => "Error",
    }
}

/// The lower-case name of a format, as `detect` and `Report.format` give it (`"jxl"` for
/// JPEG XL, whose display name has a space).
pub(crate) fn format_name(format: imgstrip::Format) -> String {
    match format {
        imgstrip::Format::Jxl => "jxl".into(),
        other => other.name().to_ascii_lowercase(),
    }
}

/// `imgstrip.<Class>(message, offset, format)` as a `PyErr`.
pub(crate) fn to_py(py: Python<'_>, error: &Error) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let module = py.import("imgstrip._errors")?;
        let class = module.getattr(class_name(error))?;
        let value = class.call1((
            error.to_string(),
            error.offset(),
            error.format().map(format_name),
        ))?;
        Ok(PyErr::from_value(value))
    };
    build().unwrap_or_else(|e| e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use imgstrip::Limits;

    #[test]
    fn names_each_variant_its_class() {
        let unknown = imgstrip::strip(b"hello", Limits::default()).unwrap_err();
        assert_eq!(class_name(&unknown), "UnknownFormat");
        let truncated = imgstrip::strip(b"GIF89a\x01\x00", Limits::default()).unwrap_err();
        assert_eq!(class_name(&truncated), "Truncated");
        assert_eq!(truncated.format().map(format_name).as_deref(), Some("gif"));
    }
}
