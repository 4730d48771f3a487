//! The COS side of the API: processing rules, the `Pic-Operations` header, error codes and
//! the XML bodies, with the field names of the COS/CI documentation ("Persistent Image
//! Processing", "Metadata Removal") and its SDKs.

use std::fmt::Write as _;

use imgstrip::{Error, Format};
use md5::{Digest, Md5};

/// The most rules one `Pic-Operations` header may hold (COS allows five).
const MAX_RULES: usize = 5;

/// An error answer: HTTP status, COS error code, message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CosError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl CosError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        CosError {
            status,
            code,
            message: message.into(),
        }
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

    /// A strip error: over a limit is 413 `ImageTooLarge`, anything else about the image is
    /// 400 `InvalidImageFormat`; the message is the library's (format, byte offset, why).
    pub fn from_strip(e: &Error) -> Self {
        match e {
            Error::LimitExceeded { .. } => Self::new(413, "ImageTooLarge", e.to_string()),
            _ => Self::new(400, "InvalidImageFormat", e.to_string()),
        }
    }

    /// `<Error><Code>…</Code><Message>…</Message><Resource>…</Resource><RequestId>…</RequestId></Error>`.
    pub fn xml(&self, resource: &str, request_id: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code>\
             <Message>{}</Message><Resource>{}</Resource><RequestId>{}</RequestId></Error>\n",
            self.code,
            escape(&self.message),
            escape(resource),
            escape(request_id)
        )
    }
}

/// A processing rule. Only `imageMogr2/strip` is served, with or without `ignore-error/1`
/// (written after `strip`, as in `imageMogr2/strip/ignore-error/1`, or before it, as CI's
/// own examples do: `imageMogr2/ignore-error/1/strip`). A trailing `/` is allowed.
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
        let mut words = rule.strip_suffix('/').unwrap_or(rule).split('/');
        if words.next() != Some("imageMogr2") {
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

/// The `UploadResult` answer of an upload or in-cloud processing request.
/// `OriginalInfo` always has `Key`, `Location` and `ETag`, and `ImageInfo` (`Format`, `Width`,
/// `Height`) when `is_pic_info` is 1; each `ProcessResults/Object` has `Key`, `Location`,
/// `Format`, `Width`, `Height`, `Size` and `ETag`. `Quality`, `Ave` (mean colour) and
/// `Orientation` need a decoder and are left out, as COS SDKs allow.
pub fn upload_result(original: &ObjectInfo, pic_info: bool, results: &[ObjectInfo]) -> String {
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<UploadResult>");
    x.push_str("<OriginalInfo>");
    tag(&mut x, "Key", &original.key);
    tag(&mut x, "Location", &original.location);
    if let (true, Some((format, width, height))) = (pic_info, original.image) {
        x.push_str("<ImageInfo>");
        tag(&mut x, "Format", format_name(format));
        tag(&mut x, "Width", &width.to_string());
        tag(&mut x, "Height", &height.to_string());
        x.push_str("</ImageInfo>");
    }
    tag(&mut x, "ETag", &quoted(&original.etag));
    x.push_str("</OriginalInfo><ProcessResults>");
    for r in results {
        x.push_str("<Object>");
        tag(&mut x, "Key", &r.key);
        tag(&mut x, "Location", &r.location);
        if let Some((format, width, height)) = r.image {
            tag(&mut x, "Format", format_name(format));
            tag(&mut x, "Width", &width.to_string());
            tag(&mut x, "Height", &height.to_string());
        }
        tag(&mut x, "Size", &r.size.to_string());
        tag(&mut x, "ETag", &quoted(&r.etag));
        x.push_str("</Object>");
    }
    x.push_str("</ProcessResults></UploadResult>\n");
    x
}

fn tag(x: &mut String, name: &str, value: &str) {
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
        _ => "application/octet-stream",
    }
}

/// The ETag of some bytes: their MD5 in lower-case hex, as COS gives for simple uploads.
pub fn etag(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .fold(String::with_capacity(32), |mut s, b| {
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
