//! The Python arguments: the input bytes, the keep list and the limits.

use imgstrip::{Keep, Limits};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyMemoryView, PyString};

/// The input of a call: a `bytes` object borrowed as it is (immutable, so it may be read with
/// the GIL released), or a copy of a mutable buffer (`bytearray`, `memoryview`, …), which
/// another thread could change while the GIL is released.
pub(crate) enum Input<'py> {
    Borrowed(Bound<'py, PyBytes>),
    Copied(Vec<u8>),
}

impl<'py> Input<'py> {
    /// Reads `data`: `bytes` without a copy; `bytearray` and any other object that exposes
    /// the buffer protocol (through `memoryview(data).tobytes()`) with one copy.
    ///
    /// The abi3 build for Python 3.9 has no buffer API (it joined the limited API in 3.11),
    /// and borrowing a mutable buffer across `detach` would need `unsafe`: so a copy.
    pub(crate) fn new(data: &Bound<'py, PyAny>) -> PyResult<Self> {
        if let Ok(bytes) = data.cast::<PyBytes>() {
            return Ok(Input::Borrowed(bytes.clone()));
        }
        if let Ok(array) = data.cast::<PyByteArray>() {
            return Ok(Input::Copied(array.to_vec()));
        }
        if data.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err(
                "data must be bytes, bytearray or memoryview, not str",
            ));
        }
        let view = PyMemoryView::from(data).map_err(|_| {
            PyTypeError::new_err(format!(
                "data must be bytes, bytearray or memoryview, not {}",
                type_name(data)
            ))
        })?;
        let copy = view.call_method0("tobytes")?;
        let bytes = copy.cast::<PyBytes>()?;
        Ok(Input::Copied(bytes.as_bytes().to_vec()))
    }

    /// The bytes to strip.
    pub(crate) fn as_slice(&self) -> &[u8] {
        match self {
            Input::Borrowed(bytes) => bytes.as_bytes(),
            Input::Copied(vec) => vec,
        }
    }
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |n| n.to_string())
}

/// `keep=`: one string (a comma-separated list, as the CLI's `--keep`) or an iterable of
/// names; each name as [`Keep`]'s `FromStr` accepts it (`gain-map` and `gain_map` alike).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct KeepArg(pub(crate) Keep);

impl<'a, 'py> FromPyObject<'a, 'py> for KeepArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        keep(&obj).map(KeepArg)
    }
}

fn keep(obj: &Bound<'_, PyAny>) -> PyResult<Keep> {
    if obj.is_none() {
        return Ok(Keep::empty());
    }
    if let Ok(list) = obj.cast::<PyString>() {
        return parse_keep(&list.to_cow()?);
    }
    let mut keep = Keep::empty();
    for item in obj.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "keep must be a string or an iterable of strings, not {}",
            type_name(obj)
        ))
    })? {
        let item = item?;
        let name = item.cast::<PyString>().map_err(|_| {
            PyTypeError::new_err(format!(
                "keep names must be strings, not {}",
                type_name(&item)
            ))
        })?;
        keep |= parse_keep(&name.to_cow()?)?;
    }
    Ok(keep)
}

fn parse_keep(list: &str) -> PyResult<Keep> {
    list.parse::<Keep>()
        .map_err(|e| PyValueError::new_err(e.to_string()))
}

/// The limit fields a dict may set, each with a setter; the names are [`Limits`]' fields.
pub(crate) const LIMIT_FIELDS: [&str; 6] = [
    "max_input_bytes",
    "max_dimension",
    "max_pixels",
    "max_webp_dimension",
    "max_animation_pixels",
    "max_gif_frames",
];

/// Sets the limit `name` of `limits` to `value` (`None`: no limit, as [`Limits::none`]).
/// `Err` carries the message of the `ValueError` to raise.
pub(crate) fn set_limit(limits: &mut Limits, name: &str, value: Option<u64>) -> Result<(), String> {
    let none = Limits::none();
    let small = |v: Option<u64>, max: u32| -> Result<u32, String> {
        match v {
            None => Ok(max),
            Some(v) => u32::try_from(v)
                .map_err(|_| format!("limit {name} is {v}, over the largest value {max}")),
        }
    };
    match name {
        "max_input_bytes" => limits.max_input_bytes = value.unwrap_or(none.max_input_bytes),
        "max_dimension" => limits.max_dimension = small(value, none.max_dimension)?,
        "max_pixels" => limits.max_pixels = value.unwrap_or(none.max_pixels),
        "max_webp_dimension" => {
            limits.max_webp_dimension = small(value, none.max_webp_dimension)?;
        }
        "max_animation_pixels" => {
            limits.max_animation_pixels = value.unwrap_or(none.max_animation_pixels);
        }
        "max_gif_frames" => limits.max_gif_frames = small(value, none.max_gif_frames)?,
        _ => {
            return Err(format!(
                "unknown limit {name:?} (known: {})",
                LIMIT_FIELDS.join(", ")
            ))
        }
    }
    Ok(())
}

/// `limits=`: `"cos"` (the default: Tencent COS's limits), `None` (no limits) or a dict
/// that sets fields of the COS limits by name (a value of `None` lifts that one limit).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct LimitsArg(pub(crate) Limits);

impl<'a, 'py> FromPyObject<'a, 'py> for LimitsArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        limits(&obj).map(LimitsArg)
    }
}

fn limits(obj: &Bound<'_, PyAny>) -> PyResult<Limits> {
    if obj.is_none() {
        return Ok(Limits::none());
    }
    if let Ok(name) = obj.cast::<PyString>() {
        let name = name.to_cow()?;
        return match name.as_ref() {
            "cos" => Ok(Limits::default()),
            other => Err(PyValueError::new_err(format!(
                "limits must be \"cos\", None or a dict, not the string {other:?}"
            ))),
        };
    }
    let dict = obj.cast::<PyDict>().map_err(|_| {
        PyTypeError::new_err(format!(
            "limits must be \"cos\", None or a dict, not {}",
            type_name(obj)
        ))
    })?;
    let mut limits = Limits::default();
    for (key, value) in dict.iter() {
        let key = key
            .cast::<PyString>()
            .map_err(|_| PyValueError::new_err("limit names must be strings"))?
            .to_cow()?
            .into_owned();
        let value = if value.is_none() {
            None
        } else {
            Some(value.extract::<u64>().map_err(|_| {
                PyValueError::new_err(format!(
                    "limit {key} must be an int from 0 to 2**64-1 or None"
                ))
            })?)
        };
        set_limit(&mut limits, &key, value).map_err(PyValueError::new_err)?;
    }
    Ok(limits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_each_named_limit() {
        let mut limits = Limits::default();
        for (i, name) in LIMIT_FIELDS.iter().enumerate() {
            set_limit(&mut limits, name, Some(i as u64 + 1)).unwrap();
        }
        assert_eq!(limits.max_input_bytes, 1);
        assert_eq!(limits.max_dimension, 2);
        assert_eq!(limits.max_pixels, 3);
        assert_eq!(limits.max_webp_dimension, 4);
        assert_eq!(limits.max_animation_pixels, 5);
        assert_eq!(limits.max_gif_frames, 6);
        for name in LIMIT_FIELDS {
            set_limit(&mut limits, name, None).unwrap();
        }
        assert_eq!(limits, Limits::none());
    }

    #[test]
    fn refuses_unknown_limits_and_overflow() {
        let mut limits = Limits::default();
        let e = set_limit(&mut limits, "max_frames", Some(1)).unwrap_err();
        assert!(e.contains("unknown limit \"max_frames\""), "{e}");
        let e = set_limit(&mut limits, "max_dimension", Some(1 << 40)).unwrap_err();
        assert!(e.contains("over the largest value"), "{e}");
        assert_eq!(limits, Limits::default());
    }
}
