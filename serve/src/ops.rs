//! Which COS operation a request is, from its method, key and query parameters, in one pass.
//!
//! Each operation takes a fixed set of parameters, compared without regard to case; a
//! parameter it does not take is refused (400), never ignored: an ignored `?imageInfo` or
//! `?x-cos-process=image/info` would answer the original bytes, metadata and all, to a
//! client that asked for something else.

use hyper::Method;

use crate::cos::{CosError, PicOperations, Strip};
use crate::request::Parsed;

/// The most keys one listing answers (COS's own maximum).
pub const MAX_KEYS: usize = 1000;

/// One operation, with what its parameters said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// `GET /key`, optionally `?imageMogr2/strip[/ignore-error/1]`, and `response-*`
    /// parameters that set headers of the answer.
    Get {
        rule: Option<Strip>,
        headers: Overrides,
    },
    /// `HEAD /key`, with the same parameters (the answer's headers are the GET's).
    Head {
        rule: Option<Strip>,
        headers: Overrides,
    },
    /// `PUT /key`, with `Pic-Operations` to strip on upload.
    Put { ops: Option<PicOperations> },
    /// `DELETE /key`.
    Delete,
    /// `POST /key?image_process` with `Pic-Operations`: strip a stored object in the cloud.
    Process { ops: PicOperations },
    /// `POST /key?uploads`, optionally with `Pic-Operations` (as the Python SDK sends it for
    /// `upload_file`): checked now, applied at Complete. The header as sent.
    Initiate { ops: Option<String> },
    /// `PUT /key?partNumber=N&uploadId=ID`.
    UploadPart { upload_id: String, part: u32 },
    /// `POST /key?uploadId=ID` with the part list, and optionally `Pic-Operations`.
    Complete {
        upload_id: String,
        ops: Option<PicOperations>,
    },
    /// `DELETE /key?uploadId=ID`.
    Abort { upload_id: String },
    /// `GET /key?uploadId=ID`, from part `after` on, at most `max` parts.
    ListParts {
        upload_id: String,
        after: u32,
        max: usize,
        url_encoded: bool,
    },
    /// `GET /` (ListObjects / GET Bucket).
    List(Listing),
    /// `GET /?uploads` (ListMultipartUploads), every upload in one answer.
    ListUploads { prefix: String, url_encoded: bool },
    /// `HEAD /` (HEAD Bucket).
    HeadBucket,
}

/// Headers of a download's answer that `response-*` parameters set (COS GET Object).
pub type Overrides = Vec<(&'static str, String)>;

/// The `response-*` parameters and the headers they set.
const OVERRIDES: [(&str, &str); 6] = [
    ("response-content-type", "content-type"),
    ("response-content-language", "content-language"),
    ("response-expires", "expires"),
    ("response-cache-control", "cache-control"),
    ("response-content-disposition", "content-disposition"),
    ("response-content-encoding", "content-encoding"),
];

/// The parameters of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    pub prefix: String,
    pub marker: String,
    pub delimiter: String,
    pub max_keys: usize,
    /// `encoding-type=url`: keys and prefixes are URL-encoded in the answer.
    pub url_encoded: bool,
}

impl Op {
    /// Whether the operation reads or writes an object key (not the bucket).
    fn needs_key(&self) -> bool {
        !matches!(self, Op::List(_) | Op::ListUploads { .. } | Op::HeadBucket)
    }
}

/// The request's parameters, each taken once by name (any case); what is left at the end
/// was not asked for.
struct Params<'a> {
    left: Vec<&'a (String, String)>,
}

impl<'a> Params<'a> {
    fn take(&mut self, name: &str) -> Option<&'a str> {
        let i = self
            .left
            .iter()
            .position(|(k, _)| k.eq_ignore_ascii_case(name))?;
        Some(self.left.remove(i).1.as_str())
    }

    /// The `imageMogr2` rule, a parameter without a value.
    fn take_rule(&mut self) -> Result<Option<Strip>, CosError> {
        let lower = |k: &str| k.to_ascii_lowercase();
        let Some(i) = self
            .left
            .iter()
            .position(|(k, _)| lower(k).starts_with("imagemogr2"))
        else {
            return Ok(None);
        };
        let (k, v) = self.left.remove(i);
        if !v.is_empty() {
            return Err(CosError::bad("imageMogr2 is a parameter without a value"));
        }
        Strip::parse(k).map(Some)
    }

    fn take_overrides(&mut self) -> Overrides {
        let mut headers = Vec::new();
        for (param, header) in OVERRIDES {
            if let Some(value) = self.take(param) {
                headers.push((header, value.to_owned()));
            }
        }
        headers
    }

    fn done(self) -> Result<(), CosError> {
        match self.left.first() {
            None => Ok(()),
            Some((k, _)) => Err(CosError::bad(format!(
                "parameter {k:?} is not served here: this server answers objects as stored or \
                 stripped (imageMogr2/strip), and nothing else"
            ))),
        }
    }
}

/// The name of the request's `imageMogr2` parameter, if it has one: the one parameter a
/// signature may leave out.
pub fn rule_param(req: &Parsed) -> Option<&str> {
    (req.params.iter())
        .map(|(k, _)| k.as_str())
        .find(|k| k.to_ascii_lowercase().starts_with("imagemogr2"))
}

/// Reads the operation off the request.
pub fn classify(req: &Parsed) -> Result<Op, CosError> {
    let mut p = Params {
        left: req.params.iter().collect(),
    };
    let bucket = req.key.is_empty();
    let ops = || -> Result<Option<PicOperations>, CosError> {
        req.header("pic-operations")?
            .map(PicOperations::parse)
            .transpose()
    };
    let op = match (&req.method, bucket) {
        (&Method::GET, true) if p.take("uploads").is_some() => {
            // One answer holds every upload, so the paging parameters change nothing.
            for paging in ["delimiter", "key-marker", "upload-id-marker", "max-uploads"] {
                p.take(paging);
            }
            Op::ListUploads {
                prefix: p.take("prefix").unwrap_or("").to_owned(),
                url_encoded: url_encoding(&mut p)?,
            }
        }
        (&Method::GET, true) => Op::List(listing(&mut p)?),
        (&Method::HEAD, true) => Op::HeadBucket,
        (&Method::GET, false) => match p.take("uploadId") {
            Some(id) => Op::ListParts {
                upload_id: id.to_owned(),
                after: match p.take("part-number-marker") {
                    None | Some("") => 0,
                    Some(n) => n.parse().map_err(|_| {
                        CosError::bad(format!("part-number-marker {n:?} is not a number"))
                    })?,
                },
                max: number(p.take("max-parts"), "max-parts", 1000)?,
                url_encoded: url_encoding(&mut p)?,
            },
            None => Op::Get {
                rule: p.take_rule()?,
                headers: p.take_overrides(),
            },
        },
        (&Method::HEAD, false) => Op::Head {
            rule: p.take_rule()?,
            headers: p.take_overrides(),
        },
        (&Method::PUT, false) => match (p.take("partNumber"), p.take("uploadId")) {
            (Some(n), Some(id)) => Op::UploadPart {
                upload_id: id.to_owned(),
                part: part_number(n)?,
            },
            (None, None) => Op::Put { ops: ops()? },
            _ => {
                return Err(CosError::bad(
                    "an upload part needs partNumber and uploadId",
                ))
            }
        },
        (&Method::POST, false) if p.take("uploads").is_some() => {
            let ops_header = req.header("pic-operations")?;
            ops_header.map(PicOperations::parse).transpose()?;
            Op::Initiate {
                ops: ops_header.map(str::to_owned),
            }
        }
        (&Method::POST, false) => match (p.take("uploadId"), p.take("image_process")) {
            (Some(id), None) => Op::Complete {
                upload_id: id.to_owned(),
                ops: ops()?,
            },
            (None, Some("")) => Op::Process {
                ops: ops()?.ok_or_else(|| {
                    CosError::bad("POST ?image_process needs a Pic-Operations header")
                })?,
            },
            _ => {
                return Err(CosError::bad(
                    "POST needs ?image_process, ?uploads or ?uploadId",
                ))
            }
        },
        (&Method::DELETE, false) => match p.take("uploadId") {
            Some(id) => Op::Abort {
                upload_id: id.to_owned(),
            },
            None => Op::Delete,
        },
        (method, _) => {
            let what = if bucket { "the bucket" } else { "an object" };
            return Err(CosError::new(
                405,
                "MethodNotAllowed",
                format!("{method} is not served on {what}"),
            ));
        }
    };
    p.done()?;
    if op.needs_key() && bucket {
        return Err(CosError::new(400, "InvalidURI", "no object key"));
    }
    Ok(op)
}

fn listing(p: &mut Params<'_>) -> Result<Listing, CosError> {
    let max_keys = number(p.take("max-keys"), "max-keys", MAX_KEYS)?;
    let url_encoded = url_encoding(p)?;
    Ok(Listing {
        prefix: p.take("prefix").unwrap_or("").to_owned(),
        marker: p.take("marker").unwrap_or("").to_owned(),
        delimiter: p.take("delimiter").unwrap_or("").to_owned(),
        max_keys,
        url_encoded,
    })
}

/// A count parameter, at most `most` (and `most` when not given or empty).
fn number(value: Option<&str>, name: &str, most: usize) -> Result<usize, CosError> {
    match value {
        None | Some("") => Ok(most),
        Some(n) => n
            .parse::<usize>()
            .map(|n| n.min(most))
            .map_err(|_| CosError::bad(format!("{name} {n:?} is not a number"))),
    }
}

/// `encoding-type=url`: keys in the answer are URL-encoded.
fn url_encoding(p: &mut Params<'_>) -> Result<bool, CosError> {
    match p.take("encoding-type") {
        None | Some("") => Ok(false),
        Some(t) if t.eq_ignore_ascii_case("url") => Ok(true),
        Some(t) => Err(CosError::bad(format!("encoding-type {t:?}: only url"))),
    }
}

/// A part number, 1 to 10,000 (COS's range).
fn part_number(n: &str) -> Result<u32, CosError> {
    match n.parse::<u32>() {
        Ok(n @ 1..=10_000) => Ok(n),
        _ => Err(CosError::bad(format!(
            "partNumber {n:?} is not a number from 1 to 10000"
        ))),
    }
}
