//! The bindings' work as plain Rust, so native tests can check it.

use imgstrip::{Error, Keep, Limits, Plan, Report, Stripper};

/// Why a call failed: an [`Error`] of the library, or an option it could not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// `UnknownFormat`, `Truncated`, `Malformed`, `Unsupported`, `LimitExceeded`, or
    /// `InvalidOption` (the wrapper throws that one as a `TypeError`).
    pub kind: &'static str,
    /// The library's message, as the command prints it after `PATH: `.
    pub message: String,
    /// The format's name (`JPEG`), when the error names one.
    pub format: Option<&'static str>,
    /// The byte of the input the error points at.
    pub offset: Option<usize>,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let kind = match e {
            Error::UnknownFormat => "UnknownFormat",
            Error::Truncated { .. } => "Truncated",
            Error::Malformed { .. } => "Malformed",
            Error::Unsupported { .. } => "Unsupported",
            Error::LimitExceeded { .. } => "LimitExceeded",
            // `OutputTooSmall` comes only from `strip_to_slice`, which is not used here;
            // a variant added later is reported as what it most likely is.
            _ => "Malformed",
        };
        Failure {
            kind,
            message: e.to_string(),
            format: e.format().map(|f| f.name()),
            offset: e.offset(),
        }
    }
}

impl Failure {
    /// `{"kind":…,"message":…,"format":…|null,"offset":…|null}`.
    #[must_use]
    pub fn to_json(&self) -> String {
        format!(
            "{{\"kind\":{},\"message\":{},\"format\":{},\"offset\":{}}}",
            json_string(self.kind),
            json_string(&self.message),
            self.format.map_or("null".into(), json_string),
            self.offset.map_or("null".into(), |o| o.to_string()),
        )
    }
}

/// The stripper for the options the JS wrapper passes on.
///
/// # Errors
/// An `InvalidOption` failure naming an unknown keep flag.
pub fn stripper(
    keep: &str,
    no_limits: bool,
    ignore_limit_errors: bool,
) -> Result<Stripper, Failure> {
    let keep: Keep = keep
        .parse()
        .map_err(|e: imgstrip::ParseKeepError| Failure {
            kind: "InvalidOption",
            message: e.to_string(),
            format: None,
            offset: None,
        })?;
    let limits = if no_limits {
        Limits::none()
    } else {
        Limits::default()
    };
    Ok(Stripper::new()
        .keep(keep)
        .limits(limits)
        .ignore_limit_errors(ignore_limit_errors))
}

/// Strips `data`; see [`crate::strip`].
///
/// The output is built from the [`Plan`], as the command writes it, rather than with
/// [`Stripper::strip`]: the bytes are the same (the library's `Plan` docs assert it), and
/// with only the plan's sink every format walker is compiled once, not twice, which keeps
/// the `.wasm` 14% smaller (wasm/README.md).
///
/// # Errors
/// The library's error, or an unknown keep flag.
pub fn strip(
    data: &[u8],
    keep: &str,
    no_limits: bool,
    ignore_limit_errors: bool,
) -> Result<Vec<u8>, Failure> {
    let plan = stripper(keep, no_limits, ignore_limit_errors)?.plan(data)?;
    let mut out = Vec::with_capacity(plan.len());
    for piece in plan.pieces() {
        out.extend_from_slice(piece.bytes(data));
    }
    Ok(out)
}

/// The report of stripping `data`, as [`report_json`]; the output is planned, never built.
///
/// # Errors
/// The library's error, or an unknown keep flag.
pub fn inspect(
    data: &[u8],
    keep: &str,
    no_limits: bool,
    ignore_limit_errors: bool,
) -> Result<String, Failure> {
    let plan = stripper(keep, no_limits, ignore_limit_errors)?.plan(data)?;
    Ok(report_json(&plan, data.len()))
}

/// The format's name, as in the command's JSON.
#[must_use]
pub fn detect(data: &[u8]) -> Option<&'static str> {
    imgstrip::detect(data).map(|f| f.name())
}

/// The report as the command's `--report` JSON, with camelCase keys (`bytesRemoved`,
/// `notKept`), no `path`/`output`, and `foundPhrases` (what a person reads, from
/// [`imgstrip::Found::phrases`]). Flag names are the command's snake_case ones.
#[must_use]
pub fn report_json(plan: &Plan, bytes_before: usize) -> String {
    let r: &Report = plan.report();
    let list = |names: Vec<String>| {
        let quoted: Vec<String> = names.iter().map(|n| json_string(n)).collect();
        format!("[{}]", quoted.join(","))
    };
    let lower = |name: &str| name.to_ascii_lowercase();
    format!(
        "{{\"format\":{},\"removed\":{},\"found\":{},\"foundPhrases\":{},\"bytesBefore\":{},\
         \"bytesAfter\":{},\"bytesRemoved\":{},\"width\":{},\"height\":{},\"frames\":{},\
         \"untouched\":{},\"truncated\":{},\"notKept\":{}}}",
        json_string(r.format.name()),
        list(r.removed.iter_names().map(|(n, _)| lower(n)).collect()),
        list(r.found.names().map(str::to_owned).collect()),
        list(r.found.phrases().map(str::to_owned).collect()),
        bytes_before,
        plan.len(),
        r.bytes_removed,
        r.width,
        r.height,
        r.frames,
        r.untouched,
        r.truncated,
        list(r.not_kept.iter_names().map(|(n, _)| lower(n)).collect()),
    )
}

fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len().saturating_add(2));
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // A 1×1 GIF with a comment extension ("hi") before the image.
    const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00\x00\x00\x00\x21\xfe\x02hi\x00\
        \x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00\x3b";

    #[test]
    fn strips_the_comment_and_reports_it() {
        let out = strip(GIF, "", false, false).unwrap();
        assert_eq!(out.len(), GIF.len() - 6);
        assert_eq!(out, Stripper::new().strip(GIF).unwrap().data);
        let json = inspect(GIF, "", false, false).unwrap();
        assert!(
            json.starts_with("{\"format\":\"GIF\",\"removed\":[\"comment\"],"),
            "{json}"
        );
        assert!(json.contains("\"bytesRemoved\":6,"), "{json}");
        assert!(json.contains("\"foundPhrases\":[\"comment\"]"), "{json}");
        assert_eq!(detect(GIF), Some("GIF"));
        assert_eq!(detect(b"nope"), None);
    }

    #[test]
    fn errors_carry_kind_format_and_offset() {
        let f = strip(b"not an image", "", false, false).unwrap_err();
        assert_eq!(
            f.to_json(),
            "{\"kind\":\"UnknownFormat\",\"message\":\"unknown format: no supported signature at byte 0\",\"format\":null,\"offset\":null}"
        );
        let f = strip(&GIF[..20], "", false, false).unwrap_err();
        assert_eq!((f.kind, f.format), ("Truncated", Some("GIF")));
        assert!(f.offset.is_some());
        let f = strip(GIF, "icc,gps", false, false).unwrap_err();
        assert_eq!(f.kind, "InvalidOption");
        assert!(f.message.contains("\"gps\""), "{}", f.message);
    }

    #[test]
    fn json_strings_escape_quotes_and_controls() {
        assert_eq!(json_string("a\"b\\c\n\u{1}"), "\"a\\\"b\\\\c\\n\\u0001\"");
    }
}
