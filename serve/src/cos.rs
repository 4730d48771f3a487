//! The COS side of the API: processing rules, the `Pic-Operations` header, error codes and
//! the XML bodies, with the field names of the COS/CI documentation ("Persistent Image
//! Processing", "Metadata Removal") and its SDKs.

use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use imgstrip::{Error, Format};

/// The most rules one `Pic-Operations` header may hold (COS allows five).
const MAX_RULES: usize = 5;

/// An error answer: HTTP status, COS error code, message, and any headers it needs (a 416
/// says the object's length in `Content-Range`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CosError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    pub headers: Vec<(&'static str, String)>,
}

impl CosError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        CosError {
            status,
            code,
            message: message.into(),
            headers: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value));
        self
    }

    pub fn bad(message: impl Into<String>) -> Self {
        Self::new(400, "InvalidArgument", message)
    }

    pub fn denied(message: impl Into<String>) -> Self {
        Self::new(403, "AccessDenied", message)
    }

    pub fn no_such_key() -> Self {
        Self::new(404, "NoSuchKey", "The specified key does not exist.")
    }

    pub fn internal(e: &std::io::Error) -> Self {
        Self::new(500, "InternalError", e.to_string())
    }

    pub fn too_large(what: &str, max: u64) -> Self {
        Self::new(413, "EntityTooLarge", format!("{what} is over {max} bytes"))
    }

    /// A strip error: over a limit is 413 `ImageTooLarge`, anything else about the image is
    /// 400 `InvalidImageFormat`; the message is the library's (format, byte offset, why).
    pub fn from_strip(e: &Error) -> Self {
        match e {
            Error::LimitExceeded { .. } => Self::new(413, "ImageTooLarge", e.to_string()),
            _ => Self::new(400, "InvalidImageFormat", e.to_string()),
        }
    }

    /// `<Error><Code>…</Code><Message>…</Message><Resource>…</Resource><RequestId>…
    /// </RequestId><TraceId>…</TraceId></Error>`: the Python SDK reads none of them unless
    /// the first four are all there and not empty.
    pub fn xml(&self, resource: &str, request_id: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code>\
             <Message>{}</Message><Resource>{}</Resource><RequestId>{}</RequestId>\
             <TraceId>{}</TraceId></Error>\n",
            self.code,
            escape(&self.message),
            escape(resource),
            escape(request_id),
            escape(request_id)
        )
    }
}

/// A processing rule. Only `imageMogr2/strip` is served, with or without `ignore-error/1`
/// (written after `strip`, as in `imageMogr2/strip/ignore-error/1`, or before it, as CI's
/// own examples do: `imageMogr2/ignore-error/1/strip`). A trailing `/` is allowed. Words are
/// compared without regard to case, as the signature compares parameter names: a request
/// for `?IMAGEMOGR2/STRIP` is a strip, never a plain download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Strip {
    /// Over-limit inputs come back (or are stored) unchanged instead of failing.
    pub ignore_error: bool,
}

impl Strip {
    pub fn parse(rule: &str) -> Result<Strip, CosError> {
        let unsupported = || {
            CosError::bad(format!(
                "unsupported rule {rule:?}: this server runs imageMogr2/strip[/ignore-error/1] only"
            ))
        };
        let lower = rule.to_ascii_lowercase();
        let mut words = lower.strip_suffix('/').unwrap_or(&lower).split('/');
        if words.next() != Some("imagemogr2") {
            return Err(unsupported());
        }
        let (mut strip, mut ignore_error) = (false, None);
        while let Some(word) = words.next() {
            match word {
                "strip" if !strip => strip = true,
                "ignore-error" if ignore_error.is_none() => {
                    ignore_error = Some(match words.next() {
                        Some("1") => true,
                        Some("0") => false,
                        _ => return Err(unsupported()),
                    })
                }
                _ => return Err(unsupported()),
            }
        }
        if !strip {
            return Err(unsupported());
        }
        Ok(Strip {
            ignore_error: ignore_error.unwrap_or(false),
        })
    }
}

/// One entry of `rules`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PicRule {
    /// Where the result goes, as written (see [`crate::bucket::fileid_key`]).
    pub fileid: String,
    pub strip: Strip,
}

/// The `Pic-Operations` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PicOperations {
    /// `is_pic_info: 1`: describe the original image in the answer.
    pub is_pic_info: bool,
    pub rules: Vec<PicRule>,
}

impl PicOperations {
    /// Parses the JSON. Unknown fields are ignored; `bucket` in a rule is accepted and
    /// ignored (this server has one bucket). `fileid` may be URL-encoded, as COS asks for
    /// non-ASCII names; it is decoded by the caller.
    pub fn parse(header: &str) -> Result<PicOperations, CosError> {
        let bad = |why: &str| CosError::bad(format!("Pic-Operations: {why}"));
        let json: serde_json::Value =
            serde_json::from_str(header).map_err(|e| bad(&format!("not JSON ({e})")))?;
        let obj = json.as_object().ok_or_else(|| bad("not a JSON object"))?;
        let is_pic_info = match obj.get("is_pic_info") {
            None => false,
            Some(v) => match v.as_u64() {
                Some(0) => false,
                Some(1) => true,
                _ => return Err(bad("is_pic_info must be 0 or 1")),
            },
        };
        let rules = match obj.get("rules") {
            None => &Vec::new(),
            Some(v) => v.as_array().ok_or_else(|| bad("rules must be an array"))?,
        };
        if rules.len() > MAX_RULES {
            return Err(bad(&format!("at most {MAX_RULES} rules")));
        }
        let mut out = Vec::with_capacity(rules.len());
        for rule in rules {
            let field = |name: &str| {
                rule.get(name)
                    .and_then(serde_json::Value::as_str)
                    .ok_or_else(|| bad(&format!("each rule needs a string {name}")))
            };
            let fileid = field("fileid")?;
            if fileid.is_empty() || fileid.ends_with('/') {
                return Err(bad("fileid must name a file (not empty, no trailing /)"));
            }
            out.push(PicRule {
                fileid: fileid.to_owned(),
                strip: Strip::parse(field("rule")?)?,
            });
        }
        Ok(PicOperations {
            is_pic_info,
            rules: out,
        })
    }
}

/// What an `UploadResult` says about one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    pub key: String,
    pub location: String,
    pub etag: String,
    /// Format, width and height, when the bytes are an image imgstrip reads.
    pub image: Option<(Format, u32, u32)>,
    pub size: usize,
}

/// The `UploadResult` answer of an upload or in-cloud processing request: `OriginalInfo`
/// (`Key`, `Location`, `ImageInfo` when `is_pic_info` is 1, `ETag`), then `ProcessResults`.
pub fn upload_result(original: &ObjectInfo, pic_info: bool, results: &[ObjectInfo]) -> String {
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<UploadResult>");
    x.push_str("<OriginalInfo>");
    tag(&mut x, "Key", &original.key);
    tag(&mut x, "Location", &original.location);
    if pic_info {
        image_info(&mut x, original);
    }
    tag(&mut x, "ETag", &quoted(&original.etag));
    x.push_str("</OriginalInfo>");
    process_results(&mut x, results);
    x.push_str("</UploadResult>\n");
    x
}

/// `<ImageInfo>` (`Format`, `Width`, `Height`) of an object, when it is an image imgstrip
/// reads. `Quality`, `Ave` (mean colour) and `Orientation` need a decoder and are left out,
/// as COS SDKs allow.
pub fn image_info(x: &mut String, object: &ObjectInfo) {
    if let Some((format, width, height)) = object.image {
        x.push_str("<ImageInfo>");
        tag(x, "Format", format_name(format));
        tag(x, "Width", &width.to_string());
        tag(x, "Height", &height.to_string());
        x.push_str("</ImageInfo>");
    }
}

/// `<ProcessResults>`: each result's `Key`, `Location`, `Format`, `Width`, `Height`, `Size`
/// and `ETag`.
pub fn process_results(x: &mut String, results: &[ObjectInfo]) {
    x.push_str("<ProcessResults>");
    for r in results {
        x.push_str("<Object>");
        tag(x, "Key", &r.key);
        tag(x, "Location", &r.location);
        if let Some((format, width, height)) = r.image {
            tag(x, "Format", format_name(format));
            tag(x, "Width", &width.to_string());
            tag(x, "Height", &height.to_string());
        }
        tag(x, "Size", &r.size.to_string());
        tag(x, "ETag", &quoted(&r.etag));
        x.push_str("</Object>");
    }
    x.push_str("</ProcessResults>");
}

/// `<name>value</name>`, the value escaped.
pub fn tag(x: &mut String, name: &str, value: &str) {
    let _ = write!(x, "<{name}>{}</{name}>", escape(value));
}

fn quoted(etag: &str) -> String {
    format!("\"{etag}\"")
}

/// The lower-case names CI uses for formats (`jpg`, not `jpeg`).
pub fn format_name(format: Format) -> &'static str {
    match format {
        Format::Jpeg => "jpg",
        Format::Png => "png",
        Format::Gif => "gif",
        Format::WebP => "webp",
        Format::Bmp => "bmp",
        Format::Heif => "heif",
        Format::Avif => "avif",
        Format::Jxl => "jxl",
        _ => "unknown",
    }
}

/// The `Content-Type` for bytes of this format.
pub fn content_type(format: Option<Format>) -> &'static str {
    match format {
        Some(Format::Jpeg) => "image/jpeg",
        Some(Format::Png) => "image/png",
        Some(Format::Gif) => "image/gif",
        Some(Format::WebP) => "image/webp",
        Some(Format::Bmp) => "image/bmp",
        Some(Format::Heif) => "image/heif",
        Some(Format::Avif) => "image/avif",
        Some(Format::Jxl) => "image/jxl",
        _ => "application/octet-stream",
    }
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// XML text escaping (`& < > " '`); control characters other than tab/LF/CR, which XML 1.0
/// cannot hold, become U+FFFD.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Year, month, day, hour, minute, second and weekday (0 = Sunday) of a time, in UTC
/// (the days-from-civil inverse of H. Hinnant's "chrono-Compatible Low-Level Date
/// Algorithms").
fn civil(t: SystemTime) -> (i64, u32, u32, u64, u64, u64, u64) {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    let weekday = (days + 4) % 7;
    (
        year,
        month,
        day,
        rest / 3600,
        rest / 60 % 60,
        rest % 60,
        weekday,
    )
}

/// An HTTP date (RFC 9110 § 5.6.7): `Thu, 03 Dec 2026 10:00:00 GMT`.
pub fn http_date(t: SystemTime) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, mo, d, h, mi, s, wd) = civil(t);
    let month = MONTHS[(mo as usize).saturating_sub(1) % 12];
    format!(
        "{}, {d:02} {month} {y} {h:02}:{mi:02}:{s:02} GMT",
        DAYS[wd as usize % 7]
    )
}

/// An ISO 8601 time as COS listings give it: `2026-12-03T10:00:00.000Z`.
pub fn iso_date(t: SystemTime) -> String {
    let (y, mo, d, h, mi, s, _) = civil(t);
    format!("{y}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.000Z")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn dates_in_both_forms() {
        let t = UNIX_EPOCH + Duration::from_secs(1_796_292_000); // 2026-12-03 10:00:00 UTC
        assert_eq!(http_date(t), "Thu, 03 Dec 2026 10:00:00 GMT");
        assert_eq!(iso_date(t), "2026-12-03T10:00:00.000Z");
        assert_eq!(http_date(UNIX_EPOCH), "Thu, 01 Jan 1970 00:00:00 GMT");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400); // 2000-02-29
        assert_eq!(iso_date(leap), "2000-02-29T00:00:00.000Z");
    }
}
