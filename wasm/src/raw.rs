//! The bindings' work as plain Rust, so native tests can check it.

use imgstrip::{Error, Keep, Limits, Piece, Plan, Report, Stripper};

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
        let mut out = String::with_capacity(self.message.len().saturating_add(80));
        out.push_str("{\"kind\":");
        push_string(&mut out, self.kind);
        out.push_str(",\"message\":");
        push_string(&mut out, &self.message);
        out.push_str(",\"format\":");
        match self.format {
            Some(name) => push_string(&mut out, name),
            None => out.push_str("null"),
        }
        out.push_str(",\"offset\":");
        match self.offset {
            Some(offset) => push_number(&mut out, u64::try_from(offset).unwrap_or(u64::MAX)),
            None => out.push_str("null"),
        }
        out.push('}');
        out
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

/// The plan of stripping `data` as one byte string, from which the JS wrapper's `strip`
/// builds the output ([`encode_plan`]): the stripped bytes, without building them in wasm
/// memory and copying them out again; the `plan` binding ([`crate::plan`]). Only the plan's
/// sink is used, so every format walker is compiled once, not once more for a `Vec`, which
/// keeps the `.wasm` 14% smaller (wasm/README.md).
///
/// # Errors
/// The library's error, or an unknown keep flag.
pub fn plan(
    data: &[u8],
    keep: &str,
    no_limits: bool,
    ignore_limit_errors: bool,
) -> Result<Vec<u8>, Failure> {
    let plan = stripper(keep, no_limits, ignore_limit_errors)?.plan(data)?;
    encode_plan(&plan)
}

/// A [`Plan`] for `wasm/js/api.js`, all numbers `u32` little-endian: the output's length,
/// the number of pieces, then per piece `from` (0: the input, 1: the bytes at the end of
/// this string), `start` and `len`, and last the bytes the strip wrote, one piece after
/// the other. The wrapper copies each piece from the caller's own input array into the
/// output, so the kept bytes are copied once, not three times (into a `Vec` in wasm memory,
/// out to JS, and the input in); wasm/README.md has the speed.
///
/// # Errors
/// An `Unsupported` failure when the output is 4 GiB or longer (never in wasm32).
pub fn encode_plan(plan: &Plan) -> Result<Vec<u8>, Failure> {
    let too_long = || Failure {
        kind: "Unsupported",
        message: "the output is 4 GiB or longer".to_owned(),
        format: Some(plan.report().format.name()),
        offset: None,
    };
    let word = |n: usize| {
        u32::try_from(n)
            .map(u32::to_le_bytes)
            .map_err(|_| too_long())
    };
    let pieces = plan.pieces();
    let mut out = Vec::with_capacity(pieces.len().saturating_mul(12).saturating_add(64));
    out.extend_from_slice(&word(plan.len())?);
    out.extend_from_slice(&word(pieces.len())?);
    let mut written = 0usize;
    for piece in plan.pieces() {
        let (from, start) = match &piece {
            Piece::Input(range) => (0, range.start),
            Piece::Written(bytes) => {
                let start = written;
                written = written.saturating_add(bytes.len());
                (1, start)
            }
        };
        out.extend_from_slice(&word(from)?);
        out.extend_from_slice(&word(start)?);
        out.extend_from_slice(&word(piece.len())?);
    }
    for piece in plan.pieces() {
        if let Piece::Written(bytes) = piece {
            out.extend_from_slice(bytes);
        }
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
///
/// Built by hand rather than with `format!`: every byte of formatting code is a byte of the
/// `.wasm` (wasm/README.md, "Size and speed").
#[must_use]
pub fn report_json(plan: &Plan, bytes_before: usize) -> String {
    let r: &Report = plan.report();
    let mut out = String::with_capacity(512);
    out.push_str("{\"format\":");
    push_string(&mut out, r.format.name());
    out.push_str(",\"removed\":");
    push_list(&mut out, r.removed.names());
    out.push_str(",\"found\":");
    push_list(&mut out, r.found.names());
    out.push_str(",\"foundPhrases\":");
    push_list(&mut out, r.found.phrases());
    let wide = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
    let numbers = [
        ("bytesBefore", wide(bytes_before)),
        ("bytesAfter", wide(plan.len())),
        ("bytesRemoved", r.bytes_removed),
        ("width", r.width.into()),
        ("height", r.height.into()),
        ("frames", r.frames.into()),
    ];
    for (key, value) in numbers {
        push_key(&mut out, key);
        push_number(&mut out, value);
    }
    for (key, value) in [("untouched", r.untouched), ("truncated", r.truncated)] {
        push_key(&mut out, key);
        out.push_str(if value { "true" } else { "false" });
    }
    out.push_str(",\"notKept\":");
    push_list(&mut out, r.not_kept.flag_names());
    out.push('}');
    out
}

/// `,"key":`
fn push_key(out: &mut String, key: &str) {
    out.push_str(",\"");
    out.push_str(key);
    out.push_str("\":");
}

/// A JSON array of strings.
fn push_list<S: AsRef<str>>(out: &mut String, names: impl Iterator<Item = S>) {
    out.push('[');
    for (i, name) in names.enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_string(out, name.as_ref());
    }
    out.push(']');
}

/// A number in decimal, as `Display` writes it.
fn push_number(out: &mut String, mut n: u64) {
    let mut digits = [b'0'; 20];
    let mut at = digits.len();
    loop {
        at = at.saturating_sub(1);
        if let Some(d) = digits.get_mut(at) {
            // `n % 10` is below 10, so the digit fits in a byte.
            *d = b'0'.saturating_add(u8::try_from(n % 10).unwrap_or_default());
        }
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in digits.get(at..).unwrap_or_default() {
        out.push(char::from(d));
    }
}

/// A JSON string: `s` quoted, with `"`, `\` and control characters escaped.
fn push_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let byte = u32::from(c);
                out.push_str("\\u00");
                for nibble in [byte >> 4, byte & 0xF] {
                    let digit = usize::try_from(nibble).ok().and_then(|i| HEX.get(i));
                    out.push(char::from(digit.copied().unwrap_or(b'0')));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json_string(s: &str) -> String {
        let mut out = String::new();
        push_string(&mut out, s);
        out
    }

    /// What `wasm/js/api.js` does with [`plan`]'s bytes.
    fn assemble(input: &[u8], plan: &[u8]) -> Vec<u8> {
        let word = |at: usize| u32::from_le_bytes(plan[at..at + 4].try_into().unwrap()) as usize;
        let (len, count) = (word(0), word(4));
        let written = 8 + 12 * count;
        let mut out = Vec::with_capacity(len);
        for i in 0..count {
            let (from, start, n) = (word(8 + 12 * i), word(12 + 12 * i), word(16 + 12 * i));
            let bytes = if from == 0 {
                &input[start..start + n]
            } else {
                &plan[written + start..written + start + n]
            };
            out.extend_from_slice(bytes);
        }
        assert_eq!(out.len(), len);
        out
    }

    /// What the JS wrapper's `strip` returns: the output assembled from the encoded plan.
    fn strip(
        data: &[u8],
        keep: &str,
        no_limits: bool,
        ignore_limit_errors: bool,
    ) -> Result<Vec<u8>, Failure> {
        plan(data, keep, no_limits, ignore_limit_errors).map(|p| assemble(data, &p))
    }

    #[test]
    fn the_plan_assembles_into_the_stripped_bytes() {
        assert_eq!(
            assemble(GIF, &plan(GIF, "", false, false).unwrap()),
            Stripper::new().strip(GIF).unwrap().data
        );
        // A JPEG whose output has written pieces (the EOI) between input ranges.
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xFE, 0x00, 0x07, b's', b'e', b'c', b'r', b'e', 0xFF, 0xC0, 0x00,
            0x0B, 8, 0, 1, 0, 1, 1, 1, 0x11, 0, 0xFF, 0xDA, 0x00, 0x08, 1, 1, 0x00, 0, 63, 0, 0x12,
            0x34,
        ];
        let encoded = plan(&jpeg, "", false, false).unwrap();
        assert_eq!(
            &encoded[4..8],
            &3u32.to_le_bytes(),
            "two ranges and the EOI"
        );
        assert_eq!(
            assemble(&jpeg, &encoded),
            Stripper::new().strip(&jpeg).unwrap().data
        );
        assert_eq!(
            plan(b"nope", "", false, false).unwrap_err().kind,
            "UnknownFormat"
        );
    }

    #[test]
    fn numbers_are_written_as_display_writes_them() {
        for n in [0, 7, 10, 99, 1_234_567, u64::MAX] {
            let mut out = String::new();
            push_number(&mut out, n);
            assert_eq!(out, n.to_string());
        }
    }

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
