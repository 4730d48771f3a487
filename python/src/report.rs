//! `imgstrip.Report`: what a strip removed and found, as Python attributes.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::format_name;

/// What a strip removed and what the removed metadata held.
///
/// `format` is lower case ("jpeg", "png", "gif", "webp", "bmp", "heif", "avif", "jxl");
/// `removed` lists the kinds of blocks removed ("exif", "xmp", "iptc", "icc", "comment",
/// "text", "timestamp", "thumbnail", "trailer", "other"), `found` what they held ("gps",
/// "capture_time", "device", "serial_number", …) and `not_kept` the keep flags that found
/// something they could not keep ("copyright"): the names of the CLI's `--report` JSON.
#[pyclass(frozen, name = "Report", module = "imgstrip")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Report {
    /// The input's format, lower case.
    #[pyo3(get)]
    format: String,
    /// The kinds of metadata removed.
    #[pyo3(get)]
    removed: Vec<String>,
    /// What the removed metadata told about the picture and its author.
    #[pyo3(get)]
    found: Vec<String>,
    /// The keep flags asked for that found something they could not keep.
    #[pyo3(get)]
    not_kept: Vec<String>,
    /// How many bytes shorter the output is than the input.
    #[pyo3(get)]
    bytes_removed: u64,
    /// Width in pixels (the canvas, for animations).
    #[pyo3(get)]
    width: u32,
    /// Height in pixels.
    #[pyo3(get)]
    height: u32,
    /// Number of frames (1 for a still image).
    #[pyo3(get)]
    frames: u32,
    /// True when the input ended early and imgstrip closed the image itself.
    #[pyo3(get)]
    truncated: bool,
    /// True when the input came back unchanged because it was over a limit and
    /// `ignore_limit_errors` was on.
    #[pyo3(get)]
    untouched: bool,
}

/// A list of names as Python writes it: `['exif', 'icc']` (the names are plain ASCII).
fn py_list(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    format!("[{}]", quoted.join(", "))
}

impl From<&imgstrip::Report> for Report {
    fn from(r: &imgstrip::Report) -> Self {
        Report {
            format: format_name(r.format),
            removed: r.removed.names().map(str::to_owned).collect(),
            found: r.found.names().map(str::to_owned).collect(),
            not_kept: r.not_kept.flag_names().map(str::to_owned).collect(),
            bytes_removed: r.bytes_removed,
            width: r.width,
            height: r.height,
            frames: r.frames,
            truncated: r.truncated,
            untouched: r.untouched,
        }
    }
}

#[pymethods]
impl Report {
    /// The fields as a dict (for a JSON report).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("format", &self.format)?;
        d.set_item("removed", &self.removed)?;
        d.set_item("found", &self.found)?;
        d.set_item("not_kept", &self.not_kept)?;
        d.set_item("bytes_removed", self.bytes_removed)?;
        d.set_item("width", self.width)?;
        d.set_item("height", self.height)?;
        d.set_item("frames", self.frames)?;
        d.set_item("truncated", self.truncated)?;
        d.set_item("untouched", self.untouched)?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        let mut s = format!(
            "Report(format='{}', width={}, height={}, frames={}, removed={}, found={}, \
             bytes_removed={}",
            self.format,
            self.width,
            self.height,
            self.frames,
            py_list(&self.removed),
            py_list(&self.found),
            self.bytes_removed
        );
        if !self.not_kept.is_empty() {
            s.push_str(&format!(", not_kept={}", py_list(&self.not_kept)));
        }
        if self.truncated {
            s.push_str(", truncated=True");
        }
        if self.untouched {
            s.push_str(", untouched=True");
        }
        s.push(')');
        s
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<Report>().is_ok_and(|o| *self == *o.get())
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{DefaultHasher, Hash, Hasher};
        let mut h = DefaultHasher::new();
        (
            &self.format,
            &self.removed,
            &self.found,
            &self.not_kept,
            self.bytes_removed,
            (self.width, self.height, self.frames),
            (self.truncated, self.untouched),
        )
            .hash(&mut h);
        h.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_json_reports() {
        let mut r = imgstrip::Stripper::new()
            .inspect(b"GIF89a\x01\x00\x01\x00\x00\x00\x00\x21\xFE\x02hi\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
            .unwrap();
        r.found = imgstrip::Found::GPS | imgstrip::Found::SERIAL_NUMBER;
        let py = Report::from(&r);
        assert_eq!(py.format, "gif");
        assert_eq!(py.removed, ["comment"]);
        assert_eq!(py.found, ["gps", "serial_number"]);
        assert_eq!((py.width, py.height, py.frames), (1, 1, 1));
        assert!(py.__repr__().starts_with("Report(format='gif', width=1, height=1, frames=1, removed=['comment'], found=['gps', 'serial_number']"));
    }
}
